/* features.c -- n-grams, the feature dictionary, vocabulary selection and tf-idf vectors.
 *
 * Bags hold hashes, not strings, on the hot path: a feature string is built in a scratch
 * buffer, hashed, and kept only when the bag keeps strings (training, --explain). Every table
 * here is open addressing on the FNV-1a hash with linear probing, sized to stay half empty.
 */
#include "features.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "hash.h"

/* ---- Feature hashes ---- */

/* The feature group lives in the top two bits of the hash (see features.h). */
static uint64_t grouped_hash(const char *s, size_t len, unsigned group)
{
    return (tsn_hash(s, len) & ~((uint64_t)3 << 62)) | ((uint64_t)group << 62);
}

static unsigned group_of(const char *ns, char kind)
{
    return (ns[0] != '\0' ? 2u : 0u) + (kind == 'c' ? 1u : 0u);
}


uint64_t tsn_feature_hash(const char *s, size_t len)
{
    bool claim = len >= 6 && memcmp(s, "claim.", 6) == 0;
    const char *k = claim ? s + 6 : s;
    return grouped_hash(s, len, group_of(claim ? "claim." : "", k[0]));
}

/* ---- Bags ---- */

void tsn_bag_init(tsn_bag *b, bool keep_strings)
{
    memset(b, 0, sizeof *b);
    b->keep_strings = keep_strings;
    b->gen = 1;
}

struct tsn_bag_slot {
    uint64_t h;   /* the entry's hash, here so that probing stays in the table */
    uint32_t gen; /* the slot is in use when this equals the bag's gen */
    uint32_t idx; /* entry of b->v */
};

/* A new document starts with a small table that stays in the cache, growing as it needs:
 * sized for the longest document so far, it would be probed all over megabytes. */
#define TSN_BAG_TAB_MIN 1024

/* Moves to the next generation, which empties the table in O(1). */
static void bag_next_gen(tsn_bag *b)
{
    if (++b->gen == 0) { /* wrapped: really clear, once every 4 billion generations */
        if (b->tab != NULL)
            memset(b->tab, 0, b->tab_alloc * sizeof *b->tab);
        b->gen = 1;
    }
}

void tsn_bag_reset(tsn_bag *b)
{
    b->n = 0;
    b->slen = 0;
    bag_next_gen(b);
    if (b->tab_cap > TSN_BAG_TAB_MIN)
        b->tab_cap = TSN_BAG_TAB_MIN;
}

void tsn_bag_release(tsn_bag *b)
{
    free(b->v);
    free(b->strs);
    free(b->scratch);
    free(b->tab);
    memset(b, 0, sizeof *b);
}

/* The table slot of hash h: its entry, or the empty slot where it belongs. */
static struct tsn_bag_slot *bag_slot(const tsn_bag *b, uint64_t h)
{
    size_t i = (size_t)(h ^ (h >> 31)) & (b->tab_cap - 1);
    while (b->tab[i].gen == b->gen && b->tab[i].h != h)
        i = (i + 1) & (b->tab_cap - 1);
    return &b->tab[i];
}

/* Keeps the table at most half full: doubles the slots in use (allocating more only past
 * what is allocated) and re-enters the entries under a new generation. */
static bool bag_reserve(tsn_bag *b)
{
    if ((b->n + 1) * 2 <= b->tab_cap)
        return true;
    size_t cap = b->tab_cap ? b->tab_cap * 2 : TSN_BAG_TAB_MIN;
    if (cap > b->tab_alloc) {
        struct tsn_bag_slot *t = calloc(cap, sizeof *t);
        if (t == NULL)
            return false;
        free(b->tab);
        b->tab = t;
        b->tab_alloc = cap;
        b->gen = 1;
    } else {
        bag_next_gen(b);
    }
    b->tab_cap = cap;
    for (size_t k = 0; k < b->n; k++)
        *bag_slot(b, b->v[k].h) = (struct tsn_bag_slot){b->v[k].h, b->gen, (uint32_t)k};
    return true;
}

