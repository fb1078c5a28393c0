/*
** writer.c -- kq_writer: documents in, one new segment out.
**
** Each document's record and body go straight to the new segment's .docs
** and .store files (doctab.c), in docid order, from the caller's thread.
** Its words are inverted (invert.c) either in the same thread (one
** inverter, -j 1) or by N worker threads (-j N):
**
**   the caller's thread reads the corpus, writes records and stored text,
**   and queues the documents in batches on one queue; whichever worker
**   is free takes the next batch, so every worker meets increasing docids;
**   each worker inverts into its own table, and writes it out as a run
**   (a .dict/.post/.pos triple) when it outgrows its share of the memory
**   budget;
**   at commit, the tables -- or, once anything was spilled, all the runs
**   (merge.c) -- are merged by term, and each term's postings by docid,
**   into the segment's files.
**
** The index does not depend on N: .docs and .store are written by one
** thread in document order, and merging postings by docid gives the same
** lists however the documents were divided (tests/cli/parallel.bats
** compares the bytes for -j 1, 2 and 3).  A worker learns a document's
** length in tokens (for .docs) only when it analyses it; the caller's
** thread fills the lengths in when it takes a batch back.
**
** Then the manifest is replaced (manifest.c), which makes the segment
** visible.
*/
#include "kq_int.h"

#include <zstd.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct run {
    char *azPath[3]; /* dict, post, pos */
} run;

/* A document of this session in the id table: 24 bytes; ids themselves
** are not kept (they are in the .docs being written), so an id is known
** by two independent hashes, 96 bits. */
typedef struct sessent {
    u64 idHash;
    u64 contentHash;
    u32 chk;   /* second hash of the id */
    u32 iDoc1; /* docid + 1 in the new segment; 0: empty slot */
} sessent;

/* A batch of documents on its way to a worker: their title and body text
** copied into one buffer.  Batches close at a fixed size, whatever N is. */
#define BATCH_BYTES (256 * 1024)
#define BATCH_DOCS 2048
/* -j 1's document writer takes a segment's first batch to end when its
** bodies reach KQI_STORE_DICT_SAMPLE bytes, and draws the store dictionary
** then: -j N must have ended it there too. */
_Static_assert(BATCH_BYTES <= KQI_STORE_DICT_SAMPLE,
               "a batch outlasts the store dictionary's sample");

typedef struct bdoc {
    size_t oTitle, nTitle, oBody, nBody, oSource, nSource, oDate, nDate;
    size_t oField, nField; /* extra fields, packed (kqi_fields_pack) */
    size_t oLang, nLang;
    u32 nLen; /* set by the worker: BM25F length */
    u32 nTok; /* and tokens */
    u64 nSig; /* and signature */
} bdoc;

enum { B_FREE, B_FULL, B_BUSY, B_DONE };

typedef struct batch {
    int eState; /* FULL: queued; BUSY: being inverted; DONE: ready
                ** to be taken back */
    u32 iDoc0;  /* docid of aDoc[0] */
    bdoc *aDoc;
    u32 nDoc;
    size_t nDocAlloc;
    kq_buf text;
    size_t nTextBytes;        /* title and body bytes in text: batches close on
                              ** these, as store blocks do with -j 1, so the
                              ** files are the same for any N */
    kq_buf store;             /* set by the worker: the bodies' store blocks */
    kq_buf storeOffs;         /* u64 offsets of those blocks in store */
    const ZSTD_CDict *pCDict; /* their segment's dictionary (doctab.c) */
} batch;

/* A worker: a thread with its own inverter.  Workers take batches from
** one queue in order, so each meets increasing docids; whichever is free
** takes the next, which keeps them evenly loaded. */
typedef struct worker {
    kq_writer *pW;
    kqi_inv *pInv;
    pthread_t th;
    int bThread; /* th was started */
    ZSTD_CCtx *pCC;
    const char **azBody; /* scratch for kqi_store_encode() */
    size_t *anBody;
    u32 nBodyAlloc;
} worker;

struct kq_writer {
    kqi_xwriter *pX; /* opts.bXapian: the Xapian writer, and nothing else
                     ** below is used */
    char aLastLang[KQI_MAX_LANG]; /* the last per-document language found
                                  ** valid */
    char *zDir;
    int fdLock;
    int bLocked; /* the flock is ours */
    int bPidOk;  /* kq.lock has no other link: our pid goes in it */
    kqi_manifest man;
    size_t nMemory;
    u32 iSeg;     /* number of the segment being written */
    int bOpenSeg; /* .docs/.store of the segment are open */
    kqi_wfile docsFile, storeFile;
    kqi_docw *pDocw;
    atomic_size_t nDocwMem; /* memory of pDocw, for the workers' budget */

    kqi_inv *aInv[KQ_MAX_THREADS];
    int nInv;

    /* -j N: the workers, and the batch being filled.  -j 1: the size of
    ** the batch that would be being filled (the store blocks close at
    ** batch ends either way). */
    worker *aWk;
    batch *aQ; /* the queue: batch b is in aQ[b % nQ] */
    int nQ;
    u64 nBatch;    /* batches handed over so far */
    u64 iNextWork; /* the next batch a worker takes */
    batch *pFill;
    pthread_mutex_t muQ; /* guards the queue, the batch states, rcWk */
    pthread_cond_t cvQ;
    int bStop;
    int rcWk; /* first error of a worker, and its message */
    char *zErrWk;
    size_t nFillBytes;
    u32 nFillDocs;

    pthread_mutex_t muRun; /* guards aRun, nRun and stats.nSpill */
    int bMu;
    run *aRun;
    u32 nRun;

    u64 nDocBefore; /* documents in the committed segments */
    u32 nDoc;       /* documents in the new segment */
    u64 nToken;
    kq_writer_stats stats;
    kq_writer_stats statsOut; /* kq_writer_stats_get()'s */
    int bNoMerge;
    u64 nMaxSegment;  /* opts.nMaxSegment, or the default */
    u64 nMergeBudget; /* opts.nMergeBudget (0: by what a commit adds) */
    void (*xMergeProgress)(void *, int, uint64_t, uint64_t);
    void *pMergeCtx;
    int iMergeCall; /* merges of the current commit, merge or compact */
    int bTrackSeen;
    int bDetectLang; /* kq_writer_opts.bDetectLang */
    int rcMerge;     /* a merge after the last commit failed: its rc */
    char *zMergeErr; /* and its message (kq_writer_merge_status) */

    /* The committed segments, opened on first need to find documents by
    ** id, with this session's changes to them. */
    int bReaders;
    kqi_segment *aSegR; /* man.nSeg of them */
    u8 **aPend;         /* per segment: its deletions including this
                        ** session's, NULL while unchanged */
    u32 *anPendDel;     /* per segment: documents deleted (all) */
    u64 *anPendTok;     /* and their tokens */
    int bPending;       /* some aPend is set */

    /* With opts.bTrackSeen: the id hashes of every document this writer
    ** was given (added or unchanged), for kq_writer_delete_unseen(). */
    u64 *aSeenH;
    u32 nSeenMask, nSeenH;

    /* This session's documents by id, and which of them were replaced or
    ** deleted within the session. */
    sessent *aHt;
    u32 nHtMask; /* table size - 1 (a power of two), 0: none */
    u32 nHt;
    kq_buf sessDel; /* bitmap over the new segment's docids */
    u32 nSessDel;
};

static int start_workers(kq_writer *p, char **pzErr);
static int commit_session(kq_writer *p, char **pzErr);

/* Who holds the lock, as the holder wrote it into the lock file ("pid N"),
** for the message when waiting for it timed out. */
static char *
lock_holder(int fd)
{
    char a[64];
    ssize_t n = pread(fd, a, sizeof(a) - 1, 0);
    long pid = 0;
    if (n > 0) {
        a[n] = 0;
        if (sscanf(a, "pid %ld", &pid) != 1) {
            pid = 0;
        }
    }
    /* The pid is believed only if that process is a kq program still (a
    ** holder killed with -9 leaves its pid behind, and pids are reused). */
    char zComm[64] = "";
    if (pid > 0) {
        char zPath[64];
        snprintf(zPath, sizeof(zPath), "/proc/%ld/comm", pid);
        FILE *f = fopen(zPath, "r");
        if (f) {
            if (fgets(zComm, sizeof(zComm), f) == NULL) {
                zComm[0] = 0;
            }
            fclose(f);
        }
    }
    if (strncmp(zComm, "kq", 2) == 0) {
        return kq_mprintf("kq-index process %ld", pid);
    }
    return kq_mprintf("another process");
}

