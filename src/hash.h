/* hash.h -- FNV-1a 64-bit hashing, shared by the stem cache, the lexicon, stop words and
 * features.
 * Feature hashing ids derive from these values and are stored in models: never change it. */
#ifndef TSN_HASH_H
#define TSN_HASH_H

#include <stddef.h>
#include <stdint.h>

#define TSN_FNV_OFFSET 0xcbf29ce484222325ULL
#define TSN_FNV_PRIME 0x100000001b3ULL

/* Continues an FNV-1a hash h over s[0..len). Start from TSN_FNV_OFFSET. */
static inline uint64_t tsn_hash_more(uint64_t h, const void *s, size_t len)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= TSN_FNV_PRIME;
    }
    return h;
}

static inline uint64_t tsn_hash(const void *s, size_t len)
{
    return tsn_hash_more(TSN_FNV_OFFSET, s, len);
}

#endif
