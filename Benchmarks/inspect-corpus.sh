#!/usr/bin/env bash
# inspect-corpus.sh — time presetscan against the reference tools on a corpus of APKs.
#
# Corpus: every *.apk under the examples folder (default: the 332 APKs Debian's `androguard`
# package ships under /usr/share/doc/androguard/examples), sorted bytewise by path.
#
# What is timed (wall clock, files already in the page cache: the corpus is read once first):
#   (a) presetscan  `presetscan inspect --format json ALL_APKS > /dev/null`, one process,
#                   under /usr/bin/time -v for the peak RSS. Binary: $PRESETSCAN, --presetscan,
#                   or .build/release/presetscan (built with `swift build -c release` if missing,
#                   unless --no-build). A non-zero exit (broken APKs in the corpus) is reported,
#                   not fatal. If there is no binary, (a) and the ratios are skipped with a
#                   message and the peers are still timed.
#   (b) aapt+apksigner  per APK, sequentially, as a user would run them:
#                   `aapt dump badging APK` then `apksigner verify --print-certs APK`.
#                   --sample N times only N APKs (evenly spaced over the sorted list) and
#                   extrapolates to the whole corpus; the output says so.
#   (c) androguard  one python3 process (Debian's androguard 3.4: androguard.core.bytecodes.apk;
#                   androguard >= 4: androguard.core.apk) that opens each APK and reads the
#                   package name, the app name and every signer certificate (v1, v2, v3), MD5 and
#                   SHA-256 of each. APKs androguard cannot parse are counted, not fatal.
#                   --sample applies here too when --sample-androguard is given.
# Then: the wall times, the ratios peer time / presetscan time (> 1 means presetscan is
# faster) and presetscan's peak RSS.
#
# Usage:
#   Benchmarks/inspect-corpus.sh [--examples DIR] [--presetscan BIN] [--no-build]
#                                [--sample N] [--sample-androguard] [--runs N]
#                                [--skip-aapt] [--skip-androguard]
#     --runs N   run (a) N times and keep the fastest (default 1)
#
# Needs (Debian 12): aapt, apksigner, androguard, time (/usr/bin/time), python3 (Debian's
# /usr/bin/python3, which is the one androguard is installed for), coreutils, findutils.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
examples=/usr/share/doc/androguard/examples
presetscan="${PRESETSCAN:-$root/.build/release/presetscan}"
build=1
sample=0
sample_androguard=0
runs=1
skip_aapt=0
skip_androguard=0
agpy="${ANDROGUARD_PYTHON:-/usr/bin/python3}"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --examples) examples="$2"; shift 2 ;;
        --presetscan) presetscan="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --sample) sample="$2"; shift 2 ;;
        --sample-androguard) sample_androguard=1; shift ;;
        --runs) runs="$2"; shift 2 ;;
        --skip-aapt) skip_aapt=1; shift ;;
        --skip-androguard) skip_androguard=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "inspect-corpus.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ "$sample" =~ ^[0-9]+$ && "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "inspect-corpus.sh: --sample/--runs take a number" >&2; exit 2; }
