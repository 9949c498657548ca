/* modelfile.c -- reading the model file: tsn_model_load(), tsn_model_parse(), tsn_model_sniff()
 * and tsn_model_resolve(). The layout is modelformat.h's; modelsave.c writes it.
 *
 * A model file is untrusted input: after its envelope (magic, version, checksum line), each
 * section's size is checked against the bytes that are there, and its counts against the
 * metadata, before the section is read. The checksum's verdict comes before any other, so
 * truncation and bit flips are reported as such; a large file's checksum is computed on a
 * thread of its own while the sections are parsed.
 */
#include "model.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bigmem.h"
#include "features.h"
#include "hash.h"
#include "model_internal.h"
#include "modelformat.h"

typedef struct {
    const char *path;
    const char *p, *end;
} reader;

/* Reads "name <n>\n"; *n gets the number. */
static tsn_status get_header(reader *r, const char *name, size_t *n, tsn_error *err)
{
    size_t nl = strlen(name);
    const char *nlpos = memchr(r->p, '\n', (size_t)(r->end - r->p));
    if (nlpos == NULL || (size_t)(nlpos - r->p) <= nl + 1 || memcmp(r->p, name, nl) != 0 ||
        r->p[nl] != ' ')
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: expected section \"%s\"",
                             r->path, name);
    size_t v = 0;
    const char *d = r->p + nl + 1;
    if (nlpos - d > 18)
        d = nlpos; /* more digits than any size we write: refused below */
    for (; d < nlpos && *d >= '0' && *d <= '9'; d++)
        v = v * 10 + (size_t)(*d - '0');
    if (d != nlpos || nlpos == r->p + nl + 1 || nlpos - (r->p + nl + 1) > 18)
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad size of \"%s\"",
                             r->path, name);
    *n = v;
    r->p = nlpos + 1;
    return TSN_OK;
}

/* Takes n bytes of section body plus its closing newline; *body points at them. */
static tsn_status get_body(reader *r, const char *name, size_t n, const char **body,
                           tsn_error *err)
{
    if (n >= (size_t)(r->end - r->p) || r->p[n] != '\n')
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: section \"%s\" is cut",
                             r->path, name);
    *body = r->p;
    r->p += n + 1;
    return TSN_OK;
}

static tsn_status get_doubles(reader *r, const char *name, size_t expect, double **out,
                              tsn_error *err)
{
    size_t n;
    const char *body = NULL;
    tsn_status st = get_header(r, name, &n, err);
    if (st != TSN_OK)
        return st;
    if (n != expect)
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: %zu %s values, expected %zu",
                             r->path, n, name, expect);
    if (n > SIZE_MAX / 8 || (st = get_body(r, name, n * 8, &body, err)) != TSN_OK)
        return st != TSN_OK ? st : tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt", r->path);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(v, body, n * 8); /* the file's byte order */
#else
    for (size_t i = 0; i < n; i++)
        v[i] = tsn_double_get((const unsigned char *)body + i * 8);
#endif
    /* Training writes finite values only; a NaN or an infinity would turn every answer into
     * "no label" or a certainty, so the file is corrupt (or not ours). */
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) {
            free(v);
            return tsn_error_set(err, TSN_ERR_MODEL,
                                 "%s: corrupt model: non-finite value in section \"%s\"",
                                 r->path, name);
        }
    *out = v;
    return TSN_OK;
}

/* One pass over a sparse-weights body: checks every count, column and length against the
 * model's rows x cols, and when m's arrays are there, fills them. *nnz gets the total. */
