#!/usr/bin/env bash
# vendor-packages.sh — `presetscan list` through a vendor firmware package against `list` on the
# image it wraps: reading in place must cost no more than 1.1× (issue 15).
#
# Usage: Benchmarks/vendor-packages.sh [--work DIR] [--presetscan BIN] [--runs N] FORMAT...
#   FORMAT: one function below per format (pac huaweiapp qualcomm rockchip amlogic); none given: all of them.
#
# The inner image (built once, kept in --work): ext4 (mke2fs -t ext4 -b 4096 -d, 1100 MiB) holding
# the first 100 APKs of /usr/share/doc/androguard/examples under system/app and 960 MiB of
# incompressible system/lib64/*.so. Each function wraps it as its package would, times `list
# --format json --stats` on the package and on the image (best of --runs, default 15, warm page
# cache) and prints per format: wall and CPU seconds (best of each) and bytes read (`--stats`) through
# the package and on the image, each with its ratio, and the apps found in both.
# Needs: mke2fs bc python3 /usr/bin/time, and a presetscan release build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${TMPDIR:-/tmp}/presetscan-bench-vendor"
bin="${PRESETSCAN:-}"
runs=15
formats=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --work) work="$2"; shift 2 ;;
        --presetscan) bin="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) formats+=("$1"); shift ;;
    esac
done
for tool in mke2fs bc python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "vendor-packages.sh: '$tool' not found" >&2; exit 2; }
done
if [[ -z "$bin" ]]; then
    bin="$root/.build/release/presetscan"
    [[ -x "$bin" ]] || (cd "$root" && swift build -c release >/dev/null)
fi
mkdir -p "$work"
source "$root/Benchmarks/lib.sh"

# The ext4 image every package wraps.
inner_image() {
    local image="$work/system.img"
    if [[ ! -f "$image" ]]; then
        echo "== building the inner image in $work" >&2
        local tree="$work/tree" i=0 apk
        rm -rf "$tree"
        while IFS= read -r apk; do
            mkdir -p "$tree/system/app/App$i"; cp "$apk" "$tree/system/app/App$i/App$i.apk"; i=$((i + 1))
        done < <(find /usr/share/doc/androguard/examples -name '*.apk' | LC_ALL=C sort | head -n 100)
        mkdir -p "$tree/system/lib64"
        for n in $(seq 0 31); do head -c $((30 << 20)) /dev/urandom > "$tree/system/lib64/libfiller$n.so"; done
        mke2fs -q -F -t ext4 -b 4096 -d "$tree" "$image.tmp" 1100M >/dev/null
        mv "$image.tmp" "$image"
        rm -rf "$tree"
    fi
    echo "$image"
}

# best LABEL INPUT: the fastest of $runs `list` runs (wall and CPU seconds apart); sets best_s,
# best_cpu, best_found and best_bytes (bytes presetscan read, from --stats).
best() {
    local label="$1" input="$2" r t cpu
    best_s="" best_cpu=""
    for r in $(seq 1 "$runs"); do
        read -r _ t _ cpu < <(timed "$label" "$bin" list --format json --stats "$input")
        if [[ -z "$best_s" ]] || (( $(echo "$t < $best_s" | bc) )); then best_s="$t"; fi
        if [[ -z "$best_cpu" ]] || (( $(echo "$cpu < $best_cpu" | bc) )); then best_cpu="$cpu"; fi
    done
    best_found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["packages"]))' "$work/out.$label")
    best_bytes=$(sed -n 's/^bytes read: \([0-9]*\) of.*/\1/p' "$work/err.$label")
}

# compare FORMAT PACKAGE IMAGE: prints the line for FORMAT (ratios package / image).
compare() {
    best package "$2"; local tp="$best_s" cp="$best_cpu" fp="$best_found" bp="$best_bytes"
    best image "$3"; local ti="$best_s" ci="$best_cpu" fi="$best_found" bi="$best_bytes"
    echo "$1 $tp $ti $(echo "scale=3; $tp / $ti" | bc) $cp $ci $(echo "scale=3; $cp / $ci" | bc) $bp $bi $(echo "scale=4; $bp / $bi" | bc) $fp $fi"
}

