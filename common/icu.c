/*
** icu.c -- ICU (word boundaries, scripts), loaded on first use.
**
** The analyzer (analyze.c) needs ICU only for text that is neither ASCII
** nor European (Latin, Greek, Cyrillic): the word breaker for Chinese,
** Japanese, Thai..., and the Word_Break and Script properties of other
** letters.  Linking libicuuc would load it, and libstdc++ with it, into
** every kq process: libstdc++'s start-up (relocations, constructors)
** alone is a large part of a one-shot `kq count`.  So it is opened with
** dlopen() when first needed -- the soname and the versioned symbol names
** (ubrk_open_72, ...) come from the headers it was built against -- and a
** process that only ever sees ASCII and European text never loads it.
*/
#include "kq_int.h"
#include "icu.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KQI_STR2(x) #x
#define KQI_STR(x) KQI_STR2(x)

static kqi_icu g_icu;
static int g_bIcu; /* g_icu is complete */
static char g_zErr[256];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void
icu_open(void)
{
    /* $KQ_ICU_LIB names another file (of the same ICU version): for
    ** tests of a missing ICU, and for an ICU outside the library path. */
    const char *zLib = getenv("KQ_ICU_LIB");
    if (zLib == NULL || zLib[0] == 0) {
        zLib = "libicuuc.so." KQI_STR(U_ICU_VERSION_MAJOR_NUM);
    }
    void *h = dlopen(zLib, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        const char *z = dlerror();
        snprintf(g_zErr, sizeof(g_zErr), "%s", z ? z : zLib);
        return;
    }
    /* Each symbol by its versioned name: the macros of the ICU headers
    ** (ubrk_open -> ubrk_open_72) expand inside KQI_STR. */
#define ICU_SYM(field, name)                                                  \
    if ((*(void **)&g_icu.field = dlsym(h, KQI_STR(name))) == NULL) {         \
        snprintf(g_zErr, sizeof(g_zErr), "%s: no symbol %s", zLib,            \
                 KQI_STR(name));                                              \
        return;                                                               \
    }
    ICU_SYM(xBrkOpen, ubrk_open)
    ICU_SYM(xBrkClose, ubrk_close)
    ICU_SYM(xBrkSetUText, ubrk_setUText)
    ICU_SYM(xBrkSetText, ubrk_setText)
    ICU_SYM(xBrkFirst, ubrk_first)
    ICU_SYM(xBrkNext, ubrk_next)
    ICU_SYM(xBrkRuleStatus, ubrk_getRuleStatus)
    ICU_SYM(xTextOpenUTF8, utext_openUTF8)
    ICU_SYM(xTextClose, utext_close)
    ICU_SYM(xIntProperty, u_getIntPropertyValue)
    ICU_SYM(xScript, uscript_getScript)
#undef ICU_SYM
    g_bIcu = 1;
}

const kqi_icu *
kqi_icu_load(void)
{
    pthread_once(&g_once, icu_open);
    return g_bIcu ? &g_icu : NULL;
}

const char *
kqi_icu_error(void)
{
    pthread_once(&g_once, icu_open);
    return g_bIcu ? NULL : g_zErr;
}
