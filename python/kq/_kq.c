/*
** _kq.c -- the CPython extension under the Python package kq: a thin
** layer over libkq (kq.h), with the Pythonic surface in kq/__init__.py.
**
** Objects.  Index wraps a kq_index (kq_index_open_many(): kq's own index,
** a Xapian database, a stub, tcp:// shards), Writer a kq_writer.  kq.h
** lets one thread at a time use an object, and the engine runs with the
** GIL released, so each object has its own lock, taken (GIL released)
** around every call into the engine: two Python threads may share an
** Index; they take turns.
**
** Errors.  Every kq_rc becomes an exception of kq.Error's family (made
** here, exported by kq/__init__.py), with .code (the kq_rc), .name
** ("KQ_CORRUPT"), .message and, for a query, .column; KQ_NOMEM is
** MemoryError.
**
** Strings.  Text goes in as UTF-8 (str, encoded) and comes out as str
** decoded with "surrogateescape", so bytes that are not UTF-8 in stored
** text survive a round trip instead of raising.
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pythread.h>

#include "kq.h"

#include <stdlib.h>
#include <string.h>

/**************************************************************************
** Errors.
*/
static PyObject *g_aExc[KQ_RC_COUNT]; /* by kq_rc; [0]: kq.Error */

static const char *const g_azRcName[KQ_RC_COUNT] = {
    "KQ_OK",     "KQ_DONE",    "KQ_NOTFOUND", "KQ_NOMEM",
    "KQ_IOERR",  "KQ_CORRUPT", "KQ_FORMAT",   "KQ_SYNTAX",
    "KQ_MISUSE", "KQ_BUSY",    "KQ_XAPIAN",
};

/* Raise the exception of rc with zErr (or kq_errstr(rc)); frees zErr.
** iCol > 0: the query column of a syntax error.  Returns NULL. */
static PyObject *
raise_rc(int rc, char *zErr, int iCol)
{
    const char *zMsg = zErr && *zErr ? zErr : kq_errstr(rc);
    if (rc == KQ_NOMEM) {
        free(zErr);
        return PyErr_NoMemory();
    }
    PyObject *cls = rc > 0 && rc < KQ_RC_COUNT && g_aExc[rc] ? g_aExc[rc]
                                                             : g_aExc[0];
    PyObject *msg = PyUnicode_DecodeUTF8(zMsg, (Py_ssize_t)strlen(zMsg),
                                         "replace");
    free(zErr);
    if (msg == NULL) {
        return NULL;
    }
    PyObject *e = PyObject_CallOneArg(cls, msg);
    if (e) {
        PyObject *code = PyLong_FromLong(rc);
        PyObject *name = PyUnicode_FromString(
            rc >= 0 && rc < KQ_RC_COUNT ? g_azRcName[rc] : "KQ_?");
        PyObject *col = iCol > 0 ? PyLong_FromLong(iCol) : Py_NewRef(Py_None);
        if (code && name && col) {
            PyObject_SetAttrString(e, "code", code);
            PyObject_SetAttrString(e, "name", name);
            PyObject_SetAttrString(e, "message", msg);
            PyObject_SetAttrString(e, "column", col);
            PyErr_SetObject(cls, e);
        }
        Py_XDECREF(code);
        Py_XDECREF(name);
        Py_XDECREF(col);
        Py_DECREF(e);
    }
    Py_DECREF(msg);
    return NULL;
}

static PyObject *
text(const char *z, size_t n)
{
    if (z == NULL) {
        Py_RETURN_NONE;
    }
    return PyUnicode_DecodeUTF8(z, (Py_ssize_t)n, "surrogateescape");
}

/* A str from a malloc()ed NUL-terminated UTF-8 string, which it frees;
** MemoryError for NULL (the allocation that made it failed). */
static PyObject *
str_take(char *z)
{
    if (z == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *r = PyUnicode_FromString(z);
    free(z);
    return r;
}

/* A str argument as UTF-8 bytes (surrogates back to their bytes). */
static PyObject *
utf8(PyObject *o, const char *zWhat)
{
    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str, not %s", zWhat,
                     Py_TYPE(o)->tp_name);
        return NULL;
    }
    return PyUnicode_AsEncodedString(o, "utf-8", "surrogateescape");
}

/**************************************************************************
** Index.
*/
typedef struct {
    PyObject_HEAD kq_index *p;
    kq_analyzer *pLang; /* lang=: the queries' analyzer (else the index's) */
    PyThread_type_lock lock;
} IndexObject;

#define ENGINE_BEGIN(o)                                                       \
    Py_BEGIN_ALLOW_THREADS PyThread_acquire_lock((o)->lock, WAIT_LOCK);
#define ENGINE_END(o)                                                         \
    PyThread_release_lock((o)->lock);                                         \
    Py_END_ALLOW_THREADS

/* Inside ENGINE_BEGIN/END (the object's lock held): another thread may
** have closed it since the caller's first look (index_ready()). */
static int
closed_rc(char **pzErr)
{
    *pzErr = strdup("the index or writer is closed");
    return KQ_MISUSE;
}

static int
index_ready(IndexObject *o)
{
    if (o->p == NULL) {
        raise_rc(KQ_MISUSE, strdup("the index is closed"), 0);
        return 0;
    }
    return 1;
}

static void
index_close_p(IndexObject *o)
{
    if (o->p) {
        kq_index_close(o->p);
        o->p = NULL;
    }
    if (o->pLang) {
        kq_analyzer_free(o->pLang);
        o->pLang = NULL;
    }
}

static void
Index_dealloc(IndexObject *o)
{
    index_close_p(o);
    if (o->lock) {
        PyThread_free_lock(o->lock);
    }
    Py_TYPE(o)->tp_free((PyObject *)o);
}

static PyObject *
Index_close(IndexObject *o, PyObject *unused)
{
    (void)unused;
    if (o->p) {
        ENGINE_BEGIN(o);
        index_close_p(o);
        ENGINE_END(o);
    }
    Py_RETURN_NONE;
}

/* Parse zQuery (UTF-8) with the index's analyzer (or lang=); bOr: adjacent
** words are ORed.  NULL with the exception set. */
static kq_query *
parse(IndexObject *o, PyObject *query, int bOr)
{
    PyObject *b = utf8(query, "query");
    if (b == NULL) {
        return NULL;
    }
    kq_query *q = NULL;
    char *zErr = NULL;
    int iCol = 0, rc;
    ENGINE_BEGIN(o);
    if (o->p == NULL) {
        rc = closed_rc(&zErr);
    } else {
        kq_analyzer *pA = o->pLang ? o->pLang : kq_index_analyzer(o->p);
        rc = kq_query_parse_ex(pA, PyBytes_AS_STRING(b), bOr ? KQ_QUERY_OR : 0,
                               &q, &iCol, &zErr);
    }
    ENGINE_END(o);
    Py_DECREF(b);
    if (rc) {
        raise_rc(rc, zErr, iCol);
        return NULL;
    }
    free(zErr);
    return q;
}

/* The (query, op_or=False) arguments of an Index method, parsed (NULL
** with the exception set). */
static kq_query *
query_args(IndexObject *o, PyObject *args, PyObject *kw)
{
    static char *azKw[] = {"query", "op_or", NULL};
    PyObject *query;
    int bOr = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|p", azKw, &query, &bOr) ||
        !index_ready(o)) {
        return NULL;
    }
    return parse(o, query, bOr);
}

static PyObject *
Index_stats(IndexObject *o, PyObject *unused)
{
    (void)unused;
    Py_BEGIN_ALLOW_THREADS;
    PyThread_acquire_lock(o->lock, WAIT_LOCK);
    Py_END_ALLOW_THREADS;
    PyObject *r = NULL;
    if (index_ready(o)) {
        const kq_stats *s = kq_index_stats(o->p);
        r = Py_BuildValue("{s:K,s:K,s:K,s:I,s:d,s:I,s:s}", "documents",
                          (unsigned long long)s->nDoc, "tokens",
                          (unsigned long long)s->nToken, "generation",
                          (unsigned long long)s->nGeneration, "segments",
                          (unsigned)s->nSegment, "avg_doclen", s->avgDoclen,
                          "title_weight", (unsigned)s->nTitleWeight, "backend",
                          kq_index_backend(o->p) == KQ_KIND_XAPIAN ? "xapian"
                                                                   : "kq");
    }
    PyThread_release_lock(o->lock);
    return r;
}

