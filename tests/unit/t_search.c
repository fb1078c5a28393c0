/*
** t_search.c -- ranking and end-to-end search:
**   - kqi_bm25_idf and kqi_bm25 against values worked out by hand;
**   - a six-document index (language "none"): counts of AND/OR/NOT/phrase/
**     prefix queries, top scores against hand-computed BM25 sums, ties by
**     ascending docid, paging with nOffset/nLimit, nLimit = 0, stored
**     metadata and text;
**   - the same index written with a 1-byte memory budget (a spill per
**     document) and in two commits: identical results;
**   - a random index checked against a brute-force model of matching and
**     BM25, for every budget/commit layout.
*/
#include "tharness.h"

#include <math.h>
#include "kq_int.h"

#include <libdeflate.h>

#include <signal.h>

#define EPS 1e-9

static int near(double a, double b) {
    return fabs(a - b) <= EPS * (1.0 + fabs(b));
}

/**************************************************************************
** BM25 by hand.  k1 = 1.2, b = 0.75.
*/
static void test_bm25_idf(void **state) {
    (void)state;
    /* Xapian's idf: tw = (N - df + 0.5) / (df + 0.5), raised to tw / 2 + 1
    ** when below 2 (so it stays positive), idf = ln tw.
    ** N = 10, df = 2: tw = 8.5 / 2.5 = 3.4; ln 3.4 = 1.2237754316221157 */
    assert_true(near(kqi_bm25_idf(10, 2), 1.2237754316221157));
    /* N = 1, df = 1: tw = 0.5 / 1.5 = 1/3 -> 1/6 + 1 = 7/6;
    **   ln(7/6) = 0.15415067982725836 */
    assert_true(near(kqi_bm25_idf(1, 1), 0.15415067982725836));
    /* N = 100, df = 100: tw = 0.5 / 100.5 -> 1.0024876...;
    **   ln = 0.0024844733276619658 -- small but never negative */
    assert_true(near(kqi_bm25_idf(100, 100), 0.0024844733276619658));
    assert_true(kqi_bm25_idf(100, 100) > 0);
    /* N = 6, df = 3: tw = 3.5 / 3.5 = 1 -> 1.5; ln 1.5 = 0.4054651081081644 */
    assert_true(near(kqi_bm25_idf(6, 3), 0.4054651081081644));
    /* N = 6, df = 2: tw = 4.5 / 2.5 = 1.8 -> 1.9; ln 1.9 = 0.6418538861723947 */
    assert_true(near(kqi_bm25_idf(6, 2), 0.6418538861723947));
    /* rarer terms weigh more */
    assert_true(kqi_bm25_idf(1000, 1) > kqi_bm25_idf(1000, 10));
    assert_true(kqi_bm25_idf(1000, 10) > kqi_bm25_idf(1000, 500));
}

static void test_bm25_tf(void **state) {
    (void)state;
    /* k1 = 1.4, b = 0.5.
    ** idf 2, tf 3, dl = avgdl = 10: dl/avgdl = 1, so the length factor is
    ** 1 - 0.5 + 0.5 = 1 and the denominator 3 + 1.4 = 4.4;
    ** numerator 2 * 3 * 2.4 = 14.4;  14.4 / 4.4 = 3.2727272727272725 */
    assert_true(near(kqi_bm25(2.0, 3, 10, 10.0), 3.2727272727272725));
    /* idf 1, tf 1, dl 20, avgdl 10: 0.5 + 0.5 * 2 = 1.5; * 1.4 = 2.1;
    ** 1 + 2.1 = 3.1;  2.4 / 3.1 = 0.7741935483870968 */
    assert_true(near(kqi_bm25(1.0, 1, 20, 10.0), 0.7741935483870968));
    /* idf 1.5, tf 2, dl 5, avgdl 10: 0.5 + 0.5 * 0.5 = 0.75; * 1.4 =
    ** 1.05; 2 + 1.05 = 3.05; 1.5 * 2 * 2.4 = 7.2;  7.2 / 3.05 =
    ** 2.3606557377049184 */
    assert_true(near(kqi_bm25(1.5, 2, 5, 10.0), 2.3606557377049184));
    /* the formula over a grid */
    for (u32 tf = 1; tf < 20; tf += 3) {
        for (u32 dl = 0; dl < 200; dl += 17) {
            for (double avg = 0.5; avg < 100; avg *= 3.1) {
                double idf = 0.37 * tf + 0.1;
                double want = idf * tf * 2.4 /
                              (tf + 1.4 * (1 - 0.5 + 0.5 * dl / avg));
                if (!near(kqi_bm25(idf, tf, dl, avg), want))
                    fail_msg("bm25(%g, %u, %u, %g) = %.17g, want %.17g", idf,
                             (unsigned)tf, (unsigned)dl, avg,
                             kqi_bm25(idf, tf, dl, avg), want);
            }
        }
    }
    /* saturation: more occurrences help less and less, bounded by
    ** idf * (k1 + 1) */
    double prev = 0;
    for (u32 tf = 1; tf < 1000; tf *= 2) {
        double s = kqi_bm25(1.0, tf, 10, 10.0);
        assert_true(s > prev);
        assert_true(s < 2.4);
        prev = s;
    }
    /* longer documents score lower */
    assert_true(kqi_bm25(1.0, 2, 5, 10.0) > kqi_bm25(1.0, 2, 50, 10.0));
}

/**************************************************************************
** The small index.
**
**   doc  title          body                           tokens  length
**   0    Alpha report   oil gas oil                    5       9
**   1    Beta           gas price rises                4       6
**   2    Gamma notes    oil price falls sharply today  7      11
**   3    Delta          peace keepers arrive           4       6
**   4    Epsilon        keepers of the peace           5       7
**   5    Oil            oil oil                        3       5
**
** The length is BM25F's: a title token counts 3 times (the default title
** weight).  N = 6, 28 tokens, lengths 44, avgdl = 44/6 = 7.3333.
*/
typedef struct sdoc { const char *zId, *zTitle, *zBody; } sdoc;
static const sdoc aSmall[] = {
    {"d0", "Alpha report", "oil gas oil"},
    {"d1", "Beta", "gas price rises"},
    {"d2", "Gamma notes", "oil price falls sharply today"},
    {"d3", "Delta", "peace keepers arrive"},
    {"d4", "Epsilon", "keepers of the peace"},
    {"d5", "Oil", "oil oil"},
};
#define N_SMALL 6
static const u32 aSmallLen[N_SMALL] = {9, 6, 11, 6, 7, 5};

static void fill_doc(kq_doc *d, const char *zId, const char *zTitle,
                     const char *zBody) {
    memset(d, 0, sizeof *d);
    d->zId = zId;
    d->nId = strlen(zId);
    d->zTitle = zTitle;
    d->nTitle = zTitle ? strlen(zTitle) : 0;
    d->zBody = zBody;
    d->nBody = zBody ? strlen(zBody) : 0;
}

/* Add docs [iFirst, iLast) of a to a writer session on zDir and commit. */
static void write_docs(const char *zDir, const sdoc *a, int iFirst, int iLast,
                       size_t nMemory, kq_writer_stats *pStats) {
    kq_writer *w = NULL;
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    char *zErr = NULL;
    opts.zLang = "none";
    opts.nMemory = nMemory;
    int rc = kq_writer_open(zDir, &opts, &w, &zErr);
    if (rc != KQ_OK) fail_msg("kq_writer_open: rc=%d %s", rc, zErr ? zErr : "");
    for (int i = iFirst; i < iLast; i++) {
        kq_doc d;
        fill_doc(&d, a[i].zId, a[i].zTitle, a[i].zBody);
        rc = kq_writer_add(w, &d, &zErr);
        if (rc != KQ_OK) fail_msg("kq_writer_add #%d: rc=%d %s", i, rc,
                                  zErr ? zErr : "");
    }
    rc = kq_writer_commit(w, &zErr);
    if (rc != KQ_OK) fail_msg("kq_writer_commit: rc=%d %s", rc, zErr ? zErr : "");
    if (pStats) *pStats = *kq_writer_stats_get(w);
    kq_writer_close(w);
    assert_null(zErr);
}

static kq_index *open_index(const char *zDir) {
    kq_index *p = NULL;
    char *zErr = NULL;
    int rc = kq_index_open(zDir, &p, &zErr);
    if (rc != KQ_OK) fail_msg("kq_index_open: rc=%d %s", rc, zErr ? zErr : "");
    assert_non_null(p);
    rc = kq_index_check(p, &zErr);
    if (rc != KQ_OK) fail_msg("kq_index_check: rc=%d %s", rc, zErr ? zErr : "");
    return p;
}

/* Run zQuery; hits into *paHit (caller frees). */
static void run_query(kq_index *p, const char *zQuery, size_t nOffset,
                      size_t nLimit, kq_hit **paHit, size_t *pnHit,
                      uint64_t *pnTotal) {
    kq_query *q = NULL;
    int iCol = 0;
    char *zErr = NULL;
    int rc = kq_query_parse(kq_index_analyzer(p), zQuery, &q, &iCol, &zErr);
    if (rc != KQ_OK) fail_msg("parse '%s': rc=%d col %d %s", zQuery, rc, iCol,
                              zErr ? zErr : "");
    *paHit = NULL;
    *pnHit = 12345;
    *pnTotal = 12345;
    rc = kq_search(p, q, nOffset, nLimit, paHit, pnHit, pnTotal, &zErr);
    if (rc != KQ_OK) fail_msg("search '%s': rc=%d %s", zQuery, rc,
                              zErr ? zErr : "");
    /* Every query again with pruning allowed (MaxScore for ranked OR): the
    ** same hits with bit-identical scores, and a total that is at most the
    ** exact one. */
    kq_hit *aEst = NULL;
    size_t nEst = 0;
    uint64_t nTotalEst = 0;
    int bExact = -1;
    rc = kq_search_ex(p, q, KQ_SEARCH_ESTIMATE, nOffset, nLimit, &aEst, &nEst,
                      &nTotalEst, &bExact, &zErr);
    if (rc != KQ_OK) fail_msg("search (estimate) '%s': rc=%d %s", zQuery, rc,
                              zErr ? zErr : "");
    if (nEst != *pnHit)
        fail_msg("'%s' offset %zu limit %zu: %zu hits pruned, %zu exhaustive",
                 zQuery, nOffset, nLimit, nEst, *pnHit);
    for (size_t i = 0; i < nEst; i++) {
        if (aEst[i].iDoc != (*paHit)[i].iDoc ||
            aEst[i].score != (*paHit)[i].score)
            fail_msg("'%s' offset %zu limit %zu: hit %zu pruned doc %u %.17g,"
                     " exhaustive doc %u %.17g", zQuery, nOffset, nLimit, i,
                     (unsigned)aEst[i].iDoc, aEst[i].score,
                     (unsigned)(*paHit)[i].iDoc, (*paHit)[i].score);
    }
    assert_true(bExact == 0 || bExact == 1);
    assert_true(bExact ? nTotalEst == *pnTotal : nTotalEst <= *pnTotal);
    free(aEst);
    kq_query_free(q);
    assert_true(*pnHit <= nLimit);
}

