/*
** output.c -- the output formats every command shares: TSV, CSV (RFC 4180
** quoting), JSON Lines and JSON tables, colour, and text widths for the
** aligned columns of the human formats.
*/
#include "cli.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* https://no-color.org: a non-empty $NO_COLOR turns colour off unless the
** command line asks for it (--color=always). */
int
color_auto(void)
{
    const char *z = getenv("NO_COLOR");
    if (z && z[0]) {
        return 0;
    }
    return isatty(STDOUT_FILENO);
}

int
term_width(void)
{
    struct winsize ws;
    if (!isatty(STDOUT_FILENO)) {
        return 0;
    }
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        return ws.ws_col;
    }
    const char *z = getenv("COLUMNS");
    int n = z ? atoi(z) : 0;
    return n > 0 ? n : 80;
}

void
put_spaces(FILE *f, size_t n)
{
    static const char z[] = "                                ";
    while (n > 0) {
        size_t k = n < sizeof(z) - 1 ? n : sizeof(z) - 1;
        fwrite(z, 1, k, f);
        n -= k;
    }
}

/* Every string from the input is written by one of these: the escaping
** of each kind of output is defined once, in common/escape.c. */
void
esc_put(FILE *f, const char *z, size_t n, int eKind)
{
    kq_buf b = {0};
    kq_buf_escape(&b, z, n, eKind);
    if (b.rc == KQ_OK && b.n > 0) {
        fwrite(b.a, 1, b.n, f);
    }
    kq_buf_free(&b);
}

void
text_put(FILE *f, const char *z)
{
    esc_put(f, z, z ? strlen(z) : 0, KQ_ESC_TEXT);
}

/* TSV cannot quote, so the characters that would break a row or be
** ambiguous are written as backslash escapes (\t \n \r \\, and \xHH for
** other control characters and invalid UTF-8, as PostgreSQL's text format
** reads them). */
void
tsv_put(FILE *f, const char *z)
{
    esc_put(f, z, z ? strlen(z) : 0, KQ_ESC_TSV);
}

void
csv_put(FILE *f, const char *z)
{
    esc_put(f, z, z ? strlen(z) : 0, KQ_ESC_CSV);
}

void
msg_put(const char *zFmt, ...)
{
    va_list ap;
    va_start(ap, zFmt);
    int nFmt = vsnprintf(NULL, 0, zFmt, ap);
    va_end(ap);
    char *z = nFmt < 0 ? NULL : malloc((size_t)nFmt + 1);
    if (z) {
        va_start(ap, zFmt);
        vsnprintf(z, (size_t)nFmt + 1, zFmt, ap);
        va_end(ap);
    }
    size_t n = z ? strlen(z) : 0;
    if (n > 0 && z[n - 1] == '\n') {
        n--;
    }
    kq_buf b = {0};
    kq_buf_escape(&b, z ? z : "out of memory", z ? n : 13, KQ_ESC_TEXT);
    kq_buf_putc(&b, '\n');
    if (b.rc == KQ_OK) {
        fwrite(b.a, 1, b.n, stderr);
    }
    kq_buf_free(&b);
    free(z);
}

json_t *
json_text(const char *z, size_t n)
{
    /* json_stringn: a NUL in the text is kept (jansson writes \u0000). */
    kq_buf b = {0};
    kq_buf_escape(&b, z, z ? n : 0, KQ_ESC_UTF8);
    json_t *v = b.rc ? NULL : json_stringn(b.n ? (const char *)b.a : "", b.n);
    kq_buf_free(&b);
    return v ? v : json_null();
}

void
json_put(FILE *f, const json_t *v, size_t flags)
{
    /* jansson escapes C0 controls but not DEL and C1: KQ_ESC_JSON adds
    ** those. */
    char *z = json_dumps(v, flags);
    if (z) {
        kq_buf b = {0};
        kq_buf_escape(&b, z, strlen(z), KQ_ESC_JSON);
        if (b.rc == KQ_OK) {
            fwrite(b.a, 1, b.n, f);
        }
        kq_buf_free(&b);
        free(z);
    }
}

void
json_print(json_t *v, int bPretty)
{
    /* Indented for a person at a terminal, one line for a program (as gh
    ** and kubectl do): jq reads either. */
    bPretty = bPretty && isatty(STDOUT_FILENO);
    json_put(stdout, v,
             JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) |
                 (bPretty ? JSON_INDENT(2) : JSON_COMPACT));
    putchar('\n');
}

