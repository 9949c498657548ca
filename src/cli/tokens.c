/* tokens.c -- `tasnif tokens`: what the pipeline (a model's, a config's or the default)
 * makes of each input line: every kept token as surface/stem.
 */
#include "cli.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "dataset.h"
#include "error.h"
#include "model.h"
#include "pipeline.h"

static const char tokens_usage[] = "tasnif tokens [-m MODEL | -c CONFIG] [-i INPUT]";

static void tokens_help(void)
{
    printf("usage: %s\n\n"
           "Shows what the pipeline makes of each input line: every kept token as\n"
           "surface/stem, stop words removed -- the model's own pipeline with -m.\n\n"
           "  -m, --model MODEL        use this model's pipeline\n"
           "  -c, --config FILE        or this config's (default: built-in defaults)\n"
           "  -i, --input FILE         one text per line (default: standard input)\n"
           "      --strict             fail on invalid UTF-8 instead of replacing it\n"
           "      --max-doc-bytes N    longest accepted line (default 16 MiB)\n"
           "      --help               this help\n",
           tokens_usage);
}

int cli_tokens(int argc, char **argv)
{
    cli_options o = {0};
    int rc = cli_parse_options(argc, argv, "m:c:i:", "model config input strict max-doc-bytes help",
                               true, tokens_usage, tokens_help, &o);
    if (rc >= 0)
        return rc;
    tsn_error err = {0};
    tsn_pipeline *own = NULL, *p = NULL;
    tsn_model *m = NULL;
    if (o.model != NULL) {
        if ((m = cli_load_model(o.model, &err)) == NULL)
            return cli_fail(&err);
        p = tsn_model_pipeline(m);
    } else {
        if ((rc = cli_build_config(&o, tokens_usage)) >= 0)
            return rc;
        char *sw = NULL;
        size_t swl = 0;
        if (tsn_pipeline_stopwords_text(&o.cfg, &sw, &swl, &err) != TSN_OK ||
            (own = tsn_pipeline_new(&o.cfg, sw, swl, &err)) == NULL) {
            free(sw);
            return cli_fail(&err);
        }
        free(sw);
        p = own;
    }
    tsn_reader *r = tsn_reader_open(o.input, TSN_FMT_TEXT, false, &o.read, &err);
    rc = r == NULL ? cli_fail(&err) : -1;
    tsn_example ex;
    while (rc < 0 && cli_next_example(r, &ex, &rc)) {
        const tsn_unit *u;
        size_t n;
        if (tsn_pipeline_lex(p, ex.text, ex.text_len, &u, &n, &err) != TSN_OK) {
            rc = cli_fail(&err);
            break;
        }
        for (size_t i = 0; i < n; i++)
            printf("%s%.*s/%.*s", i ? " " : "", (int)u[i].surf_len, u[i].surf,
                   (int)u[i].stem_len, u[i].stem);
        putchar('\n');
    }
    if (rc < 0)
        cli_warn_invalid(o.input ? o.input : "<stdin>", tsn_reader_invalid_lines(r), false);
    tsn_reader_close(r);
    tsn_pipeline_free(own);
    tsn_model_free(m);
    return rc < 0 ? EXIT_SUCCESS : rc;
}
