/*
** xbackend.c -- Xapian as kq's second backend: kq documents written into a
** Xapian database with kq's own analysis, and kq's parsed queries run on
** one or more Xapian databases (local, or remote through xapian-tcpsrv).
**
** A kq Xapian database is an ordinary Xapian database (glass) that any
** Xapian tool opens:
**   terms      kq's terms (folded, stemmed), with positions; a document's
**              positions, length and term frequencies are those of the
**              native index (title from position 0, body after a gap)
**   values     0 id, 1 title, 2 date, 3 source, 4 the SimHash signature
**              of the body (simhash.c; u64 little-endian, absent when
**              the body has none or the database predates it), 5 the
**              document's number in the order kq-index added them, over
**              all shards and runs (u64 big-endian; absent in databases
**              older than it): date order breaks ties by it as the
**              native index does by docid (KQX_VALUE_*)
**   data       the body text (for snippets)
**   metadata   "kq:lang" = the stemming language;
**              "kq:analysis" = KQI_ANALYSIS_VERSION, the version of the
**              analysis that made the terms (a database without it, or
**              with another, is refused: its terms are not this kq's);
**              "w" 0x01 word = stem, for each word (the vocabulary of
**              prefix, wildcard and fuzzy queries, as in dict.c);
**              "kq:vocab" = "all" says it has every word (kq always
**              writes it; without it, patterns also match the terms);
**              "kq:seq" = the next document's value 5, in decimal
**
** With --shards N the documents are spread over N such databases,
** DIR/shard000 ..., by a stable hash (FNV-1a) of the document id, and
** DIR/XAPIANDB is a Xapian stub database naming them, so that DIR opens as
** one database in kq and in every Xapian tool; each shard can also be
** served on its own by xapian-tcpsrv.  The metadata goes to every shard
** (a multi-database reads metadata from its first one).
**
** Queries are translated from kq's tree (query.c), never re-parsed by
** Xapian's QueryParser, and ranked with the same BM25 (see kqx_search()),
** so both backends return the same documents with the same scores.
*/
#include "kq_int.h"
#include "xapian_capi.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <pthread.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define META_LANG "kq:lang"
#define META_ANALYSIS "kq:analysis"
/* The title weight of BM25F (kq_int.h), as decimal digits (kq always
** writes it; none reads as weight 1). */
#define META_TITLE_WEIGHT "kq:title_weight"
#define META_WORD "w\x01"
#define META_WORD_LEN 2
#define META_VOCAB "kq:vocab"
#define META_VOCAB_ALL "all"
/* "K/N": the database is shard K of a collection of N (part_check()). */
#define META_PART "kq:part"
#define META_SEQ "kq:seq"

/**************************************************************************
** Writing.
**
** kqi_xwriter_add() checks a document in the caller's thread (its id,
** date and language, and which shard it goes to), then the document is
** analysed and given to Xapian by the thread that owns its shard.  With
** --shards N and -j M (M > 1), min(M, N) threads own the shards, shard i
** thread i % M, each with its own analyzer (Snowball stemmers keep state)
** and its own Xapian writers; documents are copied to the owner's queue.
** Otherwise one xthread does it all in the caller's thread.  A shard gets
** its documents in input order either way, so its docids, and so the
** database, are the same for any -j.
**
** The vocabulary (META_WORD entries) goes to every shard, so the words of
** all threads are gathered in sets and written to every shard, each shard
** by its owner, when the sets pass XVOCAB_MAX words and at commit.
*/

/* Xapian's longest term in bytes (its glass backend's limit).  A
** document's unique term is "Q" + id (Xapian's convention), so a Xapian
** database takes ids of at most XTERM_MAX - 1 bytes (KQ_XAPIAN_MAX_ID):
** the term finds the document to replace or delete, and id: finds it. */
#define XTERM_MAX (KQ_XAPIAN_MAX_ID + 1)
/* Documents a Xapian writer holds in memory before it writes them to its
** tables (inside kq's transaction too; not a commit): Xapian's default,
** XAPIAN_FLUSH_THRESHOLD, shared among the shards, so that N shards hold
** what one database would, not N times it (4 shards of gutenberg-dev
** peaked at 1.25 GB with 10000 each), and at least XFLUSH_MIN a shard.
** A user's XAPIAN_FLUSH_THRESHOLD wins. */
#define XFLUSH_DOCS 10000
#define XFLUSH_MIN 100
/* Documents queued for one writing thread, and bytes of their text, past
** which kqi_xwriter_add() waits: what reading may run ahead of Xapian. */
#define XQUEUE_DOCS 64
#define XQUEUE_BYTES ((size_t)32 << 20)
/* Distinct words the vocabulary sets hold before they are written out:
** at most some 40 MB of sets, and far fewer writes than a write for
** every token of every shard. */
#define XVOCAB_MAX ((u32)1 << 20)

/* The shard of a document: FNV-1a of its id, stable across runs and
** machines (so --shard K/N and updates find the shard --shards N chose). */
static u32
xshard_of(const char *zId, size_t nId, u32 nShard)
{
    u32 h = 2166136261u;
    for (size_t i = 0; i < nId; i++) {
        h = (h ^ (u8)zId[i]) * 16777619u;
    }
    return h % nShard;
}

/* A set of words (the vocabulary gathered since it was last written):
** open addressing over offsets into one buffer of length-prefixed
** words. */
typedef struct xvocab {
    kq_buf words; /* [len u8][bytes] each */
    u32 *aSlot;   /* 1 + offset into words; 0 empty */
    u32 *aHash;   /* the slot's word's hash */
    u32 nSlot;    /* a power of 2, or 0 */
    u32 n;
} xvocab;

static u32
xvocab_hash(const char *z, size_t n)
{
    return (u32)kqi_hash64(z, n, KQI_SIG_SEED);
}

/* The slot of z/n: its own, or the empty one it would take. */
static u32
xvocab_slot(const xvocab *v, const char *z, size_t n, u32 h)
{
    u32 i = h & (v->nSlot - 1);
    while (v->aSlot[i]) {
        const u8 *w = v->words.a + v->aSlot[i] - 1;
        if (v->aHash[i] == h && w[0] == n && memcmp(w + 1, z, n) == 0) {
            break;
        }
        i = (i + 1) & (v->nSlot - 1);
    }
    return i;
}

static int
xvocab_grow(xvocab *v)
{
    u32 nNew = v->nSlot ? 2 * v->nSlot : 1024;
    u32 *aSlot = calloc(nNew, sizeof(u32));
    u32 *aHash = calloc(nNew, sizeof(u32));
    if (aSlot == NULL || aHash == NULL) {
        free(aSlot);
        free(aHash);
        return KQ_NOMEM;
    }
    for (u32 i = 0; i < v->nSlot; i++) {
        if (v->aSlot[i]) {
            u32 j = v->aHash[i] & (nNew - 1);
            while (aSlot[j]) {
                j = (j + 1) & (nNew - 1);
            }
            aSlot[j] = v->aSlot[i];
            aHash[j] = v->aHash[i];
        }
    }
    free(v->aSlot);
    free(v->aHash);
    v->aSlot = aSlot;
    v->aHash = aHash;
    v->nSlot = nNew;
    return KQ_OK;
}

/* Add word z/n (at most KQI_MAX_TERM bytes); *pbNew says if it is new. */
static int
xvocab_add(xvocab *v, const char *z, size_t n, int *pbNew)
{
    *pbNew = 0;
    if ((v->n + 1) * 2 > v->nSlot && xvocab_grow(v) != KQ_OK) {
        return KQ_NOMEM;
    }
    u32 h = xvocab_hash(z, n);
    u32 i = xvocab_slot(v, z, n, h);
    if (v->aSlot[i]) {
        return KQ_OK;
    }
    if (v->words.n + 1 + n >= UINT32_MAX) {
        return KQ_NOMEM;
    }
    u32 off = (u32)v->words.n;
    u8 c = (u8)n;
    kq_buf_append(&v->words, &c, 1);
    kq_buf_append(&v->words, z, n);
    if (v->words.rc) {
        return KQ_NOMEM;
    }
    v->aSlot[i] = off + 1;
    v->aHash[i] = h;
    v->n++;
    *pbNew = 1;
    return KQ_OK;
}

static int
xvocab_has(const xvocab *v, const char *z, size_t n)
{
    return v->nSlot && v->aSlot[xvocab_slot(v, z, n, xvocab_hash(z, n))];
}

static void
xvocab_clear(xvocab *v)
{
    kq_buf_free(&v->words);
    free(v->aSlot);
    free(v->aHash);
    memset(v, 0, sizeof(*v));
}

/* A document copied for the thread that writes it, or an order for the
** thread's shards. */
enum { XJOB_DOC, XJOB_VOCAB, XJOB_COMMIT };
typedef struct xjob xjob;
struct xjob {
    xjob *pNext;
    int eJob;
    u32 iDb;      /* XJOB_DOC: its shard */
    u64 nSeq;     /* and its KQX_VALUE_SEQ */
    size_t nByte; /* of text */
    kq_doc d;
    kq_field aField[]; /* d.aField */
};

typedef struct xthread {
    kqi_xwriter *pW;
    pthread_t th;
    int bThread;
    int iThread;
    /* The document being added. */
    kq_analyzer *pA;    /* its own: the writer's, or a copy for a thread */
    kq_analyzer *pDocA; /* the document's: pA, or that of its language */
    kqx_wdb *pDb;       /* its shard */
    char *zErr;         /* xtoken_cb's Xapian error */
    u32 nDocLen;
    int bTitle;                 /* analysing the title: T terms too */
    int bBody;                  /* the body: words go to sim too */
    int bVocabOnly;             /* a document of another shard: its words
                                ** go to the vocabulary, nothing else */
    kqi_simhash sim;            /* the document's signature */
    char aPfx[KQI_MAX_KEY + 2]; /* a source or extra field: its prefix */
    size_t nPfx;
    u64 nToken; /* tokens it indexed */
    xvocab vocab;
    /* Its queue (under the writer's mutex). */
    xjob *pHead, *pTail;
    u32 nJob;
    size_t nJobByte;
    int bBusy;
} xthread;

struct kqi_xwriter {
    char *zDir;
    kqx_wdb **apDb; /* one per shard */
    int nDb;
    u32 iPart, nPart; /* --shard K/N: only the ids of shard K of N (nPart 0:
                      ** every document) */
    kq_analyzer *pA;
    int bDetectLang;  /* kq_writer_opts.bDetectLang */
    u32 nTitleWeight; /* a title word's wdf */
    xthread *aT;
    int nT;
    pthread_mutex_t mu;
    pthread_cond_t cvWork; /* a queue has a job, or bStop */
    pthread_cond_t cvDone; /* a thread finished a job */
    int bSync;             /* mu and the conds are set up */
    int bStop;
    int rcT; /* a thread's error (the first), with its message */
    char *zErrT;
    u32 nVocab;            /* words in the threads' sets (under mu) */
    u32 nVocabMax;         /* written out at this many (XVOCAB_MAX) */
    const char **azVocab;  /* XJOB_VOCAB: word, stem, word, stem, ... */
    const size_t *anVocab; /* their lengths */
    u32 nVocabOut;         /* pairs */
    kq_writer_stats stats;
    u64 nSeq; /* the next document's KQX_VALUE_SEQ (META_SEQ), counting the
              ** documents of other shards (--shard K/N) too */
};

/* A field term (as invert.c writes them natively): zPfx + z[0..n). */
static int
xfield(xthread *t, const char *zPfx, size_t nPfx, const char *z, size_t n,
       u32 iPos)
{
    char aKey[KQI_MAX_KEY];
    if (nPfx + n > sizeof(aKey)) {
        return KQ_OK; /* as invert.c's add_field_occ() */
    }
    memcpy(aKey, zPfx, nPfx);
    memcpy(aKey + nPfx, z, n);
    return kqx_wdb_doc_field(t->pDb, aKey, nPfx + n, iPos, &t->zErr);
}

/* Set metadata in shard iDb of p, or in every shard (iDb < 0). */
static int
set_meta(kqi_xwriter *p, int iDb, const char *zKey, size_t nKey,
         const char *zVal, size_t nVal, char **pzErr)
{
    int rc = KQ_OK;
    for (int i = 0; rc == KQ_OK && i < p->nDb; i++) {
        if (iDb < 0 || i == iDb) {
            rc = kqx_wdb_set_metadata(p->apDb[i], zKey, nKey, zVal, nVal,
                                      pzErr);
        }
    }
    return rc;
}

/* The shards "auto shard000" ... that the stub zStub names, into *pn (0 if
** there is no stub).  KQ_FORMAT if it is not one kq wrote. */
static int
read_stub(const char *zStub, int *pn, char **pzErr)
{
    *pn = 0;
    FILE *f = fopen(zStub, "r");
    if (f == NULL) {
        return errno == ENOENT ? KQ_OK
                               : kqi_err(pzErr, KQ_IOERR, "%s: %s", zStub,
                                         strerror(errno));
    }
    char aLine[64], aWant[32];
    int rc = KQ_OK;
    while (rc == KQ_OK && fgets(aLine, sizeof(aLine), f)) {
        snprintf(aWant, sizeof(aWant), "auto shard%03d\n", *pn);
        if (strcmp(aLine, aWant) != 0 || *pn >= KQ_MAX_SHARDS) {
            rc = kqi_err(pzErr, KQ_FORMAT,
                         "%s: not a stub kq-index wrote (line %d)", zStub,
                         *pn + 1);
        }
        ++*pn;
    }
    fclose(f);
    return rc;
}

/* Create DIR/shard000.. and the stub DIR/XAPIANDB naming them. */
static int
open_shards(kqi_xwriter *p, const char *zDir, int nShard, char **pzErr)
{
    if (mkdir(zDir, 0755) != 0 && errno != EEXIST) {
        return kqi_err(pzErr, KQ_IOERR, "%s: cannot create directory: %s",
                       zDir, strerror(errno));
    }
    char *zStub = kq_mprintf("%s/XAPIANDB", zDir);
    if (zStub == NULL) {
        return KQ_NOMEM;
    }
    /* Never through a symbolic link (fileio.c). */
    int fd;
    int rc = kqi_file_open(zStub, O_WRONLY | O_CREAT | O_TRUNC, &fd, pzErr);
    FILE *f = rc ? NULL : fdopen(fd, "w");
    if (rc == KQ_OK && f == NULL) {
        close(fd);
        rc = kqi_err(pzErr, KQ_IOERR, "%s: cannot create: %s", zStub,
                     strerror(errno));
    }
    /* Xapian reads its flush threshold when a writer opens. */
    int bFlush = nShard > 1 && getenv("XAPIAN_FLUSH_THRESHOLD") == NULL;
    if (bFlush) {
        char aN[16];
        int n = XFLUSH_DOCS / nShard;
        snprintf(aN, sizeof(aN), "%d", n < XFLUSH_MIN ? XFLUSH_MIN : n);
        setenv("XAPIAN_FLUSH_THRESHOLD", aN, 1);
    }
    for (int i = 0; rc == KQ_OK && i < nShard; i++) {
        char *zShard = kq_mprintf("%s/shard%03d", zDir, i);
        if (zShard == NULL) {
            rc = KQ_NOMEM;
            break;
        }
        fprintf(f, "auto shard%03d\n", i);
        rc = kqx_wdb_open(zShard, &p->apDb[i], pzErr);
        p->nDb = i + 1;
        free(zShard);
    }
    if (bFlush) {
        unsetenv("XAPIAN_FLUSH_THRESHOLD");
    }
    if (f && (fclose(f) != 0) && rc == KQ_OK) {
        rc = kqi_err(pzErr, KQ_IOERR, "%s: write failed", zStub);
    }
    free(zStub);
    return rc;
}

