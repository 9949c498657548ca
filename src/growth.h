/* growth.h -- how tasnif's buffers grow: the capacity doubles, from a first size, until it
 * holds what is needed. One rule for the heap byte buffers (bags' strings, the lexicon's
 * strings, the dictionary's scratch: tsn_grow_bytes) and for the big blocks of bigmem.h (the
 * dictionary's strings, the corpus rows).
 */
#ifndef TSN_GROWTH_H
#define TSN_GROWTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

/* The capacity a buffer of cap units (0: none yet) grows to so as to hold need units:
 * doubled from cap, or from first when it has none. */
static inline size_t tsn_grown_cap(size_t cap, size_t need, size_t first)
{
    size_t n = cap ? cap : first;
    while (n < need)
        n *= 2;
    return n;
}

/* Grows the heap buffer *p of *cap bytes to hold at least need bytes, doubling from 256;
 * false when out of memory, *p and *cap left as they were. */
static inline bool tsn_grow_bytes(char **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t n = tsn_grown_cap(*cap, need, 256);
    char *q = realloc(*p, n);
    if (q == NULL)
        return false;
    *p = q;
    *cap = n;
    return true;
}

#endif
