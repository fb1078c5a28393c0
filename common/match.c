/*
** match.c -- a query's matches in one document: the spans of tokens that
** satisfy it, by the counting rule of each operator.  Every number of
** occurrences kq prints (kq hist), every concordance line (kq kwic), every
** snippet highlight and every match kq explain lists comes from here, so
** they all count the same things.  The rules (kq(1), MATCHES):
**
**   word, pre*, =word   each token it matches (title:, body: in that
**                       field only), a span of one token
**   "w1 ... wk"         k tokens at consecutive positions; non-overlapping,
**                       found left to right (leftmost first, the next
**                       looked for after its end)
**   NEAR/n, ADJ/n       one token per word (distinct tokens), the last
**                       position minus the first at most n + k - 2 (ADJ:
**                       in the query's order); non-overlapping, left to
**                       right: of the windows that satisfy it, the one
**                       that ends first, and of those the shortest; the
**                       span runs from its first to its last token
**   AND                 the union of its parts' matches
**   OR                  the union of the matches of its parts that match
**   NOT, source:, NAME:, date:, id:, *
**                       conditions on the document: no matches
**
** and the union counts identical spans once.  The matches are computed
** from the positions of the query's terms in the document, which come from
** a provider (kqi_mprov): kq's own posting lists (below), or a Xapian
** database's (xbackend.c).  Positions are numbered as the writers number
** them: the title's tokens from 0, the body's from the title's end plus
** KQI_TITLE_GAP, so no span crosses from one to the other;
** kq_match_locate() turns positions into byte offsets by analysing the
** texts again.
**
** A query is compiled once (prefixes expanded, every dictionary key it
** needs numbered), then evaluated document by document.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>

/* Compiled nodes. */
enum {
    M_NONE,   /* matches nothing */
    M_SLOT,   /* positions of aKey, less those of aSub (body:) */
    M_EXACT,  /* =word: tokens whose folded form is pQ->zWord */
    M_PHRASE, /* aChild are slots at aOffset */
    M_NEAR,   /* aChild are slots within nWindow (bOrdered: ADJ) */
    M_AND,    /* aChild must match; aNeg must not */
    M_OR,
    M_MAYBE, /* aChild[0] must match; aChild[1]'s matches count where it
             ** matches too (+a b c) */
    M_NOT,   /* aChild[0] must not match */
    M_DATE,  /* the document's date is within pQ->zLo .. zHi */
    M_ID     /* the document's id is pQ->zTerm */
};

typedef struct mnode mnode;
struct mnode {
    int eType;
    int *aKey; /* SLOT: numbers of keys in the matcher's table */
    int nKey;
    int *aSub; /* SLOT: keys whose positions are not the slot's */
    int nSub;
    int bNoSpan; /* a condition, not text (source:, NAME:) */
    int iPart;   /* the query part it counts for (kq_match.iPart) */
    const kqi_qnode *pQ;
    u32 *aOffset; /* PHRASE */
    u32 nWindow;  /* NEAR */
    int bOrdered;
    mnode **aChild;
    int nChild;
    /* Per document: SLOT's positions (u32 list in the matcher's arena) */
    size_t iPos, nPos;
    u32 iGen; /* the document they are of */
};

/* A growable array of u32. */
typedef struct u32s {
    u32 *a;
    size_t n, nAlloc;
} u32s;

static int
u32s_reserve(u32s *v, size_t nMore)
{
    if (v->n + nMore <= v->nAlloc) {
        return KQ_OK;
    }
    size_t n = v->nAlloc ? v->nAlloc : 256;
    while (n < v->n + nMore) {
        n *= 2;
    }
    u32 *a = realloc(v->a, n * sizeof(u32));
    if (a == NULL) {
        return KQ_NOMEM;
    }
    v->a = a;
    v->nAlloc = n;
    return KQ_OK;
}

struct kq_matcher {
    kqi_mprov prov;
    kq_analyzer *pA;
    mnode *pRoot;
    char **azKey; /* every key the query reads, sorted, distinct */
    int nKey;
    int nPart;
    int bNeedText; /* an =word: the texts are analysed */
    u32 iGen;      /* documents evaluated so far (slot caches) */
    kq_docid iDoc;
    u32s pos;         /* the slots' positions of this document */
    kq_match *aMatch; /* the matches of this document */
    size_t nMatch, nMatchAlloc;
    kqi_mdoc doc; /* id, date, texts of this document */
    int bDoc;     /* doc is loaded */
    int bDocText;
};

/**************************************************************************
** Compiling.
*/
typedef struct mbuild {
    kq_matcher *m;
    char **az; /* keys as collected (duplicates allowed) */
    int n;
    size_t nAlloc;
    char **pzErr;
} mbuild;

static void
mnode_free(mnode *p)
{
    if (p) {
        for (int i = 0; i < p->nChild; i++) {
            mnode_free(p->aChild[i]);
        }
        free(p->aChild);
        free(p->aKey);
        free(p->aSub);
        free(p->aOffset);
        free(p);
    }
}

/* Add key z/n (prefixed by zPfx) to the build's list: its number there
** (renumbered to the sorted table by build_table()), or -1 on OOM. */
static int
add_key(mbuild *b, const char *zPfx, const char *z, size_t n)
{
    if (kq_grow(&b->az, sizeof(char *), &b->nAlloc, (size_t)b->n + 1, 16)) {
        return -1;
    }
    size_t nPfx = zPfx ? strlen(zPfx) : 0;
    char *k = malloc(nPfx + n + 1);
    if (k == NULL) {
        return -1;
    }
    if (nPfx) {
        memcpy(k, zPfx, nPfx);
    }
    memcpy(k + nPfx, z, n);
    k[nPfx + n] = 0;
    b->az[b->n] = k;
    return b->n++;
}

