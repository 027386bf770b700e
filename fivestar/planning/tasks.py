"""Background tasks of planning (django-tasks; `fivestar worker` runs them)."""

from django_tasks import task


@task()
def render_letter_batch(batch_id: int) -> dict:
    from .services.letters_batch import run

    return run(batch_id)