static tsn_status scan_sparse(const unsigned char *body, size_t n, size_t rows, size_t cols,
                              tsn_model *m, size_t *nnz, const char *path, tsn_error *err)
{
    const unsigned char *p = body, *end = body + n;
    size_t total = 0;
    for (size_t r = 0; r < rows; r++) {
        size_t c;
        if (!tsn_varint_get(&p, end, &c) || c > cols)
            return tsn_error_set(err, TSN_ERR_MODEL,
                                 "%s: corrupt model: sparse weights: bad count in row %zu",
                                 path, r + 1);
        if (m != NULL)
            m->wstart[r] = total;
        for (size_t i = 0, next = 0; i < c; i++) {
            size_t gap;
            if (!tsn_varint_get(&p, end, &gap) || gap >= cols - next)
                return tsn_error_set(err, TSN_ERR_MODEL,
                                     "%s: corrupt model: sparse weights: bad column in row %zu",
                                     path, r + 1);
            next += gap;
            if (m != NULL)
                m->wcol[total + i] = (uint32_t)next;
            next++;
        }
        if ((size_t)(end - p) / 8 < c)
            return tsn_error_set(err, TSN_ERR_MODEL,
                                 "%s: corrupt model: sparse weights: row %zu is cut", path,
                                 r + 1);
        for (size_t i = 0; i < c; i++) {
            double w = tsn_double_get(p + i * 8);
            if (!isfinite(w)) /* as in get_doubles */
                return tsn_error_set(err, TSN_ERR_MODEL,
                                     "%s: corrupt model: sparse weights: non-finite weight in "
                                     "row %zu",
                                     path, r + 1);
            if (m != NULL)
                m->wval[total + i] = w;
        }
        p += 8 * c;
        total += c;
    }
    if (p != end)
        return tsn_error_set(err, TSN_ERR_MODEL,
                             "%s: corrupt model: sparse weights: %zu bytes after the last row",
                             path, (size_t)(end - p));
    if (m != NULL)
        m->wstart[rows] = total;
    *nnz = total;
    return TSN_OK;
}

/* The weights section, dense ("weights") or sparse ("sparse-weights"), into m. */
static tsn_status get_weights(reader *r, tsn_model *m, tsn_error *err)
{
    size_t rows = w_rows(m->ll), cols = n_cols(m);
    const char *sw = TSN_SECTION_SPARSE " ";
    if ((size_t)(r->end - r->p) <= strlen(sw) || memcmp(r->p, sw, strlen(sw)) != 0)
        return get_doubles(r, TSN_SECTION_WEIGHTS, rows * cols, &m->ll->w, err);
    size_t n, nnz = 0;
    const char *body = NULL;
    tsn_status st = get_header(r, TSN_SECTION_SPARSE, &n, err);
    if (st == TSN_OK)
        st = get_body(r, TSN_SECTION_SPARSE, n, &body, err);
    if (st == TSN_OK && cols > UINT32_MAX)
        st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: %zu weight columns",
                           r->path, cols);
    if (st == TSN_OK)
        st = scan_sparse((const unsigned char *)body, n, rows, cols, NULL, &nnz, r->path, err);
    if (st != TSN_OK)
        return st;
    m->wstart = malloc((rows + 1) * sizeof *m->wstart);
    m->wcol = malloc((nnz ? nnz : 1) * sizeof *m->wcol);
    m->wval = malloc((nnz ? nnz : 1) * sizeof *m->wval);
    if (m->wstart == NULL || m->wcol == NULL || m->wval == NULL)
        return tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", r->path);
    return scan_sparse((const unsigned char *)body, n, rows, cols, m, &nnz, r->path, err);
}

/* Checks the magic, the version and the checksum line; r->end is set before the checksum. */
static tsn_status check_envelope(reader *r, const char *buf, size_t len, uint64_t *checksum,
                                 tsn_error *err)
{
    size_t ml = strlen(TSN_MODEL_MAGIC);
    if (len < ml || memcmp(buf, TSN_MODEL_MAGIC, ml) != 0)
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: not a tasnif model file", r->path);
    long v = 0;
    const char *e = buf + ml;
    while (e < buf + len && *e >= '0' && *e <= '9' && v < 1000000)
        v = v * 10 + (*e++ - '0');
    if (e == buf + ml || e >= buf + len || *e != '\n')
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: not a tasnif model file", r->path);
    if (v > TSN_MODEL_FORMAT_VERSION)
        return tsn_error_set(err, TSN_ERR_MODEL,
                             "%s: model format version %ld is newer than this tasnif supports "
                             "(%d); upgrade tasnif",
                             r->path, v, TSN_MODEL_FORMAT_VERSION);
    if (v < 1)
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: unknown model format version %ld",
                             r->path, v);
    const size_t pl = strlen(TSN_CHECKSUM_PREFIX), cl = pl + TSN_CHECKSUM_DIGITS + 1;
    if (len < cl + (size_t)(e - buf) + 1 || memcmp(buf + len - cl, TSN_CHECKSUM_PREFIX, pl) != 0 ||
        buf[len - 1] != '\n') {
        /* A checksum line followed by more bytes: something was appended, not cut off. */
        for (const char *p = buf + len; p > buf + cl;) {
            const char *q = p - 1;
            while (q > buf && q[-1] != '\n')
                q--;
            if ((size_t)(p - q) == cl - 1 && memcmp(q, TSN_CHECKSUM_PREFIX, pl) == 0 &&
                q + cl < buf + len)
                return tsn_error_set(err, TSN_ERR_MODEL,
                                     "%s: corrupt model: %zu bytes of trailing data after the "
                                     "checksum",
                                     r->path, (size_t)(buf + len - (q + cl)));
            p = q > buf ? q - 1 : buf;
        }
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: model file is truncated", r->path);
    }
    uint64_t want = 0;
    for (const char *h = buf + len - cl + pl; h < buf + len - 1; h++) {
        int d = *h >= '0' && *h <= '9' ? *h - '0' : *h >= 'a' && *h <= 'f' ? *h - 'a' + 10 : -1;
        if (d < 0)
            return tsn_error_set(err, TSN_ERR_MODEL, "%s: model file is truncated", r->path);
        want = want << 4 | (uint64_t)d;
    }
    *checksum = want;
    r->p = (const char *)memchr(buf, '\n', len) + 1;
    r->end = buf + len - cl;
    return TSN_OK;
}

