#!/usr/bin/env bash
# make-vendor.sh — wrap the sample firmware images in the vendor packages makers ship: a Unisoc
# PAC, a Huawei UPDATE.APP, a Qualcomm flat build folder, an Android target_files.zip and img.zip,
# with malformed variants, and the ground truth of the APKs inside each.
#
# Usage: Samples/make-vendor.sh OUTDIR
#
# Runs make-firmware.sh OUTDIR/fw for the images (super.img, ext4.img, system.simg, …) and their
# ground truth (fw/expected.tsv, from the real tools), then writes into OUTDIR:
#   firmware.pac            BP_R2.0.1: FDL (small), a FLASH operation (no file), Super = super.img,
#                           header CRC-16 and data CRC-16 set
#   firmware-r1.pac         BP_R1.0.0: FDL, System = ext4.img, CRCs set
#   (the malformed PACs below carry no dwMagic, so no CRCs: computing them is slow in Python)
#   pac-size-mismatch.pac   the header states 4096 bytes more than the file has      (pac.size-mismatch)
#   pac-count-overflow.pac  the header counts 0xFFFFFFFF files                       (pac.count-overflow)
#   pac-out-of-range.pac    a third file whose data lies past the end                (pac.item-out-of-range)
#   pac-overlap.pac         a second file over the same bytes as super.img           (pac.item-overlap)
#   pac-bad-crc.pac         both CRC-16 values wrong                                  (pac.header-crc, pac.data-crc)
#   UPDATE.APP              blocks SHA256RSA, SUPER = super.img, SYSTEM = ext4.img, per-block CRC lists
#   UPDATE-bad-crc.APP      one block CRC of SUPER wrong                              (huawei-app.block-crc)
#   UPDATE-out-of-range.APP the last block's data size reaches past the end           (huawei-app.item-out-of-range)
#   qcom/                   rawprogram0.xml: super = super.img cut in two raw pieces placed by start_sector,
#                           system = system.simg split by simg2simg (system_1.img …, one start_sector),
#                           vendor = ext4-inline.img cut in two, each piece made sparse (img2simg) and placed
#   qcom-broken/            super's two raw pieces at one start_sector (qualcomm.join-failed: read one by one),
#                           vendor's second piece missing (qualcomm.missing-piece)
#   target_files.zip        IMAGES/system.img = ext4.img, IMAGES/vendor.img = system.simg, SYSTEM/ SYSTEM_EXT/ PRODUCT/ VENDOR/
#                           = the tree (deflated, links stored as links: zip -y)
#   img.zip                 super.img and system.simg at the root (fastboot update's img.zip)
#   expected.tsv            sample <TAB> location <TAB> sha256: fw/expected.tsv's rows of each wrapped
#                           image, with the wrapper's location in front
# The PAC and UPDATE.APP writers follow the public unpackers' descriptions (see Samples/README.md).
# Needs: what make-firmware.sh needs, python3, split, zip.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: make-vendor.sh OUTDIR}"
for tool in python3 zip img2simg; do
    command -v "$tool" >/dev/null || { echo "make-vendor.sh: '$tool' not found" >&2; exit 2; }
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out"/*.pac "$out"/*.APP "$out/qcom" "$out/qcom-broken" "$out"/*.zip "$out/expected.tsv"
bash "$here/make-firmware.sh" "$out/fw" >/dev/null
export SOURCE_DATE_EPOCH=315532800
fw="$out/fw"

python3 - "$fw" "$out" <<'PY'
import os, struct, subprocess, sys
fw, out = sys.argv[1], sys.argv[2]
def read(name): return open(os.path.join(fw, name), "rb").read()

# ---- Unisoc PAC (pacextractor.h PacHeader / PartitionHeader; CRC-16/ARC as its crc16.py)
def table(poly):
    t = []
    for i in range(256):
        c = i
        for _ in range(8): c = (c >> 1) ^ poly if c & 1 else c >> 1
        t.append(c)
    return t
