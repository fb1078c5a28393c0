/*
** cmd_info.c -- the commands that look at the index rather than rank it:
** kq show (documents by id), kq explain (a score taken apart), kq stats,
** kq terms (the vocabulary) and kq parse (how a query is read).
*/
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Look up a document by its external id: KQ_OK, KQ_NOTFOUND (reported),
** or an index error. */
static int
find_doc(const cli *c, source *s, const char *zId, kq_docid *piDoc,
         char **pzErr)
{
    int rc = kq_index_find(s->pIdx, zId, strlen(zId), piDoc, pzErr);
    if (rc == KQ_NOTFOUND) {
        msg_put("%s: no document with id \"%s\" in %s", cli_prog(c), zId,
                s->zDir);
    }
    return rc;
}

/**************************************************************************
** kq show ID...
*/
enum { S_ID, S_TITLE, S_DATE, S_SOURCE, S_LEN, S_TEXT, S_EXTRA };
static const char *const azShowField[S_EXTRA] = {
    "id", "title", "date", "source", "len", "text",
};

typedef struct show {
    cli *c;
    source src;
    int eFmt;
    int aField[MAX_FIELDS_ARG];
    const char *azField[MAX_FIELDS_ARG];
    int nField;   /* 0: everything */
    json_t *pAll; /* FMT_JSON */
    int nShown;
} show;

static int
show_fields(show *p, char *zList)
{
    /* Names that are not built in must be extra fields of the index (a
    ** Xapian database keeps none to show). */
    char **azExtra = NULL;
    int nExtra = 0, ex = 0;
    char *zErr = NULL;
    int rc = source_is_xapian(&p->src)
                 ? KQ_OK
                 : kq_index_fields(p->src.pIdx, &azExtra, &nExtra, &zErr);
    if (rc) {
        ex = report_error(p->c, rc, zErr);
    }
    free(zErr);
    char *zSave = NULL;
    for (char *z = strtok_r(zList, ", ", &zSave); z && ex == 0;
         z = strtok_r(NULL, ", ", &zSave)) {
        int e = -1;
        for (int i = 0; i < S_EXTRA; i++) {
            if (strcmp(z, azShowField[i]) == 0) {
                e = i;
            }
        }
        for (int i = 0; e < 0 && i < nExtra; i++) {
            if (strcmp(z, azExtra[i]) == 0) {
                e = S_EXTRA;
            }
        }
        if (e < 0) {
            kq_buf b = {0};
            for (int i = 0; i < nExtra; i++) {
                kq_buf_append(&b, ", ", 2);
                kq_buf_append(&b, azExtra[i], strlen(azExtra[i]));
            }
            msg_put("kq show: unknown field \"%s\"; the fields: id, title, "
                    "date, source, len, text%.*s",
                    z, (int)b.n, b.a ? (const char *)b.a : "");
            kq_buf_free(&b);
            ex = KQ_EXIT_USAGE;
        } else if (p->nField == MAX_FIELDS_ARG) {
            fprintf(stderr, "kq show: at most %d --fields\n", MAX_FIELDS_ARG);
            ex = KQ_EXIT_USAGE;
        } else {
            p->aField[p->nField] = e;
            p->azField[p->nField++] = z;
        }
    }
    if (ex == 0 && p->nField == 0) {
        fprintf(stderr, "kq show: --fields lists no field\n");
        ex = KQ_EXIT_USAGE;
    }
    for (int i = 0; i < nExtra; i++) {
        free(azExtra[i]);
    }
    free(azExtra);
    return ex;
}

static json_t *
show_json(show *p, const hitdoc *d)
{
    /* Extra fields are in "fields" (as in search hits): named freely, they
    ** must not overwrite "type" or the built-in keys. */
    json_t *o = p->eFmt == FMT_JSONL ? jsonl_object(JSONL_DOC) : json_object();
    json_t *pExtra = NULL;
    if (p->nField == 0) {
        json_object_set_new(o, "id", json_text(d->zId, d->nId));
        json_object_set_new(o, "title",
                            json_text(d->zTitle, strlen(d->zTitle)));
        json_object_set_new(o, "date",
                            d->zDate[0] ? json_text(d->zDate, strlen(d->zDate))
                                        : json_null());
        json_object_set_new(o, "source",
                            d->zSource[0]
                                ? json_text(d->zSource, strlen(d->zSource))
                                : json_null());
        json_object_set_new(o, "len", json_integer(d->nLen));
        json_t *f = json_object();
        for (int i = 0; i < d->nField; i++) {
            json_object_set_new(
                f, d->azFieldName[i],
                json_text(d->azFieldValue[i], strlen(d->azFieldValue[i])));
        }
        json_object_set_new(o, "fields", f);
        json_object_set_new(o, "text", json_text(d->zText, d->nText));
        return o;
    }
    for (int i = 0; i < p->nField; i++) {
        json_t *v;
        switch (p->aField[i]) {
        case S_ID: v = json_text(d->zId, d->nId); break;
        case S_TITLE: v = json_text(d->zTitle, strlen(d->zTitle)); break;
        case S_DATE:
            v = d->zDate[0] ? json_text(d->zDate, strlen(d->zDate))
                            : json_null();
            break;
        case S_SOURCE:
            v = d->zSource[0] ? json_text(d->zSource, strlen(d->zSource))
                              : json_null();
            break;
        case S_LEN: v = json_integer(d->nLen); break;
        case S_TEXT: v = json_text(d->zText, d->nText); break;
        default: {
            const char *z = hitdoc_field(d, p->azField[i]);
            v = z ? json_text(z, strlen(z)) : json_null();
            if (pExtra == NULL) {
                pExtra = json_object();
                json_object_set_new(o, "fields", pExtra);
            }
            json_object_set_new(pExtra, p->azField[i], v);
            continue;
        }
        }
        json_object_set_new(o, p->azField[i], v);
    }
    return o;
}

