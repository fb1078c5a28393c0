/*
** t_xapian.c -- the pure-C Xapian wrapper (common/xapian/xapian_capi.h):
** documents written with postings, values, data and metadata read back;
** AND / OR / AND_NOT / PHRASE / MatchAll counts on a small database;
** BM25 scores against Xapian's formula worked out by hand; a document
** replaced and deleted by its unique term; errors come back
** as KQ_XAPIAN with a message, never as an exception.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kq.h"
#include "xapian_capi.h"

static char zDir[64];

/* Four documents, terms given as "term@pos ..." */
static const char *const azDoc[] = {
    "oil@0 price@1 rise@2",
    "gas@0 price@1",
    "oil@0 gas@1 oil@5",
    "peace@0 keeper@1 ceasefir@2",
};

static void
add_doc(kqx_wdb *w, int i, uint32_t iWant)
{
    char zBuf[128];
    snprintf(zBuf, sizeof zBuf, "%s", azDoc[i]);
    assert_int_equal(kqx_wdb_doc_begin(w, NULL), KQ_OK);
    for (char *t = strtok(zBuf, " "); t; t = strtok(NULL, " ")) {
        char *at = strchr(t, '@');
        *at = 0;
        assert_int_equal(kqx_wdb_doc_posting(w, t, strlen(t),
                                             (uint32_t)atoi(at + 1), 1, NULL),
                         KQ_OK);
    }
    char zId[16];
    snprintf(zId, sizeof zId, "doc%d", i);
    assert_int_equal(kqx_wdb_doc_value(w, KQX_VALUE_ID, zId, strlen(zId),
                                       NULL), KQ_OK);
    assert_int_equal(kqx_wdb_doc_data(w, azDoc[i], strlen(azDoc[i]), NULL),
                     KQ_OK);
    /* A unique term of its own, so each add is a new document. */
    char zQ[32];
    snprintf(zQ, sizeof zQ, "Qdoc%d@%u", i, (unsigned)iWant);
    assert_int_equal(kqx_wdb_doc_field(w, zQ, strlen(zQ), UINT32_MAX, NULL),
                     KQ_OK);
    uint32_t iDoc = 0;
    assert_int_equal(kqx_wdb_doc_add(w, zQ, strlen(zQ), &iDoc, NULL), KQ_OK);
    assert_int_equal(iDoc, iWant);
}

/* Add a document of unique term zQ and data zData: its docid. */
static uint32_t
add_unique(kqx_wdb *w, const char *zQ, const char *zData)
{
    assert_int_equal(kqx_wdb_doc_begin(w, NULL), KQ_OK);
    assert_int_equal(kqx_wdb_doc_field(w, zQ, strlen(zQ), UINT32_MAX, NULL),
                     KQ_OK);
    assert_int_equal(kqx_wdb_doc_data(w, zData, strlen(zData), NULL), KQ_OK);
    uint32_t iDoc = 0;
    assert_int_equal(kqx_wdb_doc_add(w, zQ, strlen(zQ), &iDoc, NULL), KQ_OK);
    return iDoc;
}

static int
setup(void **state)
{
    (void)state;
    strcpy(zDir, "/tmp/kq-txapian-XXXXXX");
    if (mkdtemp(zDir) == NULL) {
        return -1;
    }
    strcat(zDir, "/db");
    kqx_wdb *w = NULL;
    char *zErr = NULL;
    if (kqx_wdb_open(zDir, &w, &zErr) != KQ_OK) {
        fprintf(stderr, "%s\n", zErr);
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        add_doc(w, i, (uint32_t)i + 1);
    }
    kqx_wdb_set_metadata(w, "w\x01keepers", 9, "keeper", 6, NULL);
    kqx_wdb_set_metadata(w, "w\x01peaceful", 10, "peac", 4, NULL);
    if (kqx_wdb_commit(w, NULL) != KQ_OK) {
        return -1;
    }
    /* Added after the commit, then closed: must not be visible. */
    add_doc(w, 0, 5);
    kqx_wdb_close(w);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    char zCmd[128];
    char *zSlash = strrchr(zDir, '/');
    *zSlash = 0;
    snprintf(zCmd, sizeof zCmd, "rm -rf '%s'", zDir);
    return system(zCmd) == 0 ? 0 : -1;
}

