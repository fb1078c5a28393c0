/*
** cmd_facet.c -- kq facet FIELD [QUERY...]: for each value of FIELD
** (source, date:UNIT or an extra field) among the documents matching
** QUERY (every document without one): the matching documents, their
** matches (occurrences, by each operator's counting rule: kq_search_each's
** nOcc, as kq count and hist count them), the value's documents in the
** index and the matching ones per 1,000 of them.
**
** Two passes: a walk of the live documents gives each its value and each
** value its total (values.c), then kq_search_each() adds every match to
** its document's value.  Rows: the values with at least --min-count
** matching documents (default 1; 0 lists every value of the index),
** sorted by --sort, the first --top of them.
*/
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Text output cuts a value at this many columns (the other formats write
** it whole): a source may be a long URL. */
#define FACET_VALUE_WIDTH 40
/* --top's default in text output (for a person); the others list all. */
#define FACET_TEXT_TOP 20

typedef struct facet {
    cli *c;
    source src;
    field_spec f;
    fvalues v;
    char *zQuery; /* the query (joined operands, or "*") */
    kq_query *pQ;
    uint64_t nMatch, nOcc; /* in all */
    uint64_t nValues;      /* values with a matching document */
    size_t nCand;          /* candidate values (before --min-count) */
    size_t nCutMin, nCutTop;
    fvalue *aRow; /* the rows (shallow copies of v.a) */
    size_t nRow;
    size_t nTop; /* 0: all */
    size_t nMin;
    dedup dd; /* --dedup */
    char *zErr;
} facet;

static int
match_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    facet *p = pCtx;
    (void)score;
    if (iDoc >= p->v.nDocid) {
        if (p->zErr == NULL) {
            p->zErr = kq_mprintf("%s: a match beyond the document table "
                                 "(docid %u)",
                                 p->src.zDir, iDoc);
        }
        return KQ_CORRUPT;
    }
    uint32_t v;
    int rc = fvalues_get(&p->v, iDoc, &v, &p->zErr);
    if (rc) {
        return rc;
    }
    if (v == FV_NONE || !dedup_keep(&p->dd, iDoc)) {
        return KQ_OK; /* a deleted document, or a folded one */
    }
    p->v.a[v].nDocs++;
    p->v.a[v].nOcc += nOcc;
    p->nMatch++;
    p->nOcc += nOcc;
    return KQ_OK;
}

static int
cmp_value(const void *a, const void *b)
{
    return fvalue_cmp(a, b);
}

static int
cmp_count(const void *pa, const void *pb)
{
    const fvalue *a = pa, *b = pb;
    if (a->nDocs != b->nDocs) {
        return a->nDocs > b->nDocs ? -1 : 1;
    }
    return fvalue_cmp(a, b);
}

static const char *
field_label(const facet *p, char *z, size_t n)
{
    static const char *const az[] = {"day", "week", "month", "year"};
    switch (p->f.eKind) {
    case FIELD_SOURCE: return "source";
    case FIELD_DATE: snprintf(z, n, "date:%s", az[p->f.eBy]); return z;
    default: return p->f.zName;
    }
}

static double
per_1000(const fvalue *v)
{
    return v->nTotal ? (double)v->nDocs * 1000.0 / (double)v->nTotal : 0;
}

