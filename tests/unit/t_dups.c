/*
** t_dups.c -- near-duplicate signatures and clusters: kqi_simhash_text()
** against golden values from the independent tests/oracle/simhash.py
** (python3 -c 'import simhash; print("%016x" % simhash.signature(S))'
** in tests/oracle), the word limit (KQ_MAX_WORD bytes counted, one more
** not), and kq_dups_cluster() -- the block method and the all-pairs
** fallback -- against a brute-force union-find, at distances on both sides
** of KQ_DUPS_BLOCK_MAX_BITS; its limits (nBit 0..32,
** KQ_DUPS_MAX_ALLPAIRS).
**
** kq_index_dups() on an index of kq's own (several segments, two
** documents deleted; random bodies, planted copies: exact, title or case
** changed, words replaced, a span dropped, chains, one or two words, no
** words) against a brute force over every pair, with shingle sets made
** here as strings from kq_index_doc_tokens()' body words:
**   - the exact method (bExact 1): the same clusters and resemblances at
**     thresholds from KQ_DUPS_MIN_THRESHOLD to 1;
**   - the signature method (nMemory 1: bExact 0): the brute force over
**     the pairs at most kq_dups_bits(T) bits apart;
**   - the memory limit: 32 bytes a shingle of the sets passed is exact,
**     one byte less is not;
**   - kq_dups_bits() (0 at 1, non-increasing, -1 outside the range) and
**     the misuse kq_index_dups() refuses.
*/
#include "tharness.h"
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct golden {
    const char *z;
    uint64_t sig;
} golden;


/* The number in a document id "<letter><number>" (the id is not
** NUL-terminated: its bytes are followed by the record's). */
static int
id_number(const kq_docinfo *di)
{
    char z[32];
    snprintf(z, sizeof z, "%.*s", (int)di->nId, di->zId);
    return atoi(z + 1);
}

static void
test_golden(void **state)
{
    (void)state;
    static const golden a[] = {
        {"", 0},
        {"oil", 0x48038d6028f7d2c1ull},
        {"Oil prices", 0x4800092020258041ull},
        {"Oil prices rose sharply today", 0x41946654a65da3a9ull},
        {"OPEC ministers met in Vienna; oil prices rose 5% on Monday.",
         0xc8702fa8c61d20b9ull},
        /* a word of KQ_MAX_WORD bytes is a word; one more is none */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b c",
         0x9b0b46db73c6b2b1ull},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b "
         "c",
         0x2249020c405c0211ull},
        {"b c", 0x2249020c405c0211ull},
    };
    kq_analyzer *pA;
    assert_int_equal(kq_analyzer_new("english", &pA), KQ_OK);
    assert_int_equal(KQ_MAX_WORD, 64); /* (the golden values assume it) */
    for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
        uint64_t sig = 1;
        assert_int_equal(kqi_simhash_text(pA, a[i].z, strlen(a[i].z), &sig),
                         KQ_OK);
        th_check(sig == a[i].sig, "\"%s\": %016llx, want %016llx", a[i].z,
                 (unsigned long long)sig, (unsigned long long)a[i].sig);
    }
    kq_analyzer_free(pA);
}

