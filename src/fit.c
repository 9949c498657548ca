/* fit.c -- fitting a model on a corpus with liblinear (tsn_model_fit*): the vocabulary of
 * the chosen documents, liblinear's rows built on threads (the classes are trained in
 * ovr.c), and the calibration of a temperature on out-of-fold decision values.
 */
#include "model.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bigmem.h"
#include "features.h"
#include "model_internal.h"

/* ---- The problem: labels, vocabulary ids, liblinear's rows ---- */

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
tsn_status tsn_model_corpus_row(tsn_model *m, const tsn_corpus *c, size_t i, tsn_vector *x,
                                tsn_error *err)
{
    tsn_status st = map_dict(m, c, err);
    if (st != TSN_OK)
        return st;
    size_t a = c->start[i], b = c->start[i + 1];
    return tsn_vocab_vectorize_row(m->vocab, &m->cfg, c->dict, m->dmap, c->fids + a,
                                   c->counts + a, b - a, m->cfg.bias, x, err);
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
 * depends on the thread that built it, its content and position in the problem do not. A
 * consuming fit cuts the corpus back after each round, so a round's entries are all that is
 * held twice: rounds are kept small. */
#define ROW_ROUND 256
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

/* A fit's row builders, which own its rows: released by the trainers' tsn_rows_done callback
 * (rows_free), or at the end of the fit, whichever comes first. */
typedef struct {
    rows_job *jobs;
    size_t workers;
} rows_owner;

static void rows_free(void *arg)
{
    rows_owner *o = arg;
    rows_release(o->jobs, o->workers);
    o->jobs = NULL;
}

static void *build_rows(void *arg)
{
    rows_job *w = arg;
    for (size_t r0; w->st == TSN_OK && (r0 = atomic_fetch_add(w->next, ROW_BATCH)) < w->end;) {
        size_t r1 = r0 + ROW_BATCH < w->end ? r0 + ROW_BATCH : w->end;
        for (size_t r = r0; r < r1 && w->st == TSN_OK; r++) {
            size_t j = w->reverse ? w->n - 1 - r : r;
            size_t i = w->idx != NULL ? w->idx[j] : j;
            if ((w->st = tsn_model_corpus_row(w->m, w->c, i, &w->x, &w->err)) != TSN_OK)
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

/* A consuming fit cuts the corpus back behind the rows (shrink_corpus) once at least this
 * many entries are behind them: every round, in practice. */
#define CUT_BLOCK ((size_t)1 << 16)

/* Hands the pages of freed memory back to the system. Much of what a consuming fit frees
 * before and after building its rows (the vocabulary's selection arrays, the dictionary's
 * hashes, the vocabulary's index, the rows' scratch and map) lies in the middle of malloc's
 * heaps, where free() leaves it resident beside liblinear's rows. */
static void give_back(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* Releases the corpus' feature entries from `keep` on, giving their pages back (a failed
 * shrink keeps the entries: only memory is at stake). */
static void shrink_corpus(tsn_corpus *c, size_t keep)
{
    if (keep == 0) {
        tsn_big_free(c->fids, c->fids_cap * sizeof *c->fids);
        tsn_big_free(c->counts, c->counts_cap * sizeof *c->counts);
        c->fids = c->counts = NULL;
        c->fids_cap = c->counts_cap = 0;
        return;
    }
    uint32_t *f = keep < c->fids_cap
                      ? tsn_big_shrink(c->fids, c->fids_cap * sizeof *f, keep * sizeof *f)
                      : NULL;
    if (f != NULL) {
        c->fids = f;
        c->fids_cap = keep;
    }
    uint32_t *k = keep < c->counts_cap
                      ? tsn_big_shrink(c->counts, c->counts_cap * sizeof *k, keep * sizeof *k)
                      : NULL;
    if (k != NULL) {
        c->counts = k;
        c->counts_cap = keep;
    }
}

static tsn_model *fit(tsn_corpus *c, const size_t *idx, size_t n, bool consume,
                      tsn_error *err);

/* cfg's prune_weights for a model of n_labels labels, auto resolved. */
static double prune_fraction(const tsn_config *cfg, size_t n_labels)
{
    if (cfg->prune_weights >= 0)
        return cfg->prune_weights;
    return n_labels >= TSN_PRUNE_AUTO_LABELS ? TSN_PRUNE_AUTO_FRACTION : 0;
}

tsn_status tsn_weights_check(const tsn_config *cfg, size_t n_features, size_t n_labels,
                             size_t threads, tsn_error *err)
{
    size_t cols = n_labels == 2 && !cfg->multi_label ? 1 : n_labels;
    bool ovr = cfg->multi_label || (n_labels > 2 && cfg->solver != TSN_SOLVER_MCSVM);
    double row = ((double)n_features + 1) * sizeof(double);
    double weights = row * (double)cols;
    double have = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (double)rl.rlim_cur < have)
        have = (double)rl.rlim_cur;
    if (ovr && prune_fraction(cfg, n_labels) > 0) {
        /* pruned one-vs-rest: no dense matrix; each thread holds liblinear's weight vector,
         * its working copy and the class's weights on their way to the pruned lists. What
         * the pruning keeps is known only class by class (2 % of the dense size on 1,000
         * labels; README); it is allocated with checks, so running short is a clean error. */
        threads = threads < 1 ? 1 : threads < n_labels ? threads : n_labels;
        double need = 3 * row * (double)threads;
        if (have > 0 && need > 0.8 * have)
            return tsn_error_set(err, TSN_ERR_DATA,
                                 "training holds 3 vectors of %zu features on each of %zu "
                                 "threads = %.1f GB, more than the %.1f GB of memory here: "
                                 "lower max_features or hash_buckets, raise min_df, or use "
                                 "fewer threads",
                                 n_features, threads, need / 1e9, have / 1e9);
        return TSN_OK;
    }
    /* while it trains, liblinear holds a class's weight vector and as large a working copy
     * beside the model's (and, inside, does not check its allocations) */
    double need = weights + 2 * row;
    if (have > 0 && need > 0.8 * have)
        return tsn_error_set(err, TSN_ERR_DATA,
                             "the model would hold %zu features x %zu labels = %.1f GB of "
                             "weights, and training needs more than the %.1f GB of memory "
                             "here: lower max_features or hash_buckets, or raise min_df "
                             "(prune_weights keeps only the larger weights of many labels)",
                             n_features, n_labels, weights / 1e9, have / 1e9);
    return TSN_OK;
}

/* Zeroes each weight column's feature weights smaller in size than cfg.prune_weights times
 * the column's largest (the bias weight is kept), resolving auto by the number of labels.
 *
 * Why: with many labels, each label's one-vs-rest problem has few positives and thousands of
 * negatives, and the dual solvers give nearly every negative document inside the margin a
 * small dual weight; w = sum of alpha_i y_i x_i then carries a tiny negative weight for every
 * feature of every such document. On 10,000 short documents and 1,000 labels half the
 * weights are non-zero, 92 % of those negative, and 98 % of all weights are below 1 % of their
 * label's largest; dropping those changes 2 predictions in 1,000 and no accuracy there
 * (README, "The model file"). A label's decision moves by at most prune_weights x its largest
 * weight x the document's L1 norm. The sparse file and scorer then store and read only what
 * is left. One-vs-rest fits prune each class as it is trained (store_class) and never hold
 * the dense matrix; this is for the others (two classes, Crammer-Singer). */
static tsn_status prune(tsn_model *m, double f)
{
    if (f <= 0)
        return TSN_OK;
    size_t cols = n_cols(m), rows = (size_t)m->ll->nr_feature;
    double *top = calloc(cols, sizeof *top), *w = m->ll->w;
    if (top == NULL)
        return TSN_ERR_NOMEM;
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < cols; k++)
            top[k] = fabs(w[r * cols + k]) > top[k] ? fabs(w[r * cols + k]) : top[k];
    for (size_t k = 0; k < cols; k++)
        top[k] *= f;
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < cols; k++)
            if (fabs(w[r * cols + k]) < top[k])
                w[r * cols + k] = 0;
    free(top);
    return TSN_OK;
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
    rows_owner rows = {NULL, workers};
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
        if (c->lstart != NULL) {
            for (size_t q = c->lstart[i]; q < c->lstart[i + 1]; q++)
                if (m->support[c->lids[q]]++ == 0)
                    present++;
        } else if (m->support[c->labels[i]]++ == 0) {
            present++;
        }
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
    if (tsn_weights_check(&m->cfg, tsn_vocab_size(m->vocab), m->n_labels, c->threads, err) !=
        TSN_OK)
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
    if (consume) {
        /* The rows need only the map just made and the idf: the dictionary's hashes and the
         * vocabulary's index would sit idle beside them (the index comes back after). */
        tsn_dict_drop_hashes(c->dict);
        tsn_vocab_drop_index(m->vocab);
        give_back();
    }
    jobs = rows.jobs = calloc(workers, sizeof *jobs);
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
        if (consume && cut - c->start[first] >= CUT_BLOCK) {
            cut = c->start[first];
            shrink_corpus(c, cut);
        }
    }
    for (size_t w = 0; w < workers; w++)
        tsn_vector_release(&jobs[w].x); /* the rows are built: their scratch goes */
    if (consume) {
        shrink_corpus(c, 0);
        tsn_dict_drop_types(c->dict);
        free(m->dmap); /* the corpus goes with its dictionary */
        m->dmap = NULL;
        m->dmap_of = NULL;
        give_back();
    }
    size_t V = tsn_vocab_size(m->vocab);
    prob.l = (int)n;
    prob.n = (int)V + (bias >= 0 ? 1 : 0);
    prob.bias = bias;
    struct parameter param = {0};
    param.solver_type = tsn_solver_map[m->cfg.solver];
    param.C = m->cfg.C;
    param.eps = m->cfg.eps > 0 ? m->cfg.eps : default_eps(param.solver_type);
    param.p = 0.1;
    if (c->lstart != NULL) {
        if (param.solver_type == MCSVM_CS) {
            tsn_error_set(err, TSN_ERR_ARG,
                          "multi_label needs a one-vs-rest solver (not mcsvm)");
            goto fail;
        }
        /* each label's positives weighed against its negatives as the config says */
        if ((wv = malloc(m->n_labels * sizeof *wv)) == NULL)
            goto nomem;
        for (size_t k = 0; k < m->n_labels; k++) {
            double pos = (double)m->support[k], neg = (double)n - pos;
            double w = pos > 0 && neg > 0 ? neg / pos : 1;
            wv[k] = m->cfg.class_weight == TSN_CLASS_WEIGHT_NONE ? 1
                  : m->cfg.class_weight == TSN_CLASS_WEIGHT_SQRT ? sqrt(w)
                                                                 : w;
        }
    } else if (m->cfg.class_weight != TSN_CLASS_WEIGHT_NONE) {
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
    double f = prune_fraction(&m->cfg, m->n_labels);
    if (m->cfg.prune_weights < 0 && f > 0)
        m->cfg.prune_weights = f; /* what auto became: the model records it */
    if (c->lstart != NULL)
        m->ll = tsn_train_labels(&prob, &param, c, idx, wv, m->n_labels, c->threads, f, m,
                                 (tsn_rows_done){rows_free, &rows});
    else
        m->ll = tsn_train_classes(&prob, &param, c->threads, f, m,
                                  (tsn_rows_done){rows_free, &rows});
    if (m->ll == NULL)
        goto nomem;
    m->ll->param.weight_label = NULL;
    m->ll->param.weight = NULL;
    if (m->wstart == NULL && prune(m, f) != TSN_OK)
        goto nomem;
    rows_free(&rows); /* (the trainers freed them already) */
    /* the prediction scratch, and the vocabulary's index, only now that the rows are gone */
    if (consume && tsn_vocab_reindex(m->vocab, err) != TSN_OK)
        goto fail;
    if (tsn_model_ready(m, err) != TSN_OK)
        goto fail;
    goto done;
nomem:
    tsn_error_set(err, TSN_ERR_NOMEM, "training: out of memory");
fail:
    tsn_model_free(m);
    m = NULL;
done:
    free(wl);
    free(wv);
    rows_free(&rows);
    free(tids);
    free(prob.x);
    free(prob.y);
    free(fids);
    free(nf);
    return m;
}

/* ---- Calibration ---- */

/* Mean negative log-likelihood of the gold labels under softmax(z / t), over the rows use
 * marks (all when it is NULL). */
static double nll(const double *z, const size_t *gold, const unsigned char *use, size_t n,
                  size_t K, double t)
{
    double sum = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (use != NULL && !use[i])
            continue;
        used++;
        const double *zi = z + i * K;
        double top = zi[0], e = 0;
        for (size_t k = 1; k < K; k++)
            top = zi[k] > top ? zi[k] : top;
        for (size_t k = 0; k < K; k++)
            e += exp((zi[k] - top) / t);
        sum += log(e) - (zi[gold[i]] - top) / t;
    }
    return sum / (double)(used ? used : 1);
}

