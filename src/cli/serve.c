/* serve.c -- `tasnif serve`: the models behind an HTTP JSON API and a page, a client of the
 * public library (include/tasnif.h) like any other program.
 *
 * Models are loaded once at start and shared, read-only, by the server's threads: tasnif.h
 * makes a loaded model safe for concurrent classification. A reload (SIGHUP) loads every
 * model anew and swaps the whole set under a write lock, so a request sees either the old
 * set or the new one; a failed reload keeps the old set. SIGTERM and SIGINT stop accepting
 * connections, let the requests in flight finish, and exit 0.
 *
 * Endpoints: POST /v1/classify, POST /v1/label, GET /v1/models, GET /healthz, GET /metrics
 * (Prometheus text), GET / (the page). Errors are JSON {"error", "detail"} with a 4xx status.
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dataset.h"
#include "http.h"
#include "reqbody.h"
#include "model.h"
#include "results.h"
#include "tasnif.h"

extern const unsigned char tsn_serve_page[]; /* serve_page.html, compiled in */

static const char serve_usage[] =
    "tasnif serve [-m NAME=MODEL ...] [--listen HOST:PORT] [--threads N] [--max-body BYTES] "
    "[--max-docs N] [--timeout SECONDS]";

static void serve_help(void)
{
    printf("usage: %s\n\n"
           "Serves models over HTTP with a JSON API, and a page that highlights the\n"
           "attribution and denial sentences of an article.\n\n"
           "  -m, --model NAME=MODEL   serve MODEL (a file or a shipped model's name) as NAME;\n"
           "                           repeatable (default: the shipped stance and topic)\n"
           "      --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; port 0:\n"
           "                           any free port, printed on standard error)\n"
           "      --threads N          worker threads (default: all processors)\n"
           "      --max-body BYTES     largest request body (default 8 MiB; larger: 413)\n"
           "      --max-docs N         most documents in one /v1/classify request (default 1000)\n"
           "      --timeout SECONDS    close connections idle this long, and stop a classify\n"
           "                           request that runs longer (503; default 30)\n"
           "      --help               this help\n\n"
           "Endpoints: POST /v1/classify {\"model\", \"texts\": [...] | \"docs\": [{\"id\", \"text\",\n"
           "\"claim\"}], \"k\", \"explain\"}; POST /v1/label {\"text\", \"stance_model\", \"topic_model\",\n"
           "\"min_prob\"}; GET /v1/models, /healthz, /metrics, / (the page).\n"
           "SIGHUP reloads the models; SIGTERM or SIGINT drain the requests in flight and exit 0.\n",
           serve_usage);
}

/* ---- The models ---- */

typedef struct {
    char *name, *source; /* as served, and the file or shipped name it was loaded from */
    tasnif_model *m;
} served;

typedef struct {
    served *v;
    size_t n;
} model_set;

static void set_free(model_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].name);
        free(s->v[i].source);
        tasnif_model_free(s->v[i].m);
    }
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* Loads every name=source of specs into *out; false with a message in err on any failure. */
static bool set_load(char *const *specs, size_t n, model_set *out, tasnif_error *err)
{
    out->v = calloc(n ? n : 1, sizeof *out->v);
    out->n = 0;
    if (out->v == NULL) {
        snprintf(err->message, sizeof err->message, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(specs[i], '=');
        served *sv = &out->v[out->n];
        sv->name = eq ? strndup(specs[i], (size_t)(eq - specs[i])) : strdup(specs[i]);
        sv->source = strdup(eq ? eq + 1 : specs[i]);
        if (sv->name == NULL || sv->source == NULL) {
            free(sv->name);
            free(sv->source);
            snprintf(err->message, sizeof err->message, "out of memory");
            return false;
        }
        out->n++;
        char buf[4608];
        if ((sv->m = tasnif_load(tsn_model_resolve(sv->source, true, buf, sizeof buf), err)) == NULL)
            return false;
    }
    return true;
}

/* ---- The server's state, shared by its threads ---- */

enum { P_CLASSIFY, P_LABEL, P_MODELS, P_HEALTH, P_METRICS, P_PAGE, P_OTHER, N_PATHS };
static const char *const path_names[N_PATHS] = {"/v1/classify", "/v1/label", "/v1/models",
                                                "/healthz",     "/metrics",  "/",
                                                "other"};
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,   0.25,   0.5,   1,    2.5,   10};
#define N_BUCKETS (sizeof buckets / sizeof buckets[0])

