/* bigmem.c -- see bigmem.h. */
#define _GNU_SOURCE /* mremap */
#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "growth.h"

void *tsn_big_alloc(size_t bytes)
{
    if (bytes < TSN_BIG_BLOCK)
        return calloc(1, bytes ? bytes : 1);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* a hint: the block works without it */
#endif
    return p;
}

void tsn_big_free(void *p, size_t bytes)
{
    if (p == NULL)
        return;
    if (bytes < TSN_BIG_BLOCK)
        free(p);
    else
        munmap(p, bytes);
}

void *tsn_big_grow(void *p, size_t old, size_t bytes)
{
    if (bytes <= old)
        return p;
    if (bytes < TSN_BIG_BLOCK) {
        char *q = realloc(p, bytes);
        if (q != NULL)
            memset(q + old, 0, bytes - old);
        return q;
    }
    if (old < TSN_BIG_BLOCK) {
        void *q = tsn_big_alloc(bytes);
        if (q != NULL && old > 0)
            memcpy(q, p, old);
        if (q != NULL)
            free(p);
        return q;
    }
    void *q = mremap(p, old, bytes, MREMAP_MAYMOVE);
    if (q == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(q, bytes, MADV_HUGEPAGE);
#endif
    return q;
}

void *tsn_big_shrink(void *p, size_t old, size_t bytes)
{
    if (old < TSN_BIG_BLOCK)
        return realloc(p, bytes);
    if (bytes >= TSN_BIG_BLOCK) {
        void *q = mremap(p, old, bytes, 0); /* in place */
        return q == MAP_FAILED ? NULL : q;
    }
    void *q = malloc(bytes); /* below the big size a block comes from malloc */
    if (q != NULL) {
        memcpy(q, p, bytes);
        munmap(p, old);
    }
    return q;
}

bool tsn_big_grow_u32(uint32_t **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t n = tsn_grown_cap(*cap, need, 1024);
    if (n > SIZE_MAX / sizeof **p)
        return false;
    uint32_t *q = tsn_big_grow(*p, *cap * sizeof *q, n * sizeof *q);
    if (q == NULL)
        return false;
    *p = q;
    *cap = n;
    return true;
}