/* Take the writer lock (flock on kq.lock; readers never take it), waiting
** up to nWaitMs for a writer that holds it, polling: flock() itself has no
** timeout, and an alarm signal would be the caller's business. */
static int
lock_index(kq_writer *p, int nWaitMs, char **pzErr)
{
    char *zLock = kq_mprintf("%s/%s", p->zDir, KQI_LOCK);
    if (zLock == NULL) {
        return KQ_NOMEM;
    }
    /* Never through a symbolic link (fileio.c): the lock file is written
    ** and truncated. */
    int rc = kqi_file_open(zLock, O_RDWR | O_CREAT, &p->fdLock, pzErr);
    if (rc) {
        free(zLock);
        return rc;
    }
    /* A lock file with other hard links is another file's content too:
    ** lock it, but write nothing into it. */
    struct stat st;
    p->bPidOk = fstat(p->fdLock, &st) == 0 && st.st_nlink == 1;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (flock(p->fdLock, LOCK_EX | LOCK_NB) == 0) {
            break;
        }
        if (errno != EWOULDBLOCK && errno != EINTR) {
            rc = kqi_err(pzErr, KQ_IOERR, "%s: cannot lock: %s", zLock,
                         strerror(errno));
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        long nMs = (t.tv_sec - t0.tv_sec) * 1000 +
                   (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (nMs >= nWaitMs) {
            char *zWho = lock_holder(p->fdLock);
            rc = kqi_err(pzErr, KQ_BUSY,
                         "%s: the index is being written by "
                         "%s; gave up after waiting %.1f s",
                         zLock, zWho ? zWho : "another process", nMs / 1000.0);
            free(zWho);
            break;
        }
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    if (rc == KQ_OK) {
        p->bLocked = 1;
    }
    if (rc == KQ_OK && p->bPidOk) {
        /* Say who we are, for a writer that has to wait. */
        char a[32];
        int n = snprintf(a, sizeof(a), "pid %ld\n", (long)getpid());
        if (ftruncate(p->fdLock, 0) != 0 ||
            pwrite(p->fdLock, a, (size_t)n, 0) != n) {
            /* Only a courtesy: the lock is held either way. */
        }
    }
    free(zLock);
    return rc;
}

/* Digits at *pz (advanced past them) as a number of at most vMax: 0, or
** -1 if there are none or they are more. */
static int
seg_number(const char **pz, u64 vMax, u64 *pv)
{
    const char *z = *pz;
    u64 v = 0;
    if (*z < '0' || *z > '9') {
        return -1;
    }
    for (; *z >= '0' && *z <= '9'; z++) {
        u64 d = (u64)(*z - '0');
        if (v > (vMax - d) / 10) {
            return -1;
        }
        v = v * 10 + d;
    }
    *pz = z;
    *pv = v;
    return 0;
}

/* Is z, a name in the index directory, one kq writes for a segment: the
** file seg<N>.<ext> of segment N (0), its deletions seg<N>-<G>.del of
** generation G (1), or a part of a file being written, seg<N>.<ext>.part<K>
** (2, invert.c)?  -1 if none.  The seg<N>... name must be exactly what
** kqi_seg_path() or kqi_del_path() writes (N has 6 digits or more: it
** grows past 6 from segment 1,000,000 on). */
static int
seg_file(const char *z, u32 *piSeg, u64 *piGen)
{
    const char *q = z + 3;
    u64 v, g = 0;
    char *zWant = NULL;
    int eKind = -1;
    *piSeg = 0;
    *piGen = 0;
    if (strncmp(z, "seg", 3) != 0 || seg_number(&q, UINT32_MAX, &v)) {
        return -1;
    }
    if (q[0] == '-') {
        q++;
        if (seg_number(&q, UINT64_MAX, &g) == 0) {
            zWant = kqi_del_path(".", (u32)v, g);
            if (zWant && strcmp(zWant + 2, z) == 0) {
                eKind = 1;
            }
        }
    } else {
        for (int f = 0; f < KQI_NFILE && eKind < 0; f++) {
            zWant = kqi_seg_path(".", (u32)v, f);
            size_t n = zWant ? strlen(zWant + 2) : 0;
            if (zWant && strncmp(zWant + 2, z, n) == 0) {
                const char *zPart = z + n;
                if (zPart[0] == 0) {
                    eKind = 0;
                } else if (strncmp(zPart, ".part", 5) == 0) {
                    zPart += 5;
                    if (seg_number(&zPart, UINT32_MAX, &g) == 0 &&
                        zPart[0] == 0) {
                        eKind = 2;
                    }
                    g = 0;
                }
            }
            free(zWant);
            zWant = NULL;
        }
    }
    free(zWant);
    *piSeg = (u32)v;
    *piGen = g;
    return eKind;
}

/* Remove what interrupted runs left behind (with the lock held, nobody else
** writes here): run files (tmp-*), parts of a write-out (*.part*), a
** manifest never renamed into place, and files of segments the manifest
** does not name (a run killed before its commit; seg_file() says which
** names are a segment's).  Readers only ever open
** the files the manifest names.  Returns the number removed. */
static int
remove_orphans(kq_writer *p)
{
    DIR *d = opendir(p->zDir);
    if (d == NULL) {
        return 0;
    }
    int nRemoved = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *z = e->d_name;
        int bOrphan = 0;
        u32 iSeg;
        u64 iGen;
        int eKind = seg_file(z, &iSeg, &iGen);
        if (strncmp(z, "tmp-", 4) == 0 ||
            strcmp(z, KQI_MANIFEST ".tmp") == 0 || eKind == 2) {
            bOrphan = 1;
        } else if (eKind == 1) {
            /* Deletions: only the file the manifest names is current. */
            bOrphan = 1;
            for (u32 i = 0; i < p->man.nSeg; i++) {
                if (p->man.aSeg[i].iSeg == iSeg &&
                    p->man.aSeg[i].delGen == iGen) {
                    bOrphan = 0;
                }
            }
        } else if (eKind == 0) {
            bOrphan = 1;
            for (u32 i = 0; i < p->man.nSeg; i++) {
                if (p->man.aSeg[i].iSeg == iSeg) {
                    bOrphan = 0; /* a file of a committed segment */
                }
            }
        }
        if (bOrphan) {
            char *zPath = kq_mprintf("%s/%s", p->zDir, z);
            if (zPath && unlink(zPath) == 0) {
                nRemoved++;
            }
            free(zPath);
        }
    }
    closedir(d);
    return nRemoved;
}

int
kq_writer_open(const char *zDir, const kq_writer_opts *pOpts,
               kq_writer **ppOut, char **pzErr)
{
    *ppOut = NULL;
    if (pOpts &&
        (pOpts->iVersion < 1 || pOpts->iVersion > KQ_WRITER_OPTS_VERSION)) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "kq_writer_opts version %d: this library reads "
                       "versions 1 to %d (start from KQ_WRITER_OPTS_INIT)",
                       pOpts->iVersion, KQ_WRITER_OPTS_VERSION);
    }
    kq_writer *p = calloc(1, sizeof(*p));
    if (p == NULL || (p->zDir = strdup(zDir)) == NULL) {
        free(p);
        return KQ_NOMEM;
    }
    if (pOpts && pOpts->bXapian) {
        /* The library chooses the backend: a Xapian database through
        ** xbackend.c, behind the same kq_writer. */
        int rc = kqi_xwriter_open(zDir, pOpts, &p->pX, pzErr);
        if (rc) {
            free(p->zDir);
            free(p);
            return rc;
        }
        *ppOut = p;
        return KQ_OK;
    }
    p->fdLock = -1;
    p->nMemory = (pOpts && pOpts->nMemory) ? pOpts->nMemory
                                           : KQ_DEFAULT_MEMORY;
    p->bNoMerge = pOpts ? pOpts->bNoMerge : 0;
    p->nMaxSegment = pOpts && pOpts->nMaxSegment ? pOpts->nMaxSegment
                                                 : KQ_DEFAULT_MAX_SEGMENT;
    p->nMergeBudget = pOpts ? pOpts->nMergeBudget : 0;
    p->xMergeProgress = pOpts ? pOpts->xMergeProgress : NULL;
    p->pMergeCtx = pOpts ? pOpts->pMergeCtx : NULL;
    p->bTrackSeen = pOpts ? pOpts->bTrackSeen : 0;
    p->bDetectLang = pOpts ? pOpts->bDetectLang : 0;
    const char *zLang = pOpts ? pOpts->zLang : NULL;
    int rc = KQ_OK;

    if (mkdir(zDir, 0755) != 0 && errno != EEXIST) {
        rc = kqi_err(pzErr, KQ_IOERR, "%s: cannot create directory: %s", zDir,
                     strerror(errno));
        goto fail;
    }
    struct stat st;
    if (stat(zDir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        rc = kqi_err(pzErr, KQ_IOERR, "%s: not a directory", zDir);
        goto fail;
    }
    int nWaitMs = pOpts ? pOpts->nLockWaitMs : 0;
    rc = lock_index(p,
                    nWaitMs < 0 ? 0
                    : nWaitMs   ? nWaitMs
                                : KQ_DEFAULT_LOCK_WAIT_MS,
                    pzErr);
    if (rc) {
        goto fail;
    }
    rc = kqi_manifest_read(zDir, &p->man, pzErr);
    if (rc == KQ_NOTFOUND) {
        /* A new index. */
        if (pzErr) {
            free(*pzErr);
            *pzErr = NULL;
        }
        memset(&p->man, 0, sizeof(p->man));
        const char *z = zLang ? zLang : KQ_DEFAULT_LANG;
        if (kqi_lang_name(z, strlen(z), p->man.zLang) != KQ_OK) {
            rc = kqi_err(pzErr, KQ_NOTFOUND, "unknown language \"%s\"", z);
            goto fail;
        }
        p->man.nTitleWeight = KQI_TITLE_WEIGHT;
        rc = KQ_OK;
    } else if (rc) {
        goto fail;
    } else if (zLang && strcmp(zLang, p->man.zLang) != 0) {
        rc = kqi_err(pzErr, KQ_MISUSE,
                     "%s: the index uses language \"%s\", "
                     "not \"%s\"",
                     zDir, p->man.zLang, zLang);
        goto fail;
    }
    p->nInv = (pOpts && pOpts->nThread > 1) ? pOpts->nThread : 1;
    if (p->nInv > KQ_MAX_THREADS) {
        p->nInv = KQ_MAX_THREADS;
    }
    pthread_mutex_init(&p->muRun, NULL);
    p->bMu = 1;
    for (int i = 0; i < p->nInv; i++) {
        rc = kqi_inv_new(p->man.zLang, p->man.nTitleWeight, &p->aInv[i]);
        if (rc) {
            rc = kqi_err(pzErr, rc, "unknown language \"%s\"", p->man.zLang);
            goto fail;
        }
    }
    if (p->nInv > 1 && (rc = start_workers(p, pzErr)) != KQ_OK) {
        goto fail;
    }
    for (u32 i = 0; i < p->man.nSeg; i++) {
        p->nDocBefore += p->man.aSeg[i].nDoc;
        if (p->man.aSeg[i].iSeg >= p->iSeg) {
            p->iSeg = p->man.aSeg[i].iSeg + 1;
        }
    }
    if (p->iSeg == 0) {
        p->iSeg = 1;
    }
    p->stats.nOrphan = (uint32_t)remove_orphans(p);
    *ppOut = p;
    return KQ_OK;

fail:
    kq_writer_close(p);
    return rc;
}

