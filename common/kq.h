/*
** kq.h -- the public C API of kq, shared by `kq-index` and `kq`.
**
** Conventions (after SQLite FTS5 and notmuch):
**   - Every fallible function returns an int from enum kq_rc.  KQ_OK is 0.
**   - Objects are opaque and come in _open/_close or _new/_free pairs; every
**     _close/_free accepts NULL.
**   - Results go out through OUT pointers.  Where a function takes
**     `char **pzErr`, it may store there a message for the user, allocated
**     with malloc(); the caller frees it.  pzErr may be NULL.
**   - Pointers returned into an object are owned by that object; how long they
**     stay valid is said at each function.
**   - The ABI grows without breaking programs built against an older
**     libkq.so.0: the statistics (kq_stats, kq_writer_stats,
**     kq_segment_stats) and a document's metadata (kq_docinfo) are owned
**     by the library and handed out by pointer, so fields can be added at
**     their end; the options a caller fills (kq_writer_opts) carry a
**     version.  Records in arrays and the records a caller passes
**     (kq_doc, kq_field, kq_hit, kq_match, kq_snippet, kq_langcount,
**     kq_explain_info) keep their layout while the soname stays 0.
**   - Threads: an object, and everything made from it (a kq_index's
**     analyzer, queries parsed with it, matchers, search results), is used
**     by one thread at a time.  Separate objects may be used by separate
**     threads at once, also on the same directory: open a kq_index (and
**     make a kq_analyzer) per thread.  The library's only global state,
**     the ICU and Xapian libraries it loads on first use, is set up once,
**     thread-safely.  Across processes, readers never wait, and one
**     kq_writer at a time holds an index (KQ_BUSY for the others).
*/
#ifndef KQ_H
#define KQ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kq_rc {
    KQ_OK = 0,
    KQ_DONE,     /* a cursor is exhausted (not an error) */
    KQ_NOTFOUND, /* a term, document or file does not exist */
    KQ_NOMEM,    /* out of memory */
    KQ_IOERR,    /* an operating-system call failed */
    KQ_CORRUPT,  /* index data failed a structural or checksum test */
    KQ_FORMAT,   /* not a kq index, or a format version we do not read */
    KQ_SYNTAX,   /* query syntax error */
    KQ_MISUSE,   /* bad argument, or API used out of order */
    KQ_BUSY,     /* another writer holds the index lock */
    KQ_XAPIAN,   /* the Xapian library reported an error */
    KQ_RC_COUNT
} kq_rc;

/* Exit statuses of kq and kq-index (kq(1) and kq-index(1), EXIT STATUS):
** small numbers, grep-like, not <sysexits.h>'s. */
enum kq_exit {
    KQ_EXIT_OK = 0,      /* kq: something matched; kq-index: all indexed */
    KQ_EXIT_NOHITS = 1,  /* kq: nothing matched */
    KQ_EXIT_SKIPPED = 1, /* kq-index: some input was skipped */
    KQ_EXIT_USAGE = 2,   /* a usage error */
    KQ_EXIT_INDEX = 3,   /* the index cannot be opened, read or written */
    KQ_EXIT_DAMAGED = 4, /* the index is damaged */
    KQ_EXIT_MERGE = 5    /* kq-index: committed, then a merge failed */
};

/* A static English description of rc. */
const char *kq_errstr(int rc);

/* Document numbers are dense and 0-based across the whole index, in the order
** documents were added.  KQ_DOCID_EOF is the end-of-list sentinel. */
typedef uint32_t kq_docid;
#define KQ_DOCID_EOF ((kq_docid)0xffffffffu)

/* The version of kq (programs, library, pkg-config file). */
#define KQ_VERSION "0.2"

/* The default index directory when neither -d nor $KQ_INDEX is given. */
#define KQ_DEFAULT_INDEX ".kq"

/* The default stemming language and inversion memory budget. */
#define KQ_DEFAULT_LANG "english"
#define KQ_DEFAULT_MEMORY ((size_t)256 << 20)

/**************************************************************************
** Limits users can meet.  Each is defined here once, checked in one place
** and documented once (kq(1) and kq-index(1), section LIMITS).
*/
/* Longest indexed word, in bytes after case and accent folding.  A longer
** word still takes a position (phrases and NEAR/n count it) but is neither
** indexed nor searchable: such words are almost always junk (base64,
** URLs).  A query word, prefix or phrase holding one matches nothing, and
** kq parse says so. */
#define KQ_MAX_WORD 64

/* Longest piece of a run of letters (no space or punctuation in it) that
** is segmented into words at once, in bytes (analyze.c): Chinese, Japanese,
** Thai, Lao, Khmer and Burmese runs go to ICU's dictionary word breaker,
** whose time and memory grow with the run.  A longer run is cut between
** characters into pieces of this size, each segmented alone, so a word
** may be split at a cut.  Real text has punctuation long before: 1365
** Chinese characters is a long paragraph. */
#define KQ_MAX_SEGMENT_RUN 4096

/* Largest document kq-index reads, in bytes of input after gunzip: a .txt
** file, a JSON line, a TREC <DOC>, a WARC record (and its payload once
** decoded), a mail message.  A larger one is reported (FILE:LINE, or FILE:
** byte N for WARC) and skipped, never held in memory: real documents are
** KB to a few MB, and the cap keeps a decompression bomb or a damaged file
** from costing gigabytes.  kq-index --max-doc-size changes it. */
#define KQ_DEFAULT_MAX_DOC ((size_t)64 << 20)
/* The largest --max-doc-size: a document's bytes go to zlib and read(2) in
** single calls, which take at most 1 GB on every platform. */
#define KQ_MAX_MAX_DOC ((size_t)1 << 30)

/* Longest name of an extra field (kq-index --field NAME), in bytes.  Names
** are stored with every document and prefix every word of the field in the
** dictionary, whose keys are sized for this name and a KQ_MAX_WORD word. */
#define KQ_MAX_FIELD_NAME 32
/* Most extra fields a document has (kq-index --field, and --map to a
** field that is not built in).  The writer and merger hold a document's
** fields in arrays of this size; kq-index refuses a --field past it at
** option parsing, so that no document is refused later (kq_writer_add()
** returns KQ_MISUSE for such a document). */
#define KQ_MAX_FIELDS 64

/* Longest document date, in bytes (kq_doc.zDate: the ISO date and its
** time, as given).  The date is stored and printed with every result, so
** it must not be a megabyte; ISO 8601 with a time, fractions of a second
** and a zone ("2020-01-01T10:00:00.123456789+01:00") takes 35.  A longer
** date is not understood (kq_date_valid()): the document is indexed
** without a date, and kq-index warns. */
#define KQ_MAX_DATE 64

/* Most segments in an index.  A commit adds one; merges (8 adjacent
** segments of similar size become one) keep the count logarithmic, but an
** index written with --no-merge (kq_writer_opts.bNoMerge) grows by one
** segment every commit.  The cap bounds what opening an index reads and
** maps; a commit that would pass it is refused (KQ_MISUSE, nothing of it
** committed): compact the index (kq-index compact) and run it again. */
#define KQ_MAX_SEGMENTS 100000

/* Most Xapian shards (kq-index --backend=xapian --shards N): each is a
** database kept open while indexing and searching, so N bounds the open
** files (a few per shard) and the writer's memory. */
#define KQ_MAX_SHARDS 1024

/* Most signatures the signature method of kq_index_dups() (and
** kq_dups_cluster()) compares pair by pair: a distance of more than
** KQ_DUPS_BLOCK_MAX_BITS bits (kq dups --threshold below 0.978) has no
** block index to narrow the candidates, and the
** n (n - 1) / 2 comparisons must stay around a second, not hours (30,000:
** 4.5 x 10^8; all of reuters21578 fits).  Narrow the documents with a
** query, or raise the threshold. */
#define KQ_DUPS_MAX_ALLPAIRS 30000

