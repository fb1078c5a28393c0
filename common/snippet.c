/*
** snippet.c -- a short extract of a document around the query's matches.
**
** The matches come from kq_matcher (match.c), located in the stored body
** by kq_match_locate(): a phrase is one match, highlighted as one range.
** The body is split into tokens again (the index's analyzer, so windows
** are counted in words); the window of nWord tokens holding the most
** distinct parts of the query (then the most matches) is chosen, and its
** text is copied with runs of white space collapsed and invalid UTF-8
** replaced by U+FFFD, recording the byte ranges of the matches in it.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Only the start of very long documents is searched for a snippet. */
#define SNIPPET_SCAN (1u << 20)

typedef struct stok {
    size_t iStart, iEnd;
    long iMatch; /* the match it is part of, or -1 */
    int iPart;   /* that match's part of the query */
} stok;

typedef struct sctx {
    stok *a;
    size_t n, nAlloc;
    int nPart; /* parts: 0 .. nPart-1 */
    int rc;
} sctx;

static int
tok_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
       size_t iStart, size_t iEnd)
{
    sctx *s = pCtx;
    KQ_UNUSED(zTerm);
    KQ_UNUSED(nTerm);
    KQ_UNUSED(iPos);
    if (kq_grow(&s->a, sizeof(stok), &s->nAlloc, s->n + 1, 256)) {
        return s->rc = KQ_NOMEM;
    }
    stok *t = &s->a[s->n++];
    t->iStart = iStart;
    t->iEnd = iEnd;
    t->iMatch = -1;
    t->iPart = -1;
    return 0;
}

void
kq_snippet_clear(kq_snippet *p)
{
    free(p->zText);
    free(p->aHl);
    free(p->aSrcHl);
    memset(p, 0, sizeof(*p));
}

/* Append z[0..n) to b as clean UTF-8 with white space collapsed (unless
** pbSpace is NULL). */
static void
append_clean(kq_buf *b, const u8 *z, size_t n, int *pbSpace)
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
        /* Control characters (C0, DEL and C1, which a terminal may take
        ** for commands) count as white space. */
        int bSpace = c < 0x20 || (c >= 0x7f && c < 0xa0) || c == ' ' ||
                     utf8proc_category(c) == UTF8PROC_CATEGORY_ZS ||
                     utf8proc_category(c) == UTF8PROC_CATEGORY_ZL ||
                     utf8proc_category(c) == UTF8PROC_CATEGORY_ZP;
        if (bSpace && pbSpace) {
            if (!*pbSpace) {
                kq_buf_putc(b, ' ');
            }
            *pbSpace = 1;
            continue;
        }
        if (pbSpace) {
            *pbSpace = 0;
        }
        u8 a[4];
        kq_buf_append(b, a, (size_t)utf8proc_encode_char(c, a));
    }
}

/* The tokens of zText[0..nScan), each marked with the body match (of
** a[0..n), in text order) that covers it. */
static int
scan_text(sctx *s, kq_analyzer *pA, const char *zText, size_t nScan,
          const kq_match *a, size_t n)
{
    memset(s, 0, sizeof(*s));
    kq_analyze(pA, KQ_ANALYZE_NOSTEM, zText, nScan, 0, NULL, s, tok_cb);
    size_t k = 0;
    for (size_t i = 0; s->rc == KQ_OK && i < n; i++) {
        if (a[i].bTitle || a[i].iStart >= a[i].iEnd) {
            continue;
        }
        if (a[i].iPart >= s->nPart) {
            s->nPart = a[i].iPart + 1;
        }
        while (k > 0 && s->a[k - 1].iStart >= a[i].iStart) {
            k--; /* matches may overlap: look back */
        }
        while (k < s->n && s->a[k].iStart < a[i].iStart) {
            k++;
        }
        for (size_t j = k; j < s->n && s->a[j].iEnd <= a[i].iEnd; j++) {
            if (s->a[j].iMatch < 0) {
                s->a[j].iMatch = (long)i;
                s->a[j].iPart = a[i].iPart;
            }
        }
    }
    if (s->rc) {
        free(s->a);
        s->a = NULL;
    }
    return s->rc;
}

