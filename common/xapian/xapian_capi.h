/*
** xapian_capi.h -- kq's small pure-C API over the Xapian C++ library.
**
** Xapian is C++; kq is C.  This header is all that C code sees of it (after
** cyrus-imapd's xapian_wrap.h and notmuch's lib/): opaque handles, int
** return codes from enum kq_rc (KQ_CORRUPT for a damaged database, naming
** the damaged file; KQ_XAPIAN for anything else Xapian threw, KQ_NOMEM for
** std::bad_alloc: the mapping is at the top of xapian_capi.cc), and
** messages through char **pzErr
** (malloc()ed, the caller frees; pzErr may be NULL).  Its only
** implementation is xapian_capi.cc, the one C++ file of the project; no
** C++ type or exception crosses this boundary.
**
** Ownership: every handle returned through an OUT pointer belongs to the
** caller and is released with its _close/_free function, which accepts
** NULL.  Strings returned through char ** are malloc()ed copies.
*/
#ifndef KQ_XAPIAN_CAPI_H
#define KQ_XAPIAN_CAPI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Document values kq stores in every Xapian document. */
enum {
    KQX_VALUE_ID = 0,
    KQX_VALUE_TITLE = 1,
    KQX_VALUE_DATE = 2,
    KQX_VALUE_SOURCE = 3,
    KQX_VALUE_SIG = 4, /* SimHash signature (simhash.c), u64 little-endian;
                       ** absent: none (and in databases made before it) */
    KQX_VALUE_SEQ = 5  /* the order kq-index added the documents in, over
                       ** all shards and runs: u64 big-endian (absent in
                       ** databases made before it) */
};

/**************************************************************************
** Writing.  Changes become visible at kqx_wdb_commit(); closing without a
** commit discards them.
*/
typedef struct kqx_wdb kqx_wdb;

/* Open the database at zPath for writing, creating it if needed. */
int kqx_wdb_open(const char *zPath, kqx_wdb **ppOut, char **pzErr);
/* Build one document: _doc_begin(), then any number of postings, values
** and the data, then _doc_add(), which gives its docid (1-based).  One
** kqx_wdb is used by one thread at a time; several may be written at
** once, each by its own thread. */
int kqx_wdb_doc_begin(kqx_wdb *p, char **pzErr);
/* A text term at iPos, adding nWdf to its wdf and the document's length
** (kq's BM25F gives a title word the index's title weight). */
int kqx_wdb_doc_posting(kqx_wdb *p, const char *zTerm, size_t nTerm,
                        uint32_t iPos, uint32_t nWdf, char **pzErr);
/* A field term (kq's title, source, extra-field, date and id terms): a
** posting at iPos that adds nothing to the term's wdf or the document's
** length, so ranking is the text's alone (UINT32_MAX: no position). */
int kqx_wdb_doc_field(kqx_wdb *p, const char *zTerm, size_t nTerm,
                      uint32_t iPos, char **pzErr);
int kqx_wdb_doc_value(kqx_wdb *p, unsigned iSlot, const char *z, size_t n,
                      char **pzErr);
int kqx_wdb_doc_data(kqx_wdb *p, const char *z, size_t n, char **pzErr);
/* Add the document, or replace the one holding the term zUnique (kq's
** "Q" + id) in place, keeping its docid. */
int kqx_wdb_doc_add(kqx_wdb *p, const char *zUnique, size_t nUnique,
                    uint32_t *piDoc, char **pzErr);
/* Delete the documents holding the term zUnique; *pnDel gets how many. */
int kqx_wdb_delete(kqx_wdb *p, const char *zUnique, size_t nUnique,
                   uint32_t *pnDel, char **pzErr);
/* Database-wide key/value metadata (kq keeps its word -> stem vocabulary
** there). */
int kqx_wdb_set_metadata(kqx_wdb *p, const char *zKey, size_t nKey,
                         const char *zVal, size_t nVal, char **pzErr);
/* The value of metadata key zKey ("" if unset), malloc()ed. */
int kqx_wdb_get_metadata(kqx_wdb *p, const char *zKey, char **pzVal,
                         char **pzErr);
int kqx_wdb_commit(kqx_wdb *p, char **pzErr);
void kqx_wdb_close(kqx_wdb *p);

