#!/usr/bin/env bash
# package-kinds.sh — what `presetscan inspect` costs per megabyte for each package kind, against the
# APK path (issue 11: every kind within 2× of the APK path per megabyte).
#
# Every kind gets the same payload, so the packages differ only in what their reader does: one
# committed sample per kind (Samples/apk, hap, ipa, rpk, splits, aab) grown by
# Benchmarks/tools/grow_package.py with a real native library (the system's libcrypto.so.3,
# 4.5 MB) and a real dex (classes.dex of an androguard example app, 5.5 MB), each placed where
# that kind keeps such code (lib/ for an APK, libs/ and ets/*.abc for a HAP, a framework for an
# IPA, split APKs for a split set, base/lib and base/dex for a bundle, a big .js for a quick app).
# --copies N (default 20) copies of each grown package make a set of tens to hundreds of MB.
# Each set is inspected with `presetscan inspect --format json SET > /dev/null` (one process, files
# in the page cache first), --runs N times (default 5); the median wall time per MB of package
# and its ratio to the APK set's are printed. Ratio ≤ 2 meets the target.
#
# Binary: --presetscan BIN, $PRESETSCAN, else <checkout>/.build/release/presetscan, built with
# `swift build -c release` when missing (not with --no-build).
#
# Usage: Benchmarks/package-kinds.sh [--copies N] [--runs N] [--presetscan BIN] [--no-build]
# Needs (Debian 12): swift, androguard (the dex), python3, zip, bc, libssl3 (the .so).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
copies=20
runs=5
bin="${PRESETSCAN:-}"
build=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --copies) copies="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --presetscan) bin="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [[ -z "$bin" ]]; then
    bin="$root/.build/release/presetscan"
    if [[ ! -x "$bin" && $build == 1 ]]; then (cd "$root" && swift build -c release >&2); fi
fi
[[ -x "$bin" ]] || { echo "no presetscan binary at $bin" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/package-kinds.XXXXXX")"
trap 'rm -rf "$work"' EXIT
so=/usr/lib/x86_64-linux-gnu/libcrypto.so.3
[[ -f "$so" ]] || so="$(ls /usr/lib/*/libcrypto.so.3 | head -1)"
unzip -q -o /usr/share/doc/androguard/examples/tests/com.example.android.tvleanback.apk classes.dex -d "$work"
dex="$work/classes.dex"
# A quick app's code is JavaScript: text of the same size as the dex, deterministic.
python3 - "$work/big.js" "$(stat -c %s "$dex")" <<'EOF'
import sys
out, size = sys.argv[1], int(sys.argv[2])
lines, n = [], 0
while n < size:
    line = f'function f{len(lines)}(a, b) {{ return fetch("https://example.cn/api/v1/item/" + a + "?page=" + b).then(r => r.json()); }}\n'
    lines.append(line); n += len(line)
open(out, "w").write("".join(lines))
EOF
# An iOS app's code is Mach-O: the library's C strings as the __cstring section of a signed arm64
# dylib made by Samples/tools/make_ipa.py (its __text is small: the reader reads string sections).
python3 - "$root/Samples/tools" "$so" "$work/libbig.dylib" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import make_ipa
make_ipa.SIGNATURE_SPACE = 1 << 20  # the CodeDirectory hashes every page of a big binary
strings = [p.decode("latin-1") for p in open(sys.argv[2], "rb").read().split(b"\0")]
open(sys.argv[3], "wb").write(make_ipa.thin("arm64", "cn.example.bench.big", cstrings=strings, filetype=6))
EOF
grow() { python3 "$here/tools/grow_package.py" "$@"; }

# One grown package per kind: kind, sample, then NAME=FILE payload entries.
declare -A sample payload
sample[apk]=apk/hello.apk;           payload[apk]="lib/arm64-v8a/libbig.so=$so classes2.dex=$dex"
sample[hap]=hap/entry-signed.hap;    payload[hap]="libs/arm64-v8a/libbig.so=$so ets/big.abc=$dex"
sample[app]=hap/bundle.app;          payload[app]="__grow__"
sample[rpk]=rpk/signed.rpk;          payload[rpk]="lib/big.so=$so common/vendor.js=$work/big.js"
kinds=(apk hap app rpk)
for extra in ipa xapk apks apkm aab; do
    case $extra in
        # The IPA's code is its executable: the library as a dylib (read for its string sections).
        ipa)  f=ipa/hello.ipa;    p="Payload/Hello.app/Frameworks/libbig.dylib=$work/libbig.dylib Payload/Hello.app/www/big.js=$work/big.js" ;;
        xapk) f=splits/app.xapk; p="__split__" ;;
        apks) f=splits/app.apks; p="__split__" ;;
        apkm) f=splits/app.apkm; p="__split__" ;;
        aab)  f=aab/app.aab;   p="base/lib/arm64-v8a/libbig.so=$so base/dex/classes2.dex=$dex" ;;
    esac
    [[ -f "$root/Samples/$f" ]] || { echo "(no Samples/$f: $extra skipped)" >&2; continue; }
    sample[$extra]=$f; payload[$extra]=$p; kinds+=("$extra")
done

for kind in "${kinds[@]}"; do
    src="$root/Samples/${sample[$kind]}"
    mkdir -p "$work/set-$kind"
    one="$work/one.$kind"
    case "${payload[$kind]}" in
        __grow__)   # an APP pack: its entry HAP grown, the pack rebuilt around it
            mkdir -p "$work/pack" && (cd "$work/pack" && unzip -q -o "$src")
            entry=$(cd "$work/pack" && ls *.hap | head -1)
            grow "$work/pack/$entry" "$work/pack/$entry.grown" "libs/arm64-v8a/libbig.so=$so" "ets/big.abc=$dex"
            mv "$work/pack/$entry.grown" "$work/pack/$entry"
            (cd "$work/pack" && zip -q -X -0 -r "$one" .) ;;
        __split__)  # a split set: the payload as one more split APK (the APK path reads it)
            grow "$root/Samples/apk/hello.apk" "$work/split.apk" "lib/arm64-v8a/libbig.so=$so" "classes2.dex=$dex"
            grow "$src" "$one" "split_config.arm64_v8a.apk=$work/split.apk" ;;
        *)  # shellcheck disable=SC2086
            grow "$src" "$one" ${payload[$kind]} ;;
    esac
    for i in $(seq 1 "$copies"); do cp "$one" "$work/set-$kind/$i.$kind"; done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
declare -A per_mb
printf '%-6s %10s %12s %12s %12s %s\n' kind "set MB" "wall s (med)" "ms per MB" "vs apk" "status"
for kind in "${kinds[@]}"; do
    set_dir="$work/set-$kind"
    cat "$set_dir"/* > /dev/null
    mb=$(du -cb "$set_dir"/* | tail -1 | awk '{printf "%.1f", $1 / 1048576}')
    times=()
    status=0
    for _ in $(seq 1 "$runs"); do
        start=$(date +%s.%N)
        "$bin" inspect --format json "$set_dir"/* > "$work/out.json" 2>/dev/null || status=$?
        times+=("$(echo "$(date +%s.%N) - $start" | bc)")
    done
    t=$(printf '%s\n' "${times[@]}" | median)
    per_mb[$kind]=$(echo "scale=3; 1000 * $t / $mb" | bc)
    ratio=$(echo "scale=2; ${per_mb[$kind]} / ${per_mb[apk]}" | bc)
    printf '%-6s %10s %12s %12s %12s %s\n' "$kind" "$mb" "$t" "${per_mb[$kind]}" "${ratio}x" "exit $status"
done
