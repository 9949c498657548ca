/* http.c -- `tasnif serve`'s HTTP server: libmicrohttpd with a thread pool; see http.h. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct tsn_http {
    struct MHD_Daemon *d;
    tsn_http_handler h;
    void *ctx;
    size_t max_body;
    int port;
};

/* One request's state while its body arrives. */
typedef struct {
    char *buf;
    size_t len, cap;
    bool too_large;
} pending;

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    pending *p = *con_cls;
    if (p != NULL) {
        free(p->buf);
        free(p);
        *con_cls = NULL;
    }
}

static enum MHD_Result reply(struct MHD_Connection *c, const tsn_http_response *rs)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(rs->len, rs->body,
                                                             MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(rs->body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", rs->content_type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ok;
}

/* Hands the request, with the body in p, to the handler and queues its response. */
static enum MHD_Result answer(tsn_http *s, struct MHD_Connection *c, const char *url,
                              const char *method, const pending *p)
{
    char path[1024];
    size_t k = strcspn(url, "?");
    snprintf(path, sizeof path, "%.*s", (int)(k < sizeof path - 1 ? k : sizeof path - 1), url);
    tsn_http_request rq = {method, path, p->too_large ? NULL : (p->buf ? p->buf : ""),
                           p->too_large ? 0 : p->len, p->too_large};
    tsn_http_response rs = {500, "application/json; charset=utf-8", NULL, 0};
    s->h(s->ctx, &rq, &rs);
    if (rs.body == NULL) {
        static const char oom[] = "{\"error\":\"internal\",\"detail\":\"out of memory\"}";
        rs.status = 500;
        rs.body = strdup(oom);
        rs.len = rs.body ? strlen(oom) : 0;
        if (rs.body == NULL)
            return MHD_NO;
    }
    return reply(c, &rs);
}

/* True when the request announces a Content-Length above max: then none of its body is kept. */
static bool announced_too_large(struct MHD_Connection *c, size_t max)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (v == NULL || *v < '0' || *v > '9')
        return false; /* absent or malformed: libmicrohttpd's concern, the body is counted */
    errno = 0;
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    return errno == ERANGE || n > max;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **con_cls)
{
    (void)version;
    tsn_http *s = cls;
    pending *p = *con_cls;
    if (p == NULL) { /* the headers: make room for the body */
        if ((p = calloc(1, sizeof *p)) == NULL)
            return MHD_NO;
        *con_cls = p;
        if (!announced_too_large(c, s->max_body))
            return MHD_YES;
        p->too_large = true;
        /* A client that waits for "100 Continue" is answered now and never sends the body.
         * One that sends it regardless has it read and dropped, answered at its end: closing
         * the connection with the body unread would reset it, and the client could lose the
         * answer. */
        const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_EXPECT);
        return expect != NULL && strcasecmp(expect, "100-continue") == 0
                   ? answer(s, c, url, method, p)
                   : MHD_YES;
    }
    if (*upload_data_size > 0) { /* a piece of the body */
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (p->too_large || p->len + n > s->max_body) {
            p->too_large = true; /* read on, keep nothing */
            free(p->buf);
            p->buf = NULL;
            p->len = p->cap = 0;
            return MHD_YES;
        }
        if (p->len + n + 1 > p->cap) {
            size_t cap = p->cap ? p->cap : 4096;
            while (cap < p->len + n + 1)
                cap *= 2;
            char *b = realloc(p->buf, cap);
            if (b == NULL)
                return MHD_NO;
            p->buf = b;
            p->cap = cap;
        }
        memcpy(p->buf + p->len, upload_data, n);
        p->len += n;
        p->buf[p->len] = '\0';
        return MHD_YES;
    }
    return answer(s, c, url, method, p); /* the whole request is here */
}

tsn_http *tsn_http_start(const char *host, int port, int threads, size_t max_body,
                         unsigned timeout, tsn_http_handler h, void *ctx, tsn_error *err)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        tsn_error_set(err, TSN_ERR_ARG, "--listen: \"%s\" is not an IPv4 address", host);
        return NULL;
    }
    tsn_http *s = calloc(1, sizeof *s);
    if (s == NULL) {
        tsn_error_set(err, TSN_ERR_NOMEM, "out of memory");
        return NULL;
    }
    s->h = h;
    s->ctx = ctx;
    s->max_body = max_body;
    s->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC, (uint16_t)port, NULL,
        NULL, access_cb, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 1),
        MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_LIMIT, 4096u,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
    if (s->d == NULL) {
        tsn_error_set(err, TSN_ERR_IO, "cannot listen on %s:%d (in use, or not allowed)", host,
                      port);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = i != NULL ? (int)i->port : port;
    return s;
}

int tsn_http_port(const tsn_http *s)
{
    return s->port;
}

void tsn_http_stop(tsn_http *s, unsigned grace)
{
    if (s == NULL)
        return;
    MHD_socket ls = MHD_quiesce_daemon(s->d); /* no new connections; open ones go on */
    if (ls != MHD_INVALID_SOCKET)
        close(ls); /* quiescing hands the listening socket to the caller */
    struct timespec step = {0, 20 * 1000 * 1000};
    for (unsigned t = 0; t < grace * 50; t++) {
        const union MHD_DaemonInfo *i =
            MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (i == NULL || i->num_connections == 0)
            break;
        nanosleep(&step, NULL);
    }
    MHD_stop_daemon(s->d);
    free(s);
}
