/* test_fit.c -- fitting models on a corpus (fit.c): subsets with too few labels, class
 * weights when a fold lacks a label, pruning of dense (two-class) weights, multi-label labels
 * that a subset never (or always) has, a learner the corpus' labels cannot take, the memory
 * check of the weights, and the calibrations' edge cases. */
#include "model_internal.h"

#include <math.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bigmem.h"
#include "check.h"
#include "corpus.h"
#include "train_data.h"

static void a_subset_with_one_label_is_refused(void)
{
    tsn_config cfg;
    td_base(&cfg);
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(td_three, TD_THREE_N, &cfg, 2, &err);
    CHECK(c != NULL);
    size_t idx[6], n = 0;
    for (size_t i = 0; i < tsn_corpus_size(c); i++)
        if (strcmp(tsn_corpus_label_name(c, tsn_corpus_label(c, i)), "econ") == 0)
            idx[n++] = i;
    CHECK(n == 6);
    tsn_model *m = tsn_model_fit(c, idx, n, &err);
    CHECK(m == NULL);
    CHECK(err.code == TSN_ERR_DATA);
    CHECK_STR(err.msg, "training data has fewer than two labels");
    tsn_corpus_free(c);
}

/* A cross-validation fold may miss a label: balanced class weights are then computed over
 * the labels present, and the missing one gets no weight (nor a division by zero). */
static void class_weights_skip_a_label_the_subset_lacks(void)
{
    for (int cw = TSN_CLASS_WEIGHT_BALANCED; cw <= TSN_CLASS_WEIGHT_SQRT; cw++) {
        tsn_config cfg;
        td_base(&cfg);
        cfg.class_weight = cw;
        tsn_error err = {0};
        tsn_corpus *c = td_corpus(td_three, TD_THREE_N, &cfg, 2, &err);
        size_t idx[TD_THREE_N], n = 0;
        for (size_t i = 0; i < tsn_corpus_size(c); i++)
            if (strcmp(tsn_corpus_label_name(c, tsn_corpus_label(c, i)), "politic") != 0)
                idx[n++] = i;
        tsn_model *m = tsn_model_fit(c, idx, n, &err);
        CHECK(m != NULL);
        if (m != NULL) {
            CHECK(tsn_model_n_labels(m) == 3);
            CHECK(tsn_model_label_support(m, (size_t)tsn_model_find_label(m, "politic")) == 0);
            CHECK(tsn_model_n_examples(m) == 12);
            /* every training document is classified as its own label */
            for (size_t j = 0; j < n; j++) {
                double probs[3];
                size_t best;
                CHECK(tsn_model_predict_corpus(m, c, idx[j], probs, &best, NULL, &err) ==
                      TSN_OK);
                CHECK(best == tsn_corpus_label(c, idx[j]));
            }
        }
        tsn_model_free(m);
        tsn_corpus_free(c);
    }
}

/* prune_weights on a two-class model (one dense column): each feature weight below the
 * fraction of the largest is zeroed, the others kept exactly, the bias untouched. */
static void pruning_a_two_class_model_zeroes_only_the_small_weights(void)
{
    const char *rows[TD_THREE_N]; /* two labels: sport and econ */
    size_t n = 0;
    for (size_t i = 0; i < TD_THREE_N; i++)
        if (td_three[i][0] != 'p')
            rows[n++] = td_three[i];
    tsn_config cfg;
    td_base(&cfg);
    cfg.prune_weights = 0;
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(rows, n, &cfg, 2, &err);
    tsn_model *full = tsn_model_fit(c, NULL, 0, &err);
    c->cfg.prune_weights = 0.5;
    tsn_model *cut = tsn_model_fit(c, NULL, 0, &err);
    CHECK(full != NULL && cut != NULL);
    if (full != NULL && cut != NULL) {
        CHECK(full->ll->nr_class == 2 && cut->wstart == NULL);
        CHECK(tsn_model_config(cut)->prune_weights == 0.5);
        int rows_n = full->ll->nr_feature;
        double top = 0;
        for (int r = 0; r < rows_n; r++)
            top = fmax(top, fabs(full->ll->w[r]));
        int zeroed = 0, kept = 0;
        for (int r = 0; r < rows_n; r++) {
            double want = fabs(full->ll->w[r]) < 0.5 * top ? 0 : full->ll->w[r];
            CHECK(cut->ll->w[r] == want);
            zeroed += want == 0 && full->ll->w[r] != 0;
            kept += want != 0;
        }
        CHECK(zeroed > 0 && kept > 0);
        CHECK(cut->ll->w[rows_n] == full->ll->w[rows_n]); /* the bias */
    }
    tsn_model_free(full);
    tsn_model_free(cut);
    tsn_corpus_free(c);
}

