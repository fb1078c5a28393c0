/*
** jsonl.c -- JSON Lines input: one document a line.
**
** Which key feeds which field comes from corpus_opts: by default "id",
** "title", "date", "source" and "body"; --map FIELD=KEY reads a field from
** another key (a dotted key "meta.published" may name a member of a nested
** object); --field NAME adds extra fields (kq_doc.aField); --lang-field
** names the key holding the document's language (kq_doc.zLang).
**
** Each line is read in two steps: the values of the wanted keys are
** extracted into a uniform view (jval), by the fast path for flat objects
** (jsonflat.c) or else by jansson; then the view becomes a kq_doc, with the
** same rules whichever parser produced it:
**   id              string or integer, not empty (else the line is skipped)
**   title, source,  strings (anything else: the line is skipped, since a
**   body            producer that writes a number there has a bug worth
**                   hearing about)
**   date            ISO 8601 as is; another common form (RFC 2822,
**                   YYYY/MM/DD, ...) converted (dates.c); a number is Unix
**                   seconds; a string not understood is warned about and
**                   the document indexed without a date
**   extra fields    strings as they are, numbers and booleans as their JSON
**                   text, arrays of those joined with ", "; null or absent:
**                   no field
**   language        a Snowball language name or code; an unknown one is
**                   warned about and the index's language used
** Warnings do not skip the document (nor change the exit status).  A line
** longer than the document cap is skipped without being held (src.c), and
** damaged data after some lines stops the file there, the documents before
** it kept.
*/
#include "readers.h"
#include "dates.h"
#include "textbuf.h"
#include "kq.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kinds of extracted value. */
enum {
    JV_ABSENT = 0,
    JV_NULL,
    JV_STRING,
    JV_INT,
    JV_REAL,
    JV_BOOL,
    JV_ARRAY,
    JV_OBJECT
};

/* One extracted value: z/n its text (numbers, booleans and arrays turned
** into text in the slot's scratch), num its value for JV_INT/JV_REAL. */
typedef struct jval {
    int eType;
    const char *z;
    size_t n;
    double num;
} jval;

/* Languages already looked up: creating an analyzer to check a name costs
** far more than a line, so each name is checked once. */
#define JSONL_LANG_CACHE 64
typedef struct jlang {
    char *zName;  /* as written */
    char *zCanon; /* kq_analyzer_lang() name, or NULL if unknown */
} jlang;

enum { JB_ID, JB_TITLE, JB_DATE, JB_SOURCE, JB_BODY, JB_COUNT };

typedef struct jsonl_cfg {
    const char **azKey; /* the distinct keys wanted from a line */
    int nKey;
    int aiBuiltin[JB_COUNT]; /* slot of each built-in field */
    int nField;
    const char *const *azField;
    int *aiField;        /* slot of each extra field */
    int iLang;           /* slot of the language, or -1 */
    jval *aVal;          /* per slot, for the current line */
    char (*aNum)[40];    /* per slot: a number's text */
    kq_buf *aJoin;       /* per slot: an array's text */
    kq_field *aDocField; /* the current line's extra fields */
    jlang aLang[JSONL_LANG_CACHE];
    int nLang;
    unsigned iLangNext; /* next entry to reuse when full */
} jsonl_cfg;

static const char *const azBuiltin[JB_COUNT] = {"id", "title", "date",
                                                "source", "body"};

/**************************************************************************
** Set-up.
*/

/* The key that feeds field zField: its --map, else its own name. */
static const char *
key_of(const corpus_opts *pO, const char *zField)
{
    const char *zKey = zField;
    for (int i = 0; i < pO->nMap; i++) {
        if (strcmp(pO->aMap[i].zField, zField) == 0) {
            zKey = pO->aMap[i].zKey;
        }
    }
    return zKey;
}

/* The slot of zKey, added if new. */
static int
slot_of(jsonl_cfg *p, const char *zKey)
{
    for (int i = 0; i < p->nKey; i++) {
        if (strcmp(p->azKey[i], zKey) == 0) {
            return i;
        }
    }
    p->azKey[p->nKey] = zKey;
    return p->nKey++;
}

