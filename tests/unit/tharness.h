/*
** tharness.h -- small helpers shared by the cmocka unit tests in tests/unit:
** a seeded RNG (seed printed at start and on failure, override with the
** environment variable KQ_TEST_SEED), temporary directories under /tmp, a
** strict UTF-8 validator and a token collector for kq_analyze().
**
** Everything is static: each test binary includes this file once.
*/
#ifndef THARNESS_H
#define THARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* nftw, mkdtemp (the Makefile defines it too) */
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kq.h"

/**************************************************************************
** Seeded RNG (splitmix64).  th_seed_init() picks the run's seed once; each
** test derives its own stream with th_rng_for("name"), so the outcome of one
** test does not depend on which other tests ran before it.
*/
static uint64_t th_seed;
static inline void th_rmtree_all(void);

static inline void th_seed_init(void) {
    const char *z = getenv("KQ_TEST_SEED");
    if (z && *z) {
        th_seed = strtoull(z, NULL, 0);
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        th_seed = ((uint64_t)ts.tv_sec * 1000000007u) ^ (uint64_t)ts.tv_nsec
                  ^ ((uint64_t)getpid() << 32);
    }
    printf("# KQ_TEST_SEED=%llu\n", (unsigned long long)th_seed);
    fflush(stdout);
    atexit(th_rmtree_all);
    /* KQ_TEST_CASE=name (a glob: test_fuzz*) runs only the matching cases
    ** of the binary (make unit T=t_analyze CASE=test_table). */
    const char *zCase = getenv("KQ_TEST_CASE");
    if (zCase && *zCase) {
        cmocka_set_test_filter(zCase);
    }
}

typedef struct th_rng { uint64_t s; } th_rng;

