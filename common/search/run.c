/*
** run.c -- running a plan over the segments: kq_search_ex() (ranked, with
** a top-k heap; MaxScore and block-max pruning when an estimated count
** will do), kq_search_each() (every match), and date order.  A
** segment's cursor tree comes from cursor.c.
*/
#include "search_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Move c on to its next document. */
static int
cur_next(cur *c)
{
    if (c->iDoc == KQ_DOCID_EOF) {
        return KQ_DONE;
    }
    return c->xSeek(c, c->iDoc + 1);
}

/**************************************************************************
** Top-k: a min-heap of the best hits so far, the worst at the root.
*/
typedef struct topk {
    kq_hit *a;
    size_t n, nMax;
} topk;

/* Is a ranked after b?  Higher score first, then lower docid. */
static int
worse(const kq_hit *a, const kq_hit *b)
{
    return a->score < b->score || (a->score == b->score && a->iDoc > b->iDoc);
}

static void
topk_push(topk *t, kq_docid iDoc, double score)
{
    kq_hit h = {iDoc, score};
    size_t i;
    if (t->n < t->nMax) {
        i = t->n++;
        while (i > 0 && worse(&h, &t->a[(i - 1) / 2])) {
            t->a[i] = t->a[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        t->a[i] = h;
        return;
    }
    if (!worse(&t->a[0], &h)) {
        return;
    }
    i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const kq_hit *pm = &h;
        if (l < t->n && worse(&t->a[l], pm)) {
            m = l;
            pm = &t->a[l];
        }
        if (r < t->n && worse(&t->a[r], pm)) {
            m = r;
        }
        if (m == i) {
            break;
        }
        t->a[i] = t->a[m];
        i = m;
    }
    t->a[i] = h;
}

static int
cmp_hit(const void *a, const void *b)
{
    const kq_hit *x = a, *y = b;
    if (worse(x, y)) {
        return 1;
    }
    return worse(y, x) ? -1 : 0;
}

/**************************************************************************
** MaxScore (Turtle and Flood 1995, as in PISA and Lucene): ranked OR
** without scoring every matching document.  The children of the OR are
** ordered by their score bounds; while the top-k heap is full, the
** children whose bounds add up to no more than the k-th score so far (the
** threshold) are "non-essential": a document that only they match cannot
** enter the heap.  So candidates come from the essential children alone,
** and the others are sought only while the candidate can still beat the
** threshold, with the block maximum at the candidate (block-max data,
** postings.c) in place of the list-wide bound where it is lower.
**
** Documents are skipped, so the number of matching documents is not
** known: the caller gets the number of candidates as a lower bound.
*/
typedef struct msent {
    cur *c;
    double max;
} msent;

static int
cmp_msent(const void *a, const void *b)
{
    const msent *x = a, *y = b;
    return x->max < y->max ? -1 : (x->max > y->max);
}

static int
run_maxscore(orcur *o, topk *t, u32 iBase, u64 *pnSeen)
{
    int n = o->n;
    ctx *x = o->base.pCtx;
    const u8 *aDel = x->pSeg->aDel;
    msent *a = malloc(sizeof(msent) * (size_t)n);
    double *aUb = malloc(sizeof(double) * (size_t)n);
    if (a == NULL || aUb == NULL) {
        free(a);
        free(aUb);
        return KQ_NOMEM;
    }
    for (int i = 0; i < n; i++) {
        a[i].c = o->a[i];
        a[i].max = o->a[i]->xMax(o->a[i]);
        a[i].c->xSeek(a[i].c, 0);
    }
    qsort(a, (size_t)n, sizeof(msent), cmp_msent);
    double ub = 0;
    for (int i = 0; i < n; i++) {
        ub += a[i].max;
        aUb[i] = ub;
    }
    double theta = t->n == t->nMax ? t->a[0].score : -1.0;
    int ne = 0; /* a[0..ne) are non-essential */
    while (ne < n && aUb[ne] <= theta) {
        ne++;
    }
    u64 nSeen = 0;
    while (ne < n && x->rc == KQ_OK) {
        u32 d = KQ_DOCID_EOF;
        for (int i = ne; i < n; i++) {
            if (a[i].c->iDoc < d) {
                d = a[i].c->iDoc;
            }
        }
        if (d == KQ_DOCID_EOF) {
            break;
        }
        if (kqi_is_deleted(aDel, d)) {
            for (int i = ne; i < n; i++) {
                if (a[i].c->iDoc == d) {
                    cur_next(a[i].c);
                }
            }
            continue;
        }
        nSeen++;
        double s = 0;
        for (int i = ne; i < n; i++) {
            if (a[i].c->iDoc == d) {
                s += a[i].c->xScore(a[i].c);
            }
        }
        int bIn = 1;
        for (int i = ne - 1; i >= 0; i--) {
            /* Can the candidate still beat the threshold? */
            if (s + aUb[i] <= theta) {
                bIn = 0;
                break;
            }
            cur *k = a[i].c;
            double bm = k->xBlockMax(k, d);
            if (bm < a[i].max && s + (i ? aUb[i - 1] : 0) + bm <= theta) {
                bIn = 0;
                break;
            }
            k->xSeek(k, d);
            if (k->iDoc == d) {
                s += k->xScore(k);
            }
        }
        if (bIn && (t->n < t->nMax || s > theta)) {
            /* The score as the OR computes it (its children's order), so a
            ** pruned and an exhaustive search give the same scores. */
            o->base.iDoc = d;
            topk_push(t, iBase + d, kqi_or_score(&o->base));
            if (t->n == t->nMax) {
                theta = t->a[0].score;
                while (ne < n && aUb[ne] <= theta) {
                    ne++;
                }
            }
        }
        for (int i = ne; i < n; i++) {
            if (a[i].c->iDoc == d) {
                cur_next(a[i].c);
            }
        }
    }
    *pnSeen += nSeen;
    free(a);
    free(aUb);
    return x->rc;
}

/**************************************************************************
** Block skipping for one ranked term: a single word, or a word with
** exclusions (a AND NOT b).  While the heap is full, a block of the term
** whose maximum (postings.c) cannot beat the k-th score is passed over
** without being decoded, and its documents are never checked against the
** exclusions.
*/
static termcur *
single_term(cur *c)
{
    if (c->xSeek == kqi_term_seek) {
        return (termcur *)c;
    }
    if (c->xSeek == kqi_and_seek && ((andcur *)c)->nPos == 1 &&
        ((andcur *)c)->aOffset == NULL &&
        ((andcur *)c)->aPos[0]->xSeek == kqi_term_seek) {
        return (termcur *)((andcur *)c)->aPos[0];
    }
    return NULL;
}

static int
run_blockmax_term(cur *c, termcur *tc, topk *t, u32 iBase, u64 *pnSeen)
{
    ctx *x = c->pCtx;
    const u8 *aDel = x->pSeg->aDel;
    u32 d = 0;
    u64 nSeen = 0;
    while (x->rc == KQ_OK && d != KQ_DOCID_EOF) {
        if (t->n == t->nMax) {
            kqi_term_bm_at(tc, d);
            if (tc->bmVal <= t->a[0].score) {
                if (tc->bmEnd == KQ_DOCID_EOF) {
                    break;
                }
                d = tc->bmEnd + 1; /* the whole block cannot win */
                continue;
            }
        }
        c->xSeek(c, d);
        if (c->iDoc == KQ_DOCID_EOF) {
            break;
        }
        if (kqi_is_deleted(aDel, c->iDoc)) {
            d = c->iDoc + 1;
            continue;
        }
        nSeen++;
        double sc = c->xScore(c);
        if (t->n < t->nMax || sc > t->a[0].score) {
            topk_push(t, iBase + c->iDoc, sc);
        }
        d = c->iDoc + 1;
    }
    *pnSeen += nSeen;
    return x->rc;
}

/**************************************************************************
** An AND at the top of the query (a phrase or NEAR too), when an estimated
** count will do.
**
** Block skipping: when every required child is a term, and while the heap
** is full, the documents up to the end of the first of the terms' current
** blocks are passed over, undecoded, when the bounds of those blocks (their
** impacts, postings.c) add up to no more than the k-th score.  An AND of
** two frequent words ("in AND be") scores 45% of its documents on
** gutenberg-dev (the bench's hard pairs), and takes two thirds of the time
** it took to score them all.
**
** Positions last: a phrase or NEAR scores as the sum of its words, so a
** document holding them all is scored first, and its positions are read
** only if that score could enter the top k (the costly part for frequent
** words: "of the").
**
** The count is then of the documents scored (of a phrase: that matched),
** a lower bound.
*/
/* Are all of the AND's required children terms (two or more)? */
static int
terms_only(const andcur *a)
{
    for (int i = 0; i < a->nPos; i++) {
        if (a->aPos[i]->xSeek != kqi_term_seek) {
            return 0;
        }
    }
    return a->nPos >= 2;
}

/* Skipping blocks pays when the terms have many: when the rarest has a
** few blocks only, its documents are few, each candidate tends to fall in
** other blocks than the last, and bounding the blocks costs about what
** scoring the candidate does (and2 on gutenberg-dev was 11% slower). */
#define SKIP_MIN_BLOCKS 4

static int
blocks_pay(const andcur *a)
{
    for (int i = 0; i < a->nPos; i++) {
        if (kqi_plc_nblock(((termcur *)a->aPos[i])->pPlc) < SKIP_MIN_BLOCKS) {
            return 0;
        }
    }
    return 1;
}

static andcur *
top_and(cur *c)
{
    if (c->xSeek != kqi_and_seek) {
        return NULL;
    }
    andcur *a = (andcur *)c;
    if (a->aOffset || a->nWindow) {
        return a->nNeg == 0 ? a : NULL;
    }
    return terms_only(a) ? a : NULL;
}

/* Can no document from d on, up to *pEnd (the end of the first of the
** terms' blocks holding d or after), beat theta? */
static int
blocks_lose(andcur *a, u32 d, double theta, u32 *pEnd)
{
    double ub = 0;
    u32 end = KQ_DOCID_EOF;
    for (int i = 0; i < a->nPos; i++) {
        termcur *tc = (termcur *)a->aPos[i];
        kqi_term_bm_at(tc, d);
        ub += tc->bmVal;
        end = tc->bmEnd < end ? tc->bmEnd : end;
    }
    *pEnd = end;
    return ub <= theta;
}

/* The AND's document, its blocks found not to lose (blocks_lose()): can
** it still not beat theta?  Its terms are scored one by one, and the
** bounds of the blocks of those not scored yet stand in for their scores
** (summed afresh each time: a running difference would round); the last
** term is left to the full score, which the caller computes. */
static int
partial_loses(andcur *a, double theta)
{
    double s = 0;
    for (int i = 0; i < a->nPos - 1; i++) {
        cur *k = a->aPos[i];
        s += k->xScore(k);
        double rest = 0;
        for (int j = i + 1; j < a->nPos; j++) {
            rest += ((termcur *)a->aPos[j])->bmVal;
        }
        if (s + rest <= theta) {
            return 1;
        }
    }
    return 0;
}

static int
run_and(cur *c, andcur *a, topk *t, u32 iBase, u64 *pnSeen)
{
    ctx *x = c->pCtx;
    const u8 *aDel = x->pSeg->aDel;
    int bPos = a->aOffset || a->nWindow;
    int bBlocks = terms_only(a) && blocks_pay(a);
    u64 nSeen = 0;
    u32 d = 0;
    a->bDefer = bPos;
    while (x->rc == KQ_OK) {
        int bBounded = bBlocks && t->n == t->nMax;
        if (bBounded) {
            u32 end;
            if (blocks_lose(a, d, t->a[0].score, &end)) {
                if (end == KQ_DOCID_EOF) {
                    break;
                }
                d = end + 1;
                continue;
            }
            c->xSeek(c, d);
            if (c->iDoc != KQ_DOCID_EOF && c->iDoc > end) {
                d = c->iDoc; /* past those blocks: bound it afresh */
                continue;
            }
        } else {
            c->xSeek(c, d);
        }
        if (c->iDoc == KQ_DOCID_EOF) {
            break;
        }
        d = c->iDoc + 1;
        if (kqi_is_deleted(aDel, c->iDoc) ||
            (bBounded && partial_loses(a, t->a[0].score))) {
            continue;
        }
        double sc = c->xScore(c);
        nSeen += !bPos;
        if (t->n == t->nMax && sc <= t->a[0].score) {
            continue;
        }
        if (bPos) {
            int bMatch;
            int rc = kqi_and_positions(a, c->iDoc, &bMatch);
            if (rc) {
                if (x->rc == KQ_OK) {
                    x->rc = rc;
                }
                break;
            }
            if (!bMatch) {
                continue;
            }
            nSeen++;
        }
        topk_push(t, iBase + c->iDoc, sc);
    }
    *pnSeen += nSeen;
    return x->rc;
}

/**************************************************************************
** Required and optional words at the top of the query (+opec oil prices,
** with --or), when an estimated count will do: once the heap is full, a
** document of the required part whose score, with the block maxima of the
** optional words at it, cannot beat the k-th score is passed over without
** seeking the optional words' lists (Xapian's OP_AND_MAYBE does the same).
** The count is then of the documents scored in full, a lower bound.
*/
static maybecur *
top_maybe(cur *c)
{
    return c->xSeek == kqi_maybe_seek ? (maybecur *)c : NULL;
}

/* A child's bound at d: a term's block maximum, another's own bound. */
static double
child_bound(cur *k, u32 d)
{
    return k->xSeek == kqi_term_seek ? k->xBlockMax(k, d) : k->xMax(k);
}

/* A bound on the optional part's score at document d: its terms' block
** maxima at d, else its list-wide bound. */
static double
opt_bound(cur *o, u32 d)
{
    if (o->xSeek == kqi_or_seek) {
        orcur *p = (orcur *)o;
        double s = 0;
        for (int i = 0; i < p->n; i++) {
            s += child_bound(p->a[i], d);
        }
        return s;
    }
    return child_bound(o, d);
}

/* The optional part's children, rarest first (in blocks; others last),
** when it is an OR of fewer than OR_HEAP_MIN, for opt_bound_at(). */
static int
opt_order(cur *o, int *aOrd)
{
    if (o->xSeek != kqi_or_seek || ((orcur *)o)->n >= OR_HEAP_MIN) {
        return 0;
    }
    orcur *p = (orcur *)o;
    u32 aKey[OR_HEAP_MIN];
    for (int i = 0; i < p->n; i++) {
        cur *k = p->a[i];
        aKey[i] = k->xSeek == kqi_term_seek
                      ? kqi_plc_nblock(((termcur *)k)->pPlc)
                      : 0xffffffffu;
    }
    kqi_order_by_key(aKey, p->n, aOrd);
    return p->n;
}

/* A tighter bound than opt_bound()'s, from where the optional part's lists
** are: only its words at d count.  Optional words rarer than the required
** ones are mostly not there (+knows at mind: "mind" is in a quarter of the
** documents of "knows" on gutenberg-dev, "at" in nine tenths), and a
** document without them can seldom rank (hmix: 9-12% faster at the
** median, 13% at p95).  With the children in aOrd order (nOrd of them; 0:
** the part is not a small OR, and is sought whole), the rarest are sought
** first, and the frequent ones, whose lists cost most to read, not at all
** once the bound is at or below need (the bound is then returned).  A
** seek that fails leaves no bound (the scoring then reports the damage). */
static double
opt_bound_at(cur *o, u32 d, const int *aOrd, int nOrd, double need)
{
    if (nOrd == 0) {
        int rc = o->xSeek(o, d);
        if (rc && rc != KQ_DONE) {
            return HUGE_VAL;
        }
        return o->iDoc == d ? opt_bound(o, d) : 0;
    }
    orcur *p = (orcur *)o;
    double ub = 0;
    for (int j = 0; j < nOrd; j++) {
        cur *k = p->a[aOrd[j]];
        int rc = k->xSeek(k, d);
        if (rc && rc != KQ_DONE) {
            return HUGE_VAL;
        }
        /* The words sought so far that are at d, and the others' bounds
        ** (summed afresh: a running difference would round). */
        ub = 0;
        for (int i = 0; i < nOrd; i++) {
            cur *c = p->a[aOrd[i]];
            if (i > j || c->iDoc == d) {
                ub += child_bound(c, d);
            }
        }
        if (ub <= need) {
            break;
        }
    }
    return ub;
}

static int
run_maybe(cur *c, maybecur *m, topk *t, u32 iBase, u64 *pnSeen)
{
    ctx *x = c->pCtx;
    const u8 *aDel = x->pSeg->aDel;
    u64 nSeen = 0;
    int aOrd[OR_HEAP_MIN];
    int nOrd = opt_order(m->pOpt, aOrd);
    c->xSeek(c, 0);
    while (x->rc == KQ_OK && c->iDoc != KQ_DOCID_EOF) {
        u32 d = c->iDoc;
        if (!kqi_is_deleted(aDel, d)) {
            double sReq = m->pReq->xScore(m->pReq);
            double need = t->n < t->nMax ? 0 : t->a[0].score - sReq;
            if (t->n < t->nMax ||
                (opt_bound(m->pOpt, d) > need &&
                 opt_bound_at(m->pOpt, d, aOrd, nOrd, need) > need)) {
                nSeen++;
                double sc = kqi_maybe_score_from(c, sReq);
                if (t->n < t->nMax || sc > t->a[0].score) {
                    topk_push(t, iBase + d, sc);
                }
            }
        }
        cur_next(c);
    }
    *pnSeen += nSeen;
    return x->rc;
}

/**************************************************************************
** No pruning: every document of the cursor counted, and scored when hits
** are wanted.  (A function of its own, like the two above, keeps c in a
** register: kq_search_ex() gives &c to kqi_cur_make().)
*/
static int
run_exhaustive(cur *c, topk *t, u32 iBase, u64 *pnTotal)
{
    const u8 *aDel = c->pCtx->pSeg->aDel;
    u64 nTotal = 0;
    c->xSeek(c, 0);
    while (c->iDoc != KQ_DOCID_EOF) {
        if (!kqi_is_deleted(aDel, c->iDoc)) {
            nTotal++;
            if (t->nMax) {
                topk_push(t, iBase + c->iDoc, c->xScore(c));
            }
        }
        cur_next(c);
    }
    *pnTotal += nTotal;
    return c->pCtx->rc;
}

/* The end of a query on segment s: document lengths found damaged on the
** way (checked lazily, a chunk at a time) are damage too; a damage message
** goes to *pzErr; the cursors are freed.  Returns the query's rc. */
int
kqi_seg_finish(kq_index *pIdx, u32 s, ctx *x, cur *c, int rc, char **pzErr)
{
    if (rc == KQ_OK && kqi_docs_bad(&pIdx->aSeg[s].docs)) {
        rc = KQ_CORRUPT;
        kqi_err(&x->zErr, rc,
                "%s: checksum mismatch in the document "
                "lengths",
                pIdx->aSeg[s].aMap[KQI_F_DOCS].zPath);
    }
    if (rc == KQ_CORRUPT) {
        kqi_err(pzErr, rc, "%s", x->zErr ? x->zErr : "index damaged");
    }
    free(x->zErr);
    x->zErr = NULL;
    if (c) {
        c->xFree(c);
    }
    return rc;
}

static int search_by_date(kq_index *pIdx, const kq_query *q, int bDesc,
                          size_t nOffset, size_t nLimit, kq_hit **paHit,
                          size_t *pnHit, uint64_t *pnTotal, char **pzErr);

int
kq_search(kq_index *pIdx, const kq_query *q, size_t nOffset, size_t nLimit,
          kq_hit **paHit, size_t *pnHit, uint64_t *pnTotal, char **pzErr)
{
    return kq_search_ex(pIdx, q, 0, nOffset, nLimit, paHit, pnHit, pnTotal,
                        NULL, pzErr);
}

int
kq_search_ex(kq_index *pIdx, const kq_query *q, int flags, size_t nOffset,
             size_t nLimit, kq_hit **paHit, size_t *pnHit, uint64_t *pnTotal,
             int *pbExact, char **pzErr)
{
    *paHit = NULL;
    *pnHit = 0;
    *pnTotal = 0;
    if (pbExact) {
        *pbExact = 1;
    }
    if (pIdx->pX && !(flags & (KQ_SEARCH_DATE | KQ_SEARCH_DATE_DESC))) {
        return kqi_xsearch(pIdx->pX, q, nOffset, nLimit, paHit, pnHit, pnTotal,
                           pzErr);
    }
    if (flags & (KQ_SEARCH_DATE | KQ_SEARCH_DATE_DESC)) {
        return search_by_date(pIdx, q, (flags & KQ_SEARCH_DATE_DESC) != 0,
                              nOffset, nLimit, paHit, pnHit, pnTotal, pzErr);
    }
    plan *pPlan = NULL;
    int rc = kqi_plan_make(pIdx, q->pRoot, &pPlan, pzErr);
    topk t = {0};
    if (nLimit > 0) {
        if (nOffset > SIZE_MAX / 2 || nLimit > SIZE_MAX / 2 - nOffset) {
            kqi_plan_free(pPlan);
            return KQ_MISUSE;
        }
        t.nMax = nOffset + nLimit;
        /* Never more than there are documents. */
        if (t.nMax > pIdx->stats.nDoc) {
            t.nMax = (size_t)pIdx->stats.nDoc;
        }
        t.a = malloc(sizeof(kq_hit) * (t.nMax ? t.nMax : 1));
        if (t.a == NULL) {
            rc = KQ_NOMEM;
        }
    }
    int bPrune = (flags & KQ_SEARCH_ESTIMATE) && t.nMax > 0;
    int bExact = 1;
    u64 nTotal = 0;
    for (u32 s = 0; rc == KQ_OK && s < pIdx->man.nSeg; s++) {
        ctx x = {&pIdx->aSeg[s],
                 s,
                 pIdx->pAnalyzer,
                 pIdx->stats.avgDoclen,
                 pIdx->man.nTitleWeight - 1,
                 KQ_OK,
                 NULL};
        cur *c = NULL;
        rc = kqi_cur_make(&x, pPlan, &c, pzErr);
        u32 iBase = pIdx->aSeg[s].iBase;
        if (rc == KQ_OK && bPrune && c->xSeek == kqi_or_seek &&
            ((orcur *)c)->n > 1) {
            bExact = 0;
            rc = run_maxscore((orcur *)c, &t, iBase, &nTotal);
        } else if (rc == KQ_OK && bPrune && single_term(c)) {
            bExact = 0;
            rc = run_blockmax_term(c, single_term(c), &t, iBase, &nTotal);
        } else if (rc == KQ_OK && bPrune && top_maybe(c)) {
            bExact = 0;
            rc = run_maybe(c, top_maybe(c), &t, iBase, &nTotal);
        } else if (rc == KQ_OK && bPrune && top_and(c)) {
            bExact = 0;
            rc = run_and(c, top_and(c), &t, iBase, &nTotal);
        } else if (rc == KQ_OK) {
            rc = run_exhaustive(c, &t, iBase, &nTotal);
        }
        rc = kqi_seg_finish(pIdx, s, &x, c, rc, pzErr);
    }
    kqi_plan_free(pPlan);
    if (rc) {
        free(t.a);
        return rc;
    }
    if (t.n > 0) {
        qsort(t.a, t.n, sizeof(kq_hit), cmp_hit);
    }
    *pnTotal = nTotal;
    if (pbExact) {
        *pbExact = bExact;
    }
    if (t.n > nOffset) {
        memmove(t.a, t.a + nOffset, sizeof(kq_hit) * (t.n - nOffset));
        *pnHit = t.n - nOffset;
        *paHit = t.a;
    } else {
        free(t.a);
    }
    return KQ_OK;
}

/**************************************************************************
** Every match (kq_search_each), and date order.
*/
/* kq_search_each(), counting the matches (match.c) if bOcc, else giving
** nOcc 0. */
static int
search_each(kq_index *pIdx, const kq_query *q, int bOcc, void *pCtx,
            kq_match_fn x, char **pzErr)
{
    plan *pPlan = NULL;
    kq_matcher *pM = NULL;
    int rc = kqi_plan_make(pIdx, q->pRoot, &pPlan, pzErr);
    if (rc == KQ_OK && bOcc) {
        rc = kq_matcher_new(pIdx, q, &pM, pzErr);
    }
    for (u32 s = 0; rc == KQ_OK && s < pIdx->man.nSeg; s++) {
        ctx cx = {&pIdx->aSeg[s],
                  s,
                  pIdx->pAnalyzer,
                  pIdx->stats.avgDoclen,
                  pIdx->man.nTitleWeight - 1,
                  KQ_OK,
                  NULL};
        cur *c = NULL;
        rc = kqi_cur_make(&cx, pPlan, &c, pzErr);
        u32 iBase = pIdx->aSeg[s].iBase;
        const u8 *aDel = pIdx->aSeg[s].aDel;
        if (rc == KQ_OK) {
            c->xSeek(c, 0);
            while (c->iDoc != KQ_DOCID_EOF && cx.rc == KQ_OK) {
                if (!kqi_is_deleted(aDel, c->iDoc)) {
                    double sc = c->xScore(c);
                    int bMatch;
                    const kq_match *aM;
                    size_t nM = 0;
                    if (pM) {
                        rc = kq_matcher_doc(pM, iBase + c->iDoc, &bMatch, &aM,
                                            &nM, pzErr);
                    }
                    u32 nOcc = nM > 0xffffffffu ? 0xffffffffu : (u32)nM;
                    if (rc || (cx.rc == KQ_OK && (rc = x(pCtx, iBase + c->iDoc,
                                                         sc, nOcc)) != 0)) {
                        break;
                    }
                }
                cur_next(c);
            }
            if (rc == KQ_OK) {
                rc = cx.rc;
            }
        }
        rc = kqi_seg_finish(pIdx, s, &cx, c, rc, pzErr);
    }
    kq_matcher_free(pM);
    kqi_plan_free(pPlan);
    return rc;
}

/* Xapian's matches come without their occurrences: a matcher counts them
** (kq_matcher_doc(), as kq's own index counts them), document by document
** in ascending order as the walk gives them. */
typedef struct xocc {
    kq_matcher *pM;
    void *pCtx;
    kq_match_fn x;
    char **pzErr;
} xocc;

static int
xocc_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    xocc *o = pCtx;
    int bMatch = 0;
    const kq_match *a;
    size_t n = 0;
    int rc = kq_matcher_doc(o->pM, iDoc, &bMatch, &a, &n, o->pzErr);
    (void)nOcc;
    if (rc) {
        return rc;
    }
    return o->x(o->pCtx, iDoc, score,
                (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n));
}

