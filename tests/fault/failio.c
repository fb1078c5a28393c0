/*
** failio.c -- an LD_PRELOAD shim that makes one system call fail, for the
** crash-safety tests (tests/cli/faults.bats).  Built by `make` into
** $(B)/tests/failio.so; not part of kq.
**
**   KQ_FAIL_OP     write | fsync | rename   the call to fail
**   KQ_FAIL_PATH   only calls on a file whose path contains this
**   KQ_FAIL_NTH    fail the Nth matching call (default 1) and every later one
**   KQ_FAIL_ERRNO  ENOSPC (default) | EIO
**
** Paths of descriptors come from /proc/self/fd.  Every matching call
** before the Nth goes through to libc.
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int nSeen;

static int
fd_matches(int fd)
{
    const char *zWant = getenv("KQ_FAIL_PATH");
    if (zWant == NULL || *zWant == 0) {
        return 1;
    }
    char zLink[64], zPath[4096];
    snprintf(zLink, sizeof(zLink), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(zLink, zPath, sizeof(zPath) - 1);
    if (n <= 0) {
        return 0;
    }
    zPath[n] = 0;
    return strstr(zPath, zWant) != NULL;
}

/* Should this call (of operation zOp, matching or not) fail? */
static int
should_fail(const char *zOp, int bMatch)
{
    const char *z = getenv("KQ_FAIL_OP");
    if (z == NULL || strcmp(z, zOp) != 0 || !bMatch) {
        return 0;
    }
    const char *zN = getenv("KQ_FAIL_NTH");
    int nth = zN ? atoi(zN) : 1;
    if (++nSeen < nth) {
        return 0;
    }
    const char *zE = getenv("KQ_FAIL_ERRNO");
    errno = (zE && strcmp(zE, "EIO") == 0) ? EIO : ENOSPC;
    return 1;
}

ssize_t
write(int fd, const void *p, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (real == NULL) {
        real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    }
    /* Never fail writes to stdout/stderr: the messages must get out. */
    if (fd > 2 && should_fail("write", fd_matches(fd))) {
        return -1;
    }
    return real(fd, p, n);
}

int
fsync(int fd)
{
    static int (*real)(int);
    if (real == NULL) {
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    }
    if (should_fail("fsync", fd_matches(fd))) {
        return -1;
    }
    return real(fd);
}

int
rename(const char *zOld, const char *zNew)
{
    static int (*real)(const char *, const char *);
    if (real == NULL) {
        real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    }
    const char *zWant = getenv("KQ_FAIL_PATH");
    int bMatch = zWant == NULL || *zWant == 0 || strstr(zNew, zWant) != NULL;
    if (should_fail("rename", bMatch)) {
        return -1;
    }
    return real(zOld, zNew);
}
