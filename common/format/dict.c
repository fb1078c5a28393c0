/*
** dict.c -- the sorted term dictionary of a segment (the .dict file).
**
** Format:
**     header (16 bytes, fileio.c), file type KQI_FT_DICT
**     zero-or-more blocks of up to KQI_DICT_BLOCK keys, in memcmp order:
**         one-to-KQI_DICT_BLOCK {
**             varint: bytes shared with the previous key (0 for the first
**                     key of a block, so a block can be read on its own)
**             varint: suffix length
**             blob:   suffix
**             varint: df   (documents containing the term; 0 marks a
**                          vocabulary entry, below)
**             if df > 0, a term:
**                 varint: cf - df   (cf = total occurrences, >= df)
**                 varint: postLen   (bytes of the list in .post)
**                 varint: skipLen   (bytes of its skip table, < postLen)
**                 varint: posLen    (bytes of its positions in .pos)
**             if df = 0, a vocabulary entry (key 0x01 + unstemmed word,
**             for every word of the segment's text, also one that is its
**             own stem, so that the words are told from the stems):
**                 the word's stem (a term of this segment), as the word
**                 is mostly its stem and a few letters more (format 10):
**                 varint: bytes it shares with the start of the word
**                 varint + blob: the rest of it
**         }
**     block index, one entry per block (fixed width, for binary search):
**         u64: offset of the block in this file
**         u64: postOff of the block's first term (later terms follow on:
**              postOff[i] = postOff[i-1] + postLen[i-1])
**         u64: posOff of the block's first term (likewise)
**         u32: CRC32 of the block's first key (format 8)
**         u32: CRC32 of the block's bytes, then of the 20 bytes above
**     trailer (last 28 bytes):
**         u64: number of keys (terms and vocabulary entries)
**         u64: number of blocks
**         u64: offset of the block index
**         u32: CRC32 of these 24 bytes
**
** Keys that start with an upper-case ASCII letter are field terms
** (kq_int.h KQI_PFX_*): T + term (title), S + term (source), X + name +
** ':' + term (an extra field), D + YYYY[-MM[-DD]] (dates).  Their lists
** are ordinary lists; only their occurrences are not part of document
** lengths (invert.c).
**
** The vocabulary lets a prefix query (ceasefire*) find the words that start
** with the prefix and search their stems (ceasefir), so prefixes match what
** the user typed, not stems.  Its keys sort before every term.
**
** A lookup reads the trailer, binary-searches the block index by reading the
** first key of the probed blocks (front coding leaves it whole), then scans
** one block: O(log n) pages touched, nothing loaded up front.  A probed
** block's first key is checked against its own CRC (the key, not the whole
** block: a dozen checksums of a few hundred bytes each were an eighth of a
** short query's time), and the block scanned against the block's CRC,
** which covers where the block's lists start and the first key's CRC, so
** a damaged entry of the block index is caught as well.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>

struct kqi_dictw {
    kqi_wfile *f;
    char aPrev[KQI_MAX_KEY + 1];
    size_t nPrev;
    int nInBlock;
    u64 nEntry;            /* keys written */
    u64 nTerm;             /* terms among them */
    u64 nextPost, nextPos; /* expected offsets of the next term's lists */
    kq_buf ix;
    kq_buf blk;     /* the open block's bytes */
    u8 aBlkLoc[20]; /* its first term's postOff and posOff, its first
                    ** key's CRC32 */
};

/* Write the open block and its index entry. */
static void
dictw_flush(kqi_dictw *p)
{
    if (p->blk.n == 0) {
        return;
    }
    kqi_buf_u64(&p->ix, p->f->nOff);
    kq_buf_append(&p->ix, p->aBlkLoc, 20);
    u32 crc = libdeflate_crc32(0, p->blk.a, p->blk.n);
    kqi_buf_u32(&p->ix, libdeflate_crc32(crc, p->aBlkLoc, 20));
    kqi_wfile_write(p->f, p->blk.a, p->blk.n);
    p->blk.n = 0;
}

int
kqi_dictw_new(kqi_wfile *pDict, kqi_dictw **ppOut)
{
    kqi_dictw *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return KQ_NOMEM;
    }
    p->f = pDict;
    p->nextPost = p->nextPos = KQI_HEADER; /* lists follow the header */
    kqi_header_write(pDict, KQI_FT_DICT);
    *ppOut = p;
    return pDict->rc;
}

