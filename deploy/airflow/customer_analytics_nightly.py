"""Nightly customer-analytics run: one Spark job per stage (or one for all), as of the run's day.

Deploy this file and job_args.json (beside it) to the DAGs folder. The job's command line lives in
job_args.json only; DeployArgsTest in the repository feeds it to the job's own CLI parser.

Airflow Variables (set them before enabling the DAG):
  customer_analytics_launcher         spark_submit (default) | emr | dataproc
  customer_analytics_task_per_stage   true (default): a task per stage, so a failed stage retries
                                      alone; false: one task runs every stage
  customer_analytics_jar              the app jar: s3://.../customer-analytics-0.1.0.jar, gs://...,
                                      or a path the spark-submit host can read
  customer_analytics_conf             the settings file, named customer-analytics.conf (the job
                                      reads it by that name from the driver's working directory)
  customer_analytics_emr_cluster_id   emr: the running cluster (j-...)
  customer_analytics_gcp_project      dataproc: project id
  customer_analytics_dataproc_region  dataproc: region, e.g. europe-west1
  customer_analytics_dataproc_cluster dataproc: cluster name
Connections: spark_default (spark_submit, e.g. host "yarn"), aws_default (emr),
google_cloud_default (dataproc). No credentials in this file or in the job's settings: the
connections and the clusters' own roles / service accounts provide them.

As-of date: {{ ds }}, the start of the run's data interval. The 02:00 UTC run on 2024-06-02 covers
2024-06-01 and runs the job as of 2024-06-01, the last complete day. Re-running a night is safe:
ingest skips files already in bronze, clean classifies only the ingest runs it has not classified
yet (replacing their rows, so a retried night gives the same tables), later stages overwrite their
as-of partition.

Full refresh: the DAG param full_refresh (default false) passes --set full-refresh=true, which
rebuilds every table from all of bronze: trigger the DAG with the config {"full_refresh": true}
(UI: Trigger DAG w/ config; CLI: airflow dags trigger customer_analytics_nightly --conf
'{"full_refresh": true}').

`python3 customer_analytics_nightly.py --print-args` prints each task's job arguments as JSON
(templates unrendered) without Airflow installed; the repository's tests use it.
"""

import json
import os
import sys
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "job_args.json"), encoding="utf-8") as f:
    JOB = json.load(f)

MAIN_CLASS = JOB["main_class"]
STAGES = JOB["stages"]
SPARK_CONF = JOB["spark_conf"]

LAUNCHERS = ("spark_submit", "emr", "dataproc")
# Rendered when a task runs, so the scheduler does not read Variables on every parse.
JAR = "{{ var.value.customer_analytics_jar }}"
CONF = "{{ var.value.customer_analytics_conf }}"


def task_arguments(task_per_stage=True):
    """Task label -> the job's arguments for that task, in pipeline order."""
    if task_per_stage:
        return {stage: JOB["args"] + ["--stages", stage] for stage in STAGES}
    return {"pipeline": JOB["args"] + ["--stages", ",".join(STAGES)]}


def task_spark_conf(label):
    """The Spark settings of a task: the shared ones plus those of the stages it runs."""
    conf = dict(SPARK_CONF)
    for stage in STAGES if label == "pipeline" else [label]:
        conf.update(JOB.get("stage_spark_conf", {}).get(stage, {}))
    return conf


def spark_submit_flags(label):
    """spark-submit flags shared by every launcher that runs spark-submit itself (EMR steps)."""
    flags = ["--deploy-mode", "cluster", "--class", MAIN_CLASS, "--files", CONF]
    for key, value in task_spark_conf(label).items():
        flags += ["--conf", f"{key}={value}"]
    return flags


if __name__ == "__main__" and "--print-args" in sys.argv:
    modes = {"per_stage": task_arguments(True), "one_task": task_arguments(False)}
    json.dump(modes, sys.stdout)
    if "--with-conf" in sys.argv:
        sys.stdout.write("\n")
        json.dump({label: task_spark_conf(label) for tasks in modes.values() for label in tasks}, sys.stdout)
    sys.exit(0)

# Imported after the pure part above so that the argument check runs where Airflow is not installed.
import pendulum  # noqa: E402  (ships with Airflow)
from airflow import DAG  # noqa: E402
from airflow.models import Variable  # noqa: E402
from airflow.models.param import Param  # noqa: E402

