/*
** fuzz_analyze.c -- libFuzzer target: the analysis chain (common/analyze.c)
** on arbitrary bytes, as document text and as a query.
**
** Input: one mode byte, then the text.  The mode picks the analyzer
** ("none", "english", "russian", "hindi": the ASCII and the Unicode folding
** paths, with and without a Snowball stemmer).  For each input:
**   - kq_analyze() with flags 0 and with KQ_ANALYZE_NOSTEM, on an exact-size
**     copy of the text (so ASan sees any read past its end).  Every token
**     must have: a term of 1 to KQ_MAX_WORD bytes of valid UTF-8 with no
**     ASCII upper case, space or control byte; a byte range inside the text,
**     after the previous token's; a position after the previous token's;
**     and *piPosEnd after the last one.  The two analyses deliver the same
**     tokens (positions and ranges), since the folded word's length decides;
**   - the unstemmed terms are folded already: analysing one again gives
**     the one token, itself;
**   - ASCII text through "none": exactly the lower-cased alphanumeric runs
**     of 1 to KQ_MAX_WORD bytes, at consecutive positions (a model written
**     here);
**   - kq_fold_word() into exact-size buffers of 0, 1, 8 and KQ_MAX_WORD + 1
**     bytes: NUL-terminated, never longer than the buffer;
**   - the text as a query (kq_query_parse, both flag sets): KQ_OK with a
**     tree that kq_query_describe() prints, or KQ_SYNTAX with a message and
**     a column inside the query;
**   - kq_lang_detect() (common/langid.c) on the exact-size copy: NULL or
**     one of kq_languages() other than the alias "porter"; the same answer
**     twice; and, for a text longer than KQ_LANGID_MAX_BYTES, the answer
**     of its first KQ_LANGID_MAX_BYTES bytes (in an exact-size copy).
** Crashes, leaks, undefined behaviour and failed invariants (FZ_CHECK
** aborts) are bugs.
*/
#include "fuzz_util.h"

#include "../../common/kq.h"

static const char *const azLang[] = {"none", "english", "russian", "hindi"};
#define N_LANG (sizeof(azLang) / sizeof(azLang[0]))
static kq_analyzer *g_apA[N_LANG];

static void free_all(void)
{
    for (size_t i = 0; i < N_LANG; i++) {
        kq_analyzer_free(g_apA[i]);
        g_apA[i] = NULL;
    }
}

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv)
{
    (void)pArgc;
    (void)pArgv;
    fz_init();
    for (size_t i = 0; i < N_LANG; i++) {
        int rc = kq_analyzer_new(azLang[i], &g_apA[i]);
        FZ_CHECK(rc == KQ_OK, "kq_analyzer_new(%s): %s", azLang[i],
                 kq_errstr(rc));
    }
    atexit(free_all);
    return 0;
}

/* A token as delivered. */
typedef struct tok {
    uint32_t iPos;
    size_t iStart, iEnd;
    char aTerm[KQ_MAX_WORD];
    size_t nTerm;
} tok;

typedef struct toks {
    const char *z;      /* the analysed text */
    size_t n;
    uint32_t iPos0;
    tok *a;
    size_t nTok, nAlloc;
} toks;

static int tok_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
                  size_t iStart, size_t iEnd)
{
    toks *t = pCtx;
    FZ_CHECK(nTerm >= 1 && nTerm <= KQ_MAX_WORD, "term of %zu bytes", nTerm);
    fz_touch(zTerm, nTerm);
    FZ_CHECK(fz_utf8_valid(zTerm, nTerm), "term is not valid UTF-8");
    for (size_t i = 0; i < nTerm; i++) {
        unsigned char c = (unsigned char)zTerm[i];
        FZ_CHECK(c > ' ' && c != 0x7f && !(c >= 'A' && c <= 'Z'),
                 "term byte %zu is 0x%02x", i, c);
    }
    FZ_CHECK(iStart < iEnd && iEnd <= t->n, "token range [%zu,%zu) of %zu",
             iStart, iEnd, t->n);
    if (t->nTok > 0) {
        const tok *p = &t->a[t->nTok - 1];
        FZ_CHECK(iPos > p->iPos, "position %u after %u", (unsigned)iPos,
                 (unsigned)p->iPos);
        FZ_CHECK(iStart >= p->iEnd, "range [%zu,%zu) after [%zu,%zu)",
                 iStart, iEnd, p->iStart, p->iEnd);
    } else {
        FZ_CHECK(iPos >= t->iPos0, "position %u before the first, %u",
                 (unsigned)iPos, (unsigned)t->iPos0);
    }
    if (t->nTok == t->nAlloc) {
        t->nAlloc = t->nAlloc ? 2 * t->nAlloc : 64;
        t->a = realloc(t->a, t->nAlloc * sizeof *t->a);
        FZ_CHECK(t->a != NULL, "out of memory");
    }
    tok *k = &t->a[t->nTok++];
    k->iPos = iPos;
    k->iStart = iStart;
    k->iEnd = iEnd;
    memcpy(k->aTerm, zTerm, nTerm);
    k->nTerm = nTerm;
    return 0;
}

