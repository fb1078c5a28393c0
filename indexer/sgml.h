/*
** sgml.h -- small helpers for tagged text (TREC SGML, WARC headers):
** finding elements and turning marked-up text into plain text.
*/
#ifndef KQ_SGML_H
#define KQ_SGML_H

#include "kq.h"

#include <stddef.h>

/* The first case-insensitive occurrence of zNeedle in z[i..n), or n. */
size_t sgml_find(const char *z, size_t n, size_t i, const char *zNeedle);

/* The content of the first element <NAME>...</NAME> (or <NAME attr...>)
** in z[i..n), case-insensitive: 1 with [*piStart, *piEnd), and *piNext
** just past its end tag; 0 if there is none.  Without an end tag the
** content runs to n. */
int sgml_element(const char *z, size_t n, size_t i, const char *zName,
                 size_t *piStart, size_t *piEnd, size_t *piNext);

/* z[0..n) without its tags and comments (each tag is a space, so words on
** either side stay apart), character references decoded, white space
** tidied (no blank lines in a row, no leading or trailing space),
** appended to pOut; bLine: all white space single spaces, as for a
** title. */
void sgml_text(const char *z, size_t n, int bLine, kq_buf *pOut);

#endif
