/* main.c -- the tasnif command line: options, subcommands, output formats and exit codes.
 *
 * Exit codes: 0 success, 1 failure (I/O, bad data, unusable model), 2 usage error.
 * stdout carries results only; diagnostics and progress go to stderr. Every pipeline and
 * training option of the config table is also a flag (--word-ngram-max 3), generated from the
 * table so the two can never disagree.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cv.h"
#include "dataset.h"
#include "error.h"
#include "fileio.h"
#include "metrics.h"
#include "model.h"
#include "results.h"
#include "pipeline.h"
#include "sentence.h"

#define EXIT_USAGE 2
#define OPT_CONFIG_BASE 1000

static const char *cmd_name = "";

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tasnif: %s%s", cmd_name, *cmd_name ? ": " : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int fail(const tsn_error *err)
{
    diag("%s", err->msg);
    return EXIT_FAILURE;
}

static int usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tasnif: %s%s", cmd_name, *cmd_name ? ": " : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nusage: %s\nTry 'tasnif %s --help'.\n", usage, cmd_name);
    va_end(ap);
    return EXIT_USAGE;
}

/* ---- Shared option handling ---- */

typedef struct {
    const char *input, *output, *model, *config_path;
    int input_format;
    tsn_read_opts read;
    bool quiet, verbose, json;
    int top, explain, folds;
    int threads; /* 0 until parsed: then all online processors */
    unsigned long seed;
    const char *out_format;
    const char *stance_model, *topic_model;
    double min_prob;
    double budget;       /* tune: seconds */
    bool by_accuracy;    /* tune: --metric accuracy */
    bool force;          /* train, tune: -o may replace a file that is not a model */
    tsn_config cfg;
    /* config flags given on the command line, applied after the config file */
    const char *set_name[64];
    const char *set_value[64];
    int n_set;
} options;

enum {
    OPT_FORMAT = 256,
    OPT_INPUT_FORMAT,
    OPT_STRICT,
    OPT_MAX_DOC,
    OPT_JSON,
    OPT_EXPLAIN,
    OPT_FOLDS,
    OPT_SEED,
    OPT_HELP,
    OPT_STANCE_MODEL,
    OPT_TOPIC_MODEL,
    OPT_MIN_PROB,
    OPT_BUDGET,
    OPT_METRIC,
    OPT_FORCE
};

static const struct option common_long[] = {
    {"input", required_argument, NULL, 'i'},
    {"output", required_argument, NULL, 'o'},
    {"model", required_argument, NULL, 'm'},
    {"config", required_argument, NULL, 'c'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"top", required_argument, NULL, 'k'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"max-doc-bytes", required_argument, NULL, OPT_MAX_DOC},
    {"json", no_argument, NULL, OPT_JSON},
    {"explain", required_argument, NULL, OPT_EXPLAIN},
    {"folds", required_argument, NULL, OPT_FOLDS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"help", no_argument, NULL, OPT_HELP},
    {"threads", required_argument, NULL, 't'},
    {"stance-model", required_argument, NULL, OPT_STANCE_MODEL},
    {"topic-model", required_argument, NULL, OPT_TOPIC_MODEL},
    {"min-prob", required_argument, NULL, OPT_MIN_PROB},
    {"budget", required_argument, NULL, OPT_BUDGET},
    {"metric", required_argument, NULL, OPT_METRIC},
    {"force", no_argument, NULL, OPT_FORCE},
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
                                       OPT_CONFIG_BASE + (int)i};
    }
    return v;
}

