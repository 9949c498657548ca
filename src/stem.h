/* stem.h -- stemming of normalized tokens with Snowball: "arabic" for Arabic words,
 * "english" for Latin words; other tokens are their own stem.
 *
 * Third stage of the pipeline. The stemmer keeps no cache: the pipeline's lexicon (lexicon.h)
 * remembers each word type's stem and calls it only for new words.
 * Ownership: results are views owned by the stemmer (Snowball's buffer) or the token itself,
 * valid until the stemmer's next call or free.
 */
#ifndef TSN_STEM_H
#define TSN_STEM_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "tokenize.h"

typedef struct tsn_stemmer tsn_stemmer; /* opaque */

/* A new stemmer, or NULL with *err set. Release with tsn_stemmer_free(). */
tsn_stemmer *tsn_stemmer_new(tsn_error *err);

/* Stems tok[0..len) of the given kind: Snowball's stem for Arabic and Latin words, tok itself
 * for other kinds. Returns the stem (NUL-terminated when tok is), its length in *out_len;
 * NULL with *err set when out of memory. */
const char *tsn_stemmer_stem(tsn_stemmer *s, const char *tok, size_t len, tsn_token_kind kind,
                             size_t *out_len, tsn_error *err);

void tsn_stemmer_free(tsn_stemmer *s); /* NULL is a no-op */

/* Clitic splitting of a normalized Arabic word w[0..len): strips a fused conjunction,
 * preposition or article (وال، بال، كال، فال، لل، ال; a bare و or ف before a word of five
 * letters or more) and a two- or three-letter attached pronoun (هم، ها، كم، نا ...), turning a
 * teh left before the pronoun back into teh marbuta (heh when teh_folded). So والحكومة،
 * بالحكومة، الحكومة and حكومتها all give حكومة. Writes the result to out (room for len + 1
 * bytes, NUL-terminated) and returns its length. Unlike Snowball's stem, it never cuts into
 * the word itself. */
size_t tsn_clitic_split(const char *w, size_t len, bool teh_folded, char *out);

#endif
