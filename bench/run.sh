#!/usr/bin/env bash
# Runs the full pipeline in local mode on one input and prints, per stage, seconds and rows/s,
# the total wall time (including JVM start) and the peak resident memory of the whole process,
# and appends them to bench/results/results.tsv. Not part of the test suite.
#
# Usage: bench/run.sh INPUT SCALE_LABEL   (e.g. bench/run.sh ../shared/data/online_retail.csv.gz x1)
# Environment: CA_DRIVER_MEMORY (heap, default 4g; raise it for x40 and up).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 INPUT SCALE_LABEL" >&2; exit 2; }
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
input=$(realpath "$1"); label=$2
out="$repo/bench/results"; mkdir -p "$out"
wh=$(mktemp -d /tmp/ca-bench-wh-XXXX)
log="$out/$label.log"
"$repo/bin/customer-analytics" --help > /dev/null   # build the jar first: not part of the timing

CA_CONFIG="$repo/conf/bench.conf" /usr/bin/time -v "$repo/bin/customer-analytics" run \
  --input "$input" --warehouse "$wh" > "$log" 2>&1 || { tail -20 "$log"; exit 1; }

wall=$(grep -E "Elapsed \(wall clock\)" "$log" | awk '{print $NF}')
rss_kb=$(grep -E "Maximum resident set size" "$log" | awk '{print $NF}')
echo "input $input ($label)"
printf '%-14s %10s %12s %14s %8s\n' stage seconds rows_in rows_in_per_s jobs
grep -E "JobRunner: \[[0-9]+/[0-9]+\] [a-z_]+ finished" "$log" | sed -E 's/.*\] ([a-z_]+) finished: rows in ([0-9,]+), rows out ([0-9,]+), ([0-9.]+) s, ([0-9]+) Spark jobs.*/\1 \2 \4 \5/' |
  while read -r stage rows secs jobs; do
    r=${rows//,/}
    printf '%-14s %10s %12s %14.0f %8s\n' "$stage" "$secs" "$r" "$(echo "$r / $secs" | bc -l)" "$jobs"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$label" "$stage" "$secs" "$r" "$jobs" >> "$out/results.tsv"
  done
echo "total wall (incl. JVM start): $wall"
echo "peak RSS: $((rss_kb / 1024)) MiB"
printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$label" total "$wall" - "peak_rss_mib=$((rss_kb / 1024))" >> "$out/results.tsv"
rm -rf "$wh"
