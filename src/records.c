/* records.c -- one record of each input format into a tsn_example: TSV columns, fastText
 * labels, JSON lines and plain text, with the checks each format makes of its labels, claims,
 * ids and text. The reader's second file (reader_internal.h): reader.c opens the input, reads
 * and checks each line and detects the format; the line then comes here.
 *
 * The parsers work on the line in place -- trimming, cutting columns with NULs, joining
 * several labels with TSN_LABEL_SEP -- so an example is a view of the line, or of what the
 * reader keeps of a JSON line (its parsed object, id and labels). This is the reader's one
 * file that includes cJSON: JSON lines are parsed here, and format detection asks here too
 * (tsn_reader_is_json_object).
 */
#include "reader_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static void trim(char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

bool tsn_label_has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20)
            return true;
    return false;
}

/* Multi-label: rewrites the labels in s, separated by sep, in place as one string of labels
 * separated by TSN_LABEL_SEP, each trimmed; an empty one, or one holding the separator byte
 * or a control character, is an error. */
static tsn_status split_labels(tsn_reader *r, char *s, char sep, tsn_error *err)
{
    char *out = s;
    for (const char *p = s;;) {
        const char *q = p;
        while (*q && *q != sep)
            q++;
        const char *a = p, *b = q;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (a == b)
            return tsn_error_set(err, TSN_ERR_FORMAT,
                                 "%s:%zu: empty label (two separators together, or one at an "
                                 "end)",
                                 r->path, r->lineno);
        if (tsn_label_has_control(a, (size_t)(b - a)))
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: control character in a label",
                                 r->path, r->lineno);
        if (out != s)
            *out++ = TSN_LABEL_SEP;
        memmove(out, a, (size_t)(b - a));
        out += b - a;
        if (*q == '\0')
            break;
        p = q + 1;
    }
    *out = '\0';
    return TSN_OK;
}

tsn_status tsn_reader_parse_tsv(tsn_reader *r, tsn_example *ex, tsn_error *err)
{
    char *end = r->line + r->len;
    size_t total = 1;
    for (const char *p = r->line; (p = memchr(p, '\t', (size_t)(end - p))) != NULL; p++)
        total++;
    if (total != 2 && total != 3)
        return tsn_error_set(err, TSN_ERR_FORMAT,
                             "%s:%zu: expected 2 or 3 tab-separated columns (label, [claim,] "
                             "text), found %zu",
                             r->path, r->lineno, total);
    char *cols[3];
    size_t lens[3];
    char *s = r->line;
    for (size_t i = 0; i < total; i++) {
        char *tab = memchr(s, '\t', (size_t)(end - s));
        cols[i] = s;
        lens[i] = (size_t)((tab ? tab : end) - s);
        s = tab ? tab + 1 : end;
    }
    if (r->ncols == 0)
        r->ncols = (int)total;
    else if ((size_t)r->ncols != total)
        return tsn_error_set(err, TSN_ERR_FORMAT,
                             "%s:%zu: %zu columns where earlier lines have %d", r->path,
                             r->lineno, total, r->ncols);
    for (size_t i = 0; i < total; i++) {
        trim(&cols[i], &lens[i]);
        cols[i][lens[i]] = '\0';
    }
    ex->label = cols[0];
    ex->claim = total == 3 ? cols[1] : NULL;
    ex->claim_len = total == 3 ? lens[1] : 0;
    ex->text = cols[total - 1];
    ex->text_len = lens[total - 1];
    if (lens[0] == 0)
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: empty label", r->path, r->lineno);
    if (r->o.multi_label) {
        tsn_status st = split_labels(r, cols[0], r->o.label_sep ? r->o.label_sep : ',', err);
        if (st != TSN_OK)
            return st;
    } else if (tsn_label_has_control(cols[0], lens[0])) { /* a CR, TSN_LABEL_SEP, ... */
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: control character in a label",
                             r->path, r->lineno);
    }
    if (total == 3 && lens[1] == 0)
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: empty claim", r->path, r->lineno);
    return TSN_OK;
}

