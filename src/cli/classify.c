/* classify.c -- `tasnif classify`: label documents read a line (or JSON line) at a time, or
 * one per FILE argument, printing one jsonl, tsv or text line per document in input order.
 * An input file is classified in batches on --threads threads, still printed in order; a
 * pipe is answered a line at a time, so that a filter replies as each line arrives.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset.h"
#include "error.h"
#include "fileio.h"
#include "model.h"
#include "pipeline.h"
#include "results.h"

/* ---- classify ---- */

static const char classify_usage[] =
    "tasnif classify -m MODEL [-i INPUT] [--format jsonl|tsv|text] [-k TOP] [--explain N] "
    "[--min-prob P] "
    "[FILE...]";

static void classify_help(void)
{
    printf("usage: %s\n\n"
           "Labels documents, one output line per document, in input order, flushed as it goes.\n\n"
           "  -m, --model MODEL        model file, or a shipped model name (stance, topic)\n"
           "  -i, --input FILE         one document per line (default: standard input); JSON\n"
           "                           lines with \"text\" (and \"claim\", \"id\") are detected\n"
           "  FILE...                  or: each file is one document\n"
           "      --input-format F     auto (default), text, jsonl, tsv, fasttext\n"
           "      --format F           jsonl (default): {\"label\",\"prob\"[,\"labels\"][,\"top\"]\n"
           "                           [,\"explain\"]}; tsv: label<TAB>prob[<TAB>label<TAB>prob...];\n"
           "                           text: label (a multi-label model's labels: a,b)\n"
           "  -k, --top K              the K most probable labels\n"
           "      --explain N          the N features that pushed the decision most\n"
           "      --threshold T        multi-label models: give every label whose\n"
           "                           probability reaches T (default: each label's own,\n"
           "                           fitted in training)\n"
           "      --min-prob P         no label (null; \"-\" in text; tsv: a \"-\" column\n"
           "                           before the usual ones) when the best probability is\n"
           "                           below P (train with --calibrate true or use tune,\n"
           "                           so that P means what it says)\n"
           "      --strict             fail on invalid UTF-8 instead of replacing it, and on\n"
           "                           an empty document instead of giving it no label\n"
           "      --max-doc-bytes N    longest accepted document (default 16 MiB)\n"
           "  -t, --threads N          classify an input file on N threads (default: all\n"
           "                           processors; the output is the same, in input order)\n"
           "      --help               this help\n",
           classify_usage);
}

typedef struct {
    tsn_model *m;
    int format; /* 0 jsonl, 1 tsv, 2 text */
    int top, explain;
    double min_prob; /* below it, no label (null) */
    bool flush;
    size_t *given; /* multi-label: room for the labels given (tsn_model_given) */
    bool strict;   /* an empty document is an error, not a null label */
    size_t *empty; /* empty documents so far (blank, or nothing left after normalization) */
} classifier;

/* One document's outcome; buffers sized for the model's labels and --explain. */
typedef struct {
    double *probs;
    size_t *order;
    tsn_contrib *contrib;
    size_t best, ne;
    bool empty; /* no features: no label (see tsn_scorer_empty) */
    tsn_status st;
    tsn_error err;
} outcome;

static bool outcome_init(outcome *r, size_t K, int explain)
{
    memset(r, 0, sizeof *r);
    r->probs = calloc(K, sizeof *r->probs);
    r->order = calloc(K, sizeof *r->order);
    r->contrib = calloc((size_t)explain + 1, sizeof *r->contrib);
    return r->probs != NULL && r->order != NULL && r->contrib != NULL;
}

static void outcome_release(outcome *r)
{
    free(r->probs);
    free(r->order);
    free(r->contrib);
}

/* Classifies doc with scorer sc into r (which records any failure). */
static void compute(const classifier *cl, tsn_scorer *sc, const tsn_doc *doc, outcome *r)
{
    r->ne = 0;
    r->st = tsn_scorer_predict(sc, doc, r->probs, &r->best, &r->err);
    if (r->st != TSN_OK)
        return;
    size_t K = tsn_model_n_labels(cl->m);
    if ((r->empty = tsn_scorer_empty(sc))) { /* nothing to go on: no label, no probability */
        for (size_t k = 0; k < K; k++)
            r->probs[k] = 0;
        r->best = 0;
        if (cl->strict)
            r->st = tsn_error_set(&r->err, TSN_ERR_DATA,
                                  "empty document (blank, or nothing left after normalization; "
                                  "without --strict it gets no label)");
        return;
    }
    tsn_rank(r->probs, r->order, K);
    if (cl->explain > 0)
        r->st = tsn_scorer_explain(sc, doc, r->best, r->contrib, (size_t)cl->explain, &r->ne,
                                   &r->err);
}

