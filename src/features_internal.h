/* features_internal.h -- the private header of the features module, whose code lives in
 * three files: features.c (bags), dict.c (the training dictionary) and vocab.c (vocabulary and
 * vectors). It holds what more than one of them needs: the byte-buffer growth of bags and the
 * dictionary, the hash -> uint32 map of the dictionary and the vocabulary, and the dictionary's
 * structure, which tsn_vocab_map_dict() reads. No other module includes it.
 * The helpers are static inline, as they were static in one file: the map's probing and
 * prefetching sit on the per-document hot path and must stay inlined there.
 * Ownership: an hmap's tables belong to it and hmap_release() frees them; a tsn_dict's fields
 * belong to it and tsn_dict_free() frees them (features.h).
 */
#ifndef TSN_FEATURES_INTERNAL_H
#define TSN_FEATURES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "features.h"
#include "growth.h"

/* ---- A hash -> uint32 map (open addressing), shared by the dictionary and vocabulary ---- */

/* One slot: the key's two halves and the value side by side, so that a probe touches one
 * cache line (two when a slot straddles lines: 2 slots in 16), and 12 bytes rather than 16. */
typedef struct {
    uint32_t klo, khi;
    uint32_t val; /* 0 marks an empty slot: stored values are ids + 1 */
} hslot;

typedef struct {
    hslot *slots;
    size_t cap, n;
} hmap;

static inline uint64_t hmap_key(const hmap *m, size_t i)
{
    return (uint64_t)m->slots[i].khi << 32 | m->slots[i].klo;
}

static inline uint32_t hmap_val(const hmap *m, size_t i)
{
    return m->slots[i].val;
}

static inline void hmap_put(hmap *m, size_t i, uint64_t key, uint32_t val)
{
    m->slots[i] = (hslot){(uint32_t)key, (uint32_t)(key >> 32), val};
}

static inline void hmap_release(hmap *m)
{
    tsn_big_free(m->slots, m->cap * sizeof *m->slots);
    memset(m, 0, sizeof *m);
}

static inline size_t hmap_home(const hmap *m, uint64_t h)
{
    return (size_t)(h ^ (h >> 29)) & (m->cap - 1);
}

/* Starts loading the home slot of h into the cache: the tables are far larger than it. */
static inline void hmap_prefetch(const hmap *m, uint64_t h)
{
    __builtin_prefetch(&m->slots[hmap_home(m, h)]);
}

static inline size_t hmap_slot(const hmap *m, uint64_t h)
{
    size_t i = hmap_home(m, h);
    while (m->slots[i].val != 0 && hmap_key(m, i) != h)
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* Makes room for n keys, the table kept at most half full, or three quarters when dense
 * (the training dictionary's, which is built once and then dropped: a quarter of its slots
 * fewer to fault in and rehash into as it doubles, for probes a little longer). */
static inline bool hmap_reserve_load(hmap *m, size_t n, bool dense)
{
    if (dense ? n * 4 <= m->cap * 3 : n * 2 <= m->cap)
        return true;
    size_t ncap = m->cap ? m->cap : 1024;
    while (dense ? n * 4 > ncap * 3 : n * 2 > ncap)
        ncap *= 2;
    hmap nm = {tsn_big_alloc(ncap * sizeof(hslot)), ncap, m->n};
    if (nm.slots == NULL) {
        hmap_release(&nm);
        return false;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].val == 0)
            continue;
        uint64_t k = hmap_key(m, i);
        hmap_put(&nm, hmap_slot(&nm, k), k, m->slots[i].val);
    }
    hmap_release(m);
    *m = nm;
    return true;
}

static inline bool hmap_reserve(hmap *m, size_t n)
{
    return hmap_reserve_load(m, n, false);
}

/* The value stored for h (id), or -1. */
static inline int64_t hmap_get(const hmap *m, uint64_t h)
{
    if (m->cap == 0)
        return -1;
    size_t i = hmap_slot(m, h);
    return m->slots[i].val ? (int64_t)m->slots[i].val - 1 : -1;
}

/* ---- Character n-grams (features.c), which the dictionary makes for word types ---- */

/* Receives one character n-gram: its grouped hash, and its string as prefix + g. */
typedef bool (*tsn_char_sink)(void *ctx, uint64_t gh, const char *prefix, size_t plen,
                              const char *g, size_t glen);

/* The character n-grams of "<surf>" under cfg, counted in code points (UTF-8 lead bytes), in
 * order, each given to sink with the prefix ns + "c:"; false when sink fails. */
bool tsn_char_ngrams(const tsn_config *cfg, const char *surf, size_t surf_len, const char *ns,
                     tsn_char_sink sink, void *ctx);
/* The features a word type of a training bag stands for (tsn_bag_collect_types; `type` is its
 * string there): its word unigrams under cfg, then its character n-grams, each given to sink
 * with its grouped hash and string (prefix + g); false when sink fails. */
bool tsn_type_features(const tsn_config *cfg, const char *type, tsn_char_sink sink, void *ctx);

/* ---- Dictionary ---- */

/* A feature of a new word type waiting to be interned: its hash and string (dict.c). */
typedef struct {
    uint64_t h;
    uint32_t off, len; /* the string, in the dictionary's scratch */
} tsn_pending;

struct tsn_dict {
    hmap map;
    uint64_t *hashes; /* by id (blocks of bigmem.h, as strs, types and tids) */
    size_t *offs;     /* string offset by id */
    size_t n, cap, ocap;
    char *strs;
    size_t slen, scap;
    /* word types (tsn_dict_add_types): each type's n-gram ids, types[t] .. types[t + 1] in
     * tids; while types are interned, their index (hash -> type id + 1), and a new
     * type's features pending (their strings in the scratch) */
    uint32_t *types;
    size_t nt, tcap;
    uint32_t *tids;
    size_t tlen, tidcap;
    hmap tmap;
    char *scratch;
    size_t scratch_cap;
    tsn_pending *pend;
    size_t np, pcap;
};

#endif
