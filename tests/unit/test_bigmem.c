/* test_bigmem.c -- large blocks (bigmem.h): growth keeps the contents and zeroes the rest,
 * across the size where blocks move from malloc to their own mappings and within mappings
 * (mremap), and shrinking gives back the tail on either side of that size. */
#include "bigmem.h"

#include <stdlib.h>

#include "check.h"

/* Whether the n entries of p from `from` hold i * 2654435761 (mod 2^32) for entry i, or
 * are 0 when want_zero. */
static bool holds(const uint32_t *p, size_t from, size_t n, bool want_zero)
{
    for (size_t i = from; i < from + n; i++)
        if (p[i] != (want_zero ? 0 : (uint32_t)(i * 2654435761u)))
            return false;
    return true;
}

static void fill(uint32_t *p, size_t from, size_t n)
{
    for (size_t i = from; i < from + n; i++)
        p[i] = (uint32_t)(i * 2654435761u);
}

static void growth_keeps_contents_and_zeroes_the_rest(void)
{
    uint32_t *p = NULL;
    size_t cap = 0, n = 0;
    /* 1 K entries (malloc) up to 16 M entries (64 MB: mapped, moved by mremap) */
    for (size_t need = 1000; need <= ((size_t)16 << 20); need = need * 3) {
        CHECK(tsn_big_grow_u32(&p, &cap, need));
        CHECK(cap >= need && p != NULL);
        CHECK(holds(p, 0, n, false));
        CHECK(holds(p, n, cap - n, true));
        fill(p, n, need - n);
        n = need;
    }
    size_t before = cap;
    CHECK(tsn_big_grow_u32(&p, &cap, n)); /* room enough: nothing moves */
    CHECK(cap == before);
    tsn_big_free(p, cap * sizeof *p);
}

static void shrinking_keeps_the_head_on_both_sides_of_the_big_size(void)
{
    size_t big = ((size_t)8 << 20) / sizeof(uint32_t); /* 8 MB: a mapping of its own */
    uint32_t *p = tsn_big_alloc(big * sizeof *p);
    CHECK(p != NULL);
    fill(p, 0, big);
    size_t still_big = ((size_t)5 << 20) / sizeof *p, small = 1000;
    uint32_t *q = tsn_big_shrink(p, big * sizeof *p, still_big * sizeof *p);
    CHECK(q != NULL && holds(q, 0, still_big, false));
    uint32_t *r = tsn_big_shrink(q, still_big * sizeof *q, small * sizeof *q);
    CHECK(r != NULL && holds(r, 0, small, false));
    /* a small block grows back past the big size, its head kept */
    size_t cap = small;
    CHECK(tsn_big_grow_u32(&r, &cap, big));
    CHECK(holds(r, 0, small, false) && holds(r, small, cap - small, true));
    tsn_big_free(r, cap * sizeof *r);
}

int main(void)
{
    RUN(growth_keeps_contents_and_zeroes_the_rest);
    RUN(shrinking_keeps_the_head_on_both_sides_of_the_big_size);
    DONE();
}