/* Open the new segment's .docs and .store files on the first document. */
static int
open_segment(kq_writer *p, char **pzErr)
{
    char *zDocs = kqi_seg_path(p->zDir, p->iSeg, KQI_F_DOCS);
    char *zStore = kqi_seg_path(p->zDir, p->iSeg, KQI_F_STORE);
    int rc = KQ_NOMEM;
    if (zDocs && zStore) {
        kqi_wfile_open(&p->docsFile, zDocs);
        kqi_wfile_open(&p->storeFile, zStore);
        p->bOpenSeg = 1;
        rc = p->docsFile.rc ? p->docsFile.rc : p->storeFile.rc;
        if (rc) {
            kqi_err(pzErr, rc, "%s",
                    p->docsFile.zErr ? p->docsFile.zErr : p->storeFile.zErr);
        } else {
            rc = kqi_docw_new(&p->docsFile, &p->storeFile, &p->pDocw);
            if (rc == KQ_OK && p->nInv > 1) {
                kqi_docw_set_deferred(p->pDocw); /* workers compress */
            }
        }
    }
    free(zDocs);
    free(zStore);
    return rc;
}

/* Write inverter q's table out as a new run (from any thread). */
static int
spill_inv(kq_writer *p, kqi_inv *q, char **pzErr)
{
    if (kqi_inv_empty(q)) {
        return KQ_OK;
    }
    char *az[3];
    pthread_mutex_lock(&p->muRun);
    u32 iRun = p->nRun;
    run *a = realloc(p->aRun, sizeof(run) * (p->nRun + 1));
    int rc = a ? KQ_OK : KQ_NOMEM;
    if (a) {
        p->aRun = a;
        for (int f = 0; f < 3; f++) {
            az[f] = kq_mprintf("%s/tmp-seg%06u-run%u.%s", p->zDir, p->iSeg,
                               iRun, kqi_file_ext[f]);
            a[iRun].azPath[f] = az[f];
            if (az[f] == NULL) {
                rc = KQ_NOMEM;
            }
        }
        /* Listed even if incomplete, so that remove_runs() cleans up. */
        p->nRun++;
        p->stats.nSpill++;
    }
    pthread_mutex_unlock(&p->muRun);
    if (rc == KQ_OK) {
        rc = kqi_inv_write(&q, 1, az, NULL, 0, NULL, NULL, pzErr);
    }
    kqi_inv_clear(q);
    /* Hand the freed table back to the system: the next run, or the merge
    ** with its mapped files, must fit in the budget too.  (Not under
    ** AddressSanitizer: it has its own allocator, and glibc's malloc_trim()
    ** called from a worker thread then crashes on an arena it never made.) */
#ifndef __SANITIZE_ADDRESS__
    malloc_trim(0);
#endif
    return rc;
}

/**************************************************************************
** -j N: the workers.
*/
/* Invert batch b and encode its store blocks; an error is returned with
** its message in *pzErr. */
static int
invert_batch(worker *w, batch *b, char **pzErr)
{
    int rc = KQ_OK;
    for (u32 i = 0; i < b->nDoc && rc == KQ_OK; i++) {
        bdoc *d = &b->aDoc[i];
        const char *z = (const char *)b->text.a;
        kq_field aField[KQ_MAX_FIELDS];
        kq_doc doc;
        memset(&doc, 0, sizeof(doc));
        doc.zTitle = z + d->oTitle;
        doc.nTitle = d->nTitle;
        doc.zBody = z + d->oBody;
        doc.nBody = d->nBody;
        doc.zSource = z + d->oSource;
        doc.nSource = d->nSource;
        doc.zDate = z + d->oDate;
        doc.nDate = d->nDate;
        doc.zLang = z + d->oLang;
        doc.nLang = d->nLang;
        /* Our own packing of fields kq_writer_add() checked. */
        const u8 *pF = b->text.a + d->oField;
        if (kqi_fields_count(pF, d->nField, &doc.nField)) {
            return kqi_err(pzErr, KQ_MISUSE, "bad packed fields");
        }
        for (int k = 0; k < doc.nField; k++) {
            kqi_fields_get(pF, d->nField, k, &aField[k]);
        }
        doc.aField = aField;
        rc = kqi_inv_add(w->pInv, b->iDoc0 + i, &doc, &d->nLen, &d->nTok,
                         &d->nSig);
    }
    if (rc) {
        return kqi_analysis_err(pzErr, rc);
    }
    /* The bodies' store blocks, for the caller's thread to append. */
    if (b->nDoc > w->nBodyAlloc) {
        free(w->azBody);
        free(w->anBody);
        w->azBody = malloc(sizeof(char *) * b->nDoc);
        w->anBody = malloc(sizeof(size_t) * b->nDoc);
        w->nBodyAlloc = b->nDoc;
        if (w->azBody == NULL || w->anBody == NULL) {
            w->nBodyAlloc = 0;
            return kqi_err(pzErr, KQ_NOMEM, "out of memory");
        }
    }
    for (u32 i = 0; i < b->nDoc; i++) {
        w->azBody[i] = (const char *)b->text.a + b->aDoc[i].oBody;
        w->anBody[i] = b->aDoc[i].nBody;
    }
    b->store.n = 0;
    b->storeOffs.n = 0;
    rc = kqi_store_encode(&w->pCC, b->pCDict, w->azBody, w->anBody, b->nDoc,
                          &b->store, &b->storeOffs);
    if (rc) {
        return kqi_err(pzErr, rc, "out of memory compressing text");
    }
    /* A worker's share of the budget: what the document table leaves,
    ** divided between the workers. */
    kq_writer *p = w->pW;
    size_t nDocw = atomic_load_explicit(&p->nDocwMem, memory_order_relaxed);
    size_t nShare = p->nMemory > nDocw ? (p->nMemory - nDocw) / (size_t)p->nInv
                                       : 0;
    if (kqi_inv_memory(w->pInv) > nShare) {
        rc = spill_inv(p, w->pInv, pzErr);
    }
    return rc;
}

static void *
worker_main(void *pArg)
{
    worker *w = pArg;
    kq_writer *p = w->pW;
    pthread_mutex_lock(&p->muQ);
    for (;;) {
        while (p->iNextWork == p->nBatch && !p->bStop) {
            pthread_cond_wait(&p->cvQ, &p->muQ);
        }
        if (p->iNextWork == p->nBatch) {
            break; /* stopping, and nothing queued */
        }
        batch *b = &p->aQ[p->iNextWork++ % (u64)p->nQ];
        b->eState = B_BUSY;
        int bFailed = p->rcWk != KQ_OK;
        pthread_mutex_unlock(&p->muQ);
        char *zErr = NULL;
        int rc = bFailed ? KQ_OK : invert_batch(w, b, &zErr);
        pthread_mutex_lock(&p->muQ);
        if (rc && p->rcWk == KQ_OK) {
            p->rcWk = rc;
            p->zErrWk = zErr;
        } else {
            free(zErr);
        }
        b->eState = B_DONE;
        pthread_cond_broadcast(&p->cvQ);
    }
    pthread_mutex_unlock(&p->muQ);
    return NULL;
}

static int
start_workers(kq_writer *p, char **pzErr)
{
    p->nQ = 2 * p->nInv;
    p->aWk = calloc((size_t)p->nInv, sizeof(worker));
    p->aQ = calloc((size_t)p->nQ, sizeof(batch));
    if (p->aWk == NULL || p->aQ == NULL) {
        return KQ_NOMEM;
    }
    pthread_mutex_init(&p->muQ, NULL);
    pthread_cond_init(&p->cvQ, NULL);
    for (int i = 0; i < p->nInv; i++) {
        worker *w = &p->aWk[i];
        w->pW = p;
        w->pInv = p->aInv[i];
        if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
            return kqi_err(pzErr, KQ_NOMEM, "cannot start a thread: %s",
                           strerror(errno));
        }
        w->bThread = 1;
    }
    return KQ_OK;
}

static void
stop_workers(kq_writer *p)
{
    if (p->aWk == NULL) {
        return;
    }
    pthread_mutex_lock(&p->muQ);
    p->bStop = 1;
    pthread_cond_broadcast(&p->cvQ);
    pthread_mutex_unlock(&p->muQ);
    for (int i = 0; i < p->nInv; i++) {
        worker *w = &p->aWk[i];
        if (w->bThread) {
            pthread_join(w->th, NULL);
        }
        free(w->azBody);
        free(w->anBody);
        ZSTD_freeCCtx(w->pCC);
    }
    for (int q = 0; p->aQ && q < p->nQ; q++) {
        free(p->aQ[q].aDoc);
        kq_buf_free(&p->aQ[q].text);
        kq_buf_free(&p->aQ[q].store);
        kq_buf_free(&p->aQ[q].storeOffs);
    }
    pthread_mutex_destroy(&p->muQ);
    pthread_cond_destroy(&p->cvQ);
    free(p->zErrWk);
    free(p->aWk);
    free(p->aQ);
    p->aWk = NULL;
    p->aQ = NULL;
}

