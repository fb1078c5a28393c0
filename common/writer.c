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

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
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

enum { B_FREE, B_FULL, B_DONE };

typedef struct batch {
    int eState;          /* B_FULL: queued for the worker; B_DONE: inverted */
    u32 iDoc0;           /* docid of aDoc[0] */
    bdoc *aDoc;
    u32 nDoc, nDocAlloc;
    kqi_buf text;
} batch;

/* Two batches a worker: one being inverted while the next one fills. */
typedef struct worker {
    kq_writer *pW;
    kqi_inv *pInv;
    pthread_t th;
    int bThread;         /* th was started */
    batch aB[2];
    int iWork;           /* the slot the worker takes next */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int bStop;
    int rc;              /* first error of this worker */
    char *zErr;
} worker;

struct kq_writer {
    char *zDir;
    int fdLock;
    kqi_manifest man;
    size_t nMemory;
    u32 iSeg;          /* number of the segment being written */
    int bOpenSeg;      /* .docs/.store of the segment are open */
    kqi_wfile docsFile, storeFile;
    kqi_docw *pDocw;
    atomic_size_t nDocwMem;   /* memory of pDocw, for the workers' budget */

    kqi_inv *aInv[KQ_MAX_THREADS];
    int nInv;

    /* -j N: the workers, and the batch being filled. */
    worker *aWk;
    batch *pFill;
    int iFillWk, iFillSlot;
    u64 nBatch;        /* batches handed over so far */

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

static int
lock_index(kq_writer *p, char **pzErr)
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
    } else if (flock(p->fdLock, LOCK_EX | LOCK_NB) != 0) {
        rc = kqi_err(pzErr, KQ_BUSY, "%s: another kq-index is writing this "
                     "index", zLock);
    }
    free(zLock);
    return rc;
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
    rc = lock_index(p, pzErr);
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
    ** with its mapped files, must fit in the budget too. */
    malloc_trim(0);
    return rc;
}

/**************************************************************************
** -j N: the workers.
*/
static void
invert_batch(worker *w, batch *b)
{
    for (u32 i = 0; i < b->nDoc && w->rc == KQ_OK; i++) {
        bdoc *d = &b->aDoc[i];
        const char *z = (const char *)b->text.a;
        w->rc = kqi_inv_add(w->pInv, b->iDoc0 + i, z + d->oTitle, d->nTitle,
                            z + d->oBody, d->nBody, &d->nLen);
        if (w->rc) {
            w->zErr = kqi_mprintf("out of memory analysing a document");
        }
    }
    kq_writer *p = w->pW;
    size_t nDocw = atomic_load_explicit(&p->nDocwMem, memory_order_relaxed);
    size_t nShare = p->nMemory > nDocw ? (p->nMemory - nDocw) / (size_t)p->nInv
                                       : 0;
    if (w->rc == KQ_OK && kqi_inv_memory(w->pInv) > nShare) {
        w->rc = spill_inv(p, w->pInv, &w->zErr);
    }
}

static void *
worker_main(void *pArg)
{
    worker *w = pArg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        batch *b = &w->aB[w->iWork];
        while (b->eState != B_FULL && !w->bStop) {
            pthread_cond_wait(&w->cv, &w->mu);
        }
        if (b->eState != B_FULL) {
            break;   /* stopping, and nothing queued */
        }
        pthread_mutex_unlock(&w->mu);
        if (w->rc == KQ_OK) {
            invert_batch(w, b);
        }
        pthread_mutex_lock(&w->mu);
        b->eState = B_DONE;
        w->iWork ^= 1;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static int
start_workers(kq_writer *p, char **pzErr)
{
    p->aWk = calloc((size_t)p->nInv, sizeof(worker));
    if (p->aWk == NULL) {
        return KQ_NOMEM;
    }
    for (int i = 0; i < p->nInv; i++) {
        worker *w = &p->aWk[i];
        w->pW = p;
        w->pInv = p->aInv[i];
        pthread_mutex_init(&w->mu, NULL);
        pthread_cond_init(&w->cv, NULL);
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
    for (int i = 0; i < p->nInv; i++) {
        worker *w = &p->aWk[i];
        if (w->bThread) {
            pthread_mutex_lock(&w->mu);
            w->bStop = 1;
            pthread_cond_broadcast(&w->cv);
            pthread_mutex_unlock(&w->mu);
            pthread_join(w->th, NULL);
        }
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        for (int s = 0; s < 2; s++) {
            free(w->aB[s].aDoc);
            kqi_buf_free(&w->aB[s].text);
        }
        free(w->zErr);
    }
    free(p->aWk);
    p->aWk = NULL;
}

/* Take back a batch the worker finished: its documents' lengths go into
** the document table.  Called with w->mu held. */
static void
collect(kq_writer *p, batch *b)
{
    for (u32 i = 0; i < b->nDoc; i++) {
        kqi_docw_set_len(p->pDocw, b->iDoc0 + i, b->aDoc[i].nLen);
        p->nToken += b->aDoc[i].nLen;
        p->stats.nToken += b->aDoc[i].nLen;
    }
    b->eState = B_FREE;
    b->nDoc = 0;
    b->text.n = 0;
}

/* Wait until slot s of worker w is free (collecting it if done); the
** worker's error, if it had one. */
static int
wait_slot(kq_writer *p, worker *w, int s, char **pzErr)
{
    pthread_mutex_lock(&w->mu);
    while (w->aB[s].eState == B_FULL) {
        pthread_cond_wait(&w->cv, &w->mu);
    }
    if (w->aB[s].eState == B_DONE) {
        collect(p, &w->aB[s]);
    }
    int rc = w->rc;
    pthread_mutex_unlock(&w->mu);
    if (rc) {
        kqi_err(pzErr, rc, "%s", w->zErr ? w->zErr : kq_errstr(rc));
    }
    return rc;
}

/* Queue the batch being filled for its worker. */
static void
submit(kq_writer *p)
{
    worker *w = &p->aWk[p->iFillWk];
    pthread_mutex_lock(&w->mu);
    p->pFill->eState = B_FULL;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    p->pFill = NULL;
    p->nBatch++;
}

/* Add document iDoc to the batch being filled (starting one if needed). */
static int
batch_add(kq_writer *p, const kq_doc *d, u32 iDoc, char **pzErr)
{
    if (p->pFill == NULL) {
        /* Batch b goes to worker b mod N, into its slots in turn. */
        p->iFillWk = (int)(p->nBatch % (u64)p->nInv);
        p->iFillSlot = (int)((p->nBatch / (u64)p->nInv) % 2);
        worker *w = &p->aWk[p->iFillWk];
        int rc = wait_slot(p, w, p->iFillSlot, pzErr);
        if (rc) {
            return rc;
        }
        p->pFill = &w->aB[p->iFillSlot];
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

/* Hand over the last batch and wait for every worker to finish. */
static int
drain_workers(kq_writer *p, char **pzErr)
{
    if (p->pFill) {
        submit(p);
    }
    int rc = KQ_OK;
    for (int i = 0; i < p->nInv; i++) {
        for (int s = 0; s < 2; s++) {
            int rc2 = wait_slot(p, &p->aWk[i], s, pzErr);
            if (rc == KQ_OK) {
                rc = rc2;
            }
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
        close(p->fdLock);   /* releases the flock */
    }
    free(p->zDir);
    free(p);
}
