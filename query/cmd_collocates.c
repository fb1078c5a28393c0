/*
** cmd_collocates.c -- kq collocates: the words around the matches of a
** query, scored by how much more often they occur there than chance
** would put them (kq(1), COLLOCATES AND KEYWORDS).
**
** For each match (kq_matcher: a word's token, a phrase's occurrence, a
** NEAR's window) the tokens at most L positions before its first token
** and R after its last (kq_index_doc_tokens(), whose positions are the
** matcher's), in the same part (title or body) as the match, are counted:
** O per collocate.  The tokens of the match are not in its window; a
** token in the windows of two matches counts twice, as in AntConc.  Then
** each collocate's corpus frequency f(c): --by stem from the index
** (kq_index_term_freq(), exact); --by word by reading every document once,
** since the index keeps no per-word counts.  N, the corpus size, is the
** number of tokens of the live documents, title and body (assoc.c), as
** kq_docinfo_tokens() gives it.
*/
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MEASURE_LOGDICE, MEASURE_MI, MEASURE_T, MEASURE_LL, MEASURE_N };
static const char *const azMeasure[MEASURE_N] = {"logdice", "mi", "t", "ll"};

/* A token of the document being read: its key is [iKey, iKey + nKey) of
** colloc.keys, nKey == SIZE_MAX for none (no stem). */
typedef struct ctok {
    uint32_t iPos;
    int bTitle;
    size_t iKey, nKey;
} ctok;

typedef struct colloc {
    cli *c;
    source src;
    kq_analyzer *pA;
    kq_query *pQ;
    kq_matcher *pM;
    int bStem, eMeasure;
    uint32_t nL, nR;
    kq_docid *aDoc; /* the matching documents */
    size_t nDoc, nDocAlloc;
    ctok *aTok; /* the current document's tokens */
    size_t nTok, nTokAlloc;
    kq_buf keys;      /* ... and their keys */
    wtab t;           /* collocates: aN[0] = O, aN[1] = f(c) */
    wtab stop;        /* --stop: the keys left out */
    uint64_t nMatch;  /* f(n) */
    uint64_t nCorpus; /* N */
    wcount w;         /* --by word: the corpus walk */
    char *zErr;
} colloc;

static int
doc_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    colloc *k = pCtx;
    if (kq_grow(&k->aDoc, sizeof(kq_docid), &k->nDocAlloc, k->nDoc + 1, 64)) {
        return KQ_NOMEM;
    }
    k->aDoc[k->nDoc++] = iDoc;
    return KQ_OK;
}

static int
tok_cb(void *pCtx, const kq_doc_token *t)
{
    colloc *k = pCtx;
    if (kq_grow(&k->aTok, sizeof(ctok), &k->nTokAlloc, k->nTok + 1, 1024)) {
        return KQ_NOMEM;
    }
    ctok *p = &k->aTok[k->nTok++];
    const char *z = k->bStem ? t->zStem : t->zWord;
    p->iPos = t->iPos;
    p->bTitle = t->bTitle;
    p->iKey = k->keys.n;
    p->nKey = z ? (k->bStem ? t->nStem : t->nWord) : SIZE_MAX;
    if (z) {
        kq_buf_append(&k->keys, z, p->nKey);
    }
    return k->keys.rc;
}

static int
count_tok(colloc *k, const ctok *p)
{
    if (p->nKey == SIZE_MAX) {
        return KQ_OK;
    }
    wentry *e;
    int rc = wtab_add(&k->t, (const char *)k->keys.a + p->iKey, p->nKey, &e);
    if (rc == KQ_OK) {
        e->aN[0]++;
    }
    return rc;
}

/* The first token at position iPos or after. */
static size_t
tok_lower(const colloc *k, uint64_t iPos)
{
    size_t lo = 0, hi = k->nTok;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->aTok[mid].iPos < iPos) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Count the windows of the matches of one document. */
