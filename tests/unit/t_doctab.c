/*
** t_doctab.c -- the document writer's scratch files (doctab.c:
** DOCW_SPILL).  Past its spill size the writer moves metaOff[] entries and
** sorted runs of the id table to scratch files, and puts them back at the
** end; the .docs and .store files must come out byte for byte as when
** everything stays in memory, and read back (every id found, with its
** content hash and length).  At the limit (exactly the spill size in
** memory) nothing is spilled; one entry past it, once.
*/
#include "tharness.h"

#include "kq_int.h"

#include <fcntl.h>

/* Write nDoc documents (random ids, some repeated hashes impossible to
** arrange, so random bodies and lengths) with spill size nSpill (0: the
** default); the files go to zDir/<zName>.docs and .store.  *pnOff, *pnRun:
** what was spilled before the end. */
static void
write_docs(const char *zDir, const char *zName, u32 nDoc, size_t nSpill,
           u64 *pnOff, u64 *pnRun)
{
    char zDocs[256], zStore[256], zId[32], zBody[64];
    snprintf(zDocs, sizeof zDocs, "%s/%s.docs", zDir, zName);
    snprintf(zStore, sizeof zStore, "%s/%s.store", zDir, zName);
    kqi_wfile d, s;
    assert_int_equal(kqi_wfile_open(&d, zDocs), KQ_OK);
    assert_int_equal(kqi_wfile_open(&s, zStore), KQ_OK);
    d.bNoSync = s.bNoSync = 1;
    kqi_docw *p;
    assert_int_equal(kqi_docw_new(&d, &s, &p), KQ_OK);
    if (nSpill) {
        kqi_docw_set_spill(p, nSpill);
    }
    th_rng r = th_rng_for("doctab");   /* the same documents every call */
    for (u32 i = 0; i < nDoc; i++) {
        snprintf(zId, sizeof zId, "id%llu", (unsigned long long)th_next(&r));
        int nBody = snprintf(zBody, sizeof zBody, "body %u %llu", i,
                             (unsigned long long)th_next(&r));
        kq_doc doc = {zId, strlen(zId), "t", 1, "", 0, "", 0, zBody,
                      (size_t)nBody, NULL, 0, NULL, 0};
        assert_int_equal(kqi_docw_add(p, &doc, i % 97, i * 0x9e3779b97f4a7c15ull,
                                      kqi_hash64(zId, strlen(zId), KQI_ID_SEED),
                                      i * 7919ull), KQ_OK);
    }
    kqi_docw_spilled(p, pnOff, pnRun);
    u64 n = 0;
    assert_int_equal(kqi_docw_finish(p, &n), KQ_OK);
    assert_int_equal(n, nDoc);
    char *zErr = NULL;
    assert_int_equal(kqi_wfile_close(&d, &zErr), KQ_OK);
    assert_int_equal(kqi_wfile_close(&s, &zErr), KQ_OK);
}

static void
same_file(const char *zDir, const char *zA, const char *zB, const char *zExt)
{
    char za[256], zb[256];
    snprintf(za, sizeof za, "%s/%s.%s", zDir, zA, zExt);
    snprintf(zb, sizeof zb, "%s/%s.%s", zDir, zB, zExt);
    kqi_map a, b;
    char *zErr = NULL;
    assert_int_equal(kqi_map_open(&a, za, &zErr), KQ_OK);
    assert_int_equal(kqi_map_open(&b, zb, &zErr), KQ_OK);
    th_check(a.n == b.n && memcmp(a.a, b.a, a.n) == 0, "%s.%s and %s.%s differ",
             zA, zExt, zB, zExt);
    kqi_map_close(&a);
    kqi_map_close(&b);
}

