from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "fivestar.inbox"
    label = "inbox"
    verbose_name = "消息提醒"
