/* test_vocab.c -- the training side of features: the vocabulary (max_features, char_max_df,
 * hashing, the stored form a damaged model file hands back), the feature dictionary, bags at
 * their limits (generation wrap, saturated counts, over-long words), corpus building (bad
 * configs, one label, multi-label label sets, memory check of hashed weights) and multi-label
 * evaluation of odd datasets. */
#include "features.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "corpus.h"
#include "mleval.h"
#include "model.h"
#include "model_internal.h"
#include "train_data.h"

static tsn_unit unit(const char *surf)
{
    return (tsn_unit){surf, strlen(surf), surf, strlen(surf), TSN_TOK_LATIN, NULL, 0, 0};
}

static void words_only(tsn_config *c)
{
    tsn_config_init(c);
    c->min_df = 1;
    c->char_ngram_max = 0;
    c->units = TSN_UNITS_STEM;
    c->word_ngram_max = 1;
}

/* Interns docs (space-free words, one bag each) into d; fids/nf point into ids. */
static void intern(tsn_dict *d, const tsn_config *c, const char *const (*docs)[3], int n,
                   uint32_t (*ids)[3], const uint32_t **fids, size_t *nf)
{
    tsn_bag b;
    tsn_bag_init(&b, true);
    for (int i = 0; i < n; i++) {
        tsn_unit u[3];
        int k = 0;
        for (; k < 3 && docs[i][k] != NULL; k++)
            u[k] = unit(docs[i][k]);
        tsn_bag_reset(&b);
        tsn_bag_add_units(&b, c, u, (size_t)k, "", NULL);
        CHECK(tsn_dict_add_bag(d, &b, ids[i], NULL) == TSN_OK);
        fids[i] = ids[i];
        nf[i] = b.n;
    }
    tsn_bag_release(&b);
}

static const char *const docs4[][3] = {
    {"a", "b", "c"}, {"b", "c", NULL}, {"c", "d", NULL}, {"c", "b", "e"}};

static void max_features_keeps_the_most_frequent_ties_by_string(void)
{
    tsn_config c;
    words_only(&c);
    c.max_features = 3;
    tsn_dict *d = tsn_dict_new(NULL);
    uint32_t ids[4][3];
    const uint32_t *fids[4];
    size_t nf[4];
    intern(d, &c, docs4, 4, ids, fids, nf);
    tsn_vocab *v = tsn_vocab_build(&c, d, fids, nf, 4, NULL);
    /* df: c 4, b 3, then a, d, e 1 each: a wins the tie by string */
    CHECK(v != NULL && tsn_vocab_size(v) == 3);
    CHECK_STR(tsn_vocab_str(v, 1), "s:a");
    CHECK_STR(tsn_vocab_str(v, 2), "s:b");
    CHECK_STR(tsn_vocab_str(v, 3), "s:c");
    CHECK(tsn_vocab_str(v, 0) == NULL && tsn_vocab_str(v, 4) == NULL);
    CHECK(tsn_vocab_find(v, tsn_feature_hash("s:d", 3)) == 0);
    tsn_vocab_free(v);
    /* a cap above the candidates keeps them all */
    c.max_features = 100;
    v = tsn_vocab_build(&c, d, fids, nf, 4, NULL);
    CHECK(v != NULL && tsn_vocab_size(v) == 5);
    CHECK_STR(tsn_vocab_str(v, 5), "s:e");
    tsn_vocab_free(v);
    tsn_dict_free(d);
}

/* char_max_df drops the character n-grams found in more than its share of the documents and
 * in more than TSN_CHAR_MAX_DF_DOCS, and keeps every word feature, however common: of the
 * vocabulary built without a cap, a feature is kept under the cap exactly when it is a word
 * feature or rare enough by both measures. */
