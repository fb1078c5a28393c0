/*
** cli.h -- what the files of the kq command (query/) share: the parsed
** command line, the index being searched, output helpers.
**
**   main.c        dispatch, option parsing, help
**   source.c      the index: kq's own or Xapian; documents
**   output.c      TSV/CSV/JSON writers, colour, terminal width, text width
**   cmd_search.c  kq search, kq count (and the old --check, --parse)
**   cmd_hist.c    kq hist;  dates.c  date buckets;  svg.c  the --plot chart
**   cmd_kwic.c    kq kwic
**   cmd_batch.c   kq batch;  qfile.c  query files (batch, hist --queries)
**   cmd_info.c    kq show, explain, stats, terms, parse
**   cmd_export.c  kq export
**   cmd_facet.c   kq facet;  values.c  a field's values (facet, --split)
**   cmd_collocates.c, cmd_keywords.c  kq collocates, kq keywords
**   cmd_dups.c    kq dups;  dedup.c  --dedup (search, count, hist, ...)
*/
#ifndef KQ_CLI_H
#define KQ_CLI_H

#include "../common/kq.h"

#include <jansson.h>
#include <stdio.h>

/* Exit codes: enum kq_exit (kq.h). */

/* Subcommands; CMD_SEARCH is the default. */
enum {
    CMD_SEARCH,
    CMD_COUNT,
    CMD_SHOW,
    CMD_HIST,
    CMD_KWIC,
    CMD_BATCH,
    CMD_EXPLAIN,
    CMD_STATS,
    CMD_TERMS,
    CMD_PARSE,
    CMD_CHECK,
    CMD_EXPORT,
    CMD_FACET,
    CMD_COLLOCATES,
    CMD_KEYWORDS,
    CMD_DUPS,
    CMD_HELP,
    CMD_N
};

/* Output formats (--format). */
enum {
    FMT_DEFAULT,
    FMT_TEXT,
    FMT_JSONL,
    FMT_JSON,
    FMT_TSV,
    FMT_CSV,
    FMT_TREC,
    FMT_IDS,
    FMT_N
};

/* --sort values; which ones a command takes is checked by the command. */
enum {
    SORT_DEFAULT,
    SORT_SCORE,
    SORT_DATE,
    SORT_DATE_DESC,
    SORT_LEFT,
    SORT_RIGHT,
    SORT_DOC,
    SORT_DF,
    SORT_WORD,
    SORT_COUNT, /* facet */
    SORT_VALUE
};

/* Command-line limits (kq(1), LIMITS): -d databases (Xapian shards), -n,
** --offset and export --sample (far past any result list a person reads,
** small enough for an int), --width of text output (the narrowest a KWIC
** line is legible at, and the widest), names in --fields (search and show
** keep them in arrays of this size). */
enum {
    MAX_DIR = 256,
    MAX_COUNT = 100000000,
    MIN_WIDTH = 20,
    MAX_WIDTH = 100000,
    MAX_FIELDS_ARG = 64,
    /* collocates --stop FILE: the longest line, in bytes (a word no
    ** longer than KQ_MAX_WORD once folded is far shorter as written) */
    MAX_STOP_LINE = 8 * KQ_MAX_WORD
};

