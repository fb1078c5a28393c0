/*
** segment.c -- opening one immutable segment: its five files mapped
** read-only, sizes checked against the manifest, headers and trailers
** checked, and its deletions (deletes.c) mapped and verified.  Nothing is
** read beyond headers and trailers here; posting lists, dictionary blocks
** and records are touched when a query needs them.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>

int
kqi_segment_open(kqi_segment *s, const char *zDir, const kqi_segmeta *m,
                 char **pzErr)
{
    memset(s, 0, sizeof(*s));
    s->meta = *m;
    for (int f = 0; f < KQI_NFILE; f++) {
        char *zPath = kqi_seg_path(zDir, m->iSeg, f);
        if (zPath == NULL) {
            return KQ_NOMEM;
        }
        int rc = kqi_map_open(&s->aMap[f], zPath, pzErr);
        free(zPath);
        if (rc) {
            /* A file the manifest lists is missing: the index is damaged. */
            return rc == KQ_NOTFOUND ? KQ_CORRUPT : rc;
        }
        if (s->aMap[f].n != m->aSize[f]) {
            return kqi_err(pzErr, KQ_CORRUPT,
                           "%s: size %zu, the manifest says %llu",
                           s->aMap[f].zPath, s->aMap[f].n,
                           (unsigned long long)m->aSize[f]);
        }
    }
    int rc = kqi_header_check(&s->aMap[KQI_F_POST], KQI_FT_POST, pzErr);
    if (rc == KQ_OK) {
        rc = kqi_header_check(&s->aMap[KQI_F_POS], KQI_FT_POS, pzErr);
    }
    if (rc == KQ_OK) {
        rc = kqi_dict_open(&s->dict, &s->aMap[KQI_F_DICT], pzErr);
    }
    if (rc == KQ_OK) {
        rc = kqi_docs_open(&s->docs, &s->aMap[KQI_F_DOCS],
                           &s->aMap[KQI_F_STORE], pzErr);
    }
    if (rc == KQ_OK) {
        rc = kqi_del_open(&s->delMap, zDir, m, &s->aDel, pzErr);
    }
    if (rc == KQ_OK && (s->docs.nDoc != m->nDoc || s->dict.nKey != m->nKey)) {
        rc = kqi_err(pzErr, KQ_CORRUPT,
                     "%s: segment %u does not match the manifest",
                     s->aMap[KQI_F_DOCS].zPath, m->iSeg);
    }
    return rc;
}

void
kqi_segment_close(kqi_segment *s)
{
    for (int f = 0; f < KQI_NFILE; f++) {
        kqi_map_close(&s->aMap[f]);
    }
    kqi_map_close(&s->delMap);
    kqi_docs_close(&s->docs);
}
