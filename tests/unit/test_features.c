/* test_features.c -- n-gram strings, bags, vocabulary selection and tf-idf vectors. */
#include "features.h"

#include <math.h>
#include <stdlib.h>

#include "check.h"

static tsn_unit unit(const char *surf, const char *stem)
{
    return (tsn_unit){surf, strlen(surf), stem, strlen(stem), TSN_TOK_LATIN, NULL, 0, 0};
}

static bool bag_has(const tsn_bag *b, const char *s, uint32_t count)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(tsn_bag_str(b, i), s) == 0)
            return b->v[i].count == count;
    return false;
}

static void word_ngrams_cover_the_configured_orders(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.units = TSN_UNITS_BOTH;
    c.char_ngram_max = 0;
    tsn_unit u[] = {unit("hackers", "hacker"), unit("attacked", "attack"),
                    unit("hackers", "hacker")};
    tsn_bag b;
    tsn_bag_init(&b, true);
    CHECK(tsn_bag_add_units(&b, &c, u, 3, "", NULL) == TSN_OK);
    CHECK(bag_has(&b, "s:hacker", 2));
    CHECK(bag_has(&b, "s:hacker attack", 1));
    CHECK(bag_has(&b, "s:attack hacker", 1));
    CHECK(bag_has(&b, "w:hackers", 2));
    CHECK(!bag_has(&b, "w:hackers attacked", 1)); /* "both": surface unigrams only */
    CHECK(b.n == 6);
    tsn_bag_release(&b);
}

static void char_ngrams_mark_word_boundaries_and_count_code_points(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.units = TSN_UNITS_STEM;
    c.word_ngram_max = 1;
    c.char_ngram_min = 2;
    c.char_ngram_max = 3;
    tsn_unit u = {"\xd9\x84\xd8\xa7", 4, "\xd9\x84\xd8\xa7", 4, TSN_TOK_ARABIC, NULL, 0, 0}; /* lam alef */
    tsn_bag b;
    tsn_bag_init(&b, true);
    CHECK(tsn_bag_add_units(&b, &c, &u, 1, "claim.", NULL) == TSN_OK);
    /* <la> gives 2-grams <l, la, a> and 3-grams <la, la> */
    CHECK(bag_has(&b, "claim.c:<\xd9\x84", 1));
    CHECK(bag_has(&b, "claim.c:\xd9\x84\xd8\xa7>", 1));
    CHECK(bag_has(&b, "claim.s:\xd9\x84\xd8\xa7", 1));
    CHECK(b.n == 6);
    tsn_bag_release(&b);
}

static void vocabulary_keeps_features_above_min_df_in_string_order(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.min_df = 2;
    c.char_ngram_max = 0;
    c.units = TSN_UNITS_STEM;
    c.word_ngram_max = 1;
    tsn_dict *d = tsn_dict_new(NULL);
    const char *docs[][2] = {{"b", "a"}, {"a", "c"}, {"b", "d"}};
    uint32_t ids[3][4];
    const uint32_t *fids[3];
    size_t nf[3];
    tsn_bag b;
    tsn_bag_init(&b, true);
    for (int i = 0; i < 3; i++) {
        tsn_unit u[2] = {unit(docs[i][0], docs[i][0]), unit(docs[i][1], docs[i][1])};
        tsn_bag_reset(&b);
        tsn_bag_add_units(&b, &c, u, 2, "", NULL);
        CHECK(tsn_dict_add_bag(d, &b, ids[i], NULL) == TSN_OK);
        fids[i] = ids[i];
        nf[i] = b.n;
    }
    tsn_vocab *v = tsn_vocab_build(&c, d, fids, nf, 3, NULL);
    CHECK(v != NULL && tsn_vocab_size(v) == 2);
    CHECK_STR(tsn_vocab_str(v, 1), "s:a");
    CHECK_STR(tsn_vocab_str(v, 2), "s:b");
    CHECK(tsn_vocab_find(v, tsn_dict_hash(d, ids[1][0])) > 0 || tsn_vocab_size(v) == 2);
    /* idf is smoothed: ln((1 + 3) / (1 + 2)) + 1 */
    CHECK(fabs(tsn_vocab_idf(v)[0] - (log(4.0 / 3.0) + 1)) < 1e-12);
    tsn_vocab_free(v);
    tsn_dict_free(d);
    tsn_bag_release(&b);
}

