/* features.c -- feature hashes and the n-gram features of a document, gathered into a bag
 * (tsn_feature_hash, tsn_bag_*). The training dictionary is in dict.c, the vocabulary and
 * tf-idf vectors in vocab.c; all three are declared in features.h.
 *
 * Bags hold hashes, not strings, on the hot path: a feature is hashed from its parts (prefix,
 * forms, separators) as they lie, and its string is written out only when the bag keeps
 * strings (training, --explain) and meets the feature first in the document. Every table of
 * the features module is open addressing on the FNV-1a hash with linear probing, sized to
 * stay half empty (the training dictionary's: a quarter).
 */
#include "features.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features_internal.h"
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

static void memo_next_doc(tsn_charmemo *m);

void tsn_bag_reset(tsn_bag *b)
{
    if (b->memo != NULL)
        memo_next_doc(b->memo);
    if (b->types != NULL)
        tsn_bag_reset(b->types);
    b->n = 0;
    b->slen = 0;
    bag_next_gen(b);
    if (b->tab_cap > TSN_BAG_TAB_MIN)
        b->tab_cap = TSN_BAG_TAB_MIN;
}

void tsn_bag_release(tsn_bag *b)
{
    if (b->types != NULL) {
        tsn_bag_release(b->types);
        free(b->types);
    }
    free(b->v);
    free(b->strs);
    free(b->tab);
    memset(b, 0, sizeof *b);
}

static void swap_table(tsn_bag *a, tsn_bag *b)
{
    struct tsn_bag_slot *t = a->tab;
    size_t cap = a->tab_cap, alloc = a->tab_alloc;
    uint32_t gen = a->gen;
    a->tab = b->tab, a->tab_cap = b->tab_cap, a->tab_alloc = b->tab_alloc, a->gen = b->gen;
    b->tab = t, b->tab_cap = cap, b->tab_alloc = alloc, b->gen = gen;
    bag_next_gen(a);
    bag_next_gen(b);
}

