/*
** corpus.c -- what kq-index reads: paths, directory walks, standard input,
** and which reader (format) each file goes to.
**
** The readers are one file per format (text.c, jsonl.c, trec.c, warc.c,
** mbox.c) over the byte sources and line reader of src.c.
**
** Error policy: every problem with the input is reported on stderr as
** "kq-index: PATH: reason", "kq-index: PATH:LINE: reason" or "kq-index:
** PATH: byte N: reason" (report.c), counted in the caller's corpus_stats,
** and then the run goes on with the next line, document or file.  Only a
** non-zero return from the document callback stops a run.  Nothing has a
** fixed-size buffer for lines or paths, no document is held past the cap
** (corpus_opts.nMaxDoc), and every input (binary junk, NUL bytes, invalid
** UTF-8, huge lines, decompression bombs, damaged gzip) either gives
** documents or a message -- never a crash.  Damaged data after some
** documents stops the file there; those documents stay (ctx_stopped()).
*/
#include "readers.h"
#include "kq.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Directory nesting deeper than this is refused rather than risking the C
** stack on a pathological tree (real corpora are a few levels deep). */
#define CORPUS_MAX_DEPTH 1000

/* Deliver pDoc, or report and skip it if its id cannot be one
** (kq_id_check(), corpus_opts.nMaxId: the writer would refuse it and stop
** the run). */
static int
deliver(corpus_ctx *pC, const kq_doc *pDoc, const char *zName, uint64_t iAt,
        int bByte)
{
    char *zErr = NULL;
    size_t nMaxId = pC->pOpts->nMaxId;
    int rc = kq_id_check(pDoc->zId, pDoc->nId, &zErr);
    if (rc == KQ_OK && nMaxId && pDoc->nId > nMaxId) {
        rc = KQ_MISUSE;
        zErr = kq_mprintf("id of %zu bytes: the index takes ids of at most "
                          "%zu bytes",
                          pDoc->nId, nMaxId);
    }
    if (rc) {
        const char *z = zErr ? zErr : kq_errstr(rc);
        if (bByte) {
            report_at(zName, iAt, "%s; document skipped", z);
        } else {
            report(zName, iAt, "%s; document skipped", z);
        }
        free(zErr);
        pC->pStats->nDocSkipped++;
        return 0;
    }
    pC->pStats->nDoc++;
    return pC->xDoc(pC->pCtx, pDoc);
}

void
ctx_stopped(corpus_ctx *pC, const char *zName, uint64_t nDone, uint64_t iLine,
            uint64_t iByte)
{
    if (nDone == 0) {
        pC->pStats->nFileSkipped++;
        return;
    }
    if (iLine) {
        report(zName, iLine,
               "reading stopped here (see above); what came "
               "before stays indexed");
    } else {
        report_at(zName, iByte,
                  "reading stopped here (see above); what came "
                  "before stays indexed");
    }
    pC->pStats->nCut++;
}

/* The cap in the syntax of --max-doc-size (64M, 100K, 1000), for
** messages. */
static void
ctx_set_max_doc(corpus_ctx *pC, size_t nMax)
{
    static const char azUnit[] = "KMG";
    size_t n = nMax;
    int i = -1;
    pC->nMaxDoc = nMax;
    while (i < 2 && n >= 1024 && n % 1024 == 0) {
        n /= 1024;
        i++;
    }
    if (i < 0) {
        snprintf(pC->zMaxDoc, sizeof(pC->zMaxDoc), "%zu", n);
    } else {
        snprintf(pC->zMaxDoc, sizeof(pC->zMaxDoc), "%zu%c", n, azUnit[i]);
    }
}

int
ctx_deliver(corpus_ctx *pC, const kq_doc *pDoc, const char *zName,
            uint64_t iLine)
{
    return deliver(pC, pDoc, zName, iLine, 0);
}

