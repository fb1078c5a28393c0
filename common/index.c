/*
** index.c -- a read-only view of one committed generation of an index:
** the manifest, its segments and the analyzer the index was built with.
*/
#include "kq_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libdeflate.h>

int
kqi_dir_kind(const char *zDir)
{
    static const struct { const char *zFile; int eKind; } aMark[] = {
        {KQI_MANIFEST, KQI_DIR_NATIVE},
        {"iamglass", KQI_DIR_XAPIAN},
        {"XAPIANDB", KQI_DIR_XAPIAN},
    };
    for (size_t i = 0; i < sizeof(aMark) / sizeof(aMark[0]); i++) {
        char *z = kqi_mprintf("%s/%s", zDir, aMark[i].zFile);
        struct stat st;
        int b = z && stat(z, &st) == 0;
        free(z);
        if (b) {
            return aMark[i].eKind;
        }
    }
    return KQI_DIR_NONE;
}

/* Read the manifest and open its segments. */
static int
open_generation(kq_index *p, char **pzErr)
{
    int rc = kqi_manifest_read(p->zDir, &p->man, pzErr);
    if (rc == KQ_NOTFOUND) {
        kqi_err(pzErr, rc, "%s: no index here (no %s)", p->zDir,
                KQI_MANIFEST);
    }
    if (rc == KQ_OK) {
        p->aSeg = calloc(p->man.nSeg ? p->man.nSeg : 1, sizeof(kqi_segment));
        if (p->aSeg == NULL) {
            rc = KQ_NOMEM;
        }
    }
    u32 iBase = 0;
    memset(&p->stats, 0, sizeof(p->stats));
    for (u32 i = 0; rc == KQ_OK && i < p->man.nSeg; i++) {
        const kqi_segmeta *m = &p->man.aSeg[i];
        rc = kqi_segment_open(&p->aSeg[i], p->zDir, m, pzErr);
        p->aSeg[i].iBase = iBase;
        iBase += m->nDoc;
        p->stats.nDoc += m->nDoc - m->nDel;
        p->stats.nToken += m->nToken - m->nDelToken;
    }
    return rc;
}

static void
close_generation(kq_index *p)
{
    if (p->aSeg) {
        for (u32 i = 0; i < p->man.nSeg; i++) {
            kqi_segment_close(&p->aSeg[i]);
        }
    }
    free(p->aSeg);
    p->aSeg = NULL;
    kqi_manifest_clear(&p->man);
}