/* The hits are sorted: score descending, ties by ascending docid. */
static void check_sorted(const char *zQuery, const kq_hit *a, size_t n) {
    for (size_t i = 1; i < n; i++) {
        int ok = a[i - 1].score > a[i].score ||
                 (a[i - 1].score == a[i].score && a[i - 1].iDoc < a[i].iDoc);
        if (!ok)
            fail_msg("'%s': hit %zu (doc %u, %.17g) before hit %zu (doc %u, "
                     "%.17g)", zQuery, i - 1, (unsigned)a[i - 1].iDoc,
                     a[i - 1].score, i, (unsigned)a[i].iDoc, a[i].score);
    }
}

typedef struct sq {
    const char *zQuery;
    uint64_t nTotal;
    int nOrder;          /* how many of aDoc are in rank order */
    kq_docid aDoc[6];    /* the ranking, or (nOrder = 0) the set, sorted */
} sq;

static const sq aSmallQ[] = {
    {"oil", 3, 3, {5, 0, 2}},
    {"Oil", 3, 3, {5, 0, 2}},
    {"oil AND gas", 1, 1, {0}},
    {"oil gas", 1, 1, {0}},
    {"oil OR gas", 4, 4, {0, 5, 1, 2}},
    {"oil -gas", 2, 2, {5, 2}},
    {"oil NOT gas", 2, 2, {5, 2}},
    {"NOT oil", 3, 0, {1, 3, 4}},
    {"NOT oil AND NOT peace", 1, 0, {1}},
    {"\"peace keepers\"", 1, 1, {3}},
    {"\"keepers peace\"", 0, 0, {0}},
    {"peace keepers", 2, 0, {3, 4}},
    {"peace OR keepers", 2, 0, {3, 4}},
    {"pri*", 2, 0, {1, 2}},
    {"ke*", 2, 0, {3, 4}},
    {"o*", 4, 0, {0, 2, 4, 5}},
    {"\"notes oil\"", 0, 0, {0}},       /* title and body do not join */
    {"\"alpha report\"", 1, 1, {0}},    /* a phrase inside the title */
    {"\"oil gas oil\"", 1, 1, {0}},
    {"\"oil oil\"", 1, 1, {5}},         /* body only, not title + body */
    {"\"oil oil oil\"", 0, 0, {0}},
    {"alpha", 1, 1, {0}},
    {"zebra", 0, 0, {0}},
    {"zebra OR oil", 3, 3, {5, 0, 2}},
    {"zebra AND oil", 0, 0, {0}},
    {"\"oil zebra\"", 0, 0, {0}},
    {"zz*", 0, 0, {0}},
    {"(oil OR gas) price", 2, 0, {1, 2}},
    {"the", 1, 1, {4}},
    {"gas OR peace", 4, 4, {1, 3, 4, 0}}, /* 1 and 3 score equal */
    {"oil OR gas OR peace OR price", 6, 0, {0, 1, 2, 3, 4, 5}},
};
#define N_SMALLQ (sizeof aSmallQ / sizeof aSmallQ[0])

/* Nested negations (a test of their own). */
static const sq aNotQ[] = {
    {"NOT NOT oil", 3, 0, {0, 2, 5}},
    {"NOT NOT NOT oil", 3, 0, {1, 3, 4}},
    {"NOT NOT NOT NOT oil", 3, 0, {0, 2, 5}},
    {"NOT (oil NOT gas)", 4, 0, {0, 1, 3, 4}},
    {"gas NOT (oil NOT gas)", 2, 0, {0, 1}},
    {"NOT (NOT oil AND NOT gas)", 4, 0, {0, 1, 2, 5}},
    {"price AND NOT (NOT oil)", 1, 0, {2}},
    {"NOT (NOT oil) price", 1, 0, {2}},
};
#define N_NOTQ (sizeof aNotQ / sizeof aNotQ[0])

static int cmp_docid(const void *a, const void *b) {
    kq_docid x = *(const kq_docid *)a, y = *(const kq_docid *)b;
    return x < y ? -1 : x > y;
}

static void check_queries(kq_index *p, const sq *aQ, size_t nQ) {
    for (size_t i = 0; i < nQ; i++) {
        const sq *c = &aQ[i];
        kq_hit *a;
        size_t n;
        uint64_t nTotal;
        run_query(p, c->zQuery, 0, 100, &a, &n, &nTotal);
        if (nTotal != c->nTotal || n != c->nTotal)
            fail_msg("'%s': total %llu, %zu hits; want %llu", c->zQuery,
                     (unsigned long long)nTotal, n,
                     (unsigned long long)c->nTotal);
        check_sorted(c->zQuery, a, n);
        if (c->nOrder) {
            for (int j = 0; j < c->nOrder; j++)
                if (a[j].iDoc != c->aDoc[j])
                    fail_msg("'%s': rank %d is doc %u, want %u", c->zQuery, j,
                             (unsigned)a[j].iDoc, (unsigned)c->aDoc[j]);
        } else {
            kq_docid aGot[6];
            for (size_t j = 0; j < n; j++) aGot[j] = a[j].iDoc;
            qsort(aGot, n, sizeof aGot[0], cmp_docid);
            for (size_t j = 0; j < n; j++)
                if (aGot[j] != c->aDoc[j])
                    fail_msg("'%s': doc %u matched, want %u", c->zQuery,
                             (unsigned)aGot[j], (unsigned)c->aDoc[j]);
        }
        /* nLimit = 0: the total only */
        kq_hit *a0;
        size_t n0;
        uint64_t nTotal0;
        run_query(p, c->zQuery, 0, 0, &a0, &n0, &nTotal0);
        assert_int_equal(n0, 0);
        assert_true(nTotal0 == c->nTotal);
        free(a0);
        free(a);
    }
}

/* The hand-computed scores (BM25F, k1 = 1.4, b = 0.5, title weight 3).
** avgdl = 44/6; length factor K(dl) = 1.4 * (0.5 + 0.5 * dl / (44/6)).
** "oil": df 3, tw = 3.5 / 3.5 = 1 -> 1.5, idf = ln 1.5 = 0.4054651081081644.
**   doc 5: tf 3, one in the title: f = 3 + 2 * 1 = 5; dl 5:
**          K = 1.4 * (0.5 + 0.340909) = 1.177273;
**          0.405465 * 5 * 2.4 / (5 + 1.177273) = 4.865581 / 6.177273
**          = 0.7876584881571405
**   doc 0: f = tf = 2, dl 9: K = 1.4 * (0.5 + 0.613636) = 1.559091;
**          0.405465 * 2 * 2.4 / 3.559091 = 1.946233 / 3.559091
**          = 0.546834168789555
**   doc 2: f 1, dl 11: K = 1.4 * (0.5 + 0.75) = 1.75;
**          0.405465 * 2.4 / 2.75 = 0.3538604579853071
** "gas": df 2, tw = 4.5 / 2.5 = 1.8 -> 1.9, idf = ln 1.9 = 0.6418538861723947.
**   doc 0: f 1, dl 9: 0.641854 * 2.4 / (1 + 1.559091) = 1.540449 / 2.559091
**          = 0.6019517795719793
**   so "oil AND gas" scores doc 0 at 0.546834 + 0.601952 = 1.1487859483615344
**   doc 1: f 1, dl 6: K = 1.4 * (0.5 + 0.409091) = 1.272727;
**          1.540449 / 2.272727 = 0.6777977037980488 (below doc 5's 0.78766)
** "peace", "keepers": df 2 each (idf ln 1.9); doc 3 has both, f 1, dl 6:
**   each 0.6777977037980488, the phrase scores as the sum of its terms.
**   doc 4: f 1, dl 7: K = 1.368182; 1.540449 / 2.368182 = 0.6504776428004306
*/
static void check_small_scores(kq_index *p) {
    kq_hit *a;
    size_t n;
    uint64_t nTotal;

    run_query(p, "oil", 0, 10, &a, &n, &nTotal);
    assert_int_equal(n, 3);
    assert_true(near(a[0].score, 0.7876584881571405));
    assert_true(near(a[1].score, 0.546834168789555));
    assert_true(near(a[2].score, 0.3538604579853071));
    free(a);

    run_query(p, "oil AND gas", 0, 10, &a, &n, &nTotal);
    assert_int_equal(n, 1);
    if (!near(a[0].score, 1.1487859483615344))
        fail_msg("oil AND gas: %.17g, want 1.1487859483615344", a[0].score);
    free(a);

    /* OR: the terms that match add up; NOT adds nothing */
    double gas1 = 0.6418538861723947 * 2.4 /
                  (1 + 1.4 * (0.5 + 0.5 * 6 / (44.0 / 6)));
    assert_true(near(gas1, 0.6777977037980488));
    run_query(p, "oil OR gas", 0, 10, &a, &n, &nTotal);
    assert_int_equal(n, 4);
    assert_true(near(a[0].score, 1.1487859483615344));
    assert_true(near(a[1].score, 0.7876584881571405));
    assert_true(near(a[2].score, gas1));
    assert_true(near(a[3].score, 0.3538604579853071));
    free(a);
    run_query(p, "oil -gas", 0, 10, &a, &n, &nTotal);
    assert_int_equal(n, 2);
    assert_true(near(a[0].score, 0.7876584881571405));
    assert_true(near(a[1].score, 0.3538604579853071));
    free(a);

    run_query(p, "\"peace keepers\"", 0, 10, &a, &n, &nTotal);
    assert_int_equal(n, 1);
    assert_true(near(a[0].score, 2 * gas1));
    free(a);

    /* equal scores are really equal, and ordered by docid (docs 1 and 3);
    ** then doc 4 (peace, dl 7) before doc 0 (gas, dl 9) */
    run_query(p, "gas OR peace", 0, 10, &a, &n, &nTotal);
    assert_int_equal(n, 4);
    assert_true(a[0].score == a[1].score);
    assert_true(near(a[0].score, gas1));
    assert_true(near(a[2].score, 0.6504776428004306));
    assert_true(near(a[3].score, 0.6019517795719793));
    free(a);
}

