/* test_api.c -- the public API (include/tasnif.h): train, save, load, classify, label, evaluate
 * and info, and the status and message each gets for a bad argument, file or model. */
#include "tasnif.h"

#include <stdlib.h>
#include <unistd.h>

#include "check.h"

static char dir[] = "/tmp/tsn_api.XXXXXX";

static char *path_in_dir(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

/* A sports document: the text of the first line of tests/data/tiny-test.tsv. */
static char sports[1024];

static void read_sports(void)
{
    FILE *f = fopen("tests/data/tiny-test.tsv", "r");
    char line[1024] = "";
    if (f != NULL) {
        if (fgets(line, sizeof line, f) == NULL)
            line[0] = '\0';
        fclose(f);
    }
    char *tab = strchr(line, '\t');
    snprintf(sports, sizeof sports, "%s", tab ? tab + 1 : "");
    sports[strcspn(sports, "\n")] = '\0';
}

static void version_and_status_texts_are_constant_strings(void)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", TASNIF_VERSION_MAJOR, TASNIF_VERSION_MINOR,
             TASNIF_VERSION_PATCH);
    CHECK_STR(tasnif_version(), want);
    CHECK_STR(tasnif_strerror(TASNIF_OK), "success");
    CHECK_STR(tasnif_strerror(TASNIF_ERR_NOMEM), "out of memory");
    CHECK_STR(tasnif_strerror(TASNIF_ERR_IO), "input/output error");
    CHECK_STR(tasnif_strerror(TASNIF_ERR_FORMAT), "malformed input");
    CHECK_STR(tasnif_strerror(TASNIF_ERR_UNICODE), "invalid text encoding");
    CHECK_STR(tasnif_strerror(TASNIF_ERR_MODEL), "unusable model");
    CHECK_STR(tasnif_strerror(TASNIF_ERR_ARG), "invalid argument");
    CHECK_STR(tasnif_strerror(TASNIF_ERR_DATA), "unusable data");
    CHECK_STR(tasnif_strerror((tasnif_status)99), "unknown error");
}

static void null_arguments_are_refused_without_a_crash(void)
{
    tasnif_error err = {0};
    CHECK(tasnif_load(NULL, &err) == NULL && err.code == TASNIF_ERR_ARG);
    CHECK(strstr(err.message, "no model named") != NULL);
    err.code = TASNIF_OK;
    CHECK(tasnif_load("", &err) == NULL && err.code == TASNIF_ERR_ARG);
    CHECK(tasnif_load(NULL, NULL) == NULL);
    err.code = TASNIF_OK;
    CHECK(tasnif_train(NULL, NULL, 1, &err) == NULL && err.code == TASNIF_ERR_ARG);
    CHECK(tasnif_model_save(NULL, "/tmp/x", &err) == TASNIF_ERR_ARG);
    CHECK(tasnif_model_n_labels(NULL) == 0);
    CHECK(tasnif_model_label(NULL, 0) == NULL);
    CHECK(tasnif_model_is_pair(NULL) == 0);
    err.code = TASNIF_OK;
    CHECK(tasnif_model_info(NULL, &err) == NULL && err.code == TASNIF_ERR_ARG);
    tasnif_label_prob top[1];
    size_t n = 7;
    CHECK(tasnif_classify(NULL, "x", 1, NULL, 0, top, 1, &n, &err) == TASNIF_ERR_ARG);
    CHECK(n == 0);
    err.code = TASNIF_OK;
    CHECK(tasnif_classify_json(NULL, "x", 1, NULL, 0, 1, 0, &err) == NULL &&
          err.code == TASNIF_ERR_ARG);
    err.code = TASNIF_OK;
    CHECK(tasnif_label(NULL, NULL, "x", 1, 0, &err) == NULL && err.code == TASNIF_ERR_ARG);
    err.code = TASNIF_OK;
    CHECK(tasnif_evaluate(NULL, "x", &err) == NULL && err.code == TASNIF_ERR_ARG);
    tasnif_model_free(NULL);
    tasnif_free(NULL);
}

