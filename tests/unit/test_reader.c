/* test_reader.c -- the example readers at their edges: every format's refusals (each naming
 * the file and line), byte-order marks, Windows-1256 and invalid UTF-8, format detection from
 * the first lines (pipes included), labels split and trimmed, JSON escapes and ids, and label
 * directories with odd entries (links to nowhere, sub-directories, empty labels, large and
 * oversized documents). */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "reader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "dataset.h"
#include "dirlist.h"

static char dir[64];
static char got[8192];  /* what read_all() read: "label|claim|text|id" lines, or the error */

static const char *at(const char *name)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static void spit(const char *path, const char *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return;
    fwrite(b, 1, len, f);
    fclose(f);
}

/* Reads every example of the file holding `text` (n bytes; strlen when 0) through a reader of
 * format fmt; got[] holds one "label|claim|text|id" line per example, or "ERROR <message>"
 * with the file's directory stripped. Returns the number of examples, or -1. */
static int read_n(const char *text, size_t n, tsn_format fmt, bool labeled,
                  const tsn_read_opts *o)
{
    const char *path = at("in");
    spit(path, text, n ? n : strlen(text));
    tsn_error err = {0};
    got[0] = '\0';
    tsn_reader *r = tsn_reader_open(path, fmt, labeled, o, &err);
    int count = 0;
    size_t len = 0;
    while (r != NULL) {
        tsn_example ex;
        bool done = false;
        if (tsn_reader_next(r, &ex, &done, &err) != TSN_OK) {
            tsn_reader_close(r);
            r = NULL;
            break;
        }
        if (done)
            break;
        len += (size_t)snprintf(got + len, sizeof got - len, "%s|%s|%.*s|%s\n",
                                ex.label ? ex.label : "-", ex.claim ? ex.claim : "-",
                                (int)ex.text_len, ex.text, ex.id ? ex.id : "-");
        if (len >= sizeof got)
            len = sizeof got - 1;
        count++;
    }
    if (r == NULL) {
        const char *m = err.msg;
        if (strncmp(m, dir, strlen(dir)) == 0)
            m += strlen(dir) + 1;
        snprintf(got, sizeof got, "ERROR %s", m);
        return -1;
    }
    tsn_reader_close(r);
    return count;
}

static int read_all(const char *text, tsn_format fmt, bool labeled, const tsn_read_opts *o)
{
    return read_n(text, 0, fmt, labeled, o);
}