static int
push_int(int **pa, int *pn, int v)
{
    int *a = realloc(*pa, sizeof(int) * (size_t)(*pn + 1));
    if (a == NULL) {
        return KQ_NOMEM;
    }
    a[(*pn)++] = v;
    *pa = a;
    return KQ_OK;
}

static mnode *
mnode_new(int eType, const kqi_qnode *q)
{
    mnode *p = calloc(1, sizeof(*p));
    if (p) {
        p->eType = eType;
        p->pQ = q;
        p->iPart = -1;
    }
    return p;
}

static int
mnode_add(mnode *p, mnode *c)
{
    if (c == NULL) {
        return KQ_NOMEM;
    }
    mnode **a = realloc(p->aChild, sizeof(mnode *) * (size_t)(p->nChild + 1));
    if (a == NULL) {
        mnode_free(c);
        return KQ_NOMEM;
    }
    a[p->nChild++] = c;
    p->aChild = a;
    return KQ_OK;
}

/* A slot: the tokens of one word, prefix or expansion (q: TERM, PREFIX or
** another expanding leaf) in q's field. */
static int
compile_slot(mbuild *b, const kqi_qnode *q, mnode **ppOut)
{
    mnode *p = mnode_new(q->bNever ? M_NONE : M_SLOT, q);
    *ppOut = p;
    if (p == NULL) {
        return KQ_NOMEM;
    }
    if (q->bNever) {
        return KQ_OK;
    }
    p->bNoSpan = q->eField == KQI_FIELD_SOURCE || q->eField == KQI_FIELD_EXTRA;
    char aPfx[KQI_MAX_KEY + 2];
    if (kqi_field_prefix(q, aPfx, sizeof(aPfx)) < 0) {
        aPfx[0] = 0; /* no such field: the search refused the query */
    }
    const char *zPos = q->eField == KQI_FIELD_BODY ? "" : aPfx;
    char **az = NULL;
    int n = 0, rc = KQ_OK;
    if (q->eType == KQI_Q_TERM) {
        az = malloc(sizeof(char *));
        if (az == NULL || (az[0] = malloc(q->nTerm + 1)) == NULL) {
            free(az);
            return KQ_NOMEM;
        }
        memcpy(az[0], q->zTerm, q->nTerm);
        az[0][q->nTerm] = 0;
        n = 1;
    } else {
        rc = b->m->prov.xExpand(b->m->prov.pCtx, q, &az, &n, b->pzErr);
    }
    /* A TERM's key is made here; an expansion's come with their prefix
    ** (none for body:, whose title copies T + term are subtracted). */
    size_t nPos = q->eType == KQI_Q_TERM ? strlen(zPos) : 0;
    for (int i = 0; rc == KQ_OK && i < n; i++) {
        size_t nz = strlen(az[i]);
        int k = add_key(b, nPos ? zPos : NULL, az[i], nz);
        rc = k < 0 ? KQ_NOMEM : push_int(&p->aKey, &p->nKey, k);
        if (rc == KQ_OK && q->eField == KQI_FIELD_BODY) {
            k = add_key(b, aPfx, az[i], nz);
            rc = k < 0 ? KQ_NOMEM : push_int(&p->aSub, &p->nSub, k);
        }
    }
    for (int i = 0; i < n; i++) {
        free(az[i]);
    }
    free(az);
    return rc;
}

static int compile(mbuild *b, const kqi_qnode *q, mnode **ppOut);

static int
compile_children(mbuild *b, const kqi_qnode *q, mnode *p, int bSlots)
{
    int rc = KQ_OK;
    for (int i = 0; rc == KQ_OK && i < q->nChild; i++) {
        mnode *c = NULL;
        const kqi_qnode *k = q->aChild[i];
        if (bSlots) {
            /* (The parser gives a phrase's words the phrase's field.) */
            rc = compile_slot(b, k, &c);
        } else {
            rc = compile(b, k, &c);
        }
        int rc2 = mnode_add(p, c);
        rc = rc ? rc : rc2;
    }
    return rc;
}