/* Brute force: every pair, union-find with the lower index as root. */
static void
brute(const uint64_t *aSig, size_t n, int nBit, size_t *aRep)
{
    for (size_t i = 0; i < n; i++) {
        aRep[i] = i;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (aSig[i] && aSig[j] && kq_sig_distance(aSig[i], aSig[j]) <= nBit) {
                size_t a = i, b = j;
                while (aRep[a] != a) {
                    a = aRep[a];
                }
                while (aRep[b] != b) {
                    b = aRep[b];
                }
                if (a < b) {
                    aRep[b] = a;
                } else if (b < a) {
                    aRep[a] = b;
                }
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t a = i;
        while (aRep[a] != a) {
            a = aRep[a];
        }
        aRep[i] = a;
    }
}

static void
test_cluster(void **state)
{
    (void)state;
    enum { N = 3000 };
    uint64_t *aSig = malloc(N * sizeof(uint64_t));
    size_t *aRep = malloc(N * sizeof(size_t));
    size_t *aWant = malloc(N * sizeof(size_t));
    assert_non_null(aSig);
    assert_non_null(aRep);
    assert_non_null(aWant);
    for (int nBit = 0; nBit <= 12; nBit++) {
        th_rng r = th_rng_for("dups");
        /* Random signatures, and copies of earlier ones with 0 to 14 bits
        ** flipped, some exact, some none. */
        size_t nJoined = 0;
        for (size_t i = 0; i < N; i++) {
            uint64_t v = th_next(&r);
            if (i > 0 && v % 3 == 0) {
                uint64_t s = aSig[th_next(&r) % i];
                int nFlip = (int)(th_next(&r) % 15);
                for (int k = 0; k < nFlip; k++) {
                    s ^= (uint64_t)1 << (th_next(&r) % 64);
                }
                aSig[i] = s;
            } else {
                aSig[i] = v % 50 == 1 ? 0 : th_next(&r);
            }
        }
        char *zErr = NULL;
        assert_int_equal(kq_dups_cluster(aSig, N, nBit, aRep, &zErr), KQ_OK);
        brute(aSig, N, nBit, aWant);
        for (size_t i = 0; i < N; i++) {
            th_check(aRep[i] == aWant[i], "nBit %d: %zu in %zu, want %zu",
                     nBit, i, aRep[i], aWant[i]);
            nJoined += aRep[i] != i;
        }
        th_check(nJoined > 0, "nBit %d: nothing clustered", nBit);
    }
    free(aSig);
    free(aRep);
    free(aWant);
}

static void
test_limits(void **state)
{
    (void)state;
    size_t n = KQ_DUPS_MAX_ALLPAIRS + 1;
    uint64_t *aSig = malloc(n * sizeof(uint64_t));
    size_t *aRep = malloc(n * sizeof(size_t));
    assert_non_null(aSig);
    assert_non_null(aRep);
    th_rng r = th_rng_for("dups-limits");
    for (size_t i = 0; i < n; i++) {
        aSig[i] = th_next(&r) | 1; /* distinct (2^-64 apart), none 0 */
    }
    char *zErr = NULL;
    assert_int_equal(kq_dups_cluster(aSig, 4, -1, aRep, &zErr), KQ_MISUSE);
    free(zErr);
    zErr = NULL;
    assert_int_equal(kq_dups_cluster(aSig, 4, 33, aRep, &zErr), KQ_MISUSE);
    free(zErr);
    zErr = NULL;
    assert_int_equal(kq_dups_cluster(aSig, 4, 32, aRep, &zErr), KQ_OK);
    int nAll = KQ_DUPS_BLOCK_MAX_BITS + 1; /* every pair compared */
    /* At the limit, and one past it; the block method has none. */
    assert_int_equal(
        kq_dups_cluster(aSig, n - 1, nAll, aRep, &zErr), KQ_OK);
    assert_int_equal(kq_dups_cluster(aSig, n, nAll, aRep, &zErr), KQ_MISUSE);
    assert_non_null(zErr);
    free(zErr);
    zErr = NULL;
    assert_int_equal(kq_dups_cluster(aSig, n, KQ_DUPS_BLOCK_MAX_BITS, aRep,
                                     &zErr),
                     KQ_OK);
    /* Exact copies do not count against it: n copies of one signature. */
    for (size_t i = 0; i < n; i++) {
        aSig[i] = 42;
    }
    assert_int_equal(kq_dups_cluster(aSig, n, nAll, aRep, &zErr), KQ_OK);
    assert_int_equal(aRep[n - 1], 0);
    free(aSig);
    free(aRep);
}

/**************************************************************************
** kq_index_dups() on a small index of kq's own, against a brute force
** written from the definition (kq.h): every pair of the documents passed,
** their sets of distinct word 3-shingles made here as strings from the
** body tokens kq_index_doc_tokens(..., KQ_DOC_TOKENS_NOSTEM, ...) gives
** ("w1 w2 w3", single spaces; a body of one or two words: its words),
** joined when nInter >= T x nUnion; union-find, lowest index as root.
*/
#define NBASE 110  /* random bodies */
#define NDOCMAX 200 /* every document made */

static const char *const azVocab[] = {
    "oil",    "prices", "rose",   "fell",   "market", "shares",
    "bank",   "rates",  "trade",  "deficit", "export", "wheat",
    "corn",   "tanker", "port",   "strike", "union",  "wages",
    "budget", "tax",    "growth", "profit", "loss",   "dollar"};
#define NVOCAB ((int)(sizeof(azVocab) / sizeof(azVocab[0])))
/* Words no random body has: a word replaced by one makes new shingles. */
static const char *const azEdit[] = {"zebra", "quince", "yacht",
                                     "violin", "walrus", "xylem"};
#define NEDIT ((int)(sizeof(azEdit) / sizeof(azEdit[0])))

typedef struct ddoc {
    char zId[16];
    char *zTitle;
    char *zBody;
    int bNoWords; /* a body without words: no signature */
    int bDelete;  /* deleted after the commits, never passed */
    int iSame;    /* -1, or a document whose body has the same shingles */
    int iNear;    /* -1, or one a single replaced word away */
} ddoc;

static ddoc aDD[NDOCMAX];
static int nDD;
static char zDupsDir[64];

/* The documents passed: docid order, their signatures and shingles. */
typedef struct passed {
    size_t n;
    kq_docid aDoc[NDOCMAX];
    uint64_t aSig[NDOCMAX];
    int aSpec[NDOCMAX];    /* index into aDD */
    char **aaSh[NDOCMAX];  /* sorted distinct shingles */
    size_t anSh[NDOCMAX];
    uint32_t aInter[NDOCMAX][NDOCMAX];
    uint32_t aUnion[NDOCMAX][NDOCMAX];
} passed;
static passed P;

static char *
dup_str(const char *z)
{
    char *zOut = strdup(z);
    assert_non_null(zOut);
    return zOut;
}

/* Split z at spaces into a malloc'd array of malloc'd words. */
static int
split_words(const char *z, char ***paw)
{
    char *zCopy = dup_str(z), *zSave = NULL;
    char **aw = malloc((strlen(z) / 2 + 2) * sizeof(char *));
    assert_non_null(aw);
    int n = 0;
    for (char *w = strtok_r(zCopy, " ", &zSave); w;
         w = strtok_r(NULL, " ", &zSave)) {
        aw[n++] = dup_str(w);
    }
    free(zCopy);
    *paw = aw;
    return n;
}

static char *
join_words(char **aw, int n)
{
    char *z = NULL;
    size_t nz = 0;
    th_cat(&z, &nz, "%s", "");
    for (int i = 0; i < n; i++) {
        th_cat(&z, &nz, "%s%s", i ? " " : "", aw[i]);
    }
    return z;
}

static void
free_words(char **aw, int n)
{
    for (int i = 0; i < n; i++) {
        free(aw[i]);
    }
    free(aw);
}

static char *
random_words(th_rng *r, int n)
{
    char *z = NULL;
    size_t nz = 0;
    th_cat(&z, &nz, "%s", "");
    for (int i = 0; i < n; i++) {
        th_cat(&z, &nz, "%s%s", i ? " " : "",
               azVocab[th_range(r, 0, NVOCAB - 1)]);
    }
    return z;
}

static int
add_spec(char *zTitle, char *zBody)
{
    assert_true(nDD < NDOCMAX);
    ddoc *d = &aDD[nDD];
    memset(d, 0, sizeof(*d));
    snprintf(d->zId, sizeof(d->zId), "d%d", nDD);
    d->zTitle = zTitle;
    d->zBody = zBody;
    d->iSame = d->iNear = -1;
    return nDD++;
}

/* zBody with nRep words, at distinct positions, replaced by edit words. */
static char *
replaced(th_rng *r, const char *zBody, int nRep)
{
    char **aw;
    int n = split_words(zBody, &aw);
    assert_true(nRep <= n);
    char *aDone = calloc((size_t)n, 1);
    assert_non_null(aDone);
    for (int k = 0; k < nRep; k++) {
        int i;
        do {
            i = (int)th_range(r, 0, (uint64_t)n - 1);
        } while (aDone[i]);
        aDone[i] = 1;
        free(aw[i]);
        aw[i] = dup_str(azEdit[th_range(r, 0, NEDIT - 1)]);
    }
    free(aDone);
    char *z = join_words(aw, n);
    free_words(aw, n);
    return z;
}

static char *
span_dropped(th_rng *r, const char *zBody, int nDrop)
{
    char **aw;
    int n = split_words(zBody, &aw);
    assert_true(nDrop < n);
    int i0 = (int)th_range(r, 0, (uint64_t)(n - nDrop));
    for (int i = i0; i < i0 + nDrop; i++) {
        free(aw[i]);
    }
    memmove(aw + i0, aw + i0 + nDrop, (size_t)(n - i0 - nDrop) * sizeof(*aw));
    char *z = join_words(aw, n - nDrop);
    free_words(aw, n - nDrop);
    return z;
}

static char *
upper(const char *z)
{
    char *zOut = dup_str(z);
    for (char *c = zOut; *c; c++) {
        *c = (char)toupper((unsigned char)*c);
    }
    return zOut;
}

/* The bodies: random ones, near-copies of them planted, short ones. */
static void
make_specs(void)
{
    th_rng r = th_rng_for("dups-index");
    for (int i = 0; i < NBASE; i++) {
        add_spec(random_words(&r, (int)th_range(&r, 0, 4)),
                 random_words(&r, (int)th_range(&r, 12, 50)));
    }
    int i;
#define BASE() ((int)th_range(&r, 0, NBASE - 1))
    for (int k = 0; k < 3; k++) { /* exact copies, title too */
        int b = BASE();
        i = add_spec(dup_str(aDD[b].zTitle), dup_str(aDD[b].zBody));
        aDD[i].iSame = b;
    }
    for (int k = 0; k < 2; k++) { /* the title changed only */
        int b = BASE();
        i = add_spec(random_words(&r, 5), dup_str(aDD[b].zBody));
        aDD[i].iSame = b;
    }
    for (int k = 0; k < 2; k++) { /* the case changed only */
        int b = BASE();
        i = add_spec(dup_str(""), upper(aDD[b].zBody));
        aDD[i].iSame = b;
    }
    static const int aRep[] = {1, 1, 2, 3, 4, 6, 8, 10};
    for (size_t k = 0; k < sizeof(aRep) / sizeof(aRep[0]); k++) {
        int b = BASE();
        i = add_spec(dup_str(""), replaced(&r, aDD[b].zBody, aRep[k]));
        if (aRep[k] == 1) {
            aDD[i].iNear = b;
        }
    }
    static const int aDrop[] = {2, 5, 10, 11};
    for (size_t k = 0; k < sizeof(aDrop) / sizeof(aDrop[0]); k++) {
        add_spec(dup_str(""), span_dropped(&r, aDD[BASE()].zBody, aDrop[k]));
    }
    for (int k = 0; k < 3; k++) { /* chains: a copy of a copy */
        int b = BASE();
        i = add_spec(dup_str(""), replaced(&r, aDD[b].zBody, 2));
        add_spec(dup_str(""), replaced(&r, aDD[i].zBody, 2));
    }
    for (int k = 0; k < 2; k++) { /* words added at the end */
        int b = BASE();
        char *zMore = random_words(&r, 8);
        char *z = NULL;
        size_t nz = 0;
        th_cat(&z, &nz, "%s", aDD[b].zBody);
        th_cat(&z, &nz, " %s", zMore);
        free(zMore);
        add_spec(dup_str(""), z);
    }
    /* Long bodies: a word replaced or dropped leaves J above 0.95. */
    int iLong = add_spec(dup_str(""), random_words(&r, 150));
    i = add_spec(dup_str(""), replaced(&r, aDD[iLong].zBody, 1));
    aDD[i].iNear = iLong;
    iLong = add_spec(dup_str(""), random_words(&r, 400));
    i = add_spec(dup_str(""), replaced(&r, aDD[iLong].zBody, 1));
    aDD[i].iNear = iLong;
    add_spec(dup_str(""), span_dropped(&r, aDD[iLong].zBody, 1));
    /* Resemblance at the thresholds exactly: 10 shingles, and the first
    ** 11, 9 and 5 words (9, 7 and 3 of them: 0.9, 0.7, 0.3). */
    static const char *const azEnd[] = {
        "alpha bravo charlie delta echo foxtrot golf hotel india juliet "
        "kilo lima",
        "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo",
        "alpha bravo charlie delta echo foxtrot golf hotel india",
        "alpha bravo charlie delta echo"};
    for (int k = 0; k < 4; k++) {
        add_spec(dup_str(""), dup_str(azEnd[k]));
    }
    /* One set of shingles, counted differently (SimHash counts repeats). */
    i = add_spec(dup_str(""),
                     dup_str("harbour crane cargo harbour crane cargo harbour "
                             "crane cargo"));
    int j = add_spec(dup_str(""),
                     dup_str("harbour crane cargo harbour crane cargo"));
    aDD[j].iSame = i;
    /* Bodies of one or two words: their words alone. */
    i = add_spec(dup_str(""), dup_str("oil"));
    j = add_spec(dup_str("x"), dup_str("Oil"));
    aDD[j].iSame = i;
    j = add_spec(dup_str(""), dup_str("oil oil"));
    aDD[j].iSame = i;
    i = add_spec(dup_str(""), dup_str("oil prices"));
    j = add_spec(dup_str(""), dup_str("prices oil"));
    aDD[j].iSame = i;
    add_spec(dup_str(""), dup_str("prices"));
    add_spec(dup_str(""), dup_str("tanker"));
    /* Bodies without words. */
    i = add_spec(dup_str("an empty body"), dup_str(""));
    aDD[i].bNoWords = 1;
    i = add_spec(dup_str("punctuation"), dup_str("... -- !!"));
    aDD[i].bNoWords = 1;
    /* Two deleted: an exact copy, and a copy with a word replaced. */
    int b = BASE();
    i = add_spec(dup_str(""), dup_str(aDD[b].zBody));
    aDD[i].bDelete = 1;
    i = add_spec(dup_str(""), replaced(&r, aDD[b].zBody, 1));
    aDD[i].bDelete = 1;
#undef BASE
}

static int
collect_doc(void *pCtx, kq_docid iDoc)
{
    (void)pCtx;
    assert_true(P.n < NDOCMAX);
    P.aDoc[P.n++] = iDoc;
    return 0;
}

typedef struct wordlist {
    char **a;
    size_t n, nAlloc;
} wordlist;

static int
word_cb(void *pCtx, const kq_doc_token *t)
{
    wordlist *w = pCtx;
    if (t->bTitle) {
        return 0;
    }
    if (w->n == w->nAlloc) {
        w->nAlloc = w->nAlloc ? 2 * w->nAlloc : 64;
        w->a = realloc(w->a, w->nAlloc * sizeof(char *));
        assert_non_null(w->a);
    }
    w->a[w->n] = malloc(t->nWord + 1);
    assert_non_null(w->a[w->n]);
    memcpy(w->a[w->n], t->zWord, t->nWord);
    w->a[w->n][t->nWord] = 0;
    w->n++;
    return 0;
}

static int
cmp_str(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* Document k's distinct shingles, sorted, into P.aaSh[k]. */
static void
shingle_set(kq_index *p, size_t k)
{
    wordlist w = {NULL, 0, 0};
    char *zErr = NULL;
    assert_int_equal(kq_index_doc_tokens(p, P.aDoc[k], KQ_DOC_TOKENS_NOSTEM,
                                         &w, word_cb, &zErr),
                     KQ_OK);
    char **a = malloc((w.n + 1) * sizeof(char *));
    assert_non_null(a);
    size_t n = 0;
    if (w.n < 3) {
        for (size_t i = 0; i < w.n; i++) {
            a[n++] = dup_str(w.a[i]);
        }
    } else {
        for (size_t i = 2; i < w.n; i++) {
            char *z = NULL;
            size_t nz = 0;
            th_cat(&z, &nz, "%s %s %s", w.a[i - 2], w.a[i - 1], w.a[i]);
            a[n++] = z;
        }
    }
    qsort(a, n, sizeof(char *), cmp_str);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && strcmp(a[m - 1], a[i]) == 0) {
            free(a[i]);
        } else {
            a[m++] = a[i];
        }
    }
    P.aaSh[k] = a;
    P.anSh[k] = m;
    free_words(w.a, (int)w.n);
}

