/* modelsave.c -- writing the model file: tsn_model_save() and tsn_model_saving(). The layout
 * is modelformat.h's; modelfile.c reads it back.
 *
 * A model is written to a temporary file beside its path (MODEL.tmp.XXXXXX, or
 * .tasnif.tmp.XXXXXX in the same directory when that name would be too long), flushed to disk
 * and renamed into place, so that a crash leaves the old model or the new one, never half of
 * one; tsn_model_saving() names the temporary file meanwhile, for the signal handler that
 * removes it. The checksum is computed as the bytes go out. The weights are written dense or
 * sparse, whichever is smaller, unless TASNIF_MODEL_LAYOUT says which.
 */
#include "model.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "features.h"
#include "hash.h"
#include "model_internal.h"
#include "modelformat.h"
#include "normalize.h"

typedef struct {
    FILE *f;
    uint64_t h;
    bool ok;
} writer;

static void put(writer *w, const void *p, size_t n)
{
    if (!w->ok || n == 0)
        return;
    w->h = tsn_hash_more(w->h, p, n);
    if (fwrite(p, 1, n, w->f) != n)
        w->ok = false;
}

static void put_header(writer *w, const char *name, size_t n)
{
    char buf[64];
    int len = snprintf(buf, sizeof buf, "%s %zu\n", name, n);
    put(w, buf, (size_t)len);
}

static void put_doubles(writer *w, const double *v, size_t n)
{
    unsigned char buf[8 * 512];
    for (size_t i = 0; i < n;) {
        size_t m = 0;
        for (; i < n && m < sizeof buf; i++, m += 8)
            tsn_double_put(buf + m, v[i]);
        put(w, buf, m);
    }
}

/* The size of the sparse-weights body of m's weights (rows x cols). */
static size_t sparse_size(const tsn_model *m, size_t rows, size_t cols)
{
    size_t total = 0;
    for (size_t r = 0; r < rows; r++) {
        size_t n = 0, prev = 0;
        for (size_t k = 0; k < cols; k++) {
            if (tsn_model_weight(m, r, k) == 0)
                continue;
            total += tsn_varint_len(k - prev) + 8;
            prev = k + 1;
            n++;
        }
        total += tsn_varint_len(n);
    }
    return total;
}

/* Writes the weights row by row, sparse or dense; row scratch from the heap. */
static void put_weights(writer *w, const tsn_model *m, bool sparse, size_t bytes)
{
    size_t rows = w_rows(m->ll), cols = n_cols(m);
    if (!sparse && m->wstart == NULL) {
        put_header(w, TSN_SECTION_WEIGHTS, rows * cols);
        put_doubles(w, m->ll->w, rows * cols);
        put(w, "\n", 1);
        return;
    }
    double *val = malloc((cols ? cols : 1) * sizeof *val);
    unsigned char *code = malloc((cols + 1) * 10);
    if (val == NULL || code == NULL) {
        w->ok = false;
        goto done;
    }
    if (sparse)
        put_header(w, TSN_SECTION_SPARSE, bytes);
    else
        put_header(w, TSN_SECTION_WEIGHTS, rows * cols);
    for (size_t r = 0; r < rows && w->ok; r++) {
        size_t n = 0, len = 0, prev = 0;
        for (size_t k = 0; k < cols; k++) {
            double v = tsn_model_weight(m, r, k);
            if (!sparse) {
                val[n++] = v;
            } else if (v != 0) {
                len += tsn_varint_put(code + 10 + len, k - prev);
                prev = k + 1;
                val[n++] = v;
            }
        }
        if (sparse) {
            size_t head = tsn_varint_put(code, n); /* the count, then the gaps after it */
            put(w, code, head);
            put(w, code + 10, len);
        }
        put_doubles(w, val, n);
    }
    put(w, "\n", 1);
done:
    free(val);
    free(code);
}

/* Sparse when smaller, or as TASNIF_MODEL_LAYOUT says; *bytes gets the sparse body's size. */
static bool use_sparse(const tsn_model *m, size_t *bytes)
{
    size_t rows = w_rows(m->ll), cols = n_cols(m);
    const char *force = getenv("TASNIF_MODEL_LAYOUT");
    if (force != NULL && strcmp(force, "dense") == 0)
        return false;
    *bytes = sparse_size(m, rows, cols);
    if (force != NULL && strcmp(force, "sparse") == 0)
        return true;
    return *bytes < rows * cols * 8;
}

