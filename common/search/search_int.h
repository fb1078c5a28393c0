/*
** search_int.h -- what the files of common/search/ share: the plan and
** cursor types, and the functions one file calls in another.  Private to
** this folder (kq_int.h declares what the rest of the library calls).
**
** A query is planned once (its terms looked up in every segment, its
** expanding words expanded), then evaluated segment by segment over a
** tree of cursors built from the plan:
**
**   bm25.c       BM25's idf and term weight; kqi_log()
**   plan.c       plans: the parsed query lowered to terms with their
**                index-wide statistics (fields, dates, ids, boosts)
**   expand.c     expanding words (prefix, wildcard, fuzzy, id:PRE*) to
**                the dictionary's terms, under the expansion limits;
**                kqi_leaf_terms()
**   cursor.c     the cursors (their grammar is at its top), and a
**                segment's cursor tree built from a plan
**   positions.c  the position checks of phrase and NEAR/ADJ cursors
**   run.c        kq_search_ex(): top-k, MaxScore and block-max pruning;
**                kq_search_each(); date order
**   explain.c    kq_explain(): each term's part in a document's score
**
** The types keep the short names they had when all this was one file;
** only the functions shared between files carry the kqi_ prefix.
*/
#ifndef KQ_SEARCH_INT_H
#define KQ_SEARCH_INT_H

#include "kq_int.h"

/**************************************************************************
** Cursors (cursor.c).
*/
typedef struct ctx ctx;
typedef struct cur cur;
struct cur {
    u32 iDoc;
    int bStarted; /* iDoc is valid (the first seek happened) */
    int (*xSeek)(cur *, u32);
    double (*xScore)(cur *);
    void (*xFree)(cur *);
    /* Upper bounds of xScore (for pruning, see run.c's run_maxscore()):
    ** over the whole cursor, and over the documents from t to the end of
    ** the block holding t (a term's block maximum; others give their
    ** whole bound). */
    double (*xMax)(cur *);
    double (*xBlockMax)(cur *, u32 t);
    /* A term's occurrences (tf) at iDoc, for body: and kq_explain; 0 for
    ** the other cursors (matches are counted by match.c). */
    u32 (*xOcc)(cur *);
    ctx *pCtx;
};

/* One segment's evaluation. */
struct ctx {
    kqi_segment *pSeg;
    u32 iSeg;        /* its number in the index */
    kq_analyzer *pA; /* the index's (=word checks the text) */
    double avgdl;    /* of the BM25F lengths (kq_int.h) */
    u32 nTitleW1;    /* the index's title weight, less one */
    int rc;          /* first error met while evaluating */
    char *zErr;
};

/* term ------------------------------------------------------------------ */
typedef struct pterm pterm;
typedef struct termcur {
    cur base;
    kqi_plc *pPlc;
    const pterm *pTerm; /* its plan entry (kq_explain) */
    double idf;
    /* BM25F: the term's title term T + term (NULL: the term is in no title
    ** of the segment, or the index has no title weight), whose frequency
    ** counts nTitleW1 more times; titleMax its largest. */
    kqi_plc *pTitle;
    u32 nTitleW1;
    u32 titleMax;
    double max; /* bound over the list (-1 until asked for) */
    int bStarted;
    int bTitleStarted;
    /* The last block-max lookup: block iBm (-1: none) ends at docid bmEnd
    ** and bounds scores by bmVal.  Targets only grow, so a lookup is
    ** mostly this comparison. */
    int iBm;
    u32 bmEnd, bmPrevEnd; /* (bmPrevEnd: the block before ends there) */
    double bmVal;
} termcur;