static void check_small_paging(kq_index *p) {
    static const char *azQ[] = {"oil OR gas OR peace OR price", "oil OR gas",
                                "NOT zebra", "gas OR peace"};
    for (size_t qi = 0; qi < sizeof azQ / sizeof azQ[0]; qi++) {
        kq_hit *aAll;
        size_t nAll;
        uint64_t nTotal;
        run_query(p, azQ[qi], 0, 1000, &aAll, &nAll, &nTotal);
        assert_true(nTotal == nAll);
        for (size_t off = 0; off <= nAll + 2; off++) {
            for (size_t lim = 1; lim <= nAll + 1; lim++) {
                kq_hit *a;
                size_t n;
                uint64_t nT;
                run_query(p, azQ[qi], off, lim, &a, &n, &nT);
                assert_true(nT == nTotal);
                size_t nWant = off >= nAll ? 0 : nAll - off < lim ? nAll - off : lim;
                if (n != nWant)
                    fail_msg("'%s' offset %zu limit %zu: %zu hits, want %zu",
                             azQ[qi], off, lim, n, nWant);
                for (size_t j = 0; j < n; j++) {
                    if (a[j].iDoc != aAll[off + j].iDoc ||
                        a[j].score != aAll[off + j].score)
                        fail_msg("'%s' offset %zu limit %zu: hit %zu is doc %u,"
                                 " want %u", azQ[qi], off, lim, j,
                                 (unsigned)a[j].iDoc,
                                 (unsigned)aAll[off + j].iDoc);
                }
                free(a);
            }
        }
        /* far beyond the end */
        kq_hit *a;
        size_t n;
        uint64_t nT;
        run_query(p, azQ[qi], 0, (size_t)1 << 30, &a, &n, &nT);
        assert_int_equal(n, nAll);
        assert_true(nT == nTotal);
        free(a);
        run_query(p, azQ[qi], (size_t)1 << 30, 10, &a, &n, &nT);
        assert_int_equal(n, 0);
        assert_true(nT == nTotal);
        free(a);
        free(aAll);
    }
}

static void check_small_docs(kq_index *p) {
    const kq_stats *st = kq_index_stats(p);
    assert_non_null(st);
    assert_true(st->nDoc == N_SMALL);
    assert_true(st->nToken == 44);   /* the lengths (the writer counts 28 tokens) */
    assert_true(st->nTitleWeight == 3);
    assert_true(near(st->avgDoclen, 44.0 / 6));
    assert_string_equal(kq_analyzer_lang(kq_index_analyzer(p)), "none");
    for (u32 i = 0; i < N_SMALL; i++) {
        const kq_docinfo *di;
        char *zErr = NULL;
            assert_int_equal(kq_index_doc(p, i, &di, &zErr), KQ_OK);
        assert_int_equal(di->nId, strlen(aSmall[i].zId));
        assert_memory_equal(di->zId, aSmall[i].zId, di->nId);
        assert_int_equal(di->nTitle, strlen(aSmall[i].zTitle));
        assert_memory_equal(di->zTitle, aSmall[i].zTitle, di->nTitle);
        assert_int_equal(di->nLen, aSmallLen[i]);
        char *zText = NULL;
        size_t nText = 0;
        assert_int_equal(kq_index_text(p, i, &zText, &nText, &zErr), KQ_OK);
        assert_int_equal(nText, strlen(aSmall[i].zBody));
        assert_memory_equal(zText, aSmall[i].zBody, nText);
        free(zText);
        assert_null(zErr);
    }
    const kq_docinfo *di;
    char *zErr = NULL;
    assert_int_not_equal(kq_index_doc(p, N_SMALL, &di, &zErr), KQ_OK);
    free(zErr);
    zErr = NULL;
    char *zText = NULL;
    size_t nText;
    assert_int_not_equal(kq_index_text(p, N_SMALL, &zText, &nText, &zErr),
                         KQ_OK);
    free(zErr);
}

static void check_small_all(kq_index *p) {
    check_queries(p, aSmallQ, N_SMALLQ);
    check_small_scores(p);
    check_small_paging(p);
    check_small_docs(p);
}

static void test_small_index(void **state) {
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer_stats st;
    write_docs(zDir, aSmall, 0, N_SMALL, 0, &st);
    assert_true(st.nDoc == N_SMALL);
    assert_true(st.nToken == 28);
    kq_index *p = open_index(zDir);
    check_small_all(p);
    kq_index_close(p);
    th_rmtree(zDir);
}

static void test_small_index_spill(void **state) {
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer_stats st;
    write_docs(zDir, aSmall, 0, N_SMALL, 1, &st);
    assert_true(st.nDoc == N_SMALL);
    assert_true(st.nToken == 28);
    if (st.nSpill < 1) fail_msg("nMemory = 1 but nSpill = %u", st.nSpill);
    kq_index *p = open_index(zDir);
    check_small_all(p);
    kq_index_close(p);
    th_rmtree(zDir);
}

/* NOT NOT x is x, NOT NOT NOT x is NOT x, and so on. */
static void test_nested_not(void **state) {
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    write_docs(zDir, aSmall, 0, N_SMALL, 0, NULL);
    kq_index *p = open_index(zDir);
    check_queries(p, aNotQ, N_NOTQ);
    kq_index_close(p);
    th_rmtree(zDir);
}

/* Two writer sessions: docids continue, statistics are the whole index's. */
static void test_small_index_two_commits(void **state) {
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    write_docs(zDir, aSmall, 0, 4, 0, NULL);
    write_docs(zDir, aSmall, 4, N_SMALL, 1, NULL);
    kq_index *p = open_index(zDir);
    check_small_all(p);
    kq_index_close(p);
    th_rmtree(zDir);
}

/**************************************************************************
** A random index against a brute-force model.
*/
#define R_NDOC 300
#define R_NVOCAB 12
static const char *azVocab[R_NVOCAB] = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta",
    "eta", "theta", "iota", "kappa", "lambda", "mu"};

typedef struct rdoc {
    char zId[16];
    char zTitle[64];
    char zBody[512];
    int aTitle[8], nTitle;      /* vocabulary indexes */
    int aBody[80], nBody;
} rdoc;

typedef struct rmodel {
    rdoc *a;
    int n;
    double avgdl;
    u32 aDf[R_NVOCAB];
} rmodel;

static void rmodel_make(th_rng *r, rmodel *m) {
    m->n = R_NDOC;
    m->a = calloc(R_NDOC, sizeof *m->a);
    assert_non_null(m->a);
    u64 nTok = 0;
    memset(m->aDf, 0, sizeof m->aDf);
    for (int i = 0; i < R_NDOC; i++) {
        rdoc *d = &m->a[i];
        snprintf(d->zId, sizeof d->zId, "r%d", i);
        d->nTitle = (int)th_range(r, 0, 3);
        d->nBody = th_range(r, 0, 9) == 0 ? 0 : (int)th_range(r, 1, 60);
        /* a skewed vocabulary: low indexes are common */
        size_t k = 0;
        for (int j = 0; j < d->nTitle; j++) {
            int w = (int)(th_range(r, 0, R_NVOCAB - 1) * th_range(r, 0, R_NVOCAB - 1) / (R_NVOCAB - 1));
            d->aTitle[j] = w;
            k += (size_t)snprintf(d->zTitle + k, sizeof d->zTitle - k, "%s%s",
                                  j ? " " : "", azVocab[w]);
        }
        k = 0;
        for (int j = 0; j < d->nBody; j++) {
            int w = (int)(th_range(r, 0, R_NVOCAB - 1) * th_range(r, 0, R_NVOCAB - 1) / (R_NVOCAB - 1));
            d->aBody[j] = w;
            /* vary separators and case: they must not matter */
            static const char *azSep[] = {" ", ", ", "\n", " -- "};
            k += (size_t)snprintf(d->zBody + k, sizeof d->zBody - k, "%s%s",
                                  j ? azSep[th_range(r, 0, 3)] : "",
                                  azVocab[w]);
            if (th_range(r, 0, 7) == 0) d->zBody[k - 1] = (char)toupper(
                (unsigned char)d->zBody[k - 1]);
        }
        nTok += (u64)(3 * d->nTitle + d->nBody);   /* BM25F lengths */
        for (int w = 0; w < R_NVOCAB; w++) {
            int bHas = 0;
            for (int j = 0; j < d->nTitle; j++) bHas |= d->aTitle[j] == w;
            for (int j = 0; j < d->nBody; j++) bHas |= d->aBody[j] == w;
            m->aDf[w] += (u32)bHas;
        }
    }
    m->avgdl = (double)nTok / R_NDOC;
}

static u32 rdoc_tf(const rdoc *d, int w) {
    u32 tf = 0;
    for (int j = 0; j < d->nTitle; j++) tf += d->aTitle[j] == w;
    for (int j = 0; j < d->nBody; j++) tf += d->aBody[j] == w;
    return tf;
}

