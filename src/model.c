/* model.c -- the only module that includes liblinear.
 *
 * Model file layout (format version 1), every section introduced by a text line:
 *   tasnif-model 1\n
 *   meta <bytes>\n<JSON: versions, config, labels, supports, liblinear layout>\n
 *   stopwords <bytes>\n<the stop-word list text>\n
 *   vocab <bytes>\n<feature strings in id order, each NUL-terminated>\n   (empty when hashing)
 *   idf <count>\n<count little-endian IEEE-754 doubles>\n
 *   weights <count>\n<count little-endian doubles: liblinear's w, feature-major>\n
 *   checksum <16 hex digits>\n     FNV-1a 64 of every byte before this line
 * Doubles are stored as bits, so a model loads to exactly the weights that were trained and
 * the same data and config give the same bytes. The checksum is verified before anything is
 * parsed, so truncation and bit flips are reported as such.
 */
#include "model.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <linear.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bigmem.h"
#include "features.h"
#include "fileio.h"
#include "hash.h"
#include "normalize.h"

_Static_assert(sizeof(tsn_sparse) == sizeof(struct feature_node), "feature_node layout");
_Static_assert(offsetof(tsn_sparse, value) == offsetof(struct feature_node, value),
               "feature_node layout");

#define MAGIC "tasnif-model "

/* ---- Corpus ---- */

struct tsn_corpus {
    tsn_config cfg;
    char *stopwords;
    size_t stop_len;
    size_t n_docs;
    uint32_t *fids, *counts; /* all documents' features, concatenated */
    size_t *start;           /* [n_docs + 1] */
    size_t *labels;          /* label index of each document */
    char **names;            /* sorted distinct labels */
    size_t n_labels;
    tsn_dict *dict;
    bool pair;
    size_t threads; /* the fit trains one-vs-rest classes on this many threads */
};

