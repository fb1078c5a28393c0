/*
** cmd_search.c -- kq search (the default command) and kq count, with the
** older options --check and --parse.
**
** The hits go out in one of seven formats (text, jsonl, json, tsv, csv,
** trec, ids) with the fields --fields chooses.  The JSON summary records
** what is needed to run the search again exactly: the query as given and
** as parsed, the index, its generation and size, the analyzer language, the
** order, the paging and kq's version.
*/
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What a hit line can show (--fields). */
enum {
    F_RANK,
    F_ID,
    F_TITLE,
    F_DATE,
    F_SOURCE,
    F_SCORE,
    F_SNIPPET,
    F_LEN,
    F_TEXT,
    F_EXTRA
};
static const char *const azFieldName[F_EXTRA] = {
    "rank", "id", "title", "date", "source", "score", "snippet", "len", "text",
};

typedef struct field {
    int e;
    const char *zName; /* the key in JSON, the TSV/CSV header */
} field;

typedef struct search {
    cli *c;
    source src;
    kq_analyzer *pA;
    kq_query *pQ;
    kq_matcher *pM; /* for the snippets (made when first needed) */
    char *zQuery;
    int eFmt;
    field aField[MAX_FIELDS_ARG];
    int nField;
    int bFieldsGiven;
    int bSnippet, bText; /* snippets / stored text needed */
    int nSnippet;
    int flags;        /* kq_search_ex order */
    char *zFieldList; /* copy of --fields, cut at the commas */
    json_t *pHits;    /* FMT_JSON */
    int bWarnedId;
    dedup dd; /* --dedup */
} search;

static const char *
sort_name(int eSort)
{
    return eSort == SORT_DATE        ? "date"
           : eSort == SORT_DATE_DESC ? "-date"
                                     : "score";
}

/* The summary object: everything needed to run the query again and get
** the same answer (the index, its backend and generation, the analyzer's
** language, the parsed query, the order and the page). */
static json_t *
summary_new(search *p, uint64_t nTotal, size_t nReturned)
{
    json_t *o = json_object();
    const kq_stats *st = kq_index_stats(p->src.pIdx);
    json_object_set_new(o, "query", json_text(p->zQuery, strlen(p->zQuery)));
    json_object_set_new(o, "total", json_integer((json_int_t)nTotal));
    dedup_json(&p->dd, o);
    json_object_set_new(o, "offset", json_integer((json_int_t)p->c->nOffset));
    json_object_set_new(o, "returned", json_integer((json_int_t)nReturned));
    char *zParsed = kq_query_describe(p->pQ);
    json_object_set_new(o, "parsed",
                        zParsed ? json_text(zParsed, strlen(zParsed))
                                : json_null());
    free(zParsed);
    json_object_set_new(o, "sort", json_string(sort_name(p->c->eSort)));
    json_object_set_new(o, "limit",
                        p->c->bAll ? json_null()
                                   : json_integer((json_int_t)p->c->nLimit));
    json_object_set_new(o, "index",
                        json_text(p->src.zDir, strlen(p->src.zDir)));
    json_object_set_new(
        o, "backend",
        json_string(source_is_xapian(&p->src) ? "xapian" : "kq"));
    json_object_set_new(o, "generation",
                        json_integer((json_int_t)st->nGeneration));
    json_object_set_new(o, "documents", json_integer((json_int_t)st->nDoc));
    json_object_set_new(o, "language", json_string(kq_analyzer_lang(p->pA)));
    json_object_set_new(o, "version", json_string(KQ_VERSION));
    return o;
}

