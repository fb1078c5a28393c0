/*
** search.c -- evaluating a parsed query over an index: BM25 ranking, top-k
** and exact counts.
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
**   empty, all   no document, every document (for a query that is only
**            NOT ...)
**
** Ranking statistics (N, df, average length) are those of the whole index,
** so a document's score does not depend on how the index is segmented.
** Scores of the terms matching in a document add up; a phrase or a prefix
** scores as the sum of its terms.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>

/**************************************************************************
** Cursors.
*/
typedef struct ctx ctx;
typedef struct cur cur;
struct cur {
    u32 iDoc;
    int bStarted; /* iDoc is valid (the first seek happened) */
    int (*xSeek)(cur *, u32);
    double (*xScore)(cur *);
    void (*xFree)(cur *);
    /* Upper bounds of xScore (for pruning, see run_maxscore()): over the
    ** whole cursor, and over the documents from t to the end of the block
    ** holding t (a term's block maximum; others give their whole bound). */
    double (*xMax)(cur *);
    double (*xBlockMax)(cur *, u32 t);
    /* A term's occurrences (tf) at iDoc, for body: and kq_explain; 0 for
    ** the other cursors (matches are counted by match.c). */
    u32 (*xOcc)(cur *);
    ctx *pCtx;
};

struct ctx {
    kqi_segment *pSeg;
    u32 iSeg;        /* its number in the index */
    kq_analyzer *pA; /* the index's (=word checks the text) */
    double avgdl;    /* of the BM25F lengths (kq_int.h) */
    u32 nTitleW1;    /* the index's title weight, less one */
    int rc;          /* first error met while evaluating */
    char *zErr;
};

/* Bounds are computed with another summation order than the scores they
** bound: a little slack keeps them bounds. */
#define BOUND_SLACK (1.0 + 1e-9)

static double
generic_block_max(cur *c, u32 t)
{
    KQ_UNUSED(t);
    return c->xMax(c);
}

static int
cur_next(cur *c)
{
    if (c->iDoc == KQ_DOCID_EOF) {
        return KQ_DONE;
    }
    return c->xSeek(c, c->iDoc + 1);
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

/* term ------------------------------------------------------------------ */
typedef struct pterm pterm;
typedef struct termcur {
    cur base;
    kqi_plc *pPlc;
    const pterm *pTerm; /* its plan entry (kq_explain) */
    double idf;
    /* BM25F: the term's title term T + term (NULL: the term is in no title
    ** of the segment, or the index has no title weight), whose frequency
    ** counts nTitleW1 more times; titleMax its largest. */
    kqi_plc *pTitle;
    u32 nTitleW1;
    u32 titleMax;
    double max; /* bound over the list */
    int bStarted;
    int bTitleStarted;
    /* The last block-max lookup: block iBm (-1: none) ends at docid bmEnd
    ** and bounds scores by bmVal.  Targets only grow, so a lookup is
    ** mostly this comparison. */
    int iBm;
    u32 bmEnd, bmPrevEnd; /* (bmPrevEnd: the block before ends there) */
    double bmVal;
} termcur;

static int
term_seek(cur *c, u32 t)
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
            x->zErr = kqi_mprintf("%s: %s", x->pSeg->aMap[KQI_F_POST].zPath,
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
        x->zErr = kqi_mprintf("%s: %s", x->pSeg->aMap[KQI_F_POST].zPath,
                              kqi_plc_errmsg(pPlc));
    }
    cur_fail(c, KQ_CORRUPT);
    return 0;
}

/* Occurrences of the term in the title of the cursor's document: its
** title term's frequency there.  Scores are asked for in docid order, so
** the title cursor only moves forward.  (u32)-1 if the list is damaged. */
static u32
term_title_tf(termcur *p)
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
        u32 tfTitle = term_title_tf(p);
        if (tfTitle == (u32)-1) {
            return term_damaged(c, p->pTitle);
        }
        /* (A title occurrence is one of the tf: a sound list has
        ** tfTitle <= tf, which bounds the sum.) */
        tf += p->nTitleW1 * (tfTitle < tf ? tfTitle : tf);
    }
    return kqi_bm25(p->idf, tf, kqi_docs_len(&c->pCtx->pSeg->docs, c->iDoc),
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

static double
term_max(cur *c)
{
    return ((termcur *)c)->max;
}

static u32
term_occ(cur *c)
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
static void
term_bm_at(termcur *p, u32 t)
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
    u32 maxTf, minLen, last;
    kqi_plc_block_max(p->pPlc, b, &maxTf, &minLen, &last);
    p->bmEnd = last;
    p->bmVal = kqi_bm25(p->idf, term_tf_bound(p, maxTf), minLen,
                        p->base.pCtx->avgdl) *
               BOUND_SLACK;
    p->bmPrevEnd = 0;
    if (b > 0) {
        kqi_plc_block_max(p->pPlc, b - 1, &maxTf, &minLen, &last);
        p->bmPrevEnd = last;
    }
}

