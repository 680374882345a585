#!/usr/bin/env bash
# vendor-packages.sh — `presetscan list` through a vendor firmware package against `list` on the
# image it wraps: reading in place must cost no more than 1.1× (issue 15).
#
# Usage: Benchmarks/vendor-packages.sh [--work DIR] [--presetscan BIN] [--runs N] FORMAT...
#   FORMAT: one function below per format (pac huaweiapp qualcomm …); none given: all of them.
#
# The inner image (built once, kept in --work): ext4 (mke2fs -t ext4 -b 4096 -d, 1100 MiB) holding
# the first 100 APKs of /usr/share/doc/androguard/examples under system/app and 960 MiB of
# incompressible system/lib64/*.so. Each function wraps it as its package would, times `list
# --format json --stats` on the package and on the image (best of --runs, default 3, warm page
# cache) and prints "format package_s image_s ratio found_package found_image".
# Needs: mke2fs bc python3 /usr/bin/time, and a presetscan release build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${TMPDIR:-/tmp}/presetscan-bench-vendor"
bin="${PRESETSCAN:-}"
runs=3
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

# best LABEL INPUT: the fastest of $runs `list` runs; sets best_s and best_found.
best() {
    local label="$1" input="$2" r t
    best_s=""
    for r in $(seq 1 "$runs"); do
        read -r _ t _ _ < <(timed "$label" "$bin" list --format json --stats "$input")
        if [[ -z "$best_s" ]] || (( $(echo "$t < $best_s" | bc) )); then best_s="$t"; fi
    done
    best_found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["packages"]))' "$work/out.$label")
}

# compare FORMAT PACKAGE IMAGE: prints the line for FORMAT.
compare() {
    best package "$2"; local tp="$best_s" fp="$best_found"
    best image "$3"; local ti="$best_s" fi="$best_found"
    echo "$1 $tp $ti $(echo "scale=3; $tp / $ti" | bc) $fp $fi"
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

main() {
    [[ ${#formats[@]} -gt 0 ]] || formats=(pac huaweiapp qualcomm)
    echo "format package_s image_s ratio found_package found_image"
    local f
    for f in "${formats[@]}"; do
        declare -F "$f" >/dev/null || { echo "vendor-packages.sh: no benchmark for '$f'" >&2; exit 2; }
        "$f"
    done
}
main
