/* score.c -- using a model: its accessors, prediction (liblinear's decision values,
 * probabilities, the calibrated softmax), explanations and top features, and the scorers that
 * hold one thread's prediction scratch. The model is only read here.
 */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"
#include "model_internal.h"
#include "pipeline.h"

/* ---- Scorers ---- */

/* Everything one thread needs to classify with a model: the model itself is read-only after
 * training or loading (liblinear's predict functions only read it too). */
struct tsn_scorer {
    const tsn_model *m;
    tsn_pipeline *pipe;
    tsn_bag bag, sbag; /* sbag keeps strings, for explanations */
    tsn_charmemo *memo; /* bag's word types (NULL: none, as in hashing mode) */
    tsn_vector x;
    double *dec;       /* [n_labels]: liblinear's values */
    double *z;         /* [n_labels]: decision value by label index */
};

tsn_scorer *tsn_scorer_new(const tsn_model *m, tsn_error *err)
{
    tsn_scorer *s = calloc(1, sizeof *s);
    if (s == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        return NULL;
    }
    s->m = m;
    tsn_bag_init(&s->bag, false);
    tsn_bag_init(&s->sbag, true);
    tsn_vector_init(&s->x);
    if ((s->pipe = tsn_pipeline_new(&m->cfg, m->stopwords, m->stop_len, err)) == NULL)
        goto fail;
    /* A speed-up only: without it (hashing, or no memory for it) the bag hashes every
     * character n-gram of every token, to the same vector. */
    s->memo = tsn_charmemo_new(m->vocab);
    tsn_bag_set_memo(&s->bag, s->memo);
    if ((s->dec = calloc(m->n_labels, sizeof *s->dec)) == NULL ||
        (s->z = calloc(m->n_labels, sizeof *s->z)) == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        goto fail;
    }
    return s;
fail:
    tsn_scorer_free(s);
    return NULL;
}

void tsn_scorer_free(tsn_scorer *s)
{
    if (s == NULL)
        return;
    tsn_pipeline_free(s->pipe);
    tsn_bag_release(&s->bag);
    tsn_charmemo_free(s->memo);
    tsn_bag_release(&s->sbag);
    tsn_vector_release(&s->x);
    free(s->dec);
    free(s->z);
    free(s);
}

/* ---- Accessors ---- */

const tsn_config *tsn_model_config(const tsn_model *m)
{
    return &m->cfg;
}

size_t tsn_model_n_labels(const tsn_model *m)
{
    return m->n_labels;
}

const char *tsn_model_label_name(const tsn_model *m, size_t k)
{
    return m->names[k];
}

int tsn_model_find_label(const tsn_model *m, const char *name)
{
    for (size_t k = 0; k < m->n_labels; k++)
        if (strcmp(m->names[k], name) == 0)
            return (int)k;
    return -1;
}

bool tsn_model_is_pair(const tsn_model *m)
{
    return m->pair;
}

size_t tsn_model_n_features(const tsn_model *m)
{
    return tsn_vocab_size(m->vocab);
}

size_t tsn_model_n_examples(const tsn_model *m)
{
    return m->n_examples;
}

size_t tsn_model_label_support(const tsn_model *m, size_t k)
{
    return m->support[k];
}

bool tsn_model_has_probabilities(const tsn_model *m)
{
    return check_probability_model(m->ll) != 0;
}

tsn_scorer *tsn_model_scorer(tsn_model *m)
{
    return m->own;
}

tsn_pipeline *tsn_model_pipeline(tsn_model *m)
{
    return m->own->pipe;
}

size_t tsn_model_invalid_last(const tsn_model *m)
{
    return tsn_pipeline_invalid(m->own->pipe);
}

/* Scores the vector in s->x into probs (by our label index) and *best. */
/* A label no fold model knew: far below any real decision value, but finite. */
#define ABSENT (-1e6)

/* ---- Weights ---- */