/* --fields: names, checked against the built-in fields and the index's
** extra fields. */
static int
parse_fields(search *p)
{
    cli *c = p->c;
    static const int aText[] = {F_RANK,   F_TITLE, F_ID,     F_DATE,
                                F_SOURCE, F_SCORE, F_SNIPPET};
    static const int aJson[] = {F_RANK,   F_ID,    F_TITLE,  F_DATE,
                                F_SOURCE, F_SCORE, F_SNIPPET};
    static const int aTable[] = {F_RANK,   F_ID,    F_SCORE,  F_DATE,
                                 F_SOURCE, F_TITLE, F_SNIPPET};
    if (c->zFields == NULL) {
        const int *a = p->eFmt == FMT_TEXT ? aText
                       : (p->eFmt == FMT_JSON || p->eFmt == FMT_JSONL)
                           ? aJson
                           : aTable;
        for (int i = 0; i < 7; i++) {
            p->aField[i].e = a[i];
            p->aField[i].zName = azFieldName[a[i]];
        }
        p->nField = 7;
        return 0;
    }
    if (p->eFmt == FMT_TREC || p->eFmt == FMT_IDS) {
        fprintf(stderr, "kq: --fields does not apply to --format=%s\n",
                format_name(p->eFmt));
        return KQ_EXIT_USAGE;
    }
    p->bFieldsGiven = 1;
    p->zFieldList = strdup(c->zFields);
    if (p->zFieldList == NULL) {
        return KQ_EXIT_INDEX;
    }
    char **azExtra = NULL;
    int nExtra = 0, ex = 0;
    int bExtraRead = 0;
    char *zSave = NULL;
    for (char *z = strtok_r(p->zFieldList, ", ", &zSave); z && ex == 0;
         z = strtok_r(NULL, ", ", &zSave)) {
        int e = -1;
        for (int i = 0; i < F_EXTRA; i++) {
            if (strcmp(z, azFieldName[i]) == 0) {
                e = i;
            }
        }
        if (e < 0 && strcmp(z, "snippets") == 0) {
            e = F_SNIPPET;
        }
        if (e < 0) {
            /* An extra field of the index (kq-index --field NAME)? */
            if (!bExtraRead && p->src.pIdx) {
                char *zErr = NULL;
                int rc = kq_index_fields(p->src.pIdx, &azExtra, &nExtra,
                                         &zErr);
                if (rc) {
                    ex = report_error(c, rc, zErr);
                }
                free(zErr);
                bExtraRead = 1;
            }
            for (int i = 0; i < nExtra; i++) {
                if (strcmp(z, azExtra[i]) == 0) {
                    e = F_EXTRA;
                }
            }
            if (e < 0 && ex == 0) {
                kq_buf b = {0};
                for (int i = 0; i < nExtra; i++) {
                    kq_buf_append(&b, ", ", 2);
                    kq_buf_append(&b, azExtra[i], strlen(azExtra[i]));
                }
                msg_put("kq: unknown field \"%s\" in --fields; the fields: "
                        "id, title, date, source, score, rank, snippet, len, "
                        "text%.*s%s",
                        z, (int)b.n, b.a ? (const char *)b.a : "",
                        nExtra ? "" : " (the index has no extra fields)");
                kq_buf_free(&b);
                ex = KQ_EXIT_USAGE;
            }
        }
        if (ex == 0 && p->nField == MAX_FIELDS_ARG) {
            fprintf(stderr, "kq: at most %d --fields\n", MAX_FIELDS_ARG);
            ex = KQ_EXIT_USAGE;
        }
        if (ex == 0) {
            p->aField[p->nField].e = e;
            p->aField[p->nField].zName = z;
            p->nField++;
        }
    }
    for (int i = 0; i < nExtra; i++) {
        free(azExtra[i]);
    }
    free(azExtra);
    if (ex == 0 && p->nField == 0) {
        fprintf(stderr, "kq: --fields lists no field\n");
        ex = KQ_EXIT_USAGE;
    }
    return ex;
}

static int
has_field(const search *p, int e)
{
    for (int i = 0; i < p->nField; i++) {
        if (p->aField[i].e == e) {
            return 1;
        }
    }
    return 0;
}

/* A snippet with its highlights (ANSI bold red) or plain. */
static void
print_snippet(const kq_snippet *s, int bColor)
{
    size_t i = 0;
    for (size_t h = 0; h < s->nHl; h++) {
        size_t a = s->aHl[2 * h], b = s->aHl[2 * h + 1];
        if (a < i || b < a || b > s->nText) {
            continue; /* never trust offsets to stay in bounds */
        }
        esc_put(stdout, s->zText + i, a - i, KQ_ESC_TEXT);
        fputs(bColor ? "\x1b[1;31m" : "", stdout);
        esc_put(stdout, s->zText + a, b - a, KQ_ESC_TEXT);
        fputs(bColor ? "\x1b[0m" : "", stdout);
        i = b;
    }
    esc_put(stdout, s->zText + i, s->nText - i, KQ_ESC_TEXT);
}

