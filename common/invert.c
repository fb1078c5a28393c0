/*
** invert.c -- in-memory inversion (SPIMI): documents in, term-sorted
** dict/post/pos files out.
**
** Each added document is analysed once, without stemming; each distinct
** word is stemmed once and remembered (a word -> term table, which is also
** the segment's vocabulary for prefix queries, see dict.c).  Terms go into
** a hash table from term to a growing byte string of postings.  The writer
** (writer.c) runs one inverter, or one per thread with -j N, and writes
** their tables out -- merged, when there are several -- as runs or as the
** segment's files.
**
** In-memory postings of a term, per document:
**     varint: docid - previous docid (the first: docid)
**     varint: tf
**     tf varints: positions, the first as is, then gaps - 1
*/
#include "kq_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The key of a term or a word; first member of both, so one hash table
** routine serves the two tables. */
typedef struct wkey {
    char *z;
    u32 n;
    u32 hash;
} wkey;

/* Open addressing over an array of entries: each slot holds an entry's
** hash and its index + 1 (0 = empty), so a probe only touches an entry
** (and its key) when the hashes agree; at most half full. */
typedef struct hslot {
    u32 hash;
    u32 iEnt;
} hslot;

typedef struct htab {
    hslot *a;
    u32 nSlot;
} htab;

/* A slot of the word table, 32 bytes: looking up a token touches one
** slot and, for a word of up to WSLOT_INLINE bytes, nothing else (an
** entry and its key elsewhere were two more cache misses per token, a
** quarter of indexing time).  Longer words keep their word index in z[]
** and are compared through aWord. */
#define WSLOT_INLINE 23
typedef struct wslot {
    u32 hash;
    u32 iTerm1; /* term index + 1; 0 = empty slot */
    u8 n;       /* word length, or 0xff: longer, see above */
    char z[WSLOT_INLINE];
} wslot;

typedef struct wterm {
    wkey k;
    u32 lastDoc;
    u32 df;
    u32 iMark;   /* document being added + 1 when seen in it */
    u32 iLocal;  /* then: its index in the document's term list */
    u32 iTitle1; /* index + 1 of its title term T + term (0: none yet) */
    kq_buf post;
} wterm;

/* The field terms of the last value of a field (sources and dates repeat
** from one document to the next): replayed instead of analysed again. */
#define FMEMO_SLOTS 9 /* source, 8 extra fields */
#define FMEMO_MAXKEY 256
typedef struct fmemo {
    char aKey[FMEMO_MAXKEY];
    size_t nKey; /* 0: empty */
    u64 *aOcc;   /* term << 32 | position - the field's first */
    size_t nOcc, nAlloc;
    u32 nSpan; /* positions the field took */
} fmemo;

typedef struct wword {
    wkey k;
    u32 iTerm; /* its stem in aTerm */
} wword;

/* A term or word of one inverter, as kqi_inv_write() sorts them. */
typedef struct src {
    const wkey *k;
    u32 iInv;
    u32 iEnt;
} src;

struct kqi_inv {
    kq_analyzer *pA; /* its own: an analyzer has scratch buffers */
    wterm *aTerm;
    u32 nTerm, nTermAlloc;
    htab termTab;
    size_t nTermMem; /* bytes held by terms, words and postings */
    wword *aWord;    /* distinct unstemmed words */
    u32 nWord, nWordAlloc;
    wslot *aWordSlot; /* word -> term hash table (see word_term()) */
    u32 nWordSlot;
    u64 *aOcc; /* (term index << 32 | position) of the current doc */
    size_t nOcc, nOccAlloc;
    u32 *aScratch; /* per document: distinct terms, counts, positions */
    size_t nScratchAlloc;
    /* Field terms (kq_int.h, KQI_PFX_*) of the text being analysed: 0 for
    ** none (the body), KQI_PFX_TITLE to add T + term beside each term, or
    ** the prefix zPfx/nPfx (S, X name :) for a field indexed only under it. */
    char cField;
    char aPfx[KQI_MAX_KEY + 1];
    size_t nPfx;
    size_t nFieldOcc;  /* occurrences of field terms (not in the length) */
    u32 nTitleWeight;  /* BM25F: a title token counts this often in lengths */
    kq_analyzer *pAlt; /* a document in another language: its analyzer,
                       ** which stems every token (no word table) */
    fmemo aMemo[FMEMO_SLOTS];
    char aDateKey[16]; /* the last date, and its terms */
    size_t nDateKey;
    u32 aDateTerm[3];
    int nDateTerm;
    u32 iFieldPos;   /* next position for a field's text: one sequence
                     ** for all of a document's fields, so a term's
                     ** positions increase even when two fields share it */
    int bBody;       /* the body's words: also fed to sim */
    kqi_simhash sim; /* the document's signature (simhash.c) */
};

