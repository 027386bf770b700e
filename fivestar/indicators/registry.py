"""Indicators that metric rules may be bound to, and how to read their recorded values."""

from dataclasses import dataclass

from .models import CollectiveIncome


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str


INDICATORS = {
    "collective_income": Indicator("collective_income", "村集体经济收入", "元"),
    "black_flags_year": Indicator("black_flags_year", "本年度黑旗次数", "次"),
    "no_black_flag_year": Indicator("no_black_flag_year", "本年度未获黑旗（是 1，否 0）", ""),
}


def _activity_indicators():
    from fivestar.activities.indicators import INDICATORS as ACTIVITY

    return ACTIVITY


INDICATORS.update({code: Indicator(code, name, unit) for code, (name, unit) in _activity_indicators().items()})


def _activity_values(unit_ids, year: int) -> dict[int, dict[str, float]]:
    """Activities, honours, 三零 and campaign funding recorded in fivestar.activities (one query)."""
    from fivestar.activities.indicators import values

    return values(unit_ids, year)


def _flag_values(unit_ids, year: int) -> dict[int, dict[str, float]]:
    """Black flags published this year (fivestar.observation), for villages whose town published flags that year."""
    from fivestar.observation.services.flags import black_flags_in_year

    return {pk: {"black_flags_year": float(n), "no_black_flag_year": 0.0 if n else 1.0}
            for pk, n in black_flags_in_year(unit_ids, year).items()}


def values_for(org_unit, year: int) -> dict[str, float]:
    """The recorded indicator values of one branch for one year (missing ones are absent)."""
    row = CollectiveIncome.objects.filter(org_unit=org_unit, year=year).values_list("amount", flat=True).first()
    values = {} if row is None else {"collective_income": float(row)}
    return {**values, **_flag_values([org_unit.pk], year).get(org_unit.pk, {}),
            **_activity_values([org_unit.pk], year).get(org_unit.pk, {})}


def values_for_many(org_unit_ids, year: int) -> dict[int, dict[str, float]]:
    """Bulk form of `values_for`: one query for any number of branches."""
    rows = CollectiveIncome.objects.filter(org_unit_id__in=org_unit_ids, year=year).values_list("org_unit_id", "amount")
    out = {unit_id: {"collective_income": float(amount)} for unit_id, amount in rows}
    for unit_id, values in _flag_values(org_unit_ids, year).items():
        out.setdefault(unit_id, {}).update(values)
    for unit_id, values in _activity_values(org_unit_ids, year).items():
        out.setdefault(unit_id, {}).update(values)
    return out


def missing_units(code: str, units, year: int):
    """The branches of `units` (an OrgUnit queryset) with no recorded value of indicator `code` for `year`,
    as a queryset: one query whatever the number of branches (count it, or slice it for a page)."""
    from django.db.models import Exists, OuterRef

    if code in ("black_flags_year", "no_black_flag_year"):
        from fivestar.observation.models import FlagRound

        towns = FlagRound.objects.filter(status=FlagRound.Status.PUBLISHED, period_start__year=year).values("town_id")
        return units.exclude(parent_id__in=towns)
    if code in _activity_indicators():
        from fivestar.activities.indicators import missing

        return missing(code, units, year)
    if code != "collective_income":
        raise KeyError(code)
    recorded = CollectiveIncome.objects.filter(org_unit_id=OuterRef("pk"), year=year)
    return units.filter(~Exists(recorded))