/**************************************************************************
** Reading.  Several databases (local paths, or "tcp://HOST:PORT" served by
** xapian-tcpsrv) are searched as one collection.
*/
typedef struct kqx_db kqx_db;

int kqx_db_open(const char *const *azPath, int nPath, kqx_db **ppOut,
                char **pzErr);
void kqx_db_close(kqx_db *p);
/* Check the tables of p's local databases as xapian-check does (time
** linear in their size): KQ_CORRUPT and a message naming the damaged file,
** or KQ_OK.  It reads only the files, never p's handles: it may run in
** another thread while a call on p is under way (xbackend.c does, when a
** read does not return: Xapian can loop forever on some damage). */
int kqx_db_check(kqx_db *p, char **pzErr);
int kqx_db_stats(kqx_db *p, uint64_t *pnDoc, double *pAvgLen, char **pzErr);
/* The value of metadata key zKey ("" if unset), malloc()ed. */
int kqx_db_get_metadata(kqx_db *p, const char *zKey, char **pzVal,
                        char **pzErr);
/* Call x(pCtx, key, nKey, value, nValue) for each metadata key starting
** with zPrefix, in key order; a non-zero return from x stops the scan and
** is returned.  (Over the remote protocol: the first database's keys,
** as locally; kq writes its metadata into every shard.) */
int kqx_db_metadata_scan(kqx_db *p, const char *zPrefix, size_t nPrefix,
                         void *pCtx,
                         int (*x)(void *, const char *, size_t, const char *,
                                  size_t),
                         char **pzErr);
/* Call x(pCtx, term, nTerm) for each term starting with zPrefix, in term
** order; a non-zero return from x stops the scan and is returned. */
int kqx_db_terms_scan(kqx_db *p, const char *zPrefix, size_t nPrefix,
                      void *pCtx, int (*x)(void *, const char *, size_t),
                      char **pzErr);
/* Value iSlot / the data of document iDoc, malloc()ed (caller frees).  A
** document that does not exist is KQ_CORRUPT: kq asks only for documents
** a search of the database gave it. */
int kqx_db_value(kqx_db *p, uint32_t iDoc, unsigned iSlot, char **pz,
                 size_t *pn, char **pzErr);
int kqx_db_data(kqx_db *p, uint32_t iDoc, char **pz, size_t *pn, char **pzErr);
/* Call x(pCtx, value, n, nDoc) for each distinct non-empty value of slot
** iSlot, in byte order, with the number of documents holding it (a
** ValueCountMatchSpy over every document: over tcp://, counted in each
** shard, one round trip each).  A non-zero return from x stops and is
** returned. */
int kqx_db_value_counts(kqx_db *p, unsigned iSlot, void *pCtx,
                        int (*x)(void *, const char *, size_t, uint64_t),
                        char **pzErr);
/* Values aSlot[0..nSlot) of document iDoc into az[i], an[i] (each
** malloc()ed; all NULL on an error): the document read once, so one
** round trip to a remote database. */
int kqx_db_values(kqx_db *p, uint32_t iDoc, const unsigned *aSlot, int nSlot,
                  char **az, size_t *an, char **pzErr);
/* The documents holding term z/n (Xapian's term frequency) and its
** occurrences in them: its positions (a term without any, once a
** document). */
int kqx_db_term_freq(kqx_db *p, const char *z, size_t n, uint64_t *pnDoc,
                     uint64_t *pnOcc, char **pzErr);
/* Call x(pCtx, docid) for every document, in docid order (a non-zero
** return stops the walk and is returned); *piLast (may be NULL) gets the
** largest docid ever used. */
int kqx_db_each_doc(kqx_db *p, void *pCtx, int (*x)(void *, uint32_t),
                    uint32_t *piLast, char **pzErr);
/* The length of document iDoc (Xapian's doclength: the sum of its terms'
** wdf, kq's BM25F length) (API version 8). */
int kqx_db_doc_length(kqx_db *p, uint32_t iDoc, uint64_t *pnLen, char **pzErr);
/* The documents holding term z/n (Xapian's term frequency, no walk of its
** postings) (API version 8). */
int kqx_db_doc_freq(kqx_db *p, const char *z, size_t n, uint64_t *pnDf,
                    char **pzErr);