int
kq_index_open(const char *zDir, kq_index **ppOut, char **pzErr)
{
    *ppOut = NULL;
    struct stat st;
    if (stat(zDir, &st) != 0) {
        return kqi_err(pzErr, errno == ENOENT ? KQ_NOTFOUND : KQ_IOERR,
                       "%s: no index here: %s", zDir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        return kqi_err(pzErr, KQ_FORMAT, "%s: not an index directory", zDir);
    }
    kq_index *p = calloc(1, sizeof(*p));
    if (p == NULL || (p->zDir = strdup(zDir)) == NULL) {
        free(p);
        return KQ_NOMEM;
    }
    /* Readers take no lock.  A writer that commits while we open may remove
    ** files of the generation we read the manifest of (a merge replaces
    ** segments, a commit replaces .del files); files we have mapped stay
    ** ours, so only this window matters: if a file is missing or damaged
    ** and the manifest has moved on meanwhile, open the new generation. */
    int rc;
    for (int nTry = 0;; nTry++) {
        rc = open_generation(p, pzErr);
        if (rc != KQ_CORRUPT || nTry >= 50) {
            break;
        }
        kqi_manifest m2;
        int bMoved = kqi_manifest_read(zDir, &m2, NULL) == KQ_OK &&
                     m2.nGeneration != p->man.nGeneration;
        kqi_manifest_clear(&m2);
        if (!bMoved) {
            break;
        }
        close_generation(p);
        if (pzErr) {
            free(*pzErr);
            *pzErr = NULL;
        }
    }
    if (rc == KQ_OK) {
        rc = kq_analyzer_new(p->man.zLang, &p->pAnalyzer);
        if (rc == KQ_NOTFOUND) {
            rc = kqi_err(pzErr, KQ_FORMAT,
                         "%s: unknown stemming language \"%s\"", zDir,
                         p->man.zLang);
        }
    }
    if (rc) {
        kq_index_close(p);
        return rc;
    }
    p->stats.nGeneration = p->man.nGeneration;
    p->stats.nSegment = p->man.nSeg;
    p->stats.avgDoclen =
        p->stats.nDoc ? (double)p->stats.nToken / (double)p->stats.nDoc : 0.0;
    *ppOut = p;
    return KQ_OK;
}

void
kq_index_close(kq_index *p)
{
    if (p) {
        close_generation(p);
        kq_analyzer_free(p->pAnalyzer);
        free(p->zDir);
        free(p);
    }
}

const kq_stats *
kq_index_stats(const kq_index *p)
{
    return &p->stats;
}

kq_analyzer *
kq_index_analyzer(kq_index *p)
{
    return p->pAnalyzer;
}

/* The segment holding global docid iDoc, and the local docid. */
static kqi_segment *
seg_of(kq_index *p, kq_docid iDoc, u32 *piLocal)
{
    for (u32 i = 0; i < p->man.nSeg; i++) {
        kqi_segment *s = &p->aSeg[i];
        if (iDoc >= s->iBase && iDoc - s->iBase < s->meta.nDoc) {
            *piLocal = iDoc - s->iBase;
            return s;
        }
    }
    return NULL;
}

int
kq_index_doc(kq_index *p, kq_docid iDoc, kq_docinfo *pOut, char **pzErr)
{
    u32 iLocal;
    kqi_segment *s = seg_of(p, iDoc, &iLocal);
    if (s == NULL) {
        return kqi_err(pzErr, KQ_NOTFOUND, "no document %u", iDoc);
    }
    return kqi_docs_info(&s->docs, iLocal, pOut, pzErr);
}

int
kq_index_text(kq_index *p, kq_docid iDoc, char **pzText, size_t *pnText,
              char **pzErr)
{
    u32 iLocal;
    kqi_segment *s = seg_of(p, iDoc, &iLocal);
    if (s == NULL) {
        return kqi_err(pzErr, KQ_NOTFOUND, "no document %u", iDoc);
    }
    return kqi_docs_text(&s->docs, iLocal, pzText, pnText, pzErr);
}

/**************************************************************************
** kq_index_check(): everything a query could touch, verified.
*/
static int
check_segment(kqi_segment *s, char **pzErr)
{
    const kqi_segmeta *m = &s->meta;
    for (int f = 0; f < KQI_NFILE; f++) {
        const kqi_map *pm = &s->aMap[f];
        u32 crc = libdeflate_crc32(0, pm->a, pm->n);
        if (crc != m->aCrc[f]) {
            return kqi_err(pzErr, KQ_CORRUPT,
                           "%s: checksum mismatch (CRC32 %08x, manifest says "
                           "%08x)", pm->zPath, crc, m->aCrc[f]);
        }
    }
    /* Every document record and stored text decodes; lengths add up. */
    u64 nToken = 0;
    for (u32 i = 0; i < s->docs.nDoc; i++) {
        kq_docinfo info;
        char *z;
        size_t n;
        int rc = kqi_docs_info(&s->docs, i, &info, pzErr);
        if (rc == KQ_OK) {
            rc = kqi_docs_text(&s->docs, i, &z, &n, pzErr);
            free(z);
        }
        if (rc) {
            return rc;
        }
        nToken += info.nLen;
    }
    /* The id table: every document once, under the hash of its id; the
    ** deleted documents add up to what the manifest says. */
    int rcIds = kqi_docs_ids_check(&s->docs, pzErr);
    if (rcIds) {
        return rcIds;
    }
    u8 *aSeen = calloc((size_t)s->docs.nDoc / 8 + 1, 1);
    if (aSeen == NULL) {
        return KQ_NOMEM;
    }
    u64 prevHash = 0, nDelTok = 0;
    u32 nDel = 0;
    for (u32 k = 0; k < s->docs.nDoc; k++) {
        const u8 *e = s->docs.aIds + 20 * (size_t)k;
        u64 h = kqi_get_u64(e);
        u32 iDoc = kqi_get_u32(e + 16);
        kq_docinfo info;
        int bad = h < prevHash || iDoc >= s->docs.nDoc ||
                  kqi_is_deleted(aSeen, iDoc);
        if (!bad) {
            aSeen[iDoc >> 3] |= (u8)(1u << (iDoc & 7));
            bad = kqi_docs_info(&s->docs, iDoc, &info, NULL) != KQ_OK ||
                  kqi_hash64(info.zId, info.nId, KQI_ID_SEED) != h;
        }
        if (bad) {
            free(aSeen);
            return kqi_err(pzErr, KQ_CORRUPT, "%s: bad id table entry %u",
                           s->aMap[KQI_F_DOCS].zPath, k);
        }
        prevHash = h;
        if (kqi_is_deleted(s->aDel, iDoc)) {
            nDel++;
            nDelTok += kqi_docs_len(&s->docs, iDoc);
        }
    }
    free(aSeen);
    if (nDel != m->nDel || nDelTok != m->nDelToken) {
        return kqi_err(pzErr, KQ_CORRUPT, "%s: %u deleted documents of %llu "
                       "tokens, the manifest says %u of %llu",
                       s->aMap[KQI_F_DOCS].zPath, nDel,
                       (unsigned long long)nDelTok, m->nDel,
                       (unsigned long long)m->nDelToken);
    }
    if (nToken != m->nToken) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: document lengths add up to %llu tokens, the "
                       "manifest says %llu", s->aMap[KQI_F_DOCS].zPath,
                       (unsigned long long)nToken,
                       (unsigned long long)m->nToken);
    }
    /* Every posting list decodes, agrees with its dictionary entry, and the
    ** occurrences of all terms add up to the document lengths. */
    u32 *aTf = calloc(s->docs.nDoc ? s->docs.nDoc : 1, sizeof(u32));
    if (aTf == NULL) {
        return KQ_NOMEM;
    }
    kqi_dictit it;
    u64 nTerm = 0, cfAll = 0;
    int rc = kqi_dictit_start(&it, &s->dict, "", 0, pzErr);
    u64 nextPost = KQI_HEADER, nextPos = KQI_HEADER;
    while (rc == KQ_OK && (rc = kqi_dictit_next(&it, pzErr)) == KQ_OK) {
        nTerm++;
        if (it.loc.df == 0) {
            /* A vocabulary entry: its stem is a term here -- except after
            ** a merge that dropped deleted documents: the dictionary is
            ** written in one pass, vocabulary first, so the entries of
            ** terms that only deleted documents had stay (a prefix query
            ** then looks up a term with no postings, and finds nothing). */
            kqi_termloc loc;
            rc = kqi_dict_lookup(&s->dict, it.aStem, it.nStem, &loc, pzErr);
            if (rc == KQ_NOTFOUND) {
                rc = KQ_OK;
            }
            continue;
        }
        if (it.loc.postOff != nextPost || it.loc.posOff != nextPos) {
            rc = kqi_err(pzErr, KQ_CORRUPT, "%s: term \"%s\" is not where "
                         "the previous one ends", s->aMap[KQI_F_DICT].zPath,
                         it.aTerm);
            break;
        }
        nextPost = it.loc.postOff + it.loc.postLen;
        nextPos = it.loc.posOff + it.loc.posLen;
        kqi_plc *c;
        rc = kqi_plc_open(&s->aMap[KQI_F_POST], &s->aMap[KQI_F_POS], &it.loc,
                          s->docs.nDoc, &c, pzErr);
        if (rc) {
            break;
        }
        u64 df = 0, cf = 0;
        /* Each block's smallest document length, as the skip table must
        ** record it: a larger one would make ranking skip real hits. */
        u32 nBlock = kqi_plc_nblock(c);
        u32 *aMin = malloc(sizeof(u32) * (nBlock ? nBlock : 1));
        if (aMin == NULL) {
            kqi_plc_free(c);
            rc = KQ_NOMEM;
            break;
        }
        memset(aMin, 0xff, sizeof(u32) * nBlock);
        while ((rc = kqi_plc_next(c)) == KQ_OK) {
            const u32 *aPos;
            u32 nPos;
            rc = kqi_plc_positions(c, &aPos, &nPos);
            if (rc) {
                break;
            }
            df++;
            cf += nPos;
            u32 iDoc = kqi_plc_docid(c);
            aTf[iDoc] += nPos;
            int b = kqi_plc_block_of(c, iDoc);
            u32 len = kqi_docs_len(&s->docs, iDoc);
            if (b < (int)nBlock && len < aMin[b]) {
                aMin[b] = len;
            }
        }
        for (u32 b = 0; rc == KQ_DONE && b < nBlock; b++) {
            u32 maxTf, minLen, last;
            kqi_plc_block_max(c, (int)b, &maxTf, &minLen, &last);
            if (minLen != aMin[b]) {
                rc = kqi_err(pzErr, KQ_CORRUPT, "%s: term \"%s\": block %u "
                             "records smallest length %u, its documents' is "
                             "%u", s->aMap[KQI_F_POST].zPath, it.aTerm, b,
                             minLen, aMin[b]);
            }
        }
        free(aMin);
        if (rc == KQ_CORRUPT && (pzErr == NULL || *pzErr == NULL)) {
            kqi_err(pzErr, rc, "%s: term \"%s\": %s",
                    s->aMap[KQI_F_POST].zPath, it.aTerm, kqi_plc_errmsg(c));
        }
        kqi_plc_free(c);
        if (rc == KQ_DONE) {
            rc = KQ_OK;
        }
        if (rc == KQ_OK && (df != it.loc.df || cf != it.loc.cf)) {
            rc = kqi_err(pzErr, KQ_CORRUPT, "%s: term \"%s\": df/cf %llu/%llu, "
                         "dictionary says %u/%llu", s->aMap[KQI_F_POST].zPath,
                         it.aTerm, (unsigned long long)df,
                         (unsigned long long)cf, it.loc.df,
                         (unsigned long long)it.loc.cf);
        }
        cfAll += cf;
    }
    if (rc == KQ_DONE) {
        rc = KQ_OK;
    }
    if (rc == KQ_OK && (nTerm != m->nTerm ||
                        nextPost + 0 > s->aMap[KQI_F_POST].n ||
                        nextPos > s->aMap[KQI_F_POS].n)) {
        rc = kqi_err(pzErr, KQ_CORRUPT, "%s: term count or list extents do "
                     "not match", s->aMap[KQI_F_DICT].zPath);
    }
    for (u32 i = 0; rc == KQ_OK && i < s->docs.nDoc; i++) {
        if (aTf[i] != kqi_docs_len(&s->docs, i)) {
            rc = kqi_err(pzErr, KQ_CORRUPT, "%s: document %u has %u tokens "
                         "in postings but length %u",
                         s->aMap[KQI_F_DOCS].zPath, i, aTf[i],
                         kqi_docs_len(&s->docs, i));
        }
    }
    free(aTf);
    KQ_UNUSED(cfAll);
    return rc;
}

int
kq_index_check(kq_index *p, char **pzErr)
{
    for (u32 i = 0; i < p->man.nSeg; i++) {
        int rc = check_segment(&p->aSeg[i], pzErr);
        if (rc) {
            return rc;
        }
    }
    return KQ_OK;
}
