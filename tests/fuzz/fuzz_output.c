/*
** fuzz_output.c -- libFuzzer target: the escaping of every output kind
** (common/escape.c) and the writers of kq's formats (query/output.c).
**
** Input: any bytes.  The whole input is one string s; it is also cut at
** its first three 0x1f bytes into four cells (id, title, source, snippet)
** for the table writers.  Invariants:
**   - kq_id_check(s) accepts s only if s is 1..KQ_MAX_ID bytes of valid
**     UTF-8 without C0, DEL or C1; an accepted id is written unchanged by
**     the text kind (so `kq --format=ids | kq show -` round-trips).
**   - text, lines, tsv, csv: the output is valid UTF-8 and holds no control
**     character (C0, DEL, C1), except tab, newline and the CR of a CRLF for
**     lines and csv.
**   - text: decoding \xHH gives back s when s holds no backslash.
**   - lines: the same, and each kept CR is followed by a newline.
**   - tsv: decoding \t \n \r \\ \xHH gives back s exactly (reversible).
**   - csv: an RFC 4180 parser reads exactly one field, equal to the lines
**     escape of s (s itself if s needs no escape).
**   - xml: every character is an XML 1.0 Char, '<' '>' never appear, '&'
**     starts one of the five predefined entities; decoding the entities
**     gives back s when s is valid UTF-8 holding only characters kept.
**   - json: json_text(s) written by json_put() is parsed back by jansson
**     (JSON_ALLOW_NUL) to the string s with invalid UTF-8 as U+FFFD -- s
**     itself when s is valid UTF-8 --, and the text holds no control
**     character (C0, DEL, C1) raw.
**   - the table writers (tsv, csv, jsonl) write one row of the four cells
**     that parses back to four fields equal to each cell's escape.
** Crashes, leaks, undefined behaviour and failed invariants are bugs.
*/
#include "fuzz_util.h"

#include "../../common/kq_int.h" /* u8 */
#include "../../query/cli.h"

#include <utf8proc.h>

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv)
{
    (void)pArgc;
    (void)pArgv;
    fz_init();
    return 0;
}

/* The character at z[i]: its length, *pc the code point or -1 (invalid). */
static size_t
cp_at(const u8 *z, size_t n, size_t i, int32_t *pc)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t l = utf8proc_iterate(z + i, (utf8proc_ssize_t)(n - i),
                                          &c);
    if (l < 1) {
        *pc = -1;
        return 1;
    }
    *pc = c;
    return (size_t)l;
}

