/*
** t_multi.c -- several of kq's own indexes opened as one
** (kq_index_open_many()): the library's view of them (docids continuing
** from one index to the next, statistics, segments and their index,
** finding by id), and what cannot be made with kq-index: another title
** weight, and more documents in all than 32-bit docids number (the
** manifests written by hand, the segments they name absent).
*/
#include "tharness.h"
#include "kq_int.h"

static void write_index(const char *zDir, const char *const *azId, int n) {
    kq_writer *w = NULL;
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    char *zErr = NULL;
    int rc = kq_writer_open(zDir, &opts, &w, &zErr);
    if (rc != KQ_OK) fail_msg("kq_writer_open: rc=%d %s", rc, zErr ? zErr : "");
    for (int i = 0; i < n; i++) {
        kq_doc d;
        memset(&d, 0, sizeof d);
        d.zId = azId[i];
        d.nId = strlen(azId[i]);
        d.zBody = "oil prices rose";
        d.nBody = strlen(d.zBody);
        rc = kq_writer_add(w, &d, &zErr);
        if (rc != KQ_OK) fail_msg("kq_writer_add: rc=%d %s", rc, zErr ? zErr : "");
    }
    rc = kq_writer_commit(w, &zErr);
    if (rc != KQ_OK) fail_msg("kq_writer_commit: rc=%d %s", rc, zErr ? zErr : "");
    kq_writer_close(w);
}

/* Two indexes as one: docids of the second follow the first's. */
static void test_docids_and_segments(void **state) {
    (void)state;
    char zA[64], zB[64];
    th_mkdtemp(zA, sizeof zA);
    th_mkdtemp(zB, sizeof zB);
    const char *azA[] = {"a1", "a2", "a3"}, *azB[] = {"b1", "b2"};
    write_index(zA, azA, 3);
    write_index(zB, azB, 2);
    const char *az[] = {zA, zB};
    kq_index *p = NULL;
    char *zErr = NULL;
    int rc = kq_index_open_many(az, 2, &p, &zErr);
    if (rc != KQ_OK) fail_msg("open_many: rc=%d %s", rc, zErr ? zErr : "");
    const kq_stats *st = kq_index_stats(p);
    assert_int_equal(st->nDoc, 5);
    assert_int_equal(st->nSegment, 2);
    assert_int_equal(st->nGeneration, 2);
    for (int i = 0; i < 5; i++) {
        const char *zId = i < 3 ? azA[i] : azB[i - 3];
        kq_docid iDoc;
        assert_int_equal(kq_index_find(p, zId, strlen(zId), &iDoc, NULL), KQ_OK);
        assert_int_equal(iDoc, (kq_docid)i);
        const kq_docinfo *d;
        assert_int_equal(kq_index_doc(p, iDoc, &d, NULL), KQ_OK);
        assert_int_equal(d->nId, strlen(zId));
        assert_memory_equal(d->zId, zId, d->nId);
    }
    for (uint32_t i = 0; i < 2; i++) {
        const kq_segment_stats *s;
        assert_int_equal(kq_index_segment(p, i, &s, NULL), KQ_OK);
        assert_int_equal(s->iIndex, i);
        assert_int_equal(s->nDoc, i ? 2 : 3);
    }
    uint64_t nDoc, nOcc;
    assert_int_equal(kq_index_term_freq(p, "oil", 3, &nDoc, &nOcc, NULL), KQ_OK);
    assert_int_equal(nDoc, 5);
    kq_index_close(p);
    free(zErr);
}

/* Rewrite zDir's manifest with another title weight. */
static void set_title_weight(const char *zDir, uint32_t n) {
    kqi_manifest m;
    char *zErr = NULL;
    assert_int_equal(kqi_manifest_read(zDir, &m, &zErr), KQ_OK);
    m.nTitleWeight = n;
    assert_int_equal(kqi_manifest_write(zDir, &m, &zErr), KQ_OK);
    kqi_manifest_clear(&m);
}

static void test_title_weight(void **state) {
    (void)state;
    char zA[64], zB[64];
    th_mkdtemp(zA, sizeof zA);
    th_mkdtemp(zB, sizeof zB);
    const char *azA[] = {"a1"}, *azB[] = {"b1"};
    write_index(zA, azA, 1);
    write_index(zB, azB, 1);
    set_title_weight(zB, 2);
    kq_index *p = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_open(zB, &p, &zErr), KQ_OK); /* alone: fine */
    assert_int_equal(kq_index_stats(p)->nTitleWeight, 2);
    kq_index_close(p);
    const char *az[] = {zA, zB};
    assert_int_equal(kq_index_open_many(az, 2, &p, &zErr), KQ_MISUSE);
    assert_null(p);
    assert_non_null(zErr);
    char *zWant = kq_mprintf("%s has the title weight 2, %s 3", zB, zA);
    if (strstr(zErr, zWant) == NULL) fail_msg("message: %s", zErr);
    free(zWant);
    free(zErr);
    zErr = NULL;
    set_title_weight(zB, 3);
    assert_int_equal(kq_index_open_many(az, 2, &p, &zErr), KQ_OK);
    kq_index_close(p);
}

/* A manifest in zDir naming one segment of nDoc documents (its files
** absent). */
static void fake_manifest(const char *zDir, uint32_t nDoc) {
    kqi_manifest m;
    memset(&m, 0, sizeof m);
    m.nGeneration = 1;
    snprintf(m.zLang, sizeof m.zLang, "english");
    m.nTitleWeight = 3;
    m.nSeg = 1;
    m.aSeg = calloc(1, sizeof(kqi_segmeta));
    assert_non_null(m.aSeg);
    m.aSeg[0].iSeg = 1;
    m.aSeg[0].nDoc = nDoc;
    char *zErr = NULL;
    assert_int_equal(kqi_manifest_write(zDir, &m, &zErr), KQ_OK);
    kqi_manifest_clear(&m);
}

/* Docids are 32-bit across the indexes: fewer than KQ_DOCID_EOF
** documents in all.  At the limit the open goes on (and fails only at the
** absent segment files); one past it, the message. */
static void test_docid_limit(void **state) {
    (void)state;
    char zA[64], zB[64];
    th_mkdtemp(zA, sizeof zA);
    th_mkdtemp(zB, sizeof zB);
    const char *az[] = {zA, zB};
    kq_index *p = NULL;
    char *zErr = NULL;
    fake_manifest(zA, 0x7fffffffu);
    fake_manifest(zB, 0x7fffffffu); /* 0xfffffffe in all: fits */
    int rc = kq_index_open_many(az, 2, &p, &zErr);
    assert_int_not_equal(rc, KQ_OK);
    assert_int_not_equal(rc, KQ_MISUSE);
    assert_non_null(zErr);
    assert_null(strstr(zErr, "in all"));
    free(zErr);
    zErr = NULL;
    fake_manifest(zB, 0x80000000u); /* 0xffffffff: one too many */
    rc = kq_index_open_many(az, 2, &p, &zErr);
    assert_int_equal(rc, KQ_MISUSE);
    assert_null(p);
    if (zErr == NULL || strstr(zErr, "the 2 indexes hold 4294967295 documents "
                                     "(deleted ones included) in all") == NULL)
        fail_msg("message: %s", zErr ? zErr : "(none)");
    free(zErr);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docids_and_segments),
        cmocka_unit_test(test_title_weight),
        cmocka_unit_test(test_docid_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
