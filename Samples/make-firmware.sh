#!/usr/bin/env bash
# make-firmware.sh — build small firmware samples with the real tools, and the ground truth of the
# app packages inside them as the real tools extract them.
#
# Usage: Samples/make-firmware.sh OUTDIR
#
# From an Android-style tree (system/app, system/priv-app, product/app, vendor/app,
# system_ext/priv-app, a split APK, an APK inside a zip) made of the sample APKs in Samples/apk and
# a few of Debian's androguard examples, it writes into OUTDIR:
#   tree/                 the tree itself (a "plain folder" input)
#   ext4.img              raw ext4, extents, 4 KiB blocks, no inline data      (mke2fs -d)
#   ext4-inline.img       raw ext4 with inline_data, 1 KiB blocks              (mke2fs -O inline_data -d)
#   ext2.img              ext2: classic block maps with indirect blocks       (mke2fs -t ext2 -d)
#   system.simg           ext4.img as an Android sparse image                  (img2simg)
#   split.simg.0 …        system.simg split into a sparse set                  (simg2simg)
#   super.img             LP metadata 10.0: system_a = ext4.img in two extents stored out of order,
#                         vendor_a = ext4-inline.img with its zero tail as a ZERO extent   (python3)
#   super-v10.2.img       the same with LP metadata 10.2 (256-byte header)
#   nested.tar.gz         tar.gz ⊃ ota.zip (deflated) ⊃ system.simg, plus tree/vendor   (zip, tar)
#   expected.tsv          sample <TAB> location <TAB> sha256, from simg2img, debugfs -R rdump,
#                         7z x and bsdtar -x: every APK the real tools extract
# Needs: mke2fs debugfs img2simg simg2img simg2simg 7z bsdtar zip aapt python3 (aapt for the split APK).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: make-firmware.sh OUTDIR}"
for tool in mke2fs debugfs img2simg simg2img simg2simg 7z bsdtar zip aapt python3; do
    command -v "$tool" >/dev/null || { echo "make-firmware.sh: '$tool' not found" >&2; exit 2; }
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/tree" "$out"/*.img "$out"/*.simg* "$out/nested.tar.gz" "$out/expected.tsv"
export E2FSPROGS_FAKE_TIME=315532800 SOURCE_DATE_EPOCH=315532800
work="$(mktemp -d "${TMPDIR:-/tmp}/make-firmware.XXXXXX")"
trap 'rm -rf "$work"' EXIT

ex=/usr/share/doc/androguard/examples
t="$out/tree"
put() { mkdir -p "$(dirname "$t/$2")"; cp "$1" "$t/$2"; }
put "$here/apk/hello.apk"    system/app/Hello/Hello.apk
put "$here/apk/offline.apk"  system/priv-app/Offline/Offline.apk
put "$here/apk/unsigned.apk" product/app/Unsigned/Unsigned.apk
put "$ex/signing/apksig/v2-only-with-rsa-pkcs1-sha256-2048.apk" vendor/app/VendorV2/VendorV2.apk
put "$ex/signing/apksig/v3-only-with-rsa-pkcs1-sha256-2048.apk" system_ext/priv-app/ExtV3/ExtV3.apk
put "$ex/signing/apksig/golden-aligned-in.apk" product/app/Golden/Golden.apk
# A file larger than 12 blocks of 1 KiB, so ext2 needs single and double indirect blocks.
put "$ex/signing/apksig/v2-only-with-rsa-pkcs1-sha256-16384.apk" system/app/Big/Big.apk
# A split APK: base + a config split (manifest `split="config.xxhdpi"`), made with aapt.
put "$here/apk/hello.apk" system/app/Split/base.apk
mkdir -p "$work/split"
cat > "$work/split/AndroidManifest.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    package="cn.example.hello" split="config.xxhdpi" android:versionCode="3">
    <application android:hasCode="false" />
</manifest>
EOF
aapt package -f -M "$work/split/AndroidManifest.xml" -I /usr/share/android-framework-res/framework-res.apk \
    -F "$t/system/app/Split/split_config.xxhdpi.apk" >/dev/null