/**************************************************************************
** Tables.
*/
json_t *
jsonl_object(const char *zType)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(zType));
    return o;
}

void
table_begin(table *t, FILE *f, int eFmt, int nCol, const char *const *azCol,
            const char *zType)
{
    memset(t, 0, sizeof(*t));
    t->f = f;
    t->eFmt = eFmt;
    t->nCol = nCol;
    t->azCol = azCol;
    t->zType = zType;
    if (eFmt == FMT_TSV || eFmt == FMT_CSV) {
        for (int i = 0; i < nCol; i++) {
            if (i) {
                fputc(eFmt == FMT_TSV ? '\t' : ',', f);
            }
            text_put(f, azCol[i]); /* our own names */
        }
        fputc('\n', f);
    } else if (eFmt == FMT_JSON) {
        t->pRows = json_array();
    }
}

static void
table_cell(table *t, json_t *v, const char *zFlat, size_t nFlat)
{
    if (t->eFmt == FMT_TSV || t->eFmt == FMT_CSV) {
        if (t->iCol) {
            fputc(t->eFmt == FMT_TSV ? '\t' : ',', t->f);
        }
        esc_put(t->f, zFlat, nFlat,
                t->eFmt == FMT_TSV ? KQ_ESC_TSV : KQ_ESC_CSV);
        json_decref(v);
    } else {
        if (t->pRow == NULL) {
            t->pRow = t->eFmt == FMT_JSONL ? jsonl_object(t->zType)
                                           : json_object();
        }
        if (t->iCol < t->nCol) {
            json_object_set_new(t->pRow, t->azCol[t->iCol],
                                v ? v : json_null());
        } else {
            json_decref(v);
        }
    }
    t->iCol++;
}

void
table_str(table *t, const char *z)
{
    table_strn(t, z, z ? strlen(z) : 0);
}

void
table_strn(table *t, const char *z, size_t n)
{
    table_cell(t, z ? json_text(z, n) : json_null(), z, n);
}

void
table_int(table *t, long long v)
{
    char z[32];
    snprintf(z, sizeof(z), "%lld", v);
    table_cell(t, json_integer((json_int_t)v), z, strlen(z));
}

void
table_real(table *t, double v)
{
    char z[64];
    if (isnan(v) || isinf(v)) {
        table_cell(t, json_null(), "", 0);
        return;
    }
    snprintf(z, sizeof(z), "%.10g", v);
    table_cell(t, json_real(v), z, strlen(z));
}

void
table_json(table *t, json_t *v, const char *zFlat)
{
    table_cell(t, v, zFlat, zFlat ? strlen(zFlat) : 0);
}

void
table_row_end(table *t)
{
    if (t->eFmt == FMT_TSV || t->eFmt == FMT_CSV) {
        fputc('\n', t->f);
    } else if (t->pRow) {
        if (t->eFmt == FMT_JSON) {
            json_array_append_new(t->pRows, t->pRow);
        } else {
            json_put(t->f, t->pRow,
                     JSON_COMPACT | JSON_PRESERVE_ORDER |
                         JSON_REAL_PRECISION(10));
            fputc('\n', t->f);
            json_decref(t->pRow);
        }
    }
    t->pRow = NULL;
    t->iCol = 0;
}

void
table_end(table *t, json_t *pSummary, const char *zKey)
{
    if (t->eFmt == FMT_JSON) {
        json_t *o = json_object();
        if (pSummary) {
            json_object_set_new(o, "summary", pSummary);
            pSummary = NULL;
        }
        json_object_set_new(o, zKey, t->pRows);
        t->pRows = NULL;
        json_print(o, 1);
        json_decref(o);
    } else if (t->eFmt == FMT_JSONL && pSummary) {
        json_t *o = jsonl_object(JSONL_SUMMARY);
        /* (kept for scripts written before "type") */
        json_object_set_new(o, "summary", json_true());
        json_object_update(o, pSummary);
        json_put(t->f, o,
                 JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        fputc('\n', t->f);
        json_decref(o);
    }
    json_decref(pSummary);
    json_decref(t->pRow);
    t->pRow = NULL;
}
