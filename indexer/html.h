/*
** html.h -- HTML to plain text, for WARC pages and HTML mail (html.c).
*/
#ifndef KQ_HTML_H
#define KQ_HTML_H

#include "kq.h"

#include <stddef.h>

/* The character reference at z[0..n) (z[0] == '&'): &name; (the HTML 4
** entities, and &apos;), &#NN; or &#xHH;, appended to pOut as UTF-8.
** Returns the bytes it took, or 0 if it is not one (the '&' is text). */
size_t html_entity(const char *z, size_t n, kq_buf *pOut);

/* Text of the HTML document z[0..n) (UTF-8 already): its first <title>
** into pTitle, the rest into pBody.  script, style, noscript and template
** elements and the head (but its title) are dropped, block elements become
** line breaks, white space is collapsed, references are decoded. */
void html_to_text(const char *z, size_t n, kq_buf *pTitle, kq_buf *pBody);

/* The charset a <meta> element declares in the first KB of z[0..n): 1 and
** *pz and *pn, or 0. */
int html_meta_charset(const char *z, size_t n, const char **pz, size_t *pn);

#endif
