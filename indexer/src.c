/*
** src.c -- byte sources and the line reader of kq-index (readers.h).
**
** A source is a file or standard input, read with read(2), or the same
** inflated by zlib.  Unless the data is known to be plain, the first block
** is read into the source's own buffer, so that gzip can be recognised by
** its magic bytes (standard input has no name to go by) before a reader
** sees any data.  We do not use
** gzopen()/gzread(): they silently pass non-gzip data through, and we want
** the byte offset of any corruption for the message.
**
** The line reader keeps one buffer holding [iStart, nData): the unconsumed
** data.  A line is found with memchr() from iScan (so a long line is never
** rescanned), returned as a pointer into the buffer, and consumed.  When no
** '\n' is left, the partial line is moved to the front and more is read;
** the buffer doubles when less than a chunk is free, so it ends up about
** the size of the longest line (or record taken), however big the file --
** but never more than a chunk past the document cap (nMax): a longer line
** is read to its end without being kept, and reported as too long.
*/
#include "readers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

const char *
src_name(const char *zPath)
{
    return strcmp(zPath, "-") == 0 ? "stdin" : zPath;
}

/* read(2) until n bytes or end of file, retrying on EINTR.  Returns the
** byte count, or -1 with errno set. */
static ssize_t
read_full(int fd, void *pBuf, size_t n)
{
    size_t nGot = 0;
    if (n > CORPUS_MAX_IO) {
        n = CORPUS_MAX_IO;
    }
    while (nGot < n) {
        ssize_t r = read(fd, (char *)pBuf + nGot, n - nGot);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (r == 0) {
            break;
        }
        nGot += (size_t)r;
    }
    return (ssize_t)nGot;
}

/* Bytes read as stored, for the progress display. */
static void
count_raw(src *p, size_t n)
{
    p->pC->pStats->nRawByte += n;
}

