/* stem.c -- Snowball's Arabic and English stemmers, and clitic splitting.
 *
 * No cache here: the pipeline keeps one per word type in its lexicon (lexicon.c), which calls
 * this stemmer only for words it has not seen.
 */
#include "stem.h"

#include <libstemmer.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tsn_stemmer {
    struct sb_stemmer *arabic, *english;
};

tsn_stemmer *tsn_stemmer_new(tsn_error *err)
{
    tsn_stemmer *s = calloc(1, sizeof *s);
    if (s == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "stemmer: out of memory");
        return NULL;
    }
    s->arabic = sb_stemmer_new("arabic", "UTF_8");
    s->english = sb_stemmer_new("english", "UTF_8");
    if (s->arabic == NULL || s->english == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "stemmer: cannot create Snowball stemmers");
        tsn_stemmer_free(s);
        return NULL;
    }
    return s;
}

void tsn_stemmer_free(tsn_stemmer *s)
{
    if (s == NULL)
        return;
    sb_stemmer_delete(s->arabic);
    sb_stemmer_delete(s->english);
    free(s);
}

const char *tsn_stemmer_stem(tsn_stemmer *s, const char *tok, size_t len, tsn_token_kind kind,
                             size_t *out_len, tsn_error *err)
{
    struct sb_stemmer *sb =
        kind == TSN_TOK_ARABIC ? s->arabic : kind == TSN_TOK_LATIN ? s->english : NULL;
    if (sb == NULL || len > INT32_MAX) {
        *out_len = len;
        return tok; /* the caller's token is NUL-terminated (tsn_tokens) */
    }
    const sb_symbol *st = sb_stemmer_stem(sb, (const sb_symbol *)tok, (int)len);
    if (st == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "stemmer: out of memory");
        return NULL;
    }
    *out_len = (size_t)sb_stemmer_length(sb);
    return (const char *)st;
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
