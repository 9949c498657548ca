/* bigmem.c -- see bigmem.h. */
#include "bigmem.h"

#include <stdlib.h>
#include <sys/mman.h>

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