static void vectors_are_l2_normalized_sorted_and_terminated(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.hash_buckets = 64;
    tsn_dict *d = tsn_dict_new(NULL);
    tsn_bag b;
    tsn_bag_init(&b, true);
    tsn_unit u[] = {unit("x", "x"), unit("y", "y"), unit("x", "x"), unit("z", "z")};
    tsn_bag_add_units(&b, &c, u, 4, "", NULL);
    uint32_t ids[64];
    tsn_dict_add_bag(d, &b, ids, NULL);
    const uint32_t *fids[1] = {ids};
    size_t nf[1] = {b.n};
    tsn_vocab *v = tsn_vocab_build(&c, d, fids, nf, 1, NULL);
    tsn_vector x;
    tsn_vector_init(&x);
    CHECK(tsn_vocab_vectorize(v, &c, b.v, b.n, 1.0, &x, NULL) == TSN_OK);
    CHECK(x.n >= 3 && x.v[x.n - 1].index == -1);
    CHECK(x.v[x.n - 2].index == 65 && x.v[x.n - 2].value == 1.0); /* bias */
    double norm = 0;
    for (size_t i = 0; i + 2 < x.n; i++) {
        norm += x.v[i].value * x.v[i].value;
        CHECK(x.v[i].index >= 1 && x.v[i].index <= 64);
        if (i > 0)
            CHECK(x.v[i].index > x.v[i - 1].index);
    }
    CHECK(fabs(norm - 1.0) < 1e-9);
    tsn_vector_release(&x);
    tsn_vocab_free(v);
    tsn_dict_free(d);
    tsn_bag_release(&b);
}

static void unknown_features_give_an_empty_vector(void)
{
    tsn_config c;
    tsn_config_init(&c);
    tsn_vocab *v = tsn_vocab_from_parts(&c, 1, "s:a", 4, (double[]){1.0}, NULL);
    CHECK(v != NULL);
    tsn_feat f = {12345, 3, 0};
    tsn_vector x;
    tsn_vector_init(&x);
    CHECK(tsn_vocab_vectorize(v, &c, &f, 1, -1, &x, NULL) == TSN_OK);
    CHECK(x.n == 1 && x.v[0].index == -1);
    tsn_vector_release(&x);
    tsn_vocab_free(v);
}

/* A training bag that hands its words over as types (which stand for their unigrams and
 * character n-grams) names the same features with the same counts as one that generates them:
 * over several documents, with words repeated within and across them, types seen before, a
 * form with a tab (which stays in the bag), and claim features, which stay in the bag; and its
 * rows give the same vocabulary and vectors. For each units setting. */