typedef struct cli {
    int eCmd;
    const char *zCmd;     /* "search", "hist", ... for messages */
    char *azDir[MAX_DIR]; /* -d (several: Xapian shards) */
    int nDir;
    size_t nLimit;       /* -n */
    int bLimit;          /* -n given */
    int bAll;            /* --all */
    size_t nOffset;      /* --offset */
    int eFormat;         /* FMT_*, FMT_DEFAULT if not given */
    const char *zFields; /* --fields */
    int eSort;           /* SORT_* */
    const char *zSort;   /* as given, for messages */
    int nSnippet;        /* --snippets N (-1: the format's default) */
    int bNoSnippet;
    int bColor;          /* resolved: highlight or not */
    const char *zQid;    /* --qid */
    const char *zRunTag; /* --run-tag */
    const char *zBy;     /* hist --by */
    int bNormalize;
    const char *zPlot;       /* hist --plot FILE.svg */
    const char *zQueries;    /* hist --queries FILE (- : stdin) */
    const char *zFrom, *zTo; /* hist --from, --to */
    int nWidth;              /* --width (0: not given) */
    int bCounts;             /* batch --counts */
    int bOr;                 /* --or: bare words joined by OR, not AND */
    uint32_t nMaxExpansion;  /* --max-expansion (0: not given) */
    int bCheck, bParse;      /* the old --check and --parse */
    const char *zLang;       /* --lang: analyse the query in this language
                             ** (documents indexed with --lang-field) */
    const char *zOutput;     /* export -o FILE */
    int bGzip;               /* export --gzip */
    int bSample, bSeed;      /* export --sample N, --seed S given */
    size_t nSample;
    uint64_t iSeed;
    size_t nTop; /* --top N: facet, hist --split, collocates, keywords */
    int bTop;
    size_t nMinCount; /* facet --min-count N */
    int bMinCount;
    const char *zSplit; /* hist --split FIELD */
    char **azArg;       /* operands: query words, ids, file */
    int nArg;

    /* kq collocates and kq keywords */
    int nWinL, nWinR, bWindow; /* --window L,R */
    size_t nMinFreq;           /* --min-freq */
    int bMinFreq;              /* (given) */
    const char *zMeasure;      /* --measure */
    const char *zStop;         /* --stop FILE */
    const char *zReference;    /* --reference QUERY */

    /* kq dups */
    const char *zThreshold;  /* --threshold T (cmd_dups.c parses it) */
    const char *zDupsMemory; /* kq dups --memory SIZE (dedup.c) */
    int bSignatures;         /* --signatures */
    int bDedup;              /* --dedup (dedup.c) */
} cli;

/* main.c */
void cli_usage(FILE *f, int eCmd);
/* "kq" or "kq CMD" for messages. */
const char *cli_prog(const cli *c);
/* The operands joined by spaces (the query), malloc()ed; NULL on OOM. */
char *cli_join_args(const cli *c, int iFrom, int iTo);
/* The exit code for a library error. */
int exit_for(int rc);
/* Print "PROG: MSG" (zErr, else kq_errstr(rc)) and return exit_for(rc). */
int report_error(const cli *c, int rc, const char *zErr);
/* Report a KQ_SYNTAX error of kq_query_parse for zQuery (zWhere: a prefix
** such as "FILE:3: ", or ""). */
void report_syntax(const cli *c, const char *zWhere, const char *zQuery,
                   int iCol, const char *zErr);
/* The format to use: the one given, else eDefault.  Reports and returns
** -1 if the given one is not in the FMT_* bit set mAllowed. */
int cli_format(const cli *c, int eDefault, unsigned mAllowed);
const char *format_name(int eFmt);
#define FMTBIT(x) (1u << (x))

/**************************************************************************
** source.c: the index searched.
*/
typedef struct source {
    kq_index *pIdx;     /* kq's own index or Xapian databases */
    const char *zDir;   /* what messages and outputs call the index: the
                        ** -d, as given; several joined by " + " */
    char *const *azDir; /* the -d options (nDir of them) */
    int nDir;
    char *zJoined;      /* zDir when there are several (owned) */
    kq_analyzer *pLang; /* --lang's analyzer, or NULL */
} source;

/* Open the index of c (-d, $KQ_INDEX, ./.kq).  On failure prints the
** reason and returns the exit code (> 0). */
int source_open(source *s, const cli *c);
/* The same without a message: the kq_rc. */
int source_try(source *s, const cli *c, char **pzErr);
void source_close(source *s);
/* The analyzer of queries: --lang's, else the index's. */
kq_analyzer *source_analyzer(source *s);
int source_is_xapian(const source *s);

/* A document's metadata: the id as stored, the rest as clean UTF-8 (white
** space and control characters collapsed to spaces) and, if asked, its
** raw stored body; all malloc()ed. */
typedef struct hitdoc {
    char *zId; /* the id as stored (NUL-terminated; may hold
               ** anything in an index made before kq-index
               ** refused bad ids: write it escaped) */
    size_t nId;
    char *zTitle, *zDate, *zSource;
    uint32_t nLen; /* tokens of title and body (with SRC_TOKENS;
                   ** else, and for Xapian, 0) */
    int nField;    /* extra fields */
    char **azFieldName, **azFieldValue;
    char *zRawTitle; /* the title as stored (not cleaned) */
    size_t nRawTitle;
    char *zText; /* stored body, as stored */
    size_t nText;
} hitdoc;
/* What source_doc() reads besides the metadata: the stored text, the token
** count (kq_docinfo_tokens(): the title is analysed again, so only for an
** output that shows it). */
#define SRC_TEXT 0x01
#define SRC_TOKENS 0x02
int source_doc(source *s, kq_docid iDoc, int flags, hitdoc *d, char **pzErr);
void hitdoc_clear(hitdoc *d);
/* The value of extra field zName of d, or NULL. */
const char *hitdoc_field(const hitdoc *d, const char *zName);

