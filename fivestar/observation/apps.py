from django.apps import AppConfig


class ObservationConfig(AppConfig):
    name = "fivestar.observation"
    verbose_name = "季观摩与红黑旗"
    default_auto_field = "django.db.models.BigAutoField"
