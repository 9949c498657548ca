/* dirlist.c -- directory listings: the sorted entries of a directory, the regular files in it,
 * and joined paths.
 *
 * Entries are sorted bytewise so that a directory dataset is read in the same order on every
 * system (readdir() order is the file system's), which keeps training deterministic.
 */
#include "dirlist.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists path's entries (no dot files) sorted bytewise; *out is malloc'd names. */
tsn_status tsn_dir_list(const char *path, char ***out, size_t *n, tsn_error *err)
{
    DIR *dir = opendir(path);
    if (dir == NULL)
        return tsn_error_set(err, TSN_ERR_IO, "%s: %s", path, strerror(errno));
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    /* readdir() returns NULL both at the end and on a failure (EIO, a stale NFS handle), told
     * apart only by errno: a failure taken for the end would list the directory in part, and
     * a dataset read from it would silently train another model. */
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(dir);
        if (e == NULL)
            break;
        if (e->d_name[0] == '.')
            continue;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(v, cap * sizeof *nv);
            if (nv == NULL)
                goto nomem;
            v = nv;
        }
        if ((v[cnt] = strdup(e->d_name)) == NULL)
            goto nomem;
        cnt++;
    }
    int read_errno = errno;
    if (read_errno != 0) {
        for (size_t i = 0; i < cnt; i++)
            free(v[i]);
        free(v);
        closedir(dir);
        return tsn_error_set(err, TSN_ERR_IO, "%s: read error: %s", path, strerror(read_errno));
    }
    closedir(dir);
    if (cnt > 0)
        qsort(v, cnt, sizeof *v, cmp_str);
    *out = v;
    *n = cnt;
    return TSN_OK;
nomem:
    for (size_t i = 0; i < cnt; i++)
        free(v[i]);
    free(v);
    closedir(dir);
    return tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", path);
}

char *tsn_path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (p != NULL) {
        memcpy(p, a, la);
        p[la] = '/';
        memcpy(p + la + 1, b, lb + 1);
    }
    return p;
}

tsn_status tsn_dir_files(const char *dir, char ***paths, size_t *n, tsn_error *err)
{
    char **names = NULL;
    size_t nn = 0, k = 0;
    *paths = NULL;
    *n = 0;
    tsn_status st = tsn_dir_list(dir, &names, &nn, err);
    if (st != TSN_OK)
        return st;
    char **v = calloc(nn ? nn : 1, sizeof *v);
    for (size_t i = 0; i < nn; i++) {
        char *p = v != NULL ? tsn_path_join(dir, names[i]) : NULL;
        struct stat sb;
        if (p == NULL)
            st = st != TSN_OK ? st : tsn_error_set(err, TSN_ERR_NOMEM, "%s: out of memory", dir);
        else if (stat(p, &sb) != 0)
            st = st != TSN_OK ? st : tsn_error_set(err, TSN_ERR_IO, "%s: %s", p, strerror(errno));
        else if (S_ISREG(sb.st_mode))
            v[k++] = p, p = NULL;
        free(p);
        free(names[i]);
    }
    free(names);
    if (st != TSN_OK) {
        tsn_dir_files_free(v, k);
        return st;
    }
    *paths = v;
    *n = k;
    return TSN_OK;
}

void tsn_dir_files_free(char **paths, size_t n)
{
    for (size_t i = 0; paths != NULL && i < n; i++)
        free(paths[i]);
    free(paths);
}