/* The checksum of a model file: FNV-1a over every byte before the checksum line, a serial
 * chain of multiplies (about a tenth of a second for 64 MB). A large file's is computed on a
 * thread of its own while the sections are parsed (the parser checks everything it reads, so
 * it needs no checksum to be safe); the checksum's verdict still comes first. */
typedef struct {
    const char *p;
    size_t n;
    uint64_t h;
    pthread_t th;
    bool threaded;
} checksum_job;

#define CHECKSUM_THREAD_MIN ((size_t)4 << 20)

static void *checksum_run(void *arg)
{
    checksum_job *j = arg;
    j->h = tsn_hash(j->p, j->n);
    return NULL;
}

static void checksum_start(checksum_job *j, const char *p, size_t n)
{
    j->p = p;
    j->n = n;
    j->h = 0;
    j->threaded = false;
    if (n >= CHECKSUM_THREAD_MIN && pthread_create(&j->th, NULL, checksum_run, j) == 0)
        j->threaded = true;
    else
        checksum_run(j);
}

static uint64_t checksum_finish(checksum_job *j)
{
    if (j->threaded) {
        pthread_join(j->th, NULL);
        j->threaded = false;
    }
    return j->h;
}

/* A whole number in [0, max] (JSON numbers are doubles: a file could hold -5, 1e300, 0.5). */
static bool whole(const cJSON *v, double max, size_t *out)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= max) ||
        v->valuedouble != floor(v->valuedouble))
        return false;
    *out = (size_t)v->valuedouble;
    return true;
}

/* A multi-label model's per-label Platt parameters and thresholds ("platt", "thresholds"). */
static tsn_status parse_multi(tsn_model *m, const cJSON *root, const char *path, tsn_error *err)
{
    const cJSON *platt = cJSON_GetObjectItemCaseSensitive(root, "platt");
    const cJSON *thresh = cJSON_GetObjectItemCaseSensitive(root, "thresholds");
    size_t K = m->n_labels;
    if (!cJSON_IsArray(platt) || !cJSON_IsArray(thresh) ||
        (size_t)cJSON_GetArraySize(platt) != 2 * K || (size_t)cJSON_GetArraySize(thresh) != K)
        return tsn_error_set(err, TSN_ERR_MODEL,
                             "%s: corrupt model: multi-label without thresholds", path);
    if ((m->platt = malloc(2 * K * sizeof *m->platt)) == NULL ||
        (m->thresh = malloc(K * sizeof *m->thresh)) == NULL)
        return tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", path);
    size_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, platt) {
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 1e6)
            return tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad platt", path);
        m->platt[i++] = v->valuedouble;
    }
    i = 0;
    cJSON_ArrayForEach(v, thresh) {
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1))
            return tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad threshold", path);
        m->thresh[i++] = v->valuedouble;
    }
    return TSN_OK;
}

