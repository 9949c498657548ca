/* corpus.h -- the training corpus: a dataset featurized once (bags interned in a feature
 * dictionary), with its sorted label table, from which tsn_model_fit() (model.h) builds a
 * vocabulary and a liblinear model on any subset of documents, without featurizing again.
 * Ownership: tsn_corpus_build -> tsn_corpus_free. Label names are views owned by the corpus.
 */
#ifndef TSN_CORPUS_H
#define TSN_CORPUS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "dataset.h"
#include "error.h"

/* Called now and then during long work: `done` of `total` units of `stage`. */
typedef void (*tsn_progress_fn)(void *ctx, const char *stage, size_t done, size_t total);

typedef struct tsn_corpus tsn_corpus; /* opaque */

/* Featurizes every example of d under cfg on `threads` threads; fits of the corpus train
 * their one-vs-rest classes on as many (neither result depends on their number). Needs at
 * least two distinct labels. */
tsn_corpus *tsn_corpus_build(const tsn_config *cfg, const tsn_dataset *d, int threads,
                             tsn_progress_fn progress, void *ctx, tsn_error *err);
void tsn_corpus_free(tsn_corpus *c);
size_t tsn_corpus_size(const tsn_corpus *c);
size_t tsn_corpus_n_labels(const tsn_corpus *c);
const char *tsn_corpus_label_name(const tsn_corpus *c, size_t k); /* labels sorted, k < n */
size_t tsn_corpus_label(const tsn_corpus *c, size_t i);           /* label index of doc i */
/* Multi-label corpora (config multi_label): doc i's labels; tsn_corpus_label() is the first
 * one given. For a single-label corpus, whether k is doc i's label. */
bool tsn_corpus_multi_label(const tsn_corpus *c);
bool tsn_corpus_has_label(const tsn_corpus *c, size_t i, size_t k);
size_t tsn_corpus_features(const tsn_corpus *c);                  /* distinct features seen */
/* Takes the learner options (solver, C, eps, bias, class_weight, calibrate) of cfg for later
 * fits; the features stay as they were built. */
void tsn_corpus_set_learner(tsn_corpus *c, const tsn_config *cfg);

#endif
