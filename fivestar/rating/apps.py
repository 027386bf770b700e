from django.apps import AppConfig


class RatingConfig(AppConfig):
    name = "fivestar.rating"
    label = "rating"
    verbose_name = "评星定级"

    def ready(self):
        from fivestar.core import jobs

        from .services.opening import resume_opening, stalled_openings
        from .tasks import populate_round_task

        jobs.register(jobs.Resumable("评星周期开启", stalled_openings, resume_opening, populate_round_task.module_path))
