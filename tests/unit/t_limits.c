/*
** t_limits.c -- limits of kq.h checked in the library itself, where the
** command line cannot reach them:
**   - KQ_MAX_DATE: kq_date_valid() at 64 and 65 bytes; kq_writer_add()
**     stores a 64-byte date and none for a 65-byte or 1 MB one (kq-index
**     warns before the library sees such a date, so only an API caller
**     meets this check); the Xapian writer likewise (with the plugin that
**     tests/run.sh names in KQ_XAPIAN_PLUGIN; skipped without one);
**   - KQ_MAX_FIELD_NAME: kq_writer_add() takes an extra field name of that
**     many bytes and refuses one more, its message giving the limit;
**   - the Xapian writer's vocabulary sets (xbackend.c XVOCAB_MAX), written
**     out when they reach their limit: at a limit of 1, 80, 81 (the
**     corpus's words), 82 and the default, in one database, in 3 shards
**     and in 2 shards written on 2 threads, every database has the same
**     whole vocabulary;
**   - KQ_MAX_SEGMENTS: the manifest writer writes KQ_MAX_SEGMENTS segment
**     records, which the reader accepts, and refuses one more (KQ_MISUSE,
**     the manifest on disk unchanged).  An index with that many segments
**     would take 100,000 commits to build, so the manifest is crafted.
*/
#include "tharness.h"

#include "kq_int.h"
#include "xapian_capi.h"

/* A date of n bytes: "2020-01-01T" then digits. */
static char *long_date(size_t n) {
    char *z = malloc(n + 1);
    assert_non_null(z);
    assert_true(n >= 11);
    memcpy(z, "2020-01-01T", 11);
    memset(z + 11, '1', n - 11);
    z[n] = 0;
    return z;
}

/* Document d<i>: "quokka", dated zDate/nDate (zId: its id's buffer). */
static void date_doc(kq_doc *d, char *zId, size_t nId, size_t i,
                     const char *zDate, size_t nDate) {
    memset(d, 0, sizeof *d);
    snprintf(zId, nId, "d%zu", i);
    d->zId = zId;
    d->nId = strlen(zId);
    d->zBody = "quokka";
    d->nBody = 6;
    d->zDate = zDate;
    d->nDate = nDate;
}

static void test_date_valid(void **state) {
    (void)state;
    char *z64 = long_date(KQ_MAX_DATE);
    char *z65 = long_date(KQ_MAX_DATE + 1);
    assert_int_equal(kq_date_valid(z64, KQ_MAX_DATE), 1);
    assert_int_equal(kq_date_valid(z65, KQ_MAX_DATE + 1), 0);
    /* the date terms follow kq_date_valid() */
    char aOut[3][12];
    assert_int_equal(kqi_date_terms(z64, KQ_MAX_DATE, aOut), 3);
    assert_string_equal(aOut[2], "2020-01-01");
    assert_int_equal(kqi_date_terms(z65, KQ_MAX_DATE + 1, aOut), 0);
    free(z64);
    free(z65);
}

/* kq_writer_add: the stored date of a document dated with n bytes. */
static void test_writer_date(void **state) {
    (void)state;
    static const size_t aLen[] = {KQ_MAX_DATE, KQ_MAX_DATE + 1, 1 << 20};
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer_opts o = KQ_WRITER_OPTS_INIT;
    o.nLockWaitMs = -1;
    kq_writer *w = NULL;
    char *zErr = NULL;
    int rc = kq_writer_open(zDir, &o, &w, &zErr);
    th_check(rc == KQ_OK, "kq_writer_open: %s", zErr ? zErr : "");
    for (size_t i = 0; i < 3; i++) {
        char zId[8];
        char *zDate = long_date(aLen[i]);
        kq_doc d;
        date_doc(&d, zId, sizeof zId, i, zDate, aLen[i]);
        rc = kq_writer_add(w, &d, &zErr);
        th_check(rc == KQ_OK, "kq_writer_add: %s", zErr ? zErr : "");
        free(zDate);
    }
    rc = kq_writer_commit(w, &zErr);
    th_check(rc == KQ_OK, "kq_writer_commit: %s", zErr ? zErr : "");
    kq_writer_close(w);

    kq_index *pIdx = NULL;
    rc = kq_index_open(zDir, &pIdx, &zErr);
    th_check(rc == KQ_OK, "kq_index_open: %s", zErr ? zErr : "");
    for (kq_docid i = 0; i < 3; i++) {
        const kq_docinfo *info;
        rc = kq_index_doc(pIdx, i, &info, &zErr);
        th_check(rc == KQ_OK, "kq_index_doc: %s", zErr ? zErr : "");
        if (i == 0) {
            char *z64 = long_date(KQ_MAX_DATE);
            assert_int_equal(info->nDate, KQ_MAX_DATE);
            assert_memory_equal(info->zDate, z64, KQ_MAX_DATE);
            free(z64);
        } else {
            th_check(info->nDate == 0, "document %u: a date of %zu bytes "
                     "stored (%zu bytes)", i, aLen[i], info->nDate);
        }
    }
    kq_index_close(pIdx);
    th_rmtree(zDir);
}

