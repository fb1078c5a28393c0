/*
** t_codec.c -- the low-level codecs and the posting-list layer:
**   - LEB128 varints (kqi_varint_put/get/get32): exact bytes at boundary
**     values, every truncation, over-long and overflowing encodings;
**   - the posting-block codec (kqi_block_encode/decode): round trips with
**     random gaps and tfs, every truncation, unknown codec, docid overflow;
**   - whole posting lists written with kqi_plw_* through kqi_wfile and read
**     back with kqi_plc_*: next/seek/positions, then truncated and damaged
**     lists, which must give KQ_CORRUPT and never read out of bounds (the
**     cursors read malloc()ed copies of exactly the bytes they may touch, so
**     ASan catches any overread).
*/
#include "tharness.h"
#include "kq_int.h"

#include <libdeflate.h>

/**************************************************************************
** Varints.
*/
static const struct {
    u64 v;
    size_t n;
    u8 a[KQI_VARINT_MAX];
} aVarCase[] = {
    {0, 1, {0x00}},
    {1, 1, {0x01}},
    {127, 1, {0x7f}},
    {128, 2, {0x80, 0x01}},
    {300, 2, {0xac, 0x02}},
    {16383, 2, {0xff, 0x7f}},
    {16384, 3, {0x80, 0x80, 0x01}},
    {0xffffffffull, 5, {0xff, 0xff, 0xff, 0xff, 0x0f}},
    {0x100000000ull, 5, {0x80, 0x80, 0x80, 0x80, 0x10}},
    {0x7fffffffffffffffull, 9,
     {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}},
    {0x8000000000000000ull, 10,
     {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}},
    {0xffffffffffffffffull, 10,
     {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
};
#define N_VARCASE (sizeof aVarCase / sizeof aVarCase[0])

/* A malloc()ed copy of exactly n bytes (at least 1 byte allocated so the
** pointer is valid; the decoder is only ever given [p, p + n)). */
static u8 *dup_exact(const void *p, size_t n) {
    u8 *a = malloc(n ? n : 1);
    assert_non_null(a);
    if (n) memcpy(a, p, n);
    return a;
}

static void test_varint_put_exact(void **state) {
    (void)state;
    for (size_t i = 0; i < N_VARCASE; i++) {
        u8 buf[KQI_VARINT_MAX + 4];
        memset(buf, 0xAA, sizeof buf);
        size_t n = kqi_varint_put(buf, aVarCase[i].v);
        assert_int_equal(n, aVarCase[i].n);
        assert_memory_equal(buf, aVarCase[i].a, n);
        for (size_t j = n; j < sizeof buf; j++) assert_int_equal(buf[j], 0xAA);
    }
}

static void test_varint_get_exact(void **state) {
    (void)state;
    for (size_t i = 0; i < N_VARCASE; i++) {
        size_t n = aVarCase[i].n;
        u8 *a = dup_exact(aVarCase[i].a, n);
        const u8 *p = a;
        u64 v = 12345;
        assert_int_equal(kqi_varint_get(&p, a + n, &v), KQ_OK);
        assert_true(v == aVarCase[i].v);
        assert_ptr_equal(p, a + n);

        /* get32 accepts exactly the values that fit in 32 bits */
        u32 v32 = 777;
        p = a;
        int rc = kqi_varint_get32(&p, a + n, &v32);
        if (aVarCase[i].v <= 0xffffffffull) {
            assert_int_equal(rc, KQ_OK);
            assert_true(v32 == aVarCase[i].v);
            assert_ptr_equal(p, a + n);
        } else {
            assert_int_equal(rc, KQ_CORRUPT);
        }
        free(a);

        /* followed by more bytes: stops after the varint */
        u8 two[2 * KQI_VARINT_MAX];
        memcpy(two, aVarCase[i].a, n);
        memcpy(two + n, aVarCase[0].a, 1);
        p = two;
        assert_int_equal(kqi_varint_get(&p, two + n + 1, &v), KQ_OK);
        assert_true(v == aVarCase[i].v);
        assert_ptr_equal(p, two + n);
        assert_int_equal(kqi_varint_get(&p, two + n + 1, &v), KQ_OK);
        assert_true(v == 0);
        assert_ptr_equal(p, two + n + 1);
    }
}

static void test_varint_truncated(void **state) {
    (void)state;
    for (size_t i = 0; i < N_VARCASE; i++) {
        for (size_t k = 0; k < aVarCase[i].n; k++) {
            u8 *a = dup_exact(aVarCase[i].a, k);
            const u8 *p = a;
            u64 v;
            u32 v32;
            if (kqi_varint_get(&p, a + k, &v) != KQ_CORRUPT)
                th_fail("varint %llu truncated to %zu bytes not rejected",
                        (unsigned long long)aVarCase[i].v, k);
            p = a;
            if (kqi_varint_get32(&p, a + k, &v32) != KQ_CORRUPT)
                th_fail("varint32 %llu truncated to %zu bytes not rejected",
                        (unsigned long long)aVarCase[i].v, k);
            free(a);
        }
    }
}

static void test_varint_overlong(void **state) {
    (void)state;
    static const struct {
        size_t n;
        u8 a[12];
        const char *zWhy;
    } aBad[] = {
        {11, {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
         "11-byte run of zero continuation bytes"},
        {11, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00},
         "11-byte encoding"},
        {12, {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
              0x01},
         "12-byte encoding"},
        {10, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02},
         "10 bytes, value 2^65-1"},
        {10, {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02},
         "10 bytes, value 2^64"},
        {10, {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f},
         "10 bytes, 10th byte 0x7f"},
    };
    for (size_t i = 0; i < sizeof aBad / sizeof aBad[0]; i++) {
        u8 *a = dup_exact(aBad[i].a, aBad[i].n);
        const u8 *p = a;
        u64 v;
        u32 v32;
        if (kqi_varint_get(&p, a + aBad[i].n, &v) != KQ_CORRUPT)
            fail_msg("varint_get accepted: %s", aBad[i].zWhy);
        p = a;
        if (kqi_varint_get32(&p, a + aBad[i].n, &v32) != KQ_CORRUPT)
            fail_msg("varint_get32 accepted: %s", aBad[i].zWhy);
        free(a);
    }
}

static void test_varint_get32_range(void **state) {
    (void)state;
    static const u64 aBig[] = {0x100000000ull, 0x100000001ull, 0x1ffffffffull,
                               0xffffffffffull, 0xffffffffffffffffull};
    for (size_t i = 0; i < sizeof aBig / sizeof aBig[0]; i++) {
        u8 buf[KQI_VARINT_MAX];
        size_t n = kqi_varint_put(buf, aBig[i]);
        u8 *a = dup_exact(buf, n);
        const u8 *p = a;
        u32 v32;
        assert_int_equal(kqi_varint_get32(&p, a + n, &v32), KQ_CORRUPT);
        free(a);
    }
}

static void test_varint_random(void **state) {
    (void)state;
    th_rng r = th_rng_for("varint_random");
    u8 stream[4096 * KQI_VARINT_MAX];
    u64 aVal[4096];
    size_t off = 0;
    for (int i = 0; i < 4096; i++) {
        int nBit = (int)th_range(&r, 0, 64);
        u64 v = nBit == 0 ? 0 : nBit == 64 ? th_next(&r)
                                           : th_next(&r) & ((1ull << nBit) - 1);
        aVal[i] = v;
        size_t n = kqi_varint_put(stream + off, v);
        /* the length is ceil(bits / 7), 1 for zero */
        size_t nWant = 1;
        for (u64 x = v >> 7; x; x >>= 7) nWant++;
        th_check(n == nWant, "varint_put(%llu) wrote %zu bytes, want %zu",
                 (unsigned long long)v, n, nWant);
        off += n;
    }
    u8 *a = dup_exact(stream, off);
    const u8 *p = a;
    for (int i = 0; i < 4096; i++) {
        u64 v;
        th_check(kqi_varint_get(&p, a + off, &v) == KQ_OK, "get #%d", i);
        th_check(v == aVal[i], "varint #%d: got %llu want %llu", i,
                 (unsigned long long)v, (unsigned long long)aVal[i]);
    }
    assert_ptr_equal(p, a + off);
    u64 v;
    assert_int_equal(kqi_varint_get(&p, a + off, &v), KQ_CORRUPT);
    free(a);
}

/**************************************************************************
** Posting blocks.
*/

/* A random gap in [1, nMax], biased to small values but often huge. */
static u64 rand_gap(th_rng *r, u64 nMax) {
    u64 g;
    switch (th_range(r, 0, 5)) {
        case 0: case 1: g = 1; break;
        case 2: g = th_range(r, 1, 16); break;
        case 3: g = th_range(r, 1, 5000); break;
        case 4: g = th_range(r, 1, 1u << 24); break;
        default: g = th_range(r, 1, 0xffffffffull); break;
    }
    if (g > nMax) g = th_range(r, 1, nMax);
    return g;
}

/* n strictly increasing docids, all > prevDoc (>= 0 if prevDoc is EOF), all
** <= 0xfffffffe. */
static void rand_docs(th_rng *r, u32 *aDoc, int n, u32 prevDoc) {
    u64 lo = prevDoc == KQ_DOCID_EOF ? 0 : (u64)prevDoc + 1;
    u64 hi = 0xfffffffeull;
    u64 cur;
    assert_true(hi - lo + 1 >= (u64)n);
    /* first docid: often the smallest possible one */
    u64 room = hi - lo - (u64)(n - 1);
    cur = th_range(r, 0, 2) == 0 ? lo : lo + rand_gap(r, room + 1) - 1;
    aDoc[0] = (u32)cur;
    for (int i = 1; i < n; i++) {
        room = hi - cur - (u64)(n - 1 - i); /* largest allowed gap */
        cur += rand_gap(r, room);
        aDoc[i] = (u32)cur;
    }
}

static void rand_tfs(th_rng *r, u32 *aTf, int n) {
    for (int i = 0; i < n; i++) {
        switch (th_range(r, 0, 3)) {
            case 0: case 1: aTf[i] = 1; break;
            case 2: aTf[i] = (u32)th_range(r, 1, 300); break;
            default: aTf[i] = (u32)th_range(r, 1, 0xffffffffull); break;
        }
    }
}

/* Encode, decode from an exact-size copy, compare; then every truncation. */
static void block_roundtrip_codec(int eCodec, const u32 *aDoc, const u32 *aTf,
                                  int n, u32 prevDoc, const char *zWhat) {
    kq_buf b;
    memset(&b, 0, sizeof b);
    kqi_block_encode_codec(&b, eCodec, aDoc, aTf, n, prevDoc);
    assert_int_equal(b.a[0], eCodec);
    assert_int_equal(b.rc, KQ_OK);
    th_check(b.n > 0, "%s: empty encoding", zWhat);

    u32 aDoc2[KQI_BLOCK], aTf2[KQI_BLOCK];
    u8 *a = dup_exact(b.a, b.n);
    int rc = kqi_block_decode(a, a + b.n, n, prevDoc, aDoc2, aTf2);
    th_check(rc == KQ_OK, "%s: n=%d prev=%u decode rc=%d", zWhat, n,
             (unsigned)prevDoc, rc);
    for (int i = 0; i < n; i++) {
        th_check(aDoc2[i] == aDoc[i], "%s: n=%d doc[%d] %u != %u", zWhat, n, i,
                 (unsigned)aDoc2[i], (unsigned)aDoc[i]);
        th_check(aTf2[i] == aTf[i], "%s: n=%d tf[%d] %u != %u", zWhat, n, i,
                 (unsigned)aTf2[i], (unsigned)aTf[i]);
    }
    free(a);

    for (size_t k = 0; k < b.n; k++) {
        a = dup_exact(b.a, k);
        rc = kqi_block_decode(a, a + k, n, prevDoc, aDoc2, aTf2);
        th_check(rc == KQ_CORRUPT,
                 "%s: n=%d block of %zu bytes truncated to %zu: rc=%d", zWhat,
                 n, b.n, k, rc);
        free(a);
    }
    kq_buf_free(&b);
}

/* Every block in both codecs: the packed one kq writes, and the varint one
** it still reads. */
static void block_roundtrip(const u32 *aDoc, const u32 *aTf, int n,
                            u32 prevDoc, const char *zWhat) {
    block_roundtrip_codec(KQI_CODEC_PACKED, aDoc, aTf, n, prevDoc, zWhat);
    block_roundtrip_codec(KQI_CODEC_VARINT, aDoc, aTf, n, prevDoc, zWhat);
}

static void test_block_fixed(void **state) {
    (void)state;
    u32 aDoc[KQI_BLOCK], aTf[KQI_BLOCK];

    /* docid 0 first, prevDoc EOF */
    aDoc[0] = 0; aTf[0] = 1;
    block_roundtrip(aDoc, aTf, 1, KQ_DOCID_EOF, "doc0");
    /* the largest docid, alone and after 0 */
    aDoc[0] = 0xfffffffe; aTf[0] = 7;
    block_roundtrip(aDoc, aTf, 1, KQ_DOCID_EOF, "max-first");
    aDoc[0] = 0; aDoc[1] = 0xfffffffe; aTf[0] = 1; aTf[1] = 0xffffffff;
    block_roundtrip(aDoc, aTf, 2, KQ_DOCID_EOF, "0-max");
    /* right after prevDoc, up to the last docid */
    aDoc[0] = 0xfffffffe; aTf[0] = 2;
    block_roundtrip(aDoc, aTf, 1, 0xfffffffd, "prev-adjacent");
    aDoc[0] = 1; aTf[0] = 1;
    block_roundtrip(aDoc, aTf, 1, 0, "after0");
    /* a full dense block */
    for (int i = 0; i < KQI_BLOCK; i++) { aDoc[i] = 1000 + (u32)i; aTf[i] = 1; }
    block_roundtrip(aDoc, aTf, KQI_BLOCK, 999, "dense");
    /* a full block ending at the last docid */
    for (int i = 0; i < KQI_BLOCK; i++) {
        aDoc[i] = 0xfffffffe - (u32)(KQI_BLOCK - 1 - i);
        aTf[i] = (u32)i + 1;
    }
    block_roundtrip(aDoc, aTf, KQI_BLOCK, KQ_DOCID_EOF, "top");
}

static void test_block_random(void **state) {
    (void)state;
    static const int aLen[] = {1, 2, 3, 127, 128};
    th_rng r = th_rng_for("block_random");
    u32 aDoc[KQI_BLOCK], aTf[KQI_BLOCK];
    for (size_t li = 0; li < sizeof aLen / sizeof aLen[0]; li++) {
        int n = aLen[li];
        for (int trial = 0; trial < 40; trial++) {
            u32 prev;
            switch (trial % 4) {
                case 0: prev = KQ_DOCID_EOF; break;
                case 1: prev = (u32)th_range(&r, 0, 1000); break;
                case 2: prev = (u32)th_range(&r, 0, 0xfffffffeull - (u64)n); break;
                default: prev = (u32)(0xfffffffeull - (u64)n); break;
            }
            rand_docs(&r, aDoc, n, prev);
            rand_tfs(&r, aTf, n);
            if (trial % 5 == 0 && aDoc[n - 1] != 0xfffffffe) {
                aDoc[n - 1] = 0xfffffffe; /* end on the largest docid */
            }
            char zWhat[64];
            snprintf(zWhat, sizeof zWhat, "random trial %d", trial);
            block_roundtrip(aDoc, aTf, n, prev, zWhat);
        }
    }
}

static void test_block_bad_codec(void **state) {
    (void)state;
    u32 aDoc[3] = {5, 9, 100}, aTf[3] = {1, 2, 3};
    u32 aDoc2[3], aTf2[3];
    kq_buf b;
    memset(&b, 0, sizeof b);
    kqi_block_encode(&b, aDoc, aTf, 3, KQ_DOCID_EOF);
    assert_int_equal(b.rc, KQ_OK);
    /* the block starts with its codec byte, then the two bit widths */
    assert_int_equal(b.a[0], KQI_CODEC_PACKED);
    for (int w = 1; w <= 2; w++) {
        for (int v = 33; v < 256; v++) {
            u8 *a = dup_exact(b.a, b.n);
            a[w] = (u8)v;
            int rc = kqi_block_decode(a, a + b.n, 3, KQ_DOCID_EOF, aDoc2, aTf2);
            if (rc != KQ_CORRUPT) fail_msg("bit width %d accepted", v);
            free(a);
        }
    }
    for (int c = 0; c < 256; c++) {
        if (c == KQI_CODEC_VARINT || c == KQI_CODEC_PACKED) continue;
        u8 *a = dup_exact(b.a, b.n);
        a[0] = (u8)c;
        int rc = kqi_block_decode(a, a + b.n, 3, KQ_DOCID_EOF, aDoc2, aTf2);
        if (rc != KQ_CORRUPT) fail_msg("codec byte %d accepted (rc=%d)", c, rc);
        free(a);
    }
    kq_buf_free(&b);
}

/* Decoding against a larger prevDoc than the block was written with makes the
** docids run past 32 bits (whatever the exact gap convention): rejected. */
static void test_block_overflow(void **state) {
    (void)state;
    u32 aDoc2[2], aTf2[2];
    kq_buf b;
    u8 *a;

    u32 aDoc[2] = {0x7fffffff, 0}, aTf[2] = {1, 1};
    memset(&b, 0, sizeof b);
    kqi_block_encode(&b, aDoc, aTf, 1, KQ_DOCID_EOF);
    a = dup_exact(b.a, b.n);
    assert_int_equal(kqi_block_decode(a, a + b.n, 1, 0x90000000u, aDoc2, aTf2),
                     KQ_CORRUPT);
    free(a);
    kq_buf_free(&b);

    u32 aDocB[2] = {0, 0xfffffffe};
    memset(&b, 0, sizeof b);
    kqi_block_encode(&b, aDocB, aTf, 2, KQ_DOCID_EOF);
    a = dup_exact(b.a, b.n);
    assert_int_equal(kqi_block_decode(a, a + b.n, 2, 5, aDoc2, aTf2),
                     KQ_CORRUPT);
    free(a);
    kq_buf_free(&b);

    /* the single gap prevDoc -> prevDoc + 1 read after 0xfffffffe would give
    ** KQ_DOCID_EOF itself, which is no docid */
    u32 aDocC[1] = {0xfffffffe};
    memset(&b, 0, sizeof b);
    kqi_block_encode(&b, aDocC, aTf, 1, 0xfffffffd);
    a = dup_exact(b.a, b.n);
    assert_int_equal(kqi_block_decode(a, a + b.n, 1, 0xfffffffe, aDoc2, aTf2),
                     KQ_CORRUPT);
    free(a);
    kq_buf_free(&b);
}

/* Hand-made blocks in the documented format (codec.c): codec byte 0, n
** varint docid gaps (first block: the docid; else docid - prev - 1), n
** varint (tf - 1); the block fills its bytes exactly. */
static int decode_raw(const u8 *aRaw, size_t nRaw, int n, u32 prevDoc,
                      u32 *aDoc, u32 *aTf) {
    u8 *a = dup_exact(aRaw, nRaw);
    int rc = kqi_block_decode(a, a + nRaw, n, prevDoc, aDoc, aTf);
    free(a);
    return rc;
}

static void test_block_raw(void **state) {
    (void)state;
    u32 aDoc[4], aTf[4];
    /* a valid block: docs 3, 4, 10 with tf 1, 2, 300 */
    static const u8 aOk[] = {0, 3, 0, 5, 0, 1, 0xab, 0x02};
    assert_int_equal(decode_raw(aOk, sizeof aOk, 3, KQ_DOCID_EOF, aDoc, aTf),
                     KQ_OK);
    assert_int_equal(aDoc[0], 3); assert_int_equal(aDoc[1], 4);
    assert_int_equal(aDoc[2], 10);
    assert_int_equal(aTf[0], 1); assert_int_equal(aTf[1], 2);
    assert_int_equal(aTf[2], 300);
    /* the same bytes after prevDoc 100: docs 104, 105, 111 */
    assert_int_equal(decode_raw(aOk, sizeof aOk, 3, 100, aDoc, aTf), KQ_OK);
    assert_int_equal(aDoc[0], 104); assert_int_equal(aDoc[2], 111);

    /* a gap of 2^32 (does not fit in 32 bits) */
    static const u8 aGap33[] = {0, 0x80, 0x80, 0x80, 0x80, 0x10, 0};
    assert_int_equal(decode_raw(aGap33, sizeof aGap33, 1, KQ_DOCID_EOF, aDoc,
                                aTf), KQ_CORRUPT);
    assert_int_equal(decode_raw(aGap33, sizeof aGap33, 1, 0, aDoc, aTf),
                     KQ_CORRUPT);
    /* first docid 0xffffffff = KQ_DOCID_EOF */
    static const u8 aEof[] = {0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0};
    assert_int_equal(decode_raw(aEof, sizeof aEof, 1, KQ_DOCID_EOF, aDoc, aTf),
                     KQ_CORRUPT);
    /* two gaps whose sum passes 2^32 */
    static const u8 aSum[] = {0, 0xff, 0xff, 0xff, 0xff, 0x07,
                              0xff, 0xff, 0xff, 0xff, 0x07, 0, 0};
    assert_int_equal(decode_raw(aSum, sizeof aSum, 2, KQ_DOCID_EOF, aDoc, aTf),
                     KQ_CORRUPT);
    /* tf - 1 = 0xffffffff: tf would wrap to 0 */
    static const u8 aTf0[] = {0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f};
    assert_int_equal(decode_raw(aTf0, sizeof aTf0, 1, KQ_DOCID_EOF, aDoc, aTf),
                     KQ_CORRUPT);
    /* tf - 1 beyond 32 bits */
    static const u8 aTf33[] = {0, 1, 0x80, 0x80, 0x80, 0x80, 0x10};
    assert_int_equal(decode_raw(aTf33, sizeof aTf33, 1, KQ_DOCID_EOF, aDoc,
                                aTf), KQ_CORRUPT);
    /* trailing garbage, and n = 0 or n > KQI_BLOCK */
    static const u8 aTrail[] = {0, 1, 0, 0};
    assert_int_equal(decode_raw(aTrail, sizeof aTrail, 1, KQ_DOCID_EOF, aDoc,
                                aTf), KQ_CORRUPT);
    assert_int_equal(decode_raw(aTrail, 3, 1, KQ_DOCID_EOF, aDoc, aTf), KQ_OK);
    assert_int_equal(decode_raw(aTrail, 3, 0, KQ_DOCID_EOF, aDoc, aTf),
                     KQ_CORRUPT);
    {
        u32 aBigDoc[KQI_BLOCK + 1], aBigTf[KQI_BLOCK + 1];
        assert_int_equal(decode_raw(aTrail, 3, KQI_BLOCK + 1, KQ_DOCID_EOF,
                                    aBigDoc, aBigTf), KQ_CORRUPT);
    }
}

/* Patched frame of reference (codec.c): a block whose values are small but
** for a few takes those few as exceptions, and reads back whatever their
** number, place and width. */
static void test_block_pfor(void **state) {
    (void)state;
    static const int aLen[] = {1, 2, 3, 64, 127, 128};
    th_rng r = th_rng_for("block_pfor");
    u32 aDoc[KQI_BLOCK], aTf[KQI_BLOCK];
    int nFlagged = 0;
    for (size_t li = 0; li < sizeof aLen / sizeof aLen[0]; li++) {
        int n = aLen[li];
        for (int nOut = 0; nOut <= n && nOut <= 12; nOut++) {
            /* gaps of 0..3 and tf 1..2, but nOut postings (the last one,
            ** and the second on) with a long gap and a high tf */
            u64 d = (u64)th_range(&r, 0, 3);
            for (int i = 0; i < n; i++) {
                int bOut = nOut > 0 && (i == n - 1 || (i >= 1 && i < nOut));
                if (i > 0) d += 1 + (bOut ? th_range(&r, 1000, 1u << 20)
                                          : th_range(&r, 0, 3));
                aDoc[i] = (u32)d;
                aTf[i] = bOut ? (u32)th_range(&r, 100, 0xffffffffull)
                              : (u32)th_range(&r, 1, 2);
            }
            char zWhat[64];
            snprintf(zWhat, sizeof zWhat, "pfor n=%d outliers=%d", n, nOut);
            block_roundtrip(aDoc, aTf, n, KQ_DOCID_EOF, zWhat);

            /* never larger than one width per stream */
            u32 orG = aDoc[0], orT = 0;
            for (int i = 0; i < n; i++) {
                if (i > 0) orG |= aDoc[i] - aDoc[i - 1] - 1;
                orT |= aTf[i] - 1;
            }
            int bG = orG ? 32 - __builtin_clz(orG) : 0;
            int bT = orT ? 32 - __builtin_clz(orT) : 0;
            size_t nPlain = 3 + ((size_t)n * bG + 7) / 8 +
                            ((size_t)n * bT + 7) / 8;
            kq_buf b;
            memset(&b, 0, sizeof b);
            kqi_block_encode(&b, aDoc, aTf, n, KQ_DOCID_EOF);
            th_check(b.n <= nPlain, "%s: %zu bytes, %zu without exceptions",
                     zWhat, b.n, nPlain);
            /* a full block with a few outliers: exceptions, and smaller */
            if (n >= 64 && nOut >= 1 && nOut <= 4) {
                th_check((b.a[1] & 64) && (b.a[2] & 64) && b.n < nPlain / 2,
                         "%s: widths %d %d, %zu bytes of %zu", zWhat, b.a[1],
                         b.a[2], b.n, nPlain);
                nFlagged++;
            }
            kq_buf_free(&b);
        }
    }
    assert_true(nFlagged > 0);

    /* exceptions of the widest high parts: every tf 1 but one at the
    ** largest, 0xffffffff (width 0, high parts of 32 bits) */
    for (int i = 0; i < KQI_BLOCK; i++) {
        aDoc[i] = (u32)i;
        aTf[i] = i == 77 ? 0xffffffffu : 1;
    }
    kq_buf b;
    memset(&b, 0, sizeof b);
    kqi_block_encode(&b, aDoc, aTf, KQI_BLOCK, KQ_DOCID_EOF);
    assert_int_equal(b.a[1], 0);
    assert_int_equal(b.a[2], 64 | 0);
    /* gaps (none), then nX 1, bX 32, index 77, four bytes */
    assert_int_equal(b.n, 3 + 2 + 1 + 4);
    assert_int_equal(b.a[3], 1);
    assert_int_equal(b.a[4], 32);
    assert_int_equal(b.a[5], 77);
    kq_buf_free(&b);
    block_roundtrip(aDoc, aTf, KQI_BLOCK, KQ_DOCID_EOF, "pfor bX 32");
}

/* Hand-made blocks with exceptions, in the documented layout: docids 0 and
** 1000 (gaps 0 and 999) at width 0, 999 an exception of 10 bits. */
static void test_block_pfor_raw(void **state) {
    (void)state;
    u32 aDoc[2], aTf[2];
    static const u8 aOk[] = {1, 64, 0, 1, 10, 1, 0xe7, 0x03};
    assert_int_equal(decode_raw(aOk, sizeof aOk, 2, KQ_DOCID_EOF, aDoc, aTf),
                     KQ_OK);
    assert_int_equal(aDoc[0], 0);
    assert_int_equal(aDoc[1], 1000);
    assert_int_equal(aTf[0], 1);
    assert_int_equal(aTf[1], 1);
    /* the exception's high bits go above the low ones: width 1 (gaps 0 and
    ** 1), exception 499 << 1 | 1 = 999 */
    static const u8 aLow[] = {1, 1 | 64, 0, 0x02, 1, 9, 1, 0xf3, 0x01};
    assert_int_equal(decode_raw(aLow, sizeof aLow, 2, KQ_DOCID_EOF, aDoc, aTf),
                     KQ_OK);
    assert_int_equal(aDoc[1], 1000);

    u8 a[sizeof aOk];
    struct {
        int i, v;
        const char *zWhy;
    } aBad[] = {
        {3, 0, "no exceptions after the flag"},
        {3, 3, "more exceptions than postings"},
        {4, 0, "high parts of no bits"},
        {4, 33, "high parts past 32 bits"},
        {5, 2, "an index past the block"},
        {5, 255, "an index far past the block"},
        {1, 128, "an unknown width bit"},
        {1, 64 | 33, "width 33 with exceptions"},
        {2, 64, "tf exceptions that are not there"},
    };
    for (size_t k = 0; k < sizeof aBad / sizeof aBad[0]; k++) {
        memcpy(a, aOk, sizeof a);
        a[aBad[k].i] = (u8)aBad[k].v;
        int rc = decode_raw(a, sizeof a, 2, KQ_DOCID_EOF, aDoc, aTf);
        if (rc != KQ_CORRUPT) fail_msg("%s: rc=%d", aBad[k].zWhy, rc);
    }
    /* width 32 leaves no room for high parts */
    static const u8 a32[] = {1, 32 | 64, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                             1, 1, 0, 1};
    assert_int_equal(decode_raw(a32, sizeof a32, 2, KQ_DOCID_EOF, aDoc, aTf),
                     KQ_CORRUPT);
    /* an exception in the tfs read through the two-step reader: the index
    ** is checked when the tfs are decoded */
    static const u8 aT[] = {1, 0, 64, 1, 8, 1, 0xff};
    const u8 *pTf;
    u8 *c = dup_exact(aT, sizeof aT);
    assert_int_equal(kqi_block_decode_docs(c, c + sizeof aT, 2, KQ_DOCID_EOF,
                                           aDoc, &pTf), KQ_OK);
    assert_int_equal(kqi_block_decode_tfs(pTf, 2, c[2], aTf), KQ_OK);
    assert_int_equal(aTf[0], 1);
    assert_int_equal(aTf[1], 1 + 255);
    c[5] = 2;
    assert_int_equal(kqi_block_decode_tfs(pTf, 2, c[2], aTf), KQ_CORRUPT);
    free(c);
}

/**************************************************************************
** Posting lists through the file layer.
*/
typedef struct plist {
    int n;
    u32 *aDoc, *aTf;
    size_t *aPosOff;   /* aPos + aPosOff[i]: positions of posting i */
    u32 *aPos;
    u64 cf;
    kqi_termloc loc;
} plist;

/* Docid shapes. */
enum { SHAPE_DENSE, SHAPE_SMALL, SHAPE_HUGE, SHAPE_MIXED, SHAPE_TOP };

static void plist_make(th_rng *r, plist *L, int n, int eShape) {
    memset(L, 0, sizeof *L);
    L->n = n;
    L->aDoc = malloc(sizeof(u32) * (size_t)n);
    L->aTf = malloc(sizeof(u32) * (size_t)n);
    L->aPosOff = malloc(sizeof(size_t) * ((size_t)n + 1));
    L->aPos = malloc(sizeof(u32) * 5 * (size_t)n);
    assert_true(L->aDoc && L->aTf && L->aPosOff && L->aPos);
    u64 cur = 0;
    for (int i = 0; i < n; i++) {
        u64 room = 0xfffffffeull - cur - (u64)(n - 1 - i);
        u64 g;
        switch (eShape) {
            case SHAPE_DENSE: g = 1; break;
            case SHAPE_SMALL: g = th_range(r, 1, 8); break;
            case SHAPE_HUGE: g = th_range(r, 1, 0xffffffffull / (u64)(n + 1)); break;
            default: g = rand_gap(r, 0xffffffffull / (u64)(n + 1)); break;
        }
        if (i == 0) cur = th_range(r, 0, 1) ? 0 : g - 1;
        else cur += g > room ? 1 : g;
        L->aDoc[i] = (u32)cur;
    }
    if (eShape == SHAPE_TOP) L->aDoc[n - 1] = 0xfffffffe;
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        u32 tf = (u32)th_range(r, 1, 5);
        L->aTf[i] = tf;
        L->cf += tf;
        L->aPosOff[i] = off;
        u64 p = th_range(r, 0, 3) == 0 ? 0 : th_range(r, 0, 100000);
        for (u32 j = 0; j < tf; j++) {
            if (j) p += th_range(r, 0, 3) == 0 ? th_range(r, 1, 1000000) : th_range(r, 1, 4);
            L->aPos[off++] = (u32)p;
        }
    }
    L->aPosOff[n] = off;
}

