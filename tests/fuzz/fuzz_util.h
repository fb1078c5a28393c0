/*
** fuzz_util.h -- helpers shared by the libFuzzer targets of tests/fuzz/
** (each target includes it once; everything here is static).
**
**   fz_init()         once per process: keeps the real stderr for our own
**                     messages and points stdio's stderr at /dev/null, so
**                     the library's "kq-index: PATH: reason" lines do not
**                     flood the fuzzer's output (KQ_FUZZ_VERBOSE=1 keeps
**                     them).  Sanitizer and libFuzzer reports are written
**                     to file descriptor 2 / their own FILE and still show.
**   FZ_CHECK(c, ...)  an invariant: on failure print the message (to the
**                     real stderr) and abort(), which libFuzzer reports as
**                     a crash and saves the input of.
**   fz_tmpdir()       a private directory created once per process, removed
**                     at exit: $KQ_FUZZ_TMP, else /dev/shm, else $TMPDIR,
**                     else /tmp.
**   fz_write_file()   (re)write a file in it.
**   fz_touch()        read every byte of a buffer (so ASan checks the range).
**   fz_utf8_valid()   strict UTF-8 validation (an oracle apart from utf8proc).
**
** With FZ_MAP_EMULATION defined before the include, the target also
** defines mmap(), munmap() and madvise() (see the section below): the
** read-only file mappings of common/format/fileio.c become exact-size malloc()ed
** copies, so AddressSanitizer sees any read past the end of an index file
** (a read past the end of a real mapping lands in the zero-filled rest of
** its last page, or in the next mapping, and goes unnoticed).
*/
#ifndef KQ_FUZZ_UTIL_H
#define KQ_FUZZ_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);
int LLVMFuzzerInitialize(int *pArgc, char ***pArgv);

/* UBSan's defaults (UBSAN_OPTIONS still overrides them): the checks are
** compiled recoverable, so make every report fatal (libFuzzer then saves
** the input), with a stack, except what ubsan.supp beside the binary
** suppresses (known, reported bugs; see tests/fuzz/ubsan.supp).  The
** sanitizer runtime calls this before its shadow memory and interceptors
** exist: no instrumentation, no stack arrays, raw system calls only. */
#include <sys/syscall.h>
const char *__ubsan_default_options(void);
__attribute__((no_sanitize("address", "undefined", "coverage")))
const char *__ubsan_default_options(void)
{
    static const char zBase[] = "halt_on_error=1:print_stacktrace=1";
    static const char zSupp[] = ":suppressions=";
    static const char zFile[] = "ubsan.supp";
    static char zExe[4096];
    static char z[sizeof zBase + sizeof zSupp + sizeof zExe];
    size_t i, n = 0, iSlash = 0;
    for (i = 0; zBase[i]; i++) z[n++] = zBase[i];
    z[n] = '\0';
    long nExe = syscall(SYS_readlink, "/proc/self/exe", zExe,
                        sizeof zExe - sizeof zFile - 1);
    if (nExe <= 0) return z;
    for (i = 0; i < (size_t)nExe; i++) {
        if (zExe[i] == '/') iSlash = i + 1;
        if (zExe[i] == ':') return z;   /* would end the option */
    }
    for (i = 0; zFile[i]; i++) zExe[iSlash + i] = zFile[i];
    zExe[iSlash + i] = '\0';
    if (syscall(SYS_access, zExe, R_OK) != 0) return z;
    for (i = 0; zSupp[i]; i++) z[n++] = zSupp[i];
    for (i = 0; zExe[i]; i++) z[n++] = zExe[i];
    z[n] = '\0';
    return z;
}

#define FZ_UNUSED __attribute__((unused))

static FILE *fz_err;            /* the real stderr */
static char fz_dir[4096];       /* fz_tmpdir() */

static FZ_UNUSED void fz_init(void)
{
    static int bDone = 0;
    if (bDone) return;
    bDone = 1;
    fz_err = stderr;
    const char *z = getenv("KQ_FUZZ_VERBOSE");
    if (z == NULL || *z == '\0' || *z == '0') {
        FILE *pNull = fopen("/dev/null", "w");
        if (pNull) stderr = pNull;
    }
}

