/* api.c -- the public API (include/tasnif.h) over the internal modules.
 *
 * A tasnif_model owns a tsn_model and a pool of scorers: each call that classifies takes a
 * scorer from the pool (or makes one) and gives it back, so a loaded model can be shared by
 * any number of threads without a scorer per call. Strings returned to the caller are written
 * through the same writers as the command line's output (results.c), into memory streams.
 */
#include "tasnif.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cv.h"
#include "dataset.h"
#include "error.h"
#include "mleval.h"
#include "model.h"
#include "results.h"

_Static_assert(sizeof(((tasnif_error *)0)->message) == sizeof(((tsn_error *)0)->msg),
               "tasnif_error and tsn_error hold messages of one size");
_Static_assert((int)TASNIF_ERR_DATA == (int)TSN_ERR_DATA, "status codes match");

struct tasnif_model {
    tsn_model *m;
    pthread_mutex_t lock; /* guards the pool */
    tsn_scorer **pool;
    size_t n, cap;
};

const char *tasnif_version(void)
{
    return TSN_VERSION;
}

const char *tasnif_strerror(tasnif_status code)
{
    return tsn_strerror((tsn_status)code);
}

static void copy_error(tasnif_error *out, const tsn_error *in)
{
    if (out == NULL)
        return;
    out->code = (tasnif_status)in->code;
    memcpy(out->message, in->msg, sizeof out->message);
}

static tasnif_status fail(tasnif_error *out, tsn_status code, const char *msg)
{
    tsn_error e = {0};
    tsn_error_set(&e, code, "%s", msg);
    copy_error(out, &e);
    return (tasnif_status)code;
}

