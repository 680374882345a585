#!/usr/bin/env bash
# make-f2fs.sh — build f2fs samples of an Android userdata/preload-style tree with the real f2fs-tools,
# and the ground truth of every file as dump.f2fs extracts it.
#
# Usage: Samples/make-f2fs.sh OUTDIR
#
# The tree (OUTDIR/tree): app/<Name>/<Name>.apk for the sample APKs (Samples/apk: hello, filing,
# offline, unsigned), small files kept inline in their inode (etc/*.prop), a directory of 600 entries
# with long names (several dentry blocks, names of up to 16 slots), a folder nested 24 deep, a 14 MiB
# file (data addresses in the inode, both direct nodes and an indirect node), 256 KiB of text, and
# a symbolic link to an APK. Images (128 MiB, sparse files):
#   f2fs.img          mkfs.f2fs defaults, loaded with sload.f2fs
#   f2fs-extra.img    -O extra_attr,inode_checksum,inode_crtime,project_quota,compression (36-byte
#                     i_extra_isize
#                     shifts the address array; flexible_inline_xattr is left out: sload.f2fs 1.15
#                     writes inode checksums fsck.f2fs rejects with it)
#   compressed.img    f2fs-extra.img with app/Hello/Hello.apk's inode marked compressed (F2FS_COMPR_FL,
#                     LZO, 4-block clusters): presetscan must name it (f2fs.compressed), not skip it.
#                     (Debian's sload.f2fs 1.15 is built without LZ4/LZO: "-c" fails, so no image with
#                     real compressed clusters can be made here.)
#   lz4.img           f2fs-extra.img with media/filler.txt and app/Hello/Hello.apk rewritten as LZ4
#                     compressed files (4-block clusters, the kernel's layout; see below). Its truth
#                     is the tree, as for f2fs-extra.img.
#   broken-magic.img  f2fs.img with the magic of both superblocks cleared
#   backup-sb.img     f2fs.img with only the first superblock's magic cleared (the backup is read)
#   bad-cp.img        f2fs.img with the CRC of the newer checkpoint pack broken (the other pack is read)
#   truncated.img     the first 12 MiB of f2fs.img
#   files.tsv         image <TAB> path <TAB> size <TAB> sha256 of every regular file: paths from
#                     `fsck.f2fs -t`, bytes from `dump.f2fs -i INO` (f2fs.img); for f2fs-extra.img the
#                     tree (dump.f2fs 1.15 misreads inline data after extra attributes), which the
#                     dump of f2fs.img is checked against.
# Needs: f2fs-tools (mkfs.f2fs, sload.f2fs, fsck.f2fs, dump.f2fs), python3, sha256sum.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: make-f2fs.sh OUTDIR}"
for tool in mkfs.f2fs sload.f2fs fsck.f2fs dump.f2fs python3 sha256sum; do
    command -v "$tool" >/dev/null || { echo "make-f2fs.sh: '$tool' not found" >&2; exit 2; }
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/tree" "$out"/*.img "$out/files.tsv"
t="$out/tree"
mkdir -p "$t"
for name in hello filing offline unsigned; do
    cap="$(tr '[:lower:]' '[:upper:]' <<<"${name:0:1}")${name:1}"
    mkdir -p "$t/app/$cap"
    cp "$here/apk/$name.apk" "$t/app/$cap/$cap.apk"
done
python3 - "$t" <<'EOF2'
import os, sys
t = sys.argv[1]
os.makedirs(f"{t}/etc", exist_ok=True)
for i in range(3):
    open(f"{t}/etc/build{i}.prop", "w").write("".join(f"ro.sample.{i}.{k}=v{k * 31 % 977}\n" for k in range(20 + 40 * i)))
big = f"{t}/data/big-dir"
os.makedirs(big)
for i in range(600):
    name = f"entry-{i:04d}-" + "n" * (i % 120)
    open(os.path.join(big, name), "w").write(f"{i}\n")
deep = f"{t}/data/deep"
for i in range(24):
    deep = os.path.join(deep, f"level{i:02d}")