void tsn_bag_swap_tables(tsn_bag *a, tsn_bag *b)
{
    swap_table(a, b);
    if (a->types != NULL && b->types != NULL)
        swap_table(a->types, b->types);
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

/* Counts the feature of (grouped) hash h in the bag. When the document meets it first, it
 * is entered and, if the bag keeps strings, given room for its string of len bytes (and a
 * NUL): *str points there for the caller to fill. *str is NULL when there is nothing to
 * write (a feature seen before, a bag without strings). False when out of memory. */
static bool bag_intern(tsn_bag *b, uint64_t h, size_t len, char **str)
{
    *str = NULL;
    if (!bag_reserve(b))
        return false;
    struct tsn_bag_slot *s = bag_slot(b, h);
    if (s->gen == b->gen) {
        if (b->v[s->idx].count < UINT32_MAX)
            b->v[s->idx].count++;
        return true;
    }
    uint32_t off = TSN_NO_STRING;
    if (b->keep_strings) {
        if (b->slen + len + 1 > UINT32_MAX ||
            !tsn_grow_bytes(&b->strs, &b->scap, b->slen + len + 1))
            return false;
        off = (uint32_t)b->slen;
        b->strs[b->slen + len] = '\0';
        b->slen += len + 1;
    }
    if (b->n == b->cap) {
        size_t n = b->cap ? b->cap * 2 : 256;
        tsn_feat *p = realloc(b->v, n * sizeof *p);
        if (p == NULL)
            return false;
        b->v = p;
        b->cap = n;
    }
    *s = (struct tsn_bag_slot){h, b->gen, (uint32_t)b->n};
    b->v[b->n++] = (tsn_feat){h, 1, off};
    if (off != TSN_NO_STRING)
        *str = b->strs + off;
    return true;
}

/* Adds the feature of (grouped) hash h to the bag; its string, kept only when the bag keeps
 * strings and does not know the feature yet, is a[0..la) followed by c[0..lc). */
static bool push_hashed(tsn_bag *b, uint64_t h, const char *a, size_t la, const char *c,
                        size_t lc)
{
    char *p;
    if (!bag_intern(b, h, la + lc, &p))
        return false;
    if (p != NULL) {
        memcpy(p, a, la);
        if (lc > 0)
            memcpy(p + la, c, lc);
    }
    return true;
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

/* Adds "ns" + "kind:" + units[i..i+n) joined by spaces (in the form `kind` says): hashed
 * part by part, its string written only when the bag keeps strings and meets it first. */
static bool push_word_ngram(tsn_bag *b, const char *ns, char kind, const tsn_unit *u, size_t n)
{
    size_t nslen = strlen(ns), len = nslen + 2, l;
    const char kp[2] = {kind, ':'};
    uint64_t h = tsn_hash_more(tsn_hash_more(TSN_FNV_OFFSET, ns, nslen), kp, 2);
    for (size_t k = 0; k < n; k++) {
        const char *f = form(u + k, kind, &l);
        if (k > 0)
            h = tsn_hash_more(h, " ", 1);
        h = tsn_hash_more(h, f, l);
        len += l + (k > 0);
    }
    h = (h & ~((uint64_t)3 << 62)) | ((uint64_t)group_of(ns, kind) << 62);
    char *p;
    if (!bag_intern(b, h, len, &p))
        return false;
    if (p != NULL) {
        memcpy(p, ns, nslen);
        p += nslen;
        *p++ = kind;
        *p++ = ':';
        for (size_t k = 0; k < n; k++) {
            const char *f = form(u + k, kind, &l);
            if (k > 0)
                *p++ = ' ';
            memcpy(p, f, l);
            p += l;
        }
    }
    return true;
}

/* Word n-grams of units[0..n) of `kind`, from order `from` (at least the config's shortest). */
static bool add_word_ngrams(tsn_bag *b, const tsn_config *cfg, const tsn_unit *u, size_t n,
                            const char *ns, char kind, int from)
{
    from = from > cfg->word_ngram_min ? from : cfg->word_ngram_min;
    for (size_t i = 0; i < n; i++)
        for (int g = from; g <= cfg->word_ngram_max && i + (size_t)g <= n; g++)
            if (!push_word_ngram(b, ns, kind, u + i, (size_t)g))
                return false;
    return true;
}

bool tsn_char_ngrams(const tsn_config *cfg, const char *surf, size_t surf_len, const char *ns,
                     tsn_char_sink sink, void *ctx)
{
    size_t starts[TSN_TOKEN_MAX_UNITS * 2 + 4];
    char word[TSN_TOKEN_MAX_UNITS * 4 + 3];
    if (surf_len + 2 > sizeof word)
        return true;
    word[0] = '<';
    memcpy(word + 1, surf, surf_len);
    word[surf_len + 1] = '>';
    size_t wlen = surf_len + 2, n_cp = 0;
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
            if (!sink(ctx, gh, prefix, plen, word + from, to - from))
                return false;
        }
    }
    return true;
}

static bool bag_sink(void *ctx, uint64_t gh, const char *prefix, size_t plen, const char *g,
                     size_t glen)
{
    return push_hashed(ctx, gh, prefix, plen, g, glen);
}

/* ---- Word-type memo of resolved character n-grams (scoring) ---- */

/* One word type: its surface form, and its character n-grams as vocabulary entries
 * (id * 4 + group, in order, repeats kept; those outside the vocabulary dropped). */
typedef struct {
    uint64_t h;     /* hash of the surface form; 0 marks an empty slot */
    uint32_t soff;  /* surface form in strs */
    uint32_t slen;
    uint32_t ioff;  /* entries in ids */
    uint32_t nids;
    uint32_t ngen;  /* n-grams generated, in the vocabulary or not */
} memo_type;

