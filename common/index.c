/*
** index.c -- a read-only view of one committed generation of an index:
** the manifest, its segments and the analyzer the index was built with.
** A kq_index may instead be Xapian databases (kq_index.pX): the public
** functions here, and those of common/search/ and match.c, hand such an index
** to xbackend.c, so that a program on kq.h reads both backends alike.
*/
#include "kq_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libdeflate.h>

/* Most duplicate ids the message of several indexes sharing ids names. */
#define KQI_DUP_IDS_NAMED 3

int
kq_dir_kind(const char *zDir)
{
    switch (kqi_dir_kind(zDir)) {
    case KQI_DIR_NATIVE: return KQ_KIND_NATIVE;
    case KQI_DIR_XAPIAN: return KQ_KIND_XAPIAN;
    default: return KQ_KIND_NONE;
    }
}

int
kqi_dir_kind(const char *zDir)
{
    static const struct {
        const char *zFile;
        int eKind;
    } aMark[] = {
        {KQI_MANIFEST, KQI_DIR_NATIVE},
        {"iamglass", KQI_DIR_XAPIAN},
        {"XAPIANDB", KQI_DIR_XAPIAN},
    };
    for (size_t i = 0; i < sizeof(aMark) / sizeof(aMark[0]); i++) {
        char *z = kq_mprintf("%s/%s", zDir, aMark[i].zFile);
        /* lstat: a symbolic link named kq.manifest still makes the
        ** directory a kq index, which then refuses the link (fileio.c). */
        struct stat st;
        int b = z && lstat(z, &st) == 0;
        free(z);
        if (b) {
            return aMark[i].eKind;
        }
    }
    return KQI_DIR_NONE;
}

/* Several indexes are one only if their scores are comparable: the same
** stemming language and title weight (the format version needs no check:
** kq reads its own only, kqi_manifest_read()).  Part i's manifest m
** against part 0's. */
static int
check_alike(const kq_index *p, int i, const kqi_manifest *m, char **pzErr)
{
    const kqi_manifest *m0 = &p->man;
    const char *z0 = p->aPart[0].zDir, *z = p->aPart[i].zDir;
    if (strcmp(m->zLang, m0->zLang) != 0) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "%s has the stemming language \"%s\", %s \"%s\": "
                       "indexes searched together must have the same",
                       z, m->zLang, z0, m0->zLang);
    }
    if (m->nTitleWeight != m0->nTitleWeight) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "%s has the title weight %u, %s %u: indexes searched "
                       "together must have the same",
                       z, m->nTitleWeight, z0, m0->nTitleWeight);
    }
    return KQ_OK;
}

/* Part i's manifest m added to p->man: its segments after those before,
** its generation to the sum (the generation of several indexes grows
** when any of them commits). */
static int
add_part(kq_index *p, int i, kqi_manifest *m, char **pzErr)
{
    kqi_part *pt = &p->aPart[i];
    pt->nGeneration = m->nGeneration;
    pt->iSeg0 = p->man.nSeg;
    pt->nSeg = m->nSeg;
    if (i == 0) {
        p->man = *m;
        memset(m, 0, sizeof(*m));
        return KQ_OK;
    }
    int rc = check_alike(p, i, m, pzErr);
    if (rc) {
        return rc;
    }
    u64 nSeg = (u64)p->man.nSeg + m->nSeg;
    kqi_segmeta *a = realloc(p->man.aSeg, sizeof(*a) * (nSeg ? nSeg : 1));
    if (a == NULL || nSeg > UINT32_MAX) {
        p->man.aSeg = a ? a : p->man.aSeg;
        return KQ_NOMEM;
    }
    if (m->nSeg) {
        memcpy(a + p->man.nSeg, m->aSeg, sizeof(*a) * m->nSeg);
    }
    p->man.aSeg = a;
    p->man.nSeg = (u32)nSeg;
    p->man.nGeneration += m->nGeneration;
    return KQ_OK;
}

/* Read the manifests of p's directories and open their segments, docids
** counting on from one index to the next. */
static int
open_generation(kq_index *p, char **pzErr)
{
    int rc = KQ_OK;
    for (int i = 0; rc == KQ_OK && i < p->nPart; i++) {
        kqi_manifest m;
        memset(&m, 0, sizeof(m));
        const char *zDir = p->aPart[i].zDir;
        rc = kqi_manifest_read(zDir, &m, pzErr);
        if (rc == KQ_NOTFOUND) {
            kqi_err(pzErr, rc, "%s: no index here (no %s)", zDir,
                    KQI_MANIFEST);
        }
        if (rc == KQ_OK) {
            rc = add_part(p, i, &m, pzErr);
        }
        kqi_manifest_clear(&m);
    }
    /* Docids are 32 bits across all of them (KQ_DOCID_EOF the sentinel);
    ** one index is held below that by its writer. */
    u64 nDocAll = 0;
    for (u32 i = 0; rc == KQ_OK && i < p->man.nSeg; i++) {
        nDocAll += p->man.aSeg[i].nDoc;
    }
    if (rc == KQ_OK && nDocAll >= KQ_DOCID_EOF) {
        rc = kqi_err(pzErr, KQ_MISUSE,
                     "the %d indexes hold %llu documents (deleted ones "
                     "included) in all: indexes searched together hold "
                     "fewer than %llu",
                     p->nPart, (unsigned long long)nDocAll,
                     (unsigned long long)KQ_DOCID_EOF);
    }
    if (rc == KQ_OK) {
        p->aSeg = calloc(p->man.nSeg ? p->man.nSeg : 1, sizeof(kqi_segment));
        if (p->aSeg == NULL) {
            rc = KQ_NOMEM;
        }
    }
    u32 iBase = 0;
    memset(&p->stats, 0, sizeof(p->stats));
    for (int k = 0; rc == KQ_OK && k < p->nPart; k++) {
        const kqi_part *pt = &p->aPart[k];
        for (u32 i = pt->iSeg0; rc == KQ_OK && i < pt->iSeg0 + pt->nSeg; i++) {
            const kqi_segmeta *m = &p->man.aSeg[i];
            rc = kqi_segment_open(&p->aSeg[i], pt->zDir, m, pzErr);
            p->aSeg[i].iBase = iBase;
            iBase += m->nDoc;
            p->stats.nDoc += m->nDoc - m->nDel;
            p->stats.nToken += m->nToken - m->nDelToken;
        }
    }
    return rc;
}

/* Has the manifest of one of p's directories moved on from the
** generation p read? */
static int
generation_moved(const kq_index *p)
{
    for (int i = 0; i < p->nPart; i++) {
        kqi_manifest m2;
        int bMoved = kqi_manifest_read(p->aPart[i].zDir, &m2, NULL) == KQ_OK &&
                     m2.nGeneration != p->aPart[i].nGeneration;
        kqi_manifest_clear(&m2);
        if (bMoved) {
            return 1;
        }
    }
    return 0;
}

static void
close_generation(kq_index *p)
{
    if (p->aSeg) {
        for (u32 i = 0; i < p->man.nSeg; i++) {
            kqi_segment_close(&p->aSeg[i]);
        }
    }
    free(p->aSeg);
    p->aSeg = NULL;
    kqi_manifest_clear(&p->man);
}

static int analyzer_langs(kq_index *p, char **pzErr);

/* A Xapian database (or several, or tcp:// shards) as a kq_index. */
static int
open_xapian(const char *const *azPath, int nPath, kq_index **ppOut,
            char **pzErr)
{
    kq_index *p = calloc(1, sizeof(*p));
    if (p == NULL || (p->zDir = strdup(azPath[0])) == NULL) {
        free(p);
        return KQ_NOMEM;
    }
    int rc = kqi_xindex_open(azPath, nPath, &p->pX, pzErr);
    if (rc) {
        kq_index_close(p);
        return rc;
    }
    *ppOut = p;
    return KQ_OK;
}

