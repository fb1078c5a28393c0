/*
** kq_int.h -- interfaces between the files of common/, indexer/ and query/.
**
** Not installed, not stable.  Cross-file internal names start with kqi_.
** Each section is the interface to one file; the on-disk formats are written
** down at the top of the file that implements them.
*/
#ifndef KQ_INT_H
#define KQ_INT_H

#include "kq.h"
#include "kq_format.h"

#include <stdarg.h>
#include <stdio.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define KQ_UNUSED(x) ((void)(x))

/* Longest indexed term, in bytes after folding: kq.h's KQ_MAX_WORD. */
#define KQI_MAX_TERM KQ_MAX_WORD
/* Raw tokens longer than this (in bytes, before folding) are not folded nor
** indexed, bounding utf8proc's work on a run of junk.  Folding can shrink a
** token (combining marks are dropped, "ﬁ" is 3 bytes for 2), so the raw
** limit is larger than KQI_MAX_TERM. */
#define KQI_MAX_RAW_TERM (8 * KQI_MAX_TERM)

/* Dictionary keys: terms; field terms, a prefix (KQI_PFX_* below) and a
** term, the longest X + field name + ':' + term; and the vocabulary entries
** "\x01" + word that map an unstemmed word to its stem (for prefix
** queries).  So a field's words are as long as any (KQ_MAX_WORD).  Terms
** are made of letters and digits, so no term starts with a byte below
** '0'. */
#define KQI_MAX_KEY (1 + KQ_MAX_FIELD_NAME + 1 + KQI_MAX_TERM)

/* Room for a language name and its NUL (the analyzer's, the manifest's,
** the writers' copies).  Snowball's names and their aliases are at most
** 10 bytes ("portuguese"): a longer name is an unknown language, so no
** user meets this limit. */
#define KQI_MAX_LANG KQ_MAX_LANG_NAME
/* Language name z[0..n) copied into aOut, NUL-terminated: KQ_OK, or
** KQ_NOTFOUND (no language) if it does not fit or holds a NUL.  The one
** check every language name goes through (analyze.c). */
int kqi_lang_name(const char *z, size_t n, char aOut[KQI_MAX_LANG]);
/* The analyzer of language zLang/nLang (a name or an alias) that p keeps
** beside its own: p itself for p's language, else one made on first use
** (at most one per Snowball language).  Writers analyse a document in
** another language with it; p then also analyses query words in that
** language (kqi_analyzer_langs_for()).  KQ_NOTFOUND for a language
** libstemmer does not have. */
int kqi_analyzer_lang_get(kq_analyzer *p, const char *zLang, size_t nLang,
                          kq_analyzer **ppOut);
/* The added languages that write the script of the text z[0..n)'s first
** letter: their analyzers are the first of *papOut, and their number is
** returned (0 for none, or for a text without letters). */
int kqi_analyzer_langs_for(kq_analyzer *p, const char *z, size_t n,
                           kq_analyzer ***papOut);
/* For tests of analyze.c's own rules against ICU: 1 if c is a letter or
** digit the analyzer knows joins words without asking ICU (Latin, Greek,
** Cyrillic), or a format character it takes to continue a word; 0 if a
** format character it takes to separate; -1 if it does not decide. */
int kqi_analyze_rule(int32_t c);

/* Longest word kq_lang_detect() looks up in its stop-word profiles, in
** code points after case folding and canonical decomposition: over twice
** the longest profile word ("government", "tarafından": 10).  A longer
** word still counts as a word, but is no function word of any profile;
** langid.c folds words into a buffer of this size. */
#define KQI_LANGID_MAX_CP 24

/* langid.c, for tests: the language of kq_lang_detect()'s stop-word
** profile i (NULL: a decoy), 0 past the last; and word i of its sorted
** table of their words, with a bit (1 << profile) for each profile that
** lists it, NULL past the last. */
int kqi_langid_profile(size_t i, const char **pzLang);
const char *kqi_langid_word(size_t i, uint32_t *pmProfile);

/* KQI_TITLE_GAP (kq_format.h) must exceed what a NEAR/n of k words spans,
** n + k - 2 positions. */
_Static_assert(KQI_TITLE_GAP > KQ_MAX_NEAR_WINDOW + KQ_MAX_NEAR_WORDS - 2,
               "a NEAR window must not span the title gap");

/**************************************************************************
** Interface to code in rc.c
*/
/* Most bytes of a caller's value (an id, a language name) a library
** message quotes; kq and kq-index escape messages as they write them, so a
** character cut in two shows as \xHH. */
#define KQI_QUOTE 80
#define KQI_QUOTE_LEN(n) ((int)((n) > KQI_QUOTE ? KQI_QUOTE : (n)))

/* Store a printf-style message in *pzErr (if pzErr is not NULL and *pzErr is
** still NULL: the first message wins) and return rc. */
int kqi_err(char **pzErr, int rc, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));

/* kq_mprintf() (kq.h) with a va_list (not public: kq.h includes no
** <stdarg.h>). */
char *kqi_vmprintf(const char *zFmt, va_list ap);

/**************************************************************************
** Interface to code in buf.c: growable byte buffers with a sticky error, and
** the varint and little-endian codecs.
*/
/* kq_buf (kq.h) is the byte buffer.  Make room for nMore bytes; returns 0
** on success (else rc is set). */
int kqi_buf_reserve(kq_buf *b, size_t nMore);
void kqi_buf_varint(kq_buf *b, u64 v);
void kqi_buf_u32(kq_buf *b, u32 v);
void kqi_buf_u64(kq_buf *b, u64 v);

/* LEB128 varint (7 bits a byte, low first, at most 10 bytes). */
#define KQI_VARINT_MAX 10
/* Returns bytes written.  Inline: it is in every inner loop that writes. */
static inline size_t
kqi_varint_put(u8 *p, u64 v)
{
    size_t i = 0;
    while (v >= 0x80) {
        p[i++] = (u8)(v | 0x80);
        v >>= 7;
    }
    p[i++] = (u8)v;
    return i;
}
/* Read a varint from [*pp, end).  Returns KQ_OK and advances *pp, or
** KQ_CORRUPT if the input ends first or the value overflows 64 bits. */
int kqi_varint_get_slow(const u8 **pp, const u8 *end, u64 *pv);
static inline int
kqi_varint_get(const u8 **pp, const u8 *end, u64 *pv)
{
    /* Inline fast path: most varints in kq's files are one byte. */
    if (*pp < end && **pp < 0x80) {
        *pv = **pp;
        (*pp)++;
        return KQ_OK;
    }
    return kqi_varint_get_slow(pp, end, pv);
}
/* As kqi_varint_get, but the value must fit in 32 bits. */
int kqi_varint_get32_slow(const u8 **pp, const u8 *end, u32 *pv);
static inline int
kqi_varint_get32(const u8 **pp, const u8 *end, u32 *pv)
{
    if (*pp < end && **pp < 0x80) {
        *pv = **pp;
        (*pp)++;
        return KQ_OK;
    }
    return kqi_varint_get32_slow(pp, end, pv);
}
/* Skip n varints (counting their last bytes; the values are not checked).
** KQ_CORRUPT if [*pp, end) holds fewer. */
int kqi_varint_skip(const u8 **pp, const u8 *end, u64 n);

/* 64-bit hashes: of any bytes, and of a document's contents (title, date,
** source, body: what decides whether a re-indexed document changed). */
u64 kqi_hash64(const void *p, size_t n, u64 seed);
u64 kqi_doc_hash(const kq_doc *d);

/* A body's word 3-shingles, as hashes (simhash.c): feed the words in
** order, as bytes (kqi_shingle_word()) or as their kqi_sig_word() hashes
** (kqi_shingle_hash()); each gives the hash of the shingle the word ends
** (from the third on), kqi_shingle_final() those of a body of one or two
** words (its words alone).  The features of a signature, and the sets
** whose resemblance kq dups verifies (dups.c). */
typedef struct kqi_shingler {
    u64 nWord;
    u64 aH[2]; /* the last two words' hashes */
} kqi_shingler;
u64 kqi_sig_word(const char *z, size_t n);
int kqi_shingle_hash(kqi_shingler *p, u64 hWord, u64 *pH);
int kqi_shingle_word(kqi_shingler *p, const char *z, size_t n, u64 *pH);
int kqi_shingle_final(const kqi_shingler *p, u64 aH[2]);

