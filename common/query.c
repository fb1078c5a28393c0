/*
** query.c -- the query language: string -> tree of kqi_qnode.
**
**     query   := or
**     or      := and { "OR" and }
**     and     := unary { ["AND"] unary }        adjacent items: implicit AND
**     unary   := "NOT" unary | "-" primary | "+" primary | primary
**     primary := "(" or ")" | '"' words '"' | word | word "*"
**
** So NOT binds tighter than AND, and AND than OR; "a NOT b" is a AND NOT b.
** Operators are upper case; lower-case and/or/not are ordinary words.
** Words and phrases go through the same analysis as documents: a word that
** analyses to several tokens ("peace-keepers", "U.S.") becomes a phrase, one
** that analyses to none ("!!!") drops out.  A prefix ("ceas*") is folded
** but not stemmed, since a stem of a word fragment means nothing.
** Errors carry the 1-based character column where they were found.
*/
#include "kq_int.h"

#include <stdlib.h>
#include <string.h>

/* Parentheses and NOTs nest at most this deep: the parser and everything
** that walks the tree recurse, so the limit bounds their stack use. */
#define MAX_DEPTH 100

typedef enum { T_EOF, T_WORD, T_PHRASE, T_LP, T_RP, T_AND, T_OR, T_NOT,
               T_PLUS, T_MINUS } ttype;

typedef struct parser {
    kq_analyzer *pA;
    const char *z;
    size_t n;
    size_t i;          /* lexer position */
    ttype eTok;        /* current token */
    size_t iTok;       /* its byte offset */
    const char *zTok;  /* WORD/PHRASE text */
    size_t nTok;
    int bPrefix;       /* WORD ended in '*' */
    int bDefaultOr;    /* KQ_QUERY_OR: adjacent items are ORed */
    int nDepth;        /* open parentheses and NOTs, for MAX_DEPTH */
    int rc;
    size_t iErr;       /* byte offset of the error */
    char *zErr;
} parser;

static int
set_err(parser *p, size_t iAt, const char *zMsg)
{
    if (p->rc == KQ_OK) {
        p->rc = KQ_SYNTAX;
        p->iErr = iAt;
        p->zErr = kqi_mprintf("%s", zMsg);
    }
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
    p->bPrefix = 0;
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
    } else if (p->zTok[p->nTok - 1] == '*') {
        p->nTok--;
        p->bPrefix = 1;
        if (p->nTok == 0 || p->zTok[p->nTok - 1] == '*') {
            set_err(p, p->iTok, "* must follow a word");
        }
    }
}

static kqi_qnode *
node_new(parser *p, kqi_qtype e)
{
    kqi_qnode *q = calloc(1, sizeof(*q));
    if (q == NULL) {
        p->rc = KQ_NOMEM;
        return NULL;
    }
    q->eType = e;
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
        free(q);
    }
}

static void
node_add(parser *p, kqi_qnode *q, kqi_qnode *c)
{
    if (c == NULL) {
        return;
    }
    /* Flatten a child of the same operator into q. */
    if (c->eType == q->eType && (q->eType == KQI_Q_AND ||
                                 q->eType == KQI_Q_OR)) {
        for (int i = 0; i < c->nChild; i++) {
            node_add(p, q, c->aChild[i]);
        }
        c->nChild = 0;
        kqi_qnode_free(c);
        return;
    }
    kqi_qnode **a = realloc(q->aChild, sizeof(*a) * (size_t)(q->nChild + 1));
    if (a == NULL) {
        p->rc = KQ_NOMEM;
        kqi_qnode_free(c);
        return;
    }
    q->aChild = a;
    q->aChild[q->nChild++] = c;
}

/* An AND/OR with fewer than two children collapses. */
static kqi_qnode *
node_finish(kqi_qnode *q)
{
    if (q && q->nChild < 2) {
        kqi_qnode *c = q->nChild ? q->aChild[0] : NULL;
        q->nChild = 0;
        kqi_qnode_free(q);
        return c;
    }
    return q;
}

typedef struct collect {
    parser *p;
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
    if (t == NULL || (t->zTerm = malloc(nTerm + 1)) == NULL) {
        kqi_qnode_free(t);
        c->p->rc = KQ_NOMEM;
        return KQ_NOMEM;
    }
    memcpy(t->zTerm, zTerm, nTerm);
    t->zTerm[nTerm] = 0;
    t->nTerm = nTerm;
    if (c->nTok++ == 0) {
        c->iFirst = iPos;
    }
    t->iOffset = iPos - c->iFirst;
    node_add(c->p, c->pPhrase, t);
    return c->p->rc;
}

/* Analyse z[0..n) into a TERM, PREFIX or PHRASE node (NULL: no terms). */
static kqi_qnode *
analyse_words(parser *p, const char *z, size_t n, int bPrefix, size_t iAt)
{
    collect c = {p, node_new(p, KQI_Q_PHRASE), 0, 0};
    if (c.pPhrase == NULL) {
        return NULL;
    }
    kq_analyze(p->pA, bPrefix ? KQ_ANALYZE_NOSTEM : 0, z, n, 0, NULL, &c,
               collect_cb);
    kqi_qnode *q = c.pPhrase;
    if (p->rc || q->nChild == 0) {
        if (p->rc == KQ_OK && bPrefix) {
            set_err(p, iAt, "* must follow a word");
        }
        kqi_qnode_free(q);
        return NULL;
    }
    if (bPrefix && q->nChild > 1) {
        set_err(p, iAt, "a prefix (word*) must be a single word");
        kqi_qnode_free(q);
        return NULL;
    }
    if (q->nChild == 1) {
        kqi_qnode *t = q->aChild[0];
        q->nChild = 0;
        kqi_qnode_free(q);
        t->iOffset = 0;
        if (bPrefix) {
            t->eType = KQI_Q_PREFIX;
        }
        return t;
    }
    return q;
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
    default: return "this";
    }
}