/* Prints r as one output line; -1 to go on, or an exit code. */
static int print_outcome(const classifier *cl, const outcome *r, const char *id, bool id_number,
                         const char *where)
{
    if (r->st != TSN_OK) {
        cli_diag("%s: %s", where, r->err.msg);
        return EXIT_FAILURE;
    }
    size_t K = tsn_model_n_labels(cl->m);
    size_t top = cl->top > 0 && !r->empty ? ((size_t)cl->top < K ? (size_t)cl->top : K) : 0;
    /* Below --min-prob the answer is withheld: null label (JSON), "-" (text and TSV); an
     * empty document gets none either (with a warning at the end). */
    double min_prob = r->empty ? 2 : cl->min_prob;
    *cl->empty += r->empty;
    const char *label = r->probs[r->best] >= min_prob ? tsn_model_label_name(cl->m, r->best)
                                                      : NULL;
    /* a multi-label model's answer is every label it gives (tsn_model_given) */
    size_t n_given = label != NULL && cl->given != NULL
                   ? tsn_model_given(cl->m, r->probs, r->best, cl->given) : 0;
    if (cl->format == 2) {
        if (n_given > 1)
            for (size_t i = 0; i < n_given; i++)
                printf("%s%s", i ? "," : "", tsn_model_label_name(cl->m, cl->given[i]));
        else
            fputs(label ? label : "-", stdout);
        putchar('\n');
    } else if (cl->format == 1 && r->empty) {
        puts("-\t0.0000");
    } else if (cl->format == 1) {
        if (label == NULL)
            printf("-\t");
        size_t n = top ? top : n_given > 1 ? n_given : 1;
        const size_t *order = top || n_given <= 1 ? r->order : cl->given;
        for (size_t i = 0; i < n; i++)
            printf("%s%s\t%.4f", i ? "\t" : "", tsn_model_label_name(cl->m, order[i]),
                   r->probs[order[i]]);
        for (size_t i = 0; i < r->ne; i++)
            printf("\t%s=%.4f", r->contrib[i].feature, r->contrib[i].contribution);
        putchar('\n');
    } else {
        tsn_write_prediction(stdout, cl->m, id, id_number, r->probs, r->best, r->order, top,
                             min_prob, cl->explain > 0, r->contrib, r->ne);
        fputc('\n', stdout);
    }
    if (cl->flush)
        fflush(stdout);
    if (ferror(stdout)) {
        cli_diag("cannot write output: %s", strerror(errno));
        return EXIT_FAILURE;
    }
    return -1;
}

/* ---- Parallel classification in batches, output in input order ---- */

/* The stream is read in batches of BATCH_PER_THREAD documents per thread. While the
 * threads classify one batch, the main thread prints the one before and reads the one
 * after, then joins in: reading and printing overlap classification instead of holding
 * every thread up. Documents are handed out one at a time from a shared counter, so long
 * and short documents even out. */
#define BATCH_PER_THREAD 128

typedef struct {
    char *text, *claim, *id;
    size_t text_len, claim_len;
    bool id_number;
    char where[600];
    outcome r;
} batch_item;

typedef struct {
    batch_item *items;
    size_t n;
} batch;

typedef struct {
    const classifier *cl;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    batch *cur;             /* the batch being classified, or NULL */
    size_t next;            /* its next document to take (atomic) */
    size_t finished;        /* its documents finished */
    size_t active;          /* threads working on it: it is done when none is */
    unsigned long gen;      /* bumped for each batch handed out */
    bool quit;
} pool;

/* Classifies documents of b, the pool's current batch, until none is left to take. */
static void take_documents(pool *p, batch *b, tsn_scorer *sc)
{
    for (;;) {
        size_t i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
        if (i >= b->n)
            return;
        batch_item *it = &b->items[i];
        tsn_doc doc = {it->text, it->text_len, it->claim, it->claim_len};
        compute(p->cl, sc, &doc, &it->r);
        pthread_mutex_lock(&p->mu);
        if (++p->finished == b->n)
            pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->mu);
    }
}

