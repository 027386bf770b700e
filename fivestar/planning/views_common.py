"""What the /planning/ pages share: the sub-navigation, the year asked for, the unit a page is about (in the
user's scope, else 404), deadlines in words and tones for statuses. Decisions come from the role grants already
read for the menu: no query per decision."""

import datetime

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fivestar.core import menu
from fivestar.core.roles import ROLE_ACTIONS, Action
from fivestar.core.scoping import is_global
from fivestar.orgs.models import OrgUnit

from .models.ledger import TaskStatus

NOT_FOUND = "单位或任务不存在或不在您的管辖范围内"
STATUS_TONES = {TaskStatus.TODO: "secondary", TaskStatus.DOING: "primary", TaskStatus.DONE: "success", TaskStatus.CANCELLED: "light"}
MIN_YEAR, MAX_YEAR = 2000, 2100

# The planning sub-navigation: (key, label, URL name, shown to village users). Entries whose page does not exist
# (yet) are left out, so other pages of /planning/ join by adding their URL name here.
TABS = (
    ("targets", "创建目标", "planning:targets", False),
    ("ledger", "创建台账", "planning:ledger", True),
    ("letters", "目标责任书", "planning:letters", True),
    ("commitments", "月度承诺", "planning:commitments", True),
)


def today() -> datetime.date:
    return timezone.localdate()


def year_of(params) -> int:
    """?year= when it is a sensible year, else this year (junk is ignored, never an error)."""
    value = str(params.get("year", "") or "").strip()
    if value.isdigit() and MIN_YEAR <= int(value) <= MAX_YEAR:
        return int(value)
    return today().year


def tabs(user, active: str, query: str = "") -> list[dict]:
    village = menu.is_village_user(user)
    out = []
    for key, label, name, for_village in TABS:
        if village and not for_village:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        out.append({"key": key, "label": label, "url": f"{url}?{query}" if query else url, "active": key == active})
    return out


def crumbs(*items) -> list[dict]:
    return [{"label": "目标与台账", "url": reverse("planning:index")}, *items]


def int_or_404(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404(NOT_FOUND) from None
    if not 0 < number < 2**63:
        raise Http404(NOT_FOUND)
    return number


def parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def visible_unit(user, code: str, levels=None) -> OrgUnit:
    """The unit named by `code` when the user may read it (and it is of one of `levels`), else 404."""
    code = str(code or "").strip()
    unit = None
    if code and len(code) <= 15:
        unit = OrgUnit.objects.visible_to(user).select_related("parent", "area").filter(code=code, active=True).first()
    if unit is None or (levels is not None and unit.level not in levels):
        raise Http404(NOT_FOUND)
    return unit


def top_units(user) -> list[OrgUnit]:
    """The highest units the user reads through a unit grant (not an area grant), outermost first."""
    if is_global(user):
        return list(OrgUnit.objects.filter(parent__isnull=True).order_by("path"))
    rows = [ra for ra in menu.assignments(user) if Action.VIEW in ROLE_ACTIONS.get(ra.role, ()) and not ra.area_id]
    units = {ra.org_unit.pk: ra.org_unit for ra in rows}
    top = [u for u in units.values() if not any(o.pk != u.pk and u.path.startswith(o.path) for o in units.values())]
    return sorted(top, key=lambda u: (u.level, u.path))


def deadline_words(deadline: datetime.date, status: str, on: datetime.date) -> tuple[str, bool]:
    """("还剩 3 天" / "今天到期" / "逾期 2 天", urgent) for an open task; ("", False) once done or cancelled."""
    if status not in (TaskStatus.TODO, TaskStatus.DOING):
        return "", False
    days = (deadline - on).days
    if days < 0:
        return f"逾期 {-days} 天", True
    if days == 0:
        return "今天到期", True
    return f"还剩 {days} 天", days <= 3
