/*
** doctokens.c -- a document's language, and its tokens as the index has
** them: the research verbs (collocates, keywords) read a document's words
** around positions the index gives, so the words must come with exactly
** the positions, stems and language the indexer used.
**
** A document's language is not in its record: the indexer gives each
** document one language term (KQI_PFX_LANG + name, invert.c).  The first
** call that needs one walks those terms' posting lists once and keeps a
** byte per document (an index into the index's languages; an index of
** one language needs no walk: each of its documents has it).  A Xapian
** database answers no language (NULL): its documents are analysed with the
** index's analyzer.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>

/* Mark the documents of a language (live and deleted) in aDocLang. */
typedef struct marker {
    kq_index *p;
    u8 k; /* 1 + the language's index in aLang */
} marker;

static int
mark_cb(void *pCtx, kq_docid iDoc, int bDeleted, u32 tf)
{
    marker *m = pCtx;
    (void)bDeleted, (void)tf;
    if (iDoc < m->p->nDocLang) {
        m->p->aDocLang[iDoc] = m->k;
    }
    return KQ_OK;
}

/* The language of every document, once per open index. */
static int
build_doc_langs(kq_index *p, char **pzErr)
{
    kq_docid nDocid = 0;
    int rc = kq_index_each_doc(p, NULL, NULL, &nDocid, pzErr);
    kq_langcount *a = NULL;
    int n = 0;
    if (rc == KQ_OK) {
        rc = kqi_index_lang_names(p, &a, &n, pzErr);
    }
    if (rc == KQ_OK && n > KQI_MAX_DOC_LANGS) {
        rc = kqi_err(pzErr, KQ_CORRUPT,
                     "%s: %d document languages (Snowball has fewer than %d)",
                     p->zDir, n, KQI_MAX_DOC_LANGS);
    }
    if (rc == KQ_OK && (p->aDocLang = calloc((size_t)nDocid + 1, 1)) == NULL) {
        rc = KQ_NOMEM;
    }
    p->nDocLang = rc == KQ_OK ? nDocid : 0; /* (mark_cb's bound) */
    /* One language (the usual index): every document has its term. */
    int bOne = rc == KQ_OK && n == 1;
    if (bOne) {
        memset(p->aDocLang, 1, (size_t)nDocid);
    }
    for (int i = 0; rc == KQ_OK && !bOne && i < n; i++) {
        char aKey[KQ_MAX_LANG_NAME + 1];
        size_t nName = strlen(a[i].zLang);
        aKey[0] = KQI_PFX_LANG;
        memcpy(aKey + 1, a[i].zLang, nName);
        marker m = {p, (u8)(i + 1)};
        rc = kqi_index_postings(p, aKey, nName + 1, &m, mark_cb, pzErr);
    }
    if (rc) {
        free(a);
        free(p->aDocLang);
        p->aDocLang = NULL;
        p->nDocLang = 0;
        return rc;
    }
    p->aLang = a;
    p->nLang = n;
    return KQ_OK;
}

int
kqi_index_doc_lang(kq_index *p, kq_docid iDoc, const char **pzLang,
                   char **pzErr)
{
    *pzLang = NULL;
    if (p->pX) {
        return KQ_OK;
    }
    if (p->aDocLang == NULL) {
        int rc = build_doc_langs(p, pzErr);
        if (rc) {
            return rc;
        }
    }
    if (iDoc < p->nDocLang && p->aDocLang[iDoc] > 0) {
        *pzLang = p->aLang[p->aDocLang[iDoc] - 1].zLang;
    }
    return KQ_OK;
}

/**************************************************************************
** kq_index_doc_tokens()
*/
typedef struct dtok {
    kq_analyzer *pA; /* the document's */
    int bStem;       /* not KQ_DOC_TOKENS_NOSTEM */
    int bTitle;
    kq_doc_token_fn x;
    void *pCtx;
} dtok;

static int
token_cb(void *pCtx, const char *zWord, size_t nWord, uint32_t iPos,
         size_t iStart, size_t iEnd)
{
    dtok *d = pCtx;
    kq_doc_token t;
    t.zWord = zWord;
    t.nWord = nWord;
    /* kq_analyze() gives the word folded (KQ_ANALYZE_NOSTEM); its stem is
    ** what the indexer stores, or none for a word too long to index. */
    int rc = d->bStem ? kq_stem(d->pA, zWord, nWord, &t.zStem, &t.nStem)
                      : KQ_NOTFOUND;
    if (rc == KQ_NOTFOUND) {
        t.zStem = NULL;
        t.nStem = 0;
    } else if (rc) {
        return rc;
    }
    t.iPos = iPos;
    t.bTitle = d->bTitle;
    t.iStart = iStart;
    t.iEnd = iEnd;
    return d->x(d->pCtx, &t);
}

int
kq_index_doc_tokens(kq_index *p, kq_docid iDoc, int flags, void *pCtx,
                    kq_doc_token_fn x, char **pzErr)
{
    const kq_docinfo *pInfo;
    int rc = kq_index_doc(p, iDoc, &pInfo, pzErr);
    if (rc) {
        return rc;
    }
    dtok d = {kq_index_analyzer(p), !(flags & KQ_DOC_TOKENS_NOSTEM), 1, x,
              pCtx};
    if (pInfo->zLang) {
        kq_analyzer *pL = NULL;
        if (kqi_analyzer_lang_get(d.pA, pInfo->zLang, strlen(pInfo->zLang),
                                  &pL) == KQ_OK &&
            pL) {
            d.pA = pL;
        }
    }
    /* The title: its bytes are the index's until the next kq_index_doc();
    ** the body's are ours. */
    uint32_t iPos = 0;
    rc = kq_analyze(d.pA, KQ_ANALYZE_NOSTEM,
                    pInfo->zTitle ? pInfo->zTitle : "", pInfo->nTitle, 0,
                    &iPos, &d, token_cb);
    char *zText = NULL;
    size_t nText = 0;
    if (rc == KQ_OK) {
        rc = kq_index_text(p, iDoc, &zText, &nText, pzErr);
    }
    if (rc == KQ_OK && nText > 0) {
        d.bTitle = 0;
        rc = kq_analyze(d.pA, KQ_ANALYZE_NOSTEM, zText, nText,
                        iPos + KQI_TITLE_GAP, NULL, &d, token_cb);
    }
    free(zText);
    return rc;
}
