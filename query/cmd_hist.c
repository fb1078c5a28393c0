/*
** cmd_hist.c -- kq hist: how many documents each query matches per day,
** ISO week, month or year, with its matches in them (occurrences,
** match.c) and the period's total number of documents (the denominator a
** rate needs).
**
** One pass over the document table gives every live document's bucket
** (a Xapian database counts the documents of each date itself, and a
** document's bucket is read when it matches); then kq_search_each() per
** query adds each matching document (and its number of matches) to the
** bucket of its document.  Periods run from the
** first to the last date of the index (or --from/--to), every one listed,
** so a time series has no silent holes.
**
** --split FIELD: one query, one series per value of FIELD (values.c): a
** first kq_search_each() counts the matching documents per value, the
** --top values with most become series and the rest one series, (other);
** the second adds each match to its value's series.  A row's total is then
** the period's documents of that series' values, so --normalize gives the
** rate within the value.
*/
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* aKey values besides buckets: no date at this granularity (counted as
** undated), or not counted at all (deleted, or outside --from/--to); and
** not read yet (a Xapian database: read when the document matches). */
#define KEY_SKIP (INT64_MIN + 1)
#define KEY_LATER (INT64_MIN + 2)
#define MAX_BUCKET 10000000

typedef struct hist {
    cli *c;
    source src;
    int eBy;
    int nQ;
    char **azQ;     /* the queries as given (operands, or lines
                    ** of --queries) */
    char **azLabel; /* what names each series: the query, or its
                    ** --queries label */
    char **azOwn;   /* --queries: the strings read (2 * nQ) */
    int bLabels;    /* --queries: tables have a "label" column */
    kq_query **apQ;
    int64_t *aKey; /* per docid */
    kq_docid nDocid;
    int bRange;         /* --from or --to given */
    int64_t kFrom, kTo; /* BUCKET_NONE if not given */
    int64_t kMin, kMax; /* the buckets listed (kMin > kMax: none) */
    size_t nBucket;
    uint64_t *aTotal;         /* documents per bucket */
    uint64_t nUndated;        /* documents without a (precise enough) date */
    uint64_t *aDocs, *aOcc;   /* nQ x nBucket */
    uint64_t *aUDocs, *aUOcc; /* per query: undated matches */
    uint64_t *aMatch;         /* per query: all matches counted */
    int nParsed;              /* apQ's queries (--split: 1, nQ series) */
    int bSplit;               /* --split: the series are values */
    field_spec fSplit;
    fvalues v;           /* --split: each document's value */
    uint32_t *aSeriesOf; /* --split: value number -> series */
    int bOther;          /* --split: the last series is (other) */
    uint64_t *aSTotal;   /* --split: nQ x nBucket, documents */
    uint64_t *aSUndated; /* --split: per series, undated documents */
    dedup dd;            /* --dedup: the query being counted */
    void *aDateCount;    /* a Xapian database: its dates' counts (dcount) */
    char *zErr;
} hist;

#define SPLIT_OTHER "(other)" /* the series of the values not in --top */
#define SPLIT_NONE "(none)"   /* text: the empty value */
#define SPLIT_TOP 5           /* --top's default with --split */

static const char *const azBy[] = {"day", "week", "month", "year"};

/* The key of a document dated zDate/nDate: its bucket, BUCKET_NONE
** (undated) or KEY_SKIP (outside --from/--to); with bSpan, the periods
** listed (kMin..kMax) grow to hold it. */
static int64_t
date_key(hist *h, const char *zDate, size_t nDate, int bSpan)
{
    int64_t k = date_bucket(zDate ? zDate : "", nDate, h->eBy);
    if (k == BUCKET_NONE) {
        if (h->bRange) {
            k = KEY_SKIP; /* an undated document is in no range */
        }
    } else if ((h->kFrom != BUCKET_NONE && k < h->kFrom) ||
               (h->kTo != BUCKET_NONE && k > h->kTo)) {
        k = KEY_SKIP;
    } else if (bSpan) {
        if (h->kMin > h->kMax) {
            h->kMin = h->kMax = k;
        } else if (k < h->kMin) {
            h->kMin = k;
        } else if (k > h->kMax) {
            h->kMax = k;
        }
    }
    return k;
}

/* Pass 1: each live document's bucket. */
static int
doc_cb(void *pCtx, kq_docid iDoc)
{
    hist *h = pCtx;
    const kq_docinfo *info;
    int rc = kq_index_doc(h->src.pIdx, iDoc, &info, &h->zErr);
    if (rc || iDoc >= h->nDocid) {
        return rc ? rc : KQ_CORRUPT;
    }
    h->aKey[iDoc] = date_key(h, info->zDate, info->nDate, 1);
    return KQ_OK;
}

/* Pass 1 on a Xapian database: the documents of each date, counted in
** the databases (one round trip a tcp:// shard, where reading each
** document's date is one a document); a document's own bucket is read
** when it matches (KEY_LATER). */
typedef struct dcount {
    int64_t k;
    uint64_t n;
} dcount;
typedef struct dcounts {
    hist *h;
    dcount *a;
    size_t n, nAlloc;
} dcounts;

