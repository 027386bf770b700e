"""What the supervision pages share: the tabs, names of stars and rules, badges, and who may do what (decided
from the role grants already read for the menu: no query per decision)."""

import datetime

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fivestar.core import menu
from fivestar.core.roles import Action
from fivestar.standards.models import FrameworkVersion

from .models.problem import ProblemStatus, Severity

STATUS_TONES = {ProblemStatus.PENDING: "danger", ProblemStatus.RECTIFYING: "warning", ProblemStatus.CHECKING: "info", ProblemStatus.CLOSED: "success"}
SEVERITY_TONES = {Severity.MINOR: "secondary", Severity.GENERAL: "warning", Severity.SERIOUS: "danger"}
NOT_FOUND = "督导问题不存在或不在您的管辖范围内"

_NAMES: dict[tuple, tuple[dict, dict]] = {}


def framework_names() -> tuple[dict[str, str], dict[str, str]]:
    """(star code → name, rule code → text) over the published frameworks: one query for their ids; the rule
    data is read only when not yet compiled in this process."""
    versions = list(FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED).only("id", "checksum").order_by("pk"))
    key = tuple((v.pk, v.checksum) for v in versions)
    if key not in _NAMES:
        stars, rules = {}, {}
        for v in versions:
            framework = FrameworkVersion.objects.get(pk=v.pk).compiled()
            for star in framework.stars:
                stars.setdefault(star.code, star.name)
            for code, rule in framework.rules_by_code.items():
                rules.setdefault(code, rule.text)
        _NAMES.clear()
        _NAMES[key] = (stars, rules)
    return _NAMES[key]


def field_url() -> str:
    """The field inspection page (built separately): its URL name once it exists, else its path."""
    try:
        return reverse("supervision:field")
    except NoReverseMatch:
        return "/supervision/field/"


def may(user, action: str) -> bool:
    return menu.can(user, action)


def tabs(user, active: str) -> list[dict]:
    """The supervision sub-navigation, per role."""
    out = [{"key": "problems", "label": "问题清单", "url": reverse("supervision:problems")}]
    if not menu.is_village_user(user):
        out.append({"key": "teams", "label": "督导组与计划", "url": reverse("supervision:teams")})
    if may(user, Action.SUPERVISE):
        out.append({"key": "field", "label": "现场督导", "url": field_url()})
    if may(user, Action.MANAGE_SUPERVISION):
        out.append({"key": "settings", "label": "督导设置", "url": reverse("supervision:settings_pick")})
        out.append({"key": "daily", "label": "每日处理", "url": reverse("supervision:daily")})
    for tab in out:
        tab["active"] = tab["key"] == active
    return out


def crumbs(*items) -> list[dict]:
    return [{"label": "督导检查", "url": reverse("supervision:problems")}, *items]


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def today() -> datetime.date:
    return timezone.localdate()


def int_or_404(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404(NOT_FOUND) from None
    if not 0 < number < 2**63:
        raise Http404(NOT_FOUND)
    return number


def deadline_words(deadline: datetime.date, status: str, on: datetime.date) -> tuple[str, bool]:
    """("还剩 3 天" / "今天到期" / "逾期 2 天", urgent) for an open problem; ("", False) once signed off."""
    if status == ProblemStatus.CLOSED:
        return "", False
    days = (deadline - on).days
    if days < 0:
        return f"逾期 {-days} 天", True
    if days == 0:
        return "今天到期", True
    return f"还剩 {days} 天", days <= 3