static void analyze(kq_analyzer *pA, int flags, const char *z, size_t n,
                    uint32_t iPos0, toks *t)
{
    memset(t, 0, sizeof *t);
    t->z = z;
    t->n = n;
    t->iPos0 = iPos0;
    uint32_t iEnd = 0;
    int rc = kq_analyze(pA, flags, z, n, iPos0, &iEnd, t, tok_cb);
    FZ_CHECK(rc == 0, "kq_analyze rc %d", rc);
    FZ_CHECK(iEnd >= iPos0, "*piPosEnd %u < %u", (unsigned)iEnd,
             (unsigned)iPos0);
    if (t->nTok > 0) {
        FZ_CHECK(iEnd > t->a[t->nTok - 1].iPos, "*piPosEnd %u, last %u",
                 (unsigned)iEnd, (unsigned)t->a[t->nTok - 1].iPos);
    }
}

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* The model of ASCII text through "none" (no stemming). */
static void check_ascii_model(const char *z, size_t n, const toks *t)
{
    size_t k = 0;
    uint32_t iPos = 0;
    for (size_t i = 0; i < n;) {
        if (!is_alnum((unsigned char)z[i])) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < n && is_alnum((unsigned char)z[i])) i++;
        if (i - s <= KQ_MAX_WORD) {
            FZ_CHECK(k < t->nTok, "model token %zu [%zu,%zu) missing", k, s,
                     i);
            const tok *p = &t->a[k];
            FZ_CHECK(p->iPos == iPos && p->iStart == s && p->iEnd == i &&
                     p->nTerm == i - s, "token %zu: @%u [%zu,%zu), model "
                     "@%u [%zu,%zu)", k, (unsigned)p->iPos, p->iStart,
                     p->iEnd, (unsigned)iPos, s, i);
            for (size_t j = 0; j < i - s; j++) {
                char c = z[s + j];
                if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
                FZ_CHECK(p->aTerm[j] == c, "token %zu byte %zu", k, j);
            }
            k++;
        }
        iPos++;
    }
    FZ_CHECK(k == t->nTok, "%zu tokens, model %zu", t->nTok, k);
}

static void check_fold_word(kq_analyzer *pA, const char *z, size_t n)
{
    static const size_t anOut[] = {0, 1, 8, KQ_MAX_WORD + 1};
    for (size_t i = 0; i < sizeof anOut / sizeof anOut[0]; i++) {
        char *pOut = malloc(anOut[i] ? anOut[i] : 1);   /* exact size */
        FZ_CHECK(pOut != NULL, "out of memory");
        size_t nGot = kq_fold_word(pA, z, n, pOut, anOut[i]);
        if (anOut[i] > 0) {
            FZ_CHECK(nGot < anOut[i] && pOut[nGot] == 0 &&
                     strlen(pOut) == nGot, "kq_fold_word into %zu bytes: %zu",
                     anOut[i], nGot);
        } else {
            FZ_CHECK(nGot == 0, "kq_fold_word into 0 bytes: %zu", nGot);
        }
        free(pOut);
    }
}

static void check_query(kq_analyzer *pA, const char *zQuery, size_t n)
{
    for (int flags = 0; flags <= KQ_QUERY_OR; flags += KQ_QUERY_OR) {
        kq_query *q = NULL;
        int iCol = 0;
        char *zErr = NULL;
        int rc = kq_query_parse_ex(pA, zQuery, flags, &q, &iCol, &zErr);
        if (rc == KQ_OK) {
            FZ_CHECK(q != NULL, "KQ_OK without a query");
            char *zTree = kq_query_describe(q);
            FZ_CHECK(zTree != NULL, "kq_query_describe: NULL");
            fz_touch(zTree, strlen(zTree));
            free(zTree);
            kq_query_free(q);
        } else {
            FZ_CHECK(rc == KQ_SYNTAX && zErr != NULL && q == NULL,
                     "kq_query_parse: rc %d", rc);
            FZ_CHECK(iCol >= 1 && (size_t)iCol <= n + 1,
                     "error column %d of a %zu-byte query", iCol, n);
        }
        free(zErr);
    }
}

