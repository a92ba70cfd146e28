#!/usr/bin/env bash
# Crash test: a three-night sequence on the real file (night n adds drop n of three to the input
# folder and runs the whole pipeline), once without faults and once with KILLS random kill -9
# points spread over the nights, each killed run followed by another attempt until the night
# completes. After every kill it checks that every table of the warehouse is readable and that
# job_runs shows the killed run (its stage still `running`); at the end, that the killed
# warehouse's tables equal the fault-free one's (rows and a hash of every column but lineage and
# timings; dq_report by its latest clean's cumulative rows; job_runs and the state logs
# rfm_state_log and rollup_state_log not compared: they are run logs).
# Not part of the test suite: it takes about an hour on 2 cores.
#
# Usage: bench/chaos.sh [KILLS] [SEED]     (defaults 20 and 1; CA_CHAOS_INPUT for another file)
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kills=${1:-20}; RANDOM=${2:-1}
input=${CA_CHAOS_INPUT:-$repo/../shared/data/online_retail.csv.gz}
work=$(mktemp -d /tmp/ca-chaos-XXXX)
ca="$repo/bin/customer-analytics"
export CA_CONFIG="$repo/conf/bench.conf"
"$repo/bench/warm.sh" || exit 1
echo "work dir $work"

# The three drops: the file's lines in consecutive parts (80%, 10%, 10%: the first night needs
# the nine months of history the model stages' windows span), each with the header.
mkdir -p "$work/drops"
zcat -f "$input" > "$work/all.csv"
total=$(($(wc -l < "$work/all.csv") - 1))
first=1
for n in 1 2 3; do
  last=$((n == 1 ? total * 8 / 10 : n == 2 ? total * 9 / 10 : total))
  { head -1 "$work/all.csv"; tail -n +2 "$work/all.csv" | sed -n "${first},${last}p"; } > "$work/drops/part$n.csv"
  first=$((last + 1))
done
rm "$work/all.csv"

