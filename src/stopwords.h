/* stopwords.h -- the stop-word set: words dropped after tokenization, before stemming.
 *
 * Lists are plain text, one word per line, '#' comments. Entries are normalized with the
 * pipeline's normalizer so that the set matches normalized tokens whatever the folds.
 * The built-in list (data/stopwords-ar.txt, compiled in) is tsn_stopwords_default().
 * Ownership: tsn_stopwords_new() -> tsn_stopwords_free().
 */
#ifndef TSN_STOPWORDS_H
#define TSN_STOPWORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "normalize.h"

typedef struct tsn_stopwords tsn_stopwords; /* opaque */

/* The text of the built-in list (NUL-terminated, static). */
const char *tsn_stopwords_default(void);

/* A set built from list text[0..len), normalized with norm. `origin` names the list in
 * messages. NULL with *err set on failure. */
tsn_stopwords *tsn_stopwords_new(const char *text, size_t len, tsn_normalizer *norm,
                                 const char *origin, tsn_error *err);
bool tsn_stopwords_has(const tsn_stopwords *s, const char *w, size_t len);
size_t tsn_stopwords_count(const tsn_stopwords *s);
void tsn_stopwords_free(tsn_stopwords *s); /* NULL is a no-op */

#endif