static void plist_free(plist *L) {
    free(L->aDoc);
    free(L->aTf);
    free(L->aPosOff);
    free(L->aPos);
}

/* Index of the first posting with docid >= t, or n. */
static int plist_lower_bound(const plist *L, u64 t) {
    int lo = 0, hi = L->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (L->aDoc[mid] < t) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* The files and the lists written into them. */
typedef struct plfix {
    char zDir[64];
    char zPost[96], zPos[96];
    plist aList[16];
    int nList;
    kqi_map mPost, mPos;
} plfix;

static void plfix_write(plfix *F) {
    kqi_wfile post, pos;
    kqi_plw *w = NULL;
    char *zErr = NULL;
    memset(&post, 0, sizeof post);
    memset(&pos, 0, sizeof pos);
    assert_int_equal(kqi_wfile_open(&post, F->zPost), KQ_OK);
    assert_int_equal(kqi_wfile_open(&pos, F->zPos), KQ_OK);
    kqi_header_write(&post, KQI_FT_POST);
    kqi_header_write(&pos, KQI_FT_POS);
    assert_int_equal(kqi_plw_new(&post, &pos, &w), KQ_OK);
    for (int i = 0; i < F->nList; i++) {
        plist *L = &F->aList[i];
        kqi_plw_begin(w);
        for (int j = 0; j < L->n; j++) {
            int rc = kqi_plw_add(w, L->aDoc[j], L->aPos + L->aPosOff[j],
                                 L->aTf[j]);
            th_check(rc == KQ_OK, "plw_add list %d posting %d rc=%d", i, j, rc);
        }
        assert_int_equal(kqi_plw_end(w, &L->loc), KQ_OK);
    }
    kqi_plw_free(w);
    assert_int_equal(kqi_wfile_close(&post, &zErr), KQ_OK);
    assert_int_equal(kqi_wfile_close(&pos, &zErr), KQ_OK);
    assert_null(zErr);
    assert_int_equal(kqi_map_open(&F->mPost, F->zPost, &zErr), KQ_OK);
    assert_int_equal(kqi_map_open(&F->mPos, F->zPos, &zErr), KQ_OK);
    assert_null(zErr);
}

static void plfix_setup(plfix *F, const char *zSeedName, const int *aN,
                        const int *aShape, int nList) {
    th_rng r = th_rng_for(zSeedName);
    memset(F, 0, sizeof *F);
    th_mkdtemp(F->zDir, sizeof F->zDir);
    snprintf(F->zPost, sizeof F->zPost, "%s/t.post", F->zDir);
    snprintf(F->zPos, sizeof F->zPos, "%s/t.pos", F->zDir);
    F->nList = nList;
    for (int i = 0; i < nList; i++) plist_make(&r, &F->aList[i], aN[i], aShape[i]);
    plfix_write(F);
}

static void plfix_teardown(plfix *F) {
    kqi_map_close(&F->mPost);
    kqi_map_close(&F->mPos);
    for (int i = 0; i < F->nList; i++) plist_free(&F->aList[i]);
    th_rmtree(F->zDir);
}

/* Copies of the files cut at exactly the end of list L, so that reading past
** the list is an ASan-visible overread.  nPostCut/nPosCut further shorten
** them. */
typedef struct cutmaps {
    kqi_map post, pos;
    u8 *aPost, *aPos;
} cutmaps;

static void cut_maps(const plfix *F, const kqi_termloc *pLoc, size_t nPostEnd,
                     size_t nPosEnd, cutmaps *C) {
    assert_true(nPostEnd <= F->mPost.n);
    assert_true(nPosEnd <= F->mPos.n);
    C->aPost = dup_exact(F->mPost.a, nPostEnd);
    C->aPos = dup_exact(F->mPos.a, nPosEnd);
    C->post.a = C->aPost; C->post.n = nPostEnd; C->post.zPath = (char *)"post";
    C->pos.a = C->aPos; C->pos.n = nPosEnd; C->pos.zPath = (char *)"pos";
    (void)pLoc;
}

static void cut_free(cutmaps *C) {
    free(C->aPost);
    free(C->aPos);
}

static size_t list_post_end(const kqi_termloc *l) {
    return (size_t)(l->postOff + l->postLen);
}
static size_t list_pos_end(const kqi_termloc *l) {
    return (size_t)(l->posOff + l->posLen);
}

static void check_current(kqi_plc *c, const plist *L, int i, const char *zWhy) {
    th_check(kqi_plc_docid(c) == L->aDoc[i], "%s: posting %d docid %u != %u",
             zWhy, i, (unsigned)kqi_plc_docid(c), (unsigned)L->aDoc[i]);
    th_check(kqi_plc_tf(c) == L->aTf[i], "%s: posting %d tf %u != %u", zWhy, i,
             (unsigned)kqi_plc_tf(c), (unsigned)L->aTf[i]);
    const u32 *aPos = NULL;
    u32 nPos = 0;
    int rc = kqi_plc_positions(c, &aPos, &nPos);
    th_check(rc == KQ_OK, "%s: positions of posting %d rc=%d (%s)", zWhy, i,
             rc, kqi_plc_errmsg(c) ? kqi_plc_errmsg(c) : "");
    th_check(nPos == L->aTf[i], "%s: posting %d nPos %u != tf %u", zWhy, i,
             (unsigned)nPos, (unsigned)L->aTf[i]);
    for (u32 j = 0; j < nPos; j++) {
        u32 want = L->aPos[L->aPosOff[i] + j];
        th_check(aPos[j] == want, "%s: posting %d pos[%u] %u != %u", zWhy, i,
                 (unsigned)j, (unsigned)aPos[j], (unsigned)want);
    }
}

static kqi_plc *open_cursor(const cutmaps *C, const kqi_termloc *pLoc,
                            u32 nDoc) {
    kqi_plc *c = NULL;
    char *zErr = NULL;
    int rc = kqi_plc_open(&C->post, &C->pos, pLoc, nDoc, &c, &zErr);
    th_check(rc == KQ_OK, "plc_open rc=%d: %s", rc, zErr ? zErr : "");
    assert_non_null(c);
    free(zErr);
    return c;
}

#define NDOC_ALL 0xffffffffu

/* next() through list L: every docid, tf and position, then KQ_DONE. */
static void check_list_next(const plfix *F, const plist *L) {
    cutmaps C;
    cut_maps(F, &L->loc, list_post_end(&L->loc), list_pos_end(&L->loc), &C);
    kqi_plc *c = open_cursor(&C, &L->loc, NDOC_ALL);
    for (int i = 0; i < L->n; i++) {
        int rc = kqi_plc_next(c);
        th_check(rc == KQ_OK, "n=%d: next #%d rc=%d (%s)", L->n, i, rc,
                 kqi_plc_errmsg(c) ? kqi_plc_errmsg(c) : "");
        check_current(c, L, i, "next");
    }
    assert_int_equal(kqi_plc_next(c), KQ_DONE);
    assert_int_equal(kqi_plc_docid(c), KQ_DOCID_EOF);
    assert_int_equal(kqi_plc_next(c), KQ_DONE);
    assert_int_equal(kqi_plc_docid(c), KQ_DOCID_EOF);
    kqi_plc_free(c);
    cut_free(&C);
}

/* next() without ever asking for positions (the lazy path). */
static void check_list_next_nopos(const plfix *F, const plist *L) {
    cutmaps C;
    cut_maps(F, &L->loc, list_post_end(&L->loc), list_pos_end(&L->loc), &C);
    kqi_plc *c = open_cursor(&C, &L->loc, NDOC_ALL);
    for (int i = 0; i < L->n; i++) {
        th_check(kqi_plc_next(c) == KQ_OK, "n=%d: next #%d", L->n, i);
        th_check(kqi_plc_docid(c) == L->aDoc[i], "n=%d: docid #%d", L->n, i);
        th_check(kqi_plc_tf(c) == L->aTf[i], "n=%d: tf #%d", L->n, i);
        /* positions only for the last posting of the list */
        if (i == L->n - 1) check_current(c, L, i, "lazy");
    }
    assert_int_equal(kqi_plc_next(c), KQ_DONE);
    kqi_plc_free(c);
    cut_free(&C);
}

static void check_list_seek(const plfix *F, const plist *L, th_rng *r) {
    cutmaps C;
    cut_maps(F, &L->loc, list_post_end(&L->loc), list_pos_end(&L->loc), &C);
    kqi_plc *c;
    int rc;

    /* 1. seek to every docid in turn */
    c = open_cursor(&C, &L->loc, NDOC_ALL);
    for (int i = 0; i < L->n; i++) {
        rc = kqi_plc_seek(c, L->aDoc[i]);
        th_check(rc == KQ_OK, "n=%d: seek(%u) rc=%d", L->n,
                 (unsigned)L->aDoc[i], rc);
        check_current(c, L, i, "seek-exact");
        /* seeking to the current docid or earlier does not move */
        rc = kqi_plc_seek(c, L->aDoc[i]);
        th_check(rc == KQ_OK && kqi_plc_docid(c) == L->aDoc[i],
                 "n=%d: repeated seek moved", L->n);
        if (L->aDoc[i] > 0) {
            rc = kqi_plc_seek(c, i > 0 ? L->aDoc[i - 1] : 0);
            th_check(rc == KQ_OK && kqi_plc_docid(c) == L->aDoc[i],
                     "n=%d: backward seek from %u moved to %u (rc=%d)", L->n,
                     (unsigned)L->aDoc[i], (unsigned)kqi_plc_docid(c), rc);
        }
    }
    kqi_plc_free(c);

    /* 2. seek between postings lands on the next one */
    c = open_cursor(&C, &L->loc, NDOC_ALL);
    for (int i = 0; i + 1 < L->n; i++) {
        if (L->aDoc[i + 1] - L->aDoc[i] < 2) continue;
        u32 t = L->aDoc[i] + 1 + (u32)th_range(r, 0, L->aDoc[i + 1] - L->aDoc[i] - 2);
        rc = kqi_plc_seek(c, t);
        th_check(rc == KQ_OK, "n=%d: seek(%u) between rc=%d", L->n, (unsigned)t, rc);
        check_current(c, L, i + 1, "seek-between");
    }
    kqi_plc_free(c);

    /* 3. random forward seeks mixed with next() and backward seeks */
    for (int trial = 0; trial < 4; trial++) {
        c = open_cursor(&C, &L->loc, NDOC_ALL);
        int iCur = -1;
        for (int step = 0; step < 2 * L->n + 8 && iCur < L->n; step++) {
            int op = (int)th_range(r, 0, 9);
            if (op < 3 && iCur >= 0) {
                rc = kqi_plc_next(c);
                iCur++;
            } else if (op == 3 && iCur > 0) {
                u32 t = (u32)th_range(r, 0, L->aDoc[iCur]);
                rc = kqi_plc_seek(c, t);      /* never moves back */
            } else {
                u64 base = iCur < 0 ? 0 : L->aDoc[iCur];
                u64 span = (u64)L->aDoc[L->n - 1] + 2 - base;
                u64 t = base + th_range(r, 0, span / (u64)(th_range(r, 1, 50)));
                if (t > 0xfffffffeull) t = 0xfffffffeull;
                rc = kqi_plc_seek(c, (u32)t);
                int j = plist_lower_bound(L, t);
                if (iCur < 0 || j > iCur) iCur = j;
            }
            if (iCur >= L->n) {
                th_check(rc == KQ_DONE, "n=%d: step %d rc=%d, want DONE", L->n,
                         step, rc);
                th_check(kqi_plc_docid(c) == KQ_DOCID_EOF, "n=%d: EOF", L->n);
            } else {
                th_check(rc == KQ_OK, "n=%d: step %d rc=%d", L->n, step, rc);
                if (step % 7 == 0) check_current(c, L, iCur, "random");
                else th_check(kqi_plc_docid(c) == L->aDoc[iCur],
                              "n=%d: step %d docid %u != %u", L->n, step,
                              (unsigned)kqi_plc_docid(c),
                              (unsigned)L->aDoc[iCur]);
            }
        }
        kqi_plc_free(c);
    }

    /* 4. seek as the first call, to a random posting */
    for (int trial = 0; trial < 8; trial++) {
        int j = (int)th_range(r, 0, (u64)L->n - 1);
        c = open_cursor(&C, &L->loc, NDOC_ALL);
        assert_int_equal(kqi_plc_seek(c, L->aDoc[j]), KQ_OK);
        check_current(c, L, j, "first-seek");
        if (j + 1 < L->n) {
            assert_int_equal(kqi_plc_next(c), KQ_OK);
            check_current(c, L, j + 1, "next-after-seek");
        } else {
            assert_int_equal(kqi_plc_next(c), KQ_DONE);
        }
        kqi_plc_free(c);
    }
    c = open_cursor(&C, &L->loc, NDOC_ALL);
    assert_int_equal(kqi_plc_seek(c, 0), KQ_OK);
    check_current(c, L, 0, "seek0");
    kqi_plc_free(c);

    /* 5. beyond the last posting */
    u32 last = L->aDoc[L->n - 1];
    if (last < 0xfffffffe) {
        c = open_cursor(&C, &L->loc, NDOC_ALL);
        assert_int_equal(kqi_plc_seek(c, last + 1), KQ_DONE);
        assert_int_equal(kqi_plc_docid(c), KQ_DOCID_EOF);
        assert_int_equal(kqi_plc_next(c), KQ_DONE);
        assert_int_equal(kqi_plc_seek(c, 0), KQ_DONE);
        kqi_plc_free(c);
        c = open_cursor(&C, &L->loc, NDOC_ALL);
        assert_int_equal(kqi_plc_seek(c, 0xfffffffe), KQ_DONE);
        assert_int_equal(kqi_plc_docid(c), KQ_DOCID_EOF);
        kqi_plc_free(c);
    }
    c = open_cursor(&C, &L->loc, NDOC_ALL);
    assert_int_equal(kqi_plc_seek(c, last), KQ_OK);
    assert_int_equal(kqi_plc_docid(c), last);
    assert_int_equal(kqi_plc_seek(c, KQ_DOCID_EOF), KQ_DONE);
    assert_int_equal(kqi_plc_docid(c), KQ_DOCID_EOF);
    kqi_plc_free(c);
    cut_free(&C);
}

/* Walk a (possibly damaged) list with next(), seek() and positions; the
** first error, or KQ_DONE.  Never crashes, never loops. */
static int drain(const kqi_map *pPost, const kqi_map *pPos,
                 const kqi_termloc *pLoc, u32 nDoc, int bPos, int bSeek,
                 size_t nMax) {
    kqi_plc *c = NULL;
    char *zErr = NULL;
    int rc = kqi_plc_open(pPost, pPos, pLoc, nDoc, &c, &zErr);
    free(zErr);
    if (rc != KQ_OK) {
        kqi_plc_free(c);
        return rc;
    }
    u32 prev = 0;
    for (size_t i = 0; i <= nMax + 1; i++) {
        rc = bSeek && (i % 3) == 1 && prev < 0xfffffff0u
                 ? kqi_plc_seek(c, prev + 2)
                 : kqi_plc_next(c);
        if (rc != KQ_OK) break;
        u32 d = kqi_plc_docid(c);
        if (i > 0 && d <= prev) { rc = -1; break; }  /* went backwards */
        if (d >= nDoc) { rc = -2; break; }           /* out of range */
        prev = d;
        if (bPos) {
            const u32 *aPos;
            u32 nPos;
            rc = kqi_plc_positions(c, &aPos, &nPos);
            if (rc != KQ_OK) break;
            if (nPos != kqi_plc_tf(c)) { rc = -3; break; }
            for (u32 j = 1; j < nPos; j++)
                if (aPos[j] <= aPos[j - 1]) { rc = -4; break; }
            if (rc != KQ_OK) break;
        }
        if (i > nMax) { rc = -5; break; }            /* too many postings */
    }
    if (rc == KQ_CORRUPT) assert_non_null(kqi_plc_errmsg(c));
    kqi_plc_free(c);
    return rc;
}

static void check_list_truncated(const plfix *F, const plist *L, th_rng *r) {
    const kqi_termloc *l = &L->loc;
    size_t postEnd = list_post_end(l), posEnd = list_pos_end(l);
    u64 nStep = l->postLen > 4000 ? l->postLen / 2000 : 1;

    /* the file itself ends early (a map with a smaller n) */
    for (u64 k = 0; k < l->postLen; k += k + nStep < l->postLen ? nStep : 1) {
        cutmaps C;
        cut_maps(F, l, (size_t)(l->postOff + k), posEnd, &C);
        int rc = drain(&C.post, &C.pos, l, NDOC_ALL, (int)(k & 1), (int)(k & 2),
                       (size_t)L->n);
        th_check(rc == KQ_CORRUPT,
                 "n=%d: .post cut to %llu of %llu list bytes: rc=%d", L->n,
                 (unsigned long long)k, (unsigned long long)l->postLen, rc);
        cut_free(&C);
    }
    /* the termloc claims fewer bytes than were written */
    for (u64 k = 0; k < l->postLen; k += k + nStep < l->postLen ? nStep : 1) {
        cutmaps C;
        kqi_termloc l2 = *l;
        l2.postLen = k;
        if (l2.skipLen > k) l2.skipLen = th_range(r, 0, 1) ? k : 0;
        cut_maps(F, l, (size_t)(l->postOff + k), posEnd, &C);
        int rc = drain(&C.post, &C.pos, &l2, NDOC_ALL, 1, 0, (size_t)L->n);
        th_check(rc == KQ_CORRUPT,
                 "n=%d: postLen shortened to %llu of %llu (skipLen %llu): rc=%d",
                 L->n, (unsigned long long)k, (unsigned long long)l->postLen,
                 (unsigned long long)l2.skipLen, rc);
        cut_free(&C);
    }
    /* the positions file ends early: positions fail */
    u64 nPosStep = l->posLen > 4000 ? l->posLen / 2000 : 1;
    for (u64 k = 0; k < l->posLen; k += k + nPosStep < l->posLen ? nPosStep : 1) {
        cutmaps C;
        kqi_termloc l2 = *l;
        if (k & 1) l2.posLen = k;          /* termloc says so, or the file */
        cut_maps(F, l, postEnd, (size_t)(l->posOff + k), &C);
        int rc = drain(&C.post, &C.pos, &l2, NDOC_ALL, 1, 0, (size_t)L->n);
        th_check(rc == KQ_CORRUPT,
                 "n=%d: .pos cut to %llu of %llu list bytes: rc=%d", L->n,
                 (unsigned long long)k, (unsigned long long)l->posLen, rc);
        cut_free(&C);
    }
    /* a docid that is not < nDoc */
    {
        cutmaps C;
        cut_maps(F, l, postEnd, posEnd, &C);
        u32 nDoc = L->aDoc[L->n - 1];
        int rc = drain(&C.post, &C.pos, l, nDoc, 0, 0, (size_t)L->n);
        th_check(rc == KQ_CORRUPT, "n=%d: docid %u >= nDoc %u accepted: rc=%d",
                 L->n, (unsigned)nDoc, (unsigned)nDoc, rc);
        rc = drain(&C.post, &C.pos, l, nDoc + 1, 1, 0, (size_t)L->n);
        th_check(rc == KQ_DONE, "n=%d: nDoc = last docid + 1: rc=%d", L->n, rc);
        cut_free(&C);
    }
    /* df/cf that disagree with the data */
    {
        cutmaps C;
        cut_maps(F, l, postEnd, posEnd, &C);
        kqi_termloc l2 = *l;
        l2.df = l->df + 1;
        int rc = drain(&C.post, &C.pos, &l2, NDOC_ALL, 0, 0, (size_t)L->n);
        th_check(rc == KQ_CORRUPT, "n=%d: df too large: rc=%d", L->n, rc);
        l2.df = 0;
        rc = drain(&C.post, &C.pos, &l2, NDOC_ALL, 0, 0, (size_t)L->n);
        th_check(rc == KQ_CORRUPT || rc == KQ_DONE, "n=%d: df 0: rc=%d", L->n, rc);
        cut_free(&C);
    }
}

/* Random byte damage: any outcome but a crash, a hang or an overread. */
static void check_list_damaged(const plfix *F, const plist *L, th_rng *r,
                               int nTrial) {
    const kqi_termloc *l = &L->loc;
    size_t postEnd = list_post_end(l), posEnd = list_pos_end(l);
    for (int t = 0; t < nTrial; t++) {
        cutmaps C;
        cut_maps(F, l, postEnd, posEnd, &C);
        int nFlip = (int)th_range(r, 1, 4);
        for (int i = 0; i < nFlip; i++) {
            if (th_range(r, 0, 3) == 0 && l->posLen) {
                C.aPos[l->posOff + th_range(r, 0, l->posLen - 1)] ^=
                    (u8)th_range(r, 1, 255);
            } else {
                C.aPost[l->postOff + th_range(r, 0, l->postLen - 1)] ^=
                    (u8)th_range(r, 1, 255);
            }
        }
        int rc = drain(&C.post, &C.pos, l, NDOC_ALL, (int)(t & 1), (int)(t & 2),
                       (size_t)L->n);
        th_check(rc == KQ_OK || rc == KQ_DONE || rc == KQ_CORRUPT,
                 "n=%d: damaged list trial %d: rc=%d", L->n, t, rc);
        cut_free(&C);
    }
}

static const int aListN[] = {1, 2, 127, 128, 129, 1000, 100000, 3, 256};
static const int aListShape[] = {SHAPE_TOP, SHAPE_TOP, SHAPE_DENSE,
                                 SHAPE_HUGE, SHAPE_MIXED, SHAPE_MIXED,
                                 SHAPE_SMALL, SHAPE_DENSE, SHAPE_TOP};
#define N_LIST ((int)(sizeof aListN / sizeof aListN[0]))

static int plfix_setup_cb(void **state) {
    plfix *F = malloc(sizeof *F);
    if (!F) return -1;
    plfix_setup(F, "plists", aListN, aListShape, N_LIST);
    *state = F;
    return 0;
}

static int plfix_teardown_cb(void **state) {
    plfix *F = *state;
    if (F) {
        plfix_teardown(F);
        free(F);
    }
    return 0;
}

static void test_plist_termloc(void **state) {
    plfix *F = *state;
    u64 postEnd = KQI_HEADER, posEnd = KQI_HEADER;
    for (int i = 0; i < F->nList; i++) {
        const plist *L = &F->aList[i];
        const kqi_termloc *l = &L->loc;
        assert_int_equal(l->df, (u32)L->n);
        assert_true(l->cf == L->cf);
        assert_true(l->skipLen <= l->postLen);
        assert_true(l->postLen > 0);
        assert_true(l->posLen > 0);
        /* lists are laid out one after the other, after the header */
        assert_true(l->postOff == postEnd);
        assert_true(l->posOff == posEnd);
        postEnd = l->postOff + l->postLen;
        posEnd = l->posOff + l->posLen;
    }
    assert_true(postEnd == F->mPost.n);
    assert_true(posEnd == F->mPos.n);
}

static void test_plist_next(void **state) {
    plfix *F = *state;
    for (int i = 0; i < F->nList; i++) {
        check_list_next(F, &F->aList[i]);
        check_list_next_nopos(F, &F->aList[i]);
    }
}

static void test_plist_seek(void **state) {
    plfix *F = *state;
    th_rng r = th_rng_for("plist_seek");
    for (int i = 0; i < F->nList; i++) check_list_seek(F, &F->aList[i], &r);
}

static void test_plist_truncated(void **state) {
    plfix *F = *state;
    th_rng r = th_rng_for("plist_truncated");
    for (int i = 0; i < F->nList; i++) {
        if (F->aList[i].n > 1000) continue; /* sampled below */
        check_list_truncated(F, &F->aList[i], &r);
    }
}

static void test_plist_truncated_big(void **state) {
    plfix *F = *state;
    th_rng r = th_rng_for("plist_truncated_big");
    for (int i = 0; i < F->nList; i++) {
        if (F->aList[i].n <= 1000) continue;
        check_list_truncated(F, &F->aList[i], &r);
    }
}

static void test_plist_damaged(void **state) {
    plfix *F = *state;
    th_rng r = th_rng_for("plist_damaged");
    for (int i = 0; i < F->nList; i++) {
        check_list_damaged(F, &F->aList[i], &r, F->aList[i].n > 1000 ? 50 : 400);
    }
}

/* Skip impacts as the grammar in postings.c has them; returns their
** number. */
static u64 skip_impacts(const u8 **pp, const u8 *end) {
    u64 n1, v;
    assert_int_equal(kqi_varint_get(pp, end, &n1), KQ_OK);
    for (u64 k = 0; k < 2 * (n1 + 1); k++) {
        assert_int_equal(kqi_varint_get(pp, end, &v), KQ_OK);
    }
    return n1 + 1;
}

/* Every list's skip table read by the grammar at the top of postings.c: a
** list of one block has the short table (its last docid, impacts, the
** CRC32 of its positions, a CRC32 from the block's on), a longer list an
** entry per block; and in a list of one block, any byte of the block
** changed is caught when the list is opened. */
static void test_plist_skip_layout(void **state) {
    plfix *F = *state;
    int nOne = 0;
    for (int i = 0; i < F->nList; i++) {
        const plist *L = &F->aList[i];
        const kqi_termloc *l = &L->loc;
        const u8 *aBlocks = F->mPost.a + l->postOff;
        const u8 *t = aBlocks + l->postLen - l->skipLen;
        const u8 *e = aBlocks + l->postLen - 4;
        const u8 *q = t;
        u64 v;
        int nBlock = (L->n + KQI_BLOCK - 1) / KQI_BLOCK;
        if (nBlock == 1) {
            nOne++;
            assert_int_equal(kqi_varint_get(&q, e, &v), KQ_OK);
            assert_true(v == L->aDoc[L->n - 1]);
            skip_impacts(&q, e);
            assert_int_equal(e - q, 4);
            assert_int_equal(kqi_get_u32(q),
                             libdeflate_crc32(0, F->mPos.a + l->posOff,
                                              (size_t)l->posLen));
            u32 c = libdeflate_crc32(0, aBlocks, (size_t)(t - aBlocks));
            assert_int_equal(kqi_get_u32(e),
                             libdeflate_crc32(c, t, (size_t)(e - t)));
            /* each byte of the block, changed */
            for (const u8 *b = aBlocks; b < t; b++) {
                cutmaps C;
                cut_maps(F, l, l->postOff + l->postLen, l->posOff + l->posLen,
                         &C);
                C.aPost[l->postOff + (size_t)(b - aBlocks)] ^= 0x10;
                kqi_plc *c2 = NULL;
                char *zErr = NULL;
                int rc = kqi_plc_open(&C.post, &C.pos, l, 0xffffffffu, &c2,
                                      &zErr);
                th_check(rc == KQ_CORRUPT, "n=%d: byte %td of the block "
                         "changed, open rc=%d", L->n, b - aBlocks, rc);
                free(zErr);
                kqi_plc_free(c2);
                cut_free(&C);
            }
        } else {
            u64 last = 0, nPost = 0, nPos = 0;
            for (int b = 0; b < nBlock; b++) {
                assert_int_equal(kqi_varint_get(&q, e, &v), KQ_OK);
                last += v;
                assert_int_equal(kqi_varint_get(&q, e, &v), KQ_OK);
                nPost += v;
                assert_int_equal(kqi_varint_get(&q, e, &v), KQ_OK);
                nPos += v;
                skip_impacts(&q, e);
                q += 8;
            }
            assert_true(last == L->aDoc[L->n - 1]);
            assert_true(nPost == (u64)(t - aBlocks));
            assert_true(nPos == l->posLen);
            skip_impacts(&q, e);
            assert_true(q == e);
            assert_int_equal(kqi_get_u32(e),
                             libdeflate_crc32(0, t, (size_t)(e - t)));
        }
    }
    assert_true(nOne >= 3);
}

/* An empty list is not a thing the writer makes; a second writer session on
** fresh files with one list repeats the layout test for a single list. */
static void test_plist_single_file(void **state) {
    (void)state;
    static const int aN[] = {129};
    static const int aShape[] = {SHAPE_SMALL};
    plfix F;
    plfix_setup(&F, "plist_single", aN, aShape, 1);
    check_list_next(&F, &F.aList[0]);
    plfix_teardown(&F);
}

/**************************************************************************
** Impacts (kqi_impacts_of, kqi_impacts_add) against their definition:
** the distinct (tf, len) pairs that no other pair beats on both (a tf at
** least as high at a length at most as small), by increasing tf.
*/
static u32 impacts_brute(const u32 *aTf, const u32 *aLen, u32 n, u32 *aOT, u32 *aOL) {
    u32 k = 0;
    for (u32 i = 0; i < n; i++) {
        int bBeaten = 0, bDup = 0;
        for (u32 j = 0; j < n && !bBeaten; j++) {
            int bSame = aTf[j] == aTf[i] && aLen[j] == aLen[i];
            if (bSame && j < i) bDup = 1;
            if (!bSame && aTf[j] >= aTf[i] && aLen[j] <= aLen[i]) bBeaten = 1;
        }
        if (bBeaten || bDup) continue;
        u32 m = k++; /* insertion by tf */
        while (m > 0 && aOT[m - 1] > aTf[i]) {
            aOT[m] = aOT[m - 1];
            aOL[m] = aOL[m - 1];
            m--;
        }
        aOT[m] = aTf[i];
        aOL[m] = aLen[i];
    }
    return k;
}

static void rand_pairs(th_rng *r, u32 *aTf, u32 *aLen, u32 n) {
    int eTf = (int)th_range(r, 0, 3), eLen = (int)th_range(r, 0, 2);
    for (u32 i = 0; i < n; i++) {
        aTf[i] = eTf == 0 ? 1 : eTf == 1 ? (u32)th_range(r, 1, 8)
               : eTf == 2 ? (u32)th_range(r, 1, KQI_BLOCK + 1) /* both paths */
                          : (u32)th_range(r, 1, 0xffffffffull);
        aLen[i] = eLen == 0 ? (u32)th_range(r, 0, 20)
                : eLen == 1 ? (u32)th_range(r, 0, 5000)
                            : (u32)th_range(r, 0, 0xffffffffull);
    }
}

static void test_impacts(void **state) {
    (void)state;
    th_rng r = th_rng_for("impacts");
    for (int it = 0; it < 3000; it++) {
        u32 n = (u32)th_range(&r, 1, KQI_BLOCK);
        u32 aTf[KQI_BLOCK], aLen[KQI_BLOCK], aOT[KQI_BLOCK], aOL[KQI_BLOCK];
        u32 aWT[KQI_BLOCK], aWL[KQI_BLOCK];
        rand_pairs(&r, aTf, aLen, n);
        u32 nGot = 12345, nWant = impacts_brute(aTf, aLen, n, aWT, aWL);
        assert_int_equal(kqi_impacts_of(aTf, aLen, n, aOT, aOL, &nGot), KQ_OK);
        th_check(nGot == nWant, "it %d: %u impacts, want %u", it, nGot, nWant);
        for (u32 i = 0; i < nGot && i < nWant; i++)
            th_check(aOT[i] == aWT[i] && aOL[i] == aWL[i],
                     "it %d: impact %u (%u, %u), want (%u, %u)", it, i, aOT[i], aOL[i],
                     aWT[i], aWL[i]);
    }
    /* A list's impacts from its blocks': the impacts of all their pairs. */
    for (int it = 0; it < 300; it++) {
        kqi_impacts list = {0};
        u32 nAll = 0, aAllT[8 * KQI_BLOCK], aAllL[8 * KQI_BLOCK];
        int nBlock = (int)th_range(&r, 1, 8);
        for (int b = 0; b < nBlock; b++) {
            u32 n = (u32)th_range(&r, 1, KQI_BLOCK), nI;
            u32 aTf[KQI_BLOCK], aLen[KQI_BLOCK], aOT[KQI_BLOCK], aOL[KQI_BLOCK];
            rand_pairs(&r, aTf, aLen, n);
            memcpy(aAllT + nAll, aTf, sizeof(u32) * n);
            memcpy(aAllL + nAll, aLen, sizeof(u32) * n);
            nAll += n;
            assert_int_equal(kqi_impacts_of(aTf, aLen, n, aOT, aOL, &nI), KQ_OK);
            assert_int_equal(kqi_impacts_add(&list, aOT, aOL, nI), KQ_OK);
        }
        u32 aWT[8 * KQI_BLOCK], aWL[8 * KQI_BLOCK];
        u32 nWant = impacts_brute(aAllT, aAllL, nAll, aWT, aWL);
        th_check(list.n == nWant, "list %d: %u impacts, want %u", it, list.n, nWant);
        for (u32 i = 0; i < list.n && i < nWant; i++)
            th_check(list.aTf[i] == aWT[i] && list.aLen[i] == aWL[i],
                     "list %d: impact %u differs", it, i);
        kqi_impacts_free(&list);
    }
}

/**************************************************************************
** Position blocks (kqi_posw, kqi_posr).
*/

/* n postings' positions in one array: posting i's tf at aTf[i], its
** positions from a + aOff[i].  Shapes: 0 every tf 1; 1 small tfs and gaps;
** 2 gaps of every width up to 32 bits and first positions up to
** 0xfffffffe (the largest); 3 one posting of 100000 positions among tf 1;
** 4 a body's: first positions past a title and KQI_TITLE_GAP, which the
** writer stores from a base. */
typedef struct pblk {
    int n;
    u32 aTf[KQI_BLOCK];
    size_t aOff[KQI_BLOCK + 1];
    u32 *a;
} pblk;

static void pblk_make(th_rng *r, pblk *B, int n, int eShape) {
    B->n = n;
    size_t nAll = 0;
    for (int i = 0; i < n; i++) {
        u32 tf = 1;
        if (eShape == 1) tf = (u32)th_range(r, 1, 40);
        if (eShape == 2) tf = (u32)th_range(r, 1, 6);
        if (eShape == 3 && i == n / 2) tf = 100000;
        B->aTf[i] = tf;
        B->aOff[i] = nAll;
        nAll += tf;
    }
    B->aOff[n] = nAll;
    B->a = malloc(sizeof(u32) * nAll);
    assert_non_null(B->a);
    for (int i = 0; i < n; i++) {
        u32 *p = B->a + B->aOff[i], tf = B->aTf[i];
        u64 lo = 0, hi = 0xfffffffeull - (tf - 1);
        u64 first = eShape == 2 ? (th_range(r, 0, 3) == 0 ? hi : th_range(r, 0, hi))
                    : eShape == 4 ? KQI_TITLE_GAP + th_range(r, 5, 500)
                                  : th_range(r, 0, 500);
        p[0] = (u32)first;
        lo = first;
        for (u32 k = 1; k < tf; k++) {
            u64 room = 0xfffffffeull - lo - (tf - 1 - k); /* largest step */
            u64 step = 1;
            if (eShape == 2) {
                int w = (int)th_range(r, 0, 32);
                step = 1 + (th_range(r, 0, ((u64)1 << w) - 1));
            } else {
                step = 1 + th_range(r, 0, 30);
            }
            lo += step > room ? 1 : step;
            p[k] = (u32)lo;
        }
    }
}

/* Encode B with kqi_posw (or the varint codec) into a malloc()ed copy of
** exactly its bytes. */
static u8 *pblk_encode(pblk *B, int eCodec, size_t *pn) {
    kq_buf b;
    memset(&b, 0, sizeof b);
    if (eCodec == KQI_CODEC_PACKED) {
        kqi_posw w;
        memset(&w, 0, sizeof w);
        for (int i = 0; i < B->n; i++) kqi_posw_add(&w, B->a + B->aOff[i], B->aTf[i]);
        kqi_posw_flush(&w, &b);
        assert_int_equal(w.n, 0);
        kqi_posw_free(&w);
    } else {
        const u32 *aa[KQI_BLOCK];
        for (int i = 0; i < B->n; i++) aa[i] = B->a + B->aOff[i];
        kqi_posblock_varint(&b, aa, B->aTf, B->n);
    }
    assert_int_equal(b.rc, KQ_OK);
    assert_int_equal(b.a[0], eCodec);
    u8 *a = dup_exact(b.a, b.n);
    *pn = b.n;
    kq_buf_free(&b);
    return a;
}

/* Every posting in a random order (twice each), compared with B. */
static void pblk_check(pblk *B, const u8 *a, size_t n, th_rng *r) {
    kqi_posr pr;
    assert_int_equal(kqi_posr_open(&pr, a, a + n, B->aTf, B->n), KQ_OK);
    u32 *aGot = malloc(sizeof(u32) * 100000);
    assert_non_null(aGot);
    for (int k = 0; k < 2 * B->n; k++) {
        int i = (int)th_range(r, 0, (u64)B->n - 1);
        assert_int_equal(kqi_posr_get(&pr, B->aTf, i, aGot), KQ_OK);
        th_check(memcmp(aGot, B->a + B->aOff[i], sizeof(u32) * B->aTf[i]) == 0,
                 "posting %d of %d: positions differ", i, B->n);
    }
    assert_int_equal(kqi_posr_get(&pr, B->aTf, B->n, aGot), KQ_MISUSE);
    free(aGot);
}

/* Round trips in both codecs, every block size at the edges, each shape;
** then every truncation and one trailing byte are refused. */
static void test_posblock_roundtrip(void **state) {
    (void)state;
    th_rng r = th_rng_for("posblock");
    const int aN[] = {1, 2, 3, 64, 127, KQI_BLOCK};
    for (size_t t = 0; t < sizeof aN / sizeof aN[0]; t++) {
        for (int eShape = 0; eShape < 5; eShape++) {
            for (int eCodec = 0; eCodec < 2; eCodec++) {
                pblk B;
                pblk_make(&r, &B, aN[t], eShape);
                size_t n;
                u8 *a = pblk_encode(&B, eCodec, &n);
                pblk_check(&B, a, n, &r);
                u32 *aGot = malloc(sizeof(u32) * 100000);
                assert_non_null(aGot);
                /* Too short or too long: the packed layout is refused when
                ** opened; varints when the postings are read. */
                for (size_t cut = 1; cut <= n + 1; cut += (n > 4000 ? 997 : 1)) {
                    if (cut == n) continue;
                    u8 *c = malloc(cut);
                    assert_non_null(c);
                    memcpy(c, a, cut < n ? cut : n);
                    if (cut > n) c[n] = 0;
                    kqi_posr pr;
                    int rc = kqi_posr_open(&pr, c, c + cut, B.aTf, B.n);
                    for (int i = 0; rc == KQ_OK && i < B.n; i++) {
                        rc = kqi_posr_get(&pr, B.aTf, i, aGot);
                    }
                    th_check(rc == KQ_CORRUPT, "codec %d, %d postings, %zu of %zu bytes: rc %d",
                             eCodec, B.n, cut, n, rc);
                    free(c);
                }
                free(aGot);
                free(a);
                free(B.a);
            }
        }
    }
}

/* Packed layouts that no writer makes: a width past 32 (refused when the
** posting is read), a position past the largest, a codec nobody knows. */
static void test_posblock_bad(void **state) {
    (void)state;
    u32 aOne[1] = {1}, aTwo[1] = {2}, aPos[2];
    kqi_posr pr;
    /* bF 33 */
    u8 a1[] = {KQI_CODEC_PACKED, 33, 0, 0, 0, 0, 0};
    assert_int_equal(kqi_posr_open(&pr, a1, a1 + sizeof a1, aOne, 1), KQ_CORRUPT);
    /* tf 2: first 0 (bF 0), widths of 6 bits, width 33, 33 bits of gap */
    u8 a2[] = {KQI_CODEC_PACKED, 0, 6, 33, 0, 0, 0, 0, 0};
    assert_int_equal(kqi_posr_open(&pr, a2, a2 + sizeof a2, aTwo, 1), KQ_OK);
    assert_int_equal(kqi_posr_get(&pr, aTwo, 0, aPos), KQ_CORRUPT);
    /* the same with width 32 and 4 bytes of gap: read */
    a2[3] = 32;
    assert_int_equal(kqi_posr_open(&pr, a2, a2 + 8, aTwo, 1), KQ_OK);
    assert_int_equal(kqi_posr_get(&pr, aTwo, 0, aPos), KQ_OK);
    /* widths of 7 bits (past KQI_POS_WBITS), and none at all */
    a2[2] = KQI_POS_WBITS + 1;
    assert_int_equal(kqi_posr_open(&pr, a2, a2 + 8, aTwo, 1), KQ_CORRUPT);
    assert_int_equal(kqi_posr_open(&pr, a2, a2 + 2, aTwo, 1), KQ_CORRUPT);
    /* widths of 0 bits: every gap 0, nothing stored (positions 5, 6) */
    u8 a9[] = {KQI_CODEC_PACKED, 8, 5, 0};
    assert_int_equal(kqi_posr_open(&pr, a9, a9 + sizeof a9, aTwo, 1), KQ_OK);
    assert_int_equal(kqi_posr_get(&pr, aTwo, 0, aPos), KQ_OK);
    assert_int_equal(aPos[0], 5);
    assert_int_equal(aPos[1], 6);
    /* ... and a byte after them */
    u8 a10[] = {KQI_CODEC_PACKED, 8, 5, 0, 0};
    assert_int_equal(kqi_posr_open(&pr, a10, a10 + sizeof a10, aTwo, 1), KQ_OK);
    assert_int_equal(kqi_posr_get(&pr, aTwo, 0, aPos), KQ_CORRUPT);
    /* tf 1 at 0xffffffff (bF 32): one past the largest position */
    u8 a3[] = {KQI_CODEC_PACKED, 32, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(kqi_posr_open(&pr, a3, a3 + sizeof a3, aOne, 1), KQ_OK);
    assert_int_equal(kqi_posr_get(&pr, aOne, 0, aPos), KQ_CORRUPT);
    /* 0xfffffffe is the largest: allowed */
    a3[2] = 0xfe;
    assert_int_equal(kqi_posr_open(&pr, a3, a3 + sizeof a3, aOne, 1), KQ_OK);
    assert_int_equal(kqi_posr_get(&pr, aOne, 0, aPos), KQ_OK);
    assert_int_equal(aPos[0], 0xfffffffeu);
    /* tf 2 from 0xfffffffe with a gap of 0: past it */
    u8 a4[] = {KQI_CODEC_PACKED, 32, 0xfe, 0xff, 0xff, 0xff, 1, 1, 0};
    assert_int_equal(kqi_posr_open(&pr, a4, a4 + sizeof a4, aTwo, 1), KQ_OK);
    assert_int_equal(kqi_posr_get(&pr, aTwo, 0, aPos), KQ_CORRUPT);
    /* A base (flag 64, then a varint): added to each first position, and
    ** the sum refused past the largest. */
    u8 a6[] = {KQI_CODEC_PACKED, 64 | 8, 0xfe, 0xff, 0xff, 0xff, 0x0f, 0};
    assert_int_equal(kqi_posr_open(&pr, a6, a6 + sizeof a6, aOne, 1), KQ_OK);
    assert_int_equal(kqi_posr_get(&pr, aOne, 0, aPos), KQ_OK);
    assert_int_equal(aPos[0], 0xfffffffeu);
    a6[7] = 1;
    assert_int_equal(kqi_posr_open(&pr, a6, a6 + sizeof a6, aOne, 1), KQ_OK);
    assert_int_equal(kqi_posr_get(&pr, aOne, 0, aPos), KQ_CORRUPT);
    /* a base of 0xffffffff, and a base cut short */
    u8 a7[] = {KQI_CODEC_PACKED, 64 | 8, 0xff, 0xff, 0xff, 0xff, 0x0f, 0};
    assert_int_equal(kqi_posr_open(&pr, a7, a7 + sizeof a7, aOne, 1), KQ_CORRUPT);
    assert_int_equal(kqi_posr_open(&pr, a7, a7 + 4, aOne, 1), KQ_CORRUPT);
    /* a width of 33 with the flag */
    u8 a8[] = {KQI_CODEC_PACKED, 64 | 33, 0, 0, 0, 0, 0, 0};
    assert_int_equal(kqi_posr_open(&pr, a8, a8 + sizeof a8, aOne, 1), KQ_CORRUPT);
    /* A writer of KQI_BLOCK postings takes no more: the one past is a
    ** misuse, which the flush reports. */
    kqi_posw w;
    memset(&w, 0, sizeof w);
    kq_buf b;
    memset(&b, 0, sizeof b);
    u32 one = 7;
    for (int i = 0; i < KQI_BLOCK; i++) kqi_posw_add(&w, &one, 1);
    assert_int_equal(w.gaps.rc, KQ_OK);
    kqi_posw_add(&w, &one, 1);
    kqi_posw_flush(&w, &b);
    assert_int_equal(b.rc, KQ_MISUSE);
    kqi_posw_free(&w);
    kq_buf_free(&b);
    /* codec 2 */
    u8 a5[] = {2, 0};
    assert_int_equal(kqi_posr_open(&pr, a5, a5 + sizeof a5, aOne, 1), KQ_CORRUPT);
    /* empty, and a block count out of range */
    assert_int_equal(kqi_posr_open(&pr, a5, a5, aOne, 1), KQ_CORRUPT);
    assert_int_equal(kqi_posr_open(&pr, a3, a3 + sizeof a3, aOne, 0), KQ_CORRUPT);
}

/* The layout codec.c documents, byte for byte: postings at {3, 5} and
** {4, 10}: first positions 3 and 4 at 3 bits (no base: it would cost
** more), widths of 2 bits (the gaps 1 and 5 take 1 and 3 bits), gaps. */
static void test_posblock_exact(void **state) {
    (void)state;
    kqi_posw w;
    memset(&w, 0, sizeof w);
    kq_buf b;
    memset(&b, 0, sizeof b);
    u32 aA[2] = {3, 5}, aB[2] = {4, 10};
    kqi_posw_add(&w, aA, 2);
    kqi_posw_add(&w, aB, 2);
    kqi_posw_flush(&w, &b);
    static const u8 aWant[] = {KQI_CODEC_PACKED, 3, 3 | 4 << 3, 2,
                               1 | 3 << 2, 1 | 5 << 1};
    assert_int_equal(b.rc, KQ_OK);
    assert_int_equal(b.n, sizeof aWant);
    assert_memory_equal(b.a, aWant, sizeof aWant);
    kqi_posw_free(&w);
    kq_buf_free(&b);
}

/* The packed layout takes less room than varints for typical positions
** (the reason for it): 128 postings of tf 1..40 at small gaps. */
static void test_posblock_smaller(void **state) {
    (void)state;
    th_rng r = th_rng_for("posblock_smaller");
    pblk B;
    pblk_make(&r, &B, KQI_BLOCK, 1);
    size_t nP, nV;
    u8 *p = pblk_encode(&B, KQI_CODEC_PACKED, &nP);
    u8 *v = pblk_encode(&B, KQI_CODEC_VARINT, &nV);
    th_check(nP < nV, "packed %zu bytes, varint %zu", nP, nV);
    free(p);
    free(v);
    free(B.a);
    /* A body's block is stored from a base, in fewer bytes than its first
    ** positions at full width would take (the width of the largest, 12
    ** bits, against 9 for what is past the base, less the varint). */
    pblk_make(&r, &B, KQI_BLOCK, 4);
    p = pblk_encode(&B, KQI_CODEC_PACKED, &nP);
    assert_true(p[1] & 64);
    th_check(p[1] - 64 <= 9, "width %d past the base", p[1] - 64);
    free(p);
    free(B.a);
}

/* kqi_varint_skip() against decoding one varint at a time: every count from
** 0 to all of them, from every start, and too many (KQ_CORRUPT, no read past
** the end: the buffer is an exact-size copy). */
static void test_varint_skip(void **state) {
    (void)state;
    th_rng r = th_rng_for("varint_skip");
    for (int it = 0; it < 200; it++) {
        int n = (int)th_range(&r, 0, 60);
        u8 aBuf[60 * 10];
        size_t nBuf = 0;
        for (int i = 0; i < n; i++) {
            u64 v = th_range(&r, 0, 3) == 0 ? th_range(&r, 0, ~0ull)
                                            : th_range(&r, 0, 200);
            nBuf += kqi_varint_put(aBuf + nBuf, v);
        }
        u8 *a = dup_exact(aBuf, nBuf);
        for (int k = 0; k <= n; k++) {
            const u8 *pWant = a;
            for (int i = 0; i < k; i++) {
                u64 v;
                assert_int_equal(kqi_varint_get(&pWant, a + nBuf, &v), KQ_OK);
            }
            const u8 *p = a;
            assert_int_equal(kqi_varint_skip(&p, a + nBuf, (u64)k), KQ_OK);
            if (p != pWant)
                fail_msg("skip %d of %d varints: at byte %td, want %td", k, n,
                         p - a, pWant - a);
        }
        const u8 *p = a;
        assert_int_equal(kqi_varint_skip(&p, a + nBuf, (u64)n + 1), KQ_CORRUPT);
        free(a);
    }
}

/* kq_buf (kq.h) at its limit: growing to exactly what is asked works; a
** size past SIZE_MAX (n + more overflowing) or past what doubling can
** reach fails as out of memory, stickily, without touching the bytes. */
static void test_buf_limits(void **state) {
    (void)state;
    kq_buf b = {0};
    kq_buf_append(&b, "abc", 3);
    assert_int_equal(b.rc, KQ_OK);
    assert_true(b.nAlloc >= 3);
    size_t nReal = b.n;
    b.n = SIZE_MAX - 2;             /* pretend: one byte of room short */
    kq_buf_append(&b, "xyz", 3);    /* SIZE_MAX + 1 bytes: refused */
    assert_int_equal(b.rc, KQ_NOMEM);
    assert_int_equal(b.n, SIZE_MAX - 2);
    b.n = nReal;
    kq_buf_putc(&b, 'd');           /* sticky: still refused */
    assert_int_equal(b.rc, KQ_NOMEM);
    assert_int_equal(b.n, nReal);
    assert_memory_equal(b.a, "abc", 3);
    kq_buf_free(&b);
    kq_buf c = {0};
    c.n = SIZE_MAX / 2 + 1;         /* doubling from here overflows */
    assert_int_equal(kqi_buf_reserve(&c, 1), KQ_NOMEM);
    assert_null(c.a);
    c.n = 0;
    kq_buf_free(&c);
}

int main(void) {
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_varint_put_exact),
        cmocka_unit_test(test_varint_get_exact),
        cmocka_unit_test(test_varint_truncated),
        cmocka_unit_test(test_varint_skip),
        cmocka_unit_test(test_varint_overlong),
        cmocka_unit_test(test_varint_get32_range),
        cmocka_unit_test(test_varint_random),
        cmocka_unit_test(test_block_fixed),
        cmocka_unit_test(test_block_random),
        cmocka_unit_test(test_block_bad_codec),
        cmocka_unit_test(test_block_overflow),
        cmocka_unit_test(test_block_raw),
        cmocka_unit_test(test_block_pfor),
        cmocka_unit_test(test_block_pfor_raw),
        cmocka_unit_test(test_impacts),
        cmocka_unit_test(test_posblock_roundtrip),
        cmocka_unit_test(test_posblock_bad),
        cmocka_unit_test(test_posblock_smaller),
        cmocka_unit_test(test_posblock_exact),
        cmocka_unit_test_setup_teardown(test_plist_skip_layout, plfix_setup_cb,
                                        plfix_teardown_cb),
        cmocka_unit_test_setup_teardown(test_plist_termloc, plfix_setup_cb,
                                        plfix_teardown_cb),
        cmocka_unit_test_setup_teardown(test_plist_next, plfix_setup_cb,
                                        plfix_teardown_cb),
        cmocka_unit_test_setup_teardown(test_plist_seek, plfix_setup_cb,
                                        plfix_teardown_cb),
        cmocka_unit_test_setup_teardown(test_plist_truncated, plfix_setup_cb,
                                        plfix_teardown_cb),
        cmocka_unit_test_setup_teardown(test_plist_truncated_big,
                                        plfix_setup_cb, plfix_teardown_cb),
        cmocka_unit_test_setup_teardown(test_plist_damaged, plfix_setup_cb,
                                        plfix_teardown_cb),
        cmocka_unit_test(test_plist_single_file),
        cmocka_unit_test(test_buf_limits),
    };
    return TH_RUN(tests);
}
