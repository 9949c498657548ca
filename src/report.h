/* report.h -- a model's evaluation on a labeled test set as one self-contained HTML page:
 * headline metrics, a confusion-matrix heatmap, per-label precision/recall/F1 bars, a
 * reliability diagram, the accuracy/coverage curve over a probability threshold, each label's
 * heaviest features and the most confident mistakes.
 *
 * The page needs nothing beyond itself: CSS and SVG are inline, there is no script, no font,
 * no link and no URL, so it can be mailed or archived as it is. Every text from the data or
 * the model is HTML-escaped (invalid UTF-8 shows as U+FFFD); documents and features sit in
 * dir="rtl" lang="ar" elements inside a left-to-right page. The output is deterministic (no
 * date): the same model and test set give the same bytes.
 * Ownership: every pointer is borrowed for the call.
 */
#ifndef TSN_REPORT_H
#define TSN_REPORT_H

#include <stdio.h>

#include "dataset.h"
#include "error.h"
#include "model.h"

/* Scores m on every example of d and writes the report to f. model_name and test_name are
 * shown as given (the user's names for the model and the test set). Fails as tsn_evaluate()
 * does (a label the model never saw, pair examples for a single-text model, naming the line),
 * on memory, and with TSN_ERR_IO when f reports a write error; f may then hold part of a page,
 * so write to a temporary file and rename it once this succeeds. */
tsn_status tsn_write_report(FILE *f, const tsn_model *m, const tsn_dataset *d,
                            const char *model_name, const char *test_name, tsn_error *err);

#endif