static int rdoc_phrase(const rdoc *d, int w1, int w2) {
    for (int j = 0; j + 1 < d->nTitle; j++)
        if (d->aTitle[j] == w1 && d->aTitle[j + 1] == w2) return 1;
    for (int j = 0; j + 1 < d->nBody; j++)
        if (d->aBody[j] == w1 && d->aBody[j + 1] == w2) return 1;
    return 0;
}

/* BM25F with title weight 3 (a title occurrence counts 3 times, in the
** frequency and in the length), k1 = 1.4, b = 0.5. */
static double rterm_score(const rmodel *m, int i, int w) {
    u32 tf = rdoc_tf(&m->a[i], w);
    if (tf == 0) return 0;
    u32 tfTitle = 0;
    for (int j = 0; j < m->a[i].nTitle; j++) tfTitle += m->a[i].aTitle[j] == w;
    double f = tf + 2.0 * tfTitle;
    u32 dl = (u32)(3 * m->a[i].nTitle + m->a[i].nBody);
    double tw = (m->n - m->aDf[w] + 0.5) / (m->aDf[w] + 0.5);
    double idf = log(tw < 2 ? tw * 0.5 + 1 : tw);
    return idf * f * 2.4 / (f + 1.4 * (0.5 + 0.5 * dl / m->avgdl));
}

/* Query kinds over two vocabulary words. */
enum { RQ_TERM, RQ_AND, RQ_OR, RQ_ANDNOT, RQ_PHRASE, RQ_NOT, RQ_NKIND };

static void rquery_text(int eKind, int w1, int w2, char *z, size_t n) {
    switch (eKind) {
        case RQ_TERM: snprintf(z, n, "%s", azVocab[w1]); break;
        case RQ_AND: snprintf(z, n, "%s AND %s", azVocab[w1], azVocab[w2]); break;
        case RQ_OR: snprintf(z, n, "%s OR %s", azVocab[w1], azVocab[w2]); break;
        case RQ_ANDNOT: snprintf(z, n, "%s -%s", azVocab[w1], azVocab[w2]); break;
        case RQ_PHRASE: snprintf(z, n, "\"%s %s\"", azVocab[w1], azVocab[w2]); break;
        default: snprintf(z, n, "NOT %s", azVocab[w1]); break;
    }
}

/* Does doc i match, and with what score? */
static int rquery_eval(const rmodel *m, int eKind, int w1, int w2, int i,
                       double *pScore) {
    const rdoc *d = &m->a[i];
    int t1 = rdoc_tf(d, w1) > 0, t2 = rdoc_tf(d, w2) > 0;
    double s1 = rterm_score(m, i, w1), s2 = rterm_score(m, i, w2);
    switch (eKind) {
        case RQ_TERM: *pScore = s1; return t1;
        case RQ_AND: *pScore = s1 + s2; return t1 && t2;
        case RQ_OR: *pScore = s1 + s2; return t1 || t2;
        case RQ_ANDNOT: *pScore = s1; return t1 && !t2;
        case RQ_PHRASE: *pScore = s1 + s2; return rdoc_phrase(d, w1, w2);
        default: *pScore = 0; return !t1;
    }
}

/* nCommit writer sessions; the first with budget nMemFirst, the others with
** nMemRest (1 spills after every document: slow, as every run is synced). */
typedef struct rlayout {
    int nCommit;
    size_t nMemFirst, nMemRest;
    const char *zName;
} rlayout;

static void write_rmodel(const char *zDir, const rmodel *m,
                         const rlayout *pL) {
    int nCommit = pL->nCommit;
    sdoc *a = calloc((size_t)m->n, sizeof *a);
    assert_non_null(a);
    for (int i = 0; i < m->n; i++) {
        a[i].zId = m->a[i].zId;
        a[i].zTitle = m->a[i].nTitle ? m->a[i].zTitle : NULL;
        a[i].zBody = m->a[i].nBody ? m->a[i].zBody : NULL;
    }
    int iFirst = 0;
    for (int c = 0; c < nCommit; c++) {
        int iLast = c == nCommit - 1 ? m->n : iFirst + m->n / nCommit;
        write_docs(zDir, a, iFirst, iLast, c ? pL->nMemRest : pL->nMemFirst,
                   NULL);
        iFirst = iLast;
    }
    free(a);
}

static void check_rmodel(kq_index *p, const rmodel *m, th_rng *r,
                         const char *zLayout) {
    const kq_stats *st = kq_index_stats(p);
    assert_true(st->nDoc == (u64)m->n);
    assert_true(near(st->avgDoclen, m->avgdl));
    for (int it = 0; it < 150; it++) {
        int eKind = it < RQ_NKIND * R_NVOCAB ? it / R_NVOCAB
                                             : (int)th_range(r, 0, RQ_NKIND - 1);
        int w1 = it < RQ_NKIND * R_NVOCAB ? it % R_NVOCAB
                                          : (int)th_range(r, 0, R_NVOCAB - 1);
        int w2 = (int)th_range(r, 0, R_NVOCAB - 1);
        char zq[64];
        rquery_text(eKind, w1, w2, zq, sizeof zq);
        kq_hit *a;
        size_t n;
        uint64_t nTotal;
        run_query(p, zq, 0, (size_t)m->n, &a, &n, &nTotal);
        u64 nWant = 0;
        double aScore[R_NDOC];
        char aMatch[R_NDOC];
        for (int i = 0; i < m->n; i++) {
            aMatch[i] = (char)rquery_eval(m, eKind, w1, w2, i, &aScore[i]);
            nWant += (u64)aMatch[i];
        }
        th_check(nTotal == nWant && n == nWant,
                 "%s: '%s': total %llu, hits %zu, want %llu", zLayout, zq,
                 (unsigned long long)nTotal, n, (unsigned long long)nWant);
        check_sorted(zq, a, n);
        for (size_t j = 0; j < n; j++) {
            kq_docid d = a[j].iDoc;
            th_check(d < (kq_docid)m->n && aMatch[d],
                     "%s: '%s': doc %u should not match", zLayout, zq,
                     (unsigned)d);
            aMatch[d] = 2; /* seen */
            if (eKind != RQ_NOT)
                th_check(near(a[j].score, aScore[d]),
                         "%s: '%s': doc %u scored %.17g, want %.17g", zLayout,
                         zq, (unsigned)d, a[j].score, aScore[d]);
        }
        free(a);
        /* Top-k cuts, where pruning (MaxScore) can skip documents: run_query
        ** checks the pruned answer against the exhaustive one. */
        static const size_t aK[] = {1, 3, 10};
        for (size_t ki = 0; ki < 3; ki++) {
            run_query(p, zq, 0, aK[ki], &a, &n, &nTotal);
            free(a);
        }
    }
    /* Wider ranked ORs, some of whose children are ANDs and phrases. */
    for (int it = 0; it < 80; it++) {
        char zq[256];
        size_t o = 0;
        int nChild = (int)th_range(r, 2, 7);
        for (int c = 0; c < nChild; c++) {
            int w1 = (int)th_range(r, 0, R_NVOCAB - 1);
            int w2 = (int)th_range(r, 0, R_NVOCAB - 1);
            const char *zOp = c ? " OR " : "";
            switch (th_range(r, 0, 5)) {
                case 0: o += (size_t)snprintf(zq + o, sizeof zq - o, "%s(%s AND %s)",
                                              zOp, azVocab[w1], azVocab[w2]); break;
                case 1: o += (size_t)snprintf(zq + o, sizeof zq - o, "%s\"%s %s\"",
                                              zOp, azVocab[w1], azVocab[w2]); break;
                default: o += (size_t)snprintf(zq + o, sizeof zq - o, "%s%s",
                                               zOp, azVocab[w1]); break;
            }
        }
        static const size_t aK[] = {1, 2, 5, 10, 40};
        for (size_t ki = 0; ki < 5; ki++) {
            kq_hit *a;
            size_t n;
            uint64_t nTotal;
            run_query(p, zq, 0, aK[ki], &a, &n, &nTotal);
            check_sorted(zq, a, n);
            free(a);
        }
    }
}


static void test_random_index(void **state) {
    (void)state;
    static const rlayout aLayout[] = {
        {1, 0, 0, "one commit"},
        {1, 2000, 0, "one commit, nMemory 2000"},
        {3, 1, 0, "three commits, the first with nMemory 1"},
        {7, 0, 0, "seven commits"},
    };
    th_rng r = th_rng_for("random_index");
    rmodel m;
    rmodel_make(&r, &m);
    for (size_t li = 0; li < sizeof aLayout / sizeof aLayout[0]; li++) {
        char zDir[64];
        th_mkdtemp(zDir, sizeof zDir);
        write_rmodel(zDir, &m, &aLayout[li]);
        kq_index *p = open_index(zDir);
        th_rng rq = th_rng_for("random_index_queries");
        check_rmodel(p, &m, &rq, aLayout[li].zName);
        /* stored documents come back in order */
        for (u32 i = 0; i < (u32)m.n; i += 37) {
            const kq_docinfo *di;
            char *zErr = NULL;
            assert_int_equal(kq_index_doc(p, i, &di, &zErr), KQ_OK);
            assert_int_equal(di->nId, strlen(m.a[i].zId));
            assert_memory_equal(di->zId, m.a[i].zId, di->nId);
            assert_int_equal(di->nLen, (u32)(3 * m.a[i].nTitle + m.a[i].nBody));
            char *zText = NULL;
            size_t nText = 0;
            assert_int_equal(kq_index_text(p, i, &zText, &nText, &zErr), KQ_OK);
            assert_int_equal(nText, strlen(m.a[i].zBody));
            if (nText) assert_memory_equal(zText, m.a[i].zBody, nText);
            free(zText);
        }
        kq_index_close(p);
        th_rmtree(zDir);
    }
    free(m.a);
}

