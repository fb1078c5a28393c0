/*
** t_query.c -- the query parser (kq_query_parse with the english analyzer)
** through kq_query_describe: operators, precedence (NOT > AND > OR),
** implicit AND, +/-, parentheses, phrases, words that analyse to several
** tokens, prefixes, flattening; syntax errors with their 1-based character
** columns; the AST of phrases (position offsets); and a random fuzz over
** the query alphabet that must parse or fail cleanly.
*/
#include "tharness.h"
#include "kq_int.h"

static kq_analyzer *g_pEn;

static int setup_group(void **state) {
    (void)state;
    return kq_analyzer_new("english", &g_pEn) == KQ_OK ? 0 : -1;
}

static int teardown_group(void **state) {
    (void)state;
    kq_analyzer_free(g_pEn);
    return 0;
}

/* Number of characters (UTF-8 lead bytes) of z. */
static int nchar(const char *z) {
    int n = 0;
    for (; *z; z++)
        if (((unsigned char)*z & 0xC0) != 0x80) n++;
    return n;
}

/* Parse; on success return the description (caller frees), else NULL with
** *pRc, *piCol and *pzErr set. */
static char *parse_describe(const char *zQuery, int *pRc, int *piCol,
                            char **pzErr) {
    kq_query *q = NULL;
    *piCol = -99;
    *pzErr = NULL;
    /* an exact-size copy, so reading past the NUL is visible to ASan */
    size_t n = strlen(zQuery);
    char *z = malloc(n + 1);
    assert_non_null(z);
    memcpy(z, zQuery, n + 1);
    *pRc = kq_query_parse(g_pEn, z, &q, piCol, pzErr);
    free(z);
    if (*pRc != KQ_OK) {
        assert_null(q);
        return NULL;
    }
    assert_non_null(q);
    char *zDesc = kq_query_describe(q);
    assert_non_null(zDesc);
    kq_query_free(q);
    free(*pzErr);
    *pzErr = NULL;
    return zDesc;
}

