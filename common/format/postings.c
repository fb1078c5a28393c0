/*
** postings.c -- one term's posting list: writer and cursor.
**
** Format.  A term's postings occupy one contiguous range of the segment's
** .post file and one of its .pos file; the dictionary (dict.c) records both
** ranges and the document frequency df, from which the reader derives the
** number of blocks, ceil(df / KQI_BLOCK), and the length of each block
** (KQI_BLOCK, except the last).
**
**   .post range:
**       one-or-more { block }            (codec.c: docid gaps, tf - 1)
**       skip table, one entry per block:
**           varint: last docid of the block, minus the last docid of the
**                   previous block (the first entry: the docid itself)
**           varint: bytes of the block in .post
**           varint: bytes of the block's positions in .pos
**           impacts: the block's (tf, document length) pairs that
**                   no other posting of the block beats on both
**           u32:    CRC32 of the block's bytes in .post
**           u32:    CRC32 of the block's positions in .pos
**       impacts of the whole list (if it has more than one block)
**       u32: CRC32 of the skip table before it
**   A list of one block (df <= KQI_BLOCK, most terms) has a shorter skip
**   table (format 10), without what the dictionary's lengths give:
**           varint: the last docid
**           impacts: the block's
**           u32:    CRC32 of the block's positions in .pos
**       u32: CRC32 of the block's bytes and the skip table before it
**   (a fifth of such a list's bytes; 1.1 MB of gutenberg-dev's 29 MB)
**
**   impacts (format 8):
**       varint: number of pairs, minus one
**       per pair, by increasing tf (and so increasing length):
**           varint: tf minus the previous pair's tf, minus one (the
**                   first: tf - 1)
**           varint: length minus the previous pair's, minus one (the
**                   first: the length itself)
**
**   .pos range:
**       one-or-more { position block }   (codec.c), one per posting block
**
** The skip table comes after the blocks so the writer can stream a list of
** any length with one block in memory; the dictionary gives its length.
** Nothing is used before its checksum is checked: the skip table when the
** list is opened, a block when it is decoded, a block's positions when the
** first of them is asked for.
** Seeking uses the skip table's last docids to jump to the right block
** without decoding the ones before it, and positions are decoded only for
** the postings whose positions are asked for (phrase candidates), without
** reading those of the postings before them (codec.c).
**
** The impacts of a block bound the BM25 score any of its postings can
** reach, whatever the collection statistics are when the index is read:
** BM25 grows with tf and falls with length, so the best posting of a block
** is one of the pairs no other beats on both (its "competitive impacts", as
** Lucene keeps them), and the block's bound is the best score among them.
** One (largest tf, smallest length) pair per block, as format 7 kept,
** mixes two postings and bounded so loosely that an AND of frequent words
** skipped nothing; the pairs are exact (usually one to four a block).
** That is the block-max data that lets ranked queries skip blocks
** (common/search/run.c); the list's own impacts bound the whole list.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>

/**************************************************************************
** Impacts: the (tf, length) pairs no other pair beats on both.
*/

/* Pairs a[0..n) sorted by increasing tf: keep, from the highest tf down,
** the smallest length of each tf when it is below every length kept so
** far, and write them back to the front by increasing tf.  Returns their
** number. */
static u32
frontier_sorted(u32 *aTf, u32 *aLen, u32 n)
{
    u32 k = n; /* kept pairs at [k, n), by increasing tf */
    u32 minLen = 0xffffffffu;
    int bAny = 0;
    for (u32 i = n; i > 0;) {
        u32 tf = aTf[i - 1], len = aLen[i - 1];
        while (i > 1 && aTf[i - 2] == tf) {
            i--;
            len = aLen[i - 1] < len ? aLen[i - 1] : len;
        }
        i--;
        if (!bAny || len < minLen) {
            bAny = 1;
            minLen = len;
            k--;
            aTf[k] = tf;
            aLen[k] = len;
        }
    }
    memmove(aTf, aTf + k, sizeof(u32) * (n - k));
    memmove(aLen, aLen + k, sizeof(u32) * (n - k));
    return n - k;
}

static int
cmp_u64(const void *a, const void *b)
{
    u64 x = *(const u64 *)a, y = *(const u64 *)b;
    return x < y ? -1 : x > y;
}

