/*
** query.c -- the query language: string -> tree of kqi_qnode.
**
**     query   := or
**     or      := and { "OR" and }
**     and     := near { ["AND"] near }          adjacent items: implicit AND
**     near    := unary { ("NEAR/n" | "ADJ/n") unary }   (single words)
**     unary   := "NOT" unary | "-" primary | "+" primary | primary
**     primary := [field ":"] item ["^" number]
**     item    := "(" or ")" | '"' words '"' ["~" n] | word | pattern
**              | word "~" [1|2] | "=" word | "date:" range | "id:" id
**              | "id:" id "*" | "*"
**     pattern := a word with "*" (any run of characters) or "?" (one
**                character) anywhere, and a letter or digit
**     field   := title | body | source | NAME (an extra field, kq-index
**                --field NAME)
**     range   := DATE | DATE ".." DATE | DATE ".." | ".." DATE
**                (DATE: YYYY, YYYY-MM or YYYY-MM-DD; bounds inclusive)
**
** So NOT binds tighter than AND, and AND than OR; "a NOT b" is a AND NOT b.
** Operators are upper case; lower-case and/or/not are ordinary words.
** Words and phrases go through the same analysis as documents: a word that
** analyses to several tokens ("peace-keepers", "U.S.") becomes a phrase, one
** that analyses to none ("!!!") drops out.  A prefix ("ceas*") is folded
** but not stemmed, since a stem of a word fragment means nothing; so are
** patterns (qa?dafi, *fire) and fuzzy words (gadafi~2, word~ = word~2, as
** Lucene's), matched against the vocabulary's unstemmed words
** (pattern.c).  Inside a phrase each of these is one position ("oil
** pric*"); a lone * or ? there is an error, as it is not a word.  "=word"
** keeps the word's stem for the index lookup and the folded word itself,
** which the document must contain as such.  "a NEAR/n b" matches the words
** at most n positions apart in any order, "a ADJ/n b" with b after a;
** '"a b c"~n' is NEAR/n of its words.  "term^2" multiplies its score.
** A word "name:..." is a field only when name is a field kq knows or could
** be an extra field name; an extra field the index does not have is
** reported when the query is run (common/search/), since only the index knows.
** Errors carry the 1-based character column where they were found.
**
** Identical items joined by one AND or OR are merged into the first as
** they are added (node_add_ex): "oil OR oil" is read as oil^2, which
** matches the same documents and scores the same as before (each
** occurrence of a word adds its score; kq batch --or topics repeat their
** key words on purpose), but opens one posting list instead of two.  Items
** that score nothing (NOT, date:, id:) are merged without a weight.  A
** query then has at most KQ_MAX_QUERY_LEN bytes and KQ_MAX_QUERY_TERMS
** words after merging (kq.h): a repeat costs a hash probe, not memory.
*/
#include "kq_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The limits of the query language are in kq.h: KQ_MAX_QUERY_DEPTH,
** KQ_MAX_NEAR_WINDOW, KQ_MAX_NEAR_WORDS, KQ_MAX_QUERY_LEN,
** KQ_MAX_QUERY_TERMS. */

typedef enum {
    T_EOF,
    T_WORD,
    T_PHRASE,
    T_LP,
    T_RP,
    T_AND,
    T_OR,
    T_NOT,
    T_PLUS,
    T_MINUS,
    T_NEAR
} ttype;

typedef struct parser {
    kq_analyzer *pA;
    const char *z;
    size_t n;
    size_t i;         /* lexer position */
    ttype eTok;       /* current token */
    size_t iTok;      /* its byte offset */
    const char *zTok; /* WORD/PHRASE text */
    size_t nTok;
    u32 nNear;      /* T_NEAR: its n */
    int bOrdered;   /* T_NEAR: ADJ */
    int bDefaultOr; /* KQ_QUERY_OR: adjacent items are ORed */
    int nDepth;     /* open parentheses and NOTs, for KQ_MAX_QUERY_DEPTH */
    int nTerm;      /* leaves alive (is_leaf()), for KQ_MAX_QUERY_TERMS */
    int rc;
    size_t iErr; /* byte offset of the error */
    char *zErr;
} parser;

static int
set_err(parser *p, size_t iAt, const char *zMsg)
{
    if (p->rc == KQ_OK) {
        p->rc = KQ_SYNTAX;
        p->iErr = iAt;
        p->zErr = kq_mprintf("%s", zMsg);
    }
    return p->rc;
}

/* set_err() with a message naming a limit n. */
static int
set_err_n(parser *p, size_t iAt, const char *zFmt, int n)
{
    char *z = kq_mprintf(zFmt, n);
    set_err(p, iAt, z ? z : "syntax error");
    free(z);
    return p->rc;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static int
word_end(char c)
{
    return is_space(c) || c == '(' || c == ')' || c == '"';
}

static void
lex(parser *p)
{
    while (p->i < p->n && is_space(p->z[p->i])) {
        p->i++;
    }
    p->iTok = p->i;
    if (p->i >= p->n) {
        p->eTok = T_EOF;
        return;
    }
    char c = p->z[p->i];
    if (c == '(' || c == ')') {
        p->eTok = c == '(' ? T_LP : T_RP;
        p->i++;
        return;
    }
    if (c == '"') {
        size_t j = p->i + 1;
        while (j < p->n && p->z[j] != '"') {
            j++;
        }
        if (j >= p->n) {
            set_err(p, p->i, "unterminated phrase (missing \")");
            p->eTok = T_EOF;
            return;
        }
        p->eTok = T_PHRASE;
        p->zTok = p->z + p->i + 1;
        p->nTok = j - p->i - 1;
        p->i = j + 1;
        return;
    }
    /* A leading + or - is an operator when a word, a phrase or a group
    ** follows directly: -oil, -"oil gas", -(oil OR gas). */
    if ((c == '+' || c == '-') && p->i + 1 < p->n &&
        !is_space(p->z[p->i + 1]) && p->z[p->i + 1] != ')') {
        p->eTok = c == '+' ? T_PLUS : T_MINUS;
        p->i++;
        return;
    }
    size_t j = p->i;
    while (j < p->n && !word_end(p->z[j])) {
        j++;
    }
    p->zTok = p->z + p->i;
    p->nTok = j - p->i;
    p->i = j;
    p->eTok = T_WORD;
    if (p->nTok == 3 && memcmp(p->zTok, "AND", 3) == 0) {
        p->eTok = T_AND;
    } else if (p->nTok == 2 && memcmp(p->zTok, "OR", 2) == 0) {
        p->eTok = T_OR;
    } else if (p->nTok == 3 && memcmp(p->zTok, "NOT", 3) == 0) {
        p->eTok = T_NOT;
    } else if ((p->nTok > 5 && memcmp(p->zTok, "NEAR/", 5) == 0) ||
               (p->nTok > 4 && memcmp(p->zTok, "ADJ/", 4) == 0)) {
        size_t k = p->zTok[0] == 'N' ? 5 : 4;
        u32 v = 0;
        for (; k < p->nTok && p->zTok[k] >= '0' && p->zTok[k] <= '9'; k++) {
            v = v * 10 + (u32)(p->zTok[k] - '0');
            if (v > KQ_MAX_NEAR_WINDOW) {
                break;
            }
        }
        if (k != p->nTok || v == 0 || v > KQ_MAX_NEAR_WINDOW) {
            set_err_n(p, p->iTok,
                      "NEAR/n and ADJ/n take a number n from 1 "
                      "to %d",
                      KQ_MAX_NEAR_WINDOW);
        }
        p->eTok = T_NEAR;
        p->nNear = v;
        p->bOrdered = p->zTok[0] == 'A';
    }
}

/* The nodes KQ_MAX_QUERY_TERMS counts: words (PREFIX and EXACT start as
** TERM), date: and id:.  Operators need not be counted: AND, OR, PHRASE
** and NEAR have two children or more, and NOT takes 4 bytes of the query
** ("NOT "), so KQ_MAX_QUERY_LEN bounds them. */
static int
is_leaf(kqi_qtype e)
{
    return e == KQI_Q_TERM || e == KQI_Q_PREFIX || e == KQI_Q_EXACT ||
           e == KQI_Q_DATE || e == KQI_Q_ID || e == KQI_Q_WILD ||
           e == KQI_Q_FUZZY;
}

/* The one check of KQ_MAX_QUERY_TERMS: made whenever a word is kept
** (node_add_ex) and at the end, so a word that merges away never counts.
** Words not checked yet are the first children of groups being built, at
** most one for each level of nesting: node_new() refuses to make more
** than that many over the limit (nSlack). */
static int
check_terms(parser *p, int nSlack)
{
    if (p->rc == KQ_OK && p->nTerm > KQ_MAX_QUERY_TERMS + nSlack) {
        char *z = kq_mprintf("the query has more than %d words (each word "
                             "of a phrase counts, repeated ones once)",
                             KQ_MAX_QUERY_TERMS);
        set_err(p, p->iTok, z ? z : "the query has too many words");
        free(z);
    }
    return p->rc;
}

static kqi_qnode *
node_new(parser *p, kqi_qtype e)
{
    if (p->rc || check_terms(p, KQ_MAX_QUERY_DEPTH + 2)) {
        return NULL;
    }
    kqi_qnode *q = calloc(1, sizeof(*q));
    if (q == NULL) {
        p->rc = KQ_NOMEM;
        return NULL;
    }
    q->eType = e;
    p->nTerm += is_leaf(e);
    return q;
}

void
kqi_qnode_free(kqi_qnode *q)
{
    if (q) {
        for (int i = 0; i < q->nChild; i++) {
            kqi_qnode_free(q->aChild[i]);
        }
        free(q->aChild);
        free(q->zTerm);
        free(q->zField);
        free(q->zWord);
        free(q->zRaw);
        free(q);
    }
}

static int
node_count(const kqi_qnode *q)
{
    int n = is_leaf(q->eType);
    for (int i = 0; i < q->nChild; i++) {
        n += node_count(q->aChild[i]);
    }
    return n;
}

/* Free q and what is below it, which the parser no longer counts. */
static void
node_drop(parser *p, kqi_qnode *q)
{
    if (q) {
        p->nTerm -= node_count(q);
        kqi_qnode_free(q);
    }
}

/**************************************************************************
** Merging identical items of an AND or OR.  Each AND/OR being built has a
** dedup table: the hash of each child (node_hash(), which leaves out the
** child's own boost) and an open-addressing index over them, so finding a
** twin is a probe and a node_equal(), not a scan of the siblings.
*/
typedef struct dedup {
    u64 *aHash;    /* aHash[i]: of child i */
    int *aSlot;    /* nSlot entries: a child's index + 1, 0 if empty */
    int nSlot;     /* a power of two, more than twice the children */
    size_t nAlloc; /* of aHash */
} dedup;

static double
eff_boost(double b)
{
    return b == 0 ? 1.0 : b;
}

static u64
hash_bytes(u64 h, const void *pv, size_t n)
{
    const u8 *a = pv;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ a[i]) * 0x100000001b3ull; /* FNV-1a */
    }
    return h;
}

