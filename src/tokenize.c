/* tokenize.c -- UAX #29 word segmentation with ICU's ubrk, plus the few things UAX #29 does
 * not know about news and social text: URLs, e-mail addresses, @mentions, '_'-joined hashtags.
 *
 * Special chunks (URL, e-mail, mention) are recognised on whitespace-delimited chunks before
 * the break iterator sees them, because UAX #29 splits "https://x.y/z" into many words; when
 * one is found the iterator is moved past the chunk with ubrk_following().
 */
#include "tokenize.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "growth.h"

struct tsn_tokenizer {
    bool number_class;
    bool url_class;
    bool punctuation;
    bool emoji;
    UBreakIterator *bi;
};

void tsn_tokens_init(tsn_tokens *t)
{
    memset(t, 0, sizeof *t);
}

void tsn_tokens_reset(tsn_tokens *t)
{
    t->n = 0;
    t->len = 0;
}

void tsn_tokens_release(tsn_tokens *t)
{
    free(t->v);
    free(t->text);
    tsn_tokens_init(t);
}

static bool reserve_text(tsn_tokens *t, size_t extra)
{
    return tsn_grow_bytes(&t->text, &t->text_cap, t->len + extra);
}

static bool reserve_token(tsn_tokens *t)
{
    if (t->n < t->cap)
        return true;
    size_t n = t->cap ? t->cap * 2 : 64;
    tsn_token *p = realloc(t->v, n * sizeof *p);
    if (p == NULL)
        return false;
    t->v = p;
    t->cap = n;
    return true;
}

tsn_status tsn_tokens_push(tsn_tokens *t, const char *s, size_t len, tsn_token_kind kind,
                           tsn_error *err)
{
    if (!reserve_token(t) || !reserve_text(t, len + 1))
        return tsn_error_set(err, TSN_ERR_NOMEM, "tokenize: out of memory");
    memcpy(t->text + t->len, s, len);
    t->text[t->len + len] = '\0';
    t->v[t->n++] = (tsn_token){t->len, (uint32_t)len, kind};
    t->len += len + 1;
    return TSN_OK;
}

/* Appends u[0..n) converted to UTF-8 (ICU's U16_NEXT and U8_APPEND_UNSAFE: one token is too
 * short to pay for a u_strToUTF8 call; the normalizer's output has no lone surrogates, and
 * any left would become U+FFFD). */
static tsn_status push_u16(tsn_tokens *t, const UChar *u, int32_t n, tsn_token_kind kind,
                           tsn_error *err)
{
    size_t need = (size_t)n * 3 + 1;
    if (!reserve_token(t) || !reserve_text(t, need))
        return tsn_error_set(err, TSN_ERR_NOMEM, "tokenize: out of memory");
    uint8_t *out = (uint8_t *)t->text + t->len;
    int32_t i = 0, m = 0;
    while (i < n) {
        UChar32 c;
        U16_NEXT(u, i, n, c);
        if (U_IS_SURROGATE(c))
            c = 0xFFFD;
        U8_APPEND_UNSAFE(out, m, c);
    }
    out[m] = '\0';
    t->v[t->n++] = (tsn_token){t->len, (uint32_t)m, kind};
    t->len += (size_t)m + 1;
    return TSN_OK;
}

tsn_tokenizer *tsn_tokenizer_new(const tsn_config *cfg, tsn_error *err)
{
    tsn_tokenizer *t = calloc(1, sizeof *t);
    if (t == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "tokenizer: out of memory");
        return NULL;
    }
    t->number_class = cfg->number_class;
    t->url_class = cfg->url_class;
    t->punctuation = cfg->punctuation;
    t->emoji = cfg->emoji;
    UErrorCode st = U_ZERO_ERROR;
    t->bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
    if (U_FAILURE(st)) {
        tsn_error_set(err, TSN_ERR_UNICODE, "tokenizer: ICU ubrk_open: %s", u_errorName(st));
        tsn_tokenizer_free(t);
        return NULL;
    }
    return t;
}

void tsn_tokenizer_free(tsn_tokenizer *t)
{
    if (t == NULL)
        return;
    if (t->bi != NULL)
        ubrk_close(t->bi);
    free(t);
}

static bool is_space(UChar c)
{
    return c == ' ' || (c >= 0x80 && u_isUWhiteSpace(c)) || (c >= 0x09 && c <= 0x0D);
}

static bool has_prefix_ci(const UChar *u, size_t n, const char *p)
{
    size_t i = 0;
    for (; p[i] != '\0'; i++) {
        if (i >= n)
            return false;
        UChar c = u[i];
        if (c >= 'A' && c <= 'Z')
            c = (UChar)(c + ('a' - 'A'));
        if (c != (UChar)p[i])
            return false;
    }
    return true;
}