static const char *const multi_rows[] = {
    "a,b\tgoal match striker league", "a,c\tbank market money rates",
    "a\tvote parliament minister law", "a,b\tstriker goal stadium fans",
    "c,a\tmoney bank loans market",    "a\tminister vote election law",
    "b\tleague match fans coach",      "c\tinflation market bank trade",
};

/* Multi-label: in a subset where no document has label c and every one has label a, c's
 * decision is the bias weight alone, -20, and a's +20 -- pruned or not. */
static void multi_label_labels_no_or_every_document_has_get_fixed_decisions(void)
{
    for (int pruned = 0; pruned < 2; pruned++) {
        tsn_config cfg;
        td_base(&cfg);
        cfg.multi_label = true;
        cfg.prune_weights = pruned ? 0.01 : 0;
        tsn_error err = {0};
        tsn_corpus *c = td_corpus(multi_rows, 8, &cfg, 2, &err);
        CHECK(c != NULL && tsn_corpus_n_labels(c) == 3);
        if (c == NULL)
            return;
        size_t idx[] = {0, 2, 3, 5}; /* a,b / a / a,b / a: no c, every one a */
        tsn_model *m = tsn_model_fit(c, idx, 4, &err);
        CHECK(m != NULL);
        if (m != NULL) {
            CHECK((m->wstart != NULL) == (pruned != 0));
            double probs[3], z[3];
            size_t best;
            CHECK(tsn_model_predict_corpus(m, c, 7, probs, &best, z, &err) == TSN_OK);
            CHECK(fabs(z[0] - 20) < 1e-9); /* a */
            CHECK(fabs(z[2] + 20) < 1e-9); /* c */
            CHECK(best == 0);
        }
        tsn_model_free(m);
        tsn_corpus_free(c);
    }
}

/* The learner of a corpus can be changed after it is built (tune does): Crammer-Singer on a
 * multi-label corpus is refused at the fit, not trained into nonsense. */
static void a_multi_label_corpus_refuses_the_mcsvm_learner(void)
{
    tsn_config cfg;
    td_base(&cfg);
    cfg.multi_label = true;
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(multi_rows, 8, &cfg, 2, &err);
    tsn_config l = cfg;
    l.solver = TSN_SOLVER_MCSVM;
    tsn_corpus_set_learner(c, &l);
    tsn_model *m = tsn_model_fit(c, NULL, 0, &err);
    CHECK(m == NULL);
    CHECK(err.code == TSN_ERR_ARG);
    CHECK_STR(err.msg, "multi_label needs a one-vs-rest solver (not mcsvm)");
    tsn_corpus_free(c);
}

/* Crammer-Singer on three labels is one problem (not one-vs-rest), with a column per label;
 * an explicit tolerance is what the model records and trains with. */
static void mcsvm_on_three_labels_and_an_explicit_eps_train(void)
{
    tsn_config cfg;
    td_base(&cfg);
    cfg.solver = TSN_SOLVER_MCSVM;
    cfg.eps = 0.001;
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(td_three, TD_THREE_N, &cfg, 2, &err);
    tsn_model *m = tsn_model_fit(c, NULL, 0, &err);
    CHECK(m != NULL);
    if (m != NULL) {
        CHECK(m->ll->param.solver_type == MCSVM_CS && m->ll->nr_class == 3);
        CHECK(m->ll->param.eps == 0.001);
        CHECK(tsn_model_config(m)->eps == 0.001);
        for (size_t i = 0; i < tsn_corpus_size(c); i++) {
            double probs[3];
            size_t best;
            tsn_model_predict_corpus(m, c, i, probs, &best, NULL, &err);
            CHECK(best == tsn_corpus_label(c, i));
        }
    }
    tsn_model_free(m);
    tsn_corpus_free(c);
}

/* One-vs-rest classes (and multi-label labels) are trained on up to as many threads as the
 * corpus has, never more than there are classes: the weights are the same on 1 thread and on
 * more threads than classes. */
