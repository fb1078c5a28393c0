/*
** mime.h -- the MIME pieces of mail (mime.c): header fields, transfer
** encodings, RFC 2047 encoded words, and the text of a (multipart) body.
*/
#ifndef KQ_MIME_H
#define KQ_MIME_H

#include "kq.h"

#include <stddef.h>

/* Split an entity z[0..n) at its first empty line: the header block is
** z[0..*pnHdr), the body starts at *piBody (n if there is none). */
void mime_split(const char *z, size_t n, size_t *pnHdr, size_t *piBody);

/* Does the block start with a header field ("Name: value")? */
int mime_has_headers(const char *z, size_t n);

/* The first field zName (case-insensitive) of the header block z[0..n),
** unfolded and trimmed, appended to pOut.  1 if there is one, else 0. */
int mime_header(const char *z, size_t n, const char *zName, kq_buf *pOut);

/* Parameter zParam of a Content-Type-like value z[0..n) (quotes removed):
** 1 and *pz, *pn, else 0. */
int mime_param(const char *z, size_t n, const char *zParam, const char **pz,
               size_t *pn);

/* Content-Transfer-Encoding decoders, appending to pOut. */
void mime_qp_decode(const char *z, size_t n, kq_buf *pOut);
void mime_b64_decode(const char *z, size_t n, kq_buf *pOut);

/* A header value with RFC 2047 encoded words (=?charset?B|Q?...?=)
** decoded, all of it to UTF-8 (charset.h), appended to pOut. */
void mime_words_decode(const char *z, size_t n, kq_buf *pOut);

/* The text of a message: header block zHdr[0..nHdr), body zBody[0..nBody).
** The text/plain parts (a single-part message without Content-Type is
** text/plain) are decoded (transfer encoding, charset) into pPlain; the
** text/html parts, turned into text, into pHtml.  Attachments (a
** Content-Disposition of attachment) are not text of the message.  Parts
** nested more than KQ_MAX_MIME_DEPTH deep, and those of a multipart whose
** boundary is longer than KQ_MAX_MIME_BOUNDARY, are not read: returns the
** MIME_CUT_* flags of what was left out (the caller reports it), 0 if
** nothing was. */
#define MIME_CUT_DEEP 0x01
#define MIME_CUT_BOUNDARY 0x02
int mime_text(const char *zHdr, size_t nHdr, const char *zBody, size_t nBody,
              kq_buf *pPlain, kq_buf *pHtml);

#endif
