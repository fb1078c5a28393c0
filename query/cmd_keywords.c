/*
** cmd_keywords.c -- kq keywords: the words over-represented in the
** documents matching a query (the focus corpus) against a reference
** corpus: the rest of the index, or the documents matching --reference.
** kq_index_keywords() (common/keywords.c) counts and scores; this reads
** the options and prints.
*/
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct kwds {
    cli *c;
    source src;
    kq_keywords_opts o;
    kq_keywords *pRes;
    char *zErr;
} kwds;

static json_t *
summary_json(kwds *k, const char *zQuery)
{
    const kq_keywords *r = k->pRes;
    json_t *o = json_object();
    json_object_set_new(o, "query", json_text(zQuery, strlen(zQuery)));
    const char *zR = k->c->zReference;
    json_object_set_new(o, "reference",
                        zR ? json_text(zR, strlen(zR)) : json_null());
    json_object_set_new(o, "focus_documents",
                        json_integer((json_int_t)r->nFocusDoc));
    json_object_set_new(o, "reference_documents",
                        json_integer((json_int_t)r->nRefDoc));
    json_object_set_new(o, "overlap", json_integer((json_int_t)r->nOverlap));
    json_object_set_new(o, "focus_tokens",
                        json_integer((json_int_t)r->nFocusTok));
    json_object_set_new(o, "reference_tokens",
                        json_integer((json_int_t)r->nRefTok));
    json_object_set_new(o, "by", json_string(k->o.bStem ? "stem" : "word"));
    json_object_set_new(o, "min_freq",
                        json_integer((json_int_t)k->o.nMinFreq));
    json_object_set_new(o, "keywords", json_integer((json_int_t)r->nRow));
    json_object_set_new(o, "index",
                        json_text(k->src.zDir, strlen(k->src.zDir)));
    json_object_set_new(o, "version", json_string(KQ_VERSION));
    return o;
}

static void
print_text(kwds *k, size_t n)
{
    const kq_keywords *r = k->pRes;
    const kq_keyword_row *a = r->aRow;
    printf("focus: %llu documents, %llu tokens; reference: %llu documents, "
           "%llu tokens\n",
           (unsigned long long)r->nFocusDoc, (unsigned long long)r->nFocusTok,
           (unsigned long long)r->nRefDoc, (unsigned long long)r->nRefTok);
    size_t w = 4;
    for (size_t i = 0; i < n; i++) {
        char *z = kq_escape(a[i].zKey, a[i].nKey, KQ_ESC_TEXT);
        size_t wz = z ? kq_text_width(z, strlen(z)) : 0;
        w = wz > w ? wz : w;
        free(z);
    }
    printf("%-*s %9s %9s %10s %9s %9s\n", (int)w, "word", "focus", "reference",
           "G2", "LogRatio", "%DIFF");
    for (size_t i = 0; i < n; i++) {
        char *z = kq_escape(a[i].zKey, a[i].nKey, KQ_ESC_TEXT);
        size_t wz = z ? kq_text_width(z, strlen(z)) : 0;
        printf("%s", z ? z : "");
        put_spaces(stdout, w - wz);
        printf(" %9llu %9llu %10.3f %9.3f %9.1f\n",
               (unsigned long long)a[i].nFocus, (unsigned long long)a[i].nRef,
               a[i].rLL, a[i].rLogRatio, a[i].rPctDiff);
        free(z);
    }
}

static void
print_table(kwds *k, int eFmt, size_t n, const char *zQuery)
{
    static const char *const azCol[] = {
        "word", "focus",     "reference", "focus_tokens", "reference_tokens",
        "ll",   "log_ratio", "pct_diff",
    };
    const kq_keyword_row *a = k->pRes->aRow;
    table t;
    table_begin(&t, stdout, eFmt, 8, azCol, JSONL_KEYWORD);
    for (size_t i = 0; i < n; i++) {
        table_strn(&t, a[i].zKey, a[i].nKey);
        table_int(&t, (long long)a[i].nFocus);
        table_int(&t, (long long)a[i].nRef);
        table_int(&t, (long long)k->pRes->nFocusTok);
        table_int(&t, (long long)k->pRes->nRefTok);
        table_real(&t, a[i].rLL);
        table_real(&t, a[i].rLogRatio);
        table_real(&t, a[i].rPctDiff);
        table_row_end(&t);
    }
    table_end(&t,
              eFmt == FMT_JSON || eFmt == FMT_JSONL ? summary_json(k, zQuery)
                                                    : NULL,
              "keywords");
}

/* Read, score and print. */
static int
run_keywords(kwds *k, int eFmt, const kq_query *pQ, const char *zQuery)
{
    int rc = kq_index_keywords(k->src.pIdx, pQ, &k->o, &k->pRes, &k->zErr);
    if (rc) {
        return report_error(k->c, rc, k->zErr);
    }
    const kq_keywords *r = k->pRes;
    int ex = KQ_EXIT_OK;
    if (r->nFocusDoc == 0) {
        msg_put("kq keywords: no document matches the query: the focus "
                "is empty");
        ex = KQ_EXIT_NOHITS;
    } else if (r->nRefTok == 0) {
        msg_put("kq keywords: the reference is empty (%llu documents, no "
                "tokens)",
                (unsigned long long)r->nRefDoc);
        ex = KQ_EXIT_NOHITS;
    }
    size_t nShow = k->c->nTop && k->c->nTop < r->nRow ? k->c->nTop : r->nRow;
    if (eFmt == FMT_TEXT) {
        print_text(k, nShow);
    } else {
        print_table(k, eFmt, nShow, zQuery);
    }
    return ex;
}

int
cmd_keywords(cli *c)
{
    int eFmt = cli_format(c, FMT_TEXT,
                          FMTBIT(FMT_TEXT) | FMTBIT(FMT_TSV) |
                              FMTBIT(FMT_CSV) | FMTBIT(FMT_JSON) |
                              FMTBIT(FMT_JSONL));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->zBy && strcmp(c->zBy, "word") && strcmp(c->zBy, "stem")) {
        msg_put("kq keywords: --by takes word or stem, not \"%s\"", c->zBy);
        return KQ_EXIT_USAGE;
    }
    if (c->nArg == 0) {
        fprintf(stderr, "kq keywords: no query given (kq help keywords)\n");
        return KQ_EXIT_USAGE;
    }
    if (!c->bTop) {
        c->nTop = 20;
    }
    kwds k;
    memset(&k, 0, sizeof(k));
    k.c = c;
    kq_keywords_opts o = KQ_KEYWORDS_OPTS_INIT;
    if (c->bMinFreq) {
        o.nMinFreq = c->nMinFreq;
    }
    o.bStem = c->zBy && strcmp(c->zBy, "stem") == 0;
    kq_query *pQ = NULL, *pR = NULL;
    char *zQuery = cli_join_args(c, 0, c->nArg);
    int ex = zQuery ? source_open(&k.src, c) : KQ_EXIT_INDEX;
    kq_analyzer *pA = ex == 0 ? source_analyzer(&k.src) : NULL;
    if (ex == 0) {
        ex = parse_query(c, pA, zQuery, &pQ);
    }
    if (ex == 0 && c->zReference) {
        ex = parse_query(c, pA, c->zReference, &pR);
    }
    o.pReference = pR;
    k.o = o;
    if (ex == 0) {
        ex = run_keywords(&k, eFmt, pQ, zQuery);
    }
    kq_keywords_free(k.pRes);
    free(k.zErr);
    free(zQuery);
    kq_query_free(pQ);
    kq_query_free(pR);
    source_close(&k.src);
    return ex;
}
