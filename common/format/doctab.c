/*
** doctab.c -- the document table (.docs) and the stored text (.store) of a
** segment.
**
** .docs format:
**     header (16 bytes, fileio.c), file type KQI_FT_DOCS
**     meta area, one record per document, in docid order:
**         varint + blob: id
**         three meta fields, each varint v, then:
**             v even: blob of v / 2 bytes, the value
**             v odd: nothing; the value is this field's in document
**             i - 1 - (v - 1) / 2 (i: this one), where it is a blob
**           title
**           date   (as given in the input; may be empty)
**           source (may be empty)
**         varint: stored-text block number in .store
**         varint: offset of the body in the uncompressed block
**         varint: body length in bytes
**         only if the document has extra fields (kq-index --field):
**             varint: their number, then for each varint + blob: name,
**             varint + blob: value
**         u32: CRC32 of the record's bytes before it
**     u32 doclen[nDoc]         document length in tokens (for BM25)
**     u64 sig[nDoc]            SimHash signature of the body (simhash.c;
**                              0: none), right after doclen[]
**     u64 metaOff[nDoc + 1]    file offset of each record; the last one is
**                              the end of the meta area
**     u32 chunkCrc[nChunk]     chunk c: CRC32 of doclen[c*C ..], sig[c*C
**                              ..] and metaOff[c*C ..], up to C entries
**                              of each
**                              (C = KQI_DOCS_CHUNK, 1024; nChunk =
**                              nDoc / C + 1)
**     id table, nDoc entries sorted by (idHash, docid), 20 bytes each:
**         u64 idHash           kqi_hash64 of the id
**         u64 contentHash      kqi_doc_hash of title, date, source, body
**         u32 docid
**     u32 CRC32 of the id table
**     trailer (last 44 bytes): u64 nDoc, u64 offset of doclen[] (sig[]
**         follows it), u64 offset of metaOff[], u64 offset of
**         chunkCrc[], u64 offset of the id table, u32 CRC32 of these 40
**         bytes
**
** The back references: the passages of a book, or the articles of one
** source or day, repeat their neighbours' values (6.3 of gutenberg-dev's
** 13.5 MB of .docs), and a reference costs one record more to read.
**
** The fixed-width arrays give O(1) access to any document's length,
** signature and record straight from the mapped file.  Nothing is
** trusted before its checksum is: a record is checked when it is read, a
** chunk of the arrays the first time a query touches it (kqi_docs_len),
** the id table (which only the writer uses, to find a document by id) on
** its first lookup.
**
** .store format:
**     header (16 bytes), file type KQI_FT_STORE
**     zero-or-more blocks (bodies of consecutive documents, a block closed
**     once it reaches STORE_BLOCK bytes, so a body never spans blocks):
**         u8:  codec (0 = stored, 1 = a zstd frame, made with the
**              segment's dictionary if it has one; zstd only when it
**              is smaller)
**         u32: uncompressed length
**         u32: CRC32 of the uncompressed bytes
**         u32: stored length
**         blob: stored bytes
**     dictionary (nDict bytes, may be 0): raw text, zstd's "raw content"
**         dictionary for every block of the segment (store_dict())
**     u64 blockOff[nBlock]
**     trailer (last KQI_STORE_TRAILER = 24 bytes): u64 nBlock, u64 offset
**         of blockOff[], u32 nDict, u32 CRC32 of the dictionary
*/
#include "kq_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libdeflate.h>
/* The advanced API (raw-content dictionaries sized for the blocks,
** attached rather than copied): libzstd is linked statically, so the
** version built against is the one that runs. */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

/* A snippet decompresses the whole block of its document, a large part of
** a one-shot `kq QUERY` (ten snippets), in time in proportion to the
** block.  With the dictionary, zstd decompresses 16 KB of gutenberg-dev's
** text in about the time zlib took, and 32 KB in 1.7 times that, for
** blocks only 3% smaller (2.56:1 instead of 2.47:1, with format 9's
** 64 KB dictionary). */
#define STORE_BLOCK (16 * 1024)
/* zstd level of stored text.  On gutenberg-dev's text in 16 KB blocks,
** with format 9's 64 KB dictionary: level 3 2.47:1, at the speed of the
** zlib level 1 used before (2.26:1); level 5 is twice as slow for 3%
** less, and level 2 with the 256 KB dictionary 4% larger. */
#define STORE_LEVEL 3
/* The segment's dictionary: its blocks are small, and a compressor that
** starts each with an empty history misses the words and phrases every
** block repeats.  zstd takes any text as a "raw content" dictionary (a
** history each block starts from): the first KQI_STORE_DICT_SAMPLE bytes
** of the segment's bodies compress the first 60 MB of gutenberg-dev's
** text 2.50:1 instead of about 2.26:1 without, as well as a dictionary zstd
** trains (ZDICT) and for no time.  (64 KB in 1 KB pieces spread over
** those bytes, format 9, gave 2.43:1; 128 KB so spread, 2.40:1.)
**
** Drawn from the segment's first bodies, so that -j N (whose writer takes
** them from the first batch, writer.c) and -j 1 (here, from the first
** blocks) draw the same one: decided at the end of the first batch, or
** once KQI_STORE_DICT_SAMPLE bytes are in (for a merge, which has no
** batches).  A dictionary costs its size once per segment, so a segment
** that ends within its first batch (or, merged, its first sample) has
** none, and nor does one whose sample is under KQI_STORE_DICT_LEAST
** bytes. */

/* A zstd frame's most bytes out per byte in: an RLE block (3-byte header,
** 1 byte) gives up to 128 KB.  Bounds what a damaged block header may ask
** to be allocated before its CRC can be checked. */
#define ZSTD_MAX_RATIO 32768

/* The meta fields of a record (title, date, source), which may refer back
** to an earlier record's. */
#define DOC_NMETA 3

struct kqi_docw {
    kqi_wfile *pDocs, *pStore;
    kq_buf aLen;   /* u32 doclen per document */
    kq_buf aSig;   /* u64 signature per document */
    kq_buf aOff;   /* u64 metaOff per document */
    kq_buf rec;    /* scratch record */
    int bDeferred; /* bodies are stored by kqi_docw_put_blocks() */
    kq_buf text;   /* bodies of the open store block */
    u64 nOpen;     /* bytes in the open block (= text.n unless deferred) */
    u64 nBlock;    /* blocks closed so far */
    kq_buf z;      /* compression scratch */
    kq_buf out;    /* an encoded block (header and data) */
    kq_buf blocks; /* u64 offsets of the store blocks written */
    ZSTD_CCtx *pCC;
    /* The dictionary (store_dict()): decided once bDict, then dict holds
    ** it (empty: none) and pCDict is it prepared for compressing. */
    int bDict;
    kq_buf sample; /* the text it is drawn from */
    kq_buf dict;
    ZSTD_CDict *pCDict;
    /* Not deferred, before the dictionary is decided: text holds the
    ** blocks closed so far (u64 lengths in pend), then the open one. */
    kq_buf pend;
    kq_buf ids; /* idEnt per document, in docid order */
    /* Per meta field: the last value written as a blob, and where. */
    kq_buf aMeta[DOC_NMETA];
    u64 aMetaDoc[DOC_NMETA];
    u64 nDoc;
    int rc;
    /* Past nSpill bytes, metaOff[] and the id table go on in scratch files
    ** (see DOCW_SPILL): the offsets as they come, the ids in sorted runs
    ** merged at the end. */
    size_t nSpill;
    int fdOff, fdIds; /* -1 until needed; unlinked once created */
    u64 nOffSpilled;  /* metaOff entries in fdOff */
    kq_buf runs;      /* u64 number of entries of each run in fdIds */
};

