/*
** t_bounds.c -- word-length boundaries through the whole library: every
** token length from 0 to 2048 bytes (and 4095-4097) in seven alphabets is
** indexed, then searched for.  The alphabets are ones whose runs are one
** word (no dictionary segmentation: t_analyze.c sweeps those).  Run under ASan by `make check`, so any
** buffer that a word of some length overruns is reported, whatever the
** answers.
**
** Each document is "before TOKEN after", TOKEN exactly L bytes: whole
** characters of the alphabet, padded with ASCII 'x' to L bytes.  The
** expected folded form of TOKEN is worked out here from the construction
** (each alphabet says what one character folds to), not by the analyzer;
** so is whether it is indexed: folded length 1..KQ_MAX_WORD and raw length
** at most KQI_MAX_RAW_TERM.  Then, for every document:
**   - the query TOKEN matches exactly the documents whose TOKEN folds to the
**     same indexed word (alphabets meet: "É" and "e" + U+0301 both fold to
**     "e"); when TOKEN is not indexed, it and "before TOKEN" match nothing
**     (a word no index holds does not drop out of the query);
**   - the phrase "before after" matches exactly the documents of L = 0: a
**     word too long to index still takes its position.
** With stemming ("english") only the first holds exactly per stem, so the
** test checks that an indexed TOKEN finds its own document and that an
** unindexed one finds nothing.
*/
#include "tharness.h"

#include "kq_int.h"

typedef struct alphabet {
    const char *zName;
    const char *zLead;   /* written once at the start ("" for none) */
    const char *zUnit;   /* one character, repeated */
    const char *zFold;   /* what zUnit folds to (case, accents, marks) */
} alphabet;

static const alphabet aAlpha[] = {
    {"ascii", "", "Q", "q"},                   /* 1 byte, upper case */
    {"latin2", "", "\xc3\x89", "e"},           /* É: 2 bytes -> 1 */
    {"cyrillic", "", "\xd0\x96", "\xd0\xb6"},  /* Ж -> ж: 2 -> 2 */
    {"hangul3", "", "\xed\x95\x9c", "\xed\x95\x9c"},         /* 한 */
    /* U+10400 DESERET CAPITAL LONG I -> U+10428: 4 bytes -> 4 */
    {"deseret4", "", "\xf0\x90\x90\x80", "\xf0\x90\x90\xa8"},
    {"e+acute", "", "e\xcc\x81", "e"},         /* e + U+0301: 3 -> 1 */
    {"marks", "e", "\xcc\x81", ""},            /* e, then only marks */
};
#define N_ALPHA (sizeof(aAlpha) / sizeof(aAlpha[0]))

/* Lengths: every one from 0 to 2048, and around 4096. */
#define N_SWEEP 2049
static const size_t aExtra[] = {4095, 4096, 4097};
#define N_LEN (N_SWEEP + sizeof(aExtra) / sizeof(aExtra[0]))

static size_t len_at(size_t i) {
    return i < N_SWEEP ? i : aExtra[i - N_SWEEP];
}

typedef struct tdoc {
    char *zTok;        /* the raw token, L bytes, NUL-terminated */
    size_t nTok;
    char *zFold;       /* its folded form (the model) */
    size_t nFold;
    int bIndexed;
} tdoc;

/* Build the token of alphabet a of exactly L bytes, and its model. */
static void make_token(const alphabet *a, size_t L, tdoc *d) {
    size_t nLead = strlen(a->zLead), nUnit = strlen(a->zUnit);
    size_t nUFold = strlen(a->zFold);
    d->zTok = malloc(L + 1);
    d->zFold = malloc(L * 4 + 2);
    assert_non_null(d->zTok);
    assert_non_null(d->zFold);
    size_t n = 0, nf = 0;
    if (L >= nLead && nLead) {
        memcpy(d->zTok, a->zLead, nLead);
        memcpy(d->zFold, a->zLead, nLead);   /* ASCII lower case */
        n = nf = nLead;
    }
    while (n + nUnit <= L) {
        memcpy(d->zTok + n, a->zUnit, nUnit);
        memcpy(d->zFold + nf, a->zFold, nUFold);
        n += nUnit;
        nf += nUFold;
    }
    while (n < L) {
        d->zTok[n++] = 'x';
        d->zFold[nf++] = 'x';
    }
    d->zTok[n] = 0;
    d->zFold[nf] = 0;
    d->nTok = n;
    d->nFold = nf;
    d->bIndexed = nf >= 1 && nf <= KQ_MAX_WORD && L <= KQI_MAX_RAW_TERM;
}

