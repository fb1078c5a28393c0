/*
** collocates.c -- kq_index_collocates(): the words around the matches of
** a query, scored by how much more often they occur there than chance
** would put them (kq(1), COLLOCATES AND KEYWORDS).
**
** For each match (kq_matcher: a word's token, a phrase's occurrence, a
** NEAR's window) the tokens at most L positions before its first token
** and R after its last (kq_index_doc_tokens(), whose positions are the
** matcher's), in the same part (title or body) as the match, are counted:
** O per collocate.  The tokens of the match are not in its window; a
** token in the windows of two matches counts twice, as in AntConc.  Then
** each collocate's corpus frequency f(c): by stem from the index
** (kq_index_term_freq(), exact); by word by reading every document once,
** since the index keeps no per-word counts.  N, the corpus size, is the
** number of tokens of the live documents, title and body, as
** kq_docinfo_tokens() gives it.
*/
#include "kq_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A token of the document being read: its key is [iKey, iKey + nKey) of
** colloc.keys, nKey == SIZE_MAX for none (no stem). */
typedef struct ctok {
    uint32_t iPos;
    int bTitle;
    size_t iKey, nKey;
} ctok;

typedef struct colloc {
    kq_index *p;
    const kq_colloc_opts *o;
    kq_matcher *pM;
    kqi_docids docs; /* the matching documents */
    ctok *aTok;      /* the current document's tokens */
    size_t nTok, nTokAlloc;
    kq_buf keys;   /* ... and their keys */
    kqi_wtab t;    /* collocates: aN[0] = O, aN[1] = f(c) */
    kqi_wtab stop; /* the keys left out */
    u64 nMatch;    /* f(n) */
    u64 nCorpus;   /* N */
    kqi_wcount w;  /* by word: the corpus walk */
    char **pzErr;
} colloc;

/* The result and what its rows point into. */
typedef struct colloc_out {
    kq_collocates pub;
    kqi_wtab t;
} colloc_out;

static int
tok_cb(void *pCtx, const kq_doc_token *t)
{
    colloc *k = pCtx;
    if (kq_grow(&k->aTok, sizeof(ctok), &k->nTokAlloc, k->nTok + 1, 1024)) {
        return KQ_NOMEM;
    }
    ctok *p = &k->aTok[k->nTok++];
    const char *z = k->o->bStem ? t->zStem : t->zWord;
    p->iPos = t->iPos;
    p->bTitle = t->bTitle;
    p->iKey = k->keys.n;
    p->nKey = z ? (k->o->bStem ? t->nStem : t->nWord) : SIZE_MAX;
    if (z) {
        kq_buf_append(&k->keys, z, p->nKey);
    }
    return k->keys.rc;
}

static int
count_tok(colloc *k, const ctok *p)
{
    if (p->nKey == SIZE_MAX) {
        return KQ_OK;
    }
    kqi_wentry *e;
    int rc = kqi_wtab_add(&k->t, (const char *)k->keys.a + p->iKey, p->nKey,
                          &e);
    if (rc == KQ_OK) {
        e->aN[0]++;
    }
    return rc;
}

/* The first token at position iPos or after. */
static size_t
tok_lower(const colloc *k, u64 iPos)
{
    size_t lo = 0, hi = k->nTok;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->aTok[mid].iPos < iPos) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Count the windows of the matches of one document. */
static int
doc_windows(colloc *k, kq_docid iDoc)
{
    int bMatch = 0;
    const kq_match *aM = NULL;
    size_t nM = 0;
    int rc = kq_matcher_doc(k->pM, iDoc, &bMatch, &aM, &nM, k->pzErr);
    if (rc || nM == 0) {
        return rc;
    }
    k->nTok = 0;
    k->keys.n = 0;
    rc = kq_index_doc_tokens(k->p, iDoc,
                             k->o->bStem ? 0 : KQ_DOC_TOKENS_NOSTEM, k, tok_cb,
                             k->pzErr);
    u64 nL = k->o->nLeft, nR = k->o->nRight;
    for (size_t i = 0; rc == KQ_OK && i < nM; i++) {
        const kq_match *m = &aM[i];
        size_t a = tok_lower(k, m->iFirst);
        size_t b = tok_lower(k, (u64)m->iLast + 1);
        k->nMatch++;
        if (a >= k->nTok) {
            continue; /* (no such token: nothing around it) */
        }
        int bTitle = k->aTok[a].bTitle;
        for (size_t j = a; rc == KQ_OK && j-- > 0;) {
            const ctok *p = &k->aTok[j];
            if (p->bTitle != bTitle || p->iPos + nL < m->iFirst) {
                break;
            }
            rc = count_tok(k, p);
        }
        for (size_t j = b; rc == KQ_OK && j < k->nTok; j++) {
            const ctok *p = &k->aTok[j];
            if (p->bTitle != bTitle || p->iPos > (u64)m->iLast + nR) {
                break;
            }
            rc = count_tok(k, p);
        }
    }
    return rc;
}

