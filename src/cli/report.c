/* report.c -- `tasnif report`: a model's evaluation on labeled examples as one self-contained
 * HTML page (drawn by the library's report module, src/report.c), and the checking and saving
 * of that page, which `eval --html` shares.
 *
 * The page is written atomically, as models are: to a temporary file in the same directory,
 * renamed over the target only once complete and synced, so a failure or a signal (main.c
 * removes the file cli_report_saving() names) never leaves half a report. A device such as
 * /dev/stdout is written in place.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset.h"
#include "error.h"
#include "model.h"
#include "report.h"

/* What every page tasnif writes carries near its start (src/report.c writes it). */
#define REPORT_MARK "<meta name=\"generator\" content=\"tasnif"

static const char report_usage[] = "tasnif report -m MODEL -i TEST -o REPORT.html";

static void report_help(void)
{
    printf("usage: %s\n\n"
           "Writes a model's evaluation on labeled examples as one self-contained HTML page\n"
           "(inline CSS and SVG; no script, font or other external resource): accuracy and\n"
           "macro-F1, the confusion matrix as a heatmap, per-label precision, recall and F1,\n"
           "a reliability diagram with the expected calibration error, accuracy and coverage\n"
           "by --min-prob threshold, each label's top features, the most confident mistakes.\n\n"
           "  -m, --model MODEL        model file, or a shipped model name\n"
           "  -i, --input FILE|DIR     labeled test data (same formats as train)\n"
           "  -o, --output FILE        the HTML page (- for standard output); replaced only\n"
           "                           once the new page is complete\n"
           "      --force              let -o replace a file that is not a tasnif report\n"
           "      --input-format F     auto (default), tsv, jsonl, fasttext, dir\n"
           "      --strict             fail on invalid UTF-8 instead of replacing it\n"
           "      --max-doc-bytes N    longest accepted document (default 16 MiB)\n"
           "      --help               this help\n",
           report_usage);
}

/* ---- Checking and saving ---- */

static const char *volatile saving; /* the temporary page being written, or NULL */

const char *cli_report_saving(void)
{
    return saving;
}

/* True when the file at path starts like a page tasnif wrote. */
static bool is_report(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, REPORT_MARK) != NULL;
}

int cli_check_report(const char *path, const char *flag, const cli_options *o)
{
    if (strcmp(path, "-") == 0)
        return -1;
    struct stat out, in;
    if (stat(path, &out) == 0) {
        const char *inputs[2] = {o->input, o->model};
        const char *what[2] = {"the test data", "the model"};
        for (int i = 0; i < 2; i++)
            if (inputs[i] != NULL && stat(inputs[i], &in) == 0 && in.st_dev == out.st_dev &&
                in.st_ino == out.st_ino) {
                cli_diag("%s %s is %s: refusing to overwrite it", flag, path, what[i]);
                return EXIT_FAILURE;
            }
        if (S_ISDIR(out.st_mode)) {
            cli_diag("%s %s: %s; give a file name", flag, path, strerror(EISDIR));
            return EXIT_FAILURE;
        }
        if (S_ISREG(out.st_mode) && out.st_size > 0 && !o->force && !is_report(path)) {
            cli_diag("%s %s exists and is not a tasnif report: refusing to overwrite it "
                     "(--force replaces it)",
                     flag, path);
            return EXIT_FAILURE;
        }
        if (!S_ISREG(out.st_mode))
            return -1; /* a device is written in place */
    }
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (access(dir, W_OK | X_OK) != 0) {
        cli_diag("%s: cannot create (directory %s: %s)", path, dir, strerror(errno));
        return EXIT_FAILURE;
    }
    return -1;
}

/* Opens the file the page goes to: path itself when it is a device (*tmp NULL), else a new
 * temporary file next to it (*tmp, published through `saving`). NULL with errno set. */
static FILE *open_page(const char *path, char **tmp)
{
    struct stat sb;
    bool direct = stat(path, &sb) == 0 && !S_ISREG(sb.st_mode);
    *tmp = NULL;
    if (direct)
        return fopen(path, "w");
    size_t size = strlen(path) + 16;
    if ((*tmp = malloc(size)) == NULL)
        return NULL;
    snprintf(*tmp, size, "%s.tmp.XXXXXX", path);
    /* No signal between creating the file and publishing its name. */
    sigset_t block, prev;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &prev);
    int fd = mkstemp(*tmp);
    if (fd >= 0)
        saving = *tmp;
    sigprocmask(SIG_SETMASK, &prev, NULL);
    FILE *f = NULL;
    if (fd >= 0) {
        /* mkstemp creates the file 0600; a page is an ordinary file (0666 less umask). */
        mode_t mask = umask(0);
        umask(mask);
        if (fchmod(fd, 0666 & ~mask) == 0)
            f = fdopen(fd, "w");
        if (f == NULL) {
            int e = errno;
            close(fd);
            unlink(*tmp);
            saving = NULL;
            errno = e;
        }
    }
    if (f == NULL) {
        int e = errno;
        free(*tmp);
        *tmp = NULL;
        errno = e;
    }
    return f;
}

int cli_save_report(const char *path, const tsn_model *m, const tsn_dataset *d,
                    const char *model_name)
{
    tsn_error err = {0};
    if (strcmp(path, "-") == 0)
        return tsn_write_report(stdout, m, d, model_name, d->source, &err) == TSN_OK
                   ? EXIT_SUCCESS
                   : cli_fail(&err);
    char *tmp;
    FILE *f = open_page(path, &tmp);
    if (f == NULL) {
        cli_diag("%s: cannot create: %s", path, strerror(errno));
        return EXIT_FAILURE;
    }
    /* A write that fails while the page is drawn (TSN_ERR_IO) leaves its cause in errno:
     * keep it, so that the message says why (no space left, ...), not just "write error". */
    errno = 0;
    tsn_status st = tsn_write_report(f, m, d, model_name, d->source, &err);
    int e = st == TSN_ERR_IO ? errno : 0;
    errno = 0;
    bool ok = st == TSN_OK && fflush(f) == 0 && (tmp == NULL || fsync(fileno(f)) == 0);
    if (errno != 0)
        e = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok && tmp != NULL && rename(tmp, path) != 0) {
        ok = false;
        e = errno;
    }
    if (!ok && tmp != NULL)
        unlink(tmp);
    saving = NULL;
    free(tmp);
    if (ok)
        return EXIT_SUCCESS;
    if (st != TSN_OK && st != TSN_ERR_IO)
        return cli_fail(&err);
    cli_diag("%s: cannot write: %s", path, e ? strerror(e) : "write error");
    return EXIT_FAILURE;
}

/* ---- The command ---- */

int cli_report(int argc, char **argv)
{
    cli_options o = {0};
    int rc = cli_parse_options(argc, argv, "m:i:o:",
                               "model input output force input-format strict max-doc-bytes help",
                               false, report_usage, report_help, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(report_usage, "unexpected argument \"%s\"", argv[optind]);
    if (o.model == NULL || o.input == NULL || o.output == NULL)
        return cli_usage_error(report_usage, "-m MODEL, -i TEST and -o REPORT are required");
    if ((rc = cli_check_report(o.output, "-o", &o)) >= 0)
        return rc;
    tsn_error err = {0};
    tsn_model *m = cli_load_model(o.model, &err);
    if (m == NULL)
        return cli_fail(&err);
    tsn_dataset d;
    if ((rc = cli_load_dataset(&o, &d)) < 0) {
        rc = cli_save_report(o.output, m, &d, o.model);
        tsn_dataset_release(&d);
    }
    tsn_model_free(m);
    return rc;
}
