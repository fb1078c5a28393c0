/*
** progress.c -- kq-index --progress (progress.h).
**
** progress_update() is called for every block of input read, so it must be
** cheap: it reads the monotonic clock (a vDSO call, no system call) and
** returns unless a line is due.
*/
#include "progress.h"
#include "report.h"

#include <stdio.h>
#include <string.h>

#define BAR_INTERVAL 0.2   /* seconds between redraws of the bar */
#define PLAIN_INTERVAL 2.0 /* seconds between plain lines */

int
progress_mode(const char *zName)
{
    if (strcmp(zName, "none") == 0) {
        return PROGRESS_NONE;
    }
    if (strcmp(zName, "bar") == 0) {
        return PROGRESS_BAR;
    }
    if (strcmp(zName, "plain") == 0) {
        return PROGRESS_PLAIN;
    }
    return -1;
}

static double
elapsed(const progress *p)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - p->t0.tv_sec) +
           (double)(t.tv_nsec - p->t0.tv_nsec) / 1e9;
}

/* Erase the bar (before a message, and at the end). */
static void
bar_clear(void *pArg)
{
    progress *p = pArg;
    if (p->nDrawn == 0) {
        return;
    }
    fprintf(stderr, "\r%*s\r", p->nDrawn, "");
    p->nDrawn = 0;
}

/* Percent done, or -1 if unknown. */
static double
percent(const progress *p)
{
    double v;
    if (!p->bTotal) {
        return -1;
    }
    if (p->nTotal == 0) {
        return 100;
    }
    v = 100.0 * (double)p->nByte / (double)p->nTotal;
    return v > 100 ? 100 : v;
}

/* Seconds left at the rate so far, or -1 if unknown. */
static double
eta(const progress *p, double t)
{
    double pc = percent(p);
    if (pc < 0 || p->nByte == 0 || t <= 0) {
        return -1;
    }
    if (pc >= 100) {
        return 0;
    }
    return t * (100 - pc) / pc;
}

static void
bar_draw(progress *p, double t)
{
    char aLine[160];
    double mb = (double)p->nByte / 1e6;
    double pc = percent(p);
    double e = eta(p, t);
    int n = p->iMerge ? snprintf(aLine, sizeof(aLine),
                                 "kq-index: merge %d: %.1f of "
                                 "%.1f MB, %.1f MB/s",
                                 p->iMerge, mb, (double)p->nTotal / 1e6,
                                 t > 0 ? mb / t : 0.0)
                      : snprintf(aLine, sizeof(aLine),
                                 "kq-index: %llu docs, %.1f MB, "
                                 "%.1f MB/s",
                                 (unsigned long long)p->nDoc, mb,
                                 t > 0 ? mb / t : 0.0);
    if (pc >= 0 && n > 0 && (size_t)n < sizeof(aLine)) {
        int k = snprintf(aLine + n, sizeof(aLine) - (size_t)n, ", %3.0f%%",
                         pc);
        if (k > 0) {
            n += k;
        }
        if (e >= 0 && (size_t)n < sizeof(aLine)) {
            long s = (long)(e + 0.5);
            k = snprintf(aLine + n, sizeof(aLine) - (size_t)n,
                         ", ETA %ld:%02ld", s / 60, s % 60);
            if (k > 0) {
                n += k;
            }
        }
    }
    if (n <= 0) {
        return;
    }
    if ((size_t)n >= sizeof(aLine)) {
        n = (int)sizeof(aLine) - 1;
    }
    /* Pad over a longer previous line instead of clearing: no flicker. */
    fprintf(stderr, "\r%s%*s", aLine, p->nDrawn > n ? p->nDrawn - n : 0, "");
    if (n > p->nDrawn) {
        p->nDrawn = n;
    }
    fflush(stderr);
}

static void
plain_draw(const progress *p, double t)
{
    double mb = (double)p->nByte / 1e6;
    double pc = percent(p);
    double e = eta(p, t);
    char zPc[32], zEta[32];
    if (pc >= 0) {
        snprintf(zPc, sizeof(zPc), "%.0f", pc);
    } else {
        strcpy(zPc, "-");
    }
    if (e >= 0) {
        snprintf(zEta, sizeof(zEta), "%.0f", e);
    } else {
        strcpy(zEta, "-");
    }
    if (p->iMerge) {
        fprintf(stderr,
                "progress merge=%d bytes=%llu total=%llu "
                "elapsed=%.1f rate_mb_s=%.1f percent=%s eta_s=%s\n",
                p->iMerge, (unsigned long long)p->nByte,
                (unsigned long long)p->nTotal, t, t > 0 ? mb / t : 0.0, zPc,
                zEta);
        return;
    }
    fprintf(stderr,
            "progress docs=%llu bytes=%llu elapsed=%.1f "
            "rate_mb_s=%.1f percent=%s eta_s=%s\n",
            (unsigned long long)p->nDoc, (unsigned long long)p->nByte, t,
            t > 0 ? mb / t : 0.0, zPc, zEta);
}

void
progress_start(progress *p, int eMode, uint64_t nTotal, int bTotal)
{
    memset(p, 0, sizeof(*p));
    p->eMode = eMode;
    p->nTotal = nTotal;
    p->bTotal = bTotal;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    if (eMode == PROGRESS_BAR) {
        report_set_hook(bar_clear, p);
    }
}

void
progress_update(progress *p, uint64_t nDoc, uint64_t nByte)
{
    double t;
    if (p->eMode == PROGRESS_NONE) {
        return;
    }
    p->nDoc = nDoc;
    p->nByte = nByte;
    t = elapsed(p);
    if (p->eMode == PROGRESS_BAR && t - p->tLast >= BAR_INTERVAL) {
        bar_draw(p, t);
        p->tLast = t;
    } else if (p->eMode == PROGRESS_PLAIN && t - p->tLast >= PLAIN_INTERVAL) {
        plain_draw(p, t);
        p->tLast = t;
    }
}

void
progress_end(progress *p, uint64_t nDoc, uint64_t nByte)
{
    p->nDoc = nDoc;
    p->nByte = nByte;
    if (p->eMode == PROGRESS_BAR) {
        bar_clear(p);
        report_set_hook(NULL, NULL);
    } else if (p->eMode == PROGRESS_PLAIN) {
        plain_draw(p, elapsed(p));
    }
    p->eMode = PROGRESS_NONE;
}

void
progress_merge(void *pCtx, int iMerge, uint64_t nDone, uint64_t nTotal)
{
    progress *p = pCtx;
    int eMode = p->eMode;
    if (eMode == PROGRESS_NONE) {
        return;
    }
    if (p->iMerge != iMerge) {
        /* A new merge: timed and totalled from its start. */
        if (eMode == PROGRESS_BAR) {
            bar_clear(p);
        }
        clock_gettime(CLOCK_MONOTONIC, &p->t0);
        p->tLast = 0;
        p->iMerge = iMerge;
        p->nTotal = nTotal;
        p->bTotal = 1;
        p->nDoc = 0;
    }
    if (nDone >= nTotal) {
        /* Its end: the bar goes, plain says it once. */
        p->nByte = nTotal;
        if (eMode == PROGRESS_BAR) {
            bar_clear(p);
        } else {
            plain_draw(p, elapsed(p));
        }
        return;
    }
    progress_update(p, 0, nDone);
}

void
progress_stop(progress *p)
{
    if (p->eMode == PROGRESS_BAR) {
        bar_clear(p);
        report_set_hook(NULL, NULL);
    }
    p->eMode = PROGRESS_NONE;
}