static bool parse_size(const char *s, size_t *out)
{
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 10);
    if (errno != 0 || e == s || *e != '\0' || s[0] == '-')
        return false;
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
static int parse_options(int argc, char **argv, const char *shortopts, const char *allowed,
                         bool with_config, const char *usage, void (*help)(void), options *o)
{
    struct option *lo = long_options(allowed, with_config);
    if (lo == NULL) {
        diag("out of memory");
        return EXIT_FAILURE;
    }
    int c, rc = -1;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
        switch (c) {
        case 'i': o->input = optarg; break;
        case 'o': o->output = optarg; break;
        case OPT_FORCE: o->force = true; break;
        case 'm': o->model = optarg; break;
        case 'c': o->config_path = optarg; break;
        case 'q': o->quiet = true; break;
        case 'v': o->verbose = true; break;
        case 't':
            if (!parse_int(optarg, 1, 256, &o->threads))
                rc = usage_error(usage, "--threads needs a number from 1 to 256");
            break;
        case 'k':
            if (!parse_int(optarg, 1, 1000, &o->top))
                rc = usage_error(usage, "-k needs a number from 1 to 1000, not \"%s\"", optarg);
            break;
        case OPT_FORMAT: o->out_format = optarg; break;
        case OPT_INPUT_FORMAT:
            if ((o->input_format = tsn_format_parse(optarg)) < 0)
                rc = usage_error(usage,
                                 "unknown input format \"%s\" (auto, tsv, jsonl, fasttext, "
                                 "text, dir)",
                                 optarg);
            break;
        case OPT_STRICT: o->read.strict = true; break;
        case OPT_MAX_DOC:
            if (!parse_size(optarg, &o->read.max_doc_bytes) || o->read.max_doc_bytes == 0)
                rc = usage_error(usage, "--max-doc-bytes needs a positive number");
            break;
        case OPT_JSON: o->json = true; break;
        case OPT_EXPLAIN:
            if (!parse_int(optarg, 0, 1000, &o->explain))
                rc = usage_error(usage, "--explain needs a number from 0 to 1000");
            break;
        case OPT_FOLDS:
            if (!parse_int(optarg, 2, 100, &o->folds))
                rc = usage_error(usage, "--folds needs a number from 2 to 100");
            break;
        case OPT_SEED: {
            size_t s;
            if (!parse_size(optarg, &s))
                rc = usage_error(usage, "--seed needs a non-negative number");
            o->seed = (unsigned long)s;
            break;
        }
        case OPT_STANCE_MODEL: o->stance_model = optarg; break;
        case OPT_TOPIC_MODEL: o->topic_model = optarg; break;
        case OPT_MIN_PROB: {
            char *e;
            errno = 0;
            o->min_prob = strtod(optarg, &e);
            if (errno != 0 || *e != '\0' || e == optarg || !(o->min_prob >= 0 && o->min_prob <= 1))
                rc = usage_error(usage, "--min-prob needs a number from 0 to 1");
            break;
        }
        case OPT_BUDGET: {
            char *e;
            errno = 0;
            o->budget = strtod(optarg, &e);
            if (errno != 0 || *e != '\0' || e == optarg || !(o->budget > 0))
                rc = usage_error(usage, "--budget needs a positive number of seconds");
            break;
        }
        case OPT_METRIC:
            if (strcmp(optarg, "accuracy") == 0 || strcmp(optarg, "macro-f1") == 0)
                o->by_accuracy = optarg[0] == 'a';
            else
                rc = usage_error(usage, "--metric must be accuracy or macro-f1");
            break;
        case OPT_HELP:
            help();
            rc = EXIT_SUCCESS;
            break;
        case '?':
            if (optopt != 0 && optopt < 256)
                rc = usage_error(usage, "unknown option -%c, or it lacks its value", optopt);
            else
                rc = usage_error(usage, "unknown option %s, or it lacks its value",
                                 argv[optind - 1]);
            break;
        default:
            if (c >= OPT_CONFIG_BASE && o->n_set < 64) {
                o->set_name[o->n_set] = tsn_config_option((size_t)(c - OPT_CONFIG_BASE))->name;
                o->set_value[o->n_set++] = optarg;
            } else {
                rc = usage_error(usage, "too many options");
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
static int build_config(options *o, const char *usage)
{
    tsn_error err = {0};
    tsn_config_init(&o->cfg);
    if (o->config_path != NULL && tsn_config_load(&o->cfg, o->config_path, &err) != TSN_OK)
        return fail(&err);
    for (int i = 0; i < o->n_set; i++)
        if (tsn_config_set(&o->cfg, o->set_name[i], o->set_value[i], &err) != TSN_OK)
            return usage_error(usage, "%s", err.msg);
    if (tsn_config_check(&o->cfg, &err) != TSN_OK)
        return usage_error(usage, "%s", err.msg);
    return -1;
}

static void print_config_flags(void)
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

static void progress(void *ctx, const char *stage, size_t done, size_t total)
{
    (void)ctx;
    fprintf(stderr, "\r%s: %zu/%zu (%d%%)", stage, done, total,
            total ? (int)(100.0 * (double)done / (double)total) : 100);
    if (done == total)
        fputc('\n', stderr);
}

static void solver_to_stderr(const char *s)
{
    fputs(s, stderr);
}

/* ---- Model names ---- */

static bool is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Resolves a model argument: a path, or the name of a shipped model ("stance", "topic")
 * looked up in $TASNIF_MODELS, next to the executable (../models, ../share/tasnif/models)
 * and in the installed location. */
static const char *resolve_model(const char *name, char *buf, size_t size)
{
    if (is_file(name) || strchr(name, '/') != NULL)
        return name;
    const char *env = getenv("TASNIF_MODELS");
    if (env != NULL && *env) {
        snprintf(buf, size, "%s/%s.model", env, name);
        if (is_file(buf))
            return buf;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            const char *rel[] = {"../models", "../share/tasnif/models", "models"};
            for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
                snprintf(buf, size, "%s/%s/%s.model", exe, rel[i], name);
                if (is_file(buf))
                    return buf;
            }
        }
    }
#ifdef TSN_MODEL_DIR
    snprintf(buf, size, "%s/%s.model", TSN_MODEL_DIR, name);
    if (is_file(buf))
        return buf;
#endif
    return name;
}

static tsn_model *load_model(const char *name, tsn_error *err)
{
    char buf[4608];
    return tsn_model_load(resolve_model(name, buf, sizeof buf), err);
}

static void warn_invalid(const char *source, size_t lines, bool labeled)
{
    if (lines > 0)
        diag("warning: %s: %zu %s invalid UTF-8, replaced with U+FFFD (--strict to fail)",
             source, lines,
             labeled ? (lines == 1 ? "example contains" : "examples contain")
                     : (lines == 1 ? "line contains" : "lines contain"));
}

/* ---- train ---- */

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
           "      --strict             fail on invalid UTF-8 instead of replacing it\n"
           "      --max-doc-bytes N    longest accepted document (default 16 MiB)\n"
           "  -t, --threads N          featurize on N threads (default: all processors; the\n"
           "                           model is the same for any N)\n"
           "  -v, --verbose            report sizes, times, peak memory and liblinear's\n"
           "                           progress on stderr\n"
           "  -q, --quiet              no progress line\n"
           "      --help               this help\n",
           train_usage);
    print_config_flags();
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

static int load_dataset(const options *o, tsn_dataset *d)
{
    tsn_error err = {0};
    if (tsn_dataset_load(d, o->input, (tsn_format)o->input_format, &o->read, &err) != TSN_OK)
        return fail(&err);
    warn_invalid(d->source, d->invalid_lines, true);
    if (d->ignored > 0)
        diag("warning: %s: %zu %s no document and %s ignored: %s", d->source, d->ignored,
             d->ignored == 1 ? "entry holds" : "entries hold", d->ignored == 1 ? "is" : "are",
             d->ignored_first);
    return -1;
}

/* Checks -o before any work: it must not be the training data or the config, an existing
 * file there must be a tasnif model (or --force), and its directory must be writable -- so
 * that neither a mistyped command nor a long training run ends by losing data or its result.
 * Returns -1 when it may be written, or an exit code. */
