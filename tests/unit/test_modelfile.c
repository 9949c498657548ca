/* test_modelfile.c -- the model file at its edges: every section forged, cut or renamed behind
 * a valid checksum, the envelope (magic, version, checksum line) damaged, multi-label and
 * sparse and hashed models, models read from a pipe and large enough for the threaded
 * checksum, and saving to places that are not plain new files (a directory, a device, a full
 * disk, a dangling link, a file with its own permissions). */
#include "model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "hash.h"
#include "modelformat.h"

static char dir[64];          /* a scratch directory for the whole binary */
static tsn_model *model;      /* two labels, a vocabulary, the SVM */
static char *file;            /* model's bytes as saved (dense) */
static size_t file_len;

static const char *at(const char *name)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static tsn_model *fit_file(const char *path, tsn_config *c)
{
    tsn_dataset d;
    tsn_error err = {0};
    tsn_read_opts o = {0};
    o.multi_label = c->multi_label;
    if (tsn_dataset_load(&d, path, TSN_FMT_AUTO, &o, &err) != TSN_OK) {
        fprintf(stderr, "  %s\n", err.msg);
        return NULL;
    }
    tsn_corpus *cp = tsn_corpus_build(c, &d, 1, NULL, NULL, &err);
    tsn_model *m = cp == NULL ? NULL : tsn_model_fit(cp, NULL, 0, &err);
    if (m == NULL)
        fprintf(stderr, "  %s\n", err.msg);
    tsn_corpus_free(cp);
    tsn_dataset_release(&d);
    return m;
}

/* The bytes of m as saved (TASNIF_MODEL_LAYOUT as given, or unset). */
static char *saved(const tsn_model *m, const char *layout, size_t *len)
{
    if (layout != NULL)
        setenv("TASNIF_MODEL_LAYOUT", layout, 1);
    tsn_error err = {0};
    tsn_status st = tsn_model_save(m, at("saved.model"), &err);
    unsetenv("TASNIF_MODEL_LAYOUT");
    if (st != TSN_OK) {
        fprintf(stderr, "  %s\n", err.msg);
        return NULL;
    }
    char *b = tf_slurp(at("saved.model"), len);
    unlink(at("saved.model"));
    return b;
}

#define CL 26 /* "checksum <16 hex digits>\n" */

/* A copy of the model b[0..len) whose bytes before the checksum line have the first `from`
 * replaced by `to` (n_to bytes), under a fresh, valid checksum; NULL when `from` is absent. */
static char *forge_n(const char *b, size_t len, const char *from, const char *to, size_t n_to,
                     size_t *out_len)
{
    size_t body = len - CL, fl = strlen(from);
    const char *hit = tf_find(b, body, from, fl);
    if (hit == NULL) {
        fprintf(stderr, "  cannot find \"%s\"\n", from);
        check_failures++;
        return NULL;
    }
    size_t pre = (size_t)(hit - b), n = body - fl + n_to;
    char *x = malloc(n + CL + 64);
    memcpy(x, b, pre);
    memcpy(x + pre, to, n_to);
    memcpy(x + pre + n_to, hit + fl, body - pre - fl);
    /* an edit inside the metadata: its section's size follows */
    size_t mlen = 0;
    const char *mh = (const char *)memchr(b, '\n', len) + 1;
    const char *mb = memchr(mh, '\n', len - (size_t)(mh - b));
    if (sscanf(mh, "meta %zu\n", &mlen) == 1 && mb != NULL && hit > mb &&
        hit + fl <= mb + 1 + mlen) {
        size_t hlen = (size_t)(mb + 1 - b), tail = n - hlen;
        char head[64];
        int k = snprintf(head, sizeof head, "tasnif-model 1\nmeta %zu\n", mlen - fl + n_to);
        memmove(x + k, x + hlen, tail);
        memcpy(x, head, (size_t)k);
        n = (size_t)k + tail;
    }
    snprintf(x + n, CL + 1, "checksum %016llx\n", (unsigned long long)tsn_hash(x, n));
    *out_len = n + CL;
    return x;
}

static char *forge(const char *b, size_t len, const char *from, const char *to, size_t *out_len)
{
    return forge_n(b, len, from, to, strlen(to), out_len);
}

