/*
** charset.c -- character sets to UTF-8 (charset.h).
*/
#include "charset.h"
#include "textbuf.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

int
utf8_valid(const char *zIn, size_t n)
{
    const unsigned char *z = (const unsigned char *)zIn;
    size_t i = 0;
    while (i < n) {
        unsigned c = z[i];
        size_t k;
        unsigned long cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            k = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            k = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= k) {
            return 0;
        }
        for (size_t j = 1; j <= k; j++) {
            if ((z[i + j] & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (z[i + j] & 0x3f);
        }
        /* Overlong forms, surrogates, past U+10FFFF. */
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
            return 0;
        }
        i += k + 1;
    }
    return 1;
}

/* The label, without quotes and spaces, lower-cased into zOut (size
** nOut); "" if it does not fit (no real label is that long). */
static void
clean_label(const char *z, size_t n, char *zOut, size_t nOut)
{
    size_t j = 0;
    zOut[0] = 0;
    while (n && (*z == ' ' || *z == '\t' || *z == '"' || *z == '\'')) {
        z++, n--;
    }
    while (n && (z[n - 1] == ' ' || z[n - 1] == '\t' || z[n - 1] == '"' ||
                 z[n - 1] == '\'')) {
        n--;
    }
    if (n >= nOut) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        zOut[j++] = c;
    }
    zOut[j] = 0;
}

static int
is_one_of(const char *z, const char *const *az)
{
    for (; *az; az++) {
        if (strcmp(z, *az) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Convert with an open iconv descriptor; invalid input bytes become
** U+FFFD, one byte at a time, so conversion always gets to the end. */
static void
convert(iconv_t cd, const char *z, size_t n, kq_buf *pOut)
{
    char aOut[4096];
    char *pIn = (char *)z; /* iconv's prototype is not const-correct */
    size_t nIn = n;
    while (nIn > 0 && pOut->rc == KQ_OK) {
        char *pO = aOut;
        size_t nO = sizeof(aOut);
        size_t r = iconv(cd, &pIn, &nIn, &pO, &nO);
        kq_buf_append(pOut, aOut, (size_t)(pO - aOut));
        if (r == (size_t)-1 && errno != E2BIG) {
            /* EILSEQ, or EINVAL (a sequence cut at the end). */
            textbuf_utf8(pOut, 0xfffd);
            pIn++;
            nIn--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
}

/* Convert from zFrom; 0, or -1 if iconv does not know it. */
static int
convert_from(const char *zFrom, const char *z, size_t n, kq_buf *pOut)
{
    iconv_t cd = iconv_open("UTF-8", zFrom);
    if (cd == (iconv_t)-1) {
        return -1;
    }
    convert(cd, z, n, pOut);
    iconv_close(cd);
    return 0;
}

void
charset_to_utf8(const char *zCs, size_t nCs, const char *z, size_t n,
                kq_buf *pOut)
{
    static const char *const azUtf8[] = {
        "utf-8",          "utf8", "us-ascii",          "ascii",
        "ansi_x3.4-1968", "us",   "unicode-1-1-utf-8", NULL};
    static const char *const azLatin1[] = {
        "iso-8859-1", "iso8859-1",    "iso_8859-1",  "latin1",   "latin-1",
        "l1",         "windows-1252", "cp1252",      "x-cp1252", "iso-ir-100",
        "cp819",      "ibm819",       "csisolatin1", NULL};
    char zLabel[64];

    if (n == 0) {
        return;
    }
    clean_label(zCs ? zCs : "", zCs ? nCs : 0, zLabel, sizeof(zLabel));
    if (zLabel[0] && is_one_of(zLabel, azUtf8)) {
        kq_buf_append(pOut, z, n);
        return;
    }
    if (zLabel[0] && !is_one_of(zLabel, azLatin1) &&
        convert_from(zLabel, z, n, pOut) == 0) {
        return;
    }
    if (!zLabel[0] || !is_one_of(zLabel, azLatin1)) {
        if (utf8_valid(z, n)) {
            kq_buf_append(pOut, z, n);
            return;
        }
    }
    if (convert_from("WINDOWS-1252", z, n, pOut) != 0) {
        /* No gconv modules at all: Latin-1 by hand is still right for
        ** everything but 0x80-0x9F. */
        for (size_t i = 0; i < n; i++) {
            textbuf_utf8(pOut, (unsigned char)z[i]);
        }
    }
}
