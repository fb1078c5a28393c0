# Bring the legacy index (tests/data/hostile-ids/idx) from format 5 to 6:
# version 6 (issue 19) added sig[nDoc], each document's SimHash signature,
# after doclen[] in .docs (common/format/doctab.c).  This inserts the
# signatures, computed from the stored bodies by the independent
# tests/oracle/simhash.py (the bodies are ASCII), fixes the trailer and the
# chunk checksums, raises the version in every file header and rewrites
# the sizes and CRC32s the manifest holds.  `kq check` then verifies it.
#     python3 tests/data/hostile-ids/upgrade-v6.py tests/data/hostile-ids/idx
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "oracle"))
import simhash  # noqa: E402

d = sys.argv[1]
VERSION = 6
CHUNK = 1024


def varint(b, o):
    v = s = 0
    while True:
        c = b[o]
        o += 1
        v |= (c & 0x7f) << s
        s += 7
        if c < 0x80:
            return v, o


def store_blocks(b):
    nblk, idir = struct.unpack_from('<QQ', b, len(b) - 16)
    out = []
    for k in range(nblk):
        off = struct.unpack_from('<Q', b, idir + 8 * k)[0]
        codec, nraw, crc, nst = struct.unpack_from('<BIII', b, off)
        raw = b[off + 13:off + 13 + nst]
        out.append(zlib.decompress(raw) if codec == 1 else bytes(raw))
    return out


def upgrade_docs(pdocs, pstore):
    b = bytearray(open(pdocs, 'rb').read())
    blocks = store_blocks(open(pstore, 'rb').read())
    t = len(b) - 44
    ndoc, ilen, ioffs, ichunk, iids = struct.unpack_from('<QQQQQ', b, t)
    assert ioffs == ilen + 4 * ndoc, 'not format 5'
    offs = [struct.unpack_from('<Q', b, ioffs + 8 * i)[0]
            for i in range(ndoc + 1)]
    sigs = []
    for i in range(ndoc):
        o = offs[i]
        for _ in range(4):  # id, title, date, source
            n, o = varint(b, o)
            o += n
        blk, o = varint(b, o)
        off, o = varint(b, o)
        n, o = varint(b, o)
        body = blocks[blk][off:off + n].decode('utf-8')
        sigs.append(simhash.signature(body))
    lens = bytes(b[ilen:ioffs])
    sig = b''.join(struct.pack('<Q', s) for s in sigs)
    offarr = bytes(b[ioffs:ichunk])
    nchunk = ndoc // CHUNK + 1
    crcs = b''
    for c in range(nchunk):
        i0 = c * CHUNK
        nl = min(ndoc - i0, CHUNK)
        no = min(ndoc + 1 - i0, CHUNK)
        crc = zlib.crc32(lens[4 * i0:4 * (i0 + nl)])
        crc = zlib.crc32(sig[8 * i0:8 * (i0 + nl)], crc)
        crc = zlib.crc32(offarr[8 * i0:8 * (i0 + no)], crc)
        crcs += struct.pack('<I', crc)
    ids = bytes(b[iids:t])
    out = bytearray(b[:ilen]) + lens + sig + offarr
    nioffs = ilen + 12 * ndoc
    nichunk = len(out)
    out += crcs
    niids = len(out)
    out += ids
    tr = struct.pack('<QQQQQ', ndoc, ilen, nioffs, nichunk, niids)
    out += tr + struct.pack('<I', zlib.crc32(tr))
    open(pdocs, 'wb').write(out)


def patch(path):
    b = bytearray(open(path, 'rb').read())
    b[8:12] = struct.pack('<I', VERSION)
    open(path, 'wb').write(b)
    return b


m = patch(os.path.join(d, 'kq.manifest'))
o = 16 + 8
nl = struct.unpack_from('<I', m, o)[0]
o += 4 + nl + 4
nseg = struct.unpack_from('<I', m, o)[0]
o += 4
for s in range(nseg):
    N = struct.unpack_from('<I', m, o)[0]
    o += 4 + 4 + 8 + 8
    upgrade_docs(os.path.join(d, 'seg%06d.docs' % N),
                 os.path.join(d, 'seg%06d.store' % N))
    for ext in ['dict', 'post', 'pos', 'docs', 'store']:
        b = patch(os.path.join(d, 'seg%06d.%s' % (N, ext)))
        struct.pack_into('<QI', m, o, len(b), zlib.crc32(b))
        o += 12
    G = struct.unpack_from('<Q', m, o)[0]
    o += 8 + 4 + 8 + 8 + 4
    assert G == 0
struct.pack_into('<I', m, len(m) - 4, zlib.crc32(bytes(m[:-4])))
open(os.path.join(d, 'kq.manifest'), 'wb').write(m)