/* A document's SimHash signature (simhash.c): feed the words of its body
** in order, then kqi_simhash_final() (0: no signature). */
typedef struct kqi_simhash {
    u64 aOnes[64]; /* per bit: features with it set */
    u64 aLane[8];  /* bytes k of lane j: features since the last flush
                   ** with bit 8k + j set (simhash.c) */
    u64 nFeat, nLane;
    kqi_shingler sh;
} kqi_simhash;
void kqi_simhash_init(kqi_simhash *p);
void kqi_simhash_word(kqi_simhash *p, const char *z, size_t n);
void kqi_simhash_hash(kqi_simhash *p, u64 hWord); /* kqi_sig_word()'s */
u64 kqi_simhash_final(kqi_simhash *p);
/* The signature of a body analysed with pA (KQ_ANALYZE_NOSTEM). */
int kqi_simhash_text(kq_analyzer *pA, const char *z, size_t n, u64 *pSig);

/* What kq_index_collocates() and kq_index_keywords() share (assoc.c).
** A word table: byte strings (folded words or stems), each with two
** counters. */
typedef struct kqi_wentry {
    size_t iKey; /* its bytes in kqi_wtab.keys (NUL-terminated) */
    size_t nKey;
    u64 aN[2]; /* counters, as the caller uses them */
} kqi_wentry;
typedef struct kqi_wtab {
    kq_buf keys;
    kqi_wentry *aEntry; /* in the order added */
    size_t nEntry, nEntryAlloc;
    size_t *aSlot; /* nSlot (a power of 2): 0, or an entry's index + 1 */
    size_t nSlot;
} kqi_wtab;
int kqi_wtab_add(kqi_wtab *t, const char *z, size_t n, kqi_wentry **ppOut);
kqi_wentry *kqi_wtab_find(const kqi_wtab *t, const char *z, size_t n);
const char *kqi_wtab_key(const kqi_wtab *t, const kqi_wentry *e);
void kqi_wtab_free(kqi_wtab *t);
/* Count the tokens of documents (kqi_wcount_doc() per document): nToken
** gets every token; each token's key (its stem with bStem, else its word)
** adds 1 to aN[iCol] of its entry in t, added first if bAdd. */
typedef struct kqi_wcount {
    kqi_wtab *t;
    int bStem, bAdd, iCol;
    u64 nToken;
} kqi_wcount;
int kqi_wcount_doc(kqi_wcount *w, kq_index *p, kq_docid iDoc, char **pzErr);
/* Add the tokens of document iDoc (kq_docinfo_tokens()) to *pn. */
int kqi_doc_ntoken(kq_index *p, kq_docid iDoc, u64 *pn, char **pzErr);
/* The documents kq_search_each() gives, in a growing array: pass
** kqi_docids_cb and a kqi_docids (zeroed; free a). */
typedef struct kqi_docids {
    kq_docid *a;
    size_t n, nAlloc;
} kqi_docids;
int kqi_docids_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc);
/* Rows in their order: rSort descending (NaN last), then by key bytes;
** iRow says which row each was. */
typedef struct kqi_sortrow {
    double rSort;
    const char *zKey;
    size_t nKey;
    size_t iRow;
} kqi_sortrow;
void kqi_assoc_sort(kqi_sortrow *a, size_t n);
/* v as kq prints it (10 significant digits), to sort by: values that
** are equal but for rounding sort as ties (then by word), as they print. */
double kqi_assoc_sort_key(double v);
/* The statistics (kq(1), COLLOCATES AND KEYWORDS); NaN where undefined.
** logDice (Rychly 2008), MI (Church & Hanks 1990), t-score; G2 (Dunning
** 1993) of the 2x2 table o11 o12 / o21 o22, negative when o11 is below
** its expectation; the keyword statistics of a of c tokens against b of
** d: G2 as Rayson & Garside (2000) compute it (signed: + over-represented),
** Log Ratio (Hardie 2014) and %DIFF (Gabrielatos & Marchi 2012), with a
** b of 0 taken as KQ_ASSOC_ZERO (kq.h). */
double kqi_assoc_logdice(double o, double fn, double fc);
double kqi_assoc_mi(double o, double e);
double kqi_assoc_t(double o, double e);
double kqi_assoc_g2(double o11, double o12, double o21, double o22);
double kqi_assoc_g2_keyword(double a, double b, double c, double d);
double kqi_assoc_log_ratio(double a, double b, double c, double d);
double kqi_assoc_pct_diff(double a, double b, double c, double d);

/* Extra fields packed into bytes (the document table keeps them so):
** varint count (at most KQ_MAX_FIELDS, kq.h), then per field varint +
** name, varint + value. */
void kqi_fields_pack(kq_buf *b, const kq_field *a, int n);
/* The count of packed fields (0 for n == 0), or KQ_CORRUPT. */
int kqi_fields_count(const u8 *p, size_t n, int *pnField);
/* Field i of the packed fields, pointing into them; KQ_CORRUPT if the
** bytes do not hold it. */
int kqi_fields_get(const u8 *p, size_t n, int i, kq_field *pOut);

void kqi_put_u16(u8 *p, u16 v);
void kqi_put_u32(u8 *p, u32 v);
void kqi_put_u64(u8 *p, u64 v);
u16 kqi_get_u16(const u8 *p);
/* Little-endian reads, inline: they are in the scoring loop (document
** lengths).  The compiler turns each into one load. */
static inline u32
kqi_get_u32(const u8 *p)
{
    return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) |
           ((u32)p[3] << 24);
}
static inline u64
kqi_get_u64(const u8 *p)
{
    return (u64)kqi_get_u32(p) | ((u64)kqi_get_u32(p + 4) << 32);
}

/**************************************************************************
** Interface to code in fileio.c: buffered output files that track their
** size and CRC32, and read-only mapped input files.
*/
typedef struct kqi_wfile {
    int fd;
    char *zPath;
    u8 *aBuf;
    size_t nBuf;
    u64 nOff;    /* bytes written so far (= file size after flush) */
    u32 crc;     /* CRC32 of everything written */
    int rc;      /* sticky */
    char *zErr;  /* first error message */
    int bNoSync; /* a temporary file: no fsync at close */
} kqi_wfile;

/* Open zPath, a file inside an index directory, with open() flags
** (O_NOFOLLOW and O_CLOEXEC added): a symbolic link or anything but a
** regular file is refused (KQ_IOERR, the message naming the file); a
** missing file without O_CREAT is KQ_NOTFOUND. */
int kqi_file_open(const char *zPath, int flags, int *pFd, char **pzErr);
int kqi_wfile_open(kqi_wfile *f, const char *zPath);
void kqi_wfile_write(kqi_wfile *f, const void *p, size_t n);
void kqi_wfile_varint(kqi_wfile *f, u64 v);
void kqi_wfile_u32(kqi_wfile *f, u32 v);
void kqi_wfile_u64(kqi_wfile *f, u64 v);
/* Flush, fsync and close.  Returns f->rc; on error *pzErr names the file. */
int kqi_wfile_close(kqi_wfile *f, char **pzErr);
/* Close and delete (after an error). */
void kqi_wfile_abort(kqi_wfile *f);

typedef struct kqi_map {
    const u8 *a; /* file contents (NULL when n == 0) */
    size_t n;
    char *zPath; /* for messages */
} kqi_map;

int kqi_map_open(kqi_map *m, const char *zPath, char **pzErr);
void kqi_map_close(kqi_map *m);
/* Drop the pages of m below byte nUpto from this process's memory (they
** stay in the page cache): for files read once, front to back. */
void kqi_map_release(const kqi_map *m, size_t nUpto);
/* fsync a directory, so a rename in it is durable. */
int kqi_fsync_dir(const char *zDir, char **pzErr);

void kqi_header_write(kqi_wfile *f, u32 eType);
int kqi_header_check(const kqi_map *m, u32 eType, char **pzErr);

/**************************************************************************
** Interface to code in codec.c: the posting-block codec (pure functions).
*/

/* Encode n (1..KQI_BLOCK) postings: docids aDoc (strictly increasing, all >
** prevDoc, or >= 0 when prevDoc == KQ_DOCID_EOF meaning "first block") and
** frequencies aTf (all >= 1). */
void kqi_block_encode(kq_buf *b, const u32 *aDoc, const u32 *aTf, int n,
                      u32 prevDoc);