/* The database's title weight (META_TITLE_WEIGHT) into *pn: through the
** writer pW or the reader pR. */
static int
read_title_weight(kqx_wdb *pW, kqx_db *pR, const char *zWhere, u32 *pn,
                  char **pzErr)
{
    char *z = NULL;
    int rc = pW ? kqx_wdb_get_metadata(pW, META_TITLE_WEIGHT, &z, pzErr)
                : kqx_db_get_metadata(pR, META_TITLE_WEIGHT, &z, pzErr);
    if (rc) {
        return rc;
    }
    *pn = 1;
    if (z[0]) {
        char *zEnd;
        unsigned long v = strtoul(z, &zEnd, 10);
        if (*zEnd || v < 1 || v > KQI_MAX_TITLE_WEIGHT) {
            rc = kqi_err(pzErr, KQ_CORRUPT,
                         "%s: bad title weight \"%.*s\" "
                         "in the database's metadata",
                         zWhere, KQI_QUOTE_LEN(strlen(z)), z);
        }
        *pn = (u32)v;
    }
    free(z);
    return rc;
}

/* Is the database's analysis version (META_ANALYSIS, read by the caller
** into zHave) this kq's?  KQ_FORMAT, with a message naming zDir, if not. */
static int
analysis_check(const char *zDir, const char *zHave, char **pzErr)
{
    char aWant[16];
    snprintf(aWant, sizeof(aWant), "%u", (unsigned)KQI_ANALYSIS_VERSION);
    if (strcmp(zHave, aWant) == 0) {
        return KQ_OK;
    }
    return kqi_err(pzErr, KQ_FORMAT,
                   "%s: xapian: the database was written "
                   "with text analysis version %s (this kq writes and reads "
                   "version %s): index the corpus again",
                   zDir, zHave[0] ? zHave : "1", aWant);
}

/* Which part of a partitioned collection each database is: META_PART
** "K/N" in shard K of a --shards N build (N > 1) and in a --shard K/N
** database; none in a whole collection.  Checked against what the run
** asks (p->iPart/nPart for one database, shard i of nDb for shards), or,
** when the run did not say (bAsk 0), taken from the database. */
static int
part_check(kqi_xwriter *p, int bAsk, int bNew, char **pzErr)
{
    for (int i = 0; i < p->nDb; i++) {
        u32 iWant = p->nDb > 1 ? (u32)i : p->iPart;
        u32 nWant = p->nDb > 1 ? (u32)p->nDb : p->nPart;
        char aWant[32];
        int nAW = snprintf(aWant, sizeof(aWant), "%u/%u", iWant, nWant);
        if (bNew) {
            if (nWant > 1) {
                int rc = set_meta(p, i, META_PART, strlen(META_PART), aWant,
                                  (size_t)nAW, pzErr);
                if (rc) {
                    return rc;
                }
            }
            continue;
        }
        char *zHave = NULL;
        int rc = kqx_wdb_get_metadata(p->apDb[i], META_PART, &zHave, pzErr);
        if (rc) {
            return rc;
        }
        unsigned k = 0, n = 0; /* 0/0: a whole collection */
        char c;
        u32 nW = nWant > 1 ? nWant : 0, iW = nW ? iWant : 0;
        if (zHave[0] && (sscanf(zHave, "%u/%u%c", &k, &n, &c) != 2 || n < 2 ||
                         n > KQ_MAX_SHARDS || k >= n)) {
            rc = kqi_err(pzErr, KQ_CORRUPT,
                         "%s: bad shard \"%.*s\" in the database's metadata",
                         p->zDir, KQI_QUOTE_LEN(strlen(zHave)), zHave);
        } else if (p->nDb == 1 && !bAsk) {
            p->iPart = k; /* the database says which part it is */
            p->nPart = n;
        } else if (k != iW || n != nW) {
            if (zHave[0]) {
                rc = kqi_err(pzErr, KQ_MISUSE,
                             "%s: the database is shard %s, not %s", p->zDir,
                             zHave, nW ? aWant : "a whole collection");
            } else {
                rc = kqi_err(pzErr, KQ_MISUSE,
                             "%s: the database holds a whole collection, "
                             "not shard %s of one",
                             p->zDir, aWant);
            }
        }
        free(zHave);
        if (rc) {
            return rc;
        }
    }
    return KQ_OK;
}

/* Open the databases: zDir itself, or its shards (opts.nShard, or those
** its stub names). */
static int
open_dbs(kqi_xwriter *p, const char *zDir, int nShard, char **pzErr)
{
    char *zStub = kq_mprintf("%s/XAPIANDB", zDir);
    if (zStub == NULL) {
        return KQ_NOMEM;
    }
    int nHave;
    int rc = read_stub(zStub, &nHave, pzErr);
    free(zStub);
    if (rc == KQ_OK && nHave && nShard && nHave != nShard) {
        rc = kqi_err(pzErr, KQ_MISUSE,
                     "%s: the database has %d shards, not %d "
                     "(documents go to a shard by their id)",
                     zDir, nHave, nShard);
    }
    if (rc == KQ_OK && nHave && p->nPart) {
        rc = kqi_err(pzErr, KQ_MISUSE,
                     "%s: a database of %d shards is not one shard "
                     "(--shard %u/%u writes one database)",
                     zDir, nHave, p->iPart, p->nPart);
    }
    if (rc == KQ_OK && nHave == 0 && nShard) {
        char *zGlass = kq_mprintf("%s/iamglass", zDir);
        struct stat st;
        if (zGlass && stat(zGlass, &st) == 0) {
            rc = kqi_err(pzErr, KQ_MISUSE,
                         "%s: the database is not sharded: index without "
                         "--shards, or into a new directory",
                         zDir);
        }
        free(zGlass);
    }
    if (rc) {
        return rc;
    }
    if (nHave) {
        nShard = nHave;
    }
    if (nShard > 0) {
        p->apDb = calloc((size_t)nShard, sizeof(kqx_wdb *));
        return p->apDb ? open_shards(p, zDir, nShard, pzErr) : KQ_NOMEM;
    }
    p->apDb = calloc(1, sizeof(kqx_wdb *));
    if (p->apDb == NULL) {
        return KQ_NOMEM;
    }
    rc = kqx_wdb_open(zDir, &p->apDb[0], pzErr);
    p->nDb = rc == KQ_OK;
    return rc;
}

static void *thread_main(void *pArg);

/* The writing threads: min(opts.nThread, shards) of them with several
** shards, else one xthread run in the caller's thread. */
static int
start_threads(kqi_xwriter *p, int nThread, char **pzErr)
{
    int nT = nThread < p->nDb ? nThread : p->nDb;
    if (nT < 2) {
        nT = 1;
    }
    p->aT = calloc((size_t)nT, sizeof(xthread));
    if (p->aT == NULL) {
        return KQ_NOMEM;
    }
    p->nT = nT;
    for (int i = 0; i < nT; i++) {
        p->aT[i].pW = p;
        p->aT[i].iThread = i;
        p->aT[i].pA = p->pA;
    }
    if (nT == 1) {
        return KQ_OK;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cvWork, NULL);
    pthread_cond_init(&p->cvDone, NULL);
    p->bSync = 1;
    for (int i = 0; i < nT; i++) {
        xthread *t = &p->aT[i];
        int rc = kq_analyzer_new(kq_analyzer_lang(p->pA), &t->pA);
        if (rc) {
            t->pA = NULL;
            return rc;
        }
        if (pthread_create(&t->th, NULL, thread_main, t) != 0) {
            return kqi_err(pzErr, KQ_NOMEM, "cannot start a thread: %s",
                           strerror(errno));
        }
        t->bThread = 1;
    }
    return KQ_OK;
}

/* The next document's sequence number (META_SEQ; none: 0, a database
** older than it). */
static int
read_seq(kqi_xwriter *p, const char *zWhere, char **pzErr)
{
    char *z = NULL;
    int rc = kqx_wdb_get_metadata(p->apDb[0], META_SEQ, &z, pzErr);
    if (rc) {
        return rc;
    }
    p->nSeq = 0;
    if (z[0]) {
        char *zEnd;
        errno = 0;
        unsigned long long v = strtoull(z, &zEnd, 10);
        if (*zEnd || errno || !isdigit((u8)z[0])) {
            rc = kqi_err(pzErr, KQ_CORRUPT,
                         "%s: bad document sequence \"%.*s\" "
                         "in the database's metadata",
                         zWhere, KQI_QUOTE_LEN(strlen(z)), z);
        }
        p->nSeq = (u64)v;
    }
    free(z);
    return rc;
}

int
kqi_xwriter_open(const char *zDir, const kq_writer_opts *pOpts,
                 kqi_xwriter **ppOut, char **pzErr)
{
    *ppOut = NULL;
    kq_writer_opts dflt = KQ_WRITER_OPTS_INIT;
    if (pOpts == NULL) {
        pOpts = &dflt;
    }
    int nShard = pOpts->nShard;
    if (nShard < 0 || nShard > KQ_MAX_SHARDS) {
        return kqi_err(pzErr, KQ_MISUSE, "--shards must be 1 to %d",
                       KQ_MAX_SHARDS);
    }
    int nPart = pOpts->iVersion >= 2 ? pOpts->nPart : 0;
    int iPart = pOpts->iVersion >= 2 ? pOpts->iPart : 0;
    if (nPart < 0 || nPart > KQ_MAX_SHARDS || iPart < 0 ||
        (nPart && iPart >= nPart) || (!nPart && iPart)) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "--shard K/N: N from 1 to %d and K from 0 to N-1",
                       KQ_MAX_SHARDS);
    }
    if (nPart && nShard) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "--shard K/N writes one shard; --shards N all of "
                       "them: give one or the other");
    }
    kqi_xwriter *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return KQ_NOMEM;
    }
    /* --shard 0/1 is the whole collection. */
    p->nPart = nPart > 1 ? (u32)nPart : 0;
    p->iPart = p->nPart ? (u32)iPart : 0;
    p->bDetectLang = pOpts->bDetectLang;
    p->nVocabMax = XVOCAB_MAX;
    const char *zLang = pOpts->zLang;
    char *zHave = NULL;
    int rc;
    p->zDir = strdup(zDir);
    if (p->zDir == NULL) {
        kqi_xwriter_close(p);
        return KQ_NOMEM;
    }
    rc = open_dbs(p, zDir, nShard, pzErr);
    if (rc == KQ_OK) {
        rc = kqx_wdb_get_metadata(p->apDb[0], META_LANG, &zHave, pzErr);
    }
    if (rc == KQ_OK && zHave[0]) {
        char *zAnalysis = NULL;
        rc = kqx_wdb_get_metadata(p->apDb[0], META_ANALYSIS, &zAnalysis,
                                  pzErr);
        if (rc == KQ_OK) {
            rc = analysis_check(zDir, zAnalysis, pzErr);
        }
        free(zAnalysis);
    }
    if (rc == KQ_OK && zHave[0] && zLang && strcmp(zHave, zLang) != 0) {
        kq_analyzer *pTmp = NULL;
        /* "en" and "english" are the same language. */
        if (kq_analyzer_new(zLang, &pTmp) != KQ_OK ||
            strcmp(kq_analyzer_lang(pTmp), zHave) != 0) {
            rc = kqi_err(pzErr, KQ_MISUSE,
                         "%s: the index uses language "
                         "\"%s\", not \"%s\"",
                         zDir, zHave, zLang);
        }
        kq_analyzer_free(pTmp);
    }
    if (rc == KQ_OK) {
        rc = part_check(p, nPart > 0, zHave[0] == 0, pzErr);
    }
    if (rc == KQ_OK) {
        const char *z = zHave[0] ? zHave : (zLang ? zLang : KQ_DEFAULT_LANG);
        rc = kq_analyzer_new(z, &p->pA);
        if (rc) {
            rc = kqi_err(pzErr, rc, "unknown language \"%s\"", z);
        }
    }
    if (rc == KQ_OK && zHave[0] == 0) {
        /* A new database. */
        const char *z = kq_analyzer_lang(p->pA);
        char aW[16];
        int nW = snprintf(aW, sizeof(aW), "%u", (unsigned)KQI_TITLE_WEIGHT);
        rc = set_meta(p, -1, META_LANG, strlen(META_LANG), z, strlen(z),
                      pzErr);
        if (rc == KQ_OK) {
            rc = set_meta(p, -1, META_TITLE_WEIGHT, strlen(META_TITLE_WEIGHT),
                          aW, (size_t)nW, pzErr);
        }
        if (rc == KQ_OK) {
            rc = set_meta(p, -1, META_VOCAB, strlen(META_VOCAB),
                          META_VOCAB_ALL, strlen(META_VOCAB_ALL), pzErr);
        }
        if (rc == KQ_OK) {
            nW = snprintf(aW, sizeof(aW), "%u",
                          (unsigned)KQI_ANALYSIS_VERSION);
            rc = set_meta(p, -1, META_ANALYSIS, strlen(META_ANALYSIS), aW,
                          (size_t)nW, pzErr);
        }
        p->nTitleWeight = KQI_TITLE_WEIGHT;
    } else if (rc == KQ_OK) {
        rc = read_title_weight(p->apDb[0], NULL, zDir, &p->nTitleWeight,
                               pzErr);
        if (rc == KQ_OK) {
            rc = read_seq(p, zDir, pzErr);
        }
    }
    free(zHave);
    if (rc == KQ_OK) {
        rc = start_threads(p, pOpts->nThread, pzErr);
    }
    if (rc) {
        kqi_xwriter_close(p);
        return rc;
    }
    *ppOut = p;
    return KQ_OK;
}

