/*
** codec.c -- the posting-block codec.
**
** A block holds 1..KQI_BLOCK postings of one term (the count is known to the
** reader from the term's document frequency, so it is not stored).  Its
** first byte names the codec:
**
**   KQI_CODEC_PACKED (1), written by this version: frame of reference,
**   bit-packed, with exceptions (patched frame of reference, "PFor").
**     u8:   wG, the docid gaps' width byte: bG, bits per gap (0..32),
**           plus KQI_PFOR_EX (64) if the gaps have exceptions
**     u8:   wT, the same for the values tf - 1 (bT 0 with no exceptions:
**           every tf is 1, nothing stored)
**     stream: the n docid gaps
**     stream: the n values tf - 1
**   A stream of n values at width byte w, b = w less KQI_PFOR_EX (0..32):
**     ceil(n * b / 8) bytes: the low b bits of each value
**     if w & KQI_PFOR_EX, the values that do not fit in b bits:
**       u8: nX, their number (1..n)
**       u8: bX, bits of their high parts (1..32 - b)
**       nX bytes: their indexes (0..n-1)
**       ceil(nX * bX / 8) bytes: their high parts (value >> b), bX bits each
**   Values are packed least significant bit first into a little-endian bit
**   stream; the unused high bits of the last byte are zero.  The writer
**   picks the b that makes the stream smallest: the width of the largest
**   value, or a narrower one and the few values past it as exceptions
**   (one long gap in a list, or one high tf, no longer widens the other
**   127: 21% less than one width per block on gutenberg-dev).  Decoding is
**   a shift and a mask a value with no branch per byte (varint decoding
**   was the largest cost in long lists), then a patch per exception.
**
**   KQI_CODEC_VARINT (0), still read: n varint gaps, then n varint tf - 1.
**
** Docid gaps: the first is relative to the last docid of the previous block
** (stored as docid - prev - 1), or, in the first block of a list, the docid
** itself.  The rest are docid[i] - docid[i-1] - 1.  Gaps and frequencies
** are stored minus one because they are at least one: that keeps the
** common values (gap 1, tf 1) at zero bits.
**
** The positions of a block live in the .pos file (see postings.c), in a
** layout that lets a reader go straight to any posting's positions:
**
**   KQI_CODEC_PACKED (1), written by this version:
**     u8:   bF, bits per first position (0..32), plus KQI_POS_BASED (64) if
**           a base follows
**     varint: if KQI_POS_BASED, the base: the block's smallest first position
**     ceil(n * bF / 8) bytes: each posting's first position (minus the
**           base)
**     if m > 0, for the m postings whose tf is over one:
**       u8: bW, bits per width (0..6)
**       ceil(m * bW / 8) bytes: in order, each one's bG, its bits per gap
**           (0..32), bW bits each
**     ceil(G / 8) bytes: one bit stream of those postings' gaps (each next
**           position as pos - previous - 1), tf - 1 of bG bits for each;
**           G is the sum of (tf - 1) * bG
**   A posting's first position is at bit i * bF of its stream and its gaps
**   at the sum of (tf - 1) * bG over the postings before it, both known
**   from the block's tfs and widths: a phrase reads the positions of the
**   postings it checks and no others (a varint stream had to be read up to
**   them).  A width per posting, not per block, keeps one document's long
**   gaps (a rare word in a book) from widening every other posting's:
**   packed this way, positions take 14% less than varints on 2 KB book
**   passages and 3% less in whole books, where one width per block would
**   take 6% more.  The base: a body's positions start past its title's
**   and KQI_TITLE_GAP, so the first positions of most blocks have their
**   high bits in common; the writer stores a base when it saves bits.
**
**   KQI_CODEC_VARINT (0), still read: for each posting, tf varints: the
**   first position, then each next position as (pos - previous - 1).
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

/* Unpack n values of b bits, from bit `bit` on, of the nBytes bytes at p
** (the caller checked that they hold them).  Each value is one unaligned
** 64-bit load, a shift and a mask (b + 7 <= 39 bits fit), while 8 bytes
** remain; the last few values go a byte at a time, never past the data. */
static void
unpack_at(const u8 *p, size_t nBytes, u64 bit, u32 *a, size_t n, int b)
{
    if (b == 0) {
        memset(a, 0, sizeof(u32) * n);
        return;
    }
    u64 mask = (b == 32) ? 0xffffffffu : ((u64)1 << b) - 1;
    size_t i = 0;
    for (; i < n; i++, bit += (u64)b) {
        u64 byte = bit >> 3;
        if (byte + 8 > nBytes) {
            break;
        }
        u64 w;
        memcpy(&w, p + byte, 8);
        a[i] = (u32)((w >> (bit & 7)) & mask);
    }
    for (; i < n; i++, bit += (u64)b) {
        u64 byte = bit >> 3;
        u64 w = 0;
        for (u64 k = 0; k < 8 && byte + k < nBytes; k++) {
            w |= (u64)p[byte + k] << (8 * k);
        }
        a[i] = (u32)((w >> (bit & 7)) & mask);
    }
}

