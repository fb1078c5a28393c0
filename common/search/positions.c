/*
** positions.c -- whether a candidate of a phrase or NEAR/ADJ cursor
** (cursor.c's kqi_and_seek()) has its words at the right positions: the
** position lists of its children, walked in step.
*/
#include "search_int.h"

#include <stdlib.h>
#include <string.h>

/* The positions of term cursor t; damage is reported naming .pos. */
static int
term_positions(termcur *t, const u32 **paPos, u32 *pnPos)
{
    int rc = kqi_plc_positions(t->pPlc, paPos, pnPos);
    ctx *x = t->base.pCtx;
    if (rc == KQ_CORRUPT && x->zErr == NULL) {
        x->zErr = kq_mprintf("%s: %s", x->pSeg->aMap[KQI_F_POS].zPath,
                             kqi_plc_errmsg(t->pPlc));
    }
    return rc;
}

static int
cmp_u32(const void *a, const void *b)
{
    u32 x = *(const u32 *)a, y = *(const u32 *)b;
    return x < y ? -1 : x > y;
}

/* The positions at iDoc of phrase child i: a term's, or for an expanding
** word ("oil pric*": an OR of terms, kqi_cur_make()) the merged positions of
** its terms in the document, in p->aSlot[i]. */
static int
slot_positions(andcur *p, int i, u32 iDoc, const u32 **paPos, u32 *pnPos)
{
    cur *c = p->aPos[i];
    if (c->xSeek == kqi_term_seek) {
        return term_positions((termcur *)c, paPos, pnPos);
    }
    orcur *o = (orcur *)c;
    struct slotbuf *sb = &p->aSlot[i];
    u32 n = 0;
    for (int k = 0; k < o->n; k++) {
        const u32 *a;
        u32 m;
        if (o->a[k]->iDoc != iDoc || o->a[k]->xSeek != kqi_term_seek) {
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

/* Is there a base position b with child i at b + aOffset[i] for every i?
** Past two words, the children are read from the one with the fewest
** occurrences in the document up (its tf, known without its positions; an
** expanding word's is not, so it comes last), keeping the bases that every
** child read so far allows: a document where two of the words are never
** in place is left without reading the others' positions.  Reading every
** word's positions first, as before, took 8% longer on the bench's
** three-word phrases of frequent words ("as the fatuity"). */
int
kqi_phrase_match(andcur *p, u32 iDoc, int *pbMatch)
{
    *pbMatch = 0;
    /* The children's order, their tfs, and the bases: on the stack for up
    ** to NSTACK children and NBASE bases, else allocated (a phrase has at
    ** most KQ_MAX_QUERY_TERMS words; every one is checked). */
    enum { NSTACK = 64, NBASE = 256 };
    int aOrdStack[NSTACK];
    u32 aTfStack[NSTACK], aBaseStack[NBASE];
    int *aOrd = aOrdStack;
    u32 *aTf = aTfStack, *aBase = aBaseStack;
    int n = p->nPos;
    if (n == 2) {
        /* Both are read whatever their order: walk them in step.  (The
        ** general walk below, a helper shared by its steps, took 5-20%
        ** longer on the bench's two-word phrases.) */
        const u32 *a0, *a1;
        u32 m0, m1, x = 0;
        int rc = slot_positions(p, 0, iDoc, &a0, &m0);
        if (rc == KQ_OK) {
            rc = slot_positions(p, 1, iDoc, &a1, &m1);
        }
        for (u32 k = 0; rc == KQ_OK && k < m0; k++) {
            if (a0[k] < p->aOffset[0]) {
                continue;
            }
            u64 want = (u64)a0[k] - p->aOffset[0] + p->aOffset[1];
            while (x < m1 && a1[x] < want) {
                x++;
            }
            if (x == m1) {
                break;
            }
            if (a1[x] == want) {
                *pbMatch = 1;
                break;
            }
        }
        return rc;
    }
    if (n > NSTACK) {
        aOrd = malloc(sizeof(int) * (size_t)n);
        aTf = malloc(sizeof(u32) * (size_t)n);
        if (aOrd == NULL || aTf == NULL) {
            free(aOrd);
            free(aTf);
            return KQ_NOMEM;
        }
    }
    for (int i = 0; i < n; i++) {
        cur *c = p->aPos[i];
        aTf[i] = c->xSeek == kqi_term_seek ? kqi_plc_tf(((termcur *)c)->pPlc)
                                           : 0xffffffffu;
    }
    kqi_order_by_key(aTf, n, aOrd);
    /* The first child's positions give the bases; each next child keeps
    ** those it allows (the second reads them from the first's list, the
    ** later ones from aBase, in place). */
    const u32 *a0, *a;
    u32 m0, m, nBase = 0;
    int d = aOrd[0];
    int rc = slot_positions(p, d, iDoc, &a0, &m0);
    if (rc == KQ_OK && n > 2 && m0 > NBASE) {
        aBase = malloc(sizeof(u32) * m0);
        rc = aBase ? KQ_OK : KQ_NOMEM;
    }
    if (rc == KQ_OK && n == 1) {
        nBase = m0 > 0 && a0[m0 - 1] >= p->aOffset[d];
    }
    for (int j = 1; rc == KQ_OK && j < n && (j == 1 || nBase > 0); j++) {
        int i = aOrd[j];
        rc = slot_positions(p, i, iDoc, &a, &m);
        u32 nIn = j == 1 ? m0 : nBase, nKeep = 0, x = 0;
        for (u32 k = 0; rc == KQ_OK && k < nIn; k++) {
            u32 base;
            if (j > 1) {
                base = aBase[k];
            } else if (a0[k] >= p->aOffset[d]) {
                base = a0[k] - p->aOffset[d];
            } else {
                continue;
            }
            u64 want = (u64)base + p->aOffset[i];
            while (x < m && a[x] < want) {
                x++;
            }
            if (x == m) {
                break; /* no later position: no later base will do */
            }
            if (a[x] == want) {
                /* the last child: one base is a match */
                if (j == n - 1) {
                    nKeep = 1;
                    break;
                }
                aBase[nKeep++] = base;
            }
        }
        nBase = nKeep;
    }
    *pbMatch = rc == KQ_OK && nBase > 0;
    if (aBase != aBaseStack) {
        free(aBase);
    }
    if (aOrd != aOrdStack) {
        free(aOrd);
        free(aTf);
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
int
kqi_near_match(andcur *p, int *pbMatch)
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
               strcmp(((termcur *)p->aPos[aGroup[g]])->pTerm->z, ti->z) != 0) {
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
