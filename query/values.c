/*
** values.c -- the values of a field over the documents of an index, for
** kq facet and kq hist --split: FIELD is source, date:UNIT (the buckets
** and labels of dates.c) or an extra field (kq-index --field).
**
** One walk of the live documents (kq_index_each_doc) gives each document
** its value (a Xapian database counts the documents of each source or
** date itself, and a document's value is read when asked for): the
** distinct values are interned in an open-addressing hash table (FNV-1a,
** linear probing, at most half full), and each docid keeps
** only the number of its value (aDoc), so memory is the distinct values
** plus 4 bytes a document.  A document without the field (no source, no
** date at that unit, no such extra field, or an empty one) has the empty
** value, which is a value like the others.
*/
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *const azUnit[] = {"day", "week", "month", "year"};

int
field_parse(source *s, const cli *c, const char *zSpec, int bDate,
            field_spec *p)
{
    memset(p, 0, sizeof(*p));
    if (strcmp(zSpec, "source") == 0) {
        p->eKind = FIELD_SOURCE;
        return 0;
    }
    if (strncmp(zSpec, "date", 4) == 0 && (zSpec[4] == 0 || zSpec[4] == ':')) {
        if (!bDate) {
            msg_put("%s: --split takes source or an extra field, not a date "
                    "(periods are --by's)",
                    cli_prog(c));
            return KQ_EXIT_USAGE;
        }
        for (int i = 0; zSpec[4] && i < 4; i++) {
            if (strcmp(zSpec + 5, azUnit[i]) == 0) {
                p->eKind = FIELD_DATE;
                p->eBy = i;
                return 0;
            }
        }
        msg_put("%s: \"%s\": a date field needs its unit: date:year, "
                "date:month, date:week or date:day",
                cli_prog(c), zSpec);
        return KQ_EXIT_USAGE;
    }
    char **az = NULL;
    int nName = 0, bFound = 0;
    char *zErr = NULL;
    int rc = kq_index_fields(s->pIdx, &az, &nName, &zErr);
    if (rc) {
        int ex = report_error(c, rc, zErr);
        free(zErr);
        return ex;
    }
    kq_buf b = {0};
    for (int i = 0; i < nName; i++) {
        if (strcmp(az[i], zSpec) == 0) {
            bFound = 1;
            /* kq_field_name_ok(): at most KQ_MAX_FIELD_NAME bytes */
            snprintf(p->zName, sizeof(p->zName), "%s", az[i]);
        }
        kq_buf_append(&b, ", ", 2);
        kq_buf_append(&b, az[i], strlen(az[i]));
        free(az[i]);
    }
    free(az);
    if (!bFound) {
        msg_put(
            "%s: unknown field \"%s\"; the fields: source, date:UNIT%s%.*s",
            cli_prog(c), zSpec, bDate ? "" : " (not with --split)", (int)b.n,
            b.a ? (const char *)b.a : "");
    }
    kq_buf_free(&b);
    p->eKind = FIELD_EXTRA;
    return bFound ? 0 : KQ_EXIT_USAGE;
}

static uint64_t
hash_bytes(const char *z, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)z[i]) * 1099511628211ull;
    }
    return h;
}

/* The number of value z[0..n), added if new; FV_NONE when out of memory. */
static uint32_t
intern(fvalues *p, const char *z, size_t n)
{
    if (2 * ((size_t)p->n + 1) > p->nSlot) {
        size_t nNew = p->nSlot ? 2 * p->nSlot : 64;
        uint32_t *aNew = calloc(nNew, sizeof(uint32_t));
        if (aNew == NULL) {
            return FV_NONE;
        }
        for (uint32_t i = 0; i < p->n; i++) {
            size_t j = hash_bytes(p->a[i].z, p->a[i].n) & (nNew - 1);
            while (aNew[j]) {
                j = (j + 1) & (nNew - 1);
            }
            aNew[j] = i + 1;
        }
        free(p->aSlot);
        p->aSlot = aNew;
        p->nSlot = nNew;
    }
    size_t j = hash_bytes(z, n) & (p->nSlot - 1);
    for (; p->aSlot[j]; j = (j + 1) & (p->nSlot - 1)) {
        const fvalue *v = &p->a[p->aSlot[j] - 1];
        if (v->n == n && memcmp(v->z, z, n) == 0) {
            return p->aSlot[j] - 1;
        }
    }
    size_t nAlloc = p->nAlloc;
    if (kq_grow(&p->a, sizeof(fvalue), &nAlloc, (size_t)p->n + 1, 64)) {
        return FV_NONE;
    }
    p->nAlloc = nAlloc;
    fvalue *v = &p->a[p->n];
    memset(v, 0, sizeof(*v));
    v->z = malloc(n + 1);
    if (v->z == NULL) {
        return FV_NONE;
    }
    memcpy(v->z, z, n);
    v->z[n] = 0;
    v->n = n;
    p->aSlot[j] = p->n + 1;
    return p->n++;
}

typedef struct walk {
    fvalues *p;
    source *s;
    const field_spec *f;
    char **pzErr;
} walk;

