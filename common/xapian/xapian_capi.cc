/*
** xapian_capi.cc -- the implementation of xapian_capi.h: the only C++ file
** in kq.  Every entry point catches everything, so no exception ever
** unwinds into C, and turns it into an rc with a message:
**
**   damage: DatabaseCorruptError, and the other DatabaseErrors a read
**     throws on a damaged database ("EOF reading block 2" for a truncated
**     table, DatabaseModifiedError for a block whose revision does not
**     match the version file's, once reopening shows no writer committed
**     meanwhile)                                            -> KQ_CORRUPT
**   DatabaseVersionError (damaged version bytes, or another Xapian's
**     database: glass has no checksum to tell)              -> KQ_FORMAT
**   DatabaseNotFoundError -> KQ_NOTFOUND, DatabaseLockError -> KQ_BUSY,
**   DatabaseOpeningError and DatabaseCreateError -> KQ_IOERR,
**   std::bad_alloc -> KQ_NOMEM, anything else -> KQ_XAPIAN.
** A local database is first opened in a child process (probe_open()):
** Xapian can crash opening one whose version file is damaged.
**
** Xapian's messages rarely name a file.  On damage, the tables of the
** local databases involved are checked as xapian-check does
** (Xapian::Database::check, time linear in their size, on this error path
** only; in a child process, as the checker itself can crash on damage) to
** find the damaged one, and the message starts with its path
** (DIR/postlist.glass; DIR/iamglass when every table fails, as they do
** when the version file they all read is damaged).
*/
#include "xapian_capi.h"

#include "kq.h"

#include <xapian.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>
#include <algorithm>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct kqx_wdb {
    Xapian::WritableDatabase db;
    Xapian::Document doc;
    std::vector<std::string> azPath; /* for damage messages */
};

struct kqx_db {
    Xapian::Database db;
    std::vector<std::string> azPath; /* local paths and tcp:// URLs */
};

struct kqx_query {
    Xapian::Query q;
};

struct kqx_mset {
    uint64_t nTotal;
    std::vector<uint32_t> aDoc;
    std::vector<double> aScore;
};

/* Copy a message into *pzErr (if wanted and not already set). */
static int
set_err(char **pzErr, int rc, const std::string &zMsg)
{
    if (pzErr && *pzErr == NULL) {
        *pzErr = static_cast<char *>(std::malloc(zMsg.size() + 1));
        if (*pzErr) {
            std::memcpy(*pzErr, zMsg.c_str(), zMsg.size() + 1);
        }
    }
    return rc;
}