static kqx_db *
open_db(void)
{
    const char *az[1] = {zDir};
    kqx_db *p = NULL;
    char *zErr = NULL;
    int rc = kqx_db_open(az, 1, &p, &zErr);
    if (rc) {
        fail_msg("open: %s", zErr);
    }
    return p;
}

typedef struct hits {
    uint32_t aDoc[8];
    double aScore[8];
    int n;
} hits;

/* Run q into *h (at most 8 hits); returns the exact total. */
static uint64_t
search(kqx_db *p, const kqx_query *q, size_t nOffset, size_t nLimit, hits *h)
{
    kqx_mset *m = NULL;
    char *zErr = NULL;
    if (kqx_search(p, q, 1.2, 0.75, nOffset, nLimit, &m, &zErr) != KQ_OK) {
        fail_msg("search: %s", zErr);
    }
    h->n = 0;
    for (size_t i = 0; i < kqx_mset_size(m) && h->n < 8; i++) {
        h->aDoc[h->n] = kqx_mset_docid(m, i);
        h->aScore[h->n] = kqx_mset_score(m, i);
        h->n++;
    }
    uint64_t n = kqx_mset_total(m);
    kqx_mset_free(m);
    return n;
}

static kqx_query *
term(const char *z)
{
    kqx_query *q = NULL;
    assert_int_equal(kqx_query_term(z, strlen(z), &q, NULL), KQ_OK);
    return q;
}

static uint64_t
count(kqx_db *p, int eOp, const char *z1, const char *z2, hits *h)
{
    kqx_query *a[2] = {term(z1), z2 ? term(z2) : NULL};
    kqx_query *q = NULL;
    assert_int_equal(kqx_query_combine(eOp, a, z2 ? 2 : 1, &q, NULL), KQ_OK);
    hits hh = {{0}, {0}, 0};
    uint64_t n = search(p, q, 0, 8, h ? h : &hh);
    kqx_query_free(a[0]);
    kqx_query_free(a[1]);
    kqx_query_free(q);
    return n;
}

static void
test_counts(void **state)
{
    (void)state;
    kqx_db *p = open_db();
    uint64_t nDoc;
    double avg;
    assert_int_equal(kqx_db_stats(p, &nDoc, &avg, NULL), KQ_OK);
    assert_int_equal(nDoc, 4);           /* the uncommitted 5th is gone */
    assert_true(fabs(avg - 11.0 / 4) < 1e-12);   /* 3 + 2 + 3 + 3 tokens */
    assert_int_equal(count(p, KQX_AND, "oil", "price", NULL), 1);
    assert_int_equal(count(p, KQX_OR, "oil", "gas", NULL), 3);
    assert_int_equal(count(p, KQX_AND_NOT, "price", "oil", NULL), 1);
    assert_int_equal(count(p, KQX_PHRASE, "oil", "price", NULL), 1);
    assert_int_equal(count(p, KQX_PHRASE, "price", "oil", NULL), 0);
    assert_int_equal(count(p, KQX_PHRASE, "oil", "gas", NULL), 1);
    assert_int_equal(count(p, KQX_AND, "oil", "nosuchterm", NULL), 0);

    kqx_query *all = NULL;
    kqx_query *oil = term("oil");
    assert_int_equal(kqx_query_all(&all, NULL), KQ_OK);
    kqx_query *a[2] = {all, oil};
    kqx_query *q = NULL;
    assert_int_equal(kqx_query_combine(KQX_AND_NOT, a, 2, &q, NULL), KQ_OK);
    hits h = {{0}, {0}, 0};
    assert_int_equal(search(p, q, 0, 8, &h), 2);   /* docs 2 and 4 */
    assert_int_equal(h.aDoc[0], 2);      /* weight 0: docid order */
    assert_int_equal(h.aDoc[1], 4);
    char *zDesc = NULL;
    assert_int_equal(kqx_query_describe(q, &zDesc, NULL), KQ_OK);
    assert_non_null(strstr(zDesc, "AND_NOT"));
    free(zDesc);
    kqx_query_free(q);
    kqx_query_free(all);
    kqx_query_free(oil);
    kqx_db_close(p);
}

