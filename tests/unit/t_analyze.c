/*
** t_analyze.c -- the tokenizer and folding chain (kq_analyze with language
** "none", i.e. no stemming): table-driven cases giving (term, position, byte
** range) for punctuation, accents, case folding, digits, apostrophes,
** non-Latin scripts, invalid UTF-8 and NUL bytes; the KQI_MAX_TERM limit;
** iPos0 and *piPosEnd; stopping from the callback; kq_fold_word; and a
** random fuzz whose every term must be non-empty valid UTF-8.
*/
#include "tharness.h"
#include "kq_int.h"
#include "icu.h"

#include <utf8proc.h>

typedef struct acase {
    const char *zIn;
    size_t nIn;          /* 0: strlen(zIn) */
    const char *zWant;   /* "term@pos[start,end) ..." */
} acase;

static const acase aCase[] = {
    {"Hello, World!", 0, "hello@0[0,5) world@1[7,12)"},
    {"hello world", 0, "hello@0[0,5) world@1[6,11)"},
    {"  leading and trailing  ", 0,
     "leading@0[2,9) and@1[10,13) trailing@2[14,22)"},
    /* accents are removed */
    {"Caf\xc3\xa9 Cr\xc3\xa8me na\xc3\xafve \xc3\x85ngstr\xc3\xb6m", 0,
     "cafe@0[0,5) creme@1[6,12) naive@2[13,19) angstrom@3[20,30)"},
    /* decomposed input (e + COMBINING ACUTE) folds the same way */
    {"Cafe\xcc\x81", 0, "cafe@0[0,6)"},
    /* full case folding: sharp s -> ss */
    {"STRASSE Stra\xc3\x9f" "e", 0, "strasse@0[0,7) strasse@1[8,15)"},
    /* digits are word characters; the hyphen is not */
    {"COVID-19 in 2020", 0, "covid@0[0,5) 19@1[6,8) in@2[9,11) 2020@3[12,16)"},
    {"word123abc", 0, "word123abc@0[0,10)"},
    {"U.S. peace-keepers", 0,
     "u@0[0,1) s@1[2,3) peace@2[5,10) keepers@3[11,18)"},
    /* apostrophes, ASCII and U+2019 */
    {"don't", 0, "don@0[0,3) t@1[4,5)"},
    {"don\xe2\x80\x99t", 0, "don@0[0,3) t@1[6,7)"},
    {"snake_case", 0, "snake@0[0,5) case@1[6,10)"},
    {"one\ttwo\nthree\r\nfour", 0,
     "one@0[0,3) two@1[4,7) three@2[8,13) four@3[15,19)"},
    /* Greek, Cyrillic and CJK letters are word characters */
    {"\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1", 0,
     "\xce\xb5\xce\xbb\xce\xbb\xce\xb1\xce\xb4\xce\xb1@0[0,12)"},
    {"\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", 0,
     "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0@0[0,12)"},
    {"\xe4\xb8\xad\xe6\x96\x87 \xe6\x9d\xb1\xe4\xba\xac", 0,
     "\xe4\xb8\xad\xe6\x96\x87@0[0,6) \xe6\x9d\xb1\xe4\xba\xac@1[7,13)"},
    {"Moscow \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 2020", 0,
     "moscow@0[0,6) \xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0@1[7,19) "
     "2020@2[20,24)"},
    /* Folding removes accents only (analyze.c, is_accent()): Indic vowel
    ** signs and viramas stay (Hindi "bhaarat" does not become "bharat"),
    ** so do kana voicing marks, decomposed or not; Hebrew and Arabic
    ** vowel points go. */
    {"\xe0\xa4\xad\xe0\xa4\xbe\xe0\xa4\xb0\xe0\xa4\xa4", 0,
     "\xe0\xa4\xad\xe0\xa4\xbe\xe0\xa4\xb0\xe0\xa4\xa4@0[0,12)"},
    {"\xe0\xa4\xaf\xe0\xa5\x81\xe0\xa4\xa6\xe0\xa5\x8d\xe0\xa4\xa7",
     0, "\xe0\xa4\xaf\xe0\xa5\x81\xe0\xa4\xa6\xe0\xa5\x8d\xe0\xa4\xa7"
     "@0[0,15)"},
    {"\xe3\x81\x8c \xe3\x81\x8b\xe3\x82\x99", 0,
     "\xe3\x81\x8c@0[0,3) \xe3\x81\x8c@1[4,10)"},
    {"\xd7\xa9\xd6\xb8\xd7\x81\xd7\x9c\xd7\x95\xd6\xb9\xd7\x9d", 0,
     "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d@0[0,14)"},
    {"\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e\xd9\x85\xd9\x8e\xd9\x91\xd8\xaf",
     0, "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf@0[0,16)"},
    /* Thai vowel marks stay; ICU's dictionary splits the run into words */
    {"\xe0\xb8\xab\xe0\xb8\xa2\xe0\xb8\xb8\xe0\xb8\x94"
     "\xe0\xb8\xa2\xe0\xb8\xb4\xe0\xb8\x87", 0,
     "\xe0\xb8\xab\xe0\xb8\xa2\xe0\xb8\xb8\xe0\xb8\x94@0[0,12) "
     "\xe0\xb8\xa2\xe0\xb8\xb4\xe0\xb8\x87@1[12,21)"},
    /* Chinese: dictionary words in a run without spaces */
    {"\xe5\xae\xa3\xe5\xb8\x83\xe5\x81\x9c\xe7\x81\xab", 0,
     "\xe5\xae\xa3\xe5\xb8\x83@0[0,6) \xe5\x81\x9c\xe7\x81\xab@1[6,12)"},
    /* Latin and digits next to ideographs are words of their own */
    {"COVID-19\xe5\xaf\xbe\xe7\xad\x96 2024\xe5\xb9\xb4", 0,
     "covid@0[0,5) 19@1[6,8) \xe5\xaf\xbe\xe7\xad\x96@2[8,14) "
     "2024@3[15,19) \xe5\xb9\xb4@4[19,22)"},
    /* characters UAX #29 ignores inside a word: soft hyphen, ZWNJ (Persian
    ** "mi-khaham"); they are dropped from the term; ZWSP separates */
    {"Zusammen\xc2\xad" "arbeit", 0, "zusammenarbeit@0[0,16)"},
    {"\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85",
     0, "\xd9\x85\xdb\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85@0[0,17)"},
    {"a\xe2\x80\x8b" "b", 0, "a@0[0,1) b@1[4,5)"},
    /* a mark or format character cannot start a word */
    {"\xcc\x81" "abc \xe0\xa4\xbe \xc2\xad" "x", 0,
     "abc@0[2,5) x@1[12,13)"},
    /* compatibility forms: ligature fi, full-width letters and digits */
    {"\xef\xac\x81nance", 0, "finance@0[0,8)"},
    {"\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3\xef\xbc\x91\xef\xbc\x92", 0,
     "abc12@0[0,15)"},
    /* symbols separate */
    {"a\xf0\x9f\x98\x80" "b", 0, "a@0[0,1) b@1[5,6)"},
    {"a\xc2\xa0" "b", 0, "a@0[0,1) b@1[3,4)"},          /* NBSP */
    /* invalid UTF-8 separates and never crashes */
    {"ab\x80" "cd", 0, "ab@0[0,2) cd@1[3,5)"},
    {"ab\xe2\x82" "cd", 0, "ab@0[0,2) cd@1[4,6)"},
    {"ab\xe2\x82", 0, "ab@0[0,2)"},
    {"\xe2\x82" "ab", 0, "ab@0[2,4)"},
    {"\xff" "ab\xff", 0, "ab@0[1,3)"},
    {"\xfe\xff", 0, ""},
    {"a\xc0\xaf" "b", 0, "a@0[0,1) b@1[3,4)"},          /* overlong '/' */
    {"a\xc1\x81" "b", 0, "a@0[0,1) b@1[3,4)"},          /* overlong 'A' */
    {"a\xe0\x80\xaf" "b", 0, "a@0[0,1) b@1[4,5)"},      /* 3-byte overlong */
    {"a\xed\xa0\x80" "b", 0, "a@0[0,1) b@1[4,5)"},      /* surrogate */
    {"a\xf4\x90\x80\x80" "b", 0, "a@0[0,1) b@1[5,6)"},  /* > U+10FFFF */
    {"caf\xc3", 0, "caf@0[0,3)"},                        /* cut mid-char */
    /* NUL bytes separate */
    {"ab\0cd", 5, "ab@0[0,2) cd@1[3,5)"},
    {"\0\0\0", 3, ""},
    {"\0x\0", 3, "x@0[1,2)"},
    /* a halfwidth voicing mark (U+FF9E) is a letter, but folds to the
    ** combining U+3099: alone it has no term (it takes a position, as a
    ** word too long does); after a letter it is part of the letter */
    {"a \xef\xbe\x9e b", 0, "a@0[0,1) b@2[6,7)"},
    {"\xef\xbd\xb6\xef\xbe\x9e", 0, "\xe3\x82\xac@0[0,6)"},
    /* before letters it is dropped, as a word cannot start with a mark */
    {"\xef\xbe\x9ero x", 0, "ro@0[0,5) x@1[6,7)"},
    /* nothing to index */
    {"", 0, ""},
    {"   ,;!? -- ...", 0, ""},
};
#define N_CASE (sizeof aCase / sizeof aCase[0])

