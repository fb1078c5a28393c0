/*
** kq_format.h -- every constant of kq's on-disk format, in one place.
**
** An index is a directory: kq.manifest (manifest.c) and, per segment,
** seg<N>.dict (dict.c), .post and .pos (postings.c, codec.c), .docs and
** .store (doctab.c), and seg<N>-<G>.del (deletes.c).  Each file's grammar
** is at the top of the file that writes and reads it; the sizes, codes and
** versions those grammars use are here, so that no other file holds a
** bare number of the format.  Changing any value below changes the format:
** raise KQI_FORMAT_VERSION with it.
*/
#ifndef KQ_FORMAT_H
#define KQ_FORMAT_H

/* Every index file starts with this 16-byte header: 8-byte magic (first byte
** 0x8b, never ASCII), u32 format version, u32 file type (fileio.c). */
#define KQI_HEADER 16
#define KQI_FORMAT_VERSION 11
enum {
    KQI_FT_MANIFEST = 1,
    KQI_FT_DICT,
    KQI_FT_POST,
    KQI_FT_POS,
    KQI_FT_DOCS,
    KQI_FT_STORE,
    KQI_FT_DEL
};
/* The version of the text analysis (analyze.c: tokens, folding), which
** Xapian databases record (xbackend.c); a native index's is its format
** version.  Raise both when kq_analyze() gives other terms for some text:
** 2 (format 5) is UAX #29 word boundaries and folding that keeps the marks
** of Indic, Thai and kana; 3 (format 7) drops a token that folds to marks
** alone (U+FF9E); 4 (format 8) drops the marks a token's folding starts
** with (U+FF9E before letters); 5 (format 11) hashes a signature's
** shingles from their words' hashes (simhash.c), and Xapian databases
** store signatures too. */
#define KQI_ANALYSIS_VERSION 5

/* File names (manifest.c, segment.c). */
#define KQI_MANIFEST "kq.manifest"
#define KQI_LOCK "kq.lock"

/* Postings are coded in blocks of this many (the last block may be short;
** postings.c), each block by one of these codecs (codec.c). */
#define KQI_BLOCK 128
#define KQI_CODEC_VARINT 0
#define KQI_CODEC_PACKED 1
/* In a posting block's width byte: the stream has exceptions (format 10). */
#define KQI_PFOR_EX 64
/* In a position block's width byte: a base follows (format 9). */
#define KQI_POS_BASED 64
/* A position block's bits per gap width, bW, at most (widths are 0..32). */
#define KQI_POS_WBITS 6

/* .dict: keys in blocks of KQI_DICT_BLOCK, an index entry of
** KQI_DICT_IXENT bytes per block, a trailer of KQI_DICT_TRAILER bytes. */
#define KQI_DICT_BLOCK 16
#define KQI_DICT_IXENT 32
#define KQI_DICT_TRAILER 28
/* A vocabulary entry's key: this byte, then the unstemmed word. */
#define KQI_WORD_MARK '\x01'

/* Keys of field terms start with one of these upper-case letters (folded
** terms never do, so they cannot collide with words). */
/* clang-format off */
#define KQI_PFX_TITLE  'T'   /* T + term, at the title's positions */
#define KQI_PFX_SOURCE 'S'   /* S + term of the source */
#define KQI_PFX_EXTRA  'X'   /* X + field name + ':' + term */
#define KQI_PFX_DATE   'D'   /* D + YYYY, D + YYYY-MM, D + YYYY-MM-DD */
#define KQI_PFX_LANG   'L'   /* L + the document's Snowball language
                             ** ("Lenglish"), one per document: kq stats,
                             ** the languages a query is analysed in (no
                             ** query field) */
/* clang-format on */
/* Is a dictionary key a field term (not counted in document lengths)? */
#define KQI_IS_FIELD_TERM(z, n) ((n) > 0 && (z)[0] >= 'A' && (z)[0] <= 'Z')

/* Position gap between the title and the body (and between fields), so
** that neither phrases (consecutive positions) nor NEAR/n span them
** (kq_int.h checks it against the NEAR limits). */
#define KQI_TITLE_GAP 2048

/* .docs: the doclen[], sig[] and metaOff[] arrays are checksummed in chunks of
** 1 << KQI_DOCS_CHUNK_SHIFT documents; the trailer is KQI_DOCS_TRAILER
** bytes.  The id table's entries are KQI_IDENT_SIZE bytes: u64 idHash
** (kqi_hash64 of the id, seed KQI_ID_SEED), u64 contentHash, u32 docid. */
#define KQI_DOCS_CHUNK_SHIFT 10
#define KQI_DOCS_CHUNK (1u << KQI_DOCS_CHUNK_SHIFT)
#define KQI_DOCS_TRAILER 44
#define KQI_IDENT_SIZE 20
#define KQI_ID_SEED 0x6964 /* seed of a document id's hash */
/* Seed of kqi_hash64 for the words of a document's SimHash signature
** (simhash.c; format 6 added sig[] to .docs, format 11 hashes a shingle
** from its words' hashes). */
#define KQI_SIG_SEED 0x73696d68
/* Entry k of an id table at a, and its fields. */
#define KQI_IDENT_AT(a, k) ((a) + (size_t)KQI_IDENT_SIZE * (k))
#define KQI_IDENT_HASH(e) kqi_get_u64(e)
#define KQI_IDENT_CONTENT(e) kqi_get_u64((e) + 8)
#define KQI_IDENT_DOCID(e) kqi_get_u32((e) + 16)

/* .store: a block's header is KQI_STORE_BLKHDR bytes (u8 codec, u32
** uncompressed length, u32 CRC32, u32 stored length); no block is larger
** than KQI_STORE_MAXBLOCK; the trailer (u64 nBlock, u64 offset of the
** block offsets, u32 dictionary length, u32 its CRC32) is
** KQI_STORE_TRAILER bytes. */
#define KQI_STORE_BLKHDR 13
#define KQI_STORE_TRAILER 24
#define KQI_STORE_MAXBLOCK 0x7fffffffu

#endif
