/* test_tokenize.c -- UAX #29 tokens after normalization, against tests/golden/tokenize.tsv,
 * and the stems of tests/golden/stem.tsv. */
#include "normalize.h"
#include "stem.h"
#include "tokenize.h"

#include <stdlib.h>

#include "check.h"

static tsn_normalizer *norm;
static tsn_tokenizer *tok;
static tsn_stemmer *stem;
static tsn_tokens toks;

static const char *joined(const char *in)
{
    static char out[4096];
    static tsn_error err;
    size_t ulen;
    const uint16_t *u = tsn_normalizer_run(norm, in, strlen(in), &ulen, NULL, &err);
    if (u == NULL || tsn_tokenizer_run(tok, u, ulen, &toks, &err) != TSN_OK)
        return err.msg;
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < toks.n && n < sizeof out; i++)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? " | " : "",
                              tsn_tokens_str(&toks, i));
    return out;
}

static void tokenize_case(const char *in, const char *want, int line)
{
    const char *got = joined(in);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "  golden/tokenize.tsv:%d: got \"%s\", want \"%s\"\n", line, got, want);
        check_failures++;
    }
}

static void tokenize_matches_golden_file(void)
{
    CHECK(golden_each("tests/golden/tokenize.tsv", tokenize_case) > 4);
}

static void stem_case(const char *in, const char *want, int line)
{
    size_t n;
    tsn_error err = {0};
    tsn_token_kind kind = (in[0] & 0x80) ? TSN_TOK_ARABIC : TSN_TOK_LATIN;
    const char *got = tsn_stemmer_stem(stem, in, strlen(in), kind, &n, &err);
    if (got == NULL || strlen(got) != n || strcmp(got, want) != 0) {
        fprintf(stderr, "  golden/stem.tsv:%d: got \"%s\", want \"%s\"\n", line,
                got ? got : err.msg, want);
        check_failures++;
    }
}

static void stem_matches_golden_file(void)
{
    CHECK(golden_each("tests/golden/stem.tsv", stem_case) > 3);
}

static void class_and_number_tokens_are_not_stemmed(void)
{
    size_t n;
    tsn_error err = {0};
    CHECK_STR(tsn_stemmer_stem(stem, "<num>", 5, TSN_TOK_CLASS, &n, &err), "<num>");
}

static void clitic_splitting_shares_forms_and_spares_word_letters(void)
{
    /* input (normalized: teh marbuta folded to heh), expected */
    static const char *const cases[][2] = {
        {"والحكومه", "حكومه"}, {"بالحكومه", "حكومه"}, {"الحكومه", "حكومه"},
        {"للحكومه", "حكومه"},   {"حكومتها", "حكومه"},  {"وسياستنا", "سياسه"},
        {"كتابهم", "كتاب"},     {"فالمدينه", "مدينه"}, {"ولبنان", "لبنان"},
        /* protected: the letters belong to the word, or too little would remain */
        {"بريطانيا", "بريطانيا"}, {"لبنان", "لبنان"}, {"كتاب", "كتاب"}, {"وقال", "وقال"},
        {"الله", "الله"},         {"لهم", "لهم"},     {"منهم", "منهم"},  {"الان", "الان"},
    };
    char out[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = tsn_clitic_split(cases[i][0], strlen(cases[i][0]), true, out);
        if (n != strlen(out) || strcmp(out, cases[i][1]) != 0) {
            fprintf(stderr, "  %s -> %s, expected %s\n", cases[i][0], out, cases[i][1]);
            check_failures++;
        }
    }
    CHECK(tsn_clitic_split("حكومتها", strlen("حكومتها"), false, out) > 0 &&
          strcmp(out, "حكومة") == 0);
}

static void overlong_tokens_are_dropped(void)
{
    char big[400];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char in[600];
    snprintf(in, sizeof in, "x %s y", big);
    CHECK_STR(joined(in), "x | y");
}

static void empty_and_punctuation_only_text_has_no_tokens(void)
{
    CHECK_STR(joined(""), "");
    CHECK_STR(joined("،؛؟!... «»"), "");
}

static void punctuation_switch_keeps_marks_as_tokens(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.punctuation = true;
    tsn_tokenizer *saved = tok;
    tok = tsn_tokenizer_new(&c, NULL);
    CHECK_STR(joined("قال: «لا»، ثم غادر؟"), "قال | : | « | لا | » | ، | ثم | غادر | ؟");
    tsn_tokenizer_free(tok);
    tok = saved;
}

static void emoji_switch_keeps_emoji_with_their_modifiers(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.punctuation = false;
    c.emoji = true;
    tsn_tokenizer *saved = tok;
    tok = tsn_tokenizer_new(&c, NULL);
    CHECK_STR(joined("رائع 😂 جدا 👍🏽"), "رائع | 😂 | جدا | 👍🏽");
    tsn_tokenizer_free(tok);
    tok = saved;
}

int main(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.punctuation = false; /* the golden file lists words; punctuation and emoji have tests */
    c.emoji = false;
    tsn_error err = {0};
    norm = tsn_normalizer_new(&c, &err);
    tok = tsn_tokenizer_new(&c, &err);
    stem = tsn_stemmer_new(&err);
    tsn_tokens_init(&toks);
    if (norm == NULL || tok == NULL || stem == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    RUN(tokenize_matches_golden_file);
    RUN(stem_matches_golden_file);
    RUN(class_and_number_tokens_are_not_stemmed);
    RUN(clitic_splitting_shares_forms_and_spares_word_letters);
    RUN(overlong_tokens_are_dropped);
    RUN(empty_and_punctuation_only_text_has_no_tokens);
    RUN(punctuation_switch_keeps_marks_as_tokens);
    RUN(emoji_switch_keeps_emoji_with_their_modifiers);
    tsn_tokens_release(&toks);
    tsn_normalizer_free(norm);
    tsn_tokenizer_free(tok);
    tsn_stemmer_free(stem);
    DONE();
}