/* A packed block in two steps, for readers that may not need the
** frequencies: the docids (and the block's size checked), then, on demand,
** the tfs from *ppTf with the width byte in the block's third byte. */
int kqi_block_decode_docs(const u8 *p, const u8 *end, int n, u32 prevDoc,
                          u32 *aDoc, const u8 **ppTf);
int kqi_block_decode_tfs(const u8 *pTf, int n, int wT, u32 *aTf);
/* The same in a given codec (the writer uses KQI_CODEC_PACKED; tests use
** both). */
void kqi_block_encode_codec(kq_buf *b, int eCodec, const u32 *aDoc,
                            const u32 *aTf, int n, u32 prevDoc);
/* Decode a block encoded as above from [p, end); KQ_CORRUPT on any
** inconsistency (truncation, unknown codec, docid overflow, tf of 0). */
int kqi_block_decode(const u8 *p, const u8 *end, int n, u32 prevDoc, u32 *aDoc,
                     u32 *aTf);

/* Writing the positions of one block (codec.c has the layout): add each
** posting's positions (1 or more, strictly increasing) in docid order, at
** most KQI_BLOCK, then flush them to b as one position block, which resets
** the writer.  A failed allocation or misuse shows in b->rc after the flush.
*/
typedef struct kqi_posw {
    u32 aFirst[KQI_BLOCK]; /* each posting's first position */
    u32 aTf[KQI_BLOCK];
    u8 aW[KQI_BLOCK]; /* bits per gap of each posting */
    int n;
    kq_buf gaps; /* u32 gaps (pos - previous - 1) of the postings, in order */
} kqi_posw;
void kqi_posw_add(kqi_posw *w, const u32 *aPos, u32 nPos);
void kqi_posw_flush(kqi_posw *w, kq_buf *b);
void kqi_posw_free(kqi_posw *w);
/* A block in the varint codec of earlier versions, which readers still
** read (for tests): n postings, the positions of posting j at aaPos[j]. */
void kqi_posblock_varint(kq_buf *b, const u32 *const *aaPos, const u32 *aTf,
                         int n);

/* Reading a position block of n postings whose tfs are aTf: open checks its
** header (KQ_CORRUPT); get writes posting i's aTf[i] positions to aPos, for
** any i in any order (fastest in increasing order), checking the block as
** far as it reads it: KQ_CORRUPT for a bad layout or a position past the
** largest. */
typedef struct kqi_posr {
    int eCodec, n;
    int iNext; /* the posting after the last one asked for */
    /* KQI_CODEC_PACKED: the three streams, and where the gaps of posting
    ** iNext start (bitNext) and its width (the jNext'th) */
    const u8 *pFirst, *pW, *pGap;
    size_t nFirst, nW, nGap;
    int bF, bW, jNext;
    u32 base; /* added to each first position */
    u64 bitNext;
    /* KQI_CODEC_VARINT: posting iNext's positions start at pCur */
    const u8 *pStart, *pCur, *pEnd;
} kqi_posr;
int kqi_posr_open(kqi_posr *r, const u8 *a, const u8 *end, const u32 *aTf,
                  int n);
int kqi_posr_get(kqi_posr *r, const u32 *aTf, int i, u32 *aPos);

/**************************************************************************
** Interface to code in postings.c: writing and reading one term's list.
*/
typedef struct kqi_termloc {
    u32 df;      /* documents */
    u64 cf;      /* total occurrences */
    u64 postOff; /* list start in the .post file */
    u64 postLen; /* bytes in .post (blocks + skip table) */
    u64 skipLen; /* bytes of the skip table at the end of postLen */
    u64 posOff;  /* list start in the .pos file */
    u64 posLen;  /* bytes in .pos */
} kqi_termloc;

typedef struct kqi_plw kqi_plw; /* posting-list writer */
int kqi_plw_new(kqi_wfile *pPost, kqi_wfile *pPos, kqi_plw **ppOut);
void kqi_plw_free(kqi_plw *p);
void kqi_plw_begin(kqi_plw *p);
/* Docids strictly increasing within a list; nPos == tf >= 1. */
int kqi_plw_add(kqi_plw *p, u32 iDoc, const u32 *aPos, u32 nPos);
int kqi_plw_end(kqi_plw *p, kqi_termloc *pLoc);
/* The segment's document lengths (u32 little-endian, nLen of them), from
** which each block's smallest length is recorded. */
void kqi_plw_set_doclens(kqi_plw *p, const u8 *aLen, u32 nLen);

/* Impacts (postings.c): of (tf, document length) pairs, those that no
** other pair beats on both (a tf as high at a length as small), by
** increasing tf and so increasing length.  The best BM25 score of a set
** of postings is that of one of its impacts, whatever the statistics.
** kqi_impacts_of() writes the n pairs' impacts (at most n) to aOutTf,
** aOutLen; kqi_impacts_add() makes p the impacts of its pairs and n more
** (themselves impacts). */
typedef struct kqi_impacts {
    u32 *aTf, *aLen;
    u32 n, nAlloc;
} kqi_impacts;
int kqi_impacts_of(const u32 *aTf, const u32 *aLen, u32 n, u32 *aOutTf,
                   u32 *aOutLen, u32 *pnOut);
int kqi_impacts_add(kqi_impacts *p, const u32 *aTf, const u32 *aLen, u32 n);
void kqi_impacts_free(kqi_impacts *p);

typedef struct kqi_plc kqi_plc; /* posting-list cursor */
/* Open a cursor on the list at pLoc in the mapped post/pos files; docids
** must be < nDoc. */
int kqi_plc_open(const kqi_map *pPost, const kqi_map *pPos,
                 const kqi_termloc *pLoc, u32 nDoc, kqi_plc **ppOut,
                 char **pzErr);
void kqi_plc_free(kqi_plc *p);
/* Advance to the first posting (first call) or the next one.  KQ_DONE at the
** end. */
int kqi_plc_next(kqi_plc *p);
/* Advance to the first posting with docid >= iTarget (never moves back). */
int kqi_plc_seek(kqi_plc *p, u32 iTarget);
u32 kqi_plc_docid(const kqi_plc *p); /* KQ_DOCID_EOF when done */
/* Move the n cursors ap[] (n >= 1) to the first docid >= iTarget that
** all hold (KQ_DONE when one list ends). */
int kqi_plc_intersect(kqi_plc **ap, int n, u32 iTarget);
/* The tf of the current posting (decodes the block's tfs on first use;
** on damage the cursor ends and 1 is returned). */
u32 kqi_plc_tf(kqi_plc *p);
/* The positions of the current posting (valid until the cursor moves). */
int kqi_plc_positions(kqi_plc *p, const u32 **paPos, u32 *pnPos);
/* Bytes of the list's .post and .pos data before the current block (what
** a merge reading it front to back is done with). */
void kqi_plc_consumed(const kqi_plc *p, u64 *pnPost, u64 *pnPos);
/* Block-max data (from the skip table; no block is decoded). */
u32 kqi_plc_nblock(const kqi_plc *p);
/* The first block, from the current one on, whose last docid is >= iDoc
** (nblock if none). */
int kqi_plc_block_of(const kqi_plc *p, u32 iDoc);
/* The last docid of block iBlock. */
u32 kqi_plc_block_last(const kqi_plc *p, int iBlock);
/* The largest tf of the whole list. */
u32 kqi_plc_list_maxtf(const kqi_plc *p);
/* The impacts of block iBlock, or with iBlock -1 of the whole list: *pn
** pairs (1 or more) by increasing tf, valid while the cursor is open. */
void kqi_plc_impacts(const kqi_plc *p, int iBlock, const u32 **paTf,
                     const u32 **paLen, u32 *pn);
/* The message for the last KQ_CORRUPT (owned by the cursor). */
const char *kqi_plc_errmsg(const kqi_plc *p);

/**************************************************************************
** Interface to code in dict.c: the sorted term dictionary.
*/
typedef struct kqi_dictw kqi_dictw;
int kqi_dictw_new(kqi_wfile *pDict, kqi_dictw **ppOut);
/* Keys must come in strictly increasing memcmp order.  A term has its
** lists at pLoc; a vocabulary entry (zKey = KQI_WORD_MARK + word) has
** pLoc == NULL and the word's stem in zStem/nStem. */
int kqi_dictw_add(kqi_dictw *p, const char *zKey, size_t nKey,
                  const kqi_termloc *pLoc, const char *zStem, size_t nStem);