static bool grow_bytes(char **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    char *q = realloc(*p, n);
    if (q == NULL)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* Adds the feature of (grouped) hash h to the bag; its string, kept only when the bag keeps
 * strings and does not know the feature yet, is a[0..la) followed by c[0..lc). */
static bool push_hashed(tsn_bag *b, uint64_t h, const char *a, size_t la, const char *c,
                        size_t lc)
{
    if (!bag_reserve(b))
        return false;
    struct tsn_bag_slot *s = bag_slot(b, h);
    if (s->gen == b->gen) { /* seen in this document: count it, nothing else to do */
        if (b->v[s->idx].count < UINT32_MAX)
            b->v[s->idx].count++;
        return true;
    }
    if (b->n == b->cap) {
        size_t n = b->cap ? b->cap * 2 : 256;
        tsn_feat *p = realloc(b->v, n * sizeof *p);
        if (p == NULL)
            return false;
        b->v = p;
        b->cap = n;
    }
    uint32_t off = TSN_NO_STRING;
    if (b->keep_strings) {
        size_t len = la + lc;
        if (b->slen + len + 1 > UINT32_MAX || !grow_bytes(&b->strs, &b->scap, b->slen + len + 1))
            return false;
        off = (uint32_t)b->slen;
        memcpy(b->strs + b->slen, a, la);
        if (lc > 0)
            memcpy(b->strs + b->slen + la, c, lc);
        b->strs[b->slen + len] = '\0';
        b->slen += len + 1;
    }
    *s = (struct tsn_bag_slot){h, b->gen, (uint32_t)b->n};
    b->v[b->n++] = (tsn_feat){h, 1, off};
    return true;
}

/* Adds the feature string scratch[0..len) of the given group to the bag. */
static bool push_feature(tsn_bag *b, size_t len, unsigned group)
{
    return push_hashed(b, grouped_hash(b->scratch, len, group), b->scratch, len, NULL, 0);
}

/* The form of u that word n-grams of kind 's' (stem), 'w' (surface) or 'l' (clitic-split,
 * else stem) are built from. */
static const char *form(const tsn_unit *u, char kind, size_t *len)
{
    if (kind == 'w') {
        *len = u->surf_len;
        return u->surf;
    }
    if (kind == 'l' && u->light != NULL) {
        *len = u->light_len;
        return u->light;
    }
    *len = u->stem_len;
    return u->stem;
}

/* Builds "ns" + "kind:" + units[i..i+n) joined by spaces (in the form `kind` says). */
static bool push_word_ngram(tsn_bag *b, const char *ns, char kind, const tsn_unit *u, size_t n)
{
    size_t nslen = strlen(ns), len = nslen + 2, l;
    for (size_t k = 0; k < n; k++) {
        form(u + k, kind, &l);
        len += l + 1;
    }
    if (!grow_bytes(&b->scratch, &b->scratch_cap, len))
        return false;
    char *p = b->scratch;
    memcpy(p, ns, nslen);
    p += nslen;
    *p++ = kind;
    *p++ = ':';
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            *p++ = ' ';
        const char *f = form(u + k, kind, &l);
        memcpy(p, f, l);
        p += l;
    }
    return push_feature(b, (size_t)(p - b->scratch), group_of(ns, kind));
}

static bool add_word_ngrams(tsn_bag *b, const tsn_config *cfg, const tsn_unit *u, size_t n,
                            const char *ns, char kind)
{
    for (size_t i = 0; i < n; i++)
        for (int g = cfg->word_ngram_min; g <= cfg->word_ngram_max && i + (size_t)g <= n; g++)
            if (!push_word_ngram(b, ns, kind, u + i, (size_t)g))
                return false;
    return true;
}