typedef struct {
    pool *p;
    tsn_scorer *sc;
} worker;

/* A thread: waits for a batch, takes documents of it, reports when it has stopped taking
 * (so that no thread still holds a batch the main thread goes on to refill). */
static void *work_loop(void *arg)
{
    worker *w = arg;
    pool *p = w->p;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->gen == seen)
            pthread_cond_wait(&p->go, &p->mu);
        if (p->quit)
            break;
        seen = p->gen;
        batch *b = p->cur;
        if (b == NULL) /* woke after the batch was over */
            continue;
        p->active++;
        pthread_mutex_unlock(&p->mu);
        take_documents(p, b, w->sc);
        pthread_mutex_lock(&p->mu);
        if (--p->active == 0)
            pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Hands batch b to the threads (none is working: see pool_finish). */
static void pool_start(pool *p, batch *b)
{
    pthread_mutex_lock(&p->mu);
    p->cur = b;
    __atomic_store_n(&p->next, 0, __ATOMIC_RELAXED);
    p->finished = 0;
    p->gen++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
}

/* Joins in on the current batch, then waits until it is classified and no thread works
 * on it any more. */
static void pool_finish(pool *p, tsn_scorer *sc)
{
    take_documents(p, p->cur, sc);
    pthread_mutex_lock(&p->mu);
    while (p->finished < p->cur->n || p->active > 0)
        pthread_cond_wait(&p->done, &p->mu);
    p->cur = NULL;
    pthread_mutex_unlock(&p->mu);
}

static char *dup_or_null(const char *s, size_t n)
{
    return s != NULL ? strndup(s, n) : NULL;
}

/* Reads up to cap documents into b; -1 when all went well (*done at the end of the input),
 * else the exit code. */
static int read_batch(const classifier *cl, tsn_reader *r, batch *b, size_t cap, bool *done)
{
    tsn_error err = {0};
    b->n = 0;
    while (b->n < cap && !*done) {
        tsn_example ex;
        if (tsn_reader_next(r, &ex, done, &err) != TSN_OK)
            return cli_fail(&err);
        if (*done)
            break;
        if (tsn_model_is_pair(cl->m) && ex.claim == NULL) {
            cli_diag("%s:%zu: this model needs a claim with each text", ex.source, ex.line);
            return EXIT_FAILURE;
        }
        batch_item *it = &b->items[b->n++];
        free(it->text);
        free(it->claim);
        free(it->id);
        it->text = dup_or_null(ex.text, ex.text_len);
        it->claim = dup_or_null(ex.claim, ex.claim_len);
        it->id = ex.id ? strdup(ex.id) : NULL;
        it->id_number = ex.id_number;
        it->text_len = ex.text_len;
        it->claim_len = ex.claim_len;
        snprintf(it->where, sizeof it->where, "%s:%zu", ex.source, ex.line);
        if (it->text == NULL || (ex.claim && !it->claim) || (ex.id && !it->id)) {
            b->n--;
            cli_diag("out of memory");
            return EXIT_FAILURE;
        }
    }
    return -1;
}

/* Prints a classified batch; -1, or the exit code of a failed write. */
static int print_batch(const classifier *cl, const batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        const batch_item *it = &b->items[i];
        int prc = print_outcome(cl, &it->r, it->id, it->id_number, it->where);
        if (prc >= 0)
            return prc;
    }
    return -1;
}

/* Reads the whole stream in batches, classifies each on `threads` threads, prints in
 * order. Used when the input is a file: a pipe is classified a line at a time instead, so
 * a filter answers each line as soon as it arrives. */
