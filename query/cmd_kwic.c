/*
** cmd_kwic.c -- kq kwic: keyword in context.  One line per match of the
** query (kq_matcher: a word's token, a phrase's occurrence, a NEAR's
** window; what hist counts and the snippets highlight) in the title and
** stored text of every matching document: the document id, the left
** context right-aligned, the match, the right context, so the matches
** stand in one column.  --sort=left|right orders the lines by the
** words before or after the keyword, as concordancers do, to make the
** patterns of use visible.
*/
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct kline {
    char *zId; /* as stored (write it escaped) */
    size_t nId;
    char *zLeft, *zMatch, *zRight; /* clean UTF-8, white space collapsed */
    char *zKey;                    /* sort key (folded words) */
    int bTitle;                    /* in the title, else the body */
    size_t iStart, iEnd;           /* bytes in the title or the body */
    size_t iOrd;                   /* document order, for ties */
} kline;

typedef struct kwic {
    cli *c;
    source src;
    kq_analyzer *pA;
    kq_query *pQ;
    kq_matcher *pM; /* the query's matches in a document */
    kq_docid *aDoc;
    size_t nDoc, nDocAlloc;
    kline *aLine;
    size_t nLine, nLineAlloc;
    size_t nCtx; /* context kept each side, in columns */
    size_t nMax; /* lines wanted (SIZE_MAX: all) */
    dedup dd;    /* --dedup: the kept matches only */
    int rc;
} kwic;

static int
doc_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    kwic *k = pCtx;
    (void)score;
    (void)nOcc;
    if (!dedup_keep(&k->dd, iDoc)) {
        return KQ_OK;
    }
    if (kq_grow(&k->aDoc, sizeof(kq_docid), &k->nDocAlloc, k->nDoc + 1, 64)) {
        return KQ_NOMEM;
    }
    k->aDoc[k->nDoc++] = iDoc;
    return KQ_OK;
}

/* White space or a control character, as kq_utf8_clean() collapses. */
static int
is_space(unsigned char ch)
{
    return ch <= ' ' || ch == 0x7f;
}

/* Clean text of z[a..b) with white space collapsed and trimmed
** (kq_utf8_clean() trims); with bBefore/bAfter, one space is kept where
** the text had white space at that end, so that "ceasefire." and
** "a ceasefire" print as in the text. */
static char *
clean_range(const char *z, size_t a, size_t b, int bBefore, int bAfter)
{
    char *s = kq_utf8_clean(z + a, b - a, 1);
    if (s == NULL) {
        return NULL;
    }
    size_t n = strlen(s), i = 0;
    while (i < n && s[i] == ' ') {
        i++;
    }
    while (n > i && s[n - 1] == ' ') {
        n--;
    }
    int bLead = bBefore && a < b && is_space((unsigned char)z[a]);
    int bTrail = bAfter && a < b && is_space((unsigned char)z[b - 1]);
    char *r = malloc(n - i + 3);
    if (r) {
        size_t k = 0;
        if (bLead) {
            r[k++] = ' ';
        }
        memcpy(r + k, s + i, n - i);
        k += n - i;
        if (bTrail && !(bLead && n == i)) {
            r[k++] = ' ';
        }
        r[k] = 0;
    }
    free(s);
    return r;
}

/* The folded words of z, joined by spaces, in order or reversed (the
** nearest word first, for --sort=left). */
typedef struct words {
    kq_buf b;
    size_t *aEnd; /* end of each word in b */
    size_t n, nAlloc;
} words;

static int
word_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
        size_t iStart, size_t iEnd)
{
    words *w = pCtx;
    if (kq_grow(&w->aEnd, sizeof(size_t), &w->nAlloc, w->n + 1, 16)) {
        return KQ_NOMEM;
    }
    kq_buf_append(&w->b, zTerm, nTerm);
    w->aEnd[w->n++] = w->b.n;
    return w->b.rc;
}

