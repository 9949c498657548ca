/* cv.c -- stratified k-fold cross-validation and the config search of `tasnif tune`. */
#include "cv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics.h"

/* splitmix64: a small, fixed generator, so folds never depend on the C library. */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Deals each label's documents, shuffled, round-robin into k folds. tmp has room for n. */
static void assign_folds(const tsn_corpus *c, int k, uint64_t seed, int *fold, size_t *tmp)
{
    size_t n = tsn_corpus_size(c), next = 0;
    uint64_t s = seed;
    for (size_t lab = 0; lab < tsn_corpus_n_labels(c); lab++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (tsn_corpus_label(c, i) == lab)
                tmp[m++] = i;
        for (size_t i = m; i > 1; i--) {
            size_t j = (size_t)(next_rand(&s) % i);
            size_t t = tmp[i - 1];
            tmp[i - 1] = tmp[j];
            tmp[j] = t;
        }
        for (size_t i = 0; i < m; i++)
            fold[tmp[i]] = (int)(next++ % (size_t)k);
    }
}

static void mean_std(const double *v, int n, double *mean, double *std)
{
    double s = 0, q = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    *mean = s / n;
    for (int i = 0; i < n; i++)
        q += (v[i] - *mean) * (v[i] - *mean);
    *std = n > 1 ? sqrt(q / (n - 1)) : 0;
}

tsn_status tsn_cv_run(const tsn_corpus *c, int folds, uint64_t seed, tsn_cv_fold_fn fold_cb,
                      void *ctx, tsn_cv_result *r, double *z, tsn_error *err)
{
    tsn_error own_err = {0}; /* a failure's code travels in the error: keep one if not given */
    if (err == NULL)
        err = &own_err;
    if (folds < 2 || folds > TSN_CV_MAX_FOLDS)
        return tsn_error_set(err, TSN_ERR_ARG, "folds must be between 2 and %d",
                             TSN_CV_MAX_FOLDS);
    size_t n = tsn_corpus_size(c), K = tsn_corpus_n_labels(c);
    int *fold = calloc(n ? n : 1, sizeof *fold);
    size_t *idx = calloc(n ? n : 1, sizeof *idx);
    double *probs = calloc(K ? K : 1, sizeof *probs);
    tsn_status st = TSN_OK;
    if (fold == NULL || idx == NULL || probs == NULL) {
        st = tsn_error_set(err, TSN_ERR_NOMEM, "cross-validation: out of memory");
        goto done;
    }
    memset(r, 0, sizeof *r);
    r->folds = folds;
    assign_folds(c, folds, seed, fold, idx);
    bool multi = tsn_corpus_multi_label(c);
    for (int f = 0; st == TSN_OK && f < folds; f++) {
        size_t m = 0, held = 0;
        bool two = false;
        for (size_t i = 0; i < n; i++) {
            if (fold[i] != f) {
                two |= m > 0 && tsn_corpus_label(c, i) != tsn_corpus_label(c, idx[0]);
                idx[m++] = i;
            } else {
                held++;
            }
        }
        /* a multi-label fold needs two labels among all its documents' labels, as the fit
         * does, not two first labels: "news,sports" and "news,economy" are two */
        for (size_t k = 0, seen = 0; multi && !two && m > 0 && k < K; k++)
            for (size_t j = 0; j < m; j++)
                if (tsn_corpus_has_label(c, idx[j], k)) {
                    two = ++seen == 2;
                    break;
                }
        if (held == 0 || !two) {
            st = tsn_error_set(err, TSN_ERR_DATA,
                               "%zu examples are too few for %d folds: fold %d %s (lower "
                               "--folds)",
                               n, folds, f + 1,
                               held == 0 ? "is empty" : "leaves a single label to train on");
            break;
        }
        tsn_model *mod = tsn_model_fit(c, idx, m, err);
        tsn_metrics *mt = mod ? tsn_metrics_new(K, err) : NULL;
        if (mt == NULL) {
            tsn_model_free(mod);
            st = err->code != TSN_OK ? err->code : TSN_ERR_NOMEM;
            break;
        }
        for (size_t i = 0; st == TSN_OK && i < n; i++) {
            if (fold[i] != f)
                continue;
            size_t best;
            st = tsn_model_predict_corpus(mod, c, i, probs, &best, z ? z + i * K : NULL, err);
            if (st == TSN_OK)
                tsn_metrics_add(mt, tsn_corpus_label(c, i), best);
        }
        r->acc[f] = tsn_metrics_accuracy(mt);
        r->f1[f] = tsn_metrics_macro_f1(mt);
        tsn_metrics_free(mt);
        tsn_model_free(mod);
        if (st == TSN_OK && fold_cb != NULL)
            fold_cb(ctx, f, folds, r->acc[f], r->f1[f]);
    }
    if (st == TSN_OK) {
        mean_std(r->acc, folds, &r->acc_mean, &r->acc_std);
        mean_std(r->f1, folds, &r->f1_mean, &r->f1_std);
    }
done:
    free(fold);
    free(idx);
    free(probs);
    return st;
}