int
kqi_impacts_of(const u32 *aTf, const u32 *aLen, u32 n, u32 *aOutTf,
               u32 *aOutLen, u32 *pnOut)
{
    u32 maxTf = 0;
    for (u32 i = 0; i < n; i++) {
        maxTf = aTf[i] > maxTf ? aTf[i] : maxTf;
    }
    *pnOut = 0;
    if (n == 0) {
        return KQ_OK;
    }
    if (maxTf <= KQI_BLOCK && maxTf >= 1) {
        /* Small frequencies (nearly every block): the smallest length of
        ** each tf in a table, swept from the highest tf down. */
        u32 aMin[KQI_BLOCK + 1];
        u8 aHas[KQI_BLOCK + 1];
        memset(aHas, 0, maxTf + 1);
        for (u32 i = 0; i < n; i++) {
            u32 tf = aTf[i];
            if (!aHas[tf] || aLen[i] < aMin[tf]) {
                aMin[tf] = aLen[i];
                aHas[tf] = 1;
            }
        }
        u32 k = 0, minLen = 0;
        for (u32 tf = maxTf; tf >= 1; tf--) {
            if (aHas[tf] && (k == 0 || aMin[tf] < minLen)) {
                minLen = aMin[tf];
                aOutTf[k] = tf;
                aOutLen[k] = aMin[tf];
                k++;
            }
        }
        for (u32 i = 0; i < k / 2; i++) {
            u32 t = aOutTf[i], l = aOutLen[i];
            aOutTf[i] = aOutTf[k - 1 - i];
            aOutLen[i] = aOutLen[k - 1 - i];
            aOutTf[k - 1 - i] = t;
            aOutLen[k - 1 - i] = l;
        }
        *pnOut = k;
        return KQ_OK;
    }
    /* A tf past KQI_BLOCK: sort the pairs. */
    u64 *a = malloc(sizeof(u64) * n);
    if (a == NULL) {
        return KQ_NOMEM;
    }
    for (u32 i = 0; i < n; i++) {
        a[i] = (u64)aTf[i] << 32 | aLen[i];
    }
    qsort(a, n, sizeof(u64), cmp_u64);
    for (u32 i = 0; i < n; i++) {
        aOutTf[i] = (u32)(a[i] >> 32);
        aOutLen[i] = (u32)a[i];
    }
    free(a);
    *pnOut = frontier_sorted(aOutTf, aOutLen, n);
    return KQ_OK;
}

int
kqi_impacts_add(kqi_impacts *p, const u32 *aTf, const u32 *aLen, u32 n)
{
    /* Merge the two lists (each by increasing tf), then filter. */
    u32 nAll = p->n + n;
    if (nAll > p->nAlloc) {
        u32 nNew = nAll * 2;
        u32 *aT = realloc(p->aTf, sizeof(u32) * nNew);
        if (aT) {
            p->aTf = aT;
        }
        u32 *aL = aT ? realloc(p->aLen, sizeof(u32) * nNew) : NULL;
        if (aL == NULL) {
            return KQ_NOMEM;
        }
        p->aLen = aL;
        p->nAlloc = nNew;
    }
    /* From the back, so the merge can run in place. */
    u32 i = p->n, j = n, k = nAll;
    while (j > 0) {
        if (i > 0 && p->aTf[i - 1] > aTf[j - 1]) {
            k--;
            i--;
            p->aTf[k] = p->aTf[i];
            p->aLen[k] = p->aLen[i];
        } else {
            k--;
            j--;
            p->aTf[k] = aTf[j];
            p->aLen[k] = aLen[j];
        }
    }
    p->n = frontier_sorted(p->aTf, p->aLen, nAll);
    return KQ_OK;
}

void
kqi_impacts_free(kqi_impacts *p)
{
    free(p->aTf);
    free(p->aLen);
    memset(p, 0, sizeof(*p));
}

/* Append impacts to a skip table. */
static void
put_impacts(kq_buf *b, const u32 *aTf, const u32 *aLen, u32 n)
{
    kqi_buf_varint(b, n - 1);
    for (u32 i = 0; i < n; i++) {
        kqi_buf_varint(b, i ? aTf[i] - aTf[i - 1] - 1 : aTf[0] - 1);
        kqi_buf_varint(b, i ? aLen[i] - aLen[i - 1] - 1 : aLen[0]);
    }
}