static int
compile(mbuild *b, const kqi_qnode *q, mnode **ppOut)
{
    mnode *p = NULL;
    int rc = KQ_OK;
    *ppOut = NULL;
    switch (q->eType) {
    case KQI_Q_TERM:
    case KQI_Q_PREFIX:
    case KQI_Q_WILD:
    case KQI_Q_FUZZY:
        rc = compile_slot(b, q, ppOut);
        if (*ppOut && !(*ppOut)->bNoSpan) {
            (*ppOut)->iPart = b->m->nPart++;
        }
        return rc;
    case KQI_Q_EXACT:
        p = mnode_new(M_EXACT, q);
        if (p) {
            p->iPart = b->m->nPart++;
            b->m->bNeedText = 1;
        }
        break;
    case KQI_Q_PHRASE:
    case KQI_Q_NEAR: {
        p = mnode_new(q->eType == KQI_Q_PHRASE ? M_PHRASE : M_NEAR, q);
        if (p == NULL) {
            return KQ_NOMEM;
        }
        p->bNoSpan = q->eField == KQI_FIELD_SOURCE ||
                     q->eField == KQI_FIELD_EXTRA;
        p->nWindow = q->nWindow;
        p->bOrdered = q->bOrdered;
        if (!p->bNoSpan) {
            p->iPart = b->m->nPart++;
        }
        rc = compile_children(b, q, p, 1);
        if (rc == KQ_OK && p->eType == M_PHRASE) {
            p->aOffset = calloc((size_t)p->nChild + 1, sizeof(u32));
            if (p->aOffset == NULL) {
                rc = KQ_NOMEM;
            }
            for (int i = 0; rc == KQ_OK && i < p->nChild; i++) {
                p->aOffset[i] = q->aChild[i]->iOffset;
            }
        }
        break;
    }
    case KQI_Q_AND:
    case KQI_Q_OR:
    case KQI_Q_MAYBE:
        p = mnode_new(q->eType == KQI_Q_AND  ? M_AND
                      : q->eType == KQI_Q_OR ? M_OR
                                             : M_MAYBE,
                      q);
        if (p) {
            rc = compile_children(b, q, p, 0);
        }
        break;
    case KQI_Q_NOT:
        p = mnode_new(M_NOT, q);
        if (p) {
            rc = compile_children(b, q, p, 0);
        }
        break;
    case KQI_Q_DATE: p = mnode_new(M_DATE, q); break;
    case KQI_Q_ID: p = mnode_new(M_ID, q); break;
    default: p = mnode_new(M_NONE, q); break;
    }
    *ppOut = p;
    return p == NULL ? KQ_NOMEM : rc;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Renumber the slots' keys by aMap (build_table()). */
static void
renumber(mnode *p, const int *aMap)
{
    for (int i = 0; p && i < p->nKey; i++) {
        p->aKey[i] = aMap[p->aKey[i]];
    }
    for (int i = 0; p && i < p->nSub; i++) {
        p->aSub[i] = aMap[p->aSub[i]];
    }
    for (int i = 0; p && i < p->nChild; i++) {
        renumber(p->aChild[i], aMap);
    }
}

/* Sort and de-duplicate the collected keys into m->azKey, and renumber
** the slots' keys. */
static int
build_table(mbuild *b)
{
    kq_matcher *m = b->m;
    int *aMap = malloc(sizeof(int) * (size_t)(b->n + 1));
    char **azSorted = malloc(sizeof(char *) * (size_t)(b->n + 1));
    if (aMap == NULL || azSorted == NULL) {
        free(aMap);
        free(azSorted);
        return KQ_NOMEM;
    }
    if (b->n) {
        memcpy(azSorted, b->az, sizeof(char *) * (size_t)b->n);
        qsort(azSorted, (size_t)b->n, sizeof(char *), cmp_str);
    }
    int n = 0;
    for (int i = 0; i < b->n; i++) {
        if (n == 0 || strcmp(azSorted[n - 1], azSorted[i]) != 0) {
            azSorted[n++] = azSorted[i];
        }
    }
    for (int i = 0; i < b->n; i++) {
        char **pk = bsearch(&b->az[i], azSorted, (size_t)n, sizeof(char *),
                            cmp_str);
        aMap[i] = (int)(pk - azSorted);
        if (*pk != b->az[i]) {
            free(b->az[i]);
        }
    }
    free(b->az);
    b->az = NULL;
    b->n = 0;
    renumber(m->pRoot, aMap);
    free(aMap);
    m->azKey = azSorted;
    m->nKey = n;
    return KQ_OK;
}

int
kqi_matcher_new(kq_analyzer *pA, const kq_query *q, const kqi_mprov *pProv,
                kq_matcher **ppOut, char **pzErr)
{
    *ppOut = NULL;
    kq_matcher *m = calloc(1, sizeof(*m));
    if (m == NULL) {
        if (pProv->xFree) {
            pProv->xFree(pProv->pCtx);
        }
        return KQ_NOMEM;
    }
    m->prov = *pProv;
    m->pA = pA;
    m->iDoc = KQ_DOCID_EOF;
    /* Allocated now, so that kq_matcher_doc() never gives NULL. */
    m->nMatchAlloc = 16;
    m->aMatch = malloc(m->nMatchAlloc * sizeof(kq_match));
    if (m->aMatch == NULL) {
        if (pProv->xFree) {
            pProv->xFree(pProv->pCtx);
        }
        free(m);
        return KQ_NOMEM;
    }
    mbuild b = {m, NULL, 0, 0, pzErr};
    int rc = compile(&b, q->pRoot, &m->pRoot);
    if (rc == KQ_OK) {
        rc = build_table(&b);
    }
    for (int i = 0; i < b.n; i++) {
        free(b.az[i]);
    }
    free(b.az);
    if (rc == KQ_OK && m->prov.xKeys) {
        rc = m->prov.xKeys(m->prov.pCtx, (const char *const *)m->azKey,
                           m->nKey, pzErr);
    }
    if (rc) {
        kq_matcher_free(m);
        return rc;
    }
    *ppOut = m;
    return KQ_OK;
}

void
kq_matcher_free(kq_matcher *m)
{
    if (m) {
        if (m->prov.xFree) {
            m->prov.xFree(m->prov.pCtx);
        }
        mnode_free(m->pRoot);
        for (int i = 0; i < m->nKey; i++) {
            free(m->azKey[i]);
        }
        free(m->azKey);
        free(m->pos.a);
        free(m->aMatch);
        free(m);
    }
}

int
kqi_matcher_nkey(const kq_matcher *m)
{
    return m->nKey;
}

/**************************************************************************
** Spans of phrases and NEAR, from their slots' position lists (each
** ascending).  The emitted spans go to the matcher's list by emit().
*/
static int
emit(kq_matcher *m, u32 iFirst, u32 iLast, int iPart)
{
    if (kq_grow(&m->aMatch, sizeof(kq_match), &m->nMatchAlloc, m->nMatch + 1,
                64)) {
        return KQ_NOMEM;
    }
    kq_match *x = &m->aMatch[m->nMatch++];
    memset(x, 0, sizeof(*x));
    x->iFirst = iFirst;
    x->iLast = iLast;
    x->iPart = iPart;
    return KQ_OK;
}

/* Is v in the ascending list a[0..n), from *pi on (moved forward)? */
static int
has_from(const u32 *a, size_t n, size_t *pi, u64 v)
{
    while (*pi < n && a[*pi] < v) {
        (*pi)++;
    }
    return *pi < n && a[*pi] == v;
}

/* Phrase: bases b with child i at b + aOffset[i]; non-overlapping, leftmost
** first.  *pn gets their number; with bEmit they are emitted too. */
static int
phrase_spans(kq_matcher *m, mnode *p, int bEmit, u32 *pn)
{
    int n = p->nChild;
    u32 offMin = p->aOffset[0], offMax = p->aOffset[0];
    for (int i = 1; i < n; i++) {
        offMin = p->aOffset[i] < offMin ? p->aOffset[i] : offMin;
        offMax = p->aOffset[i] > offMax ? p->aOffset[i] : offMax;
    }
    enum { NSTACK = 64 };
    size_t aiStack[NSTACK];
    size_t *ai = n <= NSTACK ? aiStack : calloc((size_t)n, sizeof(size_t));
    if (ai == NULL) {
        return KQ_NOMEM;
    }
    memset(ai, 0, sizeof(size_t) * (size_t)n);
    const mnode *c0 = p->aChild[0];
    const u32 *a0 = m->pos.a + c0->iPos;
    u64 nextFree = 0; /* the first position a new match may use */
    int rc = KQ_OK;
    *pn = 0;
    for (size_t k = 0; rc == KQ_OK && k < c0->nPos; k++) {
        if (a0[k] < p->aOffset[0]) {
            continue;
        }
        u64 base = (u64)a0[k] - p->aOffset[0];
        if (base + offMin < nextFree) {
            continue;
        }
        int bAll = 1;
        for (int i = 1; i < n && bAll; i++) {
            const mnode *c = p->aChild[i];
            bAll = has_from(m->pos.a + c->iPos, c->nPos, &ai[i],
                            base + p->aOffset[i]);
        }
        if (bAll) {
            (*pn)++;
            nextFree = base + offMax + 1;
            if (bEmit) {
                rc = emit(m, (u32)(base + offMin), (u32)(base + offMax),
                          p->iPart);
            }
        }
    }
    if (ai != aiStack) {
        free(ai);
    }
    return rc;
}

/* Two slots read the same terms (a word written twice in a NEAR): they are
** one group, needing as many distinct tokens as it has slots. */
static int
same_slot(const mnode *a, const mnode *b)
{
    if (a->eType != b->eType || a->nKey != b->nKey || a->nSub != b->nSub) {
        return 0;
    }
    return memcmp(a->aKey, b->aKey, sizeof(int) * (size_t)a->nKey) == 0 &&
           (a->nSub == 0 ||
            memcmp(a->aSub, b->aSub, sizeof(int) * (size_t)a->nSub) == 0);
}

/* The last position <= v in a[0..n) that is > lo, or -1. */
static long long
last_at_most(const u32 *a, size_t n, u64 v, long long lo)
{
    size_t l = 0, h = n; /* first index with a[i] > v */
    while (l < h) {
        size_t mid = (l + h) / 2;
        if (a[mid] <= v) {
            l = mid + 1;
        } else {
            h = mid;
        }
    }
    if (l == 0 || (long long)a[l - 1] <= lo) {
        return -1;
    }
    return a[l - 1];
}

/* ADJ/n: chains p0 < p1 < ... < p(k-1), p(k-1) - p0 <= span - 1.  The
** earliest-ending chain, latest-starting for its end, after the previous
** match; then the next. */
static int
adj_spans(kq_matcher *m, mnode *p, int bEmit, u32 *pn)
{
    int n = p->nChild;
    u64 span = (u64)p->nWindow + (u64)n - 1;
    const mnode *cl = p->aChild[n - 1];
    const u32 *aL = m->pos.a + cl->iPos;
    long long prevEnd = -1;
    int rc = KQ_OK;
    *pn = 0;
    for (size_t k = 0; rc == KQ_OK && k < cl->nPos; k++) {
        long long e = aL[k];
        if (e <= prevEnd) {
            continue;
        }
        long long at = e;
        for (int i = n - 2; i >= 0 && at >= 0; i--) {
            const mnode *c = p->aChild[i];
            at = at == 0 ? -1
                         : last_at_most(m->pos.a + c->iPos, c->nPos,
                                        (u64)at - 1, prevEnd);
        }
        if (at >= 0 && (u64)(e - at) < span) {
            (*pn)++;
            prevEnd = e;
            if (bEmit) {
                rc = emit(m, (u32)at, (u32)e, p->iPart);
            }
        }
    }
    return rc;
}

/* NEAR/n: windows holding, for every group of identical slots, as many
** distinct tokens as it has slots, the last minus the first < n + k - 1.
** The earliest-ending window, shortest for its end; then the next after
** it. */
static int
near_spans(kq_matcher *m, mnode *p, int bEmit, u32 *pn)
{
    enum { MAXN = KQ_MAX_NEAR_WORDS }; /* the parser's check */
    int n = p->nChild < MAXN ? p->nChild : MAXN;
    int aGroup[MAXN], aNeed[MAXN], nGroup = 0;
    *pn = 0;
    for (int i = 0; i < n; i++) {
        int g = 0;
        while (g < nGroup && !same_slot(p->aChild[aGroup[g]], p->aChild[i])) {
            g++;
        }
        if (g == nGroup) {
            aGroup[nGroup] = i;
            aNeed[nGroup++] = 0;
        }
        aNeed[g]++;
    }
    /* Merge the groups' lists: entries position << 8 | group. */
    size_t nAll = 0;
    for (int g = 0; g < nGroup; g++) {
        nAll += p->aChild[aGroup[g]]->nPos;
    }
    u64 *aM = malloc(sizeof(u64) * (nAll ? nAll : 1));
    if (aM == NULL) {
        return KQ_NOMEM;
    }
    size_t aAt[MAXN] = {0};
    for (size_t k = 0; k < nAll; k++) {
        int gMin = -1;
        u32 vMin = 0;
        for (int g = 0; g < nGroup; g++) {
            const mnode *c = p->aChild[aGroup[g]];
            if (aAt[g] < c->nPos) {
                u32 v = m->pos.a[c->iPos + aAt[g]];
                if (gMin < 0 || v < vMin) {
                    gMin = g;
                    vMin = v;
                }
            }
        }
        aAt[gMin]++;
        aM[k] = (u64)vMin << 8 | (u64)gMin;
    }
    u64 span = (u64)p->nWindow + (u64)n - 1;
    int aHave[MAXN] = {0}, nShort = nGroup;
    size_t lo = 0;
    int rc = KQ_OK;
    for (size_t hi = 0; rc == KQ_OK && hi < nAll; hi++) {
        int g = (int)(aM[hi] & 0xff);
        if (++aHave[g] == aNeed[g]) {
            nShort--;
        }
        if (nShort) {
            continue;
        }
        /* Shrink from the left while every group still has enough. */
        for (;;) {
            int gl = (int)(aM[lo] & 0xff);
            if (aHave[gl] > aNeed[gl]) {
                aHave[gl]--;
                lo++;
            } else {
                break;
            }
        }
        u64 first = aM[lo] >> 8, last = aM[hi] >> 8;
        if (last - first < span) {
            (*pn)++;
            if (bEmit) {
                rc = emit(m, (u32)first, (u32)last, p->iPart);
            }
            /* Start again after this window. */
            memset(aHave, 0, sizeof(aHave));
            nShort = nGroup;
            while (hi + 1 < nAll && (aM[hi + 1] >> 8) == last) {
                hi++;
            }
            lo = hi + 1;
        }
    }
    free(aM);
    return rc;
}

/**************************************************************************
** Evaluating one document.
*/
static int
load_doc(kq_matcher *m, int bText, char **pzErr)
{
    if (m->bDoc && (m->bDocText || !bText)) {
        return KQ_OK;
    }
    int rc = m->prov.xDoc(m->prov.pCtx, m->iDoc, bText, &m->doc, pzErr);
    if (rc == KQ_OK) {
        m->bDoc = 1;
        m->bDocText = bText;
    }
    return rc;
}

static int
cmp_u32(const void *pa, const void *pb)
{
    u32 a = *(const u32 *)pa, b = *(const u32 *)pb;
    return a < b ? -1 : a > b;
}

/* The positions of slot p in this document into m->pos. */
static int
slot_positions(kq_matcher *m, mnode *p, char **pzErr)
{
    if (p->iGen == m->iGen) {
        return KQ_OK;
    }
    p->iPos = m->pos.n;
    p->nPos = 0;
    int bSort = 0;
    for (int i = 0; i < p->nKey; i++) {
        const u32 *a;
        u32 n;
        int rc = m->prov.xPos(m->prov.pCtx, m->iDoc, p->aKey[i], &a, &n,
                              pzErr);
        if (rc) {
            return rc;
        }
        if (n == 0) {
            continue;
        }
        if ((rc = u32s_reserve(&m->pos, n)) != KQ_OK) {
            return rc;
        }
        bSort |= p->nPos > 0;
        memcpy(m->pos.a + m->pos.n, a, n * sizeof(u32));
        m->pos.n += n;
        p->nPos += n;
    }
    if (p->nPos == 0) {
        p->iGen = m->iGen;
        return KQ_OK;
    }
    u32 *a = m->pos.a + p->iPos;
    if (bSort) {
        /* Several terms: their positions merged (a token has one term, so
        ** they are distinct). */
        qsort(a, p->nPos, sizeof(u32), cmp_u32);
    }
    if (p->nSub) {
        /* body: the positions that are not also the title's. */
        size_t nKeep = 0;
        for (size_t i = 0; i < p->nPos; i++) {
            int bTitle = 0;
            for (int s = 0; s < p->nSub && !bTitle; s++) {
                const u32 *t;
                u32 nt;
                int rc = m->prov.xPos(m->prov.pCtx, m->iDoc, p->aSub[s], &t,
                                      &nt, pzErr);
                if (rc) {
                    return rc;
                }
                size_t j = 0;
                bTitle = has_from(t, nt, &j, a[i]);
            }
            if (!bTitle) {
                a[nKeep++] = a[i];
            }
        }
        p->nPos = nKeep;
        m->pos.n = p->iPos + nKeep;
    }
    p->iGen = m->iGen;
    return KQ_OK;
}

/* =word: the tokens whose folded form is the word, in the field asked. */
typedef struct exscan {
    kq_matcher *m;
    const kqi_qnode *q;
    int iPart;
    u32 n;
    int bEmit;
    int rc;
} exscan;

static int
exact_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
         size_t iStart, size_t iEnd)
{
    exscan *e = pCtx;
    KQ_UNUSED(iStart);
    KQ_UNUSED(iEnd);
    if (nTerm == e->q->nWord && memcmp(zTerm, e->q->zWord, nTerm) == 0) {
        e->n++;
        if (e->bEmit && (e->rc = emit(e->m, iPos, iPos, e->iPart)) != 0) {
            return e->rc;
        }
    }
    return 0;
}