static void types_stand_for(int units, int word_min, int char_max)
{
    tsn_config c;
    tsn_config_init(&c);
    c.units = units;
    c.word_ngram_min = word_min;
    c.word_ngram_max = 2;
    c.char_ngram_min = 1;
    c.char_ngram_max = char_max;
    c.min_df = 1;
    tsn_unit docs[3][4] = {
        {unit("abab", "ab"), unit("ba", "ba"), unit("abab", "ab"), unit("cab", "ca")},
        {unit("ba", "ba"), unit("xyz", "xy"), unit("ba", "ba"), unit("a\tb", "a\tb")},
        {unit("cab", "ca"), unit("abab", "ab"), unit("b", "b"), unit("zz", "ab")},
    };
    for (int i = 0; i < 3; i++) /* a clitic-split form, as the pipeline gives it: by word */
        for (int k = 0; k < 4; k++)
            if (strcmp(docs[i][k].surf, "ba") == 0) {
                docs[i][k].light = "b";
                docs[i][k].light_len = 1;
            }
    tsn_dict *d = tsn_dict_new(NULL), *plain = tsn_dict_new(NULL);
    CHECK(d != NULL && plain != NULL);
    tsn_bag typed[3], full[3];
    uint32_t rows[3][256], counts[3][256], fids[3][256];
    size_t n_rows[3], n_full[3];
    for (int i = 0; i < 3; i++) {
        tsn_bag_init(&typed[i], true);
        tsn_bag_init(&full[i], true);
        CHECK(tsn_bag_collect_types(&typed[i]) && tsn_bag_types(&typed[i]) != NULL);
        CHECK(tsn_bag_types(&full[i]) == NULL);
        CHECK(tsn_bag_add_units(&typed[i], &c, docs[i], 4, "claim.", NULL) == TSN_OK);
        CHECK(tsn_bag_add_units(&typed[i], &c, docs[i], 4, "", NULL) == TSN_OK);
        CHECK(tsn_bag_add_units(&full[i], &c, docs[i], 4, "claim.", NULL) == TSN_OK);
        CHECK(tsn_bag_add_units(&full[i], &c, docs[i], 4, "", NULL) == TSN_OK);
        const tsn_bag *ty = tsn_bag_types(&typed[i]);
        size_t nb = typed[i].n;
        CHECK(nb + ty->n < 256 && full[i].n < 256);
        CHECK(tsn_dict_add_bag(d, &typed[i], rows[i], NULL) == TSN_OK);
        CHECK(tsn_dict_add_types(d, &c, &typed[i], rows[i] + nb, NULL) == TSN_OK);
        CHECK(tsn_dict_add_bag(plain, &full[i], fids[i], NULL) == TSN_OK);
        n_rows[i] = nb + ty->n;
        n_full[i] = full[i].n;
        for (size_t k = 0; k < nb; k++)
            counts[i][k] = typed[i].v[k].count;
        for (size_t k = 0; k < ty->n; k++)
            counts[i][nb + k] = ty->v[k].count;
        /* every feature of the full bag has its count in the typed row: direct, or summed
         * over the row's types, each type counted as often as its word */
        for (size_t k = 0; k < full[i].n; k++) {
            const char *s = tsn_bag_str(&full[i], k);
            uint32_t count = 0;
            for (size_t j = 0; j < n_rows[i]; j++) {
                uint32_t e = rows[i][j];
                size_t len = 1;
                const uint32_t *ids =
                    e & TSN_ROW_TYPE ? tsn_dict_type_ngrams(d, e & ~TSN_ROW_TYPE, &len) : &e;
                for (size_t q = 0; q < len; q++)
                    if (strcmp(tsn_dict_str(d, ids[q]), s) == 0)
                        count += counts[i][j];
            }
            CHECK(count == full[i].v[k].count);
        }
    }
    CHECK(tsn_dict_size(d) == tsn_dict_size(plain));
    CHECK(tsn_dict_types(d) == 6); /* abab ba cab xyz b zz (not the form with a tab) */
    /* the vocabularies and the rows' vectors are the same */
    const uint32_t *r[3] = {rows[0], rows[1], rows[2]}, *f[3] = {fids[0], fids[1], fids[2]};
    tsn_vocab *v = tsn_vocab_build(&c, d, r, n_rows, 3, NULL);
    tsn_vocab *w = tsn_vocab_build(&c, plain, f, n_full, 3, NULL);
    CHECK(v != NULL && w != NULL && tsn_vocab_size(v) == tsn_vocab_size(w));
    size_t lv, lw;
    const char *sv = tsn_vocab_strings(v, &lv), *sw = tsn_vocab_strings(w, &lw);
    CHECK(lv == lw && memcmp(sv, sw, lv) == 0);
    CHECK(memcmp(tsn_vocab_idf(v), tsn_vocab_idf(w), tsn_vocab_size(v) * sizeof(double)) == 0);
    uint32_t *mv = tsn_vocab_map_dict(v, d, NULL), *mw = tsn_vocab_map_dict(w, plain, NULL);
    CHECK(mv != NULL && mw != NULL);
    for (int i = 0; i < 3; i++) {
        uint32_t fc[256];
        for (size_t k = 0; k < n_full[i]; k++)
            fc[k] = full[i].v[k].count;
        tsn_vector x, y;
        tsn_vector_init(&x);
        tsn_vector_init(&y);
        CHECK(tsn_vocab_vectorize_row(v, &c, d, mv, rows[i], counts[i], n_rows[i], 1.0, &x,
                                      NULL) == TSN_OK);
        CHECK(tsn_vocab_vectorize_row(w, &c, plain, mw, fids[i], fc, n_full[i], 1.0, &y,
                                      NULL) == TSN_OK);
        CHECK(x.n == y.n && x.n > 2);
        for (size_t k = 0; k < x.n && k < y.n; k++) /* (the nodes' padding is not compared) */
            CHECK(x.v[k].index == y.v[k].index && x.v[k].value == y.v[k].value);
        tsn_vector_release(&x);
        tsn_vector_release(&y);
        tsn_bag_release(&typed[i]);
        tsn_bag_release(&full[i]);
    }
    free(mv);
    free(mw);
    tsn_vocab_free(v);
    tsn_vocab_free(w);
    tsn_dict_free(d);
    tsn_dict_free(plain);
}

