/*
** width.c -- the display width of UTF-8 text, in terminal columns, as
** utf8proc_charwidth() gives each character (wide East Asian ones 2,
** combining marks 0, control characters 0; invalid bytes count as
** U+FFFD): what lines text up in kq's columns and cuts KWIC contexts.
*/
#include "kq.h"

#include <utf8proc.h>

/* One character of z[0..n) at i: its code point (U+FFFD for invalid
** bytes) and byte length. */
static size_t
next_char(const char *z, size_t n, size_t i, utf8proc_int32_t *pc)
{
    const unsigned char *p = (const unsigned char *)z + i;
    if (p[0] < 0x80) {
        *pc = p[0];
        return 1;
    }
    utf8proc_ssize_t l = utf8proc_iterate(p, (utf8proc_ssize_t)(n - i), pc);
    if (l < 1) {
        *pc = 0xfffd;
        return 1;
    }
    return (size_t)l;
}

static size_t
char_width(utf8proc_int32_t c)
{
    if (c < 0x20 || c == 0x7f) {
        return 0;
    }
    int w = utf8proc_charwidth(c);
    return w < 0 ? 0 : (size_t)w;
}

size_t
kq_text_width(const char *z, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        i += next_char(z, n, i, &c);
        w += char_width(c);
    }
    return w;
}

size_t
kq_text_prefix(const char *z, size_t n, size_t w, size_t *pnWidth)
{
    size_t i = 0, ww = 0;
    while (i < n) {
        utf8proc_int32_t c;
        size_t l = next_char(z, n, i, &c);
        size_t cw = char_width(c);
        if (ww + cw > w) {
            break;
        }
        ww += cw;
        i += l;
    }
    if (pnWidth) {
        *pnWidth = ww;
    }
    return i;
}

size_t
kq_text_suffix(const char *z, size_t n, size_t w, size_t *pnWidth)
{
    /* Walk forward once, remembering character starts, then keep the last
    ** ones that fit: the text is valid UTF-8 (cleaned) but may be long. */
    size_t i = n, ww = 0;
    while (i > 0) {
        size_t j = i - 1;
        while (j > 0 && ((unsigned char)z[j] & 0xc0) == 0x80 && i - j < 4) {
            j--;
        }
        utf8proc_int32_t c;
        size_t l = next_char(z, n, j, &c);
        if (j + l != i) { /* not one character: step one byte */
            j = i - 1;
            c = 0xfffd;
        }
        size_t cw = char_width(c);
        if (ww + cw > w) {
            break;
        }
        ww += cw;
        i = j;
    }
    if (pnWidth) {
        *pnWidth = ww;
    }
    return i;
}