static char *meta_json(const tsn_model *m)
{
    cJSON *root = cJSON_CreateObject(), *cfg = NULL;
    char *cfg_text = tsn_config_to_json(&m->cfg, false);
    char *out = NULL;
    if (root == NULL || cfg_text == NULL)
        goto done;
    cfg = cJSON_Parse(cfg_text);
    /* A model that kept every character n-gram is written as files from before char_max_df
     * were, which modelfile.c reads as 1: such models stay byte for byte what they were. */
    if (m->cfg.char_max_df == 1)
        cJSON_DeleteItemFromObjectCaseSensitive(cfg, "char_max_df");
    cJSON *labels = cJSON_CreateArray(), *support = cJSON_CreateArray(),
          *order = cJSON_CreateArray();
    if (cfg == NULL || labels == NULL || support == NULL || order == NULL) {
        cJSON_Delete(labels);
        cJSON_Delete(support);
        cJSON_Delete(order);
        goto done;
    }
    cJSON_AddStringToObject(root, "format", "tasnif-model");
    cJSON_AddNumberToObject(root, "version", TSN_MODEL_FORMAT_VERSION);
    cJSON_AddStringToObject(root, "tasnif", TSN_VERSION);
    cJSON_AddStringToObject(root, "unicode", tsn_unicode_version());
    cJSON_AddItemToObject(root, "config", cfg);
    cfg = NULL;
    for (size_t k = 0; k < m->n_labels; k++) {
        cJSON_AddItemToArray(labels, cJSON_CreateString(m->names[k]));
        cJSON_AddItemToArray(support, cJSON_CreateNumber((double)m->support[k]));
    }
    for (int j = 0; j < m->ll->nr_class; j++)
        cJSON_AddItemToArray(order, cJSON_CreateNumber(m->ll->label[j] - 1));
    cJSON_AddItemToObject(root, "labels", labels);
    cJSON_AddItemToObject(root, "support", support);
    cJSON_AddBoolToObject(root, "pair", m->pair);
    cJSON_AddNumberToObject(root, "examples", (double)m->n_examples);
    cJSON_AddNumberToObject(root, "features", (double)tsn_vocab_size(m->vocab));
    cJSON_AddNumberToObject(root, "solver_type", m->ll->param.solver_type);
    cJSON_AddItemToObject(root, "class_order", order);
    cJSON_AddNumberToObject(root, "bias", m->ll->bias);
    if (m->temperature > 0)
        cJSON_AddNumberToObject(root, "temperature", m->temperature);
    if (m->cfg.multi_label) { /* uncalibrated: the logistic of the decision, cut at 0.5 */
        cJSON *platt = cJSON_CreateArray(), *thresh = cJSON_CreateArray();
        for (size_t k = 0; platt != NULL && thresh != NULL && k < m->n_labels; k++) {
            cJSON_AddItemToArray(platt, cJSON_CreateNumber(m->platt ? m->platt[2 * k] : 1));
            cJSON_AddItemToArray(platt, cJSON_CreateNumber(m->platt ? m->platt[2 * k + 1] : 0));
            cJSON_AddItemToArray(thresh, cJSON_CreateNumber(m->thresh ? m->thresh[k] : 0.5));
        }
        if (platt == NULL || thresh == NULL) {
            cJSON_Delete(platt);
            cJSON_Delete(thresh);
            goto done;
        }
        cJSON_AddItemToObject(root, "platt", platt);
        cJSON_AddItemToObject(root, "thresholds", thresh);
    }
    out = cJSON_PrintUnformatted(root);
done:
    cJSON_Delete(cfg);
    cJSON_Delete(root);
    free(cfg_text);
    return out;
}

static const char *volatile saving; /* the temporary file being written, for signals */

const char *tsn_model_saving(void)
{
    return saving;
}

/* Makes the rename durable: the directory entry reaches the disk too. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? strdup(".") : strndup(path, (size_t)(slash - path) + 1);
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse it on directories */
        close(fd);
    }
    free(dir);
}

static tsn_status save(const tsn_model *m, const char *path, tsn_error *err);

/* A model saved over a symbolic link replaces the file the link points to (the link stays),
 * and one saved over an existing model keeps that file's permissions. */
tsn_status tsn_model_save(const tsn_model *m, const char *path, tsn_error *err)
{
    struct stat ls;
    if (lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode)) {
        char *target = realpath(path, NULL);
        if (target != NULL) {
            tsn_status st = save(m, target, err);
            free(target);
            return st;
        }
    }
    return save(m, path, err);
}