/* Character n-grams of "<word>" counted in code points (UTF-8 lead bytes). */
static bool add_char_ngrams(tsn_bag *b, const tsn_config *cfg, const tsn_unit *u,
                            const char *ns)
{
    size_t starts[TSN_TOKEN_MAX_UNITS * 2 + 4];
    char word[TSN_TOKEN_MAX_UNITS * 4 + 3];
    if (u->surf_len + 2 > sizeof word)
        return true;
    word[0] = '<';
    memcpy(word + 1, u->surf, u->surf_len);
    word[u->surf_len + 1] = '>';
    size_t wlen = u->surf_len + 2, n_cp = 0;
    for (size_t i = 0; i < wlen && n_cp < sizeof starts / sizeof starts[0] - 1; i++)
        if (((unsigned char)word[i] & 0xC0) != 0x80)
            starts[n_cp++] = i;
    starts[n_cp] = wlen;
    /* Each n-gram's hash is continued from its shorter prefix rather than computed over
     * a string built for it: the string ns + "c:" + n-gram is only made when the bag must
     * keep it. (The hash is the same as over that string.) */
    char prefix[16];
    size_t plen = (size_t)snprintf(prefix, sizeof prefix, "%sc:", ns);
    unsigned group = group_of(ns, 'c');
    uint64_t hp = tsn_hash_more(TSN_FNV_OFFSET, prefix, plen);
    for (size_t i = 0; i < n_cp; i++) {
        uint64_t h = hp;
        for (size_t k = i; k < n_cp && k - i < (size_t)cfg->char_ngram_max; k++) {
            size_t from = starts[i], to = starts[k + 1];
            h = tsn_hash_more(h, word + starts[k], to - starts[k]);
            int g = (int)(k - i) + 1;
            if (g < cfg->char_ngram_min || (g == 1 && (word[from] == '<' || word[from] == '>')))
                continue;
            uint64_t gh = (h & ~((uint64_t)3 << 62)) | ((uint64_t)group << 62);
            if (!push_hashed(b, gh, prefix, plen, word + from, to - from))
                return false;
        }
    }
    return true;
}

tsn_status tsn_bag_add_feature(tsn_bag *b, const char *s, size_t len, tsn_error *err)
{
    if (!push_hashed(b, tsn_feature_hash(s, len), s, len, NULL, 0))
        return tsn_error_set(err, TSN_ERR_NOMEM, "features: out of memory");
    return TSN_OK;
}

tsn_status tsn_bag_add_units(tsn_bag *b, const tsn_config *cfg, const tsn_unit *units,
                             size_t n, const char *ns, tsn_error *err)
{
    bool ok = true;
    if (cfg->units == TSN_UNITS_STEM || cfg->units == TSN_UNITS_BOTH)
        ok = add_word_ngrams(b, cfg, units, n, ns, 's');
    if (ok && cfg->units == TSN_UNITS_SURFACE)
        ok = add_word_ngrams(b, cfg, units, n, ns, 'w');
    if (ok && cfg->units == TSN_UNITS_LIGHT)
        ok = add_word_ngrams(b, cfg, units, n, ns, 'l');
    if (ok && (cfg->units == TSN_UNITS_BOTH || cfg->units == TSN_UNITS_LIGHT)) {
        for (size_t i = 0; ok && i < n; i++)
            ok = push_word_ngram(b, ns, 'w', units + i, 1);
    }
    if (ok && cfg->char_ngram_max > 0) {
        for (size_t i = 0; ok && i < n; i++)
            if (units[i].kind == TSN_TOK_ARABIC || units[i].kind == TSN_TOK_LATIN ||
                units[i].kind == TSN_TOK_OTHER)
                ok = add_char_ngrams(b, cfg, units + i, ns);
    }
    return ok ? TSN_OK : tsn_error_set(err, TSN_ERR_NOMEM, "features: out of memory");
}

/* ---- A hash -> uint32 map (open addressing), shared by the dictionary and vocabulary ---- */

typedef struct {
    uint64_t *keys;
    uint32_t *vals; /* 0 marks an empty slot: stored values are ids + 1 */
    size_t cap, n;
} hmap;

static void hmap_release(hmap *m)
{
    tsn_big_free(m->keys, m->cap * sizeof *m->keys);
    tsn_big_free(m->vals, m->cap * sizeof *m->vals);
    memset(m, 0, sizeof *m);
}

