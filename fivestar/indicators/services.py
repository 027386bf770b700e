"""Writes of indicator data. Every write checks EDIT_RESULTS on the village and records who made it."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.orgs.models import Level, OrgUnit

from .models import CollectiveIncome

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def can_edit(user, unit: OrgUnit) -> bool:
    return unit.level == Level.VILLAGE and covers(user, unit, Action.EDIT_RESULTS)


def require_edit(user, unit: OrgUnit) -> None:
    if not can_edit(user, unit):
        raise PermissionDenied("您没有填报该村（社区）集体经济收入的权限。")


@dataclass(frozen=True)
class IncomeValues:
    year: int
    operating_income: Decimal
    other_income: Decimal = Decimal("0")
    note: str = ""


def _apply(record: CollectiveIncome, values: IncomeValues) -> bool:
    """Copy `values` onto `record`; whether anything changed."""
    new = {
        "operating_income": Decimal(values.operating_income or 0),
        "other_income": Decimal(values.other_income or 0),
        "note": (values.note or "").strip(),
    }
    changed = record.pk is None or any(getattr(record, k) != v for k, v in new.items())
    for key, value in new.items():
        setattr(record, key, value)
    record.amount = new["operating_income"] + new["other_income"] + (record.project_returns or 0)
    return changed


def save_income(user, unit: OrgUnit, values: IncomeValues, existing: CollectiveIncome | None = None,
                *, check: bool = True, lookup: bool = True, refresh: bool = True) -> tuple[CollectiveIncome, str]:
    """Create or update one village's income for one year. Returns (record, created|updated|unchanged).

    Bulk callers pass the row they already loaded as `existing` (or None with lookup=False: no row yet).
    Raises ValidationError (per field, Chinese) for negative or absurd amounts and bad years.
    With `refresh`, the village's cached star ratings that read this income are brought up to date
    (bulk callers pass refresh=False and call `refresh_ratings` once).
    """
    if check:
        require_edit(user, unit)
    record = existing
    if record is None and lookup:
        record = CollectiveIncome.objects.filter(org_unit=unit, year=values.year).first()
    if record is None:
        record = CollectiveIncome(org_unit=unit, year=values.year)
    if not _apply(record, values):
        return record, UNCHANGED
    record.full_clean(exclude=["org_unit", "recorded_by"], validate_unique=False)
    status = CREATED if record.pk is None else UPDATED
    record.recorded_by = user if getattr(user, "pk", None) else None
    record._history_user = record.recorded_by
    record.save()
    if refresh:
        refresh_ratings(user, [unit.pk], [values.year])
    return record, status


def refresh_ratings(user, unit_ids, years) -> int:
    """Metric rules bound to collective income read it: re-evaluate the cached ratings that depend on it."""
    from fivestar.standards.results_services import refresh_cached_ratings

    return refresh_cached_ratings(unit_ids, years, user)


@transaction.atomic
def record_income(user, unit: OrgUnit, values: IncomeValues) -> tuple[CollectiveIncome, str]:
    """The form's use case: one village, one year."""
    return save_income(user, unit, values)


__all__ = ["CREATED", "UPDATED", "UNCHANGED", "IncomeValues", "can_edit", "require_edit", "record_income", "refresh_ratings", "save_income"]
