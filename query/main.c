/*
** main.c -- the kq command: subcommand dispatch, options, help.
**
**   kq [OPTIONS] [COMMAND] [OPTIONS] ARGS...
**
** The first operand that names a subcommand selects it (a subcommand name
** wins over a query word; `kq search WORD` or `kq -- WORD` searches for
** such a word); otherwise the command is `search`.  Options may come
** before or after the command and among the operands.  One option table
** serves every command; each option lists the commands it applies to, so
** a misplaced one is an error naming it instead of being ignored.
*/
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <unistd.h>

static const char *const azCmdName[CMD_N] = {
    "search",  "count",      "show",     "hist",  "kwic",  "batch",
    "explain", "stats",      "terms",    "parse", "check", "export",
    "facet",   "collocates", "keywords", "dups",  "help",
};

const char *
format_name(int eFmt)
{
    static const char *const az[FMT_N] = {
        "default", "text", "jsonl", "json", "tsv", "csv", "trec", "ids",
    };
    return eFmt >= 0 && eFmt < FMT_N ? az[eFmt] : "?";
}

/**************************************************************************
** Help.
*/
#define STR_(x) #x
#define STR(x) STR_(x) /* a number macro as a string literal */
/* clang-format off */
static const char zQueryHelp[] =
"Query language (the words of QUERY arguments are joined with spaces):\n"
"  word             documents containing the word (after case and accent\n"
"                   folding and stemming: 'Ceasefires' finds 'ceasefire')\n"
"  a b, a AND b     both (bare words are ANDed; with --or, ORed)\n"
"  a OR b           either\n"
"  NOT a, -a        documents without a;  a NOT b = a AND NOT b\n"
"  +a               a is required (the same as a)\n"
"  \"a b c\"          the words next to each other, in this order\n"
"  \"a b\"~5          the words within 5 positions of each other\n"
"  a NEAR/5 b       within 5 words, any order;  a ADJ/3 b: in this order\n"
"  pre*             any word starting with pre (not stemmed)\n"
"  *                every document ('* NOT opec': those without opec)\n"
"  =word            this form of the word only, not the others of its stem\n"
"  word^2           the word weighs twice as much in the score\n"
"  title:w, source:w, NAME:w   the word in that field (NAME: an extra\n"
"                   field of kq-index --field); also title:\"a b\",\n"
"                   title:(a OR b), title:pre*\n"
"  body:w           the word outside the title\n"
"  date:2023-09-01..2023-09-30, date:2023-09, date:2023-09.., date:..2023\n"
"                   documents of those dates (ends inclusive, open ends)\n"
"  id:ID, id:\"an id\"  the document with that id\n"
"  ( ... )          grouping.  Precedence: NOT, then NEAR/ADJ, then AND,\n"
"                   then OR (kq parse warns when AND and OR are mixed).\n"
"  Operators are upper case; punctuation inside words (peace-keepers,\n"
"  U.S.) is read like document text, as a phrase of the parts.\n";

static const char zMainHelp[] =
"usage: kq [search] [options] QUERY...      ranked search (the default)\n"
"       kq count QUERY...                   the exact number of matches\n"
"       kq show ID...                       documents by id, full text\n"
"       kq hist QUERY... --by month         matches over time\n"
"       kq kwic QUERY...                    keyword in context lines\n"
"       kq facet FIELD [QUERY...]           matches per source, date or field\n"
"       kq batch FILE                       many queries: a TREC run or counts\n"
"       kq explain QUERY... ID              how a document's score is made\n"
"       kq stats                            about the index\n"
"       kq terms [PREFIX]                   the vocabulary, with document counts\n"
"       kq parse QUERY...                   how a query is read\n"
"       kq check                            verify the whole index\n"
"       kq export QUERY... [-o FILE]        matching documents as JSON Lines\n"
"       kq collocates QUERY...              words around the matches, scored\n"
"       kq keywords QUERY...                words over-represented in matches\n"
"       kq dups [QUERY...]                  clusters of near-duplicate documents\n"
"       kq index [kq-index options] PATH... (runs kq-index)\n"
"       kq help [COMMAND]                   help on a command\n"
"\n"
"A command name wins over a query word: to search for the word 'stats',\n"
"use  kq search stats  or  kq -- stats.  A query that starts with - goes\n"
"after --:  kq -- '-oil gas'.\n"
"\n"
"Options of every command:\n"
"  -d, --index DIR  index directory (default: $KQ_INDEX, else ./" KQ_DEFAULT_INDEX ");\n"
"                   repeat it to search several kq indexes, or Xapian\n"
"                   shards (or -d tcp://HOST:PORT), as one collection\n"
"  --format=FMT     output format (which ones: kq help COMMAND)\n"
"  --json           the same as --format=jsonl\n"
"  --color=WHEN     highlight: auto (a terminal and $NO_COLOR unset or\n"
"                   empty), always, never\n"
"  --lang LANG      analyse the query with this Snowball language (for\n"
"                   documents indexed in it with kq-index --lang-field)\n"
"  --or             bare words are joined by OR, not AND: any of them may\n"
"                   match, the documents with the most and rarest first\n"
"                   (natural-language queries, kq batch --or for topics)\n"
"  --max-expansion N  a prefix (word*) may match at most N words (default\n"
"                   " STR(KQ_DEFAULT_MAX_EXPANSION) "; more is an error)\n"
"  -h, --help       help (kq COMMAND --help: on that command); --version\n"
"\n"
"Search options (kq help search for all):\n"
"  -n N             show N results (default 10);  --all: every one\n"
"  --offset N       skip the first N results\n"
"  --format=FMT     text, jsonl, json, tsv, csv, trec, ids\n"
"  --fields LIST    columns: id,title,date,source,score,rank,snippet,len,text,\n"
"                   or names of extra fields\n"
"  --sort=ORDER     score (default), date (oldest first), -date\n"
"  --snippets N     snippets per hit;  --no-snippets\n"
"  -c, --count      print only the exact number of matching documents\n"
"  --parse          print the parsed query and exit;  --check: kq check\n"
"\n"
"%s"
"\n"
"Ranking: BM25F (title words count 3 times; k1=1.4, b=0.5; Xapian's\n"
"idf); ties by index order.  kq explain QUERY ID shows how.\n"
"Exit status: 0 hits; 1 no hits; 2 usage or syntax error; 3 index missing\n"
"or unreadable; 4 index damaged.\n";