/* Write the block index and trailer; frees p.  *pnEntry gets the number
** of keys, *pnTerm (may be NULL) the number of terms among them. */
int kqi_dictw_finish(kqi_dictw *p, u64 *pnEntry, u64 *pnTerm);

typedef struct kqi_dict {
    const kqi_map *pMap;
    u64 nKey; /* keys: terms and vocabulary entries */
    u64 nBlock;
    u64 iIndexOff; /* block index: nBlock x {u64 blockOff, postOff, posOff,
                   ** u32 CRC} */
} kqi_dict;

int kqi_dict_open(kqi_dict *d, const kqi_map *pMap, char **pzErr);
/* Exact lookup: KQ_OK, KQ_NOTFOUND or KQ_CORRUPT. */
int kqi_dict_lookup(const kqi_dict *d, const char *zTerm, size_t nTerm,
                    kqi_termloc *pLoc, char **pzErr);

/* Iterate keys (terms and vocabulary entries) in order, from the first
** key >= zFrom. */
typedef struct kqi_dictit {
    const kqi_dict *d;
    u64 iBlock;
    const u8 *p, *end;           /* in the current block */
    int nInBlock;                /* keys left in the current block */
    char aTerm[KQI_MAX_KEY + 1]; /* current key, NUL-terminated */
    size_t nTerm;
    kqi_termloc loc; /* a term's lists; loc.df == 0 for a vocabulary key */
    char aStem[KQI_MAX_TERM + 1]; /* a vocabulary key's stem */
    size_t nStem;
} kqi_dictit;
/* KQ_OK, KQ_DONE if no key is >= zFrom, or KQ_CORRUPT. */
int kqi_dictit_start(kqi_dictit *it, const kqi_dict *d, const char *zFrom,
                     size_t nFrom, char **pzErr);
/* KQ_OK with it->aTerm/nTerm/loc set, KQ_DONE, or KQ_CORRUPT. */
int kqi_dictit_next(kqi_dictit *it, char **pzErr);
/* The number of vocabulary entries of d: the distinct words of its
** segment, as kq_index_nwords() counts them over the whole index. */
int kqi_dict_nwords(const kqi_dict *d, u64 *pnWord, char **pzErr);

/**************************************************************************
** Interface to code in doctab.c: document table and stored text.
*/
typedef struct kqi_docw kqi_docw;
int kqi_docw_new(kqi_wfile *pDocs, kqi_wfile *pStore, kqi_docw **ppOut);
/* sig: its SimHash signature (simhash.c), idHash = kqi_hash64(id,
** KQI_ID_SEED), contentHash = kqi_doc_hash(). */
int kqi_docw_add(kqi_docw *p, const kq_doc *pDoc, u32 nLen, u64 sig,
                 u64 idHash, u64 contentHash);
int kqi_docw_finish(kqi_docw *p, u64 *pnDoc); /* frees p */
/* The lengths added so far: u32 little-endian, one per document. */
const u8 *kqi_docw_lens(const kqi_docw *p, u32 *pnDoc);
/* Set the length and signature of document iDoc (added with them not yet
** known). */
void kqi_docw_set_len(kqi_docw *p, u32 iDoc, u32 nLen, u64 sig);
size_t kqi_docw_memory(const kqi_docw *p);
/* Bytes of metaOff[] entries, and of id entries, kept in memory before
** they go to scratch files (doctab.c: DOCW_SPILL; tests set less). */
void kqi_docw_set_spill(kqi_docw *p, size_t nSpill);
/* What went to them so far: metaOff entries, and runs of the id table. */
void kqi_docw_spilled(const kqi_docw *p, u64 *pnOff, u64 *pnRun);
/* Close the open store block (the writer's batch boundary, the same for
** any number of threads). */
void kqi_docw_end_batch(kqi_docw *p);
/* Deferred storing, for -j N: kqi_docw_add() only numbers the store blocks;
** the bodies are compressed elsewhere by kqi_store_encode() (a batch at a
** time, in the same blocks, with the segment's dictionary pCD) and handed
** in, in order, to kqi_docw_put_blocks() (aOffs: u64 LE offsets of the
** blocks within a).  The dictionary is drawn from the segment's first
** batch: its bodies, in order, go to kqi_docw_sample(), then
** kqi_docw_sample_end() decides it (bNone: the batch is the segment's
** last, and so it has none), and kqi_docw_cdict() gives it (NULL: none)
** until kqi_docw_finish().  Not deferred, kqi_docw does all that itself,
** and ends a first batch at KQI_STORE_DICT_SAMPLE bytes of bodies:
** batches must not close later (writer.c). */
#define KQI_STORE_DICT_SAMPLE (256 * 1024)
/* A store dictionary is its sample (doctab.c); none under
** KQI_STORE_DICT_LEAST bytes. */
#define KQI_STORE_DICT_LEAST (8 * 1024)
void kqi_docw_set_deferred(kqi_docw *p);
typedef struct ZSTD_CCtx_s ZSTD_CCtx;
typedef struct ZSTD_CDict_s ZSTD_CDict;
void kqi_docw_sample(kqi_docw *p, const char *z, size_t n);
void kqi_docw_sample_end(kqi_docw *p, int bNone);
int kqi_docw_has_dict(const kqi_docw *p);
const ZSTD_CDict *kqi_docw_cdict(const kqi_docw *p);
int kqi_store_encode(ZSTD_CCtx **ppCC, const ZSTD_CDict *pCD,
                     const char *const *azBody, const size_t *anBody, u32 nDoc,
                     kq_buf *pOut, kq_buf *pOffs);
int kqi_docw_put_blocks(kqi_docw *p, const u8 *a, size_t n, const u8 *aOffs,
                        size_t nOffs);

typedef struct kqi_docs {
    const kqi_map *pDocs, *pStore;
    u32 nDoc;
    const u8 *aLen;      /* u32 doclen[nDoc] */
    const u8 *aSig;      /* u64 sig[nDoc] (simhash.c; 0: none) */
    const u8 *aOff;      /* u64 metaOff[nDoc + 1] */
    const u8 *aChunkCrc; /* u32 per KQI_DOCS_CHUNK documents */
    const u8 *aIds;      /* the id table */
    u32 nChunk;
    u8 *aOk; /* per chunk: checked? (doctab.c) */
    u64 nMeta;
    u64 nStoreBlock;
    u64 iStoreDir;
    const u8 *aDict; /* the store's zstd dictionary (nDict: 0, none) */
    u32 nDict;
    u32 dictCrc; /* its CRC32, checked by kq check only */
} kqi_docs;
int kqi_docs_open(kqi_docs *d, const kqi_map *pDocs, const kqi_map *pStore,
                  char **pzErr);
void kqi_docs_close(kqi_docs *d);
/* Check the checksum of chunk c (KQI_DOCS_CHUNK documents) of the
** length, signature and offset arrays, once: KQ_OK or KQ_CORRUPT (and then
** kqi_docs_bad() is true). */
int kqi_docs_verify(const kqi_docs *d, u32 c);
static inline int
kqi_docs_bad(const kqi_docs *d)
{
    return __atomic_load_n(&d->aOk[d->nChunk], __ATOMIC_RELAXED) != 0;
}
/* Length of document i in tokens; 0 if its chunk is damaged (the search
** checks kqi_docs_bad() when a segment is done). */
static inline u32
kqi_docs_len(const kqi_docs *d, u32 i)
{
    u32 c = i >> KQI_DOCS_CHUNK_SHIFT;
    if (__builtin_expect(__atomic_load_n(&d->aOk[c], __ATOMIC_RELAXED) != 1,
                         0) &&
        kqi_docs_verify(d, c)) {
        return 0;
    }
    return kqi_get_u32(d->aLen + 4 * (size_t)i);
}
/* Signature of document i (0: none, or its chunk is damaged, as
** kqi_docs_len()). */
static inline u64
kqi_docs_sig(const kqi_docs *d, u32 i)
{
    u32 c = i >> KQI_DOCS_CHUNK_SHIFT;
    if (__atomic_load_n(&d->aOk[c], __ATOMIC_RELAXED) != 1 &&
        kqi_docs_verify(d, c)) {
        return 0;
    }
    return kqi_get_u64(d->aSig + 8 * (size_t)i);
}
/* Verify the id table (aIds: nDoc entries of u64 idHash, u64 contentHash,
** u32 docid) once. */
int kqi_docs_ids_check(const kqi_docs *d, char **pzErr);
/* Check the store's dictionary against its CRC32 (kq check: a damaged
** one shows elsewhere as every block failing its own). */
int kqi_docs_dict_check(const kqi_docs *d, char **pzErr);
/* The live document with this id (aDel: the segment's deletions, or NULL):
** KQ_OK with *piDoc and its content hash, KQ_NOTFOUND, KQ_CORRUPT. */
int kqi_docs_find(const kqi_docs *d, const char *zId, size_t nId, u64 idHash,
                  const u8 *aDel, u32 *piDoc, u64 *pContent, char **pzErr);