/* Which out-of-fold decision values calibration may use: a fold's model knows nothing of a
 * label its training documents lack (score.c gives it -1e6), and a multi-label fold's
 * binary classifier is flat when they all have the label or none does (ovr.c); such values
 * say nothing of how the label's scores map to probabilities. use gets, single-label, one
 * flag a document (its gold label was trained in its fold); multi-label, one a document and
 * label (the label's classifier learnt in its fold). The folds are tsn_cv_run's. */
static tsn_status usable(const tsn_corpus *c, int folds, uint64_t seed, unsigned char *use,
                         tsn_error *err)
{
    size_t n = tsn_corpus_size(c), K = tsn_corpus_n_labels(c);
    bool multi = tsn_corpus_multi_label(c);
    int *fold = malloc((n ? n : 1) * sizeof *fold);
    size_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    /* fold x label counts, then each fold's size, then each label's total */
    size_t *count = calloc(((size_t)folds + 1) * K + (size_t)folds, sizeof *count);
    size_t *size = count + (size_t)folds * K, *total = size + folds;
    if (fold == NULL || tmp == NULL || count == NULL) {
        free(fold);
        free(tmp);
        free(count);
        return tsn_error_set(err, TSN_ERR_NOMEM, "calibration: out of memory");
    }
    assign_folds(c, folds, seed, fold, tmp);
    for (size_t i = 0; i < n; i++) {
        size[fold[i]]++;
        for (size_t k = 0; k < K; k++)
            count[(size_t)fold[i] * K + k] += multi ? tsn_corpus_has_label(c, i, k)
                                                    : tsn_corpus_label(c, i) == k;
    }
    for (int f = 0; f < folds; f++)
        for (size_t k = 0; k < K; k++)
            total[k] += count[(size_t)f * K + k];
    for (size_t i = 0; i < n; i++) {
        const size_t *own_fold = count + (size_t)fold[i] * K;
        size_t trained = n - size[fold[i]]; /* the documents its fold's model learnt from */
        if (!multi) {
            size_t g = tsn_corpus_label(c, i);
            use[i] = total[g] > own_fold[g];
            continue;
        }
        for (size_t k = 0; k < K; k++) {
            size_t pos = total[k] - own_fold[k];
            use[i * K + k] = pos > 0 && pos < trained;
        }
    }
    free(fold);
    free(tmp);
    free(count);
    return TSN_OK;
}