static kqi_qnode *
parse_primary(parser *p)
{
    if (p->rc) {
        return NULL;
    }
    size_t iAt = p->iTok;
    switch (p->eTok) {
    case T_LP: {
        if (++p->nDepth > MAX_DEPTH) {
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
            kqi_qnode_free(q);
            return NULL;
        }
        if (p->eTok != T_RP) {
            kqi_qnode_free(q);
            set_err(p, iAt, "unclosed parenthesis");
            return NULL;
        }
        p->nDepth--;
        lex(p);
        return q;
    }
    case T_PHRASE: {
        kqi_qnode *q = analyse_words(p, p->zTok, p->nTok, 0, iAt);
        lex(p);
        return q;
    }
    case T_WORD: {
        kqi_qnode *q = analyse_words(p, p->zTok, p->nTok, p->bPrefix, iAt);
        lex(p);
        return q;
    }
    case T_EOF: {
        set_err(p, p->iTok, "expected a term at the end of the query");
        return NULL;
    }
    default: {
        char *z = kqi_mprintf("expected a term before %s", tok_name(p->eTok));
        set_err(p, iAt, z ? z : "expected a term");
        free(z);
        return NULL;
    }
    }
}

static kqi_qnode *
parse_unary(parser *p)
{
    if (p->rc) {
        return NULL;
    }
    if (p->eTok == T_NOT || p->eTok == T_MINUS) {
        ttype e = p->eTok;
        if (++p->nDepth > MAX_DEPTH) {
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
            kqi_qnode_free(c);
            return NULL;
        }
        node_add(p, q, c);
        return q;
    }
    if (p->eTok == T_PLUS) {
        lex(p);
    }
    return parse_primary(p);
}

static kqi_qnode *
parse_and(parser *p)
{
    kqi_qnode *q = node_new(p, KQI_Q_AND);
    if (q == NULL) {
        return NULL;
    }
    node_add(p, q, parse_unary(p));
    while (p->rc == KQ_OK) {
        if (p->eTok == T_AND) {
            lex(p);
            node_add(p, q, parse_unary(p));
        } else if (starts_unary(p->eTok) && !p->bDefaultOr) {
            node_add(p, q, parse_unary(p));
        } else {
            break;
        }
    }
    return node_finish(q);
}

static kqi_qnode *
parse_or(parser *p)
{
    kqi_qnode *q = node_new(p, KQI_Q_OR);
    if (q == NULL) {
        return NULL;
    }
    node_add(p, q, parse_and(p));
    while (p->rc == KQ_OK) {
        if (p->eTok == T_OR) {
            lex(p);
        } else if (!(p->bDefaultOr && starts_unary(p->eTok))) {
            break;
        }
        node_add(p, q, parse_and(p));
    }
    return node_finish(q);
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
    lex(&p);
    kqi_qnode *pRoot = NULL;
    if (p.rc == KQ_OK && p.eTok == T_EOF) {
        set_err(&p, 0, "empty query");
    }
    if (p.rc == KQ_OK) {
        pRoot = parse_or(&p);
    }
    if (p.rc == KQ_OK && p.eTok != T_EOF) {
        set_err(&p, p.iTok, p.eTok == T_RP ? "unmatched )"
                                            : "unexpected text");
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

static void
describe(kqi_buf *b, const kqi_qnode *q)
{
    switch (q->eType) {
    case KQI_Q_TERM:
        kqi_buf_append(b, q->zTerm, q->nTerm);
        break;
    case KQI_Q_PREFIX:
        kqi_buf_append(b, q->zTerm, q->nTerm);
        kqi_buf_putc(b, '*');
        break;
    case KQI_Q_PHRASE:
        kqi_buf_putc(b, '"');
        for (int i = 0; i < q->nChild; i++) {
            if (i) {
                kqi_buf_putc(b, ' ');
            }
            describe(b, q->aChild[i]);
        }
        kqi_buf_putc(b, '"');
        break;
    default: {
        const char *z = q->eType == KQI_Q_AND ? "AND(" :
                        q->eType == KQI_Q_OR ? "OR(" : "NOT(";
        kqi_buf_append(b, z, strlen(z));
        for (int i = 0; i < q->nChild; i++) {
            if (i) {
                kqi_buf_append(b, ", ", 2);
            }
            describe(b, q->aChild[i]);
        }
        kqi_buf_putc(b, ')');
    }
    }
}

char *
kq_query_describe(const kq_query *q)
{
    kqi_buf b = {0};
    describe(&b, q->pRoot);
    kqi_buf_putc(&b, 0);
    if (b.rc) {
        kqi_buf_free(&b);
        return NULL;
    }
    return (char *)b.a;
}
