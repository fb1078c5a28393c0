/*
** t_querylang.c -- the query language's fields, dates, proximity, exact
** words, boosts and ids, end to end through the C API, on a small index
** written with kq_writer_add (english analysis, extra fields in
** kq_doc.aField) whose answers are known by construction:
**   - kq_query_describe of the new syntax, and its syntax errors;
**   - title:, body:, source:, NAME: (extra fields), unknown fields;
**   - date: with full and partial dates, open ranges, bad dates;
**   - =word, word^N, (group)^N, "phrase"^N, id:;
**   - NEAR/n, ADJ/n, chains and "a b"~n against a brute-force model over
**     a random index (language none);
**   - kq_query_tree / kq_query_nwarning, kq_explain, kq_search_ex with
**     KQ_SEARCH_DATE / KQ_SEARCH_DATE_DESC, kq_search_each,
**     kq_index_terms, kq_index_fields, kq_index_find, kq_index_doc's fields
**     (matches and snippets: t_match.c).
*/
#include "tharness.h"

#define EPS 1e-9

static int close_to(double a, double b) {
    return fabs(a - b) <= EPS * (1.0 + fabs(b));
}

/**************************************************************************
** The index.  Document numbers follow the order of aDoc.
**
**  #  id  title             body                                   date        source      fields
**  0  w0  Wheat harvest     wheat prices rose as the wheat         1987-03-02  Grain Wire  topic=farming
**                           harvest ended                                                  author=Jane Smith
**  1  w1  Coal report       coal and wheats were shipped           1987-03     Coal Desk   topic=mining
**  2  w2  Whale watch       whales seen near the coast             1987-02-27  Sea News    topic=nature
**                                                                                          author=John Smith
**  3  w3  Ceasefire talks   a ceasefire was agreed and peace       1987-04-10  Grain Wire  -
**                           returned
**  4  w4  Peace talks       two ceasefires failed before the       1987        -           topic=politics
**                           peacekeepers arrived
**  5  w5  Market            wheat coal wheat                       -           -           -
**  6  w6  Undated           alpha x x beta gamma                   -           -           -
**  7  w7  Proximity         beta alpha x x x x x x gamma           1988-01-05  -           -
**  8  w8  Grain             wheat                                  1987-03-02  -           -
**
** "wheats" stems to "wheat", "ceasefires" to "ceasefir" like "ceasefire";
** "whales" to "whale"; "peacekeepers" (peacekeep) is not "peace" (peac).
** Words of the source and the extra fields are not words of the text.
*/
typedef struct udoc {
    const char *zId, *zTitle, *zBody, *zDate, *zSource;
    const char *zF1, *zV1, *zF2, *zV2;
} udoc;

static const udoc aDoc[] = {
    {"w0", "Wheat harvest", "wheat prices rose as the wheat harvest ended",
     "1987-03-02", "Grain Wire", "topic", "farming", "author", "Jane Smith"},
    {"w1", "Coal report", "coal and wheats were shipped", "1987-03",
     "Coal Desk", "topic", "mining", NULL, NULL},
    {"w2", "Whale watch", "whales seen near the coast", "1987-02-27",
     "Sea News", "topic", "nature", "author", "John Smith"},
    {"w3", "Ceasefire talks", "a ceasefire was agreed and peace returned",
     "1987-04-10", "Grain Wire", NULL, NULL, NULL, NULL},
    {"w4", "Peace talks", "two ceasefires failed before the peacekeepers "
     "arrived", "1987", NULL, "topic", "politics", NULL, NULL},
    {"w5", "Market", "wheat coal wheat", NULL, NULL, NULL, NULL, NULL, NULL},
    {"w6", "Undated", "alpha x x beta gamma", NULL, NULL, NULL, NULL, NULL,
     NULL},
    {"w7", "Proximity", "beta alpha x x x x x x gamma", "1988-01-05", NULL,
     NULL, NULL, NULL, NULL},
    {"w8", "Grain", "wheat", "1987-03-02", NULL, NULL, NULL, NULL, NULL},
};
#define N_DOC ((int)(sizeof aDoc / sizeof aDoc[0]))

static char g_zDir[64];
static kq_index *g_pIdx;
static kq_analyzer *g_pEn;

static void set_str(const char **pz, size_t *pn, const char *z) {
    *pz = z;
    *pn = z ? strlen(z) : 0;
}

static int setup_group(void **state) {
    (void)state;
    if (kq_analyzer_new("english", &g_pEn) != KQ_OK) return -1;
    th_mkdtemp(g_zDir, sizeof g_zDir);
    kq_writer *w = NULL;
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    char *zErr = NULL;
    opts.zLang = "english";
    if (kq_writer_open(g_zDir, &opts, &w, &zErr) != KQ_OK) {
        fprintf(stderr, "kq_writer_open: %s\n", zErr ? zErr : "");
        free(zErr);
        return -1;
    }
    for (int i = 0; i < N_DOC; i++) {
        const udoc *u = &aDoc[i];
        kq_doc d;
        kq_field aF[2];
        memset(&d, 0, sizeof d);
        memset(aF, 0, sizeof aF);
        set_str(&d.zId, &d.nId, u->zId);
        set_str(&d.zTitle, &d.nTitle, u->zTitle);
        set_str(&d.zBody, &d.nBody, u->zBody);
        set_str(&d.zDate, &d.nDate, u->zDate);
        set_str(&d.zSource, &d.nSource, u->zSource);
        int nF = 0;
        if (u->zF1) {
            set_str(&aF[nF].zName, &aF[nF].nName, u->zF1);
            set_str(&aF[nF].zValue, &aF[nF].nValue, u->zV1);
            nF++;
        }
        if (u->zF2) {
            set_str(&aF[nF].zName, &aF[nF].nName, u->zF2);
            set_str(&aF[nF].zValue, &aF[nF].nValue, u->zV2);
            nF++;
        }
        d.aField = nF ? aF : NULL;
        d.nField = nF;
        if (kq_writer_add(w, &d, &zErr) != KQ_OK) {
            fprintf(stderr, "kq_writer_add %s: %s\n", u->zId, zErr ? zErr : "");
            free(zErr);
            kq_writer_close(w);
            return -1;
        }
    }
    if (kq_writer_commit(w, &zErr) != KQ_OK) {
        fprintf(stderr, "kq_writer_commit: %s\n", zErr ? zErr : "");
        free(zErr);
        kq_writer_close(w);
        return -1;
    }
    kq_writer_close(w);
    if (kq_index_open(g_zDir, &g_pIdx, &zErr) != KQ_OK) {
        fprintf(stderr, "kq_index_open: %s\n", zErr ? zErr : "");
        free(zErr);
        return -1;
    }
    return 0;
}

static int teardown_group(void **state) {
    (void)state;
    kq_index_close(g_pIdx);
    kq_analyzer_free(g_pEn);
    th_rmtree(g_zDir);
    return 0;
}

/**************************************************************************
** Helpers.
*/
static kq_query *parse_ok(kq_analyzer *pA, const char *zQuery) {
    kq_query *q = NULL;
    int iCol = 0;
    char *zErr = NULL;
    int rc = kq_query_parse(pA, zQuery, &q, &iCol, &zErr);
    if (rc != KQ_OK)
        fail_msg("parse '%s': rc=%d col %d %s", zQuery, rc, iCol,
                 zErr ? zErr : "");
    assert_non_null(q);
    free(zErr);
    return q;
}

/* Every hit of zQuery (score order) into *paHit; returns the total. */
static uint64_t search_all(kq_index *p, const char *zQuery, kq_hit **paHit,
                           size_t *pnHit) {
    kq_query *q = parse_ok(kq_index_analyzer(p), zQuery);
    char *zErr = NULL;
    uint64_t nTotal = 0;
    *paHit = NULL;
    *pnHit = 0;
    int rc = kq_search(p, q, 0, 1000, paHit, pnHit, &nTotal, &zErr);
    if (rc != KQ_OK) fail_msg("search '%s': rc=%d %s", zQuery, rc,
                              zErr ? zErr : "");
    if (nTotal != *pnHit)
        fail_msg("'%s': total %llu but %zu hits", zQuery,
                 (unsigned long long)nTotal, *pnHit);
    /* The count alone (nLimit 0: nothing scored) is the same. */
    kq_hit *a2 = NULL;
    size_t n2 = 99;
    uint64_t nTotal2 = 0;
    assert_int_equal(kq_search(p, q, 0, 0, &a2, &n2, &nTotal2, &zErr), KQ_OK);
    free(a2);
    char zMsg[300] = "";
    if (nTotal2 != nTotal || n2 != 0)
        snprintf(zMsg, sizeof zMsg, "'%s': count alone %llu (%zu hits), "
                 "ranked %llu", zQuery, (unsigned long long)nTotal2, n2,
                 (unsigned long long)nTotal);
    /* The best 2 with pruning allowed (MaxScore): the same hits, scores. */
    a2 = NULL;
    n2 = 0;
    rc = kq_search_ex(p, q, KQ_SEARCH_ESTIMATE, 0, 2, &a2, &n2, &nTotal2,
                      NULL, &zErr);
    if (rc != KQ_OK || n2 != (*pnHit < 2 ? *pnHit : 2)) {
        snprintf(zMsg, sizeof zMsg, "'%s' pruned: rc=%d, %zu hits", zQuery,
                 rc, n2);
    }
    for (size_t i = 0; rc == KQ_OK && i < n2 && !zMsg[0]; i++)
        if (a2[i].iDoc != (*paHit)[i].iDoc || a2[i].score != (*paHit)[i].score)
            snprintf(zMsg, sizeof zMsg, "'%s' hit %zu: pruned doc %u %.17g, "
                     "exhaustive doc %u %.17g", zQuery, i,
                     (unsigned)a2[i].iDoc, a2[i].score,
                     (unsigned)(*paHit)[i].iDoc, (*paHit)[i].score);
    free(a2);
    free(zErr);
    kq_query_free(q);
    if (zMsg[0]) {
        free(*paHit);
        *paHit = NULL;
        fail_msg("%s", zMsg);
    }
    return nTotal;
}

