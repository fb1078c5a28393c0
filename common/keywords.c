/*
** keywords.c -- kq_index_keywords(): the words over-represented in the
** documents matching a query (the focus corpus) against a reference
** corpus: the rest of the index, or the documents matching another query
** (kq(1), COLLOCATES AND KEYWORDS).
**
** A document matching both queries is in the focus only: the statistics
** compare two samples, and a document in both would have its words on
** both sides of the table (nOverlap reports how many there were).
** Frequencies: the focus's by reading its documents; the reference's by
** reading its documents, except for the rest of the index by stem, where
** the index's exact counts (kq_index_term_freq()) minus the focus's give
** them without reading anything.  Sizes are in tokens (assoc.c).
*/
#include "kq_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct kwds {
    kq_index *p;
    const kq_keywords_opts *o;
    kq_docid nDocid;            /* one more than the largest docid */
    unsigned char *abFocus;     /* per docid: in the focus */
    kqi_docids docs;            /* the documents a query matches */
    u64 nFocus, nRef, nOverlap; /* documents */
    kqi_wtab t;                 /* aN[0] = a, aN[1] = b */
    kqi_wcount w;
    u64 nCorpus; /* by stem, the rest: the index's tokens */
    u64 nC, nD;  /* the focus's tokens, the reference's */
    char **pzErr;
} kwds;

/* The result and what its rows point into. */
typedef struct kwds_out {
    kq_keywords pub;
    kqi_wtab t;
} kwds_out;

/* The rest of the index: each live document not in the focus. */
static int
rest_cb(void *pCtx, kq_docid iDoc)
{
    kwds *k = pCtx;
    if (iDoc < k->nDocid && k->abFocus[iDoc]) {
        return KQ_OK;
    }
    k->nRef++;
    if (k->o->bStem) {
        return kqi_doc_ntoken(k->p, iDoc, &k->nCorpus, k->pzErr);
    }
    return kqi_wcount_doc(&k->w, k->p, iDoc, k->pzErr);
}

/* The focus: a per word, c. */
static int
read_focus(kwds *k, const kq_query *q)
{
    int rc = kq_index_each_doc(k->p, NULL, NULL, &k->nDocid, k->pzErr);
    if (rc == KQ_OK &&
        (k->abFocus = calloc((size_t)k->nDocid + 1, 1)) == NULL) {
        rc = KQ_NOMEM;
    }
    if (rc == KQ_OK) {
        rc = kq_search_each(k->p, q, &k->docs, kqi_docids_cb, k->pzErr);
    }
    memset(&k->w, 0, sizeof(k->w));
    k->w.t = &k->t;
    k->w.bStem = k->o->bStem;
    k->w.bAdd = 1;
    for (size_t i = 0; rc == KQ_OK && i < k->docs.n; i++) {
        kq_docid iDoc = k->docs.a[i];
        if (iDoc < k->nDocid) {
            k->abFocus[iDoc] = 1;
        }
        rc = kqi_wcount_doc(&k->w, k->p, iDoc, k->pzErr);
    }
    k->nFocus = k->docs.n;
    k->nC = k->w.nToken;
    return rc;
}

/* The reference: b per word of the focus, d. */
static int
read_reference(kwds *k)
{
    int rc = KQ_OK;
    k->w.bAdd = 0;
    k->w.iCol = 1;
    k->w.nToken = 0;
    if (k->o->pReference) {
        k->docs.n = 0;
        rc = kq_search_each(k->p, k->o->pReference, &k->docs, kqi_docids_cb,
                            k->pzErr);
        for (size_t i = 0; rc == KQ_OK && i < k->docs.n; i++) {
            kq_docid iDoc = k->docs.a[i];
            if (iDoc < k->nDocid && k->abFocus[iDoc]) {
                k->nOverlap++;
                continue;
            }
            k->nRef++;
            rc = kqi_wcount_doc(&k->w, k->p, iDoc, k->pzErr);
        }
        k->nD = k->w.nToken;
        return rc;
    }
    rc = kq_index_each_doc(k->p, k, rest_cb, NULL, k->pzErr);
    if (!k->o->bStem) {
        k->nD = k->w.nToken;
        return rc;
    }
    /* By stem: the index's counts, less the focus's. */
    for (size_t i = 0; rc == KQ_OK && i < k->t.nEntry; i++) {
        kqi_wentry *e = &k->t.aEntry[i];
        u64 nDoc, nOcc;
        if (e->aN[0] < k->o->nMinFreq) {
            continue;
        }
        rc = kq_index_term_freq(k->p, kqi_wtab_key(&k->t, e), e->nKey, &nDoc,
                                &nOcc, k->pzErr);
        e->aN[1] = nOcc > e->aN[0] ? nOcc - e->aN[0] : 0;
    }
    k->nD = k->nCorpus;
    return rc;
}

