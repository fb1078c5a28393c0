/*
** cursor.c -- the cursors that evaluate a plan (plan.c) over one segment,
** and the tree of them built from a plan (kqi_cur_make()).
**
** Evaluation is document-at-a-time over a tree of cursors, one tree per
** segment, all with the same interface (after RediSearch's iterators and
** PISA's cursors): iDoc is the current document (KQ_DOCID_EOF at the end),
** xSeek(t) moves to the first document >= t and never moves back (moving
** on is xSeek(iDoc + 1)), xScore gives the BM25 contribution at iDoc.
**
**   term     a posting list
**   and      leapfrog: seek every child to the largest current docid until
**            they agree; excluded children (NOT) are then sought to the
**            candidate and reject it if they sit on it
**   or       the smallest docid of the children; scores add up
**   phrase   an "and" of terms, then positions checked for the candidates
**            (NEAR/n and ADJ/n likewise, within a window)
**   filter   a child's documents, scoring nothing (fields, dates)
**   boost    a child's scores times a factor (term^2)
**   check    a child's documents that pass a check (body:word, =word)
**   id       one document (id:X)
**   maybe    a required child's documents, ranked with an optional one's
**            score too (+a b c)
**   empty, all   no document, every document (for a query that is only
**            NOT ...)
**
** Ranking statistics (N, df, average length) are those of the whole index,
** so a document's score does not depend on how the index is segmented.
** Scores of the terms matching in a document add up; a phrase or a prefix
** scores as the sum of its terms.
*/
#include "search_int.h"

#include <stdlib.h>
#include <string.h>

/* Bounds are computed with another summation order than the scores they
** bound: a little slack keeps them bounds. */
#define BOUND_SLACK (1.0 + 1e-9)

static double
generic_block_max(cur *c, u32 t)
{
    KQ_UNUSED(t);
    return c->xMax(c);
}

/* Cursors never move back: a seek to a target at or before the current
** document leaves them where they are.  (Without this an exclusion would be
** asked about a document its cursor has already passed.) */
#define SEEK_GUARD(c, t)                                                      \
    do {                                                                      \
        if ((c)->bStarted && (c)->iDoc >= (t)) {                              \
            return (c)->iDoc == KQ_DOCID_EOF ? KQ_DONE : KQ_OK;               \
        }                                                                     \
        (c)->bStarted = 1;                                                    \
    } while (0)

/* Record an error and end the cursor. */
static int
cur_fail(cur *c, int rc)
{
    if (c->pCtx->rc == KQ_OK) {
        c->pCtx->rc = rc;
    }
    c->iDoc = KQ_DOCID_EOF;
    return rc;
}

/* term (termcur: search_int.h) ------------------------------------------ */
int
kqi_term_seek(cur *c, u32 t)
{
    termcur *p = (termcur *)c;
    int rc;
    if (!p->bStarted) {
        p->bStarted = 1;
        rc = kqi_plc_seek(p->pPlc, t);
    } else if (c->iDoc >= t) {
        return KQ_OK;
    } else if (t == c->iDoc + 1) {
        rc = kqi_plc_next(p->pPlc);
    } else {
        rc = kqi_plc_seek(p->pPlc, t);
    }
    c->iDoc = kqi_plc_docid(p->pPlc);
    if (rc == KQ_CORRUPT) {
        ctx *x = c->pCtx;
        if (x->zErr == NULL) {
            x->zErr = kq_mprintf("%s: %s", x->pSeg->aMap[KQI_F_POST].zPath,
                                 kqi_plc_errmsg(p->pPlc));
        }
        return cur_fail(c, rc);
    }
    if (rc && rc != KQ_DONE) {
        return cur_fail(c, rc);
    }
    return rc;
}

/* A damaged block of pPlc (its frequencies are decoded only when read). */
static double
term_damaged(cur *c, kqi_plc *pPlc)
{
    ctx *x = c->pCtx;
    if (x->zErr == NULL) {
        x->zErr = kq_mprintf("%s: %s", x->pSeg->aMap[KQI_F_POST].zPath,
                             kqi_plc_errmsg(pPlc));
    }
    cur_fail(c, KQ_CORRUPT);
    return 0;
}

