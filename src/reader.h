/* reader.h -- streaming readers of labeled and unlabeled examples, from TSV, JSONL, fastText,
 * plain text and directories.
 *
 * Owns: tsn_format and its names, tsn_read_opts, tsn_example, tsn_reader.
 * Formats (TSN_FMT_AUTO detects them from a directory or the first non-blank line):
 *   tsv       label<TAB>text, or label<TAB>claim<TAB>text (every line the same)
 *   jsonl     {"label": "...", "text": "...", "claim": "...", "id": ...}; other keys ignored;
 *             "labels": ["...", ...] in place of "label"
 *   fasttext  __label__X text (__label__X __label__Y text: several labels)
 *   text      one unlabeled document per line (claim<TAB>text for pair models)
 *   dir       DIR/<label>/<file>: one document per file, read in sorted order
 * A UTF-8 BOM and CR before LF are dropped. Invalid UTF-8 is counted (strict mode: an
 * error naming the file and line); the normalizer later replaces it with U+FFFD.
 * Ownership: tsn_reader_open() -> tsn_reader_close(); an example returned by
 * tsn_reader_next() is a view valid until the next call.
 */
#ifndef TSN_READER_H
#define TSN_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

typedef enum {
    TSN_FMT_AUTO,
    TSN_FMT_TSV,
    TSN_FMT_JSONL,
    TSN_FMT_FASTTEXT,
    TSN_FMT_TEXT,
    TSN_FMT_DIR
} tsn_format;

/* Parses "auto", "tsv", "jsonl", "fasttext", "text", "dir"; -1 when unknown. */
int tsn_format_parse(const char *name);
const char *tsn_format_name(tsn_format f);

typedef struct {
    bool strict;          /* invalid UTF-8 is an error instead of being replaced */
    size_t max_doc_bytes; /* longer lines or files are an error; 0 = default (16 MiB) */
    bool pair;            /* text format: lines are claim<TAB>text */
    bool multi_label;     /* examples may carry several labels (see TSN_LABEL_SEP) */
    char label_sep;       /* multi-label TSV: what separates labels (0: ',') */
    bool keep_blank;      /* text format: a blank line is an empty document, not skipped */
} tsn_read_opts;

/* In multi-label mode an example's label string lists its labels, the first one the primary,
 * separated by this byte (ASCII unit separator), whatever the input format wrote: TSV
 * `a,b<TAB>text`, JSONL `"labels": ["a", "b"]`, fastText `__label__a __label__b text`. A
 * label may not contain it. Without multi-label, several labels on one example are an error. */
#define TSN_LABEL_SEP '\x1f'

typedef struct {
    const char *label; /* NULL when the format carries none */
    const char *claim; /* NULL when none */
    const char *text;
    size_t claim_len, text_len;
    const char *id;    /* JSONL "id" as text (a number as its source text), or NULL */
    bool id_number;    /* the id was a JSON number: written back unquoted */
    const char *source;
    size_t line;       /* 1-based line in source; 0 for one-file documents */
} tsn_example;

typedef struct tsn_reader tsn_reader; /* opaque */

/* Opens path ("-" or NULL: standard input) in format fmt; `labeled` requires a label on every
 * example (training and evaluation). NULL with *err set. */
tsn_reader *tsn_reader_open(const char *path, tsn_format fmt, bool labeled,
                            const tsn_read_opts *opts, tsn_error *err);
/* The same on an open stream (not closed by the reader); `name` names it in messages. */
tsn_reader *tsn_reader_open_stream(FILE *f, const char *name, tsn_format fmt, bool labeled,
                                   const tsn_read_opts *opts, tsn_error *err);
/* Reads the next example into *ex. Sets *done at the end of input (ex untouched). */
tsn_status tsn_reader_next(tsn_reader *r, tsn_example *ex, bool *done, tsn_error *err);
tsn_format tsn_reader_format(const tsn_reader *r);
/* The name the reader gives its input in messages: the path as given, "<stdin>", or the
 * stream's name. Owned by the reader, valid until tsn_reader_close(). */
const char *tsn_reader_name(const tsn_reader *r);
size_t tsn_reader_invalid_lines(const tsn_reader *r); /* lines with invalid UTF-8 so far */
/* Counts n lines of a stream as read before the reader was opened on it (blank lines a caller
 * consumed to tell its format), so the line numbers of examples and messages are those of the
 * whole stream. Call it before the first tsn_reader_next(). */
void tsn_reader_skip_lines(tsn_reader *r, size_t n);
/* Directory datasets: entries ignored because they hold no document (a file outside a label
 * directory, an empty label directory); *first describes the first of them. */
size_t tsn_reader_ignored(const tsn_reader *r, const char **first);
void tsn_reader_close(tsn_reader *r);                 /* NULL is a no-op */

#endif
