/*
** dedup.c -- --dedup: each cluster of near-duplicate documents among a
** query's matches counts once (kq(1) NEAR-DUPLICATES).
**
** The matches (docid and score) are sorted by docid, each one's signature
** read (kq_index_doc()), and kq_index_dups() joins them into clusters as
** kq dups QUERY does.  One member of each cluster is kept: the first in
** docid order, or with bBest the highest-scored (ties: the lower docid);
** the others are "folded".  What is stored is the sorted list of folded
** docids, so memory goes with the matches, not the index; dedup_keep() is
** a binary search in it.  Documents without a signature are never folded.
*/
#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
dedup_threshold(const cli *c, double *pT, int *pnBit, size_t *pnMemory)
{
    *pT = KQ_DUPS_THRESHOLD;
    *pnMemory = 0;
    const char *z = c->zThreshold;
    if (z && c->eCmd != CMD_DUPS && !c->bDedup) {
        msg_put("%s: --threshold needs --dedup", cli_prog(c));
        return KQ_EXIT_USAGE;
    }
    if (c->zDupsMemory && c->eCmd != CMD_DUPS && !c->bDedup) {
        msg_put("%s: --memory needs --dedup", cli_prog(c));
        return KQ_EXIT_USAGE;
    }
    if (c->zDupsMemory && (*pnMemory = kq_parse_size(c->zDupsMemory)) == 0) {
        msg_put("%s: --memory needs a size (e.g. 512M, 4G), not \"%s\"",
                cli_prog(c), c->zDupsMemory);
        return KQ_EXIT_USAGE;
    }
    if (z) {
        char *zEnd;
        double v = strtod(z, &zEnd);
        if (zEnd == z || *zEnd || !(v >= KQ_DUPS_MIN_THRESHOLD && v <= 1.0)) {
            msg_put("%s: --threshold needs a number from %g to 1, not \"%s\"",
                    cli_prog(c), KQ_DUPS_MIN_THRESHOLD, z);
            return KQ_EXIT_USAGE;
        }
        *pT = v;
    }
    *pnBit = kq_dups_bits(*pT);
    return 0;
}

int
dedup_open(dedup *d, const cli *c)
{
    memset(d, 0, sizeof(*d));
    d->bOn = c->bDedup;
    return dedup_threshold(c, &d->threshold, &d->nBit, &d->nMemory);
}

static int
cmp_hit_docid(const void *a, const void *b)
{
    kq_docid x = ((const kq_hit *)a)->iDoc, y = ((const kq_hit *)b)->iDoc;
    return x < y ? -1 : x > y;
}

int
dedup_hits(dedup *d, kq_index *p, const kq_hit *aHit, size_t n, int bBest,
           char **pzErr)
{
    free(d->aFold);
    d->aFold = NULL;
    d->nFold = 0;
    d->nMatch = n;
    size_t nA = n ? n : 1;
    kq_hit *a = malloc(nA * sizeof(kq_hit));
    uint64_t *aSig = malloc(nA * sizeof(uint64_t));
    size_t *aRep = malloc(nA * sizeof(size_t));
    size_t *aKeep = malloc(nA * sizeof(size_t)); /* per root: kept index */
    d->aFold = malloc(nA * sizeof(kq_docid));
    int rc = a && aSig && aRep && aKeep && d->aFold ? KQ_OK : KQ_NOMEM;
    if (rc == KQ_OK && n) {
        memcpy(a, aHit, n * sizeof(kq_hit));
        qsort(a, n, sizeof(kq_hit), cmp_hit_docid);
    }
    for (size_t i = 0; rc == KQ_OK && i < n; i++) {
        const kq_docinfo *di;
        rc = kq_index_doc(p, a[i].iDoc, &di, pzErr);
        if (rc == KQ_OK) {
            aSig[i] = di->bSig ? di->nSig : 0;
        }
    }
    kq_docid *aDoc = rc == KQ_OK ? malloc(nA * sizeof(kq_docid)) : NULL;
    if (rc == KQ_OK && aDoc == NULL) {
        rc = KQ_NOMEM;
    }
    if (rc == KQ_OK) {
        kq_dups_opts o = KQ_DUPS_OPTS_INIT;
        o.threshold = d->threshold;
        o.nMemory = d->nMemory;
        for (size_t i = 0; i < n; i++) {
            aDoc[i] = a[i].iDoc;
        }
        rc = kq_index_dups(p, &o, aDoc, aSig, n, aRep, NULL, NULL, pzErr);
    }
    free(aDoc);
    for (size_t i = 0; rc == KQ_OK && i < n; i++) {
        size_t r = aRep[i]; /* r <= i: the root is the lowest index */
        if (r == i || (bBest && a[i].score > a[aKeep[r]].score)) {
            aKeep[r] = i;
        }
    }
    if (rc == KQ_OK) {
        for (size_t i = 0; i < n; i++) {
            if (aKeep[aRep[i]] != i) {
                d->aFold[d->nFold++] = a[i].iDoc;
            }
        }
        d->nFoldAll += d->nFold;
    }
    free(a);
    free(aSig);
    free(aRep);
    free(aKeep);
    return rc;
}

static int
collect_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    kq_buf *b = pCtx;
    kq_hit h = {iDoc, score};
    (void)nOcc;
    kq_buf_append(b, &h, sizeof(h));
    return b->rc;
}

int
dedup_query(dedup *d, kq_index *p, const kq_query *q, char **pzErr)
{
    kq_buf b;
    memset(&b, 0, sizeof(b));
    int rc = kq_search_each(p, q, &b, collect_cb, pzErr);
    if (rc == KQ_OK) { /* (b.a: malloc()ed, aligned for a kq_hit) */
        rc = dedup_hits(d, p, (const kq_hit *)b.a, b.n / sizeof(kq_hit), 0,
                        pzErr);
    }
    kq_buf_free(&b);
    return rc;
}

int
dedup_keep(const dedup *d, kq_docid iDoc)
{
    size_t lo = 0, hi = d->bOn ? d->nFold : 0;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (d->aFold[m] == iDoc) {
            return 0;
        }
        if (d->aFold[m] < iDoc) {
            lo = m + 1;
        } else {
            hi = m;
        }
    }
    return 1;
}

void
dedup_note(const dedup *d, FILE *f, const char *zBefore, const char *zAfter)
{
    if (d->bOn) {
        fprintf(f, "%s(--dedup folded %llu near-duplicate document%s)%s",
                zBefore, (unsigned long long)d->nFoldAll,
                d->nFoldAll == 1 ? "" : "s", zAfter);
    }
}

void
dedup_json(const dedup *d, json_t *o)
{
    if (d->bOn) {
        json_object_set_new(o, "folded",
                            json_integer((json_int_t)d->nFoldAll));
        json_object_set_new(o, "threshold", json_real(d->threshold));
    }
}

void
dedup_close(dedup *d)
{
    free(d->aFold);
    memset(d, 0, sizeof(*d));
}