typedef struct {
    pthread_rwlock_t lock; /* models: read for a request, write for a reload */
    model_set models;
    size_t max_docs;
    double timeout; /* seconds a classify request may spend on its documents */
    /* metrics */
    atomic_ulong requests[N_PATHS][6]; /* by status class: 1xx..5xx, index 1..5 */
    atomic_ulong latency_bucket[N_BUCKETS + 1];
    atomic_ulong latency_count, latency_us, documents, bytes_in, bytes_out, reloads,
        reload_failures;
} server;

static server srv;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- Responses ---- */

/* A growing string for response bodies. */
typedef struct {
    char *p;
    size_t n, cap;
    bool bad;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->bad)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->bad = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void puts_(sbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* s as a JSON string */
static void put_json_str(sbuf *b, const char *s)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (f == NULL) {
        b->bad = true;
        return;
    }
    tsn_json_str(f, s);
    fclose(f);
    put(b, out, len);
    free(out);
}

static void respond(tsn_http_response *rs, int status, const char *type, sbuf *b)
{
    if (b->bad) {
        free(b->p);
        rs->body = NULL; /* the server answers 500 out of memory */
        return;
    }
    rs->status = status;
    rs->content_type = type;
    rs->body = b->p ? b->p : strdup("");
    rs->len = b->n;
}

static void fail(tsn_http_response *rs, int status, const char *error, const char *detail)
{
    sbuf b = {0};
    puts_(&b, "{\"error\":");
    put_json_str(&b, error);
    puts_(&b, ",\"detail\":");
    put_json_str(&b, detail);
    puts_(&b, "}");
    respond(rs, status, "application/json; charset=utf-8", &b);
}

static const char JSON[] = "application/json; charset=utf-8";

/* The served model called name, or NULL. Call with the read lock held. */
static tasnif_model *find_model(const char *name)
{
    for (size_t i = 0; i < srv.models.n; i++)
        if (strcmp(srv.models.v[i].name, name) == 0)
            return srv.models.v[i].m;
    return NULL;
}

/* The request body as one JSON object; NULL after answering 400 or 413 (reqbody.h). */
static cJSON *parse_body(const tsn_http_request *rq, tsn_http_response *rs)
{
    tsn_body_error e;
    cJSON *j = tsn_body_parse(rq->body, rq->body_len, srv.max_docs, &e);
    if (j == NULL)
        fail(rs, e.status, e.error, e.detail);
    return j;
}

/* An optional non-negative integer member (default def); false after answering 400. */
static bool int_member(const cJSON *j, const char *key, int def, int max, int *out,
                       tsn_http_response *rs)
{
    tsn_body_error e;
    bool ok = tsn_body_int(j, key, def, max, out, &e);
    if (!ok)
        fail(rs, e.status, e.error, e.detail);
    return ok;
}

/* The string member key of j, or NULL when absent; *bad after answering 400 for a wrong type. */
static const char *str_member(const cJSON *j, const char *key, bool *bad, tsn_http_response *rs)
{
    tsn_body_error e;
    const char *s = tsn_body_str(j, key, bad, &e);
    if (*bad)
        fail(rs, e.status, e.error, e.detail);
    return s;
}

/* ---- Endpoints ---- */

/* POST /v1/classify: {"model", "texts": [...]} or {"model", "docs": [{"id", "text", "claim"}]},
 * "k", "explain" -> {"model", "results": [one classify --format jsonl object per document]} */
