from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "fivestar.standards"
    label = "standards"
    verbose_name = "创建标准"
