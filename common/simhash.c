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
** a word too long to be a term is not delivered and so not counted), each
** shingle hashed as the bytes "w1 w2 w3" (single spaces) by kqi_hash64()
** with seed KQI_SIG_SEED; a shingle that occurs twice counts twice.  A
** body of one or two words: its words as 1-shingles ("w1").  The title is
** left out on purpose: a wire copy under a new headline is still a copy.
**
** A body with no words has no signature, stored as 0; a computed 0 (all
** counters at or below 0: for a body of a few shingles about (3/4)^64,
** for longer ones about 2^-64) counts as none too.
**
** One implementation, used by the inverter (invert.c: the words on their
** way to the index), the Xapian backend and kq_index_check(): an
** independent one is tests/oracle/simhash.py.
*/
#include "kq_int.h"

#include <string.h>

void
kqi_simhash_init(kqi_simhash *p)
{
    memset(p->aV, 0, sizeof(p->aV));
    p->nWord = 0;
}

static void
add_feature(kqi_simhash *p, const char *z, size_t n)
{
    u64 h = kqi_hash64(z, n, KQI_SIG_SEED);
    for (int b = 0; b < 64; b++) {
        p->aV[b] += (int64_t)((h >> b) & 1) * 2 - 1;
    }
}

void
kqi_simhash_word(kqi_simhash *p, const char *z, size_t n)
{
    if (n > KQI_MAX_TERM) {
        return; /* (the analysis never delivers one) */
    }
    if (p->nWord >= 2) {
        /* Shingle: the two previous words and this one. */
        char a[KQI_SIG_SHINGLE];
        size_t i = p->nW[(p->nWord - 2) & 1];
        size_t j = p->nW[(p->nWord - 1) & 1];
        memcpy(a, p->aW[(p->nWord - 2) & 1], i);
        a[i] = ' ';
        memcpy(a + i + 1, p->aW[(p->nWord - 1) & 1], j);
        a[i + 1 + j] = ' ';
        memcpy(a + i + 2 + j, z, n);
        add_feature(p, a, i + j + 2 + n);
    }
    memcpy(p->aW[p->nWord & 1], z, n);
    p->nW[p->nWord & 1] = n;
    p->nWord++;
}

u64
kqi_simhash_final(kqi_simhash *p)
{
    if (p->nWord < 3) {
        for (u64 k = 0; k < p->nWord; k++) {
            add_feature(p, p->aW[k], p->nW[k]);
        }
    }
    u64 sig = 0;
    for (int b = 0; b < 64; b++) {
        if (p->aV[b] > 0) {
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
