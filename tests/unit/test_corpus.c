/* test_corpus.c -- the project's own corpora: sizes, label counts, article lengths, train/test
 * separation by event, and no near-duplicates (Jaccard similarity of word-trigram sets >= 0.5)
 * anywhere in a corpus, train and test together. */
#include "pipeline.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "check.h"
#include "hash.h"

typedef struct {
    char *label, *event;
    int split; /* 0 train, 1 test */
    uint64_t *tri;  /* sorted distinct word-trigram hashes */
    size_t n_tri, n_words;
} item;

typedef struct {
    item *v;
    size_t n, cap;
} corpus;

static tsn_pipeline *lexer; /* surface words: no stop words, no stemming needed */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void add_item(corpus *c, const char *label, const char *event, const char *text,
                     int split)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
    }
    item *it = &c->v[c->n++];
    it->label = strdup(label);
    it->event = strdup(event);
    it->split = split;
    const tsn_unit *u;
    size_t n = 0;
    tsn_pipeline_lex(lexer, text, strlen(text), &u, &n, NULL);
    it->n_words = n;
    it->tri = malloc((n > 2 ? n - 2 : 1) * sizeof *it->tri);
    it->n_tri = 0;
    for (size_t i = 0; i + 2 < n; i++) {
        uint64_t h = tsn_hash(u[i].surf, u[i].surf_len);
        h = tsn_hash_more(h ^ 0x20, u[i + 1].surf, u[i + 1].surf_len);
        h = tsn_hash_more(h ^ 0x20, u[i + 2].surf, u[i + 2].surf_len);
        it->tri[it->n_tri++] = h;
    }
    qsort(it->tri, it->n_tri, sizeof *it->tri, cmp_u64);
    size_t j = 0;
    for (size_t i = 0; i < it->n_tri; i++)
        if (j == 0 || it->tri[j - 1] != it->tri[i])
            it->tri[j++] = it->tri[i];
    it->n_tri = j;
}

static bool load(corpus *c, const char *path, int split)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "  cannot open %s\n", path);
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    int ln = 0;
    bool ok = true;
    while (getline(&line, &cap, f) > 0) {
        ln++;
        cJSON *o = cJSON_Parse(line);
        const cJSON *l = cJSON_GetObjectItem(o, "label"), *e = cJSON_GetObjectItem(o, "event"),
                    *t = cJSON_GetObjectItem(o, "text");
        if (!cJSON_IsString(l) || !cJSON_IsString(e) || !cJSON_IsString(t)) {
            fprintf(stderr, "  %s:%d: needs string label, event and text\n", path, ln);
            ok = false;
        } else {
            add_item(c, l->valuestring, e->valuestring, t->valuestring, split);
        }
        cJSON_Delete(o);
    }
    free(line);
    fclose(f);
    return ok;
}

static void release(corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].label);
        free(c->v[i].event);
        free(c->v[i].tri);
    }
    free(c->v);
}

static size_t count(const corpus *c, const char *label)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += strcmp(c->v[i].label, label) == 0;
    return n;
}

/* Near-duplicate pairs, by an inverted index from trigram to items. */
typedef struct {
    uint64_t h;
    uint32_t item;
} posting;

static int cmp_posting(const void *a, const void *b)
{
    const posting *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return (x->item > y->item) - (x->item < y->item);
}

static size_t near_duplicates(const corpus *c)
{
    size_t np = 0;
    for (size_t i = 0; i < c->n; i++)
        np += c->v[i].n_tri;
    posting *p = malloc((np ? np : 1) * sizeof *p);
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        for (size_t j = 0; j < c->v[i].n_tri; j++)
            p[k++] = (posting){c->v[i].tri[j], (uint32_t)i};
    qsort(p, np, sizeof *p, cmp_posting);
    uint32_t *shared = calloc(c->n, sizeof *shared);
    uint32_t *touched = malloc(c->n * sizeof *touched);
    size_t dups = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t nt = 0;
        for (size_t j = 0; j < c->v[i].n_tri; j++) {
            posting key = {c->v[i].tri[j], 0};
            size_t lo = 0, hi = np;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (cmp_posting(&p[mid], &key) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (; lo < np && p[lo].h == key.h; lo++) {
                uint32_t o = p[lo].item;
                if (o <= i)
                    continue;
                if (shared[o]++ == 0)
                    touched[nt++] = o;
            }
        }
        for (size_t t = 0; t < nt; t++) {
            uint32_t o = touched[t];
            double inter = shared[o];
            double uni = (double)c->v[i].n_tri + (double)c->v[o].n_tri - inter;
            if (uni > 0 && inter / uni >= 0.5) {
                dups++;
                fprintf(stderr, "  near-duplicate items %zu and %u (Jaccard %.2f)\n", i + 1, o + 1,
                        inter / uni);
            }
            shared[o] = 0;
        }
    }
    free(p);
    free(shared);
    free(touched);
    return dups;
}

static bool events_are_disjoint(const corpus *c)
{
    bool ok = true;
    for (size_t i = 0; i < c->n; i++)
        for (size_t j = i + 1; j < c->n; j++)
            if (c->v[i].split != c->v[j].split && strcmp(c->v[i].event, c->v[j].event) == 0) {
                fprintf(stderr, "  event %s is in both train and test\n", c->v[i].event);
                ok = false;
                break;
            }
    return ok;
}

static void stance_corpus_is_large_balanced_event_split_and_has_no_near_duplicates(void)
{
    corpus c = {0};
    CHECK(load(&c, "datasets/stance/train.jsonl", 0));
    CHECK(load(&c, "datasets/stance/test.jsonl", 1));
    CHECK(c.n >= 3000);
    CHECK(count(&c, "attribution") >= 700);
    CHECK(count(&c, "denial") >= 700);
    CHECK(count(&c, "attribution") + count(&c, "denial") + count(&c, "other") == c.n);
    CHECK(events_are_disjoint(&c));
    CHECK(near_duplicates(&c) == 0);
    release(&c);
}

static void topic_corpus_has_200_articles_a_label_of_60_to_200_words(void)
{
    const char *labels[] = {"politics", "economy", "sports", "technology",
                            "health",   "culture", "security"};
    corpus c = {0};
    CHECK(load(&c, "datasets/topic/train.jsonl", 0));
    CHECK(load(&c, "datasets/topic/test.jsonl", 1));
    CHECK(c.n >= 1400);
    size_t total = 0;
    for (size_t k = 0; k < 7; k++) {
        CHECK(count(&c, labels[k]) >= 200);
        total += count(&c, labels[k]);
    }
    CHECK(total == c.n);
    for (size_t i = 0; i < c.n; i++)
        if (c.v[i].n_words < 60 || c.v[i].n_words > 200) {
            fprintf(stderr, "  topic item %zu has %zu words\n", i + 1, c.v[i].n_words);
            check_failures++;
        }
    CHECK(events_are_disjoint(&c));
    CHECK(near_duplicates(&c) == 0);
    release(&c);
}

int main(void)
{
    tsn_config cfg;
    tsn_config_init(&cfg);
    cfg.punctuation = false; /* words only: the trigrams are word trigrams */
    tsn_error err = {0};
    lexer = tsn_pipeline_new(&cfg, "", 0, &err);
    if (lexer == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    RUN(stance_corpus_is_large_balanced_event_split_and_has_no_near_duplicates);
    RUN(topic_corpus_has_200_articles_a_label_of_60_to_200_words);
    tsn_pipeline_free(lexer);
    DONE();
}