static tasnif_model *wrap(tsn_model *m, tasnif_error *err)
{
    if (m == NULL)
        return NULL;
    tasnif_model *w = calloc(1, sizeof *w);
    if (w == NULL || pthread_mutex_init(&w->lock, NULL) != 0) {
        free(w);
        tsn_model_free(m);
        fail(err, TSN_ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->m = m;
    return w;
}

tasnif_model *tasnif_load(const char *path_or_name, tasnif_error *err)
{
    if (path_or_name == NULL || *path_or_name == '\0') {
        fail(err, TSN_ERR_ARG, "no model named");
        return NULL;
    }
    char buf[4608]; /* (not next to the executable: the program is not tasnif's) */
    const char *path = tsn_model_resolve(path_or_name, false, buf, sizeof buf);
    tsn_error e = {0};
    tsn_model *m = tsn_model_load(path, &e);
    if (m == NULL)
        copy_error(err, &e);
    return wrap(m, err);
}

tasnif_model *tasnif_train(const char *dataset_path, const char *config_json, int threads,
                           tasnif_error *err)
{
    tsn_error e = {0};
    tsn_config cfg;
    tsn_config_init(&cfg);
    if (dataset_path == NULL) {
        fail(err, TSN_ERR_ARG, "no dataset");
        return NULL;
    }
    if (config_json != NULL && *config_json &&
        tsn_config_parse(&cfg, config_json, strlen(config_json), "config", &e) != TSN_OK) {
        copy_error(err, &e);
        return NULL;
    }
    if (tsn_config_check(&cfg, &e) != TSN_OK) {
        copy_error(err, &e);
        return NULL;
    }
    tsn_read_opts ro = {.multi_label = cfg.multi_label};
    tsn_dataset d;
    if (tsn_dataset_load(&d, dataset_path, TSN_FMT_AUTO, &ro, &e) != TSN_OK) {
        copy_error(err, &e);
        return NULL;
    }
    if (threads <= 0 || threads > 256) { /* as the command line's -t: 0 is every processor */
        long np = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
        threads = np > 0 ? (np > 256 ? 256 : (int)np) : 1;
    }
    tsn_corpus *c = tsn_corpus_build(&cfg, &d, threads, NULL, NULL, &e);
    tsn_dataset_release(&d);
    tsn_model *m = c == NULL       ? NULL
                   : cfg.calibrate || cfg.multi_label ? tsn_cv_fit_calibrated(c, 3, 1, NULL, &e)
                                   : tsn_model_fit_consume(c, &e);
    tsn_corpus_free(c);
    if (m == NULL) {
        copy_error(err, &e);
        return NULL;
    }
    return wrap(m, err);
}

tasnif_status tasnif_model_save(const tasnif_model *m, const char *path, tasnif_error *err)
{
    if (m == NULL || path == NULL)
        return fail(err, TSN_ERR_ARG, "no model or no path");
    tsn_error e = {0};
    if (tsn_model_save(m->m, path, &e) != TSN_OK) {
        copy_error(err, &e);
        return (tasnif_status)e.code;
    }
    return TASNIF_OK;
}

void tasnif_model_free(tasnif_model *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n; i++)
        tsn_scorer_free(m->pool[i]);
    free(m->pool);
    pthread_mutex_destroy(&m->lock);
    tsn_model_free(m->m);
    free(m);
}

size_t tasnif_model_n_labels(const tasnif_model *m)
{
    return m ? tsn_model_n_labels(m->m) : 0;
}

const char *tasnif_model_label(const tasnif_model *m, size_t k)
{
    return m && k < tsn_model_n_labels(m->m) ? tsn_model_label_name(m->m, k) : NULL;
}

int tasnif_model_is_pair(const tasnif_model *m)
{
    return m && tsn_model_is_pair(m->m) ? 1 : 0;
}

/* A scorer from the pool, or a new one; NULL with *err set. */
static tsn_scorer *take_scorer(const tasnif_model *cm, tasnif_error *err)
{
    tasnif_model *m = (tasnif_model *)cm; /* the pool changes; the model does not */
    tsn_scorer *s = NULL;
    pthread_mutex_lock(&m->lock);
    if (m->n > 0)
        s = m->pool[--m->n];
    pthread_mutex_unlock(&m->lock);
    if (s != NULL)
        return s;
    tsn_error e = {0};
    if ((s = tsn_scorer_new(m->m, &e)) == NULL)
        copy_error(err, &e);
    return s;
}

static void give_scorer(const tasnif_model *cm, tsn_scorer *s)
{
    tasnif_model *m = (tasnif_model *)cm;
    pthread_mutex_lock(&m->lock);
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 4;
        tsn_scorer **v = realloc(m->pool, cap * sizeof *v);
        if (v == NULL) {
            pthread_mutex_unlock(&m->lock);
            tsn_scorer_free(s);
            return;
        }
        m->pool = v;
        m->cap = cap;
    }
    m->pool[m->n++] = s;
    pthread_mutex_unlock(&m->lock);
}

/* Checks the arguments shared by the classify calls. */
static tasnif_status check_doc(const tasnif_model *m, const char *text, const char *claim,
                               tasnif_error *err)
{
    if (m == NULL || text == NULL)
        return fail(err, TSN_ERR_ARG, "no model or no text");
    if (tsn_model_is_pair(m->m) && claim == NULL)
        return fail(err, TSN_ERR_ARG, "the model classifies claim + text pairs: give a claim");
    return TASNIF_OK;
}

/* Predicts (and explains, when explain > 0) into the caller's buffers through a pooled
 * scorer. *empty (when not NULL) tells whether the document had no feature at all (see
 * tsn_scorer_empty), which only the scorer knows: such a document is not explained. */
static tasnif_status predict(const tasnif_model *m, const tsn_doc *doc, double *probs,
                             size_t *best, tsn_contrib *contrib, size_t explain, size_t *ne,
                             bool *empty, tasnif_error *err)
{
    tsn_scorer *s = take_scorer(m, err);
    if (s == NULL)
        return err ? err->code : TASNIF_ERR_NOMEM;
    tsn_error e = {0};
    tsn_status st = tsn_scorer_predict(s, doc, probs, best, &e);
    bool none = st == TSN_OK && tsn_scorer_empty(s);
    if (empty != NULL)
        *empty = none;
    if (st == TSN_OK && explain > 0 && !none)
        st = tsn_scorer_explain(s, doc, *best, contrib, explain, ne, &e);
    give_scorer(m, s);
    if (st != TSN_OK)
        copy_error(err, &e);
    return (tasnif_status)st;
}

