/*
** doctab.c -- the document table (.docs) and the stored text (.store) of a
** segment.
**
** .docs format:
**     header (16 bytes, fileio.c), file type KQI_FT_DOCS
**     meta area, one record per document, in docid order:
**         varint + blob: id
**         varint + blob: title
**         varint + blob: date   (as given in the input; may be empty)
**         varint + blob: source (may be empty)
**         varint: stored-text block number in .store
**         varint: offset of the body in the uncompressed block
**         varint: body length in bytes
**     u32 doclen[nDoc]         document length in tokens (for BM25)
**     u64 metaOff[nDoc + 1]    file offset of each record; the last one is
**                              the end of the meta area
**     trailer (last 24 bytes): u64 nDoc, u64 offset of doclen[],
**                              u64 offset of metaOff[]
**
** The fixed-width arrays give O(1) access to any document's length and
** record straight from the mapped file.
**
** .store format:
**     header (16 bytes), file type KQI_FT_STORE
**     zero-or-more blocks (bodies of consecutive documents, a block closed
**     once it reaches STORE_BLOCK bytes, so a body never spans blocks):
**         u8:  codec (0 = stored, 1 = zlib; zlib only when it is smaller)
**         u32: uncompressed length
**         u32: CRC32 of the uncompressed bytes
**         u32: stored length
**         blob: stored bytes
**     u64 blockOff[nBlock]
**     trailer (last 16 bytes): u64 nBlock, u64 offset of blockOff[]
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>

/* A snippet inflates the whole block of its document, and inflating was
** the largest single cost of a one-shot `kq QUERY` (ten snippets): 16 KB
** blocks halve it against 32 KB ones (64 KB before), for 4% more stored
** bytes on reuters21578 (7.3 MB instead of 7.0). */
#define STORE_BLOCK (16 * 1024)
/* Compression level for stored text.  The blocks are zlib streams (RFC
** 1950, readable by any zlib), made and read with libdeflate, which works
** on whole buffers (all a store block is) 2-3x faster than zlib itself.
** Level 1 compresses reuters21578's bodies to 7.0 MB instead of 6.4 MB at
** level 6, but deflate at level 6 was a third of the indexing time. */
#define STORE_ZLEVEL 1
#define STORE_BLKHDR 13
#define STORE_MAXBLOCK 0x7fffffffu

struct kqi_docw {
    kqi_wfile *pDocs, *pStore;
    kqi_buf aLen;        /* u32 doclen per document */
    kqi_buf aOff;        /* u64 metaOff per document */
    kqi_buf rec;         /* scratch record */
    int bDeferred;       /* bodies are stored by kqi_docw_put_blocks() */
    kqi_buf text;        /* bodies of the open store block */
    u64 nOpen;           /* bytes in the open block (= text.n unless deferred) */
    u64 nBlock;          /* blocks closed so far */
    kqi_buf z;           /* compression scratch */
    kqi_buf out;         /* an encoded block (header and data) */
    kqi_buf blocks;      /* u64 offsets of the store blocks written */
    struct libdeflate_compressor *pZ;
    u64 nDoc;
    int rc;
};

/* Where store blocks end.  A block closes before a body that would take it
** past STORE_MAXBLOCK, after a body that takes it to STORE_BLOCK, and at
** every batch end (kqi_docw_end_batch()).  The writer's threads compress
** blocks apart from the thread that numbers them (kqi_store_encode()), and
** both follow these two rules, so a document's block and offset come out
** the same either way. */
static int
close_before(u64 nOpen, size_t nBody)
{
    return nOpen > 0 && nOpen + nBody > STORE_MAXBLOCK;
}

static int
close_after(u64 nOpen)
{
    return nOpen >= STORE_BLOCK;
}

