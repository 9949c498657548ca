/* test_shared_train.c -- training through the shared library (libtasnif.so, loaded with
 * dlopen from $BUILD): there liblinear draws from the C library's rand(), not the program's
 * own per-thread generator (fit.c), so one-vs-rest classes are trained one after the other,
 * each after srand(1). Models must still come out the same for any thread count and on
 * every run, single- and multi-label. Skipped when the library is not built. */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "tasnif.h"

typedef tasnif_model *(*train_fn)(const char *, const char *, int, tasnif_error *);
typedef tasnif_status (*save_fn)(const tasnif_model *, const char *, tasnif_error *);
typedef void (*free_fn)(tasnif_model *);

static train_fn train;
static save_fn save;
static free_fn model_free;
static char dir[] = "/tmp/tsn_shared.XXXXXX";

/* Trains data with config on `threads` threads into DIR/name; false on failure. */
static bool train_to(const char *data, const char *config, int threads, const char *name)
{
    tasnif_error err = {0};
    tasnif_model *m = train(data, config, threads, &err);
    if (m == NULL) {
        fprintf(stderr, "  train: %s\n", err.message);
        return false;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    bool ok = save(m, path, &err) == TASNIF_OK;
    model_free(m);
    return ok;
}

static bool same_files(const char *a, const char *b)
{
    char pa[256], pb[256];
    snprintf(pa, sizeof pa, "%s/%s", dir, a);
    snprintf(pb, sizeof pb, "%s/%s", dir, b);
    size_t la = 0, lb = 0;
    char *x = tf_slurp(pa, &la), *y = tf_slurp(pb, &lb);
    bool same = x != NULL && y != NULL && la == lb && la > 0 && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static const char tsv[] =
    "sport\tgoal match striker league trophy\n"
    "econ\tbank market inflation rates money\n"
    "politic\tvote parliament minister law cabinet\n"
    "sport\tstriker scored goal stadium fans\n"
    "econ\tmoney bank loans interest market\n"
    "politic\tminister cabinet vote election law\n"
    "sport\tleague match fans coach trophy\n"
    "econ\tinflation prices market bank trade\n"
    "politic\tparliament law election party vote\n"
    "sport\tcoach striker goal league cup money\n"
    "econ\ttrade money rates interest prices vote\n"
    "politic\tparty minister cabinet parliament goal\n";

static const char multi[] = "sport,econ\tgoal match money bank\n"
                            "econ\tbank market inflation rates\n"
                            "politic,econ\tvote budget bank minister\n"
                            "sport\tstriker goal stadium fans\n"
                            "econ,politic\tmoney bank loans vote\n"
                            "politic\tminister cabinet vote law\n"
                            "sport\tleague match fans coach\n"
                            "politic,sport\tminister stadium vote match\n"
                            "econ\tinflation prices market trade\n";

static bool write_file(const char *name, const char *text, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return false;
    fputs(text, f);
    return fclose(f) == 0;
}

/* A dual solver shuffles with rand(): the same model on 1 and 4 threads, and run to run. */
static void one_vs_rest_through_the_library_is_the_same_on_any_thread_count(void)
{
    char data[256];
    CHECK(write_file("three.tsv", tsv, data, sizeof data));
    const char *cfg = "{\"min_df\": 1, \"char_ngram_max\": 0, \"solver\": \"svm\"}";
    CHECK(train_to(data, cfg, 1, "a1"));
    CHECK(train_to(data, cfg, 4, "a4"));
    CHECK(train_to(data, cfg, 4, "b4"));
    CHECK(same_files("a1", "a4"));
    CHECK(same_files("a4", "b4"));
}

static void multi_label_through_the_library_is_the_same_on_any_thread_count(void)
{
    char data[256];
    CHECK(write_file("multi.tsv", multi, data, sizeof data));
    const char *cfg = "{\"min_df\": 1, \"char_ngram_max\": 0, \"multi_label\": true, "
                      "\"solver\": \"svm\"}";
    CHECK(train_to(data, cfg, 1, "m1"));
    CHECK(train_to(data, cfg, 3, "m3"));
    CHECK(same_files("m1", "m3"));
}

int main(void)
{
    const char *build = getenv("BUILD");
    char lib[512];
    snprintf(lib, sizeof lib, "%s/libtasnif.so", build != NULL ? build : "build");
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL || mkdtemp(dir) == NULL) {
        printf("skip test_shared_train: %s not loadable\n", lib);
        DONE();
    }
    train = (train_fn)(uintptr_t)dlsym(h, "tasnif_train");
    save = (save_fn)(uintptr_t)dlsym(h, "tasnif_model_save");
    model_free = (free_fn)(uintptr_t)dlsym(h, "tasnif_model_free");
    if (train == NULL || save == NULL || model_free == NULL) {
        printf("skip test_shared_train: %s lacks the training API\n", lib);
        DONE();
    }
    RUN(one_vs_rest_through_the_library_is_the_same_on_any_thread_count);
    RUN(multi_label_through_the_library_is_the_same_on_any_thread_count);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "  cannot remove %s\n", dir);
    DONE();
}