/* A document's record as the document table stores it, pointing into
** the mapped file: kq_docinfo's strings, nLen, and the extra fields
** still packed (kqi_fields_get() reads them). */
typedef struct kqi_docrec {
    const char *zId;
    size_t nId;
    const char *zTitle;
    size_t nTitle;
    const char *zDate;
    size_t nDate;
    const char *zSource;
    size_t nSource;
    u32 nLen;
    u64 nSig; /* signature (0: none) */
    int nField;
    const u8 *pField; /* the packed fields, nFieldByte bytes */
    size_t nFieldByte;
} kqi_docrec;
int kqi_docs_info(const kqi_docs *d, u32 i, kqi_docrec *pOut, char **pzErr);
/* The last decompressed store block, for reading the texts of many
** documents in docid order (=word checks them): neighbours share blocks. */
typedef struct ZSTD_DCtx_s ZSTD_DCtx;
typedef struct kqi_textcache {
    const kqi_docs *d;
    u64 iBlock;
    u8 *a; /* NULL: empty */
    size_t n;
    ZSTD_DCtx *pD; /* the decompressor, kept from block to block (making
                   ** one for each took a tenth of a `kq kwic`) */
} kqi_textcache;
/* Document i's text, pointing into *pCache (valid until its next use). */
int kqi_docs_text_ref(const kqi_docs *d, u32 i, kqi_textcache *pCache,
                      const char **pz, size_t *pn, char **pzErr);
/* Free what *p holds (and empty it). */
void kqi_textcache_clear(kqi_textcache *p);
int kqi_docs_text(const kqi_docs *d, u32 i, char **pz, size_t *pn,
                  char **pzErr);

/**************************************************************************
** Interface to code in manifest.c and segment.c.
*/
enum { KQI_F_DICT, KQI_F_POST, KQI_F_POS, KQI_F_DOCS, KQI_F_STORE, KQI_NFILE };
extern const char *const kqi_file_ext[KQI_NFILE];

typedef struct kqi_segmeta {
    u32 iSeg; /* file names are seg<iSeg, 6 digits>.<ext> */
    u32 nDoc;
    u64 nToken;
    u64 nKey; /* .dict keys: terms and vocabulary entries */
    u64 aSize[KQI_NFILE];
    u32 aCrc[KQI_NFILE];
    u64 delGen;    /* 0: no deletions */
    u32 nDel;      /* documents deleted */
    u64 nDelToken; /* their tokens */
    u64 delSize;
    u32 delCrc;
} kqi_segmeta;

typedef struct kqi_manifest {
    u64 nGeneration;
    char zLang[KQI_MAX_LANG];
    u32 nTitleWeight; /* BM25F: a title word counts this many times */
    u32 nSeg;
    kqi_segmeta *aSeg;
} kqi_manifest;

/* KQ_NOTFOUND if there is no manifest in zDir. */
int kqi_manifest_read(const char *zDir, kqi_manifest *pOut, char **pzErr);
/* Write atomically: temp file, fsync, rename, fsync directory.
** KQ_MISUSE, and nothing written, if p has more than KQ_MAX_SEGMENTS. */
int kqi_manifest_write(const char *zDir, const kqi_manifest *p, char **pzErr);
void kqi_manifest_clear(kqi_manifest *p);
char *kqi_seg_path(const char *zDir, u32 iSeg, int iFile);

typedef struct kqi_segment {
    kqi_segmeta meta;
    u32 iBase; /* docid of its first document in the index */
    kqi_map aMap[KQI_NFILE];
    kqi_dict dict;
    kqi_docs docs;
    kqi_map delMap;
    const u8 *aDel; /* deletion bitmap, NULL if none (deletes.c) */
} kqi_segment;

static inline int
kqi_is_deleted(const u8 *aDel, u32 i)
{
    return aDel && (aDel[i >> 3] >> (i & 7) & 1);
}

int kqi_segment_open(kqi_segment *s, const char *zDir, const kqi_segmeta *m,
                     char **pzErr);
void kqi_segment_close(kqi_segment *s);

/* deletes.c: a segment's deletion bitmap, seg<N>-<G>.del. */
char *kqi_del_path(const char *zDir, u32 iSeg, u64 iGen);
/* Write (and fsync) the bitmap aBits of nDoc documents; sets the
** deletion fields of *pMeta except nDel/nDelToken. */
int kqi_del_write(const char *zDir, kqi_segmeta *pMeta, u64 iGen,
                  const u8 *aBits, char **pzErr);
/* Map and verify the deletions the manifest names for segment m. */
int kqi_del_open(kqi_map *pMap, const char *zDir, const kqi_segmeta *m,
                 const u8 **paBits, char **pzErr);

/**************************************************************************
** Interface to code in lists.c: a segment's .dict, .post and .pos files
** written together.
*/
typedef struct kqi_listw {
    kqi_wfile aF[3]; /* .dict, .post, .pos */
    kqi_dictw *pDict;
    kqi_plw *pPost;
} kqi_listw;
/* Create the three files.  Whatever it returns, close w afterwards. */
int kqi_listw_open(kqi_listw *w, char *const azPath[3]);
/* Finish the dictionary, then flush, fsync and close the files.  rc is the
** caller's status so far; returns the first error.  Sizes and CRCs go to
** pMeta (if not NULL) with the number of keys in pMeta->nKey, the number
** of terms to *pnTerm (if not NULL). */
int kqi_listw_close(kqi_listw *w, int rc, kqi_segmeta *pMeta, u64 *pnTerm,
                    char **pzErr);

/**************************************************************************
** Interface to code in snippet.c
*/

/**************************************************************************
** Interface to code in xbackend.c: Xapian as the second backend.
*/
typedef struct kqi_xwriter kqi_xwriter;
/* With pOpts (zLang, nShard, nThread, bDetectLang, iPart/nPart): nShard
** 0, one database at zDir (or the shards a stub zDir/XAPIANDB names);
** else zDir/shard000.. and that stub. */
int kqi_xwriter_open(const char *zDir, const kq_writer_opts *pOpts,
                     kqi_xwriter **ppOut, char **pzErr);
int kqi_xwriter_add(kqi_xwriter *p, const kq_doc *pDoc, char **pzErr);
/* For the tests: write the vocabulary out whenever the sets hold n words
** (0: XVOCAB_MAX, xbackend.c), as a large corpus does. */
void kqi_xwriter_set_vocab_max(kqi_xwriter *p, u32 n);
/* As kq_writer_delete(). */
int kqi_xwriter_delete(kqi_xwriter *p, const char *zId, size_t nId,
                       char **pzErr);
int kqi_xwriter_commit(kqi_xwriter *p, char **pzErr);
void kqi_xwriter_stats(const kqi_xwriter *p, kq_writer_stats *pOut);
void kqi_xwriter_close(kqi_xwriter *p);

typedef struct kqi_xindex kqi_xindex;
/* Several databases (paths or tcp://HOST:PORT) searched as one. */
int kqi_xindex_open(const char *const *azPath, int nPath, kqi_xindex **ppOut,
                    char **pzErr);
void kqi_xindex_close(kqi_xindex *p);
kq_analyzer *kqi_xindex_analyzer(kqi_xindex *p);
const kq_stats *kqi_xindex_stats(const kqi_xindex *p);
/* As kq_index_set_max_expansion(). */
int kqi_xindex_set_max_expansion(kqi_xindex *p, uint32_t n);
/* As kq_index_languages(); without bCount, the names only (nDoc 0). */
int kqi_xindex_languages(kqi_xindex *p, int bCount, kq_langcount **paOut,
                         int *pn, char **pzErr);