#if defined(__GNUC__)
static FZ_UNUSED void fz_fail(const char *zFile, int iLine, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
#endif
static FZ_UNUSED void fz_fail(const char *zFile, int iLine, const char *zFmt, ...)
{
    va_list ap;
    FILE *f = fz_err ? fz_err : stderr;
    fprintf(f, "\n==fuzz== invariant failed at %s:%d: ", zFile, iLine);
    va_start(ap, zFmt);
    vfprintf(f, zFmt, ap);
    va_end(ap);
    fputc('\n', f);
    fflush(f);
    abort();
}
#define FZ_CHECK(c, ...) \
    do { if (!(c)) fz_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

/* Strict UTF-8: tests/lib/utf8valid.h, an oracle apart from utf8proc. */
#include "../lib/utf8valid.h"
static FZ_UNUSED int fz_utf8_valid(const char *z, size_t n)
{
    return test_utf8_valid(z, n);
}

/* Read every byte of z[0..n) (so ASan checks the whole range). */
static FZ_UNUSED unsigned fz_touch(const void *z, size_t n)
{
    const volatile unsigned char *p = (const volatile unsigned char *)z;
    unsigned h = 0;
    for (size_t i = 0; i < n; i++) h = h * 31 + p[i];
    return h;
}

/* Remove the tree at zPath (the targets make at most one level of
** subdirectories). */
static FZ_UNUSED void fz_rmtree(const char *zPath, int nDepth)
{
    DIR *d = opendir(zPath);
    if (d) {
        struct dirent *e;
        char z[4096 + 300];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(z, sizeof z, "%s/%s", zPath, e->d_name);
            if (unlink(z) != 0 && errno == EISDIR && nDepth < 4) {
                fz_rmtree(z, nDepth + 1);
            }
        }
        closedir(d);
    }
    rmdir(zPath);
}

static FZ_UNUSED void fz_rmdir(void)
{
    if (fz_dir[0] == '\0') return;
    fz_rmtree(fz_dir, 0);
    fz_dir[0] = '\0';
}

static FZ_UNUSED int fz_dir_ok(const char *z)
{
    struct stat st;
    return z && *z && stat(z, &st) == 0 && S_ISDIR(st.st_mode) &&
           access(z, W_OK | X_OK) == 0;
}

/* The per-process scratch directory (created on first use). */
static FZ_UNUSED const char *fz_tmpdir(void)
{
    if (fz_dir[0]) return fz_dir;
    const char *azBase[4];
    azBase[0] = getenv("KQ_FUZZ_TMP");
    azBase[1] = "/dev/shm";
    azBase[2] = getenv("TMPDIR");
    azBase[3] = "/tmp";
    for (int i = 0; i < 4; i++) {
        if (!fz_dir_ok(azBase[i])) continue;
        snprintf(fz_dir, sizeof fz_dir, "%s/kq-fuzz-XXXXXX", azBase[i]);
        if (mkdtemp(fz_dir)) {
            atexit(fz_rmdir);
            return fz_dir;
        }
        fz_dir[0] = '\0';
    }
    FZ_CHECK(0, "cannot create a temporary directory: %s", strerror(errno));
    return NULL;
}

/* fz_tmpdir() + "/" + zName into z[nz]. */
static FZ_UNUSED const char *fz_path(char *z, size_t nz, const char *zName)
{
    snprintf(z, nz, "%s/%s", fz_tmpdir(), zName);
    return z;
}

/* Write a[0..n) to zPath (truncating).  Failing to write the scratch
** file is a problem of the machine, not of the input: abort loudly. */
static FZ_UNUSED void fz_write_file(const char *zPath, const void *a, size_t n)
{
    int fd = open(zPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FZ_CHECK(fd >= 0, "cannot create %s: %s", zPath, strerror(errno));
    const char *p = a;
    while (n > 0) {
        ssize_t r = write(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        FZ_CHECK(r > 0, "cannot write %s: %s", zPath, strerror(errno));
        p += r;
        n -= (size_t)r;
    }
    close(fd);
}

/* True if z[0..n) is valid UTF-8 (no overlongs, surrogates, > U+10FFFF). */
static FZ_UNUSED int fz_utf8_ok(const char *z, size_t n)
{
    if (n == 0) return 1;
    const unsigned char *p = (const unsigned char *)z, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        int k;
        unsigned cp;
        if (c < 0x80) { p++; continue; }
        if (c >= 0xc2 && c <= 0xdf) { k = 2; cp = c & 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { k = 3; cp = c & 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { k = 4; cp = c & 0x07; }
        else return 0;
        if (end - p < k) return 0;
        for (int i = 1; i < k; i++) {
            if ((p[i] & 0xc0) != 0x80) return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return 0;
        p += k;
    }
    return 1;
}

#ifdef FZ_MAP_EMULATION
/**************************************************************************
** Mapped files as heap copies.
**
** common/format/fileio.c maps index files with mmap(NULL, n, PROT_READ,
** MAP_SHARED, fd, 0).  A strong mmap() here takes precedence over libc's
** (and over the sanitizer runtime's weak interceptor) for every caller in
** the executable: such a call (and only such: read-only, whole file from
** offset 0, no address hint) is answered with malloc(n) filled by pread(),
** recorded in a table; munmap() of a recorded block frees it; madvise() on
** it does nothing (MADV_DONTNEED would zero heap pages).  Everything else
** goes to the kernel directly.  fz_map_count() is the number of emulated
** mappings still open, for a leak check after kq_index_close().  Set
** KQ_FUZZ_REAL_MMAP=1 to turn the emulation off.  Single-threaded use only
** (the targets open indexes and write with nThread 0).
*/
#include <sys/mman.h>
#include <sys/syscall.h>

#define FZ_MAX_MAP 1024
static struct { void *p; size_t n; } fz_aMap[FZ_MAX_MAP];
static int fz_nMap;
static int fz_bRealMmap = -1;

static FZ_UNUSED int fz_map_count(void) { return fz_nMap; }

void *mmap(void *pAddr, size_t n, int prot, int flags, int fd, off_t off)
{
    if (fz_bRealMmap < 0) {
        const char *z = getenv("KQ_FUZZ_REAL_MMAP");
        fz_bRealMmap = z && *z && *z != '0';
    }
    if (!fz_bRealMmap && pAddr == NULL && prot == PROT_READ &&
        (flags & (MAP_SHARED | MAP_PRIVATE)) && !(flags & MAP_ANONYMOUS) &&
        fd >= 0 && off == 0 && n > 0 && fz_nMap < FZ_MAX_MAP) {
        char *a = malloc(n);
        if (a == NULL) {
            errno = ENOMEM;
            return MAP_FAILED;
        }
        size_t nGot = 0;
        while (nGot < n) {
            ssize_t r = pread(fd, a + nGot, n - nGot, (off_t)nGot);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            nGot += (size_t)r;
        }
        /* Past the end of the file a mapping reads zeros (to the end of
        ** the page; SIGBUS beyond): zeros are the kindest stand-in. */
        memset(a + nGot, 0, n - nGot);
        fz_aMap[fz_nMap].p = a;
        fz_aMap[fz_nMap].n = n;
        fz_nMap++;
        return a;
    }
    return (void *)syscall(SYS_mmap, pAddr, n, prot, flags, fd, off);
}

int munmap(void *p, size_t n)
{
    for (int i = 0; i < fz_nMap; i++) {
        if (fz_aMap[i].p == p) {
            FZ_CHECK(fz_aMap[i].n == n, "munmap(%p, %zu) of a %zu-byte "
                     "mapping", p, n, fz_aMap[i].n);
            free(p);
            fz_aMap[i] = fz_aMap[--fz_nMap];
            return 0;
        }
    }
    return (int)syscall(SYS_munmap, p, n);
}

int madvise(void *p, size_t n, int advice)
{
    for (int i = 0; i < fz_nMap; i++) {
        char *a = fz_aMap[i].p;
        if ((char *)p >= a && (char *)p < a + fz_aMap[i].n) {
            FZ_CHECK(n <= fz_aMap[i].n - (size_t)((char *)p - a),
                     "madvise(%p, %zu) beyond a %zu-byte mapping", p, n,
                     fz_aMap[i].n);
            return 0;
        }
    }
    return (int)syscall(SYS_madvise, p, n, advice);
}
#endif /* FZ_MAP_EMULATION */

#endif /* KQ_FUZZ_UTIL_H */
