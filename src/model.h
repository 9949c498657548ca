/* model.h -- training (liblinear), prediction, explanation, and the model file.
 *
 * Training goes through a tsn_corpus (corpus.h): a dataset featurized once (bags interned in
 * a feature dictionary), from which tsn_model_fit() builds a vocabulary and a liblinear model
 * on any subset of documents -- the whole set for `train`, the training folds for `cv`,
 * without featurizing again and without the held-out documents leaking into the vocabulary.
 * The code is split by job: corpus.c, fit.c, ovr.c (liblinear one-vs-rest, on threads), score.c,
 * modelsave.c, modelfile.c, and model.c (see there).
 *
 * The model file is one self-describing file (see modelformat.h for the layout): magic and format
 * version, the full pipeline config, the stop-word list, the label table, the vocabulary (or
 * hashing parameters) with idf, the weights, and a checksum. A model carries its pipeline:
 * classify never overrides it.
 * Ownership: corpus_build -> corpus_free; model_fit/model_load -> model_free.
 * A tsn_model holds prediction scratch: use one per thread.
 */
#ifndef TSN_MODEL_H
#define TSN_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "corpus.h"
#include "dataset.h"
#include "error.h"
#include "pipeline.h"

#define TSN_MODEL_FORMAT_VERSION 1
#define TSN_VERSION "0.1.0"


typedef struct tsn_model tsn_model; /* opaque */

/* Trains on the documents idx[0..n) of c (all of them when idx is NULL). */
tsn_model *tsn_model_fit(const tsn_corpus *c, const size_t *idx, size_t n, tsn_error *err);
/* The same on every document, using up the corpus as it goes to keep peak memory down: the
 * same model as tsn_model_fit(c, NULL, 0), after which c may only be freed. */
tsn_model *tsn_model_fit_consume(tsn_corpus *c, tsn_error *err);
/* Loads a model file; TSN_ERR_MODEL for a foreign, truncated, corrupt or newer file. */
tsn_model *tsn_model_load(const char *path, tsn_error *err);
/* The same from the bytes of a model file in memory; `name` names it in messages. */
tsn_model *tsn_model_parse(const char *buf, size_t len, const char *name, tsn_error *err);
/* Writes the model atomically: a temporary file in the same directory, then rename(). */
tsn_status tsn_model_save(const tsn_model *m, const char *path, tsn_error *err);
/* True when the file at path starts like a tasnif model (its magic), false otherwise or when
 * it cannot be read: what -o may replace without --force. */
bool tsn_model_sniff(const char *path);
/* The file a model argument names. A name with a slash or ending in ".model" is a path, as it
 * is. Any other is a shipped model's name ("stance"), looked up as name.model in
 * $TASNIF_MODELS, next to the running executable when near_exe (../models,
 * ../share/tasnif/models, models) and in the installed location, in that order; when none
 * has it, the name itself (a file of that name in the working directory). A found path is
 * written to buf (size bytes). */
const char *tsn_model_resolve(const char *name, bool near_exe, char *buf, size_t size);
/* The temporary file tsn_model_save() is writing right now, or NULL: a signal handler may
 * unlink() it so that an interrupted save leaves nothing behind. */
const char *tsn_model_saving(void);
void tsn_model_free(tsn_model *m);

const tsn_config *tsn_model_config(const tsn_model *m);
size_t tsn_model_n_labels(const tsn_model *m);
const char *tsn_model_label_name(const tsn_model *m, size_t k);
/* The index of label name, or -1. */
int tsn_model_find_label(const tsn_model *m, const char *name);
bool tsn_model_is_pair(const tsn_model *m);        /* trained on claim + text examples */
size_t tsn_model_n_features(const tsn_model *m);   /* vocabulary size or hash buckets */
size_t tsn_model_n_examples(const tsn_model *m);   /* training examples */
size_t tsn_model_label_support(const tsn_model *m, size_t k); /* training examples of label k */
bool tsn_model_has_probabilities(const tsn_model *m); /* logistic-regression solver */
size_t tsn_model_invalid_last(const tsn_model *m); /* invalid UTF-8 replaced in last doc */

/* The model's own pipeline (borrowed; valid until tsn_model_free). */
tsn_pipeline *tsn_model_pipeline(tsn_model *m);

/* Classifies doc: probs[k] for every label k (sum 1; a calibrated model's are softmax(decision
 * values / temperature); an uncalibrated SVM's a logistic squashing of the decision values,
 * not a probability). Returns the best label index in *best. */
tsn_status tsn_model_predict(tsn_model *m, const tsn_doc *doc, double *probs, size_t *best,
                             tsn_error *err);
