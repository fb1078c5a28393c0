/*
** textbuf.h -- what the decoders of kq-index (HTML, MIME, charsets, the
** readers) add to the library's byte buffer, kq_buf (kq.h): reading it as
** char text, emptying it for the next record, and appending a code point
** as UTF-8.  A failed allocation is sticky in kq_buf.rc, so a decoder
** appends freely and its caller checks rc once at the end.
*/
#ifndef KQ_TEXTBUF_H
#define KQ_TEXTBUF_H

#include "kq.h"

/* b's bytes for the decoders, which work on char: never NULL ("" while
** nothing has been appended), not NUL-terminated (b->n bytes). */
static inline const char *
textbuf_str(const kq_buf *b)
{
    return b->a ? (const char *)b->a : "";
}

/* Empty b, keeping its memory, and clear a failed allocation (rc back to
** KQ_OK): each record starts afresh. */
void textbuf_reset(kq_buf *b);

/* Append code point cp as UTF-8; U+FFFD for U+0000 (HTML's rule for
** &#0;, and no NUL in the text) and for what is not a scalar value
** (surrogates, past U+10FFFF). */
void textbuf_utf8(kq_buf *b, unsigned long cp);

#endif