/* Occurrences of the term in the title of the cursor's document: its
** title term's frequency there.  Scores are asked for in docid order, so
** the title cursor only moves forward.  (u32)-1 if the list is damaged. */
u32
kqi_term_title_tf(termcur *p)
{
    u32 iDoc = p->base.iDoc;
    if (p->pTitle == NULL || iDoc == KQ_DOCID_EOF) {
        return 0;
    }
    if (kqi_plc_docid(p->pTitle) < iDoc || !p->bTitleStarted) {
        p->bTitleStarted = 1;
        int rc = kqi_plc_seek(p->pTitle, iDoc);
        if (rc && rc != KQ_DONE) {
            return (u32)-1;
        }
    }
    if (kqi_plc_docid(p->pTitle) != iDoc) {
        return 0;
    }
    u32 tf = kqi_plc_tf(p->pTitle);
    return kqi_plc_docid(p->pTitle) == KQ_DOCID_EOF ? (u32)-1 : tf;
}

static double
term_score(cur *c)
{
    termcur *p = (termcur *)c;
    u32 tf = kqi_plc_tf(p->pPlc);
    if (kqi_plc_docid(p->pPlc) == KQ_DOCID_EOF) {
        return term_damaged(c, p->pPlc);
    }
    if (p->pTitle) {
        u32 tfTitle = kqi_term_title_tf(p);
        if (tfTitle == (u32)-1) {
            return term_damaged(c, p->pTitle);
        }
        /* (A title occurrence is one of the tf: a sound list has
        ** tfTitle <= tf, which bounds the sum.) */
        tf += p->nTitleW1 * (tfTitle < tf ? tfTitle : tf);
    }
    return bm25_weight(p->idf, tf, kqi_docs_len(&c->pCtx->pSeg->docs, c->iDoc),
                       c->pCtx->avgdl);
}

/* The largest BM25F frequency of a term whose largest plain one is maxTf
** (in the list or in a block): title occurrences are among the tf, and at
** most titleMax. */
static u32
term_tf_bound(const termcur *p, u32 maxTf)
{
    if (p->pTitle == NULL) {
        return maxTf;
    }
    return maxTf + p->nTitleW1 * (p->titleMax < maxTf ? p->titleMax : maxTf);
}

/* The best score of block b's postings (of the whole list if b is -1):
** that of the best of its impacts (postings.c), with the title's
** occurrences bounded as term_tf_bound() does, and a little slack for
** rounding. */
static double
impacts_bound(const termcur *p, int b)
{
    const u32 *aTf, *aLen;
    u32 n;
    kqi_plc_impacts(p->pPlc, b, &aTf, &aLen, &n);
    double best = 0;
    for (u32 i = 0; i < n; i++) {
        double w = bm25_weight(p->idf, term_tf_bound(p, aTf[i]), aLen[i],
                               p->base.pCtx->avgdl);
        best = w > best ? w : best;
    }
    return best * BOUND_SLACK;
}

static double
term_max(cur *c)
{
    termcur *p = (termcur *)c;
    if (p->max < 0) {
        p->max = impacts_bound(p, -1); /* (only MaxScore asks) */
    }
    return p->max;
}

u32
kqi_term_occ(cur *c)
{
    termcur *p = (termcur *)c;
    return c->iDoc != KQ_DOCID_EOF && kqi_plc_docid(p->pPlc) == c->iDoc
               ? kqi_plc_tf(p->pPlc)
               : 0;
}

static u32
zero_occ(cur *c)
{
    return 0;
}

/* Look up (or reuse) the block holding t: bound and last docid. */
void
kqi_term_bm_at(termcur *p, u32 t)
{
    if (p->iBm >= 0 && t <= p->bmEnd && (p->iBm == 0 || t > p->bmPrevEnd)) {
        return;
    }
    int b = kqi_plc_block_of(p->pPlc, t);
    p->iBm = b;
    if (b >= (int)kqi_plc_nblock(p->pPlc)) {
        p->bmEnd = KQ_DOCID_EOF;
        p->bmPrevEnd = KQ_DOCID_EOF;
        p->bmVal = 0;
        return;
    }
    p->bmEnd = kqi_plc_block_last(p->pPlc, b);
    p->bmVal = impacts_bound(p, b);
    p->bmPrevEnd = b > 0 ? kqi_plc_block_last(p->pPlc, b - 1) : 0;
}

static double
term_block_max(cur *c, u32 t)
{
    termcur *p = (termcur *)c;
    kqi_term_bm_at(p, t);
    return p->bmVal;
}

static void
term_free(cur *c)
{
    termcur *p = (termcur *)c;
    kqi_plc_free(p->pPlc);
    kqi_plc_free(p->pTitle);
    free(p);
}

