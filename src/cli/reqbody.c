/* reqbody.c -- the JSON body of a request to `tasnif serve`: checked for what cJSON would
 * let through (invalid UTF-8, NUL bytes, \u escapes that read as U+0000, data after the
 * object) and counted before it is parsed, then its members read. */
#include "reqbody.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* True when s[0..n) holds a \u escape without four hex digits, or \u0000: cJSON reads
 * either as U+0000, which would cut the string short without a word (as the readers of
 * JSON lines refuse both). */
static bool cuts_a_string(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != '\\')
            continue;
        if (s[i + 1] == 'u') {
            if (n - i < 6 || memcmp(s + i + 2, "0000", 4) == 0)
                return true;
            for (size_t k = i + 2; k < i + 6; k++)
                if (strchr("0123456789abcdefABCDEF", s[k]) == NULL || s[k] == '\0')
                    return true;
        }
        i++; /* the escaped character, which may be a backslash */
    }
    return false;
}

/* Counts, without parsing, what cJSON would build from s[0..n): *values gets the values
 * opened or separated (',' '[' '{' outside strings), *docs the most elements of a top-level
 * "texts" or "docs" array (its commas plus one). cJSON spends a 64-byte node on every value,
 * so an 8 MB body of [0,0,...] would cost hundreds of MB before --max-docs could refuse it.
 * A key written with escapes is not recognized; the count of values still bounds it. */
static void count_values(const char *s, size_t n, size_t *docs, size_t *values)
{
    size_t depth = 0, commas = 0, klen = 0;
    const char *key = NULL; /* the last key of the top-level object */
    bool want_key = false, in_list = false;
    *docs = *values = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1; /* an escaped quote or backslash is skipped */
            if (depth == 1 && want_key) {
                key = s + i + 1;
                klen = (j < n ? j : n) - (i + 1);
                want_key = false;
            }
            i = j;
        } else if (c == '{' || c == '[') {
            ++*values;
            want_key = ++depth == 1 && c == '{';
            if (depth == 2 && c == '[' && key != NULL &&
                ((klen == 5 && memcmp(key, "texts", 5) == 0) ||
                 (klen == 4 && memcmp(key, "docs", 4) == 0))) {
                in_list = true;
                commas = 0;
                *docs = *docs > 1 ? *docs : 1;
            }
        } else if (c == '}' || c == ']') {
            depth -= depth > 0;
            in_list = in_list && depth >= 2;
        } else if (c == ',') {
            ++*values;
            want_key = depth == 1;
            if (in_list && depth == 2 && ++commas + 1 > *docs)
                *docs = commas + 1;
        }
    }
}

/* Refuses with 400 or 413: *e's fields, the detail formatted. */
static void refuse(tsn_body_error *e, int status, const char *error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void refuse(tsn_body_error *e, int status, const char *error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    e->status = status;
    e->error = error;
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
}

cJSON *tsn_body_parse(const char *body, size_t len, size_t max_docs, tsn_body_error *e)
{
    if (!tsn_utf8_valid(body, len)) {
        refuse(e, 400, "invalid_utf8", "the request body is not valid UTF-8");
        return NULL;
    }
    /* UTF-8 allows U+0000, but cJSON ends a string at a raw NUL: the text would be cut
     * short without a word, as with \u0000 below (the command line refuses both). */
    if (memchr(body, '\0', len) != NULL) {
        refuse(e, 400, "bad_json", "NUL byte in the request body");
        return NULL;
    }
    if (cuts_a_string(body, len)) {
        refuse(e, 400, "bad_json", "a \\u escape without four hex digits, or \\u0000, in a string");
        return NULL;
    }
    size_t docs, values;
    count_values(body, len, &docs, &values);
    if (docs > max_docs) {
        refuse(e, 413, "too_many_documents",
               "%zu documents in one request; at most %zu (--max-docs)", docs, max_docs);
        return NULL;
    }
    if (values > 16 * max_docs + 64) {
        refuse(e, 413, "too_many_documents",
               "%zu JSON values in one request; at most %zu (16 for each of --max-docs)",
               values, 16 * max_docs + 64);
        return NULL;
    }
    /* cJSON stops after the first value: what follows it would be dropped without a word
     * (the readers of JSON lines refuse it too). Not require_null_terminated: with an exact
     * length cJSON then always fails. */
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, false);
    size_t rest = j != NULL ? (size_t)(end - body) : 0;
    while (j != NULL && rest < len && strchr(" \t\r\n", body[rest]) != NULL)
        rest++; /* JSON's whitespace (RFC 8259 section 2); the body holds no NUL */
    if (j == NULL || !cJSON_IsObject(j) || rest < len) {
        refuse(e, 400, "bad_json", "%s",
               j != NULL && rest < len ? "trailing data after the JSON object of the request body"
                                       : "the request body must be one JSON object");
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

bool tsn_body_int(const cJSON *j, const char *key, int def, int max, int *out,
                  tsn_body_error *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    *out = def;
    if (v == NULL)
        return true;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max ||
        v->valuedouble != floor(v->valuedouble)) {
        refuse(e, 400, "bad_request", "\"%.64s\" must be an integer from 0 to %d", key, max);
        return false;
    }
    *out = (int)v->valuedouble;
    return true;
}

const char *tsn_body_str(const cJSON *j, const char *key, bool *bad, tsn_body_error *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    if (v == NULL || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsString(v)) {
        refuse(e, 400, "bad_request", "\"%.64s\" must be a string", key);
        *bad = true;
        return NULL;
    }
    return v->valuestring;
}

bool tsn_body_id_number(double v, char *out, size_t cap)
{
    if (!isfinite(v))
        return false;
    if (v == floor(v) && fabs(v) <= 9007199254740992.0) {
        snprintf(out, cap, "%.0f", v);
        return true;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(out, cap, "%.*g", digits, v);
        if (strtod(out, NULL) == v)
            break;
    }
    return true;
}
