"""Background task of the review exports (django-tasks; `fivestar worker` runs it)."""

from django_tasks import task


@task()
def run_review_export(export_id: int) -> dict:
    from .exports_jobs import run

    return run(export_id)