static u32
hash_term(const char *z, size_t n)
{
    /* Eight bytes a step (a byte-at-a-time FNV was a tenth of the word
    ** lookup), then a final mix (from splitmix64) so that the low bits the
    ** tables use depend on every byte. */
    u64 h = 0x9e3779b97f4a7c15ull ^ n;
    while (n >= 8) {
        u64 w;
        memcpy(&w, z, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 29;
        z += 8;
        n -= 8;
    }
    u64 w = 0;
    for (size_t i = 0; i < n; i++) {
        w |= (u64)(u8)z[i] << (8 * i);
    }
    h = (h ^ w) * 0x94d049bb133111ebull;
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (u32)h;
}

#define KEY_AT(aEnt, szEnt, i)                                                \
    ((const wkey *)(const void *)((const char *)(aEnt) +                      \
                                  (size_t)(i) * (szEnt)))

/* Short keys are compared inline: a call to memcmp() per token cost more
** than the comparison. */
static inline int
key_eq(const char *a, const char *b, size_t n)
{
    if (n > 16) {
        return memcmp(a, b, n) == 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

/* Find the slot of key z[0..n) in h, whose entries are the nEnt entries of
** szEnt bytes at aEnt (each starting with a wkey).  (*ppSlot)->iEnt holds
** the entry's index + 1, or 0 where a new entry for the key goes (the
** caller then fills the slot).  Grows the table first when a new entry
** could make it more than half full. */
static int
htab_find(kqi_inv *p, htab *h, const void *aEnt, size_t szEnt, u32 nEnt,
          const char *z, size_t n, u32 hash, hslot **ppSlot)
{
    if ((nEnt + 1) * 2 > h->nSlot) {
        u32 nNew = h->nSlot ? h->nSlot * 2 : 4096;
        hslot *a = calloc(nNew, sizeof(hslot));
        if (a == NULL) {
            return KQ_NOMEM;
        }
        for (u32 i = 0; i < nEnt; i++) {
            u32 hh = KEY_AT(aEnt, szEnt, i)->hash;
            u32 k = hh & (nNew - 1);
            while (a[k].iEnt) {
                k = (k + 1) & (nNew - 1);
            }
            a[k].hash = hh;
            a[k].iEnt = i + 1;
        }
        free(h->a);
        p->nTermMem += (size_t)(nNew - h->nSlot) * sizeof(hslot);
        h->a = a;
        h->nSlot = nNew;
    }
    u32 k = hash & (h->nSlot - 1);
    while (h->a[k].iEnt) {
        if (h->a[k].hash == hash) {
            const wkey *e = KEY_AT(aEnt, szEnt, h->a[k].iEnt - 1);
            if (e->n == n && key_eq(e->z, z, n)) {
                break;
            }
        }
        k = (k + 1) & (h->nSlot - 1);
    }
    *ppSlot = &h->a[k];
    return KQ_OK;
}

/* Make room for one more entry in *paEnt (of *pnAlloc). */
static int
grow_array(kqi_inv *p, void **paEnt, size_t szEnt, u32 nEnt, u32 *pnAlloc)
{
    if (nEnt < *pnAlloc) {
        return KQ_OK;
    }
    u32 nNew = *pnAlloc ? *pnAlloc * 2 : 4096;
    void *a = realloc(*paEnt, nNew * szEnt);
    if (a == NULL) {
        return KQ_NOMEM;
    }
    p->nTermMem += (size_t)(nNew - *pnAlloc) * szEnt;
    *paEnt = a;
    *pnAlloc = nNew;
    return KQ_OK;
}

static int
key_init(kqi_inv *p, wkey *k, const char *z, size_t n, u32 hash)
{
    k->z = malloc(n);
    if (k->z == NULL) {
        return KQ_NOMEM;
    }
    memcpy(k->z, z, n);
    k->n = (u32)n;
    k->hash = hash;
    p->nTermMem += n + 16;
    return KQ_OK;
}

/* The index of term z[0..n) in the table, adding it if new. */
static int
term_find(kqi_inv *p, const char *z, size_t n, u32 *piTerm)
{
    u32 hash = hash_term(z, n);
    hslot *pSlot;
    if (htab_find(p, &p->termTab, p->aTerm, sizeof(wterm), p->nTerm, z, n,
                  hash, &pSlot) ||
        grow_array(p, (void **)&p->aTerm, sizeof(wterm), p->nTerm,
                   &p->nTermAlloc)) {
        return KQ_NOMEM;
    }
    if (pSlot->iEnt == 0) {
        wterm *t = &p->aTerm[p->nTerm];
        memset(t, 0, sizeof(*t));
        if (key_init(p, &t->k, z, n, hash)) {
            return KQ_NOMEM;
        }
        pSlot->hash = hash;
        pSlot->iEnt = ++p->nTerm;
    }
    *piTerm = pSlot->iEnt - 1;
    return KQ_OK;
}

/* The term index of the stem of word z[0..n), whose kqi_sig_word() hash
** is hWord (the table's key: the signature needs it too, and one hash a
** token is cheaper than two); the stemmer runs once per distinct word.
** KQ_NOTFOUND if the word is not indexed. */
static int
word_term(kqi_inv *p, const char *z, size_t n, u64 hWord, u32 *piTerm)
{
    u32 hash = (u32)hWord;
    if ((p->nWord + 1) * 2 > p->nWordSlot) {
        /* Grow: slots carry their hash, so they move without the words. */
        u32 nNew = p->nWordSlot ? p->nWordSlot * 2 : 4096;
        wslot *a = calloc(nNew, sizeof(wslot));
        if (a == NULL) {
            return KQ_NOMEM;
        }
        for (u32 i = 0; i < p->nWordSlot; i++) {
            if (p->aWordSlot[i].iTerm1) {
                u32 k = p->aWordSlot[i].hash & (nNew - 1);
                while (a[k].iTerm1) {
                    k = (k + 1) & (nNew - 1);
                }
                a[k] = p->aWordSlot[i];
            }
        }
        free(p->aWordSlot);
        p->nTermMem += (size_t)(nNew - p->nWordSlot) * sizeof(wslot);
        p->aWordSlot = a;
        p->nWordSlot = nNew;
    }
    u32 mask = p->nWordSlot - 1;
    u32 k = hash & mask;
    wslot *pSlot;
    for (;; k = (k + 1) & mask) {
        pSlot = &p->aWordSlot[k];
        if (pSlot->iTerm1 == 0) {
            break;
        }
        if (pSlot->hash != hash) {
            continue;
        }
        if (n <= WSLOT_INLINE) {
            if (pSlot->n == n && key_eq(pSlot->z, z, n)) {
                *piTerm = pSlot->iTerm1 - 1;
                return KQ_OK;
            }
        } else if (pSlot->n == 0xff) {
            u32 iWord;
            memcpy(&iWord, pSlot->z, sizeof(iWord));
            const wkey *e = &p->aWord[iWord].k;
            if (e->n == n && memcmp(e->z, z, n) == 0) {
                *piTerm = pSlot->iTerm1 - 1;
                return KQ_OK;
            }
        }
    }
    /* A new word: stemmed once, here. */
    const char *zStem;
    size_t nStem;
    int rc = kq_stem(p->pA, z, n, &zStem, &nStem);
    if (rc) {
        return rc;
    }
    u32 iTerm;
    if (term_find(p, zStem, nStem, &iTerm) ||
        grow_array(p, (void **)&p->aWord, sizeof(wword), p->nWord,
                   &p->nWordAlloc)) {
        return KQ_NOMEM;
    }
    wword *w = &p->aWord[p->nWord];
    if (key_init(p, &w->k, z, n, hash)) {
        return KQ_NOMEM;
    }
    w->iTerm = iTerm;
    pSlot->hash = hash;
    pSlot->iTerm1 = iTerm + 1;
    if (n <= WSLOT_INLINE) {
        pSlot->n = (u8)n;
        memcpy(pSlot->z, z, n);
    } else {
        pSlot->n = 0xff;
        memcpy(pSlot->z, &p->nWord, sizeof(p->nWord));
    }
    p->nWord++;
    *piTerm = iTerm;
    return KQ_OK;
}

static int
add_occ(kqi_inv *p, u32 iTerm, u32 iPos)
{
    if (p->nOcc == p->nOccAlloc) {
        size_t nNew = p->nOccAlloc ? p->nOccAlloc * 2 : 1024;
        u64 *a = realloc(p->aOcc, nNew * sizeof(u64));
        if (a == NULL) {
            return KQ_NOMEM;
        }
        p->aOcc = a;
        p->nOccAlloc = nNew;
    }
    p->aOcc[p->nOcc++] = ((u64)iTerm << 32) | iPos;
    return 0;
}

/* An occurrence of the field term prefix + z[0..n) (too long: none). */
static int
add_field_occ(kqi_inv *p, const char *zPfx, size_t nPfx, const char *z,
              size_t n, u32 iPos)
{
    char aKey[KQI_MAX_KEY];
    if (nPfx + n > sizeof(aKey)) {
        return 0; /* a field name longer than any the writer accepts */
    }
    memcpy(aKey, zPfx, nPfx);
    memcpy(aKey + nPfx, z, n);
    u32 iTerm;
    if (term_find(p, aKey, nPfx + n, &iTerm)) {
        return KQ_NOMEM;
    }
    p->nFieldOcc++;
    return add_occ(p, iTerm, iPos);
}

static int
token_cb(void *pCtx, const char *zWord, size_t nWord, uint32_t iPos,
         size_t iStart, size_t iEnd)
{
    kqi_inv *p = pCtx;
    u32 iTerm;
    int rc;
    u64 hWord = kqi_sig_word(zWord, nWord);
    if (p->bBody) {
        kqi_simhash_hash(&p->sim, hWord);
    }
    if (p->nPfx) {
        /* A source or extra field: only its prefixed term, so the word's
        ** stem is not a term of the text (nor a vocabulary entry). */
        const char *zStem;
        size_t nStem;
        rc = kq_stem(p->pAlt ? p->pAlt : p->pA, zWord, nWord, &zStem, &nStem);
        if (rc == KQ_NOTFOUND) {
            return 0;
        }
        return rc ? KQ_NOMEM
                  : add_field_occ(p, p->aPfx, p->nPfx, zStem, nStem, iPos);
    }
    if (p->pAlt) {
        /* Another language than the index's: stemmed on its own, and not
        ** put in the vocabulary (which maps words to this language's
        ** stems). */
        const char *zStem;
        size_t nStem;
        rc = kq_stem(p->pAlt, zWord, nWord, &zStem, &nStem);
        if (rc == KQ_NOTFOUND) {
            return 0;
        }
        if (rc == KQ_OK) {
            rc = term_find(p, zStem, nStem, &iTerm);
        }
    } else {
        rc = word_term(p, zWord, nWord, hWord, &iTerm);
    }
    if (rc == KQ_NOTFOUND) {
        return 0;
    }
    if (rc || add_occ(p, iTerm, iPos)) {
        return KQ_NOMEM;
    }
    if (p->cField == KQI_PFX_TITLE) {
        /* The title's words are also indexed as T + term at the same
        ** positions, for title: queries. */
        wterm *t = &p->aTerm[iTerm];
        if (t->iTitle1 == 0) {
            char aKey[KQI_MAX_KEY];
            u32 iT;
            if (t->k.n + 1 > sizeof(aKey)) {
                return 0; /* (cannot be: terms are KQI_MAX_TERM long) */
            }
            aKey[0] = KQI_PFX_TITLE;
            memcpy(aKey + 1, t->k.z, t->k.n);
            if (term_find(p, aKey, t->k.n + 1, &iT)) {
                return KQ_NOMEM;
            }
            /* (term_find may have moved aTerm.) */
            p->aTerm[iTerm].iTitle1 = iT + 1;
        }
        p->nFieldOcc++;
        return add_occ(p, p->aTerm[iTerm].iTitle1 - 1, iPos);
    }
    return 0;
}

/* Append the current document's occurrences (p->aOcc, in text order) to
** the postings of their terms.  A counting sort groups them by term in
** linear time: the positions of each term stay in text order, and the order
** of the terms does not matter since each has its own postings. */
#define INV_AHEAD 8

static int
invert_doc(kqi_inv *p, u32 iDoc)
{
    size_t nOcc = p->nOcc;
    if (nOcc == 0) {
        return KQ_OK;
    }
    /* aScratch: aDist[nOcc] | aCnt[nOcc] | aPos[nOcc] */
    if (nOcc * 3 > p->nScratchAlloc) {
        size_t nNew = nOcc * 3 * 2;
        u32 *a = realloc(p->aScratch, nNew * sizeof(u32));
        if (a == NULL) {
            return KQ_NOMEM;
        }
        p->aScratch = a;
        p->nScratchAlloc = nNew;
    }
    u32 *aDist = p->aScratch, *aCnt = aDist + nOcc, *aPos = aCnt + nOcc;
    /* Docids increase, so iDoc + 1 is a fresh mark for every document. */
    u32 iMark = iDoc + 1, nDist = 0;
    /* The terms' entries, and below their postings' ends, are fetched
    ** INV_AHEAD ahead: each is a cache miss for any but frequent terms,
    ** and taken in turn they were a sixth of the indexing time. */
    for (size_t i = 0; i < nOcc; i++) {
        if (i + INV_AHEAD < nOcc) {
            __builtin_prefetch(&p->aTerm[(u32)(p->aOcc[i + INV_AHEAD] >> 32)]);
        }
        wterm *t = &p->aTerm[(u32)(p->aOcc[i] >> 32)];
        if (t->iMark != iMark) {
            t->iMark = iMark;
            t->iLocal = nDist;
            aDist[nDist] = (u32)(p->aOcc[i] >> 32);
            aCnt[nDist++] = 0;
        }
        aCnt[t->iLocal]++;
    }
    /* aCnt becomes each term's start in aPos, then its end. */
    u32 nSum = 0;
    for (u32 k = 0; k < nDist; k++) {
        u32 c = aCnt[k];
        aCnt[k] = nSum;
        nSum += c;
    }
    for (size_t i = 0; i < nOcc; i++) {
        wterm *t = &p->aTerm[(u32)(p->aOcc[i] >> 32)];
        aPos[aCnt[t->iLocal]++] = (u32)p->aOcc[i];
    }
    u32 iStart = 0;
    for (u32 k = 0; k < nDist; k++) {
        if (k + INV_AHEAD < nDist) {
            const wterm *u = &p->aTerm[aDist[k + INV_AHEAD]];
            if (u->post.a) {
                __builtin_prefetch(u->post.a + u->post.n, 1);
            }
        }
        wterm *t = &p->aTerm[aDist[k]];
        u32 iEnd = aCnt[k];
        size_t nBefore = t->post.nAlloc;
        /* At most 5 bytes a varint: docid gap, tf, positions. */
        if (kqi_buf_reserve(&t->post, (size_t)(iEnd - iStart + 2) * 5)) {
            return KQ_NOMEM;
        }
        u8 *o = t->post.a + t->post.n;
        o += kqi_varint_put(o, t->df ? iDoc - t->lastDoc : iDoc);
        o += kqi_varint_put(o, iEnd - iStart);
        u32 prev = 0;
        for (u32 j = iStart; j < iEnd; j++) {
            o += kqi_varint_put(o, j == iStart ? aPos[j] : aPos[j] - prev - 1);
            prev = aPos[j];
        }
        t->post.n = (size_t)(o - t->post.a);
        p->nTermMem += t->post.nAlloc - nBefore;
        t->lastDoc = iDoc;
        t->df++;
        iStart = iEnd;
    }
    return KQ_OK;
}

int
kqi_inv_new(const char *zLang, u32 nTitleWeight, kqi_inv **ppOut)
{
    *ppOut = NULL;
    kqi_inv *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return KQ_NOMEM;
    }
    p->nTitleWeight = nTitleWeight ? nTitleWeight : 1;
    int rc = kq_analyzer_new(zLang, &p->pA);
    if (rc) {
        free(p);
        return rc;
    }
    *ppOut = p;
    return KQ_OK;
}

void
kqi_inv_clear(kqi_inv *p)
{
    for (u32 i = 0; i < p->nTerm; i++) {
        free(p->aTerm[i].k.z);
        kq_buf_free(&p->aTerm[i].post);
    }
    free(p->aTerm);
    free(p->termTab.a);
    p->aTerm = NULL;
    memset(&p->termTab, 0, sizeof(p->termTab));
    p->nTerm = p->nTermAlloc = 0;
    for (u32 i = 0; i < p->nWord; i++) {
        free(p->aWord[i].k.z);
    }
    free(p->aWord);
    free(p->aWordSlot);
    p->aWord = NULL;
    p->aWordSlot = NULL;
    p->nWordSlot = 0;
    p->nWord = p->nWordAlloc = 0;
    p->nTermMem = 0;
    /* Term numbers start again: the memos name old ones. */
    for (int i = 0; i < FMEMO_SLOTS; i++) {
        p->aMemo[i].nKey = 0;
    }
    p->nDateKey = 0;
}

void
kqi_inv_free(kqi_inv *p)
{
    if (p) {
        kqi_inv_clear(p);
        free(p->aOcc);
        free(p->aScratch);
        kq_analyzer_free(p->pA);
        for (int i = 0; i < FMEMO_SLOTS; i++) {
            free(p->aMemo[i].aOcc);
        }
        free(p);
    }
}

int
kqi_inv_empty(const kqi_inv *p)
{
    return p->nTerm == 0;
}

size_t
kqi_inv_memory(const kqi_inv *p)
{
    /* Besides what the tables hold: about 32 bytes a term or word that the
    ** allocator keeps around its blocks, and the 16-byte entry each gets in
    ** the sort when the table is written out (which happens while the
    ** table is still here). */
    return p->nTermMem + p->nOccAlloc * sizeof(u64) +
           p->nScratchAlloc * sizeof(u32) +
           ((size_t)p->nTerm + p->nWord) * (32 + sizeof(src));
}

/* The analyzer for language zLang, or NULL in *ppOut if it is the index's
** own.  KQ_NOTFOUND for a language Snowball does not have. */
static int
lang_analyzer(kqi_inv *p, const char *zLang, size_t nLang, kq_analyzer **ppOut)
{
    int rc = kqi_analyzer_lang_get(p->pA, zLang, nLang, ppOut);
    if (*ppOut == p->pA) {
        *ppOut = NULL;
    }
    return rc;
}

/* Analyse z[0..n) as a field indexed only under the prefix zPfx/nPfx. */
static int
add_field_text(kqi_inv *p, const char *zPfx, size_t nPfx, const char *z,
               size_t n, int iSlot)
{
    if (nPfx > KQI_MAX_KEY || n == 0) {
        return KQ_OK;
    }
    /* The same value as the last document's: its terms again. */
    fmemo *m = iSlot < FMEMO_SLOTS && p->pAlt == NULL &&
                       nPfx + n <= FMEMO_MAXKEY
                   ? &p->aMemo[iSlot]
                   : NULL;
    if (m && m->nKey == nPfx + n && memcmp(m->aKey, zPfx, nPfx) == 0 &&
        memcmp(m->aKey + nPfx, z, n) == 0) {
        for (size_t i = 0; i < m->nOcc; i++) {
            if (add_occ(p, (u32)(m->aOcc[i] >> 32),
                        p->iFieldPos + (u32)m->aOcc[i])) {
                return KQ_NOMEM;
            }
        }
        p->nFieldOcc += m->nOcc;
        p->iFieldPos += m->nSpan + KQI_TITLE_GAP;
        return KQ_OK;
    }
    memcpy(p->aPfx, zPfx, nPfx);
    p->nPfx = nPfx;
    u32 iStart = p->iFieldPos, iEnd = p->iFieldPos;
    size_t nOcc0 = p->nOcc;
    int rc = kq_analyze(p->pAlt ? p->pAlt : p->pA, KQ_ANALYZE_NOSTEM, z, n,
                        p->iFieldPos, &iEnd, p, token_cb);
    p->iFieldPos = iEnd + KQI_TITLE_GAP;
    p->nPfx = 0;
    if (rc == KQ_OK && m) {
        size_t k = p->nOcc - nOcc0;
        m->nKey = 0;
        if (k > m->nAlloc) {
            u64 *a = realloc(m->aOcc, sizeof(u64) * k);
            if (a == NULL) {
                return KQ_OK; /* no memo this time */
            }
            m->aOcc = a;
            m->nAlloc = k;
        }
        for (size_t i = 0; i < k; i++) {
            u64 o = p->aOcc[nOcc0 + i];
            m->aOcc[i] = (o & 0xffffffff00000000ull) | ((u32)o - iStart);
        }
        m->nOcc = k;
        m->nSpan = iEnd - iStart;
        memcpy(m->aKey, zPfx, nPfx);
        memcpy(m->aKey + nPfx, z, n);
        m->nKey = nPfx + n;
    }
    return rc;
}

/* The date terms of zDate (the last date's are remembered). */
static int
add_date(kqi_inv *p, const char *zDate, size_t nDate)
{
    if (zDate == NULL || nDate == 0) {
        return KQ_OK;
    }
    if (nDate != p->nDateKey || memcmp(zDate, p->aDateKey, nDate) != 0) {
        char aDate[3][12];
        p->nDateKey = 0;
        p->nDateTerm = kqi_date_terms(zDate, nDate, aDate);
        for (int i = 0; i < p->nDateTerm; i++) {
            char aKey[16];
            size_t n = strlen(aDate[i]);
            aKey[0] = KQI_PFX_DATE;
            memcpy(aKey + 1, aDate[i], n);
            if (term_find(p, aKey, n + 1, &p->aDateTerm[i])) {
                return KQ_NOMEM;
            }
        }
        if (nDate <= sizeof(p->aDateKey)) {
            memcpy(p->aDateKey, zDate, nDate);
            p->nDateKey = nDate;
        }
    }
    for (int i = 0; i < p->nDateTerm; i++) {
        if (add_occ(p, p->aDateTerm[i], 0)) {
            return KQ_NOMEM;
        }
        p->nFieldOcc++;
    }
    return KQ_OK;
}

/* The language term (KQI_PFX_LANG) of a document in language zLang. */
static int
add_lang(kqi_inv *p, const char *zLang)
{
    char aKey[1 + KQI_MAX_LANG];
    size_t n = strlen(zLang);
    u32 iTerm;
    aKey[0] = KQI_PFX_LANG;
    memcpy(aKey + 1, zLang, n);
    if (term_find(p, aKey, n + 1, &iTerm) || add_occ(p, iTerm, 0)) {
        return KQ_NOMEM;
    }
    return KQ_OK;
}

int
kqi_inv_add(kqi_inv *p, u32 iDoc, const kq_doc *d, u32 *pnLen, u32 *pnTok,
            u64 *pSig)
{
    *pSig = 0;
    kqi_simhash_init(&p->sim);
    p->nOcc = 0;
    p->nFieldOcc = 0;
    p->iFieldPos = 0;
    p->pAlt = NULL;
    if (d->zLang && d->nLang) {
        int rc = lang_analyzer(p, d->zLang, d->nLang, &p->pAlt);
        if (rc) {
            return rc;
        }
    }
    u32 iPos = 0;
    kq_analyzer *pA = p->pAlt ? p->pAlt : p->pA;
    p->cField = KQI_PFX_TITLE;
    int rc = kq_analyze(pA, KQ_ANALYZE_NOSTEM, d->zTitle ? d->zTitle : "",
                        d->nTitle, 0, &iPos, p, token_cb);
    p->cField = 0;
    /* The title's length for BM25F: its words that have a title term. */
    size_t nTitle = p->nFieldOcc;
    if (rc == KQ_OK && d->nBody) {
        p->bBody = 1;
        rc = kq_analyze(pA, KQ_ANALYZE_NOSTEM, d->zBody, d->nBody,
                        iPos + KQI_TITLE_GAP, NULL, p, token_cb);
        p->bBody = 0;
    }
    if (rc == KQ_OK) {
        *pSig = kqi_simhash_final(&p->sim);
    }
    size_t nText = p->nOcc - p->nFieldOcc;
    if (rc == KQ_OK) {
        char c = KQI_PFX_SOURCE;
        rc = add_field_text(p, &c, 1, d->zSource, d->nSource, 0);
    }
    for (int i = 0; rc == KQ_OK && i < d->nField; i++) {
        const kq_field *f = &d->aField[i];
        char aPfx[KQI_MAX_KEY + 2];
        if (f->nName + 2 > KQI_MAX_KEY) {
            continue;
        }
        aPfx[0] = KQI_PFX_EXTRA;
        memcpy(aPfx + 1, f->zName, f->nName);
        aPfx[f->nName + 1] = ':';
        rc = add_field_text(p, aPfx, f->nName + 2, f->zValue, f->nValue,
                            i + 1);
    }
    if (rc == KQ_OK) {
        rc = add_date(p, d->zDate, d->nDate);
    }
    if (rc == KQ_OK) {
        rc = add_lang(p, kq_analyzer_lang(pA));
    }
    if (rc == KQ_OK) {
        rc = invert_doc(p, iDoc);
    }
    /* (Saturated: a document of 4G tokens is not one anybody indexes, but
    ** a length must not wrap to a small number.) */
    u64 nLen = (u64)nText + (u64)(p->nTitleWeight - 1) * nTitle;
    *pnTok = nText > 0xffffffffu ? 0xffffffffu : (u32)nText;
    *pnLen = nLen > 0xffffffffu ? 0xffffffffu : (u32)nLen;
    /* KQ_IOERR: the analysis could not load ICU (icu.c); else memory. */
    return rc == KQ_IOERR ? rc : rc ? KQ_NOMEM : KQ_OK;
}

static int
key_cmp(const wkey *x, const wkey *y)
{
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->z, y->z, n);
    return c ? c : (int)x->n - (int)y->n;
}

/**************************************************************************
** Writing tables out, sorted by term: one inverter's, or several merged.
*/

static int
cmp_src(const void *a, const void *b)
{
    const src *x = a, *y = b;
    int c = key_cmp(x->k, y->k);
    return c ? c : (x->iInv < y->iInv ? -1 : x->iInv > y->iInv);
}

/* A cursor over one inverter's in-memory postings of a term. */
typedef struct mcur {
    const u8 *a, *end;
    u32 nLeft; /* postings not yet read */
    u32 iDoc;  /* current docid (KQ_DOCID_EOF: done) */
    u32 *aPos;
    u32 nPos, nPosAlloc;
    int bFirst;
} mcur;

/* Read the next posting.  Our own bytes: a failure is a bug (KQ_MISUSE). */
static int
mcur_next(mcur *c)
{
    if (c->nLeft == 0) {
        c->iDoc = KQ_DOCID_EOF;
        return KQ_OK;
    }
    c->nLeft--;
    u64 d, tf, v;
    if (kqi_varint_get(&c->a, c->end, &d) ||
        kqi_varint_get(&c->a, c->end, &tf)) {
        return KQ_MISUSE;
    }
    c->iDoc = c->bFirst ? (u32)d : c->iDoc + (u32)d;
    c->bFirst = 0;
    if (tf > c->nPosAlloc) {
        u32 *x = realloc(c->aPos, sizeof(u32) * tf);
        if (x == NULL) {
            return KQ_NOMEM;
        }
        c->aPos = x;
        c->nPosAlloc = (u32)tf;
    }
    for (u64 i = 0; i < tf; i++) {
        if (kqi_varint_get(&c->a, c->end, &v)) {
            return KQ_MISUSE;
        }
        c->aPos[i] = i ? c->aPos[i - 1] + 1 + (u32)v : (u32)v;
    }
    c->nPos = (u32)tf;
    return KQ_OK;
}

/* A contiguous range of the sorted terms, written by one thread: the
** first range straight into the segment's files, the others into files of
** their own that are appended afterwards (see kqi_inv_write()). */
typedef struct wpart {
    kqi_inv *const *aInv;
    int nInv;
    const src *a;         /* all terms, sorted */
    const size_t *aGroup; /* group g (one term) is a[aGroup[g]..aGroup[g+1]) */
    size_t iG0, iG1;      /* this part's groups */
    kqi_plw *pPlw;
    kqi_dictw *pDict;    /* the first part adds its entries directly; */
    kqi_termloc *aLoc;   /* the others keep them here (offsets relative) */
    kqi_wfile post, pos; /* the others' own files */
    char *azTmp[2];
    pthread_t th;
    int bThread;
    int rc;
    char *zErr;
} wpart;

/* Write the terms of part w: each term's postings from every inverter that
** has it, merged by docid. */
static int
write_terms(wpart *w)
{
    mcur *aCur = calloc((size_t)w->nInv, sizeof(mcur));
    if (aCur == NULL) {
        return KQ_NOMEM;
    }
    int rc = KQ_OK;
    for (size_t g = w->iG0; rc == KQ_OK && g < w->iG1; g++) {
        size_t k = w->aGroup[g], kEnd = w->aGroup[g + 1];
        int nCur = (int)(kEnd - k);
        for (int c = 0; c < nCur; c++) {
            const wterm *t =
                &w->aInv[w->a[k + c].iInv]->aTerm[w->a[k + c].iEnt];
            aCur[c].a = t->post.a;
            aCur[c].end = t->post.a + t->post.n;
            aCur[c].nLeft = t->df;
            aCur[c].bFirst = 1;
            if (rc == KQ_OK) {
                rc = mcur_next(&aCur[c]);
            }
        }
        kqi_plw_begin(w->pPlw);
        while (rc == KQ_OK) {
            int m = -1;
            for (int c = 0; c < nCur; c++) {
                if (aCur[c].iDoc != KQ_DOCID_EOF &&
                    (m < 0 || aCur[c].iDoc < aCur[m].iDoc)) {
                    m = c;
                }
            }
            if (m < 0) {
                break;
            }
            rc = kqi_plw_add(w->pPlw, aCur[m].iDoc, aCur[m].aPos,
                             aCur[m].nPos);
            if (rc == KQ_OK) {
                rc = mcur_next(&aCur[m]);
            }
        }
        kqi_termloc loc;
        if (rc == KQ_OK) {
            rc = kqi_plw_end(w->pPlw, &loc);
        }
        if (rc == KQ_OK && w->pDict) {
            rc = kqi_dictw_add(w->pDict, w->a[k].k->z, w->a[k].k->n, &loc,
                               NULL, 0);
        } else if (rc == KQ_OK) {
            w->aLoc[g - w->iG0] = loc;
        }
    }
    for (int c = 0; c < w->nInv; c++) {
        free(aCur[c].aPos);
    }
    free(aCur);
    return rc;
}

static void *
part_main(void *pArg)
{
    wpart *w = pArg;
    w->rc = write_terms(w);
    return NULL;
}

/* Append the file zPath to f, then delete it. */
static int
append_file(kqi_wfile *f, const char *zPath, char **pzErr)
{
    int fd;
    int rc = kqi_file_open(zPath, O_RDONLY, &fd, pzErr);
    if (rc) {
        return rc;
    }
    enum { CHUNK = 1 << 20 };
    u8 *aBuf = malloc(CHUNK);
    rc = aBuf ? KQ_OK : KQ_NOMEM;
    while (rc == KQ_OK) {
        ssize_t n = read(fd, aBuf, CHUNK);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = kqi_err(pzErr, KQ_IOERR, "%s: cannot read: %s", zPath,
                         strerror(errno));
        } else if (n == 0) {
            break;
        } else {
            kqi_wfile_write(f, aBuf, (size_t)n);
            rc = f->rc;
        }
    }
    free(aBuf);
    close(fd);
    unlink(zPath);
    return rc;
}