/* A document's matches (pM), placed in its title and stored body by
** kq_match_locate(): what the snippets and spans() are made from. */
typedef struct located {
    kq_match *a;
    size_t n;
    char *zTitle, *zBody;
    size_t nTitle, nBody;
} located;

static void
located_free(located *l)
{
    free(l->a);
    free(l->zTitle);
    free(l->zBody);
    memset(l, 0, sizeof(*l));
}

static int
locate(IndexObject *o, kq_matcher *pM, kq_analyzer *pA, kq_docid iDoc,
       located *l, char **pzErr)
{
    int bMatch = 0;
    const kq_match *aM = NULL;
    memset(l, 0, sizeof(*l));
    int rc = kq_matcher_doc(pM, iDoc, &bMatch, &aM, &l->n, pzErr);
    if (rc == KQ_OK &&
        (l->a = malloc(sizeof(kq_match) * (l->n ? l->n : 1))) == NULL) {
        rc = KQ_NOMEM;
    }
    const kq_docinfo *d;
    if (rc == KQ_OK) {
        memcpy(l->a, aM, sizeof(kq_match) * l->n);
        rc = kq_index_doc(o->p, iDoc, &d, pzErr);
    }
    if (rc == KQ_OK && (l->zTitle = malloc(d->nTitle + 1)) == NULL) {
        rc = KQ_NOMEM;
    }
    if (rc == KQ_OK) {
        memcpy(l->zTitle, d->zTitle ? d->zTitle : "", d->nTitle);
        l->nTitle = d->nTitle;
        rc = kq_index_text(o->p, iDoc, &l->zBody, &l->nBody, pzErr);
    }
    if (rc == KQ_OK) {
        rc = kq_match_locate(pA, l->zTitle, l->nTitle, l->zBody, l->nBody,
                             l->a, l->n);
    }
    if (rc) {
        located_free(l);
    }
    return rc;
}

/* The snippets of document iDoc for the matcher pM (up to nMax, of
** about KQ_PY_SNIPPET_WORDS words each, as kq search makes them). */
#define KQ_PY_SNIPPET_WORDS 30
/* The most snippets search() makes a hit (as many as anyone reads). */
#define KQ_PY_MAX_SNIPPETS 100
static int
hit_snippets(IndexObject *o, kq_matcher *pM, kq_analyzer *pA, kq_docid iDoc,
             int nMax, kq_snippet **paSnip, int *pnSnip, char **pzErr)
{
    located l;
    *paSnip = NULL;
    *pnSnip = 0;
    int rc = locate(o, pM, pA, iDoc, &l, pzErr);
    if (rc == KQ_OK) {
        rc = kq_snippets_make(pA, l.zBody, l.nBody, l.a, l.n,
                              KQ_PY_SNIPPET_WORDS, nMax, paSnip, pnSnip);
    }
    located_free(&l);
    return rc;
}

static PyObject *
snippets_list(const kq_snippet *a, int n)
{
    PyObject *list = PyList_New(n);
    for (int i = 0; list && i < n; i++) {
        PyObject *hl = PyList_New((Py_ssize_t)a[i].nHl);
        for (size_t h = 0; hl && h < a[i].nHl; h++) {
            PyObject *t = Py_BuildValue("(nn)", (Py_ssize_t)a[i].aSrcHl[2 * h],
                                        (Py_ssize_t)a[i].aSrcHl[2 * h + 1]);
            if (t == NULL) {
                Py_CLEAR(hl);
                break;
            }
            PyList_SET_ITEM(hl, (Py_ssize_t)h, t);
        }
        PyObject *t = hl ? Py_BuildValue("{s:N,s:n,s:n,s:N}", "text",
                                         text(a[i].zText, a[i].nText), "start",
                                         (Py_ssize_t)a[i].iSrcStart, "end",
                                         (Py_ssize_t)a[i].iSrcEnd,
                                         "highlights", hl)
                         : NULL;
        if (t == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, t);
    }
    return list;
}

/* search(query, n, offset, sort, op_or) -> (total, exact, [(docid, score)]) */
static PyObject *
Index_search(IndexObject *o, PyObject *args, PyObject *kw)
{
    static char *azKw[] = {"query", "n",        "offset", "sort",
                           "op_or", "snippets", NULL};
    PyObject *query;
    Py_ssize_t n = 10, nOffset = 0;
    const char *zSort = "score";
    int bOr = 0, nSnip = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|nnspi", azKw, &query, &n,
                                     &nOffset, &zSort, &bOr, &nSnip)) {
        return NULL;
    }
    if (nSnip < 0 || nSnip > KQ_PY_MAX_SNIPPETS) {
        return raise_rc(
            KQ_MISUSE, kq_mprintf("snippets: 0 to %d", KQ_PY_MAX_SNIPPETS), 0);
    }
    if (!index_ready(o)) {
        return NULL;
    }
    if (n < 0 || nOffset < 0) {
        return raise_rc(KQ_MISUSE, strdup("n and offset must be >= 0"), 0);
    }
    int flags = 0;
    if (strcmp(zSort, "date") == 0) {
        flags = KQ_SEARCH_DATE;
    } else if (strcmp(zSort, "date-desc") == 0) {
        flags = KQ_SEARCH_DATE_DESC;
    } else if (strcmp(zSort, "score") != 0) {
        return raise_rc(
            KQ_MISUSE,
            strdup("sort must be \"score\", \"date\" or \"date-desc\""), 0);
    }
    kq_query *q = parse(o, query, bOr);
    if (q == NULL) {
        return NULL;
    }
    kq_hit *a = NULL;
    size_t nHit = 0;
    uint64_t nTotal = 0;
    int bExact = 1, rc;
    char *zErr = NULL;
    kq_snippet **aaSnip = NULL; /* per hit (with snippets) */
    int *anSnip = NULL;
    ENGINE_BEGIN(o);
    rc = o->p == NULL
             ? closed_rc(&zErr)
             : kq_search_ex(o->p, q, flags, (size_t)nOffset, (size_t)n, &a,
                            &nHit, &nTotal, &bExact, &zErr);
    if (rc == KQ_OK && nSnip > 0 && nHit > 0) {
        kq_matcher *pM = NULL;
        kq_analyzer *pA = o->pLang ? o->pLang : kq_index_analyzer(o->p);
        aaSnip = calloc(nHit, sizeof(kq_snippet *));
        anSnip = calloc(nHit, sizeof(int));
        rc = aaSnip && anSnip ? kq_matcher_new(o->p, q, &pM, &zErr) : KQ_NOMEM;
        for (size_t i = 0; rc == KQ_OK && i < nHit; i++) {
            rc = hit_snippets(o, pM, pA, a[i].iDoc, nSnip, &aaSnip[i],
                              &anSnip[i], &zErr);
        }
        kq_matcher_free(pM);
    }
    ENGINE_END(o);
    kq_query_free(q);
    PyObject *list = NULL;
    if (rc) {
        raise_rc(rc, zErr, 0);
    } else {
        free(zErr);
        list = PyList_New((Py_ssize_t)nHit);
    }
    for (size_t i = 0; list && i < nHit; i++) {
        PyObject *sn = aaSnip ? snippets_list(aaSnip[i], anSnip[i])
                              : Py_NewRef(Py_None);
        PyObject *t = sn ? Py_BuildValue("(IdN)", (unsigned)a[i].iDoc,
                                         a[i].score, sn)
                         : NULL;
        if (t == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    for (size_t i = 0; aaSnip && i < nHit; i++) {
        kq_snippets_free(aaSnip[i], anSnip[i]);
    }
    free(aaSnip);
    free(anSnip);
    free(a);
    if (list == NULL) {
        return NULL;
    }
    return Py_BuildValue("(KON)", (unsigned long long)nTotal,
                         bExact ? Py_True : Py_False, list);
}

/* Every match: docid, score and occurrences, in docid order, 16 bytes a
** match while the engine runs. */
typedef struct {
    kq_docid iDoc;
    uint32_t nOcc;
    double score;
} match;

static int
match_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    kq_buf *b = pCtx;
    match m = {iDoc, nOcc, score};
    kq_buf_append(b, &m, sizeof(m));
    return b->rc;
}