static int
date_count_cb(void *pCtx, const char *zDate, size_t nDate, uint64_t nDoc)
{
    dcounts *d = pCtx;
    if (kq_grow(&d->a, sizeof(dcount), &d->nAlloc, d->n + 1, 64)) {
        return KQ_NOMEM;
    }
    d->a[d->n].k = date_key(d->h, zDate, nDate, 1);
    d->a[d->n].n = nDoc;
    d->n++;
    return KQ_OK;
}

/* The key of iDoc, read now if it was left for later. */
static int
key_of(hist *h, kq_docid iDoc, int64_t *pk)
{
    if (h->aKey[iDoc] == KEY_LATER) {
        const kq_docinfo *info;
        int rc = kq_index_doc(h->src.pIdx, iDoc, &info, &h->zErr);
        if (rc) {
            return rc;
        }
        h->aKey[iDoc] = date_key(h, info->zDate, info->nDate, 0);
    }
    *pk = h->aKey[iDoc];
    return KQ_OK;
}

typedef struct qctx {
    hist *h;
    int iQ;
} qctx;

/* --split: the series of iDoc, or -1 (not in one). */
static int
split_series(const hist *h, kq_docid iDoc)
{
    uint32_t v = fvalues_of(&h->v, iDoc);
    return v == FV_NONE ? -1 : (int)h->aSeriesOf[v];
}

static int
match_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    qctx *q = pCtx;
    hist *h = q->h;
    (void)score;
    if (iDoc >= h->nDocid) {
        if (h->zErr == NULL) {
            h->zErr = kq_mprintf("%s: a match beyond the document table "
                                 "(docid %u)",
                                 h->src.zDir, iDoc);
        }
        return KQ_CORRUPT;
    }
    int64_t k;
    int rc = key_of(h, iDoc, &k);
    if (rc) {
        return rc;
    }
    int iQ = h->bSplit ? split_series(h, iDoc) : q->iQ;
    if (!dedup_keep(&h->dd, iDoc)) {
        return KQ_OK;
    }
    if (k == KEY_SKIP || iQ < 0 || iQ >= h->nQ) {
        return KQ_OK; /* (--split: a value in no series has no match) */
    }
    h->aMatch[iQ]++;
    if (k == BUCKET_NONE) {
        h->aUDocs[iQ]++;
        h->aUOcc[iQ] += nOcc;
    } else {
        size_t b = (size_t)(k - h->kMin) + (size_t)iQ * h->nBucket;
        h->aDocs[b]++;
        h->aOcc[b] += nOcc;
    }
    return KQ_OK;
}

/* --split's first pass: the matching documents of each value. */
static int
count_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    hist *h = pCtx;
    (void)score;
    (void)nOcc;
    uint32_t v = fvalues_of(&h->v, iDoc);
    if (v != FV_NONE && iDoc < h->nDocid && h->aKey[iDoc] != KEY_SKIP &&
        dedup_keep(&h->dd, iDoc)) {
        h->v.a[v].nDocs++;
    }
    return KQ_OK;
}

static double
rate(uint64_t n, uint64_t nTotal)
{
    return nTotal ? (double)n * 1000.0 / (double)nTotal : NAN;
}

/**************************************************************************
** Text output: an aligned table; on a terminal (or with --width) bars of
** Unicode block characters scaled to the width.
*/
static void
put_bar(double v, double vMax, size_t nCell, int iColor, int bColor)
{
    /* Eighths of a cell: U+258F (1/8) .. U+2589 (7/8), U+2588 full. */
    static const char *const azPart[8] = {
        "",
        "\xe2\x96\x8f",
        "\xe2\x96\x8e",
        "\xe2\x96\x8d",
        "\xe2\x96\x8c",
        "\xe2\x96\x8b",
        "\xe2\x96\x8a",
        "\xe2\x96\x89",
    };
    static const int aColor[] = {34, 33, 32, 35, 36, 31};
    if (!(v > 0) || !(vMax > 0)) {
        return;
    }
    size_t nEighth = (size_t)(v / vMax * (double)nCell * 8.0 + 0.5);
    if (nEighth == 0) {
        nEighth = 1; /* a non-zero count never looks like zero */
    }
    if (bColor) {
        printf("\x1b[%dm", aColor[iColor % 6]);
    }
    for (size_t i = 0; i < nEighth / 8; i++) {
        fputs("\xe2\x96\x88", stdout);
    }
    fputs(azPart[nEighth % 8], stdout);
    if (bColor) {
        fputs("\x1b[0m", stdout);
    }
}

static void
fmt_rate(char *z, size_t n, double v)
{
    if (isnan(v)) {
        snprintf(z, n, "-");
    } else {
        snprintf(z, n, "%.2f", v);
    }
}

static int
num_width(uint64_t v)
{
    int w = 1;
    while (v >= 10) {
        v /= 10;
        w++;
    }
    return w;
}

/* Bucket b, or the undated line when b == h->nBucket: its label and its
** total of documents; 0 when there is no such line (no undated documents,
** or a --from/--to range, which leaves them out). */
static int
bucket_head(const hist *h, size_t b, char *zLabel, size_t nLabel,
            uint64_t *pnTot)
{
    if (b == h->nBucket) {
        if (h->bRange || h->nUndated == 0) {
            return 0;
        }
        snprintf(zLabel, nLabel, "undated");
        *pnTot = h->nUndated;
        return 1;
    }
    bucket_label(h->kMin + (int64_t)b, h->eBy, zLabel, nLabel);
    *pnTot = h->aTotal[b];
    return 1;
}

