#!/usr/bin/env python3
"""make_erofs.py — write an EROFS image whose files are compressed with MicroLZMA or DEFLATE.

Debian 12's erofs-utils 1.5 only writes lz4/lz4hc and knows neither fragments nor these two
algorithms, so presetscan's fixtures for them are made here, from the public on-disk format
(linux fs/erofs/erofs_fs.h and zmap.c): 4 KiB blocks, compact 32-byte inodes, and for every
regular file one of these layouts, in turn:

  compact          COMPRESSED_COMPACT, 4-byte compacted indexes, no tail packing
  full+inline      COMPRESSED_FULL indexes, the last extent tail-packed after the index (ztailpacking)
  full+fragment    COMPRESSED_FULL indexes, the last extent a fragment in the packed inode
  compact+fragment COMPRESSED_COMPACT indexes, the last extent a fragment
  compact+inline   COMPRESSED_COMPACT indexes, ztailpacking

Files under 1 KiB live wholly in the packed inode (h_clusterbits bit 7). Extents are made the
EROFS way: fixed-size output, one 4 KiB pcluster takes as much input as fits (MicroLZMA through
liblzma's lzma_microlzma_encoder via ctypes, DEFLATE by searching the longest prefix zlib fits);
an extent that would not leave its lcluster, or does not compress, is stored as a PLAIN pcluster.
Directories are FLAT_PLAIN, symlinks FLAT_INLINE.

Usage: make_erofs.py lzma|deflate TREE OUT.img
"""
import ctypes
import ctypes.util
import os
import stat
import struct
import sys
import zlib

BLK = 4096
BITS = 12
ALG = {"lzma": 1, "deflate": 2}
LZMA_DICT = 1 << 16

# --------------------------------------------------------------------------- compressors
_lzma = ctypes.CDLL(ctypes.util.find_library("lzma"))
_lzma.lzma_lzma_preset.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
_lzma.lzma_microlzma_encoder.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
_lzma.lzma_code.argtypes = [ctypes.c_void_p, ctypes.c_int]
_lzma.lzma_end.argtypes = [ctypes.c_void_p]


def microlzma(data, out_limit):
    """Encodes as much of data as fits in out_limit bytes; returns (consumed, stream)."""
    strm = ctypes.create_string_buffer(512)   # LZMA_STREAM_INIT is all zeros
    opts = ctypes.create_string_buffer(512)
    assert _lzma.lzma_lzma_preset(opts, 6) == 0
    struct.pack_into("<I", opts, 0, LZMA_DICT)  # lzma_options_lzma.dict_size
    assert _lzma.lzma_microlzma_encoder(strm, opts) == 0
    inbuf = ctypes.create_string_buffer(bytes(data), len(data))
    outbuf = ctypes.create_string_buffer(out_limit)
    # next_in, avail_in, total_in, next_out, avail_out, total_out: the first six fields.
    struct.pack_into("<QQQQQQ", strm, 0, ctypes.addressof(inbuf), len(data), 0,
                     ctypes.addressof(outbuf), out_limit, 0)
    ret = _lzma.lzma_code(strm, 3)  # LZMA_FINISH
    total_in, = struct.unpack_from("<Q", strm, 16)
    total_out, = struct.unpack_from("<Q", strm, 40)
    _lzma.lzma_end(strm)
    assert ret == 1, f"lzma_code returned {ret}"  # LZMA_STREAM_END
    return total_in, outbuf.raw[:total_out]


