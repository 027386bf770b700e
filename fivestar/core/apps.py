from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fivestar.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import audit  # noqa: F401  (connects the history → audit-event signal)
        from .append_only import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="fivestar_audit_append_only")
