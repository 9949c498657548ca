/* ovr.c -- liblinear's training of a fit's problem (tsn_train_classes, tsn_train_labels):
 * one-vs-rest classes, or a multi-label problem's labels, trained on threads, each class's
 * weights kept whole or pruned as it finishes and gathered once the rows are gone; and the
 * program's rand() that liblinear's solvers draw from, seeded before every class.
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

#include "model_internal.h"

/* ---- liblinear's random numbers ---- */

/* liblinear 2.3's dual coordinate-descent solvers shuffle with rand(). This definition takes
 * the place of the C library's in the program (liblinear's calls bind to it): each thread
 * draws from its own generator, which tsn_train_classes() seeds before every class, so the
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
    double **cols;    /* [nr_class]: each class's w_size weights as trained (liblinear's own
                       * vector, taken over), laid out feature-major only once the rows are
                       * gone (ovr_finish); or NULL: */
    double prune;     /* > 0 (cols NULL): each class keeps only its weights of at least this
                       * fraction of its largest (the bias always), in kept_row/kept_val */
    uint32_t **kept_row; /* [nr_class]: the rows of class k's kept weights, ascending */
    double **kept_val;   /* [nr_class]: their values */
    size_t *n_kept;      /* [nr_class] */
    const tsn_corpus *multi; /* multi-label: positives are the docs with the label */
    const size_t *idx;       /* ... of these corpus documents (NULL: all) */
    const double *pos_weight; /* multi-label: [nr_class] weight of each label's positives */
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

/* Stores class k's weights sign * (*v)[0..w_size): taking the vector *v over as the class's
 * column (*v becomes NULL), or pruned into its own sparse lists -- the same weights prune()
 * would leave in the dense column, so a model trained either way is the same. False when out
 * of memory. */
static bool store_class(ovr_job *j, int k, double **v_owned, double sign)
{
    size_t w_size = (size_t)j->prob->n, nf = w_size - (j->prob->bias >= 0 ? 1 : 0);
    double *v = *v_owned;
    if (j->cols != NULL) {
        for (size_t f = 0; f < w_size; f++)
            v[f] = sign * v[f];
        j->cols[k] = v;
        *v_owned = NULL;
        return true;
    }
    double top = 0;
    for (size_t f = 0; f < nf; f++)
        top = fabs(v[f]) > top ? fabs(v[f]) : top;
    top *= j->prune;
    size_t n = 0;
    for (size_t f = 0; f < w_size; f++)
        n += v[f] != 0 && (f >= nf || !(fabs(v[f]) < top));
    uint32_t *row = malloc((n ? n : 1) * sizeof *row);
    double *val = malloc((n ? n : 1) * sizeof *val);
    if (row == NULL || val == NULL) {
        free(row);
        free(val);
        return false;
    }
    n = 0;
    for (size_t f = 0; f < w_size; f++)
        if (v[f] != 0 && (f >= nf || !(fabs(v[f]) < top))) {
            row[n] = (uint32_t)f;
            val[n++] = sign * v[f];
        }
    j->kept_row[k] = row;
    j->kept_val[k] = val;
    j->n_kept[k] = n;
    return true;
}

/* Trains classes, taken from j->next, each as liblinear's one-vs-rest would: positives of
 * the class at C times its weight (1 when it has none), all the others at C. */