static jsonl_cfg *
cfg_new(const corpus_opts *pO)
{
    int nMax = JB_COUNT + pO->nField + 1;
    jsonl_cfg *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return NULL;
    }
    p->azKey = calloc((size_t)nMax, sizeof(char *));
    p->aiField = calloc((size_t)pO->nField + 1, sizeof(int));
    p->aVal = calloc((size_t)nMax, sizeof(jval));
    p->aNum = calloc((size_t)nMax, sizeof(*p->aNum));
    p->aJoin = calloc((size_t)nMax, sizeof(kq_buf));
    p->aDocField = calloc((size_t)pO->nField + 1, sizeof(kq_field));
    if (!p->azKey || !p->aiField || !p->aVal || !p->aNum || !p->aJoin ||
        !p->aDocField) {
        free(p->azKey);
        free(p->aiField);
        free(p->aVal);
        free(p->aNum);
        free(p->aJoin);
        free(p->aDocField);
        free(p);
        return NULL;
    }
    for (int i = 0; i < JB_COUNT; i++) {
        p->aiBuiltin[i] = slot_of(p, key_of(pO, azBuiltin[i]));
    }
    p->nField = pO->nField;
    p->azField = pO->azField;
    for (int i = 0; i < pO->nField; i++) {
        p->aiField[i] = slot_of(p, key_of(pO, pO->azField[i]));
    }
    p->iLang = pO->zLangField ? slot_of(p, pO->zLangField) : -1;
    return p;
}

void
jsonl_free(corpus_ctx *pC)
{
    jsonl_cfg *p = pC->pJsonl;
    if (p == NULL) {
        return;
    }
    for (int i = 0; i < p->nKey; i++) {
        kq_buf_free(&p->aJoin[i]);
    }
    for (int i = 0; i < p->nLang; i++) {
        free(p->aLang[i].zName);
        free(p->aLang[i].zCanon);
    }
    free(p->azKey);
    free(p->aiField);
    free(p->aVal);
    free(p->aNum);
    free(p->aJoin);
    free(p->aDocField);
    free(p);
    pC->pJsonl = NULL;
}

/**************************************************************************
** Extraction: the fast path, and jansson.
*/

/* The fast path (jsonflat.c) for flat objects.  1 if it took the line. */
static int
extract_flat(corpus_ctx *pC, jsonl_cfg *p, const char *z, size_t n)
{
    jf_value aV[JF_MAXKEY];
    if (p->nKey > JF_MAXKEY ||
        jf_parse(&pC->jf, z, n, p->azKey, p->nKey, aV) != JF_OK) {
        return 0;
    }
    for (int i = 0; i < p->nKey; i++) {
        jval *v = &p->aVal[i];
        memset(v, 0, sizeof(*v));
        if (aV[i].eType == JF_STRING) {
            v->eType = JV_STRING;
            v->z = aV[i].z;
            v->n = aV[i].n;
        } else if (aV[i].eType == JF_INTEGER) {
            int k = snprintf(p->aNum[i], sizeof(p->aNum[i]), "%lld",
                             aV[i].nInt);
            v->eType = JV_INT;
            v->z = p->aNum[i];
            v->n = k > 0 ? (size_t)k : 0;
            v->num = (double)aV[i].nInt;
        }
    }
    return 1;
}

/* The member zKey of pObj, or for a dotted key a.b.c the member c of the
** member b of the member a (a literal key "a.b.c" wins). */
static json_t *
json_path(json_t *pObj, const char *zKey)
{
    json_t *v = json_object_get(pObj, zKey);
    const char *p = zKey;
    if (v || strchr(zKey, '.') == NULL) {
        return v;
    }
    v = pObj;
    for (;;) {
        const char *q = strchr(p, '.');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (!json_is_object(v)) {
            return NULL;
        }
        v = json_object_getn(v, p, n);
        if (v == NULL || q == NULL) {
            return v;
        }
        p = q + 1;
    }
}

/* A scalar's text into pOut; 0, or -1 for an array or object. */
static int
scalar_text(json_t *v, kq_buf *pOut)
{
    char aNum[40];
    int k;
    switch (json_typeof(v)) {
    case JSON_STRING:
        kq_buf_append(pOut, json_string_value(v), json_string_length(v));
        return 0;
    case JSON_INTEGER:
        k = snprintf(aNum, sizeof(aNum), "%" JSON_INTEGER_FORMAT,
                     json_integer_value(v));
        break;
    case JSON_REAL:
        /* 15 digits: 0.1 reads back as "0.1", not 0.10000000000000001. */
        k = snprintf(aNum, sizeof(aNum), "%.15g", json_real_value(v));
        break;
    case JSON_TRUE: k = snprintf(aNum, sizeof(aNum), "true"); break;
    case JSON_FALSE: k = snprintf(aNum, sizeof(aNum), "false"); break;
    default: return -1;
    }
    if (k > 0 && (size_t)k < sizeof(aNum)) {
        kq_buf_append(pOut, aNum, (size_t)k);
    }
    return 0;
}