static kq_analyzer *new_analyzer(const char *zLang) {
    kq_analyzer *p = NULL;
    assert_int_equal(kq_analyzer_new(zLang, &p), KQ_OK);
    assert_non_null(p);
    return p;
}

/* Analyse, describe (with ranges); caller frees. */
static char *analyze_describe(kq_analyzer *p, int flags, const char *z,
                              size_t n, uint32_t iPos0, uint32_t *piEnd) {
    th_toks t;
    memset(&t, 0, sizeof t);
    int rc = kq_analyze(p, flags, z, n, iPos0, piEnd, &t, th_tok_cb);
    assert_int_equal(rc, 0);
    char *zOut = th_toks_describe(&t, 1);
    th_toks_clear(&t);
    return zOut;
}

static void test_table(void **state) {
    (void)state;
    kq_analyzer *p = new_analyzer("none");
    int nBad = 0;
    for (size_t i = 0; i < N_CASE; i++) {
        size_t n = aCase[i].nIn ? aCase[i].nIn : strlen(aCase[i].zIn);
        /* an exact-size copy, so an overread is visible to ASan */
        char *z = malloc(n ? n : 1);
        assert_non_null(z);
        memcpy(z, aCase[i].zIn, n);
        uint32_t iEnd = 12345;
        char *zGot = analyze_describe(p, 0, z, n, 0, &iEnd);
        if (strcmp(zGot, aCase[i].zWant) != 0) {
            print_error("case %zu: got  '%s'\n          want '%s'\n", i, zGot,
                        aCase[i].zWant);
            nBad++;
        }
        /* the next free position follows the last token */
        const char *zLast = strrchr(aCase[i].zWant, '@');
        uint32_t iWantEnd = zLast ? (uint32_t)atoi(zLast + 1) + 1 : 0;
        if (iEnd != iWantEnd) {
            print_error("case %zu: *piPosEnd %u, want %u\n", i, (unsigned)iEnd,
                        (unsigned)iWantEnd);
            nBad++;
        }
        free(zGot);
        free(z);
    }
    kq_analyzer_free(p);
    if (nBad) fail_msg("%d analysis case(s) wrong", nBad);
}

