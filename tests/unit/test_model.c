/* test_model.c -- training, save/load round trips, determinism and damaged model files. */
#include "model.h"

#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "hash.h"

static tsn_dataset data;

static bool consume; /* fit with tsn_model_fit_consume() */

static tsn_model *fit(const tsn_config *c)
{
    tsn_error err = {0};
    tsn_corpus *cp = tsn_corpus_build(c, &data, 2, NULL, NULL, &err);
    tsn_model *m = cp == NULL ? NULL
                 : consume    ? tsn_model_fit_consume(cp, &err)
                              : tsn_model_fit(cp, NULL, 0, &err);
    if (m == NULL)
        fprintf(stderr, "  %s\n", err.msg);
    tsn_corpus_free(cp);
    return m;
}

static void saved_model_predicts_exactly_like_the_trained_one(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 1;
    c.solver = TSN_SOLVER_LR;
    tsn_model *m = fit(&c);
    CHECK(m != NULL && tsn_model_has_probabilities(m));
    if (m == NULL)
        return;
    tsn_error err = {0};
    CHECK(tsn_model_save(m, "/tmp/tsn_test.model", &err) == TSN_OK);
    tsn_model *l = tsn_model_load("/tmp/tsn_test.model", &err);
    CHECK(l != NULL);
    if (l != NULL) {
        CHECK(tsn_model_n_labels(l) == 2 && tsn_model_n_features(l) == tsn_model_n_features(m));
        CHECK_STR(tsn_model_label_name(l, 0), "economy");
        for (size_t i = 0; i < data.n; i++) {
            tsn_doc d = {data.v[i].text, data.v[i].text_len, NULL, 0};
            double p1[2], p2[2];
            size_t b1, b2;
            tsn_model_predict(m, &d, p1, &b1, &err);
            tsn_model_predict(l, &d, p2, &b2, &err);
            CHECK(b1 == b2 && p1[0] == p2[0] && p1[1] == p2[1]);
            CHECK(p1[0] + p1[1] > 0.999999 && p1[0] + p1[1] < 1.000001);
        }
    }
    tsn_model_free(l);
    tsn_model_free(m);
}

static void same_data_and_config_give_byte_identical_models(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 1;
    tsn_model *a = fit(&c);
    consume = true; /* the memory-saving fit must give the very same model */
    tsn_model *b = fit(&c);
    consume = false;
    CHECK(a && b);
    if (a == NULL || b == NULL) {
        tsn_model_free(a);
        tsn_model_free(b);
        return;
    }
    tsn_model_save(a, "/tmp/tsn_a.model", NULL);
    tsn_model_save(b, "/tmp/tsn_b.model", NULL);
    size_t la, lb;
    char *x = tf_slurp("/tmp/tsn_a.model", &la), *y = tf_slurp("/tmp/tsn_b.model", &lb);
    CHECK(x && y && la == lb && memcmp(x, y, la) == 0);
    free(x);
    free(y);
    tsn_model_free(a);
    tsn_model_free(b);
    unlink("/tmp/tsn_a.model");
    unlink("/tmp/tsn_b.model");
}

static void expect_load_error(const char *path, const char *fragment)
{
    tsn_error err = {0};
    tsn_model *m = tsn_model_load(path, &err);
    CHECK(m == NULL);
    if (m == NULL && strstr(err.msg, fragment) == NULL) {
        fprintf(stderr, "  \"%s\" lacks \"%s\"\n", err.msg, fragment);
        check_failures++;
    }
    tsn_model_free(m);
}