static void
show_text(show *p, const hitdoc *d, int bLast)
{
    int nHead = 0, bText = p->nField == 0;
    if (p->nShown > 0) {
        putchar('\n'); /* a blank line between documents */
    }
    for (int i = 0; i < (p->nField ? p->nField : S_TEXT); i++) {
        int e = p->nField ? p->aField[i] : i;
        const char *zName = p->nField ? p->azField[i] : azShowField[i];
        char zLen[32];
        const char *z = NULL;
        switch (e) {
        case S_ID:
            fputs(zName, stdout);
            fputs(": ", stdout);
            esc_put(stdout, d->zId, d->nId, KQ_ESC_TEXT);
            putchar('\n');
            nHead++;
            continue;
        case S_TITLE: z = d->zTitle; break;
        case S_DATE: z = d->zDate; break;
        case S_SOURCE: z = d->zSource; break;
        case S_LEN:
            snprintf(zLen, sizeof(zLen), "%u", d->nLen);
            z = zLen;
            break;
        case S_TEXT: bText = 1; continue;
        default: z = hitdoc_field(d, zName);
        }
        if (z && z[0]) {
            text_put(stdout, zName);
            fputs(": ", stdout);
            text_put(stdout, z);
            putchar('\n');
            nHead++;
        }
    }
    if (p->nField == 0) {
        for (int i = 0; i < d->nField; i++) {
            text_put(stdout, d->azFieldName[i]);
            fputs(": ", stdout);
            text_put(stdout, d->azFieldValue[i]);
            putchar('\n');
            nHead++;
        }
    }
    if (bText) {
        /* The stored text as stored (as cat would print it), but for its
        ** control characters other than tab and line ends: escaped
        ** (--format=json has them all). */
        if (nHead) {
            putchar('\n');
        }
        esc_put(stdout, d->zText, d->nText, KQ_ESC_LINES);
        int bNl = d->nText > 0 && d->zText[d->nText - 1] == '\n';
        if (!bNl && (nHead || !bLast)) {
            putchar('\n');
        }
    }
}

static int
show_one(show *p, const char *zId, int bLast, int *pbMissing)
{
    char *zErr = NULL;
    kq_docid iDoc;
    int rc = find_doc(p->c, &p->src, zId, &iDoc, &zErr);
    if (rc == KQ_NOTFOUND) {
        *pbMissing = 1;
        free(zErr);
        return KQ_OK;
    }
    hitdoc d;
    if (rc == KQ_OK) {
        rc = source_doc(&p->src, iDoc, SRC_TEXT | SRC_TOKENS, &d, &zErr);
    }
    if (rc) {
        report_error(p->c, rc, zErr);
        free(zErr);
        return rc;
    }
    if (p->eFmt == FMT_TEXT) {
        show_text(p, &d, bLast);
    } else {
        json_t *o = show_json(p, &d);
        if (p->eFmt == FMT_JSON) {
            json_array_append_new(p->pAll, o);
        } else {
            json_print(o, 0);
            json_decref(o);
        }
    }
    p->nShown++;
    hitdoc_clear(&d);
    return KQ_OK;
}