static void more_threads_than_classes_train_the_same_weights(void)
{
    for (int multi = 0; multi < 2; multi++) {
        tsn_config cfg;
        td_base(&cfg);
        cfg.multi_label = multi;
        cfg.prune_weights = 0;
        tsn_error err = {0};
        const char *const *rows = multi ? multi_rows : td_three;
        size_t n = multi ? 8 : TD_THREE_N;
        tsn_corpus *c1 = td_corpus(rows, n, &cfg, 1, &err);
        tsn_corpus *c8 = td_corpus(rows, n, &cfg, 8, &err);
        tsn_model *m1 = tsn_model_fit(c1, NULL, 0, &err), *m8 = tsn_model_fit(c8, NULL, 0, &err);
        CHECK(m1 != NULL && m8 != NULL);
        if (m1 != NULL && m8 != NULL) {
            CHECK(m1->ll->nr_class == 3 && m8->ll->nr_class == 3);
            size_t size = (size_t)(m1->ll->nr_feature + 1) * 3;
            CHECK(m1->ll->nr_feature == m8->ll->nr_feature);
            CHECK(memcmp(m1->ll->w, m8->ll->w, size * sizeof *m1->ll->w) == 0);
        }
        tsn_model_free(m1);
        tsn_model_free(m8);
        tsn_corpus_free(c1);
        tsn_corpus_free(c8);
    }
}

/* Rows go to liblinear in blocks of 2^22 nodes, and a consuming fit gives the corpus' memory
 * back behind the rows it has built: on a corpus of more feature entries than a block
 * (20,000 documents of 220 features, laid out by hand from a two-document corpus), both fits
 * give the same weights. */
static tsn_corpus *big_corpus(void)
{
    char text[2][220 * 6];
    const char *rows[2];
    for (int l = 0; l < 2; l++) {
        char *p = text[l];
        p += sprintf(p, "%c\t", 'a' + l);
        for (int w = 0; w < 220; w++)
            p += sprintf(p, "%c%c%cz ", 'p' + l, 'a' + w / 26, 'a' + w % 26);
        rows[l] = text[l];
    }
    tsn_config cfg;
    td_base(&cfg);
    cfg.units = TSN_UNITS_SURFACE;
    cfg.word_ngram_max = 1;
    cfg.eps = 0.5;
    tsn_corpus *c = td_corpus(rows, 2, &cfg, 2, NULL);
    if (c == NULL || c->start[1] != 220 || c->start[2] != 440)
        return c;
    size_t n = 20000, per = 220;
    uint32_t *f = tsn_big_alloc(n * per * sizeof *f), *k = tsn_big_alloc(n * per * sizeof *k);
    size_t *start = malloc((n + 1) * sizeof *start), *labels = malloc(n * sizeof *labels);
    for (size_t i = 0; i < n; i++) {
        start[i] = i * per;
        labels[i] = i % 2;
        for (size_t j = 0; j < per; j++) {
            f[i * per + j] = c->fids[(i % 2) * per + j];
            k[i * per + j] = 1;
        }
    }
    start[n] = n * per;
    tsn_big_free(c->fids, c->fids_cap * sizeof *c->fids);
    tsn_big_free(c->counts, c->counts_cap * sizeof *c->counts);
    c->fids_cap = c->counts_cap = n * per;
    free(c->start);
    free(c->labels);
    c->fids = f;
    c->counts = k;
    c->start = start;
    c->labels = labels;
    c->n_docs = n;
    return c;
}

static void fits_beyond_one_block_of_rows_consume_alike(void)
{
    tsn_corpus *a = big_corpus(), *b = big_corpus();
    CHECK(a != NULL && b != NULL && tsn_corpus_size(a) == 20000);
    if (a == NULL || b == NULL || tsn_corpus_size(a) != 20000) {
        tsn_corpus_free(a);
        tsn_corpus_free(b);
        return;
    }
    tsn_error err = {0};
    tsn_model *kept = tsn_model_fit(a, NULL, 0, &err);
    tsn_model *used = tsn_model_fit_consume(b, &err);
    CHECK(kept != NULL && used != NULL);
    if (kept != NULL && used != NULL) {
        CHECK(tsn_model_n_examples(used) == 20000 && tsn_model_n_features(used) == 440);
        CHECK(b->fids == NULL && b->counts == NULL); /* given back */
        size_t rows = (size_t)kept->ll->nr_feature + 1;
        CHECK(used->ll->nr_feature == kept->ll->nr_feature);
        CHECK(memcmp(kept->ll->w, used->ll->w, rows * sizeof *kept->ll->w) == 0);
        CHECK(kept->ll->w[0] != 0);
    }
    tsn_model_free(kept);
    tsn_model_free(used);
    tsn_corpus_free(a);
    tsn_corpus_free(b);
}