/* The stop list, keyed. */
static int
read_stop(colloc *k, kq_analyzer *pA)
{
    for (size_t i = 0; i < k->o->nStop; i++) {
        const char *z = k->o->azStop[i];
        char zKey[KQ_MAX_WORD + 1];
        size_t nKey;
        int rc = kq_assoc_key(pA, k->o->bStem, z, strlen(z), zKey, &nKey);
        if (rc == KQ_NOTFOUND) {
            continue; /* (never indexed: no collocate has it) */
        }
        if (rc) {
            return kqi_err(k->pzErr, KQ_MISUSE,
                           "stop word %zu is not one word (of at most %d "
                           "bytes once folded)",
                           i + 1, KQ_MAX_WORD);
        }
        kqi_wentry *e;
        if (kqi_wtab_add(&k->stop, zKey, nKey, &e)) {
            return KQ_NOMEM;
        }
    }
    return KQ_OK;
}

static int
corpus_doc_cb(void *pCtx, kq_docid iDoc)
{
    colloc *k = pCtx;
    if (k->o->bStem) {
        return kqi_doc_ntoken(k->p, iDoc, &k->nCorpus, k->pzErr);
    }
    return kqi_wcount_doc(&k->w, k->p, iDoc, k->pzErr);
}

/* N, and f(c) of the collocates ap[0..n). */
static int
corpus_freqs(colloc *k, kqi_wentry **ap, size_t n)
{
    memset(&k->w, 0, sizeof(k->w));
    k->w.t = &k->t;
    k->w.iCol = 1;
    int rc = kq_index_each_doc(k->p, k, corpus_doc_cb, NULL, k->pzErr);
    if (!k->o->bStem) {
        k->nCorpus = k->w.nToken;
    }
    for (size_t i = 0; rc == KQ_OK && k->o->bStem && i < n; i++) {
        u64 nDoc;
        rc = kq_index_term_freq(k->p, kqi_wtab_key(&k->t, ap[i]), ap[i]->nKey,
                                &nDoc, &ap[i]->aN[1], k->pzErr);
    }
    return rc;
}

static void
score(const colloc *k, const kqi_wentry *p, kq_colloc_row *r)
{
    double o = (double)p->aN[0], fc = (double)p->aN[1];
    double fn = (double)k->nMatch, n = (double)k->nCorpus;
    double w = (double)k->o->nLeft + k->o->nRight;
    double r1 = fn * w;
    r->zKey = kqi_wtab_key(&k->t, p);
    r->nKey = p->nKey;
    r->nObs = p->aN[0];
    r->nFreq = p->aN[1];
    r->rExpected = n > 0 ? fn * fc * w / n : NAN;
    r->rLogDice = kqi_assoc_logdice(o, fn, fc);
    r->rMI = kqi_assoc_mi(o, r->rExpected);
    r->rT = kqi_assoc_t(o, r->rExpected);
    r->rLL = kqi_assoc_g2(o, r1 - o, fc - o, n - r1 - fc + o);
}

/* The rows of ap[0..n), ordered, into *pOut (which takes k's table). */
static int
make_rows(colloc *k, kqi_wentry **ap, size_t n, colloc_out *pOut)
{
    kq_colloc_row *aRow = malloc((n ? n : 1) * sizeof(kq_colloc_row));
    kqi_sortrow *aSort = malloc((n ? n : 1) * sizeof(kqi_sortrow));
    if (aRow == NULL || aSort == NULL) {
        free(aRow);
        free(aSort);
        return KQ_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        kq_colloc_row r;
        score(k, ap[i], &r);
        const double ar[KQ_MEASURE_N] = {r.rLogDice, r.rMI, r.rT, r.rLL};
        aSort[i].rSort = kqi_assoc_sort_key(ar[k->o->eMeasure]);
        aSort[i].zKey = r.zKey;
        aSort[i].nKey = r.nKey;
        aSort[i].iRow = i;
        aRow[i] = r;
    }
    kqi_assoc_sort(aSort, n);
    kq_colloc_row *a = pOut->pub.aRow = malloc((n ? n : 1) * sizeof(*a));
    for (size_t i = 0; a && i < n; i++) {
        a[i] = aRow[aSort[i].iRow];
    }
    free(aRow);
    free(aSort);
    if (a == NULL) {
        return KQ_NOMEM;
    }
    pOut->pub.nRow = n;
    pOut->pub.nDoc = k->docs.n;
    pOut->pub.nMatch = k->nMatch;
    pOut->pub.nCorpus = k->nCorpus;
    pOut->t = k->t; /* (the rows' keys) */
    memset(&k->t, 0, sizeof(k->t));
    return KQ_OK;
}