# An APK inside a zip (deflated, so it is inflated on the way), and a stored one.
mkdir -p "$t/system/etc" "$t/vendor/etc"
(cd "$here/apk" && zip -q -X -9 "$t/system/etc/bundle.zip" offline.apk && zip -q -X -0 "$t/system/etc/bundle.zip" unsigned.apk)
# Things that are not app packages.
mkdir -p "$t/system/etc" "$t/vendor/etc"
printf 'ro.build.id=SAMPLE\n' > "$t/system/build.prop"
printf 'x' > "$t/vendor/etc/tiny.conf"
ln -s ../app/Hello/Hello.apk "$t/system/priv-app/HelloLink.apk"
find "$t" -exec touch -h -d @315532800 {} +

# ------------------------------------------------------------------ filesystem images
mke2fs -q -F -t ext4 -b 4096 -O ^inline_data,^has_journal -L system -U 11111111-2222-3333-4444-555555555555 \
    -E hash_seed=11111111-2222-3333-4444-555555555555 -d "$t" "$out/ext4.img" 8M
mke2fs -q -F -t ext4 -b 1024 -I 256 -O inline_data,^has_journal -L vendor -U 11111111-2222-3333-4444-666666666666 \
    -E hash_seed=11111111-2222-3333-4444-555555555555 -d "$t" "$out/ext4-inline.img" 8M
mke2fs -q -F -t ext2 -b 1024 -L legacy -U 11111111-2222-3333-4444-777777777777 \
    -E hash_seed=11111111-2222-3333-4444-555555555555 -d "$t" "$out/ext2.img" 8M
img2simg "$out/ext4.img" "$out/system.simg"
simg2simg "$out/system.simg" "$out/split.simg" 100000 >/dev/null

# ------------------------------------------------------------------ super.img (LP metadata)
python3 - "$out" <<'EOF'
import hashlib, os, struct, sys
out = sys.argv[1]
SECTOR = 512
def read(name):
    with open(os.path.join(out, name), "rb") as f: return f.read()
system, vendor = read("ext4.img"), read("ext4-inline.img")