# Unisoc PAC: BP_R2.0.1 with an FDL and system.img, laid out as Samples/make-vendor.sh writes it.
# Header CRC set; data CRC left 0 (presetscan checks it only up to 64 MiB).
pac() {
    local image package="$work/firmware.pac"
    image="$(inner_image)"
    if [[ ! -f "$package" || "$package" -ot "$image" ]]; then
        python3 - "$image" "$package" <<'EOF'
import os, shutil, struct, sys
image, package = sys.argv[1], sys.argv[2]
def wide(t, u): return t.encode("utf-16-le").ljust(u * 2, b"\0")
def crc(d, c=0):
    for b in d:
        c ^= b
        for _ in range(8): c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
    return c
size, fdl = os.path.getsize(image), bytes(4096)
files = [("FDL", "fdl1.bin", len(fdl)), ("System", "system.img", size)]
at, heads = 2124 + 2580 * len(files), b""
for fid, name, n in files:
    h = bytearray(2580); struct.pack_into("<I", h, 0, 2580); h[4:516] = wide(fid, 256); h[516:1028] = wide(name, 256)
    struct.pack_into("<II", h, 1532, n >> 32, at >> 32); struct.pack_into("<IIII", h, 1540, n & 0xffffffff, 1, 1, at & 0xffffffff)
    heads += bytes(h); at += n
h = bytearray(2124); h[0:44] = wide("BP_R2.0.1", 22); struct.pack_into("<II", h, 44, at >> 32, at & 0xffffffff)
struct.pack_into("<II", h, 1076, len(files), 2124); struct.pack_into("<I", h, 2116, 0xFFFAFFFA)
struct.pack_into("<H", h, 2120, crc(bytes(h[:2120])))
with open(package + ".tmp", "wb") as out:
    out.write(bytes(h) + heads + fdl)
    with open(image, "rb") as f: shutil.copyfileobj(f, out, 16 << 20)
os.replace(package + ".tmp", package)
EOF
    fi
    compare pac "$package" "$image"
}

