from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "fivestar.supervision"
    verbose_name = "督导检查"
    default_auto_field = "django.db.models.BigAutoField"