/* b[0..len) must be refused with a message naming "forged.model" and holding fragment. */
static void expect_refused(const char *b, size_t len, const char *fragment)
{
    if (b == NULL)
        return;
    tsn_error err = {0};
    tsn_model *m = tsn_model_parse(b, len, "forged.model", &err);
    CHECK(m == NULL);
    if (m == NULL &&
        (strstr(err.msg, fragment) == NULL || strstr(err.msg, "forged.model") == NULL)) {
        fprintf(stderr, "  \"%s\" lacks \"%s\"\n", err.msg, fragment);
        check_failures++;
    }
    tsn_model_free(m);
}

/* The edit of b must be refused with fragment. */
static void forged_refused(const char *b, size_t len, const char *from, const char *to,
                           const char *fragment)
{
    size_t n = 0;
    char *x = forge(b, len, from, to, &n);
    expect_refused(x, n, fragment);
    free(x);
}

/* The edit of b must load; returns the model (the caller frees it). */
static tsn_model *forged_loads(const char *b, size_t len, const char *from, const char *to)
{
    size_t n = 0;
    char *x = forge(b, len, from, to, &n);
    if (x == NULL)
        return NULL;
    tsn_error err = {0};
    tsn_model *m = tsn_model_parse(x, n, "forged.model", &err);
    if (m == NULL)
        fprintf(stderr, "  refused: %s\n", err.msg);
    CHECK(m != NULL);
    free(x);
    return m;
}

static void the_envelope_is_checked_before_any_section(void)
{
    expect_refused("tasnif", 6, "not a tasnif model file");
    expect_refused("tasnif-modex 1\n", 15, "not a tasnif model file");
    expect_refused("tasnif-model 1", 14, "not a tasnif model file"); /* no line break */
    expect_refused("tasnif-model \n", 14, "not a tasnif model file");  /* no digits */
    expect_refused("tasnif-model 123456789\n", 23, "not a tasnif model file");
    expect_refused("tasnif-model 1\n", 15, "model file is truncated");
    char *b = malloc(file_len + 16);
    memcpy(b, file, file_len);
    /* bytes appended after the checksum line: said so, with their number */
    memcpy(b + file_len, "junk\n", 5);
    expect_refused(b, file_len + 5, "5 bytes of trailing data after the checksum");
    b[file_len] = 'x';
    expect_refused(b, file_len + 1, "1 bytes of trailing data after the checksum");
    /* the checksum line without its line break, or with a digit that is not lowercase hex */
    b[file_len - 1] = 'x';
    expect_refused(b, file_len, "model file is truncated");
    b[file_len - 1] = '\n';
    const char bad[] = {'A', '!', 'g', '`'};
    for (size_t i = 0; i < sizeof bad; i++) {
        char was = b[file_len - 5];
        b[file_len - 5] = bad[i];
        expect_refused(b, file_len, "model file is truncated");
        b[file_len - 5] = was;
    }
    /* intact, the same bytes load */
    tsn_error err = {0};
    tsn_model *m = tsn_model_parse(b, file_len, "forged.model", &err);
    CHECK(m != NULL && tsn_model_n_labels(m) == 2);
    tsn_model_free(m);
    free(b);
}

static void every_section_header_is_checked(void)
{
    const char *b = file;
    size_t n = file_len;
    forged_refused(b, n, "\nmeta ", "\nmetax", "expected section \"meta\"");
    forged_refused(b, n, "\nmeta ", "\nmeta 99999", "section \"meta\" is cut");
    forged_refused(b, n, "\nstopwords ", "\nstopwords:", "expected section \"stopwords\"");
    forged_refused(b, n, "\nstopwords ", "\nstopwords 1-", "bad size of \"stopwords\"");
    forged_refused(b, n, "\nstopwords ", "\nstopwords  ", "bad size of \"stopwords\"");
    forged_refused(b, n, "\nvocab ", "\nvocabs ", "expected section \"vocab\"");
    forged_refused(b, n, "\nvocab ", "\nvocab 9", "section \"vocab\" is cut");
    forged_refused(b, n, "\nidf ", "\nidx ", "expected section \"idf\"");
    forged_refused(b, n, "\nidf ", "\nidf x", "bad size of \"idf\"");
}

