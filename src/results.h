/* results.h -- what tasnif tells about a model's answers, as JSON and as aligned text: one
 * document's prediction, a whole article's labels (topic and the stance of each sentence), an
 * evaluation, a model's description. The command line writes these to standard output and
 * the public API (tasnif.h) to strings, through the same functions, so the two never differ.
 *
 * Writers take a FILE * and never fail on their own (the caller checks ferror()).
 * Ownership: tsn_labeler_new() -> tsn_labeler_free(); tsn_evaluation is caller-owned and
 * released with tsn_evaluation_release().
 */
#ifndef TSN_RESULTS_H
#define TSN_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dataset.h"
#include "error.h"
#include "metrics.h"
#include "model.h"

/* s as a JSON string (quoted, escaped); v with four decimals (0 when not finite). */
void tsn_json_str(FILE *f, const char *s);
void tsn_json_num(FILE *f, double v);

/* order[0..n) = label indices by falling probability (ties: lower index first). */
void tsn_rank(const double *probs, size_t *order, size_t n);

/* One document's prediction as `classify --format jsonl` writes it, without a line break:
 * {["id",]"label","prob"[,"top"][,"explain"]}. The label is null when probs[best] < min_prob;
 * "top" lists order[0..top) when top > 0; "explain" lists contrib[0..ne) when explain. */
void tsn_write_prediction(FILE *f, const tsn_model *m, const char *id, bool id_number,
                          const double *probs,
                          size_t best, const size_t *order, size_t top, double min_prob,
                          bool explain, const tsn_contrib *contrib, size_t ne);

/* A model's description as `info --json` writes it (with each label's top features when
 * top > 0), without a line break. */
tsn_status tsn_write_model_info(FILE *f, const tsn_model *m, size_t top, tsn_error *err);

/* ---- Whole articles ---- */

/* Labels articles with a stance and a topic model (each scored through a scorer of its own,
 * so several labelers may share the models across threads). */
typedef struct tsn_labeler tsn_labeler; /* opaque */

tsn_labeler *tsn_labeler_new(const tsn_model *stance, const tsn_model *topic, tsn_error *err);
void tsn_labeler_free(tsn_labeler *lb); /* NULL is a no-op */
/* Labels text[0..len): topic, sentences, stances; sentences whose best stance probability is
 * below min_prob abstain. The results stay until the next run. */
tsn_status tsn_labeler_run(tsn_labeler *lb, const char *text, size_t len, double min_prob,
                           tsn_error *err);
/* The last run's results. */
size_t tsn_labeler_topic(const tsn_labeler *lb, double *prob);
/* A multi-label topic model's second topic, when one clears its threshold (the most probable
 * after the first); (size_t)-1 when there is none. */
size_t tsn_labeler_second_topic(const tsn_labeler *lb, double *prob);
size_t tsn_labeler_n_sentences(const tsn_labeler *lb);
/* Sentence i: its byte span, its best stance label and probability; false when it abstained. */
bool tsn_labeler_sentence(const tsn_labeler *lb, size_t i, size_t *start, size_t *end,
                          size_t *best, double *prob);
/* Sentences per stance label k < n_labels, and abstentions at k == n_labels. */
size_t tsn_labeler_count(const tsn_labeler *lb, size_t k);
/* The last run as `label --json` writes it, without a line break (text is the article it
 * was run on; id, when not NULL, comes first). */
tsn_status tsn_labeler_write_json(const tsn_labeler *lb, FILE *f, const char *text,
                                  const char *id, bool id_number, tsn_error *err);

/* ---- Evaluation ---- */

typedef struct {
    tsn_metrics *metrics;
    double log_loss; /* mean -log p(gold) */
    double ece;      /* expected calibration error: 10 equal-width bins of the top
                        probability, |accuracy - mean confidence| weighted */
    double bin_conf[10], bin_hits[10];
    size_t bin_n[10];
    double min_prob; /* > 0: the --min-prob threshold */
    size_t covered, covered_hits; /* answers with top prob >= min_prob, and right ones */
    size_t empty; /* documents with no feature, scored by the bias alone (classify gives
                     them no label): `eval` warns of them */
} tsn_evaluation;

/* Scores m on every example of d (through a scorer of its own). Fails on a label the model
 * never saw and on pair examples for a single-text model (or the reverse), naming the line. */
tsn_status tsn_evaluate(const tsn_model *m, const tsn_dataset *d, double min_prob,
                        tsn_evaluation *ev, tsn_error *err);
void tsn_evaluation_release(tsn_evaluation *ev);
/* The evaluation as `eval` writes it: JSON without a line break, or the aligned report (whose
 * confusion matrix is replaced by the most frequent confusions beyond this many labels). */
#define TSN_CONFUSION_MAX 20
void tsn_write_evaluation(FILE *f, const tsn_evaluation *ev, const tsn_model *m, bool json);

#endif