/**************************************************************************
** Writer.
*/
struct kqi_plw {
    kqi_wfile *pPost, *pPos;
    u32 aDoc[KQI_BLOCK];
    u32 aTf[KQI_BLOCK];
    int n;         /* postings in the current block */
    u32 prevLast;  /* last docid of the previous block (EOF: none) */
    kq_buf blk;    /* scratch for encoding a block */
    kqi_posw posw; /* positions of the current block */
    kq_buf pos;    /* the current block's positions, encoded */
    kq_buf skip;   /* skip table of the current list */
    u64 postStart, posStart;
    u32 df;
    u64 cf;
    const u8 *aLen; /* u32 LE document lengths, for block maxima */
    u32 nLen;
    kqi_impacts list; /* the impacts of the list so far */
    /* The first block's last docid and CRC32s (of its .post and .pos
    ** bytes), for the skip table of a list of one block. */
    u32 last0, crc0, posCrc0;
    int rc;
};

void
kqi_plw_set_doclens(kqi_plw *p, const u8 *aLen, u32 nLen)
{
    p->aLen = aLen;
    p->nLen = nLen;
}

int
kqi_plw_new(kqi_wfile *pPost, kqi_wfile *pPos, kqi_plw **ppOut)
{
    kqi_plw *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return KQ_NOMEM;
    }
    p->pPost = pPost;
    p->pPos = pPos;
    *ppOut = p;
    return KQ_OK;
}

void
kqi_plw_free(kqi_plw *p)
{
    if (p) {
        kq_buf_free(&p->blk);
        kq_buf_free(&p->pos);
        kqi_posw_free(&p->posw);
        kqi_impacts_free(&p->list);
        kq_buf_free(&p->skip);
        free(p);
    }
}

void
kqi_plw_begin(kqi_plw *p)
{
    p->n = 0;
    p->prevLast = KQ_DOCID_EOF;
    p->skip.n = 0;
    p->pos.n = 0;
    p->posw.n = 0;
    p->posw.gaps.n = 0;
    p->list.n = 0;
    p->df = 0;
    p->cf = 0;
    p->postStart = p->pPost->nOff;
    p->posStart = p->pPos->nOff;
}

static void
plw_flush(kqi_plw *p)
{
    if (p->n == 0) {
        return;
    }
    p->blk.n = 0;
    kqi_block_encode(&p->blk, p->aDoc, p->aTf, p->n, p->prevLast);
    p->pos.n = 0;
    kqi_posw_flush(&p->posw, &p->pos);
    kqi_wfile_write(p->pPost, p->blk.a, p->blk.n);
    kqi_wfile_write(p->pPos, p->pos.a, p->pos.n);
    u32 last = p->aDoc[p->n - 1];
    kqi_buf_varint(&p->skip,
                   p->prevLast == KQ_DOCID_EOF ? last : last - p->prevLast);
    kqi_buf_varint(&p->skip, p->blk.n);
    kqi_buf_varint(&p->skip, p->pos.n);
    u32 aLen[KQI_BLOCK], aITf[KQI_BLOCK], aILen[KQI_BLOCK], nI;
    for (int i = 0; i < p->n; i++) {
        /* Without lengths (never in kq itself) 0 keeps the bound valid. */
        aLen[i] = p->aDoc[i] < p->nLen
                      ? kqi_get_u32(p->aLen + 4 * (size_t)p->aDoc[i])
                      : 0;
    }
    if (kqi_impacts_of(p->aTf, aLen, (u32)p->n, aITf, aILen, &nI) ||
        kqi_impacts_add(&p->list, aITf, aILen, nI)) {
        p->rc = KQ_NOMEM;
        nI = 0;
    }
    if (nI > 0) {
        put_impacts(&p->skip, aITf, aILen, nI);
    }
    u32 crc = p->blk.rc ? 0 : libdeflate_crc32(0, p->blk.a, p->blk.n);
    u32 posCrc = p->pos.rc ? 0 : libdeflate_crc32(0, p->pos.a, p->pos.n);
    kqi_buf_u32(&p->skip, crc);
    kqi_buf_u32(&p->skip, posCrc);
    if (p->prevLast == KQ_DOCID_EOF) {
        p->last0 = last;
        p->crc0 = crc;
        p->posCrc0 = posCrc;
    }
    if (p->blk.rc || p->skip.rc || p->pos.rc) {
        p->rc = p->pos.rc == KQ_MISUSE ? KQ_MISUSE : KQ_NOMEM;
    }
    p->prevLast = last;
    p->n = 0;
    p->pos.n = 0;
}

