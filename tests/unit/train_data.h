/* train_data.h -- small in-memory labeled datasets for the training unit tests (test_fit.c,
 * test_cv.c, test_vocab.c): rows "label<TAB>text" or "label<TAB>claim<TAB>text"; a
 * multi-label row separates its labels with ',' (stored as TSN_LABEL_SEP); and the corpus of
 * such rows under a small-corpus config. */
#ifndef TSN_TRAIN_DATA_H
#define TSN_TRAIN_DATA_H

#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "dataset.h"

static inline char *td_dup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static inline tsn_dataset td_make(const char *const *rows, size_t n)
{
    tsn_dataset d;
    memset(&d, 0, sizeof d);
    d.v = calloc(n ? n : 1, sizeof *d.v);
    d.n = d.cap = n;
    d.source = td_dup("mem.tsv", 7);
    for (size_t i = 0; i < n; i++) {
        const char *t1 = strchr(rows[i], '\t'), *t2 = strchr(t1 + 1, '\t');
        tsn_example *e = &d.v[i];
        char *label = td_dup(rows[i], (size_t)(t1 - rows[i]));
        for (char *p = label; *p; p++)
            if (*p == ',')
                *p = TSN_LABEL_SEP;
        e->label = label;
        if (t2 != NULL) {
            e->claim = td_dup(t1 + 1, (size_t)(t2 - t1 - 1));
            e->claim_len = strlen(e->claim);
            d.pair = true;
        }
        const char *text = t2 ? t2 + 1 : t1 + 1;
        e->text = td_dup(text, strlen(text));
        e->text_len = strlen(text);
        e->source = d.source;
        e->line = i + 1;
    }
    return d;
}

static inline void td_free(tsn_dataset *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free((char *)d->v[i].label);
        free((char *)d->v[i].claim);
        free((char *)d->v[i].text);
    }
    free(d->v);
    free(d->source);
    memset(d, 0, sizeof *d);
}

/* A config for small test corpora: every word kept (min_df 1), no character n-grams. */
static inline void td_base(tsn_config *c)
{
    tsn_config_init(c);
    c->min_df = 1;
    c->char_ngram_max = 0;
}

/* The corpus of rows[0..n) under cfg, featurized on `threads` threads; NULL with *err set. */
static inline tsn_corpus *td_corpus(const char *const *rows, size_t n, const tsn_config *cfg,
                                    int threads, tsn_error *err)
{
    tsn_dataset d = td_make(rows, n);
    tsn_corpus *c = tsn_corpus_build(cfg, &d, threads, NULL, NULL, err);
    td_free(&d);
    return c;
}

/* Three topics, six documents each, in words no stop-word list drops. */
static const char *const td_three[] = {
    "sport\tgoal match striker league trophy",   "econ\tbank market inflation rates money",
    "politic\tvote parliament minister law cabinet", "sport\tstriker scored goal stadium fans",
    "econ\tmoney bank loans interest market",     "politic\tminister cabinet vote election law",
    "sport\tleague match fans coach trophy",      "econ\tinflation prices market bank trade",
    "politic\tparliament law election party vote", "sport\tcoach striker goal league cup",
    "econ\ttrade money rates interest prices",    "politic\tparty minister cabinet parliament",
    "sport\tstadium match cup fans goal",         "econ\tloans bank money market prices",
    "politic\telection vote party law minister",  "sport\ttrophy coach league striker match",
    "econ\tinterest rates inflation trade bank",  "politic\tcabinet parliament party election",
};
#define TD_THREE_N (sizeof td_three / sizeof td_three[0])

#endif