/* kq_writer_add: an extra field name of KQ_MAX_FIELD_NAME bytes is taken,
** one byte more is KQ_MISUSE, and the message gives the limit (it gave
** only the pattern). */
static void test_writer_field_name(void **state) {
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    kq_writer_opts o = KQ_WRITER_OPTS_INIT;
    o.nLockWaitMs = -1;
    kq_writer *w = NULL;
    char *zErr = NULL;
    int rc = kq_writer_open(zDir, &o, &w, &zErr);
    th_check(rc == KQ_OK, "kq_writer_open: %s", zErr ? zErr : "");
    char aName[KQ_MAX_FIELD_NAME + 2];
    memset(aName, 'f', sizeof aName);
    aName[sizeof aName - 1] = 0;
    for (size_t n = KQ_MAX_FIELD_NAME; n <= KQ_MAX_FIELD_NAME + 1; n++) {
        char zId[8];
        kq_doc d;
        date_doc(&d, zId, sizeof zId, n, NULL, 0);
        kq_field f = {aName, n, "v", 1};
        d.aField = &f;
        d.nField = 1;
        rc = kq_writer_add(w, &d, &zErr);
        if (n == KQ_MAX_FIELD_NAME) {
            th_check(rc == KQ_OK, "kq_writer_add: %s", zErr ? zErr : "");
        } else {
            assert_int_equal(rc, KQ_MISUSE);
            char zWant[32];
            snprintf(zWant, sizeof zWant, "at most %d bytes",
                     KQ_MAX_FIELD_NAME);
            th_check(zErr && strstr(zErr, zWant), "message: %s",
                     zErr ? zErr : "(none)");
            free(zErr);
            zErr = NULL;
        }
    }
    kq_writer_close(w);
    th_rmtree(zDir);
}

/* kqi_xwriter_add: the same three documents in a Xapian database. */
static void test_xwriter_date(void **state) {
    (void)state;
    static const size_t aLen[] = {KQ_MAX_DATE, KQ_MAX_DATE + 1, 1 << 20};
    if (getenv("KQ_XAPIAN_PLUGIN") == NULL) {
        skip();
    }
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    char zDb[80];
    snprintf(zDb, sizeof zDb, "%s/x", zDir);
    kqi_xwriter *w = NULL;
    char *zErr = NULL;
    int rc = kqi_xwriter_open(zDb, NULL, &w, &zErr);
    th_check(rc == KQ_OK, "kqi_xwriter_open: %s", zErr ? zErr : "");
    for (size_t i = 0; i < 3; i++) {
        char zId[8];
        char *zDate = long_date(aLen[i]);
        kq_doc d;
        date_doc(&d, zId, sizeof zId, i, zDate, aLen[i]);
        rc = kqi_xwriter_add(w, &d, &zErr);
        th_check(rc == KQ_OK, "kqi_xwriter_add: %s", zErr ? zErr : "");
        free(zDate);
    }
    rc = kqi_xwriter_commit(w, &zErr);
    th_check(rc == KQ_OK, "kqi_xwriter_commit: %s", zErr ? zErr : "");
    kqi_xwriter_close(w);

    kqi_xindex *pX = NULL;
    const char *azPath[1] = {zDb};
    rc = kqi_xindex_open(azPath, 1, &pX, &zErr);
    th_check(rc == KQ_OK, "kqi_xindex_open: %s", zErr ? zErr : "");
    for (kq_docid i = 0; i < 3; i++) {
        char *z = NULL;
        size_t n = 0;
        rc = kqi_xdoc(pX, i, KQX_VALUE_DATE, &z, &n, &zErr);
        th_check(rc == KQ_OK, "kqi_xdoc: %s", zErr ? zErr : "");
        if (i == 0) {
            char *z64 = long_date(KQ_MAX_DATE);
            assert_int_equal(n, KQ_MAX_DATE);
            assert_memory_equal(z, z64, KQ_MAX_DATE);
            free(z64);
        } else {
            th_check(n == 0, "document %u: a date of %zu bytes stored (%zu "
                     "bytes)", i, aLen[i], n);
        }
        free(z);
    }
    kqi_xindex_close(pX);
    th_rmtree(zDir);
}

