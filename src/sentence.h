/* sentence.h -- splitting an article into sentences with ICU's sentence break iterator
 * (UAX #29), reporting byte offsets into the caller's UTF-8 text.
 *
 * The iterator runs on a UTF-8 UText, so its boundaries are byte offsets into the input as
 * given -- no re-encoding, and the offsets slice the original bytes exactly. Line breaks end a
 * sentence (headlines and bullet lines have no final stop); the Arabic question mark ends one,
 * the Arabic comma and semicolon do not. ICU's boundaries are refined for news text: none
 * inside a quotation, after an initial, a Latin abbreviation or a list item's number; one after
 * a horizontal ellipsis; a dateline opening a paragraph is a unit of its own. Whitespace around
 * each sentence is trimmed away and blank segments are skipped.
 * Ownership: tsn_splitter_new() -> tsn_splitter_free(); the span array is a view owned by the
 * splitter, valid until its next call.
 */
#ifndef TSN_SENTENCE_H
#define TSN_SENTENCE_H

#include <stddef.h>

#include "error.h"

typedef struct {
    size_t start, end; /* byte offsets: the sentence is text[start..end) */
} tsn_span;

typedef struct tsn_splitter tsn_splitter; /* opaque */

tsn_splitter *tsn_splitter_new(tsn_error *err); /* NULL with *err set */
/* Splits text[0..len); *spans gets the sentences in order and *n their number. */
tsn_status tsn_splitter_run(tsn_splitter *s, const char *text, size_t len,
                            const tsn_span **spans, size_t *n, tsn_error *err);
void tsn_splitter_free(tsn_splitter *s); /* NULL is a no-op */

#endif
