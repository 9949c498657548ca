/* stem.c -- Snowball stemmers behind a per-type cache.
 *
 * The cache is an open-addressing table keyed by the FNV-1a hash of the token, with the token
 * and its stem copied into an arena. Hashes alone are not trusted: the key bytes are compared.
 * When the table reaches TSN_STEM_CACHE_MAX entries it is emptied rather than evicted piecemeal:
 * a bounded memory footprint matters more than the rare re-stemming on huge vocabularies.
 */
#include "stem.h"

#include <libstemmer.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define TSN_STEM_CACHE_MAX (1u << 20)

typedef struct {
    uint64_t h;
    size_t key;   /* arena offset of the token; the stem follows its NUL */
    uint32_t klen, slen;
    bool used;
} slot;

struct tsn_stemmer {
    struct sb_stemmer *arabic, *english;
    slot *tab;
    size_t cap, n; /* cap is a power of two */
    char *arena;
    size_t alen, acap;
};

tsn_stemmer *tsn_stemmer_new(tsn_error *err)
{
    tsn_stemmer *s = calloc(1, sizeof *s);
    if (s == NULL)
        goto nomem;
    s->arabic = sb_stemmer_new("arabic", "UTF_8");
    s->english = sb_stemmer_new("english", "UTF_8");
    if (s->arabic == NULL || s->english == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "stemmer: cannot create Snowball stemmers");
        tsn_stemmer_free(s);
        return NULL;
    }
    s->cap = 1024;
    s->tab = calloc(s->cap, sizeof *s->tab);
    if (s->tab == NULL) {
        tsn_stemmer_free(s);
        goto nomem;
    }
    return s;
nomem:
    tsn_error_set(err, TSN_ERR_NOMEM, "stemmer: out of memory");
    return NULL;
}

void tsn_stemmer_free(tsn_stemmer *s)
{
    if (s == NULL)
        return;
    sb_stemmer_delete(s->arabic);
    sb_stemmer_delete(s->english);
    free(s->tab);
    free(s->arena);
    free(s);
}

static bool grow_table(tsn_stemmer *s)
{
    size_t ncap = s->cap * 2;
    slot *nt = calloc(ncap, sizeof *nt);
    if (nt == NULL)
        return false;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->tab[i].used)
            continue;
        size_t j = (size_t)s->tab[i].h & (ncap - 1);
        while (nt[j].used)
            j = (j + 1) & (ncap - 1);
        nt[j] = s->tab[i];
    }
    free(s->tab);
    s->tab = nt;
    s->cap = ncap;
    return true;
}

static void clear_cache(tsn_stemmer *s)
{
    memset(s->tab, 0, s->cap * sizeof *s->tab);
    s->n = 0;
    s->alen = 0;
}

static bool reserve_arena(tsn_stemmer *s, size_t extra)
{
    if (s->acap - s->alen >= extra)
        return true;
    size_t n = s->acap ? s->acap : 65536;
    while (n - s->alen < extra)
        n *= 2;
    char *p = realloc(s->arena, n);
    if (p == NULL)
        return false;
    s->arena = p;
    s->acap = n;
    return true;
}

const char *tsn_stemmer_stem_uncached(tsn_stemmer *s, const char *tok, size_t len,
                                      tsn_token_kind kind, size_t *out_len, tsn_error *err)
{
    struct sb_stemmer *sb =
        kind == TSN_TOK_ARABIC ? s->arabic : kind == TSN_TOK_LATIN ? s->english : NULL;
    if (sb == NULL || len > INT32_MAX) {
        *out_len = len;
        return tok;
    }
    const sb_symbol *st = sb_stemmer_stem(sb, (const sb_symbol *)tok, (int)len);
    if (st == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "stemmer: out of memory");
        return NULL;
    }
    *out_len = (size_t)sb_stemmer_length(sb);
    return (const char *)st;
}

