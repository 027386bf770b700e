"""Scoped reads: the catalogue (filters, sorts, one query per page whatever its size), one project, its support list."""

from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q, Sum
from django.http import Http404

from .models import Interest, Project, Stage
from .services.access import visible_q
from .services.incentives import policies_for, priority_case, reason, stars_subquery

SORTS = {"new": ("最新发布", ["-created_at", "-id"]), "incentive": ("按激励政策优先", ["priority", "-stars", "-created_at", "-id"]),
         "amount": ("按所需投资从高到低", ["-investment", "-id"])}
AMOUNTS = {"lt50": ("50 万元以下", Q(investment__lt=500000)), "50to200": ("50–200 万元", Q(investment__gte=500000, investment__lt=2000000)),
           "gte200": ("200 万元及以上", Q(investment__gte=2000000))}


def visible(user):
    return Project.objects.filter(visible_q(user))


def _decimal(value):
    try:
        d = Decimal(str(value).strip())
        return d if d.is_finite() and 0 <= d <= Decimal("1e9") else None
    except (InvalidOperation, ValueError):
        return None


def catalogue(user, params) -> tuple:
    """(queryset, cleaned filters). Unknown or junk filter values are ignored, never an error."""
    qs = (visible(user).select_related("village", "village__parent")
          .annotate(stars=stars_subquery("village_id"), interest_count=Count("interests", distinct=True)))
    f = {k: str(params.get(k, "") or "")[:50].strip() for k in ("industry", "stage", "amount", "min", "max", "q", "sort", "town")}
    if f["industry"]:
        qs = qs.filter(industry=f["industry"])
    if f["stage"] in Stage.values:
        qs = qs.filter(stage=f["stage"])
    else:
        f["stage"] = ""
    if f["amount"] in AMOUNTS:
        qs = qs.filter(AMOUNTS[f["amount"]][1])
    else:
        f["amount"] = ""
    lo, hi = _decimal(f["min"]) if f["min"] else None, _decimal(f["max"]) if f["max"] else None
    if lo is not None:
        qs = qs.filter(investment__gte=lo)
    if hi is not None:
        qs = qs.filter(investment__lte=hi)
    if f["q"]:
        qs = qs.filter(Q(name__contains=f["q"]) | Q(village__display_name__contains=f["q"]) | Q(industry__contains=f["q"]))
    if f["town"]:
        qs = qs.filter(village__parent__code=f["town"])
    if f["sort"] not in SORTS:
        f["sort"] = "incentive"
    qs = qs.annotate(priority=priority_case("stars"))
    return qs.order_by(*SORTS[f["sort"]][1]), f


def industries(user) -> list[str]:
    return list(visible(user).order_by("industry").values_list("industry", flat=True).distinct()[:200])


def with_reasons(rows) -> list:
    """Attach `reason` (the incentive policy behind each row's place) to loaded rows: one query for all policies."""
    villages = [r.village for r in rows]
    policies = policies_for(villages)
    for r in rows:
        label, rules = policies[r.village.pk]
        r.reason = reason(getattr(r, "stars", 0), label, rules)
    return rows


def project(user, pk) -> Project:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    p = (visible(user).select_related("village", "village__parent", "created_by")
         .annotate(stars=stars_subquery("village_id")).filter(pk=pk).first())
    if p is None:
        raise Http404
    return p


def interests(project: Project) -> list:
    """The support list: interested villages sorted by the incentive policy, each with its reason."""
    rows = list(Interest.objects.filter(project=project).select_related("village", "village__parent", "created_by")
                .annotate(stars=stars_subquery("village_id"), priority=priority_case("stars"))
                .order_by("priority", "-stars", "-amount", "id"))
    return with_reasons(rows)


def return_totals(project: Project) -> list:
    return list(project.returns.values("year").annotate(total=Sum("amount")).order_by("-year"))


def policy_units(user) -> list:
    """The towns and counties whose incentive policy the user sets (the units of their MANAGE_PLANNING grants), so the
    catalogue links straight to the policy behind its order. One query; none for users without the grant."""
    from fivestar.core.roles import Action
    from fivestar.core.scoping import user_grants
    from fivestar.orgs.models import Level, OrgUnit

    if not getattr(user, "is_authenticated", False):
        return []
    paths = [path for path, area in user_grants(user, Action.MANAGE_PLANNING) if path and not area]
    return list(OrgUnit.objects.filter(path__in=paths, level__in=[Level.TOWN, Level.COUNTY]).order_by("path")[:5]) if paths else []
