/*
** sgml.c -- helpers for tagged text (sgml.h).
*/
#include "sgml.h"
#include "html.h"
#include "textbuf.h"

#include <string.h>
#include <strings.h>

size_t
sgml_find(const char *z, size_t n, size_t i, const char *zNeedle)
{
    size_t k = strlen(zNeedle);
    while (i < n) {
        /* The needles all start with '<': memchr does the skipping. */
        const char *p = memchr(z + i, zNeedle[0], n - i);
        if (p == NULL) {
            return n;
        }
        i = (size_t)(p - z);
        if (n - i >= k && strncasecmp(z + i, zNeedle, k) == 0) {
            return i;
        }
        i++;
    }
    return n;
}

int
sgml_element(const char *z, size_t n, size_t i, const char *zName,
             size_t *piStart, size_t *piEnd, size_t *piNext)
{
    char zOpen[40], zClose[40];
    size_t nName = strlen(zName);
    if (nName + 4 > sizeof(zOpen)) {
        return 0;
    }
    zOpen[0] = '<';
    memcpy(zOpen + 1, zName, nName + 1);
    zClose[0] = '<';
    zClose[1] = '/';
    memcpy(zClose + 2, zName, nName);
    zClose[nName + 2] = '>';
    zClose[nName + 3] = 0;
    for (;;) {
        size_t j = sgml_find(z, n, i, zOpen);
        size_t k;
        const char *pGt;
        if (j == n) {
            return 0;
        }
        k = j + 1 + nName;
        /* <NAME> or <NAME attributes>, not <NAMEX>. */
        if (k < n && (z[k] == '>' || z[k] == ' ' || z[k] == '\t')) {
            pGt = memchr(z + k, '>', n - k);
            if (pGt == NULL) {
                return 0;
            }
            *piStart = (size_t)(pGt - z) + 1;
            *piEnd = sgml_find(z, n, *piStart, zClose);
            *piNext = *piEnd < n ? *piEnd + nName + 3 : n;
            return 1;
        }
        i = j + 1;
    }
}

/* Append c with white space tidied: runs of blanks are one space, no
** blank starts a line, at most one empty line in a row; bLine: line
** breaks are spaces too, as for a title. */
static void
put(kq_buf *pOut, size_t nStart, int bLine, char c)
{
    char cPrev = pOut->n > nStart ? pOut->a[pOut->n - 1] : '\n';
    if (c == '\r' || c == '\t' || c == '\f' || c == '\v') {
        c = ' ';
    }
    if (bLine && c == '\n') {
        c = ' ';
    }
    if (c == ' ') {
        if (cPrev == ' ' || cPrev == '\n') {
            return;
        }
    } else if (c == '\n') {
        while (pOut->n > nStart && pOut->a[pOut->n - 1] == ' ') {
            pOut->n--;
        }
        if (pOut->n == nStart) {
            return;
        }
        if (pOut->n - nStart >= 2 && pOut->a[pOut->n - 1] == '\n' &&
            pOut->a[pOut->n - 2] == '\n') {
            return;
        }
    }
    kq_buf_putc(pOut, c);
}

void
sgml_text(const char *z, size_t n, int bLine, kq_buf *pOut)
{
    size_t nStart = pOut->n;
    size_t i = 0;
    kq_buf ref = {0};
    while (i < n) {
        char c = z[i];
        if (c == '<' && n - i >= 4 && memcmp(z + i, "<!--", 4) == 0) {
            size_t j = sgml_find(z, n, i + 4, "-->");
            i = j == n ? n : j + 3;
            put(pOut, nStart, bLine, ' ');
        } else if (c == '<' && i + 1 < n &&
                   (z[i + 1] == '/' || z[i + 1] == '!' ||
                    (z[i + 1] >= 'a' && z[i + 1] <= 'z') ||
                    (z[i + 1] >= 'A' && z[i + 1] <= 'Z'))) {
            const char *p = memchr(z + i, '>', n - i);
            i = p ? (size_t)(p - z) + 1 : n;
            put(pOut, nStart, bLine, ' ');
        } else if (c == '&') {
            size_t k;
            textbuf_reset(&ref);
            k = html_entity(z + i, n - i, &ref);
            if (k) {
                for (size_t j = 0; j < ref.n; j++) {
                    put(pOut, nStart, bLine, ref.a[j]);
                }
                i += k;
            } else {
                put(pOut, nStart, bLine, c);
                i++;
            }
        } else {
            put(pOut, nStart, bLine, c);
            i++;
        }
    }
    kq_buf_free(&ref);
    while (pOut->n > nStart &&
           (pOut->a[pOut->n - 1] == ' ' || pOut->a[pOut->n - 1] == '\n')) {
        pOut->n--;
    }
}
