/*
** t_dict.c -- the term dictionary (dict.c): vocabulary entries, whose
** stems are stored as the bytes they share with the start of the word and
** the rest (format 10).
**   - a vocabulary entry's bytes, exactly as the grammar at the top of
**     dict.c has them;
**   - stems that are the word, a prefix of it, a prefix and other letters,
**     longer than it, with nothing in common, and of KQI_MAX_TERM bytes,
**     read back by the iterator, with the terms and their lists between;
**   - an entry whose stem would share more than the word holds, or be
**     empty or longer than KQI_MAX_TERM, is refused (KQ_CORRUPT).
*/
#include "tharness.h"

#include "kq_int.h"

#include <libdeflate.h>

/* Write a dictionary to zPath: the vocabulary entries aWord[i] -> aStem[i]
** (words in increasing order), then the terms aTerm[] (in increasing
** order, each with a list of df 1 and 10 bytes in each file). */
static void
dict_write(const char *zPath, const char *const *aWord,
           const char *const *aStem, int nWord, const char *const *aTerm,
           int nTerm)
{
    kqi_wfile f;
    memset(&f, 0, sizeof f);
    assert_int_equal(kqi_wfile_open(&f, zPath), KQ_OK);
    f.bNoSync = 1;
    kqi_dictw *w = NULL;
    assert_int_equal(kqi_dictw_new(&f, &w), KQ_OK);
    for (int i = 0; i < nWord; i++) {
        char aKey[KQI_MAX_KEY + 1];
        size_t n = strlen(aWord[i]);
        aKey[0] = KQI_WORD_MARK;
        memcpy(aKey + 1, aWord[i], n);
        assert_int_equal(kqi_dictw_add(w, aKey, n + 1, NULL, aStem[i],
                                       strlen(aStem[i])),
                         KQ_OK);
    }
    kqi_termloc loc;
    memset(&loc, 0, sizeof loc);
    loc.postOff = loc.posOff = KQI_HEADER;
    for (int i = 0; i < nTerm; i++) {
        loc.df = 1;
        loc.cf = 1;
        loc.postLen = 10;
        loc.skipLen = 5;
        loc.posLen = 10;
        assert_int_equal(kqi_dictw_add(w, aTerm[i], strlen(aTerm[i]), &loc,
                                       NULL, 0),
                         KQ_OK);
        loc.postOff += 10;
        loc.posOff += 10;
    }
    u64 nEntry = 0;
    assert_int_equal(kqi_dictw_finish(w, &nEntry, NULL), KQ_OK);
    assert_true(nEntry == (u64)(nWord + nTerm));
    char *zErr = NULL;
    assert_int_equal(kqi_wfile_close(&f, &zErr), KQ_OK);
}

/* Every key of the dictionary at zPath, in order, into aKey (stems of
** vocabulary entries into aStem); returns KQ_DONE at the end or the
** iterator's error, with the number read in *pn. */
static int
dict_read(const char *zPath, char aKey[][KQI_MAX_KEY + 1],
          char aStem[][KQI_MAX_TERM + 1], int nMax, int *pn)
{
    kqi_map m;
    char *zErr = NULL;
    assert_int_equal(kqi_map_open(&m, zPath, &zErr), KQ_OK);
    kqi_dict d;
    int rc = kqi_dict_open(&d, &m, &zErr);
    *pn = 0;
    kqi_dictit it;
    if (rc == KQ_OK) {
        rc = kqi_dictit_start(&it, &d, "", 0, &zErr);
    }
    while (rc == KQ_OK && (rc = kqi_dictit_next(&it, &zErr)) == KQ_OK) {
        assert_true(*pn < nMax);
        memcpy(aKey[*pn], it.aTerm, it.nTerm + 1);
        aStem[*pn][0] = 0;
        if (it.loc.df == 0) {
            assert_int_equal(strlen(it.aStem), it.nStem);
            memcpy(aStem[*pn], it.aStem, it.nStem + 1);
        }
        ++*pn;
    }
    free(zErr);
    kqi_map_close(&m);
    return rc;
}

