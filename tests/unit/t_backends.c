/*
** t_backends.c -- the public API (kq.h alone) over both backends: the same
** documents written by kq_writer natively and with opts.bXapian, opened
** with kq_index_open(), give the same statistics, hits, scores, counts,
** documents, texts and matches; what needs kq's own index says so on a
** Xapian database (KQ_MISUSE and a message); several Xapian databases
** open together, not beside a kq index; the segment statistics add up to the
** index's; the option struct's version is checked; a Xapian database
** counts the documents of each date and source itself.
*/
#include "tharness.h"

#include <math.h>

#include "kq.h"

/* Small documents with dates and sources; two commits, so the native
** index has two segments. */
static const struct {
    const char *zId, *zTitle, *zDate, *zSource, *zBody;
} aDoc[] = {
    {"d0", "Oil prices rise", "1987-03-02", "wire", "oil prices rose today"},
    {"d1", "Gas and oil", "1987-03-05", "paper", "gas prices and oil prices"},
    {"d2", "Ceasefire", "1987-04-01", "wire", "a ceasefire holds, oil flows"},
    {"d3", "Peacekeepers", "", "", "peacekeepers watch the ceasefire"},
    {"d4", "Markets", "1988", "paper", "markets fell as oil fell"},
};
#define NDOC ((int)(sizeof aDoc / sizeof aDoc[0]))

static char zNative[64], zXapian[80];

static void
build(const char *zDir, int bXapian)
{
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    opts.bXapian = bXapian;
    opts.bNoMerge = 1;
    kq_writer *w = NULL;
    char *zErr = NULL;
    int rc = kq_writer_open(zDir, &opts, &w, &zErr);
    th_check(rc == KQ_OK, "kq_writer_open %s: %s", zDir, zErr ? zErr : "");
    for (int i = 0; i < NDOC; i++) {
        kq_doc d;
        memset(&d, 0, sizeof d);
        d.zId = aDoc[i].zId;
        d.nId = strlen(d.zId);
        d.zTitle = aDoc[i].zTitle;
        d.nTitle = strlen(d.zTitle);
        d.zDate = aDoc[i].zDate;
        d.nDate = strlen(d.zDate);
        d.zSource = aDoc[i].zSource;
        d.nSource = strlen(d.zSource);
        d.zBody = aDoc[i].zBody;
        d.nBody = strlen(d.zBody);
        assert_int_equal(kq_writer_add(w, &d, &zErr), KQ_OK);
        if (i == 2) {
            assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
        }
    }
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    assert_int_equal(kq_writer_stats_get(w)->nDoc, (uint64_t)NDOC);
    kq_writer_close(w);
    free(zErr);
}

static int
setup(void **state)
{
    (void)state;
    th_mkdtemp(zNative, sizeof zNative);
    th_mkdtemp(zXapian, sizeof zXapian);
    strcat(zXapian, "/db");
    build(zNative, 0);
    build(zXapian, 1);
    return 0;
}

static kq_index *
open_index(const char *zDir, int eKind)
{
    kq_index *p = NULL;
    char *zErr = NULL;
    int rc = kq_index_open(zDir, &p, &zErr);
    th_check(rc == KQ_OK, "kq_index_open %s: %s", zDir, zErr ? zErr : "");
    assert_int_equal(kq_index_backend(p), eKind);
    assert_int_equal(kq_dir_kind(zDir), eKind);
    return p;
}

/* The id of document iDoc of p, copied. */
static void
id_of(kq_index *p, kq_docid iDoc, char *zOut, size_t nOut)
{
    const kq_docinfo *d = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_doc(p, iDoc, &d, &zErr), KQ_OK);
    snprintf(zOut, nOut, "%.*s", (int)d->nId, d->zId);
}

static int
count_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    (void)iDoc, (void)score, (void)nOcc;
    (*(int *)pCtx)++;
    return 0;
}

