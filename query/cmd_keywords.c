/*
** cmd_keywords.c -- kq keywords: the words over-represented in the
** documents matching a query (the focus corpus) against a reference
** corpus: the rest of the index, or the documents matching --reference
** (kq(1), COLLOCATES AND KEYWORDS).
**
** A document matching both queries is in the focus only: the statistics
** compare two samples, and a document in both would have its words on
** both sides of the table (the summary reports how many there were).
** Frequencies: the focus's by reading its documents; the reference's by
** reading its documents, except for the rest of the index --by stem,
** where the index's exact counts (kq_index_term_freq()) minus the focus's
** give them without reading anything.  Sizes are in tokens (assoc.c).
*/
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct kwds {
    cli *c;
    source src;
    kq_query *pQ, *pR;
    int bStem;
    kq_docid nDocid;        /* one more than the largest docid */
    unsigned char *abFocus; /* per docid: in the focus */
    kq_docid *aDoc;         /* the documents a query matches */
    size_t nDoc, nDocAlloc;
    uint64_t nFocus, nRef, nOverlap; /* documents */
    wtab t;                          /* aN[0] = a, aN[1] = b */
    wcount w;
    uint64_t nCorpus; /* --by stem, the rest: the index's tokens */
    uint64_t nC, nD;  /* the focus's tokens, the reference's */
    char *zErr;
} kwds;

static int
match_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    kwds *k = pCtx;
    if (kq_grow(&k->aDoc, sizeof(kq_docid), &k->nDocAlloc, k->nDoc + 1, 64)) {
        return KQ_NOMEM;
    }
    k->aDoc[k->nDoc++] = iDoc;
    return KQ_OK;
}

/* The rest of the index: each live document not in the focus. */
static int
rest_cb(void *pCtx, kq_docid iDoc)
{
    kwds *k = pCtx;
    if (iDoc < k->nDocid && k->abFocus[iDoc]) {
        return KQ_OK;
    }
    k->nRef++;
    if (k->bStem) {
        return doc_ntoken(k->src.pIdx, iDoc, &k->nCorpus, &k->zErr);
    }
    return wcount_doc(&k->w, k->src.pIdx, iDoc, &k->zErr);
}

/* The focus: a per word, c. */
static int
read_focus(kwds *k)
{
    int rc = kq_index_each_doc(k->src.pIdx, NULL, NULL, &k->nDocid, &k->zErr);
    if (rc == KQ_OK &&
        (k->abFocus = calloc((size_t)k->nDocid + 1, 1)) == NULL) {
        rc = KQ_NOMEM;
    }
    if (rc == KQ_OK) {
        rc = kq_search_each(k->src.pIdx, k->pQ, k, match_cb, &k->zErr);
    }
    memset(&k->w, 0, sizeof(k->w));
    k->w.t = &k->t;
    k->w.bStem = k->bStem;
    k->w.bAdd = 1;
    for (size_t i = 0; rc == KQ_OK && i < k->nDoc; i++) {
        if (k->aDoc[i] < k->nDocid) {
            k->abFocus[k->aDoc[i]] = 1;
        }
        rc = wcount_doc(&k->w, k->src.pIdx, k->aDoc[i], &k->zErr);
    }
    k->nFocus = k->nDoc;
    k->nC = k->w.nToken;
    return rc;
}

