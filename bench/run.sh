#!/usr/bin/env bash
# Runs the full pipeline in local mode on one input and prints, per stage, seconds, rows/s and
# Spark jobs, the total wall time (including JVM start) and the peak resident memory of the whole
# process, and appends them to bench/results/results.tsv. Then, back to back on the same input:
# the pandas + scikit-learn reference (../shared/bench, what a user would pick instead) and
# bench/floor.sh (what Spark alone costs), and prints ours / reference, ours / copy floor and each
# SQL stage against its own floor. Not part of the test suite.
#
# Usage: bench/run.sh INPUT SCALE_LABEL   (e.g. bench/run.sh ../shared/data/online_retail.csv.gz x1)
# Environment: CA_DRIVER_MEMORY (heap, default 4g; raise it for x200), CA_BENCH_COMPARE=0 to run
# ours only, CA_REFERENCE (default ../shared/bench/reference_pipeline.py next to the repo),
# CA_BENCH_WAREHOUSE=DIR to write the warehouse there and keep it (e.g. for a nightly run after).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 INPUT SCALE_LABEL" >&2; exit 2; }
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
input=$(realpath "$1"); label=$2
out="$repo/bench/results"; mkdir -p "$out"
wh=${CA_BENCH_WAREHOUSE:-$(mktemp -d /tmp/ca-bench-wh-XXXX)}
log="$out/$label.log"
"$repo/bench/warm.sh"   # build the jar (and the start-up archive) first: not part of the timing

secs() { # m:ss.ss or h:mm:ss -> seconds
  awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<< "$1"
}

CA_CONFIG="$repo/conf/bench.conf" /usr/bin/time -v "$repo/bin/customer-analytics" run \
  --input "$input" --warehouse "$wh" > "$log" 2>&1 || { tail -20 "$log"; exit 1; }

wall=$(grep -E "Elapsed \(wall clock\)" "$log" | awk '{print $NF}')
rss_kb=$(grep -E "Maximum resident set size" "$log" | awk '{print $NF}')
declare -A stage_secs
echo "input $input ($label)"
printf '%-14s %10s %12s %14s %8s\n' stage seconds rows_in rows_in_per_s jobs
while read -r stage rows secs jobs; do
  r=${rows//,/}
  stage_secs[$stage]=$secs
  printf '%-14s %10s %12s %14.0f %8s\n' "$stage" "$secs" "$r" "$(echo "$r / $secs" | bc -l)" "$jobs"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$label" "$stage" "$secs" "$r" "$jobs" >> "$out/results.tsv"
done < <(grep -E "JobRunner: \[[0-9]+/[0-9]+\] [a-z_]+ finished" "$log" |
  sed -E 's/.*\] ([a-z_]+) finished: rows in ([0-9,]+), rows out ([0-9,]+), ([0-9.]+) s, ([0-9]+) Spark jobs.*/\1 \2 \4 \5/')
echo "total wall (incl. JVM start): $wall"
echo "peak RSS: $((rss_kb / 1024)) MiB"
printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$label" total "$wall" - "peak_rss_mib=$((rss_kb / 1024))" >> "$out/results.tsv"
[ -n "${CA_BENCH_WAREHOUSE:-}" ] || rm -rf "$wh"
[ "${CA_BENCH_COMPARE:-1}" = 1 ] || exit 0

# The reference, right after ours on the same input.
ref="${CA_REFERENCE:-$repo/../shared/bench/reference_pipeline.py}"
ours=$(secs "$wall")
if [ -f "$ref" ] && /usr/bin/python3 -c 'import pandas, sklearn' 2>/dev/null; then
  refout=$(mktemp -d /tmp/ca-bench-ref-XXXX)
  if /usr/bin/time -v /usr/bin/python3 "$ref" "$input" "$refout" > "$out/$label-reference.log" 2>&1; then
    rwall=$(secs "$(grep -E "Elapsed \(wall clock\)" "$out/$label-reference.log" | awk '{print $NF}')")
    rrss=$(grep -E "Maximum resident set size" "$out/$label-reference.log" | awk '{print $NF}')
    printf 'reference (pandas + scikit-learn): wall %.1f s, peak RSS %s MiB; ours / reference = %.1f\n' \
      "$rwall" "$((rrss / 1024))" "$(echo "$ours / $rwall" | bc -l)"
    printf '%s\t%s\treference\t%s\t-\tpeak_rss_mib=%s\n' "$(date -u +%FT%TZ)" "$label" "$rwall" \
      "$((rrss / 1024))" >> "$out/results.tsv"
  else
    echo "reference failed (see $out/$label-reference.log):"; tail -3 "$out/$label-reference.log"
  fi
  rm -rf "$refout"
else
  echo "reference not run: needs $ref and Debian's python3-pandas python3-sklearn"
fi

# The floor, right after: what Spark alone costs for the same reads, shuffles and writes.
"$repo/bench/floor.sh" "$input" "$label" | tee "$out/$label-floor.txt"
net() { grep -E "^floor $1 " "$out/$label-floor.txt" | sed -E 's/.*less start-up +([0-9.]+) s.*/\1/'; }
copy=$(grep -E "^floor copy " "$out/$label-floor.txt" | sed -E 's/.*wall +([0-9.]+) s.*/\1/')
printf 'ours / copy floor (wall incl. start-up) = %.1f\n' "$(echo "$ours / $copy" | bc -l)"
for pair in ingest:copy clean:clean rfm:rfm rollups:rollups; do
  st=${pair%%:*}; fl=$(net "${pair##*:}")
  [ -n "${stage_secs[$st]:-}" ] && printf '%-8s %7.1f s vs its floor %6.1f s = %.1f x\n' "$st" \
    "${stage_secs[$st]}" "$fl" "$(echo "${stage_secs[$st]} / $fl" | bc -l)"
done