static int cmp_docid(const void *a, const void *b) {
    kq_docid x = *(const kq_docid *)a, y = *(const kq_docid *)b;
    return x < y ? -1 : x > y;
}

/* The matching docids of zQuery, ascending, as "0,3,5" (caller frees). */
static char *match_set(kq_index *p, const char *zQuery) {
    kq_hit *a;
    size_t n;
    search_all(p, zQuery, &a, &n);
    kq_docid *ai = malloc((n + 1) * sizeof *ai);
    assert_non_null(ai);
    for (size_t i = 0; i < n; i++) ai[i] = a[i].iDoc;
    qsort(ai, n, sizeof *ai, cmp_docid);
    char *z = NULL;
    size_t nz = 0;
    th_cat(&z, &nz, "%s", "");
    for (size_t i = 0; i < n; i++)
        th_cat(&z, &nz, "%s%u", i ? "," : "", (unsigned)ai[i]);
    free(ai);
    free(a);
    return z;
}

typedef struct qset { const char *zQuery, *zWant; } qset;

static void check_sets(const qset *a, size_t n) {
    int nBad = 0;
    for (size_t i = 0; i < n; i++) {
        char *z = match_set(g_pIdx, a[i].zQuery);
        if (strcmp(z, a[i].zWant) != 0) {
            print_error("'%s': got {%s}, want {%s}\n", a[i].zQuery, z,
                        a[i].zWant);
            nBad++;
        }
        free(z);
    }
    if (nBad) fail_msg("%d of %zu queries matched wrongly", nBad, n);
}

/* The score of iDoc for zQuery (-1 if it does not match). */
static double score_of(const char *zQuery, kq_docid iDoc) {
    kq_hit *a;
    size_t n;
    search_all(g_pIdx, zQuery, &a, &n);
    double s = -1;
    for (size_t i = 0; i < n; i++)
        if (a[i].iDoc == iDoc) s = a[i].score;
    free(a);
    return s;
}

/**************************************************************************
** Parsing: descriptions and syntax errors.
*/
static const struct { const char *zQuery, *zWant; } aDesc[] = {
    {"title:wheat", "title:wheat"},
    {"title:Wheats", "title:wheat"},
    {"title:\"wheat harvest\"", "title:\"wheat harvest\""},
    {"title:(wheat OR coal)", "OR(title:wheat, title:coal)"},
    {"title:(wheat coal)", "AND(title:wheat, title:coal)"},
    {"title:whe*", "title:whe*"},
    {"body:wheat", "body:wheat"},
    {"body:whe*", "body:whe*"},
    {"source:wire", "source:wire"},
    {"source:\"grain wire\"", "source:\"grain wire\""},
    {"topic:mining", "topic:mine"},
    {"author:smith", "author:smith"},
    {"date:1987-03-01..1987-03-31", "date:1987-03-01..1987-03-31"},
    {"date:1987-03", "date:1987-03-01..1987-03-31"},
    {"date:1987-02", "date:1987-02-01..1987-02-28"},
    {"date:1988-02", "date:1988-02-01..1988-02-29"},
    {"date:2000-02-29", "date:2000-02-29..2000-02-29"},
    {"date:1996-02..2000-02", "date:1996-02-01..2000-02-29"},
    {"date:1987", "date:1987-01-01..1987-12-31"},
    {"date:..1987-03-05", "date:..1987-03-05"},
    {"date:1987-04..", "date:1987-04-01.."},
    {"date:..1987", "date:..1987-12-31"},
    {"date:1987-03..1987-04", "date:1987-03-01..1987-04-30"},
    {"alpha NEAR/3 beta", "NEAR/3(alpha, beta)"},
    {"alpha ADJ/2 beta", "ADJ/2(alpha, beta)"},
    {"alpha NEAR/5 beta NEAR/5 gamma", "NEAR/5(alpha, beta, gamma)"},
    {"alpha ADJ/5 beta ADJ/5 gamma", "ADJ/5(alpha, beta, gamma)"},
    {"\"alpha beta\"~4", "NEAR/4(alpha, beta)"},
    {"\"alpha beta gamma\"~7", "NEAR/7(alpha, beta, gamma)"},
    {"=Ceasefire", "=ceasefire"},
    {"=ceasefires", "=ceasefires"},
    {"title:=ceasefire", "title:=ceasefire"},
    {"body:=ceasefires", "body:=ceasefires"},
    {"wheat^2", "wheat^2"},
    {"wheat^0.5", "wheat^0.5"},
    {"\"wheat harvest\"^2", "\"wheat harvest\"^2"},
    {"coal (wheat OR whale)^3", "AND(coal, OR(wheat, whale)^3)"},
    {"(wheat OR whale)^3 coal", "AND(OR(wheat, whale)^3, coal)"},
    {"id:w3", "id:\"w3\""},
    {"id:w3 OR id:w5", "OR(id:\"w3\", id:\"w5\")"},
    {"title:wheat date:1987-03 -id:w0", "AND(title:wheat, "
     "date:1987-03-01..1987-03-31, NOT(id:\"w0\"))"},
    {"(title:peace OR body:peace) NOT source:wire",
     "AND(OR(title:peac, body:peac), NOT(source:wire))"},
    {"alpha NEAR/2 beta OR gamma", "OR(NEAR/2(alpha, beta), gamma)"},
    /* a word with a colon that cannot be a field name is a word */
    {"Title:wheat", "\"titl wheat\""},
    /* identical items of one AND or OR merge, weighing as much as all */
    {"wheat OR wheat", "wheat^2"},
    {"wheat OR Wheats OR wheat", "wheat^3"},
    {"wheat coal wheat^2", "AND(wheat^3, coal)"},
    {"whe* OR whe*", "whe*^2"},
    {"(wheat coal) OR (wheat coal)", "AND(wheat, coal)^2"},
    {"(wheat OR coal) (coal OR wheat)", "AND(OR(wheat, coal), OR(coal, wheat))"},
    {"wheat -coal -coal", "AND(wheat, NOT(coal))"},
    {"date:1987 OR date:1987 OR id:w1 OR id:w1",
     "OR(date:1987-01-01..1987-12-31, id:\"w1\")"},
    {"wheat OR title:wheat OR wheat", "OR(wheat^2, title:wheat)"},
    {"\"wheat wheat\" OR \"wheat wheat\"", "\"wheat wheat\"^2"},
    {"wheat NEAR/2 wheat", "NEAR/2(wheat, wheat)"},
};
#define N_DESC (sizeof aDesc / sizeof aDesc[0])

static void test_describe(void **state) {
    (void)state;
    int nBad = 0;
    for (size_t i = 0; i < N_DESC; i++) {
        kq_query *q = NULL;
        int iCol = 0;
        char *zErr = NULL;
        int rc = kq_query_parse(g_pEn, aDesc[i].zQuery, &q, &iCol, &zErr);
        if (rc != KQ_OK) {
            print_error("'%s': rc=%d col %d %s\n", aDesc[i].zQuery, rc, iCol,
                        zErr ? zErr : "");
            nBad++;
        } else {
            char *z = kq_query_describe(q);
            assert_non_null(z);
            if (strcmp(z, aDesc[i].zWant) != 0) {
                print_error("'%s': got %s, want %s\n", aDesc[i].zQuery, z,
                            aDesc[i].zWant);
                nBad++;
            }
            free(z);
        }
        kq_query_free(q);
        free(zErr);
    }
    if (nBad) fail_msg("%d of %zu descriptions wrong", nBad, N_DESC);
}

/* + and - with KQ_QUERY_OR (kq --or): + items required, - items
** excluded, the others ranking only (MAYBE); without the flag, + is AND's
** and - is NOT as always. */
static void test_love_hate(void **state) {
    (void)state;
    static const struct {
        int flags;
        const char *zQuery, *zWant;
    } a[] = {
        {KQ_QUERY_OR, "+wheat coal", "MAYBE(wheat, coal)"},
        {KQ_QUERY_OR, "+wheat coal corn", "MAYBE(wheat, OR(coal, corn))"},
        {KQ_QUERY_OR, "wheat coal -corn", "AND(OR(wheat, coal), NOT(corn))"},
        {KQ_QUERY_OR, "+wheat +coal corn -rice",
         "MAYBE(AND(wheat, coal, NOT(rice)), corn)"},
        {KQ_QUERY_OR, "+wheat -rice", "AND(wheat, NOT(rice))"},
        {KQ_QUERY_OR, "-wheat", "NOT(wheat)"},
        {KQ_QUERY_OR, "+wheat", "wheat"},
        {KQ_QUERY_OR, "-wheat -coal", "AND(NOT(wheat), NOT(coal))"},
        {KQ_QUERY_OR, "+(wheat OR coal) corn", "MAYBE(OR(wheat, coal), corn)"},
        {KQ_QUERY_OR, "(+wheat coal) OR corn", "OR(MAYBE(wheat, coal), corn)"},
        {KQ_QUERY_OR, "wheat coal", "OR(wheat, coal)"},
        /* a repeated word counts twice (merged), required if either is */
        {KQ_QUERY_OR, "+wheat wheat coal", "MAYBE(wheat^2, coal)"},
        {KQ_QUERY_OR, "wheat +wheat coal", "MAYBE(wheat^2, coal)"},
        {KQ_QUERY_OR, "-coal -coal wheat", "AND(wheat, NOT(coal))"},
        {0, "+wheat wheat", "wheat^2"},
        {0, "+wheat coal", "AND(wheat, coal)"},
        {0, "wheat -coal corn", "AND(wheat, NOT(coal), corn)"},
    };
    int nBad = 0;
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        kq_query *q = NULL;
        int iCol = 0;
        char *zErr = NULL;
        int rc = kq_query_parse_ex(g_pEn, a[i].zQuery, a[i].flags, &q, &iCol,
                                   &zErr);
        char *z = rc == KQ_OK ? kq_query_describe(q) : NULL;
        if (z == NULL || strcmp(z, a[i].zWant) != 0) {
            print_error("'%s' (flags %d): got %s, want %s\n", a[i].zQuery,
                        a[i].flags, z ? z : zErr ? zErr : "?", a[i].zWant);
            nBad++;
        }
        free(z);
        kq_query_free(q);
        free(zErr);
    }
    if (nBad) fail_msg("%d wrong", nBad);
}