static void
test_same_results(void **state)
{
    (void)state;
    kq_index *pN = open_index(zNative, KQ_KIND_NATIVE);
    kq_index *pX = open_index(zXapian, KQ_KIND_XAPIAN);
    const kq_stats *sN = kq_index_stats(pN), *sX = kq_index_stats(pX);
    assert_int_equal(sN->nDoc, NDOC);
    assert_int_equal(sX->nDoc, NDOC);
    assert_int_equal(sN->nSegment, 2);
    th_check(fabs(sN->avgDoclen - sX->avgDoclen) < 1e-9,
             "average length %g native, %g Xapian", sN->avgDoclen,
             sX->avgDoclen);
    static const char *const azQ[] = {"oil",          "oil OR ceasefire",
                                      "\"oil prices\"", "prices AND NOT gas",
                                      "source:wire",  "ceasefir*"};
    for (size_t iq = 0; iq < sizeof azQ / sizeof azQ[0]; iq++) {
        kq_query *qN = NULL, *qX = NULL;
        int iCol;
        char *zErr = NULL;
        assert_int_equal(kq_query_parse(kq_index_analyzer(pN), azQ[iq], &qN,
                                        &iCol, &zErr),
                         KQ_OK);
        assert_int_equal(kq_query_parse(kq_index_analyzer(pX), azQ[iq], &qX,
                                        &iCol, &zErr),
                         KQ_OK);
        kq_hit *aN = NULL, *aX = NULL;
        size_t nN = 0, nX = 0;
        uint64_t tN = 0, tX = 0;
        assert_int_equal(kq_search(pN, qN, 0, 10, &aN, &nN, &tN, &zErr),
                         KQ_OK);
        assert_int_equal(kq_search(pX, qX, 0, 10, &aX, &nX, &tX, &zErr),
                         KQ_OK);
        th_check(tN == tX && nN == nX && tN > 0,
                 "%s: %llu/%zu hits native, %llu/%zu Xapian", azQ[iq],
                 (unsigned long long)tN, nN, (unsigned long long)tX, nX);
        for (size_t i = 0; i < nN; i++) {
            char zN[16], zX[16];
            id_of(pN, aN[i].iDoc, zN, sizeof zN);
            id_of(pX, aX[i].iDoc, zX, sizeof zX);
            th_check(strcmp(zN, zX) == 0 &&
                         fabs(aN[i].score - aX[i].score) < 1e-6,
                     "%s: hit %zu is %s %.9f native, %s %.9f Xapian",
                     azQ[iq], i, zN, aN[i].score, zX, aX[i].score);
        }
        int cN = 0, cX = 0;
        assert_int_equal(kq_search_each(pN, qN, &cN, count_cb, &zErr), KQ_OK);
        assert_int_equal(kq_search_each(pX, qX, &cX, count_cb, &zErr), KQ_OK);
        assert_int_equal(cN, (int)tN);
        assert_int_equal(cX, (int)tX);
        /* The matcher works on both, and finds the same matches. */
        kq_matcher *mN = NULL, *mX = NULL;
        assert_int_equal(kq_matcher_new(pN, qN, &mN, &zErr), KQ_OK);
        assert_int_equal(kq_matcher_new(pX, qX, &mX, &zErr), KQ_OK);
        for (size_t i = 0; i < nN; i++) {
            int bN, bX;
            const kq_match *a;
            size_t kN = 0, kX = 0;
            assert_int_equal(
                kq_matcher_doc(mN, aN[i].iDoc, &bN, &a, &kN, &zErr), KQ_OK);
            assert_int_equal(
                kq_matcher_doc(mX, aX[i].iDoc, &bX, &a, &kX, &zErr), KQ_OK);
            th_check(bN && bX && kN == kX, "%s: hit %zu: %zu matches native, "
                     "%zu Xapian", azQ[iq], i, kN, kX);
        }
        kq_matcher_free(mN);
        kq_matcher_free(mX);
        free(aN);
        free(aX);
        kq_query_free(qN);
        kq_query_free(qX);
        free(zErr);
    }
    kq_index_close(pN);
    kq_index_close(pX);
}