/* An id table entry in memory (20 bytes on disk). */
typedef struct idEnt {
    u64 idHash, contentHash;
    u32 iDoc;
} idEnt;

/* The most bytes of metaOff[] entries, and likewise of id entries, that
** the document writer keeps in memory; beyond, they go to scratch files
** next to the .docs file (unlinked as soon as created, so nothing is left
** behind by a crash: scratch_write()).  With it a merge of segments of
** any number of documents keeps 12 bytes a document in memory (doclen[],
** which the list writer looks up by docid, and sig[]), not 44.  2 MB: one
** run of the id table is 87381 documents, so the runs of a segment of 10 M
** documents (115) take 0.6 MB of read buffers at the end. */
#define DOCW_SPILL ((size_t)2 << 20)
/* Id entries read at once from each run of the scratch file. */
#define RUN_BUF 256

/* Where store blocks end.  A block closes before a body that would take it
** past KQI_STORE_MAXBLOCK, after a body that takes it to STORE_BLOCK, and at
** every batch end (kqi_docw_end_batch()).  The writer's threads compress
** blocks apart from the thread that numbers them (kqi_store_encode()), and
** both follow these two rules, so a document's block and offset come out
** the same either way. */
static int
close_before(u64 nOpen, size_t nBody)
{
    return nOpen > 0 && nOpen + nBody > KQI_STORE_MAXBLOCK;
}

static int
close_after(u64 nOpen)
{
    return nOpen >= STORE_BLOCK;
}

/* Append one block, header and (compressed) bytes, to out: zstd with
** dictionary pCD (NULL: none), through the compressor *ppCC (made on
** first use). */
static int
encode_block(ZSTD_CCtx **ppCC, const ZSTD_CDict *pCD, kq_buf *z, const u8 *a,
             size_t n, kq_buf *out)
{
    if (*ppCC == NULL && (*ppCC = ZSTD_createCCtx()) == NULL) {
        return KQ_NOMEM;
    }
    u8 codec = 0;
    const u8 *aData = a;
    size_t nData = n;
    size_t nBound = ZSTD_compressBound(n);
    if (kqi_buf_reserve(z, nBound) == 0) {
        size_t nOut;
        if (pCD) {
            /* Attached, the dictionary's tables are searched where they
            ** are; by default zstd copies them for every input over 16
            ** KB (every block: they close past STORE_BLOCK), which took
            ** a fifth of the compression time. */
            ZSTD_CCtx_reset(*ppCC, ZSTD_reset_session_only);
            ZSTD_CCtx_refCDict(*ppCC, pCD);
            ZSTD_CCtx_setParameter(*ppCC, ZSTD_c_forceAttachDict,
                                   ZSTD_dictForceAttach);
            nOut = ZSTD_compress2(*ppCC, z->a, nBound, a, n);
        } else {
            ZSTD_CCtx_reset(*ppCC, ZSTD_reset_session_and_parameters);
            nOut = ZSTD_compressCCtx(*ppCC, z->a, nBound, a, n, STORE_LEVEL);
        }
        if (!ZSTD_isError(nOut) && nOut < n) {
            codec = 1;
            aData = z->a;
            nData = nOut;
        }
    }
    u8 hdr[KQI_STORE_BLKHDR];
    hdr[0] = codec;
    kqi_put_u32(hdr + 1, (u32)n);
    kqi_put_u32(hdr + 5, libdeflate_crc32(0, a, n));
    kqi_put_u32(hdr + 9, (u32)nData);
    kq_buf_append(out, hdr, sizeof(hdr));
    kq_buf_append(out, aData, nData);
    return out->rc;
}

int
kqi_store_encode(ZSTD_CCtx **ppCC, const ZSTD_CDict *pCD,
                 const char *const *azBody, const size_t *anBody, u32 nDoc,
                 kq_buf *pOut, kq_buf *pOffs)
{
    kq_buf text, z;
    memset(&text, 0, sizeof(text));
    memset(&z, 0, sizeof(z));
    int rc = KQ_OK;
    for (u32 i = 0; rc == KQ_OK && i <= nDoc; i++) {
        int bClose = (i == nDoc) ? text.n > 0
                                 : close_before(text.n, anBody[i]);
        if (bClose) {
            kqi_buf_u64(pOffs, pOut->n);
            rc = encode_block(ppCC, pCD, &z, text.a, text.n, pOut);
            text.n = 0;
        }
        if (i < nDoc) {
            kq_buf_append(&text, azBody[i], anBody[i]);
            if (close_after(text.n)) {
                kqi_buf_u64(pOffs, pOut->n);
                rc = encode_block(ppCC, pCD, &z, text.a, text.n, pOut);
                text.n = 0;
            }
        }
        if (rc == KQ_OK && (text.rc || pOffs->rc)) {
            rc = KQ_NOMEM;
        }
    }
    kq_buf_free(&text);
    kq_buf_free(&z);
    return rc;
}

void
kqi_docw_sample(kqi_docw *p, const char *z, size_t n)
{
    if (p->bDict || p->sample.n >= KQI_STORE_DICT_SAMPLE) {
        return;
    }
    size_t nRoom = KQI_STORE_DICT_SAMPLE - p->sample.n;
    if (n > 0) {
        kq_buf_append(&p->sample, z, n < nRoom ? n : nRoom);
    }
}

/* The sample is the dictionary (see KQI_STORE_DICT_SAMPLE). */
static void
store_dict(kqi_docw *p)
{
    p->bDict = 1;
    if (p->sample.rc) {
        p->rc = KQ_NOMEM;
    }
    if (p->rc || p->sample.n < KQI_STORE_DICT_LEAST) {
        kq_buf_free(&p->sample);
        return;
    }
    kq_buf_free(&p->dict);
    p->dict = p->sample;
    memset(&p->sample, 0, sizeof(p->sample));
    /* Raw content, always (by default zstd reads a dictionary that starts
    ** with its magic number as one it trained), and tables sized for
    ** blocks of STORE_BLOCK bytes: as fast as zlib level 1 was.  By
    ** reference: p->dict stays, unchanged, until the CDict is freed. */
    ZSTD_compressionParameters cp = ZSTD_getCParams(STORE_LEVEL, STORE_BLOCK,
                                                    p->dict.n);
    p->pCDict = ZSTD_createCDict_advanced(p->dict.a, p->dict.n, ZSTD_dlm_byRef,
                                          ZSTD_dct_rawContent, cp,
                                          ZSTD_defaultCMem);
    if (p->pCDict == NULL) {
        p->rc = KQ_NOMEM;
    }
}

