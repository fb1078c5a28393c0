/*
** explain.c -- kq_explain(): a document's score taken apart, term by term
** (tf, title tf, df, idf, boost and share), from the segment's cursor
** tree (cursor.c) at the document.
*/
#include "search_int.h"

#include <stdlib.h>
#include <string.h>

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
    if (c->xSeek == kqi_term_seek) {
        termcur *t = (termcur *)c;
        kq_explain_info *o = x->pOut;
        if (kq_grow(&o->aTerm, sizeof(kq_explain_term), &x->nAlloc,
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
        e->zTerm = kq_mprintf("%s", t->pTerm->z);
        /* How the query wrote it: the word as typed (pre*, qa?dafi and
        ** gadafi~2 too), =word. */
        const kqi_qnode *q = t->pTerm->pQ;
        if (q && q->eType == KQI_Q_PREFIX && q->zRaw == NULL) {
            e->zWhere = kq_mprintf("%s*", q->zTerm);
        } else if (q && q->eType == KQI_Q_EXACT) {
            e->zWhere = kq_mprintf("=%s", q->zWord);
        } else if (q && q->zRaw) {
            e->zWhere = kq_mprintf("%s", q->zRaw);
        } else {
            e->zWhere = kq_mprintf("%s", t->pTerm->z);
        }
        e->tf = c->iDoc == x->iDoc ? kqi_term_occ(c) : 0;
        if (e->tf) {
            u32 tfTitle = kqi_term_title_tf(t);
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
    if (c->xSeek == kqi_and_seek) {
        andcur *a = (andcur *)c;
        for (int i = 0; i < a->nPos; i++) {
            explain_walk(x, a->aPos[i], w);
        }
    } else if (c->xSeek == kqi_or_seek) {
        orcur *o = (orcur *)c;
        for (int i = 0; i < o->n; i++) {
            explain_walk(x, o->a[i], w);
        }
    } else if (c->xSeek == kqi_wrap_seek && c->xScore == kqi_boost_score) {
        explain_walk(x, ((wrapcur *)c)->c, w * ((wrapcur *)c)->w);
    } else if (c->xSeek == kqi_check_seek) {
        explain_walk(x, ((checkcur *)c)->w.c, w);
    } else if (c->xSeek == kqi_maybe_seek) {
        explain_walk(x, ((maybecur *)c)->pReq, w);
        explain_walk(x, ((maybecur *)c)->pOpt, w);
    }
    /* Filters, ids, empty cursors: nothing scores. */
}

int
kq_explain(kq_index *pIdx, const kq_query *q, kq_docid iDoc,
           kq_explain_info *pOut, char **pzErr)
{
    memset(pOut, 0, sizeof(*pOut));
    if (pIdx->pX) {
        return kqi_xexplain(pIdx->pX, q, iDoc, pOut, pzErr);
    }
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
    int rc = kqi_plan_make(pIdx, q->pRoot, &pPlan, pzErr);
    ctx cx = {&pIdx->aSeg[s],
              s,
              pIdx->pAnalyzer,
              pIdx->stats.avgDoclen,
              pIdx->man.nTitleWeight - 1,
              KQ_OK,
              NULL};
    cur *c = NULL;
    if (rc == KQ_OK) {
        rc = kqi_cur_make(&cx, pPlan, &c, pzErr);
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
    rc = kqi_seg_finish(pIdx, s, &cx, c, rc, pzErr);
    kqi_plan_free(pPlan);
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