/* Xapian's BM25 (k1 1.2, b 0.75, k2 = k3 = min_normlen = 0):
**   tw = (N - df + 0.5) / (df + 0.5), raised to tw / 2 + 1 when below 2;
**   w  = ln(tw) * 2.2 * wdf / (1.2 * (0.25 + 0.75 * len / avg) + wdf).
** "oil": N 4, df 2: tw = 2.5 / 2.5 = 1 -> 1.5; ln 1.5 = 0.4054651081081644
**   doc 3: wdf 2, len 3, avg 2.75: 1.2 * (0.25 + 0.8181818) = 1.2818182;
**          0.4054651 * 2.2 * 2 / 3.2818182 = 0.5436204...
**   doc 1: wdf 1, len 3: 0.4054651 * 2.2 / 2.2818182 = 0.3909260...  */
static void
test_bm25(void **state)
{
    (void)state;
    kqx_db *p = open_db();
    hits h = {{0}, {0}, 0};
    kqx_query *a[1] = {term("oil")};
    kqx_query *q = NULL;
    assert_int_equal(kqx_query_combine(KQX_OR, a, 1, &q, NULL), KQ_OK);
    assert_int_equal(search(p, q, 0, 8, &h), 2);
    double idf = log(1.5), K = 1.2 * (0.25 + 0.75 * 3 / 2.75);
    double w3 = idf * 2.2 * 2 / (K + 2), w1 = idf * 2.2 * 1 / (K + 1);
    assert_int_equal(h.aDoc[0], 3);
    assert_int_equal(h.aDoc[1], 1);
    assert_true(fabs(h.aScore[0] - w3) < 1e-9);
    assert_true(fabs(h.aScore[1] - w1) < 1e-9);
    /* Paging: offset 1, limit 1 gives the second hit; the total stays. */
    hits h2 = {{0}, {0}, 0};
    assert_int_equal(search(p, q, 1, 1, &h2), 2);
    assert_int_equal(h2.n, 1);
    assert_int_equal(h2.aDoc[0], 1);
    kqx_query_free(a[0]);
    kqx_query_free(q);
    kqx_db_close(p);
}

static int
meta_cb(void *pCtx, const char *zKey, size_t nKey, const char *zVal,
        size_t nVal)
{
    char *zOut = pCtx;
    strncat(zOut, zKey + 2, nKey - 2);
    strcat(zOut, "=");
    strncat(zOut, zVal, nVal);
    strcat(zOut, ";");
    return 0;
}

static void
test_values_and_metadata(void **state)
{
    (void)state;
    kqx_db *p = open_db();
    char *z = NULL;
    size_t n = 0;
    assert_int_equal(kqx_db_value(p, 3, KQX_VALUE_ID, &z, &n, NULL), KQ_OK);
    assert_string_equal(z, "doc2");
    assert_int_equal(n, 4);
    free(z);
    assert_int_equal(kqx_db_data(p, 4, &z, &n, NULL), KQ_OK);
    assert_string_equal(z, azDoc[3]);
    free(z);
    char zOut[128] = "";
    assert_int_equal(kqx_db_metadata_scan(p, "w\x01", 2, zOut, meta_cb, NULL),
                     KQ_OK);
    assert_string_equal(zOut, "keepers=keeper;peaceful=peac;");
    zOut[0] = 0;
    assert_int_equal(kqx_db_metadata_scan(p, "w\x01pea", 5, zOut, meta_cb,
                                          NULL), KQ_OK);
    assert_string_equal(zOut, "peaceful=peac;");
    /* A document that does not exist: kq asks only for documents the
    ** database gave it, so this is damage, with a message. */
    char *zErr = NULL;
    assert_int_equal(kqx_db_data(p, 99, &z, &n, &zErr), KQ_CORRUPT);
    assert_non_null(zErr);
    assert_non_null(strstr(zErr, "xapian"));
    free(zErr);
    kqx_db_close(p);
}