static int
doc_windows(colloc *k, kq_docid iDoc)
{
    int bMatch = 0;
    const kq_match *aM = NULL;
    size_t nM = 0;
    int rc = kq_matcher_doc(k->pM, iDoc, &bMatch, &aM, &nM, &k->zErr);
    if (rc || nM == 0) {
        return rc;
    }
    k->nTok = 0;
    k->keys.n = 0;
    rc = kq_index_doc_tokens(k->src.pIdx, iDoc,
                             k->bStem ? 0 : KQ_DOC_TOKENS_NOSTEM, k, tok_cb,
                             &k->zErr);
    for (size_t i = 0; rc == KQ_OK && i < nM; i++) {
        const kq_match *m = &aM[i];
        size_t a = tok_lower(k, m->iFirst);
        size_t b = tok_lower(k, (uint64_t)m->iLast + 1);
        k->nMatch++;
        if (a >= k->nTok) {
            continue; /* (no such token: nothing around it) */
        }
        int bTitle = k->aTok[a].bTitle;
        for (size_t j = a; rc == KQ_OK && j-- > 0;) {
            const ctok *p = &k->aTok[j];
            if (p->bTitle != bTitle || p->iPos + (uint64_t)k->nL < m->iFirst) {
                break;
            }
            rc = count_tok(k, p);
        }
        for (size_t j = b; rc == KQ_OK && j < k->nTok; j++) {
            const ctok *p = &k->aTok[j];
            if (p->bTitle != bTitle || p->iPos > (uint64_t)m->iLast + k->nR) {
                break;
            }
            rc = count_tok(k, p);
        }
    }
    return rc;
}

static int
count_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
         size_t iStart, size_t iEnd)
{
    ++*(uint32_t *)pCtx;
    return 0;
}

/* --stop FILE: one word a line, folded (and stemmed with --by stem) as
** the index's words are; blank lines are skipped. */
static int
read_stop(colloc *k)
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
        char zFold[KQ_MAX_WORD + 1];
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
        uint32_t nTok = 0;
        kq_analyze(k->pA, KQ_ANALYZE_NOSTEM, z, n, 0, NULL, &nTok, count_cb);
        size_t nFold = kq_fold_word(k->pA, z, n, zFold, sizeof(zFold));
        if (nFold == 0 || nTok != 1) {
            msg_put("kq collocates: %s:%ld: not one word (of at most %d bytes "
                    "once folded)",
                    zFile, iLine, KQ_MAX_WORD);
            ex = KQ_EXIT_USAGE;
            break;
        }
        const char *zKey = zFold;
        size_t nKey = nFold;
        if (k->bStem && kq_stem(k->pA, zFold, nFold, &zKey, &nKey)) {
            continue; /* (not indexed: no collocate has it) */
        }
        wentry *e;
        if (wtab_add(&k->stop, zKey, nKey, &e)) {
            msg_put("kq collocates: %s: %s", zFile, kq_errstr(KQ_NOMEM));
            ex = KQ_EXIT_INDEX;
        }
    }
    if (ex == 0 && (b.rc || ferror(f))) {
        msg_put("kq collocates: %s: %s", zFile,
                b.rc ? kq_errstr(b.rc) : "read error");
        ex = KQ_EXIT_INDEX;
    }
    kq_buf_free(&b);
    fclose(f);
    return ex;
}

static int
corpus_doc_cb(void *pCtx, kq_docid iDoc)
{
    colloc *k = pCtx;
    if (k->bStem) {
        return doc_ntoken(k->src.pIdx, iDoc, &k->nCorpus, &k->zErr);
    }
    return wcount_doc(&k->w, k->src.pIdx, iDoc, &k->zErr);
}

/* N, and f(c) of the collocates in ap[0..n). */
static int
corpus_freqs(colloc *k, wentry **ap, size_t n)
{
    memset(&k->w, 0, sizeof(k->w));
    k->w.t = &k->t;
    k->w.iCol = 1;
    int rc = kq_index_each_doc(k->src.pIdx, k, corpus_doc_cb, NULL, &k->zErr);
    if (!k->bStem) {
        k->nCorpus = k->w.nToken;
    }
    for (size_t i = 0; rc == KQ_OK && k->bStem && i < n; i++) {
        uint64_t nDoc;
        rc = kq_index_term_freq(k->src.pIdx, wtab_key(&k->t, ap[i]),
                                ap[i]->nKey, &nDoc, &ap[i]->aN[1], &k->zErr);
    }
    return rc;
}

typedef struct cscore {
    double e, logdice, mi, t, ll;
} cscore;

