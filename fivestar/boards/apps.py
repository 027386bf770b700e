from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "fivestar.boards"
    verbose_name = "挂图作战"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fivestar.core import board_marks, jobs

        from .services import mark_handler, resume_refresh, stalled_refreshes
        from .tasks import refresh_dirty_boards

        board_marks.register(mark_handler)
        jobs.register(jobs.Resumable("挂图作战统计刷新", stalled_refreshes, resume_refresh, refresh_dirty_boards.module_path))