static const char *const azCmdHelp[CMD_N] = {
    /* search */
"usage: kq [search] [options] QUERY...\n"
"\n"
"Search the index and print the best matching documents, best first.\n"
"\n"
"  -n N             show N hits (default 10; 0: none, only the total)\n"
"  --all            show every hit\n"
"  --offset N       skip the first N hits\n"
"  --sort=ORDER     score (default: best first), date (oldest first), -date\n"
"                   (newest first); ties by index order, undated last\n"
"  --format=FMT     text (default), jsonl (a hit a line, then a summary\n"
"                   line; each line's \"type\" says which: hit, summary),\n"
"                   json ({\"summary\":{...},\"hits\":[...]}), tsv, csv\n"
"                   (a header line, then a hit a line), trec (QID Q0 DOCID\n"
"                   RANK SCORE RUNTAG), ids (one document id a line)\n"
"  --json           the same as --format=jsonl\n"
"  --fields LIST    the fields shown, in order: id, title, date, source,\n"
"                   score, rank, snippet, len (tokens), text (the stored\n"
"                   body), or the name of an extra field (kq-index --field;\n"
"                   in json and jsonl, under \"fields\")\n"
"  --snippets N     up to N snippets per hit (default 1; 3 in json/jsonl)\n"
"  --no-snippets    none (faster)\n"
"  --qid ID         the query id of --format=trec (default 1)\n"
"  --run-tag TAG    the run tag of --format=trec (default kq)\n"
"  --color=WHEN     auto, always, never\n"
"  -c, --count      print only the exact number of matching documents\n"
"  --parse          print the parsed query and exit (kq parse: more)\n"
"  --check          verify the whole index (the same as kq check)\n"
"  --dedup          one hit per cluster of near-duplicates among the\n"
"                   matches, the highest-scored; the total counts them\n"
"                   once (kq(1) NEAR-DUPLICATES)\n"
"  --threshold T    --dedup's resemblance, 0.3 to 1 (default 0.5)\n"
"\n"
"%s",
    /* count */
"usage: kq count [options] QUERY...\n"
"\n"
"Print the exact number of matching documents (the same as kq -c).\n"
"  --format=FMT     text (default: the number), json\n"
"  --dedup          each cluster of near-duplicates among the matches\n"
"                   counts once (kq(1) NEAR-DUPLICATES); standard error\n"
"                   says how many were folded\n"
"  --threshold T    --dedup's resemblance, 0.3 to 1 (default 0.5)\n",
    /* show */
"usage: kq show [options] ID...\n"
"\n"
"Print documents by their id: the metadata, then the full stored text.\n"
"An ID of - reads ids from standard input, one a line.\n"
"  --format=FMT     text (default), json (an array), jsonl (one a line)\n"
"  --fields LIST    id, title, date, source, len, text, or extra fields;\n"
"                   --fields text prints the stored text exactly, alone\n"
"Exit status 1 if an id is not in the index (the others are printed).\n",
    /* hist */
"usage: kq hist [options] QUERY... [--by day|week|month|year]\n"
"       kq hist [options] --queries FILE\n"
"\n"
"For each period: the documents each QUERY matches, its matches in them\n"
"(occurrences: a phrase's occurrences, a NEAR's windows... see kq(1)\n"
"MATCHES), and all the documents of the period.  Each argument is one\n"
"query (quote multi-word queries).  Periods come from the document dates;\n"
"every period between the first and the last date of the index is listed,\n"
"empty ones with 0.  Documents without a date (or with a date less precise\n"
"than --by) are counted on an 'undated' line.  Weeks are ISO 8601 weeks\n"
"(YYYY-Www, from Monday).\n"
"  --by UNIT        day, week, month (default), year\n"
"  --from DATE      the first period (YYYY, YYYY-MM or YYYY-MM-DD)\n"
"  --to DATE        the last period (inclusive); with --from/--to the\n"
"                   undated documents are left out\n"
"  --normalize      also per-1,000-documents rates of the period\n"
"  --format=FMT     text (default; bars on a terminal), tsv, csv, jsonl,\n"
"                   json (one row per period and query)\n"
"  --plot FILE.svg  also write an SVG line chart (one line per query)\n"
"  --queries FILE   the queries from FILE (- : standard input), one a line\n"
"                   as LABEL<TAB>QUERY (kq batch's format) or QUERY; the\n"
"                   labels name the series (column \"label\" in tables)\n"
"  --width N        text width of the bars (default: the terminal's)\n"
"  --split FIELD    one series per value of FIELD (source or an extra\n"
"                   field) for one QUERY: the --top N (default 5) values\n"
"                   with most matching documents, the rest as (other);\n"
"                   total and --normalize are the value's documents\n"
"  --dedup          one document per cluster of near-duplicates among\n"
"                   each query's matches, the first indexed (kq(1)\n"
"                   NEAR-DUPLICATES);  --threshold T (default 0.5)\n",
    /* kwic */
"usage: kq kwic [options] QUERY...\n"
"\n"
"Keyword in context: one line per match of the query (a word's token, a\n"
"phrase's occurrence, a NEAR's window: kq(1) MATCHES) in the matching\n"
"documents (title and stored text): the document id, the left context\n"
"right-aligned, the match, the right context.\n"
"  --width N        line width (default: the terminal's, else 80); in\n"
"                   tsv/json each context is N/2 characters\n"
"  --sort=ORDER     doc (default: document then position), left (by the\n"
"                   words before the match, nearest first), right (by the\n"
"                   words after it)\n"
"  -n N             at most N lines (default: all);  --all\n"
"  --format=FMT     text (default), tsv, csv, jsonl, json\n"
"  --dedup          the lines of one document per cluster of near-\n"
"                   duplicates among the matches, the first indexed\n"
"                   (kq(1) NEAR-DUPLICATES);  --threshold T (default 0.5)\n",
    /* batch */
"usage: kq batch [options] FILE\n"
"\n"
"Run the queries of FILE (- for standard input): one a line, or ID<TAB>QUERY;\n"
"blank lines and lines starting with # are skipped.  Without an ID a query\n"
"is numbered by its place in the file (1, 2, ...).  A query with a syntax\n"
"error is reported with its line number, the others still run, and the exit\n"
"status is then 2.\n"
"  --format=trec    (default) a TREC run: QID Q0 DOCID RANK SCORE RUNTAG\n"
"  -n N             hits per query in the run (default 1000);  --all\n"
"  --run-tag TAG    the run tag (default kq)\n"
"  --or             bare words are ORed (natural-language topics)\n"
"  --counts         a count table instead: qid, count, query (the same as\n"
"                   --format=tsv; also --format=csv or jsonl)\n"
"  --dedup          (with --counts) count each cluster of near-duplicates\n"
"                   among a query's matches once, and a column folded\n"
"                   (kq(1) NEAR-DUPLICATES);  --threshold T (default 0.5)\n",
    /* explain */
"usage: kq explain [options] QUERY... ID\n"
"\n"
"How the BM25 score of document ID for QUERY is made: each term's\n"
"frequency in the document (tf), document frequency (df), idf, boost and\n"
"part of the score; the document length and the average.  Exit status 1\n"
"if the document does not match.\n"
"  --format=FMT     text (default), json\n",
    /* stats */
"usage: kq stats [options]\n"
"\n"
"Documents, tokens, average length, segments, generation, language, size\n"
"on disk, date range, extra fields, and one line per segment.\n"
"  --format=FMT     text (default), json\n",
    /* terms */
"usage: kq terms [options] [PREFIX]\n"
"\n"
"The indexed words that start with PREFIX (after case and accent folding),\n"
"each with its stem and the number of documents containing the stem.\n"
"  --sort=ORDER     word (default), df (most frequent first)\n"
"  -n N             at most N words;  --all\n"
"  --format=FMT     text (default), tsv, csv, jsonl, json\n",
    /* parse */
"usage: kq parse [options] QUERY...\n"
"\n"
"Print how QUERY is read: operators, each word and its stem, fields, date\n"
"ranges, proximity and boosts, prefix expansions (with an index), then\n"
"warnings (also on standard error).  Works without an index (english).\n",
    /* check */
"usage: kq check [-d DIR]\n"
"\n"
"Verify the whole index: every file's size and checksum, every structure,\n"
"and that the postings agree with the dictionary and the document table.\n"
"Prints \"ok: ...\" (exit 0), or names the damaged file (exit 4).\n"
"kq --check is the same.\n",
    /* export */
"usage: kq export [options] QUERY... [-o FILE] [--sample N [--seed S]]\n"
"\n"
"Write every document matching QUERY (* : all of them), in index order, as\n"
"JSON Lines that kq-index reads back: id, title, date, source, each extra\n"
"field as its own key, lang (its language), body (the stored text).\n"
"Index them again with  kq-index --field NAME... --lang-field lang FILE\n"
"(the summary on standard error gives the command).  Bytes that are not\n"
"UTF-8 are written as U+FFFD.\n"
"  -o, --output FILE  write FILE (a temporary file renamed at the end: a\n"
"                   failed export leaves nothing); FILE.gz: gzip\n"
"  --gzip           gzip the output (not to a terminal)\n"
"  --sample N       a uniform random sample of N of the matches (all when\n"
"                   fewer; N from 1), in index order: reservoir sampling\n"
"  --seed S         the sample's seed (default 0; 0 to 2^64-1): the same\n"
"                   index, query, N and S give the same sample\n"
"  --dedup          one document per cluster of near-duplicates among the\n"
"                   matches, the first indexed (before --sample; kq(1)\n"
"                   NEAR-DUPLICATES);  --threshold T (default 0.5)\n"
"Exit status 1 if nothing matched (an empty output is written).\n",
    /* facet */
"usage: kq facet [options] FIELD [QUERY...]\n"
"\n"
"For each value of FIELD among the documents matching QUERY (every\n"
"document without one): the matching documents, their matches\n"
"(occurrences, as kq hist counts them: kq(1) MATCHES), the value's\n"
"documents in the index, and the matching ones per 1,000 of them.\n"
"FIELD is source, date:year, date:month, date:week, date:day, or an extra\n"
"field (kq-index --field NAME).  Documents without it (no date at that\n"
"unit, no such field) have the empty value: (none) in text, \"\" in\n"
"tsv/csv, null in json.  On Xapian, source and date only (it keeps no\n"
"extra field values).\n"
"  --top N          the N values with most matching documents (default 20\n"
"                   in text, all in the other formats; 0: all)\n"
"  --min-count N    leave out values with fewer matching documents\n"
"                   (default 1; 0 lists every value of the index)\n"
"  --sort=ORDER     count (default: matching documents, most first; ties\n"
"                   by value), value (ascending; dates chronologically)\n"
"  --format=FMT     text (default), tsv, csv, jsonl, json: columns value,\n"
"                   docs, occurrences, total, docs_per_1000; then a summary\n"
"  --dedup          one document per cluster of near-duplicates among the\n"
"                   matches, the first indexed (kq(1) NEAR-DUPLICATES);\n"
"                   --threshold T (default 0.5)\n",
    /* collocates */
"usage: kq collocates [options] QUERY...\n"
"\n"
"The words within a window around each match of the query (a word's\n"
"token, a phrase's occurrence, a NEAR's window: kq(1) MATCHES), with their\n"
"co-occurrences O, corpus frequency f(c), the number of matches f(n), the\n"
"expected E = f(n) f(c) (L+R) / N (N: the tokens of the index) and the\n"
"scores logDice, MI, t and G2 (formulas: kq(1) COLLOCATES AND KEYWORDS).\n"
"A window stays in the title or the body of the match.  kq's own index.\n"
"  --window L,R     L tokens before the match, R after (default 5,5)\n"
"  --by word|stem   count surface words (default) or stems; --by word\n"
"                   reads the whole index once for f(c)\n"
"  --measure M      sort by logdice (default), mi, t or ll\n"
"  --min-freq N     leave out collocates with O < N (default 3)\n"
"  --top N          the N best (default 20; 0: all)\n"
"  --stop FILE      leave out the words of FILE (one a line)\n"
"  --format=FMT     text (default), tsv, csv, jsonl, json\n",
    /* keywords */
"usage: kq keywords [options] QUERY... [--reference QUERY2]\n"
"\n"
"The words over-represented in the documents matching QUERY (the focus)\n"
"against the rest of the index, or against the documents matching QUERY2\n"
"(a document matching both is in the focus only): focus frequency a,\n"
"reference frequency b, their sizes in tokens c and d, G2 (signed: +\n"
"over-represented), Log Ratio and %%DIFF (kq(1) COLLOCATES AND KEYWORDS),\n"
"by G2 descending.  kq's own index.\n"
"  --reference Q    the reference corpus: the documents matching Q\n"
"  --by word|stem   count surface words (default) or stems\n"
"  --min-freq N     leave out words with a < N (default 5)\n"
"  --top N          the N first (default 20; 0: all)\n"
"  --format=FMT     text (default), tsv, csv, jsonl, json\n",
    /* dups */
"usage: kq dups [options] [QUERY...]\n"
"\n"
"Clusters of near-duplicate documents among the live documents matching\n"
"QUERY (all without one): documents whose bodies share at least T of\n"
"their distinct word 3-shingles (|A n B| >= T |A u B|; the title is left\n"
"out), joined transitively (kq(1) NEAR-DUPLICATES).\n"
"  --threshold T    the resemblance, from 0.3 to 1 (default 0.5)\n"
"  --memory SIZE    the shingle sets' budget (default 256M): within it every\n"
"                   pair is found, past it only those whose signatures\n"
"                   are close (also with --dedup)\n"
"  --signatures     list each matching document's signature instead\n"
"  --format=FMT     text (default), tsv, csv, jsonl, json: columns\n"
"                   cluster, size, id, date, source, title, similarity\n",
    /* help */
"usage: kq help [COMMAND]\n",
};
/* clang-format on */

