"""Reads of indicator data, always through the user's scope, in a fixed number of queries."""

from datetime import date

from django.db.models import Count, F, FilteredRelation, Max, Q, Sum
from django.http import Http404

from fivestar.core.roles import Action
from fivestar.orgs.models import Level, OrgUnit

from .models import CollectiveIncome
from .parsing import THRESHOLD

BANDS = {
    "above": ("5 万元以上", Q(income_amount__gt=THRESHOLD)),
    "below": ("5 万元及以下", Q(income_amount__lte=THRESHOLD)),
    "missing": ("未填报", Q(income_amount__isnull=True)),
}
SORTS = {"code": ("按代码", ["path"]), "amount": ("按收入从高到低", [F("income_amount").desc(nulls_last=True), "path"])}


def get_village(user, code: str) -> OrgUnit:
    unit = (
        OrgUnit.objects.visible_to(user).select_related("parent")
        .filter(code=code, level=Level.VILLAGE).first()
    )
    if unit is None:
        raise Http404("村（社区）不存在或不在您的管辖范围内")
    return unit


def get_visible_unit(user, code: str) -> OrgUnit | None:
    return OrgUnit.objects.visible_to(user).filter(code=code).first() if code else None


def latest_year(user) -> int:
    """The most recent year with any recorded income in scope; last year when nothing is recorded."""
    year = CollectiveIncome.objects.visible_to(user).aggregate(y=Max("year"))["y"]
    return year or date.today().year - 1


def years_with_data(user) -> list[int]:
    return list(
        CollectiveIncome.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct()
    )


def villages_in_scope(user, under: OrgUnit | None = None, branch_type: str = "", action: str = Action.VIEW):
    qs = OrgUnit.objects.visible_to(user, action).filter(level=Level.VILLAGE, active=True)
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    if branch_type:
        qs = qs.filter(branch_type=branch_type)
    return qs


def with_income(villages, year: int):
    """Villages annotated with that year's income (LEFT JOIN: villages without a record keep None)."""
    return villages.annotate(
        inc=FilteredRelation("collective_incomes", condition=Q(collective_incomes__year=year)),
    ).annotate(
        income_id=F("inc__id"),
        income_amount=F("inc__amount"),
        income_operating=F("inc__operating_income"),
        income_other=F("inc__other_income"),
        income_note=F("inc__note"),
        income_updated=F("inc__updated_at"),
    ).select_related("parent")


def income_table(user, year: int, *, under=None, branch_type="", q="", band="", sort="code"):
    qs = with_income(villages_in_scope(user, under, branch_type), year)
    if q:
        qs = qs.search(q)
    if band in BANDS:
        qs = qs.filter(BANDS[band][1])
    return qs.order_by(*SORTS.get(sort, SORTS["code"])[1])


def income_summary(user, year: int, *, under=None, branch_type="") -> dict:
    """Villages in scope, how many recorded, how many above 50,000 yuan, and the total: one query."""
    qs = with_income(villages_in_scope(user, under, branch_type), year).select_related(None)
    data = qs.aggregate(
        villages=Count("id"),
        recorded=Count("inc__id"),
        above=Count("inc__id", filter=Q(inc__amount__gt=THRESHOLD)),
        total=Sum("inc__amount"),
    )
    data["missing"] = data["villages"] - data["recorded"]
    data["threshold"] = THRESHOLD
    return data


def incomes_of(unit: OrgUnit):
    return CollectiveIncome.objects.filter(org_unit=unit).select_related("recorded_by", "recorded_by__person").order_by("-year")


def history_of(unit: OrgUnit, limit: int = 200):
    """Every version of every year's record of `unit`, newest first, with who saved it."""
    return (
        CollectiveIncome.history.filter(org_unit_id=unit.pk)
        .select_related("history_user", "history_user__person")
        .order_by("-history_date", "-history_id")[:limit]
    )
