from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fivestar.projects"
    verbose_name = "项目推介与激励"
