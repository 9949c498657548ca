/* stages.c -- throughput of each featurization stage, alone, on 1 and N threads.
 *
 *   stages FILE [THREADS]
 *
 * Loads a labeled dataset (any format tasnif reads) into memory, then times, over all its
 * texts, each prefix of the pipeline with the default config: ICU normalization; + ICU word
 * breaks and tokens; + stop words and Snowball stems (tsn_pipeline_lex); + n-gram features
 * into a bag (tsn_pipeline_featurize, no dictionary). Threads split the documents by
 * stride, each with its own pipeline, as training does. Prints a Markdown table of MB/s.
 * Input bytes are the texts' UTF-8 bytes; reading the file is not timed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "dataset.h"
#include "normalize.h"
#include "pipeline.h"
#include "tokenize.h"

enum { STAGE_NORMALIZE, STAGE_TOKENIZE, STAGE_LEX, STAGE_FEATURIZE, N_STAGES };

static const char *const stage_names[N_STAGES] = {
    "normalize (ICU NFKC + folds)",
    "+ word breaks and tokens (ICU)",
    "+ stop words and stems (Snowball, cached)",
    "+ n-gram features into a bag (all of featurization but the dictionary)",
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

/* Seconds for one pass of `stage` over d on `workers` threads; < 0 on failure. */
static double timed(const tsn_dataset *d, const tsn_config *cfg, const char *stop,
                    size_t stop_len, int stage, size_t workers)
{
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

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: stages FILE [THREADS]\n");
        return 2;
    }
    long threads = argc == 3 ? strtol(argv[2], NULL, 10) : 2;
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "stages: THREADS must be 1 to 64\n");
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
    int rc = 0;
    for (int s = 0; s < N_STAGES && rc == 0; s++) {
        double best[2] = {0, 0};
        for (int k = 0; k < 2 && rc == 0; k++) {
            size_t workers = k == 0 ? 1 : (size_t)threads;
            for (int rep = 0; rep < 3; rep++) { /* the best of three passes */
                double t = timed(&d, &cfg, stop, stop_len, s, workers);
                if (t < 0) {
                    rc = 1;
                    break;
                }
                if (mb / t > best[k])
                    best[k] = mb / t;
            }
        }
        printf("| %s | %.1f | %.1f |\n", stage_names[s], best[0], best[1]);
    }
    free(stop);
    tsn_dataset_release(&d);
    return rc;
}
