/*
** corpus.h -- reading input documents for kq-index.
**
** A path is a directory (walked recursively, in sorted name order so runs
** are reproducible), or a file.  File formats, by name:
**   *.txt            one document: line 1 = title, the rest = body; the id
**                    is the path as given/walked (e.g. corpus/0001.txt)
**   *.jsonl, *.json  JSON Lines: one {"id","title","date","source","body"}
**                    object a line ("id" required: string or integer)
**   X.gz             X read through zlib (streaming), X as above
** In a directory walk, files of other types are ignored silently; a file of
** another type named explicitly is read as plain text (one document).
*/
#ifndef KQ_CORPUS_H
#define KQ_CORPUS_H

#include "../common/kq.h"

/* Called for each document.  The kq_doc's strings are valid only during the
** call.  A non-zero return stops reading and is returned by corpus_read(). */
typedef int (*corpus_doc_fn)(void *pCtx, const kq_doc *pDoc);

typedef struct corpus_stats {
    uint64_t nFile;        /* input files opened */
    uint64_t nFileSkipped; /* files that could not be read at all */
    uint64_t nLineSkipped; /* JSON lines that were invalid */
    uint64_t nDoc;         /* documents delivered */
    uint64_t nByte;        /* raw input bytes (after gunzip) */
} corpus_stats;

/* Read zPath, calling xDoc for each document.  Problems with input are
** reported on stderr naming the file (and line for JSON Lines) and counted
** in *pStats; they do not stop the run.  Returns 0, or the non-zero value
** that xDoc returned. */
int corpus_read(const char *zPath, void *pCtx, corpus_doc_fn xDoc,
                corpus_stats *pStats);

#endif
