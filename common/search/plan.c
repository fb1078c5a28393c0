/*
** plan.c -- a query's plan: the parsed query (query.c) lowered to what
** cursors evaluate (cursor.c's kqi_cur_make()).  Each term is looked up in
** every segment once and weighed by its index-wide document frequency
** (bm25.c); expanding words become ORs of their terms (expand.c), date
** ranges ORs of date terms, id:PRE* an OR of documents; fields become
** filters, boosts wrappers (the P_* types of search_int.h).
*/
#include "search_int.h"

#include <stdlib.h>
#include <string.h>

void
kqi_plan_free(plan *p)
{
    if (p) {
        for (int i = 0; i < p->nChild; i++) {
            kqi_plan_free(p->aChild[i]);
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
/* The collected expansions of p, de-duplicated, each looked up and
** weighed. */
static int
exp_finish(kq_index *pIdx, plan *p, char **pzErr)
{
    kqi_exp_dedup(p);
    for (int i = 0; i < p->nExp; i++) {
        int rc = term_lookup(pIdx, &p->aExp[i], pzErr);
        if (rc) {
            return rc;
        }
    }
    return KQ_OK;
}

plan *
kqi_plan_new(int eType, const kqi_qnode *q)
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
        kqi_plan_free(c);
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
    plan *p = kqi_plan_new(KQI_Q_TERM, q);
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
    plan *w = kqi_plan_new(eType, (*ppChild)->pQ);
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
int
kqi_plan_field_prefix(kq_index *pIdx, const kqi_qnode *q, char *aOut,
                      size_t nOut, char **pzErr)
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
        kq_buf b = {0};
        kq_buf_append(&b, "title, body, source, date, id", 29);
        if (kq_index_fields(pIdx, &az, &nName, NULL) == KQ_OK) {
            for (int i = 0; i < nName; i++) {
                kq_buf_append(&b, ", ", 2);
                kq_buf_append(&b, az[i], strlen(az[i]));
                free(az[i]);
            }
            free(az);
        }
        kq_buf_putc(&b, 0);
        kqi_err(pzErr, KQ_SYNTAX, "unknown field '%s' (this index has: %s)",
                q->zField, b.rc ? "?" : (char *)b.a);
        kq_buf_free(&b);
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
    plan *p = kqi_plan_new(KQI_Q_PREFIX, q);
    *ppOut = p;
    if (p == NULL) {
        return KQ_NOMEM;
    }
    int rc = kqi_expand_leaf(pIdx, p, q, zPfx, b, pzErr);
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
    plan *x = kqi_plan_new(KQI_Q_PREFIX, q);
    plan *o = kqi_plan_new(KQI_Q_OR, q);
    *ppOut = o;
    if (x == NULL || o == NULL) {
        kqi_plan_free(x);
        return KQ_NOMEM;
    }
    u32 *aDoc = NULL;
    int rc = kqi_expand_ids(pIdx, x, q, b, &aDoc, pzErr);
    for (int i = 0; rc == KQ_OK && i < x->nExp; i++) {
        plan *c = kqi_plan_new(KQI_Q_ID, q);
        if (c == NULL) {
            rc = KQ_NOMEM;
            break;
        }
        c->iDoc = aDoc[i];
        rc = plan_add(o, c);
    }
    free(aDoc);
    kqi_plan_free(x);
    return rc ? rc : plan_wrap(P_FILTER, ppOut);
}

/* DATE: the date terms of the dictionary wholly inside the range whose
** parent is not (date.c), as a PREFIX-like OR, under a filter. */
static int
plan_date(kq_index *pIdx, const kqi_qnode *q, expbudget *b, plan **ppOut,
          char **pzErr)
{
    plan *p = kqi_plan_new(KQI_Q_PREFIX, q);
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
                rc = kqi_exp_add(p, &nAlloc, b->nLeft, it.aTerm, it.nTerm);
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
    kqi_exp_dedup(p);
    char *zWhat = kq_mprintf("date:%s..%s", q->zLo, q->zHi);
    int rc = zWhat ? kqi_exp_check(b->nMax, &b->nLeft, (u32)p->nExp, 0, bOver,
                                   zWhat, pzErr)
                   : KQ_NOMEM;
    free(zWhat);
    rc = rc ? rc : exp_finish(pIdx, p, pzErr);
    return rc ? rc : plan_wrap(P_FILTER, ppOut);
}

/* A PHRASE of zPfx + each word's term. */
static int
plan_phrase(kq_index *pIdx, const kqi_qnode *q, const char *zPfx, expbudget *b,
            plan **ppOut, char **pzErr)
{
    plan *p = kqi_plan_new(KQI_Q_PHRASE, q);
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
            ** merged (positions.c's slot_positions()). */
            rc = plan_prefix(pIdx, c, zPfx, b, &t, pzErr);
            if (t) {
                t->iOffset = c->iOffset;
            }
        }
        if (rc) {
            kqi_plan_free(t);
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
    plan *p = kqi_plan_new(KQI_Q_AND, a ? a->pQ : NULL);
    *ppOut = p;
    if (p == NULL) {
        kqi_plan_free(a);
        kqi_plan_free(b);
        return KQ_NOMEM;
    }
    int rc = plan_add(p, a);
    if (rc == KQ_OK) {
        rc = plan_wrap(P_FILTER, &b);
        rc = plan_add(p, b) ? KQ_NOMEM : rc;
    } else {
        kqi_plan_free(b);
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
    int rc = kqi_plan_field_prefix(pIdx, q, aPfx, sizeof(aPfx), pzErr);
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
            plan *e = kqi_plan_new(KQI_Q_EXACT, q);
            if (e == NULL || plan_add(e, a) != KQ_OK) {
                kqi_plan_free(e);
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
            plan *o = kqi_plan_new(KQI_Q_OR, q);
            *ppOut = o;
            for (int i = 0; rc == KQ_OK && o && i < x->nExp; i++) {
                plan *bd = kqi_plan_new(P_BODY, q), *t1 = NULL, *t2 = NULL;
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
            kqi_plan_free(x);
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
        kqi_plan_free(a);
        kqi_plan_free(b);
        return rc;
    }
    if (q->eField == KQI_FIELD_BODY && q->eType == KQI_Q_TERM) {
        plan *bd = kqi_plan_new(P_BODY, q);
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
        plan *p = kqi_plan_new(KQI_Q_ID, q);
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
        plan *p = kqi_plan_new((int)q->eType, q);
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

/* The plan of query q, under the expansion limits of pIdx. */
int
kqi_plan_make(kq_index *pIdx, const kqi_qnode *q, plan **ppOut, char **pzErr)
{
    expbudget bud;
    kqi_exp_budget_init(&bud, pIdx);
    return plan_make(pIdx, q, &bud, ppOut, pzErr);
}