/* aOrd[0..n) = 0 .. n-1 in the order of their keys aKey[], smallest
** first, equal keys in index order: an insertion sort, for a query's few
** words (a phrase's words by their tf in a document, positions.c; optional
** words by their lists' lengths, run.c).  aOrd has room for one at
** least: aOrd[0] is written whatever n. */
static inline void
kqi_order_by_key(const u32 *aKey, int n, int *aOrd)
{
    aOrd[0] = 0;
    for (int i = 1; i < n; i++) {
        int j = i;
        for (; j > 0 && aKey[aOrd[j - 1]] > aKey[i]; j--) {
            aOrd[j] = aOrd[j - 1];
        }
        aOrd[j] = i;
    }
}

/* An OR of this many children or more (a wide prefix, pattern or fuzzy
** word: *ation is hundreds of terms) keeps them in a heap, so that moving
** on costs the children that move, not a look at every child.  A smaller
** one's children may be sought one by one (run.c's opt_bound_at()): its
** next seek looks at every child again. */
#define OR_HEAP_MIN 16

/* An OR's children (or_*() in cursor.c; a phrase reads an expanding
** word's). */
typedef struct orcur {
    cur base;
    cur **a;
    int n;
    int *aHeap; /* n >= OR_HEAP_MIN: the children by iDoc, a
                ** min-heap (kqi_or_seek()); NULL before the first seek */
} orcur;

/* and / phrase ----------------------------------------------------------- */
typedef struct andcur {
    cur base;
    cur **aPos; /* children that must match */
    int nPos;
    kqi_plc **aPlc; /* two or more, all terms: their lists, for
                    ** kqi_plc_intersect(); else NULL */
    cur **aNeg;     /* children that must not match */
    int nNeg;
    u32 *aOffset;    /* phrase: position offset of each child; else NULL */
    struct slotbuf { /* phrase: an expanding child's merged positions */
        u32 *a;
        u32 nAlloc;
    } * aSlot;    /* one per child, NULL when all are terms */
    u32 nWindow;  /* NEAR/ADJ: the children's positions at most this
                  ** far apart (0: not a NEAR) */
    int bOrdered; /* ADJ: in the children's order */
    int bDefer;   /* phrase, NEAR: kqi_and_seek() gives the documents
                  ** holding every word, unchecked; the caller checks
                  ** positions (kqi_and_positions()) where it needs to
                  ** (run.c: only where a hit could rank) */
} andcur;

/* filter (a child's documents, scoring nothing: fields, dates) and boost
** (term^2) -------------------------------------------------------------- */
typedef struct wrapcur {
    cur base;
    cur *c;
    double w; /* boost: the factor */
} wrapcur;

/* The required child's documents, the optional child adding its score
** where it matches too (+a b c). ------------------------------------- */
typedef struct maybecur {
    cur base;
    cur *pReq, *pOpt;
} maybecur;

/* A child's documents that pass a check: body:word and =word. ---------- */
typedef struct checkcur checkcur;
struct checkcur {
    wrapcur w; /* w.c: the child, which scores */
    int (*xCheck)(checkcur *, u32 iDoc, int *pbMatch);
};

/**************************************************************************
** Plans (plan.c): the parsed query with each term's index-wide
** statistics, and prefixes expanded (expand.c) to the terms they match in
** any segment.
*/
struct pterm {
    char *z;
    size_t n;
    const kqi_qnode *pQ; /* the query's word it comes from (kq_explain) */
    double idf;
    u64 df;             /* index-wide */
    kqi_termloc *aLoc;  /* per segment; df == 0 where it is missing */
    kqi_termloc *aTLoc; /* its title term's, for BM25F (NULL: none) */
};

/* Plan node types: the query's (kqi_qtype), and three of the plan's own
** that fields and boosts are lowered to. */
enum {
    P_FILTER = 100, /* aChild[0]'s documents, scoring 0 */
    P_BOOST,        /* aChild[0], its score times boost */
    P_BODY          /* body:word: aChild[0] the term, aChild[1] T+term */
};

