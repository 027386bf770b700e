from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "fivestar.planning"
    verbose_name = "目标、责任书、创建台账与承诺"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fivestar.core import jobs, retention

        from .models import LetterBatch
        from .services.letters_batch import resume_batch, stalled_batches
        from .tasks import render_letter_batch

        jobs.register(jobs.Resumable("责任书批量生成", stalled_batches, resume_batch, render_letter_batch.module_path))
        retention.register(LetterBatch)  # its files go after EXPORT_RETENTION_DAYS
