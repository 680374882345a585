#!/usr/bin/env bash
# Registry snapshot at national scale: generate N rows (default 5 million) of CSV with Chinese
# headers, time `presetscan registry build`, print the snapshot size, then time identifier
# lookups from 4 threads at once (p50/p99). Targets (issue 6): build < 60 s on 2 cores,
# lookup p99 < 1 ms with 4 threads. Everything is written to a temporary folder that is removed.
#
#   Benchmarks/registry.sh [--rows N] [--threads T] [--lookups L] [--presetscan BIN] [--no-build]
set -euo pipefail

rows=5000000
threads=4
lookups=25000
bin="${PRESETSCAN:-}"
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --lookups) lookups="$2"; shift 2 ;;
        --presetscan) bin="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "$bin" ]; then
    bin="$root/.build/release/presetscan"
    if [ "$build" = 1 ] && [ ! -x "$bin" ]; then (cd "$root" && swift build -c release --product presetscan); fi
fi
[ -x "$bin" ] || { echo "no presetscan binary at $bin" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/presetscan-registry-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "== generating $rows rows"
# 4 rows in 5 start a new filing (so ~20% of filings have two identifiers); every 10th row is iOS,
# every 50th filing cancelled; sponsors are quoted and contain a comma, as real exports do.
python3 - "$rows" "$work/records.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
P = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝蜀黔滇藏陕陇青宁新"
with open(path, "w", encoding="utf-8", newline="") as out:
    w = out.write
    w("\ufeff服务备案号,APP名称,主办单位名称,平台,包名,签名MD5,状态,审核日期\n")
    for i in range(n):
        f = i * 4 // 5
        rest = f // 31
        number = f"{P[f % 31]}ICP备{(2010 + rest % 17) * 1000000 + rest % 1000000:010d}号-{1 + f % 9}A"
        platform = "ios" if i % 10 == 9 else "android"
        md5 = f"{(i * 0x9E3779B97F4A7C15 + 0x1234567) % (1 << 128):032x}"
        status = "已注销" if f % 50 == 7 else "正常"
        w(f'{number},应用{f},"示例公司{f % 100000}, 有限公司",{platform},com.bench.app{i},{md5},{status},'
          f'2026-{1 + f % 11:02d}-{1 + f % 28:02d}\n')
PY
ls -l "$work/records.csv" | awk '{ printf "records.csv: %.0f MiB\n", $5 / 1048576 }'

echo "== registry build (load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown))"
/usr/bin/time -f "build: %e s wall, %U s user, %S s sys, peak RSS %M KiB" \
    "$bin" registry build "$work/records.csv" --out "$work/snapshot.sqlite" --built-at 2026-11-28
ls -l "$work/snapshot.sqlite" | awk '{ printf "snapshot: %.0f MiB\n", $5 / 1048576 }'

echo "load average after the build: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

echo "== lookups, $threads threads"
"$bin" registry bench-lookup "$work/snapshot.sqlite" --threads "$threads" --lookups "$lookups"