static int check_output(const options *o)
{
    struct stat out, in;
    if (stat(o->output, &out) == 0) {
        const char *inputs[2] = {o->input, o->config_path};
        const char *what[2] = {"the training data", "the config"};
        for (int i = 0; i < 2; i++)
            if (inputs[i] != NULL && stat(inputs[i], &in) == 0 && in.st_dev == out.st_dev &&
                in.st_ino == out.st_ino) {
                diag("-o %s is %s: refusing to overwrite it", o->output, what[i]);
                return EXIT_FAILURE;
            }
        if (S_ISDIR(out.st_mode)) {
            diag("-o %s: %s; give a model file name", o->output, strerror(EISDIR));
            return EXIT_FAILURE;
        }
        if (S_ISREG(out.st_mode) && out.st_size > 0 && !o->force &&
            !tsn_model_sniff(o->output)) {
            diag("-o %s exists and is not a tasnif model: refusing to overwrite it (--force "
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
        diag("%s: cannot create (directory %s: %s)", o->output, dir, strerror(errno));
        return EXIT_FAILURE;
    }
    return -1;
}

static int cmd_train(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, "i:o:c:qvt:",
                           "input output config input-format strict max-doc-bytes verbose "
                           "quiet threads force help",
                           true, train_usage, train_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return usage_error(train_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.input == NULL || o.output == NULL)
        return usage_error(train_usage, "-i TRAIN and -o MODEL are required");
    if ((rc = check_output(&o)) >= 0)
        return rc;
    if ((rc = build_config(&o, train_usage)) >= 0)
        return rc;
    tsn_dataset d;
    if ((rc = load_dataset(&o, &d)) >= 0)
        return rc;
    tsn_error err = {0};
    bool show = !o.quiet && isatty(STDERR_FILENO);
    if (o.verbose)
        tsn_model_set_solver_output(solver_to_stderr);
    double t0 = now();
    tsn_corpus *c = tsn_corpus_build(&o.cfg, &d, o.threads, show ? progress : NULL, NULL, &err);
    double t1 = now();
    size_t n_examples = d.n;
    tsn_dataset_release(&d); /* the corpus holds all that training needs */
#ifdef __GLIBC__
    malloc_trim(0); /* hand the dataset's many small blocks back to the system */
#endif
    tsn_model *m = c == NULL         ? NULL
                 : o.cfg.calibrate ? tsn_cv_fit_calibrated(c, 3, 1, NULL, &err)
                                   : tsn_model_fit_consume(c, &err);
    if (c != NULL && m == NULL && err.code == TSN_ERR_DATA)
        tsn_error_prefix(&err, "%s", o.input); /* a property of the whole training file */
    double t2 = now();
    rc = EXIT_SUCCESS;
    if (m == NULL || tsn_model_save(m, o.output, &err) != TSN_OK)
        rc = fail(&err);
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

/* ---- tune ---- */

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

static int cmd_tune(int argc, char **argv)
{
    options o = {0};
    o.folds = 3;
    o.seed = 1;
    int rc = parse_options(argc, argv, "i:o:c:qt:",
                           "input output config input-format folds seed budget metric json "
                           "strict max-doc-bytes quiet threads force help",
                           true, tune_usage, tune_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return usage_error(tune_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.input == NULL || o.output == NULL)
        return usage_error(tune_usage, "-i TRAIN and -o MODEL are required");
    if ((rc = check_output(&o)) >= 0)
        return rc;
    if ((rc = build_config(&o, tune_usage)) >= 0)
        return rc;
    tsn_dataset d;
    if ((rc = load_dataset(&o, &d)) >= 0)
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
        return fail(&err);
    }
    if (stopped)
        diag("warning: the --budget of %g s ran out before the search ended", o.budget);
    char *cj = tsn_config_to_json(&best, !o.json);
    if (o.json)
        printf("{\"chosen\":%s}\n", cj ? cj : "null");
    else
        printf("\nchosen config (saved in %s):\n%s\n", o.output, cj ? cj : "");
    free(cj);
    fflush(stdout);
    rc = EXIT_SUCCESS;
    if (tsn_model_save(m, o.output, &err) != TSN_OK)
        rc = fail(&err);
    tsn_model_free(m);
    return rc;
}

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
           "      --format F           jsonl (default): {\"label\",\"prob\"[,\"top\"][,\"explain\"]}\n"
           "                           tsv: label<TAB>prob[<TAB>label<TAB>prob...]; text: label\n"
           "  -k, --top K              the K most probable labels\n"
           "      --explain N          the N features that pushed the decision most\n"
           "      --min-prob P         no label (null; \"-\" in text and tsv) when the best\n"
           "                           probability is below P (train with --calibrate true\n"
           "                           or use tune, so that P means what it says)\n"
           "      --strict             fail on invalid UTF-8 instead of replacing it\n"
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
} classifier;

/* One document's outcome; buffers sized for the model's labels and --explain. */
typedef struct {
    double *probs;
    size_t *order;
    tsn_contrib *contrib;
    size_t best, ne;
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
    tsn_rank(r->probs, r->order, tsn_model_n_labels(cl->m));
    if (cl->explain > 0)
        r->st = tsn_scorer_explain(sc, doc, r->best, r->contrib, (size_t)cl->explain, &r->ne,
                                   &r->err);
}

/* Prints r as one output line; -1 to go on, or an exit code. */
static int print_outcome(const classifier *cl, const outcome *r, const char *id,
                         const char *where)
{
    if (r->st != TSN_OK) {
        diag("%s: %s", where, r->err.msg);
        return EXIT_FAILURE;
    }
    size_t K = tsn_model_n_labels(cl->m);
    size_t top = cl->top > 0 ? ((size_t)cl->top < K ? (size_t)cl->top : K) : 0;
    /* Below --min-prob the answer is withheld: null label (JSON), "-" (text and TSV). */
    const char *label = r->probs[r->best] >= cl->min_prob ? tsn_model_label_name(cl->m, r->best)
                                                          : NULL;
    if (cl->format == 2) {
        puts(label ? label : "-");
    } else if (cl->format == 1) {
        if (label == NULL)
            printf("-\t");
        size_t n = top ? top : 1;
        for (size_t i = 0; i < n; i++)
            printf("%s%s\t%.4f", i ? "\t" : "", tsn_model_label_name(cl->m, r->order[i]),
                   r->probs[r->order[i]]);
        for (size_t i = 0; i < r->ne; i++)
            printf("\t%s=%.4f", r->contrib[i].feature, r->contrib[i].contribution);
        putchar('\n');
    } else {
        tsn_write_prediction(stdout, cl->m, id, r->probs, r->best, r->order, top, cl->min_prob,
                             cl->explain > 0, r->contrib, r->ne);
        fputc('\n', stdout);
    }
    if (cl->flush)
        fflush(stdout);
    if (ferror(stdout)) {
        diag("cannot write output: %s", strerror(errno));
        return EXIT_FAILURE;
    }
    return -1;
}

/* ---- Parallel classification of a batch, output in input order ---- */

typedef struct {
    char *text, *claim, *id;
    size_t text_len, claim_len;
    char where[600];
    outcome r;
} batch_item;

typedef struct {
    const classifier *cl;
    tsn_scorer *sc;
    batch_item *items;
    size_t n, worker, workers;
} batch_work;

static void *classify_batch(void *arg)
{
    batch_work *w = arg;
    for (size_t i = w->worker; i < w->n; i += w->workers) {
        batch_item *it = &w->items[i];
        tsn_doc doc = {it->text, it->text_len, it->claim, it->claim_len};
        compute(w->cl, w->sc, &doc, &it->r);
    }
    return NULL;
}

static char *dup_or_null(const char *s, size_t n)
{
    return s != NULL ? strndup(s, n) : NULL;
}

/* Reads the whole stream in batches, classifies each batch on `threads` threads, prints in
 * order. Used when the input is a file: a pipe is classified a line at a time instead, so a
 * filter answers each line as soon as it arrives. */
static int classify_stream(const classifier *cl, tsn_reader *r, int threads)
{
    size_t workers = (size_t)threads, cap = workers * 64, K = tsn_model_n_labels(cl->m);
    batch_item *items = calloc(cap, sizeof *items);
    batch_work *work = calloc(workers, sizeof *work);
    pthread_t *tids = calloc(workers, sizeof *tids);
    tsn_error err = {0};
    int rc = items && work && tids ? -1 : (diag("out of memory"), EXIT_FAILURE);
    for (size_t i = 0; rc < 0 && i < cap; i++)
        if (!outcome_init(&items[i].r, K, cl->explain))
            rc = (diag("out of memory"), EXIT_FAILURE);
    for (size_t w = 0; rc < 0 && w < workers; w++) {
        work[w] = (batch_work){cl, tsn_scorer_new(cl->m, &err), items, 0, w, workers};
        if (work[w].sc == NULL)
            rc = fail(&err);
    }
    bool done = false;
    while (rc < 0 && !done) {
        size_t n = 0;
        while (n < cap) {
            tsn_example ex;
            if (tsn_reader_next(r, &ex, &done, &err) != TSN_OK) {
                rc = fail(&err);
                break;
            }
            if (done)
                break;
            if (tsn_model_is_pair(cl->m) && ex.claim == NULL) {
                diag("%s:%zu: this model needs a claim with each text", ex.source, ex.line);
                rc = EXIT_FAILURE;
                break;
            }
            batch_item *it = &items[n++];
            free(it->text);
            free(it->claim);
            free(it->id);
            it->text = dup_or_null(ex.text, ex.text_len);
            it->claim = dup_or_null(ex.claim, ex.claim_len);
            it->id = ex.id ? strdup(ex.id) : NULL;
            it->text_len = ex.text_len;
            it->claim_len = ex.claim_len;
            snprintf(it->where, sizeof it->where, "%s:%zu", ex.source, ex.line);
            if (it->text == NULL || (ex.claim && !it->claim) || (ex.id && !it->id)) {
                rc = (diag("out of memory"), EXIT_FAILURE);
                break;
            }
        }
        size_t started = 0;
        for (size_t w = 0; w < workers; w++)
            work[w].n = n;
        for (size_t w = 1; w < workers && n > 1; w++) {
            if (pthread_create(&tids[w], NULL, classify_batch, &work[w]) != 0)
                break;
            started = w;
        }
        classify_batch(&work[0]);
        for (size_t w = started + 1; w < workers && n > 1; w++)
            classify_batch(&work[w]);
        for (size_t w = 1; w <= started; w++)
            pthread_join(tids[w], NULL);
        /* the documents read before a reading error still get their answers */
        for (size_t i = 0; i < n; i++) {
            int prc = print_outcome(cl, &items[i].r, items[i].id, items[i].where);
            if (prc >= 0) {
                rc = prc;
                break;
            }
        }
    }
    for (size_t i = 0; items != NULL && i < cap; i++) {
        free(items[i].text);
        free(items[i].claim);
        free(items[i].id);
        outcome_release(&items[i].r);
    }
    for (size_t w = 0; work != NULL && w < workers; w++)
        tsn_scorer_free(work[w].sc);
    free(items);
    free(work);
    free(tids);
    return rc;
}

static int classify_one(classifier *cl, outcome *r, const tsn_doc *doc, const char *id,
                        const char *where)
{
    tsn_scorer *sc = tsn_model_scorer(cl->m);
    compute(cl, sc, doc, r);
    return print_outcome(cl, r, id, where);
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
        diag("%s: document larger than the limit of %zu bytes (--max-doc-bytes)", path, max);
        rc = EXIT_FAILURE;
    } else if (st != TSN_OK) {
        rc = fail(&err);
    }
    bool invalid = false;
    if (rc < 0 && tsn_doc_check(path, "document", buf, n, ro->strict, &invalid, &err) != TSN_OK)
        rc = fail(&err);
    if (rc < 0) {
        if (invalid)
            warn_invalid(path, 1, false);
        tsn_doc doc = {buf, n, NULL, 0};
        rc = classify_one(cl, out, &doc, path, path);
    }
    free(buf);
    return rc;
}

static int cmd_classify(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, "m:i:k:qt:",
                           "model input input-format format top explain min-prob strict "
                           "max-doc-bytes quiet threads help",
                           false, classify_usage, classify_help, &o);
    if (rc >= 0)
        return rc;
    if (o.model == NULL)
        return usage_error(classify_usage, "-m MODEL is required");
    classifier cl = {0};
    if (o.out_format == NULL || strcmp(o.out_format, "jsonl") == 0)
        cl.format = 0;
    else if (strcmp(o.out_format, "tsv") == 0)
        cl.format = 1;
    else if (strcmp(o.out_format, "text") == 0)
        cl.format = 2;
    else
        return usage_error(classify_usage, "--format must be jsonl, tsv or text");
    if (o.input != NULL && optind < argc)
        return usage_error(classify_usage, "give -i INPUT or FILE arguments, not both");
    tsn_error err = {0};
    if ((cl.m = load_model(o.model, &err)) == NULL)
        return fail(&err);
    size_t K = tsn_model_n_labels(cl.m);
    cl.top = o.top;
    cl.explain = o.explain;
    cl.min_prob = o.min_prob;
    outcome one;
    struct stat sb;
    cl.flush = !(fstat(STDOUT_FILENO, &sb) == 0 && S_ISREG(sb.st_mode));
    rc = -1;
    if (!outcome_init(&one, K, o.explain)) {
        diag("out of memory");
        rc = EXIT_FAILURE;
    }
    for (int i = optind; rc < 0 && i < argc; i++)
        rc = classify_file(&cl, &one, argv[i], &o.read);
    bool from_file = o.input != NULL && strcmp(o.input, "-") != 0 && stat(o.input, &sb) == 0 &&
                     S_ISREG(sb.st_mode);
    if (rc < 0 && optind >= argc) {
        o.read.pair = tsn_model_is_pair(cl.m);
        tsn_reader *r =
            tsn_reader_open(o.input, (tsn_format)o.input_format, false, &o.read, &err);
        if (r == NULL)
            rc = fail(&err);
        else if (from_file && o.threads > 1)
            rc = classify_stream(&cl, r, o.threads);
        while (rc < 0 && !(from_file && o.threads > 1)) {
            tsn_example ex;
            bool done;
            if (tsn_reader_next(r, &ex, &done, &err) != TSN_OK) {
                rc = fail(&err);
                break;
            }
            if (done)
                break;
            if (tsn_model_is_pair(cl.m) && ex.claim == NULL) {
                diag("%s:%zu: this model needs a claim with each text", ex.source, ex.line);
                rc = EXIT_FAILURE;
                break;
            }
            char where[600];
            snprintf(where, sizeof where, "%s:%zu", ex.source, ex.line);
            tsn_doc doc = {ex.text, ex.text_len, ex.claim, ex.claim_len};
            rc = classify_one(&cl, &one, &doc, ex.id, where);
        }
        if (r != NULL)
            warn_invalid(o.input ? o.input : "<stdin>", tsn_reader_invalid_lines(r), false);
        tsn_reader_close(r);
    }
    outcome_release(&one);
    tsn_model_free(cl.m);
    if (rc < 0 && fflush(stdout) != 0) {
        diag("cannot write output: %s", strerror(errno));
        rc = EXIT_FAILURE;
    }
    return rc < 0 ? EXIT_SUCCESS : rc;
}

