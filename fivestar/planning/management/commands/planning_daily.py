"""`fivestar planning-daily [--date YYYY-MM-DD]`: creation ledger reminders before the deadline, overdue marking,
and the monthly commitment reminders (月初晒承诺、月底亮业绩). Idempotent: running it twice sends nothing twice."""

from fivestar.planning.services import run_planning_daily
from fivestar.rating.management.dated_command import DatedCommand


class Command(DatedCommand):
    help = "创建台账与月度承诺每日处理：截止前提醒、标记逾期、承诺与业绩提醒（重复运行不会重复发送）"

    def run(self, today):
        r = run_planning_daily(today)
        return (f"{r['date']:%Y-%m-%d}：截止提醒 {r['reminded']} 项任务，新逾期 {r['overdue']} 项，"
                f"未晒承诺提醒 {r['commit_reminded']} 个村，未亮业绩提醒 {r['result_reminded']} 个村，"
                f"发送站内消息 {r['notifications']} 条")