int
kqi_dictw_add(kqi_dictw *p, const char *zKey, size_t nKey,
              const kqi_termloc *pLoc, const char *zStem, size_t nStem)
{
    if (nKey == 0 || nKey > KQI_MAX_KEY ||
        (pLoc == NULL && (nStem == 0 || nStem > KQI_MAX_TERM)) ||
        (pLoc != NULL && pLoc->df == 0)) {
        return KQ_MISUSE;
    }
    size_t nShared = 0;
    if (p->nEntry > 0) {
        size_t nMin = nKey < p->nPrev ? nKey : p->nPrev;
        while (nShared < nMin && zKey[nShared] == p->aPrev[nShared]) {
            nShared++;
        }
        int c = memcmp(zKey, p->aPrev, nMin);
        if (c < 0 || (c == 0 && nKey <= p->nPrev)) {
            return KQ_MISUSE; /* not strictly increasing */
        }
    }
    /* A term's lists must follow on from the previous term's. */
    if (pLoc && (pLoc->postOff != p->nextPost || pLoc->posOff != p->nextPos)) {
        return KQ_MISUSE;
    }
    if (p->nInBlock == KQI_DICT_BLOCK || p->nEntry == 0) {
        dictw_flush(p);
        kqi_put_u64(p->aBlkLoc, p->nextPost);
        kqi_put_u64(p->aBlkLoc + 8, p->nextPos);
        kqi_put_u32(p->aBlkLoc + 16, libdeflate_crc32(0, zKey, nKey));
        if (p->ix.rc) {
            return p->ix.rc;
        }
        p->nInBlock = 0;
        nShared = 0;
    }
    kq_buf *b = &p->blk;
    kqi_buf_varint(b, nShared);
    kqi_buf_varint(b, nKey - nShared);
    kq_buf_append(b, zKey + nShared, nKey - nShared);
    if (pLoc) {
        kqi_buf_varint(b, pLoc->df);
        kqi_buf_varint(b, pLoc->cf - pLoc->df);
        kqi_buf_varint(b, pLoc->postLen);
        kqi_buf_varint(b, pLoc->skipLen);
        kqi_buf_varint(b, pLoc->posLen);
        p->nextPost = pLoc->postOff + pLoc->postLen;
        p->nextPos = pLoc->posOff + pLoc->posLen;
        p->nTerm++;
    } else {
        size_t nSame = 0;
        while (nSame < nStem && nSame + 1 < nKey &&
               zStem[nSame] == zKey[nSame + 1]) {
            nSame++;
        }
        kqi_buf_varint(b, 0);
        kqi_buf_varint(b, nSame);
        kqi_buf_varint(b, nStem - nSame);
        kq_buf_append(b, zStem + nSame, nStem - nSame);
    }
    memcpy(p->aPrev, zKey, nKey);
    p->nPrev = nKey;
    p->nInBlock++;
    p->nEntry++;
    return b->rc ? b->rc : p->f->rc;
}

int
kqi_dictw_finish(kqi_dictw *p, u64 *pnEntry, u64 *pnTerm)
{
    dictw_flush(p);
    u64 iIndexOff = p->f->nOff;
    kqi_wfile_write(p->f, p->ix.a, p->ix.n);
    u8 t[KQI_DICT_TRAILER];
    kqi_put_u64(t, p->nEntry);
    kqi_put_u64(t + 8, p->ix.n / KQI_DICT_IXENT);
    kqi_put_u64(t + 16, iIndexOff);
    kqi_put_u32(t + 24, libdeflate_crc32(0, t, 24));
    kqi_wfile_write(p->f, t, sizeof(t));
    int rc = p->ix.rc ? p->ix.rc : p->blk.rc ? p->blk.rc : p->f->rc;
    if (pnEntry) {
        *pnEntry = p->nEntry;
    }
    if (pnTerm) {
        *pnTerm = p->nTerm;
    }
    kq_buf_free(&p->ix);
    kq_buf_free(&p->blk);
    free(p);
    return rc;
}

