/*
** report.c -- the messages kq-index prints about its input (report.h).
*/
#include "report.h"

#include <stdarg.h>
#include <stdio.h>

static void (*g_xHook)(void *);
static void *g_pHookArg;

void report_set_hook(void (*x)(void *), void *pArg)
{
    g_xHook = x;
    g_pHookArg = pArg;
}

/* The common tail: hook, prefix already chosen by the caller, message. */
static void emit(const char *zPrefix, const char *zFmt, va_list ap)
{
    fputs(zPrefix, stderr);
    vfprintf(stderr, zFmt, ap);
    fputc('\n', stderr);
}

void report(const char *zPath, uint64_t iLine, const char *zFmt, ...)
{
    va_list ap;
    if (g_xHook) g_xHook(g_pHookArg);
    /* One fprintf per part is fine: stderr is unbuffered anyway and only
    ** one thread reads the corpus. */
    if (iLine) {
        fprintf(stderr, "kq-index: %s:%llu", zPath, (unsigned long long)iLine);
    } else {
        fprintf(stderr, "kq-index: %s", zPath);
    }
    va_start(ap, zFmt);
    emit(": ", zFmt, ap);
    va_end(ap);
}

void report_at(const char *zPath, uint64_t iByte, const char *zFmt, ...)
{
    va_list ap;
    if (g_xHook) g_xHook(g_pHookArg);
    fprintf(stderr, "kq-index: %s: byte %llu", zPath,
            (unsigned long long)iByte);
    va_start(ap, zFmt);
    emit(": ", zFmt, ap);
    va_end(ap);
}
