/*
** fuzz_index.c -- libFuzzer target: opening and reading a damaged index
** (common/format/manifest.c, segment.c, dict.c, postings.c, doctab.c, index.c,
** common/search/, snippet.c: everything that reads index files).
**
** Input: an archive of the files of an index directory, entries back to
** back, each
**     u8       name length N (1..255)
**     N bytes  file name (no '/', no NUL, not "." or "..": else the entry
**              is skipped)
**     u32 LE   data length L (clamped to what is left of the input)
**     L bytes  file contents
** A truncated name ends the archive; at most 64 entries are used.  Seeds
** are packed from real indexes by tests/fuzz/make-index-seed.sh (at build
** time, since the format is still changing: no binary index is committed).
**
** For each input the files are written into a directory created once per
** process (fz_tmpdir()/idx, emptied first), then:
**   - fix-ups, so that mutations get past the checksums (KQ_FUZZ_INDEX_RAW=1
**     turns them off).  They assume only that kq.manifest ends with the
**     CRC32 of the bytes before it, and that it stores each segment file's
**     size (u64 LE) followed by its CRC32 (u32 LE): for every other file
**     whose size appears in the manifest (after the 16-byte header) but not
**     followed by the file's CRC32, that CRC32 is written there (each place
**     used once), then the manifest's own CRC32 is rewritten.  If the format
**     stops matching these assumptions the fix-ups only do less;
**   - kq_index_open(); if it succeeds: kq_index_stats(), a fixed set of
**     queries through kq_search() (and kq_search_ex(KQ_SEARCH_ESTIMATE) for
**     the ranked OR ones), kq_index_doc() and kq_index_text() for each hit
**     (every byte of what they return is read), a snippet of the best hit,
**     the signature walk (kq_index_each_sig()) and its clusters
**     (kq_dups_cluster()), and kq_index_check(); then kq_index_close().
** Every return code is fine; crashes, leaks and undefined behaviour are
** not, nor is a file mapping left open after kq_index_close().  The index
** files are read as exact-size heap copies instead of mappings (see
** FZ_MAP_EMULATION in fuzz_util.h), so ASan catches any read past the end
** of a file.
*/
#define FZ_MAP_EMULATION
#include "fuzz_util.h"

#include "../../common/kq.h"

#include <zlib.h>

#define MAX_ENTRY 64

typedef struct entry {
    char zName[256];
    const uint8_t *a;
    size_t n;
} entry;

static char g_zDir[4200];
static int g_bRaw;

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv)
{
    (void)pArgc;
    (void)pArgv;
    fz_init();
    fz_path(g_zDir, sizeof g_zDir, "idx");
    FZ_CHECK(mkdir(g_zDir, 0755) == 0, "mkdir %s: %s", g_zDir,
             strerror(errno));
    const char *z = getenv("KQ_FUZZ_INDEX_RAW");
    g_bRaw = z && *z && *z != '0';
    return 0;
}

/* Parse the archive into a[]; returns the number of entries. */
static int parse_archive(const uint8_t *p, size_t n, entry *a)
{
    int nEntry = 0;
    size_t i = 0;
    while (i < n && nEntry < MAX_ENTRY) {
        size_t nName = p[i++];
        if (nName == 0 || n - i < nName) break;
        const uint8_t *zName = p + i;
        i += nName;
        size_t nData = 0;
        for (int k = 0; k < 4 && i < n; k++) nData |= (size_t)p[i++] << (8 * k);
        if (nData > n - i) nData = n - i;
        const uint8_t *aData = p + i;
        i += nData;
        int bOk = !(nName == 1 && zName[0] == '.') &&
                  !(nName == 2 && zName[0] == '.' && zName[1] == '.');
        for (size_t k = 0; k < nName; k++) {
            if (zName[k] == '/' || zName[k] == '\0') bOk = 0;
        }
        if (!bOk) continue;
        memcpy(a[nEntry].zName, zName, nName);
        a[nEntry].zName[nName] = '\0';
        a[nEntry].a = aData;
        a[nEntry].n = nData;
        nEntry++;
    }
    return nEntry;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--) v = (v << 8) | p[k];
    return v;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k));
}

static uint32_t crc_of(const uint8_t *a, size_t n)
{
    return (uint32_t)crc32(0L, a, (uInt)n);
}

