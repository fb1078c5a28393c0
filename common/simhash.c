/*
** simhash.c -- a document's near-duplicate signature (kq dups).
**
** SimHash (Charikar, STOC 2002; as used for web pages by Manku, Jain and
** Das Sarma, WWW 2007): 64 counters, one per bit; every feature's 64-bit
** hash adds 1 to the counters of its 1 bits and subtracts 1 from those
** of its 0 bits; bit b of the signature is 1 when counter b ends above 0.
** Similar feature lists give signatures a small Hamming distance apart.
**
** Features: the word 3-shingles of the body -- three consecutive words as
** kq_analyze() delivers them with KQ_ANALYZE_NOSTEM (folded, not stemmed;
** a word too long to be a term is not delivered and so not counted); a
** shingle that occurs twice counts twice.  A body of one or two words: its
** words as 1-shingles.  The title is left out on purpose: a wire copy
** under a new headline is still a copy.
**
** Hashes: each word's is kqi_hash64() of its bytes with seed KQI_SIG_SEED
** (kqi_sig_word()); a 1-shingle's is its word's; a 3-shingle's combines
** its words' hashes h1, h2, h3 as mix(h1 ^ rotl(h2, 21) ^ rotl(h3, 42)),
** mix being MurmurHash64A's final steps twice (x ^= x >> 47; x *= m;
** x ^= x >> 47; x *= m; x ^= x >> 47).  Hashing the bytes "w1 w2 w3" of
** every shingle, as format 10 and before did, was a tenth of indexing
** time; the inverter has each word's hash already (its word table is
** keyed by it), so a shingle is now a few instructions.  The rotations
** keep the words' order; the mix keeps shingles that share words (a b c,
** a b d, e f c, e f d) from cancelling out when xor-ed together.
**
** A body with no words has no signature, stored as 0; a computed 0 (all
** counters at or below 0: for a body of a few shingles about (3/4)^64,
** for longer ones about 2^-64) counts as none too.
**
** The shingles alone (kqi_shingle_word()) are also what kq dups compares
** to verify a candidate pair (dups.c).
**
** One implementation, used by the inverter (invert.c: the words on their
** way to the index), the Xapian backend and kq_index_check(): an
** independent one is tests/oracle/simhash.py.
*/
#include "kq_int.h"

#include <string.h>

u64
kqi_sig_word(const char *z, size_t n)
{
    return kqi_hash64(z, n, KQI_SIG_SEED);
}

static inline u64
rotl64(u64 x, int k)
{
    return x << k | x >> (64 - k);
}

int
kqi_shingle_hash(kqi_shingler *p, u64 h, u64 *pH)
{
    int bOut = 0;
    if (p->nWord >= 2) {
        /* Shingle: the two previous words and this one. */
        const u64 m = 0xc6a4a7935bd1e995ULL;
        u64 x = p->aH[(p->nWord - 2) & 1] ^
                rotl64(p->aH[(p->nWord - 1) & 1], 21) ^ rotl64(h, 42);
        x ^= x >> 47;
        x *= m;
        x ^= x >> 47;
        x *= m;
        x ^= x >> 47;
        *pH = x;
        bOut = 1;
    }
    p->aH[p->nWord & 1] = h;
    p->nWord++;
    return bOut;
}

int
kqi_shingle_word(kqi_shingler *p, const char *z, size_t n, u64 *pH)
{
    if (n > KQI_MAX_TERM) {
        return 0; /* (the analysis never delivers one) */
    }
    return kqi_shingle_hash(p, kqi_sig_word(z, n), pH);
}

int
kqi_shingle_final(const kqi_shingler *p, u64 aH[2])
{
    int n = 0;
    for (u64 k = 0; p->nWord < 3 && k < p->nWord; k++) {
        aH[n++] = p->aH[k];
    }
    return n;
}

void
kqi_simhash_init(kqi_simhash *p)
{
    memset(p->aOnes, 0, sizeof(p->aOnes));
    memset(p->aLane, 0, sizeof(p->aLane));
    p->nFeat = p->nLane = 0;
    p->sh.nWord = 0;
}

/* The lanes into the counters (before a byte of a lane can pass 255). */
static void
flush_lanes(kqi_simhash *p)
{
    for (int j = 0; j < 8; j++) {
        for (int k = 0; k < 8; k++) {
            p->aOnes[8 * k + j] += (p->aLane[j] >> (8 * k)) & 0xff;
        }
        p->aLane[j] = 0;
    }
    p->nLane = 0;
}

/* Counting a feature's 64 bits one by one was a third of the indexing
** time; eight byte-wide counters per word (lane j counts bits j, 8 + j,
** ..., 56 + j) take 8 additions a feature. */
static void
add_feature(kqi_simhash *p, u64 h)
{
    for (int j = 0; j < 8; j++) {
        p->aLane[j] += (h >> j) & 0x0101010101010101ull;
    }
    p->nFeat++;
    if (++p->nLane == 255) {
        flush_lanes(p);
    }
}

void
kqi_simhash_hash(kqi_simhash *p, u64 hWord)
{
    u64 h;
    if (kqi_shingle_hash(&p->sh, hWord, &h)) {
        add_feature(p, h);
    }
}

void
kqi_simhash_word(kqi_simhash *p, const char *z, size_t n)
{
    u64 h;
    if (kqi_shingle_word(&p->sh, z, n, &h)) {
        add_feature(p, h);
    }
}

u64
kqi_simhash_final(kqi_simhash *p)
{
    u64 aH[2];
    int nH = kqi_shingle_final(&p->sh, aH);
    for (int k = 0; k < nH; k++) {
        add_feature(p, aH[k]);
    }
    flush_lanes(p);
    /* Set in more features than clear: ones > nFeat - ones. */
    u64 sig = 0;
    for (int b = 0; b < 64; b++) {
        if (2 * p->aOnes[b] > p->nFeat) {
            sig |= (u64)1 << b;
        }
    }
    return sig;
}

static int
text_word(void *pCtx, const char *zWord, size_t nWord, uint32_t iPos,
          size_t iStart, size_t iEnd)
{
    (void)iPos;
    (void)iStart;
    (void)iEnd;
    kqi_simhash_word(pCtx, zWord, nWord);
    return 0;
}

int
kqi_simhash_text(kq_analyzer *pA, const char *z, size_t n, u64 *pSig)
{
    kqi_simhash s;
    kqi_simhash_init(&s);
    *pSig = 0;
    int rc = KQ_OK;
    if (n > 0) {
        rc = kq_analyze(pA, KQ_ANALYZE_NOSTEM, z, n, 0, NULL, &s, text_word);
    }
    if (rc == KQ_OK) {
        *pSig = kqi_simhash_final(&s);
    }
    return rc;
}
