/* test_dataset.c -- every input format, format detection, and errors that name file:line. */
#include "dataset.h"

#include <stdlib.h>
#include <unistd.h>

#include "check.h"

/* Writes text to a fresh temporary file; returns its path (static buffer). */
static const char *tmpfile_with(const char *text, size_t len)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/tsn_test_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
        perror("tmp");
        exit(1);
    }
    close(fd);
    return path;
}

static tsn_status load(const char *text, tsn_dataset *d, tsn_error *err)
{
    const char *p = tmpfile_with(text, strlen(text));
    tsn_status st = tsn_dataset_load(d, p, TSN_FMT_AUTO, NULL, err);
    unlink(p);
    return st;
}

static void tsv_with_two_columns_loads_labels_and_texts(void)
{
    tsn_dataset d;
    tsn_error err = {0};
    CHECK(load("\xEF\xBB\xBFpos\tgood day\r\n\nneg\t bad day \n", &d, &err) == TSN_OK);
    CHECK(d.n == 2 && !d.pair && d.format == TSN_FMT_TSV);
    CHECK_STR(d.v[0].label, "pos");
    CHECK_STR(d.v[0].text, "good day");
    CHECK_STR(d.v[1].text, "bad day");
    CHECK(d.v[1].line == 3);
    tsn_dataset_release(&d);
}

static void tsv_with_three_columns_is_a_pair_dataset(void)
{
    tsn_dataset d;
    CHECK(load("agree\tthe claim\tthe text\n", &d, NULL) == TSN_OK);
    CHECK(d.pair && d.n == 1);
    CHECK_STR(d.v[0].claim, "the claim");
    CHECK_STR(d.v[0].text, "the text");
    tsn_dataset_release(&d);
}

static void jsonl_and_fasttext_are_detected(void)
{
    tsn_dataset d;
    CHECK(load("{\"label\":\"a\",\"text\":\"x y\",\"id\":7,\"extra\":[1]}\n"
               "{\"label\":\"b\",\"text\":\"z\",\"claim\":null}\n",
               &d, NULL) == TSN_OK);
    CHECK(d.format == TSN_FMT_JSONL && d.n == 2);
    CHECK_STR(d.v[0].id, "7");
    tsn_dataset_release(&d);
    CHECK(load("__label__a some text\n__label__b more\n", &d, NULL) == TSN_OK);
    CHECK(d.format == TSN_FMT_FASTTEXT && d.n == 2);
    CHECK_STR(d.v[1].label, "b");
    CHECK_STR(d.v[1].text, "more");
    tsn_dataset_release(&d);
}

static void directories_read_one_document_per_file_in_order(void)
{
    tsn_dataset d;
    tsn_error err = {0};
    CHECK(tsn_dataset_load(&d, "tests/data/dir", TSN_FMT_AUTO, NULL, &err) == TSN_OK);
    CHECK(d.n == 3 && d.format == TSN_FMT_DIR);
    CHECK_STR(d.v[0].label, "economy");
    CHECK_STR(d.v[1].label, "sports");
    CHECK(strstr(d.v[2].source, "sports/b.txt") != NULL);
    tsn_dataset_release(&d);
}

static void expect_error(const char *text, const char *fragment, int line)
{
    tsn_dataset d;
    tsn_error err = {0};
    err.msg[0] = '\0';
    if (load(text, &d, &err) == TSN_OK) {
        tsn_dataset_release(&d);
        fprintf(stderr, "  case at line %d: loaded, expected error \"%s\"\n", line, fragment);
        check_failures++;
    } else if (strstr(err.msg, fragment) == NULL) {
        fprintf(stderr, "  case at line %d: error \"%s\" lacks \"%s\"\n", line, err.msg,
                fragment);
        check_failures++;
    }
}

static void malformed_lines_are_reported_with_file_and_line(void)
{
    expect_error("a\tb\nc\td\te\tf\n", ":2: expected 2 or 3 tab-separated columns", __LINE__);
    expect_error("a\tb\nc\td\te\n", ":2: 3 columns where earlier lines have 2", __LINE__);
    expect_error("a\tb\n\tno label\n", ":2: empty label", __LINE__);
    expect_error("a\tb\nc\t  \n", ":2: empty text", __LINE__);
    expect_error("{\"label\":\"a\",\"text\":\"x\"}\n{\"label\":1,\"text\":\"x\"}\n",
                 ":2: \"label\" must be a string", __LINE__);
    expect_error("{\"label\":\"a\"}\n", ":1: missing \"text\"", __LINE__);
    expect_error("{\"label\":\"a\",\"text\":\"x\"}\n{broken\n", ":2: invalid JSON at column 3",
                 __LINE__);
    expect_error("{\"label\":\"a\",\"text\":\"x\"}\n[1, 2]\n", ":2: not a JSON object", __LINE__);
    expect_error("{\"label\":\"a\",\"text\":\"x\"} {}\n", ":1: trailing data after the JSON",
                 __LINE__);
    expect_error("{\"label\":\"a\\tb\",\"text\":\"x\"}\n", "label contains a tab", __LINE__);
    expect_error("__label__a __label__b x\n", "several labels", __LINE__);
    expect_error("just some words\n", "cannot tell the format", __LINE__);
    expect_error("", "no examples", __LINE__);
    expect_error("  \n\t\n", "no examples", __LINE__);
}