#define CHECK_GOT(want)                                                                        \
    do {                                                                                       \
        if (strcmp(got, want) != 0) {                                                          \
            check_failures++;                                                                  \
            fprintf(stderr, "  %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, got,    \
                    want);                                                                     \
        }                                                                                      \
    } while (0)

static void byte_order_marks_of_other_encodings_are_named(void)
{
    CHECK(read_n("\xFF\xFE" "a\0\t\0", 6, TSN_FMT_AUTO, true, NULL) < 0);
    CHECK_GOT("ERROR in: the file is UTF-16LE, not UTF-8 (its byte-order mark says so); "
              "convert it first: iconv -f UTF-16LE -t UTF-8");
    CHECK(read_n("\xFF\xFE\0a", 4, TSN_FMT_AUTO, true, NULL) < 0); /* not UTF-32LE: 00 61 */
    CHECK(strstr(got, "the file is UTF-16LE") != NULL);
    CHECK(read_n("\0\0\xFE" "a\n", 5, TSN_FMT_AUTO, true, NULL) < 0); /* no mark at all */
    CHECK_GOT("ERROR in:1: NUL byte in text");
    CHECK(read_n("\0\0\0a\n", 5, TSN_FMT_AUTO, true, NULL) < 0);
    CHECK_GOT("ERROR in:1: NUL byte in text");
    CHECK(read_n("\0a\n", 3, TSN_FMT_AUTO, true, NULL) < 0);
    CHECK_GOT("ERROR in:1: NUL byte in text");
    /* bytes that begin like a mark and are not one: invalid UTF-8, read on (in a label:
     * replaced) */
    CHECK(read_all("\xFF" "a\tb\n", TSN_FMT_AUTO, true, NULL) == 1);
    CHECK_GOT("\xEF\xBF\xBD" "a|-|b|-\n");
    CHECK(read_all("\xFE" "a\tb\n", TSN_FMT_AUTO, true, NULL) == 1);
    CHECK_GOT("\xEF\xBF\xBD" "a|-|b|-\n");
    /* a UTF-8 mark is dropped, and only on the first line */
    CHECK(read_all("\xEF\xBB\xBFsports\tفاز\n", TSN_FMT_AUTO, true, NULL) == 1);
    CHECK_GOT("sports|-|فاز|-\n");
}

static void windows_1256_and_invalid_utf8_lines(void)
{
    /* CP1256 Arabic letters from every range the detector knows */
    CHECK(read_all("x\t\xE3\xE4\xE5\xE6\xEC\xED\xF0\xF1\xF2\xF3\xF5\xF6\xF8\xFA\n", TSN_FMT_TSV,
                   true, NULL) < 0);
    CHECK_GOT("ERROR in:1: not UTF-8: this looks like Windows-1256 (CP1256) Arabic; convert it "
              "first: iconv -f CP1256 -t UTF-8");
    /* mostly valid text with a few such bytes is not CP1256: invalid UTF-8, counted */
    tsn_read_opts strict = {0};
    strict.strict = true;
    const char *mostly = "x\tabcdefghijklmnopqrstuvwxyzabcdefghijkl \xE3\xE4\xE5\xE6\xEC\xED\xF0\xF1\n";
    CHECK(read_all(mostly, TSN_FMT_TSV, true, &strict) < 0);
    CHECK_GOT("ERROR in:1: invalid UTF-8");
    tsn_reader *r;
    tsn_error err = {0};
    spit(at("in"), mostly, strlen(mostly));
    r = tsn_reader_open(at("in"), TSN_FMT_TSV, true, NULL, &err);
    tsn_example ex;
    bool done;
    CHECK(r != NULL && tsn_reader_next(r, &ex, &done, &err) == TSN_OK && !done &&
          tsn_reader_invalid_lines(r) == 1);
    tsn_reader_close(r);
    /* invalid UTF-8 inside a JSON string, not strict: counted once, read */
    CHECK(read_all("{\"label\": \"a\", \"text\": \"abc \xC3\x28\"}\n", TSN_FMT_AUTO, true, NULL) ==
          1);
    CHECK_GOT("a|-|abc \xC3\x28|-\n");
}

#define FFFD "\xEF\xBF\xBD"

/* Invalid UTF-8 in a label or an id comes back as U+FFFD, one for each maximal subpart, in
 * every format (the text is left to the normalizer); each such example is counted once, and
 * strict reading refuses it. */
static void invalid_utf8_in_labels_and_ids_becomes_u_fffd(void)
{
    CHECK(read_all("spo\xFFrts\tt\n", TSN_FMT_TSV, true, NULL) == 1);
    CHECK_GOT("spo" FFFD "rts|-|t|-\n");
    CHECK(read_all("a\xC3\tc\xE2\x82\tt\xFF\n", TSN_FMT_TSV, true, NULL) == 1);
    CHECK_GOT("a" FFFD "|c\xE2\x82|t\xFF|-\n"); /* claim and text: the normalizer's */
    CHECK(read_all("__label__\xE0\x80\xAF text\n", TSN_FMT_FASTTEXT, true, NULL) == 1);
    CHECK_GOT(FFFD FFFD FFFD "|-|text|-\n");
    CHECK(read_all("{\"label\": \"\xF0\x9F\x98\", \"text\": \"t\", \"id\": \"x\xFFy\"}\n",
                   TSN_FMT_JSONL, true, NULL) == 1);
    CHECK_GOT(FFFD "|-|t|x" FFFD "y\n");
    tsn_read_opts ml = {0};
    ml.multi_label = true;
    CHECK(read_all("{\"labels\": [\"a\", \"b\xFF\"], \"text\": \"t\"}\n", TSN_FMT_JSONL, true,
                   &ml) == 1);
    CHECK_GOT("a\x1f" "b" FFFD "|-|t|-\n");
    CHECK(read_all("{\"text\": \"t\", \"id\": \"\xFF\"}\n", TSN_FMT_JSONL, false, NULL) == 1);
    CHECK_GOT("-|-|t|" FFFD "\n");
    /* a label directory: its name, counted once with its document */
    char d[300];
    snprintf(d, sizeof d, "%s/bad", dir);
    mkdir(d, 0755);
    mkdir(at("bad/spo\xFFrts"), 0755);
    mkdir(at("bad/x\xFE"), 0755);
    mkdir(at("bad/economy"), 0755);
    spit(at("bad/spo\xFFrts/1.txt"), "t\xFF", 2);
    spit(at("bad/x\xFE/1.txt"), "t", 1);
    spit(at("bad/economy/1.txt"), "t", 1);
    tsn_dataset ds;
    tsn_error err = {0};
    CHECK(tsn_dataset_load(&ds, d, TSN_FMT_DIR, NULL, &err) == TSN_OK && ds.n == 3 &&
          ds.invalid_lines == 2 && strcmp(ds.v[1].label, "spo" FFFD "rts") == 0 &&
          strcmp(ds.v[2].label, "x" FFFD) == 0);
    tsn_dataset_release(&ds);
    tsn_read_opts strict = {0};
    strict.strict = true;
    CHECK(tsn_dataset_load(&ds, d, TSN_FMT_DIR, &strict, &err) == TSN_ERR_UNICODE &&
          strstr(err.msg, "bad: invalid UTF-8 in a label (the directory \"spo\\xffrts\")") !=
              NULL);
    unlink(at("bad/spo\xFFrts/1.txt"));
    unlink(at("bad/economy/1.txt"));
    unlink(at("bad/x\xFE/1.txt"));
    rmdir(at("bad/x\xFE"));
    rmdir(at("bad/spo\xFFrts"));
    rmdir(at("bad/economy"));
    rmdir(d);
}

static void line_limits_and_blank_lines(void)
{
    tsn_read_opts o = {0};
    o.max_doc_bytes = 10;
    CHECK(read_all("a\t0123456789\n", TSN_FMT_TSV, true, &o) < 0); /* 12 bytes: one over */
    CHECK_GOT("ERROR in:1: line longer than the limit of 10 bytes (--max-doc-bytes)");
    CHECK(read_all("a\t0123456\n", TSN_FMT_TSV, true, &o) == 1);
    /* form feeds and vertical tabs are blank too */
    CHECK(read_all("\f\v \t\r\na\tb\n", TSN_FMT_AUTO, true, NULL) == 1);
    CHECK_GOT("a|-|b|-\n");
    /* the last line without its line break */
    CHECK(read_all("a\tb\nc\td", TSN_FMT_AUTO, true, NULL) == 2);
    CHECK_GOT("a|-|b|-\nc|-|d|-\n");
    /* keep_blank, detecting text: every leading blank line comes back as an empty document */
    tsn_read_opts kb = {0};
    kb.keep_blank = true;
    CHECK(read_all("\n\n \nnص\n", TSN_FMT_AUTO, false, &kb) == 4);
    CHECK_GOT("-|-||-\n-|-||-\n-|-||-\n-|-|nص|-\n");
    /* keep_blank has no say over TSV: a blank text there is still an error */
    CHECK(read_all("a\t \n", TSN_FMT_TSV, true, &kb) < 0);
    CHECK_GOT("ERROR in:1: empty text");
}

static void unlabeled_fasttext_is_told_from_text_by_its_second_line(void)
{
    CHECK(read_all("__label__a one\n\t__label__b two\n", TSN_FMT_AUTO, false, NULL) == 2);
    CHECK_GOT("a|-|one|-\nb|-|two|-\n");
    CHECK(read_all("__label__a one\n  __label__b two\n", TSN_FMT_AUTO, false, NULL) == 2);
    CHECK_GOT("a|-|one|-\nb|-|two|-\n");
    /* a blank second line (kept while detecting, as classify keeps blank lines): fastText,
     * whose blank lines are skipped -- it used to be refused as "expected __label__X text" */
    tsn_read_opts kb = {0};
    kb.keep_blank = true;
    CHECK(read_all("__label__a one\n\n", TSN_FMT_AUTO, false, &kb) == 1);
    CHECK_GOT("a|-|one|-\n");
    CHECK(read_all("__label__a one\n\n__label__b two\n\n__label__c three\n", TSN_FMT_AUTO,
                   false, &kb) == 3);
    CHECK_GOT("a|-|one|-\nb|-|two|-\nc|-|three|-\n");
    /* and the lines after it keep their numbers */
    CHECK(read_all("__label__a one\n\nno label\n", TSN_FMT_AUTO, false, &kb) < 0);
    CHECK_GOT("ERROR in:3: expected __label__X text");
    CHECK(read_all("__label__a one\nplain two\n", TSN_FMT_AUTO, false, NULL) == 2);
    CHECK_GOT("-|-|__label__a one|-\n-|-|plain two|-\n");
    /* the second line cannot be read: its error, not a guess */
    CHECK(read_n("__label__a one\nx\0y\n", 19, TSN_FMT_AUTO, false, NULL) < 0);
    CHECK_GOT("ERROR in:2: NUL byte in text");
    /* several labels, unlabeled: every one skipped, up to the end of the line */
    CHECK(read_all("__label__a __label__b\ttwo\n__label__c __label__d\n", TSN_FMT_FASTTEXT,
                   false, NULL) < 0);
    CHECK_GOT("ERROR in:2: empty text");
}

/* A pipe gets no look-ahead: __label__ on the first line means fastText at once. */
static void a_pipe_is_read_as_fasttext_without_waiting(void)
{
    int fd[2];
    CHECK(pipe(fd) == 0);
    const char *s = "__label__a one\nplain two\n";
    CHECK(write(fd[1], s, strlen(s)) == (ssize_t)strlen(s));
    close(fd[1]);
    FILE *f = fdopen(fd[0], "rb");
    tsn_error err = {0};
    tsn_reader *r = tsn_reader_open_stream(f, "<pipe>", TSN_FMT_AUTO, false, NULL, &err);
    CHECK(r != NULL && tsn_reader_format(r) == TSN_FMT_FASTTEXT);
    tsn_example ex;
    bool done;
    CHECK(r != NULL && tsn_reader_next(r, &ex, &done, &err) == TSN_OK && !done &&
          strcmp(ex.text, "one") == 0);
    CHECK(r != NULL && tsn_reader_next(r, &ex, &done, &err) != TSN_OK &&
          strcmp(err.msg, "<pipe>:2: expected __label__X text") == 0);
    tsn_reader_close(r); /* the stream is the caller's */
    CHECK(fclose(f) == 0);
    /* a stream cannot be read as a directory */
    r = tsn_reader_open_stream(stdin, "<stdin>", TSN_FMT_DIR, true, NULL, &err);
    CHECK(r == NULL && strcmp(err.msg, "<stdin>: not a directory") == 0);
}

static void a_read_error_names_the_line(void)
{
    FILE *f = fopen(dir, "rb"); /* a directory opens, and fails on the first read */
    if (f == NULL)
        return;
    tsn_error err = {0};
    tsn_reader *r = tsn_reader_open_stream(f, "d", TSN_FMT_TSV, true, NULL, &err);
    tsn_example ex;
    bool done;
    CHECK(r != NULL && tsn_reader_next(r, &ex, &done, &err) == TSN_ERR_IO &&
          strcmp(err.msg, "d:1: read error: Is a directory") == 0);
    tsn_reader_close(r);
    fclose(f);
}

static void json_detection_tolerates_spacing_and_reports_cut_objects(void)
{
    CHECK(read_all(" \t{\"label\":\"a\",\"text\":\"b\"} \t\n", TSN_FMT_AUTO, true, NULL) == 1);
    CHECK_GOT("a|-|b|-\n");
    /* an unlabeled line that merely starts with a brace is text */
    CHECK(read_all("{ not json\n", TSN_FMT_AUTO, false, NULL) == 1);
    CHECK_GOT("-|-|{ not json|-\n");
    CHECK(read_all("{\"label\":\"a\",\"text\":\"b\"\n", TSN_FMT_JSONL, true, NULL) < 0);
    CHECK_GOT("ERROR in:1: invalid JSON at column 23");
    CHECK(read_all("{\"label\":\"a\",\"text\":\"b\n", TSN_FMT_JSONL, true, NULL) < 0);
    CHECK(strncmp(got, "ERROR in:1: invalid JSON at column 22", 37) == 0);
    CHECK(read_all("{\"label\":\"a\",\"text\":\"b\"}\t \n", TSN_FMT_JSONL, true, NULL) == 1);
    CHECK(read_all("{\"label\":\"a\",\"text\":\"b\",\"claim\":5}\n", TSN_FMT_JSONL, true, NULL) <
          0);
    CHECK_GOT("ERROR in:1: \"claim\" must be a string");
    CHECK(read_all("{\"label\":\"\",\"text\":\"b\"}\n", TSN_FMT_JSONL, true, NULL) < 0);
    CHECK_GOT("ERROR in:1: empty label");
    CHECK(read_all("{\"label\":\"a\",\"text\":\"b\",\"labels\":[\"c\\u00e9\"]}\n", TSN_FMT_JSONL,
                   true, NULL) == 1);
    CHECK_GOT("c\xC3\xA9|-|b|-\n");
}

static void json_escapes_that_look_like_u_escapes(void)
{
    /* an escaped backslash before a u, a backslash at the very end of the value */
    CHECK(read_all("{\"label\":\"a\",\"text\":\"x\\\\u0041\"}\n", TSN_FMT_JSONL, true, NULL) == 1);
    CHECK_GOT("a|-|x\\u0041|-\n");
    /* a backslash ending the line; two bad \u escapes: the first is named */
    CHECK(read_all("{\"label\":\"a\",\"text\":\"b\"} \\\n", TSN_FMT_JSONL, true, NULL) < 0);
    CHECK_GOT("ERROR in:1: trailing data after the JSON value at column 26");
    CHECK(read_all("{\"label\":\"a\",\"text\":\"\\uzz \\uyy\"}\n", TSN_FMT_JSONL, true, NULL) <
          0);
    CHECK_GOT("ERROR in:1: invalid JSON at column 22: \\u without four hex digits");
    /* a private-use character above the surrogates, alone or after a high surrogate */
    CHECK(read_all("{\"label\":\"a\",\"text\":\"\\uE000\\uD800\\uE000\"}\n", TSN_FMT_JSONL,
                   true, NULL) == 1);
    CHECK_GOT("a|-|\xEE\x80\x80\xEF\xBF\xBD\xEE\x80\x80|-\n");
    /* a high surrogate followed by an escape that is no low one: replaced, counted */
    tsn_read_opts strict = {0};
    strict.strict = true;
    CHECK(read_all("{\"label\":\"a\",\"text\":\"x\\uD800\\u0041\"}\n", TSN_FMT_JSONL, true,
                   &strict) < 0);
    CHECK_GOT("ERROR in:1: invalid UTF-16 escape (a lone surrogate \\uD800-\\uDFFF)");
    CHECK(read_all("{\"label\":\"a\",\"text\":\"x\\uD800\\u0041\"}\n", TSN_FMT_JSONL, true, NULL) ==
          1);
    CHECK_GOT("a|-|x\xEF\xBF\xBD" "A|-\n");
}

static void json_ids_are_kept_as_written_or_rewritten(void)
{
    /* keys and values spaced with line-break characters, a nested "id", an "id" as a value */
    CHECK(read_all("{\"x\":{\"id\":1},\"t\":\"id\",\"id\"\r:\r-12.5E-3,\"label\":\"a\",\"text\":"
                   "\"b\"}\n",
                   TSN_FMT_JSONL, true, NULL) == 1);
    CHECK_GOT("a|-|b|-12.5E-3\n");
    CHECK(read_all("{\"a\\\"id\":2,\"id\":7,\"label\":\"a\",\"text\":\"b\"}\n", TSN_FMT_JSONL, true,
                   NULL) == 1);
    CHECK_GOT("a|-|b|7\n");
    /* numbers in every form JSON writes come back as written; a key as long as "id" is not it */
    const char *as_written[] = {"0", "10", "-10", "0.25", "1e2", "1E-2", "12.5e+10", "-0.0"};
    for (size_t i = 0; i < sizeof as_written / sizeof *as_written; i++) {
        char line[128], want[64];
        snprintf(line, sizeof line, "{\"ix\":3,\"id\":%s,\"label\":\"a\",\"text\":\"b\"}\n",
                 as_written[i]);
        snprintf(want, sizeof want, "a|-|b|%s\n", as_written[i]);
        CHECK(read_all(line, TSN_FMT_JSONL, true, NULL) == 1);
        CHECK_GOT(want);
    }
    /* forms JSON does not write (cJSON reads them): rewritten through a double */
    const char *rewritten[][2] = {{"01", "1"}, {"1.", "1"}, {"-1.e2", "-100"}};
    for (size_t i = 0; i < sizeof rewritten / sizeof *rewritten; i++) {
        char line[128], want[64];
        snprintf(line, sizeof line, "{\"id\":%s,\"label\":\"a\",\"text\":\"b\"}\n",
                 rewritten[i][0]);
        snprintf(want, sizeof want, "a|-|b|%s\n", rewritten[i][1]);
        CHECK(read_all(line, TSN_FMT_JSONL, true, NULL) == 1);
        CHECK_GOT(want);
    }
    CHECK(read_all("{\"id\":1.5e+3,\"label\":\"a\",\"text\":\"b\"}\n", TSN_FMT_JSONL, true, NULL) == 1);
    CHECK_GOT("a|-|b|1.5e+3\n");
    CHECK(read_all("{\"id\":-01,\"label\":\"a\",\"text\":\"b\"}\n", TSN_FMT_JSONL, true, NULL) == 1);
    CHECK_GOT("a|-|b|-1\n");
    /* an id longer than any number's text: written back through a double */
    char line[512];
    char digits[200];
    memset(digits, '1', sizeof digits - 1);
    digits[sizeof digits - 1] = '\0';
    snprintf(line, sizeof line, "{\"id\":%s,\"label\":\"a\",\"text\":\"b\"}\n", digits);
    CHECK(read_all(line, TSN_FMT_JSONL, true, NULL) == 1);
    CHECK(strncmp(got, "a|-|b|1.1111111111111111e+198\n", 31) == 0);
}

static void tsv_columns_are_trimmed_and_claims_checked(void)
{
    CHECK(read_all(" a \t c \t  t \n", TSN_FMT_TSV, true, NULL) == 1);
    CHECK_GOT("a|c|t|-\n");
    CHECK(read_all("a\t\tt\n", TSN_FMT_TSV, true, NULL) < 0);
    CHECK_GOT("ERROR in:1: empty claim");
    tsn_read_opts ml = {0};
    ml.multi_label = true;
    CHECK(read_all(" a , b\t\tt\n", TSN_FMT_TSV, true, &ml) < 0); /* labels fine; claim empty */
    CHECK_GOT("ERROR in:1: empty claim");
    CHECK(read_all(" a ,\tb \n", TSN_FMT_TSV, true, &ml) < 0); /* a tab: three columns */
    ml.label_sep = ';';
    CHECK(read_all("a ; b\tt\n", TSN_FMT_TSV, true, &ml) == 1);
    CHECK_GOT("a\x1f" "b|-|t|-\n");
    CHECK(read_all("a ;  \tt\n", TSN_FMT_TSV, true, &ml) < 0);
    CHECK_GOT("ERROR in:1: empty label (two separators together, or one at an end)");
}

static void fasttext_lines_at_their_edges(void)
{
    CHECK(read_all("plain words\n", TSN_FMT_FASTTEXT, true, NULL) < 0);
    CHECK_GOT("ERROR in:1: expected __label__X text");
    CHECK(read_all("\t __label__a text \t\n", TSN_FMT_FASTTEXT, true, NULL) == 1);
    CHECK_GOT("a|-|text|-\n");
    CHECK(read_all("__label__a\t\t text\n", TSN_FMT_FASTTEXT, true, NULL) == 1);
    CHECK_GOT("a|-|text|-\n");
    tsn_read_opts ml = {0};
    ml.multi_label = true;
    CHECK(read_all("__label__a\t__label__b\t\t text\n", TSN_FMT_FASTTEXT, true, &ml) == 1);
    CHECK_GOT("a\x1f" "b|-|text|-\n");
    CHECK(read_all("__label__a __label__b\n", TSN_FMT_FASTTEXT, true, &ml) < 0);
    CHECK_GOT("ERROR in:1: empty text");
    CHECK(read_all("__label__a __label__b\x01 text\n", TSN_FMT_FASTTEXT, true, &ml) < 0);
    CHECK_GOT("ERROR in:1: control character in a label");
}

static void label_directories_with_odd_entries(void)
{
    char d[300];
    snprintf(d, sizeof d, "%s/ds", dir);
    mkdir(d, 0755);
    mkdir(at("ds/sports"), 0755);
    mkdir(at("ds/empty"), 0755);
    spit(at("ds/sports/1.txt"), "\xEF\xBB\xBF" "فاز الفريق", strlen("\xEF\xBB\xBF" "فاز الفريق"));
    spit(at("ds/README"), "x", 1);
    /* a 100 KB document: the buffer grows past its first 64 KB */
    size_t big = 100000;
    char *b = malloc(big);
    for (size_t i = 0; i < big; i++)
        b[i] = i % 10 == 9 ? ' ' : 'a';
    spit(at("ds/sports/2.txt"), b, big);
    tsn_dataset ds;
    tsn_error err = {0};
    CHECK(tsn_dataset_load(&ds, d, TSN_FMT_AUTO, NULL, &err) == TSN_OK);
    CHECK(ds.n == 2 && ds.format == TSN_FMT_DIR && ds.ignored == 2 &&
          strcmp(ds.v[0].text, "فاز الفريق") == 0 && ds.v[1].text_len == big);
    CHECK(ds.n == 2 && ds.ignored_first != NULL && strstr(ds.ignored_first, "README") != NULL);
    tsn_dataset_release(&ds);
    /* the reader's count of ignored entries, without asking which was first */
    tsn_reader *r = tsn_reader_open(d, TSN_FMT_DIR, true, NULL, &err);
    CHECK(r != NULL && tsn_reader_ignored(r, NULL) == 2);
    tsn_reader_close(r);
    /* the same document over the limit */
    tsn_read_opts o = {0};
    o.max_doc_bytes = 50000;
    CHECK(tsn_dataset_load(&ds, d, TSN_FMT_AUTO, &o, &err) != TSN_OK &&
          strstr(err.msg, "2.txt: document larger than the limit of 50000 bytes") != NULL);
    free(b);
    /* a directory where a document should be: a read error naming it */
    unlink(at("ds/sports/2.txt"));
    mkdir(at("ds/sports/sub"), 0755);
    CHECK(tsn_dataset_load(&ds, d, TSN_FMT_AUTO, NULL, &err) == TSN_ERR_IO &&
          strstr(err.msg, "sports/sub: read error: Is a directory") != NULL);
    rmdir(at("ds/sports/sub"));
    /* a link to nowhere among the labels */
    CHECK(symlink(at("nowhere"), at("ds/gone")) == 0);
    CHECK(tsn_dataset_load(&ds, d, TSN_FMT_AUTO, NULL, &err) == TSN_ERR_IO &&
          strstr(err.msg, "ds/gone: No such file or directory") != NULL);
    unlink(at("ds/gone"));
    /* a directory read as another format, and a file read as a directory */
    CHECK(tsn_dataset_load(&ds, d, TSN_FMT_TSV, NULL, &err) == TSN_ERR_FORMAT &&
          strstr(err.msg, "ds: is a directory") != NULL);
    CHECK(tsn_dataset_load(&ds, at("ds/README"), TSN_FMT_DIR, NULL, &err) == TSN_ERR_FORMAT &&
          strstr(err.msg, "README: not a directory") != NULL);
    /* nothing but empty labels: no documents */
    unlink(at("ds/sports/1.txt"));
    rmdir(at("ds/sports"));
    CHECK(tsn_dataset_load(&ds, d, TSN_FMT_AUTO, NULL, &err) == TSN_ERR_FORMAT &&
          strstr(err.msg, "ds: no documents (expected DIR/<label>/<file>)") != NULL);
    CHECK(tsn_dataset_load(&ds, at("ds/none"), TSN_FMT_DIR, NULL, &err) == TSN_ERR_FORMAT);
    unlink(at("ds/README"));
    rmdir(at("ds/empty"));
    rmdir(d);
}

/* readdir() calls left before one fails with EIO; -1: none fails. This readdir() stands in
 * for the C library's, which it calls otherwise, so that a listing can fail half-way. */
static int readdir_fails_in = -1;

struct dirent *readdir(DIR *d)
{
    static struct dirent *(*real)(DIR *);
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "readdir");
    if (readdir_fails_in >= 0 && readdir_fails_in-- == 0) {
        errno = EIO;
        return NULL;
    }
    return real(d);
}

static void directory_listings(void)
{
    char **v = NULL;
    size_t n = 9;
    tsn_error err = {0};
    CHECK(tsn_dir_list(at("nonexistent"), &v, &n, &err) == TSN_ERR_IO &&
          strstr(err.msg, "nonexistent: No such file or directory") != NULL);
    mkdir(at("files"), 0755);
    CHECK(tsn_dir_files(at("files"), &v, &n, &err) == TSN_OK && n == 0);
    tsn_dir_files_free(v, n);
    /* more than 64 entries, listed in byte order; only regular files are files */
    for (int i = 0; i < 70; i++) {
        char name[32];
        snprintf(name, sizeof name, "files/f%02d", 69 - i);
        spit(at(name), "x", 1);
    }
    mkdir(at("files/sub"), 0755);
    CHECK(tsn_dir_list(at("files"), &v, &n, &err) == TSN_OK && n == 71 &&
          strcmp(v[0], "f00") == 0 && strcmp(v[69], "f69") == 0 && strcmp(v[70], "sub") == 0);
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    CHECK(tsn_dir_files(at("files"), &v, &n, &err) == TSN_OK && n == 70);
    tsn_dir_files_free(v, n);
    /* a listing that fails half-way is an error, not a shorter listing */
    readdir_fails_in = 10;
    v = NULL;
    CHECK(tsn_dir_list(at("files"), &v, &n, &err) == TSN_ERR_IO && v == NULL &&
          strstr(err.msg, "files: read error: Input/output error") != NULL);
    readdir_fails_in = 10;
    CHECK(tsn_dir_files(at("files"), &v, &n, &err) == TSN_ERR_IO && v == NULL && n == 0);
    readdir_fails_in = -1;
    CHECK(tsn_dir_files(at("nonexistent"), &v, &n, &err) == TSN_ERR_IO && v == NULL && n == 0);
    /* a link to nowhere cannot be told apart: an error naming it */
    CHECK(symlink(at("nowhere"), at("files/zz")) == 0);
    CHECK(tsn_dir_files(at("files"), &v, &n, &err) == TSN_ERR_IO &&
          strstr(err.msg, "files/zz: No such file or directory") != NULL);
    unlink(at("files/zz"));
    rmdir(at("files/sub"));
    for (int i = 0; i < 70; i++) {
        char name[32];
        snprintf(name, sizeof name, "files/f%02d", i);
        unlink(at(name));
    }
    rmdir(at("files"));
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/tsn_reader.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(byte_order_marks_of_other_encodings_are_named);
    RUN(windows_1256_and_invalid_utf8_lines);
    RUN(invalid_utf8_in_labels_and_ids_becomes_u_fffd);
    RUN(line_limits_and_blank_lines);
    RUN(unlabeled_fasttext_is_told_from_text_by_its_second_line);
    RUN(a_pipe_is_read_as_fasttext_without_waiting);
    RUN(a_read_error_names_the_line);
    RUN(json_detection_tolerates_spacing_and_reports_cut_objects);
    RUN(json_escapes_that_look_like_u_escapes);
    RUN(json_ids_are_kept_as_written_or_rewritten);
    RUN(tsv_columns_are_trimmed_and_claims_checked);
    RUN(fasttext_lines_at_their_edges);
    RUN(label_directories_with_odd_entries);
    RUN(directory_listings);
    unlink(at("in"));
    rmdir(dir);
    DONE();
}