tsn_status tsn_reader_parse_fasttext(tsn_reader *r, tsn_example *ex, tsn_error *err)
{
    char *s = r->line;
    size_t len = r->len;
    trim(&s, &len);
    s[len] = '\0';
    if (strncmp(s, "__label__", 9) != 0)
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: expected __label__X text", r->path,
                             r->lineno);
    char *label = s + 9, *p = label;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    if (p == label)
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: empty label", r->path, r->lineno);
    char *text = p;
    if (*text)
        *text++ = '\0';
    while (*text == ' ' || *text == '\t')
        text++;
    if (tsn_label_has_control(label, (size_t)(p - label)))
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: control character in a label",
                             r->path, r->lineno);
    char *out = p; /* further labels are moved down behind the first, TSN_LABEL_SEP between */
    while (strncmp(text, "__label__", 9) == 0) {
        if (!r->labeled) { /* classify: every label is skipped, whatever the mode */
            text += 9;
            while (*text && *text != ' ' && *text != '\t')
                text++;
            while (*text == ' ' || *text == '\t')
                text++;
            continue;
        }
        if (!r->o.multi_label)
            return tsn_error_set(err, TSN_ERR_FORMAT,
                                 "%s:%zu: several labels on one line (multi-label data: train "
                                 "with --multi-label)",
                                 r->path, r->lineno);
        char *l = text + 9, *e = l;
        while (*e && *e != ' ' && *e != '\t')
            e++;
        if (e == l)
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: empty label", r->path,
                                 r->lineno);
        if (tsn_label_has_control(l, (size_t)(e - l)))
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: control character in a label",
                                 r->path, r->lineno);
        text = *e ? e + 1 : e;
        *out++ = TSN_LABEL_SEP;
        memmove(out, l, (size_t)(e - l));
        out += e - l;
        *out = '\0';
        while (*text == ' ' || *text == '\t')
            text++;
    }
    ex->label = label;
    ex->text = text;
    ex->text_len = strlen(text);
    return TSN_OK;
}

static tsn_status json_string(tsn_reader *r, const char *key, bool required, const char **out,
                              size_t *len, tsn_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, key);
    *out = NULL;
    if (len != NULL)
        *len = 0;
    if (v == NULL || cJSON_IsNull(v)) {
        if (required)
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: missing \"%s\"", r->path,
                                 r->lineno, key);
        return TSN_OK;
    }
    if (!cJSON_IsString(v))
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: \"%s\" must be a string", r->path,
                             r->lineno, key);
    *out = v->valuestring;
    size_t n = strlen(v->valuestring);
    if (len != NULL)
        *len = n;
    if (!tsn_utf8_valid(*out, n)) {
        if (r->o.strict)
            return tsn_error_set(err, TSN_ERR_UNICODE, "%s:%zu: invalid UTF-8 in \"%s\"",
                                 r->path, r->lineno, key);
    }
    return TSN_OK;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/* The \uXXXX escape at s[0..6) as a number, or -1. */
static long u_escape(const char *s, const char *end)
{
    if (end - s < 6 || s[0] != '\\' || s[1] != 'u')
        return -1;
    long v = 0;
    for (int i = 2; i < 6; i++) {
        int d = hexval(s[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* JSON can escape half a UTF-16 surrogate pair ("\ud800"), which is no character at all and
 * which cJSON refuses. Rewrites each such escape in place as \ufffd (same length); returns
 * how many. *nuls gets the number of \u0000 escapes, which would end a C string early, and
 * *bad_at the 1-based column of the first \u not followed by four hex digits (0: none),
 * which cJSON reads as U+0000 and so would end the string there too. */
static size_t fix_lone_surrogates(char *s, size_t len, size_t *nuls, size_t *bad_at)
{
    *nuls = 0;
    *bad_at = 0;
    size_t fixed = 0;
    const char *end = s + len;
    for (char *p = s; p < end; p++) {
        if (*p != '\\' || p + 1 >= end)
            continue;
        long v = u_escape(p, end);
        if (v < 0) {
            if (p[1] == 'u' && *bad_at == 0)
                *bad_at = (size_t)(p - s) + 1;
            p++; /* another escape: skip its letter (which may be a backslash) */
            continue;
        }
        if (v == 0)
            (*nuls)++;
        long lo = v >= 0xD800 && v <= 0xDBFF ? u_escape(p + 6, end) : -1;
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            p += 11; /* a proper pair */
        } else if (v >= 0xD800 && v <= 0xDFFF) {
            memcpy(p + 2, "fffd", 4);
            fixed++;
            p += 5;
        } else {
            p += 5;
        }
    }
    return fixed;
}

/* True when [a, b) is a number as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * (cJSON also takes 007 and 1., which may not be written back as numbers). */
static bool json_number(const char *a, const char *b)
{
    const char *p = a;
#define DIGIT(q) ((q) < b && *(q) >= '0' && *(q) <= '9')
    if (p < b && *p == '-')
        p++;
    if (p < b && *p == '0')
        p++;
    else if (DIGIT(p))
        while (DIGIT(p))
            p++;
    else
        return false;
    if (p < b && *p == '.') {
        p++;
        if (!DIGIT(p))
            return false;
        while (DIGIT(p))
            p++;
    }
    if (p < b && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < b && (*p == '+' || *p == '-'))
            p++;
        if (!DIGIT(p))
            return false;
        while (DIGIT(p))
            p++;
    }
#undef DIGIT
    return p == b;
}

/* The source text of the number that is the value of the top-level member `key` of the JSON
 * object in s[0..n), as [*a, *b): cJSON keeps numbers only as doubles. The first such member,
 * as cJSON_GetObjectItem finds it; false when the key is written with escapes. */
static bool member_text(const char *s, size_t n, const char *key, const char **a,
                        const char **b)
{
    size_t klen = strlen(key);
    int depth = 0;
    bool want_key = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            if (j >= n)
                return false;
            if (depth == 1 && want_key) {
                bool match = j - i - 1 == klen && memcmp(s + i + 1, key, klen) == 0;
                size_t k = j + 1;
                while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n'))
                    k++;
                if (k < n && s[k] == ':' && match) {
                    k++;
                    while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n'))
                        k++;
                    size_t e = k;
                    while (e < n && strchr("+-0123456789.eE", s[e]) != NULL && s[e] != '\0')
                        e++;
                    *a = s + k;
                    *b = s + e;
                    return e > k;
                }
                want_key = false;
            }
            i = j;
        } else if (c == '{' || c == '[') {
            depth++;
            want_key = c == '{' && depth == 1;
        } else if (c == '}' || c == ']') {
            depth--;
        } else if (c == ',' && depth == 1) {
            want_key = true;
        }
    }
    return false;
}

