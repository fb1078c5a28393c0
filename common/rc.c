/*
** rc.c -- result codes and error messages.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const azRc[KQ_RC_COUNT] = {
    [KQ_OK] = "ok",
    [KQ_DONE] = "done",
    [KQ_NOTFOUND] = "not found",
    [KQ_NOMEM] = "out of memory",
    [KQ_IOERR] = "I/O error",
    [KQ_CORRUPT] = "index damaged",
    [KQ_FORMAT] = "not a kq index of a supported format",
    [KQ_SYNTAX] = "syntax error",
    [KQ_MISUSE] = "misuse",
    [KQ_BUSY] = "index locked by another writer",
    [KQ_XAPIAN] = "Xapian error",
};

const char *
kq_errstr(int rc)
{
    if (rc < 0 || rc >= KQ_RC_COUNT || azRc[rc] == NULL) {
        return "unknown error";
    }
    return azRc[rc];
}

static char *
vmprintf(const char *zFmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, zFmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return NULL;
    }
    char *z = malloc((size_t)n + 1);
    if (z) {
        vsnprintf(z, (size_t)n + 1, zFmt, ap);
    }
    return z;
}

char *
kqi_vmprintf(const char *zFmt, va_list ap)
{
    return vmprintf(zFmt, ap);
}

char *
kq_mprintf(const char *zFmt, ...)
{
    va_list ap;
    va_start(ap, zFmt);
    char *z = vmprintf(zFmt, ap);
    va_end(ap);
    return z;
}

int
kqi_err(char **pzErr, int rc, const char *zFmt, ...)
{
    if (pzErr && *pzErr == NULL) {
        va_list ap;
        va_start(ap, zFmt);
        *pzErr = vmprintf(zFmt, ap);
        va_end(ap);
    }
    return rc;
}