static const struct { const char *zQuery, *zWant; } aOk[] = {
    {"ceasefire AND peacekeepers", "AND(ceasefir, peacekeep)"},
    {"ceasefire peacekeepers", "AND(ceasefir, peacekeep)"},
    {"oil", "oil"},
    {"Running", "run"},
    /* precedence: NOT > AND > OR */
    {"oil OR gas AND price", "OR(oil, AND(gas, price))"},
    {"oil AND gas OR price", "OR(AND(oil, gas), price)"},
    {"oil gas OR price", "OR(AND(oil, gas), price)"},
    {"oil OR gas price", "OR(oil, AND(gas, price))"},
    {"NOT oil", "NOT(oil)"},
    {"NOT oil gas", "AND(NOT(oil), gas)"},
    {"oil OR NOT gas", "OR(oil, NOT(gas))"},
    {"NOT (oil OR gas)", "NOT(OR(oil, gas))"},
    {"oil NOT gas", "AND(oil, NOT(gas))"},
    {"oil AND NOT gas", "AND(oil, NOT(gas))"},
    {"oil -gas", "AND(oil, NOT(gas))"},
    {"-gas oil", "AND(NOT(gas), oil)"},
    {"+oil gas", "AND(oil, gas)"},
    {"oil +gas", "AND(oil, gas)"},
    {"+oil -gas", "AND(oil, NOT(gas))"},

    /* parentheses */
    {"(oil OR gas) price", "AND(OR(oil, gas), price)"},
    {"price (oil OR gas)", "AND(price, OR(oil, gas))"},
    {"(oil OR gas) AND (price OR war)", "AND(OR(oil, gas), OR(price, war))"},
    {"((oil))", "oil"},
    {"(oil)", "oil"},
    /* flattening */
    {"oil gas price", "AND(oil, gas, price)"},
    {"oil AND gas AND price", "AND(oil, gas, price)"},
    {"(oil gas) price", "AND(oil, gas, price)"},
    {"oil (gas price)", "AND(oil, gas, price)"},
    {"oil OR gas OR price", "OR(oil, gas, price)"},
    {"oil OR (gas OR price)", "OR(oil, gas, price)"},
    {"(oil OR gas) OR price", "OR(oil, gas, price)"},
    /* lower-case operators are words */
    {"oil and gas", "AND(oil, and, gas)"},
    {"oil or gas", "AND(oil, or, gas)"},
    {"not oil", "AND(not, oil)"},
    {"Or And", "AND(or, and)"},
    /* phrases, and words that analyse to several tokens */
    {"\"peace keepers\"", "\"peac keeper\""},
    {"peace-keepers", "\"peac keeper\""},
    {"U.S.", "\"u s\""},
    {"\"U.S. peace\" keepers", "AND(\"u s peac\", keeper)"},
    {"\"oil\"", "oil"},
    {"\"Oil!\"", "oil"},
    {"oil \"peace keepers\" OR gas", "OR(AND(oil, \"peac keeper\"), gas)"},
    {"-peace-keepers oil", "AND(NOT(\"peac keeper\"), oil)"},
    {"\"AND\" oil", "AND(and, oil)"},
    /* prefixes: folded, not stemmed */
    {"ceas*", "ceas*"},
    {"Ceas*", "ceas*"},
    {"running*", "running*"},
    {"Caf\xc3\xa9*", "cafe*"},
    {"oil ceas* OR gas", "OR(AND(oil, ceas*), gas)"},
    /* wildcards anywhere, fuzzy words: folded, not stemmed */
    {"*fire", "*fire"},
    {"Qa?dafi", "qa?dafi"},
    {"n*t?ation", "n*t?ation"},
    {"negotiat**", "negotiat*"},           /* runs of * are one * */
    {"ne**tiat*", "ne*tiat*"},
    {"Caf\xc3\xa9?", "cafe?"},
    {"gadafi~2", "gadafi~2"},
    {"Gadafi~1", "gadafi~1"},
    {"gadafi~", "gadafi~2"},              /* ~ alone is ~2, as Lucene's */
    {"Caf\xc3\xa9~1^2", "cafe~1^2"},
    {"\"oil pric*\"", "\"oil pric*\""},
    {"\"oil pric* war\"", "\"oil pric* war\""},
    {"\"pric*\"", "pric*"},
    {"\"qa?dafi said\"", "\"qa?dafi said\""},
    {"\"gadafi~2 said\"", "\"gadafi~2 said\""},
    {"title:oil*", "title:oil*"},
    {"title:*oil", "title:*oil"},
    {"source:reut*", "source:reut*"},
    {"title:\"oil pric*\"", "title:\"oil pric*\""},
    {"id:news*", "id:\"news\"*"},
    {"id:\"news*\"", "id:\"news*\""},     /* quoted: the id as written */
    {"\"oil price\"~2", "NEAR/2(oil, price)"},   /* not fuzzy */
    {"oil~2 OR x", "OR(oil~2, x)"},
    /* accents and white space */
    {"Caf\xc3\xa9", "cafe"},
    {"  oil \t  gas  ", "AND(oil, gas)"},
    /* a word with no searchable token drops out */
    {"oil !!!", "oil"},
};
#define N_OK (sizeof aOk / sizeof aOk[0])

static void test_parse_ok(void **state) {
    (void)state;
    int nBad = 0;
    for (size_t i = 0; i < N_OK; i++) {
        int rc, iCol;
        char *zErr;
        char *zDesc = parse_describe(aOk[i].zQuery, &rc, &iCol, &zErr);
        if (zDesc == NULL) {
            print_error("'%s': rc=%d col=%d err=%s\n", aOk[i].zQuery, rc, iCol,
                        zErr ? zErr : "(none)");
            nBad++;
        } else if (strcmp(zDesc, aOk[i].zWant) != 0) {
            print_error("'%s': got %s, want %s\n", aOk[i].zQuery, zDesc,
                        aOk[i].zWant);
            nBad++;
        }
        free(zDesc);
        free(zErr);
    }
    if (nBad) fail_msg("%d of %zu queries parsed wrongly", nBad, N_OK);
}