static size_t do_classify(const tsn_http_request *rq, tsn_http_response *rs)
{
    cJSON *j = parse_body(rq, rs);
    if (j == NULL)
        return 0;
    bool bad = false;
    int k, explain;
    const char *name = str_member(j, "model", &bad, rs);
    size_t done = 0;
    if (bad || !int_member(j, "k", 1, 1000, &k, rs) ||
        !int_member(j, "explain", 0, 1000, &explain, rs))
        goto out;
    const cJSON *texts = cJSON_GetObjectItemCaseSensitive(j, "texts");
    const cJSON *docs = cJSON_GetObjectItemCaseSensitive(j, "docs");
    const cJSON *list = texts ? texts : docs;
    if (name == NULL) {
        fail(rs, 400, "bad_request", "\"model\" (a served model's name) is required");
        goto out;
    }
    if ((texts == NULL) == (docs == NULL) || !cJSON_IsArray(list)) {
        fail(rs, 400, "bad_request", "give either \"texts\" (strings) or \"docs\" (objects), an array");
        goto out;
    }
    size_t n = (size_t)cJSON_GetArraySize(list);
    if (n > srv.max_docs) {
        char d[128];
        snprintf(d, sizeof d, "%zu documents in one request; at most %zu (--max-docs)", n,
                 srv.max_docs);
        fail(rs, 413, "too_many_documents", d);
        goto out;
    }
    pthread_rwlock_rdlock(&srv.lock);
    tasnif_model *m = find_model(name);
    if (m == NULL) {
        pthread_rwlock_unlock(&srv.lock);
        char d[300];
        snprintf(d, sizeof d, "no model named \"%.200s\" is served (GET /v1/models)", name);
        fail(rs, 404, "unknown_model", d);
        goto out;
    }
    sbuf b = {0};
    puts_(&b, "{\"model\":");
    put_json_str(&b, name);
    puts_(&b, ",\"results\":[");
    size_t i = 0;
    const cJSON *it;
    double deadline = now_s() + srv.timeout;
    cJSON_ArrayForEach(it, list) {
        if (i > 0 && now_s() > deadline) { /* never a worker held for good by one request */
            char d[160];
            snprintf(d, sizeof d, "the request took longer than --timeout (%.0f s) after %zu "
                     "documents; send fewer per request", srv.timeout, i);
            pthread_rwlock_unlock(&srv.lock);
            free(b.p);
            fail(rs, 503, "timeout", d);
            goto out;
        }
        const char *text = NULL, *claim = NULL, *id = NULL;
        char idnum[64];
        bool id_is_number = false;
        if (texts) {
            text = cJSON_IsString(it) ? it->valuestring : NULL;
        } else if (cJSON_IsObject(it)) {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "text");
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "claim");
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(it, "id");
            text = cJSON_IsString(t) ? t->valuestring : NULL;
            claim = cJSON_IsString(c) ? c->valuestring : NULL;
            if (c != NULL && !cJSON_IsString(c) && !cJSON_IsNull(c))
                text = NULL;
            if (cJSON_IsString(d)) {
                id = d->valuestring;
            } else if (cJSON_IsNumber(d)) {
                id_is_number = tsn_body_id_number(d->valuedouble, idnum, sizeof idnum);
                if (!id_is_number) /* as classify writes a number JSON cannot hold */
                    snprintf(idnum, sizeof idnum, "%.17g", d->valuedouble);
                id = idnum;
            }
        }
        char where[64];
        snprintf(where, sizeof where, "%s[%zu]", texts ? "texts" : "docs", i);
        if (text == NULL) {
            char d[160];
            snprintf(d, sizeof d, "%s: %s", where,
                     texts ? "must be a string" : "must be an object with a string \"text\"");
            pthread_rwlock_unlock(&srv.lock);
            free(b.p);
            fail(rs, 400, "bad_request", d);
            goto out;
        }
        if (tasnif_model_is_pair(m) && claim == NULL) {
            char d[400];
            snprintf(d, sizeof d, "%s: model \"%.100s\" classifies claim + text pairs: give "
                     "\"docs\" with a \"claim\"", where, name);
            pthread_rwlock_unlock(&srv.lock);
            free(b.p);
            fail(rs, 422, "claim_required", d);
            goto out;
        }
        tasnif_error err;
        char *json = tasnif_classify_json(m, text, strlen(text), claim,
                                          claim ? strlen(claim) : 0, k, explain, &err);
        if (json == NULL) {
            char d[700];
            snprintf(d, sizeof d, "%s: %s", where, err.message);
            pthread_rwlock_unlock(&srv.lock);
            free(b.p);
            fail(rs, 422, "unprocessable", d);
            goto out;
        }
        puts_(&b, i ? "," : "");
        if (id != NULL) { /* {"id":...,<the classify object's members>} as classify writes it */
            puts_(&b, "{\"id\":");
            if (id_is_number)
                puts_(&b, id);
            else
                put_json_str(&b, id);
            puts_(&b, ",");
            puts_(&b, json + 1);
        } else {
            puts_(&b, json);
        }
        tasnif_free(json);
        i++;
    }
    pthread_rwlock_unlock(&srv.lock);
    puts_(&b, "]}");
    respond(rs, 200, JSON, &b);
    done = i;
