"""Background tasks (django-tasks): they take ids and call the pipeline or services."""

from django_tasks import task

from gonghui.core.imports.pipeline import commit_job, validate_job


@task()
def validate_import(job_id: int) -> None:
    validate_job(job_id)


@task()
def commit_import(job_id: int) -> None:
    commit_job(job_id)
