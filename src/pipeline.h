/* pipeline.h -- the stages in order: normalize -> tokenize -> stop words -> stem -> features.
 *
 * tsn_pipeline_featurize() is the one function that turns a document into features; train,
 * classify, eval, cv and label all call it, so preprocessing never exists twice. A pipeline
 * holds per-document scratch (ICU buffers, break iterator) and a lexicon of the stop-word flags
 * and stems of the words it met: use one per thread.
 * Ownership: tsn_pipeline_new() -> tsn_pipeline_free(); bags are the caller's.
 */
#ifndef TSN_PIPELINE_H
#define TSN_PIPELINE_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "features.h"

/* A document: a text and, for pair examples, the claim it is read against. */
typedef struct {
    const char *text;
    size_t len;
    const char *claim; /* NULL: a single-text document */
    size_t claim_len;
} tsn_doc;

typedef struct tsn_pipeline tsn_pipeline; /* opaque */

/* The stop-word list text that cfg->stopwords names ("default", "none" or a file), as a new
 * heap buffer (*text, *len; free with free()). */
tsn_status tsn_pipeline_stopwords_text(const tsn_config *cfg, char **text, size_t *len,
                                       tsn_error *err);

/* A pipeline for cfg (copied) with the stop-word list text[0..len). NULL with *err set. */
tsn_pipeline *tsn_pipeline_new(const tsn_config *cfg, const char *stopwords, size_t len,
                               tsn_error *err);
void tsn_pipeline_free(tsn_pipeline *p); /* NULL is a no-op */

/* Featurizes doc into bag (reset first, finished on return). */
tsn_status tsn_pipeline_featurize(tsn_pipeline *p, const tsn_doc *doc, tsn_bag *bag,
                                  tsn_error *err);

/* The lexical units of text (normalized, tokenized, stop words removed, stemmed): a view
 * valid until the next call on p. For tests and `tasnif tokens`. */
tsn_status tsn_pipeline_lex(tsn_pipeline *p, const char *text, size_t len,
                            const tsn_unit **units, size_t *n, tsn_error *err);

/* Invalid UTF-8 sequences replaced in the last document (text and claim). */
size_t tsn_pipeline_invalid(const tsn_pipeline *p);

#endif