static void
print_text(facet *p)
{
    char zF[32];
    const char *zField = field_label(p, zF, sizeof(zF));
    kq_buf *ab = calloc(p->nRow + 1, sizeof(kq_buf));
    size_t w = strlen(zField), wTot = 5, wDocs = 4;
    for (size_t i = 0; ab && i < p->nRow; i++) {
        const fvalue *v = &p->aRow[i];
        if (v->n) {
            kq_buf_escape(&ab[i], v->z, v->n, KQ_ESC_TEXT);
        } else {
            kq_buf_append(&ab[i], "(none)", 6);
        }
        size_t wv = kq_text_width(ab[i].a ? (const char *)ab[i].a : "",
                                  ab[i].n);
        w = wv > w ? wv : w;
        char z[32];
        size_t n = (size_t)snprintf(z, sizeof(z), "%llu",
                                    (unsigned long long)v->nTotal);
        wTot = n > wTot ? n : wTot;
        n = (size_t)snprintf(z, sizeof(z), "%llu",
                             (unsigned long long)v->nDocs);
        wDocs = n > wDocs ? n : wDocs;
    }
    w = w > FACET_VALUE_WIDTH ? FACET_VALUE_WIDTH : w;
    fputs(zField, stdout);
    put_spaces(stdout, w - strlen(zField));
    printf("  %*s  %11s  %*s  %10s\n", (int)wDocs, "docs", "occurrences",
           (int)wTot, "total", "docs/1000");
    for (size_t i = 0; ab && i < p->nRow; i++) {
        const fvalue *v = &p->aRow[i];
        const char *z = ab[i].a ? (const char *)ab[i].a : "";
        size_t wv;
        size_t n = kq_text_prefix(z, ab[i].n, w, &wv);
        fwrite(z, 1, n, stdout); /* escaped above */
        put_spaces(stdout, w - wv);
        printf("  %*llu  %11llu  %*llu  %10.2f\n", (int)wDocs,
               (unsigned long long)v->nDocs, (unsigned long long)v->nOcc,
               (int)wTot, (unsigned long long)v->nTotal, per_1000(v));
    }
    for (size_t i = 0; ab && i < p->nRow; i++) {
        kq_buf_free(&ab[i]);
    }
    free(ab);
    printf("%s, ", zField);
    fputs("query ", stdout);
    esc_put(stdout, p->zQuery, strlen(p->zQuery), KQ_ESC_TEXT);
    printf(": %llu value%s, %llu matching document%s of %llu; left out: "
           "%zu by --top, %zu by --min-count",
           (unsigned long long)p->nValues, p->nValues == 1 ? "" : "s",
           (unsigned long long)p->nMatch, p->nMatch == 1 ? "" : "s",
           (unsigned long long)kq_index_stats(p->src.pIdx)->nDoc, p->nCutTop,
           p->nCutMin);
    dedup_note(&p->dd, stdout, " ", "");
    putchar('\n');
}