/* Everything that makes q match and score what it does, but its own boost
** (node_equal() says the same). */
static u64
node_hash(const kqi_qnode *q)
{
    u64 h = 0xcbf29ce484222325ull;
    u32 a[8] = {(u32)q->eType, (u32)q->eField,   q->iOffset,
                q->nWindow,    (u32)q->bOrdered, (u32)q->bNever,
                q->nEdit,      (u32)q->bIdPrefix};
    h = hash_bytes(h, a, sizeof(a));
    if (q->zTerm) {
        h = hash_bytes(h, q->zTerm, q->nTerm + 1);
    }
    if (q->zWord) {
        h = hash_bytes(h, q->zWord, q->nWord + 1);
    }
    if (q->zField) {
        h = hash_bytes(h, q->zField, strlen(q->zField) + 1);
    }
    h = hash_bytes(h, q->zLo, sizeof(q->zLo));
    h = hash_bytes(h, q->zHi, sizeof(q->zHi));
    for (int i = 0; i < q->nChild; i++) {
        double b = eff_boost(q->aChild[i]->boost);
        h = hash_bytes(h, &b, sizeof(b));
        u64 c = node_hash(q->aChild[i]);
        h = hash_bytes(h, &c, sizeof(c));
    }
    return h;
}

static int
str_eq(const char *a, size_t na, const char *b, size_t nb)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return na == nb && memcmp(a, b, na) == 0;
}

/* Do x and y match the same documents with the same score, but for their
** own boosts? */
static int
node_equal(const kqi_qnode *x, const kqi_qnode *y)
{
    if (x->eType != y->eType || x->eField != y->eField ||
        x->iOffset != y->iOffset || x->nWindow != y->nWindow ||
        x->bOrdered != y->bOrdered || x->nChild != y->nChild ||
        x->bNever != y->bNever || x->nEdit != y->nEdit ||
        x->bIdPrefix != y->bIdPrefix ||
        !str_eq(x->zTerm, x->nTerm, y->zTerm, y->nTerm) ||
        !str_eq(x->zWord, x->nWord, y->zWord, y->nWord) ||
        !str_eq(x->zField, x->zField ? strlen(x->zField) : 0, y->zField,
                y->zField ? strlen(y->zField) : 0) ||
        strcmp(x->zLo, y->zLo) != 0 || strcmp(x->zHi, y->zHi) != 0) {
        return 0;
    }
    for (int i = 0; i < x->nChild; i++) {
        if (eff_boost(x->aChild[i]->boost) != eff_boost(y->aChild[i]->boost) ||
            !node_equal(x->aChild[i], y->aChild[i])) {
            return 0;
        }
    }
    return 1;
}

static void
dedup_free(dedup *d)
{
    free(d->aHash);
    free(d->aSlot);
    memset(d, 0, sizeof(*d));
}

/* The slot of hash h: the child with an equal node (*piChild), or the empty
** slot where it would go (*piChild -1). */
static int
dedup_find(const dedup *d, const kqi_qnode *q, const kqi_qnode *c, u64 h,
           int *piChild)
{
    int m = d->nSlot - 1;
    for (int k = (int)(h & (u64)m);; k = (k + 1) & m) {
        int i = d->aSlot[k] - 1;
        if (i < 0 || (d->aHash[i] == h && node_equal(q->aChild[i], c))) {
            *piChild = i;
            return k;
        }
    }
}

/* Make room for child number q->nChild (table at most half full). */
static int
dedup_grow(dedup *d, const kqi_qnode *q)
{
    int n = q->nChild + 1;
    if (kq_grow(&d->aHash, sizeof(u64), &d->nAlloc, (size_t)n, 16)) {
        return KQ_NOMEM;
    }
    if (2 * n < d->nSlot) {
        return KQ_OK;
    }
    int nSlot = d->nSlot ? d->nSlot * 2 : 32;
    while (2 * n >= nSlot) {
        nSlot *= 2;
    }
    int *aSlot = calloc((size_t)nSlot, sizeof(int));
    if (aSlot == NULL) {
        return KQ_NOMEM;
    }
    free(d->aSlot);
    d->aSlot = aSlot;
    d->nSlot = nSlot;
    for (int i = 0; i < q->nChild; i++) {
        int j;
        d->aSlot[dedup_find(d, q, q->aChild[i], d->aHash[i], &j)] = i + 1;
    }
    return KQ_OK;
}

/* Merge c into its twin among q's children, if it has one: 1 if it did. */
static int
dedup_merge(parser *p, kqi_qnode *q, kqi_qnode *c, dedup *d, u64 h)
{
    int i;
    dedup_find(d, q, c, h, &i);
    if (i < 0) {
        return 0;
    }
    kqi_qnode *t = q->aChild[i];
    if (t->eType != KQI_Q_NOT && t->eType != KQI_Q_DATE &&
        t->eType != KQI_Q_ID) {
        /* Scores add up (or_score(), and_score()): w1 s + w2 s. */
        t->boost = eff_boost(t->boost) + eff_boost(c->boost);
    }
    if (t->eSign == 0) {
        t->eSign = c->eSign; /* oil +oil: a required oil (parse_or()) */
    }
    node_drop(p, c);
    return 1;
}

static void
node_add_ex(parser *p, kqi_qnode *q, kqi_qnode *c, dedup *d)
{
    if (c == NULL) {
        return;
    }
    if (p->rc) {
        node_drop(p, c);
        return;
    }
    /* Flatten a child of the same operator into q. */
    if (c->eType == q->eType &&
        (q->eType == KQI_Q_AND || q->eType == KQI_Q_OR) &&
        (c->boost == 0 || c->boost == 1.0) &&
        c->eSign == 0) { /* (a signed item keeps its sign: parse_or()) */
        for (int i = 0; i < c->nChild; i++) {
            node_add_ex(p, q, c->aChild[i], d);
        }
        c->nChild = 0;
        node_drop(p, c);
        return;
    }
    u64 h = 0;
    if (d) {
        if (dedup_grow(d, q) != KQ_OK) {
            p->rc = KQ_NOMEM;
            node_drop(p, c);
            return;
        }
        h = node_hash(c);
        if (dedup_merge(p, q, c, d, h)) {
            return;
        }
    }
    kqi_qnode **a = realloc(q->aChild, sizeof(*a) * (size_t)(q->nChild + 1));
    if (a == NULL) {
        p->rc = KQ_NOMEM;
        node_drop(p, c);
        return;
    }
    q->aChild = a;
    if (d) {
        int i;
        d->aHash[q->nChild] = h;
        d->aSlot[dedup_find(d, q, c, h, &i)] = q->nChild + 1;
    }
    q->aChild[q->nChild++] = c;
    if (q->nChild > 1 || q->eType == KQI_Q_NOT || q->eType == KQI_Q_NEAR) {
        /* (The first child of an AND, OR or PHRASE being built may still
        ** be alone, the group collapse and it merge in the group above;
        ** it is counted with the next child, or at the end.) */
        check_terms(p, 0);
    }
}

/* Add c under q (phrases, NEAR and NOT: no merging, the words' order and
** number mean something there). */
static void
node_add(parser *p, kqi_qnode *q, kqi_qnode *c)
{
    node_add_ex(p, q, c, NULL);
}

/* An AND/OR with fewer than two children collapses. */
static kqi_qnode *
node_finish(parser *p, kqi_qnode *q)
{
    if (q && q->nChild < 2) {
        kqi_qnode *c = q->nChild ? q->aChild[0] : NULL;
        q->nChild = 0;
        node_drop(p, q);
        return c;
    }
    return q;
}

/* Note a failure of kq_analyze() itself (KQ_IOERR: ICU could not be
** loaded; the callbacks report their own errors in p->rc). */
static void
analysed(parser *p, int rc)
{
    if (rc == KQ_IOERR && p->rc == KQ_OK) {
        p->rc = KQ_IOERR;
    }
}

typedef struct collect {
    parser *p;
    const char *zText; /* the analysed text (for zRaw) */
    kqi_qnode *pPhrase;
    u32 iFirst;
    int nTok;
} collect;

static int
collect_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
           size_t iStart, size_t iEnd)
{
    collect *c = pCtx;
    kqi_qnode *t = node_new(c->p, KQI_Q_TERM);
    if (t == NULL) {
        return c->p->rc;
    }
    if ((t->zTerm = malloc(nTerm + 1)) == NULL) {
        node_drop(c->p, t);
        c->p->rc = KQ_NOMEM;
        return KQ_NOMEM;
    }
    memcpy(t->zTerm, zTerm, nTerm);
    t->zTerm[nTerm] = 0;
    t->nTerm = nTerm;
    t->zRaw = kq_mprintf("%.*s", (int)(iEnd - iStart), c->zText + iStart);
    if (c->nTok++ == 0) {
        c->iFirst = iPos;
    }
    t->iOffset = iPos - c->iFirst;
    node_add(c->p, c->pPhrase, t);
    return c->p->rc;
}

