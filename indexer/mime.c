/*
** mime.c -- the MIME pieces of mail (mime.h).
**
** Every function walks its input forward with explicit bounds; nesting
** (multipart in multipart, forwarded messages) is followed at most
** KQ_MAX_MIME_DEPTH levels deep, so a hostile message cannot exhaust the
** stack, and boundaries are at most KQ_MAX_MIME_BOUNDARY bytes (mime_text()
** says when it left parts out for either).
*/
#include "mime.h"
#include "charset.h"
#include "html.h"
#include "textbuf.h"
#include "../common/kq.h"

#include <string.h>
#include <strings.h>

static int
is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* End of the line starting at i (index of its '\n', or n). */
static size_t
line_end(const char *z, size_t n, size_t i)
{
    const char *p = i < n ? memchr(z + i, '\n', n - i) : NULL;
    return p ? (size_t)(p - z) : n;
}

/* Is z[i..e) empty but for a CR? */
static int
is_empty_line(const char *z, size_t i, size_t e)
{
    return e == i || (e == i + 1 && z[i] == '\r');
}

void
mime_split(const char *z, size_t n, size_t *pnHdr, size_t *piBody)
{
    size_t i = 0;
    while (i < n) {
        size_t e = line_end(z, n, i);
        if (is_empty_line(z, i, e)) {
            *pnHdr = i;
            *piBody = e < n ? e + 1 : n;
            return;
        }
        i = e + 1;
    }
    *pnHdr = n;
    *piBody = n;
}

int
mime_has_headers(const char *z, size_t n)
{
    size_t i = 0;
    /* Field names are printable ASCII but ':' (RFC 5322). */
    while (i < n && z[i] > ' ' && z[i] < 127 && z[i] != ':') {
        i++;
    }
    return i > 0 && i < n && z[i] == ':';
}

int
mime_header(const char *z, size_t n, const char *zName, kq_buf *pOut)
{
    size_t nName = strlen(zName);
    size_t i = 0;
    while (i < n) {
        size_t e = line_end(z, n, i);
        if (e - i > nName && z[i + nName] == ':' &&
            strncasecmp(z + i, zName, nName) == 0) {
            size_t nStart = pOut->n;
            int bSp = 0;
            size_t j = i + nName + 1;
            /* The value and its continuation lines (starting with white
            ** space), each run of white space one space. */
            for (;;) {
                for (; j < e; j++) {
                    if (is_ws(z[j])) {
                        bSp = 1;
                    } else {
                        if (bSp && pOut->n > nStart) {
                            kq_buf_putc(pOut, ' ');
                        }
                        bSp = 0;
                        kq_buf_putc(pOut, z[j]);
                    }
                }
                if (e + 1 >= n || (z[e + 1] != ' ' && z[e + 1] != '\t')) {
                    break;
                }
                bSp = 1;
                j = e + 1;
                e = line_end(z, n, j);
            }
            return 1;
        }
        i = e + 1;
    }
    return 0;
}

int
mime_param(const char *z, size_t n, const char *zParam, const char **pz,
           size_t *pn)
{
    size_t nParam = strlen(zParam);
    size_t i = 0;
    for (;;) {
        const char *p = i < n ? memchr(z + i, ';', n - i) : NULL;
        size_t j;
        if (p == NULL) {
            return 0;
        }
        j = (size_t)(p - z) + 1;
        while (j < n && is_ws(z[j])) {
            j++;
        }
        i = j;
        if (n - j <= nParam || strncasecmp(z + j, zParam, nParam) != 0) {
            continue;
        }
        j += nParam;
        while (j < n && is_ws(z[j])) {
            j++;
        }
        if (j >= n || z[j] != '=') {
            continue;
        }
        j++;
        while (j < n && is_ws(z[j])) {
            j++;
        }
        if (j < n && z[j] == '"') {
            const char *q = memchr(z + j + 1, '"', n - j - 1);
            *pz = z + j + 1;
            *pn = q ? (size_t)(q - *pz) : n - j - 1;
        } else {
            size_t k = j;
            while (k < n && z[k] != ';' && !is_ws(z[k])) {
                k++;
            }
            *pz = z + j;
            *pn = k - j;
        }
        return 1;
    }
}

