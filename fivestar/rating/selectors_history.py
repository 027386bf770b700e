"""A branch's rating history across rounds: stars held, gained, lost (when, why, by whom), veto events.

A fixed number of queries per page whatever the number of rounds: results, holdings, the holdings'
history rows that recorded a loss, veto events, and the frameworks (compiled once per process).
"""

from django.http import Http404

from fivestar.orgs.models import Level, OrgUnit
from fivestar.orgs.selectors import get_visible_unit
from fivestar.standards.models import FrameworkVersion

from .models import Round, RoundResult, StarHolding, VetoEvent
from .selectors_public import issuer_for, rating_label


def person_name(user) -> str:
    """The account as people know it: 姓名（职务）, or 角色（单位） for an account without a person; never its login name."""
    if user is None:
        return ""
    from fivestar.core.selectors_history import actor_labels

    return actor_labels({user.pk}).get(user.pk, "")


def visible_village(user, code: str) -> OrgUnit:
    unit = get_visible_unit(user, code)
    if unit.level != Level.VILLAGE:
        raise Http404("不是村（社区）")
    return unit


def _catalog(village: OrgUnit, rounds: list[Round]):
    """Star order and names, rule texts: from the frameworks the branch was rated on, else the latest published."""
    frameworks = [r.framework_for(village.branch_type) for r in rounds]
    if not frameworks:
        latest = FrameworkVersion.objects.latest_published(village.branch_type, unit=village)
        frameworks = [latest] if latest else []
    order, names, rules = {}, {}, {}
    for row in reversed(frameworks):  # the newest framework wins
        compiled = row.compiled()
        for i, star in enumerate(compiled.stars):
            order[star.code], names[star.code] = i, star.name
        rules.update({code: rule.text for code, rule in compiled.rules_by_code.items() if rule.veto})
    return order, names, rules


def _who_withdrew(village: OrgUnit) -> dict[int, object]:
    """Holding id → the account that saved the loss (simple-history records it on each save)."""
    who = {}
    rows = StarHolding.history.filter(org_unit_id=village.pk, lost_at__isnull=False).select_related("history_user", "history_user__person").order_by("history_date")
    for row in rows:
        who.setdefault(row.id, row.history_user)
    return who


def village_history(village: OrgUnit) -> dict:
    results = list(RoundResult.objects.filter(org_unit=village).select_related("round__scope", "round__rural_framework", "round__community_framework").order_by("-recognised_at"))
    rounds = [r.round for r in results]
    order, names, rule_texts = _catalog(village, rounds)
    holdings = list(StarHolding.objects.filter(org_unit=village).select_related("gained_round", "lost_round").order_by("-gained_at", "star_code"))
    vetoes = list(VetoEvent.objects.filter(org_unit=village).select_related("recorded_by", "recorded_by__person"))
    who = _who_withdrew(village)

    from fivestar.core.selectors_history import user_labels

    actors = user_labels([*who.values(), *(v.recorded_by for v in vetoes)])  # people come joined; a query only for role-only accounts

    def star(code):
        return names.get(code, code)

    for h in holdings:
        h.withdrawn = h.lost_at is not None and h.lost_round_id is None
        h.lost_by = actors.get(getattr(who.get(h.pk), "pk", None), "") if h.withdrawn else ""
    for v in vetoes:
        v.star_name = star(v.star_code)
        v.rule_text = rule_texts.get(v.rule_code, "")
        v.recorded_by_name = actors.get(v.recorded_by_id, "")
    holdings.sort(key=lambda h: (order.get(h.star_code, 99), h.star_code))  # stable: newest first within a star
    active = [h for h in holdings if h.lost_at is None]

    timeline = []
    for r in results:
        timeline.append({
            "at": r.recognised_at, "kind": "recognised", "title": f"{r.round.name}：认定为{rating_label(r.rating)}",
            "stars": [star(c) for c in r.awarded], "gained": [star(c) for c in r.gained], "lost": [star(c) for c in r.lost],
            "reason": f"{r.round.name}复评未达标" if r.lost else "", "by": issuer_for(r.round.scope),
        })
    withdrawals: dict[tuple, list[StarHolding]] = {}  # one veto withdraws a star and those requiring it at once
    for h in sorted((h for h in holdings if h.withdrawn), key=lambda h: order.get(h.star_code, 99)):
        withdrawals.setdefault((h.lost_at, h.lost_by), []).append(h)
    for (at, by), group in withdrawals.items():
        lost = [h.star_name for h in group]
        timeline.append({"at": at, "kind": "withdrawn", "title": f"摘星：{'、'.join(lost)}", "stars": [], "gained": [],
                         "lost": lost, "reason": next((h.lost_reason for h in group if h.lost_reason.startswith("一票否决")), group[0].lost_reason),
                         "by": by})
    timeline.sort(key=lambda e: e["at"], reverse=True)
    return {
        "active": active, "rating": len(active), "rating_label": rating_label(len(active)), "holdings": holdings,
        "results": results, "vetoes": vetoes, "timeline": timeline,
    }


def certificate_data(village: OrgUnit) -> dict:
    """What the star certificate states; 404 when the branch holds no star."""
    active = list(StarHolding.objects.filter(org_unit=village, lost_at__isnull=True).select_related("gained_round", "gained_round__scope"))
    if not active:
        raise Http404("该支部目前未持有星")
    latest = RoundResult.objects.filter(org_unit=village).select_related("round", "round__scope").order_by("-recognised_at").first()
    rnd = latest.round if latest else max((h.gained_round for h in active if h.gained_round), key=lambda r: r.recognised_at or r.created_at, default=None)
    order, _, _ = _catalog(village, [rnd] if rnd else [])
    active.sort(key=lambda h: (order.get(h.star_code, 99), h.star_code))
    issued_on = (latest.recognised_at if latest else max(h.gained_at for h in active))
    return {
        "village": village, "stars": active, "rating": len(active), "rating_label": rating_label(len(active)), "round": rnd,
        "issuer": issuer_for(rnd.scope) if rnd else "", "issued_on": issued_on,
        "number": f"{rnd.year if rnd else issued_on.year}-{village.code}",
    }