static cscore
score(const colloc *k, const wentry *p)
{
    double o = (double)p->aN[0], fc = (double)p->aN[1];
    double fn = (double)k->nMatch, n = (double)k->nCorpus;
    double r1 = fn * (k->nL + k->nR);
    cscore s;
    s.e = n > 0 ? fn * fc * (k->nL + k->nR) / n : NAN;
    s.logdice = assoc_logdice(o, fn, fc);
    s.mi = assoc_mi(o, s.e);
    s.t = assoc_t(o, s.e);
    s.ll = assoc_g2(o, r1 - o, fc - o, n - r1 - fc + o);
    return s;
}

static json_t *
summary_json(colloc *k, const char *zQuery, size_t nRow)
{
    json_t *o = json_object();
    json_object_set_new(o, "query", json_text(zQuery, strlen(zQuery)));
    char *z = kq_query_describe(k->pQ);
    json_object_set_new(o, "parsed",
                        z ? json_text(z, strlen(z)) : json_null());
    free(z);
    json_object_set_new(o, "documents", json_integer((json_int_t)k->nDoc));
    json_object_set_new(o, "matches", json_integer((json_int_t)k->nMatch));
    json_object_set_new(o, "corpus_tokens",
                        json_integer((json_int_t)k->nCorpus));
    json_object_set_new(o, "window",
                        json_pack("[ii]", (int)k->nL, (int)k->nR));
    json_object_set_new(o, "by", json_string(k->bStem ? "stem" : "word"));
    json_object_set_new(o, "measure", json_string(azMeasure[k->eMeasure]));
    json_object_set_new(o, "min_freq",
                        json_integer((json_int_t)k->c->nMinFreq));
    json_object_set_new(o, "collocates", json_integer((json_int_t)nRow));
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
print_text(colloc *k, wentry **ap, size_t n)
{
    size_t w = strlen(azCol[0]);
    for (size_t i = 0; i < n; i++) {
        char *z = kq_escape(wtab_key(&k->t, ap[i]), ap[i]->nKey, KQ_ESC_TEXT);
        size_t wz = z ? text_width(z, strlen(z)) : 0;
        w = wz > w ? wz : w;
        free(z);
    }
    printf("%-*s %9s %9s %9s %10s %8s %8s %8s %10s\n", (int)w, azCol[0], "O",
           "f(c)", "f(n)", "E", "logDice", "MI", "t", "G2");
    for (size_t i = 0; i < n; i++) {
        char *z = kq_escape(wtab_key(&k->t, ap[i]), ap[i]->nKey, KQ_ESC_TEXT);
        size_t wz = z ? text_width(z, strlen(z)) : 0;
        cscore s = score(k, ap[i]);
        printf("%s", z ? z : "");
        put_spaces(stdout, w - wz);
        printf(" %9llu %9llu %9llu %10.3f %8.3f %8.3f %8.3f %10.3f\n",
               (unsigned long long)ap[i]->aN[0],
               (unsigned long long)ap[i]->aN[1], (unsigned long long)k->nMatch,
               s.e, s.logdice, s.mi, s.t, s.ll);
        free(z);
    }
}

static void
print_table(colloc *k, int eFmt, wentry **ap, size_t n, size_t nAll,
            const char *zQuery)
{
    table t;
    table_begin(&t, stdout, eFmt, 9, azCol, JSONL_COLLOCATE);
    for (size_t i = 0; i < n; i++) {
        cscore s = score(k, ap[i]);
        table_strn(&t, wtab_key(&k->t, ap[i]), ap[i]->nKey);
        table_int(&t, (long long)ap[i]->aN[0]);
        table_int(&t, (long long)ap[i]->aN[1]);
        table_int(&t, (long long)k->nMatch);
        table_real(&t, s.e);
        table_real(&t, s.logdice);
        table_real(&t, s.mi);
        table_real(&t, s.t);
        table_real(&t, s.ll);
        table_row_end(&t);
    }
    table_end(&t,
              eFmt == FMT_JSON || eFmt == FMT_JSONL
                  ? summary_json(k, zQuery, nAll)
                  : NULL,
              "collocates");
}

/* The options of c, checked; 0 or the exit code. */
static int
read_opts(colloc *k)
{
    cli *c = k->c;
    k->nL = c->bWindow ? (uint32_t)c->nWinL : 5;
    k->nR = c->bWindow ? (uint32_t)c->nWinR : 5;
    if (k->nL + k->nR == 0) {
        fprintf(stderr, "kq collocates: --window 0,0 holds no word\n");
        return KQ_EXIT_USAGE;
    }
    if (c->zBy && strcmp(c->zBy, "word") && strcmp(c->zBy, "stem")) {
        msg_put("kq collocates: --by takes word or stem, not \"%s\"", c->zBy);
        return KQ_EXIT_USAGE;
    }
    k->bStem = c->zBy && strcmp(c->zBy, "stem") == 0;
    k->eMeasure = MEASURE_LOGDICE;
    if (c->zMeasure) {
        for (k->eMeasure = 0; k->eMeasure < MEASURE_N; k->eMeasure++) {
            if (strcmp(c->zMeasure, azMeasure[k->eMeasure]) == 0) {
                break;
            }
        }
        if (k->eMeasure == MEASURE_N) {
            msg_put("kq collocates: --measure takes logdice, mi, t or ll, "
                    "not \"%s\"",
                    c->zMeasure);
            return KQ_EXIT_USAGE;
        }
    }
    if (!c->bMinFreq) {
        c->nMinFreq = 3;
    }
    if (!c->bTop) {
        c->nTop = 20;
    }
    if (c->nArg == 0) {
        fprintf(stderr,
                "kq collocates: no query given (kq help collocates)\n");
        return KQ_EXIT_USAGE;
    }
    return 0;
}

/* Count, score and print. */
static int
run_colloc(colloc *k, int eFmt, const char *zQuery)
{
    int rc = kq_search_each(k->src.pIdx, k->pQ, k, doc_cb, &k->zErr);
    if (rc == KQ_OK) {
        rc = kq_matcher_new(k->src.pIdx, k->pQ, &k->pM, &k->zErr);
    }
    for (size_t i = 0; rc == KQ_OK && i < k->nDoc; i++) {
        rc = doc_windows(k, k->aDoc[i]);
    }
    wentry **ap = NULL;
    size_t n = 0;
    if (rc == KQ_OK && k->t.nEntry &&
        (ap = malloc(k->t.nEntry * sizeof(wentry *))) == NULL) {
        rc = KQ_NOMEM;
    }
    for (size_t i = 0; rc == KQ_OK && i < k->t.nEntry; i++) {
        wentry *e = &k->t.aEntry[i];
        if (e->aN[0] >= k->c->nMinFreq &&
            wtab_find(&k->stop, wtab_key(&k->t, e), e->nKey) == NULL) {
            ap[n++] = e;
        }
    }
    if (rc == KQ_OK) {
        rc = corpus_freqs(k, ap, n);
    }
    if (rc) {
        free(ap);
        return report_error(k->c, rc, k->zErr);
    }
    for (size_t i = 0; i < n; i++) {
        cscore s = score(k, ap[i]);
        const double ar[MEASURE_N] = {s.logdice, s.mi, s.t, s.ll};
        ap[i]->rSort = assoc_sort_key(ar[k->eMeasure]);
    }
    wtab_sort(&k->t, ap, n);
    size_t nShow = k->c->nTop && k->c->nTop < n ? k->c->nTop : n;
    if (k->nMatch == 0) {
        msg_put("kq collocates: the query has no matches (%zu documents "
                "match its conditions only)",
                k->nDoc);
    }
    if (eFmt == FMT_TEXT) {
        print_text(k, ap, nShow);
    } else {
        print_table(k, eFmt, ap, nShow, n, zQuery);
    }
    free(ap);
    return k->nMatch > 0 ? KQ_EXIT_OK : KQ_EXIT_NOHITS;
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
    if (ex == 0) {
        k.pA = source_analyzer(&k.src);
        ex = parse_query(c, k.pA, zQuery, &k.pQ);
    }
    if (ex == 0 && c->zStop) {
        ex = read_stop(&k);
    }
    if (ex == 0) {
        ex = run_colloc(&k, eFmt, zQuery);
    }
    free(k.aDoc);
    free(k.aTok);
    kq_buf_free(&k.keys);
    wtab_free(&k.t);
    wtab_free(&k.stop);
    free(k.zErr);
    free(zQuery);
    kq_matcher_free(k.pM);
    kq_query_free(k.pQ);
    source_close(&k.src);
    return ex;
}
