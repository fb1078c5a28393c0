/*
** codec.c -- the posting-block codec.
**
** A block holds 1..KQI_BLOCK postings of one term (the count is known to the
** reader from the term's document frequency, so it is not stored).  Its
** first byte names the codec:
**
**   KQI_CODEC_PACKED (1), written by this version: frame of reference,
**   bit-packed.
**     u8:   bG, bits per docid gap (0..32)
**     u8:   bT, bits per (tf - 1) (0..32; 0 = every tf is 1, nothing stored)
**     ceil(n * bG / 8) bytes: the n docid gaps, bG bits each
**     ceil(n * bT / 8) bytes: the n values tf - 1, bT bits each
**   Values are packed least significant bit first into a little-endian bit
**   stream; the unused high bits of the last byte are zero.  bG and bT are
**   the widths of the largest value in the block, so a block costs what its
**   largest gap needs, and decoding is a shift and a mask a value with no
**   branch per byte (varint decoding was the largest cost in long lists).
**
**   KQI_CODEC_VARINT (0), still read: n varint gaps, then n varint tf - 1.
**
** Docid gaps: the first is relative to the last docid of the previous block
** (stored as docid - prev - 1), or, in the first block of a list, the docid
** itself.  The rest are docid[i] - docid[i-1] - 1.  Gaps and frequencies
** are stored minus one because they are at least one: that keeps the
** common values (gap 1, tf 1) at zero bits.
**
** The positions of a block live in the .pos file (see postings.c):
**
**     u8:       codec (KQI_CODEC_VARINT)
**     for each posting, tf varints: the first position, then each next
**               position as (pos - previous - 1).
*/
#include "kq_int.h"

#include <string.h>

/* Bits needed for v (0 for 0). */
static int
bits_of(u32 v)
{
    return v ? 32 - __builtin_clz(v) : 0;
}

/* Pack n values of b bits each at p; returns the bytes written. */
static size_t
pack(u8 *p, const u32 *a, int n, int b)
{
    if (b == 0) {
        return 0;
    }
    u8 *p0 = p;
    u64 acc = 0;
    int nAcc = 0;
    for (int i = 0; i < n; i++) {
        acc |= (u64)a[i] << nAcc;
        nAcc += b;
        while (nAcc >= 8) {
            *p++ = (u8)acc;
            acc >>= 8;
            nAcc -= 8;
        }
    }
    if (nAcc > 0) {
        *p++ = (u8)acc;
    }
    return (size_t)(p - p0);
}

/* Unpack n values of b bits from exactly ceil(n * b / 8) bytes at p (the
** caller checked that they are there).  Each value is one unaligned 64-bit
** load, a shift and a mask (b + 7 <= 39 bits fit), while 8 bytes remain;
** the last few values go a byte at a time, never past the data. */
static void
unpack(const u8 *p, u32 *a, int n, int b)
{
    if (b == 0) {
        memset(a, 0, sizeof(u32) * (size_t)n);
        return;
    }
    size_t nBytes = ((size_t)n * (size_t)b + 7) / 8;
    u64 mask = (b == 32) ? 0xffffffffu : ((u64)1 << b) - 1;
    int i = 0;
    size_t bit = 0;
    for (; i < n; i++, bit += (size_t)b) {
        size_t byte = bit >> 3;
        if (byte + 8 > nBytes) {
            break;
        }
        u64 w;
        memcpy(&w, p + byte, 8);
        a[i] = (u32)((w >> (bit & 7)) & mask);
    }
    for (; i < n; i++, bit += (size_t)b) {
        size_t byte = bit >> 3;
        u64 w = 0;
        for (size_t k = 0; k < 8 && byte + k < nBytes; k++) {
            w |= (u64)p[byte + k] << (8 * k);
        }
        a[i] = (u32)((w >> (bit & 7)) & mask);
    }
}

void
kqi_block_encode_codec(kq_buf *b, int eCodec, const u32 *aDoc, const u32 *aTf,
                       int n, u32 prevDoc)
{
    u32 aGap[KQI_BLOCK], aF[KQI_BLOCK];
    u32 orG = 0, orT = 0;
    u32 prev = prevDoc;
    for (int i = 0; i < n; i++) {
        aGap[i] = (prev == KQ_DOCID_EOF) ? aDoc[i] : aDoc[i] - prev - 1;
        aF[i] = aTf[i] - 1;
        orG |= aGap[i];
        orT |= aF[i];
        prev = aDoc[i];
    }
    if (kqi_buf_reserve(b, 3 + (size_t)n * 2 * 5)) {
        return;
    }
    u8 *p = b->a + b->n;
    *p++ = (u8)eCodec;
    if (eCodec == KQI_CODEC_VARINT) {
        for (int i = 0; i < n; i++) {
            p += kqi_varint_put(p, aGap[i]);
        }
        for (int i = 0; i < n; i++) {
            p += kqi_varint_put(p, aF[i]);
        }
    } else {
        int bG = bits_of(orG), bT = bits_of(orT);
        *p++ = (u8)bG;
        *p++ = (u8)bT;
        p += pack(p, aGap, n, bG);
        p += pack(p, aF, n, bT);
    }
    b->n = (size_t)(p - b->a);
}