void
kqi_docw_sample_end(kqi_docw *p, int bNone)
{
    if (!p->bDict) {
        if (bNone) {
            p->sample.n = 0;
        }
        store_dict(p);
    }
}

int
kqi_docw_has_dict(const kqi_docw *p)
{
    return p->bDict;
}

const ZSTD_CDict *
kqi_docw_cdict(const kqi_docw *p)
{
    return p->pCDict;
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
    p->nSpill = DOCW_SPILL;
    p->fdOff = p->fdIds = -1;
    kqi_header_write(pDocs, KQI_FT_DOCS);
    kqi_header_write(pStore, KQI_FT_STORE);
    *ppOut = p;
    return pDocs->rc ? pDocs->rc : pStore->rc;
}

void
kqi_docw_set_spill(kqi_docw *p, size_t nSpill)
{
    p->nSpill = nSpill;
}

void
kqi_docw_spilled(const kqi_docw *p, u64 *pnOff, u64 *pnRun)
{
    *pnOff = p->nOffSpilled;
    *pnRun = p->runs.n / 8;
}

/* Fail the writer with an I/O error on its scratch file, reported (as the
** .docs file's) when the .docs file is closed. */
static void
scratch_err(kqi_docw *p, const char *zWhat, int e)
{
    if (p->rc == KQ_OK) {
        p->rc = KQ_IOERR;
        if (p->pDocs->zErr == NULL) {
            p->pDocs->zErr = kq_mprintf("%s: cannot %s a scratch file: %s",
                                        p->pDocs->zPath, zWhat, strerror(e));
        }
        if (p->pDocs->rc == KQ_OK) {
            p->pDocs->rc = KQ_IOERR;
        }
    }
}

/* Append a[0..n) to scratch file *pFd, created on first use in the
** directory of the .docs file and at once unlinked; it is named tmp-*, as
** the writer's run files are, so that the next writer removes one that a
** crash left between the two (writer.c: remove_orphans()). */
static void
scratch_write(kqi_docw *p, int *pFd, const u8 *a, size_t n)
{
    if (p->rc) {
        return;
    }
    if (*pFd < 0) {
        const char *zDocs = p->pDocs->zPath;
        const char *zSlash = strrchr(zDocs, '/');
        int nDir = zSlash ? (int)(zSlash - zDocs) + 1 : 0;
        char *zPath = kq_mprintf("%.*stmp-docw-XXXXXX", nDir, zDocs);
        if (zPath == NULL) {
            p->rc = KQ_NOMEM;
            return;
        }
        *pFd = mkostemp(zPath, O_CLOEXEC);
        int e = errno;
        if (*pFd >= 0) {
            unlink(zPath);
        }
        free(zPath);
        if (*pFd < 0) {
            scratch_err(p, "create", e);
            return;
        }
    }
    size_t i = 0;
    while (i < n) {
        ssize_t w = write(*pFd, a + i, n - i);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            scratch_err(p, "write", w < 0 ? errno : ENOSPC);
            return;
        }
        i += (size_t)w;
    }
}

/* Read a[0..n) at offset off of a scratch file. */
static void
scratch_read(kqi_docw *p, int fd, u64 off, u8 *a, size_t n)
{
    size_t i = 0;
    while (p->rc == KQ_OK && i < n) {
        ssize_t r = pread(fd, a + i, n - i, (off_t)(off + i));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            scratch_err(p, "read", r < 0 ? errno : EIO);
            return;
        }
        i += (size_t)r;
    }
}

static int
cmp_ident(const void *a, const void *b)
{
    const idEnt *x = a, *y = b;
    if (x->idHash != y->idHash) {
        return x->idHash < y->idHash ? -1 : 1;
    }
    return x->iDoc < y->iDoc ? -1 : (x->iDoc > y->iDoc);
}

static void
ident_put(u8 *e, const idEnt *x)
{
    /* The layout KQI_IDENT_HASH/CONTENT/DOCID (kq_format.h) read. */
    kqi_put_u64(e, x->idHash);
    kqi_put_u64(e + 8, x->contentHash);
    kqi_put_u32(e + 16, x->iDoc);
}

/* The id entries in memory, sorted, as a run of the scratch file. */
static void
spill_ids(kqi_docw *p)
{
    size_t n = p->ids.n / sizeof(idEnt);
    idEnt *a = (idEnt *)p->ids.a;
    qsort(a, n, sizeof(idEnt), cmp_ident);
    u8 aBuf[RUN_BUF * KQI_IDENT_SIZE];
    for (size_t i = 0; i < n; i += RUN_BUF) {
        size_t m = n - i < RUN_BUF ? n - i : RUN_BUF;
        for (size_t j = 0; j < m; j++) {
            ident_put(aBuf + KQI_IDENT_SIZE * j, &a[i + j]);
        }
        scratch_write(p, &p->fdIds, aBuf, KQI_IDENT_SIZE * m);
    }
    kqi_buf_u64(&p->runs, n);
    p->ids.n = 0;
}

static void
spill_offs(kqi_docw *p)
{
    scratch_write(p, &p->fdOff, p->aOff.a, p->aOff.n);
    p->nOffSpilled += p->aOff.n / 8;
    p->aOff.n = 0;
}

const u8 *
kqi_docw_lens(const kqi_docw *p, u32 *pnDoc)
{
    *pnDoc = p ? (u32)(p->aLen.n / 4) : 0;
    return p ? p->aLen.a : NULL;
}

void
kqi_docw_set_len(kqi_docw *p, u32 iDoc, u32 nLen, u64 sig)
{
    if ((size_t)iDoc * 4 + 4 <= p->aLen.n) {
        kqi_put_u32(p->aLen.a + (size_t)iDoc * 4, nLen);
    }
    if ((size_t)iDoc * 8 + 8 <= p->aSig.n) {
        kqi_put_u64(p->aSig.a + (size_t)iDoc * 8, sig);
    }
}

size_t
kqi_docw_memory(const kqi_docw *p)
{
    return p->aLen.nAlloc + p->aSig.nAlloc + p->aOff.nAlloc + p->rec.nAlloc +
           p->text.nAlloc + p->z.nAlloc + p->out.nAlloc + p->blocks.nAlloc +
           p->ids.nAlloc + p->sample.nAlloc + p->dict.nAlloc + p->pend.nAlloc +
           ZSTD_sizeof_CCtx(p->pCC) + ZSTD_sizeof_CDict(p->pCDict);
}