static int
check_opts(const kq_colloc_opts *o, char **pzErr)
{
    if (o == NULL || o->iVersion < 1 || o->iVersion > KQ_COLLOC_OPTS_VERSION) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "kq_colloc_opts: start from KQ_COLLOC_OPTS_INIT");
    }
    if (o->nLeft > KQ_MAX_WINDOW || o->nRight > KQ_MAX_WINDOW) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "a window of %u,%u tokens (each side 0 to %d)",
                       (unsigned)o->nLeft, (unsigned)o->nRight, KQ_MAX_WINDOW);
    }
    if (o->nLeft + o->nRight == 0) {
        return kqi_err(pzErr, KQ_MISUSE, "a window of 0,0 holds no word");
    }
    if (o->eMeasure < 0 || o->eMeasure >= KQ_MEASURE_N) {
        return kqi_err(pzErr, KQ_MISUSE, "measure %d (0 to %d)", o->eMeasure,
                       KQ_MEASURE_N - 1);
    }
    if (o->nStop && o->azStop == NULL) {
        return kqi_err(pzErr, KQ_MISUSE, "%zu stop words and no list",
                       o->nStop);
    }
    return KQ_OK;
}

int
kq_index_collocates(kq_index *p, const kq_query *q,
                    const kq_colloc_opts *pOpts, kq_collocates **ppOut,
                    char **pzErr)
{
    *ppOut = NULL;
    int rc = check_opts(pOpts, pzErr);
    if (rc) {
        return rc;
    }
    colloc k;
    memset(&k, 0, sizeof(k));
    k.p = p;
    k.o = pOpts;
    k.pzErr = pzErr;
    colloc_out *pOut = calloc(1, sizeof(*pOut));
    rc = pOut ? read_stop(&k, pOpts->pAnalyzer ? pOpts->pAnalyzer
                                               : kq_index_analyzer(p))
              : KQ_NOMEM;
    if (rc == KQ_OK) {
        rc = kq_search_each(p, q, &k.docs, kqi_docids_cb, pzErr);
    }
    if (rc == KQ_OK) {
        rc = kq_matcher_new(p, q, &k.pM, pzErr);
    }
    for (size_t i = 0; rc == KQ_OK && i < k.docs.n; i++) {
        rc = doc_windows(&k, k.docs.a[i]);
    }
    kqi_wentry **ap = NULL;
    size_t n = 0;
    if (rc == KQ_OK &&
        (ap = malloc((k.t.nEntry ? k.t.nEntry : 1) * sizeof(*ap))) == NULL) {
        rc = KQ_NOMEM;
    }
    for (size_t i = 0; rc == KQ_OK && i < k.t.nEntry; i++) {
        kqi_wentry *e = &k.t.aEntry[i];
        if (e->aN[0] >= pOpts->nMinFreq &&
            kqi_wtab_find(&k.stop, kqi_wtab_key(&k.t, e), e->nKey) == NULL) {
            ap[n++] = e;
        }
    }
    if (rc == KQ_OK) {
        rc = corpus_freqs(&k, ap, n);
    }
    if (rc == KQ_OK) {
        rc = make_rows(&k, ap, n, pOut);
    }
    free(ap);
    free(k.docs.a);
    free(k.aTok);
    kq_buf_free(&k.keys);
    kqi_wtab_free(&k.t);
    kqi_wtab_free(&k.stop);
    kq_matcher_free(k.pM);
    if (rc) {
        kq_collocates_free(pOut ? &pOut->pub : NULL);
        return rc;
    }
    *ppOut = &pOut->pub;
    return KQ_OK;
}

void
kq_collocates_free(kq_collocates *p)
{
    if (p) {
        colloc_out *pOut = (colloc_out *)p; /* (pub is its first member) */
        free(p->aRow);
        kqi_wtab_free(&pOut->t);
        free(pOut);
    }
}
