/*
** writer.c -- kq_writer: documents in, one new segment out.
**
** Each document's record and body go straight to the new segment's .docs
** and .store files (doctab.c), in docid order, from the caller's thread.
** Its words are inverted (invert.c) either in the same thread (one
** inverter, -j 1) or by N worker threads (-j N):
**
**   the caller's thread reads the corpus, writes records and stored text,
**   and hands the documents over in batches, batch b to worker b mod N, so
**   every worker meets increasing docids;
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

#include <libdeflate.h>

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
    char *azPath[3];   /* dict, post, pos */
} run;

/* A batch of documents on its way to a worker: their title and body text
** copied into one buffer.  Batches close at a fixed size, whatever N is. */
#define BATCH_BYTES (256 * 1024)
#define BATCH_DOCS 2048

typedef struct bdoc {
    size_t oTitle, nTitle, oBody, nBody;
    u32 nLen;            /* set by the worker */
} bdoc;

enum { B_FREE, B_FULL, B_BUSY, B_DONE };

typedef struct batch {
    int eState;          /* FULL: queued; BUSY: being inverted; DONE: ready
                         ** to be taken back */
    u32 iDoc0;           /* docid of aDoc[0] */
    bdoc *aDoc;
    u32 nDoc, nDocAlloc;
    kqi_buf text;
    kqi_buf store;       /* set by the worker: the bodies' store blocks */
    kqi_buf storeOffs;   /* u64 offsets of those blocks in store */
} batch;

/* A worker: a thread with its own inverter.  Workers take batches from
** one queue in order, so each meets increasing docids; whichever is free
** takes the next, which keeps them evenly loaded. */
typedef struct worker {
    kq_writer *pW;
    kqi_inv *pInv;
    pthread_t th;
    int bThread;         /* th was started */
    struct libdeflate_compressor *pZ;
    const char **azBody; /* scratch for kqi_store_encode() */
    size_t *anBody;
    u32 nBodyAlloc;
} worker;

struct kq_writer {
    char *zDir;
    int fdLock;
    int bLocked;       /* the flock is ours */
    kqi_manifest man;
    size_t nMemory;
    u32 iSeg;          /* number of the segment being written */
    int bOpenSeg;      /* .docs/.store of the segment are open */
    kqi_wfile docsFile, storeFile;
    kqi_docw *pDocw;
    atomic_size_t nDocwMem;   /* memory of pDocw, for the workers' budget */

    kqi_inv *aInv[KQ_MAX_THREADS];
    int nInv;

    /* -j N: the workers, and the batch being filled.  -j 1: the size of
    ** the batch that would be being filled (the store blocks close at
    ** batch ends either way). */
    worker *aWk;
    batch *aQ;         /* the queue: batch b is in aQ[b % nQ] */
    int nQ;
    u64 nBatch;        /* batches handed over so far */
    u64 iNextWork;     /* the next batch a worker takes */
    batch *pFill;
    pthread_mutex_t muQ;     /* guards the queue, the batch states, rcWk */
    pthread_cond_t cvQ;
    int bStop;
    int rcWk;          /* first error of a worker, and its message */
    char *zErrWk;
    size_t nFillBytes;
    u32 nFillDocs;

    pthread_mutex_t muRun;   /* guards aRun, nRun and stats.nSpill */
    int bMu;
    run *aRun;
    u32 nRun;

    u64 nDocBefore;    /* documents in the committed segments */
    u32 nDoc;          /* documents in the new segment */
    u64 nToken;
    kq_writer_stats stats;
};

static int start_workers(kq_writer *p, char **pzErr);

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
        return kqi_mprintf("kq-index process %ld", pid);
    }
    return kqi_mprintf("another process");
}

