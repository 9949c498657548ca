/* fuzz_reader.c -- the training/evaluation readers (TSV, JSONL, fastText, text) on arbitrary
 * bytes.
 *
 * The first byte picks the format (auto, tsv, jsonl, fasttext, text), labeled or not, strict
 * UTF-8 or not, pair text lines or not; the rest is the file, read through a memory stream with
 * a small document limit so the limit paths run too. Checks: every example returned is
 * well-formed -- NUL-terminated strings of the stated lengths without NUL bytes inside, a
 * label when one is required, valid UTF-8 in strict mode, increasing line numbers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"

static const tsn_format formats[] = {TSN_FMT_AUTO, TSN_FMT_TSV, TSN_FMT_JSONL,
                                     TSN_FMT_FASTTEXT, TSN_FMT_TEXT};

static void check_str(const char *s, size_t len)
{
    if (s == NULL || s[len] != '\0' || memchr(s, '\0', len) != NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    tsn_format fmt = formats[(data[0] & 7) % 5];
    bool labeled = (data[0] >> 3) & 1;
    tsn_read_opts o = {.strict = (data[0] >> 4) & 1,
                       .max_doc_bytes = 4096,
                       .pair = (data[0] >> 5) & 1};
    if (size == 1)
        return 0; /* fmemopen() refuses an empty buffer */
    FILE *f = fmemopen((void *)(data + 1), size - 1, "rb");
    if (f == NULL)
        return 0;
    tsn_error err;
    tsn_reader *r = tsn_reader_open_stream(f, "fuzz", fmt, labeled, &o, &err);
    size_t last = 0;
    for (bool done = false; r != NULL && !done;) {
        tsn_example ex;
        if (tsn_reader_next(r, &ex, &done, &err) != TSN_OK)
            break;
        if (done)
            break;
        check_str(ex.text, ex.text_len);
        if (ex.claim != NULL)
            check_str(ex.claim, ex.claim_len);
        if (labeled && (ex.label == NULL || ex.label[0] == '\0'))
            abort();
        if (ex.label != NULL)
            check_str(ex.label, strlen(ex.label));
        if (o.strict && (!tsn_utf8_valid(ex.text, ex.text_len) ||
                         (ex.claim != NULL && !tsn_utf8_valid(ex.claim, ex.claim_len))))
            abort();
        if (ex.text_len > o.max_doc_bytes || ex.line <= last)
            abort();
        last = ex.line;
    }
    tsn_reader_close(r);
    fclose(f);
    return 0;
}