/* Most candidate pairs the signature method of kq_index_dups() compares
** from the stored text: past the exact method's memory, a pair's shingle
** sets may have to be made again for it (tens of microseconds each), so
** a low threshold over many documents would run for hours.  Counted from
** the signatures before any is compared; more is refused (KQ_MISUSE):
** give the exact method more memory, narrow the documents, or raise the
** threshold. */
#define KQ_DUPS_MAX_CANDIDATES 1000000

/* MIME parts nested deeper than this (multipart in multipart, or attached
** messages) are not read: the parser recurses, and a hostile message must
** not exhaust the stack.  Their text is not indexed; the message is, and
** the cut is reported. */
#define KQ_MAX_MIME_DEPTH 8
/* Longest MIME multipart boundary, in bytes.  RFC 2046 (5.1.1) allows 1 to
** 70 characters; the cap tolerates mailers that overstep that, and a
** longer one is not a boundary any mailer writes.  The parts of a
** multipart with a longer boundary are not read: their text is not
** indexed, the rest of the message is, and the cut is reported. */
#define KQ_MAX_MIME_BOUNDARY 200
/* Longest document id, in bytes (PATH_MAX on Linux: any file path fits, and
** URLs and Message-IDs are far shorter in practice).  An id must also be
** valid UTF-8 without control characters (C0, DEL, C1), so that every
** output can write it as it is: kq_id_check(). */
#define KQ_MAX_ID 4096
/* Longest id a Xapian database takes (kq-index --backend=xapian): its
** unique term "Q" + id must fit Xapian's longest term, 245 bytes. */
#define KQ_XAPIAN_MAX_ID 244

/* kq_lang_detect() (kq-index --detect-lang) reads at most this many bytes
** of a document: a few hundred words, of which function words are a third
** or more, settle the language long before that, and the cap makes the
** cost per document constant however large it is.  The language of a
** document that changes after its first 4 KB is that of its beginning. */
#define KQ_LANGID_MAX_BYTES 4096

/* A query's cost is bounded by its text, not by its author's intent: a
** query of a few hundred bytes could otherwise open millions of posting
** lists (`a* OR a* ...` written 200 times would open the lists of every
** word starting with a, 200 times).  Identical sub-queries under one AND
** or OR are merged first (query.c), a word
** written k times scoring k times its score as before, so repeats cost
** nothing; then these hold, each an error (KQ_SYNTAX, kq exit 2), never a
** silent truncation, which would make counts wrong. */
/* Parentheses and NOTs nest at most this deep: the parser and everything
** that walks the tree recurse, so the limit bounds their stack use. */
#define KQ_MAX_QUERY_DEPTH 100
/* NEAR/n, ADJ/n and "a b"~n take n from 1 to this. */
#define KQ_MAX_NEAR_WINDOW 1000
/* Most words a NEAR/ADJ chain or a "phrase"~n joins: kqi_near_match()
** (search/positions.c) keeps their position lists on the stack, and a
** word's group number in 8 bits (so it must stay below 256). */
#define KQ_MAX_NEAR_WORDS 64
/* Longest query, in bytes: parsing is linear in it, and it bounds the
** operators of the parsed query (each NOT takes 4 bytes). */
#define KQ_MAX_QUERY_LEN (256 << 10)
/* Most words in a parsed query after merging -- each word of a phrase,
** each prefix, =word, date: and id: item: it bounds the tree and the
** posting lists of its words. */
#define KQ_MAX_QUERY_TERMS 4096
/* Default most words (distinct indexed terms) one prefix (word*), pattern
** (qa?dafi), fuzzy word (gadafi~2) or id: prefix may expand to; kq
** --max-expansion and kq_index_set_max_expansion() change it, from 1 to
** KQ_MAX_QUERY_EXPANSION.  Xapian's QueryParser has the same
** limit (set_max_expansion); like its WILDCARD_LIMIT_ERROR, going past it
** is an error, since keeping some of the words would change the counts. */
#define KQ_DEFAULT_MAX_EXPANSION 10000
/* Most edits a fuzzy word (word~N) may allow: N is 1 or 2, as in Lucene's
** FuzzyQuery.  Three edits match most short words of any vocabulary (a
** five-letter word is three edits from every word of two letters), so
** the expansion limit would refuse nearly every such query. */
#define KQ_MAX_FUZZY_EDITS 2
/* Most terms all the expanding words (prefixes, wildcard patterns, fuzzy
** words, id: prefixes) and date ranges of one query expand to together
** (each written occurrence counts): every expanded term is a
** posting-list cursor of about 2.5 KB per segment when the query runs. */
#define KQ_MAX_QUERY_EXPANSION 50000

/* A read of a Xapian database (kq -d on one) that has not returned after
** this long makes kq check the database's tables, as xapian-check does,
** in another thread: Xapian can loop forever on some damage (a block's
** directory pointer), and if the check finds damage kq exits 4 naming the
** file.  A query merely slow costs that one check, once. */
#define KQ_XAPIAN_STALL_MS 5000

/**************************************************************************
** Analysis: the one tokenize -> fold -> stem chain used for documents and
** for queries.
*/
typedef struct kq_analyzer kq_analyzer;

/* Flags for kq_analyze(). */
#define KQ_ANALYZE_NOSTEM 0x01 /* fold but do not stem (prefix queries) */

/* Called once per token.  zTerm/nTerm is the indexed form (folded, stemmed),
** valid only during the call; iPos its position; [iStart, iEnd) its byte
** range in the analysed text.  A non-zero return stops the analysis and is
** returned by kq_analyze(). */
typedef int (*kq_token_fn)(void *pCtx, const char *zTerm, size_t nTerm,
                           uint32_t iPos, size_t iStart, size_t iEnd);

/* Create an analyzer for Snowball language zLang ("english", "french", "en",
** ..., or "none" for no stemming).  KQ_NOTFOUND if the language is unknown. */
int kq_analyzer_new(const char *zLang, kq_analyzer **ppOut);
void kq_analyzer_free(kq_analyzer *p);

/* The canonical name of the analyzer's language (owned by the analyzer). */
const char *kq_analyzer_lang(const kq_analyzer *p);

/* Analyse n bytes at z (any bytes: invalid UTF-8 separates tokens).  Token
** positions start at iPos0; *piPosEnd (may be NULL) gets the next free
** position. */
int kq_analyze(kq_analyzer *p, int flags, const char *z, size_t n,
               uint32_t iPos0, uint32_t *piPosEnd, void *pCtx, kq_token_fn x);

/* Fold a single word with the same rules as kq_analyze() (case and accent
** folding, no stemming): its first token.  The result is written to pOut (at
** most nOut-1 bytes plus a NUL); returns its length, or 0 if the word holds
** no token of at most KQ_MAX_WORD bytes or the token does not fit in nOut-1
** bytes (KQ_MAX_WORD + 1 bytes always suffice). */
size_t kq_fold_word(kq_analyzer *p, const char *z, size_t n, char *pOut,
                    size_t nOut);

/* Stem one folded word, as kq_analyze() with KQ_ANALYZE_NOSTEM delivers
** it, exactly as kq_analyze() would without the flag.  *pzOut is owned by
** the analyzer and valid until its next call.  KQ_NOTFOUND if the word
** would not be indexed. */
int kq_stem(kq_analyzer *p, const char *z, size_t n, const char **pzOut,
            size_t *pnOut);

/* The NULL-terminated list of Snowball languages (static). */
const char **kq_languages(void);

