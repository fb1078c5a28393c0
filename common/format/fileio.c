/*
** fileio.c -- output files that know their size and CRC32, and read-only
** memory-mapped input files.
**
** Files inside an index directory are opened only through kqi_file_open():
** never through a symbolic link (O_NOFOLLOW: kq-index often runs as root or
** from cron over a directory others can write, and a link planted there
** would make it truncate or overwrite the link's target), never kept
** across exec (O_CLOEXEC), and only if they are regular files (a FIFO
** would block, a device have side effects).  The index directory itself
** may be a symbolic link: only the last component of a path is refused.
**
** Every index file begins with a 16-byte header:
**     8 bytes: magic 0x8b 'K' 'Q' 'I' 'D' 'X' 0x0d 0x0a
**              (a non-ASCII first byte, and CR LF to catch text-mode damage)
**     u32:     format version (KQI_FORMAT_VERSION)
**     u32:     file type (KQI_FT_*)
**
** The version goes up with any change to any file's layout or to what its
** numbers mean (the analysis included); kq reads only its own version and
** refuses the others (KQ_FORMAT: reindex), kqi_header_check().
*/
#include "kq_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

static const u8 aMagic[8] = {0x8b, 'K', 'Q', 'I', 'D', 'X', 0x0d, 0x0a};

#define WBUF_SIZE (1 << 16)

int
kqi_file_open(const char *zPath, int flags, int *pFd, char **pzErr)
{
    *pFd = -1;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused
    ** below); it changes nothing for a regular file, and is cleared. */
    int fd = open(zPath, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd < 0) {
        int e = errno;
        struct stat st;
        if (e == ELOOP && lstat(zPath, &st) == 0 && S_ISLNK(st.st_mode)) {
            return kqi_err(pzErr, KQ_IOERR,
                           "%s: is a symbolic link; kq "
                           "does not follow links inside an index directory",
                           zPath);
        }
        return kqi_err(
            pzErr, e == ENOENT && !(flags & O_CREAT) ? KQ_NOTFOUND : KQ_IOERR,
            "%s: cannot %s: %s", zPath, (flags & O_CREAT) ? "create" : "open",
            strerror(e));
    }
    struct stat st;
    int rc = KQ_OK;
    if (fstat(fd, &st) != 0) {
        rc = kqi_err(pzErr, KQ_IOERR, "%s: cannot stat: %s", zPath,
                     strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = kqi_err(pzErr, KQ_IOERR,
                     "%s: not a regular file; an index "
                     "directory holds only regular files",
                     zPath);
    } else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        rc = kqi_err(pzErr, KQ_IOERR, "%s: cannot open: %s", zPath,
                     strerror(errno));
    }
    if (rc) {
        close(fd);
        return rc;
    }
    *pFd = fd;
    return KQ_OK;
}

int
kqi_wfile_open(kqi_wfile *f, const char *zPath)
{
    memset(f, 0, sizeof(*f));
    f->fd = -1;
    f->zPath = strdup(zPath);
    f->aBuf = malloc(WBUF_SIZE);
    if (f->zPath == NULL || f->aBuf == NULL) {
        f->rc = KQ_NOMEM;
        return f->rc;
    }
    f->crc = 0;
    f->rc = kqi_file_open(zPath, O_WRONLY | O_CREAT | O_TRUNC, &f->fd,
                          &f->zErr);
    return f->rc;
}

/* write() all of a[0..n), retrying short writes and EINTR. */
static void
write_all(kqi_wfile *f, const u8 *a, size_t n)
{
    size_t i = 0;
    while (f->rc == KQ_OK && i < n) {
        ssize_t w = write(f->fd, a + i, n - i);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            f->zErr = kq_mprintf("%s: write failed: %s", f->zPath,
                                 strerror(errno));
            f->rc = KQ_IOERR;
            break;
        }
        i += (size_t)w;
    }
}

static void
wfile_flush(kqi_wfile *f)
{
    write_all(f, f->aBuf, f->nBuf);
    f->nBuf = 0;
}

void
kqi_wfile_write(kqi_wfile *f, const void *p, size_t n)
{
    if (f->rc || n == 0) {
        return;
    }
    f->crc = libdeflate_crc32(f->crc, p, n);
    f->nOff += n;
    const u8 *a = p;
    if (n >= WBUF_SIZE) {
        /* Large write: straight through. */
        wfile_flush(f);
        write_all(f, a, n);
        return;
    }
    if (f->nBuf + n > WBUF_SIZE) {
        wfile_flush(f);
    }
    memcpy(f->aBuf + f->nBuf, a, n);
    f->nBuf += n;
}

void
kqi_wfile_varint(kqi_wfile *f, u64 v)
{
    u8 a[KQI_VARINT_MAX];
    kqi_wfile_write(f, a, kqi_varint_put(a, v));
}

void
kqi_wfile_u32(kqi_wfile *f, u32 v)
{
    u8 a[4];
    kqi_put_u32(a, v);
    kqi_wfile_write(f, a, 4);
}

