/*
** kq.c -- the kq command: ranked boolean search of a kq index.
**
**   kq [options] QUERY...        search (see usage() and README.md)
**   kq index ARGS...             the same as kq-index ARGS...
*/
#include "../common/kq_int.h"
#include "../common/xapian_capi.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KQ_VERSION "0.1"

/* Exit codes, grep-like. */
enum { EX_HITS = 0, EX_NOHITS = 1, EX_USAGE = 2, EX_INDEX = 3,
       EX_DAMAGED = 4 };

static void
usage(FILE *f)
{
    fprintf(f,
"usage: kq [options] QUERY...\n"
"       kq index [kq-index options] PATH...\n"
"\n"
"Search the index and print the best matching documents, best first.\n"
"\n"
"Query language (several QUERY arguments are joined with spaces):\n"
"  word             documents containing the word (after case and accent\n"
"                   folding and stemming: 'Ceasefires' finds 'ceasefire')\n"
"  a b, a AND b     both (bare words are ANDed)\n"
"  a OR b           either\n"
"  NOT a, -a        documents without a;  a NOT b = a AND NOT b\n"
"  +a               a is required (the same as a)\n"
"  \"a b c\"          the words next to each other, in this order\n"
"  pre*             any word starting with pre (not stemmed)\n"
"  ( ... )          grouping.  Precedence: NOT, then AND, then OR.\n"
"  Operators are upper case; punctuation inside words (peace-keepers,\n"
"  U.S.) is read like document text, as a phrase of the parts.\n"
"\n"
"Options:\n"
"  -d, --index DIR  index directory (default: $KQ_INDEX, else ./" KQ_DEFAULT_INDEX ");\n"
"                   repeat it for Xapian shards\n"
"  -n N             show N results (default 10)\n"
"  --offset N       skip the first N results\n"
"  --json           JSON Lines: one object per hit (rank, id, title, date,\n"
"                   score, snippet), then {\"summary\":true, \"total\":...}\n"
"  -c, --count      print only the exact number of matching documents\n"
"  --no-snippets    no snippets (faster; JSON \"snippet\" is null)\n"
"  --color=WHEN     highlight: auto (on a terminal), always, never\n"
"  --parse          print the parsed query and exit\n"
"  --check          verify the whole index (checksums, structure)\n"
"  -h, --help       this help;  --version  the version\n"
"\n"
"Index: kq's own, or a Xapian database (kq-index --backend=xapian); several\n"
"-d DIR or -d tcp://HOST:PORT (xapian-tcpsrv shards) are searched as one.\n"
"A query that starts with - goes after --:  kq -- '-oil gas'\n"
"\n"
"Ranking: BM25 (k1=1.2, b=0.75, Xapian's idf); ties by index order.\n"
"Exit status: 0 hits; 1 no hits; 2 usage or syntax error; 3 index missing\n"
"or unreadable; 4 index damaged.\n");
}

static int
exit_for(int rc)
{
    switch (rc) {
    case KQ_CORRUPT: return EX_DAMAGED;
    case KQ_SYNTAX: case KQ_MISUSE: return EX_USAGE;
    default: return EX_INDEX;
    }
}

/* Run kq-index from the directory of this executable, else from $PATH. */
static int
run_indexer(int argc, char **argv)
{
    char zSelf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", zSelf, sizeof(zSelf) - 1);
    argv[0] = "kq-index";
    if (n > 0) {
        zSelf[n] = 0;
        char *zSlash = strrchr(zSelf, '/');
        if (zSlash && (size_t)(zSlash - zSelf) + 10 < sizeof(zSelf)) {
            strcpy(zSlash + 1, "kq-index");
            execv(zSelf, argv);
        }
    }
    execvp("kq-index", argv);
    fprintf(stderr, "kq: cannot run kq-index: %s\n", strerror(errno));
    KQ_UNUSED(argc);
    return EX_USAGE;
}

static int
parse_count(const char *z, const char *zOpt, size_t *pOut)
{
    char *zEnd;
    errno = 0;
    unsigned long long v = strtoull(z, &zEnd, 10);
    if (errno || zEnd == z || *zEnd || z[0] == '-' || v > 100000000ull) {
        fprintf(stderr, "kq: %s needs a number from 0 to 100000000, not "
                "\"%s\"\n", zOpt, z);
        return 1;
    }
    *pOut = (size_t)v;
    return 0;
}

/**************************************************************************
** The index searched: kq's own, or one or more Xapian databases (a kq
** Xapian database, several -d, or tcp://HOST:PORT shards).
*/
typedef struct source {
    kq_index *pIdx;
    kqi_xindex *pX;
} source;