/* Wait for batch number iB to be inverted and take it back: its documents'
** lengths go into the document table, its store blocks into the store.
** Batches are taken back in order, so the store stays in document order.
** Returns a worker's error, if one had any. */
static int
take_back(kq_writer *p, u64 iB, char **pzErr)
{
    batch *b = &p->aQ[iB % (u64)p->nQ];
    pthread_mutex_lock(&p->muQ);
    while (b->eState == B_FULL || b->eState == B_BUSY) {
        pthread_cond_wait(&p->cvQ, &p->muQ);
    }
    int rc = p->rcWk;
    if (rc) {
        kqi_err(pzErr, rc, "%s", p->zErrWk ? p->zErrWk : kq_errstr(rc));
    }
    pthread_mutex_unlock(&p->muQ);
    if (b->eState == B_DONE) {
        for (u32 i = 0; i < b->nDoc; i++) {
            kqi_docw_set_len(p->pDocw, b->iDoc0 + i, b->aDoc[i].nLen,
                             b->aDoc[i].nSig);
            p->nToken += b->aDoc[i].nLen;
            p->stats.nToken += b->aDoc[i].nTok;
        }
        if (rc == KQ_OK) {
            rc = kqi_docw_put_blocks(p->pDocw, b->store.a, b->store.n,
                                     b->storeOffs.a, b->storeOffs.n / 8);
            if (rc) {
                kqi_err(pzErr, rc, "%s",
                        p->storeFile.zErr ? p->storeFile.zErr
                                          : "cannot write the stored text");
            }
        }
        b->eState = B_FREE;
        b->nDoc = 0;
        b->text.n = 0;
        b->nTextBytes = 0;
    }
    return rc;
}

/* Queue the batch being filled (bLast: the segment's last, not full).
** The first of a segment gives the segment its store dictionary. */
static void
submit(kq_writer *p, int bLast)
{
    kqi_docw_end_batch(p->pDocw);
    batch *b = p->pFill;
    if (!kqi_docw_has_dict(p->pDocw)) {
        for (u32 i = 0; i < b->nDoc; i++) {
            kqi_docw_sample(p->pDocw,
                            (const char *)b->text.a + b->aDoc[i].oBody,
                            b->aDoc[i].nBody);
        }
        kqi_docw_sample_end(p->pDocw, bLast);
    }
    b->pCDict = kqi_docw_cdict(p->pDocw);
    pthread_mutex_lock(&p->muQ);
    p->pFill->eState = B_FULL;
    p->nBatch++;
    pthread_cond_broadcast(&p->cvQ);
    pthread_mutex_unlock(&p->muQ);
    p->pFill = NULL;
}

/* Add document iDoc to the batch being filled (starting one if needed). */
static int
batch_add(kq_writer *p, const kq_doc *d, u32 iDoc, char **pzErr)
{
    if (p->pFill == NULL) {
        /* Its slot held batch nBatch - nQ: take that one back first. */
        if (p->nBatch >= (u64)p->nQ) {
            int rc = take_back(p, p->nBatch - (u64)p->nQ, pzErr);
            if (rc) {
                return rc;
            }
        }
        p->pFill = &p->aQ[p->nBatch % (u64)p->nQ];
        p->pFill->iDoc0 = iDoc;
    }
    batch *b = p->pFill;
    if (kq_grow(&b->aDoc, sizeof(bdoc), &b->nDocAlloc, (size_t)b->nDoc + 1,
                64)) {
        return kqi_err(pzErr, KQ_NOMEM, "out of memory");
    }
    bdoc *x = &b->aDoc[b->nDoc++];
    x->oTitle = b->text.n;
    x->nTitle = d->nTitle;
    kq_buf_append(&b->text, d->zTitle, d->nTitle);
    x->oBody = b->text.n;
    x->nBody = d->nBody;
    kq_buf_append(&b->text, d->zBody, d->nBody);
    x->oSource = b->text.n;
    x->nSource = d->nSource;
    kq_buf_append(&b->text, d->zSource, d->nSource);
    x->oDate = b->text.n;
    x->nDate = d->nDate;
    kq_buf_append(&b->text, d->zDate, d->nDate);
    x->oField = b->text.n;
    if (d->nField > 0) {
        kqi_fields_pack(&b->text, d->aField, d->nField);
    }
    x->nField = b->text.n - x->oField;
    x->oLang = b->text.n;
    x->nLang = d->zLang ? d->nLang : 0;
    kq_buf_append(&b->text, d->zLang, x->nLang);
    x->nLen = 0;
    x->nTok = 0;
    x->nSig = 0;
    if (b->text.rc) {
        return kqi_err(pzErr, KQ_NOMEM, "out of memory");
    }
    b->nTextBytes += d->nTitle + d->nBody;
    if (b->nTextBytes >= BATCH_BYTES || b->nDoc >= BATCH_DOCS) {
        submit(p, 0);
    }
    return KQ_OK;
}

/* Hand over the last batch and take back every batch still out. */
static int
drain_workers(kq_writer *p, char **pzErr)
{
    if (p->pFill) {
        submit(p, 1);
    }
    int rc = KQ_OK;
    u64 nOut = (u64)p->nQ;
    for (u64 b = p->nBatch > nOut ? p->nBatch - nOut : 0; b < p->nBatch; b++) {
        int rc2 = take_back(p, b, pzErr);
        if (rc == KQ_OK) {
            rc = rc2;
        }
    }
    return rc;
}

/**************************************************************************
** Documents by id.  A new document's id is looked up in this session's
** table, then in the committed segments (their id tables, doctab.c),
** newest first; the index holds at most one live document per id.
*/
static void
close_readers(kq_writer *p)
{
    if (!p->bReaders) {
        return;
    }
    for (u32 i = 0; i < p->man.nSeg; i++) {
        kqi_segment_close(&p->aSegR[i]);
        free(p->aPend[i]);
    }
    free(p->aSegR);
    free(p->aPend);
    free(p->anPendDel);
    free(p->anPendTok);
    p->aSegR = NULL;
    p->aPend = NULL;
    p->anPendDel = NULL;
    p->anPendTok = NULL;
    p->bReaders = 0;
    p->bPending = 0;
}

static int
open_readers(kq_writer *p, char **pzErr)
{
    if (p->bReaders) {
        return KQ_OK;
    }
    u32 n = p->man.nSeg ? p->man.nSeg : 1;
    p->aSegR = calloc(n, sizeof(kqi_segment));
    p->aPend = calloc(n, sizeof(u8 *));
    p->anPendDel = calloc(n, sizeof(u32));
    p->anPendTok = calloc(n, sizeof(u64));
    p->bReaders = 1;
    if (!p->aSegR || !p->aPend || !p->anPendDel || !p->anPendTok) {
        close_readers(p);
        return KQ_NOMEM;
    }
    u32 iBase = 0;
    for (u32 i = 0; i < p->man.nSeg; i++) {
        int rc = kqi_segment_open(&p->aSegR[i], p->zDir, &p->man.aSeg[i],
                                  pzErr);
        p->aSegR[i].iBase = iBase;
        iBase += p->man.aSeg[i].nDoc;
        p->anPendDel[i] = p->man.aSeg[i].nDel;
        p->anPendTok[i] = p->man.aSeg[i].nDelToken;
        if (rc) {
            close_readers(p);
            return rc;
        }
    }
    return KQ_OK;
}

static const u8 *
seg_deletions(const kq_writer *p, u32 i)
{
    return p->aPend[i] ? p->aPend[i] : p->aSegR[i].aDel;
}

static int
bit_set(u8 **pa, u32 nDoc, const u8 *aFrom, u32 iDoc)
{
    if (*pa == NULL) {
        size_t n = ((size_t)nDoc + 7) / 8;
        *pa = calloc(n ? n : 1, 1);
        if (*pa == NULL) {
            return KQ_NOMEM;
        }
        if (aFrom) {
            memcpy(*pa, aFrom, n);
        }
    }
    (*pa)[iDoc >> 3] |= (u8)(1u << (iDoc & 7));
    return KQ_OK;
}

static int
delete_committed(kq_writer *p, u32 i, u32 iDoc)
{
    kqi_segment *s = &p->aSegR[i];
    int rc = bit_set(&p->aPend[i], s->meta.nDoc, s->aDel, iDoc);
    if (rc == KQ_OK) {
        p->anPendDel[i]++;
        p->anPendTok[i] += kqi_docs_len(&s->docs, iDoc);
        p->bPending = 1;
    }
    return rc;
}

/* The live committed document with this id: KQ_OK with *piSeg, *piDoc and
** its content hash, or KQ_NOTFOUND. */
static int
find_committed(kq_writer *p, const char *zId, size_t nId, u64 h, u32 *piSeg,
               u32 *piDoc, u64 *pContent, char **pzErr)
{
    int rc = open_readers(p, pzErr);
    for (u32 i = p->man.nSeg; rc == KQ_OK && i-- > 0;) {
        rc = kqi_docs_find(&p->aSegR[i].docs, zId, nId, h, seg_deletions(p, i),
                           piDoc, pContent, pzErr);
        if (rc == KQ_OK) {
            *piSeg = i;
            return KQ_OK;
        }
        if (rc == KQ_NOTFOUND) {
            rc = KQ_OK;
        }
    }
    return rc ? rc : KQ_NOTFOUND;
}

