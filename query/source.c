/*
** source.c -- the index kq reads: kq's own, or one or more Xapian
** databases (a kq Xapian database, several -d, or tcp://HOST:PORT shards),
** behind one small interface so the commands do not care which.
*/
#include "cli.h"
#include "../common/xapian/xapian_capi.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
is_xapian(char *const *azDir, int nDir)
{
    if (nDir > 1 || strncmp(azDir[0], "tcp://", 6) == 0) {
        return 1;
    }
    return kqi_dir_kind(azDir[0]) == KQI_DIR_XAPIAN;
}

/* The watchdog of a Xapian source found the database damaged while a read
** of it does not return (kqi_xindex_watch): say so, and end with the exit
** status of damage -- the read may never return. */
static void
on_xdamage(void *pCtx, const char *zErr)
{
    const cli *c = pCtx;
    fflush(stdout);
    fprintf(stderr, "%s: %s; a read of it has not returned in %d s\n",
            cli_prog(c), zErr, KQ_XAPIAN_STALL_MS / 1000);
    fflush(stderr);
    _exit(KQ_EXIT_DAMAGED);
}

int
source_try(source *s, const cli *c, char **pzErr)
{
    memset(s, 0, sizeof(*s));
    char *azDefault[1];
    char *const *azDir = c->azDir;
    int nDir = c->nDir;
    if (nDir == 0) {
        const char *z = getenv("KQ_INDEX");
        azDefault[0] = (char *)(z && z[0] ? z : KQ_DEFAULT_INDEX);
        azDir = azDefault;
        nDir = 1;
    }
    s->zDir = azDir[0];
    if (c->zLang) {
        int rc = kq_analyzer_new(c->zLang, &s->pLang);
        if (rc) {
            return kqi_err(pzErr, KQ_MISUSE,
                           "--lang: unknown language '%s' "
                           "(kq-index --lang list shows them)",
                           c->zLang);
        }
    }
    if (nDir > 1) {
        /* Several -d: Xapian shards; a kq index cannot be one of them. */
        for (int i = 0; i < nDir; i++) {
            if (strncmp(azDir[i], "tcp://", 6) != 0 &&
                kqi_dir_kind(azDir[i]) != KQI_DIR_XAPIAN) {
                kq_analyzer_free(s->pLang);
                s->pLang = NULL;
                return kqi_err(pzErr, KQ_MISUSE,
                               "%s is not a Xapian database:"
                               " several -d search Xapian shards together, "
                               "a kq index is searched alone",
                               azDir[i]);
            }
        }
    }
    int rc = is_xapian(azDir, nDir)
                 ? kqi_xindex_open((const char *const *)azDir, nDir, &s->pX,
                                   pzErr)
                 : kq_index_open(azDir[0], &s->pIdx, pzErr);
    if (rc == KQ_OK && c->nMaxExpansion) {
        /* (In range: main.c checked the option.) */
        rc = s->pX ? kqi_xindex_set_max_expansion(s->pX, c->nMaxExpansion)
                   : kq_index_set_max_expansion(s->pIdx, c->nMaxExpansion);
    }
    if (rc == KQ_OK && s->pX) {
        rc = kqi_xindex_watch(s->pX, on_xdamage, (void *)c);
    }
    if (rc) {
        kq_index_close(s->pIdx);
        kqi_xindex_close(s->pX);
        s->pIdx = NULL;
        s->pX = NULL;
        kq_analyzer_free(s->pLang);
        s->pLang = NULL;
    }
    return rc;
}

int
source_open(source *s, const cli *c)
{
    char *zErr = NULL;
    int rc = source_try(s, c, &zErr);
    if (rc) {
        int ex = report_error(c, rc, zErr);
        if (rc == KQ_NOTFOUND) {
            msg_put("%s: create one with: kq-index -d %s PATH...", cli_prog(c),
                    s->zDir);
        }
        free(zErr);
        return ex;
    }
    return 0;
}

void
source_close(source *s)
{
    kq_index_close(s->pIdx);
    kqi_xindex_close(s->pX);
    kq_analyzer_free(s->pLang);
    memset(s, 0, sizeof(*s));
}

kq_analyzer *
source_analyzer(source *s)
{
    if (s->pLang) {
        return s->pLang;
    }
    return s->pX ? kqi_xindex_analyzer(s->pX) : kq_index_analyzer(s->pIdx);
}

const kq_stats *
source_stats(source *s)
{
    return s->pX ? kqi_xindex_stats(s->pX) : kq_index_stats(s->pIdx);
}