/* Refill the compressed input buffer (only called when it is empty). */
static int
gz_fill(src *p)
{
    ssize_t r = read_full(p->fd, p->aIn, CORPUS_GZ_IN);
    if (r < 0) {
        report(p->zPath, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    if (r == 0) {
        p->bInEof = 1;
    }
    count_raw(p, (size_t)r);
    p->z.next_in = p->aIn;
    p->z.avail_in = (uInt)r;
    p->nIn += (uint64_t)r;
    return 0;
}

/* Start inflating the nFirst bytes already in aIn. */
static int
gz_start(src *p, size_t nFirst)
{
    p->bGz = 1;
    /* 16 + MAX_WBITS: gzip wrapper only. */
    if (inflateInit2(&p->z, 16 + MAX_WBITS) != Z_OK) {
        report(p->zPath, 0, "cannot initialise zlib: %s",
               p->z.msg ? p->z.msg : "out of memory");
        return -1;
    }
    p->bZInit = 1;
    p->z.next_in = p->aIn;
    p->z.avail_in = (uInt)nFirst;
    p->nIn = nFirst;
    return 0;
}

int
src_open(src *p, corpus_ctx *pC, const char *zPath, int eGz)
{
    ssize_t r;
    int bMagic;

    memset(p, 0, sizeof(*p));
    p->zPath = src_name(zPath);
    p->pC = pC;
    if (strcmp(zPath, "-") == 0) {
        p->fd = 0;
    } else {
        p->fd = open(zPath, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (p->fd < 0) {
            report(zPath, 0, "cannot open: %s", strerror(errno));
            return -1;
        }
        p->bOwnFd = 1;
    }
    /* Plain data goes straight from read(2) to the reader's buffer. */
    if (eGz == SRC_PLAIN) {
        return 0;
    }
    p->aIn = malloc(CORPUS_GZ_IN);
    if (p->aIn == NULL) {
        report(p->zPath, 0, "out of memory");
        return -1;
    }
    r = read_full(p->fd, p->aIn, CORPUS_GZ_IN);
    if (r < 0) {
        report(p->zPath, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    count_raw(p, (size_t)r);
    bMagic = r >= 2 && p->aIn[0] == 0x1f && p->aIn[1] == 0x8b;
    if (eGz == SRC_GZ && !bMagic) {
        /* Clearer for a misnamed file than zlib's "incorrect header
        ** check". */
        report(p->zPath, 0, "not valid gzip data");
        return -1;
    }
    if (!bMagic) {
        p->nPend = (size_t)r;
        return 0;
    }
    return gz_start(p, (size_t)r);
}

void
src_close(src *p)
{
    if (p->bZInit) {
        inflateEnd(&p->z);
    }
    free(p->aIn);
    if (p->bOwnFd && p->fd >= 0) {
        close(p->fd);
    }
    p->fd = -1;
    p->aIn = NULL;
    p->bZInit = 0;
}

/* The inflating half of src_read(). */
static int
gz_read(src *p, char *pBuf, size_t n, size_t *pnGot)
{
    z_stream *z = &p->z;
    if (n > CORPUS_MAX_IO) {
        n = CORPUS_MAX_IO;
    }
    z->next_out = (Bytef *)pBuf;
    z->avail_out = (uInt)n;

    /* Loop until some output: a gzip member can consume much input (or a
    ** whole empty member) before producing a byte. */
    while (z->avail_out == n) {
        int rc;
        if (z->avail_in == 0 && !p->bInEof) {
            if (gz_fill(p)) {
                return -1;
            }
        }
        if (p->bMemberEnd) {
            /* A member ended.  More input means another member follows
            ** (concatenated .gz files are legal and common, e.g. from
            ** `cat a.gz b.gz`, pigz, or a WARC file gzipped per record). */
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
                report(p->zPath, 0,
                       "trailing garbage after gzip data at "
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
            report(p->zPath, 0,
                   "corrupt gzip data at byte %llu: unexpected "
                   "end of file",
                   (unsigned long long)p->nIn);
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

/* The plain half of src_read(): first what sniffing read, then read(2). */
static int
plain_read(src *p, char *pBuf, size_t n, size_t *pnGot)
{
    ssize_t r;
    if (p->nPend) {
        size_t k = n < p->nPend ? n : p->nPend;
        memcpy(pBuf, p->aIn + p->iPend, k);
        p->iPend += k;
        p->nPend -= k;
        *pnGot = k;
        return 0;
    }
    if (n > CORPUS_MAX_IO) {
        n = CORPUS_MAX_IO;
    }
    do {
        r = read(p->fd, pBuf, n);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        report(p->zPath, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    count_raw(p, (size_t)r);
    *pnGot = (size_t)r;
    return 0;
}

int
src_read(src *p, char *pBuf, size_t n, size_t *pnGot)
{
    corpus_stats *pStats = p->pC->pStats;
    const corpus_opts *pO = p->pC->pOpts;
    int rc;
    *pnGot = 0;
    if (p->bEnd || n == 0) {
        return 0;
    }
    rc = p->bGz ? gz_read(p, pBuf, n, pnGot) : plain_read(p, pBuf, n, pnGot);
    if (rc) {
        p->bEnd = 1;
        return -1;
    }
    if (*pnGot == 0) {
        p->bEnd = 1;
    }
    pStats->nByte += *pnGot;
    if (pO->xTick) {
        pO->xTick(pO->pTickCtx, pStats);
    }
    return 0;
}

/**************************************************************************
** Line reader.
*/

/* Move the unconsumed data to the front of the buffer: the memmove costs
** at most one line (or record) per refill. */
static void
lr_compact(linereader *p)
{
    if (p->iStart == 0) {
        return;
    }
    memmove(p->a, p->a + p->iStart, p->nData - p->iStart);
    p->iBase += p->iStart;
    p->nData -= p->iStart;
    p->iScan = p->iScan > p->iStart ? p->iScan - p->iStart : 0;
    p->iStart = 0;
}

/* Grow the buffer so that at least a chunk is free, but never past nMax
** and a chunk: a line or run longer than nMax is not kept (the caller
** checks nData against nMax first).  0, or -1 if memory ran out (the
** buffer is unchanged). */
static int
lr_grow(linereader *p)
{
    size_t nNew;
    size_t nTop = p->nMax + CORPUS_CHUNK;
    char *aNew;
    if (p->nAlloc - p->nData >= CORPUS_CHUNK) {
        return 0;
    }
    nNew = p->nAlloc ? p->nAlloc * 2 : CORPUS_CHUNK;
    if (nNew <= p->nAlloc || nNew > nTop) {
        nNew = nTop;
    }
    if (nNew <= p->nAlloc || nNew - p->nData < CORPUS_CHUNK) {
        return -1;
    }
    aNew = realloc(p->a, nNew);
    if (aNew == NULL) {
        return -1;
    }
    p->a = aNew;
    p->nAlloc = nNew;
    return 0;
}

/* Read one more block after nData (at most nMaxRead bytes).  0, or -1
** after a reported error. */
static int
lr_read_max(linereader *p, size_t nMaxRead)
{
    size_t nGot;
    size_t n = p->nAlloc - p->nData;
    if (n > nMaxRead) {
        n = nMaxRead;
    }
    if (src_read(p->pSrc, p->a + p->nData, n, &nGot)) {
        return -1;
    }
    if (nGot == 0) {
        p->bEof = 1;
    } else {
        p->nData += nGot;
    }
    return 0;
}

static int
lr_read(linereader *p)
{
    return lr_read_max(p, (size_t)-1);
}

/* After a dropped line: give back the memory it took.  A drop reads a
** chunk at a time, so little else is buffered by then. */
static void
lr_shrink(linereader *p)
{
    size_t nKeep;
    char *aNew;
    lr_compact(p);
    nKeep = p->nData + CORPUS_CHUNK;
    if (nKeep >= p->nAlloc / 2) {
        return;
    }
    aNew = realloc(p->a, nKeep);
    if (aNew == NULL) {
        return; /* keeping the larger buffer is fine */
    }
    p->a = aNew;
    p->nAlloc = nKeep;
}

int
lr_next(linereader *p, const char **pz, size_t *pn)
{
    int bDrop = 0;
    if (p->bDropped) {
        lr_shrink(p);
    }
    p->bOverCap = p->bDropped = 0;
    for (;;) {
        char *pNl = NULL;
        if (p->iScan < p->nData) {
            pNl = memchr(p->a + p->iScan, '\n', p->nData - p->iScan);
        }
        if (pNl && !bDrop && (size_t)(pNl - p->a) - p->iStart > p->nMax) {
            /* Found its end, but the line is over the cap all the same. */
            bDrop = 1;
            p->bOverCap = 1;
        }
        if (pNl) {
            size_t iEnd = (size_t)(pNl - p->a);
            *pz = p->a + p->iStart;
            *pn = iEnd - p->iStart;
            p->iStart = p->iScan = iEnd + 1;
            p->bDropped = bDrop;
            return bDrop ? LR_TOOLONG : LR_LINE;
        }
        p->iScan = p->nData;
        if (p->bEof) {
            if (p->iStart < p->nData || bDrop) {
                *pz = p->a + p->iStart;
                *pn = p->nData - p->iStart;
                p->iStart = p->nData;
                if (!bDrop && *pn > p->nMax) {
                    bDrop = 1;
                    p->bOverCap = 1;
                }
                p->bDropped = bDrop;
                return bDrop ? LR_TOOLONG : LR_LINE;
            }
            return LR_EOF;
        }
        lr_compact(p);
        if (!bDrop && p->nData > p->nMax) {
            /* Longer than a document may be: drop it, and read on to its
            ** end without keeping it, so the buffer stays within the cap
            ** and one absurd line costs only the time to read it. */
            bDrop = 1;
            p->bOverCap = 1;
        }
        if (bDrop) {
            p->iBase += p->nData;
            p->nData = p->iScan = 0;
        } else if (lr_grow(p)) {
            if (p->nAlloc < CORPUS_CHUNK) {
                report(p->pSrc->zPath, 0, "out of memory");
                return LR_ERROR;
            }
            /* No memory for this line: drop it the same way. */
            bDrop = 1;
            p->iBase += p->nData;
            p->nData = p->iScan = 0;
        }
        if (lr_read_max(p, bDrop ? CORPUS_CHUNK : (size_t)-1)) {
            return LR_ERROR;
        }
    }
}

int
lr_take(linereader *p, size_t n, const char **pz, size_t *pnGot)
{
    size_t nAvail;
    while (p->nData - p->iStart < n && !p->bEof) {
        lr_compact(p);
        if (lr_grow(p)) {
            return LR_TOOLONG;
        }
        if (lr_read(p)) {
            return LR_ERROR;
        }
    }
    nAvail = p->nData - p->iStart;
    if (nAvail > n) {
        nAvail = n;
    }
    *pz = p->a ? p->a + p->iStart : "";
    *pnGot = nAvail;
    p->iStart += nAvail;
    if (p->iScan < p->iStart) {
        p->iScan = p->iStart;
    }
    return LR_LINE;
}

int
lr_skip(linereader *p, uint64_t n, uint64_t *pnGot)
{
    uint64_t nDone = 0;
    for (;;) {
        size_t nAvail = p->nData - p->iStart;
        size_t k = (uint64_t)nAvail < n - nDone ? nAvail : (size_t)(n - nDone);
        p->iStart += k;
        if (p->iScan < p->iStart) {
            p->iScan = p->iStart;
        }
        nDone += k;
        if (nDone == n || p->bEof) {
            break;
        }
        /* All buffered data is consumed: reuse the buffer from its start
        ** (it is not grown for data nobody keeps). */
        p->iBase += p->nData;
        p->nData = p->iStart = p->iScan = 0;
        if (p->nAlloc < CORPUS_CHUNK && lr_grow(p)) {
            report(p->pSrc->zPath, 0, "out of memory");
            *pnGot = nDone;
            return LR_ERROR;
        }
        if (lr_read(p)) {
            *pnGot = nDone;
            return LR_ERROR;
        }
    }
    *pnGot = nDone;
    return LR_LINE;
}

uint64_t
lr_offset(const linereader *p)
{
    return p->iBase + p->iStart;
}

void
lr_free(linereader *p)
{
    free(p->a);
    p->a = NULL;
    p->nAlloc = p->nData = p->iStart = p->iScan = 0;
}

int
lines_open(src *pSrc, linereader *pLr, corpus_ctx *pC, const char *zPath,
           int eGz)
{
    memset(pLr, 0, sizeof(*pLr));
    pLr->nMax = pC->nMaxDoc;
    if (src_open(pSrc, pC, zPath, eGz)) {
        pC->pStats->nFileSkipped++;
        src_close(pSrc);
        return -1;
    }
    pLr->pSrc = pSrc;
    return 0;
}