/* empty and all --------------------------------------------------------- */
static int
empty_seek(cur *c, u32 t)
{
    c->iDoc = KQ_DOCID_EOF;
    return KQ_DONE;
}

static double
zero_score(cur *c)
{
    return 0.0;
}

static void
plain_free(cur *c)
{
    free(c);
}

static int
all_seek(cur *c, u32 t)
{
    SEEK_GUARD(c, t);
    u32 n = c->pCtx->pSeg->docs.nDoc;
    c->iDoc = t < n ? t : KQ_DOCID_EOF;
    return c->iDoc == KQ_DOCID_EOF ? KQ_DONE : KQ_OK;
}
/* and / phrase (andcur; positions: positions.c) ------------------------- */
int
kqi_and_seek(cur *c, u32 t)
{
    andcur *p = (andcur *)c;
    SEEK_GUARD(c, t);
    for (;;) {
        if (t == KQ_DOCID_EOF) {
            c->iDoc = KQ_DOCID_EOF;
            return KQ_DONE;
        }
        int bAgree = 1;
        if (p->aPlc) {
            int rc = kqi_plc_intersect(p->aPlc, p->nPos, t);
            termcur *z = NULL;
            for (int i = 0; i < p->nPos; i++) {
                termcur *k = (termcur *)p->aPos[i];
                k->bStarted = k->base.bStarted = 1;
                k->base.iDoc = kqi_plc_docid(k->pPlc);
                if (z == NULL && k->base.iDoc == KQ_DOCID_EOF) {
                    z = k;
                }
            }
            if (rc == KQ_CORRUPT) {
                ctx *cx = c->pCtx;
                if (cx->zErr == NULL && z != NULL) {
                    cx->zErr = kq_mprintf("%s: %s",
                                          cx->pSeg->aMap[KQI_F_POST].zPath,
                                          kqi_plc_errmsg(z->pPlc));
                }
                return cur_fail(c, rc);
            }
            if (rc) {
                c->iDoc = KQ_DOCID_EOF;
                return KQ_DONE;
            }
            t = kqi_plc_docid(p->aPlc[0]);
        }
        for (int i = 0; p->aPlc == NULL && i < p->nPos; i++) {
            cur *k = p->aPos[i];
            int rc = k->xSeek(k, t);
            if (rc && rc != KQ_DONE) {
                return cur_fail(c, rc);
            }
            if (k->iDoc == KQ_DOCID_EOF) {
                c->iDoc = KQ_DOCID_EOF;
                return KQ_DONE;
            }
            if (k->iDoc > t) {
                t = k->iDoc;
                bAgree = 0;
                break;
            }
        }
        if (!bAgree) {
            continue;
        }
        int bMatch = 1;
        if (!p->bDefer) {
            int rc = kqi_and_positions(p, t, &bMatch);
            if (rc) {
                return cur_fail(c, rc);
            }
        }
        for (int i = 0; bMatch && i < p->nNeg; i++) {
            cur *k = p->aNeg[i];
            int rc = k->xSeek(k, t);
            if (rc && rc != KQ_DONE) {
                return cur_fail(c, rc);
            }
            if (k->iDoc == t) {
                bMatch = 0;
            }
        }
        if (bMatch) {
            c->iDoc = t;
            return KQ_OK;
        }
        t++;
    }
}

int
kqi_and_positions(andcur *p, u32 t, int *pbMatch)
{
    *pbMatch = 1;
    if (p->aOffset) {
        return kqi_phrase_match(p, t, pbMatch);
    }
    if (p->nWindow) {
        return kqi_near_match(p, pbMatch);
    }
    return KQ_OK;
}

static double
and_score(cur *c)
{
    andcur *p = (andcur *)c;
    double s = 0;
    for (int i = 0; i < p->nPos; i++) {
        s += p->aPos[i]->xScore(p->aPos[i]);
    }
    return s;
}

static double
and_max(cur *c)
{
    andcur *p = (andcur *)c;
    double s = 0;
    for (int i = 0; i < p->nPos; i++) {
        s += p->aPos[i]->xMax(p->aPos[i]);
    }
    return s;
}

static void
and_free(cur *c)
{
    andcur *p = (andcur *)c;
    for (int i = 0; i < p->nPos; i++) {
        p->aPos[i]->xFree(p->aPos[i]);
    }
    for (int i = 0; i < p->nNeg; i++) {
        p->aNeg[i]->xFree(p->aNeg[i]);
    }
    for (int i = 0; p->aSlot && i < p->nPos; i++) {
        free(p->aSlot[i].a);
    }
    free(p->aSlot);
    free(p->aPlc);
    free(p->aPos);
    free(p->aNeg);
    free(p->aOffset);
    free(p);
}

