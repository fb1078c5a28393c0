/*
** cmd_batch.c -- kq batch FILE: many queries in one process, for
** evaluation runs (a TREC run file for trec_eval) and for count tables.
**
** One query a line, or ID<TAB>QUERY; blank lines and # comments are
** skipped.  A query that cannot run (a syntax error, an unknown field, a
** limit) is reported with its line number, the others still run (one typo
** should not cost a whole run), and the exit status is then 2.  The count
** table keeps a row for it all the same, its count empty and the reason
** in the error column, so that the table joins with the query sheet.
*/
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct batch {
    cli *c;
    source src;
    kq_analyzer *pA;
    int eFmt; /* FMT_TREC, or a count table format */
    size_t nLimit;
    table t;
    int nBad; /* queries that did not parse */
    dedup dd; /* --counts --dedup: the query's kept matches */
} batch;

/* The count-table row of a query: its count, or (nCount < 0) none and
** zErr, why it could not run. */
static void
count_row(batch *b, const char *zQid, long long nCount, const char *zQuery,
          const char *zErr)
{
    if (b->eFmt == FMT_TREC) {
        return;
    }
    table_str(&b->t, zQid);
    if (nCount < 0) {
        table_str(&b->t, NULL);
    } else {
        table_int(&b->t, nCount);
    }
    if (b->dd.bOn && nCount < 0) {
        table_str(&b->t, NULL);
    } else if (b->dd.bOn) { /* the column "folded" */
        table_int(&b->t, (long long)b->dd.nFold);
    }
    table_str(&b->t, zQuery);
    table_str(&b->t, nCount < 0 ? zErr : NULL);
    table_row_end(&b->t);
}

/* One query: its TREC lines or its count row.  KQ_OK, or an index error
** (which stops the run). */
static int
run_query(batch *b, const char *zQid, kq_query *pQ, const char *zQuery,
          char **pzErr)
{
    kq_hit *aHit = NULL;
    size_t nHit = 0;
    uint64_t nTotal = 0;
    int bTrec = b->eFmt == FMT_TREC;
    size_t nLimit = bTrec ? b->nLimit : 0;
    int rc = KQ_OK;
    if (bTrec && b->c->bAll) {
        rc = kq_search_ex(b->src.pIdx, pQ, 0, 0, 0, &aHit, &nHit, &nTotal,
                          NULL, pzErr);
        free(aHit);
        aHit = NULL;
        nLimit = (size_t)nTotal;
    }
    if (rc == KQ_OK && b->dd.bOn) {
        rc = dedup_query(&b->dd, b->src.pIdx, pQ, pzErr);
        nTotal = b->dd.nMatch - b->dd.nFold;
    } else if (rc == KQ_OK) {
        rc = kq_search_ex(b->src.pIdx, pQ, 0, 0, nLimit, &aHit, &nHit, &nTotal,
                          NULL, pzErr);
    }
    if (rc == KQ_OK) {
        count_row(b, zQid, (long long)nTotal, zQuery, NULL);
    }
    const char *zTag = b->c->zRunTag ? b->c->zRunTag : "kq";
    for (size_t i = 0; rc == KQ_OK && bTrec && i < nHit; i++) {
        hitdoc d;
        rc = source_doc(&b->src, aHit[i].iDoc, 0, &d, pzErr);
        if (rc == KQ_OK) {
            text_put(stdout, zQid);
            fputs(" Q0 ", stdout);
            esc_put(stdout, d.zId, d.nId, KQ_ESC_TEXT);
            printf(" %zu %.6f ", i + 1, aHit[i].score);
            text_put(stdout, zTag);
            putchar('\n');
            hitdoc_clear(&d);
        }
    }
    free(aHit);
    return rc;
}