static int
exact_spans(kq_matcher *m, mnode *p, int bEmit, u32 *pn, char **pzErr)
{
    int rc = load_doc(m, 1, pzErr);
    if (rc) {
        return rc;
    }
    const kqi_qnode *q = p->pQ;
    exscan e = {m, q, p->iPart, 0, bEmit, KQ_OK};
    uint32_t iEnd = 0;
    /* Positions as the writers give them: the title's from 0, the body's
    ** after the title's end and a gap. */
    kq_analyze(m->pA, KQ_ANALYZE_NOSTEM, m->doc.zTitle, m->doc.nTitle, 0,
               &iEnd, q->eField == KQI_FIELD_BODY ? NULL : &e,
               q->eField == KQI_FIELD_BODY ? NULL : exact_cb);
    if (e.rc == KQ_OK && q->eField != KQI_FIELD_TITLE) {
        kq_analyze(m->pA, KQ_ANALYZE_NOSTEM, m->doc.zBody, m->doc.nBody,
                   iEnd + KQI_TITLE_GAP, NULL, &e, exact_cb);
    }
    *pn = e.n;
    return e.rc;
}

static int eval(kq_matcher *m, mnode *p, int bEmit, int *pbMatch,
                char **pzErr);

/* The document's date terms within the range? (As the date: plan: a date
** term covering only days within it.) */
static int
date_match(kq_matcher *m, const kqi_qnode *q, int *pbMatch, char **pzErr)
{
    int rc = load_doc(m, 0, pzErr);
    if (rc) {
        return rc;
    }
    char aTerm[3][12];
    int n = kqi_date_terms(m->doc.zDate, m->doc.nDate, aTerm);
    *pbMatch = 0;
    for (int i = 0; i < n && !*pbMatch; i++) {
        *pbMatch = kqi_date_within(aTerm[i], strlen(aTerm[i]), q->zLo, q->zHi);
    }
    return KQ_OK;
}

