"""Reads behind the public notice (公示) pages: no user, so everything is narrowed by the round's token and scope."""

from django.http import Http404

from fivestar.core.ratelimit import client_ip
from fivestar.orgs.models import Level, OrgUnit

from .models import Assessment, Round, RoundResult, RoundUnitStats, StarHolding, Status
from .services.notice import address_hash

RATING_LABELS = {0: "未评星", 1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}


def rating_label(value) -> str:
    try:
        return RATING_LABELS.get(int(value), f"{value}星")
    except (TypeError, ValueError):
        return ""


def issuer_for(scope: OrgUnit) -> str:
    """The Party body that issues results for a round over `scope` (镇党委 / 县、市、省委组织部)."""
    if scope.level >= Level.TOWN:
        return f"中共{scope.display_name}委员会"
    return f"中共{scope.display_name}委组织部"


def round_by_token(token: str) -> Round:
    rnd = Round.objects.select_related("scope").filter(public_token=token).first()
    if rnd is None or rnd.phase in (Round.Phase.DRAFT, Round.Phase.OPENING):
        raise Http404("公示不存在")
    return rnd


def town_in_round(rnd: Round, code: str) -> OrgUnit:
    town = OrgUnit.objects.filter(code=code, level=Level.TOWN, path__startswith=rnd.scope.path).first()
    if town is None:
        raise Http404("该乡镇不在本次评星范围内")
    return town


def scope_row(rnd: Round) -> RoundUnitStats | None:
    """The kept figures of the whole round (its scope's row)."""
    return RoundUnitStats.objects.filter(round=rnd, parent__isnull=True).select_related("unit").first()


def _star_names(rnd: Round) -> dict[str, list[tuple[str, str]]]:
    """Branch type → [(star code, name)] in the framework's order."""
    names = {}
    for branch_type in ("rural", "community"):
        framework = rnd.framework_for(branch_type)
        names[branch_type] = [(s.code, s.name) for s in framework.compiled().stars] if framework else []
    return names


def _stars(names, branch_type: str, codes) -> list[dict]:
    held = set(codes or [])
    return [{"code": code, "name": name} for code, name in names.get(branch_type or "rural", names["rural"]) if code in held]


def notice_rows(rnd: Round, town: OrgUnit) -> list[dict]:
    """One row per branch of the town under notice: what each branch is proposed to be recognised as."""
    names = _star_names(rnd)
    assessments = (
        Assessment.objects.filter(round=rnd, town=town)
        .select_related("org_unit")
        .only("id", "rating", "awarded", "status", "org_unit__code", "org_unit__display_name", "org_unit__branch_type")
        .order_by("org_unit__code")
    )
    assessments = list(assessments)
    held = _held_for_expired(rnd, [a for a in assessments if a.status == Status.EXPIRED])
    rows = []
    for a in assessments:
        awarded, rating = (held.get(a.org_unit_id, []), len(held.get(a.org_unit_id, []))) if a.status == Status.EXPIRED else (a.awarded, a.rating)
        label = rating_label(rating) + ("（未按期完成）" if a.status == Status.EXPIRED else "")
        rows.append({"id": a.pk, "unit": a.org_unit, "rating": rating, "rating_label": label, "stars": _stars(names, a.org_unit.branch_type, awarded)})
    return rows


def _held_for_expired(rnd: Round, closed: list) -> dict[int, list[str]]:
    """未按期完成 under notice: what 认定 will give them, the stars held now (outcome keep) or none."""
    if not closed or rnd.expired_outcome != Round.ExpiredOutcome.KEEP:
        return {}
    out: dict[int, list[str]] = {}
    for unit_id, code in StarHolding.objects.filter(org_unit_id__in=[a.org_unit_id for a in closed], lost_at__isnull=True).values_list("org_unit_id", "star_code"):
        out.setdefault(unit_id, []).append(code)
    return out


def recognised_rows(rnd: Round, town: OrgUnit) -> list[dict]:
    names = _star_names(rnd)
    results = (
        RoundResult.objects.filter(round=rnd, org_unit__parent=town)
        .select_related("org_unit")
        .only("id", "rating", "awarded", "expired", "org_unit__code", "org_unit__display_name", "org_unit__branch_type")
        .order_by("org_unit__code")
    )
    return [
        {"id": r.pk, "unit": r.org_unit, "rating": r.rating, "rating_label": rating_label(r.rating) + ("（未按期完成）" if r.expired else ""),
         "stars": _stars(names, r.org_unit.branch_type, r.awarded)}
        for r in results
    ]


def fingerprint(request) -> str:
    """Who posted, for the objection limit: the client address only (never the User-Agent)."""
    return address_hash(client_ip(request))
