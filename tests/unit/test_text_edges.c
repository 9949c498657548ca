/* test_text_edges.c -- the text pipeline's pieces at their edges, driven directly: the
 * normalizer's buffers outgrown by NFKC and case folding, invisible characters, the
 * tokenizer's rarely taken paths (lone surrogates, upper-case URLs, long numbers, Arabic
 * presentation forms), stop-word lists written loosely, config values out of range or of the
 * wrong kind, whole-file reads of what is not a file, document checks, pair datasets, and
 * invalid UTF-8 in labels repaired as ICU repairs it in text. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unicode/ustring.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "dataset.h"
#include "fileio.h"
#include "normalize.h"
#include "stem.h"
#include "stopwords.h"
#include "tokenize.h"
#include "utf8.h"

static char dir[64];

static const char *at(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

/* The normalized UTF-8 of s under c. */
static const char *norm(tsn_normalizer *n, const char *s, size_t *len)
{
    tsn_error err = {0};
    const char *out = tsn_normalizer_run_utf8(n, s, strlen(s), len, &err);
    if (out == NULL)
        fprintf(stderr, "  %s\n", err.msg);
    return out;
}

static void nfkc_and_case_folding_outgrow_their_buffers(void)
{
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    tsn_normalizer *n = tsn_normalizer_new(&c, &err);
    CHECK(n != NULL);
    if (n == NULL)
        return;
    /* U+FDFA (a ligature of 18 letters) forty times: NFKC makes the text much longer */
    char in[40 * 3 + 1];
    for (int i = 0; i < 40; i++)
        memcpy(in + 3 * i, "\xEF\xB7\xBA", 3);
    in[120] = '\0';
    size_t len = 0;
    const char *out = norm(n, in, &len);
    CHECK(out != NULL && len > 40 * 18 && memcmp(out, "\xD8\xB5\xD9\x84", 4) == 0 &&
          tsn_utf8_valid(out, len));
    /* sharp s folds to "ss": case folding doubles the text */
    char ss[200 * 2 + 1];
    for (int i = 0; i < 200; i++)
        memcpy(ss + 2 * i, "\xC3\x9F", 2);
    ss[400] = '\0';
    out = norm(n, ss, &len);
    CHECK(out != NULL && len == 400 && strspn(out, "s") == 400);
    /* U+0390 (two bytes) folds to three code units: past a fresh normalizer's buffer */
    char iota[200 * 2 + 1];
    for (int i = 0; i < 200; i++)
        memcpy(iota + 2 * i, "\xCE\x90", 2);
    iota[400] = '\0';
    tsn_normalizer *fresh = tsn_normalizer_new(&c, &err);
    out = fresh == NULL ? NULL : norm(fresh, iota, &len);
    CHECK(out != NULL && len == 1200 && memcmp(out, "\xCE\xB9\xCC\x88\xCC\x81", 6) == 0 &&
          memcmp(out + 1194, "\xCE\xB9\xCC\x88\xCC\x81", 6) == 0);
    tsn_normalizer_free(fresh);
    /* invisible format characters go, whatever the switches */
    out = norm(n, "a\xE2\x81\xA6" "b\xE2\x81\xA9" "c\xE2\x80\x8B" "d\xC2\xAD" "e", &len);
    CHECK(out != NULL && len == 5 && memcmp(out, "abcde", 5) == 0);
    /* a text over the limit is refused before any byte of it is read */
    CHECK(tsn_normalizer_run(n, in, ((size_t)1 << 28) + 1, &len, NULL, &err) == NULL &&
          strstr(err.msg, "over the 256 MiB limit") != NULL);
    tsn_normalizer_free(n);
}

/* The tokens of the UTF-16 text u[0..n) under c, joined by spaces. */
static const char *tokens_of(const tsn_config *c, const uint16_t *u, size_t n)
{
    static char buf[2048];
    tsn_error err = {0};
    tsn_tokenizer *t = tsn_tokenizer_new(c, &err);
    tsn_tokens toks;
    tsn_tokens_init(&toks);
    buf[0] = '\0';
    if (t != NULL && tsn_tokenizer_run(t, u, n, &toks, &err) == TSN_OK) {
        size_t len = 0;
        for (size_t i = 0; i < toks.n && len < sizeof buf; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? " " : "",
                                    tsn_tokens_str(&toks, i));
    }
    tsn_tokens_release(&toks);
    tsn_tokenizer_free(t);
    return buf;
}