int
cmd_show(cli *c)
{
    show p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    p.eFmt = cli_format(
        c, FMT_TEXT, FMTBIT(FMT_TEXT) | FMTBIT(FMT_JSON) | FMTBIT(FMT_JSONL));
    if (p.eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->nArg == 0) {
        fprintf(stderr, "kq show: no document id given (kq help show)\n");
        return KQ_EXIT_USAGE;
    }
    char *zList = c->zFields ? strdup(c->zFields) : NULL;
    int ex = c->zFields && zList == NULL ? KQ_EXIT_INDEX : 0;
    if (ex == 0) {
        ex = source_open(&p.src, c);
    }
    if (ex == 0 && zList) {
        ex = show_fields(&p, zList);
    }
    if (ex) {
        free(zList);
        source_close(&p.src);
        return ex;
    }
    if (p.eFmt == FMT_JSON) {
        p.pAll = json_array();
    }
    int rc = KQ_OK, bMissing = 0;
    for (int i = 0; rc == KQ_OK && i < c->nArg; i++) {
        if (strcmp(c->azArg[i], "-") == 0) {
            /* An id and perhaps a '\r' a line: a longer line is no id
            ** (read on without keeping it). */
            kq_buf line = {0};
            int bLong = 0;
            long iLine = 0;
            while (rc == KQ_OK && (rc = line_read(stdin, KQ_MAX_ID + 1, &line,
                                                  &bLong)) == KQ_OK) {
                iLine++;
                if (bLong) {
                    fprintf(stderr,
                            "kq show: line %ld of standard input: "
                            "longer than an id (%d bytes)\n",
                            iLine, KQ_MAX_ID);
                    bMissing = 1;
                    continue;
                }
                while (line.n > 0 && line.a[line.n - 1] == '\r') {
                    line.a[--line.n] = 0;
                }
                if (line.n > 0) {
                    rc = show_one(&p, (const char *)line.a, 0, &bMissing);
                }
            }
            if (rc == KQ_DONE) {
                rc = KQ_OK;
            }
            kq_buf_free(&line);
        } else {
            rc = show_one(&p, c->azArg[i], i == c->nArg - 1, &bMissing);
        }
    }
    if (p.eFmt == FMT_JSON && rc == KQ_OK) {
        json_print(p.pAll, 1);
    }
    json_decref(p.pAll);
    free(zList);
    source_close(&p.src);
    if (rc) {
        return exit_for(rc);
    }
    return bMissing ? KQ_EXIT_NOHITS : KQ_EXIT_OK;
}

/* The matches of q in iDoc, placed in its title and body: *paM
** (malloc()ed) and *pnM; *pd gets the document (hitdoc_clear() it). */
static int
doc_matches(source *src, const kq_query *q, kq_docid iDoc, hitdoc *pd,
            kq_match **paM, size_t *pnM, char **pzErr)
{
    kq_matcher *m = NULL;
    const kq_match *a = NULL;
    size_t n = 0;
    int bMatch;
    *paM = NULL;
    *pnM = 0;
    memset(pd, 0, sizeof(*pd));
    int rc = kq_matcher_new(src->pIdx, q, &m, pzErr);
    if (rc == KQ_OK) {
        rc = kq_matcher_doc(m, iDoc, &bMatch, &a, &n, pzErr);
    }
    if (rc == KQ_OK) {
        *paM = malloc(sizeof(kq_match) * (n ? n : 1));
        rc = *paM ? KQ_OK : KQ_NOMEM;
    }
    if (rc == KQ_OK && n) {
        memcpy(*paM, a, sizeof(kq_match) * n);
    }
    kq_matcher_free(m);
    if (rc == KQ_OK) {
        rc = source_doc(src, iDoc, SRC_TEXT, pd, pzErr);
    }
    if (rc == KQ_OK) {
        rc = kq_match_locate(source_analyzer(src), pd->zRawTitle,
                             pd->nRawTitle, pd->zText, pd->nText, *paM, n);
        *pnM = n;
    }
    return rc;
}

/* The text of match a of document d, white space collapsed (malloc()ed). */
static char *
match_text(const hitdoc *d, const kq_match *a)
{
    const char *z = a->bTitle ? d->zRawTitle : d->zText;
    return kq_utf8_clean(z ? z + a->iStart : "", a->iEnd - a->iStart, 1);
}

