"""`fivestar boards_refresh`: the scheduler's pass for the boards — refresh every town a change marked dirty (when no
worker has yet), and once a day rebuild the current year (tasks falling due and this month's flags move with the
calendar, not with a change). Idempotent."""

from django.core.management.base import BaseCommand
from django.db.models import Min
from django.utils import timezone

from fivestar.boards.models import BoardStats
from fivestar.boards.services import rebuild_board_stats, refresh_dirty
from fivestar.orgs.models import Level


class Command(BaseCommand):
    help = "挂图作战：刷新有变动的乡镇统计数；每天首次运行时重算本年度"

    def handle(self, *args, **options):
        today = timezone.localdate()
        oldest = BoardStats.objects.filter(year=today.year, level=Level.TOWN).aggregate(m=Min("updated_at"))["m"]
        if oldest is None or timezone.localtime(oldest).date() < today:
            rows = rebuild_board_stats(today.year)
            self.stdout.write(f"挂图作战：已重算 {today.year} 年度统计数 {rows:,} 行")
            return
        done = refresh_dirty()
        self.stdout.write(f"挂图作战：已刷新 {done} 个乡镇的统计数")