void
kqi_block_encode(kq_buf *b, const u32 *aDoc, const u32 *aTf, int n,
                 u32 prevDoc)
{
    kqi_block_encode_codec(b, KQI_CODEC_PACKED, aDoc, aTf, n, prevDoc);
}

int
kqi_block_decode_docs(const u8 *p, const u8 *end, int n, u32 prevDoc,
                      u32 *aDoc, const u8 **ppTf)
{
    if (n < 1 || n > KQI_BLOCK || p >= end || *p != KQI_CODEC_PACKED) {
        return KQ_CORRUPT;
    }
    if (end - p < 3 || p[1] > 32 || p[2] > 32) {
        return KQ_CORRUPT;
    }
    int bG = p[1], bT = p[2];
    size_t nG = ((size_t)n * (size_t)bG + 7) / 8;
    size_t nT = ((size_t)n * (size_t)bT + 7) / 8;
    if ((size_t)(end - p) != 3 + nG + nT) {
        return KQ_CORRUPT;
    }
    unpack(p + 3, aDoc, n, bG);
    u64 d = (prevDoc == KQ_DOCID_EOF) ? aDoc[0] : (u64)prevDoc + 1 + aDoc[0];
    if (d >= KQ_DOCID_EOF) {
        return KQ_CORRUPT;
    }
    aDoc[0] = (u32)d;
    for (int i = 1; i < n; i++) {
        d += 1 + (u64)aDoc[i];
        if (d >= KQ_DOCID_EOF) {
            return KQ_CORRUPT;
        }
        aDoc[i] = (u32)d;
    }
    *ppTf = p + 3 + nG;
    return KQ_OK;
}

int
kqi_block_decode_tfs(const u8 *pTf, int n, int bT, u32 *aTf)
{
    unpack(pTf, aTf, n, bT);
    for (int i = 0; i < n; i++) {
        if (aTf[i] == 0xffffffffu) {
            return KQ_CORRUPT;
        }
        aTf[i]++;
    }
    return KQ_OK;
}

int
kqi_block_decode(const u8 *p, const u8 *end, int n, u32 prevDoc, u32 *aDoc,
                 u32 *aTf)
{
    if (n >= 1 && p < end && *p == KQI_CODEC_PACKED) {
        const u8 *pTf;
        int rc = kqi_block_decode_docs(p, end, n, prevDoc, aDoc, &pTf);
        return rc ? rc : kqi_block_decode_tfs(pTf, n, p[2], aTf);
    }
    if (n < 1 || n > KQI_BLOCK || p >= end) {
        return KQ_CORRUPT;
    }
    if (*p != KQI_CODEC_VARINT) {
        return KQ_CORRUPT;
    }
    p++;
    u64 prev = prevDoc;
    for (int i = 0; i < n; i++) {
        u32 gap;
        if (kqi_varint_get32(&p, end, &gap)) {
            return KQ_CORRUPT;
        }
        u64 d = (prev == KQ_DOCID_EOF) ? gap : prev + 1 + gap;
        if (d >= KQ_DOCID_EOF) {
            return KQ_CORRUPT;
        }
        aDoc[i] = (u32)d;
        prev = d;
    }
    for (int i = 0; i < n; i++) {
        u32 tf;
        if (kqi_varint_get32(&p, end, &tf) || tf == 0xffffffffu) {
            return KQ_CORRUPT;
        }
        aTf[i] = tf + 1;
    }
    /* The block must fill exactly the bytes the skip table gave it. */
    return p == end ? KQ_OK : KQ_CORRUPT;
}

void
kqi_posblock_begin(kq_buf *b)
{
    kq_buf_putc(b, KQI_CODEC_VARINT);
}

void
kqi_posblock_add(kq_buf *b, const u32 *aPos, u32 nPos)
{
    if (kqi_buf_reserve(b, (size_t)nPos * 5)) {
        return;
    }
    u8 *p = b->a + b->n;
    for (u32 i = 0; i < nPos; i++) {
        p += kqi_varint_put(p, i == 0 ? aPos[0] : aPos[i] - aPos[i - 1] - 1);
    }
    b->n = (size_t)(p - b->a);
}