static int classify_stream(const classifier *cl, tsn_reader *r, int threads)
{
    size_t workers = (size_t)threads - 1, cap = (size_t)threads * BATCH_PER_THREAD;
    size_t K = tsn_model_n_labels(cl->m), started = 0;
    batch bufs[2] = {{calloc(cap, sizeof(batch_item)), 0}, {calloc(cap, sizeof(batch_item)), 0}};
    worker *ws = calloc(workers + 1, sizeof *ws);
    pthread_t *tids = calloc(workers + 1, sizeof *tids);
    pool p = {.cl = cl};
    tsn_error err = {0};
    tsn_scorer *own = NULL;
    int rc = bufs[0].items && bufs[1].items && ws && tids ? -1
                                                         : (cli_diag("out of memory"), EXIT_FAILURE);
    for (int k = 0; rc < 0 && k < 2; k++)
        for (size_t i = 0; rc < 0 && i < cap; i++)
            if (!outcome_init(&bufs[k].items[i].r, K, cl->explain))
                rc = (cli_diag("out of memory"), EXIT_FAILURE);
    if (rc < 0 && (own = tsn_scorer_new(cl->m, &err)) == NULL)
        rc = cli_fail(&err);
    bool sync = rc < 0 && pthread_mutex_init(&p.mu, NULL) == 0;
    bool cgo = sync && pthread_cond_init(&p.go, NULL) == 0;
    bool cdone = cgo && pthread_cond_init(&p.done, NULL) == 0;
    if (rc < 0 && !cdone)
        rc = (cli_diag("cannot start threads"), EXIT_FAILURE);
    /* threads that cannot be started or get no scorer leave their share to the others */
    for (size_t w = 0; rc < 0 && w < workers; w++) {
        ws[started] = (worker){&p, tsn_scorer_new(cl->m, &err)};
        if (ws[started].sc == NULL)
            break;
        if (pthread_create(&tids[started], NULL, work_loop, &ws[started]) != 0) {
            tsn_scorer_free(ws[started].sc);
            break;
        }
        started++;
    }
    bool done = false;
    int k = 0, rrc = rc < 0 ? read_batch(cl, r, &bufs[0], cap, &done) : rc;
    /* the documents read before a reading error still get their answers */
    while (rc < 0 && bufs[k].n > 0) {
        pool_start(&p, &bufs[k]);
        bufs[1 - k].n = 0;
        if (rrc < 0 && !done)
            rrc = read_batch(cl, r, &bufs[1 - k], cap, &done);
        pool_finish(&p, own);
        rc = print_batch(cl, &bufs[k]);
        k = 1 - k;
    }
    if (rc < 0 && rrc >= 0)
        rc = rrc;
    if (started > 0) {
        pthread_mutex_lock(&p.mu);
        p.quit = true;
        pthread_cond_broadcast(&p.go);
        pthread_mutex_unlock(&p.mu);
        for (size_t w = 0; w < started; w++) {
            pthread_join(tids[w], NULL);
            tsn_scorer_free(ws[w].sc);
        }
    }
    if (cdone)
        pthread_cond_destroy(&p.done);
    if (cgo)
        pthread_cond_destroy(&p.go);
    if (sync)
        pthread_mutex_destroy(&p.mu);
    for (int b = 0; b < 2; b++)
        for (size_t i = 0; bufs[b].items != NULL && i < cap; i++) {
            free(bufs[b].items[i].text);
            free(bufs[b].items[i].claim);
            free(bufs[b].items[i].id);
            outcome_release(&bufs[b].items[i].r);
        }
    tsn_scorer_free(own);
    free(bufs[0].items);
    free(bufs[1].items);
    free(ws);
    free(tids);
    return rc;
}

static int classify_one(classifier *cl, outcome *r, const tsn_doc *doc, const char *id,
                        bool id_number,
                        const char *where)
{
    tsn_scorer *sc = tsn_model_scorer(cl->m);
    compute(cl, sc, doc, r);
    return print_outcome(cl, r, id, id_number, where);
}

/* Reads a whole file as one document. */
static int classify_file(classifier *cl, outcome *out, const char *path,
                         const tsn_read_opts *ro)
{
    size_t max = ro->max_doc_bytes ? ro->max_doc_bytes : ((size_t)16 << 20), n = 0;
    char *buf = NULL;
    tsn_error err = {0};
    tsn_status st = tsn_read_path(path, max, &buf, &n, &err);
    int rc = -1;
    if (st == TSN_ERR_FORMAT) {
        cli_diag("%s: document larger than the limit of %zu bytes (--max-doc-bytes)", path, max);
        rc = EXIT_FAILURE;
    } else if (st != TSN_OK) {
        rc = cli_fail(&err);
    }
    bool invalid = false;
    if (rc < 0 && tsn_doc_check(path, "document", buf, n, ro->strict, &invalid, &err) != TSN_OK)
        rc = cli_fail(&err);
    if (rc < 0) {
        if (invalid)
            cli_warn_invalid(path, 1, false);
        tsn_doc doc = {buf, n, NULL, 0};
        rc = classify_one(cl, out, &doc, path, false, path);
    }
    free(buf);
    return rc;
}

