"""Reads, scoped in SQL: a town's packs (filters, ranking order) and one pack with its adjustments."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from fivestar.orgs.models import Level, OrgUnit

from . import scoring
from .access import can_view
from .models import Grade, PackKind, ReviewPack

FIGURE_LABELS = [
    ("villages", "联系村（社区）数"), ("held", "年末所持星数"), ("target", "目标星级合计"), ("reached", "达到目标的村数"),
    ("gained", "本年新增星"), ("lost", "本年失去星"), ("problems", "督导问题数"), ("problems_closed", "已销号"),
    ("problems_closed_on_time", "按期销号"), ("problems_open_overdue", "未销号且逾期"), ("closing_days_avg", "平均销号天数"),
    ("tasks", "台账任务数"), ("tasks_done", "已完成"), ("tasks_on_time", "按期完成"), ("commitments", "月度承诺数"),
    ("commitments_graded", "已点评"), ("commitments_kept", "践诺（优秀、良好）"), ("observations", "参加观摩排名次数"),
    ("observation_avg_rank", "观摩平均名次"), ("red_flags", "红旗"), ("black_flags", "黑旗"),
]


def visible_town(user, code) -> OrgUnit:
    town = OrgUnit.objects.filter(code=str(code)[:15], level=Level.TOWN).first() if code else None
    if town is None or not can_view(user, town):
        raise Http404("未找到该乡镇，或不在您的管辖范围内。")
    return town


def town_packs(user, town, year: int, kind: str = "", grade: str = "", q: str = ""):
    qs = (ReviewPack.objects.visible_to(user).filter(town=town, year=year).select_related("person", "org_unit")
          .defer("snapshot").order_by("kind", "rank", "pk"))
    if kind in PackKind.values:
        qs = qs.filter(kind=kind)
    if grade in Grade.values:
        qs = qs.filter(grade=grade)
    if q:
        qs = qs.filter(Q(person__name__contains=q[:30]) | Q(org_unit__display_name__contains=q[:30]))
    return qs


def visible_pack(user, pk) -> ReviewPack:
    try:
        pk = int(str(pk))
    except (TypeError, ValueError):
        raise Http404("未找到该述职考核材料。") from None
    pack = ReviewPack.objects.visible_to(user).select_related("person", "org_unit", "town").filter(pk=pk).first()
    if pack is None:
        raise Http404("未找到该述职考核材料，或不在您的管辖范围内。")
    return pack


def figures_table(pack) -> list[tuple[str, object]]:
    f = pack.snapshot.get("figures", {})
    return [(label, "—" if f.get(key) is None else f.get(key)) for key, label in FIGURE_LABELS]


def points_table(pack) -> list[dict]:
    points, weights = pack.snapshot.get("points", {}), pack.snapshot.get("weights", {})
    return [{"key": k, "label": label, "weight": weights.get(k, 0), "points": points.get(k, "0")} for k, label in scoring.ITEMS.items()]