static int
is_url(const char *z)
{
    return strncmp(z, "tcp://", 6) == 0;
}

/* Are zA and zB the same directory? */
static int
same_dir(const char *zA, const char *zB)
{
    struct stat a, b;
    return stat(zA, &a) == 0 && stat(zB, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

static int open_native(const char *const *azPath, int nPath, kq_index **ppOut,
                       char **pzErr);

int
kq_index_open_many(const char *const *azPath, int nPath, kq_index **ppOut,
                   char **pzErr)
{
    *ppOut = NULL;
    if (nPath < 1 || nPath > KQ_MAX_SHARDS) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "%d indexes: from 1 to %d can be opened together",
                       nPath, KQ_MAX_SHARDS);
    }
    if (nPath == 1) {
        return kq_index_open(azPath[0], ppOut, pzErr);
    }
    int nX = 0;
    for (int i = 0; i < nPath; i++) {
        nX += is_url(azPath[i]) || kqi_dir_kind(azPath[i]) == KQI_DIR_XAPIAN;
    }
    if (nX == nPath) {
        return open_xapian(azPath, nPath, ppOut, pzErr);
    }
    for (int i = 0; nX > 0 && i < nPath; i++) {
        if (is_url(azPath[i]) || kqi_dir_kind(azPath[i]) == KQI_DIR_XAPIAN) {
            return kqi_err(pzErr, KQ_MISUSE,
                           "%s is a Xapian database, %s is not: Xapian "
                           "databases and kq indexes cannot be searched "
                           "together",
                           azPath[i], azPath[i ? 0 : 1]);
        }
    }
    for (int i = 0; i < nPath; i++) {
        for (int j = 0; j < i; j++) {
            if (same_dir(azPath[i], azPath[j])) {
                return kqi_err(pzErr, KQ_MISUSE,
                               "%s and %s are the same index, given twice "
                               "(every document id would be in both)",
                               azPath[j], azPath[i]);
            }
        }
    }
    return open_native(azPath, nPath, ppOut, pzErr);
}

int
kq_index_open(const char *zDir, kq_index **ppOut, char **pzErr)
{
    *ppOut = NULL;
    if (is_url(zDir) || kqi_dir_kind(zDir) == KQI_DIR_XAPIAN) {
        return open_xapian(&zDir, 1, ppOut, pzErr);
    }
    return open_native(&zDir, 1, ppOut, pzErr);
}

static int check_unique_ids(kq_index *p, char **pzErr);

/* kq's own indexes azPath[0..nPath) as one. */
static int
open_native(const char *const *azPath, int nPath, kq_index **ppOut,
            char **pzErr)
{
    for (int i = 0; i < nPath; i++) {
        const char *zDir = azPath[i];
        struct stat st;
        if (stat(zDir, &st) != 0) {
            return kqi_err(pzErr, errno == ENOENT ? KQ_NOTFOUND : KQ_IOERR,
                           "%s: no index here: %s", zDir, strerror(errno));
        }
        if (!S_ISDIR(st.st_mode)) {
            return kqi_err(pzErr, KQ_FORMAT, "%s: not an index directory",
                           zDir);
        }
    }
    kq_index *p = calloc(1, sizeof(*p));
    if (p == NULL || (p->zDir = strdup(azPath[0])) == NULL ||
        (p->aPart = calloc((size_t)nPath, sizeof(kqi_part))) == NULL) {
        if (p) {
            free(p->zDir);
        }
        free(p);
        return KQ_NOMEM;
    }
    p->nPart = nPath;
    int rc = KQ_OK;
    for (int i = 0; rc == KQ_OK && i < nPath; i++) {
        if ((p->aPart[i].zDir = strdup(azPath[i])) == NULL) {
            rc = KQ_NOMEM;
        }
    }
    /* Readers take no lock.  A writer that commits while we open may remove
    ** files of the generation we read the manifest of (a merge replaces
    ** segments, a commit replaces .del files); files we have mapped stay
    ** ours, so only this window matters: if a file is missing or damaged
    ** and a manifest has moved on meanwhile, open the new generation. */
    for (int nTry = 0; rc == KQ_OK; nTry++) {
        rc = open_generation(p, pzErr);
        if (rc != KQ_CORRUPT || nTry >= 50 || !generation_moved(p)) {
            break;
        }
        close_generation(p);
        if (pzErr) {
            free(*pzErr);
            *pzErr = NULL;
        }
        rc = KQ_OK;
    }
    if (rc == KQ_OK) {
        rc = kq_analyzer_new(p->man.zLang, &p->pAnalyzer);
        if (rc == KQ_NOTFOUND) {
            rc = kqi_err(pzErr, KQ_FORMAT,
                         "%s: unknown stemming language \"%s\"", p->zDir,
                         p->man.zLang);
        }
    }
    if (rc == KQ_OK) {
        rc = analyzer_langs(p, pzErr);
    }
    if (rc == KQ_OK && nPath > 1) {
        rc = check_unique_ids(p, pzErr);
    }
    if (rc) {
        kq_index_close(p);
        return rc;
    }
    p->stats.nGeneration = p->man.nGeneration;
    p->stats.nTitleWeight = p->man.nTitleWeight;
    p->stats.nSegment = p->man.nSeg;
    p->stats.avgDoclen = p->stats.nDoc
                             ? (double)p->stats.nToken / (double)p->stats.nDoc
                             : 0.0;
    *ppOut = p;
    return KQ_OK;
}

/**************************************************************************
** Several indexes as one: no document id may be live in two of them.
**
** Each segment's id table is sorted by id hash (doctab.c), so one merge of
** the tables of all segments (a heap of cursors) meets every hash once, in
** order, and the ids of equal hashes from different indexes are compared.
** That reads 20 bytes per document (and checks each table's CRC32 first,
** as every use of it does): O(documents x log segments) at every open.
** No exact check can read less than every id of all indexes but one.
*/
typedef struct idcur {
    const kqi_segment *g;
    u32 k; /* its next live entry in the id table (nDoc: done) */
    int iPart;
} idcur;

typedef struct idrun {
    const kqi_segment *g;
    u32 iDoc;
    int iPart;
} idrun;

static u64
idcur_hash(const idcur *c)
{
    return KQI_IDENT_HASH(KQI_IDENT_AT(c->g->docs.aIds, c->k));
}

/* Move c to its first live entry from c->k on. */
static int
idcur_skip(idcur *c, char **pzErr)
{
    const kqi_docs *d = &c->g->docs;
    for (; c->k < d->nDoc; c->k++) {
        u32 iDoc = KQI_IDENT_DOCID(KQI_IDENT_AT(d->aIds, c->k));
        if (iDoc >= d->nDoc) {
            return kqi_err(pzErr, KQ_CORRUPT, "%s: bad id table",
                           d->pDocs->zPath);
        }
        if (!kqi_is_deleted(c->g->aDel, iDoc)) {
            break;
        }
    }
    return KQ_OK;
}

static int
idcur_less(const idcur *a, const idcur *b)
{
    u64 x = idcur_hash(a), y = idcur_hash(b);
    return x < y || (x == y && a->g < b->g);
}

static void
idheap_down(idcur **a, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, m = i;
        if (l < n && idcur_less(a[l], a[m])) {
            m = l;
        }
        if (l + 1 < n && idcur_less(a[l + 1], a[m])) {
            m = l + 1;
        }
        if (m == i) {
            return;
        }
        idcur *t = a[i];
        a[i] = a[m];
        a[m] = t;
        i = m;
    }
}

