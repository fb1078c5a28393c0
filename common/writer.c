/*
** writer.c -- kq_writer: documents in, one new segment out (SPIMI).
**
** Each added document is analysed once, without stemming; each distinct
** word is stemmed once and remembered (a word -> term table, which is
** also the segment's vocabulary for prefix queries, see dict.c).  Terms go
** into an in-memory
** inverted index (a hash table from term to a growing byte string of
** postings).  The document's record and body go straight to the new
** segment's .docs and .store files (doctab.c), since documents arrive in
** docid order.  When the in-memory index outgrows the memory budget it is
** written out, sorted by term, as a run (a .dict/.post/.pos triple in the
** same format as a segment's) and emptied.  At commit the last run is
** written and the runs are merged into the segment's final files
** (merge.c); with no spill the table is written out directly.  Then the
** manifest is replaced (manifest.c), which makes the segment visible.
**
** In-memory postings of a term, per document:
**     varint: docid - previous docid (the first: docid)
**     varint: tf
**     tf varints: positions, the first as is, then gaps - 1
*/
#include "kq_int.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The key of a term or a word; first member of both, so one hash table
** routine serves the two tables. */
typedef struct wkey {
    char *z;
    u32 n;
    u32 hash;
} wkey;

/* Open addressing over an array of entries: each slot holds an entry's
** hash and its index + 1 (0 = empty), so a probe only touches an entry
** (and its key) when the hashes agree; at most half full. */
typedef struct hslot {
    u32 hash;
    u32 iEnt;
} hslot;

typedef struct htab {
    hslot *a;
    u32 nSlot;
} htab;

/* A slot of the word table, 32 bytes: looking up a token touches one
** slot and, for a word of up to WSLOT_INLINE bytes, nothing else (an
** entry and its key elsewhere were two more cache misses per token, a
** quarter of indexing time).  Longer words keep their word index in z[]
** and are compared through aWord. */
#define WSLOT_INLINE 23
typedef struct wslot {
    u32 hash;
    u32 iTerm1;        /* term index + 1; 0 = empty slot */
    u8 n;              /* word length, or 0xff: longer, see above */
    char z[WSLOT_INLINE];
} wslot;

typedef struct wterm {
    wkey k;
    u32 lastDoc;
    u32 df;
    u32 iMark;         /* document being added + 1 when seen in it */
    u32 iLocal;        /* then: its index in the document's term list */
    kqi_buf post;
} wterm;

typedef struct wword {
    wkey k;
    u32 iTerm;         /* its stem in aTerm */
} wword;

typedef struct run {
    char *azPath[3];   /* dict, post, pos */
} run;

struct kq_writer {
    char *zDir;
    int fdLock;
    kqi_manifest man;
    kq_analyzer *pA;
    size_t nMemory;
    u32 iSeg;          /* number of the segment being written */
    int bOpenSeg;      /* .docs/.store of the segment are open */
    kqi_wfile docsFile, storeFile;
    kqi_docw *pDocw;

    /* In-memory inversion. */
    wterm *aTerm;
    u32 nTerm, nTermAlloc;
    htab termTab;
    size_t nTermMem;   /* bytes held by terms, words and postings */
    wword *aWord;      /* distinct unstemmed words */
    u32 nWord, nWordAlloc;
    wslot *aWordSlot;  /* word -> term hash table (see word_term()) */
    u32 nWordSlot;
    u64 *aOcc;         /* (term index << 32 | position) of the current doc */
    size_t nOcc, nOccAlloc;
    u32 *aScratch;     /* per document: distinct terms, counts, positions */
    size_t nScratchAlloc;
    int rcDoc;

    run *aRun;
    u32 nRun;

    u64 nDocBefore;    /* documents in the committed segments */
    u32 nDoc;          /* documents in the new segment */
    u64 nToken;
    kq_writer_stats stats;
};

