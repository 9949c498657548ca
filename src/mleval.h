/* mleval.h -- evaluation of a multi-label model: per-label precision, recall and F1, micro
 * and macro averages, Hamming loss, subset accuracy and the accuracy of the first label.
 *
 * A document's predicted labels are those tsn_model_given() gives (the best one and every
 * other at its threshold); its gold labels are those of its example (several separated by
 * TSN_LABEL_SEP, the first one its primary).
 * Ownership: tsn_ml_evaluation is caller-owned, released by tsn_ml_evaluation_release().
 */
#ifndef TSN_MLEVAL_H
#define TSN_MLEVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dataset.h"
#include "error.h"
#include "model.h"

typedef struct {
    size_t n, K;
    size_t *tp, *fp, *fn;  /* [K] per label */
    size_t *ptp, *pfp, *pfn; /* [K] per label, the best label against the first gold one */
    size_t exact;          /* documents whose predicted set is exactly the gold set */
    size_t primary_hits;   /* documents whose best label is their first gold label */
    size_t any_hits;       /* documents whose best label is one of their gold labels */
    size_t gold, given;    /* labels in all gold sets, and all predicted sets */
    size_t empty;          /* documents with no feature, scored by the bias alone */
} tsn_ml_evaluation;

/* Scores the multi-label model m on every example of d (through a scorer of its own); fails
 * on a label the model never saw, naming the line. */
tsn_status tsn_ml_evaluate(const tsn_model *m, const tsn_dataset *d, tsn_ml_evaluation *ev,
                           tsn_error *err);
void tsn_ml_evaluation_release(tsn_ml_evaluation *ev);
/* The evaluation as `eval` writes it: JSON without a line break, or the aligned report. */
void tsn_ml_write_evaluation(FILE *f, const tsn_ml_evaluation *ev, const tsn_model *m,
                             bool json);

#endif