static void weights_larger_than_memory_are_refused_before_training(void)
{
    tsn_config cfg;
    tsn_config_init(&cfg);
    cfg.prune_weights = 0;
    tsn_error err = {0};
    /* 10^12 features x 3 labels: 24 TB of weights */
    CHECK(tsn_weights_check(&cfg, 1000000000000u, 3, 1, &err) == TSN_ERR_DATA);
    CHECK(strstr(err.msg, "the model would hold 1000000000000 features x 3 labels = 24000.0 GB "
                          "of weights") == err.msg);
    /* pruned one-vs-rest holds no dense matrix, only vectors on each thread (at most one
     * thread per label) */
    cfg.prune_weights = TSN_PRUNE_AUTO;
    err = (tsn_error){0};
    CHECK(tsn_weights_check(&cfg, 1000000000000u, 200, 8, &err) == TSN_ERR_DATA);
    CHECK(strstr(err.msg, "training holds 3 vectors of 1000000000000 features on each of 8 "
                          "threads = 192000.0 GB") == err.msg);
    err = (tsn_error){0};
    CHECK(tsn_weights_check(&cfg, 1000000000000u, 200, 0, &err) == TSN_ERR_DATA);
    CHECK(strstr(err.msg, "on each of 1 threads") != NULL);
    /* a multi-label model keeps a column for each of two labels, a single-label one one */
    cfg.prune_weights = 0;
    err = (tsn_error){0};
    CHECK(tsn_weights_check(&cfg, 1000000000000u, 2, 1, &err) == TSN_ERR_DATA);
    CHECK(strstr(err.msg, "x 2 labels = 8000.0 GB of weights") != NULL);
    cfg.multi_label = true;
    CHECK(tsn_weights_check(&cfg, 1000000000000u, 2, 1, &err) == TSN_ERR_DATA);
    CHECK(strstr(err.msg, "x 2 labels = 16000.0 GB of weights") != NULL);
    cfg.multi_label = false;
    cfg.prune_weights = TSN_PRUNE_AUTO;
    /* and small models pass */
    CHECK(tsn_weights_check(&cfg, 1000, 200, 8, NULL) == TSN_OK);
    cfg.prune_weights = 0;
    CHECK(tsn_weights_check(&cfg, 1000, 3, 8, NULL) == TSN_OK);
}

/* tsn_weights_check of 10^8 features and two labels (0.8 GB of weights) in a child under an
 * address-space limit of `limit` bytes: the error message, or "accepted". */
static void check_under_limit(double limit, char *buf, size_t size)
{
    int fd[2];
    if (pipe(fd) != 0) {
        CHECK(0);
        return;
    }
    fflush(stdout); /* the child exits through exit(), which flushes (coverage data too) */
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        struct rlimit rl;
        getrlimit(RLIMIT_AS, &rl);
        rl.rlim_cur = (rlim_t)limit;
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
            rl.rlim_cur = rl.rlim_max;
        char msg[sizeof((tsn_error){0}).msg + 1] = "setrlimit failed";
        struct rlimit was;
        getrlimit(RLIMIT_AS, &was);
        if (setrlimit(RLIMIT_AS, &rl) == 0) {
            tsn_config cfg;
            tsn_config_init(&cfg);
            tsn_error err = {0};
            /* 10^8 features, two labels (one column): 0.8 GB of weights */
            if (tsn_weights_check(&cfg, 100000000, 2, 1, &err) == TSN_ERR_DATA)
                strcpy(msg, err.msg);
            else
                strcpy(msg, "accepted");
            setrlimit(RLIMIT_AS, &was); /* room again for exit (sanitizers, coverage) */
        }
        ssize_t w = write(fd[1], msg, strlen(msg));
        exit(w > 0 ? 0 : 1);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], buf, size - 1);
    buf[got > 0 ? got : 0] = '\0';
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
}