tasnif_status tasnif_classify(const tasnif_model *m, const char *text, size_t len,
                              const char *claim, size_t claim_len, tasnif_label_prob *top,
                              size_t k, size_t *n_out, tasnif_error *err)
{
    if (n_out != NULL)
        *n_out = 0;
    tasnif_status st = check_doc(m, text, claim, err);
    if (st != TASNIF_OK)
        return st;
    size_t K = tsn_model_n_labels(m->m), best;
    double *probs = calloc(K, sizeof *probs);
    size_t *order = calloc(K, sizeof *order);
    if (probs == NULL || order == NULL) {
        free(probs);
        free(order);
        return fail(err, TSN_ERR_NOMEM, "out of memory");
    }
    tsn_doc doc = {text, len, claim, claim ? claim_len : 0};
    if ((st = predict(m, &doc, probs, &best, NULL, 0, NULL, NULL, err)) == TASNIF_OK) {
        tsn_rank(probs, order, K);
        size_t n = k < K ? k : K;
        for (size_t i = 0; i < n; i++)
            top[i] = (tasnif_label_prob){tsn_model_label_name(m->m, order[i]), probs[order[i]]};
        if (n_out != NULL)
            *n_out = n;
    }
    free(probs);
    free(order);
    return st;
}

/* A memory stream for the writers; NULL with *err set. */
static FILE *memstream(char **buf, size_t *len, tasnif_error *err)
{
    FILE *f = open_memstream(buf, len);
    if (f == NULL)
        fail(err, TSN_ERR_NOMEM, "out of memory");
    return f;
}

/* Closes the stream and returns its text (which open_memstream() hands over at fclose() in
 * *buf), or frees it and returns NULL on error. */
static char *finish(FILE *f, char **buf, bool ok, tasnif_error *err)
{
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        if (ok)
            fail(err, TSN_ERR_NOMEM, "out of memory");
        ok = false;
    }
    if (!ok) {
        free(*buf);
        return NULL;
    }
    return *buf;
}

char *tasnif_classify_json(const tasnif_model *m, const char *text, size_t len,
                           const char *claim, size_t claim_len, int k, int explain,
                           tasnif_error *err)
{
    if (check_doc(m, text, claim, err) != TASNIF_OK)
        return NULL;
    if (k < 0 || explain < 0) {
        fail(err, TSN_ERR_ARG, "k and explain must not be negative");
        return NULL;
    }
    size_t K = tsn_model_n_labels(m->m), best, ne = 0;
    double *probs = calloc(K, sizeof *probs);
    size_t *order = calloc(K, sizeof *order);
    tsn_contrib *contrib = calloc((size_t)explain + 1, sizeof *contrib);
    char *buf = NULL;
    size_t blen;
    FILE *f = NULL;
    bool ok = probs != NULL && order != NULL && contrib != NULL;
    if (!ok)
        fail(err, TSN_ERR_NOMEM, "out of memory");
    tsn_doc doc = {text, len, claim, claim ? claim_len : 0};
    bool empty = false;
    if (ok)
        ok = predict(m, &doc, probs, &best, contrib, (size_t)explain, &ne, &empty, err) ==
             TASNIF_OK;
    if (ok)
        ok = (f = memstream(&buf, &blen, err)) != NULL;
    if (ok) {
        tsn_rank(probs, order, K);
        size_t top = k > 1 && !empty ? ((size_t)k < K ? (size_t)k : K) : 0;
        if (empty) { /* as classify answers a document with nothing to go on: no label, 0 */
            for (size_t i = 0; i < K; i++)
                probs[i] = 0;
            best = 0;
        }
        tsn_write_prediction(f, m->m, NULL, false, probs, best, order, top, empty ? 2 : 0,
                             explain > 0, contrib, ne);
    }
    char *out = f != NULL ? finish(f, &buf, ok, err) : NULL;
    free(probs);
    free(order);
    free(contrib);
    return out;
}