/* The documents of aRun[0..nRun) (equal id hashes): each pair from two
** indexes with equal ids is a duplicate, counted in *pnDup and, the first
** few, named in *pMsg. */
static int
idrun_check(const kq_index *p, const idrun *aRun, int nRun, u64 *pnDup,
            kq_buf *pMsg, char **pzErr)
{
    for (int i = 0; i < nRun; i++) {
        for (int j = i + 1; j < nRun; j++) {
            if (aRun[i].iPart == aRun[j].iPart) {
                continue;
            }
            kqi_docrec a, b;
            int rc = kqi_docs_info(&aRun[i].g->docs, aRun[i].iDoc, &a, pzErr);
            if (rc == KQ_OK) {
                rc = kqi_docs_info(&aRun[j].g->docs, aRun[j].iDoc, &b, pzErr);
            }
            if (rc) {
                return rc;
            }
            if (a.nId != b.nId || memcmp(a.zId, b.zId, a.nId) != 0) {
                continue;
            }
            if (++*pnDup <= KQI_DUP_IDS_NAMED) {
                char *z = kq_mprintf(
                    "%s'%.*s' (in %s and in %s)", *pnDup > 1 ? "; " : "",
                    KQI_QUOTE_LEN(a.nId), a.zId, p->aPart[aRun[i].iPart].zDir,
                    p->aPart[aRun[j].iPart].zDir);
                if (z == NULL) {
                    return KQ_NOMEM;
                }
                kq_buf_append(pMsg, z, strlen(z));
                free(z);
            }
        }
    }
    return KQ_OK;
}

static int
check_unique_ids(kq_index *p, char **pzErr)
{
    u32 nSeg = p->man.nSeg;
    idcur *aCur = calloc(nSeg ? nSeg : 1, sizeof(*aCur));
    idcur **aHeap = calloc(nSeg ? nSeg : 1, sizeof(*aHeap));
    idrun *aRun = NULL;
    size_t nRunAlloc = 0;
    kq_buf msg = {0};
    u64 nDup = 0;
    int nHeap = 0;
    int rc = aCur && aHeap ? KQ_OK : KQ_NOMEM;
    for (int k = 0; rc == KQ_OK && k < p->nPart; k++) {
        const kqi_part *pt = &p->aPart[k];
        for (u32 i = pt->iSeg0; rc == KQ_OK && i < pt->iSeg0 + pt->nSeg; i++) {
            idcur *c = &aCur[i];
            c->g = &p->aSeg[i];
            c->iPart = k;
            rc = kqi_docs_ids_check(&c->g->docs, pzErr);
            if (rc == KQ_OK) {
                rc = idcur_skip(c, pzErr);
            }
            if (rc == KQ_OK && c->k < c->g->docs.nDoc) {
                aHeap[nHeap++] = c;
            }
        }
    }
    for (int i = nHeap / 2; i-- > 0;) {
        idheap_down(aHeap, nHeap, i);
    }
    while (rc == KQ_OK && nHeap > 0) {
        /* Every live entry with the smallest hash h, from every segment. */
        u64 h = idcur_hash(aHeap[0]);
        int nRun = 0, bParts = 0;
        while (rc == KQ_OK && nHeap > 0 && idcur_hash(aHeap[0]) == h) {
            idcur *c = aHeap[0];
            do {
                if (kq_grow(&aRun, sizeof(*aRun), &nRunAlloc, (size_t)nRun + 1,
                            8)) {
                    rc = KQ_NOMEM;
                    break;
                }
                bParts |= nRun > 0 && aRun[0].iPart != c->iPart;
                aRun[nRun].g = c->g;
                aRun[nRun].iDoc = KQI_IDENT_DOCID(
                    KQI_IDENT_AT(c->g->docs.aIds, c->k));
                aRun[nRun++].iPart = c->iPart;
                c->k++;
                rc = idcur_skip(c, pzErr);
            } while (rc == KQ_OK && c->k < c->g->docs.nDoc &&
                     idcur_hash(c) == h);
            if (c->k >= c->g->docs.nDoc) {
                aHeap[0] = aHeap[--nHeap];
            }
            idheap_down(aHeap, nHeap, 0);
        }
        if (rc == KQ_OK && bParts) {
            rc = idrun_check(p, aRun, nRun, &nDup, &msg, pzErr);
        }
    }
    if (rc == KQ_OK && msg.rc) {
        rc = KQ_NOMEM;
    }
    if (rc == KQ_OK && nDup > 0) {
        rc = kqi_err(pzErr, KQ_MISUSE,
                     "%llu document id%s live in more than one of the "
                     "indexes searched together, which must not share "
                     "ids: %.*s%s",
                     (unsigned long long)nDup, nDup > 1 ? "s are" : " is",
                     (int)msg.n, (const char *)msg.a,
                     nDup > KQI_DUP_IDS_NAMED ? "; ..." : "");
    }
    kq_buf_free(&msg);
    free(aRun);
    free(aHeap);
    free(aCur);
    return rc;
}

static void
free_xvalues(kq_index *p)
{
    for (int i = 0; i < KQI_XVALUES; i++) {
        free(p->azXValue[i]);
        p->azXValue[i] = NULL;
    }
}

void
kq_index_close(kq_index *p)
{
    if (p) {
        kqi_xindex_close(p->pX);
        free_xvalues(p);
        close_generation(p);
        kq_analyzer_free(p->pAnalyzer);
        free(p->aSegStats);
        free(p->aDocLang);
        free(p->aLang);
        kqi_textcache_clear(&p->text);
        for (int i = 0; p->aPart && i < p->nPart; i++) {
            free(p->aPart[i].zDir);
        }
        free(p->aPart);
        free(p->zDir);
        free(p);
    }
}

int
kq_index_backend(const kq_index *p)
{
    return p->pX ? KQ_KIND_XAPIAN : KQ_KIND_NATIVE;
}

int
kqi_need_native(const kq_index *p, const char *zWhat, char **pzErr)
{
    if (p->pX) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "%s needs a kq index; %s is a Xapian database", zWhat,
                       p->zDir);
    }
    return KQ_OK;
}

const kq_stats *
kq_index_stats(const kq_index *p)
{
    return p->pX ? kqi_xindex_stats(p->pX) : &p->stats;
}

kq_analyzer *
kq_index_analyzer(kq_index *p)
{
    return p->pX ? kqi_xindex_analyzer(p->pX) : p->pAnalyzer;
}

int
kq_index_on_stall(kq_index *p, kq_stall_fn x, void *pCtx)
{
    return p->pX ? kqi_xindex_watch(p->pX, x, pCtx) : KQ_OK;
}

/* The segment holding global docid iDoc, and the local docid. */
static kqi_segment *
seg_of(kq_index *p, kq_docid iDoc, u32 *piLocal)
{
    for (u32 i = 0; i < p->man.nSeg; i++) {
        kqi_segment *s = &p->aSeg[i];
        if (iDoc >= s->iBase && iDoc - s->iBase < s->meta.nDoc) {
            *piLocal = iDoc - s->iBase;
            return s;
        }
    }
    return NULL;
}

int
kqi_index_docrec(kq_index *p, kq_docid iDoc, kqi_docrec *pOut, char **pzErr)
{
    u32 iLocal;
    kqi_segment *s = seg_of(p, iDoc, &iLocal);
    if (s == NULL) {
        return kqi_err(pzErr, KQ_NOTFOUND, "no document %u", iDoc);
    }
    return kqi_docs_info(&s->docs, iLocal, pOut, pzErr);
}

/* kq_index_doc() of a Xapian database: its values, malloc()ed and kept
** until the next call. */
static int
xapian_doc(kq_index *p, kq_docid iDoc, char **pzErr)
{
    free_xvalues(p);
    size_t an[KQI_XVALUES] = {0};
    int rc = kqi_xindex_doc(p->pX, iDoc, p->azXValue, an, pzErr);
    if (rc) {
        free_xvalues(p);
        return rc;
    }
    kq_docinfo *d = &p->info;
    memset(d, 0, sizeof(*d));
    d->zId = p->azXValue[0];
    d->nId = an[0];
    d->zTitle = p->azXValue[1];
    d->nTitle = an[1];
    d->zDate = p->azXValue[2];
    d->nDate = an[2];
    d->zSource = p->azXValue[3];
    d->nSource = an[3];
    d->aField = p->aField;
    if (an[4] == 8) {
        d->nSig = kqi_get_u64((const u8 *)p->azXValue[4]);
        d->bSig = d->nSig != 0;
    }
    return KQ_OK;
}

