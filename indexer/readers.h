/*
** readers.h -- what the input readers of kq-index share (internal to
** indexer/): the reading context, byte sources (src.c) and the line reader
** (src.c), and one entry point per format.
*/
#ifndef KQ_READERS_H
#define KQ_READERS_H

#include "corpus.h"
#include "jsonflat.h"
#include "report.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

/* Bytes asked of read(2) or inflate() at a time.  Large enough that system
** call overhead vanishes, small enough to stay in cache. */
#define CORPUS_CHUNK ((size_t)256 * 1024)

/* Compressed input buffer for zlib (also the sniffing buffer). */
#define CORPUS_GZ_IN ((size_t)128 * 1024)

/* Largest single read()/inflate() request: keeps within ssize_t and uInt
** on every platform. */
#define CORPUS_MAX_IO ((size_t)1 << 30)

/* What every reader needs: the caller's callback, options and counters. */
typedef struct corpus_ctx {
    void *pCtx;
    corpus_doc_fn xDoc;
    corpus_stats *pStats;
    const corpus_opts *pOpts; /* never NULL */
    jf_state jf;              /* scratch of the JSON fast path */
    struct jsonl_cfg *pJsonl; /* JSON Lines set-up (jsonl.c), lazily */
    int bSizing;              /* corpus_size(): sum sizes, read nothing */
    uint64_t nSize;
    size_t nMaxDoc;   /* the document cap (corpus_opts.nMaxDoc,
                      ** or KQ_DEFAULT_MAX_DOC) */
    char zMaxDoc[32]; /* it for messages: "64M" */
    char *zCwd;       /* ctx_file_id(): the current directory,
                      ** physical (getcwd()), lazily */
    char *zIdDir;     /* its last directory as given ... */
    char *zIdReal;    /* ... and that directory's realpath() */
} corpus_ctx;

/* The id of the file zPath (a text file's document id): one id however
** the path is typed.  The directory part is resolved (realpath(): no ".",
** "..", "//" or symlinked directory left) and the file's own name kept
** (a symlink to a file is a name of its own, like a hard link); the
** result is relative to the current directory when under it, else
** absolute.  malloc()ed, or NULL after reporting why (the directory
** cannot be resolved, out of memory). */
char *ctx_file_id(corpus_ctx *pC, const char *zPath);

/* Deliver a document: counts it and calls the caller's callback.  A
** document whose id kq_id_check() refuses is reported as "zName:iLine:"
** (iLine 0: "zName:"), or "zName: byte iByte:", counted in nDocSkipped
** and not delivered. */
int ctx_deliver(corpus_ctx *pC, const kq_doc *pDoc, const char *zName,
                uint64_t iLine);
int ctx_deliver_at(corpus_ctx *pC, const kq_doc *pDoc, const char *zName,
                   uint64_t iByte);

/* Reading a file stopped at a reported error (damaged gzip data, a read
** error) after iLine lines (or, iLine 0, at byte offset iByte for WARC).
** Counted as a file skipped if nothing of it was read (nDone 0), else as a
** file read in part: what came before stays indexed, and the place where
** reading stopped is reported. */
void ctx_stopped(corpus_ctx *pC, const char *zName, uint64_t nDone,
                 uint64_t iLine, uint64_t iByte);

/* Windows editors start UTF-8 files with a byte order mark; it is not
** part of the first line's text. */
static inline int
is_utf8_bom(const char *z, size_t n)
{
    return n >= 3 && memcmp(z, "\xEF\xBB\xBF", 3) == 0;
}

/**************************************************************************
** Byte sources (src.c): a file, or standard input, read with read(2), or
** the same inflated by zlib.  A source reports its own errors (cannot read,
** corrupt or truncated gzip data) and counts bytes delivered.
*/
enum {
    SRC_PLAIN = 0, /* never inflate */
    SRC_GZ,        /* must be gzip (the name ends in .gz) */
    SRC_SNIFF      /* inflate if the data starts with the gzip magic */
};