/* One string fewer than the idf count says: the vocabulary section disagrees with itself. */
static void a_vocabulary_that_disagrees_with_its_size_is_refused(void)
{
    const char *v = tf_find(file, file_len, "\nvocab ", 7);
    CHECK(v != NULL);
    if (v == NULL)
        return;
    const char *body = strchr(v + 1, '\n') + 1;
    const char *nul = memchr(body, '\0', file_len - (size_t)(body - file));
    size_t pre = (size_t)(nul - file), n = 0;
    char *x = malloc(file_len);
    memcpy(x, file, file_len);
    x[pre] = 'x'; /* two strings run together */
    char *y = forge(x, file_len, "\nvocab ", "\nvocab ", &n); /* just reseals */
    expect_refused(y, n, "strings for");
    free(x);
    free(y);
}

/* The weights section missing altogether, or a sparse one with a bad header. */
static void a_missing_or_misdeclared_weights_section_is_refused(void)
{
    const char *w = tf_find(file, file_len, "\nweights ", 9);
    CHECK(w != NULL);
    if (w == NULL)
        return;
    size_t keep = (size_t)(w - file) + 1;
    char *x = malloc(keep + CL + 1);
    memcpy(x, file, keep);
    snprintf(x + keep, CL + 1, "checksum %016llx\n", (unsigned long long)tsn_hash(x, keep));
    expect_refused(x, keep + CL, "expected section \"weights\"");
    free(x);
    forged_refused(file, file_len, "\nweights ", "\nsparse-weights x", "bad size of \"sparse-weights\"");
    forged_refused(file, file_len, "\nweights ", "\nsparse-weights 99999999",
                   "section \"sparse-weights\" is cut");
}

/* The copy of file with value i of the doubles section `name` set to v, resealed. */
static char *with_value(const char *name, size_t i, double v, size_t *n)
{
    char head[32];
    snprintf(head, sizeof head, "\n%s ", name);
    const char *h = tf_find(file, file_len, head, strlen(head));
    CHECK(h != NULL);
    if (h == NULL)
        return NULL;
    char *x = malloc(file_len);
    memcpy(x, file, file_len);
    char *body = strchr(x + (h - file) + 1, '\n') + 1;
    tsn_double_put((unsigned char *)body + 8 * i, v);
    char *y = forge(x, file_len, head, head, n); /* just reseals */
    free(x);
    return y;
}

/* A NaN or an infinity among the idf values or the weights, dense or sparse: training never
 * writes one, and it would answer "no label" or a certainty for every document. */
static void non_finite_idf_values_and_weights_are_refused(void)
{
    size_t n = 0;
    char *x = with_value("idf", 0, NAN, &n);
    expect_refused(x, n, "non-finite value in section \"idf\"");
    free(x);
    x = with_value("idf", tsn_model_n_features(model) - 1, -INFINITY, &n);
    expect_refused(x, n, "non-finite value in section \"idf\"");
    free(x);
    x = with_value("weights", 1, INFINITY, &n);
    expect_refused(x, n, "non-finite value in section \"weights\"");
    free(x);
    x = with_value("weights", 0, 1e300, &n); /* large is not corrupt */
    tsn_error err = {0};
    tsn_model *m = x == NULL ? NULL : tsn_model_parse(x, n, "forged.model", &err);
    CHECK(m != NULL);
    tsn_model_free(m);
    free(x);
    /* sparse: every row empty but the second, which holds one NaN in its first column */
    const char *w = tf_find(file, file_len, "\nweights ", 9);
    if (w == NULL)
        return;
    size_t rows = tsn_model_n_features(model) + 1;
    size_t pre = (size_t)(w - file) + 1;
    x = malloc(pre + 64 + rows + 10 + CL + 1);
    memcpy(x, file, pre);
    n = pre + (size_t)snprintf(x + pre, 64, "sparse-weights %zu\n", rows + 9);
    memset(x + n, 0, rows + 9);
    x[n + 1] = 1; /* row 2: one weight, in column 0 (gap 0), then its 8 bytes */
    tsn_double_put((unsigned char *)x + n + 3, NAN);
    n += rows + 9;
    x[n++] = '\n';
    snprintf(x + n, CL + 1, "checksum %016llx\n", (unsigned long long)tsn_hash(x, n));
    expect_refused(x, n + CL, "sparse weights: non-finite weight in row 2");
    tsn_double_put((unsigned char *)x + n - 1 - (rows + 9) + 3, 0.5); /* the same, finite */
    snprintf(x + n, CL + 1, "checksum %016llx\n", (unsigned long long)tsn_hash(x, n));
    m = tsn_model_parse(x, n + CL, "forged.model", &err);
    if (m == NULL)
        fprintf(stderr, "  refused: %s\n", err.msg);
    CHECK(m != NULL);
    tsn_model_free(m);
    free(x);
}