/* Sorting the entries of several inverters: each inverter's run of
** entries (a[aOff[i]..aOff[i+1])) sorted on its own thread, then the runs
** merged.  Keys are unique within a run; equal keys of different runs come
** out in inverter order, as cmp_src() orders them. */
typedef struct srun {
    src *a;
    size_t n;
    pthread_t th;
    int bThread;
} srun;

static void *
sort_main(void *pArg)
{
    srun *r = pArg;
    qsort(r->a, r->n, sizeof(src), cmp_src);
    return NULL;
}

/* Sort a[0..n) (runs at aOff[0..nRun]) into *paOut (malloc()ed), or in
** place when there is one run (*paOut = a). */
static int
sort_runs(src *a, size_t n, const size_t *aOff, int nRun, src **paOut)
{
    *paOut = a;
    if (nRun <= 1) {
        qsort(a, n, sizeof(src), cmp_src);
        return KQ_OK;
    }
    srun aR[KQ_MAX_THREADS];
    for (int r = 0; r < nRun; r++) {
        aR[r].a = a + aOff[r];
        aR[r].n = aOff[r + 1] - aOff[r];
        aR[r].bThread = r > 0 && pthread_create(&aR[r].th, NULL, sort_main,
                                                &aR[r]) == 0;
        if (r > 0 && !aR[r].bThread) {
            sort_main(&aR[r]);
        }
    }
    sort_main(&aR[0]);
    for (int r = 1; r < nRun; r++) {
        if (aR[r].bThread) {
            pthread_join(aR[r].th, NULL);
        }
    }
    src *o = malloc(sizeof(src) * (n ? n : 1));
    if (o == NULL) {
        return KQ_NOMEM;
    }
    size_t aI[KQ_MAX_THREADS] = {0};
    for (size_t k = 0; k < n; k++) {
        int m = -1;
        for (int r = 0; r < nRun; r++) {
            if (aI[r] < aR[r].n &&
                (m < 0 || cmp_src(&aR[r].a[aI[r]], &aR[m].a[aI[m]]) < 0)) {
                m = r;
            }
        }
        o[k] = aR[m].a[aI[m]++];
    }
    *paOut = o;
    return KQ_OK;
}

