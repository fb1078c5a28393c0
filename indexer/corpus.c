/*
** corpus.c -- the input readers of kq-index: directory walks, plain-text
** documents, JSON Lines, and gzip-compressed versions of both.
**
** The layers, bottom up:
**
**   src         a byte source: a file read with read(2), or the same file
**               inflated by zlib.  It reports its own errors (cannot read,
**               corrupt or truncated gzip data) and counts bytes delivered.
**   linereader  splits a src into lines in one growable buffer, so JSON
**               Lines files of any size stream in O(longest line) memory.
**   read_txt    a whole file is one document (title line + body).
**   read_jsonl  one JSON object a line, parsed by jansson.
**   walk_dir    recursive, sorted, loop-safe directory walk.
**
** Error policy: every problem with the input is reported on stderr as
** "kq-index: PATH: reason" or "kq-index: PATH:LINE: reason", counted in the
** caller's corpus_stats, and then the run goes on with the next line or
** file.  Only a non-zero return from the document callback stops a run.
** Nothing here has a fixed-size buffer for lines or paths, and every input
** (binary junk, NUL bytes, invalid UTF-8, huge lines, damaged gzip) either
** gives documents or a message -- never a crash.
*/
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L   /* O_CLOEXEC, strcasecmp, ... */
#endif

#include "corpus.h"
#include "jsonflat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

/* Bytes asked of read(2) or inflate() at a time.  Large enough that system
** call overhead vanishes, small enough to stay in cache. */
#define CORPUS_CHUNK ((size_t)256 * 1024)

/* Compressed input buffer for zlib. */
#define CORPUS_GZ_IN ((size_t)128 * 1024)

/* Largest single read()/inflate() request: keeps within ssize_t and uInt
** on every platform. */
#define CORPUS_MAX_IO ((size_t)1 << 30)

/* Directory nesting deeper than this is refused rather than risking the C
** stack on a pathological tree (real corpora are a few levels deep). */
#define CORPUS_MAX_DEPTH 1000

/* File types, decided by name. */
enum { FT_NONE, FT_TXT, FT_JSONL };

/* What every reader needs: the caller's callback and the counters. */
typedef struct corpus_ctx {
    void *pCtx;
    corpus_doc_fn xDoc;
    corpus_stats *pStats;
    jf_state jf;        /* scratch of the JSON fast path */
} corpus_ctx;

#if defined(__GNUC__)
static void report(const char *zPath, uint64_t iLine, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));
#endif