/* A boost on a parenthesised group must survive whatever surrounds it:
** (a OR b)^3 alone, or in an OR, or (a b)^3 in an AND. */
static const struct { const char *zQuery, *zWant; } aGroupBoost[] = {
    {"(wheat OR whale)^3", "OR(wheat, whale)^3"},
    {"coal OR (wheat OR whale)^3", "OR(coal, OR(wheat, whale)^3)"},
    {"(wheat whale)^3", "AND(wheat, whale)^3"},
    {"coal (wheat whale)^3", "AND(coal, AND(wheat, whale)^3)"},
    {"title:(wheat OR coal)^2", "OR(title:wheat, title:coal)^2"},
};
#define N_GROUPBOOST (sizeof aGroupBoost / sizeof aGroupBoost[0])

static void test_describe_group_boost(void **state) {
    (void)state;
    int nBad = 0;
    for (size_t i = 0; i < N_GROUPBOOST; i++) {
        kq_query *q = parse_ok(g_pEn, aGroupBoost[i].zQuery);
        char *z = kq_query_describe(q);
        assert_non_null(z);
        if (strcmp(z, aGroupBoost[i].zWant) != 0) {
            print_error("'%s': got %s, want %s\n", aGroupBoost[i].zQuery, z,
                        aGroupBoost[i].zWant);
            nBad++;
        }
        free(z);
        kq_query_free(q);
    }
    if (nBad) fail_msg("%d of %zu group boosts lost", nBad, N_GROUPBOOST);
}

static const char *const aSyntaxErr[] = {
    "date:1987-13",
    "date:1987-00",
    "date:1987-02-29",           /* 1987 is not a leap year */
    "date:1900-02-29",           /* nor 1900 */
    "date:1987-04-31",
    "date:87",
    "date:1987-3",
    "date:1987-03-1",
    "date:19870301",
    "date:abc",
    "date:..",
    "date:",
    "date:1987-03-01..1987-02-01",   /* ends before it starts */
    "date:1988..1987",
    "date:1987-03-01..x",
    "date:1987-03-01T10:00",
    "alpha NEAR/0 beta",
    "alpha NEAR/1001 beta",
    "alpha NEAR/x beta",
    "alpha ADJ/0 beta",
    "alpha NEAR/3",
    "NEAR/3 beta",
    "alpha NEAR/3 beta ADJ/3 gamma",   /* one operator per chain */
    "alpha NEAR/3 beta NEAR/4 gamma",  /* one distance per chain */
    "alpha NEAR/3 \"beta gamma\"",     /* single words only */
    "alpha NEAR/3 be*",
    "title:alpha NEAR/3 beta",
    "alpha NEAR/3 (beta OR gamma)",
    "\"alpha beta\"~0",
    "\"alpha beta\"~x",
    "\"alpha beta\"~1001",
    "wheat^0",
    "wheat^",
    "=",
    "=whe*",
    "=wheat-harvest",
    "source:=wheat",
    "topic:=wheat",
    "body:\"wheat harvest\"",
    "title:(body:wheat)",
    "title:",
    "title: wheat",
    "title:(date:1987)",
    "id:",
};
#define N_SYNTAXERR (sizeof aSyntaxErr / sizeof aSyntaxErr[0])

static void test_syntax_errors(void **state) {
    (void)state;
    int nBad = 0;
    for (size_t i = 0; i < N_SYNTAXERR; i++) {
        kq_query *q = (kq_query *)&nBad;   /* must become NULL */
        int iCol = -5;
        char *zErr = NULL;
        int rc = kq_query_parse(g_pEn, aSyntaxErr[i], &q, &iCol, &zErr);
        int nChar = 0;
        for (const char *z = aSyntaxErr[i]; *z; z++)
            if (((unsigned char)*z & 0xC0) != 0x80) nChar++;
        if (rc != KQ_SYNTAX || q != NULL || zErr == NULL || iCol < 1 ||
            iCol > nChar + 1) {
            char *zD = (rc == KQ_OK && q) ? kq_query_describe(q) : NULL;
            print_error("'%s': rc=%d col=%d err=%s (read as %s), want a "
                        "syntax error\n", aSyntaxErr[i], rc, iCol,
                        zErr ? zErr : "(none)", zD ? zD : "-");
            free(zD);
            if (rc == KQ_OK) kq_query_free(q);
            nBad++;
        }
        free(zErr);
    }
    if (nBad) fail_msg("%d of %zu bad queries accepted", nBad, N_SYNTAXERR);
}

/* id:"an id with spaces", as the error message of a bare "id:" advises. */
static void test_quoted_id(void **state) {
    (void)state;
    kq_query *q = NULL;
    int iCol = 0;
    char *zErr = NULL;
    int rc = kq_query_parse(g_pEn, "id:", &q, &iCol, &zErr);
    assert_int_equal(rc, KQ_SYNTAX);
    assert_non_null(zErr);
    int bAdvises = strstr(zErr, "id:\"") != NULL;
    free(zErr);
    zErr = NULL;
    rc = kq_query_parse(g_pEn, "id:\"my id\"", &q, &iCol, &zErr);
    if (bAdvises && rc != KQ_OK) {
        char zMsg[256];
        snprintf(zMsg, sizeof zMsg, "%s", zErr ? zErr : "");
        free(zErr);
        fail_msg("the error for 'id:' advises id:\"my id\", which fails: "
                 "rc=%d col %d %s", rc, iCol, zMsg);
    }
    if (rc == KQ_OK) {
        char *z = kq_query_describe(q);
        assert_string_equal(z, "id:\"my id\"");
        free(z);
    }
    kq_query_free(q);
    free(zErr);
}

/**************************************************************************
** Fields.
*/
static const qset aFieldQ[] = {
    {"wheat", "0,1,5,8"},                 /* wheats is wheat */
    {"title:wheat", "0"},
    {"title:Wheats", "0"},
    {"body:wheat", "0,1,5,8"},
    {"title:(wheat OR coal)", "0,1"},
    {"title:(wheat OR whale OR peace)", "0,2,4"},
    {"title:(wheat harvest)", "0"},
    {"title:\"wheat harvest\"", "0"},
    {"title:\"harvest wheat\"", ""},
    {"\"wheat harvest\"", "0"},           /* body: "the wheat harvest" */
    {"title:wh*", "0,2"},
    {"body:wh*", "0,1,2,5,8"},
    {"title:peace", "4"},
    {"body:peace", "3"},
    {"peace", "3,4"},
    {"peace*", "3,4"},
    {"title:talks", "3,4"},
    {"body:talks", ""},                   /* titles only */
    {"body:harvest", "0"},
    {"title:harvest", "0"},
    {"body:grain", ""},                   /* w8's title only */
    {"title:grain", "8"},
    {"grain", "8"},                       /* not the sources' "Grain Wire" */
    {"source:grain", "0,3"},
    {"source:wire", "0,3"},
    {"source:\"grain wire\"", "0,3"},
    {"source:\"wire grain\"", ""},
    {"source:(desk OR news)", "1,2"},
    {"source:desk OR title:wheat", "0,1"},
    {"topic:politics", "4"},
    {"topic:(mining OR nature)", "1,2"},
    {"author:smith", "0,2"},
    {"author:\"jane smith\"", "0"},
    {"author:jane", "0"},
    {"smith", ""},                        /* extra fields are not text */
    {"farming", ""},
    {"title:coal -source:desk", ""},
    {"coal -source:desk", "5"},
    {"(title:wheat OR topic:nature) -id:w0", "2"},
    {"wheat -title:wheat", "1,5,8"},
    {"NOT source:wire", "1,2,4,5,6,7,8"},
};

static void test_fields(void **state) {
    (void)state;
    check_sets(aFieldQ, sizeof aFieldQ / sizeof aFieldQ[0]);
}

/* An extra field the index does not have: an error naming it, at search
** time (the parser cannot know). */
static void test_unknown_field(void **state) {
    (void)state;
    kq_query *q = parse_ok(kq_index_analyzer(g_pIdx), "wheat nosuch:word");
    kq_hit *a = NULL;
    size_t n = 0;
    uint64_t nTotal = 0;
    char *zErr = NULL;
    int rc = kq_search(g_pIdx, q, 0, 10, &a, &n, &nTotal, &zErr);
    assert_int_not_equal(rc, KQ_OK);
    assert_int_equal(rc, KQ_SYNTAX);
    assert_non_null(zErr);
    if (strstr(zErr, "nosuch") == NULL)
        fail_msg("the error does not name the field: %s", zErr);
    free(zErr);
    free(a);
    kq_query_free(q);
}