static int
is_xapian(char **azDir, int nDir)
{
    if (nDir > 1 || strncmp(azDir[0], "tcp://", 6) == 0) {
        return 1;
    }
    return kqi_dir_kind(azDir[0]) == KQI_DIR_XAPIAN;
}

static int
source_open(source *s, char **azDir, int nDir, char **pzErr)
{
    memset(s, 0, sizeof(*s));
    if (is_xapian(azDir, nDir)) {
        return kqi_xindex_open((const char *const *)azDir, nDir, &s->pX,
                               pzErr);
    }
    return kq_index_open(azDir[0], &s->pIdx, pzErr);
}

static void
source_close(source *s)
{
    kq_index_close(s->pIdx);
    kqi_xindex_close(s->pX);
}

static kq_analyzer *
source_analyzer(source *s)
{
    return s->pX ? kqi_xindex_analyzer(s->pX) : kq_index_analyzer(s->pIdx);
}

static int
source_search(source *s, const kq_query *q, size_t nOffset, size_t nLimit,
              kq_hit **paHit, size_t *pnHit, uint64_t *pnTotal, char **pzErr)
{
    if (s->pX) {
        return kqi_xsearch(s->pX, q, nOffset, nLimit, paHit, pnHit, pnTotal,
                           pzErr);
    }
    return kq_search(s->pIdx, q, nOffset, nLimit, paHit, pnHit, pnTotal,
                     pzErr);
}

/* A hit's id, title and date (clean UTF-8) and body, all malloc()ed. */
typedef struct hitdoc {
    char *zId, *zTitle, *zDate;
    char *zText;
    size_t nText;
} hitdoc;

static void
hitdoc_clear(hitdoc *d)
{
    free(d->zId);
    free(d->zTitle);
    free(d->zDate);
    free(d->zText);
    memset(d, 0, sizeof(*d));
}

static int
source_doc(source *s, kq_docid iDoc, int bText, hitdoc *d, char **pzErr)
{
    memset(d, 0, sizeof(*d));
    int rc;
    if (s->pX) {
        static const int aSlot[3] = {KQX_VALUE_ID, KQX_VALUE_TITLE,
                                     KQX_VALUE_DATE};
        char **az[3] = {&d->zId, &d->zTitle, &d->zDate};
        rc = KQ_OK;
        for (int i = 0; rc == KQ_OK && i < 3; i++) {
            char *z = NULL;
            size_t n = 0;
            rc = kqi_xdoc(s->pX, iDoc, aSlot[i], &z, &n, pzErr);
            if (rc == KQ_OK) {
                *az[i] = kqi_utf8_clean(z, n, i > 0);
            }
            free(z);
        }
        if (rc == KQ_OK && bText) {
            rc = kqi_xdoc(s->pX, iDoc, -1, &d->zText, &d->nText, pzErr);
        }
    } else {
        kq_docinfo info;
        rc = kq_index_doc(s->pIdx, iDoc, &info, pzErr);
        if (rc == KQ_OK) {
            d->zId = kqi_utf8_clean(info.zId, info.nId, 0);
            d->zTitle = kqi_utf8_clean(info.zTitle, info.nTitle, 1);
            d->zDate = kqi_utf8_clean(info.zDate, info.nDate, 1);
            if (bText) {
                rc = kq_index_text(s->pIdx, iDoc, &d->zText, &d->nText,
                                   pzErr);
            }
        }
    }
    if (rc == KQ_OK && (!d->zId || !d->zTitle || !d->zDate)) {
        rc = KQ_NOMEM;
    }
    if (rc) {
        hitdoc_clear(d);
    }
    return rc;
}

/* Print a snippet with its highlights (ANSI bold) or plain. */
static void
print_snippet(const kq_snippet *s, int bColor)
{
    size_t i = 0;
    for (size_t h = 0; h < s->nHl; h++) {
        size_t a = s->aHl[2 * h], b = s->aHl[2 * h + 1];
        fwrite(s->zText + i, 1, a - i, stdout);
        if (bColor) {
            fputs("\x1b[1;31m", stdout);
        }
        fwrite(s->zText + a, 1, b - a, stdout);
        if (bColor) {
            fputs("\x1b[0m", stdout);
        }
        i = b;
    }
    fwrite(s->zText + i, 1, s->nText - i, stdout);
}

