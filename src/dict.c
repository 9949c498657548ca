/* dict.c -- the training feature dictionary (tsn_dict_*, declared in features.h): every
 * feature of the training bags interned once, under a dense id, with its hash and string.
 *
 * Training interns each document's bag and keeps the ids it gets back; the vocabulary is then
 * selected over those ids (vocab.c), and the strings are dropped, leaving the hash of each id.
 * The hash -> id map is the open-addressing hmap of features_internal.h, kept half empty and
 * prefetched ahead of the probes.
 */
#include "features.h"

#include <stdlib.h>
#include <string.h>

#include "features_internal.h"

tsn_dict *tsn_dict_new(tsn_error *err)
{
    tsn_dict *d = calloc(1, sizeof *d);
    if (d == NULL)
        tsn_error_set(err, TSN_ERR_NOMEM, "dictionary: out of memory");
    return d;
}

void tsn_dict_free(tsn_dict *d)
{
    if (d == NULL)
        return;
    hmap_release(&d->map);
    free(d->hashes);
    free(d->offs);
    free(d->strs);
    free(d);
}

void tsn_dict_drop_strings(tsn_dict *d)
{
    hmap_release(&d->map);
    free(d->offs);
    free(d->strs);
    d->offs = NULL;
    d->strs = NULL;
    d->slen = d->scap = 0;
}

void tsn_dict_drop_hashes(tsn_dict *d)
{
    tsn_dict_drop_strings(d);
    free(d->hashes);
    d->hashes = NULL;
    d->cap = 0;
}

size_t tsn_dict_size(const tsn_dict *d)
{
    return d->n;
}

uint64_t tsn_dict_hash(const tsn_dict *d, uint32_t id)
{
    return d->hashes[id];
}

const char *tsn_dict_str(const tsn_dict *d, uint32_t id)
{
    return d->strs + d->offs[id];
}

tsn_status tsn_dict_add_bag(tsn_dict *d, const tsn_bag *b, uint32_t *ids, tsn_error *err)
{
    if (!hmap_reserve(&d->map, d->n + b->n))
        goto nomem;
    enum { AHEAD = 16 };
    for (size_t i = 0; i < b->n && i < AHEAD; i++)
        hmap_prefetch(&d->map, b->v[i].h);
    for (size_t i = 0; i < b->n; i++) {
        if (i + AHEAD < b->n)
            hmap_prefetch(&d->map, b->v[i + AHEAD].h);
        size_t slot = hmap_slot(&d->map, b->v[i].h);
        if (hmap_val(&d->map, slot) != 0) {
            ids[i] = hmap_val(&d->map, slot) - 1;
            continue;
        }
        if (d->n >= UINT32_MAX - 1)
            return tsn_error_set(err, TSN_ERR_DATA, "dictionary: more than 4 billion features");
        if (d->n == d->cap) {
            size_t n = d->cap ? d->cap * 2 : 4096;
            uint64_t *h = realloc(d->hashes, n * sizeof *h);
            if (h == NULL)
                goto nomem;
            d->hashes = h;
            size_t *o = realloc(d->offs, n * sizeof *o);
            if (o == NULL)
                goto nomem;
            d->offs = o;
            d->cap = n;
        }
        const char *s = tsn_bag_str(b, i);
        if (s == NULL)
            return tsn_error_set(err, TSN_ERR_DATA, "dictionary: a new feature came without "
                                                    "its string");
        size_t len = strlen(s);
        if (!grow_bytes(&d->strs, &d->scap, d->slen + len + 1))
            goto nomem;
        memcpy(d->strs + d->slen, s, len + 1);
        d->offs[d->n] = d->slen;
        d->slen += len + 1;
        d->hashes[d->n] = b->v[i].h;
        hmap_put(&d->map, slot, b->v[i].h, (uint32_t)d->n + 1);
        d->map.n++;
        ids[i] = (uint32_t)d->n++;
    }
    return TSN_OK;
nomem:
    return tsn_error_set(err, TSN_ERR_NOMEM, "dictionary: out of memory");
}
