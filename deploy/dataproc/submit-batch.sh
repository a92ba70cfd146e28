#!/usr/bin/env bash
# Runs customer-analytics on Dataproc Serverless: `gcloud dataproc batches submit spark`.
#
#   deploy/dataproc/submit-batch.sh --region REGION --jar gs://.../customer-analytics-0.1.0.jar
#       --config gs://.../customer-analytics.conf --as-of YYYY-MM-DD [--stages a,b,...]
#       [--runtime 1.2|3.0] [-- more job options]
#
# --runtime 1.2 (the default: Spark 3.5, Scala 2.12, Java 17) runs customer-analytics-0.1.0.jar;
# --runtime 3.0 (Spark 4.0, Scala 2.13) runs the Spark 4 build, customer-analytics-0.1.0-spark4.0.jar
# (mvn -Pspark4). The Scala 2.13 runtimes 2.x (Spark 3.5) can run neither. The --config file is shipped with --files into the
# driver's working directory. Network, service account and the like: add gcloud flags through
# GCLOUD_FLAGS, e.g. GCLOUD_FLAGS="--subnet=default --service-account=ca@PROJECT.iam.gserviceaccount.com".
# Environment: GCLOUD (default gcloud; GCLOUD=echo prints the command instead); METASTORE_SERVICE
# (projects/P/locations/R/services/S: a Dataproc Metastore for catalog.database, which a batch
# has no other metastore for).
# Credentials: the batch's service account; nothing here.
set -euo pipefail

main_class=com.customeranalytics.cli.Main
runtime=1.2
properties=spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension,spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2 # the comment block at the top
  exit "${1:-2}"
}

region="" jar="" config="" as_of="" stages=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --region) region="${2:?--region needs a value}"; shift 2 ;;
    --jar) jar="${2:?--jar needs a value}"; shift 2 ;;
    --config) config="${2:?--config needs a value}"; shift 2 ;;
    --as-of) as_of="${2:?--as-of needs a value}"; shift 2 ;;
    --stages) stages="${2:?--stages needs a value}"; shift 2 ;;
    --runtime) runtime="${2:?--runtime needs a value}"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage 0 ;;
    *) echo "submit-batch.sh: unknown option '$1'" >&2; usage ;;
  esac
done
[ -n "$region" ] && [ -n "$jar" ] && [ -n "$config" ] && [ -n "$as_of" ] \
  || { echo "submit-batch.sh: --region, --jar, --config and --as-of are required" >&2; usage; }

job_args=(run --config "$(basename "$config")" --as-of "$as_of")
[ -n "$stages" ] && job_args+=(--stages "$stages")
# The model stages' xgboost candidate trains in barrier mode, which Spark refuses under dynamic
# allocation: off for a run that includes ltv or next_purchase (every stage by default).
case ",${stages:-ltv}," in *,ltv,*|*,next_purchase,*) properties+=,spark.dynamicAllocation.enabled=false ;; esac

# shellcheck disable=SC2086  # GCLOUD_FLAGS is a list of flags on purpose
exec "${GCLOUD:-gcloud}" dataproc batches submit spark \
  --region="$region" --version="$runtime" \
  --class="$main_class" --jars="$jar" --files="$config" \
  --properties="$properties" \
  --labels=app=customer-analytics \
  ${METASTORE_SERVICE:+--metastore-service="$METASTORE_SERVICE"} \
  ${GCLOUD_FLAGS:-} \
  -- "${job_args[@]}" ${extra[@]+"${extra[@]}"}