os.makedirs(deep)
open(os.path.join(deep, "bottom.txt"), "w").write("the bottom of a deep folder\n")
os.makedirs(f"{t}/media", exist_ok=True)
with open(f"{t}/media/large.bin", "wb") as f:
    state = 12345
    chunk = bytearray()
    for i in range(14 * 1024 * 1024 // 4):
        state = (state * 1103515245 + 12345) & 0x7fffffff
        chunk += state.to_bytes(4, "little")
    f.write(chunk)
lines = [f"persist.sample.property.{i:05d}=value-{i * 7919 % 100003:06d} # filler for compressed clusters\n" for i in range(4000)]
open(f"{t}/media/filler.txt", "w").write("".join(lines)[:256 * 1024])
EOF2
cp "$here/apk/hello.apk" "$t/data/deep/level00/nested.apk"
ln -s ../app/Hello/Hello.apk "$t/data/link.apk"

mk() {  # image, mkfs options, sload options
    local image="$out/$1"
    truncate -s 128M "$image"
    # shellcheck disable=SC2086
    mkfs.f2fs -q -f $2 "$image" >/dev/null
    # shellcheck disable=SC2086
    sload.f2fs -T 315532800 $3 -f "$t" "$image" >/dev/null 2>&1
}
mk f2fs.img "" ""
mk f2fs-extra.img "-O extra_attr,inode_checksum,inode_crtime,project_quota,compression" ""

python3 - "$out" <<'EOF2'
import os, re, shutil, struct, subprocess, sys, hashlib, tempfile
out = sys.argv[1]

def tree_listing(image):
    """(path, ino) of every entry, from `fsck.f2fs -t`."""
    text = subprocess.run(["fsck.f2fs", "-t", image], capture_output=True, text=True).stdout
    stack, rows = [], []
    for line in text.splitlines():
        m = re.match(r"^((?:\|   )*)\|-- (.*) <ino = (0x[0-9a-f]+)>", line)
        if not m: continue
        depth = len(m.group(1)) // 4
        stack[depth:] = [m.group(2)]
        rows.append(("/".join(stack), int(m.group(3), 16)))
    return rows

def dump(image, ino, scratch):
    """mode, size and bytes of one inode as dump.f2fs writes it to ./lost_found."""
    shutil.rmtree(scratch, ignore_errors=True); os.makedirs(scratch)
    info = subprocess.run(["dump.f2fs", "-i", hex(ino), image], input="n\n", capture_output=True, text=True).stdout
    mode = int(re.search(r"i_mode\s+\[0x\s*[0-9a-f]+ : (\d+)\]", info).group(1))
    if mode & 0o170000 != 0o100000: return mode, None
    subprocess.run(["dump.f2fs", "-i", hex(ino), image], input=b"y\n", capture_output=True, cwd=scratch)
    files = os.listdir(os.path.join(scratch, "lost_found"))
    return mode, open(os.path.join(scratch, "lost_found", files[0]), "rb").read()

rows = []
scratch = tempfile.mkdtemp()
for path, ino in tree_listing(os.path.join(out, "f2fs.img")):
    mode, data = dump(os.path.join(out, "f2fs.img"), ino, scratch)
    if data is not None:
        rows.append(("f2fs.img", path, len(data), hashlib.sha256(data).hexdigest()))
shutil.rmtree(scratch)
# dump.f2fs 1.15 reads inline data of inodes with extra attributes from the wrong offset (it does not
# skip i_extra_isize), so f2fs-extra.img's truth is the tree it was loaded from, which the dump of
# f2fs.img has just been checked against.
tree = os.path.join(out, "tree")
from_tree = []
for root, dirs, files in os.walk(tree):
    for name in files:
        full = os.path.join(root, name)
        if os.path.islink(full): continue
        data = open(full, "rb").read()
        from_tree.append((os.path.relpath(full, tree), len(data), hashlib.sha256(data).hexdigest()))
assert sorted(r[1:] for r in rows) == sorted(from_tree), "dump.f2fs disagrees with the tree"
rows += [("f2fs-extra.img",) + r for r in from_tree]
rows.sort()
with open(os.path.join(out, "files.tsv"), "w") as f:
    for r in rows: f.write("\t".join(map(str, r)) + "\n")

# Broken variants.
src = open(os.path.join(out, "f2fs.img"), "rb").read()
def write(name, data):
    """Writes an image sparsely (zero 64 KiB runs become holes), as mkfs.f2fs leaves its own."""
    with open(os.path.join(out, name), "wb") as f:
        view = memoryview(data)
        for at in range(0, len(data), 1 << 16):
            chunk = view[at:at + (1 << 16)]
            if any(chunk):
                f.seek(at); f.write(chunk)
        f.truncate(len(data))
b = bytearray(src); b[1024:1028] = b"\0\0\0\0"; b[5120:5124] = b"\0\0\0\0"; write("broken-magic.img", b)
b = bytearray(src); b[1024:1028] = b"\0\0\0\0"; write("backup-sb.img", b)
# The newer checkpoint pack: cp_blkaddr at 0x4c, 512 blocks a segment.
cp = struct.unpack_from("<I", src, 1024 + 0x4c)[0]
versions = [(struct.unpack_from("<Q", src, (cp + i * 512) * 4096)[0], i) for i in range(2)]
newer = max(versions)[1]
at = (cp + newer * 512) * 4096
crc_offset = struct.unpack_from("<I", src, at + 0xa4)[0]
b = bytearray(src); b[at + crc_offset] ^= 0xff; write("bad-cp.img", b)
write("truncated.img", src[:12 << 20])
# An inode marked compressed: the node block whose i_name is Hello.apk (f2fs_inode: i_flags at 0x50,
# i_namelen at 0x58, i_name at 0x5c, extra attributes at 360 with the algorithm at +32).
b = bytearray(open(os.path.join(out, "f2fs-extra.img"), "rb").read())
main = struct.unpack_from("<I", b, 1024 + 0x5c)[0]
for blk in range(main, len(b) // 4096):
    at = blk * 4096
    if struct.unpack_from("<I", b, at + 0x58)[0] == 9 and b[at + 0x5c:at + 0x65] == b"Hello.apk" \
            and struct.unpack_from("<H", b, at)[0] & 0o170000 == 0o100000:
        struct.pack_into("<I", b, at + 0x50, struct.unpack_from("<I", b, at + 0x50)[0] | 0x4)
        b[at + 360 + 32] = 0; b[at + 360 + 33] = 2
        break
write("compressed.img", b)

# lz4.img: f2fs-extra.img with media/filler.txt (16 clusters) and app/Hello/Hello.apk (one cluster past
# its end) turned into LZ4-compressed files as the kernel lays them out (fs/f2fs/compress.c): 4-block
# clusters whose first address is COMPRESS_ADDR, then the blocks of a struct compress_data (clen,
# chksum, 4 reserved words, an LZ4 block of the whole cluster, zero-padded past the end of the file),
# unused slots NEW_ADDR. The blocks are the file's own; i_flags gets F2FS_COMPR_FL, the extra
# attributes COMPRESS_LZ4 and log cluster size 2. (i_inode_checksum is left stale: presetscan does
# not check it.)
def lz4_block(src):
    """A greedy LZ4 block (lz4_Block_format.md): 4-byte hash matches, the last 5 bytes literals."""
    out, table, anchor, i, n = bytearray(), {}, 0, 0, len(src)
    def length(v):
        while v >= 255: out.append(255); v -= 255
        out.append(v)
    while i < n - 12:
        key = bytes(src[i:i + 4]); j = table.get(key); table[key] = i
        if j is not None and i - j <= 65535:
            m = 4
            while i + m < n - 5 and src[j + m] == src[i + m]: m += 1
            lit = i - anchor
            out.append(min(lit, 15) << 4 | min(m - 4, 15))
            if lit >= 15: length(lit - 15)
            out += src[anchor:i]; out += struct.pack("<H", i - j)
            if m - 4 >= 15: length(m - 4 - 15)
            i += m; anchor = i
        else:
            i += 1
    lit = n - anchor
    out.append(min(lit, 15) << 4)
    if lit >= 15: length(lit - 15)
    out += src[anchor:]
    return bytes(out)

b = bytearray(open(os.path.join(out, "f2fs-extra.img"), "rb").read())
tree = os.path.join(out, "tree")
def compress_inode(name, relpath):
    for blk in range(main, len(b) // 4096):
        at = blk * 4096
        if struct.unpack_from("<I", b, at + 0x58)[0] == len(name) and b[at + 0x5c:at + 0x5c + len(name)] == name \
                and struct.unpack_from("<H", b, at)[0] & 0o170000 == 0o100000:
            break
    else:
        raise SystemExit(f"no inode named {name}")
    data = open(os.path.join(tree, relpath), "rb").read()
    extra = struct.unpack_from("<H", b, at + 360)[0]
    assert extra >= 36, "no room for i_compress_algorithm: the image needs the compression feature"
    addr_at = at + 360 + extra
    nblocks = (len(data) + 4095) // 4096
    assert nblocks <= 900
    addrs = [struct.unpack_from("<I", b, addr_at + 4 * k)[0] for k in range((nblocks + 3) // 4 * 4)]
    for c in range(0, len(addrs), 4):
        raw = data[c * 4096:(c + 4) * 4096].ljust(4 * 4096, b"\0")
        packed = lz4_block(raw)
        payload = struct.pack("<II16x", len(packed), 0) + packed
        pool = [a for a in addrs[c:c + 4] if a not in (0, 0xffffffff)]
        need = (len(payload) + 4095) // 4096
        assert need <= 3 and need <= len(pool), (relpath, c, need, len(pool))
        for k in range(need):
            piece = payload[k * 4096:(k + 1) * 4096].ljust(4096, b"\0")
            b[pool[k] * 4096:(pool[k] + 1) * 4096] = piece
        slots = [0xfffffffe] + pool[:need] + [0xffffffff] * (3 - need)
        for k, a in enumerate(slots):
            struct.pack_into("<I", b, addr_at + 4 * (c + k), a)
    struct.pack_into("<I", b, at + 0x50, struct.unpack_from("<I", b, at + 0x50)[0] | 0x4)
    b[at + 360 + 32] = 1; b[at + 360 + 33] = 2
compress_inode(b"filler.txt", "media/filler.txt")
compress_inode(b"Hello.apk", "app/Hello/Hello.apk")
write("lz4.img", b)
EOF2
echo "make-f2fs.sh: samples in $out" >&2
