/* results.c -- predictions, article labels, evaluations and model descriptions, written as
 * the command line prints them; see results.h. */
#include "results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sentence.h"
#include "utf8.h"

void tsn_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x80) { /* copy a valid UTF-8 sequence; anything else becomes U+FFFD */
            size_t n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
            if (strnlen((const char *)p, n) < n || !tsn_utf8_valid((const char *)p, n))
                n = 0;
            if (n == 0) {
                fputs("\\ufffd", f);
            } else {
                fwrite(p, 1, n, f);
                p += n - 1;
            }
            continue;
        }
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void tsn_json_num(FILE *f, double v)
{
    if (!isfinite(v))
        v = 0;
    fprintf(f, "%.4f", v);
}

void tsn_rank(const double *probs, size_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) { /* insertion sort: n is the label count */
        size_t v = order[i], j = i;
        while (j > 0 && (probs[order[j - 1]] < probs[v] ||
                         (probs[order[j - 1]] == probs[v] && order[j - 1] > v))) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

/* An id as it was given: a string quoted, a number (id_number) as its source text. */
static void write_id(FILE *f, const char *id, bool id_number)
{
    fputs("\"id\":", f);
    if (id_number)
        fputs(id, f);
    else
        tsn_json_str(f, id);
    fputs(",", f);
}

void tsn_write_prediction(FILE *f, const tsn_model *m, const char *id, bool id_number,
                          const double *probs,
                          size_t best, const size_t *order, size_t top, double min_prob,
                          bool explain, const tsn_contrib *contrib, size_t ne)
{
    /* Below --min-prob the answer is withheld: a null label. */
    const char *label = probs[best] >= min_prob ? tsn_model_label_name(m, best) : NULL;
    fputs("{", f);
    if (id != NULL)
        write_id(f, id, id_number);
    fputs("\"label\":", f);
    if (label != NULL)
        tsn_json_str(f, label);
    else
        fputs("null", f);
    fputs(",\"prob\":", f);
    tsn_json_num(f, probs[best]);
    if (tsn_model_multi_label(m)) { /* every label given: the best one and those at their
                                     * thresholds, none when the answer is withheld */
        fputs(",\"labels\":[", f);
        /* tsn_model_given's order, found without allocating: the best label, then each next
         * one at its threshold by falling probability (ties by index) */
        size_t K = tsn_model_n_labels(m), k = best;
        for (size_t i = 0; label != NULL && k < K; i++) {
            fputs(i ? ",{\"label\":" : "{\"label\":", f);
            tsn_json_str(f, tsn_model_label_name(m, k));
            fputs(",\"prob\":", f);
            tsn_json_num(f, probs[k]);
            fputs("}", f);
            size_t prev = k;
            k = K;
            for (size_t j = 0; j < K; j++) {
                if (j == best || probs[j] < tsn_model_threshold(m, j))
                    continue;
                /* after prev in that order (the best is the first of all: the argmax) */
                if (!(probs[j] < probs[prev] || (probs[j] == probs[prev] && j > prev)))
                    continue;
                if (k == K || probs[j] > probs[k] || (probs[j] == probs[k] && j < k))
                    k = j;
            }
        }
        fputs("]", f);
    }
    if (top) {
        fputs(",\"top\":[", f);
        for (size_t i = 0; i < top; i++) {
            fputs(i ? ",{\"label\":" : "{\"label\":", f);
            tsn_json_str(f, tsn_model_label_name(m, order[i]));
            fputs(",\"prob\":", f);
            tsn_json_num(f, probs[order[i]]);
            fputs("}", f);
        }
        fputs("]", f);
    }
    if (explain) {
        fputs(",\"explain\":[", f);
        for (size_t i = 0; i < ne; i++) {
            fputs(i ? ",{\"feature\":" : "{\"feature\":", f);
            tsn_json_str(f, contrib[i].feature);
            fprintf(f, ",\"weight\":%.4f}", contrib[i].contribution);
        }
        fputs("]", f);
    }
    fputs("}", f);
}

tsn_status tsn_write_model_info(FILE *f, const tsn_model *m, size_t top, tsn_error *err)
{
    size_t K = tsn_model_n_labels(m);
    tsn_contrib *tc = calloc(top + 1, sizeof *tc);
    char *cj = tsn_config_to_json(tsn_model_config(m), false);
    if (tc == NULL || cj == NULL) {
        free(tc);
        free(cj);
        return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    }
    fprintf(f,
            "{\"format_version\":%d,\"pair\":%s,\"examples\":%zu,\"features\":%zu,"
            "\"probabilities\":%s,\"temperature\":",
            TSN_MODEL_FORMAT_VERSION, tsn_model_is_pair(m) ? "true" : "false",
            tsn_model_n_examples(m), tsn_model_n_features(m),
            tsn_model_has_probabilities(m) || tsn_model_temperature(m) > 0 || tsn_model_multi_label(m)
                ? "true" : "false");
    if (tsn_model_temperature(m) > 0)
        tsn_json_num(f, tsn_model_temperature(m));
    else
        fprintf(f, "null");
    fprintf(f, ",\"labels\":[");
    for (size_t k = 0; k < K; k++) {
        fprintf(f, "%s{\"label\":", k ? "," : "");
        tsn_json_str(f, tsn_model_label_name(m, k));
        fprintf(f, ",\"support\":%zu", tsn_model_label_support(m, k));
        if (tsn_model_multi_label(m)) {
            fputs(",\"threshold\":", f);
            tsn_json_num(f, tsn_model_threshold(m, k));
        }
        size_t n = 0;
        if (top > 0 && tsn_model_top_features(m, k, tc, top, &n, err) == TSN_OK) {
            fprintf(f, ",\"top\":[");
            for (size_t i = 0; i < n; i++) {
                fprintf(f, "%s{\"feature\":", i ? "," : "");
                tsn_json_str(f, tc[i].feature);
                fprintf(f, ",\"weight\":%.4f}", tc[i].contribution);
            }
            fprintf(f, "]");
        }
        fprintf(f, "}");
    }
    fprintf(f, "],\"config\":%s}", cj);
    free(tc);
    free(cj);
    return TSN_OK;
}

/* ---- Whole articles ---- */

typedef struct {
    size_t start, end, best;
    double prob;
    bool abstain;
} sentence_result;

struct tsn_labeler {
    const tsn_model *stance, *topic;
    tsn_scorer *ss, *ts;
    tsn_splitter *split;
    double *sp, *tp;
    size_t *counts; /* per stance label, plus abstentions at the end */
    size_t tbest;
    double min_prob; /* of the last run */
    sentence_result *s;
    size_t n, cap;
};

tsn_labeler *tsn_labeler_new(const tsn_model *stance, const tsn_model *topic, tsn_error *err)
{
    tsn_labeler *lb = calloc(1, sizeof *lb);
    if (lb == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        return NULL;
    }
    lb->stance = stance;
    lb->topic = topic;
    size_t K = tsn_model_n_labels(stance);
    if ((lb->ss = tsn_scorer_new(stance, err)) == NULL ||
        (lb->ts = tsn_scorer_new(topic, err)) == NULL ||
        (lb->split = tsn_splitter_new(err)) == NULL) {
        tsn_labeler_free(lb);
        return NULL;
    }
    lb->sp = calloc(K, sizeof *lb->sp);
    lb->tp = calloc(tsn_model_n_labels(topic), sizeof *lb->tp);
    lb->counts = calloc(K + 1, sizeof *lb->counts);
    if (lb->sp == NULL || lb->tp == NULL || lb->counts == NULL) {
        tsn_labeler_free(lb);
        tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        return NULL;
    }
    return lb;
}

void tsn_labeler_free(tsn_labeler *lb)
{
    if (lb == NULL)
        return;
    tsn_scorer_free(lb->ss);
    tsn_scorer_free(lb->ts);
    tsn_splitter_free(lb->split);
    free(lb->sp);
    free(lb->tp);
    free(lb->counts);
    free(lb->s);
    free(lb);
}

tsn_status tsn_labeler_run(tsn_labeler *lb, const char *text, size_t len, double min_prob,
                           tsn_error *err)
{
    size_t K = tsn_model_n_labels(lb->stance);
    tsn_doc whole = {text, len, NULL, 0};
    lb->n = 0;
    lb->min_prob = min_prob;
    tsn_status st = tsn_scorer_predict(lb->ts, &whole, lb->tp, &lb->tbest, err);
    if (st != TSN_OK)
        return st;
    const tsn_span *sp;
    size_t n;
    if ((st = tsn_splitter_run(lb->split, text, len, &sp, &n, err)) != TSN_OK)
        return st;
    if (n > lb->cap) {
        sentence_result *v = realloc(lb->s, n * sizeof *v);
        if (v == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        lb->s = v;
        lb->cap = n;
    }
    for (size_t k = 0; k <= K; k++)
        lb->counts[k] = 0;
    for (size_t i = 0; i < n; i++) {
        tsn_doc d = {text + sp[i].start, sp[i].end - sp[i].start, NULL, 0};
        size_t best;
        if ((st = tsn_scorer_predict(lb->ss, &d, lb->sp, &best, err)) != TSN_OK)
            return st;
        bool abstain = lb->sp[best] < min_prob;
        lb->counts[abstain ? K : best]++;
        lb->s[i] = (sentence_result){sp[i].start, sp[i].end, best, lb->sp[best], abstain};
    }
    lb->n = n;
    return TSN_OK;
}

size_t tsn_labeler_topic(const tsn_labeler *lb, double *prob)
{
    *prob = lb->tp[lb->tbest];
    return lb->tbest;
}

size_t tsn_labeler_second_topic(const tsn_labeler *lb, double *prob)
{
    const tsn_model *m = lb->topic;
    size_t K = tsn_model_n_labels(m), second = (size_t)-1;
    if (!tsn_model_multi_label(m))
        return second;
    for (size_t k = 0; k < K; k++) /* the most probable other label at its threshold */
        if (k != lb->tbest && lb->tp[k] >= tsn_model_threshold(m, k) &&
            (second == (size_t)-1 || lb->tp[k] > lb->tp[second]))
            second = k;
    if (second != (size_t)-1)
        *prob = lb->tp[second];
    return second;
}

size_t tsn_labeler_n_sentences(const tsn_labeler *lb)
{
    return lb->n;
}

bool tsn_labeler_sentence(const tsn_labeler *lb, size_t i, size_t *start, size_t *end,
                          size_t *best, double *prob)
{
    const sentence_result *r = &lb->s[i];
    *start = r->start;
    *end = r->end;
    *best = r->best;
    *prob = r->prob;
    return !r->abstain;
}

size_t tsn_labeler_count(const tsn_labeler *lb, size_t k)
{
    return lb->counts[k];
}

tsn_status tsn_labeler_write_json(const tsn_labeler *lb, FILE *f, const char *text,
                                  const char *id, bool id_number, tsn_error *err)
{
    size_t K = tsn_model_n_labels(lb->stance);
    fputs("{", f);
    if (id != NULL)
        write_id(f, id, id_number);
    fputs("\"topic\":{\"label\":", f);
    tsn_json_str(f, tsn_model_label_name(lb->topic, lb->tbest));
    fputs(",\"prob\":", f);
    tsn_json_num(f, lb->tp[lb->tbest]);
    double p2;
    size_t second = tsn_labeler_second_topic(lb, &p2);
    if (second != (size_t)-1) {
        fputs(",\"second\":{\"label\":", f);
        tsn_json_str(f, tsn_model_label_name(lb->topic, second));
        fputs(",\"prob\":", f);
        tsn_json_num(f, p2);
        fputs("}", f);
    }
    fputs("},\"sentences\":[", f);
    for (size_t i = 0; i < lb->n; i++) {
        const sentence_result *r = &lb->s[i];
        char *txt = strndup(text + r->start, r->end - r->start);
        if (txt == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        fprintf(f, "%s{\"start\":%zu,\"end\":%zu,\"text\":", i ? "," : "", r->start, r->end);
        tsn_json_str(f, txt);
        free(txt);
        fputs(",\"stance\":", f);
        if (r->abstain)
            fputs("null", f);
        else
            tsn_json_str(f, tsn_model_label_name(lb->stance, r->best));
        fputs(",\"prob\":", f);
        tsn_json_num(f, r->prob);
        fputs("}", f);
    }
    fputs("],\"summary\":{", f);
    for (size_t k = 0; k < K; k++) {
        if (k)
            fputs(",", f);
        tsn_json_str(f, tsn_model_label_name(lb->stance, k));
        fprintf(f, ":%zu", lb->counts[k]);
    }
    if (lb->min_prob > 0)
        fprintf(f, ",\"abstained\":%zu", lb->counts[K]);
    fputs("}}", f);
    return TSN_OK;
}

/* ---- Evaluation ---- */

static void prob_add(tsn_evaluation *ev, const double *probs, size_t best, size_t gold)
{
    double pg = probs[gold] > 1e-15 ? probs[gold] : 1e-15;
    ev->log_loss -= log(pg);
    int b = (int)(probs[best] * 10);
    b = b > 9 ? 9 : b < 0 ? 0 : b;
    ev->bin_conf[b] += probs[best];
    ev->bin_hits[b] += best == gold;
    ev->bin_n[b]++;
    if (probs[best] >= ev->min_prob) {
        ev->covered++;
        ev->covered_hits += best == gold;
    }
}

static void prob_finish(tsn_evaluation *ev, size_t n)
{
    ev->log_loss /= (double)(n ? n : 1);
    ev->ece = 0;
    for (int b = 0; b < 10; b++)
        if (ev->bin_n[b] > 0)
            ev->ece += fabs(ev->bin_hits[b] - ev->bin_conf[b]) / (double)(n ? n : 1);
}

tsn_status tsn_evaluate(const tsn_model *m, const tsn_dataset *d, double min_prob,
                        tsn_evaluation *ev, tsn_error *err)
{
    memset(ev, 0, sizeof *ev);
    ev->min_prob = min_prob;
    if (d->pair != tsn_model_is_pair(m))
        return tsn_error_set(err, TSN_ERR_DATA, "%s: %s, but the model was trained on %s",
                             d->source,
                             d->pair ? "examples have claims" : "examples have no claims",
                             tsn_model_is_pair(m) ? "claim + text pairs" : "single texts");
    size_t K = tsn_model_n_labels(m);
    tsn_status st = TSN_OK;
    double *probs = calloc(K, sizeof *probs);
    tsn_scorer *sc = tsn_scorer_new(m, err);
    if ((ev->metrics = tsn_metrics_new(K, err)) == NULL || sc == NULL || probs == NULL) {
        st = sc == NULL || ev->metrics == NULL ? (err ? err->code : TSN_ERR_NOMEM)
                                               : tsn_error_set(err, TSN_ERR_NOMEM,
                                                               "out of memory");
        goto done;
    }
    for (size_t i = 0; i < d->n; i++) {
        const tsn_example *ex = &d->v[i];
        int gold = tsn_model_find_label(m, ex->label);
        if (gold < 0) {
            st = tsn_error_set(err, TSN_ERR_DATA, "%s:%zu: label \"%s\" is unknown to the model",
                               ex->source, ex->line, ex->label);
            goto done;
        }
        tsn_doc doc = {ex->text, ex->text_len, ex->claim, ex->claim_len};
        size_t best;
        if ((st = tsn_scorer_predict(sc, &doc, probs, &best, err)) != TSN_OK) {
            tsn_error_prefix(err, "%s:%zu", ex->source, ex->line);
            goto done;
        }
        ev->empty += tsn_scorer_empty(sc);
        tsn_metrics_add(ev->metrics, (size_t)gold, best);
        prob_add(ev, probs, best, (size_t)gold);
    }
    prob_finish(ev, d->n);
done:
    free(probs);
    tsn_scorer_free(sc);
    if (st != TSN_OK)
        tsn_evaluation_release(ev);
    return st;
}

void tsn_evaluation_release(tsn_evaluation *ev)
{
    tsn_metrics_free(ev->metrics);
    ev->metrics = NULL;
}

/* Beyond TSN_CONFUSION_MAX labels the aligned report lists the most frequent confusions
 * instead of the whole matrix (K x K cells: 8 MB of text for 1,000 labels); --json keeps all. */
static void write_top_confusions(FILE *f, const tsn_metrics *mt, const tsn_model *m)
{
    enum { TOP = 20 };
    size_t K = mt->n_labels, cell[TOP], n = 0, errors = 0;
    for (size_t c = 0; c < K * K; c++) {
        size_t v = mt->confusion[c];
        if (v == 0 || c / K == c % K)
            continue;
        errors += v;
        size_t i = n < TOP ? n++ : TOP;
        if (i == TOP && mt->confusion[cell[TOP - 1]] >= v)
            continue;
        if (i == TOP)
            i = TOP - 1;
        for (; i > 0 && mt->confusion[cell[i - 1]] < v; i--) /* most frequent first */
            cell[i] = cell[i - 1];
        cell[i] = c;
    }
    fprintf(f, "\nconfusion: %zu labels, too many for the matrix (--json has all of it); the "
               "%zu most frequent of %zu errors (gold -> predicted):\n",
            K, n, errors);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %7zu  %s -> %s\n", mt->confusion[cell[i]],
                tsn_model_label_name(m, cell[i] / K), tsn_model_label_name(m, cell[i] % K));
}

void tsn_write_evaluation(FILE *f, const tsn_evaluation *ev, const tsn_model *m, bool json)
{
    const tsn_metrics *mt = ev->metrics;
    size_t K = mt->n_labels;
    if (json) {
        fprintf(f, "{\"n\":%zu,\"accuracy\":", mt->n);
        tsn_json_num(f, tsn_metrics_accuracy(mt));
        fprintf(f, ",\"macro_f1\":");
        tsn_json_num(f, tsn_metrics_macro_f1(mt));
        fprintf(f, ",\"per_label\":{");
        for (size_t k = 0; k < K; k++) {
            tsn_label_score s = tsn_metrics_label(mt, k);
            if (k)
                fputc(',', f);
            tsn_json_str(f, tsn_model_label_name(m, k));
            fprintf(f, ":{\"precision\":");
            tsn_json_num(f, s.precision);
            fprintf(f, ",\"recall\":");
            tsn_json_num(f, s.recall);
            fprintf(f, ",\"f1\":");
            tsn_json_num(f, s.f1);
            fprintf(f, ",\"support\":%zu}", s.support);
        }
        fprintf(f, "},\"confusion\":{\"labels\":[");
        for (size_t k = 0; k < K; k++) {
            if (k)
                fputc(',', f);
            tsn_json_str(f, tsn_model_label_name(m, k));
        }
        fprintf(f, "],\"matrix\":[");
        for (size_t g = 0; g < K; g++) {
            fprintf(f, "%s[", g ? "," : "");
            for (size_t p = 0; p < K; p++)
                fprintf(f, "%s%zu", p ? "," : "", mt->confusion[g * K + p]);
            fprintf(f, "]");
        }
        fprintf(f, "]},\"log_loss\":");
        tsn_json_num(f, ev->log_loss);
        fprintf(f, ",\"ece\":");
        tsn_json_num(f, ev->ece);
        if (ev->min_prob > 0) {
            fprintf(f, ",\"min_prob\":{\"threshold\":");
            tsn_json_num(f, ev->min_prob);
            fprintf(f, ",\"coverage\":");
            tsn_json_num(f, (double)ev->covered / (double)(mt->n ? mt->n : 1));
            fprintf(f, ",\"accuracy\":");
            tsn_json_num(f, ev->covered ? (double)ev->covered_hits / (double)ev->covered : 0);
            fprintf(f, "}");
        }
        fprintf(f, "}");
        return;
    }
    int w = 5;
    for (size_t k = 0; k < K; k++) {
        int l = (int)strlen(tsn_model_label_name(m, k));
        if (l > w)
            w = l;
    }
    fprintf(f, "examples  %zu\naccuracy  %.4f\nmacro-F1  %.4f\n\n", mt->n,
            tsn_metrics_accuracy(mt), tsn_metrics_macro_f1(mt));
    fprintf(f, "%-*s  precision  recall      f1  support\n", w, "label");
    for (size_t k = 0; k < K; k++) {
        tsn_label_score s = tsn_metrics_label(mt, k);
        fprintf(f, "%-*s  %9.4f  %6.4f  %6.4f  %7zu\n", w, tsn_model_label_name(m, k),
                s.precision, s.recall, s.f1, s.support);
    }
    if (K > TSN_CONFUSION_MAX) {
        write_top_confusions(f, mt, m);
    } else {
    fprintf(f, "\nconfusion (rows: gold, columns: predicted)\n%-*s", w, "");
    for (size_t k = 0; k < K; k++)
        fprintf(f, "  %*zu", 6, k + 1);
    fputc('\n', f);
    for (size_t g = 0; g < K; g++) {
        fprintf(f, "%-*s", w, tsn_model_label_name(m, g));
        for (size_t p = 0; p < K; p++)
            fprintf(f, "  %6zu", mt->confusion[g * K + p]);
        fprintf(f, "   (%zu)\n", g + 1);
    }
    }
    fprintf(f, "\nprobabilities: log-loss %.4f, expected calibration error %.4f\n",
            ev->log_loss, ev->ece);
    if (ev->min_prob > 0)
        fprintf(f, "--min-prob %.2f: answers %zu of %zu (coverage %.4f), accuracy %.4f on them\n",
                ev->min_prob, ev->covered, mt->n,
                (double)ev->covered / (double)(mt->n ? mt->n : 1),
                ev->covered ? (double)ev->covered_hits / (double)ev->covered : 0);
}