int
source_need_native(source *s, const cli *c, const char *zWhat)
{
    if (s->pX) {
        msg_put("%s: %s needs a kq index; %s is a Xapian database",
                cli_prog(c), zWhat, s->zDir);
        return KQ_EXIT_USAGE;
    }
    return 0;
}

int
source_search(source *s, const kq_query *q, int flags, size_t nOffset,
              size_t nLimit, kq_hit **paHit, size_t *pnHit, uint64_t *pnTotal,
              char **pzErr)
{
    if (s->pX) {
        /* The commands refuse the date orders for Xapian beforehand. */
        return kqi_xsearch(s->pX, q, nOffset, nLimit, paHit, pnHit, pnTotal,
                           pzErr);
    }
    return kq_search_ex(s->pIdx, q, flags, nOffset, nLimit, paHit, pnHit,
                        pnTotal, NULL, pzErr);
}

static int
cmp_hit_doc(const void *a, const void *b)
{
    kq_docid x = ((const kq_hit *)a)->iDoc, y = ((const kq_hit *)b)->iDoc;
    return x < y ? -1 : x > y;
}

int
source_each_match(source *s, const kq_query *q, void *pCtx, kq_match_fn x,
                  char **pzErr)
{
    if (s->pIdx) {
        return kq_search_each(s->pIdx, q, pCtx, x, pzErr);
    }
    /* Xapian: every hit, then in docid order; no occurrence counts. */
    uint64_t nTotal = 0;
    size_t nHit = 0;
    kq_hit *aHit = NULL;
    int rc = kqi_xsearch(s->pX, q, 0, 0, &aHit, &nHit, &nTotal, pzErr);
    free(aHit);
    aHit = NULL;
    if (rc == KQ_OK && nTotal > 0) {
        rc = kqi_xsearch(s->pX, q, 0, (size_t)nTotal, &aHit, &nHit, &nTotal,
                         pzErr);
    }
    if (rc == KQ_OK && nHit > 0) {
        /* (no hits: aHit is NULL, which qsort must not be given) */
        qsort(aHit, nHit, sizeof(kq_hit), cmp_hit_doc);
        for (size_t i = 0; rc == KQ_OK && i < nHit; i++) {
            rc = x(pCtx, aHit[i].iDoc, aHit[i].score, 0);
        }
    }
    free(aHit);
    return rc;
}

int
source_matcher(source *s, const kq_query *q, kq_matcher **ppOut, char **pzErr)
{
    if (s->pX) {
        return kqi_xmatcher_new(s->pX, source_analyzer(s), q, ppOut, pzErr);
    }
    return kq_matcher_new(s->pIdx, q, ppOut, pzErr);
}

/* The public API has no way to walk the live documents, so this reads the
** segment table and deletion bitmaps of kq_int.h (as kq stats, cmd_info.c,
** reads the segments' statistics). */
int
source_each_doc(source *s, void *pCtx, doc_fn x, kq_docid *pnDocid)
{
    kq_index *p = s->pIdx;
    kq_docid nDocid = 0;
    int rc = KQ_OK;
    if (p == NULL) {
        return KQ_MISUSE;
    }
    for (u32 i = 0; rc == KQ_OK && i < p->man.nSeg; i++) {
        const kqi_segment *g = &p->aSeg[i];
        if (g->iBase + g->meta.nDoc > nDocid) {
            nDocid = g->iBase + g->meta.nDoc;
        }
    }
    if (pnDocid) {
        *pnDocid = nDocid;
    }
    for (u32 i = 0; x && rc == KQ_OK && i < p->man.nSeg; i++) {
        const kqi_segment *g = &p->aSeg[i];
        for (u32 k = 0; rc == KQ_OK && k < g->meta.nDoc; k++) {
            if (!kqi_is_deleted(g->aDel, k)) {
                rc = x(pCtx, g->iBase + k);
            }
        }
    }
    return rc;
}

void
hitdoc_clear(hitdoc *d)
{
    free(d->zId);
    free(d->zTitle);
    free(d->zDate);
    free(d->zSource);
    for (int i = 0; i < d->nField; i++) {
        free(d->azFieldName[i]);
        free(d->azFieldValue[i]);
    }
    free(d->azFieldName);
    free(d->azFieldValue);
    free(d->zRawTitle);
    free(d->zText);
    memset(d, 0, sizeof(*d));
}

