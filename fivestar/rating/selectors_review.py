"""Reads for the round and review pages: every list is a fixed number of queries, filtered in SQL."""

from django.db.models import Count, Q
from django.http import Http404

from fivestar.core.roles import Action
from fivestar.core.scoping import is_global, scope_q, user_grants
from fivestar.orgs.models import Level, OrgUnit

from .models import Assessment, Round, Status
from .models.assessment import APPROVED_BY_LEVEL
from .selectors_stats import round_counts as kept_counts
from .services.access import LEVEL_ACTION
from .services.answers import REVIEWABLE_AT

# The columns of the per-town tables, in workflow order.
BASE_STATUS_COLUMNS = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED, Status.TOWN_APPROVED, Status.COUNTY_APPROVED]


def ancestor_paths(user, action: str = Action.VIEW) -> list[str]:
    """Paths of every unit above (and at) the user's grants: the rounds run over their units."""
    paths = set()
    for path, _area in user_grants(user, action):
        paths.update(OrgUnit.paths_above(path))
    return sorted(paths)


def related_q(user, via: str = "") -> Q:
    """Units the user sees (their subtree) or that contain one of their units (an ancestor)."""
    if is_global(user):
        return Q()
    return scope_q(user, Action.VIEW, via) | Q(**{f"{via}path__in": ancestor_paths(user)})


def rounds_for(user):
    """Rounds whose scope is inside the user's units, or contains them (a village sees its county's round)."""
    return Round.objects.filter(related_q(user, "scope__")).select_related("scope")


def get_round(user, pk: int) -> Round:
    rnd = rounds_for(user).select_related("rural_framework", "community_framework").filter(pk=pk).first()
    if rnd is None:
        raise Http404("评星周期不存在或不在您的管辖范围内")
    return rnd


def status_columns(rnd: Round) -> list[Status]:
    extra = [APPROVED_BY_LEVEL[lvl] for lvl in rnd.levels[2:]]
    tail = [Status.RECOGNISED] if rnd.phase == Round.Phase.RECOGNISED else []
    return [*BASE_STATUS_COLUMNS, *extra, Status.EXPIRED, *tail]


def round_counts(user, round_ids) -> dict[int, dict]:
    """Per round: the number of branches the user sees by status, from the kept figures (selectors_stats)."""
    return kept_counts(user, round_ids)


def round_list(user, phase: str = ""):
    rounds = rounds_for(user).order_by("-period_start", "-id")
    if phase:
        rounds = rounds.filter(phase=phase)
    return rounds


def towns_with_visible_branches(user, rnd: Round) -> list[dict]:
    """For users who see some villages but no whole town (包片领导): the towns to open, one grouped query."""
    return list(
        Assessment.objects.visible_to(user).filter(round=rnd).order_by("org_unit__parent__path")
        .values("org_unit__parent__code", "org_unit__parent__display_name").annotate(n=Count("id"))
    )


def my_assessments(user, rnd: Round, limit: int = 20):
    """The branches the user self-assesses in this round (village cadres), for a direct link."""
    return list(Assessment.objects.visible_to(user, Action.SELF_ASSESS).filter(round=rnd).select_related("org_unit").order_by("org_unit__code")[:limit])


def get_town(user, rnd: Round, code: str) -> OrgUnit:
    town = (
        OrgUnit.objects.filter(related_q(user), code=code, level=Level.TOWN, path__startswith=rnd.scope.path)
        .select_related("parent").first()
    )
    if town is None:
        raise Http404("乡镇不存在或不在您的管辖范围内")
    return town


def review_levels(user, rnd: Round, unit: OrgUnit) -> list[str]:
    """The review levels of this round at which the user may act on branches of `unit` (a town or village)."""
    from fivestar.core.scoping import covers

    return [lvl for lvl in rnd.levels if covers(user, unit, LEVEL_ACTION[lvl])]


def level_for(status: str, levels: list[str]) -> str | None:
    """The level (among `levels`) whose review the assessment is waiting for, if any."""
    for lvl in levels:
        if status in REVIEWABLE_AT[lvl]:
            return lvl
    return None


def town_assessments(user, rnd: Round, town: OrgUnit, status: str = ""):
    """The town's villages in this round, without the large JSON columns: one query, any town size."""
    qs = (
        Assessment.objects.visible_to(user).filter(round=rnd, town=town)
        .select_related("org_unit")
        .defer("answers", "notes", "reviews", "evidence", "approved_snapshot", "star_scores", "not_applicable", "to_confirm", "return_comments")
        .order_by("org_unit__code")
    )
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    if status:
        qs = qs.filter(status=status)
    return qs, counts


def matching_branches(qs, q: str):
    """A town's branches whose name, pinyin initials or code match `q`."""
    match = Q(org_unit__display_name__icontains=q) | Q(org_unit__name__icontains=q)
    if q.isascii() and q.isalnum() and not q.isdigit():
        match |= Q(org_unit__pinyin__startswith=q.lower())
    if q.isdigit():
        match |= Q(org_unit__code__startswith=q)
    return qs.filter(match)


def star_names(rnd: Round) -> dict[int, list[tuple[str, str]]]:
    """Per framework of the round: its stars (code, name) in display order."""
    return {fw.pk: [(s.code, s.name) for s in fw.compiled().stars] for fw in (rnd.rural_framework, rnd.community_framework) if fw is not None}