/* The Snowball language the text zText[0..nText) is most likely written in,
** as kq_languages() spells it ("english", "russian", ...; never an alias
** such as "porter"), or NULL when it cannot tell: too few words, a script
** no Snowball language writes (Chinese, Thai, Korean...) or no script
** holding most letters, or no stop-word profile clearly ahead.  Reads at
** most the first KQ_LANGID_MAX_BYTES bytes; bytes that are not UTF-8
** separate words.  Thread-safe, allocates nothing; the string is static.
** The method is described at the top of common/langid.c. */
const char *kq_lang_detect(const char *zText, size_t nText);

/**************************************************************************
** Writing an index.
*/
typedef struct kq_writer kq_writer;

/* One input document.  Strings are not NUL-terminated; any may be NULL with
** length 0 except zId. */
/* An extra field of a document (`kq-index --field NAME`): stored with the
** document and searchable as NAME:word. */
typedef struct kq_field {
    const char *zName;
    size_t nName; /* [a-z][a-z0-9_]*, at most
                  ** KQ_MAX_FIELD_NAME bytes, not a
                  ** built-in field name */
    const char *zValue;
    size_t nValue;
} kq_field;

typedef struct kq_doc {
    const char *zId;
    size_t nId; /* external id (path, or JSON id) */
    const char *zTitle;
    size_t nTitle;
    const char *zDate;
    size_t nDate; /* ISO 8601: YYYY, YYYY-MM or
                  ** YYYY-MM-DD, optionally followed by
                  ** a time (T..., ignored for date:);
                  ** one longer than KQ_MAX_DATE is
                  ** not stored (no date) */
    const char *zSource;
    size_t nSource;
    const char *zBody;
    size_t nBody;
    const kq_field *aField;
    int nField; /* extra fields (may be 0) */
    const char *zLang;
    size_t nLang; /* Snowball language of this
                  ** document (NULL: the index's) */
} kq_doc;

/* Built-in field names; any other NAME:value in a query is an extra field. */
#define KQ_FIELD_NAMES "title", "body", "source", "date", "id"
/* Is z[0..n) a name an extra field may have ([a-z][a-z0-9_]*, at most
** KQ_MAX_FIELD_NAME bytes, not one of KQ_FIELD_NAMES)? */
int kq_field_name_ok(const char *z, size_t n);

/* Is zDate/nDate a date kq understands (YYYY, YYYY-MM, YYYY-MM-DD, then
** optionally 'T' or ' ' and anything, at most KQ_MAX_DATE bytes in all)?
** 1 or 0. */
int kq_date_valid(const char *zDate, size_t nDate);

#define KQ_MAX_THREADS 64
/* The options of kq_writer_open().  Start from KQ_WRITER_OPTS_INIT (all
** defaults), then set what differs: new options are only ever added at
** the end, and iVersion tells the library which of them the caller's
** struct has (another value: KQ_MISUSE). */
#define KQ_WRITER_OPTS_VERSION 2
#define KQ_WRITER_OPTS_INIT                                                   \
    {                                                                         \
        .iVersion = KQ_WRITER_OPTS_VERSION                                    \
    }
typedef struct kq_writer_opts {
    int iVersion;      /* KQ_WRITER_OPTS_VERSION */
    const char *zLang; /* stemming language for a new index (NULL: default) */
    size_t nMemory;    /* inversion budget in bytes (0: default) */
    int nThread;       /* inverting threads (Xapian with nShard > 1:
                       ** threads writing the shards, at most nShard); 0
                       ** or 1: in the caller's thread.  The index is the
                       ** same for any number. */
    int nLockWaitMs;   /* how long to wait for another writer to finish
                       ** (0: KQ_DEFAULT_LOCK_WAIT_MS; < 0: not at all) */
    int bNoMerge;      /* never merge segments at commit (see
                       ** kq_writer_commit) */
    int bTrackSeen;    /* remember every id given, for
                       ** kq_writer_delete_unseen() */
    int bXapian;       /* write a Xapian database, not a native index
                       ** (through the plugin kq-xapian.so): add, delete
                       ** and commit only (no merges, compact) */
    int nShard;        /* with bXapian: spread the documents over this
                       ** many databases (0: one, or as many as an
                       ** existing one has; at most KQ_MAX_SHARDS) */
    int bDetectLang;   /* a document without a language (kq_doc.zLang)
                       ** gets the one kq_lang_detect() finds in its
                       ** text, if any (else the index's) */
    uint64_t nMaxSegment;  /* the merge policy makes no segment larger
                           ** than this many bytes (0:
                           ** KQ_DEFAULT_MAX_SEGMENT; compact does) */
    uint64_t nMergeBudget; /* bytes of segments the merges after one
                           ** commit may read (0: KQ_MERGE_BUDGET_FACTOR
                           ** times what the commit added, at least
                           ** KQ_MERGE_BUDGET_MIN); kq_writer_merge() has
                           ** no budget */
    /* Called as a merge goes (after commits, kq_writer_merge(),
    ** kq_writer_compact()), for a progress display: iMerge numbers the
    ** merges of the call from 1; nDone of the nTotal bytes of the
    ** segments it merges are read (nDone == nTotal once, at its end).
    ** May be NULL. */
    void (*xMergeProgress)(void *pCtx, int iMerge, uint64_t nDone,
                           uint64_t nTotal);
    void *pMergeCtx;
    /* Version 2.  With bXapian: write only the documents whose ids go to
    ** shard iPart of nPart (the hash nShard spreads them by), into one
    ** database: one machine's share of a collection (kq-index --shard
    ** K/N).  nPart 0: every document, or the part an existing database
    ** is.  nPart at most KQ_MAX_SHARDS; not with nShard. */
    int iPart;
    int nPart;
} kq_writer_opts;
/* The merge policy's defaults (kq_writer_commit()): no merged segment
** past 4 GB, and the merges after a commit read at most 8 times what it
** added (at least 64 MB), so that an add costs in proportion to what it
** adds; bigger merges wait for a bigger add or kq-index merge. */
#define KQ_DEFAULT_MAX_SEGMENT ((uint64_t)4 << 30)
#define KQ_MERGE_BUDGET_FACTOR 8
#define KQ_MERGE_BUDGET_MIN ((uint64_t)64 << 20)
#define KQ_DEFAULT_LOCK_WAIT_MS 10000

typedef struct kq_writer_stats {
    uint64_t nDoc;        /* documents added in this session */
    uint64_t nToken;      /* tokens indexed in this session */
    uint64_t nTerm;       /* distinct terms (stems, field terms) of the last
                          ** segment written; an index's words:
                          ** kq_index_nwords() */
    uint64_t nByteIn;     /* bytes of title + body text analysed */
    uint64_t nIndexByte;  /* total size of the index files after commit */
    uint32_t nSpill;      /* in-memory runs written because of the budget */
    uint32_t nOrphan;     /* files of interrupted runs removed at open */
    uint64_t nSkip;       /* documents already indexed unchanged, skipped */
    uint64_t nReplace;    /* documents that replaced an older version */
    uint64_t nDelete;     /* documents deleted (kq_writer_delete*) */
    uint32_t nMerge;      /* segment merges done */
    uint32_t nSegment;    /* segments after the last commit */
    uint64_t nOtherShard; /* documents of other shards, not written
                          ** (kq_writer_opts.nPart) */
} kq_writer_stats;

/* Open (creating if needed) the index at zDir for writing, with the
** options *pOpts (NULL: the defaults).  Takes the writer lock, waiting up
** to pOpts->nLockWaitMs for another writer to finish; KQ_BUSY (naming the
** holder) if it does not in time. */
int kq_writer_open(const char *zDir, const kq_writer_opts *pOpts,
                   kq_writer **ppOut, char **pzErr);
