/* reader.c -- streaming readers of examples in every input format (TSV, JSON lines, fastText,
 * text, label directories): opening files, streams and directories, format names and
 * detection, line reading, its limits and its encoding checks. Parsing each line into an
 * example is records.c's job (reader_internal.h).
 *
 * One streaming reader serves training (tsn_dataset_load copies what it yields) and
 * classification (which streams), so every format is parsed in exactly one place. Lines come
 * from get_line(), bounded by the document limit; the format is detected on the first
 * non-blank line, which is then kept as pending input rather than re-read, so detection works
 * on pipes too.
 */
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "dirlist.h"
#include "reader_internal.h"
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

void tsn_reader_skip_lines(tsn_reader *r, size_t n)
{
    r->lineno += n;
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
    free(r->fixbuf);
    free(r->ahead);
    free(r->doc);
    free(r->line);
    free(r->path);
    tsn_reader_parse_release(r);
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

/* The name s written into buf (cap bytes) for a one-line message in UTF-8: bytes below 0x20,
 * and bytes of no valid UTF-8 sequence, as \xNN. */
static const char *printable(const char *s, char *buf, size_t cap)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len && n + 5 < cap;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (c >= 0x20 && k <= len - i && k < cap - n && tsn_utf8_valid(s + i, k)) {
            memcpy(buf + n, s + i, k);
            n += k;
            i += k;
        } else {
            n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", (unsigned)c);
            i++;
        }
    }
    buf[n] = '\0';
    return buf;
}

/* A label directory's name is its label, and is checked as every format checks a label:
 * no control character, and in strict mode valid UTF-8. */
static tsn_status check_dir_label(const char *path, const char *name, bool strict,
                                  tsn_error *err)
{
    char shown[256];
    if (tsn_label_has_control(name, strlen(name)))
        return tsn_error_set(err, TSN_ERR_FORMAT,
                             "%s: control character in a label (the directory \"%s\")", path,
                             printable(name, shown, sizeof shown));
    if (strict && !tsn_utf8_valid(name, strlen(name)))
        return tsn_error_set(err, TSN_ERR_UNICODE,
                             "%s: invalid UTF-8 in a label (the directory \"%s\")", path,
                             printable(name, shown, sizeof shown));
    return TSN_OK;
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
            if (st == TSN_OK && nn > 0)
                st = check_dir_label(path, subs[i], r->o.strict, err);
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
    if (*s == '{' && !object)
        object = tsn_reader_is_json_object(r->line, r->len);
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
    r->invalid += invalid || !tsn_utf8_valid(label, strlen(label)); /* once per document */
    memset(ex, 0, sizeof *ex);
    ex->label = label;
    ex->text = s;
    ex->text_len = n;
    ex->source = path;
    *done = false;
    return TSN_OK;
}

/* Lenient reading: an example's label and id come back with U+FFFD in place of each invalid
 * UTF-8 sequence, as the normalizer treats its text, so that no raw byte reaches the model's
 * label table (JSON, which must be UTF-8) or the output. The line or document was counted as
 * invalid when it was read; strict reading refused it. Both go into r->fixbuf. */
static tsn_status repair_example(tsn_reader *r, tsn_example *ex, tsn_error *err)
{
    size_t ll = ex->label != NULL ? strlen(ex->label) : 0;
    size_t il = ex->id != NULL ? strlen(ex->id) : 0;
    bool bad_label = !tsn_utf8_valid(ex->label, ll), bad_id = !tsn_utf8_valid(ex->id, il);
    if (!bad_label && !bad_id)
        return TSN_OK;
    size_t need = 3 * (ll + il) + 2; /* one bad byte may become three */
    if (need > r->fixcap) {
        char *p = realloc(r->fixbuf, need);
        if (p == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", r->path);
        r->fixbuf = p;
        r->fixcap = need;
    }
    char *p = r->fixbuf;
    if (bad_label) {
        size_t n = tsn_utf8_repair(ex->label, ll, p);
        ex->label = p;
        p += n + 1;
    }
    if (bad_id) {
        tsn_utf8_repair(ex->id, il, p);
        ex->id = p;
    }
    return TSN_OK;
}

tsn_status tsn_reader_next(tsn_reader *r, tsn_example *ex, bool *done, tsn_error *err)
{
    if (r->fmt == TSN_FMT_DIR) {
        tsn_status st = next_file(r, ex, done, err);
        if (st == TSN_OK && !*done && !r->o.strict)
            st = repair_example(r, ex, err);
        return st;
    }
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
    case TSN_FMT_TSV: st = tsn_reader_parse_tsv(r, &e, err); break;
    case TSN_FMT_JSONL: st = tsn_reader_parse_jsonl(r, &e, err); break;
    case TSN_FMT_FASTTEXT: st = tsn_reader_parse_fasttext(r, &e, err); break;
    default: st = tsn_reader_parse_text(r, &e, err); break;
    }
    if (st != TSN_OK)
        return st;
    if (is_blank(e.text, e.text_len) && !(r->o.keep_blank && r->fmt == TSN_FMT_TEXT))
        return tsn_error_set(err, TSN_ERR_FORMAT, "%s:%zu: empty text", r->path, r->lineno);
    if (!r->o.strict && (st = repair_example(r, &e, err)) != TSN_OK)
        return st;
    *ex = e;
    return TSN_OK;
}
