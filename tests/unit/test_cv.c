/* test_cv.c -- cross-validation and the config search (cv.c): fold counts out of range, more
 * folds than examples, a fold whose fit fails, the per-fold callback, calibrated fits whose
 * cross-validation or fit fails, and tune's candidates: skipped when they leave nothing to
 * learn, never invalid configs of its own making, no mcsvm for multi-label data. */
#include "cv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "corpus.h"
#include "train_data.h"

static void fold_counts_outside_2_to_100_are_refused(void)
{
    tsn_config cfg;
    td_base(&cfg);
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(td_three, TD_THREE_N, &cfg, 1, &err);
    tsn_cv_result r;
    int bad[] = {1, 0, -3, TSN_CV_MAX_FOLDS + 1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = (tsn_error){0};
        CHECK(tsn_cv_run(c, bad[i], 1, NULL, NULL, &r, NULL, &err) == TSN_ERR_ARG);
        CHECK_STR(err.msg, "folds must be between 2 and 100");
    }
    tsn_corpus_free(c);
}

static void more_folds_than_examples_name_the_empty_fold(void)
{
    tsn_config cfg;
    td_base(&cfg);
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(td_three, TD_THREE_N, &cfg, 1, &err);
    tsn_cv_result r;
    CHECK(tsn_cv_run(c, 20, 1, NULL, NULL, &r, NULL, &err) == TSN_ERR_DATA);
    CHECK_STR(err.msg, "18 examples are too few for 20 folds: fold 19 is empty (lower --folds)");
    tsn_corpus_free(c);
}

typedef struct {
    int calls, last, folds;
    double acc[10];
} fold_log;

static void log_fold(void *ctx, int f, int folds, double acc, double f1)
{
    fold_log *l = ctx;
    (void)f1;
    l->calls++;
    l->last = f;
    l->folds = folds;
    if (f < 10)
        l->acc[f] = acc;
}

static void the_fold_callback_sees_every_fold_in_order(void)
{
    tsn_config cfg;
    td_base(&cfg);
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(td_three, TD_THREE_N, &cfg, 1, &err);
    tsn_cv_result r;
    fold_log l = {0};
    CHECK(tsn_cv_run(c, 3, 7, log_fold, &l, &r, NULL, &err) == TSN_OK);
    CHECK(l.calls == 3 && l.last == 2 && l.folds == 3);
    for (int f = 0; f < 3; f++)
        CHECK(l.acc[f] == r.acc[f]);
    CHECK(fabs(r.acc_mean - (r.acc[0] + r.acc[1] + r.acc[2]) / 3) < 1e-12);
    tsn_corpus_free(c);
}

/* A fold's fit that fails (here: min_df leaves no feature) ends the run with the fit's own
 * error, not an out-of-memory one. */
static void a_failing_fold_fit_reports_its_own_error(void)
{
    tsn_config cfg;
    td_base(&cfg);
    cfg.min_df = 1000;
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(td_three, TD_THREE_N, &cfg, 1, &err);
    CHECK(c != NULL);
    tsn_cv_result r;
    fold_log l = {0};
    CHECK(tsn_cv_run(c, 3, 1, log_fold, &l, &r, NULL, &err) == TSN_ERR_DATA);
    CHECK(strncmp(err.msg, "no features to learn from", 25) == 0);
    CHECK(l.calls == 0);
    /* calibrated training says the cross-validation failed */
    err = (tsn_error){0};
    CHECK(tsn_cv_fit_calibrated(c, 3, 1, NULL, &err) == NULL);
    CHECK(err.code == TSN_ERR_DATA);
    CHECK(strncmp(err.msg, "calibration: no features to learn from", 38) == 0);
    CHECK(tsn_cv_fit_calibrated(c, 3, 1, NULL, NULL) == NULL); /* no error wanted: none set */
    /* without an error struct the run fails with the fit's own code, not an out-of-memory one */
    CHECK(tsn_cv_run(c, 3, 1, NULL, NULL, &r, NULL, NULL) == TSN_ERR_DATA);
    tsn_corpus_free(c);
}