static void
build_dups_index(void)
{
    make_specs();
    th_rng r = th_rng_for("dups-order");
    int aOrder[NDOCMAX];
    for (int i = 0; i < nDD; i++) {
        aOrder[i] = i;
    }
    for (int i = nDD - 1; i > 0; i--) { /* copies before originals too */
        int j = (int)th_range(&r, 0, (uint64_t)i);
        int t = aOrder[i];
        aOrder[i] = aOrder[j];
        aOrder[j] = t;
    }
    th_mkdtemp(zDupsDir, sizeof(zDupsDir));
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    opts.bNoMerge = 1;
    kq_writer *w = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_writer_open(zDupsDir, &opts, &w, &zErr), KQ_OK);
    for (int k = 0; k < nDD; k++) {
        const ddoc *t = &aDD[aOrder[k]];
        kq_doc d;
        memset(&d, 0, sizeof(d));
        d.zId = t->zId;
        d.nId = strlen(t->zId);
        d.zTitle = t->zTitle;
        d.nTitle = strlen(t->zTitle);
        d.zBody = t->zBody;
        d.nBody = strlen(t->zBody);
        assert_int_equal(kq_writer_add(w, &d, &zErr), KQ_OK);
        if (k % 37 == 36) {
            assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
        }
    }
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    kq_writer_close(w);
    assert_int_equal(kq_writer_open(zDupsDir, &opts, &w, &zErr), KQ_OK);
    for (int i = 0; i < nDD; i++) {
        if (aDD[i].bDelete) {
            assert_int_equal(kq_writer_delete(w, aDD[i].zId,
                                              strlen(aDD[i].zId), &zErr),
                             KQ_OK);
        }
    }
    assert_int_equal(kq_writer_commit(w, &zErr), KQ_OK);
    kq_writer_close(w);

    /* The live documents in docid order, their signatures and sets. */
    kq_index *p = NULL;
    assert_int_equal(kq_index_open(zDupsDir, &p, &zErr), KQ_OK);
    assert_true(kq_index_stats(p)->nSegment >= 4);
    assert_int_equal(kq_index_each_doc(p, NULL, collect_doc, NULL, &zErr),
                     KQ_OK);
    assert_int_equal(P.n, (size_t)nDD - 2);
    for (size_t k = 0; k < P.n; k++) {
        const kq_docinfo *di;
        assert_int_equal(kq_index_doc(p, P.aDoc[k], &di, &zErr), KQ_OK);
        int s = id_number(di);
        P.aSpec[k] = s;
        assert_false(aDD[s].bDelete);
        th_check(di->bSig == !aDD[s].bNoWords, "%s: bSig %d", di->zId,
                 di->bSig);
        P.aSig[k] = di->bSig ? di->nSig : 0;
        shingle_set(p, k);
        th_check((P.anSh[k] == 0) == aDD[s].bNoWords, "%s: %zu shingles",
                 di->zId, P.anSh[k]);
    }
    kq_index_close(p);
    for (size_t i = 0; i < P.n; i++) {
        for (size_t j = 0; j < P.n; j++) {
            uint32_t nInter = 0;
            for (size_t x = 0, y = 0; x < P.anSh[i] && y < P.anSh[j];) {
                int c = strcmp(P.aaSh[i][x], P.aaSh[j][y]);
                nInter += c == 0;
                x += c <= 0;
                y += c >= 0;
            }
            P.aInter[i][j] = nInter;
            P.aUnion[i][j] = (uint32_t)(P.anSh[i] + P.anSh[j] - nInter);
        }
    }
}

