#!/usr/bin/env bash
# What Spark alone costs on an input, with none of our logic: the floor under the pipeline's
# times. Two runs, each a fresh JVM (timed with JVM start, like bench/run.sh):
#   parse: read the CSV and touch every field of every row (sum of the fields' lengths);
#   copy:  read the CSV and write it as plain Parquet, no typing, no Delta.
# Prints seconds and peak RSS for each and appends them to bench/results/results.tsv.
#
# Usage: bench/floor.sh INPUT SCALE_LABEL
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 INPUT SCALE_LABEL" >&2; exit 2; }
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
input=$(realpath "$1"); label=$2
out="$repo/bench/results"; mkdir -p "$out"
tmp=$(mktemp -d /tmp/ca-floor-XXXX)
"$repo/bin/customer-analytics" --help > /dev/null   # build the jar first: not part of the timing

src="csv.\`$input\`"
fields="length(_c0)+length(_c1)+length(_c2)+length(_c3)+length(_c4)+length(_c5)+length(_c6)+length(_c7)"
declare -A sql=(
  [parse]="SELECT count(*) AS rows, sum($fields) AS chars FROM $src"
  [copy]="CREATE TABLE floor_copy USING parquet LOCATION '$tmp/copy' AS SELECT * FROM $src"
)
for what in parse copy; do
  log="$out/$label-floor-$what.log"
  (cd "$tmp" && CA_CONFIG="$repo/conf/bench.conf" /usr/bin/time -v "$repo/bin/customer-analytics" query \
    --warehouse "$tmp/wh" "${sql[$what]}") > "$log" 2>&1 || { tail -20 "$log"; exit 1; }
  wall=$(grep -E "Elapsed \(wall clock\)" "$log" | awk '{print $NF}')
  rss_kb=$(grep -E "Maximum resident set size" "$log" | awk '{print $NF}')
  printf 'floor %-6s %s: wall %s, peak RSS %s MiB\n' "$what" "$label" "$wall" "$((rss_kb / 1024))"
  printf '%s\t%s\tfloor_%s\t%s\t-\tpeak_rss_mib=%s\n' "$(date -u +%FT%TZ)" "$label" "$what" "$wall" \
    "$((rss_kb / 1024))" >> "$out/results.tsv"
done
rm -rf "$tmp"
