# Raise the format version of the legacy index (tests/data/hostile-ids/idx) in
# every file header and recompute the CRC32s the manifest holds.  Only for
# format changes that leave this index's content as it is (its words are
# ASCII): version 5 (issue 17) and 7 (issue 21) changed only the analysis
# of other scripts.
#     python3 tests/data/hostile-ids/bump-version.py tests/data/hostile-ids/idx [VERSION]
import struct, zlib, sys, os
d=sys.argv[1]
VERSION=int(sys.argv[2]) if len(sys.argv) > 2 else 5
def patch(path):
    b=bytearray(open(path,'rb').read()); b[8:12]=struct.pack('<I',VERSION); open(path,'wb').write(b); return b
m=patch(os.path.join(d,'kq.manifest'))
o=16+8
nl=struct.unpack_from('<I',m,o)[0]; o+=4+nl+4
nseg=struct.unpack_from('<I',m,o)[0]; o+=4
for s in range(nseg):
    N=struct.unpack_from('<I',m,o)[0]; o+=4+4+8+8
    for ext in ['dict','post','pos','docs','store']:
        p=os.path.join(d,'seg%06d.%s'%(N,ext))
        b=patch(p)
        assert struct.unpack_from('<Q',m,o)[0]==len(b)
        struct.pack_into('<I',m,o+8,zlib.crc32(b)); o+=12
    G=struct.unpack_from('<Q',m,o)[0]; o+=8+4+8+8+4
    assert G==0
struct.pack_into('<I',m,len(m)-4,zlib.crc32(bytes(m[:-4])))
open(os.path.join(d,'kq.manifest'),'wb').write(m)