/* Add a document.  Documents are known by their id: a document whose id is
** already in the index replaces the older version, unless its contents
** (title, date, source, body) are the same, in which case it is skipped
** (stats nSkip). */
int kq_writer_add(kq_writer *p, const kq_doc *pDoc, char **pzErr);

/* KQ_OK if zId/nId may be a document id: 1 to KQ_MAX_ID bytes of valid
** UTF-8 holding no control character (C0, DEL or C1).  Else KQ_MISUSE and
** a message saying why (kq_writer_add() refuses such a document with it). */
int kq_id_check(const char *zId, size_t nId, char **pzErr);
/* Delete the document with this id: KQ_OK, or KQ_NOTFOUND if the index has
** none. */
int kq_writer_delete(kq_writer *p, const char *zId, size_t nId, char **pzErr);
/* Commit, then delete every document whose id this writer was never given
** (opts.bTrackSeen; for an indexer run that mirrors its inputs); *pnDel
** gets the count.  The deletions are committed by the next commit. */
int kq_writer_delete_unseen(kq_writer *p, uint64_t *pnDel, char **pzErr);
/* Make everything added and deleted visible to readers, atomically.  Then,
** unless opts.bNoMerge, merge segments by the policy in writer.c, each
** merge its own atomic commit.  The return value is the commit's: KQ_OK
** means everything is committed, even if a merge after it failed (a
** full disk, say) -- such a failure loses nothing, leaves the index as
** committed (with more segments than the policy wants) and is reported
** by kq_writer_merge_status(); the next commit merges again. */
int kq_writer_commit(kq_writer *p, char **pzErr);
/* Commit, then do every merge the policy of kq_writer_commit() wants now,
** whatever opts.bNoMerge says: for a writer that adds with bNoMerge, so
** that the add returns quickly, and merges later (kq-index merge).  Each
** merge is its own atomic commit; the failure of one is returned (and
** kept for kq_writer_merge_status()), what merged before it stays. */
int kq_writer_merge(kq_writer *p, char **pzErr);
/* Commit, then merge all segments into one without deleted documents.
** A failure of the merge is returned (and kq_writer_merge_status() gives
** it too); what the commit before it committed stays committed. */
int kq_writer_compact(kq_writer *p, char **pzErr);
/* Did a merge after the last kq_writer_commit() or kq_writer_compact()
** fail?  KQ_OK if not; else its rc, and in *pzMsg (may be NULL) its
** message, owned by the writer and valid until its next commit or close. */
int kq_writer_merge_status(const kq_writer *p, const char **pzMsg);
/* The writer's statistics now, owned by it and valid until its next call
** (fields are only ever added at the end of kq_writer_stats). */
const kq_writer_stats *kq_writer_stats_get(kq_writer *p);
/* Close; anything not committed is discarded. */
void kq_writer_close(kq_writer *p);

/**************************************************************************
** Reading an index.
*/
typedef struct kq_index kq_index;

/* A kq_index is one of two backends behind one interface: kq's own index
** (a directory of segments), or one or more Xapian databases made by
** kq-index --backend=xapian (a database, a stub of shards, or shards
** served by xapian-tcpsrv at tcp://HOST:PORT).  Every function below works
** on both unless it says otherwise; one that needs kq's own index returns
** KQ_MISUSE on a Xapian database, with a message saying so. */

/* Statistics of the whole index, owned by it (kq_index_stats()).  Fields
** are only ever added at the end. */
typedef struct kq_stats {
    uint64_t nDoc;         /* documents in the index */
    uint64_t nToken;       /* the documents' lengths for ranking: their tokens,
                           ** a title token counting nTitleWeight times */
    uint64_t nGeneration;  /* commit number (Xapian: 0) */
    uint32_t nSegment;     /* segments (Xapian: databases) */
    double avgDoclen;      /* nToken / nDoc (0 if empty) */
    uint32_t nTitleWeight; /* BM25F: a title word counts this many times */
} kq_stats;

/* The parameters of the ranking function, BM25F, the same on both
** backends: why these values, in kq_int.h above kqi_bm25(). */
#define KQ_BM25_K1 1.4
#define KQ_BM25_B 0.5

/* A document's metadata, owned by the index (kq_index_doc()).  Fields are
** only ever added at the end. */
typedef struct kq_docinfo {
    const char *zId;
    size_t nId;
    const char *zTitle;
    size_t nTitle;
    const char *zDate;
    size_t nDate;
    const char *zSource;
    size_t nSource;
    uint32_t nLen; /* length for ranking: tokens, a title token counting
                   ** kq_stats.nTitleWeight times (Xapian: 0) */
    int nField;    /* extra fields stored with the document (Xapian: 0) */
    const kq_field *aField;
    const char *zLang; /* its Snowball language, as kq_languages() spells
                       ** it (kq-index --lang, --lang-field,
                       ** --detect-lang); NULL on a Xapian database */
    /* Added with format 6: the SimHash signature of its body (kq dups;
    ** the title is not in it), if bSig; bSig 0: a body without words, or
    ** a Xapian database made before signatures. */
    uint64_t nSig;
    int bSig;
} kq_docinfo;

/* Statistics of one segment of kq's own index, owned by the index
** (kq_index_segment()).  Fields are only ever added at the end. */
typedef struct kq_segment_stats {
    uint32_t iSeg;   /* its number: the files segN.* */
    uint32_t nDoc;   /* documents written to it, deleted ones included */
    uint32_t nDel;   /* of them, deleted */
    uint64_t nToken; /* the lengths of its live documents (as nToken of
                     ** kq_stats) */
    uint64_t nWord;  /* distinct words, as kq_index_nwords() counts */
    uint64_t nByte;  /* bytes of its files */
    uint32_t iIndex; /* which of the indexes kq_index_open_many() opened
                     ** it belongs to (0: the first, or the only one) */
} kq_segment_stats;

/* What the directory zDir holds: nothing kq knows (or nothing at all), a
** native kq index, or a kq Xapian database (one, or shards). */
enum kq_kind { KQ_KIND_NONE, KQ_KIND_NATIVE, KQ_KIND_XAPIAN };
int kq_dir_kind(const char *zDir);

/* Open the index at zPath: kq's own (its committed generation), a kq
** Xapian database or stub, or tcp://HOST:PORT (a database served by
** xapian-tcpsrv).  KQ_NOTFOUND if there is no index there, KQ_FORMAT if
** it is not one we read, KQ_CORRUPT if it is damaged, KQ_XAPIAN if Xapian
** cannot open it. */
int kq_index_open(const char *zPath, kq_index **ppOut, char **pzErr);
/* Open several indexes as one, searched together with collection-wide
** statistics: Xapian databases and tcp:// shards, or kq's own indexes (at
** most KQ_MAX_SHARDS of either kind, not mixed: KQ_MISUSE).  kq's own are
** one collection as if one index held all their documents: their
** segments one after another (docids in the order of azPath, then each
** index's own), the ranking, counts and every call as on that index.
** They must share the stemming language and title weight, hold fewer
** than KQ_DOCID_EOF documents in all, and no id may be live in two of
** them (each KQ_MISUSE, naming the indexes, and the ids, a few); one
** directory given twice is refused so.  Checking the ids reads each
** segment's id table (20 bytes a document) at every open.  kq_stats
** gives their documents, segments, and the sum of their generations.
** With one path, as kq_index_open(). */
int kq_index_open_many(const char *const *azPath, int nPath, kq_index **ppOut,
                       char **pzErr);
void kq_index_close(kq_index *p);
/* KQ_KIND_NATIVE or KQ_KIND_XAPIAN. */
int kq_index_backend(const kq_index *p);
const kq_stats *kq_index_stats(const kq_index *p);
/* The index's analyzer (owned by the index). */
kq_analyzer *kq_index_analyzer(kq_index *p);
/* Metadata of document iDoc into *ppOut, owned by the index and valid
** until the next kq_index_doc() on p or its close. */
int kq_index_doc(kq_index *p, kq_docid iDoc, const kq_docinfo **ppOut,
                 char **pzErr);