/* A word, prefix or phrase z[0..n) that holds a word too long to index:
** a TERM that matches nothing (bNever). */
static kqi_qnode *
never_node(parser *p, const char *z, size_t n)
{
    kqi_qnode *t = node_new(p, KQI_Q_TERM);
    if (t == NULL) {
        return NULL;
    }
    t->bNever = 1;
    t->zTerm = malloc(n + 1);
    if (t->zTerm == NULL) {
        node_drop(p, t);
        p->rc = KQ_NOMEM;
        return NULL;
    }
    memcpy(t->zTerm, z, n);
    t->zTerm[n] = 0;
    t->nTerm = n;
    return t;
}

/* A phrase of one word is that word, at offset 0 (the phrase node goes). */
static kqi_qnode *
phrase_or_word(parser *p, kqi_qnode *q)
{
    if (q->nChild == 1) {
        kqi_qnode *t = q->aChild[0];
        q->nChild = 0;
        node_drop(p, q);
        t->iOffset = 0;
        return t;
    }
    return q;
}

/* Analyse z[0..n) into a TERM or PHRASE node (NULL: no terms).
** A word that takes a position but gives no term (longer than
** KQ_MAX_WORD once folded, or of combining marks alone) is in no index:
** the whole item matches nothing (never_node()), rather than dropping out
** and leaving the rest to match more than was asked. */
static kqi_qnode *
analyse_words(parser *p, const char *z, size_t n, size_t iAt)
{
    collect c = {p, z, node_new(p, KQI_Q_PHRASE), 0, 0};
    if (c.pPhrase == NULL) {
        return NULL;
    }
    KQ_UNUSED(iAt);
    u32 nPos = 0;
    analysed(p, kq_analyze(p->pA, 0, z, n, 0, &nPos, &c, collect_cb));
    kqi_qnode *q = c.pPhrase;
    if (p->rc == KQ_OK && nPos > (u32)c.nTok) {
        node_drop(p, q);
        return never_node(p, z, n);
    }
    if (p->rc || q->nChild == 0) {
        node_drop(p, q);
        return NULL;
    }
    return phrase_or_word(p, q);
}

/**************************************************************************
** Expanding words: prefixes (oil*), wildcard patterns (qa?dafi, *fire)
** and fuzzy words (gadafi~2).  The pattern's letters are folded as a
** document's words are (case, accents), not stemmed: a pattern is matched
** against the unstemmed words of the vocabulary (pattern.c).
*/

/* The start of a fuzzy suffix "~", "~1", "~2" (any digits: a wrong count
** is reported, not read as a word) of the word z[0..n), or 0 if it has
** none.  A "~" first in the word is not one. */
static size_t
fuzzy_suffix(const char *z, size_t n)
{
    size_t k = n;
    while (k > 0 && z[k - 1] >= '0' && z[k - 1] <= '9') {
        k--;
    }
    return k >= 2 && z[k - 1] == '~' ? k - 1 : 0;
}

/* Does the word z[0..n) expand (a wildcard, or a fuzzy suffix)? */
static int
is_expanding(const char *z, size_t n)
{
    return memchr(z, '*', n) != NULL || memchr(z, '?', n) != NULL ||
           fuzzy_suffix(z, n) > 0;
}

typedef struct foldpiece {
    kq_buf *b;
    int nTok;
} foldpiece;

static int
fold_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
        size_t iStart, size_t iEnd)
{
    foldpiece *f = pCtx;
    KQ_UNUSED(iPos);
    KQ_UNUSED(iStart);
    KQ_UNUSED(iEnd);
    if (f->nTok++ == 0) {
        kq_buf_append(f->b, zTerm, nTerm);
    }
    return KQ_OK;
}

/* Fold the letters z[0..n) between wildcards onto b: 0 tokens (nothing
** appended) or 1; 2 if they hold more than one word, -1 if a word too
** long to index. */
static int
fold_piece(parser *p, const char *z, size_t n, kq_buf *b)
{
    foldpiece f = {b, 0};
    u32 nPos = 0;
    analysed(
        p, kq_analyze(p->pA, KQ_ANALYZE_NOSTEM, z, n, 0, &nPos, &f, fold_cb));
    if (nPos > (u32)f.nTok) {
        return -1;
    }
    return f.nTok > 1 ? 2 : f.nTok;
}

/* z[0..n), a word with * or ? or a fuzzy suffix, as a PREFIX, WILD or
** FUZZY node. */
static kqi_qnode *
pattern_node(parser *p, const char *z, size_t n, size_t iAt)
{
    size_t iTilde = fuzzy_suffix(z, n);
    u32 nEdit = 0;
    if (iTilde) {
        size_t nDig = n - iTilde - 1;
        if (nDig == 0) {
            nEdit = KQ_MAX_FUZZY_EDITS; /* word~: as Lucene's word~ */
        } else if (nDig == 1 && z[iTilde + 1] >= '1' &&
                   z[iTilde + 1] <= '0' + KQ_MAX_FUZZY_EDITS) {
            nEdit = (u32)(z[iTilde + 1] - '0');
        } else {
            set_err_n(p, iAt,
                      "word~N (fuzzy) takes N from 1 to %d edits "
                      "(\"a b\"~N is a phrase's NEAR)",
                      KQ_MAX_FUZZY_EDITS);
            return NULL;
        }
        if (memchr(z, '*', iTilde) || memchr(z, '?', iTilde)) {
            set_err(p, iAt, "a fuzzy word (word~N) cannot hold * or ?");
            return NULL;
        }
    }
    size_t nWord = iTilde ? iTilde : n;
    kq_buf b = {0};
    int nLit = 0, bNever = 0, bBad = 0, nWild = 0;
    for (size_t i = 0; i <= nWord && !bBad;) {
        size_t j = i;
        while (j < nWord && z[j] != '*' && z[j] != '?') {
            j++;
        }
        int r = fold_piece(p, z + i, j - i, &b);
        if (r == 2) {
            bBad = 1;
        } else if (r < 0) {
            bNever = 1;
        } else {
            nLit += r;
        }
        if (j < nWord) {
            /* (Runs of * are one *.) */
            if (z[j] == '?' || b.n == 0 || b.a[b.n - 1] != '*') {
                kq_buf_putc(&b, (u8)z[j]);
                nWild++;
            }
        }
        i = j + 1;
    }
    if (b.rc) {
        kq_buf_free(&b);
        p->rc = KQ_NOMEM;
        return NULL;
    }
    if (bBad) {
        kq_buf_free(&b);
        set_err(p, iAt,
                iTilde ? "a fuzzy word (word~N) must be a single word"
                       : "a wildcard pattern (word* or wo?d) must be "
                         "a single word");
        return NULL;
    }
    if (nLit == 0 && !bNever) {
        kq_buf_free(&b);
        set_err(p, iAt,
                iTilde ? "~ must follow a word"
                       : "a wildcard (* or ?) needs a letter or digit "
                         "beside it (a lone * is every document)");
        return NULL;
    }
    if (bNever) {
        /* A word too long to index: no word of the index fits. */
        kq_buf_free(&b);
        return never_node(p, z, n);
    }
    /* A word with one *, last, is a prefix (word*, as it has always
    ** been). */
    kqi_qtype e = iTilde                              ? KQI_Q_FUZZY
                  : nWild == 1 && b.a[b.n - 1] == '*' ? KQI_Q_PREFIX
                                                      : KQI_Q_WILD;
    kqi_qnode *q = node_new(p, e);
    if (q == NULL) {
        kq_buf_free(&b);
        return NULL;
    }
    if (e == KQI_Q_PREFIX) {
        b.n--; /* the * */
    }
    q->nEdit = nEdit;
    q->nTerm = b.n;
    q->zTerm = malloc(b.n + 1);
    q->zRaw = kq_mprintf("%.*s", (int)n, z);
    if (q->zTerm == NULL || q->zRaw == NULL) {
        kq_buf_free(&b);
        node_drop(p, q);
        p->rc = KQ_NOMEM;
        return NULL;
    }
    memcpy(q->zTerm, b.a, b.n);
    q->zTerm[b.n] = 0;
    kq_buf_free(&b);
    return q;
}

/* The words of a phrase, any of them expanding ("oil pric*"): each word
** (a run of non-blanks) that expands is one slot of the phrase, the others
** are analysed as in any phrase, the positions running on. */
static kqi_qnode *
analyse_phrase(parser *p, const char *z, size_t n, size_t iAt)
{
    int bAny = 0;
    for (size_t i = 0; i < n && !bAny;) {
        while (i < n && is_space(z[i])) {
            i++;
        }
        size_t j = i;
        while (j < n && !is_space(z[j])) {
            j++;
        }
        if (j > i && is_expanding(z + i, j - i)) {
            bAny = 1;
        }
        i = j;
    }
    if (!bAny) {
        return analyse_words(p, z, n, iAt);
    }
    kqi_qnode *q = node_new(p, KQI_Q_PHRASE);
    u32 iPos = 0;
    for (size_t i = 0; q && p->rc == KQ_OK && i < n;) {
        while (i < n && is_space(z[i])) {
            i++;
        }
        size_t j = i;
        while (j < n && !is_space(z[j])) {
            j++;
        }
        if (j == i) {
            break;
        }
        /* (The column of a word is its byte offset + 2: the quote.) */
        if (j - i == 1 && z[i] == '*') {
            set_err(p, iAt + 1 + i,
                    "a lone * cannot be part of a phrase "
                    "(it is the query for every document)");
        } else if (is_expanding(z + i, j - i)) {
            kqi_qnode *c = pattern_node(p, z + i, j - i, iAt + 1 + i);
            if (c) {
                c->iOffset = iPos++;
                node_add(p, q, c);
            }
        } else {
            collect c = {p, z + i, q, 0, 1}; /* (iFirst stays 0) */
            u32 nEnd = iPos;
            int nBefore = q->nChild;
            analysed(p, kq_analyze(p->pA, 0, z + i, j - i, iPos, &nEnd, &c,
                                   collect_cb));
            if (p->rc == KQ_OK && nEnd - iPos > (u32)(q->nChild - nBefore)) {
                node_drop(p, q);
                return never_node(p, z, n);
            }
            iPos = nEnd;
        }
        i = j;
    }
    if (p->rc || q == NULL || q->nChild == 0) {
        node_drop(p, q);
        return NULL;
    }
    return phrase_or_word(p, q);
}

