"""`fivestar resume-jobs [--list]`: queue again every background job whose worker stopped reporting.

A job is stalled when its heartbeat is older than JOB_STALL_SECONDS (env FIVESTAR_JOB_STALL_SECONDS).
`fivestar worker` does this by itself on start and every few seconds; this command is for an operator
(or cron) and for a deployment whose worker runs elsewhere. The jobs run in the worker (`fivestar worker`).
"""

from django.core.management.base import BaseCommand

from fivestar.core import jobs


class Command(BaseCommand):
    help = "继续已停滞的后台任务（评星周期开启、行政区划导入、责任书、导出、会议简报、挂图统计刷新、督导每日处理）：重新排队，由 fivestar worker 完成"

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="只列出已停滞的任务，不重新排队")

    def handle(self, *args, **options):
        if options["list"]:
            found = [(kind.label, job) for kind in jobs._REGISTRY.values() for job in kind.stalled(jobs.cutoff())]
            for label, job in found:
                self.stdout.write(f"{label} {job.pk}：已停滞（超过 {jobs.stall_seconds()} 秒没有进展）")
            if not found:
                self.stdout.write("没有已停滞的后台任务。")
            return
        lines = jobs.resume_stalled()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"已继续 {len(lines)} 个已停滞的任务。" if lines else "没有已停滞的后台任务。")
