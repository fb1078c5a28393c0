/*
** t_doctokens.c -- a document's tokens and language (common/doctokens.c)
** and exact term frequencies (kq_index_term_freq), against what the index
** itself holds:
**   - the positions kq_index_doc_tokens() gives a stem are exactly those
**     the matcher reads from the posting lists for that word, in every
**     document (random documents, two languages, several segments);
**   - kq_index_term_freq() equals the tokens counted over the live
**     documents, before and after deletions;
**   - kq_docinfo.zLang is the language each document was indexed in.
*/
#include "tharness.h"

#include "kq.h"

#define NDOC 120
#define MAXW 40


/* The number in a document id "<letter><number>" (the id is not
** NUL-terminated: its bytes are followed by the record's). */
static int
id_number(const kq_docinfo *di)
{
    char z[32];
    snprintf(z, sizeof z, "%.*s", (int)di->nId, di->zId);
    return atoi(z + 1);
}

static const char *const azEn[] = {"walking", "walks", "peace", "keepers",
                                   "oil",     "prices", "the",  "of"};
static const char *const azFr[] = {"marchons", "marche", "paix", "prix",
                                   "le",       "de",     "oil"};

typedef struct tdoc {
    char zId[16];
    char zTitle[128];
    char zBody[MAXW * 12];
    int bFrench;
    int bDeleted;
} tdoc;
static tdoc aD[NDOC];
static char zDir[64];

static void
make_words(th_rng *r, int bFr, int n, char *z, size_t nz)
{
    size_t k = 0;
    z[0] = 0;
    for (int i = 0; i < n; i++) {
        const char *w = bFr ? azFr[th_range(r, 0, 6)] : azEn[th_range(r, 0, 7)];
        int m = snprintf(z + k, nz - k, "%s%s", i ? " " : "", w);
        k += (size_t)m;
    }
}

static void
build(void)
{
    th_rng r = th_rng_for("doctokens");
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    opts.bNoMerge = 1;
    kq_writer *w = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_writer_open(zDir, &opts, &w, &zErr), KQ_OK);
    for (int i = 0; i < NDOC; i++) {
        tdoc *t = &aD[i];
        t->bFrench = th_range(&r, 0, 3) == 0;
        snprintf(t->zId, sizeof t->zId, "t%d", i);
        make_words(&r, t->bFrench, (int)th_range(&r, 0, 4), t->zTitle,
                   sizeof t->zTitle);
        make_words(&r, t->bFrench, (int)th_range(&r, 1, MAXW), t->zBody,
                   sizeof t->zBody);
        kq_doc d;
        memset(&d, 0, sizeof d);
        d.zId = t->zId;
        d.nId = strlen(t->zId);
        d.zTitle = t->zTitle;
        d.nTitle = strlen(t->zTitle);
        d.zBody = t->zBody;
        d.nBody = strlen(t->zBody);
        if (t->bFrench) {
            d.zLang = "fr";
            d.nLang = 2;
        }
        assert_int_equal(kq_writer_add(w, &d, &zErr), KQ_OK);
        if (i % 40 == 39) {
            assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
        }
    }
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    kq_writer_close(w);
}

/* Positions of a stem in one document, from kq_index_doc_tokens(). */
typedef struct poscol {
    const char *zStem;
    uint32_t a[2 * MAXW + 8];
    int n;
    int nTok;
} poscol;

static int
pos_cb(void *pCtx, const kq_doc_token *t)
{
    poscol *c = pCtx;
    c->nTok++;
    if (t->zStem && t->nStem == strlen(c->zStem) &&
        memcmp(t->zStem, c->zStem, t->nStem) == 0) {
        c->a[c->n++] = t->iPos;
    }
    return 0;
}