/* The best window of nWord tokens that uses no token of abUsed (most
** distinct parts of the query, then most matches): its first token in
** *piBest; its score, or -1 when no window with a match is left (-2: out
** of memory). */
static long
best_window(const sctx *s, const u8 *abUsed, size_t nWord, size_t *piBest)
{
    size_t iBest = 0;
    long bestScore = -1;
    int *aCount = calloc((size_t)s->nPart + 1, sizeof(int));
    int nDistinct = 0, nMatch = 0;
    if (aCount == NULL) {
        *piBest = 0;
        return -2;
    }
    size_t nUsed = 0; /* used tokens inside the window */
    for (size_t i = 0; i < s->n; i++) {
        int t = s->a[i].iPart;
        nUsed += abUsed[i];
        if (t >= 0 && !abUsed[i]) {
            nMatch += i == 0 || s->a[i - 1].iMatch != s->a[i].iMatch;
            if (aCount[t]++ == 0) {
                nDistinct++;
            }
        }
        if (i >= nWord) {
            size_t o = i - nWord;
            int u = s->a[o].iPart;
            nUsed -= abUsed[o];
            if (u >= 0 && !abUsed[o]) {
                nMatch -= o == 0 || s->a[o - 1].iMatch != s->a[o].iMatch;
                if (--aCount[u] == 0) {
                    nDistinct--;
                }
            }
        }
        if (nUsed) {
            continue;
        }
        size_t iStartWin = i + 1 >= nWord ? i + 1 - nWord : 0;
        long score = (long)nDistinct * 100000 + nMatch;
        if (nMatch > 0 && score > bestScore) {
            bestScore = score;
            iBest = iStartWin;
        }
    }
    free(aCount);
    *piBest = iBest;
    return bestScore;
}