/**************************************************************************
** output.c
*/
/* Should output be coloured: --color=always, or auto on a terminal without
** $NO_COLOR. */
int color_auto(void);
/* Columns of the terminal on stdout, or 0 if it is not one. */
int term_width(void);
/* Display widths: kq_text_width() and its kin (kq.h). */
/* Print n spaces. */
void put_spaces(FILE *f, size_t n);

/* Text from the input (ids, titles, stored text, queries, file names)
** is written only through these, escaped as common/escape.c defines for
** each kind of output (KQ_ESC_*): no control character from the input
** reaches the terminal raw. */
void esc_put(FILE *f, const char *z, size_t n, int eKind);
void text_put(FILE *f, const char *z); /* KQ_ESC_TEXT: \xHH */
void tsv_put(FILE *f, const char *z);  /* \t \n \r \\ \xHH escaped */
void csv_put(FILE *f, const char *z);  /* \xHH, RFC 4180 quoting */
/* A message on stderr: printf-formatted, written escaped (KQ_ESC_TEXT)
** with one newline (a newline ending zFmt is not doubled). */
void msg_put(const char *zFmt, ...) __attribute__((format(printf, 1, 2)));

/* The "type" of every JSON Lines line (kq(1) OUTPUT), so that consumers
** select lines with jq 'select(.type=="hit")': one name per kind. */
#define JSONL_HIT "hit"         /* kq search: a ranked document */
#define JSONL_SUMMARY "summary" /* the last line: the query and totals */
#define JSONL_COUNT "count"     /* kq count */
#define JSONL_DOC "doc"         /* kq show */
#define JSONL_EXPLAIN "explain" /* kq explain */
#define JSONL_STATS "stats"     /* kq stats */
#define JSONL_TERM "term"       /* kq terms: a word */
#define JSONL_KWIC "kwic"       /* kq kwic: a concordance line */
#define JSONL_PERIOD "period"   /* kq hist: a period and query */
#define JSONL_QUERY "query"     /* kq batch --counts: a query */
#define JSONL_FACET "facet"     /* kq facet: a value of the field */

#define JSONL_COLLOCATE "collocate" /* kq collocates: a word */
#define JSONL_KEYWORD "keyword"     /* kq keywords: a word */
#define JSONL_DUPS "duplicate"      /* kq dups: a member of a cluster */
#define JSONL_SIGNATURE "signature" /* kq dups --signatures */
/* A new JSON object whose first key is "type": zType (JSONL_*). */
json_t *jsonl_object(const char *zType);

/* A table written row by row as TSV, CSV, JSON Lines or one JSON document
** {"summary": ..., KEY: [rows]}.  Cells are given in column order; a JSON
** Lines row starts with "type": zType (JSONL_*). */
typedef struct table {
    FILE *f;
    int eFmt;
    int nCol;
    const char *const *azCol;
    const char *zType;
    int iCol;      /* next cell of the current row */
    json_t *pRow;  /* JSON: the row being built */
    json_t *pRows; /* FMT_JSON: all rows */
} table;
void table_begin(table *t, FILE *f, int eFmt, int nCol,
                 const char *const *azCol, const char *zType);
void table_str(table *t, const char *z);            /* NULL: empty / null */
void table_strn(table *t, const char *z, size_t n); /* may hold NUL */
void table_int(table *t, long long v);
void table_real(table *t, double v); /* NaN: empty / null */
void table_json(table *t, json_t *v, const char *zFlat); /* steals v */
void table_row_end(table *t);
/* jsonl: pSummary (if not NULL) as a last line, of type "summary"; json:
** the document with the rows under zKey.  Steals pSummary. */
void table_end(table *t, json_t *pSummary, const char *zKey);