/* As kq_search(); docids are Xapian's minus one. */
int kqi_xsearch(kqi_xindex *p, const kq_query *q, size_t nOffset,
                size_t nLimit, kq_hit **paHit, size_t *pnHit,
                uint64_t *pnTotal, char **pzErr);
/* As kq_search_each(), with nOcc 0 (Xapian gives no occurrences: run.c
** counts them). */
int kqi_xsearch_each(kqi_xindex *p, const kq_query *q, void *pCtx,
                     kq_match_fn x, char **pzErr);
/* Value iSlot (KQX_VALUE_*) of a document, or its body with iSlot < 0;
** malloc()ed. */
int kqi_xdoc(kqi_xindex *p, kq_docid iDoc, int iSlot, char **pz, size_t *pn,
             char **pzErr);
/* kq_index_term_freq() and kq_index_each_doc() on Xapian. */
/* As kq_index_value_counts(), without the empty value. */
int kqi_xvalue_counts(kqi_xindex *p, int eField, void *pCtx,
                      kq_value_count_fn x, char **pzErr);
int kqi_xterm_freq(kqi_xindex *p, const char *z, size_t n, uint64_t *pnDoc,
                   uint64_t *pnOcc, char **pzErr);
int kqi_xeach_doc(kqi_xindex *p, void *pCtx, kq_doc_fn x, kq_docid *pnDocid,
                  char **pzErr);
/* kq_index_find(), kq_index_terms() and kq_explain() of a Xapian database
** (xbackend.c says how). */
int kqi_xfind(kqi_xindex *p, const char *zId, size_t nId, kq_docid *piDoc,
              char **pzErr);
int kqi_xterms(kqi_xindex *p, const char *zPrefix, size_t nPrefix, void *pCtx,
               kq_term_fn x, char **pzErr);
int kqi_xexplain(kqi_xindex *p, const kq_query *q, kq_docid iDoc,
                 kq_explain_info *pOut, char **pzErr);
/* For date order (run.c): document iDoc's date (malloc()ed) and the key
** that orders documents of the same date as the native index's docids
** would: the order kq-index added them in. */
int kqi_xdoc_date(kqi_xindex *p, kq_docid iDoc, char **pzDate, size_t *pnDate,
                  uint64_t *pTie, char **pzErr);
/* The id, title, date, source and signature (8 bytes, or none) of a
** document (kq_index_doc()), each malloc()ed: KQX_VALUE_ID ..
** KQX_VALUE_SIG. */
#define KQI_XVALUES 5
int kqi_xindex_doc(kqi_xindex *p, kq_docid iDoc, char *azOut[KQI_XVALUES],
                   size_t anOut[KQI_XVALUES], char **pzErr);
/* A kq_matcher (match.c) of q's matches in documents of p. */
int kqi_xmatcher_new(kqi_xindex *p, kq_analyzer *pA, const kq_query *q,
                     kq_matcher **ppOut, char **pzErr);
/* Watch the reads of p (kqi_xsearch, kqi_xdoc) from a thread: one that has
** not returned after KQ_XAPIAN_STALL_MS makes it check the databases
** (kqx_db_check); if they are damaged, x(pCtx, zErr) is called from that
** thread, with the read still under way -- it must end the process. */
int kqi_xindex_watch(kqi_xindex *p, void (*x)(void *pCtx, const char *zErr),
                     void *pCtx);

/**************************************************************************
** Interface to code in invert.c: in-memory inversion of documents.
*/
typedef struct kqi_inv kqi_inv;
int kqi_inv_new(const char *zLang, u32 nTitleWeight, kqi_inv **ppOut);
void kqi_inv_free(kqi_inv *p);
/* Analyse and invert one document as docid iDoc (increasing from one call
** to the next): its title and body, and the field terms of its title,
** source, extra fields and date (KQI_PFX_*); *pnLen gets its length for
** BM25F (tokens of title and body, a title token counting nTitleWeight
** times), *pnTok its plain number of tokens, *pSig the SimHash signature
** of its body's words (simhash.c). */
int kqi_inv_add(kqi_inv *p, u32 iDoc, const kq_doc *pDoc, u32 *pnLen,
                u32 *pnTok, u64 *pSig);
size_t kqi_inv_memory(const kqi_inv *p);
int kqi_inv_empty(const kqi_inv *p);
/* Drop the table (after it was written). */
void kqi_inv_clear(kqi_inv *p);
/* Write the tables of aInv[0..nInv) as one set of dict/post/pos files (a
** term's postings from several inverters merged by docid).  aLen/nLen: the
** segment's document lengths for the block maxima (NULL for a run). */
int kqi_inv_write(kqi_inv *const *aInv, int nInv, char *const azPath[3],
                  const u8 *aLen, u32 nLen, u64 *pnTerm, kqi_segmeta *pMeta,
                  char **pzErr);

/**************************************************************************
** Interface to code in merge.c
*/
/* Merge nRun runs (azRun[3*i + 0..2] = dict, post, pos paths of run i, in
** docid order) of a segment of nDoc documents into the files azOut[0..2];
** file sizes, CRCs and the number of dictionary keys go to *pMeta, the
** number of terms among them to *pnTerm.  aLen: the segment's document
** lengths (u32 LE, nDoc of them) for the block maxima. */
int kqi_merge_runs(char *const *azRun, u32 nRun, u32 nDoc, const u8 *aLen,
                   char *const azOut[3], kqi_segmeta *pMeta, u64 *pnTerm,
                   char **pzErr);
/* How far a merge of segments has got: x(pCtx, nDone, nTotal), in bytes
** of the segments read, now and then and once at the end. */
typedef struct kqi_mprog {
    void (*x)(void *pCtx, u64 nDone, u64 nTotal);
    void *pCtx;
} kqi_mprog;
/* Merge the live documents of the opened segments aSeg[0..nSeg) (adjacent,
** in docid order) into a new segment number iSeg in zDir; *pMeta gets its
** manifest record.  Pages read of the segments are released as the merge
** goes, so that what it keeps mapped stays within a share of nMemory (the
** writer's budget); pProg (may be NULL) hears how far it has got.  On
** error the new files are removed. */
int kqi_merge_segments(const char *zDir, kqi_segment *aSeg, u32 nSeg, u32 iSeg,
                       size_t nMemory, const kqi_mprog *pProg,
                       kqi_segmeta *pMeta, char **pzErr);

/**************************************************************************
** Interface to code in index.c
*/
/* What directory zDir holds: nothing kq knows, a native index (a
** kq.manifest), or a Xapian database (iamglass, or a stub XAPIANDB). */
enum { KQI_DIR_NONE, KQI_DIR_NATIVE, KQI_DIR_XAPIAN };
int kqi_dir_kind(const char *zDir);

/* An open index: kq's own (index.c), or Xapian databases (pX set; then
** only zDir, pX and the kq_index_doc() buffers are used: index.c hands
** every call to xbackend.c). */
/* One of several kq indexes opened as one (kq_index_open_many()): its
** directory, its generation, and its segments aSeg[iSeg0 .. iSeg0 + nSeg)
** of the kq_index. */
typedef struct kqi_part {
    char *zDir;
    u64 nGeneration;
    u32 iSeg0, nSeg;
} kqi_part;

struct kq_index {
    char *zDir; /* the (first) path it was opened with */
    /* kq's own index: the directories it was opened from (nPart 1 for
    ** one); man is then their manifests made one (index.c,
    ** open_generation()), their segments one after another in aSeg. */
    kqi_part *aPart;
    int nPart;
    kqi_xindex *pX;
    kqi_manifest man;
    kqi_segment *aSeg;
    kq_stats stats;
    kq_analyzer *pAnalyzer;
    u32 nMaxExpansion; /* of one prefix (0: KQ_DEFAULT_MAX_EXPANSION) */
    kq_segment_stats *aSegStats; /* kq_index_segment(), made on first use */
    /* kq_index_doc()'s result: its fields (native) or its malloc()ed
    ** values (Xapian: id, title, date, source), until the next call. */
    kq_docinfo info;
    kq_docid iInfo; /* whose info is */
    kq_field aField[KQ_MAX_FIELDS];
    char *azXValue[KQI_XVALUES];
    /* The documents' languages (doctokens.c), made on first use: one
    ** byte per docid, 1 + an index into aLang (0: none known). */
    u8 *aDocLang;
    kq_docid nDocLang;
    kq_langcount *aLang;
    int nLang;
    /* kq_index_text()'s last store block: the research verbs read the
    ** documents of a query in docid order, several to a block. */
    kqi_textcache text;
};
/* Most document languages aDocLang can tell apart (a byte each). */
#define KQI_MAX_DOC_LANGS 255

