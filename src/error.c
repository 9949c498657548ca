/* error.c -- tsn_error helpers. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

tsn_status tsn_error_set(tsn_error *err, tsn_status code, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

tsn_status tsn_error_prefix(tsn_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return TSN_OK;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[sizeof err->msg];
    memcpy(old, err->msg, sizeof old);
    /* Assembled by hand: the result is cut at the buffer's end, which is fine for a message. */
    size_t pl = strnlen(prefix, sizeof err->msg - 1), ol = strnlen(old, sizeof old - 1);
    size_t room = sizeof err->msg - 1;
    size_t n = 0;
    memcpy(err->msg, prefix, pl);
    n = pl;
    if (n + 2 <= room) {
        memcpy(err->msg + n, ": ", 2);
        n += 2;
    }
    if (ol > room - n)
        ol = room - n;
    memcpy(err->msg + n, old, ol);
    err->msg[n + ol] = '\0';
    return err->code;
}

const char *tsn_strerror(tsn_status code)
{
    switch (code) {
    case TSN_OK: return "success";
    case TSN_ERR_NOMEM: return "out of memory";
    case TSN_ERR_IO: return "input/output error";
    case TSN_ERR_FORMAT: return "malformed input";
    case TSN_ERR_UNICODE: return "invalid text encoding";
    case TSN_ERR_MODEL: return "unusable model";
    case TSN_ERR_ARG: return "invalid argument";
    case TSN_ERR_DATA: return "unusable data";
    }
    return "unknown error";
}
