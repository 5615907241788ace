/* Allocation that cannot fail quietly: out of memory in a simulation is
 * reported with what was being allocated, and the process aborts (a
 * half-built model is worse than no result).  Also small helpers shared by
 * every layer. */
#ifndef WL_UTIL_H
#define WL_UTIL_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Grows *v (of *cap elements of size elem) to hold at least need elements. */
void xgrow(void **v, size_t *cap, size_t need, size_t elem);

/* Where scenarios/lib and analysis/ live: $WIRELAB_HOME, else the folder
 * of the executable if it holds scenarios/lib (a build tree), else
 * PREFIX/share/wirelab for an installed binary. */
const char *wl_home(char *buf, size_t n);

/* Copies s into buf of n > 0 bytes, cut to fit and always terminated. */
void str_copy(char *buf, size_t n, const char *s);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
