/*
** merge.c -- k-way merge of sorted runs (dict/post/pos triples) into one.
**
** The writer's inverters spill their in-memory tables as runs when they
** reach their memory budget.  Merging is a k-way merge of the runs'
** dictionaries by term, and for a term present in several runs, a k-way
** merge of its lists by docid (one inverter's runs cover increasing docids,
** but parallel inverters take batches of documents from one queue, so
** their runs interleave).  Postings stream through cursors and a list
** writer one block at a time, so memory stays small whatever the lists'
** lengths.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct mrun {
    kqi_map aMap[3];         /* the run's files (merge of runs) */
    const kqi_map *apMap[3]; /* the maps read (aMap, or a segment's) */
    u32 nDoc;                /* docids in the source are < nDoc */
    u32 iBase;               /* without aNew: output docid - source docid */
    const u32 *aNew;         /* source docid -> output docid, KQ_DOCID_EOF for
                             ** a deleted document; NULL: unchanged */
    kqi_dict dict;
    kqi_dictit it;
    int bDone;
    u64 nStep;            /* release what was read every nStep bytes */
    u64 nReleased;        /* .post bytes already dropped from memory */
    size_t nDictReleased; /* .dict bytes likewise */
} mrun;

/* Runs are read front to back once; what is behind us need not stay in
** the process's memory (it would count against the indexer's budget).
** Each input drops what it has read every nStep bytes of each file:
** RELEASE_STEP, or for a merge of segments a share of the budget
** (step_for()). */
#define RELEASE_STEP (1u << 18)
#define RELEASE_MIN 4096
#define RELEASE_MAX (1u << 22)

/* The release step of each of nIn inputs of a merge within nMemory bytes:
** pages read and not yet released, at most a step for each of an input's
** five files, take at most a quarter of the budget, or a page each when
** the inputs are too many for that (with a fixed step, a compact of
** hundreds of segments would hold hundreds of steps however small the
** budget; a release costs a system call, one a page read at worst). */
static u64
step_for(size_t nMemory, u32 nIn)
{
    u64 n = nMemory / 4 / (5 * (u64)(nIn ? nIn : 1));
    return n < RELEASE_MIN ? RELEASE_MIN : n > RELEASE_MAX ? RELEASE_MAX : n;
}

/* Release .post before nPost and .pos before nPos, every nStep bytes. */
static void
release_lists(mrun *r, u64 nPost, u64 nPos)
{
    if (nPost >= r->nReleased + r->nStep) {
        kqi_map_release(r->apMap[1], (size_t)nPost);
        /* Positions lag behind the postings in the same proportion. */
        kqi_map_release(r->apMap[2], (size_t)nPos);
        r->nReleased = nPost;
    }
}

/* A run read to its end: none of it is needed any more. */
static void
run_done(mrun *r)
{
    r->bDone = 1;
    for (int f = 0; f < 3; f++) {
        kqi_map_release(r->apMap[f], r->apMap[f]->n);
    }
}