const char *tsn_stemmer_stem(tsn_stemmer *s, const char *tok, size_t len, tsn_token_kind kind,
                             size_t *out_len, tsn_error *err)
{
    if ((kind != TSN_TOK_ARABIC && kind != TSN_TOK_LATIN) || len > INT32_MAX) {
        *out_len = len;
        return tok; /* the caller's token is NUL-terminated (tsn_tokens) */
    }
    uint64_t h = tsn_hash(tok, len);
    size_t i = (size_t)h & (s->cap - 1);
    for (; s->tab[i].used; i = (i + 1) & (s->cap - 1)) {
        const slot *e = &s->tab[i];
        if (e->h == h && e->klen == len && memcmp(s->arena + e->key, tok, len) == 0) {
            *out_len = e->slen;
            return s->arena + e->key + e->klen + 1;
        }
    }
    size_t slen;
    const char *st = tsn_stemmer_stem_uncached(s, tok, len, kind, &slen, err);
    if (st == NULL)
        return NULL;
    if (s->n >= TSN_STEM_CACHE_MAX)
        clear_cache(s);
    if ((s->n + 1) * 2 > s->cap) {
        if (!grow_table(s))
            goto nomem;
        i = (size_t)h & (s->cap - 1);
        while (s->tab[i].used)
            i = (i + 1) & (s->cap - 1);
    }
    if (!reserve_arena(s, len + slen + 2))
        goto nomem;
    size_t off = s->alen;
    memcpy(s->arena + off, tok, len);
    s->arena[off + len] = '\0';
    memcpy(s->arena + off + len + 1, st, slen);
    s->arena[off + len + 1 + slen] = '\0';
    s->alen += len + slen + 2;
    s->tab[i] = (slot){h, off, (uint32_t)len, (uint32_t)slen, true};
    s->n++;
    *out_len = slen;
    return s->arena + off + len + 1;
nomem:
    tsn_error_set(err, TSN_ERR_NOMEM, "stemmer: out of memory");
    return NULL;
}

/* ---- Clitic splitting ---- */

/* Code points in s[0..len) (UTF-8 lead bytes). */
static size_t n_letters(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static bool starts(const char *s, size_t len, const char *p)
{
    size_t pl = strlen(p);
    return len >= pl && memcmp(s, p, pl) == 0;
}

static bool ends(const char *s, size_t len, const char *p)
{
    size_t pl = strlen(p);
    return len >= pl && memcmp(s + len - pl, p, pl) == 0;
}

size_t tsn_clitic_split(const char *w, size_t len, bool teh_folded, char *out)
{
    /* Proclitics, longest first: a conjunction or preposition fused with the article, the
     * article, lam + article (لل), or a bare conjunction before a long enough word. Bare
     * ب ل ك are left alone: too many words begin with them (بريطانيا، لبنان، كتاب). */
    static const char *const art[] = {"\u0648\u0627\u0644", "\u0641\u0627\u0644",
                                      "\u0628\u0627\u0644", "\u0643\u0627\u0644",
                                      "\u0644\u0644", "\u0627\u0644"};
    static const char *const conj[] = {"\u0648", "\u0641"};
    /* Attached pronouns of two or three letters; single-letter ones (ه ك ي) are too often
     * the word's own last letter. */
    static const char *const pron[] = {"\u0647\u0645\u0627", "\u0643\u0645\u0627",
                                       "\u0647\u0645",       "\u0647\u0646",
                                       "\u0647\u0627",       "\u0643\u0645",
                                       "\u0643\u0646",       "\u0646\u0627"};
    const char *s = w;
    size_t n = len;
    bool stripped = false;
    for (size_t i = 0; i < sizeof art / sizeof art[0]; i++)
        if (starts(s, n, art[i]) && n_letters(s, n) >= n_letters(art[i], strlen(art[i])) + 3) {
            s += strlen(art[i]), n -= strlen(art[i]);
            stripped = true;
            break;
        }
    if (!stripped)
        for (size_t i = 0; i < sizeof conj / sizeof conj[0]; i++)
            if (starts(s, n, conj[i]) && n_letters(s, n) >= 5) {
                s += strlen(conj[i]), n -= strlen(conj[i]);
                break;
            }
    bool teh = false;
    for (size_t i = 0; i < sizeof pron / sizeof pron[0]; i++)
        if (ends(s, n, pron[i]) && n_letters(s, n) >= n_letters(pron[i], strlen(pron[i])) + 3) {
            n -= strlen(pron[i]);
            /* حكومتها -> حكومت -> حكومة: a feminine noun's teh marbuta turns into teh before
             * a pronoun. */
            teh = ends(s, n, "\u062a");
            break;
        }
    memcpy(out, s, n);
    if (teh)
        memcpy(out + n - 2, teh_folded ? "\u0647" : "\u0629", 2);
    out[n] = '\0';
    return n;
}
