/* dict.c -- the training feature dictionary (tsn_dict_*, declared in features.h): every
 * feature of the training bags interned once, under a dense id, with its hash and string.
 *
 * Training interns each document's bag and keeps the ids it gets back; the vocabulary is then
 * selected over those ids (vocab.c), and the strings are dropped, leaving the hash of each id.
 * The hash -> id map is the open-addressing hmap of features_internal.h, kept a quarter empty and
 * prefetched ahead of the probes.
 *
 * Most features are the unigrams and character n-grams of words, and a corpus has far fewer
 * word types than words (ANT's 63 MB of training text: 183 thousand types, and 54.7 million
 * distinct (feature, document) pairs). So a bag that collects types hands its words over as
 * types, and the dictionary generates and interns a type's features once, the first time it
 * meets the type; a corpus row then names the type (TSN_ROW_TYPE) instead of listing its
 * features, and the vocabulary's document frequencies and the rows' vectors expand it
 * (vocab.c).
 */
#include "features.h"

#include <stdlib.h>
#include <string.h>

#include "features_internal.h"

tsn_dict *tsn_dict_new(tsn_error *err)
{
    tsn_dict *d = calloc(1, sizeof *d);
    if (d == NULL)
        tsn_error_set(err, TSN_ERR_NOMEM, "dictionary: out of memory");
    return d;
}

void tsn_dict_free(tsn_dict *d)
{
    if (d == NULL)
        return;
    tsn_dict_drop_types(d);
    hmap_release(&d->map);
    tsn_big_free(d->hashes, d->cap * sizeof *d->hashes);
    tsn_big_free(d->offs, d->ocap * sizeof *d->offs);
    tsn_big_free(d->strs, d->scap);
    free(d);
}

void tsn_dict_drop_strings(tsn_dict *d)
{
    tsn_dict_drop_type_index(d);
    hmap_release(&d->map);
    tsn_big_free(d->offs, d->ocap * sizeof *d->offs);
    tsn_big_free(d->strs, d->scap);
    d->offs = NULL;
    d->strs = NULL;
    d->slen = d->scap = d->ocap = 0;
}

void tsn_dict_drop_hashes(tsn_dict *d)
{
    tsn_dict_drop_strings(d);
    tsn_big_free(d->hashes, d->cap * sizeof *d->hashes);
    d->hashes = NULL;
    d->cap = 0;
}

size_t tsn_dict_size(const tsn_dict *d)
{
    return d->n;
}

uint64_t tsn_dict_hash(const tsn_dict *d, uint32_t id)
{
    return d->hashes[id];
}

const char *tsn_dict_str(const tsn_dict *d, uint32_t id)
{
    return d->strs + d->offs[id];
}

/* Interns the feature of hash h and string s[0..len) at its empty slot of the map (the map
 * has room for it): the next id, written to *id. */
static tsn_status dict_insert(tsn_dict *d, size_t slot, uint64_t h, const char *s, size_t len,
                              uint32_t *id, tsn_error *err)
{
    if (d->n >= TSN_ROW_TYPE - 1)
        return tsn_error_set(err, TSN_ERR_DATA, "dictionary: more than 2 billion features");
    if (d->n == d->cap) {
        size_t n = d->cap ? d->cap * 2 : 4096;
        uint64_t *hs = tsn_big_grow(d->hashes, d->cap * sizeof *hs, n * sizeof *hs);
        if (hs == NULL)
            goto nomem;
        d->hashes = hs;
        d->cap = n;
    }
    if (d->n == d->ocap) {
        size_t n = d->ocap ? d->ocap * 2 : 4096;
        size_t *o = tsn_big_grow(d->offs, d->ocap * sizeof *o, n * sizeof *o);
        if (o == NULL)
            goto nomem;
        d->offs = o;
        d->ocap = n;
    }
    if (d->slen + len + 1 > d->scap) {
        size_t n = tsn_grown_cap(d->scap, d->slen + len + 1, 65536);
        char *s2 = tsn_big_grow(d->strs, d->scap, n);
        if (s2 == NULL)
            goto nomem;
        d->strs = s2;
        d->scap = n;
    }
    memcpy(d->strs + d->slen, s, len);
    d->strs[d->slen + len] = '\0';
    d->offs[d->n] = d->slen;
    d->slen += len + 1;
    d->hashes[d->n] = h;
    hmap_put(&d->map, slot, h, (uint32_t)d->n + 1);
    d->map.n++;
    *id = (uint32_t)d->n++;
    return TSN_OK;
nomem:
    return tsn_error_set(err, TSN_ERR_NOMEM, "dictionary: out of memory");
}

