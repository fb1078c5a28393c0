/*
** trec.c -- TREC SGML input: files of <DOC>...</DOC> elements (the TREC
** collections: AP, WSJ, LA Times, FT, FBIS, ...).
**
**   id     <DOCNO> (required)
**   title  the first of <HEADLINE>, <HEAD>, <TITLE>, <HL> present
**   date   <DATE>, normalised to ISO 8601 when it has a known form
**          (19870226, "February 26, 1987", ...)
**   body   every <TEXT> element, in order, separated by a blank line
** Tags inside are removed and character references decoded.  A document
** that is not valid UTF-8 is read as windows-1252 (the old collections
** are Latin-1 where they are not ASCII).
**
** The file streams line by line; a document is gathered in a buffer from
** <DOC> to </DOC>, so memory is O(largest document).  A <DOC> not closed
** before the next <DOC> or the end of the file, or without a <DOCNO>, is
** reported with the line it starts on and skipped.
*/
#include "readers.h"
#include "charset.h"
#include "dates.h"
#include "textbuf.h"
#include "sgml.h"

#include <stdlib.h>
#include <string.h>

typedef struct trec {
    corpus_ctx *pC;
    const char *zName; /* for messages */
    kq_buf doc;        /* the raw document being gathered */
    int bInDoc;
    int bTooBig;       /* the document passed the cap (pC->nMaxDoc) */
    uint64_t iDocLine; /* line of its <DOC> */
    uint64_t nDocs;    /* <DOC> elements seen */
    int bJunk;         /* text outside any <DOC> */
    /* scratch for one document */
    kq_buf utf8, id, title, date, body;
} trec;

static void
skip_doc(trec *t, const char *zWhy)
{
    report(t->zName, t->iDocLine, "%s; document skipped", zWhy);
    t->pC->pStats->nDocSkipped++;
}

/* The document is over the cap: skipped (whether or not its </DOC> was
** in the line too long to keep). */
static void
skip_big(trec *t)
{
    report(t->zName, t->iDocLine,
           "document larger than the limit "
           "(--max-doc-size %s); document skipped",
           t->pC->zMaxDoc);
    t->pC->pStats->nDocSkipped++;
}

static void
trim(const char **pz, size_t *pn)
{
    while (*pn && strchr(" \t\r\n", (*pz)[0])) {
        (*pz)++, (*pn)--;
    }
    while (*pn && strchr(" \t\r\n", (*pz)[*pn - 1])) {
        (*pn)--;
    }
}

/* The date of the document into doc (zDate is scratch of DATE_MAX). */
static void
trec_date(trec *t, const char *z, size_t n, kq_doc *pDoc, char *zDate)
{
    size_t i0, nDate;
    int e;
    textbuf_reset(&t->date);
    sgml_text(z, n, 1, &t->date);
    e = date_normalize(textbuf_str(&t->date), t->date.n, zDate, &i0, &nDate);
    if (e == DATE_ISO) {
        pDoc->zDate = (const char *)t->date.a + i0;
        pDoc->nDate = nDate;
    } else if (e == DATE_CONVERTED) {
        pDoc->zDate = zDate;
        pDoc->nDate = nDate;
    } else if (e == DATE_BAD || e == DATE_LONG) {
        report(t->zName, t->iDocLine,
               "date \"%.*s\" %s; indexed without a "
               "date",
               REPORT_QUOTE_LEN(t->date.n), textbuf_str(&t->date),
               date_why(e));
        t->pC->pStats->nWarning++;
    }
}

/* Parse the gathered document z[0..n) and deliver it. */
static int
trec_parse(trec *t, const char *z, size_t n)
{
    static const char *const azTitle[] = {"HEADLINE", "HEAD", "TITLE", "HL",
                                          NULL};
    size_t i0, i1, iNext, i;
    kq_doc doc;
    char zDate[DATE_MAX];
    const char *zId;
    size_t nId;

    memset(&doc, 0, sizeof(doc));
    if (!sgml_element(z, n, 0, "DOCNO", &i0, &i1, &iNext)) {
        skip_doc(t, "<DOC> without <DOCNO>");
        return 0;
    }
    textbuf_reset(&t->id);
    sgml_text(z + i0, i1 - i0, 1, &t->id);
    zId = textbuf_str(&t->id);
    nId = t->id.n;
    trim(&zId, &nId);
    if (nId == 0) {
        skip_doc(t, "empty <DOCNO>");
        return 0;
    }
    doc.zId = zId;
    doc.nId = nId;

    textbuf_reset(&t->title);
    for (const char *const *a = azTitle; *a; a++) {
        if (sgml_element(z, n, 0, *a, &i0, &i1, &iNext)) {
            sgml_text(z + i0, i1 - i0, 1, &t->title);
            break;
        }
    }
    doc.zTitle = (const char *)t->title.a;
    doc.nTitle = t->title.n;

    if (sgml_element(z, n, 0, "DATE", &i0, &i1, &iNext)) {
        trec_date(t, z + i0, i1 - i0, &doc, zDate);
    }

    textbuf_reset(&t->body);
    for (i = 0; sgml_element(z, n, i, "TEXT", &i0, &i1, &iNext); i = iNext) {
        const char *zText;
        size_t nText;
        size_t nBefore = t->body.n;
        if (t->body.n) {
            kq_buf_append(&t->body, "\n\n", 2);
        }
        sgml_text(z + i0, i1 - i0, 0, &t->body);
        zText = textbuf_str(&t->body) + nBefore;
        nText = t->body.n - nBefore;
        trim(&zText, &nText);
        if (nText == 0) {
            t->body.n = nBefore; /* an empty <TEXT> */
        }
        if (iNext <= i) {
            break;
        }
    }
    doc.zBody = (const char *)t->body.a;
    doc.nBody = t->body.n;
    while (doc.nBody && strchr(" \t\r\n", doc.zBody[0])) {
        doc.zBody++, doc.nBody--;
    }
    if (t->id.rc || t->title.rc || t->date.rc || t->body.rc) {
        skip_doc(t, "out of memory");
        return 0;
    }
    return ctx_deliver(t->pC, &doc, t->zName, t->iDocLine);
}

