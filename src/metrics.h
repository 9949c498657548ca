/* metrics.h -- accuracy, per-label precision/recall/F1, macro-F1 and the confusion matrix.
 * Ownership: tsn_metrics_new() -> tsn_metrics_free(). Labels are indices 0..n-1; names are
 * borrowed from the caller for printing only. */
#ifndef TSN_METRICS_H
#define TSN_METRICS_H

#include <stddef.h>

#include "error.h"

typedef struct {
    size_t n_labels;
    size_t n;        /* examples counted */
    size_t *confusion; /* [gold * n_labels + predicted] */
    size_t abstained;  /* examples with no prediction (below a probability threshold) */
} tsn_metrics;

typedef struct {
    double precision, recall, f1;
    size_t support; /* gold examples of the label */
} tsn_label_score;

tsn_metrics *tsn_metrics_new(size_t n_labels, tsn_error *err);
void tsn_metrics_free(tsn_metrics *m); /* NULL is a no-op */
void tsn_metrics_add(tsn_metrics *m, size_t gold, size_t predicted);

double tsn_metrics_accuracy(const tsn_metrics *m);
/* Mean F1 over the labels that occur in gold or predictions (scikit-learn's macro average). */
double tsn_metrics_macro_f1(const tsn_metrics *m);
tsn_label_score tsn_metrics_label(const tsn_metrics *m, size_t k);

#endif