/**************************************************************************
** Dates.
*/
static const qset aDateQ[] = {
    {"date:1987-03", "0,1,8"},
    {"date:1987-03-01..1987-03-31", "0,1,8"},
    {"date:1987", "0,1,2,3,4,8"},
    {"date:1987-01-01..1987-12-31", "0,1,2,3,4,8"},
    {"date:1987-03-01..1987-03-15", "0,8"},    /* not w1, dated 1987-03 */
    {"date:1987-03-02", "0,8"},
    {"date:1987-03-02..1987-03-02", "0,8"},
    {"date:..1987-03-01", "2"},
    {"date:..1987-03", "0,1,2,8"},
    {"date:1987-04..", "3,7"},
    {"date:1987..", "0,1,2,3,4,7,8"},
    {"date:..1988", "0,1,2,3,4,7,8"},
    {"date:1987-02-27..1987-03-02", "0,2,8"},
    {"date:1987-02..1987-03", "0,1,2,8"},
    {"date:1988", "7"},
    {"date:1986", ""},
    {"date:1987-05..1987-12", ""},
    {"wheat date:1987-03", "0,1,8"},
    {"title:wheat date:1987-03-01..1987-03-15", "0"},
    {"wheat -date:1987-03", "5"},
    {"date:1987-03 OR date:1988", "0,1,7,8"},
    {"NOT date:1900..2100", "5,6"},
};

static void test_dates(void **state) {
    (void)state;
    check_sets(aDateQ, sizeof aDateQ / sizeof aDateQ[0]);
}

/* Date order: oldest (newest) first, ties by ascending docid, undated
** last; the same total and scores as the ranked search; pages cut from
** it. */
static void check_date_order(const char *zQuery, int flags,
                             const kq_docid *aWant, size_t nWant) {
    kq_query *q = parse_ok(kq_index_analyzer(g_pIdx), zQuery);
    kq_hit *aRank = NULL, *a = NULL;
    size_t nRank = 0, n = 0;
    uint64_t nTotalRank = 0, nTotal = 0;
    char *zErr = NULL;
    assert_int_equal(kq_search(g_pIdx, q, 0, 100, &aRank, &nRank,
                               &nTotalRank, &zErr), KQ_OK);
    int bExact = -1;
    assert_int_equal(kq_search_ex(g_pIdx, q, flags, 0, 100, &a, &n, &nTotal,
                                  &bExact, &zErr), KQ_OK);
    assert_null(zErr);
    assert_int_equal(nTotal, nTotalRank);
    assert_int_equal(nTotal, nWant);
    assert_int_equal(n, nWant);
    for (size_t i = 0; i < n; i++) {
        if (a[i].iDoc != aWant[i])
            fail_msg("'%s' flags %d: hit %zu is doc %u, want %u", zQuery,
                     flags, i, (unsigned)a[i].iDoc, (unsigned)aWant[i]);
        int bFound = 0;
        for (size_t j = 0; j < nRank; j++)
            if (aRank[j].iDoc == a[i].iDoc) {
                bFound = 1;
                if (!close_to(aRank[j].score, a[i].score))
                    fail_msg("'%s': doc %u scores %.17g by date, %.17g "
                             "ranked", zQuery, (unsigned)a[i].iDoc,
                             a[i].score, aRank[j].score);
            }
        assert_true(bFound);
    }
    free(a);
    a = NULL;
    /* A page: offset 1, limit 3. */
    assert_int_equal(kq_search_ex(g_pIdx, q, flags, 1, 3, &a, &n, &nTotal,
                                  NULL, &zErr), KQ_OK);
    assert_int_equal(nTotal, nWant);
    assert_int_equal(n, nWant - 1 < 3 ? nWant - 1 : 3);
    for (size_t i = 0; i < n; i++) assert_int_equal(a[i].iDoc, aWant[i + 1]);
    free(a);
    free(aRank);
    kq_query_free(q);
}

static void test_date_order(void **state) {
    (void)state;
    /* w1 (1987-03) and w4 (1987) left out: only whole days and no date. */
    const char *zQ = "(wheat OR whale OR alpha OR beta OR ceasefire) "
                     "-id:w1 -id:w4";
    /* w2 1987-02-27, w0 and w8 1987-03-02, w3 1987-04-10, w7 1988-01-05,
    ** then the undated w5, w6. */
    static const kq_docid aAsc[] = {2, 0, 8, 3, 7, 5, 6};
    static const kq_docid aDesc2[] = {7, 3, 0, 8, 2, 5, 6};
    check_date_order(zQ, KQ_SEARCH_DATE, aAsc, 7);
    check_date_order(zQ, KQ_SEARCH_DATE_DESC, aDesc2, 7);
    /* Undated only: docid order either way. */
    static const kq_docid aUndated[] = {5, 6};
    check_date_order("NOT date:1900..2100", KQ_SEARCH_DATE, aUndated, 2);
    check_date_order("NOT date:1900..2100", KQ_SEARCH_DATE_DESC, aUndated, 2);
}

/**************************************************************************
** =word, boosts, ids.
*/
static const qset aExactQ[] = {
    {"ceasefire", "3,4"},
    {"=ceasefire", "3"},        /* w4 has only "ceasefires" */
    {"=Ceasefire", "3"},
    {"=ceasefires", "4"},
    {"title:=ceasefire", "3"},
    {"body:=ceasefire", "3"},
    {"title:=ceasefires", ""},
    {"body:=ceasefires", "4"},
    {"=wheat", "0,5,8"},
    {"=wheats", "1"},
    {"=wheats OR =whales", "1,2"},
    {"=wheat -=wheats", "0,5,8"},
    {"=whale", "2"},            /* the title's "Whale" */
    {"body:=whale", ""},
    {"id:w3", "3"},
    {"id:W3", ""},              /* ids are not folded */
    {"id:nosuch", ""},
    {"id:w3 OR id:w5 OR id:w99", "3,5"},
    {"wheat -id:w0", "1,5,8"},
    {"id:w0 wheat", "0"},
    {"id:w0 coal", ""},
};

static void test_exact_and_id(void **state) {
    (void)state;
    check_sets(aExactQ, sizeof aExactQ / sizeof aExactQ[0]);
}

/* zBoosted's score is f times zPlain's for every document, and they match
** the same documents. */
static void check_boost(const char *zPlain, const char *zBoosted, double f) {
    kq_hit *a, *b;
    size_t na, nb;
    char zMsg[256] = "";
    search_all(g_pIdx, zPlain, &a, &na);
    search_all(g_pIdx, zBoosted, &b, &nb);
    if (na != nb || na == 0)
        snprintf(zMsg, sizeof zMsg, "'%s' %zu hits, '%s' %zu hits", zPlain,
                 na, zBoosted, nb);
    for (size_t i = 0; i < na && !zMsg[0]; i++) {
        int bFound = 0;
        for (size_t j = 0; j < nb; j++)
            if (b[j].iDoc == a[i].iDoc) {
                bFound = 1;
                if (!close_to(b[j].score, f * a[i].score))
                    snprintf(zMsg, sizeof zMsg, "doc %u: '%s' scores %.17g, "
                             "'%s' %.17g, not %g times", (unsigned)a[i].iDoc,
                             zBoosted, b[j].score, zPlain, a[i].score, f);
            }
        if (!bFound)
            snprintf(zMsg, sizeof zMsg, "doc %u: in '%s', not in '%s'",
                     (unsigned)a[i].iDoc, zPlain, zBoosted);
    }
    free(a);
    free(b);
    if (zMsg[0]) fail_msg("%s", zMsg);
}

static void test_boost_word(void **state) {
    (void)state;
    /* A one-word query: exactly doubled. */
    kq_hit *a, *b;
    size_t na, nb;
    search_all(g_pIdx, "wheat", &a, &na);
    search_all(g_pIdx, "wheat^2", &b, &nb);
    assert_int_equal(na, 4);
    assert_int_equal(nb, 4);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].iDoc, b[i].iDoc);
        if (b[i].score != 2 * a[i].score)
            fail_msg("doc %u: wheat %.17g, wheat^2 %.17g", (unsigned)a[i].iDoc,
                     a[i].score, b[i].score);
    }
    free(a);
    free(b);
    check_boost("wheat", "wheat^0.5", 0.5);
    check_boost("title:wheat", "title:wheat^2", 2);
    check_boost("\"wheat harvest\"", "\"wheat harvest\"^2", 2);
    check_boost("=ceasefire", "=ceasefire^2", 2);
    check_boost("\"alpha beta\"~5", "\"alpha beta\"~5^2", 2);
}

static void test_boost_mixed(void **state) {
    (void)state;
    /* w5 "wheat coal wheat": coal + 3 x (wheat OR whale). */
    double c = score_of("coal", 5), w = score_of("wheat OR whale", 5);
    assert_true(c > 0 && w > 0);
    double s = score_of("coal (wheat OR whale)^3", 5);
    if (!close_to(s, c + 3 * w))
        fail_msg("coal (wheat OR whale)^3 = %.17g, want %.17g + 3 x %.17g",
                 s, c, w);
    s = score_of("coal^2 wheat", 5);
    if (!close_to(s, 2 * c + score_of("wheat", 5)))
        fail_msg("coal^2 wheat = %.17g", s);
    /* the boost changes the ranking: w1 has coal twice and wheats once */
    assert_true(score_of("coal", 1) > score_of("coal", 5));
    double s1 = score_of("coal OR wheat^4", 1), s5 = score_of("coal OR wheat^4", 5);
    assert_true(close_to(s1, score_of("coal", 1) + 4 * score_of("wheat", 1)));
    assert_true(close_to(s5, score_of("coal", 5) + 4 * score_of("wheat", 5)));
}

static void test_boost_group(void **state) {
    (void)state;
    check_boost("(wheat OR whale)", "(wheat OR whale)^3", 3);
    check_boost("(wheat coal)", "(wheat coal)^2", 2);
}