static char *
sort_key(kq_analyzer *pA, const char *z, int bReverse)
{
    words w;
    memset(&w, 0, sizeof(w));
    int rc = kq_analyze(pA, KQ_ANALYZE_NOSTEM, z, strlen(z), 0, NULL, &w,
                        word_cb);
    kq_buf out = {0};
    for (size_t i = 0; rc == KQ_OK && i < w.n; i++) {
        size_t k = bReverse ? w.n - 1 - i : i;
        size_t a = k ? w.aEnd[k - 1] : 0;
        if (i) {
            kq_buf_putc(&out, ' ');
        }
        kq_buf_append(&out, w.b.a + a, w.aEnd[k] - a);
    }
    kq_buf_putc(&out, 0);
    kq_buf_free(&w.b);
    free(w.aEnd);
    if (rc || out.rc) {
        kq_buf_free(&out);
        return NULL;
    }
    return (char *)out.a;
}

/* The lines of one document: one per match. */
static int
doc_lines(kwic *k, kq_docid iDoc, size_t iOrd, char **pzErr)
{
    int bMatch = 0;
    const kq_match *aM = NULL;
    size_t nM = 0;
    int rc = kq_matcher_doc(k->pM, iDoc, &bMatch, &aM, &nM, pzErr);
    if (rc || nM == 0) {
        return rc;
    }
    kq_match *aSpan = malloc(nM * sizeof(kq_match));
    if (aSpan == NULL) {
        return KQ_NOMEM;
    }
    memcpy(aSpan, aM, nM * sizeof(kq_match));
    hitdoc d;
    rc = source_doc(&k->src, iDoc, SRC_TEXT, &d, pzErr);
    if (rc) {
        free(aSpan);
        return rc;
    }
    rc = kq_match_locate(k->pA, d.zRawTitle, d.nRawTitle, d.zText, d.nText,
                         aSpan, nM);
    /* The bytes read each side: nCtx columns of text take at most 4 bytes
    ** a column, but for runs of white space and zero-width marks, where a
    ** context shows fewer columns than it could.  (kq.kwic() reads the
    ** same bytes.) */
    size_t nBack = 4 * k->nCtx + 16;
    for (size_t i = 0; rc == KQ_OK && i < nM && k->nLine < k->nMax; i++) {
        const char *z = aSpan[i].bTitle ? d.zRawTitle : d.zText;
        size_t nz = aSpan[i].bTitle ? d.nRawTitle : d.nText;
        size_t a = aSpan[i].iStart, b = aSpan[i].iEnd;
        if (a >= b || b > nz) {
            continue; /* (kq_match_locate found no such tokens) */
        }
        if (kq_grow(&k->aLine, sizeof(kline), &k->nLineAlloc, k->nLine + 1,
                    256)) {
            rc = KQ_NOMEM;
            break;
        }
        kline *l = &k->aLine[k->nLine];
        memset(l, 0, sizeof(*l));
        size_t s = a > nBack ? a - nBack : 0;
        while (s > 0 && s < a && ((unsigned char)z[s] & 0xc0) == 0x80) {
            s++; /* start on a character */
        }
        size_t e = b + nBack < nz ? b + nBack : nz;
        while (e < nz && e > b && ((unsigned char)z[e] & 0xc0) == 0x80) {
            e--;
        }
        l->zId = malloc(d.nId + 1);
        if (l->zId) {
            memcpy(l->zId, d.zId, d.nId + 1);
            l->nId = d.nId;
        }
        l->zLeft = clean_range(z, s, a, 0, 1);
        l->zMatch = clean_range(z, a, b, 0, 0);
        l->zRight = clean_range(z, b, e, 1, 0);
        k->nLine++;
        if (!l->zId || !l->zLeft || !l->zMatch || !l->zRight) {
            rc = KQ_NOMEM;
            break;
        }
        /* Keep only the columns that can be shown. */
        size_t nL = strlen(l->zLeft);
        size_t iL = kq_text_suffix(l->zLeft, nL, k->nCtx, NULL);
        memmove(l->zLeft, l->zLeft + iL, nL - iL + 1);
        l->zRight[kq_text_prefix(l->zRight, strlen(l->zRight), k->nCtx,
                                 NULL)] = 0;
        l->bTitle = aSpan[i].bTitle;
        l->iStart = a;
        l->iEnd = b;
        l->iOrd = iOrd;
        if (k->c->eSort == SORT_LEFT || k->c->eSort == SORT_RIGHT) {
            int bLeft = k->c->eSort == SORT_LEFT;
            l->zKey = sort_key(k->pA, bLeft ? l->zLeft : l->zRight, bLeft);
            if (l->zKey == NULL) {
                rc = KQ_NOMEM;
            }
        }
    }
    free(aSpan);
    hitdoc_clear(&d);
    return rc;
}

