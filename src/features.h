/* features.h -- n-gram features, the training feature dictionary, the vocabulary, and
 * tf-idf sparse vectors.
 *
 * Fourth and fifth stages. A document's lexical units (surface form + stem) become a bag of
 * feature hashes with counts (tsn_bag). At training time bags are interned in a tsn_dict
 * (hash -> feature string), a tsn_vocab is selected from document frequencies (min_df,
 * max_features) or replaced by feature hashing, and tsn_vocab_vectorize() turns a bag into an
 * L2-normalized tf-idf vector in liblinear's layout (tsn_sparse, indices from 1, ascending,
 * terminated by index -1).
 *
 * Feature strings are readable, because --explain and `info` show them:
 *   "s:STEM STEM"   word n-gram over stems      "w:WORD WORD"  word n-gram over surface forms
 *   "c:<wo"         character n-gram, '<' and '>' mark word boundaries
 * and features of a pair example's claim carry the prefix "claim." ("claim.s:...").
 * Ownership: bags, dicts and vocabs are caller-owned, with init/release or new/free as named.
 * The module's code is in three files, one per section below: features.c (feature hashes and
 * bags), dict.c (the training dictionary), vocab.c (vocabulary and vectors); what they share
 * is in the private header features_internal.h.
 */
#ifndef TSN_FEATURES_H
#define TSN_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "tokenize.h"

/* The hash of a feature string as bags store it: FNV-1a with the top two bits replaced by
 * the feature group (0 text words, 1 text characters, 2 claim words, 3 claim characters),
 * which tf-idf vectors normalize separately. */
uint64_t tsn_feature_hash(const char *s, size_t len);

/* One lexical unit of a document, after stop-word removal. */
typedef struct {
    const char *surf; /* normalized surface form */
    size_t surf_len;
    const char *stem; /* its stem (== surf for class tokens) */
    size_t stem_len;
    tsn_token_kind kind;
    const char *light; /* clitic-split form (units "light", Arabic words), or NULL */
    size_t light_len;
    uint64_t hash;     /* its type hash (tsn_lexicon_hash), or 0 when not computed */
} tsn_unit;

/* A feature occurrence count in a bag. */
typedef struct {
    uint64_t h;     /* tsn_feature_hash() of the feature string */
    uint32_t count; /* occurrences in the document */
    uint32_t str;   /* offset of the string in tsn_bag.strs, if strings are kept */
} tsn_feat;

/* A scorer's memo of word types and their character n-grams resolved to vocabulary ids
 * (opaque; tsn_charmemo_new). */
typedef struct tsn_charmemo tsn_charmemo;
typedef struct tsn_vocab tsn_vocab; /* opaque: the vocabulary, below */

typedef struct tsn_bag {
    tsn_feat *v;
    size_t n, cap;
    char *strs; /* NUL-terminated feature strings (only when keep_strings) */
    size_t slen, scap;
    bool keep_strings;
    struct tsn_bag_slot *tab; /* hash -> entry of v, valid where slot gen == gen */
    size_t tab_cap;           /* slots in use: a power of two, at least twice n */
    size_t tab_alloc;         /* slots allocated (tab_cap starts small for each document) */
    uint32_t gen;             /* bumped by reset, which so empties the table in O(1) */
    tsn_charmemo *memo;       /* when set: text character n-grams resolved through it */
    struct tsn_bag *types;    /* when set: the text's unigrams and character n-grams left to
                                 the dictionary, as word types (tsn_bag_collect_types) */
} tsn_bag;

void tsn_bag_init(tsn_bag *b, bool keep_strings);
void tsn_bag_reset(tsn_bag *b); /* empties, keeps capacity and keep_strings */
void tsn_bag_release(tsn_bag *b);
/* Exchanges the tables that merge repeated features of two bags (and of their word-type
 * bags), and empties both tables: each bag keeps its entries, but entries added afterwards
 * are merged with them only from the next reset. A thread filling many bags in turn lends
 * them one table this way, which stays in its cache (each bag's own would not). */
void tsn_bag_swap_tables(tsn_bag *a, tsn_bag *b);
/* Adds the n-gram features of units[0..n) under cfg, each string prefixed with ns (may be
 * ""). Entries are unique by hash and in order of first occurrence; counts add up. */
tsn_status tsn_bag_add_units(tsn_bag *b, const tsn_config *cfg, const tsn_unit *units,
                             size_t n, const char *ns, tsn_error *err);

/* Adds one feature given as its full string ("claim." prefix and kind letter included: its
 * group follows from them, as in tsn_feature_hash). */
tsn_status tsn_bag_add_feature(tsn_bag *b, const char *s, size_t len, tsn_error *err);