/* Posting lists by their number of blocks (qsort). */
static int
cmp_nblock(const void *pa, const void *pb)
{
    u32 a = kqi_plc_nblock(*(kqi_plc *const *)pa);
    u32 b = kqi_plc_nblock(*(kqi_plc *const *)pb);
    return a < b ? -1 : a > b;
}

/* filter: a child's documents, scoring nothing (fields, dates) ---------- */
int
kqi_wrap_seek(cur *c, u32 t)
{
    wrapcur *p = (wrapcur *)c;
    SEEK_GUARD(c, t);
    int rc = p->c->xSeek(p->c, t);
    c->iDoc = p->c->iDoc;
    if (rc && rc != KQ_DONE) {
        return cur_fail(c, rc);
    }
    return rc;
}

static void
wrap_free(cur *c)
{
    wrapcur *p = (wrapcur *)c;
    if (p->c) {
        p->c->xFree(p->c);
    }
    free(p);
}

/* boost: term^2 ---------------------------------------------------------- */
double
kqi_boost_score(cur *c)
{
    wrapcur *p = (wrapcur *)c;
    return p->w * p->c->xScore(p->c);
}

static double
boost_max(cur *c)
{
    wrapcur *p = (wrapcur *)c;
    return p->w * p->c->xMax(p->c) * BOUND_SLACK;
}

static double
boost_block_max(cur *c, u32 t)
{
    wrapcur *p = (wrapcur *)c;
    return p->w * p->c->xBlockMax(p->c, t) * BOUND_SLACK;
}

/* maybe: the required child's documents, the optional child's score
** added where it matches too (+a b c; Xapian's AND_MAYBE) ----------- */
int
kqi_maybe_seek(cur *c, u32 t)
{
    maybecur *p = (maybecur *)c;
    SEEK_GUARD(c, t);
    int rc = p->pReq->xSeek(p->pReq, t);
    c->iDoc = p->pReq->iDoc;
    if (rc && rc != KQ_DONE) {
        return cur_fail(c, rc);
    }
    return rc;
}

/* The optional child is moved only here: a document that is counted and
** not ranked never reads its lists. */
static double
maybe_score(cur *c)
{
    maybecur *p = (maybecur *)c;
    return kqi_maybe_score_from(c, p->pReq->xScore(p->pReq));
}

double
kqi_maybe_score_from(cur *c, double score)
{
    maybecur *p = (maybecur *)c;
    int rc = p->pOpt->xSeek(p->pOpt, c->iDoc);
    if (rc && rc != KQ_DONE) {
        if (c->pCtx->rc == KQ_OK) {
            c->pCtx->rc = rc; /* (kqi_seg_finish() reports it) */
        }
    } else if (p->pOpt->iDoc == c->iDoc) {
        score += p->pOpt->xScore(p->pOpt);
    }
    return score;
}

static double
maybe_max(cur *c)
{
    maybecur *p = (maybecur *)c;
    return (p->pReq->xMax(p->pReq) + p->pOpt->xMax(p->pOpt)) * BOUND_SLACK;
}

static void
maybe_free(cur *c)
{
    maybecur *p = (maybecur *)c;
    if (p->pReq) {
        p->pReq->xFree(p->pReq);
    }
    if (p->pOpt) {
        p->pOpt->xFree(p->pOpt);
    }
    free(p);
}

/* A child's documents that pass a check: body:word and =word. ---------- */
int
kqi_check_seek(cur *c, u32 t)
{
    checkcur *p = (checkcur *)c;
    SEEK_GUARD(c, t);
    for (;;) {
        int rc = p->w.c->xSeek(p->w.c, t);
        if (rc && rc != KQ_DONE) {
            return cur_fail(c, rc);
        }
        u32 d = p->w.c->iDoc;
        if (d == KQ_DOCID_EOF) {
            c->iDoc = d;
            return KQ_DONE;
        }
        int bMatch;
        rc = p->xCheck(p, d, &bMatch);
        if (rc) {
            return cur_fail(c, rc);
        }
        if (bMatch) {
            c->iDoc = d;
            return KQ_OK;
        }
        t = d + 1;
    }
}