/* The total of query q's row in bucket b, whose documents are nTot:
** with --split, the documents of the series' values in it. */
static uint64_t
row_total(const hist *h, size_t b, int q, uint64_t nTot)
{
    if (!h->bSplit) {
        return nTot;
    }
    return b == h->nBucket ? h->aSUndated[q]
                           : h->aSTotal[(size_t)q * h->nBucket + b];
}

/* Query q's documents and occurrences in bucket b (as bucket_head()). */
static void
bucket_counts(const hist *h, size_t b, int q, uint64_t *pnD, uint64_t *pnO)
{
    if (b == h->nBucket) {
        *pnD = h->aUDocs[q];
        *pnO = h->aUOcc[q];
    } else {
        size_t i = (size_t)q * h->nBucket + b;
        *pnD = h->aDocs[i];
        *pnO = h->aOcc[i];
    }
}

/* Series q's name in text and the plot: --split's empty value shows. */
static const char *
text_label(const hist *h, int q)
{
    return h->bSplit && h->azLabel[q][0] == 0 ? SPLIT_NONE : h->azLabel[q];
}

static void
print_text(hist *h)
{
    cli *c = h->c;
    int bBars = c->nWidth > 0 || isatty(STDOUT_FILENO);
    int nWidth = c->nWidth ? c->nWidth : term_width();
    if (nWidth <= 0) {
        nWidth = 80;
    }
    /* Column widths from the values. */
    uint64_t mDocs = 0, mOcc = 0, mTot = h->nUndated;
    double vMax = 0;
    for (size_t b = 0; b < h->nBucket; b++) {
        if (h->aTotal[b] > mTot) {
            mTot = h->aTotal[b];
        }
        for (int q = 0; q < h->nQ; q++) {
            size_t i = (size_t)q * h->nBucket + b;
            double v = c->bNormalize ? rate(h->aDocs[i],
                                            row_total(h, b, q, h->aTotal[b]))
                                     : (double)h->aDocs[i];
            if (v > vMax) {
                vMax = v;
            }
            if (h->aDocs[i] > mDocs) {
                mDocs = h->aDocs[i];
            }
            if (h->aOcc[i] > mOcc) {
                mOcc = h->aOcc[i];
            }
        }
    }
    for (int q = 0; q < h->nQ; q++) {
        if (h->aUDocs[q] > mDocs) {
            mDocs = h->aUDocs[q];
        }
        if (h->aUOcc[q] > mOcc) {
            mOcc = h->aUOcc[q];
        }
    }
    int wLabel = h->eBy == BY_DAY     ? 10
                 : h->eBy == BY_WEEK  ? 8
                 : h->eBy == BY_MONTH ? 7
                                      : 4;
    if (h->nUndated || h->nBucket == 0) {
        wLabel = wLabel < 7 ? 7 : wLabel;
    }
    int wDocs = num_width(mDocs), wOcc = num_width(mOcc),
        wTot = num_width(mTot);
    if (wDocs < 4) {
        wDocs = 4;
    }
    if (wOcc < 11) {
        wOcc = 11;
    }
    if (wTot < 5) {
        wTot = 5;
    }
    int wQ = 0;
    if (h->nQ > 1 || h->bSplit) {
        for (int q = 0; q < h->nQ; q++) {
            const char *z = text_label(h, q);
            int w = (int)kq_text_width(z, strlen(z));
            wQ = w > wQ ? w : wQ;
        }
        wQ = wQ > 24 ? 24 : wQ < 5 ? 5 : wQ;
    }
    int wRate = 10;
    int wRow = wLabel + (wQ ? wQ + 2 : 0) + 2 + wDocs + 2 + wOcc + 2 + wTot +
               (c->bNormalize ? 2 + wRate + 2 + wRate : 0);
    size_t nCell = nWidth > wRow + 12 ? (size_t)(nWidth - wRow - 2) : 10;

    printf("%-*s", wLabel, azBy[h->eBy]);
    if (wQ) {
        printf("  %-*s", wQ,
               h->bSplit    ? "value"
               : h->bLabels ? "label"
                            : "query");
    }
    printf("  %*s  %*s  %*s", wDocs, "docs", wOcc, "occurrences", wTot,
           "total");
    if (c->bNormalize) {
        printf("  %*s  %*s", wRate, "docs/1000", wRate, "occ/1000");
    }
    putchar('\n');

    char zLabel[32], zR1[32], zR2[32];
    for (size_t b = 0; b <= h->nBucket; b++) {
        uint64_t nTot;
        if (!bucket_head(h, b, zLabel, sizeof(zLabel), &nTot)) {
            break;
        }
        uint64_t nAll = nTot;
        for (int q = 0; q < h->nQ; q++) {
            uint64_t nD, nO;
            bucket_counts(h, b, q, &nD, &nO);
            nTot = row_total(h, b, q, nAll);
            printf("%-*s", wLabel, q == 0 ? zLabel : "");
            if (wQ) {
                const char *z = text_label(h, q);
                size_t w;
                size_t n = kq_text_prefix(z, strlen(z), (size_t)wQ, &w);
                fputs("  ", stdout);
                esc_put(stdout, z, n, KQ_ESC_TEXT);
                put_spaces(stdout, (size_t)wQ - w);
            }
            printf("  %*llu  %*llu  %*llu", wDocs, (unsigned long long)nD,
                   wOcc, (unsigned long long)nO, wTot,
                   (unsigned long long)nTot);
            double v = c->bNormalize ? rate(nD, nTot) : (double)nD;
            if (c->bNormalize) {
                fmt_rate(zR1, sizeof(zR1), rate(nD, nTot));
                fmt_rate(zR2, sizeof(zR2), rate(nO, nTot));
                printf("  %*s  %*s", wRate, zR1, wRate, zR2);
            }
            if (bBars && b != h->nBucket && v > 0) {
                fputs("  ", stdout);
                put_bar(v, vMax, nCell, q, c->bColor);
            }
            putchar('\n');
        }
    }
    dedup_note(&h->dd, stdout, "", "\n");
}

