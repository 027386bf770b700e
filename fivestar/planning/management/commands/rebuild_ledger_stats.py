"""`fivestar rebuild-ledger-stats [--check]`: recompute the kept creation ledger counts (per year, per village up
to province and per area) with grouped queries.

The counts are kept by every change; this is for after a repair by hand, a restore or a bulk load, or to check
them: `--check` only reports whether the kept counts differ from a rebuild."""

from django.core.management.base import BaseCommand, CommandError

from fivestar.planning.services.stats import differences, rebuild_ledger_stats

KIND = {"unit": "单位", "area": "片区"}


class Command(BaseCommand):
    help = "按创建台账任务重新计算各年度各级（村、乡镇、县、市、省）和片区的任务统计数（--check 只核对不保存）"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对：报告统计数与重算结果不一致之处，不保存")

    def handle(self, *args, **options):
        differing = differences()
        if options["check"]:
            for kind, pk, year in differing[:20]:
                self.stdout.write(f"不一致：{year} 年度 {KIND[kind]} {pk}")
            if differing:
                raise CommandError(f"{len(differing)} 行创建台账统计数与重算结果不一致，请运行 fivestar rebuild-ledger-stats 更正")
            self.stdout.write("创建台账统计数与重算结果一致")
            return
        rows = rebuild_ledger_stats()
        state = f"已更正 {len(differing)} 行" if differing else "原统计数一致"
        self.stdout.write(f"已重算创建台账统计数：{rows:,} 行，{state}")
