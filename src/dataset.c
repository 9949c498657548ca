/* dataset.c -- whole labeled datasets in memory.
 *
 * tsn_dataset_load() reads through the streaming reader (reader.c), so every format is parsed
 * in one place, and copies each example it yields: the dataset owns its strings, the reader
 * only lends views until its next call.
 */
#include "dataset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void tsn_dataset_release(tsn_dataset *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free((char *)d->v[i].label);
        free((char *)d->v[i].claim);
        free((char *)d->v[i].text);
        free((char *)d->v[i].id);
        if (d->format == TSN_FMT_DIR)
            free((char *)d->v[i].source);
    }
    free(d->v);
    free(d->source);
    free(d->ignored_first);
    memset(d, 0, sizeof *d);
}

tsn_status tsn_dataset_load(tsn_dataset *d, const char *path, tsn_format fmt,
                            const tsn_read_opts *opts, tsn_error *err)
{
    memset(d, 0, sizeof *d);
    tsn_reader *r = tsn_reader_open(path, fmt, true, opts, err);
    if (r == NULL)
        return err != NULL ? err->code : TSN_ERR_IO;
    d->format = tsn_reader_format(r);
    d->source = strdup(tsn_reader_name(r));
    tsn_status st = d->source ? TSN_OK : tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
    while (st == TSN_OK) {
        tsn_example ex;
        bool done;
        if ((st = tsn_reader_next(r, &ex, &done, err)) != TSN_OK || done)
            break;
        if (d->n > 0 && d->pair != (ex.claim != NULL)) {
            st = tsn_error_set(err, TSN_ERR_FORMAT,
                               "%s:%zu: %s a claim, unlike the examples before it",
                               ex.source, ex.line, ex.claim ? "has" : "lacks");
            break;
        }
        d->pair = ex.claim != NULL;
        if (d->n == d->cap) {
            size_t cap = d->cap ? d->cap * 2 : 1024;
            tsn_example *v = realloc(d->v, cap * sizeof *v);
            if (v == NULL) {
                st = tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            d->v = v;
            d->cap = cap;
        }
        tsn_example *c = &d->v[d->n];
        memset(c, 0, sizeof *c);
        c->line = ex.line;
        c->source = d->format == TSN_FMT_DIR ? strdup(ex.source) : d->source;
        c->label = dup_n(ex.label, strlen(ex.label));
        c->text = dup_n(ex.text, ex.text_len);
        c->text_len = ex.text_len;
        if (ex.claim != NULL) {
            c->claim = dup_n(ex.claim, ex.claim_len);
            c->claim_len = ex.claim_len;
        }
        if (ex.id != NULL)
            c->id = dup_n(ex.id, strlen(ex.id));
        d->n++;
        if (c->source == NULL || c->label == NULL || c->text == NULL ||
            (ex.claim != NULL && c->claim == NULL) || (ex.id != NULL && c->id == NULL))
            st = tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", path);
    }
    d->invalid_lines = tsn_reader_invalid_lines(r);
    const char *first = NULL;
    d->ignored = tsn_reader_ignored(r, &first);
    if (d->ignored > 0 && (d->ignored_first = strdup(first)) == NULL)
        d->ignored = 0;
    tsn_reader_close(r);
    if (st == TSN_OK && d->n == 0)
        st = tsn_error_set(err, TSN_ERR_DATA, "%s: no examples", d->source ? d->source : path);
    if (st != TSN_OK)
        tsn_dataset_release(d);
    return st;
}

/* True when the claims of a pair dataset recur: at most one distinct claim per 100 examples
 * (and always for 10 or fewer), as the targets of target-specific stance do. */
bool tsn_dataset_claims_recur(const tsn_dataset *d)
{
    if (!d->pair || d->n == 0)
        return true;
    size_t limit = d->n / 100 > 10 ? d->n / 100 : 10, cap = 64, distinct = 0;
    while (cap < limit * 4)
        cap *= 2;
    uint64_t *seen = calloc(cap, sizeof *seen); /* hashes + 1; 0 marks an empty slot */
    if (seen == NULL)
        return true;
    for (size_t i = 0; i < d->n && distinct <= limit; i++) {
        const tsn_example *e = &d->v[i];
        uint64_t h = tsn_hash(e->claim ? e->claim : "", e->claim_len) | 1;
        size_t j = (size_t)h & (cap - 1);
        while (seen[j] != 0 && seen[j] != h)
            j = (j + 1) & (cap - 1);
        if (seen[j] == 0) {
            seen[j] = h;
            distinct++;
        }
    }
    free(seen);
    return distinct <= limit;
}