/* The stem the index's analyzer (or French's) gives a word. */
static void
stem_of(kq_index *p, const char *zWord, const char *zLang, char *zOut,
        size_t nOut)
{
    kq_analyzer *pA = NULL;
    if (zLang) {
        assert_int_equal(kq_analyzer_new(zLang, &pA), KQ_OK);
    }
    const char *z;
    size_t n;
    assert_int_equal(kq_stem(pA ? pA : kq_index_analyzer(p), zWord,
                             strlen(zWord), &z, &n),
                     KQ_OK);
    snprintf(zOut, nOut, "%.*s", (int)n, z);
    kq_analyzer_free(pA);
}

static void
test_tokens_match_postings(void **state)
{
    (void)state;
    kq_index *p = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_OK);
    int nChecked = 0;
    for (int iw = 0; iw < 8; iw++) {
        const char *zWord = azEn[iw];
        kq_query *q = NULL;
        int iCol;
        assert_int_equal(
            kq_query_parse(kq_index_analyzer(p), zWord, &q, &iCol, &zErr),
            KQ_OK);
        kq_matcher *m = NULL;
        assert_int_equal(kq_matcher_new(p, q, &m, &zErr), KQ_OK);
        char zStem[64];
        stem_of(p, zWord, NULL, zStem, sizeof zStem);
        for (kq_docid iDoc = 0; iDoc < NDOC; iDoc++) {
            const kq_docinfo *di;
            assert_int_equal(kq_index_doc(p, iDoc, &di, &zErr), KQ_OK);
            if (strcmp(di->zLang, "english") != 0) {
                continue; /* (English query words; French has its stems) */
            }
            poscol c = {zStem, {0}, 0, 0};
            assert_int_equal(kq_index_doc_tokens(p, iDoc, 0, &c, pos_cb, &zErr),
                             KQ_OK);
            int bMatch;
            const kq_match *a;
            size_t n = 0;
            assert_int_equal(kq_matcher_doc(m, iDoc, &bMatch, &a, &n, &zErr),
                             KQ_OK);
            th_check((size_t)c.n == n, "doc %u, %s: %d tokens, %zu matches",
                     iDoc, zWord, c.n, n);
            for (size_t k = 0; k < n; k++) {
                th_check(a[k].iFirst == c.a[k], "doc %u, %s: match %zu at "
                         "%u, token at %u", iDoc, zWord, k, a[k].iFirst,
                         c.a[k]);
            }
            nChecked += c.n;
        }
        kq_matcher_free(m);
        kq_query_free(q);
    }
    th_check(nChecked > 100, "only %d positions compared", nChecked);
    kq_index_close(p);
}

static void
test_languages(void **state)
{
    (void)state;
    kq_index *p = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_OK);
    for (kq_docid iDoc = 0; iDoc < NDOC; iDoc++) {
        const kq_docinfo *di;
        assert_int_equal(kq_index_doc(p, iDoc, &di, &zErr), KQ_OK);
        int i = id_number(di);
        assert_non_null(di->zLang);
        assert_string_equal(di->zLang, aD[i].bFrench ? "french" : "english");
    }
    kq_index_close(p);
}

/* Occurrences of zStem over the live documents, by their tokens. */
typedef struct stemcount {
    const char *zStem;
    uint64_t nOcc;
    int bIn;
} stemcount;

static int
count_cb(void *pCtx, const kq_doc_token *t)
{
    stemcount *c = pCtx;
    if (t->zStem && t->nStem == strlen(c->zStem) &&
        memcmp(t->zStem, c->zStem, t->nStem) == 0) {
        c->nOcc++;
        c->bIn = 1;
    }
    return 0;
}