/* The tokens of a document of p, title and body, from its kq_docinfo:
** pInfo->nLen is the length for ranking, where a title token counts
** nTitleWeight times; this is the plain count (what kq's "len" shows),
** worked out from nLen and the stored title, analysed again (Xapian: the
** title and the stored body analysed again). */
uint32_t kq_docinfo_tokens(kq_index *p, const kq_docinfo *pInfo);
/* The stored body of iDoc, malloc()ed into *pzText (caller frees). */
int kq_index_text(kq_index *p, kq_docid iDoc, char **pzText, size_t *pnText,
                  char **pzErr);
/* A token of a document as the index has it (kq_index_doc_tokens()). */
typedef struct kq_doc_token {
    const char *zWord; /* the word, case and accents folded, not stemmed */
    size_t nWord;
    const char *zStem;   /* its indexed term (NULL: none).  A word longer */
    size_t nStem;        /* than KQ_MAX_WORD is no token: it takes a
                         ** position (the next token's iPos skips it) */
    uint32_t iPos;       /* its position, as kq_match numbers them */
    int bTitle;          /* in the title, else in the body */
    size_t iStart, iEnd; /* its bytes in the title or the stored body */
} kq_doc_token;
/* Each token of document iDoc, title then body, with the positions and
** stems the index gave them (the document analysed again with the
** analyzer of its language); the pointers are valid during the call.  A
** non-zero return from x stops the walk and is returned.  It calls
** kq_index_doc() (so ends the validity of an earlier kq_docinfo).  With
** KQ_DOC_TOKENS_NOSTEM the words are not stemmed (zStem is NULL): a
** caller that counts words, not terms, saves Snowball's time. */
#define KQ_DOC_TOKENS_NOSTEM 0x01
typedef int (*kq_doc_token_fn)(void *pCtx, const kq_doc_token *t);
int kq_index_doc_tokens(kq_index *p, kq_docid iDoc, int flags, void *pCtx,
                        kq_doc_token_fn x, char **pzErr);
/* The number of live documents holding the indexed term zTerm (a stem,
** or a field term) and its occurrences in them: exact, deleted documents
** not counted (the ranking's df counts them until a merge drops them).
** On Xapian: its term frequency and its positions (a term without any,
** such as a date's, once a document). */
int kq_index_term_freq(kq_index *p, const char *zTerm, size_t nTerm,
                       uint64_t *pnDoc, uint64_t *pnOcc, char **pzErr);
/* The number of documents holding each distinct value of their date
** (KQ_VALUE_DATE, as kq_docinfo.zDate) or source (KQ_VALUE_SOURCE):
** x(pCtx, zValue, nValue, nDoc) for each non-empty value, in byte order,
** then for the empty value (no date, no source) if some document has it.
** A non-zero return from x stops the walk and is returned.  A Xapian
** database only: counted inside each database or tcp:// shard (a match
** spy), one round trip a shard where reading every document's value is
** one a document.  On kq's own index KQ_MISUSE: a walk of the document
** table (kq_index_each_doc(), kq_index_doc()) is as fast there. */
#define KQ_VALUE_DATE 0
#define KQ_VALUE_SOURCE 1
typedef int (*kq_value_count_fn)(void *pCtx, const char *zValue, size_t nValue,
                                 uint64_t nDoc);
int kq_index_value_counts(kq_index *p, int eField, void *pCtx,
                          kq_value_count_fn x, char **pzErr);
/* Call x for every live (not deleted) document, in docid order; a
** non-zero return from x stops the walk and is returned.  *pnDocid (may
** be NULL) gets one more than the largest docid.  x may be NULL: only
** *pnDocid is set.  Both backends (Xapian: its list of every document). */
typedef int (*kq_doc_fn)(void *pCtx, kq_docid iDoc);
int kq_index_each_doc(kq_index *p, void *pCtx, kq_doc_fn x, kq_docid *pnDocid,
                      char **pzErr);
/* Call x for every live document that has a near-duplicate signature
** (kq_docinfo.nSig, bSig), in docid order, reading only the fixed-width
** signature array (8 bytes a document; no record is decoded).  A
** non-zero return from x stops the walk and is returned; KQ_CORRUPT if a
** checksum of the array fails.  kq's own index only (on Xapian,
** kq_index_doc() gives a document's signature). */
typedef int (*kq_sig_fn)(void *pCtx, kq_docid iDoc, uint64_t nSig);
int kq_index_each_sig(kq_index *p, void *pCtx, kq_sig_fn x, char **pzErr);
/* Near-duplicates (common/dups.c).  Two documents are near-duplicates
** when the resemblance of their bodies -- the distinct word 3-shingles
** (three consecutive words, folded, not stemmed) they share over those
** either has, |A n B| / |A u B| (Broder 1997) -- is at least a threshold
** T.  kq_index_dups() finds every such pair when the documents' shingle
** sets fit in its memory budget (the exact method, by prefix filtering);
** past it, only the pairs whose SimHash signatures (kq_docinfo.nSig) are
** at most kq_dups_bits(T) of 64 bits apart (kq_sig_distance()) are
** compared (the signature method).  Those distances up to
** KQ_DUPS_BLOCK_MAX_BITS are found by the block method of Manku, Jain and
** Das Sarma (WWW 2007); larger ones compare every pair of signatures (at
** most KQ_DUPS_MAX_ALLPAIRS). */
#define KQ_DUPS_BLOCK_MAX_BITS 7
#define KQ_DUPS_MIN_THRESHOLD 0.3
#define KQ_DUPS_THRESHOLD 0.5 /* kq dups' default */
/* Standard deviations past the mean distance of a pair at the threshold
** (dups.c): such a pair is compared 99 times in 100. */
#define KQ_DUPS_BITS_Z 2.33
/* kq_index_dups()'s default budget: the exact method while the shingle
** sets take at most this at 32 bytes a shingle (sets, their order and
** lists; plus a byte a shingle and some 40 bytes a document); past it the
** signature method, which keeps sets while they fit and makes them again
** when needed. */
#define KQ_DUPS_MEMORY ((size_t)256 << 20)
int kq_sig_distance(uint64_t a, uint64_t b);
/* The signature distance at which a pair of resemblance T is compared:
** the mean distance at T plus KQ_DUPS_BITS_Z standard deviations, at most
** 32 (-1: T outside KQ_DUPS_MIN_THRESHOLD..1). */
int kq_dups_bits(double threshold);
/* Cluster aSig[0..n) (0: no signature, never clustered) by signatures
** alone, as the connected components of the pairs at most nBit bits
** apart: aRep[i] gets the lowest index of i's cluster (i when it has no
** near-duplicate).  nBit 0..32.  KQ_OK, KQ_NOMEM, or KQ_MISUSE (nBit out
** of range; more than KQ_DUPS_MAX_ALLPAIRS distinct signatures for a
** distance that needs every pair). */
int kq_dups_cluster(const uint64_t *aSig, size_t n, int nBit, size_t *aRep,
                    char **pzErr);
/* The options of kq_index_dups(): start from KQ_DUPS_OPTS_INIT. */
#define KQ_DUPS_OPTS_VERSION 1
#define KQ_DUPS_OPTS_INIT                                                     \
    {                                                                         \
        .iVersion = KQ_DUPS_OPTS_VERSION, .threshold = KQ_DUPS_THRESHOLD      \
    }