/* zQuery read with KQ_QUERY_OR, hits nOff.. of nLim, with pruning
** allowed and without: the same hits with bit-identical scores, and a
** pruned count no higher than the exact one.  The exact count and the
** pruned one go to *pnTotal and *pnEst. */
static void check_or_pruned(kq_index *p, const char *zQuery, size_t nOff, size_t nLim,
                            uint64_t *pnTotal, uint64_t *pnEst) {
    kq_query *q = NULL;
    int iCol, bExact;
    char *zErr = NULL;
    assert_int_equal(kq_query_parse_ex(kq_index_analyzer(p), zQuery, KQ_QUERY_OR, &q, &iCol,
                                       &zErr), KQ_OK);
    kq_hit *aX = NULL, *aE = NULL;
    size_t nX = 0, nE = 0;
    assert_int_equal(kq_search(p, q, nOff, nLim, &aX, &nX, pnTotal, &zErr), KQ_OK);
    assert_int_equal(kq_search_ex(p, q, KQ_SEARCH_ESTIMATE, nOff, nLim, &aE, &nE, pnEst,
                                  &bExact, &zErr), KQ_OK);
    th_check(nX == nE, "'%s' (%zu of %zu): %zu hits exhaustive, %zu pruned", zQuery, nOff,
             nLim, nX, nE);
    for (size_t i = 0; i < nX && i < nE; i++)
        th_check(aX[i].iDoc == aE[i].iDoc && aX[i].score == aE[i].score,
                 "'%s' (%zu of %zu): hit %zu differs", zQuery, nOff, nLim, i);
    th_check(*pnEst <= *pnTotal, "'%s': pruned count %llu over %llu", zQuery,
             (unsigned long long)*pnEst, (unsigned long long)*pnTotal);
    free(aX);
    free(aE);
    kq_query_free(q);
}

/* Block skipping (run.c): ANDs, phrases and NEARs of frequent words over
** lists of many blocks, ranked with pruning allowed.  run_query() compares
** every pruned answer with the exhaustive one (same hits, bit-identical
** scores); here the lists are long enough for blocks to be skipped, which
** the counts show: a pruned total below the exact one. */
#define BS_NDOC 3000
static void test_block_skipping(void **state) {
    (void)state;
    th_rng r = th_rng_for("block_skipping");
    sdoc *a = calloc(BS_NDOC, sizeof *a);
    char (*aId)[16] = calloc(BS_NDOC, 16);
    char (*aTitle)[64] = calloc(BS_NDOC, 64);
    char (*aBody)[1024] = calloc(BS_NDOC, 1024);
    assert_true(a && aId && aTitle && aBody);
    for (int i = 0; i < BS_NDOC; i++) {
        snprintf(aId[i], 16, "b%d", i);
        int nTitle = (int)th_range(&r, 0, 3), nBody = (int)th_range(&r, 5, 120);
        int wA = (int)th_range(&r, 0, 6), wB = (int)th_range(&r, 0, 6);
        if (i < 60) {
            /* Documents of two words repeated first: they take the top
            ** places early, and the others, their words spread over the
            ** vocabulary, can seldom beat them, so blocks of those are
            ** passed over. */
            nTitle = 0;
            nBody = 20;
        }
        size_t k = 0;
        for (int j = 0; j < nTitle; j++)
            /* (titles of the rarer words: a title bounds its word's blocks
            ** loosely, by the list's largest title frequency) */
            k += (size_t)snprintf(aTitle[i] + k, 64 - k, "%s%s", j ? " " : "",
                                  azVocab[th_range(&r, 7, R_NVOCAB - 1)]);
        k = 0;
        for (int j = 0; j < nBody; j++) {
            /* alpha and beta alternating; a pair of words; any word */
            int w = i < 12 ? j % 2 : i < 60 ? (j % 2 ? wA : wB)
                                            : (int)th_range(&r, 0, R_NVOCAB - 1);
            k += (size_t)snprintf(aBody[i] + k, 1024 - k, "%s%s", j ? " " : "", azVocab[w]);
        }
        a[i].zId = aId[i];
        a[i].zTitle = nTitle ? aTitle[i] : NULL;
        a[i].zBody = aBody[i];
    }
    static const char *azForm[] = {"%s AND %s", "%s AND %s AND %s", "\"%s %s\"",
                                   "%s NEAR/2 %s", "%s AND %s AND NOT %s",
                                   "\"%s %s %s\""};
    for (int nCommit = 1; nCommit <= 3; nCommit += 2) {
        char zDir[64];
        th_mkdtemp(zDir, sizeof zDir);
        for (int c = 0; c < nCommit; c++)
            write_docs(zDir, a, c * BS_NDOC / nCommit, (c + 1) * BS_NDOC / nCommit, 0, NULL);
        kq_index *p = open_index(zDir);
        for (int it = 0; it < 120; it++) {
            char zq[96];
            const char *w1 = azVocab[th_range(&r, 0, 6)], *w2 = azVocab[th_range(&r, 0, 6)],
                       *w3 = azVocab[th_range(&r, 0, R_NVOCAB - 1)];
            snprintf(zq, sizeof zq, azForm[it % 6], w1, w2, w3);
            size_t nOff = it % 4 == 3 ? 5 : 0, nLim = it % 2 ? 10 : 3;
            kq_hit *aHit;
            size_t n;
            uint64_t nTotal;
            run_query(p, zq, nOff, nLim, &aHit, &n, &nTotal);
            free(aHit);
        }
        /* Required and optional words (MAYBE, with KQ_QUERY_OR): pruned =
        ** exhaustive, and optional lists left unread for documents that
        ** cannot rank (the pruned count below the exact one). */
        int nMaybeSkipped = 0;
        for (int it = 0; it < 40; it++) {
            char zq[96];
            const char *w1 = azVocab[th_range(&r, 0, 6)], *w2 = azVocab[th_range(&r, 0, 6)],
                       *w3 = azVocab[th_range(&r, 0, R_NVOCAB - 1)];
            static const char *azM[] = {"+%s %s %s", "+%s %s", "+%s +%s %s", "+%s %s -%s"};
            snprintf(zq, sizeof zq, it == 0 ? "+alpha beta %s" : azM[it % 4],
                     it == 0 ? w3 : w1, w2, w3);
            uint64_t nTotal = 0, nEst = 0;
            check_or_pruned(p, zq, 0, 10, &nTotal, &nEst);
            nMaybeSkipped += nEst < nTotal;
        }
        th_check(nMaybeSkipped > 0, "%d commit(s): no MAYBE query skipped a document",
                 nCommit);
        /* alpha and beta fill the first 12 documents, 10 times each: no
        ** later document can beat them, and the pruned count shows that
        ** blocks were passed over. */
        static const char *azSkip[] = {"alpha AND beta", "beta AND alpha AND NOT mu"};
        for (size_t i = 0; i < sizeof azSkip / sizeof azSkip[0]; i++) {
            kq_hit *aHit;
            size_t n;
            uint64_t nTotal, nEst = 0;
            run_query(p, azSkip[i], 0, 10, &aHit, &n, &nTotal);
            free(aHit);
            kq_query *q = NULL;
            int iCol, bExact;
            char *zErr = NULL;
            assert_int_equal(kq_query_parse(kq_index_analyzer(p), azSkip[i], &q, &iCol, &zErr),
                             KQ_OK);
            assert_int_equal(kq_search_ex(p, q, KQ_SEARCH_ESTIMATE, 0, 10, &aHit, &n, &nEst,
                                          &bExact, &zErr), KQ_OK);
            free(aHit);
            kq_query_free(q);
            th_check(nEst < nTotal / 2, "%d commit(s), '%s': %llu of %llu documents scored",
                     nCommit, azSkip[i], (unsigned long long)nEst, (unsigned long long)nTotal);
        }
        kq_index_close(p);
        th_rmtree(zDir);
    }
    free(a);
    free(aId);
    free(aTitle);
    free(aBody);
}

/* Required and optional words where the optional ones are rarer than the
** required one (run.c's opt_bound_at(): the rarest are sought first, and a
** document whose bound falls to the k-th score leaves the frequent ones
** unread).  Every document has the same length, so the block maxima of a
** word are close to its scores and documents near the k-th score are
** decided by those bounds: pruned = exhaustive, hit for hit, at several
** depths. */
#define MR_NDOC 4000
static void test_maybe_rare_optional(void **state) {
    (void)state;
    th_rng r = th_rng_for("maybe_rare_optional");
    sdoc *a = calloc(MR_NDOC, sizeof *a);
    char (*aId)[16] = calloc(MR_NDOC, 16);
    char (*aBody)[128] = calloc(MR_NDOC, 128);
    assert_true(a && aId && aBody);
    for (int i = 0; i < MR_NDOC; i++) {
        snprintf(aId[i], 16, "m%d", i);
        int nR = (int)th_range(&r, 1, 3), nA = th_range(&r, 0, 9) < 8 ? 0 : (int)th_range(&r, 1, 2);
        int nB = (int)th_range(&r, 0, 4), nC = th_range(&r, 0, 19) ? 0 : 1;
        size_t k = 0;
        for (int j = 0; j < 20; j++) {
            const char *w = j < nR ? "r" : j < nR + nA ? "a" : j < nR + nA + nB ? "b"
                          : j < nR + nA + nB + nC ? "c" : "f";
            k += (size_t)snprintf(aBody[i] + k, 128 - k, "%s%s%d", j ? " " : "", w,
                                  *w == 'f' ? (int)th_range(&r, 0, 50) : 0);
        }
        a[i].zId = aId[i];
        a[i].zBody = aBody[i];
    }
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    write_docs(zDir, a, 0, MR_NDOC, 0, NULL);
    kq_index *p = open_index(zDir);
    static const char *azQ[] = {"+r0 a0 b0", "+r0 b0 a0", "+r0 a0 b0 c0", "+r0 c0 a0",
                                "+b0 a0 r0", "+r0 +b0 a0 c0"};
    static const size_t anK[] = {1, 3, 10, 30};
    int nSkipped = 0;
    for (size_t iq = 0; iq < sizeof azQ / sizeof azQ[0]; iq++) {
        for (size_t ik = 0; ik < sizeof anK / sizeof anK[0]; ik++) {
            size_t nOff = ik % 2 ? 5 : 0;
            uint64_t nTotal = 0, nEst = 0;
            check_or_pruned(p, azQ[iq], nOff, anK[ik], &nTotal, &nEst);
            nSkipped += nEst < nTotal / 2;
        }
    }
    th_check(nSkipped > 0, "no query scored fewer than half its documents in full");
    kq_index_close(p);
    th_rmtree(zDir);
    free(a);
    free(aId);
    free(aBody);
}

