from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fivestar.api"
    label = "api"
    verbose_name = "接口"
