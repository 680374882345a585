#!/usr/bin/env bash
# verify.sh — what APK signature verification (issue 12) costs, on the androguard corpus.
#
# Verifying reads every byte of an APK (the v2/v3 chunked digests, or every entry for v1), where
# reading its identity reads only the central directory, the manifest and the signature files.
#
# What is timed (wall clock, corpus already in the page cache):
#   (a) presetscan      `presetscan inspect --format json ALL_APKS`, which verifies every APK.
#                       Binary: --presetscan BIN (default .build/release/presetscan).
#   (b) no verification the same command with a build from before verification (--baseline BIN,
#                       e.g. a release build of the commit before "Verify APK signatures"); skipped
#                       when not given. (b) - (a) is verification's cost.
#   (c) apksigner       `apksigner verify APK` (default options) per APK, sequentially;
#                       --sample N times N evenly spaced APKs and extrapolates (JVM start-up
#                       dominates: one process per APK is how it is used).
# Then the ratios (c)/(a) and (a)/(b).
#
# Usage: Benchmarks/verify.sh [--presetscan BIN] [--baseline BIN] [--examples DIR] [--sample N] [--runs N]
# Needs: apksigner, python3, coreutils, findutils.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
presetscan="$root/.build/release/presetscan"
baseline=""
examples=/usr/share/doc/androguard/examples
sample=0
runs=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --presetscan) presetscan="$2"; shift 2 ;;
        --baseline) baseline="$2"; shift 2 ;;
        --examples) examples="$2"; shift 2 ;;
        --sample) sample="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "verify.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
[[ -x "$presetscan" ]] || { echo "verify.sh: no binary at $presetscan (swift build -c release)" >&2; exit 2; }

mapfile -d '' apks < <(find "$examples" -type f -name '*.apk' -print0 | LC_ALL=C sort -z)
bytes=$(cat "${apks[@]}" | wc -c)
echo "corpus: ${#apks[@]} APKs, $((bytes / 1024 / 1024)) MiB"

now() { date +%s.%N; }
best() { # best of $runs wall times of "$@"
    local b="" t0 t1 d
    for ((i = 0; i < runs; i++)); do
        t0=$(now); "$@" > /dev/null 2>&1 || true; t1=$(now)
        d=$(echo "$t1 - $t0" | bc -l)
        if [[ -z "$b" ]] || (( $(echo "$d < $b" | bc -l) )); then b=$d; fi
    done
    echo "$b"
}

a=$(best "$presetscan" inspect --format json "${apks[@]}")
printf '(a) presetscan inspect (verifies):   %8.3f s\n' "$a"
if [[ -n "$baseline" ]]; then
    b=$(best "$baseline" inspect --format json "${apks[@]}")
    printf '(b) inspect without verification:   %8.3f s   verification adds %.3f s (x%.2f)\n' "$b" \
        "$(echo "$a - $b" | bc -l)" "$(echo "$a / $b" | bc -l)"
fi

chosen=("${apks[@]}")
if (( sample > 0 && sample < ${#apks[@]} )); then
    chosen=()
    for ((i = 0; i < sample; i++)); do chosen+=("${apks[$((i * ${#apks[@]} / sample))]}"); done
fi
t0=$(now)
for f in "${chosen[@]}"; do apksigner verify "$f" > /dev/null 2>&1 || true; done
t1=$(now)
c=$(echo "($t1 - $t0) * ${#apks[@]} / ${#chosen[@]}" | bc -l)
note=""; (( ${#chosen[@]} < ${#apks[@]} )) && note=" (extrapolated from ${#chosen[@]} APKs)"
printf '(c) apksigner verify, per APK:      %8.3f s%s   ratio (c)/(a) %.1f\n' "$c" "$note" "$(echo "$c / $a" | bc -l)"
