/*
** dates.h -- dates of input documents, in the ISO 8601 form kq stores
** (kq.h: YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by 'T' or ' '
** and a time).
*/
#ifndef KQ_DATES_H
#define KQ_DATES_H

#include <stddef.h>

/* Room for any date date_normalize() writes. */
#define DATE_MAX 16

/* Is z[0..n) an ISO date as kq.h describes?  (kq_date_valid()) */
int date_is_iso(const char *z, size_t n);

/* Read a date written z[0..n) (surrounding white space ignored):
**   DATE_ISO      it is ISO already: *pi and *pn give it within z, trimmed;
**   DATE_CONVERTED  a common form, written as YYYY-MM-DD (or YYYY-MM) into
**                 zOut (DATE_MAX bytes) with its length in *pn;
**   DATE_EMPTY    only white space;
**   DATE_BAD      not understood;
**   DATE_LONG     an ISO date (and time) longer than KQ_MAX_DATE: not
**                 stored, a warning like DATE_BAD (date_why()).
** Forms: YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, YYMMDD, RFC 2822 ("Thu, 26 Feb
** 1987 10:00:00 +0000", also with 2-digit years), "26-FEB-1987",
** "February 26, 1987" (anything may follow after a comma or space, as in
** "January 1, 1989, Sunday, Home Edition"), "Feb 26 10:00:00 1987"
** (asctime, mbox "From " lines), "February 1987"; an optional weekday
** first. */
enum { DATE_BAD = 0, DATE_ISO, DATE_CONVERTED, DATE_EMPTY, DATE_LONG };
int date_normalize(const char *z, size_t n, char *zOut, size_t *pi,
                   size_t *pn);

/* Why a date (DATE_BAD or DATE_LONG) was not kept, for the readers'
** warnings: "not understood", "longer than 64 bytes". */
const char *date_why(int e);

/* Unix seconds to YYYY-MM-DD (UTC) in zOut (DATE_MAX bytes); its length,
** or 0 if out of the years 1-9999. */
size_t date_from_unix(double secs, char *zOut);

#endif