/**************************************************************************
** Table formats: one row per period and query (tidy data).
*/
/* --split's summary: the field and each series' matching documents. */
static json_t *
split_json(hist *h)
{
    json_t *o = json_object();
    json_object_set_new(o, "field",
                        json_string(h->fSplit.eKind == FIELD_SOURCE
                                        ? "source"
                                        : h->fSplit.zName));
    json_object_set_new(o, "top",
                        json_integer((json_int_t)(h->nQ - h->bOther)));
    json_t *a = json_array();
    for (int q = 0; q < h->nQ; q++) {
        json_t *e = json_object();
        const char *z = h->azLabel[q];
        json_object_set_new(e, "value",
                            *z ? json_text(z, strlen(z)) : json_null());
        json_object_set_new(e, "other",
                            json_boolean(h->bOther && q == h->nQ - 1));
        json_object_set_new(e, "matches",
                            json_integer((json_int_t)h->aMatch[q]));
        json_array_append_new(a, e);
    }
    json_object_set_new(o, "series", a);
    return o;
}

static json_t *
summary_json(hist *h)
{
    json_t *o = json_object();
    json_object_set_new(o, "by", json_string(azBy[h->eBy]));
    json_t *a = json_array();
    uint64_t nAll = 0; /* --split: the query's matches in all series */
    for (int q = 0; h->bSplit && q < h->nQ; q++) {
        nAll += h->aMatch[q];
    }
    for (int q = 0; q < h->nParsed; q++) {
        json_t *e = json_object();
        if (h->bLabels) {
            json_object_set_new(
                e, "label", json_text(h->azLabel[q], strlen(h->azLabel[q])));
        }
        json_object_set_new(e, "query",
                            json_text(h->azQ[q], strlen(h->azQ[q])));
        char *z = kq_query_describe(h->apQ[q]);
        json_object_set_new(e, "parsed",
                            z ? json_text(z, strlen(z)) : json_null());
        free(z);
        json_object_set_new(
            e, "matches",
            json_integer((json_int_t)(h->bSplit ? nAll : h->aMatch[q])));
        json_array_append_new(a, e);
    }
    json_object_set_new(o, "queries", a);
    if (h->bSplit) {
        json_object_set_new(o, "split", split_json(h));
    }
    char z[32];
    if (h->nBucket) {
        bucket_label(h->kMin, h->eBy, z, sizeof(z));
        json_object_set_new(o, "first", json_string(z));
        bucket_label(h->kMax, h->eBy, z, sizeof(z));
        json_object_set_new(o, "last", json_string(z));
    } else {
        json_object_set_new(o, "first", json_null());
        json_object_set_new(o, "last", json_null());
    }
    json_object_set_new(o, "from",
                        h->c->zFrom
                            ? json_text(h->c->zFrom, strlen(h->c->zFrom))
                            : json_null());
    json_object_set_new(o, "to",
                        h->c->zTo ? json_text(h->c->zTo, strlen(h->c->zTo))
                                  : json_null());
    json_object_set_new(o, "undated", json_integer((json_int_t)h->nUndated));
    dedup_json(&h->dd, o);
    json_object_set_new(o, "index",
                        json_text(h->src.zDir, strlen(h->src.zDir)));
    const kq_stats *st = kq_index_stats(h->src.pIdx);
    json_object_set_new(o, "generation",
                        json_integer((json_int_t)st->nGeneration));
    json_object_set_new(o, "documents", json_integer((json_int_t)st->nDoc));
    json_object_set_new(
        o, "language",
        json_string(kq_analyzer_lang(source_analyzer(&h->src))));
    json_object_set_new(o, "version", json_string(KQ_VERSION));
    return o;
}

