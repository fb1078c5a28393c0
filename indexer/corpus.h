/*
** corpus.h -- reading input documents for kq-index.
**
** A path is a directory (walked recursively, in sorted name order so runs
** are reproducible), a file, or "-" (standard input).  File formats, by
** name (or all of them one format, with corpus_opts.eFormat):
**   *.txt            one document: line 1 = title, the rest (from its first
**                    non-blank line) = body; the id is the path as given or
**                    walked (e.g. corpus/0001.txt); an empty file is skipped
**   *.jsonl, *.json  JSON Lines: one {"id","title","date","source","body"}
**                    object a line ("id" required: string or integer; the
**                    others optional strings, "date" also a number of Unix
**                    seconds); blank lines are ignored.  corpus_opts can
**                    take the fields from other keys, add extra fields and
**                    a per-document language.  A date that is not ISO 8601
**                    is converted if it has a common form (RFC 2822,
**                    YYYY/MM/DD, ...), else dropped with a warning
**   *.trec, *.sgml   TREC SGML: <DOC> elements (trec.c)
**   *.warc           WARC 1.0/1.1: response and resource records holding
**                    HTML or plain text (warc.c)
**   *.mbox, *.mbx    mbox mailboxes: one document a message (mbox.c)
**   X.gz             X read through zlib (streaming), X as above
** Gzip is recognised by a .gz name; standard input, files read with a
** forced format and TREC, WARC and mbox files are also inflated when they
** start with the gzip magic bytes.  (A .txt or .jsonl file not named .gz
** is read as it is.)
** Every document is capped (corpus_opts.nMaxDoc, default KQ_DEFAULT_MAX_DOC):
** a larger one -- a .txt file, a JSON line, a TREC <DOC>, a WARC record or
** decoded payload, a message -- is reported and skipped, never cut, and
** never held in memory whole.
** In a directory walk, names starting with '.' and files of other types are
** ignored silently (with a forced format, every file is read), and symlink
** loops are reported and skipped; a file of another type named explicitly
** is read as plain text (one document).
*/
#ifndef KQ_CORPUS_H
#define KQ_CORPUS_H

#include "../common/kq.h"

/* Called for each document.  The kq_doc's strings are valid only during the
** call.  A non-zero return stops reading and is returned by corpus_read(). */
typedef int (*corpus_doc_fn)(void *pCtx, const kq_doc *pDoc);

typedef struct corpus_stats {
    uint64_t nFile;        /* input files tried, skipped ones included */
    uint64_t nFileSkipped; /* files (or directories) that could not be read
                           ** (or gave nothing before damaged data) */
    uint64_t nLineSkipped; /* lines that were skipped: invalid JSON, or
                           ** longer than corpus_opts.nMaxDoc */
    uint64_t nDoc;         /* documents delivered */
    uint64_t nByte;        /* raw input bytes (after gunzip) */
    uint64_t nDocSkipped;  /* documents whose id was refused, documents
                           ** that were malformed, and documents larger
                           ** than corpus_opts.nMaxDoc (reported and
                           ** skipped); a JSON line counts in
                           ** nLineSkipped instead */
    uint64_t nWarning;     /* documents indexed despite a problem (a date
                           ** not understood, an unknown language) */
    uint64_t nRawByte;     /* bytes read from the input files as stored
                           ** (compressed bytes for gzip): for progress */
    uint64_t nCut;         /* files read only in part (damaged data after
                           ** some documents: those stay indexed) and
                           ** documents indexed without part of their
                           ** text (MIME parts nested too deep) */
} corpus_stats;

/* Input formats (kq-index --input-format). */
enum {
    CORPUS_AUTO = 0,
    CORPUS_TEXT,
    CORPUS_JSONL,
    CORPUS_TREC,
    CORPUS_WARC,
    CORPUS_MBOX
};

/* JSON Lines: read field zField ("title", ..., or an extra field) from key
** zKey (a dotted key "a.b" may name a member of a nested object). */
typedef struct corpus_map {
    const char *zField;
    const char *zKey;
} corpus_map;

typedef struct corpus_opts {
    int eFormat;            /* CORPUS_AUTO: by name; else every file and
                            ** standard input ("-", default JSONL) */
    const corpus_map *aMap; /* JSON Lines key mapping */
    int nMap;
    const char *const *azField; /* JSON Lines: extra fields (kq_doc.aField);
                                ** names already checked by the caller */
    int nField;
    const char *zLangField; /* JSON Lines: key of the document language
                            ** (kq_doc.zLang), or NULL */
    size_t nMaxDoc;         /* largest document, in bytes of input
                            ** (0: KQ_DEFAULT_MAX_DOC); a larger one is
                            ** reported and skipped */
    size_t nMaxId;          /* longest id the index takes (0: KQ_MAX_ID;
                            ** a Xapian database: KQ_XAPIAN_MAX_ID); a
                            ** document with a longer one is reported and
                            ** skipped */
    /* Called after each block read from an input (about every 256 KB),
    ** with the running counts: progress display.  May be NULL. */
    void (*xTick)(void *pTickCtx, const corpus_stats *pStats);
    void *pTickCtx;
} corpus_opts;

/* Read zPath, calling xDoc for each document.  Problems with input are
** reported on stderr as "kq-index: PATH: reason", "kq-index: PATH:LINE:
** reason" or "kq-index: PATH: byte N: reason" (report.h), and counted in
** *pStats; they do not stop the run.  Counts are added to *pStats (zero it
** once; several calls accumulate; NULL is allowed).  Returns 0, or the
** non-zero value that xDoc returned.  corpus_read() is corpus_read_ex()
** with default options (pOpts NULL). */
int corpus_read(const char *zPath, void *pCtx, corpus_doc_fn xDoc,
                corpus_stats *pStats);
int corpus_read_ex(const char *zPath, const corpus_opts *pOpts, void *pCtx,
                   corpus_doc_fn xDoc, corpus_stats *pStats);

/* The number of bytes corpus_read_ex() would read from zPath as stored
** (the sum of the sizes of the files it would read), added to *pnByte.
** Returns 0, or -1 if it cannot be known (standard input from a pipe). */
int corpus_size(const char *zPath, const corpus_opts *pOpts, uint64_t *pnByte);

/* "jsonl", "text", "trec", "warc", "mbox" -> CORPUS_*; -1 if unknown. */
int corpus_format_parse(const char *zName);

#endif
