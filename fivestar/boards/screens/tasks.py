"""Background task of the board exports (django-tasks; `fivestar worker` runs it)."""

from django_tasks import task


@task()
def run_board_export(export_id: int) -> dict:
    from .exports_jobs import run

    return run(export_id)
