/*
** fuzz_query.c -- libFuzzer target: the query parser (common/query.c) and
** the evaluation of whatever it accepts (common/search/, match.c,
** snippet.c).
**
** Input: a query string (the bytes up to the first NUL; a NUL-terminated
** copy is parsed).  For each input:
**   - kq_query_parse() and kq_query_parse_ex(KQ_QUERY_OR) with the index's
**     analyzer ("english"; a third of the documents are French or Russian,
**     so query words are analysed in those languages too).  rc must be
**     KQ_OK (with a query) or KQ_SYNTAX (with a message and a 1-based
**     column inside the query + 1);
**   - a parsed query is described (kq_query_describe(), kq_query_tree()
**     with the index, which expands its prefixes, wildcard patterns and
**     fuzzy words: non-NULL) and, to
**     reach the search engine with arbitrary query trees, run against a
**     small index built once per process (160 generated documents, so
**     frequent terms span several posting blocks):
**       kq_search(offset 0, limit 10): hits sorted by score descending,
**         ties by docid; every docid < nDoc; nHit = min(10, total);
**       kq_search(limit 0): the same total;
**       kq_search_ex(KQ_SEARCH_ESTIMATE): the same hits with bit-identical
**         scores, and a total that is exact or (bExact 0) at most the exact;
**       kq_matcher_doc() on every document: it matches exactly the
**         documents of kq_search_each(), with as many matches as that
**         counts (two evaluations of the query, cursors and match.c);
**       the best hit's kq_index_doc(), kq_index_text(), its matches
**         located in its title and body (inside them), and snippets
**         (valid UTF-8, highlights inside the text);
**   - everything freed.  Crashes, leaks and undefined behaviour are bugs,
**     and so is any failed invariant above (FZ_CHECK aborts).
*/
#define FZ_MAP_EMULATION
#include "fuzz_util.h"

#include "../../common/kq.h"

static kq_analyzer *g_pA;      /* the index's, for parsing */
static kq_index *g_pIdx;       /* the fixed index */

/* Words of the generated documents: the demo query's words, common words,
** accented and non-Latin ones, numbers, and a word with a hyphen. */
static const char *const azWord[] = {
    "ceasefire", "peacekeepers", "peace", "peaceful", "oil", "gulf", "bank",
    "central", "dollar", "troops", "the", "of", "and", "a", "in", "to",
    "government", "region", "Kashmir", "Armenian", "crude", "prices",
    "café", "CAFÉ", "Straße", "naïve", "Ωmega", "東京", "1987", "42",
    "U.S.", "peace-keepers", "evacuate", "evacuation", "running", "ran",
    "bus", "link", "line", "cooperation", "spirit", "market", "shares",
    "présidents", "chevaux", "миротворцы", "перемирия", "停火", "俄罗斯",
    "หยุดยิง", "भारत", "ガザ", "サーバー",
};
#define N_WORD (sizeof(azWord) / sizeof(azWord[0]))
#define N_DOC 160

static uint32_t lcg(uint32_t *p)
{
    *p = *p * 1103515245u + 12345u;
    return *p >> 8;
}

/* Append word w (and a space) to z[*pn] (capacity nz). */
static void add_word(char *z, size_t *pn, size_t nz, const char *w)
{
    size_t n = strlen(w);
    if (*pn + n + 2 > nz) return;
    memcpy(z + *pn, w, n);
    *pn += n;
    z[(*pn)++] = ' ';
}

