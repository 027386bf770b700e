"""`fivestar supervision-daily [--date YYYY-MM-DD]`: reminders before the deadline, overdue marking and escalation
of supervision problems (包村干部 → 包片领导 → 镇级管理员). Idempotent: running it twice sends nothing twice."""

from fivestar.rating.management.dated_command import DatedCommand
from fivestar.supervision.services import run_daily


class Command(DatedCommand):
    help = "督导问题每日处理：截止前提醒、标记逾期、逐级升级（重复运行不会重复发送）"

    def run(self, today):
        result = run_daily(today)
        if result.get("skipped"):
            return f"{result['date']:%Y-%m-%d}：另一个进程正在处理当天的督导问题，本次跳过"
        return (f"{result['date']:%Y-%m-%d}：截止提醒 {result['reminded']} 个问题，新逾期 {result['overdue']} 个，"
                f"逾期升级 {result['escalated']} 次，发送站内消息 {result['notifications']} 条")