static u32
id_chk(const char *zId, size_t nId)
{
    return (u32)kqi_hash64(zId, nId, 0x5eed5eedULL);
}

/* The session's slot for (h, chk): the entry, or the empty slot where it
** would go. */
static sessent *
sess_slot(kq_writer *p, u64 h, u32 chk)
{
    for (u32 i = (u32)h & p->nHtMask;; i = (i + 1) & p->nHtMask) {
        sessent *e = &p->aHt[i];
        if (e->iDoc1 == 0 || (e->idHash == h && e->chk == chk)) {
            return e;
        }
    }
}

static int
sess_grow(kq_writer *p)
{
    u32 nNew = p->nHtMask ? 2 * (p->nHtMask + 1) : 1024;
    sessent *aOld = p->aHt;
    u32 nOld = p->nHtMask ? p->nHtMask + 1 : 0;
    p->aHt = calloc(nNew, sizeof(sessent));
    if (p->aHt == NULL) {
        p->aHt = aOld;
        return KQ_NOMEM;
    }
    p->nHtMask = nNew - 1;
    for (u32 i = 0; i < nOld; i++) {
        if (aOld[i].iDoc1) {
            *sess_slot(p, aOld[i].idHash, aOld[i].chk) = aOld[i];
        }
    }
    free(aOld);
    return KQ_OK;
}

static int
sess_delete(kq_writer *p, u32 iDoc)
{
    size_t nNeed = (size_t)iDoc / 8 + 1;
    if (p->sessDel.n < nNeed) {
        size_t nOld = p->sessDel.n;
        if (kqi_buf_reserve(&p->sessDel, nNeed - nOld)) {
            return KQ_NOMEM;
        }
        memset(p->sessDel.a + nOld, 0, nNeed - nOld);
        p->sessDel.n = nNeed;
    }
    p->sessDel.a[iDoc >> 3] |= (u8)(1u << (iDoc & 7));
    p->nSessDel++;
    return KQ_OK;
}

static void
sess_reset(kq_writer *p)
{
    free(p->aHt);
    p->aHt = NULL;
    p->nHtMask = 0;
    p->nHt = 0;
    kq_buf_free(&p->sessDel);
    p->nSessDel = 0;
}

/* The operations a Xapian writer does not have. */
static int
native_only(const kq_writer *p, const char *zWhat, char **pzErr)
{
    if (p->pX == NULL) {
        return KQ_OK;
    }
    return kqi_err(pzErr, KQ_MISUSE, "%s needs a native kq index", zWhat);
}

int
kq_writer_delete(kq_writer *p, const char *zId, size_t nId, char **pzErr)
{
    if (p->pX) {
        return kqi_xwriter_delete(p->pX, zId, nId, pzErr);
    }
    u64 h = kqi_hash64(zId, nId, KQI_ID_SEED);
    if (p->nHtMask) {
        sessent *e = sess_slot(p, h, id_chk(zId, nId));
        if (e->iDoc1 && !(e->iDoc1 - 1 < p->sessDel.n * 8 &&
                          kqi_is_deleted(p->sessDel.a, e->iDoc1 - 1))) {
            p->stats.nDelete++;
            return sess_delete(p, e->iDoc1 - 1);
        }
    }
    u32 iSeg, iDoc;
    u64 content;
    int rc = find_committed(p, zId, nId, h, &iSeg, &iDoc, &content, pzErr);
    if (rc == KQ_OK) {
        rc = delete_committed(p, iSeg, iDoc);
        p->stats.nDelete++;
    }
    return rc;
}

static int
seen_has(const kq_writer *p, u64 h)
{
    h |= 1; /* 0 marks an empty slot */
    for (u32 i = (u32)h & p->nSeenMask;; i = (i + 1) & p->nSeenMask) {
        if (p->aSeenH[i] == h) {
            return 1;
        }
        if (p->aSeenH[i] == 0) {
            return 0;
        }
    }
}

static int
seen_add(kq_writer *p, u64 h)
{
    if ((p->nSeenH + 1) * 2 > p->nSeenMask) {
        u32 nOld = p->nSeenMask ? p->nSeenMask + 1 : 0;
        u32 nNew = nOld ? 2 * nOld : 1024;
        u64 *aOld = p->aSeenH;
        p->aSeenH = calloc(nNew, sizeof(u64));
        if (p->aSeenH == NULL) {
            p->aSeenH = aOld;
            return KQ_NOMEM;
        }
        p->nSeenMask = nNew - 1;
        p->nSeenH = 0;
        for (u32 i = 0; i < nOld; i++) {
            if (aOld[i]) {
                seen_add(p, aOld[i]);
            }
        }
        free(aOld);
    }
    h |= 1;
    u32 i = (u32)h & p->nSeenMask;
    while (p->aSeenH[i] != 0 && p->aSeenH[i] != h) {
        i = (i + 1) & p->nSeenMask;
    }
    if (p->aSeenH[i] == 0) {
        p->aSeenH[i] = h;
        p->nSeenH++;
    }
    return KQ_OK;
}

int
kq_writer_delete_unseen(kq_writer *p, uint64_t *pnDel, char **pzErr)
{
    int rcX = native_only(p, "deleting documents", pzErr);
    if (rcX) {
        *pnDel = 0;
        return rcX;
    }
    *pnDel = 0;
    if (!p->bTrackSeen) {
        return KQ_MISUSE;
    }
    /* Commit first: documents of this session are all seen, and the
    ** committed segments' id tables give every document's id hash. */
    int rc = commit_session(p, pzErr);
    if (rc == KQ_OK) {
        rc = open_readers(p, pzErr);
    }
    for (u32 i = 0; rc == KQ_OK && i < p->man.nSeg; i++) {
        const kqi_docs *d = &p->aSegR[i].docs;
        rc = kqi_docs_ids_check(d, pzErr);
        for (u32 k = 0; rc == KQ_OK && k < d->nDoc; k++) {
            const u8 *e = KQI_IDENT_AT(d->aIds, k);
            u32 iDoc = KQI_IDENT_DOCID(e);
            if (iDoc >= d->nDoc) {
                rc = kqi_err(pzErr, KQ_CORRUPT, "%s: bad id table",
                             d->pDocs->zPath);
            } else if (!kqi_is_deleted(seg_deletions(p, i), iDoc) &&
                       !(p->nSeenMask && seen_has(p, KQI_IDENT_HASH(e)))) {
                rc = delete_committed(p, i, iDoc);
                (*pnDel)++;
            }
        }
    }
    p->stats.nDelete += *pnDel;
    return rc;
}

/* Before adding document d: is it new, a new version, or unchanged?
** *pbSkip = 1 if unchanged; an older version is marked deleted. */
static int
resolve_id(kq_writer *p, const kq_doc *d, u64 h, u32 chk, u64 content,
           int *pbSkip, char **pzErr)
{
    *pbSkip = 0;
    if (p->nHtMask) {
        sessent *e = sess_slot(p, h, chk);
        u32 iOld = e->iDoc1 - 1;
        if (e->iDoc1 &&
            !(iOld < p->sessDel.n * 8 && kqi_is_deleted(p->sessDel.a, iOld))) {
            if (e->contentHash == content) {
                *pbSkip = 1;
                p->stats.nSkip++;
                return KQ_OK;
            }
            p->stats.nReplace++;
            return sess_delete(p, iOld);
        }
    }
    u32 iSeg, iDoc;
    u64 old;
    int rc = find_committed(p, d->zId, d->nId, h, &iSeg, &iDoc, &old, pzErr);
    if (rc == KQ_NOTFOUND) {
        return KQ_OK;
    }
    if (rc == KQ_OK) {
        if (old == content) {
            *pbSkip = 1;
            p->stats.nSkip++;
            return KQ_OK;
        }
        p->stats.nReplace++;
        rc = delete_committed(p, iSeg, iDoc);
    }
    return rc;
}

static int
sess_add(kq_writer *p, u64 h, u32 chk, u64 content, u32 iDoc)
{
    if ((p->nHt + 1) * 2 > p->nHtMask && sess_grow(p)) {
        return KQ_NOMEM;
    }
    sessent *e = sess_slot(p, h, chk);
    if (e->iDoc1 == 0) {
        p->nHt++;
    }
    e->idHash = h;
    e->chk = chk;
    e->contentHash = content;
    e->iDoc1 = iDoc + 1;
    return KQ_OK;
}

/* Is the document's language one Snowball has?  The last one checked is
** remembered: documents of a language mostly come in runs. */
static int
lang_check(kq_writer *p, const kq_doc *d, char **pzErr)
{
    char aName[KQI_MAX_LANG];
    if (kqi_lang_name(d->zLang, d->nLang, aName) != KQ_OK) {
        return kqi_err(pzErr, KQ_NOTFOUND, "unknown language '%.*s'",
                       KQI_QUOTE_LEN(d->nLang), d->zLang);
    }
    if (strcmp(aName, p->aLastLang) == 0) {
        return KQ_OK;
    }
    kq_analyzer *pA;
    if (kq_analyzer_new(aName, &pA) != KQ_OK) {
        return kqi_err(pzErr, KQ_NOTFOUND,
                       "unknown language '%s' (kq-index "
                       "--lang list shows the languages)",
                       aName);
    }
    kq_analyzer_free(pA);
    memcpy(p->aLastLang, aName, d->nLang + 1);
    return KQ_OK;
}