static int
hex_val(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

void
mime_qp_decode(const char *z, size_t n, kq_buf *pOut)
{
    size_t i = 0;
    while (i < n) {
        const char *p = memchr(z + i, '=', n - i);
        size_t iEq = p ? (size_t)(p - z) : n;
        size_t j;
        kq_buf_append(pOut, z + i, iEq - i);
        if (iEq == n) {
            break;
        }
        if (n - iEq >= 3 && hex_val(z[iEq + 1]) >= 0 &&
            hex_val(z[iEq + 2]) >= 0) {
            kq_buf_putc(
                pOut, (char)(hex_val(z[iEq + 1]) * 16 + hex_val(z[iEq + 2])));
            i = iEq + 3;
            continue;
        }
        /* A soft line break: '=', maybe trailing blanks, end of line. */
        j = iEq + 1;
        while (j < n && (z[j] == ' ' || z[j] == '\t' || z[j] == '\r')) {
            j++;
        }
        if (j == n || z[j] == '\n') {
            i = j < n ? j + 1 : n;
            continue;
        }
        kq_buf_putc(pOut, '='); /* not an escape: keep it, as RFC 2045 says */
        i = iEq + 1;
    }
}

static int
b64_val(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+' || c == '-') {
        return 62; /* '-', '_': the URL alphabet */
    }
    if (c == '/' || c == '_') {
        return 63;
    }
    return -1;
}

void
mime_b64_decode(const char *z, size_t n, kq_buf *pOut)
{
    unsigned long acc = 0;
    int nBit = 0;
    for (size_t i = 0; i < n; i++) {
        int v;
        if (z[i] == '=') {
            break;
        }
        v = b64_val(z[i]);
        if (v < 0) {
            continue; /* line breaks and junk between groups */
        }
        acc = (acc << 6) | (unsigned)v;
        nBit += 6;
        if (nBit >= 8) {
            nBit -= 8;
            kq_buf_putc(pOut, (char)((acc >> nBit) & 0xff));
        }
    }
}

/* One encoded word at z[0..n) (z starts with "=?"): its decoded text to
** pOut; returns its length, or 0 if it is not one. */
static size_t
encoded_word(const char *z, size_t n, kq_buf *pOut)
{
    size_t iCs = 2, iEnc, iText, iEnd;
    const char *p;
    kq_buf raw = {0};
    const char *zStar;
    size_t nCs;
    p = memchr(z + iCs, '?', n - iCs);
    if (p == NULL) {
        return 0;
    }
    iEnc = (size_t)(p - z) + 1;
    if (iEnc + 2 > n || z[iEnc + 1] != '?') {
        return 0;
    }
    iText = iEnc + 2;
    for (iEnd = iText; iEnd + 1 < n; iEnd++) {
        if (z[iEnd] == '?' && z[iEnd + 1] == '=') {
            break;
        }
        if (is_ws(z[iEnd])) {
            return 0;
        }
    }
    if (iEnd + 1 >= n) {
        return 0;
    }
    if (z[iEnc] == 'B' || z[iEnc] == 'b') {
        mime_b64_decode(z + iText, iEnd - iText, &raw);
    } else if (z[iEnc] == 'Q' || z[iEnc] == 'q') {
        for (size_t i = iText; i < iEnd; i++) {
            if (z[i] == '_') {
                kq_buf_putc(&raw, ' ');
            } else if (z[i] == '=' && iEnd - i >= 3 &&
                       hex_val(z[i + 1]) >= 0 && hex_val(z[i + 2]) >= 0) {
                kq_buf_putc(
                    &raw, (char)(hex_val(z[i + 1]) * 16 + hex_val(z[i + 2])));
                i += 2;
            } else {
                kq_buf_putc(&raw, z[i]);
            }
        }
    } else {
        return 0;
    }
    /* RFC 2231: "charset*language". */
    nCs = iEnc - 1 - iCs;
    zStar = memchr(z + iCs, '*', nCs);
    if (zStar) {
        nCs = (size_t)(zStar - (z + iCs));
    }
    charset_to_utf8(z + iCs, nCs, textbuf_str(&raw), raw.n, pOut);
    kq_buf_free(&raw);
    return iEnd + 2;
}

