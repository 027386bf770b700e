"""What the phone inspection page (现场督导) knows before it goes offline: the inspector's teams and their villages,
each village's default deadline days and the stars and rules of its current framework, in a fixed number of
queries (never one per village). The field API validates against the same reads."""

from django.db.models import F, Prefetch, Q

from fivestar.core.roles import Action
from fivestar.core.scoping import is_global, user_grants
from fivestar.orgs.models import Level, OrgUnit
from fivestar.standards.models import FrameworkVersion

from .models import SupervisionSettings, SupervisionTeam
from .models.inspection import InspectionKind
from .models.problem import Severity
from .models.team import default_deadline_days
from .services import can_supervise

RULE_TEXT_CHARS = 80


def _depth(path: str) -> int:
    return len(path.strip("/").split("/")) if path else 0


def supervise_paths(user) -> list[str]:
    """The subtrees the user supervises (grants held above village level)."""
    return [path for path, _area in user_grants(user, Action.SUPERVISE) if path and _depth(path) < Level.VILLAGE]


def may_use_field(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (is_global(user) or supervise_paths(user)))


def field_teams(user) -> list[SupervisionTeam]:
    """Active teams the user supervises with or belongs to, each with `field_villages`: its villages the user
    may supervise. Teams where that leaves nothing are left out. Two queries."""
    if not may_use_field(user):
        return []
    q = Q()
    if not is_global(user):
        q = Q(members__user=user) | Q(leader__user=user)
        for path in supervise_paths(user):
            q |= Q(org_unit__path__startswith=path)
    villages = OrgUnit.objects.filter(active=True, level=Level.VILLAGE).select_related("parent").order_by("code")
    teams = (SupervisionTeam.objects.filter(active=True).filter(q).distinct().select_related("org_unit")
             .prefetch_related(Prefetch("villages", queryset=villages, to_attr="all_villages")).order_by("org_unit__path", "name"))
    out = []
    for team in teams:
        team.field_villages = [v for v in team.all_villages if can_supervise(user, v)]
        if team.field_villages:
            out.append(team)
    return out


def team_for(user, team_id: int) -> SupervisionTeam | None:
    return next((t for t in field_teams(user) if t.pk == team_id), None)


def _deadline_days(towns: set[int]) -> dict[int, dict]:
    stored = dict(SupervisionSettings.objects.filter(town_id__in=towns).values_list("town_id", "deadline_days"))
    defaults = default_deadline_days()
    return {town: {**defaults, **(stored.get(town) or {})} for town in towns}


def _published():
    """Published framework versions, newest first as `latest_published` orders them, without their data: one query."""
    return list(FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED).defer("data").select_related("org_unit")
                .order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk"))


def _in_force(versions, village):
    """As `FrameworkVersion.objects.latest_published(branch type, unit=village)`, from the rows already read."""
    branch_type = village.branch_type or "rural"
    return next((v for v in versions if v.branch_type == branch_type
                 and (v.org_unit_id is None or village.path.startswith(v.org_unit.path))), None)


def frameworks_for(villages) -> tuple[dict[int, str], dict[str, list]]:
    """(village id → framework key, framework key → stars with their rules) for the villages' current frameworks.
    One query whatever the number of villages and towns (a framework's rules are compiled once per process)."""
    villages = list(villages)
    versions = _published() if villages else []
    by_village, frameworks = {}, {}
    for v in villages:
        fv = _in_force(versions, v)
        if fv is None:
            continue
        key = str(fv.pk)
        if key not in frameworks:
            frameworks[key] = [
                {"code": s.code, "name": s.name,
                 "rules": [[r.code, r.text[:RULE_TEXT_CHARS]] for r in s.rules or [r for st in s.standards for r in st.rules]]}
                for s in fv.compiled().stars
            ]
        by_village[v.pk] = key
    return by_village, frameworks


def page_data(user, today) -> dict:
    """The JSON the field page embeds (and keeps working with offline)."""
    teams = field_teams(user)
    villages = {v.pk: v for t in teams for v in t.field_villages}
    fw_of, frameworks = frameworks_for(villages.values())
    days = _deadline_days({v.parent_id for v in villages.values()})
    return {
        "user": user.pk,
        "today": today.isoformat(),
        "teams": [{"id": t.pk, "name": t.name, "unit": t.org_unit.display_name, "villages": [v.pk for v in t.field_villages]} for t in teams],
        "villages": {
            str(v.pk): {"name": v.display_name, "town": v.parent.display_name if v.parent_id else "",
                        "fw": fw_of.get(v.pk, ""), "days": days.get(v.parent_id, default_deadline_days())}
            for v in villages.values()
        },
        "frameworks": frameworks,
        "kinds": [[k.value, k.label] for k in InspectionKind],
        "severities": [[s.value, s.label] for s in Severity],
    }


def star_and_rule_problem(village: OrgUnit, star_code: str, rule_code: str) -> tuple[str, str, str]:
    """(star_code, rule_code, error) checked against the village's current framework; a rule names its star."""
    if not star_code and not rule_code:
        return "", "", ""
    _, frameworks = frameworks_for([village])
    stars = next(iter(frameworks.values()), None)
    if stars is None:
        return "", "", "该村（社区）没有适用的创建标准，不能选择星或细则"
    if rule_code:
        star = next((s for s in stars if any(r[0] == rule_code for r in s["rules"])), None)
        if star is None:
            return "", "", f"细则 {rule_code[:40]} 不在该村（社区）现行的创建标准中"
        if star_code and star_code != star["code"]:
            return "", "", f"细则 {rule_code[:40]} 不属于所选的星"
        return star["code"], rule_code, ""
    if not any(s["code"] == star_code for s in stars):
        return "", "", f"星 {star_code[:10]} 不在该村（社区）现行的创建标准中"
    return star_code, "", ""