int
kqi_analysis_err(char **pzErr, int rc)
{
    if (rc == KQ_IOERR) {
        return kqi_err(pzErr, rc, "cannot analyse the text: %s",
                       kqi_icu_error());
    }
    return kqi_err(pzErr, rc, "out of memory analysing a document");
}

const kq_doc *
kqi_doc_lang_detected(const kq_doc *d, kq_doc *pTmp)
{
    if (d->zLang && d->nLang) {
        return d;
    }
    /* The body says most; a document of a title alone, its title. */
    const char *zLang = d->nBody ? kq_lang_detect(d->zBody, d->nBody)
                                 : kq_lang_detect(d->zTitle, d->nTitle);
    if (zLang == NULL) {
        return d;
    }
    *pTmp = *d;
    pTmp->zLang = zLang;
    pTmp->nLang = strlen(zLang);
    return pTmp;
}

int
kq_writer_add(kq_writer *p, const kq_doc *d, char **pzErr)
{
    if (p->pX) {
        return kqi_xwriter_add(p->pX, d, pzErr);
    }
    kq_doc dUndated;
    int rc0;
    d = kqi_doc_date_checked(d, &dUndated);
    if ((rc0 = kq_id_check(d->zId, d->nId, pzErr)) != KQ_OK) {
        return rc0;
    }
    /* Docids are 32-bit across the whole index. */
    u64 nAll = p->nDocBefore + p->nDoc;
    if (nAll >= KQ_DOCID_EOF - 1) {
        return kqi_err(pzErr, KQ_MISUSE, "the index is full (%llu documents)",
                       (unsigned long long)nAll);
    }
    if (d->nField < 0 || d->nField > KQ_MAX_FIELDS) {
        return kqi_err(pzErr, KQ_MISUSE, "more than %d extra fields",
                       KQ_MAX_FIELDS);
    }
    for (int i = 0; i < d->nField; i++) {
        if (!kqi_field_name_ok(d->aField[i].zName, d->aField[i].nName)) {
            return kqi_err(pzErr, KQ_MISUSE,
                           "bad field name '%.*s' (want "
                           "[a-z][a-z0-9_]*, at most %d bytes, not a built-in "
                           "field)",
                           KQI_QUOTE_LEN(d->aField[i].nName),
                           d->aField[i].zName, KQ_MAX_FIELD_NAME);
        }
    }
    kq_doc dDetected;
    if (p->bDetectLang) {
        d = kqi_doc_lang_detected(d, &dDetected);
    }
    if (d->zLang && d->nLang && (rc0 = lang_check(p, d, pzErr)) != KQ_OK) {
        return rc0;
    }
    u64 h = kqi_hash64(d->zId, d->nId, KQI_ID_SEED);
    u32 chk = id_chk(d->zId, d->nId);
    u64 content = kqi_doc_hash(d);
    int bSkip;
    int rc = p->bTrackSeen ? seen_add(p, h) : KQ_OK;
    if (rc == KQ_OK) {
        rc = resolve_id(p, d, h, chk, content, &bSkip, pzErr);
    }
    if (rc || bSkip) {
        return rc;
    }
    if (!p->bOpenSeg && (rc = open_segment(p, pzErr)) != KQ_OK) {
        return rc;
    }
    u32 iDoc = p->nDoc;
    if ((rc = sess_add(p, h, chk, content, iDoc)) != KQ_OK) {
        return rc;
    }
    u32 nLen = 0, nTok = 0;
    u64 sig = 0;
    if (p->nInv == 1) {
        rc = kqi_inv_add(p->aInv[0], iDoc, d, &nLen, &nTok, &sig);
        if (rc) {
            return kqi_analysis_err(pzErr, rc);
        }
    }
    rc = kqi_docw_add(p->pDocw, d, nLen, sig, h, content);
    if (rc) {
        return kqi_err(pzErr, rc, "%s",
                       p->docsFile.zErr ? p->docsFile.zErr
                       : p->storeFile.zErr
                           ? p->storeFile.zErr
                           : "cannot write the document table");
    }
    p->nDoc++;
    p->stats.nDoc++;
    p->stats.nByteIn += d->nTitle + d->nBody;
    size_t nDocw = kqi_docw_memory(p->pDocw) +
                   (p->nHtMask + 1) * sizeof(sessent) + p->sessDel.nAlloc;
    if (p->nInv > 1) {
        atomic_store_explicit(&p->nDocwMem, nDocw, memory_order_relaxed);
        return batch_add(p, d, iDoc, pzErr);
    }
    p->nToken += nLen;
    p->stats.nToken += nTok;
    /* Where -j N would end a batch, end the store block. */
    p->nFillBytes += d->nTitle + d->nBody;
    if (p->nFillBytes >= BATCH_BYTES || ++p->nFillDocs >= BATCH_DOCS) {
        kqi_docw_end_batch(p->pDocw);
        p->nFillBytes = 0;
        p->nFillDocs = 0;
    }
    if (kqi_inv_memory(p->aInv[0]) + nDocw > p->nMemory) {
        rc = spill_inv(p, p->aInv[0], pzErr);
    }
    return rc;
}

static void
remove_runs(kq_writer *p)
{
    for (u32 i = 0; i < p->nRun; i++) {
        for (int f = 0; f < 3; f++) {
            unlink(p->aRun[i].azPath[f]);
            free(p->aRun[i].azPath[f]);
        }
    }
    free(p->aRun);
    p->aRun = NULL;
    p->nRun = 0;
}

/* Remove the files of segment m (all five, and its deletions). */
static void
unlink_segment(const char *zDir, const kqi_segmeta *m)
{
    for (int f = 0; f < KQI_NFILE; f++) {
        char *z = kqi_seg_path(zDir, m->iSeg, f);
        if (z) {
            unlink(z);
        }
        free(z);
    }
    if (m->delGen) {
        char *z = kqi_del_path(zDir, m->iSeg, m->delGen);
        if (z) {
            unlink(z);
        }
        free(z);
    }
}

/* Replace the manifest with pNew (its generation one more than the current
** one).  aOld: segment records of the current manifest whose files the new
** one no longer uses (removed after the commit; a reader that has them
** open keeps them, one that is opening retries, index.c).  On failure the
** files named by aNew (records new in pNew) are removed. */
static int
install_manifest(kq_writer *p, kqi_manifest *pNew, const kqi_segmeta *aGone,
                 u32 nGone, const char *const *azGoneDel, u32 nGoneDel,
                 const kqi_segmeta *aNew, u32 nNew, char *const *azNewDel,
                 u32 nNewDel, char **pzErr)
{
    int rc = kqi_manifest_write(p->zDir, pNew, pzErr);
    if (rc) {
        for (u32 i = 0; i < nNew; i++) {
            unlink_segment(p->zDir, &aNew[i]);
        }
        for (u32 i = 0; i < nNewDel; i++) {
            unlink(azNewDel[i]);
        }
        kqi_manifest_clear(pNew);
        return rc;
    }
    for (u32 i = 0; i < nGone; i++) {
        unlink_segment(p->zDir, &aGone[i]);
    }
    for (u32 i = 0; i < nGoneDel; i++) {
        unlink(azGoneDel[i]);
    }
    close_readers(p);
    kqi_manifest_clear(&p->man);
    p->man = *pNew;
    p->nDocBefore = 0;
    for (u32 i = 0; i < p->man.nSeg; i++) {
        p->nDocBefore += p->man.aSeg[i].nDoc;
    }
    p->stats.nSegment = p->man.nSeg;
    return KQ_OK;
}

/* Copy of the current manifest with room for nExtra more segments. */
static int
manifest_copy(const kqi_manifest *m, u32 nExtra, kqi_manifest *pOut)
{
    *pOut = *m;
    pOut->aSeg = malloc(sizeof(kqi_segmeta) * (m->nSeg + nExtra + 1));
    if (pOut->aSeg == NULL) {
        return KQ_NOMEM;
    }
    if (m->nSeg > 0) {
        memcpy(pOut->aSeg, m->aSeg, sizeof(kqi_segmeta) * m->nSeg);
    }
    pOut->nGeneration = m->nGeneration + 1;
    return KQ_OK;
}