/* The fix-ups described at the top, on the manifest copy m[0..n). */
static void fix_manifest(uint8_t *m, size_t n, const entry *a, int nEntry,
                         int iMan)
{
    if (n < 16 + 12 + 4) return;
    size_t nBody = n - 4;           /* where the trailing CRC32 starts */
    size_t aClaim[MAX_ENTRY];
    int nClaim = 0;
    int aDone[MAX_ENTRY] = {0};
    uint8_t aPat[12];

    /* Pass 1: files whose (size, CRC32) is already there. */
    for (int e = 0; e < nEntry; e++) {
        if (e == iMan) continue;
        uint32_t crc = crc_of(a[e].a, a[e].n);
        for (int k = 0; k < 8; k++) aPat[k] = (uint8_t)((uint64_t)a[e].n >> (8 * k));
        put_u32(aPat + 8, crc);
        for (size_t o = 16; o + 12 <= nBody; o++) {
            if (memcmp(m + o, aPat, 12) == 0) {
                aClaim[nClaim++] = o;
                aDone[e] = 1;
                break;
            }
        }
    }
    /* Pass 2: the first unclaimed place holding the size of the file. */
    for (int e = 0; e < nEntry; e++) {
        if (e == iMan || aDone[e]) continue;
        for (size_t o = 16; o + 12 <= nBody; o++) {
            if (get_u64(m + o) != (uint64_t)a[e].n) continue;
            int bFree = 1;
            for (int c = 0; c < nClaim; c++) {
                if (o < aClaim[c] + 12 && aClaim[c] < o + 12) bFree = 0;
            }
            if (!bFree) continue;
            put_u32(m + o + 8, crc_of(a[e].a, a[e].n));
            aClaim[nClaim++] = o;
            break;
        }
    }
    put_u32(m + nBody, crc_of(m, nBody));
}

static void clear_dir(void)
{
    DIR *d = opendir(g_zDir);
    FZ_CHECK(d != NULL, "opendir %s: %s", g_zDir, strerror(errno));
    struct dirent *e;
    char z[4200 + 300];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(z, sizeof z, "%s/%s", g_zDir, e->d_name);
        FZ_CHECK(unlink(z) == 0, "unlink %s: %s", z, strerror(errno));
    }
    closedir(d);
}

/* Queries over the words of the seed corpus (corpus/000*.txt): terms,
** boolean forms, phrases, prefixes, a ranked OR of common words. */
static const struct { const char *z; int bOr; } aQuery[] = {
    {"ceasefire", 0},
    {"ceasefire AND peacekeepers", 0},
    {"\"ceasefire line\"", 0},
    {"peace*", 0},
    {"troops OR kashmir OR armenian", 1},
    {"uk -troops", 0},
    {"(bus OR link) AND NOT straw", 0},
    {"the of and to in a", 1},
    {"\"the region\" OR evacu* OR government", 1},
};

static void read_text(kq_index *p, kq_docid iDoc, const kq_query *q)
{
    char *zErr = NULL;
    const kq_docinfo *info = NULL;
    if (kq_index_doc(p, iDoc, &info, &zErr) == KQ_OK) {
        fz_touch(info->zId, info->nId);
        fz_touch(info->zTitle, info->nTitle);
        fz_touch(info->zDate, info->nDate);
        fz_touch(info->zSource, info->nSource);
    }
    free(zErr);
    zErr = NULL;
    char *zText = NULL;
    size_t nText = 0;
    if (kq_index_text(p, iDoc, &zText, &nText, &zErr) == KQ_OK) {
        fz_touch(zText, nText);
        if (q) {
            /* Damage may make any call fail; none may crash. */
            kq_matcher *m = NULL;
            const kq_match *a = NULL;
            size_t n = 0;
            int bMatch;
            if (kq_matcher_new(p, q, &m, NULL) == KQ_OK &&
                kq_matcher_doc(m, iDoc, &bMatch, &a, &n, NULL) == KQ_OK) {
                kq_match *aM = malloc(sizeof(kq_match) * (n + 1));
                kq_snippet *aSnip = NULL;
                int nSnip = 0;
                if (aM) {
                    if (n) {
                        memcpy(aM, a, sizeof(kq_match) * n);
                    }
                    kq_match_locate(kq_index_analyzer(p),
                                    info ? info->zTitle : NULL,
                                    info ? info->nTitle : 0, zText, nText, aM,
                                    n);
                    if (kq_snippets_make(kq_index_analyzer(p), zText, nText,
                                         aM, n, 12, 2, &aSnip,
                                         &nSnip) == KQ_OK) {
                        for (int k = 0; k < nSnip; k++) {
                            fz_touch(aSnip[k].zText, aSnip[k].nText);
                            fz_touch(aSnip[k].aHl,
                                     aSnip[k].nHl * 2 * sizeof(size_t));
                        }
                    }
                }
                kq_snippets_free(aSnip, nSnip);
                free(aM);
            }
            kq_matcher_free(m);
        }
    }
    free(zText);
    free(zErr);
}

