/*
** jsonflat.c -- the fast path for JSON Lines: one flat object, decoded in
** place.
**
** Nearly every line of a corpus is a flat object of strings and numbers.
** Building a jansson tree for each (a hash table, an allocation per value,
** a copy of every string) was a fifth of indexing time, so such lines are
** scanned here instead: strings without escapes are used where they lie in
** the line, strings with escapes are decoded into a scratch buffer.
**
** This is only a fast path.  Anything it does not handle exactly as
** jansson would -- nesting, \u0000, invalid or unusual UTF-8, control
** characters, odd numbers, a repeated field we use, any syntax error --
** makes it answer JF_FALLBACK, and the caller parses the line with jansson,
** which accepts it or reports the error with its column.  So the fast path
** never decides that a line is bad, and a line it accepts gives the same
** values as jansson gives (tests/unit/t_jsonflat.c checks that).
*/
#include "jsonflat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct jf_scan {
    const unsigned char *p, *end;
    char *aOut; /* scratch for decoded strings */
    size_t nOut, nOutAlloc;
} jf_scan;

static void
skip_ws(jf_scan *s)
{
    while (s->p < s->end &&
           (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n')) {
        s->p++;
    }
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0 if it
** is not one (overlong forms, surrogates and code points past U+10FFFF are
** refused, as jansson does). */
static int
utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    int n;
    unsigned cp;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (end - p < n) {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
        return 0;
    }
    return n;
}

static int
hex4(const unsigned char *p, unsigned *pv)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return -1;
        }
        v = v * 16 + d;
    }
    *pv = v;
    return 0;
}

static int
out_reserve(jf_scan *s, size_t n)
{
    if (s->nOut + n <= s->nOutAlloc) {
        return 0;
    }
    size_t nNew = s->nOutAlloc ? s->nOutAlloc * 2 : 4096;
    while (nNew < s->nOut + n) {
        nNew *= 2;
    }
    char *a = realloc(s->aOut, nNew);
    if (a == NULL) {
        return -1;
    }
    s->aOut = a;
    s->nOutAlloc = nNew;
    return 0;
}

/* A string at s->p (on its opening quote).  On success *pOff and *pn give it:
** *pbOut says whether *pOff is into the scratch buffer (it had escapes) or
** into the line.  Returns -1 for anything to leave to jansson. */
static int
scan_string(jf_scan *s, size_t *pOff, size_t *pn, int *pbOut,
            const unsigned char *zLine)
{
    const unsigned char *p = s->p + 1, *end = s->end;
    const unsigned char *start = p;
    /* First the common case: no escapes. */
    for (;;) {
        if (p >= end) {
            return -1;
        }
        unsigned c = *p;
        if (c == '"') {
            *pOff = (size_t)(start - zLine);
            *pn = (size_t)(p - start);
            *pbOut = 0;
            s->p = p + 1;
            return 0;
        }
        if (c == '\\') {
            break;
        }
        if (c < 0x20) {
            return -1;
        }
        if (c < 0x80) {
            p++;
        } else {
            int n = utf8_len(p, end);
            if (n == 0) {
                return -1;
            }
            p += n;
        }
    }
    /* Escapes: decode into the scratch buffer. */
    size_t iOff = s->nOut;
    if (out_reserve(s, (size_t)(p - start))) {
        return -1;
    }
    if (p > start) { /* (aOut may still be NULL) */
        memcpy(s->aOut + s->nOut, start, (size_t)(p - start));
        s->nOut += (size_t)(p - start);
    }
    for (;;) {
        if (p >= end) {
            return -1;
        }
        unsigned c = *p;
        if (c == '"') {
            break;
        }
        if (out_reserve(s, 4)) {
            return -1;
        }
        if (c == '\\') {
            if (end - p < 2) {
                return -1;
            }
            unsigned e = p[1];
            char ch;
            switch (e) {
            case '"': ch = '"'; break;
            case '\\': ch = '\\'; break;
            case '/': ch = '/'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'n': ch = '\n'; break;
            case 'r': ch = '\r'; break;
            case 't': ch = '\t'; break;
            case 'u': {
                unsigned cp, lo;
                if (end - p < 6 || hex4(p + 2, &cp)) {
                    return -1;
                }
                p += 6;
                if (cp >= 0xdc00 && cp <= 0xdfff) {
                    return -1;
                }
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
                        hex4(p + 2, &lo) || lo < 0xdc00 || lo > 0xdfff) {
                        return -1;
                    }
                    p += 6;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                if (cp == 0) {
                    return -1; /* \u0000: jansson's business */
                }
                char *o = s->aOut + s->nOut;
                if (cp < 0x80) {
                    o[0] = (char)cp;
                    s->nOut += 1;
                } else if (cp < 0x800) {
                    o[0] = (char)(0xc0 | (cp >> 6));
                    o[1] = (char)(0x80 | (cp & 0x3f));
                    s->nOut += 2;
                } else if (cp < 0x10000) {
                    o[0] = (char)(0xe0 | (cp >> 12));
                    o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
                    o[2] = (char)(0x80 | (cp & 0x3f));
                    s->nOut += 3;
                } else {
                    o[0] = (char)(0xf0 | (cp >> 18));
                    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
                    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
                    o[3] = (char)(0x80 | (cp & 0x3f));
                    s->nOut += 4;
                }
                continue;
            }
            default: return -1;
            }
            s->aOut[s->nOut++] = ch;
            p += 2;
        } else if (c < 0x20) {
            return -1;
        } else if (c < 0x80) {
            s->aOut[s->nOut++] = (char)c;
            p++;
        } else {
            int n = utf8_len(p, end);
            if (n == 0) {
                return -1;
            }
            memcpy(s->aOut + s->nOut, p, (size_t)n);
            s->nOut += (size_t)n;
            p += n;
        }
    }
    *pOff = iOff;
    *pn = s->nOut - iOff;
    *pbOut = 1;
    s->p = p + 1;
    return 0;
}