static void make_docs(tdoc *aDoc) {
    for (size_t a = 0; a < N_ALPHA; a++) {
        for (size_t i = 0; i < N_LEN; i++) {
            make_token(&aAlpha[a], len_at(i), &aDoc[a * N_LEN + i]);
        }
    }
}

static void free_docs(tdoc *aDoc, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(aDoc[i].zTok);
        free(aDoc[i].zFold);
    }
}

static void write_index(const char *zDir, const char *zLang,
                        const tdoc *aDoc, size_t nDoc) {
    kq_writer_opts o = KQ_WRITER_OPTS_INIT;
    o.zLang = zLang;
    o.nLockWaitMs = -1;
    kq_writer *w = NULL;
    char *zErr = NULL;
    int rc = kq_writer_open(zDir, &o, &w, &zErr);
    th_check(rc == KQ_OK, "kq_writer_open: %s", zErr ? zErr : "");
    for (size_t i = 0; i < nDoc; i++) {
        char zId[32];
        snprintf(zId, sizeof zId, "%zu", i);
        size_t nBody = aDoc[i].nTok + 16;
        char *zBody = malloc(nBody);
        assert_non_null(zBody);
        nBody = (size_t)snprintf(zBody, nBody, "before %s after",
                                 aDoc[i].zTok);
        kq_doc d;
        memset(&d, 0, sizeof d);
        d.zId = zId;
        d.nId = strlen(zId);
        d.zBody = zBody;
        d.nBody = nBody;
        rc = kq_writer_add(w, &d, &zErr);
        th_check(rc == KQ_OK, "kq_writer_add %zu: %s", i, zErr ? zErr : "");
        free(zBody);
    }
    rc = kq_writer_commit(w, &zErr);
    th_check(rc == KQ_OK, "kq_writer_commit: %s", zErr ? zErr : "");
    kq_writer_close(w);
}

/* The documents matching zQuery, by id, into abHit (nDoc flags); the hit
** count, or -1 if the query has no searchable word (KQ_SYNTAX). */
static long run_query(kq_index *pIdx, kq_analyzer *pA, const char *zQuery,
                      char *abHit, size_t nDoc) {
    kq_query *q = NULL;
    char *zErr = NULL;
    int iCol = 0;
    int rc = kq_query_parse(pA, zQuery, &q, &iCol, &zErr);
    if (rc == KQ_SYNTAX) {
        free(zErr);
        return -1;
    }
    th_check(rc == KQ_OK, "parse '%.40s...': %s", zQuery, zErr ? zErr : "");
    kq_hit *aHit = NULL;
    size_t nHit = 0;
    uint64_t nTotal = 0;
    rc = kq_search(pIdx, q, 0, nDoc, &aHit, &nHit, &nTotal, &zErr);
    th_check(rc == KQ_OK, "search '%.40s...': %s", zQuery, zErr ? zErr : "");
    th_check(nHit == nTotal, "'%.40s...': %zu hits of %llu", zQuery, nHit,
             (unsigned long long)nTotal);
    memset(abHit, 0, nDoc);
    for (size_t i = 0; i < nHit; i++) {
        const kq_docinfo *di;
        rc = kq_index_doc(pIdx, aHit[i].iDoc, &di, &zErr);
        th_check(rc == KQ_OK, "kq_index_doc %u", (unsigned)aHit[i].iDoc);
        char zId[32];
        snprintf(zId, sizeof zId, "%.*s", (int)di->nId, di->zId);
        size_t iDoc = (size_t)strtoul(zId, NULL, 10);
        th_check(iDoc < nDoc, "hit id %s", zId);
        abHit[iDoc] = 1;
    }
    free(aHit);
    kq_query_free(q);
    return (long)nHit;
}

