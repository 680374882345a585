#!/usr/bin/env bash
# firmware-list.sh — presetscan list on a generated ~2 GB sparse ext4 system image holding ~300 APKs,
# against what a QA engineer does today (simg2img + debugfs rdump + aapt dump badging per APK) and
# against `7z l`.
#
# Usage: Benchmarks/firmware-list.sh [--work DIR] [--presetscan BIN] [--apks N] [--filler-mib N] [--keep] [--prepare]
#   --prepare: only build the image (kept in --work, reused by later runs), time nothing.
#
# The image: mke2fs -t ext4 (4 KiB blocks, 2 GiB) -d over a tree with N APKs (default 300: the first
# N of /usr/share/doc/androguard/examples, sorted, spread over system/app, system/priv-app,
# product/app, vendor/app, system_ext/priv-app) and --filler-mib MiB (default 1200) of incompressible
# non-APK files (system/lib64/*.so from /dev/urandom) so the image is mostly not app packages, as in
# a real system image; then img2simg. Everything is read once before timing (warm page cache).
# Peak RSS: /usr/bin/time -v (for the pipeline: the largest of its steps).
# Bytes read: presetscan's `list --stats` counts the bytes its byte sources read from the input.
# Needs: mke2fs img2simg simg2img debugfs aapt 7z bc python3 /usr/bin/time, and a presetscan release build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${TMPDIR:-/tmp}/presetscan-bench-firmware"
bin="${PRESETSCAN:-}"
apks=300
filler=1200
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
for tool in mke2fs img2simg simg2img debugfs aapt 7z /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "firmware-list.sh: '$tool' not found" >&2; exit 2; }
done
if [[ -z "$bin" && $prepare == 0 ]]; then
    bin="$root/.build/release/presetscan"
    [[ -x "$bin" ]] || (cd "$root" && swift build -c release >/dev/null)
fi
mkdir -p "$work"
image="$work/system.simg"

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
    n=0
    while [[ $((n * 30)) -lt $filler ]]; do
        head -c $((30 << 20)) /dev/urandom > "$tree/system/lib64/libfiller$n.so"
        n=$((n + 1))
    done
    mke2fs -q -F -t ext4 -b 4096 -d "$tree" "$work/system.raw" 2G
    img2simg "$work/system.raw" "$image"
    rm -rf "$tree" "$work/system.raw"
fi
[[ $prepare == 0 ]] || { echo "firmware-list.sh: image ready: $image" >&2; exit 0; }
image_bytes=$(stat -c %s "$image")
cat "$image" > /dev/null

# timed, presetscan_list, aapt_each
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

presetscan_list "$image"
# `list` searches every package for filing numbers by default; the same run without the search.
read -r _ t_ns rss_ns cpu_ns < <(timed presetscan_nosearch "$bin" list --format json --no-filing-search "$image")

echo "== simg2img + debugfs rdump + aapt dump badging per APK" >&2
rm -rf "$work/raw.img" "$work/extract"; mkdir -p "$work/extract"
read -r _ t_simg rss_simg _ < <(timed simg2img simg2img "$image" "$work/raw.img")
read -r _ t_rdump rss_rdump _ < <(timed debugfs debugfs -R "rdump / $work/extract" "$work/raw.img")
aapt_each "$work/extract"
t_pipe=$(echo "$t_simg + $t_rdump + $t_aapt" | bc)
rss_pipe=$(printf '%s\n' "$rss_simg" "$rss_rdump" "$rss_aapt" | sort -n | tail -1)

echo "== 7z l" >&2
read -r _ t_7z_s rss_7z_s _ < <(timed 7z_sparse 7z l "$image")
read -r _ t_7z_r rss_7z_r _ < <(timed 7z_raw 7z l "$work/raw.img")
[[ $keep == 1 ]] || rm -rf "$work/raw.img" "$work/extract"

printf '\nimage: %s (%d bytes sparse, 2 GiB expanded), %d APKs found by presetscan, %d by debugfs\n' \
    "$image" "$image_bytes" "$found" "$n_aapt"
printf '| tool | wall | peak RSS | presetscan is |\n| --- | --- | --- | --- |\n'
printf '| `presetscan list --format json` | %.2f s (CPU %.2f s) | %d MiB | |\n' "$t_ps" "$cpu_ps" $((rss_ps / 1024))
printf '| `presetscan list --format json --no-filing-search` | %.2f s (CPU %.2f s) | %d MiB | |\n' "$t_ns" "$cpu_ns" $((rss_ns / 1024))
printf '| simg2img + debugfs rdump + aapt ×%d | %.2f s (%.2f + %.2f + %.2f) | %d MiB | **%.0f× faster** |\n' \
    "$n_aapt" "$t_pipe" "$t_simg" "$t_rdump" "$t_aapt" $((rss_pipe / 1024)) "$(echo "$t_pipe / $t_ps" | bc -l)"
printf '| `7z l system.simg` (lists the sparse container only) | %.2f s | %d MiB | %.1f× |\n' \
    "$t_7z_s" $((rss_7z_s / 1024)) "$(echo "$t_7z_s / $t_ps" | bc -l)"
printf '| `7z l raw.img` (file names only, after simg2img) | %.2f s | %d MiB | %.1f× |\n' \
    "$t_7z_r" $((rss_7z_r / 1024)) "$(echo "$t_7z_r / $t_ps" | bc -l)"
printf '\nload average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'bytes read by presetscan: %d of %d (%.2f %% of the sparse image)\n' \
    "$bytes_read" "$image_bytes" "$(echo "100 * $bytes_read / $image_bytes" | bc -l)"
