from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "fivestar.activities"
    verbose_name = "党建活动、荣誉与专项行动"
    default_auto_field = "django.db.models.BigAutoField"