/* Append one block, header and (compressed) bytes, to out. */
static int
encode_block(struct libdeflate_compressor *pZ, kqi_buf *z, const u8 *a,
             size_t n, kqi_buf *out)
{
    u8 codec = 0;
    const u8 *aData = a;
    size_t nData = n;
    size_t nBound = pZ ? libdeflate_zlib_compress_bound(pZ, n) : 0;
    if (pZ && kqi_buf_reserve(z, nBound) == 0) {
        size_t nOut = libdeflate_zlib_compress(pZ, a, n, z->a, nBound);
        if (nOut > 0 && nOut < n) {
            codec = 1;
            aData = z->a;
            nData = nOut;
        }
    }
    u8 hdr[STORE_BLKHDR];
    hdr[0] = codec;
    kqi_put_u32(hdr + 1, (u32)n);
    kqi_put_u32(hdr + 5, libdeflate_crc32(0, a, n));
    kqi_put_u32(hdr + 9, (u32)nData);
    kqi_buf_append(out, hdr, sizeof(hdr));
    kqi_buf_append(out, aData, nData);
    return out->rc;
}

int
kqi_store_encode(struct libdeflate_compressor **ppZ, const char *const *azBody,
                 const size_t *anBody, u32 nDoc, kqi_buf *pOut,
                 kqi_buf *pOffs)
{
    if (*ppZ == NULL && (*ppZ = libdeflate_alloc_compressor(STORE_ZLEVEL)) ==
                            NULL) {
        return KQ_NOMEM;
    }
    kqi_buf text, z;
    memset(&text, 0, sizeof(text));
    memset(&z, 0, sizeof(z));
    int rc = KQ_OK;
    for (u32 i = 0; rc == KQ_OK && i <= nDoc; i++) {
        int bClose = (i == nDoc) ? text.n > 0
                                 : close_before(text.n, anBody[i]);
        if (bClose) {
            kqi_buf_u64(pOffs, pOut->n);
            rc = encode_block(*ppZ, &z, text.a, text.n, pOut);
            text.n = 0;
        }
        if (i < nDoc) {
            kqi_buf_append(&text, azBody[i], anBody[i]);
            if (close_after(text.n)) {
                kqi_buf_u64(pOffs, pOut->n);
                rc = encode_block(*ppZ, &z, text.a, text.n, pOut);
                text.n = 0;
            }
        }
        if (rc == KQ_OK && (text.rc || pOffs->rc)) {
            rc = KQ_NOMEM;
        }
    }
    kqi_buf_free(&text);
    kqi_buf_free(&z);
    return rc;
}

void
kqi_docw_set_deferred(kqi_docw *p)
{
    p->bDeferred = 1;
}

int
kqi_docw_put_blocks(kqi_docw *p, const u8 *a, size_t n, const u8 *aOffs,
                    size_t nOffs)
{
    for (size_t i = 0; i < nOffs; i++) {
        kqi_buf_u64(&p->blocks, p->pStore->nOff + kqi_get_u64(aOffs + 8 * i));
    }
    kqi_wfile_write(p->pStore, a, n);
    if (p->blocks.rc) {
        p->rc = KQ_NOMEM;
    }
    if (p->rc == KQ_OK) {
        p->rc = p->pStore->rc;
    }
    return p->rc;
}

int
kqi_docw_new(kqi_wfile *pDocs, kqi_wfile *pStore, kqi_docw **ppOut)
{
    kqi_docw *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return KQ_NOMEM;
    }
    p->pDocs = pDocs;
    p->pStore = pStore;
    kqi_header_write(pDocs, KQI_FT_DOCS);
    kqi_header_write(pStore, KQI_FT_STORE);
    *ppOut = p;
    return pDocs->rc ? pDocs->rc : pStore->rc;
}

const u8 *
kqi_docw_lens(const kqi_docw *p, u32 *pnDoc)
{
    *pnDoc = p ? (u32)(p->aLen.n / 4) : 0;
    return p ? p->aLen.a : NULL;
}

void
kqi_docw_set_len(kqi_docw *p, u32 iDoc, u32 nLen)
{
    if ((size_t)iDoc * 4 + 4 <= p->aLen.n) {
        kqi_put_u32(p->aLen.a + (size_t)iDoc * 4, nLen);
    }
}