tsn_model *tsn_cv_fit_calibrated(tsn_corpus *c, int folds, uint64_t seed, const double *z,
                                 tsn_error *err)
{
    size_t n = tsn_corpus_size(c), K = tsn_corpus_n_labels(c);
    bool multi = tsn_corpus_multi_label(c);
    size_t *gold = malloc((n ? n : 1) * sizeof *gold);
    unsigned char *use = malloc(multi ? (n * K > 0 ? n * K : 1) : (n ? n : 1));
    double *own = NULL;
    tsn_model *m = NULL;
    if (gold == NULL || use == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "calibration: out of memory");
        goto done;
    }
    if (folds < 2 || folds > TSN_CV_MAX_FOLDS) {
        tsn_error_set(err, TSN_ERR_ARG, "calibration: folds must be between 2 and %d",
                      TSN_CV_MAX_FOLDS);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        gold[i] = tsn_corpus_label(c, i);
    if (z == NULL) { /* out-of-fold decisions first, while the corpus is whole */
        tsn_cv_result r;
        if ((own = malloc((n * K > 0 ? n * K : 1) * sizeof *own)) == NULL) {
            tsn_error_set(err, TSN_ERR_NOMEM, "calibration: out of memory");
            goto done;
        }
        if (tsn_cv_run(c, folds, seed, NULL, NULL, &r, own, err) != TSN_OK) {
            /* the folds are calibration's own here: cv's hint to lower --folds does not apply */
            char *hint = err != NULL ? strstr(err->msg, " (lower --folds)") : NULL;
            if (hint != NULL)
                *hint = '\0';
            tsn_error_prefix(err, "calibration");
            goto done;
        }
        z = own;
    }
    if (usable(c, folds, seed, use, err) != TSN_OK)
        goto done;
    unsigned char *member = NULL; /* multi-label: doc i has label k, taken before the fit
                                   * consumes the corpus */
    if (tsn_corpus_multi_label(c)) {
        if ((member = malloc(n * K > 0 ? n * K : 1)) == NULL) {
            tsn_error_set(err, TSN_ERR_NOMEM, "calibration: out of memory");
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < K; k++)
                member[i * K + k] = tsn_corpus_has_label(c, i, k);
    }
    if ((m = tsn_model_fit_consume(c, err)) != NULL &&
        (member ? tsn_model_calibrate_multi(m, z, member, use, n, err)
                : tsn_model_calibrate(m, z, gold, use, n, err)) != TSN_OK) {
        tsn_model_free(m);
        m = NULL;
    }
    free(member);
done:
    free(gold);
    free(use);
    free(own);
    return m;
}

/* ---- tune ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    const tsn_dataset *d;
    const tsn_tune_opts *o;
    double t0;
    int tried, planned;
    bool stopped;
    tsn_config best;
    double best_score;
    bool have_best;
    tsn_corpus *corpus; /* featurized with `features` */
    tsn_config features;
    double *z, *best_z; /* out-of-fold decision values: this candidate's, the best's */
} tuner;

static double score(const tuner *t, const tsn_cv_result *r)
{
    return t->o->by_accuracy ? r->acc_mean : r->f1_mean;
}

/* The value of option `name` in c, as text, in buf. */
static const char *opt(const tsn_config *c, const char *name, char *buf, size_t size)
{
    tsn_config_format(c, tsn_config_find(name), buf, size);
    return buf;
}

/* True when a and b featurize alike (they may differ in the learner options). */
static bool same_features(const tsn_config *a, const tsn_config *b)
{
    tsn_config x = *b;
    x.solver = a->solver;
    x.C = a->C;
    x.eps = a->eps;
    x.bias = a->bias;
    x.class_weight = a->class_weight;
    x.calibrate = a->calibrate;
    char *ja = tsn_config_to_json(a, false), *jb = tsn_config_to_json(&x, false);
    bool same = ja != NULL && jb != NULL && strcmp(ja, jb) == 0;
    free(ja);
    free(jb);
    return same;
}

/* Cross-validates cfg (featurizing again only when its features differ from the corpus'),
 * reports it, and keeps it when it beats the best so far. */