LAUNCHER = Variable.get("customer_analytics_launcher", default_var="spark_submit").strip().lower()
TASK_PER_STAGE = (
    Variable.get("customer_analytics_task_per_stage", default_var="true").strip().lower() == "true"
)
if LAUNCHER not in LAUNCHERS:
    raise ValueError(
        f"Variable customer_analytics_launcher is '{LAUNCHER}'; expected one of {', '.join(LAUNCHERS)}"
    )


def spark_submit_tasks(label, args):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    task = SparkSubmitOperator(
        task_id=label,
        conn_id="spark_default",
        application=JAR,
        java_class=MAIN_CLASS,
        application_args=args,
        files=CONF,
        conf=task_spark_conf(label),
        deploy_mode="cluster",  # --files land in the driver's working directory
        name=f"customer-analytics-{label}-{{{{ ds }}}}",
    )
    return task, task


def emr_tasks(label, args):
    from airflow.providers.amazon.aws.operators.emr import EmrAddStepsOperator
    from airflow.providers.amazon.aws.sensors.emr import EmrStepSensor

    cluster = "{{ var.value.customer_analytics_emr_cluster_id }}"
    submit = EmrAddStepsOperator(
        task_id=f"{label}_submit",
        aws_conn_id="aws_default",
        job_flow_id=cluster,
        steps=[
            {
                "Name": f"customer-analytics {label} {{{{ ds }}}}",
                "ActionOnFailure": "CONTINUE",  # a failed night must not terminate the cluster
                "HadoopJarStep": {
                    "Jar": "command-runner.jar",
                    "Args": ["spark-submit"] + spark_submit_flags(label) + [JAR] + args,
                },
            }
        ],
    )
    wait = EmrStepSensor(
        task_id=f"{label}_wait",
        aws_conn_id="aws_default",
        job_flow_id=cluster,
        step_id=f"{{{{ task_instance.xcom_pull(task_ids='{label}_submit')[0] }}}}",
        poke_interval=60,
        mode="reschedule",  # frees the worker slot while the step runs
        # Retrying the sensor would only watch the same failed step again: to re-run the stage,
        # clear '{label}_submit' (with downstream) in the UI.
        retries=0,
    )
    submit >> wait
    return submit, wait


def dataproc_tasks(label, args):
    from airflow.providers.google.cloud.operators.dataproc import DataprocSubmitJobOperator

    properties = task_spark_conf(label)
    properties["spark.submit.deployMode"] = "cluster"  # --files land in the driver's working directory
    task = DataprocSubmitJobOperator(
        task_id=label,
        gcp_conn_id="google_cloud_default",
        project_id="{{ var.value.customer_analytics_gcp_project }}",
        region="{{ var.value.customer_analytics_dataproc_region }}",
        job={
            "reference": {"project_id": "{{ var.value.customer_analytics_gcp_project }}"},
            "placement": {"cluster_name": "{{ var.value.customer_analytics_dataproc_cluster }}"},
            "spark_job": {
                "main_class": MAIN_CLASS,
                "jar_file_uris": [JAR],
                "file_uris": [CONF],
                "args": args,
                "properties": properties,
            },
        },
    )
    return task, task


BUILDERS = {"spark_submit": spark_submit_tasks, "emr": emr_tasks, "dataproc": dataproc_tasks}

with DAG(
    dag_id="customer_analytics_nightly",
    description="customer-analytics: raw drops -> bronze -> silver -> customer tables, nightly",
    schedule="0 2 * * *",  # 02:00 UTC, after the day's drops have landed
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # nights write the same tables: never two at once
    default_args={
        "owner": "data-engineering",
        "retries": 2,
        "retry_delay": timedelta(minutes=10),
        "execution_timeout": timedelta(hours=4),
    },
    tags=["customer-analytics", "spark"],
    params={
        "full_refresh": Param(
            False, type="boolean", description="Rebuild every table from all of bronze (run --full-refresh)"
        ),
    },
) as dag:
    previous = None
    for task_label, task_args in task_arguments(TASK_PER_STAGE).items():
        first, last = BUILDERS[LAUNCHER](task_label, task_args)
        if previous is not None:
            previous >> first  # stages run in pipeline order, each reading the one before's tables
        previous = last