int
ctx_deliver_at(corpus_ctx *pC, const kq_doc *pDoc, const char *zName,
               uint64_t iByte)
{
    return deliver(pC, pDoc, zName, iByte, 1);
}

/**************************************************************************
** File ids.
*/

/* realpath() of zDir, cached for the directory given last: a walk gives
** the files of one directory in a row. */
static const char *
dir_real(corpus_ctx *pC, const char *zDir)
{
    char *zReal;
    char *zCopy;
    if (pC->zIdDir && strcmp(pC->zIdDir, zDir) == 0) {
        return pC->zIdReal;
    }
    zReal = realpath(zDir, NULL);
    if (zReal == NULL) {
        return NULL;
    }
    zCopy = strdup(zDir);
    if (zCopy == NULL) {
        free(zReal);
        errno = ENOMEM;
        return NULL;
    }
    free(pC->zIdDir);
    free(pC->zIdReal);
    pC->zIdDir = zCopy;
    pC->zIdReal = zReal;
    return zReal;
}

char *
ctx_file_id(corpus_ctx *pC, const char *zPath)
{
    const char *zSlash = strrchr(zPath, '/');
    const char *zName = zSlash ? zSlash + 1 : zPath;
    const char *zReal;
    char *zDir;
    size_t nCwd;
    char *zId;

    if (pC->zCwd == NULL) {
        pC->zCwd = getcwd(NULL, 0); /* physical: symlinks resolved */
        if (pC->zCwd == NULL && errno == ENOENT) {
            /* The current directory was deleted: no file is under it, so
            ** every id is absolute ("" is no directory's prefix). */
            pC->zCwd = strdup("");
        } else if (pC->zCwd == NULL) {
            report(zPath, 0, "cannot get the current directory: %s",
                   strerror(errno));
            return NULL;
        }
        if (pC->zCwd == NULL) {
            report(zPath, 0, "out of memory");
            return NULL;
        }
    }
    /* The directory as given: "." for "a.txt", "/" for "/a.txt". */
    if (zSlash == NULL) {
        zDir = strdup(".");
    } else if (zSlash == zPath) {
        zDir = strdup("/");
    } else {
        zDir = strndup(zPath, (size_t)(zSlash - zPath));
    }
    if (zDir == NULL) {
        report(zPath, 0, "out of memory");
        return NULL;
    }
    zReal = dir_real(pC, zDir);
    free(zDir);
    if (zReal == NULL) {
        report(zPath, 0, "cannot resolve its directory: %s", strerror(errno));
        return NULL;
    }
    nCwd = strlen(pC->zCwd);
    if (strcmp(zReal, pC->zCwd) == 0) {
        zId = strdup(zName);
    } else if (nCwd > 0 && strncmp(zReal, pC->zCwd, nCwd) == 0 &&
               (zReal[nCwd] == '/' || (nCwd == 1 && pC->zCwd[0] == '/'))) {
        /* Under the current directory: relative to it ("/" is a prefix
        ** with its own slash). */
        zId = kq_mprintf("%s/%s", zReal + (nCwd == 1 ? 1 : nCwd + 1), zName);
    } else {
        zId = kq_mprintf("%s%s%s", zReal, strcmp(zReal, "/") == 0 ? "" : "/",
                         zName);
    }
    if (zId == NULL) {
        report(zPath, 0, "out of memory");
    }
    return zId;
}

static void
ctx_free(corpus_ctx *pC)
{
    free(pC->zCwd);
    free(pC->zIdDir);
    free(pC->zIdReal);
    pC->zCwd = pC->zIdDir = pC->zIdReal = NULL;
}

/**************************************************************************
** Formats.
*/
static const char *const azFormat[] = {"",     "text", "jsonl",
                                       "trec", "warc", "mbox"};

int
corpus_format_parse(const char *zName)
{
    for (int i = CORPUS_TEXT; i <= CORPUS_MBOX; i++) {
        if (strcmp(zName, azFormat[i]) == 0) {
            return i;
        }
    }
    return -1;
}

