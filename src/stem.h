/* stem.h -- stemming of normalized tokens with Snowball: "arabic" for Arabic words,
 * "english" for Latin words; other tokens are their own stem.
 *
 * Third stage of the pipeline. Stems are cached per word type (news text repeats words, and
 * Snowball's Arabic stemmer is the costliest step of featurization).
 * Ownership: results are views owned by the stemmer, valid until its next call or free.
 */
#ifndef TSN_STEM_H
#define TSN_STEM_H

#include <stddef.h>

#include "error.h"
#include "tokenize.h"

typedef struct tsn_stemmer tsn_stemmer; /* opaque */

/* A new stemmer, or NULL with *err set. Release with tsn_stemmer_free(). */
tsn_stemmer *tsn_stemmer_new(tsn_error *err);

/* Stems tok[0..len) of the given kind. Returns the stem (NUL-terminated), its length in
 * *out_len; NULL with *err set on failure. */
const char *tsn_stemmer_stem(tsn_stemmer *s, const char *tok, size_t len, tsn_token_kind kind,
                             size_t *out_len, tsn_error *err);

void tsn_stemmer_free(tsn_stemmer *s); /* NULL is a no-op */

#endif
