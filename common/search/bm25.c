/*
** bm25.c -- the ranking formula: BM25's idf and term weight (k1 and b in
** kq_int.h; the weight itself is search_int.h's bm25_weight(), inline
** there for cursor.c), and the logarithm they use.  The terms of a
** document add up their weights (cursor.c); plan.c weighs each term once,
** by its index-wide document frequency.
*/
#include "search_int.h"

#include <math.h>
#include <string.h>

/* The natural logarithm, computed here rather than by libm's log() (which
** kq links all the same): the idf, and so every score and the order of
** near ties, are then the same bits whichever C library runs kq (libm's
** log() is not correctly rounded, and differs between glibc versions).
** The method of fdlibm's e_log.c (Sun, 1993): x = m 2^e with m in
** [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f); log(1 + f) =
** f - hfsq + s (hfsq + R(s^2)) with a minimax polynomial R; e ln 2 is added
** in two parts.  Below 1 ulp of error; tests/unit/t_search.c checks it
** against glibc. */
double
kqi_log(double x)
{
    if (!(x > 0) || x > 1.79769313486231570815e308) {
        return x == 0 ? -HUGE_VAL : (x > 0 ? x : NAN);
    }
    u64 b;
    memcpy(&b, &x, sizeof(b));
    int e = (int)((b >> 52) & 0x7ff);
    if (e == 0) {                 /* subnormal: scale into the normal range */
        x *= 18014398509481984.0; /* 2^54 */
        memcpy(&b, &x, sizeof(b));
        e = (int)((b >> 52) & 0x7ff) - 54;
    }
    e -= 1023;
    b = (b & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
    double m;
    memcpy(&m, &b, sizeof(m));
    if (m > 1.41421356237309504880) {
        m *= 0.5;
        e++;
    }
    const double ln2Hi = 6.93147180369123816490e-01;
    const double ln2Lo = 1.90821492927058770002e-10;
    const double Lg1 = 6.666666666666735130e-01,
                 Lg2 = 3.999999999940941908e-01,
                 Lg3 = 2.857142874366239149e-01,
                 Lg4 = 2.222219843214978396e-01,
                 Lg5 = 1.818357216161805012e-01,
                 Lg6 = 1.531383769920937332e-01,
                 Lg7 = 1.479819860511658591e-01;
    double f = m - 1.0;
    double sv = f / (2.0 + f), z = sv * sv, w = z * z;
    double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
    double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    double R = t2 + t1;
    double hfsq = 0.5 * f * f;
    double dk = (double)e;
    if (e == 0) {
        return f - (hfsq - sv * (hfsq + R));
    }
    return dk * ln2Hi - ((hfsq - (sv * (hfsq + R) + dk * ln2Lo)) - f);
}

double
kqi_bm25_idf(u64 nDoc, u64 df)
{
    if (df > nDoc) {
        df = nDoc; /* df counts deleted documents until a merge */
    }
    double tw = ((double)nDoc - (double)df + 0.5) / ((double)df + 0.5);
    /* Robertson-Sparck Jones would go negative for terms in more than half
    ** the documents; like Xapian (BM25Weight), lift small ratios instead. */
    if (tw < 2) {
        tw = tw * 0.5 + 1;
    }
    return kqi_log(tw);
}

double
kqi_bm25(double idf, u32 tf, u32 doclen, double avgdl)
{
    return bm25_weight(idf, tf, doclen, avgdl);
}