/**************************************************************************
** kq explain QUERY... ID
*/
int
cmd_explain(cli *c)
{
    int eFmt = cli_format(
        c, FMT_TEXT, FMTBIT(FMT_TEXT) | FMTBIT(FMT_JSON) | FMTBIT(FMT_JSONL));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->nArg < 2) {
        fprintf(stderr, "kq explain: give a query and a document id: kq "
                        "explain QUERY... ID\n");
        return KQ_EXIT_USAGE;
    }
    const char *zId = c->azArg[c->nArg - 1];
    char *zQuery = cli_join_args(c, 0, c->nArg - 1);
    source src;
    memset(&src, 0, sizeof(src));
    kq_query *pQ = NULL;
    int ex = zQuery ? source_open(&src, c) : KQ_EXIT_INDEX;
    if (ex == 0) {
        ex = parse_query(c, source_analyzer(&src), zQuery, &pQ);
    }
    char *zErr = NULL;
    kq_docid iDoc = 0;
    kq_explain_info info;
    memset(&info, 0, sizeof(info));
    hitdoc d;
    memset(&d, 0, sizeof(d));
    kq_match *aM = NULL;
    size_t nM = 0;
    int rc = KQ_OK;
    if (ex == 0) {
        rc = find_doc(c, &src, zId, &iDoc, &zErr);
        if (rc == KQ_NOTFOUND) {
            ex = KQ_EXIT_NOHITS;
        } else if (rc == KQ_OK) {
            rc = kq_explain(src.pIdx, pQ, iDoc, &info, &zErr);
        }
        if (rc == KQ_OK) {
            rc = doc_matches(&src, pQ, iDoc, &d, &aM, &nM, &zErr);
        }
        if (rc && rc != KQ_NOTFOUND) {
            ex = report_error(c, rc, zErr);
        }
    }
    if (ex == 0) {
        char *zParsed = kq_query_describe(pQ);
        unsigned nW = kq_index_stats(src.pIdx)->nTitleWeight;
        if (eFmt == FMT_TEXT) {
            fputs("document  ", stdout);
            text_put(stdout, zId);
            fputs("\nquery     ", stdout);
            text_put(stdout, zQuery);
            fputs("\nparsed    ", stdout);
            text_put(stdout, zParsed ? zParsed : "");
            putchar('\n');
            printf("length    %u for BM25F (tokens, a title token counting "
                   "%u times; average %.2f over %llu documents)\n",
                   info.nLen, nW, info.avgLen, (unsigned long long)info.nDoc);
            /* Columns sized to the terms. */
            int wT = 4, wW = 8;
            for (int i = 0; i < info.nTerm; i++) {
                int a = (int)kq_text_width(info.aTerm[i].zTerm,
                                           strlen(info.aTerm[i].zTerm));
                int b = (int)kq_text_width(info.aTerm[i].zWhere,
                                           strlen(info.aTerm[i].zWhere));
                wT = a > wT ? a : wT;
                wW = b > wW ? b : wW;
            }
            wT = wT > 40 ? 40 : wT;
            wW = wW > 40 ? 40 : wW;
            printf("\n%-*s  %-*s  %6s  %6s  %8s  %8s  %6s  %10s\n", wT, "term",
                   wW, "in query", "tf", "title", "df", "idf", "boost",
                   "score");
            for (int i = 0; i < info.nTerm; i++) {
                const kq_explain_term *t = &info.aTerm[i];
                size_t w1, w2;
                size_t n1 = kq_text_prefix(t->zTerm, strlen(t->zTerm),
                                           (size_t)wT, &w1);
                size_t n2 = kq_text_prefix(t->zWhere, strlen(t->zWhere),
                                           (size_t)wW, &w2);
                esc_put(stdout, t->zTerm, n1, KQ_ESC_TEXT);
                put_spaces(stdout, (size_t)wT - w1 + 2);
                esc_put(stdout, t->zWhere, n2, KQ_ESC_TEXT);
                put_spaces(stdout, (size_t)wW - w2 + 2);
                printf("%6u  %6u  %8llu  %8.4f  %6.2f  %10.6f\n", t->tf,
                       t->tfTitle, (unsigned long long)t->df, t->idf, t->boost,
                       t->score);
            }
            if (info.bMatch) {
                printf("%*s  %10.6f\n",
                       wT + wW + 2 + 6 + 2 + 6 + 2 + 8 + 2 + 8 + 2 + 6 + 2,
                       "total score", info.score);
            } else {
                fputs("\n", stdout);
                text_put(stdout, zId);
                fputs(" does not match the query (score 0)\n", stdout);
            }
            printf("\nBM25F: each part is idf * f * (k1 + 1) / (f + k1 * "
                   "(1 - b + b * len / avglen)),\ntimes its boost, with "
                   "f = tf + %u * title (a title word counts %u times, in "
                   "len too);\nk1 = %g, b = %g; idf = ln r, r = (N - df + "
                   "0.5) / (df + 0.5), r / 2 + 1 when r < 2\n(Xapian's).\n",
                   nW - 1, nW, KQ_BM25_K1, KQ_BM25_B);
            printf("\nmatches   %zu (what kq hist counts and kq kwic shows: "
                   "kq(1) MATCHES)\n",
                   nM);
            for (size_t i = 0; i < nM; i++) {
                char *z = match_text(&d, &aM[i]);
                printf("  %-5s  %8zu-%-8zu  ", aM[i].bTitle ? "title" : "body",
                       aM[i].iStart, aM[i].iEnd);
                text_put(stdout, z ? z : "");
                putchar('\n');
                free(z);
            }
        } else {
            json_t *o = eFmt == FMT_JSONL ? jsonl_object(JSONL_EXPLAIN)
                                          : json_object();
            json_object_set_new(o, "id", json_text(zId, strlen(zId)));
            json_object_set_new(o, "query", json_text(zQuery, strlen(zQuery)));
            json_object_set_new(o, "parsed",
                                zParsed ? json_text(zParsed, strlen(zParsed))
                                        : json_null());
            json_object_set_new(o, "match", json_boolean(info.bMatch));
            json_object_set_new(o, "score", json_real(info.score));
            json_object_set_new(o, "len", json_integer(info.nLen));
            json_object_set_new(o, "avg_len", json_real(info.avgLen));
            json_object_set_new(o, "title_weight", json_integer(nW));
            json_object_set_new(o, "k1", json_real(KQ_BM25_K1));
            json_object_set_new(o, "b", json_real(KQ_BM25_B));
            json_object_set_new(o, "documents",
                                json_integer((json_int_t)info.nDoc));
            json_t *a = json_array();
            for (int i = 0; i < info.nTerm; i++) {
                const kq_explain_term *t = &info.aTerm[i];
                json_t *e = json_object();
                json_object_set_new(e, "term",
                                    json_text(t->zTerm, strlen(t->zTerm)));
                json_object_set_new(e, "as_typed",
                                    json_text(t->zWhere, strlen(t->zWhere)));
                json_object_set_new(e, "tf", json_integer(t->tf));
                json_object_set_new(e, "tf_title", json_integer(t->tfTitle));
                json_object_set_new(e, "df", json_integer((json_int_t)t->df));
                json_object_set_new(e, "idf", json_real(t->idf));
                json_object_set_new(e, "boost", json_real(t->boost));
                json_object_set_new(e, "score", json_real(t->score));
                json_array_append_new(a, e);
            }
            json_object_set_new(o, "terms", a);
            json_t *am = json_array();
            for (size_t i = 0; i < nM; i++) {
                char *z = match_text(&d, &aM[i]);
                json_t *e = json_object();
                json_object_set_new(
                    e, "field", json_string(aM[i].bTitle ? "title" : "body"));
                json_object_set_new(e, "start",
                                    json_integer((json_int_t)aM[i].iStart));
                json_object_set_new(e, "end",
                                    json_integer((json_int_t)aM[i].iEnd));
                json_object_set_new(e, "text",
                                    json_text(z ? z : "", z ? strlen(z) : 0));
                json_array_append_new(am, e);
                free(z);
            }
            json_object_set_new(o, "matches", am);
            json_print(o, eFmt == FMT_JSON);
            json_decref(o);
        }
        free(zParsed);
        ex = info.bMatch ? KQ_EXIT_OK : KQ_EXIT_NOHITS;
    }
    kq_explain_free(&info);
    free(aM);
    hitdoc_clear(&d);
    free(zErr);
    kq_query_free(pQ);
    source_close(&src);
    free(zQuery);
    return ex;
}

