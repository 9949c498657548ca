/* utf8.h -- UTF-8 validation and repair of text, and the checks of a whole-file document (no NUL byte,
 * not blank, valid UTF-8 in strict mode).
 *
 * Owns: tsn_utf8_valid, tsn_utf8_valid_prefix, tsn_utf8_repair, tsn_doc_check. Nothing here allocates; every
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

/* Copies s[0..len) to out with each maximal ill-formed subsequence replaced by U+FFFD (Unicode
 * 15.0, section 3.9, "U+FFFD Substitution of Maximal Subparts": the practice of ICU's
 * u_strFromUTF8WithSub(), which replaces them in the text of documents), then a NUL. out must
 * hold 3 * len + 1 bytes (each bad byte may become three). Returns the length written. For
 * the strings that reach output unnormalized: labels and ids. */
size_t tsn_utf8_repair(const char *s, size_t len, char *out);

/* Checks a whole-file document s[0..len) named `name` (a `what`: "document", "article"): no
 * NUL byte, not empty or blank, and in strict mode valid UTF-8; errors name the line. In
 * lenient mode *invalid tells whether it holds invalid UTF-8 (to be replaced). */
tsn_status tsn_doc_check(const char *name, const char *what, const char *s, size_t len,
                         bool strict, bool *invalid, tsn_error *err);

#endif
