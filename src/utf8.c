/* utf8.c -- UTF-8 validation, and the checks a whole-file document passes before it is read.
 *
 * These say whether text is valid UTF-8 and where the first bad byte is. Replacing invalid
 * sequences with U+FFFD in documents is the normalizer's job (through ICU); labels and ids,
 * which are never normalized, are repaired here the same way.
 */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

size_t tsn_utf8_valid_prefix(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (i + n >= len)
            return i;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n + 1;
    }
    return len;
}

bool tsn_utf8_valid(const char *s, size_t len)
{
    return tsn_utf8_valid_prefix(s, len) == len;
}

/* The length of the maximal subpart at s[0..len), which is not valid UTF-8: the lead byte and
 * the continuation bytes that could still begin a well-formed sequence (Unicode 15.0,
 * table 3-7), at least one byte. */
static size_t bad_length(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    size_t n = c >= 0xC2 && c <= 0xDF   ? 1 /* continuation bytes the lead byte asks for */
             : c >= 0xE0 && c <= 0xEF ? 2
             : c >= 0xF0 && c <= 0xF4 ? 3
                                      : 0;
    if (n == 0) /* C0, C1, F5-FF or a continuation byte: never part of a sequence */
        return 1;
    /* the second byte's range excludes overlongs (E0, F0), surrogates (ED) and code points
     * above U+10FFFF (F4) */
    unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    size_t k = 1;
    if (k < len && s[k] >= lo && s[k] <= hi) {
        k++;
        while (k <= n && k < len && (s[k] & 0xC0) == 0x80)
            k++;
    }
    return k;
}

size_t tsn_utf8_repair(const char *s, size_t len, char *out)
{
    size_t i = 0, o = 0;
    while (i < len) {
        size_t ok = tsn_utf8_valid_prefix(s + i, len - i);
        memcpy(out + o, s + i, ok);
        o += ok;
        i += ok;
        if (i < len) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += bad_length((const unsigned char *)s + i, len - i);
        }
    }
    out[o] = '\0';
    return o;
}

/* The 1-based line of byte offset off in s. */
static size_t line_at(const char *s, size_t off)
{
    size_t line = 1;
    for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + off - p))) != NULL; p++)
        line++;
    return line;
}

tsn_status tsn_doc_check(const char *name, const char *what, const char *s, size_t len,
                         bool strict, bool *invalid, tsn_error *err)
{
    *invalid = false;
    const char *nul = memchr(s, '\0', len);
    if (nul != NULL)
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: NUL byte in text", name,
                             line_at(s, (size_t)(nul - s)));
    if (strspn(s, " \t\r\n\f\v") >= len)
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s: empty %s", name, what);
    size_t bad = tsn_utf8_valid_prefix(s, len);
    if (bad < len) {
        if (strict)
            return tsn_error_set(err, TSN_ERR_UNICODE, "%s:%zu: invalid UTF-8", name,
                                 line_at(s, bad));
        *invalid = true;
    }
    return TSN_OK;
}