/* The grammar's bytes for one vocabulary entry and one term, in a
** dictionary of one block. */
static void
test_vocab_bytes(void **state)
{
    (void)state;
    char zDir[64], zPath[128];
    th_mkdtemp(zDir, sizeof zDir);
    snprintf(zPath, sizeof zPath, "%s/t.dict", zDir);
    static const char *const aWord[] = {"dogs"}, *const aStem[] = {"dog"};
    static const char *const aTerm[] = {"dog"};
    dict_write(zPath, aWord, aStem, 1, aTerm, 1);
    FILE *f = fopen(zPath, "rb");
    assert_non_null(f);
    u8 a[256];
    size_t n = fread(a, 1, sizeof a, f);
    fclose(f);
    /* the entry: shared 0, suffix 5, 0x01 "dogs", df 0, the stem shares
    ** 3 bytes with the word, and 0 more; then the term "dog" with df 1,
    ** cf - df 0, postLen 10, skipLen 5, posLen 10 */
    static const u8 aWant[] = {0,   5, 1,   'd', 'o', 'g', 's', 0, 3, 0,
                               0,   3, 'd', 'o', 'g', 1,   0,   10, 5, 10};
    assert_true(n > KQI_HEADER + sizeof aWant);
    assert_memory_equal(a + KQI_HEADER, aWant, sizeof aWant);

    /* A damaged stem length, the block's CRC32 mended: the entry itself
    ** must be refused.  The block index entry (fixed width) follows the
    ** block; its CRC32 covers the block and the 20 bytes before it. */
    u8 *pIx = a + KQI_HEADER + sizeof aWant;
    assert_int_equal(kqi_get_u64(pIx), KQI_HEADER);
    static const struct {
        int iByte, v, rc;
        const char *zWhy;
    } aCase[] = {
        {8, 4, KQ_OK, "the whole word"},
        {8, 5, KQ_CORRUPT, "one byte more than the word"},
        {8, 0, KQ_CORRUPT, "an empty stem (0 shared, 0 more)"},
        {8, 0x7f, KQ_CORRUPT, "far more than the word"},
    };
    for (size_t k = 0; k < sizeof aCase / sizeof aCase[0]; k++) {
        u8 b[256];
        memcpy(b, a, n);
        b[KQI_HEADER + aCase[k].iByte] = (u8)aCase[k].v;
        u8 *pI = b + KQI_HEADER + sizeof aWant;
        u32 crc = libdeflate_crc32(0, b + KQI_HEADER, sizeof aWant);
        kqi_put_u32(pI + 28, libdeflate_crc32(crc, pI + 8, 20));
        f = fopen(zPath, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(b, 1, n, f), n);
        fclose(f);
        char aKey[4][KQI_MAX_KEY + 1], aSt[4][KQI_MAX_TERM + 1];
        int nRead;
        int rc = dict_read(zPath, aKey, aSt, 4, &nRead);
        if (aCase[k].rc == KQ_OK) {
            th_check(rc == KQ_DONE && nRead == 2 && !strcmp(aSt[0], "dogs"),
                     "%s: rc=%d, %d keys, stem %s", aCase[k].zWhy, rc, nRead,
                     aSt[0]);
        } else {
            th_check(rc == KQ_CORRUPT, "%s: rc=%d", aCase[k].zWhy, rc);
        }
    }
    th_rmtree(zDir);
}

/* Stems of every shape, over several blocks, read back. */
static void
test_vocab_roundtrip(void **state)
{
    (void)state;
    char zDir[64], zPath[128];
    th_mkdtemp(zDir, sizeof zDir);
    snprintf(zPath, sizeof zPath, "%s/t.dict", zDir);
    static char zLong[KQI_MAX_TERM + 1], zLong2[KQI_MAX_TERM + 1];
    memset(zLong, 'z', KQI_MAX_TERM);
    zLong[KQI_MAX_TERM] = 0;
    memcpy(zLong2, zLong, sizeof zLong2);
    zLong2[KQI_MAX_TERM - 1] = 'y';
    enum { N = 40 };
    const char *aWord[N], *aStem[N];
    char aBufW[N][16], aBufS[N][16];
    int n = 0;
    static const char *const aFixW[] = {"a",      "happy", "running",
                                        "sung",   "x",     "ziggurat"};
    static const char *const aFixS[] = {"b",   "happi",   "run",
                                        "sing", "xylem", "ziggurat"};
    for (int i = 0; i < 6; i++) {
        aWord[n] = aFixW[i];
        aStem[n++] = aFixS[i];
    }
    /* more than a block of words, each its own stem or a prefix */
    for (int i = 0; n < N - 2; i++) {
        snprintf(aBufW[n], sizeof aBufW[n], "zz%02dings", i);
        snprintf(aBufS[n], sizeof aBufS[n], i % 2 ? "zz%02ding" : "zz%02dings",
                 i);
        aWord[n] = aBufW[n];
        aStem[n] = aBufS[n];
        n++;
    }
    /* words of KQI_MAX_TERM bytes: one whose stem differs in the last
    ** byte, and one that is its own */
    aWord[n] = zLong2;
    aStem[n++] = zLong;
    aWord[n] = zLong;
    aStem[n++] = zLong;
    static const char *const aTerm[] = {"b", "happi", "run", "sing"};
    dict_write(zPath, aWord, aStem, n, aTerm, 4);
    static char aKey[N + 4][KQI_MAX_KEY + 1], aSt[N + 4][KQI_MAX_TERM + 1];
    int nRead;
    assert_int_equal(dict_read(zPath, aKey, aSt, N + 4, &nRead), KQ_DONE);
    assert_int_equal(nRead, n + 4);
    for (int i = 0; i < n; i++) {
        th_check(aKey[i][0] == KQI_WORD_MARK && !strcmp(aKey[i] + 1, aWord[i]),
                 "key %d: %s, not %s", i, aKey[i] + 1, aWord[i]);
        th_check(!strcmp(aSt[i], aStem[i]), "stem of %s: %s, not %s",
                 aWord[i], aSt[i], aStem[i]);
    }
    for (int i = 0; i < 4; i++) {
        assert_string_equal(aKey[n + i], aTerm[i]);
    }
    th_rmtree(zDir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocab_bytes),
        cmocka_unit_test(test_vocab_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