void tsn_corpus_free(tsn_corpus *c)
{
    if (c == NULL)
        return;
    free(c->stopwords);
    free(c->fids);
    free(c->counts);
    free(c->start);
    free(c->labels);
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

/* Fills c->names with the sorted distinct labels of d and c->labels with each doc's index. */
static tsn_status index_labels(tsn_corpus *c, const tsn_dataset *d, tsn_error *err)
{
    char **all = malloc(d->n * sizeof *all);
    c->labels = malloc(d->n * sizeof *c->labels);
    c->names = malloc(d->n * sizeof *c->names);
    if (all == NULL || c->labels == NULL || c->names == NULL) {
        free(all);
        return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < d->n; i++)
        all[i] = (char *)d->v[i].label;
    qsort(all, d->n, sizeof *all, cmp_strp);
    for (size_t i = 0; i < d->n; i++) {
        if (c->n_labels > 0 && strcmp(c->names[c->n_labels - 1], all[i]) == 0)
            continue;
        if ((c->names[c->n_labels] = strdup(all[i])) == NULL) {
            free(all);
            return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        }
        c->n_labels++;
    }
    free(all);
    for (size_t i = 0; i < d->n; i++) {
        const char *key = d->v[i].label;
        char **hit = bsearch(&key, c->names, c->n_labels, sizeof *c->names, cmp_strp);
        c->labels[i] = (size_t)(hit - c->names);
    }
    if (c->n_labels < 2)
        return tsn_error_set(err, TSN_ERR_DATA,
                             "%s: only one label (\"%s\"): a classifier needs at least two",
                             d->source, c->names[0]);
    return TSN_OK;
}

/* Featurization runs in batches, two at a time: while the worker threads featurize the
 * documents of one batch into bags (each thread with its own pipeline, taking documents in
 * turn from a shared counter), this thread interns the bags of the previous batch in
 * document order and then joins the workers. Bags do not depend on the thread that made
 * them and interning follows document order, so the dictionary, the feature ids and the
 * model are the same for any number of threads. */

#define TSN_BATCH_PER_THREAD 32

typedef struct {
    tsn_pipeline *pipe;
    const tsn_dataset *d;
    tsn_bag *bags;        /* the batch's bags, by position in the batch */
    size_t first, n;      /* the batch: documents first .. first + n - 1 */
    atomic_size_t *next;  /* the next position to take, shared by the workers */
    size_t failed;        /* position of the document that failed, or SIZE_MAX */
    tsn_error err;
} batch_job;

static void *featurize_batch(void *arg)
{
    batch_job *j = arg;
    size_t k;
    while ((k = atomic_fetch_add(j->next, 1)) < j->n) {
        const tsn_example *ex = &j->d->v[j->first + k];
        tsn_doc doc = {ex->text, ex->text_len, ex->claim, ex->claim_len};
        if (tsn_pipeline_featurize(j->pipe, &doc, &j->bags[k], &j->err) != TSN_OK) {
            tsn_error_prefix(&j->err, "%s:%zu", ex->source, ex->line);
            j->failed = k;
            break;
        }
    }
    return NULL;
}

/* Appends a finished bag's features (ids and counts) to the corpus as document i. */
static tsn_status intern_bag(tsn_corpus *c, size_t i, const tsn_bag *bag, uint32_t **ids,
                             size_t *ids_cap, size_t *cap, tsn_error *err)
{
    if (bag->n > *ids_cap) {
        free(*ids);
        *ids_cap = bag->n * 2;
        if ((*ids = malloc(*ids_cap * sizeof **ids)) == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    }
    tsn_status st = tsn_dict_add_bag(c->dict, bag, *ids, err);
    if (st != TSN_OK)
        return st;
    size_t total = c->start[i];
    if (total + bag->n > *cap) {
        size_t ncap = *cap ? *cap : 65536;
        while (ncap < total + bag->n)
            ncap *= 2;
        uint32_t *f = realloc(c->fids, ncap * sizeof *f);
        if (f == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        c->fids = f;
        uint32_t *n = realloc(c->counts, ncap * sizeof *n);
        if (n == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        c->counts = n;
        *cap = ncap;
    }
    for (size_t k = 0; k < bag->n; k++) {
        c->fids[total + k] = (*ids)[k];
        c->counts[total + k] = bag->v[k].count;
    }
    c->start[i + 1] = total + bag->n;
    return TSN_OK;
}

tsn_corpus *tsn_corpus_build(const tsn_config *cfg, const tsn_dataset *d, int threads,
                             tsn_progress_fn progress, void *ctx, tsn_error *err)
{
    tsn_corpus *c = calloc(1, sizeof *c);
    size_t workers = threads > 0 ? (size_t)threads : 1, batch = 0;
    batch_job *jobs = calloc(workers, sizeof *jobs);
    pthread_t *tids = calloc(workers, sizeof *tids);
    tsn_bag *bags = NULL; /* two batches: [0, batch) and [batch, 2 batch) */
    uint32_t *ids = NULL;
    size_t ids_cap = 0, cap = 0;
    atomic_size_t next;
    if (c == NULL || jobs == NULL || tids == NULL)
        goto nomem;
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
    if (tsn_config_check(cfg, err) != TSN_OK || index_labels(c, d, err) != TSN_OK)
        goto fail;
    if (tsn_pipeline_stopwords_text(cfg, &c->stopwords, &c->stop_len, err) != TSN_OK)
        goto fail;
    if ((c->dict = tsn_dict_new(err)) == NULL)
        goto fail;
    if ((c->start = malloc((d->n + 1) * sizeof *c->start)) == NULL)
        goto nomem;
    c->start[0] = 0;
    batch = workers * TSN_BATCH_PER_THREAD;
    if ((bags = calloc(2 * batch, sizeof *bags)) == NULL)
        goto nomem;
    for (size_t k = 0; k < 2 * batch; k++)
        tsn_bag_init(&bags[k], true);
    for (size_t w = 0; w < workers; w++) {
        jobs[w] = (batch_job){.d = d, .next = &next};
        if ((jobs[w].pipe = tsn_pipeline_new(cfg, c->stopwords, c->stop_len, err)) == NULL)
            goto fail;
    }
    size_t n_batches = (d->n + batch - 1) / batch;
    for (size_t b = 0; b <= n_batches; b++) {
        /* featurize batch b (if any) while interning batch b - 1 (if any) */
        size_t first = b * batch, n = b < n_batches ? d->n - first : 0, started = 0;
        n = n < batch ? n : batch;
        tsn_bag *fill = bags + (b % 2) * batch, *done = bags + ((b + 1) % 2) * batch;
        atomic_store(&next, 0);
        for (size_t w = 0; w < workers; w++) {
            jobs[w].bags = fill;
            jobs[w].first = first;
            jobs[w].n = n;
            jobs[w].failed = SIZE_MAX;
        }
        for (size_t w = 1; w < workers && n > 0; w++) {
            if (pthread_create(&tids[w], NULL, featurize_batch, &jobs[w]) != 0)
                break; /* this thread takes the work the missing ones would have done */
            started = w;
        }
        tsn_status st = TSN_OK;
        if (b > 0) {
            size_t prev = first - batch;
            for (size_t k = 0; k < batch && prev + k < d->n && st == TSN_OK; k++)
                st = intern_bag(c, prev + k, &done[k], &ids, &ids_cap, &cap, err);
        }
        if (st == TSN_OK)
            featurize_batch(&jobs[0]);
        for (size_t w = 1; w <= started; w++)
            pthread_join(tids[w], NULL);
        if (st != TSN_OK)
            goto fail;
        size_t failed = SIZE_MAX, who = 0; /* report the first document that failed */
        for (size_t w = 0; w < workers; w++)
            if (jobs[w].failed < failed) {
                failed = jobs[w].failed;
                who = w;
            }
        if (failed != SIZE_MAX) {
            if (err != NULL)
                *err = jobs[who].err;
            goto fail;
        }
        if (progress != NULL && b > 0)
            progress(ctx, "featurize", first < d->n ? first : d->n, d->n);
    }
    free(ids);
    for (size_t k = 0; k < 2 * batch; k++)
        tsn_bag_release(&bags[k]);
    free(bags);
    for (size_t w = 0; w < workers; w++)
        tsn_pipeline_free(jobs[w].pipe);
    free(jobs);
    free(tids);
    return c;
nomem:
    tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
fail:
    free(ids);
    for (size_t k = 0; bags != NULL && k < 2 * batch; k++)
        tsn_bag_release(&bags[k]);
    free(bags);
    for (size_t w = 0; jobs != NULL && w < workers; w++)
        tsn_pipeline_free(jobs[w].pipe);
    free(jobs);
    free(tids);
    tsn_corpus_free(c);
    return NULL;
}

/* ---- Model ---- */

struct tsn_model {
    tsn_config cfg;
    char *stopwords;
    size_t stop_len;
    char **names;
    size_t n_labels;
    size_t *support;   /* training examples per label */
    size_t n_examples;
    bool pair;
    tsn_vocab *vocab;
    struct model *ll;  /* liblinear's; labels are our indices + 1 */
    double temperature; /* > 0: calibrated, probs = softmax(decisions / temperature) */
    tsn_scorer *own;   /* scratch for the single-threaded calls (tsn_model_predict...) */
    uint32_t *dmap;         /* vocabulary ids of dmap_of's features (tsn_vocab_map_dict) */
    const tsn_dict *dmap_of; /* the corpus dictionary dmap is for, or NULL */
};

/* Everything one thread needs to classify with a model: the model itself is read-only after
 * training or loading (liblinear's predict functions only read it too). */
struct tsn_scorer {
    const tsn_model *m;
    tsn_pipeline *pipe;
    tsn_bag bag, sbag; /* sbag keeps strings, for explanations */
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
    tsn_bag_release(&s->sbag);
    tsn_vector_release(&s->x);
    free(s->dec);
    free(s->z);
    free(s);
}

static void (*solver_output)(const char *);

static void quiet(const char *s)
{
    (void)s;
}

void tsn_model_set_solver_output(void (*fn)(const char *))
{
    solver_output = fn;
    set_print_string_function(fn != NULL ? fn : quiet);
}

void tsn_model_free(tsn_model *m)
{
    if (m == NULL)
        return;
    free(m->stopwords);
    for (size_t k = 0; k < m->n_labels; k++)
        free(m->names[k]);
    free(m->names);
    free(m->support);
    tsn_vocab_free(m->vocab);
    if (m->ll != NULL) {
        m->ll->param.weight_label = NULL;
        m->ll->param.weight = NULL;
        m->ll->param.init_sol = NULL;
        free_and_destroy_model(&m->ll);
    }
    tsn_scorer_free(m->own);
    free(m->dmap);
    free(m);
}

static const int solver_map[] = {L2R_LR,          L2R_LR_DUAL, L2R_L2LOSS_SVC_DUAL,
                                 L2R_L2LOSS_SVC,  L2R_L1LOSS_SVC_DUAL, MCSVM_CS,
                                 L1R_L2LOSS_SVC,  L1R_LR};

/* liblinear's default tolerance per solver (its train.c). */
static double default_eps(int solver)
{
    switch (solver) {
    case L2R_LR:
    case L2R_L2LOSS_SVC:
    case L1R_L2LOSS_SVC:
    case L1R_LR: return 0.01;
    default: return 0.1;
    }
}

/* Per-label sizes of a weight vector: liblinear keeps one column for two classes. */
static size_t nr_w(const struct model *ll)
{
    return ll->nr_class == 2 && ll->param.solver_type != MCSVM_CS ? 1 : (size_t)ll->nr_class;
}

static size_t w_rows(const struct model *ll)
{
    return (size_t)ll->nr_feature + (ll->bias >= 0 ? 1 : 0);
}

/* Finishes a model whose config, labels, stop words and vocabulary are set: builds the
 * prediction scratch. */
static tsn_status ready(tsn_model *m, tsn_error *err)
{
    if ((m->own = tsn_scorer_new(m, err)) == NULL)
        return err != NULL ? err->code : TSN_ERR_NOMEM;
    return TSN_OK;
}

static tsn_status copy_labels(tsn_model *m, const tsn_corpus *c, tsn_error *err)
{
    m->n_labels = c->n_labels;
    m->names = calloc(c->n_labels, sizeof *m->names);
    m->support = calloc(c->n_labels, sizeof *m->support);
    if (m->names == NULL || m->support == NULL)
        return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < c->n_labels; k++)
        if ((m->names[k] = strdup(c->names[k])) == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    return TSN_OK;
}

/* Makes m->dmap, the vocabulary ids of the corpus' dictionary, unless it is made already. */
static tsn_status map_dict(tsn_model *m, const tsn_corpus *c, tsn_error *err)
{
    if (m->dmap_of != c->dict) {
        free(m->dmap);
        m->dmap_of = NULL;
        if ((m->dmap = tsn_vocab_map_dict(m->vocab, c->dict, err)) == NULL)
            return err != NULL ? err->code : TSN_ERR_NOMEM;
        m->dmap_of = c->dict;
    }
    return TSN_OK;
}

/* x = the vector of corpus document i under m's vocabulary (through m->dmap, made for the
 * corpus' dictionary on first use). */
static tsn_status corpus_row(tsn_model *m, const tsn_corpus *c, size_t i, tsn_vector *x,
                             tsn_error *err)
{
    tsn_status st = map_dict(m, c, err);
    if (st != TSN_OK)
        return st;
    size_t a = c->start[i], b = c->start[i + 1];
    return tsn_vocab_vectorize_row(m->vocab, &m->cfg, m->dmap, c->fids + a, c->counts + a,
                                   b - a, m->cfg.bias, x, err);
}

/* liblinear's rows, in blocks: a new block of at least NODE_BLOCK nodes whenever the current
 * one is full (no allocation per document, and no single huge array to grow). */
#define NODE_BLOCK ((size_t)1 << 22)

typedef struct {
    struct feature_node **blocks; /* each NODE_BLOCK nodes, or one row if longer */
    size_t *sizes;                /* of each block, in nodes */
    size_t n_blocks;
    size_t used, cap; /* of the last block */
} node_store;

/* n contiguous nodes (a document's row), from the last block or a new one. Blocks are the big
 * blocks of bigmem.h: written once, then walked in random order by liblinear. */
static struct feature_node *node_alloc(node_store *ns, size_t n)
{
    if (ns->n_blocks == 0 || ns->cap - ns->used < n) {
        size_t sz = n > NODE_BLOCK ? n : NODE_BLOCK;
        struct feature_node **b = realloc(ns->blocks, (ns->n_blocks + 1) * sizeof *b);
        if (b == NULL)
            return NULL;
        ns->blocks = b;
        size_t *s = realloc(ns->sizes, (ns->n_blocks + 1) * sizeof *s);
        if (s == NULL)
            return NULL;
        ns->sizes = s;
        if ((b[ns->n_blocks] = tsn_big_alloc(sz * sizeof **b)) == NULL)
            return NULL;
        s[ns->n_blocks++] = sz;
        ns->used = 0;
        ns->cap = sz;
    }
    struct feature_node *p = ns->blocks[ns->n_blocks - 1] + ns->used;
    ns->used += n;
    return p;
}

static void node_store_release(node_store *ns)
{
    for (size_t i = 0; i < ns->n_blocks; i++)
        tsn_big_free(ns->blocks[i], ns->sizes[i] * sizeof **ns->blocks);
    free(ns->blocks);
    free(ns->sizes);
    memset(ns, 0, sizeof *ns);
}

/* liblinear's rows are built on the corpus' threads, ROW_ROUND positions at a time (taken
 * ROW_BATCH at a time), each thread writing into its own node store: a row's place in memory
 * depends on the thread that built it, its content and position in the problem do not. */
#define ROW_ROUND 1024
#define ROW_BATCH 16

typedef struct {
    tsn_model *m;
    const tsn_corpus *c;
    const size_t *idx;     /* the documents of the problem (NULL: all) */
    size_t n;              /* rows in the problem */
    bool reverse;          /* position r is row n - 1 - r (the consuming fit) */
    size_t end;            /* positions [.., end) in this round */
    atomic_size_t *next;   /* the next position to take, shared */
    struct problem *prob;  /* x and y filled in at the rows built */
    node_store store;      /* this thread's rows */
    tsn_vector x;          /* scratch */
    tsn_status st;
    tsn_error err;
} rows_job;

static void rows_release(rows_job *jobs, size_t workers)
{
    for (size_t w = 0; jobs != NULL && w < workers; w++) {
        node_store_release(&jobs[w].store);
        tsn_vector_release(&jobs[w].x);
    }
    free(jobs);
}

static void *build_rows(void *arg)
{
    rows_job *w = arg;
    for (size_t r0; w->st == TSN_OK && (r0 = atomic_fetch_add(w->next, ROW_BATCH)) < w->end;) {
        size_t r1 = r0 + ROW_BATCH < w->end ? r0 + ROW_BATCH : w->end;
        for (size_t r = r0; r < r1 && w->st == TSN_OK; r++) {
            size_t j = w->reverse ? w->n - 1 - r : r;
            size_t i = w->idx != NULL ? w->idx[j] : j;
            if ((w->st = corpus_row(w->m, w->c, i, &w->x, &w->err)) != TSN_OK)
                break;
            struct feature_node *row = node_alloc(&w->store, w->x.n);
            if (row == NULL) {
                w->st = tsn_error_set(&w->err, TSN_ERR_NOMEM, "training: out of memory");
                break;
            }
            memcpy(row, w->x.v, w->x.n * sizeof *row);
            w->prob->x[j] = row;
            w->prob->y[j] = (double)(w->c->labels[i] + 1);
        }
    }
    return NULL;
}

/* Releases the corpus' feature entries from `keep` on (realloc shrinks a large block in
 * place and gives the pages back). */
static void shrink_corpus(tsn_corpus *c, size_t keep)
{
    if (keep == 0) {
        free(c->fids);
        free(c->counts);
        c->fids = c->counts = NULL;
        return;
    }
    uint32_t *f = realloc(c->fids, keep * sizeof *f);
    uint32_t *k = realloc(c->counts, keep * sizeof *k);
    if (f != NULL)
        c->fids = f;
    if (k != NULL)
        c->counts = k;
}

static tsn_model *fit(tsn_corpus *c, const size_t *idx, size_t n, bool consume,
                      tsn_error *err);

/* ---- liblinear's random numbers, and one-vs-rest on threads ---- */

/* liblinear 2.3's dual coordinate-descent solvers shuffle with rand(). This definition takes
 * the place of the C library's in the program (liblinear's calls bind to it): each thread
 * draws from its own generator, which train_classes() seeds before every class, so the
 * weights of a class depend on its own problem only -- not on the classes trained before it,
 * nor on the thread that trains it, nor on anything else in the process that uses rand().
 * A 64-bit linear congruential generator (Knuth's MMIX constants); rand() returns its top 31
 * bits, 0..RAND_MAX as glibc defines it. */
static _Thread_local uint64_t rand_state = 1;

int rand(void)
{
    rand_state = rand_state * 6364136223846793005u + 1442695040888963407u;
    return (int)(rand_state >> 33);
}

typedef struct {
    const struct problem *prob;
    const struct parameter *param; /* as for train(); its class weights are by label */
    const int *label; /* [nr_class] liblinear labels, in order of first occurrence */
    const int *order; /* [nr_class] classes in the order to take them: largest first */
    int nr_class;
    double *w;        /* [w_size * nr_class], feature-major, as liblinear lays it out */
    atomic_int next;  /* the next class to train */
    atomic_bool failed;
} ovr_job;

/* The weight of label `label` in param's class weights (1 when it has none). */
static double class_weight(const struct parameter *param, int label)
{
    for (int i = 0; i < param->nr_weight; i++)
        if (param->weight_label[i] == label)
            return param->weight[i];
    return 1.0;
}

/* Trains classes, taken from j->next, each as liblinear's one-vs-rest would: positives of
 * the class at C times its weight (1 when it has none), all the others at C. */
static void *train_ovr(void *arg)
{
    ovr_job *j = arg;
    size_t l = (size_t)j->prob->l, w_size = (size_t)j->prob->n;
    double *y = malloc((l ? l : 1) * sizeof *y);
    if (y == NULL) {
        atomic_store(&j->failed, true);
        return NULL;
    }
    for (int t; !atomic_load(&j->failed) && (t = atomic_fetch_add(&j->next, 1)) < j->nr_class;) {
        int k = j->order[t];
        for (size_t i = 0; i < l; i++)
            y[i] = j->prob->y[i] == j->label[k] ? +1 : -1;
        struct problem sub = *j->prob;
        sub.y = y;
        struct parameter par = *j->param;
        int positive = +1;
        double wk = class_weight(j->param, j->label[k]);
        par.nr_weight = 1;
        par.weight_label = &positive;
        par.weight = &wk;
        rand_state = 1;
        struct model *bin = train(&sub, &par);
        if (bin == NULL) {
            atomic_store(&j->failed, true);
            break;
        }
        /* liblinear puts +1 first when both occur; the weights are for its first label */
        double sign = bin->label[0] == +1 ? 1.0 : -1.0;
        for (size_t f = 0; f < w_size; f++)
            j->w[f * (size_t)j->nr_class + (size_t)k] = sign * bin->w[f];
        free_and_destroy_model(&bin);
    }
    free(y);
    return NULL;
}

/* train(prob, param), with one-vs-rest classes trained on up to `threads` threads: the same
 * layout (labels in order of first occurrence, w feature-major) and, class by class, the
 * problem liblinear would solve; each class is seeded alike (see rand() above), so the
 * weights are the same for any number of threads. Two classes and Crammer-Singer are one
 * problem each: train() itself. NULL when out of memory. */
static struct model *train_classes(const struct problem *prob, const struct parameter *param,
                                   size_t threads)
{
    int *label = malloc((size_t)prob->l * sizeof *label);
    int *count = calloc((size_t)prob->l, sizeof *count), *order = NULL;
    int nr_class = 0;
    if (label == NULL || count == NULL) {
        free(label);
        free(count);
        return NULL;
    }
    for (int i = 0; i < prob->l; i++) {
        int y = (int)prob->y[i], k = 0;
        while (k < nr_class && label[k] != y)
            k++;
        if (k == nr_class)
            label[nr_class++] = y;
        count[k]++;
    }
    if (nr_class <= 2 || param->solver_type == MCSVM_CS) {
        free(label);
        free(count);
        rand_state = 1;
        return train(prob, param);
    }
    /* The larger classes tend to take longer: start them first, so that no thread is left
     * with a long one at the end. (Which thread trains a class does not change its weights.) */
    if ((order = malloc((size_t)nr_class * sizeof *order)) == NULL) {
        free(label);
        free(count);
        return NULL;
    }
    for (int k = 0; k < nr_class; k++) {
        int i = k;
        for (; i > 0 && count[order[i - 1]] < count[k]; i--)
            order[i] = order[i - 1];
        order[i] = k;
    }
    free(count);
    struct model *ll = calloc(1, sizeof *ll); /* freed by liblinear's free_and_destroy_model */
    size_t w_size = (size_t)prob->n;
    double *w = malloc(w_size * (size_t)nr_class * sizeof *w);
    pthread_t *tids = calloc(threads ? threads : 1, sizeof *tids);
    ovr_job job = {.prob = prob, .param = param, .label = label, .order = order,
                   .nr_class = nr_class, .w = w};
    atomic_init(&job.next, 0);
    atomic_init(&job.failed, false);
    if (ll == NULL || w == NULL || tids == NULL)
        goto fail;
    size_t started = 0;
    for (size_t t = 1; t < threads && t < (size_t)nr_class; t++) {
        if (pthread_create(&tids[t], NULL, train_ovr, &job) != 0)
            break; /* this thread takes the classes the missing ones would have trained */
        started = t;
    }
    train_ovr(&job);
    for (size_t t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    if (atomic_load(&job.failed))
        goto fail;
    free(tids);
    free(order);
    ll->param = *param;
    ll->nr_class = nr_class;
    ll->nr_feature = prob->n - (prob->bias >= 0 ? 1 : 0);
    ll->bias = prob->bias;
    ll->label = label;
    ll->w = w;
    return ll;
fail:
    free(label);
    free(order);
    free(w);
    free(tids);
    free(ll);
    return NULL;
}

tsn_model *tsn_model_fit(const tsn_corpus *c, const size_t *idx, size_t n, tsn_error *err)
{
    return fit((tsn_corpus *)c, idx, n, false, err); /* not consumed: not written to */
}

tsn_model *tsn_model_fit_consume(tsn_corpus *c, tsn_error *err)
{
    return fit(c, NULL, 0, true, err);
}

static tsn_model *fit(tsn_corpus *c, const size_t *idx, size_t n, bool consume,
                      tsn_error *err)
{
    tsn_model *m = calloc(1, sizeof *m);
    const uint32_t **fids = NULL;
    size_t *nf = NULL;
    rows_job *jobs = NULL;
    size_t workers = c->threads > 0 ? c->threads : 1;
    pthread_t *tids = NULL;
    struct problem prob = {0};
    int *wl = NULL;
    double *wv = NULL;
    if (m == NULL)
        goto nomem;
    if (idx == NULL)
        n = c->n_docs;
    m->cfg = c->cfg;
    m->pair = c->pair;
    m->n_examples = n;
    if (copy_labels(m, c, err) != TSN_OK)
        goto fail;
    if ((m->stopwords = malloc(c->stop_len + 1)) == NULL)
        goto nomem;
    memcpy(m->stopwords, c->stopwords, c->stop_len + 1);
    m->stop_len = c->stop_len;
    fids = malloc((n ? n : 1) * sizeof *fids);
    nf = malloc((n ? n : 1) * sizeof *nf);
    if (fids == NULL || nf == NULL)
        goto nomem;
    size_t present = 0;
    for (size_t j = 0; j < n; j++) {
        size_t i = idx ? idx[j] : j;
        fids[j] = c->fids + c->start[i];
        nf[j] = c->start[i + 1] - c->start[i];
        if (m->support[c->labels[i]]++ == 0)
            present++;
    }
    if (present < 2) {
        tsn_error_set(err, TSN_ERR_DATA, "training data has fewer than two labels");
        goto fail;
    }
    if ((m->vocab = tsn_vocab_build(&m->cfg, c->dict, fids, nf, n, err)) == NULL)
        goto fail;
    if (tsn_vocab_size(m->vocab) == 0) {
        tsn_error_set(err, TSN_ERR_DATA,
                      "no features to learn from: every word was dropped (stop words, "
                      "over-long tokens) or is rarer than min_df");
        goto fail;
    }
    if (ready(m, err) != TSN_OK)
        goto fail;
    if (consume)
        tsn_dict_drop_strings(c->dict); /* the vocabulary has what it needs */
    prob.x = malloc((n ? n : 1) * sizeof *prob.x);
    prob.y = malloc((n ? n : 1) * sizeof *prob.y);
    if (prob.x == NULL || prob.y == NULL)
        goto nomem;
    double bias = m->cfg.bias;
    if (map_dict(m, c, err) != TSN_OK)
        goto fail;
    jobs = calloc(workers, sizeof *jobs);
    tids = calloc(workers, sizeof *tids);
    if (jobs == NULL || tids == NULL)
        goto nomem;
    atomic_size_t next;
    for (size_t w = 0; w < workers; w++) {
        jobs[w] = (rows_job){.m = m, .c = c, .idx = idx, .n = n, .reverse = consume,
                             .next = &next, .prob = &prob};
        tsn_vector_init(&jobs[w].x);
    }
    /* Consuming, rows are built from the last document to the first and the corpus arrays
     * are cut back behind them, round by round, so the corpus and liblinear's rows are never
     * both whole. */
    size_t cut = consume ? c->start[c->n_docs] : 0;
    for (size_t r = 0; r < n; r += ROW_ROUND) {
        size_t end = r + ROW_ROUND < n ? r + ROW_ROUND : n, started = 0;
        atomic_store(&next, r);
        for (size_t w = 0; w < workers; w++)
            jobs[w].end = end;
        for (size_t w = 1; w < workers && end - r > ROW_BATCH; w++) {
            if (pthread_create(&tids[w], NULL, build_rows, &jobs[w]) != 0)
                break; /* this thread takes the rows the missing ones would have built */
            started = w;
        }
        build_rows(&jobs[0]);
        for (size_t w = 1; w <= started; w++)
            pthread_join(tids[w], NULL);
        for (size_t w = 0; w < workers; w++)
            if (jobs[w].st != TSN_OK) {
                if (err != NULL)
                    *err = jobs[w].err;
                goto fail;
            }
        size_t first = consume ? (idx ? idx[n - end] : n - end) : 0;
        if (consume && cut - c->start[first] >= NODE_BLOCK) {
            cut = c->start[first];
            shrink_corpus(c, cut);
        }
    }
    if (consume) {
        shrink_corpus(c, 0);
        free(m->dmap); /* the corpus goes with its dictionary */
        m->dmap = NULL;
        m->dmap_of = NULL;
    }
    size_t V = tsn_vocab_size(m->vocab);
    prob.l = (int)n;
    prob.n = (int)V + (bias >= 0 ? 1 : 0);
    prob.bias = bias;
    struct parameter param = {0};
    param.solver_type = solver_map[m->cfg.solver];
    param.C = m->cfg.C;
    param.eps = m->cfg.eps > 0 ? m->cfg.eps : default_eps(param.solver_type);
    param.p = 0.1;
    if (m->cfg.class_weight != TSN_CLASS_WEIGHT_NONE) {
        wl = malloc(m->n_labels * sizeof *wl);
        wv = malloc(m->n_labels * sizeof *wv);
        if (wl == NULL || wv == NULL)
            goto nomem;
        int nw = 0;
        for (size_t k = 0; k < m->n_labels; k++) {
            if (m->support[k] == 0)
                continue;
            wl[nw] = (int)k + 1;
            double w = (double)n / ((double)present * (double)m->support[k]);
            wv[nw++] = m->cfg.class_weight == TSN_CLASS_WEIGHT_SQRT ? sqrt(w) : w;
        }
        param.nr_weight = nw;
        param.weight_label = wl;
        param.weight = wv;
    }
    const char *msg = check_parameter(&prob, &param);
    if (msg != NULL) {
        tsn_error_set(err, TSN_ERR_ARG, "liblinear: %s", msg);
        goto fail;
    }
    if (solver_output == NULL)
        set_print_string_function(quiet);
    if ((m->ll = train_classes(&prob, &param, c->threads)) == NULL)
        goto nomem;
    m->ll->param.weight_label = NULL;
    m->ll->param.weight = NULL;
    free(wl);
    free(wv);
    rows_release(jobs, workers);
    free(tids);
    free(prob.x);
    free(prob.y);
    free(fids);
    free(nf);
    return m;
nomem:
    tsn_error_set(err, TSN_ERR_NOMEM, "training: out of memory");
fail:
    free(wl);
    free(wv);
    rows_release(jobs, workers);
    free(tids);
    free(prob.x);
    free(prob.y);
    free(fids);
    free(nf);
    tsn_model_free(m);
    return NULL;
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

/* ---- Prediction ---- */

/* Scores the vector in s->x into probs (by our label index) and *best. */
/* A label no fold model knew: far below any real decision value, but finite. */
#define ABSENT (-1e6)

/* liblinear's decision values for s->x, by label index: one value per class, or for a
 * two-class model +d/2 and -d/2 (so that a softmax over them is the logistic of d). */
static void decisions(tsn_scorer *s, double *z)
{
    const tsn_model *m = s->m;
    predict_values(m->ll, (const struct feature_node *)s->x.v, s->dec);
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
    const struct feature_node *x = (const struct feature_node *)s->x.v;
    size_t K = m->n_labels;
    for (size_t k = 0; k < K; k++)
        probs[k] = 0;
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
        predict_probability(m->ll, x, s->dec);
        for (int j = 0; j < m->ll->nr_class; j++)
            probs[m->ll->label[j] - 1] = s->dec[j];
    } else {
        predict_values(m->ll, x, s->dec);
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

tsn_status tsn_scorer_predict(tsn_scorer *s, const tsn_doc *doc, double *probs, size_t *best,
                              tsn_error *err)
{
    const tsn_model *m = s->m;
    tsn_doc d = *doc;
    if (!m->pair)
        d.claim = NULL;
    tsn_status st = tsn_pipeline_featurize(s->pipe, &d, &s->bag, err);
    if (st == TSN_OK)
        st = tsn_vocab_vectorize(m->vocab, &m->cfg, s->bag.v, s->bag.n, m->ll->bias, &s->x, err);
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
    tsn_status st = corpus_row(m, c, i, &s->x, err);
    if (st != TSN_OK)
        return st;
    score(s, probs, best);
    if (z != NULL)
        decisions(s, z);
    return TSN_OK;
}

/* Mean negative log-likelihood of the gold labels under softmax(z / t). */
static double nll(const double *z, const size_t *gold, size_t n, size_t K, double t)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const double *zi = z + i * K;
        double top = zi[0], e = 0;
        for (size_t k = 1; k < K; k++)
            top = zi[k] > top ? zi[k] : top;
        for (size_t k = 0; k < K; k++)
            e += exp((zi[k] - top) / t);
        sum += log(e) - (zi[gold[i]] - top) / t;
    }
    return sum / (double)(n ? n : 1);
}

tsn_status tsn_model_calibrate(tsn_model *m, const double *z, const size_t *gold, size_t n,
                               tsn_error *err)
{
    if (n == 0)
        return tsn_error_set(err, TSN_ERR_DATA, "calibration: no decision values");
    /* Golden-section search for log t in [-7, 7] (t from 0.001 to 1100): the likelihood is
     * unimodal in t for a fixed set of decision values. */
    const double g = (sqrt(5.0) - 1) / 2;
    double a = -7, b = 7, c = b - g * (b - a), d = a + g * (b - a);
    double fc = nll(z, gold, n, m->n_labels, exp(c)), fd = nll(z, gold, n, m->n_labels, exp(d));
    for (int it = 0; it < 80; it++) {
        if (fc < fd) {
            b = d, d = c, fd = fc;
            c = b - g * (b - a);
            fc = nll(z, gold, n, m->n_labels, exp(c));
        } else {
            a = c, c = d, fc = fd;
            d = a + g * (b - a);
            fd = nll(z, gold, n, m->n_labels, exp(d));
        }
    }
    m->temperature = exp((a + b) / 2);
    return TSN_OK;
}

double tsn_model_temperature(const tsn_model *m)
{
    return m->temperature;
}

/* The weight of feature id (1-based) for label index k, signed so that positive favours k. */
static double coef(const tsn_model *m, int id, size_t k)
{
    for (int j = 0; j < m->ll->nr_class; j++)
        if ((size_t)m->ll->label[j] == k + 1)
            return get_decfun_coef(m->ll, id, j);
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

/* ---- Saving ---- */

typedef struct {
    FILE *f;
    uint64_t h;
    bool ok;
} writer;

static void put(writer *w, const void *p, size_t n)
{
    if (!w->ok || n == 0)
        return;
    w->h = tsn_hash_more(w->h, p, n);
    if (fwrite(p, 1, n, w->f) != n)
        w->ok = false;
}

static void put_header(writer *w, const char *name, size_t n)
{
    char buf[64];
    int len = snprintf(buf, sizeof buf, "%s %zu\n", name, n);
    put(w, buf, (size_t)len);
}

static void put_doubles(writer *w, const double *v, size_t n)
{
    unsigned char buf[8 * 512];
    for (size_t i = 0; i < n;) {
        size_t m = 0;
        for (; i < n && m < sizeof buf; i++, m += 8) {
            uint64_t bits;
            memcpy(&bits, &v[i], 8);
            for (int b = 0; b < 8; b++)
                buf[m + (size_t)b] = (unsigned char)(bits >> (8 * b));
        }
        put(w, buf, m);
    }
}

static char *meta_json(const tsn_model *m)
{
    cJSON *root = cJSON_CreateObject(), *cfg = NULL;
    char *cfg_text = tsn_config_to_json(&m->cfg, false);
    char *out = NULL;
    if (root == NULL || cfg_text == NULL)
        goto done;
    cfg = cJSON_Parse(cfg_text);
    cJSON *labels = cJSON_CreateArray(), *support = cJSON_CreateArray(),
          *order = cJSON_CreateArray();
    if (cfg == NULL || labels == NULL || support == NULL || order == NULL) {
        cJSON_Delete(labels);
        cJSON_Delete(support);
        cJSON_Delete(order);
        goto done;
    }
    cJSON_AddStringToObject(root, "format", "tasnif-model");
    cJSON_AddNumberToObject(root, "version", TSN_MODEL_FORMAT_VERSION);
    cJSON_AddStringToObject(root, "tasnif", TSN_VERSION);
    cJSON_AddStringToObject(root, "unicode", tsn_unicode_version());
    cJSON_AddItemToObject(root, "config", cfg);
    cfg = NULL;
    for (size_t k = 0; k < m->n_labels; k++) {
        cJSON_AddItemToArray(labels, cJSON_CreateString(m->names[k]));
        cJSON_AddItemToArray(support, cJSON_CreateNumber((double)m->support[k]));
    }
    for (int j = 0; j < m->ll->nr_class; j++)
        cJSON_AddItemToArray(order, cJSON_CreateNumber(m->ll->label[j] - 1));
    cJSON_AddItemToObject(root, "labels", labels);
    cJSON_AddItemToObject(root, "support", support);
    cJSON_AddBoolToObject(root, "pair", m->pair);
    cJSON_AddNumberToObject(root, "examples", (double)m->n_examples);
    cJSON_AddNumberToObject(root, "features", (double)tsn_vocab_size(m->vocab));
    cJSON_AddNumberToObject(root, "solver_type", m->ll->param.solver_type);
    cJSON_AddItemToObject(root, "class_order", order);
    cJSON_AddNumberToObject(root, "bias", m->ll->bias);
    if (m->temperature > 0)
        cJSON_AddNumberToObject(root, "temperature", m->temperature);
    out = cJSON_PrintUnformatted(root);
done:
    cJSON_Delete(cfg);
    cJSON_Delete(root);
    free(cfg_text);
    return out;
}

static const char *volatile saving; /* the temporary file being written, for signals */

const char *tsn_model_saving(void)
{
    return saving;
}

/* Makes the rename durable: the directory entry reaches the disk too. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? strdup(".") : strndup(path, (size_t)(slash - path) + 1);
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse it on directories */
        close(fd);
    }
    free(dir);
}

tsn_status tsn_model_save(const tsn_model *m, const char *path, tsn_error *err)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (tmp == NULL)
        return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
    /* A device or pipe (/dev/null, /dev/stdout) is written to directly: there is no file to
     * replace atomically, and renaming over a device node would destroy it. */
    struct stat sb;
    bool direct = false;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode)) {
            free(tmp);
            return tsn_error_set(err, TSN_ERR_IO, "%s: cannot create: Is a directory", path);
        }
        direct = true;
    }
    /* No signal between creating the file and publishing its name (tsn_model_saving). */
    sigset_t block, prev;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &prev);
    int fd = direct ? open(path, O_WRONLY | O_TRUNC) : mkstemp(tmp);
    if (fd >= 0 && !direct)
        saving = tmp;
    pthread_sigmask(SIG_SETMASK, &prev, NULL);
    if (fd >= 0 && !direct) {
        /* mkstemp creates the file 0600; a model is an ordinary file (0666 less umask). */
        mode_t mask = umask(0);
        umask(mask);
        if (fchmod(fd, 0666 & ~mask) != 0) {
            close(fd);
            unlink(tmp);
            saving = NULL;
            fd = -1;
        }
    }
    if (fd < 0) {
        tsn_status st = tsn_error_set(err, TSN_ERR_IO, "%s: cannot create: %s", path,
                                      strerror(errno));
        free(tmp);
        return st;
    }
    writer w = {fdopen(fd, "wb"), TSN_FNV_OFFSET, true};
    if (w.f == NULL) {
        close(fd);
        w.ok = false;
    }
    char *meta = meta_json(m);
    if (meta == NULL)
        w.ok = false;
    if (w.ok) {
        char head[64];
        int hl = snprintf(head, sizeof head, "%s%d\n", MAGIC, TSN_MODEL_FORMAT_VERSION);
        put(&w, head, (size_t)hl);
        put_header(&w, "meta", strlen(meta));
        put(&w, meta, strlen(meta));
        put(&w, "\n", 1);
        put_header(&w, "stopwords", m->stop_len);
        put(&w, m->stopwords, m->stop_len);
        put(&w, "\n", 1);
        size_t vlen = 0;
        const char *vs = tsn_vocab_strings(m->vocab, &vlen);
        if (vs == NULL)
            vlen = 0;
        put_header(&w, "vocab", vlen);
        put(&w, vs, vlen);
        put(&w, "\n", 1);
        size_t V = tsn_vocab_size(m->vocab);
        put_header(&w, "idf", V);
        put_doubles(&w, tsn_vocab_idf(m->vocab), V);
        put(&w, "\n", 1);
        size_t nw = w_rows(m->ll) * nr_w(m->ll);
        put_header(&w, "weights", nw);
        put_doubles(&w, m->ll->w, nw);
        put(&w, "\n", 1);
        if (w.ok && fprintf(w.f, "checksum %016llx\n", (unsigned long long)w.h) < 0)
            w.ok = false;
    }
    free(meta);
    int saved_errno = 0;
    if (w.f != NULL) {
        if (w.ok && (fflush(w.f) != 0 || (!direct && fsync(fileno(w.f)) != 0)))
            w.ok = false;
        saved_errno = errno;
        if (fclose(w.f) != 0 && w.ok) {
            w.ok = false;
            saved_errno = errno;
        }
    }
    if (w.ok && !direct && rename(tmp, path) != 0) {
        w.ok = false;
        saved_errno = errno;
    }
    if (w.ok && !direct)
        sync_dir(path);
    tsn_status st = TSN_OK;
    if (!w.ok) {
        if (!direct)
            unlink(tmp);
        st = tsn_error_set(err, TSN_ERR_IO, "%s: cannot write model: %s", path,
                           strerror(saved_errno ? saved_errno : EIO));
    }
    saving = NULL;
    free(tmp);
    return st;
}

