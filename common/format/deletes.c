/*
** deletes.c -- which documents of a segment are deleted.
**
** Segments never change once written, so deleting a document (kq-index rm,
** or replacing it with a new version) marks it in a bitmap beside its
** segment.  Each commit that changes a segment's deletions writes the whole
** bitmap again under a new name, seg<N>-<G>.del with G the generation of
** the commit, and the manifest names the current file with its size and
** CRC32: a reader of an older generation keeps the file it opened, and a
** crash before the manifest's rename leaves only an orphan (removed by the
** next writer).  Deleted documents still take their docids and postings
** until a merge (merge.c) copies the segment without them.
**
** Format:
**     header (16 bytes, fileio.c), file type KQI_FT_DEL
**     u32: documents in the segment (nDoc)
**     bitmap, (nDoc + 7) / 8 bytes: bit i % 8 of byte i / 8 set if
**         document i is deleted
**     u32: CRC32 of every byte before it
**
** The whole file is used by every search of its segment, so it is checked
** whole when the index is opened.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libdeflate.h>

char *
kqi_del_path(const char *zDir, u32 iSeg, u64 iGen)
{
    return kq_mprintf("%s/seg%06u-%llu.del", zDir, iSeg,
                      (unsigned long long)iGen);
}

int
kqi_del_write(const char *zDir, kqi_segmeta *pMeta, u64 iGen, const u8 *aBits,
              char **pzErr)
{
    char *zPath = kqi_del_path(zDir, pMeta->iSeg, iGen);
    if (zPath == NULL) {
        return KQ_NOMEM;
    }
    kqi_wfile f;
    kqi_wfile_open(&f, zPath);
    kqi_header_write(&f, KQI_FT_DEL);
    kqi_wfile_u32(&f, pMeta->nDoc);
    kqi_wfile_write(&f, aBits, ((size_t)pMeta->nDoc + 7) / 8);
    u32 crc = f.crc; /* the manifest keeps the CRC the file ends with */
    kqi_wfile_u32(&f, crc);
    u64 nSize = f.nOff;
    int rc = kqi_wfile_close(&f, pzErr);
    if (rc == KQ_OK) {
        pMeta->delGen = iGen;
        pMeta->delSize = nSize;
        pMeta->delCrc = crc;
    } else {
        unlink(zPath);
    }
    free(zPath);
    return rc;
}

int
kqi_del_open(kqi_map *pMap, const char *zDir, const kqi_segmeta *m,
             const u8 **paBits, char **pzErr)
{
    *paBits = NULL;
    memset(pMap, 0, sizeof(*pMap));
    if (m->delGen == 0) {
        return KQ_OK;
    }
    char *zPath = kqi_del_path(zDir, m->iSeg, m->delGen);
    if (zPath == NULL) {
        return KQ_NOMEM;
    }
    int rc = kqi_map_open(pMap, zPath, pzErr);
    free(zPath);
    if (rc) {
        return rc == KQ_NOTFOUND ? KQ_CORRUPT : rc;
    }
    size_t nBits = ((size_t)m->nDoc + 7) / 8;
    if (pMap->n != m->delSize || pMap->n != KQI_HEADER + 4 + nBits + 4) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: size %zu, the manifest says "
                       "%llu",
                       pMap->zPath, pMap->n, (unsigned long long)m->delSize);
    }
    rc = kqi_header_check(pMap, KQI_FT_DEL, pzErr);
    if (rc) {
        return rc;
    }
    u32 crc = libdeflate_crc32(0, pMap->a, pMap->n - 4);
    if (crc != kqi_get_u32(pMap->a + pMap->n - 4) || crc != m->delCrc) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: checksum mismatch",
                       pMap->zPath);
    }
    if (kqi_get_u32(pMap->a + KQI_HEADER) != m->nDoc) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: wrong number of documents",
                       pMap->zPath);
    }
    const u8 *a = pMap->a + KQI_HEADER + 4;
    u64 nSet = 0;
    for (size_t i = 0; i < nBits; i++) {
        nSet += (u64)__builtin_popcount(a[i]);
    }
    if (nSet != m->nDel || (m->nDoc % 8 && a[nBits - 1] >> (m->nDoc % 8))) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: %llu documents deleted, the "
                       "manifest says %u",
                       pMap->zPath, (unsigned long long)nSet, m->nDel);
    }
    *paBits = a;
    return KQ_OK;
}