/* Call x(pCtx, docid, wdf) for each posting of term z/n, in docid order;
** a non-zero return from x stops the walk and is returned (API version
** 8). */
int kqx_db_postings(kqx_db *p, const char *z, size_t n, void *pCtx,
                    int (*x)(void *, uint32_t, uint32_t), char **pzErr);
/* The positions of term z/n in document iDoc, ascending, malloc()ed into
** *paPos (caller frees; *pnPos 0 and *paPos NULL when the document does
** not hold the term). */
int kqx_db_positions(kqx_db *p, uint32_t iDoc, const char *z, size_t n,
                     uint32_t **paPos, uint32_t *pnPos, char **pzErr);

/**************************************************************************
** Queries, built bottom up.  _combine() copies its operands: the caller
** still frees them.
*/
typedef struct kqx_query kqx_query;
enum {
    KQX_AND,
    KQX_OR,
    KQX_AND_NOT,
    KQX_PHRASE,
    KQX_NEAR,     /* _combine_ex: within a window of param positions */
    KQX_ADJ,      /* _combine_ex: the same, in order */
    KQX_SCALE,    /* _combine_ex: one operand, its weight times param
                  ** (0: a filter that does not score) */
    KQX_AND_MAYBE /* the first operand's documents, the others' weights
                  ** added where they match (API version 7) */
};

int kqx_query_term(const char *z, size_t n, kqx_query **ppOut, char **pzErr);
/* Every document, with weight 0. */
int kqx_query_all(kqx_query **ppOut, char **pzErr);
int kqx_query_nothing(kqx_query **ppOut, char **pzErr);
/* KQX_AND_NOT: the first operand minus the union of the others.
** KQX_PHRASE: terms at consecutive positions, in order. */
int kqx_query_combine(int eOp, kqx_query *const *apSub, int nSub,
                      kqx_query **ppOut, char **pzErr);
/* KQX_NEAR, KQX_ADJ, KQX_SCALE, with their parameter. */
int kqx_query_combine_ex(int eOp, double param, kqx_query *const *apSub,
                         int nSub, kqx_query **ppOut, char **pzErr);
void kqx_query_free(kqx_query *p);
/* Xapian's description of the query (malloc()ed into *pz). */
int kqx_query_describe(const kqx_query *p, char **pz, char **pzErr);

/* Run q ranked by Xapian's BM25 with k1 and b (kq's KQ_BM25_K1, KQ_BM25_B) and
** no query-length, wqf or minimum-length terms (k2 = k3 = min_normlen =
** 0): with the title's wdf weighted at indexing, the same BM25F as kq's.
** The result set *ppOut holds the hits ranked nOffset .. nOffset+nLimit-1,
** best first, ties by ascending docid, and the exact number of matching
** documents.  It does not depend on p or q staying open. */
typedef struct kqx_mset kqx_mset;
int kqx_search(kqx_db *p, const kqx_query *q, double k1, double b,
               size_t nOffset, size_t nLimit, kqx_mset **ppOut, char **pzErr);
uint64_t kqx_mset_total(const kqx_mset *m);
size_t kqx_mset_size(const kqx_mset *m);
/* Hit i (< kqx_mset_size()): its docid (1-based) and BM25 score. */
uint32_t kqx_mset_docid(const kqx_mset *m, size_t i);
double kqx_mset_score(const kqx_mset *m, size_t i);
void kqx_mset_free(kqx_mset *m);