/* Print "kq-index: PATH: reason" (iLine == 0) or "kq-index: PATH:LINE:
** reason".  One fprintf per part is fine: stderr is unbuffered anyway and
** only one thread reads the corpus. */
static void report(const char *zPath, uint64_t iLine, const char *zFmt, ...)
{
    va_list ap;
    if (iLine) {
        fprintf(stderr, "kq-index: %s:%llu: ", zPath,
                (unsigned long long)iLine);
    } else {
        fprintf(stderr, "kq-index: %s: ", zPath);
    }
    va_start(ap, zFmt);
    vfprintf(stderr, zFmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/**************************************************************************
** Byte sources: plain files and gzip streams.
*/
typedef struct src {
    const char *zPath;
    corpus_stats *pStats;
    int fd;
    int bGz;
    int bEnd;           /* nothing more will come: clean end, or an error */
    /* gzip only */
    z_stream z;
    int bZInit;         /* inflateInit2() succeeded: inflateEnd() needed */
    int bInEof;         /* read(2) has returned 0 */
    int bMemberEnd;     /* inflate() finished a gzip member */
    unsigned char *aIn; /* compressed input, CORPUS_GZ_IN bytes */
    uint64_t nIn;       /* compressed bytes read from the file so far */
} src;

/* read(2) until n bytes or end of file, retrying on EINTR.  Returns the
** byte count, or -1 with errno set. */
static ssize_t read_full(int fd, void *pBuf, size_t n)
{
    size_t nGot = 0;
    if (n > CORPUS_MAX_IO) n = CORPUS_MAX_IO;
    while (nGot < n) {
        ssize_t r = read(fd, (char *)pBuf + nGot, n - nGot);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) break;
        nGot += (size_t)r;
    }
    return (ssize_t)nGot;
}

/* Refill the compressed input buffer (only called when it is empty). */
static int gz_fill(src *p)
{
    ssize_t r = read_full(p->fd, p->aIn, CORPUS_GZ_IN);
    if (r < 0) {
        report(p->zPath, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    if (r == 0) p->bInEof = 1;
    p->z.next_in = p->aIn;
    p->z.avail_in = (uInt)r;
    p->nIn += (uint64_t)r;
    return 0;
}

/* Open zPath for reading, through zlib if bGz.  On failure the problem has
** been reported and -1 is returned; src_close() is still safe to call. */
static int src_open(src *p, const char *zPath, int bGz, corpus_stats *pStats)
{
    memset(p, 0, sizeof(*p));
    p->zPath = zPath;
    p->pStats = pStats;
    p->bGz = bGz;
    p->fd = open(zPath, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (p->fd < 0) {
        report(zPath, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (!bGz) return 0;

    p->aIn = malloc(CORPUS_GZ_IN);
    if (p->aIn == NULL) {
        report(zPath, 0, "out of memory");
        return -1;
    }
    /* 16 + MAX_WBITS: gzip wrapper only.  We do not use gzopen()/gzread()
    ** because they silently pass non-gzip data through, and we want the
    ** byte offset of any corruption for the message. */
    if (inflateInit2(&p->z, 16 + MAX_WBITS) != Z_OK) {
        report(zPath, 0, "cannot initialise zlib: %s",
               p->z.msg ? p->z.msg : "out of memory");
        return -1;
    }
    p->bZInit = 1;
    if (gz_fill(p)) return -1;
    /* Check the magic ourselves: "not valid gzip data" is a clearer message
    ** for a misnamed file than zlib's "incorrect header check". */
    if (p->z.avail_in < 2 || p->aIn[0] != 0x1f || p->aIn[1] != 0x8b) {
        report(zPath, 0, "not valid gzip data");
        return -1;
    }
    return 0;
}

static void src_close(src *p)
{
    if (p->bZInit) inflateEnd(&p->z);
    free(p->aIn);
    if (p->fd >= 0) close(p->fd);
    p->fd = -1;
    p->aIn = NULL;
    p->bZInit = 0;
}

/* The inflating half of src_read(). */
static int gz_read(src *p, char *pBuf, size_t n, size_t *pnGot)
{
    z_stream *z = &p->z;
    if (n > CORPUS_MAX_IO) n = CORPUS_MAX_IO;
    z->next_out = (Bytef *)pBuf;
    z->avail_out = (uInt)n;

    /* Loop until some output: a gzip member can consume much input (or a
    ** whole empty member) before producing a byte. */
    while (z->avail_out == n) {
        int rc;
        if (z->avail_in == 0 && !p->bInEof) {
            if (gz_fill(p)) return -1;
        }
        if (p->bMemberEnd) {
            /* A member ended.  More input means another member follows
            ** (concatenated .gz files are legal and common, e.g. from
            ** `cat a.gz b.gz` or pigz). */
            if (z->avail_in == 0) {
                if (p->bInEof) {
                    p->bEnd = 1;
                    break;
                }
                continue;
            }
            if (z->next_in[0] != 0x1f) {
                /* Like gzip(1): what came before is intact, so warn and
                ** stop (tape padding and appended junk are not rare). */
                report(p->zPath, 0, "trailing garbage after gzip data at "
                       "byte %llu ignored",
                       (unsigned long long)(p->nIn - z->avail_in));
                p->bEnd = 1;
                break;
            }
            if (inflateReset(z) != Z_OK) {
                report(p->zPath, 0, "zlib error: inflateReset failed");
                return -1;
            }
            p->bMemberEnd = 0;
        }
        if (z->avail_in == 0 && p->bInEof) {
            report(p->zPath, 0, "corrupt gzip data at byte %llu: unexpected "
                   "end of file", (unsigned long long)p->nIn);
            return -1;
        }
        rc = inflate(z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            p->bMemberEnd = 1;
        } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
            /* Z_BUF_ERROR: no progress possible without more input; the
            ** loop fetches it (avail_out > 0 here, so that is the cause). */
        } else if (rc == Z_MEM_ERROR) {
            report(p->zPath, 0, "out of memory");
            return -1;
        } else {
            report(p->zPath, 0, "corrupt gzip data at byte %llu: %s",
                   (unsigned long long)(p->nIn - z->avail_in),
                   z->msg ? z->msg : "unknown zlib error");
            return -1;
        }
    }
    *pnGot = n - z->avail_out;
    return 0;
}

/* Read up to n bytes into pBuf.  *pnGot == 0 means the end of the data.
** Returns 0, or -1 after reporting an error; after an error the source
** stays at its end. */
static int src_read(src *p, char *pBuf, size_t n, size_t *pnGot)
{
    *pnGot = 0;
    if (p->bEnd || n == 0) return 0;
    if (p->bGz) {
        if (gz_read(p, pBuf, n, pnGot)) {
            p->bEnd = 1;
            return -1;
        }
    } else {
        ssize_t r;
        if (n > CORPUS_MAX_IO) n = CORPUS_MAX_IO;
        do {
            r = read(p->fd, pBuf, n);
        } while (r < 0 && errno == EINTR);
        if (r < 0) {
            report(p->zPath, 0, "cannot read: %s", strerror(errno));
            p->bEnd = 1;
            return -1;
        }
        *pnGot = (size_t)r;
    }
    if (*pnGot == 0) p->bEnd = 1;
    p->pStats->nByte += *pnGot;
    return 0;
}

/**************************************************************************
** Line reader.
**
** One buffer holds [iStart, nData): the unconsumed data.  A line is found
** with memchr() from iScan (so a long line is never rescanned), returned
** as a pointer into the buffer, and consumed.  When no '\n' is left, the
** partial line is moved to the front and more is read; the buffer doubles
** when less than a chunk is free, so it ends up about the size of the
** longest line, however big the file.
*/
typedef struct linereader {
    src *pSrc;
    char *a;
    size_t nAlloc;
    size_t iStart;      /* first byte of the next line */
    size_t iScan;       /* [iStart, iScan) is known to hold no '\n' */
    size_t nData;       /* bytes of valid data in a[] */
    int bEof;
} linereader;

enum { LR_EOF, LR_LINE, LR_TOOLONG, LR_ERROR };

/* Next line, without its '\n', in *pz and *pn (valid until the next call).
** Returns LR_LINE; LR_TOOLONG if a line had to be dropped because memory
** ran out (the line is still consumed, so line numbers stay right);
** LR_EOF; or LR_ERROR after the source reported a read error.  A last line
** without '\n' is returned like any other. */
static int lr_next(linereader *p, const char **pz, size_t *pn)
{
    int bDrop = 0;
    for (;;) {
        char *pNl = NULL;
        size_t nGot;
        if (p->iScan < p->nData) {
            pNl = memchr(p->a + p->iScan, '\n', p->nData - p->iScan);
        }
        if (pNl) {
            size_t iEnd = (size_t)(pNl - p->a);
            *pz = p->a + p->iStart;
            *pn = iEnd - p->iStart;
            p->iStart = p->iScan = iEnd + 1;
            return bDrop ? LR_TOOLONG : LR_LINE;
        }
        p->iScan = p->nData;
        if (p->bEof) {
            if (p->iStart < p->nData || bDrop) {
                *pz = p->a + p->iStart;
                *pn = p->nData - p->iStart;
                p->iStart = p->nData;
                return bDrop ? LR_TOOLONG : LR_LINE;
            }
            return LR_EOF;
        }

        /* Need more data.  Move the partial line down first: the memmove
        ** costs at most one line per buffer refill. */
        if (p->iStart > 0) {
            memmove(p->a, p->a + p->iStart, p->nData - p->iStart);
            p->nData -= p->iStart;
            p->iScan = p->nData;
            p->iStart = 0;
        }
        if (p->nAlloc - p->nData < CORPUS_CHUNK) {
            size_t nNew = p->nAlloc ? p->nAlloc * 2 : CORPUS_CHUNK;
            char *aNew = NULL;
            if (nNew > p->nAlloc && nNew - p->nData >= CORPUS_CHUNK) {
                aNew = realloc(p->a, nNew);
            }
            if (aNew) {
                p->a = aNew;
                p->nAlloc = nNew;
            } else if (p->nAlloc < CORPUS_CHUNK) {
                report(p->pSrc->zPath, 0, "out of memory");
                return LR_ERROR;
            } else {
                /* No memory for this line: drop what we have of it and
                ** keep reading to its end, so that one absurd line costs
                ** only itself, not the rest of the file. */
                bDrop = 1;
                p->nData = p->iScan = 0;
            }
        }
        if (src_read(p->pSrc, p->a + p->nData, p->nAlloc - p->nData,
                     &nGot)) {
            return LR_ERROR;
        }
        if (nGot == 0) {
            p->bEof = 1;
        } else {
            p->nData += nGot;
        }
    }
}

/**************************************************************************
** Plain text: one document a file.
*/
static int is_utf8_bom(const char *z, size_t n)
{
    return n >= 3 && memcmp(z, "\xEF\xBB\xBF", 3) == 0;
}

/* True if z[0..n) is only whitespace (or a byte order mark), including
** n == 0. */
static int is_space(const char *z, size_t n)
{
    size_t i = is_utf8_bom(z, n) ? 3 : 0;
    for (; i < n; i++) {
        if (strchr(" \t\r\n\f\v", z[i]) == NULL || z[i] == '\0') return 0;
    }
    return 1;
}

/* Split a whole file into title (line 1) and body (the rest, from its first
** non-blank line).  A UTF-8 byte order mark (Windows editors write one) is
** not part of the title. */
static void txt_split(const char *a, size_t n, kq_doc *pDoc)
{
    const char *p = a;
    const char *pEnd = a + n;
    const char *pNl;
    const char *q;

    if (is_utf8_bom(a, n)) p += 3;
    pNl = memchr(p, '\n', (size_t)(pEnd - p));
    pDoc->zTitle = p;
    pDoc->nTitle = (size_t)((pNl ? pNl : pEnd) - p);
    while (pDoc->nTitle > 0 && p[pDoc->nTitle - 1] == '\r') pDoc->nTitle--;

    /* Skip blank lines (empty, or only spaces, tabs and CRs) after the
    ** title, but keep the indentation of the first real line. */
    q = pNl ? pNl + 1 : pEnd;
    for (;;) {
        const char *r = q;
        while (r < pEnd && (*r == ' ' || *r == '\t' || *r == '\r')) r++;
        if (r == pEnd) {
            q = pEnd;
            break;
        }
        if (*r != '\n') break;
        q = r + 1;
    }
    pDoc->zBody = q;
    pDoc->nBody = (size_t)(pEnd - q);
}

/* Read zPath (through zlib if bGz) as one document whose id is zPath.  The
** whole file is held in memory: it is one document, and the analyzer needs
** its body in one piece anyway. */
static int read_txt(corpus_ctx *pC, const char *zPath, int bGz)
{
    src s;
    char *a = NULL;
    size_t nAlloc = 0;
    size_t n = 0;
    int rc = 0;
    kq_doc doc;

    if (src_open(&s, zPath, bGz, pC->pStats)) {
        pC->pStats->nFileSkipped++;
        src_close(&s);
        return 0;
    }
    /* For a plain regular file the size is known: allocate once. */
    if (!bGz) {
        struct stat st;
        if (fstat(s.fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0
            && (uint64_t)st.st_size < (uint64_t)(SIZE_MAX / 2)) {
            nAlloc = (size_t)st.st_size + 1;  /* +1: see EOF at once */
        }
    }
    for (;;) {
        size_t nGot;
        if (nAlloc - n == 0) {
            size_t nNew = nAlloc < CORPUS_CHUNK ? CORPUS_CHUNK : nAlloc * 2;
            char *aNew = nNew > nAlloc ? realloc(a, nNew) : NULL;
            if (aNew == NULL) {
                report(zPath, 0, "out of memory");
                goto skip;
            }
            a = aNew;
            nAlloc = nNew;
        } else if (a == NULL) {
            a = malloc(nAlloc);
            if (a == NULL) {
                report(zPath, 0, "out of memory");
                goto skip;
            }
        }
        if (src_read(&s, a + n, nAlloc - n, &nGot)) goto skip;
        if (nGot == 0) break;
        n += nGot;
    }
    /* A file of only whitespace would give a document nothing can find. */
    if (is_space(a, n)) {
        report(zPath, 0, "empty file");
        goto skip;
    }

    memset(&doc, 0, sizeof(doc));
    doc.zId = zPath;
    doc.nId = strlen(zPath);
    txt_split(a, n, &doc);
    pC->pStats->nDoc++;
    rc = pC->xDoc(pC->pCtx, &doc);
    goto done;

skip:
    pC->pStats->nFileSkipped++;
done:
    free(a);
    src_close(&s);
    return rc;
}

/**************************************************************************
** JSON Lines: one document a line.
*/
static int is_blank(const char *z, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (z[i] != ' ' && z[i] != '\t' && z[i] != '\r') return 0;
    }
    return 1;
}

/* Parse one line and deliver its document.  An invalid line is reported
** and counted; it does not stop the file.  Returns xDoc's return. */
static int json_line(corpus_ctx *pC, const char *zPath, uint64_t iLine,
                     const char *z, size_t n)
{
    /* Optional string fields and where each goes in a kq_doc. */
    static const char *const azField[] = { "title", "date", "source",
                                           "body" };
    const char **apz[4];
    size_t *apn[4];
    json_error_t err;
    json_t *pObj;
    json_t *pId;
    kq_doc doc;
    char zNum[32];      /* a decimal json_int_t: at most 20 chars + sign */
    int i;
    int rc;

    if (iLine == 1 && is_utf8_bom(z, n)) {
        z += 3;
        n -= 3;
    }
    if (is_blank(z, n)) return 0;

    /* Most lines are flat objects: decoded in place (jsonflat.c).  Any
    ** other line, valid or not, goes to jansson below. */
    {
        static const char *const azKey[] = {"id", "title", "date", "source",
                                            "body"};
        jf_value aV[5];
        if (jf_parse(&pC->jf, z, n, azKey, 5, aV) == JF_OK) {
            memset(&doc, 0, sizeof(doc));
            if (aV[0].eType == JF_ABSENT) {
                report(zPath, iLine, "missing \"id\"");
                pC->pStats->nLineSkipped++;
                return 0;
            }
            if (aV[0].eType == JF_STRING) {
                doc.zId = aV[0].z;
                doc.nId = aV[0].n;
            } else {
                int nNum = snprintf(zNum, sizeof(zNum), "%lld", aV[0].nInt);
                doc.zId = zNum;
                doc.nId = (nNum > 0 && (size_t)nNum < sizeof(zNum))
                              ? (size_t)nNum : 0;
            }
            if (doc.nId == 0) {
                report(zPath, iLine, "\"id\" is empty");
                pC->pStats->nLineSkipped++;
                return 0;
            }
            for (i = 1; i < 5; i++) {
                if (aV[i].eType == JF_INTEGER) {
                    report(zPath, iLine, "\"%s\" is not a string", azKey[i]);
                    pC->pStats->nLineSkipped++;
                    return 0;
                }
            }
            doc.zTitle = aV[1].z;  doc.nTitle = aV[1].n;
            doc.zDate = aV[2].z;   doc.nDate = aV[2].n;
            doc.zSource = aV[3].z; doc.nSource = aV[3].n;
            doc.zBody = aV[4].z;   doc.nBody = aV[4].n;
            pC->pStats->nDoc++;
            return pC->xDoc(pC->pCtx, &doc);
        }
    }

    /* JSON_ALLOW_NUL: "\u0000" inside a string is accepted; we use
    ** json_string_length(), never strlen(), so embedded NULs survive. */
    pObj = json_loadb(z, n, JSON_ALLOW_NUL, &err);
    if (pObj == NULL) {
        report(zPath, iLine, "invalid JSON: %s (column %d)", err.text,
               err.column);
        pC->pStats->nLineSkipped++;
        return 0;
    }
    if (!json_is_object(pObj)) {
        report(zPath, iLine, "not a JSON object");
        goto bad;
    }

    memset(&doc, 0, sizeof(doc));
    pId = json_object_get(pObj, "id");
    if (pId == NULL) {
        report(zPath, iLine, "missing \"id\"");
        goto bad;
    }
    if (json_is_string(pId)) {
        doc.zId = json_string_value(pId);
        doc.nId = json_string_length(pId);
    } else if (json_is_integer(pId)) {
        int nNum = snprintf(zNum, sizeof(zNum), "%" JSON_INTEGER_FORMAT,
                            json_integer_value(pId));
        doc.zId = zNum;
        doc.nId = (nNum > 0 && (size_t)nNum < sizeof(zNum)) ? (size_t)nNum
                                                            : 0;
    } else {
        report(zPath, iLine, "\"id\" is not a string or integer");
        goto bad;
    }
    /* An empty id cannot name a document in the results. */
    if (doc.nId == 0) {
        report(zPath, iLine, "\"id\" is empty");
        goto bad;
    }

    apz[0] = &doc.zTitle;  apn[0] = &doc.nTitle;
    apz[1] = &doc.zDate;   apn[1] = &doc.nDate;
    apz[2] = &doc.zSource; apn[2] = &doc.nSource;
    apz[3] = &doc.zBody;   apn[3] = &doc.nBody;
    for (i = 0; i < 4; i++) {
        json_t *pVal = json_object_get(pObj, azField[i]);
        if (pVal == NULL) continue;
        /* Strict on purpose: a number or null where text was expected
        ** means the producer of the file has a bug worth hearing about. */
        if (!json_is_string(pVal)) {
            report(zPath, iLine, "\"%s\" is not a string", azField[i]);
            goto bad;
        }
        *apz[i] = json_string_value(pVal);
        *apn[i] = json_string_length(pVal);
    }

    pC->pStats->nDoc++;
    rc = pC->xDoc(pC->pCtx, &doc);
    json_decref(pObj);
    return rc;

bad:
    pC->pStats->nLineSkipped++;
    json_decref(pObj);
    return 0;
}

static int read_jsonl(corpus_ctx *pC, const char *zPath, int bGz)
{
    src s;
    linereader lr;
    uint64_t iLine = 0;
    int rc = 0;

    if (src_open(&s, zPath, bGz, pC->pStats)) {
        pC->pStats->nFileSkipped++;
        src_close(&s);
        return 0;
    }
    memset(&lr, 0, sizeof(lr));
    lr.pSrc = &s;
    for (;;) {
        const char *z = NULL;
        size_t n = 0;
        int e = lr_next(&lr, &z, &n);
        if (e == LR_EOF) break;
        if (e == LR_ERROR) {
            /* Reported already.  Documents from earlier lines stay
            ** delivered; the partial line at the error is dropped. */
            pC->pStats->nFileSkipped++;
            break;
        }
        iLine++;
        if (e == LR_TOOLONG) {
            report(zPath, iLine, "line too long (out of memory)");
            pC->pStats->nLineSkipped++;
            continue;
        }
        rc = json_line(pC, zPath, iLine, z, n);
        if (rc) break;
    }
    free(lr.a);
    src_close(&s);
    return rc;
}

/**************************************************************************
** Files and directories.
*/

/* Case-insensitive: corpora copied from Windows have NAME.TXT. */
static int has_suffix(const char *z, size_t n, const char *zSuf)
{
    size_t nSuf = strlen(zSuf);
    return n >= nSuf && strncasecmp(z + n - nSuf, zSuf, nSuf) == 0;
}

/* The type of a file by its name; *pbGz is set if it ends in ".gz", and
** the type is then that of the name without ".gz".  Unknown types are
** FT_NONE in a walk but FT_TXT if the user named the file. */
static int file_type(const char *zName, int bExplicit, int *pbGz)
{
    size_t n = strlen(zName);
    *pbGz = 0;
    if (has_suffix(zName, n, ".gz")) {
        *pbGz = 1;
        n -= 3;
    }
    if (has_suffix(zName, n, ".txt")) return FT_TXT;
    if (has_suffix(zName, n, ".jsonl")) return FT_JSONL;
    if (has_suffix(zName, n, ".json")) return FT_JSONL;
    return bExplicit ? FT_TXT : FT_NONE;
}

static int read_file(corpus_ctx *pC, const char *zPath, int eType, int bGz)
{
    pC->pStats->nFile++;
    if (eType == FT_JSONL) return read_jsonl(pC, zPath, bGz);
    return read_txt(pC, zPath, bGz);
}

/* A skipped input that is not read at all (a loop, an unopenable
** directory, a device): counted as a file tried and skipped, so that
** nFile - nFileSkipped is always the number of files read. */
static void skip_input(corpus_ctx *pC)
{
    pC->pStats->nFile++;
    pC->pStats->nFileSkipped++;
}

/* zDir + "/" + zName, malloc()ed.  Trailing slashes of zDir are dropped so
** that "corpus/" gives "corpus/0001.txt", not "corpus//0001.txt", and the
** ids do not depend on how the user typed the directory. */
static char *path_join(const char *zDir, const char *zName)
{
    size_t nDir = strlen(zDir);
    size_t nName = strlen(zName);
    char *z;
    while (nDir > 0 && zDir[nDir - 1] == '/') nDir--;
    if (nName > SIZE_MAX - nDir - 2) return NULL;
    z = malloc(nDir + nName + 2);
    if (z == NULL) return NULL;
    memcpy(z, zDir, nDir);
    z[nDir] = '/';
    memcpy(z + nDir + 1, zName, nName + 1);
    return z;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The directories from the walk's root down to the one being read.  A
** directory whose (device, inode) is already here would be entered a
** second time through a symlink (or bind mount) cycle. */
typedef struct walkframe {
    dev_t dev;
    ino_t ino;
    int nDepth;
    const struct walkframe *pUp;
} walkframe;

/* Read the names in zDir (all but those starting with '.') into a sorted,
** malloc()ed array.  Returns 0, or -1 after reporting a problem.  The
** directory is closed before the caller recurses, so a deep tree does not
** hold one descriptor per level. */
static int dir_names(const char *zDir, char ***pazName, size_t *pnName)
{
    DIR *pDir;
    char **azName = NULL;
    size_t nName = 0;
    size_t nAlloc = 0;
    int bOk = 1;

    *pazName = NULL;
    *pnName = 0;
    pDir = opendir(zDir);
    if (pDir == NULL) {
        report(zDir, 0, "cannot open directory: %s", strerror(errno));
        return -1;
    }
    for (;;) {
        struct dirent *pEnt;
        errno = 0;
        pEnt = readdir(pDir);
        if (pEnt == NULL) {
            if (errno) {
                report(zDir, 0, "cannot read directory: %s", strerror(errno));
                bOk = 0;
            }
            break;
        }
        /* Skips ".", ".." and hidden files (.git, editor droppings). */
        if (pEnt->d_name[0] == '.') continue;
        if (nName == nAlloc) {
            size_t nNew = nAlloc ? nAlloc * 2 : 64;
            char **azNew = NULL;
            if (nNew < SIZE_MAX / sizeof(char *)) {
                azNew = realloc(azName, nNew * sizeof(char *));
            }
            if (azNew == NULL) {
                report(zDir, 0, "out of memory");
                bOk = 0;
                break;
            }
            azName = azNew;
            nAlloc = nNew;
        }
        azName[nName] = strdup(pEnt->d_name);
        if (azName[nName] == NULL) {
            report(zDir, 0, "out of memory");
            bOk = 0;
            break;
        }
        nName++;
    }
    closedir(pDir);
    if (!bOk) {
        size_t i;
        for (i = 0; i < nName; i++) free(azName[i]);
        free(azName);
        return -1;
    }
    /* strcmp order, not locale order: the same on every machine. */
    if (nName > 1) qsort(azName, nName, sizeof(char *), cmp_name);
    *pazName = azName;
    *pnName = nName;
    return 0;
}

static int walk_dir(corpus_ctx *pC, const char *zDir, const struct stat *pSt,
                    const walkframe *pUp)
{
    walkframe frame;
    char **azName;
    size_t nName;
    size_t i;
    int rc = 0;

    frame.dev = pSt->st_dev;
    frame.ino = pSt->st_ino;
    frame.nDepth = pUp ? pUp->nDepth + 1 : 0;
    frame.pUp = pUp;

    if (dir_names(zDir, &azName, &nName)) {
        skip_input(pC);
        return 0;
    }
    for (i = 0; i < nName && rc == 0; i++) {
        struct stat st;
        int bGz;
        int eType = file_type(azName[i], 0, &bGz);
        char *zPath = path_join(zDir, azName[i]);
        if (zPath == NULL) {
            report(zDir, 0, "out of memory");
            skip_input(pC);
            continue;
        }
        /* stat(), not lstat(): symlinks to files and directories are
        ** followed; cycles are caught below. */
        if (stat(zPath, &st) != 0) {
            /* A dangling link of a type we would not read anyway is not
            ** worth a message; anything else is. */
            if (eType != FT_NONE || errno != ENOENT) {
                report(zPath, 0, "cannot open: %s", strerror(errno));
                skip_input(pC);
            }
        } else if (S_ISDIR(st.st_mode)) {
            const walkframe *p;
            for (p = &frame; p; p = p->pUp) {
                if (p->dev == st.st_dev && p->ino == st.st_ino) break;
            }
            if (p) {
                report(zPath, 0, "symlink loop");
                skip_input(pC);
            } else if (frame.nDepth + 1 >= CORPUS_MAX_DEPTH) {
                report(zPath, 0, "directories nested too deep");
                skip_input(pC);
            } else {
                rc = walk_dir(pC, zPath, &st, &frame);
            }
        } else if (eType != FT_NONE) {
            /* Opening a FIFO or device found in a tree could block forever
            ** or read without end; only regular files are read in walks. */
            if (!S_ISREG(st.st_mode)) {
                report(zPath, 0, "not a regular file");
                skip_input(pC);
            } else {
                rc = read_file(pC, zPath, eType, bGz);
            }
        }
        free(zPath);
    }
    for (i = 0; i < nName; i++) free(azName[i]);
    free(azName);
    return rc;
}

int corpus_read(const char *zPath, void *pCtx, corpus_doc_fn xDoc,
                corpus_stats *pStats)
{
    corpus_ctx c;
    corpus_stats dummy;
    struct stat st;
    int bGz;
    int eType;

    if (pStats == NULL) {
        memset(&dummy, 0, sizeof(dummy));
        pStats = &dummy;
    }
    c.pCtx = pCtx;
    c.xDoc = xDoc;
    c.pStats = pStats;
    memset(&c.jf, 0, sizeof(c.jf));

    int rc;
    if (stat(zPath, &st) != 0) {
        report(zPath, 0, "cannot open: %s", strerror(errno));
        skip_input(&c);
        rc = 0;
    } else if (S_ISDIR(st.st_mode)) {
        rc = walk_dir(&c, zPath, &st, NULL);
    } else {
        /* Named explicitly: read whatever it is (even a FIFO or /dev/stdin,
        ** which is the user's explicit choice). */
        eType = file_type(zPath, 1, &bGz);
        rc = read_file(&c, zPath, eType, bGz);
    }
    jf_free(&c.jf);
    return rc;
}