int
kq_index_doc(kq_index *p, kq_docid iDoc, const kq_docinfo **ppOut,
             char **pzErr)
{
    *ppOut = NULL;
    int rc;
    p->iInfo = iDoc;
    if (p->pX) {
        rc = xapian_doc(p, iDoc, pzErr);
    } else {
        kqi_docrec r;
        rc = kqi_index_docrec(p, iDoc, &r, pzErr);
        kq_docinfo *d = &p->info;
        memset(d, 0, sizeof(*d));
        d->aField = p->aField;
        /* (kqi_docs_info() checked that nField fits KQ_MAX_FIELDS) */
        for (int i = 0; rc == KQ_OK && i < r.nField; i++) {
            if (kqi_fields_get(r.pField, r.nFieldByte, i, &p->aField[i])) {
                rc = kqi_err(pzErr, KQ_CORRUPT,
                             "%s: document %u: damaged extra field %d",
                             p->zDir, iDoc, i);
            }
        }
        if (rc == KQ_OK) {
            rc = kqi_index_doc_lang(p, iDoc, &d->zLang, pzErr);
        }
        if (rc == KQ_OK) {
            d->zId = r.zId;
            d->nId = r.nId;
            d->zTitle = r.zTitle;
            d->nTitle = r.nTitle;
            d->zDate = r.zDate;
            d->nDate = r.nDate;
            d->zSource = r.zSource;
            d->nSource = r.nSource;
            d->nLen = r.nLen;
            d->nField = r.nField;
            d->nSig = r.nSig;
            d->bSig = r.nSig != 0;
        }
    }
    if (rc == KQ_OK) {
        *ppOut = &p->info;
    }
    return rc;
}

static int
count_token(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
            size_t iStart, size_t iEnd)
{
    (*(u32 *)pCtx)++;
    return 0;
}

/* On Xapian the document's length is weighted and the title weight's
** share unknown per document: its title and body are analysed again. */
static u32
xdoc_tokens(kq_index *p, const kq_docinfo *pInfo)
{
    u32 n = 0;
    char *z = NULL;
    size_t nz = 0;
    kq_analyzer *pA = kq_index_analyzer(p);
    kq_analyze(pA, KQ_ANALYZE_NOSTEM, pInfo->zTitle, pInfo->nTitle, 0, NULL,
               &n, count_token);
    if (pInfo == &p->info &&
        kq_index_text(p, p->iInfo, &z, &nz, NULL) == KQ_OK && nz) {
        kq_analyze(pA, KQ_ANALYZE_NOSTEM, z, nz, 0, NULL, &n, count_token);
    }
    free(z);
    return n;
}

uint32_t
kq_docinfo_tokens(kq_index *p, const kq_docinfo *pInfo)
{
    if (p->pX) {
        return xdoc_tokens(p, pInfo);
    }
    /* invert.c: nLen = tokens + (nTitleWeight - 1) * title tokens, the
    ** title's tokens being those the analysis delivers (the same count
    ** stemmed or not, in any language). */
    u32 nTitle = 0;
    if (pInfo->nTitle) {
        kq_analyze(p->pAnalyzer, KQ_ANALYZE_NOSTEM, pInfo->zTitle,
                   pInfo->nTitle, 0, NULL, &nTitle, count_token);
    }
    u64 nExtra = (u64)(p->man.nTitleWeight - 1) * nTitle;
    return pInfo->nLen > nExtra ? (u32)(pInfo->nLen - nExtra) : 0;
}

int
kq_index_text(kq_index *p, kq_docid iDoc, char **pzText, size_t *pnText,
              char **pzErr)
{
    if (p->pX) {
        return kqi_xdoc(p->pX, iDoc, -1, pzText, pnText, pzErr);
    }
    u32 iLocal;
    kqi_segment *s = seg_of(p, iDoc, &iLocal);
    if (s == NULL) {
        return kqi_err(pzErr, KQ_NOTFOUND, "no document %u", iDoc);
    }
    const char *z;
    size_t n;
    *pzText = NULL;
    *pnText = 0;
    int rc = kqi_docs_text_ref(&s->docs, iLocal, &p->text, &z, &n, pzErr);
    if (rc == KQ_OK) {
        *pzText = malloc(n + 1);
        if (*pzText == NULL) {
            return KQ_NOMEM;
        }
        memcpy(*pzText, z, n);
        (*pzText)[n] = 0;
        *pnText = n;
    }
    return rc;
}

/**************************************************************************
** The live documents and the segments.
*/
int
kq_index_each_doc(kq_index *p, void *pCtx, kq_doc_fn x, kq_docid *pnDocid,
                  char **pzErr)
{
    if (p->pX) {
        return kqi_xeach_doc(p->pX, pCtx, x, pnDocid, pzErr);
    }
    int rc = KQ_OK;
    kq_docid nDocid = 0;
    for (u32 i = 0; rc == KQ_OK && i < p->man.nSeg; i++) {
        const kqi_segment *g = &p->aSeg[i];
        if (g->iBase + g->meta.nDoc > nDocid) {
            nDocid = g->iBase + g->meta.nDoc;
        }
    }
    if (pnDocid) {
        *pnDocid = nDocid;
    }
    for (u32 i = 0; x && rc == KQ_OK && i < p->man.nSeg; i++) {
        const kqi_segment *g = &p->aSeg[i];
        for (u32 k = 0; rc == KQ_OK && k < g->meta.nDoc; k++) {
            if (!kqi_is_deleted(g->aDel, k)) {
                rc = x(pCtx, g->iBase + k);
            }
        }
    }
    return rc;
}

int
kq_index_each_sig(kq_index *p, void *pCtx, kq_sig_fn x, char **pzErr)
{
    int rc = kqi_need_native(p, "walking the signatures", pzErr);
    for (u32 i = 0; rc == KQ_OK && i < p->man.nSeg; i++) {
        const kqi_segment *g = &p->aSeg[i];
        for (u32 k = 0; rc == KQ_OK && k < g->meta.nDoc; k++) {
            if (kqi_is_deleted(g->aDel, k)) {
                continue;
            }
            u64 sig = kqi_docs_sig(&g->docs, k);
            if (kqi_docs_bad(&g->docs)) {
                rc = kqi_err(pzErr, KQ_CORRUPT, "%s: checksum mismatch",
                             g->aMap[KQI_F_DOCS].zPath);
            } else if (sig != 0) {
                rc = x(pCtx, g->iBase + k, sig);
            }
        }
    }
    return rc;
}

/* The statistics of every segment, made at the first call: the words of
** each need a walk of its dictionary. */
static int
make_segment_stats(kq_index *p, char **pzErr)
{
    kq_segment_stats *a = calloc(p->man.nSeg ? p->man.nSeg : 1, sizeof(*a));
    if (a == NULL) {
        return KQ_NOMEM;
    }
    int rc = KQ_OK;
    for (u32 i = 0; rc == KQ_OK && i < p->man.nSeg; i++) {
        const kqi_segmeta *m = &p->man.aSeg[i];
        a[i].iSeg = m->iSeg;
        a[i].nDoc = m->nDoc;
        a[i].nDel = m->nDel;
        a[i].nToken = m->nToken - m->nDelToken;
        a[i].nByte = m->delSize;
        for (int k = 0; k < p->nPart; k++) {
            if (i >= p->aPart[k].iSeg0) {
                a[i].iIndex = (u32)k;
            }
        }
        for (int f = 0; f < KQI_NFILE; f++) {
            a[i].nByte += m->aSize[f];
        }
        rc = kqi_dict_nwords(&p->aSeg[i].dict, &a[i].nWord, pzErr);
    }
    if (rc) {
        free(a);
        return rc;
    }
    p->aSegStats = a;
    return KQ_OK;
}

