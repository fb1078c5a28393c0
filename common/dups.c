/*
** dups.c -- near-duplicate clusters (kq dups, --dedup).
**
** Two documents are near-duplicates when the resemblance of their bodies
** (Broder, 1997: the distinct word 3-shingles they share over those
** either has, |A n B| / |A u B|) is at least a threshold T.  The clusters
** are the connected components of those pairs (a union-find with path
** halving and the lower index as the root, so a cluster's root is its
** lowest index; a pair already in one component is not compared again).
**
** Two methods.  While every document's shingle set fits the budget, the
** exact one (exact_dups() below): prefix filtering finds every pair at or
** above T.  Past it, the signature method: comparing the shingles of
** every pair is out of reach, so their SimHash signatures (simhash.c)
** choose the candidates: a pair whose signatures differ in at most
** kq_dups_bits(T) bits is compared, and joined when its resemblance,
** counted exactly from the stored bodies, reaches T.
**
** Why a signature distance of kq_dups_bits(T).  SimHash makes each bit
** differ with probability theta / pi, theta the angle between the two
** feature vectors (Charikar, STOC 2002).  For two shingle sets of one size
** and resemblance J, cos theta = 2J / (1 + J); the distance is then about
** binomial, 64 draws of p = theta / pi, and kq_dups_bits(T) is its mean
** plus KQ_DUPS_BITS_Z standard deviations at J = T, so that a pair at the
** threshold is a candidate 99 times in 100 and one above it more often.
** Measured on copies of reuters21578 stories with edits (resemblance
** 0.5 to 0.6: 16 bits apart on average, 27 at most), the model holds.
**
** Candidates.  For nBit <= KQ_DUPS_BLOCK_MAX_BITS, the block method
** (Manku, Jain and Das Sarma, WWW 2007): the 64 bits cut into nBit + 1
** blocks as even as can be; two signatures at most nBit bits apart agree
** on one block at least.  For each block the signatures are sorted by its
** value, and only those in a run of one value are compared (a pair once,
** in the first block it agrees on).  Blocks narrower than 8 bits would
** compare a fraction of the pairs too large to be worth it: past
** KQ_DUPS_BLOCK_MAX_BITS every pair is compared, for at most
** KQ_DUPS_MAX_ALLPAIRS signatures (kq.h).
**
** Signatures alone (kq_dups_cluster(), no verification) join equal
** signatures first and compare only one of each.
*/
#include "kq_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int
kq_sig_distance(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}

static size_t
uf_find(size_t *a, size_t i)
{
    while (a[i] != i) {
        a[i] = a[a[i]];
        i = a[i];
    }
    return i;
}

static void
uf_join(size_t *a, size_t i, size_t j)
{
    i = uf_find(a, i);
    j = uf_find(a, j);
    if (i < j) {
        a[j] = i;
    } else if (j < i) {
        a[i] = j;
    }
}

typedef struct sigent {
    u64 key; /* the signature, or a block of it */
    u64 sig;
    size_t i;
} sigent;