size_t
kqi_docw_memory(const kqi_docw *p)
{
    return p->aLen.nAlloc + p->aOff.nAlloc + p->rec.nAlloc + p->text.nAlloc +
           p->z.nAlloc + p->out.nAlloc + p->blocks.nAlloc;
}

/* Close the open block: number it, and (unless deferred) write it. */
static void
store_flush(kqi_docw *p)
{
    if (p->nOpen == 0) {
        return;
    }
    p->nBlock++;
    p->nOpen = 0;
    if (p->bDeferred) {
        return;
    }
    if (p->pZ == NULL) {
        p->pZ = libdeflate_alloc_compressor(STORE_ZLEVEL);
    }
    kqi_buf_u64(&p->blocks, p->pStore->nOff);
    p->out.n = 0;
    if (encode_block(p->pZ, &p->z, p->text.a, p->text.n, &p->out)) {
        p->rc = KQ_NOMEM;
    }
    kqi_wfile_write(p->pStore, p->out.a, p->out.n);
    p->text.n = 0;
}

void
kqi_docw_end_batch(kqi_docw *p)
{
    store_flush(p);
}

static void
rec_str(kqi_buf *b, const char *z, size_t n)
{
    kqi_buf_varint(b, n);
    kqi_buf_append(b, z, n);
}

int
kqi_docw_add(kqi_docw *p, const kq_doc *d, u32 nLen)
{
    if (p->rc) {
        return p->rc;
    }
    if (d->nBody > STORE_MAXBLOCK) {
        return KQ_MISUSE;
    }
    if (close_before(p->nOpen, d->nBody)) {
        store_flush(p);
    }
    u64 iBlock = p->nBlock;
    u64 iOff = p->nOpen;
    p->nOpen += d->nBody;
    if (!p->bDeferred) {
        kqi_buf_append(&p->text, d->zBody, d->nBody);
    }

    p->rec.n = 0;
    rec_str(&p->rec, d->zId, d->nId);
    rec_str(&p->rec, d->zTitle, d->nTitle);
    rec_str(&p->rec, d->zDate, d->nDate);
    rec_str(&p->rec, d->zSource, d->nSource);
    kqi_buf_varint(&p->rec, iBlock);
    kqi_buf_varint(&p->rec, iOff);
    kqi_buf_varint(&p->rec, d->nBody);
    kqi_buf_u64(&p->aOff, p->pDocs->nOff);
    kqi_buf_u32(&p->aLen, nLen);
    kqi_wfile_write(p->pDocs, p->rec.a, p->rec.n);
    if (close_after(p->nOpen)) {
        store_flush(p);
    }
    if (p->aLen.rc || p->aOff.rc || p->rec.rc || p->text.rc || p->z.rc ||
        p->blocks.rc) {
        p->rc = KQ_NOMEM;
    }
    p->nDoc++;
    if (p->rc == KQ_OK) {
        p->rc = p->pDocs->rc ? p->pDocs->rc : p->pStore->rc;
    }
    return p->rc;
}

int
kqi_docw_finish(kqi_docw *p, u64 *pnDoc)
{
    store_flush(p);
    /* Deferred: every numbered block must have been put. */
    if (p->rc == KQ_OK && p->blocks.n / 8 != p->nBlock) {
        p->rc = KQ_MISUSE;
    }
    u64 iDir = p->pStore->nOff;
    kqi_wfile_write(p->pStore, p->blocks.a, p->blocks.n);
    kqi_wfile_u64(p->pStore, p->blocks.n / 8);
    kqi_wfile_u64(p->pStore, iDir);

    kqi_buf_u64(&p->aOff, p->pDocs->nOff);
    u64 iLen = p->pDocs->nOff;
    kqi_wfile_write(p->pDocs, p->aLen.a, p->aLen.n);
    u64 iOffs = p->pDocs->nOff;
    kqi_wfile_write(p->pDocs, p->aOff.a, p->aOff.n);
    kqi_wfile_u64(p->pDocs, p->nDoc);
    kqi_wfile_u64(p->pDocs, iLen);
    kqi_wfile_u64(p->pDocs, iOffs);

    int rc = p->rc;
    if (rc == KQ_OK && (p->aOff.rc || p->blocks.rc)) {
        rc = KQ_NOMEM;
    }
    if (rc == KQ_OK) {
        rc = p->pDocs->rc ? p->pDocs->rc : p->pStore->rc;
    }
    if (pnDoc) {
        *pnDoc = p->nDoc;
    }
    kqi_buf_free(&p->aLen);
    kqi_buf_free(&p->aOff);
    kqi_buf_free(&p->rec);
    kqi_buf_free(&p->text);
    kqi_buf_free(&p->z);
    kqi_buf_free(&p->out);
    kqi_buf_free(&p->blocks);
    libdeflate_free_compressor(p->pZ);
    free(p);
    return rc;
}

