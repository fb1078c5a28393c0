/*
** fuzz_readers.c -- libFuzzer target: the TREC, WARC and mbox readers of
** kq-index and their decoders (indexer/trec.c, warc.c, mbox.c, mime.c,
** html.c, sgml.c, charset.c, textbuf.c).
**
** Input: the bytes of a file.  For each input:
**   1. written as in.trec, in.warc and in.mbox and each read with
**      corpus_read_ex() (document cap FZ_MAX_DOC).  The reading must
**      return 0 and deliver as many documents as corpus_stats.nDoc says,
**      from one file; each kq_doc as kq.h and readers.h describe it: an id
**      that kq_id_check() accepts (others are reported, not delivered),
**      any string NULL only with length 0, every byte readable, a date
**      (if any) that kq_date_valid() accepts;
**   2. html_to_text() of the bytes, and charset_to_utf8() of them without
**      a label and as windows-1252 and KOI8-R: no allocation fails, and
**      the charset conversions give valid UTF-8 (charset.h: invalid input
**      becomes U+FFFD);
**   3. textbuf_utf8() of each 4 bytes of the input read as a code point
**      (and of its low 21 bits): valid UTF-8 of that code point, or
**      U+FFFD for U+0000, surrogates and past U+10FFFF.
** Crashes, leaks, undefined behaviour and failed invariants are bugs.
*/
#include "fuzz_util.h"

#include "../../indexer/charset.h"
#include "../../indexer/corpus.h"
#include "../../indexer/html.h"
#include "../../indexer/textbuf.h"

/* The document cap the files are read with (corpus_opts.nMaxDoc): small,
** so that inputs meet it. */
#define FZ_MAX_DOC ((size_t)4096)

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv)
{
    (void)pArgc;
    (void)pArgv;
    fz_init();
    fz_tmpdir();
    return 0;
}

/**************************************************************************
** 1. The readers.
*/
typedef struct got {
    uint64_t nDoc;
    size_t nMaxId; /* corpus_opts.nMaxId read with (0: none) */
} got;

static void check_str(const char *zName, const char *z, size_t n)
{
    FZ_CHECK(z != NULL || n == 0, "%s: NULL with length %zu", zName, n);
    fz_touch(z, n);
}

static int on_doc(void *pCtx, const kq_doc *d)
{
    got *p = pCtx;
    char *zErr = NULL;
    FZ_CHECK(d->zId != NULL && d->nId > 0, "document without an id");
    FZ_CHECK(kq_id_check(d->zId, d->nId, &zErr) == KQ_OK,
             "an id kq_id_check() refuses was delivered: %s",
             zErr ? zErr : "");
    FZ_CHECK(p->nMaxId == 0 || d->nId <= p->nMaxId,
             "an id of %zu bytes delivered past nMaxId %zu", d->nId,
             p->nMaxId);
    check_str("id", d->zId, d->nId);
    check_str("title", d->zTitle, d->nTitle);
    check_str("date", d->zDate, d->nDate);
    check_str("source", d->zSource, d->nSource);
    check_str("body", d->zBody, d->nBody);
    FZ_CHECK(d->nDate == 0 || kq_date_valid(d->zDate, d->nDate),
             "a date kq_date_valid() refuses was delivered (%zu bytes)",
             d->nDate);
    p->nDoc++;
    return 0;
}

static void read_as(const char *zName, const uint8_t *aData, size_t nData)
{
    char zPath[4096 + 32];
    corpus_opts o;
    corpus_stats st;
    got g;
    fz_path(zPath, sizeof zPath, zName);
    fz_write_file(zPath, aData, nData);
    memset(&o, 0, sizeof o);
    memset(&st, 0, sizeof st);
    memset(&g, 0, sizeof g);
    o.nMaxDoc = FZ_MAX_DOC;
    /* Every other input also with an id limit (a Xapian database's),
    ** short enough that ids meet it. */
    o.nMaxId = g.nMaxId = nData % 2 ? 12 : 0;
    int rc = corpus_read_ex(zPath, &o, &g, on_doc, &st);
    FZ_CHECK(rc == 0, "corpus_read(%s) returned %d", zName, rc);
    FZ_CHECK(st.nDoc == g.nDoc && st.nFile == 1,
             "%s: stats say %llu documents in %llu files, %llu delivered",
             zName, (unsigned long long)st.nDoc,
             (unsigned long long)st.nFile, (unsigned long long)g.nDoc);
}

