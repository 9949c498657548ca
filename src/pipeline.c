/* pipeline.c -- wires the stages together and owns their per-document scratch. */
#include "pipeline.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actors.h"
#include "fileio.h"
#include "growth.h"
#include "lexicon.h"
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
    tsn_lexicon *lex; /* stop-word flags and stems of the words met */
    tsn_tokens tokens;
    uint64_t *hashes; /* this document's tokens' type hashes */
    size_t hcap;
    tsn_unit *units;
    size_t n_units, units_cap;
    char *stems; /* this document's clitic-split forms, NUL-separated */
    size_t slen, scap;
    size_t invalid;
    /* a pair document's claim, kept while its text is lexed: stems and surface forms */
    char *cbuf;
    size_t cblen, cbcap;
    size_t *coff; /* per claim unit: offset of stem, then of surface form, in cbuf */
    size_t cn, ccap;
    char *fbuf; /* a pair feature being built */
    size_t fcap;
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
    if ((p->lex = tsn_lexicon_new(p->stem, p->stop, err)) == NULL)
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
    tsn_lexicon_free(p->lex);
    tsn_stopwords_free(p->stop);
    tsn_tokens_release(&p->tokens);
    free(p->hashes);
    free(p->units);
    free(p->cbuf);
    free(p->coff);
    free(p->fbuf);
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
    size_t nt = p->tokens.n;
    if (nt > p->units_cap) {
        size_t cap = tsn_grown_cap(p->units_cap, nt, 64);
        tsn_unit *nu = realloc(p->units, cap * sizeof *nu);
        if (nu == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
        p->units = nu;
        p->units_cap = cap;
    }
    if (nt > p->hcap) {
        uint64_t *h = realloc(p->hashes, p->units_cap * sizeof *h);
        if (h == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
        p->hashes = h;
        p->hcap = p->units_cap;
    }
    /* Each token's stop-word flag and stem from the lexicon, its slot prefetched a few tokens
     * ahead (a table of megabytes), and its strings half as many. A stem is an offset into
     * the lexicon's strings, which move as it grows: pointers once every token is looked up. */
    enum { AHEAD = 8 };
    for (size_t i = 0; i < nt; i++) {
        const tsn_token *t = &p->tokens.v[i];
        p->hashes[i] = tsn_lexicon_hash(t->kind, tsn_tokens_str(&p->tokens, i), t->len);
        if (i < AHEAD)
            tsn_lexicon_prefetch(p->lex, p->hashes[i]);
    }
    tsn_lexicon_begin(p->lex);
    p->n_units = 0;
    for (size_t i = 0; i < nt; i++) {
        if (i + AHEAD < nt)
            tsn_lexicon_prefetch(p->lex, p->hashes[i + AHEAD]);
        if (i + AHEAD / 2 < nt)
            tsn_lexicon_prefetch_word(p->lex, p->hashes[i + AHEAD / 2]);
        const tsn_token *t = &p->tokens.v[i];
        const char *s = tsn_tokens_str(&p->tokens, i);
        tsn_word w;
        st = tsn_lexicon_find(p->lex, p->hashes[i], s, t->len, t->kind, &w, err);
        if (st != TSN_OK)
            return st;
        if (!w.stop)
            p->units[p->n_units++] = (tsn_unit){s, t->len, (const char *)(uintptr_t)w.stem,
                                                w.stem_len, t->kind, NULL, 0, p->hashes[i]};
    }
    p->slen = 0;
    /* Clitic-split forms of Arabic words, in the same buffer. */
    bool light = p->cfg.units == TSN_UNITS_LIGHT;
    for (size_t i = 0; light && i < p->n_units; i++) {
        tsn_unit *un = &p->units[i];
        if (un->kind != TSN_TOK_ARABIC)
            continue;
        if (!tsn_grow_bytes(&p->stems, &p->scap, p->slen + un->surf_len + 1))
            return tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
        un->light_len = tsn_clitic_split(un->surf, un->surf_len, p->cfg.fold_teh_marbuta,
                                         p->stems + p->slen);
        un->light = (const char *)(uintptr_t)(p->slen + 1); /* + 1: not NULL at offset 0 */
        p->slen += un->light_len + 1;
    }
    for (size_t i = 0; i < p->n_units; i++) {
        p->units[i].stem = tsn_lexicon_str(p->lex, (uint32_t)(uintptr_t)p->units[i].stem);
        if (p->units[i].light != NULL)
            p->units[i].light = p->stems + (uintptr_t)p->units[i].light - 1;
    }
    *units = p->units;
    *n = p->n_units;
    return TSN_OK;
}

/* ---- Claim-text relation features (pair documents) ---- */

#define PAIR_MAX_UNITS 256 /* longer claims and texts are compared on their first units */


/* Keeps the claim's units (stem and surface form) for the comparison with the text. */
static tsn_status keep_claim(tsn_pipeline *p, const tsn_unit *u, size_t n, tsn_error *err)
{
    n = n < PAIR_MAX_UNITS ? n : PAIR_MAX_UNITS;
    p->cblen = 0;
    p->cn = 0;
    if (n * 2 > p->ccap) {
        size_t *o = realloc(p->coff, n * 2 * sizeof *o);
        if (o == NULL)
            return tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
        p->coff = o;
        p->ccap = n * 2;
    }
    for (size_t i = 0; i < n; i++) {
        if (!tsn_grow_bytes(&p->cbuf, &p->cbcap, p->cblen + u[i].stem_len + u[i].surf_len + 2))
            return tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
        p->coff[2 * i] = p->cblen;
        memcpy(p->cbuf + p->cblen, u[i].stem, u[i].stem_len + 1);
        p->cblen += u[i].stem_len + 1;
        p->coff[2 * i + 1] = p->cblen;
        memcpy(p->cbuf + p->cblen, u[i].surf, u[i].surf_len);
        p->cbuf[p->cblen + u[i].surf_len] = '\0';
        p->cblen += u[i].surf_len + 1;
    }
    p->cn = n;
    return TSN_OK;
}

/* Negation and denial cues, as the normalizer leaves them (alef and yeh folded). */
static bool is_negation(const char *w)
{
    static const char *const cues[] = {"لا", "لم", "لن", "ليس", "ليست", "غير", "عدم", "دون",
                                       "بدون", "نفي", "ينفي", "تنفي", "نفت", "ينفون", "كذب",
                                       "تكذب", "يكذب", "ما", "not", "no", "never"};
    for (size_t i = 0; i < sizeof cues / sizeof cues[0]; i++)
        if (strcmp(w, cues[i]) == 0)
            return true;
    return false;
}

static tsn_status pair_feature(tsn_pipeline *p, tsn_bag *bag, const char *a, const char *b,
                               const char *c, tsn_error *err)
{
    size_t la = strlen(a), lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;
    if (!tsn_grow_bytes(&p->fbuf, &p->fcap, 8 + la + lb + lc + 2))
        return tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
    size_t n = 0;
    memcpy(p->fbuf, "claim.p:", 8), n = 8;
    memcpy(p->fbuf + n, a, la), n += la;
    if (b != NULL)
        memcpy(p->fbuf + n, b, lb), n += lb;
    if (c != NULL) {
        p->fbuf[n++] = '>';
        memcpy(p->fbuf + n, c, lc), n += lc;
    }
    return tsn_bag_add_feature(bag, p->fbuf, n, err);
}

/* Code point offsets of w (at most 64 code points; *n gets their number). */
static size_t cps(const char *w, size_t *starts)
{
    size_t n = 0, i = 0;
    for (; w[i] != '\0' && n < 64; i++)
        if (((unsigned char)w[i] & 0xC0) != 0x80)
            starts[n++] = i;
    starts[n] = i;
    return n;
}

/* Dice similarity of the character bigrams of a and b: near 1 for forms of one word
 * (يدمن، مدمن), near 0 for different words (ارتفاع، انخفاض). */
static double dice(const char *a, const char *b)
{
    size_t sa[65], sb[65];
    size_t na = cps(a, sa), nb = cps(b, sb);
    if (na < 2 || nb < 2)
        return strcmp(a, b) == 0 ? 1 : 0;
    bool used[64] = {false};
    size_t common = 0;
    for (size_t i = 0; i + 1 < na; i++) {
        size_t la = sa[i + 2] - sa[i];
        for (size_t j = 0; j + 1 < nb; j++)
            if (!used[j] && sb[j + 2] - sb[j] == la && memcmp(a + sa[i], b + sb[j], la) == 0) {
                used[j] = true;
                common++;
                break;
            }
    }
    return 2.0 * (double)common / (double)(na - 1 + nb - 1);
}

/* What the text does to the claim: the words it drops and adds (by stem or surface form),
 * which of them are negation cues, the pairs of swapped words when few changed (an antonym
 * put in, a name replaced), and how much of each side the other covers, in bins. */
static tsn_status add_pair_features(tsn_pipeline *p, const tsn_unit *u, size_t n, tsn_bag *bag,
                                    tsn_error *err)
{
    n = n < PAIR_MAX_UNITS ? n : PAIR_MAX_UNITS;
    bool tmatch[PAIR_MAX_UNITS] = {false}, cmatch[PAIR_MAX_UNITS] = {false};
    size_t tm = 0, cm = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p->cn; j++) {
            const char *cs = p->cbuf + p->coff[2 * j], *cw = p->cbuf + p->coff[2 * j + 1];
            if (strcmp(u[i].stem, cs) == 0 || strcmp(u[i].surf, cw) == 0) {
                tm += !tmatch[i];
                cm += !cmatch[j];
                tmatch[i] = cmatch[j] = true;
            }
        }
    size_t t_only = n - tm, c_only = p->cn - cm;
    tsn_status st = TSN_OK;
    static const char *const digits[] = {"0", "1", "2", "3", "4"};
    for (size_t i = 0; st == TSN_OK && i < n; i++)
        if (!tmatch[i]) {
            st = pair_feature(p, bag, "t+", u[i].stem, NULL, err);
            if (st == TSN_OK && is_negation(u[i].surf))
                st = pair_feature(p, bag, "neg+", NULL, NULL, err);
        }
    for (size_t j = 0; st == TSN_OK && j < p->cn; j++)
        if (!cmatch[j]) {
            st = pair_feature(p, bag, "c-", p->cbuf + p->coff[2 * j], NULL, err);
            if (st == TSN_OK && is_negation(p->cbuf + p->coff[2 * j + 1]))
                st = pair_feature(p, bag, "neg-", NULL, NULL, err);
        }
    /* Each added word against the dropped ones: a new form of a claim word, or another word
     * put in its place? */
    for (size_t i = 0; st == TSN_OK && i < n; i++) {
        if (tmatch[i] || c_only == 0)
            continue;
        double best = 0;
        for (size_t j = 0; j < p->cn; j++)
            if (!cmatch[j]) {
                double d = dice(u[i].surf, p->cbuf + p->coff[2 * j + 1]);
                best = d > best ? d : best;
            }
        st = pair_feature(p, bag, best >= 0.5 ? "sim:hi" : best >= 0.25 ? "sim:mid" : "sim:lo",
                          NULL, NULL, err);
    }
    if (t_only > 0 && t_only <= 3 && c_only > 0 && c_only <= 3)
        for (size_t j = 0; st == TSN_OK && j < p->cn; j++)
            for (size_t i = 0; st == TSN_OK && !cmatch[j] && i < n; i++)
                if (!tmatch[i])
                    st = pair_feature(p, bag, "x:", p->cbuf + p->coff[2 * j], u[i].stem, err);
    if (st == TSN_OK)
        st = pair_feature(p, bag, "nt", digits[t_only < 4 ? t_only : 4], NULL, err);
    if (st == TSN_OK)
        st = pair_feature(p, bag, "nc", digits[c_only < 4 ? c_only : 4], NULL, err);
    if (st == TSN_OK && n > 0)
        st = pair_feature(p, bag, "ov", digits[tm * 4 / n], NULL, err);
    if (st == TSN_OK && p->cn > 0)
        st = pair_feature(p, bag, "cv", digits[cm * 4 / p->cn], NULL, err);
    return st;
}