tsn_status tsn_model_calibrate(tsn_model *m, const double *z, const size_t *gold,
                               const unsigned char *use, size_t n, tsn_error *err)
{
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        used += use == NULL || use[i];
    if (used == 0)
        return tsn_error_set(err, TSN_ERR_DATA, "calibration: no decision values");
    /* Golden-section search for log t in [-7, 7] (t from 0.001 to 1100): the likelihood is
     * unimodal in t for a fixed set of decision values. */
    const double g = (sqrt(5.0) - 1) / 2;
    double a = -7, b = 7, c = b - g * (b - a), d = a + g * (b - a);
    double fc = nll(z, gold, use, n, m->n_labels, exp(c));
    double fd = nll(z, gold, use, n, m->n_labels, exp(d));
    for (int it = 0; it < 80; it++) {
        if (fc < fd) {
            b = d, d = c, fd = fc;
            c = b - g * (b - a);
            fc = nll(z, gold, use, n, m->n_labels, exp(c));
        } else {
            a = c, c = d, fc = fd;
            d = a + g * (b - a);
            fd = nll(z, gold, use, n, m->n_labels, exp(d));
        }
    }
    m->temperature = exp((a + b) / 2);
    return TSN_OK;
}

double tsn_model_temperature(const tsn_model *m)
{
    return m->temperature;
}

