from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "fivestar.people"
    label = "people"
    verbose_name = "人员与职责"
