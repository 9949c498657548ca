/* stages.c -- throughput of each featurization stage, alone, on 1 and N threads.
 *
 *   stages FILE [THREADS [RUNS]]
 *
 * Loads a labeled dataset (any format tasnif reads) into memory, then times, over all its
 * texts, each prefix of the pipeline with the default config: ICU normalization; + ICU word
 * breaks and tokens; + stop words and Snowball stems (tsn_pipeline_lex); + n-gram features
 * into a bag (tsn_pipeline_featurize, no dictionary); and last all of featurization as
 * `tasnif train` does it, the feature dictionary included (tsn_corpus_build: the time
 * `train -v` reports as `featurize`). The first four split the documents by stride over the
 * threads, each with its own pipeline; the last is training's own code on as many threads.
 * Every pass runs in a fresh child process, as each `train` run is.
 * Each stage gets one discarded warm-up pass; then RUNS repetitions (default 3) each run
 * every stage in turn, on 1 thread and then on THREADS threads, normalization + word breaks
 * and all of featurization last and next to each other. Prints a Markdown table of the median
 * MB/s of each, and a last row with the whole of featurization as a share of normalization +
 * word breaks (the second row): the median of the shares of each repetition, each a ratio of
 * two passes timed seconds apart, which a change in the machine's speed over minutes moves
 * less than a ratio of two medians.
 * Input bytes are the texts' UTF-8 bytes; reading the file is not timed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "corpus.h"
#include "dataset.h"
#include "normalize.h"
#include "pipeline.h"
#include "tokenize.h"

enum { STAGE_NORMALIZE, STAGE_TOKENIZE, STAGE_LEX, STAGE_FEATURIZE, STAGE_CORPUS, N_STAGES };

static const char *const stage_names[N_STAGES] = {
    "normalize (ICU NFKC + folds)",
    "+ word breaks and tokens (ICU)",
    "+ stop words and stems (Snowball, cached)",
    "+ n-gram features into a bag (all of featurization but the dictionary)",
    "all of featurization, dictionary included (as `train` does it)",
};

typedef struct {
    const tsn_dataset *d;
    const tsn_config *cfg;
    const char *stop; /* the stop-word list text */
    size_t stop_len;
    int stage;
    size_t worker, workers;
    tsn_status st;
    tsn_error err;
} job;

static void *run(void *arg)
{
    job *j = arg;
    tsn_normalizer *norm = tsn_normalizer_new(j->cfg, &j->err);
    tsn_tokenizer *tok = tsn_tokenizer_new(j->cfg, &j->err);
    tsn_pipeline *pipe = tsn_pipeline_new(j->cfg, j->stop, j->stop_len, &j->err);
    tsn_tokens tokens;
    tsn_bag bag;
    tsn_tokens_init(&tokens);
    tsn_bag_init(&bag, false);
    j->st = norm != NULL && tok != NULL && pipe != NULL ? TSN_OK : TSN_ERR_NOMEM;
    for (size_t i = j->worker; j->st == TSN_OK && i < j->d->n; i += j->workers) {
        const tsn_example *ex = &j->d->v[i];
        if (j->stage <= STAGE_TOKENIZE) {
            size_t ulen, bad;
            const uint16_t *u =
                tsn_normalizer_run(norm, ex->text, ex->text_len, &ulen, &bad, &j->err);
            if (u == NULL)
                j->st = TSN_ERR_UNICODE;
            else if (j->stage == STAGE_TOKENIZE)
                j->st = tsn_tokenizer_run(tok, u, ulen, &tokens, &j->err);
        } else if (j->stage == STAGE_LEX) {
            const tsn_unit *units;
            size_t n;
            j->st = tsn_pipeline_lex(pipe, ex->text, ex->text_len, &units, &n, &j->err);
        } else {
            tsn_doc doc = {ex->text, ex->text_len, ex->claim, ex->claim_len};
            j->st = tsn_pipeline_featurize(pipe, &doc, &bag, &j->err);
        }
    }
    tsn_bag_release(&bag);
    tsn_tokens_release(&tokens);
    tsn_pipeline_free(pipe);
    tsn_tokenizer_free(tok);
    tsn_normalizer_free(norm);
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds for one pass of the corpus stage: the dataset featurized and interned as training
 * does it, under the default config (the one `tasnif train` uses); < 0 on failure. */
static double timed_corpus(const tsn_dataset *d, size_t workers)
{
    tsn_config cfg;
    tsn_config_init(&cfg);
    tsn_error err = {0};
    double t0 = now();
    tsn_corpus *c = tsn_corpus_build(&cfg, d, (int)workers, NULL, NULL, &err);
    double t = now() - t0;
    if (c == NULL) {
        fprintf(stderr, "stages: %s\n", err.msg);
        return -1;
    }
    tsn_corpus_free(c);
    return t;
}

/* Seconds for one pass of `stage` over d on `workers` threads; < 0 on failure. */
static double timed_here(const tsn_dataset *d, const tsn_config *cfg, const char *stop,
                    size_t stop_len, int stage, size_t workers)
{
    if (stage == STAGE_CORPUS)
        return timed_corpus(d, workers);
    job jobs[64];
    pthread_t tids[64];
    double t0 = now();
    for (size_t w = 0; w < workers; w++) {
        jobs[w] = (job){d, cfg, stop, stop_len, stage, w, workers, TSN_OK, {0}};
        if (w > 0 && pthread_create(&tids[w], NULL, run, &jobs[w]) != 0)
            return -1;
    }
    run(&jobs[0]);
    for (size_t w = 1; w < workers; w++)
        pthread_join(tids[w], NULL);
    double t = now() - t0;
    for (size_t w = 0; w < workers; w++)
        if (jobs[w].st != TSN_OK) {
            fprintf(stderr, "stages: %s\n", jobs[w].err.msg);
            return -1;
        }
    return t;
}

/* timed_here in a child process of its own: each pass starts from a fresh process, as each
 * `train` run builds its corpus once (passes in one process would find the pages the last
 * pass freed still mapped, hundreds of megabytes for the corpus stage), and no pass runs
 * after another's fork has left the parent's pages shared. */
static double timed(const tsn_dataset *d, const tsn_config *cfg, const char *stop,
                    size_t stop_len, int stage, size_t workers)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        close(fd[0]);
        double t = timed_here(d, cfg, stop, stop_len, stage, workers);
        bool ok = write(fd[1], &t, sizeof t) == (ssize_t)sizeof t;
        _exit(ok && t > 0 ? 0 : 1);
    }
    close(fd[1]);
    double t = -1;
    if (read(fd[0], &t, sizeof t) != (ssize_t)sizeof t)
        t = -1;
    close(fd[0]);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return t;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n), n >= 1; sorts v. */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Parses arg as an integer in [lo, hi] into *out; false if it is not one. */
