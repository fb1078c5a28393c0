/*
** snippet.c -- a short extract of a document around the query's words.
**
** The stored body is analysed with the index's analyzer (so "ceasefires"
** lights up for the query "ceasefire"), the window of nWord tokens with the
** most distinct query terms (then the most matches) is chosen, and its text
** is copied with runs of white space collapsed and invalid UTF-8 replaced
** by U+FFFD, recording the byte ranges of the matching words.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Only the start of very long documents is searched for a snippet. */
#define SNIPPET_SCAN (1u << 20)
#define MAX_QTERM 64

typedef struct qterm {
    const char *z;
    size_t n;
    int bPrefix;
} qterm;

typedef struct stok {
    size_t iStart, iEnd;
    int iTerm;           /* matching query term, or -1 */
} stok;

typedef struct sctx {
    qterm aQ[MAX_QTERM];
    int nQ;
    int bAnyPrefix;
    stok *a;
    size_t n, nAlloc;
    int rc;
} sctx;

static void
collect_terms(sctx *s, const kqi_qnode *q)
{
    switch (q->eType) {
    case KQI_Q_TERM:
    case KQI_Q_PREFIX:
        if (s->nQ < MAX_QTERM) {
            qterm *t = &s->aQ[s->nQ++];
            t->z = q->zTerm;
            t->n = q->nTerm;
            t->bPrefix = q->eType == KQI_Q_PREFIX;
            s->bAnyPrefix |= t->bPrefix;
        }
        break;
    case KQI_Q_NOT:
        break;   /* excluded words are not highlighted */
    default:
        for (int i = 0; i < q->nChild; i++) {
            collect_terms(s, q->aChild[i]);
        }
    }
}

static int
match(const sctx *s, const char *z, size_t n, int bPrefixPass)
{
    for (int i = 0; i < s->nQ; i++) {
        const qterm *t = &s->aQ[i];
        if (t->bPrefix != bPrefixPass) {
            continue;
        }
        if (t->bPrefix ? (n >= t->n && memcmp(z, t->z, t->n) == 0)
                       : (n == t->n && memcmp(z, t->z, n) == 0)) {
            return i;
        }
    }
    return -1;
}

static int
tok_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
       size_t iStart, size_t iEnd)
{
    sctx *s = pCtx;
    if (s->n == s->nAlloc) {
        size_t nNew = s->nAlloc ? s->nAlloc * 2 : 256;
        stok *a = realloc(s->a, nNew * sizeof(stok));
        if (a == NULL) {
            return s->rc = KQ_NOMEM;
        }
        s->a = a;
        s->nAlloc = nNew;
    }
    stok *t = &s->a[s->n++];
    t->iStart = iStart;
    t->iEnd = iEnd;
    t->iTerm = match(s, zTerm, nTerm, 0);
    return 0;
}

/* Second pass for prefixes: tokens unstemmed, matched by byte range. */
typedef struct ppass {
    sctx *s;
    size_t i;
} ppass;

static int
prefix_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
          size_t iStart, size_t iEnd)
{
    ppass *p = pCtx;
    sctx *s = p->s;
    while (p->i < s->n && s->a[p->i].iStart < iStart) {
        p->i++;
    }
    if (p->i < s->n && s->a[p->i].iStart == iStart && s->a[p->i].iTerm < 0) {
        s->a[p->i].iTerm = match(s, zTerm, nTerm, 1);
    }
    return 0;
}

void
kq_snippet_clear(kq_snippet *p)
{
    free(p->zText);
    free(p->aHl);
    memset(p, 0, sizeof(*p));
}

/* Append z[0..n) to b as clean UTF-8 with white space collapsed (unless
** pbSpace is NULL). */
static void
append_clean(kqi_buf *b, const u8 *z, size_t n, int *pbSpace)
{
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t c;
        utf8proc_ssize_t l;
        if (z[i] < 0x80) {
            c = z[i];
            l = 1;
        } else {
            l = utf8proc_iterate(z + i, (utf8proc_ssize_t)(n - i), &c);
            if (l < 0) {
                c = 0xfffd;
                l = 1;
            }
        }
        i += (size_t)l;
        int bSpace = c < 0x20 || c == 0x7f || c == ' ' ||
                     utf8proc_category(c) == UTF8PROC_CATEGORY_ZS ||
                     utf8proc_category(c) == UTF8PROC_CATEGORY_ZL ||
                     utf8proc_category(c) == UTF8PROC_CATEGORY_ZP;
        if (bSpace && pbSpace) {
            if (!*pbSpace) {
                kqi_buf_putc(b, ' ');
            }
            *pbSpace = 1;
            continue;
        }
        if (pbSpace) {
            *pbSpace = 0;
        }
        u8 a[4];
        kqi_buf_append(b, a, (size_t)utf8proc_encode_char(c, a));
    }
}

