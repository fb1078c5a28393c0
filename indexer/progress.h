/*
** progress.h -- kq-index --progress: how far indexing has got, on stderr.
**
**   bar    one line redrawn in place (\r) at most 5 times a second:
**          documents, MB read, MB/s, and when the total input size is
**          known, percent and ETA; erased at the end
**   plain  one line every 2 seconds and one at the end, for scripts:
**          progress docs=N bytes=N elapsed=S.s rate_mb_s=X.x percent=P eta_s=E
**          (percent and eta_s are "-" when the total is unknown)
** Bytes are bytes of input as stored (compressed bytes for gzip), so that
** they can be compared with the size of the input files.
*/
#ifndef KQ_PROGRESS_H
#define KQ_PROGRESS_H

#include <stdint.h>
#include <time.h>

enum { PROGRESS_NONE = 0, PROGRESS_BAR, PROGRESS_PLAIN };

typedef struct progress {
    int eMode;
    int bTotal;           /* nTotal is known */
    uint64_t nTotal;      /* bytes of input in all */
    struct timespec t0;   /* start */
    double tLast;         /* seconds since t0 of the last line drawn */
    int nDrawn;           /* bar: width of the line on screen (0: none) */
    uint64_t nDoc, nByte; /* the latest counts */
    int iMerge;           /* a merge's progress (progress_merge), or 0 */
} progress;

/* "bar", "plain", "none" -> PROGRESS_*; -1 if unknown. */
int progress_mode(const char *zName);

/* Start; nTotal is the input size if bTotal.  A bar also installs a hook
** so that input messages (report.h) first erase it. */
void progress_start(progress *p, int eMode, uint64_t nTotal, int bTotal);

/* The counts so far; draws when it is time to. */
void progress_update(progress *p, uint64_t nDoc, uint64_t nByte);

/* The end, with the final counts: the bar is erased, plain prints its
** last line. */
void progress_end(progress *p, uint64_t nDoc, uint64_t nByte);

/* A merge of segments (kq_writer_opts.xMergeProgress, pCtx a progress
** started with eMode): nDone of nTotal bytes of merge iMerge.  Its line
** reads "kq-index: merge N: X of Y MB, R MB/s, P%, ETA", or in plain
** "progress merge=N bytes=.. total=.. elapsed=.. rate_mb_s=.. percent=..
** eta_s=..", each merge timed from its start; the bar is erased when a
** merge ends. */
void progress_merge(void *pCtx, int iMerge, uint64_t nDone, uint64_t nTotal);
/* The end of merges: the bar's hook is removed, nothing more is drawn. */
void progress_stop(progress *p);

#endif