/* The one value of b bits (0..32) at bit `bit` of the nBytes bytes at p,
** never reading past them. */
static inline u32
get_bits(const u8 *p, size_t nBytes, u64 bit, int b)
{
    u64 byte = bit >> 3, w = 0;
    if (byte + 8 <= nBytes) {
        memcpy(&w, p + byte, 8);
    } else {
        for (u64 k = 0; k < 8 && byte + k < nBytes; k++) {
            w |= (u64)p[byte + k] << (8 * k);
        }
    }
    u64 mask = (b == 32) ? 0xffffffffu : ((u64)1 << b) - 1;
    return (u32)((w >> (bit & 7)) & mask);
}

/* Bytes of n values of b bits. */
static inline size_t
packed_bytes(size_t n, int b)
{
    return (n * (size_t)b + 7) / 8;
}

/* Unpack n values of b bits from exactly ceil(n * b / 8) bytes at p. */
static void
unpack(const u8 *p, u32 *a, int n, int b)
{
    unpack_at(p, packed_bytes((size_t)n, b), 0, a, (size_t)n, b);
}

/* The width that makes a stream of the n values a[] smallest (their OR is
** orA), and in *pnX how many values do not fit in it. */
static int
pfor_width(const u32 *a, int n, u32 orA, int *pnX)
{
    int mx = bits_of(orA);
    int aCnt[33] = {0};
    for (int i = 0; i < n; i++) {
        aCnt[bits_of(a[i])]++;
    }
    int bBest = mx, nX = 0;
    size_t best = packed_bytes((size_t)n, mx);
    *pnX = 0;
    for (int b = mx - 1; b >= 0; b--) {
        nX += aCnt[b + 1];
        size_t c = packed_bytes((size_t)n, b) + 2 + (size_t)nX +
                   packed_bytes((size_t)nX, mx - b);
        if (c < best) {
            best = c;
            bBest = b;
            *pnX = nX;
        }
    }
    return bBest;
}

/* Write the stream of the n values a[] (their OR is orA) at p, and its
** width byte at *pW; returns the end of the stream. */
static u8 *
pfor_put(u8 *p, u8 *pW, const u32 *a, int n, u32 orA)
{
    int nX;
    int b = pfor_width(a, n, orA, &nX);
    *pW = (u8)(b | (nX ? KQI_PFOR_EX : 0));
    if (nX == 0) {
        return p + pack(p, a, n, b);
    }
    /* b < the largest value's width <= 32: the shifts are defined. */
    int bX = bits_of(orA) - b;
    u32 aLow[KQI_BLOCK], aHigh[KQI_BLOCK];
    u8 aIdx[KQI_BLOCK];
    int k = 0;
    for (int i = 0; i < n; i++) {
        aLow[i] = a[i] & ((1u << b) - 1);
        if (a[i] >> b) {
            aIdx[k] = (u8)i;
            aHigh[k++] = a[i] >> b;
        }
    }
    p += pack(p, aLow, n, b);
    *p++ = (u8)nX;
    *p++ = (u8)bX;
    memcpy(p, aIdx, (size_t)nX);
    p += nX;
    return p + pack(p, aHigh, nX, bX);
}

/* The bytes of a stream of n values at width byte w that starts at p,
** checked against end: KQ_CORRUPT for a bad width or exception header, or
** a stream past end. */
static int
pfor_size(const u8 *p, const u8 *end, int n, int w, size_t *pnByte)
{
    int b = w & ~KQI_PFOR_EX;
    if (b > 32) {
        return KQ_CORRUPT;
    }
    size_t nLow = packed_bytes((size_t)n, b);
    if ((size_t)(end - p) < nLow) {
        return KQ_CORRUPT;
    }
    *pnByte = nLow;
    if (w & KQI_PFOR_EX) {
        const u8 *x = p + nLow;
        if (end - x < 2 || x[0] < 1 || x[0] > n || x[1] < 1 || x[1] > 32 - b) {
            return KQ_CORRUPT;
        }
        size_t nX = packed_bytes(x[0], x[1]) + x[0] + 2;
        if ((size_t)(end - x) < nX) {
            return KQ_CORRUPT;
        }
        *pnByte += nX;
    }
    return KQ_OK;
}

