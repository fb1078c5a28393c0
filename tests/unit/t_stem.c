/*
** t_stem.c -- Snowball stemming through kq_analyze: an English (Porter2)
** vocabulary with expected stems (values checked with a separate C program
** calling libstemmer 2.2 directly), French, language names and aliases,
** unknown languages, kq_languages(), and a cross-check of kq's analyzer
** against libstemmer called directly on already-folded words.
*/
#include "tharness.h"
#include "kq_int.h"

#include <libstemmer.h>

static const struct { const char *zWord, *zStem; } aEnglish[] = {
    {"ceasefire", "ceasefir"},     {"peacekeepers", "peacekeep"},
    {"running", "run"},            {"generously", "generous"},
    {"connection", "connect"},     {"happiness", "happi"},
    {"caresses", "caress"},        {"ponies", "poni"},
    {"ties", "tie"},               {"cats", "cat"},
    {"agreed", "agre"},            {"plastered", "plaster"},
    {"motoring", "motor"},         {"hopping", "hop"},
    {"tanned", "tan"},             {"falling", "fall"},
    {"hissing", "hiss"},           {"failing", "fail"},
    {"filing", "file"},            {"happy", "happi"},
    {"sky", "sky"},                {"relational", "relat"},
    {"conditional", "condit"},     {"organization", "organ"},
    {"operator", "oper"},          {"decisiveness", "decis"},
    {"hopefulness", "hope"},       {"formality", "formal"},
    {"sensitivity", "sensit"},     {"electricity", "electr"},
    {"adjustable", "adjust"},      {"replacement", "replac"},
    {"adoption", "adopt"},         {"communism", "communism"},
    {"activate", "activ"},         {"effective", "effect"},
    {"dying", "die"},              {"lying", "lie"},
    {"skies", "sky"},              {"news", "news"},
    {"negotiations", "negoti"},    {"military", "militari"},
    {"troops", "troop"},           {"president", "presid"},
    {"united", "unit"},            {"generation", "generat"},
    {"university", "univers"},     {"arsenal", "arsenal"},
    {"knightly", "knight"},        {"ladies", "ladi"},
    {"cried", "cri"},              {"oil", "oil"},
    {"2020", "2020"},
};
#define N_ENGLISH (sizeof aEnglish / sizeof aEnglish[0])

static kq_analyzer *new_analyzer(const char *zLang) {
    kq_analyzer *p = NULL;
    int rc = kq_analyzer_new(zLang, &p);
    if (rc != KQ_OK) fail_msg("kq_analyzer_new(%s) = %d", zLang, rc);
    assert_non_null(p);
    return p;
}

/* The terms of z joined by single spaces (caller frees). */
static char *terms_of(kq_analyzer *p, int flags, const char *z) {
    th_toks t;
    memset(&t, 0, sizeof t);
    assert_int_equal(kq_analyze(p, flags, z, strlen(z), 0, NULL, &t,
                                th_tok_cb), 0);
    char *zOut = NULL;
    size_t n = 0;
    th_cat(&zOut, &n, "%s", "");
    for (size_t i = 0; i < t.n; i++)
        th_cat(&zOut, &n, "%s%s", i ? " " : "", t.a[i].zTerm);
    th_toks_clear(&t);
    return zOut;
}

static void test_english_vocabulary(void **state) {
    (void)state;
    kq_analyzer *p = new_analyzer("english");
    int nBad = 0;
    for (size_t i = 0; i < N_ENGLISH; i++) {
        char *z = terms_of(p, 0, aEnglish[i].zWord);
        if (strcmp(z, aEnglish[i].zStem) != 0) {
            print_error("english '%s': got '%s', want '%s'\n",
                        aEnglish[i].zWord, z, aEnglish[i].zStem);
            nBad++;
        }
        free(z);
        /* upper case is folded before stemming */
        char zUp[64];
        size_t n = strlen(aEnglish[i].zWord);
        assert_true(n < sizeof zUp);
        for (size_t j = 0; j <= n; j++)
            zUp[j] = (char)toupper((unsigned char)aEnglish[i].zWord[j]);
        z = terms_of(p, 0, zUp);
        if (strcmp(z, aEnglish[i].zStem) != 0) {
            print_error("english '%s': got '%s', want '%s'\n", zUp, z,
                        aEnglish[i].zStem);
            nBad++;
        }
        free(z);
        /* NOSTEM gives the folded word back */
        z = terms_of(p, KQ_ANALYZE_NOSTEM, zUp);
        if (strcmp(z, aEnglish[i].zWord) != 0) {
            print_error("english NOSTEM '%s': got '%s'\n", zUp, z);
            nBad++;
        }
        free(z);
    }
    kq_analyzer_free(p);
    if (nBad) fail_msg("%d stem(s) wrong", nBad);
}