int
kqi_inv_write(kqi_inv *const *aInv, int nInv, char *const azPath[3],
              const u8 *aLen, u32 nLen, u64 *pnTerm, kqi_segmeta *pMeta,
              char **pzErr)
{
    size_t nSrc = 0;
    for (int i = 0; i < nInv; i++) {
        nSrc += aInv[i]->nTerm > aInv[i]->nWord ? aInv[i]->nTerm
                                                : aInv[i]->nWord;
    }
    src *a = malloc(sizeof(src) * (nSrc ? nSrc : 1));
    size_t *aGroup = malloc(sizeof(size_t) * (nSrc + 1));
    wpart *aPart = calloc((size_t)nInv, sizeof(wpart));
    if (a == NULL || aGroup == NULL || aPart == NULL) {
        free(a);
        free(aGroup);
        free(aPart);
        return KQ_NOMEM;
    }
    kqi_listw lw;
    int rc = kqi_listw_open(&lw, azPath);
    if (lw.pPost) {
        kqi_plw_set_doclens(lw.pPost, aLen, nLen);
    }
    /* The vocabulary first (its keys sort first): every word met, with its
    ** stem -- also a word that is its own stem, so that the vocabulary
    ** tells the words (kq terms) from stems that are no word ("ceasefir").
    ** A word several inverters met is written once. */
    size_t n = 0;
    size_t aOff[KQ_MAX_THREADS + 1];
    for (int i = 0; i < nInv; i++) {
        const kqi_inv *p = aInv[i];
        aOff[i] = n;
        for (u32 w = 0; w < p->nWord; w++) {
            a[n].k = &p->aWord[w].k;
            a[n].iInv = (u32)i;
            a[n++].iEnt = w;
        }
    }
    aOff[nInv] = n;
    src *aS = a;
    if (rc == KQ_OK) {
        rc = sort_runs(a, n, aOff, nInv, &aS);
    }
    for (size_t k = 0; rc == KQ_OK && k < n; k++) {
        if (k > 0 && key_cmp(aS[k - 1].k, aS[k].k) == 0) {
            continue;
        }
        const kqi_inv *p = aInv[aS[k].iInv];
        const wword *w = &p->aWord[aS[k].iEnt];
        const wterm *t = &p->aTerm[w->iTerm];
        char aKey[KQI_MAX_KEY];
        aKey[0] = KQI_WORD_MARK;
        memcpy(aKey + 1, w->k.z, w->k.n);
        rc = kqi_dictw_add(lw.pDict, aKey, w->k.n + 1, NULL, t->k.z, t->k.n);
    }
    /* Then the terms, grouped: one group a term, its entries from every
    ** inverter that has it. */
    if (aS != a) {
        free(aS);
    }
    n = 0;
    for (int i = 0; i < nInv; i++) {
        aOff[i] = n;
        for (u32 t = 0; t < aInv[i]->nTerm; t++) {
            a[n].k = &aInv[i]->aTerm[t].k;
            a[n].iInv = (u32)i;
            a[n++].iEnt = t;
        }
    }
    aOff[nInv] = n;
    aS = a;
    if (rc == KQ_OK) {
        rc = sort_runs(a, n, aOff, nInv, &aS);
    }
    if (aS != a) {
        free(a);
        a = aS;
    }
    size_t nGroup = 0;
    u64 nCost = 0;
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || key_cmp(a[k - 1].k, a[k].k) != 0) {
            aGroup[nGroup++] = k;
        }
        nCost += aInv[a[k].iInv]->aTerm[a[k].iEnt].post.n;
    }
    aGroup[nGroup] = n;

    /* With several inverters (-j N, their threads idle now), the terms are
    ** cut into N ranges of about equal postings, written at the same time:
    ** the first into the segment's files, the others into files of their
    ** own, appended in order afterwards with their offsets moved.  The
    ** bytes are the same as one thread's. */
    int nPart = (nInv > 1 && nGroup >= 1024) ? nInv : 1;
    u64 nDone = 0;
    size_t g = 0;
    for (int k = 0; k < nPart; k++) {
        wpart *w = &aPart[k];
        w->aInv = aInv;
        w->nInv = nInv;
        w->a = a;
        w->aGroup = aGroup;
        w->iG0 = g;
        u64 nWant = nCost * (u64)(k + 1) / (u64)nPart;
        while (g < nGroup && (k == nPart - 1 || nDone < nWant)) {
            for (size_t j = aGroup[g]; j < aGroup[g + 1]; j++) {
                nDone += aInv[a[j].iInv]->aTerm[a[j].iEnt].post.n;
            }
            g++;
        }
        w->iG1 = g;
    }
    aPart[0].pPlw = lw.pPost;
    aPart[0].pDict = lw.pDict;
    for (int k = 1; rc == KQ_OK && k < nPart; k++) {
        wpart *w = &aPart[k];
        w->azTmp[0] = kq_mprintf("%s.part%d", azPath[1], k);
        w->azTmp[1] = kq_mprintf("%s.part%d", azPath[2], k);
        w->aLoc = malloc(sizeof(kqi_termloc) * (w->iG1 - w->iG0 + 1));
        if (w->azTmp[0] == NULL || w->azTmp[1] == NULL || w->aLoc == NULL) {
            rc = KQ_NOMEM;
            break;
        }
        kqi_wfile_open(&w->post, w->azTmp[0]);
        kqi_wfile_open(&w->pos, w->azTmp[1]);
        w->post.bNoSync = w->pos.bNoSync = 1; /* temporary */
        rc = w->post.rc ? w->post.rc : w->pos.rc;
        if (rc == KQ_OK) {
            rc = kqi_plw_new(&w->post, &w->pos, &w->pPlw);
        }
        if (rc == KQ_OK) {
            kqi_plw_set_doclens(w->pPlw, aLen, nLen);
            if (pthread_create(&w->th, NULL, part_main, w) == 0) {
                w->bThread = 1;
            } else {
                w->rc = write_terms(w); /* no thread: do it here */
            }
        }
    }
    if (rc == KQ_OK) {
        rc = write_terms(&aPart[0]);
    }
    for (int k = 1; k < nPart; k++) {
        wpart *w = &aPart[k];
        if (w->bThread) {
            pthread_join(w->th, NULL);
        }
        if (rc == KQ_OK) {
            rc = w->rc;
        }
        kqi_plw_free(w->pPlw);
        int rc2 = w->azTmp[0] ? kqi_wfile_close(&w->post, pzErr) : KQ_OK;
        int rc3 = w->azTmp[1] ? kqi_wfile_close(&w->pos, pzErr) : KQ_OK;
        if (rc == KQ_OK) {
            rc = rc2 ? rc2 : rc3;
        }
        /* Append this part after the ones before it. */
        u64 basePost = lw.aF[1].nOff, basePos = lw.aF[2].nOff;
        if (rc == KQ_OK) {
            rc = append_file(&lw.aF[1], w->azTmp[0], pzErr);
        }
        if (rc == KQ_OK) {
            rc = append_file(&lw.aF[2], w->azTmp[1], pzErr);
        }
        for (size_t j = w->iG0; rc == KQ_OK && j < w->iG1; j++) {
            kqi_termloc loc = w->aLoc[j - w->iG0];
            loc.postOff += basePost;
            loc.posOff += basePos;
            rc = kqi_dictw_add(lw.pDict, a[aGroup[j]].k->z, a[aGroup[j]].k->n,
                               &loc, NULL, 0);
        }
        for (int f = 0; f < 2; f++) {
            if (w->azTmp[f]) {
                unlink(w->azTmp[f]);
            }
            free(w->azTmp[f]);
        }
        free(w->aLoc);
    }
    free(aPart);
    free(aGroup);
    free(a);
    rc = kqi_listw_close(&lw, rc, pMeta, pnTerm, pzErr);
    if (rc && rc != KQ_IOERR) {
        kqi_err(pzErr, rc, "cannot write %s: %s", azPath[0], kq_errstr(rc));
    }
    return rc;
}
