/*
** t_match.c -- a query's matches (kq_matcher, match.c): the counting rule
** of every operator, as kq(1) MATCHES states it, against a brute-force
** model written from that text, not from match.c:
**   - random documents of the letters a b c x (title 0-4 words, body 1-24,
**     language none) and queries of words, title:/body: words, phrases
**     (repeated words too), NEAR/n and ADJ/n of 2 and 3 words (repeated
**     words too), AND, OR, NOT: per document, whether it matches and its
**     matches (first and last token) equal the model's, for every window
**     1..6; kq_search_each's occurrence count is their number;
**   - kq_match_locate's byte ranges on a real sentence (stems, =word,
**     phrases across punctuation, NEAR spans, conditions without matches);
**   - kq_snippets_make: a phrase is one highlight, snippets do not overlap.
**
** The model: a word's matches are its tokens; a phrase's are its
** occurrences, non-overlapping, leftmost first; a NEAR's (ADJ's) are
** chosen among ALL windows holding one distinct token per word (in order
** for ADJ) whose last minus first position is below n + k - 1: repeatedly
** the one that ends first, of those the one that starts last, among the
** windows starting after the last one chosen.  AND: all parts match, the
** union of their matches; OR: the union of the matching parts'; NOT: no
** matches.  Identical spans count once.
*/
#include "tharness.h"

#include "kq_int.h"

#define NDOC 60
#define MAXLEN 24

typedef struct mdoc {
    char aT[MAXLEN], aB[MAXLEN];
    int nT, nB;
} mdoc;

/* Model queries. */
enum { Q_W, Q_PH, Q_NEAR, Q_ADJ, Q_AND, Q_OR, Q_NOT };
enum { F_ANY, F_TITLE, F_BODY };
typedef struct mq mq;
struct mq {
    int op;
    const char *zW;      /* W: one letter; PH, NEAR, ADJ: the letters */
    int eField;          /* W */
    const mq *a[3];
    int n;
};

typedef struct span {
    long first, last;
} span;
typedef struct spans {
    span a[4096];
    int n;
} spans;

static void add_span(spans *s, long f, long l) {
    if (s->n < (int)(sizeof s->a / sizeof s->a[0])) {
        s->a[s->n].first = f;
        s->a[s->n].last = l;
        s->n++;
    }
}

/* The positions of field f of d start at: title 0, body after the title
** and the gap (as the writers number them). */
static long base_of(const mdoc *d, int bTitle) {
    return bTitle ? 0 : d->nT + KQI_TITLE_GAP;
}

/* Windows of proximity query q in one field w[0..n): all of them, then
** the greedy choice. */
static void near_field(const char *w, int n, long base, const mq *q, int nWin,
                       spans *out) {
    int k = (int)strlen(q->zW);
    long nSpan = nWin + k - 1;
    static span aAll[MAXLEN * MAXLEN * MAXLEN];
    int nAll = 0;
    for (int i = 0; i < n; i++) {
        if (w[i] != q->zW[0]) continue;
        for (int j = 0; j < n; j++) {
            if (w[j] != q->zW[1] || j == i) continue;
            if (q->op == Q_ADJ && j <= i) continue;
            if (k == 2) {
                int lo = i < j ? i : j, hi = i < j ? j : i;
                if (hi - lo < nSpan) aAll[nAll++] = (span){lo, hi};
                continue;
            }
            for (int m = 0; m < n; m++) {
                if (w[m] != q->zW[2] || m == i || m == j) continue;
                if (q->op == Q_ADJ && m <= j) continue;
                int lo = i, hi = i;
                if (j < lo) lo = j;
                if (m < lo) lo = m;
                if (j > hi) hi = j;
                if (m > hi) hi = m;
                if (hi - lo < nSpan) aAll[nAll++] = (span){lo, hi};
            }
        }
    }
    long prevEnd = -1;
    for (;;) {
        int best = -1;
        for (int i = 0; i < nAll; i++) {
            if (aAll[i].first <= prevEnd) continue;
            if (best < 0 || aAll[i].last < aAll[best].last ||
                (aAll[i].last == aAll[best].last &&
                 aAll[i].first > aAll[best].first))
                best = i;
        }
        if (best < 0) break;
        add_span(out, base + aAll[best].first, base + aAll[best].last);
        prevEnd = aAll[best].last;
    }
}