/* - and + before a parenthesis or a phrase (query.c's grammar:
** unary := "-" primary | "+" primary; primary := "(" or ")" | phrase). */
static const struct { const char *zQuery, *zWant; } aSign[] = {
    {"oil -\"peace keepers\"", "AND(oil, NOT(\"peac keeper\"))"},
    {"oil -(gas OR price)", "AND(oil, NOT(OR(gas, price)))"},
    {"price -(NOT oil)", "AND(price, NOT(NOT(oil)))"},
    {"+(oil OR gas) price", "AND(OR(oil, gas), price)"},
    {"oil +\"peace keepers\"", "AND(oil, \"peac keeper\")"},
};

static void test_sign_before_group(void **state) {
    (void)state;
    int nBad = 0;
    for (size_t i = 0; i < sizeof aSign / sizeof aSign[0]; i++) {
        int rc, iCol;
        char *zErr;
        char *zDesc = parse_describe(aSign[i].zQuery, &rc, &iCol, &zErr);
        if (zDesc == NULL || strcmp(zDesc, aSign[i].zWant) != 0) {
            print_error("'%s': got %s, want %s\n", aSign[i].zQuery,
                        zDesc ? zDesc : "an error", aSign[i].zWant);
            nBad++;
        }
        free(zDesc);
        free(zErr);
    }
    if (nBad) fail_msg("%d of %zu signed groups parsed wrongly", nBad,
                       sizeof aSign / sizeof aSign[0]);
}

static const struct { const char *zQuery; int iCol; } aErr[] = {
    {"oil AND", 8},            /* end of input: length + 1 */
    {"oil OR", 7},
    {"oil NOT", 8},
    {"NOT", 4},
    {"AND oil", 1},
    {"OR oil", 1},
    {"oil OR OR gas", 8},
    {"oil AND OR gas", 9},
    {"(oil OR gas", 1},        /* the unclosed parenthesis */
    {"(oil OR (gas)", 1},
    {"oil (", 0},              /* the "(" (5) or the end (6) */
    {"oil)", 4},
    {"oil) gas", 4},
    {"\"oil gas", 1},          /* the unterminated quote */
    {"x \"oil gas", 3},
    {"oil **", 5},             /* (a lone * is every document) */
    /* wildcards and fuzzy words */
    {"oil ?", 5},              /* a wildcard needs a letter beside it */
    {"?? oil", 1},
    {"*?", 1},
    {"\"oil *\"", 6},           /* a lone * in a phrase: at the star */
    {"\"oil ? gas\"", 6},
    {"oil~3", 1},              /* N is 1 or 2 */
    {"oil~0", 1},
    {"oil~12", 1},
    {"oi*l~1", 1},             /* no wildcards in a fuzzy word */
    {"=oil*", 1},
    {"=oil~1", 1},
    {"u.s*", 1},               /* a pattern is one word */
    {"o'ne?l", 1},
    {"\"oil pric*\"~2", 12},    /* "..."~n takes plain words: at the ~ */
    {"oil* NEAR/2 gas", 1},    /* NEAR joins plain words: at the word */
    {"~~2", 1},
    {"", 1},                   /* nothing searchable */
    {"   ", 1},
    {"!!!", 1},
    {"()", 0},                 /* 0: any column in 1..len+1 */
    {"\"\"", 0},
    {"Caf\xc3\xa9 AND", 9},    /* columns are characters, not bytes */
    {"\xc3\xa9\xc3\xa9\xc3\xa9 OR OR", 8},
};
#define N_ERR (sizeof aErr / sizeof aErr[0])

