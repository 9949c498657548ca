/* check.h -- the in-house unit-test macros. A test is a void function; CHECK records a
 * failure with file and line and lets the test go on; each binary ends with a
 * "#result passed failed" line that tests/run.sh adds up. */
#ifndef TSN_CHECK_H
#define TSN_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;   /* failed CHECKs in the current test */
static int tests_passed, tests_failed;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            check_failures++;                                                                  \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);         \
        }                                                                                      \
    } while (0)

#define CHECK_STR(got, want)                                                                   \
    do {                                                                                       \
        const char *g_ = (got), *w_ = (want);                                                  \
        if (g_ == NULL || strcmp(g_, w_) != 0) {                                               \
            check_failures++;                                                                  \
            fprintf(stderr, "  %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__,          \
                    g_ ? g_ : "(null)", w_);                                                   \
        }                                                                                      \
    } while (0)

#define RUN(test)                                                                              \
    do {                                                                                       \
        check_failures = 0;                                                                    \
        test();                                                                                \
        if (check_failures == 0) {                                                             \
            tests_passed++;                                                                    \
            printf("ok   %s\n", #test);                                                        \
        } else {                                                                               \
            tests_failed++;                                                                    \
            printf("FAIL %s\n", #test);                                                        \
        }                                                                                      \
    } while (0)

#define DONE()                                                                                 \
    do {                                                                                       \
        printf("#result %d %d\n", tests_passed, tests_failed);                                 \
        return tests_failed ? 1 : 0;                                                           \
    } while (0)

/* Iterates over "input<TAB>expected" lines of a golden file (# comments, blank lines
 * skipped), calling fn for each; returns the number of cases, or -1 if the file is missing. */
static inline int golden_each(const char *path, void (*fn)(const char *in, const char *want,
                                                           int line))
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "  cannot open %s\n", path);
        check_failures++;
        return -1;
    }
    char buf[8192];
    int line = 0, cases = 0;
    while (fgets(buf, sizeof buf, f) != NULL) {
        line++;
        size_t n = strlen(buf);
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            buf[--n] = '\0';
        if (n == 0 || buf[0] == '#')
            continue;
        char *tab = strchr(buf, '\t');
        if (tab == NULL) {
            fprintf(stderr, "  %s:%d: no tab\n", path, line);
            check_failures++;
            continue;
        }
        *tab = '\0';
        fn(buf, tab + 1, line);
        cases++;
    }
    fclose(f);
    return cases;
}

#endif