/* ---- eval ---- */

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

static int cmd_eval(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, "m:i:q",
                           "model input input-format json min-prob strict max-doc-bytes "
                           "quiet help",
                           false, eval_usage, eval_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return usage_error(eval_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.model == NULL || o.input == NULL)
        return usage_error(eval_usage, "-m MODEL and -i TEST are required");
    tsn_error err = {0};
    tsn_model *m = load_model(o.model, &err);
    if (m == NULL)
        return fail(&err);
    tsn_dataset d;
    if ((rc = load_dataset(&o, &d)) >= 0) {
        tsn_model_free(m);
        return rc;
    }
    tsn_evaluation ev;
    if (tsn_evaluate(m, &d, o.min_prob, &ev, &err) != TSN_OK) {
        rc = fail(&err);
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

/* ---- cv ---- */

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
    print_config_flags();
}

/* splitmix64: a small, well-mixed, portable generator for fold assignment. */
static void print_fold(void *ctx, int f, int folds, double acc, double f1)
{
    (void)ctx;
    fprintf(stderr, "fold %d/%d: accuracy %.4f, macro-F1 %.4f\n", f + 1, folds, acc, f1);
}

static int cmd_cv(int argc, char **argv)
{
    options o = {0};
    o.folds = 5;
    o.seed = 1;
    int rc = parse_options(argc, argv, "i:c:qvt:",
                           "input config input-format folds seed json strict max-doc-bytes "
                           "verbose quiet threads help",
                           true, cv_usage, cv_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return usage_error(cv_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.input == NULL)
        return usage_error(cv_usage, "-i TRAIN is required");
    if ((rc = build_config(&o, cv_usage)) >= 0)
        return rc;
    tsn_dataset d;
    if ((rc = load_dataset(&o, &d)) >= 0)
        return rc;
    tsn_error err = {0};
    bool show = !o.quiet && isatty(STDERR_FILENO);
    tsn_corpus *c = tsn_corpus_build(&o.cfg, &d, o.threads, show ? progress : NULL, NULL, &err);
    if (c == NULL) {
        tsn_dataset_release(&d);
        return fail(&err);
    }
    size_t n = tsn_corpus_size(c);
    tsn_cv_result cv;
    rc = -1;
    if (tsn_cv_run(c, o.folds, o.seed, show ? print_fold : NULL, NULL, &cv, NULL, &err) !=
        TSN_OK) {
        if (err.code == TSN_ERR_DATA)
            tsn_error_prefix(&err, "%s", o.input);
        rc = fail(&err);
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

/* ---- info ---- */

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

static int cmd_info(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, "m:k:", "model top json help", false, info_usage,
                           info_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return usage_error(info_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.model == NULL)
        return usage_error(info_usage, "-m MODEL is required");
    tsn_error err = {0};
    tsn_model *m = load_model(o.model, &err);
    if (m == NULL)
        return fail(&err);
    const tsn_config *cfg = tsn_model_config(m);
    size_t K = tsn_model_n_labels(m), top = (size_t)o.top;
    tsn_contrib *tc = calloc(top + 1, sizeof *tc);
    char *cj = tsn_config_to_json(cfg, false);
    if (tc == NULL || cj == NULL) {
        free(tc);
        free(cj);
        tsn_model_free(m);
        diag("out of memory");
        return EXIT_FAILURE;
    }
    if (o.json) {
        if (tsn_write_model_info(stdout, m, top, &err) != TSN_OK)
            rc = fail(&err);
        else
            putchar('\n');
    } else {
        printf("format        tasnif model, version %d\n", TSN_MODEL_FORMAT_VERSION);
        printf("input         %s\n", tsn_model_is_pair(m) ? "claim + text pairs" : "single texts");
        printf("examples      %zu\n", tsn_model_n_examples(m));
        printf("features      %zu (%s)\n", tsn_model_n_features(m),
               cfg->hash_buckets > 0 ? "hash buckets" : "vocabulary");
        if (tsn_model_temperature(m) > 0)
            printf("probabilities calibrated: softmax of decision values / %.4g (temperature "
                   "fitted by cross-validation)\n",
                   tsn_model_temperature(m));
        else
            printf("probabilities %s\n", tsn_model_has_probabilities(m)
                                             ? "logistic regression (not calibrated)"
                                             : "squashed SVM scores (not calibrated)");
        printf("labels        %zu\n", K);
        for (size_t k = 0; k < K; k++) {
            printf("  %-20s %zu examples\n", tsn_model_label_name(m, k),
                   tsn_model_label_support(m, k));
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


/* ---- label ---- */

static const char label_usage[] =
    "tasnif label [-i ARTICLE|DIR|-] [--stance-model M] [--topic-model M] [--json] "
    "[--min-prob P]";

static void label_help(void)
{
    printf("usage: %s\n\n"
           "Labels whole articles: the topic of each article, and the stance of each of its\n"
           "sentences (split with ICU's sentence break iterator): attribution, denial, other.\n\n"
           "  -i, --input ARTICLE      one article per file (default: standard input); a\n"
           "                           directory: every file in it; JSON lines: one article per\n"
           "                           line, {\"text\": ..., \"id\": ...}\n"
           "      --input-format F     auto (default), text (whole input is one article), jsonl\n"
           "      --stance-model M     sentence stance model (default: stance)\n"
           "      --topic-model M      article topic model (default: topic)\n"
           "      --json               one JSON object per article: topic, sentences with byte\n"
           "                           offsets start/end into the input, summary counts\n"
           "      --min-prob P         leave sentences whose best stance probability is below P\n"
           "                           unlabeled (stance null)\n"
           "      --max-doc-bytes N    longest accepted article (default 16 MiB)\n"
           "      --help               this help\n",
           label_usage);
}

typedef struct {
    tsn_model *stance, *topic;
    tsn_labeler *lab;
    double min_prob;
    bool json, color;
} labeler;

static int label_article(labeler *lb, const char *text, size_t len, const char *id,
                         const char *where)
{
    tsn_error err = {0};
    if (tsn_labeler_run(lb->lab, text, len, lb->min_prob, &err) != TSN_OK) {
        diag("%s: %s", where, err.msg);
        return EXIT_FAILURE;
    }
    size_t K = tsn_model_n_labels(lb->stance), n = tsn_labeler_n_sentences(lb->lab);
    if (lb->json) {
        if (tsn_labeler_write_json(lb->lab, stdout, text, id, &err) != TSN_OK) {
            diag("%s: %s", where, err.msg);
            return EXIT_FAILURE;
        }
        putchar('\n');
    } else {
        double tprob;
        const char *tlabel = tsn_model_label_name(lb->topic, tsn_labeler_topic(lb->lab, &tprob));
        if (id != NULL)
            printf("%s%s%s\n", lb->color ? "\033[1m" : "", id, lb->color ? "\033[0m" : "");
        printf("topic: %s%s%s (%.2f)\n", lb->color ? "\033[1m" : "", tlabel,
               lb->color ? "\033[0m" : "", tprob);
        for (size_t i = 0; i < n; i++) {
            size_t start, end, best;
            double prob;
            bool answered = tsn_labeler_sentence(lb->lab, i, &start, &end, &best, &prob);
            const char *st = tsn_model_label_name(lb->stance, best);
            if (!answered || strcmp(st, "other") == 0)
                continue;
            const char *c = !lb->color ? "" : strcmp(st, "denial") == 0 ? "\033[36m" : "\033[31m";
            printf("  %s%-12s%s %.2f  [%zu-%zu] %.*s\n", c, st, lb->color ? "\033[0m" : "",
                   prob, start, end, (int)(end - start), text + start);
        }
        printf("summary:");
        for (size_t k = 0; k < K; k++)
            printf("%s %zu %s", k ? "," : "", tsn_labeler_count(lb->lab, k),
                   tsn_model_label_name(lb->stance, k));
        if (lb->min_prob > 0)
            printf(", %zu below --min-prob", tsn_labeler_count(lb->lab, K));
        printf(" (%zu sentences)\n", n);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        diag("cannot write output: %s", errno ? strerror(errno) : "write error");
        return EXIT_FAILURE;
    }
    return -1;
}

/* Reads all of f (at most max bytes) into a new buffer. */
static int read_all(FILE *f, const char *where, size_t max, char **buf, size_t *len)
{
    tsn_error err = {0};
    tsn_status st = tsn_read_stream(f, where, max, buf, len, &err);
    if (st == TSN_ERR_FORMAT) {
        diag("%s: article larger than the limit of %zu bytes (--max-doc-bytes)", where, max);
        return EXIT_FAILURE;
    }
    if (st != TSN_OK)
        return fail(&err);
    return -1;
}

static int label_file(labeler *lb, const char *path, size_t max, bool show_id)
{
    FILE *f = path ? fopen(path, "rb") : stdin;
    const char *where = path ? path : "<stdin>";
    if (f == NULL) {
        diag("%s: %s", path, strerror(errno));
        return EXIT_FAILURE;
    }
    char *buf;
    size_t len;
    int rc = read_all(f, where, max, &buf, &len);
    if (path != NULL)
        fclose(f);
    if (rc >= 0)
        return rc;
    tsn_error err = {0};
    bool invalid = false;
    if (tsn_doc_check(where, "article", buf, len, false, &invalid, &err) != TSN_OK) {
        free(buf);
        return fail(&err);
    }
    if (invalid)
        warn_invalid(where, 1, false);
    rc = label_article(lb, buf, len, show_id ? where : NULL, where);
    free(buf);
    return rc;
}

/* Labels one input opened once -- a file, a pipe, a FIFO or standard input alike: its
 * format (JSON lines or one article) is told from its first non-blank byte, and nothing read
 * to tell it is lost: a seekable input is rewound, a pipe gets its leading blanks back. */
static int label_stream(labeler *lb, const char *path, int fmt, size_t max,
                        const tsn_read_opts *ro)
{
    FILE *f = path ? fopen(path, "rb") : stdin;
    const char *where = path ? path : "<stdin>";
    if (f == NULL) {
        diag("%s: %s", path, strerror(errno));
        return EXIT_FAILURE;
    }
    char pre[4096];
    size_t npre = 0;
    int ch;
    while ((ch = getc(f)) != EOF && (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') &&
           npre < sizeof pre)
        pre[npre++] = (char)ch;
    if (ch != EOF)
        ungetc(ch, f);
    if (fmt == TSN_FMT_AUTO)
        fmt = ch == '{' ? TSN_FMT_JSONL : TSN_FMT_TEXT;
    bool rewound = fseek(f, 0, SEEK_SET) == 0;
    if (rewound)
        npre = 0;
    int rc = -1;
    tsn_error err = {0};
    if (fmt == TSN_FMT_JSONL) {
        tsn_reader *r = tsn_reader_open_stream(f, where, TSN_FMT_JSONL, false, ro, &err);
        if (r == NULL)
            rc = fail(&err);
        while (rc < 0) {
            tsn_example ex;
            bool done;
            if (tsn_reader_next(r, &ex, &done, &err) != TSN_OK) {
                rc = fail(&err);
                break;
            }
            if (done)
                break;
            char at[600];
            snprintf(at, sizeof at, "%s:%zu", ex.source, ex.line);
            rc = label_article(lb, ex.text, ex.text_len, ex.id, at);
        }
        tsn_reader_close(r);
    } else {
        char *buf = NULL;
        size_t len = 0;
        rc = read_all(f, where, max > npre ? max - npre : 1, &buf, &len);
        if (rc < 0 && npre > 0) { /* give a pipe's leading blanks back: offsets count them */
            char *nb = realloc(buf, npre + len + 1);
            if (nb == NULL) {
                diag("out of memory");
                rc = EXIT_FAILURE;
            } else {
                buf = nb;
                memmove(buf + npre, buf, len + 1);
                memcpy(buf, pre, npre);
                len += npre;
            }
        }
        bool invalid = false;
        if (rc < 0 && tsn_doc_check(where, "article", buf, len, false, &invalid, &err) != TSN_OK)
            rc = fail(&err);
        if (rc < 0 && invalid)
            warn_invalid(where, 1, false);
        if (rc < 0)
            rc = label_article(lb, buf, len, NULL, where);
        free(buf);
    }
    if (path != NULL)
        fclose(f);
    return rc;
}

static int cmd_label(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, "i:q", "input input-format json max-doc-bytes stance-model "
                           "topic-model min-prob quiet help", false, label_usage, label_help, &o);
    if (rc < 0 && optind < argc)
        rc = usage_error(label_usage, "unexpected argument \"%s\"", argv[optind]);
    if (rc >= 0)
        return rc;
    const char *stance = o.stance_model ? o.stance_model : "stance";
    const char *topic = o.topic_model ? o.topic_model : "topic";
    double min_prob = o.min_prob;
    labeler lb = {0};
    lb.min_prob = min_prob;
    lb.json = o.json;
    lb.color = !o.json && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    tsn_error err = {0};
    if ((lb.stance = load_model(stance, &err)) == NULL || (lb.topic = load_model(topic, &err)) == NULL) {
        tsn_model_free(lb.stance);
        return fail(&err);
    }
    if (tsn_model_is_pair(lb.stance) || tsn_model_is_pair(lb.topic)) {
        diag("label needs single-text models; %s was trained on claim + text pairs",
             tsn_model_is_pair(lb.stance) ? stance : topic);
        rc = EXIT_FAILURE;
    }
    if (rc < 0 && (lb.lab = tsn_labeler_new(lb.stance, lb.topic, &err)) == NULL)
        rc = fail(&err);
    size_t max = o.read.max_doc_bytes ? o.read.max_doc_bytes : ((size_t)16 << 20);
    struct stat sb;
    bool is_dir = o.input && strcmp(o.input, "-") != 0 && stat(o.input, &sb) == 0 &&
                  S_ISDIR(sb.st_mode);
    if (rc >= 0) {
        /* nothing */
    } else if (is_dir) {
        char **files = NULL;
        size_t nf = 0;
        if (tsn_dir_files(o.input, &files, &nf, &err) != TSN_OK)
            rc = fail(&err);
        for (size_t i = 0; rc < 0 && i < nf; i++)
            rc = label_file(&lb, files[i], max, true);
        tsn_dir_files_free(files, nf);
        if (rc < 0 && nf == 0) {
            diag("%s: no files to label in this directory", o.input);
            rc = EXIT_FAILURE;
        }
    } else {
        bool stdin_ = o.input == NULL || strcmp(o.input, "-") == 0;
        rc = label_stream(&lb, stdin_ ? NULL : o.input, o.input_format, max, &o.read);
    }
    tsn_labeler_free(lb.lab);
    tsn_model_free(lb.stance);
    tsn_model_free(lb.topic);
    return rc < 0 ? EXIT_SUCCESS : rc;
}

/* ---- tokens ---- */

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

static int cmd_tokens(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, "m:c:i:", "model config input strict max-doc-bytes help",
                           true, tokens_usage, tokens_help, &o);
    if (rc >= 0)
        return rc;
    tsn_error err = {0};
    tsn_pipeline *own = NULL, *p = NULL;
    tsn_model *m = NULL;
    if (o.model != NULL) {
        if ((m = load_model(o.model, &err)) == NULL)
            return fail(&err);
        p = tsn_model_pipeline(m);
    } else {
        if ((rc = build_config(&o, tokens_usage)) >= 0)
            return rc;
        char *sw = NULL;
        size_t swl = 0;
        if (tsn_pipeline_stopwords_text(&o.cfg, &sw, &swl, &err) != TSN_OK ||
            (own = tsn_pipeline_new(&o.cfg, sw, swl, &err)) == NULL) {
            free(sw);
            return fail(&err);
        }
        free(sw);
        p = own;
    }
    tsn_reader *r = tsn_reader_open(o.input, TSN_FMT_TEXT, false, &o.read, &err);
    rc = r == NULL ? fail(&err) : -1;
    while (rc < 0) {
        tsn_example ex;
        bool done;
        if (tsn_reader_next(r, &ex, &done, &err) != TSN_OK) {
            rc = fail(&err);
            break;
        }
        if (done)
            break;
        const tsn_unit *u;
        size_t n;
        if (tsn_pipeline_lex(p, ex.text, ex.text_len, &u, &n, &err) != TSN_OK) {
            rc = fail(&err);
            break;
        }
        for (size_t i = 0; i < n; i++)
            printf("%s%.*s/%.*s", i ? " " : "", (int)u[i].surf_len, u[i].surf,
                   (int)u[i].stem_len, u[i].stem);
        putchar('\n');
    }
    if (rc < 0)
        warn_invalid(o.input ? o.input : "<stdin>", tsn_reader_invalid_lines(r), false);
    tsn_reader_close(r);
    tsn_pipeline_free(own);
    tsn_model_free(m);
    return rc < 0 ? EXIT_SUCCESS : rc;
}

/* ---- dispatch ---- */

typedef struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} command;

static const command commands[] = {
    {"train", cmd_train, "train a model on labeled examples"},
    {"classify", cmd_classify, "label documents with a model"},
    {"eval", cmd_eval, "score a model on labeled examples"},
    {"cv", cmd_cv, "stratified k-fold cross-validation of a config"},
    {"tune", cmd_tune, "search for the best config by cross-validation, save its model"},
    {"info", cmd_info, "describe a model"},
    {"label", cmd_label, "label articles: topic, and the stance of every sentence"},
    {"tokens", cmd_tokens, "show the pipeline's tokens and stems"},
};

static void main_help(FILE *f)
{
    fprintf(f, "usage: tasnif <command> [options]\n\n"
               "tasnif -- Arabic text classification (ICU + Snowball + liblinear)\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'tasnif <command> --help' describes a command; 'tasnif --version'.\n");
}

/* Output that could not be written is a failure (a full disk, a closed pipe): flush standard
 * output and report its error once, unless the command already failed. */
static int finish_stdout(int rc)
{
    errno = 0;
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == EXIT_SUCCESS) {
        diag("standard output: %s", errno ? strerror(errno) : "write error");
        return EXIT_FAILURE;
    }
    return rc;
}

/* SIGINT, SIGTERM, SIGHUP: remove a model file being written, then die of the signal. */
static void on_fatal_signal(int sig)
{
    const char *tmp = tsn_model_saving();
    if (tmp != NULL)
        unlink(tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

int main(int argc, char **argv)
{
    /* A buffer that holds any help text whole, so that a write error (a full disk) is met by
     * the final flush, which reports its errno, not by a partial write in the middle. */
    static char outbuf[1 << 16]; /* (glibc ignores the size when setvbuf gets no buffer) */
    if (!isatty(STDOUT_FILENO))
        setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    tsn_model_set_solver_output(NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < 3; i++) {
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        struct sigaction old;
        /* A signal the parent ignores (nohup, background jobs) stays ignored. */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
    if (argc < 2) {
        main_help(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        main_help(stdout);
        return finish_stdout(EXIT_SUCCESS);
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("tasnif %s (model format %d)\n", TSN_VERSION, TSN_MODEL_FORMAT_VERSION);
        return finish_stdout(EXIT_SUCCESS);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            cmd_name = commands[i].name;
            int rc = commands[i].run(argc - 1, argv + 1);
            return finish_stdout(rc);
        }
    fprintf(stderr, "tasnif: unknown command \"%s\"\n", argv[1]);
    main_help(stderr);
    return EXIT_USAGE;
}
