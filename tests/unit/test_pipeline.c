/* test_pipeline.c -- the whole featurizer on real Arabic, against tests/golden/ngrams.tsv
 * (word n-grams, character n-grams off), and the pair (claim) feature space. */
#include "pipeline.h"

#include <stdlib.h>

#include "check.h"

static tsn_pipeline *pipe_words;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The features of text as "feature=count" strings, sorted, joined by " | ". */
static const char *features(tsn_pipeline *p, const char *text, const char *claim)
{
    static char out[8192];
    static tsn_bag b;
    static bool init;
    if (!init) {
        tsn_bag_init(&b, true);
        init = true;
    }
    tsn_doc d = {text, strlen(text), claim, claim ? strlen(claim) : 0};
    if (tsn_pipeline_featurize(p, &d, &b, NULL) != TSN_OK)
        return "(error)";
    char **v = malloc((b.n ? b.n : 1) * sizeof *v);
    for (size_t i = 0; i < b.n; i++) {
        v[i] = malloc(strlen(tsn_bag_str(&b, i)) + 16);
        sprintf(v[i], "%s=%u", tsn_bag_str(&b, i), b.v[i].count);
    }
    qsort(v, b.n, sizeof *v, cmp_str);
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < b.n; i++) {
        k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", i ? " | " : "", v[i]);
        free(v[i]);
    }
    free(v);
    return out;
}

static void golden_case(const char *in, const char *want, int line)
{
    const char *got = features(pipe_words, in, NULL);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "  golden/ngrams.tsv:%d:\n    got  %s\n    want %s\n", line, got, want);
        check_failures++;
    }
}

static void word_ngrams_match_golden_file(void)
{
    CHECK(golden_each("tests/golden/ngrams.tsv", golden_case) >= 3);
}

static void claim_features_live_in_their_own_space(void)
{
    const char *f = features(pipe_words, "نفت الوزارة", "الوزارة رفعت الأسعار");
    CHECK(strstr(f, "claim.w:رفعت=1") != NULL);
    CHECK(strstr(f, "claim.s:") != NULL);
    CHECK(strstr(f, " w:نفت=1") != NULL || strncmp(f, "w:نفت", 7) == 0 || strstr(f, "w:نفت=1"));
    CHECK(strstr(f, "claim.w:نفت") == NULL);
}

static void diacritics_and_spelling_variants_give_the_same_features(void)
{
    char a[4096];
    snprintf(a, sizeof a, "%s", features(pipe_words, "أعلنت الحكومةُ إجراءاتٍ جديدة", NULL));
    CHECK_STR(features(pipe_words, "اعلنت الحكومه اجراءات جديده", NULL), a);
}

int main(void)
{
    tsn_config c;
    tsn_config_init(&c);
    c.char_ngram_max = 0;
    tsn_error err = {0};
    char *sw;
    size_t swl;
    if (tsn_pipeline_stopwords_text(&c, &sw, &swl, &err) != TSN_OK ||
        (pipe_words = tsn_pipeline_new(&c, sw, swl, &err)) == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    free(sw);
    RUN(word_ngrams_match_golden_file);
    RUN(claim_features_live_in_their_own_space);
    RUN(diacritics_and_spelling_variants_give_the_same_features);
    tsn_pipeline_free(pipe_words);
    DONE();
}