static void check_index(const char *zLang) {
    const size_t nDoc = N_ALPHA * N_LEN;
    tdoc *aDoc = calloc(nDoc, sizeof *aDoc);
    char *abHit = malloc(nDoc);
    assert_non_null(aDoc);
    assert_non_null(abHit);
    make_docs(aDoc);
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    write_index(zDir, zLang, aDoc, nDoc);
    kq_index *pIdx = NULL;
    char *zErr = NULL;
    int rc = kq_index_open(zDir, &pIdx, &zErr);
    th_check(rc == KQ_OK, "kq_index_open: %s", zErr ? zErr : "");
    kq_analyzer *pA = NULL;
    assert_int_equal(kq_analyzer_new(zLang, &pA), KQ_OK);
    const int bExact = strcmp(zLang, "none") == 0;
    size_t nIndexed = 0;

    for (size_t i = 0; i < nDoc; i++) {
        const tdoc *d = &aDoc[i];
        if (d->nTok == 0) {
            continue;
        }
        long n = run_query(pIdx, pA, d->zTok, abHit, nDoc);
        const char *zAlpha = aAlpha[i / N_LEN].zName;
        if (!d->bIndexed) {
            th_check(n == 0, "%s: %s L=%zu (folded %zu) is not indexed but "
                     "found %ld documents", zLang, zAlpha, d->nTok, d->nFold,
                     n);
            char *zAnd = malloc(d->nTok + 8);
            assert_non_null(zAnd);
            snprintf(zAnd, d->nTok + 8, "before %s", d->zTok);
            n = run_query(pIdx, pA, zAnd, abHit, nDoc);
            th_check(n == 0, "%s: before AND %s L=%zu found %ld documents",
                     zLang, zAlpha, d->nTok, n);
            free(zAnd);
            continue;
        }
        th_check(n > 0 && abHit[i], "%s: %s L=%zu (folded %zu) does not "
                 "find its document", zLang, zAlpha, d->nTok, d->nFold);
        nIndexed++;
        if (!bExact) {
            continue;
        }
        for (size_t j = 0; j < nDoc; j++) {
            int bWant = aDoc[j].bIndexed && aDoc[j].nFold == d->nFold &&
                        memcmp(aDoc[j].zFold, d->zFold, d->nFold) == 0;
            th_check(abHit[j] == bWant, "%s L=%zu finds %s L=%zu: %d, want "
                     "%d", zAlpha, d->nTok, aAlpha[j / N_LEN].zName,
                     aDoc[j].nTok, abHit[j], bWant);
        }
    }
    /* The model's count: per alphabet, the lengths whose folded form is 1
    ** to KQ_MAX_WORD bytes long (and raw at most KQI_MAX_RAW_TERM). */
    printf("# %s: %zu of %zu tokens indexed\n", zLang, nIndexed, nDoc);
    th_check(nIndexed > N_ALPHA * KQ_MAX_WORD, "only %zu tokens indexed",
             nIndexed);

    /* Every token took a position: "before after" is adjacent only where
    ** there was no token. */
    long n = run_query(pIdx, pA, "\"before after\"", abHit, nDoc);
    th_check(n == (long)N_ALPHA, "\"before after\" matches %ld documents",
             n);
    for (size_t i = 0; i < nDoc; i++) {
        th_check(abHit[i] == (aDoc[i].nTok == 0), "\"before after\" and "
                 "%s L=%zu", aAlpha[i / N_LEN].zName, aDoc[i].nTok);
    }

    kq_analyzer_free(pA);
    kq_index_close(pIdx);
    th_rmtree(zDir);
    free_docs(aDoc, nDoc);
    free(aDoc);
    free(abHit);
}

static void test_lengths_none(void **state) {
    (void)state;
    check_index("none");
}

static void test_lengths_english(void **state) {
    (void)state;
    check_index("english");
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lengths_none),
        cmocka_unit_test(test_lengths_english),
    };
    return TH_RUN(tests);
}
