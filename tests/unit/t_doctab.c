/*
** t_doctab.c -- the document writer's scratch files (doctab.c:
** DOCW_SPILL).  Past its spill size the writer moves metaOff[] entries and
** sorted runs of the id table to scratch files, and puts them back at the
** end; the .docs and .store files must come out byte for byte as when
** everything stays in memory, and read back (every id found, with its
** content hash and length).  At the limit (exactly the spill size in
** memory) nothing is spilled; one entry past it, once.
**
** The stored text (.store): zstd blocks with a dictionary drawn from the
** segment's first batch of bodies.  The bodies read back exactly; the
** dictionary's size follows its rule at each limit (none within the first
** batch, the sample itself, none under KQI_STORE_DICT_LEAST); the writer that compresses batches elsewhere
** (-j N) writes the same files as the one that compresses as it goes; a
** damaged dictionary or block header is reported, not trusted.
**
** The meta fields (title, date, source) of a record that repeat an earlier
** record's refer to it: every value reads back, references are used
** where they are shorter, and a reference to a reference, or before the
** first document, is refused.
*/
#include "tharness.h"

#include "kq_int.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <zstd.h>

/* A document writer on zDir/<zName>.docs and .store (dw_open), finished
** and its files closed by dw_close, which gives the documents written. */
typedef struct dwriter {
    kqi_wfile d, s;
    kqi_docw *p;
} dwriter;

static void
dw_open(dwriter *w, const char *zDir, const char *zName)
{
    char zDocs[256], zStore[256];
    snprintf(zDocs, sizeof zDocs, "%s/%s.docs", zDir, zName);
    snprintf(zStore, sizeof zStore, "%s/%s.store", zDir, zName);
    assert_int_equal(kqi_wfile_open(&w->d, zDocs), KQ_OK);
    assert_int_equal(kqi_wfile_open(&w->s, zStore), KQ_OK);
    w->d.bNoSync = w->s.bNoSync = 1;
    assert_int_equal(kqi_docw_new(&w->d, &w->s, &w->p), KQ_OK);
}

static u64
dw_close(dwriter *w)
{
    u64 n = 0;
    assert_int_equal(kqi_docw_finish(w->p, &n), KQ_OK);
    char *zErr = NULL;
    assert_int_equal(kqi_wfile_close(&w->d, &zErr), KQ_OK);
    assert_int_equal(kqi_wfile_close(&w->s, &zErr), KQ_OK);
    return n;
}