static void test_english_sentence(void **state) {
    (void)state;
    kq_analyzer *p = new_analyzer("english");
    char *z = terms_of(p, 0,
        "The UN Peacekeepers said the ceasefire was holding, generously.");
    assert_string_equal(z, "the un peacekeep said the ceasefir was hold "
                           "generous");
    free(z);
    /* positions and byte ranges are those of the unstemmed words */
    th_toks t;
    memset(&t, 0, sizeof t);
    const char *zIn = "Running connections";
    assert_int_equal(kq_analyze(p, 0, zIn, strlen(zIn), 5, NULL, &t,
                                th_tok_cb), 0);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.a[0].zTerm, "run");
    assert_int_equal(t.a[0].iPos, 5);
    assert_int_equal(t.a[0].iStart, 0);
    assert_int_equal(t.a[0].iEnd, 7);
    assert_string_equal(t.a[1].zTerm, "connect");
    assert_int_equal(t.a[1].iPos, 6);
    assert_int_equal(t.a[1].iStart, 8);
    assert_int_equal(t.a[1].iEnd, 19);
    th_toks_clear(&t);
    kq_analyzer_free(p);
}

static void test_french(void **state) {
    (void)state;
    kq_analyzer *p = new_analyzer("french");
    assert_string_equal(kq_analyzer_lang(p), "french");
    static const struct { const char *zWord, *zStem; } aFr[] = {
        {"continuellement", "continuel"},
        {"continuelle", "continuel"},
        {"chevaux", "cheval"},
        {"gouvernement", "gouvern"},
        {"maisons", "maison"},
    };
    for (size_t i = 0; i < sizeof aFr / sizeof aFr[0]; i++) {
        char *z = terms_of(p, 0, aFr[i].zWord);
        if (strcmp(z, aFr[i].zStem) != 0)
            fail_msg("french '%s': got '%s', want '%s'", aFr[i].zWord, z,
                     aFr[i].zStem);
        free(z);
    }
    /* the English stemmer does not know French plurals */
    kq_analyzer *pEn = new_analyzer("english");
    char *z = terms_of(pEn, 0, "chevaux");
    assert_string_not_equal(z, "cheval");
    free(z);
    kq_analyzer_free(pEn);
    kq_analyzer_free(p);
}

static void test_languages(void **state) {
    (void)state;
    kq_analyzer *p = (kq_analyzer *)&p; /* garbage: must be reset or kept */
    assert_int_equal(kq_analyzer_new("klingon", &p), KQ_NOTFOUND);
    assert_int_equal(kq_analyzer_new("", &p), KQ_NOTFOUND);
    assert_int_equal(kq_analyzer_new("english-but-much-longer-than-any-name-"
                                     "that-exists-anywhere", &p), KQ_NOTFOUND);

    const char **az = kq_languages();
    assert_non_null(az);
    int nLang = 0, bEnglish = 0, bFrench = 0;
    for (; az[nLang]; nLang++) {
        if (strcmp(az[nLang], "english") == 0) bEnglish = 1;
        if (strcmp(az[nLang], "french") == 0) bFrench = 1;
        /* every listed language can be used, under its own name */
        kq_analyzer *q = new_analyzer(az[nLang]);
        assert_string_equal(kq_analyzer_lang(q), az[nLang]);
        char *z = terms_of(q, 0, "word");
        assert_true(strlen(z) > 0);
        free(z);
        kq_analyzer_free(q);
    }
    assert_true(nLang > 0);
    assert_true(bEnglish);
    assert_true(bFrench);

    /* NULL means the default language */
    kq_analyzer *q = new_analyzer(NULL);
    assert_string_equal(kq_analyzer_lang(q), KQ_DEFAULT_LANG);
    kq_analyzer_free(q);
    kq_analyzer_free(NULL);
}