/**************************************************************************
** kq stats
*/
typedef struct dstat {
    source *s;
    char zMin[16], zMax[16];
    uint64_t nDated, nUndated;
    char *zErr;
} dstat;

static int
date_cb(void *pCtx, kq_docid iDoc)
{
    dstat *p = pCtx;
    const kq_docinfo *info;
    int rc = kq_index_doc(p->s->pIdx, iDoc, &info, &p->zErr);
    if (rc) {
        return rc;
    }
    size_t n = date_part(info->zDate ? info->zDate : "", info->nDate);
    if (n == 0 || n >= sizeof(p->zMin)) {
        p->nUndated++;
        return KQ_OK;
    }
    char z[16];
    memcpy(z, info->zDate, n);
    z[n] = 0;
    /* ISO dates of any precision compare as strings (2023 < 2023-01). */
    if (p->nDated == 0 || strcmp(z, p->zMin) < 0) {
        memcpy(p->zMin, z, n + 1);
    }
    if (p->nDated == 0 || strcmp(z, p->zMax) > 0) {
        memcpy(p->zMax, z, n + 1);
    }
    p->nDated++;
    return KQ_OK;
}

/* Bytes of the files in the index directory. */
static uint64_t
dir_size(const char *zDir)
{
    uint64_t n = 0;
    DIR *d = opendir(zDir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char *zPath = kq_mprintf("%s/%s", zDir, e->d_name);
        struct stat st;
        if (zPath && stat(zPath, &st) == 0 && S_ISREG(st.st_mode)) {
            n += (uint64_t)st.st_size;
        }
        free(zPath);
    }
    if (d) {
        closedir(d);
    }
    return n;
}

static void
human_size(uint64_t n, char *z, size_t nz)
{
    const char *azU[] = {"B", "KB", "MB", "GB", "TB"};
    double v = (double)n;
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(z, nz, u ? "%.1f %s" : "%.0f %s", v, azU[u]);
}

/* Languages by documents, most first, then by name. */
static int
cmp_langcount(const void *a, const void *b)
{
    const kq_langcount *x = a, *y = b;
    if (x->nDoc != y->nDoc) {
        return x->nDoc > y->nDoc ? -1 : 1;
    }
    return strcmp(x->zLang, y->zLang);
}