static void phrase_field(const char *w, int n, long base, const char *zW,
                         spans *out) {
    int k = (int)strlen(zW);
    for (int s = 0; s + k <= n; s++) {
        int ok = 1;
        for (int i = 0; i < k && ok; i++) ok = w[s + i] == zW[i];
        if (ok) {
            add_span(out, base + s, base + s + k - 1);
            s += k - 1;   /* the next after its end */
        }
    }
}

static int model(const mdoc *d, const mq *q, int nWin, spans *out) {
    spans tmp;
    int b = 0;
    switch (q->op) {
    case Q_W: {
        int n0 = out->n;
        if (q->eField != F_BODY)
            for (int i = 0; i < d->nT; i++)
                if (d->aT[i] == q->zW[0]) add_span(out, i, i);
        if (q->eField != F_TITLE)
            for (int i = 0; i < d->nB; i++)
                if (d->aB[i] == q->zW[0])
                    add_span(out, base_of(d, 0) + i, base_of(d, 0) + i);
        return out->n > n0;
    }
    case Q_PH:
    case Q_NEAR:
    case Q_ADJ: {
        int n0 = out->n;
        if (q->op == Q_PH) {
            phrase_field(d->aT, d->nT, 0, q->zW, out);
            phrase_field(d->aB, d->nB, base_of(d, 0), q->zW, out);
        } else {
            near_field(d->aT, d->nT, 0, q, nWin, out);
            near_field(d->aB, d->nB, base_of(d, 0), q, nWin, out);
        }
        return out->n > n0;
    }
    case Q_AND:
        tmp.n = 0;
        b = 1;
        for (int i = 0; i < q->n && b; i++) b = model(d, q->a[i], nWin, &tmp);
        if (b)
            for (int i = 0; i < tmp.n; i++)
                add_span(out, tmp.a[i].first, tmp.a[i].last);
        return b;
    case Q_OR:
        for (int i = 0; i < q->n; i++) {
            tmp.n = 0;
            if (model(d, q->a[i], nWin, &tmp)) {
                b = 1;
                for (int k = 0; k < tmp.n; k++)
                    add_span(out, tmp.a[k].first, tmp.a[k].last);
            }
        }
        return b;
    case Q_NOT:
        tmp.n = 0;
        return !model(d, q->a[0], nWin, &tmp);
    }
    return 0;
}

static int cmp_span(const void *pa, const void *pb) {
    const span *a = pa, *b = pb;
    if (a->first != b->first) return a->first < b->first ? -1 : 1;
    return (a->last > b->last) - (a->last < b->last);
}

static void normalise(spans *s) {
    qsort(s->a, (size_t)s->n, sizeof(span), cmp_span);
    int n = 0;
    for (int i = 0; i < s->n; i++)
        if (n == 0 || cmp_span(&s->a[n - 1], &s->a[i]) != 0) s->a[n++] = s->a[i];
    s->n = n;
}

static void words_of(const char *a, int n, char *zOut) {
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        if (i) zOut[k++] = ' ';
        zOut[k++] = a[i];
    }
    zOut[k] = 0;
}

static void set_str(const char **pz, size_t *pn, const char *z) {
    *pz = z;
    *pn = z ? strlen(z) : 0;
}

typedef struct each {
    const uint32_t *anOcc;   /* per docid, from kq_search_each */
    uint32_t aOcc[NDOC];
    int aHit[NDOC];
} each;

static int each_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc) {
    each *e = pCtx;
    (void)score;
    if (iDoc < NDOC) {
        e->aOcc[iDoc] = nOcc;
        e->aHit[iDoc] = 1;
    }
    return 0;
}