void
cli_usage(FILE *f, int eCmd)
{
    if (eCmd == CMD_HELP || eCmd < 0) {
        fprintf(f, zMainHelp, zQueryHelp);
    } else {
        fprintf(f, azCmdHelp[eCmd], zQueryHelp);
    }
}

const char *
cli_prog(const cli *c)
{
    static char z[32];
    if (c->eCmd == CMD_SEARCH || c->zCmd == NULL) {
        return "kq";
    }
    snprintf(z, sizeof(z), "kq %s", c->zCmd);
    return z;
}

/**************************************************************************
** Errors.
*/
int
exit_for(int rc)
{
    switch (rc) {
    case KQ_OK: return KQ_EXIT_OK;
    case KQ_CORRUPT: return KQ_EXIT_DAMAGED;
    case KQ_SYNTAX:
    case KQ_MISUSE: return KQ_EXIT_USAGE;
    default: return KQ_EXIT_INDEX;
    }
}

int
report_error(const cli *c, int rc, const char *zErr)
{
    msg_put("%s: %s", cli_prog(c), zErr ? zErr : kq_errstr(rc));
    return exit_for(rc);
}

/* The query under a syntax error message shows at most this many
** characters, around the column (a query may be KQ_MAX_QUERY_LEN long). */
#define SYNTAX_SHOWN 72