/* ---- Multi-label calibration ---- */

bool tsn_model_multi_label(const tsn_model *m)
{
    return m->cfg.multi_label;
}

double tsn_model_threshold(const tsn_model *m, size_t k)
{
    return m->thresh != NULL && k < m->n_labels ? m->thresh[k] : 0.5;
}

/* The negative log-likelihood of target t under p = 1/(1+exp(-u)), computed stably. */
static double nll1(double u, double t)
{
    return u >= 0 ? log1p(exp(-u)) + (1 - t) * u : log1p(exp(u)) - t * u;
}

tsn_status tsn_model_set_threshold(tsn_model *m, double t, tsn_error *err)
{
    if (m->thresh == NULL && (m->thresh = malloc(m->n_labels * sizeof *m->thresh)) == NULL)
        return tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < m->n_labels; k++)
        m->thresh[k] = t;
    return TSN_OK;
}

size_t tsn_model_given(const tsn_model *m, const double *probs, size_t best, size_t *out)
{
    size_t n = 0;
    out[n++] = best;
    for (size_t k = 0; m->cfg.multi_label && k < m->n_labels; k++) {
        if (k == best || probs[k] < tsn_model_threshold(m, k))
            continue;
        size_t i = n++; /* insertion by falling probability, ties by label index */
        for (; i > 1 && probs[out[i - 1]] < probs[k]; i--)
            out[i] = out[i - 1];
        out[i] = k;
    }
    return n;
}