static void
free_dups_index(void)
{
    for (size_t k = 0; k < P.n; k++) {
        free_words(P.aaSh[k], (int)P.anSh[k]);
    }
    for (int i = 0; i < nDD; i++) {
        free(aDD[i].zTitle);
        free(aDD[i].zBody);
    }
}

static size_t
uf_root(size_t *a, size_t i)
{
    while (a[i] != i) {
        i = a[i];
    }
    return i;
}

/* The clusters at threshold T, over every pair (nBit < 0) or only those
** whose signatures are at most nBit bits apart. */
static void
brute_dups(double T, int nBit, size_t *aRep, double *aSim)
{
    size_t n = P.n;
    for (size_t i = 0; i < n; i++) {
        aRep[i] = i;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (P.aSig[i] == 0 || P.aSig[j] == 0 || P.aUnion[i][j] == 0 ||
                (double)P.aInter[i][j] < T * (double)P.aUnion[i][j] ||
                (nBit >= 0 && kq_sig_distance(P.aSig[i], P.aSig[j]) > nBit)) {
                continue;
            }
            size_t a = uf_root(aRep, i), b = uf_root(aRep, j);
            if (a < b) {
                aRep[b] = a;
            } else if (b < a) {
                aRep[a] = b;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        aRep[i] = uf_root(aRep, i);
        size_t f = aRep[i];
        aSim[i] = f == i ? 1.0
                         : (double)P.aInter[f][i] / (double)P.aUnion[f][i];
    }
}

/* kq_index_dups() at T against the brute force; the documents it put in
** clusters with others. */
static size_t
check_dups(kq_index *p, double T, size_t nMemory, int bExactWant)
{
    size_t n = P.n;
    size_t aRep[NDOCMAX], aWant[NDOCMAX], aRep2[NDOCMAX];
    double aSim[NDOCMAX], aSimWant[NDOCMAX];
    kq_dups_opts opts = KQ_DUPS_OPTS_INIT;
    opts.threshold = T;
    opts.nMemory = nMemory;
    kq_dups_stats st;
    memset(&st, 0xff, sizeof(st));
    char *zErr = NULL;
    int rc = kq_index_dups(p, &opts, P.aDoc, P.aSig, n, aRep, aSim, &st,
                           &zErr);
    th_check(rc == KQ_OK, "T %g: rc %d (%s)", T, rc, zErr ? zErr : "");
    th_check(st.bExact == bExactWant, "T %g, nMemory %zu: bExact %d", T,
             nMemory, st.bExact);
    th_check(st.nBit == kq_dups_bits(T), "T %g: nBit %d, want %d", T, st.nBit,
             kq_dups_bits(T));
    brute_dups(T, bExactWant ? -1 : kq_dups_bits(T), aWant, aSimWant);
    size_t nClustered = 0, nRoot = 0, nSig = 0;
    for (size_t i = 0; i < n; i++) {
        th_check(aRep[i] <= i, "T %g: aRep[%zu] = %zu", T, i, aRep[i]);
        th_check(aRep[i] == aWant[i], "T %g (%s): %s in %s's cluster, want %s",
                 T, bExactWant ? "exact" : "signatures",
                 aDD[P.aSpec[i]].zId, aDD[P.aSpec[aRep[i]]].zId,
                 aDD[P.aSpec[aWant[i]]].zId);
        th_check(fabs(aSim[i] - aSimWant[i]) <= 1e-12,
                 "T %g: %s resemblance %.17g, want %.17g", T,
                 aDD[P.aSpec[i]].zId, aSim[i], aSimWant[i]);
        nClustered += aRep[i] != i;
        nRoot += aRep[i] == i && P.aSig[i] != 0;
        nSig += P.aSig[i] != 0;
    }
    /* A pair already in one cluster is not compared again (dups.c): each
    ** pair joined merges two clusters. */
    th_check(st.nJoined == nSig - nRoot, "T %g: %llu joined, %zu merges", T,
             (unsigned long long)st.nJoined, nSig - nRoot);
    th_check(st.nCompared >= st.nJoined, "T %g: %llu compared", T,
             (unsigned long long)st.nCompared);
    /* aSim may be NULL (and pStats): the same clusters. */
    assert_int_equal(kq_index_dups(p, &opts, P.aDoc, P.aSig, n, aRep2, NULL,
                                   NULL, &zErr),
                     KQ_OK);
    assert_memory_equal(aRep, aRep2, n * sizeof(size_t));
    return nClustered;
}

/* Thresholds: the ends of the range, kq dups' default, planted
** resemblances exactly at 0.3, 0.7 and 0.9, and the signature distance
** one past KQ_DUPS_BLOCK_MAX_BITS (0.97: every pair compared) and at it
** (0.98: the block method). */
static const double aThreshold[] = {KQ_DUPS_MIN_THRESHOLD, 0.4, 0.5, 0.6,
                                    0.7, 0.8, 0.9, 0.97, 0.98, 0.99, 1.0};
#define NTHRESHOLD ((int)(sizeof(aThreshold) / sizeof(aThreshold[0])))

/* Index into P of aDD[s], or -1 (not passed). */
static int
passed_index(int s)
{
    for (size_t k = 0; k < P.n; k++) {
        if (P.aSpec[k] == s) {
            return (int)k;
        }
    }
    return -1;
}

static void
test_index_dups_exact(void **state)
{
    (void)state;
    kq_index *p = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_open(zDupsDir, &p, &zErr), KQ_OK);
    size_t nPrev = P.n + 1, nLow = 0;
    for (int t = 0; t < NTHRESHOLD; t++) {
        size_t nClustered = check_dups(p, aThreshold[t], 0, 1);
        th_check(nClustered <= nPrev, "T %g: %zu clustered, %zu below",
                 aThreshold[t], nClustered, nPrev);
        if (t == 0) {
            nLow = nClustered;
        }
        nPrev = nClustered;
    }
    /* Each of the 11 planted same-shingle copies is a member more at 1;
    ** a word replaced (J > 0.5 here) joins more at the lowest. */
    th_check(nPrev >= 11 && nLow > nPrev, "%zu clustered at %g, %zu at 1",
             nLow, KQ_DUPS_MIN_THRESHOLD, nPrev);
    /* The planted copies, apart from the brute force: the same shingles
    ** (a copy, a title or case changed, repeats) are in one cluster at 1,
    ** a replaced word is not. */
    size_t aRep[NDOCMAX];
    kq_dups_opts opts = KQ_DUPS_OPTS_INIT;
    opts.threshold = 1.0;
    assert_int_equal(kq_index_dups(p, &opts, P.aDoc, P.aSig, P.n, aRep, NULL,
                                   NULL, &zErr),
                     KQ_OK);
    int nSame = 0;
    for (int s = 0; s < nDD; s++) {
        int i = passed_index(s);
        if (aDD[s].iSame >= 0) {
            int j = passed_index(aDD[s].iSame);
            assert_true(i >= 0 && j >= 0);
            th_check(aRep[i] == aRep[j], "d%d and d%d apart at 1", s,
                     aDD[s].iSame);
            nSame++;
        }
        if (aDD[s].iNear >= 0) {
            int j = passed_index(aDD[s].iNear);
            th_check(aRep[i] != aRep[j], "d%d and d%d together at 1", s,
                     aDD[s].iNear);
        }
        if (aDD[s].bNoWords) {
            th_check(aRep[i] == (size_t)i, "d%d clustered", s);
        }
    }
    assert_int_equal(nSame, 11);
    kq_index_close(p);
}

