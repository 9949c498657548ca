/* lexicon.h -- one pipeline's memo of what depends on a word alone: whether it is a stop
 * word, and its stem.
 *
 * Between the tokenizer and the features, every token needs both; news text repeats its
 * words, so each word type is decided once (tsn_stopwords_has, then Snowball through
 * tsn_stemmer_stem) and kept, keyed by its type hash (tsn_lexicon_hash), which the
 * features module reuses as the word type's key. A token in steady state costs one hash and
 * one probe, whose slot the caller can prefetch a few tokens ahead.
 *
 * The memo is bounded: tsn_lexicon_begin() empties it when it holds TSN_LEXICON_MAX words,
 * and only there, so what a document's lookups return stays valid for the whole document.
 * Ownership: the lexicon borrows its stemmer and stop words (they must outlive it) and owns
 * its table and strings; tsn_lexicon_new() -> tsn_lexicon_free().
 */
#ifndef TSN_LEXICON_H
#define TSN_LEXICON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "hash.h"
#include "stem.h"
#include "stopwords.h"
#include "tokenize.h"

#define TSN_LEXICON_MAX ((size_t)1 << 20)

typedef struct tsn_lexicon tsn_lexicon; /* opaque */

/* What the lexicon knows of a word. */
typedef struct {
    bool stop;         /* a stop word (never for class tokens) */
    uint32_t stem;     /* its stem: an offset for tsn_lexicon_str() */
    uint32_t stem_len;
} tsn_word;

/* A lexicon over the stemmer and stop words given; NULL with *err set when out of memory. */
tsn_lexicon *tsn_lexicon_new(tsn_stemmer *stem, const tsn_stopwords *stop, tsn_error *err);
void tsn_lexicon_free(tsn_lexicon *lx); /* NULL is a no-op */

/* Starts a document: empties the memo if it is full. */
void tsn_lexicon_begin(tsn_lexicon *lx);

/* The type hash of a token: FNV-1a over its kind as one digit ('0' + kind), then its bytes. */
static inline uint64_t tsn_lexicon_hash(tsn_token_kind kind, const char *s, size_t len)
{
    char k = (char)('0' + (int)kind);
    return tsn_hash_more(tsn_hash(&k, 1), s, len);
}

/* Starts loading the slot where the word of type hash h would be. */
void tsn_lexicon_prefetch(const tsn_lexicon *lx, uint64_t h);

/* Starts loading the word of type hash h and its stem, once its slot is in the cache (a
 * second stage, some tokens after tsn_lexicon_prefetch()). */
void tsn_lexicon_prefetch_word(const tsn_lexicon *lx, uint64_t h);

/* The word s[0..len) of the given kind and type hash h, decided now if it is new. */
tsn_status tsn_lexicon_find(tsn_lexicon *lx, uint64_t h, const char *s, size_t len,
                            tsn_token_kind kind, tsn_word *w, tsn_error *err);

/* The NUL-terminated string at offset off of a tsn_word; valid until the next
 * tsn_lexicon_find() (the strings may move as the memo grows) or tsn_lexicon_begin(). */
const char *tsn_lexicon_str(const tsn_lexicon *lx, uint32_t off);

#endif