struct tsn_charmemo {
    const tsn_vocab *vocab;
    tsn_bag ids;       /* this document's resolved n-grams: hash field = id * 4 + group */
    size_t generated;  /* n-grams this document generated, in the vocabulary or not */
    memo_type *tab;
    size_t cap, n;
    char *strs;
    size_t slen, scap;
    uint32_t *e;       /* entries of all types */
    size_t elen, ecap;
    uint32_t *fresh;   /* a type being resolved: its entries */
    size_t fn, fcap, fgen;
};

/* Types held before the memo starts over (a document stream's vocabulary keeps growing;
 * the frequent types come straight back). */
#define MEMO_TYPES ((size_t)1 << 17)
#define MEMO_BYTES ((size_t)16 << 20)

tsn_charmemo *tsn_charmemo_new(const tsn_vocab *v)
{
    size_t len;
    if (tsn_vocab_strings(v, &len) == NULL) /* hashing: ids are not unique per n-gram */
        return NULL;
    tsn_charmemo *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->vocab = v;
    tsn_bag_init(&m->ids, false);
    m->cap = MEMO_TYPES * 2;
    if ((m->tab = calloc(m->cap, sizeof *m->tab)) == NULL) {
        tsn_charmemo_free(m);
        return NULL;
    }
    return m;
}

void tsn_charmemo_free(tsn_charmemo *m)
{
    if (m == NULL)
        return;
    tsn_bag_release(&m->ids);
    free(m->tab);
    free(m->strs);
    tsn_big_free(m->e, m->ecap * sizeof *m->e);
    tsn_big_free(m->fresh, m->fcap * sizeof *m->fresh);
    free(m);
}

static void memo_next_doc(tsn_charmemo *m)
{
    tsn_bag_reset(&m->ids);
    m->generated = 0;
}

static void memo_clear(tsn_charmemo *m)
{
    memset(m->tab, 0, m->cap * sizeof *m->tab);
    m->n = m->slen = m->elen = 0;
}

static bool fresh_sink(void *ctx, uint64_t gh, const char *prefix, size_t plen, const char *g,
                       size_t glen)
{
    (void)prefix, (void)plen, (void)g, (void)glen;
    tsn_charmemo *m = ctx;
    m->fgen++;
    int id = tsn_vocab_find(m->vocab, gh);
    if (id == 0)
        return true;
    if (!tsn_big_grow_u32(&m->fresh, &m->fcap, m->fn + 1))
        return false;
    m->fresh[m->fn++] = (uint32_t)id * 4 + (uint32_t)(gh >> 62);
    return true;
}

/* The memo's type for unit u, resolved and entered now if it is new; NULL out of memory. */
static const memo_type *memo_type_of(tsn_charmemo *m, const tsn_config *cfg, const tsn_unit *u)
{
    uint64_t h = tsn_hash(u->surf, u->surf_len) | 1; /* never 0, the empty mark */
    size_t i = (size_t)(h ^ (h >> 31)) & (m->cap - 1);
    for (; m->tab[i].h != 0; i = (i + 1) & (m->cap - 1))
        if (m->tab[i].h == h && m->tab[i].slen == u->surf_len &&
            memcmp(m->strs + m->tab[i].soff, u->surf, u->surf_len) == 0)
            return &m->tab[i];
    m->fn = m->fgen = 0;
    if (!tsn_char_ngrams(cfg, u->surf, u->surf_len, "", fresh_sink, m))
        return NULL;
    if (m->n + 1 > MEMO_TYPES || m->slen + u->surf_len > MEMO_BYTES ||
        (m->elen + m->fn) * sizeof *m->e > MEMO_BYTES) {
        memo_clear(m);
        i = (size_t)(h ^ (h >> 31)) & (m->cap - 1);
    }
    if (!tsn_grow_bytes(&m->strs, &m->scap, m->slen + u->surf_len + 1))
        return NULL;
    if (!tsn_big_grow_u32(&m->e, &m->ecap, m->elen + m->fn))
        return NULL;
    memcpy(m->strs + m->slen, u->surf, u->surf_len);
    if (m->fn > 0) /* (fresh is NULL until a type has an n-gram in the vocabulary) */
        memcpy(m->e + m->elen, m->fresh, m->fn * sizeof *m->e);
    m->tab[i] = (memo_type){h, (uint32_t)m->slen, (uint32_t)u->surf_len, (uint32_t)m->elen,
                            (uint32_t)m->fn, (uint32_t)m->fgen};
    m->slen += u->surf_len;
    m->elen += m->fn;
    m->n++;
    return &m->tab[i];
}