static void char_max_df_drops_common_character_ngrams_only(void)
{
    enum { N = 1500 };
    tsn_config c;
    words_only(&c);
    c.char_ngram_min = 1;
    c.char_ngram_max = 2;
    c.char_max_df = 1;
    tsn_dict *d = tsn_dict_new(NULL);
    uint32_t(*ids)[64] = calloc(N, sizeof *ids);
    const uint32_t **fids = calloc(N, sizeof *fids);
    size_t *nf = calloc(N, sizeof *nf);
    tsn_vocab *all = NULL, *cap = NULL;
    CHECK(d != NULL && ids != NULL && fids != NULL && nf != NULL);
    if (d == NULL || ids == NULL || fids == NULL || nf == NULL)
        goto out;
    tsn_bag b;
    tsn_bag_init(&b, true);
    /* "ab" in every document, "xy" in half of them, "w<k>" in a few each */
    for (int i = 0; i < N; i++) {
        char w[16];
        snprintf(w, sizeof w, "w%d", i % 500);
        tsn_unit u[3] = {unit("ab"), unit(w), unit("xy")};
        tsn_bag_reset(&b);
        CHECK(tsn_bag_add_units(&b, &c, u, i % 2 == 0 ? 3 : 2, "", NULL) == TSN_OK &&
              b.n <= 64);
        CHECK(tsn_dict_add_bag(d, &b, ids[i], NULL) == TSN_OK);
        fids[i] = ids[i];
        nf[i] = b.n;
    }
    tsn_bag_release(&b);
    all = tsn_vocab_build(&c, d, fids, nf, N, NULL);
    c.char_max_df = 0.1; /* 150 documents: the floor of TSN_CHAR_MAX_DF_DOCS rules */
    cap = tsn_vocab_build(&c, d, fids, nf, N, NULL);
    CHECK(all != NULL && cap != NULL);
    if (all == NULL || cap == NULL)
        goto out;
    const double *idf = tsn_vocab_idf(all);
    size_t dropped = 0, common_words = 0, floor_kept = 0;
    for (int id = 1; id <= (int)tsn_vocab_size(all); id++) {
        const char *f = tsn_vocab_str(all, id);
        /* smooth idf = ln((1 + n) / (1 + df)) + 1 */
        double df = round((1.0 + N) / exp(idf[id - 1] - 1.0) - 1.0);
        bool chr = strncmp(f, "c:", 2) == 0;
        bool want = !chr || df <= TSN_CHAR_MAX_DF_DOCS;
        CHECK((tsn_vocab_find(cap, tsn_feature_hash(f, strlen(f))) != 0) == want);
        dropped += !want;
        common_words += !chr && df > TSN_CHAR_MAX_DF_DOCS;
        floor_kept += chr && df > 0.1 * N && df <= TSN_CHAR_MAX_DF_DOCS;
    }
    CHECK(dropped >= 4);     /* the n-grams of "ab", and "<w", "w" */
    CHECK(common_words == 1); /* the word "ab" is in every document too, and stays */
    CHECK(floor_kept >= 3);   /* those of "xy", in 750 */
    CHECK(tsn_vocab_size(cap) + dropped == tsn_vocab_size(all));
out:
    tsn_vocab_free(all);
    tsn_vocab_free(cap);
    tsn_dict_free(d);
    free(ids);
    free(fids);
    free(nf);
}

static void hashing_counts_buckets_and_has_no_strings(void)
{
    tsn_config c;
    words_only(&c);
    c.hash_buckets = 1;
    c.use_idf = false;
    tsn_dict *d = tsn_dict_new(NULL);
    uint32_t ids[4][3];
    const uint32_t *fids[4];
    size_t nf[4];
    intern(d, &c, docs4, 4, ids, fids, nf);
    tsn_vocab *v = tsn_vocab_build(&c, d, fids, nf, 4, NULL);
    CHECK(v != NULL && tsn_vocab_size(v) == 1);
    CHECK(tsn_vocab_idf(v)[0] == 1.0);
    CHECK(tsn_vocab_str(v, 1) == NULL);
    size_t len = 99;
    CHECK(tsn_vocab_strings(v, &len) == NULL && len == 0);
    CHECK(tsn_vocab_find(v, 12345) == 1);
    tsn_vocab_free(v);
    /* with idf: every document has a feature in the one bucket, so df = n */
    c.use_idf = true;
    v = tsn_vocab_build(&c, d, fids, nf, 4, NULL);
    CHECK(fabs(tsn_vocab_idf(v)[0] - 1.0) < 1e-12);
    tsn_vocab_free(v);
    tsn_dict_free(d);
}

/* The stored form comes from model files: counts that disagree are a model error. */
static void a_damaged_stored_vocabulary_is_refused(void)
{
    tsn_config c;
    tsn_config_init(&c);
    double idf[3] = {1, 2, 3};
    tsn_error err = {0};
    c.hash_buckets = 8;
    CHECK(tsn_vocab_from_parts(&c, 3, NULL, 0, idf, &err) == NULL);
    CHECK(err.code == TSN_ERR_MODEL);
    CHECK_STR(err.msg, "vocabulary: 3 ids for 8 hash buckets");
    c.hash_buckets = 3;
    tsn_vocab *v = tsn_vocab_from_parts(&c, 3, NULL, 0, idf, &err);
    CHECK(v != NULL && tsn_vocab_size(v) == 3 && tsn_vocab_idf(v)[2] == 3);
    tsn_vocab_free(v);
    c.hash_buckets = 0;
    err = (tsn_error){0};
    CHECK(tsn_vocab_from_parts(&c, 3, "s:a\0s:b\0", 8, idf, &err) == NULL);
    CHECK_STR(err.msg, "vocabulary: 2 strings for 3 features");
    err = (tsn_error){0};
    CHECK(tsn_vocab_from_parts(&c, 3, "s:a\0s:b\0s:c", 11, idf, &err) == NULL); /* no NUL */
    CHECK_STR(err.msg, "vocabulary: the feature strings do not end in a NUL byte");
    err = (tsn_error){0};
    CHECK(tsn_vocab_from_parts(&c, 2, "s:a\0s:b\0s:c", 11, idf, &err) == NULL);
    CHECK(err.code == TSN_ERR_MODEL);
    CHECK_STR(err.msg, "vocabulary: the feature strings do not end in a NUL byte");
    /* a repeated string: the first id keeps the hash */
    v = tsn_vocab_from_parts(&c, 3, "s:a\0s:b\0s:a", 12, idf, &err);
    CHECK(v != NULL && tsn_vocab_find(v, tsn_feature_hash("s:a", 3)) == 1);
    CHECK_STR(tsn_vocab_str(v, 3), "s:a");
    tsn_vocab_free(v);
    v = tsn_vocab_from_parts(&c, 3, "s:a\0s:b\0s:c", 12, idf, &err);
    CHECK(v != NULL && tsn_vocab_find(v, tsn_feature_hash("s:b", 3)) == 2);
    tsn_vocab_free(v);
}