int
kqi_plw_add(kqi_plw *p, u32 iDoc, const u32 *aPos, u32 nPos)
{
    if (nPos == 0 || iDoc == KQ_DOCID_EOF) {
        return KQ_MISUSE;
    }
    p->aDoc[p->n] = iDoc;
    p->aTf[p->n] = nPos;
    p->n++;
    kqi_posw_add(&p->posw, aPos, nPos);
    if (p->posw.gaps.rc) {
        p->rc = p->posw.gaps.rc;
    }
    p->df++;
    p->cf += nPos;
    if (p->n == KQI_BLOCK) {
        plw_flush(p);
    }
    return p->rc;
}

int
kqi_plw_end(kqi_plw *p, kqi_termloc *pLoc)
{
    plw_flush(p);
    if (p->df > 0 && p->df <= KQI_BLOCK) {
        /* One block: the short skip table, whose CRC32 goes on from the
        ** block's (the list's impacts are the block's). */
        p->skip.n = 0;
        kqi_buf_varint(&p->skip, p->last0);
        put_impacts(&p->skip, p->list.aTf, p->list.aLen, p->list.n);
        kqi_buf_u32(&p->skip, p->posCrc0);
        kqi_buf_u32(
            &p->skip,
            p->skip.rc ? 0 : libdeflate_crc32(p->crc0, p->skip.a, p->skip.n));
    } else if (p->df > 0) {
        put_impacts(&p->skip, p->list.aTf, p->list.aLen, p->list.n);
        kqi_buf_u32(&p->skip, p->skip.rc
                                  ? 0
                                  : libdeflate_crc32(0, p->skip.a, p->skip.n));
    }
    if (p->skip.rc) {
        p->rc = KQ_NOMEM;
    }
    kqi_wfile_write(p->pPost, p->skip.a, p->skip.n);
    memset(pLoc, 0, sizeof(*pLoc));
    pLoc->df = p->df;
    pLoc->cf = p->cf;
    pLoc->postOff = p->postStart;
    pLoc->postLen = p->pPost->nOff - p->postStart;
    pLoc->skipLen = p->skip.n;
    pLoc->posOff = p->posStart;
    pLoc->posLen = p->pPos->nOff - p->posStart;
    if (p->rc) {
        return p->rc;
    }
    if (p->pPost->rc) {
        return p->pPost->rc;
    }
    return p->pPos->rc;
}

/**************************************************************************
** Cursor.
*/
struct kqi_plc {
    const u8 *aPost;    /* start of the list in .post */
    const u8 *aPosData; /* start of the list in .pos */
    u32 df;
    u32 nBlock;
    u32 *aLast;   /* per block: last docid */
    u64 *aOff;    /* per block: offset in .post range (nBlock + 1) */
    u64 *aPosOff; /* per block: offset in .pos range (nBlock + 1) */
    u32 *aImpOff; /* block b's impacts at [aImpOff[b], aImpOff[b + 1]),
                  ** the list's from aImpOff[nBlock] to aImpOff[nBlock + 1] */
    u32 *aImpTf, *aImpLen;
    u32 *aCrc;  /* per block: CRC32 of its .post and .pos bytes */
    int bPosOk; /* the current block's positions are checked */
    int iBlock; /* current block, -1 before the first */
    int nIn;    /* postings in the current block */
    int i;      /* current posting in the block */
    u32 aDoc[KQI_BLOCK];
    u32 aTf[KQI_BLOCK];
    const u8 *pTfData; /* packed tfs of the block, not decoded yet; NULL
                       ** once aTf holds them (decoded on first use: an
                       ** AND mostly only looks at docids) */
    int wTf;
    kqi_posr posr; /* the current block's positions, once bPosOk */
    int iPosHave;  /* posting whose positions are in aPos, or -1 */
    u32 *aPos;
    u32 nPosAlloc;
    u32 nPos;
    u32 iDoc;
    char zErr[160];
};