/* A number, true, false or null.  Integers of up to 18 digits are given
** in *pnInt (with *pbInt set); anything else numeric is accepted only if it
** is a plain JSON number, and its value is not needed. */
static int
scan_scalar(jf_scan *s, int *pbInt, long long *pnInt)
{
    const unsigned char *p = s->p, *end = s->end;
    *pbInt = 0;
    static const char *const az[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(az[i]);
        if ((size_t)(end - p) >= n && memcmp(p, az[i], n) == 0) {
            s->p = p + n;
            return 0;
        }
    }
    int bNeg = 0;
    if (p < end && *p == '-') {
        bNeg = 1;
        p++;
    }
    const unsigned char *d = p;
    while (p < end && *p >= '0' && *p <= '9') {
        p++;
    }
    size_t nDig = (size_t)(p - d);
    if (nDig == 0 || (nDig > 1 && d[0] == '0')) {
        return -1;
    }
    if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) {
        /* A real: jansson takes it, and kq never uses it as an id. */
        if (*p == '.') {
            p++;
            const unsigned char *f = p;
            while (p < end && *p >= '0' && *p <= '9') {
                p++;
            }
            if (p == f) {
                return -1;
            }
        }
        if (p < end && (*p == 'e' || *p == 'E')) {
            p++;
            if (p < end && (*p == '+' || *p == '-')) {
                p++;
            }
            const unsigned char *x = p;
            while (p < end && *p >= '0' && *p <= '9') {
                p++;
            }
            if (p == x) {
                return -1;
            }
        }
        /* jansson refuses a real that overflows a double: so do we. */
        char aNum[64];
        size_t nNum = (size_t)(p - s->p);
        if (nNum >= sizeof(aNum)) {
            return -1;
        }
        memcpy(aNum, s->p, nNum);
        aNum[nNum] = 0;
        errno = 0;
        double v = strtod(aNum, NULL);
        if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL)) {
            return -1;
        }
        s->p = p;
        return 1; /* a real */
    }
    if (nDig > 18) {
        return -1; /* range checks are jansson's */
    }
    long long v = 0;
    for (size_t i = 0; i < nDig; i++) {
        v = v * 10 + (d[i] - '0');
    }
    *pnInt = bNeg ? -v : v;
    *pbInt = 1;
    s->p = p;
    return 0;
}