/* Call x for each posting of the term zKey in every segment, in docid
** order: the document, whether it is deleted, the term's occurrences in
** it.  A non-zero return from x stops the walk and is returned. */
typedef int (*kqi_posting_fn)(void *pCtx, kq_docid iDoc, int bDeleted, u32 tf);
int kqi_index_postings(kq_index *p, const char *zKey, size_t nKey, void *pCtx,
                       kqi_posting_fn x, char **pzErr);
/* The languages of p's documents, as kq_index_languages() gives them
** but without counting (nDoc 1 each), so without reading postings. */
int kqi_index_lang_names(kq_index *p, kq_langcount **paOut, int *pn,
                         char **pzErr);
/* Interface to code in doctokens.c: the language of document iDoc of p
** (NULL: the index's, or a Xapian database). */
int kqi_index_doc_lang(kq_index *p, kq_docid iDoc, const char **pzLang,
                       char **pzErr);

/* The record of document iDoc of kq's own index (kq_index_doc() without
** unpacking the fields). */
int kqi_index_docrec(kq_index *p, kq_docid iDoc, kqi_docrec *pOut,
                     char **pzErr);
/* KQ_OK for kq's own index; for a Xapian database KQ_MISUSE and a message
** saying that zWhat ("checking") needs a kq index. */
int kqi_need_native(const kq_index *p, const char *zWhat, char **pzErr);

/**************************************************************************
** Interface to code in query.c (parser) and common/search/ (evaluation).
*/
typedef enum kqi_qtype {
    KQI_Q_TERM,   /* one analysed term */
    KQI_Q_PREFIX, /* word*: zTerm the folded, unstemmed prefix */
    KQI_Q_PHRASE, /* aChild are TERMs at consecutive positions */
    KQI_Q_AND,
    KQI_Q_OR,
    KQI_Q_NOT,   /* one child: documents that do not match it */
    KQI_Q_NEAR,  /* aChild are TERMs within nWindow positions of each
                 ** other (NEAR/n, "a b"~n), in order if bOrdered (ADJ/n) */
    KQI_Q_EXACT, /* =word: zTerm is its stem, zWord the folded word, which
                 ** must occur as such */
    KQI_Q_DATE,  /* date:LO..HI: documents dated within [zLo, zHi] */
    KQI_Q_ID,    /* id:X: the document with that id (zTerm); with
                 ** bIdPrefix (id:X*) the documents whose ids start with
                 ** zTerm */
    KQI_Q_WILD,  /* a word with * or ? that is not a plain prefix
                 ** (*fire, qa?dafi, n*t?ation): zTerm is the folded
                 ** pattern, its wildcards kept (terms never hold them) */
    KQI_Q_FUZZY, /* word~1, word~2, word~: zTerm is the folded word,
                 ** nEdit the most edits (pattern.c) */
    KQI_Q_MAYBE  /* +a b c with OR between items: the documents matching
                 ** aChild[0] (the required items); aChild[1] (the
                 ** optional ones) adds its score and matches where it
                 ** matches too (Xapian's AND_MAYBE) */
} kqi_qtype;
/* PREFIX, WILD and FUZZY are the expanding words: each matches the terms
** kqi_leaf_terms() gives (like TERM nodes, they can be children of a
** PHRASE, never of a NEAR, and carry eField).  Matching is against the
** folded, unstemmed words of the vocabulary, the expansion being their
** stems (a PREFIX also against the terms themselves, kq(1));
** in source: and extra fields, whose words are indexed only as stems,
** against those stems. */

/* Which part of a document a TERM, PREFIX, PHRASE or EXACT is looked for in
** (title:, body:, source:, an extra field).  In the index a field's terms
** carry a prefix (below); "title" and "body" words are also indexed
** unprefixed, which is what ranks them. */
typedef enum kqi_field {
    KQI_FIELD_ANY = 0, /* title and body */
    KQI_FIELD_TITLE,
    KQI_FIELD_BODY,
    KQI_FIELD_SOURCE,
    KQI_FIELD_EXTRA /* zField names it */
} kqi_field;

/* kqi_qnode.eMix: did the user mix AND and OR without parentheses? */
enum {
    KQI_MIX_NO,  /* no (or not known yet) */
    KQI_MIX_AND, /* an AND parsed outside parentheses: while
                 ** parsing only, an OR over it makes it _WARN */
    KQI_MIX_WARN /* an OR over such an AND: kq_query_tree() warns */
};

typedef struct kqi_qnode kqi_qnode;
struct kqi_qnode {
    kqi_qtype eType;
    char *zTerm; /* TERM, PREFIX, WILD, FUZZY, EXACT (the stem),
                 ** ID (the id) */
    size_t nTerm;
    u32 iOffset; /* TERM inside PHRASE: position offset */
    kqi_qnode **aChild;
    int nChild;
    kqi_field eField; /* TERM, PREFIX, WILD, FUZZY, PHRASE, EXACT */
    char *zField;     /* KQI_FIELD_EXTRA: the field name */
    char *zWord;      /* EXACT: the folded word */
    size_t nWord;
    double boost;          /* term^2: its score is multiplied (0: 1) */
    u32 nWindow;           /* NEAR */
    int bOrdered;          /* NEAR: ADJ */
    char zLo[11], zHi[11]; /* DATE: YYYY-MM-DD bounds, "" if open */
    char *zRaw;            /* TERM, PREFIX, WILD, FUZZY: the word as
                           ** written */
    int eMix;              /* AND/OR: KQI_MIX_* (query.c) */
    int eSign;             /* while parsing: '+' or '-' written before the
                           ** item (query.c, parse_or()), else 0 */
    int bAll;              /* NOT: the query *, every document (its child a
                           ** bNever TERM "*": NOT of nothing) */
    u32 nEdit;             /* FUZZY: 1 or 2 */
    int bIdPrefix;         /* ID: zTerm is a prefix of ids (id:X*) */
    const char *zLang;     /* TERM, PHRASE, NEAR: the item analysed in
                            ** another language of the index (its analyzer's
                            ** name, static): an alternative its OR parent
                            ** holds beside the index language's form */
    int bNever;            /* TERM: a word, prefix or phrase holding a word
                           ** longer than KQ_MAX_WORD, which no index holds:
                           ** matches nothing (zTerm is the text as written;
                           ** kq_query_tree warns) */
};

struct kq_query {
    kqi_qnode *pRoot;
};

void kqi_qnode_free(kqi_qnode *p);
/* The dictionary prefix of the terms of q's field, NUL-terminated in aOut
** (both backends and match.c): "" for the text, KQI_PFX_TITLE for title:
** and body: (body: subtracts the title's), KQI_PFX_SOURCE, X name ":" for
** an extra field.  Its length, or -1 if it does not fit in nOut (a name
** longer than any field's). */
int kqi_field_prefix(const kqi_qnode *q, char *aOut, size_t nOut);

/* match.c: a query's matches in one document (kq_matcher), from the
** positions of its terms, which a provider gives: kq's index (match.c) or a
** Xapian database (xbackend.c). */
typedef struct kqi_mdoc {
    const char *zId;
    size_t nId;
    const char *zDate;
    size_t nDate;
    const char *zTitle;
    size_t nTitle; /* when asked for the text */
    const char *zBody;
    size_t nBody;
} kqi_mdoc;
typedef struct kqi_mprov {
    void *pCtx;
    /* The dictionary keys the expanding leaf q (PREFIX, WILD, FUZZY)
    ** stands for, as kqi_leaf_terms() gives them: its field's prefix in
    ** front (none for the text and body:), sorted and distinct,
    ** malloc()ed strings in a malloc()ed array. */
    int (*xExpand)(void *pCtx, const kqi_qnode *q, char ***paz, int *pn,
                   char **pzErr);
    /* Once, after compiling: the dictionary keys the query reads (field
    ** prefix included), numbered 0 .. nKey-1 as xPos takes them. */
    int (*xKeys)(void *pCtx, const char *const *azKey, int nKey, char **pzErr);
    /* The positions of key iKey in document iDoc, ascending (*pn 0 if it
    ** is not in it); valid until the next call for another document. */
    int (*xPos)(void *pCtx, kq_docid iDoc, int iKey, const u32 **pa, u32 *pn,
                char **pzErr);
    /* Document iDoc's id and date, and its title and body if bText; valid
    ** until the next call. */
    int (*xDoc)(void *pCtx, kq_docid iDoc, int bText, kqi_mdoc *pOut,
                char **pzErr);
    void (*xFree)(void *pCtx);
} kqi_mprov;
/* Compile q for pProv (which the matcher owns from then on: its xFree is
** called by kq_matcher_free, or here on failure). */
int kqi_matcher_new(kq_analyzer *pA, const kq_query *q, const kqi_mprov *pProv,
                    kq_matcher **ppOut, char **pzErr);