/* Write nDoc documents (random ids, some repeated hashes impossible to
** arrange, so random bodies and lengths) with spill size nSpill (0: the
** default); the files go to zDir/<zName>.docs and .store.  *pnOff, *pnRun:
** what was spilled before the end. */
static void
write_docs(const char *zDir, const char *zName, u32 nDoc, size_t nSpill,
           u64 *pnOff, u64 *pnRun)
{
    char zId[32], zBody[64];
    dwriter w;
    dw_open(&w, zDir, zName);
    kqi_docw *p = w.p;
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
    assert_int_equal(dw_close(&w), nDoc);
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


/* Bodies for the store tests: words from a small vocabulary (text that
** compresses), some documents empty, nBody bytes in all, each at most
** nMax.  aBody[i] points into *pz (free()d by the caller). */
typedef struct bodies {
    char *z;
    size_t *an, *ao;
    u32 n;
} bodies;

static void
make_bodies(bodies *b, size_t nBody, size_t nMax, const char *zSeed)
{
    static const char *az[] = {"the ",   "whale ",  "harpoon ", "sea ",
                               "ship ",  "captain ", "of ",     "and ",
                               "white ", "ocean ",   "\n",      "Ahab "};
    th_rng r = th_rng_for(zSeed);
    b->z = malloc(nBody + 1);
    /* (No two empty documents in a row: at most 2 nBody + 1 of them.) */
    b->an = malloc(sizeof(size_t) * (2 * nBody + 2));
    b->ao = malloc(sizeof(size_t) * (2 * nBody + 2));
    assert_true(b->z != NULL && b->an != NULL && b->ao != NULL);
    size_t o = 0;
    for (size_t i = 0; i < nBody; i++) {
        const char *w = az[th_next(&r) % 12];
        b->z[i] = w[i % strlen(w)];
    }
    b->n = 0;
    while (o < nBody) {
        int bEmpty = th_next(&r) % 5 == 0 && (b->n == 0 || b->an[b->n - 1]);
        size_t n = bEmpty ? 0 : 1 + th_next(&r) % nMax;
        if (n > nBody - o) {
            n = nBody - o;
        }
        b->ao[b->n] = o;
        b->an[b->n++] = n;
        o += n;
    }
}

static void
free_bodies(bodies *b)
{
    free(b->z);
    free(b->an);
    free(b->ao);
}

/* Store b's documents in zDir/<zName>.docs/.store, in batches as the
** writer makes them: a batch ends after nBatch documents or once its
** bodies reach KQI_STORE_DICT_SAMPLE bytes, and the last may be short.
** bDefer: as -j N does, the bodies compressed apart a batch at a time
** (kqi_store_encode) and handed in. */
static void
store_docs(const char *zDir, const char *zName, const bodies *b, u32 nBatch,
           int bDefer)
{
    char zId[32];
    dwriter w;
    dw_open(&w, zDir, zName);
    kqi_docw *p = w.p;
    if (bDefer) {
        kqi_docw_set_deferred(p);
    }
    ZSTD_CCtx *pCC = NULL;
    u32 i0 = 0;
    size_t nBytes = 0;
    for (u32 i = 0; i < b->n; i++) {
        snprintf(zId, sizeof zId, "d%u", i);
        kq_doc doc = {zId, strlen(zId), "", 0, "", 0, "", 0,
                      b->z + b->ao[i], b->an[i], NULL, 0, NULL, 0};
        assert_int_equal(kqi_docw_add(p, &doc, 1, 0,
                                      kqi_hash64(zId, strlen(zId),
                                                 KQI_ID_SEED),
                                      i),
                         KQ_OK);
        nBytes += b->an[i];
        int bFull = i + 1 - i0 == nBatch || nBytes >= KQI_STORE_DICT_SAMPLE;
        int bLast = i + 1 == b->n && !bFull;
        if (!bFull && !bLast) {
            continue;
        }
        if (!bDefer) {
            if (bFull) {
                kqi_docw_end_batch(p);
            }
        } else {
            u32 n = i + 1 - i0;
            kqi_docw_end_batch(p);
            if (!kqi_docw_has_dict(p)) {
                for (u32 k = i0; k <= i; k++) {
                    kqi_docw_sample(p, b->z + b->ao[k], b->an[k]);
                }
                kqi_docw_sample_end(p, bLast);
            }
            const char **az = malloc(sizeof(char *) * n);
            size_t *an = malloc(sizeof(size_t) * n);
            assert_true(az != NULL && an != NULL);
            for (u32 k = 0; k < n; k++) {
                az[k] = b->z + b->ao[i0 + k];
                an[k] = b->an[i0 + k];
            }
            kq_buf out, offs;
            memset(&out, 0, sizeof(out));
            memset(&offs, 0, sizeof(offs));
            assert_int_equal(kqi_store_encode(&pCC, kqi_docw_cdict(p), az, an,
                                              n, &out, &offs),
                             KQ_OK);
            assert_int_equal(kqi_docw_put_blocks(p, out.a, out.n, offs.a,
                                                 offs.n / 8),
                             KQ_OK);
            kq_buf_free(&out);
            kq_buf_free(&offs);
            free(az);
            free(an);
        }
        i0 = i + 1;
        nBytes = 0;
    }
    ZSTD_freeCCtx(pCC);
    assert_int_equal(dw_close(&w), b->n);
}

/* Open zDir/<zName>'s files: their maps in am[2], the table in *pDocs. */
static void
open_docs(const char *zDir, const char *zName, kqi_map am[2], kqi_docs *pDocs)
{
    char zDocs[256], zStore[256];
    snprintf(zDocs, sizeof zDocs, "%s/%s.docs", zDir, zName);
    snprintf(zStore, sizeof zStore, "%s/%s.store", zDir, zName);
    char *zErr = NULL;
    assert_int_equal(kqi_map_open(&am[0], zDocs, &zErr), KQ_OK);
    assert_int_equal(kqi_map_open(&am[1], zStore, &zErr), KQ_OK);
    assert_int_equal(kqi_docs_open(pDocs, &am[0], &am[1], &zErr), KQ_OK);
}

static void
close_docs(kqi_map am[2], kqi_docs *pDocs)
{
    kqi_docs_close(pDocs);
    kqi_map_close(&am[0]);
    kqi_map_close(&am[1]);
}

/* Every body of b reads back, one at a time and through a cache; the
** store's dictionary is nDictWant bytes. */
static void
store_check(const char *zDir, const char *zName, const bodies *b,
            u32 nDictWant)
{
    kqi_map am[2];
    kqi_docs docs;
    open_docs(zDir, zName, am, &docs);
    th_check(docs.nDict == nDictWant, "%s: a dictionary of %u bytes, not %u",
             zName, docs.nDict, nDictWant);
    char *zErr = NULL;
    assert_int_equal(kqi_docs_dict_check(&docs, &zErr), KQ_OK);
    kqi_textcache cache;
    memset(&cache, 0, sizeof(cache));
    for (u32 i = 0; i < b->n; i++) {
        char *z;
        size_t n;
        assert_int_equal(kqi_docs_text(&docs, i, &z, &n, &zErr), KQ_OK);
        th_check(n == b->an[i] && memcmp(z, b->z + b->ao[i], n) == 0,
                 "%s: document %u's text", zName, i);
        free(z);
        const char *zRef;
        assert_int_equal(kqi_docs_text_ref(&docs, i, &cache, &zRef, &n, &zErr),
                         KQ_OK);
        th_check(n == b->an[i] && memcmp(zRef, b->z + b->ao[i], n) == 0,
                 "%s: document %u's text (cached)", zName, i);
    }
    kqi_textcache_clear(&cache);
    close_docs(am, &docs);
}

/* One store case: bodies of nBody bytes, batches of nBatch documents,
** written both ways, the same files, read back. */
static void
store_case(const char *zDir, size_t nBody, size_t nMax, u32 nBatch,
           u32 nDictWant)
{
    bodies b;
    make_bodies(&b, nBody, nMax, "store");
    store_docs(zDir, "go", &b, nBatch, 0);
    store_docs(zDir, "defer", &b, nBatch, 1);
    same_file(zDir, "go", "defer", "docs");
    same_file(zDir, "go", "defer", "store");
    store_check(zDir, "go", &b, nDictWant);
    free_bodies(&b);
}

static void
test_store_dictionary(void **state)
{
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    const size_t S = KQI_STORE_DICT_SAMPLE;
    /* A segment that ends within its first batch: no dictionary. */
    store_case(zDir, 100000, 3000, 1000000, 0);
    store_case(zDir, S - 1, 3000, 1000000, 0);
    /* One byte more and the batch is full: its sample, S bytes, is the
    ** dictionary. */
    store_case(zDir, S, 3000, 1000000, S);
    store_case(zDir, 3 * S, 1000, 1000, S);
    /* A 1 MB first body: the sample is its first S bytes. */
    store_case(zDir, 4 * S, 4 * S, 1000, S);
    th_rmtree(zDir);
}

/* A first batch of one body of exactly nSample bytes (then 1000 bodies
** of one byte) gives a dictionary of nDictWant bytes. */
static void
sample_case(const char *zDir, size_t nSample, u32 nDictWant)
{
    bodies b;
    make_bodies(&b, nSample + 1000, 1, "sample");
    b.n = 1001;
    b.ao[0] = 0;
    b.an[0] = nSample;
    for (u32 i = 1; i < b.n; i++) {
        b.ao[i] = nSample + i - 1;
        b.an[i] = 1;
    }
    store_docs(zDir, "go", &b, 1, 0);
    store_docs(zDir, "defer", &b, 1, 1);
    same_file(zDir, "go", "defer", "store");
    store_check(zDir, "go", &b, nDictWant);
    free_bodies(&b);
}

static void
test_store_dictionary_limits(void **state)
{
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    const size_t L = KQI_STORE_DICT_LEAST, S = KQI_STORE_DICT_SAMPLE;
    /* The least: a sample of L - 1 bytes gives none, L one of L. */
    sample_case(zDir, L - 1, 0);
    sample_case(zDir, L, L);
    /* The most: the whole sample, S - 1 and S bytes; then S whatever the
    ** first body's length. */
    sample_case(zDir, S - 1, S - 1);
    sample_case(zDir, S, S);
    sample_case(zDir, S + 4096, S);
    th_rmtree(zDir);
}

/* A body that starts with zstd's dictionary magic number, and one with its
** frame magic, are text like any other: the sample (and so the dictionary)
** starts with the first. */
static void
test_store_magic_text(void **state)
{
    (void)state;
    char zDir[64];
    th_mkdtemp(zDir, sizeof zDir);
    bodies b;
    make_bodies(&b, 300000, 2000, "magic");
    b.an[0] = b.an[0] < 8 ? 8 : b.an[0]; /* (overlapping the next: no matter) */
    memcpy(b.z, "\x37\xa4\x30\xec", 4);
    memcpy(b.z + 4, "\x28\xb5\x2f\xfd", 4);
    store_docs(zDir, "go", &b, 50, 0);
    kqi_map am[2];
    kqi_docs docs;
    open_docs(zDir, "go", am, &docs);
    assert_true(docs.nDict > 0);
    assert_memory_equal(docs.aDict, "\x37\xa4\x30\xec", 4);
    close_docs(am, &docs);
    store_check(zDir, "go", &b, docs.nDict);
    free_bodies(&b);
    th_rmtree(zDir);
}

/* Flip byte k of file zPath. */
static void
flip_byte(const char *zPath, long k)
{
    FILE *f = fopen(zPath, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, k, SEEK_SET), 0);
    int c = fgetc(f);
    assert_int_equal(fseek(f, k, SEEK_SET), 0);
    fputc(c ^ 0x20, f);
    fclose(f);
}

