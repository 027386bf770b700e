"""The main menu, per role: each entry is shown to the roles that use it, decided from the same role → action
table the views enforce (`roles.ROLE_ACTIONS`, as `scoping.user_grants` reads it), so a shown entry never
leads to a refusal and a village user does not see administrators' sections.

Computed from the user's active role assignments, loaded once per request (`assignments`) and shared by the
home page and the navigation context processor: the menu adds no query per entry.
"""

from dataclasses import dataclass

from django.urls import reverse

from fivestar.orgs.models import Level

from .roles import ROLE_ACTIONS, Action
from .scoping import is_global


def assignments(user) -> list:
    """The user's active role assignments with their units and areas; one query, cached on the user object."""
    cache = user.__dict__
    if "_fivestar_assignments" not in cache:
        cache["_fivestar_assignments"] = list(
            user.role_assignments.select_related("org_unit", "area").filter(active=True).order_by("org_unit__level", "id"))
    return cache["_fivestar_assignments"]


def _granting(user, action: str) -> list:
    """The assignments whose role allows `action` (what `user_grants(user, action)` returns, as objects)."""
    return [ra for ra in assignments(user) if action in ROLE_ACTIONS.get(ra.role, ())]


def _wide(ra) -> bool:
    """A grant over more than one branch: bound above village level, or to a town's area (包片)."""
    return bool(ra.area_id) or ra.org_unit.level < Level.VILLAGE


def can(user, action: str, *, wide: bool = False) -> bool:
    """Whether the user holds `action` anywhere (with `wide`: over more than a single branch)."""
    if is_global(user):
        return True
    return any(_wide(ra) or not wide for ra in _granting(user, action))


def village_units(user) -> list:
    """The branches the user self-assesses as a village user (their own village-level grants)."""
    units = {ra.org_unit.pk: ra.org_unit for ra in _granting(user, Action.SELF_ASSESS) if not ra.area_id and ra.org_unit.level == Level.VILLAGE}
    return sorted(units.values(), key=lambda u: u.path)


def is_village_user(user) -> bool:
    """A village secretary, cadre or 包村干部: self-assesses its branches and sees nothing wider. Their home is
    the to-do list of their assessments; a user who also holds a wider role keeps the administrators' home."""
    return bool(user.is_authenticated and not is_global(user) and village_units(user) and not can(user, Action.VIEW, wide=True))


# A village user's own pages besides self-assessment: its unit page, its collective income, its 差距 page.
VILLAGE_PAGES = ("/orgs/", "/indicators/", "/gap/", "/people/")


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    url: str
    prefixes: tuple[str, ...]  # the path prefixes that mark the entry active ("/" only for the home page itself)

    def active(self, path: str) -> bool:
        return any(path == "/" if p == "/" else path.startswith(p) for p in self.prefixes)


def entries(user) -> list[Entry]:
    """The menu of `user`, in order. Reading sections (组织架构, 集体经济, 评星定级) for anyone overseeing more than
    a branch; administration (人员管理, 创建标准, 数据导入) for the roles that hold those actions above a village."""
    out = [Entry("home", "首页", reverse("home"), ("/",))]
    if is_village_user(user):
        units = village_units(user)
        out.append(Entry("my_assessments", "自评申报", reverse("rating:my_assessments"), ("/rating/",)))
        if len(units) == 1:
            url = reverse("orgs:unit", args=[units[0].code])
            out.append(Entry("my_village", "本村（社区）", url, VILLAGE_PAGES))
        else:
            out.append(Entry("my_village", "我负责的村（社区）", reverse("orgs:tree"), VILLAGE_PAGES))
        out.append(Entry("supervision", "督导问题", reverse("supervision:problems"), ("/supervision/",)))
        out.append(Entry("planning", "创建台账", reverse("planning:ledger"), ("/planning/",)))
        if len(units) == 1:
            out.append(Entry("observation", "观摩与红黑旗", reverse("observation:village", args=[units[0].code]), ("/observation/",)))
            out.append(Entry("activities", "党建活动", reverse("activities:village", args=[units[0].code]), ("/activities/",)))
        out.append(Entry("projects", "项目推介", reverse("projects:catalogue"), ("/projects/",)))
    else:
        wide = can(user, Action.VIEW, wide=True)
        if wide:
            out.append(Entry("boards", "挂图作战", reverse("boards:index"), ("/boards/",)))
            out.append(Entry("orgs", "组织架构", reverse("orgs:tree"), ("/orgs/",)))
        if can(user, Action.MANAGE_PEOPLE, wide=True) or can(user, Action.IMPORT_PEOPLE, wide=True):
            out.append(Entry("people", "人员管理", reverse("people:list"), ("/people/",)))
        if can(user, Action.MANAGE_STANDARDS):
            out.append(Entry("standards", "创建标准", reverse("standards:list"), ("/standards/",)))
        if wide:
            out.append(Entry("indicators", "集体经济", reverse("indicators:list"), ("/indicators/",)))
            out.append(Entry("rating", "评星定级", reverse("rating:rounds"), ("/rating/",)))
            out.append(Entry("supervision", "督导检查", reverse("supervision:problems"), ("/supervision/",)))
            out.append(Entry("planning", "目标与台账", reverse("planning:index"), ("/planning/",)))
            out.append(Entry("observation", "观摩与红黑旗", reverse("observation:index"), ("/observation/",)))
            out.append(Entry("activities", "党建活动", reverse("activities:index"), ("/activities/",)))
            out.append(Entry("projects", "项目推介", reverse("projects:catalogue"), ("/projects/",)))
        if can(user, Action.MANAGE_PLANNING, wide=True):
            out.append(Entry("meetings", "会议调度", reverse("meetings:index"), ("/meetings/",)))
        if wide:
            out.append(Entry("reviews", "述职考核", reverse("reviews:index"), ("/reviews/",)))
        if can(user, Action.IMPORT_PEOPLE) or can(user, Action.IMPORT_DIVISIONS):
            out.append(Entry("imports", "数据导入", reverse("imports:index"), ("/imports/",)))
    out.append(Entry("history", "操作记录", reverse("core:history"), ("/history/",)))
    return out