/* Decode the n values of a stream checked by pfor_size().  KQ_CORRUPT for
** an exception index past n. */
static int
pfor_get(const u8 *p, int n, int w, u32 *a)
{
    int b = w & ~KQI_PFOR_EX;
    unpack(p, a, n, b);
    if (w & KQI_PFOR_EX) {
        const u8 *x = p + packed_bytes((size_t)n, b);
        int nX = x[0], bX = x[1];
        u32 aHigh[KQI_BLOCK];
        unpack(x + 2 + nX, aHigh, nX, bX);
        for (int k = 0; k < nX; k++) {
            int i = x[2 + k];
            if (i >= n) {
                return KQ_CORRUPT;
            }
            a[i] |= aHigh[k] << b;
        }
    }
    return KQ_OK;
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
    /* Either codec's worst case: varints of 5 bytes, or 4 bytes a value
    ** (a stream takes exceptions only when they make it smaller than its
    ** values at their full width). */
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
        u8 *pW = p;
        p += 2;
        p = pfor_put(p, &pW[0], aGap, n, orG);
        p = pfor_put(p, &pW[1], aF, n, orT);
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
    size_t nG, nT;
    if (end - p < 3 || pfor_size(p + 3, end, n, p[1], &nG) ||
        pfor_size(p + 3 + nG, end, n, p[2], &nT) ||
        (size_t)(end - p) != 3 + nG + nT || pfor_get(p + 3, n, p[1], aDoc)) {
        return KQ_CORRUPT;
    }
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
kqi_block_decode_tfs(const u8 *pTf, int n, int wT, u32 *aTf)
{
    if (pfor_get(pTf, n, wT, aTf)) {
        return KQ_CORRUPT;
    }
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

/**************************************************************************
** Position blocks.
*/

void
kqi_posw_add(kqi_posw *w, const u32 *aPos, u32 nPos)
{
    if (w->n >= KQI_BLOCK || nPos == 0) {
        w->gaps.rc = KQ_MISUSE;
        return;
    }
    u32 orG = 0;
    if (nPos > 1 &&
        kqi_buf_reserve(&w->gaps, sizeof(u32) * ((size_t)nPos - 1)) == 0) {
        u32 *a = (u32 *)(void *)(w->gaps.a + w->gaps.n);
        for (u32 i = 1; i < nPos; i++) {
            a[i - 1] = aPos[i] - aPos[i - 1] - 1;
            orG |= a[i - 1];
        }
        w->gaps.n += sizeof(u32) * ((size_t)nPos - 1);
    }
    w->aFirst[w->n] = aPos[0];
    w->aTf[w->n] = nPos;
    w->aW[w->n] = (u8)bits_of(orG);
    w->n++;
}

/* Append the low b bits of v to the bit stream (acc, nAcc) at *pp. */
static inline void
put_bits(u8 **pp, u64 *pAcc, int *pnAcc, u32 v, int b)
{
    *pAcc |= (u64)v << *pnAcc;
    *pnAcc += b;
    while (*pnAcc >= 8) {
        *(*pp)++ = (u8)*pAcc;
        *pAcc >>= 8;
        *pnAcc -= 8;
    }
}

static inline void
end_bits(u8 **pp, u64 *pAcc, int *pnAcc)
{
    if (*pnAcc > 0) {
        *(*pp)++ = (u8)*pAcc;
    }
    *pAcc = 0;
    *pnAcc = 0;
}

void
kqi_posw_flush(kqi_posw *w, kq_buf *b)
{
    u32 orF = 0, minF = 0xffffffffu, orW = 0;
    u64 nGapBits = 0;
    int m = 0;
    for (int i = 0; i < w->n; i++) {
        orF |= w->aFirst[i];
        minF = w->aFirst[i] < minF ? w->aFirst[i] : minF;
        if (w->aTf[i] > 1) {
            m++;
            nGapBits += (u64)(w->aTf[i] - 1) * w->aW[i];
            orW |= w->aW[i];
        }
    }
    int bW = bits_of(orW);
    int bF = bits_of(orF);
    /* With the smallest as base, if that saves more bits than the base
    ** takes. */
    u32 orB = 0;
    for (int i = 0; i < w->n; i++) {
        orB |= w->aFirst[i] - minF;
    }
    u8 aBase[5];
    int nBase = kqi_varint_put(aBase, minF);
    int bB = bits_of(orB);
    int bBased = packed_bytes((size_t)w->n, bF) >
                 packed_bytes((size_t)w->n, bB) + (size_t)nBase;
    if (bBased) {
        bF = bB;
        for (int i = 0; i < w->n; i++) {
            w->aFirst[i] -= minF;
        }
    }
    size_t nMax = 8 + packed_bytes((size_t)w->n, bF) +
                  packed_bytes((size_t)m, bW) + (size_t)(nGapBits / 8) + 1;
    if (w->gaps.rc == KQ_OK && kqi_buf_reserve(b, nMax) == 0) {
        u8 *p = b->a + b->n;
        u64 acc = 0;
        int nAcc = 0;
        *p++ = KQI_CODEC_PACKED;
        *p++ = (u8)(bF | (bBased ? KQI_POS_BASED : 0));
        if (bBased) {
            memcpy(p, aBase, (size_t)nBase);
            p += nBase;
        }
        p += pack(p, w->aFirst, w->n, bF);
        if (m > 0) {
            *p++ = (u8)bW;
        }
        for (int i = 0; i < w->n; i++) {
            if (w->aTf[i] > 1) {
                put_bits(&p, &acc, &nAcc, w->aW[i], bW);
            }
        }
        end_bits(&p, &acc, &nAcc);
        const u32 *aGap = (const u32 *)(const void *)w->gaps.a;
        for (int i = 0; i < w->n; i++) {
            for (u32 k = 1; k < w->aTf[i]; k++) {
                put_bits(&p, &acc, &nAcc, *aGap++, w->aW[i]);
            }
        }
        end_bits(&p, &acc, &nAcc);
        b->n = (size_t)(p - b->a);
    } else if (b->rc == KQ_OK) {
        b->rc = w->gaps.rc;
    }
    w->n = 0;
    w->gaps.n = 0;
}

void
kqi_posw_free(kqi_posw *w)
{
    kq_buf_free(&w->gaps);
}

void
kqi_posblock_varint(kq_buf *b, const u32 *const *aaPos, const u32 *aTf, int n)
{
    kq_buf_putc(b, KQI_CODEC_VARINT);
    for (int j = 0; j < n; j++) {
        const u32 *aPos = aaPos[j];
        u32 nPos = aTf[j];
        if (kqi_buf_reserve(b, (size_t)nPos * 5)) {
            return;
        }
        u8 *p = b->a + b->n;
        for (u32 i = 0; i < nPos; i++) {
            p += kqi_varint_put(p,
                                i == 0 ? aPos[0] : aPos[i] - aPos[i - 1] - 1);
        }
        b->n = (size_t)(p - b->a);
    }
}

int
kqi_posr_open(kqi_posr *r, const u8 *a, const u8 *end, const u32 *aTf, int n)
{
    if (n < 1 || n > KQI_BLOCK || a >= end) {
        return KQ_CORRUPT;
    }
    r->eCodec = a[0];
    r->n = n;
    r->iNext = 0;
    if (r->eCodec == KQI_CODEC_VARINT) {
        r->pStart = r->pCur = a + 1;
        r->pEnd = end;
        return KQ_OK;
    }
    if (r->eCodec != KQI_CODEC_PACKED || end - a < 2 ||
        (a[1] & ~KQI_POS_BASED) > 32) {
        return KQ_CORRUPT;
    }
    r->bF = a[1] & ~KQI_POS_BASED;
    r->pFirst = a + 2;
    r->base = 0;
    if (a[1] & KQI_POS_BASED) {
        u64 v;
        if (kqi_varint_get(&r->pFirst, end, &v) || v >= 0xffffffffu) {
            return KQ_CORRUPT;
        }
        r->base = (u32)v;
    }
    r->nFirst = packed_bytes((size_t)n, r->bF);
    int m = 0;
    for (int i = 0; i < n; i++) {
        m += aTf[i] > 1;
    }
    if ((size_t)(end - r->pFirst) < r->nFirst) {
        return KQ_CORRUPT;
    }
    r->pW = r->pFirst + r->nFirst;
    r->bW = 0;
    if (m > 0) {
        if (r->pW == end || *r->pW > KQI_POS_WBITS) {
            return KQ_CORRUPT;
        }
        r->bW = *r->pW++;
    }
    size_t nW = packed_bytes((size_t)m, r->bW);
    if ((size_t)(end - r->pW) < nW) {
        return KQ_CORRUPT;
    }
    r->nW = nW;
    r->pGap = r->pW + nW;
    r->nGap = (size_t)(end - r->pGap);
    r->jNext = 0;
    r->bitNext = 0;
    return KQ_OK;
}

/* Where posting i's gaps start, and their width: the widths and bits of
** the postings before it are summed from the last posting asked for on
** (postings are mostly asked for in order), or from the start.  The block
** is checked as far as it is read: no width past 32, no gaps past its end,
** and once the last posting is reached, nothing after its gaps. */
static inline int
posr_seek(kqi_posr *r, const u32 *aTf, int i, u64 *pBit, int *pW)
{
    if (i < r->iNext) {
        r->iNext = 0;
        r->jNext = 0;
        r->bitNext = 0;
    }
    u64 bit = r->bitNext;
    int j = r->jNext;
    u32 w = 0;
    for (int k = r->iNext; k <= i; k++) {
        w = 0;
        if (aTf[k] > 1) {
            w = get_bits(r->pW, r->nW, (u64)j++ * (u64)r->bW, r->bW);
            if (w > 32) {
                return KQ_CORRUPT;
            }
            if (k < i) {
                bit += (u64)(aTf[k] - 1) * w;
            }
        }
    }
    u64 bitEnd = bit + (u64)(aTf[i] - 1) * w;
    if (bitEnd > (u64)r->nGap * 8 ||
        (i == r->n - 1 && (bitEnd + 7) / 8 != r->nGap)) {
        return KQ_CORRUPT;
    }
    r->iNext = i + 1;
    r->jNext = j;
    r->bitNext = bitEnd;
    *pBit = bit;
    *pW = (int)w;
    return KQ_OK;
}

/* Turn aPos[0] (the first position) and aPos[1..nPos) (gaps) into
** positions; KQ_CORRUPT past the largest position. */
static int
gaps_to_positions(u32 *aPos, u32 nPos)
{
    u64 pos = aPos[0];
    for (u32 k = 1; k < nPos; k++) {
        pos += 1 + (u64)aPos[k];
        if (pos >= 0xffffffffu) {
            return KQ_CORRUPT;
        }
        aPos[k] = (u32)pos;
    }
    return pos >= 0xffffffffu ? KQ_CORRUPT : KQ_OK;
}

int
kqi_posr_get(kqi_posr *r, const u32 *aTf, int i, u32 *aPos)
{
    if (i < 0 || i >= r->n) {
        return KQ_MISUSE;
    }
    u32 tf = aTf[i];
    if (r->eCodec == KQI_CODEC_PACKED) {
        u64 bit;
        int w;
        if (posr_seek(r, aTf, i, &bit, &w)) {
            return KQ_CORRUPT;
        }
        u64 pos = (u64)r->base +
                  get_bits(r->pFirst, r->nFirst, (u64)i * (u64)r->bF, r->bF);
        if (pos >= 0xffffffffu) {
            return KQ_CORRUPT;
        }
        aPos[0] = (u32)pos;
        /* The gaps, as positions: a load, a shift and a mask each. */
        for (u32 k = 1; k < tf; k++, bit += (u64)w) {
            pos += 1 + get_bits(r->pGap, r->nGap, bit, w);
            if (pos >= 0xffffffffu) {
                return KQ_CORRUPT;
            }
            aPos[k] = (u32)pos;
        }
        return KQ_OK;
    }
    /* Varints: read on from the last posting asked for, or from the start. */
    if (i < r->iNext) {
        r->pCur = r->pStart;
        r->iNext = 0;
    }
    u64 nSkip = 0;
    while (r->iNext < i) {
        nSkip += aTf[r->iNext++];
    }
    if (kqi_varint_skip(&r->pCur, r->pEnd, nSkip)) {
        return KQ_CORRUPT;
    }
    for (u32 k = 0; k < tf; k++) {
        if (kqi_varint_get32(&r->pCur, r->pEnd, &aPos[k])) {
            return KQ_CORRUPT;
        }
    }
    r->iNext = i + 1;
    /* The last posting's positions must end the block exactly. */
    if (i == r->n - 1 && r->pCur != r->pEnd) {
        return KQ_CORRUPT;
    }
    return gaps_to_positions(aPos, tf);
}