static double
term_block_max(cur *c, u32 t)
{
    termcur *p = (termcur *)c;
    term_bm_at(p, t);
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

/* An OR's children (or_*() below; a phrase reads an expanding word's). */
typedef struct orcur {
    cur base;
    cur **a;
    int n;
    int *aHeap; /* n >= OR_HEAP_MIN: the children by iDoc, a
                ** min-heap (or_seek()); NULL before the first seek */
} orcur;

/* and / phrase ----------------------------------------------------------- */
typedef struct andcur {
    cur base;
    cur **aPos; /* children that must match */
    int nPos;
    int bTerm2; /* exactly two, both terms: kqi_plc_intersect() */
    cur **aNeg; /* children that must not match */
    int nNeg;
    u32 *aOffset;    /* phrase: position offset of each child; else NULL */
    struct slotbuf { /* phrase: an expanding child's merged positions */
        u32 *a;
        u32 nAlloc;
    } * aSlot;    /* one per child, NULL when all are terms */
    u32 nWindow;  /* NEAR/ADJ: the children's positions at most this
                  ** far apart (0: not a NEAR) */
    int bOrdered; /* ADJ: in the children's order */
} andcur;

static int near_match(andcur *p, int *pbMatch);
static const char *pterm_name(const pterm *t);

static int phrase_match(andcur *p, u32 iDoc, int *pbMatch);

static int
and_seek(cur *c, u32 t)
{
    andcur *p = (andcur *)c;
    SEEK_GUARD(c, t);
    for (;;) {
        if (t == KQ_DOCID_EOF) {
            c->iDoc = KQ_DOCID_EOF;
            return KQ_DONE;
        }
        int bAgree = 1;
        if (p->bTerm2) {
            termcur *x = (termcur *)p->aPos[0], *y = (termcur *)p->aPos[1];
            x->bStarted = y->bStarted = 1;
            x->base.bStarted = y->base.bStarted = 1;
            int rc = kqi_plc_intersect(x->pPlc, y->pPlc, t);
            x->base.iDoc = kqi_plc_docid(x->pPlc);
            y->base.iDoc = kqi_plc_docid(y->pPlc);
            if (rc == KQ_CORRUPT) {
                termcur *z = x->base.iDoc == KQ_DOCID_EOF ? x : y;
                ctx *cx = c->pCtx;
                if (cx->zErr == NULL) {
                    cx->zErr = kqi_mprintf("%s: %s",
                                           cx->pSeg->aMap[KQI_F_POST].zPath,
                                           kqi_plc_errmsg(z->pPlc));
                }
                return cur_fail(c, rc);
            }
            if (rc) {
                c->iDoc = KQ_DOCID_EOF;
                return KQ_DONE;
            }
            t = x->base.iDoc;
        }
        for (int i = 0; !p->bTerm2 && i < p->nPos; i++) {
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
        if (p->aOffset) {
            int rc = phrase_match(p, t, &bMatch);
            if (rc) {
                return cur_fail(c, rc);
            }
        } else if (p->nWindow) {
            int rc = near_match(p, &bMatch);
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
    free(p->aPos);
    free(p->aNeg);
    free(p->aOffset);
    free(p);
}

/* The positions of term cursor t; damage is reported naming .pos. */
static int
term_positions(termcur *t, const u32 **paPos, u32 *pnPos)
{
    int rc = kqi_plc_positions(t->pPlc, paPos, pnPos);
    ctx *x = t->base.pCtx;
    if (rc == KQ_CORRUPT && x->zErr == NULL) {
        x->zErr = kqi_mprintf("%s: %s", x->pSeg->aMap[KQI_F_POS].zPath,
                              kqi_plc_errmsg(t->pPlc));
    }
    return rc;
}

static int or_seek(cur *c, u32 t);
static int
cmp_u32(const void *a, const void *b)
{
    u32 x = *(const u32 *)a, y = *(const u32 *)b;
    return x < y ? -1 : x > y;
}

/* The positions at iDoc of phrase child i: a term's, or for an expanding
** word ("oil pric*": an OR of terms, cur_make()) the merged positions of
** its terms in the document, in p->aSlot[i]. */
static int
slot_positions(andcur *p, int i, u32 iDoc, const u32 **paPos, u32 *pnPos)
{
    cur *c = p->aPos[i];
    if (c->xSeek == term_seek) {
        return term_positions((termcur *)c, paPos, pnPos);
    }
    orcur *o = (orcur *)c;
    struct slotbuf *sb = &p->aSlot[i];
    u32 n = 0;
    for (int k = 0; k < o->n; k++) {
        const u32 *a;
        u32 m;
        if (o->a[k]->iDoc != iDoc || o->a[k]->xSeek != term_seek) {
            continue;
        }
        int rc = term_positions((termcur *)o->a[k], &a, &m);
        if (rc) {
            return rc;
        }
        if ((u64)n + m > sb->nAlloc) {
            u64 nNew = ((u64)n + m) * 2;
            u32 *aNew = nNew > 0xffffffffu / sizeof(u32)
                            ? NULL
                            : realloc(sb->a, sizeof(u32) * (size_t)nNew);
            if (aNew == NULL) {
                return KQ_NOMEM;
            }
            sb->a = aNew;
            sb->nAlloc = (u32)nNew;
        }
        memcpy(sb->a + n, a, sizeof(u32) * m);
        n += m;
    }
    if (n > 1) {
        qsort(sb->a, n, sizeof(u32), cmp_u32);
        u32 j = 1;
        for (u32 k = 1; k < n; k++) {
            if (sb->a[k] != sb->a[j - 1]) {
                sb->a[j++] = sb->a[k];
            }
        }
        n = j;
    }
    *paPos = sb->a;
    *pnPos = n;
    return KQ_OK;
}

/* Is there a base position b with child i at b + aOffset[i] for every i? */
static int
phrase_match(andcur *p, u32 iDoc, int *pbMatch)
{
    const u32 *a0;
    u32 n0;
    *pbMatch = 0;
    int rc = slot_positions(p, 0, iDoc, &a0, &n0);
    if (rc) {
        return rc;
    }
    /* Lists of the other children, walked forward in step: on the stack
    ** for up to NSTACK words, else allocated (a phrase has at most
    ** KQ_MAX_QUERY_TERMS words; every one is checked). */
    enum { NSTACK = 64 };
    const u32 *aaStack[NSTACK];
    u32 anStack[NSTACK], aiStack[NSTACK];
    const u32 **aa = aaStack;
    u32 *an = anStack, *ai = aiStack;
    int n = p->nPos;
    if (n > NSTACK) {
        aa = malloc(sizeof(*aa) * (size_t)n);
        an = malloc(sizeof(u32) * 2 * (size_t)n);
        ai = an ? an + n : NULL;
        if (aa == NULL || an == NULL) {
            free((void *)aa);
            free(an);
            return KQ_NOMEM;
        }
    }
    for (int i = 1; rc == KQ_OK && i < n; i++) {
        rc = slot_positions(p, i, iDoc, &aa[i], &an[i]);
        ai[i] = 0;
    }
    for (u32 k = 0; rc == KQ_OK && k < n0; k++) {
        if (a0[k] < p->aOffset[0]) {
            continue;
        }
        u64 base = (u64)a0[k] - p->aOffset[0];
        int bAll = 1, bEnd = 0;
        for (int i = 1; i < n && bAll; i++) {
            u64 want = base + p->aOffset[i];
            while (ai[i] < an[i] && aa[i][ai[i]] < want) {
                ai[i]++;
            }
            if (ai[i] >= an[i]) {
                bEnd = 1; /* this child has no later positions */
                break;
            }
            bAll = (aa[i][ai[i]] == want);
        }
        if (bEnd) {
            break;
        }
        if (bAll) {
            *pbMatch = 1;
            break;
        }
    }
    if (aa != aaStack) {
        free((void *)aa);
        free(an);
    }
    return rc;
}

/* NEAR/n (bOrdered 0): positions of all children within a window of
** nWindow + k - 1 positions (k children), so two words at most nWindow
** apart, in any order.  ADJ/n: the same in the children's order.  (Xapian's
** OP_NEAR and OP_PHRASE with a window, as its QueryParser builds them.)
** Unordered: a sliding window over the children's merged positions that
** holds each child once; ordered: from each position of the first child,
** the earliest chain of the next children. */
static int
near_match(andcur *p, int *pbMatch)
{
    enum { MAXN = KQ_MAX_NEAR_WORDS }; /* the parser's check */
    _Static_assert(MAXN <= 256, "a group number is packed in 8 bits (aM)");
    const u32 *aa[MAXN];
    u32 an[MAXN], ai[MAXN];
    int n = p->nPos < MAXN ? p->nPos : MAXN;
    *pbMatch = 0;
    for (int i = 0; i < n; i++) {
        int rc = term_positions((termcur *)p->aPos[i], &aa[i], &an[i]);
        if (rc) {
            return rc;
        }
        if (an[i] == 0) {
            return KQ_OK;
        }
        ai[i] = 0;
    }
    u64 span = (u64)p->nWindow + (u64)n - 1; /* window size */
    if (p->bOrdered) {
        for (u32 k = 0; k < an[0]; k++) {
            u64 first = aa[0][k], prev = first;
            int bOk = 1;
            for (int i = 1; i < n && bOk; i++) {
                while (ai[i] < an[i] && aa[i][ai[i]] <= prev) {
                    ai[i]++;
                }
                if (ai[i] >= an[i]) {
                    return KQ_OK; /* no later position: none will do */
                }
                prev = aa[i][ai[i]];
                bOk = prev - first < span;
            }
            if (bOk) {
                *pbMatch = 1;
                return KQ_OK;
            }
        }
        return KQ_OK;
    }
    /* Unordered: the same word may be asked for twice (a NEAR b NEAR a),
    ** and then needs two positions.  So the children are grouped by term,
    ** each group needing as many distinct positions as it has children,
    ** and a window slides over the groups' merged positions: the smallest
    ** window holding enough of each group, checked against the span. */
    int aGroup[MAXN], aNeed[MAXN], nGroup = 0;
    for (int i = 0; i < n; i++) {
        const pterm *ti = ((termcur *)p->aPos[i])->pTerm;
        int g = 0;
        while (g < nGroup && ((termcur *)p->aPos[aGroup[g]])->pTerm != ti &&
               strcmp(pterm_name(((termcur *)p->aPos[aGroup[g]])->pTerm),
                      pterm_name(ti)) != 0) {
            g++;
        }
        if (g == nGroup) {
            aGroup[nGroup] = i;
            aNeed[nGroup++] = 0;
        }
        aNeed[g]++;
    }
    /* Merge the groups' lists (one list per group: its first child's). */
    size_t nAll = 0;
    for (int g = 0; g < nGroup; g++) {
        nAll += an[aGroup[g]];
    }
    enum { NSTACK = 512 };
    u64 aStack[NSTACK];
    u64 *aM = nAll <= NSTACK ? aStack : malloc(sizeof(u64) * nAll);
    if (aM == NULL) {
        return KQ_NOMEM;
    }
    u32 aAt[MAXN] = {0};
    for (size_t k = 0; k < nAll; k++) {
        int gMin = -1;
        for (int g = 0; g < nGroup; g++) {
            int c = aGroup[g];
            if (aAt[g] < an[c] &&
                (gMin < 0 || aa[c][aAt[g]] < aa[aGroup[gMin]][aAt[gMin]])) {
                gMin = g;
            }
        }
        aM[k] = (u64)aa[aGroup[gMin]][aAt[gMin]++] << 8 | (u64)gMin;
    }
    int aHave[MAXN] = {0}, nShort = nGroup;
    size_t lo = 0;
    for (size_t hi = 0; hi < nAll && !*pbMatch; hi++) {
        int g = (int)(aM[hi] & 0xff);
        if (++aHave[g] == aNeed[g]) {
            nShort--;
        }
        while (nShort == 0) {
            if ((aM[hi] >> 8) - (aM[lo] >> 8) < span) {
                *pbMatch = 1;
                break;
            }
            int gl = (int)(aM[lo] & 0xff);
            if (aHave[gl]-- == aNeed[gl]) {
                nShort++;
            }
            lo++;
        }
    }
    if (aM != aStack) {
        free(aM);
    }
    return KQ_OK;
}

/* filter: a child's documents, scoring nothing (fields, dates) ---------- */
typedef struct wrapcur {
    cur base;
    cur *c;
    double w; /* boost: the factor */
} wrapcur;

static int
wrap_seek(cur *c, u32 t)
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
static double
boost_score(cur *c)
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

/* A child's documents that pass a check: body:word and =word. ---------- */
typedef struct checkcur checkcur;
struct checkcur {
    wrapcur w; /* w.c: the child, which scores */
    int (*xCheck)(checkcur *, u32 iDoc, int *pbMatch);
};

static int
check_seek(cur *c, u32 t)
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
        kq_docinfo info;
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

/* An OR of this many children or more (a wide prefix, pattern or fuzzy
** word: *ation is hundreds of terms) keeps them in a heap, so that moving
** on costs the children that move, not a look at every child. */
#define OR_HEAP_MIN 16

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

/* or_seek() over the heap: the children below t are moved on, from the
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

static int
or_seek(cur *c, u32 t)
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

static double
or_score(cur *c)
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
** Plans: the parsed query with each term's index-wide statistics, and
** prefixes expanded to the terms they match in any segment.
*/
struct pterm {
    char *z;
    size_t n;
    const kqi_qnode *pQ; /* the query's word it comes from (kq_explain) */
    double idf;
    u64 df;             /* index-wide */
    kqi_termloc *aLoc;  /* per segment; df == 0 where it is missing */
    kqi_termloc *aTLoc; /* its title term's, for BM25F (NULL: none) */
};

static const char *
pterm_name(const pterm *t)
{
    return t->z;
}

/* Plan node types: the query's (kqi_qtype), and three of the plan's own
** that fields and boosts are lowered to. */
enum {
    P_FILTER = 100, /* aChild[0]'s documents, scoring 0 */
    P_BOOST,        /* aChild[0], its score times boost */
    P_BODY          /* body:word: aChild[0] the term, aChild[1] T+term */
};

typedef struct plan plan;
struct plan {
    int eType;   /* kqi_qtype or P_* */
    pterm term;  /* TERM, EXACT (the stem) */
    pterm *aExp; /* PREFIX: its expansions (DATE: its terms) */
    int nExp;
    u32 iOffset;
    plan **aChild;
    int nChild;
    double boost;        /* P_BOOST */
    const kqi_qnode *pQ; /* the query node it comes from */
    u32 nWindow;         /* NEAR */
    int bOrdered;
    kq_docid iDoc; /* ID: the document, or KQ_DOCID_EOF */
};

static void
plan_free(plan *p)
{
    if (p) {
        for (int i = 0; i < p->nChild; i++) {
            plan_free(p->aChild[i]);
        }
        for (int i = 0; i < p->nExp; i++) {
            free(p->aExp[i].z);
            free(p->aExp[i].aLoc);
            free(p->aExp[i].aTLoc);
        }
        free(p->aExp);
        free(p->aChild);
        free(p->term.z);
        free(p->term.aLoc);
        free(p->term.aTLoc);
        free(p);
    }
}

/* BM25F: where a text term is in titles, its title term T + term
** (t->aTLoc) counts the title occurrences.  After term_lookup() set
** t->aLoc and t->df. */
static int
term_lookup_title(kq_index *pIdx, pterm *t, char **pzErr)
{
    t->aTLoc = NULL;
    if (pIdx->man.nTitleWeight <= 1 || t->df == 0 ||
        KQI_IS_FIELD_TERM(t->z, t->n) || t->n + 1 > KQI_MAX_KEY) {
        return KQ_OK;
    }
    char aKey[KQI_MAX_KEY];
    aKey[0] = KQI_PFX_TITLE;
    memcpy(aKey + 1, t->z, t->n);
    t->aTLoc = calloc(pIdx->man.nSeg, sizeof(kqi_termloc));
    if (t->aTLoc == NULL) {
        return KQ_NOMEM;
    }
    for (u32 s = 0; s < pIdx->man.nSeg; s++) {
        if (t->aLoc[s].df == 0) {
            continue;
        }
        int rc = kqi_dict_lookup(&pIdx->aSeg[s].dict, aKey, t->n + 1,
                                 &t->aTLoc[s], pzErr);
        if (rc == KQ_NOTFOUND) {
            memset(&t->aTLoc[s], 0, sizeof(kqi_termloc));
        } else if (rc) {
            return rc;
        }
    }
    return KQ_OK;
}

/* Look the term up in every segment (t->aLoc) and weigh it by its
** index-wide document frequency. */
static int
term_lookup(kq_index *pIdx, pterm *t, char **pzErr)
{
    u64 df = 0;
    t->aLoc = calloc(pIdx->man.nSeg ? pIdx->man.nSeg : 1, sizeof(kqi_termloc));
    if (t->aLoc == NULL) {
        return KQ_NOMEM;
    }
    for (u32 s = 0; s < pIdx->man.nSeg; s++) {
        int rc = kqi_dict_lookup(&pIdx->aSeg[s].dict, t->z, t->n, &t->aLoc[s],
                                 pzErr);
        if (rc == KQ_OK) {
            df += t->aLoc[s].df;
        } else if (rc == KQ_NOTFOUND) {
            memset(&t->aLoc[s], 0, sizeof(kqi_termloc));
        } else {
            return rc;
        }
    }
    t->idf = kqi_bm25_idf(pIdx->stats.nDoc, df);
    t->df = df;
    return term_lookup_title(pIdx, t, pzErr);
}

/* The expansion limits of one query being planned (kq.h): of one prefix,
** and what is left of the query's total. */
typedef struct expbudget {
    u32 nMax;  /* kqi_max_expansion() */
    u32 nLeft; /* of KQ_MAX_QUERY_EXPANSION */
} expbudget;

static void
budget_init(expbudget *b, const kq_index *pIdx)
{
    b->nMax = kqi_max_expansion(pIdx);
    b->nLeft = KQ_MAX_QUERY_EXPANSION;
}

u32
kqi_max_expansion(const kq_index *pIdx)
{
    return pIdx->nMaxExpansion ? pIdx->nMaxExpansion
                               : KQ_DEFAULT_MAX_EXPANSION;
}

int
kq_index_set_max_expansion(kq_index *p, uint32_t n)
{
    if (n < 1 || n > KQ_MAX_QUERY_EXPANSION) {
        return KQ_MISUSE;
    }
    p->nMaxExpansion = n;
    return KQ_OK;
}

static int
cmp_pterm(const void *a, const void *b)
{
    const pterm *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->z, y->z, n);
    return c ? c : (x->n < y->n ? -1 : (x->n > y->n));
}

static void exp_dedup(plan *p);

/* Collect term z[0..n) into p->aExp.  The same term comes from several
** segments and several words share a stem, so what is collected is
** de-duplicated whenever it reaches twice nKeep, and more than nKeep
** distinct terms end the walk (1; the caller reports it): memory stays
** within 2 nKeep terms whatever the dictionary holds. */
static int
add_expansion(plan *p, size_t *pnAlloc, u32 nKeep, const char *z, size_t n)
{
    if ((u32)p->nExp >= 2 * (u64)nKeep + 1) {
        exp_dedup(p);
        if ((u32)p->nExp > nKeep) {
            return 1;
        }
    }
    if (kqi_grow(&p->aExp, sizeof(pterm), pnAlloc, (size_t)p->nExp + 1, 16)) {
        return KQ_NOMEM;
    }
    pterm *t = &p->aExp[p->nExp];
    t->z = malloc(n + 1);
    if (t->z == NULL) {
        return KQ_NOMEM;
    }
    memcpy(t->z, z, n);
    t->z[n] = 0;
    t->n = n;
    t->idf = 0;
    t->aLoc = NULL;
    t->aTLoc = NULL;
    t->pQ = NULL;
    p->nExp++;
    return KQ_OK;
}

/* Sort the collected expansions of p and drop the duplicates (a term of
** several segments, the stem of several words). */
static void
exp_dedup(plan *p)
{
    if (p->nExp > 1) {
        qsort(p->aExp, (size_t)p->nExp, sizeof(pterm), cmp_pterm);
    }
    int j = 0;
    for (int i = 0; i < p->nExp; i++) {
        if (j > 0 && cmp_pterm(&p->aExp[j - 1], &p->aExp[i]) == 0) {
            free(p->aExp[i].z);
        } else {
            p->aExp[j++] = p->aExp[i];
        }
    }
    p->nExp = j;
}

/* The one check of the expansion limits (kq.h): zWhat (an expanding word,
** "the prefix pre*" as kqi_pat_name() says it, or a date range) expanded
** to nExp distinct terms, or to more than any limit if bOver; an
** expanding word (bPrefix) may have nMax of them, and the query's
** expansions together KQ_MAX_QUERY_EXPANSION. */
int
kqi_exp_check(u32 nMax, u32 *pnLeft, u32 nExp, int bPrefix, int bOver,
              const char *zWhat, char **pzErr)
{
    /* (Over: the walk stopped at the smaller limit.) */
    if (bPrefix && (bOver ? nMax <= *pnLeft : nExp > nMax)) {
        return kqi_err(pzErr, KQ_SYNTAX,
                       "%s matches more than %u words (the "
                       "limit; use a longer prefix, or raise it with "
                       "--max-expansion N)",
                       zWhat, nMax);
    }
    if (bOver || nExp > *pnLeft) {
        return kqi_err(pzErr, KQ_SYNTAX,
                       "the query's prefixes, patterns, "
                       "fuzzy words and date ranges match more than %d terms "
                       "in all (at %s)",
                       KQ_MAX_QUERY_EXPANSION, zWhat);
    }
    *pnLeft -= nExp;
    return KQ_OK;
}

static int
exp_check(plan *p, expbudget *b, int bPrefix, int bOver, const char *zWhat,
          char **pzErr)
{
    return kqi_exp_check(b->nMax, &b->nLeft, (u32)p->nExp, bPrefix, bOver,
                         zWhat, pzErr);
}

/* The collected expansions of p, de-duplicated, each looked up and
** weighed. */
static int
exp_finish(kq_index *pIdx, plan *p, char **pzErr)
{
    exp_dedup(p);
    for (int i = 0; i < p->nExp; i++) {
        int rc = term_lookup(pIdx, &p->aExp[i], pzErr);
        if (rc) {
            return rc;
        }
    }
    return KQ_OK;
}

/**************************************************************************
** Expansion: the one step every expanding word (PREFIX, WILD, FUZZY, in
** any field) goes through, in the plan and in kqi_leaf_terms(), under the
** limits of kq.h.  Walks are dictionary range scans: a word's letters
** before its first wildcard bound the range (oil* and n*t?ation read only
** the keys starting with "oil" and "n"); a leading * or a fuzzy word
** filters the whole vocabulary, each key tested by pattern.c's matcher
** (fuzzy first by length in characters).
*/

/* A walk over the keys of every segment from zFrom[0..nFrom) while they
** start with it; x(pCtx, key, stem) for each (stem NULL but for
** vocabulary entries).  x returns KQ_OK, 1 to stop the walk, or an
** error. */
static int
walk_keys(kq_index *pIdx, const char *zFrom, size_t nFrom, void *pCtx,
          int (*x)(void *, const kqi_dictit *), char **pzErr)
{
    for (u32 s = 0; s < pIdx->man.nSeg; s++) {
        kqi_dictit it;
        int rc = kqi_dictit_start(&it, &pIdx->aSeg[s].dict, zFrom, nFrom,
                                  pzErr);
        while (rc == KQ_OK && (rc = kqi_dictit_next(&it, pzErr)) == KQ_OK) {
            if (it.nTerm < nFrom || memcmp(it.aTerm, zFrom, nFrom) != 0) {
                break;
            }
            rc = x(pCtx, &it);
        }
        if (rc != KQ_OK && rc != KQ_DONE) {
            return rc;
        }
    }
    return KQ_OK;
}

/* One expansion being collected. */
typedef struct expwalk {
    kq_index *pIdx;
    plan *p;
    kqi_pat pat;
    size_t nAlloc; /* of p->aExp */
    u32 nKeep;     /* more distinct terms than this: over */
    int bOver;
    const char *zPfx; /* the field's dictionary prefix ("" for text) */
    size_t nPfx;
    int bTitle;   /* title: keep T + stem where the title has it */
    size_t nSkip; /* key bytes before the word (the vocabulary
                  ** mark, a field's prefix) */
    char **pzErr;
} expwalk;

/* Is key z[0..n) in the dictionary of some segment? */
static int
key_exists(kq_index *pIdx, const char *z, size_t n, int *pbYes, char **pzErr)
{
    *pbYes = 0;
    for (u32 s = 0; s < pIdx->man.nSeg && !*pbYes; s++) {
        kqi_termloc loc;
        int rc = kqi_dict_lookup(&pIdx->aSeg[s].dict, z, n, &loc, pzErr);
        if (rc == KQ_OK) {
            *pbYes = 1;
        } else if (rc != KQ_NOTFOUND) {
            return rc;
        }
    }
    return KQ_OK;
}

/* Collect term z[0..n) (a stem of the text, or a field's key): for title:
** T + the stem, if the title has it. */
static int
exp_collect(expwalk *w, const char *z, size_t n)
{
    char aKey[KQI_MAX_KEY + 1];
    if (w->bTitle) {
        if (n + 1 > KQI_MAX_KEY) {
            return KQ_OK;
        }
        aKey[0] = KQI_PFX_TITLE;
        memcpy(aKey + 1, z, n);
        int bYes;
        int rc = key_exists(w->pIdx, aKey, n + 1, &bYes, w->pzErr);
        if (rc || !bYes) {
            return rc;
        }
        z = aKey;
        n++;
    }
    int rc = add_expansion(w->p, &w->nAlloc, w->nKeep, z, n);
    if (rc == 1) {
        w->bOver = 1;
    }
    return rc;
}

/* A text term (a word that is its own stem, a stem, a word of another
** language), or a field's key. */
static int
exp_key_cb(void *pCtx, const kqi_dictit *it)
{
    expwalk *w = pCtx;
    const char *z = it->aTerm + w->nSkip;
    size_t n = it->nTerm - w->nSkip;
    if (w->nSkip == 0 && KQI_IS_FIELD_TERM(it->aTerm, it->nTerm)) {
        return KQ_OK;
    }
    if (!kqi_pat_match(&w->pat, z, n)) {
        return KQ_OK;
    }
    return w->nSkip ? exp_collect(w, it->aTerm, it->nTerm)
                    : exp_collect(w, z, n);
}

/* A vocabulary entry: the word fits, its stem is collected. */
static int
exp_word_cb(void *pCtx, const kqi_dictit *it)
{
    expwalk *w = pCtx;
    if (!kqi_pat_match(&w->pat, it->aTerm + 1, it->nTerm - 1)) {
        return KQ_OK;
    }
    return exp_collect(w, it->aStem, it->nStem);
}

/* Expand q (PREFIX, WILD, FUZZY) into p->aExp: the terms with zPfx in
** front (the field's dictionary prefix; "" for the text, whatever q's
** field).  The text's terms are the stems of the vocabulary words that
** fit, and the terms that fit themselves (words that are their own stem,
** words of documents in another language); for title: (zPfx "T") those
** the titles have.  In source: and extra fields (zPfx "S", "Xname:") the
** field's own terms (stems: those fields have no vocabulary).  At most
** b->nMax terms (b->nLeft for the query): KQ_SYNTAX past either. */
static int
expand_leaf(kq_index *pIdx, plan *p, const kqi_qnode *q, const char *zPfx,
            expbudget *b, char **pzErr)
{
    expwalk w;
    memset(&w, 0, sizeof(w));
    if (kqi_pat_of(q, &w.pat) != KQ_OK) {
        return KQ_MISUSE;
    }
    w.pIdx = pIdx;
    w.p = p;
    w.nKeep = b->nMax < b->nLeft ? b->nMax : b->nLeft;
    w.zPfx = zPfx;
    w.nPfx = strlen(zPfx);
    w.bTitle = w.nPfx == 1 && zPfx[0] == KQI_PFX_TITLE;
    w.pzErr = pzErr;
    char aKey[KQI_MAX_KEY + 2];
    int rc = KQ_OK;
    if (w.pat.nLit > KQI_MAX_TERM || w.nPfx > KQI_MAX_KEY - KQI_MAX_TERM) {
        /* No indexed word is that long (a field name that long is no
        ** field's). */
    } else if (w.nPfx && !w.bTitle) {
        memcpy(aKey, zPfx, w.nPfx);
        memcpy(aKey + w.nPfx, w.pat.zPat, w.pat.nLit);
        w.nSkip = w.nPfx;
        rc = walk_keys(pIdx, aKey, w.nPfx + w.pat.nLit, &w, exp_key_cb, pzErr);
    } else {
        /* A prefix also matches the text's terms that start with it (as
        ** it always has: the words of documents in another language,
        ** which the vocabulary leaves out).  Patterns and fuzzy words
        ** match the vocabulary's words only: a stem is no word ("galaxi",
        ** galaxy's, is two edits from "gadafi"). */
        if (w.pat.eKind == KQI_PAT_PREFIX) {
            rc = walk_keys(pIdx, w.pat.zPat, w.pat.nLit, &w, exp_key_cb,
                           pzErr);
        }
        aKey[0] = KQI_WORD_MARK;
        memcpy(aKey + 1, w.pat.zPat, w.pat.nLit);
        if (rc == KQ_OK) {
            rc = walk_keys(pIdx, aKey, w.pat.nLit + 1, &w, exp_word_cb, pzErr);
        }
    }
    if (rc == 1) {
        rc = KQ_OK; /* stopped: over the limit */
    }
    if (rc) {
        return rc;
    }
    exp_dedup(p);
    char *zWhat = kqi_pat_name(q);
    rc = zWhat ? exp_check(p, b, 1, w.bOver, zWhat, pzErr) : KQ_NOMEM;
    free(zWhat);
    return rc;
}

/* The live documents whose ids start with q->zTerm (id:PRE*): a scan of
** the document tables, every id counting against the expansion limits.
** Into p->aExp (z the id, the document in idf's place: see plan_ids()). */
static int
expand_ids(kq_index *pIdx, plan *p, const kqi_qnode *q, expbudget *b,
           u32 **paDoc, char **pzErr)
{
    u32 nKeep = b->nMax < b->nLeft ? b->nMax : b->nLeft;
    u32 *aDoc = NULL;
    size_t nAlloc = 0;
    int bOver = 0, rc = KQ_OK;
    for (u32 s = 0; rc == KQ_OK && !bOver && s < pIdx->man.nSeg; s++) {
        kqi_segment *pS = &pIdx->aSeg[s];
        for (u32 i = 0; rc == KQ_OK && i < pS->docs.nDoc; i++) {
            kq_docinfo info;
            if (kqi_is_deleted(pS->aDel, i)) {
                continue;
            }
            rc = kqi_docs_info(&pS->docs, i, &info, pzErr);
            if (rc || info.nId < q->nTerm ||
                memcmp(info.zId, q->zTerm, q->nTerm) != 0) {
                continue;
            }
            if ((u32)p->nExp >= nKeep) {
                bOver = 1;
                break;
            }
            size_t nOld = nAlloc;
            rc = add_expansion(p, &nAlloc, nKeep, info.zId, info.nId);
            if (rc == KQ_OK && nAlloc != nOld) {
                u32 *a = realloc(aDoc, sizeof(u32) * nAlloc);
                if (a == NULL) {
                    rc = KQ_NOMEM;
                    break;
                }
                aDoc = a;
            }
            if (rc == KQ_OK) {
                aDoc[p->nExp - 1] = pS->iBase + i;
            }
        }
    }
    *paDoc = aDoc;
    if (rc) {
        return rc;
    }
    char *zWhat = kqi_mprintf("the id prefix id:%.*s*", (int)q->nTerm,
                              q->zTerm);
    rc = zWhat ? exp_check(p, b, 1, bOver, zWhat, pzErr) : KQ_NOMEM;
    free(zWhat);
    return rc;
}

static plan *
plan_new(int eType, const kqi_qnode *q)
{
    plan *p = calloc(1, sizeof(*p));
    if (p) {
        p->eType = eType;
        p->pQ = q;
        p->iDoc = KQ_DOCID_EOF;
    }
    return p;
}

/* Append child c to p (freeing c on failure). */
static int
plan_add(plan *p, plan *c)
{
    if (c == NULL) {
        return KQ_NOMEM;
    }
    plan **a = realloc(p->aChild, sizeof(plan *) * (size_t)(p->nChild + 1));
    if (a == NULL) {
        plan_free(c);
        return KQ_NOMEM;
    }
    p->aChild = a;
    p->aChild[p->nChild++] = c;
    return KQ_OK;
}

/* A TERM plan for zPfx + z, looked up. */
static int
plan_term(kq_index *pIdx, const char *zPfx, const char *z, size_t n,
          u32 iOffset, const kqi_qnode *q, plan **ppOut, char **pzErr)
{
    size_t nPfx = zPfx ? strlen(zPfx) : 0;
    plan *p = plan_new(KQI_Q_TERM, q);
    *ppOut = p;
    if (p == NULL || (p->term.z = malloc(nPfx + n + 1)) == NULL) {
        return KQ_NOMEM;
    }
    if (nPfx) {
        memcpy(p->term.z, zPfx, nPfx);
    }
    memcpy(p->term.z + nPfx, z, n);
    p->term.z[nPfx + n] = 0;
    p->term.n = nPfx + n;
    p->term.pQ = q;
    p->iOffset = iOffset;
    return term_lookup(pIdx, &p->term, pzErr);
}

/* A one-child wrapper (P_FILTER, P_BOOST) around *ppChild, in place. */
static int
plan_wrap(int eType, plan **ppChild)
{
    plan *w = plan_new(eType, (*ppChild)->pQ);
    if (w == NULL) {
        return KQ_NOMEM;
    }
    w->boost = 1.0;
    int rc = plan_add(w, *ppChild);
    *ppChild = w;
    return rc;
}

/* The dictionary prefix of a field's terms ("" for none); NULL if it is an
** extra field this index does not have (the error is in *pzErr). */
static int
field_prefix(kq_index *pIdx, const kqi_qnode *q, char *aOut, size_t nOut,
             char **pzErr)
{
    int nPfx = kqi_field_prefix(q, aOut, nOut);
    switch (q->eField) {
    case KQI_FIELD_EXTRA: {
        /* Does any segment have a term of this field?  (A name too long
        ** for aOut is longer than any field's: none has.) */
        size_t n = nPfx < 0 ? nOut : (size_t)nPfx;
        for (u32 s = 0; n < nOut && s < pIdx->man.nSeg; s++) {
            kqi_dictit it;
            int rc = kqi_dictit_start(&it, &pIdx->aSeg[s].dict, aOut, n,
                                      pzErr);
            if (rc == KQ_OK) {
                rc = kqi_dictit_next(&it, pzErr);
            }
            if (rc == KQ_OK && it.nTerm >= n &&
                memcmp(it.aTerm, aOut, n) == 0) {
                return KQ_OK;
            }
            if (rc != KQ_OK && rc != KQ_DONE) {
                return rc;
            }
        }
        char **az = NULL;
        int nName = 0;
        kqi_buf b = {0};
        kqi_buf_append(&b, "title, body, source, date, id", 29);
        if (kq_index_fields(pIdx, &az, &nName, NULL) == KQ_OK) {
            for (int i = 0; i < nName; i++) {
                kqi_buf_append(&b, ", ", 2);
                kqi_buf_append(&b, az[i], strlen(az[i]));
                free(az[i]);
            }
            free(az);
        }
        kqi_buf_putc(&b, 0);
        kqi_err(pzErr, KQ_SYNTAX, "unknown field '%s' (this index has: %s)",
                q->zField, b.rc ? "?" : (char *)b.a);
        kqi_buf_free(&b);
        return KQ_SYNTAX;
    }
    default: return KQ_OK;
    }
}

/* PREFIX, WILD, FUZZY: the expansions, each with zPfx in front, as a
** PREFIX plan (an OR of its terms). */
static int
plan_prefix(kq_index *pIdx, const kqi_qnode *q, const char *zPfx, expbudget *b,
            plan **ppOut, char **pzErr)
{
    plan *p = plan_new(KQI_Q_PREFIX, q);
    *ppOut = p;
    if (p == NULL) {
        return KQ_NOMEM;
    }
    int rc = expand_leaf(pIdx, p, q, zPfx, b, pzErr);
    for (int i = 0; i < p->nExp; i++) {
        p->aExp[i].pQ = q;
    }
    return rc ? rc : exp_finish(pIdx, p, pzErr);
}

/* id:PRE*: an OR of the documents, under a filter. */
static int
plan_ids(kq_index *pIdx, const kqi_qnode *q, expbudget *b, plan **ppOut,
         char **pzErr)
{
    plan *x = plan_new(KQI_Q_PREFIX, q);
    plan *o = plan_new(KQI_Q_OR, q);
    *ppOut = o;
    if (x == NULL || o == NULL) {
        plan_free(x);
        return KQ_NOMEM;
    }
    u32 *aDoc = NULL;
    int rc = expand_ids(pIdx, x, q, b, &aDoc, pzErr);
    for (int i = 0; rc == KQ_OK && i < x->nExp; i++) {
        plan *c = plan_new(KQI_Q_ID, q);
        if (c == NULL) {
            rc = KQ_NOMEM;
            break;
        }
        c->iDoc = aDoc[i];
        rc = plan_add(o, c);
    }
    free(aDoc);
    plan_free(x);
    return rc ? rc : plan_wrap(P_FILTER, ppOut);
}

/* DATE: the date terms of the dictionary wholly inside the range whose
** parent is not (date.c), as a PREFIX-like OR, under a filter. */
static int
plan_date(kq_index *pIdx, const kqi_qnode *q, expbudget *b, plan **ppOut,
          char **pzErr)
{
    plan *p = plan_new(KQI_Q_PREFIX, q);
    *ppOut = p;
    if (p == NULL) {
        return KQ_NOMEM;
    }
    size_t nAlloc = 0;
    int bOver = 0;
    char aFrom[2] = {KQI_PFX_DATE, 0};
    for (u32 s = 0; !bOver && s < pIdx->man.nSeg; s++) {
        kqi_dictit it;
        int rc = kqi_dictit_start(&it, &pIdx->aSeg[s].dict, aFrom, 1, pzErr);
        while (rc == KQ_OK && (rc = kqi_dictit_next(&it, pzErr)) == KQ_OK) {
            if (it.nTerm < 1 || it.aTerm[0] != KQI_PFX_DATE) {
                break;
            }
            const char *z = it.aTerm + 1;
            size_t n = it.nTerm - 1;
            if (kqi_date_within(z, n, q->zLo, q->zHi) &&
                !kqi_date_parent_within(z, n, q->zLo, q->zHi)) {
                rc = add_expansion(p, &nAlloc, b->nLeft, it.aTerm, it.nTerm);
                if (rc == 1) {
                    bOver = 1;
                    rc = KQ_DONE;
                }
            }
        }
        if (rc != KQ_OK && rc != KQ_DONE) {
            return rc;
        }
    }
    exp_dedup(p);
    char *zWhat = kqi_mprintf("date:%s..%s", q->zLo, q->zHi);
    int rc = zWhat ? exp_check(p, b, 0, bOver, zWhat, pzErr) : KQ_NOMEM;
    free(zWhat);
    rc = rc ? rc : exp_finish(pIdx, p, pzErr);
    return rc ? rc : plan_wrap(P_FILTER, ppOut);
}

/* A PHRASE of zPfx + each word's term. */
static int
plan_phrase(kq_index *pIdx, const kqi_qnode *q, const char *zPfx, expbudget *b,
            plan **ppOut, char **pzErr)
{
    plan *p = plan_new(KQI_Q_PHRASE, q);
    *ppOut = p;
    if (p == NULL) {
        return KQ_NOMEM;
    }
    for (int i = 0; i < q->nChild; i++) {
        const kqi_qnode *c = q->aChild[i];
        plan *t = NULL;
        int rc;
        if (c->eType == KQI_Q_TERM) {
            rc = plan_term(pIdx, zPfx, c->zTerm, c->nTerm, c->iOffset, c, &t,
                           pzErr);
        } else {
            /* An expanding slot ("oil pric*"): its terms' positions are
            ** merged (slot_positions()). */
            rc = plan_prefix(pIdx, c, zPfx, b, &t, pzErr);
            if (t) {
                t->iOffset = c->iOffset;
            }
        }
        if (rc) {
            plan_free(t);
            return rc;
        }
        if ((rc = plan_add(p, t)) != KQ_OK) {
            return rc;
        }
    }
    return KQ_OK;
}

/* AND(a, FILTER(b)): a scores, b restricts (title:). */
static int
plan_and_filter(plan *a, plan *b, plan **ppOut)
{
    plan *p = plan_new(KQI_Q_AND, a ? a->pQ : NULL);
    *ppOut = p;
    if (p == NULL) {
        plan_free(a);
        plan_free(b);
        return KQ_NOMEM;
    }
    int rc = plan_add(p, a);
    if (rc == KQ_OK) {
        rc = plan_wrap(P_FILTER, &b);
        rc = plan_add(p, b) ? KQ_NOMEM : rc;
    } else {
        plan_free(b);
    }
    return rc;
}

/* The plan of a word, prefix, phrase or =word in a field.  Title and body
** words rank by their unprefixed term (the text's statistics), the field
** term only restricting; source and extra fields only restrict. */
static int
plan_field(kq_index *pIdx, const kqi_qnode *q, expbudget *bud, plan **ppOut,
           char **pzErr)
{
    char aPfx[KQI_MAX_KEY + 2];
    int rc = field_prefix(pIdx, q, aPfx, sizeof(aPfx), pzErr);
    plan *a = NULL, *b = NULL;
    *ppOut = NULL;
    if (rc) {
        return rc;
    }
    if (q->bNever) {
        /* No term: the empty key is in no dictionary. */
        return plan_term(pIdx, NULL, "", 0, 0, q, ppOut, pzErr);
    }
    int bRank = q->eField == KQI_FIELD_ANY || q->eField == KQI_FIELD_TITLE ||
                q->eField == KQI_FIELD_BODY;
    switch (q->eType) {
    case KQI_Q_TERM:
    case KQI_Q_EXACT:
        if (bRank) {
            rc = plan_term(pIdx, NULL, q->zTerm, q->nTerm, q->iOffset, q, &a,
                           pzErr);
        }
        if (rc == KQ_OK && q->eType == KQI_Q_EXACT) {
            /* The text check knows the field. */
            plan *e = plan_new(KQI_Q_EXACT, q);
            if (e == NULL || plan_add(e, a) != KQ_OK) {
                plan_free(e);
                return KQ_NOMEM;
            }
            *ppOut = e;
            return KQ_OK;
        }
        if (rc == KQ_OK && q->eField != KQI_FIELD_ANY) {
            rc = plan_term(pIdx, aPfx, q->zTerm, q->nTerm, 0, q, &b, pzErr);
        }
        break;
    case KQI_Q_PREFIX:
    case KQI_Q_WILD:
    case KQI_Q_FUZZY:
        if (q->eField == KQI_FIELD_BODY) {
            /* The OR of body:word for each expansion. */
            plan *x = NULL;
            rc = plan_prefix(pIdx, q, "", bud, &x, pzErr);
            plan *o = plan_new(KQI_Q_OR, q);
            *ppOut = o;
            for (int i = 0; rc == KQ_OK && o && i < x->nExp; i++) {
                plan *bd = plan_new(P_BODY, q), *t1 = NULL, *t2 = NULL;
                rc = plan_term(pIdx, NULL, x->aExp[i].z, x->aExp[i].n, 0, q,
                               &t1, pzErr);
                if (rc == KQ_OK) {
                    rc = plan_term(pIdx, aPfx, x->aExp[i].z, x->aExp[i].n, 0,
                                   q, &t2, pzErr);
                }
                if (bd == NULL || rc || plan_add(bd, t1) || plan_add(bd, t2) ||
                    plan_add(o, bd)) {
                    rc = rc ? rc : KQ_NOMEM;
                }
            }
            plan_free(x);
            return o ? rc : KQ_NOMEM;
        }
        if (bRank) {
            rc = plan_prefix(pIdx, q, "", bud, &a, pzErr);
        }
        if (rc == KQ_OK && q->eField != KQI_FIELD_ANY) {
            rc = plan_prefix(pIdx, q, aPfx, bud, &b, pzErr);
        }
        break;
    case KQI_Q_PHRASE:
        if (bRank) {
            rc = plan_phrase(pIdx, q, "", bud, &a, pzErr);
        }
        if (rc == KQ_OK && q->eField != KQI_FIELD_ANY) {
            rc = plan_phrase(pIdx, q, aPfx, bud, &b, pzErr);
        }
        break;
    default: return KQ_MISUSE;
    }
    if (rc) {
        plan_free(a);
        plan_free(b);
        return rc;
    }
    if (q->eField == KQI_FIELD_BODY && q->eType == KQI_Q_TERM) {
        plan *bd = plan_new(P_BODY, q);
        *ppOut = bd;
        if (bd == NULL || plan_add(bd, a) || plan_add(bd, b)) {
            return KQ_NOMEM;
        }
        return KQ_OK;
    }
    if (a && b) {
        return plan_and_filter(a, b, ppOut);
    }
    if (b) {
        *ppOut = b;
        return plan_wrap(P_FILTER, ppOut);
    }
    *ppOut = a;
    return KQ_OK;
}

static int
plan_make(kq_index *pIdx, const kqi_qnode *q, expbudget *b, plan **ppOut,
          char **pzErr)
{
    int rc = KQ_OK;
    *ppOut = NULL;
    switch (q->eType) {
    case KQI_Q_TERM:
    case KQI_Q_PREFIX:
    case KQI_Q_WILD:
    case KQI_Q_FUZZY:
    case KQI_Q_PHRASE:
    case KQI_Q_EXACT: rc = plan_field(pIdx, q, b, ppOut, pzErr); break;
    case KQI_Q_DATE: rc = plan_date(pIdx, q, b, ppOut, pzErr); break;
    case KQI_Q_ID: {
        if (q->bIdPrefix) {
            rc = plan_ids(pIdx, q, b, ppOut, pzErr);
            break;
        }
        plan *p = plan_new(KQI_Q_ID, q);
        *ppOut = p;
        if (p == NULL) {
            return KQ_NOMEM;
        }
        rc = kq_index_find(pIdx, q->zTerm, q->nTerm, &p->iDoc, pzErr);
        if (rc == KQ_NOTFOUND) {
            p->iDoc = KQ_DOCID_EOF;
            rc = KQ_OK;
            if (pzErr) {
                free(*pzErr);
                *pzErr = NULL;
            }
        }
        break;
    }
    default: {
        plan *p = plan_new((int)q->eType, q);
        *ppOut = p;
        if (p == NULL) {
            return KQ_NOMEM;
        }
        p->nWindow = q->nWindow;
        p->bOrdered = q->bOrdered;
        for (int i = 0; rc == KQ_OK && i < q->nChild; i++) {
            plan *c = NULL;
            if (q->eType == KQI_Q_NEAR) {
                const kqi_qnode *k = q->aChild[i];
                rc = plan_term(pIdx, NULL, k->zTerm, k->nTerm, 0, k, &c,
                               pzErr);
            } else {
                rc = plan_make(pIdx, q->aChild[i], b, &c, pzErr);
            }
            if (c && plan_add(p, c) != KQ_OK) {
                rc = KQ_NOMEM;
            } else if (c == NULL && rc == KQ_OK) {
                rc = KQ_NOMEM;
            }
        }
    }
    }
    if (rc == KQ_OK && *ppOut && q->boost != 0 && q->boost != 1.0) {
        rc = plan_wrap(P_BOOST, ppOut);
        if (rc == KQ_OK) {
            (*ppOut)->boost = q->boost;
        }
    }
    return rc;
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
    termcur *p = (termcur *)cur_alloc(x, sizeof(termcur), term_seek,
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
    p->base.xOcc = term_occ;
    if (t->aTLoc && t->aTLoc[x->iSeg].df) {
        rc = kqi_plc_open(&s->aMap[KQI_F_POST], &s->aMap[KQI_F_POS],
                          &t->aTLoc[x->iSeg], s->docs.nDoc, &p->pTitle, pzErr);
        if (rc) {
            kqi_plc_free(p->pPlc);
            free(p);
            return rc;
        }
        u32 minLenT;
        kqi_plc_list_max(p->pTitle, &p->titleMax, &minLenT);
        p->nTitleW1 = x->nTitleW1;
    }
    u32 maxTf, minLen;
    kqi_plc_list_max(p->pPlc, &maxTf, &minLen);
    p->max = kqi_bm25(t->idf, term_tf_bound(p, maxTf), minLen, x->avgdl) *
             BOUND_SLACK;
    p->base.xMax = term_max;
    p->base.xBlockMax = term_block_max;
    p->iBm = -1;
    *ppOut = &p->base;
    return KQ_OK;
}

static int
cur_make(ctx *x, const plan *p, cur **ppOut, char **pzErr)
{
    *ppOut = NULL;
    int rc = KQ_OK;
    switch (p->eType) {
    case KQI_Q_TERM: return term_cur(x, &p->term, ppOut, pzErr);

    case KQI_Q_PREFIX:
    case KQI_Q_OR: {
        orcur *o = (orcur *)cur_alloc(x, sizeof(orcur), or_seek, or_score,
                                      or_free);
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
                rc = cur_make(x, p->aChild[i], &o->a[i], pzErr);
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
        wrapcur *w = (wrapcur *)cur_alloc(x, sizeof(wrapcur), wrap_seek,
                                          bBoost ? boost_score : zero_score,
                                          wrap_free);
        if (w == NULL) {
            return KQ_NOMEM;
        }
        *ppOut = &w->base;
        w->w = p->boost;
        if (bBoost) {
            w->base.xMax = boost_max;
            w->base.xBlockMax = boost_block_max;
        }
        return cur_make(x, p->aChild[0], &w->c, pzErr);
    }

    case KQI_Q_EXACT: {
        exactcur *e = (exactcur *)cur_alloc(x, sizeof(exactcur), check_seek,
                                            wrap_score, exact_free);
        if (e == NULL) {
            return KQ_NOMEM;
        }
        *ppOut = &e->k.w.base;
        e->k.w.base.xMax = wrap_max;
        e->k.xCheck = exact_check;
        e->zWord = p->pQ->zWord;
        e->nWord = p->pQ->nWord;
        e->eField = p->pQ->eField;
        return cur_make(x, p->aChild[0], &e->k.w.c, pzErr);
    }

    case P_BODY: {
        bodycur *b = (bodycur *)cur_alloc(x, sizeof(bodycur), check_seek,
                                          wrap_score, body_free);
        if (b == NULL) {
            return KQ_NOMEM;
        }
        *ppOut = &b->k.w.base;
        b->k.w.base.xMax = wrap_max;
        b->k.xCheck = body_check;
        rc = cur_make(x, p->aChild[0], &b->k.w.c, pzErr);
        if (rc == KQ_OK) {
            rc = cur_make(x, p->aChild[1], &b->pTitle, pzErr);
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

    case KQI_Q_AND:
    case KQI_Q_PHRASE:
    case KQI_Q_NEAR:
    case KQI_Q_NOT: {
        andcur *a = (andcur *)cur_alloc(x, sizeof(andcur), and_seek, and_score,
                                        and_free);
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
                rc = cur_make(x, c, &k, pzErr);
                if (k) {
                    a->aNeg[a->nNeg++] = k;
                }
            } else if (c->eType == KQI_Q_NOT) {
                /* AND(x, NOT(y)): y is excluded by seeking, not scanned. */
                rc = cur_make(x, c->aChild[0], &k, pzErr);
                if (k) {
                    a->aNeg[a->nNeg++] = k;
                }
            } else {
                rc = cur_make(x, c, &k, pzErr);
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
            ** expanding word's: slot_positions()). */
            for (int i = 0; i < a->nPos; i++) {
                if (a->aPos[i]->xSeek == or_seek && a->aOffset &&
                    p->aChild[i]->eType == KQI_Q_PREFIX) {
                    if (a->aSlot == NULL &&
                        (a->aSlot = calloc((size_t)a->nPos,
                                           sizeof(*a->aSlot))) == NULL) {
                        return KQ_NOMEM;
                    }
                } else if (a->aPos[i]->xSeek != term_seek) {
                    a->base.xSeek = empty_seek;
                }
            }
        }
        if (rc == KQ_OK && a->nPos == 2 && a->aPos[0]->xSeek == term_seek &&
            a->aPos[1]->xSeek == term_seek) {
            a->bTerm2 = 1;
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
            topk_push(t, iBase + d, or_score(&o->base));
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
    if (c->xSeek == term_seek) {
        return (termcur *)c;
    }
    if (c->xSeek == and_seek && ((andcur *)c)->nPos == 1 &&
        ((andcur *)c)->aOffset == NULL &&
        ((andcur *)c)->aPos[0]->xSeek == term_seek) {
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
            term_bm_at(tc, d);
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

/* The end of a query on segment s: document lengths found damaged on the
** way (checked lazily, a chunk at a time) are damage too; a damage message
** goes to *pzErr; the cursors are freed.  Returns the query's rc. */
static int
seg_finish(kq_index *pIdx, u32 s, ctx *x, cur *c, int rc, char **pzErr)
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
    if (flags & (KQ_SEARCH_DATE | KQ_SEARCH_DATE_DESC)) {
        return search_by_date(pIdx, q, (flags & KQ_SEARCH_DATE_DESC) != 0,
                              nOffset, nLimit, paHit, pnHit, pnTotal, pzErr);
    }
    plan *pPlan = NULL;
    expbudget bud;
    budget_init(&bud, pIdx);
    int rc = plan_make(pIdx, q->pRoot, &bud, &pPlan, pzErr);
    topk t = {0};
    if (nLimit > 0) {
        if (nOffset > SIZE_MAX / 2 || nLimit > SIZE_MAX / 2 - nOffset) {
            plan_free(pPlan);
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
        rc = cur_make(&x, pPlan, &c, pzErr);
        u32 iBase = pIdx->aSeg[s].iBase;
        if (rc == KQ_OK && bPrune && c->xSeek == or_seek &&
            ((orcur *)c)->n > 1) {
            bExact = 0;
            rc = run_maxscore((orcur *)c, &t, iBase, &nTotal);
        } else if (rc == KQ_OK && bPrune && single_term(c)) {
            bExact = 0;
            rc = run_blockmax_term(c, single_term(c), &t, iBase, &nTotal);
        } else if (rc == KQ_OK) {
            const u8 *aDel = pIdx->aSeg[s].aDel;
            c->xSeek(c, 0);
            while (c->iDoc != KQ_DOCID_EOF) {
                if (!kqi_is_deleted(aDel, c->iDoc)) {
                    nTotal++;
                    if (t.nMax) {
                        topk_push(&t, iBase + c->iDoc, c->xScore(c));
                    }
                }
                cur_next(c);
            }
            rc = x.rc;
        }
        rc = seg_finish(pIdx, s, &x, c, rc, pzErr);
    }
    plan_free(pPlan);
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
** Every match (kq_search_each), date order, and score explanations.
*/
/* kq_search_each(), counting the matches (match.c) if bOcc, else giving
** nOcc 0. */
static int
search_each(kq_index *pIdx, const kq_query *q, int bOcc, void *pCtx,
            kq_match_fn x, char **pzErr)
{
    plan *pPlan = NULL;
    kq_matcher *pM = NULL;
    expbudget bud;
    budget_init(&bud, pIdx);
    int rc = plan_make(pIdx, q->pRoot, &bud, &pPlan, pzErr);
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
        rc = cur_make(&cx, pPlan, &c, pzErr);
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
        rc = seg_finish(pIdx, s, &cx, c, rc, pzErr);
    }
    kq_matcher_free(pM);
    plan_free(pPlan);
    return rc;
}

int
kq_search_each(kq_index *pIdx, const kq_query *q, void *pCtx, kq_match_fn x,
               char **pzErr)
{
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
    if (kqi_grow(&d->a, sizeof(dhit), &d->nAlloc, d->n + 1, 256)) {
        return KQ_NOMEM;
    }
    kq_docinfo info;
    int rc = kq_index_doc(d->pIdx, iDoc, &info, d->pzErr);
    if (rc) {
        return rc;
    }
    dhit *h = &d->a[d->n++];
    h->h.iDoc = iDoc;
    h->h.score = score;
    h->key = date_key(info.zDate, info.nDate);
    return 0;
}

static int
cmp_date_asc(const void *a, const void *b)
{
    const dhit *x = a, *y = b;
    /* Undated last, then by date, then by docid. */
    if ((x->key < 0) != (y->key < 0)) {
        return x->key < 0 ? 1 : -1;
    }
    if (x->key != y->key) {
        return x->key < y->key ? -1 : 1;
    }
    return x->h.iDoc < y->h.iDoc ? -1 : (x->h.iDoc > y->h.iDoc);
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
    return x->h.iDoc < y->h.iDoc ? -1 : (x->h.iDoc > y->h.iDoc);
}

/* kq_search_ex() in date order: every match is collected with its date
** (8 + 16 bytes a match), sorted, and the page cut out. */
static int
search_by_date(kq_index *pIdx, const kq_query *q, int bDesc, size_t nOffset,
               size_t nLimit, kq_hit **paHit, size_t *pnHit, uint64_t *pnTotal,
               char **pzErr)
{
    dcollect d = {pIdx, NULL, 0, 0, pzErr};
    int rc = search_each(pIdx, q, 0, &d, dcollect_cb, pzErr);
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

/* kq_explain(): the scoring term cursors under c, at iDoc. */
typedef struct xpl {
    kq_explain_info *pOut;
    size_t nAlloc;
    int rc;
    u32 iDoc; /* the document, in the segment */
} xpl;

static void
explain_walk(xpl *x, cur *c, double w)
{
    if (x->rc) {
        return;
    }
    if (c->xSeek == term_seek) {
        termcur *t = (termcur *)c;
        kq_explain_info *o = x->pOut;
        if (kqi_grow(&o->aTerm, sizeof(kq_explain_term), &x->nAlloc,
                     (size_t)o->nTerm + 1, 8)) {
            x->rc = KQ_NOMEM;
            return;
        }
        kq_explain_term *e = &o->aTerm[o->nTerm++];
        memset(e, 0, sizeof(*e));
        /* A cursor the tree did not need at the document is moved there
        ** (cursors only move forward, and nothing else reads them). */
        if (c->iDoc < x->iDoc || !c->bStarted) {
            c->xSeek(c, x->iDoc);
        }
        e->zTerm = kqi_mprintf("%s", t->pTerm->z);
        /* How the query wrote it: the word as typed (pre*, qa?dafi and
        ** gadafi~2 too), =word. */
        const kqi_qnode *q = t->pTerm->pQ;
        if (q && q->eType == KQI_Q_PREFIX && q->zRaw == NULL) {
            e->zWhere = kqi_mprintf("%s*", q->zTerm);
        } else if (q && q->eType == KQI_Q_EXACT) {
            e->zWhere = kqi_mprintf("=%s", q->zWord);
        } else if (q && q->zRaw) {
            e->zWhere = kqi_mprintf("%s", q->zRaw);
        } else {
            e->zWhere = kqi_mprintf("%s", t->pTerm->z);
        }
        e->tf = c->iDoc == x->iDoc ? term_occ(c) : 0;
        if (e->tf) {
            u32 tfTitle = term_title_tf(t);
            e->tfTitle = tfTitle == (u32)-1 ? 0 : tfTitle;
        }
        e->df = t->pTerm->df;
        e->idf = t->idf;
        e->boost = w;
        e->score = e->tf ? w * c->xScore(c) : 0;
        if (e->zTerm == NULL || e->zWhere == NULL) {
            x->rc = KQ_NOMEM;
        }
        return;
    }
    if (c->xSeek == and_seek) {
        andcur *a = (andcur *)c;
        for (int i = 0; i < a->nPos; i++) {
            explain_walk(x, a->aPos[i], w);
        }
    } else if (c->xSeek == or_seek) {
        orcur *o = (orcur *)c;
        for (int i = 0; i < o->n; i++) {
            explain_walk(x, o->a[i], w);
        }
    } else if (c->xSeek == wrap_seek && c->xScore == boost_score) {
        explain_walk(x, ((wrapcur *)c)->c, w * ((wrapcur *)c)->w);
    } else if (c->xSeek == check_seek) {
        explain_walk(x, ((checkcur *)c)->w.c, w);
    }
    /* Filters, ids, empty cursors: nothing scores. */
}

int
kq_explain(kq_index *pIdx, const kq_query *q, kq_docid iDoc,
           kq_explain_info *pOut, char **pzErr)
{
    memset(pOut, 0, sizeof(*pOut));
    u32 s = 0;
    while (s + 1 < pIdx->man.nSeg && pIdx->aSeg[s + 1].iBase <= iDoc) {
        s++;
    }
    if (pIdx->man.nSeg == 0 || iDoc < pIdx->aSeg[s].iBase ||
        iDoc - pIdx->aSeg[s].iBase >= pIdx->aSeg[s].docs.nDoc) {
        return kqi_err(pzErr, KQ_NOTFOUND, "no document %u", iDoc);
    }
    u32 iLocal = iDoc - pIdx->aSeg[s].iBase;
    plan *pPlan = NULL;
    expbudget bud;
    budget_init(&bud, pIdx);
    int rc = plan_make(pIdx, q->pRoot, &bud, &pPlan, pzErr);
    ctx cx = {&pIdx->aSeg[s],
              s,
              pIdx->pAnalyzer,
              pIdx->stats.avgDoclen,
              pIdx->man.nTitleWeight - 1,
              KQ_OK,
              NULL};
    cur *c = NULL;
    if (rc == KQ_OK) {
        rc = cur_make(&cx, pPlan, &c, pzErr);
    }
    if (rc == KQ_OK) {
        c->xSeek(c, iLocal);
        pOut->bMatch = c->iDoc == iLocal &&
                       !kqi_is_deleted(pIdx->aSeg[s].aDel, iLocal);
        pOut->nLen = kqi_docs_len(&pIdx->aSeg[s].docs, iLocal);
        pOut->avgLen = pIdx->stats.avgDoclen;
        pOut->nDoc = pIdx->stats.nDoc;
        if (pOut->bMatch) {
            pOut->score = c->xScore(c);
        }
        /* Each term at the document, matched or not (a term of an OR the
        ** document lacks shows with tf 0). */
        xpl x = {pOut, 0, KQ_OK, iLocal};
        explain_walk(&x, c, 1.0);
        rc = x.rc ? x.rc : cx.rc;
        if (!pOut->bMatch) {
            for (int i = 0; i < pOut->nTerm; i++) {
                pOut->aTerm[i].score = 0;
            }
        }
    }
    rc = seg_finish(pIdx, s, &cx, c, rc, pzErr);
    plan_free(pPlan);
    if (rc) {
        kq_explain_free(pOut);
    }
    return rc;
}

void
kq_explain_free(kq_explain_info *p)
{
    for (int i = 0; p && i < p->nTerm; i++) {
        free(p->aTerm[i].zTerm);
        free(p->aTerm[i].zWhere);
    }
    if (p) {
        free(p->aTerm);
        memset(p, 0, sizeof(*p));
    }
}

int
kqi_leaf_terms(kq_index *pIdx, const kqi_qnode *q, char ***paz, int *pn,
               char **pzErr)
{
    *paz = NULL;
    *pn = 0;
    char aPfx[KQI_MAX_KEY + 2];
    int rc = KQ_OK;
    if (q->eType == KQI_Q_ID && q->bIdPrefix) {
        aPfx[0] = 0;
    } else if (q->eType != KQI_Q_PREFIX && q->eType != KQI_Q_WILD &&
               q->eType != KQI_Q_FUZZY) {
        return KQ_MISUSE;
    } else if (q->eField == KQI_FIELD_BODY) {
        aPfx[0] = 0; /* body: the text's terms, checked against titles */
    } else {
        rc = field_prefix(pIdx, q, aPfx, sizeof(aPfx), pzErr);
    }
    plan *p = rc ? NULL : plan_new(KQI_Q_PREFIX, NULL);
    if (rc == KQ_OK && p == NULL) {
        rc = KQ_NOMEM;
    }
    expbudget bud;
    budget_init(&bud, pIdx);
    if (rc == KQ_OK && q->eType == KQI_Q_ID) {
        u32 *aDoc = NULL;
        rc = expand_ids(pIdx, p, q, &bud, &aDoc, pzErr);
        free(aDoc);
        exp_dedup(p);
    } else if (rc == KQ_OK) {
        rc = q->bNever ? KQ_OK : expand_leaf(pIdx, p, q, aPfx, &bud, pzErr);
    }
    char **az = rc ? NULL : calloc((size_t)p->nExp + 1, sizeof(char *));
    if (rc == KQ_OK && az == NULL) {
        rc = KQ_NOMEM;
    }
    for (int i = 0; rc == KQ_OK && i < p->nExp; i++) {
        az[i] = p->aExp[i].z;
        p->aExp[i].z = NULL;
    }
    if (rc == KQ_OK && p->nExp > 0) {
        *paz = az;
        *pn = p->nExp;
    } else {
        free(az);
    }
    plan_free(p);
    return rc;
}

int
kqi_prefix_terms(kq_index *pIdx, const char *z, size_t n, char ***paz, int *pn,
                 char **pzErr)
{
    kqi_qnode q;
    memset(&q, 0, sizeof(q));
    q.eType = KQI_Q_PREFIX;
    q.zTerm = (char *)z;
    q.nTerm = n;
    return kqi_leaf_terms(pIdx, &q, paz, pn, pzErr);
}
