"""`fivestar scheduler [--interval MINUTES] [--once]`: runs the periodic jobs: `send_reminders`,
`close_overdue` (截止处理 of branches past their stage deadline; idempotent, effectively daily),
`boards_refresh` (挂图作战: refresh the towns marked dirty, rebuild the year once a day), `supervision_daily` (督导问题 reminders, overdue marking and escalation; idempotent), `planning_daily` (创建台账
reminders and overdue marking, monthly commitment reminders; idempotent), and
`resume_jobs` (queue again background jobs whose worker died; `fivestar worker` also does it itself) and
`purge_exports` (remove exported files older than EXPORT_RETENTION_DAYS; the export rows stay).

Run it as one long-lived process next to the web server, e.g. a systemd unit:

    [Service]
    ExecStart=/opt/fivestar/.venv/bin/fivestar scheduler --interval 60
    Restart=always

or, instead, from cron with a single pass each time:

    0 * * * *  /opt/fivestar/.venv/bin/fivestar scheduler --once

Every job is idempotent, so overlapping or repeated passes do no harm. Run one scheduler per deployment.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

JOBS = ["send_reminders", "close_overdue", "supervision_daily", "planning_daily", "meetings_daily", "boards_refresh", "resume_jobs", "purge_exports"]


class Command(BaseCommand):
    help = "定时任务：每隔 N 分钟运行一次（send_reminders、close_overdue、supervision_daily、planning_daily、meetings_daily、boards_refresh、resume_jobs、purge_exports）；--once 只运行一轮"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="两轮之间的间隔（分钟，默认 60）")
        parser.add_argument("--once", action="store_true", help="只运行一轮后退出（供 cron 调用）")

    def run_pass(self):
        for job in JOBS:
            started = timezone.localtime()
            try:
                call_command(job, stdout=self.stdout, stderr=self.stderr)
            except Exception as error:  # noqa: BLE001 — one failing job must not stop the scheduler
                self.stderr.write(f"[{started:%Y-%m-%d %H:%M}] {job} 失败：{error}")
        close_old_connections()

    def handle(self, *args, **options):
        interval = max(1, options["interval"]) * 60
        if options["once"]:
            self.run_pass()
            return
        self.stdout.write(f"定时任务已启动：每 {interval // 60} 分钟运行 {', '.join(JOBS)}（Ctrl+C 停止）")
        try:
            while True:
                self.run_pass()
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("定时任务已停止")