/**************************************************************************
** The plugin.  xapian_capi.cc is built into its own shared object,
** kq-xapian.so, which kq and kq-index load (xapian_load.c) on the first
** call of any function above: loading libxapian and libstdc++ (their
** relocations and constructors) takes longer than a whole native query,
** so a process that never meets a Xapian index never pays it.
**
** Each function is listed once here; the plugin fills a kqx_api table from
** the lists and the loader forwards every kqx_* call through it.
**   KQX_INT_FUNCS:   return an int rc, take char **pzErr last
**   KQX_FREE_FUNCS:  release a handle (NULL is fine)
**   KQX_OTHER_FUNCS: read a result set
*/
/* clang-format off */
#define KQX_INT_FUNCS(X)                                                      \
    X(wdb_open, (const char *zPath, kqx_wdb **ppOut, char **pzErr),           \
      (zPath, ppOut, pzErr))                                                  \
    X(wdb_doc_begin, (kqx_wdb *p, char **pzErr), (p, pzErr))                  \
    X(wdb_doc_posting, (kqx_wdb *p, const char *zTerm, size_t nTerm,          \
                        uint32_t iPos, uint32_t nWdf, char **pzErr),          \
      (p, zTerm, nTerm, iPos, nWdf, pzErr))                                   \
    X(wdb_doc_value, (kqx_wdb *p, unsigned iSlot, const char *z, size_t n,    \
                      char **pzErr), (p, iSlot, z, n, pzErr))                 \
    X(wdb_doc_data, (kqx_wdb *p, const char *z, size_t n, char **pzErr),      \
      (p, z, n, pzErr))                                                       \
    X(wdb_doc_add, (kqx_wdb *p, const char *zUnique, size_t nUnique,          \
                    uint32_t *piDoc, char **pzErr),                           \
      (p, zUnique, nUnique, piDoc, pzErr))                                    \
    X(wdb_set_metadata, (kqx_wdb *p, const char *zKey, size_t nKey,           \
                         const char *zVal, size_t nVal, char **pzErr),        \
      (p, zKey, nKey, zVal, nVal, pzErr))                                     \
    X(wdb_get_metadata, (kqx_wdb *p, const char *zKey, char **pzVal,          \
                         char **pzErr), (p, zKey, pzVal, pzErr))              \
    X(wdb_commit, (kqx_wdb *p, char **pzErr), (p, pzErr))                     \
    X(db_open, (const char *const *azPath, int nPath, kqx_db **ppOut,         \
                char **pzErr), (azPath, nPath, ppOut, pzErr))                 \
    X(db_stats, (kqx_db *p, uint64_t *pnDoc, double *pAvgLen, char **pzErr),  \
      (p, pnDoc, pAvgLen, pzErr))                                             \
    X(db_get_metadata, (kqx_db *p, const char *zKey, char **pzVal,            \
                        char **pzErr), (p, zKey, pzVal, pzErr))               \
    X(db_metadata_scan, (kqx_db *p, const char *zPrefix, size_t nPrefix,      \
                         void *pCtx, int (*x)(void *, const char *, size_t,   \
                                              const char *, size_t),          \
                         char **pzErr), (p, zPrefix, nPrefix, pCtx, x, pzErr))\
    X(db_terms_scan, (kqx_db *p, const char *zPrefix, size_t nPrefix,         \
                      void *pCtx, int (*x)(void *, const char *, size_t),     \
                      char **pzErr), (p, zPrefix, nPrefix, pCtx, x, pzErr))   \
    X(db_value, (kqx_db *p, uint32_t iDoc, unsigned iSlot, char **pz,         \
                 size_t *pn, char **pzErr), (p, iDoc, iSlot, pz, pn, pzErr))  \
    X(db_data, (kqx_db *p, uint32_t iDoc, char **pz, size_t *pn,              \
                char **pzErr), (p, iDoc, pz, pn, pzErr))                      \
    X(db_positions, (kqx_db *p, uint32_t iDoc, const char *z, size_t n,       \
                     uint32_t **paPos, uint32_t *pnPos, char **pzErr),        \
      (p, iDoc, z, n, paPos, pnPos, pzErr))                                   \
    X(query_term, (const char *z, size_t n, kqx_query **ppOut, char **pzErr), \
      (z, n, ppOut, pzErr))                                                   \
    X(query_all, (kqx_query **ppOut, char **pzErr), (ppOut, pzErr))           \
    X(query_nothing, (kqx_query **ppOut, char **pzErr), (ppOut, pzErr))       \
    X(query_combine, (int eOp, kqx_query *const *apSub, int nSub,             \
                      kqx_query **ppOut, char **pzErr),                       \
      (eOp, apSub, nSub, ppOut, pzErr))                                       \
    X(query_combine_ex, (int eOp, double param, kqx_query *const *apSub,     \
                         int nSub, kqx_query **ppOut, char **pzErr),          \
      (eOp, param, apSub, nSub, ppOut, pzErr))                                \
    X(wdb_doc_field, (kqx_wdb *p, const char *zTerm, size_t nTerm,           \
                      uint32_t iPos, char **pzErr),                           \
      (p, zTerm, nTerm, iPos, pzErr))                                         \
    X(query_describe, (const kqx_query *p, char **pz, char **pzErr),          \
      (p, pz, pzErr))                                                         \
    X(search, (kqx_db *p, const kqx_query *q, double k1, double b,            \
               size_t nOffset, size_t nLimit, kqx_mset **ppOut,               \
               char **pzErr),                                                 \
      (p, q, k1, b, nOffset, nLimit, ppOut, pzErr))                           \
    X(db_check, (kqx_db *p, char **pzErr), (p, pzErr))                       \
    X(db_term_freq, (kqx_db *p, const char *z, size_t n, uint64_t *pnDoc,     \
                     uint64_t *pnOcc, char **pzErr),                          \
      (p, z, n, pnDoc, pnOcc, pzErr))                                         \
    X(db_each_doc, (kqx_db *p, void *pCtx, int (*x)(void *, uint32_t),        \
                    uint32_t *piLast, char **pzErr),                          \
      (p, pCtx, x, piLast, pzErr))                                            \
    X(wdb_delete, (kqx_wdb *p, const char *zUnique, size_t nUnique,           \
                   uint32_t *pnDel, char **pzErr),                            \
      (p, zUnique, nUnique, pnDel, pzErr))                                    \
    X(db_values, (kqx_db *p, uint32_t iDoc, const unsigned *aSlot, int nSlot, \
                  char **az, size_t *an, char **pzErr),                       \
      (p, iDoc, aSlot, nSlot, az, an, pzErr))                                 \
    X(db_value_counts, (kqx_db *p, unsigned iSlot, void *pCtx,                \
                        int (*x)(void *, const char *, size_t, uint64_t),     \
                        char **pzErr), (p, iSlot, pCtx, x, pzErr))            \
    X(db_doc_length, (kqx_db *p, uint32_t iDoc, uint64_t *pnLen,              \
                      char **pzErr), (p, iDoc, pnLen, pzErr))                 \
    X(db_doc_freq, (kqx_db *p, const char *z, size_t n, uint64_t *pnDf,       \
                    char **pzErr), (p, z, n, pnDf, pzErr))                    \
    X(db_postings, (kqx_db *p, const char *z, size_t n, void *pCtx,           \
                    int (*x)(void *, uint32_t, uint32_t), char **pzErr),      \
      (p, z, n, pCtx, x, pzErr))