typedef struct src {
    const char *zPath; /* name for messages ("stdin" for "-") */
    corpus_ctx *pC;
    int fd;
    int bOwnFd; /* close fd at the end (not standard input) */
    int bGz;
    int bEnd;            /* nothing more will come: clean end, or an error */
    unsigned char *aIn;  /* first block (sniffing), then compressed input */
    size_t iPend, nPend; /* plain data already in aIn, not yet delivered */
    /* gzip only */
    z_stream z;
    int bZInit;     /* inflateInit2() succeeded: inflateEnd() needed */
    int bInEof;     /* read(2) has returned 0 */
    int bMemberEnd; /* inflate() finished a gzip member */
    uint64_t nIn;   /* compressed bytes read from the file so far */
} src;

/* Open zPath ("-": standard input) for reading; eGz is SRC_*.  On failure
** the problem has been reported and -1 is returned; src_close() is still
** safe to call. */
int src_open(src *p, corpus_ctx *pC, const char *zPath, int eGz);
/* Read up to n bytes into pBuf.  *pnGot == 0 means the end of the data.
** Returns 0, or -1 after reporting an error; after an error the source
** stays at its end. */
int src_read(src *p, char *pBuf, size_t n, size_t *pnGot);
void src_close(src *p);
/* The name used for path zPath in messages and ids. */
const char *src_name(const char *zPath);

/**************************************************************************
** Line reader (src.c): splits a src into lines in one growable buffer, so
** files of any size stream in O(longest line) memory, and at most the
** document cap (a longer line is dropped, not kept).  It also hands out
** runs of bytes (WARC records are framed by length, not by lines).
*/
typedef struct linereader {
    src *pSrc;
    char *a;
    size_t nAlloc;
    size_t iStart;  /* first byte of the next line */
    size_t iScan;   /* [iStart, iScan) is known to hold no '\n' */
    size_t nData;   /* bytes of valid data in a[] */
    uint64_t iBase; /* stream offset of a[0] */
    int bEof;
    size_t nMax;  /* longest line (and largest run taken): the
                  ** document cap, so a[] never outgrows it by more
                  ** than a chunk */
    int bOverCap; /* the last LR_TOOLONG was a line over nMax (not
                  ** memory running out) */
    int bDropped; /* the last line was dropped: shrink a[] first */
} linereader;

enum { LR_EOF, LR_LINE, LR_TOOLONG, LR_ERROR };

/* src_open() zPath and point *pLr (zeroed) at it.  On failure the file
** is counted as skipped, *pSrc closed, and -1 returned. */
int lines_open(src *pSrc, linereader *pLr, corpus_ctx *pC, const char *zPath,
               int eGz);
/* Next line, without its '\n', in *pz and *pn (valid until the next call).
** Returns LR_LINE; LR_TOOLONG if a line had to be dropped because it is
** longer than nMax (bOverCap set) or memory ran out (the line is still
** consumed, without being kept, so line numbers stay right);
** LR_EOF; or LR_ERROR after the source reported a read error.  A last line
** without '\n' is returned like any other. */
int lr_next(linereader *p, const char **pz, size_t *pn);
/* The next n bytes in *pz (valid until the next call), consumed; *pnGot
** is less than n only at the end of the data.  n must be at most nMax.
** LR_LINE, LR_ERROR, or LR_TOOLONG if memory ran out (nothing consumed). */
int lr_take(linereader *p, size_t n, const char **pz, size_t *pnGot);
/* Consume the next n bytes without keeping them; *pnGot as lr_take(). */
int lr_skip(linereader *p, uint64_t n, uint64_t *pnGot);
/* Stream offset of the next unconsumed byte. */
uint64_t lr_offset(const linereader *p);
void lr_free(linereader *p);

/**************************************************************************
** The readers: each reads one file (or standard input) and returns the
** document callback's non-zero return, else 0, having reported and
** counted every problem.  eGz is SRC_*.
*/
int read_txt(corpus_ctx *pC, const char *zPath, int eGz);
int read_jsonl(corpus_ctx *pC, const char *zPath, int eGz);
int read_trec(corpus_ctx *pC, const char *zPath, int eGz);
int read_warc(corpus_ctx *pC, const char *zPath, int eGz);
int read_mbox(corpus_ctx *pC, const char *zPath, int eGz);
void jsonl_free(corpus_ctx *pC);

#endif
