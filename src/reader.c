/* reader.c -- streaming readers of examples in every input format (TSV, JSON lines, fastText,
 * text, label directories): format names and detection, line reading and its limits.
 *
 * One streaming reader serves training (tsn_dataset_load copies what it yields) and
 * classification (which streams), so every format is parsed in exactly one place. Lines come
 * from get_line(), bounded by the document limit; the format is detected on the first
 * non-blank line, which is then kept as pending input rather than re-read, so detection works
 * on pipes too.
 */
#include "reader.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "dirlist.h"
#include "utf8.h"

#define DEFAULT_MAX_DOC ((size_t)16 << 20)

static const char *const format_names[] = {"auto", "tsv", "jsonl", "fasttext", "text", "dir"};

int tsn_format_parse(const char *name)
{
    for (int i = 0; i < (int)(sizeof format_names / sizeof format_names[0]); i++)
        if (strcmp(name, format_names[i]) == 0)
            return i;
    return -1;
}

const char *tsn_format_name(tsn_format f)
{
    return format_names[f];
}

struct tsn_reader {
    tsn_format fmt;
    bool labeled;
    tsn_read_opts o;
    char *path;     /* for messages */
    FILE *f;
    bool close_f;
    char *line;
    size_t line_cap, len, lineno;
    bool pending;   /* line holds a line not yet returned */
    char *ahead;    /* detection's look-ahead: a second line read, returned after line */
    size_t ahead_cap, ahead_len, ahead_lineno;
    bool has_ahead;
    size_t leading_blank; /* keep_blank: blank lines read while detecting, not yet returned */
    size_t blank_line;    /* the line number of the next of them */
    int ncols;      /* TSV: columns of the first line */
    cJSON *json;    /* the last JSONL object */
    char idbuf[128];
    char *labbuf;   /* JSONL "labels", joined by TSN_LABEL_SEP */
    size_t labcap;
    /* directories */
    char **files, **labels;
    size_t nfiles, fi;
    char *doc;
    size_t doc_cap;
    size_t invalid;
    size_t ignored;          /* directory entries that hold no document */
    char ignored_first[512]; /* the first of them, and why */
};

size_t tsn_reader_ignored(const tsn_reader *r, const char **first)
{
    if (first != NULL)
        *first = r->ignored_first;
    return r->ignored;
}

tsn_format tsn_reader_format(const tsn_reader *r)
{
    return r->fmt;
}

const char *tsn_reader_name(const tsn_reader *r)
{
    return r->path;
}

size_t tsn_reader_invalid_lines(const tsn_reader *r)
{
    return r->invalid;
}

void tsn_reader_close(tsn_reader *r)
{
    if (r == NULL)
        return;
    if (r->close_f && r->f != NULL)
        fclose(r->f);
    for (size_t i = 0; i < r->nfiles; i++) {
        free(r->files[i]);
        free(r->labels[i]);
    }
    free(r->files);
    free(r->labels);
    free(r->labbuf);
    free(r->ahead);
    free(r->doc);
    free(r->line);
    free(r->path);
    cJSON_Delete(r->json);
    free(r);
}

static size_t max_doc(const tsn_reader *r)
{
    return r->o.max_doc_bytes ? r->o.max_doc_bytes : DEFAULT_MAX_DOC;
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
            return false;
    return true;
}

/* Reads one raw line, '\n' included, into r->line (NUL-terminated); *len 0 at the end of
 * input. A line longer than the document limit is an error as soon as the limit is passed, so
 * a file without line breaks never gets read into memory whole. getc_unlocked() rather than
 * block reads: a pipe yields each line as soon as it is written. */
