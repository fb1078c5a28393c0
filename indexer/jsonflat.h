/*
** jsonflat.h -- a fast path for flat JSON objects (see jsonflat.c).
*/
#ifndef KQ_JSONFLAT_H
#define KQ_JSONFLAT_H

#include <stddef.h>

#define JF_OK 0
#define JF_FALLBACK 1 /* not handled here: parse the line with jansson */
#define JF_MAXKEY 16

enum { JF_ABSENT = 0, JF_STRING, JF_INTEGER };

typedef struct jf_value {
    int eType;
    const char *z; /* JF_STRING: the decoded bytes (not terminated) */
    size_t n;
    long long nInt; /* JF_INTEGER */
} jf_value;

/* Scratch kept between lines; zero-initialise, jf_free() at the end. */
typedef struct jf_state {
    char *aOut;
    size_t nOutAlloc;
} jf_state;

/* Parse zLine[0..nLine) as one flat JSON object and fill aVal[i] with the
** value of key azKey[i] (JF_ABSENT, with z NULL and n 0, if missing).  String
** values point into
** zLine or into pState's scratch, valid until the next call.  Returns
** JF_OK, or JF_FALLBACK for anything to hand to a full JSON parser. */
int jf_parse(jf_state *pState, const char *zLine, size_t nLine,
             const char *const *azKey, int nKey, jf_value *aVal);
void jf_free(jf_state *pState);

#endif