static void test_parse_errors(void **state) {
    (void)state;
    int nBad = 0;
    for (size_t i = 0; i < N_ERR; i++) {
        int rc, iCol;
        char *zErr;
        char *zDesc = parse_describe(aErr[i].zQuery, &rc, &iCol, &zErr);
        int nLen = nchar(aErr[i].zQuery);
        if (zDesc) {
            print_error("'%s': parsed as %s, want a syntax error\n",
                        aErr[i].zQuery, zDesc);
            nBad++;
        } else if (rc != KQ_SYNTAX) {
            print_error("'%s': rc=%d, want KQ_SYNTAX\n", aErr[i].zQuery, rc);
            nBad++;
        } else if (aErr[i].iCol ? iCol != aErr[i].iCol
                                : (iCol < 1 || iCol > nLen + 1)) {
            print_error("'%s': column %d, want %d (%s)\n", aErr[i].zQuery,
                        iCol, aErr[i].iCol, zErr ? zErr : "no message");
            nBad++;
        } else if (zErr == NULL || zErr[0] == 0) {
            print_error("'%s': no error message\n", aErr[i].zQuery);
            nBad++;
        }
        free(zDesc);
        free(zErr);
    }
    if (nBad) fail_msg("%d of %zu bad queries handled wrongly", nBad, N_ERR);
}

/* piCol and pzErr may be NULL. */
static void test_null_out(void **state) {
    (void)state;
    kq_query *q = NULL;
    assert_int_equal(kq_query_parse(g_pEn, "oil AND", &q, NULL, NULL),
                     KQ_SYNTAX);
    assert_null(q);
    assert_int_equal(kq_query_parse(g_pEn, "oil", &q, NULL, NULL), KQ_OK);
    assert_non_null(q);
    kq_query_free(q);
    kq_query_free(NULL);
}

/* The AST behind the descriptions: phrase terms and their offsets. */
static void test_ast(void **state) {
    (void)state;
    kq_query *q = NULL;
    int iCol;
    char *zErr = NULL;

    assert_int_equal(kq_query_parse(g_pEn, "\"U.S. peace keepers\"", &q, &iCol,
                                    &zErr), KQ_OK);
    kqi_qnode *p = q->pRoot;
    assert_int_equal(p->eType, KQI_Q_PHRASE);
    assert_int_equal(p->nChild, 4);
    static const char *azWant[] = {"u", "s", "peac", "keeper"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(p->aChild[i]->eType, KQI_Q_TERM);
        assert_int_equal(p->aChild[i]->nTerm, strlen(azWant[i]));
        assert_memory_equal(p->aChild[i]->zTerm, azWant[i], strlen(azWant[i]));
        assert_int_equal(p->aChild[i]->iOffset, (u32)i);
    }
    kq_query_free(q);

    /* a phrase holding a token too long to index is in no index: it
    ** matches nothing (a TERM marked bNever, with the phrase as written),
    ** rather than "oil <any word> gas" */
    char zq[200];
    int n = snprintf(zq, sizeof zq, "\"oil ");
    memset(zq + n, 'x', KQI_MAX_TERM + 10);
    n += KQI_MAX_TERM + 10;
    snprintf(zq + n, sizeof zq - (size_t)n, " gas\"");
    assert_int_equal(kq_query_parse(g_pEn, zq, &q, &iCol, &zErr), KQ_OK);
    p = q->pRoot;
    assert_int_equal(p->eType, KQI_Q_TERM);
    assert_int_equal(p->bNever, 1);
    assert_int_equal(p->nTerm, strlen(zq) - 2);   /* between the quotes */
    assert_memory_equal(p->zTerm, zq + 1, strlen(zq) - 2);
    kq_query_free(q);
    /* the longest word is a term; one byte more is a bNever TERM, in an
    ** AND that it then empties */
    for (int k = 0; k <= 1; k++) {
        n = snprintf(zq, sizeof zq, "oil ");
        memset(zq + n, 'y', KQI_MAX_TERM + k);
        zq[n + KQI_MAX_TERM + k] = 0;
        assert_int_equal(kq_query_parse(g_pEn, zq, &q, &iCol, &zErr), KQ_OK);
        p = q->pRoot;
        assert_int_equal(p->eType, KQI_Q_AND);
        assert_int_equal(p->nChild, 2);
        assert_int_equal(p->aChild[1]->eType, KQI_Q_TERM);
        assert_int_equal(p->aChild[1]->bNever, k);
        assert_int_equal(p->aChild[1]->nTerm, KQI_MAX_TERM + k);
        assert_int_equal(kq_query_nwarning(q), k);
        kq_query_free(q);
    }

    /* prefix node */
    assert_int_equal(kq_query_parse(g_pEn, "Ceas*", &q, &iCol, &zErr), KQ_OK);
    assert_int_equal(q->pRoot->eType, KQI_Q_PREFIX);
    assert_int_equal(q->pRoot->nTerm, 4);
    assert_memory_equal(q->pRoot->zTerm, "ceas", 4);
    kq_query_free(q);
    assert_null(zErr);
}