/* The lists before the current term's, and the dictionary before it. */
static void
release_consumed(mrun *r)
{
    release_lists(r, r->it.loc.postOff, r->it.loc.posOff);
    /* And the dictionary, read front to back as well (with many runs of a
    ** large vocabulary, their dictionaries were most of the merge's
    ** memory). */
    if (r->it.p && r->apMap[0]->a && r->it.p > r->apMap[0]->a) {
        size_t nDict = (size_t)(r->it.p - r->apMap[0]->a);
        if (nDict >= r->nDictReleased + r->nStep) {
            kqi_map_release(r->apMap[0], nDict);
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

/* A merge's progress report (pProg may be NULL): nBase bytes done before
** the lists, then what the runs' cursors have read of their lists and
** dictionaries. */
typedef struct mprog {
    const kqi_mprog *pProg;
    u64 nBase, nTotal;
} mprog;

static void
lists_progress(const mprog *g, const mrun *a, u32 nRun)
{
    if (g == NULL || g->pProg == NULL) {
        return;
    }
    u64 n = g->nBase;
    for (u32 i = 0; i < nRun; i++) {
        const mrun *r = &a[i];
        if (r->bDone) {
            n += r->apMap[0]->n + r->apMap[1]->n + r->apMap[2]->n;
        } else {
            n += r->it.loc.postOff + r->it.loc.posOff;
            if (r->it.p && r->apMap[0]->a && r->it.p > r->apMap[0]->a) {
                n += (u64)(r->it.p - r->apMap[0]->a);
            }
        }
    }
    g->pProg->x(g->pProg->pCtx, n < g->nTotal ? n : g->nTotal, g->nTotal);
}

/* Merge the lists of a[0..nRun), their dictionaries opened by the caller,
** into azOut; pProg (may be NULL) hears how far it has got. */
static int
merge_lists(mrun *a, u32 nRun, u32 nDoc, const u8 *aLen, char *const azOut[3],
            const mprog *pProg, kqi_segmeta *pMeta, u64 *pnTerm, char **pzErr)
{
    u32 nSince = 0; /* terms since the last progress report */
    kqi_plc **aCur = calloc(nRun ? nRun : 1, sizeof(kqi_plc *));
    u32 *aRunOf = calloc(nRun ? nRun : 1, sizeof(u32));
    if (aCur == NULL || aRunOf == NULL) {
        free(aCur);
        free(aRunOf);
        return KQ_NOMEM;
    }
    int rc = KQ_OK;
    for (u32 i = 0; rc == KQ_OK && i < nRun; i++) {
        rc = kqi_dict_open(&a[i].dict, a[i].apMap[0], pzErr);
        if (rc == KQ_OK) {
            rc = kqi_dictit_start(&a[i].it, &a[i].dict, "", 0, pzErr);
            if (rc == KQ_OK) {
                rc = kqi_dictit_next(&a[i].it, pzErr);
            }
            if (rc == KQ_DONE) {
                run_done(&a[i]);
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
        if (++nSince == 4096) {
            lists_progress(pProg, a, nRun);
            nSince = 0;
        }
        /* The smallest current term over the runs. */
        int iMin = -1;
        for (u32 i = 0; i < nRun; i++) {
            if (!a[i].bDone &&
                (iMin < 0 ||
                 term_cmp(a[i].it.aTerm, a[i].it.nTerm, a[iMin].it.aTerm,
                          a[iMin].it.nTerm) < 0)) {
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
                        run_done(&a[i]);
                        rc = KQ_OK;
                    } else if (rc == KQ_OK) {
                        release_consumed(&a[i]);
                    }
                }
            }
            continue;
        }
        /* The term's lists in every run that has it, merged by docid
        ** (runs of parallel inverters interleave their docids). */
        kqi_plw_begin(pPw);
        u32 nCur = 0;
        u64 nAdded = 0;
        for (u32 i = 0; rc == KQ_OK && i < nRun; i++) {
            if (a[i].bDone ||
                term_cmp(a[i].it.aTerm, a[i].it.nTerm, aTerm, nTerm) != 0) {
                continue;
            }
            rc = kqi_plc_open(a[i].apMap[1], a[i].apMap[2], &a[i].it.loc,
                              a[i].nDoc, &aCur[nCur], pzErr);
            if (rc == KQ_OK) {
                aRunOf[nCur] = i;
                rc = kqi_plc_next(aCur[nCur++]);
            }
        }
        while (rc == KQ_OK) {
            /* The smallest output docid over the cursors (sources with
            ** docid maps map in increasing order, and the sources of one
            ** merge of segments cover increasing ranges). */
            u32 k = nCur;
            u32 iDoc = KQ_DOCID_EOF;
            for (u32 j = 0; j < nCur; j++) {
                u32 d = kqi_plc_docid(aCur[j]);
                const u32 *aNew = a[aRunOf[j]].aNew;
                if (aNew == NULL && d != KQ_DOCID_EOF) {
                    d += a[aRunOf[j]].iBase;
                } else if (aNew && d != KQ_DOCID_EOF) {
                    d = aNew[d];
                    if (d == KQ_DOCID_EOF) {
                        /* A deleted document: its posting is dropped. */
                        rc = kqi_plc_next(aCur[j]);
                        if (rc == KQ_DONE) {
                            rc = KQ_OK;
                        }
                        j--;
                        if (rc) {
                            break;
                        }
                        continue;
                    }
                }
                if (d < iDoc) {
                    iDoc = d;
                    k = j;
                }
            }
            if (rc || k == nCur) {
                break;
            }
            if ((++nAdded & 1023) == 0) {
                /* A long list (a common word in a large segment) is
                ** released as it is read, not only after it. */
                mrun *r = &a[aRunOf[k]];
                u64 nPost, nPosB;
                kqi_plc_consumed(aCur[k], &nPost, &nPosB);
                release_lists(r, r->it.loc.postOff + nPost,
                              r->it.loc.posOff + nPosB);
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
                if (rc == KQ_DONE) {
                    run_done(&a[i]);
                    rc = KQ_OK;
                } else if (rc == KQ_OK) {
                    release_consumed(&a[i]);
                }
            }
        }
        kqi_termloc loc;
        if (rc == KQ_OK) {
            rc = kqi_plw_end(pPw, &loc);
        }
        /* A term all of whose documents were deleted is left out. */
        if (rc == KQ_OK && loc.df > 0) {
            rc = kqi_dictw_add(pDw, aTerm, nTerm, &loc, NULL, 0);
        }
    }
    rc = kqi_listw_close(&lw, rc, pMeta, pnTerm, pzErr);
    free(aCur);
    free(aRunOf);
    return rc;
}

int
kqi_merge_runs(char *const *azRun, u32 nRun, u32 nDoc, const u8 *aLen,
               char *const azOut[3], kqi_segmeta *pMeta, u64 *pnTerm,
               char **pzErr)
{
    mrun *a = calloc(nRun ? nRun : 1, sizeof(mrun));
    if (a == NULL) {
        return KQ_NOMEM;
    }
    int rc = KQ_OK;
    for (u32 i = 0; rc == KQ_OK && i < nRun; i++) {
        for (int f = 0; rc == KQ_OK && f < 3; f++) {
            rc = kqi_map_open(&a[i].aMap[f], azRun[3 * i + f], pzErr);
            a[i].apMap[f] = &a[i].aMap[f];
        }
        a[i].nDoc = nDoc;
        a[i].nStep = RELEASE_STEP;
    }
    if (rc == KQ_OK) {
        rc = merge_lists(a, nRun, nDoc, aLen, azOut, NULL, pMeta, pnTerm,
                         pzErr);
    }
    for (u32 i = 0; i < nRun; i++) {
        for (int f = 0; f < 3; f++) {
            kqi_map_close(&a[i].aMap[f]);
        }
    }
    free(a);
    return rc;
}

/* A segment's document table and stored text are read once, in docid
** order, but from several places of each file (records, lengths, offsets
** and their checksums in .docs); whatever was touched is dropped from
** memory every nDocStep bytes of documents read, so the mapped pages
** of segments of any size do not count against the budget. */
static void
release_docs(const kqi_segment *pS)
{
    kqi_map_release(&pS->aMap[KQI_F_DOCS], pS->aMap[KQI_F_DOCS].n);
    kqi_map_release(&pS->aMap[KQI_F_STORE], pS->aMap[KQI_F_STORE].n);
}

/**************************************************************************
** Merging segments: the live documents of adjacent segments, in docid
** order, copied into one new segment.  Deleted documents and the terms
** only they held disappear; the records and stored text are copied
** document by document (the text recompressed in the new segment's
** blocks), and every list is merged with the docids renumbered.
*/
int
kqi_merge_segments(const char *zDir, kqi_segment *aSeg, u32 nSeg, u32 iSeg,
                   size_t nMemory, const kqi_mprog *pProg, kqi_segmeta *pMeta,
                   char **pzErr)
{
    /* Progress in bytes of the segments' files: their documents (.docs,
    ** .store) first, then their lists (.dict, .post, .pos). */
    u64 nTotal = 0, nDocBytes = 0;
    for (u32 s = 0; s < nSeg; s++) {
        for (int f = 0; f < KQI_NFILE; f++) {
            nTotal += aSeg[s].meta.aSize[f];
        }
        nDocBytes += aSeg[s].meta.aSize[KQI_F_DOCS] +
                     aSeg[s].meta.aSize[KQI_F_STORE];
    }
    u64 nDocDone = 0; /* bytes of the segments whose documents are done */
    u64 nStep = step_for(nMemory, nSeg);
    /* The documents are read one segment after the other: their share of
    ** the budget is not divided among the segments (and a release walks
    ** the whole mapping of a segment's .docs and .store: not every page). */
    u64 nDocStep = step_for(nMemory, 1);
    memset(pMeta, 0, sizeof(*pMeta));
    pMeta->iSeg = iSeg;
    mrun *a = calloc(nSeg ? nSeg : 1, sizeof(mrun));
    u32 **aaNew = calloc(nSeg ? nSeg : 1, sizeof(u32 *));
    char *azPath[KQI_NFILE] = {0};
    kqi_wfile docsFile, storeFile;
    memset(&docsFile, 0, sizeof(docsFile));
    memset(&storeFile, 0, sizeof(storeFile));
    docsFile.fd = storeFile.fd = -1;
    kqi_docw *pDocw = NULL;
    int rc = (a && aaNew) ? KQ_OK : KQ_NOMEM;
    for (int f = 0; rc == KQ_OK && f < KQI_NFILE; f++) {
        if ((azPath[f] = kqi_seg_path(zDir, iSeg, f)) == NULL) {
            rc = KQ_NOMEM;
        }
    }
    if (rc == KQ_OK) {
        kqi_wfile_open(&docsFile, azPath[KQI_F_DOCS]);
        kqi_wfile_open(&storeFile, azPath[KQI_F_STORE]);
        rc = docsFile.rc ? docsFile.rc : storeFile.rc;
        if (rc) {
            kqi_err(pzErr, rc, "%s",
                    docsFile.zErr ? docsFile.zErr : storeFile.zErr);
        } else {
            rc = kqi_docw_new(&docsFile, &storeFile, &pDocw);
        }
    }
    /* What opening the segments (and the writer's lookups by id before
    ** the merge) brought into memory goes first: the kernel maps up to 64
    ** KB around every page touched of a file, so even the headers and
    ** trailers of hundreds of small segments add up to many times a
    ** small --memory budget. */
    for (u32 s = 0; s < nSeg; s++) {
        for (int f = 0; f < KQI_NFILE; f++) {
            kqi_map_release(&aSeg[s].aMap[f], aSeg[s].aMap[f].n);
        }
    }
    u64 nOut = 0;
    kqi_textcache cache;
    memset(&cache, 0, sizeof(cache));
    for (u32 s = 0; rc == KQ_OK && s < nSeg; s++) {
        kqi_segment *pS = &aSeg[s];
        u32 nDoc = pS->meta.nDoc;
        /* A segment without deletions keeps its docids, shifted by what
        ** came before it: a docid map (4 bytes a document) only for a
        ** segment with deletions. */
        a[s].iBase = (u32)nOut;
        if (pS->aDel) {
            aaNew[s] = malloc(sizeof(u32) * (nDoc ? nDoc : 1));
            if (aaNew[s] == NULL) {
                rc = KQ_NOMEM;
                break;
            }
        }
        u64 nRead = 0; /* text bytes read since the last release */
        u64 nSegDoc = pS->meta.aSize[KQI_F_DOCS] + pS->meta.aSize[KQI_F_STORE];
        for (u32 i = 0; rc == KQ_OK && i < nDoc; i++) {
            if (pProg && (i & 1023) == 0) {
                pProg->x(pProg->pCtx, nDocDone + nSegDoc * i / nDoc, nTotal);
            }
            if (nRead >= nDocStep) {
                release_docs(pS);
                nRead = 0;
            }
            if (kqi_is_deleted(pS->aDel, i)) {
                aaNew[s][i] = KQ_DOCID_EOF; /* (aDel: aaNew[s] exists) */
                continue;
            }
            kqi_docrec info;
            const char *zText = "";
            size_t nText = 0;
            rc = kqi_docs_info(&pS->docs, i, &info, pzErr);
            if (rc == KQ_OK) {
                rc = kqi_docs_text_ref(&pS->docs, i, &cache, &zText, &nText,
                                       pzErr);
                nRead += nText + info.nId + info.nTitle + 64;
            }
            if (rc == KQ_OK) {
                kq_field aField[KQ_MAX_FIELDS];
                kq_doc d = {info.zId,   info.nId,   info.zTitle,  info.nTitle,
                            info.zDate, info.nDate, info.zSource, info.nSource,
                            zText,      nText,      aField,       info.nField,
                            NULL,       0};
                for (int k = 0; rc == KQ_OK && k < info.nField; k++) {
                    rc = kqi_fields_get(info.pField, info.nFieldByte, k,
                                        &aField[k]);
                }
                u32 nLen = kqi_docs_len(&pS->docs, i);
                u64 sig = kqi_docs_sig(&pS->docs, i);
                if (rc || kqi_docs_bad(&pS->docs)) {
                    rc = kqi_err(pzErr, KQ_CORRUPT, "%s: checksum mismatch",
                                 pS->aMap[KQI_F_DOCS].zPath);
                } else {
                    rc = kqi_docw_add(pDocw, &d, nLen, sig,
                                      kqi_hash64(d.zId, d.nId, KQI_ID_SEED),
                                      kqi_doc_hash(&d));
                    pMeta->nToken += nLen;
                }
            }
            if (aaNew[s]) {
                aaNew[s][i] = (u32)nOut;
            }
            nOut++;
        }
        kqi_textcache_clear(&cache);
        release_docs(pS);
        nDocDone += nSegDoc;
        a[s].apMap[0] = &pS->aMap[KQI_F_DICT];
        a[s].apMap[1] = &pS->aMap[KQI_F_POST];
        a[s].apMap[2] = &pS->aMap[KQI_F_POS];
        a[s].nDoc = nDoc;
        a[s].nStep = nStep;
        a[s].aNew = aaNew[s];
    }
    if (rc == KQ_OK && nOut >= KQ_DOCID_EOF) {
        rc = KQ_MISUSE;
    }
    if (rc == KQ_OK) {
        u32 nLen;
        const u8 *aLen = kqi_docw_lens(pDocw, &nLen);
        char *azOut[3] = {azPath[0], azPath[1], azPath[2]};
        u64 nTerm;
        mprog g = {pProg, nDocBytes, nTotal};
        rc = merge_lists(a, nSeg, nLen, aLen, azOut, &g, pMeta, &nTerm, pzErr);
    }
    if (pDocw) {
        int rc2 = kqi_docw_finish(pDocw, NULL);
        if (rc == KQ_OK) {
            rc = rc2;
        }
    }
    pMeta->nDoc = (u32)nOut;
    pMeta->aSize[KQI_F_DOCS] = docsFile.nOff;
    pMeta->aCrc[KQI_F_DOCS] = docsFile.crc;
    pMeta->aSize[KQI_F_STORE] = storeFile.nOff;
    pMeta->aCrc[KQI_F_STORE] = storeFile.crc;
    if (docsFile.zPath) {
        int rc2 = kqi_wfile_close(&docsFile, pzErr);
        if (rc == KQ_OK) {
            rc = rc2;
        }
    }
    if (storeFile.zPath) {
        int rc2 = kqi_wfile_close(&storeFile, pzErr);
        if (rc == KQ_OK) {
            rc = rc2;
        }
    }
    for (int f = 0; f < KQI_NFILE; f++) {
        if (rc && azPath[f]) {
            unlink(azPath[f]);
        }
        free(azPath[f]);
    }
    for (u32 s = 0; aaNew && s < nSeg; s++) {
        free(aaNew[s]);
    }
    free(aaNew);
    free(a);
    if (rc == KQ_OK && pProg) {
        pProg->x(pProg->pCtx, nTotal, nTotal);
    }
    return rc;
}
