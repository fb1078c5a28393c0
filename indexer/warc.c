/*
** warc.c -- WARC input (ISO 28500, WARC/1.0 and 1.1): web crawls.
**
** A WARC file is a sequence of records: a version line, header fields, an
** empty line, then exactly Content-Length bytes of block, then two line
** breaks.  Records are framed by that length, never by searching the
** data, and every length is checked against what the file still holds: a
** truncated record is reported with its byte offset and skipped.
**
** Only "response" records (an HTTP response: status line, headers, body)
** with a 2xx status and "resource" records are documents, and only when
** their payload is HTML or plain text:
**   id      WARC-Target-URI (else WARC-Record-ID, else FILE:OFFSET, FILE
**           as a text file's id, ctx_file_id())
**   title   the page's <title>
**   date    the YYYY-MM-DD of WARC-Date
**   source  the host of the URI
**   body    the page's text (html.c), in UTF-8 (charset.h: the charset of
**           the HTTP Content-Type, else of a <meta>, else guessed)
** Other records (request, metadata, warcinfo, revisit, images, ...) are
** skipped silently without being held in memory; so is a document record
** over the document cap (pC->nMaxDoc), with a message, and one whose
** payload inflates past the cap stops inflating there and is skipped.  Offsets
** in messages are
** in the uncompressed stream (a .warc.gz is usually one gzip member per
** record, and zlib reads them one after another).
*/
#include "readers.h"
#include "charset.h"
#include "dates.h"
#include "textbuf.h"
#include "html.h"
#include "mime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Header blocks larger than this are not WARC headers (real ones are
** well under a KB). */
#define WARC_MAX_HEADER ((size_t)1 << 20)

typedef struct warc {
    corpus_ctx *pC;
    const char *zName;
    char *zFileId; /* the file's id (ctx_file_id()), for FILE:OFFSET
                   ** ids; NULL for standard input ("stdin") */
    linereader lr;
    uint64_t iRec;  /* stream offset of the record being read */
    kq_buf hdr;     /* its WARC header block */
    kq_buf val;     /* scratch: one header value */
    kq_buf payload; /* dechunked / inflated payload */
    kq_buf text;    /* payload in UTF-8 */
    kq_buf title, body, id, src;
} warc;

static int
is_blank_line(const char *z, size_t n)
{
    return n == 0 || (n == 1 && z[0] == '\r');
}

static void
skip_rec(warc *w, const char *zFmt, const char *zArg)
{
    report_at(w->zName, w->iRec, zFmt, zArg);
    w->pC->pStats->nDocSkipped++;
}

/* Header field zName of the record into w->val; 1 if present. */
static int
warc_field(warc *w, const char *zName)
{
    textbuf_reset(&w->val);
    return mime_header(textbuf_str(&w->hdr), w->hdr.n, zName, &w->val) &&
           w->val.rc == KQ_OK;
}

/* A decimal Content-Length; -1 if absent or not a number. */
static int64_t
warc_length(warc *w)
{
    int64_t v = 0;
    if (!warc_field(w, "Content-Length") || w->val.n == 0) {
        return -1;
    }
    for (size_t i = 0; i < w->val.n; i++) {
        char c = w->val.a[i];
        if (c < '0' || c > '9' || v > (INT64_MAX - 9) / 10) {
            return -1;
        }
        v = v * 10 + (c - '0');
    }
    return v;
}

/* Read the header block after the version line into w->hdr.  LR_LINE, or
** LR_EOF/LR_ERROR (reported). */
static int
warc_headers(warc *w)
{
    textbuf_reset(&w->hdr);
    for (;;) {
        const char *z;
        size_t n;
        int e = lr_next(&w->lr, &z, &n);
        if (e == LR_EOF) {
            skip_rec(w, "truncated record (end of file in its header)%s", "");
            return LR_EOF;
        }
        if (e == LR_ERROR) {
            return LR_ERROR;
        }
        if (e == LR_TOOLONG || w->hdr.n + n > WARC_MAX_HEADER) {
            skip_rec(w, "record header too long%s", "");
            return LR_TOOLONG;
        }
        if (is_blank_line(z, n)) {
            return LR_LINE;
        }
        kq_buf_append(&w->hdr, z, n);
        kq_buf_putc(&w->hdr, '\n');
    }
}

/* Strip <...> from a URI or record id in w->val (WARC/1.0 wrote them). */
static void
unbracket(const char **pz, size_t *pn)
{
    if (*pn >= 2 && (*pz)[0] == '<' && (*pz)[*pn - 1] == '>') {
        (*pz)++;
        *pn -= 2;
    }
}

