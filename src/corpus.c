/* corpus.c -- the training corpus: a dataset featurized once, on threads, with its bags
 * interned in a feature dictionary (tsn_corpus_*), and the sorted label table. Fits
 * (fit.c) build their vocabulary and liblinear rows from it on any subset of documents.
 */
#include "corpus.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "features.h"
#include "model_internal.h"
#include "pipeline.h"

void tsn_corpus_free(tsn_corpus *c)
{
    if (c == NULL)
        return;
    free(c->stopwords);
    tsn_big_free(c->fids, c->fids_cap * sizeof *c->fids);
    tsn_big_free(c->counts, c->counts_cap * sizeof *c->counts);
    free(c->start);
    free(c->labels);
    free(c->lstart);
    free(c->lids);
    for (size_t k = 0; k < c->n_labels; k++)
        free(c->names[k]);
    free(c->names);
    tsn_dict_free(c->dict);
    free(c);
}

size_t tsn_corpus_size(const tsn_corpus *c)
{
    return c->n_docs;
}

size_t tsn_corpus_n_labels(const tsn_corpus *c)
{
    return c->n_labels;
}

const char *tsn_corpus_label_name(const tsn_corpus *c, size_t k)
{
    return c->names[k];
}

size_t tsn_corpus_label(const tsn_corpus *c, size_t i)
{
    return c->labels[i];
}

size_t tsn_corpus_features(const tsn_corpus *c)
{
    return tsn_dict_size(c->dict);
}

