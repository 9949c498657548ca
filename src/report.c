/* report.c -- a model's evaluation as one self-contained HTML page (see report.h): the
 * headline numbers, then one section per view, each an inline SVG chart or a table.
 *
 * The numbers come in two passes over the test set. tsn_evaluate() gives what `eval` prints
 * (metrics, calibration bins, ECE), so the page and the command line cannot disagree; a
 * second pass through a scorer of our own keeps every example's outcome, which the coverage
 * curve and the list of mistakes need and tsn_evaluation does not hold. Rejected: one pass
 * that redoes tsn_evaluate()'s bookkeeping here -- cheaper by one prediction per example
 * (milliseconds for a linear model), but two copies of the calibration code would drift.
 *
 * Charts are plain SVG with fixed geometry in user units and a viewBox, so they scale with
 * the page; text widths are estimated from character counts (there are no font metrics
 * without a script). There is no script and no external resource at all, not even the SVG
 * namespace URL, which HTML parsers do not need. Arabic documents and features sit in dir="rtl" lang="ar" cells;
 * label names, which may be Arabic or Latin, get dir="auto".
 */
#include "report.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "results.h"

#define REPORT_MISTAKES 20    /* most confident mistakes listed */
#define REPORT_FEATURES 10    /* heaviest features shown per label */
#define REPORT_TEXT_MAX 1200  /* bytes of a document shown; longer ones are cut */
#define REPORT_LABEL_MAX 22   /* bytes of a label name on a chart axis */
#define CURVE_STEPS 100       /* thresholds 0, 1/100, ..., 1 */
#define CHAR_W 7.0            /* estimated width of a 12px character, in SVG units */
#define ELLIPSIS "\xE2\x80\xA6"    /* U+2026, after a cut text */
#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD, for invalid UTF-8 */
#define FSI "\xE2\x81\xA8"         /* U+2068 FIRST STRONG ISOLATE */
#define PDI "\xE2\x81\xA9"         /* U+2069 POP DIRECTIONAL ISOLATE */

/* One example's outcome. */
typedef struct {
    size_t i;         /* index in the dataset */
    size_t gold, best;
    double prob;      /* probability of best */
    double gold_prob; /* probability of gold */
} outcome;

/* ---- Text ---- */

/* Writes s[0..len) as HTML text: & < > " ' as entities, invalid UTF-8 as U+FFFD, control
 * characters other than tab and newline as spaces. Safe in element content and in quoted
 * attribute values alike. */
static void put_text(FILE *f, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t ok = i + tsn_utf8_valid_prefix(s + i, len - i);
        for (; i < ok; i++) {
            unsigned char c = (unsigned char)s[i];
            switch (c) {
            case '&': fputs("&amp;", f); break;
            case '<': fputs("&lt;", f); break;
            case '>': fputs("&gt;", f); break;
            case '"': fputs("&quot;", f); break;
            case '\'': fputs("&#39;", f); break;
            default: fputc((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? ' ' : c, f);
            }
        }
        if (i < len) {
            fputs(REPLACEMENT, f);
            i++;
        }
    }
}

static void put_str(FILE *f, const char *s)
{
    put_text(f, s, strlen(s));
}