static tsn_status get_line(tsn_reader *r, size_t *len, tsn_error *err)
{
    size_t n = 0, limit = max_doc(r) + 2; /* + "\r\n" */
    int c;
    errno = 0;
    while ((c = getc_unlocked(r->f)) != EOF) {
        if (n + 2 > r->line_cap) {
            size_t cap = r->line_cap ? r->line_cap * 2 : 4096;
            char *p = realloc(r->line, cap);
            if (p == NULL)
                return tsn_error_set(err, TSN_ERR_NOMEM, "%s:%zu: out of memory", r->path,
                                     r->lineno + 1);
            r->line = p;
            r->line_cap = cap;
        }
        r->line[n++] = (char)c;
        if (c == '\n')
            break;
        if (n > limit)
            return tsn_error_set(err, TSN_ERR_FORMAT,
                                 "%s:%zu: line longer than the limit of %zu bytes "
                                 "(--max-doc-bytes)",
                                 r->path, r->lineno + 1, max_doc(r));
    }
    if (c == EOF && ferror(r->f))
        return tsn_error_set(err, TSN_ERR_IO, "%s:%zu: read error: %s", r->path, r->lineno + 1,
                             strerror(errno ? errno : EIO));
    if (r->line != NULL)
        r->line[n] = '\0';
    *len = n;
    return TSN_OK;
}

/* The encoding a byte-order mark at the start of a file names, when it is not UTF-8's. */
static const char *utf16_or_32(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0)
        return "UTF-32LE";
    if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)
        return "UTF-32BE";
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return "UTF-16LE";
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return "UTF-16BE";
    return NULL;
}

/* True when an invalid UTF-8 line reads as Windows-1256 Arabic: most of its non-ASCII bytes
 * are CP1256's Arabic letters (C1-DA, DC-DF, E1, E3-E6, EC-ED, F0-F3, F5-F6, F8, FA) and
 * nearly none of them continue a valid UTF-8 sequence. */
static bool looks_cp1256(const char *s, size_t len)
{
    size_t high = 0, arabic = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned c = (unsigned char)s[i];
        if (c < 0x80)
            continue;
        high++;
        arabic += (c >= 0xC1 && c <= 0xDA) || (c >= 0xDC && c <= 0xDF) || c == 0xE1 ||
                  (c >= 0xE3 && c <= 0xE6) || c == 0xEC || c == 0xED || (c >= 0xF0 && c <= 0xF3) ||
                  c == 0xF5 || c == 0xF6 || c == 0xF8 || c == 0xFA;
    }
    return high >= 8 && arabic * 10 >= high * 8 && tsn_utf8_valid_prefix(s, len) < len / 2 + 1;
}

/* Reads the next non-blank line into r->line; *eof at the end. */
static tsn_status read_line(tsn_reader *r, bool *eof, tsn_error *err)
{
    if (r->pending) {
        r->pending = false;
        *eof = false;
        return TSN_OK;
    }
    if (r->has_ahead) { /* the line detection read ahead: swap it in */
        char *t = r->line;
        size_t cap = r->line_cap;
        r->line = r->ahead, r->line_cap = r->ahead_cap;
        r->ahead = t, r->ahead_cap = cap;
        r->len = r->ahead_len;
        r->lineno = r->ahead_lineno;
        r->has_ahead = false;
        if (r->len > 0) {
            *eof = false;
            return TSN_OK;
        }
        /* a blank line that decided for fastText (detect_fasttext): skipped, as fastText
         * skips every blank line, not returned as a line without __label__ */
    }
    for (;;) {
        size_t len = 0;
        tsn_status st = get_line(r, &len, err);
        if (st != TSN_OK)
            return st;
        if (len == 0) {
            *eof = true;
            return TSN_OK;
        }
        r->lineno++;
        if (len > 0 && r->line[len - 1] == '\n')
            len--;
        if (len > 0 && r->line[len - 1] == '\r')
            len--;
        char *s = r->line;
        const char *enc = r->lineno == 1 ? utf16_or_32(s, len) : NULL;
        if (enc != NULL)
            return tsn_error_set(err, TSN_ERR_UNICODE,
                                 "%s: the file is %s, not UTF-8 (its byte-order mark says so); "
                                 "convert it first: iconv -f %s -t UTF-8",
                                 r->path, enc, enc);
        if (r->lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            memmove(s, s + 3, len - 3);
            len -= 3;
        }
        s[len] = '\0';
        if (len > max_doc(r))
            return tsn_error_set(err, TSN_ERR_FORMAT,
                                 "%s:%zu: line longer than the limit of %zu bytes "
                                 "(--max-doc-bytes)",
                                 r->path, r->lineno, max_doc(r));
        if (memchr(s, '\0', len) != NULL)
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: NUL byte in text", r->path,
                                 r->lineno);
        if (is_blank(s, len) && r->o.keep_blank && r->fmt == TSN_FMT_TEXT) {
            r->len = 0; /* an empty document, so that output lines stay input lines */
            s[0] = '\0';
            *eof = false;
            return TSN_OK;
        }
        if (is_blank(s, len)) {
            if (r->o.keep_blank && r->fmt == TSN_FMT_AUTO && r->leading_blank++ == 0)
                r->blank_line = r->lineno;
            continue;
        }
        if (!tsn_utf8_valid(s, len)) {
            if (looks_cp1256(s, len))
                return tsn_error_set(err, TSN_ERR_UNICODE,
                                     "%s:%zu: not UTF-8: this looks like Windows-1256 (CP1256) "
                                     "Arabic; convert it first: iconv -f CP1256 -t UTF-8",
                                     r->path, r->lineno);
            if (r->o.strict)
                return tsn_error_set(err, TSN_ERR_UNICODE, "%s:%zu: invalid UTF-8", r->path,
                                     r->lineno);
            r->invalid++;
        }
        r->len = len;
        *eof = false;
        return TSN_OK;
    }
}