int
cmd_batch(cli *c)
{
    if (c->nArg != 1) {
        fprintf(stderr,
                "kq batch: one FILE of queries (- for standard "
                "input), not %d arguments\n",
                c->nArg);
        return KQ_EXIT_USAGE;
    }
    batch b;
    memset(&b, 0, sizeof(b));
    b.c = c;
    if (c->bCounts && c->eFormat == FMT_TREC) {
        fprintf(stderr, "kq batch: --counts prints a count table, not "
                        "--format=trec\n");
        return KQ_EXIT_USAGE;
    }
    b.eFmt = cli_format(c, c->bCounts ? FMT_TSV : FMT_TREC,
                        FMTBIT(FMT_TREC) | FMTBIT(FMT_TSV) | FMTBIT(FMT_CSV) |
                            FMTBIT(FMT_JSONL) | FMTBIT(FMT_JSON));
    if (b.eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->bDedup && !c->bCounts) {
        fprintf(stderr, "kq batch: --dedup needs --counts\n");
        return KQ_EXIT_USAGE;
    }
    if (dedup_open(&b.dd, c)) {
        return KQ_EXIT_USAGE;
    }
    b.nLimit = c->bLimit ? c->nLimit : 1000;
    const char *zFile = c->azArg[0];
    FILE *f = strcmp(zFile, "-") == 0 ? stdin : fopen(zFile, "r");
    if (f == NULL) {
        msg_put("kq batch: %s: %s", zFile, strerror(errno));
        return KQ_EXIT_USAGE;
    }
    int ex = source_open(&b.src, c);
    if (ex) {
        if (f != stdin) {
            fclose(f);
        }
        return ex;
    }
    b.pA = source_analyzer(&b.src);
    if (b.eFmt != FMT_TREC) {
        static const char *const azCol[] = {"qid", "count", "query", "error"};
        static const char *const azColD[] = {"qid", "count", "folded", "query",
                                             "error"};
        table_begin(&b.t, stdout, b.eFmt, b.dd.bOn ? 5 : 4,
                    b.dd.bOn ? azColD : azCol, JSONL_QUERY);
    }
    kq_buf line = {0};
    int bLong = 0;
    long iLine = 0, nQuery = 0;
    char *zErr = NULL;
    int rc = KQ_OK;
    char *zLabel, *z;
    while (rc == KQ_OK &&
           (rc = qfile_next(f, &line, &iLine, &zLabel, &z, &bLong)) == KQ_OK) {
        nQuery++;
        char zNum[32];
        snprintf(zNum, sizeof(zNum), "%ld", nQuery);
        if (bLong) {
            msg_put("kq batch: %s:%ld: a line longer than a query id, a tab "
                    "and the longest query (%d bytes)",
                    f == stdin ? "-" : zFile, iLine, KQ_MAX_QUERY_LEN);
            count_row(&b, zNum, -1, NULL,
                      "the line is longer than a query "
                      "id, a tab and the longest query");
            b.nBad++;
            continue;
        }
        const char *zQid = zLabel ? zLabel : zNum;
        char *zWhere = kq_mprintf("%s:%ld: ", f == stdin ? "-" : zFile, iLine);
        if (zWhere == NULL) {
            rc = KQ_NOMEM;
            break;
        }
        if (zQid[0] == 0 || strpbrk(zQid, " ")) {
            msg_put("kq batch: %sthe query id \"%s\" is empty or has a "
                    "space",
                    zWhere, zQid);
            count_row(&b, zQid, -1, z,
                      "the query id is empty or has a "
                      "space");
            b.nBad++;
            free(zWhere);
            continue;
        }
        kq_query *pQ = NULL;
        int iCol = 0;
        rc = kq_query_parse_ex(b.pA, z, cli_parse_flags(c), &pQ, &iCol, &zErr);
        if (rc == KQ_SYNTAX) {
            report_syntax(c, zWhere, z, iCol, zErr);
            char *zWhy = kq_mprintf("syntax error at column %d: %s", iCol,
                                    zErr ? zErr : "");
            count_row(&b, zQid, -1, z, zWhy ? zWhy : "syntax error");
            free(zWhy);
            b.nBad++;
            rc = KQ_OK;
        } else if (rc == KQ_OK) {
            rc = run_query(&b, zQid, pQ, z, &zErr);
            if (rc == KQ_SYNTAX) {
                /* Only running it shows an unknown extra field: reported
                ** like a syntax error, and the other queries still run. */
                msg_put("kq batch: %s%s", zWhere,
                        zErr ? zErr : "syntax error");
                count_row(&b, zQid, -1, z, zErr ? zErr : "syntax error");
                b.nBad++;
                rc = KQ_OK;
            }
        }
        kq_query_free(pQ);
        free(zWhere);
        if (rc == KQ_OK) {
            free(zErr);
            zErr = NULL;
        }
    }
    if (rc == KQ_DONE) {
        rc = KQ_OK;
    }
    if (rc == KQ_OK && ferror(f)) {
        msg_put("kq batch: %s: %s", zFile, strerror(errno));
        ex = KQ_EXIT_USAGE;
    }
    if (rc) {
        ex = report_error(c, rc, zErr);
    }
    if (b.eFmt != FMT_TREC) {
        json_t *o = NULL; /* a summary only to say what --dedup folded */
        if (b.dd.bOn && (b.eFmt == FMT_JSON || b.eFmt == FMT_JSONL)) {
            o = json_object();
            dedup_json(&b.dd, o);
        }
        table_end(&b.t, o, "queries");
    }
    free(zErr);
    kq_buf_free(&line);
    if (f != stdin) {
        fclose(f);
    }
    dedup_close(&b.dd);
    source_close(&b.src);
    if (ex == 0 && b.nBad) {
        fprintf(stderr,
                "kq batch: %d of %ld queries not run (syntax "
                "errors)\n",
                b.nBad, nQuery);
        ex = KQ_EXIT_USAGE;
    }
    return ex;
}
