/*
** dates.c -- reading the dates of input documents (dates.h).
**
** The parser is a small tokenizer: it reads the string as numbers and
** words and tries the common patterns in turn.  It never reads past n and
** never trusts a field's width: every number is range-checked, every date
** is checked against the length of its month.
*/
#include "dates.h"
#include "../common/kq.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static int
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
days_in(int y, int m)
{
    static const int aDays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    int bLeap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && bLeap ? 29 : aDays[m - 1];
}

/* The engine's own test (common/date.c): a date the indexer passes on is
** then exactly one the engine indexes. */
int
date_is_iso(const char *z, size_t n)
{
    return kq_date_valid(z, n);
}

/**************************************************************************
** Tokens: numbers (value and width) and words (lower-cased prefix).
*/
enum { TK_END, TK_NUM, TK_WORD, TK_PUNCT };

typedef struct dtok {
    int eType;
    long v;         /* TK_NUM */
    int nDigit;     /* TK_NUM */
    char zWord[12]; /* TK_WORD: first letters, lower case */
    char c;         /* TK_PUNCT */
} dtok;

#define DATE_MAXTOK 12

/* Split z[0..n) into at most DATE_MAXTOK tokens (white space separates
** them and is dropped).  Returns the count. */
static int
tokenize(const char *z, size_t n, dtok *a)
{
    size_t i = 0;
    int k = 0;
    while (i < n && k < DATE_MAXTOK) {
        dtok *t = &a[k];
        memset(t, 0, sizeof(*t));
        if (z[i] == ' ' || z[i] == '\t' || z[i] == '\r' || z[i] == '\n') {
            i++;
            continue;
        }
        if (is_digit(z[i])) {
            t->eType = TK_NUM;
            while (i < n && is_digit(z[i])) {
                if (t->nDigit < 9) {
                    t->v = t->v * 10 + (z[i] - '0');
                }
                t->nDigit++;
                i++;
            }
        } else if (is_alpha(z[i])) {
            size_t j = 0;
            t->eType = TK_WORD;
            while (i < n && is_alpha(z[i])) {
                if (j < sizeof(t->zWord) - 1) {
                    char c = z[i];
                    t->zWord[j++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                }
                i++;
            }
        } else {
            t->eType = TK_PUNCT;
            t->c = z[i++];
        }
        k++;
    }
    return k;
}

/* A month name (full or the first three letters): 1-12, or 0. */
static int
month_of(const dtok *t)
{
    static const char *const az[12] = {
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december"};
    size_t n;
    if (t->eType != TK_WORD) {
        return 0;
    }
    n = strlen(t->zWord);
    if (n < 3) {
        return 0;
    }
    for (int i = 0; i < 12; i++) {
        if (strncmp(az[i], t->zWord, n) == 0) {
            return i + 1;
        }
    }
    return 0; /* (prefixes: "Sept" is September too) */
}

static int
is_weekday(const dtok *t)
{
    static const char *const az[7] = {"monday",   "tuesday", "wednesday",
                                      "thursday", "friday",  "saturday",
                                      "sunday"};
    size_t n;
    if (t->eType != TK_WORD) {
        return 0;
    }
    n = strlen(t->zWord);
    if (n < 3) {
        return 0;
    }
    for (int i = 0; i < 7; i++) {
        if (strncmp(az[i], t->zWord, n) == 0) {
            return 1;
        }
    }
    /* "Tues", "Thur", "Thurs" */
    return strcmp(t->zWord, "tues") == 0 || strcmp(t->zWord, "thur") == 0 ||
           strcmp(t->zWord, "thurs") == 0;
}

/* A year token: 4 digits, or 2 (RFC 2822's obsolete form: 00-49 are
** 20xx, 50-99 19xx). */
static int
year_of(const dtok *t)
{
    if (t->eType != TK_NUM) {
        return 0;
    }
    if (t->nDigit == 4 && t->v >= 1) {
        return (int)t->v;
    }
    if (t->nDigit == 2) {
        return (int)(t->v < 50 ? 2000 + t->v : 1900 + t->v);
    }
    return 0;
}

static int
is_punct(const dtok *t, const char *zSet)
{
    return t->eType == TK_PUNCT && strchr(zSet, t->c) != NULL;
}

/* Write y-m-d (d 0: y-m) if valid; its length, or 0. */
static size_t
emit(int y, int m, int d, char *zOut)
{
    int n;
    if (y < 1 || y > 9999 || m < 1 || m > 12) {
        return 0;
    }
    if (d == 0) {
        n = snprintf(zOut, DATE_MAX, "%04d-%02d", y, m);
    } else {
        if (d < 1 || d > days_in(y, m)) {
            return 0;
        }
        n = snprintf(zOut, DATE_MAX, "%04d-%02d-%02d", y, m, d);
    }
    return n > 0 && n < DATE_MAX ? (size_t)n : 0;
}

/* Tokens after a complete date: nothing, or a separator then anything
** (a time, a zone, ", Sunday, Home Edition"). */
static int
tail_ok(const dtok *a, int i, int nTok)
{
    return i >= nTok || a[i].eType != TK_NUM || a[i - 1].eType == TK_NUM;
}

/* The numeric forms: YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, YYMMDD. */
static size_t
numeric_form(const dtok *a, int nTok, char *zOut)
{
    const dtok *t = &a[0];
    if (t->eType != TK_NUM) {
        return 0;
    }
    if (t->nDigit == 4 && nTok >= 5 && is_punct(&a[1], "/.") &&
        a[2].eType == TK_NUM && a[2].nDigit <= 2 && a[3].eType == TK_PUNCT &&
        a[3].c == a[1].c && a[4].eType == TK_NUM && a[4].nDigit <= 2) {
        return emit((int)t->v, (int)a[2].v, (int)a[4].v, zOut);
    }
    if (t->nDigit == 8 && (nTok == 1 || a[1].eType != TK_PUNCT)) {
        long v = t->v;
        return emit((int)(v / 10000), (int)(v / 100 % 100), (int)(v % 100),
                    zOut);
    }
    if (t->nDigit == 6 && nTok == 1) {
        long v = t->v;
        int y = (int)(v / 10000);
        return emit(y < 50 ? 2000 + y : 1900 + y, (int)(v / 100 % 100),
                    (int)(v % 100), zOut);
    }
    return 0;
}

/* "26 Feb 1987", "26-FEB-1987": day, month name, year. */
static size_t
day_month_year(const dtok *a, int i, int nTok, char *zOut)
{
    int m, y;
    if (i >= nTok || a[i].eType != TK_NUM || a[i].nDigit > 2) {
        return 0;
    }
    int d = (int)a[i].v;
    i++;
    if (i < nTok && is_punct(&a[i], "-/.")) {
        i++;
    }
    if (i >= nTok || (m = month_of(&a[i])) == 0) {
        return 0;
    }
    i++;
    if (i < nTok && is_punct(&a[i], "-/.,")) {
        i++;
    }
    if (i >= nTok || (y = year_of(&a[i])) == 0) {
        return 0;
    }
    if (!tail_ok(a, i + 1, nTok)) {
        return 0;
    }
    return emit(y, m, d, zOut);
}

/* "February 26, 1987", "Feb 26 1987", "Feb 26 10:00:00 1987" (asctime),
** "February 1987". */
static size_t
month_day_year(const dtok *a, int i, int nTok, char *zOut)
{
    int m, y, d;
    if (i >= nTok || (m = month_of(&a[i])) == 0) {
        return 0;
    }
    i++;
    if (i < nTok && is_punct(&a[i], ".")) {
        i++; /* "Feb." */
    }
    if (i < nTok && a[i].eType == TK_NUM && a[i].nDigit == 4) {
        if (!tail_ok(a, i + 1, nTok)) {
            return 0;
        }
        return emit((int)a[i].v, m, 0, zOut);
    }
    if (i >= nTok || a[i].eType != TK_NUM || a[i].nDigit > 2) {
        return 0;
    }
    d = (int)a[i].v;
    i++;
    if (i < nTok && is_punct(&a[i], ",")) {
        i++;
    }
    /* asctime: a time HH:MM:SS before the year */
    if (i + 4 < nTok && a[i].eType == TK_NUM && is_punct(&a[i + 1], ":") &&
        a[i + 2].eType == TK_NUM && is_punct(&a[i + 3], ":") &&
        a[i + 4].eType == TK_NUM) {
        i += 5;
    }
    if (i >= nTok || a[i].eType != TK_NUM || a[i].nDigit != 4 ||
        (y = year_of(&a[i])) == 0) {
        return 0;
    }
    if (!tail_ok(a, i + 1, nTok)) {
        return 0;
    }
    return emit(y, m, d, zOut);
}

int
date_normalize(const char *z, size_t n, char *zOut, size_t *pi, size_t *pn)
{
    dtok a[DATE_MAXTOK];
    size_t i0 = 0;
    size_t nOut;
    int nTok;
    int i = 0;

    while (i0 < n && strchr(" \t\r\n", z[i0]) && z[i0]) {
        i0++;
    }
    while (n > i0 && strchr(" \t\r\n", z[n - 1]) && z[n - 1]) {
        n--;
    }
    if (i0 == n) {
        return DATE_EMPTY;
    }
    /* An ISO date with a long tail (kq_date_valid() refuses it) is not
    ** to be read by the patterns below as another form. */
    if (n - i0 > KQ_MAX_DATE && date_is_iso(z + i0, KQ_MAX_DATE)) {
        return DATE_LONG;
    }
    if (date_is_iso(z + i0, n - i0)) {
        *pi = i0;
        *pn = n - i0;
        return DATE_ISO;
    }
    nTok = tokenize(z + i0, n - i0, a);
    nOut = numeric_form(a, nTok, zOut);
    if (nOut == 0) {
        if (i < nTok && is_weekday(&a[i])) {
            i++;
            if (i < nTok && is_punct(&a[i], ",")) {
                i++;
            }
        }
        nOut = day_month_year(a, i, nTok, zOut);
        if (nOut == 0) {
            nOut = month_day_year(a, i, nTok, zOut);
        }
    }
    if (nOut == 0) {
        return DATE_BAD;
    }
    *pi = 0;
    *pn = nOut;
    return DATE_CONVERTED;
}

#define DATE_STR_(x) #x
#define DATE_STR(x) DATE_STR_(x)
const char *
date_why(int e)
{
    return e == DATE_LONG ? "longer than " DATE_STR(KQ_MAX_DATE) " bytes"
                          : "not understood";
}

size_t
date_from_unix(double secs, char *zOut)
{
    struct tm tm;
    time_t t;
    /* Years 1-9999 lie well within +-3e11 seconds of 1970. */
    if (!isfinite(secs) || secs < -62135596800.0 || secs > 253402300799.0) {
        return 0;
    }
    t = (time_t)floor(secs);
    if (gmtime_r(&t, &tm) == NULL) {
        return 0;
    }
    return emit(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, zOut);
}
