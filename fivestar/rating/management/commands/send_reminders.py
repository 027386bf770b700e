"""`fivestar send_reminders [--date YYYY-MM-DD]`: stage-deadline and overdue reminders to the inbox.

Idempotent per day (each reminder has a dedupe key with the date), so cron or `fivestar scheduler` may
run it as often as they like.
"""

from fivestar.rating.management.dated_command import DatedCommand
from fivestar.rating.services.reminders import send_stage_reminders


class Command(DatedCommand):
    help = "发送评星各环节截止前提醒与逾期提醒（站内消息；同一天重复运行不会重复发送）"

    def run(self, today):
        return f"已发送提醒 {send_stage_reminders(today)} 条"