/* The longest prefix of s[0..len) of at most max bytes that ends on a character boundary. */
static size_t cut_len(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* s, cut to max bytes with an ellipsis when longer. */
static void put_cut(FILE *f, const char *s, size_t len, size_t max)
{
    size_t n = cut_len(s, len, max);
    put_text(f, s, n);
    if (n < len)
        fputs(ELLIPSIS, f);
}

/* Characters (not bytes) of s as put_cut(s, max) shows it: what a chart lays out. */
static size_t shown_chars(const char *s, size_t max)
{
    size_t len = strlen(s), n = cut_len(s, len, max), chars = n < len; /* the ellipsis */
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars;
}

static void put_label(FILE *f, const tsn_model *m, size_t k)
{
    put_str(f, tsn_model_label_name(m, k));
}

/* A label name on a chart axis: cut, with the whole name as a tooltip. SVG text has no dir
 * attribute, so the name is a bidi isolate (FSI ... PDI, UAX #9): an Arabic name cut short
 * gets its ellipsis on its own left end, not on the right of the left-to-right chart. */
static void put_axis_label(FILE *f, const tsn_model *m, size_t k)
{
    const char *s = tsn_model_label_name(m, k);
    fputs(FSI, f);
    put_cut(f, s, strlen(s), REPORT_LABEL_MAX);
    fputs(PDI "<title>", f);
    put_str(f, s);
    fputs("</title>", f);
}

/* The widest label name on a chart axis, in SVG units. */
static double label_width(const tsn_model *m)
{
    size_t w = 1;
    for (size_t k = 0; k < tsn_model_n_labels(m); k++) {
        size_t c = shown_chars(tsn_model_label_name(m, k), REPORT_LABEL_MAX);
        w = c > w ? c : w;
    }
    return CHAR_W * (double)w;
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0;
}

/* ---- Page ---- */

static const char page_style[] =
    "body{margin:0;background:#f5f6f8;color:#1d2430;line-height:1.45;"
    "font-family:system-ui,'Segoe UI',Roboto,'Noto Sans','Noto Naskh Arabic','DejaVu Sans',"
    "sans-serif}\n"
    "main{max-width:1100px;margin:0 auto;padding:20px 24px}\n"
    "h1{font-size:1.55em;margin:0 0 2px}h2{font-size:1.2em;margin:0 0 8px}"
    "h3{font-size:1em;margin:0 0 6px}\n"
    "section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:14px 20px;"
    "margin:14px 0}\n"
    ".sub{color:#5b6472;margin:0 0 10px}.note{color:#5b6472;font-size:.9em;margin:8px 0 0}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}\n"
    ".card{flex:1 1 130px;border:1px solid #dde1e7;border-radius:6px;padding:8px 14px;"
    "background:#fbfcfd}\n"
    ".card b{display:block;font-size:1.6em;font-variant-numeric:tabular-nums}"
    ".card span{color:#5b6472;font-size:.85em}\n"
    "table{border-collapse:collapse;font-size:.92em}\n"
    "th,td{border-bottom:1px solid #e6e9ee;padding:4px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#f3f5f8;font-weight:600}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td[dir=rtl],th.r{text-align:right}\n"
    ".ar{font-size:1.08em;line-height:1.75;white-space:pre-wrap}\n"
    ".kind{color:#5b6472;font-family:monospace}\n"
    ".meta th{background:none;width:9em}.meta td{overflow-wrap:anywhere}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:14px}\n"
    ".wide{width:100%}.row{display:flex;flex-wrap:wrap;gap:28px;align-items:center}\n"
    "svg{display:block;max-width:100%;height:auto;font-size:12px}\n";

static void write_head(FILE *f, const char *model_name, const char *test_name)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"tasnif " TSN_VERSION "\">\n<title>tasnif report: ",
          f);
    put_str(f, model_name);
    fputs(" on ", f);
    put_str(f, test_name);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", page_style);
}

static void card(FILE *f, const char *name, const char *fmt, double v)
{
    fputs("<div class=\"card\"><b>", f);
    fprintf(f, fmt, v);
    fprintf(f, "</b><span>%s</span></div>\n", name);
}

static const char *prob_kind(const tsn_model *m)
{
    if (tsn_model_temperature(m) > 0)
        return "calibrated (softmax of decision values over a temperature fitted by "
               "cross-validation)";
    return tsn_model_has_probabilities(m) ? "logistic regression, not calibrated"
                                          : "squashed SVM scores, not calibrated: not "
                                            "probabilities";
}