static size_t hmap_home(const hmap *m, uint64_t h)
{
    return (size_t)(h ^ (h >> 29)) & (m->cap - 1);
}

/* Starts loading the home slot of h into the cache: the tables are far larger than it. */
static void hmap_prefetch(const hmap *m, uint64_t h)
{
    size_t i = hmap_home(m, h);
    __builtin_prefetch(&m->keys[i]);
    __builtin_prefetch(&m->vals[i]);
}

static size_t hmap_slot(const hmap *m, uint64_t h)
{
    size_t i = hmap_home(m, h);
    while (m->vals[i] != 0 && m->keys[i] != h)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static bool hmap_reserve(hmap *m, size_t n)
{
    if (n * 2 <= m->cap)
        return true;
    size_t ncap = m->cap ? m->cap : 1024;
    while (ncap < n * 2)
        ncap *= 2;
    hmap nm = {tsn_big_alloc(ncap * sizeof(uint64_t)), tsn_big_alloc(ncap * sizeof(uint32_t)),
               ncap, m->n};
    if (nm.keys == NULL || nm.vals == NULL) {
        hmap_release(&nm);
        return false;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->vals[i] == 0)
            continue;
        size_t j = hmap_slot(&nm, m->keys[i]);
        nm.keys[j] = m->keys[i];
        nm.vals[j] = m->vals[i];
    }
    hmap_release(m);
    *m = nm;
    return true;
}

/* The value stored for h (id), or -1. */
static int64_t hmap_get(const hmap *m, uint64_t h)
{
    if (m->cap == 0)
        return -1;
    size_t i = hmap_slot(m, h);
    return m->vals[i] ? (int64_t)m->vals[i] - 1 : -1;
}

/* ---- Dictionary ---- */

struct tsn_dict {
    hmap map;
    uint64_t *hashes; /* by id */
    size_t *offs;     /* string offset by id */
    size_t n, cap;
    char *strs;
    size_t slen, scap;
};

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
    hmap_release(&d->map);
    free(d->hashes);
    free(d->offs);
    free(d->strs);
    free(d);
}

