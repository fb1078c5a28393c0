/*
** dates.c -- calendar arithmetic for kq hist: document dates to day, ISO
** week, month or year buckets, numbered so that consecutive periods have
** consecutive numbers (empty periods between two dates are then just the
** numbers in between).
**
** Days count from 1970-01-01 in the proleptic Gregorian calendar (Howard
** Hinnant's days_from_civil); weeks are ISO 8601 weeks, Monday to Sunday,
** numbered from the week of Monday 1970-01-05.
*/
#include "cli.h"

#include <stdio.h>
#include <string.h>

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *py, unsigned *pm, unsigned *pd)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *pd = doy - (153 * mp + 2) / 5 + 1;
    *pm = mp < 10 ? mp + 3 : mp - 9;
    *py = (int64_t)yoe + era * 400 + (*pm <= 2);
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
    static const unsigned a[12] = {31, 28, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return 29;
    }
    return a[m - 1];
}

static int
digits(const char *z, size_t n, size_t i, int nDigit, unsigned *pv)
{
    unsigned v = 0;
    if (i + (size_t)nDigit > n) {
        return 0;
    }
    for (int k = 0; k < nDigit; k++) {
        char ch = z[i + (size_t)k];
        if (ch < '0' || ch > '9') {
            return 0;
        }
        v = v * 10 + (unsigned)(ch - '0');
    }
    *pv = v;
    return 1;
}

/* Parse YYYY[-MM[-DD]] then the end, 'T' or ' ': the precision (1 year,
** 2 month, 3 day) and the parts, or 0 if it is not such a date.  *pnLen
** gets the length of the date part. */
static int
parse_date(const char *z, size_t n, unsigned *py, unsigned *pm, unsigned *pd,
           size_t *pnLen)
{
    unsigned y, m = 1, d = 1;
    int prec = 1;
    size_t i = 4;
    if (!digits(z, n, 0, 4, &y)) {
        return 0;
    }
    if (i < n && z[i] == '-') {
        if (!digits(z, n, i + 1, 2, &m) || m < 1 || m > 12) {
            return 0;
        }
        prec = 2;
        i += 3;
        if (i < n && z[i] == '-') {
            if (!digits(z, n, i + 1, 2, &d) || d < 1 ||
                d > days_in_month(y, m)) {
                return 0;
            }
            prec = 3;
            i += 3;
        }
    }
    if (i < n && z[i] != 'T' && z[i] != ' ') {
        return 0;
    }
    *py = y;
    *pm = m;
    *pd = d;
    if (pnLen) {
        *pnLen = i;
    }
    return prec;
}

size_t
date_part(const char *z, size_t n)
{
    unsigned y, m, d;
    size_t nLen = 0;
    return parse_date(z, n, &y, &m, &d, &nLen) ? nLen : 0;
}

/* The bucket of day z. */
static int64_t
day_bucket(int64_t z, int eBy)
{
    int64_t y;
    unsigned m, d;
    switch (eBy) {
    case BY_DAY: return z;
    case BY_WEEK: {
        int64_t wd = ((z % 7) + 10) % 7; /* Monday 0: 1970-01-01 was a
                                         ** Thursday */
        return (z - wd - 4) / 7;         /* 1970-01-05 was a Monday */
    }
    case BY_MONTH:
        civil_from_days(z, &y, &m, &d);
        return y * 12 + (int64_t)m - 1;
    default: civil_from_days(z, &y, &m, &d); return y;
    }
}

int64_t
date_bucket(const char *z, size_t n, int eBy)
{
    unsigned y, m, d;
    int prec = parse_date(z, n, &y, &m, &d, NULL);
    /* A date less precise than the buckets has none (2023-09 by day). */
    int need = eBy == BY_YEAR ? 1 : eBy == BY_MONTH ? 2 : 3;
    if (prec < need) {
        return BUCKET_NONE;
    }
    return day_bucket(days_from_civil(y, m, d), eBy);
}

int64_t
date_bound(const char *z, int eBy, int bEnd)
{
    unsigned y, m, d;
    size_t n = strlen(z), nLen = 0;
    int prec = parse_date(z, n, &y, &m, &d, &nLen);
    if (prec == 0 || nLen != n) {
        return BUCKET_NONE;
    }
    if (bEnd) {
        if (prec == 1) {
            m = 12;
        }
        if (prec <= 2) {
            d = days_in_month(y, m);
        }
    }
    return day_bucket(days_from_civil(y, m, d), eBy);
}

void
bucket_label(int64_t k, int eBy, char *zOut, size_t nOut)
{
    int64_t y;
    unsigned m, d;
    switch (eBy) {
    case BY_DAY:
        civil_from_days(k, &y, &m, &d);
        snprintf(zOut, nOut, "%04lld-%02u-%02u", (long long)y, m, d);
        break;
    case BY_WEEK: {
        /* The ISO year and week are those of the week's Thursday. */
        int64_t thu = k * 7 + 4 + 3;
        civil_from_days(thu, &y, &m, &d);
        int64_t w = (thu - days_from_civil(y, 1, 1)) / 7 + 1;
        snprintf(zOut, nOut, "%04lld-W%02lld", (long long)y, (long long)w);
        break;
    }
    case BY_MONTH: {
        int64_t yy = k >= 0 ? k / 12 : -((-k + 11) / 12);
        snprintf(zOut, nOut, "%04lld-%02u", (long long)yy,
                 (unsigned)(k - yy * 12 + 1));
        break;
    }
    default: snprintf(zOut, nOut, "%04lld", (long long)k);
    }
}