int
kq_search_each(kq_index *pIdx, const kq_query *q, void *pCtx, kq_match_fn x,
               char **pzErr)
{
    if (pIdx->pX) {
        xocc o = {NULL, pCtx, x, pzErr};
        int rc = kq_matcher_new(pIdx, q, &o.pM, pzErr);
        if (rc == KQ_OK) {
            rc = kqi_xsearch_each(pIdx->pX, q, &o, xocc_cb, pzErr);
        }
        kq_matcher_free(o.pM);
        return rc;
    }
    return search_each(pIdx, q, 1, pCtx, x, pzErr);
}

/* A document's date as a sortable number: YYYYMMDD, a month or year alone
** sorting before its days (YYYYMM00, YYYY0000); -1 without a date. */
static long
date_key(const char *z, size_t n)
{
    if (!kq_date_valid(z, n)) {
        return -1;
    }
    long y = 0, m = 0, d = 0;
    for (int i = 0; i < 4; i++) {
        y = y * 10 + (z[i] - '0');
    }
    if (n >= 7 && z[4] == '-') {
        m = (z[5] - '0') * 10 + (z[6] - '0');
        if (n >= 10 && z[7] == '-') {
            d = (z[8] - '0') * 10 + (z[9] - '0');
        }
    }
    return y * 10000 + m * 100 + d;
}

