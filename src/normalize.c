/* normalize.c -- NFKC (UAX #15) and Arabic folding with ICU.
 *
 * Order: UTF-8 -> UTF-16 (invalid sequences -> U+FFFD), NFKC (which also maps Arabic
 * presentation forms U+FB50..U+FEFF to base letters), one pass of code-unit folds, then
 * Unicode case folding. All folds act on BMP code units, so the single pass works on UTF-16
 * directly and never has to decode surrogate pairs. Buffers grow by doubling and are reused
 * across documents.
 */
#include "normalize.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>

#include "growth.h"

_Static_assert(sizeof(UChar) == sizeof(uint16_t), "UChar must be 16 bits");

#define AR_HAMZA_ALEF_MADDA 0x0622
#define AR_ALEF_HAMZA_ABOVE 0x0623
#define AR_ALEF_HAMZA_BELOW 0x0625
#define AR_ALEF 0x0627
#define AR_TEH_MARBUTA 0x0629
#define AR_HEH 0x0647
#define AR_TATWEEL 0x0640
#define AR_ALEF_MAQSURA 0x0649
#define AR_YEH 0x064A
#define AR_ALEF_WASLA 0x0671
#define FA_YEH 0x06CC
#define AR_DIGIT_ZERO 0x0660
#define FA_DIGIT_ZERO 0x06F0
#define MAX_TEXT_BYTES ((size_t)1 << 28)

struct tsn_normalizer {
    tsn_config cfg;
    const UNormalizer2 *nfkc; /* owned by ICU, never closed */
    UChar *a, *b;             /* two work buffers, swapped between steps */
    size_t a_cap, b_cap;      /* in UChars */
    char *utf8;
    size_t utf8_cap;
};

/* ICU takes int32_t capacities: never pass more than this. */
static int32_t icap(size_t cap)
{
    return cap > INT32_MAX ? INT32_MAX : (int32_t)cap;
}

static bool grow(UChar **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    if (need > (size_t)INT32_MAX)
        return false;
    size_t n = tsn_grown_cap(*cap, need, 256);
    UChar *p = realloc(*buf, n * sizeof *p);
    if (p == NULL)
        return false;
    *buf = p;
    *cap = n;
    return true;
}

tsn_normalizer *tsn_normalizer_new(const tsn_config *cfg, tsn_error *err)
{
    tsn_normalizer *n = calloc(1, sizeof *n);
    if (n == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "normalizer: out of memory");
        return NULL;
    }
    n->cfg = *cfg;
    UErrorCode st = U_ZERO_ERROR;
    n->nfkc = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st)) {
        tsn_error_set(err, TSN_ERR_UNICODE, "normalizer: ICU NFKC: %s", u_errorName(st));
        tsn_normalizer_free(n);
        return NULL;
    }
    return n;
}

void tsn_normalizer_free(tsn_normalizer *n)
{
    if (n == NULL)
        return;
    free(n->a);
    free(n->b);
    free(n->utf8);
    free(n);
}

const char *tsn_unicode_version(void)
{
    static char buf[U_MAX_VERSION_STRING_LENGTH];
    UVersionInfo v;
    u_getUnicodeVersion(v);
    u_versionToString(v, buf);
    return buf;
}

/* Marks dropped as diacritics: Quranic annotation signs, harakat/tanween/shadda/sukun and the
 * rest of U+064B..U+065F, the superscript (dagger) alef, and the small high/low signs. */
static bool is_tashkeel(UChar c)
{
    return (c >= 0x0610 && c <= 0x061A) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
           (c >= 0x06D6 && c <= 0x06DC) || (c >= 0x06DF && c <= 0x06E8) ||
           (c >= 0x06EA && c <= 0x06ED);
}

/* Invisible format characters that split or glue words in scraped text: soft hyphen, zero
 * width (non-)joiners, bidi marks and embeddings, word joiner, BOM. Always removed. */
