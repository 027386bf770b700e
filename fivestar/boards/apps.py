from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "fivestar.boards"
    verbose_name = "挂图作战"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fivestar.core import board_marks

        from .services import mark_handler

        board_marks.register(mark_handler)
