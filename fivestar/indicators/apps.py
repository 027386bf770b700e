from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "fivestar.indicators"
    label = "indicators"
    verbose_name = "指标数据"