/* Every document's metadata and text, found by id through a search. */
static void
test_same_documents(void **state)
{
    (void)state;
    kq_index *ap[2] = {open_index(zNative, KQ_KIND_NATIVE),
                       open_index(zXapian, KQ_KIND_XAPIAN)};
    for (int b = 0; b < 2; b++) {
        int nSeen = 0;
        for (kq_docid iDoc = 0; iDoc < NDOC; iDoc++) {
            const kq_docinfo *d = NULL;
            char *zErr = NULL;
            assert_int_equal(kq_index_doc(ap[b], iDoc, &d, &zErr), KQ_OK);
            int i = 0;
            while (i < NDOC && (strlen(aDoc[i].zId) != d->nId ||
                                memcmp(aDoc[i].zId, d->zId, d->nId) != 0)) {
                i++;
            }
            th_check(i < NDOC, "backend %d: docid %u has an unknown id", b,
                     iDoc);
            nSeen++;
            assert_int_equal(d->nTitle, strlen(aDoc[i].zTitle));
            assert_memory_equal(d->zTitle, aDoc[i].zTitle, d->nTitle);
            assert_int_equal(d->nSource, strlen(aDoc[i].zSource));
            assert_memory_equal(d->zSource, aDoc[i].zSource, d->nSource);
            assert_int_equal(d->nDate, strlen(aDoc[i].zDate));
            assert_memory_equal(d->zDate, aDoc[i].zDate, d->nDate);
            assert_int_equal(d->nField, 0);
            /* One language: every native document has it (no walk of the
            ** language terms); Xapian keeps none. */
            if (b == 0) {
                assert_non_null(d->zLang);
                assert_string_equal(d->zLang, "english");
            } else {
                assert_null(d->zLang);
            }
            char *zText = NULL;
            size_t nText = 0;
            assert_int_equal(kq_index_text(ap[b], iDoc, &zText, &nText, &zErr),
                             KQ_OK);
            assert_int_equal(nText, strlen(aDoc[i].zBody));
            assert_memory_equal(zText, aDoc[i].zBody, nText);
            free(zText);
        }
        assert_int_equal(nSeen, NDOC);
        kq_index_close(ap[b]);
    }
}

static int
doc_cb(void *pCtx, kq_docid iDoc)
{
    (void)iDoc;
    (*(int *)pCtx)++;
    return 0;
}