/**************************************************************************
** Errors of the database entry points.
*/
static bool
is_file(const std::string &z)
{
    struct stat st;
    return stat(z.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/* The glass databases a path stands for: a glass directory, or a stub
** database (a file, or DIR/XAPIANDB) whose "auto PATH" lines name them
** (as kq-index --shards writes it); tcp:// URLs have no local files. */
static void
glass_dirs(const std::string &zPath, int nDepth,
           std::vector<std::string> &aOut)
{
    if (zPath.compare(0, 6, "tcp://") == 0) {
        return;
    }
    if (is_file(zPath + "/iamglass")) {
        aOut.push_back(zPath);
        return;
    }
    std::string zStub = is_file(zPath) ? zPath : zPath + "/XAPIANDB";
    std::ifstream in(zStub.c_str());
    if (nDepth > 1 || !in) {
        return;
    }
    std::string zBase = zStub.substr(0, zStub.rfind('/') + 1);
    std::string zLine;
    while (std::getline(in, zLine)) {
        if (zLine.compare(0, 5, "auto ") == 0) {
            std::string z = zLine.substr(5);
            glass_dirs(z[0] == '/' ? z : zBase + z, nDepth + 1, aOut);
        }
    }
}

/* Does a message of Xapian's about a table speak of what the version file
** holds for it (its root, free list, statistics)?  Then the version file
** is the damaged one. */
static bool
about_version_file(const std::string &zMsg)
{
    static const char *const az[] = {"Rev file", "root_info",
                                     "freelist metadata", "DB stats",
                                     "Couldn't read enough"};
    for (size_t i = 0; i < sizeof(az) / sizeof(az[0]); i++) {
        if (zMsg.find(az[i]) != std::string::npos) {
            return true;
        }
    }
    return false;
}

/* Run f in a child process, its output going nowhere: for the Xapian
** calls that can crash on a damaged database (the table checker reads out
** of bounds on some damage, and opening one with a damaged version file
** can crash), so that a crash tells of damage instead of taking kq down.
** f returns a CHILD_* code and may set a message, which comes back
** through a pipe; CHILD_CRASHED if the child did not exit normally (a
** signal, or a sanitizer's report and exit).  Fork failing: CHILD_OK
** (no diagnosis rather than a wrong one). */
enum { CHILD_OK, CHILD_BAD, CHILD_VERSION, CHILD_CRASHED };
#define CHILD_MSG_MAX 512 /* of the message the child sends back */

template <class F>
static int
in_child(F f, std::string *pzMsg)
{
    int aFd[2];
    if (pipe(aFd) != 0) {
        return CHILD_OK;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(aFd[0]);
        close(aFd[1]);
        return CHILD_OK;
    }
    if (pid == 0) {
        close(aFd[0]);
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        std::string zMsg;
        int e = f(zMsg);
        size_t n = zMsg.size() < CHILD_MSG_MAX ? zMsg.size() : CHILD_MSG_MAX;
        if (n && write(aFd[1], zMsg.data(), n) < 0) {
            e = CHILD_BAD;
        }
        _exit(e); /* (no exit handlers: they are the parent's) */
    }
    close(aFd[1]);
    char a[CHILD_MSG_MAX];
    size_t n = 0;
    while (n < sizeof(a)) {
        ssize_t k = read(aFd[0], a + n, sizeof(a) - n);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            break;
        }
        n += (size_t)k;
    }
    close(aFd[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) > CHILD_VERSION) {
        return CHILD_CRASHED;
    }
    if (pzMsg) {
        *pzMsg = std::string(a, n);
    }
    return WEXITSTATUS(st);
}

/* Check the table file z as xapian-check does (in a child: in_child()):
** CHILD_OK, or CHILD_BAD / CHILD_VERSION (the fault is in what the
** version file says of the table) with Xapian's message in *pzMsg. */
static int
check_table(const std::string &z, std::string *pzMsg)
{
    int e = in_child(
        [&](std::string &zMsg) -> int {
            try {
                std::ostringstream out; /* its report: not wanted */
                if (Xapian::Database::check(z, 0, &out) == 0) {
                    return CHILD_OK;
                }
                zMsg = "the table check reports errors";
                return CHILD_BAD;
            } catch (const Xapian::Error &x) {
                zMsg = x.get_description();
                return about_version_file(x.get_msg()) ? CHILD_VERSION
                                                       : CHILD_BAD;
            } catch (...) {
                zMsg = "the table check failed";
                return CHILD_BAD;
            }
        },
        pzMsg);
    if (e == CHILD_CRASHED) {
        *pzMsg = "Xapian's table check crashed on it";
        return CHILD_BAD;
    }
    return e;
}

/* The damaged file of the local databases azPath: the first table that
** Xapian::Database::check() finds fault with, or the version file if every
** table does or the fault is in what the version file says of the table;
** "" if none is found. */
static std::string
damaged_file(const std::vector<std::string> &azPath, std::string *pzMsg = NULL)
{
    static const char *const azTable[] = {"postlist", "docdata",  "termlist",
                                          "position", "spelling", "synonym"};
    std::vector<std::string> aDir;
    for (size_t i = 0; i < azPath.size(); i++) {
        glass_dirs(azPath[i], 0, aDir);
    }
    for (size_t i = 0; i < aDir.size(); i++) {
        std::string zFirst;
        int nTable = 0, nBad = 0;
        for (size_t t = 0; t < sizeof(azTable) / sizeof(azTable[0]); t++) {
            std::string z = aDir[i] + "/" + azTable[t] + ".glass";
            if (!is_file(z)) {
                continue;
            }
            nTable++;
            std::string zMsg;
            int e = check_table(z, &zMsg);
            bool bBad = e != CHILD_OK, bVersion = e == CHILD_VERSION;
            if (bBad && pzMsg && nBad == 0) {
                *pzMsg = zMsg;
            }
            if (bVersion) {
                return aDir[i] + "/iamglass";
            }
            if (bBad && nBad++ == 0) {
                zFirst = z;
            }
        }
        if (nBad > 0 && nBad == nTable) {
            return aDir[i] + "/iamglass";
        }
        if (nBad > 0) {
            return zFirst;
        }
    }
    return "";
}

/* Where a message about azPath starts: the damaged file if bFind and one
** is found (zElse if none is and there is one glass database: the table a
** kind of error points to), else the databases.  *pzNote gets what may be
** damaged instead of a table: the version file that says where its blocks
** are (a damaged root pointer looks like a damaged table). */
static std::string
where(const std::vector<std::string> *pPath, bool bFind, const char *zElse,
      std::string *pzNote)
{
    if (pPath == NULL || pPath->empty()) {
        return "";
    }
    std::string z = bFind ? damaged_file(*pPath) : "";
    if (z.empty() && bFind && zElse) {
        std::vector<std::string> aDir;
        for (size_t i = 0; i < pPath->size(); i++) {
            glass_dirs((*pPath)[i], 0, aDir);
        }
        if (aDir.size() == 1) {
            z = aDir[0] + "/" + zElse;
        }
    }
    if (pzNote && !z.empty() && z.compare(z.size() - 6, 6, ".glass") == 0) {
        *pzNote = ", or what " + z.substr(0, z.rfind('/') + 1) +
                  "iamglass says of that table";
    }
    if (z.empty()) {
        for (size_t i = 0; i < pPath->size(); i++) {
            z += (i ? ", " : "") + (*pPath)[i];
        }
    }
    return z + ": ";
}

/* The rc and message of the exception being handled, thrown by an entry
** point working on the databases *pPath (may be NULL).  Called only from
** a catch clause. */
static int
db_error(const std::vector<std::string> *pPath, char **pzErr)
{
    try {
        throw;
    } catch (const Xapian::DatabaseVersionError &e) {
        return set_err(pzErr, KQ_FORMAT,
                       where(pPath, true, NULL, NULL) +
                           "xapian: " + e.get_description() +
                           " (a damaged version file, or "
                           "a database of another Xapian version)");
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return set_err(pzErr, KQ_NOTFOUND, "xapian: " + e.get_description());
    } catch (const Xapian::DatabaseLockError &e) {
        return set_err(pzErr, KQ_BUSY, "xapian: " + e.get_description());
    } catch (const Xapian::DatabaseOpeningError &e) {
        return set_err(pzErr, KQ_IOERR, "xapian: " + e.get_description());
    } catch (const Xapian::DatabaseCreateError &e) {
        return set_err(pzErr, KQ_IOERR, "xapian: " + e.get_description());
    } catch (const Xapian::DatabaseClosedError &e) {
        return set_err(pzErr, KQ_MISUSE, "xapian: " + e.get_description());
    } catch (const Xapian::DatabaseError &e) {
        /* Corrupt, Modified (after db_call()'s retries), and the plain
        ** DatabaseErrors of reading a damaged table */
        std::string zNote;
        std::string z = where(pPath, true, NULL, &zNote);
        return set_err(pzErr, KQ_CORRUPT,
                       z + "xapian: " + e.get_description() +
                           " (the database is damaged: " + "this file" +
                           zNote + ")");
    } catch (const Xapian::DocNotFoundError &e) {
        /* kq asks only for documents a search or the id term gave it: one
        ** that is not there is damage, in glass in the postlist table,
        ** which holds the postings and the document lengths */
        std::string zNote;
        std::string z = where(pPath, true, "postlist.glass", &zNote);
        return set_err(pzErr, KQ_CORRUPT,
                       z + "xapian: " + e.get_description() +
                           " (the database is damaged: " + "this file" +
                           zNote + ")");
    } catch (const Xapian::Error &e) {
        return set_err(pzErr, KQ_XAPIAN, "xapian: " + e.get_description());
    } catch (const std::bad_alloc &) {
        return set_err(pzErr, KQ_NOMEM, "out of memory");
    } catch (const std::exception &e) {
        return set_err(pzErr, KQ_XAPIAN, std::string("xapian: ") + e.what());
    } catch (...) {
        return set_err(pzErr, KQ_XAPIAN, "xapian: unexpected exception");
    }
}

/* Run f() on the reader p.  DatabaseModifiedError means a writer committed
** a new revision while we read: reopen and retry, as Xapian advises.  When
** reopening finds no new revision (or still after 3 tries), the blocks
** disagree with the version file: damage (db_error()). */
template <class F>
static int
db_call(kqx_db *p, char **pzErr, F f)
{
    for (int nTry = 0;; nTry++) {
        try {
            return f();
        } catch (const Xapian::DatabaseModifiedError &) {
            bool bNew = false;
            try {
                bNew = nTry < 3 && p->db.reopen();
            } catch (...) {
                bNew = false;
            }
            if (!bNew) {
                return db_error(&p->azPath, pzErr);
            }
        } catch (const std::bad_alloc &) {
            return db_error(&p->azPath, pzErr);
        } catch (const std::exception &e) {
            /* Not one of Xapian's errors (those derive from Xapian::Error,
            ** not std::exception) but the library's own, such as the
            ** std::length_error a damaged position list can give: damage
            ** Xapian did not recognise as such, if the tables' check
            ** finds it. */
            int rc = db_error(&p->azPath, pzErr);
            char *zCheck = NULL;
            if (kqx_db_check(p, &zCheck) == KQ_CORRUPT) {
                if (pzErr) {
                    std::free(*pzErr);
                    *pzErr = zCheck;
                } else {
                    std::free(zCheck);
                }
                return KQ_CORRUPT;
            }
            std::free(zCheck);
            return rc;
        } catch (...) {
            return db_error(&p->azPath, pzErr);
        }
    }
}

/* The catch clauses of the entry points that touch no database. */
/* clang-format off */
#define KQX_CATCH(pzErr)                                                     \
    catch (const Xapian::DatabaseCorruptError &e) {                          \
        return set_err(pzErr, KQ_CORRUPT, "xapian: " + e.get_description()); \
    }                                                                        \
    catch (const Xapian::Error &e) {                                         \
        return set_err(pzErr, KQ_XAPIAN, "xapian: " + e.get_description());  \
    }                                                                        \
    catch (const std::bad_alloc &) {                                         \
        return set_err(pzErr, KQ_NOMEM, "out of memory");                    \
    }                                                                        \
    catch (...) {                                                            \
        return set_err(pzErr, KQ_XAPIAN, "xapian: unexpected exception");    \
    }
/* clang-format on */

static char *
copy_out(const std::string &s, size_t *pn)
{
    char *z = static_cast<char *>(std::malloc(s.size() + 1));
    if (z) {
        std::memcpy(z, s.data(), s.size());
        z[s.size()] = 0;
        if (pn) {
            *pn = s.size();
        }
    }
    return z;
}

/**************************************************************************
** Writing.
*/
extern "C" int
kqx_wdb_open(const char *zPath, kqx_wdb **ppOut, char **pzErr)
{
    *ppOut = NULL;
    std::vector<std::string> azPath;
    try {
        azPath.push_back(zPath);
        kqx_wdb *p = new kqx_wdb;
        try {
            p->azPath = azPath;
            p->db = Xapian::WritableDatabase(zPath, Xapian::DB_CREATE_OR_OPEN);
            /* Uncommitted work is discarded on close: a transaction. */
            p->db.begin_transaction(true);
        } catch (...) {
            delete p;
            throw;
        }
        *ppOut = p;
        return KQ_OK;
    } catch (...) {
        return db_error(&azPath, pzErr);
    }
}

extern "C" int
kqx_wdb_doc_begin(kqx_wdb *p, char **pzErr)
{
    try {
        p->doc = Xapian::Document();
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_wdb_doc_posting(kqx_wdb *p, const char *zTerm, size_t nTerm, uint32_t iPos,
                    uint32_t nWdf, char **pzErr)
{
    try {
        /* Xapian positions start at 1 by convention; kq's at 0. */
        p->doc.add_posting(std::string(zTerm, nTerm), iPos + 1, nWdf);
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_wdb_doc_field(kqx_wdb *p, const char *zTerm, size_t nTerm, uint32_t iPos,
                  char **pzErr)
{
    try {
        if (iPos == UINT32_MAX) {
            p->doc.add_term(std::string(zTerm, nTerm), 0);
        } else {
            p->doc.add_posting(std::string(zTerm, nTerm), iPos + 1, 0);
        }
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_wdb_doc_value(kqx_wdb *p, unsigned iSlot, const char *z, size_t n,
                  char **pzErr)
{
    try {
        p->doc.add_value(iSlot, std::string(z ? z : "", n));
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_wdb_doc_data(kqx_wdb *p, const char *z, size_t n, char **pzErr)
{
    try {
        p->doc.set_data(std::string(z ? z : "", n));
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_wdb_doc_add(kqx_wdb *p, const char *zUnique, size_t nUnique,
                uint32_t *piDoc, char **pzErr)
{
    try {
        /* Replaces the document holding the unique term, keeping its
        ** docid (and any other holding it is deleted), else adds. */
        Xapian::docid id = p->db.replace_document(
            std::string(zUnique, nUnique), p->doc);
        if (piDoc) {
            *piDoc = id;
        }
        p->doc = Xapian::Document();
        return KQ_OK;
    } catch (...) {
        return db_error(&p->azPath, pzErr);
    }
}

extern "C" int
kqx_wdb_delete(kqx_wdb *p, const char *zUnique, size_t nUnique,
               uint32_t *pnDel, char **pzErr)
{
    try {
        std::string t(zUnique, nUnique);
        /* A writable database reads its own uncommitted changes. */
        *pnDel = p->db.get_termfreq(t);
        if (*pnDel) {
            p->db.delete_document(t);
        }
        return KQ_OK;
    } catch (...) {
        return db_error(&p->azPath, pzErr);
    }
}

extern "C" int
kqx_wdb_set_metadata(kqx_wdb *p, const char *zKey, size_t nKey,
                     const char *zVal, size_t nVal, char **pzErr)
{
    try {
        p->db.set_metadata(std::string(zKey, nKey), std::string(zVal, nVal));
        return KQ_OK;
    } catch (...) {
        return db_error(&p->azPath, pzErr);
    }
}

extern "C" int
kqx_wdb_get_metadata(kqx_wdb *p, const char *zKey, char **pzVal, char **pzErr)
{
    *pzVal = NULL;
    try {
        *pzVal = copy_out(p->db.get_metadata(zKey), NULL);
        return *pzVal ? KQ_OK : KQ_NOMEM;
    } catch (...) {
        return db_error(&p->azPath, pzErr);
    }
}

extern "C" int
kqx_wdb_commit(kqx_wdb *p, char **pzErr)
{
    try {
        p->db.commit_transaction();
        p->db.begin_transaction(true);
        return KQ_OK;
    } catch (...) {
        return db_error(&p->azPath, pzErr);
    }
}

extern "C" void
kqx_wdb_close(kqx_wdb *p)
{
    if (p == NULL) {
        return;
    }
    try {
        p->db.cancel_transaction();
        p->db.close();
    } catch (...) {
        /* Closing cannot report; uncommitted work is gone either way. */
    }
    delete p;
}

/**************************************************************************
** Reading.
*/
/* Opening a glass database whose version file is damaged can crash
** Xapian (1.4): open zPath in a child first (in_child()), and throw
** DatabaseCorruptError if that crashes.  Its other errors are left to the
** real open. */
static void
probe_open(const std::string &zPath)
{
    int e = in_child(
        [&](std::string &) -> int {
            try {
                Xapian::Database db(zPath);
            } catch (...) {
            }
            return CHILD_OK;
        },
        NULL);
    if (e == CHILD_CRASHED) {
        throw Xapian::DatabaseCorruptError("opening the database crashed "
                                           "Xapian (in a child process)");
    }
}

extern "C" int
kqx_db_open(const char *const *azPath, int nPath, kqx_db **ppOut, char **pzErr)
{
    *ppOut = NULL;
    std::vector<std::string> azAll;
    try {
        for (int i = 0; i < nPath; i++) {
            azAll.push_back(azPath[i]);
        }
        kqx_db *p = new kqx_db;
        try {
            p->azPath = azAll;
            for (int i = 0; i < nPath; i++) {
                std::string z(azPath[i]);
                if (z.compare(0, 6, "tcp://") == 0) {
                    /* tcp://HOST:PORT or tcp://[IPv6]:PORT, checked by
                    ** kqi_xindex_open() (xbackend.c): only split here. */
                    std::string hp = z.substr(6);
                    size_t iColon = hp.rfind(':');
                    if (iColon == std::string::npos) {
                        throw Xapian::InvalidArgumentError(
                            z + ": expected tcp://HOST:PORT");
                    }
                    std::string host = hp.substr(0, iColon);
                    if (host.size() >= 2 && host[0] == '[') {
                        host = host.substr(1, host.size() - 2);
                    }
                    unsigned port = static_cast<unsigned>(
                        std::strtoul(hp.c_str() + iColon + 1, NULL, 10));
                    p->db.add_database(Xapian::Remote::open(host, port));
                } else {
                    probe_open(z);
                    p->db.add_database(Xapian::Database(z));
                }
            }
        } catch (...) {
            delete p;
            throw;
        }
        *ppOut = p;
        return KQ_OK;
    } catch (...) {
        return db_error(&azAll, pzErr);
    }
}

extern "C" int
kqx_db_check(kqx_db *p, char **pzErr)
{
    try {
        std::string zMsg;
        std::string z = damaged_file(p->azPath, &zMsg);
        if (z.empty()) {
            return KQ_OK;
        }
        return set_err(pzErr, KQ_CORRUPT,
                       z + ": xapian: " + zMsg + " (the database is damaged)");
    } catch (...) {
        return db_error(NULL, pzErr);
    }
}

extern "C" void
kqx_db_close(kqx_db *p)
{
    delete p;
}

extern "C" int
kqx_db_stats(kqx_db *p, uint64_t *pnDoc, double *pAvgLen, char **pzErr)
{
    return db_call(p, pzErr, [&]() -> int {
        *pnDoc = p->db.get_doccount();
        *pAvgLen = p->db.get_avlength();
        return (int)KQ_OK;
    });
}

extern "C" int
kqx_db_get_metadata(kqx_db *p, const char *zKey, char **pzVal, char **pzErr)
{
    *pzVal = NULL;
    return db_call(p, pzErr, [&]() -> int {
        std::string v = p->db.get_metadata(zKey);
        *pzVal = copy_out(v, NULL);
        return *pzVal ? (int)KQ_OK : (int)KQ_NOMEM;
    });
}

extern "C" int
kqx_db_metadata_scan(
    kqx_db *p, const char *zPrefix, size_t nPrefix, void *pCtx,
    int (*x)(void *, const char *, size_t, const char *, size_t), char **pzErr)
{
    /* (A retry after a new revision starts the scan again: x may see a
    ** key twice, which kq's callers -- collecting, then de-duplicating --
    ** allow.) */
    return db_call(p, pzErr, [&]() -> int {
        std::string prefix(zPrefix, nPrefix);
        for (Xapian::TermIterator it = p->db.metadata_keys_begin(prefix);
             it != p->db.metadata_keys_end(prefix); ++it) {
            std::string key = *it;
            std::string val = p->db.get_metadata(key);
            int rc = x(pCtx, key.data(), key.size(), val.data(), val.size());
            if (rc) {
                return rc;
            }
        }
        return (int)KQ_OK;
    });
}

extern "C" int
kqx_db_terms_scan(kqx_db *p, const char *zPrefix, size_t nPrefix, void *pCtx,
                  int (*x)(void *, const char *, size_t), char **pzErr)
{
    return db_call(p, pzErr, [&]() -> int {
        std::string prefix(zPrefix, nPrefix);
        for (Xapian::TermIterator it = p->db.allterms_begin(prefix);
             it != p->db.allterms_end(prefix); ++it) {
            std::string t = *it;
            int rc = x(pCtx, t.data(), t.size());
            if (rc) {
                return rc;
            }
        }
        return (int)KQ_OK;
    });
}

extern "C" int
kqx_db_term_freq(kqx_db *p, const char *z, size_t n, uint64_t *pnDoc,
                 uint64_t *pnOcc, char **pzErr)
{
    *pnDoc = *pnOcc = 0;
    return db_call(p, pzErr, [&]() -> int {
        std::string t(z, n);
        *pnDoc = p->db.get_termfreq(t);
        /* Not the collection frequency: a title word's wdf is the title
        ** weight, and field terms have none. */
        uint64_t nOcc = 0;
        for (Xapian::PostingIterator it = p->db.postlist_begin(t);
             it != p->db.postlist_end(t); ++it) {
            uint64_t nPos = 0;
            for (Xapian::PositionIterator i = it.positionlist_begin();
                 i != it.positionlist_end(); ++i) {
                nPos++;
            }
            nOcc += nPos ? nPos : 1;
        }
        *pnOcc = nOcc;
        return (int)KQ_OK;
    });
}

extern "C" int
kqx_db_each_doc(kqx_db *p, void *pCtx, int (*x)(void *, uint32_t),
                uint32_t *piLast, char **pzErr)
{
    return db_call(p, pzErr, [&]() -> int {
        if (piLast) {
            *piLast = p->db.get_lastdocid();
        }
        for (Xapian::PostingIterator it = p->db.postlist_begin("");
             x && it != p->db.postlist_end(""); ++it) {
            int rc = x(pCtx, *it);
            if (rc) {
                return rc;
            }
        }
        return (int)KQ_OK;
    });
}

extern "C" int
kqx_db_doc_length(kqx_db *p, uint32_t iDoc, uint64_t *pnLen, char **pzErr)
{
    *pnLen = 0;
    return db_call(p, pzErr, [&]() -> int {
        *pnLen = p->db.get_doclength(iDoc);
        return (int)KQ_OK;
    });
}

extern "C" int
kqx_db_doc_freq(kqx_db *p, const char *z, size_t n, uint64_t *pnDf,
                char **pzErr)
{
    *pnDf = 0;
    return db_call(p, pzErr, [&]() -> int {
        *pnDf = p->db.get_termfreq(std::string(z, n));
        return (int)KQ_OK;
    });
}

extern "C" int
kqx_db_postings(kqx_db *p, const char *z, size_t n, void *pCtx,
                int (*x)(void *, uint32_t, uint32_t), char **pzErr)
{
    /* (A retry after a new revision walks again: x may see a posting
    ** twice, as kqx_db_metadata_scan's callers may a key.) */
    return db_call(p, pzErr, [&]() -> int {
        std::string t(z, n);
        for (Xapian::PostingIterator it = p->db.postlist_begin(t);
             it != p->db.postlist_end(t); ++it) {
            int rc = x(pCtx, *it, it.get_wdf());
            if (rc) {
                return rc;
            }
        }
        return (int)KQ_OK;
    });
}

extern "C" int
kqx_db_value(kqx_db *p, uint32_t iDoc, unsigned iSlot, char **pz, size_t *pn,
             char **pzErr)
{
    *pz = NULL;
    return db_call(p, pzErr, [&]() -> int {
        std::string v = p->db.get_document(iDoc).get_value(iSlot);
        *pz = copy_out(v, pn);
        return *pz ? (int)KQ_OK : (int)KQ_NOMEM;
    });
}

extern "C" int
kqx_db_values(kqx_db *p, uint32_t iDoc, const unsigned *aSlot, int nSlot,
              char **az, size_t *an, char **pzErr)
{
    for (int i = 0; i < nSlot; i++) {
        az[i] = NULL;
    }
    int rc = db_call(p, pzErr, [&]() -> int {
        /* One document fetched: over tcp://, one round trip for all. */
        Xapian::Document d = p->db.get_document(iDoc);
        for (int i = 0; i < nSlot; i++) {
            std::free(az[i]); /* (a retry after a new revision) */
            az[i] = copy_out(d.get_value(aSlot[i]), &an[i]);
            if (az[i] == NULL) {
                return (int)KQ_NOMEM;
            }
        }
        return (int)KQ_OK;
    });
    if (rc) {
        for (int i = 0; i < nSlot; i++) {
            std::free(az[i]);
            az[i] = NULL;
        }
    }
    return rc;
}

extern "C" int
kqx_db_value_counts(kqx_db *p, unsigned iSlot, void *pCtx,
                    int (*x)(void *, const char *, size_t, uint64_t),
                    char **pzErr)
{
    return db_call(p, pzErr, [&]() -> int {
        /* Every document matched, none ranked: the spy counts inside each
        ** database (remote ones too) and the counts come back merged. */
        Xapian::Enquire enq(p->db);
        enq.set_query(Xapian::Query::MatchAll);
        Xapian::ValueCountMatchSpy spy(iSlot);
        enq.add_matchspy(&spy);
        enq.get_mset(0, 0, p->db.get_doccount());
        for (Xapian::TermIterator it = spy.values_begin();
             it != spy.values_end(); ++it) {
            std::string v = *it;
            int rc = x(pCtx, v.data(), v.size(), it.get_termfreq());
            if (rc) {
                return rc;
            }
        }
        return (int)KQ_OK;
    });
}

extern "C" int
kqx_db_data(kqx_db *p, uint32_t iDoc, char **pz, size_t *pn, char **pzErr)
{
    *pz = NULL;
    return db_call(p, pzErr, [&]() -> int {
        std::string v = p->db.get_document(iDoc).get_data();
        *pz = copy_out(v, pn);
        return *pz ? (int)KQ_OK : (int)KQ_NOMEM;
    });
}

extern "C" int
kqx_db_positions(kqx_db *p, uint32_t iDoc, const char *z, size_t n,
                 uint32_t **paPos, uint32_t *pnPos, char **pzErr)
{
    *paPos = NULL;
    *pnPos = 0;
    return db_call(p, pzErr, [&]() -> int {
        std::string t(z, n);
        std::vector<uint32_t> v;
        for (Xapian::PositionIterator it = p->db.positionlist_begin(iDoc, t);
             it != p->db.positionlist_end(iDoc, t); ++it) {
            v.push_back(*it);
        }
        if (v.empty()) {
            return (int)KQ_OK;
        }
        uint32_t *a = (uint32_t *)malloc(v.size() * sizeof(uint32_t));
        if (a == NULL) {
            return (int)KQ_NOMEM;
        }
        std::copy(v.begin(), v.end(), a);
        *paPos = a;
        *pnPos = (uint32_t)v.size();
        return (int)KQ_OK;
    });
}

/**************************************************************************
** Queries.
*/
static int
query_new(const Xapian::Query &q, kqx_query **ppOut)
{
    *ppOut = new kqx_query;
    (*ppOut)->q = q;
    return KQ_OK;
}

extern "C" int
kqx_query_term(const char *z, size_t n, kqx_query **ppOut, char **pzErr)
{
    *ppOut = NULL;
    try {
        return query_new(Xapian::Query(std::string(z, n)), ppOut);
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_query_all(kqx_query **ppOut, char **pzErr)
{
    *ppOut = NULL;
    try {
        return query_new(Xapian::Query::MatchAll, ppOut);
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_query_nothing(kqx_query **ppOut, char **pzErr)
{
    *ppOut = NULL;
    try {
        return query_new(Xapian::Query::MatchNothing, ppOut);
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_query_combine(int eOp, kqx_query *const *apSub, int nSub,
                  kqx_query **ppOut, char **pzErr)
{
    *ppOut = NULL;
    try {
        std::vector<Xapian::Query> v;
        for (int i = 0; i < nSub; i++) {
            v.push_back(apSub[i]->q);
        }
        switch (eOp) {
        case KQX_AND:
            return query_new(
                Xapian::Query(Xapian::Query::OP_AND, v.begin(), v.end()),
                ppOut);
        case KQX_OR:
            return query_new(
                Xapian::Query(Xapian::Query::OP_OR, v.begin(), v.end()),
                ppOut);
        case KQX_AND_NOT:
            if (v.empty()) {
                return set_err(pzErr, KQ_MISUSE, "AND_NOT needs an operand");
            }
            if (v.size() == 1) {
                return query_new(v[0], ppOut);
            }
            return query_new(
                Xapian::Query(Xapian::Query::OP_AND_NOT, v[0],
                              Xapian::Query(Xapian::Query::OP_OR,
                                            v.begin() + 1, v.end())),
                ppOut);
        case KQX_AND_MAYBE:
            if (v.size() < 2) {
                return set_err(pzErr, KQ_MISUSE, "AND_MAYBE needs operands");
            }
            return query_new(
                Xapian::Query(Xapian::Query::OP_AND_MAYBE, v[0],
                              Xapian::Query(Xapian::Query::OP_OR,
                                            v.begin() + 1, v.end())),
                ppOut);
        case KQX_PHRASE:
            return query_new(Xapian::Query(Xapian::Query::OP_PHRASE, v.begin(),
                                           v.end(), v.size()),
                             ppOut);
        default:
            return set_err(pzErr, KQ_MISUSE,
                           "kqx_query_combine: bad operator");
        }
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_query_combine_ex(int eOp, double param, kqx_query *const *apSub, int nSub,
                     kqx_query **ppOut, char **pzErr)
{
    *ppOut = NULL;
    try {
        std::vector<Xapian::Query> v;
        for (int i = 0; i < nSub; i++) {
            v.push_back(apSub[i]->q);
        }
        switch (eOp) {
        case KQX_NEAR:
        case KQX_ADJ:
            return query_new(
                Xapian::Query(eOp == KQX_NEAR ? Xapian::Query::OP_NEAR
                                              : Xapian::Query::OP_PHRASE,
                              v.begin(), v.end(), (Xapian::termcount)param),
                ppOut);
        case KQX_SCALE:
            if (v.size() != 1) {
                return set_err(pzErr, KQ_MISUSE, "SCALE takes one operand");
            }
            return query_new(
                Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, v[0], param),
                ppOut);
        default:
            return set_err(pzErr, KQ_MISUSE,
                           "kqx_query_combine_ex: bad operator");
        }
    }
    KQX_CATCH(pzErr)
}

extern "C" void
kqx_query_free(kqx_query *p)
{
    delete p;
}

extern "C" int
kqx_query_describe(const kqx_query *p, char **pz, char **pzErr)
{
    *pz = NULL;
    try {
        *pz = copy_out(p->q.get_description(), NULL);
        return *pz ? KQ_OK : KQ_NOMEM;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_search(kqx_db *p, const kqx_query *q, double k1, double b, size_t nOffset,
           size_t nLimit, kqx_mset **ppOut, char **pzErr)
{
    *ppOut = NULL;
    return db_call(p, pzErr, [&]() -> int {
        Xapian::Enquire enq(p->db);
        enq.set_query(q->q);
        enq.set_weighting_scheme(Xapian::BM25Weight(k1, 0, 0, b, 0));
        enq.set_docid_order(Xapian::Enquire::ASCENDING);
        /* checkatleast = the whole collection: the count is exact. */
        Xapian::doccount nAll = p->db.get_doccount();
        Xapian::MSet m = enq.get_mset(static_cast<Xapian::doccount>(nOffset),
                                      static_cast<Xapian::doccount>(nLimit),
                                      nAll);
        kqx_mset *r = new kqx_mset;
        try {
            r->nTotal = m.get_matches_estimated();
            for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
                r->aDoc.push_back(*it);
                r->aScore.push_back(it.get_weight());
            }
        } catch (...) {
            delete r;
            throw;
        }
        *ppOut = r;
        return (int)KQ_OK;
    });
}

extern "C" uint64_t
kqx_mset_total(const kqx_mset *m)
{
    return m->nTotal;
}

extern "C" size_t
kqx_mset_size(const kqx_mset *m)
{
    return m->aDoc.size();
}

extern "C" uint32_t
kqx_mset_docid(const kqx_mset *m, size_t i)
{
    return m->aDoc[i];
}

extern "C" double
kqx_mset_score(const kqx_mset *m, size_t i)
{
    return m->aScore[i];
}

extern "C" void
kqx_mset_free(kqx_mset *m)
{
    delete m;
}

/**************************************************************************
** The one symbol the plugin exports (everything else is hidden: built with
** -fvisibility=hidden), read by xapian_load.c.
*/
extern "C" __attribute__((visibility("default")))
const kqx_api kqx_plugin_api = {KQX_API_VERSION,
#define KQX_X_INT(name, params, args) kqx_##name,
#define KQX_X_FREE(name, type) kqx_##name,
#define KQX_X_OTHER(ret, name, params, args) kqx_##name,
                                KQX_INT_FUNCS(KQX_X_INT)
                                    KQX_FREE_FUNCS(KQX_X_FREE)
                                        KQX_OTHER_FUNCS(KQX_X_OTHER)
#undef KQX_X_INT
#undef KQX_X_FREE
#undef KQX_X_OTHER
};
