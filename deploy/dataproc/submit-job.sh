#!/usr/bin/env bash
# Runs customer-analytics on a Dataproc cluster (image 2.2: Spark 3.5, Scala 2.12, Java 11):
# `gcloud dataproc jobs submit spark`, gs:// paths through the Cloud Storage connector.
#
#   deploy/dataproc/submit-job.sh --cluster NAME --region REGION --jar gs://.../customer-analytics-0.1.0.jar
#       --config gs://.../customer-analytics.conf --as-of YYYY-MM-DD [--stages a,b,...] [-- more job options]
#
# The driver runs in YARN cluster mode, so the --config file (shipped with --files) is in its
# working directory under its file name. Do not add Dataproc's Delta Lake optional component:
# the app jar carries Delta 3.3.3, and two Deltas on one classpath clash.
# Environment: GCLOUD (default gcloud; GCLOUD=echo prints the command instead).
# Credentials: the cluster's service account; nothing here.
set -euo pipefail

main_class=com.customeranalytics.cli.Main
# Delta registration; spark.submit.deployMode=cluster runs the driver in YARN (see above).
properties=spark.submit.deployMode=cluster,spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension,spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2 # the comment block at the top
  exit "${1:-2}"
}

cluster="" region="" jar="" config="" as_of="" stages=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) cluster="${2:?--cluster needs a value}"; shift 2 ;;
    --region) region="${2:?--region needs a value}"; shift 2 ;;
    --jar) jar="${2:?--jar needs a value}"; shift 2 ;;
    --config) config="${2:?--config needs a value}"; shift 2 ;;
    --as-of) as_of="${2:?--as-of needs a value}"; shift 2 ;;
    --stages) stages="${2:?--stages needs a value}"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage 0 ;;
    *) echo "submit-job.sh: unknown option '$1'" >&2; usage ;;
  esac
done
[ -n "$cluster" ] && [ -n "$region" ] && [ -n "$jar" ] && [ -n "$config" ] && [ -n "$as_of" ] \
  || { echo "submit-job.sh: --cluster, --region, --jar, --config and --as-of are required" >&2; usage; }

job_args=(run --config "$(basename "$config")" --as-of "$as_of")
[ -n "$stages" ] && job_args+=(--stages "$stages")
# The model stages' xgboost candidate trains in barrier mode, which Spark refuses under dynamic
# allocation: off for a run that includes ltv or next_purchase (every stage by default).
case ",${stages:-ltv}," in *,ltv,*|*,next_purchase,*) properties+=,spark.dynamicAllocation.enabled=false ;; esac

exec "${GCLOUD:-gcloud}" dataproc jobs submit spark \
  --cluster="$cluster" --region="$region" \
  --class="$main_class" --jars="$jar" --files="$config" \
  --properties="$properties" \
  --labels=app=customer-analytics \
  -- "${job_args[@]}" ${extra[@]+"${extra[@]}"}
