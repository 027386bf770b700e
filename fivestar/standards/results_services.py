"""Writes of a village's planning results (BranchResult), kept for results saved before the 差距 page read the
branch's current assessment (it no longer reads or writes BranchResult: the assessment is the one source
of truth); keeps their cached rating right when an indicator changes. One branch, one engine call: O(1)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.indicators import registry
from fivestar.orgs.models import Level, OrgUnit

from .engine import InputError, InputInvalid, evaluate, validate_inputs
from .gap_selectors import Answers, indicator_year
from .models import BranchResult, FrameworkVersion


def can_edit_results(user, unit: OrgUnit) -> bool:
    return unit.level == Level.VILLAGE and covers(user, unit, Action.EDIT_RESULTS)


def require_edit_results(user, unit: OrgUnit) -> None:
    if not can_edit_results(user, unit):
        raise PermissionDenied("您没有填报该村（社区）创建结果的权限。")


def _ordered(framework, codes) -> list[str]:
    wanted = set(codes)
    return [r.code for r in framework.rules if r.code in wanted]


@transaction.atomic
def save_branch_result(user, unit: OrgUnit, fv: FrameworkVersion, answers: Answers, indicators: dict | None = None):
    """Store the answers as the village's results for `fv`, with the rating they earn; returns (row, evaluation).

    Raises PermissionDenied without EDIT_RESULTS on the village, InputInvalid (per-field Chinese
    errors) when a value does not fit its rule or a 不适用 has no reason.
    """
    require_edit_results(user, unit)
    framework = fv.compiled()
    if indicators is None:
        indicators = registry.values_for(unit, indicator_year(fv))
    na = _ordered(framework, answers.not_applicable)
    vetoes = _ordered(framework, answers.veto_events)
    errors = validate_inputs(framework, answers.results, na, vetoes, indicators)
    reasons = {code: (answers.na_reasons.get(code) or "").strip() for code in na}
    errors += [InputError(f"na_reasons.{code}", "标记“不适用”须填写理由。") for code, text in reasons.items() if not text]
    if errors:
        raise InputInvalid(errors)
    results = {code: answers.results[code] for code in _ordered(framework, answers.results)}
    evaluation = evaluate(framework, results, na, vetoes, indicators)
    row = BranchResult.objects.select_for_update().filter(org_unit=unit, framework=fv).first()
    if row is None:
        row = BranchResult()
    row.org_unit, row.framework = unit, fv  # the loaded objects: no query when the audit trail names them
    row.results, row.not_applicable, row.na_reasons, row.veto_events = results, na, reasons, vetoes
    row.rating, row.awarded = evaluation.rating, list(evaluation.awarded_codes)
    row.updated_by = user if getattr(user, "pk", None) else None
    row._history_user = row.updated_by
    row.save()
    return row, evaluation


def refresh_cached_ratings(unit_ids, years, user=None) -> int:
    """Re-evaluate the saved results of these villages whose framework reads an indicator of `years`
    (called after collective income changes). Queries: one for the rows, one for the indicator values
    per year concerned, one write per row whose rating changed."""
    years = set(years)
    rows = [
        row for row in BranchResult.objects.filter(org_unit_id__in=list(unit_ids)).select_related("framework", "org_unit")
        if indicator_year(row.framework) in years and _reads_indicators(row.framework)
    ]
    values = {y: registry.values_for_many([r.org_unit_id for r in rows], y) for y in {indicator_year(r.framework) for r in rows}}
    changed = 0
    for row in rows:
        framework = row.framework.compiled()
        indicators = values[indicator_year(row.framework)].get(row.org_unit_id, {})
        ev = evaluate(framework, row.results, row.not_applicable, row.veto_events, indicators, validate=False)
        if ev.rating != row.rating or list(ev.awarded_codes) != list(row.awarded):
            row.rating, row.awarded = ev.rating, list(ev.awarded_codes)
            row._history_user = user if getattr(user, "pk", None) else None
            row.save(update_fields=["rating", "awarded", "updated_at"])
            changed += 1
    return changed


def _reads_indicators(fv: FrameworkVersion) -> bool:
    return any(rule.indicator for rule in fv.compiled().rules)
