#!/usr/bin/env bash
# Runs fuzz targets one after another, each for SECONDS (default 600), at the lowest priority.
# Crashes, timeouts and out-of-memory inputs are kept in artifacts/<target>/ and fuzzing goes on;
# each target's log is logs/<target>.log and its last line of figures is printed.
#   ./run.sh [SECONDS] [TARGET...]      (all targets when none is named; seed.sh first)
# More libFuzzer flags in EXTRA, e.g. EXTRA=-max_len=32768 for the slow article target.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  nice -n 19 cargo +nightly fuzz run -s none --codegen-units 16 "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -artifact_prefix="artifacts/$t/" ${EXTRA:-} > "logs/$t.log" 2>&1 || true
  echo "$t: $(grep -E '^#[0-9]+' "logs/$t.log" | tail -1)"
  echo "$t: artifacts: $(ls "artifacts/$t" | wc -l)"
done
