/* test_model.c -- training, save/load round trips, determinism and damaged model files. */
#include "model.h"

#include <stdlib.h>
#include <unistd.h>

#include "check.h"

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

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

static void spit(const char *path, const char *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, len, f);
    fclose(f);
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
    char *x = slurp("/tmp/tsn_a.model", &la), *y = slurp("/tmp/tsn_b.model", &lb);
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
    char *b = slurp("/tmp/tsn_test.model", &len);
    CHECK(b != NULL && len > 100);
    if (b == NULL)
        return;
    spit("/tmp/tsn_bad.model", b, len / 2);
    expect_load_error("/tmp/tsn_bad.model", "truncated");
    b[len / 2] ^= 0x10;
    spit("/tmp/tsn_bad.model", b, len);
    expect_load_error("/tmp/tsn_bad.model", "checksum mismatch");
    b[len / 2] ^= 0x10;
    b[13] = '9'; /* "tasnif-model 1" -> version 9 */
    spit("/tmp/tsn_bad.model", b, len);
    expect_load_error("/tmp/tsn_bad.model", "newer than this tasnif supports");
    spit("/tmp/tsn_bad.model", "label\ttext\n", 11);
    expect_load_error("/tmp/tsn_bad.model", "not a tasnif model");
    spit("/tmp/tsn_bad.model", "", 0);
    expect_load_error("/tmp/tsn_bad.model", "not a tasnif model");
    expect_load_error("/tmp/no/such/model", "No such file");
    free(b);
    unlink("/tmp/tsn_bad.model");
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
    RUN(explanations_name_features_of_the_document);
    RUN(one_label_is_not_enough);
    tsn_dataset_release(&data);
    DONE();
}