/* The model queries and their kq text (%d: the window). */
#define W(c, f) {Q_W, c, f, {0}, 0}
static const mq qa = W("a", F_ANY), qb = W("b", F_ANY), qc = W("c", F_ANY);
static const mq qta = W("a", F_TITLE), qbb = W("b", F_BODY);
static const mq qab = {Q_PH, "ab", 0, {0}, 0}, qaa = {Q_PH, "aa", 0, {0}, 0};
static const mq qaba = {Q_PH, "aba", 0, {0}, 0};
/* (phrases whose rarest word is not the first: kq reads it first) */
static const mq qxab = {Q_PH, "xab", 0, {0}, 0}, qcxab = {Q_PH, "cxab", 0, {0}, 0};
static const mq qnab = {Q_NEAR, "ab", 0, {0}, 0};
static const mq qnaa = {Q_NEAR, "aa", 0, {0}, 0};
static const mq qnabc = {Q_NEAR, "abc", 0, {0}, 0};
static const mq qnaba = {Q_NEAR, "aba", 0, {0}, 0};
static const mq qjab = {Q_ADJ, "ab", 0, {0}, 0};
static const mq qjba = {Q_ADJ, "ba", 0, {0}, 0};
static const mq qjaa = {Q_ADJ, "aa", 0, {0}, 0};
static const mq qjcab = {Q_ADJ, "cab", 0, {0}, 0};
static const mq qbc_and = {Q_AND, NULL, 0, {&qb, &qc}, 2};
static const mq qnotc = {Q_NOT, NULL, 0, {&qc}, 1};
static const mq qa_or_bc = {Q_OR, NULL, 0, {&qa, &qbc_and}, 2};
static const mq qa_not_c = {Q_AND, NULL, 0, {&qa, &qnotc}, 2};
static const mq qnab_or_c = {Q_OR, NULL, 0, {&qnab, &qc}, 2};
static const mq qa_or_ab = {Q_OR, NULL, 0, {&qa, &qab}, 2};
static const mq qab_and_nab = {Q_AND, NULL, 0, {&qab, &qnab}, 2};
static const mq qta_or_bb = {Q_OR, NULL, 0, {&qta, &qbb}, 2};

static const struct {
    const char *zFmt;
    const mq *q;
} aQ[] = {
    {"a", &qa},
    {"title:a", &qta},
    {"body:b", &qbb},
    {"\"a b\"", &qab},
    {"\"a a\"", &qaa},
    {"\"a b a\"", &qaba},
    {"\"x a b\"", &qxab},
    {"\"c x a b\"", &qcxab},
    {"a NEAR/%d b", &qnab},
    {"\"a b\"~%d", &qnab},
    {"a NEAR/%d a", &qnaa},
    {"a NEAR/%d b NEAR/%d c", &qnabc},
    {"a NEAR/%d b NEAR/%d a", &qnaba},
    {"a ADJ/%d b", &qjab},
    {"b ADJ/%d a", &qjba},
    {"a ADJ/%d a", &qjaa},
    {"c ADJ/%d a ADJ/%d b", &qjcab},
    {"a OR (b AND c)", &qa_or_bc},
    {"a -c", &qa_not_c},
    {"(a NEAR/%d b) OR c", &qnab_or_c},
    {"a OR \"a b\"", &qa_or_ab},
    {"\"a b\" AND (a NEAR/%d b)", &qab_and_nab},
    {"title:a OR body:b", &qta_or_bb},
};