void
report_syntax(const cli *c, const char *zWhere, const char *zQuery, int iCol,
              const char *zErr)
{
    /* The message quotes the query: escaped (msg_put). */
    msg_put("%s: %ssyntax error at column %d: %s", cli_prog(c), zWhere, iCol,
            zErr ? zErr : "");
    /* Characters [iFirst, iFirst + SYNTAX_SHOWN) of the query, "..." for
    ** what is cut.  A control character (C0, DEL, C1) or a byte that is not
    ** UTF-8 is written \xHH, as in every output; the caret goes under the
    ** column, counting the width of those escapes. */
    int iFirst = iCol > SYNTAX_SHOWN / 2 ? iCol - SYNTAX_SHOWN / 2 : 1;
    int nCaret = iFirst > 1 ? 3 : 0;
    fputs(iFirst > 1 ? "  ..." : "  ", stderr);
    const unsigned char *z = (const unsigned char *)zQuery;
    int k = 0; /* the column of the character *z is part of */
    while (*z) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t l = utf8proc_iterate(z, -1, &cp);
        if (l < 1) {
            l = 1;
            cp = -1;
        }
        k += (*z & 0xc0) != 0x80;
        if (k >= iFirst + SYNTAX_SHOWN) {
            break;
        }
        if (k >= iFirst) {
            int w = 1;
            if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
                for (utf8proc_ssize_t i = 0; i < l; i++) {
                    fprintf(stderr, "\\x%02x", z[i]);
                }
                w = 4 * (int)l;
            } else {
                fwrite(z, 1, (size_t)l, stderr);
            }
            if (k < iCol) {
                nCaret += w;
            }
        }
        z += l;
    }
    fprintf(stderr, "%s\n  %*s^\n", *z ? "..." : "", nCaret, "");
}

int
cli_parse_flags(const cli *c)
{
    return c->bOr ? KQ_QUERY_OR : 0;
}

int
parse_query(const cli *c, kq_analyzer *pA, const char *zQuery, kq_query **ppQ)
{
    char *zErr = NULL;
    int iCol = 0;
    int rc = kq_query_parse_ex(pA, zQuery, cli_parse_flags(c), ppQ, &iCol,
                               &zErr);
    if (rc == KQ_SYNTAX) {
        report_syntax(c, "", zQuery, iCol, zErr);
    } else if (rc) {
        report_error(c, rc, zErr);
    }
    free(zErr);
    return rc ? exit_for(rc) : 0;
}

char *
cli_join_args(const cli *c, int iFrom, int iTo)
{
    kq_buf b = {0};
    for (int i = iFrom; i < iTo; i++) {
        if (i > iFrom) {
            kq_buf_putc(&b, ' ');
        }
        kq_buf_append(&b, c->azArg[i], strlen(c->azArg[i]));
    }
    kq_buf_putc(&b, 0);
    if (b.rc) {
        kq_buf_free(&b);
        return NULL;
    }
    return (char *)b.a;
}

int
cli_format(const cli *c, int eDefault, unsigned mAllowed)
{
    int e = c->eFormat == FMT_DEFAULT ? eDefault : c->eFormat;
    if (!(mAllowed & FMTBIT(e))) {
        fprintf(stderr,
                "%s: --format=%s is not an output of this command; "
                "it has:",
                cli_prog(c), format_name(e));
        for (int i = FMT_TEXT; i < FMT_N; i++) {
            if (mAllowed & FMTBIT(i)) {
                fprintf(stderr, " %s", format_name(i));
            }
        }
        fputc('\n', stderr);
        return -1;
    }
    return e;
}

/**************************************************************************
** kq index: kq-index from the directory of this executable, else $PATH.
*/
static int
run_indexer(char **argv)
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
    return KQ_EXIT_USAGE;
}