void tsn_bag_set_memo(tsn_bag *b, tsn_charmemo *m)
{
    b->memo = m;
}

bool tsn_bag_collect_types(tsn_bag *b)
{
    if (b->types == NULL && (b->types = malloc(sizeof *b->types)) != NULL)
        tsn_bag_init(b->types, true);
    return b->types != NULL;
}

const tsn_bag *tsn_bag_types(const tsn_bag *b)
{
    return b->types;
}

bool tsn_bag_empty(const tsn_bag *b)
{
    return b->n == 0 && (b->memo == NULL || b->memo->generated == 0) &&
           (b->types == NULL || b->types->n == 0);
}

const tsn_feat *tsn_bag_resolved(const tsn_bag *b, size_t *n)
{
    *n = b->memo != NULL ? b->memo->ids.n : 0;
    return b->memo != NULL ? b->memo->ids.v : NULL;
}

/* The character n-grams of unit u: through the memo when the bag has one (text features
 * only), else hashed into the bag. */
static bool add_char_ngrams(tsn_bag *b, const tsn_config *cfg, const tsn_unit *u,
                            const char *ns)
{
    tsn_charmemo *m = b->memo;
    if (m == NULL || ns[0] != '\0')
        return tsn_char_ngrams(cfg, u->surf, u->surf_len, ns, bag_sink, b);
    const memo_type *t = memo_type_of(m, cfg, u);
    if (t == NULL)
        return false;
    m->generated += t->ngen;
    for (uint32_t k = 0; k < t->nids; k++)
        if (!push_hashed(&m->ids, m->e[t->ioff + k], NULL, 0, NULL, 0))
            return false;
    return true;
}

tsn_status tsn_bag_add_feature(tsn_bag *b, const char *s, size_t len, tsn_error *err)
{
    if (!push_hashed(b, tsn_feature_hash(s, len), s, len, NULL, 0))
        return tsn_error_set(err, TSN_ERR_NOMEM, "features: out of memory");
    return TSN_OK;
}

/* Whether unit u can be handed over as a word type: its forms hold no tab, which separates
 * them in the type's string. */
static bool typeable(const tsn_unit *u)
{
    return memchr(u->surf, '\t', u->surf_len) == NULL &&
           memchr(u->stem, '\t', u->stem_len) == NULL &&
           (u->light == NULL || memchr(u->light, '\t', u->light_len) == NULL);
}

/* Training: unit u of the text as a word type, which stands for its unigram and character
 * n-gram features (tsn_type_features). The type is its kind and surface form; its string
 * is kind digit, surface, tab, stem, tab, clitic-split form (else the stem). */
static bool push_type(tsn_bag *b, const tsn_unit *u)
{
    tsn_bag *t = b->types;
    char k = (char)('0' + (int)u->kind);
    uint64_t h = u->hash != 0 ? u->hash : tsn_hash_more(tsn_hash(&k, 1), u->surf, u->surf_len);
    size_t ll;
    const char *l = form(u, 'l', &ll);
    char *p;
    if (!bag_intern(t, h, 1 + u->surf_len + 1 + u->stem_len + 1 + ll, &p))
        return false;
    if (p == NULL) /* a type the document has met (the types bag keeps strings) */
        return true;
    *p++ = k;
    memcpy(p, u->surf, u->surf_len);
    p += u->surf_len;
    *p++ = '\t';
    memcpy(p, u->stem, u->stem_len);
    p += u->stem_len;
    *p++ = '\t';
    memcpy(p, l, ll);
    return true;
}