/* The host of a URI: after "scheme://" and any "user@", before the port,
** path, query or fragment; lower-cased into pOut. */
static void
uri_host(const char *z, size_t n, kq_buf *pOut)
{
    const char *p = NULL;
    size_t i, j;
    for (i = 0; i + 2 < n; i++) {
        if (z[i] == ':' && z[i + 1] == '/' && z[i + 2] == '/') {
            p = z + i + 3;
            break;
        }
        if (z[i] == '/' || z[i] == '?') {
            break;
        }
    }
    if (p == NULL) {
        return;
    }
    i = (size_t)(p - z);
    for (j = i; j < n && !strchr("/?#", z[j]); j++) {
        if (z[j] == '@') {
            i = j + 1;
        }
    }
    for (size_t k = i; k < j; k++) {
        char c = z[k];
        if (c == ':') {
            break;
        }
        kq_buf_putc(pOut, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
}

/* Transfer-Encoding: chunked, undone into w->payload.  0, or -1 if the
** chunks do not add up. */
static int
dechunk(warc *w, const char *z, size_t n)
{
    size_t i = 0;
    textbuf_reset(&w->payload);
    for (;;) {
        uint64_t nChunk = 0;
        int nDigit = 0;
        while (i < n) {
            char c = z[i];
            int d = (c >= '0' && c <= '9')   ? c - '0'
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                             : -1;
            if (d < 0) {
                break;
            }
            if (nChunk > n) {
                return -1; /* (and no overflow) */
            }
            nChunk = nChunk * 16 + (unsigned)d;
            nDigit++;
            i++;
        }
        if (nDigit == 0) {
            return -1;
        }
        /* chunk extensions, then the line break */
        while (i < n && z[i] != '\n') {
            i++;
        }
        if (i >= n) {
            return -1;
        }
        i++;
        if (nChunk == 0) {
            return 0;
        }
        if (nChunk > n - i) {
            return -1;
        }
        kq_buf_append(&w->payload, z + i, (size_t)nChunk);
        i += (size_t)nChunk;
        if (i < n && z[i] == '\r') {
            i++;
        }
        if (i < n && z[i] == '\n') {
            i++;
        }
    }
}

/* Inflate z[0..n) with zlib's window bits wb into *pOut.  0; 1 if it
** inflates past nMax (inflating stops there); -1 if the data is damaged. */
static int
inflate_with(int wb, const char *z, size_t n, size_t nMax, kq_buf *pOut)
{
    z_stream zs;
    char aBuf[16384];
    int rc;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, wb) != Z_OK) {
        return -1;
    }
    zs.next_in = (Bytef *)z;
    zs.avail_in = (uInt)n; /* n <= nMax <= CORPUS_MAX_IO */
    do {
        zs.next_out = (Bytef *)aBuf;
        zs.avail_out = sizeof(aBuf);
        rc = inflate(&zs, Z_NO_FLUSH);
        if (sizeof(aBuf) - zs.avail_out > nMax - pOut->n) {
            inflateEnd(&zs);
            return 1;
        }
        kq_buf_append(pOut, aBuf, sizeof(aBuf) - zs.avail_out);
    } while (rc == Z_OK && (zs.avail_out == 0 || zs.avail_in > 0));
    inflateEnd(&zs);
    /* Z_OK or Z_BUF_ERROR here: the body was cut short; what came out of
    ** it is still text worth indexing. */
    return (rc == Z_STREAM_END || rc == Z_OK || rc == Z_BUF_ERROR) &&
                   pOut->rc == KQ_OK
               ? 0
               : -1;
}

/* Content-Encoding gzip or deflate undone into a fresh w->payload (the
** input may be w->payload itself, so the output goes to a new buffer).
** "deflate" is meant to be zlib data, but some servers send raw deflate:
** both are tried.  0, 1 if it inflates past the cap, -1 if damaged. */
static int
inflate_body(warc *w, const char *z, size_t n, int bGzip)
{
    kq_buf out = {0};
    /* 32 + MAX_WBITS: a gzip or a zlib header, whichever it is. */
    int rc = inflate_with(32 + MAX_WBITS, z, n, w->pC->nMaxDoc, &out);
    if (rc < 0 && !bGzip) {
        textbuf_reset(&out);
        rc = inflate_with(-MAX_WBITS, z, n, w->pC->nMaxDoc, &out);
    }
    if (rc) {
        kq_buf_free(&out);
        return rc;
    }
    kq_buf_free(&w->payload);
    w->payload = out;
    return 0;
}