/* Remember word z/n for the vocabulary. */
static int
vocab_word(xthread *t, const char *z, size_t n)
{
    int bNew;
    int rc = xvocab_add(&t->vocab, z, n, &bNew);
    if (rc == KQ_OK && bNew && !t->bThread) {
        t->pW->nVocab++;
    }
    return rc;
}

static int
xtoken_cb(void *pCtx, const char *zWord, size_t nWord, uint32_t iPos,
          size_t iStart, size_t iEnd)
{
    xthread *t = pCtx;
    const char *zStem;
    size_t nStem;
    if (t->bBody) {
        kqi_simhash_word(&t->sim, zWord, nWord);
    }
    if (kq_stem(t->pDocA, zWord, nWord, &zStem, &nStem) != KQ_OK) {
        return 0; /* not indexed, as in the native writer */
    }
    if (t->bVocabOnly) {
        return vocab_word(t, zWord, nWord);
    }
    if (t->nPfx) {
        if (nStem + t->nPfx > KQI_MAX_KEY) {
            return 0; /* too long, as in invert.c */
        }
        return xfield(t, t->aPfx, t->nPfx, zStem, nStem, iPos);
    }
    /* A title word has a title term (unless too long) and, for BM25F as
    ** in invert.c, the title weight as its wdf. */
    int bTitleTerm = t->bTitle && nStem + 1 <= KQI_MAX_KEY;
    if (bTitleTerm) {
        char c = KQI_PFX_TITLE;
        int rc = xfield(t, &c, 1, zStem, nStem, iPos);
        if (rc) {
            return rc;
        }
    }
    t->nDocLen++;
    u32 nWdf = bTitleTerm ? t->pW->nTitleWeight : 1;
    int rc = kqx_wdb_doc_posting(t->pDb, zStem, nStem, iPos, nWdf, &t->zErr);
    if (rc == KQ_OK && t->pDocA == t->pA) {
        /* A word of the index's language is in the vocabulary (a word
        ** in another maps to no stem of this language, as in invert.c). */
        rc = vocab_word(t, zWord, nWord);
    }
    return rc;
}

/* Analyse d and add it to shard iDb as document number nSeq
** (KQX_VALUE_SEQ), in t's thread. */
static int
xdoc_write(xthread *t, const kq_doc *d, u32 iDb, u64 nSeq, char **pzErr)
{
    kqi_xwriter *p = t->pW;
    t->nDocLen = 0;
    t->pDb = p->apDb[iDb];
    t->pDocA = t->pA;
    if (d->zLang && d->nLang &&
        kqi_analyzer_lang_get(t->pA, d->zLang, d->nLang, &t->pDocA) != KQ_OK) {
        /* (kqi_xwriter_add() checked it with the writer's analyzer.) */
        return kqi_err(pzErr, KQ_NOTFOUND, "unknown language '%.*s'",
                       KQI_QUOTE_LEN(d->nLang), d->zLang);
    }
    int rc = kqx_wdb_doc_begin(t->pDb, pzErr);
    u32 iPos = 0;
    if (rc == KQ_OK) {
        t->bTitle = 1;
        rc = kq_analyze(t->pDocA, KQ_ANALYZE_NOSTEM,
                        d->zTitle ? d->zTitle : "", d->nTitle, 0, &iPos, t,
                        xtoken_cb);
        t->bTitle = 0;
    }
    kqi_simhash_init(&t->sim);
    if (rc == KQ_OK && d->nBody) {
        t->bBody = 1;
        rc = kq_analyze(t->pDocA, KQ_ANALYZE_NOSTEM, d->zBody, d->nBody,
                        iPos + KQI_TITLE_GAP, NULL, t, xtoken_cb);
        t->bBody = 0;
    }
    u64 sig = kqi_simhash_final(&t->sim);
    /* The field terms of invert.c: source, extra fields (positions in one
    ** sequence), date; and Q + id, Xapian's usual unique-id term, for id:
    ** and to replace the document when it is given again. */
    u32 iFieldPos = 0;
    for (int i = -1; rc == KQ_OK && i < d->nField; i++) {
        const char *z = i < 0 ? d->zSource : d->aField[i].zValue;
        size_t n = i < 0 ? d->nSource : d->aField[i].nValue;
        if (i < 0) {
            t->aPfx[0] = KQI_PFX_SOURCE;
            t->nPfx = 1;
        } else {
            const kq_field *f = &d->aField[i];
            if (f->nName + 2 > KQI_MAX_KEY) {
                continue;
            }
            t->aPfx[0] = KQI_PFX_EXTRA;
            memcpy(t->aPfx + 1, f->zName, f->nName);
            t->aPfx[f->nName + 1] = ':';
            t->nPfx = f->nName + 2;
        }
        if (n) {
            u32 iEnd = iFieldPos;
            rc = kq_analyze(t->pDocA, KQ_ANALYZE_NOSTEM, z, n, iFieldPos,
                            &iEnd, t, xtoken_cb);
            iFieldPos = iEnd + KQI_TITLE_GAP;
        }
        t->nPfx = 0;
    }
    char aDate[3][12];
    int nDate = kqi_date_terms(d->zDate, d->nDate, aDate);
    for (int i = 0; rc == KQ_OK && i < nDate; i++) {
        char c = KQI_PFX_DATE;
        rc = xfield(t, &c, 1, aDate[i], strlen(aDate[i]), 0);
    }
    if (rc == KQ_OK) {
        char c = KQI_PFX_LANG;
        const char *zLang = kq_analyzer_lang(t->pDocA);
        rc = xfield(t, &c, 1, zLang, strlen(zLang), 0);
    }
    char aQ[XTERM_MAX];
    aQ[0] = 'Q';
    memcpy(aQ + 1, d->zId, d->nId); /* (kqi_xwriter_add() checked nId) */
    if (rc == KQ_OK) {
        rc = kqx_wdb_doc_field(t->pDb, aQ, 1 + d->nId, UINT32_MAX, pzErr);
    }
    if (rc == KQ_OK) {
        static const unsigned aSlot[4] = {KQX_VALUE_ID, KQX_VALUE_TITLE,
                                          KQX_VALUE_DATE, KQX_VALUE_SOURCE};
        const char *az[4] = {d->zId, d->zTitle, d->zDate, d->zSource};
        size_t an[4] = {d->nId, d->nTitle, d->nDate, d->nSource};
        for (int i = 0; rc == KQ_OK && i < 4; i++) {
            rc = kqx_wdb_doc_value(t->pDb, aSlot[i], az[i], an[i], pzErr);
        }
        if (rc == KQ_OK && sig != 0) {
            u8 aSig[8];
            kqi_put_u64(aSig, sig);
            rc = kqx_wdb_doc_value(t->pDb, KQX_VALUE_SIG, (const char *)aSig,
                                   8, pzErr);
        }
        if (rc == KQ_OK) {
            /* Big-endian: Xapian's value order is the number's. */
            u8 aSeq[8];
            for (int i = 0; i < 8; i++) {
                aSeq[i] = (u8)(nSeq >> (56 - 8 * i));
            }
            rc = kqx_wdb_doc_value(t->pDb, KQX_VALUE_SEQ, (const char *)aSeq,
                                   8, pzErr);
        }
        if (rc == KQ_OK) {
            rc = kqx_wdb_doc_data(t->pDb, d->zBody, d->nBody, pzErr);
        }
        if (rc == KQ_OK) {
            rc = kqx_wdb_doc_add(t->pDb, aQ, 1 + d->nId, NULL, pzErr);
        }
    }
    if (rc == KQ_IOERR && t->zErr == NULL) {
        return kqi_analysis_err(pzErr, rc); /* ICU could not be loaded */
    }
    if (rc) {
        if (t->zErr) {
            kqi_err(pzErr, rc, "%s", t->zErr);
            free(t->zErr);
            t->zErr = NULL;
        }
        return kqi_err(pzErr, rc, "xapian: cannot add document \"%.*s\"",
                       KQI_QUOTE_LEN(d->nId), d->zId);
    }
    t->nToken += t->nDocLen;
    return KQ_OK;
}

/* Write the vocabulary p->azVocab into t's shards (t's thread). */
static int
xvocab_write(xthread *t, char **pzErr)
{
    kqi_xwriter *p = t->pW;
    int rc = KQ_OK;
    for (int i = t->iThread; rc == KQ_OK && i < p->nDb; i += p->nT) {
        for (u32 j = 0; rc == KQ_OK && j < p->nVocabOut; j++) {
            char aKey[META_WORD_LEN + KQI_MAX_TERM];
            memcpy(aKey, META_WORD, META_WORD_LEN);
            memcpy(aKey + META_WORD_LEN, p->azVocab[2 * j], p->anVocab[2 * j]);
            rc = kqx_wdb_set_metadata(
                p->apDb[i], aKey, META_WORD_LEN + p->anVocab[2 * j],
                p->azVocab[2 * j + 1], p->anVocab[2 * j + 1], pzErr);
        }
    }
    return rc;
}

/* Commit t's shards, with the next document's number (t's thread). */
static int
xcommit(xthread *t, char **pzErr)
{
    kqi_xwriter *p = t->pW;
    char aSeq[24];
    int nSeq = snprintf(aSeq, sizeof(aSeq), "%llu",
                        (unsigned long long)p->nSeq);
    int rc = KQ_OK;
    for (int i = t->iThread; rc == KQ_OK && i < p->nDb; i += p->nT) {
        rc = kqx_wdb_set_metadata(p->apDb[i], META_SEQ, strlen(META_SEQ), aSeq,
                                  (size_t)nSeq, pzErr);
        if (rc == KQ_OK) {
            rc = kqx_wdb_commit(p->apDb[i], pzErr);
        }
    }
    return rc;
}

static int
run_job(xthread *t, const xjob *j, char **pzErr)
{
    switch (j->eJob) {
    case XJOB_DOC: return xdoc_write(t, &j->d, j->iDb, j->nSeq, pzErr);
    case XJOB_VOCAB: return xvocab_write(t, pzErr);
    default: return xcommit(t, pzErr);
    }
}