static void word_types_stand_for_the_unigrams_and_character_ngrams_of_the_bag(void)
{
    types_stand_for(TSN_UNITS_BOTH, 1, 4);
    types_stand_for(TSN_UNITS_STEM, 1, 3);
    types_stand_for(TSN_UNITS_SURFACE, 2, 0);
    types_stand_for(TSN_UNITS_LIGHT, 1, 2);
}

/* A bag filled with a table lent by another (tsn_bag_swap_tables, as a corpus worker does)
 * holds what a bag with its own table would, keeps it when the table goes back, and the
 * lender's table serves the next bag from empty. */
static void bags_filled_with_a_lent_table_hold_what_their_own_would(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.char_ngram_max = 0;
    tsn_unit u[] = {unit("hackers", "hacker"), unit("attacked", "attack"),
                    unit("hackers", "hacker"), unit("banks", "bank")};
    tsn_bag own, lender, a, b;
    tsn_bag_init(&own, true);
    tsn_bag_init(&lender, true);
    tsn_bag_init(&a, true);
    tsn_bag_init(&b, true);
    CHECK(tsn_bag_add_units(&own, &c, u, 4, "", NULL) == TSN_OK);
    tsn_bag *fill[] = {&a, &b};
    for (int k = 0; k < 2; k++) {
        tsn_bag_swap_tables(&lender, fill[k]);
        tsn_bag_reset(fill[k]);
        CHECK(tsn_bag_add_units(fill[k], &c, u, 4, "", NULL) == TSN_OK);
        tsn_bag_swap_tables(&lender, fill[k]);
    }
    for (int k = 0; k < 2; k++) {
        CHECK(fill[k]->n == own.n);
        for (size_t i = 0; i < own.n && i < fill[k]->n; i++)
            CHECK(fill[k]->v[i].h == own.v[i].h && fill[k]->v[i].count == own.v[i].count &&
                  strcmp(tsn_bag_str(fill[k], i), tsn_bag_str(&own, i)) == 0);
    }
    CHECK(a.tab == NULL && b.tab == NULL && lender.tab != NULL); /* the table went back */
    CHECK(bag_has(&a, "s:hacker", 2) && bag_has(&b, "s:hacker attack", 1));
    tsn_bag_release(&own);
    tsn_bag_release(&lender);
    tsn_bag_release(&a);
    tsn_bag_release(&b);
}

int main(void)
{
    RUN(bags_filled_with_a_lent_table_hold_what_their_own_would);
    RUN(word_ngrams_cover_the_configured_orders);
    RUN(word_types_stand_for_the_unigrams_and_character_ngrams_of_the_bag);
    RUN(char_ngrams_mark_word_boundaries_and_count_code_points);
    RUN(vocabulary_keeps_features_above_min_df_in_string_order);
    RUN(vectors_are_l2_normalized_sorted_and_terminated);
    RUN(unknown_features_give_an_empty_vector);
    DONE();
}