int
kq_index_segment(kq_index *p, uint32_t i, const kq_segment_stats **ppOut,
                 char **pzErr)
{
    *ppOut = NULL;
    int rc = kqi_need_native(p, "segment statistics", pzErr);
    if (rc == KQ_OK && i >= p->man.nSeg) {
        rc = kqi_err(pzErr, KQ_MISUSE, "no segment %u (the index has %u)", i,
                     p->man.nSeg);
    }
    if (rc == KQ_OK && p->aSegStats == NULL) {
        rc = make_segment_stats(p, pzErr);
    }
    if (rc == KQ_OK) {
        *ppOut = &p->aSegStats[i];
    }
    return rc;
}

/**************************************************************************
** kq_index_check(): everything a query could touch, verified.
*/
/* Block b's impacts in the skip table must be those of its postings (tfs
** aTf, lengths aLen); they are added to the list's. */
static int
check_impacts(kqi_plc *c, int b, const u32 *aTf, const u32 *aLen, u32 n,
              kqi_impacts *pList)
{
    u32 aWTf[KQI_BLOCK], aWLen[KQI_BLOCK], nW;
    const u32 *aHTf, *aHLen;
    u32 nH;
    if (kqi_impacts_of(aTf, aLen, n, aWTf, aWLen, &nW) ||
        kqi_impacts_add(pList, aWTf, aWLen, nW)) {
        return KQ_NOMEM;
    }
    kqi_plc_impacts(c, b, &aHTf, &aHLen, &nH);
    if (nH != nW || memcmp(aHTf, aWTf, sizeof(u32) * nW) != 0 ||
        memcmp(aHLen, aWLen, sizeof(u32) * nW) != 0) {
        return KQ_CORRUPT;
    }
    return KQ_OK;
}

static int
check_segment(kqi_segment *s, u32 nTitleWeight, char **pzErr)
{
    const kqi_segmeta *m = &s->meta;
    for (int f = 0; f < KQI_NFILE; f++) {
        const kqi_map *pm = &s->aMap[f];
        u32 crc = libdeflate_crc32(0, pm->a, pm->n);
        if (crc != m->aCrc[f]) {
            return kqi_err(pzErr, KQ_CORRUPT,
                           "%s: checksum mismatch (CRC32 %08x, manifest says "
                           "%08x)",
                           pm->zPath, crc, m->aCrc[f]);
        }
    }
    /* Every document record and stored text decodes; lengths add up. */
    int rcDict = kqi_docs_dict_check(&s->docs, pzErr);
    if (rcDict) {
        return rcDict;
    }
    u64 nToken = 0;
    kqi_textcache cache;
    memset(&cache, 0, sizeof(cache));
    for (u32 i = 0; i < s->docs.nDoc; i++) {
        kqi_docrec info;
        const char *z;
        size_t n;
        int rc = kqi_docs_info(&s->docs, i, &info, pzErr);
        if (rc == KQ_OK) {
            rc = kqi_docs_text_ref(&s->docs, i, &cache, &z, &n, pzErr);
        }
        if (rc) {
            kqi_textcache_clear(&cache);
            return rc;
        }
        nToken += info.nLen;
    }
    kqi_textcache_clear(&cache);
    /* The id table: every document once, under the hash of its id; the
    ** deleted documents add up to what the manifest says. */
    int rcIds = kqi_docs_ids_check(&s->docs, pzErr);
    if (rcIds) {
        return rcIds;
    }
    u8 *aSeen = calloc((size_t)s->docs.nDoc / 8 + 1, 1);
    if (aSeen == NULL) {
        return KQ_NOMEM;
    }
    u64 prevHash = 0, nDelTok = 0;
    u32 nDel = 0;
    for (u32 k = 0; k < s->docs.nDoc; k++) {
        const u8 *e = KQI_IDENT_AT(s->docs.aIds, k);
        u64 h = KQI_IDENT_HASH(e);
        u32 iDoc = KQI_IDENT_DOCID(e);
        kqi_docrec info;
        int bad = h < prevHash || iDoc >= s->docs.nDoc ||
                  kqi_is_deleted(aSeen, iDoc);
        if (!bad) {
            aSeen[iDoc >> 3] |= (u8)(1u << (iDoc & 7));
            bad = kqi_docs_info(&s->docs, iDoc, &info, NULL) != KQ_OK ||
                  kqi_hash64(info.zId, info.nId, KQI_ID_SEED) != h;
        }
        if (bad) {
            free(aSeen);
            return kqi_err(pzErr, KQ_CORRUPT, "%s: bad id table entry %u",
                           s->aMap[KQI_F_DOCS].zPath, k);
        }
        prevHash = h;
        if (kqi_is_deleted(s->aDel, iDoc)) {
            nDel++;
            nDelTok += kqi_docs_len(&s->docs, iDoc);
        }
    }
    free(aSeen);
    if (nDel != m->nDel || nDelTok != m->nDelToken) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: %u deleted documents of %llu "
                       "tokens, the manifest says %u of %llu",
                       s->aMap[KQI_F_DOCS].zPath, nDel,
                       (unsigned long long)nDelTok, m->nDel,
                       (unsigned long long)m->nDelToken);
    }
    if (nToken != m->nToken) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: document lengths add up to %llu tokens, the "
                       "manifest says %llu",
                       s->aMap[KQI_F_DOCS].zPath, (unsigned long long)nToken,
                       (unsigned long long)m->nToken);
    }
    /* Every posting list decodes, agrees with its dictionary entry, and the
    ** occurrences of all terms add up to the document lengths. */
    u32 *aTf = calloc(s->docs.nDoc ? s->docs.nDoc : 1, sizeof(u32));
    if (aTf == NULL) {
        return KQ_NOMEM;
    }
    kqi_dictit it;
    u64 nKey = 0, cfAll = 0;
    int rc = kqi_dictit_start(&it, &s->dict, "", 0, pzErr);
    u64 nextPost = KQI_HEADER, nextPos = KQI_HEADER;
    while (rc == KQ_OK && (rc = kqi_dictit_next(&it, pzErr)) == KQ_OK) {
        nKey++;
        if (it.loc.df == 0) {
            /* A vocabulary entry: its stem is a term here -- except after
            ** a merge that dropped deleted documents: the dictionary is
            ** written in one pass, vocabulary first, so the entries of
            ** terms that only deleted documents had stay (a prefix query
            ** then looks up a term with no postings, and finds nothing). */
            kqi_termloc loc;
            rc = kqi_dict_lookup(&s->dict, it.aStem, it.nStem, &loc, pzErr);
            if (rc == KQ_NOTFOUND) {
                rc = KQ_OK;
            }
            continue;
        }
        if (it.loc.postOff != nextPost || it.loc.posOff != nextPos) {
            rc = kqi_err(pzErr, KQ_CORRUPT,
                         "%s: term \"%s\" is not where "
                         "the previous one ends",
                         s->aMap[KQI_F_DICT].zPath, it.aTerm);
            break;
        }
        nextPost = it.loc.postOff + it.loc.postLen;
        nextPos = it.loc.posOff + it.loc.posLen;
        kqi_plc *c;
        rc = kqi_plc_open(&s->aMap[KQI_F_POST], &s->aMap[KQI_F_POS], &it.loc,
                          s->docs.nDoc, &c, pzErr);
        if (rc) {
            break;
        }
        u64 df = 0, cf = 0;
        int bField = KQI_IS_FIELD_TERM(it.aTerm, it.nTerm);
        /* Each block's impacts and the list's, as the skip table must
        ** record them: a smaller one would make ranking skip real hits. */
        u32 nBlock = kqi_plc_nblock(c);
        u32 aBTf[KQI_BLOCK], aBLen[KQI_BLOCK], nB = 0, iB = 0;
        kqi_impacts list = {0};
        while ((rc = kqi_plc_next(c)) == KQ_OK) {
            const u32 *aPos;
            u32 nPos;
            rc = kqi_plc_positions(c, &aPos, &nPos);
            if (rc) {
                break;
            }
            df++;
            cf += nPos;
            u32 iDoc = kqi_plc_docid(c);
            if (!bField) {
                aTf[iDoc] += nPos; /* field terms are not in the length */
            } else if (it.aTerm[0] == KQI_PFX_TITLE) {
                /* BM25F: a title word counts nTitleWeight times in all. */
                aTf[iDoc] += (nTitleWeight - 1) * nPos;
            }
            aBTf[nB] = nPos;
            aBLen[nB++] = kqi_docs_len(&s->docs, iDoc);
            if (nB == KQI_BLOCK || df == it.loc.df) {
                rc = check_impacts(c, (int)iB++, aBTf, aBLen, nB, &list);
                nB = 0;
                if (rc) {
                    break;
                }
            }
        }
        if (rc == KQ_DONE && iB == nBlock) {
            const u32 *aITf, *aILen;
            u32 nI;
            kqi_plc_impacts(c, -1, &aITf, &aILen, &nI);
            if (nI != list.n ||
                memcmp(aITf, list.aTf, sizeof(u32) * nI) != 0 ||
                memcmp(aILen, list.aLen, sizeof(u32) * nI) != 0) {
                rc = KQ_CORRUPT;
            }
        }
        if (rc == KQ_CORRUPT && (pzErr == NULL || *pzErr == NULL) &&
            kqi_plc_errmsg(c)[0] == 0) {
            rc = kqi_err(pzErr, KQ_CORRUPT,
                         "%s: term \"%s\": the skip table's impacts are not "
                         "its documents'",
                         s->aMap[KQI_F_POST].zPath, it.aTerm);
        }
        kqi_impacts_free(&list);
        if (rc == KQ_CORRUPT && (pzErr == NULL || *pzErr == NULL)) {
            kqi_err(pzErr, rc, "%s: term \"%s\": %s",
                    s->aMap[KQI_F_POST].zPath, it.aTerm, kqi_plc_errmsg(c));
        }
        kqi_plc_free(c);
        if (rc == KQ_DONE) {
            rc = KQ_OK;
        }
        if (rc == KQ_OK && (df != it.loc.df || cf != it.loc.cf)) {
            rc = kqi_err(pzErr, KQ_CORRUPT,
                         "%s: term \"%s\": df/cf %llu/%llu, "
                         "dictionary says %u/%llu",
                         s->aMap[KQI_F_POST].zPath, it.aTerm,
                         (unsigned long long)df, (unsigned long long)cf,
                         it.loc.df, (unsigned long long)it.loc.cf);
        }
        cfAll += cf;
    }
    if (rc == KQ_DONE) {
        rc = KQ_OK;
    }
    if (rc == KQ_OK &&
        (nKey != m->nKey || nextPost + 0 > s->aMap[KQI_F_POST].n ||
         nextPos > s->aMap[KQI_F_POS].n)) {
        rc = kqi_err(pzErr, KQ_CORRUPT,
                     "%s: key count or list extents do "
                     "not match",
                     s->aMap[KQI_F_DICT].zPath);
    }
    for (u32 i = 0; rc == KQ_OK && i < s->docs.nDoc; i++) {
        if (aTf[i] != kqi_docs_len(&s->docs, i)) {
            rc = kqi_err(pzErr, KQ_CORRUPT,
                         "%s: document %u has length %u "
                         "by its postings but %u in the table",
                         s->aMap[KQI_F_DOCS].zPath, i, aTf[i],
                         kqi_docs_len(&s->docs, i));
        }
    }
    free(aTf);
    KQ_UNUSED(cfAll);
    return rc;
}