out:
    cJSON_Delete(j);
    return done;
}

/* POST /v1/label: {"text", "stance_model", "topic_model", "min_prob"} -> label --json's object */
static size_t do_label(const tsn_http_request *rq, tsn_http_response *rs)
{
    cJSON *j = parse_body(rq, rs);
    if (j == NULL)
        return 0;
    bool bad = false;
    const char *text = str_member(j, "text", &bad, rs);
    const char *sname = bad ? NULL : str_member(j, "stance_model", &bad, rs);
    const char *tname = bad ? NULL : str_member(j, "topic_model", &bad, rs);
    const cJSON *mp = cJSON_GetObjectItemCaseSensitive(j, "min_prob");
    size_t done = 0;
    if (bad)
        goto out;
    if (text == NULL) {
        fail(rs, 400, "bad_request", "\"text\" (the article, a string) is required");
        goto out;
    }
    if (mp != NULL && (!cJSON_IsNumber(mp) || mp->valuedouble < 0 || mp->valuedouble > 1)) {
        fail(rs, 400, "bad_request", "\"min_prob\" must be a number from 0 to 1");
        goto out;
    }
    /* label refuses a blank article (it has no sentence to label), with the same check */
    tsn_error de = {0};
    bool invalid;
    if (tsn_doc_check("\"text\"", "article", text, strlen(text), false, &invalid, &de) !=
        TSN_OK) {
        fail(rs, 422, "empty_article", de.msg);
        goto out;
    }
    sname = sname ? sname : "stance";
    tname = tname ? tname : "topic";
    pthread_rwlock_rdlock(&srv.lock);
    tasnif_model *sm = find_model(sname), *tm = find_model(tname);
    if (sm == NULL || tm == NULL) {
        pthread_rwlock_unlock(&srv.lock);
        char d[300];
        snprintf(d, sizeof d, "no model named \"%.200s\" is served (GET /v1/models)",
                 sm == NULL ? sname : tname);
        fail(rs, 404, "unknown_model", d);
        goto out;
    }
    tasnif_error err;
    char *json = tasnif_label(sm, tm, text, strlen(text), mp ? mp->valuedouble : 0, &err);
    pthread_rwlock_unlock(&srv.lock);
    if (json == NULL) {
        fail(rs, 422, "unprocessable", err.message);
        goto out;
    }
    sbuf b = {json, strlen(json), strlen(json) + 1, false};
    respond(rs, 200, JSON, &b);
    done = 1;
out:
    cJSON_Delete(j);
    return done;
}

/* GET /v1/models: [{"name", "source", ...tasnif_model_info()}] */
static void do_models(tsn_http_response *rs)
{
    sbuf b = {0};
    puts_(&b, "{\"models\":[");
    pthread_rwlock_rdlock(&srv.lock);
    for (size_t i = 0; i < srv.models.n; i++) {
        tasnif_error err;
        char *info = tasnif_model_info(srv.models.v[i].m, &err);
        puts_(&b, i ? ",{\"name\":" : "{\"name\":");
        put_json_str(&b, srv.models.v[i].name);
        puts_(&b, ",\"source\":");
        put_json_str(&b, srv.models.v[i].source);
        if (info != NULL) {
            puts_(&b, ",");
            puts_(&b, info + 1); /* the info object's members */
            tasnif_free(info);
        } else {
            puts_(&b, "}");
        }
    }
    pthread_rwlock_unlock(&srv.lock);
    puts_(&b, "]}");
    respond(rs, 200, JSON, &b);
}