void tsn_dict_drop_strings(tsn_dict *d)
{
    hmap_release(&d->map);
    free(d->offs);
    free(d->strs);
    d->offs = NULL;
    d->strs = NULL;
    d->slen = d->scap = 0;
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

tsn_status tsn_dict_add_bag(tsn_dict *d, const tsn_bag *b, uint32_t *ids, tsn_error *err)
{
    if (!hmap_reserve(&d->map, d->n + b->n))
        goto nomem;
    enum { AHEAD = 16 };
    for (size_t i = 0; i < b->n && i < AHEAD; i++)
        hmap_prefetch(&d->map, b->v[i].h);
    for (size_t i = 0; i < b->n; i++) {
        if (i + AHEAD < b->n)
            hmap_prefetch(&d->map, b->v[i + AHEAD].h);
        size_t slot = hmap_slot(&d->map, b->v[i].h);
        if (d->map.vals[slot] != 0) {
            ids[i] = d->map.vals[slot] - 1;
            continue;
        }
        if (d->n >= UINT32_MAX - 1)
            return tsn_error_set(err, TSN_ERR_DATA, "dictionary: more than 4 billion features");
        if (d->n == d->cap) {
            size_t n = d->cap ? d->cap * 2 : 4096;
            uint64_t *h = realloc(d->hashes, n * sizeof *h);
            if (h == NULL)
                goto nomem;
            d->hashes = h;
            size_t *o = realloc(d->offs, n * sizeof *o);
            if (o == NULL)
                goto nomem;
            d->offs = o;
            d->cap = n;
        }
        const char *s = tsn_bag_str(b, i);
        if (s == NULL)
            return tsn_error_set(err, TSN_ERR_DATA, "dictionary: a new feature came without "
                                                    "its string");
        size_t len = strlen(s);
        if (!grow_bytes(&d->strs, &d->scap, d->slen + len + 1))
            goto nomem;
        memcpy(d->strs + d->slen, s, len + 1);
        d->offs[d->n] = d->slen;
        d->slen += len + 1;
        d->hashes[d->n] = b->v[i].h;
        d->map.keys[slot] = b->v[i].h;
        d->map.vals[slot] = (uint32_t)d->n + 1;
        d->map.n++;
        ids[i] = (uint32_t)d->n++;
    }
    return TSN_OK;
nomem:
    return tsn_error_set(err, TSN_ERR_NOMEM, "dictionary: out of memory");
}

/* ---- Vocabulary ---- */

struct tsn_vocab {
    size_t size;     /* number of feature ids */
    size_t buckets;  /* > 0: hashing mode */
    double *idf;     /* [size] */
    hmap map;        /* hash -> id - 1 (vocabulary mode) */
    char *strs;      /* strings in id order, NUL-separated (vocabulary mode) */
    size_t slen;
    size_t *offs;    /* [size] */
};

void tsn_vocab_free(tsn_vocab *v)
{
    if (v == NULL)
        return;
    free(v->idf);
    hmap_release(&v->map);
    free(v->strs);
    free(v->offs);
    free(v);
}

size_t tsn_vocab_size(const tsn_vocab *v)
{
    return v->size;
}

const double *tsn_vocab_idf(const tsn_vocab *v)
{
    return v->idf;
}

const char *tsn_vocab_str(const tsn_vocab *v, int id)
{
    if (v->buckets > 0 || id < 1 || (size_t)id > v->size)
        return NULL;
    return v->strs + v->offs[id - 1];
}

const char *tsn_vocab_strings(const tsn_vocab *v, size_t *len)
{
    *len = v->slen;
    return v->buckets > 0 ? NULL : v->strs;
}

int tsn_vocab_find(const tsn_vocab *v, uint64_t h)
{
    if (v->buckets > 0)
        return (int)(h % v->buckets) + 1;
    int64_t id = hmap_get(&v->map, h);
    return id < 0 ? 0 : (int)id + 1;
}

static double smooth_idf(size_t n_docs, size_t df)
{
    return log((1.0 + (double)n_docs) / (1.0 + (double)df)) + 1.0;
}

/* Sort context for vocabulary selection (qsort has no context argument). */
typedef struct {
    uint32_t fid;
    uint32_t df;
    const char *s;
} cand;

static int cmp_by_df(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->df != y->df)
        return x->df > y->df ? -1 : 1;
    return strcmp(x->s, y->s);
}

static int cmp_by_str(const void *a, const void *b)
{
    return strcmp(((const cand *)a)->s, ((const cand *)b)->s);
}

/* Indexes strings (NUL-separated, in id order) into v->offs and v->map. */
static bool index_strings(tsn_vocab *v)
{
    v->offs = malloc((v->size ? v->size : 1) * sizeof *v->offs);
    if (v->offs == NULL || !hmap_reserve(&v->map, v->size))
        return false;
    size_t off = 0;
    for (size_t i = 0; i < v->size; i++) {
        v->offs[i] = off;
        size_t len = strlen(v->strs + off);
        uint64_t h = tsn_feature_hash(v->strs + off, len);
        size_t slot = hmap_slot(&v->map, h);
        if (v->map.vals[slot] == 0) {
            v->map.keys[slot] = h;
            v->map.vals[slot] = (uint32_t)i + 1;
            v->map.n++;
        }
        off += len + 1;
    }
    return true;
}

