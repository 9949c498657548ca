/* cli.h -- the command line's shared contract: the parsed options, the helpers in common.c
 * that every command uses, and one entry point per command (src/cli/<command>.c), which
 * main.c dispatches to.
 *
 * Exit codes: 0 success, 1 failure (I/O, bad data, unusable model), 2 usage error.
 * stdout carries results only; diagnostics and progress go to stderr. A step that "returns
 * -1 to go on, or an exit code" lets a command chain its steps:
 * `if ((rc = cli_build_config(&o, usage)) >= 0) return rc;`.
 * Pointers passed to these functions are borrowed for the call; cli_options borrows argv.
 */
#ifndef TSN_CLI_H
#define TSN_CLI_H
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "dataset.h"
#include "error.h"
#include "model.h"

#define CLI_EXIT_USAGE 2
#define CLI_OPT_CONFIG_BASE 1000 /* getopt code of config option i: CLI_OPT_CONFIG_BASE + i */

/* Everything a command's options can say; zero-initialize, set a command's own defaults,
 * then cli_parse_options(). */
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
    double threshold;    /* classify, eval: > 0 overrides a multi-label model's thresholds */
    double budget;       /* tune: seconds */
    bool by_accuracy;    /* tune: --metric accuracy */
    bool force;          /* train, tune: -o may replace a file that is not a model */
    tsn_config cfg;
    /* config flags given on the command line, applied after the config file */
    const char *set_name[64];
    const char *set_value[64];
    int n_set;
} cli_options;

/* getopt_long codes of the long options without a short form. */
enum {
    CLI_OPT_FORMAT = 256,
    CLI_OPT_INPUT_FORMAT,
    CLI_OPT_STRICT,
    CLI_OPT_MAX_DOC,
    CLI_OPT_JSON,
    CLI_OPT_EXPLAIN,
    CLI_OPT_FOLDS,
    CLI_OPT_SEED,
    CLI_OPT_HELP,
    CLI_OPT_STANCE_MODEL,
    CLI_OPT_TOPIC_MODEL,
    CLI_OPT_MIN_PROB,
    CLI_OPT_THRESHOLD,
    CLI_OPT_LABEL_SEP,
    CLI_OPT_BUDGET,
    CLI_OPT_METRIC,
    CLI_OPT_FORCE
};

/* Names the running command in diagnostics and usage errors ("" until it is set). */
void cli_set_command(const char *name);
/* Prints "tasnif: <command>: <message>" and a newline on stderr. */
void cli_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports err->msg as cli_diag does; returns EXIT_FAILURE. */
int cli_fail(const tsn_error *err);
/* Prints the message, the usage line and a pointer to --help on stderr; returns
 * CLI_EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses argv for a command into *o: shortopts as for getopt, `allowed` the space-separated
 * long options it takes, with_config adds one flag per config option (applied by
 * cli_build_config). --help calls help(). Leaves optind at the first operand and o->threads
 * at least 1. Returns -1 to go on, or an exit code. */
int cli_parse_options(int argc, char **argv, const char *shortopts, const char *allowed,
                      bool with_config, const char *usage, void (*help)(void), cli_options *o);
/* Builds o->cfg: defaults, then the config file, then command-line flags. Returns -1 to go
 * on, or an exit code (1 for an unreadable config file, 2 for a bad value). */
int cli_build_config(cli_options *o, const char *usage);
/* Prints the help section listing every config option as a flag, with its default. */
void cli_print_config_flags(void);

/* A tsn progress callback: "stage: done/total (p%)" on one rewritten stderr line. */
void cli_progress(void *ctx, const char *stage, size_t done, size_t total);

/* Loads a model from a path or a shipped model's name ("stance", "topic"), looked up in
 * $TASNIF_MODELS, next to the executable and in the installed location before the working
 * directory (tsn_model_resolve()). Returns NULL with *err set; release with tsn_model_free(). */
tsn_model *cli_load_model(const char *name, tsn_error *err);
/* Warns on stderr that `lines` lines (examples, when labeled) of source held invalid UTF-8;
 * nothing when lines is 0. */
void cli_warn_invalid(const char *source, size_t lines, bool labeled);
/* Loads o->input as a labeled dataset into *d (release with tsn_dataset_release()), warning
 * about invalid UTF-8 and ignored entries. Returns -1 to go on, or an exit code. */
int cli_load_dataset(const cli_options *o, tsn_dataset *d);
/* Checks -o before any work: not the training data or the config, not a file other than a
 * tasnif model (unless --force), in a writable directory. Returns -1 when it may be written,
 * or an exit code. */
int cli_check_output(const cli_options *o);
/* Flushes standard output; an error there turns a successful rc into EXIT_FAILURE, with one
 * diagnostic. Returns the exit code to use. */
int cli_finish_stdout(int rc);

/* The commands: argv[0] is the command's name; each returns an exit code. */
int cli_train(int argc, char **argv);    /* train.c */
int cli_tune(int argc, char **argv);     /* tune.c */
int cli_classify(int argc, char **argv); /* classify.c */
int cli_eval(int argc, char **argv);     /* eval.c */
int cli_cv(int argc, char **argv);       /* cv.c */
int cli_info(int argc, char **argv);     /* info.c */
int cli_label(int argc, char **argv);    /* label.c */
int cli_tokens(int argc, char **argv);   /* tokens.c */
int cli_report(int argc, char **argv);   /* report.c */

/* The HTML report (report.c, shared with eval --html). cli_check_report() checks its path
 * before any work, as cli_check_output() does for models: "-" (standard output) passes; not
 * the test data or the model, not a directory, not an existing file other than a tasnif
 * report (unless o->force), in a writable directory; flag ("-o", "--html") names it in
 * messages. Returns -1 when it may be written, or an exit code. */
int cli_check_report(const char *path, const char *flag, const cli_options *o);
/* Writes m's report on d to path ("-": standard output) atomically: a temporary file in the
 * same directory, renamed once complete. model_name is shown as the user gave it. Returns an
 * exit code, after a diagnostic on failure. */
int cli_save_report(const char *path, const tsn_model *m, const tsn_dataset *d,
                    const char *model_name);
/* The temporary report being written right now, or NULL: a signal handler may unlink() it. */
const char *cli_report_saving(void);
int cli_serve(int argc, char **argv);    /* serve.c */
/* Parses a size: digits only, at most 1 TiB. False when s is not one. */
bool cli_parse_size(const char *s, size_t *out);
/* Reads r's next example into *ex: true when there is one; false at the end of the input,
 * or after reporting a read error (then *rc is the exit code). */
bool cli_next_example(tsn_reader *r, tsn_example *ex, int *rc);

#endif