ARC, X25 = table(0xA001), table(0x8408)
def crc_arc(data, crc=0):
    t = ARC
    for b in data: crc = (crc >> 8) ^ t[(crc ^ b) & 0xff]
    return crc
def wide(text, units): return text.encode("utf-16-le")[:units * 2].ljust(units * 2, b"\0")
def pac(version, files, *, size_delta=0, count=None, extra=(), bad_crc=False, crc=True):
    """files: (file ID, file name, data or None for an operation, file flag); extra: (id, name, size, offset)."""
    r2 = version.startswith("BP_R2")
    table = 2124
    n = len(files) + len(extra)
    at = table + 2580 * n
    entries, blobs = [], b""
    for fid, name, data, flag in files:
        size = len(data) if data is not None else 0
        entries.append((fid, name, size, at if size else 0, flag))
        if size:
            blobs += data
            pad = (-len(data)) % 4
            blobs += b"\0" * pad
            at += size + pad
    for fid, name, size, offset in extra: entries.append((fid, name, size, offset, 1))
    heads = b""
    for fid, name, size, offset, flag in entries:
        h = bytearray(2580)
        struct.pack_into("<I", h, 0, 2580)
        h[4:516] = wide(fid, 256); h[516:1028] = wide(name, 256)
        if r2:
            struct.pack_into("<II", h, 1532, size >> 32, offset >> 32)
        struct.pack_into("<IIII", h, 1540, size & 0xffffffff, flag, 1, offset & 0xffffffff)
        heads += bytes(h)
    total = 2124 + len(heads) + len(blobs)
    h = bytearray(2124)
    h[0:44] = wide(version, 22)
    stated = total + size_delta
    if r2: struct.pack_into("<II", h, 44, stated >> 32, stated & 0xffffffff)
    else: struct.pack_into("<I", h, 48, stated)
    h[52:564] = wide("sample_unisoc", 256); h[564:1076] = wide("presetscan sample", 256)
    struct.pack_into("<II", h, 1076, n if count is None else count, table)
    body = heads + blobs
    if not crc: return bytes(h) + body  # no dwMagic: no CRCs (the malformed variants, to keep this script quick)
    struct.pack_into("<I", h, 2116, 0xFFFAFFFA)
    crc1, crc2 = crc_arc(bytes(h[:2120])), crc_arc(body)
    if bad_crc: crc1, crc2 = crc1 ^ 0x5a5a, crc2 ^ 0x1234
    struct.pack_into("<HH", h, 2120, crc1, crc2)
    return bytes(h) + body

fdl = bytes(range(256)) * 16
super_img, ext4_img = read("super.img"), read("ext4.img")
base = [("FDL", "fdl1-sign.bin", fdl, 1), ("FLASH", "", None, 0), ("Super", "super.img", super_img, 1)]
def write(name, data): open(os.path.join(out, name), "wb").write(data)
write("firmware.pac", pac("BP_R2.0.1", base))
write("firmware-r1.pac", pac("BP_R1.0.0", [("FDL", "fdl1-sign.bin", fdl, 1), ("System", "system.img", ext4_img, 1)]))
write("pac-size-mismatch.pac", pac("BP_R2.0.1", base, size_delta=4096, crc=False))
write("pac-count-overflow.pac", pac("BP_R2.0.1", base, count=0xFFFFFFFF, crc=False))
good = pac("BP_R2.0.1", base)
write("pac-out-of-range.pac", pac("BP_R2.0.1", base, extra=[("Cache", "cache.img", 1 << 20, len(good) + 2580 + 4096)], crc=False))
super_at = 2124 + 2580 * 4 + len(fdl)
write("pac-overlap.pac", pac("BP_R2.0.1", base, extra=[("Backup", "backup.img", 8192, super_at + 4096)], crc=False))
write("pac-bad-crc.pac", pac("BP_R2.0.1", base, bad_crc=True))

