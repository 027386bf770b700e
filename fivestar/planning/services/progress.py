"""Progress against targets for many villages at once, in a fixed number of queries whatever their number:
targets (one), stars held (one), the latest assessment of the year per village (one), frameworks (≤ 2, cached).

- `current_stars` / `current_rating`: the stars the village holds now (StarHolding, recognised and not withdrawn);
- `assessed_stars` / `assessed_rating`: what the village's latest assessment of the year earns as stored by the
  rating app (its cached evaluation: every save re-evaluates it), with `round_id`, `round_phase`, `assessment_id`;
- `missing_stars`: target stars not held; `missing_in_assessment`: target stars the latest assessment does not
  reach (what the engine's 差距清单 covers, see ledger.tasks_from_gaps).
"""

from fivestar.orgs.models import OrgUnit
from fivestar.rating.models import Assessment, StarHolding

from ..models import VillageTarget
from .stars import StarCatalog, star_names

CHUNK = 900


def _ids(villages) -> list[int]:
    return [v.pk if isinstance(v, OrgUnit) else int(v) for v in villages]


def _chunks(ids):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def progress_for(villages, year, names: dict | None = None) -> dict[int, dict]:
    """village id → {current_rating, current_stars, target_rating, target_stars, missing_stars, category,
    has_target, assessed_rating, assessed_stars, missing_in_assessment, assessment_id, round_id, round_phase,
    reached, *_names}. `villages`: OrgUnit rows or ids; `names` (star code → name) saves the framework lookup."""
    ids = list(dict.fromkeys(_ids(villages)))
    if not ids:
        return {}
    targets, held, latest = {}, {}, {}
    for chunk in _chunks(ids):
        for village_id, category, rating, stars in (VillageTarget.objects.filter(year=year, org_unit_id__in=chunk)
                                                     .values_list("org_unit_id", "category", "target_rating", "target_stars")):
            targets[village_id] = (category, rating, list(stars or []))
        for village_id, code in (StarHolding.objects.filter(org_unit_id__in=chunk, lost_at__isnull=True)
                                 .values_list("org_unit_id", "star_code")):
            held.setdefault(village_id, []).append(code)
        rows = (Assessment.objects.filter(org_unit_id__in=chunk, round__year=year)
                .order_by("org_unit_id", "round__period_start", "round_id")
                .values_list("org_unit_id", "id", "round_id", "round__phase", "rating", "awarded"))
        for village_id, pk, round_id, phase, rating, awarded in rows:
            latest[village_id] = (pk, round_id, phase, rating, list(awarded or []))  # the last one wins
    if names is None:
        first = OrgUnit.objects.filter(pk=ids[0]).first()
        names = StarCatalog(first).names() if first is not None else {}
    order = {code: i for i, code in enumerate(names)}
    out = {}
    for village_id in ids:
        category, target_rating, target_stars = targets.get(village_id, ("", 0, []))
        current = sorted(held.get(village_id, []), key=lambda c: order.get(c, 99))
        assessment = latest.get(village_id)
        assessed = sorted(assessment[4], key=lambda c: order.get(c, 99)) if assessment else []
        missing = [c for c in target_stars if c not in current]
        out[village_id] = {
            "has_target": village_id in targets, "category": category,
            "target_rating": target_rating, "target_stars": target_stars,
            "current_rating": len(current), "current_stars": current,
            "missing_stars": missing,
            "assessed_rating": assessment[3] if assessment else None, "assessed_stars": assessed,
            "missing_in_assessment": [c for c in target_stars if c not in assessed],
            "assessment_id": assessment[0] if assessment else None, "round_id": assessment[1] if assessment else None,
            "round_phase": assessment[2] if assessment else "",
            "reached": village_id in targets and not missing and len(current) >= target_rating,
            "target_names": star_names(target_stars, names), "current_names": star_names(current, names),
            "missing_names": star_names(missing, names),
        }
    return out


def progress_summary(progress: dict[int, dict]) -> dict:
    """Totals over `progress_for`'s answer: villages, with a target, reached, per target rating (target / reached)."""
    by_rating: dict[int, dict] = {}
    reached = with_target = 0
    for row in progress.values():
        if not row["has_target"]:
            continue
        with_target += 1
        slot = by_rating.setdefault(row["target_rating"], {"targets": 0, "reached": 0})
        slot["targets"] += 1
        if row["reached"]:
            reached += 1
            slot["reached"] += 1
    return {"villages": len(progress), "with_target": with_target, "reached": reached,
            "by_rating": dict(sorted(by_rating.items(), reverse=True))}