/* An empty vocabulary (a model file may hold one) vectorizes anything to the bias alone. */
static void an_empty_vocabulary_gives_the_bias_alone(void)
{
    tsn_config c;
    words_only(&c);
    tsn_vocab *v = tsn_vocab_from_parts(&c, 0, "", 0, NULL, NULL);
    CHECK(v != NULL && tsn_vocab_size(v) == 0);
    tsn_bag b;
    tsn_bag_init(&b, false);
    tsn_unit u[2] = {unit("x"), unit("y")};
    tsn_bag_add_units(&b, &c, u, 2, "", NULL);
    tsn_vector x;
    tsn_vector_init(&x);
    CHECK(tsn_vocab_vectorize_bag(v, &c, &b, 2.5, &x, NULL) == TSN_OK);
    CHECK(x.n == 2 && x.v[0].index == 1 && x.v[0].value == 2.5 && x.v[1].index == -1);
    tsn_vector_release(&x);
    tsn_bag_release(&b);
    tsn_vocab_free(v);
}

/* A bag that keeps no strings may add known features to the dictionary, not new ones. */
static void the_dictionary_refuses_a_new_feature_without_its_string(void)
{
    tsn_config c;
    words_only(&c);
    tsn_dict *d = tsn_dict_new(NULL);
    tsn_bag with, without;
    tsn_bag_init(&with, true);
    tsn_bag_init(&without, false);
    tsn_unit u[2] = {unit("known"), unit("new")};
    tsn_bag_add_units(&with, &c, u, 1, "", NULL);
    uint32_t ids[2];
    CHECK(tsn_dict_add_bag(d, &with, ids, NULL) == TSN_OK);
    tsn_bag_add_units(&without, &c, u, 1, "", NULL);
    CHECK(tsn_dict_add_bag(d, &without, ids, NULL) == TSN_OK && ids[0] == 0);
    tsn_bag_reset(&without);
    tsn_bag_add_units(&without, &c, u, 2, "", NULL);
    tsn_error err = {0};
    CHECK(tsn_dict_add_bag(d, &without, ids, &err) == TSN_ERR_DATA);
    CHECK_STR(err.msg, "dictionary: a new feature came without its string");
    CHECK(tsn_dict_size(d) == 1);
    tsn_bag_release(&with);
    tsn_bag_release(&without);
    tsn_dict_free(d);
}

/* The bag's table is emptied by bumping a generation; when that wraps around, the table is
 * really cleared, so that the previous document's features do not count again. */
static void a_wrapped_generation_still_empties_the_bag(void)
{
    tsn_config c;
    words_only(&c);
    tsn_bag b;
    tsn_bag_init(&b, true);
    tsn_unit u[2] = {unit("x"), unit("y")};
    tsn_bag_add_units(&b, &c, u, 2, "", NULL);
    b.gen = UINT32_MAX; /* as after 4 billion documents: the table's slots carry old gens */
    /* and every slot of the table marked generation 1, as the previous wrap left them (a
     * slot is {uint64_t hash, uint32_t gen, uint32_t idx}) */
    for (size_t i = 0; b.tab != NULL && i < b.tab_alloc; i++)
        ((uint32_t *)((char *)b.tab + i * 16))[2] = 1;
    tsn_bag_reset(&b);
    CHECK(b.gen == 1);
    tsn_bag_add_units(&b, &c, u, 1, "", NULL);
    CHECK(b.n == 1 && b.v[0].count == 1);
    CHECK_STR(tsn_bag_str(&b, 0), "s:x");
    tsn_bag_release(&b);
    /* a bag that never had a table wraps too */
    tsn_bag_init(&b, false);
    b.gen = UINT32_MAX;
    tsn_bag_reset(&b);
    CHECK(b.gen == 1 && b.tab == NULL);
    tsn_bag_add_feature(&b, "s:x", 3, NULL);
    CHECK(b.n == 1 && b.v[0].count == 1);
    tsn_bag_release(&b);
}

static void a_feature_count_saturates_instead_of_wrapping(void)
{
    tsn_bag b;
    tsn_bag_init(&b, false);
    CHECK(tsn_bag_add_feature(&b, "s:x", 3, NULL) == TSN_OK);
    b.v[0].count = UINT32_MAX - 1;
    tsn_bag_add_feature(&b, "s:x", 3, NULL);
    CHECK(b.v[0].count == UINT32_MAX);
    tsn_bag_add_feature(&b, "s:x", 3, NULL);
    CHECK(b.v[0].count == UINT32_MAX && b.n == 1);
    tsn_bag_release(&b);
}