/* Expanding words in the tree: node types, folded patterns, phrase slots
** at their positions, fields on every slot. */
static void test_expanding_ast(void **state) {
    (void)state;
    kq_query *q = NULL;
    int iCol;
    char *zErr = NULL;
    assert_int_equal(kq_query_parse(g_pEn, "Qa?Dafi", &q, &iCol, &zErr), KQ_OK);
    assert_int_equal(q->pRoot->eType, KQI_Q_WILD);
    assert_string_equal(q->pRoot->zTerm, "qa?dafi");
    kq_query_free(q);
    assert_int_equal(kq_query_parse(g_pEn, "negotiat*", &q, &iCol, &zErr),
                     KQ_OK);
    assert_int_equal(q->pRoot->eType, KQI_Q_PREFIX);   /* as it was */
    assert_string_equal(q->pRoot->zTerm, "negotiat");
    kq_query_free(q);
    assert_int_equal(kq_query_parse(g_pEn, "Gaddafi~1", &q, &iCol, &zErr),
                     KQ_OK);
    assert_int_equal(q->pRoot->eType, KQI_Q_FUZZY);
    assert_string_equal(q->pRoot->zTerm, "gaddafi");
    assert_int_equal(q->pRoot->nEdit, 1);
    kq_query_free(q);
    assert_int_equal(kq_query_parse(g_pEn, "title:\"Oil pric* was\"", &q,
                                    &iCol, &zErr), KQ_OK);
    kqi_qnode *p = q->pRoot;
    assert_int_equal(p->eType, KQI_Q_PHRASE);
    assert_int_equal(p->nChild, 3);
    assert_int_equal(p->aChild[0]->eType, KQI_Q_TERM);
    assert_int_equal(p->aChild[1]->eType, KQI_Q_PREFIX);
    assert_string_equal(p->aChild[1]->zTerm, "pric");
    assert_int_equal(p->aChild[2]->eType, KQI_Q_TERM);
    assert_string_equal(p->aChild[2]->zTerm, "was");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(p->aChild[i]->iOffset, (u32)i);
        assert_int_equal(p->aChild[i]->eField, KQI_FIELD_TITLE);
    }
    kq_query_free(q);
    /* a word of several tokens next to a slot keeps the positions */
    assert_int_equal(kq_query_parse(g_pEn, "\"U.S. oil* x\"", &q, &iCol,
                                    &zErr), KQ_OK);
    p = q->pRoot;
    assert_int_equal(p->nChild, 4);
    assert_int_equal(p->aChild[2]->eType, KQI_Q_PREFIX);
    assert_int_equal(p->aChild[2]->iOffset, 2);
    assert_int_equal(p->aChild[3]->iOffset, 3);
    kq_query_free(q);
    assert_int_equal(kq_query_parse(g_pEn, "id:news*", &q, &iCol, &zErr),
                     KQ_OK);
    assert_int_equal(q->pRoot->eType, KQI_Q_ID);
    assert_int_equal(q->pRoot->bIdPrefix, 1);
    assert_string_equal(q->pRoot->zTerm, "news");
    kq_query_free(q);
    assert_null(zErr);
}