static void damaged_or_foreign_models_are_refused_clearly(void)
{
    size_t len;
    char *b = tf_slurp("/tmp/tsn_test.model", &len);
    CHECK(b != NULL && len > 100);
    if (b == NULL)
        return;
    tf_spit("/tmp/tsn_bad.model", b, len / 2);
    expect_load_error("/tmp/tsn_bad.model", "truncated");
    b[len / 2] ^= 0x10;
    tf_spit("/tmp/tsn_bad.model", b, len);
    expect_load_error("/tmp/tsn_bad.model", "checksum mismatch");
    b[len / 2] ^= 0x10;
    b[13] = '9'; /* "tasnif-model 1" -> version 9 */
    tf_spit("/tmp/tsn_bad.model", b, len);
    expect_load_error("/tmp/tsn_bad.model", "newer than this tasnif supports");
    b[13] = '0';
    tf_spit("/tmp/tsn_bad.model", b, len);
    expect_load_error("/tmp/tsn_bad.model", "unknown model format version 0");
    b[13] = 'x';
    tf_spit("/tmp/tsn_bad.model", b, len);
    expect_load_error("/tmp/tsn_bad.model", "not a tasnif model");
    b[13] = '1';
    b[len - 2] = 'z'; /* the checksum's last hex digit */
    tf_spit("/tmp/tsn_bad.model", b, len);
    expect_load_error("/tmp/tsn_bad.model", "truncated");
    tf_spit("/tmp/tsn_bad.model", "label\ttext\n", 11);
    expect_load_error("/tmp/tsn_bad.model", "not a tasnif model");
    tf_spit("/tmp/tsn_bad.model", "", 0);
    expect_load_error("/tmp/tsn_bad.model", "not a tasnif model");
    expect_load_error("/tmp/no/such/model", "No such file");
    free(b);
    unlink("/tmp/tsn_bad.model");
}

/* ---- Models damaged behind a valid checksum (a buggy writer, a hand edit) ---- */

/* The parts of a saved model: its metadata JSON and everything from the stop-word section to
 * the checksum line, which reseal() puts back together under a fresh checksum. */
static char meta[4096];
static char *rest;
static size_t rest_len;

static bool split_model(const char *b, size_t len)
{
    const char *nl = memchr(b, '\n', len);
    size_t mlen = 0;
    if (nl == NULL || sscanf(nl + 1, "meta %zu\n", &mlen) != 1 || mlen >= sizeof meta)
        return false;
    const char *m = strchr(nl + 1, '\n') + 1;
    memcpy(meta, m, mlen);
    meta[mlen] = '\0';
    const char *r = m + mlen + 1;
    rest_len = (size_t)(b + len - 26 - r); /* "checksum <16 hex digits>\n" */
    rest = malloc(rest_len);
    memcpy(rest, r, rest_len);
    return true;
}

/* Replaces the first `from` in buf[0..*len) (capacity cap) by `to`; false if absent. */
static bool edit(char *buf, size_t *len, size_t cap, const char *from, const char *to)
{
    char *at = tf_find(buf, *len, from, strlen(from));
    size_t fl = strlen(from), tl = strlen(to);
    if (at == NULL || *len - fl + tl > cap) {
        fprintf(stderr, "  cannot edit \"%s\"\n", from);
        check_failures++;
        return false;
    }
    memmove(at + tl, at + fl, (size_t)(buf + *len - (at + fl)));
    memcpy(at, to, tl);
    *len = *len - fl + tl;
    return true;
}

/* The model with `from` replaced by `to` in its metadata (in_meta) or its sections, resealed
 * with a valid checksum and parsed as "edited.model": NULL with *err set when refused; *edited
 * is false when `from` was not found. */
static tsn_model *resealed(bool in_meta, const char *from, const char *to, bool *edited,
                           tsn_error *err)
{
    size_t cap = rest_len + sizeof meta + 256, n = 0;
    char *b = malloc(cap + 64);
    char m[sizeof meta + 64];
    size_t ml = strlen(meta);
    memcpy(m, meta, ml + 1);
    char *r = malloc(rest_len + 64);
    size_t rl = rest_len;
    memcpy(r, rest, rest_len);
    tsn_model *l = NULL;
    *edited = in_meta ? edit(m, &ml, sizeof m - 1, from, to)
                      : edit(r, &rl, rest_len + 64, from, to);
    if (*edited) {
        m[ml] = '\0';
        n = (size_t)snprintf(b, cap, "tasnif-model 1\nmeta %zu\n%s\n", ml, m);
        memcpy(b + n, r, rl);
        n += rl;
        n += (size_t)snprintf(b + n, 64, "checksum %016llx\n",
                              (unsigned long long)tsn_hash(b, n));
        l = tsn_model_parse(b, n, "edited.model", err);
    }
    free(b);
    free(r);
    return l;
}

/* The resealed edit must be refused with a message naming the file and holding `fragment`. */
static void expect_resealed_error(bool in_meta, const char *from, const char *to,
                                  const char *fragment)
{
    tsn_error err = {0};
    bool edited;
    tsn_model *l = resealed(in_meta, from, to, &edited, &err);
    if (!edited)
        return;
    CHECK(l == NULL);
    if (l == NULL &&
        (strstr(err.msg, fragment) == NULL || strstr(err.msg, "edited.model") == NULL)) {
        fprintf(stderr, "  %s -> %s: \"%s\" lacks \"%s\"\n", from, to, err.msg, fragment);
        check_failures++;
    }
    tsn_model_free(l);
}

