#!/usr/bin/env bash
# make-rockchip.sh — build Rockchip update.img samples around the sample firmware, checked with
# Debian's rkunpack and rkcrc (package rkflashtool), and the ground truth of the apps inside.
#
# Usage: Samples/make-rockchip.sh OUTDIR
#
# Runs make-firmware.sh OUTDIR/fw (super.img and system.simg holding the sample APKs), then writes
# into OUTDIR, laid out as afptool / RKImageMaker write them (rkafp.h, rkrom.h; see Samples/README.md):
#   update.img          RKFW: loader (BOOT) + embedded RKAF holding package-file, parameter (PARM
#                       framing, rkcrc -p), Image/super.img, Image/system.img (sparse), backup
#                       RESERVED, update SELF; RKAF CRC appended by rkcrc
#   rkaf.img            the bare RKAF (what rkunpack calls embedded-update.img)
#   update-truncated.img  update.img cut inside Image/system.img: super.img is still read
#   rkaf-far.img        a part whose offset lies past the end of the image
#   rkaf-overlap.img    package-file's offset moved onto super.img's bytes
#   rkaf-count.img      part count 0xFFFFFFFF
#   rkaf-size.img       RKAF length 1 MiB larger than the image
#   parts.tsv           sample <TAB> entry <TAB> sha256 of each file rkunpack extracts
#   expected.tsv        sample <TAB> location <TAB> sha256 of every APK (from make-firmware.sh's
#                       ground truth for super.img and system.simg, moved under the package)
# Needs: what make-firmware.sh needs, rkunpack rkcrc (rkflashtool), python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: make-rockchip.sh OUTDIR}"
for tool in rkunpack rkcrc python3; do
    command -v "$tool" >/dev/null || { echo "make-rockchip.sh: '$tool' not found" >&2; exit 2; }
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -f "$out"/*.img "$out/parts.tsv" "$out/expected.tsv"
bash "$here/make-firmware.sh" "$out/fw" >/dev/null
work="$(mktemp -d "${TMPDIR:-/tmp}/make-rockchip.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# ------------------------------------------------------------------ the package files
src="$work/src"
mkdir -p "$src/Image"
cp "$out/fw/super.img" "$src/Image/super.img"
cp "$out/fw/system.simg" "$src/Image/system.img"
cat > "$src/Image/parameter.txt" <<'EOF'
FIRMWARE_VER: 8.1.0
MACHINE_MODEL: RK3326
MACHINE_ID: 007
MANUFACTURER: RK3326
MAGIC: 0x5041524B
ATAG: 0x00200800
MACHINE: 3326
CHECK_MASK: 0x80
PWR_HLD: 0,0,A,0,1
TYPE: GPT
CMDLINE: mtdparts=rk29xxnand:0x00002000@0x00004000(uboot),0x00010000@0x00008000(super),0x00008000@0x00018000(system),-@0x00020000(userdata:grow)
EOF
cat > "$src/package-file" <<'EOF'
# NAME          Relative path
package-file    package-file
parameter       Image/parameter.txt
super           Image/super.img
system          Image/system.img
backup          RESERVED
update-script   SELF
EOF
# The parameter framing as Debian's rkcrc -p writes it (PARM, length, text, RKCRC); afptool stores
# the same bytes without rkcrc's 16 KiB padding.
rkcrc -p "$src/Image/parameter.txt" "$work/parameter.parm"
printf 'BOOT\x66\x00' > "$work/loader.bin"
head -c 2042 /dev/zero >> "$work/loader.bin"

python3 - "$src" "$work" <<'EOF'
import os, struct, sys
src, work = sys.argv[1], sys.argv[2]
text = open(os.path.join(src, "Image/parameter.txt"), "rb").read()
parm = open(os.path.join(work, "parameter.parm"), "rb").read()[:len(text) + 12]
assert parm[:4] == b"PARM" and struct.unpack("<I", parm[4:8])[0] == len(text)
# afptool's layout: a 0x800-byte UPDATE_HEADER, then each file padded to 2048 bytes.
parts = []
for line in open(os.path.join(src, "package-file")):
    line = line.strip()
    if not line or line.startswith("#"): continue
    name, path = line.split(None, 1)
    parts.append((name, path))
body, table = bytearray(0x800), []
for name, path in parts:
    if path in ("SELF", "RESERVED"):
        table.append((name, path, 0, 0, 0)); continue
    data = parm if name == "parameter" else open(os.path.join(src, path), "rb").read()
    offset = len(body)
    padded = (len(data) + 2047) // 2048 * 2048
    body += data + bytes(padded - len(data))
    table.append((name, path, offset, padded, len(data)))
def field(s, n): b = s.encode(); return b + bytes(n - len(b))
header = b"RKAF" + struct.pack("<I", len(body)) + field("RK3326", 0x22) + field("007", 0x1e) + field("RK3326", 0x38)
header += struct.pack("<III", 0, (8 << 24) | (1 << 16), len(table))
for name, path, offset, padded, size in table:
    nand = 0xffffffff if path not in ("SELF", "RESERVED") else 0
    if path == "SELF": size, padded = len(body) + 4, (len(body) + 4 + 511) // 512 * 512
    header += field(name, 32) + field(path, 60) + struct.pack("<IIIII", 0, offset, nand, padded, size)
assert len(header) <= 0x800
body[:len(header)] = header
open(os.path.join(work, "rkaf.nocrc"), "wb").write(body)
EOF
# The RKAF CRC trailer, appended by Debian's rkcrc (RKCRC of the whole image).
rkcrc "$work/rkaf.nocrc" "$out/rkaf.img"

python3 - "$out" "$work" <<'EOF'
import os, struct, sys
out, work = sys.argv[1], sys.argv[2]
loader = open(os.path.join(work, "loader.bin"), "rb").read()
rkaf = open(os.path.join(out, "rkaf.img"), "rb").read()
# RKFW_HEADER (rkrom.h), 0x66 bytes: version 8.1.0, 2024-05-06 07:08:09, chip RK3326 (0x36 family).
h = b"RKFW" + struct.pack("<HII", 0x66, (8 << 24) | (1 << 16), 0x02000000)
h += struct.pack("<HBBBBB", 2024, 5, 6, 7, 8, 9) + struct.pack("<I", 0x36)
h += struct.pack("<IIII", 0x66, len(loader), 0x66 + len(loader), len(rkaf))
h += bytes(0x66 - len(h))
import hashlib
body = h + loader + rkaf
open(os.path.join(out, "update.img"), "wb").write(body + hashlib.md5(body).hexdigest().encode())

def part(image, name):
    count = struct.unpack_from("<I", image, 0x88)[0]
    for i in range(count):
        p = 0x8c + i * 0x70
        if image[p:p + 32].rstrip(b"\0").decode() == name: return p
def write(name, data): open(os.path.join(out, name), "wb").write(data)
raw = bytearray(rkaf)
# Truncated inside Image/system.img (the last file): the parts before it are whole.
sysp = part(raw, "system"); off, size = struct.unpack_from("<I", raw, sysp + 0x60)[0], struct.unpack_from("<I", raw, sysp + 0x6c)[0]
full = bytearray(open(os.path.join(out, "update.img"), "rb").read())
write("update-truncated.img", bytes(full[:0x66 + len(loader) + off + size // 2]))
far = bytearray(raw); struct.pack_into("<I", far, part(far, "system") + 0x60, 0x7ff00000); write("rkaf-far.img", bytes(far))
ov = bytearray(raw); superoff = struct.unpack_from("<I", ov, part(ov, "super") + 0x60)[0]
struct.pack_into("<I", ov, part(ov, "package-file") + 0x60, superoff + 4096); write("rkaf-overlap.img", bytes(ov))
cnt = bytearray(raw); struct.pack_into("<I", cnt, 0x88, 0xffffffff); write("rkaf-count.img", bytes(cnt))
sz = bytearray(raw); struct.pack_into("<I", sz, 4, struct.unpack_from("<I", sz, 4)[0] + (1 << 20)); write("rkaf-size.img", bytes(sz))
EOF

# ------------------------------------------------------------------ ground truth: rkunpack
(cd "$work" && mkdir fw && cd fw && rkunpack "$out/update.img" >/dev/null 2>&1)
cmp -s "$work/fw/embedded-update.img" "$out/rkaf.img" || { echo "make-rockchip.sh: rkunpack's embedded-update.img differs" >&2; exit 1; }
cmp -s "$work/fw/BOOT" "$work/loader.bin" || { echo "make-rockchip.sh: rkunpack's BOOT differs" >&2; exit 1; }
(cd "$work" && mkdir af && cd af && rkunpack "$out/rkaf.img" > "$work/rkunpack.log" 2>&1)
grep -q "file size matches" "$work/rkunpack.log" || { echo "make-rockchip.sh: rkunpack: size mismatch" >&2; exit 1; }
cmp -s "$work/af/Image/super.img" "$out/fw/super.img" || { echo "make-rockchip.sh: rkunpack's super.img differs" >&2; exit 1; }
cmp -s "$work/af/Image/system.img" "$out/fw/system.simg" || { echo "make-rockchip.sh: rkunpack's system.img differs" >&2; exit 1; }
cmp -s "$work/af/Image/parameter.txt" "$src/Image/parameter.txt" || { echo "make-rockchip.sh: rkunpack's parameter differs" >&2; exit 1; }
{
    printf 'update.img\tBOOT\t%s\n' "$(sha256sum < "$work/fw/BOOT" | cut -d' ' -f1)"
    printf 'update.img\tRKAF\t%s\n' "$(sha256sum < "$work/fw/embedded-update.img" | cut -d' ' -f1)"
    (cd "$work/af" && find . -type f -size +0 | sort | while read -r f; do
        printf 'rkaf.img\t%s\t%s\n' "${f#./}" "$(sha256sum < "$f" | cut -d' ' -f1)"
    done)
} > "$out/parts.tsv"

# Every APK of super.img and system.simg, at its place in each package.
python3 - "$out" <<'EOF'
import os, sys
out = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "fw/expected.tsv"))]
def moved(sample, prefix):
    return [(loc.replace(sample, prefix, 1), sha) for s, loc, sha in rows if s == sample]
inner = {"super.img": "Image/super.img", "system.simg": "Image/system.img"}
with open(os.path.join(out, "expected.tsv"), "w") as f:
    for sample, outer, names in [
        ("update.img", "update.img!/RKAF!/", ["super.img", "system.simg"]),
        ("rkaf.img", "rkaf.img!/", ["super.img", "system.simg"]),
        ("update-truncated.img", "update-truncated.img!/RKAF!/", ["super.img"]),
        ("rkaf-far.img", "rkaf-far.img!/", ["super.img"]),
        ("rkaf-overlap.img", "rkaf-overlap.img!/", ["super.img", "system.simg"]),
        ("rkaf-count.img", "rkaf-count.img!/", ["super.img", "system.simg"]),
        ("rkaf-size.img", "rkaf-size.img!/", ["super.img", "system.simg"]),
    ]:
        for name in names:
            for loc, sha in sorted(moved(name, outer + inner[name])):
                f.write(f"{sample}\t{loc}\t{sha}\n")
EOF
echo "make-rockchip.sh: wrote $out ($(wc -l < "$out/expected.tsv") packages in expected.tsv)" >&2
