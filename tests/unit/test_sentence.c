/* test_sentence.c -- sentence splitting on Arabic news text, against
 * tests/golden/sentences.tsv, and offsets that slice the input exactly. */
#include "sentence.h"

#include <stdlib.h>

#include "check.h"

static tsn_splitter *sp;

static void unescape(const char *in, char *out, size_t size)
{
    size_t j = 0;
    for (size_t i = 0; in[i] && j + 1 < size; i++) {
        if (in[i] == '\\' && in[i + 1] == 'n') {
            out[j++] = '\n';
            i++;
        } else {
            out[j++] = in[i];
        }
    }
    out[j] = '\0';
}

static void golden_case(const char *in, const char *want, int line)
{
    char text[4096], got[8192];
    unescape(in, text, sizeof text);
    const tsn_span *s;
    size_t n, k = 0;
    tsn_error err = {0};
    if (tsn_splitter_run(sp, text, strlen(text), &s, &n, &err) != TSN_OK) {
        fprintf(stderr, "  golden/sentences.tsv:%d: %s\n", line, err.msg);
        check_failures++;
        return;
    }
    got[0] = '\0';
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(got + k, sizeof got - k, "%s%.*s", i ? " || " : "",
                              (int)(s[i].end - s[i].start), text + s[i].start);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "  golden/sentences.tsv:%d:\n    got  %s\n    want %s\n", line, got, want);
        check_failures++;
    }
}

static void sentences_match_golden_file(void)
{
    CHECK(golden_each("tests/golden/sentences.tsv", golden_case) >= 6);
}

static void spans_are_ordered_and_inside_the_text(void)
{
    FILE *f = fopen("tests/data/article.txt", "rb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    static char buf[65536];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const tsn_span *s;
    size_t n;
    CHECK(tsn_splitter_run(sp, buf, len, &s, &n, NULL) == TSN_OK);
    CHECK(n >= 5);
    for (size_t i = 0; i < n; i++) {
        CHECK(s[i].start < s[i].end && s[i].end <= len);
        CHECK(i == 0 || s[i].start >= s[i - 1].end);
        CHECK(buf[s[i].start] != ' ' && buf[s[i].end - 1] != '\n');
    }
}

static void empty_and_invalid_input_do_not_fail(void)
{
    const tsn_span *s;
    size_t n = 9;
    CHECK(tsn_splitter_run(sp, "", 0, &s, &n, NULL) == TSN_OK && n == 0);
    CHECK(tsn_splitter_run(sp, " \n\t ", 4, &s, &n, NULL) == TSN_OK && n == 0);
    CHECK(tsn_splitter_run(sp, "a\xff\xfe. B", 7, &s, &n, NULL) == TSN_OK && n == 2);
}

/* A stray quote mark (an inch sign, an unmatched ") holds sentences together only within a
 * bounded reach, never for the rest of a paragraph. */
static void a_stray_quote_mark_does_not_swallow_the_paragraph(void)
{
    static char buf[8192];
    size_t len = (size_t)snprintf(buf, sizeof buf, "%s", "شاشة قياسها 55\" بدقة عالية. ");
    for (int i = 0; i < 30; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "وقال المسؤول إن العمل مستمر %d. ", i);
    const tsn_span *s;
    size_t n;
    CHECK(tsn_splitter_run(sp, buf, len, &s, &n, NULL) == TSN_OK);
    CHECK(n >= 25);
    for (size_t i = 0; i < n; i++)
        CHECK(s[i].end - s[i].start <= 600);
}

/* Text with no punctuation and no line breaks is cut at white space, not kept whole. */
static void unpunctuated_text_is_cut_at_a_maximum_length(void)
{
    static char buf[16384];
    size_t len = 0;
    for (int i = 0; i < 1000; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", "كلمة ");
    const tsn_span *s;
    size_t n, covered = 0;
    CHECK(tsn_splitter_run(sp, buf, len, &s, &n, NULL) == TSN_OK);
    CHECK(n >= 8); /* 9,000 bytes in pieces of at most 1,200 */
    for (size_t i = 0; i < n; i++) {
        CHECK(s[i].end - s[i].start <= 1200);
        CHECK(buf[s[i].start] != ' ' && buf[s[i].end - 1] != ' ');
        covered += s[i].end - s[i].start;
    }
    CHECK(covered + n >= len - 1); /* every word is in a sentence */
}

/* Invalid UTF-8 (cut sequences, surrogates, overlong forms, bytes above F4) next to spaces
 * and stops: spans stay inside the text, in order, never empty, and the bytes are kept. */
static void invalid_utf8_near_stops_stays_in_bounds(void)
{
    static const struct {
        const char *text;
        size_t want;
    } cases[] = {
        {"\xd9\x83\xd9\x84\xd9\x85\xd8\xa9\xe2\x80 . \xd8\xa8\xf0\x9f. \xd8\xac\xed\xa0\x80. "
         "\xd8\xaf\xc0\xaf. \xff",
         5},
        {"\xe2\x80", 1},
        {"\xf0\x9f\x98", 1},
        {"a \xf4\x90\x80\x80. b", 1},
        {"\x80\x80 \xe2\x80\xa8\xe2\x80", 2},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *t = cases[c].text;
        size_t len = strlen(t), n = 0;
        const tsn_span *s;
        CHECK(tsn_splitter_run(sp, t, len, &s, &n, NULL) == TSN_OK);
        if (n != cases[c].want) {
            fprintf(stderr, "  case %zu: %zu sentences, want %zu\n", c, n, cases[c].want);
            check_failures++;
        }
        for (size_t i = 0; i < n; i++) {
            CHECK(s[i].start < s[i].end && s[i].end <= len);
            CHECK(i == 0 || s[i].start >= s[i - 1].end);
        }
    }
}

int main(void)
{
    tsn_error err = {0};
    if ((sp = tsn_splitter_new(&err)) == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    RUN(sentences_match_golden_file);
    RUN(spans_are_ordered_and_inside_the_text);
    RUN(empty_and_invalid_input_do_not_fail);
    RUN(a_stray_quote_mark_does_not_swallow_the_paragraph);
    RUN(unpunctuated_text_is_cut_at_a_maximum_length);
    RUN(invalid_utf8_near_stops_stays_in_bounds);
    tsn_splitter_free(sp);
    DONE();
}