tsn_vocab *tsn_vocab_build(const tsn_config *cfg, const tsn_dict *d, const uint32_t *const *fids,
                           const size_t *n_feats, size_t n_docs, tsn_error *err)
{
    tsn_vocab *v = calloc(1, sizeof *v);
    uint32_t *df = NULL;
    cand *c = NULL;
    if (v == NULL)
        goto nomem;
    if (cfg->hash_buckets > 0) {
        v->buckets = v->size = (size_t)cfg->hash_buckets;
        df = calloc(v->size, sizeof *df);
        uint32_t *seen = calloc(v->size, sizeof *seen); /* doc index + 1 that last counted */
        if (df == NULL || seen == NULL) {
            free(seen);
            goto nomem;
        }
        for (size_t k = 0; k < n_docs; k++)
            for (size_t i = 0; i < n_feats[k]; i++) {
                size_t bkt = (size_t)(tsn_dict_hash(d, fids[k][i]) % v->buckets);
                if (seen[bkt] != k + 1) {
                    seen[bkt] = (uint32_t)(k + 1);
                    df[bkt]++;
                }
            }
        free(seen);
        v->idf = malloc(v->size * sizeof *v->idf);
        if (v->idf == NULL)
            goto nomem;
        for (size_t i = 0; i < v->size; i++)
            v->idf[i] = cfg->use_idf ? smooth_idf(n_docs, df[i]) : 1.0;
        free(df);
        return v;
    }
    size_t nd = tsn_dict_size(d);
    df = calloc(nd ? nd : 1, sizeof *df);
    if (df == NULL)
        goto nomem;
    for (size_t k = 0; k < n_docs; k++)
        for (size_t i = 0; i < n_feats[k]; i++)
            df[fids[k][i]]++;
    size_t nc = 0;
    for (size_t i = 0; i < nd; i++)
        nc += df[i] >= (uint32_t)cfg->min_df;
    c = malloc((nc ? nc : 1) * sizeof *c);
    if (c == NULL)
        goto nomem;
    nc = 0;
    for (size_t i = 0; i < nd; i++)
        if (df[i] >= (uint32_t)cfg->min_df)
            c[nc++] = (cand){(uint32_t)i, df[i], tsn_dict_str(d, (uint32_t)i)};
    if (cfg->max_features > 0 && nc > (size_t)cfg->max_features) {
        qsort(c, nc, sizeof *c, cmp_by_df);
        nc = (size_t)cfg->max_features;
    }
    qsort(c, nc, sizeof *c, cmp_by_str);
    if (nc >= ((size_t)1 << 29) - 2) {
        tsn_error_set(err, TSN_ERR_DATA, "vocabulary: too many features (%zu)", nc);
        goto fail;
    }
    v->size = nc;
    v->idf = malloc((nc ? nc : 1) * sizeof *v->idf);
    size_t total = 0;
    for (size_t i = 0; i < nc; i++)
        total += strlen(c[i].s) + 1;
    v->strs = malloc(total ? total : 1);
    if (v->idf == NULL || v->strs == NULL)
        goto nomem;
    for (size_t i = 0; i < nc; i++) {
        size_t len = strlen(c[i].s) + 1;
        memcpy(v->strs + v->slen, c[i].s, len);
        v->slen += len;
        v->idf[i] = cfg->use_idf ? smooth_idf(n_docs, c[i].df) : 1.0;
    }
    if (!index_strings(v))
        goto nomem;
    free(df);
    free(c);
    return v;
nomem:
    tsn_error_set(err, TSN_ERR_NOMEM, "vocabulary: out of memory");
fail:
    free(df);
    free(c);
    tsn_vocab_free(v);
    return NULL;
}

