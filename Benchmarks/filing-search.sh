#!/usr/bin/env bash
# filing-search.sh — what the filing-number search costs `presetscan inspect` on a real corpus.
#
# Compares two release builds on the same corpus (default: the 332 APKs of Debian's androguard
# package under /usr/share/doc/androguard/examples), files in the page cache (read once first):
#   base  the commit before the search existed: the parent of the commit that added
#         Sources/PresetScanApps/APK/FilingSearch.swift, or HEAD while it is not committed yet;
#         checked out with `git worktree add --detach` into --base-dir and built there with its
#         own scratch folder
#   tree  the working tree (--tree, default this checkout), built with
#         `swift build -c release --scratch-path <tree>/.build-filing`
# Each run is `presetscan inspect --format json ALL_APKS > /dev/null` under /usr/bin/time; the
# two binaries alternate, --runs N times each (default 9), and the script prints every run, the
# median and the fastest wall time of each, and the ratios tree / base. Exit status of inspect
# (3: the corpus has broken APKs on purpose) is not an error.
#
# Usage:
#   Benchmarks/filing-search.sh [--examples DIR] [--runs N] [--base REF] [--base-dir DIR]
#                               [--tree DIR] [--no-build]
#
# Needs (Debian 12): git, swift, androguard (for the corpus), time (/usr/bin/time).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
examples=/usr/share/doc/androguard/examples
runs=9
base=""
base_dir="${TMPDIR:-/tmp}/presetscan-bench-base"
tree="$root"
build=1

while [[ $# -gt 0 ]]; do
    case "$1" in
        --examples) examples="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --base) base="$2"; shift 2 ;;
        --base-dir) base_dir="$2"; shift 2 ;;
        --tree) tree="$(cd "$2" && pwd)"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "filing-search.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
[[ -x /usr/bin/time ]] || { echo "filing-search.sh: /usr/bin/time not found (apt-get install time)" >&2; exit 2; }
[[ -d "$examples" ]] || { echo "filing-search.sh: no such folder: $examples (apt-get install androguard)" >&2; exit 2; }

if [[ -z "$base" ]]; then
    added="$(git -C "$root" log --diff-filter=A --format=%H -- Sources/PresetScanApps/APK/FilingSearch.swift | tail -1)"
    base="${added:+$added^}"
    base="${base:-HEAD}"
fi
base_commit="$(git -C "$root" rev-parse --verify "$base^{commit}")"

base_bin="$base_dir/.build-release/release/presetscan"
tree_bin="$tree/.build-filing/release/presetscan"
if [[ "$build" -eq 1 ]]; then
    if [[ ! -d "$base_dir" ]]; then
        git -C "$root" worktree add --detach "$base_dir" "$base_commit" >&2
    else
        git -C "$base_dir" checkout --detach --quiet "$base_commit"
    fi
    echo "filing-search.sh: building base $base_commit in $base_dir" >&2
    (cd "$base_dir" && swift build -c release --scratch-path "$base_dir/.build-release" >&2)
    echo "filing-search.sh: building $tree" >&2
    (cd "$tree" && swift build -c release --scratch-path "$tree/.build-filing" >&2)
fi
for bin in "$base_bin" "$tree_bin"; do
    [[ -x "$bin" ]] || { echo "filing-search.sh: no binary $bin (drop --no-build)" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/filing-search.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$examples" && find . -type f -name '*.apk' -print0) | LC_ALL=C sort -z \
    | sed -z "s|^\./|$examples/|" > "$work/list"
count="$(tr -cd '\0' < "$work/list" | wc -c)"
xargs -0 cat < "$work/list" > /dev/null   # warm the page cache

run() {  # binary, label -> appends "wall cpu" to $work/label
    /usr/bin/time -f "%e %U %S" -o "$work/time" xargs -0 "$1" inspect --format json < "$work/list" > /dev/null 2>&1 || true
    # /usr/bin/time puts "Command exited with non-zero status N" first when inspect exits non-zero.
    read -r wall user sys < <(tail -1 "$work/time")
    echo "$wall $(echo "$user + $sys" | bc)" >> "$work/$2"
    printf '%-5s wall %s s, cpu %s s\n' "$2" "$wall" "$(echo "$user + $sys" | bc)"
}
echo "corpus: $count APKs under $examples; base $base_commit; $runs runs each, alternating"
for ((i = 0; i < runs; i++)); do
    run "$base_bin" base
    run "$tree_bin" tree
done

stat() {  # file, column -> "median min"
    cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR]=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; print m, v[1]}'
}
read -r base_med base_min < <(stat "$work/base" 1)
read -r tree_med tree_min < <(stat "$work/tree" 1)
read -r base_cpu _ < <(stat "$work/base" 2)
read -r tree_cpu _ < <(stat "$work/tree" 2)
echo
printf '| build | wall median | wall fastest | cpu median |\n| --- | --- | --- | --- |\n'
printf '| base (no search) | %s s | %s s | %s s |\n' "$base_med" "$base_min" "$base_cpu"
printf '| tree (search) | %s s | %s s | %s s |\n' "$tree_med" "$tree_min" "$tree_cpu"
printf '| tree / base | %.2f× | %.2f× | %.2f× |\n' \
    "$(echo "$tree_med / $base_med" | bc -l)" "$(echo "$tree_min / $base_min" | bc -l)" \
    "$(echo "$tree_cpu / $base_cpu" | bc -l)"
