#!/usr/bin/env bash
# make-squashfs.sh — build squashfs samples of the Android-style tree with the real mksquashfs, and
# the ground truth of the app packages inside them as unsquashfs extracts them.
#
# Usage: Samples/make-squashfs.sh OUTDIR
#
# Runs make-firmware.sh OUTDIR/fw for the tree, then writes into OUTDIR:
#   system-<comp>.sqfs    the tree as squashfs, for every compressor mksquashfs has
#                         (gzip xz lz4 zstd lzo lzma; default 128 KiB blocks)     (mksquashfs -comp)
#   system-gzip-4k.sqfs   gzip with 4 KiB blocks: APKs span many blocks            (mksquashfs -b 4096)
#   system-xz-nofrag.sqfs xz without fragments, compressor options written        (mksquashfs -no-fragments -Xbcj x86)
#   nested-sqfs.simg      sparse image ⊃ ext4 ⊃ ota.zip (stored) ⊃ system-xz.sqfs  (zip -0, mke2fs -d, img2simg)
#   compressors.tsv       compressor <TAB> yes|no: whether libsquashfs has a decompressor for it
#                         (asked of the library through python3 ctypes)
#   expected.tsv          sample <TAB> location <TAB> sha256 of every APK, from unsquashfs -d,
#                         simg2img, debugfs -R rdump and 7z x; only for images libsquashfs reads
# Needs: what make-firmware.sh needs, mksquashfs unsquashfs (squashfs-tools), libsquashfs1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: make-squashfs.sh OUTDIR}"
for tool in mksquashfs unsquashfs mke2fs debugfs img2simg simg2img 7z zip python3; do
    command -v "$tool" >/dev/null || { echo "make-squashfs.sh: '$tool' not found" >&2; exit 2; }
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -f "$out"/*.sqfs "$out/nested-sqfs.simg" "$out/compressors.tsv" "$out/expected.tsv"
bash "$here/make-firmware.sh" "$out/fw" >/dev/null
export SOURCE_DATE_EPOCH=315532800 E2FSPROGS_FAKE_TIME=315532800
work="$(mktemp -d "${TMPDIR:-/tmp}/make-squashfs.XXXXXX")"
trap 'rm -rf "$work"' EXIT

sqfs() {  # sqfs OUTPUT OPTIONS...: the tree, reproducibly
    local target="$1"; shift
    # Times come from SOURCE_DATE_EPOCH (mksquashfs refuses it together with -mkfs-time).
    mksquashfs "$out/fw/tree" "$target" -quiet -no-progress -noappend -no-xattrs -all-root "$@" >/dev/null
}
# Whether libsquashfs itself has a decompressor (squashfs-tools-ng's tools add lzo outside the
# library, so rdsquashfs is no witness): sqfs_compressor_config_init + sqfs_compressor_create with
# SQFS_COMP_FLAG_UNCOMPRESS, called through ctypes.
library_reads() {
    python3 - "$1" <<'PY'
import ctypes, sys
lib = ctypes.CDLL("libsquashfs.so.1")
comp = lib.sqfs_compressor_id_from_name(sys.argv[1].encode())
config, handle = ctypes.create_string_buffer(64), ctypes.c_void_p()
ok = comp > 0 and lib.sqfs_compressor_config_init(config, comp, 131072, 0x8000) == 0 \
    and lib.sqfs_compressor_create(config, ctypes.byref(handle)) == 0
print("yes" if ok else "no")
PY
}
: > "$out/compressors.tsv"
available="$(mksquashfs -help 2>&1 | sed -n '/Compressors available/,/^$/p' || true)"
for comp in gzip xz lz4 zstd lzo lzma; do
    grep -qw "$comp" <<<"$available" || continue
    sqfs "$out/system-$comp.sqfs" -comp "$comp"
    printf '%s\t%s\n' "$comp" "$(library_reads "$comp")" >> "$out/compressors.tsv"
done
sqfs "$out/system-gzip-4k.sqfs" -comp gzip -b 4096
sqfs "$out/system-xz-nofrag.sqfs" -comp xz -no-fragments -Xbcj x86

# A squashfs inside a stored zip inside an ext4 inside a sparse image: read in place all the way.
mkdir -p "$work/nest/firmware"
(cd "$out" && zip -q -X -0 "$work/nest/firmware/ota.zip" system-xz.sqfs)
find "$work/nest" -exec touch -h -d @315532800 {} +
mke2fs -q -F -t ext4 -b 4096 -O ^has_journal -U 11111111-2222-3333-4444-888888888888 \
    -E hash_seed=11111111-2222-3333-4444-555555555555 -d "$work/nest" "$work/nest.img" 8M
img2simg "$work/nest.img" "$out/nested-sqfs.simg"

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
def walk_dir(d, location, found):
    for root, dirs, files in os.walk(d):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            if os.path.islink(full): continue
            explore(full, location + "!/" + os.path.relpath(full, d), found)
def explore(path, location, found):
    h = head(path)
    if h[:4] == b"hsqs":                                     # squashfs: unsquashfs -d
        d = os.path.join(fresh(), "root"); run("unsquashfs", "-no-xattrs", "-d", d, path); walk_dir(d, location, found)
    elif h[:4] == b"\x3a\xff\x26\xed":                      # sparse: simg2img
        raw = os.path.join(fresh(), "raw.img"); run("simg2img", path, raw); explore(raw, location, found)
    elif len(h) >= 1082 and h[1080:1082] == b"\x53\xef":    # ext4: debugfs rdump
        d = fresh(); run("debugfs", "-R", "rdump / " + d, path); walk_dir(d, location, found)
    elif h[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as z: names = z.namelist()
        if "AndroidManifest.xml" in names:
            with open(path, "rb") as f: found.append((location, hashlib.sha256(f.read()).hexdigest()))
        else:
            d = fresh(); run("7z", "x", "-o" + d, path); walk_dir(d, location, found)
readable = {}
with open(os.path.join(out, "compressors.tsv")) as f:
    for line in f:
        comp, ok = line.split()
        readable[comp] = ok == "yes"
samples = [f"system-{c}.sqfs" for c, ok in readable.items() if ok]
samples += ["system-gzip-4k.sqfs", "system-xz-nofrag.sqfs", "nested-sqfs.simg"]
with open(os.path.join(out, "expected.tsv"), "w") as f:
    for sample in samples:
        found = []
        explore(os.path.join(out, sample), sample, found)
        for location, sha in sorted(found):
            f.write(f"{sample}\t{location}\t{sha}\n")
EOF
echo "make-squashfs.sh: wrote $out ($(wc -l < "$out/expected.tsv") packages in expected.tsv)" >&2
