/*
** inputopts.c -- the input options of kq-index (inputopts.h).
*/
#include "inputopts.h"
#include "kq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
is_builtin(const char *z)
{
    static const char *const az[] = {KQ_FIELD_NAMES, NULL};
    for (const char *const *a = az; *a; a++) {
        if (strcmp(*a, z) == 0) {
            return 1;
        }
    }
    return 0;
}

static void *
oom(void)
{
    fprintf(stderr, "kq-index: out of memory\n");
    return NULL;
}

/* Room for one more string or mapping; 0 or -1. */
static int
grow_strings(char ***paz, int n)
{
    char **a = realloc(*paz, ((size_t)n + 1) * sizeof(char *));
    if (a == NULL) {
        return oom(), -1;
    }
    *paz = a;
    return 0;
}

static int
grow_maps(corpus_map **pa, int n)
{
    corpus_map *a = realloc(*pa, ((size_t)n + 1) * sizeof(corpus_map));
    if (a == NULL) {
        return oom(), -1;
    }
    *pa = a;
    return 0;
}

int
inputopts_format(inputopts *p, const char *zArg)
{
    int e = corpus_format_parse(zArg);
    if (e < 0) {
        fprintf(stderr,
                "kq-index: --input-format is jsonl, text, trec, "
                "warc or mbox (not \"%s\")\n",
                zArg);
        return -1;
    }
    p->o.eFormat = e;
    return 0;
}

static int
has_field(const inputopts *p, const char *z)
{
    for (int i = 0; i < p->nField; i++) {
        if (strcmp(p->azField[i], z) == 0) {
            return 1;
        }
    }
    return 0;
}

int
inputopts_field(inputopts *p, const char *zArg)
{
    char *z;
    /* The writer's own check, so that a name taken here is never refused
    ** by every document later. */
    if (!kq_field_name_ok(zArg, strlen(zArg))) {
        fprintf(stderr,
                "kq-index: bad field name \"%s\": a field name is a "
                "lower-case letter, then letters, digits or _, at most %d "
                "bytes, and not one of id, title, date, source, body\n",
                zArg, KQ_MAX_FIELD_NAME);
        return -1;
    }
    if (has_field(p, zArg)) {
        return 0;
    }
    if (p->nField >= KQ_MAX_FIELDS) {
        fprintf(stderr,
                "kq-index: too many extra fields at \"%s\": at most "
                "%d (each --field, and each --map to a field that is not "
                "built in)\n",
                zArg, KQ_MAX_FIELDS);
        return -1;
    }
    if (grow_strings(&p->azField, p->nField)) {
        return -1;
    }
    z = strdup(zArg);
    if (z == NULL) {
        return oom(), -1;
    }
    p->azField[p->nField++] = z;
    return 0;
}

int
inputopts_map(inputopts *p, const char *zArg)
{
    const char *zEq = strchr(zArg, '=');
    char *zField;
    if (zEq == NULL || zEq == zArg || zEq[1] == 0) {
        fprintf(stderr,
                "kq-index: --map takes FIELD=KEY (e.g. "
                "title=headline), not \"%s\"\n",
                zArg);
        return -1;
    }
    if (grow_strings(&p->azOwned, p->nOwned) || grow_maps(&p->aMap, p->nMap)) {
        return -1;
    }
    zField = strndup(zArg, (size_t)(zEq - zArg));
    if (zField == NULL) {
        return oom(), -1;
    }
    p->azOwned[p->nOwned++] = zField;
    if (!is_builtin(zField) && !kq_field_name_ok(zField, strlen(zField))) {
        fprintf(stderr,
                "kq-index: --map %s: \"%s\" is not a field (id, "
                "title, date, source, body, or a name [a-z][a-z0-9_]* of at "
                "most %d bytes)\n",
                zArg, zField, KQ_MAX_FIELD_NAME);
        return -1;
    }
    p->aMap[p->nMap].zField = zField;
    p->aMap[p->nMap].zKey = zEq + 1;
    p->nMap++;
    return 0;
}

int
inputopts_lang(inputopts *p, const char *zArg)
{
    if (zArg[0] == 0) {
        fprintf(stderr, "kq-index: --lang-field takes a key name\n");
        return -1;
    }
    p->o.zLangField = zArg;
    return 0;
}

int
inputopts_finish(inputopts *p)
{
    for (int i = 0; i < p->nMap; i++) {
        const char *z = p->aMap[i].zField;
        if (!is_builtin(z) && inputopts_field(p, z)) {
            return -1;
        }
    }
    p->o.aMap = p->aMap;
    p->o.nMap = p->nMap;
    p->o.azField = (const char *const *)p->azField;
    p->o.nField = p->nField;
    return 0;
}

void
inputopts_free(inputopts *p)
{
    for (int i = 0; i < p->nField; i++) {
        free(p->azField[i]);
    }
    for (int i = 0; i < p->nOwned; i++) {
        free(p->azOwned[i]);
    }
    free(p->azField);
    free(p->azOwned);
    free(p->aMap);
    memset(p, 0, sizeof(*p));
}