static void
check_freqs(kq_index *p)
{
    char *zErr = NULL;
    for (int l = 0; l < 2; l++) {
        int nW = l ? 7 : 8;
        for (int iw = 0; iw < nW; iw++) {
            char zStem[64];
            const char *zWord = l ? azFr[iw] : azEn[iw];
            stem_of(p, zWord, l ? "french" : NULL, zStem, sizeof zStem);
            uint64_t nDocWant = 0, nOccWant = 0;
            for (kq_docid iDoc = 0; iDoc < NDOC; iDoc++) {
                const kq_docinfo *di;
                if (kq_index_doc(p, iDoc, &di, &zErr) != KQ_OK) {
                    free(zErr);
                    zErr = NULL;
                    continue;
                }
                if (aD[id_number(di)].bDeleted) {
                    continue;
                }
                stemcount c = {zStem, 0, 0};
                assert_int_equal(
                    kq_index_doc_tokens(p, iDoc, 0, &c, count_cb, &zErr), KQ_OK);
                nDocWant += c.bIn;
                nOccWant += c.nOcc;
            }
            uint64_t nDoc = 0, nOcc = 0;
            assert_int_equal(kq_index_term_freq(p, zStem, strlen(zStem), &nDoc,
                                                &nOcc, &zErr),
                             KQ_OK);
            th_check(nDoc == nDocWant && nOcc == nOccWant,
                     "%s: %llu docs %llu occurrences, tokens say %llu %llu",
                     zStem, (unsigned long long)nDoc, (unsigned long long)nOcc,
                     (unsigned long long)nDocWant,
                     (unsigned long long)nOccWant);
        }
    }
}

static void
test_term_freq(void **state)
{
    (void)state;
    kq_index *p = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_OK);
    check_freqs(p);
    uint64_t nDoc = 1, nOcc = 1;
    assert_int_equal(kq_index_term_freq(p, "zzzz", 4, &nDoc, &nOcc, &zErr),
                     KQ_OK);
    assert_int_equal(nDoc + nOcc, 0);
    kq_index_close(p);
    /* Delete every third document: the frequencies follow. */
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    opts.bNoMerge = 1;
    kq_writer *w = NULL;
    assert_int_equal(kq_writer_open(zDir, &opts, &w, &zErr), KQ_OK);
    for (int i = 0; i < NDOC; i += 3) {
        assert_int_equal(
            kq_writer_delete(w, aD[i].zId, strlen(aD[i].zId), &zErr), KQ_OK);
        aD[i].bDeleted = 1;
    }
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    kq_writer_close(w);
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_OK);
    check_freqs(p);
    kq_index_close(p);
}

/* KQ_DOC_TOKENS_NOSTEM: the same words at the same positions, no stems. */
typedef struct seq {
    char a[4096];
    size_t n;
    int nStem;
} seq;

static int
seq_cb(void *pCtx, const kq_doc_token *t)
{
    seq *q = pCtx;
    int m = snprintf(q->a + q->n, sizeof q->a - q->n, "%.*s@%u/%d:%zu-%zu ",
                     (int)t->nWord, t->zWord, t->iPos, t->bTitle, t->iStart,
                     t->iEnd);
    assert_true(m > 0 && (size_t)m < sizeof q->a - q->n);
    q->n += (size_t)m;
    q->nStem += t->zStem != NULL;
    return 0;
}

static void
test_nostem(void **state)
{
    (void)state;
    kq_index *p = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_OK);
    for (kq_docid iDoc = 0; iDoc < 10; iDoc++) {
        seq a = {{0}, 0, 0}, b = {{0}, 0, 0};
        assert_int_equal(kq_index_doc_tokens(p, iDoc, 0, &a, seq_cb, &zErr),
                         KQ_OK);
        assert_int_equal(kq_index_doc_tokens(p, iDoc, KQ_DOC_TOKENS_NOSTEM, &b,
                                             seq_cb, &zErr),
                         KQ_OK);
        assert_string_equal(a.a, b.a);
        assert_true(a.n > 0);
        assert_int_equal(b.nStem, 0);
        assert_true(a.nStem > 0);
    }
    kq_index_close(p);
}

int
main(void)
{
    build();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens_match_postings),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_term_freq),
        cmocka_unit_test(test_nostem),
    };
    return TH_RUN(tests);
}
