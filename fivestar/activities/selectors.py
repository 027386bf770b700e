"""Scoped reads for the pages and the API: every list is narrowed in SQL to the user's subtree, filtered and
ordered the same way, with its foreign keys joined (no query per row)."""

from django.db.models import Q
from django.http import Http404

from fivestar.orgs.models import Level, OrgUnit

from .models import ActivitySession, Award, CampaignProject, Honour, Incident, MentoringPair, RiskCheck

MODELS = {
    "sessions": (ActivitySession, ("org_unit", "kind"), "date"),
    "honours": (Honour, ("org_unit", "certificate"), "year"),
    "awards": (Award, ("org_unit",), "year"),
    "pairs": (MentoringPair, ("org_unit", "mentor", "mentee"), "start"),
    "checks": (RiskCheck, ("org_unit",), "date"),
    "incidents": (Incident, ("org_unit",), "date"),
    "projects": (CampaignProject, ("org_unit",), "year"),
}
LABELS = {"sessions": "活动记录", "honours": "村级荣誉", "awards": "评优评先", "pairs": "导师帮带", "checks": "三零风险排查",
          "incidents": "三零事件", "projects": "专项行动项目"}


def village(user, code) -> OrgUnit:
    """A village the user may see, else 404 (out of scope looks like absent)."""
    unit = OrgUnit.objects.visible_to(user).filter(code=str(code)[:20], level=Level.VILLAGE).select_related("parent").first()
    if unit is None:
        raise Http404("村（社区）不存在或不在您的管辖范围内")
    return unit


def unit_in_scope(user, code):
    unit = OrgUnit.objects.visible_to(user).filter(code=str(code)[:20]).first()
    if unit is None:
        raise Http404("单位不存在或不在您的管辖范围内")
    return unit


def _year(value):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None


def records(user, what: str, params) -> tuple:
    """(queryset, applied filters) of one kind of record, scoped to `user`, filtered by `params`
    (unit: a unit code within scope, year, kind, level, q)."""
    model, related, year_field = MODELS[what]
    qs = model.objects.visible_to(user).select_related(*related)
    applied = {}
    unit_code = (params.get("unit") or "").strip()[:20]
    if unit_code:
        unit = OrgUnit.objects.visible_to(user).filter(code=unit_code).only("path").first()
        qs = qs.filter(org_unit__path__startswith=unit.path) if unit else qs.none()
        applied["unit"] = unit_code
    year = _year(params.get("year"))
    if year:
        qs = qs.filter(**({f"{year_field}__year": year} if year_field in ("date", "start") else {year_field: year}))
        applied["year"] = year
    kind = (params.get("kind") or "").strip()[:30]
    if kind:
        if what == "sessions":
            qs = qs.filter(Q(kind__code=kind) | Q(kind__name=kind))
        elif what in ("incidents", "pairs"):
            qs = qs.filter(kind=kind)
        elif what == "awards":
            qs = qs.filter(category=kind)
        elif what == "honours":
            qs = qs.filter(level=kind)
        applied["kind"] = kind
    text = (params.get("q") or "").strip()[:50]
    if text:
        field = {"sessions": "title", "honours": "title", "awards": "person_name", "pairs": "mentee__name", "checks": "checker",
                 "incidents": "description", "projects": "name"}[what]
        qs = qs.filter(Q(**{f"{field}__icontains": text}) | Q(org_unit__name__icontains=text))
        applied["q"] = text
    if what == "incidents" and params.get("veto") in Incident.Veto.values and params.get("veto"):
        qs = qs.filter(veto_status=params["veto"])
        applied["veto"] = params["veto"]
    return qs, applied
