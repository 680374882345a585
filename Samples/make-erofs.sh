#!/usr/bin/env bash
# make-erofs.sh — build EROFS samples of the Android-style firmware tree, and the ground truth of the
# app packages inside them as the real tools extract them.
#
# Usage: Samples/make-erofs.sh OUTDIR
#
# Runs make-firmware.sh OUTDIR/fw for the tree, copies it to OUTDIR/tree and adds two compressible
# files (so that compressed extents span several logical clusters): system/etc/filler.txt (256 KiB
# of text) and system/etc/stored.zip (filler.txt and hello.apk stored, zip -0). Then writes:
#   erofs.img             uncompressed: FLAT_PLAIN and FLAT_INLINE files            (mkfs.erofs)
#   erofs-lz4.img         lz4, compact indexes (2- and 4-byte), 0-padding            (mkfs.erofs -zlz4)
#   erofs-lz4hc.img       lz4hc                                                      (mkfs.erofs -zlz4hc)
#   erofs-bigpcluster.img lz4hc with pclusters up to 64 KiB                          (-zlz4hc -C65536)
#   erofs-ztail.img       lz4hc with tail-packed last extents                        (-zlz4hc -Eztailpacking)
#   erofs-legacy.img      lz4hc, COMPRESSED_FULL indexes, no 0-padding               (-zlz4hc -Elegacy-compress)
#   erofs-extended.img    lz4hc with 64-byte extended inodes                         (-zlz4hc -Eforce-inode-extended)
#   erofs-chunk.img       CHUNK_BASED files, 8 KiB chunks                            (--chunksize=8192)
#   erofs-lzma.img        MicroLZMA, full and compact indexes, ztailpacking, fragments  (tools/make_erofs.py)
#   erofs-deflate.img     DEFLATE, the same layouts                                  (tools/make_erofs.py)
#   expected.tsv          sample <TAB> location <TAB> sha256: every APK `fsck.erofs --extract` (then
#                         `7z x` for zips) gives; for the two hand-made images, which erofs-utils 1.5
#                         cannot decode, every APK of the tree they were made from.
# Needs: what make-firmware.sh needs, mkfs.erofs and fsck.erofs (erofs-utils 1.5), python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: make-erofs.sh OUTDIR}"
for tool in mkfs.erofs fsck.erofs 7z python3; do
    command -v "$tool" >/dev/null || { echo "make-erofs.sh: '$tool' not found" >&2; exit 2; }
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
bash "$here/make-firmware.sh" "$out/fw" 2>/dev/null
rm -rf "$out/tree" "$out"/erofs*.img "$out/expected.tsv"
work="$(mktemp -d "${TMPDIR:-/tmp}/make-erofs.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cp -a "$out/fw/tree" "$out/tree"
t="$out/tree"
python3 - "$t/system/etc/filler.txt" <<'EOF2'
import sys
lines = [f"ro.sample.property.{i:05d}=value-{i * 7919 % 100003:06d} # filler for compressed extents\n" for i in range(4000)]
open(sys.argv[1], "w").write("".join(lines)[:256 * 1024])
EOF2
cp "$here/apk/hello.apk" "$work/hello.apk"
(cd "$t/system/etc" && zip -q -X -0 "$t/system/etc/stored.zip" filler.txt && cd "$work" && zip -q -X -0 "$t/system/etc/stored.zip" hello.apk)
find "$t" -exec touch -h -d @315532800 {} +

uuid=11111111-2222-3333-4444-555555555555
mk() { local name="$1"; shift; mkfs.erofs --quiet -T315532800 -U "$uuid" "$@" "$out/$name" "$t" >/dev/null; }
mk erofs.img
mk erofs-lz4.img -zlz4
mk erofs-lz4hc.img -zlz4hc
mk erofs-bigpcluster.img -zlz4hc -C65536
mk erofs-ztail.img -zlz4hc -Eztailpacking
mk erofs-legacy.img -zlz4hc -Elegacy-compress
mk erofs-extended.img -zlz4hc -Eforce-inode-extended
mk erofs-chunk.img --chunksize=8192
python3 "$here/tools/make_erofs.py" lzma "$t" "$out/erofs-lzma.img"
python3 "$here/tools/make_erofs.py" deflate "$t" "$out/erofs-deflate.img"

# ------------------------------------------------------------------ ground truth with the real tools
python3 - "$out" "$work/truth" <<'EOF2'
import hashlib, os, subprocess, sys, zipfile
out, scratch = sys.argv[1], sys.argv[2]
os.makedirs(scratch)
counter = [0]
def fresh():
    counter[0] += 1
    d = os.path.join(scratch, str(counter[0])); os.makedirs(d); return d
def run(*args): subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def walk_dir(d, prefix, found):
    for root, dirs, files in os.walk(d):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            if os.path.islink(full): continue
            explore(full, prefix + "!/" + os.path.relpath(full, d), found)
def explore(path, location, found):
    with open(path, "rb") as f: h = f.read(1028)
    if h[1024:1028] == b"\xe2\xe1\xf5\xe0":                  # EROFS: fsck.erofs --extract
        d = fresh(); run("fsck.erofs", "--extract=" + d, "--no-preserve", path); walk_dir(d, location, found)
    elif h[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as z: names = z.namelist()
        if "AndroidManifest.xml" in names:
            with open(path, "rb") as f: found.append((location, hashlib.sha256(f.read()).hexdigest()))
        else:
            d = fresh(); run("7z", "x", "-o" + d, path); walk_dir(d, location, found)
samples = ["erofs.img", "erofs-lz4.img", "erofs-lz4hc.img", "erofs-bigpcluster.img", "erofs-ztail.img",
           "erofs-legacy.img", "erofs-extended.img", "erofs-chunk.img", "erofs-lzma.img", "erofs-deflate.img"]
with open(os.path.join(out, "expected.tsv"), "w") as f:
    for sample in samples:
        found = []
        if sample in ("erofs-lzma.img", "erofs-deflate.img"):
            # erofs-utils 1.5 has no MicroLZMA/DEFLATE decoder: the truth is the tree the image holds.
            walk_dir(os.path.join(out, "tree"), sample, found)
        else:
            explore(os.path.join(out, sample), sample, found)
        for location, sha in sorted(found):
            f.write(f"{sample}\t{location}\t{sha}\n")
EOF2
echo "make-erofs.sh: wrote $out ($(wc -l < "$out/expected.tsv") packages in expected.tsv)" >&2
