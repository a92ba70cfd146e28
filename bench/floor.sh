#!/usr/bin/env bash
# What Spark alone costs on an input, with none of our logic: the floor under the pipeline's
# times. Each measure is a fresh JVM running one SQL statement (timed with JVM start, like
# bench/run.sh); `start` (JVM + Spark + Delta start, SELECT 1) is subtracted from the per-stage
# floors so that they compare with the stage seconds of bench/run.sh, which exclude start-up.
#   start:   JVM + SparkSession + Delta, SELECT 1
#   parse:   read the CSV and touch every field of every row (sum of the fields' lengths)
#   copy:    read the CSV and write it as plain Parquet, no typing, no Delta (= ingest's floor)
#   clean:   read bronze, shuffle every row by the eight fields of the duplicate rule, write it
#            once partitioned by month (clean writes those rows once, split over four tables)
#   rfm:     read silver_sales, one aggregate per customer, write it
#   rollups: read silver_sales, aggregates per month and per country x month, write them
# The SQL-stage floors read a warehouse made here first by `run --stages ingest,clean` (untimed;
# CA_FLOOR_WAREHOUSE=DIR reads that warehouse of the same input instead, e.g. the one bench/run.sh
# kept with CA_BENCH_WAREHOUSE). Prints seconds and peak RSS for each and appends them to
# bench/results/results.tsv.
#
# Usage: bench/floor.sh INPUT SCALE_LABEL
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 INPUT SCALE_LABEL" >&2; exit 2; }
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
input=$(realpath "$1"); label=$2
out="$repo/bench/results"; mkdir -p "$out"
tmp=$(mktemp -d /tmp/ca-floor-XXXX)
"$repo/bench/warm.sh"   # build the jar (and the start-up archive) first: not part of the timing

wh=${CA_FLOOR_WAREHOUSE:-$tmp/wh}
if [ -z "${CA_FLOOR_WAREHOUSE:-}" ]; then
  CA_CONFIG="$repo/conf/bench.conf" "$repo/bin/customer-analytics" run --stages ingest,clean \
    --input "$input" --warehouse "$wh" > "$out/$label-floor-setup.log" 2>&1 \
    || { tail -20 "$out/$label-floor-setup.log"; exit 1; }
fi

src="csv.\`$input\`"
fields="length(_c0)+length(_c1)+length(_c2)+length(_c3)+length(_c4)+length(_c5)+length(_c6)+length(_c7)"
keys="invoice_no, stock_code, description, quantity, invoice_ts, unit_price, customer_id, country"
declare -A sql=(
  [start]="SELECT 1"
  [parse]="SELECT count(*) AS rows, sum($fields) AS chars FROM $src"
  [copy]="CREATE TABLE floor_copy USING parquet LOCATION '$tmp/copy' AS SELECT * FROM $src"
  [clean]="CREATE TABLE floor_clean USING parquet PARTITIONED BY (invoice_month) LOCATION '$tmp/clean'
    AS SELECT * FROM bronze_transactions DISTRIBUTE BY $keys"
  [rfm]="CREATE TABLE floor_rfm USING parquet LOCATION '$tmp/rfm' AS SELECT customer_id,
    max(invoice_ts) AS last_ts, min(invoice_ts) AS first_ts, count(DISTINCT invoice_no) AS frequency,
    sum(revenue) AS monetary, count(DISTINCT stock_code) AS products FROM silver_sales
    WHERE customer_id IS NOT NULL GROUP BY customer_id"
  [rollups]="CREATE TABLE floor_rollups USING parquet LOCATION '$tmp/rollups' AS
    SELECT invoice_month, 'all' AS country, sum(revenue) AS revenue, count(DISTINCT invoice_no) AS orders,
      count(DISTINCT customer_id) AS customers FROM silver_sales GROUP BY invoice_month
    UNION ALL SELECT invoice_month, country, sum(revenue), count(DISTINCT invoice_no),
      count(DISTINCT customer_id) FROM silver_sales GROUP BY invoice_month, country"
)
secs() { # m:ss.ss or h:mm:ss -> seconds
  awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<< "$1"
}
start=0
for what in start parse copy clean rfm rollups; do
  log="$out/$label-floor-$what.log"
  (cd "$tmp" && CA_CONFIG="$repo/conf/bench.conf" /usr/bin/time -v "$repo/bin/customer-analytics" query \
    --warehouse "$wh" "${sql[$what]}") > "$log" 2>&1 || { tail -20 "$log"; exit 1; }
  wall=$(grep -E "Elapsed \(wall clock\)" "$log" | awk '{print $NF}')
  rss_kb=$(grep -E "Maximum resident set size" "$log" | awk '{print $NF}')
  s=$(secs "$wall")
  [ "$what" = start ] && start=$s
  net=$(echo "$s - $start" | bc -l)
  printf 'floor %-7s %s: wall %6.1f s, less start-up %6.1f s, peak RSS %s MiB\n' "$what" "$label" "$s" \
    "$net" "$((rss_kb / 1024))"
  printf '%s\t%s\tfloor_%s\t%s\t%.1f\tpeak_rss_mib=%s\n' "$(date -u +%FT%TZ)" "$label" "$what" "$wall" \
    "$net" "$((rss_kb / 1024))" >> "$out/results.tsv"
done
rm -rf "$tmp"
