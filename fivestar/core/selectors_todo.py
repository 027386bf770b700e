"""The village user's home page: a to-do list of its current assessments (待办), in a fixed number of queries
whatever the number of branches and rules.

Per assessment: the round, where it stands in words (填报中, 退回修改, 待镇级初审, 公示中, 已认定 …), the deadline that
applies to it and the days left, what is still missing before it can be submitted (counted from the stored
answers, as submission checks them: no engine run), the return comment of a returned one (by the reviewer's
name and post), and the stars of a result under review, on notice (the stored evaluation) or recognised.

Queries: the assessments (one, `selectors_village.my_assessments`), their frameworks (one; the rule data only
when not yet compiled in this process), the indicators per 指标数据年度 (one per year, only for assessments
still to fill), the reviewers of returns (one or two, only when something is returned), the recognised
results (one, only when something is recognised).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from fivestar.indicators.registry import values_for_many
from fivestar.rating import selectors_village
from fivestar.rating.models import Assessment, Round, RoundResult, Status
from fivestar.rating.models.assessment import VILLAGE_EDITABLE
from fivestar.rating.models.round import LEVEL_LABELS
from fivestar.rating.services.notifications import deadline_of
from fivestar.rating.services.review import UNCONFIRMED, UNFILLED, missing_for_submission
from fivestar.standards.models import FrameworkVersion

from .selectors_history import user_labels

RATING_NAMES = {0: "未评星", 1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}
# The status a level's approval leaves, and the level it then waits for.
WAITING_FOR = {Status.SUBMITTED: "town", Status.TOWN_APPROVED: "county", Status.COUNTY_APPROVED: "city", Status.CITY_APPROVED: "province"}
MAX_ITEMS = 20  # a 包村干部 has a handful of branches; beyond this the list page has them all
MAX_PROBLEMS = 5  # the rest on the supervision problem list


@dataclass
class Missing:
    """What blocks submission, as `services.review.missing_for_submission` lists it, counted per rule."""

    unfilled: int = 0
    to_confirm: int = 0
    evidence: int = 0
    rules: int = 0  # rules with anything missing (a rule can lack a confirmation and evidence)
    first_star: str = ""  # the first star with something missing (the page opens it)

    @property
    def summary(self) -> str:
        """The link's text: the one kind of thing missing, or how many rules in all (the parts then below it)."""
        kinds = [(self.unfilled, "项未填"), (self.to_confirm, "项沿用结果待确认"), (self.evidence, "项缺少佐证材料")]
        present = [(n, words) for n, words in kinds if n]
        if len(present) == 1:
            return f"还有 {present[0][0]} {present[0][1]}"
        return f"还有 {self.rules} 项未完成"

    @property
    def parts(self) -> list[str]:
        out = []
        if self.unfilled:
            out.append(f"未填 {self.unfilled} 项")
        if self.to_confirm:
            out.append(f"沿用待确认 {self.to_confirm} 项")
        if self.evidence:
            out.append(f"缺佐证 {self.evidence} 项")
        return out


@dataclass
class Deadline:
    label: str
    day: datetime.date
    days_left: int | None = None  # None: shown as a date only (someone else's stage)

    @property
    def words(self) -> str:
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return f"已逾期 {-self.days_left} 天"
        if self.days_left == 0:
            return "今天截止"
        return f"还剩 {self.days_left} 天"

    @property
    def urgent(self) -> bool:
        return self.days_left is not None and self.days_left <= 3


@dataclass
class TodoItem:
    a: Assessment
    stage: str
    stage_code: str
    tone: str  # the badge colour
    can_edit: bool = False
    deadline: Deadline | None = None
    missing: Missing | None = None
    returned: dict | None = None
    rating: int | None = None
    star_names: str = ""
    note: str = ""  # one line on what happens next

    @property
    def rating_name(self) -> str:
        return RATING_NAMES.get(self.rating, f"{self.rating}星") if self.rating is not None else ""

    @property
    def action(self) -> str:
        if not self.can_edit:
            return "查看申报"
        if self.a.status == Status.RETURNED:
            return "修改后重新提交"
        if self.missing and not self.missing.rules:
            return "去提交"
        return "继续填报" if self.a.status == Status.IN_PROGRESS else "开始填报"


