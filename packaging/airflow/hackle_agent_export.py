"""Airflow DAG: export each day's events to the Hackle Data Import bucket.

Copy into your dags/ folder. Each run exports its data interval's day
(`{{ ds }}`, the day before the run for a daily schedule), reading that
day's exports (`{date}` in --input is the partition day) and keeping the
report in the bucket, one folder per day (reports/export/dt=DATE/). A
backfill (`airflow dags backfill`) exports each day once.

Exit codes (docs/exit-codes.md): 1 usage or config; 2 I/O, credentials or
network, worth the retries below; 3 data refused, nothing committed: the
task fails and retrying does not help; someone has to read the report
(`hackle-agent inspect`). On Kubernetes, run the same arguments with
KubernetesPodOperator(image="hackle-agent:<version>", arguments=[...]).
"""

import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="hackle_agent_export",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2023, 1, 1, tz="Asia/Seoul"),
    catchup=False,
    max_active_runs=1,  # two exports of one day must not race
    default_args={"retries": 2, "retry_delay": pendulum.duration(minutes=10)},
) as dag:
    BashOperator(
        task_id="export",
        bash_command=(
            "hackle-agent export"
            " --date {{ ds }}"
            " --input 's3://my-exports/events/{date}/'"
            " --dest s3://my-bucket/hackle"
            " --source-timezone Asia/Seoul"
            " --partition-timezone Asia/Seoul"
            " --report-dir s3://my-bucket/hackle-agent-reports"
            " --log-format json"
        ),
        # Staging of S3/GCS uploads: a folder on a disk with room.
        env={"TMPDIR": "/var/cache/hackle-agent"},
        append_env=True,
    )