static json_t *
snippet_json(const kq_snippet *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "text", json_text(s->zText, s->nText));
    json_object_set_new(o, "start", json_integer((json_int_t)s->iSrcStart));
    json_object_set_new(o, "end", json_integer((json_int_t)s->iSrcEnd));
    json_t *a = json_array();
    for (size_t h = 0; s->aSrcHl && h < s->nHl; h++) {
        json_t *pair = json_array();
        json_array_append_new(pair,
                              json_integer((json_int_t)s->aSrcHl[2 * h]));
        json_array_append_new(pair,
                              json_integer((json_int_t)s->aSrcHl[2 * h + 1]));
        json_array_append_new(a, pair);
    }
    json_object_set_new(o, "highlights", a);
    return o;
}

/* The snippets as one line of text, for TSV and CSV. */
static char *
snippets_flat(const kq_snippet *a, int n)
{
    kq_buf b = {0};
    for (int i = 0; i < n; i++) {
        if (i) {
            kq_buf_append(&b, " \xe2\x80\xa6 ", 5); /* " … " */
        }
        kq_buf_append(&b, a[i].zText, a[i].nText);
    }
    kq_buf_putc(&b, 0);
    if (b.rc) {
        kq_buf_free(&b);
        return NULL;
    }
    return (char *)b.a;
}

static void
fmt_score(char *z, size_t n, double score)
{
    snprintf(z, n, "%.8g", score);
}

/* The value of a scalar field as text ("" when empty). */
static const char *
field_text(const field *f, const hitdoc *d, size_t iRank, double score,
           char *zBuf, size_t nBuf)
{
    switch (f->e) {
    case F_RANK: snprintf(zBuf, nBuf, "%zu", iRank); return zBuf;
    case F_ID: return d->zId;
    case F_TITLE: return d->zTitle;
    case F_DATE: return d->zDate;
    case F_SOURCE: return d->zSource;
    case F_SCORE: fmt_score(zBuf, nBuf, score); return zBuf;
    case F_LEN: snprintf(zBuf, nBuf, "%u", d->nLen); return zBuf;
    case F_EXTRA: {
        const char *z = hitdoc_field(d, f->zName);
        return z ? z : "";
    }
    default: return "";
    }
}

static json_t *
field_json(const search *p, const field *f, const hitdoc *d, size_t iRank,
           double score, const kq_snippet *aSnip, int nSnip)
{
    switch (f->e) {
    case F_RANK: return json_integer((json_int_t)iRank);
    case F_ID: return json_text(d->zId, d->nId);
    case F_TITLE: return json_text(d->zTitle, strlen(d->zTitle));
    case F_DATE:
        return d->zDate[0] ? json_text(d->zDate, strlen(d->zDate))
                           : json_null();
    case F_SOURCE:
        return d->zSource[0] ? json_text(d->zSource, strlen(d->zSource))
                             : json_null();
    case F_SCORE: return json_real(score);
    case F_LEN:
        return source_is_xapian(&p->src) ? json_null() : json_integer(d->nLen);
    case F_TEXT: return json_text(d->zText, d->nText);
    case F_EXTRA: {
        const char *z = hitdoc_field(d, f->zName);
        return z ? json_text(z, strlen(z)) : json_null();
    }
    case F_SNIPPET:
        if (p->c->bNoSnippet) {
            return json_null();
        }
        return nSnip > 0 ? json_text(aSnip[0].zText, aSnip[0].nText)
                         : json_string("");
    default: return json_null();
    }
}

static void
print_hit_json(search *p, const hitdoc *d, size_t iRank, double score,
               const kq_snippet *aSnip, int nSnip)
{
    /* JSON Lines: "type" first.  Extra fields go in a "fields" object, as
    ** in kq show: a field may have any name (kq-index --field), "type"
    ** or "score" too, and must not overwrite kq's keys. */
    json_t *o = p->eFmt == FMT_JSONL ? jsonl_object(JSONL_HIT) : json_object();
    json_t *pExtra = NULL;
    for (int i = 0; i < p->nField; i++) {
        const field *f = &p->aField[i];
        json_t *v = field_json(p, f, d, iRank, score, aSnip, nSnip);
        if (f->e == F_EXTRA) {
            if (pExtra == NULL) {
                pExtra = json_object();
                json_object_set_new(o, "fields", pExtra);
            }
            json_object_set_new(pExtra, f->zName, v);
            continue;
        }
        json_object_set_new(o, f->zName, v);
        if (f->e == F_SNIPPET) {
            /* "snippet" stays the best snippet's text, as it always was;
            ** "snippets" has them all with their places in the text. */
            json_t *a = json_array();
            for (int k = 0; k < nSnip; k++) {
                json_array_append_new(a, snippet_json(&aSnip[k]));
            }
            json_object_set_new(o, "snippets", a);
        }
    }
    if (p->eFmt == FMT_JSON) {
        json_array_append_new(p->pHits, o);
        return;
    }
    json_put(stdout, o,
             JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8));
    putchar('\n');
    json_decref(o);
}

