/* utf8.h -- UTF-8 validation of text, and the checks of a whole-file document (no NUL byte,
 * not blank, valid UTF-8 in strict mode).
 *
 * Owns: tsn_utf8_valid, tsn_utf8_valid_prefix, tsn_doc_check. Nothing here allocates; every
 * pointer argument is borrowed for the call only.
 */
#ifndef TSN_UTF8_H
#define TSN_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* True when s[0..len) is valid UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
bool tsn_utf8_valid(const char *s, size_t len);
/* The length of the longest valid UTF-8 prefix of s[0..len): the offset of the first bad byte. */
size_t tsn_utf8_valid_prefix(const char *s, size_t len);

/* Checks a whole-file document s[0..len) named `name` (a `what`: "document", "article"): no
 * NUL byte, not empty or blank, and in strict mode valid UTF-8; errors name the line. In
 * lenient mode *invalid tells whether it holds invalid UTF-8 (to be replaced). */
tsn_status tsn_doc_check(const char *name, const char *what, const char *s, size_t len,
                         bool strict, bool *invalid, tsn_error *err);

#endif