/* Take the writer lock (flock on kq.lock; readers never take it), waiting
** up to nWaitMs for a writer that holds it, polling: flock() itself has no
** timeout, and an alarm signal would be the caller's business. */
static int
lock_index(kq_writer *p, int nWaitMs, char **pzErr)
{
    char *zLock = kqi_mprintf("%s/%s", p->zDir, KQI_LOCK);
    if (zLock == NULL) {
        return KQ_NOMEM;
    }
    p->fdLock = open(zLock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    int rc = KQ_OK;
    if (p->fdLock < 0) {
        rc = kqi_err(pzErr, KQ_IOERR, "%s: cannot open: %s", zLock,
                     strerror(errno));
        free(zLock);
        return rc;
    }
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
            rc = kqi_err(pzErr, KQ_BUSY, "%s: the index is being written by "
                         "%s; gave up after waiting %.1f s", zLock,
                         zWho ? zWho : "another process", nMs / 1000.0);
            free(zWho);
            break;
        }
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    if (rc == KQ_OK) {
        p->bLocked = 1;
        /* Say who we are, for a writer that has to wait. */
        char a[32];
        int n = snprintf(a, sizeof(a), "pid %ld\n", (long)getpid());
        if (ftruncate(p->fdLock, 0) != 0 || pwrite(p->fdLock, a, (size_t)n, 0) != n) {
            /* Only a courtesy: the lock is held either way. */
        }
    }
    free(zLock);
    return rc;
}

/* Remove what interrupted runs left behind (with the lock held, nobody else
** writes here): run files (tmp-*), parts of a write-out (*.part*), a
** manifest never renamed into place, and files of segments the manifest
** does not name (a run killed before its commit).  Readers only ever open
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
        unsigned iSeg;
        char zExt[16];
        int nEnd = 0;
        if (strncmp(z, "tmp-", 4) == 0 ||
            strcmp(z, KQI_MANIFEST ".tmp") == 0) {
            bOrphan = 1;
        } else if (sscanf(z, "seg%6u.%15[a-z]%n", &iSeg, zExt, &nEnd) == 2) {
            bOrphan = 1;
            for (u32 i = 0; i < p->man.nSeg; i++) {
                if (p->man.aSeg[i].iSeg == iSeg && z[nEnd] == 0) {
                    bOrphan = 0;   /* a file of a committed segment */
                }
            }
        }
        if (bOrphan) {
            char *zPath = kqi_mprintf("%s/%s", p->zDir, z);
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
    kq_writer *p = calloc(1, sizeof(*p));
    if (p == NULL || (p->zDir = strdup(zDir)) == NULL) {
        free(p);
        return KQ_NOMEM;
    }
    p->fdLock = -1;
    p->nMemory = (pOpts && pOpts->nMemory) ? pOpts->nMemory : KQ_DEFAULT_MEMORY;
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
    rc = lock_index(p, nWaitMs < 0 ? 0 : nWaitMs ? nWaitMs
                                            : KQ_DEFAULT_LOCK_WAIT_MS, pzErr);
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
        if (strlen(z) >= sizeof(p->man.zLang)) {
            rc = kqi_err(pzErr, KQ_NOTFOUND, "unknown language \"%s\"", z);
            goto fail;
        }
        strcpy(p->man.zLang, z);
        rc = KQ_OK;
    } else if (rc) {
        goto fail;
    } else if (zLang && strcmp(zLang, p->man.zLang) != 0) {
        rc = kqi_err(pzErr, KQ_MISUSE, "%s: the index uses language \"%s\", "
                     "not \"%s\"", zDir, p->man.zLang, zLang);
        goto fail;
    }
    p->nInv = (pOpts && pOpts->nThread > 1) ? pOpts->nThread : 1;
    if (p->nInv > KQ_MAX_THREADS) {
        p->nInv = KQ_MAX_THREADS;
    }
    pthread_mutex_init(&p->muRun, NULL);
    p->bMu = 1;
    for (int i = 0; i < p->nInv; i++) {
        rc = kqi_inv_new(p->man.zLang, &p->aInv[i]);
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
            kqi_err(pzErr, rc, "%s", p->docsFile.zErr ? p->docsFile.zErr
                                                      : p->storeFile.zErr);
        } else {
            rc = kqi_docw_new(&p->docsFile, &p->storeFile, &p->pDocw);
            if (rc == KQ_OK && p->nInv > 1) {
                kqi_docw_set_deferred(p->pDocw);   /* workers compress */
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
            az[f] = kqi_mprintf("%s/tmp-seg%06u-run%u.%s", p->zDir, p->iSeg,
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
        rc = kqi_inv_add(w->pInv, b->iDoc0 + i, z + d->oTitle, d->nTitle,
                         z + d->oBody, d->nBody, &d->nLen);
    }
    if (rc) {
        return kqi_err(pzErr, rc, "out of memory analysing a document");
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
    rc = kqi_store_encode(&w->pZ, w->azBody, w->anBody, b->nDoc, &b->store,
                          &b->storeOffs);
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
            break;   /* stopping, and nothing queued */
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
        libdeflate_free_compressor(w->pZ);
    }
    for (int q = 0; p->aQ && q < p->nQ; q++) {
        free(p->aQ[q].aDoc);
        kqi_buf_free(&p->aQ[q].text);
        kqi_buf_free(&p->aQ[q].store);
        kqi_buf_free(&p->aQ[q].storeOffs);
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
            kqi_docw_set_len(p->pDocw, b->iDoc0 + i, b->aDoc[i].nLen);
            p->nToken += b->aDoc[i].nLen;
            p->stats.nToken += b->aDoc[i].nLen;
        }
        if (rc == KQ_OK) {
            rc = kqi_docw_put_blocks(p->pDocw, b->store.a, b->store.n,
                                     b->storeOffs.a, b->storeOffs.n / 8);
            if (rc) {
                kqi_err(pzErr, rc, "%s", p->storeFile.zErr
                        ? p->storeFile.zErr : "cannot write the stored text");
            }
        }
        b->eState = B_FREE;
        b->nDoc = 0;
        b->text.n = 0;
    }
    return rc;
}