static void
print_hit_table(search *p, const hitdoc *d, size_t iRank, double score,
                const kq_snippet *aSnip, int nSnip)
{
    void (*xPut)(FILE *, const char *) = p->eFmt == FMT_TSV ? tsv_put
                                                            : csv_put;
    char zBuf[64];
    for (int i = 0; i < p->nField; i++) {
        const field *f = &p->aField[i];
        if (i) {
            putchar(p->eFmt == FMT_TSV ? '\t' : ',');
        }
        if (f->e == F_SNIPPET) {
            char *z = snippets_flat(aSnip, nSnip);
            xPut(stdout, z ? z : "");
            free(z);
        } else if (f->e == F_TEXT) {
            char *z = kq_utf8_clean(d->zText ? d->zText : "", d->nText, 0);
            xPut(stdout, z ? z : "");
            free(z);
        } else if (f->e == F_ID) {
            esc_put(stdout, d->zId, d->nId,
                    p->eFmt == FMT_TSV ? KQ_ESC_TSV : KQ_ESC_CSV);
        } else {
            xPut(stdout, field_text(f, d, iRank, score, zBuf, sizeof(zBuf)));
        }
    }
    putchar('\n');
}

static void
print_hit_text(search *p, const hitdoc *d, size_t iRank, double score,
               const kq_snippet *aSnip, int nSnip)
{
    int bColor = p->c->bColor;
    const char *zB = bColor ? "\x1b[1m" : "", *zE = bColor ? "\x1b[0m" : "";
    if (!p->bFieldsGiven) {
        printf("%zu. %s", iRank, zB);
        text_put(stdout, d->zTitle[0] ? d->zTitle : "(no title)");
        printf("%s\n", zE);
        fputs("   ", stdout);
        esc_put(stdout, d->zId, d->nId, KQ_ESC_TEXT);
        if (d->zDate[0]) {
            fputs("  ", stdout);
            text_put(stdout, d->zDate);
        }
        if (d->zSource[0]) {
            fputs("  ", stdout);
            text_put(stdout, d->zSource);
        }
        printf("  score %.4f\n", score);
    } else {
        /* The chosen fields in the same layout: rank and title first,
        ** the other short fields on the second line. */
        int bRank = has_field(p, F_RANK), bTitle = has_field(p, F_TITLE);
        if (bRank || bTitle) {
            if (bRank) {
                printf("%zu.%s", iRank, bTitle ? " " : "");
            }
            if (bTitle) {
                fputs(zB, stdout);
                text_put(stdout, d->zTitle[0] ? d->zTitle : "(no title)");
                fputs(zE, stdout);
            }
            putchar('\n');
        }
        int nOut = 0;
        char zBuf[64];
        for (int i = 0; i < p->nField; i++) {
            const field *f = &p->aField[i];
            if (f->e == F_RANK || f->e == F_TITLE || f->e == F_SNIPPET ||
                f->e == F_TEXT) {
                continue;
            }
            const char *z = field_text(f, d, iRank, score, zBuf, sizeof(zBuf));
            if (z[0] == 0) {
                continue;
            }
            fputs(nOut++ ? "  " : "   ", stdout);
            if (f->e == F_SCORE) {
                printf("score %.4f", score);
            } else if (f->e == F_LEN) {
                printf("%s tokens", z);
            } else if (f->e == F_EXTRA) {
                text_put(stdout, f->zName);
                fputs(": ", stdout);
                text_put(stdout, z);
            } else if (f->e == F_ID) {
                esc_put(stdout, d->zId, d->nId, KQ_ESC_TEXT);
            } else {
                text_put(stdout, z);
            }
        }
        if (nOut) {
            putchar('\n');
        }
    }
    for (int k = 0; k < nSnip; k++) {
        if (aSnip[k].nText) {
            fputs("   ", stdout);
            print_snippet(&aSnip[k], bColor);
            putchar('\n');
        }
    }
    if (p->bText && d->zText) {
        char *z = kq_utf8_clean(d->zText, d->nText, 0);
        for (char *zLine = z, *zNl; zLine && *zLine; zLine = zNl) {
            zNl = strchr(zLine, '\n');
            size_t n = zNl ? (size_t)(zNl - zLine) : strlen(zLine);
            fputs("   ", stdout);
            esc_put(stdout, zLine, n, KQ_ESC_LINES);
            putchar('\n');
            zNl = zNl ? zNl + 1 : zLine + n;
        }
        free(z);
    }
    putchar('\n');
}

