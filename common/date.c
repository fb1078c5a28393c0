/*
** date.c -- document dates: which dates kq understands, the terms a date is
** indexed under, and how a query's date range maps onto those terms.
**
** A document dated 1987-02-26 is indexed under three terms, D1987,
** D1987-02 and D1987-02-26 (KQI_PFX_DATE); one dated 1987-02 under the
** first two.  A range query date:LO..HI becomes the OR of the date terms of
** the dictionary that lie wholly inside [LO, HI] and whose parent does not
** (so a whole month is one term, not 31): a document matches when its date,
** as precise as it was given, falls inside the range.  A document dated
** only 1987-02 is therefore not in date:1987-02-10..1987-02-20 (its day is
** unknown) but is in date:1987-02 and date:1987.  Times after the date
** (1987-02-26T10:00:00Z) are kept in the document table but ignored here.
** A date is at most KQ_MAX_DATE bytes: date_parse() refuses a longer one,
** and the writers (kq_writer_add, the Xapian writer) store none
** (kqi_doc_date_checked()).
*/
#include "kq_int.h"

#include <string.h>

static int
digits(const char *z, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (z[i] < '0' || z[i] > '9') {
            return 0;
        }
    }
    return 1;
}

static int
num(const char *z, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v * 10 + (z[i] - '0');
    }
    return v;
}

static int
days_in_month(int y, int m)
{
    static const int a[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return 29;
    }
    return a[m - 1];
}

/* The one check of a date's length (KQ_MAX_DATE). */
static int
date_fits(size_t n)
{
    return n <= KQ_MAX_DATE;
}

/* The precision of a date: 1 (YYYY), 2 (YYYY-MM), 3 (YYYY-MM-DD), or 0 if
** z does not start with one or is longer than KQ_MAX_DATE; *pnDate gets
** the date part's length.  After the date may come only the end, 'T' or
** ' ' (a time). */
static int
date_parse(const char *z, size_t n, size_t *pnDate)
{
    int k = 0;
    size_t l = 0;
    if (!date_fits(n)) {
        return 0;
    }
    if (n >= 4 && digits(z, 4)) {
        k = 1;
        l = 4;
        if (n >= 7 && z[4] == '-' && digits(z + 5, 2)) {
            int m = num(z + 5, 2);
            if (m < 1 || m > 12) {
                return 0;
            }
            k = 2;
            l = 7;
            if (n >= 10 && z[7] == '-' && digits(z + 8, 2)) {
                int d = num(z + 8, 2);
                if (d < 1 || d > days_in_month(num(z, 4), m)) {
                    return 0;
                }
                k = 3;
                l = 10;
            }
        }
    }
    if (k == 0 || (l < n && z[l] != 'T' && z[l] != ' ')) {
        return 0;
    }
    *pnDate = l;
    return k;
}

int
kq_date_valid(const char *zDate, size_t nDate)
{
    size_t l;
    return zDate != NULL && date_parse(zDate, nDate, &l) > 0;
}

const kq_doc *
kqi_doc_date_checked(const kq_doc *d, kq_doc *pCopy)
{
    if (d->zDate == NULL || date_fits(d->nDate)) {
        return d;
    }
    *pCopy = *d;
    pCopy->zDate = NULL;
    pCopy->nDate = 0;
    return pCopy;
}

int
kqi_date_terms(const char *zDate, size_t nDate, char aOut[3][12])
{
    size_t l;
    int k = zDate ? date_parse(zDate, nDate, &l) : 0;
    static const size_t aLen[3] = {4, 7, 10};
    for (int i = 0; i < k; i++) {
        memcpy(aOut[i], zDate, aLen[i]);
        aOut[i][aLen[i]] = 0;
    }
    return k;
}

int
kqi_date_bound(const char *z, size_t n, int bEnd, char aOut[11])
{
    size_t l;
    int k = date_parse(z, n, &l);
    if (k == 0 || l != n) {
        return -1;
    }
    int y = num(z, 4);
    int m = k >= 2 ? num(z + 5, 2) : (bEnd ? 12 : 1);
    int d = k >= 3 ? num(z + 8, 2) : (bEnd ? days_in_month(y, m) : 1);
    aOut[0] = (char)('0' + y / 1000);
    aOut[1] = (char)('0' + y / 100 % 10);
    aOut[2] = (char)('0' + y / 10 % 10);
    aOut[3] = (char)('0' + y % 10);
    aOut[4] = '-';
    aOut[5] = (char)('0' + m / 10);
    aOut[6] = (char)('0' + m % 10);
    aOut[7] = '-';
    aOut[8] = (char)('0' + d / 10);
    aOut[9] = (char)('0' + d % 10);
    aOut[10] = 0;
    return 0;
}

int
kqi_date_within(const char *z, size_t n, const char *zLo, const char *zHi)
{
    char aFirst[11], aLast[11];
    if (kqi_date_bound(z, n, 0, aFirst) || kqi_date_bound(z, n, 1, aLast)) {
        return 0;
    }
    /* YYYY-MM-DD strings compare as dates. */
    return (zLo[0] == 0 || strcmp(aFirst, zLo) >= 0) &&
           (zHi[0] == 0 || strcmp(aLast, zHi) <= 0);
}

int
kqi_date_parent_within(const char *z, size_t n, const char *zLo,
                       const char *zHi)
{
    if (n == 10) {
        return kqi_date_within(z, 7, zLo, zHi);
    }
    if (n == 7) {
        return kqi_date_within(z, 4, zLo, zHi);
    }
    return 0;
}

/* (Field names live here with the other small validators of document
** metadata.) */
int
kq_field_name_ok(const char *z, size_t n)
{
    return kqi_field_name_ok(z, n);
}

int
kqi_field_name_ok(const char *z, size_t n)
{
    static const char *const azBuiltin[] = {KQ_FIELD_NAMES};
    if (n == 0 || n > KQ_MAX_FIELD_NAME || z[0] < 'a' || z[0] > 'z') {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        char c = z[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof(azBuiltin) / sizeof(azBuiltin[0]); i++) {
        if (strlen(azBuiltin[i]) == n && memcmp(azBuiltin[i], z, n) == 0) {
            return 0;
        }
    }
    return 1;
}