/* A sparse body written by hand: every row empty loads (all weights zero, so the two labels
 * tie); a count cut off in the last row is refused naming that row. */
static void a_hand_written_sparse_body_loads_and_a_cut_count_is_named(void)
{
    const char *w = tf_find(file, file_len, "\nweights ", 9);
    if (w == NULL)
        return;
    size_t rows = tsn_model_n_features(model) + 1; /* the bias row last */
    size_t pre = (size_t)(w - file) + 1;
    size_t cap = pre + 64 + rows + CL + 1;
    char *x = malloc(cap);
    memcpy(x, file, pre);
    size_t n = pre + (size_t)snprintf(x + pre, 64, "sparse-weights %zu\n", rows);
    memset(x + n, 0, rows);
    n += rows;
    x[n++] = '\n';
    snprintf(x + n, CL + 1, "checksum %016llx\n", (unsigned long long)tsn_hash(x, n));
    tsn_error err = {0};
    tsn_model *m = tsn_model_parse(x, n + CL, "forged.model", &err);
    CHECK(m != NULL);
    if (m != NULL) {
        const char *t = "فاز الفريق بالمباراة";
        tsn_doc d = {t, strlen(t), NULL, 0};
        double p[2];
        size_t best;
        CHECK(tsn_model_predict(m, &d, p, &best, &err) == TSN_OK && p[0] == p[1]);
    }
    tsn_model_free(m);
    x[n - 2] = (char)0x80; /* the last row's count: a varint that never ends */
    snprintf(x + n, CL + 1, "checksum %016llx\n", (unsigned long long)tsn_hash(x, n));
    char frag[80];
    snprintf(frag, sizeof frag, "sparse weights: bad count in row %zu", rows);
    expect_refused(x, n + CL, frag);
    free(x);
}

static void metadata_fields_of_the_wrong_kind_are_refused(void)
{
    const char *b = file;
    size_t n = file_len;
    forged_refused(b, n, "\"config\"", "\"konfig\"", "incomplete metadata");
    forged_refused(b, n, "\"labels\"", "\"labelz\"", "incomplete metadata");
    forged_refused(b, n, "\"support\"", "\"supporz\"", "incomplete metadata");
    forged_refused(b, n, "\"solver_type\":1", "\"solver_type\":5000", "incomplete metadata");
    forged_refused(b, n, "\"solver_type\":1", "\"solver_type\":\"1\"", "incomplete metadata");
    forged_refused(b, n, "\"examples\":20", "\"examples\":\"20\"", "incomplete metadata");
    forged_refused(b, n, "\"class_order\":[1,0]", "\"class_order\":[1,0,1]",
                   "inconsistent solver");
    forged_refused(b, n, "\"bias\":1}", "\"bias\":1,\"temperature\":1e7}", "bad temperature");
    forged_refused(b, n, "\"bias\":1}", "\"bias\":1,\"temperature\":0}", "bad temperature");
    tsn_model *m = forged_loads(b, n, "\"bias\":1}", "\"bias\":1,\"temperature\":2.5}");
    CHECK(m != NULL && tsn_model_temperature(m) == 2.5);
    tsn_model_free(m);
}

/* A hashed model: its vocabulary section is empty, and the bucket count must match the idf. */
static void a_hashed_model_whose_buckets_disagree_with_its_idf_is_refused(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 1;
    c.hash_buckets = 64;
    tsn_model *h = fit_file("tests/data/tiny.tsv", &c);
    CHECK(h != NULL);
    if (h == NULL)
        return;
    size_t n = 0;
    char *b = saved(h, "dense", &n);
    CHECK(b != NULL && tf_find(b, n, "\nvocab 0\n\n", 10) != NULL);
    if (b != NULL) {
        tsn_model *l = forged_loads(b, n, "\"bias\":1}", "\"bias\":1}");
        CHECK(l != NULL && tsn_model_n_features(l) == 64);
        tsn_model_free(l);
        forged_refused(b, n, "\"hash_buckets\":64", "\"hash_buckets\":32",
                       "vocabulary: 64 ids for 32 hash buckets");
    }
    free(b);
    tsn_model_free(h);
}