/* Tokens of more than KQI_MAX_TERM bytes (after folding) take a position
** but are not delivered. */
static void test_long_tokens(void **state) {
    (void)state;
    kq_analyzer *p = new_analyzer("none");
    char z[1024], want[1024];
    uint32_t iEnd;
    char *zGot;

    /* exactly KQI_MAX_TERM ASCII bytes: delivered, folded */
    memset(z, 'A', KQI_MAX_TERM);
    memset(want, 'a', KQI_MAX_TERM);
    snprintf(want + KQI_MAX_TERM, sizeof want - KQI_MAX_TERM, "@0[0,%d)",
             KQI_MAX_TERM);
    zGot = analyze_describe(p, 0, z, KQI_MAX_TERM, 0, &iEnd);
    assert_string_equal(zGot, want);
    assert_int_equal(iEnd, 1);
    free(zGot);

    /* one more: not delivered, but the position is used */
    int n = snprintf(z, sizeof z, "x ");
    memset(z + n, 'a', KQI_MAX_TERM + 1);
    n += KQI_MAX_TERM + 1;
    n += snprintf(z + n, sizeof z - (size_t)n, " y");
    zGot = analyze_describe(p, 0, z, (size_t)n, 0, &iEnd);
    snprintf(want, sizeof want, "x@0[0,1) y@2[%d,%d)", n - 1, n);
    assert_string_equal(zGot, want);
    assert_int_equal(iEnd, 3);
    free(zGot);

    /* a very long token (far beyond any buffer) */
    memset(z, 'q', sizeof z);
    zGot = analyze_describe(p, 0, z, sizeof z, 0, &iEnd);
    assert_string_equal(zGot, "");
    assert_int_equal(iEnd, 1);
    free(zGot);

    /* the limit applies after folding: 40 x e-acute is 80 bytes of input
    ** but 40 bytes folded */
    n = 0;
    for (int i = 0; i < 40; i++) { z[n++] = '\xc3'; z[n++] = '\xa9'; }
    memset(want, 'e', 40);
    snprintf(want + 40, sizeof want - 40, "@0[0,%d)", n);
    zGot = analyze_describe(p, 0, z, (size_t)n, 0, &iEnd);
    assert_string_equal(zGot, want);
    free(zGot);

    /* 32 x sharp s folds to 64 bytes (delivered); 33 to 66 (not) */
    n = 0;
    for (int i = 0; i < 32; i++) { z[n++] = '\xc3'; z[n++] = '\x9f'; }
    for (int i = 0; i < 64; i++) want[i] = 's';
    snprintf(want + 64, sizeof want - 64, "@0[0,%d)", n);
    zGot = analyze_describe(p, 0, z, (size_t)n, 0, &iEnd);
    assert_string_equal(zGot, want);
    free(zGot);
    z[n++] = '\xc3'; z[n++] = '\x9f';
    n += snprintf(z + n, sizeof z - (size_t)n, " ok");
    zGot = analyze_describe(p, 0, z, (size_t)n, 0, &iEnd);
    snprintf(want, sizeof want, "ok@1[%d,%d)", n - 2, n);
    assert_string_equal(zGot, want);
    assert_int_equal(iEnd, 2);
    free(zGot);

    kq_analyzer_free(p);
}

