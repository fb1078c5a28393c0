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
    int bExact;          /* =word: z is the folded word, matched unstemmed */
} qterm;

typedef struct stok {
    size_t iStart, iEnd;
    int iTerm;           /* matching query term, or -1 */
} stok;

typedef struct sctx {
    qterm aQ[MAX_QTERM];
    int nQ;
    int bAnyPrefix;
    int bAnyExact;
    stok *a;
    size_t n, nAlloc;
    int rc;
} sctx;

static void
collect_terms(sctx *s, const kqi_qnode *q)
{
    if (q->eField == KQI_FIELD_SOURCE || q->eField == KQI_FIELD_EXTRA) {
        return;   /* not words of the text */
    }
    switch (q->eType) {
    case KQI_Q_EXACT:
        if (s->nQ < MAX_QTERM) {
            qterm *t = &s->aQ[s->nQ++];
            t->z = q->zWord;
            t->n = q->nWord;
            t->bPrefix = 0;
            t->bExact = 1;
            s->bAnyExact = 1;
        }
        break;
    case KQI_Q_DATE:
    case KQI_Q_ID:
        break;
    case KQI_Q_TERM:
    case KQI_Q_PREFIX:
        if (q->bNever) {
            break;   /* matches nothing: nothing to highlight */
        }
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

/* The query term z[0..n) matches: pass 0 stems, 1 prefixes, 2 exact words
** (-1: none). */
static int
match(const sctx *s, const char *z, size_t n, int ePass)
{
    for (int i = 0; i < s->nQ; i++) {
        const qterm *t = &s->aQ[i];
        if ((ePass == 0 && (t->bPrefix || t->bExact)) ||
            (ePass == 1 && !t->bPrefix) || (ePass == 2 && !t->bExact)) {
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

/* Second and third passes, for prefixes and =words: tokens unstemmed,
** matched to the first pass's by byte range. */
typedef struct ppass {
    sctx *s;
    size_t i;
    int ePass;           /* 1 prefixes, 2 exact words (see match()) */
} ppass;

static int
unstemmed_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
             size_t iStart, size_t iEnd)
{
    ppass *p = pCtx;
    sctx *s = p->s;
    while (p->i < s->n && s->a[p->i].iStart < iStart) {
        p->i++;
    }
    if (p->i < s->n && s->a[p->i].iStart == iStart && s->a[p->i].iTerm < 0) {
        s->a[p->i].iTerm = match(s, zTerm, nTerm, p->ePass);
    }
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
        /* Control characters (C0, DEL and C1, which a terminal may take
        ** for commands) count as white space. */
        int bSpace = c < 0x20 || (c >= 0x7f && c < 0xa0) || c == ' ' ||
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

/* Analyse zText for q's words (both passes): s->a[] gets every token with
** the query term it matches, or -1. */
static int
scan_text(sctx *s, kq_analyzer *pA, const kq_query *q, const char *zText,
          size_t nScan)
{
    memset(s, 0, sizeof(*s));
    collect_terms(s, q->pRoot);
    kq_analyze(pA, 0, zText, nScan, 0, NULL, s, tok_cb);
    for (int ePass = 1; ePass <= 2 && s->rc == KQ_OK; ePass++) {
        if (ePass == 1 ? s->bAnyPrefix : s->bAnyExact) {
            ppass pp = {s, 0, ePass};
            kq_analyze(pA, KQ_ANALYZE_NOSTEM, zText, nScan, 0, NULL, &pp,
                       unstemmed_cb);
        }
    }
    if (s->rc) {
        free(s->a);
        s->a = NULL;
    }
    return s->rc;
}

/* The best window of nWord tokens that uses no token of abUsed (most
** distinct query terms, then most matches): its first token in *piBest;
** its score, or -1 when no window with a match is left. */
static long
best_window(const sctx *s, const u8 *abUsed, size_t nWord, size_t *piBest)
{
    size_t iBest = 0;
    long bestScore = -1;
    int aCount[MAX_QTERM] = {0};
    int nDistinct = 0, nMatch = 0;
    size_t nUsed = 0;    /* used tokens inside the window */
    for (size_t i = 0; i < s->n; i++) {
        int t = s->a[i].iTerm;
        nUsed += abUsed[i];
        if (t >= 0 && !abUsed[i]) {
            nMatch++;
            if (aCount[t]++ == 0) {
                nDistinct++;
            }
        }
        if (i >= nWord) {
            size_t o = i - nWord;
            int u = s->a[o].iTerm;
            nUsed -= abUsed[o];
            if (u >= 0 && !abUsed[o]) {
                nMatch--;
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
    *piBest = iBest;
    return bestScore;
}

/* Render tokens [iFirst, iEnd) of the scanned text as snippet *pOut. */
static int
render(const sctx *s, const char *zText, size_t nText, size_t nScan,
       size_t iFirst, size_t iEnd, kq_snippet *pOut)
{
    kqi_buf b = {0};
    kqi_buf hl = {0};
    kqi_buf src = {0};
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
            kqi_buf_append(&b, "\xe2\x80\xa6", 3);   /* ... */
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
            if (t->iTerm >= 0) {
                kqi_buf_append(&hl, &h0, sizeof(size_t));
                kqi_buf_append(&hl, &b.n, sizeof(size_t));
                kqi_buf_append(&src, &t->iStart, sizeof(size_t));
                kqi_buf_append(&src, &t->iEnd, sizeof(size_t));
            }
            iPrevEnd = t->iEnd;
        }
        if (iEnd < s->n || nScan < nText) {
            kqi_buf_append(&b, "\xe2\x80\xa6", 3);
        }
        pOut->iSrcStart = s->a[iFirst].iStart;
        pOut->iSrcEnd = s->a[iEnd - 1].iEnd;
    }
    kqi_buf_putc(&b, 0);
    if (b.rc || hl.rc || src.rc) {
        kqi_buf_free(&b);
        kqi_buf_free(&hl);
        kqi_buf_free(&src);
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
    while (iFirst < s->n && iFirst < iBest + nWord && s->a[iFirst].iTerm < 0) {
        iFirst++;
    }
    if (iFirst < s->n && iFirst > iBest + 3) {
        return iFirst - 3;
    }
    return iBest;
}

int
kq_snippets_make(kq_analyzer *pA, const kq_query *q, const char *zText,
                 size_t nText, size_t nWord, int nMax, kq_snippet **paOut,
                 int *pnOut)
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
    int rc = scan_text(&s, pA, q, zText, nScan);
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

int
kq_snippet_make(kq_analyzer *pA, const kq_query *q, const char *zText,
                size_t nText, size_t nWord, kq_snippet *pOut)
{
    kq_snippet *a;
    int n;
    memset(pOut, 0, sizeof(*pOut));
    int rc = kq_snippets_make(pA, q, zText, nText, nWord, 1, &a, &n);
    if (rc == KQ_OK) {
        *pOut = a[0];
        free(a);
    }
    return rc;
}

int
kq_query_spans(kq_analyzer *pA, const kq_query *q, const char *zText,
               size_t nText, kq_span **paSpan, size_t *pnSpan)
{
    *paSpan = NULL;
    *pnSpan = 0;
    sctx s;
    int rc = scan_text(&s, pA, q, zText, nText);
    if (rc) {
        return rc;
    }
    size_t n = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.a[i].iTerm >= 0) {
            s.a[n].iStart = s.a[i].iStart;
            s.a[n].iEnd = s.a[i].iEnd;
            n++;
        }
    }
    kq_span *a = malloc(sizeof(kq_span) * (n ? n : 1));
    if (a == NULL) {
        free(s.a);
        return KQ_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        a[i].iStart = s.a[i].iStart;
        a[i].iEnd = s.a[i].iEnd;
    }
    free(s.a);
    *paSpan = a;
    *pnSpan = n;
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