/* Character n-grams: a word too long for the buffer gives none (its word features stay);
 * one of the longest accepted lengths in single bytes is cut at the code-point limit. */
static void character_ngrams_of_very_long_words(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.units = TSN_UNITS_SURFACE;
    c.word_ngram_max = 1;
    c.char_ngram_min = 1;
    c.char_ngram_max = 1;
    char big[TSN_TOKEN_MAX_UNITS * 4 + 8];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tsn_unit u = unit(big);
    tsn_bag b;
    tsn_bag_init(&b, true);
    CHECK(tsn_bag_add_units(&b, &c, &u, 1, "", NULL) == TSN_OK);
    CHECK(b.n == 1 && strncmp(tsn_bag_str(&b, 0), "w:qqq", 5) == 0);
    /* TSN_TOKEN_MAX_UNITS * 4 + 1 ASCII letters: "<" + letters + ">" fills the buffer, more
     * code points than starts has room for: the unigrams stop at the limit */
    big[TSN_TOKEN_MAX_UNITS * 4 + 1] = '\0';
    u = unit(big);
    tsn_bag_reset(&b);
    CHECK(tsn_bag_add_units(&b, &c, &u, 1, "", NULL) == TSN_OK);
    size_t q = 0;
    for (size_t i = 0; i < b.n; i++)
        if (strcmp(tsn_bag_str(&b, i), "c:q") == 0)
            q = b.v[i].count;
    /* room for 2*MAX+3 starts: "<" and 2*MAX+2 letters, the last of which runs to the end
     * of the word; tokens from the pipeline (at most MAX code points) never reach this */
    CHECK(q == TSN_TOKEN_MAX_UNITS * 2 + 1);
    tsn_bag_release(&b);
}

static void surface_and_light_units_without_character_ngrams(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.char_ngram_max = 0;
    c.word_ngram_max = 2;
    tsn_unit u[2] = {{"walked", 6, "walk", 4, TSN_TOK_LATIN, "wa+lked", 7, 0},
                     {"home", 4, "home", 4, TSN_TOK_LATIN, NULL, 0, 0}};
    tsn_bag b;
    tsn_bag_init(&b, true);
    c.units = TSN_UNITS_SURFACE;
    tsn_bag_add_units(&b, &c, u, 2, "", NULL);
    CHECK(b.n == 3 && strcmp(tsn_bag_str(&b, 1), "w:walked home") == 0);
    tsn_bag_reset(&b);
    c.units = TSN_UNITS_LIGHT;
    tsn_bag_add_units(&b, &c, u, 2, "", NULL);
    /* l: the light form, else the stem; plus surface unigrams */
    CHECK(b.n == 5);
    CHECK_STR(tsn_bag_str(&b, 1), "l:wa+lked home");
    CHECK_STR(tsn_bag_str(&b, 2), "l:home");
    CHECK_STR(tsn_bag_str(&b, 3), "w:walked");
    CHECK(!tsn_bag_empty(&b));
    tsn_bag_reset(&b);
    CHECK(tsn_bag_empty(&b));
    tsn_bag_release(&b);
}

/* The scorer's memo of word types starts over after 2^17 types; a word seen before then
 * resolves to the same character n-grams after. A hashing vocabulary has no memo. */
