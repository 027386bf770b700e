"""`fivestar rebuild-problem-stats [--check]`: recompute the kept open/overdue counts of supervision problems (per
village up to province, per area, per team) with grouped queries.

The counts are kept by every change; this is for after a repair by hand, a restore or a bulk load, or to check
them: `--check` only reports whether the kept counts differ from a rebuild."""

from django.core.management.base import BaseCommand, CommandError

from fivestar.supervision.services.stats import differences, rebuild_problem_stats

KIND = {"unit": "单位", "area": "片区", "team": "督导组"}


class Command(BaseCommand):
    help = "按督导问题重新计算各级（村、乡镇、县、市、省）、片区和督导组的问题统计数（--check 只核对不保存）"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对：报告统计数与重算结果不一致之处，不保存")

    def handle(self, *args, **options):
        differing = differences()
        if options["check"]:
            for kind, pk in differing[:20]:
                self.stdout.write(f"不一致：{KIND[kind]} {pk}")
            if differing:
                raise CommandError(f"{len(differing)} 行督导问题统计数与重算结果不一致，请运行 fivestar rebuild-problem-stats 更正")
            self.stdout.write("督导问题统计数与重算结果一致")
            return
        rows = rebuild_problem_stats()
        state = f"已更正 {len(differing)} 行" if differing else "原统计数一致"
        self.stdout.write(f"已重算督导问题统计数：{rows:,} 行，{state}")