/* Every document's stored signature is the one simhash.c computes from its
** stored body, with the analyzer of its language (as the writer did). */
static int
check_sigs(kq_index *p, const kqi_segment *g, char **pzErr)
{
    int rc = KQ_OK;
    kqi_textcache cache;
    memset(&cache, 0, sizeof(cache));
    for (u32 k = 0; rc == KQ_OK && k < g->meta.nDoc; k++) {
        kq_docid iDoc = g->iBase + k;
        const char *zLang = NULL;
        const char *z = NULL;
        size_t n = 0;
        u64 sig = 0;
        kq_analyzer *pA = p->pAnalyzer;
        rc = kqi_index_doc_lang(p, iDoc, &zLang, pzErr);
        if (rc == KQ_OK && zLang) {
            kq_analyzer *pL = NULL;
            if (kqi_analyzer_lang_get(pA, zLang, strlen(zLang), &pL) ==
                    KQ_OK &&
                pL) {
                pA = pL;
            }
        }
        if (rc == KQ_OK) {
            rc = kqi_docs_text_ref(&g->docs, k, &cache, &z, &n, pzErr);
        }
        if (rc == KQ_OK) {
            rc = kqi_simhash_text(pA, z, n, &sig);
            rc = rc == KQ_IOERR ? kqi_analysis_err(pzErr, rc) : rc;
        }
        if (rc == KQ_OK && sig != kqi_docs_sig(&g->docs, k)) {
            rc = kqi_err(pzErr, KQ_CORRUPT,
                         "%s: document %u: stored signature %016llx, its "
                         "body gives %016llx",
                         g->aMap[KQI_F_DOCS].zPath, k,
                         (unsigned long long)kqi_docs_sig(&g->docs, k),
                         (unsigned long long)sig);
        }
    }
    kqi_textcache_clear(&cache);
    return rc;
}

int
kq_index_check(kq_index *p, char **pzErr)
{
    int rcX = kqi_need_native(p, "checking", pzErr);
    if (rcX) {
        return rcX;
    }
    for (u32 i = 0; i < p->man.nSeg; i++) {
        int rc = check_segment(&p->aSeg[i], p->man.nTitleWeight, pzErr);
        if (rc == KQ_OK) {
            rc = check_sigs(p, &p->aSeg[i], pzErr);
        }
        if (rc) {
            return rc;
        }
    }
    return KQ_OK;
}

/**************************************************************************
** Lookups: a document by id, the vocabulary, the extra fields.
*/
int
kq_index_find(kq_index *p, const char *zId, size_t nId, kq_docid *piDoc,
              char **pzErr)
{
    if (p->pX) {
        return kqi_xfind(p->pX, zId, nId, piDoc, pzErr);
    }
    u64 h = kqi_hash64(zId, nId, KQI_ID_SEED);
    /* Newest segment first: an id lives in one segment at a time (an older
    ** version is deleted), but looking there first is also the cheapest. */
    for (u32 s = p->man.nSeg; s-- > 0;) {
        kqi_segment *pS = &p->aSeg[s];
        u32 iDoc;
        u64 content;
        int rc = kqi_docs_find(&pS->docs, zId, nId, h, pS->aDel, &iDoc,
                               &content, pzErr);
        if (rc == KQ_OK) {
            *piDoc = pS->iBase + iDoc;
            return KQ_OK;
        }
        if (rc != KQ_NOTFOUND) {
            return rc;
        }
    }
    return kqi_err(pzErr, KQ_NOTFOUND, "no document with id '%.*s'",
                   KQI_QUOTE_LEN(nId), zId);
}

/* A merge of the segments' dictionaries from a key on: each segment's
** iterator, the smallest current key next. */
typedef struct dictmerge {
    kqi_dictit *aIt;
    int *abLive;
    u32 n;
} dictmerge;