static int
eval(kq_matcher *m, mnode *p, int bEmit, int *pbMatch, char **pzErr)
{
    int rc = KQ_OK;
    u32 n = 0;
    size_t nAt = m->nMatch;
    bEmit = bEmit && !p->bNoSpan;
    *pbMatch = 0;
    switch (p->eType) {
    case M_NONE: return KQ_OK;
    case M_SLOT:
        rc = slot_positions(m, p, pzErr);
        *pbMatch = rc == KQ_OK && p->nPos > 0;
        for (size_t i = 0; rc == KQ_OK && bEmit && i < p->nPos; i++) {
            u32 v = m->pos.a[p->iPos + i];
            rc = emit(m, v, v, p->iPart);
        }
        return rc;
    case M_EXACT:
        rc = exact_spans(m, p, bEmit, &n, pzErr);
        *pbMatch = n > 0;
        return rc;
    case M_PHRASE:
    case M_NEAR:
        for (int i = 0; rc == KQ_OK && i < p->nChild; i++) {
            rc = slot_positions(m, p->aChild[i], pzErr);
            if (rc == KQ_OK && p->aChild[i]->eType != M_SLOT) {
                return KQ_OK; /* a word that matches nothing */
            }
            if (rc == KQ_OK && p->aChild[i]->nPos == 0) {
                return KQ_OK;
            }
        }
        if (rc == KQ_OK) {
            rc = p->eType == M_PHRASE ? phrase_spans(m, p, bEmit, &n)
                 : p->bOrdered        ? adj_spans(m, p, bEmit, &n)
                                      : near_spans(m, p, bEmit, &n);
        }
        *pbMatch = n > 0;
        return rc;
    case M_AND: {
        int bAll = 1;
        for (int i = 0; rc == KQ_OK && bAll && i < p->nChild; i++) {
            int b;
            rc = eval(m, p->aChild[i], bEmit, &b, pzErr);
            bAll = b;
        }
        *pbMatch = rc == KQ_OK && bAll;
        break;
    }
    case M_OR:
        for (int i = 0; rc == KQ_OK && i < p->nChild; i++) {
            int b;
            rc = eval(m, p->aChild[i], bEmit, &b, pzErr);
            *pbMatch |= b;
        }
        break;
    case M_MAYBE: {
        rc = eval(m, p->aChild[0], bEmit, pbMatch, pzErr);
        int b;
        if (rc == KQ_OK && *pbMatch) {
            rc = eval(m, p->aChild[1], bEmit, &b, pzErr);
        }
        break;
    }
    case M_NOT: {
        int b = 0;
        rc = eval(m, p->aChild[0], 0, &b, pzErr);
        *pbMatch = !b;
        break;
    }
    case M_DATE: return date_match(m, p->pQ, pbMatch, pzErr);
    case M_ID:
        /* id:X, or with bIdPrefix (id:X*) the ids that start with X. */
        rc = load_doc(m, 0, pzErr);
        *pbMatch = rc == KQ_OK &&
                   (p->pQ->bIdPrefix ? m->doc.nId >= p->pQ->nTerm
                                     : m->doc.nId == p->pQ->nTerm) &&
                   memcmp(m->doc.zId, p->pQ->zTerm, p->pQ->nTerm) == 0;
        return rc;
    }
    if (rc == KQ_OK && !*pbMatch) {
        m->nMatch = nAt; /* a part that does not match counts nothing */
    }
    return rc;
}

