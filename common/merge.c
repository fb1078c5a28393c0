/*
** merge.c -- k-way merge of sorted runs (dict/post/pos triples) into one.
**
** The writer's inverters spill their in-memory tables as runs when they
** reach their memory budget.  Merging is a k-way merge of the runs'
** dictionaries by term, and for a term present in several runs, a k-way
** merge of its lists by docid (one inverter's runs cover increasing docids,
** but parallel inverters take turns at batches of documents, so their runs
** interleave).  Postings stream through cursors and a list writer one block
** at a time, so memory stays small whatever the lists' lengths.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct mrun {
    kqi_map aMap[3];
    kqi_dict dict;
    kqi_dictit it;
    int bDone;
    u64 nReleased;       /* .post bytes already dropped from memory */
    size_t nDictReleased;   /* .dict bytes likewise */
} mrun;

/* Runs are read front to back once; what is behind us need not stay in
** the process's memory (it would count against the indexer's budget). */
#define RELEASE_STEP (1u << 18)

static void
release_consumed(mrun *r)
{
    u64 nPost = r->it.loc.postOff;
    if (nPost >= r->nReleased + RELEASE_STEP) {
        kqi_map_release(&r->aMap[1], (size_t)nPost);
        /* Positions lag behind the postings in the same proportion. */
        kqi_map_release(&r->aMap[2], (size_t)r->it.loc.posOff);
        r->nReleased = nPost;
    }
    /* And the dictionary, read front to back as well (with many runs of a
    ** large vocabulary, their dictionaries were most of the merge's
    ** memory). */
    if (r->it.p && r->aMap[0].a && r->it.p > r->aMap[0].a) {
        size_t nDict = (size_t)(r->it.p - r->aMap[0].a);
        if (nDict >= r->nDictReleased + RELEASE_STEP) {
            kqi_map_release(&r->aMap[0], nDict);
            r->nDictReleased = nDict;
        }
    }
}

static int
term_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    int c = memcmp(a, b, n);
    return c ? c : (na < nb ? -1 : (na > nb));
}

