/*
** fuzz_text.c -- libFuzzer target: the plain-text and gzip readers of
** kq-index (read_txt(), the zlib byte source and the line reader of
** indexer/corpus.c).
**
** Input: the bytes of a file.  For each input:
**   1. written as in.txt and read with corpus_read().  corpus.h: the file
**      is one document, id = the path, title = line 1 (without a UTF-8
**      byte order mark and without trailing CRs), body = the rest from its
**      first non-blank line (blank: only spaces, tabs and CRs); a file of
**      only whitespace (" \t\r\n\f\v", after a BOM) is skipped.  The
**      document must be exactly that (or absent), date and source empty;
**   2. if the input starts with the gzip magic 1f 8b, it is also written as
**      in.txt.gz and in.jsonl.gz and read.  The target inflates the input
**      itself with zlib (gzip members one after another; after a member
**      anything not starting with 0x1f is ignored, like gzip(1)):
**        - if that succeeds, in.txt.gz must give the document that the
**          inflated bytes give as plain text (step 1's rules), and
**          in.jsonl.gz the same documents and counts as the inflated bytes
**          written to a plain .jsonl file;
**        - if it fails (damaged data), in.txt.gz gives no document and
**          counts as a skipped file (or, when what inflates before the
**          damage is already over the cap, as a skipped document);
**          in.jsonl.gz counts as a skipped file, or as a file read in
**          part (nCut 1) when lines came before the damage -- always so
**          when it gave documents.
**   Every file is read with a document cap of FZ_MAX_DOC bytes (corpus.h
**   nMaxDoc; small, so that inputs meet it): a text file, plain or
**   inflated, of more bytes gives no document and counts as a skipped
**   document (nDocSkipped 1), having read at most one byte past the cap; a
**   JSON line (without its '\n') of more bytes gives no document and
**   counts as a skipped line, so the .jsonl.gz and the plain file still
**   agree.
**   Every kq_doc: zId non-NULL, nId > 0, other strings NULL only with
**   length 0, every byte readable.
** Crashes, leaks, undefined behaviour and failed invariants are bugs.
*/
#include "fuzz_util.h"

#include "../../indexer/corpus.h"

#include <zlib.h>

#define N_FIELD 5
static const char *const azField[] = {"id", "title", "date", "source",
                                      "body"};

/* The document cap the files are read with (corpus_opts.nMaxDoc). */
#define FZ_MAX_DOC ((size_t)1024)

/* Inflated data larger than this is not compared (a 4 KB input can
** inflate to some MB; that is fine, but there is no point going further). */
#define MAX_INFLATE ((size_t)64 << 20)

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv)
{
    (void)pArgc;
    (void)pArgv;
    fz_init();
    fz_tmpdir();
    return 0;
}

/**************************************************************************
** Documents as delivered: copies of every field.
*/
typedef struct gotdoc {
    char *az[N_FIELD];
    size_t an[N_FIELD];
} gotdoc;

typedef struct gotlist {
    gotdoc *a;
    size_t n, nAlloc;
    corpus_stats stats;
} gotlist;

static int on_doc(void *pCtx, const kq_doc *d)
{
    gotlist *p = pCtx;
    const char *az[N_FIELD] = {d->zId, d->zTitle, d->zDate, d->zSource,
                               d->zBody};
    const size_t an[N_FIELD] = {d->nId, d->nTitle, d->nDate, d->nSource,
                                d->nBody};
    FZ_CHECK(d->zId != NULL && d->nId > 0, "document without an id");
    if (p->n == p->nAlloc) {
        p->nAlloc = p->nAlloc ? 2 * p->nAlloc : 16;
        p->a = realloc(p->a, p->nAlloc * sizeof(gotdoc));
        FZ_CHECK(p->a != NULL, "out of memory");
    }
    gotdoc *g = &p->a[p->n++];
    for (int i = 0; i < N_FIELD; i++) {
        FZ_CHECK(az[i] != NULL || an[i] == 0, "\"%s\": NULL with length %zu",
                 azField[i], an[i]);
        fz_touch(az[i], an[i]);
        g->az[i] = malloc(an[i] + 1);
        FZ_CHECK(g->az[i] != NULL, "out of memory");
        if (an[i]) memcpy(g->az[i], az[i], an[i]);
        g->az[i][an[i]] = '\0';
        g->an[i] = an[i];
    }
    return 0;
}

static void read_path(const char *zPath, gotlist *p)
{
    corpus_opts o;
    memset(p, 0, sizeof *p);
    memset(&o, 0, sizeof o);
    o.nMaxDoc = FZ_MAX_DOC;
    int rc = corpus_read_ex(zPath, &o, p, on_doc, &p->stats);
    FZ_CHECK(rc == 0, "corpus_read(%s) returned %d", zPath, rc);
    FZ_CHECK(p->stats.nDoc == p->n && p->stats.nFile == 1,
             "%s: stats say %llu documents in %llu files, %zu delivered",
             zPath, (unsigned long long)p->stats.nDoc,
             (unsigned long long)p->stats.nFile, p->n);
}