/* Write the block a[0..n). */
static void
write_block(kqi_docw *p, const u8 *a, size_t n)
{
    kqi_buf_u64(&p->blocks, p->pStore->nOff);
    p->out.n = 0;
    if (encode_block(&p->pCC, p->pCDict, &p->z, a, n, &p->out)) {
        p->rc = KQ_NOMEM;
    }
    kqi_wfile_write(p->pStore, p->out.a, p->out.n);
}

/* Not deferred: decide the dictionary from the text so far (the first
** bodies of the segment; bNone: there is none), and write the blocks that
** waited for it. */
static void
decide_dict(kqi_docw *p, int bNone)
{
    kqi_docw_sample(p, (const char *)p->text.a, p->text.n);
    kqi_docw_sample_end(p, bNone);
    size_t o = 0;
    for (size_t i = 0; i < p->pend.n / 8; i++) {
        u64 n = kqi_get_u64(p->pend.a + 8 * i);
        write_block(p, p->text.a + o, n);
        o += n;
    }
    if (o > 0) {
        memmove(p->text.a, p->text.a + o, p->text.n - o);
        p->text.n -= o;
    }
    kq_buf_free(&p->pend);
}

/* Close the open block: number it, and (unless deferred) write it, or
** keep it until the dictionary is decided. */
static void
store_flush(kqi_docw *p)
{
    if (p->nOpen == 0) {
        return;
    }
    u64 n = p->nOpen;
    p->nBlock++;
    p->nOpen = 0;
    if (p->bDeferred) {
        return;
    }
    if (!p->bDict) {
        kqi_buf_u64(&p->pend, n);
        if (p->pend.rc) {
            p->rc = KQ_NOMEM;
        }
        return;
    }
    write_block(p, p->text.a, p->text.n);
    p->text.n = 0;
}

void
kqi_docw_end_batch(kqi_docw *p)
{
    store_flush(p);
    if (!p->bDeferred && !p->bDict) {
        decide_dict(p, 0);
    }
}

static void
rec_str(kq_buf *b, const char *z, size_t n)
{
    kqi_buf_varint(b, n);
    kq_buf_append(b, z, n);
}

/* Meta field k of the next record: a reference to the last record that
** holds the same value, when that is shorter, else the value. */
static void
rec_meta(kqi_docw *p, int k, const char *z, size_t n)
{
    kq_buf *last = &p->aMeta[k];
    u8 aTmp[10];
    /* (An empty value is one byte either way.) */
    if (n > 0 && p->nDoc > 0 && last->n == n && last->rc == KQ_OK &&
        memcmp(last->a, z, n) == 0) {
        u64 v = ((p->nDoc - p->aMetaDoc[k] - 1) << 1) | 1;
        if ((size_t)kqi_varint_put(aTmp, v) <
            (size_t)kqi_varint_put(aTmp, (u64)n << 1) + n) {
            kqi_buf_varint(&p->rec, v);
            return;
        }
    }
    kqi_buf_varint(&p->rec, (u64)n << 1);
    kq_buf_append(&p->rec, z, n);
    last->n = 0;
    kq_buf_append(last, z, n);
    p->aMetaDoc[k] = p->nDoc;
}

int
kqi_docw_add(kqi_docw *p, const kq_doc *d, u32 nLen, u64 sig, u64 idHash,
             u64 contentHash)
{
    if (p->rc) {
        return p->rc;
    }
    if (d->nBody > KQI_STORE_MAXBLOCK) {
        return KQ_MISUSE;
    }
    if (close_before(p->nOpen, d->nBody)) {
        store_flush(p);
    }
    u64 iBlock = p->nBlock;
    u64 iOff = p->nOpen;
    p->nOpen += d->nBody;
    if (!p->bDeferred) {
        kq_buf_append(&p->text, d->zBody, d->nBody);
        if (!p->bDict && p->text.n >= KQI_STORE_DICT_SAMPLE) {
            decide_dict(p, 0);
        }
    }

    p->rec.n = 0;
    rec_str(&p->rec, d->zId, d->nId);
    rec_meta(p, 0, d->zTitle, d->nTitle);
    rec_meta(p, 1, d->zDate, d->nDate);
    rec_meta(p, 2, d->zSource, d->nSource);
    kqi_buf_varint(&p->rec, iBlock);
    kqi_buf_varint(&p->rec, iOff);
    kqi_buf_varint(&p->rec, d->nBody);
    if (d->nField > 0) {
        kqi_fields_pack(&p->rec, d->aField, d->nField);
    }
    kqi_buf_u32(&p->rec,
                p->rec.rc ? 0 : libdeflate_crc32(0, p->rec.a, p->rec.n));
    idEnt e = {idHash, contentHash, (u32)p->nDoc};
    if (p->ids.n + sizeof(e) > p->nSpill && p->ids.n > 0) {
        spill_ids(p);
    }
    kq_buf_append(&p->ids, &e, sizeof(e));
    if (p->aOff.n + 8 > p->nSpill && p->aOff.n > 0) {
        spill_offs(p);
    }
    kqi_buf_u64(&p->aOff, p->pDocs->nOff);
    kqi_buf_u32(&p->aLen, nLen);
    kqi_buf_u64(&p->aSig, sig);
    kqi_wfile_write(p->pDocs, p->rec.a, p->rec.n);
    if (close_after(p->nOpen)) {
        store_flush(p);
    }
    if (p->aLen.rc || p->aSig.rc || p->aOff.rc || p->rec.rc || p->text.rc ||
        p->z.rc || p->blocks.rc || p->ids.rc || p->runs.rc) {
        p->rc = KQ_NOMEM;
    }
    p->nDoc++;
    if (p->rc == KQ_OK) {
        p->rc = p->pDocs->rc ? p->pDocs->rc : p->pStore->rc;
    }
    return p->rc;
}

/* metaOff entries [i, i + n) into a: from the scratch file, then from
** memory. */
static void
offs_get(kqi_docw *p, u64 i, u64 n, u8 *a)
{
    if (i < p->nOffSpilled) {
        u64 m = p->nOffSpilled - i < n ? p->nOffSpilled - i : n;
        scratch_read(p, p->fdOff, 8 * i, a, (size_t)(8 * m));
        i += m;
        n -= m;
        a += 8 * m;
    }
    if (n > 0 && p->rc == KQ_OK) {
        memcpy(a, p->aOff.a + 8 * (i - p->nOffSpilled), (size_t)(8 * n));
    }
}