/* A multi-label model: per-label Platt parameters and thresholds, each checked. */
static void multi_label_metadata_is_checked_label_by_label(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 1;
    c.multi_label = true;
    tsn_model *ml = fit_file("tests/data/multi.tsv", &c);
    CHECK(ml != NULL && tsn_model_multi_label(ml) && tsn_model_n_labels(ml) == 3);
    if (ml == NULL)
        return;
    size_t n = 0;
    char *b = saved(ml, NULL, &n);
    /* fitted without calibration: the identity logistic and the 0.5 threshold are written */
    CHECK(b != NULL && tf_find(b, n, "\"platt\":[1,0,1,0,1,0],\"thresholds\":[0.5,0.5,0.5]", 48));
    if (b != NULL) {
        tsn_model *l = forged_loads(b, n, "\"thresholds\":[0.5,0.5,0.5]",
                                    "\"thresholds\":[0.25,0.5,1]");
        CHECK(l != NULL && tsn_model_threshold(l, 0) == 0.25 && tsn_model_threshold(l, 2) == 1);
        tsn_model_free(l);
        forged_refused(b, n, "\"platt\":[1,0,1,0,1,0]", "\"platt\":{\"a\":1}",
                       "multi-label without thresholds");
        forged_refused(b, n, "\"thresholds\":[0.5,0.5,0.5]", "\"thresholds\":{}",
                       "multi-label without thresholds");
        forged_refused(b, n, "\"platt\":[1,0,1,0,1,0]", "\"platt\":[1,0,1,0]",
                       "multi-label without thresholds");
        forged_refused(b, n, "\"thresholds\":[0.5,0.5,0.5]", "\"thresholds\":[0.5,0.5]",
                       "multi-label without thresholds");
        forged_refused(b, n, "\"platt\":[1,0,1,0,1,0]", "\"platt\":[1,0,1,0,1e7,0]", "bad platt");
        forged_refused(b, n, "\"platt\":[1,0,1,0,1,0]", "\"platt\":[1,0,1,0,1,null]",
                       "bad platt");
        forged_refused(b, n, "\"platt\":[1,0,1,0,1,0]", "\"platt\":[1,0,1e999,0,1,0]",
                       "bad platt"); /* read as infinity */
        forged_refused(b, n, "\"thresholds\":[0.5,0.5,0.5]", "\"thresholds\":[0.5,\"x\",0.5]",
                       "bad threshold");
        forged_refused(b, n, "\"thresholds\":[0.5,0.5,0.5]", "\"thresholds\":[0.5,-0.5,0.5]",
                       "bad threshold");
        forged_refused(b, n, "\"class_order\":[0,1,2]", "\"class_order\":[0,1]",
                       "inconsistent solver");
    }
    free(b);
    tsn_model_free(ml);
}

/* The layout switch: dense forced, sparse forced, anything else the automatic choice. */
static void the_layout_variable_forces_dense_or_sparse_and_nothing_else(void)
{
    size_t a = 0, d = 0, s = 0, o = 0;
    char *auto_ = saved(model, NULL, &a), *dense = saved(model, "dense", &d),
         *sparse = saved(model, "sparse", &s), *other = saved(model, "Sparse", &o);
    CHECK(dense != NULL && tf_find(dense, d, "\nweights ", 9) != NULL);
    CHECK(sparse != NULL && tf_find(sparse, s, "\nsparse-weights ", 16) != NULL);
    CHECK(auto_ != NULL && other != NULL && a == o && memcmp(auto_, other, a) == 0);
    free(auto_);
    free(dense);
    free(sparse);
    free(other);
}

static void expect_save_error(const char *path, const char *fragment)
{
    tsn_error err = {0};
    CHECK(tsn_model_save(model, path, &err) == TSN_ERR_IO);
    if (strstr(err.msg, fragment) == NULL || strstr(err.msg, path) == NULL) {
        fprintf(stderr, "  \"%s\" lacks \"%s\"\n", err.msg, fragment);
        check_failures++;
    }
}

