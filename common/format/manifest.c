/*
** manifest.c -- kq.manifest, the file that says what the index is.
**
** An index is a directory holding kq.manifest and the files of its
** segments, seg<N>.{dict,post,pos,docs,store}.  Segments are immutable; a
** commit writes new segment files, fsyncs them, then writes a new manifest
** under a temporary name, fsyncs it and renames it over kq.manifest (and
** fsyncs the directory).  The rename is the commit point: a reader sees the
** old generation or the new one, never a mixture.
**
** Format:
**     header (16 bytes, fileio.c), file type KQI_FT_MANIFEST
**     u64: generation (1 for the first commit, +1 for each next one)
**     u32: length of the language name, then the name (< KQI_MAX_LANG,
**          32 bytes, without a NUL)
**     u32: title weight W (1..16): for BM25F a title word counts W times,
**          in its term frequency and in the document's length (kq_int.h)
**     u32: number of segments
**     per segment, in docid order (a segment's documents follow those of
**     the segments before it):
**         u32: segment number N (file names seg<N>.*)
**         u32: documents
**         u64: tokens
**         u64: dictionary keys (the .dict trailer's count)
**         5 x { u64: file size, u32: CRC32 of the file }
**             for .dict .post .pos .docs .store, in that order
**         u64: deletions generation G (0: none; the file is seg<N>-<G>.del,
**              deletes.c)
**         u32: documents deleted
**         u64: tokens of the deleted documents
**         u64: size of the .del file, u32: its CRC32
**     u32: CRC32 of every byte before it
**
** Collection statistics for ranking (documents, tokens) are the sums over
** the segments, less the deleted documents.  File sizes are checked when
** a segment is opened; the CRC32 of whole files by `kq --check` (a query
** touches only what it needs).
*/
#include "kq_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

#define SEG_RECORD (4 + 4 + 8 + 8 + KQI_NFILE * 12 + 8 + 4 + 8 + 8 + 4)

const char *const kqi_file_ext[KQI_NFILE] = {"dict", "post", "pos", "docs",
                                             "store"};

char *
kqi_seg_path(const char *zDir, u32 iSeg, int iFile)
{
    return kq_mprintf("%s/seg%06u.%s", zDir, iSeg, kqi_file_ext[iFile]);
}

void
kqi_manifest_clear(kqi_manifest *p)
{
    free(p->aSeg);
    memset(p, 0, sizeof(*p));
}

int
kqi_manifest_read(const char *zDir, kqi_manifest *pOut, char **pzErr)
{
    memset(pOut, 0, sizeof(*pOut));
    char *zPath = kq_mprintf("%s/%s", zDir, KQI_MANIFEST);
    if (zPath == NULL) {
        return KQ_NOMEM;
    }
    kqi_map m;
    int rc = kqi_map_open(&m, zPath, pzErr);
    free(zPath);
    if (rc) {
        kqi_map_close(&m);
        return rc;
    }
    /* The checksum first (it covers the header too): nothing is trusted
    ** before it, and a damaged version number is damage, not a format
    ** this kq does not read. */
    if (m.n < KQI_HEADER + 8 + 4 + 4 + 4 + 4) {
        rc = kqi_header_check(&m, KQI_FT_MANIFEST, pzErr);
        if (rc == KQ_OK) {
            goto corrupt;
        }
        goto out;
    }
    const u8 *p = m.a + KQI_HEADER;
    const u8 *end = m.a + m.n;
    if (libdeflate_crc32(0, m.a, m.n - 4) != kqi_get_u32(end - 4)) {
        rc = kqi_err(pzErr, KQ_CORRUPT, "%s: checksum mismatch", m.zPath);
        goto out;
    }
    rc = kqi_header_check(&m, KQI_FT_MANIFEST, pzErr);
    if (rc) {
        goto out;
    }
    end -= 4;
    pOut->nGeneration = kqi_get_u64(p);
    p += 8;
    u32 nLang = kqi_get_u32(p);
    p += 4;
    if (nLang == 0 || (size_t)(end - p) < (size_t)nLang + 8 ||
        kqi_lang_name((const char *)p, nLang, pOut->zLang) != KQ_OK) {
        goto corrupt;
    }
    p += nLang;
    pOut->nTitleWeight = kqi_get_u32(p);
    p += 4;
    if (pOut->nTitleWeight < 1 || pOut->nTitleWeight > KQI_MAX_TITLE_WEIGHT) {
        goto corrupt;
    }
    pOut->nSeg = kqi_get_u32(p);
    p += 4;
    if (pOut->nSeg > KQ_MAX_SEGMENTS ||
        (size_t)(end - p) != (size_t)pOut->nSeg * SEG_RECORD) {
        goto corrupt;
    }
    pOut->aSeg = calloc(pOut->nSeg ? pOut->nSeg : 1, sizeof(kqi_segmeta));
    if (pOut->aSeg == NULL) {
        rc = KQ_NOMEM;
        goto out;
    }
    u64 nDocAll = 0;
    for (u32 i = 0; i < pOut->nSeg; i++) {
        kqi_segmeta *s = &pOut->aSeg[i];
        s->iSeg = kqi_get_u32(p);
        s->nDoc = kqi_get_u32(p + 4);
        s->nToken = kqi_get_u64(p + 8);
        s->nKey = kqi_get_u64(p + 16);
        p += 24;
        for (int f = 0; f < KQI_NFILE; f++) {
            s->aSize[f] = kqi_get_u64(p);
            s->aCrc[f] = kqi_get_u32(p + 8);
            p += 12;
        }
        s->delGen = kqi_get_u64(p);
        s->nDel = kqi_get_u32(p + 8);
        s->nDelToken = kqi_get_u64(p + 12);
        s->delSize = kqi_get_u64(p + 20);
        s->delCrc = kqi_get_u32(p + 28);
        p += 32;
        if (s->nDel > s->nDoc || s->nDelToken > s->nToken ||
            (s->delGen == 0) != (s->nDel == 0)) {
            goto corrupt;
        }
        nDocAll += s->nDoc;
        if (nDocAll >= KQ_DOCID_EOF) {
            goto corrupt;
        }
    }
    goto out;

corrupt:
    rc = kqi_err(pzErr, KQ_CORRUPT, "%s: damaged manifest", m.zPath);
out:
    if (rc) {
        kqi_manifest_clear(pOut);
    }
    kqi_map_close(&m);
    return rc;
}

