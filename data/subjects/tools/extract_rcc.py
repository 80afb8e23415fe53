"""Extract a Qt binary resource file (.rcc) into a folder (Qt's documented rcc layout, versions 1-3)."""
import struct, sys, zlib, os
def extract(path, out):
    b = open(path, 'rb').read()
    assert b[:4] == b'qres', 'not an rcc file'
    version, tree, data, names = struct.unpack('>IIII', b[4:20])
    node_size = 14 if version == 1 else 22
    def name(off):
        n, = struct.unpack('>H', b[names+off:names+off+2])
        return b[names+off+6:names+off+6+2*n].decode('utf-16-be')
    def walk(i, prefix):
        p = tree + i*node_size
        name_off, flags = struct.unpack('>IH', b[p:p+6])
        nm = name(name_off) if i else ''
        full = os.path.join(prefix, nm)
        if flags & 2:
            count, first = struct.unpack('>II', b[p+6:p+14])
            for c in range(first, first+count): walk(c, full)
        else:
            doff, = struct.unpack('>I', b[p+10:p+14])
            q = data + doff
            size, = struct.unpack('>I', b[q:q+4]); blob = b[q+4:q+4+size]
            if flags & 1: blob = zlib.decompress(blob[4:])
            elif flags & 4: raise SystemExit('zstd-compressed entry: ' + full)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            open(full, 'wb').write(blob)
    walk(0, out)
for f in sys.argv[2:]: extract(f, sys.argv[1])