static kqi_qnode *parse_or(parser *p);

static int
starts_unary(ttype e)
{
    return e == T_WORD || e == T_PHRASE || e == T_LP || e == T_NOT ||
           e == T_PLUS || e == T_MINUS;
}

static const char *
tok_name(ttype e)
{
    switch (e) {
    case T_AND: return "AND";
    case T_OR: return "OR";
    case T_RP: return ")";
    case T_NEAR: return "NEAR/ADJ";
    default: return "this";
    }
}

/* Restrict q and everything below it to field eField (zName for an extra
** field).  Date and id items, NEAR and NOT keep their meaning; a field
** inside another field is an error. */
static void
apply_field(parser *p, kqi_qnode *q, kqi_field eField, const char *zName,
            size_t iAt)
{
    if (q == NULL || p->rc) {
        return;
    }
    switch (q->eType) {
    case KQI_Q_TERM:
    case KQI_Q_PREFIX:
    case KQI_Q_WILD:
    case KQI_Q_FUZZY:
    case KQI_Q_PHRASE:
    case KQI_Q_EXACT:
        if (q->eField != KQI_FIELD_ANY) {
            set_err(p, iAt, "a field inside another field");
            return;
        }
        if (eField == KQI_FIELD_BODY && q->eType == KQI_Q_PHRASE) {
            set_err(p, iAt,
                    "body: takes words and prefixes, not phrases "
                    "(a phrase without a field is searched in title and "
                    "body)");
            return;
        }
        if (q->eType == KQI_Q_EXACT && eField != KQI_FIELD_TITLE &&
            eField != KQI_FIELD_BODY) {
            set_err(p, iAt, "=word works in title: and body: only");
            return;
        }
        q->eField = eField;
        if (zName && (q->zField = kq_mprintf("%s", zName)) == NULL) {
            p->rc = KQ_NOMEM;
        }
        if (q->eType == KQI_Q_PHRASE) {
            for (int i = 0; i < q->nChild; i++) {
                q->aChild[i]->eField = eField;
            }
        }
        return;
    case KQI_Q_NEAR:
        set_err(p, iAt, "NEAR/ADJ cannot be restricted to a field");
        return;
    case KQI_Q_DATE:
    case KQI_Q_ID:
        set_err(p, iAt, "date: and id: cannot be inside another field");
        return;
    default:
        for (int i = 0; i < q->nChild; i++) {
            apply_field(p, q->aChild[i], eField, zName, iAt);
        }
    }
}

/* The number of a boost (word^N), in characters: digits and a point.  The
** largest boost is 1e6; this bounds the text, leading zeros and all. */
#define MAX_BOOST_TEXT 31

/* A trailing "^N" boost of z[0..*pn): stripped, its value in *pBoost (1 if
** there is none).  0, or -1 if the number is bad. */
static int
strip_boost(const char *z, size_t *pn, double *pBoost)
{
    size_t n = *pn, k = n;
    *pBoost = 1.0;
    while (k > 0 &&
           ((z[k - 1] >= '0' && z[k - 1] <= '9') || z[k - 1] == '.')) {
        k--;
    }
    if (k == 0 || z[k - 1] != '^') {
        return 0;
    }
    if (k == n) {
        return -1;
    }
    char aNum[MAX_BOOST_TEXT + 1];
    if (n - k > MAX_BOOST_TEXT) {
        return -1;
    }
    memcpy(aNum, z + k, n - k);
    aNum[n - k] = 0;
    char *zEnd;
    double v = strtod(aNum, &zEnd);
    if (*zEnd || !(v > 0) || v > 1e6) {
        return -1;
    }
    *pBoost = v;
    *pn = k - 1;
    return 0;
}

/* The length of "name" if z starts with "name:" where name could name a
** field, else 0. */
static size_t
field_name_len(const char *z, size_t n)
{
    if (n < 2 || z[0] < 'a' || z[0] > 'z') {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        char c = z[i];
        if (c == ':') {
            return i;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return 0;
        }
    }
    return 0;
}

/* date:VALUE, VALUE = DATE | DATE..DATE | DATE.. | ..DATE */
static kqi_qnode *
parse_date(parser *p, const char *z, size_t n, size_t iAt)
{
    kqi_qnode *q = node_new(p, KQI_Q_DATE);
    if (q == NULL) {
        return NULL;
    }
    size_t k = 0;
    while (k + 1 < n && !(z[k] == '.' && z[k + 1] == '.')) {
        k++;
    }
    int bRange = k + 1 < n;
    const char *zA = z, *zB = bRange ? z + k + 2 : z;
    size_t nA = bRange ? k : n, nB = bRange ? n - k - 2 : n;
    if ((nA && kqi_date_bound(zA, nA, 0, q->zLo)) ||
        (nB && kqi_date_bound(zB, nB, 1, q->zHi)) || (nA == 0 && nB == 0)) {
        node_drop(p, q);
        set_err(p, iAt,
                "date: wants YYYY, YYYY-MM or YYYY-MM-DD, or a "
                "range FROM..TO (either end may be left out)");
        return NULL;
    }
    if (q->zLo[0] && q->zHi[0] && strcmp(q->zLo, q->zHi) > 0) {
        node_drop(p, q);
        set_err(p, iAt, "date: range ends before it starts");
        return NULL;
    }
    return q;
}

static int
is_exact_word(const char *z, size_t n)
{
    return n > 1 && z[0] == '=';
}

/* =word: the folded word, and its stem for the index lookup. */
static kqi_qnode *
parse_exact(parser *p, const char *z, size_t n, size_t iAt)
{
    char aWord[KQI_MAX_TERM + 1]; /* a folded word and its NUL */
    size_t nWord = kq_fold_word(p->pA, z, n, aWord, sizeof(aWord));
    kqi_qnode *q = analyse_words(p, z, n, iAt);
    if (q == NULL || q->bNever) {
        return q;
    }
    if (q->eType != KQI_Q_TERM || nWord == 0) {
        node_drop(p, q);
        set_err(p, iAt, "=word takes a single word");
        return NULL;
    }
    q->eType = KQI_Q_EXACT;
    q->zWord = malloc(nWord + 1);
    if (q->zWord == NULL) {
        p->rc = KQ_NOMEM;
        node_drop(p, q);
        return NULL;
    }
    memcpy(q->zWord, aWord, nWord);
    q->zWord[nWord] = 0;
    q->nWord = nWord;
    return q;
}

/* A word token: [field:][=]word[*][^N], or date:..., id:... */
static kqi_qnode *
parse_word(parser *p, const char *z, size_t n, size_t iAt, kqi_field *peField,
           char **pzName, int *pbFieldOnly)
{
    double boost;
    *pbFieldOnly = 0;
    size_t nf = field_name_len(z, n);
    if (nf) {
        const char *zName = z;
        z += nf + 1;
        n -= nf + 1;
        if (nf == 4 && memcmp(zName, "date", 4) == 0) {
            return n ? parse_date(p, z, n, iAt)
                     : (set_err(p, iAt, "date: wants a date or a range"),
                        NULL);
        }
        if (nf == 2 && memcmp(zName, "id", 2) == 0) {
            if (n == 0) {
                *pbFieldOnly = 2; /* id:"quoted id" follows */
                return NULL;
            }
            kqi_qnode *q = node_new(p, KQI_Q_ID);
            if (q && n > 1 && z[n - 1] == '*') {
                /* id:PRE*: the ids starting with PRE (quote an id that
                ** ends in *: id:"a*"). */
                q->bIdPrefix = 1;
                n--;
            }
            if (q && (q->zTerm = malloc(n + 1)) != NULL) {
                memcpy(q->zTerm, z, n);
                q->zTerm[n] = 0;
                q->nTerm = n;
            } else if (q) {
                p->rc = KQ_NOMEM;
            }
            if (n == 0) {
                set_err(p, iAt,
                        "id: wants an id (quote it if it has spaces: "
                        "id:\"my id\")");
            }
            return q;
        }
        if (nf == 5 && memcmp(zName, "title", 5) == 0) {
            *peField = KQI_FIELD_TITLE;
        } else if (nf == 4 && memcmp(zName, "body", 4) == 0) {
            *peField = KQI_FIELD_BODY;
        } else if (nf == 6 && memcmp(zName, "source", 6) == 0) {
            *peField = KQI_FIELD_SOURCE;
        } else {
            *peField = KQI_FIELD_EXTRA;
            *pzName = kq_mprintf("%.*s", (int)nf, zName);
            if (*pzName == NULL) {
                p->rc = KQ_NOMEM;
                return NULL;
            }
        }
        if (n == 0) {
            *pbFieldOnly = 1; /* title:"..." or title:(...) follows */
            return NULL;
        }
    }
    if (strip_boost(z, &n, &boost) || memchr(z, '^', n) != NULL) {
        set_err(p, iAt,
                "^ wants a positive number, e.g. oil^2 (quote a "
                "word that has a ^ in it)");
        return NULL;
    }
    if (n == 1 && z[0] == '*' && nf == 0) {
        /* *: every document, empty ones included.  It is NOT of nothing
        ** (a bNever TERM), which both backends evaluate as such; it adds
        ** nothing to a score. */
        kqi_qnode *q = node_new(p, KQI_Q_NOT);
        kqi_qnode *c = q ? never_node(p, z, n) : NULL;
        if (c == NULL) {
            node_drop(p, q);
            return NULL;
        }
        node_add(p, q, c);
        q->bAll = 1;
        return q;
    }
    kqi_qnode *q;
    if (is_exact_word(z, n)) {
        if (is_expanding(z, n)) {
            set_err(p, iAt, "=word cannot be a prefix, pattern or fuzzy word");
            return NULL;
        }
        q = parse_exact(p, z + 1, n - 1, iAt);
    } else if (is_expanding(z, n)) {
        q = pattern_node(p, z, n, iAt);
    } else {
        q = analyse_words(p, z, n, iAt);
    }
    if (q) {
        q->boost = boost;
    }
    return q;
}