/* "en" is an alias of english: same stems, and the canonical name. */
static void test_alias_en(void **state) {
    (void)state;
    kq_analyzer *pEn = new_analyzer("en");
    kq_analyzer *pEnglish = new_analyzer("english");
    for (size_t i = 0; i < N_ENGLISH; i++) {
        char *a = terms_of(pEn, 0, aEnglish[i].zWord);
        char *b = terms_of(pEnglish, 0, aEnglish[i].zWord);
        assert_string_equal(a, b);
        assert_string_equal(a, aEnglish[i].zStem);
        free(a);
        free(b);
    }
    assert_string_equal(kq_analyzer_lang(pEnglish), "english");
    /* other ISO 639 aliases */
    static const char *azAlias[][2] = {
        {"eng", "english"}, {"fr", "french"}, {"de", "german"},
        {"ru", "russian"}, {"es", "spanish"}};
    for (size_t i = 0; i < sizeof azAlias / sizeof azAlias[0]; i++) {
        kq_analyzer *q = new_analyzer(azAlias[i][0]);
        char zName[64];
        snprintf(zName, sizeof zName, "%s", kq_analyzer_lang(q));
        kq_analyzer_free(q);
        if (strcmp(zName, azAlias[i][1]) != 0)
            fail_msg("kq_analyzer_lang of \"%s\" is \"%s\", want \"%s\"",
                     azAlias[i][0], zName, azAlias[i][1]);
    }
    /* kq.h: kq_analyzer_lang() gives the canonical name */
    char zLang[64];
    snprintf(zLang, sizeof zLang, "%s", kq_analyzer_lang(pEn));
    kq_analyzer_free(pEn);
    kq_analyzer_free(pEnglish);
    if (strcmp(zLang, "english") != 0)
        fail_msg("kq_analyzer_lang of \"en\" is \"%s\", want \"english\"",
                 zLang);
}

/* kq's analyzer agrees with libstemmer called directly on folded input. */
static void test_cross_check_libstemmer(void **state) {
    (void)state;
    static const struct { const char *zLang; const char *azWord[8]; } aSet[] = {
        {"english", {"nationalization", "abilities", "hopelessness",
                     "running", "agreement", "fluently", NULL}},
        {"french", {"nationalite", "continuellement", "gouvernements",
                    "chevaux", "mangeons", NULL}},
        {"german", {"hauser", "kinder", "aufgaben", "zeitungen", NULL}},
        {"spanish", {"corriendo", "naciones", "rapidamente", NULL}},
        {"russian", {"\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0",
                     "\xd0\xb3\xd0\xbe\xd1\x80\xd0\xbe\xd0\xb4\xd0\xb0",
                     NULL}},
    };
    for (size_t s = 0; s < sizeof aSet / sizeof aSet[0]; s++) {
        struct sb_stemmer *sb = sb_stemmer_new(aSet[s].zLang, "UTF_8");
        assert_non_null(sb);
        kq_analyzer *p = new_analyzer(aSet[s].zLang);
        for (int i = 0; aSet[s].azWord[i]; i++) {
            const char *w = aSet[s].azWord[i];
            const sb_symbol *r =
                sb_stemmer_stem(sb, (const sb_symbol *)w, (int)strlen(w));
            assert_non_null(r);
            char want[128];
            snprintf(want, sizeof want, "%.*s", sb_stemmer_length(sb),
                     (const char *)r);
            char *z = terms_of(p, 0, w);
            if (strcmp(z, want) != 0)
                fail_msg("%s '%s': kq '%s', libstemmer '%s'", aSet[s].zLang,
                         w, z, want);
            free(z);
        }
        kq_analyzer_free(p);
        sb_stemmer_delete(sb);
    }
}