/* Given decision values (as tune passes its winner's), the calibrated fit skips the
 * cross-validation; when the fit itself fails, its error comes back and no model. */
static void a_calibrated_fit_with_given_decisions_reports_a_failing_fit(void)
{
    tsn_config cfg;
    td_base(&cfg);
    cfg.min_df = 1000;
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(td_three, TD_THREE_N, &cfg, 1, &err);
    double z[TD_THREE_N * 3] = {0};
    CHECK(tsn_cv_fit_calibrated(c, 3, 1, z, &err) == NULL);
    CHECK(err.code == TSN_ERR_DATA);
    CHECK(strncmp(err.msg, "no features to learn from", 25) == 0);
    tsn_corpus_free(c);
    /* and with usable features, the given values set the temperature */
    td_base(&cfg);
    c = td_corpus(td_three, TD_THREE_N, &cfg, 1, &err);
    for (size_t i = 0; i < TD_THREE_N; i++)
        z[i * 3 + tsn_corpus_label(c, i)] = 1;
    tsn_model *m = tsn_cv_fit_calibrated(c, 3, 1, z, &err);
    CHECK(m != NULL && tsn_model_temperature(m) > 0);
    tsn_model_free(m);
    tsn_corpus_free(c);
}

typedef struct {
    int rows;
    char changes[64][96];
    bool any_mcsvm;
} tune_log;

static void log_row(void *ctx, const tsn_tune_row *r)
{
    tune_log *t = ctx;
    if (t->rows < 64)
        snprintf(t->changes[t->rows], sizeof t->changes[0], "%s", r->change);
    t->rows++;
    t->any_mcsvm |= r->cfg->solver == TSN_SOLVER_MCSVM;
}

static bool logged(const tune_log *t, const char *change)
{
    for (int i = 0; i < t->rows && i < 64; i++)
        if (strcmp(t->changes[i], change) == 0)
            return true;
    return false;
}

/* Every word of these documents occurs once, so with min_df 2 only character n-grams are
 * left: the candidate "char n-grams off" has nothing to learn from and is skipped, the
 * search goes on. */
static const char *const unique_words[] = {
    "s\tsportan sportbe", "e\teconan econbe",   "s\tsportce sportde", "e\teconce econde",
    "s\tsportee sportfe", "e\teconee econfe",   "s\tsportge sporthe", "e\teconge econhe",
};

static void tune_skips_a_candidate_with_nothing_to_learn(void)
{
    tsn_dataset d = td_make(unique_words, 8);
    tsn_config cfg;
    tsn_config_init(&cfg);
    cfg.min_df = 2;
    cfg.char_ngram_min = 3;
    cfg.char_ngram_max = 3;
    cfg.units = TSN_UNITS_SURFACE;
    tune_log t = {0};
    tsn_tune_opts o = {2, 1, 0, false, 1, log_row, NULL, &t};
    tsn_config best;
    tsn_model *m = NULL;
    bool stopped = true;
    tsn_error err = {0};
    CHECK(tsn_tune(&d, &cfg, &o, &best, &m, &stopped, &err) == TSN_OK);
    CHECK(m != NULL && !stopped);
    CHECK(t.rows > 10);
    CHECK(!logged(&t, "char n-grams off"));
    CHECK(logged(&t, "char n-grams 1-4"));
    CHECK(best.char_ngram_max > 0);
    tsn_model_free(m);
    td_free(&d);
}

/* A search from word n-grams 4-4 must not try "word n-grams up to 3" as 4-3, a config that
 * cannot be built: it used to end the whole search with "word_ngram_max (3) is below
 * word_ngram_min (4)", an error about a config the user never gave. */
/* When the given config itself has nothing to learn, tune fails with that error's code, also
 * for a caller that passes no error struct. */