/* What needs kq's own index says so on a Xapian database; the walk of
** the documents, term frequencies, finding by id, date order and explain
** answer there as natively. */
static void
test_native_only(void **state)
{
    (void)state;
    kq_index *p = open_index(zXapian, KQ_KIND_XAPIAN);
    kq_index *pN = open_index(zNative, KQ_KIND_NATIVE);
    char *zErr = NULL;
    int nSeen = 0;
    kq_docid nDocid = 0;
    assert_int_equal(kq_index_each_doc(p, &nSeen, doc_cb, &nDocid, &zErr),
                     KQ_OK);
    assert_int_equal(nSeen, NDOC);
    assert_int_equal(nDocid, NDOC);
    static const char *const azTerm[] = {"oil", "price", "zzz", "Swire",
                                         "D1987", "Toil"};
    for (size_t i = 0; i < sizeof azTerm / sizeof azTerm[0]; i++) {
        uint64_t nX[2], nN[2];
        size_t nT = strlen(azTerm[i]);
        assert_int_equal(
            kq_index_term_freq(p, azTerm[i], nT, &nX[0], &nX[1], &zErr),
            KQ_OK);
        assert_int_equal(
            kq_index_term_freq(pN, azTerm[i], nT, &nN[0], &nN[1], &zErr),
            KQ_OK);
        th_check(nX[0] == nN[0] && nX[1] == nN[1],
                 "%s: Xapian %llu docs %llu occurrences, native %llu %llu",
                 azTerm[i], (unsigned long long)nX[0],
                 (unsigned long long)nX[1], (unsigned long long)nN[0],
                 (unsigned long long)nN[1]);
    }
    const kq_segment_stats *g = NULL;
    assert_int_equal(kq_index_segment(p, 0, &g, &zErr), KQ_MISUSE);
    assert_null(g);
    free(zErr);
    zErr = NULL;
    assert_int_equal(kq_index_check(p, &zErr), KQ_MISUSE);
    free(zErr);
    zErr = NULL;
    /* Finding by id, date order and explain answer as natively. */
    kq_docid iDoc, iDocN;
    assert_int_equal(kq_index_find(p, "d0", 2, &iDoc, &zErr), KQ_OK);
    assert_int_equal(kq_index_find(pN, "d0", 2, &iDocN, &zErr), KQ_OK);
    assert_int_equal(iDoc, iDocN);
    assert_int_equal(kq_index_find(p, "nosuch", 6, &iDoc, &zErr),
                     KQ_NOTFOUND);
    free(zErr);
    zErr = NULL;
    kq_query *q = NULL;
    int iCol;
    assert_int_equal(
        kq_query_parse(kq_index_analyzer(p), "oil", &q, &iCol, &zErr), KQ_OK);
    for (int f = KQ_SEARCH_DATE; f <= KQ_SEARCH_DATE_DESC; f *= 2) {
        kq_hit *a = NULL, *aN = NULL;
        size_t nHit, nHitN;
        uint64_t nTotal, nTotalN;
        assert_int_equal(kq_search_ex(p, q, f, 0, 10, &a, &nHit, &nTotal, NULL,
                                      &zErr),
                         KQ_OK);
        assert_int_equal(kq_search_ex(pN, q, f, 0, 10, &aN, &nHitN, &nTotalN,
                                      NULL, &zErr),
                         KQ_OK);
        assert_int_equal(nTotal, nTotalN);
        assert_int_equal(nHit, nHitN);
        for (size_t i = 0; i < nHit; i++) {
            th_check(a[i].iDoc == aN[i].iDoc && a[i].score == aN[i].score,
                     "date order %d, hit %zu: Xapian %u, native %u", f, i,
                     a[i].iDoc, aN[i].iDoc);
        }
        free(a);
        free(aN);
    }
    kq_explain_info x, xN;
    assert_int_equal(kq_explain(p, q, iDocN, &x, &zErr), KQ_OK);
    assert_int_equal(kq_explain(pN, q, iDocN, &xN, &zErr), KQ_OK);
    assert_int_equal(x.bMatch, xN.bMatch);
    assert_true(x.score == xN.score);
    assert_int_equal(x.nLen, xN.nLen);
    assert_int_equal(x.nTerm, xN.nTerm);
    for (int i = 0; i < x.nTerm; i++) {
        assert_string_equal(x.aTerm[i].zTerm, xN.aTerm[i].zTerm);
        assert_int_equal(x.aTerm[i].tf, xN.aTerm[i].tf);
        assert_int_equal(x.aTerm[i].df, xN.aTerm[i].df);
        assert_true(x.aTerm[i].score == xN.aTerm[i].score);
    }
    kq_explain_free(&x);
    kq_explain_free(&xN);
    free(zErr);
    kq_query_free(q);
    kq_index_close(pN);
    kq_index_close(p);
}

/* The segments' statistics add up to the index's; the walk of the live
** documents sees every document once. */
static void
test_segments(void **state)
{
    (void)state;
    kq_index *p = open_index(zNative, KQ_KIND_NATIVE);
    const kq_stats *s = kq_index_stats(p);
    char *zErr = NULL;
    uint64_t nDoc = 0, nToken = 0;
    for (uint32_t i = 0; i < s->nSegment; i++) {
        const kq_segment_stats *g = NULL;
        assert_int_equal(kq_index_segment(p, i, &g, &zErr), KQ_OK);
        nDoc += g->nDoc - g->nDel;
        nToken += g->nToken;
        th_check(g->nWord > 0 && g->nByte > 0, "segment %u: %llu words, "
                 "%llu bytes", i, (unsigned long long)g->nWord,
                 (unsigned long long)g->nByte);
    }
    assert_int_equal(nDoc, s->nDoc);
    assert_int_equal(nToken, s->nToken);
    /* At the limit: one past the last segment. */
    const kq_segment_stats *g = NULL;
    assert_int_equal(kq_index_segment(p, s->nSegment, &g, &zErr), KQ_MISUSE);
    free(zErr);
    zErr = NULL;
    int nSeen = 0;
    kq_docid nDocid = 0;
    assert_int_equal(kq_index_each_doc(p, &nSeen, doc_cb, &nDocid, &zErr),
                     KQ_OK);
    assert_int_equal(nSeen, NDOC);
    assert_int_equal(nDocid, NDOC);
    kq_index_close(p);
}