static void saving_where_no_model_file_can_be_is_refused(void)
{
    expect_save_error(dir, "cannot create: Is a directory");
    expect_save_error(at("no/such/dir/m.model"), "cannot create: No such file or directory");
    if (access("/dev/full", W_OK) == 0) {
        expect_save_error("/dev/full", "cannot write model: No space left on device");
        setenv("TASNIF_MODEL_LAYOUT", "sparse", 1); /* the sparse writer stops as soon */
        expect_save_error("/dev/full", "cannot write model: No space left on device");
        unsetenv("TASNIF_MODEL_LAYOUT");
    }
    tsn_error err = {0};
    CHECK(tsn_model_save(model, "/dev/null", &err) == TSN_OK); /* written to, not replaced */
    struct stat sb;
    CHECK(stat("/dev/null", &sb) == 0 && S_ISCHR(sb.st_mode));
    /* nothing left behind in the directory that was refused */
    CHECK(access(at("no/such/dir"), F_OK) != 0);
}

static void saving_over_links_and_files_keeps_what_should_be_kept(void)
{
    /* a dangling link: there is no target to replace, so the name becomes the model */
    unlink(at("dangling"));
    CHECK(symlink(at("nowhere/x.model"), at("dangling")) == 0);
    tsn_error err = {0};
    CHECK(tsn_model_save(model, at("dangling"), &err) == TSN_OK);
    tsn_model *l = tsn_model_load(at("dangling"), &err);
    CHECK(l != NULL && tsn_model_n_labels(l) == 2);
    tsn_model_free(l);
    /* an existing model keeps its permissions */
    tf_spit(at("perm.model"), "old", 3);
    CHECK(chmod(at("perm.model"), 0640) == 0);
    CHECK(tsn_model_save(model, at("perm.model"), &err) == TSN_OK);
    struct stat sb;
    CHECK(stat(at("perm.model"), &sb) == 0 && (sb.st_mode & 07777) == 0640 &&
          (size_t)sb.st_size == file_len);
    unlink(at("dangling"));
    unlink(at("perm.model"));
}

/* A name of 255 bytes, the longest most file systems allow: MODEL.tmp.XXXXXX would be too
 * long, so the temporary file takes a short name in the same directory, and none is left. */
static void a_name_at_the_length_limit_is_saved(void)
{
    char path[sizeof dir + 256]; /* at() keeps 255 bytes of a path */
    int k = snprintf(path, sizeof path, "%s/", dir);
    memset(path + k, 'a', 249);
    memcpy(path + k + 249, ".model", 7);
    tsn_error err = {0};
    CHECK(tsn_model_save(model, path, &err) == TSN_OK);
    tsn_model *l = tsn_model_load(path, &err);
    if (l == NULL)
        fprintf(stderr, "  %s\n", err.msg);
    CHECK(l != NULL && tsn_model_n_labels(l) == 2);
    tsn_model_free(l);
    CHECK(unlink(path) == 0);
    DIR *d = opendir(dir);
    size_t left = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        left += strstr(e->d_name, "tmp") != NULL;
    if (d != NULL)
        closedir(d);
    CHECK(d != NULL && left == 0);
}

static void loading_and_sniffing_what_is_no_model_file(void)
{
    tsn_error err = {0};
    tsn_model *m = tsn_model_load(dir, &err);
    CHECK(m == NULL && strstr(err.msg, "Is a directory, not a model file") != NULL);
    tsn_model_free(m);
    m = tsn_model_load("/dev/null", &err); /* a device: read as a stream, and empty */
    CHECK(m == NULL && strstr(err.msg, "/dev/null: not a tasnif model file") != NULL);
    tsn_model_free(m);
    CHECK(!tsn_model_sniff(at("no-such.model")));
    tf_spit(at("short.model"), "tasnif-mod", 10);
    CHECK(!tsn_model_sniff(at("short.model")));
    tf_spit(at("short.model"), file, file_len);
    CHECK(tsn_model_sniff(at("short.model")));
    unlink(at("short.model"));
}

