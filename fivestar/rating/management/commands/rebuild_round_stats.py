"""`fivestar rebuild-round-stats [ROUND_ID ...]`: recompute a round's kept figures at every level (town,
county, city, province) from its branches — every round that has branches when none is named.

The figures are kept up to date by every transition; this is for after a repair by hand, a restore, or to
check them: `--check` only reports the rounds whose kept figures differ from a rebuild."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fivestar.rating.models import Round, RoundUnitStats
from fivestar.rating.stats import rebuild_round


def _snapshot(round_id: int) -> dict:
    return {unit_id: (level, parent_id, figures) for unit_id, level, parent_id, *figures in
            RoundUnitStats.objects.filter(round_id=round_id).values_list("unit_id", "level", "parent_id", *RoundUnitStats.FIGURES)}


class Command(BaseCommand):
    help = "按各支部申报重新计算评星周期各级（乡镇、县、市、省）的统计数；不指定周期则重算全部已开启的周期"

    def add_arguments(self, parser):
        parser.add_argument("round_ids", nargs="*", type=int, help="评星周期编号（可多个）")
        parser.add_argument("--check", action="store_true", help="只核对：报告统计数与重算结果不一致的周期，不保存")

    def handle(self, *args, **options):
        ids = options["round_ids"]
        rounds = Round.objects.filter(pk__in=ids) if ids else Round.objects.filter(assessments__isnull=False).distinct()
        rounds = list(rounds.order_by("pk"))
        missing = sorted(set(ids) - {r.pk for r in rounds})
        if missing:
            raise CommandError(f"评星周期不存在：{'、'.join(map(str, missing))}")
        differing = []
        for rnd in rounds:
            before = _snapshot(rnd.pk)
            if options["check"]:
                with transaction.atomic():
                    count = rebuild_round(rnd.pk)
                    same = _snapshot(rnd.pk) == before
                    transaction.set_rollback(True)
            else:
                count = rebuild_round(rnd.pk)
                same = _snapshot(rnd.pk) == before
            if not same:
                differing.append(rnd)
            state = "一致" if same else ("不一致" if options["check"] else "已更正")
            self.stdout.write(f"「{rnd.name}」（编号 {rnd.pk}）：{count:,} 个单位的统计数，{state}")
        if options["check"] and differing:
            raise CommandError(f"{len(differing)} 个评星周期的统计数与重算结果不一致，请运行 fivestar rebuild-round-stats 更正")