/* A document given again replaces the one of its unique term, keeping its
** docid (kq-index run again over a changed corpus); a delete removes it,
** and says how many it removed. */
static void
test_replace_delete(void **state)
{
    (void)state;
    char zDb[96];
    snprintf(zDb, sizeof zDb, "%s-rd", zDir);
    kqx_wdb *w = NULL;
    assert_int_equal(kqx_wdb_open(zDb, &w, NULL), KQ_OK);
    assert_int_equal(add_unique(w, "Qa", "first a"), 1);
    assert_int_equal(add_unique(w, "Qb", "b"), 2);
    /* Before a commit too: the writer reads its own changes. */
    assert_int_equal(add_unique(w, "Qa", "second a"), 1);
    assert_int_equal(kqx_wdb_commit(w, NULL), KQ_OK);
    assert_int_equal(add_unique(w, "Qa", "third a"), 1);
    uint32_t nDel = 99;
    assert_int_equal(kqx_wdb_delete(w, "Qb", 2, &nDel, NULL), KQ_OK);
    assert_int_equal(nDel, 1);
    assert_int_equal(kqx_wdb_delete(w, "Qb", 2, &nDel, NULL), KQ_OK);
    assert_int_equal(nDel, 0);
    assert_int_equal(kqx_wdb_delete(w, "Qz", 2, &nDel, NULL), KQ_OK);
    assert_int_equal(nDel, 0);
    assert_int_equal(kqx_wdb_commit(w, NULL), KQ_OK);
    kqx_wdb_close(w);
    const char *az[1] = {zDb};
    kqx_db *p = NULL;
    assert_int_equal(kqx_db_open(az, 1, &p, NULL), KQ_OK);
    uint64_t nDoc = 0;
    double avg;
    assert_int_equal(kqx_db_stats(p, &nDoc, &avg, NULL), KQ_OK);
    assert_int_equal(nDoc, 1);
    char *z = NULL;
    size_t n;
    assert_int_equal(kqx_db_data(p, 1, &z, &n, NULL), KQ_OK);
    assert_string_equal(z, "third a");
    free(z);
    kqx_db_close(p);
    char zCmd[128];
    snprintf(zCmd, sizeof zCmd, "rm -rf '%s'", zDb);
    assert_int_equal(system(zCmd), 0);
}

static void
test_errors(void **state)
{
    (void)state;
    const char *az[1] = {"/nonexistent/kq-xapian-db"};
    kqx_db *p = (kqx_db *)1;
    char *zErr = NULL;
    assert_int_equal(kqx_db_open(az, 1, &p, &zErr), KQ_NOTFOUND);
    assert_null(p);
    assert_non_null(zErr);
    free(zErr);
    zErr = NULL;
    const char *azBad[1] = {"tcp://127.0.0.1"};
    assert_int_equal(kqx_db_open(azBad, 1, &p, &zErr), KQ_XAPIAN);
    assert_non_null(strstr(zErr, "tcp://HOST:PORT"));
    free(zErr);
    kqx_wdb *w = NULL;
    zErr = NULL;
    assert_int_equal(kqx_wdb_open("/proc/kq-cannot-create", &w, &zErr),
                     KQ_IOERR);
    assert_null(w);
    free(zErr);
    kqx_wdb_close(NULL);
    kqx_db_close(NULL);
    kqx_query_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_bm25),
        cmocka_unit_test(test_values_and_metadata),
        cmocka_unit_test(test_replace_delete),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