/* The media type's kind: 2 HTML, 1 plain text, 0 anything else. */
static int
media_kind(const char *z, size_t n)
{
    if (n >= 9 && strncasecmp(z, "text/html", 9) == 0) {
        return 2;
    }
    if (n >= 21 && strncasecmp(z, "application/xhtml+xml", 21) == 0) {
        return 2;
    }
    if (n >= 10 && strncasecmp(z, "text/plain", 10) == 0) {
        return 1;
    }
    return 0;
}

/* No Content-Type: HTML if it starts like HTML. */
static int
sniff_kind(const char *z, size_t n)
{
    size_t i = 0;
    while (i < n && strchr(" \t\r\n", z[i]) && z[i]) {
        i++;
    }
    if (n - i >= 9 && strncasecmp(z + i, "<!doctype", 9) == 0) {
        return 2;
    }
    if (n - i >= 5 && strncasecmp(z + i, "<html", 5) == 0) {
        return 2;
    }
    return 0;
}

/* The id, date and source of the record, and deliver. */
static int
warc_deliver(warc *w, kq_doc *pDoc)
{
    char zPos[64];
    const char *z;
    size_t n;
    textbuf_reset(&w->id);
    textbuf_reset(&w->src);
    if (warc_field(w, "WARC-Target-URI") && w->val.n) {
        z = textbuf_str(&w->val);
        n = w->val.n;
        unbracket(&z, &n);
        kq_buf_append(&w->id, z, n);
        uri_host(z, n, &w->src);
    } else if (warc_field(w, "WARC-Record-ID") && w->val.n) {
        z = textbuf_str(&w->val);
        n = w->val.n;
        unbracket(&z, &n);
        kq_buf_append(&w->id, z, n);
    } else {
        snprintf(zPos, sizeof(zPos), ":%llu", (unsigned long long)w->iRec);
        const char *zFile = w->zFileId ? w->zFileId : w->zName;
        kq_buf_append(&w->id, zFile, strlen(zFile));
        kq_buf_append(&w->id, zPos, strlen(zPos));
    }
    if (w->id.rc || w->src.rc) {
        skip_rec(w, "out of memory%s", "");
        return 0;
    }
    pDoc->zId = (const char *)w->id.a;
    pDoc->nId = w->id.n;
    pDoc->zSource = (const char *)w->src.a;
    pDoc->nSource = w->src.n;
    if (warc_field(w, "WARC-Date") && w->val.n >= 10 &&
        date_is_iso(textbuf_str(&w->val), 10)) {
        pDoc->zDate = (const char *)w->val.a;
        pDoc->nDate = 10;
    } else if (w->val.n) {
        report_at(w->zName, w->iRec,
                  "WARC-Date \"%.*s\" not understood; "
                  "indexed without a date",
                  REPORT_QUOTE_LEN(w->val.n), textbuf_str(&w->val));
        w->pC->pStats->nWarning++;
    }
    return ctx_deliver_at(w->pC, pDoc, w->zName, w->iRec);
}

/* Does the coding te (a Transfer- or Content-Encoding value) start with
** zName?  Compared within te's own bytes: the buffer may hold more, left
** from an earlier value. */
static int
coding_is(const kq_buf *te, const char *zName)
{
    size_t n = strlen(zName);
    return te->n >= n && strncasecmp(textbuf_str(te), zName, n) == 0;
}

