from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "fivestar.imports"
    label = "imports"
    verbose_name = "数据导入"

    def ready(self):
        from fivestar.core import jobs

        from .divisions_jobs import resume, stalled_jobs
        from .tasks import run_divisions_import

        jobs.register(jobs.Resumable("行政区划导入", stalled_jobs, resume, run_divisions_import.module_path))