static void lone_surrogate_escapes_are_replaced_or_refused(void)
{
    const char text[] = "{\"label\":\"a\",\"text\":\"x\\ud800y \\ud83d\\ude00 \\\\ud800\"}\n";
    const char *p = tmpfile_with(text, sizeof text - 1);
    tsn_dataset d;
    tsn_error err = {0};
    CHECK(tsn_dataset_load(&d, p, TSN_FMT_AUTO, NULL, &err) == TSN_OK);
    CHECK(d.invalid_lines == 1);
    /* the lone half becomes U+FFFD; the pair and the escaped backslash are left alone */
    CHECK(d.n == 1 && strcmp(d.v[0].text, "x\xEF\xBF\xBDy \xF0\x9F\x98\x80 \\ud800") == 0);
    tsn_dataset_release(&d);
    tsn_read_opts strict = {.strict = true};
    CHECK(tsn_dataset_load(&d, p, TSN_FMT_AUTO, &strict, &err) == TSN_ERR_UNICODE);
    CHECK(strstr(err.msg, ":1: invalid UTF-16 escape") != NULL);
}

static void invalid_utf8_is_counted_or_refused_in_strict_mode(void)
{
    const char text[] = "a\tgood\nb\tba\xff" "d\n";
    const char *p = tmpfile_with(text, sizeof text - 1);
    tsn_dataset d;
    tsn_error err = {0};
    CHECK(tsn_dataset_load(&d, p, TSN_FMT_AUTO, NULL, &err) == TSN_OK);
    CHECK(d.invalid_lines == 1);
    tsn_dataset_release(&d);
    tsn_read_opts strict = {.strict = true};
    CHECK(tsn_dataset_load(&d, p, TSN_FMT_AUTO, &strict, &err) == TSN_ERR_UNICODE);
    CHECK(strstr(err.msg, ":2: invalid UTF-8") != NULL);
    unlink(p);
}

static void nul_bytes_and_oversized_lines_are_errors(void)
{
    const char text[] = "a\tx\0y\n";
    const char *p = tmpfile_with(text, sizeof text - 1);
    tsn_dataset d;
    tsn_error err = {0};
    CHECK(tsn_dataset_load(&d, p, TSN_FMT_AUTO, NULL, &err) == TSN_ERR_FORMAT);
    CHECK(strstr(err.msg, "NUL") != NULL);
    unlink(p);
    p = tmpfile_with("a\txxxxxxxxxxxxxxxxxxxx\n", 23);
    tsn_read_opts small = {.max_doc_bytes = 10};
    CHECK(tsn_dataset_load(&d, p, TSN_FMT_AUTO, &small, &err) == TSN_ERR_FORMAT);
    CHECK(strstr(err.msg, "--max-doc-bytes") != NULL);
    unlink(p);
}

static void utf8_validator_rejects_overlongs_surrogates_and_truncation(void)
{
    CHECK(tsn_utf8_valid("\xd8\xa7\xe2\x82\xac\xf0\x9f\x98\x80", 9));
    CHECK(!tsn_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    CHECK(!tsn_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    CHECK(!tsn_utf8_valid("\xd8", 1));             /* truncated */
    CHECK(!tsn_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
}

int main(void)
{
    RUN(tsv_with_two_columns_loads_labels_and_texts);
    RUN(tsv_with_three_columns_is_a_pair_dataset);
    RUN(jsonl_and_fasttext_are_detected);
    RUN(directories_read_one_document_per_file_in_order);
    RUN(malformed_lines_are_reported_with_file_and_line);
    RUN(lone_surrogate_escapes_are_replaced_or_refused);
    RUN(invalid_utf8_is_counted_or_refused_in_strict_mode);
    RUN(nul_bytes_and_oversized_lines_are_errors);
    RUN(utf8_validator_rejects_overlongs_surrogates_and_truncation);
    DONE();
}
