/*
** cmd_collocates.c -- kq collocates: the words around the matches of a
** query, scored by how much more often they occur there than chance
** would put them.  kq_index_collocates() (common/collocates.c) counts
** and scores; this reads the options and the --stop file and prints.
*/
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const azMeasure[KQ_MEASURE_N] = {"logdice", "mi", "t",
                                                    "ll"};

typedef struct colloc {
    cli *c;
    source src;
    kq_query *pQ;
    kq_colloc_opts o;
    char **azStop; /* --stop: its words, as written */
    size_t nStop, nStopAlloc;
    kq_collocates *pRes;
    char *zErr;
} colloc;

/* --stop FILE: one word a line (kq_assoc_key() checks it is one), blank
** lines skipped, into k->azStop. */
static int
read_stop(colloc *k, kq_analyzer *pA)
{
    const char *zFile = k->c->zStop;
    FILE *f = fopen(zFile, "r");
    if (f == NULL) {
        msg_put("kq collocates: %s: %s", zFile, strerror(errno));
        return KQ_EXIT_USAGE;
    }
    kq_buf b = {0};
    long iLine = 0;
    int bLong = 0, ex = 0;
    while (ex == 0 && line_read(f, MAX_STOP_LINE, &b, &bLong) == KQ_OK) {
        char zKey[KQ_MAX_WORD + 1];
        size_t nKey;
        iLine++;
        const char *z = (const char *)b.a;
        size_t n = b.n;
        while (n > 0 && (z[n - 1] == '\r' || z[n - 1] == ' ')) {
            n--;
        }
        if (bLong) {
            msg_put("kq collocates: %s:%ld: a line longer than %d bytes",
                    zFile, iLine, MAX_STOP_LINE);
            ex = KQ_EXIT_USAGE;
            break;
        }
        if (n == 0) {
            continue;
        }
        if (kq_assoc_key(pA, k->o.bStem, z, n, zKey, &nKey) == KQ_MISUSE) {
            msg_put("kq collocates: %s:%ld: not one word (of at most %d bytes "
                    "once folded)",
                    zFile, iLine, KQ_MAX_WORD);
            ex = KQ_EXIT_USAGE;
            break;
        }
        char *zWord = kq_mprintf("%.*s", (int)n, z);
        if (zWord == NULL || kq_grow(&k->azStop, sizeof(char *),
                                     &k->nStopAlloc, k->nStop + 1, 64)) {
            free(zWord);
            msg_put("kq collocates: %s: %s", zFile, kq_errstr(KQ_NOMEM));
            ex = KQ_EXIT_INDEX;
            break;
        }
        k->azStop[k->nStop++] = zWord;
    }
    if (ex == 0 && (b.rc || ferror(f))) {
        msg_put("kq collocates: %s: %s", zFile,
                b.rc ? kq_errstr(b.rc) : "read error");
        ex = KQ_EXIT_INDEX;
    }
    kq_buf_free(&b);
    fclose(f);
    k->o.azStop = (const char *const *)k->azStop;
    k->o.nStop = k->nStop;
    k->o.pAnalyzer = pA;
    return ex;
}

static json_t *
summary_json(colloc *k, const char *zQuery)
{
    const kq_collocates *r = k->pRes;
    json_t *o = json_object();
    json_object_set_new(o, "query", json_text(zQuery, strlen(zQuery)));
    char *z = kq_query_describe(k->pQ);
    json_object_set_new(o, "parsed",
                        z ? json_text(z, strlen(z)) : json_null());
    free(z);
    json_object_set_new(o, "documents", json_integer((json_int_t)r->nDoc));
    json_object_set_new(o, "matches", json_integer((json_int_t)r->nMatch));
    json_object_set_new(o, "corpus_tokens",
                        json_integer((json_int_t)r->nCorpus));
    json_object_set_new(o, "window",
                        json_pack("[ii]", (int)k->o.nLeft, (int)k->o.nRight));
    json_object_set_new(o, "by", json_string(k->o.bStem ? "stem" : "word"));
    json_object_set_new(o, "measure", json_string(azMeasure[k->o.eMeasure]));
    json_object_set_new(o, "min_freq",
                        json_integer((json_int_t)k->o.nMinFreq));
    json_object_set_new(o, "collocates", json_integer((json_int_t)r->nRow));
    json_object_set_new(o, "index",
                        json_text(k->src.zDir, strlen(k->src.zDir)));
    json_object_set_new(o, "version", json_string(KQ_VERSION));
    return o;
}

static const char *const azCol[] = {
    "collocate", "observed", "freq", "node_freq", "expected",
    "logdice",   "mi",       "t",    "ll",
};

static void
print_text(colloc *k, size_t n)
{
    const kq_colloc_row *a = k->pRes->aRow;
    size_t w = strlen(azCol[0]);
    for (size_t i = 0; i < n; i++) {
        char *z = kq_escape(a[i].zKey, a[i].nKey, KQ_ESC_TEXT);
        size_t wz = z ? kq_text_width(z, strlen(z)) : 0;
        w = wz > w ? wz : w;
        free(z);
    }
    printf("%-*s %9s %9s %9s %10s %8s %8s %8s %10s\n", (int)w, azCol[0], "O",
           "f(c)", "f(n)", "E", "logDice", "MI", "t", "G2");
    for (size_t i = 0; i < n; i++) {
        char *z = kq_escape(a[i].zKey, a[i].nKey, KQ_ESC_TEXT);
        size_t wz = z ? kq_text_width(z, strlen(z)) : 0;
        printf("%s", z ? z : "");
        put_spaces(stdout, w - wz);
        printf(" %9llu %9llu %9llu %10.3f %8.3f %8.3f %8.3f %10.3f\n",
               (unsigned long long)a[i].nObs, (unsigned long long)a[i].nFreq,
               (unsigned long long)k->pRes->nMatch, a[i].rExpected,
               a[i].rLogDice, a[i].rMI, a[i].rT, a[i].rLL);
        free(z);
    }
}