static void
test_index_dups_signatures(void **state)
{
    (void)state;
    kq_index *p = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_open(zDupsDir, &p, &zErr), KQ_OK);
    for (int t = 0; t < NTHRESHOLD; t++) {
        check_dups(p, aThreshold[t], 1, 0);
    }
    /* The restriction matters: the two bodies of one set of shingles,
    ** counted differently, have different signatures, so at 1 (0 bits)
    ** the signatures do not put them forward. */
    int i = -1, j = -1;
    for (int s = 0; s < nDD; s++) {
        if (strncmp(aDD[s].zBody, "harbour", 7) == 0) {
            if (i < 0) {
                i = passed_index(s);
            } else {
                j = passed_index(s);
            }
        }
    }
    assert_true(i >= 0 && j >= 0);
    assert_int_equal(kq_dups_bits(1.0), 0);
    assert_true(kq_sig_distance(P.aSig[i], P.aSig[j]) > 0);
    size_t aRep[NDOCMAX];
    kq_dups_opts opts = KQ_DUPS_OPTS_INIT;
    opts.threshold = 1.0;
    opts.nMemory = 1;
    assert_int_equal(kq_index_dups(p, &opts, P.aDoc, P.aSig, P.n, aRep, NULL,
                                   NULL, &zErr),
                     KQ_OK);
    assert_true(aRep[i] != aRep[j]);
    kq_index_close(p);
}

