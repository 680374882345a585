#!/usr/bin/env bash
# payload.sh — presetscan list on a ~1 GB A/B OTA zip (payload.bin, REPLACE_XZ operations) holding an
# ext4 system image with ~300 APKs, against the extract-then-aapt pipeline and against one `xz -d`
# pass over exactly the operations presetscan decodes.
#
# Usage: Benchmarks/payload.sh [--work DIR] [--presetscan BIN] [--apks N] [--filler-mib N] [--level N] [--keep] [--prepare]
#   --prepare: only build the OTA zip (kept in --work, reused by later runs), time nothing.
#
# The OTA: a tree with N APKs (default 300: the first N of /usr/share/doc/androguard/examples,
# sorted, spread over system/app, system/priv-app, product/app, vendor/app, system_ext/priv-app)
# and --filler-mib MiB (default 960) of incompressible system/lib64/*.so, made into an ext4 image
# (mke2fs -t ext4 -b 4096 -d, 1200 MiB), then Samples/tools/make_ota.py payload: one 2 MiB
# operation per chunk, REPLACE_XZ or ZERO for all-zero chunks; payload.bin stored in the zip and
# named by ota-streaming-property-files. XZ data: chunks that deflate cannot shrink (the random
# filler) are written as .xz streams of uncompressed LZMA2 chunks, which is what xz makes of them
# (checked: same layout, 8 bytes apart per 2 MiB) without an hour of match finding on a shared
# machine; the others by `xz --check=crc32 -LEVEL` (default 0; decoding barely depends on it).
# Timed (warm page cache, /usr/bin/time -v for peak RSS):
#   (a) presetscan list --format json --stats ota.zip
#   (b) make_ota.py apply-payload (xz -dc per operation, as payload extractors do) + debugfs rdump
#       + aapt dump badging per APK; peak RSS: the largest step (aapt's on the largest APK)
#   (c) xz -dc over the concatenated blobs of the operations presetscan decodes (found from the
#       offsets of its pread64 calls under strace, in a separate untimed run): the decompression
#       floor for what it needs
# Needs: mke2fs debugfs aapt xz strace bc python3 /usr/bin/time, and a presetscan release build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${TMPDIR:-/tmp}/presetscan-bench-payload"
bin="${PRESETSCAN:-}"
apks=300
filler=960
level=0
keep=0
prepare=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --work) work="$2"; shift 2 ;;
        --presetscan) bin="$2"; shift 2 ;;
        --apks) apks="$2"; shift 2 ;;
        --filler-mib) filler="$2"; shift 2 ;;
        --level) level="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        --prepare) prepare=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
for tool in mke2fs debugfs aapt xz strace bc python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "payload.sh: '$tool' not found" >&2; exit 2; }
done
if [[ -z "$bin" && $prepare == 0 ]]; then
    bin="$root/.build/release/presetscan"
    [[ -x "$bin" ]] || (cd "$root" && swift build -c release >/dev/null)
fi
make_ota="$root/Samples/tools/make_ota.py"
mkdir -p "$work"
ota="$work/ota.zip"

if [[ ! -f "$ota" ]]; then
    echo "== building the OTA in $work" >&2
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
    mke2fs -q -F -t ext4 -b 4096 -d "$tree" "$work/system.raw" 1200M >/dev/null
    python3 "$make_ota" payload "$ota.tmp" system="$work/system.raw" --codec xz --level "$level" --chunk $((2 << 20)) --store-incompressible
    mv "$ota.tmp" "$ota"
    rm -rf "$tree" "$work/system.raw"
fi
[[ $prepare == 0 ]] || { echo "payload.sh: OTA ready: $ota" >&2; exit 0; }
ota_bytes=$(stat -c %s "$ota")
cat "$ota" > /dev/null

# timed, presetscan_list, aapt_each
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

presetscan_list "$ota"

