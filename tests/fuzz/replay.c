/* replay.c -- runs a fuzz harness on files named on the command line (or every file in the
 * directories named), outside libFuzzer: the regression tests of `make check`, which replay
 * the seed corpora and every input a fuzzer once crashed on. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (size_t k; buf != NULL && (k = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap) {
            uint8_t *p = realloc(buf, cap *= 2);
            if (p == NULL)
                free(buf);
            buf = p;
        }
    }
    fclose(f);
    if (buf == NULL) {
        fprintf(stderr, "%s: out of memory\n", path);
        return 1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int rc = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            DIR *d = opendir(argv[i]);
            if (d == NULL) {
                perror(argv[i]);
                return 1;
            }
            char **v = NULL;
            size_t nv = 0;
            for (struct dirent *e; (e = readdir(d)) != NULL;) {
                if (e->d_name[0] == '.')
                    continue;
                char **p = realloc(v, (nv + 1) * sizeof *v);
                size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
                if (p == NULL || (p[nv] = malloc(len)) == NULL)
                    return 1;
                v = p;
                snprintf(v[nv++], len, "%s/%s", argv[i], e->d_name);
            }
            closedir(d);
            qsort(v, nv, sizeof *v, cmp);
            for (size_t k = 0; k < nv; k++) {
                rc |= run_file(v[k]);
                files++;
                free(v[k]);
            }
            free(v);
        } else {
            rc |= run_file(argv[i]);
            files++;
        }
    }
    printf("replayed %d inputs\n", files);
    return rc;
}
