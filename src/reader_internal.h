/* reader_internal.h -- the reader's private header: the structure its two files share, and
 * what one of them defines for the other. reader.c opens inputs and reads lines (files,
 * streams, label directories, encoding checks, format detection); records.c parses one line of
 * each format into a tsn_example. No other module includes it.
 * cJSON stays inside records.c: the structure names its type only as struct cJSON.
 * Ownership is as in reader.h: a tsn_reader's fields belong to it and tsn_reader_close()
 * frees them.
 */
#ifndef TSN_READER_INTERNAL_H
#define TSN_READER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "reader.h"

struct cJSON;

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
    struct cJSON *json; /* the last JSONL object */
    char idbuf[128];
    char *labbuf;   /* JSONL "labels", joined by TSN_LABEL_SEP */
    size_t labcap;
    char *fixbuf;   /* the last example's label and id, invalid UTF-8 replaced */
    size_t fixcap;
    /* directories */
    char **files, **labels;
    size_t nfiles, fi;
    char *doc;
    size_t doc_cap;
    size_t invalid;
    size_t ignored;          /* directory entries that hold no document */
    char ignored_first[512]; /* the first of them, and why */
};

/* ---- Records (records.c) ---- */

/* Each parses the line in r->line[0..r->len) (NUL-terminated), which it may rewrite in place,
 * into *ex: the label, claim and text of one example of its format, checked as the format
 * requires. *ex's strings are views of the line or of r's buffers, valid until the next line.
 * Errors name r->path and r->lineno. */
tsn_status tsn_reader_parse_tsv(tsn_reader *r, tsn_example *ex, tsn_error *err);
tsn_status tsn_reader_parse_fasttext(tsn_reader *r, tsn_example *ex, tsn_error *err);
tsn_status tsn_reader_parse_jsonl(tsn_reader *r, tsn_example *ex, tsn_error *err);
tsn_status tsn_reader_parse_text(tsn_reader *r, tsn_example *ex, tsn_error *err);

/* True when the label s[0..len) holds a byte below 0x20: a tab or a line break, which would
 * break TSV and text output, TSN_LABEL_SEP, which joins the labels of a multi-label example,
 * or another control character. Every format refuses such a label (several labels each on its
 * own, before they are joined); the caller names the place. */
bool tsn_label_has_control(const char *s, size_t len);

/* True when s[0..len) parses as a JSON object: format detection's test for a line that opens
 * with a brace but does not close with one. */
bool tsn_reader_is_json_object(const char *s, size_t len);

/* Releases what the parsers keep on r (the last JSON object, the joined labels), for
 * tsn_reader_close(). */
void tsn_reader_parse_release(tsn_reader *r);

#endif
