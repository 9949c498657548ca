/* label.c -- `tasnif label`: whole articles (a file, every file of a directory, standard
 * input, or JSON lines of articles) labeled with a topic and the stance of each sentence, by
 * the shipped stance and topic models or others; colored text on a terminal, or JSON with
 * byte offsets into the input.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset.h"
#include "error.h"
#include "fileio.h"
#include "growth.h"
#include "model.h"
#include "results.h"

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
                         bool id_number, const char *where)
{
    tsn_error err = {0};
    if (tsn_labeler_run(lb->lab, text, len, lb->min_prob, &err) != TSN_OK) {
        cli_diag("%s: %s", where, err.msg);
        return EXIT_FAILURE;
    }
    size_t K = tsn_model_n_labels(lb->stance), n = tsn_labeler_n_sentences(lb->lab);
    if (lb->json) {
        if (tsn_labeler_write_json(lb->lab, stdout, text, id, id_number, &err) != TSN_OK) {
            cli_diag("%s: %s", where, err.msg);
            return EXIT_FAILURE;
        }
        putchar('\n');
    } else {
        double tprob;
        const char *tlabel = tsn_model_label_name(lb->topic, tsn_labeler_topic(lb->lab, &tprob));
        if (id != NULL)
            printf("%s%s%s\n", lb->color ? "\033[1m" : "", id, lb->color ? "\033[0m" : "");
        printf("topic: %s%s%s (%.2f)", lb->color ? "\033[1m" : "", tlabel,
               lb->color ? "\033[0m" : "", tprob);
        double p2;
        size_t second = tsn_labeler_second_topic(lb->lab, &p2);
        if (second != (size_t)-1)
            printf(", %s (%.2f)", tsn_model_label_name(lb->topic, second), p2);
        putchar('\n');
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
        cli_diag("cannot write output: %s", errno ? strerror(errno) : "write error");
        return EXIT_FAILURE;
    }
    return -1;
}

/* Reads all of f (at most max bytes) into a new buffer; a longer article is refused naming
 * limit, the --max-doc-bytes it counts against (max is less when some of it was read before). */
static int read_all(FILE *f, const char *where, size_t max, size_t limit, char **buf,
                    size_t *len)
{
    tsn_error err = {0};
    tsn_status st = tsn_read_stream(f, where, max, buf, len, &err);
    if (st == TSN_ERR_FORMAT) {
        cli_diag("%s: article larger than the limit of %zu bytes (--max-doc-bytes)", where,
                 limit);
        return EXIT_FAILURE;
    }
    if (st != TSN_OK)
        return cli_fail(&err);
    return -1;
}

static int label_file(labeler *lb, const char *path, size_t max, bool show_id)
{
    FILE *f = path ? fopen(path, "rb") : stdin;
    const char *where = path ? path : "<stdin>";
    if (f == NULL) {
        cli_diag("%s: %s", path, strerror(errno));
        return EXIT_FAILURE;
    }
    char *buf;
    size_t len;
    int rc = read_all(f, where, max, max, &buf, &len);
    if (path != NULL)
        fclose(f);
    if (rc >= 0)
        return rc;
    tsn_error err = {0};
    bool invalid = false;
    if (tsn_doc_check(where, "article", buf, len, false, &invalid, &err) != TSN_OK) {
        free(buf);
        return cli_fail(&err);
    }
    if (invalid)
        cli_warn_invalid(where, 1, false);
    rc = label_article(lb, buf, len, show_id ? where : NULL, false, where);
    free(buf);
    return rc;
}

/* Reads the blank bytes (space, tab, CR, LF) that open f, all of them however many: only the
 * first other byte tells the format. The first max of them are kept in *pre (a new buffer, or
 * NULL when there are none), *npre gets how many were read and *lines the line feeds among
 * them. Returns the first other byte, pushed back, or EOF; -2 when out of memory. */