typedef struct kq_dups_opts {
    int iVersion;     /* KQ_DUPS_OPTS_VERSION */
    double threshold; /* resemblance, KQ_DUPS_MIN_THRESHOLD to 1 */
    size_t nMemory;   /* the budget (0: KQ_DUPS_MEMORY) */
} kq_dups_opts;
typedef struct kq_dups_stats {
    int bExact;         /* 1: the exact method (every pair found) */
    int nBit;           /* kq_dups_bits(threshold) (the signature method) */
    uint64_t nCompared; /* candidate pairs whose shingles were compared */
    uint64_t nJoined;   /* of them, those at or above the threshold */
} kq_dups_stats;
/* The near-duplicate clusters of documents aDoc[0..n) of p, whose
** signatures are aSig[0..n) (kq_docinfo.nSig; 0: none, never clustered):
** the connected components of the pairs whose resemblance, counted from
** their stored bodies, is at least the threshold (nInter >= T x nUnion):
** every such pair (pStats->bExact) while the shingle sets fit in
** pOpts->nMemory / 32 shingles, else those the signatures put forward.
** aRep[i] gets the lowest index of i's cluster; aSim[i] (may be NULL) the
** resemblance of i to that first member (1 for it).  With
** aDoc in docid order, a cluster's first member is its lowest docid.
** *pStats (may be NULL) says what was compared.  KQ_MISUSE for a threshold
** out of range or too many signatures (kq_dups_cluster()). */
int kq_index_dups(kq_index *p, const kq_dups_opts *pOpts, const kq_docid *aDoc,
                  const uint64_t *aSig, size_t n, size_t *aRep, double *aSim,
                  kq_dups_stats *pStats, char **pzErr);
/* Segment i (0 <= i < kq_stats.nSegment) of kq's own index: *ppOut, owned
** by the index and valid until its close.  kq's own index only. */
int kq_index_segment(kq_index *p, uint32_t i, const kq_segment_stats **ppOut,
                     char **pzErr);
/* Xapian can loop forever reading some damage (a block's directory
** pointer).  With a handler set, a read of a Xapian database that has
** not returned after KQ_XAPIAN_STALL_MS makes another thread check the
** databases, as xapian-check does; if they are damaged, x(pCtx, zErr) is
** called from that thread with the read still under way: it must end
** the process.  Does nothing on kq's own index, which bounds every read. */
typedef void (*kq_stall_fn)(void *pCtx, const char *zErr);
int kq_index_on_stall(kq_index *p, kq_stall_fn x, void *pCtx);
/* Verify everything: file checksums, every structure, that postings
** agree with the dictionary and document table, and that every
** document's signature is the one its stored body gives.  Problems are
** described in *pzErr.  Returns KQ_OK or KQ_CORRUPT.  kq's own index only. */
int kq_index_check(kq_index *p, char **pzErr);

/**************************************************************************
** Queries.
*/
typedef struct kq_query kq_query;

/* Parse zQuery with the index's analyzer.  On KQ_SYNTAX, *piCol (1-based
** character column) and *pzErr say where and what. */
int kq_query_parse(kq_analyzer *pA, const char *zQuery, kq_query **ppOut,
                   int *piCol, char **pzErr);
/* As kq_query_parse(), with flags: KQ_QUERY_OR makes adjacent items
** (a b) mean a OR b instead of a AND b. */
#define KQ_QUERY_OR 0x01
int kq_query_parse_ex(kq_analyzer *pA, const char *zQuery, int flags,
                      kq_query **ppOut, int *piCol, char **pzErr);
void kq_query_free(kq_query *p);
/* A readable form of the parsed query, e.g. AND(ceasefir, peacekeep)
** (malloc()ed; caller frees). */
char *kq_query_describe(const kq_query *p);

typedef struct kq_hit {
    kq_docid iDoc;
    double score;
} kq_hit;

/* Run q.  The hits ranked nOffset .. nOffset+nLimit-1 (score descending,
** ties by ascending docid) go to *paHit (malloc()ed, caller frees), their
** number to *pnHit, and the exact number of matching documents to *pnTotal.
** With nLimit == 0 nothing is scored: only *pnTotal is computed. */
int kq_search(kq_index *p, const kq_query *q, size_t nOffset, size_t nLimit,
              kq_hit **paHit, size_t *pnHit, uint64_t *pnTotal, char **pzErr);

/* kq_search() with flags.  KQ_SEARCH_ESTIMATE: the exact number of matches
** is not needed, which lets ranked OR queries skip documents that cannot
** reach the top (MaxScore with block maxima); the hits and their scores
** are the same, and *pnTotal is then a lower bound, *pbExact 0.  pbExact
** may be NULL. */
#define KQ_SEARCH_ESTIMATE 0x01
int kq_search_ex(kq_index *p, const kq_query *q, int flags, size_t nOffset,
                 size_t nLimit, kq_hit **paHit, size_t *pnHit,
                 uint64_t *pnTotal, int *pbExact, char **pzErr);

/* kq_search_ex() flags choosing the order of the hits (default: score
** descending).  Ties go by ascending docid (date orders on Xapian: the
** order kq-index added the documents in); documents without a date come
** last in both date orders. */
#define KQ_SEARCH_DATE 0x02      /* oldest first */
#define KQ_SEARCH_DATE_DESC 0x04 /* newest first */

/* Every matching document, in docid order, with its score and the number
** of the query's matches in it (kq_matcher_doc(): a phrase's occurrences,
** a NEAR's windows, ...).  A non-zero return from x stops the walk and is
** returned. */
typedef int (*kq_match_fn)(void *pCtx, kq_docid iDoc, double score,
                           uint32_t nOcc);
int kq_search_each(kq_index *p, const kq_query *q, void *pCtx, kq_match_fn x,
                   char **pzErr);

/* How the score of iDoc for q is made: one entry per scoring term of the
** query (a phrase or NEAR gives one per word). */
typedef struct kq_explain_term {
    char *zTerm;  /* the indexed term (stem), with its field, e.g.
                  ** "ceasefir" (malloc()ed, freed by kq_explain_free) */
    char *zWhere; /* how the query wrote it: the word as typed
                  ** ("Ceasefires"), "peace*", "=word" */
    uint32_t tf;  /* occurrences in the document (0: not in it) */
    uint64_t df;  /* documents containing the term */
    double idf;
    double boost;     /* term^2 and the like; 1 by default */
    double score;     /* its part of the document's score */
    uint32_t tfTitle; /* of tf, the occurrences in the title (BM25F
                      ** counts them kq_stats.nTitleWeight times) */
} kq_explain_term;
typedef struct kq_explain_info {
    int bMatch;    /* does the document match the query? */
    double score;  /* its score (the sum of the parts when it matches) */
    uint32_t nLen; /* document length (as kq_docinfo.nLen) */
    double avgLen; /* average document length */
    uint64_t nDoc; /* documents in the index */
    kq_explain_term *aTerm;
    int nTerm;
} kq_explain_info;
int kq_explain(kq_index *p, const kq_query *q, kq_docid iDoc,
               kq_explain_info *pOut, char **pzErr);
void kq_explain_free(kq_explain_info *p);

/* The most words one prefix (word*) may expand to when p runs a query
** (default KQ_DEFAULT_MAX_EXPANSION); n from 1 to KQ_MAX_QUERY_EXPANSION,
** else KQ_MISUSE.  A prefix matching more words is an error (KQ_SYNTAX,
** the message names it), as are a query's prefixes and date ranges
** expanding to more than KQ_MAX_QUERY_EXPANSION terms together. */
int kq_index_set_max_expansion(kq_index *p, uint32_t n);

/* Find the document whose id is zId: *piDoc, or KQ_NOTFOUND. */
int kq_index_find(kq_index *p, const char *zId, size_t nId, kq_docid *piDoc,
                  char **pzErr);