static bool is_invisible(UChar c)
{
    return c == 0x00AD || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

/* The single folding pass, src -> dst (dst has room for slen units); returns the new length. */
static size_t fold(const tsn_config *cfg, const UChar *src, size_t slen, UChar *dst)
{
    size_t j = 0;
    for (size_t i = 0; i < slen; i++) {
        UChar c = src[i];
        if (is_invisible(c))
            continue;
        if (cfg->drop_tashkeel && is_tashkeel(c))
            continue;
        if (cfg->drop_tatweel && c == AR_TATWEEL)
            continue;
        if (cfg->fold_alef && (c == AR_HAMZA_ALEF_MADDA || c == AR_ALEF_HAMZA_ABOVE ||
                               c == AR_ALEF_HAMZA_BELOW || c == AR_ALEF_WASLA))
            c = AR_ALEF;
        else if (cfg->fold_alef_maqsura && (c == AR_ALEF_MAQSURA || c == FA_YEH))
            c = AR_YEH;
        else if (cfg->fold_teh_marbuta && c == AR_TEH_MARBUTA)
            c = AR_HEH;
        else if (cfg->fold_digits && c >= AR_DIGIT_ZERO && c <= AR_DIGIT_ZERO + 9)
            c = (UChar)('0' + (c - AR_DIGIT_ZERO));
        else if (cfg->fold_digits && c >= FA_DIGIT_ZERO && c <= FA_DIGIT_ZERO + 9)
            c = (UChar)('0' + (c - FA_DIGIT_ZERO));
        dst[j++] = c;
    }
    return j;
}

static void swap(tsn_normalizer *n)
{
    UChar *t = n->a;
    size_t tc = n->a_cap;
    n->a = n->b;
    n->a_cap = n->b_cap;
    n->b = t;
    n->b_cap = tc;
}

const uint16_t *tsn_normalizer_run(tsn_normalizer *n, const char *text, size_t len,
                                   size_t *ulen, size_t *n_invalid, tsn_error *err)
{
    if (len > MAX_TEXT_BYTES) {
        tsn_error_set(err, TSN_ERR_ARG, "text of %zu bytes is over the 256 MiB limit", len);
        return NULL;
    }
    /* UTF-8 -> UTF-16 never needs more units than bytes. */
    if (!grow(&n->a, &n->a_cap, len + 1))
        goto nomem;
    UErrorCode st = U_ZERO_ERROR;
    int32_t out = 0, subs = 0;
    u_strFromUTF8WithSub(n->a, icap(n->a_cap), &out, text, (int32_t)len, 0xFFFD, &subs, &st);
    if (U_FAILURE(st))
        goto icu;
    if (n_invalid != NULL)
        *n_invalid = (size_t)subs;
    size_t cur = (size_t)out;
    if (n->cfg.nfkc && cur > 0) {
        /* Most text is already NFKC: skip the copy for the normalized prefix. */
        int32_t done = unorm2_spanQuickCheckYes(n->nfkc, n->a, (int32_t)cur, &st);
        if (U_FAILURE(st))
            goto icu;
        if ((size_t)done < cur) {
            if (!grow(&n->b, &n->b_cap, cur + 16))
                goto nomem;
            memcpy(n->b, n->a, (size_t)done * sizeof(UChar));
            int32_t m = unorm2_normalize(n->nfkc, n->a + done, (int32_t)cur - done, n->b + done,
                                         icap(n->b_cap - (size_t)done), &st);
            if (st == U_BUFFER_OVERFLOW_ERROR) {
                st = U_ZERO_ERROR;
                if (!grow(&n->b, &n->b_cap, (size_t)done + (size_t)m + 1))
                    goto nomem;
                m = unorm2_normalize(n->nfkc, n->a + done, (int32_t)cur - done, n->b + done,
                                     icap(n->b_cap - (size_t)done), &st);
            }
            if (U_FAILURE(st))
                goto icu;
            cur = (size_t)done + (size_t)m;
            swap(n);
        }
    }
    if (!grow(&n->b, &n->b_cap, cur + 1))
        goto nomem;
    cur = fold(&n->cfg, n->a, cur, n->b);
    swap(n);
    if (n->cfg.fold_case && cur > 0) {
        if (!grow(&n->b, &n->b_cap, cur + 16))
            goto nomem;
        int32_t m = u_strFoldCase(n->b, icap(n->b_cap), n->a, (int32_t)cur,
                                  U_FOLD_CASE_DEFAULT, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            st = U_ZERO_ERROR;
            if (!grow(&n->b, &n->b_cap, (size_t)m + 1))
                goto nomem;
            m = u_strFoldCase(n->b, icap(n->b_cap), n->a, (int32_t)cur, U_FOLD_CASE_DEFAULT,
                              &st);
        }
        if (U_FAILURE(st))
            goto icu;
        cur = (size_t)m;
        swap(n);
    }
    *ulen = cur;
    return n->a;
nomem:
    tsn_error_set(err, TSN_ERR_NOMEM, "normalize: out of memory");
    return NULL;
icu:
    tsn_error_set(err, TSN_ERR_UNICODE, "normalize: ICU: %s", u_errorName(st));
    return NULL;
}

const char *tsn_normalizer_run_utf8(tsn_normalizer *n, const char *text, size_t len,
                                    size_t *out_len, tsn_error *err)
{
    size_t ulen;
    const uint16_t *u = tsn_normalizer_run(n, text, len, &ulen, NULL, err);
    if (u == NULL)
        return NULL;
    size_t need = ulen * 3 + 1; /* a UTF-16 unit is at most 3 UTF-8 bytes */
    if (need > n->utf8_cap) {
        char *p = realloc(n->utf8, need);
        if (p == NULL) {
            tsn_error_set(err, TSN_ERR_NOMEM, "normalize: out of memory");
            return NULL;
        }
        n->utf8 = p;
        n->utf8_cap = need;
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t m = 0;
    u_strToUTF8(n->utf8, icap(n->utf8_cap), &m, (const UChar *)u, (int32_t)ulen, &st);
    if (U_FAILURE(st)) {
        tsn_error_set(err, TSN_ERR_UNICODE, "normalize: ICU: %s", u_errorName(st));
        return NULL;
    }
    n->utf8[m] = '\0';
    *out_len = (size_t)m;
    return n->utf8;
}