/**************************************************************************
** Reader.
*/
int
kqi_dict_open(kqi_dict *d, const kqi_map *pMap, char **pzErr)
{
    memset(d, 0, sizeof(*d));
    d->pMap = pMap;
    int rc = kqi_header_check(pMap, KQI_FT_DICT, pzErr);
    if (rc) {
        return rc;
    }
    if (pMap->n < KQI_HEADER + KQI_DICT_TRAILER) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: too short", pMap->zPath);
    }
    const u8 *t = pMap->a + pMap->n - KQI_DICT_TRAILER;
    if (libdeflate_crc32(0, t, 24) != kqi_get_u32(t + 24)) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: checksum mismatch in the "
                       "trailer (offset %zu)",
                       pMap->zPath, pMap->n - KQI_DICT_TRAILER);
    }
    d->nKey = kqi_get_u64(t);
    d->nBlock = kqi_get_u64(t + 8);
    d->iIndexOff = kqi_get_u64(t + 16);
    u64 nIxMax = (pMap->n - KQI_DICT_TRAILER - KQI_HEADER) / KQI_DICT_IXENT;
    if (d->iIndexOff < KQI_HEADER || d->nBlock > nIxMax ||
        d->iIndexOff + d->nBlock * KQI_DICT_IXENT !=
            pMap->n - KQI_DICT_TRAILER ||
        d->nBlock != (d->nKey + KQI_DICT_BLOCK - 1) / KQI_DICT_BLOCK) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: bad trailer", pMap->zPath);
    }
    return KQ_OK;
}

/* Block b's index entry *pE and byte range [*pA, *pEnd), unchecked;
** KQ_CORRUPT if the block index is inconsistent. */
static int
dict_block_range(const kqi_dict *d, u64 b, const u8 **pE, const u8 **pA,
                 const u8 **pEnd)
{
    const u8 *e = d->pMap->a + d->iIndexOff + b * KQI_DICT_IXENT;
    u64 off = kqi_get_u64(e);
    u64 offEnd = (b + 1 < d->nBlock) ? kqi_get_u64(e + KQI_DICT_IXENT)
                                     : d->iIndexOff;
    if (off < KQI_HEADER || off >= offEnd || offEnd > d->iIndexOff) {
        return KQ_CORRUPT;
    }
    *pE = e;
    *pA = d->pMap->a + off;
    *pEnd = d->pMap->a + offEnd;
    return KQ_OK;
}

/* Block b's byte range [*pA, *pEnd) and first list offsets, checked
** against the block's CRC32; KQ_CORRUPT if it does not match. */
static int
dict_block(const kqi_dict *d, u64 b, const u8 **pA, const u8 **pEnd,
           u64 *pPost, u64 *pPos)
{
    const u8 *e;
    if (dict_block_range(d, b, &e, pA, pEnd)) {
        return KQ_CORRUPT;
    }
    u32 crc = libdeflate_crc32(0, *pA, (size_t)(*pEnd - *pA));
    if (libdeflate_crc32(crc, e + 8, 20) != kqi_get_u32(e + 28)) {
        return KQ_CORRUPT;
    }
    *pPost = kqi_get_u64(e + 8);
    *pPos = kqi_get_u64(e + 16);
    return KQ_OK;
}

/* Block b's first key into aTerm (KQI_MAX_KEY + 1 bytes), checked against
** its CRC32 in the block index; KQ_CORRUPT if it does not match. */
static int
dict_first_key(const kqi_dict *d, u64 b, char *aTerm, size_t *pnTerm)
{
    const u8 *e, *p, *end;
    u64 nShared, nSuffix;
    if (dict_block_range(d, b, &e, &p, &end) ||
        kqi_varint_get(&p, end, &nShared) ||
        kqi_varint_get(&p, end, &nSuffix) || nShared != 0 || nSuffix == 0 ||
        nSuffix > KQI_MAX_KEY || nSuffix > (u64)(end - p) ||
        libdeflate_crc32(0, p, (size_t)nSuffix) != kqi_get_u32(e + 24)) {
        return KQ_CORRUPT;
    }
    memcpy(aTerm, p, (size_t)nSuffix);
    aTerm[nSuffix] = 0;
    *pnTerm = (size_t)nSuffix;
    return KQ_OK;
}

static int
dict_block_nterm(const kqi_dict *d, u64 b)
{
    return (b + 1 < d->nBlock)
               ? KQI_DICT_BLOCK
               : (int)(d->nKey - (d->nBlock - 1) * KQI_DICT_BLOCK);
}