static int
cmp_line(const void *pa, const void *pb)
{
    const kline *a = pa, *b = pb;
    int r = strcmp(a->zKey ? a->zKey : "", b->zKey ? b->zKey : "");
    if (r == 0) {
        r = a->iOrd < b->iOrd ? -1 : a->iOrd > b->iOrd;
    }
    if (r == 0) {
        r = a->bTitle != b->bTitle  ? (a->bTitle ? -1 : 1)
            : a->iStart < b->iStart ? -1
                                    : a->iStart > b->iStart;
    }
    return r;
}

static void
print_text(kwic *k, size_t nWidth)
{
    /* The ids as they will be shown (escaped), to size their column. */
    size_t wId = 0;
    for (size_t i = 0; i < k->nLine; i++) {
        kline *l = &k->aLine[i];
        char *z = kq_escape(l->zId, l->nId, KQ_ESC_TEXT);
        if (z) {
            free(l->zId);
            l->zId = z;
        } else {
            l->zId[0] = 0; /* out of memory: no id rather than a raw one */
        }
        l->nId = strlen(l->zId);
        size_t w = kq_text_width(l->zId, l->nId);
        wId = w > wId ? w : wId;
    }
    if (wId > nWidth / 3) {
        wId = nWidth / 3;
    }
    size_t nRest = nWidth - wId - 2;
    size_t wLeft = nRest / 2;
    int bColor = k->c->bColor;
    for (size_t i = 0; i < k->nLine; i++) {
        const kline *l = &k->aLine[i];
        size_t w, n = strlen(l->zId);
        size_t nCut = kq_text_prefix(l->zId, n, wId, &w);
        if (nCut < n && wId > 0) {
            /* An id too long for its column: cut, marked with an ellipsis. */
            nCut = kq_text_prefix(l->zId, n, wId - 1, &w);
            printf("%.*s\xe2\x80\xa6", (int)nCut, l->zId);
            w++;
        } else {
            printf("%.*s", (int)nCut, l->zId);
        }
        put_spaces(stdout, wId - w + 2);
        n = strlen(l->zLeft);
        size_t iL = kq_text_suffix(l->zLeft, n, wLeft, &w);
        put_spaces(stdout, wLeft - w);
        printf("%s%s%s%s", l->zLeft + iL, bColor ? "\x1b[1;31m" : "",
               l->zMatch, bColor ? "\x1b[0m" : "");
        size_t wMatch = kq_text_width(l->zMatch, strlen(l->zMatch));
        size_t wRight = nRest > wLeft + wMatch ? nRest - wLeft - wMatch : 0;
        n = strlen(l->zRight);
        printf("%.*s\n", (int)kq_text_prefix(l->zRight, n, wRight, NULL),
               l->zRight);
    }
}

static void
print_table(kwic *k, int eFmt)
{
    static const char *const azCol[] = {
        "id", "field", "start", "end", "left", "match", "right",
    };
    table t;
    table_begin(&t, stdout, eFmt, 7, azCol, JSONL_KWIC);
    for (size_t i = 0; i < k->nLine; i++) {
        const kline *l = &k->aLine[i];
        table_strn(&t, l->zId, l->nId);
        table_str(&t, l->bTitle ? "title" : "body");
        table_int(&t, (long long)l->iStart);
        table_int(&t, (long long)l->iEnd);
        char *zL = clean_range(l->zLeft, 0, strlen(l->zLeft), 0, 0);
        char *zR = clean_range(l->zRight, 0, strlen(l->zRight), 0, 0);
        table_str(&t, zL ? zL : "");
        table_str(&t, l->zMatch);
        table_str(&t, zR ? zR : "");
        free(zL);
        free(zR);
        table_row_end(&t);
    }
    json_t *o = NULL; /* a summary only to say what --dedup folded */
    if (k->dd.bOn && (eFmt == FMT_JSON || eFmt == FMT_JSONL)) {
        o = json_object();
        dedup_json(&k->dd, o);
    }
    table_end(&t, o, "lines");
}

