/* test_api_args.c -- the public API's (include/tasnif.h) checks of each argument one at a
 * time, the errors it passes on from training, evaluation and labelling (a config that fails
 * its check, pair data against a single-text model and the reverse, an unknown label in
 * multi-label data), calibrated training, and the writers behind its JSON strings
 * (results.h): escaping of invalid and control bytes, non-finite numbers, ties in the ranking,
 * an empty evaluation, a multi-label topic model's second topic. */
#include "tasnif.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "dataset.h"
#include "model.h"
#include "results.h"

static char dir[] = "/tmp/tsn_api_args.XXXXXX";

static const char *in_dir(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

static const char sports[] = "فاز الفريق بالمباراة النهائية بهدفين نظيفين";

static tasnif_model *single, *pair;

static void classify_refuses_a_null_text_and_a_negative_explain(void)
{
    tasnif_error err = {0};
    tasnif_label_prob top[2];
    size_t n = 5;
    CHECK(tasnif_classify(single, NULL, 3, NULL, 0, top, 2, &n, &err) == TASNIF_ERR_ARG);
    CHECK(n == 0 && strstr(err.message, "no model or no text") != NULL);
    err.code = TASNIF_OK;
    CHECK(tasnif_classify_json(single, sports, strlen(sports), NULL, 0, 1, -2, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_ARG && strstr(err.message, "must not be negative") != NULL);
    /* a claim given to a single-text model is ignored, not an error */
    CHECK(tasnif_classify(single, sports, strlen(sports), "x", 1, top, 2, &n, &err) == TASNIF_OK);
    CHECK(n == 2 && strcmp(top[0].label, "sports") == 0);
    /* and no error structure at all is fine */
    CHECK(tasnif_classify(single, NULL, 0, NULL, 0, top, 1, NULL, NULL) == TASNIF_ERR_ARG);
}

static void label_refuses_a_missing_topic_model_or_text_and_a_pair_topic_model(void)
{
    tasnif_error err = {0};
    CHECK(tasnif_label(single, NULL, sports, strlen(sports), 0, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_ARG && strstr(err.message, "a topic model") != NULL);
    err.code = TASNIF_OK;
    CHECK(tasnif_label(single, single, NULL, 0, 0, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_ARG);
    err.code = TASNIF_OK;
    CHECK(tasnif_label(single, pair, sports, strlen(sports), 0, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_MODEL && strstr(err.message, "pair models") != NULL);
    /* two single-text models label an article; min_prob 1 leaves every sentence unlabelled */
    char *out = tasnif_label(single, single, sports, strlen(sports), 1.0, &err);
    CHECK(out != NULL && strstr(out, "\"stance\":null") != NULL &&
          strstr(out, "\"abstained\":1") != NULL);
    tasnif_free(out);
}

static void label_refuses_a_nul_byte_in_the_text_and_a_min_prob_outside_0_to_1(void)
{
    tasnif_error err = {0};
    /* a NUL would end a sentence's "text" before its start/end span does */
    static const char with_nul[] = "abc\0def. ghi.";
    CHECK(tasnif_label(single, single, with_nul, sizeof with_nul - 1, 0, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_FORMAT && strstr(err.message, "NUL byte in text") != NULL &&
          strstr(err.message, "byte 3") != NULL);
    const double bad[] = {-0.1, 1.5, 2, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.code = TASNIF_OK;
        CHECK(tasnif_label(single, single, sports, strlen(sports), bad[i], &err) == NULL);
        CHECK(err.code == TASNIF_ERR_ARG && strstr(err.message, "min_prob") != NULL);
    }
    CHECK(tasnif_label(single, single, with_nul, sizeof with_nul - 1, NAN, NULL) == NULL);
    /* the bounds themselves are fine; a NUL after len is not the text's */
    const double good[] = {0, 1};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char *out = tasnif_label(single, single, with_nul, 3, good[i], &err);
        CHECK(out != NULL && strstr(out, "\"text\":\"abc\"") != NULL);
        tasnif_free(out);
    }
}

static void evaluate_refuses_no_dataset_and_pairs_of_the_wrong_kind(void)
{
    tasnif_error err = {0};
    CHECK(tasnif_evaluate(single, NULL, &err) == NULL);
    CHECK(err.code == TASNIF_ERR_ARG && strstr(err.message, "no dataset") != NULL);
    err.code = TASNIF_OK;
    CHECK(tasnif_evaluate(single, "tests/data/pair.tsv", &err) == NULL);
    CHECK(err.code == TASNIF_ERR_DATA);
    CHECK_STR(err.message, "tests/data/pair.tsv: examples have claims, but the model was trained "
                           "on single texts");
    err.code = TASNIF_OK;
    CHECK(tasnif_evaluate(pair, "tests/data/tiny-test.tsv", &err) == NULL);
    CHECK(err.code == TASNIF_ERR_DATA);
    CHECK_STR(err.message, "tests/data/tiny-test.tsv: examples have no claims, but the model was "
                           "trained on claim + text pairs");
}

static void train_names_a_config_whose_values_contradict_each_other(void)
{
    tasnif_error err = {0};
    CHECK(tasnif_train("tests/data/tiny.tsv", "{\"word_ngram_min\": 3, \"word_ngram_max\": 1}", 1,
                       &err) == NULL);
    CHECK(err.code == TASNIF_ERR_ARG);
    CHECK_STR(err.message, "config: word_ngram_max (1) is below word_ngram_min (3)");
}

static void calibrated_training_gives_a_model_with_a_temperature(void)
{
    tasnif_error err = {0};
    tasnif_model *m = tasnif_train("tests/data/tiny.tsv",
                                   "{\"calibrate\": true, \"min_df\": 1}", 1, &err);
    CHECK(m != NULL);
    if (m == NULL) {
        fprintf(stderr, "  %s\n", err.message);
        return;
    }
    char *info = tasnif_model_info(m, &err);
    CHECK(info != NULL && strstr(info, "\"probabilities\":true") != NULL);
    CHECK(info != NULL && strstr(info, "\"temperature\":null") == NULL);
    tasnif_free(info);
    tasnif_label_prob top[1];
    size_t n = 0;
    CHECK(tasnif_classify(m, sports, strlen(sports), NULL, 0, top, 1, &n, &err) == TASNIF_OK);
    CHECK(n == 1 && strcmp(top[0].label, "sports") == 0);
    tasnif_model_free(m);
}

static tasnif_model *multi;

static void a_multi_label_evaluation_names_an_unknown_label(void)
{
    tasnif_error err = {0};
    write_file(in_dir("weather.tsv"), "sports\tفاز الفريق\nweather,sports\tأمطار غزيرة\n");
    CHECK(tasnif_evaluate(multi, in_dir("weather.tsv"), &err) == NULL);
    CHECK(err.code != TASNIF_OK && strstr(err.message, "weather") != NULL);
    CHECK(strstr(err.message, "weather.tsv:2") != NULL);
}

/* Below a threshold every other label clears, a multi-label topic model gives the most
 * probable other one as the article's second topic. */
static void a_multi_label_topic_model_gives_a_second_topic(void)
{
    tsn_error e = {0};
    tsn_model *topic = tsn_model_load(in_dir("multi.model"), &e);
    tsn_model *stance = tsn_model_load(in_dir("single.model"), &e);
    CHECK(topic != NULL && stance != NULL);
    if (topic == NULL || stance == NULL) {
        tsn_model_free(topic);
        tsn_model_free(stance);
        return;
    }
    CHECK(tsn_model_set_threshold(topic, 0.0001, &e) == TSN_OK);
    tsn_labeler *lb = tsn_labeler_new(stance, topic, &e);
    CHECK(lb != NULL);
    if (lb != NULL && tsn_labeler_run(lb, sports, strlen(sports), 0, &e) == TSN_OK) {
        double p1, p2 = -1;
        size_t first = tsn_labeler_topic(lb, &p1);
        size_t second = tsn_labeler_second_topic(lb, &p2);
        CHECK(second != (size_t)-1 && second != first && p2 > 0 && p2 <= p1);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        CHECK(tsn_labeler_write_json(lb, f, sports, "7", true, &e) == TSN_OK);
        fclose(f);
        CHECK(buf != NULL && strncmp(buf, "{\"id\":7,\"topic\":", 16) == 0);
        CHECK(buf != NULL && strstr(buf, "\"second\":{\"label\":") != NULL);
        free(buf);
    }
    tsn_labeler_free(lb);
    tsn_model_free(topic);
    tsn_model_free(stance);
}

static char *written(void (*fn)(FILE *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    fn(f, arg);
    fclose(f);
    return buf;
}

static void json_str(FILE *f, const void *s)
{
    tsn_json_str(f, s);
}

static void json_num(FILE *f, const void *v)
{
    tsn_json_num(f, *(const double *)v);
}

static void json_strings_escape_controls_and_replace_invalid_bytes(void)
{
    char *s = written(json_str, "a\"b\\c\n\r\t\x01\x1f\x7f");
    CHECK_STR(s, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\x7f\"");
    free(s);
    /* a lead byte cut short by the end of the string (each byte replaced), a four-byte lead
     * without its bytes, an
     * invalid three-byte sequence (a surrogate), then a valid emoji */
    s = written(json_str, "x\xe2\x80");
    CHECK_STR(s, "\"x\\ufffd\\ufffd\"");
    free(s);
    s = written(json_str, "\xf0\x41\x42\x43 \xed\xa0\x80 \xf0\x9f\x98\x80");
    CHECK_STR(s, "\"\\ufffdABC \\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\"");
    free(s);
    double v = NAN;
    s = written(json_num, &v);
    CHECK_STR(s, "0.0000");
    free(s);
    v = -INFINITY;
    s = written(json_num, &v);
    CHECK_STR(s, "0.0000");
    free(s);
}

static void ties_rank_by_label_index(void)
{
    const double probs[5] = {0.1, 0.3, 0.1, 0.3, 0.2};
    size_t order[5];
    tsn_rank(probs, order, 5);
    CHECK(order[0] == 1 && order[1] == 3 && order[2] == 4 && order[3] == 0 && order[4] == 2);
}

/* An evaluation of no examples reports zeros (no division by zero), and a --min-prob that
 * no answer reaches reports coverage and accuracy 0. */
static void an_empty_evaluation_reports_zeros(void)
{
    tsn_error e = {0};
    tsn_model *m = tsn_model_load(in_dir("single.model"), &e);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    tsn_dataset d;
    memset(&d, 0, sizeof d);
    d.source = (char *)"empty";
    tsn_evaluation ev;
    CHECK(tsn_evaluate(m, &d, 0.9, &ev, &e) == TSN_OK);
    CHECK(ev.log_loss == 0 && ev.ece == 0 && ev.covered == 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tsn_write_evaluation(f, &ev, m, true);
    fputc('\n', f);
    tsn_write_evaluation(f, &ev, m, false);
    fclose(f);
    CHECK(buf != NULL && strstr(buf, "{\"n\":0,\"accuracy\":0.0000") != NULL);
    CHECK(buf != NULL &&
          strstr(buf, "\"min_prob\":{\"threshold\":0.9000,\"coverage\":0.0000,\"accuracy\":0.0000}") != NULL);
    CHECK(buf != NULL && strstr(buf, "--min-prob 0.90: answers 0 of 0 (coverage 0.0000), "
                                     "accuracy 0.0000 on them") != NULL);
    free(buf);
    tsn_evaluation_release(&ev);
    tsn_model_free(m);
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        return 1;
    }
    tasnif_error err = {0};
    single = tasnif_train("tests/data/tiny.tsv", "{\"min_df\": 1}", 1, &err);
    pair = tasnif_train("tests/data/pair.tsv", "{\"min_df\": 1}", 1, &err);
    multi = tasnif_train("tests/data/multi.tsv", "{\"multi_label\": true, \"min_df\": 1}", 1, &err);
    if (single == NULL || pair == NULL || multi == NULL ||
        tasnif_model_save(single, in_dir("single.model"), &err) != TASNIF_OK ||
        tasnif_model_save(multi, in_dir("multi.model"), &err) != TASNIF_OK) {
        fprintf(stderr, "cannot train the test models: %s\n", err.message);
        return 1;
    }
    RUN(classify_refuses_a_null_text_and_a_negative_explain);
    RUN(label_refuses_a_missing_topic_model_or_text_and_a_pair_topic_model);
    RUN(label_refuses_a_nul_byte_in_the_text_and_a_min_prob_outside_0_to_1);
    RUN(evaluate_refuses_no_dataset_and_pairs_of_the_wrong_kind);
    RUN(train_names_a_config_whose_values_contradict_each_other);
    RUN(calibrated_training_gives_a_model_with_a_temperature);
    RUN(a_multi_label_evaluation_names_an_unknown_label);
    RUN(a_multi_label_topic_model_gives_a_second_topic);
    RUN(json_strings_escape_controls_and_replace_invalid_bytes);
    RUN(ties_rank_by_label_index);
    RUN(an_empty_evaluation_reports_zeros);
    tasnif_model_free(single);
    tasnif_model_free(pair);
    tasnif_model_free(multi);
    unlink(in_dir("weather.tsv"));
    unlink(in_dir("single.model"));
    unlink(in_dir("multi.model"));
    rmdir(dir);
    DONE();
}