/**************************************************************************
** kq_query_tree and its warnings.
*/
static int count_lines(const char *z) {
    int n = 0;
    for (; *z; z++)
        if (*z == '\n') n++;
    return n;
}

static int n_warning_lines(const char *z) {
    int n = 0;
    const char *p = z;
    while ((p = strstr(p, "warning:")) != NULL) {
        if (p == z || p[-1] == '\n') n++;
        p++;
    }
    return n;
}

static void test_query_tree(void **state) {
    (void)state;
    static const struct { const char *zQuery; int nWarn; } a[] = {
        {"alpha AND beta OR gamma", 1},
        {"alpha OR beta AND gamma", 1},
        {"alpha beta OR gamma", 1},
        {"(alpha AND beta) OR gamma", 0},
        {"gamma OR (alpha AND beta)", 0},
        {"(alpha beta) OR gamma", 0},
        {"alpha AND (beta OR gamma)", 0},
        {"alpha OR beta", 0},
        {"alpha AND beta", 0},
        {"title:wheat date:1987 alpha NEAR/3 beta", 0},
    };
    int nBad = 0;
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        kq_query *q = parse_ok(g_pEn, a[i].zQuery);
        char *z = kq_query_tree(NULL, q);
        assert_non_null(z);
        int nW = kq_query_nwarning(q);
        int nL = n_warning_lines(z);
        if (nW != a[i].nWarn || nL != a[i].nWarn) {
            print_error("'%s': kq_query_nwarning %d, %d warning line(s), "
                        "want %d:\n%s", a[i].zQuery, nW, nL, a[i].nWarn, z);
            nBad++;
        }
        /* multi-line: one line per node at least */
        if (count_lines(z) < 3) {
            print_error("'%s': %d line(s):\n%s", a[i].zQuery, count_lines(z),
                        z);
            nBad++;
        }
        free(z);
        kq_query_free(q);
    }
    if (nBad) fail_msg("%d tree(s) wrong", nBad);
}

static void test_query_tree_content(void **state) {
    (void)state;
    kq_query *q = parse_ok(kq_index_analyzer(g_pIdx),
                           "title:wheat date:1987-03 alpha NEAR/3 beta "
                           "coal^2 wh* =ceasefire id:w3");
    char *z = kq_query_tree(g_pIdx, q);
    assert_non_null(z);
    static const char *const aWant[] = {
        "in title:", "wheat", "1987-03-01", "1987-03-31", "NEAR/3", "alpha",
        "beta", "x 2", "wh*", "expands to 2 terms", "ceasefire", "w3",
    };
    for (size_t i = 0; i < sizeof aWant / sizeof aWant[0]; i++)
        if (strstr(z, aWant[i]) == NULL)
            fail_msg("no '%s' in the tree:\n%s", aWant[i], z);
    assert_int_equal(n_warning_lines(z), 0);
    /* one line per node at least: AND, 8 items, 2 NEAR words, the
    ** expansion */
    if (count_lines(z) < 11) fail_msg("%d lines:\n%s", count_lines(z), z);
    free(z);
    kq_query_free(q);
}

/**************************************************************************
** kq_explain: the parts sum to kq_search's score.
*/
static void check_explain(const char *zQuery) {
    kq_query *q = parse_ok(kq_index_analyzer(g_pIdx), zQuery);
    kq_hit *a;
    size_t n;
    search_all(g_pIdx, zQuery, &a, &n);
    assert_true(n > 0);
    for (kq_docid d = 0; d < (kq_docid)N_DOC; d++) {
        const kq_hit *h = NULL;
        for (size_t i = 0; i < n; i++)
            if (a[i].iDoc == d) h = &a[i];
        kq_explain_info x;
        char *zErr = NULL;
        assert_int_equal(kq_explain(g_pIdx, q, d, &x, &zErr), KQ_OK);
        assert_null(zErr);
        if (x.bMatch != (h != NULL))
            fail_msg("'%s' doc %u: bMatch %d", zQuery, (unsigned)d, x.bMatch);
        assert_int_equal(x.nDoc, N_DOC);
        double sum = 0;
        for (int i = 0; i < x.nTerm; i++) {
            assert_non_null(x.aTerm[i].zTerm);
            sum += x.aTerm[i].score;
            if (x.aTerm[i].tf == 0 && x.aTerm[i].score != 0)
                fail_msg("'%s' doc %u: term %s tf 0 scores %g", zQuery,
                         (unsigned)d, x.aTerm[i].zTerm, x.aTerm[i].score);
        }
        if (h) {
            if (!close_to(x.score, h->score) || !close_to(sum, h->score))
                fail_msg("'%s' doc %u: search %.17g, explain %.17g, parts "
                         "%.17g", zQuery, (unsigned)d, h->score, x.score, sum);
        } else if (x.score != 0 || sum != 0) {
            fail_msg("'%s' doc %u does not match: score %g, parts %g", zQuery,
                     (unsigned)d, x.score, sum);
        }
        kq_explain_free(&x);
    }
    free(a);
    kq_query_free(q);
}

static void test_explain_sums(void **state) {
    (void)state;
    static const char *const aQ[] = {
        "wheat", "wheat^2", "wheat OR coal", "coal (wheat OR whale)^3",
        "title:wheat", "body:wheat", "\"wheat harvest\"", "wh*",
        "=ceasefire OR peace", "alpha NEAR/3 beta", "alpha ADJ/9 gamma",
        "wheat date:1987-03", "wheat -coal", "source:wire ceasefire",
        "topic:politics OR coal^0.5", "\"alpha beta\"~5^2 OR wheat",
    };
    for (size_t i = 0; i < sizeof aQ / sizeof aQ[0]; i++) check_explain(aQ[i]);
}

static void test_explain_detail(void **state) {
    (void)state;
    kq_query *q = parse_ok(kq_index_analyzer(g_pIdx), "wheat^2 OR coal");
    kq_explain_info x;
    char *zErr = NULL;
    /* w5: Market / wheat coal wheat: 4 tokens, wheat twice, coal once;
    ** the length counts the title token 3 times (BM25F): 6 */
    assert_int_equal(kq_explain(g_pIdx, q, 5, &x, &zErr), KQ_OK);
    assert_true(x.bMatch);
    assert_int_equal(x.nLen, 6);
    assert_int_equal(x.nTerm, 2);
    int bWheat = 0, bCoal = 0;
    for (int i = 0; i < x.nTerm; i++) {
        const kq_explain_term *t = &x.aTerm[i];
        if (strcmp(t->zTerm, "wheat") == 0) {
            bWheat = 1;
            assert_int_equal(t->tf, 2);
            assert_int_equal(t->tfTitle, 0);
            assert_int_equal(t->df, 4);     /* w0 w1 w5 w8 */
            assert_true(t->boost == 2.0);
        } else if (strcmp(t->zTerm, "coal") == 0) {
            bCoal = 1;
            assert_int_equal(t->tf, 1);
            assert_int_equal(t->df, 2);     /* w1 w5 */
            assert_true(t->boost == 1.0);
        }
    }
    assert_true(bWheat && bCoal);
    kq_explain_free(&x);
    /* w0: Wheat harvest / wheat ... wheat harvest ended: wheat 3 times,
    ** once in the title; 10 tokens, 2 of the title: length 10 + 2 * 2 */
    assert_int_equal(kq_explain(g_pIdx, q, 0, &x, &zErr), KQ_OK);
    assert_true(x.bMatch);
    assert_int_equal(x.nLen, 14);
    for (int i = 0; i < x.nTerm; i++) {
        if (strcmp(x.aTerm[i].zTerm, "wheat") == 0) {
            const kq_explain_term *t = &x.aTerm[i];
            assert_int_equal(t->tf, 3);
            assert_int_equal(t->tfTitle, 1);
            /* BM25F: f = 3 + (3 - 1) * 1 = 5; k1 1.4, b 0.5; boost 2 */
            double f = 5, want = 2 * t->idf * f * 2.4 /
                       (f + 1.4 * (0.5 + 0.5 * 14 / x.avgLen));
            if (fabs(t->score - want) > 1e-9 * want)
                fail_msg("wheat in w0: %.17g, want %.17g", t->score, want);
        }
        if (strcmp(x.aTerm[i].zTerm, "coal") == 0) {
            assert_int_equal(x.aTerm[i].tf, 0);
            assert_true(x.aTerm[i].score == 0);
        }
    }
    kq_explain_free(&x);
    /* a document that does not match */
    assert_int_equal(kq_explain(g_pIdx, q, 6, &x, &zErr), KQ_OK);
    assert_false(x.bMatch);
    assert_true(x.score == 0);
    kq_explain_free(&x);
    assert_null(zErr);
    kq_query_free(q);
}

/**************************************************************************
** kq_search_each: every matching document, its score, and nOcc (its
** matches).
*/
typedef struct each {
    kq_docid aDoc[64];
    double aScore[64];
    uint32_t aOcc[64];
    int n;
    int bOrdered;
} each;

static int each_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc) {
    each *e = pCtx;
    if (e->n > 0 && iDoc <= e->aDoc[e->n - 1]) e->bOrdered = 0;
    if (e->n < 64) {
        e->aDoc[e->n] = iDoc;
        e->aScore[e->n] = score;
        e->aOcc[e->n] = nOcc;
    }
    e->n++;
    return 0;
}