/* doclen[], sig[], metaOff[] and the chunk checksums.  metaOff[] goes out
** a chunk at a time, and each chunk's checksum (of its doclen[], sig[] and
** metaOff[] entries) is worked out on the way. */
static void
write_arrays(kqi_docw *p, u64 *piOffs, u64 *piChunk)
{
    u64 nChunk = p->nDoc / KQI_DOCS_CHUNK + 1;
    u32 *aCrc = malloc(sizeof(u32) * nChunk);
    u8 *aBuf = malloc(8 * KQI_DOCS_CHUNK);
    if (aCrc == NULL || aBuf == NULL) {
        p->rc = p->rc ? p->rc : KQ_NOMEM;
    }
    kqi_wfile_write(p->pDocs, p->aLen.a, p->aLen.n);
    kqi_wfile_write(p->pDocs, p->aSig.a, p->aSig.n);
    *piOffs = p->pDocs->nOff;
    for (u64 c = 0; p->rc == KQ_OK && c < nChunk; c++) {
        u64 i0 = c * KQI_DOCS_CHUNK;
        u64 nL = p->nDoc - i0 < KQI_DOCS_CHUNK ? p->nDoc - i0 : KQI_DOCS_CHUNK;
        u64 nO = p->nDoc + 1 - i0 < KQI_DOCS_CHUNK ? p->nDoc + 1 - i0
                                                   : KQI_DOCS_CHUNK;
        offs_get(p, i0, nO, aBuf);
        u32 crc = libdeflate_crc32(0, p->aLen.a + 4 * i0, 4 * nL);
        crc = libdeflate_crc32(crc, p->aSig.a + 8 * i0, 8 * nL);
        aCrc[c] = libdeflate_crc32(crc, aBuf, 8 * nO);
        kqi_wfile_write(p->pDocs, aBuf, 8 * nO);
    }
    *piChunk = p->pDocs->nOff;
    for (u64 c = 0; p->rc == KQ_OK && c < nChunk; c++) {
        kqi_wfile_u32(p->pDocs, aCrc[c]);
    }
    free(aCrc);
    free(aBuf);
}

/* A run of the id scratch file, read RUN_BUF entries at a time. */
typedef struct idRun {
    u64 off;   /* file offset of the next entries to read */
    u64 nLeft; /* entries not yet read */
    u8 a[RUN_BUF * KQI_IDENT_SIZE];
    u32 i, n; /* next entry of a[], entries in a[] */
} idRun;

static int
run_fill(kqi_docw *p, idRun *r)
{
    if (r->i == r->n && r->nLeft > 0) {
        u32 m = r->nLeft < RUN_BUF ? (u32)r->nLeft : RUN_BUF;
        scratch_read(p, p->fdIds, r->off, r->a, (size_t)KQI_IDENT_SIZE * m);
        r->off += (u64)KQI_IDENT_SIZE * m;
        r->nLeft -= m;
        r->i = 0;
        r->n = m;
    }
    return p->rc == KQ_OK && r->i < r->n;
}

/* Write the id table in (idHash, docid) order, returning its CRC32: a
** sort in memory, or a merge of the runs of the scratch file. */
static u32
write_ids(kqi_docw *p)
{
    u32 crc = 0;
    if (p->runs.n == 0) {
        idEnt *a = (idEnt *)p->ids.a;
        qsort(a, p->nDoc, sizeof(idEnt), cmp_ident);
        u8 e[KQI_IDENT_SIZE];
        for (u64 i = 0; i < p->nDoc; i++) {
            ident_put(e, &a[i]);
            crc = libdeflate_crc32(crc, e, sizeof(e));
            kqi_wfile_write(p->pDocs, e, sizeof(e));
        }
        return crc;
    }
    if (p->ids.n > 0) {
        spill_ids(p);
    }
    u64 nRun = p->runs.n / 8;
    idRun *aRun = p->runs.rc ? NULL : calloc(nRun, sizeof(idRun));
    if (aRun == NULL) {
        p->rc = p->rc ? p->rc : KQ_NOMEM;
        return 0;
    }
    u64 off = 0;
    for (u64 k = 0; k < nRun; k++) {
        aRun[k].off = off;
        aRun[k].nLeft = kqi_get_u64(p->runs.a + 8 * k);
        off += (u64)KQI_IDENT_SIZE * aRun[k].nLeft;
    }
    while (p->rc == KQ_OK) {
        /* The smallest next entry over the runs (by idHash, then docid:
        ** docids are unique, so the order is the qsort's). */
        idRun *pMin = NULL;
        u64 hMin = 0;
        u32 dMin = 0;
        for (u64 k = 0; k < nRun; k++) {
            if (!run_fill(p, &aRun[k])) {
                continue;
            }
            const u8 *e = KQI_IDENT_AT(aRun[k].a, aRun[k].i);
            u64 h = KQI_IDENT_HASH(e);
            u32 d = KQI_IDENT_DOCID(e);
            if (pMin == NULL || h < hMin || (h == hMin && d < dMin)) {
                pMin = &aRun[k];
                hMin = h;
                dMin = d;
            }
        }
        if (pMin == NULL) {
            break;
        }
        const u8 *e = pMin->a + KQI_IDENT_SIZE * pMin->i++;
        crc = libdeflate_crc32(crc, e, KQI_IDENT_SIZE);
        kqi_wfile_write(p->pDocs, e, KQI_IDENT_SIZE);
    }
    free(aRun);
    return crc;
}