/**************************************************************************
** Options.
*/
#define M(x) (1u << (x))
#define M_ALL (~M(CMD_HELP))
#define M_JSONISH (M_ALL & ~M(CMD_PARSE))
/* The commands --dedup folds near-duplicates in (dedup.c) */
#define M_DEDUP                                                               \
    (M(CMD_SEARCH) | M(CMD_COUNT) | M(CMD_HIST) | M(CMD_FACET) |              \
     M(CMD_KWIC) | M(CMD_BATCH) | M(CMD_EXPORT))

enum {
    O_OFFSET = 256,
    O_JSON,
    O_FORMAT,
    O_FIELDS,
    O_SORT,
    O_SNIPPETS,
    O_NOSNIPPETS,
    O_COLOR,
    O_QID,
    O_RUNTAG,
    O_BY,
    O_NORMALIZE,
    O_PLOT,
    O_FROM,
    O_TO,
    O_WIDTH,
    O_COUNTS,
    O_PARSE,
    O_CHECK,
    O_ALL,
    O_VERSION,
    O_LANG,
    O_OR,
    O_MAXEXP,
    O_QUERIES,
    O_GZIP,
    O_SAMPLE,
    O_SEED,
    O_TOP,
    O_MINCOUNT,
    O_SPLIT,
    O_WINDOW,
    O_MINFREQ,
    O_MEASURE,
    O_STOP,
    O_REFERENCE,
    O_THRESHOLD,
    O_DUPS_MEMORY,
    O_SIGNATURES,
    O_DEDUP,
    O_LAST /* (the size of the table of options seen) */
};

static const struct option aOpt[] = {
    {"index", required_argument, NULL, 'd'},
    {"offset", required_argument, NULL, O_OFFSET},
    {"all", no_argument, NULL, O_ALL},
    {"json", no_argument, NULL, O_JSON},
    {"format", required_argument, NULL, O_FORMAT},
    {"fields", required_argument, NULL, O_FIELDS},
    {"sort", required_argument, NULL, O_SORT},
    {"snippets", required_argument, NULL, O_SNIPPETS},
    {"no-snippets", no_argument, NULL, O_NOSNIPPETS},
    {"color", required_argument, NULL, O_COLOR},
    {"colour", required_argument, NULL, O_COLOR},
    {"qid", required_argument, NULL, O_QID},
    {"run-tag", required_argument, NULL, O_RUNTAG},
    {"by", required_argument, NULL, O_BY},
    {"normalize", no_argument, NULL, O_NORMALIZE},
    {"normalise", no_argument, NULL, O_NORMALIZE},
    {"plot", required_argument, NULL, O_PLOT},
    {"queries", required_argument, NULL, O_QUERIES},
    {"from", required_argument, NULL, O_FROM},
    {"to", required_argument, NULL, O_TO},
    {"width", required_argument, NULL, O_WIDTH},
    {"counts", no_argument, NULL, O_COUNTS},
    {"count", no_argument, NULL, 'c'},
    {"parse", no_argument, NULL, O_PARSE},
    {"check", no_argument, NULL, O_CHECK},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, O_VERSION},
    {"lang", required_argument, NULL, O_LANG},
    {"or", no_argument, NULL, O_OR},
    {"max-expansion", required_argument, NULL, O_MAXEXP},
    {"output", required_argument, NULL, 'o'},
    {"gzip", no_argument, NULL, O_GZIP},
    {"sample", required_argument, NULL, O_SAMPLE},
    {"seed", required_argument, NULL, O_SEED},
    {"top", required_argument, NULL, O_TOP},
    {"min-count", required_argument, NULL, O_MINCOUNT},
    {"split", required_argument, NULL, O_SPLIT},
    {"window", required_argument, NULL, O_WINDOW},
    {"min-freq", required_argument, NULL, O_MINFREQ},
    {"measure", required_argument, NULL, O_MEASURE},
    {"stop", required_argument, NULL, O_STOP},
    {"reference", required_argument, NULL, O_REFERENCE},
    {"threshold", required_argument, NULL, O_THRESHOLD},
    {"memory", required_argument, NULL, O_DUPS_MEMORY},
    {"signatures", no_argument, NULL, O_SIGNATURES},
    {"dedup", no_argument, NULL, O_DEDUP},
    {NULL, 0, NULL, 0},
};
static const char zShort[] = "d:n:cho:";