/* The snippets of a hit: its matches (p->pM), placed in its text. */
static int
hit_snippets(search *p, kq_docid iDoc, const hitdoc *d, kq_snippet **paSnip,
             int *pnSnip, char **pzErr)
{
    int bMatch = 0;
    const kq_match *aM = NULL;
    size_t nM = 0;
    int rc = KQ_OK;
    if (p->pM == NULL) {
        rc = kq_matcher_new(p->src.pIdx, p->pQ, &p->pM, pzErr);
    }
    if (rc == KQ_OK) {
        rc = kq_matcher_doc(p->pM, iDoc, &bMatch, &aM, &nM, pzErr);
    }
    kq_match *a = rc ? NULL : malloc(sizeof(kq_match) * (nM ? nM : 1));
    if (rc == KQ_OK && a == NULL) {
        rc = KQ_NOMEM;
    }
    if (rc == KQ_OK) {
        if (nM) {
            memcpy(a, aM, sizeof(kq_match) * nM);
        }
        rc = kq_match_locate(p->pA, d->zRawTitle, d->nRawTitle, d->zText,
                             d->nText, a, nM);
    }
    if (rc == KQ_OK) {
        rc = kq_snippets_make(p->pA, d->zText, d->nText, a, nM, 30,
                              p->nSnippet, paSnip, pnSnip);
    }
    free(a);
    return rc;
}

/* One hit in the chosen format. */
static int
print_hit(search *p, const kq_hit *h, size_t iRank, char **pzErr)
{
    hitdoc d;
    int rc = source_doc(&p->src, h->iDoc,
                        (p->bSnippet || p->bText ? SRC_TEXT : 0) |
                            (has_field(p, F_LEN) ? SRC_TOKENS : 0),
                        &d, pzErr);
    if (rc) {
        return rc;
    }
    kq_snippet *aSnip = NULL;
    int nSnip = 0;
    if (p->bSnippet && p->nSnippet > 0) {
        rc = hit_snippets(p, h->iDoc, &d, &aSnip, &nSnip, pzErr);
    }
    if (rc == KQ_OK) {
        switch (p->eFmt) {
        case FMT_IDS:
            esc_put(stdout, d.zId, d.nId, KQ_ESC_TEXT);
            putchar('\n');
            break;
        case FMT_TREC:
            if (!p->bWarnedId && strpbrk(d.zId, " \t")) {
                msg_put("kq: warning: document id \"%s\" contains white "
                        "space: its TREC line has more than six fields",
                        d.zId);
                p->bWarnedId = 1;
            }
            text_put(stdout, p->c->zQid ? p->c->zQid : "1");
            fputs(" Q0 ", stdout);
            esc_put(stdout, d.zId, d.nId, KQ_ESC_TEXT);
            printf(" %zu %.6f ", iRank, h->score);
            text_put(stdout, p->c->zRunTag ? p->c->zRunTag : "kq");
            putchar('\n');
            break;
        case FMT_JSON:
        case FMT_JSONL:
            print_hit_json(p, &d, iRank, h->score, aSnip, nSnip);
            break;
        case FMT_TSV:
        case FMT_CSV:
            print_hit_table(p, &d, iRank, h->score, aSnip, nSnip);
            break;
        default: print_hit_text(p, &d, iRank, h->score, aSnip, nSnip);
        }
    }
    kq_snippets_free(aSnip, nSnip);
    hitdoc_clear(&d);
    return rc;
}