static void the_character_memo_starts_over_and_resolves_the_same(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.units = TSN_UNITS_SURFACE;
    c.word_ngram_max = 1;
    c.char_ngram_min = 2;
    c.char_ngram_max = 3;
    double idf[3] = {1, 1, 1};
    tsn_vocab *v = tsn_vocab_from_parts(&c, 3, "c:<a\0c:ab\0c:ab>", 16, idf, NULL);
    CHECK(v != NULL);
    tsn_charmemo *memo = v != NULL ? tsn_charmemo_new(v) : NULL;
    CHECK(memo != NULL);
    if (memo == NULL) {
        tsn_vocab_free(v);
        return;
    }
    tsn_bag b;
    tsn_bag_init(&b, false);
    tsn_bag_set_memo(&b, memo);
    tsn_bag_reset(&b);
    CHECK(tsn_bag_empty(&b));
    tsn_unit ab = unit("ab");
    CHECK(tsn_bag_add_units(&b, &c, &ab, 1, "", NULL) == TSN_OK);
    size_t n0;
    const tsn_feat *r = tsn_bag_resolved(&b, &n0);
    tsn_feat first[8];
    CHECK(n0 == 3);
    memcpy(first, r, (n0 < 8 ? n0 : 8) * sizeof *r);
    char w[16];
    for (int i = 0; i < (1 << 17); i++) {
        if (i % 4096 == 0)
            tsn_bag_reset(&b);
        snprintf(w, sizeof w, "x%06d", i);
        tsn_unit u = unit(w);
        tsn_bag_add_units(&b, &c, &u, 1, "", NULL);
    }
    tsn_bag_reset(&b);
    CHECK(tsn_bag_add_units(&b, &c, &ab, 1, "", NULL) == TSN_OK);
    size_t n1;
    r = tsn_bag_resolved(&b, &n1);
    CHECK(n1 == n0 && memcmp(r, first, n0 * sizeof *r) == 0);
    /* it also starts over when the types' surface forms pass 16 MiB (words too long for
     * character n-grams, 1,000 bytes each) */
    char *lw = malloc(1001);
    memset(lw, 'y', 1000);
    lw[1000] = '\0';
    bool any = false; /* no character n-gram of these words is in the vocabulary */
    for (int i = 0; i < 17 * 1024; i++) {
        char num[16];
        snprintf(num, sizeof num, "%07d", i);
        memcpy(lw, num, 7);
        tsn_unit u = unit(lw);
        tsn_bag_reset(&b);
        tsn_bag_add_units(&b, &c, &u, 1, "", NULL);
        tsn_bag_resolved(&b, &n1);
        any |= n1 != 0;
    }
    CHECK(!any);
    free(lw);
    tsn_bag_reset(&b);
    CHECK(tsn_bag_add_units(&b, &c, &ab, 1, "", NULL) == TSN_OK);
    r = tsn_bag_resolved(&b, &n1);
    CHECK(n1 == n0 && memcmp(r, first, n0 * sizeof *r) == 0);
    tsn_bag_release(&b);
    tsn_charmemo_free(memo);
    tsn_vocab_free(v);
    c.hash_buckets = 4;
    double idf4[4] = {1, 1, 1, 1};
    v = tsn_vocab_from_parts(&c, 4, NULL, 0, idf4, NULL);
    CHECK(v != NULL && tsn_charmemo_new(v) == NULL);
    tsn_vocab_free(v);
}

/* A bag with a memo is empty only when nothing was generated: a single word under word
 * n-grams 2-2 adds no word feature, but its character n-grams were generated (even if none
 * is in the vocabulary). */
static void a_bag_with_only_character_ngrams_is_not_empty(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.units = TSN_UNITS_SURFACE;
    c.word_ngram_min = 2;
    c.word_ngram_max = 2;
    c.char_ngram_min = 2;
    c.char_ngram_max = 3;
    double idf[1] = {1};
    tsn_vocab *v = tsn_vocab_from_parts(&c, 1, "c:zz", 5, idf, NULL);
    tsn_charmemo *memo = v != NULL ? tsn_charmemo_new(v) : NULL;
    CHECK(memo != NULL);
    if (memo == NULL) {
        tsn_vocab_free(v);
        return;
    }
    tsn_bag b;
    tsn_bag_init(&b, false);
    tsn_bag_set_memo(&b, memo);
    tsn_bag_reset(&b);
    tsn_unit u = unit("ab");
    CHECK(tsn_bag_add_units(&b, &c, &u, 1, "", NULL) == TSN_OK);
    size_t nr;
    tsn_bag_resolved(&b, &nr);
    CHECK(b.n == 0 && nr == 0);
    CHECK(!tsn_bag_empty(&b));
    tsn_bag_reset(&b);
    CHECK(tsn_bag_empty(&b));
    tsn_bag_release(&b);
    tsn_charmemo_free(memo);
    tsn_vocab_free(v);
}

static void corpus_build_refuses_bad_configs_no_examples_and_one_label(void)
{
    static const char *const rows[] = {"x\tgoal match", "x\tbank money"};
    tsn_dataset d = td_make(rows, 2);
    tsn_config c;
    tsn_config_init(&c);
    c.word_ngram_min = 3;
    c.word_ngram_max = 2;
    tsn_error err = {0};
    CHECK(tsn_corpus_build(&c, &d, 1, NULL, NULL, &err) == NULL);
    CHECK_STR(err.msg, "word_ngram_max (2) is below word_ngram_min (3)");
    tsn_config_init(&c);
    CHECK(tsn_corpus_build(&c, &d, 1, NULL, NULL, &err) == NULL);
    CHECK_STR(err.msg, "mem.tsv: only one label (\"x\"): a classifier needs at least two");
    td_free(&d);
    /* no examples at all: no label to name (this read an unset name, and crashed) */
    d = td_make(NULL, 0);
    err = (tsn_error){0};
    CHECK(tsn_corpus_build(&c, &d, 1, NULL, NULL, &err) == NULL);
    CHECK(err.code == TSN_ERR_DATA);
    CHECK_STR(err.msg, "mem.tsv: no examples");
    td_free(&d);
    static const char *const two[] = {"x\tgoal match", "y\tbank money"};
    d = td_make(two, 2);
    snprintf(c.stopwords, sizeof c.stopwords, "/nonexistent/stop.txt");
    err = (tsn_error){0};
    CHECK(tsn_corpus_build(&c, &d, 2, NULL, NULL, &err) == NULL);
    CHECK(err.code != TSN_OK && strstr(err.msg, "/nonexistent/stop.txt") != NULL);
    td_free(&d);
}