/* The words of the index's vocabulary that start with the folded prefix
** zPrefix (all words when nPrefix is 0), in byte order, each once: the word,
** its indexed term (stem) and the number of documents containing that term.
** A non-zero return from x stops the walk and is returned (KQ_DONE as
** KQ_OK).  kq_index_fields() needs kq's own index. */
typedef int (*kq_term_fn)(void *pCtx, const char *zWord, size_t nWord,
                          const char *zTerm, size_t nTerm, uint64_t df);
int kq_index_terms(kq_index *p, const char *zPrefix, size_t nPrefix,
                   void *pCtx, kq_term_fn x, char **pzErr);

/* The number of distinct words of the whole index (every segment): the
** entries kq_index_terms() gives with no prefix, i.e. the lines of `kq
** terms`: the words of titles and bodies in the index's language.  Words
** of source and extra fields, of documents in another language
** (--lang-field), dates, and the stems the words map to are not counted. */
int kq_index_nwords(kq_index *p, uint64_t *pnWord, char **pzErr);

/* Room for a Snowball language name and its NUL. */
#define KQ_MAX_LANG_NAME 32
typedef struct kq_langcount {
    char zLang[KQ_MAX_LANG_NAME]; /* canonical name: "english", ... */
    uint64_t nDoc;                /* its documents (not deleted) */
} kq_langcount;
/* The languages of the index's documents (the index's own for documents
** that had none; kq-index --lang-field, --detect-lang for others), sorted
** by name, with their documents: a malloc()ed array; free() it. */
int kq_index_languages(kq_index *p, kq_langcount **paOut, int *pn,
                       char **pzErr);

/* The names of the extra fields this index has (kq-index --field), as a
** malloc()ed array of malloc()ed strings (free each and the array). */
int kq_index_fields(kq_index *p, char ***pazName, int *pnName, char **pzErr);

/* A multi-line, indented rendering of how q was read: operators, each
** word with its stem, fields, date ranges, proximity and boosts; with
** kq's own index (p may be NULL), prefix expansions too.  Then one line
** "warning: ..." per ambiguity (e.g. AND and OR mixed without
** parentheses).  malloc()ed; caller frees. */
char *kq_query_tree(kq_index *p, const kq_query *q);
/* The number of warnings kq_query_tree() would print. */
int kq_query_nwarning(const kq_query *q);

/* A query's matches in a document: the spans of tokens that satisfy it, by
** the counting rule of each operator (kq(1), MATCHES): a word's tokens, a
** phrase's non-overlapping occurrences, the windows of a NEAR/ADJ, and so
** on; conditions (NOT, source:, extra fields, date:, id:) have none.  Every
** occurrence count, concordance line and snippet highlight of kq is one. */
typedef struct kq_match {
    uint32_t iFirst;     /* position of its first token, and of its last, */
    uint32_t iLast;      /* as the index numbers them: the title's tokens
                         ** from 0, the body's after them and a gap */
    int iPart;           /* the part of the query it is a match of: its
                         ** words, prefixes, phrases and NEARs numbered from
                         ** 0 in the query's order */
    int bTitle;          /* kq_match_locate(): in the title, else the body */
    size_t iStart, iEnd; /* kq_match_locate(): its bytes [iStart, iEnd) in
                         ** that text */
} kq_match;
typedef struct kq_matcher kq_matcher;
/* Prepare to find the matches of q in documents of p. */
int kq_matcher_new(kq_index *p, const kq_query *q, kq_matcher **ppOut,
                   char **pzErr);
/* Does document iDoc match q (*pbMatch), and where: *paOut gets its matches
** in text order (owned by the matcher, valid until its next call; never
** NULL), *pnOut their number.  Fastest for documents in ascending order. */
int kq_matcher_doc(kq_matcher *p, kq_docid iDoc, int *pbMatch,
                   const kq_match **paOut, size_t *pnOut, char **pzErr);
void kq_matcher_free(kq_matcher *p);
/* Set bTitle, iStart and iEnd of the matches a[0..n) (in text order, as
** kq_matcher_doc gives them) by analysing the document's title and body
** (its stored text) again with pA. */
int kq_match_locate(kq_analyzer *pA, const char *zTitle, size_t nTitle,
                    const char *zBody, size_t nBody, kq_match *a, size_t n);

/* A snippet: text with highlighted byte ranges. */
typedef struct kq_snippet {
    char *zText; /* malloc()ed, valid UTF-8, whitespace collapsed */
    size_t nText;
    size_t *aHl; /* nHl pairs [start, end) of highlighted bytes */
    size_t nHl;
    size_t iSrcStart; /* the bytes of the original text it shows */
    size_t iSrcEnd;
    size_t *aSrcHl; /* the highlights as nHl pairs of offsets in the
                    ** original text */
} kq_snippet;

void kq_snippet_clear(kq_snippet *p);

/* Up to nMax snippets of about nWord words each of the body zText, best
** first (the most distinct parts of the query, then the most matches),
** that do not overlap, into *paOut (malloc()ed; free with
** kq_snippets_free).  aMatch[0..nMatch) are the document's matches as
** kq_match_locate() placed them (those in the title are not used); each
** is one highlight.  A text without matches gives one snippet: its
** start. */
int kq_snippets_make(kq_analyzer *pA, const char *zText, size_t nText,
                     const kq_match *aMatch, size_t nMatch, size_t nWord,
                     int nMax, kq_snippet **paOut, int *pnOut);
void kq_snippets_free(kq_snippet *a, int n);

/**************************************************************************
** Collocates and keywords (common/collocates.c, keywords.c; kq(1),
** COLLOCATES AND KEYWORDS gives the definitions and formulas).  Both count
** the tokens of kq_index_doc_tokens(), title and body; a token's key is
** its folded word, or with bStem its stem (a word without one has no
** key).  Both backends.
*/
/* The key of a word as written, z[0..n), analysed with pA (folded, and
** stemmed with bStem), into zOut (NUL-terminated), its length in *pnOut:
** KQ_OK; KQ_NOTFOUND, bStem and the word is never indexed (no token has
** that key); KQ_MISUSE, z is not one word of at most KQ_MAX_WORD bytes
** once folded. */
int kq_assoc_key(kq_analyzer *pA, int bStem, const char *z, size_t n,
                 char zOut[KQ_MAX_WORD + 1], size_t *pnOut);
/* A keyword's reference frequency of 0 is taken as this in Log Ratio and
** %DIFF (which are infinite otherwise). */
#define KQ_ASSOC_ZERO 0.5
/* Most tokens each side of a match a collocates window reaches (each
** window is counted token by token for every match). */
#define KQ_MAX_WINDOW 1000
/* The measure collocates are ordered by. */
enum {
    KQ_MEASURE_LOGDICE,
    KQ_MEASURE_MI,
    KQ_MEASURE_T,
    KQ_MEASURE_LL,
    KQ_MEASURE_N
};
/* The options of kq_index_collocates(): start from KQ_COLLOC_OPTS_INIT. */
#define KQ_COLLOC_OPTS_VERSION 1
#define KQ_COLLOC_OPTS_INIT                                                   \
    {                                                                         \
        .iVersion = KQ_COLLOC_OPTS_VERSION, .nLeft = 5, .nRight = 5,          \
        .nMinFreq = 3                                                         \
    }