/* kq_index_check() verifies each block's impacts (the block-max data) from
** the documents: a skip table whose first block records a length one
** larger than its documents' (its CRC32s and the manifest's made to
** agree, so only the impacts are wrong) is reported. */
static void test_check_impacts(void **state) {
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    write_docs(zDir, aSmall, 0, 6, 0, NULL);
    kq_index *p = open_index(zDir); /* (checks it: sound) */
    kq_index_close(p);
    kqi_manifest m;
    char *zErr = NULL;
    assert_int_equal(kqi_manifest_read(zDir, &m, &zErr), KQ_OK);
    kqi_segment g;
    assert_int_equal(kqi_segment_open(&g, zDir, &m.aSeg[0], &zErr), KQ_OK);
    kqi_termloc loc;
    assert_int_equal(kqi_dict_lookup(&g.dict, "oil", 3, &loc, &zErr), KQ_OK);
    size_t nPost = g.aMap[KQI_F_POST].n;
    u8 *a = malloc(nPost);
    assert_non_null(a);
    memcpy(a, g.aMap[KQI_F_POST].a, nPost);
    kqi_segment_close(&g);
    /* The skip table of "oil" (one block, format 10): last docid, pairs -
    ** 1, tf - 1, length; its CRC32 goes on from the block's. */
    u8 *t = a + loc.postOff + loc.postLen - loc.skipLen;
    const u8 *q = t;
    u64 v;
    for (int i = 0; i < 3; i++) assert_int_equal(kqi_varint_get(&q, a + nPost, &v), KQ_OK);
    assert_true(*q < 0x7f); /* the length: one byte, one more still fits */
    (*(u8 *)q)++;
    u8 *e = a + loc.postOff + loc.postLen - 4;
    u32 crcBlock = libdeflate_crc32(0, a + loc.postOff, (size_t)(t - (a + loc.postOff)));
    kqi_put_u32(e, libdeflate_crc32(crcBlock, t, (size_t)(e - t)));
    char zPath[128];
    snprintf(zPath, sizeof zPath, "%s/seg%06u.post", zDir, m.aSeg[0].iSeg);
    FILE *f = fopen(zPath, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(a, 1, nPost, f), nPost);
    fclose(f);
    m.aSeg[0].aCrc[KQI_F_POST] = libdeflate_crc32(0, a, nPost);
    assert_int_equal(kqi_manifest_write(zDir, &m, &zErr), KQ_OK);
    kqi_manifest_clear(&m);
    free(a);
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_OK);
    int rc = kq_index_check(p, &zErr);
    assert_int_equal(rc, KQ_CORRUPT);
    th_check(zErr && strstr(zErr, "\"oil\"") && strstr(zErr, "impacts"),
             "message: %s", zErr ? zErr : "(none)");
    free(zErr);
    kq_index_close(p);
    th_rmtree(zDir);
}

static u64 total_of(kq_index *p, const char *zQuery) {
    kq_hit *a;
    size_t n;
    uint64_t nTotal;
    run_query(p, zQuery, 0, 0, &a, &n, &nTotal);
    free(a);
    return nTotal;
}

/* The writer lock, discarding uncommitted documents, generations, and a
** reader keeping its snapshot while a writer commits. */
static void test_writer_lifecycle(void **state) {
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    opts.zLang = "none";
    kq_writer *w1 = NULL, *w2 = NULL;
    char *zErr = NULL;
    kq_doc d;

    /* one writer at a time */
    assert_int_equal(kq_writer_open(zDir, &opts, &w1, &zErr), KQ_OK);
    assert_int_equal(kq_writer_open(zDir, &opts, &w2, &zErr), KQ_BUSY);
    free(zErr);
    zErr = NULL;
    /* closed without commit: nothing is visible */
    fill_doc(&d, "lost", "Lost", "never committed");
    assert_int_equal(kq_writer_add(w1, &d, &zErr), KQ_OK);
    kq_writer_close(w1);
    kq_index *p = NULL;
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_NOTFOUND);
    free(zErr);
    zErr = NULL;

    /* the lock is released by close */
    write_docs(zDir, aSmall, 0, N_SMALL, 0, NULL);
    kq_index *p1 = open_index(zDir);
    u64 nGen1 = kq_index_stats(p1)->nGeneration;
    assert_true(kq_index_stats(p1)->nDoc == N_SMALL);
    assert_true(total_of(p1, "lost OR committed") == 0);

    /* an uncommitted session leaves the committed index alone */
    assert_int_equal(kq_writer_open(zDir, &opts, &w1, &zErr), KQ_OK);
    fill_doc(&d, "lost2", "Lost", "oil never committed");
    assert_int_equal(kq_writer_add(w1, &d, &zErr), KQ_OK);
    kq_writer_close(w1);
    kq_index *p2 = open_index(zDir);
    assert_true(kq_index_stats(p2)->nDoc == N_SMALL);
    assert_true(total_of(p2, "oil") == 3);
    kq_index_close(p2);

    /* a new commit: new readers see it, the old reader keeps its snapshot */
    static const sdoc aMore[] = {
        {"m0", "More oil", "oil and more oil"},
        {"m1", "Peace", "peace keepers again"},
    };
    write_docs(zDir, aMore, 0, 2, 0, NULL);
    p2 = open_index(zDir);
    assert_true(kq_index_stats(p2)->nDoc == N_SMALL + 2);
    assert_true(kq_index_stats(p2)->nGeneration > nGen1);
    assert_true(total_of(p2, "oil") == 4);
    assert_true(total_of(p2, "\"peace keepers\"") == 2);
    const kq_docinfo *di;
    assert_int_equal(kq_index_doc(p2, N_SMALL + 1, &di, &zErr), KQ_OK);
    assert_int_equal(di->nId, 2);
    assert_memory_equal(di->zId, "m1", 2);
    kq_index_close(p2);

    assert_true(kq_index_stats(p1)->nDoc == N_SMALL);
    check_small_all(p1);
    kq_index_close(p1);

    /* an unknown language is refused */
    opts.zLang = "klingon";
    char zDir2[64];
    th_mkdtemp(zDir2, sizeof zDir2);
    w1 = NULL;
    assert_int_not_equal(kq_writer_open(zDir2, &opts, &w1, &zErr), KQ_OK);
    free(zErr);
    kq_writer_close(w1);
    th_rmtree(zDir2);
    th_rmtree(zDir);
}

/* A large random vocabulary (many dictionary blocks): every word's document
** count, prefixes spanning many terms, absent words, for several layouts. */
#define V_NWORD 2500
#define V_NDOC 400
#define V_MAXLEN 40

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_random_vocabulary(void **state) {
    (void)state;
    th_rng r = th_rng_for("random_vocabulary");
    /* distinct random words */
    char (*aWord)[12] = calloc(V_NWORD, sizeof *aWord);
    const char **azSorted = calloc(V_NWORD, sizeof *azSorted);
    assert_true(aWord && azSorted);
    for (int i = 0; i < V_NWORD; i++) {
        for (;;) {
            int n = (int)th_range(&r, 2, 9);
            for (int j = 0; j < n; j++)
                aWord[i][j] = (char)('a' + th_range(&r, 0, j == 0 ? 5 : 25));
            aWord[i][n] = 0;
            int bDup = 0;
            for (int k = 0; k < i && !bDup; k++) bDup = !strcmp(aWord[k], aWord[i]);
            if (!bDup) break;
        }
        azSorted[i] = aWord[i];
    }
    qsort(azSorted, V_NWORD, sizeof *azSorted, cmp_str);
    /* documents: word indexes, skewed toward low indexes */
    int (*aDoc)[V_MAXLEN] = calloc(V_NDOC, sizeof *aDoc);
    int *anDoc = calloc(V_NDOC, sizeof *anDoc);
    sdoc *aS = calloc(V_NDOC, sizeof *aS);
    char (*azBody)[V_MAXLEN * 11] = calloc(V_NDOC, sizeof *azBody);
    char (*azId)[16] = calloc(V_NDOC, sizeof *azId);
    assert_true(aDoc && anDoc && aS && azBody && azId);
    for (int d = 0; d < V_NDOC; d++) {
        anDoc[d] = (int)th_range(&r, 0, V_MAXLEN);
        size_t k = 0;
        for (int j = 0; j < anDoc[d]; j++) {
            int w = th_range(&r, 0, 1) ? (int)th_range(&r, 0, 99)
                                       : (int)th_range(&r, 0, V_NWORD - 1);
            aDoc[d][j] = w;
            k += (size_t)snprintf(azBody[d] + k, sizeof azBody[d] - k, "%s%s",
                                  j ? " " : "", aWord[w]);
        }
        snprintf(azId[d], sizeof azId[d], "v%d", d);
        aS[d].zId = azId[d];
        aS[d].zTitle = NULL;
        aS[d].zBody = azBody[d];
    }
    static const rlayout aLayout[] = {
        {1, 0, 0, "one commit"},
        {4, 1, 0, "four commits, the first with nMemory 1"},
        {2, 3000, 3000, "two commits, nMemory 3000"},
    };
    for (size_t li = 0; li < sizeof aLayout / sizeof aLayout[0]; li++) {
        char zDir[64];
        th_mkdtemp(zDir, sizeof zDir);
        int iFirst = 0;
        for (int c = 0; c < aLayout[li].nCommit; c++) {
            int iLast = c == aLayout[li].nCommit - 1
                            ? V_NDOC : iFirst + V_NDOC / aLayout[li].nCommit;
            write_docs(zDir, aS, iFirst, iLast,
                       c ? aLayout[li].nMemRest : aLayout[li].nMemFirst, NULL);
            iFirst = iLast;
        }
        kq_index *p = open_index(zDir);
        /* every word */
        for (int w = 0; w < V_NWORD; w++) {
            u64 nWant = 0;
            for (int d = 0; d < V_NDOC; d++) {
                int bHas = 0;
                for (int j = 0; j < anDoc[d] && !bHas; j++) bHas = aDoc[d][j] == w;
                nWant += (u64)bHas;
            }
            u64 n = total_of(p, aWord[w]);
            th_check(n == nWant, "%s: '%s' matches %llu docs, want %llu",
                     aLayout[li].zName, aWord[w], (unsigned long long)n,
                     (unsigned long long)nWant);
        }
        /* prefixes of 1..4 letters, and absent words */
        for (int it = 0; it < 300; it++) {
            char zPre[8];
            const char *zw = aWord[th_range(&r, 0, V_NWORD - 1)];
            size_t nPre = (size_t)th_range(&r, 1, strlen(zw) < 4 ? strlen(zw) : 4);
            memcpy(zPre, zw, nPre);
            if (it % 5 == 0) zPre[nPre - 1] = (char)('a' + th_range(&r, 0, 25));
            zPre[nPre] = 0;
            u64 nWant = 0;
            for (int d = 0; d < V_NDOC; d++) {
                int bHas = 0;
                for (int j = 0; j < anDoc[d] && !bHas; j++)
                    bHas = strncmp(aWord[aDoc[d][j]], zPre, nPre) == 0;
                nWant += (u64)bHas;
            }
            char zq[16];
            snprintf(zq, sizeof zq, "%s*", zPre);
            u64 n = total_of(p, zq);
            th_check(n == nWant, "%s: '%s' matches %llu docs, want %llu",
                     aLayout[li].zName, zq, (unsigned long long)n,
                     (unsigned long long)nWant);
        }
        for (int it = 0; it < 200; it++) {
            char zw[16];
            int n = (int)th_range(&r, 1, 10);
            for (int j = 0; j < n; j++) zw[j] = (char)('a' + th_range(&r, 0, 25));
            zw[n] = 0;
            const char *pz = zw;
            int bIn = bsearch(&pz, azSorted, V_NWORD, sizeof *azSorted,
                              cmp_str) != NULL;
            if (!bIn) {
                u64 m = total_of(p, zw);
                th_check(m == 0, "%s: absent word '%s' matches %llu docs",
                         aLayout[li].zName, zw, (unsigned long long)m);
            }
        }
        kq_index_close(p);
        th_rmtree(zDir);
    }
    free(aWord);
    free(azSorted);
    free(aDoc);
    free(anDoc);
    free(aS);
    free(azBody);
    free(azId);
}