tsn_status tsn_dict_add_bag(tsn_dict *d, const tsn_bag *b, uint32_t *ids, tsn_error *err)
{
    if (!hmap_reserve_load(&d->map, d->n + b->n, true))
        return tsn_error_set(err, TSN_ERR_NOMEM, "dictionary: out of memory");
    enum { AHEAD = 16 };
    for (size_t i = 0; i < b->n && i < AHEAD; i++)
        hmap_prefetch(&d->map, b->v[i].h);
    for (size_t i = 0; i < b->n; i++) {
        if (i + AHEAD < b->n)
            hmap_prefetch(&d->map, b->v[i + AHEAD].h);
        size_t slot = hmap_slot(&d->map, b->v[i].h);
        if (hmap_val(&d->map, slot) != 0) {
            ids[i] = hmap_val(&d->map, slot) - 1;
            continue;
        }
        const char *s = tsn_bag_str(b, i);
        if (s == NULL)
            return tsn_error_set(err, TSN_ERR_DATA, "dictionary: a new feature came without "
                                                    "its string");
        tsn_status st = dict_insert(d, slot, b->v[i].h, s, strlen(s), &ids[i], err);
        if (st != TSN_OK)
            return st;
    }
    return TSN_OK;
}

/* ---- Word types ---- */

void tsn_dict_drop_type_index(tsn_dict *d)
{
    hmap_release(&d->tmap);
    free(d->scratch);
    free(d->pend);
    d->scratch = NULL;
    d->pend = NULL;
    d->scratch_cap = d->np = d->pcap = 0;
}

void tsn_dict_drop_types(tsn_dict *d)
{
    tsn_dict_drop_type_index(d);
    tsn_big_free(d->types, d->tcap * sizeof *d->types);
    tsn_big_free(d->tids, d->tidcap * sizeof *d->tids);
    d->types = d->tids = NULL;
    d->nt = d->tcap = d->tlen = d->tidcap = 0;
}

size_t tsn_dict_types(const tsn_dict *d)
{
    return d->nt;
}

const uint32_t *tsn_dict_type_ngrams(const tsn_dict *d, uint32_t t, size_t *n)
{
    *n = d->types[t + 1] - d->types[t];
    return d->tids + d->types[t];
}

typedef struct {
    tsn_dict *d;
    tsn_error *err;
    tsn_status st;
} type_ctx;

/* Keeps one feature of a new type in the pending list (its string in the scratch), to be
 * interned with the type's others: their slots of the map, each a cache miss in a table of
 * tens of megabytes, are prefetched together. */
static bool type_sink(void *ctx, uint64_t gh, const char *prefix, size_t plen, const char *g,
                      size_t glen)
{
    type_ctx *t = ctx;
    tsn_dict *d = t->d;
    size_t off = d->np ? d->pend[d->np - 1].off + d->pend[d->np - 1].len : 0;
    if (off + plen + glen > UINT32_MAX ||
        !tsn_grow_bytes(&d->scratch, &d->scratch_cap, off + plen + glen)) {
        t->st = tsn_error_set(t->err, TSN_ERR_NOMEM, "dictionary: out of memory");
        return false;
    }
    if (d->np == d->pcap) {
        size_t n = d->pcap ? d->pcap * 2 : 64;
        tsn_pending *p = realloc(d->pend, n * sizeof *p);
        if (p == NULL) {
            t->st = tsn_error_set(t->err, TSN_ERR_NOMEM, "dictionary: out of memory");
            return false;
        }
        d->pend = p;
        d->pcap = n;
    }
    memcpy(d->scratch + off, prefix, plen);
    memcpy(d->scratch + off + plen, g, glen);
    d->pend[d->np++] = (tsn_pending){gh, (uint32_t)off, (uint32_t)(plen + glen)};
    return true;
}