static void
print_table(hist *h, int eFmt)
{
    static const char *const azCol[] = {
        "bucket",
        "query",
        "docs",
        "occurrences",
        "total",
        "docs_per_1000",
        "occurrences_per_1000",
    };
    static const char *const azColSplit[] = {
        "bucket",
        "value",
        "docs",
        "occurrences",
        "total",
        "docs_per_1000",
        "occurrences_per_1000",
    };
    static const char *const azColLabel[] = {
        "bucket",
        "label",
        "docs",
        "occurrences",
        "total",
        "docs_per_1000",
        "occurrences_per_1000",
    };
    table t;
    table_begin(&t, stdout, eFmt, h->c->bNormalize ? 7 : 5,
                h->bSplit    ? azColSplit
                : h->bLabels ? azColLabel
                             : azCol,
                JSONL_PERIOD);
    char zLabel[32];
    for (size_t b = 0; b <= h->nBucket; b++) {
        uint64_t nTot;
        if (!bucket_head(h, b, zLabel, sizeof(zLabel), &nTot)) {
            break;
        }
        uint64_t nAll = nTot;
        for (int q = 0; q < h->nQ; q++) {
            uint64_t nD, nO;
            bucket_counts(h, b, q, &nD, &nO);
            nTot = row_total(h, b, q, nAll);
            table_str(&t, zLabel);
            /* --split's empty value: "" / null, as kq facet writes it */
            table_str(&t,
                      h->azLabel[q][0] || !h->bSplit ? h->azLabel[q] : NULL);
            table_int(&t, (long long)nD);
            table_int(&t, (long long)nO);
            table_int(&t, (long long)nTot);
            if (h->c->bNormalize) {
                table_real(&t, rate(nD, nTot));
                table_real(&t, rate(nO, nTot));
            }
            table_row_end(&t);
        }
    }
    table_end(&t,
              eFmt == FMT_JSON || eFmt == FMT_JSONL ? summary_json(h) : NULL,
              "rows");
}

static int
write_plot(hist *h)
{
    cli *c = h->c;
    if (h->nBucket == 0) {
        fprintf(stderr, "kq hist: nothing to plot: no dated documents%s\n",
                h->bRange ? " in the range" : "");
        return KQ_EXIT_USAGE;
    }
    svg_chart ch;
    memset(&ch, 0, sizeof(ch));
    ch.zXLabel = h->eBy == BY_WEEK ? "ISO week" : azBy[h->eBy];
    ch.zYLabel = c->bNormalize ? "matching documents per 1,000"
                               : "matching documents";
    ch.nX = (int)h->nBucket;
    ch.nSeries = h->nQ;
    ch.azSeries = h->azLabel;
    for (int q = 0; h->bSplit && q < h->nQ; q++) {
        if (h->azLabel[q][0] == 0) {
            h->azLabel[q] = SPLIT_NONE; /* a legend has no empty name */
        }
    }
    ch.azX = calloc(h->nBucket, sizeof(char *));
    double *aY = calloc(h->nBucket * (size_t)h->nQ, sizeof(double));
    int ex = 0;
    if (ch.azX == NULL || aY == NULL) {
        ex = report_error(c, KQ_NOMEM, NULL);
    }
    for (size_t b = 0; ex == 0 && b < h->nBucket; b++) {
        char z[32];
        bucket_label(h->kMin + (int64_t)b, h->eBy, z, sizeof(z));
        ch.azX[b] = strdup(z);
        if (ch.azX[b] == NULL) {
            ex = report_error(c, KQ_NOMEM, NULL);
        }
        for (int q = 0; q < h->nQ; q++) {
            size_t i = (size_t)q * h->nBucket + b;
            uint64_t nTot = row_total(h, b, q, h->aTotal[b]);
            double v = c->bNormalize ? rate(h->aDocs[i], nTot)
                                     : (double)h->aDocs[i];
            /* A period without documents has no data, rate or count: a
            ** gap in the line, not a zero. */
            aY[i] = nTot ? v : NAN;
        }
    }
    ch.aY = aY;
    if (ex == 0) {
        char *zErr = NULL;
        int rc = svg_write(c->zPlot, &ch, &zErr);
        if (rc) {
            /* A file that cannot be written is the user's to fix, like a
            ** bad option: not exit 3, which means the index. */
            report_error(c, rc, zErr);
            ex = KQ_EXIT_USAGE;
        }
        free(zErr);
    }
    for (size_t b = 0; ch.azX && b < h->nBucket; b++) {
        free(ch.azX[b]);
    }
    free(ch.azX);
    free(aY);
    return ex;
}

