/*
** main.c -- the kq-index command: read a corpus, add it to an index.
**
** It knows no format details: corpus.c turns files into documents, the
** kq_writer API (common/writer.c) turns documents into a committed segment.
*/
#include "kq.h"
#include "corpus.h"
#include "inputopts.h"
#include "progress.h"
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

/* Command-line limits (kq-index(1), LIMITS): -j defaults to the number of
** CPUs, at most this many (KQ_MAX_THREADS when given); --wait at most a
** day. */
#define DEFAULT_MAX_THREADS 8
#define MAX_WAIT_SECONDS 86400

/* Exit codes: enum kq_exit (kq.h; kq-index(1), EXIT STATUS). */

static void
usage(FILE *f)
{
    /* clang-format off */
    fprintf(f,
"usage: kq-index [add] [-d DIR] [--backend native|xapian] [--lang LANG]\n"
"                [--shards N | --shard K/N]\n"
"                [--memory SIZE] [-j N] [--wait SECONDS] [--delete-missing]\n"
"                [--commit-every SIZE] [--no-merge] [--max-segment SIZE]\n"
"                [--merge-budget SIZE] [-q]\n"
"                [--input-format jsonl|text|trec|warc|mbox] [--map FIELD=KEY]\n"
"                [--field NAME] [--lang-field KEY] [--max-doc-size SIZE]\n"
"                [--progress=bar|plain|none] PATH...\n"
"       kq-index rm [-d DIR] [ID... | -]\n"
"       kq-index merge [-d DIR] [--memory SIZE] [--max-segment SIZE]\n"
"                      [--progress=MODE]\n"
"       kq-index compact [-d DIR] [--memory SIZE] [--progress=MODE]\n"
"\n"
"add (the default): add the documents under each PATH to the index in DIR\n"
"(created if some PATH can be read).  A document whose id is already\n"
"indexed replaces the old version; if its title, date, source and body are\n"
"unchanged it is skipped, so indexing a grown corpus again costs only what\n"
"is new.\n"
"rm: delete the documents with these ids (one per line on stdin with - or\n"
"no ID).  merge: the merges the policy wants now (after adds with\n"
"--no-merge).  compact: merge all segments into one, without deleted\n"
"documents.\n"
"\n"
"  -d, --index DIR   index directory (default: $KQ_INDEX, else ./" KQ_DEFAULT_INDEX ")\n"
"  --backend B       native (default): kq's own index; xapian: a Xapian\n"
"                    database, from the same analysis (kq searches both)\n"
"  --shards N        with --backend=xapian: spread the documents over N\n"
"                    databases DIR/shard000... (by a hash of the id), with\n"
"                    a stub DIR/XAPIANDB so DIR opens as one database;\n"
"                    -j M writes them on M threads\n"
"  --shard K/N       with --backend=xapian: write only the documents whose\n"
"                    ids go to shard K (0..N-1) of N, the share of one of N\n"
"                    machines indexing the same input; equal to DIR/shardK\n"
"                    of --shards N\n"
"  --lang LANG       Snowball stemming language of a new index (default\n"
"                    english; 'none' for no stemming; --lang list shows all)\n"
"  --memory SIZE     in-memory inversion budget, e.g. 64M, 2G (default 256M);\n"
"                    beyond it, sorted runs are written and merged at the end\n"
"  -j, --threads N   invert on N threads (default: the number of CPUs, at\n"
"                    most 8); the index is the same for any N\n"
"  --wait SECONDS    if another kq-index is writing the index, wait this\n"
"                    long for it to finish (default 10; 0: do not wait)\n"
"  --delete-missing  then delete every indexed document that is not in the\n"
"                    inputs of this run (the index mirrors PATH...); not\n"
"                    done if any input could not be read\n"
"  --commit-every SIZE  commit after each SIZE of input text (default\n"
"                    64M), so an interrupted run loses at most that much\n"
"                    and a new run skips what was committed\n"
"  --no-merge        do not merge segments after a commit (kq-index merge\n"
"                    does later; kq-index(1) says how segments merge)\n"
"  --max-segment SIZE\n"
"                    merges make no segment larger than SIZE (default 4G)\n"
"  --merge-budget SIZE\n"
"                    the merges after a commit read at most SIZE bytes\n"
"                    (default: 8 times what it added, at least 64M)\n"
"  -q, --quiet       no summary line\n"
"  --input-format F  read every PATH (and every file in a directory) as F:\n"
"                    jsonl, text, trec, warc or mbox; - (stdin) is jsonl\n"
"                    unless this says otherwise\n"
"  --map FIELD=KEY   JSON Lines: take FIELD (id, title, date, source, body\n"
"                    or an extra field) from KEY; a dotted KEY (meta.date)\n"
"                    names a member of a nested object; repeatable\n"
"  --field NAME      JSON Lines: the value of key NAME (or its --map KEY)\n"
"                    becomes the extra field NAME, searchable as NAME:word;\n"
"                    NAME is [a-z][a-z0-9_]*, not a built-in field; repeatable\n"
"  --lang-field KEY  JSON Lines: KEY holds the document's Snowball language\n"
"                    (en, french, ...); unknown ones are warned about\n"
"  --detect-lang     a document without a language (--lang-field) is\n"
"                    stemmed in the one its text is written in, found by\n"
"                    script and stop words (else the index's language)\n"
"  --max-doc-size SIZE  skip (and report) a document larger than SIZE of\n"
"                    input (a file, JSON line, <DOC>, record, message)\n"
"                    (default 64M, at most 1G)\n"
"  --progress=MODE   bar (default on a terminal): one line with documents,\n"
"                    MB, MB/s, percent and ETA; plain: a line every 2 s,\n"
"                    'progress docs=N bytes=N elapsed=S rate_mb_s=X\n"
"                    percent=P eta_s=E'; none (default otherwise)\n"
"  -h, --help        this help;  --version  the version\n"
"\n"
"Inputs: directories (walked recursively, in name order), - (stdin),\n"
"*.txt (one document: first line = title, the rest = body, id = the path),\n"
"*.jsonl / *.json (JSON Lines: {\"id\",\"title\",\"date\",\"source\",\"body\"};\n"
"dates not in ISO form are converted when they can be, else dropped with a\n"
"warning), *.trec / *.sgml (TREC <DOC>s: <DOCNO>, <HEADLINE>, <DATE>,\n"
"<TEXT>), *.warc (HTML and text responses; id = the URI), *.mbox / *.mbx\n"
"(one document a message; id = Message-ID), and any of those\n"
"gzip-compressed (*.gz, or recognised by its first bytes).\n"
"\n"
"Exit status: 0 all indexed (warnings about dates or languages do not\n"
"count); 1 some input skipped (the rest is committed), or (rm) some id not\n"
"found; 2 usage error; 3 the index cannot be created, opened or written;\n"
"4 the index is damaged; 5 everything was committed, but a merge after the\n"
"commit failed (the index is intact: run kq-index compact later).\n");
    /* clang-format on */
}