/* A memo of word types for scoring with vocabulary v (NULL in hashing mode, or out of
 * memory): each type's character n-grams are hashed and looked up in v once, and a bag that
 * uses the memo (tsn_bag_set_memo) collects their vocabulary entries instead of their
 * hashes: tsn_bag_resolved() lists them (hash field = id * 4 + group), and
 * tsn_vocab_vectorize_bag() takes both parts. The vector is the same as without the memo.
 * One memo per bag and thread; free it after the bag. It holds at most 2^17 types, then
 * starts over. */
tsn_charmemo *tsn_charmemo_new(const tsn_vocab *v);
void tsn_charmemo_free(tsn_charmemo *m);
void tsn_bag_set_memo(tsn_bag *b, tsn_charmemo *m);
/* Training: the bag no longer makes the word unigrams and character n-grams of the text's
 * units; it gathers the units themselves, as word types (kind and surface form) with counts
 * and strings, in order of first occurrence (tsn_bag_types), and tsn_dict_add_types() interns
 * each type's features once for the whole corpus. A unit's stem and clitic-split form must
 * follow from its kind and surface form, as the pipeline's do. The bag must keep strings.
 * False when out of memory. */
bool tsn_bag_collect_types(tsn_bag *b);
/* The word types of a bag collecting them: their hashes, counts and strings (tsn_bag_str of
 * the returned bag). NULL when the bag does not. */
const tsn_bag *tsn_bag_types(const tsn_bag *b);
/* True when the document gave no feature at all (in the vocabulary or not). */
bool tsn_bag_empty(const tsn_bag *b);
/* The resolved entries of a bag with a memo (none without). */
const tsn_feat *tsn_bag_resolved(const tsn_bag *b, size_t *n);

#define TSN_NO_STRING UINT32_MAX /* tsn_feat.str of a feature whose string was not kept */
/* The string of feature i, or NULL when it was not kept. */
static inline const char *tsn_bag_str(const tsn_bag *b, size_t i)
{
    return b->keep_strings && b->v[i].str != TSN_NO_STRING ? b->strs + b->v[i].str : NULL;
}

/* ---- Training feature dictionary: every feature seen, with its string ---- */

typedef struct tsn_dict tsn_dict; /* opaque */

tsn_dict *tsn_dict_new(tsn_error *err); /* release with tsn_dict_free() */
void tsn_dict_free(tsn_dict *d);
/* Interns every feature of a finished bag that keeps strings; writes the feature id of
 * entry i to ids[i] (ids has room for b->n). */
tsn_status tsn_dict_add_bag(tsn_dict *d, const tsn_bag *b, uint32_t *ids, tsn_error *err);
/* Training corpus rows (tsn_dict_add_bag's ids and tsn_dict_add_types' entries) hold two
 * kinds of entries: a feature id, or, with this bit set, a word type standing for its word
 * unigrams and character n-grams (tsn_dict_type_ngrams), counted as often as the type is. */
#define TSN_ROW_TYPE ((uint32_t)1 << 31)
/* Interns the word types of b (tsn_bag_collect_types): a type's features (unigrams and
 * character n-grams) are generated and interned the first time the dictionary sees it, and
 * remembered as feature ids. Writes the row entry of type i (TSN_ROW_TYPE | type id) to
 * rows[i] (room for tsn_bag_types(b)->n; the counts are the types bag's). */
tsn_status tsn_dict_add_types(tsn_dict *d, const tsn_config *cfg, const tsn_bag *b,
                              uint32_t *rows, tsn_error *err);
/* The feature ids of type t (an entry without TSN_ROW_TYPE), unigrams then character
 * n-grams in the order the word gives them, repeats kept: *n of them. */
const uint32_t *tsn_dict_type_ngrams(const tsn_dict *d, uint32_t t, size_t *n);
/* The number of word types interned. */
size_t tsn_dict_types(const tsn_dict *d);
/* Frees what interning types needs (their index by hash); their n-gram lists stay, for the
 * rows that name them. */
void tsn_dict_drop_type_index(tsn_dict *d);
/* Frees the types and their n-gram lists too: rows that name types are done with. */
void tsn_dict_drop_types(tsn_dict *d);
size_t tsn_dict_size(const tsn_dict *d);
uint64_t tsn_dict_hash(const tsn_dict *d, uint32_t id);
const char *tsn_dict_str(const tsn_dict *d, uint32_t id);
/* Frees everything but the hash of each id: afterwards only tsn_dict_size() and
 * tsn_dict_hash() may be called (training drops the rest once the vocabulary is built). */
void tsn_dict_drop_strings(tsn_dict *d);
/* Frees the hashes as well: afterwards only tsn_dict_size() may be called (a consuming fit,
 * once its rows have the vocabulary ids through tsn_vocab_map_dict()). */
