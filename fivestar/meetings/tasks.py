"""Background tasks of meetings (django-tasks; `fivestar worker` runs them)."""

from django_tasks import task


@task()
def render_briefing(briefing_id: int) -> dict:
    from .services.briefing_job import run

    return run(briefing_id)