/* aOcc[d]: the expected nOcc of doc d (0: no match). */
static void check_each(const char *zQuery, const uint32_t aOcc[N_DOC]) {
    kq_query *q = parse_ok(kq_index_analyzer(g_pIdx), zQuery);
    each e;
    memset(&e, 0, sizeof e);
    e.bOrdered = 1;
    char *zErr = NULL;
    assert_int_equal(kq_search_each(g_pIdx, q, &e, each_cb, &zErr), KQ_OK);
    assert_null(zErr);
    kq_hit *a;
    size_t n;
    uint64_t nTotal = search_all(g_pIdx, zQuery, &a, &n);
    if ((uint64_t)e.n != nTotal)
        fail_msg("'%s': kq_search_each %d matches, kq_search %llu", zQuery,
                 e.n, (unsigned long long)nTotal);
    assert_true(e.bOrdered);
    int nWant = 0;
    for (int d = 0; d < N_DOC; d++) nWant += aOcc[d] > 0;
    if (e.n != nWant) fail_msg("'%s': %d matches, want %d", zQuery, e.n, nWant);
    for (int i = 0; i < e.n; i++) {
        kq_docid d = e.aDoc[i];
        assert_true(d < (kq_docid)N_DOC);
        if (e.aOcc[i] != aOcc[d])
            fail_msg("'%s' doc %u: nOcc %u, want %u", zQuery, (unsigned)d,
                     (unsigned)e.aOcc[i], (unsigned)aOcc[d]);
        for (size_t j = 0; j < n; j++)
            if (a[j].iDoc == d && !close_to(a[j].score, e.aScore[i]))
                fail_msg("'%s' doc %u: each %.17g, search %.17g", zQuery,
                         (unsigned)d, e.aScore[i], a[j].score);
    }
    free(a);
    kq_query_free(q);
}

static int stop_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc) {
    (void)iDoc;
    (void)score;
    (void)nOcc;
    int *pn = pCtx;
    return ++*pn == 2 ? 77 : 0;
}

static void test_search_each(void **state) {
    (void)state;
    /*                                   w0 w1 w2 w3 w4 w5 w6 w7 w8 */
    static const uint32_t aWheat[N_DOC] = {3, 1, 0, 0, 0, 2, 0, 0, 1};
    static const uint32_t aWorC[N_DOC] = {3, 3, 0, 0, 0, 3, 0, 0, 1};
    static const uint32_t aNotC[N_DOC] = {3, 0, 0, 0, 0, 0, 0, 0, 1};
    /* a phrase counts its occurrences (w0: title and body), not its
    ** words (t_match.c checks the rules at large) */
    static const uint32_t aPhr[N_DOC] = {2, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint32_t aCease[N_DOC] = {0, 0, 0, 2, 1, 0, 0, 0, 0};
    static const uint32_t aDate[N_DOC] = {3, 1, 0, 0, 0, 0, 0, 0, 1};
    check_each("wheat", aWheat);
    check_each("wheat^2", aWheat);
    check_each("wheat OR coal", aWorC);
    check_each("wheat -coal", aNotC);
    check_each("\"wheat harvest\"", aPhr);
    check_each("ceasefire", aCease);
    check_each("wheat date:1987-03", aDate);
    /* a non-zero return stops the walk and is returned */
    kq_query *q = parse_ok(kq_index_analyzer(g_pIdx), "wheat");
    int nCall = 0;
    assert_int_equal(kq_search_each(g_pIdx, q, &nCall, stop_cb, NULL), 77);
    assert_int_equal(nCall, 2);
    kq_query_free(q);
}

/**************************************************************************
** kq_index_terms, kq_index_fields, kq_index_find, kq_index_doc's fields.
*/
typedef struct terms {
    char *z;
    size_t n;
    int nTerm;
    int bSorted;
    char aLast[64];
} terms;

static int terms_cb(void *pCtx, const char *zWord, size_t nWord,
                    const char *zTerm, size_t nTerm, uint64_t df) {
    terms *t = pCtx;
    char aW[64];
    assert_true(nWord < sizeof aW);
    memcpy(aW, zWord, nWord);
    aW[nWord] = 0;
    if (t->nTerm > 0 && strcmp(t->aLast, aW) >= 0) t->bSorted = 0;
    snprintf(t->aLast, sizeof t->aLast, "%s", aW);
    th_cat(&t->z, &t->n, "%s%s/%.*s/%llu", t->nTerm ? " " : "", aW,
           (int)nTerm, zTerm, (unsigned long long)df);
    t->nTerm++;
    return 0;
}

static char *list_terms(const char *zPrefix, int *pnTerm) {
    terms t;
    memset(&t, 0, sizeof t);
    t.bSorted = 1;
    th_cat(&t.z, &t.n, "%s", "");
    char *zErr = NULL;
    assert_int_equal(kq_index_terms(g_pIdx, zPrefix, strlen(zPrefix), &t,
                                    terms_cb, &zErr), KQ_OK);
    assert_null(zErr);
    if (!t.bSorted) fail_msg("prefix '%s': not sorted, or a word twice: %s",
                             zPrefix, t.z);
    if (pnTerm) *pnTerm = t.nTerm;
    return t.z;
}

static void test_index_terms(void **state) {
    (void)state;
    static const struct { const char *zPrefix, *zWant; } a[] = {
        /* word/stem/df; "wheats" shares wheat's documents */
        {"wh", "whale/whale/1 whales/whale/1 wheat/wheat/4 wheats/wheat/4"},
        {"whea", "wheat/wheat/4 wheats/wheat/4"},
        {"wheats", "wheats/wheat/4"},
        {"ceasefire", "ceasefire/ceasefir/2 ceasefires/ceasefir/2"},
        {"coa", "coal/coal/2 coast/coast/1"},
        {"gr", "grain/grain/1"},       /* w8's title; not the sources */
        {"smi", ""},                   /* extra fields are not text */
        {"wir", ""},
        {"zz", ""},
    };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        char *z = list_terms(a[i].zPrefix, NULL);
        if (strcmp(z, a[i].zWant) != 0)
            fail_msg("terms '%s': got '%s', want '%s'", a[i].zPrefix, z,
                     a[i].zWant);
        free(z);
    }
    /* All words: sorted, each once (checked by terms_cb), and every
    ** word of the titles and bodies is there. */
    int nAll = 0;
    char *z = list_terms("", &nAll);
    static const char *const aWord[] = {
        "wheat/", "wheats/", "harvest/", "peacekeepers/", "undated/",
        "proximity/", "x/", "the/", "ceasefires/",
    };
    for (size_t i = 0; i < sizeof aWord / sizeof aWord[0]; i++) {
        char aNeedle[40];
        snprintf(aNeedle, sizeof aNeedle, " %s", aWord[i]);
        if (strncmp(z, aWord[i], strlen(aWord[i])) != 0 &&
            strstr(z, aNeedle) == NULL)
            fail_msg("'%s' not among all the terms: %s", aWord[i], z);
    }
    if (strstr(z, "smith/") || strstr(z, "farming/") || strstr(z, "desk/"))
        fail_msg("a field's word among the text's terms: %s", z);
    free(z);
}

static void test_index_fields(void **state) {
    (void)state;
    char **az = NULL;
    int n = -1;
    char *zErr = NULL;
    assert_int_equal(kq_index_fields(g_pIdx, &az, &n, &zErr), KQ_OK);
    assert_null(zErr);
    assert_int_equal(n, 2);
    int bAuthor = 0, bTopic = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(az[i], "author") == 0) bAuthor++;
        else if (strcmp(az[i], "topic") == 0) bTopic++;
        else fail_msg("field '%s'", az[i]);
        free(az[i]);
    }
    free(az);
    assert_int_equal(bAuthor, 1);
    assert_int_equal(bTopic, 1);
}

static void test_index_find(void **state) {
    (void)state;
    for (int i = 0; i < N_DOC; i++) {
        kq_docid d = KQ_DOCID_EOF;
        char *zErr = NULL;
        assert_int_equal(kq_index_find(g_pIdx, aDoc[i].zId,
                                       strlen(aDoc[i].zId), &d, &zErr), KQ_OK);
        assert_int_equal(d, (kq_docid)i);
        assert_null(zErr);
    }
    kq_docid d = 0;
    char *zErr = NULL;
    assert_int_equal(kq_index_find(g_pIdx, "w9", 2, &d, &zErr), KQ_NOTFOUND);
    free(zErr);
    zErr = NULL;
    assert_int_equal(kq_index_find(g_pIdx, "w", 1, &d, &zErr), KQ_NOTFOUND);
    free(zErr);
}

static void test_docinfo_field(void **state) {
    (void)state;
    for (int i = 0; i < N_DOC; i++) {
        const udoc *u = &aDoc[i];
        const kq_docinfo *info;
        char *zErr = NULL;
        assert_int_equal(kq_index_doc(g_pIdx, (kq_docid)i, &info, &zErr),
                         KQ_OK);
        assert_int_equal(info->nId, strlen(u->zId));
        assert_memory_equal(info->zId, u->zId, info->nId);
        int nWant = (u->zF1 != NULL) + (u->zF2 != NULL);
        if (info->nField != nWant)
            fail_msg("%s: %d fields, want %d", u->zId, info->nField, nWant);
        for (int k = 0; k < info->nField; k++) {
            const char *zN = info->aField[k].zName;
            const char *zV = info->aField[k].zValue;
            size_t nN = info->aField[k].nName, nV = info->aField[k].nValue;
            const char *zWN = k == 0 ? u->zF1 : u->zF2;
            const char *zWV = k == 0 ? u->zV1 : u->zV2;
            if (nN != strlen(zWN) || memcmp(zN, zWN, nN) != 0 ||
                nV != strlen(zWV) || memcmp(zV, zWV, nV) != 0)
                fail_msg("%s field %d: %.*s=%.*s, want %s=%s", u->zId, k,
                         (int)nN, zN, (int)nV, zV, zWN, zWV);
        }
        /* the date as given, partial or not */
        if (u->zDate) {
            assert_int_equal(info->nDate, strlen(u->zDate));
            assert_memory_equal(info->zDate, u->zDate, info->nDate);
        } else {
            assert_int_equal(info->nDate, 0);
        }
    }
}