static void run_queries(kq_index *p)
{
    const kq_stats *st = kq_index_stats(p);
    fz_touch(st, sizeof *st);
    for (size_t i = 0; i < sizeof aQuery / sizeof aQuery[0]; i++) {
        kq_query *q = NULL;
        int iCol = 0;
        char *zErr = NULL;
        if (kq_query_parse(kq_index_analyzer(p), aQuery[i].z, &q, &iCol,
                           &zErr) != KQ_OK) {
            free(zErr);
            continue;
        }
        kq_hit *aHit = NULL;
        size_t nHit = 0;
        uint64_t nTotal = 0;
        if (kq_search(p, q, 0, 10, &aHit, &nHit, &nTotal, &zErr) == KQ_OK) {
            FZ_CHECK(nHit <= 10, "%zu hits for a limit of 10", nHit);
            for (size_t h = 0; h < nHit; h++) {
                read_text(p, aHit[h].iDoc, h == 0 ? q : NULL);
            }
        }
        free(aHit);
        aHit = NULL;
        free(zErr);
        zErr = NULL;
        if (aQuery[i].bOr) {
            int bExact = 0;
            if (kq_search_ex(p, q, KQ_SEARCH_ESTIMATE, 0, 3, &aHit, &nHit,
                             &nTotal, &bExact, &zErr) == KQ_OK) {
                FZ_CHECK(nHit <= 3, "%zu hits for a limit of 3", nHit);
            }
            free(aHit);
            free(zErr);
            zErr = NULL;
        }
        kq_query_free(q);
    }
}

/* Every live document's signature (reading sig[] of each segment), then
** their clusters at 3 bits. */
typedef struct sigs {
    uint64_t a[256];
    size_t n;
} sigs;

static int
sig_cb(void *pCtx, kq_docid iDoc, uint64_t nSig)
{
    sigs *s = pCtx;
    (void)iDoc;
    FZ_CHECK(nSig != 0, "kq_index_each_sig: a document without a signature");
    if (s->n < sizeof(s->a) / sizeof(s->a[0])) {
        s->a[s->n++] = nSig;
    }
    return 0;
}

static void
walk_sigs(kq_index *p)
{
    sigs s;
    size_t aRep[256];
    char *zErr = NULL;
    s.n = 0;
    if (kq_index_each_sig(p, &s, sig_cb, &zErr) == KQ_OK) {
        FZ_CHECK(kq_dups_cluster(s.a, s.n, 3, aRep, &zErr) == KQ_OK,
                 "kq_dups_cluster failed");
        for (size_t i = 0; i < s.n; i++) {
            FZ_CHECK(aRep[i] <= i, "a cluster's root after a member");
        }
    }
    free(zErr);
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
    static entry a[MAX_ENTRY];
    int nEntry = parse_archive(aData, nData, a);

    clear_dir();
    int iMan = -1;
    for (int e = 0; e < nEntry; e++) {
        if (strcmp(a[e].zName, "kq.manifest") == 0) iMan = e;  /* last wins */
    }
    for (int e = 0; e < nEntry; e++) {
        char zPath[4200 + 300];
        snprintf(zPath, sizeof zPath, "%s/%s", g_zDir, a[e].zName);
        if (e == iMan && !g_bRaw) {
            uint8_t *m = malloc(a[e].n ? a[e].n : 1);
            FZ_CHECK(m != NULL, "out of memory");
            memcpy(m, a[e].a, a[e].n);
            fix_manifest(m, a[e].n, a, nEntry, iMan);
            fz_write_file(zPath, m, a[e].n);
            free(m);
        } else if (!(iMan >= 0 && e != iMan &&
                     strcmp(a[e].zName, "kq.manifest") == 0)) {
            fz_write_file(zPath, a[e].a, a[e].n);
        }
    }

    kq_index *p = NULL;
    char *zErr = NULL;
    int rc = kq_index_open(g_zDir, &p, &zErr);
    free(zErr);
    zErr = NULL;
    if (rc == KQ_OK) {
        FZ_CHECK(p != NULL, "kq_index_open: KQ_OK without an index");
        run_queries(p);
        /* A few documents by number, hits or not, and one past the end. */
        uint64_t nDoc = kq_index_stats(p)->nDoc;
        for (uint64_t d = 0; d < nDoc && d < 4; d++) {
            read_text(p, (kq_docid)d, NULL);
        }
        read_text(p, (kq_docid)(nDoc < KQ_DOCID_EOF ? nDoc : 0), NULL);
        walk_sigs(p);
        kq_index_check(p, &zErr);
        free(zErr);
        kq_index_close(p);
    } else {
        FZ_CHECK(p == NULL, "kq_index_open failed (rc %d) but returned an "
                 "index", rc);
    }
    FZ_CHECK(fz_map_count() == 0, "%d file mappings left open after "
             "kq_index_close()", fz_map_count());
    return 0;
}