static void note_ignored(tsn_reader *r, const char *path, const char *why)
{
    if (r->ignored++ == 0)
        snprintf(r->ignored_first, sizeof r->ignored_first, "%s (%s)", path, why);
}

static tsn_status open_dir(tsn_reader *r, const char *path, tsn_error *err)
{
    char **subs = NULL;
    size_t nsubs = 0;
    tsn_status st = tsn_dir_list(path, &subs, &nsubs, err);
    if (st != TSN_OK)
        return st;
    for (size_t i = 0; i < nsubs && st == TSN_OK; i++) {
        char *sub = tsn_path_join(path, subs[i]);
        struct stat sb;
        if (sub == NULL) {
            st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        } else if (stat(sub, &sb) != 0) {
            st = tsn_error_set(err, TSN_ERR_IO, "%s: %s", sub, strerror(errno));
        } else if (!S_ISDIR(sb.st_mode)) {
            note_ignored(r, sub, "not in a label directory");
        } else {
            char **names = NULL;
            size_t nn = 0;
            st = tsn_dir_list(sub, &names, &nn, err);
            if (st == TSN_OK && nn == 0)
                note_ignored(r, sub, "an empty label directory");
            for (size_t k = 0; k < nn; k++) {
                char *file = st == TSN_OK ? tsn_path_join(sub, names[k]) : NULL;
                char *label = st == TSN_OK ? strdup(subs[i]) : NULL;
                free(names[k]);
                if (st != TSN_OK)
                    continue;
                char **nf = realloc(r->files, (r->nfiles + 1) * sizeof *nf);
                if (nf != NULL)
                    r->files = nf;
                char **nl = realloc(r->labels, (r->nfiles + 1) * sizeof *nl);
                if (nl != NULL)
                    r->labels = nl;
                if (file == NULL || label == NULL || nf == NULL || nl == NULL) {
                    free(file);
                    free(label);
                    st = tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
                    continue;
                }
                r->files[r->nfiles] = file;
                r->labels[r->nfiles++] = label;
            }
            free(names);
        }
        free(sub);
    }
    for (size_t i = 0; i < nsubs; i++)
        free(subs[i]);
    free(subs);
    if (st == TSN_OK && r->nfiles == 0)
        st = tsn_error_set(err, TSN_ERR_FORMAT,
                           "%s: no documents (expected DIR/<label>/<file>)", path);
    return st;
}