static void write_summary(FILE *f, const tsn_model *m, const tsn_dataset *d,
                          const tsn_evaluation *ev, const char *model_name, const char *test_name)
{
    const tsn_metrics *mt = ev->metrics;
    fputs("<h1>Evaluation report</h1>\n<p class=\"sub\">", f);
    put_str(f, model_name);
    fputs(" on ", f);
    put_str(f, test_name);
    fputs("</p>\n<section id=\"summary\">\n<div class=\"cards\">\n", f);
    card(f, "accuracy", "%.4f", tsn_metrics_accuracy(mt));
    card(f, "macro-F1", "%.4f", tsn_metrics_macro_f1(mt));
    card(f, "examples", "%.0f", (double)mt->n);
    card(f, "log-loss", "%.4f", isfinite(ev->log_loss) ? ev->log_loss : 0);
    card(f, "expected calibration error", "%.4f", ev->ece);
    fputs("</div>\n<table class=\"meta\">\n<tr><th>model</th><td>", f);
    put_str(f, model_name);
    fprintf(f, "</td></tr>\n<tr><th>test set</th><td>");
    put_str(f, test_name);
    fprintf(f, " (%s, %zu examples)</td></tr>\n<tr><th>labels</th><td>%zu:",
            tsn_format_name(d->format), d->n, tsn_model_n_labels(m));
    for (size_t k = 0; k < tsn_model_n_labels(m); k++) {
        fputs(k ? ", <bdi>" : " <bdi>", f);
        put_label(f, m, k);
        fputs("</bdi>", f);
    }
    const tsn_config *cfg = tsn_model_config(m);
    fprintf(f,
            "</td></tr>\n<tr><th>input</th><td>%s</td></tr>\n"
            "<tr><th>features</th><td>%zu (%s)</td></tr>\n"
            "<tr><th>probabilities</th><td>%s</td></tr>\n</table>\n</section>\n",
            tsn_model_is_pair(m) ? "claim + text pairs" : "single texts",
            tsn_model_n_features(m), cfg->hash_buckets > 0 ? "hash buckets" : "vocabulary",
            prob_kind(m));
}

/* ---- Confusion matrix ---- */

/* A heatmap colour for a row share r in [0, 1]: near-white to dark blue. */
static void put_heat(FILE *f, double r)
{
    static const double lo[3] = {247, 251, 255}, hi[3] = {8, 48, 107};
    int c[3];
    for (int i = 0; i < 3; i++)
        c[i] = (int)lround(lo[i] + (hi[i] - lo[i]) * r);
    fprintf(f, "#%02x%02x%02x", c[0], c[1], c[2]);
}

static void write_confusion(FILE *f, const tsn_model *m, const tsn_metrics *mt)
{
    size_t K = mt->n_labels;
    double cell = K <= 4 ? 76 : K <= 8 ? 56 : K <= 16 ? 36 : 24;
    double lw = label_width(m);
    bool rotate = lw > cell - 8;
    double left = 34 + lw + 8, top = 28 + (rotate ? lw * 0.72 + 8 : 18);
    double right = rotate ? lw * 0.72 + 12 : 12;
    double W = left + cell * (double)K + right, H = top + cell * (double)K + 12;
    fputs("<section id=\"confusion\">\n<h2>Confusion matrix</h2>\n<p class=\"sub\">Rows: gold "
          "label; columns: predicted label. Colour: the share of the row (its recall on the "
          "diagonal); the number is the count of examples.</p>\n",
          f);
    fprintf(f, "<svg class=\"confusion\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
               "role=\"img\" aria-label=\"confusion matrix\">\n",
            W, H, W, H);
    fprintf(f, "<text x=\"%.1f\" y=\"14\" text-anchor=\"middle\" font-weight=\"600\">predicted"
               "</text>\n",
            left + cell * (double)K / 2);
    fprintf(f, "<text transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\" "
               "font-weight=\"600\">gold</text>\n",
            top + cell * (double)K / 2);
    for (size_t k = 0; k < K; k++) {
        double cx = left + cell * ((double)k + 0.5), cy = top + cell * ((double)k + 0.5);
        if (rotate)
            fprintf(f, "<text transform=\"translate(%.1f %.1f) rotate(-45)\">", cx - 3, top - 6);
        else
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", cx, top - 8);
        put_axis_label(f, m, k);
        fprintf(f, "</text>\n<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" text-anchor=\"end\">",
                left - 8, cy);
        put_axis_label(f, m, k);
        fputs("</text>\n", f);
    }
    for (size_t g = 0; g < K; g++) {
        size_t row = 0;
        for (size_t p = 0; p < K; p++)
            row += mt->confusion[g * K + p];
        for (size_t p = 0; p < K; p++) {
            size_t n = mt->confusion[g * K + p];
            double r = ratio(n, row), x = left + cell * (double)p, y = top + cell * (double)g;
            fprintf(f, "<rect class=\"cm-cell\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"%.1f\" fill=\"",
                    x, y, cell, cell);
            put_heat(f, r);
            fprintf(f, "\" stroke=\"%s\" stroke-width=\"%s\"><title>gold ",
                    g == p ? "#1d2430" : "#ffffff", g == p ? "1.5" : "1");
            put_label(f, m, g);
            fputs(", predicted ", f);
            put_label(f, m, p);
            fprintf(f, ": %zu of %zu (%.1f%%)</title></rect>\n", n, row, 100 * r);
            char num[32];
            int digits = snprintf(num, sizeof num, "%zu", n);
            double fs = fmin(cell * 0.3, (cell - 4) / (0.62 * digits));
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" text-anchor=\"middle\" "
                       "font-size=\"%.1f\" fill=\"%s\"%s>%s</text>\n",
                    x + cell / 2, y + cell / 2, fs < 6 ? 6 : fs, r > 0.5 ? "#ffffff" : "#1d2430",
                    g == p ? " font-weight=\"700\"" : "", num);
        }
    }
    fputs("</svg>\n</section>\n", f);
}