echo "== the operations presetscan decodes (strace, untimed)" >&2
strace -f -s 0 -e trace=pread64 -o "$work/strace.log" "$bin" list --format json "$ota" > /dev/null 2>&1 || true
read -r ops_needed ops_data ops_total ops_needed_bytes ops_total_bytes needed_out < <(python3 - "$make_ota" "$ota" "$work/strace.log" "$work/needed.xz" <<'EOF'
import re, sys, importlib.util
spec = importlib.util.spec_from_file_location("make_ota", sys.argv[1]); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
ota, log, out = sys.argv[2], sys.argv[3], sys.argv[4]
starts = set()
for line in open(log):
    r = re.search(r"pread64\(\d+, .*, (\d+), (\d+)\) = (\d+)\s*$", line)
    if r: starts.add(int(r.group(2)))
ops = [o for o in m.list_ops(ota) if o[1] not in (6, 7)]
needed = [o for o in ops if o[2] in starts]
with open(ota, "rb") as f, open(out, "wb") as w:
    for _, _, offset, length in needed:
        f.seek(offset); w.write(f.read(length))
total_ops = sum(1 for _ in m.list_ops(ota))
print(len(needed), len(ops), total_ops, sum(o[3] for o in needed), sum(o[3] for o in ops), out)
EOF
)
cat "$work/needed.xz" > /dev/null
read -r _ t_xz rss_xz _ < <(timed xz_needed xz -dc "$work/needed.xz")
# xz -dc wrote the decoded bytes to out.xz_needed; its size is what presetscan decoded.
needed_decoded=$(stat -c %s "$work/out.xz_needed")
rm -f "$work/out.xz_needed"

echo "== make_ota.py apply-payload (xz -dc per operation) + debugfs rdump + aapt dump badging per APK" >&2
rm -rf "$work/images" "$work/extract"; mkdir -p "$work/images" "$work/extract"
read -r _ t_apply rss_apply _ < <(timed apply python3 "$make_ota" apply-payload "$ota" "$work/images")
read -r _ t_rdump rss_rdump _ < <(timed debugfs debugfs -R "rdump / $work/extract" "$work/images/system.img")
aapt_each "$work/extract"
t_pipe=$(echo "$t_apply + $t_rdump + $t_aapt" | bc)
rss_pipe=$(printf '%s\n' "$rss_apply" "$rss_rdump" "$rss_aapt" | sort -n | tail -1)
[[ $keep == 1 ]] || rm -rf "$work/images" "$work/extract" "$work/needed.xz"

printf '\nOTA: %s (%d bytes; payload: %d operations, %d with data, %d bytes of xz data), %d APKs found by presetscan, %d by debugfs\n' \
    "$ota" "$ota_bytes" "$ops_total" "$ops_data" "$ops_total_bytes" "$found" "$n_aapt"
printf 'presetscan decodes %d of the %d data operations: %d bytes of xz data (%.2f %%), %d bytes decoded\n' \
    "$ops_needed" "$ops_data" "$ops_needed_bytes" "$(echo "100 * $ops_needed_bytes / $ops_total_bytes" | bc -l)" "$needed_decoded"
printf '| tool | wall | peak RSS | presetscan is |\n| --- | --- | --- | --- |\n'
printf '| `presetscan list --format json` | %.2f s (CPU %.2f s) | %d MiB | |\n' "$t_ps" "$cpu_ps" $((rss_ps / 1024))
printf '| apply-payload + debugfs rdump + aapt ×%d | %.2f s (%.2f + %.2f + %.2f) | %d MiB | **%.0f× faster** |\n' \
    "$n_aapt" "$t_pipe" "$t_apply" "$t_rdump" "$t_aapt" $((rss_pipe / 1024)) "$(echo "$t_pipe / $t_ps" | bc -l)"
printf '| `xz -dc` over the %d operations presetscan decodes | %.2f s | %d MiB | %.2f× |\n' \
    "$ops_needed" "$t_xz" $((rss_xz / 1024)) "$(echo "$t_xz / $t_ps" | bc -l)"
printf '\nload average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'bytes read by presetscan: %d of %d (%.2f %% of the OTA zip)\n' \
    "$bytes_read" "$ota_bytes" "$(echo "100 * $bytes_read / $ota_bytes" | bc -l)"