static void test_match_model(void **state) {
    (void)state;
    th_rng r = th_rng_for("match_model");
    static mdoc aD[NDOC];
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer *w = NULL;
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    char *zErr = NULL;
    opts.zLang = "none";
    opts.bNoMerge = 1;
    assert_int_equal(kq_writer_open(zDir, &opts, &w, &zErr), KQ_OK);
    static const char aAlpha[] = "abcxx";
    for (int i = 0; i < NDOC; i++) {
        mdoc *d = &aD[i];
        d->nT = (int)th_range(&r, 0, 4);
        d->nB = (int)th_range(&r, 1, MAXLEN);
        for (int k = 0; k < d->nT; k++) d->aT[k] = aAlpha[th_range(&r, 0, 4)];
        for (int k = 0; k < d->nB; k++) d->aB[k] = aAlpha[th_range(&r, 0, 4)];
        char zT[2 * MAXLEN + 1], zB[2 * MAXLEN + 1], zId[16];
        words_of(d->aT, d->nT, zT);
        words_of(d->aB, d->nB, zB);
        snprintf(zId, sizeof zId, "m%d", i);
        kq_doc doc;
        memset(&doc, 0, sizeof doc);
        set_str(&doc.zId, &doc.nId, zId);
        set_str(&doc.zTitle, &doc.nTitle, zT);
        set_str(&doc.zBody, &doc.nBody, zB);
        assert_int_equal(kq_writer_add(w, &doc, &zErr), KQ_OK);
        /* Several segments: the matcher moves between them. */
        if (i % 25 == 24) assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    }
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    kq_writer_close(w);
    kq_index *p = NULL;
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_OK);

    int nBad = 0;
    long nSpanAll = 0;
    for (int nWin = 1; nWin <= 6; nWin++) {
        for (size_t iq = 0; iq < sizeof aQ / sizeof aQ[0]; iq++) {
            char zQ[64];
            snprintf(zQ, sizeof zQ, aQ[iq].zFmt, nWin, nWin);
            kq_query *q = NULL;
            int iCol;
            assert_int_equal(kq_query_parse(kq_index_analyzer(p), zQ, &q,
                                            &iCol, &zErr), KQ_OK);
            kq_matcher *m = NULL;
            assert_int_equal(kq_matcher_new(p, q, &m, &zErr), KQ_OK);
            static each e;
            memset(&e, 0, sizeof e);
            assert_int_equal(kq_search_each(p, q, &e, each_cb, &zErr), KQ_OK);
            /* Every other document backwards, then all forwards: the
            ** matcher reopens its cursors when asked for an earlier one. */
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < NDOC; k++) {
                    int i = pass == 0 ? NDOC - 1 - 2 * k : k;
                    if (i < 0) break;
                    static spans want;
                    want.n = 0;
                    int bWant = model(&aD[i], aQ[iq].q, nWin, &want);
                    normalise(&want);
                    int bGot = -1;
                    const kq_match *a = NULL;
                    size_t n = 0;
                    assert_int_equal(kq_matcher_doc(m, (kq_docid)i, &bGot, &a,
                                                    &n, &zErr), KQ_OK);
                    int bSame = bGot == bWant && (int)n == want.n;
                    for (size_t j = 0; bSame && j < n; j++)
                        bSame = a[j].iFirst == (uint32_t)want.a[j].first &&
                                a[j].iLast == (uint32_t)want.a[j].last;
                    if (pass == 1) {
                        bSame = bSame && e.aHit[i] == bWant &&
                                (!bWant || e.aOcc[i] == (uint32_t)want.n);
                        nSpanAll += want.n;
                    }
                    if (!bSame) {
                        char zT[2 * MAXLEN + 1], zB[2 * MAXLEN + 1];
                        words_of(aD[i].aT, aD[i].nT, zT);
                        words_of(aD[i].aB, aD[i].nB, zB);
                        if (nBad < 10) {
                            print_error("'%s' doc %d [%s | %s] (body at %ld): "
                                        "kq match %d, %zu spans (search_each"
                                        " %d, %u); model %d, %d spans:",
                                        zQ, i, zT, zB, base_of(&aD[i], 0),
                                        bGot, n, e.aHit[i], e.aOcc[i], bWant,
                                        want.n);
                            for (size_t j = 0; j < n; j++)
                                print_error(" kq[%u,%u]", a[j].iFirst,
                                            a[j].iLast);
                            for (int j = 0; j < want.n; j++)
                                print_error(" model[%ld,%ld]", want.a[j].first,
                                            want.a[j].last);
                            print_error(" (KQ_TEST_SEED=%llu)\n",
                                        (unsigned long long)th_seed);
                        }
                        nBad++;
                    }
                }
            }
            kq_matcher_free(m);
            kq_query_free(q);
        }
    }
    kq_index_close(p);
    if (nBad) fail_msg("%d documents differ from the model", nBad);
    /* The data must exercise the rules, not pass vacuously. */
    assert_true(nSpanAll > 1000);
}

