"""Background tasks of the boards (django-tasks; `fivestar worker` runs them)."""

from django_tasks import task


@task()
def refresh_dirty_boards() -> int:
    from .services import refresh_dirty

    return refresh_dirty()
