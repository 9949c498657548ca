/* tasnif.h -- Arabic text classification: the public C API of libtasnif.
 *
 * tasnif trains linear models on labeled Arabic text (ICU normalization and word breaks,
 * Snowball stems, word and character n-grams, tf-idf, liblinear) and labels new text with a
 * label and a probability. This header is all a program needs: link with
 * `pkg-config --cflags --libs tasnif`.
 *
 *     tasnif_error err;
 *     tasnif_model *m = tasnif_load("stance", &err);          // a shipped model, or a path
 *     tasnif_label_prob top[3];
 *     size_t n;
 *     if (m && tasnif_classify(m, text, strlen(text), NULL, 0, top, 3, &n, &err) == TASNIF_OK)
 *         printf("%s %.2f\n", top[0].label, top[0].prob);
 *     tasnif_model_free(m);
 *
 * Errors: a fallible function returns a tasnif_status (or NULL for one that returns a pointer)
 * and, when err is not NULL, fills *err with the status and a message naming the file, line
 * or value at fault. Nothing is printed and nothing exits.
 *
 * Ownership: every `char *` a function returns is a new NUL-terminated UTF-8 string that the
 * caller releases with tasnif_free(); every `const char *` is borrowed from the model and
 * stays valid until tasnif_model_free(). A tasnif_model is released with tasnif_model_free().
 *
 * Threads: a loaded model is safe to share between threads for classification, labelling,
 * evaluation, info and saving (each call takes its own scratch); tasnif_model_free() must not
 * race with those calls. tasnif_train() may be called from several threads at once.
 */
#ifndef TASNIF_H
#define TASNIF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TASNIF_VERSION_MAJOR 0
#define TASNIF_VERSION_MINOR 1
#define TASNIF_VERSION_PATCH 0

typedef enum {
    TASNIF_OK = 0,
    TASNIF_ERR_NOMEM,   /* allocation failed */
    TASNIF_ERR_IO,      /* open, read or write failed */
    TASNIF_ERR_FORMAT,  /* malformed input line, config or model file */
    TASNIF_ERR_UNICODE, /* invalid UTF-8 (strict mode) or an ICU failure */
    TASNIF_ERR_MODEL,   /* not a model, a corrupt or newer one, or the wrong kind */
    TASNIF_ERR_ARG,     /* invalid argument or option value */
    TASNIF_ERR_DATA     /* data that cannot be trained on or evaluated (e.g. one class) */
} tasnif_status;

typedef struct {
    tasnif_status code;
    char message[512];
} tasnif_error;

typedef struct tasnif_model tasnif_model; /* opaque */

/* A label and its probability; label is borrowed from the model. */
typedef struct {
    const char *label;
    double prob;
} tasnif_label_prob;

/* The library's version, "MAJOR.MINOR.PATCH" (static storage). */
const char *tasnif_version(void);

/* A constant description of a status code. */
const char *tasnif_strerror(tasnif_status code);

/* Loads a model: a file path, or the name of a shipped model ("stance", "topic"). An argument
 * with a slash or ending in ".model" is a path. Any other is a name, looked up as name.model in
 * $TASNIF_MODELS, then in the installed models directory, and only when neither has it as a
 * file of that name in the working directory: a file called "stance" there does not hide the
 * shipped model ("./stance" loads the file). NULL with *err set on failure.
 * Release with tasnif_model_free(). */
tasnif_model *tasnif_load(const char *path_or_name, tasnif_error *err);

/* Trains a model on a dataset file (TSV label<TAB>text or label<TAB>claim<TAB>text, JSON
 * lines, fastText lines, or a directory of label/file), with a JSON config such as
 * {"solver": "lr", "C": 4} (NULL or "" for the defaults; the keys are those of
 * `tasnif train --help`), on `threads` threads (0: all processors; the model is the same for
 * any number). NULL with *err set on failure. Release with tasnif_model_free(). */
tasnif_model *tasnif_train(const char *dataset_path, const char *config_json, int threads,
                           tasnif_error *err);

/* Writes the model to path atomically (a temporary file, then a rename). */
tasnif_status tasnif_model_save(const tasnif_model *m, const char *path, tasnif_error *err);

void tasnif_model_free(tasnif_model *m); /* NULL is a no-op */

size_t tasnif_model_n_labels(const tasnif_model *m);
/* Label k (0 <= k < tasnif_model_n_labels), borrowed; NULL when k is out of range. */
const char *tasnif_model_label(const tasnif_model *m, size_t k);
/* 1 when the model classifies claim/text pairs (tasnif_classify needs a claim), else 0. */
int tasnif_model_is_pair(const tasnif_model *m);
/* The model's description as JSON: labels and their training support, the config, the
 * solver, feature count, calibration temperature (as `tasnif info --json`). Free with
 * tasnif_free(). */
char *tasnif_model_info(const tasnif_model *m, tasnif_error *err);

/* Classifies text[0..len) (UTF-8; invalid bytes are replaced), with claim[0..claim_len) for a
 * pair model (NULL otherwise): the k most probable labels, best first, into top[0..k);
 * *n_out gets how many were written (min(k, labels)). A document with nothing to go on
 * (blank, or nothing left after normalization) is scored by the model's bias alone, as
 * `tasnif eval` scores it; tasnif_classify_json and `tasnif classify` give it no label. */
tasnif_status tasnif_classify(const tasnif_model *m, const char *text, size_t len,
                              const char *claim, size_t claim_len, tasnif_label_prob *top,
                              size_t k, size_t *n_out, tasnif_error *err);

/* The same as one JSON object, exactly as `tasnif classify --format jsonl` prints it:
 * {"label", "prob"} plus "top" when k > 1 and "explain" (the `explain` features that pushed
 * the decision most) when explain > 0. A document with nothing to go on (blank, or nothing
 * left after normalization) gets {"label":null,"prob":0.0000}, no "top" and an empty
 * "explain", as classify answers it. Free with tasnif_free(). */
char *tasnif_classify_json(const tasnif_model *m, const char *text, size_t len,
                           const char *claim, size_t claim_len, int k, int explain,
                           tasnif_error *err);

/* Labels an article: its topic with topic_model, and the stance of each of its sentences with
 * stance_model, as one JSON object exactly as `tasnif label --json` prints it (byte offsets
 * start/end into text). Sentences whose best probability is below min_prob get stance null
 * (0 labels every sentence). A text holding a NUL byte is refused with TASNIF_ERR_FORMAT
 * (as `tasnif label` refuses it), a min_prob that is NaN or outside 0..1 with TASNIF_ERR_ARG.
 * Free with tasnif_free(). */
char *tasnif_label(const tasnif_model *stance_model, const tasnif_model *topic_model,
                   const char *text, size_t len, double min_prob, tasnif_error *err);

/* Scores the model on a labeled dataset file, as `tasnif eval --json` prints it (accuracy,
 * macro-F1, per-label precision/recall/F1, confusion, calibration). Free with tasnif_free(). */
char *tasnif_evaluate(const tasnif_model *m, const char *dataset_path, tasnif_error *err);

/* Releases a string returned by this library. NULL is a no-op. */
void tasnif_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