/* Hashed weights are known before featurizing: too many for this machine is refused then. */
static void hashed_weights_too_large_for_memory_are_refused_before_featurizing(void)
{
    double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    size_t K = (size_t)(phys / (double)((size_t)1 << 31)) + 2; /* 2 GiB a label at 2^28 */
    if (phys <= 0 || K > 400) {
        printf("skip hashed_weights_too_large_for_memory (memory size unknown or huge)\n");
        return;
    }
    char (*lines)[32] = malloc(K * sizeof *lines);
    const char **rows = malloc(K * sizeof *rows);
    for (size_t k = 0; k < K; k++) {
        snprintf(lines[k], sizeof lines[k], "l%zu\tword", k);
        rows[k] = lines[k];
    }
    tsn_dataset d = td_make(rows, K);
    tsn_config c;
    tsn_config_init(&c);
    c.hash_buckets = 1 << 28;
    c.prune_weights = 0;
    tsn_error err = {0};
    CHECK(tsn_corpus_build(&c, &d, 1, NULL, NULL, &err) == NULL);
    char want[96];
    snprintf(want, sizeof want, "the model would hold 268435456 features x %zu labels", K);
    CHECK(err.code == TSN_ERR_DATA && strncmp(err.msg, want, strlen(want)) == 0);
    td_free(&d);
    free(rows);
    free(lines);
}

/* A document that cannot be featurized (here: over the normalizer's 256 MiB) fails the
 * build, named by file and line; of two, on two threads, the first is named. */
static void corpus_build_names_the_first_document_that_fails(void)
{
    static const char *const rows[] = {"x\tgoal match", "y\tbank money", "x\tbig",
                                       "y\tmarket",     "x\tbig",       "y\tloans"};
    tsn_dataset d = td_make(rows, 6);
    size_t big = ((size_t)256 << 20) + 1;
    char *text = calloc(big + 1, 1); /* never read: the length is refused first */
    if (text == NULL) {
        printf("skip corpus_build_names_the_first_document_that_fails (no memory)\n");
        td_free(&d);
        return;
    }
    const char *keep[2] = {d.v[2].text, d.v[4].text};
    d.v[2].text = d.v[4].text = text;
    d.v[2].text_len = d.v[4].text_len = big;
    tsn_config c;
    tsn_config_init(&c);
    tsn_error err = {0};
    CHECK(tsn_corpus_build(&c, &d, 2, NULL, NULL, &err) == NULL);
    CHECK_STR(err.msg, "mem.tsv:3: text of 268435457 bytes is over the 256 MiB limit");
    CHECK(tsn_corpus_build(&c, &d, 2, NULL, NULL, NULL) == NULL); /* no error wanted */
    d.v[2].text = keep[0];
    d.v[4].text = keep[1];
    free(text);
    td_free(&d);
}

/* More documents than the ring of bags holds on any of these thread counts: the corpus (row
 * entries, counts, dictionary) is the same on every count, and the first document that fails
 * is the one named, however far into the data, on every count. */
static void corpus_build_is_the_same_on_any_thread_count(void)
{
    enum { N = 900 };
    static char text[N][64];
    const char *rows[N];
    for (int i = 0; i < N; i++) {
        snprintf(text[i], sizeof text[i], "%s\tw%d v%d u%d common", i % 3 ? "x" : "y",
                 i % 37, i % 11, i);
        rows[i] = text[i];
    }
    tsn_dataset d = td_make(rows, N);
    tsn_config c;
    tsn_config_init(&c);
    tsn_corpus *one = tsn_corpus_build(&c, &d, 1, NULL, NULL, NULL);
    CHECK(one != NULL);
    for (int t = 2; one != NULL && t <= 5; t++) {
        tsn_corpus *k = tsn_corpus_build(&c, &d, t, NULL, NULL, NULL);
        CHECK(k != NULL && tsn_corpus_features(k) == tsn_corpus_features(one) &&
              k->start[N] == one->start[N]);
        if (k != NULL && k->start[N] == one->start[N])
            CHECK(memcmp(k->fids, one->fids, k->start[N] * sizeof *k->fids) == 0 &&
                  memcmp(k->counts, one->counts, k->start[N] * sizeof *k->counts) == 0 &&
                  memcmp(k->start, one->start, (N + 1) * sizeof *k->start) == 0);
        tsn_corpus_free(k);
    }
    tsn_corpus_free(one);
    size_t big = ((size_t)256 << 20) + 1;
    char *huge = calloc(big + 1, 1); /* never read: the length is refused first */
    if (huge != NULL) {
        const char *keep[2] = {d.v[600].text, d.v[750].text};
        d.v[600].text = d.v[750].text = huge;
        d.v[600].text_len = d.v[750].text_len = big;
        for (int t = 1; t <= 5; t += 2) {
            tsn_error err = {0};
            CHECK(tsn_corpus_build(&c, &d, t, NULL, NULL, &err) == NULL);
            CHECK_STR(err.msg,
                      "mem.tsv:601: text of 268435457 bytes is over the 256 MiB limit");
        }
        d.v[600].text = keep[0];
        d.v[750].text = keep[1];
        free(huge);
    }
    td_free(&d);
}

