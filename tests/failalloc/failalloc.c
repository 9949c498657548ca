/* failalloc.c -- allocation-failure injection for `make failalloc`, in the manner of SQLite's
 * malloc tests: linked into a test build of tasnif with -Wl,--wrap for malloc, calloc,
 * realloc, strdup and strndup, so every allocation tasnif's own code makes goes through here.
 *
 *   TSN_FAILALLOC=N        the Nth allocation (from 1) returns NULL, once; 0 or unset: none
 *   TSN_FAILALLOC_COUNT=F  at exit, write how many allocations were made to file F
 *
 * The libraries' own allocations (ICU, liblinear, cJSON, libc) are not counted: what is
 * tested is that tasnif handles its own allocations failing. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static atomic_ulong calls;
static unsigned long fail_at; /* 0: never */
static atomic_int ready;      /* 0 unread, 1 being read, 2 read */
static const char *count_file;

static void write_count(void)
{
    FILE *f = fopen(count_file, "w");
    if (f != NULL) {
        fprintf(f, "%lu\n", (unsigned long)atomic_load(&calls));
        fclose(f);
    }
}

/* True when this call is the one to fail. */
static int should_fail(void)
{
    int expected = 0;
    if (atomic_compare_exchange_strong(&ready, &expected, 1)) {
        const char *v = getenv("TSN_FAILALLOC");
        fail_at = v ? strtoul(v, NULL, 10) : 0;
        count_file = getenv("TSN_FAILALLOC_COUNT");
        if (count_file != NULL)
            atexit(write_count);
        atomic_store(&ready, 2);
    }
    while (atomic_load(&ready) != 2)
        ;
    unsigned long n = atomic_fetch_add(&calls, 1) + 1;
    return fail_at != 0 && n == fail_at;
}

void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return should_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return should_fail() ? NULL : __real_strndup(s, n);
}