static void *
thread_main(void *pArg)
{
    xthread *t = pArg;
    kqi_xwriter *p = t->pW;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (t->pHead == NULL && !p->bStop) {
            pthread_cond_wait(&p->cvWork, &p->mu);
        }
        xjob *j = t->pHead;
        if (j == NULL) {
            break; /* stopping, and nothing queued */
        }
        t->bBusy = 1;
        int bFailed = p->rcT != KQ_OK;
        u32 nVocab = t->vocab.n;
        pthread_mutex_unlock(&p->mu);
        char *zErr = NULL;
        int rc = bFailed ? KQ_OK : run_job(t, j, &zErr);
        pthread_mutex_lock(&p->mu);
        if (rc && p->rcT == KQ_OK) {
            p->rcT = rc;
            p->zErrT = zErr;
        } else {
            free(zErr);
        }
        p->nVocab += t->vocab.n - nVocab;
        t->pHead = j->pNext;
        if (t->pHead == NULL) {
            t->pTail = NULL;
        }
        t->nJob--;
        t->nJobByte -= j->nByte;
        t->bBusy = 0;
        free(j);
        pthread_cond_broadcast(&p->cvDone);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* The first error of a thread (under p->mu), with its message. */
static int
thread_err(kqi_xwriter *p, char **pzErr)
{
    if (p->rcT) {
        kqi_err(pzErr, p->rcT, "%s", p->zErrT ? p->zErrT : kq_errstr(p->rcT));
    }
    return p->rcT;
}

/* Give job j (malloc()ed) to thread t: queued, or in the caller's thread
** when there are no threads (then freed here). */
static int
give_job(kqi_xwriter *p, xthread *t, xjob *j, char **pzErr)
{
    if (!t->bThread) {
        int rc = run_job(t, j, pzErr);
        free(j);
        return rc;
    }
    pthread_mutex_lock(&p->mu);
    while (p->rcT == KQ_OK && t->pHead &&
           (t->nJob >= XQUEUE_DOCS || t->nJobByte + j->nByte > XQUEUE_BYTES)) {
        pthread_cond_wait(&p->cvDone, &p->mu);
    }
    j->pNext = NULL;
    if (t->pTail) {
        t->pTail->pNext = j;
    } else {
        t->pHead = j;
    }
    t->pTail = j;
    t->nJob++;
    t->nJobByte += j->nByte;
    pthread_cond_broadcast(&p->cvWork);
    int rc = thread_err(p, pzErr);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

/* Wait until every thread has done all it was given: their error, if one
** had any. */
static int
wait_idle(kqi_xwriter *p, char **pzErr)
{
    if (p->nT < 2) {
        return KQ_OK;
    }
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->nT; i++) {
        while (p->aT[i].pHead || p->aT[i].bBusy) {
            pthread_cond_wait(&p->cvDone, &p->mu);
        }
    }
    int rc = thread_err(p, pzErr);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

/* An order (XJOB_VOCAB, XJOB_COMMIT) to every thread, done when this
** returns. */
static int
order_all(kqi_xwriter *p, int eJob, char **pzErr)
{
    int rc = KQ_OK;
    for (int i = 0; rc == KQ_OK && i < p->nT; i++) {
        xjob *j = calloc(1, sizeof(*j));
        if (j == NULL) {
            return KQ_NOMEM;
        }
        j->eJob = eJob;
        rc = give_job(p, &p->aT[i], j, pzErr);
    }
    int rc2 = wait_idle(p, rc ? NULL : pzErr);
    return rc ? rc : rc2;
}

/* Write the words the threads gathered into every shard, with their stems
** in the index's language, and empty the sets. */
static int
vocab_flush(kqi_xwriter *p, char **pzErr)
{
    int rc = wait_idle(p, pzErr);
    if (rc) {
        return rc;
    }
    u32 n = 0;
    for (int i = 0; i < p->nT; i++) {
        n += p->aT[i].vocab.n;
    }
    const char **az = calloc(2 * (size_t)n + 1, sizeof(char *));
    size_t *an = calloc(2 * (size_t)n + 1, sizeof(size_t));
    kq_buf stems = {0};
    if (az == NULL || an == NULL) {
        rc = KQ_NOMEM;
    }
    /* The union of the sets, each word once (an earlier set has it). */
    u32 nOut = 0;
    for (int i = 0; rc == KQ_OK && i < p->nT; i++) {
        const xvocab *v = &p->aT[i].vocab;
        for (size_t off = 0; rc == KQ_OK && off < v->words.n;) {
            const char *z = (const char *)v->words.a + off + 1;
            size_t nz = v->words.a[off];
            off += 1 + nz;
            int bDup = 0;
            for (int k = 0; k < i && !bDup; k++) {
                bDup = xvocab_has(&p->aT[k].vocab, z, nz);
            }
            const char *zStem;
            size_t nStem;
            if (bDup || kq_stem(p->pA, z, nz, &zStem, &nStem) != KQ_OK) {
                continue;
            }
            az[2 * nOut] = z;
            an[2 * nOut] = nz;
            /* The stem's offset for now: stems may move as it grows. */
            az[2 * nOut + 1] = (const char *)(uintptr_t)stems.n;
            an[2 * nOut + 1] = nStem;
            kq_buf_append(&stems, zStem, nStem);
            nOut++;
        }
    }
    if (rc == KQ_OK && stems.rc) {
        rc = KQ_NOMEM;
    }
    for (u32 j = 0; rc == KQ_OK && j < nOut; j++) {
        az[2 * j + 1] = (const char *)stems.a + (uintptr_t)az[2 * j + 1];
    }
    if (rc == KQ_OK) {
        p->azVocab = az;
        p->anVocab = an;
        p->nVocabOut = nOut;
        rc = order_all(p, XJOB_VOCAB, pzErr);
        p->azVocab = NULL;
        p->anVocab = NULL;
        p->nVocabOut = 0;
    }
    free(az);
    free(an);
    kq_buf_free(&stems);
    if (rc == KQ_OK) {
        for (int i = 0; i < p->nT; i++) {
            xvocab_clear(&p->aT[i].vocab);
        }
        p->nVocab = 0;
    }
    return rc;
}

/* A copy of d in one allocation, for another thread. */
static xjob *
job_copy(const kq_doc *d)
{
    size_t n = sizeof(xjob) + (size_t)d->nField * sizeof(kq_field);
    size_t nText = d->nId + d->nTitle + d->nDate + d->nSource + d->nBody +
                   d->nLang;
    for (int i = 0; i < d->nField; i++) {
        nText += d->aField[i].nName + d->aField[i].nValue;
    }
    xjob *j = malloc(n + nText + 1);
    if (j == NULL) {
        return NULL;
    }
    memset(j, 0, n);
    j->eJob = XJOB_DOC;
    j->nByte = nText;
    char *z = (char *)j + n;
#define COPY(f, nf)                                                           \
    do {                                                                      \
        if (d->nf) {                                                          \
            memcpy(z, d->f, d->nf);                                           \
        }                                                                     \
        j->d.f = z;                                                           \
        j->d.nf = d->nf;                                                      \
        z += d->nf;                                                           \
    } while (0)
    COPY(zId, nId);
    COPY(zTitle, nTitle);
    COPY(zDate, nDate);
    COPY(zSource, nSource);
    COPY(zBody, nBody);
    COPY(zLang, nLang);
#undef COPY
    if (d->zLang == NULL) {
        j->d.zLang = NULL;
    }
    for (int i = 0; i < d->nField; i++) {
        const kq_field *f = &d->aField[i];
        memcpy(z, f->zName, f->nName);
        j->aField[i].zName = z;
        j->aField[i].nName = f->nName;
        z += f->nName;
        if (f->nValue) {
            memcpy(z, f->zValue, f->nValue);
        }
        j->aField[i].zValue = z;
        j->aField[i].nValue = f->nValue;
        z += f->nValue;
    }
    j->d.aField = j->aField;
    j->d.nField = d->nField;
    return j;
}

int
kqi_xwriter_add(kqi_xwriter *p, const kq_doc *d, char **pzErr)
{
    kq_doc dUndated;
    d = kqi_doc_date_checked(d, &dUndated);
    int rc = kq_id_check(d->zId, d->nId, pzErr);
    if (rc) {
        return rc;
    }
    if (d->nId > KQ_XAPIAN_MAX_ID) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "id of %zu bytes: a Xapian database takes ids of at "
                       "most %d bytes (its terms' limit)",
                       d->nId, KQ_XAPIAN_MAX_ID);
    }
    u32 iDb = 0;
    int bOther = 0;
    if (p->nPart) {
        bOther = xshard_of(d->zId, d->nId, p->nPart) != p->iPart;
    } else if (p->nDb > 1) {
        iDb = xshard_of(d->zId, d->nId, (u32)p->nDb);
    }
    kq_doc dDetected;
    if (p->bDetectLang) {
        d = kqi_doc_lang_detected(d, &dDetected);
    }
    kq_analyzer *pDocA = p->pA;
    if (d->zLang && d->nLang &&
        kqi_analyzer_lang_get(p->pA, d->zLang, d->nLang, &pDocA) != KQ_OK) {
        return kqi_err(pzErr, KQ_NOTFOUND, "unknown language '%.*s'",
                       KQI_QUOTE_LEN(d->nLang), d->zLang);
    }
    if (bOther) {
        /* Not this shard's document, but its words are in the
        ** vocabulary: every shard of a collection has all of it, as
        ** --shards N gives them, for a search of the shards reads the
        ** vocabulary of the first (Xapian's metadata of several
        ** databases) -- and so a --shard K/N database is the same as
        ** shard K of --shards N. */
        p->stats.nOtherShard++;
        p->nSeq++;
        if (pDocA != p->pA) {
            return KQ_OK; /* (as xtoken_cb: not in the vocabulary) */
        }
        xthread *t = &p->aT[0];
        t->pDocA = p->pA;
        t->bVocabOnly = 1;
        u32 iPos = 0;
        rc = kq_analyze(p->pA, KQ_ANALYZE_NOSTEM, d->zTitle ? d->zTitle : "",
                        d->nTitle, 0, &iPos, t, xtoken_cb);
        if (rc == KQ_OK && d->nBody) {
            rc = kq_analyze(p->pA, KQ_ANALYZE_NOSTEM, d->zBody, d->nBody,
                            iPos + KQI_TITLE_GAP, NULL, t, xtoken_cb);
        }
        t->bVocabOnly = 0;
        if (rc == KQ_OK && p->nVocab >= p->nVocabMax) {
            rc = vocab_flush(p, pzErr);
        }
        return rc == KQ_IOERR ? kqi_analysis_err(pzErr, rc) : rc;
    }
    xthread *t = &p->aT[iDb % (u32)p->nT];
    if (t->bThread) {
        pthread_mutex_lock(&p->mu);
        int bFull = p->nVocab >= p->nVocabMax;
        pthread_mutex_unlock(&p->mu);
        if (bFull && (rc = vocab_flush(p, pzErr)) != 0) {
            return rc;
        }
        xjob *j = job_copy(d);
        if (j == NULL) {
            return KQ_NOMEM;
        }
        j->iDb = iDb;
        j->nSeq = p->nSeq;
        rc = give_job(p, t, j, pzErr);
    } else {
        rc = xdoc_write(t, d, iDb, p->nSeq, pzErr);
        if (rc == KQ_OK && p->nVocab >= p->nVocabMax) {
            rc = vocab_flush(p, pzErr);
        }
    }
    if (rc == KQ_OK) {
        p->nSeq++;
        p->stats.nDoc++;
        p->stats.nByteIn += d->nTitle + d->nBody;
    }
    return rc;
}

void
kqi_xwriter_set_vocab_max(kqi_xwriter *p, u32 n)
{
    p->nVocabMax = n ? n : XVOCAB_MAX;
}

int
kqi_xwriter_delete(kqi_xwriter *p, const char *zId, size_t nId, char **pzErr)
{
    if (nId == 0 || nId > KQ_XAPIAN_MAX_ID) {
        return KQ_NOTFOUND; /* never added */
    }
    u32 iDb = 0;
    if (p->nPart) {
        if (xshard_of(zId, nId, p->nPart) != p->iPart) {
            return kqi_err(pzErr, KQ_NOTFOUND,
                           "its id goes to shard %u of %u, not to this "
                           "one (%u)",
                           xshard_of(zId, nId, p->nPart), p->nPart, p->iPart);
        }
    } else if (p->nDb > 1) {
        iDb = xshard_of(zId, nId, (u32)p->nDb);
    }
    /* Deletes are rare next to adds: the owner of the shard is idle
    ** first, so the delete comes after the adds before it. */
    int rc = wait_idle(p, pzErr);
    char aQ[XTERM_MAX];
    aQ[0] = 'Q';
    memcpy(aQ + 1, zId, nId);
    u32 nDel = 0;
    if (rc == KQ_OK) {
        rc = kqx_wdb_delete(p->apDb[iDb], aQ, 1 + nId, &nDel, pzErr);
    }
    if (rc == KQ_OK && nDel == 0) {
        return KQ_NOTFOUND;
    }
    if (rc == KQ_OK) {
        p->stats.nDelete++;
    }
    return rc;
}

int
kqi_xwriter_commit(kqi_xwriter *p, char **pzErr)
{
    int rc = vocab_flush(p, pzErr);
    return rc ? rc : order_all(p, XJOB_COMMIT, pzErr);
}

/* Bytes in the files under zPath (two levels: shards). */
static u64
dir_bytes(const char *zPath, int nDepth)
{
    DIR *d = opendir(zPath);
    u64 n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char *z = kq_mprintf("%s/%s", zPath, e->d_name);
        struct stat st;
        if (z && stat(z, &st) == 0) {
            if (S_ISDIR(st.st_mode) && nDepth > 0) {
                n += dir_bytes(z, nDepth - 1);
            } else if (S_ISREG(st.st_mode)) {
                n += (u64)st.st_size;
            }
        }
        free(z);
    }
    if (d) {
        closedir(d);
    }
    return n;
}

static int
count_term(void *pCtx, const char *z, size_t n)
{
    (*(u64 *)pCtx)++;
    return 0;
}

void
kqi_xwriter_stats(const kqi_xwriter *p, kq_writer_stats *pOut)
{
    *pOut = p->stats;
    pOut->nToken = 0;
    for (int i = 0; i < p->nT; i++) {
        pOut->nToken += p->aT[i].nToken;
    }
    pOut->nIndexByte = dir_bytes(p->zDir, 1);
    /* Distinct terms of the committed database(s). */
    const char *az[1] = {p->zDir};
    kqx_db *pDb = NULL;
    if (kqx_db_open(az, 1, &pDb, NULL) == KQ_OK) {
        kqx_db_terms_scan(pDb, "", 0, &pOut->nTerm, count_term, NULL);
    }
    kqx_db_close(pDb);
}

void
kqi_xwriter_close(kqi_xwriter *p)
{
    if (p == NULL) {
        return;
    }
    if (p->bSync) {
        pthread_mutex_lock(&p->mu);
        p->bStop = 1;
        pthread_cond_broadcast(&p->cvWork);
        pthread_mutex_unlock(&p->mu);
    }
    for (int i = 0; p->aT && i < p->nT; i++) {
        xthread *t = &p->aT[i];
        if (t->bThread) {
            pthread_join(t->th, NULL);
        }
        if (t->pA != p->pA) {
            kq_analyzer_free(t->pA);
        }
        xvocab_clear(&t->vocab);
        free(t->zErr);
    }
    if (p->bSync) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cvWork);
        pthread_cond_destroy(&p->cvDone);
    }
    free(p->aT);
    free(p->zErrT);
    for (int i = 0; i < p->nDb; i++) {
        kqx_wdb_close(p->apDb[i]);
    }
    free(p->apDb);
    free(p->zDir);
    kq_analyzer_free(p->pA);
    free(p);
}

/**************************************************************************
** Reading and searching.
*/
struct kqi_xindex {
    kqx_db *pDb;
    kq_analyzer *pA;
    kq_stats stats;
    u32 nMaxExpansion; /* of one prefix (0: KQ_DEFAULT_MAX_EXPANSION) */
    u32 nExpLeft;      /* of KQ_MAX_QUERY_EXPANSION, in the query being
                       ** translated */
    int bFullVocab;    /* META_VOCAB: the vocabulary has every word */
    /* The watchdog (kqi_xindex_watch): a read under way since tStart. */
    int bWatch;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int bStop; /* guarded by mu, as are the three below */
    int bBusy;
    u64 iCall;
    struct timespec tStart;
    int bChecked; /* the check ran once and found nothing */
    void (*xDamaged)(void *, const char *);
    void *pCtx;
};

/* The watchdog: waits for a read to outlast KQ_XAPIAN_STALL_MS, then checks
** the databases once. */
static void *
watch_main(void *pArg)
{
    kqi_xindex *p = pArg;
    pthread_mutex_lock(&p->mu);
    while (!p->bStop) {
        if (!p->bBusy || p->bChecked) {
            pthread_cond_wait(&p->cv, &p->mu);
            continue;
        }
        u64 iCall = p->iCall;
        struct timespec t = p->tStart;
        t.tv_sec += KQ_XAPIAN_STALL_MS / 1000;
        t.tv_nsec += (KQ_XAPIAN_STALL_MS % 1000) * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        int e = 0;
        while (!p->bStop && p->bBusy && p->iCall == iCall && e != ETIMEDOUT) {
            e = pthread_cond_timedwait(&p->cv, &p->mu, &t);
        }
        if (p->bStop || !p->bBusy || p->iCall != iCall) {
            continue;
        }
        p->bChecked = 1;
        pthread_mutex_unlock(&p->mu);
        char *zErr = NULL;
        if (kqx_db_check(p->pDb, &zErr) == KQ_CORRUPT) {
            p->xDamaged(p->pCtx, zErr ? zErr
                                      : "the Xapian database is "
                                        "damaged");
        }
        free(zErr);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int
kqi_xindex_watch(kqi_xindex *p, void (*x)(void *pCtx, const char *zErr),
                 void *pCtx)
{
    if (p->bWatch) {
        return KQ_MISUSE;
    }
    p->xDamaged = x;
    p->pCtx = pCtx;
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, &a);
    pthread_condattr_destroy(&a);
    if (pthread_create(&p->th, NULL, watch_main, p) != 0) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        return KQ_NOMEM;
    }
    p->bWatch = 1;
    return KQ_OK;
}

