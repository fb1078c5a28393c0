/*
** dbuf.h -- a growable byte buffer for the decoders of kq-index (HTML,
** MIME, charsets).  Running out of memory is sticky: later appends are
** ignored and bOom stays set, so a decoder appends freely and its caller
** checks once at the end.
*/
#ifndef KQ_DBUF_H
#define KQ_DBUF_H

#include <stddef.h>

typedef struct dbuf {
    char *a;
    size_t n;
    size_t nAlloc;
    int bOom;
} dbuf;

void dbuf_add(dbuf *p, const void *z, size_t n);
void dbuf_addc(dbuf *p, char c);
/* Append code point cp as UTF-8 (U+FFFD for what is not a scalar value). */
void dbuf_utf8(dbuf *p, unsigned long cp);
/* Empty it, keeping the memory (and clearing bOom). */
void dbuf_reset(dbuf *p);
void dbuf_free(dbuf *p);

#endif
