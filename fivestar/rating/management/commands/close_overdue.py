"""`fivestar close_overdue [--date YYYY-MM-DD]`: 截止处理 — close every open round's branches still unfinished
after their stage deadline as 未按期完成 (see services.deadlines), and tell each village.

Idempotent: a closed branch is not selected again, and each message has a dedupe key, so cron or
`fivestar scheduler` may run it as often as they like (it is meant to run daily).
"""

from fivestar.rating.management.dated_command import DatedCommand
from fivestar.rating.services.deadlines import close_all_overdue


class Command(DatedCommand):
    help = "截止处理：各环节截止日期过后仍未完成的申报按“未按期完成”处理（重复运行不会重复处理）"

    def run(self, today):
        return f"截止处理 {close_all_overdue(today)} 个申报"