/* The document gathered from <DOC> to </DOC> is complete. */
static int
trec_end_doc(trec *t)
{
    const char *z = textbuf_str(&t->doc);
    size_t n = t->doc.n;
    t->bInDoc = 0;
    if (t->bTooBig) {
        skip_big(t);
        return 0;
    }
    if (t->doc.rc) {
        skip_doc(t, "out of memory");
        return 0;
    }
    if (!utf8_valid(z, n)) {
        textbuf_reset(&t->utf8);
        charset_to_utf8(NULL, 0, z, n, &t->utf8);
        if (t->utf8.rc) {
            skip_doc(t, "out of memory");
            return 0;
        }
        z = textbuf_str(&t->utf8);
        n = t->utf8.n;
    }
    return trec_parse(t, z, n);
}

static void
trec_begin_doc(trec *t, uint64_t iLine)
{
    t->bInDoc = 1;
    t->bTooBig = 0;
    t->iDocLine = iLine;
    t->nDocs++;
    textbuf_reset(&t->doc);
}

static void
trec_gather(trec *t, const char *z, size_t n)
{
    if (t->bTooBig) {
        return;
    }
    if (n > t->pC->nMaxDoc - t->doc.n) {
        t->bTooBig = 1;
        return;
    }
    kq_buf_append(&t->doc, z, n);
}

static int
is_blank(const char *z, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strchr(" \t\r\f\v", z[i]) || z[i] == 0) {
            return 0;
        }
    }
    return 1;
}

/* One line: may open, close, or hold several documents. */
static int
trec_line(trec *t, uint64_t iLine, const char *z, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (!t->bInDoc) {
            size_t j = sgml_find(z, n, i, "<DOC>");
            if (!is_blank(z + i, j - i)) {
                t->bJunk = 1;
            }
            if (j == n) {
                return 0;
            }
            trec_begin_doc(t, iLine);
            i = j + 5;
        } else {
            size_t jEnd = sgml_find(z, n, i, "</DOC>");
            size_t jNew = sgml_find(z, n, i, "<DOC>");
            if (jNew < jEnd) {
                /* A new document starts before this one was closed. */
                if (t->bTooBig) {
                    skip_big(t);
                } else {
                    skip_doc(t, "<DOC> not closed before the next <DOC>");
                }
                trec_begin_doc(t, iLine);
                i = jNew + 5;
                continue;
            }
            if (jEnd == n) {
                trec_gather(t, z + i, n - i);
                trec_gather(t, "\n", 1);
                return 0;
            }
            trec_gather(t, z + i, jEnd - i);
            i = jEnd + 6;
            int rc = trec_end_doc(t);
            if (rc) {
                return rc;
            }
        }
    }
    if (t->bInDoc) {
        trec_gather(t, "\n", 1);
    }
    return 0;
}

static void
trec_free(trec *t)
{
    kq_buf_free(&t->doc);
    kq_buf_free(&t->utf8);
    kq_buf_free(&t->id);
    kq_buf_free(&t->title);
    kq_buf_free(&t->date);
    kq_buf_free(&t->body);
}

int
read_trec(corpus_ctx *pC, const char *zPath, int eGz)
{
    src s;
    linereader lr;
    trec t;
    uint64_t iLine = 0;
    int rc = 0;

    if (lines_open(&s, &lr, pC, zPath, eGz)) {
        return 0;
    }
    memset(&t, 0, sizeof(t));
    t.pC = pC;
    t.zName = s.zPath;
    for (;;) {
        const char *z = NULL;
        size_t n = 0;
        int e = lr_next(&lr, &z, &n);
        if (e == LR_EOF) {
            break;
        }
        if (e == LR_ERROR) {
            ctx_stopped(pC, t.zName, iLine, iLine + 1, 0);
            t.bInDoc = 0; /* the document at the error is lost */
            break;
        }
        iLine++;
        if (e == LR_TOOLONG) {
            /* Over the cap, the document it is in is skipped (and said so
            ** at its end). */
            if (t.bInDoc) {
                t.bTooBig = 1;
                if (lr.bOverCap) {
                    continue;
                }
            } else if (lr.bOverCap) {
                report(t.zName, iLine,
                       "line longer than the document limit "
                       "(--max-doc-size %s); skipped",
                       pC->zMaxDoc);
                pC->pStats->nLineSkipped++;
                continue;
            }
            report(t.zName, iLine, "line too long (out of memory)");
            continue;
        }
        rc = trec_line(&t, iLine, z, n);
        if (rc) {
            break;
        }
    }
    if (rc == 0 && t.bInDoc) {
        if (t.bTooBig) {
            skip_big(&t);
        } else {
            skip_doc(&t, "<DOC> not closed at the end of the file");
        }
    }
    if (rc == 0 && t.nDocs == 0 && t.bJunk) {
        report(t.zName, 0, "no <DOC> element: not a TREC file");
        pC->pStats->nFileSkipped++;
    }
    trec_free(&t);
    lr_free(&lr);
    src_close(&s);
    return rc;
}