/* Under an address-space limit smaller than the memory, the limit is what counts; a limit
 * above the memory changes nothing. */
static void an_address_space_limit_bounds_the_weights(void)
{
    char buf[1024];
    check_under_limit(500e6, buf, sizeof buf);
    CHECK(strstr(buf, "the model would hold 100000000 features x 2 labels = 0.8 GB of weights, "
                      "and training needs more than the 0.5 GB of memory here") == buf);
    double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (phys > 4e9 && phys < 1e15) { /* 0.8 GB fits in 0.8 of it */
        check_under_limit(1e15, buf, sizeof buf);
        CHECK_STR(buf, "accepted");
    }
}

static void single_label_models_give_one_label_and_need_decision_values_to_calibrate(void)
{
    tsn_config cfg;
    td_base(&cfg);
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(td_three, TD_THREE_N, &cfg, 2, &err);
    tsn_model *m = tsn_model_fit(c, NULL, 0, &err);
    /* a single-label model gives its best label alone, whatever the others' scores */
    const double probs[] = {0.9, 0.95, 0.99};
    size_t out[3] = {7, 7, 7};
    CHECK(tsn_model_given(m, probs, 0, out) == 1 && out[0] == 0 && out[1] == 7);
    CHECK(tsn_model_calibrate(m, NULL, NULL, NULL, 0, &err) == TSN_ERR_DATA);
    CHECK_STR(err.msg, "calibration: no decision values");
    CHECK(tsn_model_temperature(m) == 0);
    tsn_model_free(m);
    tsn_corpus_free(c);
}

/* Multi-label calibration: a label the out-of-fold data never has keeps the neutral 0.5
 * threshold; the others get a cut between their positives and negatives. Setting one
 * threshold for all then replaces every fitted one. */
static void a_label_without_positives_keeps_the_default_threshold(void)
{
    tsn_config cfg;
    td_base(&cfg);
    cfg.multi_label = true;
    tsn_error err = {0};
    tsn_corpus *c = td_corpus(multi_rows, 8, &cfg, 2, &err);
    tsn_model *m = tsn_model_fit(c, NULL, 0, &err);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    /* 4 documents x 3 labels: label 0 always, label 1 separable, label 2 never */
    const double z[] = {2, 1, -1, 2, -1, -2, 2, 1.5, -1, 2, -0.5, -3};
    const unsigned char gold[] = {1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0};
    CHECK(tsn_model_calibrate_multi(m, z, gold, NULL, 4, &err) == TSN_OK);
    CHECK(tsn_model_threshold(m, 2) == 0.5);
    double t1 = tsn_model_threshold(m, 1);
    CHECK(t1 > 0 && t1 < 1 && t1 != 0.5);
    CHECK(tsn_model_threshold(m, 3) == 0.5); /* no such label */
    CHECK(tsn_model_set_threshold(m, 0.25, &err) == TSN_OK);
    for (size_t k = 0; k < 3; k++)
        CHECK(tsn_model_threshold(m, k) == 0.25);
    /* given: the best, then the others at their threshold by falling probability */
    const double probs[] = {0.3, 0.9, 0.6};
    size_t out[3];
    CHECK(tsn_model_given(m, probs, 1, out) == 3 && out[0] == 1 && out[1] == 2 && out[2] == 0);
    tsn_model_free(m);
    tsn_corpus_free(c);
}

int main(void)
{
    RUN(a_subset_with_one_label_is_refused);
    RUN(class_weights_skip_a_label_the_subset_lacks);
    RUN(pruning_a_two_class_model_zeroes_only_the_small_weights);
    RUN(multi_label_labels_no_or_every_document_has_get_fixed_decisions);
    RUN(a_multi_label_corpus_refuses_the_mcsvm_learner);
    RUN(mcsvm_on_three_labels_and_an_explicit_eps_train);
    RUN(more_threads_than_classes_train_the_same_weights);
    RUN(fits_beyond_one_block_of_rows_consume_alike);
    RUN(weights_larger_than_memory_are_refused_before_training);
    RUN(an_address_space_limit_bounds_the_weights);
    RUN(single_label_models_give_one_label_and_need_decision_values_to_calibrate);
    RUN(a_label_without_positives_keeps_the_default_threshold);
    DONE();
}