static int
cmp_match(const void *pa, const void *pb)
{
    const kq_match *a = pa, *b = pb;
    if (a->iFirst != b->iFirst) {
        return a->iFirst < b->iFirst ? -1 : 1;
    }
    if (a->iLast != b->iLast) {
        return a->iLast < b->iLast ? -1 : 1;
    }
    return a->iPart < b->iPart ? -1 : a->iPart > b->iPart;
}

int
kq_matcher_doc(kq_matcher *m, kq_docid iDoc, int *pbMatch,
               const kq_match **paOut, size_t *pnOut, char **pzErr)
{
    m->iGen++;
    if (m->iGen == 0) { /* wrapped: no slot may think it is current */
        m->iGen = 1;
    }
    m->iDoc = iDoc;
    m->bDoc = 0;
    m->bDocText = 0;
    m->pos.n = 0;
    m->nMatch = 0;
    int rc = eval(m, m->pRoot, 1, pbMatch, pzErr);
    if (rc) {
        return rc;
    }
    /* In text order, identical spans once. */
    if (m->nMatch > 1) {
        qsort(m->aMatch, m->nMatch, sizeof(kq_match), cmp_match);
    }
    size_t n = 0;
    for (size_t i = 0; i < m->nMatch; i++) {
        if (n == 0 || m->aMatch[n - 1].iFirst != m->aMatch[i].iFirst ||
            m->aMatch[n - 1].iLast != m->aMatch[i].iLast) {
            m->aMatch[n++] = m->aMatch[i];
        }
    }
    m->nMatch = n;
    *paOut = m->aMatch;
    *pnOut = n;
    return KQ_OK;
}

