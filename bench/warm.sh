#!/usr/bin/env bash
# Builds the jar and, when it is missing or older than the jar, the launcher's class-data-sharing
# archive (see bin/customer-analytics): the first `run` after a build writes it at exit, which
# makes that run slower than a user's every other run. Done here, untimed, with one whole
# pipeline on the real file (CA_WARM_INPUT, default ../shared/data/online_retail.csv.gz next to the
# repo), so every timed run starts the way a user's second run does.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/bin/customer-analytics" --help > /dev/null
[ "${CA_CDS:-1}" = 1 ] || exit 0
if [ -z "$(find "$repo/target" -maxdepth 1 -name 'cds-*.jsa' -newer "$repo/target/customer-analytics.jar" \
    -newer "$repo/target/classpath.txt" 2>/dev/null)" ]; then
  wh=$(mktemp -d /tmp/ca-warm-XXXX)
  CA_CONFIG="$repo/conf/bench.conf" "$repo/bin/customer-analytics" run \
    --input "${CA_WARM_INPUT:-$repo/../shared/data/online_retail.csv.gz}" --warehouse "$wh/wh" > "$wh/log" 2>&1 \
    || { tail -20 "$wh/log"; rm -rf "$wh"; exit 1; }
  rm -rf "$wh"
fi
