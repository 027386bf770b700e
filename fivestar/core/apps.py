from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fivestar.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import audit  # noqa: F401  (connects the history → audit-event signal)