/* "w" 0x01 word entries of the database at zDb, as "word=stem;..." */
static int vocab_cb(void *pCtx, const char *zKey, size_t nKey,
                    const char *zVal, size_t nVal) {
    kq_buf *b = pCtx;
    kq_buf_append(b, zKey + 2, nKey - 2);
    kq_buf_append(b, "=", 1);
    kq_buf_append(b, zVal, nVal);
    kq_buf_append(b, ";", 1);
    return 0;
}

static char *vocab_of(const char *zDb) {
    const char *az[1] = {zDb};
    kqx_db *p = NULL;
    char *zErr = NULL;
    int rc = kqx_db_open(az, 1, &p, &zErr);
    th_check(rc == KQ_OK, "kqx_db_open %s: %s", zDb, zErr ? zErr : "");
    kq_buf b = {0};
    rc = kqx_db_metadata_scan(p, "w\x01", 2, &b, vocab_cb, &zErr);
    th_check(rc == KQ_OK, "metadata: %s", zErr ? zErr : "");
    kq_buf_append(&b, "", 1);
    kqx_db_close(p);
    return (char *)b.a;
}

/* The vocabulary sets written out at their limit, and one past it. */
static void test_xwriter_vocab_max(void **state) {
    (void)state;
    if (getenv("KQ_XAPIAN_PLUGIN") == NULL) {
        skip();
    }
    /* 40 documents of two words each of their own, and a title word they
    ** share: 81 words ("shared" is stemmed: word and stem differ). */
    static const u32 aMax[] = {0, 1, 80, 81, 82};
    static const int aShard[][2] = {{0, 1}, {3, 1}, {2, 2}};
    char *zWant = NULL;
    for (size_t m = 0; m < sizeof aShard / sizeof aShard[0]; m++) {
        for (size_t k = 0; k < sizeof aMax / sizeof aMax[0]; k++) {
            char zDir[64];
            th_mkdtemp(zDir, sizeof zDir);
            char zDb[80];
            snprintf(zDb, sizeof zDb, "%s/x", zDir);
            kq_writer_opts o = KQ_WRITER_OPTS_INIT;
            o.nShard = aShard[m][0];
            o.nThread = aShard[m][1];
            kqi_xwriter *w = NULL;
            char *zErr = NULL;
            int rc = kqi_xwriter_open(zDb, &o, &w, &zErr);
            th_check(rc == KQ_OK, "kqi_xwriter_open: %s", zErr ? zErr : "");
            kqi_xwriter_set_vocab_max(w, aMax[k]);
            for (int i = 0; i < 40; i++) {
                char zId[16], zBody[64];
                snprintf(zId, sizeof zId, "d%d", i);
                snprintf(zBody, sizeof zBody, "running%c%c wb%d", 'a' + i % 26,
                         'a' + i / 26, i);
                kq_doc d;
                memset(&d, 0, sizeof d);
                d.zId = zId;
                d.nId = strlen(zId);
                d.zBody = zBody;
                d.nBody = strlen(zBody);
                d.zTitle = "shared";
                d.nTitle = 6;
                rc = kqi_xwriter_add(w, &d, &zErr);
                th_check(rc == KQ_OK, "kqi_xwriter_add: %s",
                         zErr ? zErr : "");
            }
            rc = kqi_xwriter_commit(w, &zErr);
            th_check(rc == KQ_OK, "commit: %s", zErr ? zErr : "");
            kqi_xwriter_close(w);
            int nDb = aShard[m][0] ? aShard[m][0] : 1;
            for (int s = 0; s < nDb; s++) {
                char zPath[96];
                if (aShard[m][0]) {
                    snprintf(zPath, sizeof zPath, "%s/shard%03d", zDb, s);
                } else {
                    snprintf(zPath, sizeof zPath, "%s", zDb);
                }
                char *zHave = vocab_of(zPath);
                if (zWant == NULL) {
                    zWant = zHave;
                    /* 81 entries; a stemmed word maps to its stem. */
                    int n = 0;
                    for (const char *z = zWant; *z; z++) {
                        n += *z == ';';
                    }
                    assert_int_equal(n, 81);
                    assert_non_null(strstr(zWant, "runningaa=runningaa;"));
                    assert_non_null(strstr(zWant, "shared=share;"));
                } else {
                    th_check(strcmp(zHave, zWant) == 0,
                             "shards %d, threads %d, limit %u: shard %d's "
                             "vocabulary differs", aShard[m][0],
                             aShard[m][1], aMax[k], s);
                    free(zHave);
                }
            }
            th_rmtree(zDir);
        }
    }
    free(zWant);
}

