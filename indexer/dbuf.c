/*
** dbuf.c -- the growable byte buffer of the decoders (dbuf.h).
*/
#include "dbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int
dbuf_reserve(dbuf *p, size_t n)
{
    size_t nNew;
    char *a;
    if (p->bOom) {
        return -1;
    }
    if (n <= p->nAlloc - p->n) {
        return 0;
    }
    if (n > SIZE_MAX / 2 - p->n) {
        p->bOom = 1;
        return -1;
    }
    nNew = p->nAlloc ? p->nAlloc : 256;
    while (nNew - p->n < n) {
        nNew *= 2;
    }
    a = realloc(p->a, nNew);
    if (a == NULL) {
        p->bOom = 1;
        return -1;
    }
    p->a = a;
    p->nAlloc = nNew;
    return 0;
}

void
dbuf_add(dbuf *p, const void *z, size_t n)
{
    if (n == 0 || dbuf_reserve(p, n)) {
        return;
    }
    memcpy(p->a + p->n, z, n);
    p->n += n;
}

void
dbuf_addc(dbuf *p, char c)
{
    if (dbuf_reserve(p, 1)) {
        return;
    }
    p->a[p->n++] = c;
}

void
dbuf_utf8(dbuf *p, unsigned long cp)
{
    char a[4];
    if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
        cp = 0xfffd;
    }
    if (cp < 0x80) {
        a[0] = (char)cp;
        dbuf_add(p, a, 1);
    } else if (cp < 0x800) {
        a[0] = (char)(0xc0 | (cp >> 6));
        a[1] = (char)(0x80 | (cp & 0x3f));
        dbuf_add(p, a, 2);
    } else if (cp < 0x10000) {
        a[0] = (char)(0xe0 | (cp >> 12));
        a[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        a[2] = (char)(0x80 | (cp & 0x3f));
        dbuf_add(p, a, 3);
    } else {
        a[0] = (char)(0xf0 | (cp >> 18));
        a[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        a[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        a[3] = (char)(0x80 | (cp & 0x3f));
        dbuf_add(p, a, 4);
    }
}

void
dbuf_reset(dbuf *p)
{
    p->n = 0;
    p->bOom = 0;
}

void
dbuf_free(dbuf *p)
{
    free(p->a);
    memset(p, 0, sizeof(*p));
}