/* A stemmed (english) index: queries are stemmed like documents; prefixes
** match the unstemmed words of the documents. */
static void test_english_index(void **state) {
    (void)state;
    static const sdoc aEn[] = {
        {"e0", "Ceasefire talks", "The ceasefire was agreed."},
        {"e1", "Peacekeepers", "peacekeepers arrived; the ceasefires held"},
        {"e2", "Cease", "cease and desist"},
        {"e3", "Running", "he was running, the runner ran"},
        {"e4", "Other", "nothing relevant here"},
    };
    static const struct { const char *zQuery; u64 nTotal; } aQ[] = {
        {"ceasefire", 2},
        {"CEASEFIRES", 2},
        {"ceas*", 3},
        {"Ceas*", 3},
        {"ceasefire*", 2},
        {"peacekeep*", 1},
        {"peacekeepers", 1},
        {"ceasefire AND peacekeepers", 1},
        {"ceasefire peacekeepers", 1},
        {"ceasefire OR peacekeepers", 2},
        {"ceasefire -peacekeepers", 1},
        {"\"ceasefire was agreed\"", 1},
        {"\"ceasefires was agreeing\"", 1},   /* stems: ceasefir was agre */
        {"\"agreed ceasefire\"", 0},
        {"run", 1},
        {"runn*", 1},
        {"ran*", 1},
        {"runner", 1},
        {"xyz*", 0},
        {"NOT ceas*", 2},
    };
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer *w = NULL;
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    char *zErr = NULL;
    opts.zLang = "english";
    assert_int_equal(kq_writer_open(zDir, &opts, &w, &zErr), KQ_OK);
    for (size_t i = 0; i < sizeof aEn / sizeof aEn[0]; i++) {
        kq_doc d;
        fill_doc(&d, aEn[i].zId, aEn[i].zTitle, aEn[i].zBody);
        assert_int_equal(kq_writer_add(w, &d, &zErr), KQ_OK);
    }
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    kq_writer_close(w);
    kq_index *p = open_index(zDir);
    assert_string_equal(kq_analyzer_lang(kq_index_analyzer(p)), "english");
    for (size_t i = 0; i < sizeof aQ / sizeof aQ[0]; i++) {
        u64 n = total_of(p, aQ[i].zQuery);
        if (n != aQ[i].nTotal)
            fail_msg("'%s': %llu matches, want %llu", aQ[i].zQuery,
                     (unsigned long long)n, (unsigned long long)aQ[i].nTotal);
    }
    kq_index_close(p);
    th_rmtree(zDir);
}

/* kqi_leaf_terms(q) of the only word of zQuery, joined by spaces (caller
** frees), or NULL with *pRc and *pzErr set. */
static char *leaf_terms(kq_index *p, const char *zQuery, int *pRc,
                        char **pzErr) {
    kq_query *q = NULL;
    int iCol;
    *pzErr = NULL;
    assert_int_equal(kq_query_parse(kq_index_analyzer(p), zQuery, &q, &iCol,
                                    pzErr), KQ_OK);
    const kqi_qnode *n = q->pRoot;
    char **az = NULL;
    int nTerm = -1;
    *pRc = kqi_leaf_terms(p, n, &az, &nTerm, pzErr);
    kq_query_free(q);
    if (*pRc != KQ_OK) {
        assert_null(az);
        assert_int_equal(nTerm, 0);
        return NULL;
    }
    char *z = calloc(1, 4096);
    assert_non_null(z);
    for (int i = 0; i < nTerm; i++) {
        /* sorted and distinct */
        if (i > 0 && strcmp(az[i - 1], az[i]) >= 0)
            fail_msg("%s: %s before %s", zQuery, az[i - 1], az[i]);
        if (i > 0) strcat(z, " ");
        strcat(z, az[i]);
    }
    for (int i = 0; i < nTerm; i++) free(az[i]);
    free(az);
    return z;
}

/* Wildcards, fuzzy words, phrase slots, field and id: expansions (issue
** 15), the terms each expands to (kqi_leaf_terms, with the field's
** dictionary prefix) and the expansion limit at the limit and one past it.
** Answers by construction: the words of each document are listed. */
static void test_expanding_words(void **state) {
    (void)state;
    static const struct {
        const char *zId, *zTitle, *zSource, *zTopic, *zBody;
    } aD[] = {
        {"news1", "Gaddafi speaks", "Reuters", "libya",
         "Qaddafi said the ceasefire held"},
        {"news2", "Kadhafi", "AP", "libya politics",
         "Kadhafi and Gadafi met for negotiations"},
        {"other3", "Caf\xc3\xa9s", "Reuters wire", "food",
         "caf\xc3\xa9 cafe caff notation nation"},
        {"news4", "Oil prices", "x", "oil",
         "oil prices rose while the oil price fell"},
        {"other5", "Fire", "y", "misc", "the backfire and the fire"},
    };
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer *w = NULL;
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    char *zErr = NULL;
    opts.zLang = "english";
    assert_int_equal(kq_writer_open(zDir, &opts, &w, &zErr), KQ_OK);
    for (size_t i = 0; i < sizeof aD / sizeof aD[0]; i++) {
        kq_doc d;
        kq_field f = {"topic", 5, aD[i].zTopic, strlen(aD[i].zTopic)};
        fill_doc(&d, aD[i].zId, aD[i].zTitle, aD[i].zBody);
        d.zSource = aD[i].zSource;
        d.nSource = strlen(aD[i].zSource);
        d.aField = &f;
        d.nField = 1;
        assert_int_equal(kq_writer_add(w, &d, &zErr), KQ_OK);
    }
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    kq_writer_close(w);
    kq_index *p = open_index(zDir);
    static const struct { const char *zQuery; u64 nTotal; } aQ[] = {
        {"qa?dafi", 1},            /* Qaddafi */
        {"?addafi", 1},            /* Gaddafi (title), Qaddafi: news1 */
        {"gadafi~1", 2},           /* Gaddafi, Gadafi (Qaddafi: 2 edits) */
        {"gadafi~2", 2},           /* + Qaddafi, Kadhafi */
        {"*fire", 2},              /* ceasefire, backfire, fire */
        {"*fire -ceasefire", 1},
        {"n*t?ations", 1},         /* negotiations */
        {"n*t?ation", 0},          /* not nation, notation: whole words */
        {"caf?", 1},               /* cafe, café (folded), caff */
        {"caf\xc3\xa9~1", 1},
        {"\"oil pric*\"", 1},
        {"\"oil pric* rose\"", 1},
        {"\"oil pric* fell\"", 1},
        {"\"oil pric* held\"", 0},
        {"\"the *fire\"", 2},       /* the ceasefire, the backfire, the fire */
        {"\"said the c?asefire\"", 1},
        {"title:ga*", 1},          /* Gaddafi in a title; Gadafi is body */
        {"title:?addafi", 1},
        {"title:\"oil pric*\"", 1},
        {"source:reut*", 2},       /* source terms, not body words */
        {"source:?euter", 2},
        {"source:ap~1", 1},        /* ap (x and y are two edits away) */
        {"topic:lib*", 2},
        {"topic:polit*", 1},
        {"id:news*", 3},
        {"id:other*", 2},
        {"id:zzz*", 0},
        {"id:news* fire", 0},
        {"id:other* *fire", 1},
    };
    for (size_t i = 0; i < sizeof aQ / sizeof aQ[0]; i++) {
        u64 n = total_of(p, aQ[i].zQuery);
        if (n != aQ[i].nTotal)
            fail_msg("'%s': %llu matches, want %llu", aQ[i].zQuery,
                     (unsigned long long)n, (unsigned long long)aQ[i].nTotal);
    }
    /* The terms, with the field's dictionary prefix */
    static const struct { const char *zQuery, *zWant; } aT[] = {
        {"?addafi", "gaddafi qaddafi"},
        {"gadafi~2", "gadafi gaddafi kadhafi qaddafi"},
        {"*fire", "backfir ceasefir fire"},
        {"title:*fire", "Tfire"},
        {"title:ga*", "Tgaddafi"},
        {"body:ga*", "gadafi gaddafi"},
        {"source:reut*", "Sreuter"},
        {"topic:lib*", "Xtopic:libya"},
        {"caf?", "cafe caff"},
        {"zzz*", ""},
    };
    for (size_t i = 0; i < sizeof aT / sizeof aT[0]; i++) {
        int rc;
        char *z = leaf_terms(p, aT[i].zQuery, &rc, &zErr);
        if (z == NULL || strcmp(z, aT[i].zWant) != 0)
            fail_msg("'%s' expands to '%s', want '%s' (%s)", aT[i].zQuery,
                     z ? z : "?", aT[i].zWant, zErr ? zErr : "");
        free(z);
    }
    /* The limit: gadafi~2 expands to 4 terms */
    int rc;
    assert_int_equal(kq_index_set_max_expansion(p, 4), KQ_OK);
    char *z = leaf_terms(p, "gadafi~2", &rc, &zErr);
    assert_int_equal(rc, KQ_OK);
    free(z);
    assert_int_equal(total_of(p, "gadafi~2"), 2);
    assert_int_equal(kq_index_set_max_expansion(p, 3), KQ_OK);
    z = leaf_terms(p, "gadafi~2", &rc, &zErr);
    assert_null(z);
    assert_int_equal(rc, KQ_SYNTAX);
    assert_string_equal(zErr, "the fuzzy word gadafi~2 matches more than 3 "
                        "words (the limit; use a longer prefix, or raise it "
                        "with --max-expansion N)");
    free(zErr);
    z = leaf_terms(p, "qa?dafi", &rc, &zErr);   /* 1 term: within */
    assert_string_equal(z, "qaddafi");
    free(z);
    /* id: prefixes count against the same limit: 3 ids, then 2 */
    z = leaf_terms(p, "id:news*", &rc, &zErr);
    assert_string_equal(z, "news1 news2 news4");
    free(z);
    assert_int_equal(kq_index_set_max_expansion(p, 2), KQ_OK);
    z = leaf_terms(p, "id:news*", &rc, &zErr);
    assert_null(z);
    assert_int_equal(rc, KQ_SYNTAX);
    assert_non_null(strstr(zErr, "the id prefix id:news* matches more than 2"));
    free(zErr);
    /* not an expanding word */
    kq_query *q = NULL;
    int iCol;
    char **az = NULL;
    int n = 7;
    assert_int_equal(kq_query_parse(kq_index_analyzer(p), "oil", &q, &iCol,
                                    &zErr), KQ_OK);
    assert_int_equal(kqi_leaf_terms(p, q->pRoot, &az, &n, &zErr), KQ_MISUSE);
    kq_query_free(q);
    kq_index_close(p);
    th_rmtree(zDir);
}

