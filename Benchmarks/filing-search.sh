#!/usr/bin/env bash
# filing-search.sh — what the filing-number search costs `presetscan inspect` on a real corpus.
#
# One release binary, the same corpus (default: the 332 APKs of Debian's androguard package
# under /usr/share/doc/androguard/examples, sorted by path), files in the page cache (read once
# first), run two ways:
#   without  `presetscan inspect --format json --no-filing-search ALL_APKS > /dev/null`
#            (--no-filing-search is a hidden switch that exists for this comparison)
#   with     `presetscan inspect --format json ALL_APKS > /dev/null`
# timed by bash's `time` (milliseconds), alternating, --runs N times each (default 9). Prints
# every run with the load average, the median and fastest wall time and the median CPU time
# (user + sys) of each, and the ratios with / without. Exit status 3 of inspect (the corpus has broken APKs on
# purpose) is not an error.
#
# --realtime runs every timed run under `chrt -f 50` (SCHED_FIFO; needs root), so that the builds
# of other users on a shared machine do not stretch the wall time (their load average is still
# printed). Without it, wall time on a loaded machine measures mostly the wait for a core.
#
# --callgrind also counts the instructions of one run each way under valgrind's callgrind
# (--jobs 1), which, unlike wall time, does not move with the load other processes put on the
# machine; the ratio of the two counts is printed with the rest.
#
# Binary: --presetscan BIN, $PRESETSCAN, else <checkout>/.build-filing/release/presetscan, built
# with `swift build -c release --scratch-path .build-filing` unless --no-build.
#
# Usage:
#   Benchmarks/filing-search.sh [--examples DIR] [--runs N] [--presetscan BIN] [--no-build]
#                               [--realtime] [--callgrind]
#
# Needs (Debian 12): swift, androguard (for the corpus), bc;
# valgrind for --callgrind, chrt (util-linux) and root for --realtime.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
examples=/usr/share/doc/androguard/examples
runs=9
bin="${PRESETSCAN:-}"
build=1
callgrind=0
prefix=()

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --examples) examples="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --presetscan) bin="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --callgrind) callgrind=1; shift ;;
        --realtime) prefix=(chrt -f 50); shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "filing-search.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "filing-search.sh: --runs takes a positive number" >&2; exit 2; }
[[ -d "$examples" ]] || { echo "filing-search.sh: no such folder: $examples (apt-get install androguard)" >&2; exit 2; }
if [[ ${#prefix[@]} -gt 0 ]] && ! chrt -f 50 true 2>/dev/null; then
    echo "filing-search.sh: --realtime needs chrt and root (SCHED_FIFO)" >&2; exit 2
fi
if [[ "$callgrind" -eq 1 ]] && ! command -v valgrind >/dev/null; then
    echo "filing-search.sh: --callgrind needs valgrind (apt-get install valgrind)" >&2; exit 2
fi

if [[ -z "$bin" ]]; then
    bin="$root/.build-filing/release/presetscan"
    if [[ "$build" -eq 1 ]]; then
        echo "filing-search.sh: building $root" >&2
        (cd "$root" && swift build -c release --scratch-path "$root/.build-filing" >&2)
    fi
fi
[[ -x "$bin" ]] || { echo "filing-search.sh: no binary $bin (drop --no-build, or pass --presetscan)" >&2; exit 2; }
"$bin" inspect --help-hidden 2>/dev/null | grep -q -- --no-filing-search \
    || { echo "filing-search.sh: $bin has no --no-filing-search switch (too old)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/filing-search.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$examples" && find . -type f -name '*.apk' -print0) | LC_ALL=C sort -z \
    | sed -z "s|^\./|$examples/|" > "$work/list"
count="$(tr -cd '\0' < "$work/list" | wc -c)"
xargs -0 cat < "$work/list" > /dev/null   # warm the page cache

run() {  # label, extra inspect arguments... -> appends "wall cpu" to $work/label
    local label="$1"; shift
    # bash's `time` keyword: milliseconds (GNU time prints hundredths, too coarse at 0.1 s).
    local TIMEFORMAT='%3R %3U %3S'
    { time "${prefix[@]}" xargs -0 "$bin" inspect --format json "$@" < "$work/list" > /dev/null 2>&1 || true; } 2> "$work/time"
    read -r wall user sys < <(tail -1 "$work/time")
    local cpu; cpu="$(echo "$user + $sys" | bc)"
    echo "$wall $cpu" >> "$work/$label"
    printf '%-7s wall %s s, cpu %s s, load %s\n' "$label" "$wall" "$cpu" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
echo "corpus: $count APKs under $examples; binary $bin; $runs runs each, alternating; $(nproc) CPUs${prefix[*]:+; under ${prefix[*]}}"
for ((i = 0; i < runs; i++)); do
    run without --no-filing-search
    run with
done

stat() {  # file, column -> "median min"
    cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR]=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; print m, v[1]}'
}
read -r off_med off_min < <(stat "$work/without" 1)
read -r on_med on_min < <(stat "$work/with" 1)
read -r off_cpu _ < <(stat "$work/without" 2)
read -r on_cpu _ < <(stat "$work/with" 2)

if [[ "$callgrind" -eq 1 ]]; then
    instructions() {  # extra inspect arguments... -> instructions counted by callgrind
        xargs -0 valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
            "$bin" inspect --format json --jobs 1 "$@" < "$work/list" > /dev/null 2> "$work/callgrind.err" || true
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/callgrind.err"
    }
    off_ir="$(instructions --no-filing-search)"
    on_ir="$(instructions)"
fi

echo
printf '| | wall median | wall fastest | cpu median |%s\n| --- | --- | --- | --- |%s\n' \
    "$( [[ "$callgrind" -eq 1 ]] && echo ' instructions (callgrind) |')" "$( [[ "$callgrind" -eq 1 ]] && echo ' --- |')"
printf '| without the search | %s s | %s s | %s s |%s\n' "$off_med" "$off_min" "$off_cpu" \
    "$( [[ "$callgrind" -eq 1 ]] && echo " $off_ir |")"
printf '| with the search | %s s | %s s | %s s |%s\n' "$on_med" "$on_min" "$on_cpu" \
    "$( [[ "$callgrind" -eq 1 ]] && echo " $on_ir |")"
printf '| with / without | %.2f× | %.2f× | %.2f× |%s\n' \
    "$(echo "$on_med / $off_med" | bc -l)" "$(echo "$on_min / $off_min" | bc -l)" \
    "$(echo "$on_cpu / $off_cpu" | bc -l)" \
    "$( [[ "$callgrind" -eq 1 ]] && printf ' %.2f× |' "$(echo "$on_ir / $off_ir" | bc -l)")"