/* One of the two backends' writers. */
typedef struct run {
    kq_writer *pW; /* native */
    char *zErr;
    int rc;
    size_t nCommitEvery;        /* native: commit after this much text */
    size_t nSince;              /* text added since the last commit */
    int nCommit;                /* commits done by --commit-every */
    progress prog;              /* --progress */
    const corpus_stats *pStats; /* the running counts, for it */
} run;

static int
on_doc(void *pCtx, const kq_doc *pDoc)
{
    run *r = pCtx;
    progress_update(&r->prog, r->pStats->nDoc, r->pStats->nRawByte);
    r->rc = kq_writer_add(r->pW, pDoc, &r->zErr);
    r->nSince += pDoc->nTitle + pDoc->nBody;
    if (r->rc == KQ_OK && r->nSince >= r->nCommitEvery) {
        r->rc = kq_writer_commit(r->pW, &r->zErr);
        r->nSince = 0;
        r->nCommit += r->rc == KQ_OK;
    }
    return r->rc;
}

static int exit_for(int rc);

/* After a commit: a merge that failed after it (kq_writer_merge_status:
** rc, zMsg) is reported as what it is -- everything is committed -- with
** its own exit status (4 if the merge found damage); 0 if none failed. */
static int
report_merge(int rc, const char *zMsg)
{
    if (rc == KQ_OK) {
        return KQ_EXIT_OK;
    }
    fflush(stdout);
    fprintf(stderr, "kq-index: committed; merge failed: %s; %s\n",
            zMsg ? zMsg : kq_errstr(rc),
            exit_for(rc) == KQ_EXIT_DAMAGED
                ? "the index is damaged (kq --check)"
                : "the index is intact, run `kq-index compact` later");
    return exit_for(rc) == KQ_EXIT_DAMAGED ? KQ_EXIT_DAMAGED : KQ_EXIT_MERGE;
}

/* One line of f into aLine (its '\n' dropped): 1, or 0 at the end of f or
** on a read error (ferror(f) tells).  A line longer than KQ_MAX_ID bytes
** sets *pbLong and is read to its end without being kept. */
static int
read_id_line(FILE *f, char aLine[KQ_MAX_ID + 1], size_t *pn, int *pbLong)
{
    int c = EOF, bAny = 0;
    *pn = 0;
    *pbLong = 0;
    while ((c = getc(f)) != EOF && c != '\n') {
        bAny = 1;
        if (*pn < KQ_MAX_ID + 1) {
            aLine[(*pn)++] = (char)c;
        } else {
            *pbLong = 1;
        }
    }
    return bAny || c == '\n';
}

