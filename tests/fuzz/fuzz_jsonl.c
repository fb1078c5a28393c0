/*
** fuzz_jsonl.c -- libFuzzer target: the JSON Lines reader of kq-index
** (indexer/jsonflat.c, the fast path, and read_jsonl() of
** indexer/corpus.c with its jansson fallback).
**
** Input: the bytes of a .jsonl file.  For each input:
**   1. every line (split at '\n') goes to jf_parse() as an exactly-sized
**      malloc()ed copy without a terminating NUL (so ASan sees any read past
**      the line), with the keys kq uses.  jsonflat.h promises that a line it
**      accepts (JF_OK) gives what jansson gives: jansson must accept the
**      line as an object, and each key must be absent in both (z NULL, n 0),
**      or the same integer, or the same string bytes -- lying inside the
**      line or the scratch buffer;
**   2. the input is written to a temporary file named in.jsonl and read
**      with corpus_read().  The callback checks each kq_doc as kq.h
**      describes it: zId non-NULL with nId > 0, any other string NULL only
**      with length 0, every byte of every string readable, and (values come
**      from JSON) valid UTF-8.  The documents delivered must be exactly
**      those corpus.h specifies, in order: one per line that jansson
**      (JSON_ALLOW_NUL) parses as an object with "id" a non-empty string or
**      an integer that kq_id_check() accepts (UTF-8 without control
**      characters, at most KQ_MAX_ID bytes; readers.h: others are reported
**      and skipped) and "title", "date", "source", "body" absent or strings
**      (a UTF-8 byte order mark on line 1 is skipped), with the same bytes,
**      and not longer than the document cap: the file is read with
**      corpus_opts.nMaxDoc FZ_MAX_DOC (small, so that inputs meet it), and
**      a line of more bytes (without its '\n') gives no document and
**      counts as a skipped line.
** Crashes, leaks, undefined behaviour and failed invariants are bugs.
*/
#include "fuzz_util.h"

#include "../../indexer/corpus.h"
#include "../../indexer/dates.h"
#include "../../indexer/jsonflat.h"

#include <jansson.h>

static const char *const azKey[] = {"id", "title", "date", "source", "body"};

/* The document cap the file is read with (corpus_opts.nMaxDoc). */
#define FZ_MAX_DOC ((size_t)1024)
#define N_KEY 5

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv)
{
    (void)pArgc;
    (void)pArgv;
    fz_init();
    fz_tmpdir();
    return 0;
}

/**************************************************************************
** 1. jf_parse() against jansson, line by line.
*/
static void check_jf_line(jf_state *pSt, const char *z, size_t n)
{
    char *a = malloc(n ? n : 1);
    FZ_CHECK(a != NULL, "out of memory");
    if (n) memcpy(a, z, n);
    jf_value aV[N_KEY];
    for (int i = 0; i < N_KEY; i++) {   /* garbage: must be overwritten */
        aV[i].eType = JF_STRING + 7;
        aV[i].z = (const char *)0x1;
        aV[i].n = 12345;
        aV[i].nInt = 0x5a5a5a5a;
    }
    int rc = jf_parse(pSt, a, n, azKey, N_KEY, aV);
    FZ_CHECK(rc == JF_OK || rc == JF_FALLBACK, "jf_parse returned %d", rc);
    if (rc == JF_OK) {
        json_error_t err;
        json_t *pObj = json_loadb(z, n, JSON_ALLOW_NUL, &err);
        FZ_CHECK(pObj != NULL, "jf_parse accepts a line jansson rejects: %s "
                 "(column %d)", err.text, err.column);
        FZ_CHECK(json_is_object(pObj), "jf_parse accepts a non-object");
        for (int i = 0; i < N_KEY; i++) {
            json_t *pV = json_object_get(pObj, azKey[i]);
            const jf_value *v = &aV[i];
            switch (v->eType) {
            case JF_ABSENT:
                FZ_CHECK(v->z == NULL && v->n == 0,
                         "\"%s\": JF_ABSENT with z/n set", azKey[i]);
                FZ_CHECK(pV == NULL, "\"%s\": JF_ABSENT, jansson has a value",
                         azKey[i]);
                break;
            case JF_STRING: {
                const char *zS = v->z;
                int bInLine = zS >= a && v->n <= n && zS <= a + n - v->n;
                int bInScratch = pSt->aOut && zS >= pSt->aOut &&
                                 v->n <= pSt->nOutAlloc &&
                                 zS <= pSt->aOut + pSt->nOutAlloc - v->n;
                FZ_CHECK(bInLine || bInScratch, "\"%s\": string of %zu bytes "
                         "outside the line and the scratch", azKey[i], v->n);
                FZ_CHECK(pV != NULL && json_is_string(pV),
                         "\"%s\": JF_STRING, jansson has %s", azKey[i],
                         pV ? "a non-string" : "nothing");
                size_t nJ = json_string_length(pV);
                FZ_CHECK(nJ == v->n &&
                         (nJ == 0 || memcmp(json_string_value(pV), zS, nJ) == 0),
                         "\"%s\": string differs (jf %zu bytes, jansson %zu)",
                         azKey[i], v->n, nJ);
                break;
            }
            case JF_INTEGER:
                FZ_CHECK(pV != NULL && json_is_integer(pV) &&
                         json_integer_value(pV) == v->nInt,
                         "\"%s\": JF_INTEGER %lld, jansson differs", azKey[i],
                         v->nInt);
                break;
            default:
                FZ_CHECK(0, "\"%s\": eType %d", azKey[i], v->eType);
            }
        }
        json_decref(pObj);
    }
    free(a);
}