/* Several Xapian databases open together as shards; a kq index beside
** them is refused (several kq indexes: t_multi.c). */
static void
test_open_many(void **state)
{
    (void)state;
    char *zErr = NULL;
    kq_index *p = NULL;
    const char *az[2] = {zXapian, zXapian};
    assert_int_equal(kq_index_open_many(az, 2, &p, &zErr), KQ_OK);
    assert_int_equal(kq_index_backend(p), KQ_KIND_XAPIAN);
    assert_int_equal(kq_index_stats(p)->nDoc, 2 * NDOC);
    kq_index_close(p);
    az[1] = zNative;
    assert_int_equal(kq_index_open_many(az, 2, &p, &zErr), KQ_MISUSE);
    assert_null(p);
    th_check(zErr && strstr(zErr, zNative), "message: %s",
             zErr ? zErr : "(none)");
    free(zErr);
    zErr = NULL;
    assert_int_equal(kq_index_open_many(az, 0, &p, &zErr), KQ_MISUSE);
    free(zErr);
}

/* kq_index_value_counts(): on Xapian, the documents of each date and
** source, as a walk of the native index's documents counts them (aDoc:
** "1987-03-02" 1, ..., "" 1); on a kq index KQ_MISUSE with a message. */
static int
vc_cb(void *pCtx, const char *z, size_t n, uint64_t nDoc)
{
    kq_buf *b = pCtx;
    char a[32];
    kq_buf_append(b, z, n);
    snprintf(a, sizeof a, "=%llu;", (unsigned long long)nDoc);
    kq_buf_append(b, a, strlen(a));
    return 0;
}

static void
test_value_counts(void **state)
{
    (void)state;
    kq_index *pX = open_index(zXapian, KQ_KIND_XAPIAN);
    kq_buf b = {0};
    char *zErr = NULL;
    assert_int_equal(kq_index_value_counts(pX, KQ_VALUE_DATE, &b, vc_cb,
                                           &zErr), KQ_OK);
    kq_buf_append(&b, "", 1);
    assert_string_equal((char *)b.a, "1987-03-02=1;1987-03-05=1;"
                                     "1987-04-01=1;1988=1;=1;");
    b.n = 0;
    assert_int_equal(kq_index_value_counts(pX, KQ_VALUE_SOURCE, &b, vc_cb,
                                           &zErr), KQ_OK);
    kq_buf_append(&b, "", 1);
    assert_string_equal((char *)b.a, "paper=2;wire=2;=1;");
    assert_int_equal(kq_index_value_counts(pX, 7, &b, vc_cb, &zErr),
                     KQ_MISUSE);
    free(zErr);
    zErr = NULL;
    kq_buf_free(&b);
    kq_index_close(pX);
    kq_index *pN = open_index(zNative, KQ_KIND_NATIVE);
    assert_int_equal(kq_index_value_counts(pN, KQ_VALUE_DATE, &b, vc_cb,
                                           &zErr), KQ_MISUSE);
    th_check(zErr && strstr(zErr, "needs a Xapian database"), "message: %s",
             zErr ? zErr : "(none)");
    free(zErr);
    kq_index_close(pN);
}

/* kq_writer_opts carries its version; another is refused, nothing made. */
static void
test_opts_version(void **state)
{
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    strcat(zDir, "/ix");
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    assert_int_equal(opts.iVersion, KQ_WRITER_OPTS_VERSION);
    opts.iVersion = KQ_WRITER_OPTS_VERSION + 1;
    kq_writer *w = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_writer_open(zDir, &opts, &w, &zErr), KQ_MISUSE);
    assert_null(w);
    th_check(zErr && strstr(zErr, "KQ_WRITER_OPTS_INIT"), "message: %s",
             zErr ? zErr : "(none)");
    free(zErr);
    assert_int_equal(kq_dir_kind(zDir), KQ_KIND_NONE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_results),
        cmocka_unit_test(test_same_documents),
        cmocka_unit_test(test_native_only),
        cmocka_unit_test(test_segments),
        cmocka_unit_test(test_open_many),
        cmocka_unit_test(test_opts_version),
        cmocka_unit_test(test_value_counts),
    };
    if (setup(NULL)) {
        return 1;
    }
    return TH_RUN(tests);
}
