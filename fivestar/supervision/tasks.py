"""Background task of supervision (django-tasks; `fivestar worker` runs it): a daily pass resumed after its process died."""

from django_tasks import task


@task()
def run_supervision_daily(run_id: int) -> dict:
    from .models import DailyRun
    from .services.scheduled import run_daily

    run = DailyRun.objects.filter(pk=run_id).first()
    if run is None:
        return {"skipped": True}
    result = run_daily(run.date)
    return {k: v for k, v in result.items() if k != "date"}