static void *train_ovr(void *arg)
{
    ovr_job *j = arg;
    size_t l = (size_t)j->prob->l, w_size = (size_t)j->prob->n;
    double *y = malloc((l ? l : 1) * sizeof *y), *flat = NULL;
    if (y == NULL) {
        atomic_store(&j->failed, true);
        return NULL;
    }
    for (int t; !atomic_load(&j->failed) && (t = atomic_fetch_add(&j->next, 1)) < j->nr_class;) {
        int k = j->order[t];
        size_t npos = 0;
        for (size_t i = 0; i < l; i++) {
            bool pos = j->multi ? tsn_corpus_has_label(j->multi, j->idx ? j->idx[i] : i,
                                                       (size_t)k)
                                : j->prob->y[i] == j->label[k];
            y[i] = pos ? +1 : -1;
            npos += pos;
        }
        if (j->multi && (npos == 0 || npos == l)) {
            /* a label none (or all) of these documents has, as in a cross-validation fold:
             * nothing to learn; its decision is the bias weight alone, far below zero (above
             * it when every document has the label) */
            if (flat == NULL && (flat = malloc((w_size ? w_size : 1) * sizeof *flat)) == NULL) {
                atomic_store(&j->failed, true);
                break;
            }
            memset(flat, 0, w_size * sizeof *flat);
            if (j->prob->bias > 0)
                flat[w_size - 1] = (npos ? 20.0 : -20.0) / j->prob->bias;
            if (!store_class(j, k, &flat, 1.0)) {
                atomic_store(&j->failed, true);
                break;
            }
            continue;
        }
        struct problem sub = *j->prob;
        sub.y = y;
        struct parameter par = *j->param;
        int positive = +1;
        double wk = j->multi ? j->pos_weight[k] : class_weight(j->param, j->label[k]);
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
        bool stored = store_class(j, k, &bin->w, bin->label[0] == +1 ? 1.0 : -1.0);
        free_and_destroy_model(&bin); /* (its w, when the class took it over, is NULL) */
        if (!stored) {
            atomic_store(&j->failed, true);
            break;
        }
    }
    free(y);
    free(flat);
    return NULL;
}

/* Sets up j's per-class lists for pruned training (j->prune > 0), or its columns. */
static bool ovr_alloc(ovr_job *j)
{
    size_t K = (size_t)j->nr_class;
    if (j->prune <= 0)
        return (j->cols = calloc(K, sizeof *j->cols)) != NULL;
    j->kept_row = calloc(K, sizeof *j->kept_row);
    j->kept_val = calloc(K, sizeof *j->kept_val);
    j->n_kept = calloc(K, sizeof *j->n_kept);
    return j->kept_row != NULL && j->kept_val != NULL && j->n_kept != NULL;
}

static void ovr_release(ovr_job *j)
{
    for (int k = 0; j->cols != NULL && k < j->nr_class; k++)
        free(j->cols[k]);
    free(j->cols);
    j->cols = NULL;
    for (int k = 0; j->kept_row != NULL && k < j->nr_class; k++)
        free(j->kept_row[k]);
    for (int k = 0; j->kept_val != NULL && k < j->nr_class; k++)
        free(j->kept_val[k]);
    free(j->kept_row);
    free(j->kept_val);
    free(j->n_kept);
    j->kept_row = NULL;
    j->kept_val = NULL;
    j->n_kept = NULL;
}

/* Gathers the classes' kept weights into m's sparse rows (wstart, wcol, wval): row by row,
 * columns ascending. False when out of memory. */
static bool ovr_assemble(ovr_job *j, size_t w_size, tsn_model *m)
{
    size_t total = 0, K = (size_t)j->nr_class;
    for (size_t k = 0; k < K; k++)
        total += j->n_kept[k];
    m->wstart = calloc(w_size + 1, sizeof *m->wstart);
    m->wcol = malloc((total ? total : 1) * sizeof *m->wcol);
    m->wval = malloc((total ? total : 1) * sizeof *m->wval);
    if (m->wstart == NULL || m->wcol == NULL || m->wval == NULL)
        return false;
    for (size_t k = 0; k < K; k++)
        for (size_t i = 0; i < j->n_kept[k]; i++)
            m->wstart[j->kept_row[k][i] + 1]++;
    for (size_t r = 0; r < w_size; r++)
        m->wstart[r + 1] += m->wstart[r];
    for (size_t k = 0; k < K; k++) { /* classes in order: each row's columns ascend */
        for (size_t i = 0; i < j->n_kept[k]; i++) {
            size_t at = m->wstart[j->kept_row[k][i]]++;
            m->wcol[at] = (uint32_t)k;
            m->wval[at] = j->kept_val[k][i];
        }
        free(j->kept_row[k]); /* as it goes: the lists and the rows are not both whole */
        free(j->kept_val[k]);
        j->kept_row[k] = NULL;
        j->kept_val[k] = NULL;
    }
    for (size_t r = w_size; r > 0; r--) /* each start was moved to the next row's */
        m->wstart[r] = m->wstart[r - 1];
    m->wstart[0] = 0;
    return true;
}

/* The classes' weights, all trained, as the model keeps them: the dense matrix feature-major
 * (*w, liblinear's layout), each class's column freed once copied; or pruned into m's sparse
 * rows (*w NULL). False when out of memory. */