/* Are q's children all plain words (TERM)? */
static int
plain_words(const kqi_qnode *q)
{
    for (int i = 0; i < q->nChild; i++) {
        if (q->aChild[i]->eType != KQI_Q_TERM) {
            return 0;
        }
    }
    return 1;
}

/* "^N" or "~N" right after a phrase or a group (no space between). */
static int
adjacent_suffix(parser *p, size_t iPrevEnd, char c)
{
    return p->rc == KQ_OK && p->eTok == T_WORD && p->iTok == iPrevEnd &&
           p->nTok > 1 && p->zTok[0] == c;
}

static kqi_qnode *
parse_item(parser *p)
{
    if (p->rc) {
        return NULL;
    }
    size_t iAt = p->iTok;
    switch (p->eTok) {
    case T_LP: {
        if (++p->nDepth > KQ_MAX_QUERY_DEPTH) {
            set_err(p, iAt, "parentheses nested too deeply");
            return NULL;
        }
        lex(p);
        if (p->eTok == T_RP) {
            set_err(p, p->iTok, "expected a term inside ( )");
            return NULL;
        }
        kqi_qnode *q = parse_or(p);
        if (p->rc) {
            node_drop(p, q);
            return NULL;
        }
        if (p->eTok != T_RP) {
            node_drop(p, q);
            set_err(p, iAt, "unclosed parenthesis");
            return NULL;
        }
        if (q && q->eMix == KQI_MIX_AND) {
            q->eMix = KQI_MIX_NO; /* parenthesised: not ambiguous */
        }
        p->nDepth--;
        size_t iEnd = p->i;
        lex(p);
        if (adjacent_suffix(p, iEnd, '^')) {
            size_t n = p->nTok;
            double b;
            char aBuf[MAX_BOOST_TEXT + 3]; /* 'x', '^', the number */
            int bad = n >= sizeof(aBuf) - 1;
            if (!bad) {
                aBuf[0] = 'x';
                memcpy(aBuf + 1, p->zTok, n);
                size_t m = n + 1;
                bad = strip_boost(aBuf, &m, &b) || m != 1;
            }
            if (bad) {
                set_err(p, p->iTok,
                        "^ wants a positive number, e.g. (a OR b)^2");
            } else if (q) {
                q->boost = b;
            }
            lex(p);
        }
        return q;
    }
    case T_PHRASE: {
        kqi_qnode *q = analyse_phrase(p, p->zTok, p->nTok, iAt);
        size_t iEnd = p->i;
        lex(p);
        for (int k = 0; k < 2; k++) {
            if (adjacent_suffix(p, iEnd, '~')) {
                /* "a b"~n: NEAR/n of the phrase's words. */
                u32 v = 0;
                size_t j = 1;
                for (; j < p->nTok && p->zTok[j] >= '0' && p->zTok[j] <= '9' &&
                       v <= KQ_MAX_NEAR_WINDOW;
                     j++) {
                    v = v * 10 + (u32)(p->zTok[j] - '0');
                }
                double b = 1.0;
                size_t m = p->nTok;
                if (j < m && strip_boost(p->zTok, &m, &b) == 0 && m == j) {
                    if (q) {
                        q->boost = b;
                    }
                } else if (j != m) {
                    v = 0;
                }
                if (v == 0 || v > KQ_MAX_NEAR_WINDOW) {
                    set_err_n(p, p->iTok,
                              "~ after a phrase takes a number "
                              "from 1 to %d",
                              KQ_MAX_NEAR_WINDOW);
                } else if (q && q->eType == KQI_Q_PHRASE && !plain_words(q)) {
                    set_err(p, p->iTok,
                            "a \"phrase\"~n takes plain words "
                            "(no prefixes, patterns or fuzzy words)");
                } else if (q && q->eType == KQI_Q_PHRASE &&
                           q->nChild > KQ_MAX_NEAR_WORDS) {
                    set_err_n(p, p->iTok,
                              "a \"phrase\"~n has at most %d "
                              "words",
                              KQ_MAX_NEAR_WORDS);
                } else if (q && q->eType == KQI_Q_PHRASE) {
                    q->eType = KQI_Q_NEAR;
                    q->nWindow = v;
                    for (int i = 0; i < q->nChild; i++) {
                        q->aChild[i]->iOffset = 0;
                    }
                }
                iEnd = p->i;
                lex(p);
            } else if (adjacent_suffix(p, iEnd, '^')) {
                size_t m = p->nTok;
                char aBuf[MAX_BOOST_TEXT + 3]; /* as above */
                double b = 1.0;
                int bad = m >= sizeof(aBuf) - 1;
                if (!bad) {
                    aBuf[0] = 'x';
                    memcpy(aBuf + 1, p->zTok, m);
                    m++;
                    bad = strip_boost(aBuf, &m, &b) || m != 1;
                }
                if (bad) {
                    set_err(p, p->iTok, "^ wants a positive number");
                } else if (q) {
                    q->boost = b;
                }
                iEnd = p->i;
                lex(p);
            }
        }
        return q;
    }
    case T_WORD: {
        kqi_field eField = KQI_FIELD_ANY;
        char *zName = NULL;
        int bFieldOnly;
        size_t n = p->nTok;
        kqi_qnode *q = parse_word(p, p->zTok, n, iAt, &eField, &zName,
                                  &bFieldOnly);
        size_t iEnd = p->i;
        lex(p);
        if (bFieldOnly == 2) {
            /* id:"an id": the quoted text as it is. */
            if (p->rc == KQ_OK && p->iTok == iEnd && p->eTok == T_PHRASE &&
                p->nTok > 0) {
                q = node_new(p, KQI_Q_ID);
                if (q && (q->zTerm = malloc(p->nTok + 1)) != NULL) {
                    memcpy(q->zTerm, p->zTok, p->nTok);
                    q->zTerm[p->nTok] = 0;
                    q->nTerm = p->nTok;
                } else if (q) {
                    p->rc = KQ_NOMEM;
                }
                lex(p);
            } else {
                set_err(p, iAt,
                        "id: wants an id (quote it if it has spaces: "
                        "id:\"my id\")");
            }
        } else if (bFieldOnly) {
            if (p->rc == KQ_OK && p->iTok == iEnd &&
                (p->eTok == T_PHRASE || p->eTok == T_LP)) {
                q = parse_item(p);
            } else {
                set_err(p, iAt,
                        "a field name wants a word, a \"phrase\" or "
                        "( ) right after its colon");
            }
        }
        if (eField != KQI_FIELD_ANY) {
            apply_field(p, q, eField, zName, iAt);
        }
        free(zName);
        if (p->rc) {
            node_drop(p, q);
            return NULL;
        }
        return q;
    }
    case T_EOF: {
        set_err(p, p->iTok, "expected a term at the end of the query");
        return NULL;
    }
    default: {
        char *z = kq_mprintf("expected a term before %s", tok_name(p->eTok));
        set_err(p, iAt, z ? z : "expected a term");
        free(z);
        return NULL;
    }
    }
}

static kqi_qnode *
parse_primary(parser *p)
{
    return parse_item(p);
}

static kqi_qnode *
parse_unary(parser *p)
{
    if (p->rc) {
        return NULL;
    }
    if (p->eTok == T_NOT || p->eTok == T_MINUS) {
        ttype e = p->eTok;
        if (++p->nDepth > KQ_MAX_QUERY_DEPTH) {
            set_err(p, p->iTok, "NOT nested too deeply");
            return NULL;
        }
        lex(p);
        kqi_qnode *c = (e == T_NOT) ? parse_unary(p) : parse_primary(p);
        p->nDepth--;
        if (c == NULL) {
            return NULL;
        }
        kqi_qnode *q = node_new(p, KQI_Q_NOT);
        if (q == NULL) {
            node_drop(p, c);
            return NULL;
        }
        node_add(p, q, c);
        q->eSign = e == T_MINUS ? '-' : 0;
        return q;
    }
    if (p->eTok == T_PLUS) {
        lex(p);
        kqi_qnode *c = parse_primary(p);
        if (c) {
            c->eSign = '+';
        }
        return c;
    }
    return parse_primary(p);
}

/* A NEAR/ADJ operand must be one plain word. */
static int
near_operand(parser *p, kqi_qnode *c, size_t iAt)
{
    if (c == NULL) {
        return p->rc ? p->rc : set_err(p, iAt, "NEAR/ADJ wants a word here");
    }
    if (c->eType != KQI_Q_TERM || c->eField != KQI_FIELD_ANY ||
        (c->boost != 0 && c->boost != 1.0)) {
        return set_err(p, iAt,
                       "NEAR/ADJ join single words (no phrases, "
                       "prefixes, fields or groups)");
    }
    return KQ_OK;
}

static kqi_qnode *
parse_near(parser *p)
{
    size_t iAt = p->iTok;
    kqi_qnode *c = parse_unary(p);
    if (p->rc || p->eTok != T_NEAR) {
        return c;
    }
    kqi_qnode *q = node_new(p, KQI_Q_NEAR);
    if (q == NULL) {
        node_drop(p, c);
        return NULL;
    }
    q->nWindow = p->nNear;
    q->bOrdered = p->bOrdered;
    if (near_operand(p, c, iAt) == KQ_OK) {
        node_add(p, q, c);
    } else {
        node_drop(p, c);
    }
    while (p->rc == KQ_OK && p->eTok == T_NEAR) {
        if (p->nNear != q->nWindow || p->bOrdered != q->bOrdered) {
            set_err(p, p->iTok,
                    "a chain of NEAR/ADJ must use one operator "
                    "and one distance (use parentheses and AND otherwise)");
            break;
        }
        lex(p);
        iAt = p->iTok;
        c = parse_unary(p);
        if (near_operand(p, c, iAt) == KQ_OK) {
            node_add(p, q, c);
        } else {
            node_drop(p, c);
        }
    }
    if (p->rc) {
        node_drop(p, q);
        return NULL;
    }
    if (q->nChild > KQ_MAX_NEAR_WORDS) {
        node_drop(p, q);
        set_err_n(p, iAt, "NEAR/ADJ join at most %d words", KQ_MAX_NEAR_WORDS);
        return NULL;
    }
    for (int i = 0; i < q->nChild; i++) {
        q->aChild[i]->iOffset = 0;
    }
    return q;
}