static void
test_store_damage(void **state)
{
    (void)state;
    char zDir[64], zStore[128];
    th_mkdtemp(zDir, sizeof zDir);
    snprintf(zStore, sizeof zStore, "%s/go.store", zDir);
    bodies b;
    make_bodies(&b, 300000, 2000, "damage");
    b.an[0] = b.an[0] ? b.an[0] : 1; /* (overlapping the next: no matter) */
    store_docs(zDir, "go", &b, 1000, 0);
    kqi_map am[2];
    kqi_docs docs;
    open_docs(zDir, "go", am, &docs);
    assert_int_equal(docs.nDict, KQI_STORE_DICT_SAMPLE);
    long iDict = (long)(docs.iStoreDir - docs.nDict);
    u32 iLast = docs.nDoc - 1;
    close_docs(am, &docs);
    /* A damaged dictionary: kq check names it; a block that used it does
    ** not decode to its checksum (and is reported, not returned). */
    flip_byte(zStore, iDict + 100);
    open_docs(zDir, "go", am, &docs);
    char *zErr = NULL;
    assert_int_equal(kqi_docs_dict_check(&docs, &zErr), KQ_CORRUPT);
    th_check(zErr && strstr(zErr, "checksum mismatch in the dictionary"),
             "%s", zErr ? zErr : "(no message)");
    free(zErr);
    zErr = NULL;
    int nBad = 0;
    for (u32 i = 0; i < docs.nDoc; i++) {
        char *z = NULL;
        size_t n;
        if (b.an[i] && kqi_docs_text(&docs, i, &z, &n, &zErr) == KQ_CORRUPT) {
            nBad++;
        }
        free(z);
        free(zErr);
        zErr = NULL;
    }
    th_check(nBad > 0, "no block noticed the damaged dictionary");
    close_docs(am, &docs);
    flip_byte(zStore, iDict + 100);
    /* A block header that claims more than its bytes could hold:
    ** refused before anything is allocated for it. */
    open_docs(zDir, "go", am, &docs);
    u64 off = kqi_get_u64(am[1].a + docs.iStoreDir);
    assert_int_equal(am[1].a[off], 1); /* zstd */
    close_docs(am, &docs);
    FILE *f = fopen(zStore, "r+b");
    assert_non_null(f);
    u8 h[4];
    kqi_put_u32(h, 0xffffffffu);
    assert_int_equal(fseek(f, (long)off + 1, SEEK_SET), 0);
    assert_int_equal(fwrite(h, 1, 4, f), 4);
    fclose(f);
    open_docs(zDir, "go", am, &docs);
    char *z = NULL;
    size_t n;
    assert_int_equal(kqi_docs_text(&docs, 0, &z, &n, &zErr), KQ_CORRUPT);
    free(z);
    free(zErr);
    zErr = NULL;
    /* The other blocks still read. */
    assert_int_equal(kqi_docs_text(&docs, iLast, &z, &n, &zErr), KQ_OK);
    free(z);
    close_docs(am, &docs);
    free_bodies(&b);
    th_rmtree(zDir);
}

