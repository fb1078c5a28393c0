/*
** assoc.c -- what kq_index_collocates() and kq_index_keywords() share: a
** table of words (a hash of byte strings, each with two counters), the
** count of the words of documents into it, the key of a word as written,
** and the association statistics (kq(1), COLLOCATES AND KEYWORDS, gives
** the formulas and their references).
**
** A "token" is every token kq_index_doc_tokens() gives, title and body (a
** word longer than KQ_MAX_WORD is none: it takes a position, no more);
** the size of a set of documents is the number of its tokens.  A token's
** key is its folded word, or its stem (bStem).
*/
#include "kq_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/**************************************************************************
** The word table.
*/
static u64
hash_bytes(const char *z, size_t n)
{
    u64 h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)z[i]) * 0x100000001b3ull;
    }
    return h;
}

const char *
kqi_wtab_key(const kqi_wtab *t, const kqi_wentry *e)
{
    return (const char *)t->keys.a + e->iKey;
}

/* The slot of z[0..n): where it is, or the empty one where it goes. */
static size_t
wtab_slot(const kqi_wtab *t, const char *z, size_t n)
{
    size_t m = t->nSlot - 1;
    size_t i = (size_t)hash_bytes(z, n) & m;
    while (t->aSlot[i]) {
        const kqi_wentry *e = &t->aEntry[t->aSlot[i] - 1];
        if (e->nKey == n && memcmp(kqi_wtab_key(t, e), z, n) == 0) {
            break;
        }
        i = (i + 1) & m;
    }
    return i;
}

kqi_wentry *
kqi_wtab_find(const kqi_wtab *t, const char *z, size_t n)
{
    if (t->nSlot == 0) {
        return NULL;
    }
    size_t i = t->aSlot[wtab_slot(t, z, n)];
    return i ? &t->aEntry[i - 1] : NULL;
}

/* Twice the slots (at least 1024), every entry placed again. */
static int
wtab_rehash(kqi_wtab *t)
{
    size_t nNew = t->nSlot ? 2 * t->nSlot : 1024;
    size_t *aNew = calloc(nNew, sizeof(size_t));
    if (aNew == NULL) {
        return KQ_NOMEM;
    }
    free(t->aSlot);
    t->aSlot = aNew;
    t->nSlot = nNew;
    for (size_t k = 0; k < t->nEntry; k++) {
        const kqi_wentry *e = &t->aEntry[k];
        t->aSlot[wtab_slot(t, kqi_wtab_key(t, e), e->nKey)] = k + 1;
    }
    return KQ_OK;
}

int
kqi_wtab_add(kqi_wtab *t, const char *z, size_t n, kqi_wentry **ppOut)
{
    /* At most half full, so that probes stay short. */
    if (2 * (t->nEntry + 1) > t->nSlot && wtab_rehash(t)) {
        return KQ_NOMEM;
    }
    size_t i = wtab_slot(t, z, n);
    if (t->aSlot[i] == 0) {
        if (kq_grow(&t->aEntry, sizeof(kqi_wentry), &t->nEntryAlloc,
                    t->nEntry + 1, 256)) {
            return KQ_NOMEM;
        }
        kqi_wentry *e = &t->aEntry[t->nEntry];
        memset(e, 0, sizeof(*e));
        e->iKey = t->keys.n;
        e->nKey = n;
        kq_buf_append(&t->keys, z, n);
        kq_buf_putc(&t->keys, 0); /* keys are NUL-terminated */
        if (t->keys.rc) {
            return KQ_NOMEM;
        }
        t->aSlot[i] = ++t->nEntry;
    }
    *ppOut = &t->aEntry[t->aSlot[i] - 1];
    return KQ_OK;
}

void
kqi_wtab_free(kqi_wtab *t)
{
    kq_buf_free(&t->keys);
    free(t->aEntry);
    free(t->aSlot);
    memset(t, 0, sizeof(*t));
}

/* The order of rows: rSort descending (NaN last), then by key. */
static int
cmp_sort(const void *pa, const void *pb)
{
    const kqi_sortrow *a = pa, *b = pb;
    int bA = !isnan(a->rSort), bB = !isnan(b->rSort);
    if (bA != bB) {
        return bA ? -1 : 1;
    }
    if (bA && a->rSort != b->rSort) {
        return a->rSort > b->rSort ? -1 : 1;
    }
    size_t n = a->nKey < b->nKey ? a->nKey : b->nKey;
    int r = memcmp(a->zKey, b->zKey, n);
    return r ? r : (a->nKey > b->nKey) - (a->nKey < b->nKey);
}

void
kqi_assoc_sort(kqi_sortrow *a, size_t n)
{
    if (n) {
        qsort(a, n, sizeof(*a), cmp_sort);
    }
}

