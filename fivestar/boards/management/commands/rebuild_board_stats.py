"""`fivestar rebuild-board-stats [--year YYYY]`: recompute every kept board figure (挂图作战) of a year from the
villages — towns in batches with grouped queries, every level above from its children.

The figures are kept by every change (dirty towns refreshed in the background); this is for after a repair by hand,
a restore or a bulk load, and the scheduler runs it once a day (due-soon tasks move with the calendar)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fivestar.boards.services import rebuild_board_stats


class Command(BaseCommand):
    help = "按村（社区）数据重新计算挂图作战各级（乡镇、县、市、省）统计数（默认本年度）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="年度（默认本年度）")

    def handle(self, *args, **options):
        year = options.get("year") or timezone.localdate().year
        if not 2000 <= year <= timezone.localdate().year + 1:
            raise CommandError(f"年度 {year} 不在有效范围内。")
        started = time.monotonic()
        rows = rebuild_board_stats(year)
        self.stdout.write(f"已重算 {year} 年度挂图作战统计数：{rows:,} 行，用时 {time.monotonic() - started:.1f} 秒")
