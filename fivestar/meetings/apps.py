from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "fivestar.meetings"
    verbose_name = "会议与调度简报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fivestar.core import jobs

        from .services.briefing_job import resume_briefing, stalled_briefings
        from .tasks import render_briefing

        jobs.register(jobs.Resumable("会议简报生成", stalled_briefings, resume_briefing, render_briefing.module_path))