static void
test_index_dups_memory_limit(void **state)
{
    (void)state;
    kq_index *p = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_open(zDupsDir, &p, &zErr), KQ_OK);
    /* The shingle sets of the documents passed with a signature: 32 bytes
    ** a shingle (dups.c, KQ_DUPS_EXACT_BYTES) fit, one byte less does
    ** not. */
    size_t S = 0;
    for (size_t k = 0; k < P.n; k++) {
        S += P.aSig[k] ? P.anSh[k] : 0;
    }
    assert_true(S > 1000);
    check_dups(p, 0.5, 32 * S, 1);
    check_dups(p, 0.5, 32 * S - 1, 0);
    check_dups(p, 0.9, 32 * S + 31, 1);
    check_dups(p, 0.9, 32 * (S - 1), 0);
    kq_index_close(p);
}

static void
test_dups_bits(void **state)
{
    (void)state;
    assert_int_equal(kq_dups_bits(1.0), 0);
    int nPrev = 64;
    for (int k = 0; k <= 7000; k++) {
        double T = KQ_DUPS_MIN_THRESHOLD +
                   (1.0 - KQ_DUPS_MIN_THRESHOLD) * (double)k / 7000.0;
        if (k == 7000) {
            T = 1.0;
        }
        int nBit = kq_dups_bits(T);
        th_check(nBit >= 0 && nBit <= 32 && nBit <= nPrev,
                 "T %.17g: %d bits, %d below", T, nBit, nPrev);
        nPrev = nBit;
    }
    assert_true(kq_dups_bits(KQ_DUPS_MIN_THRESHOLD) >= 0);
    /* (aThreshold has both methods of finding the candidates) */
    assert_true(kq_dups_bits(0.97) > KQ_DUPS_BLOCK_MAX_BITS);
    assert_true(kq_dups_bits(0.98) <= KQ_DUPS_BLOCK_MAX_BITS);
    assert_int_equal(kq_dups_bits(KQ_DUPS_MIN_THRESHOLD - 1e-9), -1);
    assert_int_equal(kq_dups_bits(1.0 + 1e-9), -1);
    assert_int_equal(kq_dups_bits(NAN), -1);
    assert_int_equal(kq_dups_bits(-INFINITY), -1);
    assert_int_equal(kq_dups_bits(INFINITY), -1);

    /* kq_index_dups() refuses what kq_dups_bits() refuses, and options
    ** not made from KQ_DUPS_OPTS_INIT. */
    kq_index *p = NULL;
    char *zErr = NULL;
    assert_int_equal(kq_index_open(zDupsDir, &p, &zErr), KQ_OK);
    size_t aRep[NDOCMAX];
    static const double aBad[] = {KQ_DUPS_MIN_THRESHOLD - 1e-9, 1.0 + 1e-9,
                                  NAN, 0.0};
    for (size_t k = 0; k < sizeof(aBad) / sizeof(aBad[0]); k++) {
        kq_dups_opts opts = KQ_DUPS_OPTS_INIT;
        opts.threshold = aBad[k];
        assert_int_equal(kq_index_dups(p, &opts, P.aDoc, P.aSig, P.n, aRep,
                                       NULL, NULL, &zErr),
                         KQ_MISUSE);
        assert_non_null(zErr);
        assert_non_null(strstr(zErr, "threshold"));
        free(zErr);
        zErr = NULL;
    }
    static const int aVersion[] = {0, -1, KQ_DUPS_OPTS_VERSION + 1};
    for (size_t k = 0; k < sizeof(aVersion) / sizeof(aVersion[0]); k++) {
        kq_dups_opts opts = KQ_DUPS_OPTS_INIT;
        opts.iVersion = aVersion[k];
        assert_int_equal(kq_index_dups(p, &opts, P.aDoc, P.aSig, P.n, aRep,
                                       NULL, NULL, &zErr),
                         KQ_MISUSE);
        assert_non_null(zErr);
        assert_non_null(strstr(zErr, "KQ_DUPS_OPTS_INIT"));
        free(zErr);
        zErr = NULL;
    }
    assert_int_equal(
        kq_index_dups(p, NULL, P.aDoc, P.aSig, P.n, aRep, NULL, NULL, &zErr),
        KQ_MISUSE);
    free(zErr);
    zErr = NULL;
    /* The ends of the range are in it; no documents is no work. */
    kq_dups_opts opts = KQ_DUPS_OPTS_INIT;
    opts.threshold = KQ_DUPS_MIN_THRESHOLD;
    assert_int_equal(
        kq_index_dups(p, &opts, P.aDoc, P.aSig, 0, aRep, NULL, NULL, &zErr),
        KQ_OK);
    kq_index_close(p);
}

int
main(void)
{
    th_seed_init();
    build_dups_index();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_cluster),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_index_dups_exact),
        cmocka_unit_test(test_index_dups_signatures),
        cmocka_unit_test(test_index_dups_memory_limit),
        cmocka_unit_test(test_dups_bits),
    };
    int rc = TH_RUN(tests);
    free_dups_index();
    return rc;
}