/* One jansson value into slot i's view. */
static void
view_json(jsonl_cfg *p, int i, json_t *j)
{
    jval *v = &p->aVal[i];
    kq_buf *pJoin = &p->aJoin[i];
    memset(v, 0, sizeof(*v));
    if (j == NULL) {
        return;
    }
    textbuf_reset(pJoin);
    switch (json_typeof(j)) {
    case JSON_NULL: v->eType = JV_NULL; return;
    case JSON_STRING:
        v->eType = JV_STRING;
        v->z = json_string_value(j);
        v->n = json_string_length(j);
        return;
    case JSON_OBJECT: v->eType = JV_OBJECT; return;
    case JSON_ARRAY: {
        size_t k;
        json_t *e;
        v->eType = JV_ARRAY;
        json_array_foreach(j, k, e)
        {
            if (json_is_null(e)) {
                continue;
            }
            if (pJoin->n) {
                kq_buf_append(pJoin, ", ", 2);
            }
            if (scalar_text(e, pJoin)) {
                v->eType = JV_OBJECT; /* nested: not a field value */
                return;
            }
        }
        break;
    }
    default:
        v->eType = json_is_integer(j) ? JV_INT
                   : json_is_real(j)  ? JV_REAL
                                      : JV_BOOL;
        v->num = json_is_number(j) ? json_number_value(j) : 0;
        scalar_text(j, pJoin);
        break;
    }
    v->z = textbuf_str(pJoin);
    v->n = pJoin->n;
}

/* Read the line with jansson.  The object, or NULL after reporting. */
static json_t *
extract_json(jsonl_cfg *p, const char *zPath, uint64_t iLine, const char *z,
             size_t n)
{
    json_error_t err;
    /* JSON_ALLOW_NUL: "\u0000" inside a string is accepted; lengths come
    ** from json_string_length(), never strlen(), so NULs survive. */
    json_t *pObj = json_loadb(z, n, JSON_ALLOW_NUL, &err);
    if (pObj == NULL) {
        report(zPath, iLine, "invalid JSON: %s (column %d)", err.text,
               err.column);
        return NULL;
    }
    if (!json_is_object(pObj)) {
        report(zPath, iLine, "not a JSON object");
        json_decref(pObj);
        return NULL;
    }
    for (int i = 0; i < p->nKey; i++) {
        view_json(p, i, json_path(pObj, p->azKey[i]));
    }
    return pObj;
}

/**************************************************************************
** From the view to a document.
*/

/* The id; 0, or -1 after reporting. */
static int
doc_id(jsonl_cfg *p, const char *zPath, uint64_t iLine, kq_doc *pDoc)
{
    const char *zKey = p->azKey[p->aiBuiltin[JB_ID]];
    const jval *v = &p->aVal[p->aiBuiltin[JB_ID]];
    if (v->eType == JV_ABSENT) {
        report(zPath, iLine, "missing \"%s\"", zKey);
        return -1;
    }
    if (v->eType != JV_STRING && v->eType != JV_INT) {
        report(zPath, iLine, "\"%s\" is not a string or integer", zKey);
        return -1;
    }
    /* An empty id cannot name a document in the results. */
    if (v->n == 0) {
        report(zPath, iLine, "\"%s\" is empty", zKey);
        return -1;
    }
    pDoc->zId = v->z;
    pDoc->nId = v->n;
    return 0;
}

/* Title, source and body: strings.  0, or -1 after reporting. */
static int
doc_texts(jsonl_cfg *p, const char *zPath, uint64_t iLine, kq_doc *pDoc)
{
    static const int aiField[3] = {JB_TITLE, JB_SOURCE, JB_BODY};
    const char **apz[3] = {&pDoc->zTitle, &pDoc->zSource, &pDoc->zBody};
    size_t *apn[3] = {&pDoc->nTitle, &pDoc->nSource, &pDoc->nBody};
    for (int i = 0; i < 3; i++) {
        int iSlot = p->aiBuiltin[aiField[i]];
        const jval *v = &p->aVal[iSlot];
        if (v->eType == JV_ABSENT) {
            continue;
        }
        if (v->eType != JV_STRING) {
            report(zPath, iLine, "\"%s\" is not a string", p->azKey[iSlot]);
            return -1;
        }
        *apz[i] = v->z;
        *apn[i] = v->n;
    }
    return 0;
}