static void free_list(gotlist *p)
{
    for (size_t i = 0; i < p->n; i++) {
        for (int k = 0; k < N_FIELD; k++) free(p->a[i].az[k]);
    }
    free(p->a);
    memset(p, 0, sizeof *p);
}

static int same_field(const gotdoc *g, int k, const char *z, size_t n)
{
    return g->an[k] == n && (n == 0 || memcmp(g->az[k], z, n) == 0);
}

/**************************************************************************
** Plain text: the expected document of a[0..n).
*/
static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

static void check_txt(const char *zWhat, const char *zPath, const char *a,
                      size_t n, const gotlist *p)
{
    const char *q = a, *end = a + n;
    if (n > FZ_MAX_DOC) {
        FZ_CHECK(p->n == 0 && p->stats.nDocSkipped == 1 &&
                 p->stats.nFileSkipped == 0 &&
                 p->stats.nByte <= FZ_MAX_DOC + 1, "%s: %zu bytes over the "
                 "cap gave %zu documents, %llu skipped, %llu bytes read",
                 zWhat, n, p->n, (unsigned long long)p->stats.nDocSkipped,
                 (unsigned long long)p->stats.nByte);
        return;
    }
    if (n >= 3 && memcmp(a, "\xEF\xBB\xBF", 3) == 0) q += 3;
    int bBlank = 1;
    for (const char *r = q; r < end; r++) {
        if (!is_ws((unsigned char)*r)) {
            bBlank = 0;
            break;
        }
    }
    if (bBlank) {
        FZ_CHECK(p->n == 0, "%s: %zu documents from a blank file", zWhat,
                 p->n);
        return;
    }
    FZ_CHECK(p->n == 1, "%s: %zu documents from one text file", zWhat, p->n);
    const gotdoc *g = &p->a[0];
    FZ_CHECK(same_field(g, 0, zPath, strlen(zPath)), "%s: id \"%s\", not "
             "the path %s", zWhat, g->az[0], zPath);

    /* Title: line 1, trailing CRs dropped. */
    const char *pNl = memchr(q, '\n', (size_t)(end - q));
    const char *zTitleEnd = pNl ? pNl : end;
    size_t nTitle = (size_t)(zTitleEnd - q);
    while (nTitle > 0 && q[nTitle - 1] == '\r') nTitle--;
    FZ_CHECK(same_field(g, 1, q, nTitle), "%s: title of %zu bytes, expected "
             "%zu (or the bytes differ)", zWhat, g->an[1], nTitle);

    /* Body: from the first line after the title that is not blank. */
    const char *b = pNl ? pNl + 1 : end;
    for (;;) {
        const char *r = b;
        while (r < end && (*r == ' ' || *r == '\t' || *r == '\r')) r++;
        if (r == end) {
            b = end;
            break;
        }
        if (*r != '\n') break;
        b = r + 1;
    }
    FZ_CHECK(same_field(g, 4, b, (size_t)(end - b)), "%s: body of %zu "
             "bytes, expected %zu (or the bytes differ)", zWhat, g->an[4],
             (size_t)(end - b));
    FZ_CHECK(g->an[2] == 0 && g->an[3] == 0, "%s: a text file with a date "
             "or source", zWhat);
}

/**************************************************************************
** gzip: the reference inflation.
*/
/* Inflate a[0..n) (gzip members back to back; after a member, a byte other
** than 0x1f ends the data, as in gzip(1)) into a malloc()ed *paOut.
** Returns 1 if the data is intact, 0 if damaged, -1 if it is too large. */
static int inflate_all(const unsigned char *a, size_t n, char **paOut,
                       size_t *pnOut)
{
    size_t nAlloc = 4096, nOut = 0;
    char *aOut = malloc(nAlloc);
    int bOk = 0;
    z_stream z;
    FZ_CHECK(aOut != NULL, "out of memory");
    memset(&z, 0, sizeof z);
    FZ_CHECK(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK, "inflateInit2");
    z.next_in = (Bytef *)a;
    z.avail_in = (uInt)n;
    for (;;) {
        if (nOut == nAlloc) {
            if (nAlloc >= MAX_INFLATE) {
                bOk = -1;
                break;
            }
            nAlloc *= 2;
            aOut = realloc(aOut, nAlloc);
            FZ_CHECK(aOut != NULL, "out of memory");
        }
        z.next_out = (Bytef *)aOut + nOut;
        z.avail_out = (uInt)(nAlloc - nOut);
        int rc = inflate(&z, Z_NO_FLUSH);
        nOut = nAlloc - z.avail_out;
        if (rc == Z_STREAM_END) {
            if (z.avail_in == 0 || z.next_in[0] != 0x1f) {
                bOk = 1;       /* the end, or ignored trailing garbage */
                break;
            }
            FZ_CHECK(inflateReset(&z) == Z_OK, "inflateReset");
            continue;
        }
        if (rc == Z_OK) continue;
        if (rc == Z_BUF_ERROR && z.avail_out == 0) continue;
        break;                  /* damaged, or truncated (Z_BUF_ERROR) */
    }
    inflateEnd(&z);
    *paOut = aOut;
    *pnOut = nOut;
    return bOk;
}