int cli_classify(int argc, char **argv)
{
    cli_options o = {0};
    int rc = cli_parse_options(argc, argv, "m:i:k:qt:",
                               "model input input-format format top explain min-prob strict "
                               "max-doc-bytes quiet threads threshold help",
                               false, classify_usage, classify_help, &o);
    if (rc >= 0)
        return rc;
    if (o.model == NULL)
        return cli_usage_error(classify_usage, "-m MODEL is required");
    classifier cl = {0};
    if (o.out_format == NULL || strcmp(o.out_format, "jsonl") == 0)
        cl.format = 0;
    else if (strcmp(o.out_format, "tsv") == 0)
        cl.format = 1;
    else if (strcmp(o.out_format, "text") == 0)
        cl.format = 2;
    else
        return cli_usage_error(classify_usage, "--format must be jsonl, tsv or text");
    if (o.input != NULL && optind < argc)
        return cli_usage_error(classify_usage, "give -i INPUT or FILE arguments, not both");
    tsn_error err = {0};
    if ((cl.m = cli_load_model(o.model, &err)) == NULL)
        return cli_fail(&err);
    size_t K = tsn_model_n_labels(cl.m);
    if (o.threshold > 0 && !tsn_model_multi_label(cl.m)) {
        tsn_model_free(cl.m);
        return cli_usage_error(classify_usage, "--threshold is for multi-label models");
    }
    if ((o.threshold > 0 && tsn_model_set_threshold(cl.m, o.threshold, &err) != TSN_OK) ||
        (tsn_model_multi_label(cl.m) && (cl.given = malloc(K * sizeof *cl.given)) == NULL)) {
        tsn_model_free(cl.m);
        cli_diag("out of memory");
        return EXIT_FAILURE;
    }
    size_t n_empty = 0;
    cl.empty = &n_empty;
    cl.strict = o.read.strict;
    cl.top = o.top;
    cl.explain = o.explain;
    cl.min_prob = o.min_prob;
    outcome one;
    struct stat sb;
    cl.flush = !(fstat(STDOUT_FILENO, &sb) == 0 && S_ISREG(sb.st_mode));
    rc = -1;
    if (!outcome_init(&one, K, o.explain)) {
        cli_diag("out of memory");
        rc = EXIT_FAILURE;
    }
    for (int i = optind; rc < 0 && i < argc; i++)
        rc = classify_file(&cl, &one, argv[i], &o.read);
    bool from_file = o.input != NULL && strcmp(o.input, "-") != 0 && stat(o.input, &sb) == 0 &&
                     S_ISREG(sb.st_mode);
    if (rc < 0 && optind >= argc) {
        o.read.pair = tsn_model_is_pair(cl.m);
        o.read.keep_blank = !o.read.pair; /* one output line per input line, blank ones too */
        tsn_reader *r =
            tsn_reader_open(o.input, (tsn_format)o.input_format, false, &o.read, &err);
        if (r == NULL)
            rc = cli_fail(&err);
        else if (from_file && o.threads > 1)
            rc = classify_stream(&cl, r, o.threads);
        tsn_example ex;
        while (rc < 0 && !(from_file && o.threads > 1) && cli_next_example(r, &ex, &rc)) {
            if (tsn_model_is_pair(cl.m) && ex.claim == NULL) {
                cli_diag("%s:%zu: this model needs a claim with each text", ex.source, ex.line);
                rc = EXIT_FAILURE;
                break;
            }
            char where[600];
            snprintf(where, sizeof where, "%s:%zu", ex.source, ex.line);
            tsn_doc doc = {ex.text, ex.text_len, ex.claim, ex.claim_len};
            rc = classify_one(&cl, &one, &doc, ex.id, ex.id_number, where);
        }
        if (r != NULL)
            cli_warn_invalid(o.input ? o.input : "<stdin>", tsn_reader_invalid_lines(r), false);
        tsn_reader_close(r);
    }
    if (n_empty > 0 && rc < 0)
        cli_diag("warning: %zu empty %s (blank, or nothing left after normalization) got no "
                 "label",
                 n_empty, n_empty == 1 ? "document" : "documents");
    outcome_release(&one);
    free(cl.given);
    tsn_model_free(cl.m);
    if (rc < 0 && fflush(stdout) != 0) {
        cli_diag("cannot write output: %s", strerror(errno));
        rc = EXIT_FAILURE;
    }
    return rc < 0 ? EXIT_SUCCESS : rc;
}