/* ---- Per-label scores ---- */

static void write_label_scores(FILE *f, const tsn_model *m, const tsn_metrics *mt)
{
    static const char *names[3] = {"precision", "recall", "F1"};
    static const char *colours[3] = {"#4c78a8", "#f58518", "#54a24b"};
    size_t K = mt->n_labels;
    double bar = 12, gap = 2, group = 3 * bar + 2 * gap + 16, plot = 400;
    double left = 16 + label_width(m), top = 46, W = left + plot + 116;
    double H = top + group * (double)K + 4;
    fputs("<section id=\"labels\">\n<h2>Precision, recall and F1 by label</h2>\n"
          "<div class=\"row\">\n",
          f);
    fprintf(f, "<svg class=\"label-scores\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
               "height=\"%.0f\" role=\"img\" aria-label=\"per-label precision, recall and F1\">\n",
            W, H, W, H);
    for (int j = 0; j < 3; j++) /* legend */
        fprintf(f, "<rect x=\"%.1f\" y=\"4\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                   "<text x=\"%.1f\" y=\"13\">%s</text>\n",
                left + 100.0 * j, colours[j], left + 100.0 * j + 14, names[j]);
    for (int t = 0; t <= 4; t++) { /* grid and scale */
        double x = left + plot * t / 4;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e1e5ea\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#5b6472\">%.2f"
                   "</text>\n",
                x, top - 6, x, H - 4, x, top - 10, t / 4.0);
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#5b6472\">support</text>\n", left + plot + 64,
            top - 10);
    for (size_t k = 0; k < K; k++) {
        tsn_label_score s = tsn_metrics_label(mt, k);
        double v[3] = {s.precision, s.recall, s.f1}, y0 = top + group * (double)k;
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" text-anchor=\"end\">", left - 8,
                y0 + 1.5 * bar + gap);
        put_axis_label(f, m, k);
        fputs("</text>\n", f);
        for (int j = 0; j < 3; j++) {
            double y = y0 + j * (bar + gap), w = plot * (isfinite(v[j]) ? v[j] : 0);
            fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                       "fill=\"%s\"><title>",
                    left, y, w, bar, colours[j]);
            put_label(f, m, k);
            fprintf(f, " %s %.4f</title></rect><text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" "
                       "font-size=\"11\">%.4f</text>\n",
                    names[j], v[j], left + w + 4, y + bar / 2, v[j]);
        }
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" class=\"support\">%zu</text>\n",
                left + plot + 64, y0 + 1.5 * bar + gap, s.support);
    }
    fputs("</svg>\n<table>\n<tr><th>label</th><th class=\"num\">precision</th>"
          "<th class=\"num\">recall</th><th class=\"num\">F1</th><th class=\"num\">support</th>"
          "</tr>\n",
          f);
    for (size_t k = 0; k < K; k++) {
        tsn_label_score s = tsn_metrics_label(mt, k);
        fputs("<tr><td dir=\"auto\">", f);
        put_label(f, m, k);
        fprintf(f, "</td><td class=\"num\">%.4f</td><td class=\"num\">%.4f</td>"
                   "<td class=\"num\">%.4f</td><td class=\"num\">%zu</td></tr>\n",
                s.precision, s.recall, s.f1, s.support);
    }
    fputs("</table>\n</div>\n</section>\n", f);
}

