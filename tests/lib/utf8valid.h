/*
** utf8valid.h -- strict UTF-8 validation for the tests (no overlong forms,
** surrogates or values past U+10FFFF), written apart from the library
** (which uses utf8proc) so that it can serve as an oracle.  Included by
** tests/unit/tharness.h and tests/fuzz/fuzz_util.h.
*/
#ifndef KQ_TEST_UTF8VALID_H
#define KQ_TEST_UTF8VALID_H

#include <stddef.h>
#include <stdint.h>

static inline int test_utf8_valid(const char *z, size_t n) {
    const unsigned char *p = (const unsigned char *)z, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) { p++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
        else return 0;
        if ((size_t)(end - p) < len) return 0;
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        p += len;
    }
    return 1;
}

#endif