static void build_index(void)
{
    char zDir[4200];
    fz_path(zDir, sizeof zDir, "idx");
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    opts.zLang = "english";
    opts.nLockWaitMs = -1;
    kq_writer *w = NULL;
    char *zErr = NULL;
    int rc = kq_writer_open(zDir, &opts, &w, &zErr);
    FZ_CHECK(rc == KQ_OK, "kq_writer_open: %s", zErr ? zErr : kq_errstr(rc));
    uint32_t seed = 20240611;
    for (int i = 0; i < N_DOC; i++) {
        char zId[32], zTitle[256], zBody[2048];
        size_t nTitle = 0, nBody = 0;
        snprintf(zId, sizeof zId, "doc%03d", i);
        int nT = 1 + (int)(lcg(&seed) % 5);
        for (int j = 0; j < nT; j++) {
            add_word(zTitle, &nTitle, sizeof zTitle,
                     azWord[lcg(&seed) % N_WORD]);
        }
        /* Skewed lengths: a few long documents, many short ones. */
        int nB = (int)(lcg(&seed) % (i % 10 == 0 ? 200 : 30));
        for (int j = 0; j < nB; j++) {
            /* Squaring skews towards the first words: frequent terms. */
            uint32_t r = lcg(&seed) % N_WORD;
            add_word(zBody, &nBody, sizeof zBody,
                     azWord[(r * r) / N_WORD]);
            if (lcg(&seed) % 9 == 0 && nBody + 3 < sizeof zBody) {
                memcpy(zBody + nBody, ". ", 2);
                nBody += 2;
            }
        }
        kq_doc d;
        memset(&d, 0, sizeof d);
        d.zId = zId;
        d.nId = strlen(zId);
        d.zTitle = zTitle;
        d.nTitle = nTitle;
        d.zBody = zBody;
        d.nBody = nBody;
        if (i % 6 == 1 || i % 6 == 4) {
            d.zLang = i % 6 == 1 ? "french" : "russian";
            d.nLang = strlen(d.zLang);
        }
        if (i % 3 == 0) {
            d.zDate = "1987-02-26";
            d.nDate = 10;
            d.zSource = "reuters";
            d.nSource = 7;
        }
        rc = kq_writer_add(w, &d, &zErr);
        FZ_CHECK(rc == KQ_OK, "kq_writer_add: %s",
                 zErr ? zErr : kq_errstr(rc));
    }
    rc = kq_writer_commit(w, &zErr);
    FZ_CHECK(rc == KQ_OK, "kq_writer_commit: %s",
             zErr ? zErr : kq_errstr(rc));
    kq_writer_close(w);
    rc = kq_index_open(zDir, &g_pIdx, &zErr);
    FZ_CHECK(rc == KQ_OK, "kq_index_open: %s", zErr ? zErr : kq_errstr(rc));
    FZ_CHECK(kq_index_stats(g_pIdx)->nDoc == N_DOC, "index has %llu docs",
             (unsigned long long)kq_index_stats(g_pIdx)->nDoc);
}

static void close_all(void)
{
    kq_index_close(g_pIdx);   /* g_pA is the index's */
    g_pIdx = NULL;
    g_pA = NULL;
}

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv)
{
    (void)pArgc;
    (void)pArgv;
    fz_init();
    build_index();
    g_pA = kq_index_analyzer(g_pIdx);
    atexit(close_all);
    return 0;
}

static void check_hits_sorted(const kq_hit *a, size_t n, uint64_t nDoc)
{
    for (size_t i = 0; i < n; i++) {
        FZ_CHECK(a[i].iDoc < nDoc, "hit %zu: docid %u of %llu", i,
                 (unsigned)a[i].iDoc, (unsigned long long)nDoc);
        if (i > 0) {
            FZ_CHECK(a[i - 1].score > a[i].score ||
                     (a[i - 1].score == a[i].score &&
                      a[i - 1].iDoc < a[i].iDoc),
                     "hits %zu (doc %u, %.17g) and %zu (doc %u, %.17g) out "
                     "of order", i - 1, (unsigned)a[i - 1].iDoc,
                     a[i - 1].score, i, (unsigned)a[i].iDoc, a[i].score);
        }
    }
}

/* The matcher agrees with the search on every document (it matches
** exactly the documents kq_search_each gives, and counts for each what
** kq_search_each says), and the matches of iDoc, located in its texts,
** are in text order within them: *paM (malloc()ed) and *pnM get them. */
typedef struct fzeach {
    uint32_t aOcc[N_DOC];
    unsigned char aHit[N_DOC];
} fzeach;

static int each_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    fzeach *e = pCtx;
    (void)score;
    FZ_CHECK(iDoc < N_DOC, "kq_search_each: document %u", (unsigned)iDoc);
    e->aHit[iDoc] = 1;
    e->aOcc[iDoc] = nOcc;
    return 0;
}

