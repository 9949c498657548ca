/* tune.c -- `tasnif tune`: the config search by cross-validation (tsn_tune), its table of
 * candidates on stdout (aligned or JSON lines) as they finish, the chosen config, and the
 * best model saved to -o.
 */
#include "cli.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "cv.h"
#include "dataset.h"
#include "error.h"
#include "model.h"
#include "results.h"

static const char tune_usage[] =
    "tasnif tune -i TRAIN -o MODEL [-c CONFIG] [--folds K] [--budget SECONDS] "
    "[--metric accuracy|macro-f1] [--json] [options]";

static void tune_help(void)
{
    printf("usage: %s\n\n"
           "Searches for a better config by stratified k-fold cross-validation on TRAIN only,\n"
           "prints every config it tried, and trains and saves a model with the best one (the\n"
           "model records it; `tasnif info` shows it). The search starts from the given config\n"
           "(defaults, -c, flags) and tries: the solver and C (svm, lr, mcsvm) on its features;\n"
           "then one feature setting at a time -- word n-grams 1-1 and up to 3, character\n"
           "n-grams off, 1-4 and 3-6, units stem, surface and light, teh-marbuta folding --\n"
           "keeping each change only if it scores better; then C halved and doubled. Same data,\n"
           "config and seed: same search, same model.\n\n"
           "  -i, --input FILE         training data (as for train)\n"
           "  -o, --output MODEL       where to write the best model (as for train)\n"
           "      --force              let -o replace a file that is not a tasnif model\n"
           "  -c, --config FILE        the starting config\n"
           "      --folds K            cross-validation folds (default 3)\n"
           "      --seed N             fold assignment seed (default 1)\n"
           "      --budget SECONDS     start no new candidate after this long (default: none)\n"
           "      --metric M           select on macro-f1 (default) or accuracy\n"
           "      --json               the table as JSON lines, then the chosen config\n"
           "  -t, --threads N          featurization threads (default: all processors)\n"
           "  -q, --quiet              no progress line\n"
           "      --strict, --max-doc-bytes N, --input-format F, and every config option as for\n"
           "      train\n"
           "      --help               this help\n",
           tune_usage);
}

typedef struct {
    bool json, by_accuracy, show;
} tune_out;

static void tune_progress(void *ctx, int i, int n, const char *change)
{
    const tune_out *t = ctx;
    if (t->show)
        fprintf(stderr, "\rtasnif: tune: candidate %d of ~%d: %-40.40s", i, n, change);
}

static void tune_report(void *ctx, const tsn_tune_row *r)
{
    const tune_out *t = ctx;
    if (t->show)
        fprintf(stderr, "\r%80s\r", "");
    if (t->json) {
        printf("{\"candidate\":%d,\"change\":", r->index);
        tsn_json_str(stdout, r->change);
        printf(",\"accuracy\":");
        tsn_json_num(stdout, r->cv.acc_mean);
        printf(",\"accuracy_std\":");
        tsn_json_num(stdout, r->cv.acc_std);
        printf(",\"macro_f1\":");
        tsn_json_num(stdout, r->cv.f1_mean);
        printf(",\"macro_f1_std\":");
        tsn_json_num(stdout, r->cv.f1_std);
        printf(",\"seconds\":%.1f,\"best\":%s}\n", r->seconds, r->best ? "true" : "false");
    } else {
        if (r->index == 1)
            printf("%3s  %-34s %-17s %-17s %7s\n", "#", "change", "accuracy", "macro-F1",
                   "seconds");
        printf("%3d  %-34s %.4f ± %.4f   %.4f ± %.4f   %7.1f%s\n", r->index, r->change,
               r->cv.acc_mean, r->cv.acc_std, r->cv.f1_mean, r->cv.f1_std, r->seconds,
               r->best ? "  *" : "");
    }
    fflush(stdout);
}

int cli_tune(int argc, char **argv)
{
    cli_options o = {0};
    o.folds = 3;
    o.seed = 1;
    int rc = cli_parse_options(argc, argv, "i:o:c:qt:",
                               "input output config input-format folds seed budget metric json "
                               "strict max-doc-bytes quiet threads force help",
                               true, tune_usage, tune_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(tune_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.input == NULL || o.output == NULL)
        return cli_usage_error(tune_usage, "-i TRAIN and -o MODEL are required");
    if ((rc = cli_check_output(&o)) >= 0)
        return rc;
    if ((rc = cli_build_config(&o, tune_usage)) >= 0)
        return rc;
    tsn_dataset d;
    if ((rc = cli_load_dataset(&o, &d)) >= 0)
        return rc;
    tune_out out = {o.json, o.by_accuracy, !o.quiet && isatty(STDERR_FILENO)};
    tsn_tune_opts to = {o.folds, o.seed, o.budget, o.by_accuracy, o.threads,
                        tune_report, tune_progress, &out};
    tsn_error err = {0};
    tsn_config best;
    tsn_model *m = NULL;
    bool stopped = false;
    tsn_status st = tsn_tune(&d, &o.cfg, &to, &best, &m, &stopped, &err);
    tsn_dataset_release(&d);
    if (st != TSN_OK) {
        if (err.code == TSN_ERR_DATA)
            tsn_error_prefix(&err, "%s", o.input);
        return cli_fail(&err);
    }
    if (stopped)
        cli_diag("warning: the --budget of %g s ran out before the search ended", o.budget);
    char *cj = tsn_config_to_json(&best, !o.json);
    if (o.json)
        printf("{\"chosen\":%s}\n", cj ? cj : "null");
    else
        printf("\nchosen config (saved in %s):\n%s\n", o.output, cj ? cj : "");
    free(cj);
    fflush(stdout);
    rc = EXIT_SUCCESS;
    if (tsn_model_save(m, o.output, &err) != TSN_OK)
        rc = cli_fail(&err);
    tsn_model_free(m);
    return rc;
}
