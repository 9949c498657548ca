/* bigmem.h -- large blocks mapped on their own with a request for huge pages.
 *
 * The training dictionary's tables and liblinear's rows run to hundreds of megabytes, are
 * written once and then read in random order: in 4 KB pages nearly every access misses the
 * TLB and every 4 KB takes a page fault when first written. Blocks of TSN_BIG_BLOCK bytes or
 * more are mmap'ed with madvise(MADV_HUGEPAGE) (a hint the kernel may ignore); smaller ones
 * come from calloc. Either way the memory is zeroed. A block that grows by doubling (the
 * dictionary's arrays, the corpus rows) grows with tsn_big_grow: past TSN_BIG_BLOCK the
 * kernel moves its pages (mremap) instead of realloc copying them into new ones.
 * Ownership: free with tsn_big_free(), giving the size that was asked for.
 */
#ifndef TSN_BIGMEM_H
#define TSN_BIGMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSN_BIG_BLOCK ((size_t)4 << 20)

void *tsn_big_alloc(size_t bytes);         /* zeroed; NULL when out of memory */
void tsn_big_free(void *p, size_t bytes);  /* NULL is a no-op */

/* Grows block p of old bytes (NULL with 0, or from tsn_big_alloc / tsn_big_grow) to bytes,
 * keeping its contents and zeroing the rest; NULL when out of memory, p left as it was. */
void *tsn_big_grow(void *p, size_t old, size_t bytes);

/* Shrinks block p of old bytes to bytes (0 < bytes <= old), giving the pages beyond back;
 * NULL when out of memory, p left as it was. */
void *tsn_big_shrink(void *p, size_t old, size_t bytes);

/* Grows the uint32 array *p of *cap entries (a block as above) to hold at least need,
 * doubling from 1024; false when out of memory, *p and *cap left as they were. */
bool tsn_big_grow_u32(uint32_t **p, size_t *cap, size_t need);

#endif