static void check_matches(const kq_query *q, const char *zQuery,
                          kq_docid iDoc, const char *zTitle, size_t nTitle,
                          const char *zBody, size_t nBody, kq_match **paM,
                          size_t *pnM)
{
    const uint64_t nDoc = kq_index_stats(g_pIdx)->nDoc;
    static fzeach e;
    memset(&e, 0, sizeof e);
    char *zErr = NULL;
    int rc = kq_search_each(g_pIdx, q, &e, each_cb, &zErr);
    FZ_CHECK(rc == KQ_OK, "kq_search_each(\"%s\"): rc %d %s", zQuery, rc,
             zErr ? zErr : "");
    kq_matcher *m = NULL;
    rc = kq_matcher_new(g_pIdx, q, &m, &zErr);
    FZ_CHECK(rc == KQ_OK, "kq_matcher_new(\"%s\"): rc %d %s", zQuery, rc,
             zErr ? zErr : "");
    const kq_match *a = NULL;
    size_t n = 0;
    for (kq_docid d = 0; d < nDoc && d < N_DOC; d++) {
        int bMatch = -1;
        rc = kq_matcher_doc(m, d, &bMatch, &a, &n, &zErr);
        FZ_CHECK(rc == KQ_OK, "kq_matcher_doc: rc %d %s", rc, zErr ? zErr : "");
        FZ_CHECK(bMatch == e.aHit[d] && (!bMatch || n == e.aOcc[d]),
                 "\"%s\" document %u: matcher %d (%zu matches), search %d "
                 "(%u)", zQuery, (unsigned)d, bMatch, n, e.aHit[d],
                 e.aOcc[d]);
    }
    int bMatch;
    rc = kq_matcher_doc(m, iDoc, &bMatch, &a, &n, &zErr);
    FZ_CHECK(rc == KQ_OK && bMatch, "\"%s\": the best hit does not match",
             zQuery);
    kq_match *aM = malloc(sizeof(kq_match) * (n + 1));
    FZ_CHECK(aM != NULL, "out of memory");
    if (n) {
        memcpy(aM, a, sizeof(kq_match) * n);
    }
    kq_matcher_free(m);
    rc = kq_match_locate(kq_index_analyzer(g_pIdx), zTitle, nTitle, zBody,
                         nBody, aM, n);
    FZ_CHECK(rc == KQ_OK, "kq_match_locate: rc %d", rc);
    for (size_t i = 0; i < n; i++) {
        size_t nText = aM[i].bTitle ? nTitle : nBody;
        FZ_CHECK(aM[i].iStart < aM[i].iEnd && aM[i].iEnd <= nText,
                 "\"%s\": match %zu at [%zu, %zu) of a %zu-byte text",
                 zQuery, i, aM[i].iStart, aM[i].iEnd, nText);
    }
    *paM = aM;
    *pnM = n;
}

static void run_query(const kq_query *q, const char *zQuery)
{
    const uint64_t nDoc = kq_index_stats(g_pIdx)->nDoc;
    kq_hit *aHit = NULL;
    size_t nHit = 0;
    uint64_t nTotal = 0;
    char *zErr = NULL;
    int rc = kq_search(g_pIdx, q, 0, 10, &aHit, &nHit, &nTotal, &zErr);
    if (rc == KQ_SYNTAX) {
        /* Only the index knows its extra fields (NAME:word with a NAME it
        ** lacks) and what its prefixes expand to (the limits of kq.h):
        ** errors when the query runs. */
        FZ_CHECK(zErr && (strncmp(zErr, "unknown field '", 15) == 0 ||
                          strncmp(zErr, "the prefix ", 11) == 0 ||
                          strncmp(zErr, "the query's prefixes", 20) == 0),
                 "kq_search(\"%s\"): KQ_SYNTAX %s", zQuery, zErr ? zErr : "");
        free(zErr);
        return;
    }
    FZ_CHECK(rc == KQ_OK, "kq_search(\"%s\"): rc %d %s", zQuery, rc,
             zErr ? zErr : "");
    FZ_CHECK(nTotal <= nDoc, "total %llu > %llu documents",
             (unsigned long long)nTotal, (unsigned long long)nDoc);
    FZ_CHECK(nHit == (nTotal < 10 ? nTotal : 10),
             "kq_search(\"%s\"): %zu hits of %llu", zQuery, nHit,
             (unsigned long long)nTotal);
    check_hits_sorted(aHit, nHit, nDoc);

    /* Count only. */
    kq_hit *aNone = NULL;
    size_t nNone = 99;
    uint64_t nCount = 0;
    rc = kq_search(g_pIdx, q, 0, 0, &aNone, &nNone, &nCount, &zErr);
    FZ_CHECK(rc == KQ_OK, "kq_search(\"%s\", limit 0): rc %d %s", zQuery, rc,
             zErr ? zErr : "");
    FZ_CHECK(nCount == nTotal && nNone == 0,
             "kq_search(\"%s\"): limit 0 counts %llu (%zu hits), limit 10 "
             "%llu", zQuery, (unsigned long long)nCount, nNone,
             (unsigned long long)nTotal);
    free(aNone);

    /* Pruned: the same hits, bit-identical scores. */
    kq_hit *aEst = NULL;
    size_t nEst = 0;
    uint64_t nTotalEst = 0;
    int bExact = -1;
    rc = kq_search_ex(g_pIdx, q, KQ_SEARCH_ESTIMATE, 0, 10, &aEst, &nEst,
                      &nTotalEst, &bExact, &zErr);
    FZ_CHECK(rc == KQ_OK, "kq_search_ex(\"%s\", ESTIMATE): rc %d %s", zQuery,
             rc, zErr ? zErr : "");
    FZ_CHECK(nEst == nHit, "\"%s\": %zu hits pruned, %zu exhaustive", zQuery,
             nEst, nHit);
    for (size_t i = 0; i < nEst; i++) {
        FZ_CHECK(aEst[i].iDoc == aHit[i].iDoc &&
                 aEst[i].score == aHit[i].score,
                 "\"%s\": hit %zu pruned doc %u %.17g, exhaustive doc %u "
                 "%.17g", zQuery, i, (unsigned)aEst[i].iDoc, aEst[i].score,
                 (unsigned)aHit[i].iDoc, aHit[i].score);
    }
    FZ_CHECK(bExact == 0 || bExact == 1, "bExact %d", bExact);
    FZ_CHECK(bExact ? nTotalEst == nTotal : nTotalEst <= nTotal,
             "\"%s\": estimated total %llu (exact %d), exact total %llu",
             zQuery, (unsigned long long)nTotalEst, bExact,
             (unsigned long long)nTotal);
    free(aEst);

    /* The best hit's record, text and snippet. */
    if (nHit > 0) {
        const kq_docinfo *info;
        rc = kq_index_doc(g_pIdx, aHit[0].iDoc, &info, &zErr);
        FZ_CHECK(rc == KQ_OK, "kq_index_doc(%u): rc %d %s",
                 (unsigned)aHit[0].iDoc, rc, zErr ? zErr : "");
        fz_touch(info->zId, info->nId);
        fz_touch(info->zTitle, info->nTitle);
        char *zText = NULL;
        size_t nText = 0;
        rc = kq_index_text(g_pIdx, aHit[0].iDoc, &zText, &nText, &zErr);
        FZ_CHECK(rc == KQ_OK, "kq_index_text(%u): rc %d %s",
                 (unsigned)aHit[0].iDoc, rc, zErr ? zErr : "");
        fz_touch(zText, nText);
        kq_match *aM = NULL;
        size_t nM = 0;
        check_matches(q, zQuery, aHit[0].iDoc, info->zTitle, info->nTitle,
                      zText, nText, &aM, &nM);
        kq_snippet *aSnip = NULL;
        int nSnip = 0;
        rc = kq_snippets_make(kq_index_analyzer(g_pIdx), zText, nText, aM, nM,
                              12, 3, &aSnip, &nSnip);
        FZ_CHECK(rc == KQ_OK, "kq_snippets_make: rc %d", rc);
        for (int k = 0; k < nSnip; k++) {
            const kq_snippet *sn = &aSnip[k];
            FZ_CHECK(fz_utf8_ok(sn->zText, sn->nText),
                     "snippet is not valid UTF-8");
            for (size_t i = 0; i < sn->nHl; i++) {
                FZ_CHECK(sn->aHl[2 * i] <= sn->aHl[2 * i + 1] &&
                         sn->aHl[2 * i + 1] <= sn->nText,
                         "highlight [%zu, %zu) of a %zu-byte snippet",
                         sn->aHl[2 * i], sn->aHl[2 * i + 1], sn->nText);
            }
        }
        kq_snippets_free(aSnip, nSnip);
        free(aM);
        free(zText);
    }
    free(aHit);
    free(zErr);
}

