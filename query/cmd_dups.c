/*
** cmd_dups.c -- kq dups [QUERY...]: clusters of near-duplicate documents
** among the live documents matching QUERY (every one without a query).
**
** kq_index_dups() joins the pairs whose resemblance (shared word
** 3-shingles) is at least T (--threshold) among those its signatures
** (made at index time, simhash.c) put forward.  Without a query on kq's
** own index the signatures come straight from the signature arrays
** (kq_index_each_sig()); with one, or on Xapian, from kq_index_doc() of
** each match.  Rows: every member of every cluster of two or more, by
** cluster (in the order of their first member, the lowest docid) then
** docid, with its resemblance to the first member.
**
** --signatures lists each matching document's signature instead (16 hex
** digits; empty when it has none), for scripts and tests.
*/
#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct dups {
    cli *c;
    source src;
    char *zQuery; /* NULL: every document */
    kq_query *pQ;
    kq_docid *aDoc; /* documents with a signature, in docid order */
    uint64_t *aSig;
    size_t n, nAlloc;
    uint64_t nMatch; /* matching documents (with a signature or not) */
    size_t *aRep;
    double *aSim;     /* resemblance to the cluster's first member */
    kq_dups_stats st; /* what kq_index_dups() compared */
    size_t *aOrder;   /* members of clusters, by cluster then docid */
    size_t nOrder;
    size_t nCluster;
    double threshold;
    int nBit;
    size_t nMemory; /* --memory (0: KQ_DUPS_MEMORY) */
    char *zErr;
} dups;

static int
add_sig(dups *p, kq_docid iDoc, uint64_t sig)
{
    if (p->n == p->nAlloc) {
        size_t nNew = p->nAlloc ? 2 * p->nAlloc : 1024;
        kq_docid *aD = realloc(p->aDoc, nNew * sizeof(kq_docid));
        if (aD) {
            p->aDoc = aD;
        }
        uint64_t *aS = realloc(p->aSig, nNew * sizeof(uint64_t));
        if (aS) {
            p->aSig = aS;
        }
        if (aD == NULL || aS == NULL) {
            return KQ_NOMEM;
        }
        p->nAlloc = nNew;
    }
    p->aDoc[p->n] = iDoc;
    p->aSig[p->n] = sig;
    p->n++;
    return KQ_OK;
}

static int
sig_cb(void *pCtx, kq_docid iDoc, uint64_t sig)
{
    return add_sig(pCtx, iDoc, sig);
}

static int
match_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    dups *p = pCtx;
    (void)score;
    (void)nOcc;
    return add_sig(p, iDoc, 0); /* the signature: collect_sigs() */
}

static int
cmp_docid(const void *a, const void *b)
{
    kq_docid x = *(const kq_docid *)a, y = *(const kq_docid *)b;
    return x < y ? -1 : x > y;
}

/* The matching documents and their signatures, in docid order; with
** bAll, those without a signature too (signature 0). */
static int
collect_sigs(dups *p, int bAll)
{
    kq_index *pIdx = p->src.pIdx;
    if (p->pQ == NULL && !bAll) {
        int rc = kq_index_each_sig(pIdx, p, sig_cb, &p->zErr);
        p->nMatch = kq_index_stats(pIdx)->nDoc; /* every live one */
        return rc;
    }
    int rc = kq_search_each(pIdx, p->pQ, p, match_cb, &p->zErr);
    if (rc) {
        return rc;
    }
    if (p->n > 1) {
        qsort(p->aDoc, p->n, sizeof(kq_docid), cmp_docid);
    }
    p->nMatch = p->n;
    size_t m = 0;
    for (size_t i = 0; rc == KQ_OK && i < p->n; i++) {
        const kq_docinfo *d;
        rc = kq_index_doc(pIdx, p->aDoc[i], &d, &p->zErr);
        if (rc == KQ_OK && (d->bSig || bAll)) {
            p->aDoc[m] = p->aDoc[i];
            p->aSig[m] = d->bSig ? d->nSig : 0;
            m++;
        }
    }
    p->n = m;
    return rc;
}

