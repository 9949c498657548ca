/* fuzz_model.c -- the model loader on arbitrary bytes, then a prediction with what it loaded.
 *
 * The harness appends a correct "checksum" line to the input, so the fuzzer explores the
 * parser behind the checksum (section sizes, the JSON metadata, the vocabulary, the weights)
 * rather than only the checksum test. Seeds are real models with their checksum line removed.
 * A model that loads must then classify, explain and list top features without faults.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char line[32];
    int k = snprintf(line, sizeof line, "checksum %016llx\n",
                     (unsigned long long)tsn_hash(data, size));
    /* Exactly the file's bytes, no NUL after them (a mapped file has none either). */
    char *buf = malloc(size + (size_t)k);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    memcpy(buf + size, line, (size_t)k);
    tsn_error err;
    tsn_model *m = tsn_model_parse(buf, size + (size_t)k, "fuzz", &err);
    free(buf);
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("FUZZ_VERBOSE") != NULL;
    if (verbose)
        fprintf(stderr, "%s\n", m != NULL ? "loaded" : err.msg);
    if (m == NULL)
        return 0;
    static const char text[] = "نفت الوزارة الاتهامات 2024 وقالت إنها \"لا أساس لها\" #خبر";
    static const char claim[] = "الوزارة متهمة";
    tsn_doc doc = {text, sizeof text - 1, NULL, 0};
    if (tsn_model_is_pair(m)) {
        doc.claim = claim;
        doc.claim_len = sizeof claim - 1;
    }
    size_t nl = tsn_model_n_labels(m), best = 0;
    double *probs = calloc(nl ? nl : 1, sizeof *probs);
    tsn_contrib top[8];
    size_t n;
    if (probs != NULL && tsn_model_predict(m, &doc, probs, &best, &err) == TSN_OK) {
        if (best >= nl)
            abort();
        tsn_model_explain(m, &doc, best, top, 8, &n, &err);
    }
    tsn_model_top_features(m, 0, top, 8, &n, &err);
    free(probs);
    tsn_model_free(m);
    return 0;
}
