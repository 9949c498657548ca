/* reqbody.h -- the JSON body of a request to `tasnif serve` (reqbody.c): parsed into one
 * cJSON object after the checks cJSON does not make, and its members read. A refusal comes
 * back as the HTTP status, error code and detail that serve answers with.
 * Ownership: tsn_body_parse -> cJSON_Delete; strings are views into the object. */
#ifndef TSN_REQBODY_H
#define TSN_REQBODY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int status;        /* 400 or 413 */
    const char *error; /* a static code: "bad_json", "invalid_utf8", "too_many_documents", ... */
    char detail[192];
} tsn_body_error;

/* body[0..len) as one JSON object; NULL with *e set when it is not valid UTF-8, holds a NUL
 * byte or a \u escape cJSON would read as U+0000, has data after the object, or holds more
 * than max_docs documents in a top-level "texts" or "docs" array (or more values than 16 a
 * document: cJSON spends a node on each, so they are counted before it parses). */
cJSON *tsn_body_parse(const char *body, size_t len, size_t max_docs, tsn_body_error *e);

/* The optional integer member key of j, from 0 to max (def when absent), into *out; false
 * with *e set when it is anything else. */
bool tsn_body_int(const cJSON *j, const char *key, int def, int max, int *out,
                  tsn_body_error *e);

/* The string member key of j, or NULL when absent or null; NULL with *bad and *e set when it
 * is of another type. */
const char *tsn_body_str(const cJSON *j, const char *key, bool *bad, tsn_body_error *e);

/* v, a document's numeric id, into out as classify echoes it: a JSON number. cJSON keeps only
 * the double, not the source text classify copies, so an integer is exact up to 2^53 and any
 * other number is the shortest of 15 to 17 significant digits that reads back as v (0.1
 * stays 0.1). False for inf or nan (1e400), which JSON has no number for. */
bool tsn_body_id_number(double v, char *out, size_t cap);

#endif