/**************************************************************************
** 2. The decoders on the bytes as they are.
*/
static void check_decoders(const uint8_t *aData, size_t nData)
{
    const char *z = (const char *)aData;
    static const char *const azCs[] = {NULL, "windows-1252", "KOI8-R"};
    kq_buf title = {0};
    kq_buf body = {0};
    html_to_text(z, nData, &title, &body);
    FZ_CHECK(title.rc == KQ_OK && body.rc == KQ_OK, "html_to_text: rc %d %d",
             title.rc, body.rc);
    fz_touch(title.a, title.n);
    fz_touch(body.a, body.n);
    kq_buf_free(&title);
    kq_buf_free(&body);
    for (size_t i = 0; i < sizeof(azCs) / sizeof(azCs[0]); i++) {
        kq_buf out = {0};
        size_t nCs = azCs[i] ? strlen(azCs[i]) : 0;
        charset_to_utf8(azCs[i], nCs, z, nData, &out);
        FZ_CHECK(out.rc == KQ_OK, "charset_to_utf8: rc %d", out.rc);
        FZ_CHECK(nData == 0 || out.n > 0, "charset_to_utf8(%s) gave nothing",
                 azCs[i] ? azCs[i] : "no label");
        FZ_CHECK(fz_utf8_valid(textbuf_str(&out), out.n),
                 "charset_to_utf8(%s) gave invalid UTF-8",
                 azCs[i] ? azCs[i] : "no label");
        kq_buf_free(&out);
    }
}

/**************************************************************************
** 3. textbuf_utf8() against a decoder of its own.
*/
static void check_utf8_one(unsigned long cp)
{
    kq_buf b = {0};
    unsigned long want = cp;
    if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
        want = 0xfffd;
    }
    textbuf_utf8(&b, cp);
    FZ_CHECK(b.rc == KQ_OK, "textbuf_utf8: rc %d", b.rc);
    FZ_CHECK(fz_utf8_valid(textbuf_str(&b), b.n),
             "textbuf_utf8(0x%lx) gave invalid UTF-8", cp);
    size_t nWant = want < 0x80 ? 1 : want < 0x800 ? 2 : want < 0x10000 ? 3 : 4;
    FZ_CHECK(b.n == nWant, "textbuf_utf8(0x%lx): %zu bytes, not %zu", cp, b.n,
             nWant);
    unsigned long got = nWant == 1 ? b.a[0] : b.a[0] & (0x7f >> nWant);
    for (size_t i = 1; i < b.n; i++) {
        got = (got << 6) | (b.a[i] & 0x3f);
    }
    FZ_CHECK(got == want, "textbuf_utf8(0x%lx) encodes 0x%lx, not 0x%lx", cp,
             got, want);
    kq_buf_free(&b);
}

static void check_utf8(const uint8_t *aData, size_t nData)
{
    for (size_t i = 0; i + 4 <= nData && i < 256; i += 4) {
        unsigned long cp = (unsigned long)aData[i] |
                           (unsigned long)aData[i + 1] << 8 |
                           (unsigned long)aData[i + 2] << 16 |
                           (unsigned long)aData[i + 3] << 24;
        check_utf8_one(cp);
        check_utf8_one(cp & 0x1fffff);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
    read_as("in.trec", aData, nData);
    read_as("in.warc", aData, nData);
    read_as("in.mbox", aData, nData);
    check_decoders(aData, nData);
    check_utf8(aData, nData);
    return 0;
}
