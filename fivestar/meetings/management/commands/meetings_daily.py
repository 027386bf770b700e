"""`fivestar meetings-daily [--date YYYY-MM-DD]`: prepare the briefing of every dispatch meeting and monthly summary
held today or tomorrow (in the background; idempotent)."""

from fivestar.meetings.services.scheduled import prepare_briefings
from fivestar.rating.management.dated_command import DatedCommand
from fivestar.supervision.services import local_date


class Command(DatedCommand):
    help = "会议简报每日处理：为今天和明天召开的周调度会、月总结会在后台生成简报（重复运行不会重复生成）"

    def run(self, today):
        today = local_date(today)
        return f"{today:%Y-%m-%d}：已安排生成 {prepare_briefings(today)} 份会议简报"
