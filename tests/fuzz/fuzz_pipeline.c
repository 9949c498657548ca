/* fuzz_pipeline.c -- normalize + tokenize + stop words + stem + features on arbitrary bytes.
 *
 * The first byte picks one of four pipeline configurations (units, n-gram orders, folds, claim
 * and claim-text relation features) and whether the rest is a claim<TAB>text pair. Checks: featurizing the same document twice gives
 * the same bag (the stem cache and the per-document table must not leak state between
 * documents), every count is positive, and the lexical view has well-formed units.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

#define N_CFG 4

static tsn_pipeline *pipes[N_CFG];
static tsn_bag bag1, bag2;

static void set(tsn_config *c, const char *name, const char *value)
{
    if (tsn_config_set(c, name, value, NULL) != TSN_OK)
        abort();
}

static tsn_pipeline *make(int k)
{
    tsn_config c;
    tsn_error err;
    tsn_config_init(&c);
    switch (k) {
    case 1:
        set(&c, "units", "surface");
        set(&c, "claim_features", "false");
        set(&c, "pair_features", "true");
        set(&c, "word_ngram_max", "3");
        set(&c, "char_ngram_min", "1");
        set(&c, "char_ngram_max", "6");
        break;
    case 2:
        set(&c, "units", "light");
        set(&c, "stopwords", "none");
        set(&c, "nfkc", "false");
        set(&c, "fold_teh_marbuta", "false");
        set(&c, "number_class", "false");
        set(&c, "url_class", "false");
        break;
    case 3:
        set(&c, "char_ngram_max", "0");
        set(&c, "punctuation", "false");
        set(&c, "emoji", "false");
        set(&c, "claim_features", "false");
        break;
    default:
        break;
    }
    char *stop = NULL;
    size_t len = 0;
    if (tsn_pipeline_stopwords_text(&c, &stop, &len, &err) != TSN_OK)
        abort();
    tsn_pipeline *p = tsn_pipeline_new(&c, stop, len, &err);
    free(stop);
    if (p == NULL)
        abort();
    return p;
}

static int same(const tsn_bag *a, const tsn_bag *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].h != b->v[i].h || a->v[i].count != b->v[i].count || a->v[i].count == 0)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int k = data[0] % N_CFG;
    int pair = (data[0] >> 2) & 1;
    static int ready;
    if (!ready) {
        tsn_bag_init(&bag1, false);
        tsn_bag_init(&bag2, false);
        ready = 1;
    }
    if (pipes[k] == NULL)
        pipes[k] = make(k);
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    tsn_doc doc = {s, n, NULL, 0};
    const char *tab = pair ? memchr(s, '\t', n) : NULL;
    if (tab != NULL) {
        doc.claim = s;
        doc.claim_len = (size_t)(tab - s);
        doc.text = tab + 1;
        doc.len = n - doc.claim_len - 1;
    }
    tsn_error err;
    tsn_status a = tsn_pipeline_featurize(pipes[k], &doc, &bag1, &err);
    tsn_status b = tsn_pipeline_featurize(pipes[k], &doc, &bag2, &err);
    if (a != b || (a == TSN_OK && !same(&bag1, &bag2)))
        abort();
    const tsn_unit *u;
    size_t nu;
    if (tsn_pipeline_lex(pipes[k], s, n, &u, &nu, &err) == TSN_OK)
        for (size_t i = 0; i < nu; i++)
            if (u[i].surf == NULL || u[i].stem == NULL || u[i].surf_len == 0 ||
                strlen(u[i].surf) != u[i].surf_len || strlen(u[i].stem) != u[i].stem_len)
                abort();
    return 0;
}