static bool ovr_finish(ovr_job *j, size_t w_size, tsn_model *m, double **w)
{
    *w = NULL;
    if (j->cols == NULL)
        return ovr_assemble(j, w_size, m);
    size_t K = (size_t)j->nr_class;
    if ((*w = malloc((w_size ? w_size : 1) * K * sizeof **w)) == NULL)
        return false;
    for (size_t k = 0; k < K; k++) {
        for (size_t f = 0; f < w_size; f++)
            (*w)[f * K + k] = j->cols[k][f];
        free(j->cols[k]);
        j->cols[k] = NULL;
    }
    return true;
}

/* train(prob, param), with one-vs-rest classes trained on up to `threads` threads: the same
 * layout (labels in order of first occurrence, w feature-major) and, class by class, the
 * problem liblinear would solve; each class is seeded alike (see rand() above), so the
 * weights are the same for any number of threads. Two classes and Crammer-Singer are one
 * problem each: train() itself. Calls done once the rows are no longer needed (before the
 * weights are gathered). NULL when out of memory. */
struct model *tsn_train_classes(const struct problem *prob, const struct parameter *param,
                               size_t threads, double prune, tsn_model *m, tsn_rows_done done)
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
        struct model *ll = train(prob, param);
        done.fn(done.ctx);
        return ll;
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
    pthread_t *tids = calloc(threads ? threads : 1, sizeof *tids);
    ovr_job job = {.prob = prob, .param = param, .label = label, .order = order,
                   .nr_class = nr_class, .prune = prune};
    atomic_init(&job.next, 0);
    atomic_init(&job.failed, false);
    double *w = NULL;
    if (ll == NULL || tids == NULL || !ovr_alloc(&job))
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
    done.fn(done.ctx);
    if (atomic_load(&job.failed) || !ovr_finish(&job, w_size, m, &w))
        goto fail;
    ovr_release(&job);
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
    ovr_release(&job);
    free(label);
    free(order);
    free(w);
    free(tids);
    free(ll);
    return NULL;
}

/* Multi-label: one binary problem per label k of the corpus (positives: the documents that
 * have k, at C times pos_weight[k]; the rest at C), on up to `threads` threads, laid out as a
 * liblinear one-vs-rest model of n_labels classes (labels 1..n_labels, one weight column
 * each, even for two labels). Calls done as tsn_train_classes() does. NULL when out of memory or
 * a problem fails. */
struct model *tsn_train_labels(const struct problem *prob, const struct parameter *param,
                              const tsn_corpus *c, const size_t *idx, const double *pos_weight,
                              size_t K, size_t threads, double prune, tsn_model *m,
                              tsn_rows_done done)
{
    struct model *ll = calloc(1, sizeof *ll);
    int *label = malloc(K * sizeof *label), *order = malloc(K * sizeof *order);
    size_t w_size = (size_t)prob->n;
    pthread_t *tids = calloc(threads ? threads : 1, sizeof *tids);
    ovr_job job = {.prob = prob, .param = param, .label = label, .order = order,
                   .nr_class = (int)K, .multi = c, .idx = idx, .pos_weight = pos_weight,
                   .prune = prune};
    atomic_init(&job.next, 0);
    atomic_init(&job.failed, false);
    double *w = NULL;
    if (ll == NULL || label == NULL || order == NULL || tids == NULL || !ovr_alloc(&job))
        goto fail;
    for (size_t k = 0; k < K; k++)
        label[k] = (int)k + 1, order[k] = (int)k;
    size_t started = 0;
    if (!rand_is_ours())
        threads = 1;
    for (size_t t = 1; t < threads && t < K; t++) {
        if (pthread_create(&tids[t], NULL, train_ovr, &job) != 0)
            break;
        started = t;
    }
    train_ovr(&job);
    for (size_t t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    done.fn(done.ctx);
    if (atomic_load(&job.failed) || !ovr_finish(&job, w_size, m, &w))
        goto fail;
    ovr_release(&job);
    free(tids);
    free(order);
    ll->param = *param;
    ll->nr_class = (int)K;
    ll->nr_feature = prob->n - (prob->bias >= 0 ? 1 : 0);
    ll->bias = prob->bias;
    ll->label = label;
    ll->w = w;
    return ll;
fail:
    ovr_release(&job);
    free(label);
    free(order);
    free(w);
    free(tids);
    free(ll);
    return NULL;
}
