/*
** lists.c -- the three term files of a segment (.dict, .post, .pos),
** written together: the dictionary (dict.c) records where each term's
** posting list (postings.c) lies in the other two.  Used by the writer for
** runs and segments, and by the merge.
*/
#include "kq_int.h"

#include <string.h>

int
kqi_listw_open(kqi_listw *w, char *const azPath[3])
{
    memset(w, 0, sizeof(*w));
    for (int f = 0; f < 3; f++) {
        kqi_wfile_open(&w->aF[f], azPath[f]);
    }
    kqi_header_write(&w->aF[1], KQI_FT_POST);
    kqi_header_write(&w->aF[2], KQI_FT_POS);
    int rc = kqi_dictw_new(&w->aF[0], &w->pDict);
    if (rc == KQ_OK) {
        rc = kqi_plw_new(&w->aF[1], &w->aF[2], &w->pPost);
    }
    return rc;
}

int
kqi_listw_close(kqi_listw *w, int rc, kqi_segmeta *pMeta, u64 *pnTerm,
                char **pzErr)
{
    if (w->pDict) {
        u64 nEntry;
        int rc2 = kqi_dictw_finish(w->pDict, &nEntry, pnTerm);
        if (pMeta) {
            pMeta->nKey = nEntry;
        }
        if (rc == KQ_OK) {
            rc = rc2;
        }
        w->pDict = NULL;
    }
    kqi_plw_free(w->pPost);
    w->pPost = NULL;
    for (int f = 0; f < 3; f++) {
        if (pMeta) {
            /* KQI_F_DICT, KQI_F_POST, KQI_F_POS are 0, 1, 2. */
            pMeta->aSize[f] = w->aF[f].nOff;
            pMeta->aCrc[f] = w->aF[f].crc;
        }
        int rc2 = kqi_wfile_close(&w->aF[f], pzErr);
        if (rc == KQ_OK) {
            rc = rc2;
        }
    }
    return rc;
}
