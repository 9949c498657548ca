/* bigmem.h -- large blocks mapped on their own with a request for huge pages.
 *
 * The training dictionary's tables and liblinear's rows run to hundreds of megabytes, are
 * written once and then read in random order: in 4 KB pages nearly every access misses the
 * TLB and every 4 KB takes a page fault when first written. Blocks of TSN_BIG_BLOCK bytes or
 * more are mmap'ed with madvise(MADV_HUGEPAGE) (a hint the kernel may ignore); smaller ones
 * come from calloc. Either way the memory is zeroed.
 * Ownership: free with tsn_big_free(), giving the size that was asked for.
 */
#ifndef TSN_BIGMEM_H
#define TSN_BIGMEM_H

#include <stddef.h>

#define TSN_BIG_BLOCK ((size_t)4 << 20)

void *tsn_big_alloc(size_t bytes);         /* zeroed; NULL when out of memory */
void tsn_big_free(void *p, size_t bytes);  /* NULL is a no-op */

#endif