/* kq hist --queries FILE (qfile.c: LABEL<TAB>QUERY or QUERY lines, as kq
** batch reads them); a query without a label is its own.  0, or an exit
** status (reported). */
static int
read_queries(hist *h, const char *zFile)
{
    FILE *f = strcmp(zFile, "-") == 0 ? stdin : fopen(zFile, "r");
    if (f == NULL) {
        msg_put("kq hist: %s: %s", zFile, strerror(errno));
        return KQ_EXIT_USAGE;
    }
    kq_buf line = {0};
    int bLong = 0, ex = 0, rc;
    size_t nAlloc = 0; /* of h->azOwn */
    long iLine = 0;
    char *zL, *zQ;
    h->bLabels = 1;
    while ((rc = qfile_next(f, &line, &iLine, &zL, &zQ, &bLong)) == KQ_OK) {
        if (bLong) {
            msg_put("kq hist: %s:%ld: a line longer than a label, a tab and "
                    "the longest query (%d bytes)",
                    zFile, iLine, KQ_MAX_QUERY_LEN);
            ex = KQ_EXIT_USAGE;
            break;
        }
        char *zLabel = strdup(zL ? zL : zQ);
        char *zQuery = strdup(zQ);
        if (kq_grow(&h->azOwn, sizeof(char *), &nAlloc,
                    2 * ((size_t)h->nQ + 1), 32)) {
            free(zLabel);
            free(zQuery);
            ex = report_error(h->c, KQ_NOMEM, NULL);
            break;
        }
        h->azOwn[2 * h->nQ] = zLabel;
        h->azOwn[2 * h->nQ + 1] = zQuery;
        h->nQ++;
        if (zLabel == NULL || zQuery == NULL) {
            ex = report_error(h->c, KQ_NOMEM, NULL);
            break;
        }
    }
    if (rc == KQ_NOMEM && ex == 0) {
        ex = report_error(h->c, KQ_NOMEM, NULL);
    }
    if (ex == 0 && ferror(f)) {
        msg_put("kq hist: %s: %s", zFile, strerror(errno));
        ex = KQ_EXIT_USAGE;
    }
    kq_buf_free(&line);
    if (f != stdin) {
        fclose(f);
    }
    if (ex == 0 && h->nQ == 0) {
        msg_put("kq hist: %s holds no query", zFile);
        ex = KQ_EXIT_USAGE;
    }
    if (ex == 0) {
        h->azQ = calloc((size_t)h->nQ, sizeof(char *));
        h->azLabel = calloc((size_t)h->nQ, sizeof(char *));
        if (h->azQ == NULL || h->azLabel == NULL) {
            return report_error(h->c, KQ_NOMEM, NULL);
        }
        for (int q = 0; q < h->nQ; q++) {
            h->azLabel[q] = h->azOwn[2 * q];
            h->azQ[q] = h->azOwn[2 * q + 1];
        }
    }
    return ex;
}

static int
cmp_series(const void *pa, const void *pb)
{
    const fvalue *a = *(const fvalue *const *)pa;
    const fvalue *b = *(const fvalue *const *)pb;
    if (a->nDocs != b->nDocs) {
        return a->nDocs > b->nDocs ? -1 : 1;
    }
    return fvalue_cmp(a, b);
}

/* --dedup: the kept matches of query q. */
static int
hist_dedup(hist *h, int q)
{
    int rc = KQ_OK;
    if (h->dd.bOn) {
        rc = dedup_query(&h->dd, h->src.pIdx, h->apQ[q], &h->zErr);
    }
    return rc;
}

/* --split: each document's value, the series (the --top values with most
** matching documents, then (other) if it has any), and the documents of
** each series per period.  nQ becomes the number of series. */
static int
split_prepare(hist *h)
{
    /* (every docid's series is looked at: no reading later) */
    int rc = fvalues_walk(&h->v, &h->src, &h->fSplit, 0, &h->zErr);
    if (rc == KQ_OK) {
        rc = hist_dedup(h, 0); /* (for both passes) */
    }
    if (rc == KQ_OK) {
        rc = kq_search_each(h->src.pIdx, h->apQ[0], h, count_cb, &h->zErr);
    }
    if (rc) {
        return rc;
    }
    uint32_t n = h->v.n;
    fvalue **ap = calloc((size_t)n + 1, sizeof(fvalue *));
    h->aSeriesOf = calloc((size_t)n + 1, sizeof(uint32_t));
    size_t nTop = h->c->bTop ? h->c->nTop : SPLIT_TOP;
    if (ap == NULL || h->aSeriesOf == NULL) {
        free(ap);
        return KQ_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        ap[i] = &h->v.a[i];
    }
    qsort(ap, n, sizeof(fvalue *), cmp_series);
    size_t nSeries = 0;
    while (nSeries < n && (nTop == 0 || nSeries < nTop) &&
           ap[nSeries]->nDocs > 0) {
        nSeries++;
    }
    h->bOther = nSeries < n && ap[nSeries]->nDocs > 0;
    h->nQ = (int)nSeries + h->bOther;
    h->azLabel = calloc((size_t)h->nQ + 1, sizeof(char *));
    if (h->azLabel == NULL) {
        free(ap);
        return KQ_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        size_t iV = (size_t)(ap[i] - h->v.a);
        h->aSeriesOf[iV] = i < nSeries ? i : (uint32_t)nSeries;
        if (i < nSeries) {
            h->azLabel[i] = ap[i]->z;
        }
    }
    free(ap);
    if (h->bOther) {
        h->azLabel[nSeries] = SPLIT_OTHER;
    }
    /* The documents of each series per period ((other): when listed). */
    h->aSTotal = calloc(h->nBucket * (size_t)h->nQ + 1, sizeof(uint64_t));
    h->aSUndated = calloc((size_t)h->nQ + 1, sizeof(uint64_t));
    if (h->aSTotal == NULL || h->aSUndated == NULL) {
        return KQ_NOMEM;
    }
    for (kq_docid i = 0; i < h->nDocid; i++) {
        int q = split_series(h, i);
        int64_t k = h->aKey[i];
        if (q < 0 || q >= h->nQ || k == KEY_SKIP) {
            continue;
        }
        if (k == BUCKET_NONE) {
            h->aSUndated[q]++;
        } else {
            h->aSTotal[(size_t)q * h->nBucket + (size_t)(k - h->kMin)]++;
        }
    }
    return KQ_OK;
}