/**************************************************************************
** Reader.
*/
int
kqi_docs_open(kqi_docs *d, const kqi_map *pDocs, const kqi_map *pStore,
              char **pzErr)
{
    memset(d, 0, sizeof(*d));
    d->pDocs = pDocs;
    d->pStore = pStore;
    int rc = kqi_header_check(pDocs, KQI_FT_DOCS, pzErr);
    if (rc == KQ_OK) {
        rc = kqi_header_check(pStore, KQI_FT_STORE, pzErr);
    }
    if (rc) {
        return rc;
    }
    if (pDocs->n < KQI_HEADER + 24 + 8 || pStore->n < KQI_HEADER + 16) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: too short", pDocs->zPath);
    }
    const u8 *t = pDocs->a + pDocs->n - 24;
    u64 nDoc = kqi_get_u64(t), iLen = kqi_get_u64(t + 8);
    u64 iOffs = kqi_get_u64(t + 16);
    u64 nBody = pDocs->n - 24;
    if (nDoc >= KQ_DOCID_EOF || iLen < KQI_HEADER || iLen > nBody ||
        (nBody - iLen) / 12 < nDoc || iOffs != iLen + 4 * nDoc ||
        iOffs + 8 * (nDoc + 1) != nBody) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: bad trailer", pDocs->zPath);
    }
    d->nDoc = (u32)nDoc;
    d->aLen = pDocs->a + iLen;
    d->aOff = pDocs->a + iOffs;
    d->nMeta = iLen;

    t = pStore->a + pStore->n - 16;
    d->nStoreBlock = kqi_get_u64(t);
    d->iStoreDir = kqi_get_u64(t + 8);
    if (d->iStoreDir < KQI_HEADER || d->iStoreDir > pStore->n - 16 ||
        (pStore->n - 16 - d->iStoreDir) / 8 != d->nStoreBlock ||
        (pStore->n - 16 - d->iStoreDir) % 8 != 0) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: bad trailer", pStore->zPath);
    }
    return KQ_OK;
}

/* Record of document i: [*pA, *pEnd). */
static int
docs_record(const kqi_docs *d, u32 i, const u8 **pA, const u8 **pEnd)
{
    if (i >= d->nDoc) {
        return KQ_NOTFOUND;
    }
    u64 a = kqi_get_u64(d->aOff + 8 * (size_t)i);
    u64 b = kqi_get_u64(d->aOff + 8 * ((size_t)i + 1));
    if (a < KQI_HEADER || a > b || b > d->nMeta) {
        return KQ_CORRUPT;
    }
    *pA = d->pDocs->a + a;
    *pEnd = d->pDocs->a + b;
    return KQ_OK;
}

static int
get_str(const u8 **pp, const u8 *end, const char **pz, size_t *pn)
{
    u64 n;
    if (kqi_varint_get(pp, end, &n) || n > (u64)(end - *pp)) {
        return KQ_CORRUPT;
    }
    *pz = (const char *)*pp;
    *pn = (size_t)n;
    *pp += n;
    return KQ_OK;
}

