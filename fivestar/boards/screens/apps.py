from django.apps import AppConfig


class BoardScreensConfig(AppConfig):
    """The big screen, the map and the exports of the board (挂图作战): a small app of its own beside
    `fivestar.boards`, so its export jobs' table and migrations never collide with the board's."""

    name = "fivestar.boards.screens"
    label = "board_screens"
    verbose_name = "挂图作战·大屏、地图与导出"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fivestar.core import jobs, retention

        from .exports_jobs import resume_export, stalled_exports
        from .models import BoardExport
        from .tasks import run_board_export

        jobs.register(jobs.Resumable("挂图作战导出", stalled_exports, resume_export, run_board_export.module_path))
        retention.register(BoardExport)  # its files go after EXPORT_RETENTION_DAYS