int
kqi_docw_finish(kqi_docw *p, u64 *pnDoc)
{
    store_flush(p);
    if (!p->bDeferred && !p->bDict) {
        decide_dict(p, 1); /* the segment ended within its first batch */
    }
    /* Deferred: every numbered block must have been put. */
    if (p->rc == KQ_OK && p->blocks.n / 8 != p->nBlock) {
        p->rc = KQ_MISUSE;
    }
    kqi_wfile_write(p->pStore, p->dict.a, p->dict.n);
    u64 iDir = p->pStore->nOff;
    kqi_wfile_write(p->pStore, p->blocks.a, p->blocks.n);
    kqi_wfile_u64(p->pStore, p->blocks.n / 8);
    kqi_wfile_u64(p->pStore, iDir);
    kqi_wfile_u32(p->pStore, (u32)p->dict.n);
    kqi_wfile_u32(p->pStore, libdeflate_crc32(0, p->dict.a, p->dict.n));

    kqi_buf_u64(&p->aOff, p->pDocs->nOff);
    u64 iLen = p->pDocs->nOff;
    u64 iOffs = iLen, iChunk = iLen;
    if (p->aOff.rc || p->aLen.rc || p->aSig.rc || p->ids.rc || p->runs.rc) {
        p->rc = p->rc ? p->rc : KQ_NOMEM;
    }
    if (p->rc == KQ_OK) {
        write_arrays(p, &iOffs, &iChunk);
    }
    u64 iIds = p->pDocs->nOff;
    if (p->rc == KQ_OK && p->nDoc > 0) {
        kqi_wfile_u32(p->pDocs, write_ids(p));
    } else {
        kqi_wfile_u32(p->pDocs, 0);
    }
    u8 t[KQI_DOCS_TRAILER];
    kqi_put_u64(t, p->nDoc);
    kqi_put_u64(t + 8, iLen);
    kqi_put_u64(t + 16, iOffs);
    kqi_put_u64(t + 24, iChunk);
    kqi_put_u64(t + 32, iIds);
    kqi_put_u32(t + 40, libdeflate_crc32(0, t, 40));
    kqi_wfile_write(p->pDocs, t, sizeof(t));

    int rc = p->rc;
    if (rc == KQ_OK &&
        (p->aOff.rc || p->blocks.rc || p->ids.rc || p->runs.rc)) {
        rc = KQ_NOMEM;
    }
    if (rc == KQ_OK) {
        rc = p->pDocs->rc ? p->pDocs->rc : p->pStore->rc;
    }
    if (pnDoc) {
        *pnDoc = p->nDoc;
    }
    kq_buf_free(&p->aLen);
    kq_buf_free(&p->aSig);
    kq_buf_free(&p->aOff);
    kq_buf_free(&p->rec);
    kq_buf_free(&p->text);
    kq_buf_free(&p->z);
    kq_buf_free(&p->out);
    kq_buf_free(&p->blocks);
    kq_buf_free(&p->ids);
    kq_buf_free(&p->runs);
    kq_buf_free(&p->sample);
    kq_buf_free(&p->dict);
    kq_buf_free(&p->pend);
    for (int k = 0; k < DOC_NMETA; k++) {
        kq_buf_free(&p->aMeta[k]);
    }
    if (p->fdOff >= 0) {
        close(p->fdOff);
    }
    if (p->fdIds >= 0) {
        close(p->fdIds);
    }
    ZSTD_freeCCtx(p->pCC);
    ZSTD_freeCDict(p->pCDict);
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
    if (pDocs->n < KQI_HEADER + KQI_DOCS_TRAILER + 8 + 4 + 4 ||
        pStore->n < KQI_HEADER + KQI_STORE_TRAILER) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: too short", pDocs->zPath);
    }
    const u8 *t = pDocs->a + pDocs->n - KQI_DOCS_TRAILER;
    if (libdeflate_crc32(0, t, 40) != kqi_get_u32(t + 40)) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: checksum mismatch in the "
                       "trailer (offset %zu)",
                       pDocs->zPath, pDocs->n - KQI_DOCS_TRAILER);
    }
    u64 nDoc = kqi_get_u64(t), iLen = kqi_get_u64(t + 8);
    u64 iOffs = kqi_get_u64(t + 16), iChunk = kqi_get_u64(t + 24);
    u64 iIds = kqi_get_u64(t + 32);
    u64 nBody = pDocs->n - KQI_DOCS_TRAILER;
    u64 nChunk = nDoc / KQI_DOCS_CHUNK + 1;
    if (nDoc >= KQ_DOCID_EOF || iLen < KQI_HEADER || iLen > nBody ||
        (nBody - iLen) / 20 < nDoc || iOffs != iLen + 12 * nDoc ||
        iChunk != iOffs + 8 * (nDoc + 1) || iIds != iChunk + 4 * nChunk ||
        iIds + (u64)KQI_IDENT_SIZE * nDoc + 4 != nBody) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: bad trailer", pDocs->zPath);
    }
    d->nDoc = (u32)nDoc;
    d->aLen = pDocs->a + iLen;
    d->aSig = pDocs->a + iLen + 4 * nDoc;
    d->aOff = pDocs->a + iOffs;
    d->aChunkCrc = pDocs->a + iChunk;
    d->aIds = pDocs->a + iIds;
    d->nChunk = (u32)nChunk;
    d->nMeta = iLen;

    t = pStore->a + pStore->n - KQI_STORE_TRAILER;
    u64 nEnd = pStore->n - KQI_STORE_TRAILER;
    d->nStoreBlock = kqi_get_u64(t);
    d->iStoreDir = kqi_get_u64(t + 8);
    u32 nDict = kqi_get_u32(t + 16);
    if (d->iStoreDir < KQI_HEADER + (u64)nDict || d->iStoreDir > nEnd ||
        (nEnd - d->iStoreDir) / 8 != d->nStoreBlock ||
        (nEnd - d->iStoreDir) % 8 != 0) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: bad trailer", pStore->zPath);
    }
    d->aDict = pStore->a + d->iStoreDir - nDict;
    d->nDict = nDict;
    d->dictCrc = kqi_get_u32(t + 20);
    /* One flag per chunk, then "a chunk was bad", then "the id table was
    ** checked". */
    d->aOk = calloc(nChunk + 2, 1);
    return d->aOk ? KQ_OK : KQ_NOMEM;
}

int
kqi_docs_dict_check(const kqi_docs *d, char **pzErr)
{
    if (libdeflate_crc32(0, d->aDict, d->nDict) != d->dictCrc) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: checksum mismatch in the dictionary (offset "
                       "%llu)",
                       d->pStore->zPath,
                       (unsigned long long)(d->iStoreDir - d->nDict));
    }
    return KQ_OK;
}

void
kqi_docs_close(kqi_docs *d)
{
    free(d->aOk);
    d->aOk = NULL;
}

/* Verify chunk c of doclen[], sig[] and metaOff[] against its checksum
** (once per open index: the files never change).  aOk[c]: 0 unknown, 1
** good, 2 bad; a bad chunk also sets aOk[nChunk], which the search
** reports.  Relaxed atomics: two threads searching one index may race to
** check a chunk. */
int
kqi_docs_verify(const kqi_docs *d, u32 c)
{
    u8 e = __atomic_load_n(&d->aOk[c], __ATOMIC_RELAXED);
    if (e == 0) {
        u64 i0 = (u64)c * KQI_DOCS_CHUNK;
        u64 nL = d->nDoc - i0 < KQI_DOCS_CHUNK ? d->nDoc - i0 : KQI_DOCS_CHUNK;
        u64 nO = d->nDoc + 1 - i0 < KQI_DOCS_CHUNK ? d->nDoc + 1 - i0
                                                   : KQI_DOCS_CHUNK;
        u32 crc = libdeflate_crc32(0, d->aLen + 4 * i0, 4 * nL);
        crc = libdeflate_crc32(crc, d->aSig + 8 * i0, 8 * nL);
        crc = libdeflate_crc32(crc, d->aOff + 8 * i0, 8 * nO);
        e = crc == kqi_get_u32(d->aChunkCrc + 4 * (size_t)c) ? 1 : 2;
        __atomic_store_n(&d->aOk[c], e, __ATOMIC_RELAXED);
        if (e == 2) {
            __atomic_store_n(&d->aOk[d->nChunk], 1, __ATOMIC_RELAXED);
        }
    }
    return e == 1 ? KQ_OK : KQ_CORRUPT;
}

