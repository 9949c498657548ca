/* test_pipeline.c -- the whole featurizer on real Arabic, against tests/golden/ngrams.tsv
 * (word n-grams, character n-grams off), and the pair (claim) feature space. */
#include "pipeline.h"

#include "dataset.h"

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

static tsn_pipeline *pipe_pairs; /* claim_features false, pair_features true */

static void pair_features_relate_the_text_to_its_claim(void)
{
    const char *f = features(pipe_pairs, "نفت الحكومة أي نية لرفع أسعار الوقود",
                             "الحكومة رفعت أسعار الوقود");
    CHECK(strstr(f, "claim.w:") == NULL && strstr(f, "claim.s:") == NULL); /* claim bag off */
    CHECK(strstr(f, "claim.p:neg+=1") != NULL);  /* a denial cue the claim lacks */
    CHECK(strstr(f, "claim.p:t+") != NULL);      /* words the text adds */
    CHECK(strstr(f, "claim.p:nt") != NULL && strstr(f, "claim.p:ov") != NULL);
    CHECK(strstr(f, "claim.p:t+الحكوم") == NULL); /* shared words are not "added" */
    /* a swapped word: one of each side, far apart in spelling */
    f = features(pipe_pairs, "انخفاض أسعار النفط", "ارتفاع أسعار النفط");
    CHECK(strstr(f, "claim.p:x:") != NULL && strstr(f, "claim.p:sim:lo=1") != NULL);
    CHECK(strstr(f, "claim.p:nt1=1") != NULL && strstr(f, "claim.p:nc1=1") != NULL);
    /* a paraphrase that keeps every word has nothing added or dropped */
    f = features(pipe_pairs, "ارتفاع أسعار النفط", "ارتفاع أسعار النفط");
    CHECK(strstr(f, "claim.p:nt0=1") != NULL && strstr(f, "claim.p:ov4=1") != NULL);
}

static tsn_pipeline *pipe_stance; /* stance_features true */

/* The main clause's lead and actor classes: what is said of one state carries to another. */
static void stance_features_mark_the_lead_and_actor_classes(void)
{
    const char *f = features(pipe_stance, "اتهمت واشنطن موسكو بالوقوف وراء الهجوم", NULL);
    CHECK(strstr(f, "m:اتهم=1") != NULL);            /* the main verb, marked as the lead */
    CHECK(strstr(f, "a:<capital>=2") != NULL);        /* واشنطن (waw kept) and موسكو */
    CHECK(strstr(f, "a:<capital> <capital>=1") != NULL);
    CHECK(strstr(f, "a:اتهم <capital>=1") != NULL);
    /* another pair of states gives the same class features */
    const char *g = features(pipe_stance, "اتهمت طهران بغداد بالوقوف وراء الهجوم", NULL);
    CHECK(strstr(g, "a:اتهم <capital>=1") != NULL && strstr(g, "a:<capital> <capital>=1") != NULL);
    /* clitics come off before the lookup: وبالجيش is the army */
    g = features(pipe_stance, "ونفى المتحدث باسم الجيش الروسي", NULL);
    CHECK(strstr(g, "a:<army>=1") != NULL && strstr(g, "a:<demonym>=1") != NULL);
    CHECK(strstr(g, "a:<official>=1") != NULL);
    /* off by default */
    CHECK(strstr(features(pipe_words, "اتهمت واشنطن موسكو", NULL), "a:<") == NULL);
    CHECK(strstr(features(pipe_words, "اتهمت واشنطن موسكو", NULL), "m:") == NULL);
}

static void auto_claim_settings_follow_how_often_claims_recur(void)
{
    tsn_example ex[40];
    char claims[40][24];
    tsn_dataset d = {.v = ex, .n = 40, .cap = 40, .pair = true, .format = TSN_FMT_TSV};
    for (int i = 0; i < 40; i++) {
        snprintf(claims[i], sizeof claims[i], "claim %d", i % 3);
        ex[i] = (tsn_example){.label = "a", .claim = claims[i], .text = "text",
                              .claim_len = strlen(claims[i]), .text_len = 4};
    }
    CHECK(tsn_dataset_claims_recur(&d)); /* three targets */
    for (int i = 0; i < 40; i++) {
        snprintf(claims[i], sizeof claims[i], "claim %d", i);
        ex[i].claim_len = strlen(claims[i]);
    }
    CHECK(!tsn_dataset_claims_recur(&d)); /* forty distinct sentences */
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
    c.claim_features = TSN_CLAIM_OFF;
    c.pair_features = TSN_CLAIM_ON;
    if ((pipe_pairs = tsn_pipeline_new(&c, sw, swl, &err)) == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    c.claim_features = TSN_CLAIM_AUTO;
    c.pair_features = TSN_CLAIM_AUTO;
    c.stance_features = true;
    if ((pipe_stance = tsn_pipeline_new(&c, sw, swl, &err)) == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    free(sw);
    RUN(word_ngrams_match_golden_file);
    RUN(stance_features_mark_the_lead_and_actor_classes);
    RUN(pair_features_relate_the_text_to_its_claim);
    RUN(auto_claim_settings_follow_how_often_claims_recur);
    RUN(claim_features_live_in_their_own_space);
    RUN(diacritics_and_spelling_variants_give_the_same_features);
    tsn_pipeline_free(pipe_words);
    tsn_pipeline_free(pipe_pairs);
    tsn_pipeline_free(pipe_stance);
    DONE();
}