static void do_metrics(tsn_http_response *rs)
{
    sbuf b = {0};
    puts_(&b, "# HELP tasnif_requests_total HTTP requests answered, by path and status class.\n"
              "# TYPE tasnif_requests_total counter\n");
    for (int p = 0; p < N_PATHS; p++)
        for (int c = 1; c <= 5; c++) {
            unsigned long v = atomic_load(&srv.requests[p][c]);
            if (v > 0)
                putf(&b, "tasnif_requests_total{path=\"%s\",code=\"%dxx\"} %lu\n",
                     path_names[p], c, v);
        }
    unsigned long errors = 0;
    for (int p = 0; p < N_PATHS; p++)
        errors += atomic_load(&srv.requests[p][4]) + atomic_load(&srv.requests[p][5]);
    putf(&b, "# HELP tasnif_request_errors_total Requests answered with a 4xx or 5xx status.\n"
             "# TYPE tasnif_request_errors_total counter\ntasnif_request_errors_total %lu\n",
         errors);
    puts_(&b, "# HELP tasnif_request_duration_seconds Time to answer a request.\n"
              "# TYPE tasnif_request_duration_seconds histogram\n");
    unsigned long cum = 0;
    for (size_t i = 0; i <= N_BUCKETS; i++) {
        cum += atomic_load(&srv.latency_bucket[i]);
        if (i < N_BUCKETS)
            putf(&b, "tasnif_request_duration_seconds_bucket{le=\"%g\"} %lu\n", buckets[i], cum);
        else
            putf(&b, "tasnif_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
    }
    putf(&b, "tasnif_request_duration_seconds_sum %.6f\n",
         (double)atomic_load(&srv.latency_us) / 1e6);
    putf(&b, "tasnif_request_duration_seconds_count %lu\n", atomic_load(&srv.latency_count));
    putf(&b, "# HELP tasnif_documents_total Documents classified or articles labelled.\n"
             "# TYPE tasnif_documents_total counter\ntasnif_documents_total %lu\n",
         atomic_load(&srv.documents));
    putf(&b, "# HELP tasnif_request_bytes_total Request body bytes received.\n"
             "# TYPE tasnif_request_bytes_total counter\ntasnif_request_bytes_total %lu\n",
         atomic_load(&srv.bytes_in));
    putf(&b, "# HELP tasnif_response_bytes_total Response body bytes sent.\n"
             "# TYPE tasnif_response_bytes_total counter\ntasnif_response_bytes_total %lu\n",
         atomic_load(&srv.bytes_out));
    putf(&b, "# HELP tasnif_reloads_total Model reloads (SIGHUP), and failed ones.\n"
             "# TYPE tasnif_reloads_total counter\ntasnif_reloads_total %lu\n"
             "tasnif_reload_failures_total %lu\n",
         atomic_load(&srv.reloads), atomic_load(&srv.reload_failures));
    respond(rs, 200, "text/plain; version=0.0.4; charset=utf-8", &b);
}

/* path for the access log, with control bytes, spaces and backslashes as \xHH: the URL
 * arrives percent-decoded, and a %0A in it must not start a line of its own that reads as
 * another request. out holds 4 * strlen(path) + 1 bytes at least, or the path is cut. */
static void log_path(char *out, size_t cap, const char *path)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p != '\0' && n + 5 <= cap; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '\\')
            n += (size_t)snprintf(out + n, cap - n, "\\x%02X", *p);
        else
            out[n++] = (char)*p;
    out[n] = '\0';
}