static void resealed_models_with_bad_metadata_are_refused(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 1;
    tsn_model *m = fit(&c);
    CHECK(m != NULL && tsn_model_save(m, "/tmp/tsn_reseal.model", NULL) == TSN_OK);
    tsn_model_free(m);
    size_t len = 0;
    char *b = tf_slurp("/tmp/tsn_reseal.model", &len);
    unlink("/tmp/tsn_reseal.model");
    CHECK(b != NULL && split_model(b, len));
    if (rest == NULL) {
        free(b);
        return;
    }
    /* a harmless edit loads: the test's own resealing is right */
    tsn_error err = {0};
    bool edited;
    tsn_model *l = resealed(true, "\"bias\":1}", "\"bias\":1, \"note\":1}", &edited, &err);
    CHECK(l != NULL && tsn_model_n_labels(l) == 2);
    tsn_model_free(l);
    /* a file from before char_max_df kept every character n-gram and reads so; the value a
     * file names is the one it reads */
    l = resealed(true, "\"char_max_df\":0.1,", "", &edited, &err);
    CHECK(edited && l != NULL && tsn_model_config(l)->char_max_df == 1);
    tsn_model_free(l);
    l = resealed(true, "\"char_max_df\":0.1,", "\"char_max_df\":0.25,", &edited, &err);
    CHECK(edited && l != NULL && tsn_model_config(l)->char_max_df == 0.25);
    tsn_model_free(l);
    /* and one that keeps every character n-gram is written as those files were */
    c.char_max_df = 1;
    m = fit(&c);
    CHECK(m != NULL && tsn_model_save(m, "/tmp/tsn_reseal.model", NULL) == TSN_OK);
    tsn_model_free(m);
    char *b1 = tf_slurp("/tmp/tsn_reseal.model", &len);
    CHECK(b1 != NULL && strstr(b1, "char_max_df") == NULL &&
          strstr(b1, "\"min_df\":1,\"max_features\"") != NULL);
    free(b1);
    l = tsn_model_load("/tmp/tsn_reseal.model", &err);
    unlink("/tmp/tsn_reseal.model");
    CHECK(l != NULL && tsn_model_config(l)->char_max_df == 1);
    tsn_model_free(l);
    expect_resealed_error(true, "{\"format\"", "[\"format\"", "bad metadata");
    expect_resealed_error(true, "\"support\":[10,10]", "\"support\":[10]", "incomplete metadata");
    expect_resealed_error(true, "\"labels\":[\"economy\",\"sports\"]", "\"labels\":[\"economy\"]",
                          "incomplete metadata");
    expect_resealed_error(true, "\"examples\":20", "\"examples\":-5", "incomplete metadata");
    expect_resealed_error(true, "\"examples\":20", "\"examples\":2.5", "incomplete metadata");
    expect_resealed_error(true, "\"pair\":false", "\"pair\":0", "incomplete metadata");
    expect_resealed_error(true, "\"class_order\":[1,0]", "\"class_order\":{}",
                          "incomplete metadata");
    expect_resealed_error(true, "\"C\":0.5", "\"C\":\"big\"", "\"C\" must be a number");
    expect_resealed_error(true, "\"labels\":[\"economy\",\"sports\"]", "\"labels\":[\"economy\",7]",
                          "bad label table");
    expect_resealed_error(true, "\"support\":[10,10]", "\"support\":[10,1e300]", "bad label table");
    expect_resealed_error(true, "\"class_order\":[1,0]", "\"class_order\":[1,2]",
                          "bad class order");
    expect_resealed_error(true, "\"class_order\":[1,0]", "\"class_order\":[1]",
                          "inconsistent solver");
    expect_resealed_error(true, "\"solver_type\":1", "\"solver_type\":0", "inconsistent solver");
    expect_resealed_error(true, "\"bias\":1}", "\"bias\":1,\"temperature\":-1}", "bad temperature");
    expect_resealed_error(true, "\"bias\":1}", "\"bias\":1,\"temperature\":\"hot\"}",
                          "bad temperature");
    expect_resealed_error(true, "\"calibrate\":false", "\"calibrate\":false,\"multi_label\":true",
                          "multi-label without thresholds");
    expect_resealed_error(true, "\"calibrate\":false",
                          "\"calibrate\":false,\"multi_label\":true},\"platt\":[1,0,1,\"x\"],"
                          "\"thresholds\":[0.5,0.5],\"z\":{",
                          "bad platt");
    expect_resealed_error(true, "\"calibrate\":false",
                          "\"calibrate\":false,\"multi_label\":true},\"platt\":[1,0,1,0],"
                          "\"thresholds\":[0.5,2],\"z\":{",
                          "bad threshold");
    free(b);
}