static void parse_one(const char *zQuery, int flags)
{
    kq_query *q = NULL;
    int iCol = -12345;
    char *zErr = NULL;
    int rc = flags ? kq_query_parse_ex(g_pA, zQuery, flags, &q, &iCol, &zErr)
                   : kq_query_parse(g_pA, zQuery, &q, &iCol, &zErr);
    if (rc == KQ_OK) {
        FZ_CHECK(q != NULL, "KQ_OK without a query");
        char *zDesc = kq_query_describe(q);
        FZ_CHECK(zDesc != NULL, "kq_query_describe returned NULL");
        fz_touch(zDesc, strlen(zDesc));
        free(zDesc);
        /* What kq parse prints with the index: every expanding word's
        ** terms (kqi_leaf_terms(), the plan's own expansion). */
        char *zTree = kq_query_tree(g_pIdx, q);
        FZ_CHECK(zTree != NULL, "kq_query_tree returned NULL");
        fz_touch(zTree, strlen(zTree));
        free(zTree);
        free(zErr);
        zErr = NULL;
        run_query(q, zQuery);
        kq_query_free(q);
    } else {
        FZ_CHECK(rc == KQ_SYNTAX, "parse: rc %d (%s)", rc, kq_errstr(rc));
        FZ_CHECK(q == NULL, "KQ_SYNTAX with a query");
        FZ_CHECK(zErr != NULL, "KQ_SYNTAX without a message");
        FZ_CHECK(iCol >= 1 && (size_t)iCol <= strlen(zQuery) + 1,
                 "KQ_SYNTAX at column %d of a %zu-byte query (%s)", iCol,
                 strlen(zQuery), zErr);
        free(zErr);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
    char *z = malloc(nData + 1);
    if (z == NULL) return 0;
    memcpy(z, aData, nData);
    z[nData] = '\0';
    parse_one(z, 0);
    parse_one(z, KQ_QUERY_OR);
    free(z);
    return 0;
}
