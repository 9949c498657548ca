/* tokenize.h -- normalized UTF-16 text -> word tokens (UTF-8), with ICU's word break
 * iterator (UAX #29).
 *
 * Second stage of the pipeline. Punctuation and spaces are dropped; numbers, URLs, e-mail
 * addresses and @mentions can be replaced by class tokens; words joined by '_' (hashtags such
 * as #a_b_c) are split; tokens longer than TSN_TOKEN_MAX_UNITS are dropped as debris.
 * Ownership: a tsn_tokens list is caller-owned (tsn_tokens_init / tsn_tokens_release);
 * tsn_tokenizer_run() resets it and appends.
 */
#ifndef TSN_TOKENIZE_H
#define TSN_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

#define TSN_TOKEN_MAX_UNITS 64

typedef enum {
    TSN_TOK_ARABIC, /* a word with Arabic letters */
    TSN_TOK_LATIN,  /* a word in Latin letters */
    TSN_TOK_OTHER,  /* a word in another script */
    TSN_TOK_NUMBER, /* digits (kept as written when number_class is off) */
    TSN_TOK_CLASS,  /* a class token: <num>, <url>, <email>, <user> */
    TSN_TOK_PUNCT   /* a punctuation mark (when the punctuation switch is on) */
} tsn_token_kind;

typedef struct {
    size_t off;          /* start of the token's UTF-8 text in tsn_tokens.text */
    uint32_t len;        /* its length in bytes */
    tsn_token_kind kind;
} tsn_token;

typedef struct {
    tsn_token *v;   /* tokens in text order */
    size_t n, cap;
    char *text;     /* UTF-8 of all tokens, each followed by a NUL */
    size_t len, text_cap;
} tsn_tokens;

void tsn_tokens_init(tsn_tokens *t);
void tsn_tokens_reset(tsn_tokens *t); /* empties the list, keeps capacity */
void tsn_tokens_release(tsn_tokens *t);
/* The text of token i (NUL-terminated). */
static inline const char *tsn_tokens_str(const tsn_tokens *t, size_t i)
{
    return t->text + t->v[i].off;
}
/* Appends a token with the given text (used by the tokenizer and by tests). */
tsn_status tsn_tokens_push(tsn_tokens *t, const char *s, size_t len, tsn_token_kind kind,
                           tsn_error *err);

typedef struct tsn_tokenizer tsn_tokenizer; /* opaque */

/* A new tokenizer for cfg's number_class and url_class switches. Release with
 * tsn_tokenizer_free(). NULL with *err set on failure. */
tsn_tokenizer *tsn_tokenizer_new(const tsn_config *cfg, tsn_error *err);
/* Tokenizes u[0..ulen) (UTF-16) into *out, which is reset first. */
tsn_status tsn_tokenizer_run(tsn_tokenizer *t, const uint16_t *u, size_t ulen, tsn_tokens *out,
                             tsn_error *err);
void tsn_tokenizer_free(tsn_tokenizer *t); /* NULL is a no-op */

#endif