/* Documents whose title, date and source come in runs and alternations,
** some empty, some long: written, then every field read back. */
static void
test_meta_refs(void **state)
{
    (void)state;
    char zDir[64], zId[32];
    th_mkdtemp(zDir, sizeof zDir);
    static const char *azVal[] = {"", "a", "The Same Title", "2020-01-05",
                                  "gutenberg/Alcott, Louisa May"};
    char zLong[300];
    memset(zLong, 'x', sizeof zLong);
    th_rng r = th_rng_for("meta");
    enum { N = 3000 };
    static int aPick[N][3];
    dwriter w;
    dw_open(&w, zDir, "m");
    for (int i = 0; i < N; i++) {
        const char *az[3];
        size_t an[3];
        for (int k = 0; k < 3; k++) {
            /* Runs: keep the previous value 4 times in 5; else another
            ** (6: 300 bytes). */
            int v = i > 0 && th_next(&r) % 5 ? aPick[i - 1][k]
                                             : (int)(th_next(&r) % 6);
            aPick[i][k] = v;
            az[k] = v == 5 ? zLong : azVal[v];
            an[k] = v == 5 ? sizeof zLong : strlen(azVal[v]);
        }
        snprintf(zId, sizeof zId, "m%d", i);
        kq_doc doc = {zId, strlen(zId), az[0], an[0], az[1], an[1], az[2],
                      an[2], "body", 4, NULL, 0, NULL, 0};
        assert_int_equal(kqi_docw_add(w.p, &doc, 1, 0,
                                      kqi_hash64(zId, strlen(zId), KQI_ID_SEED),
                                      (u64)i),
                         KQ_OK);
    }
    assert_int_equal(dw_close(&w), N);
    char *zErr = NULL;
    kqi_map am[2];
    kqi_docs docs;
    open_docs(zDir, "m", am, &docs);
    for (int i = 0; i < N; i++) {
        kqi_docrec x;
        assert_int_equal(kqi_docs_info(&docs, (u32)i, &x, &zErr), KQ_OK);
        const char *az[3] = {x.zTitle, x.zDate, x.zSource};
        size_t an[3] = {x.nTitle, x.nDate, x.nSource};
        for (int k = 0; k < 3; k++) {
            int v = aPick[i][k];
            const char *zWant = v == 5 ? zLong : azVal[v];
            size_t nWant = v == 5 ? sizeof zLong : strlen(azVal[v]);
            th_check(an[k] == nWant && memcmp(az[k], zWant, nWant) == 0,
                     "document %d, field %d: %zu bytes, want %zu", i, k, an[k],
                     nWant);
        }
        char *z;
        size_t n;
        assert_int_equal(kqi_docs_text(&docs, (u32)i, &z, &n, &zErr), KQ_OK);
        th_check(n == 4 && memcmp(z, "body", 4) == 0, "document %d's text", i);
        free(z);
    }
    close_docs(am, &docs);
    th_rmtree(zDir);
}

