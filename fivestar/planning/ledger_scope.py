"""What a ledger list is about (a village, town or county; an area; or everything the user sees) for a year, and
its kept counts (LedgerStats), so the list never counts task rows for its header, nor, when only the status
filter is set, for its pagination."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from fivestar.core import menu
from fivestar.core.roles import ROLE_ACTIONS, Action
from fivestar.core.scoping import covers, is_global, user_grants
from fivestar.orgs.models import Area, Level, OrgUnit

from .models import LedgerStats
from .models.ledger import TaskStatus

OUT_OF_SCOPE = "单位或片区不存在或不在您的管辖范围内"
CHILD_ROWS = 60


@dataclass
class LedgerScope:
    label: str
    year: int
    unit: OrgUnit | None = None
    area: Area | None = None
    stats: list = field(default_factory=list)
    children: list = field(default_factory=list)  # the next level's kept counts (a town's villages, a county's towns)
    areas: list = field(default_factory=list)  # a town's areas with their kept counts

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
        return [{"status": s.value, "label": s.label, "count": self.by_status(s.value)} for s in TaskStatus]

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
        """The scope and year as a query string (the list's links keep both)."""
        if self.area:
            return f"area={self.area.pk}&year={self.year}"
        if self.unit:
            return f"unit={self.unit.code}&year={self.year}"
        return f"year={self.year}"


def _area_visible(user, area: Area) -> bool:
    return is_global(user) or covers(user, area.town) or any(aid == area.pk for _, aid in user_grants(user))


def _top_grants(user) -> tuple[list[OrgUnit], list[Area]]:
    rows = [ra for ra in menu.assignments(user) if Action.VIEW in ROLE_ACTIONS.get(ra.role, ())]
    units = {ra.org_unit.pk: ra.org_unit for ra in rows if not ra.area_id}
    top = [u for u in units.values() if not any(o.pk != u.pk and u.path.startswith(o.path) for o in units.values())]
    areas = {ra.area.pk: ra.area for ra in rows if ra.area_id and not any(ra.org_unit.path.startswith(u.path) for u in top)}
    return sorted(top, key=lambda u: u.path), list(areas.values())


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404(OUT_OF_SCOPE) from None
    if not 0 < number < 2**63:
        raise Http404(OUT_OF_SCOPE)
    return number


def resolve(user, params, year: int) -> LedgerScope:
    """The scope named by ?area= / ?unit= (404 when out of the user's scope), else the user's own."""
    area_id, code = params.get("area", ""), str(params.get("unit", "")).strip()[:15]
    if area_id:
        area = Area.objects.select_related("town").filter(pk=_int(area_id)).first()
        if area is None or not _area_visible(user, area):
            raise Http404(OUT_OF_SCOPE)
        return _with_stats(LedgerScope(f"{area.town.display_name}{area.name}", year, area=area), Q(area=area))
    if code:
        unit = OrgUnit.objects.visible_to(user).select_related("parent", "area").filter(code=code, level__lte=Level.VILLAGE).first()
        if unit is None:
            raise Http404(OUT_OF_SCOPE)
        return unit_scope(unit, year)
    if is_global(user):
        roots = list(OrgUnit.objects.filter(parent__isnull=True).order_by("path"))
        if len(roots) == 1:
            return unit_scope(roots[0], year)
        return _with_stats(LedgerScope("全部", year), Q(unit__in=roots))
    units, areas = _top_grants(user)
    if len(units) == 1 and not areas:
        return unit_scope(units[0], year)
    if len(areas) == 1 and not units:
        area = areas[0]
        return _with_stats(LedgerScope(area.name, year, area=area), Q(area=area))
    if not units and not areas:
        return LedgerScope("我的管辖范围", year)
    return _with_stats(LedgerScope("我的管辖范围", year), Q(unit__in=units) | Q(area__in=areas))


def unit_scope(unit: OrgUnit, year: int) -> LedgerScope:
    scope = _with_stats(LedgerScope(unit.display_name, year, unit=unit), Q(unit=unit))
    if unit.level < Level.VILLAGE:
        scope.children = list(
            LedgerStats.objects.filter(year=year, unit__parent=unit, total__gt=0).select_related("unit")
            .order_by("-overdue", "-open", "unit__path")[:CHILD_ROWS])
    if unit.level == Level.TOWN:
        scope.areas = list(LedgerStats.objects.filter(year=year, area__town=unit).select_related("area").order_by("area__name"))
    return scope


def _with_stats(scope: LedgerScope, q: Q) -> LedgerScope:
    scope.stats = list(LedgerStats.objects.filter(q, year=scope.year))
    return scope