static void a_missing_or_foreign_model_file_is_named(void)
{
    tasnif_error err = {0};
    CHECK(tasnif_load("/nonexistent/x.model", &err) == NULL);
    CHECK(err.code == TASNIF_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/x.model") != NULL);
    write_file(path_in_dir("text.model"), "not a model\n");
    err.code = TASNIF_OK;
    CHECK(tasnif_load(path_in_dir("text.model"), &err) == NULL);
    CHECK(err.code == TASNIF_ERR_MODEL);
    CHECK(strstr(err.message, "text.model") != NULL);
}

static void train_names_a_bad_config_or_dataset(void)
{
    tasnif_error err = {0};
    CHECK(tasnif_train("tests/data/tiny.tsv", "{\"C\": ", 1, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_FORMAT);
    err.code = TASNIF_OK;
    CHECK(tasnif_train("tests/data/tiny.tsv", "{\"no_such_option\": 1}", 1, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_FORMAT && strstr(err.message, "no_such_option") != NULL);
    err.code = TASNIF_OK;
    CHECK(tasnif_train("tests/data/tiny.tsv", "{\"solver\": \"magic\"}", 1, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_ARG && strstr(err.message, "magic") != NULL);
    err.code = TASNIF_OK;
    CHECK(tasnif_train("/nonexistent/train.tsv", NULL, 1, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_IO && strstr(err.message, "/nonexistent/train.tsv") != NULL);
    write_file(path_in_dir("one.tsv"), "sports\tword one\nsports\tword two\n");
    err.code = TASNIF_OK;
    CHECK(tasnif_train(path_in_dir("one.tsv"), "", 1, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_DATA);
}

static void a_trained_model_classifies_saves_and_loads_the_same(void)
{
    tasnif_error err = {0};
    tasnif_model *m = tasnif_train("tests/data/tiny.tsv", "{\"solver\": \"lr\"}", 1, &err);
    CHECK(m != NULL);
    if (m == NULL) {
        fprintf(stderr, "  %s\n", err.message);
        return;
    }
    CHECK(tasnif_model_n_labels(m) == 2);
    CHECK_STR(tasnif_model_label(m, 0), "economy");
    CHECK_STR(tasnif_model_label(m, 1), "sports");
    CHECK(tasnif_model_label(m, 2) == NULL);
    CHECK(tasnif_model_is_pair(m) == 0);

    tasnif_label_prob top[3];
    size_t n = 0;
    CHECK(tasnif_classify(m, sports, strlen(sports), NULL, 0, top, 3, &n, &err) == TASNIF_OK);
    CHECK(n == 2);
    CHECK_STR(top[0].label, "sports");
    CHECK(top[0].prob > top[1].prob && top[0].prob + top[1].prob > 0.999);
    CHECK(tasnif_classify(m, sports, strlen(sports), NULL, 0, top, 1, NULL, &err) == TASNIF_OK);

    char *json = tasnif_classify_json(m, sports, strlen(sports), NULL, 0, 2, 3, &err);
    CHECK(json != NULL && strncmp(json, "{\"label\":\"sports\"", 17) == 0);
    CHECK(json != NULL && strstr(json, "\"top\"") != NULL && strstr(json, "\"explain\"") != NULL);
    char *plain = tasnif_classify_json(m, sports, strlen(sports), NULL, 0, 1, 0, &err);
    CHECK(plain != NULL && strstr(plain, "\"top\"") == NULL && strstr(plain, "explain") == NULL);
    /* nothing to go on (blank): no label and no probability, as classify prints it */
    char *blank = tasnif_classify_json(m, " \n", 2, NULL, 0, 1, 0, &err);
    CHECK(blank != NULL && strcmp(blank, "{\"label\":null,\"prob\":0.0000}") == 0);
    tasnif_free(blank);
    blank = tasnif_classify_json(m, "", 0, NULL, 0, 2, 3, &err);
    CHECK(blank != NULL && strcmp(blank, "{\"label\":null,\"prob\":0.0000,\"explain\":[]}") == 0);
    tasnif_free(blank);
    err.code = TASNIF_OK;
    CHECK(tasnif_classify_json(m, sports, strlen(sports), NULL, 0, -1, 0, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_ARG && strstr(err.message, "negative") != NULL);

    char *info = tasnif_model_info(m, &err);
    CHECK(info != NULL && strstr(info, "\"economy\"") != NULL && strstr(info, "\"lr\"") != NULL);

    CHECK(tasnif_model_save(m, path_in_dir("tiny.model"), &err) == TASNIF_OK);
    err.code = TASNIF_OK;
    CHECK(tasnif_model_save(m, "/nonexistent/dir/tiny.model", &err) == TASNIF_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/dir") != NULL);
    CHECK(tasnif_model_save(m, NULL, &err) == TASNIF_ERR_ARG);

    tasnif_model *l = tasnif_load(path_in_dir("tiny.model"), &err);
    CHECK(l != NULL);
    if (l != NULL) {
        char *again = tasnif_classify_json(l, sports, strlen(sports), NULL, 0, 2, 3, &err);
        CHECK(json != NULL && again != NULL && strcmp(json, again) == 0);
        tasnif_free(again);
    }
    tasnif_free(json);
    tasnif_free(plain);
    tasnif_free(info);
    tasnif_model_free(l);
    tasnif_model_free(m);
}

static void evaluate_scores_a_dataset_and_names_a_bad_one(void)
{
    tasnif_error err = {0};
    tasnif_model *m = tasnif_train("tests/data/tiny.tsv", NULL, 0, &err);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    char *ev = tasnif_evaluate(m, "tests/data/tiny-test.tsv", &err);
    CHECK(ev != NULL && strstr(ev, "\"n\":4") != NULL && strstr(ev, "\"accuracy\"") != NULL);
    tasnif_free(ev);
    err.code = TASNIF_OK;
    CHECK(tasnif_evaluate(m, "/nonexistent/test.tsv", &err) == NULL);
    CHECK(err.code == TASNIF_ERR_IO && strstr(err.message, "/nonexistent/test.tsv") != NULL);
    write_file(path_in_dir("unseen.tsv"), "sports\tword one\nweather\tword two\n");
    err.code = TASNIF_OK;
    CHECK(tasnif_evaluate(m, path_in_dir("unseen.tsv"), &err) == NULL);
    CHECK(err.code != TASNIF_OK && strstr(err.message, "weather") != NULL);
    tasnif_model_free(m);
}

static void a_pair_model_needs_a_claim_and_cannot_label_articles(void)
{
    tasnif_error err = {0};
    tasnif_model *m = tasnif_train("tests/data/pair.tsv", NULL, 1, &err);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    CHECK(tasnif_model_is_pair(m) == 1);
    tasnif_label_prob top[2];
    size_t n = 0;
    CHECK(tasnif_classify(m, sports, strlen(sports), NULL, 0, top, 2, &n, &err) ==
          TASNIF_ERR_ARG);
    CHECK(strstr(err.message, "claim") != NULL && n == 0);
    CHECK(tasnif_classify(m, sports, strlen(sports), sports, strlen(sports), top, 2, &n, &err) ==
          TASNIF_OK);
    CHECK(n == 2);
    err.code = TASNIF_OK;
    CHECK(tasnif_label(m, m, sports, strlen(sports), 0, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_MODEL && strstr(err.message, "pair") != NULL);
    tasnif_model_free(m);
}

static void a_multi_label_model_is_evaluated_as_multi_label(void)
{
    tasnif_error err = {0};
    tasnif_model *m = tasnif_train("tests/data/multi.tsv", "{\"multi_label\": true}", 1, &err);
    CHECK(m != NULL);
    if (m == NULL) {
        fprintf(stderr, "  %s\n", err.message);
        return;
    }
    char *ev = tasnif_evaluate(m, "tests/data/multi-test.tsv", &err);
    CHECK(ev != NULL && strstr(ev, "\"hamming_loss\"") != NULL);
    if (ev == NULL)
        fprintf(stderr, "  %s\n", err.message);
    tasnif_free(ev);
    tasnif_model_free(m);
}

static void shipped_models_label_an_article(void)
{
    setenv("TASNIF_MODELS", "models", 1);
    tasnif_error err = {0};
    tasnif_model *stance = tasnif_load("stance", &err);
    tasnif_model *topic = tasnif_load("topic", &err);
    CHECK(stance != NULL && topic != NULL);
    if (stance != NULL && topic != NULL) {
        char *out = tasnif_label(stance, topic, sports, strlen(sports), 0.5, &err);
        CHECK(out != NULL && strncmp(out, "{\"topic\"", 8) == 0);
        tasnif_free(out);
    }
    tasnif_model_free(stance);
    tasnif_model_free(topic);
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        return 1;
    }
    read_sports();
    RUN(version_and_status_texts_are_constant_strings);
    RUN(null_arguments_are_refused_without_a_crash);
    RUN(a_missing_or_foreign_model_file_is_named);
    RUN(train_names_a_bad_config_or_dataset);
    RUN(a_trained_model_classifies_saves_and_loads_the_same);
    RUN(evaluate_scores_a_dataset_and_names_a_bad_one);
    RUN(a_pair_model_needs_a_claim_and_cannot_label_articles);
    RUN(a_multi_label_model_is_evaluated_as_multi_label);
    RUN(shipped_models_label_an_article);
    unlink(path_in_dir("text.model"));
    unlink(path_in_dir("one.tsv"));
    unlink(path_in_dir("tiny.model"));
    unlink(path_in_dir("unseen.tsv"));
    rmdir(dir);
    DONE();
}
