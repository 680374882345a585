#!/usr/bin/env bash
# squashfs.sh — presetscan list on a generated ~1 GB xz squashfs holding ~300 APKs, against what a
# QA engineer does today: unsquashfs, then aapt dump badging per APK.
#
# Usage: Benchmarks/squashfs.sh [--work DIR] [--presetscan BIN] [--apks N] [--filler-mib N] [--keep] [--prepare]
#   --prepare: only build the image (kept in --work, reused by later runs), time nothing.
#
# The image: mksquashfs -comp xz (128 KiB blocks) over a tree with N APKs (default 300: the first N
# of /usr/share/doc/androguard/examples, sorted, spread over system/app, system/priv-app,
# product/app, vendor/app, system_ext/priv-app) and --filler-mib MiB (default 900) of
# incompressible non-APK files (system/lib64/*.so from /dev/urandom), so most of the image is not
# app packages, as in a real system image. Everything is read once before timing (warm page cache).
# Peak RSS: /usr/bin/time -v (for the pipeline: the largest of its steps).
# Bytes read: presetscan's `list --stats` counts the bytes its byte sources read from the input.
# Needs: mksquashfs unsquashfs aapt bc python3 /usr/bin/time, and a presetscan release build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${TMPDIR:-/tmp}/presetscan-bench-squashfs"
bin="${PRESETSCAN:-}"
apks=300
filler=900
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
for tool in mksquashfs unsquashfs aapt bc python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "squashfs.sh: '$tool' not found" >&2; exit 2; }
done
if [[ -z "$bin" && $prepare == 0 ]]; then
    bin="$root/.build/release/presetscan"
    [[ -x "$bin" ]] || (cd "$root" && swift build -c release >/dev/null)
fi
mkdir -p "$work"
image="$work/system.sqfs"

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
    mksquashfs "$tree" "$image.part" -comp xz -noappend -no-xattrs -all-root -quiet -no-progress >/dev/null
    mv "$image.part" "$image"
    rm -rf "$tree"
fi
[[ $prepare == 0 ]] || { echo "squashfs.sh: image ready: $image" >&2; exit 0; }
image_bytes=$(stat -c %s "$image")
cat "$image" > /dev/null

# timed, presetscan_list, aapt_each
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

presetscan_list "$image"

echo "== unsquashfs + aapt dump badging per APK" >&2
rm -rf "$work/extract"
read -r _ t_unsq rss_unsq _ < <(timed unsquashfs unsquashfs -no-progress -no-xattrs -d "$work/extract" "$image")
aapt_each "$work/extract"
t_pipe=$(echo "$t_unsq + $t_aapt" | bc)
rss_pipe=$(printf '%s\n' "$rss_unsq" "$rss_aapt" | sort -n | tail -1)
[[ $keep == 1 ]] || rm -rf "$work/extract"

printf '\nimage: %s (%d bytes, xz), %d APKs found by presetscan, %d extracted by unsquashfs\n' \
    "$image" "$image_bytes" "$found" "$n_aapt"
printf '| tool | wall | peak RSS | presetscan is |\n| --- | --- | --- | --- |\n'
printf '| `presetscan list --format json` | %.2f s (CPU %.2f s) | %d MiB | |\n' "$t_ps" "$cpu_ps" $((rss_ps / 1024))
printf '| unsquashfs + aapt ×%d | %.2f s (%.2f + %.2f) | %d MiB | **%.0f× faster** |\n' \
    "$n_aapt" "$t_pipe" "$t_unsq" "$t_aapt" $((rss_pipe / 1024)) "$(echo "$t_pipe / $t_ps" | bc -l)"
printf '\nload average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'bytes read by presetscan: %d of %d (%.2f %% of the image)\n' \
    "$bytes_read" "$image_bytes" "$(echo "100 * $bytes_read / $image_bytes" | bc -l)"