/* Gives sink the word unigram of kind `kind` over form f: its grouped hash and string. */
static bool unigram(tsn_char_sink sink, void *ctx, char kind, const char *f, size_t len)
{
    char prefix[2] = {kind, ':'};
    uint64_t h = tsn_hash_more(tsn_hash(prefix, 2), f, len);
    return sink(ctx, (h & ~((uint64_t)3 << 62)) | ((uint64_t)group_of("", kind) << 62), prefix,
                2, f, len);
}

/* Gives sink the unigram and character n-gram features of unit u, in the order
 * tsn_bag_add_units makes them: what a word type stands for. */
static bool unit_features(const tsn_config *cfg, const tsn_unit *u, tsn_char_sink sink,
                          void *ctx)
{
    bool ok = true;
    size_t ll;
    const char *l = form(u, 'l', &ll);
    if (cfg->word_ngram_min <= 1) {
        if (cfg->units == TSN_UNITS_STEM || cfg->units == TSN_UNITS_BOTH)
            ok = unigram(sink, ctx, 's', u->stem, u->stem_len);
        if (ok && cfg->units == TSN_UNITS_SURFACE)
            ok = unigram(sink, ctx, 'w', u->surf, u->surf_len);
        if (ok && cfg->units == TSN_UNITS_LIGHT)
            ok = unigram(sink, ctx, 'l', l, ll);
    }
    if (ok && (cfg->units == TSN_UNITS_BOTH || cfg->units == TSN_UNITS_LIGHT))
        ok = unigram(sink, ctx, 'w', u->surf, u->surf_len);
    if (ok && cfg->char_ngram_max > 0 &&
        (u->kind == TSN_TOK_ARABIC || u->kind == TSN_TOK_LATIN || u->kind == TSN_TOK_OTHER))
        ok = tsn_char_ngrams(cfg, u->surf, u->surf_len, "", sink, ctx);
    return ok;
}

bool tsn_type_features(const tsn_config *cfg, const char *type, tsn_char_sink sink, void *ctx)
{
    tsn_unit u = {.kind = (tsn_token_kind)(type[0] - '0'), .surf = type + 1};
    u.stem = strchr(u.surf, '\t') + 1;
    u.light = strchr(u.stem, '\t') + 1;
    u.surf_len = (size_t)(u.stem - 1 - u.surf);
    u.stem_len = (size_t)(u.light - 1 - u.stem);
    u.light_len = strlen(u.light);
    return unit_features(cfg, &u, sink, ctx);
}

tsn_status tsn_bag_add_units(tsn_bag *b, const tsn_config *cfg, const tsn_unit *units,
                             size_t n, const char *ns, tsn_error *err)
{
    /* a training bag's text hands its units over as word types, which stand for their
     * unigrams and character n-grams; the longer n-grams stay here */
    bool typed = b->types != NULL && ns[0] == '\0';
    int from = typed ? 2 : 1;
    bool ok = true;
    if (cfg->units == TSN_UNITS_STEM || cfg->units == TSN_UNITS_BOTH)
        ok = add_word_ngrams(b, cfg, units, n, ns, 's', from);
    if (ok && cfg->units == TSN_UNITS_SURFACE)
        ok = add_word_ngrams(b, cfg, units, n, ns, 'w', from);
    if (ok && cfg->units == TSN_UNITS_LIGHT)
        ok = add_word_ngrams(b, cfg, units, n, ns, 'l', from);
    if (typed) {
        /* (a form with a tab cannot travel in a type's string: its features go in the bag) */
        for (size_t i = 0; ok && i < n; i++)
            ok = typeable(units + i) ? push_type(b, units + i)
                                     : unit_features(cfg, units + i, bag_sink, b);
        return ok ? TSN_OK : tsn_error_set(err, TSN_ERR_NOMEM, "features: out of memory");
    }
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
