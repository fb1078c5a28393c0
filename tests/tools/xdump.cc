/*
** xdump.cc -- print everything a Xapian database holds, document by
** document, in a stable text form: the tests compare databases with it
** (tests/cli/shards.bats: a -j 2 build against -j 1, a --shard K/N build
** against shard K of --shards N).  It reads through Xapian's own API, not
** kq's, so it is a witness apart from the code it checks.
**
** usage: xdump DATABASE
**   meta KEY VALUE                     every metadata key, in key order
**   doc DOCID len LENGTH               every document, in docid order,
**   data BYTES                         then its data, values and terms
**   value SLOT BYTES
**   term TERM wdf N pos P1,P2,...
** Bytes outside printable ASCII and space (and backslash) are written
** \xHH.
*/
#include <xapian.h>

#include <cstdio>
#include <string>

static std::string
esc(const std::string &s)
{
    std::string out;
    char a[8];
    for (unsigned char c : s) {
        if (c < 0x20 || c > 0x7e || c == '\\') {
            std::snprintf(a, sizeof(a), "\\x%02x", c);
            out += a;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: xdump DATABASE\n");
        return 2;
    }
    try {
        Xapian::Database db(argv[1]);
        for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end();
             ++k) {
            std::printf("meta %s %s\n", esc(*k).c_str(),
                        esc(db.get_metadata(*k)).c_str());
        }
        for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
            Xapian::docid id = *d;
            Xapian::Document doc = db.get_document(id);
            std::printf("doc %u len %u\n", id,
                        static_cast<unsigned>(db.get_doclength(id)));
            std::printf("data %s\n", esc(doc.get_data()).c_str());
            for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
                std::printf("value %u %s\n", v.get_valueno(),
                            esc(*v).c_str());
            }
            for (auto t = doc.termlist_begin(); t != doc.termlist_end();
                 ++t) {
                std::string pos;
                for (auto p = t.positionlist_begin();
                     p != t.positionlist_end(); ++p) {
                    if (!pos.empty()) {
                        pos += ',';
                    }
                    pos += std::to_string(*p);
                }
                std::printf("term %s wdf %u pos %s\n", esc(*t).c_str(),
                            t.get_wdf(), pos.c_str());
            }
        }
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xdump: %s: %s\n", argv[1],
                     e.get_description().c_str());
        return 1;
    }
    return 0;
}