/* Wildcard matching: * any run (also none), ? one UTF-8 character. */
static void test_wild_match(void **state) {
    (void)state;
    static const struct { const char *zPat, *z; int bWant; } a[] = {
        {"qa?dafi", "qaddafi", 1}, {"qa?dafi", "qadafi", 0},
        {"qa?dafi", "qa\xc3\xa9" "dafi", 1},      /* one character, 2 bytes */
        {"qa??dafi", "qa\xc3\xa9" "dafi", 0},
        {"*fire", "fire", 1}, {"*fire", "ceasefire", 1}, {"*fire", "fired", 0},
        {"n*t?ation", "negotiation", 1}, {"n*t?ation", "nation", 0},
        {"n*t?ation", "notation", 0}, {"n*t?ation", "nxtyation", 1}, {"a*b*c", "abc", 1},
        {"a*b*c", "aXbYbZc", 1}, {"a*b*c", "aXbYcZ", 0},
        {"?", "\xe2\x82\xac", 1}, {"?", "ab", 0}, {"*", "", 1},
        {"a*", "a", 1}, {"*a*", "bab", 1}, {"*a*", "bbb", 0},
    };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        int b = kqi_wild_match(a[i].zPat, strlen(a[i].zPat), a[i].z,
                               strlen(a[i].z));
        if (b != a[i].bWant) {
            fail_msg("'%s' against '%s': %d, want %d", a[i].zPat, a[i].z, b,
                     a[i].bWant);
        }
    }
}