int
kqi_manifest_write(const char *zDir, const kqi_manifest *p, char **pzErr)
{
    kq_buf b = {0};
    /* A manifest past the cap would be refused by every reader as damaged
    ** (kqi_manifest_read), so it is never written. */
    if (p->nSeg > KQ_MAX_SEGMENTS) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "%s: the index would have %u "
                       "segments, more than %d: compact it (kq-index "
                       "compact), then index again",
                       zDir, p->nSeg, KQ_MAX_SEGMENTS);
    }
    kqi_buf_u64(&b, p->nGeneration);
    size_t nLang = strlen(p->zLang);
    kqi_buf_u32(&b, (u32)nLang);
    kq_buf_append(&b, p->zLang, nLang);
    kqi_buf_u32(&b, p->nTitleWeight);
    kqi_buf_u32(&b, p->nSeg);
    for (u32 i = 0; i < p->nSeg; i++) {
        const kqi_segmeta *s = &p->aSeg[i];
        kqi_buf_u32(&b, s->iSeg);
        kqi_buf_u32(&b, s->nDoc);
        kqi_buf_u64(&b, s->nToken);
        kqi_buf_u64(&b, s->nKey);
        for (int f = 0; f < KQI_NFILE; f++) {
            kqi_buf_u64(&b, s->aSize[f]);
            kqi_buf_u32(&b, s->aCrc[f]);
        }
        kqi_buf_u64(&b, s->delGen);
        kqi_buf_u32(&b, s->nDel);
        kqi_buf_u64(&b, s->nDelToken);
        kqi_buf_u64(&b, s->delSize);
        kqi_buf_u32(&b, s->delCrc);
    }
    if (b.rc) {
        kq_buf_free(&b);
        return KQ_NOMEM;
    }
    char *zTmp = kq_mprintf("%s/%s.tmp", zDir, KQI_MANIFEST);
    char *zFinal = kq_mprintf("%s/%s", zDir, KQI_MANIFEST);
    int rc = KQ_NOMEM;
    if (zTmp && zFinal) {
        kqi_wfile f;
        kqi_wfile_open(&f, zTmp);
        kqi_header_write(&f, KQI_FT_MANIFEST);
        kqi_wfile_write(&f, b.a, b.n);
        kqi_wfile_u32(&f, f.crc);
        rc = kqi_wfile_close(&f, pzErr);
        if (rc == KQ_OK && rename(zTmp, zFinal) != 0) {
            rc = kqi_err(pzErr, KQ_IOERR, "%s: cannot rename: %s", zTmp,
                         strerror(errno));
        }
        if (rc == KQ_OK) {
            rc = kqi_fsync_dir(zDir, pzErr);
        } else {
            unlink(zTmp);
        }
    }
    free(zTmp);
    free(zFinal);
    kq_buf_free(&b);
    return rc;
}