static double
wrap_score(cur *c)
{
    wrapcur *p = (wrapcur *)c;
    return p->c->xScore(p->c);
}

static double
wrap_max(cur *c)
{
    wrapcur *p = (wrapcur *)c;
    return p->c->xMax(p->c);
}

/* body:word -- the word outside the title: more occurrences of the term
** than of its title term (T + term, whose positions are a subset). */
typedef struct bodycur {
    checkcur k;  /* k.w.c: termcur of the word */
    cur *pTitle; /* termcur of T + the word, or an empty cursor */
} bodycur;

static int
body_check(checkcur *c, u32 d, int *pbMatch)
{
    bodycur *p = (bodycur *)c;
    int rc = p->pTitle->xSeek(p->pTitle, d);
    if (rc && rc != KQ_DONE) {
        return rc;
    }
    *pbMatch = p->pTitle->iDoc != d ||
               c->w.c->xOcc(c->w.c) > p->pTitle->xOcc(p->pTitle);
    return KQ_OK;
}

static void
body_free(cur *c)
{
    bodycur *p = (bodycur *)c;
    if (p->pTitle) {
        p->pTitle->xFree(p->pTitle);
    }
    wrap_free(c);
}

/* =word: the stem's documents whose text holds the word as such.  The
** index keeps stems only, so each candidate's title and body are analysed
** again (unstemmed): exact, at the cost of reading the text of every
** document that has the stem. */
typedef struct exactcur {
    checkcur k;          /* k.w.c: the stem's termcur */
    kqi_textcache cache; /* the store block of the last text read */
    const char *zWord;
    size_t nWord;
    kqi_field eField; /* ANY, TITLE or BODY */
} exactcur;

typedef struct exactscan {
    const char *zWord;
    size_t nWord;
    int bFound;
} exactscan;

static int
exact_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
         size_t iStart, size_t iEnd)
{
    exactscan *e = pCtx;
    if (nTerm == e->nWord && memcmp(zTerm, e->zWord, nTerm) == 0) {
        e->bFound = 1;
        return 1; /* stop */
    }
    return 0;
}

static int
exact_check(checkcur *c, u32 iDoc, int *pbMatch)
{
    exactcur *p = (exactcur *)c;
    ctx *x = c->w.base.pCtx;
    exactscan e = {p->zWord, p->nWord, 0};
    *pbMatch = 0;
    if (p->eField != KQI_FIELD_BODY) {
        kqi_docrec info;
        int rc = kqi_docs_info(&x->pSeg->docs, iDoc, &info,
                               x->zErr ? NULL : &x->zErr);
        if (rc) {
            return rc;
        }
        kq_analyze(x->pA, KQ_ANALYZE_NOSTEM, info.zTitle, info.nTitle, 0, NULL,
                   &e, exact_cb);
    }
    if (!e.bFound && p->eField != KQI_FIELD_TITLE) {
        const char *z;
        size_t n;
        int rc = kqi_docs_text_ref(&x->pSeg->docs, iDoc, &p->cache, &z, &n,
                                   x->zErr ? NULL : &x->zErr);
        if (rc) {
            return rc;
        }
        kq_analyze(x->pA, KQ_ANALYZE_NOSTEM, z, n, 0, NULL, &e, exact_cb);
    }
    *pbMatch = e.bFound;
    return KQ_OK;
}

static void
exact_free(cur *c)
{
    kqi_textcache_clear(&((exactcur *)c)->cache);
    wrap_free(c);
}

/* id:X -- one document ---------------------------------------------------- */
typedef struct idcur {
    cur base;
    u32 iLocal; /* in this segment, or KQ_DOCID_EOF */
} idcur;

static int
id_seek(cur *c, u32 t)
{
    idcur *p = (idcur *)c;
    SEEK_GUARD(c, t);
    c->iDoc = t <= p->iLocal ? p->iLocal : KQ_DOCID_EOF;
    return c->iDoc == KQ_DOCID_EOF ? KQ_DONE : KQ_OK;
}

/* or ------------------------------------------------------------------- */

static u32
or_key(const orcur *p, int i)
{
    return p->a[p->aHeap[i]]->iDoc;
}

static void
or_sift(orcur *p, int i)
{
    for (;;) {
        int l = 2 * i + 1, m = i;
        if (l < p->n && or_key(p, l) < or_key(p, m)) {
            m = l;
        }
        if (l + 1 < p->n && or_key(p, l + 1) < or_key(p, m)) {
            m = l + 1;
        }
        if (m == i) {
            return;
        }
        int h = p->aHeap[i];
        p->aHeap[i] = p->aHeap[m];
        p->aHeap[m] = h;
        i = m;
    }
}