/* ---- Stance features (cfg.stance_features) ---- */

#define LEAD_UNITS 3 /* the main clause's verb and first words: an Arabic news sentence
                      * opens with its main verb (اتهمت، نفت، قال) */

/* Adds the feature "<kind>:" + a [+ " " + b]. */
static tsn_status stance_feature(tsn_pipeline *p, tsn_bag *bag, char kind, const char *a,
                                 size_t la, const char *b, size_t lb, tsn_error *err)
{
    if (!tsn_grow_bytes(&p->fbuf, &p->fcap, 2 + la + 1 + lb))
        return tsn_error_set(err, TSN_ERR_NOMEM, "pipeline: out of memory");
    size_t n = 0;
    p->fbuf[n++] = kind;
    p->fbuf[n++] = ':';
    memcpy(p->fbuf + n, a, la), n += la;
    if (b != NULL) {
        p->fbuf[n++] = ' ';
        memcpy(p->fbuf + n, b, lb), n += lb;
    }
    return tsn_bag_add_feature(bag, p->fbuf, n, err);
}

/* The main clause's lead ("m:" its first stems, and their first bigram) and each actor word's
 * class beside its neighbours ("a:<state>", "a:اتهم <state>", "a:<state> <army>"), so that
 * what is said of an actor generalizes past the names seen in training. */
