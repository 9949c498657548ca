/* pipeline.c -- wires the stages together and owns their per-document scratch. */
#include "pipeline.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "normalize.h"
#include "stem.h"
#include "stopwords.h"
#include "tokenize.h"

struct tsn_pipeline {
    tsn_config cfg;
    tsn_normalizer *norm;
    tsn_tokenizer *tok;
    tsn_stemmer *stem;
    tsn_stopwords *stop;
    tsn_tokens tokens;
    tsn_unit *units;
    size_t n_units, units_cap;
    char *stems; /* this document's stems, NUL-separated */
    size_t slen, scap;
    size_t invalid;
};

tsn_status tsn_pipeline_stopwords_text(const tsn_config *cfg, char **text, size_t *len,
                                       tsn_error *err)
{
    const char *src = NULL;
    if (strcmp(cfg->stopwords, "default") == 0)
        src = tsn_stopwords_default();
    else if (strcmp(cfg->stopwords, "none") == 0)
        src = "";
    if (src != NULL) {
        *len = strlen(src);
        *text = malloc(*len + 1);
        if (*text == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "stop words: out of memory");
        memcpy(*text, src, *len + 1);
        return TSN_OK;
    }
    tsn_status st = tsn_read_path(cfg->stopwords, (size_t)1 << 26, text, len, err);
    if (st == TSN_ERR_FORMAT)
        return tsn_error_set(err, st, "%s: stop-word list over 64 MiB", cfg->stopwords);
    return st;
}

tsn_pipeline *tsn_pipeline_new(const tsn_config *cfg, const char *stopwords, size_t len,
                               tsn_error *err)
{
    tsn_pipeline *p = calloc(1, sizeof *p);
    if (p == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
        return NULL;
    }
    p->cfg = *cfg;
    tsn_tokens_init(&p->tokens);
    if ((p->norm = tsn_normalizer_new(cfg, err)) == NULL)
        goto fail;
    if ((p->tok = tsn_tokenizer_new(cfg, err)) == NULL)
        goto fail;
    if ((p->stem = tsn_stemmer_new(err)) == NULL)
        goto fail;
    if ((p->stop = tsn_stopwords_new(stopwords, len, p->norm, "stop words", err)) == NULL)
        goto fail;
    return p;
fail:
    tsn_pipeline_free(p);
    return NULL;
}

void tsn_pipeline_free(tsn_pipeline *p)
{
    if (p == NULL)
        return;
    tsn_normalizer_free(p->norm);
    tsn_tokenizer_free(p->tok);
    tsn_stemmer_free(p->stem);
    tsn_stopwords_free(p->stop);
    tsn_tokens_release(&p->tokens);
    free(p->units);
    free(p->stems);
    free(p);
}

size_t tsn_pipeline_invalid(const tsn_pipeline *p)
{
    return p->invalid;
}

tsn_status tsn_pipeline_lex(tsn_pipeline *p, const char *text, size_t len,
                            const tsn_unit **units, size_t *n, tsn_error *err)
{
    size_t ulen, bad = 0;
    const uint16_t *u = tsn_normalizer_run(p->norm, text, len, &ulen, &bad, err);
    if (u == NULL)
        return err != NULL ? err->code : TSN_ERR_UNICODE;
    p->invalid += bad;
    tsn_status st = tsn_tokenizer_run(p->tok, u, ulen, &p->tokens, err);
    if (st != TSN_OK)
        return st;
    if (p->tokens.n > p->units_cap) {
        size_t cap = p->units_cap ? p->units_cap : 64;
        while (cap < p->tokens.n)
            cap *= 2;
        tsn_unit *nu = realloc(p->units, cap * sizeof *nu);
        if (nu == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
        p->units = nu;
        p->units_cap = cap;
    }
    p->n_units = 0;
    for (size_t i = 0; i < p->tokens.n; i++) {
        const tsn_token *t = &p->tokens.v[i];
        const char *s = tsn_tokens_str(&p->tokens, i);
        if (t->kind != TSN_TOK_CLASS && tsn_stopwords_has(p->stop, s, t->len))
            continue;
        p->units[p->n_units++] = (tsn_unit){s, t->len, NULL, 0, t->kind, NULL, 0};
    }
    /* A stem is a view into the stem cache, which moves as it grows: copy each one out
     * (offsets first, pointers once the buffer has stopped moving). */
    p->slen = 0;
    for (size_t i = 0; i < p->n_units; i++) {
        tsn_unit *un = &p->units[i];
        const char *stem = tsn_stemmer_stem(p->stem, un->surf, un->surf_len, un->kind,
                                            &un->stem_len, err);
        if (stem == NULL)
            return err != NULL ? err->code : TSN_ERR_NOMEM;
        if (p->scap - p->slen < un->stem_len + 1) {
            size_t cap = p->scap ? p->scap : 4096;
            while (cap - p->slen < un->stem_len + 1)
                cap *= 2;
            char *nb = realloc(p->stems, cap);
            if (nb == NULL)
                return tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
            p->stems = nb;
            p->scap = cap;
        }
        memcpy(p->stems + p->slen, stem, un->stem_len);
        p->stems[p->slen + un->stem_len] = '\0';
        un->stem = (const char *)(uintptr_t)p->slen;
        p->slen += un->stem_len + 1;
    }
    /* Clitic-split forms of Arabic words, in the same buffer. */
    bool light = p->cfg.units == TSN_UNITS_LIGHT;
    for (size_t i = 0; light && i < p->n_units; i++) {
        tsn_unit *un = &p->units[i];
        if (un->kind != TSN_TOK_ARABIC)
            continue;
        if (p->scap - p->slen < un->surf_len + 1) {
            size_t cap = p->scap ? p->scap : 4096;
            while (cap - p->slen < un->surf_len + 1)
                cap *= 2;
            char *nb = realloc(p->stems, cap);
            if (nb == NULL)
                return tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
            p->stems = nb;
            p->scap = cap;
        }
        un->light_len = tsn_clitic_split(un->surf, un->surf_len, p->cfg.fold_teh_marbuta,
                                         p->stems + p->slen);
        un->light = (const char *)(uintptr_t)p->slen + 1; /* + 1: not NULL at offset 0 */
        p->slen += un->light_len + 1;
    }
    for (size_t i = 0; i < p->n_units; i++) {
        p->units[i].stem = p->stems + (uintptr_t)p->units[i].stem;
        if (p->units[i].light != NULL)
            p->units[i].light = p->stems + (uintptr_t)p->units[i].light - 1;
    }
    *units = p->units;
    *n = p->n_units;
    return TSN_OK;
}

tsn_status tsn_pipeline_featurize(tsn_pipeline *p, const tsn_doc *doc, tsn_bag *bag,
                                  tsn_error *err)
{
    tsn_bag_reset(bag);
    p->invalid = 0;
    const tsn_unit *u;
    size_t n;
    tsn_status st;
    if (doc->claim != NULL && p->cfg.claim_features) {
        if ((st = tsn_pipeline_lex(p, doc->claim, doc->claim_len, &u, &n, err)) != TSN_OK)
            return st;
        if ((st = tsn_bag_add_units(bag, &p->cfg, u, n, "claim.", err)) != TSN_OK)
            return st;
    }
    if ((st = tsn_pipeline_lex(p, doc->text, doc->len, &u, &n, err)) != TSN_OK)
        return st;
    if ((st = tsn_bag_add_units(bag, &p->cfg, u, n, "", err)) != TSN_OK)
        return st;
    return TSN_OK;
}