double tsn_model_weight(const tsn_model *m, size_t r, size_t c)
{
    if (m->wstart == NULL)
        return m->ll->w[r * n_cols(m) + c];
    size_t lo = m->wstart[r], hi = m->wstart[r + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->wcol[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->wstart[r + 1] && m->wcol[lo] == c ? m->wval[lo] : 0;
}

/* dec[0..n_cols) = x's products with a sparse model's weights: for each feature of x, its
 * row's weights added into their columns. The sums run in x's order, as liblinear's
 * predict_values runs them, and the weights left out are zeros, whose products change no
 * sum: the values are the dense model's, bit for bit. Features beyond the model's rows are
 * ignored, as liblinear ignores them. */
static void sparse_values(const tsn_model *m, const tsn_sparse *x, double *dec)
{
    size_t cols = n_cols(m), rows = w_rows(m->ll);
    for (size_t k = 0; k < cols; k++)
        dec[k] = 0;
    for (; x->index != -1; x++) {
        if (x->index < 1 || (size_t)x->index > rows)
            continue;
        size_t r = (size_t)x->index - 1;
        for (size_t p = m->wstart[r]; p < m->wstart[r + 1]; p++)
            dec[m->wcol[p]] += m->wval[p] * x->value;
    }
}

static void linear_values(const struct model *ll, const tsn_vector *xv, size_t nw, bool ml,
                          double *dec);

/* liblinear's predict_values, for dense or sparse weights. */
static void values(const tsn_model *m, const tsn_vector *x, double *dec)
{
    if (m->wstart != NULL)
        sparse_values(m, x->v, dec);
    else
        linear_values(m->ll, x, nr_w(m->ll), false, dec);
}

/* liblinear's predict_probability (logistic regression: the logistic of each value,
 * normalized to sum to 1), for dense or sparse weights. */
static void probabilities(const tsn_model *m, const tsn_sparse *x, double *p)
{
    if (m->wstart == NULL) {
        predict_probability(m->ll, (const struct feature_node *)x, p);
        return;
    }
    sparse_values(m, x, p);
    size_t nc = (size_t)m->ll->nr_class, nw = nr_w(m->ll);
    for (size_t i = 0; i < nw; i++)
        p[i] = 1 / (1 + exp(-p[i]));
    if (nc == 2) {
        p[1] = 1. - p[0];
        return;
    }
    double sum = 0;
    for (size_t i = 0; i < nc; i++)
        sum += p[i];
    for (size_t i = 0; i < nc; i++)
        p[i] = p[i] / sum;
}

/* How far ahead of the sum the weight rows of a document's features are fetched: the rows
 * of a large model are spread over tens of megabytes, and the vector says which are needed
 * before the sum gets to them. */
#define ROWS_AHEAD 24

/* dec[0..nw) = the sums of x's values times the model's rows of nw weights (liblinear's
 * predict_values: the same products added in the same order, so the same doubles, but with
 * the rows fetched ahead). Features beyond the model's are skipped, as liblinear does.
 * ml: the weights are one column per label (multi-label), products taken value * weight. */
static void linear_values(const struct model *ll, const tsn_vector *xv, size_t nw, bool ml,
                          double *dec)
{
    const tsn_sparse *x = xv->v;
    const double *w = ll->w;
    size_t n = (size_t)ll->nr_feature + (ll->bias >= 0 ? 1 : 0), len = xv->n - 1;
    size_t row = nw * sizeof *w;
    for (size_t k = 0; k < nw; k++)
        dec[k] = 0;
    for (size_t i = 0; i < len && i < ROWS_AHEAD; i++)
        if ((size_t)x[i].index <= n) {
            const char *r = (const char *)(w + (size_t)(x[i].index - 1) * nw);
            __builtin_prefetch(r);
            __builtin_prefetch(r + row - 1);
        }
    for (size_t i = 0; i < len; i++) {
        if (i + ROWS_AHEAD < len && (size_t)x[i + ROWS_AHEAD].index <= n) {
            const char *r = (const char *)(w + (size_t)(x[i + ROWS_AHEAD].index - 1) * nw);
            __builtin_prefetch(r);
            __builtin_prefetch(r + row - 1);
        }
        size_t idx = (size_t)x[i].index;
        if (idx > n)
            continue;
        const double *wr = w + (idx - 1) * nw;
        double v = x[i].value;
        if (ml)
            for (size_t k = 0; k < nw; k++)
                dec[k] += v * wr[k];
        else
            for (size_t k = 0; k < nw; k++)
                dec[k] += wr[k] * v;
    }
}

/* ---- Prediction ---- */

/* liblinear's decision values for s->x, by label index: one value per class, or for a
 * two-class model +d/2 and -d/2 (so that a softmax over them is the logistic of d). */
static void decisions(tsn_scorer *s, double *z)
{
    const tsn_model *m = s->m;
    if (m->cfg.multi_label) { /* one column per label, even for two: liblinear's would be one */
        if (m->wstart != NULL)
            sparse_values(m, s->x.v, z);
        else
            linear_values(m->ll, &s->x, m->n_labels, true, z);
        return;
    }
    values(m, &s->x, s->dec);
    for (size_t k = 0; k < m->n_labels; k++)
        z[k] = ABSENT;
    if (nr_w(m->ll) == 1) {
        z[m->ll->label[0] - 1] = s->dec[0] / 2;
        z[m->ll->label[1] - 1] = -s->dec[0] / 2;
    } else {
        for (int j = 0; j < m->ll->nr_class; j++)
            z[m->ll->label[j] - 1] = s->dec[j];
    }
}

/* probs = softmax(z / t); computed from the largest value down, so nothing overflows. */
static void softmax(const double *z, size_t K, double t, double *probs)
{
    double top = z[0], sum = 0;
    for (size_t k = 1; k < K; k++)
        top = z[k] > top ? z[k] : top;
    for (size_t k = 0; k < K; k++)
        sum += probs[k] = exp((z[k] - top) / t);
    for (size_t k = 0; k < K; k++)
        probs[k] /= sum;
}

static void score(tsn_scorer *s, double *probs, size_t *best)
{
    const tsn_model *m = s->m;
    size_t K = m->n_labels;
    for (size_t k = 0; k < K; k++)
        probs[k] = 0;
    if (m->cfg.multi_label) { /* independent per-label probabilities, not summing to 1 */
        decisions(s, s->z);
        size_t b = 0;
        for (size_t k = 0; k < K; k++) {
            double a = m->platt ? m->platt[2 * k] : 1, c = m->platt ? m->platt[2 * k + 1] : 0;
            probs[k] = 1.0 / (1.0 + exp(-(a * s->z[k] + c)));
            if (probs[k] > probs[b])
                b = k;
        }
        *best = b;
        return;
    }
    if (m->temperature > 0) {
        decisions(s, s->z);
        softmax(s->z, K, m->temperature, probs);
        size_t b = 0;
        for (size_t k = 1; k < K; k++)
            if (s->z[k] > s->z[b])
                b = k;
        *best = b; /* the decision's argmax: calibration never changes the label */
        return;
    }
    if (check_probability_model(m->ll)) {
        probabilities(m, s->x.v, s->dec);
        for (int j = 0; j < m->ll->nr_class; j++)
            probs[m->ll->label[j] - 1] = s->dec[j];
    } else {
        values(m, &s->x, s->dec);
        double sum = 0;
        if (nr_w(m->ll) == 1) {
            double d = s->dec[0];
            probs[m->ll->label[0] - 1] = 1.0 / (1.0 + exp(-d));
            probs[m->ll->label[1] - 1] = 1.0 / (1.0 + exp(d));
        } else {
            for (int j = 0; j < m->ll->nr_class; j++)
                probs[m->ll->label[j] - 1] = 1.0 / (1.0 + exp(-s->dec[j]));
        }
        for (size_t k = 0; k < K; k++)
            sum += probs[k];
        for (size_t k = 0; k < K && sum > 0; k++)
            probs[k] /= sum;
    }
    size_t b = 0;
    for (size_t k = 1; k < K; k++)
        if (probs[k] > probs[b])
            b = k;
    *best = b;
}

bool tsn_scorer_empty(const tsn_scorer *s)
{
    return tsn_bag_empty(&s->bag);
}

tsn_status tsn_scorer_predict(tsn_scorer *s, const tsn_doc *doc, double *probs, size_t *best,
                              tsn_error *err)
{
    const tsn_model *m = s->m;
    tsn_doc d = *doc;
    if (!m->pair)
        d.claim = NULL;
    tsn_status st = tsn_pipeline_featurize(s->pipe, &d, &s->bag, err);
    if (st == TSN_OK)
        st = tsn_vocab_vectorize_bag(m->vocab, &m->cfg, &s->bag, m->ll->bias, &s->x, err);
    if (st == TSN_OK)
        score(s, probs, best);
    return st;
}

tsn_status tsn_model_predict(tsn_model *m, const tsn_doc *doc, double *probs, size_t *best,
                             tsn_error *err)
{
    return tsn_scorer_predict(m->own, doc, probs, best, err);
}

tsn_status tsn_model_predict_corpus(tsn_model *m, const tsn_corpus *c, size_t i, double *probs,
                                    size_t *best, double *z, tsn_error *err)
{
    tsn_scorer *s = m->own;
    tsn_status st = tsn_model_corpus_row(m, c, i, &s->x, err);
    if (st != TSN_OK)
        return st;
    score(s, probs, best);
    if (z != NULL)
        decisions(s, z);
    return TSN_OK;
}

/* The weight of feature id (1-based) for label index k, signed so that positive favours k
 * (liblinear's get_decfun_coef, for dense or sparse weights). */
static double coef(const tsn_model *m, int id, size_t k)
{
    if (id < 1 || id > m->ll->nr_feature)
        return 0;
    if (m->cfg.multi_label)
        return tsn_model_weight(m, (size_t)id - 1, k);
    for (int j = 0; j < m->ll->nr_class; j++) {
        if ((size_t)m->ll->label[j] != k + 1)
            continue;
        if (nr_w(m->ll) == 1) /* one column: the first class's, the second's negated */
            return (j == 0 ? 1 : -1) * tsn_model_weight(m, (size_t)id - 1, 0);
        return tsn_model_weight(m, (size_t)id - 1, (size_t)j);
    }
    return 0;
}

static int cmp_contrib(const void *a, const void *b)
{
    const tsn_contrib *x = a, *y = b;
    if (x->contribution != y->contribution)
        return x->contribution > y->contribution ? -1 : 1;
    return strcmp(x->feature, y->feature);
}

/* Keeps the n largest contributions in out (sorted at the end by the caller). */
static void offer(tsn_contrib *out, size_t n, size_t *have, const char *s, double v)
{
    size_t slot;
    if (*have < n) {
        slot = (*have)++;
    } else {
        slot = 0;
        for (size_t i = 1; i < n; i++)
            if (out[i].contribution < out[slot].contribution)
                slot = i;
        if (out[slot].contribution >= v)
            return;
    }
    snprintf(out[slot].feature, sizeof out[slot].feature, "%s", s);
    out[slot].contribution = v;
}

tsn_status tsn_scorer_explain(tsn_scorer *s, const tsn_doc *doc, size_t k, tsn_contrib *out,
                              size_t n, size_t *n_out, tsn_error *err)
{
    const tsn_model *m = s->m;
    *n_out = 0;
    tsn_doc d = *doc;
    if (!m->pair)
        d.claim = NULL;
    tsn_status st = tsn_pipeline_featurize(s->pipe, &d, &s->sbag, err);
    if (st == TSN_OK)
        st = tsn_vocab_vectorize(m->vocab, &m->cfg, s->sbag.v, s->sbag.n, m->ll->bias, &s->x,
                                 err);
    if (st != TSN_OK || n == 0)
        return st;
    size_t have = 0, nx = s->x.n - 1 - (m->ll->bias >= 0 ? 1 : 0);
    for (size_t i = 0; i < s->sbag.n; i++) {
        int id = tsn_vocab_find(m->vocab, s->sbag.v[i].h);
        if (id == 0)
            continue;
        size_t lo = 0, hi = nx; /* binary search for id in the sorted vector */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (s->x.v[mid].index < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo >= nx || s->x.v[lo].index != id)
            continue;
        double v = s->x.v[lo].value * coef(m, id, k);
        if (v > 0)
            offer(out, n, &have, tsn_bag_str(&s->sbag, i), v);
    }
    qsort(out, have, sizeof *out, cmp_contrib);
    *n_out = have;
    return TSN_OK;
}

tsn_status tsn_model_explain(tsn_model *m, const tsn_doc *doc, size_t k, tsn_contrib *out,
                             size_t n, size_t *n_out, tsn_error *err)
{
    return tsn_scorer_explain(m->own, doc, k, out, n, n_out, err);
}

tsn_status tsn_model_top_features(const tsn_model *m, size_t k, tsn_contrib *out, size_t n,
                                  size_t *n_out, tsn_error *err)
{
    *n_out = 0;
    if (m->cfg.hash_buckets > 0)
        return tsn_error_set(err, TSN_ERR_ARG, "a hashing model keeps no feature strings");
    size_t have = 0, V = tsn_vocab_size(m->vocab);
    for (size_t id = 1; id <= V && n > 0; id++) {
        double v = coef(m, (int)id, k);
        if (v > 0)
            offer(out, n, &have, tsn_vocab_str(m->vocab, (int)id), v);
    }
    qsort(out, have, sizeof *out, cmp_contrib);
    *n_out = have;
    return TSN_OK;
}