static inline uint64_t th_next(th_rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline th_rng th_rng_for(const char *zName) {
    th_rng r;
    uint64_t h = 1469598103934665603ull; /* FNV-1a of the name */
    for (; *zName; zName++) h = (h ^ (uint8_t)*zName) * 1099511628211ull;
    r.s = th_seed ^ h;
    return r;
}

/* Uniform in [lo, hi] (inclusive). */
static inline uint64_t th_range(th_rng *r, uint64_t lo, uint64_t hi) {
    uint64_t span = hi - lo + 1;
    if (span == 0) return th_next(r); /* the full 64-bit range */
    return lo + th_next(r) % span;
}

/* Run the group and, if anything failed, say how to reproduce it. */
static inline int th_run(const char *zGroup, const struct CMUnitTest *aTest,
                  size_t nTest) {
    int nFail = _cmocka_run_group_tests(zGroup, aTest, nTest, NULL, NULL);
    if (nFail) {
        printf("# %d test(s) failed; reproduce with KQ_TEST_SEED=%llu\n",
               nFail, (unsigned long long)th_seed);
        fprintf(stderr, "%d test(s) failed; reproduce with KQ_TEST_SEED=%llu\n",
                nFail, (unsigned long long)th_seed);
    }
    return nFail ? 1 : 0;
}
#define TH_RUN(tests) th_run(#tests, tests, sizeof(tests) / sizeof((tests)[0]))

/* A failure message carrying the seed (for randomised loops). */
#define th_fail(...)                                                       \
    do {                                                                   \
        char th_zMsg_[512];                                                \
        snprintf(th_zMsg_, sizeof th_zMsg_, __VA_ARGS__);                  \
        fail_msg("%s (KQ_TEST_SEED=%llu)", th_zMsg_,                       \
                 (unsigned long long)th_seed);                             \
    } while (0)
#define th_check(cond, ...)                                                \
    do {                                                                   \
        if (!(cond)) th_fail(__VA_ARGS__);                                 \
    } while (0)

/**************************************************************************
** Temporary directories.  Each is remembered until th_rmtree() removes it;
** th_rmtree_all() (run at exit, and by tests that exit early) removes the
** ones a failed test left behind.
*/
#define TH_MAXDIR 64
static char th_azDir[TH_MAXDIR][64];

static inline int th_rm_cb(const char *zPath, const struct stat *st, int flag,
                           struct FTW *ftw) {
    (void)st; (void)flag; (void)ftw;
    return remove(zPath);
}

static inline void th_rmtree(const char *zDir) {
    if (zDir && zDir[0]) nftw(zDir, th_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    for (int i = 0; zDir && i < TH_MAXDIR; i++)
        if (strcmp(th_azDir[i], zDir) == 0) th_azDir[i][0] = 0;
}

static inline void th_rmtree_all(void) {
    for (int i = 0; i < TH_MAXDIR; i++)
        if (th_azDir[i][0]) {
            nftw(th_azDir[i], th_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
            th_azDir[i][0] = 0;
        }
}

static inline void th_mkdtemp(char *zBuf, size_t nBuf) {
    snprintf(zBuf, nBuf, "/tmp/kq-unit-XXXXXX");
    assert_non_null(mkdtemp(zBuf));
    for (int i = 0; i < TH_MAXDIR; i++)
        if (th_azDir[i][0] == 0) {
            snprintf(th_azDir[i], sizeof th_azDir[i], "%s", zBuf);
            break;
        }
}

/**************************************************************************
** Strict UTF-8 validation: tests/lib/utf8valid.h (shared with the fuzz
** targets).
*/
#include "../lib/utf8valid.h"
static inline int th_utf8_valid(const char *z, size_t n) {
    return test_utf8_valid(z, n);
}

/**************************************************************************
** Token collection for kq_analyze().
*/
typedef struct th_tok {
    char *zTerm;
    size_t nTerm;
    uint32_t iPos;
    size_t iStart, iEnd;
} th_tok;

typedef struct th_toks {
    th_tok *a;
    size_t n, nAlloc;
    int iStopAt;      /* if > 0: return 42 from the iStopAt-th token */
} th_toks;

static inline int th_tok_cb(void *pCtx, const char *zTerm, size_t nTerm,
                     uint32_t iPos, size_t iStart, size_t iEnd) {
    th_toks *t = pCtx;
    if (t->n == t->nAlloc) {
        t->nAlloc = t->nAlloc ? 2 * t->nAlloc : 16;
        t->a = realloc(t->a, t->nAlloc * sizeof *t->a);
        assert_non_null(t->a);
    }
    th_tok *k = &t->a[t->n++];
    k->zTerm = malloc(nTerm + 1);
    assert_non_null(k->zTerm);
    if (nTerm) memcpy(k->zTerm, zTerm, nTerm);
    k->zTerm[nTerm] = 0;
    k->nTerm = nTerm;
    k->iPos = iPos;
    k->iStart = iStart;
    k->iEnd = iEnd;
    if (t->iStopAt > 0 && (int)t->n == t->iStopAt) return 42;
    return 0;
}

static inline void th_toks_clear(th_toks *t) {
    for (size_t i = 0; i < t->n; i++) free(t->a[i].zTerm);
    free(t->a);
    memset(t, 0, sizeof *t);
}

/* Append to a growing string. */
static inline void th_cat(char **pz, size_t *pn, const char *zFmt, ...) {
    va_list ap;
    char buf[512];
    va_start(ap, zFmt);
    int k = vsnprintf(buf, sizeof buf, zFmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof buf);
    *pz = realloc(*pz, *pn + (size_t)k + 1);
    assert_non_null(*pz);
    memcpy(*pz + *pn, buf, (size_t)k + 1);
    *pn += (size_t)k;
}

/* "term@pos" separated by spaces; with bRange, "term@pos[start,end)". */
static inline char *th_toks_describe(const th_toks *t, int bRange) {
    char *z = NULL;
    size_t n = 0;
    th_cat(&z, &n, "%s", "");
    for (size_t i = 0; i < t->n; i++) {
        const th_tok *k = &t->a[i];
        th_cat(&z, &n, "%s%s@%u", i ? " " : "", k->zTerm, (unsigned)k->iPos);
        if (bRange)
            th_cat(&z, &n, "[%zu,%zu)", k->iStart, k->iEnd);
    }
    return z;
}

#endif /* THARNESS_H */