/* kq_stem() of the NOSTEM form is what kq_analyze() delivers without it. */
static void test_kq_stem(void **state) {
    (void)state;
    kq_analyzer *pEn = new_analyzer("english");
    kq_analyzer *pNone = new_analyzer("none");
    const char *z;
    size_t n;
    for (size_t i = 0; i < N_ENGLISH; i++) {
        const char *w = aEnglish[i].zWord;
        z = NULL;
        n = 0;
        assert_int_equal(kq_stem(pEn, w, strlen(w), &z, &n), KQ_OK);
        if (n != strlen(aEnglish[i].zStem) ||
            memcmp(z, aEnglish[i].zStem, n) != 0)
            fail_msg("kq_stem(%s) = '%.*s', want '%s'", w, (int)n, z,
                     aEnglish[i].zStem);
        assert_int_equal(kq_stem(pNone, w, strlen(w), &z, &n), KQ_OK);
        assert_int_equal(n, strlen(w));
        assert_memory_equal(z, w, n);
    }
    /* against kq_analyze over a sentence */
    const char *zText = "Peacekeepers monitored the ceasefire generously; "
                        "negotiations continued, happiness skies dying";
    th_toks a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    assert_int_equal(kq_analyze(pEn, KQ_ANALYZE_NOSTEM, zText, strlen(zText),
                                0, NULL, &a, th_tok_cb), 0);
    assert_int_equal(kq_analyze(pEn, 0, zText, strlen(zText), 0, NULL, &b,
                                th_tok_cb), 0);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        assert_int_equal(kq_stem(pEn, a.a[i].zTerm, a.a[i].nTerm, &z, &n),
                         KQ_OK);
        assert_int_equal(n, b.a[i].nTerm);
        assert_memory_equal(z, b.a[i].zTerm, n);
    }
    th_toks_clear(&a);
    th_toks_clear(&b);
    /* a word that would not be indexed */
    char zLong[KQI_MAX_TERM + 2];
    memset(zLong, 'q', sizeof zLong);
    assert_int_equal(kq_stem(pEn, zLong, sizeof zLong, &z, &n), KQ_NOTFOUND);
    assert_int_equal(kq_stem(pNone, zLong, sizeof zLong, &z, &n),
                     KQ_NOTFOUND);
    assert_int_equal(kq_stem(pEn, "", 0, &z, &n), KQ_NOTFOUND);
    kq_analyzer_free(pEn);
    kq_analyzer_free(pNone);
}

/* kq_int.h: KQI_MAX_TERM is the longest indexed term "in bytes after
** folding"; longer tokens take a position but are not indexed -- even when
** their stem would be short enough (otherwise the stemmed and the NOSTEM
** analyses, used for prefix queries, disagree on which words exist). */
static void test_max_term_before_stemming(void **state) {
    (void)state;
    kq_analyzer *pEn = new_analyzer("english");
    char z[256];
    /* 65 bytes; Porter2 gives 64 ("ba" x 32 without the plural s) and 58 */
    static const char *azTail[] = {"s", "ational"};
    static const int anRep[] = {32, 29};
    for (int k = 0; k < 2; k++) {
        int n = 0;
        for (int i = 0; i < anRep[k]; i++) { z[n++] = 'b'; z[n++] = 'a'; }
        n += snprintf(z + n, sizeof z - (size_t)n, "%s oil", azTail[k]);
        assert_int_equal(n - 4, KQI_MAX_TERM + 1);
        th_toks t;
        memset(&t, 0, sizeof t);
        uint32_t iEnd;
        assert_int_equal(kq_analyze(pEn, 0, z, (size_t)n, 0, &iEnd, &t,
                                    th_tok_cb), 0);
        size_t nTok = t.n;
        size_t nFirst = nTok ? t.a[0].nTerm : 0;
        th_toks_clear(&t);
        assert_int_equal(iEnd, 2);
        if (nTok != 1)
            fail_msg("a %d-byte word was indexed as its %zu-byte stem",
                     KQI_MAX_TERM + 1, nFirst);
    }
    kq_analyzer_free(pEn);
}

/* Analyzers are independent objects: interleaving two gives the same
** results as using each alone (no shared scratch state). */
static void test_two_analyzers(void **state) {
    (void)state;
    kq_analyzer *a = new_analyzer("english");
    kq_analyzer *b = new_analyzer("french");
    for (int i = 0; i < 3; i++) {
        char *x = terms_of(a, 0, "continuellement running");
        char *y = terms_of(b, 0, "continuellement running");
        assert_string_equal(x, "continuel run");
        assert_string_equal(y, "continuel running");
        free(x);
        free(y);
    }
    kq_analyzer_free(a);
    kq_analyzer_free(b);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english_vocabulary),
        cmocka_unit_test(test_english_sentence),
        cmocka_unit_test(test_french),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_alias_en),
        cmocka_unit_test(test_cross_check_libstemmer),
        cmocka_unit_test(test_kq_stem),
        cmocka_unit_test(test_max_term_before_stemming),
        cmocka_unit_test(test_two_analyzers),
    };
    return TH_RUN(tests);
}