/* A read of p begins, ends (for the watchdog). */
static void
xcall_begin(kqi_xindex *p)
{
    if (p->bWatch) {
        pthread_mutex_lock(&p->mu);
        p->bBusy = 1;
        p->iCall++;
        clock_gettime(CLOCK_MONOTONIC, &p->tStart);
        pthread_cond_signal(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

static void
xcall_end(kqi_xindex *p)
{
    if (p->bWatch) {
        pthread_mutex_lock(&p->mu);
        p->bBusy = 0;
        pthread_cond_signal(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

static int
first_term(void *pCtx, const char *z, size_t n)
{
    *(int *)pCtx = 1;
    return 1; /* one is enough */
}

/* A remote database: tcp://HOST:PORT (kq(1), -d; several shards are
** several -d).  HOST is a name or an IPv4 address ([A-Za-z0-9._-]) or an
** IPv6 address in brackets; PORT is decimal, 1 to XURL_PORT_MAX, with
** nothing after it.  This is the one check: the plugin only splits what it
** accepted (kqx_db_open in xapian_capi.cc). */
#define XURL_PREFIX "tcp://"
#define XURL_PORT_MAX 65535 /* TCP port numbers are 16 bits; 0 is none */

/* z as text for a message: bytes other than printable ASCII as \xHH, at
** most 128 bytes of z. */
static char *
xurl_show(const char *z)
{
    kq_buf b = {0};
    size_t n = strlen(z);
    for (size_t i = 0; i < n && i < 128; i++) {
        u8 c = (u8)z[i];
        if (c < 0x20 || c >= 0x7f || c == '\\') {
            char a[5];
            snprintf(a, sizeof(a), "\\x%02x", c);
            kq_buf_append(&b, a, 4);
        } else {
            kq_buf_putc(&b, (char)c);
        }
    }
    if (n > 128) {
        kq_buf_append(&b, "...", 3);
    }
    kq_buf_putc(&b, 0);
    if (b.rc) {
        kq_buf_free(&b);
        return NULL;
    }
    return (char *)b.a;
}

static int
xurl_check(const char *zUrl, char **pzErr)
{
    const char *z = zUrl + strlen(XURL_PREFIX);
    const char *zWhy = NULL;
    const char *zColon = strrchr(z, ':');
    size_t nHost = zColon ? (size_t)(zColon - z) : 0;
    if (zColon == NULL) {
        zWhy = "no :PORT";
    } else if (nHost == 0 || (z[0] == '[' && nHost <= 2)) {
        zWhy = "no host";
    } else if (z[0] == '[') {
        /* [IPv6] */
        if (z[nHost - 1] != ']') {
            zWhy = "an IPv6 address needs its closing bracket";
        }
        for (size_t i = 1; zWhy == NULL && i + 1 < nHost; i++) {
            if (!isxdigit((u8)z[i]) && z[i] != ':' && z[i] != '.') {
                zWhy = "bad character in the IPv6 address";
            }
        }
    } else {
        for (size_t i = 0; zWhy == NULL && i < nHost; i++) {
            if (!isalnum((u8)z[i]) && z[i] != '.' && z[i] != '-' &&
                z[i] != '_') {
                zWhy = z[i] == ':' ? "an IPv6 address goes in brackets, "
                                     "tcp://[::1]:PORT"
                                   : "bad character in the host";
            }
        }
    }
    if (zWhy == NULL) {
        /* digits only (no sign, no space, nothing after); the value
        ** stops growing once past the maximum, so nothing overflows */
        const char *zPort = zColon + 1;
        size_t nPort = strspn(zPort, "0123456789");
        unsigned long v = 0;
        for (size_t i = 0; i < nPort && v <= XURL_PORT_MAX; i++) {
            v = v * 10 + (unsigned long)(zPort[i] - '0');
        }
        if (nPort == 0 || zPort[nPort] != 0 || v < 1 || v > XURL_PORT_MAX) {
            zWhy = "the port must be a number from 1 to 65535";
        }
    }
    if (zWhy == NULL) {
        return KQ_OK;
    }
    char *zShow = xurl_show(zUrl);
    kqi_err(pzErr, KQ_MISUSE,
            "%s: not a Xapian server address (%s): "
            "expected tcp://HOST:PORT",
            zShow ? zShow : "tcp://...", zWhy);
    free(zShow);
    return KQ_MISUSE;
}

int
kqi_xindex_set_max_expansion(kqi_xindex *p, uint32_t n)
{
    if (n < 1 || n > KQ_MAX_QUERY_EXPANSION) {
        return KQ_MISUSE;
    }
    p->nMaxExpansion = n;
    return KQ_OK;
}

int
kqi_xindex_open(const char *const *azPath, int nPath, kqi_xindex **ppOut,
                char **pzErr)
{
    *ppOut = NULL;
    for (int i = 0; i < nPath; i++) {
        if (strncmp(azPath[i], XURL_PREFIX, strlen(XURL_PREFIX)) == 0) {
            int rc = xurl_check(azPath[i], pzErr);
            if (rc) {
                return rc;
            }
        }
    }
    kqi_xindex *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return KQ_NOMEM;
    }
    char *zLang = NULL;
    int rc = kqx_db_open(azPath, nPath, &p->pDb, pzErr);
    if (rc == KQ_OK) {
        rc = kqx_db_stats(p->pDb, &p->stats.nDoc, &p->stats.avgDoclen, pzErr);
    }
    if (rc == KQ_OK && p->stats.nDoc == 0) {
        /* No documents, says the version file; then there are no terms
        ** either, unless its statistics are damaged (glass reads a
        ** truncated version file's missing figures as zeros). */
        int bAny = 0;
        rc = kqx_db_terms_scan(p->pDb, "", 0, &bAny, first_term, pzErr);
        if (rc == 1) {
            rc = KQ_OK;
        }
        if (rc == KQ_OK && bAny) {
            struct stat st;
            char *z = kq_mprintf("%s/iamglass", azPath[0]);
            int bGlass = nPath == 1 && z && stat(z, &st) == 0;
            rc = kqi_err(pzErr, KQ_CORRUPT,
                         "%s: xapian: the database has "
                         "terms but its statistics say no documents (the "
                         "database is damaged)",
                         bGlass ? z : azPath[0]);
            free(z);
        }
    }
    if (rc == KQ_OK) {
        char *zVocab = NULL;
        rc = kqx_db_get_metadata(p->pDb, META_VOCAB, &zVocab, pzErr);
        p->bFullVocab = rc == KQ_OK && strcmp(zVocab, META_VOCAB_ALL) == 0;
        free(zVocab);
    }
    if (rc == KQ_OK) {
        rc = kqx_db_get_metadata(p->pDb, META_LANG, &zLang, pzErr);
    }
    if (rc == KQ_OK && (p->stats.nDoc > 0 || zLang[0])) {
        /* An empty database that kq did not write is one to search (and
        ** find nothing in); any other holds terms of some analysis. */
        char *zAnalysis = NULL;
        rc = kqx_db_get_metadata(p->pDb, META_ANALYSIS, &zAnalysis, pzErr);
        if (rc == KQ_OK) {
            rc = analysis_check(azPath[0], zAnalysis, pzErr);
        }
        free(zAnalysis);
    }
    if (rc == KQ_OK) {
        rc = read_title_weight(NULL, p->pDb, azPath[0], &p->stats.nTitleWeight,
                               pzErr);
    }
    if (rc == KQ_OK) {
        const char *z = zLang[0] ? zLang : KQ_DEFAULT_LANG;
        rc = kq_analyzer_new(z, &p->pA);
        if (rc) {
            rc = kqi_err(pzErr, KQ_FORMAT,
                         "unknown stemming language "
                         "\"%s\"",
                         z);
        }
    }
    if (rc == KQ_OK) {
        /* Query words are analysed in the documents' languages too. */
        kq_langcount *a = NULL;
        int n = 0;
        rc = kqi_xindex_languages(p, 0, &a, &n, pzErr);
        for (int i = 0; rc == KQ_OK && i < n; i++) {
            kq_analyzer *pL;
            kqi_analyzer_lang_get(p->pA, a[i].zLang, strlen(a[i].zLang), &pL);
        }
        free(a);
    }
    free(zLang);
    if (rc) {
        kqi_xindex_close(p);
        return rc;
    }
    p->stats.nSegment = (u32)nPath;
    p->stats.nToken = (u64)(p->stats.avgDoclen * (double)p->stats.nDoc + 0.5);
    *ppOut = p;
    return KQ_OK;
}

void
kqi_xindex_close(kqi_xindex *p)
{
    if (p) {
        if (p->bWatch) {
            pthread_mutex_lock(&p->mu);
            p->bStop = 1;
            pthread_cond_signal(&p->cv);
            pthread_mutex_unlock(&p->mu);
            pthread_join(p->th, NULL);
            pthread_cond_destroy(&p->cv);
            pthread_mutex_destroy(&p->mu);
        }
        kqx_db_close(p->pDb);
        kq_analyzer_free(p->pA);
        free(p);
    }
}

kq_analyzer *
kqi_xindex_analyzer(kqi_xindex *p)
{
    return p->pA;
}

const kq_stats *
kqi_xindex_stats(const kqi_xindex *p)
{
    return &p->stats;
}

/* Prefix expansion: the terms collected, de-duplicated whenever they
** reach twice nKeep (several words share a stem), so that memory stays
** within 2 nKeep terms; more than nKeep distinct ones stop the scan
** (bOver), as common/search/expand.c does. */
typedef struct xexp {
    char **az;
    int n, nAlloc;
    int rc;
    u32 nKeep;
    int bOver;
} xexp;

static void exp_dedup(xexp *e);

static int
exp_add(void *pCtx, const char *z, size_t n)
{
    xexp *e = pCtx;
    if ((u32)e->n >= 2 * (u64)e->nKeep + 1) {
        exp_dedup(e);
        if ((u32)e->n > e->nKeep) {
            e->bOver = 1;
            return 1; /* stop the scan */
        }
    }
    if (e->n == e->nAlloc) {
        int nNew = e->nAlloc ? 2 * e->nAlloc : 16;
        char **a = realloc(e->az, sizeof(*a) * (size_t)nNew);
        if (a == NULL) {
            return e->rc = KQ_NOMEM;
        }
        e->az = a;
        e->nAlloc = nNew;
    }
    e->az[e->n] = malloc(n + 1);
    if (e->az[e->n] == NULL) {
        return e->rc = KQ_NOMEM;
    }
    memcpy(e->az[e->n], z, n);
    e->az[e->n][n] = 0;
    e->n++;
    return 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the collected terms and drop the duplicates (a term twice would
** score twice). */
static void
exp_dedup(xexp *e)
{
    if (e->n > 1) {
        qsort(e->az, (size_t)e->n, sizeof(char *), cmp_str);
    }
    int j = 0;
    for (int i = 0; i < e->n; i++) {
        if (j > 0 && strcmp(e->az[i], e->az[j - 1]) == 0) {
            free(e->az[i]);
        } else {
            e->az[j++] = e->az[i];
        }
    }
    e->n = j;
}

/* The expansion limits (kq.h, kqi_exp_check()): zWhat expanded to e->n
** distinct terms (or more than e->nKeep if e->bOver). */
static int
exp_check(kqi_xindex *p, xexp *e, int bPrefix, const char *zWhat, char **pzErr)
{
    u32 nMax = p->nMaxExpansion ? p->nMaxExpansion : KQ_DEFAULT_MAX_EXPANSION;
    return kqi_exp_check(nMax, &p->nExpLeft, (u32)e->n, bPrefix, e->bOver,
                         zWhat, pzErr);
}

/* The most terms the next expansion may collect. */
static u32
exp_keep(const kqi_xindex *p, int bPrefix)
{
    u32 nMax = p->nMaxExpansion ? p->nMaxExpansion : KQ_DEFAULT_MAX_EXPANSION;
    return bPrefix && nMax < p->nExpLeft ? nMax : p->nExpLeft;
}

/* OR of the distinct collected terms, after exp_dedup(). */
static int
exp_query(xexp *e, kqx_query **ppOut)
{
    if (e->n == 0) {
        return kqx_query_nothing(ppOut, NULL);
    }
    kqx_query **a = calloc((size_t)e->n, sizeof(kqx_query *));
    int n = 0, rc = a ? KQ_OK : KQ_NOMEM;
    for (int i = 0; rc == KQ_OK && i < e->n; i++) {
        rc = kqx_query_term(e->az[i], strlen(e->az[i]), &a[n++], NULL);
    }
    if (rc == KQ_OK) {
        rc = kqx_query_combine(KQX_OR, a, n, ppOut, NULL);
    }
    for (int i = 0; a && i < n; i++) {
        kqx_query_free(a[i]);
    }
    free(a);
    return rc;
}

static void
exp_clear(xexp *e)
{
    for (int i = 0; i < e->n; i++) {
        free(e->az[i]);
    }
    free(e->az);
}

static int translate(kqi_xindex *p, const kqi_qnode *q, kqx_query **ppOut,
                     char **pzErr);
static int translate_node(kqi_xindex *p, const kqi_qnode *q, kqx_query **ppOut,
                          char **pzErr);

/* *ppQ times w (0: a filter), in place. */
static int
x_scale(kqx_query **ppQ, double w, char **pzErr)
{
    kqx_query *pOut = NULL;
    int rc = kqx_query_combine_ex(KQX_SCALE, w, ppQ, 1, &pOut, pzErr);
    kqx_query_free(*ppQ);
    *ppQ = pOut;
    return rc;
}

typedef struct xdate {
    xexp e;
    const kqi_qnode *q;
} xdate;

static int
date_add(void *pCtx, const char *z, size_t n)
{
    xdate *d = pCtx;
    if (n > 1 && kqi_date_within(z + 1, n - 1, d->q->zLo, d->q->zHi) &&
        !kqi_date_parent_within(z + 1, n - 1, d->q->zLo, d->q->zHi)) {
        return exp_add(&d->e, z, n);
    }
    return 0;
}

/* The prefix of field terms of q ("" for the text). */
static int
x_field_prefix(kqi_xindex *p, const kqi_qnode *q, char *aOut, size_t nOut,
               char **pzErr)
{
    int nPfx = kqi_field_prefix(q, aOut, nOut);
    switch (q->eField) {
    case KQI_FIELD_EXTRA: {
        int bAny = 0;
        if (nPfx < 0) {
            /* Longer than any field name: no such field. */
            return kqi_err(pzErr, KQ_SYNTAX, "unknown field '%s'", q->zField);
        }
        int rc = kqx_db_terms_scan(p->pDb, aOut, strlen(aOut), &bAny,
                                   first_term, pzErr);
        if (rc && rc != 1) {
            return rc;
        }
        if (!bAny) {
            return kqi_err(pzErr, KQ_SYNTAX, "unknown field '%s'", q->zField);
        }
        return KQ_OK;
    }
    case KQI_FIELD_BODY:
        return kqi_err(pzErr, KQ_MISUSE,
                       "body: needs the native backend "
                       "(a Xapian database cannot tell title from body "
                       "occurrences)");
    default: return KQ_OK;
    }
}

/* An expanding word's walk (as kqi_expand_leaf() of search/expand.c),
** over Xapian's terms and vocabulary. */
typedef struct xwalk {
    xexp e;
    kqi_xindex *p;
    kqi_pat pat;
    size_t nSkip; /* key bytes before the word: a field's prefix */
    int bTitle;   /* keep T + stem where the titles have it */
    char **pzErr;
} xwalk;

typedef struct xhave {
    const char *z;
    size_t n;
    int bYes;
} xhave;

static int
have_cb(void *pCtx, const char *z, size_t n)
{
    xhave *h = pCtx;
    h->bYes = n == h->n && memcmp(z, h->z, n) == 0;
    return 1; /* the first term >= it is it, or it is not there */
}

/* Collect a stem of the text, or a field's key. */
static int
xw_collect(xwalk *w, const char *z, size_t n)
{
    char aKey[KQI_MAX_KEY + 1];
    if (w->bTitle) {
        if (n + 1 > KQI_MAX_KEY) {
            return 0;
        }
        aKey[0] = KQI_PFX_TITLE;
        memcpy(aKey + 1, z, n);
        xhave h = {aKey, n + 1, 0};
        int rc = kqx_db_terms_scan(w->p->pDb, aKey, n + 1, &h, have_cb,
                                   w->pzErr);
        if (rc != KQ_OK && rc != 1) {
            return w->e.rc = rc;
        }
        if (!h.bYes) {
            return 0;
        }
        z = aKey;
        n++;
    }
    return exp_add(&w->e, z, n);
}

static int
xw_term_cb(void *pCtx, const char *z, size_t n)
{
    xwalk *w = pCtx;
    if (w->nSkip == 0 && KQI_IS_FIELD_TERM(z, n)) {
        return 0;
    }
    if (!kqi_pat_match(&w->pat, z + w->nSkip, n - w->nSkip)) {
        return 0;
    }
    return xw_collect(w, z, n);
}

static int
xw_word_cb(void *pCtx, const char *zKey, size_t nKey, const char *zVal,
           size_t nVal)
{
    xwalk *w = pCtx;
    if (nKey < META_WORD_LEN ||
        !kqi_pat_match(&w->pat, zKey + META_WORD_LEN, nKey - META_WORD_LEN)) {
        return 0;
    }
    return xw_collect(w, zVal, nVal);
}

/* The terms expanding word q (PREFIX, WILD, FUZZY) expands to, with zPfx
** in front, into *pE, checked against the limits: as search/expand.c's
** expand_leaf(), which says what each kind matches. */
static int
x_expand(kqi_xindex *p, const kqi_qnode *q, const char *zPfx, xexp *pE,
         char **pzErr)
{
    xwalk w;
    memset(&w, 0, sizeof(w));
    w.e.nKeep = exp_keep(p, 1);
    w.p = p;
    w.pzErr = pzErr;
    int rc = kqi_pat_of(q, &w.pat);
    size_t nPfx = strlen(zPfx);
    w.bTitle = nPfx == 1 && zPfx[0] == KQI_PFX_TITLE;
    char aKey[2 * KQI_MAX_KEY + 4];
    *pE = w.e;
    if (rc) {
        return rc;
    }
    if (w.pat.nLit > KQI_MAX_TERM || nPfx > KQI_MAX_KEY) {
        /* No indexed word is that long. */
    } else if (nPfx && !w.bTitle) {
        memcpy(aKey, zPfx, nPfx);
        memcpy(aKey + nPfx, w.pat.zPat, w.pat.nLit);
        w.nSkip = nPfx;
        rc = kqx_db_terms_scan(p->pDb, aKey, nPfx + w.pat.nLit, &w, xw_term_cb,
                               pzErr);
    } else {
        /* A database whose vocabulary lacks the words that are their own
        ** stem has them among its terms. */
        if (w.pat.eKind == KQI_PAT_PREFIX || !p->bFullVocab) {
            rc = kqx_db_terms_scan(p->pDb, w.pat.zPat, w.pat.nLit, &w,
                                   xw_term_cb, pzErr);
        }
        memcpy(aKey, META_WORD, META_WORD_LEN);
        memcpy(aKey + META_WORD_LEN, w.pat.zPat, w.pat.nLit);
        if (rc == KQ_OK) {
            rc = kqx_db_metadata_scan(p->pDb, aKey, META_WORD_LEN + w.pat.nLit,
                                      &w, xw_word_cb, pzErr);
        }
    }
    if (rc == 1 && w.e.bOver) {
        rc = KQ_OK; /* the scan was stopped: over the limit */
    }
    if (rc == 1) {
        rc = w.e.rc ? w.e.rc : KQ_NOMEM;
    }
    if (rc == KQ_OK && w.e.rc == KQ_OK) {
        exp_dedup(&w.e);
        char *zWhat = kqi_pat_name(q);
        rc = zWhat ? exp_check(p, &w.e, 1, zWhat, pzErr) : KQ_NOMEM;
        free(zWhat);
    }
    if (rc == KQ_OK) {
        rc = w.e.rc;
    }
    *pE = w.e;
    return rc;
}

/* A word, prefix or phrase of q, its terms prefixed with zPfx. */
static int
x_text(kqi_xindex *p, const kqi_qnode *q, const char *zPfx, kqx_query **ppOut,
       char **pzErr)
{
    size_t nPfx = strlen(zPfx);
    char aKey[2 * KQI_MAX_KEY + 4];
    switch (q->eType) {
    case KQI_Q_TERM:
        if (nPfx + q->nTerm >= sizeof(aKey)) {
            return kqx_query_nothing(ppOut, pzErr);
        }
        memcpy(aKey, zPfx, nPfx);
        memcpy(aKey + nPfx, q->zTerm, q->nTerm);
        return kqx_query_term(aKey, nPfx + q->nTerm, ppOut, pzErr);
    case KQI_Q_PREFIX:
    case KQI_Q_WILD:
    case KQI_Q_FUZZY: {
        xexp e;
        int rc = x_expand(p, q, zPfx, &e, pzErr);
        if (rc == KQ_OK) {
            rc = exp_query(&e, ppOut);
        }
        exp_clear(&e);
        return rc;
    }
    case KQI_Q_PHRASE: {
        kqx_query **a = calloc((size_t)q->nChild + 1, sizeof(kqx_query *));
        int rc = a ? KQ_OK : KQ_NOMEM;
        for (int i = 0; rc == KQ_OK && i < q->nChild; i++) {
            rc = x_text(p, q->aChild[i], zPfx, &a[i], pzErr);
        }
        if (rc == KQ_OK) {
            rc = kqx_query_combine(KQX_PHRASE, a, q->nChild, ppOut, pzErr);
        }
        for (int i = 0; a && i < q->nChild; i++) {
            kqx_query_free(a[i]);
        }
        free(a);
        return rc;
    }
    default: return KQ_MISUSE;
    }
}

/* A word, prefix or phrase with its field, as search/plan.c plans it: title
** words rank by their text term and are restricted by the title term;
** source and extra fields only restrict. */
static int
x_field(kqi_xindex *p, const kqi_qnode *q, kqx_query **ppOut, char **pzErr)
{
    char aPfx[KQI_MAX_KEY + 4];
    if (q->eType == KQI_Q_EXACT) {
        return kqi_err(pzErr, KQ_MISUSE, "=word needs the native backend");
    }
    int rc = x_field_prefix(p, q, aPfx, sizeof(aPfx), pzErr);
    if (rc) {
        return rc;
    }
    if (q->bNever) {
        return kqx_query_nothing(ppOut, pzErr);
    }
    kqx_query *a = NULL, *b = NULL;
    if (q->eField == KQI_FIELD_ANY || q->eField == KQI_FIELD_TITLE) {
        rc = x_text(p, q, "", &a, pzErr);
    }
    if (rc == KQ_OK && q->eField != KQI_FIELD_ANY) {
        rc = x_text(p, q, aPfx, &b, pzErr);
        if (rc == KQ_OK) {
            rc = x_scale(&b, 0.0, pzErr);
        }
    }
    if (rc == KQ_OK && a && b) {
        kqx_query *ab[2] = {a, b};
        rc = kqx_query_combine(KQX_AND, ab, 2, ppOut, pzErr);
    } else if (rc == KQ_OK) {
        *ppOut = a ? a : b;
        a = b = NULL;
    }
    kqx_query_free(a);
    kqx_query_free(b);
    return rc;
}

/* Translate node q into *ppOut, with its boost. */
static int
translate(kqi_xindex *p, const kqi_qnode *q, kqx_query **ppOut, char **pzErr)
{
    int rc = translate_node(p, q, ppOut, pzErr);
    if (rc == KQ_OK && q->boost != 0 && q->boost != 1.0) {
        rc = x_scale(ppOut, q->boost, pzErr);
    }
    return rc;
}

static int
translate_node(kqi_xindex *p, const kqi_qnode *q, kqx_query **ppOut,
               char **pzErr)
{
    *ppOut = NULL;
    switch (q->eType) {
    case KQI_Q_TERM:
    case KQI_Q_PREFIX:
    case KQI_Q_WILD:
    case KQI_Q_FUZZY:
    case KQI_Q_EXACT: return x_field(p, q, ppOut, pzErr);
    case KQI_Q_PHRASE:
        if (q->eField != KQI_FIELD_ANY) {
            return x_field(p, q, ppOut, pzErr);
        }
        break;
    case KQI_Q_DATE: {
        xdate d = {{NULL, 0, 0, KQ_OK, exp_keep(p, 0), 0}, q};
        char c = KQI_PFX_DATE;
        int rc = kqx_db_terms_scan(p->pDb, &c, 1, &d, date_add, pzErr);
        if (rc == 1 && d.e.bOver) {
            rc = KQ_OK;
        }
        if (rc == KQ_OK && d.e.rc == KQ_OK) {
            exp_dedup(&d.e);
            char *zWhat = kq_mprintf("date:%s..%s", q->zLo, q->zHi);
            rc = zWhat ? exp_check(p, &d.e, 0, zWhat, pzErr) : KQ_NOMEM;
            free(zWhat);
        }
        if (rc == KQ_OK) {
            rc = d.e.rc ? d.e.rc : exp_query(&d.e, ppOut);
        }
        exp_clear(&d.e);
        return rc ? rc : x_scale(ppOut, 0.0, pzErr);
    }
    case KQI_Q_ID: {
        if (q->bIdPrefix) {
            /* id:PRE*: the id terms Q + id starting with it, each an
            ** expansion (as search/expand.c's kqi_expand_ids()). */
            xexp e = {NULL, 0, 0, KQ_OK, exp_keep(p, 1), 0};
            char *z = kq_mprintf("Q%.*s", (int)q->nTerm, q->zTerm);
            int rc = z ? kqx_db_terms_scan(p->pDb, z, strlen(z), &e, exp_add,
                                           pzErr)
                       : KQ_NOMEM;
            free(z);
            if (rc == 1 && e.bOver) {
                rc = KQ_OK;
            }
            if (rc == KQ_OK && e.rc == KQ_OK) {
                exp_dedup(&e);
                char *zWhat = kq_mprintf("the id prefix id:%.*s*",
                                         (int)q->nTerm, q->zTerm);
                rc = zWhat ? exp_check(p, &e, 1, zWhat, pzErr) : KQ_NOMEM;
                free(zWhat);
            }
            if (rc == KQ_OK) {
                rc = e.rc ? e.rc : exp_query(&e, ppOut);
            }
            exp_clear(&e);
            return rc ? rc : x_scale(ppOut, 0.0, pzErr);
        }
        char *z = kq_mprintf("Q%.*s", (int)q->nTerm, q->zTerm);
        int rc = z ? kqx_query_term(z, strlen(z), ppOut, pzErr) : KQ_NOMEM;
        free(z);
        return rc ? rc : x_scale(ppOut, 0.0, pzErr);
    }
    case KQI_Q_NEAR: {
        kqx_query **a = calloc((size_t)q->nChild + 1, sizeof(kqx_query *));
        int rc = a ? KQ_OK : KQ_NOMEM;
        for (int i = 0; rc == KQ_OK && i < q->nChild; i++) {
            if (q->aChild[i]->bNever) {
                for (int j = 0; j < i; j++) {
                    kqx_query_free(a[j]);
                }
                free(a);
                return kqx_query_nothing(ppOut, pzErr);
            }
            rc = kqx_query_term(q->aChild[i]->zTerm, q->aChild[i]->nTerm,
                                &a[i], pzErr);
        }
        if (rc == KQ_OK) {
            /* The window kq's NEAR/n means (search/positions.c,
             * kqi_near_match()). */
            rc = kqx_query_combine_ex(q->bOrdered ? KQX_ADJ : KQX_NEAR,
                                      (double)q->nWindow + q->nChild - 1, a,
                                      q->nChild, ppOut, pzErr);
        }
        for (int i = 0; a && i < q->nChild; i++) {
            kqx_query_free(a[i]);
        }
        free(a);
        return rc;
    }
    default: break;
    }
    /* AND, OR, MAYBE, PHRASE, NOT: translate the children first. */
    kqx_query **aPos = calloc((size_t)q->nChild + 1, sizeof(kqx_query *));
    kqx_query **aNeg = calloc((size_t)q->nChild + 1, sizeof(kqx_query *));
    int nPos = 0, nNeg = 0, rc = KQ_OK;
    if (aPos == NULL || aNeg == NULL) {
        rc = KQ_NOMEM;
    }
    for (int i = 0; rc == KQ_OK && i < q->nChild; i++) {
        const kqi_qnode *c = q->aChild[i];
        if (q->eType == KQI_Q_NOT) {
            rc = translate(p, c, &aNeg[nNeg++], pzErr);
        } else if (q->eType == KQI_Q_AND && c->eType == KQI_Q_NOT) {
            rc = translate(p, c->aChild[0], &aNeg[nNeg++], pzErr);
        } else {
            rc = translate(p, c, &aPos[nPos++], pzErr);
        }
    }
    if (rc == KQ_OK) {
        if (q->eType == KQI_Q_OR) {
            rc = kqx_query_combine(KQX_OR, aPos, nPos, ppOut, pzErr);
        } else if (q->eType == KQI_Q_MAYBE) {
            rc = kqx_query_combine(KQX_AND_MAYBE, aPos, nPos, ppOut, pzErr);
        } else if (q->eType == KQI_Q_PHRASE) {
            rc = kqx_query_combine(KQX_PHRASE, aPos, nPos, ppOut, pzErr);
        } else {
            /* AND (or NOT alone): positives, else every document; then
            ** without the negatives. */
            kqx_query *pAnd = NULL;
            rc = nPos ? kqx_query_combine(KQX_AND, aPos, nPos, &pAnd, pzErr)
                      : kqx_query_all(&pAnd, pzErr);
            if (rc == KQ_OK && nNeg) {
                aNeg[nNeg] = NULL;
                memmove(aNeg + 1, aNeg, sizeof(*aNeg) * (size_t)nNeg);
                aNeg[0] = pAnd;
                rc = kqx_query_combine(KQX_AND_NOT, aNeg, nNeg + 1, ppOut,
                                       pzErr);
                memmove(aNeg, aNeg + 1, sizeof(*aNeg) * (size_t)nNeg);
            } else if (rc == KQ_OK) {
                *ppOut = pAnd;
                pAnd = NULL;
            }
            kqx_query_free(pAnd);
        }
    }
    for (int i = 0; i < nPos; i++) {
        kqx_query_free(aPos[i]);
    }
    for (int i = 0; i < nNeg; i++) {
        kqx_query_free(aNeg[i]);
    }
    free(aPos);
    free(aNeg);
    return rc;
}

int
kqi_xsearch(kqi_xindex *p, const kq_query *q, size_t nOffset, size_t nLimit,
            kq_hit **paHit, size_t *pnHit, uint64_t *pnTotal, char **pzErr)
{
    *paHit = NULL;
    *pnHit = 0;
    *pnTotal = 0;
    kqx_query *x = NULL;
    kqx_mset *m = NULL;
    p->nExpLeft = KQ_MAX_QUERY_EXPANSION;
    xcall_begin(p);
    int rc = translate(p, q->pRoot, &x, pzErr);
    if (rc == KQ_OK) {
        rc = kqx_search(p->pDb, x, KQ_BM25_K1, KQ_BM25_B, nOffset, nLimit, &m,
                        pzErr);
    }
    xcall_end(p);
    kqx_query_free(x);
    if (rc) {
        return rc;
    }
    size_t n = kqx_mset_size(m);
    kq_hit *a = malloc(sizeof(kq_hit) * (n ? n : 1));
    if (a == NULL) {
        kqx_mset_free(m);
        return KQ_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        a[i].iDoc = kqx_mset_docid(m, i) - 1; /* Xapian counts from 1 */
        a[i].score = kqx_mset_score(m, i);
    }
    *pnTotal = kqx_mset_total(m);
    kqx_mset_free(m);
    *paHit = a;
    *pnHit = n;
    return KQ_OK;
}

int
kqi_xdoc(kqi_xindex *p, kq_docid iDoc, int iSlot, char **pz, size_t *pn,
         char **pzErr)
{
    xcall_begin(p);
    int rc = iSlot < 0 ? kqx_db_data(p->pDb, iDoc + 1, pz, pn, pzErr)
                       : kqx_db_value(p->pDb, iDoc + 1, (unsigned)iSlot, pz,
                                      pn, pzErr);
    xcall_end(p);
    return rc;
}

int
kqi_xvalue_counts(kqi_xindex *p, int eField, void *pCtx, kq_value_count_fn x,
                  char **pzErr)
{
    xcall_begin(p);
    int rc = kqx_db_value_counts(
        p->pDb, eField == KQ_VALUE_DATE ? KQX_VALUE_DATE : KQX_VALUE_SOURCE,
        pCtx, x, pzErr);
    xcall_end(p);
    return rc;
}

int
kqi_xterm_freq(kqi_xindex *p, const char *z, size_t n, uint64_t *pnDoc,
               uint64_t *pnOcc, char **pzErr)
{
    xcall_begin(p);
    int rc = kqx_db_term_freq(p->pDb, z, n, pnDoc, pnOcc, pzErr);
    xcall_end(p);
    return rc;
}

typedef struct xdocwalk {
    void *pCtx;
    kq_doc_fn x;
} xdocwalk;

static int
xdocwalk_cb(void *pCtx, uint32_t iXDoc)
{
    xdocwalk *w = pCtx;
    return w->x(w->pCtx, iXDoc - 1); /* (Xapian's docids start at 1) */
}

int
kqi_xeach_doc(kqi_xindex *p, void *pCtx, kq_doc_fn x, kq_docid *pnDocid,
              char **pzErr)
{
    xdocwalk w = {pCtx, x};
    uint32_t iLast = 0;
    xcall_begin(p);
    int rc = kqx_db_each_doc(p->pDb, &w, x ? xdocwalk_cb : NULL, &iLast,
                             pzErr);
    xcall_end(p);
    if (pnDocid) {
        *pnDocid = iLast; /* (one more than the largest kq docid) */
    }
    return rc;
}

static int
cmp_hit_doc(const void *a, const void *b)
{
    kq_docid x = ((const kq_hit *)a)->iDoc, y = ((const kq_hit *)b)->iDoc;
    return x < y ? -1 : x > y;
}

/* Every hit (a count first, to ask for all of them), then in docid
** order. */
int
kqi_xsearch_each(kqi_xindex *p, const kq_query *q, void *pCtx, kq_match_fn x,
                 char **pzErr)
{
    uint64_t nTotal = 0;
    size_t nHit = 0;
    kq_hit *aHit = NULL;
    int rc = kqi_xsearch(p, q, 0, 0, &aHit, &nHit, &nTotal, pzErr);
    free(aHit);
    aHit = NULL;
    if (rc == KQ_OK && nTotal > 0) {
        rc = kqi_xsearch(p, q, 0, (size_t)nTotal, &aHit, &nHit, &nTotal,
                         pzErr);
    }
    if (rc == KQ_OK && nHit > 0) {
        /* (no hits: aHit is NULL, which qsort must not be given) */
        qsort(aHit, nHit, sizeof(kq_hit), cmp_hit_doc);
        for (size_t i = 0; rc == KQ_OK && i < nHit; i++) {
            rc = x(pCtx, aHit[i].iDoc, aHit[i].score, 0);
        }
    }
    free(aHit);
    return rc;
}

int
kqi_xindex_doc(kqi_xindex *p, kq_docid iDoc, char *azOut[KQI_XVALUES],
               size_t anOut[KQI_XVALUES], char **pzErr)
{
    static const unsigned aSlot[KQI_XVALUES] = {
        KQX_VALUE_ID, KQX_VALUE_TITLE, KQX_VALUE_DATE, KQX_VALUE_SOURCE,
        KQX_VALUE_SIG};
    xcall_begin(p);
    int rc = kqx_db_values(p->pDb, iDoc + 1, aSlot, KQI_XVALUES, azOut, anOut,
                           pzErr);
    xcall_end(p);
    return rc;
}

/**************************************************************************
** A Xapian database as the provider of kq_matcher (match.c): the
** positions of a document's terms from its position lists, its id, date
** and title from the values, its body from the data.
*/
typedef struct xprov {
    kqi_xindex *p;
    char **azKey; /* the matcher's (valid while it lives) */
    int nKey;
    u32 **aaPos; /* per key, of iDoc */
    u32 *anPos;
    kq_docid *aDoc; /* per key: the document of aaPos (EOF: none) */
    kq_docid iDoc;  /* of the texts below */
    char *zId, *zDate, *zTitle, *zBody;
    size_t nId, nDate, nTitle, nBody;
    int bText;
} xprov;

static int
xprov_expand(void *pCtx, const kqi_qnode *q, char ***paz, int *pn,
             char **pzErr)
{
    xprov *x = pCtx;
    char aPfx[KQI_MAX_KEY + 4];
    *paz = NULL;
    *pn = 0;
    x->p->nExpLeft = KQ_MAX_QUERY_EXPANSION;
    xcall_begin(x->p);
    int rc = x_field_prefix(x->p, q, aPfx, sizeof(aPfx), pzErr);
    xexp e;
    memset(&e, 0, sizeof(e));
    if (rc == KQ_OK) {
        rc = x_expand(x->p, q, aPfx, &e, pzErr);
    }
    xcall_end(x->p);
    if (rc) {
        exp_clear(&e);
        return rc;
    }
    *paz = e.az;
    *pn = e.n;
    return KQ_OK;
}

static int
xprov_keys(void *pCtx, const char *const *azKey, int nKey, char **pzErr)
{
    xprov *x = pCtx;
    KQ_UNUSED(pzErr);
    x->azKey = (char **)azKey;
    x->nKey = nKey;
    x->aaPos = calloc((size_t)nKey + 1, sizeof(u32 *));
    x->anPos = calloc((size_t)nKey + 1, sizeof(u32));
    x->aDoc = malloc(((size_t)nKey + 1) * sizeof(kq_docid));
    if (!x->aaPos || !x->anPos || !x->aDoc) {
        return KQ_NOMEM;
    }
    for (int i = 0; i < nKey; i++) {
        x->aDoc[i] = KQ_DOCID_EOF;
    }
    return KQ_OK;
}

static int
xprov_pos(void *pCtx, kq_docid iDoc, int iKey, const u32 **pa, u32 *pn,
          char **pzErr)
{
    xprov *x = pCtx;
    if (x->aDoc[iKey] != iDoc) {
        free(x->aaPos[iKey]);
        x->aaPos[iKey] = NULL;
        x->anPos[iKey] = 0;
        const char *z = x->azKey[iKey];
        xcall_begin(x->p);
        int rc = kqx_db_positions(x->p->pDb, iDoc + 1, z, strlen(z),
                                  &x->aaPos[iKey], &x->anPos[iKey], pzErr);
        xcall_end(x->p);
        if (rc) {
            return rc;
        }
        /* kq's writer gives Xapian position iPos + 1 (Xapian's positions
        ** start at 1): back to kq's numbering. */
        for (u32 i = 0; i < x->anPos[iKey]; i++) {
            x->aaPos[iKey][i] -= x->aaPos[iKey][i] > 0;
        }
        x->aDoc[iKey] = iDoc;
    }
    *pa = x->aaPos[iKey];
    *pn = x->anPos[iKey];
    return KQ_OK;
}

static void
xprov_clear_doc(xprov *x)
{
    free(x->zId);
    free(x->zDate);
    free(x->zTitle);
    free(x->zBody);
    x->zId = x->zDate = x->zTitle = x->zBody = NULL;
    x->nId = x->nDate = x->nTitle = x->nBody = 0;
    x->iDoc = KQ_DOCID_EOF;
    x->bText = 0;
}

static int
xprov_doc(void *pCtx, kq_docid iDoc, int bText, kqi_mdoc *pOut, char **pzErr)
{
    xprov *x = pCtx;
    int rc = KQ_OK;
    if (x->iDoc != iDoc) {
        xprov_clear_doc(x);
        rc = kqi_xdoc(x->p, iDoc, KQX_VALUE_ID, &x->zId, &x->nId, pzErr);
        if (rc == KQ_OK) {
            rc = kqi_xdoc(x->p, iDoc, KQX_VALUE_DATE, &x->zDate, &x->nDate,
                          pzErr);
        }
        if (rc == KQ_OK) {
            rc = kqi_xdoc(x->p, iDoc, KQX_VALUE_TITLE, &x->zTitle, &x->nTitle,
                          pzErr);
        }
        if (rc) {
            xprov_clear_doc(x);
            return rc;
        }
        x->iDoc = iDoc;
    }
    if (bText && !x->bText) {
        rc = kqi_xdoc(x->p, iDoc, -1, &x->zBody, &x->nBody, pzErr);
        x->bText = rc == KQ_OK;
    }
    memset(pOut, 0, sizeof(*pOut));
    pOut->zId = x->zId;
    pOut->nId = x->nId;
    pOut->zDate = x->zDate;
    pOut->nDate = x->nDate;
    pOut->zTitle = x->zTitle;
    pOut->nTitle = x->nTitle;
    pOut->zBody = x->zBody;
    pOut->nBody = x->nBody;
    return rc;
}

static void
xprov_free(void *pCtx)
{
    xprov *x = pCtx;
    for (int i = 0; x->aaPos && i < x->nKey; i++) {
        free(x->aaPos[i]);
    }
    free(x->aaPos);
    free(x->anPos);
    free(x->aDoc);
    xprov_clear_doc(x);
    free(x);
}

int
kqi_xmatcher_new(kqi_xindex *p, kq_analyzer *pA, const kq_query *q,
                 kq_matcher **ppOut, char **pzErr)
{
    *ppOut = NULL;
    xprov *x = calloc(1, sizeof(*x));
    if (x == NULL) {
        return KQ_NOMEM;
    }
    x->p = p;
    x->iDoc = KQ_DOCID_EOF;
    kqi_mprov prov = {x,         xprov_expand, xprov_keys,
                      xprov_pos, xprov_doc,    xprov_free};
    return kqi_matcher_new(pA, q, &prov, ppOut, pzErr);
}

/**************************************************************************
** The languages of the documents (KQI_PFX_LANG terms), as index.c's
** kq_index_languages(): the names, and with bCount the documents of each,
** by a search for the term (exact on local and remote shards alike; the
** wrapper has no term-frequency call).
*/
typedef struct xlangs {
    kq_langcount *a;
    int n;
    int rc;
} xlangs;

static int
lang_term(void *pCtx, const char *z, size_t n)
{
    xlangs *l = pCtx;
    if (n < 2 || n - 1 >= KQ_MAX_LANG_NAME) {
        return 0; /* no language has such a name */
    }
    kq_langcount *a = realloc(l->a, sizeof(*a) * (size_t)(l->n + 1));
    if (a == NULL) {
        l->rc = KQ_NOMEM;
        return 1;
    }
    l->a = a;
    memcpy(a[l->n].zLang, z + 1, n - 1);
    a[l->n].zLang[n - 1] = 0;
    a[l->n].nDoc = 0;
    l->n++;
    return 0;
}

int
kqi_xindex_languages(kqi_xindex *p, int bCount, kq_langcount **paOut, int *pn,
                     char **pzErr)
{
    xlangs l = {NULL, 0, KQ_OK};
    char c = KQI_PFX_LANG;
    *paOut = NULL;
    *pn = 0;
    int rc = kqx_db_terms_scan(p->pDb, &c, 1, &l, lang_term, pzErr);
    if (rc == 1) {
        rc = l.rc;
    }
    for (int i = 0; rc == KQ_OK && bCount && i < l.n; i++) {
        char aKey[1 + KQ_MAX_LANG_NAME];
        kqi_qnode t;
        memset(&t, 0, sizeof(t));
        t.eType = KQI_Q_TERM;
        t.nTerm = (size_t)snprintf(aKey, sizeof(aKey), "%c%s", KQI_PFX_LANG,
                                   l.a[i].zLang);
        t.zTerm = aKey;
        kq_query q = {&t};
        kq_hit *aHit = NULL;
        size_t nHit = 0;
        rc = kqi_xsearch(p, &q, 0, 0, &aHit, &nHit, &l.a[i].nDoc, pzErr);
        free(aHit);
    }
    if (rc) {
        free(l.a);
        return rc;
    }
    *paOut = l.a;
    *pn = l.n;
    return KQ_OK;
}

/**************************************************************************
** A document by id (index.c's kq_index_find()): the id term Q + id,
** which kq-index keeps unique (a document given again replaces the one
** of its id), its last posting if a database written before that has
** several; an id longer than a term (KQ_XAPIAN_MAX_ID), or one that
** databases written before the Q term took every id up to that length
** had no Q term for (over KQI_MAX_KEY - 1 bytes), by a walk of the id
** values.
*/
typedef struct xfind {
    kqi_xindex *p;
    const char *zId;
    size_t nId;
    uint32_t iDoc; /* Xapian's (0: none yet) */
    int rc;
    char **pzErr;
} xfind;

static int
find_posting(void *pCtx, uint32_t iDoc, uint32_t nWdf)
{
    KQ_UNUSED(nWdf);
    ((xfind *)pCtx)->iDoc = iDoc;
    return 0;
}

static int
find_value(void *pCtx, uint32_t iDoc)
{
    xfind *f = pCtx;
    char *z = NULL;
    size_t n = 0;
    f->rc = kqx_db_value(f->p->pDb, iDoc, KQX_VALUE_ID, &z, &n, f->pzErr);
    if (f->rc == KQ_OK && n == f->nId && memcmp(z, f->zId, n) == 0) {
        f->iDoc = iDoc;
    }
    free(z);
    return f->rc ? 1 : 0;
}

int
kqi_xfind(kqi_xindex *p, const char *zId, size_t nId, kq_docid *piDoc,
          char **pzErr)
{
    xfind f = {p, zId, nId, 0, KQ_OK, pzErr};
    int rc;
    xcall_begin(p);
    rc = KQ_OK;
    if (nId <= KQ_XAPIAN_MAX_ID) {
        char aKey[KQ_XAPIAN_MAX_ID + 1];
        aKey[0] = 'Q';
        memcpy(aKey + 1, zId, nId);
        rc = kqx_db_postings(p->pDb, aKey, nId + 1, &f, find_posting, pzErr);
    }
    if (rc == KQ_OK && f.iDoc == 0 && nId + 1 > KQI_MAX_KEY) {
        rc = kqx_db_each_doc(p->pDb, &f, find_value, NULL, pzErr);
        if (rc == 1) {
            rc = f.rc;
        }
    }
    xcall_end(p);
    if (rc == KQ_OK && f.iDoc == 0) {
        rc = kqi_err(pzErr, KQ_NOTFOUND, "no document with id '%.*s'",
                     KQI_QUOTE_LEN(nId), zId);
    }
    if (rc == KQ_OK) {
        *piDoc = f.iDoc - 1; /* (Xapian's docids start at 1) */
    }
    return rc;
}

/**************************************************************************
** The vocabulary (index.c's kq_index_terms()): the words of the metadata
** ("w" 0x01 word = stem) starting with the prefix, in byte order, each
** with the number of documents holding its stem (none: not listed).
*/
typedef struct xterms {
    kqi_xindex *p;
    void *pCtx;
    kq_term_fn x;
    int rc;
    char **pzErr;
} xterms;

static int
terms_word(void *pCtx, const char *zKey, size_t nKey, const char *zVal,
           size_t nVal)
{
    xterms *t = pCtx;
    uint64_t df = 0;
    if (nKey <= META_WORD_LEN) {
        return 0;
    }
    t->rc = kqx_db_doc_freq(t->p->pDb, zVal, nVal, &df, t->pzErr);
    if (t->rc == KQ_OK && df > 0) {
        t->rc = t->x(t->pCtx, zKey + META_WORD_LEN, nKey - META_WORD_LEN, zVal,
                     nVal, df);
    }
    return t->rc ? 1 : 0;
}

int
kqi_xterms(kqi_xindex *p, const char *zPrefix, size_t nPrefix, void *pCtx,
           kq_term_fn x, char **pzErr)
{
    char aKey[META_WORD_LEN + KQI_MAX_TERM];
    if (nPrefix > KQI_MAX_TERM) {
        return KQ_OK; /* no word is that long */
    }
    memcpy(aKey, META_WORD, META_WORD_LEN);
    memcpy(aKey + META_WORD_LEN, zPrefix, nPrefix);
    xterms t = {p, pCtx, x, KQ_OK, pzErr};
    xcall_begin(p);
    int rc = kqx_db_metadata_scan(p->pDb, aKey, META_WORD_LEN + nPrefix, &t,
                                  terms_word, pzErr);
    xcall_end(p);
    if (rc == 1) {
        rc = t.rc;
    }
    return rc;
}

/**************************************************************************
** Date order (run.c's search_by_date()): a document's date, and its
** place in the order kq-index added the documents (KQX_VALUE_SEQ), which
** breaks ties as the native index's docids do.  A document without one
** (a database older than it) comes before those with one, by docid.
*/
int
kqi_xdoc_date(kqi_xindex *p, kq_docid iDoc, char **pzDate, size_t *pnDate,
              uint64_t *pTie, char **pzErr)
{
    char *z = NULL;
    size_t n = 0;
    *pzDate = NULL;
    *pnDate = 0;
    int rc = kqi_xdoc(p, iDoc, KQX_VALUE_DATE, pzDate, pnDate, pzErr);
    if (rc == KQ_OK) {
        rc = kqi_xdoc(p, iDoc, KQX_VALUE_SEQ, &z, &n, pzErr);
    }
    if (rc == KQ_OK && n == 8) {
        u64 v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (u8)z[i];
        }
        *pTie = ((u64)1 << 32) + v;
    } else if (rc == KQ_OK) {
        *pTie = iDoc;
    }
    free(z);
    if (rc) {
        free(*pzDate);
        *pzDate = NULL;
    }
    return rc;
}

/**************************************************************************
** kq_explain() on Xapian: the rows explain.c's walk of the native cursor
** tree gives, in its order, from a walk of the query: each scoring term
** the database holds (not those of filters, dates, ids or exclusions; a
** phrase or NEAR none if one of its words is missing), with its
** occurrences in the document (its positions), those in the title (of
** T + term), its df (Xapian's term frequency) and its part of the score
** by kq's BM25F over Xapian's document length; the total is Xapian's own
** score of the document.
*/
typedef struct xxpl {
    kqi_xindex *p;
    kq_explain_info *pOut;
    size_t nAlloc;
    uint32_t iXDoc; /* Xapian's docid */
    u32 nTitleW1;   /* the title weight, less one */
    char **pzErr;
} xxpl;

/* The documents holding z/n. */
static int
xpl_df(xxpl *x, const char *z, size_t n, u64 *pDf)
{
    uint64_t df = 0;
    int rc = kqx_db_doc_freq(x->p->pDb, z, n, &df, x->pzErr);
    *pDf = df;
    return rc;
}

/* The occurrences of z/n in the document. */
static int
xpl_occ(xxpl *x, const char *z, size_t n, u32 *pn)
{
    uint32_t *a = NULL, nPos = 0;
    int rc = kqx_db_positions(x->p->pDb, x->iXDoc, z, n, &a, &nPos, x->pzErr);
    free(a);
    *pn = nPos;
    return rc;
}

/* The row of term z (a text term) that query word q wrote, weight w (as
** explain.c's explain_walk() fills it); none if no document holds it. */
static int
xpl_row(xxpl *x, const char *z, size_t n, const kqi_qnode *q, double w)
{
    u64 df;
    int rc = xpl_df(x, z, n, &df);
    if (rc || df == 0) {
        return rc;
    }
    kq_explain_info *o = x->pOut;
    if (kq_grow(&o->aTerm, sizeof(kq_explain_term), &x->nAlloc,
                (size_t)o->nTerm + 1, 8)) {
        return KQ_NOMEM;
    }
    kq_explain_term *e = &o->aTerm[o->nTerm++];
    memset(e, 0, sizeof(*e));
    e->zTerm = kq_mprintf("%.*s", (int)n, z);
    if (q && q->eType == KQI_Q_PREFIX && q->zRaw == NULL) {
        e->zWhere = kq_mprintf("%s*", q->zTerm);
    } else if (q && q->zRaw) {
        e->zWhere = kq_mprintf("%s", q->zRaw);
    } else {
        e->zWhere = kq_mprintf("%.*s", (int)n, z);
    }
    if (e->zTerm == NULL || e->zWhere == NULL) {
        return KQ_NOMEM;
    }
    rc = xpl_occ(x, z, n, &e->tf);
    if (rc == KQ_OK && e->tf && x->nTitleW1 && n + 1 <= KQI_MAX_KEY) {
        char aKey[KQI_MAX_KEY];
        aKey[0] = KQI_PFX_TITLE;
        memcpy(aKey + 1, z, n);
        rc = xpl_occ(x, aKey, n + 1, &e->tfTitle);
    }
    e->df = df;
    e->idf = kqi_bm25_idf(x->p->stats.nDoc, df);
    e->boost = w;
    if (rc == KQ_OK && e->tf) {
        u32 tf = e->tf +
                 x->nTitleW1 * (e->tfTitle < e->tf ? e->tfTitle : e->tf);
        e->score = w * kqi_bm25(e->idf, tf, o->nLen, o->avgLen);
    }
    return rc;
}

/* The rows of a word, expanding word or phrase of the text. */
static int
xpl_text(xxpl *x, const kqi_qnode *q, double w)
{
    if (q->eType == KQI_Q_TERM) {
        return xpl_row(x, q->zTerm, q->nTerm, q, w);
    }
    xexp e;
    x->p->nExpLeft = KQ_MAX_QUERY_EXPANSION;
    int rc = x_expand(x->p, q, "", &e, x->pzErr);
    for (int i = 0; rc == KQ_OK && i < e.n; i++) {
        rc = xpl_row(x, e.az[i], strlen(e.az[i]), q, w);
    }
    exp_clear(&e);
    return rc;
}

/* A phrase or NEAR: none if one of its plain words is in no document (the
** native cursor is empty then). */
static int
xpl_words(xxpl *x, const kqi_qnode *q, double w)
{
    for (int i = 0; i < q->nChild; i++) {
        const kqi_qnode *c = q->aChild[i];
        if (c->bNever) {
            return KQ_OK;
        }
        if (c->eType == KQI_Q_TERM || q->eType == KQI_Q_NEAR) {
            u64 df;
            int rc = xpl_df(x, c->zTerm, c->nTerm, &df);
            if (rc || df == 0) {
                return rc;
            }
        }
    }
    int rc = KQ_OK;
    for (int i = 0; rc == KQ_OK && i < q->nChild; i++) {
        rc = xpl_text(x, q->aChild[i], w);
    }
    return rc;
}

static int
xpl_walk(xxpl *x, const kqi_qnode *q, double w)
{
    if (q->boost != 0 && q->boost != 1.0) {
        w *= q->boost;
    }
    switch (q->eType) {
    case KQI_Q_TERM:
    case KQI_Q_PREFIX:
    case KQI_Q_WILD:
    case KQI_Q_FUZZY:
    case KQI_Q_PHRASE:
        /* Title words rank by their text term; other fields only
        ** filter. */
        if (q->bNever ||
            (q->eField != KQI_FIELD_ANY && q->eField != KQI_FIELD_TITLE)) {
            return KQ_OK;
        }
        return q->eType == KQI_Q_PHRASE ? xpl_words(x, q, w)
                                        : xpl_text(x, q, w);
    case KQI_Q_NEAR: return xpl_words(x, q, w);
    case KQI_Q_AND:
    case KQI_Q_OR:
    case KQI_Q_MAYBE: {
        int rc = KQ_OK;
        for (int i = 0; rc == KQ_OK && i < q->nChild; i++) {
            if (q->aChild[i]->eType != KQI_Q_NOT) {
                rc = xpl_walk(x, q->aChild[i], w);
            }
        }
        return rc;
    }
    default: return KQ_OK; /* NOT, dates, ids: nothing scores */
    }
}

/* Xapian's score of document iXDoc for q: *pbMatch 0 if it does not
** match.  The search is narrowed to the document's id term when it has
** one. */
static int
xpl_score(kqi_xindex *p, const kq_query *q, uint32_t iXDoc, int *pbMatch,
          double *pScore, char **pzErr)
{
    char *zId = NULL;
    size_t nId = 0;
    kqx_query *x = NULL, *pAll = NULL;
    kqx_mset *m = NULL;
    *pbMatch = 0;
    *pScore = 0;
    p->nExpLeft = KQ_MAX_QUERY_EXPANSION;
    xcall_begin(p);
    int rc = kqx_db_value(p->pDb, iXDoc, KQX_VALUE_ID, &zId, &nId, pzErr);
    if (rc == KQ_OK) {
        rc = translate(p, q->pRoot, &x, pzErr);
    }
    if (rc == KQ_OK && nId + 1 <= KQI_MAX_KEY) {
        char aKey[KQI_MAX_KEY];
        kqx_query *pId = NULL;
        aKey[0] = 'Q';
        memcpy(aKey + 1, zId, nId);
        rc = kqx_query_term(aKey, nId + 1, &pId, pzErr);
        if (rc == KQ_OK) {
            rc = x_scale(&pId, 0.0, pzErr);
        }
        if (rc == KQ_OK) {
            kqx_query *ab[2] = {x, pId};
            rc = kqx_query_combine(KQX_AND, ab, 2, &pAll, pzErr);
        }
        kqx_query_free(pId);
    }
    if (rc == KQ_OK) {
        rc = kqx_search(p->pDb, pAll ? pAll : x, KQ_BM25_K1, KQ_BM25_B, 0,
                        (size_t)p->stats.nDoc, &m, pzErr);
    }
    xcall_end(p);
    for (size_t i = 0; rc == KQ_OK && i < kqx_mset_size(m); i++) {
        if (kqx_mset_docid(m, i) == iXDoc) {
            *pbMatch = 1;
            *pScore = kqx_mset_score(m, i);
        }
    }
    kqx_mset_free(m);
    kqx_query_free(x);
    kqx_query_free(pAll);
    free(zId);
    return rc;
}

int
kqi_xexplain(kqi_xindex *p, const kq_query *q, kq_docid iDoc,
             kq_explain_info *pOut, char **pzErr)
{
    memset(pOut, 0, sizeof(*pOut));
    xxpl x = {p, pOut, 0, iDoc + 1, p->stats.nTitleWeight - 1, pzErr};
    uint64_t nLen = 0;
    int rc = xpl_score(p, q, x.iXDoc, &pOut->bMatch, &pOut->score, pzErr);
    xcall_begin(p);
    if (rc == KQ_OK) {
        rc = kqx_db_doc_length(p->pDb, x.iXDoc, &nLen, pzErr);
    }
    pOut->nLen = nLen > UINT32_MAX ? UINT32_MAX : (u32)nLen;
    pOut->avgLen = p->stats.avgDoclen;
    pOut->nDoc = p->stats.nDoc;
    if (rc == KQ_OK) {
        rc = xpl_walk(&x, q->pRoot, 1.0);
    }
    xcall_end(p);
    for (int i = 0; !pOut->bMatch && i < pOut->nTerm; i++) {
        pOut->aTerm[i].score = 0;
    }
    if (rc) {
        kq_explain_free(pOut);
    }
    return rc;
}
