"""`fivestar import-divisions DIR [--under CODE] [--dry-run]`: import the five division CSVs."""

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from fivestar.orgs.divisions import LEVEL_LABELS, DivisionImportError, apply_import, plan_import

SHOWN_ERRORS = 200


class Command(BaseCommand):
    help = "导入行政区划 CSV（provinces.csv、cities.csv、areas.csv、streets.csv、villages.csv）"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="包含五个 CSV 文件的目录（或 zip 压缩包）")
        parser.add_argument("--under", default="", help="只导入该代码的下级（及其上级，保证路径完整），如 410928")
        parser.add_argument("--dry-run", action="store_true", help="只校验并预览，不写入数据库")

    def handle(self, *args, directory, under, dry_run, **options):
        started = time.monotonic()
        plan = plan_import(directory, under=under)
        for f in plan.files:
            if f.encoding:
                self.stdout.write(f"  {f.name}：{f.encoding}，{f.rows:,} 行")
        if not plan.ok:
            for error in plan.errors[:SHOWN_ERRORS]:
                self.stderr.write(str(error))
            more = plan.error_count - min(len(plan.errors), SHOWN_ERRORS)
            if more > 0:
                self.stderr.write(f"……另有 {more:,} 个错误未列出")
            raise CommandError(f"校验未通过：共 {plan.error_count:,} 个错误，未写入任何数据。")
        if dry_run:
            self._table(plan.counts)
            t = plan.totals
            self.stdout.write(f"预览（未写入）：将新增 {t['create']:,}，更新 {t['update']:,}，未变 {t['unchanged']:,}")
            return
        try:
            result = apply_import(plan, progress=None)
        except DivisionImportError as exc:
            raise CommandError(str(exc)) from exc
        self._table(result.counts)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{result.summary}（用时 {elapsed:.1f} 秒）"))

    def _table(self, counts):
        self.stdout.write(_pad("层级", 14) + "".join(_pad(h, 10, right=True) for h in ("新增", "更新", "未变")))
        for level, label in LEVEL_LABELS.items():
            c = counts.get(level, {"create": 0, "update": 0, "unchanged": 0})
            cells = (f"{c[k]:,}" for k in ("create", "update", "unchanged"))
            self.stdout.write(_pad(label, 14) + "".join(_pad(v, 10, right=True) for v in cells))


def _pad(text: str, width: int, right: bool = False) -> str:
    """Pad to a terminal width where each Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    space = " " * max(width - used, 0)
    return space + text if right else text + space
