/* test_normalize.c -- NFKC and Arabic folding, against tests/golden/normalize.tsv. */
#include "normalize.h"

#include <stdlib.h>

#include "check.h"

static tsn_normalizer *norm;

static void golden_case(const char *in, const char *want, int line)
{
    size_t n;
    tsn_error err = {0};
    const char *got = tsn_normalizer_run_utf8(norm, in, strlen(in), &n, &err);
    if (got == NULL || strcmp(got, want) != 0) {
        fprintf(stderr, "  golden/normalize.tsv:%d: got \"%s\", want \"%s\"\n", line,
                got ? got : err.msg, want);
        check_failures++;
    }
}

static void normalize_matches_golden_file(void)
{
    CHECK(golden_each("tests/golden/normalize.tsv", golden_case) > 5);
}

static const char *run_with(tsn_config *c, const char *s)
{
    static char out[256];
    tsn_error err = {0};
    tsn_normalizer *n = tsn_normalizer_new(c, &err);
    size_t len;
    const char *r = n ? tsn_normalizer_run_utf8(n, s, strlen(s), &len, &err) : NULL;
    snprintf(out, sizeof out, "%s", r ? r : "(error)");
    tsn_normalizer_free(n);
    return out;
}

static void each_fold_is_a_switch(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.fold_teh_marbuta = false;
    CHECK_STR(run_with(&c, "مدرسة"), "مدرسة");
    c.fold_alef = false;
    CHECK_STR(run_with(&c, "أحمد"), "أحمد");
    c.fold_alef_maqsura = false;
    CHECK_STR(run_with(&c, "على"), "على");
    c.drop_tashkeel = false;
    CHECK_STR(run_with(&c, "مُ"), "مُ");
    c.fold_digits = false;
    CHECK_STR(run_with(&c, "٣"), "٣");
    c.fold_case = false;
    CHECK_STR(run_with(&c, "NATO"), "NATO");
    c.drop_tatweel = false;
    CHECK_STR(run_with(&c, "عـربي"), "عـربي");
}

static void invalid_utf8_is_replaced_and_counted(void)
{
    size_t ulen, bad = 0;
    tsn_error err = {0};
    const char text[] = "ab\xff\xfe" "cd\xc0\xaf";
    const uint16_t *u = tsn_normalizer_run(norm, text, sizeof text - 1, &ulen, &bad, &err);
    CHECK(u != NULL);
    CHECK(bad >= 3);
    size_t fffd = 0;
    for (size_t i = 0; u && i < ulen; i++)
        fffd += u[i] == 0xFFFD;
    CHECK(fffd == bad);
}

static void empty_text_normalizes_to_empty(void)
{
    size_t n = 99;
    tsn_error err = {0};
    const char *r = tsn_normalizer_run_utf8(norm, "", 0, &n, &err);
    CHECK(r != NULL && n == 0);
}

static void expanding_ligatures_grow_the_buffer(void)
{
    /* U+FDFA expands to 18 letters under NFKC; many of them overflow any first guess. */
    char in[3 * 200 + 1];
    for (int i = 0; i < 200; i++)
        memcpy(in + 3 * i, "\xEF\xB7\xBA", 3);
    size_t n;
    tsn_error err = {0};
    const char *r = tsn_normalizer_run_utf8(norm, in, 600, &n, &err);
    CHECK(r != NULL);
    CHECK(n > 600 * 4);
}

int main(void)
{
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    norm = tsn_normalizer_new(&c, &err);
    if (norm == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    RUN(normalize_matches_golden_file);
    RUN(each_fold_is_a_switch);
    RUN(invalid_utf8_is_replaced_and_counted);
    RUN(empty_text_normalizes_to_empty);
    RUN(expanding_ligatures_grow_the_buffer);
    tsn_normalizer_free(norm);
    DONE();
}