/**************************************************************************
** NEAR/ADJ against a brute-force model.  Words a b c x in titles and
** bodies of random documents (language none); positions within a field.
** Per search/positions.c: k words match NEAR/n when one occurrence of
** each lies in a window of n + k - 1 positions (two words: at most n apart), ADJ/n the
** same in the query's order.  Title and body never join (n stays below
** the gap between them).
*/
#define RN_DOC 80
#define RN_MAXLEN 24

typedef struct rdoc {
    char aT[RN_MAXLEN], aB[RN_MAXLEN];   /* letters a b c x */
    int nT, nB;
} rdoc;

static int model_field(const char *w, int n, const char *zWords, int nWin,
                       int bOrdered) {
    int k = (int)strlen(zWords);
    int span = nWin + k - 1;
    /* every choice of one position per query word (k <= 3, n <= 24) */
    for (int i = 0; i < n; i++) {
        if (w[i] != zWords[0]) continue;
        for (int j = 0; j < n; j++) {
            if (w[j] != zWords[1] || j == i) continue;
            if (bOrdered && j <= i) continue;
            if (k == 2) {
                int lo = i < j ? i : j, hi = i < j ? j : i;
                if (hi - lo < span) return 1;
                continue;
            }
            for (int m = 0; m < n; m++) {
                if (w[m] != zWords[2] || m == i || m == j) continue;
                if (bOrdered && m <= j) continue;
                int lo = i, hi = i;
                if (j < lo) lo = j;
                if (m < lo) lo = m;
                if (j > hi) hi = j;
                if (m > hi) hi = m;
                if (hi - lo < span) return 1;
            }
        }
    }
    return 0;
}

static void words_of(const char *a, int n, char *zOut) {
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        if (i) zOut[k++] = ' ';
        zOut[k++] = a[i];
    }
    zOut[k] = 0;
}

static void test_near_model(void **state) {
    (void)state;
    th_rng r = th_rng_for("near_model");
    static rdoc aD[RN_DOC];
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer *w = NULL;
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    char *zErr = NULL;
    opts.zLang = "none";
    assert_int_equal(kq_writer_open(zDir, &opts, &w, &zErr), KQ_OK);
    static const char aAlpha[] = "abcxxx";
    for (int i = 0; i < RN_DOC; i++) {
        rdoc *d = &aD[i];
        d->nT = (int)th_range(&r, 0, 4);
        d->nB = (int)th_range(&r, 1, RN_MAXLEN);
        for (int k = 0; k < d->nT; k++) d->aT[k] = aAlpha[th_range(&r, 0, 5)];
        for (int k = 0; k < d->nB; k++) d->aB[k] = aAlpha[th_range(&r, 0, 5)];
        char zT[2 * RN_MAXLEN + 1], zB[2 * RN_MAXLEN + 1], zId[16];
        words_of(d->aT, d->nT, zT);
        words_of(d->aB, d->nB, zB);
        snprintf(zId, sizeof zId, "r%d", i);
        kq_doc doc;
        memset(&doc, 0, sizeof doc);
        set_str(&doc.zId, &doc.nId, zId);
        set_str(&doc.zTitle, &doc.nTitle, zT);
        set_str(&doc.zBody, &doc.nBody, zB);
        assert_int_equal(kq_writer_add(w, &doc, &zErr), KQ_OK);
    }
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    kq_writer_close(w);
    kq_index *p = NULL;
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_OK);

    static const struct { const char *zFmt, *zWords; int bOrdered; } aQ[] = {
        {"a NEAR/%d b", "ab", 0},
        {"b NEAR/%d a", "ab", 0},
        {"\"a b\"~%d", "ab", 0},
        {"a ADJ/%d b", "ab", 1},
        {"b ADJ/%d a", "ba", 1},
        {"a NEAR/%d b NEAR/%d c", "abc", 0},
        {"\"c a b\"~%d", "abc", 0},
        {"a ADJ/%d b ADJ/%d c", "abc", 1},
        {"c ADJ/%d a ADJ/%d b", "cab", 1},
        /* a word twice: two occurrences of it */
        {"a NEAR/%d a", "aa", 0},
        {"a ADJ/%d a", "aa", 1},
        {"a NEAR/%d b NEAR/%d a", "aba", 0},
        {"a ADJ/%d b ADJ/%d a", "aba", 1},
    };
    int nBad = 0;
    for (int nWin = 1; nWin <= 6; nWin++) {
        for (size_t iq = 0; iq < sizeof aQ / sizeof aQ[0]; iq++) {
            char zQ[64];
            snprintf(zQ, sizeof zQ, aQ[iq].zFmt, nWin, nWin);
            int aWant[RN_DOC], nWant = 0;
            for (int i = 0; i < RN_DOC; i++) {
                aWant[i] = model_field(aD[i].aT, aD[i].nT, aQ[iq].zWords,
                                       nWin, aQ[iq].bOrdered) ||
                           model_field(aD[i].aB, aD[i].nB, aQ[iq].zWords,
                                       nWin, aQ[iq].bOrdered);
                nWant += aWant[i];
            }
            kq_hit *a;
            size_t n;
            uint64_t nTotal = search_all(p, zQ, &a, &n);
            int aGot[RN_DOC];
            memset(aGot, 0, sizeof aGot);
            for (size_t i = 0; i < n; i++) {
                assert_true(a[i].iDoc < RN_DOC);
                aGot[a[i].iDoc] = 1;
            }
            for (int i = 0; i < RN_DOC; i++)
                if (aGot[i] != aWant[i]) {
                    char zT[2 * RN_MAXLEN + 1], zB[2 * RN_MAXLEN + 1];
                    words_of(aD[i].aT, aD[i].nT, zT);
                    words_of(aD[i].aB, aD[i].nB, zB);
                    if (nBad < 10)
                        print_error("'%s' doc %d [%s | %s]: kq %d, model %d "
                                    "(KQ_TEST_SEED=%llu)\n", zQ, i, zT, zB,
                                    aGot[i], aWant[i],
                                    (unsigned long long)th_seed);
                    nBad++;
                }
            if ((int)nTotal != nWant && nBad == 0) nBad++;
            free(a);
        }
    }
    kq_index_close(p);
    th_rmtree(zDir);
    if (nBad) th_fail("%d NEAR/ADJ disagreements with the model", nBad);
}

/* The same on the fixed documents w6 and w7. */
static const qset aNearQ[] = {
    /* w6 body: alpha(0) x x beta(3) gamma(4); w7 body: beta(0) alpha(1)
    ** x x x x x x gamma(8) */
    {"alpha NEAR/3 beta", "6,7"},
    {"alpha NEAR/2 beta", "7"},
    {"alpha ADJ/3 beta", "6"},
    {"beta ADJ/1 alpha", "7"},
    {"alpha ADJ/1 beta", ""},
    {"\"alpha beta\"~3", "6,7"},
    {"\"alpha beta\"", ""},
    {"\"beta alpha\"", "7"},
    {"alpha NEAR/7 gamma", "6,7"},
    {"alpha NEAR/6 gamma", "6"},
    {"gamma ADJ/7 alpha", ""},
    {"alpha NEAR/3 beta NEAR/3 gamma", "6"},        /* window 5: 0..4 */
    {"alpha NEAR/2 beta NEAR/2 gamma", ""},         /* window 4 */
    {"beta NEAR/7 alpha NEAR/7 gamma", "6,7"},      /* window 9: 0..8 */
    {"beta NEAR/6 alpha NEAR/6 gamma", "6"},        /* window 8 */
    {"alpha NEAR/3 beta wheat", ""},
    {"alpha NEAR/3 beta OR wheat", "0,1,5,6,7,8"},
    {"alpha NEAR/3 beta -date:1988", "6"},
    {"alpha NEAR/3 beta date:1988", "7"},
    /* "Proximity" is w7's title: title and body do not join */
    {"proximity NEAR/3 beta", ""},
};

static void test_near_fixed(void **state) {
    (void)state;
    check_sets(aNearQ, sizeof aNearQ / sizeof aNearQ[0]);
}

