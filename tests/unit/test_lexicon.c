/* test_lexicon.c -- the pipeline's memo of stop-word flags and stems (lexicon.h): it answers
 * what the stop-word set and the stemmer answer, keys words by kind as well as bytes, and
 * keeps a document's answers valid until the next document even when it overflows. */
#include "lexicon.h"

#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "config.h"
#include "normalize.h"

typedef struct {
    const char *w;
    tsn_token_kind kind;
} word;

static void answers_as_the_stop_words_and_the_stemmer_do(void)
{
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    tsn_normalizer *n = tsn_normalizer_new(&c, &err);
    const char *list = "the\nفي\n<num>\n";
    tsn_stopwords *stop = tsn_stopwords_new(list, strlen(list), n, "list", &err);
    tsn_stemmer *s1 = tsn_stemmer_new(&err), *s2 = tsn_stemmer_new(&err);
    tsn_lexicon *lx = tsn_lexicon_new(s1, stop, &err);
    CHECK(n != NULL && stop != NULL && s1 != NULL && s2 != NULL && lx != NULL);
    if (lx == NULL || s2 == NULL)
        goto out;
    const word words[] = {{"hackers", TSN_TOK_LATIN},   {"the", TSN_TOK_LATIN},
                          {"والحكومة", TSN_TOK_ARABIC}, {"في", TSN_TOK_ARABIC},
                          {"اتهمت", TSN_TOK_ARABIC},    {"<num>", TSN_TOK_CLASS},
                          {"<num>", TSN_TOK_OTHER},     {"2024", TSN_TOK_NUMBER}};
    size_t nw = sizeof words / sizeof words[0];
    for (int pass = 0; pass < 2; pass++) { /* decided, then remembered */
        tsn_lexicon_begin(lx);
        for (size_t i = 0; i < nw; i++) {
            const char *w = words[i].w;
            size_t len = strlen(w), slen = 0;
            uint64_t h = tsn_lexicon_hash(words[i].kind, w, len);
            tsn_lexicon_prefetch(lx, h);
            tsn_lexicon_prefetch_word(lx, h);
            tsn_word got;
            CHECK(tsn_lexicon_find(lx, h, w, len, words[i].kind, &got, &err) == TSN_OK);
            /* a class token is never a stop word, whatever the list says */
            bool stop_want = words[i].kind != TSN_TOK_CLASS && tsn_stopwords_has(stop, w, len);
            CHECK(got.stop == stop_want);
            if (stop_want)
                continue;
            const char *want = tsn_stemmer_stem(s2, w, len, words[i].kind, &slen, &err);
            CHECK(got.stem_len == slen);
            CHECK_STR(tsn_lexicon_str(lx, got.stem), want);
        }
    }
    CHECK(tsn_lexicon_hash(TSN_TOK_CLASS, "<num>", 5) !=
          tsn_lexicon_hash(TSN_TOK_OTHER, "<num>", 5));
out:
    tsn_lexicon_free(lx);
    tsn_stemmer_free(s1);
    tsn_stemmer_free(s2);
    tsn_stopwords_free(stop);
    tsn_normalizer_free(n);
}

/* More words than the memo holds within one document: the first word's stem is still there
 * until the next document begins; then the memo starts over and still answers. */
static void a_full_memo_starts_over_only_between_documents(void)
{
    tsn_error err = {0};
    tsn_config c;
    tsn_config_init(&c);
    tsn_normalizer *n = tsn_normalizer_new(&c, &err);
    tsn_stopwords *stop = tsn_stopwords_new("", 0, n, "list", &err);
    tsn_stemmer *st = tsn_stemmer_new(&err);
    tsn_lexicon *lx = tsn_lexicon_new(st, stop, &err);
    CHECK(lx != NULL);
    if (lx == NULL)
        goto out;
    tsn_lexicon_begin(lx);
    tsn_word first = {0}, w;
    char buf[32];
    bool ok = true;
    for (size_t i = 0; ok && i < TSN_LEXICON_MAX + 10; i++) {
        int len = snprintf(buf, sizeof buf, "w%zu", i);
        ok = tsn_lexicon_find(lx, tsn_lexicon_hash(TSN_TOK_OTHER, buf, (size_t)len), buf,
                              (size_t)len, TSN_TOK_OTHER, i == 0 ? &first : &w, &err) == TSN_OK;
    }
    CHECK(ok);
    CHECK_STR(tsn_lexicon_str(lx, first.stem), "w0");
    tsn_lexicon_begin(lx); /* full: starts over */
    CHECK(tsn_lexicon_find(lx, tsn_lexicon_hash(TSN_TOK_LATIN, "banks", 5), "banks", 5,
                           TSN_TOK_LATIN, &w, &err) == TSN_OK);
    CHECK_STR(tsn_lexicon_str(lx, w.stem), "bank");
    CHECK(w.stem == 6); /* the strings start over too: "banks\0" then the stem */
out:
    tsn_lexicon_free(lx);
    tsn_stemmer_free(st);
    tsn_stopwords_free(stop);
    tsn_normalizer_free(n);
}

int main(void)
{
    RUN(answers_as_the_stop_words_and_the_stemmer_do);
    RUN(a_full_memo_starts_over_only_between_documents);
    DONE();
}