static int
dm_start(dictmerge *m, kq_index *p, const char *zFrom, size_t nFrom,
         char **pzErr)
{
    m->n = p->man.nSeg;
    m->aIt = calloc(m->n ? m->n : 1, sizeof(kqi_dictit));
    m->abLive = calloc(m->n ? m->n : 1, sizeof(int));
    if (m->aIt == NULL || m->abLive == NULL) {
        return KQ_NOMEM;
    }
    for (u32 s = 0; s < m->n; s++) {
        int rc = kqi_dictit_start(&m->aIt[s], &p->aSeg[s].dict, zFrom, nFrom,
                                  pzErr);
        if (rc == KQ_OK) {
            rc = kqi_dictit_next(&m->aIt[s], pzErr);
        }
        if (rc == KQ_OK) {
            m->abLive[s] = 1;
        } else if (rc != KQ_DONE) {
            return rc;
        }
    }
    return KQ_OK;
}

static void
dm_free(dictmerge *m)
{
    free(m->aIt);
    free(m->abLive);
}

static int
key_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    int c = memcmp(a, b, n);
    return c ? c : (na < nb ? -1 : na > nb);
}

/* The smallest current key (-1: none left). */
static int
dm_min(const dictmerge *m)
{
    int iMin = -1;
    for (u32 s = 0; s < m->n; s++) {
        if (m->abLive[s] &&
            (iMin < 0 ||
             key_cmp(m->aIt[s].aTerm, m->aIt[s].nTerm, m->aIt[iMin].aTerm,
                     m->aIt[iMin].nTerm) < 0)) {
            iMin = (int)s;
        }
    }
    return iMin;
}

/* Advance every iterator at key z/n. */
static int
dm_next(dictmerge *m, const char *z, size_t n, char **pzErr)
{
    for (u32 s = 0; s < m->n; s++) {
        if (m->abLive[s] &&
            key_cmp(m->aIt[s].aTerm, m->aIt[s].nTerm, z, n) == 0) {
            int rc = kqi_dictit_next(&m->aIt[s], pzErr);
            if (rc == KQ_DONE) {
                m->abLive[s] = 0;
            } else if (rc) {
                return rc;
            }
        }
    }
    return KQ_OK;
}

/* The index-wide df of term z/n. */
static int
term_df(kq_index *p, const char *z, size_t n, u64 *pDf, char **pzErr)
{
    *pDf = 0;
    for (u32 s = 0; s < p->man.nSeg; s++) {
        kqi_termloc loc;
        int rc = kqi_dict_lookup(&p->aSeg[s].dict, z, n, &loc, pzErr);
        if (rc == KQ_OK) {
            *pDf += loc.df;
        } else if (rc != KQ_NOTFOUND) {
            return rc;
        }
    }
    return KQ_OK;
}

int
kqi_index_postings(kq_index *p, const char *zKey, size_t nKey, void *pCtx,
                   kqi_posting_fn x, char **pzErr)
{
    int rc = KQ_OK;
    for (u32 s = 0; rc == KQ_OK && s < p->man.nSeg; s++) {
        kqi_segment *g = &p->aSeg[s];
        kqi_termloc loc;
        rc = kqi_dict_lookup(&g->dict, zKey, nKey, &loc, pzErr);
        if (rc == KQ_NOTFOUND) {
            rc = KQ_OK;
            continue;
        }
        kqi_plc *c = NULL;
        if (rc == KQ_OK) {
            rc = kqi_plc_open(&g->aMap[KQI_F_POST], &g->aMap[KQI_F_POS], &loc,
                              g->docs.nDoc, &c, pzErr);
        }
        while (rc == KQ_OK && (rc = kqi_plc_next(c)) == KQ_OK) {
            u32 iDoc = kqi_plc_docid(c);
            rc = x(pCtx, g->iBase + iDoc, kqi_is_deleted(g->aDel, iDoc),
                   kqi_plc_tf(c));
        }
        if (rc == KQ_CORRUPT) {
            rc = kqi_err(pzErr, KQ_CORRUPT, "%s", kqi_plc_errmsg(c));
        }
        kqi_plc_free(c);
        if (rc == KQ_DONE) {
            rc = KQ_OK;
        }
    }
    return rc;
}

typedef struct tfreq {
    u64 nDoc, nOcc;
} tfreq;

static int
tfreq_cb(void *pCtx, kq_docid iDoc, int bDeleted, u32 tf)
{
    tfreq *t = pCtx;
    (void)iDoc;
    if (!bDeleted) {
        t->nDoc++;
        t->nOcc += tf;
    }
    return KQ_OK;
}

/* kq_index_value_counts()'s count of the non-empty values. */
typedef struct vcount {
    void *pCtx;
    kq_value_count_fn x;
    u64 nDoc;
} vcount;

static int
vcount_cb(void *pCtx, const char *z, size_t n, uint64_t nDoc)
{
    vcount *v = pCtx;
    v->nDoc += nDoc;
    return v->x(v->pCtx, z, n, nDoc);
}

int
kq_index_value_counts(kq_index *p, int eField, void *pCtx, kq_value_count_fn x,
                      char **pzErr)
{
    if (p->pX == NULL) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "counting values needs a Xapian database; %s is a "
                       "kq index (walk its documents)",
                       p->zDir);
    }
    if (eField != KQ_VALUE_DATE && eField != KQ_VALUE_SOURCE) {
        return kqi_err(pzErr, KQ_MISUSE, "no value field %d", eField);
    }
    vcount v = {pCtx, x, 0};
    int rc = kqi_xvalue_counts(p->pX, eField, &v, vcount_cb, pzErr);
    u64 nAll = kq_index_stats(p)->nDoc;
    if (rc == KQ_OK && v.nDoc < nAll) {
        rc = x(pCtx, "", 0, nAll - v.nDoc);
    }
    return rc;
}

int
kq_index_term_freq(kq_index *p, const char *zTerm, size_t nTerm,
                   uint64_t *pnDoc, uint64_t *pnOcc, char **pzErr)
{
    *pnDoc = *pnOcc = 0;
    if (p->pX) {
        return kqi_xterm_freq(p->pX, zTerm, nTerm, pnDoc, pnOcc, pzErr);
    }
    int rc = KQ_OK;
    tfreq t = {0, 0};
    int bDel = 0;
    for (u32 s = 0; s < p->man.nSeg; s++) {
        bDel |= p->man.aSeg[s].nDel > 0;
    }
    /* No deletions: the dictionary's figures are exact, no walk needed. */
    for (u32 s = 0; rc == KQ_OK && !bDel && s < p->man.nSeg; s++) {
        kqi_termloc loc;
        rc = kqi_dict_lookup(&p->aSeg[s].dict, zTerm, nTerm, &loc, pzErr);
        if (rc == KQ_OK) {
            t.nDoc += loc.df;
            t.nOcc += loc.cf;
        } else if (rc == KQ_NOTFOUND) {
            rc = KQ_OK;
        }
    }
    if (rc == KQ_OK && bDel) {
        rc = kqi_index_postings(p, zTerm, nTerm, &t, tfreq_cb, pzErr);
    }
    *pnDoc = t.nDoc;
    *pnOcc = t.nOcc;
    return rc;
}

