/*
** mbox.c -- mbox mailboxes: one document a message.
**
** Messages are separated by "From " lines at the start of a line that
** follows a blank line (or starts the file); the blank line before a
** separator belongs to it, not to the message.  Lines of the message that
** were escaped as ">From " (mboxo) or ">>From " (mboxrd) lose one '>'.
**
**   id      Message-ID without its <>; without one, FILE:OFFSET (FILE as
**           a text file's id, ctx_file_id(); OFFSET the byte offset of the
**           "From " line)
**   title   Subject, RFC 2047 encoded words decoded
**   date    Date (RFC 2822) as YYYY-MM-DD; without one, the date of the
**           "From " line
**   source  From, encoded words decoded
**   body    the text/plain parts (mime.c), or when there are none the
**           text/html parts turned into text
** A message is gathered in memory (at most the document cap, pC->nMaxDoc),
** the file streams line by line.  Messages without a header, or larger
** than the cap, are reported with their line number and skipped.  Text in
** MIME parts nested deeper than KQ_MAX_MIME_DEPTH, or in a multipart whose
** boundary is longer than KQ_MAX_MIME_BOUNDARY, is not indexed; the rest
** of the message is, and the cut is reported (and counted in nCut).
*/
#include "readers.h"
#include "dates.h"
#include "textbuf.h"
#include "mime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mbox {
    corpus_ctx *pC;
    const char *zName;
    char *zFileId; /* the file's id (ctx_file_id()), for FILE:OFFSET
                   ** ids; NULL for standard input ("stdin") */
    kq_buf msg;    /* the message after its "From " line */
    kq_buf from;   /* the "From " line */
    int bInMsg;
    int bTooBig;
    int bPrevBlank;    /* the last line was blank (or none yet) */
    int bJunk;         /* text before the first "From " was reported */
    uint64_t iMsgLine; /* line and offset of the "From " line */
    uint64_t iMsgByte;
    kq_buf val, id, title, source, plain, html;
} mbox;

