/*
** text.c -- plain text input: a whole file is one document (corpus.h).
*/
#include "readers.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* True if z[0..n) is only whitespace (or a byte order mark), including
** n == 0. */
static int
is_space(const char *z, size_t n)
{
    size_t i = is_utf8_bom(z, n) ? 3 : 0;
    for (; i < n; i++) {
        if (strchr(" \t\r\n\f\v", z[i]) == NULL || z[i] == '\0') {
            return 0;
        }
    }
    return 1;
}

/* Split a whole file into title (line 1) and body (the rest, from its first
** non-blank line).  A UTF-8 byte order mark is not part of the title. */
static void
txt_split(const char *a, size_t n, kq_doc *pDoc)
{
    const char *p = a;
    const char *pEnd = a + n;
    const char *pNl;
    const char *q;

    if (is_utf8_bom(a, n)) {
        p += 3;
    }
    pNl = memchr(p, '\n', (size_t)(pEnd - p));
    pDoc->zTitle = p;
    pDoc->nTitle = (size_t)((pNl ? pNl : pEnd) - p);
    while (pDoc->nTitle > 0 && p[pDoc->nTitle - 1] == '\r') {
        pDoc->nTitle--;
    }

    /* Skip blank lines (empty, or only spaces, tabs and CRs) after the
    ** title, but keep the indentation of the first real line. */
    q = pNl ? pNl + 1 : pEnd;
    for (;;) {
        const char *r = q;
        while (r < pEnd && (*r == ' ' || *r == '\t' || *r == '\r')) {
            r++;
        }
        if (r == pEnd) {
            q = pEnd;
            break;
        }
        if (*r != '\n') {
            break;
        }
        q = r + 1;
    }
    pDoc->zBody = q;
    pDoc->nBody = (size_t)(pEnd - q);
}

/* All of s into *pa and *pn (malloc()ed), if it holds at most nMax bytes.
** 0; 1 if it holds more (nothing kept: reading stops at the first byte
** past the cap, so a decompression bomb costs no more than the cap); or
** -1 after a reported error. */
static int
slurp(src *s, size_t nMax, char **pa, size_t *pn)
{
    char *a = NULL;
    size_t nAlloc = 0;
    size_t n = 0;
    struct stat st;

    /* For a plain regular file the size is known: allocate once, or not at
    ** all for one over the cap. */
    if (!s->bGz && fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size > 0) {
        if ((uint64_t)st.st_size > nMax) {
            return 1;
        }
        nAlloc = (size_t)st.st_size + 1; /* +1: see EOF at once */
    }
    for (;;) {
        size_t nGot;
        if (nAlloc - n == 0 || a == NULL) {
            /* Room for one byte past the cap: that byte says "too large". */
            size_t nNew = nAlloc - n              ? nAlloc
                          : nAlloc < CORPUS_CHUNK ? CORPUS_CHUNK
                                                  : nAlloc * 2;
            char *aNew;
            if (nNew > nMax + 1) {
                nNew = nMax + 1;
            }
            aNew = nNew > n ? realloc(a, nNew) : NULL;
            if (aNew == NULL) {
                report(s->zPath, 0, "out of memory");
                free(a);
                return -1;
            }
            a = aNew;
            nAlloc = nNew;
        }
        if (src_read(s, a + n, nAlloc - n, &nGot)) {
            free(a);
            return -1;
        }
        if (nGot == 0) {
            break;
        }
        n += nGot;
        if (n > nMax) {
            free(a);
            return 1;
        }
    }
    *pa = a;
    *pn = n;
    return 0;
}

/* Read zPath as one document whose id is its path (ctx_file_id()).  The whole
** file is held
** in memory (at most the document cap): it is one document, and the
** analyzer needs its body in one piece anyway.  A file over the cap is
** skipped, not cut: half a document would be indexed as if it were all. */
int
read_txt(corpus_ctx *pC, const char *zPath, int eGz)
{
    src s;
    char *a = NULL;
    size_t n = 0;
    int rc = 0;
    int e;
    kq_doc doc;

    if (src_open(&s, pC, zPath, eGz) ||
        (e = slurp(&s, pC->nMaxDoc, &a, &n)) < 0) {
        pC->pStats->nFileSkipped++;
        src_close(&s);
        return 0;
    }
    if (e > 0) {
        report(s.zPath, 1,
               "document larger than the limit (--max-doc-size "
               "%s); skipped",
               pC->zMaxDoc);
        pC->pStats->nDocSkipped++;
    } else if (is_space(a, n)) {
        /* A file of only whitespace would give a document nothing can
        ** find. */
        report(s.zPath, 0, "empty file");
        pC->pStats->nFileSkipped++;
    } else {
        /* Standard input is "stdin"; a file is known by its path in one
        ** spelling, however it was typed (ctx_file_id()). */
        char *zId = NULL;
        if (strcmp(zPath, "-") != 0 &&
            (zId = ctx_file_id(pC, zPath)) == NULL) {
            pC->pStats->nFileSkipped++; /* (reported) */
        } else {
            memset(&doc, 0, sizeof(doc));
            doc.zId = zId ? zId : s.zPath;
            doc.nId = strlen(doc.zId);
            txt_split(a, n, &doc);
            rc = ctx_deliver(pC, &doc, s.zPath, 0);
        }
        free(zId);
    }
    free(a);
    src_close(&s);
    return rc;
}