/* The same for document i of the corpus the model was fitted from (cross-validation). When z
 * is not NULL it also gets the document's decision values by label index (n_labels of them;
 * a two-class model's are +d/2 and -d/2): what calibration is fitted on. */
tsn_status tsn_model_predict_corpus(tsn_model *m, const tsn_corpus *c, size_t i, double *probs,
                                    size_t *best, double *z, tsn_error *err);

/* Fits a temperature t to out-of-fold decision values z (n rows of n_labels) and their gold
 * label indices, by maximum likelihood; from then on probs = softmax(decisions / t), for
 * every solver alike, and the predicted label is unchanged. Saved with the model. Only the
 * rows use marks count (all when use is NULL): a row whose fold never saw its gold label
 * would pull t to its bound on its own. TSN_ERR_DATA when no row counts. */
tsn_status tsn_model_calibrate(tsn_model *m, const double *z, const size_t *gold,
                               const unsigned char *use, size_t n, tsn_error *err);
double tsn_model_temperature(const tsn_model *m); /* 0: not calibrated */

/* Multi-label models (config multi_label): one binary classifier per label; tsn_model_predict
 * gives each label's own probability (they do not sum to 1) and the most probable label as
 * best. A label is given when its probability reaches its threshold. */
bool tsn_model_multi_label(const tsn_model *m);
double tsn_model_threshold(const tsn_model *m, size_t k); /* 0.5 when none was fitted */
/* Replaces every label's threshold by t (what --threshold does); TSN_ERR_NOMEM or OK. */
tsn_status tsn_model_set_threshold(tsn_model *m, double t, tsn_error *err);
/* The labels a multi-label model gives a document scored probs: the best one and every
 * other whose probability reaches its threshold, by falling probability, into out (room for
 * n_labels); returns how many. A single-label model gives its best label alone. */
size_t tsn_model_given(const tsn_model *m, const double *probs, size_t best, size_t *out);
/* Fits, label by label, a logistic map of the out-of-fold decision values z (n rows of
 * n_labels) to probabilities (Platt scaling) and the probability threshold that maximizes
 * the label's F1 on them; gold[i * n_labels + k] says whether doc i has label k. Only the
 * values use[i * n_labels + k] marks count (all when use is NULL): a fold whose documents
 * all have the label, or none, scores it flat. A label every document has (or none) is
 * fitted on all its values, its prior; any other label left with no positive or no
 * negative value keeps its classifier's own sigmoid (a 1, b 0) and the threshold 0.5. */
tsn_status tsn_model_calibrate_multi(tsn_model *m, const double *z, const unsigned char *gold,
                                     const unsigned char *use, size_t n, tsn_error *err);

/* One feature's share in a decision: its value in the document times its weight for the
 * label; positive pushes toward the label. */
typedef struct {
    char feature[192]; /* readable n-gram, truncated if longer */
    double contribution;
} tsn_contrib;

/* The up to n features of doc that push hardest toward label k (largest contributions first,
 * positive ones only); *n_out gets how many. */
tsn_status tsn_model_explain(tsn_model *m, const tsn_doc *doc, size_t k, tsn_contrib *out,
                             size_t n, size_t *n_out, tsn_error *err);

/* A scorer holds one thread's prediction scratch (pipeline, buffers) for a model, which is
 * only read: several threads may classify with one model, each through its own scorer. The
 * model must outlive its scorers. tsn_scorer_new() -> tsn_scorer_free(). */
typedef struct tsn_scorer tsn_scorer; /* opaque */
tsn_scorer *tsn_scorer_new(const tsn_model *m, tsn_error *err);
void tsn_scorer_free(tsn_scorer *s); /* NULL is a no-op */
/* The model's own scorer (what tsn_model_predict uses); borrowed. */
tsn_scorer *tsn_model_scorer(tsn_model *m);
/* tsn_model_predict() and tsn_model_explain() through a scorer. */
/* True when the last document tsn_scorer_predict() scored had no features at all: blank, or
 * nothing left after normalization (its probabilities are the bias's alone). */
bool tsn_scorer_empty(const tsn_scorer *s);
tsn_status tsn_scorer_predict(tsn_scorer *s, const tsn_doc *doc, double *probs, size_t *best,
                              tsn_error *err);
tsn_status tsn_scorer_explain(tsn_scorer *s, const tsn_doc *doc, size_t k, tsn_contrib *out,
                              size_t n, size_t *n_out, tsn_error *err);

/* The n heaviest-weighted features of label k in the model (vocabulary mode only). */
tsn_status tsn_model_top_features(const tsn_model *m, size_t k, tsn_contrib *out, size_t n,
                                  size_t *n_out, tsn_error *err);

/* Sends liblinear's own progress output to fn (NULL: silence). Process-wide. */
void tsn_model_set_solver_output(void (*fn)(const char *));

#endif
