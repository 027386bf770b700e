"""Indicators that metric rules may be bound to, and how to read their recorded values."""

from dataclasses import dataclass

from .models import CollectiveIncome


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str


INDICATORS = {"collective_income": Indicator("collective_income", "村集体经济收入", "元")}


def values_for(org_unit, year: int) -> dict[str, float]:
    """The recorded indicator values of one branch for one year (missing ones are absent)."""
    row = CollectiveIncome.objects.filter(org_unit=org_unit, year=year).values_list("amount", flat=True).first()
    return {} if row is None else {"collective_income": float(row)}


def values_for_many(org_unit_ids, year: int) -> dict[int, dict[str, float]]:
    """Bulk form of `values_for`: one query for any number of branches."""
    rows = CollectiveIncome.objects.filter(org_unit_id__in=org_unit_ids, year=year).values_list("org_unit_id", "amount")
    return {unit_id: {"collective_income": float(amount)} for unit_id, amount in rows}


def missing_units(code: str, units, year: int):
    """The branches of `units` (an OrgUnit queryset) with no recorded value of indicator `code` for `year`,
    as a queryset: one query whatever the number of branches (count it, or slice it for a page)."""
    from django.db.models import Exists, OuterRef

    if code != "collective_income":
        raise KeyError(code)
    recorded = CollectiveIncome.objects.filter(org_unit_id=OuterRef("pk"), year=year)
    return units.filter(~Exists(recorded))