/* The date (zOut: DATE_MAX bytes).  0, or -1 after reporting a value
** that is not a date at all; a string not understood is a warning. */
static int
doc_date(corpus_ctx *pC, jsonl_cfg *p, const char *zPath, uint64_t iLine,
         kq_doc *pDoc, char *zOut)
{
    int iSlot = p->aiBuiltin[JB_DATE];
    const jval *v = &p->aVal[iSlot];
    size_t i0 = 0, n = 0;
    int e;
    switch (v->eType) {
    case JV_ABSENT: return 0;
    case JV_INT:
    case JV_REAL:
        n = date_from_unix(v->num, zOut);
        e = n ? DATE_CONVERTED : DATE_BAD;
        break;
    case JV_STRING: e = date_normalize(v->z, v->n, zOut, &i0, &n); break;
    default:
        report(zPath, iLine, "\"%s\" is not a string or a number",
               p->azKey[iSlot]);
        return -1;
    }
    if (e == DATE_ISO) {
        pDoc->zDate = v->z + i0;
        pDoc->nDate = n;
    } else if (e == DATE_CONVERTED) {
        pDoc->zDate = zOut;
        pDoc->nDate = n;
    } else if (e == DATE_BAD || e == DATE_LONG) {
        report(zPath, iLine, "date \"%.*s\" %s; indexed without a date",
               REPORT_QUOTE_LEN(v->n), v->z, date_why(e));
        pC->pStats->nWarning++;
    }
    return 0;
}

/* Extra fields.  0, or -1 after reporting a value that cannot be one. */
static int
doc_fields(jsonl_cfg *p, const char *zPath, uint64_t iLine, kq_doc *pDoc)
{
    int n = 0;
    for (int i = 0; i < p->nField; i++) {
        int iSlot = p->aiField[i];
        const jval *v = &p->aVal[iSlot];
        if (v->eType == JV_OBJECT) {
            report(zPath, iLine,
                   "\"%s\" is not a string, number, boolean "
                   "or array of them",
                   p->azKey[iSlot]);
            return -1;
        }
        if (v->eType == JV_ABSENT || v->eType == JV_NULL || v->n == 0) {
            continue;
        }
        p->aDocField[n].zName = p->azField[i];
        p->aDocField[n].nName = strlen(p->azField[i]);
        p->aDocField[n].zValue = v->z;
        p->aDocField[n].nValue = v->n;
        n++;
    }
    pDoc->aField = n ? p->aDocField : NULL;
    pDoc->nField = n;
    return 0;
}

/* The canonical name of language z[0..n), or NULL if kq has no such
** stemmer.  Cached: when the cache is full, entries are reused in turn. */
static const char *
lang_lookup(jsonl_cfg *p, const char *z, size_t n)
{
    char zName[KQ_MAX_LANG_NAME];
    kq_analyzer *pA = NULL;
    char *zCanon = NULL;
    char *zDup;
    jlang *l;
    if (n == 0 || n >= sizeof(zName) || memchr(z, 0, n) != NULL) {
        return NULL; /* no language has such a name */
    }
    memcpy(zName, z, n);
    zName[n] = 0;
    for (int i = 0; i < p->nLang; i++) {
        if (strcmp(p->aLang[i].zName, zName) == 0) {
            return p->aLang[i].zCanon;
        }
    }
    if (kq_analyzer_new(zName, &pA) == KQ_OK) {
        zCanon = strdup(kq_analyzer_lang(pA));
        kq_analyzer_free(pA);
        if (zCanon == NULL) {
            return NULL; /* no memory: the index's */
        }
    }
    zDup = strdup(zName);
    if (zDup == NULL) {
        free(zCanon);
        return NULL; /* no memory: the index's language */
    }
    if (p->nLang < JSONL_LANG_CACHE) {
        l = &p->aLang[p->nLang++];
    } else {
        l = &p->aLang[p->iLangNext++ % JSONL_LANG_CACHE];
        free(l->zName);
        free(l->zCanon);
    }
    l->zName = zDup;
    l->zCanon = zCanon;
    return zCanon;
}

