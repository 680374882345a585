#!/usr/bin/env bash
# erofs.sh — presetscan list on a generated ~2 GB lz4hc EROFS system image holding ~300 APKs, against
# what a QA engineer does today (fsck.erofs --extract + aapt dump badging per APK).
#
# Usage: Benchmarks/erofs.sh [--work DIR] [--presetscan BIN] [--apks N] [--filler-mib N] [--keep] [--prepare]
#   --prepare: only build the image (kept in --work, reused by later runs), time nothing.
#
# The image: mkfs.erofs -zlz4hc (erofs-utils 1.5, 4 KiB pclusters, compact indexes) over a tree with
# N APKs (default 300: the first N of /usr/share/doc/androguard/examples, sorted, spread over
# system/app, system/priv-app, product/app, vendor/app, system_ext/priv-app, as firmware-list.sh
# does) and --filler-mib MiB (default 3000) of non-APK files (system/lib64/*.so: slices of this
# machine's own libraries and binaries, cycled), which lz4hc packs into a ~2 GB image that is
# mostly not app packages. Everything is read once before timing (warm page cache).
# Peak RSS: /usr/bin/time -v (for the pipeline: the largest of its steps).
# Needs: mkfs.erofs fsck.erofs aapt bc python3 /usr/bin/time, and a presetscan release build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${TMPDIR:-/tmp}/presetscan-bench-erofs"
bin="${PRESETSCAN:-}"
apks=300
filler=3000
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
for tool in mkfs.erofs fsck.erofs aapt bc python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "erofs.sh: '$tool' not found" >&2; exit 2; }
done
if [[ -z "$bin" && $prepare == 0 ]]; then
    bin="$root/.build/release/presetscan"
    [[ -x "$bin" ]] || (cd "$root" && swift build -c release >/dev/null)
fi
mkdir -p "$work"
image="$work/system.erofs"

if [[ ! -f "$image" ]]; then
    echo "== building the image in $work" >&2
    tree="$work/tree"
    rm -rf "$tree"
    dirs=(system/app system/priv-app product/app vendor/app system_ext/priv-app)
    i=0
    while IFS= read -r apk; do
        d="${dirs[$((i % ${#dirs[@]}))]}/App$i"
        mkdir -p "$tree/$d"
        cp "$apk" "$tree/$d/App$i.apk"
        i=$((i + 1))
    done < <(find /usr/share/doc/androguard/examples -name '*.apk' | LC_ALL=C sort | head -n "$apks")
    mkdir -p "$tree/system/lib64"
    # Real machine code and data compress like a system partition's libraries (lz4hc: ~0.6); random
    # bytes would not do: mkfs.erofs 1.5 spends minutes per 64 MiB failing to compress them.
    python3 - "$tree/system/lib64" "$filler" <<'EOF2'
import os, sys
folder, mib = sys.argv[1], int(sys.argv[2])
pool, size = [], 0
for top in ("/usr/lib/x86_64-linux-gnu", "/usr/lib", "/usr/bin", "/usr/libexec", "/usr/share"):
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.path.islink(path) or not os.path.isfile(path) or os.path.getsize(path) < 256 << 10:
                continue
            with open(path, "rb") as f: pool.append(f.read())
            size += len(pool[-1])
            if size >= 768 << 20: break
        if size >= 768 << 20: break
    if size >= 768 << 20: break
data = b"".join(pool)
at = 0
for n in range((mib + 29) // 30):
    with open(os.path.join(folder, f"libfiller{n}.so"), "wb") as f:
        left = 30 << 20
        while left:
            piece = data[at:at + left]
            f.write(piece)
            left -= len(piece)
            at = (at + len(piece)) % len(data)
EOF2
    mkfs.erofs --quiet -zlz4hc -T315532800 "$image" "$tree" >/dev/null
    rm -rf "$tree"
fi
[[ $prepare == 0 ]] || { echo "erofs.sh: image ready: $image" >&2; exit 0; }
image_bytes=$(stat -c %s "$image")
cat "$image" > /dev/null

# timed, presetscan_list, aapt_each
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

presetscan_list "$image"

echo "== fsck.erofs --extract + aapt dump badging per APK" >&2
rm -rf "$work/extract"
read -r _ t_fsck rss_fsck _ < <(timed fsck fsck.erofs --extract="$work/extract" --no-preserve "$image")
aapt_each "$work/extract"
t_pipe=$(echo "$t_fsck + $t_aapt" | bc)
rss_pipe=$(printf '%s\n' "$rss_fsck" "$rss_aapt" | sort -n | tail -1)
[[ $keep == 1 ]] || rm -rf "$work/extract"

printf '\nimage: %s (%d bytes, lz4hc), %d APKs found by presetscan, %d by fsck.erofs --extract\n' \
    "$image" "$image_bytes" "$found" "$n_aapt"
printf '| tool | wall | peak RSS | presetscan is |\n| --- | --- | --- | --- |\n'
printf '| `presetscan list --format json` | %.2f s (CPU %.2f s) | %d MiB | |\n' "$t_ps" "$cpu_ps" $((rss_ps / 1024))
printf '| fsck.erofs --extract + aapt ×%d | %.2f s (%.2f + %.2f) | %d MiB | **%.1f× faster** |\n' \
    "$n_aapt" "$t_pipe" "$t_fsck" "$t_aapt" $((rss_pipe / 1024)) "$(echo "$t_pipe / $t_ps" | bc -l)"
printf '\nratio (pipeline wall / presetscan wall): %.1f\n' "$(echo "$t_pipe / $t_ps" | bc -l)"
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'bytes read by presetscan: %d of %d (%.2f %% of the image)\n' \
    "$bytes_read" "$image_bytes" "$(echo "100 * $bytes_read / $image_bytes" | bc -l)"