static void tune_without_an_error_struct_keeps_the_failures_code(void)
{
    tsn_dataset d = td_make(unique_words, 8);
    tsn_config cfg;
    tsn_config_init(&cfg);
    cfg.min_df = 2;
    cfg.char_ngram_max = 0;
    cfg.units = TSN_UNITS_SURFACE;
    tsn_tune_opts o = {2, 1, 0, false, 1, NULL, NULL, NULL};
    tsn_config best;
    tsn_model *m = NULL;
    bool stopped = false;
    tsn_error err = {0};
    CHECK(tsn_tune(&d, &cfg, &o, &best, &m, &stopped, &err) == TSN_ERR_DATA);
    CHECK(m == NULL && err.code == TSN_ERR_DATA);
    CHECK(tsn_tune(&d, &cfg, &o, &best, &m, &stopped, NULL) == TSN_ERR_DATA);
    CHECK(m == NULL);
    td_free(&d);
}

static void tune_never_tries_an_invalid_word_ngram_range(void)
{
    tsn_dataset d = td_make(td_three, TD_THREE_N);
    tsn_config cfg;
    td_base(&cfg);
    cfg.word_ngram_min = 4;
    cfg.word_ngram_max = 4;
    cfg.char_ngram_max = 3;
    tune_log t = {0};
    tsn_tune_opts o = {2, 1, 0, false, 1, log_row, NULL, &t};
    tsn_config best;
    tsn_model *m = NULL;
    bool stopped = false;
    tsn_error err = {0};
    CHECK(tsn_tune(&d, &cfg, &o, &best, &m, &stopped, &err) == TSN_OK);
    CHECK_STR(err.msg, "");
    CHECK(m != NULL);
    CHECK(!logged(&t, "word n-grams 4-3"));
    CHECK(logged(&t, "word n-grams 1-1"));
    CHECK(best.word_ngram_min <= best.word_ngram_max);
    tsn_model_free(m);
    td_free(&d);
}

static void tune_on_multi_label_data_tries_no_mcsvm(void)
{
    static const char *const rows[] = {
        "a,b\tgoal match striker league", "a,c\tbank market money rates",
        "a\tvote parliament minister law", "b,a\tstriker goal stadium fans",
        "c,a\tmoney bank loans market",    "b\tleague match fans coach",
        "c\tinflation market bank trade",  "b\tcoach striker goal cup",
        "c\ttrade money rates interest",   "a\tparty minister cabinet law",
    };
    tsn_dataset d = td_make(rows, 10);
    tsn_config cfg;
    td_base(&cfg);
    cfg.multi_label = true;
    cfg.fold_teh_marbuta = false;
    tune_log t = {0};
    tsn_tune_opts o = {2, 1, 0, false, 1, log_row, NULL, &t};
    tsn_config best;
    tsn_model *m = NULL;
    bool stopped = false;
    tsn_error err = {0};
    CHECK(tsn_tune(&d, &cfg, &o, &best, &m, &stopped, &err) == TSN_OK);
    CHECK(m != NULL && tsn_model_multi_label(m));
    CHECK(t.rows > 5 && !t.any_mcsvm);
    CHECK(best.multi_label && best.solver != TSN_SOLVER_MCSVM);
    CHECK(logged(&t, "fold_teh_marbuta=true"));
    tsn_model_free(m);
    td_free(&d);
}

/* Pair data whose config fixes the claim-text relation features: the search flips them
 * from what was given (not from what auto would resolve to), and never tries a config with
 * both the claim's features and the relation features off. */
static void tune_on_pairs_flips_the_given_pair_features(void)
{
    static const char *const rows[] = {
        "favor\tthe tax cut\tsupport the tax cut strongly good",
        "against\tthe tax cut\toppose the tax cut bad harmful",
        "favor\tthe tax cut\twelcome the tax cut great",
        "against\tthe tax cut\treject the tax cut awful",
        "favor\tthe new law\tsupport the new law good",
        "against\tthe new law\toppose the new law bad",
        "favor\tthe new law\twelcome the new law great",
        "against\tthe new law\treject the new law awful",
    };
    for (int pf = TSN_CLAIM_OFF; pf <= TSN_CLAIM_ON; pf++) {
        tsn_dataset d = td_make(rows, 8);
        tsn_config cfg;
        td_base(&cfg);
        cfg.pair_features = pf;
        cfg.claim_features = TSN_CLAIM_AUTO;
        tune_log t = {0};
        tsn_tune_opts o = {2, 1, 0, false, 1, log_row, NULL, &t};
        tsn_config best;
        tsn_model *m = NULL;
        bool stopped = false;
        tsn_error err = {0};
        CHECK(tsn_tune(&d, &cfg, &o, &best, &m, &stopped, &err) == TSN_OK);
        CHECK(m != NULL && tsn_model_is_pair(m));
        if (pf == TSN_CLAIM_OFF)
            CHECK(logged(&t, "claim_features=auto pair_features=true"));
        else
            CHECK(logged(&t, "claim_features=false pair_features=true"));
        CHECK(!logged(&t, "claim_features=false pair_features=false"));
        tsn_model_free(m);
        td_free(&d);
    }
}