static tsn_status add_stance_features(tsn_pipeline *p, const tsn_unit *u, size_t n,
                                      tsn_bag *bag, tsn_error *err)
{
    tsn_status st = TSN_OK;
    for (size_t i = 0; st == TSN_OK && i < n && i < LEAD_UNITS; i++)
        st = stance_feature(p, bag, 'm', u[i].stem, u[i].stem_len, NULL, 0, err);
    if (st == TSN_OK && n >= 2)
        st = stance_feature(p, bag, 'm', u[0].stem, u[0].stem_len, u[1].stem, u[1].stem_len,
                            err);
    char bare[256], cls[2][32];
    size_t cl[2] = {0, 0};
    for (size_t i = 0; st == TSN_OK && i < n; i++) {
        size_t k = i & 1, prev = k ^ 1;
        cl[k] = 0;
        if (u[i].kind == TSN_TOK_ARABIC && u[i].surf_len < sizeof bare) {
            /* the word as it is, else without its clitics (واشنطن must not lose its waw) */
            const char *c = tsn_actor_class(u[i].surf, u[i].surf_len);
            if (c == NULL) {
                size_t bl = tsn_clitic_split(u[i].surf, u[i].surf_len, p->cfg.fold_teh_marbuta,
                                             bare);
                c = tsn_actor_class(bare, bl);
            }
            if (c != NULL)
                cl[k] = (size_t)snprintf(cls[k], sizeof cls[k], "<%s>", c);
        }
        if (cl[k] == 0)
            continue;
        st = stance_feature(p, bag, 'a', cls[k], cl[k], NULL, 0, err);
        if (st == TSN_OK && i > 0)
            st = cl[prev] ? stance_feature(p, bag, 'a', cls[prev], cl[prev], cls[k], cl[k], err)
                          : stance_feature(p, bag, 'a', u[i - 1].stem, u[i - 1].stem_len,
                                           cls[k], cl[k], err);
        if (st == TSN_OK && i + 1 < n)
            st = stance_feature(p, bag, 'a', cls[k], cl[k], u[i + 1].stem, u[i + 1].stem_len,
                                err);
    }
    return st;
}

