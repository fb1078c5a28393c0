/*
** charset.h -- text in declared (or undeclared) character sets to UTF-8,
** through glibc's iconv.
*/
#ifndef KQ_CHARSET_H
#define KQ_CHARSET_H

#include "kq.h"

#include <stddef.h>

/* Is z[0..n) valid UTF-8? */
int utf8_valid(const char *z, size_t n);

/* Append z[0..n), in the character set labelled zCs/nCs (e.g. "utf-8",
** "ISO-8859-1", "\"windows-1252\""; nCs 0: not declared), to pOut as UTF-8:
**   - UTF-8 and ASCII labels: the bytes as they are;
**   - ISO-8859-1, Latin-1 and windows-1252 labels: from windows-1252 (as
**     browsers do: documents labelled Latin-1 use its 0x80-0x9F letters);
**   - another label iconv knows: converted from it;
**   - no label, or one iconv does not know: the bytes as they are if they
**     are valid UTF-8, else from windows-1252.
** A byte sequence invalid in its charset becomes U+FFFD. */
void charset_to_utf8(const char *zCs, size_t nCs, const char *z, size_t n,
                     kq_buf *pOut);

#endif