static int
cmp_sigent(const void *pa, const void *pb)
{
    const sigent *a = pa, *b = pb;
    if (a->key != b->key) {
        return a->key < b->key ? -1 : 1;
    }
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Decide a candidate pair (i < j, indexes into the caller's arrays):
** *pbJoin = 1 to join them.  NULL: every candidate is joined. */
typedef int (*pair_fn)(void *pCtx, size_t i, size_t j, int *pbJoin);

typedef struct cand {
    size_t *aRep;
    int nBit;
    pair_fn xPair;
    void *pCtx;
    size_t nBudget; /* the exact method's (for a message) */
    u64 aMask[33];  /* the blocks (the block method) */
    int iBlock;     /* the block being walked, or -1 */
} cand;

/* Whether x and y agree on a block before the current one (the pair was
** a candidate there already). */
static int
seen_before(const cand *c, u64 x, u64 y)
{
    for (int b = 0; b < c->iBlock; b++) {
        if (((x ^ y) & c->aMask[b]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Compare every pair of a[0..n) and join those within nBit (and that
** xPair accepts). */
static int
join_close(cand *c, const sigent *a, size_t n)
{
    for (size_t x = 0; x < n; x++) {
        for (size_t y = x + 1; y < n; y++) {
            if (kq_sig_distance(a[x].sig, a[y].sig) > c->nBit) {
                continue;
            }
            size_t i = a[x].i, j = a[y].i;
            int bJoin = 1;
            if (c->xPair) {
                if (uf_find(c->aRep, i) == uf_find(c->aRep, j) ||
                    seen_before(c, a[x].sig, a[y].sig)) {
                    continue;
                }
                int rc = c->xPair(c->pCtx, i < j ? i : j, i < j ? j : i,
                                  &bJoin);
                if (rc) {
                    return rc;
                }
            }
            if (bJoin) {
                uf_join(c->aRep, i, j);
            }
        }
    }
    return KQ_OK;
}

static int
cluster(cand *c, const uint64_t *aSig, size_t n, char **pzErr)
{
    int nBit = c->nBit;
    if (nBit < 0 || nBit > 32) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "a near-duplicate distance of %d bits (0 to 32)", nBit);
    }
    for (size_t i = 0; i < n; i++) {
        c->aRep[i] = i;
    }
    sigent *a = malloc(sizeof(sigent) * (n ? n : 1));
    if (a == NULL) {
        return KQ_NOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (aSig[i] != 0) {
            a[m].key = aSig[i];
            a[m].sig = aSig[i];
            a[m].i = i;
            m++;
        }
    }
    qsort(a, m, sizeof(sigent), cmp_sigent);
    /* Signatures alone: exact copies joined, and only the first of each
    ** compared on.  Verified, every signature is a candidate itself. */
    size_t u = m;
    if (c->xPair == NULL) {
        u = 0;
        for (size_t k = 0; k < m; k++) {
            if (u > 0 && a[u - 1].sig == a[k].sig) {
                uf_join(c->aRep, a[u - 1].i, a[k].i);
            } else {
                a[u++] = a[k];
            }
        }
    }
    int rc = KQ_OK;
    c->iBlock = -1;
    if (nBit > KQ_DUPS_BLOCK_MAX_BITS) {
        if (u > KQ_DUPS_MAX_ALLPAIRS) {
            rc = c->xPair
                     ? kqi_err(pzErr, KQ_MISUSE,
                               "%zu documents: their shingles need more than "
                               "the %zu bytes the exact method may take, and "
                               "signatures %d bits apart are found by "
                               "comparing every pair, for at most %d "
                               "documents: give it more memory, narrow the "
                               "documents with a query, or raise the "
                               "threshold to 0.98",
                               u, c->nBudget, nBit, KQ_DUPS_MAX_ALLPAIRS)
                     : kqi_err(pzErr, KQ_MISUSE,
                               "%zu distinct signatures: a distance of %d "
                               "bits compares every pair, for at most %d",
                               u, nBit, KQ_DUPS_MAX_ALLPAIRS);
        } else {
            c->iBlock = 0;
            rc = join_close(c, a, u);
        }
    } else if (nBit > 0 || c->xPair) {
        int nBlock = nBit + 1;
        for (int b = 0; b < nBlock; b++) {
            int lo = 64 * b / nBlock, hi = 64 * (b + 1) / nBlock;
            c->aMask[b] =
                (hi - lo == 64 ? ~(u64)0 : (((u64)1 << (hi - lo)) - 1)) << lo;
        }
        for (int b = 0; rc == KQ_OK && b < nBlock; b++) {
            c->iBlock = b;
            for (size_t k = 0; k < u; k++) {
                a[k].key = a[k].sig & c->aMask[b];
            }
            qsort(a, u, sizeof(sigent), cmp_sigent);
            for (size_t k = 0; rc == KQ_OK && k < u;) {
                size_t e = k + 1;
                while (e < u && a[e].key == a[k].key) {
                    e++;
                }
                rc = join_close(c, a + k, e - k);
                k = e;
            }
        }
    }
    free(a);
    for (size_t i = 0; rc == KQ_OK && i < n; i++) {
        c->aRep[i] = uf_find(c->aRep, i);
    }
    return rc;
}

int
kq_dups_cluster(const uint64_t *aSig, size_t n, int nBit, size_t *aRep,
                char **pzErr)
{
    cand c;
    memset(&c, 0, sizeof(c));
    c.aRep = aRep;
    c.nBit = nBit;
    return cluster(&c, aSig, n, pzErr);
}

int
kq_dups_bits(double threshold)
{
    if (!(threshold >= KQ_DUPS_MIN_THRESHOLD && threshold <= 1.0)) {
        return -1;
    }
    double p = acos(2.0 * threshold / (1.0 + threshold)) / M_PI;
    double d = 64.0 * p + KQ_DUPS_BITS_Z * sqrt(64.0 * p * (1.0 - p));
    int nBit = (int)ceil(d - 1e-9); /* (T = 1: exactly 0) */
    return nBit > 32 ? 32 : nBit;
}

/*
** Verification: each document's shingle set, as sorted distinct hashes,
** made from its body tokens (kq_index_doc_tokens(), so with the analyzer
** the index used for it) and kept while the sets kept stay within
** nMemory bytes; past that every set but the one in hand is dropped
** (and made again when needed: slower, never different).
*/
typedef struct shset {
    u64 *a;
    u32 n;
    int bHave;
} shset;

typedef struct verifier {
    kq_index *p;
    const kq_docid *aDoc;
    shset *aSet;
    size_t nSet;
    size_t nMem, nBudget;
    double threshold;
    kq_dups_stats *pStats;
    char **pzErr;
    kqi_shingler sh;
    u64 *aH; /* the set being made */
    size_t nH, nHAlloc;
} verifier;

static int
push_hash(verifier *v, u64 h)
{
    if (kq_grow(&v->aH, sizeof(u64), &v->nHAlloc, v->nH + 1, 256)) {
        return KQ_NOMEM;
    }
    v->aH[v->nH++] = h;
    return KQ_OK;
}

static int
token_cb(void *pCtx, const kq_doc_token *t)
{
    verifier *v = pCtx;
    u64 h;
    if (!t->bTitle && kqi_shingle_word(&v->sh, t->zWord, t->nWord, &h)) {
        return push_hash(v, h);
    }
    return KQ_OK;
}

static int
cmp_u64(const void *pa, const void *pb)
{
    u64 a = *(const u64 *)pa, b = *(const u64 *)pb;
    return a < b ? -1 : a > b;
}

static void
drop_sets(verifier *v, size_t iKeep)
{
    for (size_t i = 0; i < v->nSet; i++) {
        if (i != iKeep && v->aSet[i].bHave) {
            v->nMem -= (size_t)v->aSet[i].n * sizeof(u64);
            free(v->aSet[i].a);
            memset(&v->aSet[i], 0, sizeof(shset));
        }
    }
}

/* The distinct shingle hashes of document i, sorted, into v->aH[0..nH). */
static int
make_set(verifier *v, size_t i)
{
    memset(&v->sh, 0, sizeof(v->sh));
    v->nH = 0;
    int rc = kq_index_doc_tokens(v->p, v->aDoc[i], KQ_DOC_TOKENS_NOSTEM, v,
                                 token_cb, v->pzErr);
    u64 aF[2];
    int nF = rc == KQ_OK ? kqi_shingle_final(&v->sh, aF) : 0;
    for (int k = 0; rc == KQ_OK && k < nF; k++) {
        rc = push_hash(v, aF[k]);
    }
    if (rc == KQ_OK) {
        qsort(v->aH, v->nH, sizeof(u64), cmp_u64);
        size_t n = 0;
        for (size_t k = 0; k < v->nH; k++) {
            if (n == 0 || v->aH[n - 1] != v->aH[k]) {
                v->aH[n++] = v->aH[k];
            }
        }
        v->nH = n;
    }
    return rc;
}

/* Keep v->aH[0..nH) as document i's set. */
static int
keep_set(verifier *v, size_t i)
{
    shset *s = &v->aSet[i];
    s->a = malloc((v->nH ? v->nH : 1) * sizeof(u64));
    if (s->a == NULL) {
        return KQ_NOMEM;
    }
    memcpy(s->a, v->aH, v->nH * sizeof(u64));
    s->n = (u32)v->nH;
    s->bHave = 1;
    v->nMem += v->nH * sizeof(u64);
    return KQ_OK;
}

/* The shingle set of document i, made if need be (iKeep: a set not to
** drop to make room, or SIZE_MAX). */
static int
get_set(verifier *v, size_t i, size_t iKeep, const shset **ppOut)
{
    shset *s = &v->aSet[i];
    if (!s->bHave) {
        int rc = make_set(v, i);
        if (rc == KQ_OK && v->nMem + v->nH * sizeof(u64) > v->nBudget) {
            drop_sets(v, iKeep);
        }
        if (rc == KQ_OK) {
            rc = keep_set(v, i);
        }
        if (rc) {
            return rc;
        }
    }
    *ppOut = s;
    return KQ_OK;
}

/* |A n B| and |A u B| of two sorted sets. */
static void
overlap(const shset *a, const shset *b, u64 *pnInter, u64 *pnUnion)
{
    u64 nInter = 0;
    for (u32 x = 0, y = 0; x < a->n && y < b->n;) {
        if (a->a[x] == b->a[y]) {
            nInter++, x++, y++;
        } else if (a->a[x] < b->a[y]) {
            x++;
        } else {
            y++;
        }
    }
    *pnInter = nInter;
    *pnUnion = (u64)a->n + b->n - nInter;
}

static int
resemblance(verifier *v, size_t i, size_t j, u64 *pnInter, u64 *pnUnion)
{
    const shset *a, *b;
    int rc = get_set(v, i, SIZE_MAX, &a);
    if (rc == KQ_OK) {
        rc = get_set(v, j, i, &b);
    }
    if (rc == KQ_OK) {
        a = &v->aSet[i]; /* (get_set(j) keeps i) */
        overlap(a, b, pnInter, pnUnion);
    }
    return rc;
}

/* Whether two sets are near-duplicates, nInter >= T x nUnion (the test of
** the oracles: no division), counted in *pStats.  The merge stops once
** what is left cannot reach the overlap that needs, nInter >= T (|A| +
** |B|) / (1 + T), less a margin far above rounding. */
static int
verify_sets(verifier *v, const shset *a, const shset *b)
{
    double T = v->threshold;
    double need = T * ((double)a->n + b->n) / (1.0 + T) - 1e-6;
    u64 nInter = 0;
    u32 x = 0, y = 0;
    while (x < a->n && y < b->n) {
        u32 nLeft = a->n - x < b->n - y ? a->n - x : b->n - y;
        if ((double)(nInter + nLeft) < need) {
            break;
        }
        if (a->a[x] == b->a[y]) {
            nInter++, x++, y++;
        } else if (a->a[x] < b->a[y]) {
            x++;
        } else {
            y++;
        }
    }
    u64 nUnion = (u64)a->n + b->n - nInter;
    int bJoin = nUnion > 0 && (double)nInter >= T * (double)nUnion;
    v->pStats->nCompared++;
    v->pStats->nJoined += (u64)bJoin;
    return bJoin;
}

static int
verify_pair(void *pCtx, size_t i, size_t j, int *pbJoin)
{
    verifier *v = pCtx;
    const shset *a, *b;
    int rc = get_set(v, i, SIZE_MAX, &a);
    if (rc == KQ_OK) {
        rc = get_set(v, j, i, &b);
    }
    if (rc == KQ_OK) {
        *pbJoin = verify_sets(v, &v->aSet[i], b); /* (get_set(j) keeps i) */
    }
    return rc;
}

/*
** The exact method: every pair at or above the threshold, by prefix
** filtering (Chaudhuri, Ganti and Kaushik, ICDE 2006; Bayardo, Ma and
** Srikant, WWW 2007).  If J(x, y) >= T then |x n y| >= T max(|x|, |y|),
** so with the shingles of every set in one global order, x's first |x| -
** ceil(T |x|) + 1 and y's first |y| - ceil(T |y|) + 1 share one at least.
** The order is rarest first (document frequency, then hash), so that the
** prefixes hold shingles few documents have and few pairs are compared.
** Documents are taken in index order: each one's prefix is looked up in
** an inverted list of the prefixes of those before it, and each new
** partner compared in full (unless the sizes alone rule it out:
** J <= min / max).  Every set is in memory at once: the sets, the order
** and the lists take at most KQ_DUPS_EXACT_BYTES bytes a shingle at their
** peak (the sets, the distinct shingles, their keys and a radix sort's
** scratch), beside the directory (a byte a shingle at most) and about 40
** bytes a
** document.
*/
#define KQ_DUPS_EXACT_BYTES 32
/* The directory's entries: a power of two, about one per
** KQ_DUPS_DIR_SPAN distinct shingles (the hashes are uniform). */
#define KQ_DUPS_DIR_SPAN 16

/* Sort a[0..n) with tmp[0..n) as scratch: least significant byte first,
** a pass skipped when every key has the same byte there (the frequencies
** in the high half are small).  qsort() was a quarter of the time. */
static void
radix_sort(u64 *a, u64 *tmp, size_t n)
{
    for (int sh = 0; sh < 64; sh += 8) {
        size_t aCnt[257] = {0};
        for (size_t k = 0; k < n; k++) {
            aCnt[((a[k] >> sh) & 0xff) + 1]++;
        }
        if (n == 0 || aCnt[((a[0] >> sh) & 0xff) + 1] == n) {
            continue;
        }
        for (int b = 0; b < 256; b++) {
            aCnt[b + 1] += aCnt[b];
        }
        for (size_t k = 0; k < n; k++) {
            tmp[aCnt[(a[k] >> sh) & 0xff]++] = a[k];
        }
        memcpy(a, tmp, n * sizeof(u64));
    }
}

/* Index of h in the sorted a[0..n) (present). */
static size_t
find_u64(const u64 *a, size_t n, u64 h)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (a[m] < h) {
            lo = m + 1;
        } else {
            hi = m;
        }
    }
    return lo;
}

/* The prefix length of a set of m shingles at threshold T. */
static size_t
prefix_len(size_t m, double T)
{
    size_t t = (size_t)ceil(T * (double)m - 1e-9); /* (longer is safe) */
    if (t < 1) {
        t = 1;
    }
    return t > m ? 1 : m - t + 1;
}

/* Make every set within the budget (*pbFit = 0 if they do not fit, the
** sets dropped), put them in rarest-first order, and join. */
static int
exact_dups(verifier *v, const uint64_t *aSig, size_t n, size_t *aRep,
           int *pbFit)
{
    size_t N = 0;
    *pbFit = 0;
    for (size_t i = 0; i < n; i++) {
        aRep[i] = i;
        if (aSig[i] == 0) {
            continue;
        }
        int rc = make_set(v, i);
        if (rc) {
            return rc;
        }
        N += v->nH;
        if (N > v->nBudget / KQ_DUPS_EXACT_BYTES) {
            drop_sets(v, SIZE_MAX);
            return KQ_OK;
        }
        rc = keep_set(v, i);
        if (rc) {
            return rc;
        }
    }
    *pbFit = 1;
    /* The distinct shingles (hash order) and their document frequency. */
    u64 *aDist = malloc((N ? N : 1) * sizeof(u64));
    if (aDist == NULL) {
        return KQ_NOMEM;
    }
    size_t D = 0;
    for (size_t i = 0; i < n; i++) {
        if (v->aSet[i].bHave) {
            memcpy(aDist + D, v->aSet[i].a, v->aSet[i].n * sizeof(u64));
            D += v->aSet[i].n;
        }
    }
    u64 *aKey = malloc((N ? N : 1) * sizeof(u64)); /* df << 32 | index */
    u64 *aTmp = malloc((N ? N : 1) * sizeof(u64));
    if (aKey == NULL || aTmp == NULL) {
        free(aDist);
        free(aKey);
        free(aTmp);
        return KQ_NOMEM;
    }
    radix_sort(aDist, aTmp, D);
    size_t d = 0;
    for (size_t k = 0; k < D;) {
        size_t e = k + 1;
        while (e < D && aDist[e] == aDist[k]) {
            e++;
        }
        aDist[d] = aDist[k];
        aKey[d] = ((u64)(e - k) << 32) | d;
        d++;
        k = e;
    }
    D = d;
    radix_sort(aKey, aTmp, D);
    free(aTmp);
    /* aKey[r]'s low half: the shingle of rank r. */
    u32 *aRank = malloc((D ? D : 1) * sizeof(u32));
    int nDirBit = 1;
    while (nDirBit < 40 && ((size_t)1 << nDirBit) * KQ_DUPS_DIR_SPAN < D) {
        nDirBit++;
    }
    size_t nDir = (size_t)1 << nDirBit;
    int iShift = 64 - nDirBit;
    size_t *aDir = malloc((nDir + 1) * sizeof(size_t));
    if (aRank == NULL || aDir == NULL) {
        free(aDist);
        free(aKey);
        free(aRank);
        free(aDir);
        return KQ_NOMEM;
    }
    for (size_t r = 0; r < D; r++) {
        aRank[aKey[r] & 0xffffffffu] = (u32)r;
    }
    free(aKey);
    /* A directory by the top bits of the hashes (uniform): each lookup a
    ** binary search of about KQ_DUPS_DIR_SPAN shingles, not of D. */
    for (size_t b = 0, k = 0; b <= nDir; b++) {
        while (k < D && (aDist[k] >> iShift) < b) {
            k++;
        }
        aDir[b] = k;
    }
    for (size_t i = 0; i < n; i++) {
        shset *s = &v->aSet[i];
        for (u32 k = 0; s->bHave && k < s->n; k++) {
            size_t b = (size_t)(s->a[k] >> iShift);
            size_t lo = aDir[b];
            s->a[k] =
                aRank[lo + find_u64(aDist + lo, aDir[b + 1] - lo, s->a[k])];
        }
        if (s->bHave) {
            qsort(s->a, s->n, sizeof(u64), cmp_u64);
        }
    }
    free(aDist);
    free(aRank);
    free(aDir);
    /* Documents by size, then index: each is looked up among those
    ** before it, no larger, so every list holds sizes ascending and those
    ** too small for the document in hand (the size filter) are passed
    ** over from its front for good (aStart). */
    size_t nS = 0;
    u64 *aOrd = malloc((n ? n : 1) * sizeof(u64)); /* size << 32 | index */
    for (size_t i = 0; aOrd && i < n; i++) {
        if (v->aSet[i].bHave) {
            aOrd[nS++] = ((u64)v->aSet[i].n << 32) | i;
        }
    }
    if (aOrd) {
        qsort(aOrd, nS, sizeof(u64), cmp_u64);
    }
    /* The inverted lists of the indexing prefixes, filled as documents
    ** are taken. */
    size_t *aOff = calloc(D + 1, sizeof(size_t));
    size_t *aFill = malloc((D ? D : 1) * sizeof(size_t));
    size_t *aStart = malloc((D ? D : 1) * sizeof(size_t));
    u32 *aList = malloc((N ? N : 1) * sizeof(u32));
    u32 *aSeen = calloc(n ? n : 1, sizeof(u32)); /* 1 + the last x */
    int rc = aOrd && aOff && aFill && aStart && aList && aSeen ? KQ_OK
                                                               : KQ_NOMEM;
    double T = v->threshold;
    double T2 = 2.0 * T / (1.0 + T);
    for (size_t i = 0; rc == KQ_OK && i < n; i++) {
        const shset *s = &v->aSet[i];
        size_t m = s->bHave ? prefix_len(s->n, T2) : 0;
        for (size_t k = 0; k < m; k++) {
            aOff[s->a[k] + 1]++;
        }
    }
    for (size_t r = 0; rc == KQ_OK && r < D; r++) {
        aOff[r + 1] += aOff[r];
        aFill[r] = aStart[r] = aOff[r];
    }
    for (size_t o = 0; rc == KQ_OK && o < nS; o++) {
        size_t x = (size_t)(aOrd[o] & 0xffffffffu);
        const shset *sx = &v->aSet[x];
        double nSmall = T * (double)sx->n; /* a smaller partner's least */
        size_t m = prefix_len(sx->n, T);
        for (size_t k = 0; rc == KQ_OK && k < m; k++) {
            u64 r = sx->a[k];
            while (aStart[r] < aFill[r] &&
                   (double)v->aSet[aList[aStart[r]]].n < nSmall) {
                aStart[r]++;
            }
            for (size_t q = aStart[r]; rc == KQ_OK && q < aFill[r]; q++) {
                size_t y = aList[q];
                if (aSeen[y] == x + 1) {
                    continue;
                }
                aSeen[y] = (u32)(x + 1);
                if (uf_find(aRep, x) == uf_find(aRep, y)) {
                    continue;
                }
                if (verify_sets(v, sx, &v->aSet[y])) {
                    uf_join(aRep, y, x);
                }
            }
        }
        size_t mi = prefix_len(sx->n, T2);
        for (size_t k = 0; k < mi; k++) {
            aList[aFill[sx->a[k]]++] = (u32)x;
        }
    }
    free(aOrd);
    free(aStart);
    free(aOff);
    free(aFill);
    free(aList);
    free(aSeen);
    for (size_t i = 0; rc == KQ_OK && i < n; i++) {
        aRep[i] = uf_find(aRep, i);
    }
    return rc;
}

/* One walk of the signature method's candidates, each given to xPair. */
static int
signature_pass(const uint64_t *aSig, size_t n, int nBit, size_t nBudget,
               pair_fn xPair, void *pCtx, size_t *aRep, char **pzErr)
{
    cand c;
    memset(&c, 0, sizeof(c));
    c.aRep = aRep;
    c.nBit = nBit;
    c.nBudget = nBudget;
    c.xPair = xPair;
    c.pCtx = pCtx;
    return cluster(&c, aSig, n, pzErr);
}

/* The candidates of the signature method, counted (none joined). */
typedef struct counter {
    u64 n;
    size_t nDoc;
    int nBit;
    size_t nBudget;
    char **pzErr;
} counter;

static int
count_pair(void *pCtx, size_t i, size_t j, int *pbJoin)
{
    counter *k = pCtx;
    (void)i, (void)j;
    *pbJoin = 0;
    if (++k->n > KQ_DUPS_MAX_CANDIDATES) {
        return kqi_err(k->pzErr, KQ_MISUSE,
                       "%zu documents: their shingles need more than the %zu "
                       "bytes the exact method may take, and signatures %d "
                       "bits apart put more than %d pairs forward to "
                       "compare: give it more memory, narrow the documents "
                       "with a query, or raise the threshold",
                       k->nDoc, k->nBudget, k->nBit, KQ_DUPS_MAX_CANDIDATES);
    }
    return KQ_OK;
}

int
kq_index_dups(kq_index *p, const kq_dups_opts *pOpts, const kq_docid *aDoc,
              const uint64_t *aSig, size_t n, size_t *aRep, double *aSim,
              kq_dups_stats *pStats, char **pzErr)
{
    kq_dups_stats st;
    memset(&st, 0, sizeof(st));
    if (pOpts == NULL || pOpts->iVersion < 1 ||
        pOpts->iVersion > KQ_DUPS_OPTS_VERSION) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "kq_dups_opts: start from KQ_DUPS_OPTS_INIT");
    }
    st.nBit = kq_dups_bits(pOpts->threshold);
    if (st.nBit < 0) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "a near-duplicate threshold of %g (%g to 1)",
                       pOpts->threshold, KQ_DUPS_MIN_THRESHOLD);
    }
    verifier v;
    memset(&v, 0, sizeof(v));
    v.p = p;
    v.aDoc = aDoc;
    v.nSet = n;
    v.nBudget = pOpts->nMemory ? pOpts->nMemory : KQ_DUPS_MEMORY;
    v.threshold = pOpts->threshold;
    v.pStats = &st;
    v.pzErr = pzErr;
    v.aSet = calloc(n ? n : 1, sizeof(shset));
    if (v.aSet == NULL) {
        return KQ_NOMEM;
    }
    int rc = exact_dups(&v, aSig, n, aRep, &st.bExact);
    if (rc == KQ_OK && !st.bExact) {
        /* First count the candidates (signatures alone: cheap), so that
        ** the verifications are bounded before one is made. */
        counter k = {0, n, st.nBit, v.nBudget, pzErr};
        rc = signature_pass(aSig, n, st.nBit, v.nBudget, count_pair, &k, aRep,
                            pzErr);
    }
    if (rc == KQ_OK && !st.bExact) {
        rc = signature_pass(aSig, n, st.nBit, v.nBudget, verify_pair, &v, aRep,
                            pzErr);
    }
    /* Each member's resemblance to its cluster's first. */
    for (size_t i = 0; rc == KQ_OK && i < n; i++) {
        u64 nInter = 1, nUnion = 1;
        if (aRep[i] != i) {
            rc = resemblance(&v, aRep[i], i, &nInter, &nUnion);
        }
        if (aSim) {
            aSim[i] = nUnion ? (double)nInter / (double)nUnion : 0.0;
        }
    }
    drop_sets(&v, SIZE_MAX);
    free(v.aSet);
    free(v.aH);
    if (pStats) {
        *pStats = st;
    }
    return rc;
}