static int
is_ctl(int32_t c)
{
    return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

static int
valid_utf8(const u8 *z, size_t n)
{
    for (size_t i = 0; i < n;) {
        int32_t c;
        i += cp_at(z, n, i, &c);
        if (c < 0) {
            return 0;
        }
    }
    return 1;
}

/* Valid UTF-8 with no control character except, with bLayout, tab,
** newline and the CR of a CRLF. */
static int
clean_out(const u8 *z, size_t n, int bLayout)
{
    for (size_t i = 0; i < n;) {
        int32_t c;
        size_t l = cp_at(z, n, i, &c);
        if (c < 0) {
            return 0;
        }
        if (is_ctl(c) && !(bLayout && (c == '\t' || c == '\n' ||
                                       (c == '\r' && i + 1 < n &&
                                        z[i + 1] == '\n')))) {
            return 0;
        }
        i += l;
    }
    return 1;
}

static int
hexval(u8 c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode \xHH (and with bTsv \t \n \r \\) into b; 0 if malformed. */
static int
unescape(kq_buf *b, const u8 *z, size_t n, int bTsv)
{
    for (size_t i = 0; i < n; i++) {
        if (z[i] != '\\') {
            kq_buf_putc(b, z[i]);
            continue;
        }
        if (i + 3 < n && z[i + 1] == 'x' && hexval(z[i + 2]) >= 0 &&
            hexval(z[i + 3]) >= 0) {
            kq_buf_putc(b, (u8)(hexval(z[i + 2]) * 16 + hexval(z[i + 3])));
            i += 3;
        } else if (bTsv && i + 1 < n && strchr("tnr\\", z[i + 1]) &&
                   z[i + 1] != 0) {
            u8 c = z[i + 1];
            kq_buf_putc(b, c == 't' ? '\t' : c == 'n' ? '\n'
                            : c == 'r' ? '\r' : '\\');
            i++;
        } else if (bTsv) {
            return 0;
        } else {
            kq_buf_putc(b, z[i]);
        }
    }
    return 1;
}

static int
same(const kq_buf *b, const void *z, size_t n)
{
    return b->n == n && (n == 0 || memcmp(b->a, z, n) == 0);
}

/* One RFC 4180 field at z[*pi]: appended to b, *pi past it; returns the
** byte after it (',' or '\n' or 0 at the end), or -1 if malformed. */
static int
csv_field(const u8 *z, size_t n, size_t *pi, kq_buf *b)
{
    size_t i = *pi;
    if (i < n && z[i] == '"') {
        for (i++;; i++) {
            if (i >= n) {
                return -1;
            }
            if (z[i] == '"') {
                if (i + 1 < n && z[i + 1] == '"') {
                    kq_buf_putc(b, '"');
                    i++;
                    continue;
                }
                i++;
                break;
            }
            kq_buf_putc(b, z[i]);
        }
    } else {
        for (; i < n && z[i] != ',' && z[i] != '\n'; i++) {
            if (z[i] == '"' || z[i] == '\r') {
                return -1;   /* must have been quoted */
            }
            kq_buf_putc(b, z[i]);
        }
    }
    *pi = i;
    if (i == n) {
        return 0;
    }
    if (z[i] != ',' && z[i] != '\n') {
        return -1;
    }
    *pi = i + 1;
    return z[i];
}

static void
check_xml(const u8 *zIn, size_t nIn, const u8 *z, size_t n)
{
    static const char *const azEnt[] = {"&amp;", "&lt;", "&gt;", "&quot;",
                                        "&apos;"};
    static const char aCh[] = "&<>\"'";
    kq_buf d = {0};
    for (size_t i = 0; i < n;) {
        int32_t c;
        size_t l = cp_at(z, n, i, &c);
        FZ_CHECK(c >= 0, "xml: invalid UTF-8 at byte %zu", i);
        FZ_CHECK(c == 0x9 || c == 0xa || c == 0xd ||
                 (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
                 c >= 0x10000, "xml: U+%04X is not an XML Char", (unsigned)c);
        FZ_CHECK(c != '<' && c != '>', "xml: raw %c", (char)c);
        if (c == '&') {
            int k;
            for (k = 0; k < 5; k++) {
                size_t m = strlen(azEnt[k]);
                if (n - i >= m && memcmp(z + i, azEnt[k], m) == 0) {
                    break;
                }
            }
            FZ_CHECK(k < 5, "xml: '&' at %zu starts no entity", i);
            kq_buf_putc(&d, (u8)aCh[k]);
            i += strlen(azEnt[k]);
            continue;
        }
        kq_buf_append(&d, z + i, l);
        i += l;
    }
    /* Round trip for text XML can hold as it is. */
    int bKept = 1;
    for (size_t i = 0; i < nIn && bKept;) {
        int32_t c;
        i += cp_at(zIn, nIn, i, &c);
        bKept = c >= 0 && (c == '\t' || c == '\n' || c == '\r' ||
                           (!is_ctl(c) && c != 0xfffe && c != 0xffff));
    }
    FZ_CHECK(!bKept || same(&d, zIn, nIn), "xml: entities do not decode to "
             "the input");
    kq_buf_free(&d);
}

static void
check_json(const u8 *z, size_t n)
{
    char *zOut = NULL;
    size_t nOut = 0;
    FILE *f = open_memstream(&zOut, &nOut);
    FZ_CHECK(f != NULL, "open_memstream");
    json_t *v = json_text((const char *)z, n);
    json_put(f, v, JSON_COMPACT | JSON_ENCODE_ANY);
    fclose(f);
    FZ_CHECK(clean_out((const u8 *)zOut, nOut, 0), "json: a raw control "
             "character or invalid UTF-8 in the text");
    json_error_t err;
    json_t *w = json_loadb(zOut, nOut, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                           &err);
    FZ_CHECK(w != NULL && json_is_string(w), "json: not parsed back: %s",
             err.text);
    kq_buf want = {0};
    kq_buf_escape(&want, (const char *)z, n, KQ_ESC_UTF8);
    FZ_CHECK(same(&want, json_string_value(w), json_string_length(w)),
             "json: parsed back to another string");
    FZ_CHECK(!valid_utf8(z, n) || same(&want, z, n), "json: valid UTF-8 "
             "changed by the UTF-8 fix");
    kq_buf_free(&want);
    json_decref(v);
    json_decref(w);
    free(zOut);
}

/* The table writers: one row of the cells in eFmt, parsed back. */
static void
check_table(int eFmt, const u8 *const *az, const size_t *an)
{
    static const char *const azCol[] = {"id", "title", "source", "snippet"};
    char *zOut = NULL;
    size_t nOut = 0;
    FILE *f = open_memstream(&zOut, &nOut);
    FZ_CHECK(f != NULL, "open_memstream");
    table t;
    table_begin(&t, f, eFmt, 4, azCol, JSONL_HIT);
    for (int i = 0; i < 4; i++) {
        table_strn(&t, (const char *)az[i], an[i]);
    }
    table_row_end(&t);
    table_end(&t, NULL, "rows");
    fclose(f);
    const u8 *z = (const u8 *)zOut;
    if (eFmt == FMT_JSONL) {
        FZ_CHECK(nOut > 0 && z[nOut - 1] == '\n' &&
                 memchr(z, '\n', nOut) == z + nOut - 1,
                 "jsonl: not one line");
        FZ_CHECK(clean_out(z, nOut - 1, 0), "jsonl: raw control character");
        json_error_t err;
        json_t *o = json_loadb(zOut, nOut, JSON_ALLOW_NUL, &err);
        FZ_CHECK(o && json_is_object(o), "jsonl: not parsed: %s", err.text);
        json_t *ty = json_object_get(o, "type");
        FZ_CHECK(ty && json_is_string(ty) &&
                 strcmp(json_string_value(ty), JSONL_HIT) == 0,
                 "jsonl: no \"type\": \"hit\"");
        for (int i = 0; i < 4; i++) {
            json_t *v = json_object_get(o, azCol[i]);
            kq_buf want = {0};
            kq_buf_escape(&want, (const char *)az[i], an[i], KQ_ESC_UTF8);
            FZ_CHECK(v && json_is_string(v) &&
                     same(&want, json_string_value(v), json_string_length(v)),
                     "jsonl: cell %d differs", i);
            kq_buf_free(&want);
        }
        json_decref(o);
    } else {
        /* Skip the header line (our own column names). */
        const u8 *p = memchr(z, '\n', nOut);
        FZ_CHECK(p != NULL, "no header");
        size_t i = (size_t)(p - z) + 1;
        for (int k = 0; k < 4; k++) {
            kq_buf got = {0}, want = {0};
            if (eFmt == FMT_TSV) {
                size_t j = i;
                while (j < nOut && z[j] != '\t' && z[j] != '\n') {
                    j++;
                }
                FZ_CHECK(j < nOut && z[j] == (k == 3 ? '\n' : '\t'),
                         "tsv: cell %d not ended by the right separator", k);
                FZ_CHECK(unescape(&got, z + i, j - i, 1), "tsv: bad escape");
                FZ_CHECK(same(&got, az[k], an[k]), "tsv: cell %d differs", k);
                i = j + 1;
            } else {
                int e = csv_field(z, nOut, &i, &got);
                FZ_CHECK(e == (k == 3 ? '\n' : ','), "csv: cell %d ends with "
                         "%d", k, e);
                kq_buf_escape(&want, (const char *)az[k], an[k], KQ_ESC_LINES);
                FZ_CHECK(same(&got, want.a, want.n), "csv: cell %d differs",
                         k);
            }
            kq_buf_free(&got);
            kq_buf_free(&want);
        }
        FZ_CHECK(i == nOut, "table: bytes after the row");
    }
    free(zOut);
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
    const u8 *z = aData;
    size_t n = nData;

    /* Ids. */
    int bCtl = 0;
    for (size_t i = 0; i < n;) {
        int32_t c;
        i += cp_at(z, n, i, &c);
        bCtl |= c >= 0 && is_ctl(c);
    }
    int rc = kq_id_check((const char *)z, n, NULL);
    int bWant = n > 0 && n <= KQ_MAX_ID && valid_utf8(z, n) && !bCtl;
    FZ_CHECK((rc == KQ_OK) == bWant, "kq_id_check: rc %d, expected %s", rc,
             bWant ? "ok" : "a refusal");

    /* text and lines */
    for (int eKind = KQ_ESC_TEXT; eKind <= KQ_ESC_LINES; eKind++) {
        kq_buf b = {0}, d = {0};
        kq_buf_escape(&b, (const char *)z, n, eKind);
        FZ_CHECK(b.rc == KQ_OK, "out of memory");
        FZ_CHECK(clean_out(b.a, b.n, eKind == KQ_ESC_LINES), "%s: raw "
                 "control character or invalid UTF-8",
                 eKind == KQ_ESC_TEXT ? "text" : "lines");
        if (memchr(z, '\\', n) == NULL) {
            unescape(&d, b.a, b.n, 0);
            FZ_CHECK(same(&d, z, n), "\\xHH does not decode to the input");
        }
        if (rc == KQ_OK && eKind == KQ_ESC_TEXT) {
            FZ_CHECK(same(&b, z, n), "an accepted id is changed by text");
        }
        kq_buf_free(&b);
        kq_buf_free(&d);
    }

    /* tsv: reversible */
    {
        kq_buf b = {0}, d = {0};
        kq_buf_escape(&b, (const char *)z, n, KQ_ESC_TSV);
        FZ_CHECK(clean_out(b.a, b.n, 0), "tsv: raw control character");
        FZ_CHECK(unescape(&d, b.a, b.n, 1) && same(&d, z, n),
                 "tsv: does not decode to the input");
        kq_buf_free(&b);
        kq_buf_free(&d);
    }

    /* csv: one field */
    {
        kq_buf b = {0}, got = {0}, want = {0};
        kq_buf_escape(&b, (const char *)z, n, KQ_ESC_CSV);
        FZ_CHECK(clean_out(b.a, b.n, 1), "csv: raw control character");
        size_t i = 0;
        FZ_CHECK(csv_field(b.a, b.n, &i, &got) == 0 && i == b.n,
                 "csv: not one field");
        kq_buf_escape(&want, (const char *)z, n, KQ_ESC_LINES);
        FZ_CHECK(same(&got, want.a, want.n), "csv: field differs");
        kq_buf_free(&b);
        kq_buf_free(&got);
        kq_buf_free(&want);
    }

    /* xml */
    {
        kq_buf b = {0};
        kq_buf_escape(&b, (const char *)z, n, KQ_ESC_XML);
        check_xml(z, n, b.a, b.n);
        kq_buf_free(&b);
    }

    check_json(z, n);

    /* Table writers over four cells cut at 0x1f. */
    const u8 *az[4];
    size_t an[4];
    size_t i = 0;
    for (int k = 0; k < 4; k++) {
        const u8 *p = k < 3 ? memchr(z + i, 0x1f, n - i) : NULL;
        size_t j = p ? (size_t)(p - z) : n;
        az[k] = z + i;
        an[k] = j - i;
        i = j < n ? j + 1 : n;
    }
    check_table(FMT_TSV, az, an);
    check_table(FMT_CSV, az, an);
    check_table(FMT_JSONL, az, an);
    return 0;
}
