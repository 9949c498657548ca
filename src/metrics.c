/* metrics.c -- scores from a confusion matrix. */
#include "metrics.h"

#include <stdlib.h>

tsn_metrics *tsn_metrics_new(size_t n_labels, tsn_error *err)
{
    tsn_metrics *m = calloc(1, sizeof *m);
    if (m != NULL)
        m->confusion = calloc(n_labels * n_labels + 1, sizeof *m->confusion);
    if (m == NULL || m->confusion == NULL) {
        tsn_metrics_free(m);
        tsn_error_set(err, TSN_ERR_NOMEM, "metrics: out of memory");
        return NULL;
    }
    m->n_labels = n_labels;
    return m;
}

void tsn_metrics_free(tsn_metrics *m)
{
    if (m == NULL)
        return;
    free(m->confusion);
    free(m);
}

void tsn_metrics_add(tsn_metrics *m, size_t gold, size_t predicted)
{
    m->confusion[gold * m->n_labels + predicted]++;
    m->n++;
}

double tsn_metrics_accuracy(const tsn_metrics *m)
{
    size_t right = 0;
    for (size_t k = 0; k < m->n_labels; k++)
        right += m->confusion[k * m->n_labels + k];
    return m->n ? (double)right / (double)m->n : 0.0;
}

tsn_label_score tsn_metrics_label(const tsn_metrics *m, size_t k)
{
    size_t tp = m->confusion[k * m->n_labels + k], gold = 0, pred = 0;
    for (size_t j = 0; j < m->n_labels; j++) {
        gold += m->confusion[k * m->n_labels + j];
        pred += m->confusion[j * m->n_labels + k];
    }
    tsn_label_score s = {0, 0, 0, gold};
    s.precision = pred ? (double)tp / (double)pred : 0.0;
    s.recall = gold ? (double)tp / (double)gold : 0.0;
    s.f1 = s.precision + s.recall > 0
               ? 2 * s.precision * s.recall / (s.precision + s.recall)
               : 0.0;
    return s;
}

double tsn_metrics_macro_f1(const tsn_metrics *m)
{
    double sum = 0;
    size_t used = 0;
    for (size_t k = 0; k < m->n_labels; k++) {
        size_t gold = 0, pred = 0;
        for (size_t j = 0; j < m->n_labels; j++) {
            gold += m->confusion[k * m->n_labels + j];
            pred += m->confusion[j * m->n_labels + k];
        }
        if (gold == 0 && pred == 0)
            continue;
        sum += tsn_metrics_label(m, k).f1;
        used++;
    }
    return used ? sum / (double)used : 0.0;
}