static tsn_status save(const tsn_model *m, const char *path, tsn_error *err)
{
    size_t plen = strlen(path), tcap = plen + 32;
    char *tmp = malloc(tcap);
    if (tmp == NULL)
        return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    snprintf(tmp, tcap, "%s.tmp.XXXXXX", path);
    /* A device or pipe (/dev/null, /dev/stdout) is written to directly: there is no file to
     * replace atomically, and renaming over a device node would destroy it. */
    struct stat sb;
    bool direct = false, existed = stat(path, &sb) == 0;
    if (existed && !S_ISREG(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode)) {
            free(tmp);
            return tsn_error_set(err, TSN_ERR_IO, "%s: cannot create: Is a directory", path);
        }
        direct = true;
    }
    /* No signal between creating the file and publishing its name (tsn_model_saving). */
    sigset_t block, prev;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGQUIT);
    sigaddset(&block, SIGXFSZ);
    pthread_sigmask(SIG_BLOCK, &block, &prev);
    int fd = direct ? open(path, O_WRONLY | O_TRUNC) : mkstemp(tmp);
    if (fd < 0 && !direct && errno == ENAMETOOLONG) {
        /* a name within 11 bytes of the file system's limit (NAME_MAX): the temporary file
         * gets a short name of its own in the same directory, so that rename stays atomic */
        const char *slash = strrchr(path, '/');
        int dlen = slash != NULL ? (int)(slash - path) + 1 : 0;
        snprintf(tmp, tcap, "%.*s.tasnif.tmp.XXXXXX", dlen, path);
        fd = mkstemp(tmp);
    }
    if (fd >= 0 && !direct)
        saving = tmp;
    pthread_sigmask(SIG_SETMASK, &prev, NULL);
    if (fd >= 0 && !direct) {
        /* mkstemp creates the file 0600; a model is an ordinary file (0666 less umask), or
         * keeps the permissions of the model it replaces. */
        mode_t mask = umask(0);
        umask(mask);
        if (fchmod(fd, existed ? (sb.st_mode & 07777) : (0666 & ~mask)) != 0) {
            close(fd);
            unlink(tmp);
            saving = NULL;
            fd = -1;
        }
    }
    if (fd < 0) {
        tsn_status st = tsn_error_set(err, TSN_ERR_IO, "%s: cannot create: %s", path,
                                      strerror(errno));
        free(tmp);
        return st;
    }
    writer w = {fdopen(fd, "wb"), TSN_FNV_OFFSET, true};
    if (w.f == NULL) {
        close(fd);
        w.ok = false;
    }
    char *meta = meta_json(m);
    if (meta == NULL)
        w.ok = false;
    if (w.ok) {
        char head[64];
        int hl = snprintf(head, sizeof head, "%s%d\n", TSN_MODEL_MAGIC,
                          TSN_MODEL_FORMAT_VERSION);
        put(&w, head, (size_t)hl);
        put_header(&w, TSN_SECTION_META, strlen(meta));
        put(&w, meta, strlen(meta));
        put(&w, "\n", 1);
        put_header(&w, TSN_SECTION_STOPWORDS, m->stop_len);
        put(&w, m->stopwords, m->stop_len);
        put(&w, "\n", 1);
        size_t vlen = 0;
        const char *vs = tsn_vocab_strings(m->vocab, &vlen);
        if (vs == NULL)
            vlen = 0;
        put_header(&w, TSN_SECTION_VOCAB, vlen);
        put(&w, vs, vlen);
        put(&w, "\n", 1);
        size_t V = tsn_vocab_size(m->vocab);
        put_header(&w, TSN_SECTION_IDF, V);
        put_doubles(&w, tsn_vocab_idf(m->vocab), V);
        put(&w, "\n", 1);
        size_t bytes = 0;
        bool sparse = use_sparse(m, &bytes);
        put_weights(&w, m, sparse, bytes);
        if (w.ok && fprintf(w.f, TSN_CHECKSUM_PREFIX "%0*llx\n", TSN_CHECKSUM_DIGITS,
                            (unsigned long long)w.h) < 0)
            w.ok = false;
    }
    free(meta);
    int saved_errno = 0;
    if (w.f != NULL) {
        if (w.ok && (fflush(w.f) != 0 || (!direct && fsync(fileno(w.f)) != 0)))
            w.ok = false;
        saved_errno = errno;
        if (fclose(w.f) != 0 && w.ok) {
            w.ok = false;
            saved_errno = errno;
        }
    }
    if (w.ok && !direct && rename(tmp, path) != 0) {
        w.ok = false;
        saved_errno = errno;
    }
    if (w.ok && !direct)
        sync_dir(path);
    tsn_status st = TSN_OK;
    if (!w.ok) {
        if (!direct)
            unlink(tmp);
        st = tsn_error_set(err, TSN_ERR_IO, "%s: cannot write model: %s", path,
                           strerror(saved_errno ? saved_errno : EIO));
    }
    saving = NULL;
    free(tmp);
    return st;
}