tsn_vocab *tsn_vocab_from_parts(const tsn_config *cfg, size_t n_features, const char *strings,
                                size_t strings_len, const double *idf, tsn_error *err)
{
    tsn_vocab *v = calloc(1, sizeof *v);
    if (v == NULL)
        goto nomem;
    v->size = n_features;
    v->idf = malloc((n_features ? n_features : 1) * sizeof *v->idf);
    if (v->idf == NULL)
        goto nomem;
    memcpy(v->idf, idf, n_features * sizeof *v->idf);
    if (cfg->hash_buckets > 0) {
        if ((size_t)cfg->hash_buckets != n_features) {
            tsn_error_set(err, TSN_ERR_MODEL, "vocabulary: %zu ids for %d hash buckets",
                          n_features, cfg->hash_buckets);
            tsn_vocab_free(v);
            return NULL;
        }
        v->buckets = n_features;
        return v;
    }
    size_t count = 0;
    for (size_t i = 0; i < strings_len; i++)
        count += strings[i] == '\0';
    if (count != n_features || (strings_len > 0 && strings[strings_len - 1] != '\0')) {
        tsn_error_set(err, TSN_ERR_MODEL, "vocabulary: %zu strings for %zu features", count,
                      n_features);
        tsn_vocab_free(v);
        return NULL;
    }
    v->strs = malloc(strings_len ? strings_len : 1);
    if (v->strs == NULL)
        goto nomem;
    memcpy(v->strs, strings, strings_len);
    v->slen = strings_len;
    if (!index_strings(v))
        goto nomem;
    return v;
nomem:
    tsn_vocab_free(v);
    tsn_error_set(err, TSN_ERR_NOMEM, "vocabulary: out of memory");
    return NULL;
}

/* ---- Vectors ---- */

void tsn_vector_init(tsn_vector *x)
{
    memset(x, 0, sizeof *x);
}

void tsn_vector_release(tsn_vector *x)
{
    free(x->v);
    free(x->tmp);
    tsn_vector_init(x);
}

/* Sorts v[0..m) by index, stably (entries of one index keep their order, so that sums over
 * them come out the same every time): insertion sort for short vectors, else an LSD radix
 * sort on the index bytes, skipping the bytes all indices share. tmp has room for m. */
static void sort_sparse(tsn_sparse *v, tsn_sparse *tmp, size_t m)
{
    if (m < 48) {
        for (size_t i = 1; i < m; i++) {
            tsn_sparse e = v[i];
            size_t j = i;
            for (; j > 0 && v[j - 1].index > e.index; j--)
                v[j] = v[j - 1];
            v[j] = e;
        }
        return;
    }
    size_t count[4][256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < m; i++) {
        uint32_t k = (uint32_t)v[i].index;
        for (int b = 0; b < 4; b++)
            count[b][(k >> (8 * b)) & 255]++;
    }
    tsn_sparse *src = v, *dst = tmp;
    for (int b = 0; b < 4; b++) {
        size_t *c = count[b];
        if (c[((uint32_t)v[0].index >> (8 * b)) & 255] == m)
            continue; /* one value of this byte: already in order */
        size_t sum = 0;
        for (int d = 0; d < 256; d++) {
            size_t t = c[d];
            c[d] = sum;
            sum += t;
        }
        for (size_t i = 0; i < m; i++)
            dst[c[((uint32_t)src[i].index >> (8 * b)) & 255]++] = src[i];
        tsn_sparse *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, m * sizeof *v);
}

/* Makes room for n entries (plus bias and terminator) in x. */
static tsn_status vector_reserve(tsn_vector *x, size_t n, tsn_error *err)
{
    if (n + 2 > x->cap) {
        size_t cap = x->cap ? x->cap : 64;
        while (cap < n + 2)
            cap *= 2;
        tsn_sparse *p = realloc(x->v, cap * sizeof *p);
        if (p != NULL)
            x->v = p;
        tsn_sparse *t = p != NULL ? realloc(x->tmp, cap * sizeof *t) : NULL;
        if (t != NULL)
            x->tmp = t;
        if (p == NULL || t == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "vectorize: out of memory");
        x->cap = cap;
    }
    return TSN_OK;
}

/* The tf-idf weight of a feature of vocabulary id `id` seen `count` times. */
static double tf_idf(const tsn_vocab *v, const tsn_config *cfg, int id, uint32_t count)
{
    double tf = cfg->sublinear_tf ? 1.0 + log((double)count) : (double)count;
    return tf * v->idf[id - 1];
}

/* Sorts and merges x->v[0..m) (indices id * 4 + group), normalizes each group, appends the
 * bias and the terminator. */