/* kq check (and kq --check): verify the whole index. */
static int
do_check(cli *c)
{
    source src;
    int ex = source_open(&src, c);
    if (ex) {
        return ex;
    }
    if (source_is_xapian(&src)) {
        fprintf(stderr,
                "kq: %s is a Xapian database: check it with "
                "xapian-check\n",
                src.zDir);
        source_close(&src);
        return KQ_EXIT_USAGE;
    }
    char *zErr = NULL;
    int rc = kq_index_check(src.pIdx, &zErr);
    const kq_stats *st = kq_index_stats(src.pIdx);
    if (rc == KQ_OK) {
        printf("ok: %s: %llu documents, %u segment(s), generation %llu\n",
               src.zDir, (unsigned long long)st->nDoc, st->nSegment,
               (unsigned long long)st->nGeneration);
    } else {
        report_error(c, rc, zErr);
    }
    free(zErr);
    source_close(&src);
    return rc == KQ_OK ? KQ_EXIT_OK : exit_for(rc);
}

/* The old kq --parse: the one-line form of the parsed query.  Works
** without an index, with the default language. */
static int
do_parse(cli *c, const char *zQuery)
{
    source src;
    char *zErr = NULL;
    kq_analyzer *pOwn = NULL;
    int rc = source_try(&src, c, &zErr);
    free(zErr);
    if (rc) {
        source_close(&src);
        rc = kq_analyzer_new(KQ_DEFAULT_LANG, &pOwn);
        if (rc) {
            return report_error(c, rc, NULL);
        }
    }
    kq_query *pQ = NULL;
    int ex = parse_query(c, pOwn ? pOwn : source_analyzer(&src), zQuery, &pQ);
    if (ex == 0) {
        char *z = kq_query_describe(pQ);
        printf("%s\n", z ? z : "");
        free(z);
    }
    kq_query_free(pQ);
    kq_analyzer_free(pOwn);
    source_close(&src);
    return ex;
}

/* Open the index and parse the query; 0 or the exit code. */
static int
search_open(search *p, cli *c)
{
    memset(p, 0, sizeof(*p));
    p->c = c;
    if (c->nArg == 0) {
        fprintf(stderr, "%s: no query given (kq help shows the syntax)\n",
                cli_prog(c));
        return KQ_EXIT_USAGE;
    }
    p->zQuery = cli_join_args(c, 0, c->nArg);
    if (p->zQuery == NULL) {
        return KQ_EXIT_INDEX;
    }
    int ex = dedup_open(&p->dd, c);
    if (ex == 0) {
        ex = source_open(&p->src, c);
    }
    if (ex) {
        return ex;
    }
    p->pA = source_analyzer(&p->src);
    return parse_query(c, p->pA, p->zQuery, &p->pQ);
}

static void
search_close(search *p)
{
    kq_matcher_free(p->pM);
    kq_query_free(p->pQ);
    source_close(&p->src);
    free(p->zQuery);
    free(p->zFieldList);
    json_decref(p->pHits);
    dedup_close(&p->dd);
}

/* search --dedup: every match in the order asked for, the highest-scored
** of each cluster kept, then the page (--offset, -n, --all) of those;
** *pnTotal the number kept. */
static int
search_dedup(search *p, size_t nLimit, kq_hit **paHit, size_t *pnHit,
             uint64_t *pnTotal, char **pzErr)
{
    uint64_t nAll = 0;
    size_t n = 0, m = 0;
    kq_hit *a = NULL;
    int rc = kq_search_ex(p->src.pIdx, p->pQ, p->flags, 0, 0, &a, &n, &nAll,
                          NULL, pzErr);
    free(a);
    a = NULL;
    if (rc == KQ_OK && nAll) {
        rc = kq_search_ex(p->src.pIdx, p->pQ, p->flags, 0, (size_t)nAll, &a,
                          &n, &nAll, NULL, pzErr);
    }
    if (rc == KQ_OK) {
        rc = dedup_hits(&p->dd, p->src.pIdx, a, n, 1, pzErr);
    }
    for (size_t i = 0; rc == KQ_OK && i < n; i++) {
        if (dedup_keep(&p->dd, a[i].iDoc)) {
            a[m++] = a[i];
        }
    }
    size_t iFrom = p->c->nOffset < m ? p->c->nOffset : m;
    size_t nPage = p->c->bAll || nLimit > m - iFrom ? m - iFrom : nLimit;
    if (a && nPage) {
        memmove(a, a + iFrom, nPage * sizeof(kq_hit));
    }
    *paHit = a;
    *pnHit = rc == KQ_OK ? nPage : 0;
    *pnTotal = m;
    return rc;
}