static void test_positions(void **state) {
    (void)state;
    kq_analyzer *p = new_analyzer("none");
    uint32_t iEnd = 0;
    char *zGot;

    zGot = analyze_describe(p, 0, "a b c", 5, 100, &iEnd);
    assert_string_equal(zGot, "a@100[0,1) b@101[2,3) c@102[4,5)");
    assert_int_equal(iEnd, 103);
    free(zGot);

    /* a long token at the end still counts */
    char z[200];
    int n = snprintf(z, sizeof z, "a ");
    memset(z + n, 'x', 100);
    n += 100;
    zGot = analyze_describe(p, 0, z, (size_t)n, 100, &iEnd);
    assert_string_equal(zGot, "a@100[0,1)");
    assert_int_equal(iEnd, 102);
    free(zGot);

    /* nothing: *piPosEnd = iPos0 */
    iEnd = 0;
    zGot = analyze_describe(p, 0, "", 0, 7, &iEnd);
    assert_string_equal(zGot, "");
    assert_int_equal(iEnd, 7);
    free(zGot);
    iEnd = 0;
    zGot = analyze_describe(p, 0, " - ", 3, 7, &iEnd);
    assert_int_equal(iEnd, 7);
    free(zGot);

    /* piPosEnd may be NULL; only n bytes are read (no NUL needed) */
    zGot = analyze_describe(p, 0, "one two three", 7, 0, NULL);
    assert_string_equal(zGot, "one@0[0,3) two@1[4,7)");
    free(zGot);

    /* chaining: continuing from *piPosEnd gives the same positions as one
    ** call over the concatenation */
    uint32_t iMid = 0;
    th_toks t;
    memset(&t, 0, sizeof t);
    assert_int_equal(kq_analyze(p, 0, "alpha beta", 10, 0, &iMid, &t,
                                th_tok_cb), 0);
    assert_int_equal(iMid, 2);
    assert_int_equal(kq_analyze(p, 0, "gamma", 5, iMid, &iEnd, &t,
                                th_tok_cb), 0);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.a[2].zTerm, "gamma");
    assert_int_equal(t.a[2].iPos, 2);
    assert_int_equal(iEnd, 3);
    th_toks_clear(&t);
    kq_analyzer_free(p);
}

/* A non-zero callback return stops the analysis and is returned. */
static void test_callback_stop(void **state) {
    (void)state;
    kq_analyzer *p = new_analyzer("none");
    th_toks t;
    memset(&t, 0, sizeof t);
    t.iStopAt = 2;
    int rc = kq_analyze(p, 0, "a b c d", 7, 0, NULL, &t, th_tok_cb);
    assert_int_equal(rc, 42);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.a[1].zTerm, "b");
    th_toks_clear(&t);
    kq_analyzer_free(p);
}