typedef struct dhit {
    kq_hit h;
    long key;
    u64 tie; /* among equal dates: the docid (Xapian: kqi_xdoc_date()) */
} dhit;

typedef struct dcollect {
    kq_index *pIdx;
    dhit *a;
    size_t n, nAlloc;
    char **pzErr;
} dcollect;

static int
dcollect_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    dcollect *d = pCtx;
    if (kq_grow(&d->a, sizeof(dhit), &d->nAlloc, d->n + 1, 256)) {
        return KQ_NOMEM;
    }
    dhit *h = &d->a[d->n];
    h->h.iDoc = iDoc;
    h->h.score = score;
    h->tie = iDoc;
    if (d->pIdx->pX) {
        char *z = NULL;
        size_t n = 0;
        int rc = kqi_xdoc_date(d->pIdx->pX, iDoc, &z, &n, &h->tie, d->pzErr);
        if (rc) {
            return rc;
        }
        h->key = date_key(z, n);
        free(z);
    } else {
        kqi_docrec info;
        int rc = kqi_index_docrec(d->pIdx, iDoc, &info, d->pzErr);
        if (rc) {
            return rc;
        }
        h->key = date_key(info.zDate, info.nDate);
    }
    d->n++;
    return 0;
}

static int
cmp_date_asc(const void *a, const void *b)
{
    const dhit *x = a, *y = b;
    /* Undated last, then by date, then by docid (dhit.tie). */
    if ((x->key < 0) != (y->key < 0)) {
        return x->key < 0 ? 1 : -1;
    }
    if (x->key != y->key) {
        return x->key < y->key ? -1 : 1;
    }
    return x->tie < y->tie ? -1 : (x->tie > y->tie);
}

