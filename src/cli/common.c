/* common.c -- what the commands share: diagnostics and usage errors naming the command,
 * option parsing, the config (defaults, then -c FILE, then flags), the progress line, model
 * names, and the checks and loads that several commands make before their work (training
 * data, the -o path) and after it (standard output).
 *
 * One options struct and one parser serve every command: a command names the options it
 * accepts, and the parser builds its getopt_long table from those and, for the commands that
 * take a config, one flag per option of the config table (--word-ngram-max 3), generated from
 * the table so the two can never disagree.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "dataset.h"
#include "error.h"
#include "model.h"

/* ---- Diagnostics ---- */

static const char *cmd_name = ""; /* the running command, set by main() */

void cli_set_command(const char *name)
{
    cmd_name = name;
}

void cli_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tasnif: %s%s", cmd_name, *cmd_name ? ": " : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_fail(const tsn_error *err)
{
    cli_diag("%s", err->msg);
    return EXIT_FAILURE;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tasnif: %s%s", cmd_name, *cmd_name ? ": " : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nusage: %s\nTry 'tasnif %s --help'.\n", usage, cmd_name);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

/* ---- Shared option handling ---- */

static const struct option common_long[] = {
    {"input", required_argument, NULL, 'i'},
    {"output", required_argument, NULL, 'o'},
    {"model", required_argument, NULL, 'm'},
    {"config", required_argument, NULL, 'c'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"top", required_argument, NULL, 'k'},
    {"format", required_argument, NULL, CLI_OPT_FORMAT},
    {"input-format", required_argument, NULL, CLI_OPT_INPUT_FORMAT},
    {"strict", no_argument, NULL, CLI_OPT_STRICT},
    {"max-doc-bytes", required_argument, NULL, CLI_OPT_MAX_DOC},
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"explain", required_argument, NULL, CLI_OPT_EXPLAIN},
    {"folds", required_argument, NULL, CLI_OPT_FOLDS},
    {"seed", required_argument, NULL, CLI_OPT_SEED},
    {"help", no_argument, NULL, CLI_OPT_HELP},
    {"threads", required_argument, NULL, 't'},
    {"stance-model", required_argument, NULL, CLI_OPT_STANCE_MODEL},
    {"topic-model", required_argument, NULL, CLI_OPT_TOPIC_MODEL},
    {"min-prob", required_argument, NULL, CLI_OPT_MIN_PROB},
    {"threshold", required_argument, NULL, CLI_OPT_THRESHOLD},
    {"label-sep", required_argument, NULL, CLI_OPT_LABEL_SEP},
    {"budget", required_argument, NULL, CLI_OPT_BUDGET},
    {"metric", required_argument, NULL, CLI_OPT_METRIC},
    {"force", no_argument, NULL, CLI_OPT_FORCE},
    {NULL, 0, NULL, 0},
};

