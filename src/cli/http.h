/* http.h -- a small HTTP/1.1 server for `tasnif serve`, over libmicrohttpd (the only file
 * that includes microhttpd.h).
 *
 * A fixed pool of threads accepts connections and calls one handler per complete request,
 * with the whole body in memory. Bodies larger than max_body are read and dropped, not kept:
 * the handler sees `too_large` and no body, so a 100 MB upload costs no memory. One whose
 * Content-Length passes max_body is known too large from its headers: none of it is kept,
 * and a client waiting for "100 Continue" is answered at once, before it sends any. Connections
 * idle for `timeout` seconds (slow clients) are closed by the library.
 * Ownership: tsn_http_start() -> tsn_http_stop(); the handler allocates a response body
 * with malloc() and the server frees it once sent.
 */
#ifndef TSN_CLI_HTTP_H
#define TSN_CLI_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef struct {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* the URL's path, without the query */
    const char *body;   /* NUL-terminated copy of the body (NULL when too_large) */
    size_t body_len;
    bool too_large; /* the body passed max_body and was dropped */
} tsn_http_request;

typedef struct {
    int status;
    const char *content_type; /* static string */
    char *body;               /* malloc()ed; the server frees it */
    size_t len;
} tsn_http_response;

/* Fills *rs for *rq; called on the server's threads, concurrently. */
typedef void (*tsn_http_handler)(void *ctx, const tsn_http_request *rq, tsn_http_response *rs);

typedef struct tsn_http tsn_http; /* opaque */

/* Listens on host:port (port 0: an ephemeral port, see tsn_http_port) with `threads` threads.
 * NULL with *err set when the address cannot be used. */
tsn_http *tsn_http_start(const char *host, int port, int threads, size_t max_body,
                         unsigned timeout, tsn_http_handler h, void *ctx, tsn_error *err);
int tsn_http_port(const tsn_http *s); /* the port it listens on */
/* Stops accepting connections, waits up to `grace` seconds for the requests in flight to
 * finish, then stops and frees the server. NULL is a no-op. */
void tsn_http_stop(tsn_http *s, unsigned grace);

#endif