/* Write documents m0, m1, m2 with titles zT[0..2] (date and source
** empty) to zDir/r.docs. */
static void
three_docs(const char *zDir, const char *const zT[3])
{
    char zId[16];
    dwriter w;
    dw_open(&w, zDir, "r");
    for (int i = 0; i < 3; i++) {
        snprintf(zId, sizeof zId, "m%d", i);
        kq_doc doc = {zId, 2, zT[i], strlen(zT[i]), "", 0, "", 0, "", 0,
                      NULL, 0, NULL, 0};
        assert_int_equal(kqi_docw_add(w.p, &doc, 1, 0,
                                      kqi_hash64(zId, 2, KQI_ID_SEED), 0),
                         KQ_OK);
    }
    assert_int_equal(dw_close(&w), 3);
}

/* The byte of document 2's title field (after its id, "m2") set to v,
** its record's CRC32 made right again; then document 2's title read. */
static int
title_as(const char *zDir, u8 v, const char **pz, size_t *pn)
{
    char zDocs[128];
    snprintf(zDocs, sizeof zDocs, "%s/r.docs", zDir);
    kqi_map am[2];
    kqi_docs docs;
    open_docs(zDir, "r", am, &docs);
    u64 a = kqi_get_u64(docs.aOff + 16), b = kqi_get_u64(docs.aOff + 24);
    close_docs(am, &docs);
    FILE *f = fopen(zDocs, "r+b");
    assert_non_null(f);
    u8 rec[64];
    assert_true(b - a <= sizeof rec);
    assert_int_equal(fseek(f, (long)a, SEEK_SET), 0);
    assert_int_equal(fread(rec, 1, b - a, f), b - a);
    assert_int_equal(rec[0], 2); /* the id: 2 bytes, then the title */
    rec[3] = v;
    kqi_put_u32(rec + (b - a) - 4, libdeflate_crc32(0, rec, b - a - 4));
    assert_int_equal(fseek(f, (long)a, SEEK_SET), 0);
    assert_int_equal(fwrite(rec, 1, b - a, f), b - a);
    fclose(f);
    open_docs(zDir, "r", am, &docs);
    kqi_docrec x;
    char *zErr = NULL;
    int rc = kqi_docs_info(&docs, 2, &x, &zErr);
    free(zErr);
    static char zBuf[64];
    if (rc == KQ_OK) {
        snprintf(zBuf, sizeof zBuf, "%.*s", (int)x.nTitle, x.zTitle);
        *pz = zBuf;
        *pn = x.nTitle;
    }
    close_docs(am, &docs);
    return rc;
}