/* The members of clusters of two or more, by cluster then docid: a list
** per cluster root (indexes into aDoc increase with docids, and a
** cluster's root is its lowest), the roots in order. */
static int
order_members(dups *p)
{
    size_t nA = p->n ? p->n : 1;
    size_t *aHead = malloc(nA * sizeof(size_t));
    size_t *aNext = malloc(nA * sizeof(size_t));
    p->aOrder = malloc(nA * sizeof(size_t));
    if (aHead == NULL || aNext == NULL || p->aOrder == NULL) {
        free(aHead);
        free(aNext);
        return KQ_NOMEM;
    }
    for (size_t i = 0; i < p->n; i++) {
        aHead[i] = SIZE_MAX;
    }
    for (size_t i = p->n; i-- > 0;) {
        aNext[i] = aHead[p->aRep[i]];
        aHead[p->aRep[i]] = i;
    }
    for (size_t r = 0; r < p->n; r++) {
        if (aHead[r] != SIZE_MAX && aNext[aHead[r]] != SIZE_MAX) {
            p->nCluster++;
            for (size_t i = aHead[r]; i != SIZE_MAX; i = aNext[i]) {
                p->aOrder[p->nOrder++] = i;
            }
        }
    }
    free(aHead);
    free(aNext);
    return KQ_OK;
}

static size_t
cluster_size(const dups *p, size_t k)
{
    size_t r = p->aRep[p->aOrder[k]], n = 0;
    for (size_t j = k; j < p->nOrder && p->aRep[p->aOrder[j]] == r; j++) {
        n++;
    }
    for (size_t j = k; j-- > 0 && p->aRep[p->aOrder[j]] == r;) {
        n++;
    }
    return n;
}

static json_t *
summary_json(dups *p)
{
    json_t *o = json_object();
    const char *zQ = p->zQuery ? p->zQuery : "*";
    json_object_set_new(o, "query", json_text(zQ, strlen(zQ)));
    json_object_set_new(o, "threshold", json_real(p->threshold));
    json_object_set_new(o, "method",
                        json_string(p->st.bExact ? "exact" : "signatures"));
    json_object_set_new(o, "max_distance", json_integer(p->nBit));
    json_object_set_new(o, "pairs_compared",
                        json_integer((json_int_t)p->st.nCompared));
    json_object_set_new(o, "clusters", json_integer((json_int_t)p->nCluster));
    json_object_set_new(o, "documents_in_clusters",
                        json_integer((json_int_t)p->nOrder));
    json_object_set_new(o, "matching", json_integer((json_int_t)p->nMatch));
    json_object_set_new(o, "with_signature", json_integer((json_int_t)p->n));
    json_object_set_new(o, "index",
                        json_text(p->src.zDir, strlen(p->src.zDir)));
    const kq_stats *st = kq_index_stats(p->src.pIdx);
    json_object_set_new(o, "generation",
                        json_integer((json_int_t)st->nGeneration));
    json_object_set_new(o, "documents", json_integer((json_int_t)st->nDoc));
    json_object_set_new(o, "version", json_string(KQ_VERSION));
    return o;
}

static void
print_summary_text(dups *p)
{
    printf("%zu cluster%s, %zu documents in them, of %llu matching (%zu "
           "with a signature); resemblance at least %.4g; ",
           p->nCluster, p->nCluster == 1 ? "" : "s", p->nOrder,
           (unsigned long long)p->nMatch, p->n, p->threshold);
    if (p->st.bExact) {
        printf("every pair found, %llu compared\n",
               (unsigned long long)p->st.nCompared);
    } else {
        printf("%llu pairs compared, those whose signatures are at most %d "
               "bits of 64 apart\n",
               (unsigned long long)p->st.nCompared, p->nBit);
    }
}

static int
print_clusters(dups *p, int eFmt)
{
    static const char *const azCol[] = {
        "cluster", "size", "id", "date", "source", "title", "similarity",
    };
    table t;
    if (eFmt != FMT_TEXT) {
        table_begin(&t, stdout, eFmt, 7, azCol, JSONL_DUPS);
    }
    size_t iCluster = 0, nSize = 0;
    int rc = KQ_OK;
    for (size_t k = 0; rc == KQ_OK && k < p->nOrder; k++) {
        size_t i = p->aOrder[k];
        if (k == 0 || p->aRep[p->aOrder[k - 1]] != p->aRep[i]) {
            iCluster++;
            nSize = cluster_size(p, k);
            if (eFmt == FMT_TEXT) {
                printf("%scluster %zu: %zu documents\n", k ? "\n" : "",
                       iCluster, nSize);
            }
        }
        hitdoc d;
        rc = source_doc(&p->src, p->aDoc[i], 0, &d, &p->zErr);
        if (rc) {
            break;
        }
        if (eFmt == FMT_TEXT) {
            printf("  %.3f  ", p->aSim[i]);
            esc_put(stdout, d.zId, d.nId, KQ_ESC_TEXT);
            fputs("  ", stdout);
            text_put(stdout, d.zDate[0] ? d.zDate : "-");
            fputs("  ", stdout);
            text_put(stdout, d.zSource[0] ? d.zSource : "-");
            fputs("  ", stdout);
            text_put(stdout, d.zTitle);
            putchar('\n');
        } else {
            table_int(&t, (long long)iCluster);
            table_int(&t, (long long)nSize);
            table_strn(&t, d.zId, d.nId);
            table_str(&t, d.zDate);
            table_str(&t, d.zSource);
            table_str(&t, d.zTitle);
            table_real(&t, p->aSim[i]);
            table_row_end(&t);
        }
        hitdoc_clear(&d);
    }
    if (eFmt == FMT_TEXT) {
        if (rc == KQ_OK) {
            if (p->nOrder) {
                putchar('\n');
            }
            print_summary_text(p);
        }
    } else {
        table_end(&t,
                  rc == KQ_OK && (eFmt == FMT_JSON || eFmt == FMT_JSONL)
                      ? summary_json(p)
                      : NULL,
                  "documents");
    }
    return rc;
}

