"""The incentive policy (激励政策): which star ratings get which priority in project support, funds and honours.
A village follows its town's policy, else its county's, else the default below (the seed: 四星、五星 first)."""

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from fivestar.orgs.models import Level
from fivestar.rating.models import StarHolding

from ..models import IncentivePolicy
from .access import can_set_policy, require
from .common import saved, text
from .errors import ProjectError

STARS = ["5", "4", "3", "2", "1", "0"]
DEFAULT_RULES = {
    "5": {"priority": 1, "funds": "优先安排产业项目和集体经济扶持资金", "honours": "优先推荐评优评先"},
    "4": {"priority": 1, "funds": "优先安排产业项目和集体经济扶持资金", "honours": "优先推荐评优评先"},
    "3": {"priority": 2, "funds": "", "honours": ""},
    "2": {"priority": 3, "funds": "", "honours": ""},
    "1": {"priority": 3, "funds": "", "honours": ""},
    "0": {"priority": 4, "funds": "", "honours": ""},
}
DEFAULT_LABEL = "默认激励政策（四星、五星支部优先）"


def clean_rules(raw) -> dict:
    """Validated rules: every rating 0..5 with an integer priority 1..9 and optional funds/honours text."""
    if not isinstance(raw, dict):
        raise ProjectError("激励政策格式不正确。")
    out = {}
    for star in STARS:
        row = raw.get(star) or raw.get(int(star)) or {}
        if not isinstance(row, dict):
            raise ProjectError(f"{star}星的设置格式不正确。")
        try:
            priority = int(str(row.get("priority", "")).strip())
        except (TypeError, ValueError):
            raise ProjectError(f"请为{star}星填写优先级（1 至 9 的整数，1 最优先）。") from None
        if not 1 <= priority <= 9:
            raise ProjectError(f"{star}星的优先级应为 1 至 9（1 最优先）。")
        out[star] = {"priority": priority, "funds": text(row.get("funds"), f"{star}星的资金支持", 100, required=False),
                     "honours": text(row.get("honours"), f"{star}星的荣誉激励", 100, required=False)}
    return out


def set_policy(user, unit, rules) -> IncentivePolicy:
    require(can_set_policy(user, unit), "您无权设置该单位的激励政策。")
    cleaned = clean_rules(rules)
    policy = IncentivePolicy.objects.filter(org_unit=unit).first() or IncentivePolicy(org_unit=unit)
    policy.rules = cleaned
    policy.updated_by = user
    return saved(policy, user)


def policies_for(units) -> dict[int, tuple[str, dict]]:
    """Effective (label, rules) per village in `units` (already loaded with parent and parent.parent ids): one query."""
    towns = {u.parent_id for u in units}
    counties = {getattr(u.parent, "parent_id", None) for u in units if u.parent_id}
    rows = {p.org_unit_id: p for p in IncentivePolicy.objects.filter(org_unit_id__in=towns | counties).select_related("org_unit")}
    out = {}
    for u in units:
        p = rows.get(u.parent_id) or rows.get(getattr(u.parent, "parent_id", None))
        out[u.pk] = (f"{p.org_unit.display_name}激励政策", p.rules) if p else (DEFAULT_LABEL, DEFAULT_RULES)
    return out


def reason(stars: int, label: str, rules: dict) -> str:
    row = rules.get(str(min(max(stars or 0, 0), 5)), {})
    bits = [f"{stars or 0}星支部：项目支持优先级 {row.get('priority', '-')}（{label}）"]
    if row.get("funds"):
        bits.append(f"资金：{row['funds']}")
    if row.get("honours"):
        bits.append(f"荣誉：{row['honours']}")
    return "；".join(bits)


def stars_subquery(via: str = "village_id"):
    """Stars a village holds now (active holdings), as a correlated subquery (0 when none)."""
    held = (StarHolding.objects.filter(org_unit_id=OuterRef(via), lost_at__isnull=True).order_by()
            .values("org_unit_id").annotate(c=Count("id")).values("c"))
    return Coalesce(Subquery(held, output_field=IntegerField()), Value(0))


def priority_case(stars_field: str = "stars", via: str = "village__"):
    """Priority per row in SQL: its town's policy, else its county's, else the default (two small reads of policies)."""
    whens = []
    policies = list(IncentivePolicy.objects.select_related("org_unit").order_by("org_unit__level"))
    for p in sorted(policies, key=lambda p: -p.org_unit.level):  # towns before counties
        key = f"{via}parent_id" if p.org_unit.level == Level.TOWN else f"{via}parent__parent_id"
        for star, row in p.rules.items():
            whens.append(When(Q(**{key: p.org_unit_id, stars_field: int(star)}), then=Value(int(row["priority"]))))
    for star, row in DEFAULT_RULES.items():
        whens.append(When(Q(**{stars_field: int(star)}), then=Value(row["priority"])))
    return Case(*whens, default=Value(9), output_field=IntegerField())


def policies_for_unit(unit) -> tuple[str, dict]:
    """The effective policy of a town or county (its own, else the county's for a town, else the default)."""
    ids = [unit.pk] + ([unit.parent_id] if unit.level == Level.TOWN and unit.parent_id else [])
    rows = {p.org_unit_id: p for p in IncentivePolicy.objects.filter(org_unit_id__in=ids).select_related("org_unit")}
    for pk in ids:
        if pk in rows:
            return f"{rows[pk].org_unit.display_name}激励政策", rows[pk].rules
    return DEFAULT_LABEL, DEFAULT_RULES