typedef struct plan plan;
struct plan {
    int eType;   /* kqi_qtype or P_* */
    pterm term;  /* TERM, EXACT (the stem) */
    pterm *aExp; /* PREFIX: its expansions (DATE: its terms) */
    int nExp;
    u32 iOffset;
    plan **aChild;
    int nChild;
    double boost;        /* P_BOOST */
    const kqi_qnode *pQ; /* the query node it comes from */
    u32 nWindow;         /* NEAR */
    int bOrdered;
    kq_docid iDoc; /* ID: the document, or KQ_DOCID_EOF */
};

/* The expansion limits of one query being planned (kq.h): of one prefix,
** and what is left of the query's total. */
typedef struct expbudget {
    u32 nMax;  /* kqi_max_expansion() */
    u32 nLeft; /* of KQ_MAX_QUERY_EXPANSION */
} expbudget;

/**************************************************************************
** Between the files.
*/

/* bm25.c: BM25's score of a term (idf: kqi_bm25_idf()) found tf times in
** a document of length doclen (k1 and b: kq_int.h).  Defined here, inline,
** because cursor.c computes it for every document it scores; kqi_bm25()
** gives it to the rest of the library. */
static inline double
bm25_weight(double idf, u32 tf, u32 doclen, double avgdl)
{
    double k = KQ_BM25_K1;
    if (avgdl <= 0) {
        avgdl = 1;
    }
    double norm = k * (1.0 - KQ_BM25_B + KQ_BM25_B * doclen / avgdl);
    return idf * (tf * (k + 1.0)) / (tf + norm);
}

/* plan.c */
int kqi_plan_make(kq_index *pIdx, const kqi_qnode *q, plan **ppOut,
                  char **pzErr);
plan *kqi_plan_new(int eType, const kqi_qnode *q);
void kqi_plan_free(plan *p);
int kqi_plan_field_prefix(kq_index *pIdx, const kqi_qnode *q, char *aOut,
                          size_t nOut, char **pzErr);

/* expand.c */
void kqi_exp_budget_init(expbudget *b, const kq_index *pIdx);
int kqi_exp_add(plan *p, size_t *pnAlloc, u32 nKeep, const char *z, size_t n);
void kqi_exp_dedup(plan *p);
int kqi_expand_leaf(kq_index *pIdx, plan *p, const kqi_qnode *q,
                    const char *zPfx, expbudget *b, char **pzErr);
int kqi_expand_ids(kq_index *pIdx, plan *p, const kqi_qnode *q, expbudget *b,
                   u32 **paDoc, char **pzErr);

/* cursor.c.  The xSeek and xScore functions others test cursors by
** (c->xSeek == kqi_term_seek: a term cursor). */
int kqi_cur_make(ctx *x, const plan *p, cur **ppOut, char **pzErr);
int kqi_term_seek(cur *c, u32 t);
int kqi_and_seek(cur *c, u32 t);
/* Do the children of phrase or NEAR p, at document t, stand at the right
** positions?  (1 for a plain AND.) */
int kqi_and_positions(andcur *p, u32 t, int *pbMatch);
int kqi_or_seek(cur *c, u32 t);
int kqi_wrap_seek(cur *c, u32 t);
int kqi_check_seek(cur *c, u32 t);
int kqi_maybe_seek(cur *c, u32 t);
/* The MAYBE cursor's score at its document, the required part's being
** given (its optional part sought and added). */
double kqi_maybe_score_from(cur *c, double sReq);
double kqi_boost_score(cur *c);
double kqi_or_score(cur *c);
u32 kqi_term_occ(cur *c);
u32 kqi_term_title_tf(termcur *p);
void kqi_term_bm_at(termcur *p, u32 t);

/* positions.c */
int kqi_phrase_match(andcur *p, u32 iDoc, int *pbMatch);
int kqi_near_match(andcur *p, int *pbMatch);

/* run.c */
int kqi_seg_finish(kq_index *pIdx, u32 s, ctx *x, cur *c, int rc,
                   char **pzErr);

#endif /* KQ_SEARCH_INT_H */