static void vector_finish(const tsn_vocab *v, tsn_vector *x, size_t m, double bias)
{
    sort_sparse(x->v, x->tmp, m);
    size_t j = 0;
    for (size_t i = 0; i < m; i++) {
        if (j > 0 && x->v[j - 1].index == x->v[i].index)
            x->v[j - 1].value += x->v[i].value;
        else
            x->v[j++] = x->v[i];
    }
    /* Each feature group (text words, text characters, claim words, claim characters) is
     * L2-normalized on its own, so that the many character n-grams do not drown the words;
     * the groups are then scaled together to unit length. */
    double sq[4] = {0, 0, 0, 0}, scale[4];
    for (size_t i = 0; i < j; i++)
        sq[x->v[i].index & 3] += x->v[i].value * x->v[i].value;
    int groups = 0;
    for (int g = 0; g < 4; g++)
        groups += sq[g] > 0;
    for (int g = 0; g < 4; g++)
        scale[g] = sq[g] > 0 ? 1.0 / sqrt(sq[g] * (double)groups) : 0.0;
    size_t k = 0;
    for (size_t i = 0; i < j; i++) {
        double val = x->v[i].value * scale[x->v[i].index & 3];
        int id = x->v[i].index >> 2;
        if (k > 0 && x->v[k - 1].index == id) /* hashing: two groups in one bucket */
            x->v[k - 1].value += val;
        else
            x->v[k++] = (tsn_sparse){id, val};
    }
    j = k;
    if (bias >= 0)
        x->v[j++] = (tsn_sparse){(int)v->size + 1, bias};
    x->v[j++] = (tsn_sparse){-1, 0};
    x->n = j;
}

tsn_status tsn_vocab_vectorize(const tsn_vocab *v, const tsn_config *cfg, const tsn_feat *f,
                               size_t n, double bias, tsn_vector *x, tsn_error *err)
{
    if (vector_reserve(x, n, err) != TSN_OK)
        return err != NULL ? err->code : TSN_ERR_NOMEM;
    /* Entries carry their group in the two low bits of the index until the groups are
     * normalized (ids stay below 2^29: see tsn_vocab_build and the hash_buckets range). */
    size_t m = 0;
    enum { AHEAD = 16 };
    for (size_t i = 0; v->buckets == 0 && v->map.cap > 0 && i < n && i < AHEAD; i++)
        hmap_prefetch(&v->map, f[i].h);
    for (size_t i = 0; i < n; i++) {
        if (v->buckets == 0 && v->map.cap > 0 && i + AHEAD < n)
            hmap_prefetch(&v->map, f[i + AHEAD].h);
        int id = tsn_vocab_find(v, f[i].h);
        if (id == 0)
            continue;
        int group = (int)(f[i].h >> 62);
        x->v[m++] = (tsn_sparse){id * 4 + group, tf_idf(v, cfg, id, f[i].count)};
    }
    vector_finish(v, x, m, bias);
    return TSN_OK;
}

uint32_t *tsn_vocab_map_dict(const tsn_vocab *v, const tsn_dict *d, tsn_error *err)
{
    uint32_t *map = malloc((d->n ? d->n : 1) * sizeof *map);
    if (map == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "vocabulary: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < d->n; i++) {
        uint64_t h = d->hashes[i];
        int id = tsn_vocab_find(v, h);
        map[i] = id == 0 ? 0 : (uint32_t)id * 4 + (uint32_t)(h >> 62);
    }
    return map;
}

tsn_status tsn_vocab_vectorize_row(const tsn_vocab *v, const tsn_config *cfg, const uint32_t *map,
                                   const uint32_t *fids, const uint32_t *counts, size_t n,
                                   double bias, tsn_vector *x, tsn_error *err)
{
    if (vector_reserve(x, n, err) != TSN_OK)
        return err != NULL ? err->code : TSN_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t e = map[fids[i]];
        if (e == 0)
            continue;
        x->v[m++] = (tsn_sparse){(int)e, tf_idf(v, cfg, (int)(e >> 2), counts[i])};
    }
    vector_finish(v, x, m, bias);
    return TSN_OK;
}