/* Write the new segment's lists and finish its .docs/.store: *pMeta. */
static int
build_segment(kq_writer *p, kqi_segmeta *pMeta, u64 *pnTerm, char **pzErr)
{
    int rc = KQ_OK;
    char *azOut[3] = {0};
    for (int f = 0; f < 3; f++) {
        azOut[f] = kqi_seg_path(p->zDir, p->iSeg, f);
        if (azOut[f] == NULL) {
            rc = KQ_NOMEM;
        }
    }
    if (rc == KQ_OK && p->nInv > 1) {
        rc = drain_workers(p, pzErr);
    }
    if (rc == KQ_OK && p->nRun == 0) {
        /* Everything is in memory: the tables merged straight into the
        ** segment's files. */
        u32 nLen;
        const u8 *aLen = kqi_docw_lens(p->pDocw, &nLen);
        rc = kqi_inv_write(p->aInv, p->nInv, azOut, aLen, nLen, pnTerm, pMeta,
                           pzErr);
        for (int i = 0; i < p->nInv; i++) {
            kqi_inv_clear(p->aInv[i]);
        }
    } else if (rc == KQ_OK) {
        for (int i = 0; rc == KQ_OK && i < p->nInv; i++) {
            rc = spill_inv(p, p->aInv[i], pzErr);
        }
        char **azRun = malloc(sizeof(char *) * 3 * p->nRun);
        if (azRun == NULL) {
            rc = KQ_NOMEM;
        }
        for (u32 i = 0; rc == KQ_OK && i < p->nRun; i++) {
            for (int f = 0; f < 3; f++) {
                azRun[3 * i + f] = p->aRun[i].azPath[f];
            }
        }
        if (rc == KQ_OK) {
            u32 nLen;
            const u8 *aLen = kqi_docw_lens(p->pDocw, &nLen);
            rc = kqi_merge_runs(azRun, p->nRun, nLen, aLen, azOut, pMeta,
                                pnTerm, pzErr);
        }
        free(azRun);
        remove_runs(p);
    }
    /* Documents replaced or deleted within this session. */
    if (p->nSessDel) {
        u32 nLen;
        const u8 *aLen = kqi_docw_lens(p->pDocw, &nLen);
        for (u32 i = 0; i < nLen && i < p->sessDel.n * 8; i++) {
            if (kqi_is_deleted(p->sessDel.a, i)) {
                pMeta->nDelToken += kqi_get_u32(aLen + 4 * (size_t)i);
            }
        }
        pMeta->nDel = p->nSessDel;
    }
    int rc2 = kqi_docw_finish(p->pDocw, NULL);
    p->pDocw = NULL;
    pMeta->aSize[KQI_F_DOCS] = p->docsFile.nOff;
    pMeta->aCrc[KQI_F_DOCS] = p->docsFile.crc;
    pMeta->aSize[KQI_F_STORE] = p->storeFile.nOff;
    pMeta->aCrc[KQI_F_STORE] = p->storeFile.crc;
    if (rc == KQ_OK) {
        rc = rc2;
    }
    rc2 = kqi_wfile_close(&p->docsFile, pzErr);
    if (rc == KQ_OK) {
        rc = rc2;
    }
    rc2 = kqi_wfile_close(&p->storeFile, pzErr);
    if (rc == KQ_OK) {
        rc = rc2;
    }
    p->bOpenSeg = 0;
    pMeta->iSeg = p->iSeg;
    pMeta->nDoc = p->nDoc;
    pMeta->nToken = p->nToken;
    for (int f = 0; f < 3; f++) {
        free(azOut[f]);
    }
    return rc;
}

/* Commit this session: its new segment and its deletions. */
static int
commit_session(kq_writer *p, char **pzErr)
{
    if (p->nDoc == 0 && !p->bPending) {
        if (p->man.nGeneration > 0) {
            return KQ_OK; /* nothing to commit */
        }
        /* A new, empty index: still write a manifest so it exists. */
        p->man.nGeneration = 1;
        return kqi_manifest_write(p->zDir, &p->man, pzErr);
    }
    kqi_segmeta meta;
    memset(&meta, 0, sizeof(meta));
    u64 nTermReal = 0;
    int rc = KQ_OK;
    if (p->nDoc > 0) {
        rc = build_segment(p, &meta, &nTermReal, pzErr);
    }
    kqi_manifest m;
    memset(&m, 0, sizeof(m));
    if (rc == KQ_OK) {
        rc = manifest_copy(&p->man, 1, &m);
    }
    u32 nSeg0 = p->man.nSeg;
    char **azNewDel = calloc(nSeg0 + 1, sizeof(char *));
    char **azGoneDel = calloc(nSeg0 + 1, sizeof(char *));
    kqi_segmeta *aGone = calloc(nSeg0 + 1, sizeof(kqi_segmeta));
    u32 nNewDel = 0, nGoneDel = 0, nGone = 0;
    if (rc == KQ_OK && (!azNewDel || !azGoneDel || !aGone)) {
        rc = KQ_NOMEM;
    }
    /* The deletions of the committed segments. */
    for (u32 i = 0; rc == KQ_OK && p->bPending && i < nSeg0; i++) {
        if (p->aPend[i] == NULL) {
            continue;
        }
        kqi_segmeta *s = &m.aSeg[i];
        if (s->delGen) {
            azGoneDel[nGoneDel++] = kqi_del_path(p->zDir, s->iSeg, s->delGen);
        }
        s->nDel = p->anPendDel[i];
        s->nDelToken = p->anPendTok[i];
        if (s->nDel < s->nDoc) {
            rc = kqi_del_write(p->zDir, s, m.nGeneration, p->aPend[i], pzErr);
            if (rc == KQ_OK) {
                azNewDel[nNewDel++] = kqi_del_path(p->zDir, s->iSeg,
                                                   s->delGen);
            }
        }
    }
    /* The new segment, with its own deletions. */
    if (rc == KQ_OK && p->nDoc > 0) {
        if (meta.nDel > 0 && meta.nDel < meta.nDoc) {
            size_t nBits = ((size_t)meta.nDoc + 7) / 8;
            u8 *a = calloc(nBits, 1);
            if (a == NULL) {
                rc = KQ_NOMEM;
            } else {
                memcpy(a, p->sessDel.a,
                       p->sessDel.n < nBits ? p->sessDel.n : nBits);
                rc = kqi_del_write(p->zDir, &meta, m.nGeneration, a, pzErr);
                free(a);
            }
            if (rc == KQ_OK) {
                azNewDel[nNewDel++] = kqi_del_path(p->zDir, meta.iSeg,
                                                   meta.delGen);
            }
        }
        m.aSeg[m.nSeg++] = meta;
    }
    /* Segments with nothing left in them leave the index now. */
    u32 nKeep = 0;
    for (u32 i = 0; rc == KQ_OK && i < m.nSeg; i++) {
        kqi_segmeta *s = &m.aSeg[i];
        if (s->nDel == s->nDoc) {
            kqi_segmeta g = *s;
            g.delGen = 0; /* its old .del file is in azGoneDel */
            aGone[nGone++] = g;
        } else {
            m.aSeg[nKeep++] = *s;
        }
    }
    m.nSeg = nKeep;
    if (rc == KQ_OK) {
        rc = install_manifest(
            p, &m, aGone, nGone, (const char *const *)azGoneDel, nGoneDel,
            p->nDoc > 0 ? &meta : NULL, p->nDoc > 0, azNewDel, nNewDel, pzErr);
    } else {
        kqi_manifest_clear(&m);
        for (u32 i = 0; i < nNewDel; i++) {
            unlink(azNewDel[i]);
        }
        if (p->nDoc > 0) {
            unlink_segment(p->zDir, &meta);
        }
    }
    for (u32 i = 0; i < nNewDel; i++) {
        free(azNewDel[i]);
    }
    for (u32 i = 0; i < nGoneDel; i++) {
        free(azGoneDel[i]);
    }
    free(azNewDel);
    free(azGoneDel);
    free(aGone);
    if (rc == KQ_OK) {
        if (p->nDoc > 0) {
            /* (A commit of deletions alone writes no segment: the count
            ** of the last one written stays.) */
            p->stats.nTerm = nTermReal;
            p->iSeg++;
        }
        p->nDoc = 0;
        p->nToken = 0;
        p->nFillBytes = 0;
        p->nFillDocs = 0;
        sess_reset(p);
    }
    return rc;
}

/**************************************************************************
** Merging.  The policy is log-structured, like Lucene's LogMergePolicy:
** a segment's level is how many times MERGE_FACTOR goes into its live
** documents over MERGE_FLOOR, and MERGE_FACTOR adjacent segments of one
** level are merged into one (of the next level, usually).  So an index
** built by n small commits has at most MERGE_FACTOR - 1 segments a level,
** O(log n) levels, and each document is copied O(log n) times.  A segment
** more than a third of whose documents are deleted is rewritten without
** them.  Only adjacent segments merge, which keeps documents in the order
** they were added.
**
** Two bounds keep an add from setting off a rewrite of the whole index
** (without them, a commit adding 1% to a large index could merge all of
** it):
**   - no merge makes a segment larger than nMaxSegment bytes: past it,
**     segments are only rewritten to drop their deleted documents;
**   - the merges after a commit read at most its budget: nMergeBudget,
**     or KQ_MERGE_BUDGET_FACTOR times the bytes the commit added (at
**     least KQ_MERGE_BUDGET_MIN).  A merge over what is left of it waits
**     for a later commit, or for kq_writer_merge(), which has no budget;
**     meanwhile its level just holds more than MERGE_FACTOR - 1 segments.
*/
#define MERGE_FACTOR 8
#define MERGE_FLOOR 1000

static int
seg_level(const kqi_segmeta *s)
{
    u64 n = s->nDoc - s->nDel;
    int l = 0;
    while (n >= MERGE_FLOOR) {
        n /= MERGE_FACTOR;
        l++;
    }
    return l;
}

/* The bytes of a segment's files (what a merge of it reads). */
static u64
seg_bytes(const kqi_segmeta *s)
{
    u64 n = 0;
    for (int f = 0; f < KQI_NFILE; f++) {
        n += s->aSize[f];
    }
    return n;
}

static u64
range_bytes(const kqi_manifest *m, u32 i, u32 j)
{
    u64 n = 0;
    for (u32 k = i; k < j; k++) {
        n += seg_bytes(&m->aSeg[k]);
    }
    return n;
}

