/*
** qfile.c -- lines of bounded length (line_read), and query files, as kq
** batch FILE and kq hist --queries FILE read them: one query a line,
** LABEL<TAB>QUERY or QUERY; blank lines and lines starting with # are
** skipped; labels and queries are trimmed of spaces and tabs.  A line is
** at most a label (an id's length), a tab and the longest query: a longer
** one is read past without being kept.
*/
#include "cli.h"

#include <string.h>

static char *
trim(char *z)
{
    while (*z == ' ' || *z == '\t') {
        z++;
    }
    size_t n = strlen(z);
    while (n > 0 && (z[n - 1] == ' ' || z[n - 1] == '\t' || z[n - 1] == '\r' ||
                     z[n - 1] == '\n')) {
        z[--n] = 0;
    }
    return z;
}

int
line_read(FILE *f, size_t nMax, kq_buf *b, int *pbLong)
{
    int c = EOF, bAny = 0;
    b->n = 0;
    *pbLong = 0;
    while ((c = getc(f)) != EOF && c != '\n') {
        bAny = 1;
        if (*pbLong) {
            continue;
        }
        if (b->n == nMax) {
            *pbLong = 1; /* drop it; read on to the line's end */
            b->n = 0;
            continue;
        }
        kq_buf_putc(b, (unsigned char)c);
    }
    if (c == EOF && !bAny) {
        return KQ_DONE;
    }
    kq_buf_putc(b, 0);
    b->n--;
    return b->rc;
}

int
qfile_next(FILE *f, kq_buf *pLine, long *piLine, char **pzLabel,
           char **pzQuery, int *pbLong)
{
    for (;;) {
        int rc = line_read(f, KQ_MAX_ID + 1 + KQ_MAX_QUERY_LEN, pLine, pbLong);
        if (rc) {
            return rc;
        }
        ++*piLine;
        *pzLabel = *pzQuery = NULL;
        if (*pbLong) {
            return KQ_OK;
        }
        char *z = trim((char *)pLine->a);
        if (z[0] == 0 || z[0] == '#') {
            continue;
        }
        char *zTab = strchr(z, '\t');
        if (zTab) {
            *zTab = 0;
            *pzLabel = trim(z);
            z = trim(zTab + 1);
        }
        *pzQuery = z;
        return KQ_OK;
    }
}
