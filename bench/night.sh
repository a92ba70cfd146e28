#!/usr/bin/env bash
# One night on an existing warehouse (e.g. the one bench/run.sh kept with CA_BENCH_WAREHOUSE):
# ingests one new day's file and runs every stage as of that day, as the nightly DAG does, and
# prints per stage seconds, rows in (what the stage read), rows out and Spark jobs, the total wall
# time and the peak RSS. Extra arguments go to the job (e.g. --set models.retrain=when-older-than).
# Make the day with bench/day.py. Not part of the test suite.
#
# Usage: bench/night.sh WAREHOUSE DAY_FILE AS_OF LABEL [job options...]
# Environment: CA_DRIVER_MEMORY (heap, default 4g).
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 WAREHOUSE DAY_FILE AS_OF LABEL [job options...]" >&2; exit 2; }
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wh=$(realpath "$1"); day=$(realpath "$2"); as_of=$3; label=$4; shift 4
out="$repo/bench/results"; mkdir -p "$out"
log="$out/$label.log"
"$repo/bench/warm.sh"

CA_CONFIG="$repo/conf/bench.conf" /usr/bin/time -v "$repo/bin/customer-analytics" run \
  --input "$day" --warehouse "$wh" --as-of "$as_of" "$@" > "$log" 2>&1 || { tail -20 "$log"; exit 1; }

echo "night $as_of on $wh ($label): $day"
printf '%-14s %10s %12s %12s %8s\n' stage seconds rows_in rows_out jobs
while read -r stage rin rout secs jobs; do
  printf '%-14s %10s %12s %12s %8s\n' "$stage" "$secs" "$rin" "$rout" "$jobs"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$label" "$stage" "$secs" "${rin//,/}" "$jobs" >> "$out/results.tsv"
done < <(grep -E "JobRunner: \[[0-9]+/[0-9]+\] [a-z_]+ finished" "$log" |
  sed -E 's/.*\] ([a-z_]+) finished: rows in ([0-9,]+), rows out ([0-9,]+), ([0-9.]+) s, ([0-9]+) Spark jobs.*/\1 \2 \3 \4 \5/')
grep -E "JobRunner: \[[0-9]+/[0-9]+\] [a-z_]+ finished" "$log" | sed -E 's/.*\] ([a-z_]+) finished:.*Spark jobs \((.*)\)$/  \1: \2/' || true
wall=$(grep -E "Elapsed \(wall clock\)" "$log" | awk '{print $NF}')
rss_kb=$(grep -E "Maximum resident set size" "$log" | awk '{print $NF}')
echo "total wall (incl. JVM start): $wall"
echo "peak RSS: $((rss_kb / 1024)) MiB"
printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$label" total "$wall" - "peak_rss_mib=$((rss_kb / 1024))" >> "$out/results.tsv"
