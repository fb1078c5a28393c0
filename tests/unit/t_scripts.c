/*
** t_scripts.c -- word boundaries and folding in every script,
** against hand-written expectations: tests/data/scripts/tokens.tsv (its head
** comment gives the format: SCRIPT <TAB> TEXT <TAB> TOKENS, with \u{HEX}
** escapes).
**
** For every case, kq_analyze() with language "none" and KQ_ANALYZE_NOSTEM
** must deliver exactly TOKENS, at positions 0, 1, 2, ...; and each token's
** byte range [iStart, iEnd) must lie in the text, after the previous one's,
** and be a piece of the source that, analysed on its own, is exactly that
** one token (so snippets and KWIC, which show those bytes, show the word as
** written).  A failure names the line of tokens.tsv and both token lists.
**
** The file is found through $KQ_TEST_DATA (tests/run.sh sets it to the
** repository's tests/data), else tests/data relative to the working
** directory (the repository root, where make check runs the tests).
*/
#include "tharness.h"
#include "kq_int.h"

#define TSV_NAME "scripts/tokens.tsv"

/* The scripts tokens.tsv must cover (so that a truncated or emptied file
** fails instead of passing vacuously). */
static const char *const azScript[] = {
    "latin-fr", "latin-de", "latin-tr", "greek", "cyrillic", "armenian",
    "georgian", "hebrew", "arabic", "devanagari", "bengali", "tamil", "thai",
    "lao", "khmer", "myanmar", "han-zh", "japanese", "hangul",
};
#define N_SCRIPT (sizeof azScript / sizeof azScript[0])