static kqi_qnode *
parse_and(parser *p)
{
    kqi_qnode *q = node_new(p, KQI_Q_AND);
    if (q == NULL) {
        return NULL;
    }
    int nItem = 1;
    dedup d = {0};
    node_add_ex(p, q, parse_near(p), &d);
    while (p->rc == KQ_OK) {
        if (p->eTok == T_AND) {
            lex(p);
            node_add_ex(p, q, parse_near(p), &d);
        } else if (starts_unary(p->eTok) && !p->bDefaultOr) {
            node_add_ex(p, q, parse_near(p), &d);
        } else {
            break;
        }
        nItem++;
    }
    dedup_free(&d);
    q = node_finish(p, q);
    if (q && q->eType == KQI_Q_AND && nItem > 1) {
        q->eMix = KQI_MIX_AND; /* until parse_or() or a parenthesis */
    }
    return q;
}

/* A new node of type e over a and b (both dropped if it cannot be made). */
static kqi_qnode *
node_pair(parser *p, kqi_qtype e, kqi_qnode *a, kqi_qnode *b)
{
    kqi_qnode *q = node_new(p, e);
    if (q == NULL) {
        node_drop(p, a);
        node_drop(p, b);
        return NULL;
    }
    node_add(p, q, a);
    node_add(p, q, b);
    return q;
}

/* With --or (KQ_QUERY_OR), the items of an OR list written with + or -
** (kq(1): +a is required, -a excluded, as in Xapian's and Lucene's query
** languages; without --or an OR is always written out, and means it): the
** documents matching every + item and no - item; the other items only
** rank them (and count their matches), a MAYBE over the required part.
** Without + items the others are required as one OR.  q is the OR being
** built, with at least one signed item; returns what replaces it. */
static kqi_qnode *
love_hate(parser *p, kqi_qnode *q)
{
    kqi_qnode *pReq = node_new(p, KQI_Q_AND); /* + items, then - items */
    kqi_qnode *pOpt = node_new(p, KQI_Q_OR);
    if (pReq == NULL || pOpt == NULL) {
        node_drop(p, pReq);
        node_drop(p, pOpt);
        return q;
    }
    int bPlus = 0;
    for (int i = 0; i < q->nChild; i++) {
        kqi_qnode *c = q->aChild[i];
        bPlus |= c->eSign == '+';
        if (c->eSign != '-') {
            node_add(p, c->eSign ? pReq : pOpt, c);
        }
    }
    for (int i = 0; i < q->nChild; i++) {
        if (q->aChild[i]->eSign == '-') {
            node_add(p, pReq, q->aChild[i]);
        }
    }
    q->nChild = 0;
    node_drop(p, q);
    pOpt = node_finish(p, pOpt);
    if (!bPlus && pOpt) {
        /* c d -a -b: (c OR d) without a or b */
        return node_finish(p, node_pair(p, KQI_Q_AND, pOpt, pReq));
    }
    pReq = node_finish(p, pReq);
    return pOpt ? node_pair(p, KQI_Q_MAYBE, pReq, pOpt) : pReq;
}

static kqi_qnode *
parse_or(parser *p)
{
    kqi_qnode *q = node_new(p, KQI_Q_OR);
    if (q == NULL) {
        return NULL;
    }
    dedup d = {0};
    node_add_ex(p, q, parse_and(p), &d);
    while (p->rc == KQ_OK) {
        if (p->eTok == T_OR) {
            lex(p);
        } else if (!(p->bDefaultOr && starts_unary(p->eTok))) {
            break;
        }
        node_add_ex(p, q, parse_and(p), &d);
    }
    dedup_free(&d);
    for (int i = 0; q && p->bDefaultOr && i < q->nChild; i++) {
        if (q->aChild[i]->eSign) {
            return love_hate(p, q);
        }
    }
    /* a AND b OR c: the precedence decides, but the user may not have
    ** meant it; kq_query_tree() warns. */
    int bMix = 0;
    for (int i = 0; q && i < q->nChild; i++) {
        if (q->aChild[i]->eMix == KQI_MIX_AND) {
            bMix = 1;
            q->aChild[i]->eMix = KQI_MIX_NO;
        }
    }
    q = node_finish(p, q);
    if (q && q->eType == KQI_Q_OR && bMix) {
        q->eMix = KQI_MIX_WARN;
    }
    return q;
}

/* Character column (1-based) of byte offset i. */
static int
column_of(const char *z, size_t i)
{
    int col = 1;
    for (size_t k = 0; k < i; k++) {
        if (((u8)z[k] & 0xc0) != 0x80) {
            col++;
        }
    }
    return col;
}

int
kq_query_parse(kq_analyzer *pA, const char *zQuery, kq_query **ppOut,
               int *piCol, char **pzErr)
{
    return kq_query_parse_ex(pA, zQuery, 0, ppOut, piCol, pzErr);
}

/**************************************************************************
** Queries over documents in several languages.  When the index holds
** documents of other languages than its own (kq-index --lang-field,
** --detect-lang), the analyzer knows them (kqi_analyzer_lang_get()), and
** each word, phrase and NEAR of plain words becomes the OR of its forms:
** the index language's, and that of each other language writing the
** script of its first word, where they differ.  (=word, patterns and
** phrases holding them are matched in the index's language only.)  Tokens
** do not depend on the language, only stems do, so a form in another
** language is the same item with each word stemmed again.
*/

/* The static copy of a language name (libstemmer's list). */
static const char *
static_lang(const char *z)
{
    for (const char **a = kq_languages(); *a; a++) {
        if (strcmp(*a, z) == 0) {
            return *a;
        }
    }
    return NULL;
}

/* The TERM or EXACT t (with its text zRaw) analysed by pL: a new one of
** its kind (an EXACT keeps its folded word), or NULL if its text is not
** one word there (or on an error, in p->rc). */
static kqi_qnode *
term_in_lang(parser *p, const kqi_qnode *t, kq_analyzer *pL)
{
    if ((t->eType != KQI_Q_TERM && t->eType != KQI_Q_EXACT) ||
        t->zRaw == NULL || t->bNever) {
        return NULL;
    }
    /* Its stem there: the first token, as fold_piece() collects it. */
    kq_buf b = {0};
    foldpiece f = {&b, 0};
    analysed(
        p, kq_analyze(pL, 0, t->zRaw, strlen(t->zRaw), 0, NULL, &f, fold_cb));
    kqi_qnode *q = NULL;
    if (f.nTok == 1 && b.n > 0 && b.rc == KQ_OK) {
        q = node_new(p, KQI_Q_TERM);
    } else if (b.rc) {
        p->rc = KQ_NOMEM;
    }
    if (q == NULL) {
        kq_buf_free(&b);
        return NULL;
    }
    q->eField = t->eField;
    q->iOffset = t->iOffset;
    q->zLang = static_lang(kq_analyzer_lang(pL));
    q->zTerm = kq_mprintf("%.*s", (int)b.n, (const char *)b.a);
    q->nTerm = b.n;
    kq_buf_free(&b);
    q->zRaw = kq_mprintf("%s", t->zRaw);
    q->zField = t->zField ? kq_mprintf("%s", t->zField) : NULL;
    if (t->eType == KQI_Q_EXACT) {
        /* =word: the same folded word, found through this stem */
        q->eType = KQI_Q_EXACT;
        q->zWord = kq_mprintf("%s", t->zWord);
        q->nWord = t->nWord;
        if (q->zWord == NULL) {
            p->rc = KQ_NOMEM;
        }
    }
    if (p->rc || q->zTerm == NULL || q->zRaw == NULL ||
        (t->zField && !q->zField)) {
        p->rc = KQ_NOMEM;
        node_drop(p, q);
        return NULL;
    }
    return q;
}

/* q (a TERM or EXACT, or a PHRASE or NEAR of TERMs) in language pL, or
** NULL. */
static kqi_qnode *
item_in_lang(parser *p, const kqi_qnode *q, kq_analyzer *pL)
{
    if (q->eType == KQI_Q_TERM || q->eType == KQI_Q_EXACT) {
        return term_in_lang(p, q, pL);
    }
    kqi_qnode *r = node_new(p, q->eType);
    if (r == NULL) {
        return NULL;
    }
    r->eField = q->eField;
    r->nWindow = q->nWindow;
    r->bOrdered = q->bOrdered;
    r->zLang = static_lang(kq_analyzer_lang(pL));
    for (int i = 0; i < q->nChild; i++) {
        kqi_qnode *c = term_in_lang(p, q->aChild[i], pL);
        if (c == NULL) {
            node_drop(p, r);
            return NULL;
        }
        node_add(p, r, c);
    }
    if (q->zField && (r->zField = kq_mprintf("%s", q->zField)) == NULL) {
        p->rc = KQ_NOMEM;
        node_drop(p, r);
        return NULL;
    }
    return r;
}

/* The first word's text of a TERM or EXACT, or of a PHRASE or NEAR of
** TERMs (NULL otherwise). */
static const char *
item_text(const kqi_qnode *q)
{
    if (q->eType == KQI_Q_TERM || q->eType == KQI_Q_EXACT) {
        return q->bNever ? NULL : q->zRaw;
    }
    if ((q->eType != KQI_Q_PHRASE && q->eType != KQI_Q_NEAR) ||
        q->nChild == 0) {
        return NULL;
    }
    for (int i = 0; i < q->nChild; i++) {
        if (q->aChild[i]->eType != KQI_Q_TERM || q->aChild[i]->zRaw == NULL ||
            q->aChild[i]->bNever) {
            return NULL;
        }
    }
    return q->aChild[0]->zRaw;
}

