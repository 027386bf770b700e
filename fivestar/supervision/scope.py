"""What a problem list is about (a village, town or county; an area; a team; or everything the user sees) and
its kept counts (ProblemStats), so the list never counts problem rows for its header, nor, when only the status
or overdue filter is set, for its pagination."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from fivestar.core import menu
from fivestar.core.roles import ROLE_ACTIONS, Action
from fivestar.core.scoping import covers, is_global, user_grants
from fivestar.orgs.models import Area, Level, OrgUnit

from .models import ProblemStats, SupervisionTeam
from .models.problem import ProblemStatus

OUT_OF_SCOPE = "单位、片区或督导组不存在或不在您的管辖范围内"
CHILD_ROWS = 40


@dataclass
class Scope:
    label: str
    unit: OrgUnit | None = None
    area: Area | None = None
    team: SupervisionTeam | None = None
    stats: list = field(default_factory=list)
    children: list = field(default_factory=list)  # the next level's kept counts (a town's villages, a county's towns)
    areas: list = field(default_factory=list)  # a town's areas (片区) with their kept counts

    @property
    def open(self) -> int:
        return sum(s.open for s in self.stats)

    @property
    def overdue(self) -> int:
        return sum(s.overdue for s in self.stats)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.stats)

    def by_status(self, status: str) -> int:
        return sum((s.by_status or {}).get(status, 0) for s in self.stats)

    @property
    def figures(self) -> list[dict]:
        return [{"status": s.value, "label": s.label, "count": self.by_status(s.value)} for s in ProblemStatus]

    def known_count(self, status: str, narrowed: bool) -> int | None:
        """How many rows the list holds, from the kept counts, when only the status filter is set."""
        if narrowed:
            return None
        if status == "":
            return self.open
        if status == "all":
            return self.total
        return self.by_status(status)

    def query(self) -> str:
        if self.team:
            return f"team={self.team.pk}"
        if self.area:
            return f"area={self.area.pk}"
        if self.unit:
            return f"unit={self.unit.code}"
        return ""


def _area_visible(user, area: Area) -> bool:
    return is_global(user) or covers(user, area.town) or any(aid == area.pk for _, aid in user_grants(user))


def _top_grants(user) -> tuple[list[OrgUnit], list[Area]]:
    """The user's own units and areas for reading, without the ones inside another of them (an area grant is
    bound to its town: inside any unit grant over that town)."""
    rows = [ra for ra in menu.assignments(user) if Action.VIEW in ROLE_ACTIONS.get(ra.role, ())]
    units = {ra.org_unit.pk: ra.org_unit for ra in rows if not ra.area_id}
    top = [u for u in units.values() if not any(o.pk != u.pk and u.path.startswith(o.path) for o in units.values())]
    areas = {ra.area.pk: ra.area for ra in rows if ra.area_id and not any(ra.org_unit.path.startswith(u.path) for u in top)}
    return sorted(top, key=lambda u: u.path), list(areas.values())


def resolve(user, params) -> Scope:
    """The scope named by ?team= / ?area= / ?unit= (404 when out of the user's scope), else the user's own."""
    team_id, area_id, code = params.get("team", ""), params.get("area", ""), params.get("unit", "").strip()
    if team_id:
        team = SupervisionTeam.objects.visible_to(user).select_related("org_unit").filter(pk=_int(team_id)).first()
        if team is None:
            raise Http404(OUT_OF_SCOPE)
        return _with_stats(Scope(f"{team.name}（{team.org_unit.display_name}）", team=team), Q(team=team))
    if area_id:
        area = Area.objects.select_related("town").filter(pk=_int(area_id)).first()
        if area is None or not _area_visible(user, area):
            raise Http404(OUT_OF_SCOPE)
        return _with_stats(Scope(f"{area.town.display_name}{area.name}", area=area), Q(area=area))
    if code:
        unit = OrgUnit.objects.visible_to(user).select_related("parent").filter(code=code, level__lte=Level.VILLAGE).first()
        if unit is None:
            raise Http404(OUT_OF_SCOPE)
        return _unit_scope(unit)
    if is_global(user):
        roots = list(OrgUnit.objects.filter(parent__isnull=True).order_by("path"))
        if len(roots) == 1:
            return _unit_scope(roots[0])
        return _with_stats(Scope("全部"), Q(unit__in=roots))
    units, areas = _top_grants(user)
    if len(units) == 1 and not areas:
        return _unit_scope(units[0])
    if len(areas) == 1 and not units:
        area = areas[0]
        return _with_stats(Scope(f"{area.name}", area=area), Q(area=area))
    if not units and not areas:
        return Scope("我的管辖范围")
    return _with_stats(Scope("我的管辖范围"), Q(unit__in=units) | Q(area__in=areas))


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404(OUT_OF_SCOPE) from None
    if not 0 < number < 2**63:
        raise Http404(OUT_OF_SCOPE)
    return number


def _unit_scope(unit: OrgUnit) -> Scope:
    scope = _with_stats(Scope(unit.display_name, unit=unit), Q(unit=unit))
    if unit.level < Level.VILLAGE:
        scope.children = list(
            ProblemStats.objects.filter(unit__parent=unit, open__gt=0).select_related("unit")
            .order_by("-overdue", "-open", "unit__path")[:CHILD_ROWS])
    if unit.level == Level.TOWN:
        scope.areas = list(ProblemStats.objects.filter(area__town=unit).select_related("area").order_by("area__name"))
    return scope


def _with_stats(scope: Scope, q: Q) -> Scope:
    scope.stats = list(ProblemStats.objects.filter(q))
    return scope