static void handle(void *ctx, const tsn_http_request *rq, tsn_http_response *rs)
{
    (void)ctx;
    double t0 = now_s();
    int p = P_OTHER;
    size_t docs = 0;
    bool get = strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
    bool post = strcmp(rq->method, "POST") == 0;
    const char *want = NULL; /* the method the path takes, when the request used another */
    if (strcmp(rq->path, "/v1/classify") == 0) {
        p = P_CLASSIFY;
        want = post ? NULL : "POST";
    } else if (strcmp(rq->path, "/v1/label") == 0) {
        p = P_LABEL;
        want = post ? NULL : "POST";
    } else if (strcmp(rq->path, "/v1/models") == 0) {
        p = P_MODELS;
        want = get ? NULL : "GET";
    } else if (strcmp(rq->path, "/healthz") == 0) {
        p = P_HEALTH;
        want = get ? NULL : "GET";
    } else if (strcmp(rq->path, "/metrics") == 0) {
        p = P_METRICS;
        want = get ? NULL : "GET";
    } else if (strcmp(rq->path, "/") == 0 || strcmp(rq->path, "/index.html") == 0) {
        p = P_PAGE;
        want = get ? NULL : "GET";
    }
    if (p == P_OTHER) {
        fail(rs, 404, "not_found", "no such endpoint: POST /v1/classify, POST /v1/label, GET "
                                   "/v1/models, /healthz, /metrics, /");
    } else if (want != NULL) {
        char d[64];
        snprintf(d, sizeof d, "%s takes %s", path_names[p], want);
        fail(rs, 405, "method_not_allowed", d);
    } else if (rq->too_large) {
        fail(rs, 413, "body_too_large", "the request body is larger than --max-body");
    } else if (p == P_CLASSIFY) {
        docs = do_classify(rq, rs);
    } else if (p == P_LABEL) {
        docs = do_label(rq, rs);
    } else if (p == P_MODELS) {
        do_models(rs);
    } else if (p == P_HEALTH) {
        sbuf b = {0};
        pthread_rwlock_rdlock(&srv.lock);
        putf(&b, "{\"status\":\"ok\",\"models\":%zu}", srv.models.n);
        pthread_rwlock_unlock(&srv.lock);
        respond(rs, 200, JSON, &b);
    } else if (p == P_METRICS) {
        do_metrics(rs);
    } else {
        sbuf b = {0};
        puts_(&b, (const char *)tsn_serve_page);
        respond(rs, 200, "text/html; charset=utf-8", &b);
    }
    double dt = now_s() - t0;
    int status = rs->body ? rs->status : 500;
    atomic_fetch_add(&srv.requests[p][status / 100 >= 1 && status / 100 <= 5 ? status / 100 : 5],
                     1);
    size_t bi = 0;
    while (bi < N_BUCKETS && dt > buckets[bi])
        bi++;
    atomic_fetch_add(&srv.latency_bucket[bi], 1);
    atomic_fetch_add(&srv.latency_count, 1);
    atomic_fetch_add(&srv.latency_us, (unsigned long)(dt * 1e6));
    atomic_fetch_add(&srv.documents, docs);
    atomic_fetch_add(&srv.bytes_in, rq->body_len);
    atomic_fetch_add(&srv.bytes_out, rs->body ? rs->len : 0);
    /* the access log: one line per request */
    char path[4 * 1024 + 1]; /* http.c cuts paths at 1023 bytes */
    log_path(path, sizeof path, rq->path);
    fprintf(stderr, "tasnif serve: %s %s %d %zu bytes in, %zu out, %zu docs, %.2f ms\n",
            rq->method, path, status, rq->body_len, rs->body ? rs->len : 0, docs,
            dt * 1000);
}

/* ---- The command ---- */

/* Parses a size flag within [min, max]; -1, or the exit code of a usage error. */
static int parse_size(const char *flag, const char *s, size_t min, size_t max, size_t *out)
{
    if (!cli_parse_size(s, out) || *out < min || *out > max)
        return cli_usage_error(serve_usage, "%s must be an integer from %zu to %zu", flag, min,
                               max);
    return -1;
}