int
main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "index") == 0) {
        return run_indexer(argc - 1, argv + 1);
    }
    static const struct option aOpt[] = {
        {"index", required_argument, NULL, 'd'},
        {"offset", required_argument, NULL, 'O'},
        {"json", no_argument, NULL, 'J'},
        {"count", no_argument, NULL, 'c'},
        {"color", required_argument, NULL, 'C'},
        {"colour", required_argument, NULL, 'C'},
        {"parse", no_argument, NULL, 'P'},
        {"check", no_argument, NULL, 'K'},
        {"no-snippets", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *zDir = getenv("KQ_INDEX");
    if (zDir == NULL || zDir[0] == 0) {
        zDir = KQ_DEFAULT_INDEX;
    }
    /* Several -d: Xapian databases (or shards) searched as one. */
    enum { MAX_DIR = 256 };
    static char *azDir[MAX_DIR];
    int nDir = 0;
    size_t nLimit = 10, nOffset = 0;
    int bJson = 0, bCount = 0, bParse = 0, bCheck = 0, bNoSnippet = 0;
    int bColor = isatty(STDOUT_FILENO);
    int c;
    while ((c = getopt_long(argc, argv, "d:n:chV", aOpt, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (nDir == MAX_DIR) {
                fprintf(stderr, "kq: at most %d -d options\n", MAX_DIR);
                return EX_USAGE;
            }
            azDir[nDir++] = optarg;
            break;
        case 'n':
            if (parse_count(optarg, "-n", &nLimit)) {
                return EX_USAGE;
            }
            break;
        case 'O':
            if (parse_count(optarg, "--offset", &nOffset)) {
                return EX_USAGE;
            }
            break;
        case 'J': bJson = 1; break;
        case 'c': bCount = 1; break;
        case 'C':
            if (strcmp(optarg, "always") == 0) {
                bColor = 1;
            } else if (strcmp(optarg, "never") == 0) {
                bColor = 0;
            } else if (strcmp(optarg, "auto") != 0) {
                fprintf(stderr, "kq: --color takes auto, always or never\n");
                return EX_USAGE;
            }
            break;
        case 'P': bParse = 1; break;
        case 'K': bCheck = 1; break;
        case 'N': bNoSnippet = 1; break;
        case 'h': usage(stdout); return EX_HITS;
        case 'V': printf("kq %s\n", KQ_VERSION); return EX_HITS;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (bJson) {
        bColor = 0;
    }

    /* The query: the remaining arguments joined by spaces. */
    kqi_buf qb = {0};
    for (int i = optind; i < argc; i++) {
        if (i > optind) {
            kqi_buf_putc(&qb, ' ');
        }
        kqi_buf_append(&qb, argv[i], strlen(argv[i]));
    }
    kqi_buf_putc(&qb, 0);
    if (qb.rc) {
        return EX_INDEX;
    }
    const char *zQuery = (const char *)qb.a;
    if (!bCheck && optind >= argc) {
        fprintf(stderr, "kq: no query given (kq --help shows the syntax)\n");
        kqi_buf_free(&qb);
        return EX_USAGE;
    }

    if (nDir == 0) {
        azDir[nDir++] = (char *)zDir;
    }
    zDir = azDir[0];
    char *zErr = NULL;
    source src;
    int rc = source_open(&src, azDir, nDir, &zErr);
    kq_index *pIdx = src.pIdx;
    kq_analyzer *pOwnA = NULL;
    if (rc && bParse) {
        /* --parse works without an index, with the default language. */
        free(zErr);
        zErr = NULL;
        rc = kq_analyzer_new(KQ_DEFAULT_LANG, &pOwnA);
    }
    if (rc) {
        fprintf(stderr, "kq: %s\n", zErr ? zErr : kq_errstr(rc));
        if (rc == KQ_NOTFOUND) {
            fprintf(stderr, "kq: create one with: kq-index -d %s PATH...\n",
                    zDir);
        }
        free(zErr);
        kqi_buf_free(&qb);
        return exit_for(rc);
    }
    if (bCheck && src.pX) {
        fprintf(stderr, "kq: %s is a Xapian database: check it with "
                "xapian-check\n", zDir);
        source_close(&src);
        kqi_buf_free(&qb);
        return EX_USAGE;
    }
    if (bCheck) {
        rc = kq_index_check(pIdx, &zErr);
        const kq_stats *st = kq_index_stats(pIdx);
        if (rc == KQ_OK) {
            printf("ok: %s: %llu documents, %u segment(s), generation %llu\n",
                   zDir, (unsigned long long)st->nDoc, st->nSegment,
                   (unsigned long long)st->nGeneration);
        } else {
            fprintf(stderr, "kq: %s\n", zErr ? zErr : kq_errstr(rc));
        }
        free(zErr);
        source_close(&src);
        kqi_buf_free(&qb);
        return rc == KQ_OK ? EX_HITS : exit_for(rc);
    }

    kq_analyzer *pA = pOwnA ? pOwnA : source_analyzer(&src);
    kq_query *pQ = NULL;
    int iCol = 0;
    rc = kq_query_parse(pA, zQuery, &pQ, &iCol, &zErr);
    if (rc == KQ_SYNTAX) {
        fprintf(stderr, "kq: syntax error at column %d: %s\n", iCol,
                zErr ? zErr : "");
        fprintf(stderr, "  %s\n  %*s^\n", zQuery, iCol - 1, "");
    } else if (rc) {
        fprintf(stderr, "kq: %s\n", zErr ? zErr : kq_errstr(rc));
    }
    if (rc == KQ_OK && bParse) {
        char *z = kq_query_describe(pQ);
        printf("%s\n", z ? z : "");
        free(z);
    }
    if (rc || bParse) {
        free(zErr);
        kq_query_free(pQ);
        source_close(&src);
        kq_analyzer_free(pOwnA);
        kqi_buf_free(&qb);
        return rc ? exit_for(rc) : EX_HITS;
    }

    kq_hit *aHit = NULL;
    size_t nHit = 0;
    uint64_t nTotal = 0;
    rc = source_search(&src, pQ, nOffset, bCount ? 0 : nLimit, &aHit, &nHit,
                       &nTotal, &zErr);
    if (rc) {
        fprintf(stderr, "kq: %s\n", zErr ? zErr : kq_errstr(rc));
    } else if (bCount) {
        printf("%llu\n", (unsigned long long)nTotal);
    } else {
        for (size_t i = 0; rc == KQ_OK && i < nHit; i++) {
            hitdoc d;
            kq_snippet snip;
            memset(&snip, 0, sizeof(snip));
            rc = source_doc(&src, aHit[i].iDoc, !bNoSnippet, &d, &zErr);
            if (rc == KQ_OK && !bNoSnippet) {
                rc = kq_snippet_make(pA, pQ, d.zText, d.nText, 30, &snip);
            }
            if (rc) {
                fprintf(stderr, "kq: %s\n", zErr ? zErr : kq_errstr(rc));
                hitdoc_clear(&d);
                break;
            }
            const char *zId = d.zId, *zTitle = d.zTitle, *zDate = d.zDate;
            size_t iRank = nOffset + i + 1;
            if (bJson) {
                json_t *o = json_object();
                json_object_set_new(o, "rank", json_integer((json_int_t)iRank));
                json_object_set_new(o, "id", json_string(zId ? zId : ""));
                json_object_set_new(o, "title",
                                    json_string(zTitle ? zTitle : ""));
                json_object_set_new(o, "date", (zDate && zDate[0])
                                               ? json_string(zDate)
                                               : json_null());
                json_object_set_new(o, "score", json_real(aHit[i].score));
                json_object_set_new(o, "snippet",
                                    bNoSnippet ? json_null()
                                    : json_string(snip.zText ? snip.zText : ""));
                json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                      JSON_REAL_PRECISION(8));
                putchar('\n');
                json_decref(o);
            } else {
                printf("%zu. %s%s%s\n", iRank, bColor ? "\x1b[1m" : "",
                       zTitle && zTitle[0] ? zTitle : "(no title)",
                       bColor ? "\x1b[0m" : "");
                printf("   %s%s%s  score %.4f\n", zId ? zId : "",
                       zDate && zDate[0] ? "  " : "", zDate ? zDate : "",
                       aHit[i].score);
                if (snip.nText) {
                    fputs("   ", stdout);
                    print_snippet(&snip, bColor);
                    putchar('\n');
                }
                putchar('\n');
            }
            hitdoc_clear(&d);
            kq_snippet_clear(&snip);
        }
        if (rc == KQ_OK) {
            if (bJson) {
                json_t *o = json_object();
                json_object_set_new(o, "summary", json_true());
                char *zQ = kqi_utf8_clean(zQuery, strlen(zQuery), 0);
                json_object_set_new(o, "query", json_string(zQ ? zQ : ""));
                free(zQ);
                json_object_set_new(o, "total", json_integer((json_int_t)nTotal));
                json_object_set_new(o, "offset", json_integer((json_int_t)nOffset));
                json_object_set_new(o, "returned", json_integer((json_int_t)nHit));
                json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
                putchar('\n');
                json_decref(o);
            } else if (nTotal == 0) {
                printf("-- no matching documents\n");
            } else if (nHit == 0) {
                printf("-- %llu matching documents, none after offset %zu\n",
                       (unsigned long long)nTotal, nOffset);
            } else {
                printf("-- %zu-%zu of %llu matching documents\n", nOffset + 1,
                       nOffset + nHit, (unsigned long long)nTotal);
            }
        }
    }
    free(aHit);
    free(zErr);
    kq_query_free(pQ);
    source_close(&src);
    kqi_buf_free(&qb);
    if (fflush(stdout) != 0 && rc == KQ_OK) {
        return EX_INDEX;
    }
    if (rc) {
        return exit_for(rc);
    }
    return nTotal > 0 ? EX_HITS : EX_NOHITS;
}