/**************************************************************************
** 2. corpus_read() against the specification.
*/
typedef struct gotdoc {
    char *az[N_KEY];    /* copies: id, title, date, source, body */
    size_t an[N_KEY];
} gotdoc;

typedef struct gotlist {
    gotdoc *a;
    size_t n, nAlloc;
} gotlist;

static char *copy_bytes(const char *z, size_t n)
{
    char *a = malloc(n + 1);
    FZ_CHECK(a != NULL, "out of memory");
    if (n) memcpy(a, z, n);
    a[n] = '\0';
    return a;
}

static int on_doc(void *pCtx, const kq_doc *d)
{
    gotlist *p = pCtx;
    const char *az[N_KEY] = {d->zId, d->zTitle, d->zDate, d->zSource,
                             d->zBody};
    const size_t an[N_KEY] = {d->nId, d->nTitle, d->nDate, d->nSource,
                              d->nBody};
    FZ_CHECK(d->zId != NULL && d->nId > 0, "document without an id");
    if (p->n == p->nAlloc) {
        p->nAlloc = p->nAlloc ? 2 * p->nAlloc : 16;
        p->a = realloc(p->a, p->nAlloc * sizeof(gotdoc));
        FZ_CHECK(p->a != NULL, "out of memory");
    }
    gotdoc *g = &p->a[p->n++];
    for (int i = 0; i < N_KEY; i++) {
        FZ_CHECK(az[i] != NULL || an[i] == 0, "\"%s\": NULL with length %zu",
                 azKey[i], an[i]);
        fz_touch(az[i], an[i]);
        FZ_CHECK(fz_utf8_ok(az[i], an[i]), "\"%s\": invalid UTF-8 (%zu bytes)",
                 azKey[i], an[i]);
        g->az[i] = copy_bytes(az[i], an[i]);
        g->an[i] = an[i];
    }
    return 0;
}