static void
test_meta_refs_bad(void **state)
{
    (void)state;
    char zDir[64], zDocs[128];
    th_mkdtemp(zDir, sizeof zDir);
    snprintf(zDocs, sizeof zDocs, "%s/r.docs", zDir);
    /* "ab" twice: the second refers to the first (1 byte, not 3); an empty
    ** title is never a reference (1 byte either way). */
    const char *azT[3] = {"ab", "ab", ""};
    three_docs(zDir, azT);
    kqi_map am[2];
    kqi_docs docs;
    open_docs(zDir, "r", am, &docs);
    u64 o1 = kqi_get_u64(docs.aOff + 8), o2 = kqi_get_u64(docs.aOff + 16);
    assert_int_equal(am[0].a[o1 + 3], 1); /* document 1: a reference, to 0 */
    assert_int_equal(am[0].a[o2 + 3], 0); /* document 2: empty, a blob */
    close_docs(am, &docs);
    const char *z;
    size_t n;
    /* 3: the title of document 2 - 1 - 1 = 0, a blob: read. */
    assert_int_equal(title_as(zDir, 3, &z, &n), KQ_OK);
    assert_true(n == 2 && memcmp(z, "ab", 2) == 0);
    /* 1: document 1's, itself a reference: refused. */
    assert_int_equal(title_as(zDir, 1, &z, &n), KQ_CORRUPT);
    /* 5: before document 0: refused. */
    assert_int_equal(title_as(zDir, 5, &z, &n), KQ_CORRUPT);
    /* 0 again: the empty blob. */
    assert_int_equal(title_as(zDir, 0, &z, &n), KQ_OK);
    assert_int_equal(n, 0);
    th_rmtree(zDir);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spill_limits),
        cmocka_unit_test(test_spill_many_runs),
        cmocka_unit_test(test_store_dictionary),
        cmocka_unit_test(test_store_dictionary_limits),
        cmocka_unit_test(test_store_magic_text),
        cmocka_unit_test(test_store_damage),
        cmocka_unit_test(test_meta_refs),
        cmocka_unit_test(test_meta_refs_bad),
    };
    return TH_RUN(tests);
}