void tsn_corpus_set_learner(tsn_corpus *c, const tsn_config *cfg)
{
    c->cfg.solver = cfg->solver;
    c->cfg.C = cfg->C;
    c->cfg.eps = cfg->eps;
    c->cfg.bias = cfg->bias;
    c->cfg.class_weight = cfg->class_weight;
    c->cfg.calibrate = cfg->calibrate;
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The next label of a multi-label string (TSN_LABEL_SEP between labels) at *p, as [a, b). */
static bool next_label(const char **p, const char **a, const char **b)
{
    if (**p == '\0')
        return false;
    *a = *p;
    const char *e = strchr(*p, TSN_LABEL_SEP);
    *b = e ? e : *p + strlen(*p);
    *p = e ? e + 1 : *b;
    return true;
}

/* Fills c->names with the sorted distinct labels of d and c->labels with each doc's index;
 * multi-label, also each doc's label set (c->lstart, c->lids; the first label is the doc's
 * c->labels entry, repeats dropped). */
static tsn_status index_labels(tsn_corpus *c, const tsn_dataset *d, tsn_error *err)
{
    bool multi = c->cfg.multi_label;
    size_t total = 0;
    for (size_t i = 0; i < d->n; i++) {
        total++;
        for (const char *p = d->v[i].label; multi && (p = strchr(p, TSN_LABEL_SEP)); p++)
            total++;
    }
    char **all = malloc((total ? total : 1) * sizeof *all);
    c->labels = malloc((d->n ? d->n : 1) * sizeof *c->labels);
    c->names = malloc((total ? total : 1) * sizeof *c->names);
    if (multi) {
        c->lstart = malloc((d->n + 1) * sizeof *c->lstart);
        c->lids = malloc((total ? total : 1) * sizeof *c->lids);
    }
    if (all == NULL || c->labels == NULL || c->names == NULL ||
        (multi && (c->lstart == NULL || c->lids == NULL))) {
        free(all);
        return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    }
    size_t na = 0;
    tsn_status st = TSN_OK;
    for (size_t i = 0; i < d->n && st == TSN_OK; i++) {
        if (!multi) {
            all[na++] = (char *)d->v[i].label;
            continue;
        }
        const char *p = d->v[i].label, *a, *b;
        while (next_label(&p, &a, &b))
            if ((all[na++] = strndup(a, (size_t)(b - a))) == NULL)
                st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    }
    if (st == TSN_OK) {
        qsort(all, na, sizeof *all, cmp_strp);
        for (size_t i = 0; i < na && st == TSN_OK; i++) {
            if (c->n_labels > 0 && strcmp(c->names[c->n_labels - 1], all[i]) == 0)
                continue;
            if ((c->names[c->n_labels] = strdup(all[i])) == NULL)
                st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
            else
                c->n_labels++;
        }
    }
    if (multi)
        for (size_t i = 0; i < na; i++)
            free(all[i]);
    free(all);
    if (st != TSN_OK)
        return st;
    size_t nl = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!multi) {
            const char *key = d->v[i].label;
            char **hit = bsearch(&key, c->names, c->n_labels, sizeof *c->names, cmp_strp);
            c->labels[i] = (size_t)(hit - c->names);
            continue;
        }
        c->lstart[i] = nl;
        const char *p = d->v[i].label, *a, *b;
        while (next_label(&p, &a, &b)) {
            size_t lo = 0, hi = c->n_labels, len = (size_t)(b - a);
            while (lo < hi) { /* the names are sorted: find [a, b) among them */
                size_t mid = (lo + hi) / 2;
                int cmp = strncmp(c->names[mid], a, len);
                if (cmp == 0 && c->names[mid][len] != '\0')
                    cmp = 1;
                if (cmp < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            bool seen = false;
            for (size_t j = c->lstart[i]; j < nl; j++)
                seen |= c->lids[j] == lo;
            if (!seen)
                c->lids[nl++] = lo;
        }
        c->labels[i] = c->lids[c->lstart[i]];
    }
    if (multi)
        c->lstart[d->n] = nl;
    if (c->n_labels == 0) /* (no name to show below) */
        return tsn_error_set(err, TSN_ERR_DATA, "%s: no examples", d->source);
    if (c->n_labels < 2)
        return tsn_error_set(err, TSN_ERR_DATA,
                             "%s: only one label (\"%s\"): a classifier needs at least two",
                             d->source, c->names[0]);
    return TSN_OK;
}

bool tsn_corpus_has_label(const tsn_corpus *c, size_t i, size_t k)
{
    if (c->lstart == NULL)
        return c->labels[i] == k;
    for (size_t j = c->lstart[i]; j < c->lstart[i + 1]; j++)
        if (c->lids[j] == k)
            return true;
    return false;
}

bool tsn_corpus_multi_label(const tsn_corpus *c)
{
    return c->lstart != NULL;
}

/* Featurization runs on a ring of bags without batches: the worker threads take documents in
 * order from a shared position, each featurizing its document into the ring slot of that
 * position (each thread with its own pipeline); this thread interns the finished bags in
 * document order, freeing their slots, and featurizes documents itself whenever the next bag
 * to intern is not ready. A document is taken only when its slot is free, so the ring bounds
 * the bags in memory. Bags do not depend on the thread that made them and interning follows
 * document order, so the dictionary, the feature ids and the model are the same for any
 * number of threads. The shared positions and the ready flags are kept under one mutex,
 * taken twice per document: featurizing and interning run outside it. */

#define TSN_RING_PER_THREAD 64

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* broadcast when a bag is ready, a slot frees or the work stops */
    const tsn_dataset *d;
    tsn_bag *ring;
    bool *ready;     /* ring[k] holds the finished bag of the document of its position */
    size_t cap;      /* slots in the ring */
    size_t next;     /* the next document to take */
    size_t interned; /* documents interned: slots of later positions only are in use */
    bool stop;       /* a document failed, or interning did: take no more */
    size_t failed;   /* the first document that failed to featurize, or SIZE_MAX */
    tsn_error err;   /* its error */
} ring;

typedef struct {
    ring *r;
    tsn_pipeline *pipe;
    tsn_bag lender; /* holds the tables this thread lends each bag it fills */
} worker;

/* Featurizes document i into its slot, under no lock; then, under the lock (held on entry
 * and on return), marks the slot ready or records the failure. */
static void featurize_one(worker *w, size_t i)
{
    ring *r = w->r;
    pthread_mutex_unlock(&r->mu);
    const tsn_example *ex = &r->d->v[i];
    tsn_doc doc = {ex->text, ex->text_len, ex->claim, ex->claim_len};
    tsn_bag *bag = &r->ring[i % r->cap];
    tsn_error err = {0};
    tsn_bag_swap_tables(&w->lender, bag);
    tsn_status st = tsn_pipeline_featurize(w->pipe, &doc, bag, &err);
    tsn_bag_swap_tables(&w->lender, bag);
    if (st != TSN_OK)
        tsn_error_prefix(&err, "%s:%zu", ex->source, ex->line);
    pthread_mutex_lock(&r->mu);
    if (st != TSN_OK) {
        r->stop = true;
        if (i < r->failed) { /* documents are taken in order: the first failure is kept */
            r->failed = i;
            r->err = err;
        }
    } else {
        r->ready[i % r->cap] = true;
    }
    pthread_cond_broadcast(&r->cv);
}