/* Queue the batch being filled. */
static void
submit(kq_writer *p)
{
    kqi_docw_end_batch(p->pDocw);
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
    if (b->nDoc == b->nDocAlloc) {
        u32 nNew = b->nDocAlloc ? b->nDocAlloc * 2 : 64;
        bdoc *a = realloc(b->aDoc, sizeof(bdoc) * nNew);
        if (a == NULL) {
            return kqi_err(pzErr, KQ_NOMEM, "out of memory");
        }
        b->aDoc = a;
        b->nDocAlloc = nNew;
    }
    bdoc *x = &b->aDoc[b->nDoc++];
    x->oTitle = b->text.n;
    x->nTitle = d->nTitle;
    kqi_buf_append(&b->text, d->zTitle, d->nTitle);
    x->oBody = b->text.n;
    x->nBody = d->nBody;
    kqi_buf_append(&b->text, d->zBody, d->nBody);
    x->nLen = 0;
    if (b->text.rc) {
        return kqi_err(pzErr, KQ_NOMEM, "out of memory");
    }
    if (b->text.n >= BATCH_BYTES || b->nDoc >= BATCH_DOCS) {
        submit(p);
    }
    return KQ_OK;
}

/* Hand over the last batch and take back every batch still out. */
static int
drain_workers(kq_writer *p, char **pzErr)
{
    if (p->pFill) {
        submit(p);
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

int
kq_writer_add(kq_writer *p, const kq_doc *d, char **pzErr)
{
    if (d->zId == NULL || d->nId == 0) {
        return kqi_err(pzErr, KQ_MISUSE, "document without an id");
    }
    /* Docids are 32-bit across the whole index. */
    u64 nAll = p->nDocBefore + p->nDoc;
    if (nAll >= KQ_DOCID_EOF - 1) {
        return kqi_err(pzErr, KQ_MISUSE, "the index is full (%llu documents)",
                       (unsigned long long)nAll);
    }
    int rc = KQ_OK;
    if (!p->bOpenSeg && (rc = open_segment(p, pzErr)) != KQ_OK) {
        return rc;
    }
    u32 iDoc = p->nDoc;
    u32 nLen = 0;
    if (p->nInv == 1) {
        rc = kqi_inv_add(p->aInv[0], iDoc, d->zTitle, d->nTitle, d->zBody,
                         d->nBody, &nLen);
        if (rc) {
            return kqi_err(pzErr, rc, "out of memory analysing a document");
        }
    }
    rc = kqi_docw_add(p->pDocw, d, nLen);
    if (rc) {
        return kqi_err(pzErr, rc, "%s", p->docsFile.zErr ? p->docsFile.zErr
                       : p->storeFile.zErr ? p->storeFile.zErr
                       : "cannot write the document table");
    }
    p->nDoc++;
    p->stats.nDoc++;
    p->stats.nByteIn += d->nTitle + d->nBody;
    size_t nDocw = kqi_docw_memory(p->pDocw);
    if (p->nInv > 1) {
        atomic_store_explicit(&p->nDocwMem, nDocw, memory_order_relaxed);
        return batch_add(p, d, iDoc, pzErr);
    }
    p->nToken += nLen;
    p->stats.nToken += nLen;
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

int
kq_writer_commit(kq_writer *p, char **pzErr)
{
    int rc = KQ_OK;
    kqi_segmeta meta;
    memset(&meta, 0, sizeof(meta));
    if (p->nDoc == 0) {
        if (p->man.nGeneration > 0) {
            return KQ_OK;   /* nothing to commit */
        }
        /* A new, empty index: still write a manifest so it exists. */
        p->man.nGeneration = 1;
        return kqi_manifest_write(p->zDir, &p->man, pzErr);
    }
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
    u64 nTermReal = 0;
    if (rc == KQ_OK && p->nRun == 0) {
        /* Everything is in memory: the tables merged straight into the
        ** segment's files. */
        u32 nLen;
        const u8 *aLen = kqi_docw_lens(p->pDocw, &nLen);
        rc = kqi_inv_write(p->aInv, p->nInv, azOut, aLen, nLen, &nTermReal,
                           &meta, pzErr);
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
            rc = kqi_merge_runs(azRun, p->nRun, nLen, aLen, azOut, &meta,
                                &nTermReal, pzErr);
        }
        free(azRun);
        remove_runs(p);
    }
    u64 nDocW = 0;
    int rc2 = kqi_docw_finish(p->pDocw, &nDocW);
    p->pDocw = NULL;
    meta.aSize[KQI_F_DOCS] = p->docsFile.nOff;
    meta.aCrc[KQI_F_DOCS] = p->docsFile.crc;
    meta.aSize[KQI_F_STORE] = p->storeFile.nOff;
    meta.aCrc[KQI_F_STORE] = p->storeFile.crc;
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

    if (rc == KQ_OK) {
        meta.iSeg = p->iSeg;
        meta.nDoc = p->nDoc;
        meta.nToken = p->nToken;
        kqi_segmeta *a = realloc(p->man.aSeg,
                                 sizeof(kqi_segmeta) * (p->man.nSeg + 1));
        if (a == NULL) {
            rc = KQ_NOMEM;
        } else {
            p->man.aSeg = a;
            a[p->man.nSeg++] = meta;
            p->man.nGeneration++;
            rc = kqi_manifest_write(p->zDir, &p->man, pzErr);
            if (rc) {
                p->man.nSeg--;
                p->man.nGeneration--;
            }
        }
    }
    if (rc) {
        /* The manifest still names the previous generation: remove the
        ** files of the segment that did not make it. */
        for (int f = 0; f < KQI_NFILE; f++) {
            char *z = kqi_seg_path(p->zDir, p->iSeg, f);
            if (z) {
                unlink(z);
            }
            free(z);
        }
    } else {
        p->stats.nTerm = nTermReal;
        p->nDocBefore += p->nDoc;
        p->iSeg++;
        p->nDoc = 0;
        p->nToken = 0;
        p->nFillBytes = 0;
        p->nFillDocs = 0;
    }
    for (int f = 0; f < 3; f++) {
        free(azOut[f]);
    }
    return rc;
}

void
kq_writer_stats_get(const kq_writer *p, kq_writer_stats *pOut)
{
    *pOut = p->stats;
    pOut->nIndexByte = 0;
    for (u32 i = 0; i < p->man.nSeg; i++) {
        for (int f = 0; f < KQI_NFILE; f++) {
            pOut->nIndexByte += p->man.aSeg[i].aSize[f];
        }
    }
}

void
kq_writer_close(kq_writer *p)
{
    if (p == NULL) {
        return;
    }
    stop_workers(p);
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
    if (p->fdLock >= 0) {
        if (p->bLocked && ftruncate(p->fdLock, 0) != 0) {
            /* the pid left behind is checked before it is believed */
        }
        close(p->fdLock);   /* releases the flock */
    }
    free(p->zDir);
    free(p);
}