int
cmd_stats(cli *c)
{
    int eFmt = cli_format(
        c, FMT_TEXT, FMTBIT(FMT_TEXT) | FMTBIT(FMT_JSON) | FMTBIT(FMT_JSONL));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->nArg > 0) {
        fprintf(stderr, "kq stats: no arguments expected (to search for "
                        "\"stats\": kq search stats)\n");
        return KQ_EXIT_USAGE;
    }
    source src;
    int ex = source_open(&src, c);
    if (ex) {
        return ex;
    }
    const kq_stats *st = kq_index_stats(src.pIdx);
    const char *zLang = kq_analyzer_lang(source_analyzer(&src));
    dstat ds;
    memset(&ds, 0, sizeof(ds));
    ds.s = &src;
    char **azField = NULL;
    int nField = 0, rc = KQ_OK;
    uint64_t nSize = 0;
    kq_langcount *aLang = NULL;
    int nLang = 0;
    const kq_segment_stats **aSeg = NULL; /* kq's own index: its segments */
    if (!source_is_xapian(&src)) {
        rc = kq_index_each_doc(src.pIdx, &ds, date_cb, NULL, &ds.zErr);
        if (rc == KQ_OK) {
            rc = kq_index_fields(src.pIdx, &azField, &nField, &ds.zErr);
        }
        if (rc == KQ_OK) {
            rc = kq_index_languages(src.pIdx, &aLang, &nLang, &ds.zErr);
        }
        uint32_t nSeg = st->nSegment;
        if (rc == KQ_OK && (aSeg = calloc(nSeg + 1, sizeof(*aSeg))) == NULL) {
            rc = KQ_NOMEM;
        }
        for (uint32_t i = 0; rc == KQ_OK && i < nSeg; i++) {
            rc = kq_index_segment(src.pIdx, i, &aSeg[i], &ds.zErr);
        }
        for (int i = 0; i < src.nDir; i++) {
            nSize += dir_size(src.azDir ? src.azDir[i] : src.zDir);
        }
    } else {
        rc = kq_index_languages(src.pIdx, &aLang, &nLang, &ds.zErr);
    }
    if (nLang > 1) {
        qsort(aLang, (size_t)nLang, sizeof(*aLang), cmp_langcount);
    }
    if (rc) {
        ex = report_error(c, rc, ds.zErr);
    } else if (eFmt == FMT_TEXT) {
        char z[32];
        printf("index       %s (%s)\n", src.zDir,
               source_is_xapian(&src) ? "Xapian" : "kq native");
        printf("documents   %llu\n", (unsigned long long)st->nDoc);
        /* The lengths BM25F normalises by: tokens, a title token counting
        ** the title weight times (the index keeps no other total). */
        printf("length      %llu (tokens; a title token counts %u times)\n",
               (unsigned long long)st->nToken, st->nTitleWeight);
        printf("average     %.1f per document\n", st->avgDoclen);
        printf("ranking     BM25F: title weight %u, k1 %g, b %g\n",
               st->nTitleWeight, KQ_BM25_K1, KQ_BM25_B);
        printf("language    %s\n", zLang);
        printf("languages   ");
        for (int i = 0; i < nLang; i++) {
            printf("%s%s %llu", i ? ", " : "", aLang[i].zLang,
                   (unsigned long long)aLang[i].nDoc);
        }
        printf("%s\n", nLang ? " (documents)" : "none");
        if (aSeg) {
            human_size(nSize, z, sizeof(z));
            printf("segments    %u\n", st->nSegment);
            printf("generation  %llu\n", (unsigned long long)st->nGeneration);
            printf("size        %s (%llu bytes)\n", z,
                   (unsigned long long)nSize);
            if (ds.nDated) {
                char *zMin = kq_escape(ds.zMin, strlen(ds.zMin), KQ_ESC_TEXT);
                char *zMax = kq_escape(ds.zMax, strlen(ds.zMax), KQ_ESC_TEXT);
                printf("dates       %s .. %s (%llu dated, %llu undated)\n",
                       zMin ? zMin : "", zMax ? zMax : "",
                       (unsigned long long)ds.nDated,
                       (unsigned long long)ds.nUndated);
                free(zMin);
                free(zMax);
            } else {
                printf("dates       none (%llu undated)\n",
                       (unsigned long long)ds.nUndated);
            }
            printf("fields      ");
            for (int i = 0; i < nField; i++) {
                printf("%s%s", i ? ", " : "", azField[i]);
            }
            printf("%s\n", nField ? "" : "none");
            printf("\nsegment  documents   deleted       length        terms"
                   "        bytes\n");
            for (uint32_t i = 0; i < st->nSegment; i++) {
                const kq_segment_stats *m = aSeg[i];
                /* Several indexes: the segment's index, from 1, in
                ** front (each numbers its segments from 1). */
                char zName[40];
                if (src.nDir > 1) {
                    snprintf(zName, sizeof(zName), "%u:seg%u", m->iIndex + 1,
                             m->iSeg);
                } else {
                    snprintf(zName, sizeof(zName), "seg%u", m->iSeg);
                }
                printf("%-7s  %9u  %8u  %11llu  %11llu  %11llu\n", zName,
                       m->nDoc, m->nDel, (unsigned long long)m->nToken,
                       (unsigned long long)m->nWord,
                       (unsigned long long)m->nByte);
            }
        }
    } else {
        json_t *o = eFmt == FMT_JSONL ? jsonl_object(JSONL_STATS)
                                      : json_object();
        json_object_set_new(o, "index", json_text(src.zDir, strlen(src.zDir)));
        json_object_set_new(
            o, "backend",
            json_string(source_is_xapian(&src) ? "xapian" : "kq"));
        json_object_set_new(o, "documents",
                            json_integer((json_int_t)st->nDoc));
        json_object_set_new(o, "length", json_integer((json_int_t)st->nToken));
        json_object_set_new(o, "avg_len", json_real(st->avgDoclen));
        json_object_set_new(o, "title_weight", json_integer(st->nTitleWeight));
        json_object_set_new(o, "language", json_string(zLang));
        json_t *aL = json_array();
        for (int i = 0; i < nLang; i++) {
            json_t *e = json_object();
            json_object_set_new(e, "language", json_string(aLang[i].zLang));
            json_object_set_new(e, "documents",
                                json_integer((json_int_t)aLang[i].nDoc));
            json_array_append_new(aL, e);
        }
        json_object_set_new(o, "languages", aL);
        json_object_set_new(o, "version", json_string(KQ_VERSION));
        if (aSeg) {
            json_object_set_new(o, "generation",
                                json_integer((json_int_t)st->nGeneration));
            json_object_set_new(o, "size", json_integer((json_int_t)nSize));
            json_object_set_new(o, "date_min",
                                ds.nDated ? json_text(ds.zMin, strlen(ds.zMin))
                                          : json_null());
            json_object_set_new(o, "date_max",
                                ds.nDated ? json_text(ds.zMax, strlen(ds.zMax))
                                          : json_null());
            json_object_set_new(o, "dated",
                                json_integer((json_int_t)ds.nDated));
            json_object_set_new(o, "undated",
                                json_integer((json_int_t)ds.nUndated));
            json_t *a = json_array();
            for (int i = 0; i < nField; i++) {
                json_array_append_new(a, json_string(azField[i]));
            }
            json_object_set_new(o, "fields", a);
            json_t *g = json_array();
            for (uint32_t i = 0; i < st->nSegment; i++) {
                const kq_segment_stats *m = aSeg[i];
                json_t *e = json_object();
                json_object_set_new(e, "segment", json_integer(m->iSeg));
                if (src.nDir > 1) {
                    json_object_set_new(e, "index",
                                        json_integer(m->iIndex + 1));
                }
                json_object_set_new(e, "documents", json_integer(m->nDoc));
                json_object_set_new(e, "deleted", json_integer(m->nDel));
                json_object_set_new(e, "length",
                                    json_integer((json_int_t)m->nToken));
                json_object_set_new(e, "terms",
                                    json_integer((json_int_t)m->nWord));
                json_object_set_new(e, "size",
                                    json_integer((json_int_t)m->nByte));
                json_array_append_new(g, e);
            }
            json_object_set_new(o, "segments", g);
        }
        json_print(o, eFmt == FMT_JSON);
        json_decref(o);
    }
    for (int i = 0; i < nField; i++) {
        free(azField[i]);
    }
    free(azField);
    free(aLang);
    free(aSeg);
    free(ds.zErr);
    source_close(&src);
    return ex;
}