/* kq-index rm: ids from the arguments, or stdin lines.  Returns the number
** of ids not found, or -rc if nothing was deleted; *pexMerge gets
** report_merge()'s status. */
static int
remove_ids(kq_writer *pW, char **azId, int nId, int bQuiet, int *pexMerge)
{
    int nMissing = 0;
    uint64_t nDone = 0;
    char aLine[KQ_MAX_ID + 1]; /* an id, and a '\r' after it */
    int bStdin = nId == 0 || (nId == 1 && strcmp(azId[0], "-") == 0);
    for (int i = 0;; i++) {
        const char *zId;
        size_t n;
        if (bStdin) {
            /* An id and perhaps a '\r': a longer line is no id (read on
            ** without keeping it). */
            int bLong = 0;
            size_t nLine = 0;
            if (!read_id_line(stdin, aLine, &nLine, &bLong)) {
                if (ferror(stdin)) {
                    report_msg("standard input: %s; nothing was deleted",
                               strerror(errno));
                    return -KQ_IOERR;
                }
                break;
            }
            if (bLong) {
                report_msg("line %d of standard input: longer than an id "
                           "(%d bytes): no such document",
                           i + 1, KQ_MAX_ID);
                nMissing++;
                continue;
            }
            size_t r = nLine;
            while (r > 0 && aLine[r - 1] == '\r') {
                r--;
            }
            if (r == 0) {
                continue;
            }
            zId = aLine;
            n = r;
        } else {
            if (i >= nId) {
                break;
            }
            zId = azId[i];
            n = strlen(zId);
        }
        char *zErr = NULL;
        int rc = kq_writer_delete(pW, zId, n, &zErr);
        if (rc == KQ_NOTFOUND) {
            report_msg("%.*s: no such document%s%s", (int)n, zId,
                       zErr ? " here: " : "", zErr ? zErr : "");
            nMissing++;
        } else if (rc) {
            report_msg("%s", zErr ? zErr : kq_errstr(rc));
            free(zErr);
            return -rc;
        } else {
            nDone++;
        }
        free(zErr);
    }
    char *zErr = NULL;
    int rc = kq_writer_commit(pW, &zErr);
    if (rc) {
        report_msg("%s; nothing was deleted", zErr ? zErr : kq_errstr(rc));
        free(zErr);
        return -rc;
    }
    if (!bQuiet) {
        printf("kq-index: deleted %llu document(s)\n",
               (unsigned long long)nDone);
    }
    const char *zMsg = NULL;
    int rcMerge = kq_writer_merge_status(pW, &zMsg);
    *pexMerge = report_merge(rcMerge, zMsg);
    return nMissing;
}

/* corpus_opts.xTick: a block of input was read. */
static void
on_tick(void *pCtx, const corpus_stats *pStats)
{
    progress_update(pCtx, pStats->nDoc, pStats->nRawByte);
}

/* Start the progress display; the total is the size of all inputs when
** each is known (standard input from a pipe is not). */
static void
start_progress(progress *p, int eMode, char **azPath, int nPath,
               const corpus_opts *pOpts)
{
    uint64_t nTotal = 0;
    int bTotal = 1;
    if (eMode != PROGRESS_NONE) {
        for (int i = 0; i < nPath; i++) {
            if (corpus_size(azPath[i], pOpts, &nTotal)) {
                bTotal = 0;
            }
        }
    }
    progress_start(p, eMode, nTotal, bTotal);
}

static int
exit_for(int rc)
{
    return (rc == KQ_CORRUPT || rc == KQ_FORMAT) ? KQ_EXIT_DAMAGED
                                                 : KQ_EXIT_INDEX;
}

/* The distinct words of the whole index at zDir after the run, as `kq
** terms` lists them (kq_index_nwords()): the writer only knows the
** segment it wrote, and a word is in many segments. */
static int
index_nwords(const char *zDir, uint64_t *pnWord, char **pzErr)
{
    kq_index *pIdx = NULL;
    int rc = kq_index_open(zDir, &pIdx, pzErr);
    if (rc == KQ_OK) {
        rc = kq_index_nwords(pIdx, pnWord, pzErr);
    }
    kq_index_close(pIdx);
    return rc;
}