/* The optimal-string-alignment distance, the textbook full table over
** characters (code points), with no cut-off: what kq_edit_distance()
** must equal wherever it is at most the bound. */
static int osa_brute(const u32 *a, int na, const u32 *b, int nb) {
    int d[12][12];
    for (int i = 0; i <= na; i++) d[i][0] = i;
    for (int j = 0; j <= nb; j++) d[0][j] = j;
    for (int i = 1; i <= na; i++) {
        for (int j = 1; j <= nb; j++) {
            int c = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + c < v) v = d[i - 1][j - 1] + c;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[na][nb];
}

/* Random short strings over a small alphabet of 1-, 2- and 3-byte
** characters, so that edits, transpositions and multi-byte characters
** meet often: kq_edit_distance() with bounds 0..3 against the brute
** force. */
static void test_fuzzy_distance_property(void **state) {
    (void)state;
    static const struct { u32 cp; const char *z; } aAlpha[] = {
        {'a', "a"}, {'b', "b"}, {'c', "c"}, {0xe9, "\xc3\xa9"},
        {0x20ac, "\xe2\x82\xac"},
    };
    th_rng r = th_rng_for("fuzzy_distance");
    int nCheck = 0;
    for (int it = 0; it < 20000; it++) {
        u32 a[10], b[10];
        char za[40], zb[40];
        size_t nza = 0, nzb = 0;
        int na = (int)th_range(&r, 0, 7), nb = (int)th_range(&r, 0, 7);
        for (int i = 0; i < na; i++) {
            int k = (int)th_range(&r, 0, 4);
            a[i] = aAlpha[k].cp;
            memcpy(za + nza, aAlpha[k].z, strlen(aAlpha[k].z));
            nza += strlen(aAlpha[k].z);
        }
        /* b: often a's characters edited, else random */
        if (th_range(&r, 0, 1) && na > 0) {
            nb = 0;
            for (int i = 0; i < na && nb < 9; i++) {
                int e = (int)th_range(&r, 0, 9);
                if (e == 0) continue;                          /* delete */
                if (e == 1 && i + 1 < na) {                    /* swap */
                    b[nb++] = a[i + 1];
                    if (nb < 9) b[nb++] = a[i];
                    i++;
                    continue;
                }
                b[nb++] = e == 2 ? aAlpha[th_range(&r, 0, 4)].cp : a[i];
            }
        } else {
            for (int i = 0; i < nb; i++) b[i] = aAlpha[th_range(&r, 0, 4)].cp;
        }
        for (int i = 0; i < nb; i++) {
            for (int k = 0; k < 5; k++) {
                if (aAlpha[k].cp == b[i]) {
                    memcpy(zb + nzb, aAlpha[k].z, strlen(aAlpha[k].z));
                    nzb += strlen(aAlpha[k].z);
                }
            }
        }
        int want = osa_brute(a, na, b, nb);
        for (int nMax = 0; nMax <= 3; nMax++) {
            int got = kq_edit_distance(za, nza, zb, nzb, nMax);
            int exp = want <= nMax ? want : nMax + 1;
            if (got != exp) {
                fail_msg("'%.*s' vs '%.*s' bound %d: %d, want %d",
                         (int)nza, za, (int)nzb, zb, nMax, got, exp);
            }
            nCheck++;
        }
    }
    assert_true(nCheck == 80000);
    /* known values: a transposition is one edit (Lucene), characters not
    ** bytes */
    assert_int_equal(kq_edit_distance("gadafi", 6, "gaddafi", 7, 2), 1);
    assert_int_equal(kq_edit_distance("gadafi", 6, "qaddafi", 7, 2), 2);
    assert_int_equal(kq_edit_distance("gadafi", 6, "kadhafi", 7, 2), 2);
    assert_int_equal(kq_edit_distance("ab", 2, "ba", 2, 2), 1);
    assert_int_equal(kq_edit_distance("ca", 2, "abc", 3, 3), 3);  /* OSA */
    assert_int_equal(kq_edit_distance("\xc3\xa9", 2, "e", 1, 2), 1);
    /* a word longer than any the index holds is as far as can be */
    char aLong[KQI_MAX_TERM + 2];
    memset(aLong, 'a', sizeof aLong);
    assert_int_equal(kq_edit_distance(aLong, KQI_MAX_TERM, aLong,
                                        KQI_MAX_TERM, 2), 0);
    assert_int_equal(kq_edit_distance(aLong, KQI_MAX_TERM + 1, aLong,
                                        KQI_MAX_TERM + 1, 2), 3);
}

/* Random strings over the query alphabet parse or fail with KQ_SYNTAX and a
** column in 1..len+1. */
static void test_fuzz(void **state) {
    (void)state;
    static const char *azTok[] = {"a", "b", "AND", "OR", "NOT", "(", ")",
                                  "\"", "*", "+", "-", " ", "\xc3\xa9",
                                  "?", "~", "~2", "~1", "title:", "id:"};
    const int nTok = (int)(sizeof azTok / sizeof azTok[0]);
    th_rng r = th_rng_for("query_fuzz");
    int nOk = 0, nSyntax = 0;
    for (int it = 0; it < 2000; it++) {
        char zq[256];
        size_t n = 0;
        int nPiece = (int)th_range(&r, 0, 14);
        for (int i = 0; i < nPiece; i++) {
            const char *t = azTok[th_range(&r, 0, (u64)nTok - 1)];
            size_t m = strlen(t);
            memcpy(zq + n, t, m);
            n += m;
            /* keywords need spaces around them to be keywords */
            if (m > 1 && t[0] >= 'A' && t[0] <= 'Z' && th_range(&r, 0, 1))
                zq[n++] = ' ';
        }
        zq[n] = 0;
        int rc, iCol;
        char *zErr;
        char *zDesc = parse_describe(zq, &rc, &iCol, &zErr);
        if (zDesc) {
            th_check(zDesc[0] != 0, "'%s': empty description", zq);
            nOk++;
        } else {
            th_check(rc == KQ_SYNTAX, "'%s': rc=%d", zq, rc);
            th_check(iCol >= 1 && iCol <= nchar(zq) + 1,
                     "'%s': column %d out of 1..%d", zq, iCol, nchar(zq) + 1);
            th_check(zErr != NULL, "'%s': no message", zq);
            nSyntax++;
        }
        free(zDesc);
        free(zErr);
    }
    /* the generator reaches both outcomes */
    assert_true(nOk > 100);
    assert_true(nSyntax > 100);
}

/* Random bytes (invalid UTF-8 included): parse or fail cleanly. */
static void test_fuzz_bytes(void **state) {
    (void)state;
    th_rng r = th_rng_for("query_fuzz_bytes");
    for (int it = 0; it < 2000; it++) {
        char zq[64];
        size_t n = (size_t)th_range(&r, 0, sizeof zq - 1);
        for (size_t i = 0; i < n; i++) {
            int k = (int)th_range(&r, 0, 3);
            zq[i] = k == 0 ? (char)th_range(&r, 0x80, 0xff)
                  : k == 1 ? "()\"*+- "[th_range(&r, 0, 6)]
                           : (char)th_range(&r, 1, 0x7f);
        }
        zq[n] = 0;
        int rc, iCol;
        char *zErr;
        char *zDesc = parse_describe(zq, &rc, &iCol, &zErr);
        if (!zDesc) {
            th_check(rc == KQ_SYNTAX, "iteration %d: rc=%d", it, rc);
            th_check(iCol >= 1 && iCol <= (int)n + 1,
                     "iteration %d: column %d of %zu bytes", it, iCol, n);
        }
        free(zDesc);
        free(zErr);
    }
}

/* A query nested very deeply (a few hundred kilobytes of parentheses or
** NOTs, well within a command line) must be parsed or refused with
** KQ_SYNTAX -- not overflow the stack. */
static void test_deep_nesting(void **state) {
    (void)state;
    const size_t nDepth = 200000;
    char *z = malloc(4 * nDepth + 16);
    assert_non_null(z);
    for (int k = 0; k < 3; k++) {
        size_t n = 0;
        if (k == 0) {
            memset(z, '(', nDepth);
            n = nDepth;
            memcpy(z + n, "oil", 3);
            n += 3;
            memset(z + n, ')', nDepth);
            n += nDepth;
        } else {
            for (size_t i = 0; i < nDepth; i++) {
                memcpy(z + n, k == 1 ? "NOT " : "-(", k == 1 ? 4 : 2);
                n += k == 1 ? 4 : 2;
            }
            memcpy(z + n, "oil", 3);
            n += 3;
            if (k == 2) {
                memset(z + n, ')', nDepth);
                n += nDepth;
            }
        }
        z[n] = 0;
        kq_query *q = NULL;
        int iCol = 0;
        char *zErr = NULL;
        int rc = kq_query_parse(g_pEn, z, &q, &iCol, &zErr);
        if (rc == KQ_OK) {
            char *zDesc = kq_query_describe(q);
            free(zDesc);
            kq_query_free(q);
        } else {
            th_check(rc == KQ_SYNTAX, "depth %zu: rc=%d", nDepth, rc);
        }
        free(zErr);
    }
    free(z);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_sign_before_group),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_null_out),
        cmocka_unit_test(test_ast),
        cmocka_unit_test(test_expanding_ast),
        cmocka_unit_test(test_wild_match),
        cmocka_unit_test(test_fuzzy_distance_property),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_fuzz_bytes),
        cmocka_unit_test(test_deep_nesting),   /* last: it may crash */
    };
    int nFail = _cmocka_run_group_tests("query", tests,
                                        sizeof tests / sizeof tests[0],
                                        setup_group, teardown_group);
    if (nFail)
        printf("# %d test(s) failed; reproduce with KQ_TEST_SEED=%llu\n", nFail,
               (unsigned long long)th_seed);
    return nFail ? 1 : 0;
}