/**************************************************************************
** kq terms [PREFIX]
*/
typedef struct term {
    char *zWord, *zTerm;
    uint64_t df;
} term;

typedef struct terms {
    term *a;
    size_t n, nAlloc;
    size_t nMax; /* stop early (byte order, no --sort=df) */
} terms;

static int
term_cb(void *pCtx, const char *zWord, size_t nWord, const char *zTerm,
        size_t nTerm, uint64_t df)
{
    terms *p = pCtx;
    if (p->n >= p->nMax) {
        return KQ_DONE;
    }
    if (kq_grow(&p->a, sizeof(term), &p->nAlloc, p->n + 1, 256)) {
        return KQ_NOMEM;
    }
    term *t = &p->a[p->n];
    t->zWord = kq_utf8_clean(zWord, nWord, 1);
    t->zTerm = kq_utf8_clean(zTerm, nTerm, 1);
    t->df = df;
    if (!t->zWord || !t->zTerm) {
        free(t->zWord);
        free(t->zTerm);
        return KQ_NOMEM;
    }
    p->n++;
    return KQ_OK;
}

static int
cmp_df(const void *pa, const void *pb)
{
    const term *a = pa, *b = pb;
    if (a->df != b->df) {
        return a->df > b->df ? -1 : 1;
    }
    return strcmp(a->zWord, b->zWord);
}

