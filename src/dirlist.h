/* dirlist.h -- directory listings: a directory's entries and its regular files, sorted
 * bytewise, and "dir/name" paths.
 *
 * Owns: tsn_dir_list, tsn_dir_files, tsn_dir_files_free, tsn_path_join. Used by the directory
 * reader (DIR/<label>/<file> datasets) and by commands that read a directory of documents.
 * Ownership: the arrays and strings returned are the caller's; release an array of n paths
 * (from either listing) with tsn_dir_files_free(), a joined path with free().
 */
#ifndef TSN_DIRLIST_H
#define TSN_DIRLIST_H

#include <stddef.h>

#include "error.h"

/* The names of path's entries (no dot files, any type), sorted bytewise, in a malloc'd array
 * of *n malloc'd strings. Fails with TSN_ERR_IO when path cannot be opened. */
tsn_status tsn_dir_list(const char *path, char ***out, size_t *n, tsn_error *err);

/* The regular files directly inside dir (no dot files), as "dir/name" paths sorted bytewise.
 * Release with tsn_dir_files_free(). */
tsn_status tsn_dir_files(const char *dir, char ***paths, size_t *n, tsn_error *err);
void tsn_dir_files_free(char **paths, size_t n);

/* "a/b", malloc'd (release with free()); NULL when out of memory. */
char *tsn_path_join(const char *a, const char *b);

#endif
