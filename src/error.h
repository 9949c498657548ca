/* error.h -- status codes and error records shared by every tasnif module.
 *
 * Library functions never print or exit: a fallible function returns tsn_status (or NULL
 * for a constructor) and fills the optional tsn_error * passed last, with a message that
 * carries the context (file, line, ICU error name). Only main.c prints and picks exit codes.
 */
#ifndef TSN_ERROR_H
#define TSN_ERROR_H

typedef enum {
    TSN_OK = 0,
    TSN_ERR_NOMEM,   /* allocation failed */
    TSN_ERR_IO,      /* open/read/write failed; msg carries strerror(errno) */
    TSN_ERR_FORMAT,  /* malformed input line, config or model file */
    TSN_ERR_UNICODE, /* invalid UTF-8 (strict mode) or an ICU failure */
    TSN_ERR_MODEL,   /* model does not match this build, or is corrupt */
    TSN_ERR_ARG,     /* invalid option value or parameter */
    TSN_ERR_DATA     /* data that cannot be trained on or evaluated (e.g. one class) */
} tsn_status;

typedef struct {
    tsn_status code;
    char msg[512];
} tsn_error;

/* Formats msg into *err (if err != NULL) and returns code, so callers can `return` it. */
tsn_status tsn_error_set(tsn_error *err, tsn_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes "prefix: " to err->msg (keeps the code). Returns err->code, or TSN_OK for NULL. */
tsn_status tsn_error_prefix(tsn_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A constant description of a status code ("out of memory", ...). */
const char *tsn_strerror(tsn_status code);

#endif