/* kqi_or_seek() over the heap: the children below t are moved on, from the
** smallest. */
static int
or_seek_heap(orcur *p, u32 t)
{
    while (or_key(p, 0) < t) {
        cur *k = p->a[p->aHeap[0]];
        int rc = k->xSeek(k, t);
        if (rc && rc != KQ_DONE) {
            return cur_fail(&p->base, rc);
        }
        or_sift(p, 0);
    }
    p->base.iDoc = or_key(p, 0);
    return p->base.iDoc == KQ_DOCID_EOF ? KQ_DONE : KQ_OK;
}

int
kqi_or_seek(cur *c, u32 t)
{
    orcur *p = (orcur *)c;
    SEEK_GUARD(c, t);
    if (p->aHeap) {
        return or_seek_heap(p, t);
    }
    u32 iMin = KQ_DOCID_EOF;
    for (int i = 0; i < p->n; i++) {
        cur *k = p->a[i];
        int rc = k->xSeek(k, t);
        if (rc && rc != KQ_DONE) {
            return cur_fail(c, rc);
        }
        if (k->iDoc < iMin) {
            iMin = k->iDoc;
        }
    }
    c->iDoc = iMin;
    if (p->n >= OR_HEAP_MIN &&
        (p->aHeap = malloc(sizeof(int) * (size_t)p->n)) != NULL) {
        /* (Out of memory: the scan above does the work.) */
        for (int i = 0; i < p->n; i++) {
            p->aHeap[i] = i;
        }
        for (int i = p->n / 2; i-- > 0;) {
            or_sift(p, i);
        }
    }
    return iMin == KQ_DOCID_EOF ? KQ_DONE : KQ_OK;
}

double
kqi_or_score(cur *c)
{
    orcur *p = (orcur *)c;
    double s = 0;
    for (int i = 0; i < p->n; i++) {
        if (p->a[i]->iDoc == c->iDoc) {
            s += p->a[i]->xScore(p->a[i]);
        }
    }
    return s;
}

static double
or_max(cur *c)
{
    orcur *p = (orcur *)c;
    double s = 0;
    for (int i = 0; i < p->n; i++) {
        s += p->a[i]->xMax(p->a[i]);
    }
    return s;
}

static void
or_free(cur *c)
{
    orcur *p = (orcur *)c;
    for (int i = 0; i < p->n; i++) {
        p->a[i]->xFree(p->a[i]);
    }
    free(p->aHeap);
    free(p->a);
    free(p);
}

/**************************************************************************
** Building a segment's cursor tree from a plan.
*/
static cur *
cur_alloc(ctx *x, size_t n, int (*xSeek)(cur *, u32), double (*xScore)(cur *),
          void (*xFree)(cur *))
{
    cur *c = calloc(1, n);
    if (c) {
        c->xSeek = xSeek;
        c->xScore = xScore;
        c->xFree = xFree;
        c->xMax = zero_score;
        c->xBlockMax = generic_block_max;
        c->xOcc = zero_occ;
        c->pCtx = x;
    }
    return c;
}

static int
term_cur(ctx *x, const pterm *t, cur **ppOut, char **pzErr)
{
    kqi_segment *s = x->pSeg;
    *ppOut = NULL;
    /* The plan looked the term up in every segment already. */
    const kqi_termloc *pLoc = &t->aLoc[x->iSeg];
    if (pLoc->df == 0) {
        *ppOut = cur_alloc(x, sizeof(cur), empty_seek, zero_score, plain_free);
        return *ppOut ? KQ_OK : KQ_NOMEM;
    }
    termcur *p = (termcur *)cur_alloc(x, sizeof(termcur), kqi_term_seek,
                                      term_score, term_free);
    if (p == NULL) {
        return KQ_NOMEM;
    }
    int rc = kqi_plc_open(&s->aMap[KQI_F_POST], &s->aMap[KQI_F_POS], pLoc,
                          s->docs.nDoc, &p->pPlc, pzErr);
    if (rc) {
        free(p);
        return rc;
    }
    p->idf = t->idf;
    p->pTerm = t;
    p->base.xOcc = kqi_term_occ;
    if (t->aTLoc && t->aTLoc[x->iSeg].df) {
        rc = kqi_plc_open(&s->aMap[KQI_F_POST], &s->aMap[KQI_F_POS],
                          &t->aTLoc[x->iSeg], s->docs.nDoc, &p->pTitle, pzErr);
        if (rc) {
            kqi_plc_free(p->pPlc);
            free(p);
            return rc;
        }
        p->titleMax = kqi_plc_list_maxtf(p->pTitle);
        p->nTitleW1 = x->nTitleW1;
    }
    p->max = -1; /* computed when first asked for */
    p->base.xMax = term_max;
    p->base.xBlockMax = term_block_max;
    p->iBm = -1;
    *ppOut = &p->base;
    return KQ_OK;
}

