/* model_internal.h -- the model's private header: the structures that the model's own files
 * (corpus.c, fit.c, ovr.c, score.c, modelsave.c, modelfile.c, model.c) share, and the helpers
 * one of them defines for the others (the model file's format has its own, modelformat.h). No
 * other module includes it: it brings in liblinear's linear.h, whose unprefixed names (train,
 * predict, struct model) must not leak past the model.
 * Ownership is as in model.h and corpus.h; a tsn_model's fields are owned by the model and
 * released by tsn_model_free(), a tsn_corpus's by tsn_corpus_free().
 */
#ifndef TSN_MODEL_INTERNAL_H
#define TSN_MODEL_INTERNAL_H

#include <linear.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "corpus.h"
#include "error.h"
#include "features.h"
#include "model.h"

/* tsn_sparse restates liblinear's struct feature_node (features.h): vectors go to liblinear
 * as they are. */
_Static_assert(sizeof(tsn_sparse) == sizeof(struct feature_node), "feature_node layout");
_Static_assert(offsetof(tsn_sparse, value) == offsetof(struct feature_node, value),
               "feature_node layout");

struct tsn_corpus {
    tsn_config cfg;
    char *stopwords;
    size_t stop_len;
    size_t n_docs;
    uint32_t *fids, *counts; /* all documents' row entries, concatenated: feature ids, or
                              * word types (TSN_ROW_TYPE, features.h), and their counts;
                              * blocks of bigmem.h with room for fids_cap, counts_cap */
    size_t fids_cap, counts_cap;
    size_t *start;           /* [n_docs + 1] */
    size_t *labels;          /* label index of each document (multi-label: the first given) */
    size_t *lstart, *lids;   /* multi-label: doc i's labels are lids[lstart[i]..lstart[i+1]) */
    char **names;            /* sorted distinct labels */
    size_t n_labels;
    tsn_dict *dict;
    bool pair;
    size_t threads; /* the fit trains one-vs-rest classes on this many threads */
};

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
    /* Sparse weights, from a model file's sparse-weights section or a pruned one-vs-rest
     * fit (ll->w is then NULL and liblinear's predict functions are not called): row r --
     * feature r + 1, the bias term last -- has the weights wval[wstart[r]..wstart[r + 1]) in
     * the columns wcol[...], ascending; every other weight is 0. */
    size_t *wstart;    /* [w_rows + 1] */
    uint32_t *wcol;    /* [wstart[w_rows]], each < n_cols */
    double *wval;      /* [wstart[w_rows]] */
    double temperature; /* > 0: calibrated, probs = softmax(decisions / temperature) */
    double *platt;      /* multi-label: [2 * n_labels] a, b: prob of k = 1/(1+exp(-(a z + b))) */
    double *thresh;     /* multi-label: [n_labels] a label is given when its prob >= this */
    tsn_scorer *own;   /* scratch for the single-threaded calls (tsn_model_predict...) */
    uint32_t *dmap;         /* vocabulary ids of dmap_of's features (tsn_vocab_map_dict) */
    const tsn_dict *dmap_of; /* the corpus dictionary dmap is for, or NULL */
};

/* The liblinear solver of each tsn_config solver, in the order of config.h's enum (model.c). */
extern const int tsn_solver_map[8];

/* Per-label sizes of a weight vector: liblinear keeps one column for two classes. */
static inline size_t nr_w(const struct model *ll)
{
    return ll->nr_class == 2 && ll->param.solver_type != MCSVM_CS ? 1 : (size_t)ll->nr_class;
}

/* The weight columns a model stores: a multi-label model one per label, always. */
static inline size_t n_cols(const tsn_model *m)
{
    return m->cfg.multi_label ? m->n_labels : nr_w(m->ll);
}

static inline size_t w_rows(const struct model *ll)
{
    return (size_t)ll->nr_feature + (ll->bias >= 0 ? 1 : 0);
}

/* The weight of row r (feature r + 1; the bias term is the last row) in column c, dense or
 * sparse (score.c). */
double tsn_model_weight(const tsn_model *m, size_t r, size_t c);

/* Refuses, before any training, a configuration whose training would not fit in memory:
 * this machine's physical memory or the address-space limit (ulimit -v), whichever is
 * smaller. Dense training holds n_features x the columns n_labels need, as doubles; pruned
 * one-vs-rest training (cfg's prune_weights, auto resolved) holds no such matrix, only a few
 * vectors of n_features on each of `threads` threads. TSN_ERR_DATA with the sizes in the
 * message (fit.c). */
tsn_status tsn_weights_check(const tsn_config *cfg, size_t n_features, size_t n_labels,
                             size_t threads, tsn_error *err);

/* Finishes a model whose config, labels, stop words and vocabulary are set: builds the
 * prediction scratch (model.c). */
tsn_status tsn_model_ready(tsn_model *m, tsn_error *err);

/* x = the vector of corpus document i under m's vocabulary, through m->dmap, which it makes
 * for the corpus' dictionary on first use (fit.c). */
tsn_status tsn_model_corpus_row(tsn_model *m, const tsn_corpus *c, size_t i, tsn_vector *x,
                                tsn_error *err);

/* Called by the trainers below once no class needs the problem's rows (x) any more, so that
 * the rows are gone before the weights are gathered: liblinear's rows are by far the largest
 * thing training holds, and the classes' weights are whole only at the end (fit.c frees
 * them). */
typedef struct {
    void (*fn)(void *ctx);
    void *ctx;
} tsn_rows_done;

/* train(prob, param) as liblinear would, one-vs-rest classes on up to `threads` threads,
 * each seeded alike so the weights are the same for any number of threads; with prune > 0
 * each class keeps only its larger weights, gathered into m's sparse rows (the model's w is
 * then NULL). Calls done once the rows are no longer needed. NULL when out of memory (ovr.c). */
struct model *tsn_train_classes(const struct problem *prob, const struct parameter *param,
                               size_t threads, double prune, tsn_model *m, tsn_rows_done done);
/* Multi-label: one binary problem per label of corpus c (of the documents idx, NULL: all),
 * its positives at C times pos_weight[k], laid out as a one-vs-rest model of K classes
 * (ovr.c). As tsn_train_classes() otherwise. */
struct model *tsn_train_labels(const struct problem *prob, const struct parameter *param,
                              const tsn_corpus *c, const size_t *idx, const double *pos_weight,
                              size_t K, size_t threads, double prune, tsn_model *m,
                              tsn_rows_done done);

#endif
