/*
** cmd_export.c -- kq export: the documents matching a query, whole, as
** JSON Lines that kq-index reads back into an index with the same ids,
** titles, dates, sources, bodies, extra fields and languages (a
** sub-corpus); --sample N draws a reproducible random sample of them.
**
** Output: one object a line, the documents in docid order, keys in order
**   id       the id (a string)
**   title    the stored title      (absent when empty)
**   date     the stored date       (absent when the document has none)
**   source   the stored source     (absent when empty)
**   NAME     each extra field (kq-index --field NAME), as stored
**   lang     the document's Snowball language (kq's own index; the key
**            is "_lang" when the index has an extra field named lang)
**   body     the stored text (kq_index_text())
** Strings are written as the rest of kq's JSON (json_text(), json_put()):
** bytes that are not UTF-8 become U+FFFD, so only valid UTF-8 comes back
** byte for byte.  kq-index --field NAME... --lang-field lang reads it.
**
** --sample N: Algorithm R (reservoir sampling) over the matches in docid
** order, with splitmix64 seeded by --seed S (default 0) as the generator;
** the sample is written in docid order (the steps: kq(1), export).
**
** -o FILE writes a temporary file beside FILE, fsyncs it and renames it
** to FILE at the end, so a failed or interrupted export leaves no file
** (and FILE, if it existed, unchanged).  FILE ending in .gz, or --gzip,
** writes gzip (zlib).
*/
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/**************************************************************************
** The sample.
*/

/* splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
** generators", OOPSLA 2014; Vigna's public-domain C version): small,
** documented, and the same on every platform. */
static uint64_t
splitmix64(uint64_t *pState)
{
    uint64_t z = (*pState += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A uniform integer in [0, n), n > 0: draws below 2^64 mod n are
** rejected, so that every value is equally likely. */
static uint64_t
uniform_below(uint64_t *pState, uint64_t n)
{
    uint64_t nMin = (0 - n) % n; /* 2^64 mod n */
    uint64_t r;
    do {
        r = splitmix64(pState);
    } while (r < nMin);
    return r % n;
}

static int
cmp_docid(const void *a, const void *b)
{
    kq_docid x = *(const kq_docid *)a, y = *(const kq_docid *)b;
    return x < y ? -1 : x > y;
}

/* Keep a uniform sample of nWant of aDoc[0..*pnDoc) (all if fewer), in
** docid order: Algorithm R (Knuth, TAOCP vol. 2, 3.4.2) in place, the
** reservoir being aDoc[0..nWant). */
static void
sample_docs(kq_docid *aDoc, size_t *pnDoc, size_t nWant, uint64_t iSeed)
{
    if (*pnDoc <= nWant) {
        return;
    }
    uint64_t st = iSeed;
    for (size_t k = nWant; k < *pnDoc; k++) {
        uint64_t j = uniform_below(&st, (uint64_t)k + 1);
        if (j < nWant) {
            aDoc[j] = aDoc[k];
        }
    }
    *pnDoc = nWant;
    qsort(aDoc, nWant, sizeof(kq_docid), cmp_docid);
}

/**************************************************************************
** The output: standard output or -o FILE, plain or gzip.  Plain output is
** buffered here and written with write(2), as kq-index writes its files.
*/
#define SINK_BUFFER (1 << 17) /* bytes gathered before a write(2) */

typedef struct sink {
    const char *zPath; /* -o FILE, or NULL: standard output */
    int bGzip;
    int fd;      /* plain output: the file or standard output */
    int fdTmp;   /* -o: the temporary file until gz owns it, or -1 */
    gzFile gz;   /* gzip output */
    kq_buf buf;  /* plain output not yet written */
    char *zTmp;  /* the temporary file's name */
    int bFailed; /* a write failed */
    int iErrno;  /* its errno */
} sink;

/* The temporary file, removed if a signal ends kq before the rename. */
static char *volatile g_zTmp;

static void
on_signal(int sig)
{
    char *z = g_zTmp;
    if (z) {
        unlink(z);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
catch_signals(void)
{
    static const int aSig[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof(aSig) / sizeof(aSig[0]); i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(aSig[i], &sa, NULL);
    }
}

static int
has_suffix(const char *z, const char *zSuffix)
{
    size_t n = strlen(z), m = strlen(zSuffix);
    return n >= m && strcmp(z + n - m, zSuffix) == 0;
}

static void
sink_fail(sink *o, int iErrno)
{
    if (!o->bFailed) {
        o->bFailed = 1;
        o->iErrno = iErrno;
    }
}

/* Open the output.  KQ_OK, or KQ_IOERR with a message. */
static int
sink_open(sink *o, char **pzErr)
{
    o->fd = STDOUT_FILENO;
    o->fdTmp = -1;
    if (o->zPath) {
        o->zTmp = kq_mprintf("%s.kqtmp-XXXXXX", o->zPath);
        if (o->zTmp == NULL) {
            return KQ_NOMEM;
        }
        o->fd = o->fdTmp = mkstemp(o->zTmp);
        if (o->fd < 0) {
            *pzErr = kq_mprintf("cannot write %s: %s", o->zPath,
                                strerror(errno));
            free(o->zTmp);
            o->zTmp = NULL;
            return KQ_IOERR;
        }
        g_zTmp = o->zTmp;
        catch_signals();
    }
    if (o->bGzip) {
        int fd = o->zPath ? o->fd : dup(STDOUT_FILENO);
        o->gz = fd < 0 ? NULL : gzdopen(fd, "wb");
        if (o->gz == NULL) {
            *pzErr = kq_mprintf("cannot write %s: %s",
                                o->zPath ? o->zPath : "standard output",
                                strerror(errno));
            return KQ_IOERR;
        }
        o->fdTmp = -1; /* gzclose() closes it */
        gzbuffer(o->gz, SINK_BUFFER);
    }
    return KQ_OK;
}

/* Write what the buffer holds. */
static void
sink_flush(sink *o)
{
    size_t i = 0;
    while (!o->bFailed && i < o->buf.n) {
        ssize_t k = write(o->fd, o->buf.a + i, o->buf.n - i);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            sink_fail(o, k < 0 ? errno : EIO);
        } else {
            i += (size_t)k;
        }
    }
    o->buf.n = 0;
}

static void
sink_write(sink *o, const void *p, size_t n)
{
    if (o->bFailed || n == 0) {
        return;
    }
    if (o->gz) {
        /* gzwrite takes an unsigned: big lines go in pieces. */
        const char *z = p;
        while (n > 0 && !o->bFailed) {
            unsigned k = n > (1u << 30) ? (1u << 30) : (unsigned)n;
            if (gzwrite(o->gz, z, k) != (int)k) {
                int e;
                gzerror(o->gz, &e);
                sink_fail(o, e == Z_ERRNO ? errno : EIO);
            }
            z += k;
            n -= k;
        }
        return;
    }
    kq_buf_append(&o->buf, p, n);
    if (o->buf.rc) {
        sink_fail(o, ENOMEM);
    } else if (o->buf.n >= SINK_BUFFER) {
        sink_flush(o);
    }
}

/* Finish the output: with bOk, flush, fsync and rename the temporary
** file to FILE; else (or when that fails) remove it.  KQ_OK or KQ_IOERR
** with a message. */
static int
sink_close(sink *o, int bOk, char **pzErr)
{
    int fd = o->fdTmp;
    if (o->gz) {
        int e = gzclose(o->gz);
        o->gz = NULL;
        if (e != Z_OK) {
            sink_fail(o, e == Z_ERRNO ? errno : EIO);
        }
        if (o->zPath && bOk && !o->bFailed) {
            /* gzclose() closed the file: open it again to fsync it. */
            fd = open(o->zTmp, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                sink_fail(o, errno);
            }
        }
    } else if (bOk) {
        sink_flush(o);
    }
    if (o->zPath && bOk && !o->bFailed) {
        /* mkstemp() made it 0600: give it the mode a new file gets. */
        mode_t m = umask(0);
        umask(m);
        if (fchmod(fd, 0666 & ~m) != 0 || fsync(fd) != 0 ||
            rename(o->zTmp, o->zPath) != 0) {
            sink_fail(o, errno);
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    if (o->zTmp) {
        if (!bOk || o->bFailed) {
            unlink(o->zTmp);
        }
        g_zTmp = NULL;
        free(o->zTmp);
        o->zTmp = NULL;
    }
    kq_buf_free(&o->buf);
    if (o->bFailed && bOk) {
        *pzErr = kq_mprintf("writing %s: %s",
                            o->zPath ? o->zPath : "standard output",
                            strerror(o->iErrno));
        return KQ_IOERR;
    }
    return KQ_OK;
}

/**************************************************************************
** The documents.
*/
typedef struct exporter {
    cli *c;
    source src;
    kq_query *pQ;
    kq_docid *aDoc; /* the matches, in docid order */
    size_t nDoc, nDocAlloc;
    const char *zLangKey; /* "lang", or "_lang" (an extra field is lang) */
    char **azSeen;        /* the extra fields written, for the summary */
    size_t nSeen, nSeenAlloc;
    kq_buf line;
    sink out;
    dedup dd; /* --dedup: the kept matches only */
} exporter;

static int
match_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    exporter *x = pCtx;
    (void)score;
    (void)nOcc;
    if (!dedup_keep(&x->dd, iDoc)) {
        return KQ_OK;
    }
    if (kq_grow(&x->aDoc, sizeof(kq_docid), &x->nDocAlloc, x->nDoc + 1, 256)) {
        return KQ_NOMEM;
    }
    x->aDoc[x->nDoc++] = iDoc;
    return KQ_OK;
}

/* Remember the name of an extra field written (for the kq-index command
** line of the summary). */
static int
seen_field(exporter *x, const kq_field *f)
{
    for (size_t i = 0; i < x->nSeen; i++) {
        if (strlen(x->azSeen[i]) == f->nName &&
            memcmp(x->azSeen[i], f->zName, f->nName) == 0) {
            return KQ_OK;
        }
    }
    if (kq_grow(&x->azSeen, sizeof(char *), &x->nSeenAlloc, x->nSeen + 1, 8)) {
        return KQ_NOMEM;
    }
    x->azSeen[x->nSeen] = kq_mprintf("%.*s", (int)f->nName, f->zName);
    return x->azSeen[x->nSeen++] ? KQ_OK : KQ_NOMEM;
}

/* Set key zKey of o to the text z[0..n) (as json_text() makes it). */
static void
set_text(json_t *o, const char *zKey, const char *z, size_t n)
{
    json_object_set_new(o, zKey, json_text(z, n));
}

/* One document as a JSON line into x->line. */
static int
doc_line(exporter *x, kq_docid iDoc, char **pzErr)
{
    const kq_docinfo *d;
    int rc = kq_index_doc(x->src.pIdx, iDoc, &d, pzErr);
    if (rc) {
        return rc;
    }
    json_t *o = json_object();
    if (o == NULL) {
        return KQ_NOMEM;
    }
    set_text(o, "id", d->zId, d->nId);
    if (d->nTitle) {
        set_text(o, "title", d->zTitle, d->nTitle);
    }
    if (d->nDate) {
        set_text(o, "date", d->zDate, d->nDate);
    }
    if (d->nSource) {
        set_text(o, "source", d->zSource, d->nSource);
    }
    for (int i = 0; rc == KQ_OK && i < d->nField; i++) {
        const kq_field *f = &d->aField[i];
        char *zName = kq_mprintf("%.*s", (int)f->nName, f->zName);
        if (zName == NULL) {
            rc = KQ_NOMEM;
            break;
        }
        set_text(o, zName, f->zValue, f->nValue);
        free(zName);
        rc = seen_field(x, f);
    }
    if (d->zLang) {
        json_object_set_new(o, x->zLangKey, json_string(d->zLang));
    }
    char *zText = NULL;
    size_t nText = 0;
    if (rc == KQ_OK) {
        rc = kq_index_text(x->src.pIdx, iDoc, &zText, &nText, pzErr);
    }
    if (rc == KQ_OK) {
        set_text(o, "body", zText, nText);
        free(zText);
        /* As json_put() writes JSON: DEL and the C1 controls escaped too. */
        char *z = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        x->line.n = 0;
        if (z == NULL) {
            rc = KQ_NOMEM;
        } else {
            kq_buf_escape(&x->line, z, strlen(z), KQ_ESC_JSON);
            kq_buf_putc(&x->line, '\n');
            rc = x->line.rc;
            free(z);
        }
    }
    json_decref(o);
    return rc;
}

/* The key of the language: "lang", unless an extra field has that name
** (field names cannot start with '_'). */
static int
choose_lang_key(exporter *x, char **pzErr)
{
    x->zLangKey = "lang";
    if (source_is_xapian(&x->src)) {
        return KQ_OK; /* no languages, no extra fields */
    }
    char **az = NULL;
    int n = 0;
    int rc = kq_index_fields(x->src.pIdx, &az, &n, pzErr);
    for (int i = 0; i < n; i++) {
        if (strcmp(az[i], "lang") == 0) {
            x->zLangKey = "_lang";
        }
        free(az[i]);
    }
    free(az);
    return rc;
}

/* "kq export: N documents (a sample of N of M matches, seed S) written to
** FILE; kq-index --field ... --lang-field lang FILE reads them". */
static void
summary(exporter *x, size_t nMatch)
{
    const cli *c = x->c;
    kq_buf b = {0};
    for (size_t i = 0; i < x->nSeen; i++) {
        kq_buf_append(&b, " --field ", 9);
        kq_buf_append(&b, x->azSeen[i], strlen(x->azSeen[i]));
    }
    if (!source_is_xapian(&x->src)) {
        kq_buf_append(&b, " --lang-field ", 14);
        kq_buf_append(&b, x->zLangKey, strlen(x->zLangKey));
    }
    kq_buf_putc(&b, 0);
    char zSample[96] = "";
    if (c->bSample) {
        snprintf(zSample, sizeof(zSample),
                 " (a sample of %zu matches, seed %llu)", nMatch,
                 (unsigned long long)c->iSeed);
    }
    char zDedup[96] = "";
    if (x->dd.bOn) {
        snprintf(zDedup, sizeof(zDedup),
                 " (--dedup folded %llu near-duplicate document%s)",
                 (unsigned long long)x->dd.nFoldAll,
                 x->dd.nFoldAll == 1 ? "" : "s");
    }
    const char *zTo = c->zOutput ? c->zOutput : "standard output";
    msg_put("kq export: %zu document%s%s%s written to %s; "
            "kq-index%s %s indexes them",
            x->nDoc, x->nDoc == 1 ? "" : "s", zSample, zDedup, zTo,
            b.rc ? "" : (const char *)b.a, c->zOutput ? c->zOutput : "FILE");
    kq_buf_free(&b);
}

/* Write the documents x->aDoc to the output. */
static int
write_docs(exporter *x, char **pzErr)
{
    int rc = sink_open(&x->out, pzErr);
    for (size_t i = 0; rc == KQ_OK && i < x->nDoc; i++) {
        rc = doc_line(x, x->aDoc[i], pzErr);
        if (rc == KQ_OK) {
            sink_write(&x->out, x->line.a, x->line.n);
            if (x->out.bFailed) {
                break; /* sink_close() says why */
            }
        }
    }
    int rc2 = sink_close(&x->out, rc == KQ_OK, rc ? NULL : pzErr);
    return rc ? rc : rc2;
}

int
cmd_export(cli *c)
{
    if (cli_format(c, FMT_JSONL, FMTBIT(FMT_JSONL)) < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->nArg == 0) {
        fprintf(stderr, "kq export: no query given (* exports every "
                        "document; kq help export)\n");
        return KQ_EXIT_USAGE;
    }
    if (c->bSeed && !c->bSample) {
        fprintf(stderr, "kq export: --seed goes with --sample\n");
        return KQ_EXIT_USAGE;
    }
    exporter x;
    memset(&x, 0, sizeof(x));
    x.c = c;
    x.out.zPath = c->zOutput;
    x.out.bGzip = c->bGzip || (c->zOutput && has_suffix(c->zOutput, ".gz"));
    if (x.out.bGzip && !c->zOutput && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "kq export: not writing gzip to a terminal "
                        "(use -o FILE, or a pipe)\n");
        return KQ_EXIT_USAGE;
    }
    char *zQuery = cli_join_args(c, 0, c->nArg);
    char *zErr = NULL;
    int ex = zQuery ? dedup_open(&x.dd, c) : KQ_EXIT_INDEX;
    if (ex == 0) {
        ex = source_open(&x.src, c);
    }
    if (ex == 0) {
        ex = parse_query(c, source_analyzer(&x.src), zQuery, &x.pQ);
    }
    int rc = KQ_OK;
    if (ex == 0) {
        rc = choose_lang_key(&x, &zErr);
    }
    if (ex == 0 && rc == KQ_OK && x.dd.bOn) {
        rc = dedup_query(&x.dd, x.src.pIdx, x.pQ, &zErr);
    }
    if (ex == 0 && rc == KQ_OK) {
        rc = kq_search_each(x.src.pIdx, x.pQ, &x, match_cb, &zErr);
    }
    size_t nMatch = x.nDoc;
    if (ex == 0 && rc == KQ_OK) {
        if (c->bSample) {
            sample_docs(x.aDoc, &x.nDoc, c->nSample, c->iSeed);
        }
        rc = write_docs(&x, &zErr);
    }
    if (ex == 0 && rc) {
        ex = report_error(c, rc, zErr);
    }
    if (ex == 0) {
        summary(&x, nMatch);
        ex = nMatch > 0 ? KQ_EXIT_OK : KQ_EXIT_NOHITS;
    }
    for (size_t i = 0; i < x.nSeen; i++) {
        free(x.azSeen[i]);
    }
    free(x.azSeen);
    kq_buf_free(&x.line);
    free(x.aDoc);
    kq_query_free(x.pQ);
    dedup_close(&x.dd);
    source_close(&x.src);
    free(zErr);
    free(zQuery);
    return ex;
}