/* Platt's fit of p = 1/(1+exp(-(a z + b))) to labels y by Newton's method with a backtracking
 * line search, on his smoothed targets (Lin, Lin and Weng's version), from a = 1, b = 0.
 * Row i (z[i * stride], y[i * stride]) counts when use is NULL or use[i * stride] is set. */
static void platt_fit(const double *z, const unsigned char *y, const unsigned char *use,
                      size_t stride, size_t n, double *a_out, double *b_out)
{
    double npos = 0, nneg = 0;
    for (size_t i = 0; i < n; i++)
        if (use == NULL || use[i * stride])
            y[i * stride] ? npos++ : nneg++;
    double hi = (npos + 1) / (npos + 2), lo = 1 / (nneg + 2);
    double a = 1, b = 0;
#define T(i) (y[(i) * stride] ? hi : lo)
    double f = 0;
    for (size_t i = 0; i < n; i++) {
        if (use != NULL && !use[i * stride])
            continue;
        double u = a * z[i * stride] + b;
        f += nll1(u, T(i));
    }
    for (int it = 0; it < 100; it++) {
        double h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
        for (size_t i = 0; i < n; i++) {
            if (use != NULL && !use[i * stride])
                continue;
            double u = a * z[i * stride] + b;
            double p = u >= 0 ? exp(-u) / (1 + exp(-u)) : 1 / (1 + exp(u)); /* 1 - sigmoid */
            double q = 1 - p;                                               /* sigmoid(u) */
            double d2 = p * q, d1 = T(i) - q;
            double zi = z[i * stride];
            h11 += zi * zi * d2;
            h22 += d2;
            h21 += zi * d2;
            g1 -= zi * d1;
            g2 -= d1;
        }
        if (fabs(g1) < 1e-9 && fabs(g2) < 1e-9)
            break;
        double det = h11 * h22 - h21 * h21;
        double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
        double gd = g1 * da + g2 * db, step = 1;
        for (; step >= 1e-10; step /= 2) {
            double na = a + step * da, nb = b + step * db, nf = 0;
            for (size_t i = 0; i < n; i++) {
                if (use != NULL && !use[i * stride])
                    continue;
                double u = na * z[i * stride] + nb;
                nf += nll1(u, T(i));
            }
            if (nf < f + 1e-4 * step * gd) {
                a = na, b = nb, f = nf;
                break;
            }
        }
        if (step < 1e-10)
            break;
    }
#undef T
    /* what the model file accepts (modelfile.c): finite, at most 1e6 either way */
    *a_out = isfinite(a) ? fmax(-1e6, fmin(1e6, a)) : 1;
    *b_out = isfinite(b) ? fmax(-1e6, fmin(1e6, b)) : 0;
}