/* ASCII (and \uXXXX-free) text as UTF-16. */
static size_t u16(const char *s, uint16_t *u)
{
    size_t n = 0;
    for (; *s; s++)
        u[n++] = (unsigned char)*s;
    return n;
}

static void the_tokenizer_at_its_edges(void)
{
    tsn_config c;
    tsn_config_init(&c);
    uint16_t u[256];
    size_t n = u16("see HTTP://X.Y/Z and WWW.x.org, a@b mail a@b.c\v@me", u);
    CHECK_STR(tokens_of(&c, u, n), "see <url> and <url> a@b mail <email> <user>");
    /* a lone surrogate between letters ends the word and is dropped, never written out as
     * broken UTF-8 */
    uint16_t w[] = {'a', 0xD800, 'b'};
    CHECK_STR(tokens_of(&c, w, 3), "a b");
    /* numbers kept as written, unless longer than a token may be */
    c.number_class = false;
    char digits[100];
    memset(digits, '7', 70);
    strcpy(digits + 70, " 42");
    n = u16(digits, u);
    CHECK_STR(tokens_of(&c, u, n), "42");
    /* Arabic presentation forms and the supplement blocks are Arabic words */
    uint16_t ar[] = {0xFEB3, 0xFEE0, ' ', 0x0750, 0x0751, ' ', 0x08A0, 0x08A1, ' ', 0xFB50, 0xFB51};
    tsn_error err = {0};
    tsn_tokenizer *tk = tsn_tokenizer_new(&c, &err);
    tsn_tokens toks;
    tsn_tokens_init(&toks);
    CHECK(tk != NULL && tsn_tokenizer_run(tk, ar, 11, &toks, &err) == TSN_OK);
    CHECK(toks.n >= 3);
    for (size_t i = 0; i < toks.n; i++)
        CHECK(toks.v[i].kind == TSN_TOK_ARABIC);
    /* fullwidth Latin is a word of another script; a control character separates words */
    uint16_t fw[] = {0xFF21, 0xFF22, 0x01, 'c', 'd'};
    CHECK(tk != NULL && tsn_tokenizer_run(tk, fw, 5, &toks, &err) == TSN_OK && toks.n == 2 &&
          toks.v[0].kind == TSN_TOK_OTHER && toks.v[1].kind == TSN_TOK_LATIN);
    /* a face is a token; a ZWJ sequence longer than 16 units is not; nor is a lead surrogate
     * at the very end */
    uint16_t fam[] = {0xD83D, 0xDE00, ' ', 0xD83D, 0xDC68, 0x200D, 0xD83D, 0xDC69, 0x200D,
                      0xD83D, 0xDC67, 0x200D, 0xD83D, 0xDC66, 0x200D, 0xD83D, 0xDC68, 0x200D,
                      0xD83D, 0xDC69, ' ', 'x', 0xD83D};
    CHECK(tk != NULL && tsn_tokenizer_run(tk, fam, 23, &toks, &err) == TSN_OK && toks.n == 2 &&
          toks.v[0].kind == TSN_TOK_PUNCT && toks.v[1].kind == TSN_TOK_LATIN);
    /* no emoji switch: a face is dropped; no punctuation switch: so is a mark */
    c.emoji = false;
    c.punctuation = false;
    tsn_tokenizer_free(tk);
    tk = tsn_tokenizer_new(&c, &err);
    uint16_t e[] = {'h', 'i', ' ', 0xD83D, 0xDE00, ' ', '!'};
    CHECK(tk != NULL && tsn_tokenizer_run(tk, e, 7, &toks, &err) == TSN_OK && toks.n == 1);
    tsn_tokens_release(&toks);
    tsn_tokenizer_free(tk);
}

static void stemming_other_scripts_is_the_identity(void)
{
    tsn_error err = {0};
    tsn_stemmer *s = tsn_stemmer_new(&err);
    CHECK(s != NULL);
    if (s == NULL)
        return;
    size_t len = 0;
    const char *w = "\xD0\xBA\xD0\xBE\xD1\x82"; /* кот */
    CHECK(tsn_stemmer_stem(s, w, strlen(w), TSN_TOK_OTHER, &len, &err) == w && len == 6);
    const char *a = tsn_stemmer_stem(s, "running", 7, TSN_TOK_LATIN, &len, &err);
    CHECK(a != NULL && len == 3 && memcmp(a, "run", 3) == 0);
    tsn_stemmer_free(s);
}