int
cmd_check(cli *c)
{
    if (c->nArg) {
        fprintf(stderr, "kq check: takes no operand (kq help check)\n");
        return KQ_EXIT_USAGE;
    }
    return do_check(c);
}

int
cmd_search(cli *c)
{
    if (c->bCheck) {
        return do_check(c);
    }
    if (c->bParse) {
        if (c->nArg == 0) {
            fprintf(stderr, "kq: no query given (kq help shows the "
                            "syntax)\n");
            return KQ_EXIT_USAGE;
        }
        char *zQuery = cli_join_args(c, 0, c->nArg);
        int ex = zQuery ? do_parse(c, zQuery) : KQ_EXIT_INDEX;
        free(zQuery);
        return ex;
    }
    int eFmt = cli_format(c, FMT_TEXT,
                          FMTBIT(FMT_TEXT) | FMTBIT(FMT_JSONL) |
                              FMTBIT(FMT_JSON) | FMTBIT(FMT_TSV) |
                              FMTBIT(FMT_CSV) | FMTBIT(FMT_TREC) |
                              FMTBIT(FMT_IDS));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    if (c->eSort != SORT_DEFAULT && c->eSort != SORT_SCORE &&
        c->eSort != SORT_DATE && c->eSort != SORT_DATE_DESC) {
        fprintf(stderr,
                "kq: search sorts by score, date or -date, not "
                "\"%s\"\n",
                c->zSort);
        return KQ_EXIT_USAGE;
    }
    if (c->bNoSnippet && c->nSnippet > 0) {
        fprintf(stderr, "kq: --snippets and --no-snippets contradict each "
                        "other\n");
        return KQ_EXIT_USAGE;
    }
    if (eFmt != FMT_TEXT) {
        c->bColor = 0;
    }
    search s;
    int ex = search_open(&s, c);
    s.eFmt = eFmt;
    if (ex == 0) {
        ex = parse_fields(&s);
    }
    if (ex) {
        search_close(&s);
        return ex;
    }
    s.flags = c->eSort == SORT_DATE        ? KQ_SEARCH_DATE
              : c->eSort == SORT_DATE_DESC ? KQ_SEARCH_DATE_DESC
                                           : 0;
    s.bSnippet = has_field(&s, F_SNIPPET) && !c->bNoSnippet &&
                 eFmt != FMT_TREC && eFmt != FMT_IDS;
    s.bText = has_field(&s, F_TEXT);
    s.nSnippet = c->nSnippet >= 0                          ? c->nSnippet
                 : (eFmt == FMT_JSON || eFmt == FMT_JSONL) ? 3
                                                           : 1;

    /* --all: the total first, then every hit after the offset. */
    char *zErr = NULL;
    kq_hit *aHit = NULL;
    size_t nHit = 0, nLimit = c->nLimit;
    uint64_t nTotal = 0;
    int rc = KQ_OK;
    if (!c->bLimit) {
        nLimit = c->nLimit = 10; /* (the summary records it) */
    }
    if (s.dd.bOn) {
        rc = search_dedup(&s, nLimit, &aHit, &nHit, &nTotal, &zErr);
    } else if (c->bAll) {
        rc = kq_search_ex(s.src.pIdx, s.pQ, s.flags, 0, 0, &aHit, &nHit,
                          &nTotal, NULL, &zErr);
        free(aHit);
        aHit = NULL;
        nLimit = nTotal > c->nOffset ? (size_t)(nTotal - c->nOffset) : 0;
    }
    if (rc == KQ_OK && !s.dd.bOn) {
        rc = kq_search_ex(s.src.pIdx, s.pQ, s.flags, c->nOffset, nLimit, &aHit,
                          &nHit, &nTotal, NULL, &zErr);
    }
    if (rc == KQ_OK && (eFmt == FMT_TSV || eFmt == FMT_CSV)) {
        for (int i = 0; i < s.nField; i++) {
            if (i) {
                putchar(eFmt == FMT_TSV ? '\t' : ',');
            }
            (eFmt == FMT_TSV ? tsv_put : csv_put)(stdout, s.aField[i].zName);
        }
        putchar('\n');
    }
    if (eFmt == FMT_JSON) {
        s.pHits = json_array();
    }
    for (size_t i = 0; rc == KQ_OK && i < nHit; i++) {
        rc = print_hit(&s, &aHit[i], c->nOffset + i + 1, &zErr);
    }
    if (rc) {
        ex = report_error(c, rc, zErr);
    } else if (eFmt == FMT_JSONL) {
        json_t *o = jsonl_object(JSONL_SUMMARY);
        /* (kept for scripts written before "type") */
        json_object_set_new(o, "summary", json_true());
        json_object_update_new(o, summary_new(&s, nTotal, nHit));
        json_print(o, 0);
        json_decref(o);
    } else if (eFmt == FMT_JSON) {
        json_t *o = json_object();
        json_object_set_new(o, "summary", summary_new(&s, nTotal, nHit));
        json_object_set_new(o, "hits", s.pHits);
        s.pHits = NULL;
        json_put(stdout, o,
                 (isatty(STDOUT_FILENO) ? JSON_INDENT(2) : JSON_COMPACT) |
                     JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8));
        putchar('\n');
        json_decref(o);
    } else if (eFmt == FMT_TEXT) {
        if (nTotal == 0) {
            printf("-- no matching documents");
        } else if (nHit == 0 && c->nOffset == 0) { /* -n 0 */
            printf("-- %llu matching documents", (unsigned long long)nTotal);
        } else if (nHit == 0) {
            printf("-- %llu matching documents, none after offset %zu",
                   (unsigned long long)nTotal, c->nOffset);
        } else {
            printf("-- %zu-%zu of %llu matching documents", c->nOffset + 1,
                   c->nOffset + nHit, (unsigned long long)nTotal);
        }
        dedup_note(&s.dd, stdout, " ", "");
        putchar('\n');
    }
    free(aHit);
    free(zErr);
    search_close(&s);
    if (ex) {
        return ex;
    }
    return nTotal > 0 ? KQ_EXIT_OK : KQ_EXIT_NOHITS;
}

