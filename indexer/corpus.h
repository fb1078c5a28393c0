/*
** corpus.h -- reading input documents for kq-index.
**
** A path is a directory (walked recursively, in sorted name order so runs
** are reproducible), or a file.  File formats, by name:
**   *.txt            one document: line 1 = title, the rest (from its first
**                    non-blank line) = body; the id is the path as given or
**                    walked (e.g. corpus/0001.txt); an empty file is skipped
**   *.jsonl, *.json  JSON Lines: one {"id","title","date","source","body"}
**                    object a line ("id" required: string or integer; the
**                    others optional strings); blank lines are ignored
**   X.gz             X read through zlib (streaming), X as above
** In a directory walk, names starting with '.' and files of other types are
** ignored silently, and symlink loops are reported and skipped; a file of
** another type named explicitly is read as plain text (one document).
*/
#ifndef KQ_CORPUS_H
#define KQ_CORPUS_H

#include "../common/kq.h"

/* Called for each document.  The kq_doc's strings are valid only during the
** call.  A non-zero return stops reading and is returned by corpus_read(). */
typedef int (*corpus_doc_fn)(void *pCtx, const kq_doc *pDoc);

typedef struct corpus_stats {
    uint64_t nFile;        /* input files tried, skipped ones included */
    uint64_t nFileSkipped; /* files (or directories) that could not be read,
                           ** or not to the end (damaged gzip data) */
    uint64_t nLineSkipped; /* JSON lines that were invalid */
    uint64_t nDoc;         /* documents delivered */
    uint64_t nByte;        /* raw input bytes (after gunzip) */
} corpus_stats;

/* Read zPath, calling xDoc for each document.  Problems with input are
** reported on stderr as "kq-index: PATH: reason" or, for JSON Lines,
** "kq-index: PATH:LINE: reason", and counted in *pStats; they do not stop
** the run.  Counts are added to *pStats (zero it once; several calls
** accumulate; NULL is allowed).  Returns 0, or the non-zero value that xDoc
** returned. */
int corpus_read(const char *zPath, void *pCtx, corpus_doc_fn xDoc,
                corpus_stats *pStats);

#endif
