/*
** textbuf.c -- the decoders' additions to kq_buf (textbuf.h).
*/
#include "textbuf.h"

#include <utf8proc.h>

void
textbuf_reset(kq_buf *b)
{
    b->n = 0;
    b->rc = KQ_OK;
}

void
textbuf_utf8(kq_buf *b, unsigned long cp)
{
    utf8proc_uint8_t a[4];
    /* utf8proc_encode_char() writes surrogates as they are and nothing
    ** past U+10FFFF: both are U+FFFD here, checked first. */
    if (cp == 0 || cp > 0x10ffff ||
        !utf8proc_codepoint_valid((utf8proc_int32_t)cp)) {
        cp = 0xfffd;
    }
    kq_buf_append(b, a, (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, a));
}