/* A JSON string from n bytes of any text (invalid UTF-8 replaced, NUL
** kept). */
json_t *json_text(const char *z, size_t n);
/* json_dumpf() with DEL and C1 controls escaped too (KQ_ESC_JSON). */
void json_put(FILE *f, const json_t *v, size_t flags);
/* Print a JSON value and a newline: compact, or with bPretty indented
** when stdout is a terminal. */
void json_print(json_t *v, int bPretty);

/**************************************************************************
** dates.c: calendar dates and the buckets of kq hist.
*/
enum { BY_DAY, BY_WEEK, BY_MONTH, BY_YEAR };
#define BUCKET_NONE INT64_MIN
/* The bucket of a document date (YYYY, YYYY-MM, YYYY-MM-DD, then maybe a
** time), or BUCKET_NONE if it has none at this granularity. */
int64_t date_bucket(const char *z, size_t n, int eBy);
/* The first (bEnd 0) or last (bEnd 1) bucket of the period a --from/--to
** date names; BUCKET_NONE if it is not a date. */
int64_t date_bound(const char *z, int eBy, int bEnd);
/* The label of a bucket: 2023-09-01, 2023-W35, 2023-09, 2023. */
void bucket_label(int64_t k, int eBy, char *zOut, size_t nOut);
/* The date part of a stored date (up to a 'T' or ' '): its length, or 0
** if it is not a date. */
size_t date_part(const char *z, size_t n);

/**************************************************************************
** values.c: a field's values over the documents (kq facet, hist --split).
*/
enum { FIELD_SOURCE, FIELD_DATE, FIELD_EXTRA };
typedef struct field_spec {
    int eKind;                         /* FIELD_* */
    int eBy;                           /* FIELD_DATE: BY_* */
    char zName[KQ_MAX_FIELD_NAME + 1]; /* FIELD_EXTRA */
} field_spec;
/* Parse FIELD: source, date:UNIT (if bDate) or an extra field of the
** index (kq's own: kq_index_fields).  0, or the exit code (reported). */
int field_parse(source *s, const cli *c, const char *zSpec, int bDate,
                field_spec *p);
/* A value (z[0..n), NUL-terminated; n 0: the empty value) with its
** documents in the index and, filled by the commands, their matches. */
typedef struct fvalue {
    char *z;
    size_t n;
    uint64_t nTotal;      /* live documents with this value */
    uint64_t nDocs, nOcc; /* matching documents, their matches */
} fvalue;
#define FV_NONE UINT32_MAX        /* aDoc: a deleted docid */
#define FV_LATER (UINT32_MAX - 1) /* aDoc: not read yet (bLater) */
typedef struct fvalues {
    fvalue *a;
    uint32_t n;
    size_t nAlloc;
    uint32_t *aSlot; /* hash table: value number + 1, 0 empty */
    size_t nSlot;
    uint32_t *aDoc; /* per docid: its value's number, FV_NONE or FV_LATER */
    kq_docid nDocid;
    int bLater;   /* totals counted by the database, aDoc read on demand */
    source *s;    /* (bLater) */
    field_spec f; /* (bLater) */
} fvalues;
/* Walk the live documents of s: each one's value of f, and the totals.
** With bLater, for a caller that asks only for documents that exist (its
** matches) and through fvalues_get(): on a Xapian database the totals
** come from the database's counts and each document's value is read when
** asked for. */
int fvalues_walk(fvalues *p, source *s, const field_spec *f, int bLater,
                 char **pzErr);
/* The value number of iDoc, FV_NONE if deleted or past the table
** (FV_LATER: not read yet; fvalues_get() reads it). */
uint32_t fvalues_of(const fvalues *p, kq_docid iDoc);
/* The value number of iDoc into *pv, read now if it was not. */
int fvalues_get(fvalues *p, kq_docid iDoc, uint32_t *pv, char **pzErr);
void fvalues_free(fvalues *p);
/* Value order: bytes ascending (date labels chronologically), empty last. */
int fvalue_cmp(const fvalue *a, const fvalue *b);