/* NEAR/ADJ edge cases.  Many words: every word counts, the 17th as the
** first.  m0: a .. p next to each other, then 50 x, then q; m1: a .. q
** together; m2: q first, 50 x, then a .. p.  A word twice: m3 "b a a",
** m4 "a b a" both hold a, b and another a within 3 positions. */
static void test_near_edge_cases(void **state) {
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer *w = NULL;
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    char *zErr = NULL;
    opts.zLang = "none";
    assert_int_equal(kq_writer_open(zDir, &opts, &w, &zErr), KQ_OK);
    char zX[128] = "";
    for (int i = 0; i < 50; i++) strcat(zX, "x ");
    char aBody[5][256];
    snprintf(aBody[0], sizeof aBody[0], "a b c d e f g h i j k l m n o p %sq", zX);
    snprintf(aBody[1], sizeof aBody[1], "a b c d e f g h i j k l m n o p q");
    snprintf(aBody[2], sizeof aBody[2], "q %sa b c d e f g h i j k l m n o p", zX);
    snprintf(aBody[3], sizeof aBody[3], "b a a");
    snprintf(aBody[4], sizeof aBody[4], "a b a");
    for (int i = 0; i < 5; i++) {
        char zId[16];
        snprintf(zId, sizeof zId, "m%d", i);
        kq_doc d;
        memset(&d, 0, sizeof d);
        set_str(&d.zId, &d.nId, zId);
        set_str(&d.zBody, &d.nBody, aBody[i]);
        assert_int_equal(kq_writer_add(w, &d, &zErr), KQ_OK);
    }
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    kq_writer_close(w);
    kq_index *p = NULL;
    assert_int_equal(kq_index_open(zDir, &p, &zErr), KQ_OK);
    static const struct { const char *zQuery, *zWant; } a[] = {
        {"\"a b c d e f g h i j k l m n o p q\"", "1"},
        {"\"a b c d e f g h i j k l m n o p q\"~5", "1"},
        {"\"a b c d e f g h i j k l m n o p\"~5", "0,1,2"},
        {"\"b c d e f g h i j k l m n o p q\"~5", "1"},
        {"a NEAR/5 b NEAR/5 c NEAR/5 d NEAR/5 e NEAR/5 f NEAR/5 g NEAR/5 "
         "h NEAR/5 i NEAR/5 j NEAR/5 k NEAR/5 l NEAR/5 m NEAR/5 n NEAR/5 "
         "o NEAR/5 p NEAR/5 q", "1"},
        {"a ADJ/5 b ADJ/5 c ADJ/5 d ADJ/5 e ADJ/5 f ADJ/5 g ADJ/5 h ADJ/5 "
         "i ADJ/5 j ADJ/5 k ADJ/5 l ADJ/5 m ADJ/5 n ADJ/5 o ADJ/5 p ADJ/5 q",
         "1"},
        {"a NEAR/1 b NEAR/1 a", "3,4"},
        {"\"a b a\"~1", "3,4"},
        {"b NEAR/1 a NEAR/1 a", "3,4"},
        {"a NEAR/2 a NEAR/2 b", "3,4"},
        {"a NEAR/1 a", "3"},
        {"a ADJ/1 a", "3"},
        {"a ADJ/2 a", "3,4"},
        {"b ADJ/1 a ADJ/1 a", "3"},
        {"a ADJ/1 b ADJ/1 a", "4"},
    };
    int nBad = 0;
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        char *z = match_set(p, a[i].zQuery);
        if (strcmp(z, a[i].zWant) != 0) {
            print_error("'%s': got {%s}, want {%s}\n", a[i].zQuery, z,
                        a[i].zWant);
            nBad++;
        }
        free(z);
    }
    kq_index_close(p);
    th_rmtree(zDir);
    if (nBad) fail_msg("%d NEAR/ADJ edge cases wrong", nBad);
}

/* Fields rank by the text's term; source:, extra fields, date: and id:
** only restrict (they add nothing to the score). */
static void test_filters_do_not_score(void **state) {
    (void)state;
    double w0 = score_of("wheat", 0);
    assert_true(w0 > 0);
    assert_true(score_of("title:wheat", 0) == w0);
    assert_true(score_of("body:wheat", 0) == w0);
    assert_true(score_of("=wheat", 0) == w0);
    assert_true(close_to(score_of("wheat source:wire", 0), w0));
    assert_true(close_to(score_of("wheat topic:farming", 0), w0));
    assert_true(close_to(score_of("wheat date:1987-03", 0), w0));
    assert_true(close_to(score_of("wheat id:w0", 0), w0));
    assert_true(score_of("source:wire", 0) == 0);
    assert_true(score_of("date:1987-03", 0) == 0);
    assert_true(score_of("id:w0", 0) == 0);
}

/**************************************************************************
** Query cost (kq.h limits): merged repeats score as the repeats did, and
** each limit holds at its value and fails one past it.
*/
static void test_merged_repeats_score(void **state) {
    (void)state;
    double w0 = score_of("wheat", 0), c1 = score_of("coal", 1);
    assert_true(w0 > 0 && c1 > 0);
    /* and_score()/or_score() added each occurrence; the merged item
    ** weighs their number. */
    assert_true(close_to(score_of("wheat wheat", 0), 2 * w0));
    assert_true(close_to(score_of("wheat OR wheat OR wheat", 0), 3 * w0));
    assert_true(close_to(score_of("wheat OR wheat OR coal", 1),
                         score_of("wheat^2 OR coal", 1)));
    kq_hit *a, *b;
    size_t na, nb;
    search_all(g_pIdx, "whe* OR coal OR whe* OR coal", &a, &na);
    search_all(g_pIdx, "whe*^2 OR coal^2", &b, &nb);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].iDoc, b[i].iDoc);
        assert_true(a[i].score == b[i].score);
    }
    free(a);
    free(b);
}

/* rc of parsing z (english); *pzErr gets the message. */
static int parse_rc(const char *z, int flags, char **pzErr) {
    kq_query *q = NULL;
    int iCol = 0;
    int rc = kq_query_parse_ex(g_pEn, z, flags, &q, &iCol, pzErr);
    kq_query_free(q);
    return rc;
}

static void test_query_limits(void **state) {
    (void)state;
    /* KQ_MAX_QUERY_LEN: "wheat ... w" padded to the length. */
    char *z = malloc(KQ_MAX_QUERY_LEN + 2);
    assert_non_null(z);
    memset(z, 'x', KQ_MAX_QUERY_LEN + 1);
    for (size_t i = 0; i + 6 < KQ_MAX_QUERY_LEN; i += 6) {
        memcpy(z + i, "wheat ", 6);
    }
    z[KQ_MAX_QUERY_LEN] = 0;
    char *zErr = NULL;
    assert_int_equal(parse_rc(z, 0, &zErr), KQ_OK);
    z[KQ_MAX_QUERY_LEN] = 'x';
    z[KQ_MAX_QUERY_LEN + 1] = 0;
    assert_int_equal(parse_rc(z, 0, &zErr), KQ_SYNTAX);
    assert_non_null(strstr(zErr, "the query is longer than"));
    free(zErr);
    zErr = NULL;
    free(z);

    /* KQ_MAX_QUERY_TERMS distinct words, then one more. */
    size_t nAlloc = (size_t)KQ_MAX_QUERY_TERMS * 8 + 64, n0 = 0;
    char *zq = malloc(nAlloc);
    assert_non_null(zq);
    for (int i = 0; i < KQ_MAX_QUERY_TERMS; i++) {
        n0 += (size_t)snprintf(zq + n0, nAlloc - n0, "%sw%d", i ? " " : "",
                               i);
    }
    /* at the limit, and repeats cost nothing */
    assert_int_equal(parse_rc(zq, KQ_QUERY_OR, &zErr), KQ_OK);
    strcpy(zq + n0, " w0 w1 w0");
    assert_int_equal(parse_rc(zq, KQ_QUERY_OR, &zErr), KQ_OK);
    assert_int_equal(parse_rc(zq, 0, &zErr), KQ_OK);
    snprintf(zq + n0, nAlloc - n0, " w%d", KQ_MAX_QUERY_TERMS);
    assert_int_equal(parse_rc(zq, KQ_QUERY_OR, &zErr), KQ_SYNTAX);
    assert_non_null(strstr(zErr, "more than 4096 words"));
    free(zErr);
    zErr = NULL;
    free(zq);

    /* The expansion limit: wh* is wheat and whale (2 terms). */
    kq_query *q = parse_ok(kq_index_analyzer(g_pIdx), "wh*");
    kq_hit *a = NULL;
    size_t n;
    uint64_t nTotal;
    assert_int_equal(kq_index_set_max_expansion(g_pIdx, 0), KQ_MISUSE);
    assert_int_equal(kq_index_set_max_expansion(g_pIdx,
                                                KQ_MAX_QUERY_EXPANSION + 1),
                     KQ_MISUSE);
    assert_int_equal(kq_index_set_max_expansion(g_pIdx, 2), KQ_OK);
    assert_int_equal(kq_search(g_pIdx, q, 0, 10, &a, &n, &nTotal, &zErr),
                     KQ_OK);
    free(a);
    a = NULL;
    assert_int_equal(kq_index_set_max_expansion(g_pIdx, 1), KQ_OK);
    assert_int_equal(kq_search(g_pIdx, q, 0, 10, &a, &n, &nTotal, &zErr),
                     KQ_SYNTAX);
    assert_string_equal(zErr, "the prefix wh* matches more than 1 words (the "
                        "limit; use a longer prefix, or raise it with "
                        "--max-expansion N)");
    free(zErr);
    zErr = NULL;
    assert_int_equal(kq_index_set_max_expansion(g_pIdx,
                                                KQ_DEFAULT_MAX_EXPANSION),
                     KQ_OK);
    kq_query_free(q);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_love_hate),
        cmocka_unit_test(test_describe_group_boost),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_quoted_id),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_unknown_field),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_date_order),
        cmocka_unit_test(test_exact_and_id),
        cmocka_unit_test(test_boost_word),
        cmocka_unit_test(test_boost_mixed),
        cmocka_unit_test(test_boost_group),
        cmocka_unit_test(test_query_tree),
        cmocka_unit_test(test_query_tree_content),
        cmocka_unit_test(test_explain_sums),
        cmocka_unit_test(test_explain_detail),
        cmocka_unit_test(test_search_each),
        cmocka_unit_test(test_index_terms),
        cmocka_unit_test(test_index_fields),
        cmocka_unit_test(test_index_find),
        cmocka_unit_test(test_docinfo_field),
        cmocka_unit_test(test_near_fixed),
        cmocka_unit_test(test_near_edge_cases),
        cmocka_unit_test(test_filters_do_not_score),
        cmocka_unit_test(test_merged_repeats_score),
        cmocka_unit_test(test_query_limits),
        cmocka_unit_test(test_near_model),
    };
    int nFail = _cmocka_run_group_tests("querylang", tests,
                                        sizeof tests / sizeof tests[0],
                                        setup_group, teardown_group);
    if (nFail)
        printf("# %d test(s) failed; reproduce with KQ_TEST_SEED=%llu\n", nFail,
               (unsigned long long)th_seed);
    return nFail ? 1 : 0;
}