/* Payload z[0..n) of media type zType (n 0: unknown) with HTTP headers
** zHttp[0..nHttp) (nHttp 0 for a resource): decode it and deliver. */
static int
warc_payload(warc *w, const char *zType, size_t nType, const char *zHttp,
             size_t nHttp, const char *z, size_t n)
{
    int eKind = nType ? media_kind(zType, nType) : sniff_kind(z, n);
    const char *zCs = NULL;
    size_t nCs = 0;
    kq_buf te = {0};
    kq_doc doc;

    if (eKind == 0) {
        return 0;
    }
    if (mime_header(zHttp, nHttp, "Transfer-Encoding", &te) &&
        coding_is(&te, "chunked")) {
        if (dechunk(w, z, n)) {
            kq_buf_free(&te);
            skip_rec(w, "bad chunked transfer encoding%s", "");
            return 0;
        }
        z = textbuf_str(&w->payload);
        n = w->payload.n;
    }
    textbuf_reset(&te);
    if (mime_header(zHttp, nHttp, "Content-Encoding", &te) && te.n &&
        strncasecmp(textbuf_str(&te), "identity", te.n) != 0) {
        int bGzip = coding_is(&te, "gzip") || coding_is(&te, "x-gzip");
        int e = (!bGzip && !coding_is(&te, "deflate"))
                    ? -1
                    : inflate_body(w, z, n, bGzip);
        kq_buf_free(&te);
        if (e > 0) {
            skip_rec(w,
                     "payload inflates to more than the document limit "
                     "(--max-doc-size %s); skipped",
                     w->pC->zMaxDoc);
            return 0;
        }
        if (e < 0) {
            skip_rec(w,
                     "payload in an unknown or damaged content "
                     "encoding%s",
                     "");
            return 0;
        }
        z = textbuf_str(&w->payload);
        n = w->payload.n;
    }
    kq_buf_free(&te);

    if (!(nType && mime_param(zType, nType, "charset", &zCs, &nCs)) &&
        eKind == 2) {
        html_meta_charset(z, n, &zCs, &nCs);
    }
    textbuf_reset(&w->text);
    charset_to_utf8(zCs, nCs, z, n, &w->text);
    textbuf_reset(&w->title);
    textbuf_reset(&w->body);
    if (eKind == 2) {
        html_to_text(textbuf_str(&w->text), w->text.n, &w->title, &w->body);
    } else {
        kq_buf_append(&w->body, w->text.a, w->text.n);
    }
    if (w->text.rc || w->title.rc || w->body.rc || w->payload.rc) {
        skip_rec(w, "out of memory%s", "");
        return 0;
    }
    memset(&doc, 0, sizeof(doc));
    doc.zTitle = (const char *)w->title.a;
    doc.nTitle = w->title.n;
    doc.zBody = (const char *)w->body.a;
    doc.nBody = w->body.n;
    return warc_deliver(w, &doc);
}

/* A response record's block: an HTTP response. */
static int
warc_response(warc *w, const char *z, size_t n)
{
    size_t nHdr, iBody, iLine;
    const char *zType = NULL;
    size_t nType = 0;
    kq_buf ct = {0};
    int rc;
    int status = 0;
    if (n < 12 || memcmp(z, "HTTP/", 5) != 0) {
        /* dns:, ftp: and other non-HTTP captures: not documents */
        return 0;
    }
    /* "HTTP/1.1 200 OK" */
    for (iLine = 5; iLine < n && z[iLine] != ' ' && z[iLine] != '\n';) {
        iLine++;
    }
    if (iLine + 4 <= n) {
        for (size_t k = iLine + 1; k < iLine + 4; k++) {
            if (z[k] < '0' || z[k] > '9') {
                status = -1;
                break;
            }
            status = status * 10 + (z[k] - '0');
        }
    }
    if (status < 200 || status > 299) {
        return 0; /* redirects, errors */
    }
    mime_split(z, n, &nHdr, &iBody);
    if (mime_header(z, nHdr, "Content-Type", &ct) && ct.n) {
        zType = textbuf_str(&ct);
        nType = ct.n;
    }
    rc = warc_payload(w, zType, nType, z, nHdr, z + iBody, n - iBody);
    kq_buf_free(&ct);
    return rc;
}

