"""What a list of kept-count rows is about — a village, town or county (`?unit=`), an area (`?area=`), a grouping
such as a supervision team (`?team=`), or else everything the user sees — and that scope's kept counts
(core/kept_counts.py), so a list never counts its rows for its header nor, when only the status filter is set,
for its pagination. Supervision problems and the creation ledger read their lists through it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, Q
from django.http import Http404

from fivestar.core import menu
from fivestar.core.roles import ROLE_ACTIONS, Action
from fivestar.core.scoping import covers, is_global, user_grants
from fivestar.orgs.models import Area, Level, OrgUnit


@dataclass(frozen=True)
class KeptList:
    """One kind of list: its kept-count model, its statuses, and what its scope may name."""

    stats: type[Model]
    statuses: type  # the rows' status TextChoices, in display order
    out_of_scope: str  # the 404 message
    child_rows: int  # how many of the next level's rows a unit's scope lists
    child_filter: dict  # which of those rows are worth listing (e.g. {"open__gt": 0})
    team_model: type[Model] | None = None  # a grouping `?team=` may name (its stats rows are keyed `team`)


@dataclass
class KeptScope:
    label: str
    kind: KeptList
    partition: dict = field(default_factory=dict)  # a fixed column of the kept rows, e.g. {"year": 2026}
    unit: OrgUnit | None = None
    area: Area | None = None
    team: Model | None = None
    stats: list = field(default_factory=list)
    children: list = field(default_factory=list)  # the next level's kept counts (a town's villages, a county's towns)
    areas: list = field(default_factory=list)  # a town's areas (片区) with their kept counts

    @property
    def year(self):
        return self.partition.get("year")

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
        return [{"status": s.value, "label": s.label, "count": self.by_status(s.value)} for s in self.kind.statuses]

    def known_count(self, status: str, narrowed: bool) -> int | None:
        """How many rows the list holds, from the kept counts, when only the status filter is set."""
        if narrowed:
            return None
        if status == "":
            return self.open
        if status == "all":
            return self.total
        return self.by_status(status)

    @property
    def is_village(self) -> bool:
        return self.unit is not None and self.unit.level == Level.VILLAGE

    def query(self) -> str:
        """The scope (and partition) as a query string, so the list's links keep them."""
        parts = [f"team={self.team.pk}"] if self.team else [f"area={self.area.pk}"] if self.area else [f"unit={self.unit.code}"] if self.unit else []
        parts += [f"{name}={value}" for name, value in self.partition.items()]
        return "&".join(parts)


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


def _id(value, kind: KeptList) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404(kind.out_of_scope) from None
    if not 0 < number < 2**63:
        raise Http404(kind.out_of_scope)
    return number


def resolve(user, params, kind: KeptList, **partition) -> KeptScope:
    """The scope named by ?team= / ?area= / ?unit= (404 when out of the user's scope), else the user's own."""
    new = lambda label, **named: KeptScope(label, kind, partition, **named)  # noqa: E731
    team_id = params.get("team", "") if kind.team_model else ""
    area_id, code = params.get("area", ""), str(params.get("unit", "")).strip()[:15]
    if team_id:
        team = kind.team_model.objects.visible_to(user).select_related("org_unit").filter(pk=_id(team_id, kind)).first()
        if team is None:
            raise Http404(kind.out_of_scope)
        return _with_stats(new(f"{team.name}（{team.org_unit.display_name}）", team=team), Q(team=team))
    if area_id:
        area = Area.objects.select_related("town").filter(pk=_id(area_id, kind)).first()
        if area is None or not _area_visible(user, area):
            raise Http404(kind.out_of_scope)
        return _with_stats(new(f"{area.town.display_name}{area.name}", area=area), Q(area=area))
    if code:
        unit = OrgUnit.objects.visible_to(user).select_related("parent", "area").filter(code=code, level__lte=Level.VILLAGE).first()
        if unit is None:
            raise Http404(kind.out_of_scope)
        return unit_scope(unit, kind, **partition)
    if is_global(user):
        roots = list(OrgUnit.objects.filter(parent__isnull=True).order_by("path"))
        if len(roots) == 1:
            return unit_scope(roots[0], kind, **partition)
        return _with_stats(new("全部"), Q(unit__in=roots))
    units, areas = _top_grants(user)
    if len(units) == 1 and not areas:
        return unit_scope(units[0], kind, **partition)
    if len(areas) == 1 and not units:
        return _with_stats(new(areas[0].name, area=areas[0]), Q(area=areas[0]))
    if not units and not areas:
        return new("我的管辖范围")
    return _with_stats(new("我的管辖范围"), Q(unit__in=units) | Q(area__in=areas))


def unit_scope(unit: OrgUnit, kind: KeptList, **partition) -> KeptScope:
    scope = _with_stats(KeptScope(unit.display_name, kind, partition, unit=unit), Q(unit=unit))
    rows = kind.stats.objects.filter(**partition)
    if unit.level < Level.VILLAGE:
        scope.children = list(rows.filter(unit__parent=unit, **kind.child_filter).select_related("unit")
                              .order_by("-overdue", "-open", "unit__path")[:kind.child_rows])
    if unit.level == Level.TOWN:
        scope.areas = list(rows.filter(area__town=unit).select_related("area").order_by("area__name"))
    return scope


def _with_stats(scope: KeptScope, q: Q) -> KeptScope:
    scope.stats = list(scope.kind.stats.objects.filter(q, **scope.partition))
    return scope
