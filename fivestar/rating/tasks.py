"""Background tasks of the rating workflow (django-tasks; run by `fivestar worker`)."""

from django_tasks import task


@task()
def populate_round_task(round_id: int) -> int:
    from .models import Round
    from .services.opening import populate_round

    # A queued run may outlive its purpose (a resume queued while the first run finished): only an
    # opening round is populated, never one already open, in notice or recognised.
    if not Round.objects.filter(pk=round_id, phase=Round.Phase.OPENING).exists():
        return 0
    return populate_round(round_id)


@task()
def send_reminders_task() -> int:
    from .services.reminders import send_stage_reminders

    return send_stage_reminders()