def build(minor, path):
    max_size, slots = 65536, 2
    header_size = 256 if minor >= 2 else 128
    first = 4096 + 2 * 4096 + 2 * slots * max_size          # reserved + 2 geometries + primary/backup slots
    first = (first + (1 << 20) - 1) // (1 << 20) * (1 << 20)  # 1 MiB aligned
    # system_a: two extents stored out of order (second half first on disk).
    half = len(system) // 2
    a_off = first
    b_off = a_off + (len(system) - half)
    data = bytearray(b_off + half - first)
    data[0:len(system) - half] = system[half:]
    data[b_off - first:b_off - first + half] = system[:half]
    # vendor_a: the image without its all-zero tail, which becomes a ZERO extent.
    used = len(vendor.rstrip(b"\0"))
    used = (used + 4095) // 4096 * 4096
    v_off = first + len(data)
    data += vendor[:used]
    extents = [
        (half // SECTOR, 0, b_off // SECTOR, 0),                 # system_a part 1 (image bytes 0..half)
        ((len(system) - half) // SECTOR, 0, a_off // SECTOR, 0),  # system_a part 2
        (used // SECTOR, 0, v_off // SECTOR, 0),                 # vendor_a data
        ((len(vendor) - used) // SECTOR, 1, 0, 0),               # vendor_a ZERO tail
    ]
    partitions = [("system_a", 1, 0, 2, 0), ("vendor_a", 1, 2, 2, 0), ("product_a", 1, 4, 0, 0)]
    groups = [("default", 0, 0)]
    size = first + len(data)
    devices = [(first // SECTOR, 1 << 20, 0, size, "super", 0)]
    p = b"".join(struct.pack("<36sIIII", n.encode(), a, fi, ne, g) for n, a, fi, ne, g in partitions)
    e = b"".join(struct.pack("<QIQI", *x) for x in extents)
    g = b"".join(struct.pack("<36sIQ", n.encode(), f, m) for n, f, m in groups)
    d = b"".join(struct.pack("<QIIQ36sI", fs, al, ao, sz, n.encode(), f) for fs, al, ao, sz, n, f in devices)
    tables = p + e + g + d
    descs = struct.pack("<12I", 0, len(partitions), 52, len(p), len(extents), 24,
                        len(p) + len(e), len(groups), 48, len(p) + len(e) + len(g), len(devices), 64)
    def header(checksum):
        h = struct.pack("<IHHI32sI32s", 0x414C5030, 10, minor, header_size, checksum, len(tables),
                        hashlib.sha256(tables).digest()) + descs
        if minor >= 2: h += struct.pack("<I", 0) + bytes(124)
        return h
    hdr = header(hashlib.sha256(header(bytes(32))).digest())
    assert len(hdr) == header_size
    metadata = (hdr + tables).ljust(max_size, b"\0")
    def geometry(checksum):
        return struct.pack("<II32sIII", 0x616C4467, 52, checksum, max_size, slots, 4096)
    geo = geometry(hashlib.sha256(geometry(bytes(32))).digest()).ljust(4096, b"\0")
    img = bytearray(first)
    img[4096:8192] = geo
    img[8192:12288] = geo
    for s in range(2 * slots):
        img[12288 + s * max_size:12288 + (s + 1) * max_size] = metadata
    with open(path, "wb") as f: f.write(bytes(img) + bytes(data))
build(0, os.path.join(out, "super.img"))
build(2, os.path.join(out, "super-v10.2.img"))
EOF
7z l "$out/super.img" | grep -q system_a || { echo "make-firmware.sh: 7z does not list super.img" >&2; exit 1; }

# ------------------------------------------------------------------ nested archives
(cd "$out" && zip -q -X -6 "$work/ota.zip" system.simg)
mkdir -p "$work/nest/firmware"
cp "$work/ota.zip" "$work/nest/firmware/ota.zip"
cp -r "$t/vendor" "$work/nest/firmware/vendor"
find "$work/nest" -exec touch -h -d @315532800 {} +
(cd "$work/nest" && tar --sort=name --owner=0 --group=0 --numeric-owner -cf - firmware | gzip -n -9 > "$out/nested.tar.gz")

# ------------------------------------------------------------------ ground truth with the real tools
python3 - "$out" "$work/truth" <<'EOF'
import hashlib, os, subprocess, sys, zipfile
out, scratch = sys.argv[1], sys.argv[2]
os.makedirs(scratch)
counter = [0]
def fresh():
    counter[0] += 1
    d = os.path.join(scratch, str(counter[0])); os.makedirs(d); return d
def run(*args): subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def head(path, n=4100):
    with open(path, "rb") as f: return f.read(n)
def walk_dir(d, prefix, found, join):
    for root, dirs, files in os.walk(d):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            if os.path.islink(full): continue
            rel = os.path.relpath(full, d)
            explore(full, join(prefix, rel), found)
def nested(prefix, rel): return prefix + "!/" + rel
def explore(path, location, found):
    h = head(path)
    if h[:4] == b"\x3a\xff\x26\xed":                        # sparse: simg2img
        raw = os.path.join(fresh(), "raw.img"); run("simg2img", path, raw); explore(raw, location, found)
    elif len(h) >= 4100 and h[4096:4100] == b"gDla":         # super.img: 7z x
        d = fresh(); run("7z", "x", "-o" + d, path)
        for name in sorted(os.listdir(d)):
            explore(os.path.join(d, name), nested(location, os.path.splitext(name)[0]), found)
    elif len(h) >= 1082 and h[1080:1082] == b"\x53\xef":      # ext4: debugfs rdump
        d = fresh(); run("debugfs", "-R", "rdump / " + d, path); walk_dir(d, location, found, nested)
    elif h[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as z: names = z.namelist()
        if "AndroidManifest.xml" in names:
            with open(path, "rb") as f: found.append((location, hashlib.sha256(f.read()).hexdigest()))
        else:
            d = fresh(); run("7z", "x", "-o" + d, path); walk_dir(d, location, found, nested)
    elif h[:2] == b"\x1f\x8b" or h[257:262] == b"ustar":    # tar(.gz): bsdtar -x
        d = fresh(); run("bsdtar", "-x", "-f", path, "-C", d); walk_dir(d, location, found, nested)
samples = {
    "tree": None, "ext4.img": None, "ext4-inline.img": None, "ext2.img": None, "system.simg": None,
    "super.img": None, "super-v10.2.img": None, "nested.tar.gz": None,
}
with open(os.path.join(out, "expected.tsv"), "w") as f:
    for sample in samples:
        found = []
        if sample == "tree":
            walk_dir(os.path.join(out, "tree"), os.path.join(out, "tree"), found, lambda p, r: p + "/" + r)
            found = [(os.path.relpath(l, out), s) for l, s in found]
        else:
            explore(os.path.join(out, sample), sample, found)
        for location, sha in sorted(found):
            f.write(f"{sample}\t{location}\t{sha}\n")
EOF
echo "make-firmware.sh: wrote $out ($(wc -l < "$out/expected.tsv") packages in expected.tsv)" >&2
