/*
** escape.c -- what a document id may hold, and how text from the input is
** written out: one escaping function per kind of output.
**
** Text that came from the input (ids, titles, sources, field values, the
** stored text, query strings, file names, dates quoted in a warning) may
** hold any bytes.  Nothing of it reaches a terminal raw: every output goes
** through one of the functions below, which differ only in what the format
** can express.
**
**   kind     what is escaped                       how
**   text     C0 controls, DEL, C1 controls         \xHH for each byte
**            (U+0080..U+009F), invalid UTF-8
**   lines    the same, except tab, newline and     \xHH
**            the CR of a CRLF (the stored text's
**            own layout: kq show, --fields text)
**   tsv      as text, and the backslash            \t \n \r \\ and \xHH:
**                                                  reversible, byte-exact
**   csv      as lines (tab, newline and CRLF stay, \xHH, then RFC 4180
**            inside quotes: the stored text)       quoting
**   xml      what XML 1.0 forbids (C0 except tab,  U+FFFD; & < > " ' as
**            newline and CR, U+FFFE, U+FFFF,       entities
**            invalid UTF-8), DEL and C1
**   json     invalid UTF-8 (U+FFFD) before         jansson's \u escapes for
**            jansson; after its dump, DEL and C1   C0; \u007f, \u0080..
**            (left raw by jansson)                 \u009f added
**
** Ids are stricter (kq_id_check): kq-index refuses a document whose id
** holds a control character, is not valid UTF-8 or is longer than
** KQ_MAX_ID, so an id written by `kq --format=ids` is the id itself and
** `kq show -` reads it back.  The escapes above still apply to every id
** written: a reader does not check the ids again, and an index's files may
** be damaged or made by another program.
*/
#include "kq_int.h"

#include <string.h>
#include <utf8proc.h>