static void compare_lists(const char *zWhat, const gotlist *pA,
                          const gotlist *pB)
{
    FZ_CHECK(pA->n == pB->n, "%s: %zu documents, plain file %zu", zWhat,
             pA->n, pB->n);
    FZ_CHECK(pA->stats.nLineSkipped == pB->stats.nLineSkipped,
             "%s: %llu lines skipped, plain file %llu", zWhat,
             (unsigned long long)pA->stats.nLineSkipped,
             (unsigned long long)pB->stats.nLineSkipped);
    for (size_t i = 0; i < pA->n; i++) {
        for (int k = 0; k < N_FIELD; k++) {
            FZ_CHECK(same_field(&pA->a[i], k, pB->a[i].az[k], pB->a[i].an[k]),
                     "%s: document %zu: \"%s\" differs from the plain file's",
                     zWhat, i, azField[k]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
    char zTxt[4200], zPath[4200];
    gotlist got;

    /* 1. Plain text. */
    fz_path(zTxt, sizeof zTxt, "in.txt");
    fz_write_file(zTxt, aData, nData);
    read_path(zTxt, &got);
    check_txt("in.txt", zTxt, (const char *)aData, nData, &got);
    FZ_CHECK(got.stats.nByte == (nData > FZ_MAX_DOC ? 0 : nData),
             "in.txt: %llu bytes read of %zu (a plain file over the cap is "
             "not read at all)", (unsigned long long)got.stats.nByte, nData);
    free_list(&got);

    /* 2. gzip. */
    if (nData < 2 || aData[0] != 0x1f || aData[1] != 0x8b) return 0;
    char *aInf = NULL;
    size_t nInf = 0;
    int bOk = inflate_all(aData, nData, &aInf, &nInf);

    fz_path(zPath, sizeof zPath, "in.txt.gz");
    fz_write_file(zPath, aData, nData);
    read_path(zPath, &got);
    if (bOk == 1) {
        check_txt("in.txt.gz", zPath, aInf, nInf, &got);
        if (nInf <= FZ_MAX_DOC) {
            FZ_CHECK(got.stats.nByte == nInf, "in.txt.gz: %llu bytes "
                     "inflated, zlib says %zu",
                     (unsigned long long)got.stats.nByte, nInf);
        }
    } else if (bOk == 0) {
        FZ_CHECK(got.n == 0 && got.stats.nFileSkipped +
                 got.stats.nDocSkipped == 1 && got.stats.nCut == 0,
                 "in.txt.gz: damaged gzip data gave %zu documents, %llu "
                 "files and %llu documents skipped", got.n,
                 (unsigned long long)got.stats.nFileSkipped,
                 (unsigned long long)got.stats.nDocSkipped);
    } else {
        /* inflates past MAX_INFLATE: far over the cap */
        FZ_CHECK(got.n == 0 && got.stats.nDocSkipped == 1 &&
                 got.stats.nByte <= FZ_MAX_DOC + 1, "in.txt.gz: a bomb gave "
                 "%zu documents, read %llu bytes", got.n,
                 (unsigned long long)got.stats.nByte);
    }
    free_list(&got);

    fz_path(zPath, sizeof zPath, "in.jsonl.gz");
    fz_write_file(zPath, aData, nData);
    read_path(zPath, &got);
    if (bOk == 1) {
        gotlist plain;
        FZ_CHECK(got.stats.nFileSkipped == 0, "in.jsonl.gz: intact gzip data "
                 "counted as skipped");
        fz_path(zPath, sizeof zPath, "inflated.jsonl");
        fz_write_file(zPath, aInf, nInf);
        read_path(zPath, &plain);
        compare_lists("in.jsonl.gz", &got, &plain);
        free_list(&plain);
    } else if (bOk == 0) {
        /* What came before the damage stays: a file read in part, not a
        ** skipped one, as soon as it gave anything. */
        FZ_CHECK(got.stats.nFileSkipped + got.stats.nCut == 1,
                 "in.jsonl.gz: damaged gzip data counted as %llu files "
                 "skipped and %llu read in part",
                 (unsigned long long)got.stats.nFileSkipped,
                 (unsigned long long)got.stats.nCut);
        FZ_CHECK(got.n == 0 || got.stats.nCut == 1, "in.jsonl.gz: %zu "
                 "documents before damaged data, but the file counted as "
                 "skipped", got.n);
    }
    free_list(&got);
    free(aInf);
    return 0;
}