/* The language (a warning, not an error, when unknown). */
static void
doc_lang(corpus_ctx *pC, jsonl_cfg *p, const char *zPath, uint64_t iLine,
         kq_doc *pDoc)
{
    const jval *v;
    const char *zCanon;
    if (p->iLang < 0) {
        return;
    }
    v = &p->aVal[p->iLang];
    if (v->eType == JV_ABSENT || v->eType == JV_NULL ||
        (v->eType == JV_STRING && v->n == 0)) {
        return;
    }
    if (v->eType != JV_STRING) {
        report(zPath, iLine,
               "\"%s\" is not a language name; indexed with "
               "the index's language",
               p->azKey[p->iLang]);
        pC->pStats->nWarning++;
        return;
    }
    zCanon = lang_lookup(p, v->z, v->n);
    if (zCanon == NULL) {
        report(zPath, iLine,
               "unknown language \"%.*s\" in \"%s\"; indexed "
               "with the index's language",
               REPORT_QUOTE_LEN(v->n), v->z, p->azKey[p->iLang]);
        pC->pStats->nWarning++;
        return;
    }
    pDoc->zLang = zCanon;
    pDoc->nLang = strlen(zCanon);
}

static int
is_blank(const char *z, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (z[i] != ' ' && z[i] != '\t' && z[i] != '\r') {
            return 0;
        }
    }
    return 1;
}

/* Parse one line and deliver its document.  An invalid line is reported
** and counted; it does not stop the file.  Returns xDoc's return. */
static int
json_line(corpus_ctx *pC, jsonl_cfg *p, const char *zPath, uint64_t iLine,
          const char *z, size_t n)
{
    json_t *pObj = NULL;
    kq_doc doc;
    char zDate[DATE_MAX];
    int rc = 0;

    if (iLine == 1 && is_utf8_bom(z, n)) {
        z += 3;
        n -= 3;
    }
    if (is_blank(z, n)) {
        return 0;
    }
    /* Most lines are flat objects, decoded in place; any other line, valid
    ** or not, goes to jansson, which also reports what is wrong. */
    if (!extract_flat(pC, p, z, n)) {
        pObj = extract_json(p, zPath, iLine, z, n);
        if (pObj == NULL) {
            pC->pStats->nLineSkipped++;
            return 0;
        }
    }
    memset(&doc, 0, sizeof(doc));
    if (doc_id(p, zPath, iLine, &doc) || doc_texts(p, zPath, iLine, &doc) ||
        doc_date(pC, p, zPath, iLine, &doc, zDate) ||
        doc_fields(p, zPath, iLine, &doc)) {
        pC->pStats->nLineSkipped++;
    } else {
        doc_lang(pC, p, zPath, iLine, &doc);
        rc = ctx_deliver(pC, &doc, zPath, iLine);
    }
    json_decref(pObj);
    return rc;
}

int
read_jsonl(corpus_ctx *pC, const char *zPath, int eGz)
{
    src s;
    linereader lr;
    uint64_t iLine = 0;
    int rc = 0;

    if (pC->pJsonl == NULL) {
        pC->pJsonl = cfg_new(pC->pOpts);
        if (pC->pJsonl == NULL) {
            report(src_name(zPath), 0, "out of memory");
            pC->pStats->nFile++;
            pC->pStats->nFileSkipped++;
            return 0;
        }
    }
    if (lines_open(&s, &lr, pC, zPath, eGz)) {
        return 0;
    }
    for (;;) {
        const char *z = NULL;
        size_t n = 0;
        int e = lr_next(&lr, &z, &n);
        if (e == LR_EOF) {
            break;
        }
        if (e == LR_ERROR) {
            /* Reported already.  Documents from earlier lines stay
            ** delivered; the partial line at the error is dropped. */
            ctx_stopped(pC, s.zPath, iLine, iLine + 1, 0);
            break;
        }
        iLine++;
        if (e == LR_TOOLONG) {
            if (lr.bOverCap) {
                report(s.zPath, iLine,
                       "line longer than the document limit "
                       "(--max-doc-size %s); skipped",
                       pC->zMaxDoc);
            } else {
                report(s.zPath, iLine, "line too long (out of memory)");
            }
            pC->pStats->nLineSkipped++;
            continue;
        }
        rc = json_line(pC, pC->pJsonl, s.zPath, iLine, z, n);
        if (rc) {
            break;
        }
    }
    lr_free(&lr);
    src_close(&s);
    return rc;
}
