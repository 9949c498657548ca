/* cv.h -- model selection: stratified k-fold cross-validation of a featurized corpus, and the
 * config search behind `tasnif tune`.
 *
 * Folds are stratified by label and drawn from a seeded generator, so the same corpus, fold
 * count and seed always give the same folds, and a search is reproducible run for run. Folds
 * are fitted one after the other, each training its one-vs-rest classes on the corpus'
 * threads (see tsn_corpus_build).
 * Ownership: results are plain values; tsn_tune() builds and frees its own corpora.
 */
#ifndef TSN_CV_H
#define TSN_CV_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "dataset.h"
#include "error.h"
#include "model.h"

#define TSN_CV_MAX_FOLDS 100

typedef struct {
    int folds;
    double acc[TSN_CV_MAX_FOLDS], f1[TSN_CV_MAX_FOLDS]; /* per fold */
    double acc_mean, acc_std, f1_mean, f1_std;
} tsn_cv_result;

/* Called after each fold (f counts from 0) with that fold's scores; may be NULL. */
typedef void (*tsn_cv_fold_fn)(void *ctx, int f, int folds, double acc, double f1);

/* Cross-validates the corpus' config: for each of `folds` stratified folds, fits on the rest
 * and scores the fold. When z is not NULL it gets every document's out-of-fold decision
 * values (n rows of n_labels, see tsn_model_predict_corpus), for calibration. TSN_ERR_DATA
 * when there are too few examples for the folds. err may be NULL: the status returned is the
 * failure's own either way (as tsn_tune's). */
tsn_status tsn_cv_run(const tsn_corpus *c, int folds, uint64_t seed, tsn_cv_fold_fn fold_cb,
                      void *ctx, tsn_cv_result *r, double *z, tsn_error *err);

/* Fits the corpus' config on all its documents, using the corpus up as tsn_model_fit_consume()
 * does, and calibrates the model (tsn_model_calibrate) on out-of-fold decision values: z
 * when given (n rows of n_labels, from a cross-validation of this very config), else those
 * of a `folds`-fold cross-validation run here first. NULL with *err set. */
tsn_model *tsn_cv_fit_calibrated(tsn_corpus *c, int folds, uint64_t seed, const double *z,
                                 tsn_error *err);

/* One candidate tried by tsn_tune(). */
typedef struct {
    int index;          /* 1-based, in the order tried */
    const char *change; /* what differs from the best config so far, e.g. "C=0.25" */
    const tsn_config *cfg;
    tsn_cv_result cv;
    double seconds; /* featurization (when the features changed) and the folds' fits */
    bool best;      /* better than every candidate before it */
} tsn_tune_row;

typedef void (*tsn_tune_fn)(void *ctx, const tsn_tune_row *row);
/* Progress: candidate i of about n has started. */
typedef void (*tsn_tune_progress_fn)(void *ctx, int i, int n, const char *change);

typedef struct {
    int folds;             /* default 3 */
    uint64_t seed;         /* fold assignment */
    double budget;         /* seconds; no new candidate starts after it is spent (0: none) */
    bool by_accuracy;      /* select on accuracy instead of macro-F1 */
    int threads;           /* featurization threads */
    tsn_tune_fn report;    /* every candidate, as it finishes; may be NULL */
    tsn_tune_progress_fn progress; /* may be NULL */
    void *ctx;
} tsn_tune_opts;

/* Searches around `base` by cross-validation on d only: first the solver and C on base's
 * features (one featurization) and the class weights; then one feature setting at a time --
 * for pair data the claim's own features and the claim-text relation features; word n-gram
 * order, character n-grams (off and three ranges), units (stem, surface, light),
 * teh-marbuta folding -- each kept only if it beats the best so far; then C once more
 * around the winner. *best gets the winning config, and *model a model of it trained on all
 * of d and calibrated on the winner's out-of-fold decision values; *stopped tells whether
 * the budget cut the search short. */
tsn_status tsn_tune(const tsn_dataset *d, const tsn_config *base, const tsn_tune_opts *o,
                    tsn_config *best, tsn_model **model, bool *stopped, tsn_error *err);

#endif
