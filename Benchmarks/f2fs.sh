#!/usr/bin/env bash
# f2fs.sh — presetscan list on a generated 2 GB f2fs userdata image holding 50 apps, against what a QA
# engineer does today without a mount (f2fs-tools only): `fsck.f2fs -t` to find the files, then
# `dump.f2fs -i INO` per APK, then `aapt dump badging` per APK. Reports the bytes presetscan reads
# (the proof that files are read in place: ≤ 15 % of the image).
#
# Usage: Benchmarks/f2fs.sh [--work DIR] [--presetscan BIN] [--apks N] [--filler-mib N] [--keep] [--prepare]
#   --prepare: only build the image (kept in --work, reused by later runs), time nothing.
#
# The image: mkfs.f2fs (f2fs-tools 1.15) of 2 GiB, loaded by sload.f2fs with N APKs (default 50: the
# first N of /usr/share/doc/androguard/examples, sorted) at app/<Name>/<Name>.apk, and --filler-mib
# MiB (default 1500) of user data (data/media/*.bin: slices of this machine's libraries, 30 MiB each):
# an image that is mostly not app packages, as userdata is. Read once before timing (warm cache).
# Needs: mkfs.f2fs sload.f2fs fsck.f2fs dump.f2fs aapt bc python3 /usr/bin/time, a presetscan release build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${TMPDIR:-/tmp}/presetscan-bench-f2fs"
bin="${PRESETSCAN:-}"
apks=50
filler=1500
keep=0
prepare=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --work) work="$2"; shift 2 ;;
        --presetscan) bin="$2"; shift 2 ;;
        --apks) apks="$2"; shift 2 ;;
        --filler-mib) filler="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        --prepare) prepare=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
for tool in mkfs.f2fs sload.f2fs fsck.f2fs dump.f2fs aapt bc python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "f2fs.sh: '$tool' not found" >&2; exit 2; }
done
if [[ -z "$bin" && $prepare == 0 ]]; then
    bin="$root/.build/release/presetscan"
    [[ -x "$bin" ]] || (cd "$root" && swift build -c release >/dev/null)
fi
mkdir -p "$work"
work="$(cd "$work" && pwd)"
image="$work/userdata.f2fs"

if [[ ! -f "$image" ]]; then
    echo "== building the image in $work" >&2
    tree="$work/tree"
    rm -rf "$tree"
    i=0
    while IFS= read -r apk; do
        mkdir -p "$tree/app/App$i"
        cp "$apk" "$tree/app/App$i/App$i.apk"
        i=$((i + 1))
    done < <(find /usr/share/doc/androguard/examples -name '*.apk' | LC_ALL=C sort | head -n "$apks")
    mkdir -p "$tree/data/media"
    python3 - "$tree/data/media" "$filler" <<'EOF2'
import os, sys
folder, mib = sys.argv[1], int(sys.argv[2])
pool, size = [], 0
for top in ("/usr/lib/x86_64-linux-gnu", "/usr/lib", "/usr/bin"):
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.path.islink(path) or not os.path.isfile(path) or os.path.getsize(path) < 256 << 10:
                continue
            with open(path, "rb") as f: pool.append(f.read())
            size += len(pool[-1])
            if size >= 512 << 20: break
        if size >= 512 << 20: break
    if size >= 512 << 20: break
data = b"".join(pool)
at = 0
for n in range((mib + 29) // 30):
    with open(os.path.join(folder, f"media{n:03d}.bin"), "wb") as f:
        left = 30 << 20
        while left:
            piece = data[at:at + left]
            f.write(piece)
            left -= len(piece)
            at = (at + len(piece)) % len(data)
EOF2
    truncate -s 2G "$image"
    mkfs.f2fs -q -f "$image" >/dev/null
    sload.f2fs -T 315532800 -f "$tree" "$image" >/dev/null 2>&1
    rm -rf "$tree"
fi
[[ $prepare == 0 ]] || { echo "f2fs.sh: image ready: $image" >&2; exit 0; }
image_bytes=$(stat -c %s "$image")
cat "$image" > /dev/null

# timed, presetscan_list, aapt_each
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

presetscan_list "$image"

echo "== fsck.f2fs -t + dump.f2fs -i per APK + aapt dump badging per APK" >&2
rm -rf "$work/extract"
mkdir -p "$work/extract"
cat > "$work/peer.sh" <<'EOF2'
set -euo pipefail
image="$1"; out="$2"
fsck.f2fs -t "$image" 2>/dev/null | sed -n 's/.*-- \(.*\.apk\) <ino = \(0x[0-9a-f]*\)>.*/\2 \1/p' > "$out/apks.txt"
while read -r ino name; do
    mkdir -p "$out/$ino"
    (cd "$out/$ino" && echo y | dump.f2fs -i "$ino" "$image" >/dev/null 2>&1)
done < "$out/apks.txt"
EOF2
read -r _ t_dump rss_dump _ < <(timed dump bash "$work/peer.sh" "$image" "$work/extract")
aapt_each "$work/extract"
t_pipe=$(echo "$t_dump + $t_aapt" | bc)
rss_pipe=$(printf '%s\n' "$rss_dump" "$rss_aapt" | sort -n | tail -1)
[[ $keep == 1 ]] || rm -rf "$work/extract"

printf '\nimage: %s (%d bytes), %d APKs found by presetscan, %d by fsck.f2fs -t + dump.f2fs\n' \
    "$image" "$image_bytes" "$found" "$n_aapt"
printf '| tool | wall | peak RSS | presetscan is |\n| --- | --- | --- | --- |\n'
printf '| `presetscan list --format json` | %.2f s (CPU %.2f s) | %d MiB | |\n' "$t_ps" "$cpu_ps" $((rss_ps / 1024))
printf '| fsck.f2fs -t + dump.f2fs ×%d + aapt ×%d | %.2f s (%.2f + %.2f) | %d MiB | **%.1f× faster** |\n' \
    "$n_aapt" "$n_aapt" "$t_pipe" "$t_dump" "$t_aapt" $((rss_pipe / 1024)) "$(echo "$t_pipe / $t_ps" | bc -l)"
printf '\nratio (pipeline wall / presetscan wall): %.1f\n' "$(echo "$t_pipe / $t_ps" | bc -l)"
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'bytes read by presetscan: %d of %d (%.2f %% of the image)\n' \
    "$bytes_read" "$image_bytes" "$(echo "100 * $bytes_read / $image_bytes" | bc -l)"