static tsn_status try_config(tuner *t, const tsn_config *cfg, const char *change, tsn_error *err)
{
    if (t->stopped)
        return TSN_OK;
    if (t->o->budget > 0 && t->tried > 0 && now() - t->t0 >= t->o->budget) {
        t->stopped = true;
        return TSN_OK;
    }
    t->tried++;
    if (t->o->progress != NULL)
        t->o->progress(t->o->ctx, t->tried, t->planned > t->tried ? t->planned : t->tried,
                       change);
    double t0 = now();
    if (t->corpus == NULL || !same_features(cfg, &t->features)) {
        tsn_corpus_free(t->corpus);
        t->corpus = tsn_corpus_build(cfg, t->d, t->o->threads, NULL, NULL, err);
        if (t->corpus == NULL)
            return err->code != TSN_OK ? err->code : TSN_ERR_NOMEM;
        t->features = *cfg;
    }
    tsn_corpus_set_learner(t->corpus, cfg);
    if (t->z == NULL) {
        size_t nz = tsn_corpus_size(t->corpus) * tsn_corpus_n_labels(t->corpus);
        t->z = malloc((nz ? nz : 1) * sizeof *t->z);
        t->best_z = malloc((nz ? nz : 1) * sizeof *t->best_z);
        if (t->z == NULL || t->best_z == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "tune: out of memory");
    }
    tsn_tune_row row = {t->tried, change, cfg, {0}, 0, false};
    tsn_status st =
        tsn_cv_run(t->corpus, t->o->folds, t->o->seed, NULL, NULL, &row.cv, t->z, err);
    if (st == TSN_ERR_DATA && t->have_best)
        return TSN_OK; /* this candidate cannot be trained on (e.g. no features left): skip */
    if (st != TSN_OK)
        return st;
    row.seconds = now() - t0;
    double sc = score(t, &row.cv);
    if (!t->have_best || sc > t->best_score) {
        t->best = *cfg;
        t->best_score = sc;
        t->have_best = true;
        row.best = true;
        double *tmp = t->best_z;
        t->best_z = t->z;
        t->z = tmp;
    }
    if (t->o->report != NULL)
        t->o->report(t->o->ctx, &row);
    return TSN_OK;
}