def deflate_all(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(bytes(data)) + c.flush()


def deflate_fit(data, out_limit):
    """The longest prefix of data whose raw DEFLATE stream fits in out_limit bytes."""
    whole = deflate_all(data)
    if len(whole) <= out_limit:
        return len(data), whole
    lo, hi, best = 0, len(data), (0, b"")
    while lo < hi:
        mid = (lo + hi + 1) // 2
        out = deflate_all(data[:mid])
        if len(out) <= out_limit:
            lo, best = mid, (mid, out)
        else:
            hi = mid - 1
    return best


def compress_fit(algorithm, data, out_limit):
    consumed, out = microlzma(data, out_limit) if algorithm == "lzma" else deflate_fit(data, out_limit)
    # With 0-padding a stream must not start with a zero byte.
    if consumed == 0 or not out or out[0] == 0:
        return 0, b""
    return consumed, out


# --------------------------------------------------------------------------- file layouts
STYLES = [("compact", None), ("full", "inline"), ("full", "fragment"), ("compact", "fragment"), ("compact", "inline")]
PLAIN, HEAD1, NONHEAD = 0, 1, 2


class CompressedFile:
    """Extents, pclusters and index entries of one regular file."""

    def __init__(self, algorithm, data, style, packed):
        self.data, self.size = data, len(data)
        self.indexes, self.tail = style
        self.heads = []        # (logical, type, pcluster number or None)
        self.pclusters = []    # 4 KiB blocks, written consecutively
        self.idata = b""
        self.fragment_offset = 0
        self.nl = (self.size + BLK - 1) // BLK
        body_end = ((self.size - 1) // BLK) * BLK if self.tail else self.size
        la = 0
        while la < body_end:
            chunk = data[la:min(la + 16 * BLK, body_end)]
            consumed, out = compress_fit(algorithm, chunk, BLK)
            if consumed and ((la + consumed) >> BITS > la >> BITS or la + consumed == body_end) and len(out) < consumed:
                self.heads.append((la, HEAD1, len(self.pclusters)))
                self.pclusters.append(b"\0" * (BLK - len(out)) + out)
                la += consumed
            else:
                n = min(BLK, body_end - la)
                self.heads.append((la, PLAIN, len(self.pclusters)))
                self.pclusters.append(bytes(data[la:la + n]).ljust(BLK, b"\0"))
                la += n
        if self.tail == "fragment":
            self.fragment_offset = len(packed)
            packed += data[body_end:]
            self.heads.append((body_end, HEAD1, None))
        elif self.tail == "inline":
            rest = data[body_end:]
            consumed, out = compress_fit(algorithm, rest, BLK)
            if consumed == len(rest) and len(out) < len(rest):
                self.heads.append((body_end, HEAD1, None))
                self.idata = out
            else:
                self.heads.append((body_end, PLAIN, None))
                self.idata = bytes(rest)

    def index_bytes(self, header_offset):
        """The lcluster index area, and where the tail-packed pcluster goes (absolute offsets)."""
        head_at = {la >> BITS: (la, t, p) for la, t, p in self.heads}
        head_lcns = sorted(head_at)
        entries = []  # (type, clusterofs, pcluster, delta0, delta1)
        current = None
        for lcn in range(self.nl):
            if lcn in head_at:
                la, t, p = head_at[lcn]
                entries.append((t, la & (BLK - 1), p, 0, 0))
                current = lcn
            else:
                nxt = next((h for h in head_lcns if h > lcn), self.nl)
                entries.append((NONHEAD, 0, None, lcn - current, nxt - lcn))
        return entries

    def metadata(self, inode_offset, first_block, algorithm):
        """Map header + indexes (+ tail-packed data) that follow the 32-byte inode."""
        header_offset = inode_offset + 32  # already 8-aligned
        entries = self.index_bytes(header_offset)
        advise = 0
        h0 = 0
        if self.tail == "inline":
            advise |= 0x8
            h0 = len(self.idata) << 16
        elif self.tail == "fragment":
            advise |= 0x20
            h0 = self.fragment_offset
        out = bytearray(struct.pack("<IHBB", h0, advise, ALG[algorithm] | ALG[algorithm] << 4, 0))
        block = lambda p: first_block + p
        if self.indexes == "full":
            out += bytes(8)  # Z_EROFS_FULL_INDEX_ALIGN: 8 reserved bytes after the header
            for t, ofs, p, d0, d1 in entries:
                if t == NONHEAD:
                    out += struct.pack("<HHHH", t, 0, d0, d1)
                else:
                    out += struct.pack("<HHI", t, ofs, block(p) if p is not None else 0)
        else:
            # 4-byte compacted indexes: packs of two 16-bit entries (12-bit lo, 2-bit type) and
            # a 32-bit base: the pack's first HEAD pcluster minus one (kernel unpack_compacted_index).
            for k in range(0, len(entries), 2):
                pack = entries[k:k + 2]
                words = []
                base = 0
                for i, (t, ofs, p, d0, d1) in enumerate(pack):
                    if t == NONHEAD:
                        lo = d1 if i == 1 else d0
                    else:
                        lo = ofs
                        if p is not None and base == 0:
                            base = block(p) - 1 - sum(1 for e in pack[:i] if e[0] != NONHEAD)
                    assert t != NONHEAD or lo < 2048  # bit 11 would read as D0_CBLKCNT
                    words.append(lo | t << 12)
                while len(words) < 2:
                    words.append(0)
                out += struct.pack("<HHI", words[0], words[1], base)
        if self.tail == "inline":
            out += self.idata
        return bytes(out)


# --------------------------------------------------------------------------- image
def build(algorithm, tree, path):
    nodes = []  # dicts: kind, path, name, children, data...
    packed = bytearray()

    def visit(full, name):
        st = os.lstat(full)
        node = {"name": name, "mode": st.st_mode}
        if stat.S_ISDIR(st.st_mode):
            node["kind"] = "dir"
            node["children"] = [visit(os.path.join(full, c), c) for c in sorted(os.listdir(full))]
        elif stat.S_ISLNK(st.st_mode):
            node["kind"] = "symlink"
            node["data"] = os.readlink(full).encode()
        else:
            node["kind"] = "file"
            with open(full, "rb") as f:
                node["data"] = f.read()
        nodes.append(node)
        return node

    root = visit(tree, "")
    files = [n for n in nodes if n["kind"] == "file"]
    style = 0
    for n in files:
        size = len(n["data"])
        if size == 0:
            n["layout"] = "empty"
        elif size < 1024:
            n["layout"] = "whole-fragment"
            n["fragment_offset"] = len(packed)
            packed += n["data"]
        else:
            n["layout"] = "compressed"
            n["c"] = CompressedFile(algorithm, n["data"], STYLES[style % len(STYLES)], packed)
            style += 1

    # Data blocks from block 1: the packed inode, every file's pclusters, directory blocks.
    data_blocks = []
    def allocate(blocks):
        start = 1 + len(data_blocks)
        data_blocks.extend(blocks)
        return start
    packed_node = {"kind": "packed", "mode": stat.S_IFREG | 0o600, "data": bytes(packed)}
    packed_node["block"] = allocate([bytes(packed[i:i + BLK]).ljust(BLK, b"\0") for i in range(0, len(packed), BLK)])
    for n in files:
        if n["layout"] == "compressed":
            n["block"] = allocate(n["c"].pclusters)

    def dir_blocks(node, nids):
        entries = [(b".", nids[id(node)], 2), (b"..", nids[id(node.get("parent", node))], 2)]
        for c in node["children"]:
            entries.append((c["name"].encode(), nids[id(c)], {"dir": 2, "symlink": 7}.get(c["kind"], 1)))
        entries.sort(key=lambda e: e[0])
        blocks, current = [], []
        for e in entries:
            if current and 12 * (len(current) + 1) + sum(len(x[0]) for x in current) + len(e[0]) > BLK:
                blocks.append(current)
                current = []
            current.append(e)
        blocks.append(current)
        out = []
        for b in blocks:
            names = 12 * len(b)
            raw = bytearray()
            for name, nid, t in b:
                raw += struct.pack("<QHBB", nid, names, t, 0)
                names += len(name)
            for name, _, _ in b:
                raw += name
            out.append(bytes(raw))
        return out

    dirs = [n for n in nodes if n["kind"] == "dir"]
    for d in dirs:
        for c in d["children"]:
            c["parent"] = d
    # Directory sizes do not depend on nids: allocate their blocks with placeholder nids.
    zero = {id(n): 0 for n in nodes}
    zero[id(packed_node)] = 0
    for d in dirs:
        blocks = dir_blocks(d, zero)
        d["size"] = (len(blocks) - 1) * BLK + len(blocks[-1])
        d["block"] = allocate([bytes(BLK)] * len(blocks))

    # Metadata after the data; the first metadata block stays empty so that no nid is 0.
    meta_block = 1 + len(data_blocks)
    meta_base = meta_block * BLK
    order = [root] + [n for n in nodes if n is not root] + [packed_node]
    offset = BLK
    for n in order:
        n["offset"] = offset
        if n.get("layout") == "compressed":
            length = len(n["c"].metadata(meta_base + offset, n["block"], algorithm)) + 32
        elif n["kind"] == "symlink":
            length = 32 + len(n["data"])
        else:
            length = 32 + (8 if n.get("layout") == "whole-fragment" else 0)
        offset += (length + BLK - 1) // BLK * BLK
    nids = {id(n): n["offset"] // 32 for n in order}
    assert nids[id(root)] < 1 << 16
    # Tail-packed data may not cross a block.
    for n in files:
        if n.get("layout") == "compressed" and n["c"].tail == "inline":
            meta = n["c"].metadata(meta_base + n["offset"], n["block"], algorithm)
            assert 32 + len(meta) <= BLK, "tail-packed inode does not fit one block"

    image = bytearray((meta_block * BLK) + offset)
    for i, b in enumerate(data_blocks):
        image[(1 + i) * BLK:(2 + i) * BLK] = b
    for d in dirs:
        for i, b in enumerate(dir_blocks(d, nids)):
            at = (d["block"] + i) * BLK
            image[at:at + len(b)] = b

    def inode(layout, mode, size, u):
        return struct.pack("<HHHHIIIIHHI", layout << 1, 0, mode & 0xffff, 1, size, 0, u, 0, 0, 0, 0)

    for n in order:
        at = meta_base + n["offset"]
        if n["kind"] == "dir":
            rec = inode(0, n["mode"], n["size"], n["block"])
        elif n["kind"] == "packed":
            rec = inode(0, n["mode"], len(n["data"]), n["block"])
        elif n["kind"] == "symlink":
            rec = inode(2, n["mode"], len(n["data"]), 0) + n["data"]
        elif n["layout"] == "empty":
            rec = inode(0, n["mode"], 0, 0)
        elif n["layout"] == "whole-fragment":
            rec = inode(3, n["mode"], len(n["data"]), 0) + struct.pack("<Q", n["fragment_offset"] | 1 << 63)
        else:
            c = n["c"]
            layout = 1 if c.indexes == "full" else 3
            rec = inode(layout, n["mode"], c.size, len(c.pclusters)) + c.metadata(at, n["block"], algorithm)
        image[at:at + len(rec)] = rec

    # Superblock and the algorithm's configuration record.
    incompat = 0x1 | 0x2 | 0x10 | 0x20   # ZERO_PADDING, COMPR_CFGS, ZTAILPACKING, FRAGMENTS
    sb = struct.pack("<IIIBBHQQIIII16s16sIHHHBBIQ", 0xE0F5E1E2, 0, 0, BITS, 0, nids[id(root)], len(nodes), 0, 0,
                     len(image) // BLK, meta_block, 0, bytes(range(16)), b"presetscan-" + algorithm.encode(),
                     incompat, 1 << ALG[algorithm], 0, 0, 0, 0, 0, nids[id(packed_node)])
    sb = sb.ljust(128, b"\0")
    if algorithm == "lzma":
        cfg = struct.pack("<HIH8s", 14, LZMA_DICT, 0, bytes(8))
    else:
        cfg = struct.pack("<HB5s", 6, 15, bytes(5))
    image[1024:1024 + len(sb) + len(cfg)] = sb + cfg
    with open(path, "wb") as f:
        f.write(image)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ALG:
        sys.exit(__doc__)
    build(sys.argv[1], sys.argv[2], sys.argv[3])