void tsn_dict_drop_hashes(tsn_dict *d);

/* ---- Vocabulary (or hashing) and vectorization ---- */

/* liblinear's struct feature_node, restated so that only the model files include linear.h;
 * model_internal.h asserts the two layouts match. */
typedef struct {
    int index;
    double value;
} tsn_sparse;


/* Selects a vocabulary from documents: fids[k] lists the n_feats[k] row entries of document
 * k (feature ids from d, or word types: TSN_ROW_TYPE). Feature ids are ordered by their
 * string (deterministic). In hashing mode (cfg->hash_buckets > 0) only document frequencies
 * per bucket are kept.
 * Release with tsn_vocab_free(). NULL with *err set on failure. */
tsn_vocab *tsn_vocab_build(const tsn_config *cfg, const tsn_dict *d, const uint32_t *const *fids,
                           const size_t *n_feats, size_t n_docs, tsn_error *err);
/* Rebuilds a vocabulary from its stored form (model loading): `strings` holds n_features
 * NUL-terminated strings in id order (NULL in hashing mode), idf has n_features values. */
tsn_vocab *tsn_vocab_from_parts(const tsn_config *cfg, size_t n_features, const char *strings,
                                size_t strings_len, const double *idf, tsn_error *err);
void tsn_vocab_free(tsn_vocab *v);

size_t tsn_vocab_size(const tsn_vocab *v);        /* number of feature ids */
const double *tsn_vocab_idf(const tsn_vocab *v);  /* [size] */
/* The string of feature id (1-based), or NULL in hashing mode. */
const char *tsn_vocab_str(const tsn_vocab *v, int id);
/* All strings in id order, NUL-separated, and their total length (NULL in hashing mode). */
const char *tsn_vocab_strings(const tsn_vocab *v, size_t *len);
/* The feature id of hash h: 1..size, or 0 when not in the vocabulary. */
int tsn_vocab_find(const tsn_vocab *v, uint64_t h);
/* Frees the index of the strings (hash -> id, id -> string offset) while the vocabulary
 * serves only its size and idf (a fit building and solving its rows: the index would sit
 * idle beside them); tsn_vocab_reindex() builds it again, the same. In between only
 * tsn_vocab_size(), tsn_vocab_idf(), tsn_vocab_strings() and the vectorizing of corpus rows
 * (tsn_vocab_vectorize_row()) may be used. No-ops in hashing mode. */
void tsn_vocab_drop_index(tsn_vocab *v);
tsn_status tsn_vocab_reindex(tsn_vocab *v, tsn_error *err);

typedef struct {
    tsn_sparse *v;
    size_t n, cap; /* n counts the terminator */
    tsn_sparse *tmp; /* sorting scratch, cap entries */
} tsn_vector;

void tsn_vector_init(tsn_vector *x);
void tsn_vector_release(tsn_vector *x);
/* x = the L2-normalized tf-idf vector of features f[0..n) (hash and count; str unused),
 * plus a bias node of value `bias` with index size+1 when bias >= 0, plus the terminator.
 * Features outside the vocabulary are ignored. x is reset first. */
tsn_status tsn_vocab_vectorize(const tsn_vocab *v, const tsn_config *cfg, const tsn_feat *f,
                               size_t n, double bias, tsn_vector *x, tsn_error *err);
/* tsn_vocab_vectorize() of a bag, its memo's resolved entries included. */
tsn_status tsn_vocab_vectorize_bag(const tsn_vocab *v, const tsn_config *cfg, const tsn_bag *b,
                                   double bias, tsn_vector *x, tsn_error *err);

/* The vocabulary id and group of every dictionary feature, so that corpus rows vectorize
 * without a hash lookup per feature: map[dict id] = vocab id * 4 + group, or 0 when the
 * vocabulary lacks the feature. A new array of tsn_dict_size(d) entries (free with free()),
 * or NULL with *err set. */
uint32_t *tsn_vocab_map_dict(const tsn_vocab *v, const tsn_dict *d, tsn_error *err);
/* tsn_vocab_vectorize() for a corpus row: entries fids[0..n) of dictionary d (feature ids,
 * or word types: TSN_ROW_TYPE) seen counts[0..n) times, through a tsn_vocab_map_dict() map.
 * The same vector as from the features' hashes. */
tsn_status tsn_vocab_vectorize_row(const tsn_vocab *v, const tsn_config *cfg, const tsn_dict *d,
                                   const uint32_t *map, const uint32_t *fids,
                                   const uint32_t *counts, size_t n, double bias, tsn_vector *x,
                                   tsn_error *err);

#endif