/* Two answers of kq_lang_detect() name the same language. */
static int same_lang(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void check_lang_detect(const char *z, size_t n)
{
    const char *zLang = kq_lang_detect(z, n);
    if (zLang != NULL) {
        const char **az = kq_languages();
        int bKnown = 0;
        for (int i = 0; az[i] && !bKnown; i++) {
            bKnown = strcmp(az[i], zLang) == 0;
        }
        FZ_CHECK(bKnown && strcmp(zLang, "porter") != 0,
                 "kq_lang_detect: \"%s\" is no Snowball language", zLang);
    }
    FZ_CHECK(same_lang(kq_lang_detect(z, n), zLang),
             "kq_lang_detect: two answers");
    if (n > KQ_LANGID_MAX_BYTES) {
        char *zHead = malloc(KQ_LANGID_MAX_BYTES);   /* exact size */
        FZ_CHECK(zHead != NULL, "out of memory");
        memcpy(zHead, z, KQ_LANGID_MAX_BYTES);
        FZ_CHECK(same_lang(kq_lang_detect(zHead, KQ_LANGID_MAX_BYTES), zLang),
                 "kq_lang_detect: the first %d bytes of %zu give another "
                 "answer", KQ_LANGID_MAX_BYTES, n);
        free(zHead);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
    if (nData < 1) {
        return 0;
    }
    kq_analyzer *pA = g_apA[aData[0] % N_LANG];
    const int bNone = aData[0] % N_LANG == 0;
    const uint32_t iPos0 = (uint32_t)(aData[0] >> 4) * 1000u;
    size_t n = nData - 1;
    char *z = malloc(n ? n : 1);       /* exact size, not NUL-terminated */
    FZ_CHECK(z != NULL, "out of memory");
    memcpy(z, aData + 1, n);

    toks tStem, tFold;
    analyze(pA, 0, z, n, iPos0, &tStem);
    analyze(pA, KQ_ANALYZE_NOSTEM, z, n, iPos0, &tFold);
    FZ_CHECK(tStem.nTok == tFold.nTok, "%zu stemmed tokens, %zu unstemmed",
             tStem.nTok, tFold.nTok);
    for (size_t i = 0; i < tStem.nTok; i++) {
        FZ_CHECK(tStem.a[i].iPos == tFold.a[i].iPos &&
                 tStem.a[i].iStart == tFold.a[i].iStart &&
                 tStem.a[i].iEnd == tFold.a[i].iEnd,
                 "token %zu differs between the stemmed and unstemmed "
                 "analyses", i);
        /* A folded term is its own folding. */
        toks tAgain;
        const tok *k = &tFold.a[i];
        analyze(pA, KQ_ANALYZE_NOSTEM, k->aTerm, k->nTerm, 0, &tAgain);
        FZ_CHECK(tAgain.nTok == 1 && tAgain.a[0].nTerm == k->nTerm &&
                 memcmp(tAgain.a[0].aTerm, k->aTerm, k->nTerm) == 0,
                 "term %zu (%zu bytes) folds again to %zu tokens", i,
                 k->nTerm, tAgain.nTok);
        free(tAgain.a);
    }
    int bAscii = 1;
    for (size_t i = 0; i < n && bAscii; i++) {
        bAscii = (unsigned char)z[i] < 0x80;
    }
    if (bNone && bAscii && iPos0 == 0) {
        check_ascii_model(z, n, &tFold);
    }
    free(tStem.a);
    free(tFold.a);

    check_fold_word(pA, z, n);
    check_lang_detect(z, n);

    /* As a query: NUL-terminated, up to the first NUL. */
    char *zQuery = malloc(n + 1);
    FZ_CHECK(zQuery != NULL, "out of memory");
    memcpy(zQuery, z, n);
    zQuery[n] = 0;
    check_query(pA, zQuery, strlen(zQuery));
    free(zQuery);
    free(z);
    return 0;
}