/* Render tokens [iFirst, iEnd) of the scanned text as snippet *pOut. */
static int
render(const sctx *s, const char *zText, size_t nText, size_t nScan,
       size_t iFirst, size_t iEnd, kq_snippet *pOut)
{
    kq_buf b = {0};
    kq_buf hl = {0};
    kq_buf src = {0};
    int bSpace = 1;
    memset(pOut, 0, sizeof(*pOut));
    if (s->n == 0 || iFirst >= iEnd) {
        /* No words at all: the text's beginning, cleaned. */
        size_t n = nText < 200 ? nText : 200;
        append_clean(&b, (const u8 *)zText, n, &bSpace);
        pOut->iSrcStart = 0;
        pOut->iSrcEnd = n;
    } else {
        if (iFirst > 0) {
            kq_buf_append(&b, "\xe2\x80\xa6", 3); /* ... */
            bSpace = 0;
        }
        size_t iPrevEnd = s->a[iFirst].iStart;
        for (size_t i = iFirst; i < iEnd; i++) {
            const stok *t = &s->a[i];
            append_clean(&b, (const u8 *)zText + iPrevEnd,
                         t->iStart - iPrevEnd, &bSpace);
            size_t h0 = b.n;
            append_clean(&b, (const u8 *)zText + t->iStart,
                         t->iEnd - t->iStart, &bSpace);
            if (t->iMatch >= 0) {
                /* A match of several tokens is one highlight: it grows
                ** the last one when it continues it. */
                int bSame = i > iFirst && s->a[i - 1].iMatch == t->iMatch;
                if (bSame && hl.n >= 2 * sizeof(size_t)) {
                    memcpy(hl.a + hl.n - sizeof(size_t), &b.n, sizeof(size_t));
                    memcpy(src.a + src.n - sizeof(size_t), &t->iEnd,
                           sizeof(size_t));
                } else {
                    kq_buf_append(&hl, &h0, sizeof(size_t));
                    kq_buf_append(&hl, &b.n, sizeof(size_t));
                    kq_buf_append(&src, &t->iStart, sizeof(size_t));
                    kq_buf_append(&src, &t->iEnd, sizeof(size_t));
                }
            }
            iPrevEnd = t->iEnd;
        }
        if (iEnd < s->n || nScan < nText) {
            kq_buf_append(&b, "\xe2\x80\xa6", 3);
        }
        pOut->iSrcStart = s->a[iFirst].iStart;
        pOut->iSrcEnd = s->a[iEnd - 1].iEnd;
    }
    kq_buf_putc(&b, 0);
    if (b.rc || hl.rc || src.rc) {
        kq_buf_free(&b);
        kq_buf_free(&hl);
        kq_buf_free(&src);
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
    pOut->aSrcHl = (size_t *)src.a;
    return KQ_OK;
}

/* Where a window starting at token iBest is shown from: a few words before
** its first match when it fits. */
static size_t
window_start(const sctx *s, size_t iBest, size_t nWord)
{
    size_t iFirst = iBest;
    while (iFirst < s->n && iFirst < iBest + nWord &&
           s->a[iFirst].iMatch < 0) {
        iFirst++;
    }
    if (iFirst < s->n && iFirst > iBest + 3) {
        return iFirst - 3;
    }
    return iBest;
}

int
kq_snippets_make(kq_analyzer *pA, const char *zText, size_t nText,
                 const kq_match *aMatch, size_t nMatch, size_t nWord, int nMax,
                 kq_snippet **paOut, int *pnOut)
{
    *paOut = NULL;
    *pnOut = 0;
    if (nMax < 1) {
        nMax = 1;
    }
    if (nWord == 0) {
        nWord = 1;
    }
    sctx s;
    size_t nScan = nText < SNIPPET_SCAN ? nText : SNIPPET_SCAN;
    int rc = scan_text(&s, pA, zText, nScan, aMatch, nMatch);
    if (rc) {
        return rc;
    }
    kq_snippet *a = calloc((size_t)nMax, sizeof(kq_snippet));
    u8 *abUsed = calloc(s.n + 1, 1);
    if (a == NULL || abUsed == NULL) {
        free(a);
        free(abUsed);
        free(s.a);
        return KQ_NOMEM;
    }
    int n = 0;
    while (rc == KQ_OK && n < nMax) {
        size_t iBest;
        long score = best_window(&s, abUsed, nWord, &iBest);
        if (score == -2) {
            rc = KQ_NOMEM;
            break;
        }
        if (score < 0) {
            if (n == 0) {
                /* No match: the text's first words. */
                rc = render(&s, zText, nText, nScan, 0,
                            nWord < s.n ? nWord : s.n, &a[n++]);
            }
            break;
        }
        size_t iFirst = window_start(&s, iBest, nWord);
        size_t iEnd = iFirst + nWord < s.n ? iFirst + nWord : s.n;
        /* The shifted window must not run into an earlier snippet. */
        for (size_t i = iFirst; i < iEnd; i++) {
            if (abUsed[i]) {
                iFirst = iBest;
                iEnd = iBest + nWord < s.n ? iBest + nWord : s.n;
                break;
            }
        }
        rc = render(&s, zText, nText, nScan, iFirst, iEnd, &a[n++]);
        for (size_t i = iFirst; i < iEnd; i++) {
            abUsed[i] = 1;
        }
    }
    free(abUsed);
    free(s.a);
    if (rc) {
        kq_snippets_free(a, n);
        return rc;
    }
    *paOut = a;
    *pnOut = n;
    return KQ_OK;
}

void
kq_snippets_free(kq_snippet *a, int n)
{
    for (int i = 0; a && i < n; i++) {
        kq_snippet_clear(&a[i]);
    }
    free(a);
}

char *
kq_utf8_clean(const char *z, size_t n, int bCollapse)
{
    kq_buf b = {0};
    int bSpace = 1;
    append_clean(&b, (const u8 *)z, n, bCollapse ? &bSpace : NULL);
    if (bCollapse) {
        while (b.n > 0 && b.a[b.n - 1] == ' ') {
            b.n--;
        }
    }
    kq_buf_putc(&b, 0);
    if (b.rc) {
        kq_buf_free(&b);
        return NULL;
    }
    return (char *)b.a;
}