int
kqi_docs_info(const kqi_docs *d, u32 i, kq_docinfo *pOut, char **pzErr)
{
    const u8 *p, *end;
    int rc = docs_record(d, i, &p, &end);
    if (rc == KQ_OK) {
        if (get_str(&p, end, &pOut->zId, &pOut->nId) ||
            get_str(&p, end, &pOut->zTitle, &pOut->nTitle) ||
            get_str(&p, end, &pOut->zDate, &pOut->nDate) ||
            get_str(&p, end, &pOut->zSource, &pOut->nSource)) {
            rc = KQ_CORRUPT;
        }
        pOut->nLen = kqi_docs_len(d, i);
    }
    if (rc == KQ_CORRUPT) {
        return kqi_err(pzErr, rc, "%s: bad record for document %u",
                       d->pDocs->zPath, i);
    }
    return rc;
}

int
kqi_docs_text(const kqi_docs *d, u32 i, char **pz, size_t *pn, char **pzErr)
{
    const u8 *p, *end;
    const char *z;
    size_t n;
    u64 iBlock, iOff, nLen;
    *pz = NULL;
    *pn = 0;
    int rc = docs_record(d, i, &p, &end);
    if (rc) {
        goto fail;
    }
    for (int k = 0; k < 4; k++) {
        if (get_str(&p, end, &z, &n)) {
            goto corrupt;
        }
    }
    if (kqi_varint_get(&p, end, &iBlock) || kqi_varint_get(&p, end, &iOff) ||
        kqi_varint_get(&p, end, &nLen) || p != end) {
        goto corrupt;
    }
    if (nLen == 0) {
        *pz = malloc(1);
        if (*pz == NULL) {
            return KQ_NOMEM;
        }
        (*pz)[0] = 0;
        return KQ_OK;
    }
    if (iBlock >= d->nStoreBlock) {
        goto corrupt;
    }
    const kqi_map *m = d->pStore;
    u64 off = kqi_get_u64(m->a + d->iStoreDir + 8 * iBlock);
    if (off < KQI_HEADER || off > d->iStoreDir ||
        d->iStoreDir - off < STORE_BLKHDR) {
        goto corrupt;
    }
    const u8 *h = m->a + off;
    u32 nRaw = kqi_get_u32(h + 1), crc = kqi_get_u32(h + 5);
    u32 nStored = kqi_get_u32(h + 9);
    if (h[0] > 1 || nStored > d->iStoreDir - off - STORE_BLKHDR ||
        iOff > nRaw || nLen > nRaw - iOff) {
        goto corrupt;
    }
    u8 *aRaw = malloc((size_t)nRaw + 1);
    if (aRaw == NULL) {
        return KQ_NOMEM;
    }
    if (h[0] == 1) {
        /* A fresh decompressor is a few KB of setup: cheap next to
        ** inflating a 64 KB block. */
        struct libdeflate_decompressor *pD = libdeflate_alloc_decompressor();
        enum libdeflate_result r =
            pD ? libdeflate_zlib_decompress(pD, h + STORE_BLKHDR, nStored,
                                            aRaw, nRaw, NULL)
               : LIBDEFLATE_INSUFFICIENT_SPACE;
        libdeflate_free_decompressor(pD);
        if (pD == NULL) {
            free(aRaw);
            return KQ_NOMEM;
        }
        if (r != LIBDEFLATE_SUCCESS) {
            free(aRaw);
            goto corrupt;
        }
    } else {
        if (nStored != nRaw) {
            free(aRaw);
            goto corrupt;
        }
        memcpy(aRaw, h + STORE_BLKHDR, nRaw);
    }
    if (libdeflate_crc32(0, aRaw, nRaw) != crc) {
        free(aRaw);
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: checksum mismatch in text block %llu",
                       m->zPath, (unsigned long long)iBlock);
    }
    memmove(aRaw, aRaw + iOff, nLen);
    aRaw[nLen] = 0;
    *pz = (char *)aRaw;
    *pn = nLen;
    return KQ_OK;

corrupt:
    rc = KQ_CORRUPT;
fail:
    if (rc == KQ_CORRUPT) {
        return kqi_err(pzErr, rc, "%s: bad stored text for document %u",
                       d->pStore->zPath, i);
    }
    return rc;
}