/* Case-insensitive: corpora copied from Windows have NAME.TXT. */
static int
has_suffix(const char *z, size_t n, const char *zSuf)
{
    size_t nSuf = strlen(zSuf);
    return n >= nSuf && strncasecmp(z + n - nSuf, zSuf, nSuf) == 0;
}

/* The format of a file by its name (CORPUS_AUTO: none we read); *pbGz is
** set if it ends in ".gz", and the format is then that of the name
** without ".gz". */
static int
format_of_name(const char *zName, int *pbGz)
{
    static const struct {
        const char *zSuf;
        int eFormat;
    } aSuf[] = {
        {".txt", CORPUS_TEXT},   {".jsonl", CORPUS_JSONL},
        {".json", CORPUS_JSONL}, {".trec", CORPUS_TREC},
        {".sgml", CORPUS_TREC},  {".warc", CORPUS_WARC},
        {".mbox", CORPUS_MBOX},  {".mbx", CORPUS_MBOX},
    };
    size_t n = strlen(zName);
    *pbGz = 0;
    if (has_suffix(zName, n, ".gz")) {
        *pbGz = 1;
        n -= 3;
    }
    for (size_t i = 0; i < sizeof(aSuf) / sizeof(aSuf[0]); i++) {
        if (has_suffix(zName, n, aSuf[i].zSuf)) {
            return aSuf[i].eFormat;
        }
    }
    return CORPUS_AUTO;
}

/* How a file is read: its format and SRC_* gzip mode; CORPUS_AUTO for a
** file a walk passes over.  A .gz name must hold gzip data.  Otherwise
** gzip is recognised by its magic bytes, except in .txt and .jsonl files
** named without .gz, which have always been read exactly as they are. */
static int
file_format(const corpus_ctx *pC, const char *zPath, int bExplicit, int *peGz)
{
    int bGz;
    int eName = format_of_name(zPath, &bGz);
    int eFormat = pC->pOpts->eFormat;
    if (strcmp(zPath, "-") == 0) {
        *peGz = SRC_SNIFF;
        return eFormat ? eFormat : CORPUS_JSONL;
    }
    if (eFormat == CORPUS_AUTO) {
        eFormat = eName;
        if (eFormat == CORPUS_AUTO && bExplicit) {
            eFormat = CORPUS_TEXT;
        }
        if (eFormat == CORPUS_AUTO) {
            return CORPUS_AUTO;
        }
        if ((eFormat == CORPUS_TEXT || eFormat == CORPUS_JSONL) && !bGz) {
            *peGz = SRC_PLAIN;
            return eFormat;
        }
    }
    *peGz = bGz ? SRC_GZ : SRC_SNIFF;
    return eFormat;
}

static int
read_file(corpus_ctx *pC, const char *zPath, int eFormat, int eGz)
{
    pC->pStats->nFile++;
    switch (eFormat) {
    case CORPUS_JSONL: return read_jsonl(pC, zPath, eGz);
    case CORPUS_TREC: return read_trec(pC, zPath, eGz);
    case CORPUS_WARC: return read_warc(pC, zPath, eGz);
    case CORPUS_MBOX: return read_mbox(pC, zPath, eGz);
    default: return read_txt(pC, zPath, eGz);
    }
}

/**************************************************************************
** Directory walks.  The same walk sums file sizes for corpus_size(), then
** silently (the reading walk says what is wrong).
*/
#define WALK_REPORT(pC, ...)                                                  \
    do {                                                                      \
        if (!(pC)->bSizing) {                                                 \
            report(__VA_ARGS__);                                              \
        }                                                                     \
    } while (0)

/* A skipped input that is not read at all (a loop, an unopenable
** directory, a device): counted as a file tried and skipped, so that
** nFile - nFileSkipped is always the number of files read. */
static void
skip_input(corpus_ctx *pC)
{
    pC->pStats->nFile++;
    pC->pStats->nFileSkipped++;
}