/* Every document of zName found by its id, with its length and hash. */
static void
read_back(const char *zDir, const char *zName, u32 nDoc)
{
    char zDocs[256], zStore[256], zId[32];
    snprintf(zDocs, sizeof zDocs, "%s/%s.docs", zDir, zName);
    snprintf(zStore, sizeof zStore, "%s/%s.store", zDir, zName);
    kqi_map md, ms;
    char *zErr = NULL;
    assert_int_equal(kqi_map_open(&md, zDocs, &zErr), KQ_OK);
    assert_int_equal(kqi_map_open(&ms, zStore, &zErr), KQ_OK);
    kqi_docs docs;
    assert_int_equal(kqi_docs_open(&docs, &md, &ms, &zErr), KQ_OK);
    assert_int_equal(docs.nDoc, nDoc);
    th_rng r = th_rng_for("doctab");
    for (u32 i = 0; i < nDoc; i++) {
        snprintf(zId, sizeof zId, "id%llu", (unsigned long long)th_next(&r));
        (void)th_next(&r);
        u32 iDoc;
        u64 h;
        int rc = kqi_docs_find(&docs, zId, strlen(zId),
                               kqi_hash64(zId, strlen(zId), KQI_ID_SEED),
                               NULL, &iDoc, &h, &zErr);
        th_check(rc == KQ_OK && iDoc == i && h == i * 7919ull,
                 "%s: document %u: rc %d, docid %u", zName, i, rc, iDoc);
        assert_int_equal(kqi_docs_len(&docs, i), i % 97);
        th_check(kqi_docs_sig(&docs, i) == i * 0x9e3779b97f4a7c15ull,
                 "%s: document %u: signature", zName, i);
    }
    kqi_docs_close(&docs);
    kqi_map_close(&md);
    kqi_map_close(&ms);
}

/* One case: nDoc documents at spill size nSpill, against the same ones
** kept in memory. */
static void
one_case(const char *zDir, u32 nDoc, size_t nSpill, u64 nOffWant,
         u64 nRunWant)
{
    u64 nOff, nRun;
    write_docs(zDir, "mem", nDoc, 0, &nOff, &nRun);
    assert_int_equal(nOff, 0);
    assert_int_equal(nRun, 0);
    write_docs(zDir, "spill", nDoc, nSpill, &nOff, &nRun);
    th_check(nOff == nOffWant && nRun == nRunWant,
             "%u documents at %zu: %llu offsets and %llu runs spilled, "
             "expected %llu and %llu", nDoc, nSpill, (unsigned long long)nOff,
             (unsigned long long)nRun, (unsigned long long)nOffWant,
             (unsigned long long)nRunWant);
    same_file(zDir, "mem", "spill", "docs");
    same_file(zDir, "mem", "spill", "store");
    read_back(zDir, "spill", nDoc);
}

/* An id entry is 24 bytes in memory, an offset 8. */
#define IDMEM 24

static void
test_spill_limits(void **state)
{
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    /* At the limit: 100 ids fill 2400 bytes exactly, nothing goes out. */
    one_case(zDir, 100, 100 * IDMEM, 0, 0);
    /* One past: the 101st id spills the first 100 (the last is sorted
    ** in memory, then spilled as the second run at the end); the offsets
    ** (808 bytes) stay. */
    one_case(zDir, 101, 100 * IDMEM, 0, 1);
    /* Offsets at their limit and one past (ids spill every 33). */
    one_case(zDir, 100, 100 * 8, 0, 3);
    one_case(zDir, 101, 100 * 8, 100, 3);
    th_rmtree(zDir);
}

static void
test_spill_many_runs(void **state)
{
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    /* 3000 documents (three checksum chunks of 1024) in runs of 10 ids,
    ** offsets spilled every 30: 299 runs and 2970 offsets before the end. */
    one_case(zDir, 3000, 10 * IDMEM, 2970, 299);
    /* The smallest spill size: one entry at a time. */
    one_case(zDir, 1500, 1, 1499, 1499);
    th_rmtree(zDir);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spill_limits),
        cmocka_unit_test(test_spill_many_runs),
    };
    return TH_RUN(tests);
}