static void
hist_free(hist *h)
{
    dedup_close(&h->dd);
    for (int q = 0; h->apQ && q < h->nParsed; q++) {
        kq_query_free(h->apQ[q]);
    }
    free(h->apQ);
    for (int i = 0; h->azOwn && i < 2 * h->nQ; i++) {
        free(h->azOwn[i]);
    }
    free(h->azOwn);
    if (h->azLabel != h->azQ) {
        free(h->azLabel);
    }
    if (h->bLabels) {
        free(h->azQ);
    }
    free(h->aKey);
    free(h->aTotal);
    free(h->aDocs);
    free(h->aOcc);
    free(h->aUDocs);
    free(h->aUOcc);
    free(h->aMatch);
    free(h->aSeriesOf);
    free(h->aSTotal);
    free(h->aSUndated);
    fvalues_free(&h->v);
    free(h->aDateCount);
    free(h->zErr);
    source_close(&h->src);
}

static int
hist_run(hist *h)
{
    cli *c = h->c;
    int eFmt = cli_format(c, FMT_TEXT,
                          FMTBIT(FMT_TEXT) | FMTBIT(FMT_TSV) |
                              FMTBIT(FMT_CSV) | FMTBIT(FMT_JSON) |
                              FMTBIT(FMT_JSONL));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    if (eFmt != FMT_TEXT) {
        c->bColor = 0;
    }
    int ex0 = dedup_open(&h->dd, c);
    if (ex0) {
        return ex0;
    }
    h->eBy = BY_MONTH;
    if (c->zBy) {
        h->eBy = -1;
        for (int i = 0; i < 4; i++) {
            if (strcmp(c->zBy, azBy[i]) == 0) {
                h->eBy = i;
            }
        }
        if (h->eBy < 0) {
            msg_put("kq hist: --by takes day, week, month or year, not "
                    "\"%s\"",
                    c->zBy);
            return KQ_EXIT_USAGE;
        }
    }
    h->kFrom = h->kTo = BUCKET_NONE;
    if (c->zFrom &&
        (h->kFrom = date_bound(c->zFrom, h->eBy, 0)) == BUCKET_NONE) {
        msg_put("kq hist: --from needs a date YYYY, YYYY-MM or YYYY-MM-DD, "
                "not \"%s\"",
                c->zFrom);
        return KQ_EXIT_USAGE;
    }
    if (c->zTo && (h->kTo = date_bound(c->zTo, h->eBy, 1)) == BUCKET_NONE) {
        msg_put("kq hist: --to needs a date YYYY, YYYY-MM or YYYY-MM-DD, "
                "not \"%s\"",
                c->zTo);
        return KQ_EXIT_USAGE;
    }
    if (h->kFrom != BUCKET_NONE && h->kTo != BUCKET_NONE &&
        h->kFrom > h->kTo) {
        msg_put("kq hist: --from %s is after --to %s", c->zFrom, c->zTo);
        return KQ_EXIT_USAGE;
    }
    h->bRange = c->zFrom || c->zTo;
    if (c->zQueries && c->nArg > 0) {
        fprintf(stderr, "kq hist: queries as arguments or from --queries "
                        "FILE, not both\n");
        return KQ_EXIT_USAGE;
    }
    if (c->zQueries) {
        int exQ = read_queries(h, c->zQueries);
        if (exQ) {
            return exQ;
        }
    } else if (c->nArg == 0) {
        fprintf(stderr, "kq hist: no query given (kq help hist)\n");
        return KQ_EXIT_USAGE;
    }
    if (c->zSplit && (c->zQueries || c->nArg != 1)) {
        fprintf(stderr, "kq hist: --split splits one query into series; "
                        "not with --queries or several queries\n");
        return KQ_EXIT_USAGE;
    }
    if (c->bTop && !c->zSplit) {
        fprintf(stderr, "kq hist: --top applies to --split\n");
        return KQ_EXIT_USAGE;
    }
    int ex = source_open(&h->src, c);
    if (ex == 0 && c->zSplit) {
        h->bSplit = 1;
        ex = field_parse(&h->src, c, c->zSplit, 0, &h->fSplit);
    }
    if (ex) {
        return ex;
    }
    if (!c->zQueries) {
        h->nQ = c->nArg;
        h->azQ = c->azArg;
        h->azLabel = c->azArg;
    }
    h->apQ = calloc((size_t)h->nQ, sizeof(kq_query *));
    if (h->apQ == NULL) {
        return report_error(c, KQ_NOMEM, NULL);
    }
    h->nParsed = h->nQ;
    kq_analyzer *pA = source_analyzer(&h->src);
    for (int q = 0; q < h->nQ; q++) {
        char zWhere[32];
        int iCol = 0;
        char *zErr = NULL;
        int rc = kq_query_parse_ex(pA, h->azQ[q], cli_parse_flags(h->c),
                                   &h->apQ[q], &iCol, &zErr);
        if (rc == KQ_SYNTAX) {
            snprintf(zWhere, sizeof(zWhere), "query %d: ", q + 1);
            report_syntax(c, h->nQ > 1 ? zWhere : "", h->azQ[q], iCol, zErr);
        } else if (rc) {
            report_error(c, rc, zErr);
        }
        free(zErr);
        if (rc) {
            return exit_for(rc);
        }
    }

    /* Pass 1: the bucket of every document. */
    kq_docid nDocid = 0;
    /* (only the size: no walk) */
    int rc = kq_index_each_doc(h->src.pIdx, NULL, NULL, &nDocid, &h->zErr);
    if (rc) {
        return report_error(c, rc, h->zErr);
    }
    h->nDocid = nDocid;
    h->aKey = malloc(((size_t)nDocid + 1) * sizeof(int64_t));
    if (h->aKey == NULL) {
        return report_error(c, KQ_NOMEM, NULL);
    }
    /* A Xapian database counts its dates itself (--split reads every
    ** document's value anyway: values.c). */
    int bLater = source_is_xapian(&h->src) && !h->bSplit;
    for (kq_docid i = 0; i < nDocid; i++) {
        /* (deleted documents stay KEY_SKIP; a Xapian database has none,
        ** and a docid no document has is never met) */
        h->aKey[i] = bLater ? KEY_LATER : KEY_SKIP;
    }
    h->kMin = 1;
    h->kMax = 0;
    dcounts dc = {h, NULL, 0, 0};
    rc = bLater ? kq_index_value_counts(h->src.pIdx, KQ_VALUE_DATE, &dc,
                                        date_count_cb, &h->zErr)
                : kq_index_each_doc(h->src.pIdx, h, doc_cb, NULL, &h->zErr);
    h->aDateCount = dc.a; /* (freed with h) */
    if (rc) {
        return report_error(c, rc, h->zErr);
    }
    /* The periods listed: from the first to the last date, or what
    ** --from/--to name (a range with no document still lists its periods). */
    int bAny = h->kMin <= h->kMax;
    if (h->kFrom != BUCKET_NONE) {
        h->kMin = h->kFrom;
        if (!bAny) {
            h->kMax = h->kTo != BUCKET_NONE ? h->kTo : h->kFrom;
        }
    }
    if (h->kTo != BUCKET_NONE) {
        h->kMax = h->kTo;
        if (!bAny && h->kFrom == BUCKET_NONE) {
            h->kMin = h->kTo;
        }
    }
    if (h->kMin <= h->kMax) {
        if (h->kMax - h->kMin >= MAX_BUCKET) {
            fprintf(stderr,
                    "kq hist: %lld periods from the first to the "
                    "last date: narrow them with --from/--to or a longer "
                    "--by\n",
                    (long long)(h->kMax - h->kMin + 1));
            return KQ_EXIT_USAGE;
        }
        h->nBucket = (size_t)(h->kMax - h->kMin + 1);
    }
    if (h->bSplit && (rc = split_prepare(h)) != KQ_OK) {
        return report_error(c, rc, h->zErr);
    }
    size_t nCell = h->nBucket * (size_t)h->nQ + 1;
    h->aTotal = calloc(h->nBucket + 1, sizeof(uint64_t));
    h->aDocs = calloc(nCell, sizeof(uint64_t));
    h->aOcc = calloc(nCell, sizeof(uint64_t));
    h->aUDocs = calloc((size_t)h->nQ, sizeof(uint64_t));
    h->aUOcc = calloc((size_t)h->nQ, sizeof(uint64_t));
    h->aMatch = calloc((size_t)h->nQ, sizeof(uint64_t));
    if (!h->aTotal || !h->aDocs || !h->aOcc || !h->aUDocs || !h->aUOcc ||
        !h->aMatch) {
        return report_error(c, KQ_NOMEM, NULL);
    }
    for (kq_docid i = 0; !bLater && i < nDocid; i++) {
        int64_t k = h->aKey[i];
        if (k == BUCKET_NONE) {
            h->nUndated++;
        } else if (k != KEY_SKIP) {
            h->aTotal[k - h->kMin]++;
        }
    }
    for (size_t i = 0; i < dc.n; i++) {
        if (dc.a[i].k == BUCKET_NONE) {
            h->nUndated += dc.a[i].n;
        } else if (dc.a[i].k != KEY_SKIP) {
            h->aTotal[dc.a[i].k - h->kMin] += dc.a[i].n;
        }
    }

    /* Pass 2: the matches of each query. */
    for (int q = 0; q < h->nParsed; q++) {
        qctx qc = {h, q};
        rc = h->bSplit ? KQ_OK : hist_dedup(h, q);
        if (rc == KQ_OK) {
            rc = kq_search_each(h->src.pIdx, h->apQ[q], &qc, match_cb,
                                &h->zErr);
        }
        if (rc) {
            return report_error(c, rc, h->zErr);
        }
    }

    if (eFmt == FMT_TEXT) {
        print_text(h);
    } else {
        print_table(h, eFmt);
    }
    if (c->zPlot) {
        ex = write_plot(h);
        if (ex) {
            return ex;
        }
    }
    for (int q = 0; q < h->nQ; q++) {
        if (h->aMatch[q]) {
            return KQ_EXIT_OK;
        }
    }
    return KQ_EXIT_NOHITS;
}

int
cmd_hist(cli *c)
{
    hist h;
    memset(&h, 0, sizeof(h));
    h.c = c;
    int ex = hist_run(&h);
    hist_free(&h);
    return ex;
}
