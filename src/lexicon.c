/* lexicon.c -- the per-pipeline memo of stop-word flags and stems (lexicon.h).
 *
 * An open-addressing table on the type hash, linear probing, kept half empty; a slot holds the
 * hash, the word's kind and lengths and its stop-word flag, and points into an arena where the
 * word and its stem sit side by side (NUL after each). Hashes alone are not trusted: the kind
 * and the bytes are compared, and the stem is read from the same cache line as the word.
 */
#include "lexicon.h"

#include <stdlib.h>
#include <string.h>

#include "growth.h"

typedef struct {
    uint64_t h;
    uint32_t key;  /* arena offset of the word; its stem follows its NUL */
    uint32_t klen, slen;
    uint8_t kind;
    bool stop, used;
} slot;

struct tsn_lexicon {
    tsn_stemmer *stem;
    const tsn_stopwords *stop;
    slot *tab;
    size_t cap, n; /* cap is a power of two, at least twice n */
    char *arena;
    size_t alen, acap;
};

tsn_lexicon *tsn_lexicon_new(tsn_stemmer *stem, const tsn_stopwords *stop, tsn_error *err)
{
    tsn_lexicon *lx = calloc(1, sizeof *lx);
    if (lx != NULL) {
        lx->stem = stem;
        lx->stop = stop;
        lx->cap = 1024;
        lx->tab = calloc(lx->cap, sizeof *lx->tab);
    }
    if (lx == NULL || lx->tab == NULL) {
        tsn_lexicon_free(lx);
        tsn_error_set(err, TSN_ERR_NOMEM, "lexicon: out of memory");
        return NULL;
    }
    return lx;
}

void tsn_lexicon_free(tsn_lexicon *lx)
{
    if (lx == NULL)
        return;
    free(lx->tab);
    free(lx->arena);
    free(lx);
}

void tsn_lexicon_begin(tsn_lexicon *lx)
{
    if (lx->n < TSN_LEXICON_MAX)
        return;
    memset(lx->tab, 0, lx->cap * sizeof *lx->tab);
    lx->n = 0;
    lx->alen = 0;
}

static size_t home(const tsn_lexicon *lx, uint64_t h)
{
    return (size_t)(h ^ (h >> 29)) & (lx->cap - 1);
}

void tsn_lexicon_prefetch(const tsn_lexicon *lx, uint64_t h)
{
    __builtin_prefetch(&lx->tab[home(lx, h)]);
}

void tsn_lexicon_prefetch_word(const tsn_lexicon *lx, uint64_t h)
{
    for (size_t i = home(lx, h); lx->tab[i].used; i = (i + 1) & (lx->cap - 1))
        if (lx->tab[i].h == h) {
            __builtin_prefetch(lx->arena + lx->tab[i].key);
            return;
        }
}

const char *tsn_lexicon_str(const tsn_lexicon *lx, uint32_t off)
{
    return lx->arena + off;
}

static bool grow_table(tsn_lexicon *lx)
{
    size_t ncap = lx->cap * 2;
    slot *nt = calloc(ncap, sizeof *nt);
    if (nt == NULL)
        return false;
    slot *old = lx->tab;
    size_t ocap = lx->cap;
    lx->tab = nt;
    lx->cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i].used)
            continue;
        size_t j = home(lx, old[i].h);
        while (nt[j].used)
            j = (j + 1) & (ncap - 1);
        nt[j] = old[i];
    }
    free(old);
    return true;
}

tsn_status tsn_lexicon_find(tsn_lexicon *lx, uint64_t h, const char *s, size_t len,
                            tsn_token_kind kind, tsn_word *w, tsn_error *err)
{
    size_t i = home(lx, h);
    for (; lx->tab[i].used; i = (i + 1) & (lx->cap - 1)) {
        const slot *e = &lx->tab[i];
        if (e->h == h && e->klen == len && e->kind == (uint8_t)kind &&
            memcmp(lx->arena + e->key, s, len) == 0) {
            *w = (tsn_word){e->stop, e->key + e->klen + 1, e->slen};
            return TSN_OK;
        }
    }
    bool stop = kind != TSN_TOK_CLASS && tsn_stopwords_has(lx->stop, s, len);
    size_t slen = 0;
    const char *st = stop ? "" : tsn_stemmer_stem(lx->stem, s, len, kind, &slen, err);
    if (st == NULL)
        return err != NULL ? err->code : TSN_ERR_NOMEM;
    if ((lx->n + 1) * 2 > lx->cap) {
        if (!grow_table(lx))
            goto nomem;
        i = home(lx, h);
        while (lx->tab[i].used)
            i = (i + 1) & (lx->cap - 1);
    }
    size_t need = lx->alen + len + slen + 2; /* offsets are 32-bit */
    if (len > UINT32_MAX || slen > UINT32_MAX || need > UINT32_MAX ||
        !tsn_grow_bytes(&lx->arena, &lx->acap, need))
        goto nomem;
    size_t off = lx->alen;
    memcpy(lx->arena + off, s, len);
    lx->arena[off + len] = '\0';
    memcpy(lx->arena + off + len + 1, st, slen);
    lx->arena[off + len + 1 + slen] = '\0';
    lx->alen += len + slen + 2;
    lx->tab[i] = (slot){h, (uint32_t)off, (uint32_t)len, (uint32_t)slen, (uint8_t)kind, stop, true};
    lx->n++;
    *w = (tsn_word){stop, (uint32_t)(off + len + 1), (uint32_t)slen};
    return TSN_OK;
nomem:
    return tsn_error_set(err, TSN_ERR_NOMEM, "lexicon: out of memory");
}