static u32
hash_term(const char *z, size_t n)
{
    u32 h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (u8)z[i]) * 16777619u;
    }
    return h;
}

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
    rc = kq_analyzer_new(p->man.zLang, &p->pA);
    if (rc) {
        rc = kqi_err(pzErr, rc, "unknown language \"%s\"", p->man.zLang);
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

#define KEY_AT(aEnt, szEnt, i) \
    ((const wkey *)(const void *)((const char *)(aEnt) + (size_t)(i) * (szEnt)))

/* Short keys are compared inline: a call to memcmp() per token cost more
** than the comparison. */
static inline int
key_eq(const char *a, const char *b, size_t n)
{
    if (n > 16) {
        return memcmp(a, b, n) == 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

/* Find the slot of key z[0..n) in h, whose entries are the nEnt entries of
** szEnt bytes at aEnt (each starting with a wkey).  (*ppSlot)->iEnt holds
** the entry's index + 1, or 0 where a new entry for the key goes (the
** caller then fills the slot).  Grows the table first when a new entry
** could make it more than half full. */
static int
htab_find(kq_writer *p, htab *h, const void *aEnt, size_t szEnt, u32 nEnt,
          const char *z, size_t n, u32 hash, hslot **ppSlot)
{
    if ((nEnt + 1) * 2 > h->nSlot) {
        u32 nNew = h->nSlot ? h->nSlot * 2 : 4096;
        hslot *a = calloc(nNew, sizeof(hslot));
        if (a == NULL) {
            return KQ_NOMEM;
        }
        for (u32 i = 0; i < nEnt; i++) {
            u32 hh = KEY_AT(aEnt, szEnt, i)->hash;
            u32 k = hh & (nNew - 1);
            while (a[k].iEnt) {
                k = (k + 1) & (nNew - 1);
            }
            a[k].hash = hh;
            a[k].iEnt = i + 1;
        }
        free(h->a);
        p->nTermMem += (size_t)(nNew - h->nSlot) * sizeof(hslot);
        h->a = a;
        h->nSlot = nNew;
    }
    u32 k = hash & (h->nSlot - 1);
    while (h->a[k].iEnt) {
        if (h->a[k].hash == hash) {
            const wkey *e = KEY_AT(aEnt, szEnt, h->a[k].iEnt - 1);
            if (e->n == n && key_eq(e->z, z, n)) {
                break;
            }
        }
        k = (k + 1) & (h->nSlot - 1);
    }
    *ppSlot = &h->a[k];
    return KQ_OK;
}

/* Make room for one more entry in *paEnt (of *pnAlloc). */
static int
grow_array(kq_writer *p, void **paEnt, size_t szEnt, u32 nEnt, u32 *pnAlloc)
{
    if (nEnt < *pnAlloc) {
        return KQ_OK;
    }
    u32 nNew = *pnAlloc ? *pnAlloc * 2 : 4096;
    void *a = realloc(*paEnt, nNew * szEnt);
    if (a == NULL) {
        return KQ_NOMEM;
    }
    p->nTermMem += (size_t)(nNew - *pnAlloc) * szEnt;
    *paEnt = a;
    *pnAlloc = nNew;
    return KQ_OK;
}

static int
key_init(kq_writer *p, wkey *k, const char *z, size_t n, u32 hash)
{
    k->z = malloc(n);
    if (k->z == NULL) {
        return KQ_NOMEM;
    }
    memcpy(k->z, z, n);
    k->n = (u32)n;
    k->hash = hash;
    p->nTermMem += n + 16;
    return KQ_OK;
}

/* The index of term z[0..n) in the table, adding it if new. */
static int
term_find(kq_writer *p, const char *z, size_t n, u32 *piTerm)
{
    u32 hash = hash_term(z, n);
    hslot *pSlot;
    if (htab_find(p, &p->termTab, p->aTerm, sizeof(wterm), p->nTerm, z, n,
                  hash, &pSlot) ||
        grow_array(p, (void **)&p->aTerm, sizeof(wterm), p->nTerm,
                   &p->nTermAlloc)) {
        return KQ_NOMEM;
    }
    if (pSlot->iEnt == 0) {
        wterm *t = &p->aTerm[p->nTerm];
        memset(t, 0, sizeof(*t));
        if (key_init(p, &t->k, z, n, hash)) {
            return KQ_NOMEM;
        }
        pSlot->hash = hash;
        pSlot->iEnt = ++p->nTerm;
    }
    *piTerm = pSlot->iEnt - 1;
    return KQ_OK;
}

/* The term index of the stem of word z[0..n); the stemmer runs once per
** distinct word.  KQ_NOTFOUND if the word is not indexed. */
static int
word_term(kq_writer *p, const char *z, size_t n, u32 *piTerm)
{
    u32 hash = hash_term(z, n);
    if ((p->nWord + 1) * 2 > p->nWordSlot) {
        /* Grow: slots carry their hash, so they move without the words. */
        u32 nNew = p->nWordSlot ? p->nWordSlot * 2 : 4096;
        wslot *a = calloc(nNew, sizeof(wslot));
        if (a == NULL) {
            return KQ_NOMEM;
        }
        for (u32 i = 0; i < p->nWordSlot; i++) {
            if (p->aWordSlot[i].iTerm1) {
                u32 k = p->aWordSlot[i].hash & (nNew - 1);
                while (a[k].iTerm1) {
                    k = (k + 1) & (nNew - 1);
                }
                a[k] = p->aWordSlot[i];
            }
        }
        free(p->aWordSlot);
        p->nTermMem += (size_t)(nNew - p->nWordSlot) * sizeof(wslot);
        p->aWordSlot = a;
        p->nWordSlot = nNew;
    }
    u32 mask = p->nWordSlot - 1;
    u32 k = hash & mask;
    wslot *pSlot;
    for (;; k = (k + 1) & mask) {
        pSlot = &p->aWordSlot[k];
        if (pSlot->iTerm1 == 0) {
            break;
        }
        if (pSlot->hash != hash) {
            continue;
        }
        if (n <= WSLOT_INLINE) {
            if (pSlot->n == n && key_eq(pSlot->z, z, n)) {
                *piTerm = pSlot->iTerm1 - 1;
                return KQ_OK;
            }
        } else if (pSlot->n == 0xff) {
            u32 iWord;
            memcpy(&iWord, pSlot->z, sizeof(iWord));
            const wkey *e = &p->aWord[iWord].k;
            if (e->n == n && memcmp(e->z, z, n) == 0) {
                *piTerm = pSlot->iTerm1 - 1;
                return KQ_OK;
            }
        }
    }
    /* A new word: stemmed once, here. */
    const char *zStem;
    size_t nStem;
    int rc = kq_stem(p->pA, z, n, &zStem, &nStem);
    if (rc) {
        return rc;
    }
    u32 iTerm;
    if (term_find(p, zStem, nStem, &iTerm) ||
        grow_array(p, (void **)&p->aWord, sizeof(wword), p->nWord,
                   &p->nWordAlloc)) {
        return KQ_NOMEM;
    }
    wword *w = &p->aWord[p->nWord];
    if (key_init(p, &w->k, z, n, hash)) {
        return KQ_NOMEM;
    }
    w->iTerm = iTerm;
    pSlot->hash = hash;
    pSlot->iTerm1 = iTerm + 1;
    if (n <= WSLOT_INLINE) {
        pSlot->n = (u8)n;
        memcpy(pSlot->z, z, n);
    } else {
        pSlot->n = 0xff;
        memcpy(pSlot->z, &p->nWord, sizeof(p->nWord));
    }
    p->nWord++;
    *piTerm = iTerm;
    return KQ_OK;
}

static int
token_cb(void *pCtx, const char *zWord, size_t nWord, uint32_t iPos,
         size_t iStart, size_t iEnd)
{
    kq_writer *p = pCtx;
    u32 iTerm;
    int rc = word_term(p, zWord, nWord, &iTerm);
    if (rc == KQ_NOTFOUND) {
        return 0;
    }
    if (rc) {
        return KQ_NOMEM;
    }
    if (p->nOcc == p->nOccAlloc) {
        size_t nNew = p->nOccAlloc ? p->nOccAlloc * 2 : 1024;
        u64 *a = realloc(p->aOcc, nNew * sizeof(u64));
        if (a == NULL) {
            return KQ_NOMEM;
        }
        p->aOcc = a;
        p->nOccAlloc = nNew;
    }
    p->aOcc[p->nOcc++] = ((u64)iTerm << 32) | iPos;
    return 0;
}

/* Append the current document's occurrences (p->aOcc, in text order) to
** the postings of their terms.  A counting sort groups them by term in
** linear time: the positions of each term stay in text order, and the order
** of the terms does not matter since each has its own postings. */
static int
invert_doc(kq_writer *p)
{
    size_t nOcc = p->nOcc;
    if (nOcc == 0) {
        return KQ_OK;
    }
    /* aScratch: aDist[nOcc] | aCnt[nOcc] | aPos[nOcc] */
    if (nOcc * 3 > p->nScratchAlloc) {
        size_t nNew = nOcc * 3 * 2;
        u32 *a = realloc(p->aScratch, nNew * sizeof(u32));
        if (a == NULL) {
            return KQ_NOMEM;
        }
        p->aScratch = a;
        p->nScratchAlloc = nNew;
    }
    u32 *aDist = p->aScratch, *aCnt = aDist + nOcc, *aPos = aCnt + nOcc;
    u32 iDoc = p->nDoc, iMark = p->nDoc + 1, nDist = 0;
    for (size_t i = 0; i < nOcc; i++) {
        wterm *t = &p->aTerm[(u32)(p->aOcc[i] >> 32)];
        if (t->iMark != iMark) {
            t->iMark = iMark;
            t->iLocal = nDist;
            aDist[nDist] = (u32)(p->aOcc[i] >> 32);
            aCnt[nDist++] = 0;
        }
        aCnt[t->iLocal]++;
    }
    /* aCnt becomes each term's start in aPos, then its end. */
    u32 nSum = 0;
    for (u32 k = 0; k < nDist; k++) {
        u32 c = aCnt[k];
        aCnt[k] = nSum;
        nSum += c;
    }
    for (size_t i = 0; i < nOcc; i++) {
        wterm *t = &p->aTerm[(u32)(p->aOcc[i] >> 32)];
        aPos[aCnt[t->iLocal]++] = (u32)p->aOcc[i];
    }
    u32 iStart = 0;
    for (u32 k = 0; k < nDist; k++) {
        wterm *t = &p->aTerm[aDist[k]];
        u32 iEnd = aCnt[k];
        size_t nBefore = t->post.nAlloc;
        /* At most 5 bytes a varint: docid gap, tf, positions. */
        if (kqi_buf_reserve(&t->post, (size_t)(iEnd - iStart + 2) * 5)) {
            return KQ_NOMEM;
        }
        u8 *o = t->post.a + t->post.n;
        o += kqi_varint_put(o, t->df ? iDoc - t->lastDoc : iDoc);
        o += kqi_varint_put(o, iEnd - iStart);
        u32 prev = 0;
        for (u32 j = iStart; j < iEnd; j++) {
            o += kqi_varint_put(o, j == iStart ? aPos[j] : aPos[j] - prev - 1);
            prev = aPos[j];
        }
        t->post.n = (size_t)(o - t->post.a);
        p->nTermMem += t->post.nAlloc - nBefore;
        t->lastDoc = iDoc;
        t->df++;
        iStart = iEnd;
    }
    return KQ_OK;
}

static void free_table(kq_writer *p);
static int spill(kq_writer *p, char **pzErr);

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
    p->nOcc = 0;
    u32 iPos = 0;
    rc = kq_analyze(p->pA, KQ_ANALYZE_NOSTEM, d->zTitle ? d->zTitle : "",
                    d->nTitle, 0, &iPos, p, token_cb);
    if (rc == KQ_OK && d->nBody) {
        rc = kq_analyze(p->pA, KQ_ANALYZE_NOSTEM, d->zBody, d->nBody,
                        iPos + KQI_TITLE_GAP, NULL, p, token_cb);
    }
    if (rc) {
        return kqi_err(pzErr, rc, "out of memory analysing a document");
    }
    rc = invert_doc(p);
    if (rc) {
        return kqi_err(pzErr, rc, "out of memory");
    }
    rc = kqi_docw_add(p->pDocw, d, (u32)p->nOcc);
    if (rc) {
        return kqi_err(pzErr, rc, "%s", p->docsFile.zErr ? p->docsFile.zErr
                       : p->storeFile.zErr ? p->storeFile.zErr
                       : "cannot write the document table");
    }
    p->nDoc++;
    p->nToken += p->nOcc;
    p->stats.nDoc++;
    p->stats.nToken += p->nOcc;
    p->stats.nByteIn += d->nTitle + d->nBody;
    if (p->nTermMem + kqi_docw_memory(p->pDocw) +
        p->nOccAlloc * sizeof(u64) + p->nScratchAlloc * sizeof(u32) >
            p->nMemory) {
        rc = spill(p, pzErr);
    }
    return rc;
}

/**************************************************************************
** Writing the table out, sorted by term.
*/
static int
key_cmp(const wkey *x, const wkey *y)
{
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->z, y->z, n);
    return c ? c : (int)x->n - (int)y->n;
}

static int
cmp_word(const void *a, const void *b, void *pCtx)
{
    const wword *aW = pCtx;
    return key_cmp(&aW[*(const u32 *)a].k, &aW[*(const u32 *)b].k);
}

static int
cmp_term(const void *a, const void *b, void *pCtx)
{
    const wterm *aT = pCtx;
    return key_cmp(&aT[*(const u32 *)a].k, &aT[*(const u32 *)b].k);
}

/* Write the in-memory table as dict/post/pos files at the three paths. */
static int
write_table(kq_writer *p, char *const azPath[3], u64 *pnTerm,
            kqi_segmeta *pMeta, char **pzErr)
{
    u32 nMax = p->nTerm > p->nWord ? p->nTerm : p->nWord;
    u32 *aOrder = malloc(sizeof(u32) * (nMax ? nMax : 1));
    u32 *aPos = NULL;
    size_t nPosAlloc = 0;
    if (aOrder == NULL) {
        return KQ_NOMEM;
    }

    kqi_listw lw;
    int rc = kqi_listw_open(&lw, azPath);
    if (lw.pPost) {
        u32 nLen;
        const u8 *aLen = kqi_docw_lens(p->pDocw, &nLen);
        kqi_plw_set_doclens(lw.pPost, aLen, nLen);
    }
    /* The vocabulary first (its keys sort first): words whose stem is not
    ** the word itself. */
    u32 nOrder = 0;
    for (u32 i = 0; i < p->nWord; i++) {
        const wword *w = &p->aWord[i];
        const wterm *t = &p->aTerm[w->iTerm];
        if (key_cmp(&w->k, &t->k) != 0) {
            aOrder[nOrder++] = i;
        }
    }
    qsort_r(aOrder, nOrder, sizeof(u32), cmp_word, p->aWord);
    for (u32 k = 0; rc == KQ_OK && k < nOrder; k++) {
        const wword *w = &p->aWord[aOrder[k]];
        const wterm *t = &p->aTerm[w->iTerm];
        char aKey[KQI_MAX_KEY];
        aKey[0] = KQI_WORD_MARK;
        memcpy(aKey + 1, w->k.z, w->k.n);
        rc = kqi_dictw_add(lw.pDict, aKey, w->k.n + 1, NULL, t->k.z, t->k.n);
    }
    for (u32 i = 0; i < p->nTerm; i++) {
        aOrder[i] = i;
    }
    qsort_r(aOrder, p->nTerm, sizeof(u32), cmp_term, p->aTerm);
    for (u32 k = 0; rc == KQ_OK && k < p->nTerm; k++) {
        wterm *t = &p->aTerm[aOrder[k]];
        const u8 *a = t->post.a, *end = t->post.a + t->post.n;
        kqi_plw_begin(lw.pPost);
        u32 iDoc = 0;
        for (u32 n = 0; rc == KQ_OK && n < t->df; n++) {
            u64 d, tf, v;
            /* Our own bytes: a failure here is a bug, not damage. */
            if (kqi_varint_get(&a, end, &d) || kqi_varint_get(&a, end, &tf)) {
                rc = KQ_MISUSE;
                break;
            }
            iDoc = n ? iDoc + (u32)d : (u32)d;
            if (tf > nPosAlloc) {
                u32 *x = realloc(aPos, sizeof(u32) * tf);
                if (x == NULL) {
                    rc = KQ_NOMEM;
                    break;
                }
                aPos = x;
                nPosAlloc = tf;
            }
            for (u64 i = 0; i < tf; i++) {
                if (kqi_varint_get(&a, end, &v)) {
                    rc = KQ_MISUSE;
                    break;
                }
                aPos[i] = i ? aPos[i - 1] + 1 + (u32)v : (u32)v;
            }
            if (rc == KQ_OK) {
                rc = kqi_plw_add(lw.pPost, iDoc, aPos, (u32)tf);
            }
        }
        kqi_termloc loc;
        if (rc == KQ_OK) {
            rc = kqi_plw_end(lw.pPost, &loc);
        }
        if (rc == KQ_OK) {
            rc = kqi_dictw_add(lw.pDict, t->k.z, t->k.n, &loc, NULL, 0);
        }
    }
    free(aOrder);
    free(aPos);
    rc = kqi_listw_close(&lw, rc, pMeta, pnTerm, pzErr);
    if (rc && rc != KQ_IOERR) {
        kqi_err(pzErr, rc, "cannot write %s: %s", azPath[0], kq_errstr(rc));
    }
    return rc;
}

static void
free_table(kq_writer *p)
{
    for (u32 i = 0; i < p->nTerm; i++) {
        free(p->aTerm[i].k.z);
        kqi_buf_free(&p->aTerm[i].post);
    }
    free(p->aTerm);
    free(p->termTab.a);
    p->aTerm = NULL;
    memset(&p->termTab, 0, sizeof(p->termTab));
    p->nTerm = p->nTermAlloc = 0;
    for (u32 i = 0; i < p->nWord; i++) {
        free(p->aWord[i].k.z);
    }
    free(p->aWord);
    free(p->aWordSlot);
    p->aWord = NULL;
    p->aWordSlot = NULL;
    p->nWordSlot = 0;
    p->nWord = p->nWordAlloc = 0;
    p->nTermMem = 0;
}

static int
spill(kq_writer *p, char **pzErr)
{
    if (p->nTerm == 0) {
        return KQ_OK;
    }
    run *a = realloc(p->aRun, sizeof(run) * (p->nRun + 1));
    if (a == NULL) {
        return KQ_NOMEM;
    }
    p->aRun = a;
    run *r = &p->aRun[p->nRun];
    for (int f = 0; f < 3; f++) {
        r->azPath[f] = kqi_mprintf("%s/tmp-seg%06u-run%u.%s", p->zDir,
                                   p->iSeg, p->nRun, kqi_file_ext[f]);
        if (r->azPath[f] == NULL) {
            for (int g = 0; g < f; g++) {
                free(r->azPath[g]);
            }
            return KQ_NOMEM;
        }
    }
    p->nRun++;
    int rc = write_table(p, r->azPath, NULL, NULL, pzErr);
    free_table(p);
    /* Hand the freed table back to the system: the next run, or the merge
    ** with its mapped files, must fit in the budget too. */
    malloc_trim(0);
    p->stats.nSpill++;
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
    u64 nTermReal = 0;
    if (rc == KQ_OK && p->nRun == 0) {
        rc = write_table(p, azOut, &nTermReal, &meta, pzErr);
        free_table(p);
    } else if (rc == KQ_OK) {
        rc = spill(p, pzErr);
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
    if (p->bOpenSeg) {
        /* Uncommitted: discard the segment's files. */
        if (p->pDocw) {
            kqi_docw_finish(p->pDocw, NULL);
        }
        kqi_wfile_abort(&p->docsFile);
        kqi_wfile_abort(&p->storeFile);
    }
    remove_runs(p);
    free_table(p);
    free(p->aOcc);
    free(p->aScratch);
    kq_analyzer_free(p->pA);
    kqi_manifest_clear(&p->man);
    if (p->fdLock >= 0) {
        close(p->fdLock);   /* releases the flock */
    }
    free(p->zDir);
    free(p);
}