static void stop_word_lists_written_loosely(void)
{
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    tsn_normalizer *n = tsn_normalizer_new(&c, &err);
    /* comments, CR line ends, leading tabs and CRs, duplicates, and no final line break */
    const char *text = "# a list\n\r\tfoo # trailing\r\nbar\nfoo\n   \nBAZ";
    tsn_stopwords *s = tsn_stopwords_new(text, strlen(text), n, "list", &err);
    CHECK(s != NULL && tsn_stopwords_count(s) == 3);
    CHECK(s != NULL && tsn_stopwords_has(s, "foo", 3) && tsn_stopwords_has(s, "baz", 3) &&
          !tsn_stopwords_has(s, "", 0) && !tsn_stopwords_has(s, "qux", 3));
    tsn_stopwords_free(s);
    tsn_normalizer_free(n);
}

static void expect_set_error(const char *name, const char *value, const char *want)
{
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    CHECK(tsn_config_set(&c, name, value, &err) == TSN_ERR_ARG);
    if (strstr(err.msg, want) == NULL) {
        fprintf(stderr, "  %s=%s: \"%s\" lacks \"%s\"\n", name, value, err.msg, want);
        check_failures++;
    }
}

static void expect_parse_error(const char *json, const char *want)
{
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    CHECK(tsn_config_parse(&c, json, strlen(json), "cfg.json", &err) != TSN_OK);
    if (strstr(err.msg, want) == NULL || strstr(err.msg, "cfg.json") == NULL) {
        fprintf(stderr, "  %s: \"%s\" lacks \"%s\"\n", json, err.msg, want);
        check_failures++;
    }
}

static void config_values_out_of_range_or_of_the_wrong_kind(void)
{
    expect_set_error("C", "0", "C must be between 1e-06 and 1e+06, not 0");
    expect_set_error("C", "1e7", "C must be between 1e-06 and 1e+06, not 1e+07");
    expect_set_error("C", "1e999", "C must be a number, not \"1e999\"");
    expect_set_error("C", "", "C must be a number, not \"\"");
    expect_set_error("min-df", "2x", "min_df must be a number, not \"2x\"");
    expect_set_error("min_df", "2.5", "min_df must be an integer, not 2.5");
    expect_set_error("nfk", "true", "unknown option \"nfk\"");
    expect_set_error("nfkcx", "true", "unknown option \"nfkcx\"");
    expect_set_error("stopwords", "", "stopwords: value must be 1 to");
    CHECK(tsn_config_option(tsn_config_n_options()) == NULL);
    expect_parse_error("{\"units\": true}", "\"units\" must be a string");
    expect_parse_error("{\"C\": 5} x", "cfg.json:1: trailing data after the JSON object");
    expect_parse_error("\n\n[1", "cfg.json:3: invalid JSON");
    expect_parse_error("[]", "a config must be a JSON object");
    expect_parse_error("{\"word_ngram_min\": 3, \"word_ngram_max\": 2}", "word_ngram_max (2)");
    expect_parse_error("{\"prune_weights\": -0.5}", "prune_weights is a fraction");
    expect_parse_error("{\"multi_label\": true, \"solver\": \"mcsvm\"}", "one-vs-rest");
    /* a switch that became an enum still takes false and true; comments are skipped; CRs and
     * tabs may follow the object */
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    const char *ok = "{\"_comment\": 5, \"claim_features\": false, \"pair_features\": true}\r\n\t";
    CHECK(tsn_config_parse(&c, ok, strlen(ok), "cfg.json", &err) == TSN_OK &&
          c.claim_features == TSN_CLAIM_OFF && c.pair_features == TSN_CLAIM_ON);
    /* a config file that is a directory, or too large to be one */
    CHECK(tsn_config_load(&c, dir, &err) == TSN_ERR_IO && strstr(err.msg, "read error") != NULL);
    FILE *f = fopen(at("huge.json"), "wb");
    CHECK(f != NULL && ftruncate(fileno(f), ((off_t)1 << 24) + 10) == 0);
    if (f != NULL)
        fclose(f);
    CHECK(tsn_config_load(&c, at("huge.json"), &err) == TSN_ERR_FORMAT &&
          strstr(err.msg, "huge.json: config file too large") != NULL);
    unlink(at("huge.json"));
}

