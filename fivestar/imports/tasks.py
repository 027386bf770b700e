"""Background tasks of the imports app (django-tasks; `fivestar worker` runs them)."""

from django_tasks import task


@task()
def run_divisions_import(job_id: int) -> dict:
    from .divisions_jobs import run

    return run(job_id)