typedef struct {
    double p;
    unsigned char y;
} scored;

static int cmp_scored(const void *x, const void *y)
{
    double a = ((const scored *)x)->p, b = ((const scored *)y)->p;
    return a > b ? -1 : a < b ? 1 : 0;
}

tsn_status tsn_model_calibrate_multi(tsn_model *m, const double *z, const unsigned char *gold,
                                     const unsigned char *use, size_t n, tsn_error *err)
{
    size_t K = m->n_labels;
    double *platt = malloc(2 * K * sizeof *platt), *thresh = malloc(K * sizeof *thresh);
    scored *v = malloc((n ? n : 1) * sizeof *v);
    if (platt == NULL || thresh == NULL || v == NULL) {
        free(platt);
        free(thresh);
        free(v);
        return tsn_error_set(err, TSN_ERR_NOMEM, "calibration: out of memory");
    }
    for (size_t k = 0; k < K; k++) {
        size_t pos = 0, neg = 0, all_pos = 0, nv = 0;
        for (size_t i = 0; i < n; i++) {
            all_pos += gold[i * K + k];
            if (use == NULL || use[i * K + k])
                gold[i * K + k] ? pos++ : neg++;
        }
        const unsigned char *u = use != NULL ? use + k : NULL;
        if ((pos == 0 || neg == 0) && (all_pos == 0 || all_pos == n)) {
            u = NULL; /* a label every document has (or none): its prior, from every row */
        } else if (pos == 0 || neg == 0) {
            /* its positives only where folds scored it flat: the classifier's own sigmoid
             * and cut (decision value 0) */
            platt[2 * k] = 1, platt[2 * k + 1] = 0, thresh[k] = 0.5;
            continue;
        }
        platt_fit(z + k, gold + k, u, K, n, &platt[2 * k], &platt[2 * k + 1]);
        /* the threshold: the cut between consecutive out-of-fold probabilities, sorted from
         * the top, that gives the best F1 (the highest such cut on ties) */
        pos = 0;
        for (size_t i = 0; i < n; i++) {
            if (u != NULL && !u[i * K])
                continue;
            double z1 = platt[2 * k] * z[i * K + k] + platt[2 * k + 1];
            v[nv].p = 1 / (1 + exp(-z1));
            v[nv].y = gold[i * K + k];
            pos += v[nv++].y;
        }
        qsort(v, nv, sizeof *v, cmp_scored);
        double best_f1 = -1, t = 0.5;
        size_t tp = 0;
        for (size_t i = 0; i < nv && pos > 0; i++) {
            tp += v[i].y;
            if (i + 1 < nv && v[i + 1].p == v[i].p)
                continue; /* a cut falls only between different values */
            double f1 = 2.0 * (double)tp / (double)(i + 1 + pos);
            if (f1 > best_f1) {
                best_f1 = f1;
                t = i + 1 < nv ? (v[i].p + v[i + 1].p) / 2 : v[i].p;
            }
        }
        thresh[k] = t;
    }
    free(v);
    free(m->platt);
    free(m->thresh);
    m->platt = platt;
    m->thresh = thresh;
    return TSN_OK;
}
