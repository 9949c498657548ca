/* main.c -- the tasnif command line's entry point: the command table, the top-level help and
 * --version, the signal handlers that remove a model file or report being written, and the
 * final check of standard output. Each command lives in src/cli/<command>.c; what they share
 * is in src/cli/common.c (src/cli/cli.h), including the exit codes.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model.h"

/* ---- dispatch ---- */

typedef struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} command;

static const command commands[] = {
    {"train", cli_train, "train a model on labeled examples"},
    {"classify", cli_classify, "label documents with a model"},
    {"eval", cli_eval, "score a model on labeled examples"},
    {"report", cli_report, "an evaluation as one self-contained HTML page with charts"},
    {"cv", cli_cv, "stratified k-fold cross-validation of a config"},
    {"tune", cli_tune, "search for the best config by cross-validation, save its model"},
    {"info", cli_info, "describe a model"},
    {"label", cli_label, "label articles: topic, and the stance of every sentence"},
    {"tokens", cli_tokens, "show the pipeline's tokens and stems"},
    {"serve", cli_serve, "serve models over HTTP: a JSON API and a page"},
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

/* SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGXFSZ (a file-size limit, ulimit -f): remove a model
 * file or report being written, then die of the signal. (SIGKILL cannot be caught.) */
static void on_fatal_signal(int sig)
{
    const char *tmp = tsn_model_saving();
    if (tmp != NULL)
        unlink(tmp);
    if ((tmp = cli_report_saving()) != NULL)
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
    for (size_t i = 0; i < 5; i++) {
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGXFSZ};
        struct sigaction old;
        /* A signal the parent ignores (nohup, background jobs) stays ignored. */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
    if (argc < 2) {
        main_help(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        main_help(stdout);
        return cli_finish_stdout(EXIT_SUCCESS);
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("tasnif %s (model format %d)\n", TSN_VERSION, TSN_MODEL_FORMAT_VERSION);
        return cli_finish_stdout(EXIT_SUCCESS);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            cli_set_command(commands[i].name);
            int rc = commands[i].run(argc - 1, argv + 1);
            return cli_finish_stdout(rc);
        }
    fprintf(stderr, "tasnif: unknown command \"%s\"\n", argv[1]);
    main_help(stderr);
    return CLI_EXIT_USAGE;
}