/* The commands each option applies to, and its name for messages. */
static unsigned
opt_mask(int o, const char **pzName)
{
    switch (o) {
    case 'd': *pzName = "-d"; return M_ALL;
    case 'n':
        *pzName = "-n";
        return M(CMD_SEARCH) | M(CMD_KWIC) | M(CMD_BATCH) | M(CMD_TERMS);
    case O_ALL:
        *pzName = "--all";
        return M(CMD_SEARCH) | M(CMD_KWIC) | M(CMD_BATCH) | M(CMD_TERMS);
    case O_OFFSET: *pzName = "--offset"; return M(CMD_SEARCH);
    case O_JSON: *pzName = "--json"; return M_JSONISH;
    case O_FORMAT: *pzName = "--format"; return M_ALL;
    case O_FIELDS: *pzName = "--fields"; return M(CMD_SEARCH) | M(CMD_SHOW);
    case O_SORT:
        *pzName = "--sort";
        return M(CMD_SEARCH) | M(CMD_KWIC) | M(CMD_TERMS) | M(CMD_FACET);
    case O_SNIPPETS: *pzName = "--snippets"; return M(CMD_SEARCH);
    case O_NOSNIPPETS: *pzName = "--no-snippets"; return M(CMD_SEARCH);
    case O_COLOR: *pzName = "--color"; return M_ALL;
    case O_QID: *pzName = "--qid"; return M(CMD_SEARCH);
    case O_RUNTAG: *pzName = "--run-tag"; return M(CMD_SEARCH) | M(CMD_BATCH);
    case O_BY:
        *pzName = "--by";
        return M(CMD_HIST) | M(CMD_COLLOCATES) | M(CMD_KEYWORDS);
    case O_WINDOW: *pzName = "--window"; return M(CMD_COLLOCATES);
    case O_MINFREQ:
        *pzName = "--min-freq";
        return M(CMD_COLLOCATES) | M(CMD_KEYWORDS);
    case O_MEASURE: *pzName = "--measure"; return M(CMD_COLLOCATES);
    case O_STOP: *pzName = "--stop"; return M(CMD_COLLOCATES);
    case O_REFERENCE: *pzName = "--reference"; return M(CMD_KEYWORDS);
    case O_THRESHOLD: *pzName = "--threshold"; return M(CMD_DUPS) | M_DEDUP;
    case O_DUPS_MEMORY: *pzName = "--memory"; return M(CMD_DUPS) | M_DEDUP;
    case O_DEDUP: *pzName = "--dedup"; return M_DEDUP;
    case O_SIGNATURES: *pzName = "--signatures"; return M(CMD_DUPS);
    case O_NORMALIZE: *pzName = "--normalize"; return M(CMD_HIST);
    case O_PLOT: *pzName = "--plot"; return M(CMD_HIST);
    case O_QUERIES: *pzName = "--queries"; return M(CMD_HIST);
    case O_FROM: *pzName = "--from"; return M(CMD_HIST);
    case O_TO: *pzName = "--to"; return M(CMD_HIST);
    case O_WIDTH: *pzName = "--width"; return M(CMD_KWIC) | M(CMD_HIST);
    case O_COUNTS: *pzName = "--counts"; return M(CMD_BATCH);
    case O_TOP:
        *pzName = "--top";
        return M(CMD_FACET) | M(CMD_HIST) | M(CMD_COLLOCATES) |
               M(CMD_KEYWORDS);
    case O_MINCOUNT: *pzName = "--min-count"; return M(CMD_FACET);
    case O_SPLIT: *pzName = "--split"; return M(CMD_HIST);
    case 'c': *pzName = "-c"; return M(CMD_SEARCH) | M(CMD_COUNT);
    case O_PARSE: *pzName = "--parse"; return M(CMD_SEARCH);
    case O_CHECK: *pzName = "--check"; return M(CMD_SEARCH);
    case O_LANG: *pzName = "--lang"; return M_ALL;
    case O_OR:
        *pzName = "--or";
        return M(CMD_SEARCH) | M(CMD_COUNT) | M(CMD_HIST) | M(CMD_KWIC) |
               M(CMD_BATCH) | M(CMD_EXPLAIN) | M(CMD_PARSE) | M(CMD_FACET) |
               M(CMD_COLLOCATES) | M(CMD_KEYWORDS);
    case O_MAXEXP:
        *pzName = "--max-expansion";
        return M(CMD_SEARCH) | M(CMD_COUNT) | M(CMD_HIST) | M(CMD_KWIC) |
               M(CMD_BATCH) | M(CMD_EXPLAIN) | M(CMD_PARSE) | M(CMD_FACET) |
               M(CMD_COLLOCATES) | M(CMD_KEYWORDS);
    case 'o': *pzName = "-o"; return M(CMD_EXPORT);
    case O_GZIP: *pzName = "--gzip"; return M(CMD_EXPORT);
    case O_SAMPLE: *pzName = "--sample"; return M(CMD_EXPORT);
    case O_SEED: *pzName = "--seed"; return M(CMD_EXPORT);
    default: *pzName = "?"; return ~0u;
    }
}

static int
parse_count(const char *z, const char *zOpt, size_t nMax, size_t *pOut)
{
    char *zEnd;
    errno = 0;
    unsigned long long v = strtoull(z, &zEnd, 10);
    if (errno || zEnd == z || *zEnd || z[0] == '-' || z[0] == '+' ||
        v > nMax) {
        fprintf(stderr, "kq: %s needs a number from 0 to %zu, not \"%s\"\n",
                zOpt, nMax, z);
        return 1;
    }
    *pOut = (size_t)v;
    return 0;
}

static int
lookup(const char *z, const char *const *az, int n)
{
    for (int i = 0; i < n; i++) {
        if (az[i] && strcmp(z, az[i]) == 0) {
            return i;
        }
    }
    return -1;
}

/* collocates --window L,R (or N: N,N), each side 0 to KQ_MAX_WINDOW. */
static int
parse_window(cli *c, const char *z)
{
    char zL[24];
    const char *zComma = strchr(z, ',');
    size_t n = zComma ? (size_t)(zComma - z) : strlen(z), l, r;
    if (n >= sizeof(zL)) {
        fprintf(stderr, "kq: --window needs L,R (numbers from 0 to %d)\n",
                KQ_MAX_WINDOW);
        return 1;
    }
    memcpy(zL, z, n);
    zL[n] = 0;
    if (parse_count(zL, "--window", KQ_MAX_WINDOW, &l) ||
        parse_count(zComma ? zComma + 1 : zL, "--window", KQ_MAX_WINDOW, &r)) {
        return 1;
    }
    c->nWinL = (int)l;
    c->nWinR = (int)r;
    c->bWindow = 1;
    return 0;
}