/* Multi-label label sets: a label that is a prefix of another is told apart, a repeated
 * label counts once, the first given is the document's label. */
static void multi_label_sets_tell_prefixes_apart_and_drop_repeats(void)
{
    static const char *const rows[] = {"sports,sport\tgoal", "sport,sport\tmatch",
                                       "tech,sports,tech\tbank"};
    tsn_dataset d = td_make(rows, 3);
    tsn_config c;
    tsn_config_init(&c);
    c.multi_label = true;
    tsn_error err = {0};
    tsn_corpus *co = tsn_corpus_build(&c, &d, 1, NULL, NULL, &err);
    CHECK(co != NULL && tsn_corpus_multi_label(co));
    if (co != NULL) {
        CHECK(tsn_corpus_n_labels(co) == 3);
        CHECK_STR(tsn_corpus_label_name(co, 0), "sport");
        CHECK_STR(tsn_corpus_label_name(co, 1), "sports");
        CHECK_STR(tsn_corpus_label_name(co, 2), "tech");
        CHECK(tsn_corpus_label(co, 0) == 1 && tsn_corpus_label(co, 1) == 0 &&
              tsn_corpus_label(co, 2) == 2);
        CHECK(tsn_corpus_has_label(co, 0, 0) && tsn_corpus_has_label(co, 0, 1) &&
              !tsn_corpus_has_label(co, 0, 2));
        CHECK(tsn_corpus_has_label(co, 1, 0) && !tsn_corpus_has_label(co, 1, 1));
        CHECK(tsn_corpus_has_label(co, 2, 1) && tsn_corpus_has_label(co, 2, 2) &&
              !tsn_corpus_has_label(co, 2, 0));
    }
    tsn_corpus_free(co);
    td_free(&d);
    /* a single-label corpus has its one label */
    d = td_make(td_three, TD_THREE_N);
    c.multi_label = false;
    co = tsn_corpus_build(&c, &d, 1, NULL, NULL, &err);
    CHECK(co != NULL && !tsn_corpus_multi_label(co));
    for (size_t i = 0; co != NULL && i < TD_THREE_N; i++)
        for (size_t k = 0; k < 3; k++)
            CHECK(tsn_corpus_has_label(co, i, k) == (k == tsn_corpus_label(co, i)));
    tsn_corpus_free(co);
    td_free(&d);
}

/* Multi-label evaluation: data of the other kind (pairs / single texts) and an unknown
 * label, even one longer than the name buffer, are errors naming the data; an evaluation
 * of nothing writes zeros, not NaN. */