static void model_names_resolve_through_tasnif_models(void)
{
    char buf[4096];
    tf_spit(at("mine.model"), file, file_len);
    setenv("TASNIF_MODELS", dir, 1);
    CHECK_STR(tsn_model_resolve("mine", false, buf, sizeof buf), at("mine.model"));
    CHECK_STR(tsn_model_resolve("theirs", false, buf, sizeof buf), "theirs");
    setenv("TASNIF_MODELS", "", 1); /* empty: as if unset */
    CHECK_STR(tsn_model_resolve("mine", false, buf, sizeof buf), "mine");
    unsetenv("TASNIF_MODELS");
    CHECK_STR(tsn_model_resolve("a/b", true, buf, sizeof buf), "a/b"); /* a path stays */
    unlink(at("mine.model"));
}

static void a_bare_name_is_a_shipped_model_before_a_file_in_the_working_directory(void)
{
    char buf[4096], cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    tf_spit(at("mine.model"), file, file_len);
    tf_spit(at("mine"), "not a model\n", 12); /* as a program built with -o mine would be */
    setenv("TASNIF_MODELS", dir, 1);
    CHECK(chdir(dir) == 0);
    CHECK_STR(tsn_model_resolve("mine", false, buf, sizeof buf), at("mine.model"));
    CHECK_STR(tsn_model_resolve("./mine", false, buf, sizeof buf), "./mine");
    /* ending in .model: a path, never mine.model.model in the models directory */
    CHECK_STR(tsn_model_resolve("mine.model", true, buf, sizeof buf), "mine.model");
    CHECK_STR(tsn_model_resolve("none.model", true, buf, sizeof buf), "none.model");
    unsetenv("TASNIF_MODELS"); /* no models directory has it: the file here */
    CHECK_STR(tsn_model_resolve("mine", false, buf, sizeof buf), "mine");
    CHECK(chdir(cwd) == 0);
    unlink(at("mine"));
    unlink(at("mine.model"));
}

typedef struct {
    const char *path;
    const char *b;
    size_t n, written;
} fifo_job;

