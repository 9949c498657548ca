/* eval.c -- `tasnif eval`: score a model on labeled examples (accuracy, macro-F1, per-label
 * precision, recall and F1, confusion matrix), as an aligned report or one JSON object, and
 * with --html also as the HTML page of `tasnif report`.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "error.h"
#include "mleval.h"
#include "model.h"
#include "results.h"

static const char eval_usage[] = "tasnif eval -m MODEL -i TEST [--json] [--html FILE]";

static void eval_help(void)
{
    printf("usage: %s\n\n"
           "Scores a model on labeled examples: accuracy, macro-F1, per-label precision,\n"
           "recall, F1 and support, and the confusion matrix (rows: gold, columns: predicted).\n\n"
           "  -m, --model MODEL        model file, or a shipped model name\n"
           "  -i, --input FILE|DIR     labeled test data (same formats as train)\n"
           "      --input-format F     auto (default), tsv, jsonl, fasttext, dir\n"
           "      --json               one JSON object instead of the aligned report\n"
           "      --html FILE          also write the evaluation as an HTML page with charts\n"
           "                           (as tasnif report -o FILE does)\n"
           "      --force              let --html replace a file that is not a tasnif report\n"
           "      --threshold T        multi-label models: labels given at probability T\n"
           "                           instead of each label's own threshold\n"
           "      --label-sep C        multi-label TSV: the character between labels (,)\n"
           "      --min-prob P         also report coverage and accuracy when answers below\n"
           "                           probability P are withheld (as classify --min-prob)\n"
           "      --strict             fail on invalid UTF-8 instead of replacing it\n"
           "      --max-doc-bytes N    longest accepted document (default 16 MiB)\n"
           "      --help               this help\n",
           eval_usage);
}

/* True when arg is an option of eval's that takes its value from the next argument. */
static bool takes_next(const char *arg)
{
    static const char *const with_value[] = {"--model", "--input", "--input-format",
                                             "--min-prob", "--max-doc-bytes"};
    if (arg[0] != '-' || arg[1] == '\0')
        return false;
    if (arg[1] != '-') { /* a cluster of short options: the value follows -m or -i */
        const char *p = arg + 1 + strcspn(arg + 1, "mi");
        return *p != '\0' && p[1] == '\0';
    }
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
        if (strcmp(arg, with_value[i]) == 0)
            return true;
    return false;
}

/* --html FILE is eval's own option, which the shared option table does not hold: it is taken
 * out of argv ("--html FILE" or "--html=FILE") before the shared parser sees the rest. The
 * values of other options are stepped over, so that `-i --html` still names a file; "--" ends
 * the options. Returns -1 to go on, or an exit code. */
static int take_html(int *argc, char **argv, const char **html)
{
    int out = 1;
    bool options = true;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (options && strcmp(a, "--html") == 0) {
            if (i + 1 >= *argc)
                return cli_usage_error(eval_usage, "--html needs a file name");
            *html = argv[++i];
            continue;
        }
        if (options && strncmp(a, "--html=", 7) == 0) {
            *html = a + 7;
            continue;
        }
        argv[out++] = argv[i];
        if (!options)
            continue;
        if (strcmp(a, "--") == 0)
            options = false;
        else if (takes_next(a) && i + 1 < *argc)
            argv[out++] = argv[++i];
    }
    argv[out] = NULL;
    *argc = out;
    return -1;
}

/* Documents with nothing left after normalization are scored by the bias alone, as the
 * model's answer with no evidence; classify gives them no label, so say how many there
 * were: the figures above count them. */
static void warn_empty(size_t n)
{
    if (n > 0)
        cli_diag("warning: %zu empty %s (blank, or nothing left after normalization) scored "
                 "by the model's bias alone; classify gives %s no label",
                 n, n == 1 ? "document" : "documents", n == 1 ? "it" : "them");
}

int cli_eval(int argc, char **argv)
{
    cli_options o = {0};
    const char *html = NULL;
    int rc = take_html(&argc, argv, &html);
    if (rc >= 0)
        return rc;
    rc = cli_parse_options(argc, argv, "m:i:q",
                           "model input input-format json min-prob strict max-doc-bytes "
                           "force quiet threshold label-sep help",
                           false, eval_usage, eval_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(eval_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.model == NULL || o.input == NULL)
        return cli_usage_error(eval_usage, "-m MODEL and -i TEST are required");
    if (html != NULL && (html[0] == '\0' || strcmp(html, "-") == 0))
        return cli_usage_error(eval_usage,
                               "--html needs a file name (standard output carries the "
                               "evaluation)");
    if (html != NULL && (rc = cli_check_report(html, "--html", &o)) >= 0)
        return rc;
    tsn_error err = {0};
    tsn_model *m = cli_load_model(o.model, &err);
    if (m == NULL)
        return cli_fail(&err);
    if (o.threshold > 0 && (!tsn_model_multi_label(m) ||
                            tsn_model_set_threshold(m, o.threshold, &err) != TSN_OK)) {
        tsn_model_free(m);
        return err.code != TSN_OK ? cli_fail(&err)
                                  : cli_usage_error(eval_usage,
                                                    "--threshold is for multi-label models");
    }
    if (tsn_model_multi_label(m) && (html != NULL || o.min_prob > 0)) {
        tsn_model_free(m);
        return cli_usage_error(eval_usage, "--html and --min-prob are for single-label models");
    }
    o.read.multi_label = tsn_model_multi_label(m); /* gold sets of several labels */
    tsn_dataset d;
    if ((rc = cli_load_dataset(&o, &d)) >= 0) {
        tsn_model_free(m);
        return rc;
    }
    if (tsn_model_multi_label(m)) {
        tsn_ml_evaluation mv;
        if (tsn_ml_evaluate(m, &d, &mv, &err) != TSN_OK) {
            rc = cli_fail(&err);
        } else {
            tsn_ml_write_evaluation(stdout, &mv, m, o.json);
            if (o.json)
                putchar('\n');
            warn_empty(mv.empty);
            tsn_ml_evaluation_release(&mv);
            rc = EXIT_SUCCESS;
        }
        tsn_dataset_release(&d);
        tsn_model_free(m);
        return rc;
    }
    tsn_evaluation ev;
    if (tsn_evaluate(m, &d, o.min_prob, &ev, &err) != TSN_OK) {
        rc = cli_fail(&err);
    } else {
        tsn_write_evaluation(stdout, &ev, m, o.json);
        if (o.json)
            putchar('\n');
        warn_empty(ev.empty);
        tsn_evaluation_release(&ev);
        if (html != NULL && (rc = cli_save_report(html, m, &d, o.model)) == EXIT_SUCCESS)
            rc = -1;
    }
    tsn_dataset_release(&d);
    tsn_model_free(m);
    return rc < 0 ? EXIT_SUCCESS : rc;
}