/* ---- Reliability diagram and coverage curve ---- */

/* Axes of a unit-square plot at (L, T), w by h: frame, grid every `step`, tick labels. */
static void unit_axes(FILE *f, double L, double T, double w, double h, double step,
                      const char *xname, const char *yname)
{
    for (double v = 0; v <= 1.0001; v += step) {
        double x = L + w * v, y = T + h * (1 - v);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e6e9ee\"/>"
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e6e9ee\"/>\n",
                x, T, x, T + h, L, y, L + w, y);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#5b6472\">%.1f"
                   "</text><text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" text-anchor=\"end\" "
                   "fill=\"#5b6472\">%.1f</text>\n",
                x, T + h + 15, v, L - 6, y, v);
    }
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
               "stroke=\"#8a94a3\"/>\n",
            L, T, w, h);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", L + w / 2,
            T + h + 32, xname);
    fprintf(f, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"middle\">%s"
               "</text>\n",
            L - 36, T + h / 2, yname);
}

static void write_reliability(FILE *f, const tsn_model *m, const tsn_evaluation *ev)
{
    double L = 52, T = 30, S = 300, W = L + S + 20, H = T + S + 70;
    fputs("<section id=\"calibration\">\n<h2>Calibration</h2>\n<p class=\"sub\">Reliability "
          "diagram: the examples in 10 equal-width bins of their top probability (the "
          "confidence); each bar is the accuracy in its bin, the red band its gap to the mean "
          "confidence there, the dashed diagonal perfect calibration. Below each bin, its "
          "number of examples.</p>\n",
          f);
    fprintf(f, "<p><b>Expected calibration error: %.4f</b> (mean |accuracy &#8722; confidence| "
               "over the bins, weighted by their examples); log-loss %.4f.</p>\n",
            ev->ece, isfinite(ev->log_loss) ? ev->log_loss : 0);
    fputs("<div class=\"row\">\n", f);
    fprintf(f, "<svg class=\"reliability\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
               "height=\"%.0f\" role=\"img\" aria-label=\"reliability diagram\">\n",
            W, H, W, H);
    fprintf(f, "<text x=\"%.1f\" y=\"18\" font-weight=\"600\">ECE %.4f</text>\n", L, ev->ece);
    unit_axes(f, L, T, S, S, 0.2, "confidence (top probability)", "accuracy");
    for (int b = 0; b < 10; b++) {
        double x = L + S * b / 10.0, bw = S / 10.0;
        fprintf(f, "<text class=\"bin-count\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                   "font-size=\"10\" fill=\"#5b6472\">%zu</text>\n",
                x + bw / 2, T + S + 48, ev->bin_n[b]);
        if (ev->bin_n[b] == 0)
            continue;
        double acc = ev->bin_hits[b] / (double)ev->bin_n[b];
        double conf = ev->bin_conf[b] / (double)ev->bin_n[b];
        double ya = T + S * (1 - acc), yc = T + S * (1 - conf);
        fprintf(f, "<rect class=\"rel-bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                   "height=\"%.1f\" fill=\"#4c78a8\"><title>confidence %.1f-%.1f: %zu examples, "
                   "accuracy %.4f, mean confidence %.4f</title></rect>\n",
                x + 2, ya, bw - 4, T + S - ya, b / 10.0, (b + 1) / 10.0, ev->bin_n[b], acc, conf);
        fprintf(f, "<rect class=\"rel-gap\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                   "fill=\"#e45756\" fill-opacity=\"0.35\" stroke=\"#e45756\"/>\n",
                x + 2, fmin(ya, yc), bw - 4, fabs(ya - yc));
    }
    fprintf(f, "<line class=\"diagonal\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
               "stroke=\"#1d2430\" stroke-dasharray=\"5 4\"/>\n",
            L, T + S, L + S, T);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\" "
               "fill=\"#5b6472\">n</text>\n</svg>\n",
            L - 6, T + S + 48);
    fputs("<table>\n<tr><th>confidence</th><th class=\"num\">examples</th>"
          "<th class=\"num\">accuracy</th><th class=\"num\">mean confidence</th>"
          "<th class=\"num\">gap</th></tr>\n",
          f);
    for (int b = 0; b < 10; b++) {
        fprintf(f, "<tr><td>%.1f&#8211;%.1f</td><td class=\"num\">%zu</td>", b / 10.0,
                (b + 1) / 10.0, ev->bin_n[b]);
        if (ev->bin_n[b] == 0) {
            fputs("<td class=\"num\">&#8212;</td><td class=\"num\">&#8212;</td>"
                  "<td class=\"num\">&#8212;</td></tr>\n",
                  f);
            continue;
        }
        double acc = ev->bin_hits[b] / (double)ev->bin_n[b];
        double conf = ev->bin_conf[b] / (double)ev->bin_n[b];
        fprintf(f, "<td class=\"num\">%.4f</td><td class=\"num\">%.4f</td>"
                   "<td class=\"num\">%+.4f</td></tr>\n",
                acc, conf, acc - conf);
    }
    fputs("</table>\n</div>\n", f);
    if (!tsn_model_has_probabilities(m) && tsn_model_temperature(m) <= 0)
        fputs("<p class=\"note\">This model's scores are squashed SVM decision values, not "
              "probabilities: calibrate it (train --calibrate) before trusting them.</p>\n",
              f);
    fputs("</section>\n", f);
}

