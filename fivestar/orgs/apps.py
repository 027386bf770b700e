from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "fivestar.orgs"
    label = "orgs"
    verbose_name = "组织架构"