static tsn_status parse_meta(tsn_model *m, const char *json, size_t len, const char *path,
                             int *solver, int **order, int *n_order, tsn_error *err)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    tsn_status st = TSN_OK;
    if (root == NULL) {
        st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad metadata", path);
        goto done;
    }
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(root, "config");
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(root, "labels");
    const cJSON *support = cJSON_GetObjectItemCaseSensitive(root, "support");
    const cJSON *corder = cJSON_GetObjectItemCaseSensitive(root, "class_order");
    const cJSON *stype = cJSON_GetObjectItemCaseSensitive(root, "solver_type");
    const cJSON *pair = cJSON_GetObjectItemCaseSensitive(root, "pair");
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(root, "examples");
    size_t n_ex = 0, stype_v = 0;
    if (!cJSON_IsObject(cfg) || !cJSON_IsArray(labels) || !cJSON_IsArray(support) ||
        !cJSON_IsArray(corder) || !whole(stype, 1000, &stype_v) || !cJSON_IsBool(pair) ||
        !whole(ex, 1e15, &n_ex) || cJSON_GetArraySize(labels) < 2 ||
        cJSON_GetArraySize(support) != cJSON_GetArraySize(labels)) {
        st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: incomplete metadata", path);
        goto done;
    }
    char *cfg_text = cJSON_PrintUnformatted(cfg);
    if (cfg_text == NULL) {
        st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        goto done;
    }
    tsn_config_init(&m->cfg);
    m->cfg.char_max_df = 1; /* files from before the option kept every character n-gram */
    st = tsn_config_parse(&m->cfg, cfg_text, strlen(cfg_text), path, err);
    free(cfg_text);
    if (st != TSN_OK)
        goto done;
    m->pair = cJSON_IsTrue(pair);
    m->n_examples = n_ex;
    m->n_labels = (size_t)cJSON_GetArraySize(labels);
    m->names = calloc(m->n_labels, sizeof *m->names);
    m->support = calloc(m->n_labels, sizeof *m->support);
    int nc = cJSON_GetArraySize(corder);
    *n_order = nc;
    *order = calloc((size_t)(nc > 0 ? nc : 1), sizeof **order);
    if (m->names == NULL || m->support == NULL || *order == NULL) {
        st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* The arrays are walked along their links, in step: cJSON_GetArrayItem(a, k) walks from
     * the head each time, which made loading quadratic in the number of labels. */
    const cJSON *l = labels->child, *s = support->child;
    for (size_t k = 0; k < m->n_labels; k++, l = l->next, s = s->next) {
        if (!cJSON_IsString(l) || !whole(s, 1e15, &m->support[k])) {
            st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad label table", path);
            goto done;
        }
        if ((m->names[k] = strdup(l->valuestring)) == NULL) {
            st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    const cJSON *o = corder->child;
    for (int j = 0; j < nc; j++, o = o->next) {
        size_t v;
        if (!whole(o, (double)m->n_labels - 1, &v)) {
            st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad class order", path);
            goto done;
        }
        (*order)[j] = (int)v + 1;
    }
    *solver = (int)stype_v;
    const cJSON *temp = cJSON_GetObjectItemCaseSensitive(root, "temperature");
    if (temp != NULL) {
        if (!cJSON_IsNumber(temp) || !(temp->valuedouble > 0 && temp->valuedouble < 1e6)) {
            st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad temperature", path);
            goto done;
        }
        m->temperature = temp->valuedouble;
    }
    if (tsn_solver_map[m->cfg.solver] != *solver || nc < 2 || (size_t)nc > m->n_labels ||
        (m->cfg.multi_label && (size_t)nc != m->n_labels)) {
        st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: inconsistent solver", path);
        goto done;
    }
    if (m->cfg.multi_label)
        st = parse_multi(m, root, path, err);
done:
    cJSON_Delete(root);
    return st;
}

/* Frees a buffer of read_model_file(): cap is the size of a big block, 0 for malloc's. */
static void free_model_buffer(char *buf, size_t cap)
{
    if (cap > 0)
        tsn_big_free(buf, cap);
    else
        free(buf);
}

/* The largest model file read from something that is not a regular file (a pipe, a device):
 * what never ends is refused instead of filling memory. */
#define MODEL_STREAM_MAX ((size_t)16 << 30)

/* Reads the model file at path into a new buffer: a snapshot, checked to be a model from its
 * first bytes (so /dev/zero or a text file is refused at once, not read whole) and, for a
 * regular file, checked unchanged when read (a file replaced in place or truncated during a
 * deploy is "changed while reading", never a crash on a shrinking mapping). */
static tsn_status read_model_file(const char *path, char **out, size_t *out_len, size_t *out_cap,
                                  tsn_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return tsn_error_set(err, TSN_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat before;
    if (fstat(fd, &before) != 0) {
        close(fd);
        return tsn_error_set(err, TSN_ERR_IO, "%s: %s", path, strerror(errno));
    }
    if (S_ISDIR(before.st_mode)) {
        close(fd);
        return tsn_error_set(err, TSN_ERR_IO, "%s: %s, not a model file", path, strerror(EISDIR));
    }
    bool regular = S_ISREG(before.st_mode);
    size_t cap = regular ? (size_t)before.st_size + 1 : (size_t)1 << 20, len = 0;
    size_t ml = strlen(TSN_MODEL_MAGIC);
    /* A regular file's buffer is one block of its size, in huge pages where the kernel gives
     * them (bigmem.h): a model of tens of megabytes is otherwise thousands of page faults. */
    char *buf = regular ? tsn_big_alloc(cap) : malloc(cap);
    tsn_status st = TSN_OK;
    if (buf == NULL) {
        close(fd);
        return tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory reading the model", path);
    }
    for (;;) {
        if (len == cap) {
            if (regular || cap >= MODEL_STREAM_MAX) {
                st = regular ? tsn_error_set(err, TSN_ERR_MODEL,
                                             "%s: model changed while reading (it grew)", path)
                             : tsn_error_set(err, TSN_ERR_MODEL,
                                             "%s: larger than %zu bytes: not a model file",
                                             path, MODEL_STREAM_MAX);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                st = tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory reading the model",
                                   path);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + len, cap - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            st = tsn_error_set(err, TSN_ERR_IO, "%s: %s", path, strerror(errno));
            break;
        }
        size_t was = len;
        len += (size_t)k;
        /* the magic first: whatever else this is, it is not read on */
        if (was < ml && (len >= ml || k == 0) &&
            (len < ml || memcmp(buf, TSN_MODEL_MAGIC, ml) != 0)) {
            st = tsn_error_set(err, TSN_ERR_MODEL, "%s: not a tasnif model file", path);
            break;
        }
        if (k == 0)
            break;
    }
    struct stat after;
    if (st == TSN_OK && regular &&
        (fstat(fd, &after) != 0 || after.st_size != before.st_size ||
         after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
         after.st_mtim.tv_nsec != before.st_mtim.tv_nsec || len != (size_t)before.st_size))
        st = tsn_error_set(err, TSN_ERR_MODEL, "%s: model changed while reading; load it again",
                           path);
    close(fd);
    if (st != TSN_OK) {
        free_model_buffer(buf, regular ? cap : 0);
        return st;
    }
    *out = buf;
    *out_len = len;
    *out_cap = regular ? cap : 0;
    return TSN_OK;
}

static bool is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* True when a model argument is a path whatever the models directories hold: it has a slash
 * or ends in ".model" (a shipped model's name has neither). */
static bool is_model_path(const char *name)
{
    size_t n = strlen(name), ext = strlen(".model");
    return strchr(name, '/') != NULL || (n > ext && strcmp(name + n - ext, ".model") == 0);
}

/* A bare name is a shipped model's before it is a file in the working directory: a program
 * built as ./stance from examples/stance.c, or any file named topic where `tasnif label`
 * runs, must not hide the model the documentation promises. "./stance" reaches the file. */
const char *tsn_model_resolve(const char *name, bool near_exe, char *buf, size_t size)
{
    if (is_model_path(name))
        return name;
    const char *env = getenv("TASNIF_MODELS");
    if (env != NULL && *env) {
        snprintf(buf, size, "%s/%s.model", env, name);
        if (is_file(buf))
            return buf;
    }
    char exe[4096];
    ssize_t n = near_exe ? readlink("/proc/self/exe", exe, sizeof exe - 1) : -1;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            const char *rel[] = {"../models", "../share/tasnif/models", "models"};
            for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
                snprintf(buf, size, "%s/%s/%s.model", exe, rel[i], name);
                if (is_file(buf))
                    return buf;
            }
        }
    }
#ifdef TSN_MODEL_DIR
    snprintf(buf, size, "%s/%s.model", TSN_MODEL_DIR, name);
    if (is_file(buf))
        return buf;
#endif
    return name; /* no models directory has it: a file of that name here, if any */
}

bool tsn_model_sniff(const char *path)
{
    char head[sizeof TSN_MODEL_MAGIC];
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return false;
    ssize_t k = read(fd, head, sizeof head - 1);
    close(fd);
    return k == (ssize_t)(sizeof head - 1) &&
           memcmp(head, TSN_MODEL_MAGIC, sizeof head - 1) == 0;
}

tsn_model *tsn_model_load(const char *path, tsn_error *err)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (read_model_file(path, &buf, &len, &cap, err) != TSN_OK)
        return NULL;
    tsn_model *m = tsn_model_parse(buf, len, path, err);
    free_model_buffer(buf, cap);
    return m;
}