/* ---- Loading ---- */

typedef struct {
    const char *path;
    const char *p, *end;
} reader;

/* Reads "name <n>\n"; *n gets the number. */
static tsn_status get_header(reader *r, const char *name, size_t *n, tsn_error *err)
{
    size_t nl = strlen(name);
    const char *nlpos = memchr(r->p, '\n', (size_t)(r->end - r->p));
    if (nlpos == NULL || (size_t)(nlpos - r->p) <= nl + 1 || memcmp(r->p, name, nl) != 0 ||
        r->p[nl] != ' ')
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: expected section \"%s\"",
                             r->path, name);
    size_t v = 0;
    const char *d = r->p + nl + 1;
    if (nlpos - d > 18)
        d = nlpos; /* more digits than any size we write: refused below */
    for (; d < nlpos && *d >= '0' && *d <= '9'; d++)
        v = v * 10 + (size_t)(*d - '0');
    if (d != nlpos || nlpos == r->p + nl + 1 || nlpos - (r->p + nl + 1) > 18)
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad size of \"%s\"",
                             r->path, name);
    *n = v;
    r->p = nlpos + 1;
    return TSN_OK;
}

/* Takes n bytes of section body plus its closing newline; *body points at them. */
static tsn_status get_body(reader *r, const char *name, size_t n, const char **body,
                           tsn_error *err)
{
    if (n >= (size_t)(r->end - r->p) || r->p[n] != '\n')
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: section \"%s\" is cut",
                             r->path, name);
    *body = r->p;
    r->p += n + 1;
    return TSN_OK;
}