/* matches(query, op_or) -> [(docid, score, occurrences)] in docid order */
static PyObject *
Index_matches(IndexObject *o, PyObject *args, PyObject *kw)
{
    kq_query *q = query_args(o, args, kw);
    if (q == NULL) {
        return NULL;
    }
    kq_buf b;
    memset(&b, 0, sizeof(b));
    char *zErr = NULL;
    int rc;
    ENGINE_BEGIN(o);
    rc = o->p == NULL ? closed_rc(&zErr)
                      : kq_search_each(o->p, q, &b, match_cb, &zErr);
    ENGINE_END(o);
    kq_query_free(q);
    if (rc) {
        kq_buf_free(&b);
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    size_t n = b.n / sizeof(match);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        match m;
        memcpy(&m, b.a + i * sizeof(match), sizeof(m));
        PyObject *t = Py_BuildValue("(IdI)", (unsigned)m.iDoc, m.score,
                                    (unsigned)m.nOcc);
        if (t == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    kq_buf_free(&b);
    return list;
}

static PyObject *
Index_count(IndexObject *o, PyObject *args, PyObject *kw)
{
    kq_query *q = query_args(o, args, kw);
    if (q == NULL) {
        return NULL;
    }
    uint64_t nTotal = 0;
    size_t nHit = 0;
    kq_hit *a = NULL;
    char *zErr = NULL;
    int rc;
    ENGINE_BEGIN(o);
    rc = o->p == NULL
             ? closed_rc(&zErr)
             : kq_search_ex(o->p, q, 0, 0, 0, &a, &nHit, &nTotal, NULL, &zErr);
    ENGINE_END(o);
    kq_query_free(q);
    free(a);
    if (rc) {
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    return PyLong_FromUnsignedLongLong(nTotal);
}

/* A document's metadata as a dict. */
static PyObject *
doc_dict(kq_index *p, const kq_docinfo *d, kq_docid iDoc)
{
    PyObject *fields = PyDict_New();
    for (int i = 0; fields && i < d->nField; i++) {
        PyObject *k = text(d->aField[i].zName, d->aField[i].nName);
        PyObject *v = text(d->aField[i].zValue, d->aField[i].nValue);
        if (k == NULL || v == NULL || PyDict_SetItem(fields, k, v) < 0) {
            Py_CLEAR(fields);
        }
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    if (fields == NULL) {
        return NULL;
    }
    return Py_BuildValue(
        "{s:I,s:N,s:N,s:N,s:N,s:N,s:N,s:K}", "docid", (unsigned)iDoc, "id",
        text(d->zId, d->nId), "title", text(d->zTitle, d->nTitle), "date",
        d->nDate ? text(d->zDate, d->nDate) : Py_NewRef(Py_None), "source",
        d->nSource ? text(d->zSource, d->nSource) : Py_NewRef(Py_None), "lang",
        d->zLang ? PyUnicode_FromString(d->zLang) : Py_NewRef(Py_None),
        "fields", fields, "length",
        (unsigned long long)kq_docinfo_tokens(p, d));
}

/* A docid argument: 0 to KQ_DOCID_EOF - 1 (an O& converter). */
static int
docid_conv(PyObject *o, void *p)
{
    unsigned long long v = PyLong_AsUnsignedLongLong(o);
    if (PyErr_Occurred()) {
        return 0;
    }
    if (v >= KQ_DOCID_EOF) {
        PyErr_Format(PyExc_OverflowError, "a docid is less than %u",
                     (unsigned)KQ_DOCID_EOF);
        return 0;
    }
    *(kq_docid *)p = (kq_docid)v;
    return 1;
}

/* doc(docid) -> dict of the metadata (body: text()). */
static PyObject *
Index_doc(IndexObject *o, PyObject *arg)
{
    kq_docid iDoc;
    if (!docid_conv(arg, &iDoc)) {
        return NULL;
    }
    if (!index_ready(o)) {
        return NULL;
    }
    const kq_docinfo *d = NULL;
    char *zErr = NULL;
    int rc;
    /* *d is the index's until its next kq_index_doc(): the lock is held
    ** (with the GIL back) while the dict is made from it. */
    Py_BEGIN_ALLOW_THREADS;
    PyThread_acquire_lock(o->lock, WAIT_LOCK);
    rc = o->p == NULL ? closed_rc(&zErr)
                      : kq_index_doc(o->p, (kq_docid)iDoc, &d, &zErr);
    Py_END_ALLOW_THREADS;
    PyObject *r = rc ? raise_rc(rc, zErr, 0) : doc_dict(o->p, d, iDoc);
    if (rc == KQ_OK) {
        free(zErr);
    }
    PyThread_release_lock(o->lock);
    return r;
}

static PyObject *
Index_text(IndexObject *o, PyObject *arg)
{
    kq_docid iDoc;
    if (!docid_conv(arg, &iDoc)) {
        return NULL;
    }
    if (!index_ready(o)) {
        return NULL;
    }
    char *z = NULL, *zErr = NULL;
    size_t n = 0;
    int rc;
    ENGINE_BEGIN(o);
    rc = o->p == NULL ? closed_rc(&zErr)
                      : kq_index_text(o->p, (kq_docid)iDoc, &z, &n, &zErr);
    ENGINE_END(o);
    if (rc) {
        free(z);
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    PyObject *r = text(z, n);
    free(z);
    return r;
}

/* find(id) -> docid, or None */
static PyObject *
Index_find(IndexObject *o, PyObject *arg)
{
    PyObject *b = utf8(arg, "id");
    if (b == NULL) {
        return NULL;
    }
    if (!index_ready(o)) {
        Py_DECREF(b);
        return NULL;
    }
    kq_docid iDoc = 0;
    char *zErr = NULL;
    int rc;
    ENGINE_BEGIN(o);
    rc = o->p == NULL
             ? closed_rc(&zErr)
             : kq_index_find(o->p, PyBytes_AS_STRING(b),
                             (size_t)PyBytes_GET_SIZE(b), &iDoc, &zErr);
    ENGINE_END(o);
    Py_DECREF(b);
    if (rc == KQ_NOTFOUND) {
        free(zErr);
        Py_RETURN_NONE;
    }
    if (rc) {
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    return PyLong_FromUnsignedLong(iDoc);
}

static PyObject *
Index_parse(IndexObject *o, PyObject *args, PyObject *kw)
{
    kq_query *q = query_args(o, args, kw);
    if (q == NULL) {
        return NULL;
    }
    char *z = kq_query_describe(q);
    kq_query_free(q);
    return str_take(z);
}

/* explain(query, docid) -> dict */
static PyObject *
Index_explain(IndexObject *o, PyObject *args)
{
    PyObject *query;
    kq_docid iDoc;
    if (!PyArg_ParseTuple(args, "OO&", &query, docid_conv, &iDoc)) {
        return NULL;
    }
    if (!index_ready(o)) {
        return NULL;
    }
    kq_query *q = parse(o, query, 0);
    if (q == NULL) {
        return NULL;
    }
    kq_explain_info e;
    memset(&e, 0, sizeof(e));
    char *zErr = NULL;
    int rc;
    ENGINE_BEGIN(o);
    rc = o->p == NULL ? closed_rc(&zErr)
                      : kq_explain(o->p, q, (kq_docid)iDoc, &e, &zErr);
    ENGINE_END(o);
    kq_query_free(q);
    if (rc) {
        kq_explain_free(&e);
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    PyObject *terms = PyList_New(e.nTerm);
    for (int i = 0; terms && i < e.nTerm; i++) {
        const kq_explain_term *t = &e.aTerm[i];
        PyObject *d = Py_BuildValue(
            "{s:s,s:s,s:I,s:I,s:K,s:d,s:d,s:d}", "term", t->zTerm, "where",
            t->zWhere ? t->zWhere : "", "tf", (unsigned)t->tf, "tf_title",
            (unsigned)t->tfTitle, "df", (unsigned long long)t->df, "idf",
            t->idf, "boost", t->boost, "score", t->score);
        if (d == NULL) {
            Py_CLEAR(terms);
            break;
        }
        PyList_SET_ITEM(terms, i, d);
    }
    PyObject *r = terms ? Py_BuildValue("{s:O,s:d,s:I,s:d,s:K,s:N}", "match",
                                        e.bMatch ? Py_True : Py_False, "score",
                                        e.score, "length", (unsigned)e.nLen,
                                        "avg_length", e.avgLen, "documents",
                                        (unsigned long long)e.nDoc, "terms",
                                        terms)
                        : NULL;
    kq_explain_free(&e);
    return r;
}

static int
docid_cb(void *pCtx, kq_docid iDoc, double score, uint32_t nOcc)
{
    kq_buf *b = pCtx;
    (void)score, (void)nOcc;
    kq_buf_append(b, &iDoc, sizeof(iDoc));
    return b->rc;
}

/* A located match (spans()). */
typedef struct span {
    kq_docid iDoc;
    int bTitle, iPart;
    size_t iStart, iEnd;
} span;

/* The located matches of q in document iDoc, appended to pOut. */
static int
doc_spans(IndexObject *o, kq_matcher *pM, kq_analyzer *pA, kq_docid iDoc,
          kq_buf *pOut, char **pzErr)
{
    located l;
    int rc = locate(o, pM, pA, iDoc, &l, pzErr);
    for (size_t i = 0; rc == KQ_OK && i < l.n; i++) {
        const kq_match *m = &l.a[i];
        size_t nz = m->bTitle ? l.nTitle : l.nBody;
        if (m->iStart < m->iEnd && m->iEnd <= nz) {
            span sp = {iDoc, m->bTitle, m->iPart, m->iStart, m->iEnd};
            kq_buf_append(pOut, &sp, sizeof(sp));
            rc = pOut->rc;
        }
    }
    located_free(&l);
    return rc;
}

/* spans(query) -> [(docid, field, start, end, part)]: every match of the
** query located in its document's title or stored body (bytes), in
** document then text order: what kq kwic and the snippets show. */
static PyObject *
Index_spans(IndexObject *o, PyObject *args, PyObject *kw)
{
    kq_query *q = query_args(o, args, kw);
    if (q == NULL) {
        return NULL;
    }
    kq_buf docs, out;
    memset(&docs, 0, sizeof(docs));
    memset(&out, 0, sizeof(out));
    kq_matcher *pM = NULL;
    char *zErr = NULL;
    int rc;
    ENGINE_BEGIN(o);
    rc = o->p == NULL ? closed_rc(&zErr)
                      : kq_search_each(o->p, q, &docs, docid_cb, &zErr);
    if (rc == KQ_OK) {
        rc = kq_matcher_new(o->p, q, &pM, &zErr);
    }
    kq_analyzer *pA = o->p ? (o->pLang ? o->pLang : kq_index_analyzer(o->p))
                           : NULL;
    for (size_t i = 0; rc == KQ_OK && i < docs.n / sizeof(kq_docid); i++) {
        kq_docid iDoc;
        memcpy(&iDoc, docs.a + i * sizeof(iDoc), sizeof(iDoc));
        rc = doc_spans(o, pM, pA, iDoc, &out, &zErr);
    }
    kq_matcher_free(pM);
    ENGINE_END(o);
    kq_query_free(q);
    kq_buf_free(&docs);
    PyObject *list = NULL;
    if (rc) {
        raise_rc(rc, zErr, 0);
    } else {
        free(zErr);
        size_t n = out.n / sizeof(span);
        list = PyList_New((Py_ssize_t)n);
        for (size_t i = 0; list && i < n; i++) {
            span sp;
            memcpy(&sp, out.a + i * sizeof(span), sizeof(sp));
            PyObject *t = Py_BuildValue(
                "(Isnni)", (unsigned)sp.iDoc, sp.bTitle ? "title" : "body",
                (Py_ssize_t)sp.iStart, (Py_ssize_t)sp.iEnd, sp.iPart);
            if (t == NULL) {
                Py_CLEAR(list);
                break;
            }
            PyList_SET_ITEM(list, (Py_ssize_t)i, t);
        }
    }
    kq_buf_free(&out);
    return list;
}

/* fields() -> [name] of the index's extra fields (kq's own index only) */
static PyObject *
Index_fields(IndexObject *o, PyObject *unused)
{
    (void)unused;
    if (!index_ready(o)) {
        return NULL;
    }
    char **az = NULL, *zErr = NULL;
    int n = 0, rc;
    ENGINE_BEGIN(o);
    rc = o->p == NULL ? closed_rc(&zErr)
                      : kq_index_fields(o->p, &az, &n, &zErr);
    ENGINE_END(o);
    if (rc) {
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    PyObject *list = PyList_New(n);
    for (int i = 0; i < n; i++) {
        PyObject *v = list ? PyUnicode_FromString(az[i]) : NULL;
        if (list && v == NULL) {
            Py_CLEAR(list);
        }
        if (list) {
            PyList_SET_ITEM(list, i, v);
        }
        free(az[i]);
    }
    free(az);
    return list;
}

static int
doc_cb(void *pCtx, kq_docid iDoc)
{
    kq_buf *b = pCtx;
    kq_buf_append(b, &iDoc, sizeof(iDoc));
    return b->rc;
}

/* docids() -> [docid] of every live document, ascending */
static PyObject *
Index_docids(IndexObject *o, PyObject *unused)
{
    (void)unused;
    if (!index_ready(o)) {
        return NULL;
    }
    kq_buf b;
    memset(&b, 0, sizeof(b));
    char *zErr = NULL;
    int rc;
    ENGINE_BEGIN(o);
    rc = o->p == NULL ? closed_rc(&zErr)
                      : kq_index_each_doc(o->p, &b, doc_cb, NULL, &zErr);
    ENGINE_END(o);
    if (rc) {
        kq_buf_free(&b);
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    size_t n = b.n / sizeof(kq_docid);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        kq_docid d;
        memcpy(&d, b.a + i * sizeof(d), sizeof(d));
        PyObject *v = PyLong_FromUnsignedLong(d);
        if (v == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, v);
    }
    kq_buf_free(&b);
    return list;
}

/* dups(docids, threshold, memory) -> (stats dict, [(docid, rep, sim)]):
** kq_index_dups() over the documents docids (ascending), each with its
** signature; rep: the docid of its cluster's first member. */
static PyObject *
Index_dups(IndexObject *o, PyObject *args)
{
    PyObject *docids;
    double threshold;
    Py_ssize_t nMemory;
    if (!PyArg_ParseTuple(args, "Odn", &docids, &threshold, &nMemory)) {
        return NULL;
    }
    if (!index_ready(o)) {
        return NULL;
    }
    PyObject *seq = PySequence_Fast(docids, "docids must be a sequence");
    if (seq == NULL) {
        return NULL;
    }
    size_t n = (size_t)PySequence_Fast_GET_SIZE(seq);
    kq_docid *aDoc = malloc((n ? n : 1) * sizeof(kq_docid));
    uint64_t *aSig = malloc((n ? n : 1) * sizeof(uint64_t));
    size_t *aRep = malloc((n ? n : 1) * sizeof(size_t));
    double *aSim = malloc((n ? n : 1) * sizeof(double));
    if (!aDoc || !aSig || !aRep || !aSim) {
        Py_DECREF(seq);
        free(aDoc), free(aSig), free(aRep), free(aSim);
        return PyErr_NoMemory();
    }
    for (size_t i = 0; i < n; i++) {
        if (!docid_conv(PySequence_Fast_GET_ITEM(seq, (Py_ssize_t)i),
                        &aDoc[i])) {
            break;
        }
    }
    Py_DECREF(seq);
    if (PyErr_Occurred()) {
        free(aDoc), free(aSig), free(aRep), free(aSim);
        return NULL;
    }
    kq_dups_opts opts = KQ_DUPS_OPTS_INIT;
    opts.threshold = threshold;
    opts.nMemory = nMemory > 0 ? (size_t)nMemory : 0;
    kq_dups_stats st;
    memset(&st, 0, sizeof(st));
    char *zErr = NULL;
    int rc = KQ_OK;
    ENGINE_BEGIN(o);
    if (o->p == NULL) {
        rc = closed_rc(&zErr);
    }
    for (size_t i = 0; rc == KQ_OK && i < n; i++) {
        const kq_docinfo *d;
        rc = kq_index_doc(o->p, aDoc[i], &d, &zErr);
        aSig[i] = rc == KQ_OK && d->bSig ? d->nSig : 0;
    }
    if (rc == KQ_OK) {
        rc = kq_index_dups(o->p, &opts, aDoc, aSig, n, aRep, aSim, &st, &zErr);
    }
    ENGINE_END(o);
    PyObject *r = NULL;
    if (rc) {
        raise_rc(rc, zErr, 0);
    } else {
        free(zErr);
        PyObject *list = PyList_New(0);
        for (size_t i = 0; list && i < n; i++) {
            PyObject *t = Py_BuildValue("(IId)", (unsigned)aDoc[i],
                                        (unsigned)aDoc[aRep[i]], aSim[i]);
            if (t == NULL || PyList_Append(list, t) < 0) {
                Py_XDECREF(t);
                Py_CLEAR(list);
                break;
            }
            Py_DECREF(t);
        }
        if (list) {
            r = Py_BuildValue("({s:s,s:i,s:K,s:K},N)", "method",
                              st.bExact ? "exact" : "signatures",
                              "max_distance", st.nBit, "pairs_compared",
                              (unsigned long long)st.nCompared, "joined",
                              (unsigned long long)st.nJoined, list);
        }
    }
    free(aDoc), free(aSig), free(aRep), free(aSim);
    return r;
}

static const char *const g_azMeasure[KQ_MEASURE_N] = {"logdice", "mi", "t",
                                                      "ll"};

/* The stop words of collocates(), as UTF-8 bytes objects in *pSeq's
** order: azStop[0..n) point into them (kept alive by *ppKeep). */
static int
stop_words(PyObject *stop, PyObject **ppKeep, const char ***pazStop,
           size_t *pn)
{
    *ppKeep = NULL;
    *pazStop = NULL;
    *pn = 0;
    if (stop == Py_None) {
        return 1;
    }
    PyObject *seq = PySequence_Fast(stop, "stop must be a list of words");
    if (seq == NULL) {
        return 0;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *keep = PyList_New(0);
    const char **az = malloc((n ? (size_t)n : 1) * sizeof(char *));
    for (Py_ssize_t i = 0; keep && az && i < n; i++) {
        PyObject *b = utf8(PySequence_Fast_GET_ITEM(seq, i), "stop word");
        if (b == NULL || PyList_Append(keep, b) < 0) {
            Py_XDECREF(b);
            Py_CLEAR(keep);
            break;
        }
        az[i] = PyBytes_AS_STRING(b);
        Py_DECREF(b);
    }
    Py_DECREF(seq);
    if (keep == NULL || az == NULL) {
        Py_XDECREF(keep);
        free(az);
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        return 0;
    }
    *ppKeep = keep;
    *pazStop = az;
    *pn = (size_t)n;
    return 1;
}

static PyObject *
Index_collocates(IndexObject *o, PyObject *args, PyObject *kw)
{
    static char *azKw[] = {"query",    "left", "right", "stem", "measure",
                           "min_freq", "stop", "op_or", NULL};
    PyObject *query, *stop = Py_None;
    unsigned long long nMinFreq = 3;
    unsigned int nLeft = 5, nRight = 5;
    int bStem = 0, bOr = 0;
    const char *zMeasure = "logdice";
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|IIpsKOp", azKw, &query,
                                     &nLeft, &nRight, &bStem, &zMeasure,
                                     &nMinFreq, &stop, &bOr) ||
        !index_ready(o)) {
        return NULL;
    }
    kq_colloc_opts opts = KQ_COLLOC_OPTS_INIT;
    opts.nLeft = nLeft;
    opts.nRight = nRight;
    opts.bStem = bStem;
    opts.nMinFreq = nMinFreq;
    for (opts.eMeasure = 0; opts.eMeasure < KQ_MEASURE_N; opts.eMeasure++) {
        if (strcmp(zMeasure, g_azMeasure[opts.eMeasure]) == 0) {
            break;
        }
    }
    if (opts.eMeasure == KQ_MEASURE_N) {
        return raise_rc(KQ_MISUSE,
                        kq_mprintf("measure takes logdice, mi, t or ll, not "
                                   "\"%.80s\"",
                                   zMeasure),
                        0);
    }
    PyObject *keep;
    const char **azStop;
    if (!stop_words(stop, &keep, &azStop, &opts.nStop)) {
        return NULL;
    }
    opts.azStop = azStop;
    kq_query *q = parse(o, query, bOr);
    kq_collocates *pRes = NULL;
    char *zErr = NULL;
    int rc = KQ_OK;
    if (q) {
        ENGINE_BEGIN(o);
        if (o->p == NULL) {
            rc = closed_rc(&zErr);
        } else {
            opts.pAnalyzer = o->pLang ? o->pLang : kq_index_analyzer(o->p);
            rc = kq_index_collocates(o->p, q, &opts, &pRes, &zErr);
        }
        ENGINE_END(o);
    }
    kq_query_free(q);
    free(azStop);
    Py_XDECREF(keep);
    if (q == NULL) {
        return NULL;
    }
    if (rc) {
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    PyObject *list = PyList_New(0);
    for (size_t i = 0; list && i < pRes->nRow; i++) {
        const kq_colloc_row *r = &pRes->aRow[i];
        PyObject *t = Py_BuildValue("(NKKddddd)", text(r->zKey, r->nKey),
                                    (unsigned long long)r->nObs,
                                    (unsigned long long)r->nFreq, r->rExpected,
                                    r->rLogDice, r->rMI, r->rT, r->rLL);
        if (t == NULL || PyList_Append(list, t) < 0) {
            Py_XDECREF(t);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(t);
    }
    PyObject *res = NULL;
    if (list) {
        res = Py_BuildValue("({s:K,s:K,s:K},N)", "documents",
                            (unsigned long long)pRes->nDoc, "matches",
                            (unsigned long long)pRes->nMatch, "corpus_tokens",
                            (unsigned long long)pRes->nCorpus, list);
    }
    kq_collocates_free(pRes);
    return res;
}

static PyObject *
Index_keywords(IndexObject *o, PyObject *args, PyObject *kw)
{
    static char *azKw[] = {"query",    "reference", "stem",
                           "min_freq", "op_or",     NULL};
    PyObject *query, *ref = Py_None;
    unsigned long long nMinFreq = 5;
    int bStem = 0, bOr = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OpKp", azKw, &query, &ref,
                                     &bStem, &nMinFreq, &bOr) ||
        !index_ready(o)) {
        return NULL;
    }
    kq_query *q = parse(o, query, bOr);
    kq_query *pR = q && ref != Py_None ? parse(o, ref, bOr) : NULL;
    if (q == NULL || (ref != Py_None && pR == NULL)) {
        kq_query_free(q);
        return NULL;
    }
    kq_keywords_opts opts = KQ_KEYWORDS_OPTS_INIT;
    opts.bStem = bStem;
    opts.nMinFreq = nMinFreq;
    opts.pReference = pR;
    kq_keywords *pRes = NULL;
    char *zErr = NULL;
    int rc;
    ENGINE_BEGIN(o);
    rc = o->p ? kq_index_keywords(o->p, q, &opts, &pRes, &zErr)
              : closed_rc(&zErr);
    ENGINE_END(o);
    kq_query_free(q);
    kq_query_free(pR);
    if (rc) {
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    PyObject *list = PyList_New(0);
    for (size_t i = 0; list && i < pRes->nRow; i++) {
        const kq_keyword_row *r = &pRes->aRow[i];
        PyObject *t = Py_BuildValue(
            "(NKKddd)", text(r->zKey, r->nKey), (unsigned long long)r->nFocus,
            (unsigned long long)r->nRef, r->rLL, r->rLogRatio, r->rPctDiff);
        if (t == NULL || PyList_Append(list, t) < 0) {
            Py_XDECREF(t);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(t);
    }
    PyObject *res = NULL;
    if (list) {
        res = Py_BuildValue(
            "({s:K,s:K,s:K,s:K,s:K},N)", "focus_documents",
            (unsigned long long)pRes->nFocusDoc, "reference_documents",
            (unsigned long long)pRes->nRefDoc, "overlap",
            (unsigned long long)pRes->nOverlap, "focus_tokens",
            (unsigned long long)pRes->nFocusTok, "reference_tokens",
            (unsigned long long)pRes->nRefTok, list);
    }
    kq_keywords_free(pRes);
    return res;
}

static PyObject *
Index_enter(IndexObject *o, PyObject *unused)
{
    (void)unused;
    return Py_NewRef((PyObject *)o);
}

static PyObject *
Index_exit(IndexObject *o, PyObject *args)
{
    (void)args;
    return Index_close(o, NULL);
}

static PyMethodDef Index_methods[] = {
    {"close", (PyCFunction)Index_close, METH_NOARGS, "Close the index."},
    {"stats", (PyCFunction)Index_stats, METH_NOARGS, "Index statistics."},
    {"search", (PyCFunction)(void (*)(void))Index_search,
     METH_VARARGS | METH_KEYWORDS,
     "search(query, n=10, offset=0, sort='score', op_or=False) -> "
     "(total, exact, [(docid, score)])"},
    {"matches", (PyCFunction)(void (*)(void))Index_matches,
     METH_VARARGS | METH_KEYWORDS,
     "matches(query, op_or=False) -> [(docid, score, occurrences)]"},
    {"count", (PyCFunction)(void (*)(void))Index_count,
     METH_VARARGS | METH_KEYWORDS, "count(query, op_or=False) -> int"},
    {"doc", (PyCFunction)Index_doc, METH_O, "doc(docid) -> dict"},
    {"text", (PyCFunction)Index_text, METH_O, "text(docid) -> str"},
    {"find", (PyCFunction)Index_find, METH_O, "find(id) -> docid or None"},
    {"parse", (PyCFunction)(void (*)(void))Index_parse,
     METH_VARARGS | METH_KEYWORDS, "parse(query, op_or=False) -> str"},
    {"explain", (PyCFunction)Index_explain, METH_VARARGS,
     "explain(query, docid) -> dict"},
    {"spans", (PyCFunction)(void (*)(void))Index_spans,
     METH_VARARGS | METH_KEYWORDS,
     "spans(query, op_or=False) -> [(docid, field, start, end, part)]"},
    {"fields", (PyCFunction)Index_fields, METH_NOARGS,
     "fields() -> the names of the index's extra fields"},
    {"docids", (PyCFunction)Index_docids, METH_NOARGS,
     "docids() -> every live docid, ascending"},
    {"dups", (PyCFunction)Index_dups, METH_VARARGS,
     "dups(docids, threshold, memory) -> (stats, [(docid, first, sim)])"},
    {"collocates", (PyCFunction)(void (*)(void))Index_collocates,
     METH_VARARGS | METH_KEYWORDS,
     "collocates(query, left, right, stem, measure, min_freq, stop, op_or) "
     "-> (summary, [(collocate, O, f(c), E, logdice, mi, t, ll)])"},
    {"keywords", (PyCFunction)(void (*)(void))Index_keywords,
     METH_VARARGS | METH_KEYWORDS,
     "keywords(query, reference, stem, min_freq, op_or) -> (summary, "
     "[(word, focus, reference, ll, log_ratio, pct_diff)])"},
    {"__enter__", (PyCFunction)Index_enter, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)Index_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject IndexType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "kq._kq.Index",
    .tp_basicsize = sizeof(IndexObject),
    .tp_dealloc = (destructor)Index_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An open kq index (kq._kq.open()).",
    .tp_methods = Index_methods,
};

/* open(paths, lang=None) -> Index */
static PyObject *
mod_open(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *azKw[] = {"paths", "lang", NULL};
    PyObject *paths;
    const char *zLang = NULL;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|z", azKw, &paths, &zLang)) {
        return NULL;
    }
    PyObject *seq = PySequence_Fast(paths, "paths must be a sequence");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n < 1 || n > KQ_MAX_SHARDS) {
        Py_DECREF(seq);
        return raise_rc(KQ_MISUSE, kq_mprintf("1 to %d paths", KQ_MAX_SHARDS),
                        0);
    }
    PyObject **apB = calloc((size_t)n, sizeof(PyObject *));
    const char **az = calloc((size_t)n, sizeof(char *));
    if (apB == NULL || az == NULL) {
        free(apB);
        free(az);
        Py_DECREF(seq);
        return PyErr_NoMemory();
    }
    int bOk = 1;
    for (Py_ssize_t i = 0; bOk && i < n; i++) {
        PyObject *p = PySequence_Fast_GET_ITEM(seq, i);
        if (!PyUnicode_FSConverter(p, &apB[i])) {
            apB[i] = NULL;
        }
        bOk = apB[i] != NULL;
        if (bOk) {
            az[i] = PyBytes_AS_STRING(apB[i]);
        }
    }
    IndexObject *o = NULL;
    if (bOk) {
        o = PyObject_New(IndexObject, &IndexType);
    }
    if (o) {
        o->p = NULL;
        o->pLang = NULL;
        o->lock = PyThread_allocate_lock();
        if (o->lock == NULL) {
            Py_CLEAR(o);
            PyErr_NoMemory();
        }
    }
    if (o) {
        char *zErr = NULL;
        int rc;
        Py_BEGIN_ALLOW_THREADS;
        rc = kq_index_open_many(az, (int)n, &o->p, &zErr);
        Py_END_ALLOW_THREADS;
        if (rc == KQ_OK && zLang) {
            rc = kq_analyzer_new(zLang, &o->pLang);
            if (rc) {
                free(zErr);
                zErr = kq_mprintf("unknown language \"%s\"", zLang);
                rc = KQ_MISUSE;
            }
        }
        if (rc) {
            Py_CLEAR(o);
            raise_rc(rc, zErr, 0);
        } else {
            free(zErr);
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_XDECREF(apB[i]);
    }
    free(apB);
    free(az);
    Py_DECREF(seq);
    return (PyObject *)o;
}

/**************************************************************************
** Writer.
*/
typedef struct {
    PyObject_HEAD kq_writer *p;
    PyThread_type_lock lock;
} WriterObject;

static int
writer_ready(WriterObject *o)
{
    if (o->p == NULL) {
        raise_rc(KQ_MISUSE, strdup("the writer is closed"), 0);
        return 0;
    }
    return 1;
}

static void
Writer_dealloc(WriterObject *o)
{
    if (o->p) {
        kq_writer_close(o->p); /* uncommitted work is discarded */
    }
    if (o->lock) {
        PyThread_free_lock(o->lock);
    }
    Py_TYPE(o)->tp_free((PyObject *)o);
}

/* A str argument (or None) as UTF-8 bytes into *ppB; 1, or 0 with the
** exception set. */
static int
opt_utf8(PyObject *v, const char *zWhat, PyObject **ppB)
{
    *ppB = NULL;
    if (v == NULL || v == Py_None) {
        return 1;
    }
    *ppB = utf8(v, zWhat);
    return *ppB != NULL;
}

#define BSTR(b) ((b) ? PyBytes_AS_STRING(b) : NULL)
#define BLEN(b) ((b) ? (size_t)PyBytes_GET_SIZE(b) : 0)

/* add(id, title=None, date=None, source=None, body=None, lang=None,
** fields=None) */
static PyObject *
Writer_add(WriterObject *o, PyObject *args, PyObject *kw)
{
    static char *azKw[] = {"id",   "title", "date",   "source",
                           "body", "lang",  "fields", NULL};
    PyObject *aV[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    PyObject *fields = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOOOOO", azKw, &aV[0],
                                     &aV[1], &aV[2], &aV[3], &aV[4], &aV[5],
                                     &fields)) {
        return NULL;
    }
    if (!writer_ready(o)) {
        return NULL;
    }
    static const char *const azWhat[] = {"id",     "title", "date",
                                         "source", "body",  "lang"};
    PyObject *aB[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    int bOk = 1;
    for (int i = 0; bOk && i < 6; i++) {
        bOk = opt_utf8(aV[i], azWhat[i], &aB[i]);
    }
    if (bOk && aB[0] == NULL) {
        raise_rc(KQ_MISUSE, strdup("a document needs an id"), 0);
        bOk = 0;
    }
    Py_ssize_t nField = 0;
    PyObject *items = NULL;
    PyObject **apF = NULL;
    kq_field *aF = NULL;
    if (bOk && fields && fields != Py_None) {
        items = PyMapping_Items(fields);
        bOk = items != NULL;
        nField = bOk ? PyList_GET_SIZE(items) : 0;
        apF = calloc((size_t)(2 * nField + 1), sizeof(PyObject *));
        aF = calloc((size_t)(nField + 1), sizeof(kq_field));
        if (bOk && (apF == NULL || aF == NULL)) {
            PyErr_NoMemory();
            bOk = 0;
        }
        for (Py_ssize_t i = 0; bOk && i < nField; i++) {
            PyObject *t = PyList_GET_ITEM(items, i);
            bOk = opt_utf8(PyTuple_GET_ITEM(t, 0), "a field name",
                           &apF[2 * i]) &&
                  opt_utf8(PyTuple_GET_ITEM(t, 1), "a field value",
                           &apF[2 * i + 1]);
            if (bOk) {
                aF[i].zName = BSTR(apF[2 * i]);
                aF[i].nName = BLEN(apF[2 * i]);
                aF[i].zValue = BSTR(apF[2 * i + 1]);
                aF[i].nValue = BLEN(apF[2 * i + 1]);
            }
        }
    }
    PyObject *r = NULL;
    if (bOk) {
        kq_doc d;
        memset(&d, 0, sizeof(d));
        d.zId = BSTR(aB[0]);
        d.nId = BLEN(aB[0]);
        d.zTitle = BSTR(aB[1]);
        d.nTitle = BLEN(aB[1]);
        d.zDate = BSTR(aB[2]);
        d.nDate = BLEN(aB[2]);
        d.zSource = BSTR(aB[3]);
        d.nSource = BLEN(aB[3]);
        d.zBody = BSTR(aB[4]);
        d.nBody = BLEN(aB[4]);
        d.zLang = BSTR(aB[5]);
        d.nLang = BLEN(aB[5]);
        d.aField = aF;
        d.nField = (int)nField;
        char *zErr = NULL;
        int rc;
        ENGINE_BEGIN(o);
        rc = o->p == NULL ? closed_rc(&zErr) : kq_writer_add(o->p, &d, &zErr);
        ENGINE_END(o);
        r = rc ? raise_rc(rc, zErr, 0) : (free(zErr), Py_NewRef(Py_None));
    }
    for (int i = 0; i < 6; i++) {
        Py_XDECREF(aB[i]);
    }
    for (Py_ssize_t i = 0; apF && i < 2 * nField; i++) {
        Py_XDECREF(apF[i]);
    }
    free(apF);
    free(aF);
    Py_XDECREF(items);
    return r;
}

static PyObject *
Writer_delete(WriterObject *o, PyObject *arg)
{
    PyObject *b = utf8(arg, "id");
    if (b == NULL) {
        return NULL;
    }
    if (!writer_ready(o)) {
        Py_DECREF(b);
        return NULL;
    }
    char *zErr = NULL;
    int rc;
    ENGINE_BEGIN(o);
    rc = o->p == NULL ? closed_rc(&zErr)
                      : kq_writer_delete(o->p, PyBytes_AS_STRING(b),
                                         (size_t)PyBytes_GET_SIZE(b), &zErr);
    ENGINE_END(o);
    Py_DECREF(b);
    if (rc == KQ_NOTFOUND) {
        free(zErr);
        Py_RETURN_FALSE;
    }
    if (rc) {
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    Py_RETURN_TRUE;
}

static PyObject *
Writer_commit(WriterObject *o, PyObject *unused)
{
    (void)unused;
    if (!writer_ready(o)) {
        return NULL;
    }
    char *zErr = NULL;
    int rc;
    ENGINE_BEGIN(o);
    rc = o->p == NULL ? closed_rc(&zErr) : kq_writer_commit(o->p, &zErr);
    ENGINE_END(o);
    if (rc) {
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    Py_RETURN_NONE;
}

static PyObject *
Writer_close(WriterObject *o, PyObject *unused)
{
    (void)unused;
    if (o->p) {
        ENGINE_BEGIN(o);
        kq_writer_close(o->p);
        o->p = NULL;
        ENGINE_END(o);
    }
    Py_RETURN_NONE;
}

static PyObject *
Writer_stats(WriterObject *o, PyObject *unused)
{
    (void)unused;
    Py_BEGIN_ALLOW_THREADS;
    PyThread_acquire_lock(o->lock, WAIT_LOCK);
    Py_END_ALLOW_THREADS;
    PyObject *r = NULL;
    if (writer_ready(o)) {
        const kq_writer_stats *s = kq_writer_stats_get(o->p);
        r = Py_BuildValue(
            "{s:K,s:K,s:K,s:K,s:K,s:I}", "added", (unsigned long long)s->nDoc,
            "tokens", (unsigned long long)s->nToken, "skipped",
            (unsigned long long)s->nSkip, "replaced",
            (unsigned long long)s->nReplace, "deleted",
            (unsigned long long)s->nDelete, "segments", (unsigned)s->nSegment);
    }
    PyThread_release_lock(o->lock);
    return r;
}

static PyMethodDef Writer_methods[] = {
    {"add", (PyCFunction)(void (*)(void))Writer_add,
     METH_VARARGS | METH_KEYWORDS,
     "add(id, title=None, date=None, source=None, body=None, lang=None, "
     "fields=None)"},
    {"delete", (PyCFunction)Writer_delete, METH_O,
     "delete(id) -> True if it was indexed"},
    {"commit", (PyCFunction)Writer_commit, METH_NOARGS,
     "Make what was added and deleted visible to readers, atomically."},
    {"close", (PyCFunction)Writer_close, METH_NOARGS,
     "Close; what was not committed is discarded."},
    {"stats", (PyCFunction)Writer_stats, METH_NOARGS,
     "This session's counts."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject WriterType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "kq._kq.Writer",
    .tp_basicsize = sizeof(WriterObject),
    .tp_dealloc = (destructor)Writer_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A kq index open for writing (kq._kq.writer()).",
    .tp_methods = Writer_methods,
};

/* writer(path, lang=None, memory=0, threads=0, wait_ms=0, xapian=False,
** shards=0) -> Writer */
static PyObject *
mod_writer(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *azKw[] = {"path",    "lang",   "memory", "threads",
                           "wait_ms", "xapian", "shards", NULL};
    PyObject *path;
    const char *zLang = NULL;
    Py_ssize_t nMemory = 0;
    int nThread = 0, nWait = 0, bXapian = 0, nShard = 0;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(
            args, kw, "O&|zniipi", azKw, PyUnicode_FSConverter, &path, &zLang,
            &nMemory, &nThread, &nWait, &bXapian, &nShard)) {
        return NULL;
    }
    if (nMemory < 0) {
        Py_DECREF(path);
        return raise_rc(KQ_MISUSE, strdup("memory must be >= 0"), 0);
    }
    WriterObject *o = PyObject_New(WriterObject, &WriterType);
    if (o == NULL) {
        Py_DECREF(path);
        return NULL;
    }
    o->p = NULL;
    o->lock = PyThread_allocate_lock();
    if (o->lock == NULL) {
        Py_DECREF(path);
        Py_DECREF(o);
        return PyErr_NoMemory();
    }
    kq_writer_opts opts = KQ_WRITER_OPTS_INIT;
    opts.zLang = zLang;
    opts.nMemory = (size_t)nMemory;
    opts.nThread = nThread;
    opts.nLockWaitMs = nWait;
    opts.bXapian = bXapian;
    opts.nShard = nShard;
    char *zErr = NULL;
    int rc;
    const char *zPath = PyBytes_AS_STRING(path);
    Py_BEGIN_ALLOW_THREADS;
    rc = kq_writer_open(zPath, &opts, &o->p, &zErr);
    Py_END_ALLOW_THREADS;
    Py_DECREF(path);
    if (rc) {
        o->p = NULL;
        Py_DECREF(o);
        return raise_rc(rc, zErr, 0);
    }
    free(zErr);
    return (PyObject *)o;
}

/**************************************************************************
** The module.
*/
/* parse_size("256M") -> bytes (kq_parse_size(): as kq-index --memory). */
static PyObject *
mod_parse_size(PyObject *self, PyObject *arg)
{
    (void)self;
    PyObject *b = utf8(arg, "size");
    if (b == NULL) {
        return NULL;
    }
    size_t n = kq_parse_size(PyBytes_AS_STRING(b));
    Py_DECREF(b);
    if (n == 0) {
        return raise_rc(KQ_MISUSE,
                        kq_mprintf("a size such as 256M or 2G, not \"%s\"",
                                   PyUnicode_AsUTF8(arg)),
                        0);
    }
    return PyLong_FromSize_t(n);
}

/* fail(code, message): raise kq's exception for code (the Python layer's
** errors carry .code, .name, .message and .column too). */
/* clean(bytes) -> str: kq_utf8_clean() with white space collapsed, as
** kq's outputs clean text (kwic()). */
static PyObject *
mod_clean(PyObject *self, PyObject *arg)
{
    (void)self;
    char *z;
    Py_ssize_t n;
    if (PyBytes_AsStringAndSize(arg, &z, &n) < 0) {
        return NULL;
    }
    return str_take(kq_utf8_clean(z, (size_t)n, 1));
}

/* columns(str, width, from_end) -> str: the longest prefix (suffix with
** from_end) at most width display columns wide (kq_text_prefix(),
** kq_text_suffix()), as kq kwic cuts its contexts. */
static PyObject *
mod_columns(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *str;
    Py_ssize_t w;
    int bEnd;
    if (!PyArg_ParseTuple(args, "Unp", &str, &w, &bEnd)) {
        return NULL;
    }
    if (w < 0) {
        return raise_rc(KQ_MISUSE, strdup("a width of fewer than 0 columns"),
                        0);
    }
    PyObject *b = utf8(str, "text");
    if (b == NULL) {
        return NULL;
    }
    const char *z = PyBytes_AS_STRING(b);
    size_t n = (size_t)PyBytes_GET_SIZE(b);
    PyObject *r;
    if (bEnd) {
        size_t i = kq_text_suffix(z, n, (size_t)w, NULL);
        r = text(z + i, n - i);
    } else {
        r = text(z, kq_text_prefix(z, n, (size_t)w, NULL));
    }
    Py_DECREF(b);
    return r;
}

static PyObject *
mod_fail(PyObject *self, PyObject *args)
{
    int rc;
    const char *z;
    (void)self;
    if (!PyArg_ParseTuple(args, "is", &rc, &z)) {
        return NULL;
    }
    return raise_rc(rc, strdup(z), 0);
}

static PyMethodDef mod_methods[] = {
    {"fail", (PyCFunction)mod_fail, METH_VARARGS,
     "fail(code, message): raise kq's exception for the kq_rc code"},
    {"clean", (PyCFunction)mod_clean, METH_O,
     "clean(bytes) -> str: valid UTF-8, white space collapsed, trimmed"},
    {"columns", (PyCFunction)mod_columns, METH_VARARGS,
     "columns(text, width, from_end) -> the text's first (last) width "
     "display columns"},
    {"parse_size", (PyCFunction)mod_parse_size, METH_O,
     "parse_size('256M') -> bytes, as kq-index --memory reads sizes"},
    {"open", (PyCFunction)(void (*)(void))mod_open,
     METH_VARARGS | METH_KEYWORDS, "open(paths, lang=None) -> Index"},
    {"writer", (PyCFunction)(void (*)(void))mod_writer,
     METH_VARARGS | METH_KEYWORDS,
     "writer(path, lang=None, memory=0, threads=0, wait_ms=0, "
     "xapian=False, shards=0) -> Writer"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef mod_def = {
    PyModuleDef_HEAD_INIT,
    "kq._kq",
    "libkq, under the kq package.",
    -1,
    mod_methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

/* The exception family: name, kq_rc, extra base (or NULL), docstring. */
static const struct {
    const char *zName;
    int rc;
    int bValueError;
    const char *zDoc;
} g_aExcDef[] = {
    {"NotFound", KQ_NOTFOUND, 0, "No index, document or term there."},
    {"IndexIOError", KQ_IOERR, 0, "An operating-system call failed."},
    {"IndexDamaged", KQ_CORRUPT, 0, "Index data failed a check."},
    {"FormatError", KQ_FORMAT, 0,
     "Not a kq index, or a format version this kq does not read."},
    {"QuerySyntaxError", KQ_SYNTAX, 1,
     "The query does not parse; .column says where (1-based)."},
    {"Misuse", KQ_MISUSE, 1, "A bad argument, or a call out of order."},
    {"IndexLocked", KQ_BUSY, 0, "Another writer holds the index."},
    {"XapianError", KQ_XAPIAN, 0, "The Xapian library reported an error."},
};

PyMODINIT_FUNC
PyInit__kq(void)
{
    if (PyType_Ready(&IndexType) < 0 || PyType_Ready(&WriterType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&mod_def);
    if (m == NULL) {
        return NULL;
    }
    g_aExc[0] = PyErr_NewExceptionWithDoc(
        "kq.Error",
        "Every error of kq: .code (the kq_rc), .name (\"KQ_CORRUPT\"), "
        ".message, .column (a query's, or None).",
        NULL, NULL);
    if (g_aExc[0] == NULL || PyModule_AddObjectRef(m, "Error", g_aExc[0])) {
        Py_DECREF(m);
        return NULL;
    }
    for (size_t i = 0; i < sizeof(g_aExcDef) / sizeof(g_aExcDef[0]); i++) {
        char zFull[64];
        snprintf(zFull, sizeof(zFull), "kq.%s", g_aExcDef[i].zName);
        PyObject *bases = g_aExcDef[i].bValueError
                              ? PyTuple_Pack(2, g_aExc[0], PyExc_ValueError)
                              : PyTuple_Pack(1, g_aExc[0]);
        PyObject *e = bases ? PyErr_NewExceptionWithDoc(
                                  zFull, g_aExcDef[i].zDoc, bases, NULL)
                            : NULL;
        Py_XDECREF(bases);
        if (e == NULL || PyModule_AddObjectRef(m, g_aExcDef[i].zName, e)) {
            Py_XDECREF(e);
            Py_DECREF(m);
            return NULL;
        }
        g_aExc[g_aExcDef[i].rc] = e;
    }
    PyModule_AddStringConstant(m, "KQ_VERSION", KQ_VERSION);
    PyModule_AddIntConstant(m, "KQ_NOTFOUND", KQ_NOTFOUND);
    PyModule_AddIntConstant(m, "KQ_MISUSE", KQ_MISUSE);
    return m;
}
