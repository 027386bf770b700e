"""`fivestar close_overdue [--date YYYY-MM-DD]`: 截止处理 — close every open round's branches still unfinished
after their stage deadline as 未按期完成 (see services.deadlines), and tell each village.

Idempotent: a closed branch is not selected again, and each message has a dedupe key, so cron or
`fivestar scheduler` may run it as often as they like (it is meant to run daily).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from fivestar.rating.services.deadlines import close_all_overdue


class Command(BaseCommand):
    help = "截止处理：各环节截止日期过后仍未完成的申报按“未按期完成”处理（重复运行不会重复处理）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("日期格式应为 YYYY-MM-DD") from error
        closed = close_all_overdue(today)
        self.stdout.write(f"截止处理 {closed} 个申报")
