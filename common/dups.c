/*
** dups.c -- near-duplicate clusters from SimHash signatures (kq dups).
**
** kq_dups_cluster() finds the pairs of signatures at most nBit bits apart
** and joins them with a union-find (path halving, the smaller index as the
** root, so a cluster's root is its lowest index).
**
** Candidates.  Signatures equal to an earlier one are joined to it first
** and not compared again (wire copies repeat exactly).  Then, for nBit <=
** KQ_DUPS_BLOCK_MAX_BITS, the block method (Manku, Jain and Das Sarma,
** WWW 2007): the 64 bits cut into nBit + 1 blocks as even as can be; two
** signatures at most nBit bits apart differ in at most nBit blocks, so
** agree on one at least.  For each block the distinct signatures are
** sorted by its value, and only those in a run of one value are compared:
** (nBit + 1) sorts and, on random signatures, n^2 / 2^(64/(nBit+1)) pairs
** per block.  Blocks narrower than 8 bits would compare a fraction of the
** pairs too large to be worth it: past KQ_DUPS_BLOCK_MAX_BITS every pair
** is compared, for at most KQ_DUPS_MAX_ALLPAIRS signatures (kq.h).
*/
#include "kq_int.h"

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

/* Compare every pair of a[0..n) and join those within nBit. */
static void
join_close(size_t *aRep, const sigent *a, size_t n, int nBit)
{
    for (size_t x = 0; x < n; x++) {
        for (size_t y = x + 1; y < n; y++) {
            if (kq_sig_distance(a[x].sig, a[y].sig) <= nBit) {
                uf_join(aRep, a[x].i, a[y].i);
            }
        }
    }
}

int
kq_dups_cluster(const uint64_t *aSig, size_t n, int nBit, size_t *aRep,
                char **pzErr)
{
    if (nBit < 0 || nBit > 32) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "a near-duplicate distance of %d bits (0 to 32)", nBit);
    }
    for (size_t i = 0; i < n; i++) {
        aRep[i] = i;
    }
    sigent *a = malloc(sizeof(sigent) * (n ? n : 1));
    if (a == NULL) {
        return KQ_NOMEM;
    }
    /* Exact copies: joined, and only the first of each compared on. */
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
    size_t u = 0;
    for (size_t k = 0; k < m; k++) {
        if (u > 0 && a[u - 1].sig == a[k].sig) {
            uf_join(aRep, a[u - 1].i, a[k].i);
        } else {
            a[u++] = a[k];
        }
    }
    int rc = KQ_OK;
    if (nBit > 0 && nBit > KQ_DUPS_BLOCK_MAX_BITS) {
        if (u > KQ_DUPS_MAX_ALLPAIRS) {
            rc = kqi_err(pzErr, KQ_MISUSE,
                         "%zu distinct signatures: a distance of %d bits "
                         "compares every pair, for at most %d",
                         u, nBit, KQ_DUPS_MAX_ALLPAIRS);
        } else {
            join_close(aRep, a, u, nBit);
        }
    } else if (nBit > 0) {
        int nBlock = nBit + 1;
        for (int b = 0; b < nBlock; b++) {
            int lo = 64 * b / nBlock, hi = 64 * (b + 1) / nBlock;
            u64 mask = (hi - lo == 64 ? ~(u64)0 : (((u64)1 << (hi - lo)) - 1))
                       << lo;
            for (size_t k = 0; k < u; k++) {
                a[k].key = a[k].sig & mask;
            }
            qsort(a, u, sizeof(sigent), cmp_sigent);
            for (size_t k = 0; k < u;) {
                size_t e = k + 1;
                while (e < u && a[e].key == a[k].key) {
                    e++;
                }
                join_close(aRep, a + k, e - k, nBit);
                k = e;
            }
        }
    }
    free(a);
    for (size_t i = 0; rc == KQ_OK && i < n; i++) {
        aRep[i] = uf_find(aRep, i);
    }
    return rc;
}