/* Unlabeled input whose first line starts with __label__: fastText only when the next line
 * does too (or is blank, or there is none); a plain text that happens to begin so stays text.
 * The second line is read ahead and kept for read_line() -- in a regular file only: on a pipe
 * the first answer may not wait for a second line, and fastText is assumed as before. */
static tsn_status detect_fasttext(tsn_reader *r, tsn_error *err)
{
    struct stat sb;
    if (fstat(fileno(r->f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        r->fmt = TSN_FMT_FASTTEXT; /* a pipe is answered line by line: no waiting for line 2 */
        return TSN_OK;
    }
    size_t len1 = r->len, line1 = r->lineno;
    char *first = malloc(len1 + 1);
    if (first == NULL)
        return tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", r->path);
    memcpy(first, r->line, len1 + 1);
    r->pending = false;
    r->fmt = TSN_FMT_TEXT; /* so that a blank second line is a document (keep_blank) */
    bool eof;
    tsn_status st = read_line(r, &eof, err);
    if (st != TSN_OK) {
        free(first);
        return st;
    }
    const char *s = r->line;
    while (!eof && (*s == ' ' || *s == '\t'))
        s++;
    r->fmt = eof || r->len == 0 || strncmp(s, "__label__", 9) == 0 ? TSN_FMT_FASTTEXT
                                                                  : TSN_FMT_TEXT;
    if (!eof) { /* the second line waits in ahead; the first goes back into line */
        free(r->ahead);
        r->ahead = r->line, r->ahead_cap = r->line_cap;
        r->ahead_len = r->len, r->ahead_lineno = r->lineno;
        r->has_ahead = true;
        r->line = first, r->line_cap = len1 + 1;
    } else {
        memcpy(r->line, first, len1 + 1);
        free(first);
    }
    r->len = len1;
    r->lineno = line1;
    r->pending = true;
    return TSN_OK;
}

static tsn_status detect(tsn_reader *r, tsn_error *err)
{
    bool eof;
    tsn_status st = read_line(r, &eof, err);
    if (st != TSN_OK)
        return st;
    if (eof) {
        r->fmt = r->labeled ? TSN_FMT_TSV : TSN_FMT_TEXT;
        return TSN_OK;
    }
    r->pending = true;
    const char *s = r->line;
    while (*s == ' ' || *s == '\t')
        s++;
    /* JSON lines when the line is a JSON object, or at least is braced like one (so that a
     * broken object gets the JSON reader's message); a text may well begin with a brace. */
    size_t e = r->len;
    while (e > 0 && (r->line[e - 1] == ' ' || r->line[e - 1] == '\t'))
        e--;
    bool object = *s == '{' && e > 0 && r->line[e - 1] == '}';
    if (*s == '{' && !object) {
        cJSON *j = cJSON_ParseWithLength(r->line, r->len);
        object = cJSON_IsObject(j);
        cJSON_Delete(j);
    }
    if (object)
        r->fmt = TSN_FMT_JSONL;
    else if (strncmp(s, "__label__", 9) == 0 && !r->labeled)
        return detect_fasttext(r, err);
    else if (strncmp(s, "__label__", 9) == 0)
        r->fmt = TSN_FMT_FASTTEXT;
    else if (r->labeled && strchr(r->line, '\t') != NULL)
        r->fmt = TSN_FMT_TSV;
    else if (!r->labeled)
        r->fmt = TSN_FMT_TEXT;
    else
        return tsn_error_set(err, TSN_ERR_FORMAT,
                             "%s:%zu: cannot tell the format: expected label<TAB>text, "
                             "JSON lines or __label__X text (--input-format to choose)",
                             r->path, r->lineno);
    return TSN_OK;
}

static tsn_status check_format(const char *name, tsn_format fmt, bool labeled, tsn_error *err)
{
    if (labeled && fmt == TSN_FMT_TEXT)
        return tsn_error_set(err, TSN_ERR_ARG,
                             "%s: the text format carries no labels (use tsv, jsonl, fasttext "
                             "or dir)",
                             name);
    return TSN_OK;
}

/* A reader named `name`, with nothing to read yet. NULL with *err set. */
static tsn_reader *new_reader(const char *name, tsn_format fmt, bool labeled,
                              const tsn_read_opts *opts, tsn_error *err)
{
    tsn_reader *r = calloc(1, sizeof *r);
    if (r == NULL || (r->path = strdup(name)) == NULL) {
        free(r);
        tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        return NULL;
    }
    r->labeled = labeled;
    if (opts != NULL)
        r->o = *opts;
    r->fmt = fmt;
    return r;
}

/* A reader of stream f (detecting its format when fmt is auto). */
static tsn_reader *stream_reader(FILE *f, const char *name, tsn_format fmt, bool labeled,
                                 const tsn_read_opts *opts, tsn_error *err)
{
    tsn_reader *r = new_reader(name, fmt, labeled, opts, err);
    if (r == NULL)
        return NULL;
    r->f = f;
    if (fmt == TSN_FMT_AUTO && detect(r, err) != TSN_OK) {
        tsn_reader_close(r); /* not f: the caller's */
        return NULL;
    }
    return r;
}

tsn_reader *tsn_reader_open(const char *path, tsn_format fmt, bool labeled,
                            const tsn_read_opts *opts, tsn_error *err)
{
    bool stdin_ = path == NULL || strcmp(path, "-") == 0;
    const char *name = stdin_ ? "<stdin>" : path;
    if (check_format(name, fmt, labeled, err) != TSN_OK)
        return NULL;
    struct stat sb;
    if (!stdin_ && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        if (fmt != TSN_FMT_AUTO && fmt != TSN_FMT_DIR) {
            tsn_error_set(err, TSN_ERR_FORMAT, "%s: is a directory", path);
            return NULL;
        }
        tsn_reader *r = new_reader(name, TSN_FMT_DIR, labeled, opts, err);
        if (r != NULL && open_dir(r, path, err) != TSN_OK) {
            tsn_reader_close(r);
            r = NULL;
        }
        return r;
    }
    if (fmt == TSN_FMT_DIR) {
        tsn_error_set(err, TSN_ERR_FORMAT, "%s: not a directory", name);
        return NULL;
    }
    FILE *f = stdin_ ? stdin : fopen(path, "rb");
    if (f == NULL) {
        tsn_error_set(err, TSN_ERR_IO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    tsn_reader *r = stream_reader(f, name, fmt, labeled, opts, err);
    if (r == NULL && !stdin_)
        fclose(f);
    if (r != NULL)
        r->close_f = !stdin_;
    return r;
}

tsn_reader *tsn_reader_open_stream(FILE *f, const char *name, tsn_format fmt, bool labeled,
                                   const tsn_read_opts *opts, tsn_error *err)
{
    if (check_format(name, fmt, labeled, err) != TSN_OK)
        return NULL;
    if (fmt == TSN_FMT_DIR) {
        tsn_error_set(err, TSN_ERR_FORMAT, "%s: not a directory", name);
        return NULL;
    }
    return stream_reader(f, name, fmt, labeled, opts, err);
}

static void trim(char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
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
        for (const char *c = a; c < b; c++)
            if ((unsigned char)*c < 0x20)
                return tsn_error_set(err, TSN_ERR_FORMAT,
                                     "%s:%zu: control character in a label", r->path,
                                     r->lineno);
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

static tsn_status parse_tsv(tsn_reader *r, tsn_example *ex, tsn_error *err)
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
    }
    if (total == 3 && lens[1] == 0)
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: empty claim", r->path, r->lineno);
    return TSN_OK;
}

static tsn_status parse_fasttext(tsn_reader *r, tsn_example *ex, tsn_error *err)
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
    for (const char *c = label; c < p; c++)
        if ((unsigned char)*c < 0x20)
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
        text = *e ? e + 1 : e;
        *out++ = TSN_LABEL_SEP;
        memmove(out, l, (size_t)(e - l));
        out += e - l;
        *out = '\0';
        while (*text == ' ' || *text == '\t')
            text++;
    }
    for (const char *c = label; *c; c++)
        if ((unsigned char)*c < 0x20 && *c != TSN_LABEL_SEP)
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: control character in a label",
                                 r->path, r->lineno);
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
        for (const char *c = l->valuestring; *c; c++)
            if ((unsigned char)*c < 0x20)
                return tsn_error_set(err, TSN_ERR_FORMAT,
                                     "%s:%zu: control character in a label", r->path,
                                     r->lineno);
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

static tsn_status parse_jsonl(tsn_reader *r, tsn_example *ex, tsn_error *err)
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
    if (ex->label != NULL) {
        if (ex->label[0] == '\0')
            return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: empty label", r->path,
                                 r->lineno);
        if (ex->label != r->labbuf && strpbrk(ex->label, "\t\n\r\x1f") != NULL)
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

static tsn_status parse_text(tsn_reader *r, tsn_example *ex, tsn_error *err)
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

static tsn_status next_file(tsn_reader *r, tsn_example *ex, bool *done, tsn_error *err)
{
    if (r->fi >= r->nfiles) {
        *done = true;
        return TSN_OK;
    }
    const char *path = r->files[r->fi];
    const char *label = r->labels[r->fi];
    r->fi++;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return tsn_error_set(err, TSN_ERR_IO, "%s: %s", path, strerror(errno));
    size_t n = 0;
    tsn_status st = TSN_OK;
    for (;;) {
        if (r->doc_cap - n < 4096) {
            size_t cap = r->doc_cap ? r->doc_cap * 2 : 65536;
            char *p = realloc(r->doc, cap);
            if (p == NULL) {
                st = tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            r->doc = p;
            r->doc_cap = cap;
        }
        size_t got = fread(r->doc + n, 1, r->doc_cap - n - 1, f);
        n += got;
        if (n > max_doc(r)) {
            st = tsn_error_set(err, TSN_ERR_FORMAT,
                               "%s: document larger than the limit of %zu bytes "
                               "(--max-doc-bytes)",
                               path, max_doc(r));
            break;
        }
        if (got == 0)
            break;
    }
    if (st == TSN_OK && ferror(f))
        st = tsn_error_set(err, TSN_ERR_IO, "%s: read error: %s", path, strerror(errno));
    fclose(f);
    if (st != TSN_OK)
        return st;
    char *s = r->doc;
    s[n] = '\0';
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3, n -= 3;
    bool invalid;
    if ((st = tsn_doc_check(path, "document", s, n, r->o.strict, &invalid, err)) != TSN_OK)
        return st;
    r->invalid += invalid;
    memset(ex, 0, sizeof *ex);
    ex->label = label;
    ex->text = s;
    ex->text_len = n;
    ex->source = path;
    *done = false;
    return TSN_OK;
}

tsn_status tsn_reader_next(tsn_reader *r, tsn_example *ex, bool *done, tsn_error *err)
{
    if (r->fmt == TSN_FMT_DIR)
        return next_file(r, ex, done, err);
    if (r->fmt == TSN_FMT_TEXT && r->leading_blank > 0) { /* blank lines before the first */
        r->leading_blank--;
        memset(ex, 0, sizeof *ex);
        ex->text = "";
        ex->source = r->path;
        ex->line = r->blank_line++;
        *done = false;
        return TSN_OK;
    }
    tsn_status st = read_line(r, done, err);
    if (st != TSN_OK || *done)
        return st;
    tsn_example e = {0};
    e.source = r->path;
    e.line = r->lineno;
    switch (r->fmt) {
    case TSN_FMT_TSV: st = parse_tsv(r, &e, err); break;
    case TSN_FMT_JSONL: st = parse_jsonl(r, &e, err); break;
    case TSN_FMT_FASTTEXT: st = parse_fasttext(r, &e, err); break;
    default: st = parse_text(r, &e, err); break;
    }
    if (st != TSN_OK)
        return st;
    if (is_blank(e.text, e.text_len) && !(r->o.keep_blank && r->fmt == TSN_FMT_TEXT))
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: empty text", r->path, r->lineno);
    *ex = e;
    return TSN_OK;
}