static void *fifo_writer(void *arg)
{
    fifo_job *j = arg;
    int fd = open(j->path, O_WRONLY);
    while (fd >= 0 && j->written < j->n) {
        ssize_t k = write(fd, j->b + j->written, j->n - j->written);
        if (k <= 0)
            break;
        j->written += (size_t)k;
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

/* A model over 4 MB (its checksum computed on a thread while the sections are parsed), read
 * from a file and from a pipe (a buffer grown as it comes); a bit flipped in it is still
 * reported as a checksum mismatch. */
static void a_large_model_loads_from_a_file_and_a_pipe(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 1;
    c.hash_buckets = 600000;
    tsn_model *big = fit_file("tests/data/tiny.tsv", &c);
    CHECK(big != NULL);
    if (big == NULL)
        return;
    tsn_error err = {0};
    CHECK(tsn_model_save(big, at("big.model"), &err) == TSN_OK);
    size_t n = 0;
    char *b = tf_slurp(at("big.model"), &n);
    CHECK(b != NULL && n > ((size_t)4 << 20));
    tsn_model *l = tsn_model_load(at("big.model"), &err);
    CHECK(l != NULL && tsn_model_n_features(l) == 600000);
    tsn_model_free(l);
    /* through a FIFO, written by a thread */
    char fifo[256];
    snprintf(fifo, sizeof fifo, "%s", at("big.fifo"));
    CHECK(mkfifo(fifo, 0600) == 0);
    fifo_job job = {fifo, b, n, 0};
    pthread_t th;
    bool started = b != NULL && pthread_create(&th, NULL, fifo_writer, &job) == 0;
    CHECK(started);
    if (started) {
        l = tsn_model_load(job.path, &err);
        if (l == NULL)
            fprintf(stderr, "  %s\n", err.msg);
        CHECK(l != NULL && tsn_model_n_features(l) == 600000);
        tsn_model_free(l);
        pthread_join(th, NULL);
        CHECK(job.written == n);
    }
    unlink(fifo);
    /* a bit flipped inside the idf: the threaded checksum still has the last word */
    if (b != NULL) {
        b[n / 3] ^= 0x01;
        l = tsn_model_parse(b, n, "big.model", &err);
        CHECK(l == NULL && strstr(err.msg, "checksum mismatch") != NULL);
        tsn_model_free(l);
    }
    free(b);
    unlink(at("big.model"));
    tsn_model_free(big);
}

/* A model of many labels, met in no particular order and with supports that differ: after
 * saving and loading, every label keeps its name and support, and every document its answer
 * (the class order read back in step with the label table). */
static void a_model_of_many_labels_loads_every_label_in_its_place(void)
{
    enum { K = 300 };
    FILE *f = fopen(at("many.tsv"), "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    for (size_t i = 0; i < K; i++) {
        size_t k = i * 7 % K; /* 7 is prime to K: each label once */
        for (size_t j = 0; j <= k % 3; j++)
            fprintf(f, "L%03zu\tq%c%c r%c%c\n", k, 'a' + (int)(k / 26 % 26),
                    'a' + (int)(k % 26), 'a' + (int)(k / 26 % 26), 'a' + (int)(k % 26));
    }
    fclose(f);
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 1;
    tsn_model *m = fit_file(at("many.tsv"), &c);
    unlink(at("many.tsv"));
    CHECK(m != NULL && tsn_model_n_labels(m) == K);
    if (m == NULL)
        return;
    tsn_error err = {0};
    CHECK(tsn_model_save(m, at("many.model"), &err) == TSN_OK);
    tsn_model *l = tsn_model_load(at("many.model"), &err);
    unlink(at("many.model"));
    CHECK(l != NULL && tsn_model_n_labels(l) == K);
    double *p1 = malloc(K * sizeof *p1), *p2 = malloc(K * sizeof *p2);
    for (size_t k = 0; l != NULL && p1 != NULL && p2 != NULL && k < K; k++) {
        char name[8], text[16];
        snprintf(name, sizeof name, "L%03zu", k);
        CHECK_STR(tsn_model_label_name(l, k), name);
        CHECK(tsn_model_label_support(l, k) == k % 3 + 1);
        snprintf(text, sizeof text, "q%c%c r%c%c", 'a' + (int)(k / 26 % 26), 'a' + (int)(k % 26),
                 'a' + (int)(k / 26 % 26), 'a' + (int)(k % 26));
        tsn_doc d = {text, strlen(text), NULL, 0};
        size_t b1 = K, b2 = K + 1;
        CHECK(tsn_model_predict(m, &d, p1, &b1, &err) == TSN_OK &&
              tsn_model_predict(l, &d, p2, &b2, &err) == TSN_OK && b1 == b2 && b2 == k &&
              memcmp(p1, p2, K * sizeof *p1) == 0);
    }
    free(p1);
    free(p2);
    tsn_model_free(l);
    tsn_model_free(m);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    snprintf(dir, sizeof dir, "/tmp/tsn_modelfile.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 1;
    model = fit_file("tests/data/tiny.tsv", &c);
    file = model == NULL ? NULL : saved(model, "dense", &file_len);
    if (file == NULL) {
        fprintf(stderr, "cannot train the test model\n");
        return 1;
    }
    RUN(the_envelope_is_checked_before_any_section);
    RUN(every_section_header_is_checked);
    RUN(a_vocabulary_that_disagrees_with_its_size_is_refused);
    RUN(a_missing_or_misdeclared_weights_section_is_refused);
    RUN(a_hand_written_sparse_body_loads_and_a_cut_count_is_named);
    RUN(non_finite_idf_values_and_weights_are_refused);
    RUN(metadata_fields_of_the_wrong_kind_are_refused);
    RUN(a_hashed_model_whose_buckets_disagree_with_its_idf_is_refused);
    RUN(multi_label_metadata_is_checked_label_by_label);
    RUN(the_layout_variable_forces_dense_or_sparse_and_nothing_else);
    RUN(saving_where_no_model_file_can_be_is_refused);
    RUN(saving_over_links_and_files_keeps_what_should_be_kept);
    RUN(a_name_at_the_length_limit_is_saved);
    RUN(loading_and_sniffing_what_is_no_model_file);
    RUN(model_names_resolve_through_tasnif_models);
    RUN(a_bare_name_is_a_shipped_model_before_a_file_in_the_working_directory);
    RUN(a_large_model_loads_from_a_file_and_a_pipe);
    RUN(a_model_of_many_labels_loads_every_label_in_its_place);
    free(file);
    tsn_model_free(model);
    rmdir(dir);
    DONE();
}