def _stage(a: Assessment) -> tuple[str, str, str]:
    """(the stage in words, a code, the badge tone) as the village reads it."""
    phase = a.round.phase
    if a.status == Status.EXPIRED:
        return Status.EXPIRED.label, "expired", "danger"
    if phase == Round.Phase.NOTICE:
        return "公示中", "notice", "warning"
    if phase == Round.Phase.RECOGNISED:
        return "已认定", "recognised", "dark"
    if a.status == Status.RETURNED:
        return "退回修改", "returned", "warning"
    if a.status == Status.NOT_STARTED:
        return "未开始填报", "not_started", "secondary"
    if a.status == Status.IN_PROGRESS:
        return "填报中", "in_progress", "primary"
    level = WAITING_FOR.get(a.status)
    if level in a.round.levels:
        return f"待{LEVEL_LABELS[level]}", a.status, "info"
    return "审核通过，待公示", a.status, "success"  # the round's last level approved it


def _deadline(a: Assessment, today: datetime.date) -> Deadline | None:
    rnd = a.round
    if rnd.phase == Round.Phase.NOTICE:
        return Deadline("公示至", rnd.notice_end) if rnd.notice_end else None
    if rnd.phase != Round.Phase.OPEN or a.status == Status.EXPIRED:
        return None
    if a.status in (Status.NOT_STARTED, Status.IN_PROGRESS):
        label, day = "自评截止", rnd.self_deadline
    elif a.status == Status.RETURNED:
        level = ((a.return_comments or [{}])[-1] or {}).get("level") or "town"
        label, day = "重新提交截止", deadline_of(rnd, level if level in rnd.levels else "town")
    else:
        level = WAITING_FOR.get(a.status)
        if level not in rnd.levels:
            return None
        return Deadline(f"{LEVEL_LABELS[level]}截止", deadline_of(rnd, level))
    if a.deadline_override and a.deadline_override > day:
        day = a.deadline_override
    return Deadline(label, day, (day - today).days)


def missing(a: Assessment, framework, indicators: dict) -> Missing:
    """What `services.review.missing_for_submission` refuses, counted, over the stars the village applies for
    (those of its last submission, else every star), with the indicators read in bulk by the caller; no engine
    run. tests/test_village_home.py holds the counts in agreement with the submission check."""
    stars = [s.code for s in framework.stars if not a.applied_stars or s.code in a.applied_stars]
    out = Missing()
    rules = set()
    for item in missing_for_submission(a, stars, indicators=indicators):
        if not item.rule:
            continue
        if item.reason == UNFILLED:
            out.unfilled += 1
        elif item.reason == UNCONFIRMED:
            out.to_confirm += 1
        else:
            out.evidence += 1
        rules.add(item.rule)
        out.first_star = out.first_star or item.star
    out.rules = len(rules)
    return out


def _frameworks(rows) -> None:
    """Attach each row's framework version (one query; the rule data is read only if not compiled yet)."""
    ids = {a.framework_id for a in rows}
    versions = {fv.pk: fv for fv in FrameworkVersion.objects.filter(pk__in=ids).only("id", "checksum", "code", "name", "version")}
    for a in rows:
        a.framework = versions[a.framework_id]


def _indicators(rows) -> dict[int, dict]:
    """Assessment id → its indicator values, one query per 指标数据年度."""
    by_year: dict[int, list] = {}
    for a in rows:
        by_year.setdefault(a.round.indicator_year, []).append(a)
    out = {}
    for year, items in by_year.items():
        values = values_for_many({a.org_unit_id for a in items}, year)
        for a in items:
            out[a.pk] = values.get(a.org_unit_id, {})
    return out


def _returns(rows) -> dict[int, dict]:
    """Assessment id → its latest return: level, when, the comment, per-rule comments by rule text, and who
    returned it by name and post (never the login name)."""
    out = {}
    for a in rows:
        comments = selectors_village.return_comments(a, a.framework.compiled())
        if comments:
            out[a.pk] = comments[-1]
    names = {c.get("by") for c in out.values() if c.get("by")}
    users = list(get_user_model().objects.filter(username__in=names).select_related("person")) if names else []
    labels = user_labels(users)
    by_name = {u.username: labels.get(u.pk, "") for u in users}
    for c in out.values():
        c["by_label"] = by_name.get(c.get("by"), "")
    return out


def _star_names(framework, codes) -> str:
    return "、".join(framework.stars_by_code[c].name for c in codes if c in framework.stars_by_code)


