/* test_metrics.c -- accuracy, per-label scores and macro-F1 against hand-computed values. */
#include "metrics.h"

#include <math.h>

#include "check.h"

static void scores_match_a_hand_computed_confusion(void)
{
    tsn_metrics *m = tsn_metrics_new(3, NULL);
    /* gold 0: 3 right, 1 as label 1; gold 1: 2 right; gold 2: 1 as label 0 */
    for (int i = 0; i < 3; i++)
        tsn_metrics_add(m, 0, 0);
    tsn_metrics_add(m, 0, 1);
    tsn_metrics_add(m, 1, 1);
    tsn_metrics_add(m, 1, 1);
    tsn_metrics_add(m, 2, 0);
    CHECK(m->n == 7);
    CHECK(fabs(tsn_metrics_accuracy(m) - 5.0 / 7.0) < 1e-12);
    tsn_label_score s0 = tsn_metrics_label(m, 0);
    CHECK(fabs(s0.precision - 0.75) < 1e-12 && fabs(s0.recall - 0.75) < 1e-12);
    tsn_label_score s1 = tsn_metrics_label(m, 1);
    CHECK(fabs(s1.precision - 2.0 / 3.0) < 1e-12 && s1.recall == 1.0 && s1.support == 2);
    tsn_label_score s2 = tsn_metrics_label(m, 2);
    CHECK(s2.f1 == 0 && s2.support == 1);
    double f1 = (0.75 + 0.8 + 0.0) / 3.0;
    CHECK(fabs(tsn_metrics_macro_f1(m) - f1) < 1e-12);
    tsn_metrics_free(m);
}

static void labels_absent_from_gold_and_predictions_do_not_count(void)
{
    tsn_metrics *m = tsn_metrics_new(3, NULL);
    tsn_metrics_add(m, 0, 0);
    tsn_metrics_add(m, 1, 1);
    CHECK(tsn_metrics_macro_f1(m) == 1.0);
    tsn_metrics_free(m);
}

int main(void)
{
    RUN(scores_match_a_hand_computed_confusion);
    RUN(labels_absent_from_gold_and_predictions_do_not_count);
    DONE();
}