typedef struct kq_colloc_opts {
    int iVersion;      /* KQ_COLLOC_OPTS_VERSION */
    int bStem;         /* key: the stem, not the word */
    uint32_t nLeft;    /* the window: tokens before a match's first, */
    uint32_t nRight;   /* and after its last (0..KQ_MAX_WINDOW, not both 0) */
    uint64_t nMinFreq; /* the rows: collocates seen at least this often */
    int eMeasure;      /* ... in the order of this (KQ_MEASURE_*) */
    /* Words left out (a stop list), as written: each is keyed with
    ** pAnalyzer (NULL: the index's) by kq_assoc_key(); a word that is not
    ** one is KQ_MISUSE, naming its index. */
    const char *const *azStop;
    size_t nStop;
    kq_analyzer *pAnalyzer;
} kq_colloc_opts;
typedef struct kq_colloc_row {
    const char *zKey; /* the collocate (NUL-terminated) */
    size_t nKey;
    uint64_t nObs;  /* O: its tokens in the windows of the matches */
    uint64_t nFreq; /* f(c): its tokens in the live documents */
    double rExpected, rLogDice, rMI, rT, rLL; /* E and the measures */
} kq_colloc_row;
typedef struct kq_collocates {
    uint64_t nDoc;    /* documents matching the query */
    uint64_t nMatch;  /* f(n): its matches (kq_matcher_doc()) */
    uint64_t nCorpus; /* N: the tokens of the live documents */
    size_t nRow;
    kq_colloc_row *aRow; /* by the measure (highest first, NaN last),
                         ** then by key bytes */
} kq_collocates;
/* The collocates of q's matches, read from the stored text: every key
** seen at least nMinFreq times in the windows, with its statistics.
** *ppOut is freed with kq_collocates_free(). */
int kq_index_collocates(kq_index *p, const kq_query *q,
                        const kq_colloc_opts *pOpts, kq_collocates **ppOut,
                        char **pzErr);
void kq_collocates_free(kq_collocates *p);
/* The options of kq_index_keywords(): start from KQ_KEYWORDS_OPTS_INIT. */
#define KQ_KEYWORDS_OPTS_VERSION 1
#define KQ_KEYWORDS_OPTS_INIT                                                 \
    {                                                                         \
        .iVersion = KQ_KEYWORDS_OPTS_VERSION, .nMinFreq = 5                   \
    }
typedef struct kq_keywords_opts {
    int iVersion;      /* KQ_KEYWORDS_OPTS_VERSION */
    int bStem;         /* key: the stem, not the word */
    uint64_t nMinFreq; /* the rows: keys at least this often in the focus */
    /* The reference corpus: the documents matching this (NULL: every
    ** live document outside the focus).  A document matching both is in
    ** the focus only (nOverlap counts them). */
    const kq_query *pReference;
} kq_keywords_opts;
typedef struct kq_keyword_row {
    const char *zKey; /* the word (NUL-terminated) */
    size_t nKey;
    uint64_t nFocus, nRef;           /* a and b: its tokens in each */
    double rLL, rLogRatio, rPctDiff; /* G2, Log Ratio, %DIFF */
} kq_keyword_row;
typedef struct kq_keywords {
    uint64_t nFocusDoc, nRefDoc, nOverlap; /* documents */
    uint64_t nFocusTok, nRefTok;           /* c and d: tokens */
    size_t nRow;          /* none when the focus or the reference is empty */
    kq_keyword_row *aRow; /* by G2 (highest first, NaN last), then key */
} kq_keywords;
/* The keywords of the documents matching pFocus (the focus) against the
** reference: every key seen at least nMinFreq times in the focus, with
** its statistics.  *ppOut is freed with kq_keywords_free(). */
int kq_index_keywords(kq_index *p, const kq_query *pFocus,
                      const kq_keywords_opts *pOpts, kq_keywords **ppOut,
                      char **pzErr);
void kq_keywords_free(kq_keywords *p);

/**************************************************************************
** Text utilities for programs on this API: the buffer, the formatting and
** the escaping that kq and kq-index use for everything they print.
*/
/* The display width of UTF-8 text in terminal columns (common/width.c:
** wide characters count 2, combining marks and control characters 0). */
size_t kq_text_width(const char *z, size_t n);
/* The longest prefix of z[0..n) at most w columns wide: its byte length;
** *pnWidth (may be NULL) gets its width. */
size_t kq_text_prefix(const char *z, size_t n, size_t w, size_t *pnWidth);
/* The longest suffix at most w columns wide: the byte offset it starts
** at; *pnWidth (may be NULL) gets its width. */
size_t kq_text_suffix(const char *z, size_t n, size_t w, size_t *pnWidth);
/* A growable byte buffer (after SQLite's sqlite3_str): zero-initialise
** it, append, read a[0..n), free.  An allocation failure is sticky: rc
** becomes KQ_NOMEM, and later appends do nothing. */
typedef struct kq_buf {
    unsigned char *a;
    size_t n; /* bytes used */
    size_t nAlloc;
    int rc; /* KQ_OK, or KQ_NOMEM after a failed allocation */
} kq_buf;
void kq_buf_append(kq_buf *b, const void *p, size_t n);
void kq_buf_putc(kq_buf *b, unsigned char c);
void kq_buf_free(kq_buf *b);

/* Make room for nNeed elements of szElem bytes in the malloc()ed array
** *ppArray (a T ** passed as void *), which has room for *pnAlloc: doubled
** from *pnAlloc, or from nFirst when it is 0.  KQ_OK, or KQ_NOMEM with
** the array and *pnAlloc as they were.  The one growable-array helper, of
** the library and of kq and kq-index. */
int kq_grow(void *ppArray, size_t szElem, size_t *pnAlloc, size_t nNeed,
            size_t nFirst);

/* A size as kq-index --memory and kq dups --memory take it: 512, 64K,
** 64M, 2G (powers of 1024, a "B" after the unit allowed), at least 1 and
** at most 10^15 bytes; 0 for anything else. */
size_t kq_parse_size(const char *z);

/* printf() into a malloc()ed string (NULL if out of memory). */
char *kq_mprintf(const char *zFmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Text that came from the input (ids, titles, stored text, queries, file
** names) may hold any bytes; nothing of it should reach a terminal raw.
** One kind of escaping per kind of output (the table at the top of
** common/escape.c). */
enum kq_esc {
    KQ_ESC_TEXT,  /* controls and invalid UTF-8 as \xHH */
    KQ_ESC_LINES, /* the same, tab, newline and CRLF kept */
    KQ_ESC_TSV,   /* \t \n \r \\ and \xHH: reversible */
    KQ_ESC_CSV,   /* as LINES, then RFC 4180 quoting */
    KQ_ESC_XML,   /* entities; XML-invalid characters as U+FFFD */
    KQ_ESC_UTF8,  /* invalid UTF-8 as U+FFFD only (for a JSON library) */
    KQ_ESC_JSON   /* a JSON text as jansson dumps it, with DEL and the C1
                  ** controls (which jansson leaves raw) as \u escapes */
};
/* Append z[0..n) (any bytes; z may be NULL) to b escaped for eKind. */
void kq_buf_escape(kq_buf *b, const char *z, size_t n, int eKind);
/* The same as a malloc()ed NUL-terminated string; NULL on OOM. */
char *kq_escape(const char *z, size_t n, int eKind);

/* z[0..n) as valid UTF-8 (invalid bytes become U+FFFD), NUL-terminated,
** malloc()ed; with bCollapse, runs of white space and control characters
** (C0, DEL, C1) become one space and the ends are trimmed.  Without it,
** controls are kept: write the result with kq_buf_escape(). */
char *kq_utf8_clean(const char *z, size_t n, int bCollapse);

/* The optimal-string-alignment distance between two UTF-8 words (the
** Damerau-Levenshtein distance without edits of edited text), counted in
** characters, if it is at most nMax; else nMax + 1.  Fuzzy words (word~2)
** use it. */
int kq_edit_distance(const char *zA, size_t nA, const char *zB, size_t nB,
                     int nMax);

#ifdef __cplusplus
}
#endif
#endif /* KQ_H */
