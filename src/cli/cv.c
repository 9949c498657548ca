/* cv.c -- `tasnif cv`: stratified k-fold cross-validation of a config on labeled data
 * (tsn_cv_run), reported as mean and standard deviation of accuracy and macro-F1 with each
 * fold's scores, aligned or as one JSON object.
 */
#include "cli.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cv.h"
#include "dataset.h"
#include "error.h"
#include "model.h"
#include "results.h"

static const char cv_usage[] = "tasnif cv -i TRAIN [-c CONFIG] [--folds K] [--json] [options]";

static void cv_help(void)
{
    printf("usage: %s\n\n"
           "Stratified k-fold cross-validation: each fold's vocabulary and model are built from\n"
           "the other folds only. Reports mean and standard deviation of accuracy and macro-F1.\n\n"
           "  -i, --input FILE|DIR     labeled data\n"
           "  -c, --config FILE        JSON config; flags override it\n"
           "      --folds K            number of folds (default 5)\n"
           "      --seed S             fold assignment seed (default 1)\n"
           "  -t, --threads N          featurize on N threads (default: all processors)\n"
           "      --json               one JSON object\n"
           "      --input-format F     auto (default), tsv, jsonl, fasttext, dir\n"
           "      --strict, --max-doc-bytes N, -q, --help as for train\n",
           cv_usage);
    cli_print_config_flags();
}

/* Each fold's scores on stderr as cross-validation goes (unless -q). */
static void print_fold(void *ctx, int f, int folds, double acc, double f1)
{
    (void)ctx;
    fprintf(stderr, "fold %d/%d: accuracy %.4f, macro-F1 %.4f\n", f + 1, folds, acc, f1);
}

int cli_cv(int argc, char **argv)
{
    cli_options o = {0};
    o.folds = 5;
    o.seed = 1;
    int rc = cli_parse_options(argc, argv, "i:c:qvt:",
                               "input config input-format folds seed json strict max-doc-bytes "
                               "verbose quiet threads help",
                               true, cv_usage, cv_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(cv_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.input == NULL)
        return cli_usage_error(cv_usage, "-i TRAIN is required");
    if ((rc = cli_build_config(&o, cv_usage)) >= 0)
        return rc;
    tsn_dataset d;
    if ((rc = cli_load_dataset(&o, &d)) >= 0)
        return rc;
    tsn_error err = {0};
    bool show = !o.quiet && isatty(STDERR_FILENO);
    tsn_corpus *c = tsn_corpus_build(&o.cfg, &d, o.threads, show ? cli_progress : NULL, NULL, &err);
    if (c == NULL) {
        tsn_dataset_release(&d);
        return cli_fail(&err);
    }
    size_t n = tsn_corpus_size(c);
    /* A label with fewer examples than folds is missing from some test folds: its scores
     * there are zeros, not measurements. Say so instead of printing them quietly. */
    size_t K = tsn_corpus_n_labels(c), *count = calloc(K ? K : 1, sizeof *count);
    if (count != NULL) {
        for (size_t i = 0; i < n; i++)
            count[tsn_corpus_label(c, i)]++;
        for (size_t k = 0; k < K; k++)
            if (count[k] < (size_t)o.folds)
                cli_diag("warning: %s: label \"%s\" has %zu example%s, fewer than the %d "
                         "folds: its scores are not meaningful",
                         o.input, tsn_corpus_label_name(c, k), count[k],
                         count[k] == 1 ? "" : "s", o.folds);
        free(count);
    }
    tsn_cv_result cv;
    rc = -1;
    if (tsn_cv_run(c, o.folds, o.seed, show ? print_fold : NULL, NULL, &cv, NULL, &err) !=
        TSN_OK) {
        if (err.code == TSN_ERR_DATA)
            tsn_error_prefix(&err, "%s", o.input);
        rc = cli_fail(&err);
    }
    if (rc < 0) {
        double am = cv.acc_mean, as = cv.acc_std, fm = cv.f1_mean, fs = cv.f1_std;
        const double *acc = cv.acc, *f1 = cv.f1;
        if (o.json) {
            printf("{\"folds\":%d,\"n\":%zu,\"accuracy\":{\"mean\":", o.folds, n);
            tsn_json_num(stdout, am);
            printf(",\"std\":");
            tsn_json_num(stdout, as);
            printf(",\"folds\":[");
            for (int f = 0; f < o.folds; f++) {
                printf(f ? "," : "");
                tsn_json_num(stdout, acc[f]);
            }
            printf("]},\"macro_f1\":{\"mean\":");
            tsn_json_num(stdout, fm);
            printf(",\"std\":");
            tsn_json_num(stdout, fs);
            printf(",\"folds\":[");
            for (int f = 0; f < o.folds; f++) {
                printf(f ? "," : "");
                tsn_json_num(stdout, f1[f]);
            }
            printf("]}}\n");
        } else {
            printf("examples  %zu\nfolds     %d\naccuracy  %.4f ± %.4f\nmacro-F1  %.4f ± %.4f\n",
                   n, o.folds, am, as, fm, fs);
            printf("\nper fold:");
            for (int f = 0; f < o.folds; f++)
                printf(" %.4f/%.4f", acc[f], f1[f]);
            printf("  (accuracy/macro-F1)\n");
        }
    }
    tsn_corpus_free(c);
    tsn_dataset_release(&d);
    return rc < 0 ? EXIT_SUCCESS : rc;
}