def supervision_todo(user, today: datetime.date) -> list:
    """The village's supervision problems waiting for it (待整改, 整改中 incl. returned ones), nearest deadline
    first: one query, over the villages the user rectifies for."""
    from fivestar.core.roles import Action
    from fivestar.supervision.models import Problem
    from fivestar.supervision.models.problem import ProblemStatus

    rows = list(Problem.objects.visible_to(user, Action.RECTIFY).filter(status__in=[ProblemStatus.PENDING, ProblemStatus.RECTIFYING])
                .select_related("org_unit").only("id", "description", "status", "deadline", "overdue", "org_unit__display_name")
                .order_by("deadline", "id")[:MAX_PROBLEMS + 1])
    for p in rows:
        p.days_left = (p.deadline - today).days
    return rows


def planning_todo(user, today: datetime.date) -> list[dict]:
    """This year's target of each of the user's villages (current stars vs target, the stars missing) and its
    creation ledger's kept counts; only villages with a target or tasks. Fixed queries (progress_for, one for
    the counts) whatever the number of villages."""
    from fivestar.planning.models import LedgerStats
    from fivestar.planning.services import progress_for

    from .menu import village_units

    units = village_units(user)[:MAX_ITEMS]
    if not units:
        return []
    progress = progress_for(units, today.year)
    stats = {s.unit_id: s for s in LedgerStats.objects.filter(year=today.year, unit_id__in=[u.pk for u in units])}
    out = []
    for unit in units:
        kept = stats.get(unit.pk)
        if progress[unit.pk]["has_target"] or kept is not None:
            out.append({"unit": unit, "p": progress[unit.pk], "year": today.year, "open": kept.open if kept else 0,
                        "overdue": kept.overdue if kept else 0})
    return out


def village_todo(user, today: datetime.date | None = None) -> dict:
    """The to-do list of a village user: `items` (at most MAX_ITEMS, nearest deadline first, recognised last),
    `more` (how many are left off), `units` (the branches, for their own pages), `problems` (supervision
    problems waiting for the village, at most MAX_PROBLEMS; `problems_more` when there are others), `targets`
    (this year's target and ledger counts per village, planning_todo)."""
    today = today or timezone.localdate()
    problems = supervision_todo(user, today)
    found = {"problems": problems[:MAX_PROBLEMS], "problems_more": len(problems) > MAX_PROBLEMS,
             "targets": planning_todo(user, today)}
    rows = list(selectors_village.my_assessments(user)[:MAX_ITEMS + 1])
    more = len(rows) > MAX_ITEMS
    rows = rows[:MAX_ITEMS]
    if not rows:
        return {"items": [], "more": False, **found}
    _frameworks(rows)
    editable = [a for a in rows if a.round.phase == Round.Phase.OPEN and a.status in VILLAGE_EDITABLE]
    indicators = _indicators(editable)
    returns = _returns([a for a in rows if a.status == Status.RETURNED and a.round.phase == Round.Phase.OPEN])
    recognised = [a for a in rows if a.round.phase == Round.Phase.RECOGNISED]
    results = {}
    if recognised:
        results = {(r.round_id, r.org_unit_id): r for r in RoundResult.objects.filter(
            round_id__in={a.round_id for a in recognised}, org_unit_id__in={a.org_unit_id for a in recognised})}
    editable_ids = {a.pk for a in editable}
    items = []
    for a in rows:
        stage, code, tone = _stage(a)
        item = TodoItem(a=a, stage=stage, stage_code=code, tone=tone, deadline=_deadline(a, today))
        framework = a.framework.compiled()
        if a.pk in editable_ids:
            item.can_edit = selectors_village.editability(user, a)[0]
            item.missing = missing(a, framework, indicators[a.pk])
            item.returned = returns.get(a.pk)
        elif code == "recognised":
            result = results.get((a.round_id, a.org_unit_id))
            if result is not None:
                item.rating, item.star_names = result.rating, _star_names(framework, result.awarded)
                item.note = "未按期完成，按本周期规定认定。" if result.expired else ""
        elif code == "notice":
            item.rating, item.star_names = a.rating, _star_names(framework, a.awarded)
            item.note = "公示期间如有异议，由镇、县核实处理；公示结束后认定。"
        elif code == "expired":
            item.note = "截止日期前未完成，已按“未按期完成”处理。如有特殊情况，请联系县级审核人员。"
        else:
            item.star_names = _star_names(framework, a.applied_stars)
            item.note = "已提交，申报已锁定。如需修改，请联系审核人员退回。"
        items.append(item)
    return {"items": items, "more": more, **found}