static void
mbox_skip(mbox *m, const char *zWhy)
{
    report(m->zName, m->iMsgLine, "%s; message skipped", zWhy);
    m->pC->pStats->nDocSkipped++;
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

/* The Message-ID, or FILE:OFFSET, into m->id. */
static void
mbox_id(mbox *m, const char *zHdr, size_t nHdr)
{
    const char *z;
    size_t n;
    textbuf_reset(&m->val);
    textbuf_reset(&m->id);
    mime_header(zHdr, nHdr, "Message-ID", &m->val);
    z = textbuf_str(&m->val);
    n = m->val.n;
    trim(&z, &n);
    if (n >= 2 && z[0] == '<' && z[n - 1] == '>') {
        z++;
        n -= 2;
    }
    trim(&z, &n);
    if (n) {
        kq_buf_append(&m->id, z, n);
    } else {
        char zOff[32];
        snprintf(zOff, sizeof(zOff), ":%llu", (unsigned long long)m->iMsgByte);
        const char *zFile = m->zFileId ? m->zFileId : m->zName;
        kq_buf_append(&m->id, zFile, strlen(zFile));
        kq_buf_append(&m->id, zOff, strlen(zOff));
    }
}

/* The date: the Date field, else the date of the "From " line ("From
** sender Thu Feb 26 10:00:00 1987").  zOut has DATE_MAX bytes. */
static void
mbox_date(mbox *m, const char *zHdr, size_t nHdr, kq_doc *pDoc, char *zOut)
{
    size_t i0, n;
    int e;
    textbuf_reset(&m->val);
    if (mime_header(zHdr, nHdr, "Date", &m->val) && m->val.n) {
        e = date_normalize(textbuf_str(&m->val), m->val.n, zOut, &i0, &n);
        if (e == DATE_BAD || e == DATE_LONG) {
            report(m->zName, m->iMsgLine,
                   "date \"%.*s\" %s; indexed without "
                   "a date",
                   REPORT_QUOTE_LEN(m->val.n), textbuf_str(&m->val),
                   date_why(e));
            m->pC->pStats->nWarning++;
            return;
        }
    } else {
        /* Skip "From " and the sender; the rest is an asctime date. */
        const char *z = textbuf_str(&m->from);
        const char *zEnd = z + m->from.n;
        const char *p = z + (m->from.n >= 5 ? 5 : m->from.n);
        while (p < zEnd && *p == ' ') {
            p++;
        }
        while (p < zEnd && *p != ' ') {
            p++;
        }
        textbuf_reset(&m->val);
        kq_buf_append(&m->val, p, (size_t)(zEnd - p));
        e = date_normalize(textbuf_str(&m->val), m->val.n, zOut, &i0, &n);
    }
    if (e == DATE_ISO) {
        pDoc->zDate = (const char *)m->val.a + i0;
        pDoc->nDate = n;
    } else if (e == DATE_CONVERTED) {
        pDoc->zDate = zOut;
        pDoc->nDate = n;
    }
}

/* A header decoded (RFC 2047) into pOut, trimmed. */
static void
mbox_words(mbox *m, const char *zHdr, size_t nHdr, const char *zName,
           kq_buf *pOut)
{
    textbuf_reset(&m->val);
    textbuf_reset(pOut);
    if (mime_header(zHdr, nHdr, zName, &m->val)) {
        mime_words_decode(textbuf_str(&m->val), m->val.n, pOut);
    }
}

/* The gathered message is complete: parse and deliver it. */
static int
mbox_end(mbox *m)
{
    const char *z = textbuf_str(&m->msg);
    size_t n = m->msg.n;
    size_t nHdr, iBody;
    char zDate[DATE_MAX];
    kq_doc doc;
    kq_buf *pBody;
    int fCut;

    m->bInMsg = 0;
    if (m->bTooBig) {
        report(m->zName, m->iMsgLine,
               "message larger than the document "
               "limit (--max-doc-size %s); message skipped",
               m->pC->zMaxDoc);
        m->pC->pStats->nDocSkipped++;
        return 0;
    }
    if (m->msg.rc) {
        mbox_skip(m, "out of memory");
        return 0;
    }
    /* The blank line before the next "From " is the separator's. */
    if (n >= 2 && z[n - 1] == '\n' && z[n - 2] == '\n') {
        n--;
    } else if (n >= 3 && z[n - 1] == '\n' && z[n - 2] == '\r' &&
               z[n - 3] == '\n') {
        n -= 2;
    }
    if (!mime_has_headers(z, n)) {
        mbox_skip(m, "message without a header");
        return 0;
    }
    mime_split(z, n, &nHdr, &iBody);
    memset(&doc, 0, sizeof(doc));
    mbox_id(m, z, nHdr);
    doc.zId = (const char *)m->id.a;
    doc.nId = m->id.n;
    mbox_words(m, z, nHdr, "Subject", &m->title);
    doc.zTitle = (const char *)m->title.a;
    doc.nTitle = m->title.n;
    mbox_words(m, z, nHdr, "From", &m->source);
    doc.zSource = (const char *)m->source.a;
    doc.nSource = m->source.n;
    textbuf_reset(&m->plain);
    textbuf_reset(&m->html);
    fCut = mime_text(z, nHdr, z + iBody, n - iBody, &m->plain, &m->html);
    pBody = m->plain.n ? &m->plain : &m->html;
    doc.zBody = (const char *)pBody->a;
    doc.nBody = pBody->n;
    mbox_date(m, z, nHdr, &doc, zDate);
    if (m->id.rc || m->title.rc || m->source.rc || m->plain.rc || m->html.rc ||
        m->val.rc) {
        mbox_skip(m, "out of memory");
        return 0;
    }
    if (fCut & MIME_CUT_DEEP) {
        report(m->zName, m->iMsgLine,
               "MIME parts nested more than %d deep; "
               "their text is not indexed, the rest of the message is",
               KQ_MAX_MIME_DEPTH);
    }
    if (fCut & MIME_CUT_BOUNDARY) {
        report(m->zName, m->iMsgLine,
               "MIME boundary longer than %d bytes "
               "(RFC 2046 allows 70); the text of its parts is not indexed, "
               "the rest of the message is",
               KQ_MAX_MIME_BOUNDARY);
    }
    if (fCut) {
        m->pC->pStats->nCut++;
    }
    return ctx_deliver(m->pC, &doc, m->zName, m->iMsgLine);
}

static int
is_blank(const char *z, size_t n)
{
    return n == 0 || (n == 1 && z[0] == '\r');
}

static void
mbox_gather(mbox *m, const char *z, size_t n)
{
    if (m->bTooBig) {
        return;
    }
    if (n >= m->pC->nMaxDoc - m->msg.n) { /* n and its '\n' over the cap */
        m->bTooBig = 1;
        return;
    }
    kq_buf_append(&m->msg, z, n);
    kq_buf_putc(&m->msg, '\n');
}

static int
mbox_line(mbox *m, uint64_t iLine, uint64_t iOff, const char *z, size_t n)
{
    int rc = 0;
    int bBlank = is_blank(z, n);
    if (m->bPrevBlank && n >= 5 && memcmp(z, "From ", 5) == 0) {
        if (m->bInMsg) {
            rc = mbox_end(m);
        }
        m->bInMsg = 1;
        m->bTooBig = 0;
        m->iMsgLine = iLine;
        m->iMsgByte = iOff;
        textbuf_reset(&m->msg);
        textbuf_reset(&m->from);
        kq_buf_append(&m->from, z, n);
        m->bPrevBlank = 0;
        return rc;
    }
    m->bPrevBlank = bBlank;
    if (!m->bInMsg) {
        if (!bBlank && !m->bJunk) {
            report(m->zName, iLine,
                   "text before the first \"From \" line "
                   "skipped%s",
                   iLine == 1 ? " (not an mbox file?)" : "");
            m->pC->pStats->nDocSkipped++;
            m->bJunk = 1;
        }
        return 0;
    }
    /* ">From " and ">>From " were escaped "From " lines. */
    {
        size_t k = 0;
        while (k < n && z[k] == '>') {
            k++;
        }
        if (k > 0 && n - k >= 5 && memcmp(z + k, "From ", 5) == 0) {
            z++;
            n--;
        }
    }
    mbox_gather(m, z, n);
    return 0;
}

static void
mbox_free(mbox *m)
{
    kq_buf_free(&m->msg);
    kq_buf_free(&m->from);
    kq_buf_free(&m->val);
    kq_buf_free(&m->id);
    kq_buf_free(&m->title);
    kq_buf_free(&m->source);
    kq_buf_free(&m->plain);
    kq_buf_free(&m->html);
    free(m->zFileId);
}

int
read_mbox(corpus_ctx *pC, const char *zPath, int eGz)
{
    src s;
    linereader lr;
    mbox m;
    uint64_t iLine = 0;
    int rc = 0;

    if (lines_open(&s, &lr, pC, zPath, eGz)) {
        return 0;
    }
    memset(&m, 0, sizeof(m));
    m.pC = pC;
    m.zName = s.zPath;
    if (strcmp(zPath, "-") != 0 &&
        (m.zFileId = ctx_file_id(pC, zPath)) == NULL) {
        pC->pStats->nFileSkipped++;
        lr_free(&lr);
        src_close(&s);
        return 0;
    }
    m.bPrevBlank = 1;
    for (;;) {
        const char *z = NULL;
        size_t n = 0;
        uint64_t iOff = lr_offset(&lr);
        int e = lr_next(&lr, &z, &n);
        if (e == LR_EOF) {
            break;
        }
        if (e == LR_ERROR) {
            ctx_stopped(pC, m.zName, iLine, iLine + 1, 0);
            m.bInMsg = 0; /* the message at the error is lost */
            break;
        }
        iLine++;
        if (e == LR_TOOLONG) {
            /* Over the cap, the message it is in is skipped (and said so
            ** at its end); before the first message, it is junk. */
            if (!lr.bOverCap) {
                report(m.zName, iLine, "line too long (out of memory)");
            } else if (!m.bInMsg) {
                report(m.zName, iLine,
                       "line longer than the document limit "
                       "(--max-doc-size %s); skipped",
                       pC->zMaxDoc);
                pC->pStats->nLineSkipped++;
            }
            if (m.bInMsg) {
                m.bTooBig = 1;
            }
            m.bPrevBlank = 0;
            continue;
        }
        rc = mbox_line(&m, iLine, iOff, z, n);
        if (rc) {
            break;
        }
    }
    if (rc == 0 && m.bInMsg) {
        rc = mbox_end(&m);
    }
    mbox_free(&m);
    lr_free(&lr);
    src_close(&s);
    return rc;
}