static void multi_label_evaluation_of_odd_data(void)
{
    static const char *const rows[] = {
        "a,b\tgoal match striker league", "a,c\tbank market money rates",
        "b\tvote parliament minister law", "b,a\tstriker goal stadium fans",
        "c,a\tmoney bank loans market",    "c\tleague match fans coach",
    };
    tsn_dataset d = td_make(rows, 6);
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 1;
    c.multi_label = true;
    tsn_error err = {0};
    tsn_corpus *co = tsn_corpus_build(&c, &d, 1, NULL, NULL, &err);
    tsn_model *m = tsn_model_fit_consume(co, &err);
    tsn_corpus_free(co);
    td_free(&d);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    tsn_ml_evaluation ev;
    static const char *const pairs[] = {"a\tclaim\ttext"};
    d = td_make(pairs, 1);
    CHECK(tsn_ml_evaluate(m, &d, &ev, &err) == TSN_ERR_DATA);
    CHECK_STR(err.msg, "mem.tsv: examples have claims, but the model was trained on single "
                       "texts");
    td_free(&d);
    /* every label gold, at most two of them given: a label missed counts once */
    static const char *const all3[] = {"a,b,c\tgoal match striker league"};
    d = td_make(all3, 1);
    CHECK(tsn_ml_evaluate(m, &d, &ev, &err) == TSN_OK);
    CHECK(ev.n == 1 && ev.gold == 3 && ev.exact == (ev.given == 3));
    CHECK(ev.tp[0] + ev.fn[0] == 1 && ev.tp[1] + ev.fn[1] == 1 && ev.tp[2] + ev.fn[2] == 1);
    CHECK(ev.fn[0] + ev.fn[1] + ev.fn[2] == 3 - ev.given);
    CHECK(ev.given < 3 && ev.fp[0] + ev.fp[1] + ev.fp[2] == 0);
    tsn_ml_evaluation_release(&ev);
    td_free(&d);
    char longrow[400];
    memset(longrow, 'z', 300);
    snprintf(longrow + 300, sizeof longrow - 300, "\tgoal match");
    const char *lr[] = {"a\tgoal", longrow};
    d = td_make(lr, 2);
    CHECK(tsn_ml_evaluate(m, &d, &ev, &err) == TSN_ERR_DATA);
    CHECK(strncmp(err.msg, "mem.tsv:2: label \"zzzzzzzz", 26) == 0);
    CHECK(strlen(err.msg) > 300 && strstr(err.msg, "zzz\" is unknown to the model") != NULL);
    CHECK(ev.tp == NULL && ev.n == 0);
    td_free(&d);
    /* a document the scorer refuses: named by line, nothing kept */
    const char *ok2[] = {"a\tgoal", "b\tmatch"};
    d = td_make(ok2, 2);
    size_t big = ((size_t)256 << 20) + 1;
    char *text = calloc(big + 1, 1); /* never read: the length is refused first */
    if (text != NULL) {
        const char *keep = d.v[1].text;
        d.v[1].text = text;
        d.v[1].text_len = big;
        CHECK(tsn_ml_evaluate(m, &d, &ev, &err) == TSN_ERR_ARG);
        CHECK_STR(err.msg, "mem.tsv:2: text of 268435457 bytes is over the 256 MiB limit");
        CHECK(ev.tp == NULL && ev.n == 0);
        d.v[1].text = keep;
        free(text);
    }
    td_free(&d);
    /* nothing evaluated */
    ev = (tsn_ml_evaluation){0};
    ev.K = 3;
    ev.tp = calloc(3, sizeof *ev.tp);
    ev.fp = calloc(3, sizeof *ev.fp);
    ev.fn = calloc(3, sizeof *ev.fn);
    ev.ptp = calloc(3, sizeof *ev.ptp);
    ev.pfp = calloc(3, sizeof *ev.pfp);
    ev.pfn = calloc(3, sizeof *ev.pfn);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tsn_ml_write_evaluation(f, &ev, m, true);
    fclose(f);
    CHECK(strstr(buf, "{\"n\":0,\"multi_label\":true,\"micro_precision\":0.0000,"
                      "\"micro_recall\":0.0000,\"micro_f1\":0.0000,\"macro_f1\":0.0000,"
                      "\"hamming_loss\":0.0000,") == buf);
    CHECK(strstr(buf, "nan") == NULL);
    CHECK(strstr(buf, "\"a\":{\"precision\":0.0000,\"recall\":0.0000,\"f1\":0.0000,"
                      "\"support\":0,") != NULL);
    free(buf);
    f = open_memstream(&buf, &len);
    tsn_ml_write_evaluation(f, &ev, m, false);
    fclose(f);
    CHECK(strstr(buf, "examples          0 (multi-label: 0 gold labels, 0 predicted)\n"
                      "micro-F1          0.0000  (precision 0.0000, recall 0.0000)\n"
                      "macro-F1          0.0000\nHamming loss      0.0000\n") == buf);
    free(buf);
    tsn_ml_evaluation_release(&ev);
    tsn_model_free(m);
    /* and a model of pairs, given single texts */
    static const char *const prow[] = {
        "a,b\tc1\tgoal match striker league", "a,c\tc1\tbank market money rates",
        "b\tc2\tvote parliament minister law", "c\tc2\tleague match fans coach",
    };
    d = td_make(prow, 4);
    co = tsn_corpus_build(&c, &d, 1, NULL, NULL, &err);
    m = tsn_model_fit_consume(co, &err);
    tsn_corpus_free(co);
    td_free(&d);
    CHECK(m != NULL && tsn_model_is_pair(m));
    static const char *const single[] = {"a\tgoal"};
    d = td_make(single, 1);
    CHECK(m != NULL && tsn_ml_evaluate(m, &d, &ev, &err) == TSN_ERR_DATA);
    CHECK_STR(err.msg, "mem.tsv: examples have no claims, but the model was trained on claim + "
                       "text pairs");
    td_free(&d);
    tsn_model_free(m);
}

int main(void)
{
    RUN(max_features_keeps_the_most_frequent_ties_by_string);
    RUN(char_max_df_drops_common_character_ngrams_only);
    RUN(hashing_counts_buckets_and_has_no_strings);
    RUN(a_damaged_stored_vocabulary_is_refused);
    RUN(an_empty_vocabulary_gives_the_bias_alone);
    RUN(the_dictionary_refuses_a_new_feature_without_its_string);
    RUN(a_wrapped_generation_still_empties_the_bag);
    RUN(a_feature_count_saturates_instead_of_wrapping);
    RUN(character_ngrams_of_very_long_words);
    RUN(surface_and_light_units_without_character_ngrams);
    RUN(the_character_memo_starts_over_and_resolves_the_same);
    RUN(a_bag_with_only_character_ngrams_is_not_empty);
    RUN(corpus_build_refuses_bad_configs_no_examples_and_one_label);
    RUN(hashed_weights_too_large_for_memory_are_refused_before_featurizing);
    RUN(corpus_build_names_the_first_document_that_fails);
    RUN(corpus_build_is_the_same_on_any_thread_count);
    RUN(multi_label_sets_tell_prefixes_apart_and_drop_repeats);
    RUN(multi_label_evaluation_of_odd_data);
    DONE();
}
