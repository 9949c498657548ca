/* info.c -- `tasnif info`: describe a model -- format, input kind, labels and their support,
 * features, how its probabilities are made, its full pipeline config and, with -k, each
 * label's heaviest features -- aligned or as one JSON object.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "error.h"
#include "model.h"
#include "results.h"

static const char info_usage[] = "tasnif info -m MODEL [--json] [-k TOP]";

static void info_help(void)
{
    printf("usage: %s\n\n"
           "Describes a model: format, labels with training support, vocabulary size, the full\n"
           "pipeline config; with -k, the TOP heaviest features of each label.\n\n"
           "  -m, --model MODEL        model file, or a shipped model name\n"
           "  -k, --top K              list each label's K strongest features\n"
           "      --json               one JSON object\n"
           "      --help               this help\n",
           info_usage);
}

int cli_info(int argc, char **argv)
{
    cli_options o = {0};
    int rc = cli_parse_options(argc, argv, "m:k:", "model top json help", false, info_usage,
                               info_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(info_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.model == NULL)
        return cli_usage_error(info_usage, "-m MODEL is required");
    tsn_error err = {0};
    tsn_model *m = cli_load_model(o.model, &err);
    if (m == NULL)
        return cli_fail(&err);
    const tsn_config *cfg = tsn_model_config(m);
    size_t K = tsn_model_n_labels(m), top = (size_t)o.top;
    tsn_contrib *tc = calloc(top + 1, sizeof *tc);
    char *cj = tsn_config_to_json(cfg, false);
    if (tc == NULL || cj == NULL) {
        free(tc);
        free(cj);
        tsn_model_free(m);
        cli_diag("out of memory");
        return EXIT_FAILURE;
    }
    if (o.json) {
        if (tsn_write_model_info(stdout, m, top, &err) != TSN_OK)
            rc = cli_fail(&err);
        else
            putchar('\n');
    } else {
        printf("format        tasnif model, version %d\n", TSN_MODEL_FORMAT_VERSION);
        printf("input         %s\n", tsn_model_is_pair(m) ? "claim + text pairs" : "single texts");
        printf("examples      %zu\n", tsn_model_n_examples(m));
        printf("features      %zu (%s)\n", tsn_model_n_features(m),
               cfg->hash_buckets > 0 ? "hash buckets" : "vocabulary");
        if (tsn_model_multi_label(m))
            printf("probabilities multi-label: one per label, a logistic map of its decision "
                   "value (Platt scaling, fitted by cross-validation)\n");
        else if (tsn_model_temperature(m) > 0)
            printf("probabilities calibrated: softmax of decision values / %.4g (temperature "
                   "fitted by cross-validation)\n",
                   tsn_model_temperature(m));
        else
            printf("probabilities %s\n", tsn_model_has_probabilities(m)
                                             ? "logistic regression (not calibrated)"
                                             : "squashed SVM scores (not calibrated)");
        printf("labels        %zu\n", K);
        for (size_t k = 0; k < K; k++) {
            printf("  %-20s %zu examples", tsn_model_label_name(m, k),
                   tsn_model_label_support(m, k));
            if (tsn_model_multi_label(m))
                printf(", threshold %.4f", tsn_model_threshold(m, k));
            putchar('\n');
            size_t n = 0;
            if (top > 0 && tsn_model_top_features(m, k, tc, top, &n, &err) == TSN_OK)
                for (size_t i = 0; i < n; i++)
                    printf("      %+.4f  %s\n", tc[i].contribution, tc[i].feature);
        }
        printf("config\n");
        for (size_t i = 0; i < tsn_config_n_options(); i++) {
            char val[TSN_PATH_MAX];
            tsn_config_format(cfg, tsn_config_option(i), val, sizeof val);
            printf("  %-20s %s\n", tsn_config_option(i)->name, val);
        }
    }
    free(tc);
    free(cj);
    tsn_model_free(m);
    return rc >= 0 ? rc : EXIT_SUCCESS;
}
