/*
** pattern.c -- does a vocabulary word fit a query word's pattern?  The
** matchers of the expanding query words (query.c parses them;
** search/expand.c and xbackend.c walk the dictionary with them):
**
**   wildcard  "*" is any run of characters (possibly none), "?" exactly one
**             character; everything else stands for itself
**   fuzzy     the optimal-string-alignment (restricted Damerau-Levenshtein)
**             distance, what Lucene's FuzzyQuery counts: an insertion, a
**             deletion, a substitution or a transposition of two adjacent
**             characters is one edit, and no substring is edited twice
**
** Both count characters, not bytes: the words are the index's folded
** words, valid UTF-8 (a byte that is not is one character of its own, so
** damaged input cannot make the matchers read past a word).
*/
#include "kq_int.h"

#include <string.h>

/* The length of the UTF-8 character at z[0..n), n > 0: its lead byte and
** the continuation bytes that follow (at most 3). */
static size_t
char_len(const char *z, size_t n)
{
    size_t k = 1;
    while (k < n && k < 4 && ((u8)z[k] & 0xc0) == 0x80) {
        k++;
    }
    return k;
}

size_t
kqi_utf8_chars(const char *z, size_t n)
{
    size_t nChar = 0;
    for (size_t i = 0; i < n; i += char_len(z + i, n - i)) {
        nChar++;
    }
    return nChar;
}

int
kqi_wild_match(const char *zPat, size_t nPat, const char *z, size_t n)
{
    /* Greedy matching with a return to the last star: each star is
    ** re-tried from one character further on, so the work is at most
    ** nPat * n steps. */
    size_t p = 0, i = 0;
    size_t pStar = (size_t)-1, iStar = 0;
    while (i < n) {
        if (p < nPat && zPat[p] == '*') {
            pStar = ++p;
            iStar = i;
        } else if (p < nPat && zPat[p] == '?') {
            p++;
            i += char_len(z + i, n - i);
        } else if (p < nPat && zPat[p] == z[i]) {
            p++;
            i++;
        } else if (pStar != (size_t)-1) {
            p = pStar;
            iStar += char_len(z + iStar, n - iStar);
            i = iStar;
        } else {
            return 0;
        }
    }
    while (p < nPat && zPat[p] == '*') {
        p++;
    }
    return p == nPat;
}

/* Decode z[0..n) into at most nMax characters (each its bytes as one
** number); the count, or nMax + 1 if there are more. */
static int
decode(const char *z, size_t n, u32 *a, int nMax)
{
    int k = 0;
    for (size_t i = 0; i < n;) {
        size_t m = char_len(z + i, n - i);
        if (k == nMax) {
            return nMax + 1;
        }
        u32 c = 0;
        for (size_t j = 0; j < m; j++) {
            c = (c << 8) | (u8)z[i + j];
        }
        a[k++] = c;
        i += m;
    }
    return k;
}

int
kq_edit_distance(const char *zA, size_t nA, const char *zB, size_t nB,
                 int nMax)
{
    /* Characters of words the index can hold (KQI_MAX_TERM bytes); a
    ** longer word is in no index, and is as far as can be. */
    enum { N = KQI_MAX_TERM };
    u32 a[N], b[N];
    int na = decode(zA, nA, a, N), nb = decode(zB, nB, b, N);
    if (na > N || nb > N || nMax < 0) {
        return nMax + 1;
    }
    if (na - nb > nMax || nb - na > nMax) {
        return nMax + 1; /* each edit changes the length by one at most */
    }
    /* Three rows of the OSA table: d[i][j], the distance between a[0..i)
    ** and b[0..j).  A row whose every cell is past nMax ends the walk:
    ** no later row can come back under it. */
    int r0[N + 1], r1[N + 1], r2[N + 1];
    int *pPrev2 = r0, *pPrev = r1, *pCur = r2;
    for (int j = 0; j <= nb; j++) {
        pPrev[j] = j;
    }
    for (int i = 1; i <= na; i++) {
        int nRowMin = pCur[0] = i;
        for (int j = 1; j <= nb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = pPrev[j] + 1; /* deletion */
            if (pCur[j - 1] + 1 < v) {
                v = pCur[j - 1] + 1; /* insertion */
            }
            if (pPrev[j - 1] + cost < v) {
                v = pPrev[j - 1] + cost; /* substitution */
            }
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && pPrev2[j - 2] + 1 < v) {
                v = pPrev2[j - 2] + 1; /* transposition */
            }
            pCur[j] = v;
            if (v < nRowMin) {
                nRowMin = v;
            }
        }
        if (nRowMin > nMax) {
            return nMax + 1;
        }
        int *t = pPrev2;
        pPrev2 = pPrev;
        pPrev = pCur;
        pCur = t;
    }
    return pPrev[nb] > nMax ? nMax + 1 : pPrev[nb];
}

int
kqi_pat_match(const kqi_pat *p, const char *z, size_t n)
{
    switch (p->eKind) {
    case KQI_PAT_PREFIX:
        return n >= p->nPat && memcmp(z, p->zPat, p->nPat) == 0;
    case KQI_PAT_WILD: return kqi_wild_match(p->zPat, p->nPat, z, n);
    case KQI_PAT_FUZZY: {
        /* Each edit changes the length by one character at most: most
        ** words of a vocabulary walk are turned away here, cheaply. */
        size_t a = kqi_utf8_chars(z, n), b = kqi_utf8_chars(p->zPat, p->nPat);
        if (a > b + (size_t)p->nEdit || b > a + (size_t)p->nEdit) {
            return 0;
        }
        return kq_edit_distance(p->zPat, p->nPat, z, n, p->nEdit) <= p->nEdit;
    }
    }
    return 0;
}

/* The bytes before the first wildcard: every match starts with them, so
** a dictionary walk can start there and stop after them. */
static size_t
literal_prefix(const char *z, size_t n)
{
    size_t k = 0;
    while (k < n && z[k] != '*' && z[k] != '?') {
        k++;
    }
    return k;
}

int
kqi_pat_of(const kqi_qnode *q, kqi_pat *p)
{
    memset(p, 0, sizeof(*p));
    p->zPat = q->zTerm;
    p->nPat = q->nTerm;
    switch (q->eType) {
    case KQI_Q_PREFIX:
        p->eKind = KQI_PAT_PREFIX;
        p->nLit = q->nTerm;
        return KQ_OK;
    case KQI_Q_WILD:
        p->eKind = KQI_PAT_WILD;
        p->nLit = literal_prefix(q->zTerm, q->nTerm);
        return KQ_OK;
    case KQI_Q_FUZZY:
        p->eKind = KQI_PAT_FUZZY;
        p->nEdit = (int)q->nEdit;
        p->nLit = 0; /* the first character may be the one edited */
        return KQ_OK;
    default: return KQ_MISUSE;
    }
}

char *
kqi_pat_name(const kqi_qnode *q)
{
    switch (q->eType) {
    case KQI_Q_PREFIX:
        return kq_mprintf("the prefix %.*s*", (int)q->nTerm, q->zTerm);
    case KQI_Q_WILD:
        return kq_mprintf("the pattern %.*s", (int)q->nTerm, q->zTerm);
    case KQI_Q_FUZZY:
        return kq_mprintf("the fuzzy word %.*s~%u", (int)q->nTerm, q->zTerm,
                          q->nEdit);
    default: return kq_mprintf("%.*s", (int)q->nTerm, q->zTerm);
    }
}