static int
plc_corrupt(kqi_plc *p, const char *zWhat)
{
    snprintf(p->zErr, sizeof(p->zErr), "posting list: %s (block %d of %u)",
             zWhat, p->iBlock, p->nBlock);
    p->iDoc = KQ_DOCID_EOF;
    return KQ_CORRUPT;
}

const char *
kqi_plc_errmsg(const kqi_plc *p)
{
    return p->zErr;
}

int
kqi_plc_open(const kqi_map *pPost, const kqi_map *pPos,
             const kqi_termloc *pLoc, u32 nDoc, kqi_plc **ppOut, char **pzErr)
{
    *ppOut = NULL;
    if (pLoc->df == 0 || pLoc->df > nDoc || pLoc->postOff > pPost->n ||
        pLoc->postLen > pPost->n - pLoc->postOff ||
        pLoc->skipLen >= pLoc->postLen || pLoc->posOff > pPos->n ||
        pLoc->posLen > pPos->n - pLoc->posOff) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: posting list at offset %llu out of bounds",
                       pPost->zPath, (unsigned long long)pLoc->postOff);
    }
    u32 nBlock = (pLoc->df + KQI_BLOCK - 1) / KQI_BLOCK;
    kqi_plc *p = calloc(1, sizeof(*p));
    if (p) {
        p->aLast = malloc(sizeof(u32) * nBlock);
        p->aOff = malloc(sizeof(u64) * (nBlock + 1));
        p->aPosOff = malloc(sizeof(u64) * (nBlock + 1));
        p->aCrc = malloc(sizeof(u32) * 2 * nBlock);
        p->aImpOff = malloc(sizeof(u32) * (nBlock + 2));
        /* Each pair takes 2 bytes of the skip table at least. */
        size_t nImpMax = (size_t)(pLoc->skipLen / 2 + 1);
        p->aImpTf = malloc(sizeof(u32) * nImpMax);
        p->aImpLen = malloc(sizeof(u32) * nImpMax);
    }
    if (p == NULL || p->aLast == NULL || p->aOff == NULL || !p->aPosOff ||
        !p->aCrc || !p->aImpOff || !p->aImpTf || !p->aImpLen) {
        kqi_plc_free(p);
        return KQ_NOMEM;
    }
    p->aPost = pPost->a + pLoc->postOff;
    p->aPosData = pPos->a + pLoc->posOff;
    p->df = pLoc->df;
    p->nBlock = nBlock;
    p->iBlock = -1;
    p->iPosHave = -1;

    /* Check and decode the skip table. */
    u64 nBlockBytes = pLoc->postLen - pLoc->skipLen;
    const u8 *s = p->aPost + nBlockBytes;
    if (pLoc->skipLen < 4) {
        goto corrupt;
    }
    const u8 *sEnd = p->aPost + pLoc->postLen - 4;
    /* A list of one block: the table's CRC32 covers the block too. */
    u32 crc0 = nBlock == 1 ? libdeflate_crc32(0, p->aPost, nBlockBytes) : 0;
    if (libdeflate_crc32(crc0, s, (size_t)(sEnd - s)) != kqi_get_u32(sEnd)) {
        kqi_plc_free(p);
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: checksum mismatch in the "
                       "skip table of the posting list at offset %llu",
                       pPost->zPath, (unsigned long long)pLoc->postOff);
    }
    u64 last = 0, off = 0, posOff = 0;
    u32 nImp = 0;
    /* A list of one block has no impacts of its own: its block's are. */
    u32 nImpList = nBlock > 1 ? nBlock : nBlock - 1;
    for (u32 b = 0; b <= nImpList; b++) {
        u64 d = 0, nb = nBlockBytes, np = pLoc->posLen;
        if (b < nBlock && (kqi_varint_get(&s, sEnd, &d) ||
                           (nBlock > 1 && (kqi_varint_get(&s, sEnd, &nb) ||
                                           kqi_varint_get(&s, sEnd, &np))))) {
            goto corrupt;
        }
        /* The block's impacts (after the last block: the list's). */
        u64 n1, tf = 0, len = 0;
        u32 nMax = b < nBlock
                       ? (b + 1 < nBlock ? KQI_BLOCK : p->df - b * KQI_BLOCK)
                       : p->df;
        if (kqi_varint_get(&s, sEnd, &n1) || n1 >= nMax) {
            goto corrupt;
        }
        p->aImpOff[b] = nImp;
        for (u64 k = 0; k <= n1; k++) {
            u64 dt, dl;
            if (kqi_varint_get(&s, sEnd, &dt) ||
                kqi_varint_get(&s, sEnd, &dl) || nImp >= pLoc->skipLen / 2) {
                goto corrupt;
            }
            tf += dt + 1;
            len += k ? dl + 1 : dl;
            if (tf > 0xffffffffu || len > 0xffffffffu || dt > 0xffffffffu ||
                dl > 0xffffffffu) {
                goto corrupt;
            }
            p->aImpTf[nImp] = (u32)tf;
            p->aImpLen[nImp] = (u32)len;
            nImp++;
        }
        if (b == nBlock) {
            break;
        }
        if (nBlock == 1) {
            /* (the block's bytes were checked with the table, above:
            ** plc_load() does not check them again) */
            if (sEnd - s < 4) {
                goto corrupt;
            }
            p->aCrc[1] = kqi_get_u32(s);
            s += 4;
        } else {
            if (sEnd - s < 8) {
                goto corrupt;
            }
            p->aCrc[2 * b] = kqi_get_u32(s);
            p->aCrc[2 * b + 1] = kqi_get_u32(s + 4);
            s += 8;
        }
        if (b > 0 && d == 0) {
            goto corrupt;
        }
        last += d;
        if (last >= nDoc || nb < 2 || np < 2) {
            goto corrupt;
        }
        p->aLast[b] = (u32)last;
        p->aOff[b] = off;
        p->aPosOff[b] = posOff;
        off += nb;
        posOff += np;
        if (off > nBlockBytes || posOff > pLoc->posLen) {
            goto corrupt;
        }
    }
    if (nBlock == 1) {
        p->aImpOff[1] = nImp; /* (the list's: see kqi_plc_impacts()) */
    }
    p->aImpOff[nBlock + 1] = nImp;
    if (s != sEnd || off != nBlockBytes || posOff != pLoc->posLen) {
        goto corrupt;
    }
    p->aOff[nBlock] = off;
    p->aPosOff[nBlock] = posOff;
    p->iDoc = 0;
    *ppOut = p;
    return KQ_OK;