/* The number of keys the matcher reads. */
int kqi_matcher_nkey(const kq_matcher *m);
/* The id, date and texts of the document of the last kq_matcher_doc(). */
const kqi_mdoc *kqi_matcher_text(kq_matcher *m, char **pzErr, int *pRc);

/* search/expand.c: the dictionary terms the expanding leaf q (PREFIX, WILD,
** FUZZY) expands to in pIdx, each with its field's dictionary prefix in
** front: none for the default field and body:, KQI_PFX_TITLE for title:
** (the title's terms), KQI_PFX_SOURCE for source:, "X" name ":" for an
** extra field; for an ID with bIdPrefix (id:PRE*), the ids of the live
** documents.  Sorted (bytes) and distinct, malloc()ed NUL-terminated
** strings in a malloc()ed array (the caller frees both; *paz NULL when *pn
** is 0).  The very code the search plans with, under the same expansion
** limits (a fresh query budget): KQ_SYNTAX with the limit's message when
** q alone passes one; KQ_MISUSE for another node type; KQ_SYNTAX for an
** extra field the index does not have. */
int kqi_leaf_terms(kq_index *pIdx, const kqi_qnode *q, char ***paz, int *pn,
                   char **pzErr);
/* The same for the prefix z[0..n) in the default field. */
int kqi_prefix_terms(kq_index *pIdx, const char *z, size_t n, char ***paz,
                     int *pn, char **pzErr);
/* The prefix limit of pIdx (kq_index_set_max_expansion). */
u32 kqi_max_expansion(const kq_index *pIdx);
/* The expansion limits (kq.h), one check for both backends: zWhat (a
** word -- "the prefix oil*", kqi_pat_name() -- if bPrefix, else a date
** range "date:..") expanded to nExp distinct terms, or
** to more than the walk collected if bOver (it stops at the smaller of nMax
** and *pnLeft).  KQ_OK, taking nExp from *pnLeft, the query's budget; or
** KQ_SYNTAX with a message naming the limit passed. */
int kqi_exp_check(u32 nMax, u32 *pnLeft, u32 nExp, int bPrefix, int bOver,
                  const char *zWhat, char **pzErr);

/**************************************************************************
** Interface to code in pattern.c: the matchers of expanding query words.
*/
typedef enum kqi_patkind {
    KQI_PAT_PREFIX, /* the word starts with zPat */
    KQI_PAT_WILD,   /* zPat with * (any run) and ? (one character) */
    KQI_PAT_FUZZY   /* within nEdit edits of zPat */
} kqi_patkind;
typedef struct kqi_pat {
    kqi_patkind eKind;
    const char *zPat; /* the node's zTerm */
    size_t nPat;
    size_t nLit; /* every match starts with zPat[0..nLit) */
    int nEdit;   /* FUZZY */
} kqi_pat;
/* The matcher of PREFIX, WILD or FUZZY node q (pointing into it); else
** KQ_MISUSE. */
int kqi_pat_of(const kqi_qnode *q, kqi_pat *p);
/* Does the folded word z[0..n) fit p? */
int kqi_pat_match(const kqi_pat *p, const char *z, size_t n);
/* What messages call q: "the prefix oil*", "the pattern qa?dafi", "the
** fuzzy word gadafi~2" (malloc()ed; NULL when out of memory). */
char *kqi_pat_name(const kqi_qnode *q);
/* Does z[0..n) fit the wildcard pattern zPat[0..nPat) (* any run of
** characters, ? one UTF-8 character)?  At most nPat * n steps. */
int kqi_wild_match(const char *zPat, size_t nPat, const char *z, size_t n);
/* Characters of z[0..n) (a byte that is not UTF-8 counts as one). */
size_t kqi_utf8_chars(const char *z, size_t n);

/* date.c: the date terms of a document dated zDate (up to 3: YYYY,
** YYYY-MM, YYYY-MM-DD, each NUL-terminated, without the prefix); their
** number, 0 if the date is not one kq understands. */
int kqi_date_terms(const char *zDate, size_t nDate, char aOut[3][12]);
/* d, or when its date is longer than KQ_MAX_DATE a copy of it in *pCopy
** without a date: what both writers store and index (the document is
** undated, as kq.h says). */
const kq_doc *kqi_doc_date_checked(const kq_doc *d, kq_doc *pCopy);
/* d, or (for --detect-lang) a copy in *pTmp with the language
** kq_lang_detect() finds in its body (or title) if it has none and one is
** found (writer.c; both writers). */
const kq_doc *kqi_doc_lang_detected(const kq_doc *d, kq_doc *pTmp);
/* The error of a failed analysis of a document (rc from kq_analyze() or
** the inverter): KQ_IOERR when ICU could not be loaded, else memory. */
int kqi_analysis_err(char **pzErr, int rc);
/* Why ICU could not be loaded (icu.c; NULL if it was). */
const char *kqi_icu_error(void);
/* Parse a date of a query bound (YYYY, YYYY-MM, YYYY-MM-DD) into the first
** (bEnd 0) or last (bEnd 1) day it covers, as YYYY-MM-DD: 0, or -1 if it
** is not a date. */
int kqi_date_bound(const char *z, size_t n, int bEnd, char aOut[11]);
/* Does the date term z (YYYY, YYYY-MM or YYYY-MM-DD) cover only days within
** [zLo, zHi] ("" = open)? */
int kqi_date_within(const char *z, size_t n, const char *zLo, const char *zHi);
/* Is z/n a good extra field name ([a-z][a-z0-9_]*, at most
** KQ_MAX_FIELD_NAME bytes, not a built-in field)?  The one check, for
** kq-index --field and kq_writer_add(). */
int kqi_field_name_ok(const char *z, size_t n);
/* Is its parent (the month of a day, the year of a month) within too? */
int kqi_date_parent_within(const char *z, size_t n, const char *zLo,
                           const char *zHi);

/* BM25F over two fields, title and body, and Xapian's idf (so that the
** Xapian backend, local or remote, ranks exactly alike):
**   tw = (N - df + 0.5) / (df + 0.5), raised to tw / 2 + 1 when below 2;
**   idf = ln tw;
**   tf = occurrences + (W - 1) * occurrences in the title;
**   dl = tokens + (W - 1) * tokens of the title, avgdl its mean;
**   score = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
** with W the index's title weight (kqi_manifest.nTitleWeight; the Xapian
** backend gives title words a wdf of W).  dl is what the document table
** stores and what the manifest's token counts sum.
**
** The constants are what measured best over the five IR test collections
** of `make eval` (cranfield, cisi, cacm, npl, adi) as one setting for all;
** docs/ranking-and-evaluation.md, "Result quality", has the figures and
** what else was tried.  k1 = 1.4 and b = 0.5 (KQ_BM25_K1, KQ_BM25_B in
** kq.h) sit between the usual 1.2 / 0.75 (better on
** long abstracts, cisi and cranfield) and Xapian's 1.0 / 0.5 (better on
** the very short ones of npl); a title weight of 3 helped every collection
** that has titles. */
#define KQI_TITLE_WEIGHT 3
#define KQI_MAX_TITLE_WEIGHT 16
double kqi_bm25_idf(u64 nDoc, u64 df);
/* log(x), the same bits with any libm (see search/bm25.c). */
double kqi_log(double x);
double kqi_bm25(double idf, u32 tf, u32 doclen, double avgdl);

#endif /* KQ_INT_H */