/* Record of document i: [*pA, *pEnd), its checksum verified and removed. */
static int
docs_record(const kqi_docs *d, u32 i, const u8 **pA, const u8 **pEnd)
{
    if (i >= d->nDoc) {
        return KQ_NOTFOUND;
    }
    if (kqi_docs_verify(d, i / KQI_DOCS_CHUNK) ||
        kqi_docs_verify(d, (i + 1) / KQI_DOCS_CHUNK)) {
        return KQ_CORRUPT;
    }
    u64 a = kqi_get_u64(d->aOff + 8 * (size_t)i);
    u64 b = kqi_get_u64(d->aOff + 8 * ((size_t)i + 1));
    if (a < KQI_HEADER || a > b || b - a < 4 || b > d->nMeta) {
        return KQ_CORRUPT;
    }
    if (libdeflate_crc32(0, d->pDocs->a + a, b - a - 4) !=
        kqi_get_u32(d->pDocs->a + b - 4)) {
        return KQ_CORRUPT;
    }
    *pA = d->pDocs->a + a;
    *pEnd = d->pDocs->a + b - 4;
    return KQ_OK;
}

int
kqi_docs_ids_check(const kqi_docs *d, char **pzErr)
{
    /* Checked on first use (aOk[nChunk + 1]). */
    if (!d->aOk[d->nChunk + 1]) {
        u32 crc = libdeflate_crc32(0, d->aIds,
                                   (size_t)KQI_IDENT_SIZE * d->nDoc);
        if (crc != kqi_get_u32(d->aIds + (size_t)KQI_IDENT_SIZE * d->nDoc)) {
            return kqi_err(pzErr, KQ_CORRUPT,
                           "%s: checksum mismatch in the id table",
                           d->pDocs->zPath);
        }
        d->aOk[d->nChunk + 1] = 1;
    }
    return KQ_OK;
}