static void
print_table(colloc *k, int eFmt, size_t n, const char *zQuery)
{
    const kq_colloc_row *a = k->pRes->aRow;
    table t;
    table_begin(&t, stdout, eFmt, 9, azCol, JSONL_COLLOCATE);
    for (size_t i = 0; i < n; i++) {
        table_strn(&t, a[i].zKey, a[i].nKey);
        table_int(&t, (long long)a[i].nObs);
        table_int(&t, (long long)a[i].nFreq);
        table_int(&t, (long long)k->pRes->nMatch);
        table_real(&t, a[i].rExpected);
        table_real(&t, a[i].rLogDice);
        table_real(&t, a[i].rMI);
        table_real(&t, a[i].rT);
        table_real(&t, a[i].rLL);
        table_row_end(&t);
    }
    table_end(&t,
              eFmt == FMT_JSON || eFmt == FMT_JSONL ? summary_json(k, zQuery)
                                                    : NULL,
              "collocates");
}

/* The options of c, checked, into k->o; 0 or the exit code. */
static int
read_opts(colloc *k)
{
    cli *c = k->c;
    kq_colloc_opts o = KQ_COLLOC_OPTS_INIT;
    if (c->bWindow) {
        o.nLeft = (uint32_t)c->nWinL;
        o.nRight = (uint32_t)c->nWinR;
    }
    if (o.nLeft + o.nRight == 0) {
        fprintf(stderr, "kq collocates: --window 0,0 holds no word\n");
        return KQ_EXIT_USAGE;
    }
    if (c->zBy && strcmp(c->zBy, "word") && strcmp(c->zBy, "stem")) {
        msg_put("kq collocates: --by takes word or stem, not \"%s\"", c->zBy);
        return KQ_EXIT_USAGE;
    }
    o.bStem = c->zBy && strcmp(c->zBy, "stem") == 0;
    if (c->zMeasure) {
        for (o.eMeasure = 0; o.eMeasure < KQ_MEASURE_N; o.eMeasure++) {
            if (strcmp(c->zMeasure, azMeasure[o.eMeasure]) == 0) {
                break;
            }
        }
        if (o.eMeasure == KQ_MEASURE_N) {
            msg_put("kq collocates: --measure takes logdice, mi, t or ll, "
                    "not \"%s\"",
                    c->zMeasure);
            return KQ_EXIT_USAGE;
        }
    }
    if (c->bMinFreq) {
        o.nMinFreq = c->nMinFreq;
    }
    if (!c->bTop) {
        c->nTop = 20;
    }
    if (c->nArg == 0) {
        fprintf(stderr,
                "kq collocates: no query given (kq help collocates)\n");
        return KQ_EXIT_USAGE;
    }
    k->o = o;
    return 0;
}

/* Count, score and print. */
static int
run_colloc(colloc *k, int eFmt, const char *zQuery)
{
    int rc = kq_index_collocates(k->src.pIdx, k->pQ, &k->o, &k->pRes,
                                 &k->zErr);
    if (rc) {
        return report_error(k->c, rc, k->zErr);
    }
    size_t n = k->pRes->nRow;
    size_t nShow = k->c->nTop && k->c->nTop < n ? k->c->nTop : n;
    if (k->pRes->nMatch == 0) {
        msg_put("kq collocates: the query has no matches (%llu documents "
                "match its conditions only)",
                (unsigned long long)k->pRes->nDoc);
    }
    if (eFmt == FMT_TEXT) {
        print_text(k, nShow);
    } else {
        print_table(k, eFmt, nShow, zQuery);
    }
    return k->pRes->nMatch > 0 ? KQ_EXIT_OK : KQ_EXIT_NOHITS;
}

int
cmd_collocates(cli *c)
{
    int eFmt = cli_format(c, FMT_TEXT,
                          FMTBIT(FMT_TEXT) | FMTBIT(FMT_TSV) |
                              FMTBIT(FMT_CSV) | FMTBIT(FMT_JSON) |
                              FMTBIT(FMT_JSONL));
    if (eFmt < 0) {
        return KQ_EXIT_USAGE;
    }
    colloc k;
    memset(&k, 0, sizeof(k));
    k.c = c;
    int ex = read_opts(&k);
    char *zQuery = ex == 0 ? cli_join_args(c, 0, c->nArg) : NULL;
    if (ex == 0) {
        ex = zQuery ? source_open(&k.src, c) : KQ_EXIT_INDEX;
    }
    kq_analyzer *pA = ex == 0 ? source_analyzer(&k.src) : NULL;
    if (ex == 0) {
        ex = parse_query(c, pA, zQuery, &k.pQ);
    }
    if (ex == 0 && c->zStop) {
        ex = read_stop(&k, pA);
    }
    if (ex == 0) {
        ex = run_colloc(&k, eFmt, zQuery);
    }
    for (size_t i = 0; i < k.nStop; i++) {
        free(k.azStop[i]);
    }
    free(k.azStop);
    kq_collocates_free(k.pRes);
    free(k.zErr);
    free(zQuery);
    kq_query_free(k.pQ);
    source_close(&k.src);
    return ex;
}