/* C is searched around the winner only inside its range (1e-6 .. 1e6): from a winner at
 * either end, the step out of range is no candidate. (These documents are told apart by
 * every candidate alike, so the given config stays the best.) */
static void tune_keeps_c_inside_its_range(void)
{
    const double ends[] = {1e-6, 1e6};
    const char *in[] = {"C=2e-06", "C=500000"}, *out[] = {"C=5e-07", "C=2e+06"};
    for (int e = 0; e < 2; e++) {
        tsn_dataset d = td_make(td_three, TD_THREE_N);
        tsn_config cfg;
        td_base(&cfg);
        cfg.C = ends[e];
        tune_log t = {0};
        tsn_tune_opts o = {2, 1, 0, true, 1, log_row, NULL, &t};
        tsn_config best;
        tsn_model *m = NULL;
        bool stopped = false;
        tsn_error err = {0};
        CHECK(tsn_tune(&d, &cfg, &o, &best, &m, &stopped, &err) == TSN_OK);
        CHECK(best.C == ends[e]);
        CHECK(logged(&t, in[e]) && !logged(&t, out[e]));
        tsn_model_free(m);
        td_free(&d);
    }
}

static void count_progress(void *ctx, int i, int n, const char *change)
{
    int *calls = ctx;
    (*calls)++;
    if (i > n || change == NULL || change[0] == '\0')
        *calls = -1000; /* numbered past the plan, or unnamed: fail */
}