/* zDir + "/" + zName, malloc()ed.  Trailing slashes of zDir are dropped so
** that "corpus/" gives "corpus/0001.txt", not "corpus//0001.txt", and the
** ids do not depend on how the user typed the directory. */
static char *
path_join(const char *zDir, const char *zName)
{
    size_t nDir = strlen(zDir);
    size_t nName = strlen(zName);
    char *z;
    while (nDir > 0 && zDir[nDir - 1] == '/') {
        nDir--;
    }
    if (nName > SIZE_MAX - nDir - 2) {
        return NULL;
    }
    z = malloc(nDir + nName + 2);
    if (z == NULL) {
        return NULL;
    }
    memcpy(z, zDir, nDir);
    z[nDir] = '/';
    memcpy(z + nDir + 1, zName, nName + 1);
    return z;
}

static int
cmp_name(const void *a, const void *b)
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
static int
dir_names(corpus_ctx *pC, const char *zDir, char ***pazName, size_t *pnName)
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
        WALK_REPORT(pC, zDir, 0, "cannot open directory: %s", strerror(errno));
        return -1;
    }
    for (;;) {
        struct dirent *pEnt;
        errno = 0;
        pEnt = readdir(pDir);
        if (pEnt == NULL) {
            if (errno) {
                WALK_REPORT(pC, zDir, 0, "cannot read directory: %s",
                            strerror(errno));
                bOk = 0;
            }
            break;
        }
        /* Skips ".", ".." and hidden files (.git, editor droppings). */
        if (pEnt->d_name[0] == '.') {
            continue;
        }
        if (kq_grow(&azName, sizeof(char *), &nAlloc, nName + 1, 64)) {
            WALK_REPORT(pC, zDir, 0, "out of memory");
            bOk = 0;
            break;
        }
        azName[nName] = strdup(pEnt->d_name);
        if (azName[nName] == NULL) {
            WALK_REPORT(pC, zDir, 0, "out of memory");
            bOk = 0;
            break;
        }
        nName++;
    }
    closedir(pDir);
    if (!bOk) {
        size_t i;
        for (i = 0; i < nName; i++) {
            free(azName[i]);
        }
        free(azName);
        return -1;
    }
    /* strcmp order, not locale order: the same on every machine. */
    if (nName > 1) {
        qsort(azName, nName, sizeof(char *), cmp_name);
    }
    *pazName = azName;
    *pnName = nName;
    return 0;
}

static int
walk_dir(corpus_ctx *pC, const char *zDir, const struct stat *pSt,
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

    if (dir_names(pC, zDir, &azName, &nName)) {
        skip_input(pC);
        return 0;
    }
    for (i = 0; i < nName && rc == 0; i++) {
        struct stat st;
        int eGz = SRC_PLAIN;
        char *zPath = path_join(zDir, azName[i]);
        int eType;
        if (zPath == NULL) {
            WALK_REPORT(pC, zDir, 0, "out of memory");
            skip_input(pC);
            continue;
        }
        eType = file_format(pC, zPath, 0, &eGz);
        /* stat(), not lstat(): symlinks to files and directories are
        ** followed; cycles are caught below. */
        if (stat(zPath, &st) != 0) {
            /* A dangling link of a type we would not read anyway is not
            ** worth a message; anything else is. */
            if (eType != CORPUS_AUTO || errno != ENOENT) {
                WALK_REPORT(pC, zPath, 0, "cannot open: %s", strerror(errno));
                skip_input(pC);
            }
        } else if (S_ISDIR(st.st_mode)) {
            const walkframe *p;
            for (p = &frame; p; p = p->pUp) {
                if (p->dev == st.st_dev && p->ino == st.st_ino) {
                    break;
                }
            }
            if (p) {
                WALK_REPORT(pC, zPath, 0, "symlink loop");
                skip_input(pC);
            } else if (frame.nDepth + 1 >= CORPUS_MAX_DEPTH) {
                WALK_REPORT(pC, zPath, 0, "directories nested too deep");
                skip_input(pC);
            } else {
                rc = walk_dir(pC, zPath, &st, &frame);
            }
        } else if (eType != CORPUS_AUTO) {
            /* Opening a FIFO or device found in a tree could block forever
            ** or read without end; only regular files are read in walks. */
            if (!S_ISREG(st.st_mode)) {
                WALK_REPORT(pC, zPath, 0, "not a regular file");
                skip_input(pC);
            } else {
                if (pC->bSizing) {
                    pC->nSize += (uint64_t)st.st_size;
                } else {
                    rc = read_file(pC, zPath, eType, eGz);
                }
            }
        }
        free(zPath);
    }
    for (i = 0; i < nName; i++) {
        free(azName[i]);
    }
    free(azName);
    return rc;
}