/* One character of z[0..n) at i: its length in bytes, and in *pc the code
** point, or -1 for a byte that does not start valid UTF-8 (utf8proc also
** refuses surrogates and overlong forms). */
static size_t
char_at(const u8 *z, size_t n, size_t i, int32_t *pc)
{
    if (z[i] < 0x80) {
        *pc = z[i];
        return 1;
    }
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

/* C0, DEL and C1: what a terminal may take for a command. */
static int
is_control(int32_t c)
{
    return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

int
kq_id_check(const char *zId, size_t nId, char **pzErr)
{
    if (zId == NULL || nId == 0) {
        return kqi_err(pzErr, KQ_MISUSE, "document without an id");
    }
    if (nId > KQ_MAX_ID) {
        return kqi_err(pzErr, KQ_MISUSE,
                       "document id of %zu bytes (at most "
                       "%d)",
                       nId, KQ_MAX_ID);
    }
    const u8 *z = (const u8 *)zId;
    for (size_t i = 0; i < nId;) {
        int32_t c;
        size_t l = char_at(z, nId, i, &c);
        if (c < 0) {
            return kqi_err(pzErr, KQ_MISUSE,
                           "document id is not valid "
                           "UTF-8 (byte %zu)",
                           i + 1);
        }
        if (is_control(c)) {
            return kqi_err(pzErr, KQ_MISUSE,
                           "document id holds control "
                           "character U+%04X (byte %zu)",
                           (unsigned)c, i + 1);
        }
        i += l;
    }
    return KQ_OK;
}

static void
put_hex(kq_buf *b, u8 c)
{
    static const char azHex[] = "0123456789abcdef";
    char a[4] = {'\\', 'x', azHex[c >> 4], azHex[c & 15]};
    kq_buf_append(b, a, 4);
}

/* The text, lines and tsv kinds: eKind KQ_ESC_TEXT, _LINES or _TSV. */
static void
esc_backslash(kq_buf *b, const char *zIn, size_t n, int eKind)
{
    const u8 *z = (const u8 *)zIn;
    for (size_t i = 0; i < n;) {
        int32_t c;
        size_t l = char_at(z, n, i, &c);
        if (eKind == KQ_ESC_TSV &&
            (c == '\t' || c == '\n' || c == '\r' || c == '\\')) {
            char a[2] = {'\\', c == '\t'   ? 't'
                               : c == '\n' ? 'n'
                               : c == '\r' ? 'r'
                                           : '\\'};
            kq_buf_append(b, a, 2);
        } else if (eKind == KQ_ESC_LINES &&
                   (c == '\t' || c == '\n' ||
                    (c == '\r' && i + 1 < n && z[i + 1] == '\n'))) {
            kq_buf_putc(b, (u8)c);
        } else if (c < 0 || is_control(c)) {
            for (size_t k = 0; k < l; k++) {
                put_hex(b, z[i + k]);
            }
        } else {
            kq_buf_append(b, z + i, l);
        }
        i += l;
    }
}

static void
esc_csv(kq_buf *b, const char *z, size_t n)
{
    kq_buf e = {0};
    esc_backslash(&e, z, n, KQ_ESC_LINES);
    if (e.rc) {
        b->rc = e.rc;
    } else if (e.n == 0 || memchr(e.a, '"', e.n) == NULL) {
        int bQuote = 0;
        for (size_t i = 0; i < e.n && !bQuote; i++) {
            bQuote = e.a[i] == ',' || e.a[i] == '\n' || e.a[i] == '\r';
        }
        if (bQuote) {
            kq_buf_putc(b, '"');
        }
        kq_buf_append(b, e.a, e.n);
        if (bQuote) {
            kq_buf_putc(b, '"');
        }
    } else {
        kq_buf_putc(b, '"');
        for (size_t i = 0; i < e.n; i++) {
            if (e.a[i] == '"') {
                kq_buf_putc(b, '"');
            }
            kq_buf_putc(b, e.a[i]);
        }
        kq_buf_putc(b, '"');
    }
    kq_buf_free(&e);
}

static void
esc_xml(kq_buf *b, const char *zIn, size_t n)
{
    const u8 *z = (const u8 *)zIn;
    for (size_t i = 0; i < n;) {
        int32_t c;
        size_t l = char_at(z, n, i, &c);
        switch (c) {
        case '&': kq_buf_append(b, "&amp;", 5); break;
        case '<': kq_buf_append(b, "&lt;", 4); break;
        case '>': kq_buf_append(b, "&gt;", 4); break;
        case '"': kq_buf_append(b, "&quot;", 6); break;
        case '\'': kq_buf_append(b, "&apos;", 6); break;
        default:
            if ((c < 0 || is_control(c) || c == 0xfffe || c == 0xffff) &&
                c != '\t' && c != '\n' && c != '\r') {
                kq_buf_append(b, "\xef\xbf\xbd", 3); /* U+FFFD */
            } else {
                kq_buf_append(b, z + i, l);
            }
        }
        i += l;
    }
}

/* Valid UTF-8 for jansson: invalid bytes become U+FFFD, the rest (NUL and
** controls included: jansson escapes them) is kept. */
static void
esc_utf8(kq_buf *b, const char *zIn, size_t n)
{
    const u8 *z = (const u8 *)zIn;
    for (size_t i = 0; i < n;) {
        int32_t c;
        size_t l = char_at(z, n, i, &c);
        if (c < 0) {
            kq_buf_append(b, "\xef\xbf\xbd", 3);
        } else {
            kq_buf_append(b, z + i, l);
        }
        i += l;
    }
}

static void
esc_json(kq_buf *b, const char *zJson, size_t n)
{
    /* jansson writes DEL and U+0080..U+009F raw; in a JSON document they
    ** can only be inside strings, where \u escapes mean the same. */
    static const char azHex[] = "0123456789abcdef";
    const u8 *z = (const u8 *)zJson;
    size_t iFrom = 0;
    for (size_t i = 0; i < n; i++) {
        int c = -1;
        if (z[i] == 0x7f) {
            c = 0x7f;
        } else if (z[i] == 0xc2 && i + 1 < n && z[i + 1] >= 0x80 &&
                   z[i + 1] < 0xa0) {
            c = z[i + 1];
        }
        if (c >= 0) {
            char a[6] = {'\\', 'u', '0', '0', azHex[c >> 4], azHex[c & 15]};
            kq_buf_append(b, z + iFrom, i - iFrom);
            kq_buf_append(b, a, 6);
            i += c == 0x7f ? 0 : 1;
            iFrom = i + 1;
        }
    }
    kq_buf_append(b, z + iFrom, n - iFrom);
}

void
kq_buf_escape(kq_buf *b, const char *z, size_t n, int eKind)
{
    if (z == NULL) {
        n = 0;
    }
    switch (eKind) {
    case KQ_ESC_CSV: esc_csv(b, z, n); break;
    case KQ_ESC_XML: esc_xml(b, z, n); break;
    case KQ_ESC_UTF8: esc_utf8(b, z, n); break;
    case KQ_ESC_JSON: esc_json(b, z, n); break;
    default: esc_backslash(b, z, n, eKind); break;
    }
}

char *
kq_escape(const char *z, size_t n, int eKind)
{
    kq_buf b = {0};
    kq_buf_escape(&b, z, n, eKind);
    kq_buf_putc(&b, 0);
    if (b.rc) {
        kq_buf_free(&b);
        return NULL;
    }
    return (char *)b.a;
}