int
cmd_kwic(cli *c)
{
    int eFmt = cli_format(c, FMT_TEXT,
                          FMTBIT(FMT_TEXT) | FMTBIT(FMT_TSV) |
                              FMTBIT(FMT_CSV) | FMTBIT(FMT_JSON) |
                              FMTBIT(FMT_JSONL));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->eSort != SORT_DEFAULT && c->eSort != SORT_DOC &&
        c->eSort != SORT_LEFT && c->eSort != SORT_RIGHT) {
        msg_put("kq kwic: --sort takes doc, left or right, not \"%s\"",
                c->zSort);
        return KQ_EXIT_USAGE;
    }
    if (c->nArg == 0) {
        fprintf(stderr, "kq kwic: no query given (kq help kwic)\n");
        return KQ_EXIT_USAGE;
    }
    if (eFmt != FMT_TEXT) {
        c->bColor = 0;
    }
    size_t nWidth = (size_t)c->nWidth;
    if (nWidth == 0) {
        int w = eFmt == FMT_TEXT ? term_width() : 0;
        nWidth = w >= MIN_WIDTH ? (size_t)w : 80;
    }
    kwic k;
    memset(&k, 0, sizeof(k));
    k.c = c;
    /* In text the contexts share the line; in the table formats each
    ** side gets half of --width. */
    k.nCtx = eFmt == FMT_TEXT ? nWidth : nWidth / 2;
    k.nMax = c->bLimit && !c->bAll ? c->nLimit : SIZE_MAX;
    char *zQuery = cli_join_args(c, 0, c->nArg);
    char *zErr = NULL;
    int ex = zQuery ? dedup_open(&k.dd, c) : KQ_EXIT_INDEX;
    if (ex == 0) {
        ex = source_open(&k.src, c);
    }
    if (ex == 0) {
        k.pA = source_analyzer(&k.src);
        ex = parse_query(c, k.pA, zQuery, &k.pQ);
    }
    int rc = KQ_OK;
    if (ex == 0 && k.dd.bOn) {
        rc = dedup_query(&k.dd, k.src.pIdx, k.pQ, &zErr);
    }
    if (ex == 0 && rc == KQ_OK) {
        rc = kq_search_each(k.src.pIdx, k.pQ, &k, doc_cb, &zErr);
    }
    if (ex == 0 && rc == KQ_OK) {
        rc = kq_matcher_new(k.src.pIdx, k.pQ, &k.pM, &zErr);
    }
    /* With --sort=doc the first lines are the ones shown: stop there;
    ** the other orders need every line. */
    size_t nMaxShown = k.nMax;
    if (c->eSort == SORT_LEFT || c->eSort == SORT_RIGHT) {
        k.nMax = SIZE_MAX;
    }
    for (size_t i = 0;
         ex == 0 && rc == KQ_OK && i < k.nDoc && k.nLine < k.nMax; i++) {
        rc = doc_lines(&k, k.aDoc[i], i, &zErr);
    }
    if (ex == 0 && rc) {
        ex = report_error(c, rc, zErr);
    }
    if (ex == 0) {
        if (c->eSort == SORT_LEFT || c->eSort == SORT_RIGHT) {
            qsort(k.aLine, k.nLine, sizeof(kline), cmp_line);
        }
        size_t nAll = k.nLine;
        if (k.nLine > nMaxShown) {
            k.nLine = nMaxShown;
        }
        if (eFmt == FMT_TEXT) {
            print_text(&k, nWidth);
            dedup_note(&k.dd, stdout, "", "\n");
        } else {
            print_table(&k, eFmt);
        }
        k.nLine = nAll;
        ex = k.nDoc > 0 ? KQ_EXIT_OK : KQ_EXIT_NOHITS;
    }
    for (size_t i = 0; i < k.nLine; i++) {
        kline *l = &k.aLine[i];
        free(l->zId);
        free(l->zLeft);
        free(l->zMatch);
        free(l->zRight);
        free(l->zKey);
    }
    free(k.aLine);
    free(k.aDoc);
    free(zErr);
    free(zQuery);
    kq_matcher_free(k.pM);
    kq_query_free(k.pQ);
    dedup_close(&k.dd);
    source_close(&k.src);
    return ex;
}