int
corpus_read_ex(const char *zPath, const corpus_opts *pOpts, void *pCtx,
               corpus_doc_fn xDoc, corpus_stats *pStats)
{
    static const corpus_opts defaults;
    corpus_ctx c;
    corpus_stats dummy;
    struct stat st;
    int rc;

    if (pStats == NULL) {
        memset(&dummy, 0, sizeof(dummy));
        pStats = &dummy;
    }
    memset(&c, 0, sizeof(c));
    c.pCtx = pCtx;
    c.xDoc = xDoc;
    c.pStats = pStats;
    c.pOpts = pOpts ? pOpts : &defaults;
    ctx_set_max_doc(&c,
                    c.pOpts->nMaxDoc ? c.pOpts->nMaxDoc : KQ_DEFAULT_MAX_DOC);

    if (strcmp(zPath, "-") == 0) {
        int eGz;
        int eFormat = file_format(&c, zPath, 1, &eGz);
        rc = read_file(&c, zPath, eFormat, eGz);
    } else if (stat(zPath, &st) != 0) {
        report(zPath, 0, "cannot open: %s", strerror(errno));
        skip_input(&c);
        rc = 0;
    } else if (S_ISDIR(st.st_mode)) {
        rc = walk_dir(&c, zPath, &st, NULL);
    } else {
        /* Named explicitly: read whatever it is (even a FIFO or /dev/stdin,
        ** which is the user's explicit choice). */
        int eGz;
        int eFormat = file_format(&c, zPath, 1, &eGz);
        rc = read_file(&c, zPath, eFormat, eGz);
    }
    jf_free(&c.jf);
    jsonl_free(&c);
    ctx_free(&c);
    return rc;
}

int
corpus_read(const char *zPath, void *pCtx, corpus_doc_fn xDoc,
            corpus_stats *pStats)
{
    return corpus_read_ex(zPath, NULL, pCtx, xDoc, pStats);
}

int
corpus_size(const char *zPath, const corpus_opts *pOpts, uint64_t *pnByte)
{
    static const corpus_opts defaults;
    corpus_ctx c;
    corpus_stats dummy;
    struct stat st;
    int fd = -1;

    memset(&c, 0, sizeof(c));
    memset(&dummy, 0, sizeof(dummy));
    c.pStats = &dummy;
    c.pOpts = pOpts ? pOpts : &defaults;
    c.bSizing = 1;
    if (strcmp(zPath, "-") == 0) {
        fd = 0;
    }
    if (fd == 0 ? fstat(0, &st) != 0 : stat(zPath, &st) != 0) {
        return fd == 0 ? -1 : 0; /* (reported when it is read) */
    }
    if (S_ISDIR(st.st_mode) && fd != 0) {
        walk_dir(&c, zPath, &st, NULL);
        *pnByte += c.nSize;
        return 0;
    }
    /* A pipe or device has no size to go by. */
    if (!S_ISREG(st.st_mode)) {
        return -1;
    }
    *pnByte += (uint64_t)st.st_size;
    return 0;
}