corrupt:
    kqi_plc_free(p);
    return kqi_err(pzErr, KQ_CORRUPT,
                   "%s: bad skip table in posting list at offset %llu",
                   pPost->zPath, (unsigned long long)pLoc->postOff);
}

void
kqi_plc_free(kqi_plc *p)
{
    if (p) {
        free(p->aLast);
        free(p->aOff);
        free(p->aPosOff);
        free(p->aCrc);
        free(p->aImpOff);
        free(p->aImpTf);
        free(p->aImpLen);
        free(p->aPos);
        free(p);
    }
}

/* The block's largest tf, its last impact's, must be true, or ranking
** would skip real hits. */
static int
plc_check_maxtf(kqi_plc *p)
{
    u32 maxTf = 0;
    for (int i = 0; i < p->nIn; i++) {
        maxTf = p->aTf[i] > maxTf ? p->aTf[i] : maxTf;
    }
    return maxTf != p->aImpTf[p->aImpOff[p->iBlock + 1] - 1] ? KQ_CORRUPT
                                                             : KQ_OK;
}

/* Decode the current block's tfs if not done yet. */
static int
plc_tfs(kqi_plc *p)
{
    if (p->pTfData) {
        if (kqi_block_decode_tfs(p->pTfData, p->nIn, p->wTf, p->aTf)) {
            return plc_corrupt(p, "bad frequencies");
        }
        p->pTfData = NULL;
        if (plc_check_maxtf(p)) {
            return plc_corrupt(p, "block maximum disagrees with the block");
        }
    }
    return KQ_OK;
}