/* Interns the pending features of a new type, in order, appending their ids to tids. */
static tsn_status intern_pending(tsn_dict *d, tsn_error *err)
{
    if (!hmap_reserve_load(&d->map, d->n + d->np, true) ||
        !tsn_big_grow_u32(&d->tids, &d->tidcap, d->tlen + d->np))
        return tsn_error_set(err, TSN_ERR_NOMEM, "dictionary: out of memory");
    for (size_t i = 0; i < d->np; i++)
        hmap_prefetch(&d->map, d->pend[i].h);
    for (size_t i = 0; i < d->np; i++) {
        const tsn_pending *p = &d->pend[i];
        size_t slot = hmap_slot(&d->map, p->h);
        uint32_t id = hmap_val(&d->map, slot);
        if (id != 0) {
            d->tids[d->tlen++] = id - 1;
            continue;
        }
        tsn_status st = dict_insert(d, slot, p->h, d->scratch + p->off, p->len, &id, err);
        if (st != TSN_OK)
            return st;
        d->tids[d->tlen++] = id;
    }
    return TSN_OK;
}

/* The id of the type of hash h and string s, its n-grams interned now if it is new. */
static tsn_status type_id(tsn_dict *d, const tsn_config *cfg, uint64_t h, const char *s,
                          uint32_t *id, tsn_error *err)
{
    if (!hmap_reserve(&d->tmap, d->nt + 1))
        return tsn_error_set(err, TSN_ERR_NOMEM, "dictionary: out of memory");
    size_t slot = hmap_slot(&d->tmap, h);
    if (hmap_val(&d->tmap, slot) != 0) {
        *id = hmap_val(&d->tmap, slot) - 1;
        return TSN_OK;
    }
    if (!tsn_big_grow_u32(&d->types, &d->tcap, d->nt + 2))
        return tsn_error_set(err, TSN_ERR_NOMEM, "dictionary: out of memory");
    d->types[0] = 0; /* (type t's ids run from types[t] to types[t + 1]) */
    if (d->tlen > UINT32_MAX - 1024 || d->nt >= TSN_ROW_TYPE - 1)
        return tsn_error_set(err, TSN_ERR_DATA, "dictionary: too many word types");
    type_ctx t = {d, err, TSN_OK};
    d->np = 0;
    if (!tsn_type_features(cfg, s, type_sink, &t))
        return t.st != TSN_OK ? t.st : tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    tsn_status st = intern_pending(d, err);
    if (st != TSN_OK)
        return st;
    hmap_put(&d->tmap, slot, h, (uint32_t)d->nt + 1);
    d->tmap.n++;
    d->types[d->nt + 1] = (uint32_t)d->tlen;
    *id = (uint32_t)d->nt++;
    return TSN_OK;
}

tsn_status tsn_dict_add_types(tsn_dict *d, const tsn_config *cfg, const tsn_bag *b,
                              uint32_t *rows, tsn_error *err)
{
    const tsn_bag *ty = tsn_bag_types(b);
    enum { AHEAD = 16 };
    for (size_t i = 0; ty != NULL && d->tmap.cap > 0 && i < ty->n && i < AHEAD; i++)
        hmap_prefetch(&d->tmap, ty->v[i].h);
    for (size_t i = 0; ty != NULL && i < ty->n; i++) {
        if (i + AHEAD < ty->n && d->tmap.cap > 0)
            hmap_prefetch(&d->tmap, ty->v[i + AHEAD].h);
        const char *s = tsn_bag_str(ty, i);
        if (s == NULL)
            return tsn_error_set(err, TSN_ERR_DATA, "dictionary: a word type came without "
                                                    "its string");
        uint32_t t = 0;
        tsn_status st = type_id(d, cfg, ty->v[i].h, s, &t, err);
        if (st != TSN_OK)
            return st;
        rows[i] = TSN_ROW_TYPE | t;
    }
    return TSN_OK;
}