/* covered[s] and hits[s]: examples whose top probability is at least s / CURVE_STEPS, and the
 * right ones among them (o sorted by falling probability). */
static void coverage(const outcome *o, size_t n, size_t *covered, size_t *hits)
{
    size_t j = 0, h = 0;
    for (int s = CURVE_STEPS; s >= 0; s--) {
        double t = s / (double)CURVE_STEPS;
        for (; j < n && o[j].prob >= t; j++)
            h += o[j].best == o[j].gold;
        covered[s] = j;
        hits[s] = h;
    }
}

static void write_coverage(FILE *f, const outcome *o, size_t n)
{
    size_t covered[CURVE_STEPS + 1], hits[CURVE_STEPS + 1];
    coverage(o, n, covered, hits);
    double L = 52, T = 14, w = 480, h = 280, W = L + w + 96, H = T + h + 44;
    fputs("<section id=\"coverage\">\n<h2>Accuracy and coverage by probability threshold</h2>\n"
          "<p class=\"sub\">With <code>--min-prob</code> <i>t</i>, answers whose top probability "
          "is below <i>t</i> are withheld: coverage is the share of examples still answered, "
          "accuracy is measured on those.</p>\n",
          f);
    fputs("<div class=\"row\">\n", f);
    fprintf(f, "<svg class=\"coverage\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
               "role=\"img\" aria-label=\"accuracy and coverage by threshold\">\n",
            W, H, W, H);
    unit_axes(f, L, T, w, h, 0.1, "threshold (--min-prob)", "share");
    static const char *cls[2] = {"curve-acc", "curve-cov"}, *col[2] = {"#4c78a8", "#f58518"};
    static const char *name[2] = {"accuracy", "coverage"};
    for (int c = 0; c < 2; c++) {
        fprintf(f, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                   "points=\"",
                cls[c], col[c]);
        for (int s = 0; s <= CURVE_STEPS; s++) {
            if (covered[s] == 0 && c == 0)
                break; /* no answers left: accuracy is undefined */
            double v = c == 0 ? ratio(hits[s], covered[s]) : ratio(covered[s], n);
            fprintf(f, "%s%.1f,%.1f", s ? " " : "", L + w * s / CURVE_STEPS, T + h * (1 - v));
        }
        fprintf(f, "\"/>\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\">%s</text>\n",
                L + w + 14, T + 10 + 20.0 * c, L + w + 34, T + 10 + 20.0 * c, col[c],
                L + w + 40, T + 10 + 20.0 * c, name[c]);
    }
    fputs("</svg>\n<table>\n<tr><th class=\"num\">threshold</th><th class=\"num\">answered</th>"
          "<th class=\"num\">coverage</th><th class=\"num\">accuracy</th></tr>\n",
          f);
    static const int rows[] = {0, 50, 60, 70, 80, 90, 95, 99};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        int s = rows[r];
        fprintf(f, "<tr><td class=\"num\">%.2f</td><td class=\"num\">%zu</td>"
                   "<td class=\"num\">%.4f</td><td class=\"num\">",
                s / (double)CURVE_STEPS, covered[s], ratio(covered[s], n));
        if (covered[s] > 0)
            fprintf(f, "%.4f", ratio(hits[s], covered[s]));
        else
            fputs("&#8212;", f);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n</div>\n</section>\n", f);
}