/* The rows (every key seen nMinFreq times in the focus, when neither
** side is empty), ordered, into *pOut (which takes k's table). */
static int
make_rows(kwds *k, kwds_out *pOut)
{
    size_t nAll = k->nFocus > 0 && k->nD > 0 ? k->t.nEntry : 0;
    kq_keyword_row *aRow = malloc((nAll ? nAll : 1) * sizeof(*aRow));
    kqi_sortrow *aSort = malloc((nAll ? nAll : 1) * sizeof(*aSort));
    kq_keyword_row *a = malloc((nAll ? nAll : 1) * sizeof(*a));
    if (aRow == NULL || aSort == NULL || a == NULL) {
        free(aRow);
        free(aSort);
        free(a);
        return KQ_NOMEM;
    }
    double c = (double)k->nC, d = (double)k->nD;
    size_t n = 0;
    for (size_t i = 0; i < nAll; i++) {
        const kqi_wentry *e = &k->t.aEntry[i];
        if (e->aN[0] < k->o->nMinFreq) {
            continue;
        }
        kq_keyword_row *r = &aRow[n];
        double fa = (double)e->aN[0], fb = (double)e->aN[1];
        r->zKey = kqi_wtab_key(&k->t, e);
        r->nKey = e->nKey;
        r->nFocus = e->aN[0];
        r->nRef = e->aN[1];
        r->rLL = kqi_assoc_g2_keyword(fa, fb, c, d);
        r->rLogRatio = kqi_assoc_log_ratio(fa, fb, c, d);
        r->rPctDiff = kqi_assoc_pct_diff(fa, fb, c, d);
        aSort[n].rSort = kqi_assoc_sort_key(r->rLL);
        aSort[n].zKey = r->zKey;
        aSort[n].nKey = r->nKey;
        aSort[n].iRow = n;
        n++;
    }
    kqi_assoc_sort(aSort, n);
    for (size_t i = 0; i < n; i++) {
        a[i] = aRow[aSort[i].iRow];
    }
    free(aRow);
    free(aSort);
    kq_keywords *pub = &pOut->pub;
    pub->aRow = a;
    pub->nRow = n;
    pub->nFocusDoc = k->nFocus;
    pub->nRefDoc = k->nRef;
    pub->nOverlap = k->nOverlap;
    pub->nFocusTok = k->nC;
    pub->nRefTok = k->nD;
    pOut->t = k->t; /* (the rows' keys) */
    memset(&k->t, 0, sizeof(k->t));
    return KQ_OK;
}

int
kq_index_keywords(kq_index *p, const kq_query *pFocus,
                  const kq_keywords_opts *pOpts, kq_keywords **ppOut,
                  char **pzErr)
{
    *ppOut = NULL;
    if (pOpts == NULL || pOpts->iVersion < 1 ||
        pOpts->iVersion > KQ_KEYWORDS_OPTS_VERSION) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "kq_keywords_opts: start from KQ_KEYWORDS_OPTS_INIT");
    }
    kwds k;
    memset(&k, 0, sizeof(k));
    k.p = p;
    k.o = pOpts;
    k.pzErr = pzErr;
    kwds_out *pOut = calloc(1, sizeof(*pOut));
    int rc = pOut ? read_focus(&k, pFocus) : KQ_NOMEM;
    if (rc == KQ_OK && k.nFocus > 0) {
        rc = read_reference(&k);
    }
    if (rc == KQ_OK) {
        rc = make_rows(&k, pOut);
    }
    free(k.docs.a);
    free(k.abFocus);
    kqi_wtab_free(&k.t);
    if (rc) {
        kq_keywords_free(pOut ? &pOut->pub : NULL);
        return rc;
    }
    *ppOut = &pOut->pub;
    return KQ_OK;
}

void
kq_keywords_free(kq_keywords *p)
{
    if (p) {
        kwds_out *pOut = (kwds_out *)p; /* (pub is its first member) */
        free(p->aRow);
        kqi_wtab_free(&pOut->t);
        free(pOut);
    }
}