int
kq_snippet_make(kq_analyzer *pA, const kq_query *q, const char *zText,
                size_t nText, size_t nWord, kq_snippet *pOut)
{
    memset(pOut, 0, sizeof(*pOut));
    sctx s;
    memset(&s, 0, sizeof(s));
    collect_terms(&s, q->pRoot);
    size_t nScan = nText < SNIPPET_SCAN ? nText : SNIPPET_SCAN;
    kq_analyze(pA, 0, zText, nScan, 0, NULL, &s, tok_cb);
    if (s.rc == KQ_OK && s.bAnyPrefix) {
        ppass pp = {&s, 0};
        kq_analyze(pA, KQ_ANALYZE_NOSTEM, zText, nScan, 0, NULL, &pp,
                   prefix_cb);
    }
    if (s.rc) {
        free(s.a);
        return s.rc;
    }
    if (nWord == 0) {
        nWord = 1;
    }
    /* Slide a window of nWord tokens; keep the best. */
    size_t iBest = 0;
    long bestScore = -1;
    int aCount[MAX_QTERM] = {0};
    int nDistinct = 0, nMatch = 0;
    for (size_t i = 0; i < s.n; i++) {
        int t = s.a[i].iTerm;
        if (t >= 0) {
            nMatch++;
            if (aCount[t]++ == 0) {
                nDistinct++;
            }
        }
        if (i >= nWord) {
            int u = s.a[i - nWord].iTerm;
            if (u >= 0) {
                nMatch--;
                if (--aCount[u] == 0) {
                    nDistinct--;
                }
            }
        }
        size_t iStartWin = i + 1 >= nWord ? i + 1 - nWord : 0;
        long score = (long)nDistinct * 100000 + nMatch;
        if (score > bestScore && (nMatch > 0 || bestScore < 0)) {
            bestScore = score;
            iBest = iStartWin;
        }
    }
    /* Start the window a few words before the first match when it fits. */
    if (s.n > 0) {
        size_t iFirst = iBest;
        while (iFirst < s.n && iFirst < iBest + nWord && s.a[iFirst].iTerm < 0) {
            iFirst++;
        }
        if (iFirst < s.n && iFirst > iBest + 3) {
            iBest = iFirst - 3;
        }
    }
    size_t iEndTok = iBest + nWord < s.n ? iBest + nWord : s.n;

    kqi_buf b = {0};
    kqi_buf hl = {0};
    int bSpace = 1;
    if (s.n == 0) {
        /* No words at all: the text's beginning, cleaned. */
        append_clean(&b, (const u8 *)zText, nText < 200 ? nText : 200, &bSpace);
    } else {
        if (iBest > 0) {
            kqi_buf_append(&b, "\xe2\x80\xa6", 3);   /* ... */
            bSpace = 0;
        }
        size_t iPrevEnd = s.a[iBest].iStart;
        for (size_t i = iBest; i < iEndTok; i++) {
            const stok *t = &s.a[i];
            append_clean(&b, (const u8 *)zText + iPrevEnd,
                         t->iStart - iPrevEnd, &bSpace);
            size_t h0 = b.n;
            append_clean(&b, (const u8 *)zText + t->iStart,
                         t->iEnd - t->iStart, &bSpace);
            if (t->iTerm >= 0) {
                kqi_buf_append(&hl, &h0, sizeof(size_t));
                kqi_buf_append(&hl, &b.n, sizeof(size_t));
            }
            iPrevEnd = t->iEnd;
        }
        if (iEndTok < s.n || nScan < nText) {
            kqi_buf_append(&b, "\xe2\x80\xa6", 3);
        }
    }
    kqi_buf_putc(&b, 0);
    free(s.a);
    if (b.rc || hl.rc) {
        kqi_buf_free(&b);
        kqi_buf_free(&hl);
        return KQ_NOMEM;
    }
    /* Trim a trailing space (before the NUL). */
    size_t n = b.n - 1;
    while (n > 0 && b.a[n - 1] == ' ') {
        b.a[--n] = 0;
    }
    pOut->zText = (char *)b.a;
    pOut->nText = n;
    pOut->aHl = (size_t *)hl.a;
    pOut->nHl = hl.n / (2 * sizeof(size_t));
    return KQ_OK;
}

char *
kqi_utf8_clean(const char *z, size_t n, int bCollapse)
{
    kqi_buf b = {0};
    int bSpace = 1;
    append_clean(&b, (const u8 *)z, n, bCollapse ? &bSpace : NULL);
    if (bCollapse) {
        while (b.n > 0 && b.a[b.n - 1] == ' ') {
            b.n--;
        }
    }
    kqi_buf_putc(&b, 0);
    if (b.rc) {
        kqi_buf_free(&b);
        return NULL;
    }
    return (char *)b.a;
}
