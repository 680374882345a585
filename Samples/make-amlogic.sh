#!/usr/bin/env bash
# make-amlogic.sh — build Amlogic burning images (aml_upgrade_package.img) around the sample
# firmware, and the ground truth of the apps inside. Debian has no Amlogic unpacker: the writer
# follows the public descriptions (u-boot amlImage_if.h, the aml_image format notes; see
# Samples/README.md) and the script reads every item back with an independent reader below.
#
# Usage: Samples/make-amlogic.sh OUTDIR
#
# Runs make-firmware.sh OUTDIR/fw, then writes into OUTDIR:
#   aml_upgrade_package.img  v2 (256-byte names): DDR.USB, UBOOT.USB, platform.conf, meson1.dtb,
#                            super.PARTITION (normal) + super.VERIFY, system.PARTITION (sparse,
#                            file type 0xFE) + system.VERIFY, system_b.PARTITION reusing system's
#                            bytes (backup item); image CRC set
#   aml-v1.img               the same as v1 (32-byte names)
#   aml-verify-bad.img       system.VERIFY holds a wrong SHA-1 (warning; apps still read)
#   aml-far.img              system.PARTITION and its backup lie past the end
#   aml-overlap.img          DDR.USB's bytes moved onto super.PARTITION's
#   aml-count.img            item count 0xFFFFFFFF
#   aml-size.img             header size 1 MiB larger than the image
#   items.tsv                sample <TAB> item <TAB> sha256 of each item's bytes
#   expected.tsv             sample <TAB> location <TAB> sha256 of every APK (make-firmware.sh's
#                            ground truth for super.img and system.simg, moved under the image)
# Needs: what make-firmware.sh needs, python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: make-amlogic.sh OUTDIR}"
command -v python3 >/dev/null || { echo "make-amlogic.sh: 'python3' not found" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -f "$out"/*.img "$out/items.tsv" "$out/expected.tsv"
bash "$here/make-firmware.sh" "$out/fw" >/dev/null

python3 - "$out" <<'EOF'
import hashlib, os, struct, sys, zlib
out = sys.argv[1]
fw = lambda n: open(os.path.join(out, "fw", n), "rb").read()
sha1line = lambda data: b"sha1sum " + hashlib.sha1(data).hexdigest().encode()
superimg, system = fw("super.img"), fw("system.simg")
# (main type, sub type, file type, verify, data or index of the item whose bytes it reuses)
ITEMS = [
    ("USB", "DDR", 0, 0, b"DDR-INIT" + bytes(1016)),
    ("USB", "UBOOT", 0, 0, b"UBOOT" + bytes(2043)),
    ("conf", "platform", 0, 0, b"Platform:0x0811\nDDRLoad:0xfffc0000\nUbootLoad:0x200c000\n"),
    ("dtb", "meson1", 0, 0, b"\xd0\x0d\xfe\xed" + bytes(508)),
    ("PARTITION", "super", 0x000, 1, superimg),
    ("VERIFY", "super", 0, 0, sha1line(superimg)),
    ("PARTITION", "system", 0x0fe, 1, system),
    ("VERIFY", "system", 0, 0, sha1line(system)),
    ("PARTITION", "system_b", 0x0fe, 0, 6),
]
ALIGN = 4

def build(version, items=ITEMS, patch=None):
    name_len, info_len = (32, 128) if version == 1 else (256, 576)
    image = bytearray(64 + info_len * len(items))
    places = []
    for main, sub, ftype, verify, data in items:
        if isinstance(data, int):
            places.append(places[data]); continue
        image += bytes(-len(image) % ALIGN)
        places.append((len(image), len(data)))
        image += data
    fields = []
    for i, (main, sub, ftype, verify, data) in enumerate(items):
        backup = isinstance(data, int)
        fields.append([i, ftype, 0, places[i][0], places[i][1], main, sub, verify, 1 if backup else 0, data if backup else 0])
    count, size = len(items), len(image)
    if patch: count, size = patch(fields, count, size)
    for i, (iid, ftype, cur, off, sz, main, sub, verify, isb, bid) in enumerate(fields):
        rec = struct.pack("<IIQQQ", iid, ftype, cur, off, sz) + main.encode().ljust(name_len, b"\0") \
            + sub.encode().ljust(name_len, b"\0") + struct.pack("<IHH", verify, isb, bid) + bytes(24)
        assert len(rec) == info_len
        image[64 + i * info_len:64 + (i + 1) * info_len] = rec
    image[0:64] = struct.pack("<IIIQII", 0, version, 0x27B51956, size, ALIGN, count) + bytes(36)
    # crc: CRC-32 of everything after the first 4 bytes, without the final inversion.
    image[0:4] = struct.pack("<I", zlib.crc32(image[4:]) ^ 0xffffffff)
    return bytes(image)

def write(name, data): open(os.path.join(out, name), "wb").write(data)
write("aml_upgrade_package.img", build(2))
write("aml-v1.img", build(1))
bad = list(ITEMS); bad[7] = ("VERIFY", "system", 0, 0, b"sha1sum " + b"0" * 40)
write("aml-verify-bad.img", build(2, bad))
def far(f, c, s): f[6][3] = f[8][3] = 1 << 40; return c, s
def overlap(f, c, s): f[0][3] = f[4][3] + 8192; return c, s
def count(f, c, s): return 0xffffffff, s
def size(f, c, s): return c, s + (1 << 20)
for name, patch in [("aml-far.img", far), ("aml-overlap.img", overlap), ("aml-count.img", count), ("aml-size.img", size)]:
    write(name, build(2, patch=patch))

# An independent reading of every item (the unpackers' view), for the tests.
def read_items(path):
    data = open(path, "rb").read()
    crc, version, magic, size, align, count = struct.unpack_from("<IIIQII", data, 0)
    assert magic == 0x27B51956 and version in (1, 2)
    name_len, info_len = (32, 128) if version == 1 else (256, 576)
    for i in range(count):
        p = 64 + i * info_len
        iid, ftype, cur, off, sz = struct.unpack_from("<IIQQQ", data, p)
        main = data[p + 32:p + 32 + name_len].rstrip(b"\0").decode()
        sub = data[p + 32 + name_len:p + 32 + 2 * name_len].rstrip(b"\0").decode()
        yield f"{sub}.{main}", data[off:off + sz]
with open(os.path.join(out, "items.tsv"), "w") as f:
    for sample in ["aml_upgrade_package.img", "aml-v1.img"]:
        items = dict(read_items(os.path.join(out, sample)))
        assert items["super.PARTITION"] == superimg and items["system.PARTITION"] == system == items["system_b.PARTITION"]
        assert items["system.VERIFY"] == sha1line(system)
        for name, data in sorted(items.items()):
            f.write(f"{sample}\t{name}\t{hashlib.sha256(data).hexdigest()}\n")

rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "fw/expected.tsv"))]
inner = {"super.img": "super.PARTITION", "system.simg": "system.PARTITION"}
full = ["super.img", "system.simg"]
with open(os.path.join(out, "expected.tsv"), "w") as f:
    for sample, names in [("aml_upgrade_package.img", full), ("aml-v1.img", full), ("aml-verify-bad.img", full),
                          ("aml-far.img", ["super.img"]), ("aml-overlap.img", full), ("aml-count.img", full),
                          ("aml-size.img", full)]:
        for name in names:
            for s, loc, sha in sorted(r for r in rows if r[0] == name):
                f.write(f"{sample}\t{loc.replace(name, sample + '!/' + inner[name], 1)}\t{sha}\n")
EOF
echo "make-amlogic.sh: wrote $out ($(wc -l < "$out/expected.tsv") packages in expected.tsv)" >&2
