/*
** xapian_load.c -- loading the Xapian plugin (kq-xapian.so) on first use.
**
** The kqx_* functions C code calls (xapian_capi.h) are defined here as
** forwarders through the table the plugin exports.  The plugin is looked
** for, in order:
**   1. $KQ_XAPIAN_PLUGIN (a path to the file);
**   2. beside the running program (where `make` puts it: ./kq-xapian.so
**      next to ./kq and ./kq-index);
**   3. ../lib/kq/ relative to the running program (an installed layout);
**   4. kq/ beside the shared library this code is in, when a program links
**      libkq.so (the installed libdir/kq/).
** A process that never opens a Xapian index never loads it, nor
** libxapian and libstdc++ (see xapian_capi.h for why that matters).
*/
#include "kq_int.h"
#include "xapian_capi.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(__SANITIZE_ADDRESS__)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
/* The sanitizer build (make SAN=1): libxapian 1.4's table checker
** (Xapian::Database::check, which the plugin runs to name the damaged file
** of a damaged database) frees one of its objects with a sized delete of
** the wrong size.  glibc ignores the size, so it is harmless, but ASan's
** operator delete reports it and aborts; libxapian is not ours to fix (nor
** instrumented), so this one check is off by default in those builds
** ($ASAN_OPTIONS still overrides). */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
    return "new_delete_type_mismatch=0";
}
#endif

static const kqx_api *g_pApi;
static char g_zErr[PATH_MAX + 256];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static const kqx_api *
try_open(const char *zPath)
{
    void *h = dlopen(zPath, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        const char *z = dlerror();
        snprintf(g_zErr, sizeof(g_zErr), "%s", z ? z : zPath);
        return NULL;
    }
    const kqx_api *p = dlsym(h, KQX_PLUGIN_SYMBOL);
    if (p == NULL || p->iVersion != KQX_API_VERSION) {
        snprintf(g_zErr, sizeof(g_zErr),
                 "%s: not a kq Xapian plugin of this "
                 "version",
                 zPath);
        dlclose(h);
        return NULL;
    }
    return p; /* never closed: it serves the rest of the process */
}

static void
load_once(void)
{
    const char *zEnv = getenv("KQ_XAPIAN_PLUGIN");
    if (zEnv && *zEnv) {
        g_pApi = try_open(zEnv);
        return;
    }
    char zExe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", zExe, sizeof(zExe) - 1);
    if (n <= 0) {
        snprintf(g_zErr, sizeof(g_zErr), "cannot find the running program");
        return;
    }
    zExe[n] = 0;
    char *zSlash = strrchr(zExe, '/');
    if (zSlash) {
        *zSlash = 0;
    }
    static const char *const azRel[] = {"/" KQX_PLUGIN_FILE,
                                        "/../lib/kq/" KQX_PLUGIN_FILE};
    char zFirstErr[sizeof(g_zErr)] = "";
    for (size_t i = 0; i < sizeof(azRel) / sizeof(azRel[0]); i++) {
        char zPath[PATH_MAX + 64];
        snprintf(zPath, sizeof(zPath), "%s%s", zExe, azRel[i]);
        if (access(zPath, F_OK) != 0) {
            continue;
        }
        g_pApi = try_open(zPath);
        if (g_pApi) {
            return;
        }
        if (zFirstErr[0] == 0) {
            memcpy(zFirstErr, g_zErr, sizeof(zFirstErr));
        }
    }
    /* A program linked with libkq.so: libdir/kq/ beside the library. */
    Dl_info info;
    if (dladdr((void *)load_once, &info) && info.dli_fname &&
        strchr(info.dli_fname, '/')) {
        char zPath[PATH_MAX + 64];
        snprintf(zPath, sizeof(zPath), "%s", info.dli_fname);
        char *z = strrchr(zPath, '/');
        snprintf(z, sizeof(zPath) - (size_t)(z - zPath), "/kq/%s",
                 KQX_PLUGIN_FILE);
        if (access(zPath, F_OK) == 0 && (g_pApi = try_open(zPath)) != NULL) {
            return;
        }
    }
    if (zFirstErr[0]) {
        memcpy(g_zErr, zFirstErr, sizeof(g_zErr));
    } else {
        snprintf(g_zErr, sizeof(g_zErr),
                 "%s not found beside %s (or set "
                 "KQ_XAPIAN_PLUGIN)",
                 KQX_PLUGIN_FILE, zExe);
    }
}

static int
api_ready(char **pzErr)
{
    pthread_once(&g_once, load_once);
    if (g_pApi) {
        return 1;
    }
    kqi_err(pzErr, KQ_XAPIAN, "Xapian support is not available: %s", g_zErr);
    return 0;
}

#define KQX_X_INT(name, params, args)                                         \
    int kqx_##name params                                                     \
    {                                                                         \
        return api_ready(pzErr) ? g_pApi->name args : KQ_XAPIAN;              \
    }
KQX_INT_FUNCS(KQX_X_INT)
#undef KQX_X_INT

/* The rest take a handle, so the plugin is loaded if they have one. */
#define KQX_X_FREE(name, type)                                                \
    void kqx_##name(type *p)                                                  \
    {                                                                         \
        if (p && g_pApi) {                                                    \
            g_pApi->name(p);                                                  \
        }                                                                     \
    }
KQX_FREE_FUNCS(KQX_X_FREE)
#undef KQX_X_FREE

#define KQX_X_OTHER(ret, name, params, args)                                  \
    ret kqx_##name params                                                     \
    {                                                                         \
        return g_pApi->name args;                                             \
    }
KQX_OTHER_FUNCS(KQX_X_OTHER)
#undef KQX_X_OTHER