/* One record, its header read: take its block and act on it.  LR_LINE to
** go on, LR_EOF/LR_ERROR to stop; *pRc gets the callback's return. */
static int
warc_record(warc *w, int *pRc)
{
    int64_t nLen = warc_length(w);
    int bResponse, bResource;
    const char *z;
    size_t nGot;
    uint64_t nSkip;

    if (nLen < 0) {
        skip_rec(w,
                 "missing or bad Content-Length; looking for the next "
                 "record%s",
                 "");
        return LR_TOOLONG; /* resynchronise */
    }
    warc_field(w, "WARC-Type");
    bResponse = w->val.n == 8 &&
                strncasecmp(textbuf_str(&w->val), "response", 8) == 0;
    bResource = w->val.n == 8 &&
                strncasecmp(textbuf_str(&w->val), "resource", 8) == 0;
    if ((!bResponse && !bResource) || (uint64_t)nLen > w->pC->nMaxDoc) {
        if (lr_skip(&w->lr, (uint64_t)nLen, &nSkip) == LR_ERROR) {
            return LR_ERROR;
        }
        if (nSkip < (uint64_t)nLen) {
            goto truncated;
        }
        if (bResponse || bResource) {
            report_at(w->zName, w->iRec,
                      "record of %lld bytes larger than "
                      "the document limit (--max-doc-size %s); skipped",
                      (long long)nLen, w->pC->zMaxDoc);
            w->pC->pStats->nDocSkipped++;
        }
        return LR_LINE;
    }
    switch (lr_take(&w->lr, (size_t)nLen, &z, &nGot)) {
    case LR_ERROR: return LR_ERROR;
    case LR_TOOLONG: skip_rec(w, "out of memory%s", ""); return LR_EOF;
    default: break;
    }
    if (nGot < (size_t)nLen) {
        nSkip = nGot;
        goto truncated;
    }
    if (bResponse) {
        *pRc = warc_response(w, z, nGot);
    } else {
        const char *zType = NULL;
        size_t nType = 0;
        kq_buf ct = {0};
        if (mime_header(textbuf_str(&w->hdr), w->hdr.n, "Content-Type", &ct)) {
            zType = textbuf_str(&ct);
            nType = ct.n;
        }
        *pRc = warc_payload(w, zType, nType, "", 0, z, nGot);
        kq_buf_free(&ct);
    }
    return LR_LINE;

truncated:
    report_at(w->zName, w->iRec,
              "truncated record (Content-Length %lld, "
              "only %llu bytes left); skipped",
              (long long)nLen, (unsigned long long)nSkip);
    w->pC->pStats->nDocSkipped++;
    return LR_EOF;
}

static void
warc_free(warc *w)
{
    lr_free(&w->lr);
    kq_buf_free(&w->hdr);
    kq_buf_free(&w->val);
    kq_buf_free(&w->payload);
    kq_buf_free(&w->text);
    kq_buf_free(&w->title);
    kq_buf_free(&w->body);
    kq_buf_free(&w->id);
    kq_buf_free(&w->src);
    free(w->zFileId);
}

/* The records of the file.  Between records only blank lines are
** expected; anything else is reported once and skipped up to the next
** line starting with "WARC/". */
static int
warc_loop(warc *w)
{
    int bLost = 0; /* looking for the next record after damage */
    uint64_t nRec = 0;
    for (;;) {
        const char *z;
        size_t n;
        int rc = 0;
        int e;
        uint64_t iLine = lr_offset(&w->lr);
        e = lr_next(&w->lr, &z, &n);
        if (e == LR_EOF) {
            break;
        }
        if (e == LR_ERROR) {
            ctx_stopped(w->pC, w->zName, iLine, 0, iLine);
            break;
        }
        if (e == LR_LINE && is_blank_line(z, n)) {
            continue;
        }
        if (e != LR_LINE || n < 5 || memcmp(z, "WARC/", 5) != 0) {
            if (!bLost) {
                report_at(w->zName, iLine, "%s",
                          nRec == 0 && iLine == 0
                              ? "not a WARC file (no WARC/ version line)"
                              : "not a WARC record header; looking for the "
                                "next record");
                w->pC->pStats->nDocSkipped++;
            }
            bLost = 1;
            continue;
        }
        bLost = 0;
        nRec++;
        w->iRec = iLine;
        e = warc_headers(w);
        if (e == LR_EOF) {
            break;
        }
        if (e == LR_ERROR) {
            ctx_stopped(w->pC, w->zName, w->iRec, 0, w->iRec);
            break;
        }
        if (e == LR_TOOLONG) {
            bLost = 1;
            continue;
        }
        e = warc_record(w, &rc);
        if (rc) {
            return rc;
        }
        if (e == LR_ERROR) {
            ctx_stopped(w->pC, w->zName, w->iRec, 0, w->iRec);
            break;
        }
        if (e == LR_EOF) {
            break;
        }
        if (e == LR_TOOLONG) {
            bLost = 1;
        }
    }
    return 0;
}

int
read_warc(corpus_ctx *pC, const char *zPath, int eGz)
{
    src s;
    warc w;
    int rc;
    memset(&w, 0, sizeof(w));
    if (lines_open(&s, &w.lr, pC, zPath, eGz)) {
        return 0;
    }
    w.pC = pC;
    w.zName = s.zPath;
    if (strcmp(zPath, "-") != 0 &&
        (w.zFileId = ctx_file_id(pC, zPath)) == NULL) {
        pC->pStats->nFileSkipped++;
        warc_free(&w);
        src_close(&s);
        return 0;
    }
    rc = warc_loop(&w);
    warc_free(&w);
    src_close(&s);
    return rc;
}
