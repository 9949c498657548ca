/* fileio.c -- whole-file reads shared by configs, stop-word lists, models and articles. */
#include "fileio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

tsn_status tsn_read_stream(FILE *f, const char *name, size_t max, char **buf, size_t *len,
                           tsn_error *err)
{
    char *b = NULL;
    size_t n = 0, cap = 0;
    tsn_status st = TSN_OK;
    for (;;) {
        if (cap - n < 4096) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *p = realloc(b, ncap);
            if (p == NULL) {
                st = tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", name);
                break;
            }
            b = p;
            cap = ncap;
        }
        size_t r = fread(b + n, 1, cap - n - 1, f);
        n += r;
        if (n > max) {
            st = tsn_error_set(err, TSN_ERR_FORMAT, "%s: larger than the limit of %zu bytes",
                               name, max);
            break;
        }
        if (r == 0)
            break;
    }
    if (st == TSN_OK && ferror(f))
        st = tsn_error_set(err, TSN_ERR_IO, "%s: read error: %s", name, strerror(errno));
    if (st != TSN_OK) {
        free(b);
        return st;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return TSN_OK;
}

tsn_status tsn_read_path(const char *path, size_t max, char **buf, size_t *len,
                         tsn_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return tsn_error_set(err, TSN_ERR_IO, "%s: %s", path, strerror(errno));
    tsn_status st = tsn_read_stream(f, path, max, buf, len, err);
    fclose(f);
    return st;
}