# Tables with a committed Delta log under a warehouse (a half-created one is skipped by our
# listing and repaired by its stage, so it is not counted as unreadable here).
tables() {
  for d in "$1"/*/; do
    t=$(basename "$d")
    ls "$d/_delta_log/"*.json > /dev/null 2>&1 && echo "$t"
  done
}

# Rows and a hash of every non-lineage, non-timing column of each table, one line per table.
lineage='run_id|ingested_at|source_file|source_row|source_checksum|source_size|source_modified_at|.*_at|seconds|spark_jobs|config_digest|app_version|message|model_path'
# The tables compared: all but the run logs.
compared() {
  tables "$1" | grep -v -x -e job_runs -e rfm_state_log -e rollup_state_log
}
fingerprint() {
  local q=""
  for t in $(compared "$1"); do
    [ -n "$q" ] && q="$q UNION ALL "
    from=$t
    # dq_report is appended by every clean (a run log like job_runs): its latest clean's
    # cumulative rows count (a rerun night's clean may have found nothing new to add).
    [ "$t" = dq_report ] && from="(SELECT table_name, reason, rows, input_rows, output_rows, conservation_ok FROM dq_report WHERE reason = '_cumulative' AND run_id = (SELECT max_by(run_id, checked_at) FROM dq_report))"
    q="$q SELECT '$t' AS t, count(*) AS n, sum(xxhash64(to_json(struct(\`(?!($lineage)\$).+\`)))) AS h FROM $from"
  done
  (cd "$work" && "$ca" query --warehouse "$1" --set spark.sql.parser.quotedRegexColumnNames=true \
    "$q ORDER BY t" 2> "$work/fingerprint.err" | grep -v '^\[')
}

night() { # night n into warehouse wh with input folder in; log file; runs in the background
  local n=$1 wh=$2 in=$3 log=$4
  cp -n "$work/drops/part$n.csv" "$in/"
  "$ca" run --input "$in" --warehouse "$wh" > "$log" 2>&1 &
  pid=$!
}

# 1. Fault-free reference, timing each night.
mkdir -p "$work/ref-in"
declare -a secs
for n in 1 2 3; do
  start=$(date +%s)
  night $n "$work/ref" "$work/ref-in" "$work/ref-night$n.log"
  wait $pid || { echo "reference night $n failed"; tail -5 "$work/ref-night$n.log"; exit 1; }
  secs[$n]=$(($(date +%s) - start))
  echo "reference night $n: ${secs[$n]} s"
done

# 2. The same nights with kills.
mkdir -p "$work/chaos-in"
readable=0; shown=0; before_first_row=0; k=0
printf '%-5s %-6s %-8s %-15s %-22s %s\n' kill night after killed_in job_runs tables
for n in 1 2 3; do
  share=$(((kills - k) / (4 - n)))
  for ((i = 0; i < share; i++)); do
    k=$((k + 1))
    after=$((2 + RANDOM % (secs[$n] - 2)))
    log="$work/chaos-kill$k.log"
    night $n "$work/chaos" "$work/chaos-in" "$log"
    sleep "$after"
    kill -9 "$pid" 2> /dev/null; wait "$pid" 2> /dev/null
    run=$(grep -oE 'Run [0-9TZ-]+[a-f0-9]+' "$log" | head -1 | cut -d' ' -f2)
    stage=$(grep -oE '\] [a-z_]+ started' "$log" | tail -1 | awk '{print $2}')
    state="-"
    expected=$(compared "$work/chaos" | wc -l)
    out=""
    if [ -d "$work/chaos/job_runs/_delta_log" ]; then
      sql="SELECT concat_ws(',', collect_list(concat(stage, '=', status))) FROM job_runs WHERE run_id = '${run:-none}'"
      out=$(cd "$work" && "$ca" query --warehouse "$work/chaos" "$sql" 2> "$work/check$k.err" | grep -v '^\[' | tail -1)
    fi
    if [ "$expected" -eq 0 ] || { fp=$(fingerprint "$work/chaos") && [ "$(echo "$fp" | tail -n +2 | wc -l)" -eq "$expected" ]; }; then
      readable=$((readable + 1)); tables_ok="all $expected readable"
    else
      tables_ok="UNREADABLE (see $work/fingerprint.err)"
    fi
    if [ -z "$stage" ]; then
      state="(killed before a stage began)"; before_first_row=$((before_first_row + 1)); shown=$((shown + 1))
    elif echo "$out" | grep -q "$stage=running"; then
      state="$stage=running"; shown=$((shown + 1))
    elif echo "$out" | grep -q "$stage=succeeded"; then
      state="$stage=succeeded (ended)"; shown=$((shown + 1))
    else
      state="MISSING: ${out:-no row}"
    fi
    printf '%-5s %-6s %-8s %-15s %-22s %s\n' "$k" "$n" "${after}s" "${stage:-start}" "$state" "$tables_ok"
  done
  night $n "$work/chaos" "$work/chaos-in" "$work/chaos-night$n.log"
  wait $pid || { echo "night $n after its kills failed"; tail -5 "$work/chaos-night$n.log"; exit 1; }
done

# 3. The killed warehouse against the reference.
fingerprint "$work/ref" > "$work/ref.fp"
fingerprint "$work/chaos" > "$work/chaos.fp"
same=$(comm -12 <(sort "$work/ref.fp") <(sort "$work/chaos.fp") | grep -vc '^t,n,h$')
all=$(grep -vc '^t,n,h$' "$work/ref.fp")
echo "kills: $k; tables readable after every kill: $readable/$k; job_runs shows the killed run: $shown/$k ($before_first_row killed before a stage began)"
echo "final tables equal to the fault-free run's: $same/$all"
diff <(sort "$work/ref.fp") <(sort "$work/chaos.fp") && echo "CHAOS OK" || { echo "CHAOS DIFFERENCES (above)"; exit 1; }