/* Only a progress callback (no report): every candidate announced, none reported. */
static void tune_announces_each_candidate_without_a_report(void)
{
    tsn_dataset d = td_make(td_three, TD_THREE_N);
    tsn_config cfg;
    td_base(&cfg);
    int calls = 0;
    tsn_tune_opts o = {2, 1, 0, false, 1, NULL, count_progress, &calls};
    tsn_config best;
    tsn_model *m = NULL;
    bool stopped = false;
    tsn_error err = {0};
    CHECK(tsn_tune(&d, &cfg, &o, &best, &m, &stopped, &err) == TSN_OK);
    CHECK(m != NULL && calls > 10);
    tsn_model_free(m);
    /* a search that cannot featurize returns the cause's code (without an error struct it
     * still fails, as TSN_ERR_NOMEM) */
    snprintf(cfg.stopwords, sizeof cfg.stopwords, "/nonexistent/stop.txt");
    m = NULL;
    CHECK(tsn_tune(&d, &cfg, &o, &best, &m, &stopped, &err) == TSN_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent/stop.txt") != NULL && m == NULL);
    CHECK(tsn_tune(&d, &cfg, &o, &best, &m, &stopped, NULL) != TSN_OK && m == NULL);
    td_free(&d);
}

/* A label with a single example sits in one fold, whose model never saw it (its decision
 * there is -1e6): left in the temperature's likelihood, that one row pulled t to its bound
 * (1,100) and every probability to 1/K. It is left out; t stays near the one fitted
 * without the example. */
static void a_label_with_one_example_leaves_the_temperature_alone(void)
{
    const char *rows[TD_THREE_N + 1];
    for (size_t i = 0; i < TD_THREE_N; i++)
        rows[i] = td_three[i];
    rows[TD_THREE_N] = "rare\tcomet telescope orbit nebula";
    tsn_config cfg;
    td_base(&cfg);
    double t[2] = {0, 0};
    for (int with = 0; with < 2; with++) {
        tsn_error err = {0};
        tsn_corpus *c = td_corpus(rows, TD_THREE_N + (size_t)with, &cfg, 1, &err);
        tsn_model *m = c ? tsn_cv_fit_calibrated(c, 3, 1, NULL, &err) : NULL;
        CHECK(m != NULL);
        t[with] = m ? tsn_model_temperature(m) : 0;
        tsn_model_free(m);
        tsn_corpus_free(c);
    }
    CHECK(t[0] > 0 && t[1] > 0 && t[1] < 3 * t[0] && t[1] > t[0] / 3);
}

/* Multi-label data whose documents all have the same first label is still two labels and
 * more to each fold: the fold check counts every label, as the fit does. */
static void multi_label_folds_count_every_label_not_only_the_first(void)
{
    static const char *const rows[] = {
        "news,sport\tgoal match striker league", "news,econ\tbank market money rates",
        "news,sport\tstriker goal stadium fans", "news,econ\tmoney bank loans market",
        "news,sport\tleague match fans coach",   "news,econ\tinflation market bank trade",
        "news,sport\tcoach striker goal cup",    "news,econ\ttrade money rates interest",
        "news,sport\tstadium match cup fans",    "news,econ\tloans bank money prices",
    };
    tsn_config cfg;
    td_base(&cfg);
    cfg.multi_label = true;
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(rows, 10, &cfg, 1, &err);
    tsn_model *m = c ? tsn_cv_fit_calibrated(c, 3, 1, NULL, &err) : NULL;
    CHECK(m != NULL && tsn_model_multi_label(m));
    if (m == NULL)
        printf("  %s\n", err.msg);
    tsn_model_free(m);
    tsn_corpus_free(c);
}

/* A second label on one document: every fold but one trains its classifier on no positive
 * and scores it flat, so those rows say nothing of it. Fitted on them, its Platt slope came
 * out negative and its threshold picked the lowest scores; now it keeps its classifier's own
 * sigmoid and the 0.5 cut, and the labels with data still get fitted cuts. */
static void a_second_label_on_one_document_is_not_fitted_to_flat_folds(void)
{
    const char *rows[TD_THREE_N];
    for (size_t i = 0; i < TD_THREE_N; i++)
        rows[i] = td_three[i];
    rows[0] = "sport,weather\tgoal match striker league trophy";
    tsn_config cfg;
    td_base(&cfg);
    cfg.multi_label = true;
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(rows, TD_THREE_N, &cfg, 1, &err);
    tsn_model *m = c ? tsn_cv_fit_calibrated(c, 3, 1, NULL, &err) : NULL;
    CHECK(m != NULL);
    if (m != NULL) {
        int w = tsn_model_find_label(m, "weather"), s = tsn_model_find_label(m, "sport");
        CHECK(w >= 0 && s >= 0);
        CHECK(tsn_model_threshold(m, (size_t)w) == 0.5);
        CHECK(tsn_model_threshold(m, (size_t)s) != 0.5);
    }
    tsn_model_free(m);
    tsn_corpus_free(c);
}

int main(void)
{
    RUN(fold_counts_outside_2_to_100_are_refused);
    RUN(more_folds_than_examples_name_the_empty_fold);
    RUN(the_fold_callback_sees_every_fold_in_order);
    RUN(a_failing_fold_fit_reports_its_own_error);
    RUN(a_calibrated_fit_with_given_decisions_reports_a_failing_fit);
    RUN(a_label_with_one_example_leaves_the_temperature_alone);
    RUN(multi_label_folds_count_every_label_not_only_the_first);
    RUN(a_second_label_on_one_document_is_not_fitted_to_flat_folds);
    RUN(tune_skips_a_candidate_with_nothing_to_learn);
    RUN(tune_without_an_error_struct_keeps_the_failures_code);
    RUN(tune_never_tries_an_invalid_word_ngram_range);
    RUN(tune_on_multi_label_data_tries_no_mcsvm);
    RUN(tune_on_pairs_flips_the_given_pair_features);
    RUN(tune_keeps_c_inside_its_range);
    RUN(tune_announces_each_candidate_without_a_report);
    DONE();
}