static void whole_file_reads_and_document_checks(void)
{
    char *buf = NULL;
    size_t len = 0;
    tsn_error err = {0};
    CHECK(tsn_read_path(dir, 1000, &buf, &len, &err) == TSN_ERR_IO &&
          strstr(err.msg, "read error: Is a directory") != NULL);
    CHECK(tsn_read_path(at("none"), 1000, &buf, &len, &err) == TSN_ERR_IO &&
          strstr(err.msg, "No such file or directory") != NULL);
    bool invalid = false;
    CHECK(tsn_doc_check("doc", "document", "a\nb\nc\0d", 7, false, &invalid, &err) != TSN_OK &&
          strcmp(err.msg, "doc:3: NUL byte in text") == 0);
    CHECK(tsn_doc_check("doc", "document", "a\n\xFF", 3, true, &invalid, &err) != TSN_OK &&
          strcmp(err.msg, "doc:2: invalid UTF-8") == 0);
    CHECK(tsn_doc_check("doc", "document", "a\n\xFF", 3, false, &invalid, &err) == TSN_OK &&
          invalid);
    CHECK(tsn_doc_check("doc", "article", " \n\t", 3, false, &invalid, &err) != TSN_OK &&
          strcmp(err.msg, "doc: empty article") == 0);
}

static void pair_datasets_and_missing_files(void)
{
    tsn_dataset d;
    CHECK(tsn_dataset_load(&d, at("none.tsv"), TSN_FMT_AUTO, NULL, NULL) == TSN_ERR_IO);
    /* a pair dataset built by hand: no examples, or examples without claims */
    memset(&d, 0, sizeof d);
    d.pair = true;
    CHECK(tsn_dataset_claims_recur(&d));
    tsn_example v[12];
    memset(v, 0, sizeof v);
    d.v = v;
    d.n = 12;
    CHECK(tsn_dataset_claims_recur(&d)); /* no claim at all: one claim, "" */
    char claims[12][16];
    for (int i = 0; i < 12; i++) {
        snprintf(claims[i], sizeof claims[i], "c%d", i);
        v[i].claim = claims[i];
        v[i].claim_len = strlen(claims[i]);
    }
    CHECK(!tsn_dataset_claims_recur(&d)); /* twelve distinct claims in twelve examples */
}

/* tsn_utf8_repair() replaces what ICU replaces, one U+FFFD for each maximal subpart: a label
 * reads as the text of a document holding the same bytes does. */
static void labels_are_repaired_as_icu_repairs_text(void)
{
    static const char *const cases[] = {
        "sports",
        "spo\xFFrts",                  /* a byte never in UTF-8 */
        "\xC0\xAF|\xE0\x80\xAF",       /* overlong: each byte its own subpart */
        "\xED\xA0\x80\xED\xBF\xBF",       /* surrogates */
        "\xE2\x82|\xF0\x9F\x98|\xF4\x90", /* cut sequences; F4 90 above U+10FFFF */
        "\xF5\x80\x80\x80\xFE",          /* above F4 */
        "\xD9\x81\xD8\xA7\xD8\xB2\xC3",   /* Arabic, then a lead byte at the end */
        "\x80\xBF\xE0\xA0",              /* stray continuation bytes; cut at the end */
        "\xED\xA0|\xF0\x80\x80|\xF4\x8F\xBF|\xE0\x9F\x80", /* second bytes out of range */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *in = cases[i];
        size_t len = strlen(in);
        char got[64], want[64];
        UChar u[64];
        int32_t ulen = 0, wlen = 0;
        UErrorCode st = U_ZERO_ERROR;
        u_strFromUTF8WithSub(u, 64, &ulen, in, (int32_t)len, 0xFFFD, NULL, &st);
        u_strToUTF8(want, 64, &wlen, u, ulen, &st);
        CHECK(U_SUCCESS(st));
        size_t n = tsn_utf8_repair(in, len, got);
        CHECK(n == (size_t)wlen && got[n] == '\0' && memcmp(got, want, n) == 0 &&
              tsn_utf8_valid(got, n));
    }
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/tsn_edges.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(nfkc_and_case_folding_outgrow_their_buffers);
    RUN(the_tokenizer_at_its_edges);
    RUN(stemming_other_scripts_is_the_identity);
    RUN(stop_word_lists_written_loosely);
    RUN(config_values_out_of_range_or_of_the_wrong_kind);
    RUN(whole_file_reads_and_document_checks);
    RUN(pair_datasets_and_missing_files);
    RUN(labels_are_repaired_as_icu_repairs_text);
    rmdir(dir);
    DONE();
}