/* JSONL "labels": an array of one or more non-empty strings, joined by TSN_LABEL_SEP into
 * r->labbuf. More than one needs multi-label mode. */
static tsn_status json_labels(tsn_reader *r, const cJSON *labs, const char **out,
                              tsn_error *err)
{
    int n = cJSON_IsArray(labs) ? cJSON_GetArraySize(labs) : -1;
    if (n < 1)
        return tsn_error_set(err, TSN_ERR_FORMAT,
                             "%s:%zu: \"labels\" must be an array of one or more strings",
                             r->path, r->lineno);
    if (n > 1 && !r->o.multi_label)
        return tsn_error_set(err, TSN_ERR_FORMAT,
                             "%s:%zu: several labels (multi-label data: train with "
                             "--multi-label)",
                             r->path, r->lineno);
    size_t need = 1;
    const cJSON *l;
    cJSON_ArrayForEach(l, labs) {
        if (!cJSON_IsString(l) || l->valuestring[0] == '\0')
            return tsn_error_set(err, TSN_ERR_FORMAT,
                                 "%s:%zu: \"labels\" must hold non-empty strings", r->path,
                                 r->lineno);
        if (tsn_label_has_control(l->valuestring, strlen(l->valuestring)))
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: control character in a label",
                                 r->path, r->lineno);
        if (r->o.strict && !tsn_utf8_valid(l->valuestring, strlen(l->valuestring)))
            return tsn_error_set(err, TSN_ERR_UNICODE, "%s:%zu: invalid UTF-8 in \"labels\"",
                                 r->path, r->lineno);
        need += strlen(l->valuestring) + 1;
    }
    if (need > r->labcap) {
        char *b = realloc(r->labbuf, need);
        if (b == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "%s:%zu: out of memory", r->path,
                                 r->lineno);
        r->labbuf = b;
        r->labcap = need;
    }
    char *p = r->labbuf;
    cJSON_ArrayForEach(l, labs) {
        if (p != r->labbuf)
            *p++ = TSN_LABEL_SEP;
        size_t k = strlen(l->valuestring);
        memcpy(p, l->valuestring, k);
        p += k;
    }
    *p = '\0';
    *out = r->labbuf;
    return TSN_OK;
}