int
kqi_cur_make(ctx *x, const plan *p, cur **ppOut, char **pzErr)
{
    *ppOut = NULL;
    int rc = KQ_OK;
    switch (p->eType) {
    case KQI_Q_TERM: return term_cur(x, &p->term, ppOut, pzErr);

    case KQI_Q_PREFIX:
    case KQI_Q_OR: {
        orcur *o = (orcur *)cur_alloc(x, sizeof(orcur), kqi_or_seek,
                                      kqi_or_score, or_free);
        int n = p->eType == KQI_Q_OR ? p->nChild : p->nExp;
        if (o == NULL ||
            (o->a = calloc((size_t)n + 1, sizeof(cur *))) == NULL) {
            free(o);
            return KQ_NOMEM;
        }
        o->base.xMax = or_max;
        *ppOut = &o->base;
        for (int i = 0; rc == KQ_OK && i < n; i++) {
            if (p->eType == KQI_Q_OR) {
                rc = kqi_cur_make(x, p->aChild[i], &o->a[i], pzErr);
            } else {
                rc = term_cur(x, &p->aExp[i], &o->a[i], pzErr);
            }
            if (o->a[i]) {
                o->n = i + 1;
            }
        }
        return rc;
    }

    case P_FILTER:
    case P_BOOST: {
        int bBoost = p->eType == P_BOOST;
        wrapcur *w = (wrapcur *)cur_alloc(
            x, sizeof(wrapcur), kqi_wrap_seek,
            bBoost ? kqi_boost_score : zero_score, wrap_free);
        if (w == NULL) {
            return KQ_NOMEM;
        }
        *ppOut = &w->base;
        w->w = p->boost;
        if (bBoost) {
            w->base.xMax = boost_max;
            w->base.xBlockMax = boost_block_max;
        }
        return kqi_cur_make(x, p->aChild[0], &w->c, pzErr);
    }

    case KQI_Q_EXACT: {
        exactcur *e = (exactcur *)cur_alloc(
            x, sizeof(exactcur), kqi_check_seek, wrap_score, exact_free);
        if (e == NULL) {
            return KQ_NOMEM;
        }
        *ppOut = &e->k.w.base;
        e->k.w.base.xMax = wrap_max;
        e->k.xCheck = exact_check;
        e->zWord = p->pQ->zWord;
        e->nWord = p->pQ->nWord;
        e->eField = p->pQ->eField;
        return kqi_cur_make(x, p->aChild[0], &e->k.w.c, pzErr);
    }

    case P_BODY: {
        bodycur *b = (bodycur *)cur_alloc(x, sizeof(bodycur), kqi_check_seek,
                                          wrap_score, body_free);
        if (b == NULL) {
            return KQ_NOMEM;
        }
        *ppOut = &b->k.w.base;
        b->k.w.base.xMax = wrap_max;
        b->k.xCheck = body_check;
        rc = kqi_cur_make(x, p->aChild[0], &b->k.w.c, pzErr);
        if (rc == KQ_OK) {
            rc = kqi_cur_make(x, p->aChild[1], &b->pTitle, pzErr);
        }
        return rc;
    }

    case KQI_Q_ID: {
        idcur *c = (idcur *)cur_alloc(x, sizeof(idcur), id_seek, zero_score,
                                      plain_free);
        if (c == NULL) {
            return KQ_NOMEM;
        }
        *ppOut = &c->base;
        u32 iBase = x->pSeg->iBase;
        c->iLocal = p->iDoc != KQ_DOCID_EOF && p->iDoc >= iBase &&
                            p->iDoc - iBase < x->pSeg->docs.nDoc
                        ? p->iDoc - iBase
                        : KQ_DOCID_EOF;
        return KQ_OK;
    }

    case KQI_Q_MAYBE: {
        maybecur *m = (maybecur *)cur_alloc(
            x, sizeof(maybecur), kqi_maybe_seek, maybe_score, maybe_free);
        if (m == NULL) {
            return KQ_NOMEM;
        }
        m->base.xMax = maybe_max;
        *ppOut = &m->base;
        rc = kqi_cur_make(x, p->aChild[0], &m->pReq, pzErr);
        if (rc == KQ_OK) {
            rc = kqi_cur_make(x, p->aChild[1], &m->pOpt, pzErr);
        }
        return rc;
    }

    case KQI_Q_AND:
    case KQI_Q_PHRASE:
    case KQI_Q_NEAR:
    case KQI_Q_NOT: {
        andcur *a = (andcur *)cur_alloc(x, sizeof(andcur), kqi_and_seek,
                                        and_score, and_free);
        if (a == NULL) {
            return KQ_NOMEM;
        }
        a->base.xMax = and_max;
        a->nWindow = p->eType == KQI_Q_NEAR ? p->nWindow : 0;
        a->bOrdered = p->bOrdered;
        *ppOut = &a->base;
        a->aPos = calloc((size_t)p->nChild + 1, sizeof(cur *));
        a->aNeg = calloc((size_t)p->nChild + 1, sizeof(cur *));
        if (a->aPos == NULL || a->aNeg == NULL) {
            return KQ_NOMEM;
        }
        if (p->eType == KQI_Q_PHRASE) {
            a->aOffset = calloc((size_t)p->nChild, sizeof(u32));
            if (a->aOffset == NULL) {
                return KQ_NOMEM;
            }
        }
        for (int i = 0; rc == KQ_OK && i < p->nChild; i++) {
            const plan *c = p->aChild[i];
            cur *k = NULL;
            if (p->eType == KQI_Q_NOT) {
                rc = kqi_cur_make(x, c, &k, pzErr);
                if (k) {
                    a->aNeg[a->nNeg++] = k;
                }
            } else if (c->eType == KQI_Q_NOT) {
                /* AND(x, NOT(y)): y is excluded by seeking, not scanned. */
                rc = kqi_cur_make(x, c->aChild[0], &k, pzErr);
                if (k) {
                    a->aNeg[a->nNeg++] = k;
                }
            } else {
                rc = kqi_cur_make(x, c, &k, pzErr);
                if (k) {
                    if (a->aOffset) {
                        a->aOffset[a->nPos] = c->iOffset;
                    }
                    a->aPos[a->nPos++] = k;
                }
            }
        }
        if (rc == KQ_OK && (a->aOffset || a->nWindow)) {
            /* A phrase whose word is missing from this segment matches
            ** nothing here; positions are only read from real lists (an
            ** expanding word's: positions.c's slot_positions()). */
            for (int i = 0; i < a->nPos; i++) {
                if (a->aPos[i]->xSeek == kqi_or_seek && a->aOffset &&
                    p->aChild[i]->eType == KQI_Q_PREFIX) {
                    if (a->aSlot == NULL &&
                        (a->aSlot = calloc((size_t)a->nPos,
                                           sizeof(*a->aSlot))) == NULL) {
                        return KQ_NOMEM;
                    }
                } else if (a->aPos[i]->xSeek != kqi_term_seek) {
                    a->base.xSeek = empty_seek;
                }
            }
        }
        int bTerms = rc == KQ_OK && a->nPos >= 2;
        for (int i = 0; bTerms && i < a->nPos; i++) {
            bTerms = a->aPos[i]->xSeek == kqi_term_seek;
        }
        if (bTerms) {
            a->aPlc = malloc(sizeof(kqi_plc *) * (size_t)a->nPos);
            if (a->aPlc == NULL) {
                return KQ_NOMEM;
            }
            /* Shortest list first (in blocks): it proposes the fewest
            ** targets. */
            for (int i = 0; i < a->nPos; i++) {
                a->aPlc[i] = ((termcur *)a->aPos[i])->pPlc;
            }
            qsort(a->aPlc, (size_t)a->nPos, sizeof(kqi_plc *), cmp_nblock);
        }
        if (rc == KQ_OK && a->nPos == 0) {
            /* Only exclusions: start from every document. */
            a->aPos[0] = cur_alloc(x, sizeof(cur), all_seek, zero_score,
                                   plain_free);
            if (a->aPos[0] == NULL) {
                return KQ_NOMEM;
            }
            a->nPos = 1;
        }
        return rc;
    }
    }
    return KQ_MISUSE;
}