/* Whether the next document can be taken now: there is one, and its slot is free. */
static bool can_take(const ring *r)
{
    return !r->stop && r->next < r->d->n && r->next < r->interned + r->cap;
}

static void *worker_run(void *arg)
{
    worker *w = arg;
    ring *r = w->r;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (!can_take(r) && !r->stop && r->next < r->d->n)
            pthread_cond_wait(&r->cv, &r->mu);
        if (!can_take(r))
            break;
        featurize_one(w, r->next++);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Appends a finished bag's features (ids and counts) to the corpus as document i: its own
 * entries, then its word types, each standing for its unigrams and character n-grams
 * (TSN_ROW_TYPE). */
static tsn_status intern_bag(tsn_corpus *c, size_t i, const tsn_bag *bag, uint32_t **ids,
                             size_t *ids_cap, tsn_error *err)
{
    const tsn_bag *types = tsn_bag_types(bag);
    size_t nt = types != NULL ? types->n : 0, n = bag->n + nt;
    if (n > *ids_cap) {
        free(*ids);
        *ids_cap = n * 2;
        if ((*ids = malloc(*ids_cap * sizeof **ids)) == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    }
    tsn_status st = tsn_dict_add_bag(c->dict, bag, *ids, err);
    if (st == TSN_OK && nt > 0)
        st = tsn_dict_add_types(c->dict, &c->cfg, bag, *ids + bag->n, err);
    if (st != TSN_OK)
        return st;
    size_t total = c->start[i];
    if (!tsn_big_grow_u32(&c->fids, &c->fids_cap, total + n) ||
        !tsn_big_grow_u32(&c->counts, &c->counts_cap, total + n))
        return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    if (n > 0) /* (an empty row may come before anything is allocated) */
        memcpy(c->fids + total, *ids, n * sizeof **ids);
    for (size_t k = 0; k < bag->n; k++)
        c->counts[total + k] = bag->v[k].count;
    for (size_t k = 0; k < nt; k++)
        c->counts[total + bag->n + k] = types->v[k].count;
    c->start[i + 1] = total + n;
    return TSN_OK;
}

/* Featurizes and interns every document of d on `workers` threads (this one included), as
 * the comment above the ring says; progress is reported every 256 documents interned. */
static tsn_status featurize_all(tsn_corpus *c, const tsn_dataset *d, size_t workers,
                                tsn_progress_fn progress, void *ctx, tsn_error *err)
{
    ring r = {.d = d, .cap = workers * TSN_RING_PER_THREAD, .failed = SIZE_MAX};
    worker *ws = calloc(workers, sizeof *ws);
    pthread_t *tids = calloc(workers, sizeof *tids);
    r.ring = calloc(r.cap, sizeof *r.ring);
    r.ready = calloc(r.cap, sizeof *r.ready);
    uint32_t *ids = NULL;
    size_t ids_cap = 0, started = 0;
    tsn_status st = TSN_OK;
    bool sync = false;
    if (ws == NULL || tids == NULL || r.ring == NULL || r.ready == NULL)
        goto nomem;
    for (size_t k = 0; k < r.cap; k++) {
        tsn_bag_init(&r.ring[k], true);
        /* with a vocabulary, a row's unigrams and character n-grams are kept as its word
         * types (the order of a row's entries does not matter then; feature hashing sums
         * colliding entries in row order, so it keeps the features themselves) */
        if (c->cfg.hash_buckets == 0 && !tsn_bag_collect_types(&r.ring[k]))
            goto nomem;
    }
    for (size_t w = 0; w < workers; w++) {
        ws[w].r = &r;
        tsn_bag_init(&ws[w].lender, true);
        if (c->cfg.hash_buckets == 0 && !tsn_bag_collect_types(&ws[w].lender))
            goto nomem;
        ws[w].pipe = tsn_pipeline_new(&c->cfg, c->stopwords, c->stop_len, err);
        if (ws[w].pipe == NULL) {
            st = err != NULL ? err->code : TSN_ERR_NOMEM;
            goto done;
        }
    }
    if (pthread_mutex_init(&r.mu, NULL) != 0)
        goto nomem;
    if (pthread_cond_init(&r.cv, NULL) != 0) {
        pthread_mutex_destroy(&r.mu);
        goto nomem;
    }
    sync = true;
    for (size_t w = 1; w < workers && w < d->n; w++) {
        if (pthread_create(&tids[w], NULL, worker_run, &ws[w]) != 0)
            break; /* this thread takes the work the missing ones would have done */
        started = w;
    }
    pthread_mutex_lock(&r.mu);
    while (!r.stop && r.interned < d->n) {
        size_t k = r.interned;
        if (r.ready[k % r.cap]) {
            r.ready[k % r.cap] = false;
            pthread_mutex_unlock(&r.mu);
            st = intern_bag(c, k, &r.ring[k % r.cap], &ids, &ids_cap, err);
            if (st == TSN_OK && progress != NULL && (k + 1) % 256 == 0)
                progress(ctx, "featurize", k + 1, d->n);
            pthread_mutex_lock(&r.mu);
            if (st != TSN_OK)
                r.stop = true;
            else
                r.interned = k + 1;
            pthread_cond_broadcast(&r.cv);
        } else if (can_take(&r)) {
            featurize_one(&ws[0], r.next++);
        } else {
            pthread_cond_wait(&r.cv, &r.mu);
        }
    }
    r.stop = true; /* (the workers stop taking; each finishes the document it holds) */
    pthread_cond_broadcast(&r.cv);
    pthread_mutex_unlock(&r.mu);
    for (size_t w = 1; w <= started; w++)
        pthread_join(tids[w], NULL);
    if (st == TSN_OK && r.failed != SIZE_MAX) { /* the first document that failed */
        if (err != NULL)
            *err = r.err;
        st = r.err.code != TSN_OK ? r.err.code : TSN_ERR_DATA;
    }
    if (st == TSN_OK && progress != NULL)
        progress(ctx, "featurize", d->n, d->n);
    goto done;
nomem:
    st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
done:
    if (sync) {
        pthread_cond_destroy(&r.cv);
        pthread_mutex_destroy(&r.mu);
    }
    free(ids);
    for (size_t k = 0; r.ring != NULL && k < r.cap; k++)
        tsn_bag_release(&r.ring[k]);
    free(r.ring);
    free(r.ready);
    for (size_t w = 0; ws != NULL && w < workers; w++) {
        tsn_pipeline_free(ws[w].pipe);
        tsn_bag_release(&ws[w].lender);
    }
    free(ws);
    free(tids);
    return st;
}

tsn_corpus *tsn_corpus_build(const tsn_config *cfg, const tsn_dataset *d, int threads,
                             tsn_progress_fn progress, void *ctx, tsn_error *err)
{
    tsn_corpus *c = calloc(1, sizeof *c);
    size_t workers = threads > 0 ? (size_t)threads : 1;
    if (c == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        return NULL;
    }
    c->cfg = *cfg;
    if (c->cfg.claim_features == TSN_CLAIM_AUTO || c->cfg.pair_features == TSN_CLAIM_AUTO) {
        bool recur = tsn_dataset_claims_recur(d);
        if (c->cfg.claim_features == TSN_CLAIM_AUTO)
            c->cfg.claim_features = recur ? TSN_CLAIM_ON : TSN_CLAIM_OFF;
        if (c->cfg.pair_features == TSN_CLAIM_AUTO)
            c->cfg.pair_features = recur ? TSN_CLAIM_OFF : TSN_CLAIM_ON;
    }
    cfg = &c->cfg; /* the resolved config from here on: it is the one the model records */
    c->pair = d->pair;
    c->n_docs = d->n;
    c->threads = workers;
    if (tsn_config_check(cfg, err) != TSN_OK || index_labels(c, d, err) != TSN_OK ||
        (cfg->hash_buckets > 0 && /* the size is known now: refuse before featurizing */
         tsn_weights_check(cfg, (size_t)cfg->hash_buckets, c->n_labels, workers, err) !=
             TSN_OK))
        goto fail;
    if (tsn_pipeline_stopwords_text(cfg, &c->stopwords, &c->stop_len, err) != TSN_OK)
        goto fail;
    if ((c->dict = tsn_dict_new(err)) == NULL)
        goto fail;
    if ((c->start = malloc((d->n + 1) * sizeof *c->start)) == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        goto fail;
    }
    c->start[0] = 0;
    if (featurize_all(c, d, workers, progress, ctx, err) != TSN_OK)
        goto fail;
    tsn_dict_drop_type_index(c->dict);
    return c;
fail:
    tsn_corpus_free(c);
    return NULL;
}