/* The signs have done their work (parse_or()): forget them, so that the
** query's items compare as what they search for (add_languages()). */
static void
clear_signs(kqi_qnode *q)
{
    for (int i = 0; q && i < q->nChild; i++) {
        clear_signs(q->aChild[i]);
    }
    if (q) {
        q->eSign = 0;
    }
}

/* q with its words and phrases in the index's other languages. */
static kqi_qnode *
add_languages(parser *p, kqi_qnode *q)
{
    if (q == NULL || p->rc) {
        return q;
    }
    if (q->eType == KQI_Q_AND || q->eType == KQI_Q_OR ||
        q->eType == KQI_Q_NOT || q->eType == KQI_Q_MAYBE) {
        for (int i = 0; i < q->nChild; i++) {
            q->aChild[i] = add_languages(p, q->aChild[i]);
        }
        return q;
    }
    const char *zText = item_text(q);
    kq_analyzer **ap = NULL;
    int nL = zText ? kqi_analyzer_langs_for(p->pA, zText, strlen(zText), &ap)
                   : 0;
    if (nL == 0) {
        return q;
    }
    kqi_qnode *o = node_new(p, KQI_Q_OR);
    if (o == NULL) {
        return q;
    }
    o->boost = q->boost;
    q->boost = 0;
    node_add(p, o, q);
    for (int i = 0; i < nL && p->rc == KQ_OK; i++) {
        kqi_qnode *a = item_in_lang(p, q, ap[i]);
        int bDup = a == NULL;
        for (int j = 0; j < o->nChild && !bDup; j++) {
            bDup = node_equal(o->aChild[j], a);
        }
        if (bDup) {
            node_drop(p, a);
        } else {
            node_add(p, o, a);
        }
    }
    if (o->nChild == 1) {
        o->nChild = 0;
        q->boost = o->boost;
        node_drop(p, o);
        return q;
    }
    return o;
}

int
kq_query_parse_ex(kq_analyzer *pA, const char *zQuery, int flags,
                  kq_query **ppOut, int *piCol, char **pzErr)
{
    *ppOut = NULL;
    if (piCol) {
        *piCol = 0;
    }
    parser p;
    memset(&p, 0, sizeof(p));
    p.pA = pA;
    p.bDefaultOr = (flags & KQ_QUERY_OR) != 0;
    p.z = zQuery;
    p.n = strlen(zQuery);
    if (p.n > KQ_MAX_QUERY_LEN) {
        char *z = kq_mprintf("the query is longer than %d bytes",
                             KQ_MAX_QUERY_LEN);
        set_err(&p, KQ_MAX_QUERY_LEN, z ? z : "the query is too long");
        free(z);
        p.n = KQ_MAX_QUERY_LEN; /* (for the column) */
    }
    lex(&p);
    kqi_qnode *pRoot = NULL;
    if (p.rc == KQ_OK && p.eTok == T_EOF) {
        set_err(&p, 0, "empty query");
    }
    if (p.rc == KQ_OK) {
        pRoot = parse_or(&p);
        clear_signs(pRoot);
        pRoot = add_languages(&p, pRoot);
        check_terms(&p, 0);
    }
    if (p.rc == KQ_OK && p.eTok != T_EOF) {
        set_err(&p, p.iTok,
                p.eTok == T_RP ? "unmatched )" : "unexpected text");
    }
    if (p.rc == KQ_OK && pRoot == NULL) {
        set_err(&p, 0, "the query has no searchable words");
    }
    if (p.rc) {
        kqi_qnode_free(pRoot);
        if (p.rc == KQ_SYNTAX) {
            if (piCol) {
                *piCol = column_of(p.z, p.iErr);
            }
            kqi_err(pzErr, KQ_SYNTAX, "%s", p.zErr ? p.zErr : "syntax error");
        } else if (p.rc == KQ_IOERR) {
            kqi_err(pzErr, KQ_IOERR, "cannot analyse the query: %s",
                    kqi_icu_error());
        }
        free(p.zErr);
        return p.rc;
    }
    free(p.zErr);
    kq_query *q = calloc(1, sizeof(*q));
    if (q == NULL) {
        kqi_qnode_free(pRoot);
        return KQ_NOMEM;
    }
    q->pRoot = pRoot;
    *ppOut = q;
    return KQ_OK;
}

void
kq_query_free(kq_query *q)
{
    if (q) {
        kqi_qnode_free(q->pRoot);
        free(q);
    }
}

int
kqi_field_prefix(const kqi_qnode *q, char *aOut, size_t nOut)
{
    int n;
    switch (q->eField) {
    case KQI_FIELD_TITLE:
    case KQI_FIELD_BODY: n = snprintf(aOut, nOut, "%c", KQI_PFX_TITLE); break;
    case KQI_FIELD_SOURCE:
        n = snprintf(aOut, nOut, "%c", KQI_PFX_SOURCE);
        break;
    case KQI_FIELD_EXTRA:
        n = snprintf(aOut, nOut, "%c%s:", KQI_PFX_EXTRA, q->zField);
        break;
    default: n = snprintf(aOut, nOut, "%s", "");
    }
    return n < 0 || (size_t)n >= nOut ? -1 : n;
}

static const char *
field_label(const kqi_qnode *q)
{
    switch (q->eField) {
    case KQI_FIELD_TITLE: return "title";
    case KQI_FIELD_BODY: return "body";
    case KQI_FIELD_SOURCE: return "source";
    case KQI_FIELD_EXTRA: return q->zField ? q->zField : "?";
    default: return NULL;
    }
}

static void
describe(kq_buf *b, const kqi_qnode *q, int bInPhrase)
{
    const char *zField = bInPhrase ? NULL : field_label(q);
    if (zField) {
        kq_buf_append(b, zField, strlen(zField));
        kq_buf_putc(b, ':');
    }
    switch (q->eType) {
    case KQI_Q_NOT:
        if (q->bAll) {
            kq_buf_putc(b, '*');
            break;
        }
        goto op;
    case KQI_Q_TERM:
        if (q->bNever) {
            kq_buf_append(b, "NOTHING(\"", 9);
            kq_buf_append(b, q->zTerm, q->nTerm);
            kq_buf_append(b, "\")", 2);
        } else {
            kq_buf_append(b, q->zTerm, q->nTerm);
        }
        break;
    case KQI_Q_PREFIX:
        kq_buf_append(b, q->zTerm, q->nTerm);
        kq_buf_putc(b, '*');
        break;
    case KQI_Q_WILD: kq_buf_append(b, q->zTerm, q->nTerm); break;
    case KQI_Q_FUZZY: {
        char aNum[16];
        snprintf(aNum, sizeof(aNum), "~%u", q->nEdit);
        kq_buf_append(b, q->zTerm, q->nTerm);
        kq_buf_append(b, aNum, strlen(aNum));
        break;
    }
    case KQI_Q_EXACT:
        kq_buf_putc(b, '=');
        kq_buf_append(b, q->zWord, q->nWord);
        break;
    case KQI_Q_DATE: {
        char *z = kq_mprintf("date:%s..%s", q->zLo, q->zHi);
        if (z) {
            kq_buf_append(b, z, strlen(z));
        }
        free(z);
        break;
    }
    case KQI_Q_ID:
        kq_buf_append(b, "id:\"", 4);
        kq_buf_append(b, q->zTerm, q->nTerm);
        kq_buf_putc(b, '"');
        if (q->bIdPrefix) {
            kq_buf_putc(b, '*');
        }
        break;
    case KQI_Q_PHRASE:
        kq_buf_putc(b, '"');
        for (int i = 0; i < q->nChild; i++) {
            if (i) {
                kq_buf_putc(b, ' ');
            }
            describe(b, q->aChild[i], 1);
        }
        kq_buf_putc(b, '"');
        break;
    default:
    op : {
        char aOp[32];
        if (q->eType == KQI_Q_NEAR) {
            snprintf(aOp, sizeof(aOp), "%s/%u(", q->bOrdered ? "ADJ" : "NEAR",
                     q->nWindow);
        } else {
            snprintf(aOp, sizeof(aOp), "%s",
                     q->eType == KQI_Q_AND     ? "AND("
                     : q->eType == KQI_Q_OR    ? "OR("
                     : q->eType == KQI_Q_MAYBE ? "MAYBE("
                                               : "NOT(");
        }
        kq_buf_append(b, aOp, strlen(aOp));
        for (int i = 0; i < q->nChild; i++) {
            if (i) {
                kq_buf_append(b, ", ", 2);
            }
            describe(b, q->aChild[i], 0);
        }
        kq_buf_putc(b, ')');
    }
    }
    if (q->boost != 0 && q->boost != 1.0) {
        char aNum[40];
        snprintf(aNum, sizeof(aNum), "^%g", q->boost);
        kq_buf_append(b, aNum, strlen(aNum));
    }
}

char *
kq_query_describe(const kq_query *q)
{
    kq_buf b = {0};
    describe(&b, q->pRoot, 0);
    kq_buf_putc(&b, 0);
    if (b.rc) {
        kq_buf_free(&b);
        return NULL;
    }
    return (char *)b.a;
}