/* The reference: b per word of the focus, d. */
static int
read_reference(kwds *k)
{
    int rc = KQ_OK;
    k->w.bAdd = 0;
    k->w.iCol = 1;
    k->w.nToken = 0;
    if (k->pR) {
        k->nDoc = 0;
        rc = kq_search_each(k->src.pIdx, k->pR, k, match_cb, &k->zErr);
        for (size_t i = 0; rc == KQ_OK && i < k->nDoc; i++) {
            kq_docid iDoc = k->aDoc[i];
            if (iDoc < k->nDocid && k->abFocus[iDoc]) {
                k->nOverlap++;
                continue;
            }
            k->nRef++;
            rc = wcount_doc(&k->w, k->src.pIdx, iDoc, &k->zErr);
        }
        k->nD = k->w.nToken;
        return rc;
    }
    rc = kq_index_each_doc(k->src.pIdx, k, rest_cb, NULL, &k->zErr);
    if (!k->bStem) {
        k->nD = k->w.nToken;
        return rc;
    }
    /* --by stem: the index's counts, less the focus's. */
    for (size_t i = 0; rc == KQ_OK && i < k->t.nEntry; i++) {
        wentry *e = &k->t.aEntry[i];
        uint64_t nDoc, nOcc;
        if (e->aN[0] < k->c->nMinFreq) {
            continue;
        }
        rc = kq_index_term_freq(k->src.pIdx, wtab_key(&k->t, e), e->nKey,
                                &nDoc, &nOcc, &k->zErr);
        e->aN[1] = nOcc > e->aN[0] ? nOcc - e->aN[0] : 0;
    }
    k->nD = k->nCorpus;
    return rc;
}

typedef struct kscore {
    double g2, lr, pd;
} kscore;

static kscore
score(const kwds *k, const wentry *e)
{
    double a = (double)e->aN[0], b = (double)e->aN[1];
    kscore s;
    s.g2 = assoc_g2_keyword(a, b, (double)k->nC, (double)k->nD);
    s.lr = assoc_log_ratio(a, b, (double)k->nC, (double)k->nD);
    s.pd = assoc_pct_diff(a, b, (double)k->nC, (double)k->nD);
    return s;
}

static json_t *
summary_json(kwds *k, const char *zQuery, size_t nRow)
{
    json_t *o = json_object();
    json_object_set_new(o, "query", json_text(zQuery, strlen(zQuery)));
    const char *zR = k->c->zReference;
    json_object_set_new(o, "reference",
                        zR ? json_text(zR, strlen(zR)) : json_null());
    json_object_set_new(o, "focus_documents",
                        json_integer((json_int_t)k->nFocus));
    json_object_set_new(o, "reference_documents",
                        json_integer((json_int_t)k->nRef));
    json_object_set_new(o, "overlap", json_integer((json_int_t)k->nOverlap));
    json_object_set_new(o, "focus_tokens", json_integer((json_int_t)k->nC));
    json_object_set_new(o, "reference_tokens",
                        json_integer((json_int_t)k->nD));
    json_object_set_new(o, "by", json_string(k->bStem ? "stem" : "word"));
    json_object_set_new(o, "min_freq",
                        json_integer((json_int_t)k->c->nMinFreq));
    json_object_set_new(o, "keywords", json_integer((json_int_t)nRow));
    json_object_set_new(o, "index",
                        json_text(k->src.zDir, strlen(k->src.zDir)));
    json_object_set_new(o, "version", json_string(KQ_VERSION));
    return o;
}

static void
print_text(kwds *k, wentry **ap, size_t n)
{
    printf("focus: %llu documents, %llu tokens; reference: %llu documents, "
           "%llu tokens\n",
           (unsigned long long)k->nFocus, (unsigned long long)k->nC,
           (unsigned long long)k->nRef, (unsigned long long)k->nD);
    size_t w = 4;
    for (size_t i = 0; i < n; i++) {
        char *z = kq_escape(wtab_key(&k->t, ap[i]), ap[i]->nKey, KQ_ESC_TEXT);
        size_t wz = z ? text_width(z, strlen(z)) : 0;
        w = wz > w ? wz : w;
        free(z);
    }
    printf("%-*s %9s %9s %10s %9s %9s\n", (int)w, "word", "focus", "reference",
           "G2", "LogRatio", "%DIFF");
    for (size_t i = 0; i < n; i++) {
        char *z = kq_escape(wtab_key(&k->t, ap[i]), ap[i]->nKey, KQ_ESC_TEXT);
        size_t wz = z ? text_width(z, strlen(z)) : 0;
        kscore s = score(k, ap[i]);
        printf("%s", z ? z : "");
        put_spaces(stdout, w - wz);
        printf(" %9llu %9llu %10.3f %9.3f %9.1f\n",
               (unsigned long long)ap[i]->aN[0],
               (unsigned long long)ap[i]->aN[1], s.g2, s.lr, s.pd);
        free(z);
    }
}