const kqi_mdoc *
kqi_matcher_text(kq_matcher *m, char **pzErr, int *pRc)
{
    *pRc = load_doc(m, 1, pzErr);
    return *pRc ? NULL : &m->doc;
}

/**************************************************************************
** Byte offsets.
*/
typedef struct locscan {
    kq_match *a;
    size_t n;
    size_t iFirst; /* matches before it are placed */
    int bTitle;
} locscan;

static int
locate_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
          size_t iStart, size_t iEnd)
{
    locscan *l = pCtx;
    KQ_UNUSED(zTerm);
    KQ_UNUSED(nTerm);
    /* Matches are sorted by iFirst; those whose first or last token this
    ** is get its bytes.  Skip the ones entirely before it. */
    while (l->iFirst < l->n && l->a[l->iFirst].iLast < iPos) {
        l->iFirst++;
    }
    for (size_t i = l->iFirst; i < l->n && l->a[i].iFirst <= iPos; i++) {
        kq_match *x = &l->a[i];
        if (x->iFirst == iPos) {
            x->iStart = iStart;
            x->bTitle = l->bTitle;
        }
        if (x->iLast == iPos) {
            x->iEnd = iEnd;
        }
    }
    return 0;
}

int
kq_match_locate(kq_analyzer *pA, const char *zTitle, size_t nTitle,
                const char *zBody, size_t nBody, kq_match *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        a[i].iStart = a[i].iEnd = (size_t)-1;
        a[i].bTitle = 0;
    }
    locscan l = {a, n, 0, 1};
    uint32_t iEnd = 0;
    int rc = kq_analyze(pA, KQ_ANALYZE_NOSTEM, zTitle ? zTitle : "", nTitle, 0,
                        &iEnd, &l, locate_cb);
    l.bTitle = 0;
    l.iFirst = 0;
    if (rc == KQ_OK) {
        rc = kq_analyze(pA, KQ_ANALYZE_NOSTEM, zBody ? zBody : "", nBody,
                        iEnd + KQI_TITLE_GAP, NULL, &l, locate_cb);
    }
    /* A match the texts do not hold (they changed, or a damaged index):
    ** an empty range at 0, never bytes outside the text. */
    for (size_t i = 0; i < n; i++) {
        size_t nText = a[i].bTitle ? nTitle : nBody;
        if (a[i].iStart == (size_t)-1 || a[i].iEnd == (size_t)-1 ||
            a[i].iStart > a[i].iEnd || a[i].iEnd > nText) {
            a[i].iStart = a[i].iEnd = 0;
        }
    }
    return rc;
}

/**************************************************************************
** kq's own index as the provider: a posting-list cursor per key, opened in
** the segment of the document asked for and moved forward (reopened when a
** document before the last one is asked for).
*/
typedef struct nkey {
    kqi_termloc *aLoc; /* per segment (df 0: not in it) */
    kqi_plc *pPlc;
    u32 iSeg;      /* of pPlc */
    u32 iTarget;   /* the last local docid sought */
    kq_docid iDoc; /* the document a/n are of (EOF: none) */
    /* Documents iDoc + 1 .. iNext - 1 do not hold the key: with the
    ** documents asked for in ascending order, each key costs a compare
    ** for most of them (an expansion has many keys, a document few). */
    kq_docid iNext;
    const u32 *a;
    u32 n;
} nkey;

typedef struct nprov {
    kq_index *pIdx;
    nkey *aKey;
    int nKey;
    kqi_textcache cache;
    u32 iCacheSeg;
} nprov;

static int
nprov_expand(void *pCtx, const kqi_qnode *q, char ***paz, int *pn,
             char **pzErr)
{
    nprov *p = pCtx;
    return kqi_leaf_terms(p->pIdx, q, paz, pn, pzErr);
}

static int
nprov_keys(void *pCtx, const char *const *azKey, int nKey, char **pzErr)
{
    nprov *p = pCtx;
    u32 nSeg = p->pIdx->man.nSeg;
    p->aKey = calloc((size_t)nKey + 1, sizeof(nkey));
    if (p->aKey == NULL) {
        return KQ_NOMEM;
    }
    p->nKey = nKey;
    for (int i = 0; i < nKey; i++) {
        nkey *k = &p->aKey[i];
        k->iDoc = KQ_DOCID_EOF;
        k->aLoc = calloc(nSeg ? nSeg : 1, sizeof(kqi_termloc));
        if (k->aLoc == NULL) {
            return KQ_NOMEM;
        }
        for (u32 s = 0; s < nSeg; s++) {
            int rc = kqi_dict_lookup(&p->pIdx->aSeg[s].dict, azKey[i],
                                     strlen(azKey[i]), &k->aLoc[s], pzErr);
            if (rc == KQ_NOTFOUND) {
                memset(&k->aLoc[s], 0, sizeof(kqi_termloc));
            } else if (rc) {
                return rc;
            }
        }
    }
    return KQ_OK;
}