int
cmd_count(cli *c)
{
    int eFmt = cli_format(
        c, FMT_TEXT, FMTBIT(FMT_TEXT) | FMTBIT(FMT_JSON) | FMTBIT(FMT_JSONL));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    search s;
    int ex = search_open(&s, c);
    if (ex) {
        search_close(&s);
        return ex;
    }
    char *zErr = NULL;
    kq_hit *aHit = NULL;
    size_t nHit = 0;
    uint64_t nTotal = 0;
    int rc = KQ_OK;
    if (s.dd.bOn) {
        rc = dedup_query(&s.dd, s.src.pIdx, s.pQ, &zErr);
        nTotal = s.dd.nMatch - s.dd.nFold;
    } else {
        rc = kq_search_ex(s.src.pIdx, s.pQ, 0, 0, 0, &aHit, &nHit, &nTotal,
                          NULL, &zErr);
    }
    free(aHit);
    if (rc) {
        ex = report_error(c, rc, zErr);
    } else if (eFmt == FMT_TEXT) {
        printf("%llu\n", (unsigned long long)nTotal);
        if (s.dd.bOn) { /* (stdout stays one number, for scripts) */
            dedup_note(&s.dd, stderr, "kq count: ", "\n");
        }
    } else {
        c->nOffset = 0;
        c->nLimit = 0;
        c->bAll = 0;
        json_t *o = summary_new(&s, nTotal, 0);
        json_object_del(o, "offset");
        json_object_del(o, "returned");
        json_object_del(o, "limit");
        json_object_del(o, "sort");
        if (eFmt == FMT_JSONL) {
            json_t *l = jsonl_object(JSONL_COUNT);
            json_object_update_new(l, o);
            o = l;
        }
        json_print(o, 0);
        json_decref(o);
    }
    free(zErr);
    search_close(&s);
    return ex ? ex : nTotal > 0 ? KQ_EXIT_OK : KQ_EXIT_NOHITS;
}