/* ---- Features ---- */

/* A feature string as "kind:" (in grey, left to right) and the n-gram (right to left). */
static void put_feature(FILE *f, const char *s)
{
    const char *colon = strchr(s, ':');
    size_t kind = colon != NULL && colon - s <= 12 ? (size_t)(colon - s) + 1 : 0;
    fputs("<td><span class=\"kind\">", f);
    put_text(f, s, kind);
    fputs("</span></td><td dir=\"rtl\" lang=\"ar\" class=\"ar\">", f);
    put_str(f, s + kind);
    fputs("</td>", f);
}

static tsn_status write_features(FILE *f, const tsn_model *m, tsn_error *err)
{
    fputs("<section id=\"features\">\n<h2>Top features by label</h2>\n", f);
    const tsn_config *cfg = tsn_model_config(m);
    if (cfg->hash_buckets > 0) {
        fprintf(f, "<p class=\"note\">This model uses feature hashing (%zu buckets): it keeps no "
                   "feature strings, so its heaviest features cannot be shown.</p>\n</section>\n",
                (size_t)cfg->hash_buckets);
        return TSN_OK;
    }
    fprintf(f, "<p class=\"sub\">The %d heaviest positive weights of each label (as "
               "<code>tasnif info -k</code> lists them). Kinds: <code>w:</code> words, "
               "<code>s:</code> stems, <code>c:</code> character n-grams (&lt; and &gt; mark "
               "word boundaries), <code>claim.</code> features of the claim.</p>\n"
               "<div class=\"grid\">\n",
            REPORT_FEATURES);
    tsn_contrib tc[REPORT_FEATURES];
    for (size_t k = 0; k < tsn_model_n_labels(m); k++) {
        size_t n;
        tsn_status st = tsn_model_top_features(m, k, tc, REPORT_FEATURES, &n, err);
        if (st != TSN_OK)
            return st;
        fputs("<div>\n<h3 dir=\"auto\">", f);
        put_label(f, m, k);
        fputs("</h3>\n<table class=\"wide\">\n", f);
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "<tr><td class=\"num\">%+.4f</td>", tc[i].contribution);
            put_feature(f, tc[i].feature);
            fputs("</tr>\n", f);
        }
        if (n == 0)
            fputs("<tr><td class=\"note\">no feature with a positive weight</td></tr>\n", f);
        fputs("</table>\n</div>\n", f);
    }
    fputs("</div>\n</section>\n", f);
    return TSN_OK;
}

/* ---- Mistakes ---- */

