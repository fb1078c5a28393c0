/*
** source.c -- the index kq reads (-d, $KQ_INDEX, ./.kq): kq's own, or one
** or more Xapian databases (a kq Xapian database, several -d, or
** tcp://HOST:PORT shards), which the library opens alike; and a
** document's metadata made ready to print.
*/
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The watchdog of a Xapian index found the database damaged while a read
** of it does not return (kq_index_on_stall): say so, and end with the
** exit status of damage -- the read may never return. */
static void
on_stall(void *pCtx, const char *zErr)
{
    const cli *c = pCtx;
    fflush(stdout);
    fprintf(stderr, "%s: %s; a read of it has not returned in %d s\n",
            cli_prog(c), zErr, KQ_XAPIAN_STALL_MS / 1000);
    fflush(stderr);
    _exit(KQ_EXIT_DAMAGED);
}

int
source_try(source *s, const cli *c, char **pzErr)
{
    memset(s, 0, sizeof(*s));
    char *azDefault[1];
    char *const *azDir = c->azDir;
    int nDir = c->nDir;
    if (nDir == 0) {
        const char *z = getenv("KQ_INDEX");
        azDefault[0] = (char *)(z && z[0] ? z : KQ_DEFAULT_INDEX);
        azDir = azDefault;
        nDir = 1;
    }
    s->zDir = azDir[0];
    s->azDir = azDir == azDefault ? NULL : azDir;
    s->nDir = nDir;
    if (c->zLang) {
        int rc = kq_analyzer_new(c->zLang, &s->pLang);
        if (rc) {
            if (pzErr) {
                *pzErr = kq_mprintf("--lang: unknown language '%s' "
                                    "(kq-index --lang list shows them)",
                                    c->zLang);
            }
            return KQ_MISUSE;
        }
    }
    for (int i = 0; nDir > 1 && i < nDir; i++) {
        char *z = kq_mprintf("%s%s%s", i ? s->zJoined : "", i ? " + " : "",
                             azDir[i]);
        free(s->zJoined);
        s->zJoined = z;
        if (z == NULL) {
            break;
        }
    }
    if (s->zJoined) {
        s->zDir = s->zJoined;
    }
    int rc = nDir > 1 && s->zJoined == NULL
                 ? KQ_NOMEM
                 : kq_index_open_many((const char *const *)azDir, nDir,
                                      &s->pIdx, pzErr);
    if (rc == KQ_OK && c->nMaxExpansion) {
        /* (In range: main.c checked the option.) */
        rc = kq_index_set_max_expansion(s->pIdx, c->nMaxExpansion);
    }
    if (rc == KQ_OK) {
        rc = kq_index_on_stall(s->pIdx, on_stall, (void *)c);
    }
    if (rc) {
        free(s->zJoined);
        s->zJoined = NULL;
        s->zDir = azDir[0];
        kq_index_close(s->pIdx);
        s->pIdx = NULL;
        kq_analyzer_free(s->pLang);
        s->pLang = NULL;
    }
    return rc;
}

int
source_open(source *s, const cli *c)
{
    char *zErr = NULL;
    int rc = source_try(s, c, &zErr);
    if (rc) {
        int ex = report_error(c, rc, zErr);
        if (rc == KQ_NOTFOUND && s->nDir == 1) {
            msg_put("%s: create one with: kq-index -d %s PATH...", cli_prog(c),
                    s->zDir);
        }
        free(zErr);
        return ex;
    }
    return 0;
}

void
source_close(source *s)
{
    kq_index_close(s->pIdx);
    kq_analyzer_free(s->pLang);
    free(s->zJoined);
    memset(s, 0, sizeof(*s));
}

kq_analyzer *
source_analyzer(source *s)
{
    return s->pLang ? s->pLang : kq_index_analyzer(s->pIdx);
}

int
source_is_xapian(const source *s)
{
    return kq_index_backend(s->pIdx) == KQ_KIND_XAPIAN;
}

void
hitdoc_clear(hitdoc *d)
{
    free(d->zId);
    free(d->zTitle);
    free(d->zDate);
    free(d->zSource);
    for (int i = 0; i < d->nField; i++) {
        free(d->azFieldName[i]);
        free(d->azFieldValue[i]);
    }
    free(d->azFieldName);
    free(d->azFieldValue);
    free(d->zRawTitle);
    free(d->zText);
    memset(d, 0, sizeof(*d));
}

const char *
hitdoc_field(const hitdoc *d, const char *zName)
{
    for (int i = 0; i < d->nField; i++) {
        if (strcmp(d->azFieldName[i], zName) == 0) {
            return d->azFieldValue[i];
        }
    }
    return NULL;
}

static char *
dup_bytes(const char *z, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        if (n) {
            memcpy(p, z, n);
        }
        p[n] = 0;
    }
    return p;
}

/* The fields of info, cleaned, into d. */
static int
copy_fields(hitdoc *d, const kq_docinfo *info)
{
    if (info->nField == 0) {
        return KQ_OK;
    }
    d->azFieldName = calloc((size_t)info->nField, sizeof(char *));
    d->azFieldValue = calloc((size_t)info->nField, sizeof(char *));
    if (!d->azFieldName || !d->azFieldValue) {
        return KQ_NOMEM;
    }
    for (int i = 0; i < info->nField; i++) {
        const kq_field *f = &info->aField[i];
        d->azFieldName[i] = kq_utf8_clean(f->zName, f->nName, 1);
        d->azFieldValue[i] = kq_utf8_clean(f->zValue, f->nValue, 1);
        d->nField = i + 1;
        if (!d->azFieldName[i] || !d->azFieldValue[i]) {
            return KQ_NOMEM;
        }
    }
    return KQ_OK;
}

int
source_doc(source *s, kq_docid iDoc, int flags, hitdoc *d, char **pzErr)
{
    memset(d, 0, sizeof(*d));
    const kq_docinfo *info;
    int rc = kq_index_doc(s->pIdx, iDoc, &info, pzErr);
    if (rc == KQ_OK) {
        d->zId = dup_bytes(info->zId, info->nId);
        d->nId = info->nId;
        d->zTitle = kq_utf8_clean(info->zTitle, info->nTitle, 1);
        d->zDate = kq_utf8_clean(info->zDate, info->nDate, 1);
        d->zSource = kq_utf8_clean(info->zSource, info->nSource, 1);
        d->zRawTitle = dup_bytes(info->zTitle, info->nTitle);
        d->nRawTitle = info->nTitle;
        if (flags & SRC_TOKENS) {
            d->nLen = kq_docinfo_tokens(s->pIdx, info);
        }
        if (!d->zId || !d->zTitle || !d->zDate || !d->zSource ||
            !d->zRawTitle) {
            rc = KQ_NOMEM;
        }
    }
    if (rc == KQ_OK) {
        rc = copy_fields(d, info);
    }
    if (rc == KQ_OK && (flags & SRC_TEXT)) {
        rc = kq_index_text(s->pIdx, iDoc, &d->zText, &d->nText, pzErr);
    }
    if (rc) {
        hitdoc_clear(d);
    }
    return rc;
}