# ---- Huawei UPDATE.APP (split_updata.pl / HuaweiUpdateLibrary FileHeader; CRC-16/X-25 per 4096 bytes)
def crc_x25(data):
    crc, t = 0xFFFF, X25
    for b in data: crc = (crc >> 8) ^ t[(crc ^ b) & 0xff]
    return crc ^ 0xFFFF
crc_lists = {}
def block(partition, data, seq, *, bad_crc=False, size=None):
    if partition not in crc_lists:
        crc_lists[partition] = b"".join(struct.pack("<H", crc_x25(data[i:i + 4096])) for i in range(0, len(data), 4096))
    crcs = crc_lists[partition]
    if bad_crc: crcs = bytes([crcs[0] ^ 0xff]) + crcs[1:]
    h = bytearray(98)
    struct.pack_into("<IIII", h, 0, 0xA55AAA55, 98 + len(crcs), 1, 0)
    h[12:20] = b"HW7x27\xff\xff"
    struct.pack_into("<II", h, 20, seq, len(data) if size is None else size)
    h[28:44] = b"2024.01.01".ljust(16, b"\0"); h[44:60] = b"12.00.00".ljust(16, b"\0")
    h[60:76] = partition.encode().ljust(16, b"\0")
    struct.pack_into("<HH", h, 94, 4096, 0)
    b = bytes(h) + crcs + data
    return b + b"\0" * ((-len(b)) % 4)
rsa = bytes((i * 7) & 0xff for i in range(256))
def app(super_bad=False, last_size=None):
    return (b"\0" * 92 + block("SHA256RSA", rsa, 0xfffffff0) + block("SUPER", super_img, 0xfffffff1, bad_crc=super_bad)
            + block("SYSTEM", ext4_img, 0xfffffff2, size=last_size))
write("UPDATE.APP", app())
write("UPDATE-bad-crc.APP", app(super_bad=True))
write("UPDATE-out-of-range.APP", app(last_size=len(ext4_img) + (1 << 20)))
PY

# ---- Qualcomm flat builds
q="$out/qcom"; qb="$out/qcom-broken"
mkdir -p "$q" "$qb"
half=$(( $(stat -c %s "$fw/super.img") / 2 / 4096 * 4096 ))
head -c "$half" "$fw/super.img" > "$q/super_1.img"
tail -c +$((half + 1)) "$fw/super.img" > "$q/super_2.img"
n=1; for piece in "$fw"/split.simg.*; do cp "$piece" "$q/system_$n.img"; n=$((n + 1)); done
vhalf=$(( $(stat -c %s "$fw/ext4-inline.img") / 2 ))
head -c "$vhalf" "$fw/ext4-inline.img" > "$out/v1.raw"
tail -c +$((vhalf + 1)) "$fw/ext4-inline.img" > "$out/v2.raw"
img2simg "$out/v1.raw" "$q/vendor_1.img"; img2simg "$out/v2.raw" "$q/vendor_2.img"; rm -f "$out"/v[12].raw
program() {  # program FILE LABEL START_SECTOR [SPARSE]
    printf '  <program SECTOR_SIZE_IN_BYTES="4096" file_sector_offset="0" filename="%s" label="%s" num_partition_sectors="0" partofsingleimage="false" physical_partition_number="0" readbackverify="false" size_in_KB="0" sparse="%s" start_byte_hex="0x0" start_sector="%s"/>\n' "$1" "$2" "${4:-false}" "$3"
}
{
    echo '<?xml version="1.0" ?>'
    echo '<data>'
    echo '  <!--NOTE: This is an ** Autogenerated file **-->'
    program xbl.elf xbl 6
    program super_1.img super 1000
    program super_2.img super $((1000 + half / 4096))
    for f in "$q"/system_*.img; do program "$(basename "$f")" system 20000 true; done
    program vendor_1.img vendor 40000 true
    program vendor_2.img vendor $((40000 + vhalf / 4096)) true
    program "" userdata 60000
    echo '</data>'
} > "$q/rawprogram0.xml"
head -c 4096 /dev/zero > "$q/xbl.elf"
cp "$q"/super_[12].img "$q/vendor_1.img" "$q/xbl.elf" "$qb/"
{
    echo '<?xml version="1.0" ?>'
    echo '<data>'
    program super_1.img super 1000
    program super_2.img super 1000
    program vendor_1.img vendor 40000 true
    program vendor_2.img vendor $((40000 + vhalf / 4096)) true
    echo '</data>'
} > "$qb/rawprogram0.xml"