static tsn_status get_doubles(reader *r, const char *name, size_t expect, double **out,
                              tsn_error *err)
{
    size_t n;
    const char *body = NULL;
    tsn_status st = get_header(r, name, &n, err);
    if (st != TSN_OK)
        return st;
    if (n != expect)
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: %zu %s values, expected %zu",
                             r->path, n, name, expect);
    if (n > SIZE_MAX / 8 || (st = get_body(r, name, n * 8, &body, err)) != TSN_OK)
        return st != TSN_OK ? st : tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt", r->path);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(v, body, n * 8); /* the file's byte order */
#else
    for (size_t i = 0; i < n; i++) {
        uint64_t bits = 0;
        for (int b = 0; b < 8; b++)
            bits |= (uint64_t)(unsigned char)body[i * 8 + (size_t)b] << (8 * b);
        memcpy(&v[i], &bits, 8);
    }
#endif
    *out = v;
    return TSN_OK;
}

/* Checks the magic, the version and the checksum line; r->end is set before the checksum. */
static tsn_status check_envelope(reader *r, const char *buf, size_t len, tsn_error *err)
{
    size_t ml = strlen(MAGIC);
    if (len < ml || memcmp(buf, MAGIC, ml) != 0)
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: not a tasnif model file", r->path);
    long v = 0;
    const char *e = buf + ml;
    while (e < buf + len && *e >= '0' && *e <= '9' && v < 1000000)
        v = v * 10 + (*e++ - '0');
    if (e == buf + ml || e >= buf + len || *e != '\n')
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: not a tasnif model file", r->path);
    if (v > TSN_MODEL_FORMAT_VERSION)
        return tsn_error_set(err, TSN_ERR_MODEL,
                             "%s: model format version %ld is newer than this tasnif supports "
                             "(%d); upgrade tasnif",
                             r->path, v, TSN_MODEL_FORMAT_VERSION);
    if (v < 1)
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: unknown model format version %ld",
                             r->path, v);
    const size_t cl = strlen("checksum ") + 16 + 1;
    if (len < cl + (size_t)(e - buf) + 1 || memcmp(buf + len - cl, "checksum ", 9) != 0 ||
        buf[len - 1] != '\n') {
        /* A checksum line followed by more bytes: something was appended, not cut off. */
        for (const char *p = buf + len; p > buf + cl;) {
            const char *q = p - 1;
            while (q > buf && q[-1] != '\n')
                q--;
            if ((size_t)(p - q) == cl - 1 && memcmp(q, "checksum ", 9) == 0 && q + cl < buf + len)
                return tsn_error_set(err, TSN_ERR_MODEL,
                                     "%s: corrupt model: %zu bytes of trailing data after the "
                                     "checksum",
                                     r->path, (size_t)(buf + len - (q + cl)));
            p = q > buf ? q - 1 : buf;
        }
        return tsn_error_set(err, TSN_ERR_MODEL, "%s: model file is truncated", r->path);
    }
    uint64_t want = 0;
    for (const char *h = buf + len - cl + 9; h < buf + len - 1; h++) {
        int d = *h >= '0' && *h <= '9' ? *h - '0' : *h >= 'a' && *h <= 'f' ? *h - 'a' + 10 : -1;
        if (d < 0)
            return tsn_error_set(err, TSN_ERR_MODEL, "%s: model file is truncated", r->path);
        want = want << 4 | (uint64_t)d;
    }
    if (tsn_hash(buf, len - cl) != want)
        return tsn_error_set(err, TSN_ERR_MODEL,
                             "%s: checksum mismatch: the model file is corrupt", r->path);
    r->p = (const char *)memchr(buf, '\n', len) + 1;
    r->end = buf + len - cl;
    return TSN_OK;
}