/**************************************************************************
** dedup.c: --dedup, one document per cluster of near-duplicates among a
** query's matches (and kq dups's --threshold).
*/
/* --threshold T (default KQ_DUPS_THRESHOLD, from KQ_DUPS_MIN_THRESHOLD to
** 1: a resemblance, kq.h) and the signature distance of its candidates,
** kq_dups_bits(T); --memory SIZE into *pnMemory (0: the default).  0, or
** KQ_EXIT_USAGE (reported). */
int dedup_threshold(const cli *c, double *pT, int *pnBit, size_t *pnMemory);
typedef struct dedup {
    int bOn;          /* --dedup given */
    double threshold; /* --threshold */
    int nBit;
    size_t nMemory;  /* --memory (0: KQ_DUPS_MEMORY) */
    uint64_t nMatch; /* the matches last clustered */
    kq_docid *aFold; /* their folded docids, ascending */
    size_t nFold;
    uint64_t nFoldAll; /* folded by every call since dedup_open() (kq
                       ** hist and batch: of every query) */
} dedup;
/* Zero d and read --dedup and --threshold: 0 or the exit code. */
int dedup_open(dedup *d, const cli *c);
/* Cluster the matches aHit[0..n) (any order) and keep one per cluster:
** the first in docid order, or with bBest the highest-scored. */
int dedup_hits(dedup *d, kq_index *p, const kq_hit *aHit, size_t n, int bBest,
               char **pzErr);
/* dedup_hits() over every match of q, keeping the first in docid order. */
int dedup_query(dedup *d, kq_index *p, const kq_query *q, char **pzErr);
/* 1 unless --dedup folded iDoc (always 1 without --dedup). */
int dedup_keep(const dedup *d, kq_docid iDoc);
/* Text: zBefore "(--dedup folded N near-duplicate documents)" zAfter,
** N = nFoldAll;
** JSON: "folded" and "threshold" in o.  Nothing without --dedup. */
void dedup_note(const dedup *d, FILE *f, const char *zBefore,
                const char *zAfter);
void dedup_json(const dedup *d, json_t *o);
void dedup_close(dedup *d);

/**************************************************************************
** svg.c: kq hist --plot.
*/
typedef struct svg_chart {
    const char *zXLabel; /* "month" */
    const char *zYLabel; /* "matching documents" */
    int nX;
    char **azX; /* bucket labels */
    int nSeries;
    char **azSeries;  /* legend (the queries) */
    const double *aY; /* nSeries rows of nX values; NaN: no data
                      ** (a gap in the line, not a zero) */
} svg_chart;
/* KQ_OK, or KQ_IOERR and a message in *pzErr (malloc()ed). */
int svg_write(const char *zPath, const svg_chart *p, char **pzErr);

/**************************************************************************
** The commands: each returns the exit code.
*/
int cmd_search(cli *c);
int cmd_count(cli *c);
int cmd_check(cli *c);

/* qfile.c: read the next line of f into b (its bytes without the '\n',
** then a NUL not counted in b->n).  A line of more than nMax bytes is read
** to its end but not kept (b->n is 0, *pbLong set), so memory stays within
** nMax + 1 bytes whatever the input (ids, query files).  KQ_OK (a line,
** possibly the last one without '\n'), KQ_DONE at the end of f or on a
** read error (ferror(f) tells), or KQ_NOMEM. */
int line_read(FILE *f, size_t nMax, kq_buf *b, int *pbLong);
/* qfile.c: the next query of a query file (kq batch, kq hist --queries):
** KQ_OK with *pzQuery and *pzLabel (NULL: the line has none) pointing into
** pLine, or *pbLong set for a line longer than a label, a tab and the
** longest query (read past, not kept); KQ_DONE at the end of f (ferror(f)
** tells a read error), or KQ_NOMEM.  *piLine counts the lines read. */
int qfile_next(FILE *f, kq_buf *pLine, long *piLine, char **pzLabel,
               char **pzQuery, int *pbLong);
int cmd_hist(cli *c);
int cmd_kwic(cli *c);
int cmd_batch(cli *c);
int cmd_show(cli *c);
int cmd_explain(cli *c);
int cmd_stats(cli *c);
int cmd_terms(cli *c);
int cmd_parse(cli *c);
int cmd_export(cli *c); /* cmd_export.c */
int cmd_facet(cli *c);
int cmd_collocates(cli *c);
int cmd_dups(cli *c); /* cmd_dups.c */
int cmd_keywords(cli *c);

/* Parse a query for command c, reporting a syntax error; the exit code
** or 0. */
/* kq_query_parse_ex() flags of the command line (--or). */
int cli_parse_flags(const cli *c);
int parse_query(const cli *c, kq_analyzer *pA, const char *zQuery,
                kq_query **ppQ);

#endif /* KQ_CLI_H */