[[ -d "$examples" ]] || { echo "inspect-corpus.sh: no such folder: $examples (apt-get install androguard)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "inspect-corpus.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/inspect-corpus.XXXXXX")"
trap 'rm -rf "$work"' EXIT

examples="$(cd "$examples" && pwd)"
(cd "$examples" && find . -type f -name '*.apk' -print0) | LC_ALL=C sort -z \
    | sed -z "s|^\./|$examples/|" > "$work/all"
mapfile -d '' -t apks < "$work/all"
total=${#apks[@]}
[[ "$total" -gt 0 ]] || { echo "inspect-corpus.sh: no *.apk under $examples" >&2; exit 2; }
bytes=$(cat "${apks[@]}" | wc -c)   # also warms the page cache for every tool alike
echo "corpus: $total APKs, $((bytes / 1024)) KiB, under $examples"
echo "machine: $(nproc) CPUs, $(uname -sr)"

# Evenly spaced sample of N (deterministic); all when N is 0 or >= total.
pick_sample() {
    local n="$1"
    if [[ "$n" -eq 0 || "$n" -ge "$total" ]]; then
        printf '%s\0' "${apks[@]}"
    else
        local i
        for ((i = 0; i < n; i++)); do printf '%s\0' "${apks[$(( i * total / n ))]}"; done
    fi
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v p="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1fx", p / s; else print "n/a" }'; }

# ----------------------------------------------------------------------- (a) presetscan
ps_time=""
ps_rss=""
if [[ ! -x "$presetscan" && "$build" -eq 1 && -z "${PRESETSCAN:-}" && -f "$root/Package.swift" ]] \
   && command -v swift >/dev/null; then
    echo "(a) presetscan: $presetscan missing; running swift build -c release ..." >&2
    (cd "$root" && swift build -c release >&2) || echo "(a) presetscan: swift build failed" >&2
fi
if [[ -x "$presetscan" ]]; then
    best=""
    for ((r = 1; r <= runs; r++)); do
        t0=$(now)
        rc=0
        /usr/bin/time -v -o "$work/ps.time" "$presetscan" inspect --format json "${apks[@]}" \
            >/dev/null 2>"$work/ps.err" || rc=$?
        t1=$(now)
        t=$(elapsed "$t0" "$t1")
        if ! grep -q 'Maximum resident set size' "$work/ps.time"; then
            echo "(a) presetscan: did not run: $(head -1 "$work/ps.time")" >&2
            best=""; break
        fi
        rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/ps.time")
        if [[ -z "$best" ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$t"; ps_rss="$rss"
        fi
        [[ "$rc" -eq 0 ]] || echo "(a) presetscan run $r: exit code $rc (stderr: $(grep -v '^\s*$' "$work/ps.err" | head -1 | cut -c1-160))"
    done
    ps_time="$best"
    [[ -n "$ps_time" ]] && echo "(a) presetscan inspect --format json, $total APKs: ${ps_time} s wall (best of $runs), peak RSS ${ps_rss} KiB"
else
    echo "(a) presetscan: NOT TIMED — no executable at $presetscan (not built yet? set PRESETSCAN=/path/to/presetscan or run 'swift build -c release'); ratios are skipped."
fi

# ----------------------------------------------------------------------- (b) aapt + apksigner
ab_time=""
if [[ "$skip_aapt" -eq 0 ]]; then
    if command -v aapt >/dev/null && command -v apksigner >/dev/null; then
        mapfile -d '' -t subset < <(pick_sample "$sample")
        n=${#subset[@]}
        t0=$(now)
        for apk in "${subset[@]}"; do
            aapt dump badging "$apk" >/dev/null 2>&1 || true
            apksigner verify --print-certs "$apk" >/dev/null 2>&1 || true
        done
        t1=$(now)
        t=$(elapsed "$t0" "$t1")
        if [[ "$n" -lt "$total" ]]; then
            ab_time=$(awk -v t="$t" -v n="$n" -v N="$total" 'BEGIN { printf "%.3f", t * N / n }')
            echo "(b) aapt dump badging + apksigner verify --print-certs, sequential: ${t} s for a sample of $n APKs => EXTRAPOLATED ${ab_time} s for $total"
        else
            ab_time="$t"
            echo "(b) aapt dump badging + apksigner verify --print-certs, sequential, $total APKs: ${ab_time} s wall"
        fi
    else
        echo "(b) aapt/apksigner: NOT TIMED — not installed (apt-get install aapt apksigner)"
    fi
fi

# ----------------------------------------------------------------------- (c) androguard
ag_time=""
if [[ "$skip_androguard" -eq 0 ]]; then
    if "$agpy" -c 'import androguard' 2>/dev/null; then
        n_ag=0
        if [[ "$sample_androguard" -eq 1 ]]; then n_ag="$sample"; fi
        pick_sample "$n_ag" > "$work/ag.list"
        t0=$(now)
        "$agpy" - "$work/ag.list" > "$work/ag.out" 2>"$work/ag.err" <<'EOF'
import hashlib, logging, sys, time
logging.disable(logging.CRITICAL)
try:
    from androguard.core.bytecodes.apk import APK      # androguard 3.x (Debian 12)
except ImportError:
    from androguard.core.apk import APK                # androguard >= 4
try:
    from loguru import logger                          # androguard 4 logs through loguru
    logger.remove()
except ImportError:
    pass
paths = [p.decode("utf-8", "surrogateescape") for p in open(sys.argv[1], "rb").read().split(b"\0") if p]
ok = failed = certs = 0
loop_start = time.perf_counter()
for p in paths:
    try:
        a = APK(p)
        pkg = a.get_package()
        name = a.get_app_name()
        found = [(hashlib.md5(c.dump()).hexdigest(), hashlib.sha256(c.dump()).hexdigest())
                 for c in a.get_certificates()]
        certs += len(found)
        ok += 1
    except Exception:
        failed += 1
print(len(paths), ok, failed, certs, "%.3f" % (time.perf_counter() - loop_start))
EOF
        t1=$(now)
        t=$(elapsed "$t0" "$t1")
        read -r n ok failed ncerts loop < "$work/ag.out"
        if [[ "$n" -lt "$total" ]]; then
            # Interpreter start and imports happen once: extrapolate only the per-APK loop.
            ag_time=$(awk -v t="$t" -v l="$loop" -v n="$n" -v N="$total" 'BEGIN { printf "%.3f", (t - l) + l * N / n }')
            echo "(c) androguard APK(): package, app name, certificates: ${t} s for a sample of $n APKs (startup $(awk -v t="$t" -v l="$loop" 'BEGIN { printf "%.3f", t - l }') s) => EXTRAPOLATED ${ag_time} s for $total ($ok parsed, $failed failed, $ncerts certs)"
        else
            ag_time="$t"
            echo "(c) androguard APK(): package, app name, certificates, $total APKs: ${ag_time} s wall, of which ${loop} s parsing ($ok parsed, $failed failed, $ncerts certs)"
        fi
    else
        echo "(c) androguard: NOT TIMED — '$agpy' cannot import androguard (apt-get install androguard, or set ANDROGUARD_PYTHON)"
    fi
fi

# ----------------------------------------------------------------------- summary
echo
echo "summary ($total APKs):"
printf '  %-28s %12s %14s\n' "tool" "wall s" "vs presetscan"
printf '  %-28s %12s %14s\n' "presetscan inspect" "${ps_time:-n/a}" "$( [[ -n "$ps_time" ]] && echo 1.0x || echo n/a)"
if [[ -n "$ab_time" ]]; then
    printf '  %-28s %12s %14s\n' "aapt + apksigner" "$ab_time" "$( [[ -n "$ps_time" ]] && ratio "$ab_time" "$ps_time" || echo n/a)"
fi
if [[ -n "$ag_time" ]]; then
    printf '  %-28s %12s %14s\n' "androguard" "$ag_time" "$( [[ -n "$ps_time" ]] && ratio "$ag_time" "$ps_time" || echo n/a)"
fi
[[ -n "$ps_rss" ]] && echo "  presetscan peak RSS: ${ps_rss} KiB"
[[ -n "$ps_time" ]] || echo "  (presetscan was not timed: ratios not available)"
exit 0