static int
cmp_date_desc(const void *a, const void *b)
{
    const dhit *x = a, *y = b;
    if ((x->key < 0) != (y->key < 0)) {
        return x->key < 0 ? 1 : -1;
    }
    if (x->key != y->key) {
        return x->key > y->key ? -1 : 1;
    }
    return x->tie < y->tie ? -1 : (x->tie > y->tie);
}

/* kq_search_ex() in date order: every match is collected with its date
** (8 + 16 bytes a match), sorted, and the page cut out. */
static int
search_by_date(kq_index *pIdx, const kq_query *q, int bDesc, size_t nOffset,
               size_t nLimit, kq_hit **paHit, size_t *pnHit, uint64_t *pnTotal,
               char **pzErr)
{
    dcollect d = {pIdx, NULL, 0, 0, pzErr};
    int rc = pIdx->pX ? kqi_xsearch_each(pIdx->pX, q, &d, dcollect_cb, pzErr)
                      : search_each(pIdx, q, 0, &d, dcollect_cb, pzErr);
    if (rc) {
        free(d.a);
        return rc;
    }
    if (d.n > 1) {
        qsort(d.a, d.n, sizeof(dhit), bDesc ? cmp_date_desc : cmp_date_asc);
    }
    *pnTotal = d.n;
    size_t n = nOffset < d.n ? d.n - nOffset : 0;
    if (n > nLimit) {
        n = nLimit;
    }
    if (n > 0) {
        kq_hit *a = malloc(sizeof(kq_hit) * n);
        if (a == NULL) {
            free(d.a);
            return KQ_NOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            a[i] = d.a[nOffset + i].h;
        }
        *paHit = a;
        *pnHit = n;
    }
    free(d.a);
    return KQ_OK;
}