static void write_mistakes(FILE *f, const tsn_model *m, const tsn_dataset *d, const outcome *o)
{
    bool pair = tsn_model_is_pair(m);
    size_t wrong = 0;
    for (size_t i = 0; i < d->n; i++)
        wrong += o[i].best != o[i].gold;
    fprintf(f, "<section id=\"mistakes\">\n<h2>Most confident mistakes</h2>\n<p class=\"sub\">"
               "%zu of %zu examples are labeled wrong",
            wrong, d->n);
    if (wrong == 0) {
        fputs(".</p>\n</section>\n", f);
        return;
    }
    if (wrong > REPORT_MISTAKES)
        fprintf(f, "; the %d with the most probable wrong answer:</p>\n", REPORT_MISTAKES);
    else
        fputs(", most probable wrong answer first:</p>\n", f);
    fprintf(f, "<table class=\"wide mistakes\">\n<tr><th class=\"num\">#</th><th>line</th>"
               "<th>gold</th><th>predicted</th><th class=\"num\">prob</th>"
               "<th class=\"num\">p(gold)</th>%s<th class=\"r\">text</th></tr>\n",
            pair ? "<th class=\"r\">claim</th>" : "");
    for (size_t i = 0, shown = 0; i < d->n && shown < REPORT_MISTAKES; i++) {
        if (o[i].best == o[i].gold)
            continue;
        const tsn_example *ex = &d->v[o[i].i];
        fprintf(f, "<tr><td class=\"num\">%zu</td><td class=\"num\">", ++shown);
        if (ex->line > 0)
            fprintf(f, "%zu", ex->line);
        else
            put_str(f, ex->source);
        fputs("</td><td dir=\"auto\">", f);
        put_label(f, m, o[i].gold);
        fputs("</td><td dir=\"auto\">", f);
        put_label(f, m, o[i].best);
        fprintf(f, "</td><td class=\"num\">%.4f</td><td class=\"num\">%.4f</td>", o[i].prob,
                o[i].gold_prob);
        if (pair) {
            fputs("<td dir=\"rtl\" lang=\"ar\" class=\"ar\">", f);
            if (ex->claim != NULL)
                put_cut(f, ex->claim, ex->claim_len, REPORT_TEXT_MAX);
            fputs("</td>", f);
        }
        fputs("<td dir=\"rtl\" lang=\"ar\" class=\"ar\">", f);
        put_cut(f, ex->text, ex->text_len, REPORT_TEXT_MAX);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n</section>\n", f);
}

/* ---- Scoring ---- */

/* Falling probability; ties in dataset order, so the page is deterministic. */
static int by_confidence(const void *a, const void *b)
{
    const outcome *x = a, *y = b;
    if (x->prob != y->prob)
        return x->prob > y->prob ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Every example's outcome into a new array (*out, released with free()), by falling
 * probability. The labels are known to the model: tsn_evaluate() checked them. */
static tsn_status score_all(const tsn_model *m, const tsn_dataset *d, outcome **out,
                            tsn_error *err)
{
    tsn_status st = TSN_OK;
    outcome *o = calloc(d->n ? d->n : 1, sizeof *o);
    double *probs = calloc(tsn_model_n_labels(m), sizeof *probs);
    tsn_scorer *sc = tsn_scorer_new(m, err);
    if (sc == NULL) {
        st = err ? err->code : TSN_ERR_NOMEM;
        goto done;
    }
    if (o == NULL || probs == NULL) {
        st = tsn_error_set(err, TSN_ERR_NOMEM, "report: out of memory");
        goto done;
    }
    for (size_t i = 0; i < d->n; i++) {
        const tsn_example *ex = &d->v[i];
        tsn_doc doc = {ex->text, ex->text_len, ex->claim, ex->claim_len};
        size_t best;
        if ((st = tsn_scorer_predict(sc, &doc, probs, &best, err)) != TSN_OK) {
            tsn_error_prefix(err, "%s:%zu", ex->source, ex->line);
            goto done;
        }
        int gold = tsn_model_find_label(m, ex->label);
        size_t g = gold < 0 ? best : (size_t)gold;
        o[i] = (outcome){i, g, best, probs[best], probs[g]};
    }
    qsort(o, d->n, sizeof *o, by_confidence);
done:
    free(probs);
    tsn_scorer_free(sc);
    if (st != TSN_OK) {
        free(o);
        o = NULL;
    }
    *out = o;
    return st;
}

/* ---- Public API ---- */

tsn_status tsn_write_report(FILE *f, const tsn_model *m, const tsn_dataset *d,
                            const char *model_name, const char *test_name, tsn_error *err)
{
    if (tsn_model_multi_label(m))
        return tsn_error_set(err, TSN_ERR_ARG,
                             "the report is for single-label models; for a multi-label model "
                             "use eval (--json)");
    tsn_evaluation ev;
    tsn_status st = tsn_evaluate(m, d, 0, &ev, err);
    if (st != TSN_OK)
        return st;
    outcome *o = NULL;
    if ((st = score_all(m, d, &o, err)) != TSN_OK)
        goto done;
    write_head(f, model_name, test_name);
    write_summary(f, m, d, &ev, model_name, test_name);
    write_confusion(f, m, ev.metrics);
    write_label_scores(f, m, ev.metrics);
    write_reliability(f, m, &ev);
    write_coverage(f, o, d->n);
    if ((st = write_features(f, m, err)) != TSN_OK)
        goto done;
    write_mistakes(f, m, d, o);
    fputs("<p class=\"note\">Written by tasnif " TSN_VERSION ".</p>\n</main>\n</body>\n</html>\n",
          f);
    if (ferror(f))
        st = tsn_error_set(err, TSN_ERR_IO, "report: write error");
done:
    free(o);
    tsn_evaluation_release(&ev);
    return st;
}