/**************************************************************************
** Byte ranges on real text.
*/
static kq_index *one_doc_index(const char *zTitle, const char *zBody) {
    static char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer *w = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_writer_open(zDir, NULL, &w, &zErr), KQ_OK);
    kq_doc doc;
    memset(&doc, 0, sizeof doc);
    set_str(&doc.zId, &doc.nId, "d1");
    set_str(&doc.zTitle, &doc.nTitle, zTitle);
    set_str(&doc.zBody, &doc.nBody, zBody);
    set_str(&doc.zSource, &doc.nSource, "wire");
    set_str(&doc.zDate, &doc.nDate, "1987-03-02");
    assert_int_equal(kq_writer_add(w, &doc, &zErr), KQ_OK);
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    kq_writer_close(w);
    kq_index *p = NULL;
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_OK);
    return p;
}

/* The matches of zQuery in document 0 of p, as "T:text|B:text|..." */
static char *matches_of(kq_index *p, const char *zQuery, const char *zTitle,
                        const char *zBody) {
    kq_query *q = NULL;
    int iCol;
    char *zErr = NULL;
    assert_int_equal(kq_query_parse(kq_index_analyzer(p), zQuery, &q, &iCol,
                                    &zErr), KQ_OK);
    kq_matcher *m = NULL;
    assert_int_equal(kq_matcher_new(p, q, &m, &zErr), KQ_OK);
    int bMatch;
    const kq_match *a0;
    size_t n;
    assert_int_equal(kq_matcher_doc(m, 0, &bMatch, &a0, &n, &zErr), KQ_OK);
    kq_match *a = malloc(sizeof(kq_match) * (n + 1));
    memcpy(a, a0, sizeof(kq_match) * n);
    assert_int_equal(kq_match_locate(kq_index_analyzer(p), zTitle,
                                     strlen(zTitle), zBody, strlen(zBody), a,
                                     n), KQ_OK);
    char *z = NULL;
    size_t nz = 0;
    th_cat(&z, &nz, "%s", bMatch ? "" : "nomatch");
    for (size_t i = 0; i < n; i++) {
        const char *zText = a[i].bTitle ? zTitle : zBody;
        assert_true(a[i].iStart < a[i].iEnd);
        assert_true(a[i].iEnd <= strlen(zText));
        th_cat(&z, &nz, "%s%c:%.*s", i ? "|" : "", a[i].bTitle ? 'T' : 'B',
               (int)(a[i].iEnd - a[i].iStart), zText + a[i].iStart);
    }
    free(a);
    kq_matcher_free(m);
    kq_query_free(q);
    return z;
}

static void test_match_text(void **state) {
    (void)state;
    const char *zT = "Peace keepers arrive";
    const char *zB = "Peace talks: the peace-keepers want PEACE, not war. "
                     "Two ceasefires and a ceasefire; the keepers stayed.";
    kq_index *p = one_doc_index(zT, zB);
    static const struct { const char *zQ, *zWant; } a[] = {
        {"peace", "T:Peace|B:Peace|B:peace|B:PEACE"},
        {"title:peace", "T:Peace"},
        {"body:peace", "B:Peace|B:peace|B:PEACE"},
        {"\"peace keepers\"", "T:Peace keepers|B:peace-keepers"},
        {"ceasefire", "B:ceasefires|B:ceasefire"},
        {"=ceasefire", "B:ceasefire"},
        {"keep*", "T:keepers|B:keepers|B:keepers"},
        {"two NEAR/20 stayed",
         "B:Two ceasefires and a ceasefire; the keepers stayed"},
        {"stayed ADJ/20 two", "nomatch"},
        {"war source:wire date:1987 id:d1", "B:war"},
        {"war -talks", "nomatch"},
        {"war OR (talks AND absent)", "B:war"},
        {"peace OR \"peace talks\"", "T:Peace|B:Peace|B:Peace talks|B:peace|"
                                     "B:PEACE"},
        {"source:wire", ""},
        {"*", ""},
        {"absent", "nomatch"},
    };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        char *z = matches_of(p, a[i].zQ, zT, zB);
        if (strcmp(z, a[i].zWant) != 0)
            fail_msg("'%s': %s, want %s", a[i].zQ, z, a[i].zWant);
        free(z);
    }
    kq_index_close(p);
}

