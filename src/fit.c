/* fit.c -- fitting a model on a corpus with liblinear (tsn_model_fit*): the vocabulary of
 * the chosen documents, liblinear's rows built on threads, one-vs-rest classes trained on
 * threads, the program's rand() that liblinear's solvers draw from, and the calibration of a
 * temperature on out-of-fold decision values.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT, for rand_is_ours() */
#include "model.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* Whether liblinear's rand() is the one above. It is in the tasnif program, which exports
 * it; inside libtasnif.so it cannot be (the library exports the public API only), and
 * liblinear draws from the C library's rand(), one generator for the whole process. Then the
 * classes are trained one after the other, each after srand(1): models stay deterministic
 * and the same for any thread count, though not the command line's byte for byte when a dual
 * solver shuffles (and only if nothing else in the process calls rand() meanwhile). */
static bool rand_is_ours(void)
{
    static atomic_int known; /* 0 not yet looked up, 1 ours, 2 the C library's */
    int k = atomic_load(&known);
    if (k == 0) {
        void *bound = dlsym(RTLD_DEFAULT, "rand");
        k = bound == NULL || bound == (void *)(uintptr_t)rand ? 1 : 2;
        atomic_store(&known, k);
    }
    return k == 1;
}

/* Seeds the generator liblinear is about to draw from, before each problem it solves. */
static void seed_rand(void)
{
    rand_state = 1;
    if (!rand_is_ours())
        srand(1);
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
        seed_rand();
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
        seed_rand();
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
    if (!rand_is_ours())
        threads = 1; /* one process-wide generator: one class at a time (see rand_is_ours) */
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
    if (tsn_model_ready(m, err) != TSN_OK)
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
    param.solver_type = tsn_solver_map[m->cfg.solver];
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
    goto done;
nomem:
    tsn_error_set(err, TSN_ERR_NOMEM, "training: out of memory");
fail:
    tsn_model_free(m);
    m = NULL;
done:
    free(wl);
    free(wv);
    rows_release(jobs, workers);
    free(tids);
    free(prob.x);
    free(prob.y);
    free(fids);
    free(nf);
    return m;
}

/* ---- Calibration ---- */

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