void
jf_free(jf_state *pState)
{
    free(pState->aOut);
    memset(pState, 0, sizeof(*pState));
}

int
jf_parse(jf_state *pState, const char *zLine, size_t nLine,
         const char *const *azKey, int nKey, jf_value *aVal)
{
    const unsigned char *zL = (const unsigned char *)zLine;
    jf_scan s = {zL, zL + nLine, pState->aOut, 0, pState->nOutAlloc};
    struct {
        size_t off, n;
        int bOut;
    } aLoc[JF_MAXKEY];
    int rc = JF_FALLBACK;
    if (nKey > JF_MAXKEY) {
        return JF_FALLBACK;
    }
    for (int i = 0; i < nKey; i++) {
        aVal[i].eType = JF_ABSENT;
        aVal[i].z = NULL;
        aVal[i].n = 0;
        aVal[i].nInt = 0;
    }

    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{') {
        goto done;
    }
    s.p++;
    skip_ws(&s);
    if (s.p < s.end && *s.p == '}') {
        s.p++;
    } else {
        for (;;) {
            size_t kOff, kn, vOff, vn;
            int kbOut, vbOut;
            skip_ws(&s);
            if (s.p >= s.end || *s.p != '"') {
                goto done;
            }
            if (scan_string(&s, &kOff, &kn, &kbOut, zL)) {
                goto done;
            }
            /* Key bytes, wherever they were decoded (may move below). */
            int iKey = -1;
            {
                const char *zk = kbOut ? s.aOut + kOff : zLine + kOff;
                for (int i = 0; i < nKey; i++) {
                    if (strlen(azKey[i]) == kn &&
                        memcmp(azKey[i], zk, kn) == 0) {
                        iKey = i;
                        break;
                    }
                }
                if (kbOut) {
                    s.nOut = kOff; /* keys are not kept */
                }
            }
            skip_ws(&s);
            if (s.p >= s.end || *s.p != ':') {
                goto done;
            }
            s.p++;
            skip_ws(&s);
            if (s.p >= s.end) {
                goto done;
            }
            /* A key we use, seen twice: jansson decides which wins. */
            if (iKey >= 0 && aVal[iKey].eType != JF_ABSENT) {
                goto done;
            }
            if (*s.p == '"') {
                if (scan_string(&s, &vOff, &vn, &vbOut, zL)) {
                    goto done;
                }
                if (iKey >= 0) {
                    aVal[iKey].eType = JF_STRING;
                    aLoc[iKey].off = vOff;
                    aLoc[iKey].n = vn;
                    aLoc[iKey].bOut = vbOut;
                } else if (vbOut) {
                    s.nOut = vOff; /* not kept */
                }
            } else if (*s.p == '{' || *s.p == '[') {
                goto done;
            } else {
                int bInt;
                long long v;
                int r = scan_scalar(&s, &bInt, &v);
                if (r < 0) {
                    goto done;
                }
                if (iKey >= 0) {
                    /* A real, true, false or null where kq wants a string
                    ** or an id: jansson's path reports it. */
                    if (!bInt) {
                        goto done;
                    }
                    aVal[iKey].eType = JF_INTEGER;
                    aVal[iKey].nInt = v;
                }
            }
            skip_ws(&s);
            if (s.p >= s.end) {
                goto done;
            }
            if (*s.p == ',') {
                s.p++;
                continue;
            }
            if (*s.p == '}') {
                s.p++;
                break;
            }
            goto done;
        }
    }
    skip_ws(&s);
    if (s.p != s.end) {
        goto done;
    }
    /* Resolve string values now that the scratch buffer stopped moving. */
    for (int i = 0; i < nKey; i++) {
        if (aVal[i].eType == JF_STRING) {
            aVal[i].z = aLoc[i].bOut ? s.aOut + aLoc[i].off
                                     : zLine + aLoc[i].off;
            aVal[i].n = aLoc[i].n;
        }
    }
    rc = JF_OK;
done:
    pState->aOut = s.aOut;
    pState->nOutAlloc = s.nOutAlloc;
    return rc;
}