/**************************************************************************
** Counting the words of documents.
*/
static int
count_cb(void *pCtx, const kq_doc_token *tok)
{
    kqi_wcount *w = pCtx;
    w->nToken++;
    const char *z = w->bStem ? tok->zStem : tok->zWord;
    size_t n = w->bStem ? tok->nStem : tok->nWord;
    if (z == NULL) {
        return KQ_OK; /* (no stem) */
    }
    kqi_wentry *e = NULL;
    if (w->bAdd) {
        int rc = kqi_wtab_add(w->t, z, n, &e);
        if (rc) {
            return rc;
        }
    } else {
        e = kqi_wtab_find(w->t, z, n);
    }
    if (e) {
        e->aN[w->iCol]++;
    }
    return KQ_OK;
}

int
kqi_wcount_doc(kqi_wcount *w, kq_index *p, kq_docid iDoc, char **pzErr)
{
    return kq_index_doc_tokens(p, iDoc, w->bStem ? 0 : KQ_DOC_TOKENS_NOSTEM, w,
                               count_cb, pzErr);
}

int
kqi_docids_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    kqi_docids *d = pCtx;
    if (kq_grow(&d->a, sizeof(kq_docid), &d->nAlloc, d->n + 1, 64)) {
        return KQ_NOMEM;
    }
    d->a[d->n++] = iDoc;
    return KQ_OK;
}

int
kqi_doc_ntoken(kq_index *p, kq_docid iDoc, u64 *pn, char **pzErr)
{
    const kq_docinfo *pInfo;
    int rc = kq_index_doc(p, iDoc, &pInfo, pzErr);
    if (rc == KQ_OK) {
        *pn += kq_docinfo_tokens(p, pInfo);
    }
    return rc;
}

/**************************************************************************
** A word as written, keyed as the index's tokens are.
*/
static int
one_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
       size_t iStart, size_t iEnd)
{
    ++*(uint32_t *)pCtx;
    return 0;
}

int
kq_assoc_key(kq_analyzer *pA, int bStem, const char *z, size_t n,
             char zOut[KQ_MAX_WORD + 1], size_t *pnOut)
{
    uint32_t nTok = 0;
    kq_analyze(pA, KQ_ANALYZE_NOSTEM, z, n, 0, NULL, &nTok, one_cb);
    size_t nFold = kq_fold_word(pA, z, n, zOut, KQ_MAX_WORD + 1);
    if (nFold == 0 || nTok != 1) {
        return KQ_MISUSE;
    }
    *pnOut = nFold;
    if (bStem) {
        const char *zStem;
        size_t nStem;
        if (kq_stem(pA, zOut, nFold, &zStem, &nStem)) {
            return KQ_NOTFOUND;
        }
        memmove(zOut, zStem, nStem); /* (kq_stem(): at most KQ_MAX_WORD) */
        zOut[nStem] = 0;
        *pnOut = nStem;
    }
    return KQ_OK;
}

/**************************************************************************
** Association statistics.
*/
double
kqi_assoc_sort_key(double v)
{
    char z[32];
    snprintf(z, sizeof(z), "%.10g", v); /* (as kq prints it) */
    return isnan(v) ? v : strtod(z, NULL);
}

double
kqi_assoc_logdice(double o, double fn, double fc)
{
    return fn + fc > 0 ? 14 + log2(2 * o / (fn + fc)) : NAN;
}

double
kqi_assoc_mi(double o, double e)
{
    return o > 0 && e > 0 ? log2(o / e) : NAN;
}

double
kqi_assoc_t(double o, double e)
{
    return o > 0 ? (o - e) / sqrt(o) : NAN;
}

/* One term of G2: O ln(O/E), 0 where O or E is not positive. */
static double
g2_term(double o, double e)
{
    return o > 0 && e > 0 ? o * log(o / e) : 0;
}

double
kqi_assoc_g2(double o11, double o12, double o21, double o22)
{
    double n = o11 + o12 + o21 + o22;
    if (n <= 0) {
        return NAN;
    }
    double r1 = o11 + o12, r2 = o21 + o22;
    double c1 = o11 + o21, c2 = o12 + o22;
    double g = 2 * (g2_term(o11, r1 * c1 / n) + g2_term(o12, r1 * c2 / n) +
                    g2_term(o21, r2 * c1 / n) + g2_term(o22, r2 * c2 / n));
    /* Signed: negative where the cell (1,1) is below its expectation. */
    return o11 < r1 * c1 / n ? -g : g;
}

double
kqi_assoc_g2_keyword(double a, double b, double c, double d)
{
    if (c <= 0 || d <= 0 || a + b <= 0) {
        return NAN;
    }
    double e1 = c * (a + b) / (c + d), e2 = d * (a + b) / (c + d);
    double g = 2 * (g2_term(a, e1) + g2_term(b, e2));
    return a / c < b / d ? -g : g;
}

double
kqi_assoc_log_ratio(double a, double b, double c, double d)
{
    if (c <= 0 || d <= 0 || a <= 0) {
        return NAN;
    }
    return log2((a / c) / ((b > 0 ? b : KQ_ASSOC_ZERO) / d));
}

double
kqi_assoc_pct_diff(double a, double b, double c, double d)
{
    if (c <= 0 || d <= 0) {
        return NAN;
    }
    double rb = (b > 0 ? b : KQ_ASSOC_ZERO) / d;
    return 100 * (a / c - rb) / rb;
}