void
mime_words_decode(const char *z, size_t n, kq_buf *pOut)
{
    size_t i = 0;
    size_t iPlain = 0;  /* start of text not yet written */
    int bAfterWord = 0; /* the last thing written was an encoded word */
    while (i < n) {
        size_t k;
        if (z[i] != '=' || i + 1 >= n || z[i + 1] != '?') {
            i++;
            continue;
        }
        {
            kq_buf w = {0};
            k = encoded_word(z + i, n - i, &w);
            if (k) {
                /* White space between two encoded words is not text. */
                size_t j = iPlain;
                while (bAfterWord && j < i && is_ws(z[j])) {
                    j++;
                }
                if (j < i || !bAfterWord) {
                    charset_to_utf8(NULL, 0, z + iPlain, i - iPlain, pOut);
                }
                kq_buf_append(pOut, w.a, w.n);
                iPlain = i + k;
                bAfterWord = 1;
            }
            kq_buf_free(&w);
        }
        i += k ? k : 1;
    }
    charset_to_utf8(NULL, 0, z + iPlain, n - iPlain, pOut);
}

/**************************************************************************
** The text of a message.
*/
typedef struct mtext {
    kq_buf *pPlain;
    kq_buf *pHtml;
    int fCut; /* MIME_CUT_*: what was left out */
} mtext;

static void entity_text(mtext *m, const char *zHdr, size_t nHdr,
                        const char *zBody, size_t nBody, int nDepth);

/* Decode a text part: transfer encoding, then charset, into pOut. */
static void
decode_part(const char *zHdr, size_t nHdr, const char *zType, size_t nType,
            const char *zBody, size_t nBody, kq_buf *pOut)
{
    kq_buf cte = {0};
    kq_buf raw = {0};
    const char *zCs = NULL;
    size_t nCs = 0;
    mime_header(zHdr, nHdr, "Content-Transfer-Encoding", &cte);
    if (cte.n == 16 &&
        strncasecmp(textbuf_str(&cte), "quoted-printable", 16) == 0) {
        mime_qp_decode(zBody, nBody, &raw);
    } else if (cte.n == 6 &&
               strncasecmp(textbuf_str(&cte), "base64", 6) == 0) {
        mime_b64_decode(zBody, nBody, &raw);
    } else {
        kq_buf_append(&raw, zBody, nBody);
    }
    mime_param(zType, nType, "charset", &zCs, &nCs);
    charset_to_utf8(zCs, nCs, textbuf_str(&raw), raw.n, pOut);
    kq_buf_free(&raw);
    kq_buf_free(&cte);
}

/* Parts are separated by a blank line in the text. */
static void
add_para(kq_buf *pOut, const char *z, size_t n)
{
    if (n == 0) {
        return;
    }
    if (pOut->n) {
        kq_buf_append(pOut, "\n\n", 2);
    }
    kq_buf_append(pOut, z, n);
}

static void
text_part(mtext *m, const char *zHdr, size_t nHdr, const char *zType,
          size_t nType, int bHtml, const char *zBody, size_t nBody)
{
    kq_buf text = {0};
    decode_part(zHdr, nHdr, zType, nType, zBody, nBody, &text);
    if (bHtml) {
        kq_buf title = {0};
        kq_buf body = {0};
        html_to_text(textbuf_str(&text), text.n, &title, &body);
        add_para(m->pHtml, textbuf_str(&body), body.n);
        kq_buf_free(&title);
        kq_buf_free(&body);
    } else {
        add_para(m->pPlain, textbuf_str(&text), text.n);
    }
    kq_buf_free(&text);
}

/* A delimiter line "--BOUNDARY" or "--BOUNDARY--" at z[i..e)?  1 for a
** delimiter, 2 for the closing one, else 0. */
static int
delimiter(const char *z, size_t i, size_t e, const char *zB, size_t nB)
{
    size_t j = i + 2 + nB;
    int eKind = 1;
    if (e - i < 2 + nB || z[i] != '-' || z[i + 1] != '-' ||
        memcmp(z + i + 2, zB, nB) != 0) {
        return 0;
    }
    if (e - j >= 2 && z[j] == '-' && z[j + 1] == '-') {
        eKind = 2;
        j += 2;
    }
    while (j < e && is_ws(z[j])) {
        j++;
    }
    return j == e ? eKind : 0;
}