static void crafted_manifest(kqi_manifest *m, u32 nSeg, u64 nGen) {
    memset(m, 0, sizeof *m);
    m->nGeneration = nGen;
    snprintf(m->zLang, sizeof m->zLang, "%s", "english");
    m->nTitleWeight = 1;
    m->nSeg = nSeg;
    m->aSeg = calloc(nSeg, sizeof(kqi_segmeta));
    assert_non_null(m->aSeg);
    for (u32 i = 0; i < nSeg; i++) {
        m->aSeg[i].iSeg = i + 1;
        m->aSeg[i].nDoc = 1;
        m->aSeg[i].nToken = 1;
        m->aSeg[i].nKey = 1;
    }
}

static void test_manifest_segments(void **state) {
    (void)state;
    char zDir[64];
    char *zErr = NULL;
    kqi_manifest m, r;
    th_mkdtemp(zDir, sizeof zDir);

    crafted_manifest(&m, KQ_MAX_SEGMENTS, 7);
    int rc = kqi_manifest_write(zDir, &m, &zErr);
    th_check(rc == KQ_OK, "write %d segments: %s", KQ_MAX_SEGMENTS,
             zErr ? zErr : "");
    kqi_manifest_clear(&m);
    rc = kqi_manifest_read(zDir, &r, &zErr);
    th_check(rc == KQ_OK, "read %d segments: %s", KQ_MAX_SEGMENTS,
             zErr ? zErr : "");
    assert_int_equal(r.nSeg, KQ_MAX_SEGMENTS);
    assert_int_equal(r.nGeneration, 7);
    kqi_manifest_clear(&r);

    crafted_manifest(&m, KQ_MAX_SEGMENTS + 1, 8);
    rc = kqi_manifest_write(zDir, &m, &zErr);
    assert_int_equal(rc, KQ_MISUSE);
    th_check(zErr && strstr(zErr, "more than 100000") &&
             strstr(zErr, "kq-index compact"), "message: %s",
             zErr ? zErr : "(none)");
    free(zErr);
    zErr = NULL;
    kqi_manifest_clear(&m);
    /* the manifest of the limit is still the index's */
    rc = kqi_manifest_read(zDir, &r, &zErr);
    th_check(rc == KQ_OK, "read back: %s", zErr ? zErr : "");
    assert_int_equal(r.nSeg, KQ_MAX_SEGMENTS);
    assert_int_equal(r.nGeneration, 7);
    kqi_manifest_clear(&r);
    th_rmtree(zDir);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_valid),
        cmocka_unit_test(test_writer_date),
        cmocka_unit_test(test_writer_field_name),
        cmocka_unit_test(test_xwriter_date),
        cmocka_unit_test(test_xwriter_vocab_max),
        cmocka_unit_test(test_manifest_segments),
    };
    return TH_RUN(tests);
}
