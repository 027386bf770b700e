from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """The cadres' annual review (述职考核): packs computed from the records, score, grade, adjustments, exports."""

    name = "fivestar.reviews"
    label = "reviews"
    verbose_name = "述职考核"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fivestar.core import jobs, retention

        from .exports_jobs import resume_export, stalled_exports
        from .models import ReviewExport
        from .tasks import run_review_export

        jobs.register(jobs.Resumable("述职考核材料导出", stalled_exports, resume_export, run_review_export.module_path))
        retention.register(ReviewExport)  # its files go after EXPORT_RETENTION_DAYS