/* The command line, parsed. */
typedef struct cmdline {
    enum { CMD_ADD, CMD_RM, CMD_MERGE, CMD_COMPACT } eCmd;
    const char *zDir;
    kq_writer_opts opts;
    size_t nCommitEvery;
    int bQuiet;
    int bXapian;
    int eProgress;
    int nShard;
    inputopts *pIn;
    char **azPath; /* the PATHs (add) or ids (rm) */
    int nPath;
} cmdline;

/* Parse the command line into *p: -1 to go on, else the exit status. */
static int
parse_command_line(int argc, char **argv, cmdline *p)
{
    static const struct option aOpt[] = {
        {"index", required_argument, NULL, 'd'},
        {"lang", required_argument, NULL, 'L'},
        {"backend", required_argument, NULL, 'B'},
        {"shards", required_argument, NULL, 'S'},
        {"shard", required_argument, NULL, 'K'},
        {"memory", required_argument, NULL, 'M'},
        {"threads", required_argument, NULL, 'j'},
        {"wait", required_argument, NULL, 'W'},
        {"quiet", no_argument, NULL, 'q'},
        {"delete-missing", no_argument, NULL, 'X'},
        {"commit-every", required_argument, NULL, 'C'},
        {"no-merge", no_argument, NULL, 'N'},
        {"max-segment", required_argument, NULL, 'Z'},
        {"merge-budget", required_argument, NULL, 'U'},
        {"input-format", required_argument, NULL, 'F'},
        {"map", required_argument, NULL, 'm'},
        {"field", required_argument, NULL, 'f'},
        {"lang-field", required_argument, NULL, 'l'},
        {"detect-lang", no_argument, NULL, 'G'},
        {"max-doc-size", required_argument, NULL, 'D'},
        {"progress", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    p->zDir = getenv("KQ_INDEX");
    p->nCommitEvery = 64 * 1024 * 1024;
    p->eCmd = CMD_ADD;
    if (argc > 1 && strcmp(argv[1], "add") == 0) {
        argv++, argc--;
    } else if (argc > 1 && strcmp(argv[1], "rm") == 0) {
        p->eCmd = CMD_RM;
        argv++, argc--;
    } else if (argc > 1 && strcmp(argv[1], "merge") == 0) {
        p->eCmd = CMD_MERGE;
        argv++, argc--;
    } else if (argc > 1 && strcmp(argv[1], "compact") == 0) {
        p->eCmd = CMD_COMPACT;
        argv++, argc--;
    }
    p->opts = (kq_writer_opts)KQ_WRITER_OPTS_INIT;
    long nCpu = sysconf(_SC_NPROCESSORS_ONLN);
    p->opts.nThread = nCpu < 1                     ? 1
                      : nCpu > DEFAULT_MAX_THREADS ? DEFAULT_MAX_THREADS
                                                   : (int)nCpu;
    /* Default: a bar for a person watching, nothing in logs and pipes. */
    p->eProgress = isatty(2) ? PROGRESS_BAR : PROGRESS_NONE;
    int c;
    if (p->zDir == NULL || p->zDir[0] == 0) {
        p->zDir = KQ_DEFAULT_INDEX;
    }
    while ((c = getopt_long(argc, argv, "d:j:qh", aOpt, NULL)) != -1) {
        switch (c) {
        case 'd': p->zDir = optarg; break;
        case 'L':
            if (strcmp(optarg, "list") == 0) {
                for (const char **a = kq_languages(); *a; a++) {
                    printf("%s\n", *a);
                }
                printf("none\n");
                return KQ_EXIT_OK;
            }
            p->opts.zLang = optarg;
            break;
        case 'B':
            if (strcmp(optarg, "xapian") == 0) {
                p->bXapian = 1;
            } else if (strcmp(optarg, "native") != 0) {
                fprintf(stderr, "kq-index: --backend is native or xapian\n");
                return KQ_EXIT_USAGE;
            }
            break;
        case 'S': {
            char *zEnd;
            errno = 0;
            long n = strtol(optarg, &zEnd, 10);
            if (errno || zEnd == optarg || *zEnd || n < 1 ||
                n > KQ_MAX_SHARDS) {
                fprintf(stderr, "kq-index: --shards takes 1 to %d\n",
                        KQ_MAX_SHARDS);
                return KQ_EXIT_USAGE;
            }
            p->nShard = (int)n;
            break;
        }
        case 'K': {
            /* K/N: digits, '/', digits, and nothing else */
            unsigned k = 0, n = 0;
            int nUsed = -1;
            if (strspn(optarg, "0123456789/") != strlen(optarg) ||
                sscanf(optarg, "%5u/%5u%n", &k, &n, &nUsed) != 2 ||
                optarg[nUsed] || n < 1 || n > KQ_MAX_SHARDS || k >= n) {
                fprintf(stderr,
                        "kq-index: --shard takes K/N: N from 1 to %d "
                        "shards, K from 0 to N-1\n",
                        KQ_MAX_SHARDS);
                return KQ_EXIT_USAGE;
            }
            p->opts.iPart = (int)k;
            p->opts.nPart = (int)n;
            break;
        }
        case 'M':
            p->opts.nMemory = kq_parse_size(optarg);
            if (p->opts.nMemory == 0) {
                fprintf(stderr,
                        "kq-index: bad --memory size \"%s\" (e.g. 64M, "
                        "2G)\n",
                        optarg);
                return KQ_EXIT_USAGE;
            }
            break;
        case 'j': {
            char *zEnd;
            long n = strtol(optarg, &zEnd, 10);
            if (*zEnd || n < 1 || n > KQ_MAX_THREADS) {
                fprintf(stderr, "kq-index: -j takes 1 to %d\n",
                        KQ_MAX_THREADS);
                return KQ_EXIT_USAGE;
            }
            p->opts.nThread = (int)n;
            break;
        }
        case 'W': {
            char *zEnd;
            errno = 0;
            double v = strtod(optarg, &zEnd);
            if (errno || zEnd == optarg || *zEnd || !(v >= 0) ||
                v > MAX_WAIT_SECONDS) {
                fprintf(stderr, "kq-index: --wait takes 0 to %d seconds\n",
                        MAX_WAIT_SECONDS);
                return KQ_EXIT_USAGE;
            }
            p->opts.nLockWaitMs = v == 0 ? -1 : (int)(v * 1000 + 0.5);
            if (p->opts.nLockWaitMs == 0) {
                p->opts.nLockWaitMs = 1;
            }
            break;
        }
        case 'q': p->bQuiet = 1; break;
        case 'X': p->opts.bTrackSeen = 1; break;
        case 'N': p->opts.bNoMerge = 1; break;
        case 'Z':
        case 'U': {
            size_t n = kq_parse_size(optarg);
            if (n == 0) {
                fprintf(stderr,
                        "kq-index: bad --%s size \"%s\" (e.g. 256M, "
                        "4G)\n",
                        c == 'Z' ? "max-segment" : "merge-budget", optarg);
                return KQ_EXIT_USAGE;
            }
            if (c == 'Z') {
                p->opts.nMaxSegment = n;
            } else {
                p->opts.nMergeBudget = n;
            }
            break;
        }
        case 'C':
            p->nCommitEvery = kq_parse_size(optarg);
            if (p->nCommitEvery == 0) {
                fprintf(stderr,
                        "kq-index: bad --commit-every size \"%s\" "
                        "(e.g. 64M)\n",
                        optarg);
                return KQ_EXIT_USAGE;
            }
            break;
        case 'G': p->opts.bDetectLang = 1; break;
        case 'F':
        case 'm':
        case 'f':
        case 'l':
            if ((c == 'F' && inputopts_format(p->pIn, optarg)) ||
                (c == 'm' && inputopts_map(p->pIn, optarg)) ||
                (c == 'f' && inputopts_field(p->pIn, optarg)) ||
                (c == 'l' && inputopts_lang(p->pIn, optarg))) {
                return KQ_EXIT_USAGE;
            }
            break;
        case 'D':
            p->pIn->o.nMaxDoc = kq_parse_size(optarg);
            if (p->pIn->o.nMaxDoc == 0 || p->pIn->o.nMaxDoc > KQ_MAX_MAX_DOC) {
                fprintf(stderr,
                        "kq-index: bad --max-doc-size \"%s\" (e.g. "
                        "64M; at most 1G)\n",
                        optarg);
                return KQ_EXIT_USAGE;
            }
            break;
        case 'P':
            p->eProgress = progress_mode(optarg);
            if (p->eProgress < 0) {
                fprintf(stderr, "kq-index: --progress is bar, plain or "
                                "none\n");
                return KQ_EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return KQ_EXIT_OK;
        case 'V': printf("kq-index %s\n", KQ_VERSION); return KQ_EXIT_OK;
        default: usage(stderr); return KQ_EXIT_USAGE;
        }
    }
    if (inputopts_finish(p->pIn)) {
        return KQ_EXIT_USAGE;
    }
    p->azPath = argv + optind;
    p->nPath = argc - optind;
    return -1;
}

/* Is the command line's target usable for its command?  -1 if so, else
** the exit status (the message printed). */
static int
check_target(const cmdline *p)
{
    if ((p->nShard || p->opts.nPart) && !p->bXapian) {
        fprintf(stderr, "kq-index: --%s needs --backend=xapian\n",
                p->nShard ? "shards" : "shard");
        return KQ_EXIT_USAGE;
    }
    if (p->nShard && p->opts.nPart) {
        fprintf(stderr, "kq-index: --shard K/N writes one shard, --shards N "
                        "all of them: give one or the other\n");
        return KQ_EXIT_USAGE;
    }
    if ((p->eCmd == CMD_MERGE || p->eCmd == CMD_COMPACT) && p->bXapian) {
        fprintf(stderr, "kq-index: merge and compact work on native "
                        "indexes\n");
        return KQ_EXIT_USAGE;
    }
    if (p->opts.bTrackSeen && p->bXapian) {
        fprintf(stderr, "kq-index: --delete-missing works on native "
                        "indexes\n");
        return KQ_EXIT_USAGE;
    }
    if ((p->eCmd == CMD_COMPACT || p->eCmd == CMD_MERGE) && p->nPath > 0) {
        fprintf(stderr, "kq-index: %s takes no PATH\n",
                p->eCmd == CMD_MERGE ? "merge" : "compact");
        return KQ_EXIT_USAGE;
    }
    if (p->eCmd != CMD_ADD &&
        kq_dir_kind(p->zDir) !=
            (p->bXapian ? KQ_KIND_XAPIAN : KQ_KIND_NATIVE)) {
        fprintf(stderr, "kq-index: %s: no %s here\n", p->zDir,
                p->bXapian ? "kq Xapian database" : "kq index");
        return KQ_EXIT_INDEX;
    }
    if (p->eCmd == CMD_ADD && p->nPath == 0) {
        fprintf(stderr, "kq-index: no input PATH given\n");
        usage(stderr);
        return KQ_EXIT_USAGE;
    }
    if (p->opts.zLang) {
        kq_analyzer *pA;
        if (kq_analyzer_new(p->opts.zLang, &pA) != KQ_OK) {
            fprintf(stderr,
                    "kq-index: unknown language \"%s\" (see --lang "
                    "list)\n",
                    p->opts.zLang);
            return KQ_EXIT_USAGE;
        }
        kq_analyzer_free(pA);
    }

    /* Writing one backend's files into the other's directory would leave
    ** neither usable. */
    int eKind = kq_dir_kind(p->zDir);
    if (eKind == (p->bXapian ? KQ_KIND_NATIVE : KQ_KIND_XAPIAN)) {
        fprintf(stderr,
                "kq-index: %s holds %s; use --backend=%s or another "
                "directory\n",
                p->zDir,
                p->bXapian ? "a native kq index" : "a Xapian database",
                p->bXapian ? "native" : "xapian");
        return KQ_EXIT_USAGE;
    }
    /* A new index only for input that can be read: a mistyped path must
    ** not leave an empty index behind (it would be searched, and found
    ** empty, later). */
    if (p->eCmd == CMD_ADD && eKind == KQ_KIND_NONE) {
        int bAny = 0;
        for (int i = 0; i < p->nPath && !bAny; i++) {
            bAny = strcmp(p->azPath[i], "-") == 0 ||
                   access(p->azPath[i], R_OK) == 0;
        }
        if (!bAny) {
            for (int i = 0; i < p->nPath; i++) {
                int e = access(p->azPath[i], R_OK) == 0 ? 0 : errno;
                report(p->azPath[i], 0, "cannot open: %s", strerror(e));
            }
            report_msg("no input could be read; no index was created in %s",
                       p->zDir);
            return KQ_EXIT_SKIPPED;
        }
    }
    return -1;
}

/* Open the writer of p's backend into r: -1, or the exit status. */
static int
open_writer(cmdline *p, run *r)
{
    r->rc = KQ_OK;
    if (p->eCmd == CMD_MERGE || p->eCmd == CMD_COMPACT) {
        /* Each merge's progress (those after an add's commits are bounded
        ** by its budget: the add's own progress covers them). */
        progress_start(&r->prog, p->eProgress, 0, 0);
        p->opts.xMergeProgress = progress_merge;
        p->opts.pMergeCtx = &r->prog;
    }
    p->opts.bXapian = p->bXapian;
    p->opts.nShard = p->nShard;
    p->pIn->o.nMaxId = p->bXapian ? KQ_XAPIAN_MAX_ID : 0;
    int rc = kq_writer_open(p->zDir, &p->opts, &r->pW, &r->zErr);
    if (rc) {
        report_msg("%s", r->zErr ? r->zErr : kq_errstr(rc));
        free(r->zErr);
        return rc == KQ_MISUSE ? KQ_EXIT_USAGE : exit_for(rc);
    }
    {
        const kq_writer_stats *ws0 = kq_writer_stats_get(r->pW);
        if (ws0->nOrphan && !p->bQuiet) {
            fprintf(stderr,
                    "kq-index: %s: removed %u file(s) left by an "
                    "interrupted run\n",
                    p->zDir, ws0->nOrphan);
        }
    }
    return -1;
}

/* kq-index rm: the exit status. */
static int
run_rm(const cmdline *p, run *r)
{
    int exMerge = KQ_EXIT_OK;
    int n = remove_ids(r->pW, p->azPath, p->nPath, p->bQuiet, &exMerge);
    kq_writer_close(r->pW);
    return n < 0     ? exit_for(-n)
           : exMerge ? exMerge
           : n > 0   ? KQ_EXIT_SKIPPED
                     : KQ_EXIT_OK;
}

/* kq-index merge and compact: the exit status. */
static int
run_merge(const cmdline *p, run *r)
{
    int rc;
    rc = p->eCmd == CMD_MERGE ? kq_writer_merge(r->pW, &r->zErr)
                              : kq_writer_compact(r->pW, &r->zErr);
    progress_stop(&r->prog);
    kq_writer_stats cs = *kq_writer_stats_get(r->pW);
    kq_writer_close(r->pW);
    if (rc) {
        report_msg("%s; %s", r->zErr ? r->zErr : kq_errstr(rc),
                   p->eCmd == CMD_MERGE ? "the merges before it are "
                                          "committed, the index is intact"
                                        : "the index is as it was");
        free(r->zErr);
        return exit_for(rc);
    }
    if (!p->bQuiet && p->eCmd == CMD_MERGE) {
        printf("kq-index: %u merge(s), %u segment(s), %llu index bytes\n",
               cs.nMerge, cs.nSegment, (unsigned long long)cs.nIndexByte);
    } else if (!p->bQuiet) {
        printf("kq-index: %u segment(s), %llu index bytes\n", cs.nSegment,
               (unsigned long long)cs.nIndexByte);
    }
    return KQ_EXIT_OK;
}

/* What an add did, for report_add(). */
typedef struct added {
    corpus_stats st;
    kq_writer_stats ws;
    int bSkipped; /* some input could not be read */
    int rcMerge;  /* a merge after the commit failed: why */
    char *zMergeErr;
} added;

/* kq-index add: read every PATH into the writer, commit, and close it.
** -1 if committed (then *pA says what happened), else the exit status. */
static int
run_add(cmdline *p, run *r, added *pA)
{
    int rc;
    corpus_stats *pSt = &pA->st;
    /* --commit-every: a native index's (a Xapian database commits once). */
    r->nCommitEvery = p->bXapian ? SIZE_MAX : p->nCommitEvery;
    r->pStats = pSt;
    start_progress(&r->prog, p->eProgress, p->azPath, p->nPath, &p->pIn->o);
    if (p->eProgress != PROGRESS_NONE) {
        p->pIn->o.xTick = on_tick;
        p->pIn->o.pTickCtx = &r->prog;
    }
    for (int i = 0; i < p->nPath && r->rc == KQ_OK; i++) {
        corpus_read_ex(p->azPath[i], &p->pIn->o, r, on_doc, pSt);
    }
    progress_end(&r->prog, pSt->nDoc, pSt->nRawByte);
    pA->bSkipped = pSt->nFileSkipped || pSt->nLineSkipped ||
                   pSt->nDocSkipped || pSt->nCut;
    uint64_t nMissingDel = 0;
    if (r->rc == KQ_OK && p->opts.bTrackSeen && !p->bXapian) {
        if (pA->bSkipped) {
            fprintf(stderr,
                    "kq-index: --delete-missing not applied: some "
                    "inputs could not be read, and their documents would "
                    "have been deleted\n");
        } else {
            r->rc = kq_writer_delete_unseen(r->pW, &nMissingDel, &r->zErr);
        }
    }
    if (r->rc == KQ_OK) {
        rc = kq_writer_commit(r->pW, &r->zErr);
    } else {
        rc = r->rc;
    }
    if (rc == KQ_OK) {
        pA->ws = *kq_writer_stats_get(r->pW);
    }
    /* (the summary below comes first; the merge's message is kept) */
    const char *zMergeMsg = NULL;
    pA->rcMerge = rc == KQ_OK ? kq_writer_merge_status(r->pW, &zMergeMsg)
                              : KQ_OK;
    pA->zMergeErr = pA->rcMerge ? strdup(zMergeMsg ? zMergeMsg
                                                   : kq_errstr(pA->rcMerge))
                                : NULL;
    kq_writer_close(r->pW);
    if (rc) {
        report_msg("%s; %s", r->zErr ? r->zErr : kq_errstr(rc),
                   r->nCommit == 0 ? "nothing from this run was committed"
                                   : "what this run committed before stays (a "
                                     "new run skips it)");
        free(r->zErr);
        return exit_for(rc);
    }
    return -1;
}

/* The summary of an add and its exit status. */
static int
report_add(const cmdline *p, added *pA, double secs)
{
    int rc;
    corpus_stats *pSt = &pA->st;
    /* A native index: the terms of the whole index, not the writer's
    ** count of the last segment (Xapian's count is of the whole database
    ** already). */
    if (!p->bQuiet && !p->bXapian) {
        char *zErr = NULL;
        rc = index_nwords(p->zDir, &pA->ws.nTerm, &zErr);
        if (rc) {
            report_msg("%s: committed, but the index's terms cannot be "
                       "counted: %s",
                       p->zDir, zErr ? zErr : kq_errstr(rc));
            free(zErr);
            free(pA->zMergeErr);
            return exit_for(rc);
        }
    }
    if (!p->bQuiet) {
        printf(
            "kq-index: %llu documents, %llu tokens, %llu terms, %llu bytes "
            "in, %llu index bytes, %.2f s, %.2f MB/s\n",
            (unsigned long long)pA->ws.nDoc, (unsigned long long)pA->ws.nToken,
            (unsigned long long)pA->ws.nTerm, (unsigned long long)pSt->nByte,
            (unsigned long long)pA->ws.nIndexByte, secs,
            secs > 0 ? (double)pSt->nByte / 1e6 / secs : 0.0);
        if (pA->ws.nSkip || pA->ws.nReplace || pA->ws.nDelete ||
            pA->ws.nMerge) {
            printf("kq-index: %llu unchanged (skipped), %llu replaced, %llu "
                   "deleted, %u merge(s), %u segment(s)\n",
                   (unsigned long long)pA->ws.nSkip,
                   (unsigned long long)pA->ws.nReplace,
                   (unsigned long long)pA->ws.nDelete, pA->ws.nMerge,
                   pA->ws.nSegment);
        }
        if (pA->ws.nOtherShard) {
            printf("kq-index: %llu documents of other shards not written "
                   "(--shard %d/%d)\n",
                   (unsigned long long)pA->ws.nOtherShard, p->opts.iPart,
                   p->opts.nPart);
        }
    }
    int exMerge = report_merge(pA->rcMerge, pA->zMergeErr);
    free(pA->zMergeErr);
    if (pSt->nDocSkipped || pSt->nCut) {
        fprintf(stderr,
                "kq-index: skipped %llu file(s), %llu line(s) and "
                "%llu document(s)",
                (unsigned long long)pSt->nFileSkipped,
                (unsigned long long)pSt->nLineSkipped,
                (unsigned long long)pSt->nDocSkipped);
        if (pSt->nCut) {
            fprintf(stderr,
                    "; %llu file(s) or document(s) read only in "
                    "part",
                    (unsigned long long)pSt->nCut);
        }
        fprintf(stderr, "; see the messages above\n");
        return exMerge ? exMerge : KQ_EXIT_SKIPPED;
    }
    if (pA->bSkipped) {
        fprintf(stderr,
                "kq-index: skipped %llu file(s) and %llu line(s); "
                "see the messages above\n",
                (unsigned long long)pSt->nFileSkipped,
                (unsigned long long)pSt->nLineSkipped);
        return exMerge ? exMerge : KQ_EXIT_SKIPPED;
    }
    return exMerge;
}

int
main(int argc, char **argv)
{
    /* Static: what the options allocate stays reachable until exit, on
    ** every one of main's return paths (LeakSanitizer counts it as in
    ** use, not leaked). */
    static inputopts in;
    cmdline cl;
    memset(&cl, 0, sizeof(cl));
    cl.pIn = &in;
    int ex = parse_command_line(argc, argv, &cl);
    if (ex < 0 && cl.eCmd == CMD_RM &&
        kq_dir_kind(cl.zDir) == KQ_KIND_XAPIAN) {
        cl.bXapian = 1; /* rm deletes from what the directory holds */
    }
    if (ex < 0) {
        ex = check_target(&cl);
    }
    if (ex >= 0) {
        return ex;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run r;
    memset(&r, 0, sizeof(r));
    ex = open_writer(&cl, &r);
    if (ex >= 0) {
        return ex;
    }
    if (cl.eCmd == CMD_RM) {
        return run_rm(&cl, &r);
    }
    if (cl.eCmd == CMD_COMPACT || cl.eCmd == CMD_MERGE) {
        return run_merge(&cl, &r);
    }
    added a;
    memset(&a, 0, sizeof(a));
    ex = run_add(&cl, &r, &a);
    if (ex >= 0) {
        return ex;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return report_add(&cl, &a, secs);
}
