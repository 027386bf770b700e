"""Background tasks of the rating workflow (django-tasks; run by `fivestar worker`)."""

from django_tasks import task


@task()
def populate_round_task(round_id: int) -> int:
    from .services.opening import populate_round

    return populate_round(round_id)


@task()
def send_reminders_task() -> int:
    from .services.reminders import send_stage_reminders

    return send_stage_reminders()