static void resealed_models_with_bad_sections_are_refused(void)
{
    if (rest == NULL)
        return;
    char want[64];
    expect_resealed_error(false, "stopwords ", "stopword ", "expected section \"stopwords\"");
    expect_resealed_error(false, "stopwords ", "stopwords x", "bad size of \"stopwords\"");
    expect_resealed_error(false, "stopwords ", "stopwords 1234567890123456789",
                          "bad size of \"stopwords\"");
    expect_resealed_error(false, "stopwords ", "stopwords 9", "section \"stopwords\" is cut");
    const char *idf = tf_find(rest, rest_len, "\nidf ", 5);
    size_t V = idf ? strtoul(idf + 5, NULL, 10) : 0;
    snprintf(want, sizeof want, "\nidf %zu\n", V);
    expect_resealed_error(false, want, "\nidf 2147483647\n", "2147483647 features");
    expect_resealed_error(false, want, "\nidf 1\n", "section \"idf\" is cut");
    snprintf(want, sizeof want, "\nweights %zu\n", V + 1);
    char to[64];
    snprintf(to, sizeof to, "\nweights %zu\n", V);
    char frag[64];
    snprintf(frag, sizeof frag, "%zu weights values, expected %zu", V, V + 1);
    expect_resealed_error(false, want, to, frag);
    snprintf(to, sizeof to, "\nwaits %zu\n", V + 1);
    expect_resealed_error(false, want, to, "expected section \"weights\"");
    /* one more byte before the checksum */
    char *r = realloc(rest, rest_len + 1);
    if (r != NULL) {
        rest = r;
        rest[rest_len++] = '\n';
        expect_resealed_error(false, "stopwords ", "stopwords ", "trailing data");
        rest_len--;
    }
    free(rest);
    rest = NULL;
}

static void explanations_name_features_of_the_document(void)
{
    tsn_error err = {0};
    tsn_model *m = tsn_model_load("/tmp/tsn_test.model", &err);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    const tsn_example *ex = &data.v[0];
    tsn_doc d = {ex->text, ex->text_len, NULL, 0};
    double p[2];
    size_t best, n = 0;
    tsn_contrib out[5];
    CHECK(tsn_model_predict(m, &d, p, &best, &err) == TSN_OK);
    CHECK(tsn_model_explain(m, &d, best, out, 5, &n, &err) == TSN_OK);
    CHECK(n > 0 && n <= 5);
    for (size_t i = 1; i < n; i++)
        CHECK(out[i - 1].contribution >= out[i].contribution);
    for (size_t i = 0; i < n; i++)
        CHECK(out[i].contribution > 0 && out[i].feature[1] == ':');
    tsn_model_free(m);
    unlink("/tmp/tsn_test.model");
}

/* Rewrites the checksum line of the model in b[0..len), so that damage inside a section is
 * found by the section's own checks. */
static void reseal(char *b, size_t len)
{
    size_t cl = strlen("checksum ") + 16 + 1;
    char line[32];
    snprintf(line, sizeof line, "checksum %016llx\n",
             (unsigned long long)tsn_hash(b, len - cl));
    memcpy(b + len - cl, line, cl);
}

static void expect_parse_error(const char *b, size_t len, const char *fragment)
{
    tsn_error err = {0};
    tsn_model *m = tsn_model_parse(b, len, "sparse.model", &err);
    CHECK(m == NULL);
    if (m == NULL &&
        (strstr(err.msg, fragment) == NULL || strstr(err.msg, "sparse.model") == NULL)) {
        fprintf(stderr, "  \"%s\" lacks \"%s\"\n", err.msg, fragment);
        check_failures++;
    }
    tsn_model_free(m);
}