/* The segment holding iDoc, or -1. */
static long
seg_of(const kq_index *pIdx, kq_docid iDoc)
{
    u32 lo = 0, hi = pIdx->man.nSeg;
    while (lo < hi) {
        u32 mid = (lo + hi) / 2;
        const kqi_segment *s = &pIdx->aSeg[mid];
        if (iDoc < s->iBase) {
            hi = mid;
        } else if (iDoc - s->iBase >= s->meta.nDoc) {
            lo = mid + 1;
        } else {
            return (long)mid;
        }
    }
    return -1;
}

static int
nprov_pos(void *pCtx, kq_docid iDoc, int iKey, const u32 **pa, u32 *pn,
          char **pzErr)
{
    nprov *p = pCtx;
    nkey *k = &p->aKey[iKey];
    *pa = NULL;
    *pn = 0;
    if (k->iDoc == iDoc) {
        *pa = k->a;
        *pn = k->n;
        return KQ_OK;
    }
    if (k->iDoc != KQ_DOCID_EOF && iDoc > k->iDoc && iDoc < k->iNext) {
        return KQ_OK;
    }
    long s = seg_of(p->pIdx, iDoc);
    if (s < 0) {
        return kqi_err(pzErr, KQ_MISUSE, "no document %u", (unsigned)iDoc);
    }
    kqi_segment *g = &p->pIdx->aSeg[s];
    u32 iLocal = iDoc - g->iBase;
    k->iDoc = iDoc;
    k->a = NULL;
    k->n = 0;
    k->iNext = g->iBase + g->meta.nDoc; /* none before the segment's end */
    if (k->aLoc[s].df == 0) {
        return KQ_OK;
    }
    if (k->pPlc == NULL || k->iSeg != (u32)s || iLocal < k->iTarget) {
        kqi_plc_free(k->pPlc);
        k->pPlc = NULL;
        int rc = kqi_plc_open(&g->aMap[KQI_F_POST], &g->aMap[KQI_F_POS],
                              &k->aLoc[s], g->docs.nDoc, &k->pPlc, pzErr);
        if (rc) {
            k->iDoc = KQ_DOCID_EOF;
            return rc;
        }
        k->iSeg = (u32)s;
    }
    k->iTarget = iLocal;
    int iFile = KQI_F_POST; /* the file a damage is in */
    int rc = kqi_plc_seek(k->pPlc, iLocal);
    u32 iAt = kqi_plc_docid(k->pPlc);
    if (rc == KQ_OK && iAt == iLocal) {
        k->iNext = iDoc + 1; /* (where the next one is is not known) */
        iFile = KQI_F_POS;
        rc = kqi_plc_positions(k->pPlc, &k->a, &k->n);
    } else if (rc == KQ_OK && iAt != KQ_DOCID_EOF) {
        k->iNext = g->iBase + iAt;
    }
    if (rc == KQ_CORRUPT) {
        k->iDoc = KQ_DOCID_EOF;
        return kqi_err(pzErr, rc, "%s: %s", g->aMap[iFile].zPath,
                       kqi_plc_errmsg(k->pPlc));
    }
    *pa = k->a;
    *pn = k->n;
    return rc == KQ_DONE ? KQ_OK : rc;
}

static int
nprov_doc(void *pCtx, kq_docid iDoc, int bText, kqi_mdoc *pOut, char **pzErr)
{
    nprov *p = pCtx;
    long s = seg_of(p->pIdx, iDoc);
    if (s < 0) {
        return kqi_err(pzErr, KQ_MISUSE, "no document %u", (unsigned)iDoc);
    }
    kqi_segment *g = &p->pIdx->aSeg[s];
    kqi_docrec info;
    int rc = kqi_docs_info(&g->docs, iDoc - g->iBase, &info, pzErr);
    if (rc) {
        return rc;
    }
    memset(pOut, 0, sizeof(*pOut));
    pOut->zId = info.zId;
    pOut->nId = info.nId;
    pOut->zDate = info.zDate;
    pOut->nDate = info.nDate;
    pOut->zTitle = info.zTitle;
    pOut->nTitle = info.nTitle;
    if (bText) {
        if (p->iCacheSeg != (u32)s) {
            kqi_textcache_clear(&p->cache);
            p->iCacheSeg = (u32)s;
        }
        rc = kqi_docs_text_ref(&g->docs, iDoc - g->iBase, &p->cache,
                               &pOut->zBody, &pOut->nBody, pzErr);
    }
    return rc;
}

static void
nprov_free(void *pCtx)
{
    nprov *p = pCtx;
    for (int i = 0; p->aKey && i < p->nKey; i++) {
        kqi_plc_free(p->aKey[i].pPlc);
        free(p->aKey[i].aLoc);
    }
    free(p->aKey);
    kqi_textcache_clear(&p->cache);
    free(p);
}

int
kq_matcher_new(kq_index *pIdx, const kq_query *q, kq_matcher **ppOut,
               char **pzErr)
{
    *ppOut = NULL;
    if (pIdx->pX) {
        return kqi_xmatcher_new(pIdx->pX, kq_index_analyzer(pIdx), q, ppOut,
                                pzErr);
    }
    nprov *n = calloc(1, sizeof(*n));
    if (n == NULL) {
        return KQ_NOMEM;
    }
    n->pIdx = pIdx;
    n->iCacheSeg = (u32)-1;
    kqi_mprov prov = {n,         nprov_expand, nprov_keys,
                      nprov_pos, nprov_doc,    nprov_free};
    return kqi_matcher_new(kq_index_analyzer(pIdx), q, &prov, ppOut, pzErr);
}
