from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "fivestar.supervision"
    verbose_name = "督导检查"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fivestar.core import jobs

        from .services.daily_run import resume_run, stalled_runs
        from .tasks import run_supervision_daily

        jobs.register(jobs.Resumable("督导每日处理", stalled_runs, resume_run, run_supervision_daily.module_path))
