from django.apps import AppConfig


class RatingConfig(AppConfig):
    name = "fivestar.rating"
    label = "rating"
    verbose_name = "评星定级"