# Huawei UPDATE.APP: blocks SHA256RSA and SYSTEM = system.img, as Samples/make-vendor.sh writes them.
# The CRC list is written as zeros (computing it in Python takes minutes; presetscan checks it only
# for blocks up to 64 MiB).
huaweiapp() {
    local image package="$work/UPDATE.APP"
    image="$(inner_image)"
    if [[ ! -f "$package" || "$package" -ot "$image" ]]; then
        python3 - "$image" "$package" <<'EOF'
import os, shutil, struct, sys
image, package = sys.argv[1], sys.argv[2]
def header(partition, n):
    crcs = 2 * ((n + 4095) // 4096)
    h = bytearray(98); struct.pack_into("<IIII", h, 0, 0xA55AAA55, 98 + crcs, 1, 0); struct.pack_into("<II", h, 20, 1, n)
    h[60:60 + len(partition)] = partition.encode(); struct.pack_into("<H", h, 94, 4096)
    return bytes(h) + bytes(crcs)
size, rsa = os.path.getsize(image), bytes(256)
with open(package + ".tmp", "wb") as out:
    first = bytes(92) + header("SHA256RSA", len(rsa)) + rsa
    out.write(first + bytes(-len(first) % 4) + header("SYSTEM", size))
    with open(image, "rb") as f: shutil.copyfileobj(f, out, 16 << 20)
os.replace(package + ".tmp", package)
EOF
    fi
    compare huaweiapp "$package" "$image"
}

# Qualcomm flat build: system.img cut into 256 MiB raw pieces (system_1.img …) placed by the
# start_sector of rawprogram0.xml; the folder is listed against the image.
qualcomm() {
    local image folder="$work/qcom"
    image="$(inner_image)"
    if [[ ! -f "$folder/rawprogram0.xml" || "$folder/rawprogram0.xml" -ot "$image" ]]; then
        rm -rf "$folder"; mkdir -p "$folder"
        split -b 256M -d -a 1 "$image" "$folder/piece."
        local n=1 sector=4096 piece
        {
            echo '<?xml version="1.0" ?>'; echo '<data>'
            for piece in "$folder"/piece.*; do
                mv "$piece" "$folder/system_$n.img"
                printf '  <program SECTOR_SIZE_IN_BYTES="4096" filename="system_%d.img" label="system" start_sector="%d"/>\n' "$n" "$sector"
                sector=$((sector + (256 << 20) / 4096)); n=$((n + 1))
            done
            echo '</data>'
        } > "$folder/rawprogram0.xml.tmp"
        mv "$folder/rawprogram0.xml.tmp" "$folder/rawprogram0.xml"
    fi
    compare qualcomm "$folder" "$image"
}

# Rockchip: RKFW (loader + RKAF) whose RKAF holds package-file, parameter and Image/system.img, laid
# out as Samples/make-rockchip.sh writes it (afptool's 0x800-byte header, 2 KiB padding).
rockchip() {
    local image package="$work/update.img"
    image="$(inner_image)"
    if [[ ! -f "$package" || "$package" -ot "$image" ]]; then
        python3 - "$image" "$package" <<'EOF'
import os, shutil, struct, sys
image, package = sys.argv[1], sys.argv[2]
def field(s, n): b = s.encode(); return b + bytes(n - len(b))
size = os.path.getsize(image)
pkgfile = b"package-file package-file\nsystem Image/system.img\n"
text = b"CMDLINE: mtdparts=rk29xxnand:-@0x8000(system)\n"
parm = b"PARM" + struct.pack("<I", len(text)) + text + bytes(4)
files = [("package-file", "package-file", pkgfile), ("parameter", "Image/parameter.txt", parm), ("system", "Image/system.img", None)]
offset, table, blobs = 0x800, b"", []
for name, path, data in files:
    n = len(data) if data is not None else size
    table += field(name, 32) + field(path, 60) + struct.pack("<IIIII", 0, offset, 0, (n + 2047) // 2048 * 2048, n)
    blobs.append((offset, data)); offset += (n + 2047) // 2048 * 2048
header = b"RKAF" + struct.pack("<I", offset) + field("BENCH", 0x22) + field("1", 0x1e) + field("BENCH", 0x38)
header += struct.pack("<III", 0, 0, len(files)) + table
loader = b"BOOT" + bytes(2044)
rkfw = b"RKFW" + struct.pack("<HII", 0x66, 0x08010000, 0) + struct.pack("<HBBBBB", 2024, 1, 1, 0, 0, 0)
rkfw += struct.pack("<IIIII", 0x36, 0x66, len(loader), 0x66 + len(loader), offset + 4)
rkfw += bytes(0x66 - len(rkfw))
base = len(rkfw) + len(loader)
with open(package + ".tmp", "wb") as out:
    out.write(rkfw + loader + header + bytes(0x800 - len(header)))
    for off, data in blobs:
        out.seek(base + off)
        if data is not None: out.write(data)
        else:
            with open(image, "rb") as f: shutil.copyfileobj(f, out, 16 << 20)
    out.seek(base + offset); out.write(bytes(4))  # CRC not computed: presetscan checks it only up to 64 MiB
os.replace(package + ".tmp", package)
EOF
    fi
    compare rockchip "$package" "$image"
}

# Amlogic: a v2 burning image with DDR.USB, platform.conf and system.PARTITION, laid out as
# Samples/make-amlogic.sh writes it.
amlogic() {
    local image package="$work/aml_upgrade_package.img"
    image="$(inner_image)"
    if [[ ! -f "$package" || "$package" -ot "$image" ]]; then
        python3 - "$image" "$package" <<'EOF'
import os, shutil, struct, sys
image, package = sys.argv[1], sys.argv[2]
size = os.path.getsize(image)
items = [("USB", "DDR", 0, b"DDR" + bytes(1021)), ("conf", "platform", 0, b"Platform:0x0811\n"), ("PARTITION", "system", 0, None)]
offset, table, blobs = 64 + 576 * len(items), b"", []
for i, (main, sub, ftype, data) in enumerate(items):
    offset += -offset % 4
    n = len(data) if data is not None else size
    table += struct.pack("<IIQQQ", i, ftype, 0, offset, n) + main.encode().ljust(256, b"\0") + sub.encode().ljust(256, b"\0")
    table += struct.pack("<IHH", 0, 0, 0) + bytes(24)
    blobs.append((offset, data)); offset += n
with open(package + ".tmp", "wb") as out:
    # CRC left 0: presetscan checks it only up to 64 MiB.
    out.write(struct.pack("<IIIQII", 0, 2, 0x27B51956, offset, 4, len(items)) + bytes(36) + table)
    for off, data in blobs:
        out.seek(off)
        if data is not None: out.write(data)
        else:
            with open(image, "rb") as f: shutil.copyfileobj(f, out, 16 << 20)
os.replace(package + ".tmp", package)
EOF
    fi
    compare amlogic "$package" "$image"
}

main() {
    [[ ${#formats[@]} -gt 0 ]] || formats=(pac huaweiapp qualcomm rockchip amlogic)
    echo "format wall_package wall_image wall_ratio cpu_package cpu_image cpu_ratio bytes_package bytes_image bytes_ratio found_package found_image"
    local f
    for f in "${formats[@]}"; do
        declare -F "$f" >/dev/null || { echo "vendor-packages.sh: no benchmark for '$f'" >&2; exit 2; }
        "$f"
    done
}
main
