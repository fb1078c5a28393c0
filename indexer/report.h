/*
** report.h -- the messages kq-index prints about its input.
**
** Every problem with an input goes to stderr in one of three shapes, so
** that scripts (and the tests) can parse them:
**   kq-index: PATH: reason
**   kq-index: PATH:LINE: reason          (line-oriented formats)
**   kq-index: PATH: byte N: reason       (WARC, and offsets in a stream)
*/
#ifndef KQ_REPORT_H
#define KQ_REPORT_H

#include <stdint.h>

/* Most bytes of an input value (a date, a language name) a message quotes:
** enough to recognise it on one line.  The message is escaped as it is
** written, so a character cut in two shows as \xHH, never raw. */
#define REPORT_QUOTE 80
/* The length to quote of an n-byte value, for "%.*s". */
#define REPORT_QUOTE_LEN(n) ((int)((n) > REPORT_QUOTE ? REPORT_QUOTE : (n)))

#if defined(__GNUC__)
#define REPORT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define REPORT_PRINTF(a, b)
#endif

/* "kq-index: PATH: reason" (iLine == 0) or "kq-index: PATH:LINE: reason". */
void report(const char *zPath, uint64_t iLine, const char *zFmt, ...)
    REPORT_PRINTF(3, 4);

/* "kq-index: PATH: byte N: reason". */
void report_at(const char *zPath, uint64_t iByte, const char *zFmt, ...)
    REPORT_PRINTF(3, 4);

/* "kq-index: reason": a message that quotes the input or a library
** message (which may quote it).  Every message of report.c is written with
** control characters escaped (kq_escape()). */
void report_msg(const char *zFmt, ...) REPORT_PRINTF(1, 2);

/* x(pArg) is called before each message: the progress bar uses it to
** clear its line, so that a message never lands in the middle of it.
** NULL removes the hook. */
void report_set_hook(void (*x)(void *), void *pArg);

#endif