/* A whole number in [0, max] (JSON numbers are doubles: a file could hold -5, 1e300, 0.5). */
static bool whole(const cJSON *v, double max, size_t *out)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= max) ||
        v->valuedouble != floor(v->valuedouble))
        return false;
    *out = (size_t)v->valuedouble;
    return true;
}

static tsn_status parse_meta(tsn_model *m, const char *json, size_t len, const char *path,
                             int *solver, int **order, int *n_order, tsn_error *err)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    tsn_status st = TSN_OK;
    if (root == NULL) {
        st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad metadata", path);
        goto done;
    }
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(root, "config");
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(root, "labels");
    const cJSON *support = cJSON_GetObjectItemCaseSensitive(root, "support");
    const cJSON *corder = cJSON_GetObjectItemCaseSensitive(root, "class_order");
    const cJSON *stype = cJSON_GetObjectItemCaseSensitive(root, "solver_type");
    const cJSON *pair = cJSON_GetObjectItemCaseSensitive(root, "pair");
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(root, "examples");
    size_t n_ex = 0, stype_v = 0;
    if (!cJSON_IsObject(cfg) || !cJSON_IsArray(labels) || !cJSON_IsArray(support) ||
        !cJSON_IsArray(corder) || !whole(stype, 1000, &stype_v) || !cJSON_IsBool(pair) ||
        !whole(ex, 1e15, &n_ex) || cJSON_GetArraySize(labels) < 2 ||
        cJSON_GetArraySize(support) != cJSON_GetArraySize(labels)) {
        st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: incomplete metadata", path);
        goto done;
    }
    char *cfg_text = cJSON_PrintUnformatted(cfg);
    if (cfg_text == NULL) {
        st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        goto done;
    }
    tsn_config_init(&m->cfg);
    st = tsn_config_parse(&m->cfg, cfg_text, strlen(cfg_text), path, err);
    free(cfg_text);
    if (st != TSN_OK)
        goto done;
    m->pair = cJSON_IsTrue(pair);
    m->n_examples = n_ex;
    m->n_labels = (size_t)cJSON_GetArraySize(labels);
    m->names = calloc(m->n_labels, sizeof *m->names);
    m->support = calloc(m->n_labels, sizeof *m->support);
    int nc = cJSON_GetArraySize(corder);
    *n_order = nc;
    *order = calloc((size_t)(nc > 0 ? nc : 1), sizeof **order);
    if (m->names == NULL || m->support == NULL || *order == NULL) {
        st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < m->n_labels; k++) {
        const cJSON *l = cJSON_GetArrayItem(labels, (int)k);
        const cJSON *s = cJSON_GetArrayItem(support, (int)k);
        if (!cJSON_IsString(l) || !whole(s, 1e15, &m->support[k])) {
            st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad label table", path);
            goto done;
        }
        if ((m->names[k] = strdup(l->valuestring)) == NULL) {
            st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    for (int j = 0; j < nc; j++) {
        const cJSON *o = cJSON_GetArrayItem(corder, j);
        size_t v;
        if (!whole(o, (double)m->n_labels - 1, &v)) {
            st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad class order", path);
            goto done;
        }
        (*order)[j] = (int)v + 1;
    }
    *solver = (int)stype_v;
    const cJSON *temp = cJSON_GetObjectItemCaseSensitive(root, "temperature");
    if (temp != NULL) {
        if (!cJSON_IsNumber(temp) || !(temp->valuedouble > 0 && temp->valuedouble < 1e6)) {
            st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: bad temperature", path);
            goto done;
        }
        m->temperature = temp->valuedouble;
    }
    if (solver_map[m->cfg.solver] != *solver || nc < 2 || (size_t)nc > m->n_labels)
        st = tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: inconsistent solver", path);
done:
    cJSON_Delete(root);
    return st;
}

/* The largest model file read from something that is not a regular file (a pipe, a device):
 * what never ends is refused instead of filling memory. */
#define MODEL_STREAM_MAX ((size_t)16 << 30)

/* Reads the model file at path into a new buffer: a snapshot, checked to be a model from its
 * first bytes (so /dev/zero or a text file is refused at once, not read whole) and, for a
 * regular file, checked unchanged when read (a file replaced in place or truncated during a
 * deploy is "changed while reading", never a crash on a shrinking mapping). */
static tsn_status read_model_file(const char *path, char **out, size_t *out_len, tsn_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return tsn_error_set(err, TSN_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat before;
    if (fstat(fd, &before) != 0) {
        close(fd);
        return tsn_error_set(err, TSN_ERR_IO, "%s: %s", path, strerror(errno));
    }
    if (S_ISDIR(before.st_mode)) {
        close(fd);
        return tsn_error_set(err, TSN_ERR_IO, "%s: %s, not a model file", path, strerror(EISDIR));
    }
    bool regular = S_ISREG(before.st_mode);
    size_t cap = regular ? (size_t)before.st_size + 1 : (size_t)1 << 20, len = 0;
    size_t ml = strlen(MAGIC);
    char *buf = malloc(cap);
    tsn_status st = TSN_OK;
    if (buf == NULL) {
        close(fd);
        return tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory reading the model", path);
    }
    for (;;) {
        if (len == cap) {
            if (regular || cap >= MODEL_STREAM_MAX) {
                st = regular ? tsn_error_set(err, TSN_ERR_MODEL,
                                             "%s: model changed while reading (it grew)", path)
                             : tsn_error_set(err, TSN_ERR_MODEL,
                                             "%s: larger than %zu bytes: not a model file",
                                             path, MODEL_STREAM_MAX);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                st = tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory reading the model",
                                   path);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + len, cap - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            st = tsn_error_set(err, TSN_ERR_IO, "%s: %s", path, strerror(errno));
            break;
        }
        size_t was = len;
        len += (size_t)k;
        /* the magic first: whatever else this is, it is not read on */
        if (was < ml && (len >= ml || k == 0) &&
            (len < ml || memcmp(buf, MAGIC, ml) != 0)) {
            st = tsn_error_set(err, TSN_ERR_MODEL, "%s: not a tasnif model file", path);
            break;
        }
        if (k == 0)
            break;
    }
    struct stat after;
    if (st == TSN_OK && regular &&
        (fstat(fd, &after) != 0 || after.st_size != before.st_size ||
         after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
         after.st_mtim.tv_nsec != before.st_mtim.tv_nsec || len != (size_t)before.st_size))
        st = tsn_error_set(err, TSN_ERR_MODEL, "%s: model changed while reading; load it again",
                           path);
    close(fd);
    if (st != TSN_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *out_len = len;
    return TSN_OK;
}

bool tsn_model_sniff(const char *path)
{
    char head[sizeof MAGIC];
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return false;
    ssize_t k = read(fd, head, sizeof head - 1);
    close(fd);
    return k == (ssize_t)(sizeof head - 1) && memcmp(head, MAGIC, sizeof head - 1) == 0;
}

tsn_model *tsn_model_load(const char *path, tsn_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    if (read_model_file(path, &buf, &len, err) != TSN_OK)
        return NULL;
    tsn_model *m = tsn_model_parse(buf, len, path, err);
    free(buf);
    return m;
}

tsn_model *tsn_model_parse(const char *buf, size_t len, const char *path, tsn_error *err)
{
    tsn_model *m = NULL;
    int *order = NULL;
    double *idf = NULL, *w = NULL;
    reader r = {path, NULL, NULL};
    if (check_envelope(&r, buf, len, err) != TSN_OK)
        goto fail;
    if ((m = calloc(1, sizeof *m)) == NULL)
        goto nomem;
    size_t n;
    const char *body = NULL;
    int solver = 0, nc = 0;
    if (get_header(&r, "meta", &n, err) != TSN_OK ||
        get_body(&r, "meta", n, &body, err) != TSN_OK ||
        parse_meta(m, body, n, path, &solver, &order, &nc, err) != TSN_OK)
        goto fail;
    if (get_header(&r, "stopwords", &n, err) != TSN_OK ||
        get_body(&r, "stopwords", n, &body, err) != TSN_OK)
        goto fail;
    if ((m->stopwords = malloc(n + 1)) == NULL)
        goto nomem;
    memcpy(m->stopwords, body, n);
    m->stopwords[n] = '\0';
    m->stop_len = n;
    size_t vlen;
    const char *vocab = NULL;
    if (get_header(&r, "vocab", &vlen, err) != TSN_OK ||
        get_body(&r, "vocab", vlen, &vocab, err) != TSN_OK)
        goto fail;
    const char *save = r.p;
    if (get_header(&r, "idf", &n, err) != TSN_OK)
        goto fail;
    r.p = save;
    size_t V = n;
    if (V > (size_t)INT32_MAX - 2) {
        tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: %zu features", path, V);
        goto fail;
    }
    if (get_doubles(&r, "idf", V, &idf, err) != TSN_OK)
        goto fail;
    if ((m->vocab = tsn_vocab_from_parts(&m->cfg, V, vocab, vlen, idf, err)) == NULL) {
        tsn_error_prefix(err, "%s", path);
        goto fail;
    }
    if ((m->ll = calloc(1, sizeof *m->ll)) == NULL)
        goto nomem;
    m->ll->nr_class = nc;
    m->ll->nr_feature = (int)V;
    m->ll->bias = m->cfg.bias;
    m->ll->param.solver_type = solver;
    m->ll->label = order;
    order = NULL;
    size_t nw = w_rows(m->ll) * nr_w(m->ll);
    if (get_doubles(&r, "weights", nw, &w, err) != TSN_OK)
        goto fail;
    m->ll->w = w;
    w = NULL;
    if (r.p != r.end) {
        tsn_error_set(err, TSN_ERR_MODEL, "%s: corrupt model: trailing data", path);
        goto fail;
    }
    if (ready(m, err) != TSN_OK)
        goto fail;
    free(idf);
    return m;
nomem:
    tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", path);
fail:
    free(order);
    free(idf);
    free(w);
    tsn_model_free(m);
    return NULL;
}