const char *
hitdoc_field(const hitdoc *d, const char *zName)
{
    for (int i = 0; i < d->nField; i++) {
        if (strcmp(d->azFieldName[i], zName) == 0) {
            return d->azFieldValue[i];
        }
    }
    return NULL;
}

static char *
dup_bytes(const char *z, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        if (n) {
            memcpy(p, z, n);
        }
        p[n] = 0;
    }
    return p;
}

static int
doc_native(source *s, kq_docid iDoc, int flags, hitdoc *d, char **pzErr)
{
    kq_docinfo info;
    memset(&info, 0, sizeof(info));
    int rc = kq_index_doc(s->pIdx, iDoc, &info, pzErr);
    if (rc) {
        return rc;
    }
    d->zId = dup_bytes(info.zId, info.nId);
    d->nId = info.nId;
    d->zTitle = kqi_utf8_clean(info.zTitle, info.nTitle, 1);
    d->zDate = kqi_utf8_clean(info.zDate, info.nDate, 1);
    d->zSource = kqi_utf8_clean(info.zSource, info.nSource, 1);
    d->zRawTitle = dup_bytes(info.zTitle, info.nTitle);
    d->nRawTitle = info.nTitle;
    if (flags & SRC_TOKENS) {
        d->nLen = kq_docinfo_tokens(s->pIdx, &info);
    }
    if (!d->zId || !d->zTitle || !d->zDate || !d->zSource || !d->zRawTitle) {
        return KQ_NOMEM;
    }
    if (info.nField > 0) {
        d->azFieldName = calloc((size_t)info.nField, sizeof(char *));
        d->azFieldValue = calloc((size_t)info.nField, sizeof(char *));
        if (!d->azFieldName || !d->azFieldValue) {
            return KQ_NOMEM;
        }
        for (int i = 0; i < info.nField; i++) {
            const char *zN, *zV;
            size_t nN, nV;
            rc = kq_docinfo_field(&info, i, &zN, &nN, &zV, &nV);
            if (rc) {
                return kqi_err(pzErr, rc,
                               "%s: document %.*s: damaged "
                               "extra field %d",
                               s->zDir, (int)d->nId, d->zId, i);
            }
            d->azFieldName[i] = kqi_utf8_clean(zN, nN, 1);
            d->azFieldValue[i] = kqi_utf8_clean(zV, nV, 1);
            d->nField = i + 1;
            if (!d->azFieldName[i] || !d->azFieldValue[i]) {
                return KQ_NOMEM;
            }
        }
    }
    if (flags & SRC_TEXT) {
        rc = kq_index_text(s->pIdx, iDoc, &d->zText, &d->nText, pzErr);
    }
    return rc;
}

static int
doc_xapian(source *s, kq_docid iDoc, int flags, hitdoc *d, char **pzErr)
{
    static const int aSlot[4] = {KQX_VALUE_ID, KQX_VALUE_TITLE, KQX_VALUE_DATE,
                                 KQX_VALUE_SOURCE};
    char **az[4] = {&d->zId, &d->zTitle, &d->zDate, &d->zSource};
    int rc = KQ_OK;
    for (int i = 0; rc == KQ_OK && i < 4; i++) {
        char *z = NULL;
        size_t n = 0;
        rc = kqi_xdoc(s->pX, iDoc, aSlot[i], &z, &n, pzErr);
        if (rc == KQ_OK) {
            *az[i] = i == 0 ? dup_bytes(z, n) : kqi_utf8_clean(z, n, 1);
            if (i == 0) {
                d->nId = n;
            }
            if (i == 1) {
                d->zRawTitle = dup_bytes(z, n);
                d->nRawTitle = n;
                if (d->zRawTitle == NULL) {
                    rc = KQ_NOMEM;
                }
            }
            if (*az[i] == NULL) {
                rc = KQ_NOMEM;
            }
        }
        free(z);
    }
    if (rc == KQ_OK && (flags & SRC_TEXT)) {
        rc = kqi_xdoc(s->pX, iDoc, -1, &d->zText, &d->nText, pzErr);
    }
    return rc;
}

int
source_doc(source *s, kq_docid iDoc, int flags, hitdoc *d, char **pzErr)
{
    memset(d, 0, sizeof(*d));
    int rc = s->pX ? doc_xapian(s, iDoc, flags, d, pzErr)
                   : doc_native(s, iDoc, flags, d, pzErr);
    if (rc) {
        hitdoc_clear(d);
    }
    return rc;
}
