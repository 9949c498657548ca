/* fileio.h -- reading a whole file or stream into memory, with a size limit.
 * Ownership: the buffer returned is the caller's, released with free(). */
#ifndef TSN_FILEIO_H
#define TSN_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* Reads all of f into a new buffer, NUL-terminated (*buf, *len without the NUL). `name`
 * names f in messages. More than max bytes: TSN_ERR_FORMAT ("NAME: larger than the limit of
 * MAX bytes"); read failure: TSN_ERR_IO; TSN_ERR_NOMEM. f is not closed. */
tsn_status tsn_read_stream(FILE *f, const char *name, size_t max, char **buf, size_t *len,
                           tsn_error *err);
/* The same for the file at path (opened and closed here). */
tsn_status tsn_read_path(const char *path, size_t max, char **buf, size_t *len,
                         tsn_error *err);

#endif