tsn_status tsn_pipeline_featurize(tsn_pipeline *p, const tsn_doc *doc, tsn_bag *bag,
                                  tsn_error *err)
{
    tsn_bag_reset(bag);
    p->invalid = 0;
    const tsn_unit *u;
    size_t n;
    tsn_status st;
    bool pair = doc->claim != NULL && p->cfg.pair_features == TSN_CLAIM_ON;
    bool claim = p->cfg.claim_features != TSN_CLAIM_OFF; /* (auto is resolved by training) */
    if (doc->claim != NULL && (claim || pair)) {
        if ((st = tsn_pipeline_lex(p, doc->claim, doc->claim_len, &u, &n, err)) != TSN_OK)
            return st;
        if (claim &&
            (st = tsn_bag_add_units(bag, &p->cfg, u, n, "claim.", err)) != TSN_OK)
            return st;
        if (pair && (st = keep_claim(p, u, n, err)) != TSN_OK)
            return st;
    }
    if ((st = tsn_pipeline_lex(p, doc->text, doc->len, &u, &n, err)) != TSN_OK)
        return st;
    if ((st = tsn_bag_add_units(bag, &p->cfg, u, n, "", err)) != TSN_OK)
        return st;
    if (pair && (st = add_pair_features(p, u, n, bag, err)) != TSN_OK)
        return st;
    if (p->cfg.stance_features && (st = add_stance_features(p, u, n, bag, err)) != TSN_OK)
        return st;
    return TSN_OK;
}