static int read_blanks(FILE *f, size_t max, char **pre, size_t *npre, size_t *lines)
{
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int ch;
    *lines = 0;
    while ((ch = getc(f)) != EOF && (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r')) {
        if (n < max) {
            if (!tsn_grow_bytes(&buf, &cap, n + 1)) {
                free(buf);
                return -2;
            }
            buf[n] = (char)ch;
        }
        n++;
        *lines += ch == '\n';
    }
    if (ch != EOF)
        ungetc(ch, f);
    *pre = buf;
    *npre = n;
    return ch;
}

/* Labels one input opened once -- a file, a pipe, a FIFO or standard input alike: its
 * format (JSON lines or one article) is told from its first non-blank byte, and nothing read
 * to tell it is lost: a seekable input goes back to where it was (standard input may have
 * been read in part before), a pipe gets its leading blanks back and its line numbers count
 * them. */
static int label_stream(labeler *lb, const char *path, int fmt, size_t max,
                        const tsn_read_opts *ro)
{
    FILE *f = path ? fopen(path, "rb") : stdin;
    const char *where = path ? path : "<stdin>";
    if (f == NULL) {
        cli_diag("%s: %s", path, strerror(errno));
        return EXIT_FAILURE;
    }
    long pos = ftell(f); /* -1 on a pipe */
    char *pre;
    size_t npre, lines;
    int ch = read_blanks(f, max, &pre, &npre, &lines);
    if (ch == -2) {
        cli_diag("out of memory");
        if (path != NULL)
            fclose(f);
        return EXIT_FAILURE;
    }
    if (fmt == TSN_FMT_AUTO)
        fmt = ch == '{' ? TSN_FMT_JSONL : TSN_FMT_TEXT;
    if (pos >= 0 && fseek(f, pos, SEEK_SET) == 0)
        npre = lines = 0;
    int rc = -1;
    tsn_error err = {0};
    if (fmt == TSN_FMT_JSONL) {
        tsn_reader *r = tsn_reader_open_stream(f, where, TSN_FMT_JSONL, false, ro, &err);
        if (r == NULL)
            rc = cli_fail(&err);
        else
            tsn_reader_skip_lines(r, lines);
        tsn_example ex;
        while (rc < 0 && cli_next_example(r, &ex, &rc)) {
            char at[600];
            snprintf(at, sizeof at, "%s:%zu", ex.source, ex.line);
            rc = label_article(lb, ex.text, ex.text_len, ex.id, ex.id_number, at);
        }
        tsn_reader_close(r);
    } else {
        char *buf = NULL;
        size_t len = 0;
        /* the leading blanks count against the limit: what is left of it for the rest */
        if (npre > max) {
            cli_diag("%s: article larger than the limit of %zu bytes (--max-doc-bytes)", where,
                     max);
            rc = EXIT_FAILURE;
        } else {
            rc = read_all(f, where, max - npre, max, &buf, &len);
        }
        if (rc < 0 && npre > 0) { /* give a pipe's leading blanks back: offsets count them */
            char *nb = realloc(buf, npre + len + 1);
            if (nb == NULL) {
                cli_diag("out of memory");
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
            rc = cli_fail(&err);
        if (rc < 0 && invalid)
            cli_warn_invalid(where, 1, false);
        if (rc < 0)
            rc = label_article(lb, buf, len, NULL, false, where);
        free(buf);
    }
    free(pre);
    if (path != NULL)
        fclose(f);
    return rc;
}

int cli_label(int argc, char **argv)
{
    cli_options o = {0};
    int rc = cli_parse_options(argc, argv, "i:q",
                               "input input-format json max-doc-bytes stance-model "
                               "topic-model min-prob quiet help",
                               false, label_usage, label_help, &o);
    if (rc < 0 && optind < argc)
        rc = cli_usage_error(label_usage, "unexpected argument \"%s\"", argv[optind]);
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
    if ((lb.stance = cli_load_model(stance, &err)) == NULL ||
        (lb.topic = cli_load_model(topic, &err)) == NULL) {
        tsn_model_free(lb.stance);
        return cli_fail(&err);
    }
    if (tsn_model_is_pair(lb.stance) || tsn_model_is_pair(lb.topic)) {
        cli_diag("label needs single-text models; %s was trained on claim + text pairs",
                 tsn_model_is_pair(lb.stance) ? stance : topic);
        rc = EXIT_FAILURE;
    }
    if (rc < 0 && (lb.lab = tsn_labeler_new(lb.stance, lb.topic, &err)) == NULL)
        rc = cli_fail(&err);
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
            rc = cli_fail(&err);
        /* a bad file (unreadable, too large, a NUL byte) is reported and the rest are still
         * labelled; the exit status tells of it. Output that cannot be written stops all. */
        bool failed = false;
        for (size_t i = 0; rc < 0 && i < nf; i++) {
            if (label_file(&lb, files[i], max, true) >= 0) {
                failed = true;
                if (ferror(stdout))
                    rc = EXIT_FAILURE;
            }
        }
        tsn_dir_files_free(files, nf);
        if (rc < 0 && failed)
            rc = EXIT_FAILURE;
        if (rc < 0 && nf == 0) {
            cli_diag("%s: no files to label in this directory", o.input);
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
