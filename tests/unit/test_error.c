/* test_error.c -- tsn_error: setting, prefixing (cut at the buffer's end, never overrun) and
 * the constant texts of the status codes. */
#include "error.h"

#include "check.h"

static void set_formats_the_message_and_returns_the_code(void)
{
    tsn_error err = {0};
    CHECK(tsn_error_set(&err, TSN_ERR_IO, "%s:%d: %s", "a.tsv", 7, "bad") == TSN_ERR_IO);
    CHECK(err.code == TSN_ERR_IO);
    CHECK_STR(err.msg, "a.tsv:7: bad");
    CHECK(tsn_error_set(NULL, TSN_ERR_DATA, "ignored") == TSN_ERR_DATA);
}

static void prefix_puts_context_before_the_message(void)
{
    tsn_error err = {0};
    tsn_error_set(&err, TSN_ERR_FORMAT, "line 3: bad JSON");
    CHECK(tsn_error_prefix(&err, "%s", "cfg.json") == TSN_ERR_FORMAT);
    CHECK_STR(err.msg, "cfg.json: line 3: bad JSON");
    CHECK(tsn_error_prefix(NULL, "%s", "x") == TSN_OK);
}

static void a_long_prefix_and_message_are_cut_at_the_buffer_end(void)
{
    tsn_error err = {0};
    char big[sizeof err.msg + 100];
    memset(big, 'p', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    /* the prefix is formatted into 256 bytes: cut to 255, then ": " and the message */
    tsn_error_set(&err, TSN_ERR_MODEL, "corrupt");
    tsn_error_prefix(&err, "%s", big);
    CHECK(strlen(err.msg) == 255 + 2 + 7 && strcmp(err.msg + 255, ": corrupt") == 0);
    CHECK(err.code == TSN_ERR_MODEL);

    /* a message that fills the buffer keeps its start behind the prefix */
    memset(big, 'm', sizeof big - 1);
    tsn_error_set(&err, TSN_ERR_MODEL, "%s", big);
    CHECK(strlen(err.msg) == sizeof err.msg - 1);
    tsn_error_prefix(&err, "f");
    CHECK(strlen(err.msg) == sizeof err.msg - 1 && strncmp(err.msg, "f: mmm", 6) == 0);

    /* a long prefix over a full message: still one NUL-terminated buffer */
    memset(big, 'p', sizeof big - 1);
    tsn_error_prefix(&err, "%s", big);
    CHECK(strlen(err.msg) == sizeof err.msg - 1 && strncmp(err.msg + 255, ": f: m", 6) == 0);
}

static void each_status_has_a_constant_text(void)
{
    CHECK_STR(tsn_strerror(TSN_OK), "success");
    CHECK_STR(tsn_strerror(TSN_ERR_NOMEM), "out of memory");
    CHECK_STR(tsn_strerror(TSN_ERR_IO), "input/output error");
    CHECK_STR(tsn_strerror(TSN_ERR_FORMAT), "malformed input");
    CHECK_STR(tsn_strerror(TSN_ERR_UNICODE), "invalid text encoding");
    CHECK_STR(tsn_strerror(TSN_ERR_MODEL), "unusable model");
    CHECK_STR(tsn_strerror(TSN_ERR_ARG), "invalid argument");
    CHECK_STR(tsn_strerror(TSN_ERR_DATA), "unusable data");
    CHECK_STR(tsn_strerror((tsn_status)42), "unknown error");
}

int main(void)
{
    RUN(set_formats_the_message_and_returns_the_code);
    RUN(prefix_puts_context_before_the_message);
    RUN(a_long_prefix_and_message_are_cut_at_the_buffer_end);
    RUN(each_status_has_a_constant_text);
    DONE();
}