/* A document of 100000 tokens: large tf, long position lists, phrases at
** its very end, its length in the statistics. */
static void test_big_document(void **state) {
    (void)state;
    const size_t nRep = 100000;
    char *zBig = malloc(4 * nRep + 64);
    assert_non_null(zBig);
    size_t n = 0;
    for (size_t i = 0; i < nRep; i++) { memcpy(zBig + n, "oil ", 4); n += 4; }
    n += (size_t)sprintf(zBig + n, "end of text");
    sdoc a[3] = {
        {"small", "Small", "oil and gas"},
        {"big", "Big", zBig},
        {"after", "After", "end of story"},
    };
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    write_docs(zDir, a, 0, 3, 0, NULL);
    kq_index *p = open_index(zDir);
    const kq_stats *st = kq_index_stats(p);
    /* 1 + 3, 1 + 100003, 1 + 3 tokens; a title token counts 3 times */
    assert_true(st->nToken == 6 + 100006 + 6);
    const kq_docinfo *di;
    char *zErr = NULL;
    assert_int_equal(kq_index_doc(p, 1, &di, &zErr), KQ_OK);
    assert_int_equal(di->nLen, 100006);

    kq_hit *h;
    size_t nHit;
    uint64_t nTotal;
    run_query(p, "oil", 0, 10, &h, &nHit, &nTotal);
    assert_int_equal(nHit, 2);
    double avg = (double)st->nToken / 3;
    double idf = log(1.5 / 2.5 * 0.5 + 1);   /* tw = 0.6 -> 1.3 */
    double sBig = idf * 100000 * 2.4 /
                  (100000 + 1.4 * (0.5 + 0.5 * 100006 / avg));
    double sSmall = idf * 1 * 2.4 / (1 + 1.4 * (0.5 + 0.5 * 6 / avg));
    assert_int_equal(h[0].iDoc, 1);
    assert_true(near(h[0].score, sBig));
    assert_int_equal(h[1].iDoc, 0);
    assert_true(near(h[1].score, sSmall));
    free(h);
    assert_true(total_of(p, "\"of text\"") == 1);
    assert_true(total_of(p, "\"oil end of text\"") == 1);
    assert_true(total_of(p, "\"oil oil oil oil\"") == 1);
    assert_true(total_of(p, "\"end of\"") == 2);
    assert_true(total_of(p, "\"text oil\"") == 0);
    char *zText = NULL;
    size_t nText = 0;
    assert_int_equal(kq_index_text(p, 1, &zText, &nText, &zErr), KQ_OK);
    assert_int_equal(nText, n);
    assert_memory_equal(zText, zBig, n);
    free(zText);
    kq_index_close(p);
    th_rmtree(zDir);
    free(zBig);
}

static void on_alarm(int sig) {
    (void)sig;
    static const char zMsg[] =
        "not ok - test_deep_not: 30 nested NOTs still running after 20 s\n";
    if (write(1, zMsg, sizeof zMsg - 1) < 0) _exit(2);
    th_rmtree_all();
    _exit(1);
}

/* Evaluation time must not grow exponentially with the nesting depth.
** Runs last: on timeout the binary exits. */
static void test_deep_not(void **state) {
    (void)state;
    enum { NDOC = 200 };
    static sdoc a[NDOC];
    static char azId[NDOC][16];
    for (int i = 0; i < NDOC; i++) {
        snprintf(azId[i], sizeof azId[i], "n%d", i);
        a[i].zId = azId[i];
        a[i].zTitle = "title";
        a[i].zBody = i % 3 == 0 ? "oil and gas" : "gas only";
    }
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    write_docs(zDir, a, 0, NDOC, 0, NULL);
    kq_index *p = open_index(zDir);
    char zq[256];
    size_t n = 0;
    for (int i = 0; i < 30; i++) { memcpy(zq + n, "NOT ", 4); n += 4; }
    memcpy(zq + n, "oil", 4);
    signal(SIGALRM, on_alarm);
    alarm(20);
    u64 nTotal = total_of(p, zq);   /* 30 NOTs: oil itself */
    alarm(0);
    signal(SIGALRM, SIG_DFL);
    kq_index_close(p);
    th_rmtree(zDir);
    if (nTotal != (NDOC + 2) / 3)
        fail_msg("30 x NOT oil: %llu matches, want %d",
                 (unsigned long long)nTotal, (NDOC + 2) / 3);
}

/* No index at all. */
static void test_no_index(void **state) {
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_index *p = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_NOTFOUND);
    free(zErr);
    kq_index_close(NULL);
    th_rmtree(zDir);
}

/* kqi_log() (kq's own log, so that scores do not depend on the libm)
** against libm's log: within 1 ulp over ratios from 1 to 1e12, tiny and huge
** values, powers of two and their neighbours. */
static void test_log(void **state) {
    (void)state;
    th_rng r = th_rng_for("log");
    int nChecked = 0;
    for (int i = 0; i < 200000; i++) {
        double x;
        switch (i % 4) {
            case 0: x = 1.0 + (double)th_range(&r, 0, 1000000) / 1000.0; break;
            case 1: x = (double)th_range(&r, 1, 1000000000000ull) / 3.0; break;
            case 2: x = ldexp(1.0, (int)th_range(&r, 0, 2000) - 1000) *
                        (1.0 + (double)th_range(&r, 0, 1000) / 1000.0); break;
            default: x = nextafter(ldexp(1.0, (int)th_range(&r, 0, 100) - 50),
                                   th_range(&r, 0, 1) ? 0.0 : 1e300); break;
        }
        double want = log(x), got = kqi_log(x);
        double tol = 1.01 * fabs(nextafter(want, HUGE_VAL) - want);
        if (want == 0) tol = 1e-300;
        if (fabs(got - want) > tol)
            fail_msg("kqi_log(%.17g) = %.17g, log = %.17g", x, got, want);
        nChecked++;
    }
    assert_true(kqi_log(1.0) == 0.0);
    assert_true(kqi_log(0.0) == -HUGE_VAL);
    assert_true(isnan(kqi_log(-1.0)));
    assert_true(fabs(kqi_log(4.9e-324) - log(4.9e-324)) < 1e-12);
    assert_int_equal(nChecked, 200000);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log),
        cmocka_unit_test(test_bm25_idf),
        cmocka_unit_test(test_bm25_tf),
        cmocka_unit_test(test_small_index),
        cmocka_unit_test(test_small_index_spill),
        cmocka_unit_test(test_small_index_two_commits),
        cmocka_unit_test(test_nested_not),
        cmocka_unit_test(test_random_index),
        cmocka_unit_test(test_block_skipping),
        cmocka_unit_test(test_maybe_rare_optional),
        cmocka_unit_test(test_check_impacts),
        cmocka_unit_test(test_writer_lifecycle),
        cmocka_unit_test(test_random_vocabulary),
        cmocka_unit_test(test_english_index),
        cmocka_unit_test(test_expanding_words),
        cmocka_unit_test(test_big_document),
        cmocka_unit_test(test_no_index),
        cmocka_unit_test(test_deep_not),   /* last: exits on timeout */
    };
    return TH_RUN(tests);
}