static void sparse_weights_load_and_damage_inside_them_is_refused(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 1;
    tsn_model *m = fit(&c);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    setenv("TASNIF_MODEL_LAYOUT", "sparse", 1);
    CHECK(tsn_model_save(m, "/tmp/tsn_sparse.model", NULL) == TSN_OK);
    unsetenv("TASNIF_MODEL_LAYOUT");
    size_t len;
    char *b = tf_slurp("/tmp/tsn_sparse.model", &len);
    char *sec = NULL;
    for (size_t i = 0; b != NULL && sec == NULL && i + 16 < len; i++)
        if (memcmp(b + i, "\nsparse-weights ", 16) == 0)
            sec = b + i;
    CHECK(sec != NULL);
    tsn_error err = {0};
    tsn_model *l = tsn_model_parse(b, len, "sparse.model", &err);
    CHECK(l != NULL);
    for (size_t i = 0; l != NULL && i < data.n; i++) {
        tsn_doc d = {data.v[i].text, data.v[i].text_len, NULL, 0};
        double p1[2], p2[2];
        size_t b1, b2;
        tsn_model_predict(m, &d, p1, &b1, &err);
        tsn_model_predict(l, &d, p2, &b2, &err);
        CHECK(b1 == b2 && p1[0] == p2[0] && p1[1] == p2[1]);
    }
    tsn_model_free(l);
    if (sec == NULL) {
        free(b);
        tsn_model_free(m);
        return;
    }
    /* two labels: one weight column, so each row holds 0 or 1 weight: count, gap, 8 bytes */
    char *body = strchr(sec + 1, '\n') + 1;
    size_t n = strtoul(sec + strlen("\nsparse-weights "), NULL, 10), at = (size_t)(body - b);
    CHECK(body[0] == 1 && body[1] == 0);
    body[0] = 2;
    reseal(b, len);
    expect_parse_error(b, len, "sparse weights: bad count in row 1");
    body[0] = 1;
    body[1] = 1;
    reseal(b, len);
    expect_parse_error(b, len, "sparse weights: bad column in row 1");
    body[1] = (char)0x80; /* a varint that never ends */
    memset(body + 2, 0x80, 8);
    reseal(b, len);
    expect_parse_error(b, len, "sparse weights: bad column in row 1");
    /* the last row's weight cut off, the size in the header saying so */
    size_t pre = (size_t)(sec + 1 - b);
    free(b);
    char *x = tf_slurp("/tmp/tsn_sparse.model", &len), *y = malloc(len + 64);
    memcpy(y, x, pre);
    size_t hl = pre + (size_t)snprintf(y + pre, 64, "sparse-weights %zu\n", n - 8);
    memcpy(y + hl, x + at, n - 8);
    size_t tail = len - (at + n);
    memcpy(y + (size_t)hl + n - 8, x + at + n, tail);
    reseal(y, hl + n - 8 + tail);
    expect_parse_error(y, hl + n - 8 + tail, "sparse weights: row ");
    /* one byte too many */
    hl = pre + (size_t)snprintf(y + pre, 64, "sparse-weights %zu\n", n + 1);
    memcpy(y + hl, x + at, n);
    y[hl + n] = 0;
    memcpy(y + hl + n + 1, x + at + n, tail);
    reseal(y, hl + n + 1 + tail);
    expect_parse_error(y, hl + n + 1 + tail, "1 bytes after the last row");
    free(x);
    free(y);
    tsn_model_free(m);
    unlink("/tmp/tsn_sparse.model");
}

static void one_label_is_not_enough(void)
{
    tsn_dataset one = data;
    one.n = 1;
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    tsn_corpus *cp = tsn_corpus_build(&c, &one, 1, NULL, NULL, &err);
    CHECK(cp == NULL && err.code == TSN_ERR_DATA && strstr(err.msg, "only one label"));
    tsn_corpus_free(cp);
}

int main(void)
{
    tsn_error err = {0};
    if (tsn_dataset_load(&data, "tests/data/tiny.tsv", TSN_FMT_AUTO, NULL, &err) != TSN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    RUN(saved_model_predicts_exactly_like_the_trained_one);
    RUN(same_data_and_config_give_byte_identical_models);
    RUN(damaged_or_foreign_models_are_refused_clearly);
    RUN(resealed_models_with_bad_metadata_are_refused);
    RUN(resealed_models_with_bad_sections_are_refused);
    RUN(explanations_name_features_of_the_document);
    RUN(sparse_weights_load_and_damage_inside_them_is_refused);
    RUN(one_label_is_not_enough);
    tsn_dataset_release(&data);
    DONE();
}