static int
plc_load(kqi_plc *p, int b)
{
    p->iBlock = b;
    p->nIn = (b == (int)p->nBlock - 1) ? (int)(p->df - (u32)b * KQI_BLOCK)
                                       : KQI_BLOCK;
    u32 prev = b == 0 ? KQ_DOCID_EOF : p->aLast[b - 1];
    const u8 *a = p->aPost + p->aOff[b];
    const u8 *end = p->aPost + p->aOff[b + 1];
    p->pTfData = NULL;
    /* (A list of one block had it checked with its skip table.) */
    if (p->nBlock > 1 &&
        libdeflate_crc32(0, a, (size_t)(end - a)) != p->aCrc[2 * b]) {
        return plc_corrupt(p, "checksum mismatch");
    }
    if (a < end && *a == KQI_CODEC_PACKED) {
        if (kqi_block_decode_docs(a, end, p->nIn, prev, p->aDoc,
                                  &p->pTfData)) {
            return plc_corrupt(p, "bad block");
        }
        p->wTf = a[2];
    } else if (kqi_block_decode(a, end, p->nIn, prev, p->aDoc, p->aTf) ||
               plc_check_maxtf(p)) {
        return plc_corrupt(p, "bad block");
    }
    if (p->aDoc[p->nIn - 1] != p->aLast[b]) {
        return plc_corrupt(p, "bad block");
    }
    /* The positions are checked when first asked for. */
    p->bPosOk = 0;
    p->iPosHave = -1;
    p->i = 0;
    p->iDoc = p->aDoc[0];
    return KQ_OK;
}

int
kqi_plc_next(kqi_plc *p)
{
    if (p->iDoc == KQ_DOCID_EOF) {
        return KQ_DONE;
    }
    if (p->iBlock >= 0 && p->i + 1 < p->nIn) {
        p->i++;
        p->iDoc = p->aDoc[p->i];
        return KQ_OK;
    }
    if (p->iBlock + 1 >= (int)p->nBlock) {
        p->iDoc = KQ_DOCID_EOF;
        return KQ_DONE;
    }
    return plc_load(p, p->iBlock + 1);
}

