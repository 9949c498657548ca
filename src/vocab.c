/* vocab.c -- the vocabulary and tf-idf vectors (tsn_vocab_*, tsn_vector_*, declared in
 * features.h): selection of feature ids from document frequencies (min_df, char_max_df,
 * max_features) or feature hashing, the vocabulary's stored form (model loading), and
 * vectorization of a bag or a corpus row into liblinear's sparse layout, each feature group
 * L2-normalized. Corpus rows may name word types (TSN_ROW_TYPE), which stand for their
 * unigrams and character n-grams: document frequencies and row vectors expand them through
 * the dictionary.
 *
 * The hash -> id map is the open-addressing hmap of features_internal.h; vectorizing
 * prefetches its slots ahead of the probes, and sorts entries stably (insertion or radix
 * sort) so that the sums over one index come out the same every time.
 */
#include "features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features_internal.h"

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
    /* The strings are hashed AHEAD of their insertion and their home slots fetched, so that
     * the table's cache misses overlap (the ids and the table come out as in id order). */
    enum { AHEAD = 8 };
    uint64_t ring[AHEAD];
    size_t off = 0, n = v->size;
    for (size_t i = 0; i < n + AHEAD; i++) {
        if (i >= AHEAD) { /* the string AHEAD back, whose slot was fetched: its ring entry */
            size_t k = i - AHEAD;
            uint64_t h = ring[k % AHEAD];
            size_t slot = hmap_slot(&v->map, h);
            if (hmap_val(&v->map, slot) == 0) {
                hmap_put(&v->map, slot, h, (uint32_t)k + 1);
                v->map.n++;
            }
        }
        if (i < n) { /* then string i takes the entry over */
            v->offs[i] = off;
            size_t len = strlen(v->strs + off);
            uint64_t h = tsn_feature_hash(v->strs + off, len);
            hmap_prefetch(&v->map, h);
            ring[i % AHEAD] = h;
            off += len + 1;
        }
    }
    return true;
}

void tsn_vocab_drop_index(tsn_vocab *v)
{
    hmap_release(&v->map);
    free(v->offs);
    v->offs = NULL;
}

tsn_status tsn_vocab_reindex(tsn_vocab *v, tsn_error *err)
{
    if (v->buckets > 0 || v->offs != NULL)
        return TSN_OK;
    if (!index_strings(v)) {
        tsn_vocab_drop_index(v);
        return tsn_error_set(err, TSN_ERR_NOMEM, "vocabulary: out of memory");
    }
    return TSN_OK;
}

/* Whether dictionary feature id, found in df training documents, is kept: in min_df of them
 * at least, and, a character n-gram (group 1 or 3, features.h), in at most `most`. */
static bool keep(const tsn_dict *d, uint32_t id, uint32_t df, int min_df, double most)
{
    return df >= (uint32_t)min_df && (df <= most || !(tsn_dict_hash(d, id) >> 62 & 1));
}

/* The dictionary ids that corpus row entry *e stands for: a word type's n-grams, else the
 * entry itself. */