/* Apply option o (argument zArg) to c.  1 on a bad argument. */
static int
apply_opt(cli *c, int o, const char *zArg, int *pbHelp, int *pbVersion,
          int *peColor)
{
    size_t v;
    switch (o) {
    case 'd':
        if (c->nDir == MAX_DIR) {
            fprintf(stderr, "kq: at most %d -d options\n", MAX_DIR);
            return 1;
        }
        c->azDir[c->nDir++] = (char *)zArg;
        return 0;
    case 'n':
        c->bLimit = 1;
        return parse_count(zArg, "-n", MAX_COUNT, &c->nLimit);
    case O_ALL: c->bAll = 1; return 0;
    case O_OFFSET:
        return parse_count(zArg, "--offset", MAX_COUNT, &c->nOffset);
    case O_JSON: c->eFormat = FMT_JSONL; return 0;
    case O_FORMAT: {
        static const char *const az[FMT_N] = {
            NULL, "text", "jsonl", "json", "tsv", "csv", "trec", "ids",
        };
        int e = lookup(zArg, az, FMT_N);
        if (e < 0 && strcmp(zArg, "ndjson") == 0) {
            e = FMT_JSONL;
        }
        if (e < 0) {
            fprintf(stderr,
                    "kq: --format takes text, jsonl, json, tsv, csv, "
                    "trec or ids, not \"%s\"\n",
                    zArg);
            return 1;
        }
        c->eFormat = e;
        return 0;
    }
    case O_FIELDS: c->zFields = zArg; return 0;
    case O_SORT: {
        static const char *const az[] = {
            NULL,  "score", "date", "-date", "left",  "right",
            "doc", "df",    "word", "count", "value",
        };
        int e = lookup(zArg, az, (int)(sizeof(az) / sizeof(az[0])));
        if (e < 0 && strcmp(zArg, "date-desc") == 0) {
            e = SORT_DATE_DESC;
        }
        if (e < 0) {
            fprintf(
                stderr,
                "kq: unknown --sort order \"%s\" (search: score, "
                "date, -date; kwic: doc, left, right; terms: word, df; facet: "
                "count, value)\n",
                zArg);
            return 1;
        }
        c->eSort = e;
        c->zSort = zArg;
        return 0;
    }
    case O_SNIPPETS:
        if (parse_count(zArg, "--snippets", 100, &v)) {
            return 1;
        }
        c->nSnippet = (int)v;
        return 0;
    case O_NOSNIPPETS: c->bNoSnippet = 1; return 0;
    case O_LANG: c->zLang = zArg; return 0;
    case O_COLOR:
        if (strcmp(zArg, "always") == 0) {
            *peColor = 1;
        } else if (strcmp(zArg, "never") == 0) {
            *peColor = 0;
        } else if (strcmp(zArg, "auto") == 0) {
            *peColor = -1;
        } else {
            fprintf(stderr, "kq: --color takes auto, always or never\n");
            return 1;
        }
        return 0;
    case O_QID: c->zQid = zArg; return 0;
    case O_RUNTAG: c->zRunTag = zArg; return 0;
    case O_BY: c->zBy = zArg; return 0;
    case O_NORMALIZE: c->bNormalize = 1; return 0;
    case O_PLOT: c->zPlot = zArg; return 0;
    case O_QUERIES: c->zQueries = zArg; return 0;
    case O_FROM: c->zFrom = zArg; return 0;
    case O_TO: c->zTo = zArg; return 0;
    case O_WIDTH:
        if (parse_count(zArg, "--width", MAX_WIDTH, &v)) {
            return 1;
        }
        if (v < MIN_WIDTH) {
            fprintf(stderr, "kq: --width must be at least %d\n", MIN_WIDTH);
            return 1;
        }
        c->nWidth = (int)v;
        return 0;
    case O_COUNTS: c->bCounts = 1; return 0;
    case O_TOP:
        c->bTop = 1;
        return parse_count(zArg, "--top", MAX_COUNT, &c->nTop);
    case O_MINCOUNT:
        c->bMinCount = 1;
        return parse_count(zArg, "--min-count", MAX_COUNT, &c->nMinCount);
    case O_SPLIT: c->zSplit = zArg; return 0;
    case O_WINDOW: return parse_window(c, zArg);
    case O_MINFREQ:
        c->bMinFreq = 1;
        return parse_count(zArg, "--min-freq", MAX_COUNT, &c->nMinFreq);
    case O_MEASURE: c->zMeasure = zArg; return 0;
    case O_STOP: c->zStop = zArg; return 0;
    case O_REFERENCE: c->zReference = zArg; return 0;
    case O_THRESHOLD: c->zThreshold = zArg; return 0;
    case O_DUPS_MEMORY: c->zDupsMemory = zArg; return 0;
    case O_SIGNATURES: c->bSignatures = 1; return 0;
    case O_DEDUP: c->bDedup = 1; return 0;
    case O_OR: c->bOr = 1; return 0;
    case 'o': c->zOutput = zArg; return 0;
    case O_GZIP: c->bGzip = 1; return 0;
    case O_SAMPLE:
        c->bSample = 1;
        if (parse_count(zArg, "--sample", MAX_COUNT, &c->nSample)) {
            return 1;
        }
        if (c->nSample == 0) {
            fprintf(stderr, "kq: --sample needs at least 1 document\n");
            return 1;
        }
        return 0;
    case O_SEED: {
        char *zEnd;
        errno = 0;
        c->bSeed = 1;
        c->iSeed = strtoull(zArg, &zEnd, 10);
        if (errno || zEnd == zArg || *zEnd || zArg[0] == '-' ||
            zArg[0] == '+') {
            fprintf(stderr,
                    "kq: --seed needs a number from 0 to %llu, not \"%s\"\n",
                    (unsigned long long)UINT64_MAX, zArg);
            return 1;
        }
        return 0;
    }
    case O_MAXEXP: {
        char *zEnd;
        errno = 0;
        unsigned long long n = strtoull(zArg, &zEnd, 10);
        if (errno || zEnd == zArg || *zEnd || zArg[0] == '-' ||
            zArg[0] == '+' || n < 1 || n > KQ_MAX_QUERY_EXPANSION) {
            fprintf(stderr,
                    "kq: --max-expansion needs a number from 1 to "
                    "%d, not \"%s\"\n",
                    KQ_MAX_QUERY_EXPANSION, zArg);
            return 1;
        }
        c->nMaxExpansion = (uint32_t)n;
        return 0;
    }
    case 'c':
        if (c->eCmd == CMD_SEARCH) {
            c->eCmd = CMD_COUNT;
        }
        return 0;
    case O_PARSE: c->bParse = 1; return 0;
    case O_CHECK: c->bCheck = 1; return 0;
    case 'h': *pbHelp = 1; return 0;
    case O_VERSION: *pbVersion = 1; return 0;
    default: return 1;
    }
}

/* The options given, by getopt code, to check afterwards that each
** applies to the command (which may come after them). */
typedef struct seen {
    unsigned char ab[O_LAST];
} seen;

/* Run getopt_long over argv[0..argc) (argv[0] is a name for messages),
** applying the options to c and marking them in *pSeen.  Returns -1 on
** error, else the index of the first operand left; with bStop the scan
** stops at the first operand, else the operands are moved to the end. */
static int
scan_opts(cli *c, int argc, char **argv, int bStop, seen *pSeen, int *pbHelp,
          int *pbVersion, int *peColor, int *pbDashDash)
{
    char zOpt[sizeof(zShort) + 2];
    snprintf(zOpt, sizeof(zOpt), "%s%s", bStop ? "+" : "", zShort);
    optind = 0; /* glibc: a full re-initialisation for the new argv */
    int o;
    while ((o = getopt_long(argc, argv, zOpt, aOpt, NULL)) != -1) {
        if (o == '?' || o == ':' || o < 0 || o >= O_LAST) {
            return -1;
        }
        pSeen->ab[o] = 1;
        if (apply_opt(c, o, optarg, pbHelp, pbVersion, peColor)) {
            return -1;
        }
    }
    *pbDashDash = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
    return optind;
}

/* A search that found nothing, whose first word is a command name
** mistyped (at most 2 edits, and a word of 4 or more letters, so that
** "sow" or "bat" say nothing): the command it may have meant, else NULL. */
static const char *
command_hint(const char *zWord)
{
    if (strlen(zWord) < 4) {
        return NULL;
    }
    const char *zBest = NULL;
    int nBest = 3;
    for (int e = 0; e < CMD_N; e++) {
        /* Optimal string alignment, as fuzzy query words (pattern.c). */
        int n = kq_edit_distance(zWord, strlen(zWord), azCmdName[e],
                                 strlen(azCmdName[e]), nBest - 1);
        if (n < nBest) {
            nBest = n;
            zBest = azCmdName[e];
        }
    }
    return zBest;
}