char *tasnif_label(const tasnif_model *stance_model, const tasnif_model *topic_model,
                   const char *text, size_t len, double min_prob, tasnif_error *err)
{
    if (stance_model == NULL || topic_model == NULL || text == NULL) {
        fail(err, TSN_ERR_ARG, "label needs a stance model, a topic model and a text");
        return NULL;
    }
    if (!(min_prob >= 0 && min_prob <= 1)) { /* NaN too, as tasnif label --min-prob */
        fail(err, TSN_ERR_ARG, "min_prob must be a number from 0 to 1");
        return NULL;
    }
    /* The JSON "text" of a sentence is a C string: a NUL would cut it short of its start/end
     * span. Refused as the command line refuses it in an article. */
    tsn_error e = {0};
    const char *nul = memchr(text, '\0', len);
    if (nul != NULL) {
        tsn_error_set(&e, TSN_ERR_FORMAT, "NUL byte in text (at byte %zu)", (size_t)(nul - text));
        copy_error(err, &e);
        return NULL;
    }
    if (tsn_model_is_pair(stance_model->m) || tsn_model_is_pair(topic_model->m)) {
        fail(err, TSN_ERR_MODEL, "label needs single-text models, not claim + text pair models");
        return NULL;
    }
    tsn_labeler *lb = tsn_labeler_new(stance_model->m, topic_model->m, &e);
    char *buf = NULL;
    size_t blen;
    FILE *f = NULL;
    bool ok = lb != NULL && tsn_labeler_run(lb, text, len, min_prob, &e) == TSN_OK;
    if (!ok)
        copy_error(err, &e);
    if (ok)
        ok = (f = memstream(&buf, &blen, err)) != NULL;
    if (ok && tsn_labeler_write_json(lb, f, text, NULL, false, &e) != TSN_OK) {
        copy_error(err, &e);
        ok = false;
    }
    char *out = f != NULL ? finish(f, &buf, ok, err) : NULL;
    tsn_labeler_free(lb);
    return out;
}

char *tasnif_evaluate(const tasnif_model *m, const char *dataset_path, tasnif_error *err)
{
    if (m == NULL || dataset_path == NULL) {
        fail(err, TSN_ERR_ARG, "no model or no dataset");
        return NULL;
    }
    tsn_error e = {0};
    tsn_read_opts ro = {.multi_label = tsn_model_multi_label(m->m)};
    tsn_dataset d;
    if (tsn_dataset_load(&d, dataset_path, TSN_FMT_AUTO, &ro, &e) != TSN_OK) {
        copy_error(err, &e);
        return NULL;
    }
    tsn_evaluation ev;
    char *buf = NULL, *out = NULL;
    size_t blen;
    if (tsn_model_multi_label(m->m)) { /* as eval --json writes a multi-label evaluation */
        tsn_ml_evaluation mv;
        if (tsn_ml_evaluate(m->m, &d, &mv, &e) != TSN_OK) {
            copy_error(err, &e);
        } else {
            FILE *f = memstream(&buf, &blen, err);
            if (f != NULL) {
                tsn_ml_write_evaluation(f, &mv, m->m, true);
                out = finish(f, &buf, true, err);
            }
            tsn_ml_evaluation_release(&mv);
        }
    } else if (tsn_evaluate(m->m, &d, 0, &ev, &e) != TSN_OK) {
        copy_error(err, &e);
    } else {
        FILE *f = memstream(&buf, &blen, err);
        if (f != NULL) {
            tsn_write_evaluation(f, &ev, m->m, true);
            out = finish(f, &buf, true, err);
        }
        tsn_evaluation_release(&ev);
    }
    tsn_dataset_release(&d);
    return out;
}

char *tasnif_model_info(const tasnif_model *m, tasnif_error *err)
{
    if (m == NULL) {
        fail(err, TSN_ERR_ARG, "no model");
        return NULL;
    }
    char *buf = NULL;
    size_t blen;
    FILE *f = memstream(&buf, &blen, err);
    if (f == NULL)
        return NULL;
    tsn_error e = {0};
    bool ok = tsn_write_model_info(f, m->m, 0, &e) == TSN_OK;
    if (!ok)
        copy_error(err, &e);
    return finish(f, &buf, ok, err);
}

void tasnif_free(void *p)
{
    free(p);
}
