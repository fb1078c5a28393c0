/*
** t_dups.c -- near-duplicate signatures and clusters: kqi_simhash_text()
** against golden values from the independent tests/oracle/simhash.py
** (python3 -c 'import simhash; print("%016x" % simhash.signature(S))'
** in tests/oracle), the word limit (KQ_MAX_WORD bytes counted, one more
** not), and kq_dups_cluster() -- the block method and the all-pairs
** fallback -- against a brute-force union-find, at distances on both sides
** of KQ_DUPS_BLOCK_MAX_BITS; its limits (nBit 0..32,
** KQ_DUPS_MAX_ALLPAIRS).
*/
#include "tharness.h"
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct golden {
    const char *z;
    uint64_t sig;
} golden;

static void
test_golden(void **state)
{
    (void)state;
    static const golden a[] = {
        {"", 0},
        {"oil", 0x48038d6028f7d2c1ull},
        {"Oil prices", 0x4800092020258041ull},
        {"Oil prices rose sharply today", 0x6e6f5f5224f759deull},
        {"OPEC ministers met in Vienna; oil prices rose 5% on Monday.",
         0xad2e6ec24e50c390ull},
        /* a word of KQ_MAX_WORD bytes is a word; one more is none */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b c",
         0xe057ec4819b7be8full},
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_cluster),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