tsn_model *tsn_model_parse(const char *buf, size_t len, const char *path, tsn_error *err)
{
    tsn_model *m = NULL;
    int *order = NULL;
    double *idf = NULL;
    reader r = {path, NULL, NULL};
    uint64_t want = 0;
    checksum_job sum;
    memset(&sum, 0, sizeof sum);
    if (check_envelope(&r, buf, len, &want, err) != TSN_OK)
        return NULL;
    checksum_start(&sum, buf, (size_t)(r.end - buf));
    if ((m = calloc(1, sizeof *m)) == NULL)
        goto nomem;
    size_t n;
    const char *body = NULL;
    int solver = 0, nc = 0;
    if (get_header(&r, TSN_SECTION_META, &n, err) != TSN_OK ||
        get_body(&r, TSN_SECTION_META, n, &body, err) != TSN_OK ||
        parse_meta(m, body, n, path, &solver, &order, &nc, err) != TSN_OK)
        goto fail;
    if (get_header(&r, TSN_SECTION_STOPWORDS, &n, err) != TSN_OK ||
        get_body(&r, TSN_SECTION_STOPWORDS, n, &body, err) != TSN_OK)
        goto fail;
    if ((m->stopwords = malloc(n + 1)) == NULL)
        goto nomem;
    memcpy(m->stopwords, body, n);
    m->stopwords[n] = '\0';
    m->stop_len = n;
    size_t vlen;
    const char *vocab = NULL;
    if (get_header(&r, TSN_SECTION_VOCAB, &vlen, err) != TSN_OK ||
        get_body(&r, TSN_SECTION_VOCAB, vlen, &vocab, err) != TSN_OK)
        goto fail;
    const char *save = r.p;
    if (get_header(&r, TSN_SECTION_IDF, &n, err) != TSN_OK)
        goto fail;
    r.p = save;
    size_t V = n;
    if (V > (size_t)INT32_MAX - 2) {
        tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: %zu features", path, V);
        goto fail;
    }
    if (get_doubles(&r, TSN_SECTION_IDF, V, &idf, err) != TSN_OK)
        goto fail;
    if ((m->vocab = tsn_vocab_from_parts(&m->cfg, V, vocab, vlen, idf, err)) == NULL) {
        tsn_error_prefix(err, "%s", path);
        goto fail;
    }
    if ((m->ll = calloc(1, sizeof *m->ll)) == NULL)
        goto nomem;
    m->ll->nr_class = nc;
    m->ll->nr_feature = (int)V;
    m->ll->bias = m->cfg.bias;
    m->ll->param.solver_type = solver;
    m->ll->label = order;
    order = NULL;
    if (get_weights(&r, m, err) != TSN_OK)
        goto fail;
    if (r.p != r.end) {
        tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: trailing data", path);
        goto fail;
    }
    if (checksum_finish(&sum) != want) {
        tsn_error_set(err, TSN_ERR_MODEL, "%s: checksum mismatch: the model file is corrupt",
                      path);
        goto fail;
    }
    if (tsn_model_ready(m, err) != TSN_OK)
        goto fail;
    free(idf);
    return m;
nomem:
    tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", path);
fail:
    if (checksum_finish(&sum) != want) /* a corrupt file is reported as corrupt, first */
        tsn_error_set(err, TSN_ERR_MODEL, "%s: checksum mismatch: the model file is corrupt",
                      path);
    free(order);
    free(idf);
    tsn_model_free(m);
    return NULL;
}
