/*
** xapian_capi.cc -- the implementation of xapian_capi.h: the only C++ file
** in kq.  Every entry point catches Xapian::Error and std::bad_alloc (and
** anything else) and turns them into KQ_XAPIAN / KQ_NOMEM with a message,
** so no exception ever unwinds into C.
*/
#include "xapian_capi.h"

#include "kq.h"

#include <xapian.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

struct kqx_wdb {
    Xapian::WritableDatabase db;
    Xapian::Document doc;
};

struct kqx_db {
    Xapian::Database db;
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

/* The catch clauses every entry point ends with. */
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
    try {
        kqx_wdb *p = new kqx_wdb;
        try {
            p->db = Xapian::WritableDatabase(zPath, Xapian::DB_CREATE_OR_OPEN);
            /* Uncommitted work is discarded on close: a transaction. */
            p->db.begin_transaction(true);
        } catch (...) {
            delete p;
            throw;
        }
        *ppOut = p;
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
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
kqx_wdb_doc_add(kqx_wdb *p, uint32_t *piDoc, char **pzErr)
{
    try {
        Xapian::docid id = p->db.add_document(p->doc);
        if (piDoc) {
            *piDoc = id;
        }
        p->doc = Xapian::Document();
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_wdb_set_metadata(kqx_wdb *p, const char *zKey, size_t nKey,
                     const char *zVal, size_t nVal, char **pzErr)
{
    try {
        p->db.set_metadata(std::string(zKey, nKey), std::string(zVal, nVal));
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_wdb_get_metadata(kqx_wdb *p, const char *zKey, char **pzVal, char **pzErr)
{
    *pzVal = NULL;
    try {
        *pzVal = copy_out(p->db.get_metadata(zKey), NULL);
        return *pzVal ? KQ_OK : KQ_NOMEM;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_wdb_commit(kqx_wdb *p, char **pzErr)
{
    try {
        p->db.commit_transaction();
        p->db.begin_transaction(true);
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
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
extern "C" int
kqx_db_open(const char *const *azPath, int nPath, kqx_db **ppOut,
            char **pzErr)
{
    *ppOut = NULL;
    try {
        kqx_db *p = new kqx_db;
        try {
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
                    p->db.add_database(Xapian::Database(z));
                }
            }
        } catch (...) {
            delete p;
            throw;
        }
        *ppOut = p;
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" void
kqx_db_close(kqx_db *p)
{
    delete p;
}

extern "C" int
kqx_db_stats(kqx_db *p, uint64_t *pnDoc, double *pAvgLen, char **pzErr)
{
    try {
        *pnDoc = p->db.get_doccount();
        *pAvgLen = p->db.get_avlength();
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_db_get_metadata(kqx_db *p, const char *zKey, char **pzVal, char **pzErr)
{
    *pzVal = NULL;
    try {
        *pzVal = copy_out(p->db.get_metadata(zKey), NULL);
        return *pzVal ? KQ_OK : KQ_NOMEM;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_db_metadata_scan(kqx_db *p, const char *zPrefix, size_t nPrefix,
                     void *pCtx,
                     int (*x)(void *, const char *, size_t, const char *,
                              size_t),
                     char **pzErr)
{
    try {
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
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_db_terms_scan(kqx_db *p, const char *zPrefix, size_t nPrefix, void *pCtx,
                  int (*x)(void *, const char *, size_t), char **pzErr)
{
    try {
        std::string prefix(zPrefix, nPrefix);
        for (Xapian::TermIterator it = p->db.allterms_begin(prefix);
             it != p->db.allterms_end(prefix); ++it) {
            std::string t = *it;
            int rc = x(pCtx, t.data(), t.size());
            if (rc) {
                return rc;
            }
        }
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_db_value(kqx_db *p, uint32_t iDoc, unsigned iSlot, char **pz, size_t *pn,
             char **pzErr)
{
    *pz = NULL;
    try {
        *pz = copy_out(p->db.get_document(iDoc).get_value(iSlot), pn);
        return *pz ? KQ_OK : KQ_NOMEM;
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_db_data(kqx_db *p, uint32_t iDoc, char **pz, size_t *pn, char **pzErr)
{
    *pz = NULL;
    try {
        *pz = copy_out(p->db.get_document(iDoc).get_data(), pn);
        return *pz ? KQ_OK : KQ_NOMEM;
    }
    KQX_CATCH(pzErr)
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
            return query_new(Xapian::Query(Xapian::Query::OP_AND, v.begin(),
                                           v.end()), ppOut);
        case KQX_OR:
            return query_new(Xapian::Query(Xapian::Query::OP_OR, v.begin(),
                                           v.end()), ppOut);
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
        case KQX_PHRASE:
            return query_new(Xapian::Query(Xapian::Query::OP_PHRASE,
                                           v.begin(), v.end(), v.size()),
                             ppOut);
        default:
            return set_err(pzErr, KQ_MISUSE, "kqx_query_combine: bad operator");
        }
    }
    KQX_CATCH(pzErr)
}

extern "C" int
kqx_query_combine_ex(int eOp, double param, kqx_query *const *apSub,
                     int nSub, kqx_query **ppOut, char **pzErr)
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
            return query_new(Xapian::Query(eOp == KQX_NEAR
                                               ? Xapian::Query::OP_NEAR
                                               : Xapian::Query::OP_PHRASE,
                                           v.begin(), v.end(),
                                           (Xapian::termcount)param),
                             ppOut);
        case KQX_SCALE:
            if (v.size() != 1) {
                return set_err(pzErr, KQ_MISUSE, "SCALE takes one operand");
            }
            return query_new(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                           v[0], param), ppOut);
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
kqx_search(kqx_db *p, const kqx_query *q, double k1, double b,
           size_t nOffset, size_t nLimit, kqx_mset **ppOut, char **pzErr)
{
    *ppOut = NULL;
    try {
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
        r->nTotal = m.get_matches_estimated();
        for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
            r->aDoc.push_back(*it);
            r->aScore.push_back(it.get_weight());
        }
        *ppOut = r;
        return KQ_OK;
    }
    KQX_CATCH(pzErr)
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
extern "C" __attribute__((visibility("default"))) const kqx_api kqx_plugin_api = {
    KQX_API_VERSION,
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
