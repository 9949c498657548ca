/* dataset.h -- labeled and unlabeled examples in, from TSV, JSONL, fastText, plain text and
 * directories.
 *
 * Owns: tsn_dataset, a whole labeled dataset in memory. The rest of the family is declared
 * by the headers included below, so including this one still declares all of it:
 *   reader.h   formats, read options, examples and the streaming reader (tsn_reader_*)
 *   utf8.h     UTF-8 validation and whole-document checks (tsn_utf8_*, tsn_doc_check)
 *   dirlist.h  directory listings (tsn_dir_files, tsn_dir_list, tsn_path_join)
 * Ownership: tsn_dataset_load() -> tsn_dataset_release(); tsn_dataset owns copies of the
 * examples the reader lends it.
 */
#ifndef TSN_DATASET_H
#define TSN_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dirlist.h"
#include "error.h"
#include "reader.h"
#include "utf8.h"

/* A whole labeled dataset in memory. */
typedef struct {
    tsn_example *v; /* strings owned by the dataset */
    size_t n, cap;
    char *source; /* the path, as given */
    size_t invalid_lines;
    size_t ignored;      /* directory entries ignored (see tsn_reader_ignored) */
    char *ignored_first; /* the first of them, and why */
    bool pair;    /* examples carry claims */
    tsn_format format;
} tsn_dataset;

/* Reads every example of path. Examples must agree on having a claim or not. */
tsn_status tsn_dataset_load(tsn_dataset *d, const char *path, tsn_format fmt,
                            const tsn_read_opts *opts, tsn_error *err);
void tsn_dataset_release(tsn_dataset *d);
/* True when the claims of a pair dataset recur -- at most one distinct claim per 100 examples
 * (always for 10 or fewer), as the targets of target-specific stance do; true for single
 * texts. What config "auto" resolves claim_features and pair_features by. */
bool tsn_dataset_claims_recur(const tsn_dataset *d);

#endif