static const uint32_t *row_entry(const tsn_dict *d, const uint32_t *e, size_t *len)
{
    if (*e & TSN_ROW_TYPE)
        return tsn_dict_type_ngrams(d, *e & ~TSN_ROW_TYPE, len);
    *len = 1;
    return e;
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
    /* each n-gram counts once per document, though word types in a row share n-grams */
    uint32_t *last = calloc(nd ? nd : 1, sizeof *last); /* doc index + 1 that counted */
    if (last == NULL)
        goto nomem;
    for (size_t k = 0; k < n_docs; k++)
        for (size_t i = 0; i < n_feats[k]; i++) {
            size_t len;
            const uint32_t *ids = row_entry(d, &fids[k][i], &len);
            for (size_t j = 0; j < len; j++)
                if (last[ids[j]] != (uint32_t)k + 1) {
                    last[ids[j]] = (uint32_t)k + 1;
                    df[ids[j]]++;
                }
        }
    free(last);
    /* kept: found in min_df documents or more, and character n-grams in at most char_max_df
     * of them or at most TSN_CHAR_MAX_DF_DOCS */
    double most = cfg->char_max_df * (double)n_docs;
    if (most < TSN_CHAR_MAX_DF_DOCS)
        most = TSN_CHAR_MAX_DF_DOCS;
    size_t nc = 0;
    for (size_t i = 0; i < nd; i++)
        nc += keep(d, (uint32_t)i, df[i], cfg->min_df, most);
    c = malloc((nc ? nc : 1) * sizeof *c);
    if (c == NULL)
        goto nomem;
    nc = 0;
    for (size_t i = 0; i < nd; i++)
        if (keep(d, (uint32_t)i, df[i], cfg->min_df, most))
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
    if (n_features > 0) /* (idf may be NULL then) */
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
    for (const char *p = strings, *e = strings + strings_len;
         p < e && (p = memchr(p, '\0', (size_t)(e - p))) != NULL; p++)
        count++;
    if (strings_len > 0 && strings[strings_len - 1] != '\0') {
        tsn_error_set(err, TSN_ERR_MODEL,
                      "vocabulary: the feature strings do not end in a NUL byte");
        tsn_vocab_free(v);
        return NULL;
    }
    if (count != n_features) {
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
        size_t cap = tsn_grown_cap(x->cap, n + 2, 64);
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
    /* log(1) is exactly 0, and most features occur once: the same value without the call */
    double tf = !cfg->sublinear_tf || count == 1 ? (double)count : 1.0 + log((double)count);
    return tf * v->idf[id - 1];
}

/* Sorts x->v[0..m) by index (unless `sorted`) and merges the entries of one index, summing
 * their values in order; returns how many are left. */
static size_t sort_merge(tsn_vector *x, size_t m, bool sorted)
{
    if (!sorted)
        sort_sparse(x->v, x->tmp, m);
    size_t j = 0;
    for (size_t i = 0; i < m; i++) {
        if (j > 0 && x->v[j - 1].index == x->v[i].index)
            x->v[j - 1].value += x->v[i].value;
        else
            x->v[j++] = x->v[i];
    }
    return j;
}

/* Sorts (unless `sorted`) and merges x->v[0..m) (indices id * 4 + group), normalizes each
 * group, appends the bias and the terminator. */
static void vector_finish(const tsn_vocab *v, tsn_vector *x, size_t m, double bias, bool sorted)
{
    size_t j = sort_merge(x, m, sorted);
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

static tsn_status vectorize(const tsn_vocab *v, const tsn_config *cfg, const tsn_feat *f,
                            size_t n, const tsn_feat *r, size_t nr, double bias, tsn_vector *x,
                            tsn_error *err)
{
    if (vector_reserve(x, n + nr, err) != TSN_OK)
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
        /* The count waits in the value while the idf is fetched; the second pass weighs it. */
        __builtin_prefetch(&v->idf[id - 1]);
        int group = (int)(f[i].h >> 62);
        x->v[m++] = (tsn_sparse){id * 4 + group, (double)f[i].count};
    }
    for (size_t i = 0; i < nr; i++) { /* already resolved: the entry is in the hash field */
        __builtin_prefetch(&v->idf[(r[i].h >> 2) - 1]);
        x->v[m++] = (tsn_sparse){(int)r[i].h, (double)r[i].count};
    }
    for (size_t i = 0; i < m; i++)
        x->v[i].value = tf_idf(v, cfg, x->v[i].index >> 2, (uint32_t)x->v[i].value);
    vector_finish(v, x, m, bias, false);
    return TSN_OK;
}

tsn_status tsn_vocab_vectorize(const tsn_vocab *v, const tsn_config *cfg, const tsn_feat *f,
                               size_t n, double bias, tsn_vector *x, tsn_error *err)
{
    return vectorize(v, cfg, f, n, NULL, 0, bias, x, err);
}

tsn_status tsn_vocab_vectorize_bag(const tsn_vocab *v, const tsn_config *cfg, const tsn_bag *b,
                                   double bias, tsn_vector *x, tsn_error *err)
{
    size_t nr;
    const tsn_feat *r = tsn_bag_resolved(b, &nr);
    return vectorize(v, cfg, b->v, b->n, r, nr, bias, x, err);
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

tsn_status tsn_vocab_vectorize_row(const tsn_vocab *v, const tsn_config *cfg, const tsn_dict *d,
                                   const uint32_t *map, const uint32_t *fids,
                                   const uint32_t *counts, size_t n, double bias, tsn_vector *x,
                                   tsn_error *err)
{
    size_t bound = 0, len;
    for (size_t i = 0; i < n; i++)
        bound += (row_entry(d, &fids[i], &len), len);
    if (vector_reserve(x, bound, err) != TSN_OK)
        return err != NULL ? err->code : TSN_ERR_NOMEM;
    size_t m = 0;
    if (v->buckets > 0) { /* hashing: rows hold features; colliding buckets sum in order */
        for (size_t i = 0; i < n; i++) {
            uint32_t e = map[fids[i]];
            if (e == 0)
                continue;
            x->v[m++] = (tsn_sparse){(int)e, tf_idf(v, cfg, (int)(e >> 2), counts[i])};
        }
        vector_finish(v, x, m, bias, false);
        return TSN_OK;
    }
    /* Word types stand for their features, which other types share (n-grams, a stem): the
     * entries are gathered with their counts, sorted, and their counts summed before the
     * weights are taken (the same vector as from the features themselves, whose order does
     * not matter with a vocabulary: its ids are unique per feature). */
    for (size_t i = 0; i < n; i++) {
        size_t k;
        const uint32_t *ids = row_entry(d, &fids[i], &k);
        for (size_t j = 0; j < k; j++) {
            uint32_t e = map[ids[j]];
            if (e != 0)
                x->v[m++] = (tsn_sparse){(int)e, (double)counts[i]};
        }
    }
    size_t u = sort_merge(x, m, false);
    for (size_t i = 0; i < u; i++) {
        double c = x->v[i].value < (double)UINT32_MAX ? x->v[i].value : (double)UINT32_MAX;
        x->v[i].value = tf_idf(v, cfg, x->v[i].index >> 2, (uint32_t)c);
    }
    vector_finish(v, x, u, bias, true);
    return TSN_OK;
}
