/* files.h -- reading, writing and searching whole files in the unit tests (test_model.c,
 * test_modelfile.c, test_shared_train.c): a model file is read, edited as bytes and written
 * back. Test code: a failed read returns NULL, a failed write leaves the file as it is (the
 * test that reads it back then fails on its own). */
#ifndef TSN_TEST_FILES_H
#define TSN_TEST_FILES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes of path, NUL-terminated, in a new buffer (free()); *len their number. NULL when the
 * file cannot be opened or memory runs out. Reads to the end, so pipes work as well. */
static inline char *tf_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 1 >= cap) {
            cap = cap ? cap * 2 : 65536;
            char *p = realloc(buf, cap);
            if (p == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Writes b[0..len) to path, replacing it. */
static inline void tf_spit(const char *path, const char *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return;
    fwrite(b, 1, len, f);
    fclose(f);
}

/* The first n-byte needle in h[0..hl), or NULL (memmem is a GNU extension). */
static inline char *tf_find(const char *h, size_t hl, const char *needle, size_t n)
{
    for (size_t i = 0; n <= hl && i <= hl - n; i++)
        if (memcmp(h + i, needle, n) == 0)
            return (char *)(h + i);
    return NULL;
}

#endif