# ---- target_files.zip and img.zip
tf="$(mktemp -d "${TMPDIR:-/tmp}/make-vendor.XXXXXX")"
trap 'rm -rf "$tf"' EXIT
mkdir -p "$tf/IMAGES" "$tf/META"
cp "$fw/ext4.img" "$tf/IMAGES/system.img"; cp "$fw/system.simg" "$tf/IMAGES/vendor.img"
cp -r "$fw/tree/system" "$tf/SYSTEM"; cp -r "$fw/tree/product" "$tf/PRODUCT"; cp -r "$fw/tree/vendor" "$tf/VENDOR"
cp -r "$fw/tree/system_ext" "$tf/SYSTEM_EXT"
echo "recovery_api_version=3" > "$tf/META/misc_info.txt"
find "$tf" -exec touch -h -d @315532800 {} +
(cd "$tf" && zip -q -X -y -r "$out/target_files.zip" META IMAGES SYSTEM SYSTEM_EXT PRODUCT VENDOR)
(cd "$fw" && zip -q -X "$out/img.zip" super.img system.simg)

# ---- expected: the wrapped images' ground truth with the wrapper in front
python3 - "$fw/expected.tsv" "$out/expected.tsv" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
def rows_of(sample): return [(loc, sha) for s, loc, sha in rows if s == sample]
wraps = [  # sample, inner sample in fw/expected.tsv, its prefix there, prefix in the wrapper
    ("firmware.pac", "super.img", "super.img", "firmware.pac!/super.img"),
    ("firmware-r1.pac", "ext4.img", "ext4.img", "firmware-r1.pac!/system.img"),
    ("UPDATE.APP", "super.img", "super.img", "UPDATE.APP!/super.img"),
    ("UPDATE.APP", "ext4.img", "ext4.img", "UPDATE.APP!/system.img"),
    ("qcom", "super.img", "super.img", "qcom/rawprogram0.xml!/super"),
    ("qcom", "system.simg", "system.simg", "qcom/rawprogram0.xml!/system"),
    ("qcom", "ext4-inline.img", "ext4-inline.img", "qcom/rawprogram0.xml!/vendor"),
    ("target_files.zip", "ext4.img", "ext4.img", "target_files.zip!/IMAGES/system.img"),
    ("target_files.zip", "system.simg", "system.simg", "target_files.zip!/IMAGES/vendor.img"),
    ("target_files.zip", "tree", "tree/system", "target_files.zip!/SYSTEM"),
    ("target_files.zip", "tree", "tree/product", "target_files.zip!/PRODUCT"),
    ("target_files.zip", "tree", "tree/vendor", "target_files.zip!/VENDOR"),
    ("target_files.zip", "tree", "tree/system_ext", "target_files.zip!/SYSTEM_EXT"),
    ("img.zip", "super.img", "super.img", "img.zip!/super.img"),
    ("img.zip", "system.simg", "system.simg", "img.zip!/system.simg"),
]
with open(sys.argv[2], "w") as f:
    for sample, inner, old, new in wraps:
        for loc, sha in rows_of(inner):
            if loc.startswith(old + "!/") or loc.startswith(old + "/"):
                f.write(f"{sample}\t{new}{loc[len(old):]}\t{sha}\n")
PY
echo "make-vendor.sh: wrote $out ($(wc -l < "$out/expected.tsv") packages in expected.tsv)" >&2