static void
print_table(kwds *k, int eFmt, wentry **ap, size_t n, size_t nAll,
            const char *zQuery)
{
    static const char *const azCol[] = {
        "word", "focus",     "reference", "focus_tokens", "reference_tokens",
        "ll",   "log_ratio", "pct_diff",
    };
    table t;
    table_begin(&t, stdout, eFmt, 8, azCol, JSONL_KEYWORD);
    for (size_t i = 0; i < n; i++) {
        kscore s = score(k, ap[i]);
        table_strn(&t, wtab_key(&k->t, ap[i]), ap[i]->nKey);
        table_int(&t, (long long)ap[i]->aN[0]);
        table_int(&t, (long long)ap[i]->aN[1]);
        table_int(&t, (long long)k->nC);
        table_int(&t, (long long)k->nD);
        table_real(&t, s.g2);
        table_real(&t, s.lr);
        table_real(&t, s.pd);
        table_row_end(&t);
    }
    table_end(&t,
              eFmt == FMT_JSON || eFmt == FMT_JSONL
                  ? summary_json(k, zQuery, nAll)
                  : NULL,
              "keywords");
}

/* Read, score and print. */
static int
run_keywords(kwds *k, int eFmt, const char *zQuery)
{
    int rc = read_focus(k);
    if (rc == KQ_OK && k->nFocus > 0) {
        rc = read_reference(k);
    }
    wentry **ap = NULL;
    size_t n = 0;
    if (rc == KQ_OK && k->t.nEntry &&
        (ap = malloc(k->t.nEntry * sizeof(wentry *))) == NULL) {
        rc = KQ_NOMEM;
    }
    if (rc) {
        return report_error(k->c, rc, k->zErr);
    }
    int ex = KQ_EXIT_OK;
    if (k->nFocus == 0) {
        msg_put("kq keywords: no document matches the query: the focus "
                "is empty");
        ex = KQ_EXIT_NOHITS;
    } else if (k->nD == 0) {
        msg_put("kq keywords: the reference is empty (%llu documents, no "
                "tokens)",
                (unsigned long long)k->nRef);
        ex = KQ_EXIT_NOHITS;
    }
    for (size_t i = 0; ex == KQ_EXIT_OK && i < k->t.nEntry; i++) {
        wentry *e = &k->t.aEntry[i];
        if (e->aN[0] >= k->c->nMinFreq) {
            e->rSort = assoc_sort_key(score(k, e).g2);
            ap[n++] = e;
        }
    }
    wtab_sort(&k->t, ap, n);
    size_t nShow = k->c->nTop && k->c->nTop < n ? k->c->nTop : n;
    if (eFmt == FMT_TEXT) {
        print_text(k, ap, nShow);
    } else {
        print_table(k, eFmt, ap, nShow, n, zQuery);
    }
    free(ap);
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
    if (!c->bMinFreq) {
        c->nMinFreq = 5;
    }
    if (!c->bTop) {
        c->nTop = 20;
    }
    kwds k;
    memset(&k, 0, sizeof(k));
    k.c = c;
    k.bStem = c->zBy && strcmp(c->zBy, "stem") == 0;
    char *zQuery = cli_join_args(c, 0, c->nArg);
    int ex = zQuery ? source_open(&k.src, c) : KQ_EXIT_INDEX;
    kq_analyzer *pA = ex == 0 ? source_analyzer(&k.src) : NULL;
    if (ex == 0) {
        ex = parse_query(c, pA, zQuery, &k.pQ);
    }
    if (ex == 0 && c->zReference) {
        ex = parse_query(c, pA, c->zReference, &k.pR);
    }
    if (ex == 0) {
        ex = run_keywords(&k, eFmt, zQuery);
    }
    free(k.aDoc);
    free(k.abFocus);
    wtab_free(&k.t);
    free(k.zErr);
    free(zQuery);
    kq_query_free(k.pQ);
    kq_query_free(k.pR);
    source_close(&k.src);
    return ex;
}
