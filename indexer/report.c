/*
** report.c -- the messages kq-index prints about its input (report.h).
**
** A message quotes the input (file names, ids, dates, field values,
** language names): it is formatted whole, then written with every control
** character and invalid UTF-8 byte escaped (kq_escape()), so
** that nothing from the input reaches the terminal raw.
*/
#include "report.h"

#include "kq.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*g_xHook)(void *);
static void *g_pHookArg;

void
report_set_hook(void (*x)(void *), void *pArg)
{
    g_xHook = x;
    g_pHookArg = pArg;
}

/* "kq-index: " + zHead + the message, escaped, and a newline, in one write
** (stderr is unbuffered; only one thread reads the corpus). */
static void
emit(const char *zHead, const char *zFmt, va_list ap)
{
    char *zMsg = NULL;
    if (vasprintf(&zMsg, zFmt, ap) < 0) {
        zMsg = NULL;
    }
    char *zEscHead = kq_escape(zHead, strlen(zHead), KQ_ESC_TEXT);
    char *zEscMsg = zMsg ? kq_escape(zMsg, strlen(zMsg), KQ_ESC_TEXT) : NULL;
    if (zEscHead) {
        fprintf(stderr, "kq-index: %s%s\n", zEscHead,
                zEscMsg ? zEscMsg : "out of memory");
    }
    free(zEscHead);
    free(zEscMsg);
    free(zMsg);
}

void
report(const char *zPath, uint64_t iLine, const char *zFmt, ...)
{
    va_list ap;
    char *zHead;
    if (g_xHook) {
        g_xHook(g_pHookArg);
    }
    if (iLine) {
        zHead = kq_mprintf("%s:%llu: ", zPath, (unsigned long long)iLine);
    } else {
        zHead = kq_mprintf("%s: ", zPath);
    }
    va_start(ap, zFmt);
    emit(zHead ? zHead : "", zFmt, ap);
    va_end(ap);
    free(zHead);
}

void
report_at(const char *zPath, uint64_t iByte, const char *zFmt, ...)
{
    va_list ap;
    if (g_xHook) {
        g_xHook(g_pHookArg);
    }
    char *zHead = kq_mprintf("%s: byte %llu: ", zPath,
                             (unsigned long long)iByte);
    va_start(ap, zFmt);
    emit(zHead ? zHead : "", zFmt, ap);
    va_end(ap);
    free(zHead);
}

void
report_msg(const char *zFmt, ...)
{
    va_list ap;
    if (g_xHook) {
        g_xHook(g_pHookArg);
    }
    va_start(ap, zFmt);
    emit("", zFmt, ap);
    va_end(ap);
}