/* Decode one entry at *pp into aTerm (holding the previous key); a
** vocabulary entry's stem goes to aStem (may be NULL to skip it). */
static int
dict_entry(const u8 **pp, const u8 *end, char *aTerm, size_t *pnTerm,
           kqi_termloc *pLoc, int bFirst, char *aStem, size_t *pnStem)
{
    u64 nShared, nSuffix, df, cfx, postLen, skipLen, posLen;
    if (kqi_varint_get(pp, end, &nShared) ||
        kqi_varint_get(pp, end, &nSuffix)) {
        return KQ_CORRUPT;
    }
    if ((bFirst && nShared) || nShared > *pnTerm || nSuffix == 0 ||
        nShared + nSuffix > KQI_MAX_KEY || nSuffix > (u64)(end - *pp)) {
        return KQ_CORRUPT;
    }
    memcpy(aTerm + nShared, *pp, nSuffix);
    *pp += nSuffix;
    *pnTerm = nShared + nSuffix;
    aTerm[*pnTerm] = 0;
    if (kqi_varint_get(pp, end, &df)) {
        return KQ_CORRUPT;
    }
    if (df == 0) {
        u64 nSame, nRest;
        if (aTerm[0] != KQI_WORD_MARK || kqi_varint_get(pp, end, &nSame) ||
            kqi_varint_get(pp, end, &nRest) || nSame >= *pnTerm ||
            nRest > KQI_MAX_TERM || nSame + nRest == 0 ||
            nSame + nRest > KQI_MAX_TERM || nRest > (u64)(end - *pp)) {
            return KQ_CORRUPT;
        }
        if (aStem) {
            memcpy(aStem, aTerm + 1, nSame);
            memcpy(aStem + nSame, *pp, nRest);
            aStem[nSame + nRest] = 0;
            *pnStem = nSame + nRest;
        }
        *pp += nRest;
        /* No lists: keep the offsets, so the next term's follow on. */
        pLoc->df = 0;
        pLoc->cf = 0;
        pLoc->postLen = pLoc->skipLen = pLoc->posLen = 0;
        return KQ_OK;
    }
    if (aTerm[0] == KQI_WORD_MARK || *pnTerm > KQI_MAX_KEY) {
        return KQ_CORRUPT;
    }
    if (kqi_varint_get(pp, end, &cfx) || kqi_varint_get(pp, end, &postLen) ||
        kqi_varint_get(pp, end, &skipLen) ||
        kqi_varint_get(pp, end, &posLen)) {
        return KQ_CORRUPT;
    }
    if (df == 0 || df > 0xffffffffu || cfx > UINT64_MAX - df ||
        skipLen >= postLen) {
        return KQ_CORRUPT;
    }
    pLoc->df = (u32)df;
    pLoc->cf = df + cfx;
    pLoc->postLen = postLen;
    pLoc->skipLen = skipLen;
    pLoc->posLen = posLen;
    return KQ_OK;
}

static int
term_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    int c = memcmp(a, b, n);
    if (c) {
        return c;
    }
    return na < nb ? -1 : (na > nb ? 1 : 0);
}

/* Index of the last block whose first term is <= z (0 if none is). */
static int
dict_find_block(const kqi_dict *d, const char *z, size_t n, u64 *pb)
{
    u64 lo = 0, hi = d->nBlock; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        u64 mid = lo + (hi - lo) / 2;
        char aTerm[KQI_MAX_KEY + 1];
        size_t nTerm = 0;
        if (dict_first_key(d, mid, aTerm, &nTerm)) {
            return KQ_CORRUPT;
        }
        if (term_cmp(aTerm, nTerm, z, n) <= 0) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    *pb = lo;
    return KQ_OK;
}

/* The vocabulary entries come first (their keys start with
** KQI_WORD_MARK, below every term).  An entry whose stem is no term here
** (left by a merge that dropped the documents that had it) is not a word
** of the segment: kq_index_terms() does not list it either. */
int
kqi_dict_nwords(const kqi_dict *d, u64 *pnWord, char **pzErr)
{
    char aFrom[1] = {KQI_WORD_MARK};
    kqi_dictit it;
    u64 n = 0;
    int rc = kqi_dictit_start(&it, d, aFrom, 1, pzErr);
    while (rc == KQ_OK && (rc = kqi_dictit_next(&it, pzErr)) == KQ_OK &&
           it.nTerm > 0 && it.aTerm[0] == KQI_WORD_MARK) {
        kqi_termloc loc;
        rc = kqi_dict_lookup(d, it.aStem, it.nStem, &loc, pzErr);
        if (rc == KQ_OK) {
            n++;
        } else if (rc == KQ_NOTFOUND) {
            rc = KQ_OK;
        }
    }
    *pnWord = n;
    return rc == KQ_DONE ? KQ_OK : rc;
}