/**************************************************************************
** kq_query_tree(): how the query was read, for `kq parse`.
*/
static void tree_line(kq_buf *b, int nIndent, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Lines have no length limit: they quote the query (words, ids, field
** names), which may be long. */
static void
tree_line(kq_buf *b, int nIndent, const char *zFmt, ...)
{
    va_list ap;
    va_start(ap, zFmt);
    char *zLine = kqi_vmprintf(zFmt, ap);
    va_end(ap);
    if (zLine == NULL) {
        b->rc = KQ_NOMEM;
        return;
    }
    for (int i = 0; i < nIndent; i++) {
        kq_buf_append(b, "  ", 2);
    }
    kq_buf_append(b, zLine, strlen(zLine));
    kq_buf_putc(b, '\n');
    free(zLine);
}

static void tree_node_lines(kq_buf *b, kq_buf *w, kq_index *pIdx,
                            const kqi_qnode *q, int nIndent,
                            const char *aField, const char *aBoost);

/* The bytes of the field's dictionary prefix in front of q's expansions
** (kqi_leaf_terms()), which kq parse leaves out. */
static size_t
dict_prefix_len(const kqi_qnode *q)
{
    switch (q->eField) {
    case KQI_FIELD_TITLE:
    case KQI_FIELD_SOURCE: return 1;
    case KQI_FIELD_EXTRA: return q->zField ? strlen(q->zField) + 2 : 0;
    default: return 0;
    }
}

/* What expanding word q expands to in pIdx (nothing without an index):
** the first 20 terms, or the error running it would give. */
static void
tree_expansion(kq_buf *b, kq_index *pIdx, const kqi_qnode *q, int nIndent)
{
    if (pIdx == NULL) {
        return;
    }
    char **az = NULL;
    int n = 0;
    char *zErr = NULL;
    int rc = kqi_leaf_terms(pIdx, q, &az, &n, &zErr);
    if (rc != KQ_OK) {
        /* Over an expansion limit, or an unknown field: running it is an
        ** error. */
        if (rc == KQ_NOMEM) {
            b->rc = KQ_NOMEM;
        } else {
            tree_line(b, nIndent, "error: %s", zErr ? zErr : "?");
        }
        free(zErr);
        return;
    }
    size_t nSkip = q->eType == KQI_Q_ID ? 0 : dict_prefix_len(q);
    kq_buf l = {0};
    for (int i = 0; i < n; i++) {
        if (i < 20) {
            if (i) {
                kq_buf_append(&l, ", ", 2);
            }
            size_t m = strlen(az[i]);
            m = m > nSkip ? m - nSkip : 0;
            kq_buf_append(&l, az[i] + strlen(az[i]) - m, m);
        }
        free(az[i]);
    }
    free(az);
    if (n > 20) {
        kq_buf_append(&l, ", ...", 5);
    }
    kq_buf_putc(&l, 0);
    tree_line(b, nIndent, "expands to %d %s%s%s%s", n,
              q->eType == KQI_Q_ID ? "id" : "term", n == 1 ? "" : "s",
              n ? ": " : "", l.rc || l.a == NULL ? "" : (char *)l.a);
    kq_buf_free(&l);
}

static void
tree_node(kq_buf *b, kq_buf *w, kq_index *pIdx, const kqi_qnode *q,
          int nIndent)
{
    const char *zF = field_label(q);
    char *aField = zF ? kq_mprintf("in %s: ", zF) : NULL;
    char *aBoost = q->boost != 0 && q->boost != 1.0
                       ? kq_mprintf("  (score x %g)", q->boost)
                       : NULL;
    if ((zF && aField == NULL) ||
        (q->boost != 0 && q->boost != 1.0 && aBoost == NULL)) {
        b->rc = KQ_NOMEM;
    }
    tree_node_lines(b, w, pIdx, q, nIndent, aField ? aField : "",
                    aBoost ? aBoost : "");
    free(aField);
    free(aBoost);
}

static void
tree_node_lines(kq_buf *b, kq_buf *w, kq_index *pIdx, const kqi_qnode *q,
                int nIndent, const char *aField, const char *aBoost)
{
    const char *zRaw = q->zRaw ? q->zRaw : q->zTerm;
    switch (q->eType) {
    case KQI_Q_TERM:
        if (q->bNever) {
            tree_line(b, nIndent,
                      "%s\"%s\" holds a word longer than %d "
                      "bytes: never indexed, matches nothing%s",
                      aField, q->zTerm, KQ_MAX_WORD, aBoost);
            char *z = kq_mprintf("warning: \"%s\" holds a word longer "
                                 "than %d bytes once folded, which kq does "
                                 "not index: it matches no document\n",
                                 q->zTerm, KQ_MAX_WORD);
            if (z == NULL) {
                w->rc = KQ_NOMEM;
            } else {
                kq_buf_append(w, z, strlen(z));
                free(z);
            }
            break;
        }
        tree_line(b, nIndent, "%sword \"%s\" -> term %s%s%s%s", aField, zRaw,
                  q->zTerm, q->zLang ? " in " : "", q->zLang ? q->zLang : "",
                  aBoost);
        break;
    case KQI_Q_EXACT:
        tree_line(b, nIndent,
                  "%sexact word \"%s\" (term %s, then the text "
                  "is checked for the word itself)%s",
                  aField, q->zWord, q->zTerm, aBoost);
        break;
    case KQI_Q_PREFIX:
        tree_line(b, nIndent, "%sprefix \"%s*\" (unstemmed)%s", aField,
                  q->zTerm, aBoost);
        tree_expansion(b, pIdx, q, nIndent + 1);
        break;
    case KQI_Q_WILD:
        tree_line(b, nIndent,
                  "%spattern \"%s\" (unstemmed; * any "
                  "characters, ? one)%s",
                  aField, q->zTerm, aBoost);
        tree_expansion(b, pIdx, q, nIndent + 1);
        break;
    case KQI_Q_FUZZY:
        tree_line(b, nIndent,
                  "%sfuzzy word \"%s\" (unstemmed words within "
                  "%u edit%s)%s",
                  aField, q->zTerm, q->nEdit, q->nEdit == 1 ? "" : "s",
                  aBoost);
        tree_expansion(b, pIdx, q, nIndent + 1);
        break;
    case KQI_Q_PHRASE:
        tree_line(b, nIndent,
                  "%sphrase (words in this order, next to each "
                  "other)%s%s%s",
                  aField, q->zLang ? " in " : "", q->zLang ? q->zLang : "",
                  aBoost);
        for (int i = 0; i < q->nChild; i++) {
            const kqi_qnode *c = q->aChild[i];
            if (c->eType != KQI_Q_TERM) {
                char *z = kq_mprintf("(position +%u) ", c->iOffset);
                if (z == NULL) {
                    b->rc = KQ_NOMEM;
                    break;
                }
                tree_node_lines(b, w, pIdx, c, nIndent + 1, z, "");
                free(z);
                continue;
            }
            tree_line(b, nIndent + 1, "word \"%s\" -> term %s (position +%u)",
                      c->zRaw ? c->zRaw : c->zTerm, c->zTerm, c->iOffset);
        }
        break;
    case KQI_Q_NEAR:
        tree_line(b, nIndent,
                  "%s/%u: the words at most %u positions "
                  "apart%s%s%s%s",
                  q->bOrdered ? "ADJ" : "NEAR", q->nWindow, q->nWindow,
                  q->bOrdered ? ", in this order" : ", in any order",
                  q->zLang ? " in " : "", q->zLang ? q->zLang : "", aBoost);
        for (int i = 0; i < q->nChild; i++) {
            tree_node(b, w, pIdx, q->aChild[i], nIndent + 1);
        }
        break;
    case KQI_Q_DATE:
        tree_line(b, nIndent,
                  "date from %s to %s (inclusive; a document "
                  "dated only by month or year matches if that lies inside)",
                  q->zLo[0] ? q->zLo : "the earliest",
                  q->zHi[0] ? q->zHi : "the latest");
        break;
    case KQI_Q_ID:
        if (q->bIdPrefix) {
            tree_line(b, nIndent, "the documents whose ids start with \"%s\"",
                      q->zTerm);
            tree_expansion(b, pIdx, q, nIndent + 1);
            break;
        }
        tree_line(b, nIndent, "the document with id \"%s\"", q->zTerm);
        break;
    case KQI_Q_NOT:
        if (q->bAll) {
            tree_line(b, nIndent, "* (every document)%s", aBoost);
            break;
        }
        goto op;
    default:
    op : {
        const char *zOp = q->eType == KQI_Q_AND  ? "AND (all of)"
                          : q->eType == KQI_Q_OR ? "OR (any of)"
                          : q->eType == KQI_Q_MAYBE
                              ? "MAYBE (the first, ranked by both)"
                              : "NOT (documents without)";
        tree_line(b, nIndent, "%s%s", zOp, aBoost);
        if (q->eMix == KQI_MIX_WARN) {
            kq_query qq = {(kqi_qnode *)q};
            char *z = kq_query_describe(&qq);
            char *zLine = kq_mprintf("warning: AND and OR mixed without "
                                     "parentheses, read as %s (AND binds "
                                     "tighter than OR); add parentheses to "
                                     "say what you mean\n",
                                     z ? z : "?");
            if (zLine == NULL) {
                w->rc = KQ_NOMEM;
            } else {
                kq_buf_append(w, zLine, strlen(zLine));
                free(zLine);
            }
            free(z);
        }
        for (int i = 0; i < q->nChild; i++) {
            tree_node(b, w, pIdx, q->aChild[i], nIndent + 1);
        }
    }
    }
}

char *
kq_query_tree(kq_index *pIdx, const kq_query *q)
{
    kq_buf b = {0}, w = {0};
    if (pIdx && pIdx->pX) {
        pIdx = NULL; /* (the expansions are those of kq's own index) */
    }
    tree_node(&b, &w, pIdx, q->pRoot, 0);
    if (w.n) {
        kq_buf_append(&b, w.a, w.n);
    }
    kq_buf_putc(&b, 0);
    kq_buf_free(&w);
    if (b.rc) {
        kq_buf_free(&b);
        return NULL;
    }
    return (char *)b.a;
}

static int
count_warnings(const kqi_qnode *q)
{
    if (q->bAll) {
        return 0;
    }
    int n = (q->eMix == KQI_MIX_WARN) + q->bNever;
    for (int i = 0; i < q->nChild; i++) {
        n += count_warnings(q->aChild[i]);
    }
    return n;
}

int
kq_query_nwarning(const kq_query *q)
{
    return count_warnings(q->pRoot);
}
