"""`fivestar send_reminders [--date YYYY-MM-DD]`: stage-deadline and overdue reminders to the inbox.

Idempotent per day (each reminder has a dedupe key with the date), so cron or `fivestar scheduler` may
run it as often as they like.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from fivestar.rating.services.reminders import send_stage_reminders


class Command(BaseCommand):
    help = "发送评星各环节截止前提醒与逾期提醒（站内消息；同一天重复运行不会重复发送）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("日期格式应为 YYYY-MM-DD") from error
        sent = send_stage_reminders(today)
        self.stdout.write(f"已发送提醒 {sent} 条")
        return None