void
kqi_wfile_u64(kqi_wfile *f, u64 v)
{
    u8 a[8];
    kqi_put_u64(a, v);
    kqi_wfile_write(f, a, 8);
}

int
kqi_wfile_close(kqi_wfile *f, char **pzErr)
{
    if (f->fd >= 0) {
        wfile_flush(f);
        if (f->rc == KQ_OK && !f->bNoSync && fsync(f->fd) != 0) {
            f->zErr = kq_mprintf("%s: fsync failed: %s", f->zPath,
                                 strerror(errno));
            f->rc = KQ_IOERR;
        }
        if (close(f->fd) != 0 && f->rc == KQ_OK) {
            f->zErr = kq_mprintf("%s: close failed: %s", f->zPath,
                                 strerror(errno));
            f->rc = KQ_IOERR;
        }
        f->fd = -1;
    }
    int rc = f->rc;
    if (rc) {
        if (f->zErr) {
            kqi_err(pzErr, rc, "%s", f->zErr);
        } else {
            kqi_err(pzErr, rc, "%s: %s", f->zPath ? f->zPath : "?",
                    kq_errstr(rc));
        }
    }
    free(f->zErr);
    free(f->zPath);
    free(f->aBuf);
    f->zErr = f->zPath = NULL;
    f->aBuf = NULL;
    return rc;
}

void
kqi_wfile_abort(kqi_wfile *f)
{
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
    }
    if (f->zPath) {
        unlink(f->zPath);
    }
    free(f->zErr);
    free(f->zPath);
    free(f->aBuf);
    f->zErr = f->zPath = NULL;
    f->aBuf = NULL;
}

int
kqi_map_open(kqi_map *m, const char *zPath, char **pzErr)
{
    memset(m, 0, sizeof(*m));
    m->zPath = strdup(zPath);
    if (m->zPath == NULL) {
        return KQ_NOMEM;
    }
    int fd;
    int rc = kqi_file_open(zPath, O_RDONLY, &fd, pzErr);
    if (rc) {
        return rc;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return kqi_err(pzErr, KQ_IOERR, "%s: cannot stat: %s", zPath,
                       strerror(e));
    }
    m->n = (size_t)st.st_size;
    if (m->n > 0) {
        void *p = mmap(NULL, m->n, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            close(fd);
            m->n = 0;
            return kqi_err(pzErr, KQ_IOERR, "%s: cannot map: %s", zPath,
                           strerror(e));
        }
        m->a = p;
    }
    close(fd);
    return KQ_OK;
}

void
kqi_map_close(kqi_map *m)
{
    if (m->a) {
        munmap((void *)m->a, m->n);
    }
    free(m->zPath);
    memset(m, 0, sizeof(*m));
}

void
kqi_map_release(const kqi_map *m, size_t nUpto)
{
    size_t nPage = (size_t)sysconf(_SC_PAGESIZE);
    if (m->a && nUpto > m->n) {
        nUpto = m->n;
    }
    nUpto -= nUpto % nPage;
    if (m->a && nUpto > 0) {
        madvise((void *)m->a, nUpto, MADV_DONTNEED);
    }
}

int
kqi_fsync_dir(const char *zDir, char **pzErr)
{
    int fd = open(zDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return kqi_err(pzErr, KQ_IOERR, "%s: cannot open directory: %s", zDir,
                       strerror(errno));
    }
    int rc = KQ_OK;
    if (fsync(fd) != 0 && errno != EINVAL) {
        rc = kqi_err(pzErr, KQ_IOERR, "%s: fsync failed: %s", zDir,
                     strerror(errno));
    }
    close(fd);
    return rc;
}

void
kqi_header_write(kqi_wfile *f, u32 eType)
{
    u8 a[KQI_HEADER];
    memcpy(a, aMagic, 8);
    kqi_put_u32(a + 8, KQI_FORMAT_VERSION);
    kqi_put_u32(a + 12, eType);
    kqi_wfile_write(f, a, sizeof(a));
}

int
kqi_header_check(const kqi_map *m, u32 eType, char **pzErr)
{
    if (m->n < KQI_HEADER || memcmp(m->a, aMagic, 8) != 0) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: bad magic (not a kq index file)", m->zPath);
    }
    u32 v = kqi_get_u32(m->a + 8);
    if (v != KQI_FORMAT_VERSION) {
        /* The manifest's version is checked after its checksum (manifest.c)
        ** and decides: a segment file of another version than the
        ** manifest that names it is damaged, not old. */
        return kqi_err(pzErr,
                       eType == KQI_FT_MANIFEST ? KQ_FORMAT : KQ_CORRUPT,
                       "%s: format version %u (this kq reads version %u)",
                       m->zPath, v, KQI_FORMAT_VERSION);
    }
    if (kqi_get_u32(m->a + 12) != eType) {
        return kqi_err(pzErr, KQ_CORRUPT,
                       "%s: wrong file type %u (expected %u)", m->zPath,
                       kqi_get_u32(m->a + 12), eType);
    }
    return KQ_OK;
}
