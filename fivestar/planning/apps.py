from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "fivestar.planning"
    verbose_name = "目标、责任书、创建台账与承诺"
    default_auto_field = "django.db.models.BigAutoField"