static void
one_part(mtext *m, const char *z, size_t n, int nDepth)
{
    size_t nHdr, iBody;
    if (n > 0 && (z[0] == '\n' || (z[0] == '\r' && n > 1 && z[1] == '\n'))) {
        nHdr = 0; /* no headers: a text/plain part */
        iBody = z[0] == '\n' ? 1 : 2;
    } else {
        mime_split(z, n, &nHdr, &iBody);
    }
    entity_text(m, z, nHdr, z + iBody, n - iBody, nDepth);
}

static void
multipart(mtext *m, const char *zB, size_t nB, const char *z, size_t n,
          int nDepth)
{
    size_t i = 0;
    size_t iPart = 0;
    int bIn = 0; /* past the first delimiter */
    while (i < n) {
        size_t e = line_end(z, n, i);
        int eKind = delimiter(z, i, e, zB, nB);
        if (eKind) {
            if (bIn) {
                /* The line break before a delimiter belongs to it. */
                size_t iEnd = i;
                if (iEnd > iPart && z[iEnd - 1] == '\n') {
                    iEnd--;
                }
                if (iEnd > iPart && z[iEnd - 1] == '\r') {
                    iEnd--;
                }
                one_part(m, z + iPart, iEnd - iPart, nDepth);
            }
            if (eKind == 2) {
                return;
            }
            bIn = 1;
            iPart = e < n ? e + 1 : n;
        }
        i = e + 1;
    }
    /* No closing delimiter: the last part runs to the end. */
    if (bIn && iPart < n) {
        one_part(m, z + iPart, n - iPart, nDepth);
    }
}

static void
entity_text(mtext *m, const char *zHdr, size_t nHdr, const char *zBody,
            size_t nBody, int nDepth)
{
    kq_buf ct = {0};
    kq_buf cd = {0};
    const char *zType;
    size_t nType;
    const char *zB;
    size_t nB;
    if (nDepth > KQ_MAX_MIME_DEPTH) {
        m->fCut |= MIME_CUT_DEEP;
        return;
    }
    if (!mime_header(zHdr, nHdr, "Content-Type", &ct) || ct.n == 0) {
        kq_buf_append(&ct, "text/plain", 10);
    }
    mime_header(zHdr, nHdr, "Content-Disposition", &cd);
    zType = textbuf_str(&ct);
    nType = ct.n;
    if (nType >= 10 && strncasecmp(zType, "multipart/", 10) == 0) {
        if (mime_param(zType, nType, "boundary", &zB, &nB) && nB > 0) {
            if (nB > KQ_MAX_MIME_BOUNDARY) {
                m->fCut |= MIME_CUT_BOUNDARY;
            } else {
                multipart(m, zB, nB, zBody, nBody, nDepth + 1);
            }
        }
    } else if (nType >= 14 && strncasecmp(zType, "message/rfc822", 14) == 0) {
        size_t nH, iB;
        mime_split(zBody, nBody, &nH, &iB);
        entity_text(m, zBody, nH, zBody + iB, nBody - iB, nDepth + 1);
    } else if (cd.n >= 10 &&
               strncasecmp(textbuf_str(&cd), "attachment", 10) == 0) {
        /* an attached file, not the message's text */
    } else if (nType >= 10 && strncasecmp(zType, "text/plain", 10) == 0 &&
               (nType == 10 || zType[10] == ';' || is_ws(zType[10]))) {
        text_part(m, zHdr, nHdr, zType, nType, 0, zBody, nBody);
    } else if (nType >= 9 && strncasecmp(zType, "text/html", 9) == 0 &&
               (nType == 9 || zType[9] == ';' || is_ws(zType[9]))) {
        text_part(m, zHdr, nHdr, zType, nType, 1, zBody, nBody);
    }
    kq_buf_free(&ct);
    kq_buf_free(&cd);
}

int
mime_text(const char *zHdr, size_t nHdr, const char *zBody, size_t nBody,
          kq_buf *pPlain, kq_buf *pHtml)
{
    mtext m;
    m.pPlain = pPlain;
    m.pHtml = pHtml;
    m.fCut = 0;
    entity_text(&m, zHdr, nHdr, zBody, nBody, 0);
    return m.fCut;
}
