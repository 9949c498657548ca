/* eval.c -- `tasnif eval`: score a model on labeled examples (accuracy, macro-F1, per-label
 * precision, recall and F1, confusion matrix), as an aligned report or one JSON object.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "dataset.h"
#include "error.h"
#include "model.h"
#include "results.h"

static const char eval_usage[] = "tasnif eval -m MODEL -i TEST [--json]";

static void eval_help(void)
{
    printf("usage: %s\n\n"
           "Scores a model on labeled examples: accuracy, macro-F1, per-label precision,\n"
           "recall, F1 and support, and the confusion matrix (rows: gold, columns: predicted).\n\n"
           "  -m, --model MODEL        model file, or a shipped model name\n"
           "  -i, --input FILE|DIR     labeled test data (same formats as train)\n"
           "      --input-format F     auto (default), tsv, jsonl, fasttext, dir\n"
           "      --json               one JSON object instead of the aligned report\n"
           "      --min-prob P         also report coverage and accuracy when answers below\n"
           "                           probability P are withheld (as classify --min-prob)\n"
           "      --strict             fail on invalid UTF-8 instead of replacing it\n"
           "      --max-doc-bytes N    longest accepted document (default 16 MiB)\n"
           "      --help               this help\n",
           eval_usage);
}

int cli_eval(int argc, char **argv)
{
    cli_options o = {0};
    int rc = cli_parse_options(argc, argv, "m:i:q",
                               "model input input-format json min-prob strict max-doc-bytes "
                               "quiet help",
                               false, eval_usage, eval_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(eval_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.model == NULL || o.input == NULL)
        return cli_usage_error(eval_usage, "-m MODEL and -i TEST are required");
    tsn_error err = {0};
    tsn_model *m = cli_load_model(o.model, &err);
    if (m == NULL)
        return cli_fail(&err);
    tsn_dataset d;
    if ((rc = cli_load_dataset(&o, &d)) >= 0) {
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
        tsn_evaluation_release(&ev);
    }
    tsn_dataset_release(&d);
    tsn_model_free(m);
    return rc < 0 ? EXIT_SUCCESS : rc;
}
