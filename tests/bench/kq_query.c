/*
** kq_query.c -- kq as a peer of ../shared/bench: the bench's query-program
** contract (PROG --db INDEX [--k N] [--op and|or] ... (--queries F | 'Q')),
** implemented over kq's library with the bench's shared driver qdriver.h.
** Built and run by `make bench`; not part of kq's user-facing CLI.
**
** Timed per query (as for the other peers): parse + search + fetching the
** top-k external ids.  --db A,B,... opens several indexes as one
** (kq_index_open_many(): kq indexes, Xapian databases, tcp:// shards), for
** tests/bench/shards.sh.
*/
#include "kq.h"
#include "qdriver.h"

typedef struct bench {
    kq_index *pIdx;
} bench;

static int
run_one(void *pCtx, const char *zQuery, const qd_opts *o, qd_hit *aOut,
        long long *pnMatch)
{
    bench *b = pCtx;
    kq_query *q = NULL;
    char *zErr = NULL;
    int iCol;
    int rc = kq_query_parse_ex(kq_index_analyzer(b->pIdx), zQuery,
                               o->op_or ? KQ_QUERY_OR : 0, &q, &iCol, &zErr);
    if (rc) {
        fprintf(stderr, "kq_query: %s: %s\n", zQuery, zErr ? zErr : "error");
        free(zErr);
        return -1;
    }
    kq_hit *aHit = NULL;
    size_t nHit = 0;
    uint64_t nTotal = 0;
    /* Like the other peers: top-k without an exact count, so ranked OR
    ** queries can prune (KQ_SEARCH_ESTIMATE). */
    rc = kq_search_ex(b->pIdx, q, getenv("KQ_BENCH_EXACT") ? 0 : KQ_SEARCH_ESTIMATE,
                      0, (size_t)o->k, &aHit, &nHit, &nTotal, NULL, &zErr);
    kq_query_free(q);
    if (rc) {
        fprintf(stderr, "kq_query: %s: %s\n", zQuery, zErr ? zErr : "error");
        free(zErr);
        return -1;
    }
    for (size_t i = 0; i < nHit; i++) {
        const kq_docinfo *info;
        if (kq_index_doc(b->pIdx, aHit[i].iDoc, &info, NULL) != KQ_OK) {
            free(aHit);
            return -1;
        }
        size_t n = info->nId < QD_MAXID - 1 ? info->nId : QD_MAXID - 1;
        memcpy(aOut[i].docid, info->zId, n);
        aOut[i].docid[n] = 0;
        aOut[i].score = aHit[i].score;
    }
    free(aHit);
    *pnMatch = (long long)nTotal;
    return (int)nHit;
}

int
main(int argc, char **argv)
{
    qd_opts o;
    qd_parse_args(&o, argc, argv, NULL);
    bench b = {NULL};
    char *zErr = NULL;
    /* A,B,...: several as one. */
    char *zList = strdup(o.db);
    const char *az[KQ_MAX_SHARDS];
    int n = 0;
    for (char *z = strtok(zList, ","); z && n < KQ_MAX_SHARDS;
         z = strtok(NULL, ",")) {
        az[n++] = z;
    }
    int rc = kq_index_open_many(az, n, &b.pIdx, &zErr);
    free(zList);
    if (rc) {
        fprintf(stderr, "kq_query: %s\n", zErr ? zErr : kq_errstr(rc));
        return 3;
    }
    rc = qd_main(&o, run_one, &b);
    kq_index_close(b.pIdx);
    return rc;
}