int
kqi_docs_find(const kqi_docs *d, const char *zId, size_t nId, u64 idHash,
              const u8 *aDel, u32 *piDoc, u64 *pContent, char **pzErr)
{
    int rc0 = kqi_docs_ids_check(d, pzErr);
    if (rc0) {
        return rc0;
    }
    /* The first entry with a hash >= idHash. */
    u32 lo = 0, hi = d->nDoc;
    while (lo < hi) {
        u32 mid = lo + (hi - lo) / 2;
        if (KQI_IDENT_HASH(KQI_IDENT_AT(d->aIds, mid)) < idHash) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (; lo < d->nDoc; lo++) {
        const u8 *e = KQI_IDENT_AT(d->aIds, lo);
        if (KQI_IDENT_HASH(e) != idHash) {
            break;
        }
        u32 iDoc = KQI_IDENT_DOCID(e);
        if (iDoc >= d->nDoc) {
            return kqi_err(pzErr, KQ_CORRUPT, "%s: bad id table",
                           d->pDocs->zPath);
        }
        if (aDel && (aDel[iDoc >> 3] >> (iDoc & 7) & 1)) {
            continue; /* a deleted or replaced version */
        }
        kqi_docrec info;
        int rc = kqi_docs_info(d, iDoc, &info, pzErr);
        if (rc) {
            return rc;
        }
        if (info.nId == nId && memcmp(info.zId, zId, nId) == 0) {
            *piDoc = iDoc;
            *pContent = KQI_IDENT_CONTENT(e);
            return KQ_OK;
        }
    }
    return KQ_NOTFOUND;
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

/* Meta field k of record i at *pp: its value (*pz, *pn), from the record
** it refers to if it does (which must hold it: references do not
** chain). */
static int
get_meta(const kqi_docs *d, u32 i, int k, const u8 **pp, const u8 *end,
         const char **pz, size_t *pn)
{
    u64 v;
    if (kqi_varint_get(pp, end, &v)) {
        return KQ_CORRUPT;
    }
    if ((v & 1) == 0) {
        if (v / 2 > (u64)(end - *pp)) {
            return KQ_CORRUPT;
        }
        *pz = (const char *)*pp;
        *pn = (size_t)(v / 2);
        *pp += v / 2;
        return KQ_OK;
    }
    if (v / 2 >= i) {
        return KQ_CORRUPT;
    }
    u32 j = i - 1 - (u32)(v / 2);
    const u8 *q, *qEnd;
    const char *z;
    size_t n;
    if (docs_record(d, j, &q, &qEnd) || get_str(&q, qEnd, &z, &n)) {
        return KQ_CORRUPT;
    }
    for (int f = 0; f <= k; f++) {
        if (kqi_varint_get(&q, qEnd, &v) || ((v & 1) && f == k) ||
            ((v & 1) == 0 && v / 2 > (u64)(qEnd - q))) {
            return KQ_CORRUPT;
        }
        if ((v & 1) == 0) {
            *pz = (const char *)q;
            *pn = (size_t)(v / 2);
            q += v / 2;
        }
    }
    return KQ_OK;
}

/* Step *pp over a meta field. */
static int
skip_meta(const u8 **pp, const u8 *end)
{
    u64 v;
    if (kqi_varint_get(pp, end, &v) ||
        ((v & 1) == 0 && v / 2 > (u64)(end - *pp))) {
        return KQ_CORRUPT;
    }
    *pp += (v & 1) ? 0 : v / 2;
    return KQ_OK;
}

int
kqi_docs_info(const kqi_docs *d, u32 i, kqi_docrec *pOut, char **pzErr)
{
    const u8 *p, *end;
    int rc = docs_record(d, i, &p, &end);
    if (rc == KQ_OK) {
        if (get_str(&p, end, &pOut->zId, &pOut->nId) ||
            get_meta(d, i, 0, &p, end, &pOut->zTitle, &pOut->nTitle) ||
            get_meta(d, i, 1, &p, end, &pOut->zDate, &pOut->nDate) ||
            get_meta(d, i, 2, &p, end, &pOut->zSource, &pOut->nSource)) {
            rc = KQ_CORRUPT;
        }
        u64 v;
        pOut->nField = 0;
        pOut->pField = NULL;
        pOut->nFieldByte = 0;
        for (int k = 0; rc == KQ_OK && k < 3; k++) {
            if (kqi_varint_get(&p, end, &v)) {
                rc = KQ_CORRUPT;
            }
        }
        if (rc == KQ_OK && p < end) {
            pOut->pField = p;
            pOut->nFieldByte = (size_t)(end - p);
            if (kqi_fields_count(p, pOut->nFieldByte, &pOut->nField)) {
                rc = KQ_CORRUPT;
            }
        }
        pOut->nLen = kqi_docs_len(d, i);
        pOut->nSig = kqi_docs_sig(d, i);
    }
    if (rc == KQ_CORRUPT) {
        return kqi_err(pzErr, rc, "%s: bad record for document %u",
                       d->pDocs->zPath, i);
    }
    return rc;
}

/* Where document i's text lies: its store block, offset and length;
** KQ_CORRUPT for a bad record. */
static int
text_loc(const kqi_docs *d, u32 i, u64 *piBlock, u64 *piOff, u64 *pnLen)
{
    const u8 *p, *end;
    const char *z;
    size_t n;
    int rc = docs_record(d, i, &p, &end);
    if (rc) {
        return rc;
    }
    if (get_str(&p, end, &z, &n)) {
        return KQ_CORRUPT;
    }
    for (int k = 0; k < DOC_NMETA; k++) {
        if (skip_meta(&p, end)) {
            return KQ_CORRUPT;
        }
    }
    /* (Extra fields may follow; kqi_docs_info reads them.) */
    if (kqi_varint_get(&p, end, piBlock) || kqi_varint_get(&p, end, piOff) ||
        kqi_varint_get(&p, end, pnLen)) {
        return KQ_CORRUPT;
    }
    return KQ_OK;
}

/* Decompress store block iBlock into *paRaw (malloc()ed, nRaw + 1 bytes)
** and check its CRC, with the decompressor *ppD (made if NULL; ppD NULL:
** one for this block only).  The caller checks that [iOff, iOff + nLen)
** fits. */
static int
store_block(const kqi_docs *d, u64 iBlock, ZSTD_DCtx **ppD, u8 **paRaw,
            u32 *pnRaw, char **pzErr)
{
    const kqi_map *m = d->pStore;
    *paRaw = NULL;
    if (iBlock >= d->nStoreBlock) {
        return KQ_CORRUPT;
    }
    /* Blocks end where the dictionary starts. */
    u64 iEnd = d->iStoreDir - d->nDict;
    u64 off = kqi_get_u64(m->a + d->iStoreDir + 8 * iBlock);
    if (off < KQI_HEADER || off > iEnd || iEnd - off < KQI_STORE_BLKHDR) {
        return KQ_CORRUPT;
    }
    const u8 *h = m->a + off;
    u32 nRaw = kqi_get_u32(h + 1), crc = kqi_get_u32(h + 5);
    u32 nStored = kqi_get_u32(h + 9);
    /* nRaw is not trusted before the block's CRC is checked, which needs
    ** the block decompressed: bound it by what nStored bytes can hold, so
    ** a damaged header cannot ask for 4 GB. */
    if (h[0] > 1 || nStored > iEnd - off - KQI_STORE_BLKHDR ||
        (h[0] == 0 && nRaw != nStored) ||
        (h[0] == 1 && (u64)nRaw > (u64)nStored * ZSTD_MAX_RATIO)) {
        return KQ_CORRUPT;
    }
    u8 *aRaw = malloc((size_t)nRaw + 1);
    if (aRaw == NULL) {
        return KQ_NOMEM;
    }
    if (h[0] == 1) {
        ZSTD_DCtx *pOne = NULL;
        ZSTD_DCtx **pp = ppD ? ppD : &pOne;
        if (*pp == NULL) {
            *pp = ZSTD_createDCtx();
        }
        ZSTD_DCtx *pD = *pp;
        /* (By reference, a raw-content dictionary costs nothing to load.) */
        size_t r = pD ? ZSTD_DCtx_loadDictionary_advanced(
                            pD, d->aDict, d->nDict, ZSTD_dlm_byRef,
                            ZSTD_dct_rawContent)
                      : 0;
        if (pD && !ZSTD_isError(r)) {
            r = ZSTD_decompressDCtx(pD, aRaw, nRaw, h + KQI_STORE_BLKHDR,
                                    nStored);
        }
        ZSTD_freeDCtx(pOne);
        if (pD == NULL) {
            free(aRaw);
            return KQ_NOMEM;
        }
        if (ZSTD_isError(r) || r != nRaw) {
            free(aRaw);
            return KQ_CORRUPT;
        }
    } else {
        memcpy(aRaw, h + KQI_STORE_BLKHDR, nRaw);
    }
    if (libdeflate_crc32(0, aRaw, nRaw) != crc) {
        free(aRaw);
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: checksum mismatch in text block %llu", m->zPath,
                       (unsigned long long)iBlock);
    }
    *paRaw = aRaw;
    *pnRaw = nRaw;
    return KQ_OK;
}

static int
text_err(const kqi_docs *d, u32 i, int rc, char **pzErr)
{
    if (rc == KQ_CORRUPT && (pzErr == NULL || *pzErr == NULL)) {
        return kqi_err(pzErr, rc, "%s: bad stored text for document %u",
                       d->pStore->zPath, i);
    }
    return rc;
}

int
kqi_docs_text(const kqi_docs *d, u32 i, char **pz, size_t *pn, char **pzErr)
{
    u64 iBlock, iOff, nLen;
    *pz = NULL;
    *pn = 0;
    int rc = text_loc(d, i, &iBlock, &iOff, &nLen);
    if (rc) {
        return text_err(d, i, rc, pzErr);
    }
    if (nLen == 0) {
        *pz = malloc(1);
        if (*pz == NULL) {
            return KQ_NOMEM;
        }
        (*pz)[0] = 0;
        return KQ_OK;
    }
    u8 *aRaw;
    u32 nRaw;
    rc = store_block(d, iBlock, NULL, &aRaw, &nRaw, pzErr);
    if (rc == KQ_OK && (iOff > nRaw || nLen > nRaw - iOff)) {
        free(aRaw);
        rc = KQ_CORRUPT;
    }
    if (rc) {
        return text_err(d, i, rc, pzErr);
    }
    memmove(aRaw, aRaw + iOff, nLen);
    aRaw[nLen] = 0;
    *pz = (char *)aRaw;
    *pn = nLen;
    return KQ_OK;
}

int
kqi_docs_text_ref(const kqi_docs *d, u32 i, kqi_textcache *pCache,
                  const char **pz, size_t *pn, char **pzErr)
{
    u64 iBlock, iOff, nLen;
    *pz = "";
    *pn = 0;
    int rc = text_loc(d, i, &iBlock, &iOff, &nLen);
    if (rc) {
        return text_err(d, i, rc, pzErr);
    }
    if (nLen == 0) {
        return KQ_OK;
    }
    if (pCache->a == NULL || pCache->iBlock != iBlock || pCache->d != d) {
        free(pCache->a);
        pCache->a = NULL;
        u8 *aRaw;
        u32 nRaw;
        rc = store_block(d, iBlock, &pCache->pD, &aRaw, &nRaw, pzErr);
        if (rc) {
            return text_err(d, i, rc, pzErr);
        }
        pCache->a = aRaw;
        pCache->n = nRaw;
        pCache->iBlock = iBlock;
        pCache->d = d;
    }
    if (iOff > pCache->n || nLen > pCache->n - iOff) {
        return text_err(d, i, KQ_CORRUPT, pzErr);
    }
    *pz = (const char *)pCache->a + iOff;
    *pn = (size_t)nLen;
    return KQ_OK;
}

void
kqi_textcache_clear(kqi_textcache *p)
{
    free(p->a);
    ZSTD_freeDCtx(p->pD);
    memset(p, 0, sizeof(*p));
}