/**************************************************************************
** Snippets from matches.
*/
static void test_snippets(void **state) {
    (void)state;
    /* 300 words; "peace talks" at words 20, 150, 280; "peace" alone at 60 */
    char *zBody = NULL;
    size_t nBody = 0;
    th_cat(&zBody, &nBody, "%s", "");
    for (int i = 0; i < 300; i++) {
        const char *w = (i == 20 || i == 150 || i == 280) ? "Peace talks"
                        : i == 60 ? "peace" : (i % 7 == 0 ? "lorem," : "ipsum");
        th_cat(&zBody, &nBody, "%s%s", i ? (i % 11 == 0 ? "\n  " : " ") : "",
               w);
    }
    kq_index *p = one_doc_index("", zBody);
    kq_query *q = NULL;
    int iCol;
    char *zErr = NULL;
    assert_int_equal(kq_query_parse(kq_index_analyzer(p), "\"peace talks\"",
                                    &q, &iCol, &zErr), KQ_OK);
    kq_matcher *m = NULL;
    assert_int_equal(kq_matcher_new(p, q, &m, &zErr), KQ_OK);
    int bMatch;
    const kq_match *a0;
    size_t n;
    assert_int_equal(kq_matcher_doc(m, 0, &bMatch, &a0, &n, &zErr), KQ_OK);
    assert_int_equal(n, 3);
    kq_match aM[3];
    memcpy(aM, a0, sizeof aM);
    assert_int_equal(kq_match_locate(kq_index_analyzer(p), "", 0, zBody, nBody,
                                     aM, 3), KQ_OK);
    kq_snippet *a = NULL;
    int nS = 0;
    assert_int_equal(kq_snippets_make(kq_index_analyzer(p), zBody, nBody, aM, 3,
                                      12, 5, &a, &nS), KQ_OK);
    if (nS != 3) fail_msg("%d snippets, want 3 (one per match)", nS);
    int aSeen[3] = {0, 0, 0};
    for (int i = 0; i < nS; i++) {
        const kq_snippet *s = &a[i];
        assert_true(s->iSrcStart < s->iSrcEnd && s->iSrcEnd <= nBody);
        assert_true(th_utf8_valid(s->zText, s->nText));
        assert_int_equal(s->nHl, 1);
        size_t b = s->aSrcHl[0], e = s->aSrcHl[1];
        if (e - b != 11 || strncmp(zBody + b, "Peace talks", 11) != 0)
            fail_msg("snippet %d highlight '%.*s' at %zu", i, (int)(e - b),
                     zBody + b, b);
        for (int k = 0; k < 3; k++)
            if (b == aM[k].iStart) aSeen[k]++;
        size_t hb = s->aHl[0], he = s->aHl[1];
        assert_true(he <= s->nText && he == hb + 11);
        assert_memory_equal(s->zText + hb, "Peace talks", 11);
        for (int j = 0; j < i; j++)
            if (!(a[j].iSrcEnd <= s->iSrcStart || s->iSrcEnd <= a[j].iSrcStart))
                fail_msg("snippets %d and %d overlap", j, i);
    }
    for (int k = 0; k < 3; k++)
        if (aSeen[k] != 1) fail_msg("match %d highlighted %d times", k, aSeen[k]);
    kq_snippets_free(a, nS);
    /* No match: one snippet, the text's start, nothing highlighted. */
    assert_int_equal(kq_snippets_make(kq_index_analyzer(p), zBody, nBody, NULL,
                                      0, 12, 5, &a, &nS), KQ_OK);
    assert_int_equal(nS, 1);
    assert_int_equal(a[0].nHl, 0);
    assert_int_equal(a[0].iSrcStart, 0);
    kq_snippets_free(a, nS);
    kq_matcher_free(m);
    kq_query_free(q);
    kq_index_close(p);
    free(zBody);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_model),
        cmocka_unit_test(test_match_text),
        cmocka_unit_test(test_snippets),
    };
    return TH_RUN(tests);
}