tsn_status tsn_tune(const tsn_dataset *d, const tsn_config *base, const tsn_tune_opts *o,
                    tsn_config *best, tsn_model **model, bool *stopped, tsn_error *err)
{
    tsn_error own_err = {0}; /* as in tsn_cv_run */
    if (err == NULL)
        err = &own_err;
    tuner t = {d, o, now(), 0, 0, false, *base, 0, false, NULL, *base, NULL, NULL};
    *model = NULL;
    static const struct {
        int solver;
        double C;
    } learners[] = {
        {TSN_SOLVER_SVM, 0.125}, {TSN_SOLVER_SVM, 0.25}, {TSN_SOLVER_SVM, 0.5},
        {TSN_SOLVER_SVM, 1},     {TSN_SOLVER_SVM, 2},    {TSN_SOLVER_LR, 4},
        {TSN_SOLVER_LR, 16},     {TSN_SOLVER_LR, 64},    {TSN_SOLVER_MCSVM, 0.125},
        {TSN_SOLVER_MCSVM, 0.5},
    };
    const int n_learners = (int)(sizeof learners / sizeof learners[0]);
    bool pair = d->pair;
    t.planned = 1 + n_learners + 2 + 9 + (pair ? 3 : 0) + 2;
    char change[96];
    tsn_status st = try_config(&t, base, "(the given config)", err);
    /* 1. The learner, on the given features. */
    for (int i = 0; st == TSN_OK && i < n_learners; i++) {
        tsn_config c = *base;
        c.solver = learners[i].solver;
        c.C = learners[i].C;
        if ((c.solver == base->solver && c.C == base->C) ||
            (c.multi_label && c.solver == TSN_SOLVER_MCSVM)) /* one-vs-rest only */
            continue;
        char v[32];
        snprintf(change, sizeof change, "solver=%s C=%g", opt(&c, "solver", v, sizeof v), c.C);
        st = try_config(&t, &c, change, err);
    }
    /* Class weights, on the best learner so far. */
    for (int w = 0; st == TSN_OK && w < 3; w++) {
        tsn_config c = t.best;
        c.class_weight = w;
        if (c.class_weight == t.best.class_weight)
            continue;
        char v[32];
        snprintf(change, sizeof change, "class_weight=%s", opt(&c, "class_weight", v, sizeof v));
        st = try_config(&t, &c, change, err);
    }
    /* 2. One feature setting at a time, each on the best config so far; for claim + text
     * pairs first how the claim is used. */
    for (int step = pair ? -3 : 0; st == TSN_OK && step < 9; step++) {
        tsn_config c = t.best;
        char v[32];
        switch (step) {
        case -3: c.claim_features = TSN_CLAIM_ON; break;
        case -2: c.claim_features = TSN_CLAIM_OFF; break;
        case -1: {
            int now_on = c.pair_features == TSN_CLAIM_AUTO ? !tsn_dataset_claims_recur(d)
                                                           : c.pair_features == TSN_CLAIM_ON;
            c.pair_features = now_on ? TSN_CLAIM_OFF : TSN_CLAIM_ON;
            break;
        }
        case 0: c.word_ngram_max = 1; c.word_ngram_min = 1; break;
        case 1: c.word_ngram_max = 3; break;
        case 2: c.char_ngram_max = 0; break;
        case 3: c.char_ngram_min = 1; c.char_ngram_max = 4; break;
        case 4: c.char_ngram_min = 3; c.char_ngram_max = 6; break;
        case 5: c.units = TSN_UNITS_STEM; break;
        case 6: c.units = TSN_UNITS_SURFACE; break;
        case 7: c.units = TSN_UNITS_LIGHT; break;
        default: c.fold_teh_marbuta = !c.fold_teh_marbuta; break;
        }
        /* (a change may not fit the best config: n-grams up to 3 from word_ngram_min 4) */
        if (same_features(&c, &t.best) ||
            (c.claim_features == TSN_CLAIM_OFF && c.pair_features == TSN_CLAIM_OFF) ||
            tsn_config_check(&c, NULL) != TSN_OK)
            continue;
        if (step < 0)
            snprintf(change, sizeof change, "claim_features=%s pair_features=%s",
                     opt(&c, "claim_features", v, sizeof v),
                     c.pair_features == TSN_CLAIM_ON    ? "true"
                     : c.pair_features == TSN_CLAIM_OFF ? "false"
                                                        : "auto");
        else if (step <= 1)
            snprintf(change, sizeof change, "word n-grams %d-%d", c.word_ngram_min,
                     c.word_ngram_max);
        else if (step <= 4 && c.char_ngram_max == 0)
            snprintf(change, sizeof change, "char n-grams off");
        else if (step <= 4)
            snprintf(change, sizeof change, "char n-grams %d-%d", c.char_ngram_min,
                     c.char_ngram_max);
        else if (step <= 7)
            snprintf(change, sizeof change, "units=%s", opt(&c, "units", v, sizeof v));
        else
            snprintf(change, sizeof change, "fold_teh_marbuta=%s",
                     c.fold_teh_marbuta ? "true" : "false");
        st = try_config(&t, &c, change, err);
    }
    /* 3. C once more, around the winner. */
    const double around[] = {0.5, 2};
    for (int i = 0; st == TSN_OK && i < 2; i++) {
        tsn_config c = t.best;
        c.C = t.best.C * around[i];
        if (c.C < 1e-6 || c.C > 1e6)
            continue;
        snprintf(change, sizeof change, "C=%g", c.C);
        st = try_config(&t, &c, change, err);
    }
    tsn_corpus_free(t.corpus);
    t.corpus = NULL;
    /* The winner, trained on everything and calibrated on its own out-of-fold decisions. */
    if (st == TSN_OK) {
        t.best.calibrate = true;
        if ((t.corpus = tsn_corpus_build(&t.best, d, o->threads, NULL, NULL, err)) == NULL)
            st = err->code != TSN_OK ? err->code : TSN_ERR_NOMEM;
    }
    if (st == TSN_OK &&
        (*model = tsn_cv_fit_calibrated(t.corpus, o->folds, o->seed, t.best_z, err)) == NULL)
        st = err->code != TSN_OK ? err->code : TSN_ERR_NOMEM;
    if (st == TSN_OK) {
        *best = t.best;
        *stopped = t.stopped;
    }
    free(t.z);
    free(t.best_z);
    tsn_corpus_free(t.corpus);
    return st;
}
