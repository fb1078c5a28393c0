/*
** codec.c -- the posting-block codec.
**
** A block holds 1..KQI_BLOCK postings of one term (the count is known to the
** reader from the term's document frequency, so it is not stored):
**
**     u8:       codec (KQI_CODEC_VARINT = 0; other values are reserved for
**               faster codecs and rejected by this version)
**     n varint: docid gaps.  The first is relative to the last docid of the
**               previous block (stored as docid - prev - 1), or, in the
**               first block of a list, the docid itself.  The rest are
**               docid[i] - docid[i-1] - 1.
**     n varint: tf - 1
**
** The positions of a block live in the .pos file (see postings.c):
**
**     u8:       codec (0)
**     for each posting, tf varints: the first position, then each next
**               position as (pos - previous - 1).
**
** Gaps and frequencies are stored minus one because they are at least one:
** that keeps the common values (gap 1, tf 1) in one byte and makes a zero
** impossible to misread.
*/
#include "kq_int.h"

void
kqi_block_encode(kqi_buf *b, const u32 *aDoc, const u32 *aTf, int n,
                 u32 prevDoc)
{
    if (kqi_buf_reserve(b, 1 + (size_t)n * 2 * 5)) {
        return;
    }
    u8 *p = b->a + b->n;
    *p++ = KQI_CODEC_VARINT;
    u32 prev = prevDoc;
    for (int i = 0; i < n; i++) {
        u32 gap = (prev == KQ_DOCID_EOF) ? aDoc[i] : aDoc[i] - prev - 1;
        p += kqi_varint_put(p, gap);
        prev = aDoc[i];
    }
    for (int i = 0; i < n; i++) {
        p += kqi_varint_put(p, aTf[i] - 1);
    }
    b->n = (size_t)(p - b->a);
}

int
kqi_block_decode(const u8 *p, const u8 *end, int n, u32 prevDoc, u32 *aDoc,
                 u32 *aTf)
{
    if (n < 1 || n > KQI_BLOCK || p >= end || *p != KQI_CODEC_VARINT) {
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
kqi_posblock_begin(kqi_buf *b)
{
    kqi_buf_putc(b, KQI_CODEC_VARINT);
}

void
kqi_posblock_add(kqi_buf *b, const u32 *aPos, u32 nPos)
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