/* "none" never stems; NOSTEM on a stemming analyzer gives the same folds. */
static void test_none_no_stem(void **state) {
    (void)state;
    kq_analyzer *pNone = new_analyzer("none");
    kq_analyzer *pEn = new_analyzer("english");
    const char *z = "Running generously Peacekeepers ceasefire";
    char *zA = analyze_describe(pNone, 0, z, strlen(z), 0, NULL);
    char *zB = analyze_describe(pEn, KQ_ANALYZE_NOSTEM, z, strlen(z), 0, NULL);
    char *zC = analyze_describe(pEn, 0, z, strlen(z), 0, NULL);
    assert_string_equal(zA, "running@0[0,7) generously@1[8,18) "
                            "peacekeepers@2[19,31) ceasefire@3[32,41)");
    assert_string_equal(zA, zB);
    assert_string_equal(zC, "run@0[0,7) generous@1[8,18) "
                            "peacekeep@2[19,31) ceasefir@3[32,41)");
    assert_string_equal(kq_analyzer_lang(pNone), "none");
    free(zA);
    free(zB);
    free(zC);
    kq_analyzer_free(pNone);
    kq_analyzer_free(pEn);
}

static void test_fold_word(void **state) {
    (void)state;
    kq_analyzer *p = new_analyzer("none");
    kq_analyzer *pEn = new_analyzer("english");
    char out[KQI_MAX_TERM + 1];
    static const struct { const char *zIn, *zOut; } aFold[] = {
        {"Caf\xc3\xa9", "cafe"},
        {"STRASSE", "strasse"},
        {"Stra\xc3\x9f" "e", "strasse"},
        {"\xc3\x85ngstr\xc3\xb6m", "angstrom"},
        {"\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1",
         "\xce\xb5\xce\xbb\xce\xbb\xce\xb1\xce\xb4\xce\xb1"},
        {"COVID19", "covid19"},
        {"  Hello  ", "hello"},
        {"Running", "running"},
    };
    for (size_t i = 0; i < sizeof aFold / sizeof aFold[0]; i++) {
        for (int a = 0; a < 2; a++) {
            memset(out, 'Z', sizeof out);
            size_t n = kq_fold_word(a ? pEn : p, aFold[i].zIn,
                                    strlen(aFold[i].zIn), out, sizeof out);
            assert_int_equal(n, strlen(aFold[i].zOut));
            assert_string_equal(out, aFold[i].zOut); /* folded, not stemmed */
        }
    }
    /* no token */
    assert_int_equal(kq_fold_word(p, "!!!", 3, out, sizeof out), 0);
    assert_int_equal(kq_fold_word(p, "", 0, out, sizeof out), 0);
    assert_int_equal(kq_fold_word(p, "\xff\xfe", 2, out, sizeof out), 0);

    /* the output is bounded by nOut, NUL included */
    char small[8];
    memset(small, 'Z', sizeof small);
    size_t n = kq_fold_word(p, "Hello", 5, small, 3);
    assert_true(memchr(small, 0, 3) != NULL);
    assert_true(strlen(small) <= 2);
    assert_true(n <= 2 || n == 5);
    for (size_t i = 3; i < sizeof small; i++) assert_int_equal(small[i], 'Z');
    memset(small, 'Z', sizeof small);
    n = kq_fold_word(p, "Hello", 5, small, 6);
    assert_int_equal(n, 5);
    assert_string_equal(small, "hello");
    assert_int_equal(small[6], 'Z');
    kq_analyzer_free(p);
    kq_analyzer_free(pEn);
}

/**************************************************************************
** analyze.c's own rules against ICU, for every code point: the letters and
** digits it takes to join words without asking ICU (Latin, Greek,
** Cyrillic) have a joining Word_Break; the format characters it takes to
** continue a word are Format, Extend or ZWJ, and the others are not.
*/
static void test_rules_match_icu(void **state) {
    (void)state;
    const kqi_icu *u = kqi_icu_load();
    th_check(u != NULL, "ICU: %s", kqi_icu_error());
    int nJoin = 0, nFormat = 0;
    for (int32_t c = 0; c <= 0x10FFFF; c++) {
        int r = kqi_analyze_rule(c);
        if (r < 0) continue;
        int wb = u->xIntProperty(c, UCHAR_WORD_BREAK);
        int bFormat = wb == U_WB_FORMAT || wb == U_WB_EXTEND || wb == U_WB_ZWJ;
        int bJoin = bFormat || wb == U_WB_ALETTER ||
                    wb == U_WB_HEBREW_LETTER || wb == U_WB_NUMERIC;
        if (utf8proc_category(c) == UTF8PROC_CATEGORY_CF) {
            th_check(r == bFormat, "U+%04X: analyze.c says %d, ICU's "
                     "Word_Break is %d", (unsigned)c, r, wb);
            nFormat++;
        } else {
            th_check(r == 1 && bJoin, "U+%04X: analyze.c joins it without "
                     "ICU, whose Word_Break is %d", (unsigned)c, wb);
            nJoin++;
        }
    }
    /* the rules do decide for many characters */
    th_check(nJoin > 1000 && nFormat > 100, "%d letters, %d format", nJoin,
             nFormat);
}