/* The document line z[0..n) (line number iLine) must give per corpus.h,
** into *g (strings point into pObj or zNum).  0 if it gives none. */
static int expected_doc(json_t **ppObj, uint64_t iLine, const char *z,
                        size_t n, char *zNum, size_t nNum, const char **az,
                        size_t *an)
{
    *ppObj = NULL;
    if (iLine == 1 && n >= 3 && memcmp(z, "\xEF\xBB\xBF", 3) == 0) {
        z += 3;
        n -= 3;
    }
    json_t *pObj = json_loadb(z, n, JSON_ALLOW_NUL, NULL);
    if (pObj == NULL) return 0;
    *ppObj = pObj;
    if (!json_is_object(pObj)) return 0;
    json_t *pId = json_object_get(pObj, "id");
    if (pId == NULL) return 0;
    if (json_is_string(pId)) {
        az[0] = json_string_value(pId);
        an[0] = json_string_length(pId);
    } else if (json_is_integer(pId)) {
        int k = snprintf(zNum, nNum, "%" JSON_INTEGER_FORMAT,
                         json_integer_value(pId));
        az[0] = zNum;
        an[0] = (size_t)k;
    } else {
        return 0;
    }
    if (an[0] == 0 || kq_id_check(az[0], an[0], NULL) != KQ_OK) return 0;
    for (int i = 1; i < N_KEY; i++) {
        json_t *pV = json_object_get(pObj, azKey[i]);
        az[i] = NULL;
        an[i] = 0;
        if (pV == NULL) continue;
        if (i == 2 && json_is_number(pV)) {
            /* A date as a number: Unix seconds (indexer/dates.h). */
            static char zDate[DATE_MAX];
            an[i] = date_from_unix(json_number_value(pV), zDate);
            az[i] = an[i] ? zDate : NULL;
            continue;
        }
        if (!json_is_string(pV)) return 0;
        az[i] = json_string_value(pV);
        an[i] = json_string_length(pV);
        if (i == 2) {
            /* Dates are stored in ISO form: kept (trimmed), converted
            ** from a common form, or dropped (indexer/dates.h; the
            ** conversions have their own checks in tests/cli/inputs.bats). */
            static char zConv[DATE_MAX];
            size_t iAt = 0, nOut = 0;
            switch (date_normalize(az[i], an[i], zConv, &iAt, &nOut)) {
            case DATE_ISO:
                az[i] += iAt;
                an[i] = nOut;
                break;
            case DATE_CONVERTED:
                az[i] = zConv;
                an[i] = nOut;
                break;
            default:
                az[i] = NULL;
                an[i] = 0;
            }
        }
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
    const char *z = (const char *)aData;

    /* 1. The fast path, line by line, with one scratch state as in use. */
    jf_state st;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < nData;) {
        const char *pNl = memchr(z + i, '\n', nData - i);
        size_t iEnd = pNl ? (size_t)(pNl - z) : nData;
        check_jf_line(&st, z + i, iEnd - i);
        i = iEnd + 1;
    }
    jf_free(&st);

    /* 2. The reader, through a file. */
    char zPath[4200];
    fz_path(zPath, sizeof zPath, "in.jsonl");
    fz_write_file(zPath, aData, nData);
    gotlist got;
    memset(&got, 0, sizeof got);
    corpus_stats stats;
    memset(&stats, 0, sizeof stats);
    corpus_opts o;
    memset(&o, 0, sizeof o);
    o.nMaxDoc = FZ_MAX_DOC;
    int rc = corpus_read_ex(zPath, &o, &got, on_doc, &stats);
    FZ_CHECK(rc == 0, "corpus_read returned %d", rc);
    FZ_CHECK(stats.nDoc == got.n, "stats say %llu documents, %zu delivered",
             (unsigned long long)stats.nDoc, got.n);
    FZ_CHECK(stats.nFile == 1 && stats.nFileSkipped == 0 &&
             stats.nByte == nData, "stats: %llu files, %llu skipped, %llu "
             "bytes of %zu", (unsigned long long)stats.nFile,
             (unsigned long long)stats.nFileSkipped,
             (unsigned long long)stats.nByte, nData);

    size_t iGot = 0;
    uint64_t iLine = 0;
    uint64_t nLong = 0;
    for (size_t i = 0; i < nData;) {
        const char *pNl = memchr(z + i, '\n', nData - i);
        size_t iEnd = pNl ? (size_t)(pNl - z) : nData;
        json_t *pObj;
        char zNum[32];
        const char *az[N_KEY];
        size_t an[N_KEY];
        iLine++;
        pObj = NULL;
        if (iEnd - i > FZ_MAX_DOC) {
            nLong++;   /* over the cap: skipped */
        } else if (expected_doc(&pObj, iLine, z + i, iEnd - i, zNum,
                                sizeof zNum, az, an)) {
            FZ_CHECK(iGot < got.n, "line %llu: a document is missing",
                     (unsigned long long)iLine);
            const gotdoc *g = &got.a[iGot++];
            for (int k = 0; k < N_KEY; k++) {
                FZ_CHECK(g->an[k] == an[k] &&
                         (an[k] == 0 || memcmp(g->az[k], az[k], an[k]) == 0),
                         "line %llu: \"%s\" is %zu bytes, expected %zu (or "
                         "the bytes differ)", (unsigned long long)iLine,
                         azKey[k], g->an[k], an[k]);
            }
        }
        json_decref(pObj);
        i = iEnd + 1;
    }
    FZ_CHECK(iGot == got.n, "%zu documents delivered, %zu expected", got.n,
             iGot);
    FZ_CHECK(stats.nLineSkipped >= nLong, "%llu lines over the cap, %llu "
             "lines skipped", (unsigned long long)nLong,
             (unsigned long long)stats.nLineSkipped);
    FZ_CHECK(stats.nLineSkipped + got.n <= iLine,
             "%llu lines skipped + %zu documents > %llu lines",
             (unsigned long long)stats.nLineSkipped, got.n,
             (unsigned long long)iLine);

    for (size_t i = 0; i < got.n; i++) {
        for (int k = 0; k < N_KEY; k++) free(got.a[i].az[k]);
    }
    free(got.a);
    return 0;
}