/* True when name is one of the space-separated words of list. */
static bool listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* getopt_long table: the command's options (named in `allowed`) and one per config option. */
static struct option *long_options(const char *allowed, bool with_config)
{
    size_t n_all = 0, n_cfg = with_config ? tsn_config_n_options() : 0;
    while (common_long[n_all].name != NULL)
        n_all++;
    struct option *v = calloc(n_all + n_cfg + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    size_t n_own = 0;
    for (size_t i = 0; i < n_all; i++)
        if (listed(allowed, common_long[i].name))
            v[n_own++] = common_long[i];
    static char names[128][48];
    for (size_t i = 0; i < n_cfg && i < 128; i++) {
        const char *src = tsn_config_option(i)->name;
        size_t k = 0;
        for (; src[k] && k + 1 < sizeof names[i]; k++)
            names[i][k] = src[k] == '_' ? '-' : src[k];
        names[i][k] = '\0';
        v[n_own + i] = (struct option){names[i], required_argument, NULL,
                                       CLI_OPT_CONFIG_BASE + (int)i};
    }
    return v;
}

bool cli_parse_size(const char *s, size_t *out)
{
    char *e;
    errno = 0;
    /* digits only: strtoull would take " -1" as 2^64 - 1 */
    if (s[0] < '0' || s[0] > '9')
        return false;
    unsigned long long v = strtoull(s, &e, 10);
    if (errno != 0 || e == s || *e != '\0' || v > ((unsigned long long)1 << 40))
        return false; /* over 1 TiB is a typo, not a size */
    *out = (size_t)v;
    return true;
}

static bool parse_int(const char *s, int lo, int hi, int *out)
{
    char *e;
    errno = 0;
    long v = strtol(s, &e, 10);
    if (errno != 0 || e == s || *e != '\0' || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

/* Parses argv for a command. Returns -1 to go on, or an exit code. */
int cli_parse_options(int argc, char **argv, const char *shortopts, const char *allowed,
                      bool with_config, const char *usage, void (*help)(void), cli_options *o)
{
    struct option *lo = long_options(allowed, with_config);
    if (lo == NULL) {
        cli_diag("out of memory");
        return EXIT_FAILURE;
    }
    int c, rc = -1;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
        switch (c) {
        case 'i': o->input = optarg; break;
        case 'o': o->output = optarg; break;
        case CLI_OPT_FORCE: o->force = true; break;
        case 'm': o->model = optarg; break;
        case 'c': o->config_path = optarg; break;
        case 'q': o->quiet = true; break;
        case 'v': o->verbose = true; break;
        case 't':
            if (!parse_int(optarg, 1, 256, &o->threads))
                rc = cli_usage_error(usage, "--threads needs a number from 1 to 256");
            break;
        case 'k':
            if (!parse_int(optarg, 1, 1000, &o->top))
                rc = cli_usage_error(usage, "-k needs a number from 1 to 1000, not \"%s\"", optarg);
            break;
        case CLI_OPT_FORMAT: o->out_format = optarg; break;
        case CLI_OPT_INPUT_FORMAT:
            if ((o->input_format = tsn_format_parse(optarg)) < 0)
                rc = cli_usage_error(usage,
                                     "unknown input format \"%s\" (auto, tsv, jsonl, fasttext, "
                                     "text, dir)",
                                     optarg);
            break;
        case CLI_OPT_STRICT: o->read.strict = true; break;
        case CLI_OPT_MAX_DOC:
            if (!cli_parse_size(optarg, &o->read.max_doc_bytes) || o->read.max_doc_bytes == 0)
                rc = cli_usage_error(usage, "--max-doc-bytes needs a positive number of bytes (at most 1 TiB)");
            break;
        case CLI_OPT_JSON: o->json = true; break;
        case CLI_OPT_EXPLAIN:
            if (!parse_int(optarg, 0, 1000, &o->explain))
                rc = cli_usage_error(usage, "--explain needs a number from 0 to 1000");
            break;
        case CLI_OPT_FOLDS:
            if (!parse_int(optarg, 2, 100, &o->folds))
                rc = cli_usage_error(usage, "--folds needs a number from 2 to 100");
            break;
        case CLI_OPT_SEED: {
            size_t s;
            if (!cli_parse_size(optarg, &s))
                rc = cli_usage_error(usage, "--seed needs a non-negative number");
            else
                o->seed = (unsigned long)s;
            break;
        }
        case CLI_OPT_STANCE_MODEL: o->stance_model = optarg; break;
        case CLI_OPT_TOPIC_MODEL: o->topic_model = optarg; break;
        case CLI_OPT_MIN_PROB: {
            char *e;
            errno = 0;
            o->min_prob = strtod(optarg, &e);
            if (errno != 0 || *e != '\0' || e == optarg || !(o->min_prob >= 0 && o->min_prob <= 1))
                rc = cli_usage_error(usage, "--min-prob needs a number from 0 to 1");
            break;
        }
        case CLI_OPT_THRESHOLD: {
            char *e;
            errno = 0;
            o->threshold = strtod(optarg, &e);
            if (errno != 0 || *e != '\0' || e == optarg || !(o->threshold > 0 && o->threshold <= 1))
                rc = cli_usage_error(usage, "--threshold needs a number above 0, at most 1");
            break;
        }
        case CLI_OPT_LABEL_SEP:
            if (strlen(optarg) != 1 || (unsigned char)optarg[0] <= 0x20 ||
                (unsigned char)optarg[0] >= 0x7F)
                rc = cli_usage_error(usage, "--label-sep needs one printable ASCII character");
            else
                o->read.label_sep = optarg[0];
            break;
        case CLI_OPT_BUDGET: {
            char *e;
            errno = 0;
            o->budget = strtod(optarg, &e);
            if (errno != 0 || *e != '\0' || e == optarg || !(o->budget > 0))
                rc = cli_usage_error(usage, "--budget needs a positive number of seconds");
            break;
        }
        case CLI_OPT_METRIC:
            if (strcmp(optarg, "accuracy") == 0 || strcmp(optarg, "macro-f1") == 0)
                o->by_accuracy = optarg[0] == 'a';
            else
                rc = cli_usage_error(usage, "--metric must be accuracy or macro-f1");
            break;
        case CLI_OPT_HELP:
            help();
            rc = EXIT_SUCCESS;
            break;
        case '?':
            if (optopt != 0 && optopt < 256)
                rc = cli_usage_error(usage, "unknown option -%c, or it lacks its value", optopt);
            else
                rc = cli_usage_error(usage, "unknown option %s, or it lacks its value",
                                     argv[optind - 1]);
            break;
        default:
            if (c >= CLI_OPT_CONFIG_BASE && o->n_set < 64) {
                o->set_name[o->n_set] = tsn_config_option((size_t)(c - CLI_OPT_CONFIG_BASE))->name;
                o->set_value[o->n_set++] = optarg;
            } else {
                rc = cli_usage_error(usage, "too many options");
            }
        }
    }
    free(lo);
    if (o->threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o->threads = n > 0 ? (n > 256 ? 256 : (int)n) : 1;
    }
    return rc;
}

/* Builds o->cfg: defaults, then the config file, then command-line flags. */
int cli_build_config(cli_options *o, const char *usage)
{
    tsn_error err = {0};
    tsn_config_init(&o->cfg);
    if (o->config_path != NULL && tsn_config_load(&o->cfg, o->config_path, &err) != TSN_OK)
        return cli_fail(&err);
    for (int i = 0; i < o->n_set; i++)
        if (tsn_config_set(&o->cfg, o->set_name[i], o->set_value[i], &err) != TSN_OK)
            return cli_usage_error(usage, "%s", err.msg);
    if (tsn_config_check(&o->cfg, &err) != TSN_OK)
        return cli_usage_error(usage, "%s", err.msg);
    return -1;
}

void cli_print_config_flags(void)
{
    printf("\nPipeline and training options (also keys of a JSON config, -c):\n");
    tsn_config def;
    tsn_config_init(&def);
    for (size_t i = 0; i < tsn_config_n_options(); i++) {
        const tsn_option *opt = tsn_config_option(i);
        char flag[64], val[64];
        size_t k = 0;
        for (; opt->name[k] && k + 1 < sizeof flag; k++)
            flag[k] = opt->name[k] == '_' ? '-' : opt->name[k];
        flag[k] = '\0';
        tsn_config_format(&def, opt, val, sizeof val);
        printf("  --%-20s %s (default: %s)\n", flag, opt->help, val);
    }
}

/* ---- Progress ---- */

void cli_progress(void *ctx, const char *stage, size_t done, size_t total)
{
    (void)ctx;
    fprintf(stderr, "\r%s: %zu/%zu (%d%%)", stage, done, total,
            total ? (int)(100.0 * (double)done / (double)total) : 100);
    if (done == total)
        fputc('\n', stderr);
}

/* ---- Model names ---- */

tsn_model *cli_load_model(const char *name, tsn_error *err)
{
    char buf[4608];
    return tsn_model_load(tsn_model_resolve(name, true, buf, sizeof buf), err);
}

void cli_warn_invalid(const char *source, size_t lines, bool labeled)
{
    if (lines > 0)
        cli_diag("warning: %s: %zu %s invalid UTF-8, replaced with U+FFFD (--strict to fail)",
                 source, lines,
                 labeled ? (lines == 1 ? "example contains" : "examples contain")
                     : (lines == 1 ? "line contains" : "lines contain"));
}

/* ---- Loading and checking files ---- */

int cli_load_dataset(const cli_options *o, tsn_dataset *d)
{
    tsn_error err = {0};
    tsn_read_opts ro = o->read;
    ro.multi_label |= o->cfg.multi_label; /* training a multi-label config */
    if (tsn_dataset_load(d, o->input, (tsn_format)o->input_format, &ro, &err) != TSN_OK)
        return cli_fail(&err);
    cli_warn_invalid(d->source, d->invalid_lines, true);
    if (d->ignored > 0)
        cli_diag("warning: %s: %zu %s no document and %s ignored: %s", d->source, d->ignored,
                 d->ignored == 1 ? "entry holds" : "entries hold", d->ignored == 1 ? "is" : "are",
                 d->ignored_first);
    return -1;
}

/* Checks -o before any work: it must not be the training data or the config, an existing
 * file there must be a tasnif model (or --force), and its directory must be writable -- so
 * that neither a mistyped command nor a long training run ends by losing data or its result.
 * Returns -1 when it may be written, or an exit code. */
int cli_check_output(const cli_options *o)
{
    struct stat out, in;
    if (stat(o->output, &out) == 0) {
        const char *inputs[2] = {o->input, o->config_path};
        const char *what[2] = {"the training data", "the config"};
        for (int i = 0; i < 2; i++)
            if (inputs[i] != NULL && stat(inputs[i], &in) == 0 && in.st_dev == out.st_dev &&
                in.st_ino == out.st_ino) {
                cli_diag("-o %s is %s: refusing to overwrite it", o->output, what[i]);
                return EXIT_FAILURE;
            }
        if (S_ISDIR(out.st_mode)) {
            cli_diag("-o %s: %s; give a model file name", o->output, strerror(EISDIR));
            return EXIT_FAILURE;
        }
        if (S_ISREG(out.st_mode) && out.st_size > 0 && !o->force &&
            !tsn_model_sniff(o->output)) {
            cli_diag("-o %s exists and is not a tasnif model: refusing to overwrite it (--force "
                     "replaces it)",
                     o->output);
            return EXIT_FAILURE;
        }
        if (!S_ISREG(out.st_mode))
            return -1; /* /dev/null and other devices are written in place */
    }
    char dir[4096];
    const char *slash = strrchr(o->output, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == o->output)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - o->output), o->output);
    if (access(dir, W_OK | X_OK) != 0) {
        cli_diag("%s: cannot create (directory %s: %s)", o->output, dir, strerror(errno));
        return EXIT_FAILURE;
    }
    return -1;
}

/* ---- Standard output ---- */

/* Output that could not be written is a failure (a full disk, a closed pipe): flush standard
 * output and report its error once, unless the command already failed. */
int cli_finish_stdout(int rc)
{
    errno = 0;
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == EXIT_SUCCESS) {
        cli_diag("standard output: %s", errno ? strerror(errno) : "write error");
        return EXIT_FAILURE;
    }
    return rc;
}

bool cli_next_example(tsn_reader *r, tsn_example *ex, int *rc)
{
    tsn_error err = {0};
    bool done;
    if (tsn_reader_next(r, ex, &done, &err) != TSN_OK) {
        *rc = cli_fail(&err);
        return false;
    }
    return !done;
}