/**************************************************************************
** Runs segmented by ICU, at and past KQ_MAX_SEGMENT_RUN: a run of Chinese
** ideographs (3 bytes each) or of Thai is given to ICU in pieces of at most
** KQ_MAX_SEGMENT_RUN bytes cut between characters.  For every length the
** words of a Chinese run cover it exactly (each ideograph is in a word), in
** order, none crosses a cut, and each word is at most a piece long.
*/
typedef struct segctx {
    size_t iNext;        /* where the next word must start */
    size_t nPiece;       /* bytes per piece */
    int bGap;            /* a word did not start where the last ended */
    int bCross;          /* a word crossed a cut */
    uint32_t nTok;
} segctx;

static int seg_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
                  size_t iStart, size_t iEnd) {
    segctx *c = pCtx;
    (void)zTerm; (void)nTerm;
    if (iStart != c->iNext || iPos != c->nTok) c->bGap = 1;
    if (iStart / c->nPiece != (iEnd - 1) / c->nPiece) c->bCross = 1;
    c->iNext = iEnd;
    c->nTok++;
    return 0;
}

static void test_segment_limit(void **state) {
    (void)state;
    kq_analyzer *p = new_analyzer("none");
    /* "zhongguo renmin" and "tingzhan": common words, so ICU's dictionary
    ** finds words of several characters */
    static const char zUnit[] = "\xe4\xb8\xad\xe5\x9b\xbd\xe4\xba\xba"
                                "\xe6\xb0\x91\xe5\x81\x9c\xe6\x88\x98";
    const size_t nUnit = sizeof zUnit - 1;
    /* the piece size: KQ_MAX_SEGMENT_RUN rounded down to whole characters */
    const size_t nPiece = KQ_MAX_SEGMENT_RUN / 3 * 3;
    const size_t aLen[] = {3, 6, nPiece - 3, nPiece, nPiece + 3,
                           nPiece + 6, 2 * nPiece,
                           2 * nPiece + 3, 10 * nPiece + 6};
    for (size_t k = 0; k < sizeof aLen / sizeof aLen[0]; k++) {
        size_t n = aLen[k];
        char *z = malloc(n);
        assert_non_null(z);
        for (size_t i = 0; i < n; i++) z[i] = zUnit[i % nUnit];
        segctx c = {0, nPiece, 0, 0, 0};
        uint32_t iEnd = 0;
        assert_int_equal(kq_analyze(p, 0, z, n, 0, &iEnd, &c, seg_cb), 0);
        th_check(!c.bGap && c.iNext == n, "length %zu: the words do not "
                 "cover the run (up to %zu)", n, c.iNext);
        th_check(!c.bCross, "length %zu: a word crosses a piece's end", n);
        th_check(iEnd == c.nTok && c.nTok < n / 3 + 1 && c.nTok > 0,
                 "length %zu: %u words", n, (unsigned)c.nTok);
        free(z);
    }
    /* Thai: a long run in one piece and past it; every word in order */
    static const char zThai[] = "\xe0\xb8\xab\xe0\xb8\xa2\xe0\xb8\xb8"
                                "\xe0\xb8\x94\xe0\xb8\xa2\xe0\xb8\xb4"
                                "\xe0\xb8\x87";
    for (size_t n = (KQ_MAX_SEGMENT_RUN / 21 - 1) * 21;
         n < KQ_MAX_SEGMENT_RUN + 43; n += 21) {
        char *z = malloc(n);
        assert_non_null(z);
        for (size_t i = 0; i < n; i++) z[i] = zThai[i % 21];
        segctx c = {0, nPiece, 0, 0, 0};
        assert_int_equal(kq_analyze(p, 0, z, n, 0, NULL, &c, seg_cb), 0);
        th_check(!c.bGap && c.iNext == n && c.nTok >= n / 21,
                 "Thai length %zu: %u words up to %zu", n, (unsigned)c.nTok,
                 c.iNext);
        free(z);
    }
    kq_analyzer_free(p);
}

