#!/usr/bin/env bash
# Submits customer-analytics to a cluster with spark-submit (YARN on EMR or Dataproc, or any
# --master). Run it on a host with Spark's client set up (e.g. the EMR or Dataproc master node).
#
#   deploy/spark-submit/submit.sh --jar JAR --config FILE --as-of YYYY-MM-DD [--stages a,b,...]
#       [--master yarn] [--deploy-mode cluster|client] [-- more job options, e.g. --input s3a://...]
#
#   --jar     the app jar (mvn -B package): a local path, s3://, gs:// or hdfs://
#   --config  the settings file (see conf/emr.conf, conf/dataproc.conf); local or remote. It is
#             shipped with --files and, in cluster mode, the job reads it by its file name from
#             the driver's working directory, where YARN puts --files
#   --as-of   the as-of date for customer-level stages (nightly: the day just ended)
#   --stages  stages to run, in pipeline order (default: every stage)
#
# Environment: SPARK_SUBMIT (default spark-submit; SPARK_SUBMIT=echo prints the command instead).
# Credentials: none here; the cluster's instance profile / service account is used.
set -euo pipefail

main_class=com.customeranalytics.cli.Main
# Delta Lake: the app jar carries Delta; these register it with Spark SQL. Given at submit time so
# they win over a cluster default that sets other extensions.
delta_conf=(
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog
)

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2 # the comment block at the top
  exit "${1:-2}"
}

jar="" config="" as_of="" stages="" master=yarn deploy_mode=cluster
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="${2:?--jar needs a value}"; shift 2 ;;
    --config) config="${2:?--config needs a value}"; shift 2 ;;
    --as-of) as_of="${2:?--as-of needs a value}"; shift 2 ;;
    --stages) stages="${2:?--stages needs a value}"; shift 2 ;;
    --master) master="${2:?--master needs a value}"; shift 2 ;;
    --deploy-mode) deploy_mode="${2:?--deploy-mode needs a value}"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage 0 ;;
    *) echo "submit.sh: unknown option '$1'" >&2; usage ;;
  esac
done
[ -n "$jar" ] && [ -n "$config" ] && [ -n "$as_of" ] || { echo "submit.sh: --jar, --config and --as-of are required" >&2; usage; }

case "$deploy_mode" in
  cluster) job_config="$(basename "$config")" ;; # shipped by --files into the driver's working dir
  client)
    # The driver runs here: it reads the file where it is, so it must be local.
    case "$config" in *://*) echo "submit.sh: in client mode --config must be a local file" >&2; exit 2 ;; esac
    job_config="$config" ;;
  *) echo "submit.sh: --deploy-mode must be cluster or client" >&2; exit 2 ;;
esac

job_args=(run --config "$job_config" --as-of "$as_of")
[ -n "$stages" ] && job_args+=(--stages "$stages")

# The model stages' xgboost candidate trains in barrier mode, which Spark refuses under dynamic
# allocation: off for a run that includes ltv or next_purchase (every stage by default).
model_conf=()
case ",${stages:-ltv}," in *,ltv,*|*,next_purchase,*) model_conf=(--conf spark.dynamicAllocation.enabled=false) ;; esac

exec "${SPARK_SUBMIT:-spark-submit}" \
  --master "$master" --deploy-mode "$deploy_mode" \
  --name "customer-analytics-$as_of" \
  --class "$main_class" \
  "${delta_conf[@]}" ${model_conf[@]+"${model_conf[@]}"} \
  --files "$config" \
  "$jar" "${job_args[@]}" ${extra[@]+"${extra[@]}"}
