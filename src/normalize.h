/* normalize.h -- UTF-8 text -> normalized UTF-16: NFKC and Arabic orthographic folding.
 *
 * First stage of the pipeline. Invalid UTF-8 is replaced with U+FFFD and counted (the caller
 * decides whether that is an error). The result stays in UTF-16 because the next stage,
 * tokenize, runs ICU's break iterator on it; tsn_normalizer_run_utf8() is the same in UTF-8,
 * for tests and for normalizing stop-word lists.
 * Ownership: results are views owned by the normalizer, valid until its next call or free.
 */
#ifndef TSN_NORMALIZE_H
#define TSN_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

typedef struct tsn_normalizer tsn_normalizer; /* opaque */

/* A new normalizer applying the folds switched on in cfg (copied). NULL with *err set on
 * failure. Release with tsn_normalizer_free(). */
tsn_normalizer *tsn_normalizer_new(const tsn_config *cfg, tsn_error *err);

/* Normalizes text[0..len). Returns the UTF-16 result (ICU UChar units) and its length in
 * *ulen; *n_invalid (may be NULL) gets the number of invalid UTF-8 sequences replaced.
 * NULL with *err set on failure (out of memory, ICU error, text over 256 MiB). */
const uint16_t *tsn_normalizer_run(tsn_normalizer *n, const char *text, size_t len,
                                   size_t *ulen, size_t *n_invalid, tsn_error *err);

/* The same, converted back to UTF-8 (NUL-terminated); *out_len gets its length in bytes. */
const char *tsn_normalizer_run_utf8(tsn_normalizer *n, const char *text, size_t len,
                                    size_t *out_len, tsn_error *err);

/* The Unicode version ICU implements, e.g. "15.0" (recorded in models). */
const char *tsn_unicode_version(void);

void tsn_normalizer_free(tsn_normalizer *n); /* NULL is a no-op */

#endif