int
cmd_terms(cli *c)
{
    int eFmt = cli_format(c, FMT_TEXT,
                          FMTBIT(FMT_TEXT) | FMTBIT(FMT_TSV) |
                              FMTBIT(FMT_CSV) | FMTBIT(FMT_JSON) |
                              FMTBIT(FMT_JSONL));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->eSort != SORT_DEFAULT && c->eSort != SORT_WORD &&
        c->eSort != SORT_DF) {
        msg_put("kq terms: --sort takes word or df, not \"%s\"", c->zSort);
        return KQ_EXIT_USAGE;
    }
    if (c->nArg > 1) {
        fprintf(stderr, "kq terms: one PREFIX at most\n");
        return KQ_EXIT_USAGE;
    }
    source src;
    int ex = source_open(&src, c);
    if (ex) {
        source_close(&src);
        return ex;
    }
    /* The prefix folded like the words of the index (a trailing * is
    ** allowed, as in queries). */
    char zPrefix[KQ_MAX_WORD + 1]; /* a folded word and its NUL */
    size_t nPrefix = 0;
    if (c->nArg == 1) {
        const char *z = c->azArg[0];
        size_t n = strlen(z);
        if (n > 0 && z[n - 1] == '*') {
            n--;
        }
        if (n > 0) {
            nPrefix = kq_fold_word(source_analyzer(&src), z, n, zPrefix,
                                   sizeof(zPrefix));
            if (nPrefix == 0) {
                msg_put("kq terms: \"%s\" holds no word of at most %d "
                        "bytes",
                        z, KQ_MAX_WORD);
                source_close(&src);
                return KQ_EXIT_USAGE;
            }
        }
    }
    terms t;
    memset(&t, 0, sizeof(t));
    size_t nLimit = c->bLimit && !c->bAll ? c->nLimit : SIZE_MAX;
    t.nMax = c->eSort == SORT_DF ? SIZE_MAX : nLimit;
    char *zErr = NULL;
    int rc = kq_index_terms(src.pIdx, zPrefix, nPrefix, &t, term_cb, &zErr);
    if (rc == KQ_DONE) {
        rc = KQ_OK;
    }
    if (rc) {
        ex = report_error(c, rc, zErr);
    } else {
        if (c->eSort == SORT_DF) {
            qsort(t.a, t.n, sizeof(term), cmp_df);
        }
        size_t n = t.n < nLimit ? t.n : nLimit;
        if (eFmt == FMT_TEXT) {
            size_t wW = 4, wT = 4;
            for (size_t i = 0; i < n; i++) {
                size_t a = kq_text_width(t.a[i].zWord, strlen(t.a[i].zWord));
                size_t b = kq_text_width(t.a[i].zTerm, strlen(t.a[i].zTerm));
                wW = a > wW ? a : wW;
                wT = b > wT ? b : wT;
            }
            printf("word");
            put_spaces(stdout, wW - 4 + 2);
            printf("stem");
            put_spaces(stdout, wT - 4 + 2);
            printf("%8s\n", "df");
            for (size_t i = 0; i < n; i++) {
                text_put(stdout, t.a[i].zWord);
                put_spaces(stdout, wW + 2 -
                                       kq_text_width(t.a[i].zWord,
                                                     strlen(t.a[i].zWord)));
                text_put(stdout, t.a[i].zTerm);
                put_spaces(stdout, wT + 2 -
                                       kq_text_width(t.a[i].zTerm,
                                                     strlen(t.a[i].zTerm)));
                printf("%8llu\n", (unsigned long long)t.a[i].df);
            }
        } else {
            static const char *const azCol[] = {"word", "stem", "df"};
            table tb;
            table_begin(&tb, stdout, eFmt, 3, azCol, JSONL_TERM);
            for (size_t i = 0; i < n; i++) {
                table_str(&tb, t.a[i].zWord);
                table_str(&tb, t.a[i].zTerm);
                table_int(&tb, (long long)t.a[i].df);
                table_row_end(&tb);
            }
            table_end(&tb, NULL, "terms");
        }
        ex = n > 0 ? KQ_EXIT_OK : KQ_EXIT_NOHITS;
    }
    for (size_t i = 0; i < t.n; i++) {
        free(t.a[i].zWord);
        free(t.a[i].zTerm);
    }
    free(t.a);
    free(zErr);
    source_close(&src);
    return ex;
}

/**************************************************************************
** kq parse QUERY...
*/
int
cmd_parse(cli *c)
{
    if (cli_format(c, FMT_TEXT, FMTBIT(FMT_TEXT)) < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->nArg == 0) {
        fprintf(stderr, "kq parse: no query given (kq help parse)\n");
        return KQ_EXIT_USAGE;
    }
    char *zQuery = cli_join_args(c, 0, c->nArg);
    if (zQuery == NULL) {
        return KQ_EXIT_INDEX;
    }
    /* Without an index: the default language, and no prefix expansion. */
    source src;
    char *zErr = NULL;
    kq_analyzer *pOwn = NULL;
    int rc = source_try(&src, c, &zErr);
    free(zErr);
    zErr = NULL;
    if (rc) {
        source_close(&src);
        rc = kq_analyzer_new(KQ_DEFAULT_LANG, &pOwn);
        if (rc) {
            free(zQuery);
            return report_error(c, rc, NULL);
        }
    }
    kq_query *pQ = NULL;
    int ex = parse_query(c, pOwn ? pOwn : source_analyzer(&src), zQuery, &pQ);
    if (ex == 0) {
        char *zTree = kq_query_tree(src.pIdx, pQ);
        if (zTree == NULL) {
            ex = report_error(c, KQ_NOMEM, NULL);
        } else {
            esc_put(stdout, zTree, strlen(zTree), KQ_ESC_LINES);
            size_t n = strlen(zTree);
            if (n == 0 || zTree[n - 1] != '\n') {
                putchar('\n');
            }
            /* The warnings also go to standard error, where a script or
            ** a user piping the tree away will see them. */
            for (char *z = zTree; *z;) {
                char *zNl = strchr(z, '\n');
                size_t nLine = zNl ? (size_t)(zNl - z) : strlen(z);
                const char *zT = z;
                while (*zT == ' ') {
                    zT++;
                }
                if (strncmp(zT, "warning:", 8) == 0) {
                    msg_put("kq parse: %.*s", (int)(nLine - (size_t)(zT - z)),
                            zT);
                }
                z += nLine + (zNl ? 1 : 0);
            }
            free(zTree);
        }
    }
    kq_query_free(pQ);
    kq_analyzer_free(pOwn);
    source_close(&src);
    free(zQuery);
    return ex;
}
