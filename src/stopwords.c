/* stopwords.c -- a small open-addressing string set. */
#include "stopwords.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

extern const unsigned char tsn_stopwords_data[]; /* generated from data/stopwords-ar.txt */

typedef struct {
    uint64_t h;
    char *w; /* NULL: empty slot */
    size_t len;
} entry;

struct tsn_stopwords {
    entry *tab;
    size_t cap, n; /* cap is a power of two, at least twice n */
};

const char *tsn_stopwords_default(void)
{
    return (const char *)tsn_stopwords_data;
}

void tsn_stopwords_free(tsn_stopwords *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->tab[i].w);
    free(s->tab);
    free(s);
}

static size_t find_slot(const tsn_stopwords *s, uint64_t h, const char *w, size_t len)
{
    size_t i = (size_t)h & (s->cap - 1);
    while (s->tab[i].w != NULL &&
           !(s->tab[i].h == h && s->tab[i].len == len && memcmp(s->tab[i].w, w, len) == 0))
        i = (i + 1) & (s->cap - 1);
    return i;
}

static bool add(tsn_stopwords *s, const char *w, size_t len)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 256;
        entry *old = s->tab;
        size_t ocap = s->cap;
        s->tab = calloc(ncap, sizeof *s->tab);
        if (s->tab == NULL) {
            s->tab = old;
            return false;
        }
        s->cap = ncap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].w != NULL)
                s->tab[find_slot(s, old[i].h, old[i].w, old[i].len)] = old[i];
        free(old);
    }
    uint64_t h = tsn_hash(w, len);
    size_t i = find_slot(s, h, w, len);
    if (s->tab[i].w != NULL)
        return true;
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return false;
    memcpy(copy, w, len);
    copy[len] = '\0';
    s->tab[i] = (entry){h, copy, len};
    s->n++;
    return true;
}

tsn_stopwords *tsn_stopwords_new(const char *text, size_t len, tsn_normalizer *norm,
                                 const char *origin, tsn_error *err)
{
    tsn_stopwords *s = calloc(1, sizeof *s);
    if (s == NULL || !add(s, "", 0)) /* allocates the table; "" never matches a token */
        goto nomem;
    size_t line = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        line++;
        size_t a = i, b = j;
        for (size_t k = a; k < b; k++)
            if (text[k] == '#') {
                b = k;
                break;
            }
        while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
            b--;
        if (b > a) {
            size_t nlen;
            const char *w = tsn_normalizer_run_utf8(norm, text + a, b - a, &nlen, err);
            if (w == NULL) {
                tsn_error_prefix(err, "%s:%zu", origin, line);
                tsn_stopwords_free(s);
                return NULL;
            }
            if (!add(s, w, nlen))
                goto nomem;
        }
        i = j + 1;
    }
    return s;
nomem:
    tsn_stopwords_free(s);
    tsn_error_set(err, TSN_ERR_NOMEM, "stop words: out of memory");
    return NULL;
}

bool tsn_stopwords_has(const tsn_stopwords *s, const char *w, size_t len)
{
    if (len == 0)
        return false;
    return s->tab[find_slot(s, tsn_hash(w, len), w, len)].w != NULL;
}

size_t tsn_stopwords_count(const tsn_stopwords *s)
{
    return s->n - 1;
}