/* The class token for a whitespace-delimited chunk, or NULL for ordinary text. */
static const char *special_chunk(const UChar *u, size_t n)
{
    if (has_prefix_ci(u, n, "http://") || has_prefix_ci(u, n, "https://") ||
        has_prefix_ci(u, n, "www."))
        return "<url>";
    if (n > 1 && u[0] == '@')
        return "<user>";
    for (size_t i = 1; i + 1 < n; i++) {
        if (u[i] != '@')
            continue;
        for (size_t j = i + 2; j + 1 < n; j++)
            if (u[j] == '.')
                return "<email>";
        break;
    }
    return NULL;
}

/* True when the segment starts with a pictographic emoji (UTS #51 Extended_Pictographic),
 * such as a face or a heart; ICU gives emoji segments no word status. */
static bool is_emoji(const UChar *u, int32_t n)
{
    UChar32 c;
    int32_t i = 0;
    U16_NEXT(u, i, n, c);
    return u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC);
}

static bool is_arabic(UChar c)
{
    return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
           (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
           (c >= 0xFE70 && c <= 0xFEFF);
}

static tsn_token_kind word_kind(const UChar *u, int32_t n)
{
    bool latin = false;
    for (int32_t i = 0; i < n; i++) {
        if (is_arabic(u[i]))
            return TSN_TOK_ARABIC;
        if (u[i] < 0x0250 && u_isalpha(u[i]))
            latin = true;
    }
    return latin ? TSN_TOK_LATIN : TSN_TOK_OTHER;
}

/* Emits a word segment, split at '_' (hashtags, identifiers). */
static tsn_status push_word(tsn_tokens *out, const UChar *u, int32_t n, tsn_error *err)
{
    int32_t i = 0;
    while (i < n) {
        while (i < n && u[i] == '_')
            i++;
        int32_t j = i;
        while (j < n && u[j] != '_')
            j++;
        if (j > i && j - i <= TSN_TOKEN_MAX_UNITS) {
            tsn_status st = push_u16(out, u + i, j - i, word_kind(u + i, j - i), err);
            if (st != TSN_OK)
                return st;
        }
        i = j;
    }
    return TSN_OK;
}

tsn_status tsn_tokenizer_run(tsn_tokenizer *t, const uint16_t *text, size_t ulen,
                             tsn_tokens *out, tsn_error *err)
{
    tsn_tokens_reset(out);
    if (ulen == 0)
        return TSN_OK;
    if (ulen > INT32_MAX)
        return tsn_error_set(err, TSN_ERR_ARG, "tokenize: text too long");
    const UChar *u = (const UChar *)text;
    int32_t len = (int32_t)ulen;
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(t->bi, u, len, &st);
    if (U_FAILURE(st))
        return tsn_error_set(err, TSN_ERR_UNICODE, "tokenize: ICU: %s", u_errorName(st));
    tsn_status rc = TSN_OK;
    int32_t start = ubrk_first(t->bi), end;
    while (rc == TSN_OK && (end = ubrk_next(t->bi)) != UBRK_DONE) {
        if (t->url_class && !is_space(u[start]) && (start == 0 || is_space(u[start - 1]))) {
            int32_t cend = start;
            while (cend < len && !is_space(u[cend]))
                cend++;
            const char *cls = special_chunk(u + start, (size_t)(cend - start));
            if (cls != NULL) {
                rc = tsn_tokens_push(out, cls, strlen(cls), TSN_TOK_CLASS, err);
                if (cend > end)
                    end = ubrk_following(t->bi, cend - 1);
                if (end == UBRK_DONE)
                    break;
                start = end;
                continue;
            }
        }
        int32_t status = ubrk_getRuleStatus(t->bi);
        if (status >= UBRK_WORD_NUMBER && status < UBRK_WORD_NUMBER_LIMIT) {
            if (t->number_class)
                rc = tsn_tokens_push(out, "<num>", 5, TSN_TOK_CLASS, err);
            else if (end - start <= TSN_TOKEN_MAX_UNITS)
                rc = push_u16(out, u + start, end - start, TSN_TOK_NUMBER, err);
        } else if (status >= UBRK_WORD_LETTER) {
            rc = push_word(out, u + start, end - start, err);
        } else if (t->punctuation && end - start <= 4 && !is_space(u[start]) &&
                   u_ispunct(u[start])) {
            rc = push_u16(out, u + start, end - start, TSN_TOK_PUNCT, err);
        } else if (t->emoji && end - start <= 16 && is_emoji(u + start, end - start)) {
            rc = push_u16(out, u + start, end - start, TSN_TOK_PUNCT, err);
        }
        start = end;
    }
    return rc;
}