/**************************************************************************
** Fuzz.
*/
static size_t put_utf8(char *z, uint32_t c) {
    if (c < 0x80) { z[0] = (char)c; return 1; }
    if (c < 0x800) {
        z[0] = (char)(0xC0 | (c >> 6));
        z[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        z[0] = (char)(0xE0 | (c >> 12));
        z[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        z[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    z[0] = (char)(0xF0 | (c >> 18));
    z[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    z[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    z[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static size_t rand_text(th_rng *r, char *z, size_t nMax) {
    size_t n = 0;
    size_t nWant = (size_t)th_range(r, 0, nMax - 8);
    static const uint32_t aRange[][2] = {
        {0x20, 0x7e},       {'a', 'z'},         {0xa0, 0x24f},
        {0x300, 0x36f},     {0x370, 0x3ff},     {0x400, 0x4ff},
        {0x590, 0x6ff},     {0x900, 0x97f},     {0x3040, 0x30ff},
        {0x4e00, 0x9fff},   {0xac00, 0xd7a3},   {0xfb00, 0xfb06},
        {0xff01, 0xff5e},   {0x1f600, 0x1f64f}, {0x2000, 0x206f},
        {0x80, 0x10ffff},   {0xe00, 0xeff},     {0x1000, 0x109f},
        {0x1780, 0x17ff},   {0x200b, 0x200d},   {0xad, 0xad},
    };
    const int nRange = (int)(sizeof(aRange) / sizeof(aRange[0]));
    while (n < nWant) {
        int k = (int)th_range(r, 0, nRange + 3);
        if (k < nRange) {
            uint32_t c = (uint32_t)th_range(r, aRange[k][0], aRange[k][1]);
            if (c >= 0xd800 && c <= 0xdfff) c = 'x';
            n += put_utf8(z + n, c);
        } else if (k == nRange) {
            z[n++] = (char)th_range(r, 0x80, 0xff);     /* stray byte */
        } else if (k == nRange + 1) {
            z[n++] = 0;
        } else if (k == nRange + 2) {
            /* the first bytes of a multi-byte character */
            char tmp[4];
            size_t m = put_utf8(tmp, (uint32_t)th_range(r, 0x800, 0x10ffff));
            size_t cut = (size_t)th_range(r, 1, m - 1);
            memcpy(z + n, tmp, cut);
            n += cut;
        } else {
            z[n++] = ' ';
        }
    }
    return n;
}

typedef struct fuzzctx {
    const char *z;
    size_t n;
    uint32_t iPos0;
    int nTok;
    uint32_t iLastPos;
    size_t iLastEnd;
    int bNone;
    kq_analyzer *pNone;
    int iErr;            /* first problem, 0 if none */
    char zErr[200];
} fuzzctx;

static int fuzz_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
                   size_t iStart, size_t iEnd) {
    fuzzctx *f = pCtx;
    int e = 0;
    if (nTerm == 0) e = 1;
    else if (!th_utf8_valid(zTerm, nTerm)) e = 2;
    else if (memchr(zTerm, 0, nTerm)) e = 3;
    else if (f->bNone && nTerm > KQI_MAX_TERM) e = 4;
    else if (iPos < f->iPos0 || (f->nTok && iPos <= f->iLastPos)) e = 5;
    else if (!(iStart < iEnd && iEnd <= f->n)) e = 6;
    else if (f->nTok && iStart < f->iLastEnd) e = 7;
    else if (f->bNone) {
        /* the term is what kq_fold_word makes of its byte range */
        char out[4 * KQI_MAX_TERM];
        size_t m = kq_fold_word(f->pNone, f->z + iStart, iEnd - iStart, out,
                                sizeof out);
        if (m != nTerm || memcmp(out, zTerm, nTerm) != 0) e = 8;
    }
    if (e && !f->iErr) {
        f->iErr = e;
        snprintf(f->zErr, sizeof f->zErr,
                 "check %d failed on token #%d (pos %u, bytes [%zu,%zu), "
                 "%zu-byte term)", e, f->nTok, (unsigned)iPos, iStart, iEnd,
                 nTerm);
    }
    f->nTok++;
    f->iLastPos = iPos;
    f->iLastEnd = iEnd;
    return 0;
}

static void test_fuzz(void **state) {
    (void)state;
    th_rng r = th_rng_for("analyze_fuzz");
    kq_analyzer *pNone = new_analyzer("none");
    kq_analyzer *pEn = new_analyzer("english");
    kq_analyzer *pRu = new_analyzer("russian");
    char buf[400];
    for (int it = 0; it < 10000; it++) {
        size_t n = rand_text(&r, buf, th_range(&r, 0, 3) ? 40 : sizeof buf);
        char *z = malloc(n ? n : 1);            /* exact size for ASan */
        assert_non_null(z);
        memcpy(z, buf, n);
        fuzzctx f;
        memset(&f, 0, sizeof f);
        f.z = z;
        f.n = n;
        f.iPos0 = (uint32_t)th_range(&r, 0, 1000);
        f.pNone = pNone;
        int iA = it % 3;
        f.bNone = iA == 0;
        kq_analyzer *pA = iA == 0 ? pNone : iA == 1 ? pEn : pRu;
        int flags = th_range(&r, 0, 3) == 0 ? KQ_ANALYZE_NOSTEM : 0;
        uint32_t iEnd = 0;
        int rc = kq_analyze(pA, flags, z, n, f.iPos0, &iEnd, &f, fuzz_cb);
        th_check(rc == 0, "iteration %d: kq_analyze rc=%d", it, rc);
        if (f.iErr) {
            char zHex[3 * 64 + 1];
            size_t k = 0;
            for (size_t i = 0; i < n && i < 64; i++)
                k += (size_t)snprintf(zHex + k, sizeof zHex - k, "%02x",
                                      (unsigned char)z[i]);
            th_fail("iteration %d (%s): %s; input %s", it,
                    kq_analyzer_lang(pA), f.zErr, zHex);
        }
        th_check(iEnd >= f.iPos0 && (f.nTok == 0 || iEnd > f.iLastPos),
                 "iteration %d: *piPosEnd %u", it, (unsigned)iEnd);
        /* the same input twice gives the same number of tokens */
        fuzzctx g;
        memset(&g, 0, sizeof g);
        g.z = z; g.n = n; g.iPos0 = f.iPos0; g.pNone = pNone; g.bNone = f.bNone;
        uint32_t iEnd2 = 0;
        kq_analyze(pA, flags, z, n, f.iPos0, &iEnd2, &g, fuzz_cb);
        th_check(g.nTok == f.nTok && iEnd2 == iEnd,
                 "iteration %d: not deterministic", it);
        free(z);
    }
    kq_analyzer_free(pNone);
    kq_analyzer_free(pEn);
    kq_analyzer_free(pRu);
}

/* ASCII-only fuzz: the terms are exactly the lower-cased alphanumeric runs. */
static void test_fuzz_ascii_model(void **state) {
    (void)state;
    th_rng r = th_rng_for("analyze_ascii");
    kq_analyzer *p = new_analyzer("none");
    static const char aAlpha[] = "abcXYZ019 .,-'_\t\n!";
    for (int it = 0; it < 2000; it++) {
        char z[80];
        size_t n = (size_t)th_range(&r, 0, sizeof z);
        for (size_t i = 0; i < n; i++)
            z[i] = aAlpha[th_range(&r, 0, sizeof aAlpha - 2)];
        /* the model */
        char want[400] = "";
        size_t nw = 0;
        uint32_t iPos = 0;
        for (size_t i = 0; i < n;) {
            if (!isalnum((unsigned char)z[i])) { i++; continue; }
            size_t s = i;
            while (i < n && isalnum((unsigned char)z[i])) i++;
            nw += (size_t)snprintf(want + nw, sizeof want - nw, "%s", nw ? " " : "");
            for (size_t j = s; j < i; j++) want[nw++] = (char)tolower((unsigned char)z[j]);
            nw += (size_t)snprintf(want + nw, sizeof want - nw, "@%u[%zu,%zu)",
                                   (unsigned)iPos++, s, i);
        }
        want[nw] = 0;
        char *zGot = analyze_describe(p, 0, z, n, 0, NULL);
        th_check(strcmp(zGot, want) == 0, "iteration %d: '%.*s' gave '%s', want '%s'",
                 it, (int)n, z, zGot, want);
        free(zGot);
    }
    kq_analyzer_free(p);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_long_tokens),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_callback_stop),
        cmocka_unit_test(test_none_no_stem),
        cmocka_unit_test(test_fold_word),
        cmocka_unit_test(test_rules_match_icu),
        cmocka_unit_test(test_segment_limit),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_fuzz_ascii_model),
    };
    return TH_RUN(tests);
}