static bool parse_arg(const char *arg, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(arg, &end, 10);
    return errno == 0 && end != arg && *end == '\0' && *out >= lo && *out <= hi;
}

int main(int argc, char **argv)
{
    long threads = 2, runs = 3;
    if (argc < 2 || argc > 4 || (argc > 2 && !parse_arg(argv[2], 1, 64, &threads)) ||
        (argc > 3 && !parse_arg(argv[3], 1, 99, &runs))) {
        fprintf(stderr, "usage: stages FILE [THREADS (1-64, default 2) [RUNS (1-99, "
                        "default 3)]]\n");
        return 2;
    }
    tsn_config cfg;
    tsn_config_init(&cfg);
    cfg.claim_features = TSN_CLAIM_ON;
    cfg.pair_features = TSN_CLAIM_OFF;
    tsn_dataset d;
    tsn_error err = {0};
    tsn_read_opts opts = {0};
    if (tsn_dataset_load(&d, argv[1], TSN_FMT_AUTO, &opts, &err) != TSN_OK) {
        fprintf(stderr, "stages: %s\n", err.msg);
        return 1;
    }
    char *stop = NULL;
    size_t stop_len = 0;
    if (tsn_pipeline_stopwords_text(&cfg, &stop, &stop_len, &err) != TSN_OK) {
        fprintf(stderr, "stages: %s\n", err.msg);
        tsn_dataset_release(&d);
        return 1;
    }
    double mb = 0;
    for (size_t i = 0; i < d.n; i++)
        mb += (double)(d.v[i].text_len + d.v[i].claim_len) / 1e6;
    printf("| stage | 1 thread MB/s | %ld threads MB/s |\n|---|---|---|\n", threads);
    fflush(stdout);
    int rc = 0;
    double mbs[N_STAGES][2] = {{0}}, v[N_STAGES][2][99];
    /* a discarded warm-up pass of each stage; then each repetition runs every stage on 1 and
     * on N threads in turn, so that a change in the machine's speed during the run falls on
     * all the stages alike rather than on the ones timed at that moment; the two stages of
     * the share run last, one after the other */
    static const int order[N_STAGES] = {STAGE_NORMALIZE, STAGE_LEX, STAGE_FEATURIZE, STAGE_TOKENIZE,
                                        STAGE_CORPUS};
    double share[2][99];
    for (int s = 0; s < N_STAGES && rc == 0; s++)
        rc = timed(&d, &cfg, stop, stop_len, s, (size_t)threads) < 0;
    for (long rep = 0; rep < runs && rc == 0; rep++)
        for (int k = 0; k < 2 && rc == 0; k++) {
            for (int i = 0; i < N_STAGES && rc == 0; i++) {
                int s = order[i];
                double t = timed(&d, &cfg, stop, stop_len, s, k == 0 ? 1 : (size_t)threads);
                rc = t <= 0;
                v[s][k][rep] = t > 0 ? mb / t : 0;
            }
            share[k][rep] = rc == 0 ? v[STAGE_CORPUS][k][rep] / v[STAGE_TOKENIZE][k][rep] : 0;
        }
    for (int s = 0; s < N_STAGES && rc == 0; s++) {
        for (int k = 0; k < 2; k++)
            mbs[s][k] = median(v[s][k], (size_t)runs);
        printf("| %s | %.1f | %.1f |\n", stage_names[s], mbs[s][0], mbs[s][1]);
    }
    if (rc == 0)
        printf("| all of featurization as a share of normalization + word breaks | %.1f %% | "
               "%.1f %% |\n",
               100 * median(share[0], (size_t)runs), 100 * median(share[1], (size_t)runs));
    free(stop);
    tsn_dataset_release(&d);
    return rc;
}
