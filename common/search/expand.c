/*
** expand.c -- expanding words (PREFIX, WILD, FUZZY, in any field, and
** id:PRE*) to the terms of the dictionary: the one step every expanding
** word goes through, in the plan (plan.c) and in kqi_leaf_terms(), under
** the limits of kq.h (its expansion budget, and their one check).  Walks
** are dictionary range scans: a word's letters before its first wildcard
** bound the range (oil* and n*t?ation read only the keys starting with
** "oil" and "n"); a leading * or a fuzzy word filters the whole
** vocabulary, each key tested by pattern.c's matcher (fuzzy first by
** length in characters).
*/
#include "search_int.h"

#include <stdlib.h>
#include <string.h>

/* Limits and the collected terms ---------------------------------------- */

void
kqi_exp_budget_init(expbudget *b, const kq_index *pIdx)
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
    if (p->pX) {
        return kqi_xindex_set_max_expansion(p->pX, n);
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

/* Collect term z[0..n) into p->aExp.  The same term comes from several
** segments and several words share a stem, so what is collected is
** de-duplicated whenever it reaches twice nKeep, and more than nKeep
** distinct terms end the walk (1; the caller reports it): memory stays
** within 2 nKeep terms whatever the dictionary holds. */
int
kqi_exp_add(plan *p, size_t *pnAlloc, u32 nKeep, const char *z, size_t n)
{
    if ((u32)p->nExp >= 2 * (u64)nKeep + 1) {
        kqi_exp_dedup(p);
        if ((u32)p->nExp > nKeep) {
            return 1;
        }
    }
    if (kq_grow(&p->aExp, sizeof(pterm), pnAlloc, (size_t)p->nExp + 1, 16)) {
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
void
kqi_exp_dedup(plan *p)
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

/* Walks ----------------------------------------------------------------- */

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
    int rc = kqi_exp_add(w->p, &w->nAlloc, w->nKeep, z, n);
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
int
kqi_expand_leaf(kq_index *pIdx, plan *p, const kqi_qnode *q, const char *zPfx,
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
    kqi_exp_dedup(p);
    char *zWhat = kqi_pat_name(q);
    rc = zWhat ? exp_check(p, b, 1, w.bOver, zWhat, pzErr) : KQ_NOMEM;
    free(zWhat);
    return rc;
}

/* The live documents whose ids start with q->zTerm (id:PRE*): a scan of
** the document tables, every id counting against the expansion limits.
** Into p->aExp (z the id) and *paDoc (each one's document, as plan.c's
** plan_ids() wants them). */
int
kqi_expand_ids(kq_index *pIdx, plan *p, const kqi_qnode *q, expbudget *b,
               u32 **paDoc, char **pzErr)
{
    u32 nKeep = b->nMax < b->nLeft ? b->nMax : b->nLeft;
    u32 *aDoc = NULL;
    size_t nAlloc = 0;
    int bOver = 0, rc = KQ_OK;
    for (u32 s = 0; rc == KQ_OK && !bOver && s < pIdx->man.nSeg; s++) {
        kqi_segment *pS = &pIdx->aSeg[s];
        for (u32 i = 0; rc == KQ_OK && i < pS->docs.nDoc; i++) {
            kqi_docrec info;
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
            rc = kqi_exp_add(p, &nAlloc, nKeep, info.zId, info.nId);
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
    char *zWhat = kq_mprintf("the id prefix id:%.*s*", (int)q->nTerm,
                             q->zTerm);
    rc = zWhat ? exp_check(p, b, 1, bOver, zWhat, pzErr) : KQ_NOMEM;
    free(zWhat);
    return rc;
}

/* The terms alone, for match.c and kq parse ---------------------------- */
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
        rc = kqi_plan_field_prefix(pIdx, q, aPfx, sizeof(aPfx), pzErr);
    }
    plan *p = rc ? NULL : kqi_plan_new(KQI_Q_PREFIX, NULL);
    if (rc == KQ_OK && p == NULL) {
        rc = KQ_NOMEM;
    }
    expbudget bud;
    kqi_exp_budget_init(&bud, pIdx);
    if (rc == KQ_OK && q->eType == KQI_Q_ID) {
        u32 *aDoc = NULL;
        rc = kqi_expand_ids(pIdx, p, q, &bud, &aDoc, pzErr);
        free(aDoc);
        kqi_exp_dedup(p);
    } else if (rc == KQ_OK) {
        rc = q->bNever ? KQ_OK
                       : kqi_expand_leaf(pIdx, p, q, aPfx, &bud, pzErr);
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
    kqi_plan_free(p);
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
