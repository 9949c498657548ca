/* fuzz_sentence.c -- `label`'s sentence splitter on arbitrary bytes.
 *
 * Checks: spans are in order, non-empty, non-overlapping and inside the text, and none starts
 * or ends with ASCII whitespace (the splitter trims it).
 */
#include <stdint.h>
#include <stdlib.h>

#include "sentence.h"

static tsn_splitter *sp;

static int space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (sp == NULL && (sp = tsn_splitter_new(NULL)) == NULL)
        abort();
    const char *s = (const char *)data;
    const tsn_span *v;
    size_t n;
    if (tsn_splitter_run(sp, s, size, &v, &n, NULL) != TSN_OK)
        return 0;
    size_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].start < prev || v[i].start >= v[i].end || v[i].end > size)
            abort();
        if (space(s[v[i].start]) || space(s[v[i].end - 1]))
            abort();
        prev = v[i].end;
    }
    return 0;
}