static int
run(cli *c)
{
    switch (c->eCmd) {
    case CMD_SEARCH: return cmd_search(c);
    case CMD_COUNT: return cmd_count(c);
    case CMD_SHOW: return cmd_show(c);
    case CMD_HIST: return cmd_hist(c);
    case CMD_KWIC: return cmd_kwic(c);
    case CMD_BATCH: return cmd_batch(c);
    case CMD_EXPLAIN: return cmd_explain(c);
    case CMD_STATS: return cmd_stats(c);
    case CMD_TERMS: return cmd_terms(c);
    case CMD_PARSE: return cmd_parse(c);
    case CMD_CHECK: return cmd_check(c);
    case CMD_EXPORT: return cmd_export(c);
    case CMD_FACET: return cmd_facet(c);
    case CMD_COLLOCATES: return cmd_collocates(c);
    case CMD_KEYWORDS: return cmd_keywords(c);
    case CMD_DUPS: return cmd_dups(c);
    default: return KQ_EXIT_USAGE;
    }
}

int
main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "index") == 0) {
        return run_indexer(argv + 1);
    }
    static cli c;
    c.nSnippet = -1;
    int bHelp = 0, bVersion = 0, eColor = -1, bDashDash = 0;
    static seen sn;

    /* Pass 1: options up to the first operand, which may name a command. */
    int i = scan_opts(&c, argc, argv, 1, &sn, &bHelp, &bVersion, &eColor,
                      &bDashDash);
    if (i < 0) {
        fprintf(stderr, "kq: see kq help\n");
        return KQ_EXIT_USAGE;
    }
    int eNamed = CMD_SEARCH, bNamed = 0;
    if (i < argc && !bDashDash) {
        int e = lookup(argv[i], azCmdName, CMD_N);
        if (e >= 0) {
            eNamed = e;
            bNamed = 1;
            i++;
        }
    }
    if (c.eCmd == CMD_COUNT && eNamed != CMD_SEARCH && eNamed != CMD_COUNT) {
        fprintf(stderr, "kq: -c does not apply to kq %s\n", azCmdName[eNamed]);
        return KQ_EXIT_USAGE;
    }
    if (c.eCmd != CMD_COUNT || eNamed != CMD_SEARCH) {
        c.eCmd = eNamed;
    }
    c.zCmd = azCmdName[c.eCmd];

    /* Pass 2: the rest, options anywhere among the operands (unless -- was
    ** seen, after which everything is an operand). */
    int nRest = argc - i;
    char **azRest = calloc((size_t)nRest + 2, sizeof(char *));
    if (azRest == NULL) {
        return KQ_EXIT_INDEX;
    }
    azRest[0] = argv[0];
    memcpy(azRest + 1, argv + i, (size_t)nRest * sizeof(char *));
    int j = 1;
    if (!bDashDash) {
        int eBefore = c.eCmd;
        j = scan_opts(&c, nRest + 1, azRest, 0, &sn, &bHelp, &bVersion,
                      &eColor, &bDashDash);
        if (j < 0) {
            fprintf(stderr, "kq: see kq help %s\n", azCmdName[eBefore]);
            free(azRest);
            return KQ_EXIT_USAGE;
        }
        c.zCmd = azCmdName[c.eCmd];
    }
    c.azArg = azRest + j;
    c.nArg = nRest + 1 - j;

    int rc;
    if (bVersion) {
        printf("kq %s\n", KQ_VERSION);
        rc = KQ_EXIT_OK;
    } else if (bHelp) {
        /* kq --help: everything; kq CMD --help: that command. */
        cli_usage(stdout, bNamed || c.eCmd == CMD_COUNT ? c.eCmd : CMD_HELP);
        rc = KQ_EXIT_OK;
    } else if (c.eCmd == CMD_HELP) {
        int e = c.nArg > 0 ? lookup(c.azArg[0], azCmdName, CMD_N) : CMD_HELP;
        if (c.nArg > 0 && strcmp(c.azArg[0], "index") == 0) {
            printf("kq index ARGS... runs kq-index ARGS... (see "
                   "kq-index --help)\n");
            rc = KQ_EXIT_OK;
        } else if (e < 0 || c.nArg > 1) {
            fprintf(stderr,
                    "kq help: no command \"%s\"; the commands: "
                    "search count show hist kwic batch explain stats terms "
                    "parse check export facet collocates keywords dups index "
                    "help\n",
                    c.azArg[0]);
            rc = KQ_EXIT_USAGE;
        } else {
            cli_usage(stdout, e);
            rc = KQ_EXIT_OK;
        }
    } else {
        /* Options that do not apply to the command are errors, not
        ** silently ignored. */
        int eCheck = c.eCmd == CMD_COUNT && eNamed == CMD_SEARCH ? CMD_SEARCH
                                                                 : c.eCmd;
        for (int k = 0; k < O_LAST; k++) {
            const char *zName;
            if (sn.ab[k] && !(opt_mask(k, &zName) & M(eCheck))) {
                fprintf(stderr,
                        "kq %s: %s does not apply to this command "
                        "(see kq help %s)\n",
                        azCmdName[eCheck], zName, azCmdName[eCheck]);
                free(azRest);
                return KQ_EXIT_USAGE;
            }
        }
        c.bColor = eColor < 0 ? color_auto() : eColor;
        rc = run(&c);
        const char *zHint = NULL;
        if (rc == KQ_EXIT_NOHITS && !bNamed && !bDashDash && c.nArg > 0 &&
            (c.eCmd == CMD_SEARCH || c.eCmd == CMD_COUNT) &&
            (zHint = command_hint(c.azArg[0])) != NULL) {
            msg_put("kq: nothing matched; did you mean the command \"kq %s\"? "
                    "(\"%s\" was searched for as a word)",
                    zHint, c.azArg[0]);
        }
    }
    free(azRest);
    if (fflush(stdout) != 0 && rc == KQ_EXIT_OK) {
        fprintf(stderr, "kq: writing the output: %s\n", strerror(errno));
        rc = KQ_EXIT_INDEX;
    }
    return rc;
}