/* The value of f in a document of info, into pz and pn (zLabel: room
** for a date label). */
static void
value_of(const field_spec *f, const kq_docinfo *info, char zLabel[32],
         const char **pz, size_t *pn)
{
    *pz = "";
    *pn = 0;
    switch (f->eKind) {
    case FIELD_SOURCE:
        *pz = info->zSource ? info->zSource : "";
        *pn = info->zSource ? info->nSource : 0;
        break;
    case FIELD_DATE: {
        int64_t k = date_bucket(info->zDate ? info->zDate : "", info->nDate,
                                f->eBy);
        if (k != BUCKET_NONE) {
            bucket_label(k, f->eBy, zLabel, 32);
            *pz = zLabel;
            *pn = strlen(zLabel);
        }
        break;
    }
    default:
        for (int i = 0; i < info->nField; i++) {
            const kq_field *fd = &info->aField[i];
            if (fd->nName == strlen(f->zName) &&
                memcmp(fd->zName, f->zName, fd->nName) == 0) {
                *pz = fd->zValue ? fd->zValue : "";
                *pn = fd->zValue ? fd->nValue : 0;
                break;
            }
        }
    }
}

static int
walk_cb(void *pCtx, kq_docid iDoc)
{
    walk *w = pCtx;
    const kq_docinfo *info;
    int rc = kq_index_doc(w->s->pIdx, iDoc, &info, w->pzErr);
    if (rc) {
        return rc;
    }
    if (iDoc >= w->p->nDocid) {
        return KQ_CORRUPT;
    }
    const char *z;
    size_t n;
    char zLabel[32];
    value_of(w->f, info, zLabel, &z, &n);
    uint32_t v = intern(w->p, z, n);
    if (v == FV_NONE) {
        return KQ_NOMEM;
    }
    w->p->a[v].nTotal++;
    w->p->aDoc[iDoc] = v;
    return KQ_OK;
}

/* fvalues_walk() on a Xapian database: the documents of each source or
** date, counted by the database (kq_index_value_counts). */
static int
count_cb(void *pCtx, const char *z, size_t n, uint64_t nDoc)
{
    walk *w = pCtx;
    kq_docinfo info;
    memset(&info, 0, sizeof(info));
    if (w->f->eKind == FIELD_SOURCE) {
        info.zSource = z;
        info.nSource = n;
    } else {
        info.zDate = z;
        info.nDate = n;
    }
    const char *zV;
    size_t nV;
    char zLabel[32];
    value_of(w->f, &info, zLabel, &zV, &nV);
    uint32_t v = intern(w->p, zV, nV);
    if (v == FV_NONE) {
        return KQ_NOMEM;
    }
    w->p->a[v].nTotal += nDoc;
    return KQ_OK;
}

int
fvalues_walk(fvalues *p, source *s, const field_spec *f, int bLater,
             char **pzErr)
{
    kq_docid nDocid = 0;
    int rc = kq_index_each_doc(s->pIdx, NULL, NULL, &nDocid, pzErr);
    if (rc) {
        return rc;
    }
    p->nDocid = nDocid;
    p->aDoc = malloc(((size_t)nDocid + 1) * sizeof(uint32_t));
    if (p->aDoc == NULL) {
        return KQ_NOMEM;
    }
    /* A Xapian database counts its sources and dates itself (one round
    ** trip a tcp:// shard, where reading each document's value is one a
    ** document); a document's own value is read when asked for. */
    p->bLater = bLater && source_is_xapian(s) && f->eKind != FIELD_EXTRA;
    p->s = s;
    p->f = *f;
    for (kq_docid i = 0; i < nDocid; i++) {
        /* deleted documents stay FV_NONE */
        p->aDoc[i] = p->bLater ? FV_LATER : FV_NONE;
    }
    walk w = {p, s, f, pzErr};
    if (p->bLater) {
        return kq_index_value_counts(s->pIdx,
                                     f->eKind == FIELD_SOURCE ? KQ_VALUE_SOURCE
                                                              : KQ_VALUE_DATE,
                                     &w, count_cb, pzErr);
    }
    rc = kq_index_each_doc(s->pIdx, &w, walk_cb, NULL, pzErr);
    if (rc == KQ_CORRUPT && *pzErr == NULL) {
        *pzErr = kq_mprintf("%s: a document beyond the document table",
                            s->zDir);
    }
    return rc;
}

int
fvalues_get(fvalues *p, kq_docid iDoc, uint32_t *pv, char **pzErr)
{
    if (iDoc < p->nDocid && p->aDoc[iDoc] == FV_LATER) {
        const kq_docinfo *info;
        int rc = kq_index_doc(p->s->pIdx, iDoc, &info, pzErr);
        if (rc) {
            return rc;
        }
        const char *z;
        size_t n;
        char zLabel[32];
        value_of(&p->f, info, zLabel, &z, &n);
        uint32_t v = intern(p, z, n);
        if (v == FV_NONE) {
            return KQ_NOMEM;
        }
        p->aDoc[iDoc] = v;
    }
    *pv = fvalues_of(p, iDoc);
    return KQ_OK;
}

uint32_t
fvalues_of(const fvalues *p, kq_docid iDoc)
{
    return iDoc < p->nDocid ? p->aDoc[iDoc] : FV_NONE;
}

void
fvalues_free(fvalues *p)
{
    for (uint32_t i = 0; i < p->n; i++) {
        free(p->a[i].z);
    }
    free(p->a);
    free(p->aSlot);
    free(p->aDoc);
    memset(p, 0, sizeof(*p));
}

/* Value order: bytes ascending (date labels are then chronological), the
** empty value last. */
int
fvalue_cmp(const fvalue *a, const fvalue *b)
{
    if (a->n == 0 || b->n == 0) {
        return (a->n == 0) - (b->n == 0);
    }
    size_t n = a->n < b->n ? a->n : b->n;
    int r = memcmp(a->z, b->z, n);
    return r ? r : (a->n > b->n) - (a->n < b->n);
}