int
kqi_dictit_start(kqi_dictit *it, const kqi_dict *d, const char *zFrom,
                 size_t nFrom, char **pzErr)
{
    memset(it, 0, sizeof(*it));
    it->d = d;
    if (d->nBlock == 0) {
        it->iBlock = 0;
        it->nInBlock = 0;
        it->p = it->end = NULL;
        return KQ_OK;
    }
    u64 b = 0;
    if (nFrom > 0 && dict_find_block(d, zFrom, nFrom, &b)) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: bad block index",
                       d->pMap->zPath);
    }
    it->iBlock = b;
    it->nInBlock = -1; /* block b not yet entered */
    /* Skip the terms before zFrom. */
    for (;;) {
        int rc = kqi_dictit_next(it, pzErr);
        if (rc) {
            return rc;
        }
        if (term_cmp(it->aTerm, it->nTerm, zFrom, nFrom) >= 0) {
            /* Make the next call to kqi_dictit_next() return this term. */
            it->nInBlock = -(it->nInBlock + 2);
            return KQ_OK;
        }
    }
}

int
kqi_dictit_next(kqi_dictit *it, char **pzErr)
{
    const kqi_dict *d = it->d;
    if (it->nInBlock <= -2) {
        /* A term found by kqi_dictit_start() is pending. */
        it->nInBlock = -it->nInBlock - 2;
        return KQ_OK;
    }
    if (d->nBlock == 0) {
        return KQ_DONE;
    }
    if (it->nInBlock <= 0) {
        if (it->nInBlock == 0) {
            it->iBlock++;
        }
        if (it->iBlock >= d->nBlock) {
            it->nInBlock = 0;
            it->iBlock = d->nBlock;
            return KQ_DONE;
        }
        u64 post, pos;
        if (dict_block(d, it->iBlock, &it->p, &it->end, &post, &pos)) {
            goto corrupt;
        }
        it->nInBlock = dict_block_nterm(d, it->iBlock);
        it->nTerm = 0;
        if (dict_entry(&it->p, it->end, it->aTerm, &it->nTerm, &it->loc, 1,
                       it->aStem, &it->nStem)) {
            goto corrupt;
        }
        it->loc.postOff = post;
        it->loc.posOff = pos;
    } else {
        /* The lists of a term start where the previous term's ended (a
        ** vocabulary entry has none: loc.postLen = 0 keeps the offsets). */
        u64 post = it->loc.postOff + it->loc.postLen;
        u64 pos = it->loc.posOff + it->loc.posLen;
        char aPrev[KQI_MAX_KEY + 1];
        size_t nPrev = it->nTerm;
        memcpy(aPrev, it->aTerm, nPrev);
        if (dict_entry(&it->p, it->end, it->aTerm, &it->nTerm, &it->loc, 0,
                       it->aStem, &it->nStem) ||
            term_cmp(aPrev, nPrev, it->aTerm, it->nTerm) >= 0) {
            goto corrupt;
        }
        it->loc.postOff = post;
        it->loc.posOff = pos;
    }
    it->nInBlock--;
    if (it->nInBlock == 0 && it->p != it->end) {
        goto corrupt;
    }
    return KQ_OK;

corrupt:
    it->nInBlock = 0;
    it->iBlock = d->nBlock;
    return kqi_err(pzErr, KQ_CORRUPT, "%s: bad term block %llu",
                   d->pMap->zPath, (unsigned long long)it->iBlock);
}

int
kqi_dict_lookup(const kqi_dict *d, const char *zTerm, size_t nTerm,
                kqi_termloc *pLoc, char **pzErr)
{
    if (d->nBlock == 0 || nTerm == 0) {
        return KQ_NOTFOUND;
    }
    kqi_dictit it;
    int rc = kqi_dictit_start(&it, d, zTerm, nTerm, pzErr);
    if (rc == KQ_DONE) {
        return KQ_NOTFOUND;
    }
    if (rc) {
        return rc;
    }
    rc = kqi_dictit_next(&it, pzErr);
    if (rc) {
        return rc == KQ_DONE ? KQ_NOTFOUND : rc;
    }
    if (term_cmp(it.aTerm, it.nTerm, zTerm, nTerm) != 0) {
        return KQ_NOTFOUND;
    }
    *pLoc = it.loc;
    return KQ_OK;
}
