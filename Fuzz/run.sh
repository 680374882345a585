#!/usr/bin/env bash
# Runs every fuzz target (or those named) for FUZZ_SECONDS each and prints executions and coverage.
# Usage: bash Fuzz/run.sh [TARGET...]   (make fuzz builds the harness first; see Fuzz/README.md)
# Environment: FUZZ_SECONDS (default 60), FUZZ_BIN (the harness), FUZZ_OUT (default out/fuzz),
# FUZZ_ARGS (more libFuzzer flags). The working corpus grows in $FUZZ_OUT/corpus/<target>, seeded
# from Fuzz/Corpus/<target>; crashers land in $FUZZ_OUT/crashes/<target>/. Exit 1 if any target crashed.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
bin=${FUZZ_BIN:-.build-fuzz/debug/PresetScanFuzz}
out=${FUZZ_OUT:-out/fuzz}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(FUZZ_TARGET=list "$bin" 2>&1 | sed -n 's/^FUZZ_TARGET must name one of: //p' | tr ' ' '\n')
fi
failed=0
printf '%-22s %10s %8s %8s %6s  %s\n' target execs cov ft corp result
for t in "${targets[@]}"; do
  mkdir -p "$out/corpus/$t" "$out/crashes/$t" "$out/logs"
  [ -d "Fuzz/Corpus/$t" ] && cp -n Fuzz/Corpus/"$t"/* "$out/corpus/$t/" 2>/dev/null
  log="$out/logs/$t.log"
  # Leak checks off: the Swift runtime's caches look like leaks. Time-outs and memory are bounded.
  FUZZ_TARGET="$t" ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$bin" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/$t/" ${FUZZ_ARGS:-} "$out/corpus/$t" > "$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last"); ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  result=ok
  if [ $rc -ne 0 ]; then
    result="CRASH rc=$rc: $(grep -m1 -E 'ERROR: |Fatal error|deadly signal|timeout|out-of-memory' "$log" | cut -c1-90) ($log)"
    failed=1
  fi
  printf '%-22s %10s %8s %8s %6s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
done
exit $failed