int cli_serve(int argc, char **argv)
{
    enum { O_LISTEN = 300, O_THREADS, O_MAX_BODY, O_MAX_DOCS, O_TIMEOUT, O_HELP };
    static const struct option lo[] = {
        {"model", required_argument, NULL, 'm'},         {"listen", required_argument, NULL, O_LISTEN},
        {"threads", required_argument, NULL, O_THREADS}, {"max-body", required_argument, NULL, O_MAX_BODY},
        {"max-docs", required_argument, NULL, O_MAX_DOCS}, {"timeout", required_argument, NULL, O_TIMEOUT},
        {"help", no_argument, NULL, O_HELP},             {NULL, 0, NULL, 0}};
    char *specs[64];
    size_t nspec = 0, threads = 0, max_body = (size_t)8 << 20, max_docs = 1000, timeout = 30;
    const char *listen = "127.0.0.1:8080";
    int c, rc = -1;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (c = getopt_long(argc, argv, "m:", lo, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (nspec == sizeof specs / sizeof specs[0])
                rc = cli_usage_error(serve_usage, "at most 64 models");
            else
                specs[nspec++] = optarg;
            break;
        case O_LISTEN: listen = optarg; break;
        case O_THREADS: rc = parse_size("--threads", optarg, 1, 256, &threads); break;
        case O_MAX_BODY: rc = parse_size("--max-body", optarg, 1, (size_t)1 << 32, &max_body); break;
        case O_MAX_DOCS: rc = parse_size("--max-docs", optarg, 1, 1000000, &max_docs); break;
        case O_TIMEOUT: rc = parse_size("--timeout", optarg, 1, 86400, &timeout); break;
        case O_HELP: serve_help(); rc = EXIT_SUCCESS; break;
        default:
            rc = cli_usage_error(serve_usage, "unknown option %s, or it lacks its value",
                                 argv[optind - 1]);
        }
    }
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(serve_usage, "unexpected argument \"%s\"", argv[optind]);
    char host[256];
    const char *colon = strrchr(listen, ':');
    size_t port;
    if (colon == NULL || (size_t)(colon - listen) >= sizeof host ||
        !cli_parse_size(colon + 1, &port) || port > 65535)
        return cli_usage_error(serve_usage, "--listen takes HOST:PORT (e.g. 127.0.0.1:8080)");
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    static char def_stance[] = "stance=stance", def_topic[] = "topic=topic";
    if (nspec == 0) {
        specs[nspec++] = def_stance;
        specs[nspec++] = def_topic;
    }
    for (size_t i = 0; i < nspec; i++)
        for (size_t j = 0; j < i; j++) {
            const char *a = specs[i], *b = specs[j];
            size_t la = strcspn(a, "="), lb = strcspn(b, "=");
            if (la == lb && strncmp(a, b, la) == 0)
                return cli_usage_error(serve_usage, "two models named \"%.*s\"", (int)la, a);
        }
    tasnif_error err = {0};
    if (!set_load(specs, nspec, &srv.models, &err)) {
        set_free(&srv.models);
        cli_diag("%s", err.message);
        return EXIT_FAILURE;
    }
    srv.max_docs = max_docs;
    srv.timeout = (double)timeout;
    pthread_rwlock_init(&srv.lock, NULL);
    /* The signals are taken by sigwait() below, on this thread only: block them first, so
     * that the server's threads inherit the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (size_t)n : 1;
    }
    tsn_error e = {0};
    tsn_http *h = tsn_http_start(host, (int)port, (int)threads, max_body, (unsigned)timeout,
                                 handle, NULL, &e);
    if (h == NULL) {
        set_free(&srv.models);
        return cli_fail(&e);
    }
    fprintf(stderr, "tasnif serve: listening on http://%s:%d/ (%zu models, %zu threads)\n", host,
            tsn_http_port(h), srv.models.n, threads);
    for (;;) {
        int sig = 0;
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            model_set fresh = {0};
            tasnif_error re = {0};
            atomic_fetch_add(&srv.reloads, 1);
            if (!set_load(specs, nspec, &fresh, &re)) {
                atomic_fetch_add(&srv.reload_failures, 1);
                fprintf(stderr, "tasnif serve: reload failed, keeping the models loaded: %s\n",
                        re.message);
                set_free(&fresh);
                continue;
            }
            pthread_rwlock_wrlock(&srv.lock);
            model_set old = srv.models;
            srv.models = fresh;
            pthread_rwlock_unlock(&srv.lock);
            set_free(&old);
            fprintf(stderr, "tasnif serve: reloaded %zu models\n", fresh.n);
            continue;
        }
        fprintf(stderr, "tasnif serve: %s: finishing the requests in flight\n",
                sig == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
    }
    tsn_http_stop(h, 10);
    set_free(&srv.models);
    pthread_rwlock_destroy(&srv.lock);
    fprintf(stderr, "tasnif serve: stopped\n");
    return EXIT_SUCCESS;
}