int
kqi_merge_runs(char *const *azRun, u32 nRun, u32 nDoc, const u8 *aLen,
               char *const azOut[3], kqi_segmeta *pMeta, u64 *pnTerm,
               char **pzErr)
{
    mrun *a = calloc(nRun, sizeof(mrun));
    kqi_plc **aCur = calloc(nRun, sizeof(kqi_plc *));
    u32 *aRunOf = calloc(nRun, sizeof(u32));
    if (a == NULL || aCur == NULL || aRunOf == NULL) {
        free(a);
        free(aCur);
        free(aRunOf);
        return KQ_NOMEM;
    }
    int rc = KQ_OK;
    for (u32 i = 0; rc == KQ_OK && i < nRun; i++) {
        for (int f = 0; rc == KQ_OK && f < 3; f++) {
            rc = kqi_map_open(&a[i].aMap[f], azRun[3 * i + f], pzErr);
        }
        if (rc == KQ_OK) {
            rc = kqi_dict_open(&a[i].dict, &a[i].aMap[0], pzErr);
        }
        if (rc == KQ_OK) {
            rc = kqi_dictit_start(&a[i].it, &a[i].dict, "", 0, pzErr);
            if (rc == KQ_OK) {
                rc = kqi_dictit_next(&a[i].it, pzErr);
            }
            if (rc == KQ_DONE) {
                a[i].bDone = 1;
                rc = KQ_OK;
            }
        }
    }

    kqi_listw lw;
    int rcOpen = kqi_listw_open(&lw, azOut);
    if (rc == KQ_OK) {
        rc = rcOpen;
    }
    kqi_dictw *pDw = lw.pDict;
    kqi_plw *pPw = lw.pPost;
    if (pPw) {
        kqi_plw_set_doclens(pPw, aLen, nDoc);
    }
    while (rc == KQ_OK) {
        /* The smallest current term over the runs. */
        int iMin = -1;
        for (u32 i = 0; i < nRun; i++) {
            if (!a[i].bDone &&
                (iMin < 0 || term_cmp(a[i].it.aTerm, a[i].it.nTerm,
                                      a[iMin].it.aTerm, a[iMin].it.nTerm) < 0)) {
                iMin = (int)i;
            }
        }
        if (iMin < 0) {
            break;
        }
        char aTerm[KQI_MAX_KEY + 1];
        size_t nTerm = a[iMin].it.nTerm;
        memcpy(aTerm, a[iMin].it.aTerm, nTerm);
        if (a[iMin].it.loc.df == 0) {
            /* A vocabulary entry: the same in every run that has it. */
            rc = kqi_dictw_add(pDw, aTerm, nTerm, NULL, a[iMin].it.aStem,
                               a[iMin].it.nStem);
            for (u32 i = 0; rc == KQ_OK && i < nRun; i++) {
                if (!a[i].bDone && term_cmp(a[i].it.aTerm, a[i].it.nTerm,
                                            aTerm, nTerm) == 0) {
                    rc = kqi_dictit_next(&a[i].it, pzErr);
                    if (rc == KQ_DONE) {
                        a[i].bDone = 1;
                        rc = KQ_OK;
                    }
                }
            }
            continue;
        }
        /* The term's lists in every run that has it, merged by docid
        ** (runs of parallel inverters interleave their docids). */
        kqi_plw_begin(pPw);
        u32 nCur = 0;
        for (u32 i = 0; rc == KQ_OK && i < nRun; i++) {
            if (a[i].bDone ||
                term_cmp(a[i].it.aTerm, a[i].it.nTerm, aTerm, nTerm) != 0) {
                continue;
            }
            rc = kqi_plc_open(&a[i].aMap[1], &a[i].aMap[2], &a[i].it.loc, nDoc,
                              &aCur[nCur], pzErr);
            if (rc == KQ_OK) {
                aRunOf[nCur] = i;
                rc = kqi_plc_next(aCur[nCur++]);
            }
        }
        while (rc == KQ_OK) {
            u32 k = nCur;
            u32 iDoc = KQ_DOCID_EOF;
            for (u32 j = 0; j < nCur; j++) {
                if (kqi_plc_docid(aCur[j]) < iDoc) {
                    iDoc = kqi_plc_docid(aCur[j]);
                    k = j;
                }
            }
            if (k == nCur) {
                break;
            }
            const u32 *aPos;
            u32 nPos;
            rc = kqi_plc_positions(aCur[k], &aPos, &nPos);
            if (rc == KQ_OK) {
                rc = kqi_plw_add(pPw, iDoc, aPos, nPos);
            }
            if (rc == KQ_OK) {
                rc = kqi_plc_next(aCur[k]);
                if (rc == KQ_DONE) {
                    rc = KQ_OK;
                }
            }
        }
        if (rc == KQ_DONE) {
            rc = KQ_OK;
        }
        for (u32 j = 0; j < nCur; j++) {
            kqi_plc_free(aCur[j]);
            u32 i = aRunOf[j];
            if (rc == KQ_OK) {
                rc = kqi_dictit_next(&a[i].it, pzErr);
                release_consumed(&a[i]);
                if (rc == KQ_DONE) {
                    a[i].bDone = 1;
                    rc = KQ_OK;
                }
            }
        }
        kqi_termloc loc;
        if (rc == KQ_OK) {
            rc = kqi_plw_end(pPw, &loc);
        }
        if (rc == KQ_OK) {
            rc = kqi_dictw_add(pDw, aTerm, nTerm, &loc, NULL, 0);
        }
    }
    rc = kqi_listw_close(&lw, rc, pMeta, pnTerm, pzErr);
    for (u32 i = 0; i < nRun; i++) {
        for (int f = 0; f < 3; f++) {
            kqi_map_close(&a[i].aMap[f]);
        }
    }
    free(a);
    free(aCur);
    free(aRunOf);
    return rc;
}
