/* mleval.c -- evaluation of multi-label models (see mleval.h). */
#include "mleval.h"

#include <stdlib.h>
#include <string.h>

#include "results.h"

void tsn_ml_evaluation_release(tsn_ml_evaluation *ev)
{
    free(ev->tp);
    free(ev->fp);
    free(ev->fn);
    free(ev->ptp);
    free(ev->pfp);
    free(ev->pfn);
    memset(ev, 0, sizeof *ev);
}

/* Marks in gold[] the labels of ex (TSN_LABEL_SEP between them); the first one's index in
 * *first. */
static tsn_status gold_set(const tsn_model *m, const tsn_example *ex, unsigned char *gold,
                           size_t *first, tsn_error *err)
{
    memset(gold, 0, tsn_model_n_labels(m));
    bool any = false;
    for (const char *p = ex->label;;) {
        const char *e = strchr(p, TSN_LABEL_SEP);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char small[256], *name = len < sizeof small ? small : malloc(len + 1);
        if (name == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        memcpy(name, p, len);
        name[len] = '\0';
        int k = tsn_model_find_label(m, name);
        if (k < 0)
            tsn_error_set(err, TSN_ERR_DATA, "%s:%zu: label \"%s\" is unknown to the model",
                          ex->source, ex->line, name);
        if (name != small)
            free(name);
        if (k < 0)
            return TSN_ERR_DATA;
        if (!any)
            *first = (size_t)k;
        any = true;
        gold[k] = 1;
        if (e == NULL)
            break;
        p = e + 1;
    }
    return TSN_OK;
}

tsn_status tsn_ml_evaluate(const tsn_model *m, const tsn_dataset *d, tsn_ml_evaluation *ev,
                           tsn_error *err)
{
    memset(ev, 0, sizeof *ev);
    if (d->pair != tsn_model_is_pair(m))
        return tsn_error_set(err, TSN_ERR_DATA, "%s: %s, but the model was trained on %s",
                             d->source,
                             d->pair ? "examples have claims" : "examples have no claims",
                             tsn_model_is_pair(m) ? "claim + text pairs" : "single texts");
    size_t K = tsn_model_n_labels(m);
    ev->K = K;
    double *probs = malloc(K * sizeof *probs);
    size_t *given = malloc(K * sizeof *given);
    unsigned char *gold = malloc(K), *pred = malloc(K);
    ev->tp = calloc(K, sizeof *ev->tp);
    ev->fp = calloc(K, sizeof *ev->fp);
    ev->fn = calloc(K, sizeof *ev->fn);
    ev->ptp = calloc(K, sizeof *ev->ptp);
    ev->pfp = calloc(K, sizeof *ev->pfp);
    ev->pfn = calloc(K, sizeof *ev->pfn);
    tsn_scorer *sc = tsn_scorer_new(m, err);
    tsn_status st = TSN_OK;
    if (sc == NULL) {
        st = err != NULL ? err->code : TSN_ERR_NOMEM;
        goto done;
    }
    if (probs == NULL || given == NULL || gold == NULL || pred == NULL || ev->tp == NULL ||
        ev->fp == NULL || ev->fn == NULL || ev->ptp == NULL || ev->pfp == NULL ||
        ev->pfn == NULL) {
        st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < d->n; i++) {
        const tsn_example *ex = &d->v[i];
        size_t first = 0, best;
        if ((st = gold_set(m, ex, gold, &first, err)) != TSN_OK)
            goto done;
        tsn_doc doc = {ex->text, ex->text_len, ex->claim, ex->claim_len};
        if ((st = tsn_scorer_predict(sc, &doc, probs, &best, err)) != TSN_OK) {
            tsn_error_prefix(err, "%s:%zu", ex->source, ex->line);
            goto done;
        }
        ev->empty += tsn_scorer_empty(sc);
        size_t ng = tsn_model_given(m, probs, best, given);
        memset(pred, 0, K);
        for (size_t j = 0; j < ng; j++)
            pred[given[j]] = 1;
        bool exact = true;
        for (size_t k = 0; k < K; k++) {
            ev->tp[k] += gold[k] && pred[k];
            ev->fp[k] += !gold[k] && pred[k];
            ev->fn[k] += gold[k] && !pred[k];
            ev->gold += gold[k];
            exact &= gold[k] == pred[k];
        }
        ev->given += ng;
        ev->exact += exact;
        ev->primary_hits += best == first;
        if (best == first) {
            ev->ptp[best]++;
        } else {
            ev->pfp[best]++;
            ev->pfn[first]++;
        }
        ev->any_hits += gold[best];
        ev->n++;
    }
done:
    free(probs);
    free(given);
    free(gold);
    free(pred);
    tsn_scorer_free(sc);
    if (st != TSN_OK)
        tsn_ml_evaluation_release(ev);
    return st;
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0;
}

static double f1_of(size_t tp, size_t fp, size_t fn)
{
    return tp ? 2.0 * (double)tp / (double)(2 * tp + fp + fn) : 0;
}

void tsn_ml_write_evaluation(FILE *f, const tsn_ml_evaluation *ev, const tsn_model *m,
                             bool json)
{
    size_t tp = 0, fp = 0, fn = 0, present = 0;
    double macro = 0;
    for (size_t k = 0; k < ev->K; k++) {
        tp += ev->tp[k], fp += ev->fp[k], fn += ev->fn[k];
        /* macro-F1 over the labels the data has or the model gives (a label only given
         * scores 0), as scikit-learn and the single-label eval count them */
        if (ev->tp[k] + ev->fp[k] + ev->fn[k] > 0) {
            macro += f1_of(ev->tp[k], ev->fp[k], ev->fn[k]);
            present++;
        }
    }
    macro = present ? macro / (double)present : 0;
    double pmacro = 0; /* macro-F1 of the primary label, as a single-label eval gives it */
    present = 0;
    for (size_t k = 0; k < ev->K; k++)
        if (ev->ptp[k] + ev->pfp[k] + ev->pfn[k] > 0) {
            pmacro += f1_of(ev->ptp[k], ev->pfp[k], ev->pfn[k]);
            present++;
        }
    pmacro = present ? pmacro / (double)present : 0;
    double micro_p = ratio(tp, tp + fp), micro_r = ratio(tp, tp + fn);
    double micro = f1_of(tp, fp, fn);
    double hamming = ev->n && ev->K ? (double)(fp + fn) / ((double)ev->n * (double)ev->K) : 0;
    double subset = ratio(ev->exact, ev->n), primary = ratio(ev->primary_hits, ev->n);
    double any = ratio(ev->any_hits, ev->n);
    if (json) {
        fprintf(f, "{\"n\":%zu,\"multi_label\":true,\"micro_precision\":", ev->n);
        tsn_json_num(f, micro_p);
        fputs(",\"micro_recall\":", f);
        tsn_json_num(f, micro_r);
        fputs(",\"micro_f1\":", f);
        tsn_json_num(f, micro);
        fputs(",\"macro_f1\":", f);
        tsn_json_num(f, macro);
        fputs(",\"hamming_loss\":", f);
        tsn_json_num(f, hamming);
        fputs(",\"subset_accuracy\":", f);
        tsn_json_num(f, subset);
        fputs(",\"primary_accuracy\":", f);
        tsn_json_num(f, primary);
        fputs(",\"primary_macro_f1\":", f);
        tsn_json_num(f, pmacro);
        fputs(",\"best_in_gold\":", f);
        tsn_json_num(f, any);
        fprintf(f, ",\"gold_labels\":%zu,\"predicted_labels\":%zu,\"per_label\":{", ev->gold,
                ev->given);
        for (size_t k = 0; k < ev->K; k++) {
            if (k)
                fputc(',', f);
            tsn_json_str(f, tsn_model_label_name(m, k));
            fputs(":{\"precision\":", f);
            tsn_json_num(f, ratio(ev->tp[k], ev->tp[k] + ev->fp[k]));
            fputs(",\"recall\":", f);
            tsn_json_num(f, ratio(ev->tp[k], ev->tp[k] + ev->fn[k]));
            fputs(",\"f1\":", f);
            tsn_json_num(f, f1_of(ev->tp[k], ev->fp[k], ev->fn[k]));
            fprintf(f, ",\"support\":%zu,\"threshold\":", ev->tp[k] + ev->fn[k]);
            tsn_json_num(f, tsn_model_threshold(m, k));
            fputc('}', f);
        }
        fputs("}}", f);
        return;
    }
    fprintf(f, "examples          %zu (multi-label: %zu gold labels, %zu predicted)\n", ev->n,
            ev->gold, ev->given);
    fprintf(f, "micro-F1          %.4f  (precision %.4f, recall %.4f)\n", micro, micro_p,
            micro_r);
    fprintf(f, "macro-F1          %.4f\n", macro);
    fprintf(f, "Hamming loss      %.4f\n", hamming);
    fprintf(f, "subset accuracy   %.4f\n", subset);
    fprintf(f, "primary accuracy  %.4f  (best label = first gold label; in the gold set: %.4f)\n",
            primary, any);
    fprintf(f, "primary macro-F1  %.4f\n", pmacro);
    size_t w = 5;
    for (size_t k = 0; k < ev->K; k++) {
        size_t l = strlen(tsn_model_label_name(m, k));
        w = l > w ? l : w;
    }
    w = w > 40 ? 40 : w;
    fprintf(f, "\n%-*s  precision  recall  f1      support  threshold\n", (int)w, "label");
    for (size_t k = 0; k < ev->K; k++)
        fprintf(f, "%-*.*s  %.4f     %.4f  %.4f  %7zu  %.4f\n", (int)w, (int)w,
                tsn_model_label_name(m, k), ratio(ev->tp[k], ev->tp[k] + ev->fp[k]),
                ratio(ev->tp[k], ev->tp[k] + ev->fn[k]), f1_of(ev->tp[k], ev->fp[k], ev->fn[k]),
                ev->tp[k] + ev->fn[k], tsn_model_threshold(m, k));
}