/* Append code point c to z (at least 4 free bytes) as UTF-8; the length. */
static size_t put_utf8(char *z, uint32_t c) {
    if (c < 0x80) { z[0] = (char)c; return 1; }
    if (c < 0x800) {
        z[0] = (char)(0xc0 | (c >> 6));
        z[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        z[0] = (char)(0xe0 | (c >> 12));
        z[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        z[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    z[0] = (char)(0xf0 | (c >> 18));
    z[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    z[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    z[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/* Decode the \u{HEX} escapes of z[0..n) into a new NUL-terminated string
** (*pn: its length); NULL if an escape is malformed or not a Unicode scalar
** value.  The output is never longer than the input. */
static char *unescape(const char *z, size_t n, size_t *pn) {
    char *zOut = malloc(n + 1);
    assert_non_null(zOut);
    size_t j = 0;
    for (size_t i = 0; i < n;) {
        if (z[i] == '\\' && i + 2 < n && z[i + 1] == 'u' && z[i + 2] == '{') {
            size_t k = i + 3;
            uint32_t c = 0;
            while (k < n && k - (i + 3) < 6 && isxdigit((unsigned char)z[k])) {
                char h = z[k++];
                c = c * 16 + (uint32_t)(isdigit((unsigned char)h)
                                        ? h - '0' : (tolower(h) - 'a' + 10));
            }
            if (k == i + 3 || k >= n || z[k] != '}' || c > 0x10ffff
                || (c >= 0xd800 && c <= 0xdfff)) {
                free(zOut);
                return NULL;
            }
            j += put_utf8(zOut + j, c);   /* <= 4 bytes for >= 5 read */
            i = k + 1;
        } else {
            zOut[j++] = z[i++];
        }
    }
    zOut[j] = 0;
    *pn = j;
    return zOut;
}

/* The terms of t joined by single spaces (caller frees). */
static char *join_terms(const th_toks *t) {
    char *z = NULL;
    size_t n = 0;
    th_cat(&z, &n, "%s", "");
    for (size_t i = 0; i < t->n; i++) {
        /* th_cat formats into 512 bytes; tokens here are far shorter */
        th_cat(&z, &n, "%s%s", i ? " " : "", t->a[i].zTerm);
    }
    return z;
}

/* Open tokens.tsv; its path goes to zPath[nPath] (NULL, errno
** ENAMETOOLONG, if it does not fit). */
static FILE *open_tsv(char *zPath, size_t nPath) {
    const char *zDir = getenv("KQ_TEST_DATA");
    int k = snprintf(zPath, nPath, "%s/%s", zDir && *zDir ? zDir : "tests/data",
                     TSV_NAME);
    if (k < 0 || (size_t)k >= nPath) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    return fopen(zPath, "r");
}

/* Check one case: line iLine of the file, TEXT z[0..n), expected zWant.
** Returns the number of problems found (each printed). */
static int check_case(kq_analyzer *p, int iLine, const char *z, size_t n,
                      const char *zWant) {
    int nBad = 0;
    th_toks t;
    memset(&t, 0, sizeof t);
    /* an exact-size copy, so an overread is visible to ASan */
    char *zCopy = malloc(n ? n : 1);
    assert_non_null(zCopy);
    memcpy(zCopy, z, n);
    uint32_t iEnd = 0;
    int rc = kq_analyze(p, KQ_ANALYZE_NOSTEM, zCopy, n, 0, &iEnd, &t, th_tok_cb);
    if (rc != 0) {
        print_error("tokens.tsv:%d: kq_analyze returned %d\n", iLine, rc);
        free(zCopy);
        th_toks_clear(&t);
        return 1;
    }
    char *zGot = join_terms(&t);
    if (strcmp(zGot, zWant) != 0) {
        print_error("tokens.tsv:%d: tokens differ\n  text: %.*s\n  got:  %s\n"
                    "  want: %s\n", iLine, (int)n, z, zGot, zWant);
        nBad++;
    }
    if (iEnd != t.n) {
        print_error("tokens.tsv:%d: %zu tokens but next position %u\n", iLine,
                    t.n, (unsigned)iEnd);
        nBad++;
    }
    size_t iPrevEnd = 0;
    for (size_t i = 0; i < t.n; i++) {
        const th_tok *k = &t.a[i];
        if (k->iPos != i) {
            print_error("tokens.tsv:%d: token %zu '%s' at position %u\n",
                        iLine, i, k->zTerm, (unsigned)k->iPos);
            nBad++;
        }
        if (k->iStart < iPrevEnd || k->iStart >= k->iEnd || k->iEnd > n) {
            print_error("tokens.tsv:%d: token %zu '%s': range [%zu,%zu) not "
                        "within [%zu,%zu)\n", iLine, i, k->zTerm, k->iStart,
                        k->iEnd, iPrevEnd, n);
            nBad++;
            continue;
        }
        iPrevEnd = k->iEnd;
        /* The source bytes of the token, analysed alone, are that token. */
        th_toks s;
        memset(&s, 0, sizeof s);
        size_t nSub = k->iEnd - k->iStart;
        char *zSub = malloc(nSub);
        assert_non_null(zSub);
        memcpy(zSub, z + k->iStart, nSub);
        rc = kq_analyze(p, KQ_ANALYZE_NOSTEM, zSub, nSub, 0, NULL, &s,
                        th_tok_cb);
        char *zSubGot = join_terms(&s);
        if (rc != 0 || s.n != 1 || strcmp(s.a[0].zTerm, k->zTerm) != 0) {
            print_error("tokens.tsv:%d: token %zu '%s': its source bytes "
                        "[%zu,%zu) '%.*s' analyse to '%s'\n", iLine, i,
                        k->zTerm, k->iStart, k->iEnd, (int)nSub,
                        z + k->iStart, zSubGot);
            nBad++;
        }
        free(zSubGot);
        free(zSub);
        th_toks_clear(&s);
    }
    free(zGot);
    free(zCopy);
    th_toks_clear(&t);
    return nBad;
}

static void test_tokens_tsv(void **state) {
    (void)state;
    char zPath[4096];
    FILE *f = open_tsv(zPath, sizeof zPath);
    if (f == NULL)
        fail_msg("cannot open %s (set KQ_TEST_DATA to the repository's "
                 "tests/data): %s", zPath, strerror(errno));
    kq_analyzer *p = NULL;
    assert_int_equal(kq_analyzer_new("none", &p), KQ_OK);

    int aSeen[N_SCRIPT] = {0};
    int nCase = 0, nBad = 0, iLine = 0;
    char *zLine = NULL;
    size_t nAlloc = 0;
    ssize_t nLine;
    while ((nLine = getline(&zLine, &nAlloc, f)) >= 0) {
        iLine++;
        if (nLine > 0 && zLine[nLine - 1] == '\n') zLine[--nLine] = 0;
        if (nLine == 0 || zLine[0] == '#') continue;
        char *zTab1 = strchr(zLine, '\t');
        char *zTab2 = zTab1 ? strchr(zTab1 + 1, '\t') : NULL;
        if (zTab2 == NULL || strchr(zTab2 + 1, '\t') != NULL) {
            print_error("%s:%d: not SCRIPT<TAB>TEXT<TAB>TOKENS\n", zPath,
                        iLine);
            nBad++;
            continue;
        }
        *zTab1 = *zTab2 = 0;
        for (size_t i = 0; i < N_SCRIPT; i++)
            if (strcmp(zLine, azScript[i]) == 0) aSeen[i]++;
        size_t nText, nWant;
        char *zText = unescape(zTab1 + 1, (size_t)(zTab2 - zTab1 - 1), &nText);
        char *zWant = unescape(zTab2 + 1, strlen(zTab2 + 1), &nWant);
        if (zText == NULL || zWant == NULL) {
            print_error("%s:%d: a malformed \\u{HEX} escape\n", zPath, iLine);
            nBad++;
        } else {
            nCase++;
            nBad += check_case(p, iLine, zText, nText, zWant);
        }
        free(zText);
        free(zWant);
    }
    free(zLine);
    fclose(f);
    kq_analyzer_free(p);
    for (size_t i = 0; i < N_SCRIPT; i++)
        if (!aSeen[i]) {
            print_error("%s: no case for script %s\n", zPath, azScript[i]);
            nBad++;
        }
    printf("# %s: %d cases\n", zPath, nCase);
    if (nBad) fail_msg("%d problem(s) in %d cases of %s", nBad, nCase, zPath);
}

/* The \u{HEX} reader itself: a wrong decoding would make every case above
** compare against the wrong text. */
static void test_unescape(void **state) {
    (void)state;
    static const struct { const char *zIn, *zOut; } a[] = {
        {"a\\u{AD}b", "a\xc2\xad" "b"},
        {"\\u{41}", "A"},
        {"\\u{95B}", "\xe0\xa5\x9b"},
        {"\\u{1F600}", "\xf0\x9f\x98\x80"},
        {"no escape \\n", "no escape \\n"},
    };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        size_t n;
        char *z = unescape(a[i].zIn, strlen(a[i].zIn), &n);
        assert_non_null(z);
        assert_string_equal(z, a[i].zOut);
        assert_int_equal(n, strlen(a[i].zOut));
        free(z);
    }
    static const char *const azBad[] = {"\\u{}", "\\u{D800}", "\\u{110000}",
                                        "\\u{41", "\\u{1234567}"};
    for (size_t i = 0; i < sizeof azBad / sizeof azBad[0]; i++) {
        size_t n;
        assert_null(unescape(azBad[i], strlen(azBad[i]), &n));
    }
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unescape),
        cmocka_unit_test(test_tokens_tsv),
    };
    return TH_RUN(tests);
}