static int
print_signatures(dups *p, int eFmt)
{
    static const char *const azCol[] = {"id", "signature"};
    int e = eFmt == FMT_TEXT ? FMT_TSV : eFmt;
    table t;
    table_begin(&t, stdout, e, 2, azCol, JSONL_SIGNATURE);
    int rc = KQ_OK;
    for (size_t i = 0; rc == KQ_OK && i < p->n; i++) {
        const kq_docinfo *d;
        rc = kq_index_doc(p->src.pIdx, p->aDoc[i], &d, &p->zErr);
        if (rc == KQ_OK) {
            char z[17];
            snprintf(z, sizeof(z), "%016llx", (unsigned long long)p->aSig[i]);
            table_strn(&t, d->zId, d->nId);
            table_str(&t, p->aSig[i] ? z : NULL);
            table_row_end(&t);
        }
    }
    table_end(&t, NULL, "signatures");
    return rc;
}

/* --threshold T: dedup.c. */
static int
parse_threshold(dups *p)
{
    return dedup_threshold(p->c, &p->threshold, &p->nBit, &p->nMemory);
}

static int
dups_run(dups *p)
{
    cli *c = p->c;
    int eFmt = cli_format(c, FMT_TEXT,
                          FMTBIT(FMT_TEXT) | FMTBIT(FMT_TSV) |
                              FMTBIT(FMT_CSV) | FMTBIT(FMT_JSON) |
                              FMTBIT(FMT_JSONL));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    int ex = parse_threshold(p);
    if (ex == 0) {
        ex = source_open(&p->src, c);
    }
    if (ex) {
        return ex;
    }
    if (c->nArg > 0 || c->bSignatures || source_is_xapian(&p->src)) {
        p->zQuery = c->nArg > 0 ? cli_join_args(c, 0, c->nArg) : strdup("*");
        if (p->zQuery == NULL) {
            return report_error(c, KQ_NOMEM, NULL);
        }
        ex = parse_query(c, source_analyzer(&p->src), p->zQuery, &p->pQ);
        if (ex) {
            return ex;
        }
    }
    int rc = collect_sigs(p, c->bSignatures);
    if (rc == KQ_OK && c->bSignatures) {
        rc = print_signatures(p, eFmt);
        return rc     ? report_error(c, rc, p->zErr)
               : p->n ? KQ_EXIT_OK
                      : KQ_EXIT_NOHITS;
    }
    if (rc == KQ_OK) {
        kq_dups_opts o = KQ_DUPS_OPTS_INIT;
        o.threshold = p->threshold;
        o.nMemory = p->nMemory;
        p->aRep = malloc((p->n ? p->n : 1) * sizeof(size_t));
        p->aSim = malloc((p->n ? p->n : 1) * sizeof(double));
        rc = p->aRep && p->aSim
                 ? kq_index_dups(p->src.pIdx, &o, p->aDoc, p->aSig, p->n,
                                 p->aRep, p->aSim, &p->st, &p->zErr)
                 : KQ_NOMEM;
    }
    if (rc == KQ_OK) {
        rc = order_members(p);
    }
    if (rc == KQ_OK) {
        rc = print_clusters(p, eFmt);
    }
    if (rc) {
        return report_error(c, rc, p->zErr);
    }
    return p->nCluster ? KQ_EXIT_OK : KQ_EXIT_NOHITS;
}

int
cmd_dups(cli *c)
{
    dups p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    int ex = dups_run(&p);
    free(p.aDoc);
    free(p.aSig);
    free(p.aRep);
    free(p.aSim);
    free(p.aOrder);
    kq_query_free(p.pQ);
    free(p.zQuery);
    free(p.zErr);
    source_close(&p.src);
    return ex;
}
