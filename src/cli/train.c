/* train.c -- `tasnif train`: featurize labeled examples, fit a model (calibrated when the
 * config asks), save it atomically to -o; with -v, sizes, times, peak memory and
 * liblinear's own progress on stderr.
 */
#include "cli.h"

#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cv.h"
#include "dataset.h"
#include "error.h"
#include "model.h"

static const char train_usage[] = "tasnif train -i TRAIN -o MODEL [-c CONFIG] [options]";

static void train_help(void)
{
    printf("usage: %s\n\n"
           "Trains a model on labeled examples and writes it atomically to MODEL.\n\n"
           "  -i, --input FILE|DIR     training data (TSV, JSONL, fastText or DIR/<label>/<file>)\n"
           "  -o, --output MODEL       model file to write (never the input or config; an\n"
           "                           existing file must be a tasnif model)\n"
           "      --force              let -o replace a file that is not a tasnif model\n"
           "  -c, --config FILE        JSON config (see training/); flags override it\n"
           "      --input-format F     auto (default), tsv, jsonl, fasttext, dir\n"
           "      --label-sep C        with --multi-label true, the character between a TSV\n"
           "                           line's labels (default: ,)\n"
           "      --strict             fail on invalid UTF-8 instead of replacing it\n"
           "      --max-doc-bytes N    longest accepted document (default 16 MiB)\n"
           "  -t, --threads N          featurize on N threads (default: all processors; the\n"
           "                           model is the same for any N)\n"
           "  -v, --verbose            report sizes, times, peak memory and liblinear's\n"
           "                           progress on stderr\n"
           "  -q, --quiet              no progress line\n"
           "      --help               this help\n",
           train_usage);
    cli_print_config_flags();
}

static void solver_to_stderr(const char *s)
{
    fputs(s, stderr);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL)
        return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

int cli_train(int argc, char **argv)
{
    cli_options o = {0};
    int rc = cli_parse_options(argc, argv, "i:o:c:qvt:",
                               "input output config input-format strict max-doc-bytes verbose "
                               "quiet threads force label-sep help",
                               true, train_usage, train_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(train_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.input == NULL || o.output == NULL)
        return cli_usage_error(train_usage, "-i TRAIN and -o MODEL are required");
    if ((rc = cli_check_output(&o)) >= 0)
        return rc;
    if ((rc = cli_build_config(&o, train_usage)) >= 0)
        return rc;
    tsn_dataset d;
    if ((rc = cli_load_dataset(&o, &d)) >= 0)
        return rc;
    tsn_error err = {0};
    bool show = !o.quiet && isatty(STDERR_FILENO);
    if (o.verbose)
        tsn_model_set_solver_output(solver_to_stderr);
    double t0 = now();
    tsn_corpus *c = tsn_corpus_build(&o.cfg, &d, o.threads, show ? cli_progress : NULL, NULL, &err);
    double t1 = now();
    size_t n_examples = d.n;
    tsn_dataset_release(&d); /* the corpus holds all that training needs */
#ifdef __GLIBC__
    malloc_trim(0); /* hand the dataset's many small blocks back to the system */
#endif
    tsn_model *m = c == NULL         ? NULL
                 : o.cfg.calibrate || o.cfg.multi_label ? tsn_cv_fit_calibrated(c, 3, 1, NULL, &err)
                                   : tsn_model_fit_consume(c, &err);
    if (c != NULL && m == NULL && err.code == TSN_ERR_DATA)
        tsn_error_prefix(&err, "%s", o.input); /* a property of the whole training file */
    double t2 = now();
    rc = EXIT_SUCCESS;
    if (m == NULL || tsn_model_save(m, o.output, &err) != TSN_OK)
        rc = cli_fail(&err);
    else if (o.verbose)
        fprintf(stderr,
                "tasnif: train: %zu examples, %zu labels, %zu distinct features, %zu kept; "
                "featurize %.2f s, fit %.2f s; peak RSS %ld MiB\n",
                n_examples, tsn_model_n_labels(m), tsn_corpus_features(c),
                tsn_model_n_features(m), t1 - t0, t2 - t1, peak_rss_kb() / 1024);
    tsn_model_free(m);
    tsn_corpus_free(c);
    return rc;
}