/* The next merge the policy wants that reads at most nBudget bytes and
** makes no segment larger than nMax: segments [*pi, *pj); 0 if none. */
static int
choose_merge(const kqi_manifest *m, u64 nMax, u64 nBudget, u32 *pi, u32 *pj)
{
    for (u32 i = 0; i < m->nSeg; i++) {
        if (m->aSeg[i].nDel > 0 &&
            3 * (u64)m->aSeg[i].nDel > m->aSeg[i].nDoc &&
            seg_bytes(&m->aSeg[i]) <= nBudget) {
            *pi = i;
            *pj = i + 1;
            return 1;
        }
    }
    u32 j = m->nSeg;
    while (j > 0) {
        int l = seg_level(&m->aSeg[j - 1]);
        u32 i = j - 1;
        while (i > 0 && seg_level(&m->aSeg[i - 1]) == l) {
            i--;
        }
        /* The newest MERGE_FACTOR of the level's run (a run longer than
        ** that is one whose merge waited). */
        if (j - i >= MERGE_FACTOR) {
            u64 n = range_bytes(m, j - MERGE_FACTOR, j);
            if (n <= nBudget && n <= nMax) {
                *pi = j - MERGE_FACTOR;
                *pj = j;
                return 1;
            }
        }
        j = i;
    }
    return 0;
}

/* The merge's progress, passed on to opts.xMergeProgress. */
static void
merge_progress(void *pCtx, u64 nDone, u64 nTotal)
{
    kq_writer *p = pCtx;
    p->xMergeProgress(p->pMergeCtx, p->iMergeCall, nDone, nTotal);
}

/* Merge segments [i, j) of the current manifest into one, and commit. */
static int
merge_range(kq_writer *p, u32 i, u32 j, char **pzErr)
{
    int rc = open_readers(p, pzErr);
    if (rc) {
        return rc;
    }
    kqi_segmeta meta;
    kqi_mprog prog = {merge_progress, p};
    p->iMergeCall++;
    rc = kqi_merge_segments(p->zDir, &p->aSegR[i], j - i, p->iSeg, p->nMemory,
                            p->xMergeProgress ? &prog : NULL, &meta, pzErr);
    if (rc) {
        return rc;
    }
    p->iSeg++;
    kqi_manifest m;
    rc = manifest_copy(&p->man, 1, &m);
    if (rc) {
        unlink_segment(p->zDir, &meta);
        return rc;
    }
    /* segments [i, j) become the new one (or nothing, if all were
    ** deleted) */
    u32 n = 0;
    for (u32 k = 0; k < p->man.nSeg; k++) {
        if (k == i && meta.nDoc > 0) {
            m.aSeg[n++] = meta;
        }
        if (k < i || k >= j) {
            m.aSeg[n++] = p->man.aSeg[k];
        }
    }
    m.nSeg = n;
    kqi_segmeta *aGone = malloc(sizeof(kqi_segmeta) * (j - i));
    if (aGone == NULL) {
        kqi_manifest_clear(&m);
        unlink_segment(p->zDir, &meta);
        return KQ_NOMEM;
    }
    memcpy(aGone, &p->man.aSeg[i], sizeof(kqi_segmeta) * (j - i));
    rc = install_manifest(p, &m, aGone, j - i, NULL, 0, &meta, 1, NULL, 0,
                          pzErr);
    free(aGone);
    if (rc == KQ_OK) {
        p->stats.nMerge++;
    }
    return rc;
}

/* Every merge the policy wants, reading at most nBudget bytes in all. */
static int
merge_by_policy(kq_writer *p, u64 nBudget, char **pzErr)
{
    u32 i, j;
    int rc = KQ_OK;
    while (rc == KQ_OK &&
           choose_merge(&p->man, p->nMaxSegment, nBudget, &i, &j)) {
        u64 n = range_bytes(&p->man, i, j);
        rc = merge_range(p, i, j, pzErr);
        nBudget -= n;
    }
    return rc;
}

/* The bytes of the index's segments. */
static u64
index_bytes(const kqi_manifest *m)
{
    return range_bytes(m, 0, m->nSeg);
}

/* Remember that a merge after a commit failed (rc, *pzErr), for
** kq_writer_merge_status(); takes *pzErr over. */
static void
set_merge_status(kq_writer *p, int rc, char **pzErr)
{
    free(p->zMergeErr);
    p->zMergeErr = NULL;
    p->rcMerge = rc;
    if (rc) {
        p->zMergeErr = *pzErr ? *pzErr : kq_mprintf("%s", kq_errstr(rc));
        *pzErr = NULL;
    } else {
        free(*pzErr);
        *pzErr = NULL;
    }
}

/* The commit decides the return value.  The merges after it are each
** their own commit: one that fails (a full disk) loses nothing, the index
** stays as committed, and it is reported by kq_writer_merge_status(), not
** as a failed commit. */
int
kq_writer_commit(kq_writer *p, char **pzErr)
{
    if (p->pX) {
        return kqi_xwriter_commit(p->pX, pzErr);
    }
    char *zErr = NULL;
    set_merge_status(p, KQ_OK, &zErr);
    p->iMergeCall = 0;
    u64 nBefore = index_bytes(&p->man);
    int rc = commit_session(p, pzErr);
    if (rc == KQ_OK && !p->bNoMerge) {
        u64 nNow = index_bytes(&p->man);
        u64 nAdded = nNow > nBefore ? nNow - nBefore : 0;
        u64 nBudget = p->nMergeBudget;
        if (nBudget == 0) {
            nBudget = nAdded <= KQ_MERGE_BUDGET_MIN / KQ_MERGE_BUDGET_FACTOR
                          ? KQ_MERGE_BUDGET_MIN
                      : nAdded > UINT64_MAX / KQ_MERGE_BUDGET_FACTOR
                          ? UINT64_MAX
                          : nAdded * KQ_MERGE_BUDGET_FACTOR;
        }
        set_merge_status(p, merge_by_policy(p, nBudget, &zErr), &zErr);
    }
    p->stats.nSegment = p->man.nSeg;
    return rc;
}

int
kq_writer_merge(kq_writer *p, char **pzErr)
{
    int rcX = native_only(p, "merging", pzErr);
    if (rcX) {
        return rcX;
    }
    char *zErr = NULL;
    set_merge_status(p, KQ_OK, &zErr);
    p->iMergeCall = 0;
    int rc = commit_session(p, pzErr);
    if (rc == KQ_OK) {
        /* As kq_writer_compact(): the merges are what was asked for, so
        ** their failure is returned (what merged before it stays). */
        rc = merge_by_policy(p, UINT64_MAX, &zErr);
        if (rc) {
            kqi_err(pzErr, rc, "%s", zErr ? zErr : kq_errstr(rc));
        }
        set_merge_status(p, rc, &zErr);
    }
    p->stats.nSegment = p->man.nSeg;
    return rc;
}

int
kq_writer_compact(kq_writer *p, char **pzErr)
{
    int rcX = native_only(p, "compacting", pzErr);
    if (rcX) {
        return rcX;
    }
    char *zErr = NULL;
    set_merge_status(p, KQ_OK, &zErr);
    p->iMergeCall = 0;
    int rc = commit_session(p, pzErr);
    int bDel = 0;
    for (u32 i = 0; i < p->man.nSeg; i++) {
        bDel |= p->man.aSeg[i].nDel > 0;
    }
    if (rc == KQ_OK && (p->man.nSeg > 1 || bDel)) {
        /* The merge is what was asked for: its failure is returned, and
        ** also kept for kq_writer_merge_status() (the commit before it
        ** stands). */
        rc = merge_range(p, 0, p->man.nSeg, &zErr);
        if (rc) {
            kqi_err(pzErr, rc, "%s", zErr ? zErr : kq_errstr(rc));
        }
        set_merge_status(p, rc, &zErr);
    }
    p->stats.nSegment = p->man.nSeg;
    return rc;
}

int
kq_writer_merge_status(const kq_writer *p, const char **pzMsg)
{
    if (pzMsg) {
        *pzMsg = p->rcMerge ? p->zMergeErr : NULL;
    }
    return p->rcMerge;
}

const kq_writer_stats *
kq_writer_stats_get(kq_writer *p)
{
    kq_writer_stats *pOut = &p->statsOut;
    if (p->pX) {
        kqi_xwriter_stats(p->pX, pOut);
        return pOut;
    }
    *pOut = p->stats;
    pOut->nIndexByte = 0;
    for (u32 i = 0; i < p->man.nSeg; i++) {
        for (int f = 0; f < KQI_NFILE; f++) {
            pOut->nIndexByte += p->man.aSeg[i].aSize[f];
        }
    }
    return pOut;
}

void
kq_writer_close(kq_writer *p)
{
    if (p == NULL) {
        return;
    }
    if (p->pX) {
        kqi_xwriter_close(p->pX);
        free(p->zDir);
        free(p);
        return;
    }
    stop_workers(p);
    close_readers(p);
    sess_reset(p);
    free(p->aSeenH);
    if (p->bOpenSeg) {
        /* Uncommitted: discard the segment's files. */
        if (p->pDocw) {
            kqi_docw_finish(p->pDocw, NULL);
        }
        kqi_wfile_abort(&p->docsFile);
        kqi_wfile_abort(&p->storeFile);
    }
    remove_runs(p);
    for (int i = 0; i < p->nInv; i++) {
        kqi_inv_free(p->aInv[i]);
    }
    if (p->bMu) {
        pthread_mutex_destroy(&p->muRun);
    }
    kqi_manifest_clear(&p->man);
    free(p->zMergeErr);
    if (p->fdLock >= 0) {
        if (p->bLocked && p->bPidOk && ftruncate(p->fdLock, 0) != 0) {
            /* the pid left behind is checked before it is believed */
        }
        close(p->fdLock); /* releases the flock */
    }
    free(p->zDir);
    free(p);
}