/* The first i in [lo, hi) with a[i] >= t (a sorted), or hi. */
static inline int
lower_bound(const u32 *a, int lo, int hi, u32 t)
{
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static inline int plc_seek(kqi_plc *p, u32 iTarget);

int
kqi_plc_seek(kqi_plc *p, u32 iTarget)
{
    return plc_seek(p, iTarget);
}

int
kqi_plc_intersect(kqi_plc **ap, int n, u32 iTarget)
{
    /* Leapfrog in one loop over the cursors' blocks: the AND of terms (and
    ** the candidates of a phrase) without a call through the cursor tree
    ** per posting.  A cursor that lands past the target makes its docid
    ** the new target, for the first cursor (the shortest list, as
    ** kqi_cur_make() orders them) to seek.  Two cursors, the most common
    ** case, take a loop of their own (the general one was 2-4% slower on
    ** two-word queries). */
    if (n == 2) {
        kqi_plc *a = ap[0], *b = ap[1];
        for (;;) {
            int rc = plc_seek(a, iTarget);
            if (rc) {
                return rc;
            }
            rc = plc_seek(b, a->iDoc);
            if (rc) {
                return rc;
            }
            if (b->iDoc == a->iDoc) {
                return KQ_OK;
            }
            iTarget = b->iDoc;
        }
    }
    for (;;) {
        int rc = plc_seek(ap[0], iTarget);
        if (rc) {
            return rc;
        }
        iTarget = ap[0]->iDoc;
        int i = 1;
        for (; i < n; i++) {
            rc = plc_seek(ap[i], iTarget);
            if (rc) {
                return rc;
            }
            if (ap[i]->iDoc != iTarget) {
                iTarget = ap[i]->iDoc;
                break;
            }
        }
        if (i == n) {
            return KQ_OK;
        }
    }
}

static inline int
plc_seek(kqi_plc *p, u32 iTarget)
{
    if (p->iDoc == KQ_DOCID_EOF) {
        return KQ_DONE;
    }
    if (p->iBlock >= 0 && p->iDoc >= iTarget) {
        return KQ_OK;
    }
    int b = p->iBlock < 0 ? 0 : p->iBlock;
    if (p->aLast[b] < iTarget) {
        /* Binary search the skip table for the first block whose last
        ** docid reaches the target. */
        int lo = lower_bound(p->aLast, b + 1, (int)p->nBlock, iTarget);
        if (lo >= (int)p->nBlock) {
            p->iDoc = KQ_DOCID_EOF;
            return KQ_DONE;
        }
        b = lo;
    }
    if (b != p->iBlock) {
        int rc = plc_load(p, b);
        if (rc) {
            return rc;
        }
    }
    /* Within the block (aLast[b] >= iTarget, so nothing runs off): a few
    ** linear steps for a near target, else a binary search. */
    int i = p->i;
    if (i + 8 < p->nIn && p->aDoc[i + 8] < iTarget) {
        i = lower_bound(p->aDoc, i + 9, p->nIn - 1, iTarget);
    } else {
        while (p->aDoc[i] < iTarget) {
            i++;
        }
    }
    p->i = i;
    p->iDoc = p->aDoc[p->i];
    return KQ_OK;
}

u32
kqi_plc_docid(const kqi_plc *p)
{
    return p->iDoc;
}

u32
kqi_plc_tf(kqi_plc *p)
{
    if (p->pTfData && plc_tfs(p)) {
        return 1; /* damaged: the cursor has ended (see kqi_plc_docid()) */
    }
    return p->aTf[p->i];
}

int
kqi_plc_positions(kqi_plc *p, const u32 **paPos, u32 *pnPos)
{
    if (p->iBlock < 0 || p->iDoc == KQ_DOCID_EOF) {
        return KQ_MISUSE;
    }
    if (p->pTfData) {
        int rc = plc_tfs(p);
        if (rc) {
            return rc;
        }
    }
    if (!p->bPosOk) {
        const u8 *a = p->aPosData + p->aPosOff[p->iBlock];
        const u8 *end = p->aPosData + p->aPosOff[p->iBlock + 1];
        if (libdeflate_crc32(0, a, (size_t)(end - a)) !=
            p->aCrc[2 * p->iBlock + 1]) {
            return plc_corrupt(p, "checksum mismatch in positions");
        }
        if (kqi_posr_open(&p->posr, a, end, p->aTf, p->nIn)) {
            return plc_corrupt(p, "bad positions block");
        }
        p->bPosOk = 1;
    }
    if (p->iPosHave != p->i) {
        u32 tf = p->aTf[p->i];
        if (tf > p->nPosAlloc) {
            u32 *a = realloc(p->aPos, sizeof(u32) * tf);
            if (a == NULL) {
                return KQ_NOMEM;
            }
            p->aPos = a;
            p->nPosAlloc = tf;
        }
        p->iPosHave = -1;
        if (kqi_posr_get(&p->posr, p->aTf, p->i, p->aPos)) {
            return plc_corrupt(p, "bad positions");
        }
        p->iPosHave = p->i;
        p->nPos = tf;
    }
    *paPos = p->aPos;
    *pnPos = p->nPos;
    return KQ_OK;
}

void
kqi_plc_consumed(const kqi_plc *p, u64 *pnPost, u64 *pnPos)
{
    int i = p->iBlock < 0 ? 0 : p->iBlock;
    *pnPost = p->nBlock ? p->aOff[i] : 0;
    *pnPos = p->nBlock ? p->aPosOff[i] : 0;
}

u32
kqi_plc_nblock(const kqi_plc *p)
{
    return p->nBlock;
}

int
kqi_plc_block_of(const kqi_plc *p, u32 iDoc)
{
    return lower_bound(p->aLast, p->iBlock < 0 ? 0 : p->iBlock, (int)p->nBlock,
                       iDoc);
}

u32
kqi_plc_block_last(const kqi_plc *p, int iBlock)
{
    return p->aLast[iBlock];
}

u32
kqi_plc_list_maxtf(const kqi_plc *p)
{
    const u32 *aTf, *aLen;
    u32 n;
    kqi_plc_impacts(p, -1, &aTf, &aLen, &n);
    return aTf[n - 1];
}

void
kqi_plc_impacts(const kqi_plc *p, int iBlock, const u32 **paTf,
                const u32 **paLen, u32 *pn)
{
    /* A list of one block has no impacts of its own: its block's. */
    u32 b = iBlock >= 0 ? (u32)iBlock : p->nBlock > 1 ? p->nBlock : 0;
    *paTf = p->aImpTf + p->aImpOff[b];
    *paLen = p->aImpLen + p->aImpOff[b];
    *pn = p->aImpOff[b + 1] - p->aImpOff[b];
}