/* kq_index_terms(): the vocabulary entries (every word of the text, with
** its stem) that start with the prefix, merged over the segments so each
** word comes once, with the index-wide df of its stem. */
int
kq_index_terms(kq_index *p, const char *zPrefix, size_t nPrefix, void *pCtx,
               kq_term_fn x, char **pzErr)
{
    if (p->pX) {
        int rc = kqi_xterms(p->pX, zPrefix, nPrefix, pCtx, x, pzErr);
        return rc == KQ_DONE ? KQ_OK : rc;
    }
    char aKey[KQI_MAX_KEY + 2];
    if (nPrefix > KQI_MAX_TERM) {
        return KQ_OK;
    }
    aKey[0] = KQI_WORD_MARK;
    memcpy(aKey + 1, zPrefix, nPrefix);
    dictmerge v = {0};
    int rc = dm_start(&v, p, aKey, nPrefix + 1, pzErr);
    while (rc == KQ_OK) {
        int iv = dm_min(&v);
        const kqi_dictit *pv = iv >= 0 ? &v.aIt[iv] : NULL;
        if (pv == NULL || pv->nTerm < nPrefix + 1 ||
            pv->aTerm[0] != KQI_WORD_MARK ||
            memcmp(pv->aTerm + 1, zPrefix, nPrefix) != 0) {
            break;
        }
        char aK[KQI_MAX_KEY + 2], aStem[KQI_MAX_KEY + 1];
        size_t nK = pv->nTerm, nStem = pv->nStem;
        memcpy(aK, pv->aTerm, nK);
        memcpy(aStem, pv->aStem, nStem);
        aStem[nStem] = 0;
        /* (Keys copied: advancing an iterator changes its key.) */
        rc = dm_next(&v, aK, nK, pzErr);
        u64 df = 0;
        if (rc == KQ_OK) {
            rc = term_df(p, aStem, nStem, &df, pzErr);
        }
        if (rc == KQ_OK && df > 0) {
            aK[nK] = 0;
            rc = x(pCtx, aK + 1, nK - 1, aStem, nStem, df);
        }
    }
    dm_free(&v);
    return rc == KQ_DONE ? KQ_OK : rc;
}

/* kq_index_nwords(): counted by walking kq_index_terms() itself, so that
** the number is by construction the number of lines `kq terms --all`
** prints (a word whose documents are all deleted but not yet merged away
** counts exactly when kq terms lists it).  Per-segment counts cannot simply
** be added: a word is in many segments. */
static int
count_word(void *pCtx, const char *zWord, size_t nWord, const char *zTerm,
           size_t nTerm, uint64_t df)
{
    (void)zWord, (void)nWord, (void)zTerm, (void)nTerm, (void)df;
    (*(uint64_t *)pCtx)++;
    return 0;
}

int
kq_index_nwords(kq_index *p, uint64_t *pnWord, char **pzErr)
{
    *pnWord = 0;
    return kq_index_terms(p, "", 0, pnWord, count_word, pzErr);
}

int
kq_index_fields(kq_index *p, char ***pazName, int *pnName, char **pzErr)
{
    *pazName = NULL;
    *pnName = 0;
    int rcX = kqi_need_native(p, "listing the extra fields", pzErr);
    if (rcX) {
        return rcX;
    }
    char aFrom[2] = {KQI_PFX_EXTRA, 0};
    dictmerge m = {0};
    int rc = dm_start(&m, p, aFrom, 1, pzErr);
    char **az = NULL;
    int n = 0;
    while (rc == KQ_OK) {
        int i = dm_min(&m);
        if (i < 0 || m.aIt[i].nTerm < 1 ||
            m.aIt[i].aTerm[0] != KQI_PFX_EXTRA) {
            break;
        }
        const char *z = m.aIt[i].aTerm + 1;
        const char *zColon = memchr(z, ':', m.aIt[i].nTerm - 1);
        if (zColon == NULL) {
            rc = kqi_err(pzErr, KQ_CORRUPT, "bad field term");
            break;
        }
        size_t nName = (size_t)(zColon - z);
        char **a = realloc(az, sizeof(char *) * (size_t)(n + 1));
        if (a == NULL || (a[n] = malloc(nName + 1)) == NULL) {
            az = a ? a : az;
            rc = KQ_NOMEM;
            break;
        }
        az = a;
        memcpy(az[n], z, nName);
        az[n][nName] = 0;
        n++;
        /* Skip the rest of this field: seek past "X name ;" (';' follows
        ** ':' in ASCII) by restarting the merge there. */
        char aNext[KQI_MAX_KEY + 2];
        aNext[0] = KQI_PFX_EXTRA;
        memcpy(aNext + 1, z, nName);
        aNext[nName + 1] = ':' + 1;
        dm_free(&m);
        memset(&m, 0, sizeof(m));
        rc = dm_start(&m, p, aNext, nName + 2, pzErr);
    }
    dm_free(&m);
    if (rc) {
        for (int i = 0; i < n; i++) {
            free(az[i]);
        }
        free(az);
        return rc;
    }
    *pazName = az;
    *pnName = n;
    return KQ_OK;
}

/* kq_index_languages(): the language terms (KQI_PFX_LANG) of every segment,
** each with its documents that are not deleted (a posting list read; the
** df would count deleted documents until a merge drops them). */
static int
lang_live_docs(kq_index *p, const char *zKey, size_t nKey, u64 *pn,
               char **pzErr)
{
    tfreq t = {0, 0};
    int rc = kqi_index_postings(p, zKey, nKey, &t, tfreq_cb, pzErr);
    *pn = t.nDoc;
    return rc;
}

static int
langs_scan(kq_index *p, int bCount, kq_langcount **paOut, int *pn,
           char **pzErr)
{
    *paOut = NULL;
    *pn = 0;
    char aFrom[1] = {KQI_PFX_LANG};
    dictmerge m = {0};
    kq_langcount *a = NULL;
    int n = 0;
    int rc = dm_start(&m, p, aFrom, 1, pzErr);
    while (rc == KQ_OK) {
        int i = dm_min(&m);
        if (i < 0 || m.aIt[i].nTerm < 1 || m.aIt[i].aTerm[0] != KQI_PFX_LANG) {
            break;
        }
        char aKey[KQI_MAX_KEY + 1];
        size_t nKey = m.aIt[i].nTerm;
        memcpy(aKey, m.aIt[i].aTerm, nKey);
        rc = dm_next(&m, aKey, nKey, pzErr);
        u64 nDoc = 1;
        if (nKey - 1 >= KQ_MAX_LANG_NAME) {
            continue; /* no language: no name is this long */
        }
        if (rc == KQ_OK && bCount) {
            rc = lang_live_docs(p, aKey, nKey, &nDoc, pzErr);
        }
        if (rc == KQ_OK && nDoc > 0) {
            kq_langcount *aNew = realloc(a, sizeof(*a) * (size_t)(n + 1));
            if (aNew == NULL) {
                rc = KQ_NOMEM;
                break;
            }
            a = aNew;
            memcpy(a[n].zLang, aKey + 1, nKey - 1);
            a[n].zLang[nKey - 1] = 0;
            a[n].nDoc = nDoc;
            n++;
        }
    }
    dm_free(&m);
    if (rc == KQ_DONE) {
        rc = KQ_OK;
    }
    if (rc) {
        free(a);
        return rc;
    }
    *paOut = a;
    *pn = n;
    return KQ_OK;
}

int
kqi_index_lang_names(kq_index *p, kq_langcount **paOut, int *pn, char **pzErr)
{
    return langs_scan(p, 0, paOut, pn, pzErr);
}

int
kq_index_languages(kq_index *p, kq_langcount **paOut, int *pn, char **pzErr)
{
    if (p->pX) {
        return kqi_xindex_languages(p->pX, 1, paOut, pn, pzErr);
    }
    return langs_scan(p, 1, paOut, pn, pzErr);
}

/* Let the index's analyzer analyse query words in the languages of its
** documents too (query.c, add_languages()). */
static int
analyzer_langs(kq_index *p, char **pzErr)
{
    kq_langcount *a = NULL;
    int n = 0;
    int rc = langs_scan(p, 0, &a, &n, pzErr);
    for (int i = 0; rc == KQ_OK && i < n; i++) {
        kq_analyzer *pL;
        rc = kqi_analyzer_lang_get(p->pAnalyzer, a[i].zLang,
                                   strlen(a[i].zLang), &pL);
        if (rc == KQ_NOTFOUND) {
            rc = KQ_OK; /* not a language of this libstemmer: no forms */
        }
    }
    free(a);
    return rc;
}