#define KQX_FREE_FUNCS(X)                                                     \
    X(wdb_close, kqx_wdb)                                                     \
    X(db_close, kqx_db)                                                       \
    X(query_free, kqx_query)                                                  \
    X(mset_free, kqx_mset)

#define KQX_OTHER_FUNCS(X)                                                    \
    X(uint64_t, mset_total, (const kqx_mset *m), (m))                         \
    X(size_t, mset_size, (const kqx_mset *m), (m))                            \
    X(uint32_t, mset_docid, (const kqx_mset *m, size_t i), (m, i))            \
    X(double, mset_score, (const kqx_mset *m, size_t i), (m, i))
/* clang-format on */

#define KQX_API_VERSION 8
#define KQX_PLUGIN_FILE "kq-xapian.so"
#define KQX_PLUGIN_SYMBOL "kqx_plugin_api"

typedef struct kqx_api {
    int iVersion; /* KQX_API_VERSION */
#define KQX_X_INT(name, params, args) int(*name) params;
#define KQX_X_FREE(name, type) void (*name)(type *);
#define KQX_X_OTHER(ret, name, params, args) ret(*name) params;
    KQX_INT_FUNCS(KQX_X_INT)
    KQX_FREE_FUNCS(KQX_X_FREE)
    KQX_OTHER_FUNCS(KQX_X_OTHER)
#undef KQX_X_INT
#undef KQX_X_FREE
#undef KQX_X_OTHER
} kqx_api;

#ifdef __cplusplus
}
#endif
#endif /* KQ_XAPIAN_CAPI_H */