tsn_status tsn_reader_parse_jsonl(tsn_reader *r, tsn_example *ex, tsn_error *err)
{
    cJSON_Delete(r->json);
    r->json = NULL;
    size_t nuls, bad_at;
    size_t lone = fix_lone_surrogates(r->line, r->len, &nuls, &bad_at);
    if (bad_at > 0)
        return tsn_error_set(err, TSN_ERR_FORMAT,
                             "%s:%zu: invalid JSON at column %zu: \\u without four hex digits",
                             r->path, r->lineno, bad_at);
    if (nuls > 0) /* as a NUL byte is: cJSON would cut the string there, silently */
        return tsn_error_set(err, TSN_ERR_FORMAT,
                             "%s:%zu: NUL character (\\u0000) in a JSON string", r->path,
                             r->lineno);
    if (lone > 0) {
        if (r->o.strict)
            return tsn_error_set(err, TSN_ERR_UNICODE,
                                 "%s:%zu: invalid UTF-16 escape (a lone surrogate \\uD800-"
                                 "\\uDFFF)",
                                 r->path, r->lineno);
        r->invalid++; /* once per line, like invalid UTF-8 */
    }
    const char *end = NULL;
    r->json = cJSON_ParseWithLengthOpts(r->line, r->len, &end, false);
    if (r->json == NULL) {
        size_t col = end != NULL && end >= r->line ? (size_t)(end - r->line) + 1 : 1;
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: invalid JSON at column %zu%s",
                             r->path, r->lineno, col,
                             col > r->len ? " (the object is cut short)" : "");
    }
    size_t rest = (size_t)(end - r->line);
    while (rest < r->len && (r->line[rest] == ' ' || r->line[rest] == '\t'))
        rest++;
    if (rest < r->len)
        return tsn_error_set(err, TSN_ERR_FORMAT,
                             "%s:%zu: trailing data after the JSON value at column %zu",
                             r->path, r->lineno, rest + 1);
    if (!cJSON_IsObject(r->json))
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: not a JSON object", r->path,
                             r->lineno);
    tsn_status st;
    const cJSON *labs = cJSON_GetObjectItemCaseSensitive(r->json, "labels");
    if (labs != NULL && !cJSON_IsNull(labs) && r->labeled) { /* unlabeled: ignored */
        if ((st = json_labels(r, labs, &ex->label, err)) != TSN_OK)
            return st;
    } else if ((st = json_string(r, "label", r->labeled, &ex->label, NULL, err)) != TSN_OK)
        return st;
    if ((st = json_string(r, "text", true, &ex->text, &ex->text_len, err)) != TSN_OK ||
        (st = json_string(r, "claim", false, &ex->claim, &ex->claim_len, err)) != TSN_OK)
        return st;
    /* a blank claim, as an empty third column in TSV, is a pair example with nothing to
     * compare its text to */
    if (r->labeled && ex->claim != NULL && strspn(ex->claim, " \t\r\n\f\v") == ex->claim_len)
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: empty claim", r->path, r->lineno);
    if (ex->label != NULL) {
        if (ex->label[0] == '\0')
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: empty label", r->path,
                                 r->lineno);
        if (ex->label != r->labbuf && tsn_label_has_control(ex->label, strlen(ex->label)))
            return tsn_error_set(err, TSN_ERR_FORMAT,
                                 "%s:%zu: label contains a tab, a line break or a control "
                                 "character",
                                 r->path, r->lineno);
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(r->json, "id");
    ex->id_number = false;
    if (cJSON_IsString(id))
        ex->id = id->valuestring;
    else if (cJSON_IsNumber(id)) {
        /* as written, not through a double: 1456789012345678901 stays itself */
        const char *a, *b;
        ex->id_number = true;
        if (member_text(r->line, r->len, "id", &a, &b) && (size_t)(b - a) < sizeof r->idbuf &&
            json_number(a, b)) {
            memcpy(r->idbuf, a, (size_t)(b - a));
            r->idbuf[b - a] = '\0';
        } else { /* what JSON does not allow (007, 1.) as a number, inf as a string */
            snprintf(r->idbuf, sizeof r->idbuf, "%.17g", id->valuedouble);
            ex->id_number = isfinite(id->valuedouble);
        }
        ex->id = r->idbuf;
    } else if (id != NULL && !cJSON_IsNull(id))
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: \"id\" must be a string or number",
                             r->path, r->lineno);
    return TSN_OK;
}

bool tsn_reader_is_json_object(const char *s, size_t len)
{
    cJSON *j = cJSON_ParseWithLength(s, len);
    bool object = cJSON_IsObject(j);
    cJSON_Delete(j);
    return object;
}

void tsn_reader_parse_release(tsn_reader *r)
{
    free(r->labbuf);
    cJSON_Delete(r->json);
}

tsn_status tsn_reader_parse_text(tsn_reader *r, tsn_example *ex, tsn_error *err)
{
    char *s = r->line;
    size_t len = r->len;
    if (r->o.pair) {
        char *tab = memchr(s, '\t', len);
        if (tab == NULL)
            return tsn_error_set(err, TSN_ERR_FORMAT,
                                 "%s:%zu: this model reads claim<TAB>text pairs; no tab found",
                                 r->path, r->lineno);
        *tab = '\0';
        ex->claim = s;
        ex->claim_len = (size_t)(tab - s);
        s = tab + 1;
        len -= ex->claim_len + 1;
    }
    ex->text = s;
    ex->text_len = len;
    return TSN_OK;
}