static json_t *
summary_json(facet *p)
{
    char zF[32];
    json_t *o = json_object();
    json_object_set_new(o, "query", json_text(p->zQuery, strlen(p->zQuery)));
    dedup_json(&p->dd, o);
    char *z = kq_query_describe(p->pQ);
    json_object_set_new(o, "parsed",
                        z ? json_text(z, strlen(z)) : json_null());
    free(z);
    json_object_set_new(o, "field",
                        json_string(field_label(p, zF, sizeof(zF))));
    json_object_set_new(o, "values", json_integer((json_int_t)p->nValues));
    json_object_set_new(o, "shown", json_integer((json_int_t)p->nRow));
    json_object_set_new(o, "matching", json_integer((json_int_t)p->nMatch));
    json_object_set_new(o, "occurrences", json_integer((json_int_t)p->nOcc));
    json_object_set_new(o, "left_out_top",
                        json_integer((json_int_t)p->nCutTop));
    json_object_set_new(o, "left_out_min_count",
                        json_integer((json_int_t)p->nCutMin));
    json_object_set_new(
        o, "top", p->nTop ? json_integer((json_int_t)p->nTop) : json_null());
    json_object_set_new(o, "min_count", json_integer((json_int_t)p->nMin));
    json_object_set_new(
        o, "sort", json_string(p->c->eSort == SORT_VALUE ? "value" : "count"));
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
print_table(facet *p, int eFmt)
{
    static const char *const azCol[] = {
        "value", "docs", "occurrences", "total", "docs_per_1000",
    };
    table t;
    table_begin(&t, stdout, eFmt, 5, azCol, JSONL_FACET);
    for (size_t i = 0; i < p->nRow; i++) {
        const fvalue *v = &p->aRow[i];
        table_strn(&t, v->n ? v->z : NULL, v->n); /* empty: "" / null */
        table_int(&t, (long long)v->nDocs);
        table_int(&t, (long long)v->nOcc);
        table_int(&t, (long long)v->nTotal);
        table_real(&t, per_1000(v));
        table_row_end(&t);
    }
    table_end(&t,
              eFmt == FMT_JSON || eFmt == FMT_JSONL ? summary_json(p) : NULL,
              "values");
}

/* The rows: candidates, --min-count, --sort, --top. */
static int
select_rows(facet *p)
{
    p->aRow = calloc((size_t)p->v.n + 1, sizeof(fvalue));
    if (p->aRow == NULL) {
        return KQ_NOMEM;
    }
    for (uint32_t i = 0; i < p->v.n; i++) {
        const fvalue *v = &p->v.a[i];
        p->nValues += v->nDocs > 0;
        if (v->nDocs == 0 && p->nMin > 0) {
            continue; /* not among the matches */
        }
        p->nCand++;
        if (v->nDocs < p->nMin) {
            p->nCutMin++;
        } else {
            p->aRow[p->nRow++] = *v;
        }
    }
    qsort(p->aRow, p->nRow, sizeof(fvalue),
          p->c->eSort == SORT_VALUE ? cmp_value : cmp_count);
    if (p->nTop && p->nRow > p->nTop) {
        p->nCutTop = p->nRow - p->nTop;
        p->nRow = p->nTop;
    }
    return KQ_OK;
}

static int
facet_run(facet *p)
{
    cli *c = p->c;
    int eFmt = cli_format(c, FMT_TEXT,
                          FMTBIT(FMT_TEXT) | FMTBIT(FMT_TSV) |
                              FMTBIT(FMT_CSV) | FMTBIT(FMT_JSON) |
                              FMTBIT(FMT_JSONL));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->eSort != SORT_DEFAULT && c->eSort != SORT_COUNT &&
        c->eSort != SORT_VALUE) {
        msg_put("kq facet: --sort takes count or value, not \"%s\"", c->zSort);
        return KQ_EXIT_USAGE;
    }
    if (c->nArg == 0) {
        fprintf(stderr, "kq facet: no field given (kq help facet)\n");
        return KQ_EXIT_USAGE;
    }
    p->nTop = c->bTop ? c->nTop : eFmt == FMT_TEXT ? FACET_TEXT_TOP : 0;
    p->nMin = c->bMinCount ? c->nMinCount : 1;
    int ex = dedup_open(&p->dd, c);
    if (ex == 0) {
        ex = source_open(&p->src, c);
    }
    if (ex == 0) {
        ex = field_parse(&p->src, c, c->azArg[0], 1, &p->f);
    }
    if (ex) {
        return ex;
    }
    p->zQuery = c->nArg > 1 ? cli_join_args(c, 1, c->nArg) : strdup("*");
    if (p->zQuery == NULL) {
        return report_error(c, KQ_NOMEM, NULL);
    }
    ex = parse_query(c, source_analyzer(&p->src), p->zQuery, &p->pQ);
    if (ex) {
        return ex;
    }
    int rc = fvalues_walk(&p->v, &p->src, &p->f, 1, &p->zErr);
    if (rc == KQ_OK && p->dd.bOn) {
        rc = dedup_query(&p->dd, p->src.pIdx, p->pQ, &p->zErr);
    }
    if (rc == KQ_OK) {
        rc = kq_search_each(p->src.pIdx, p->pQ, p, match_cb, &p->zErr);
    }
    if (rc == KQ_OK) {
        rc = select_rows(p);
    }
    if (rc) {
        return report_error(c, rc, p->zErr);
    }
    if (eFmt == FMT_TEXT) {
        print_text(p);
    } else {
        print_table(p, eFmt);
    }
    return p->nMatch ? KQ_EXIT_OK : KQ_EXIT_NOHITS;
}

int
cmd_facet(cli *c)
{
    facet p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    int ex = facet_run(&p);
    free(p.aRow);
    kq_query_free(p.pQ);
    free(p.zQuery);
    free(p.zErr);
    fvalues_free(&p.v);
    dedup_close(&p.dd);
    source_close(&p.src);
    return ex;
}
