"""What the town records: agreements (at a 项目推介会 or not) with each village's share and amount, stage moves, and
yearly returns per participating village, which are kept in step with that village's collective income."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from fivestar.indicators.models import CollectiveIncome
from fivestar.indicators.services import refresh_ratings
from fivestar.meetings.models import Meeting
from fivestar.meetings.models.meetings import MeetingKind
from fivestar.orgs.models import Level, OrgUnit

from ..models import Agreement, Participant, Project, ProjectReturn, Stage
from .access import can_manage, require
from .common import amount, check_date, check_year, event, saved, text
from .errors import ProjectError

ORDER = [Stage.PLANNED, Stage.AGREED, Stage.BUILDING, Stage.OPERATING]


def _village(project, code_or_unit) -> OrgUnit:
    if isinstance(code_or_unit, OrgUnit):
        unit = code_or_unit
    else:
        unit = OrgUnit.objects.filter(code=str(code_or_unit or "").strip()[:20], level=Level.VILLAGE).first()
    if unit is None or unit.level != Level.VILLAGE or unit.parent_id != project.village.parent_id:
        raise ProjectError("参与村应为本乡镇的村（社区）。")
    return unit


@transaction.atomic
def record_agreement(user, project: Project, *, signed_on, participants, meeting=None, start_on=None, note="") -> Agreement:
    """`participants`: [{"village": code or OrgUnit, "share": percent, "amount": yuan}]; shares add up to at most 100."""
    require(can_manage(user, project), "只有项目所在乡镇（或县）可以登记签约。")
    signed_on = check_date(signed_on, "签约日期")
    start_on = check_date(start_on, "开工日期", required=False, future_ok=True)
    if start_on and start_on < signed_on:
        raise ProjectError("开工日期不能早于签约日期。")
    if meeting is not None:
        if not isinstance(meeting, Meeting):
            meeting = Meeting.objects.filter(pk=meeting if str(meeting).isdigit() else None, org_unit_id=project.village.parent_id).first()
            if meeting is None:
                raise ProjectError("所选推介会不存在或不是本乡镇的会议。")
        if meeting.kind != MeetingKind.PROMOTION or meeting.org_unit_id != project.village.parent_id:
            raise ProjectError("签约只能登记在本乡镇的项目推介会上。")
    rows = list(participants or [])
    if not rows:
        raise ProjectError("请至少填写一个参与村。")
    if len(rows) > 60:
        raise ProjectError("参与村最多 60 个。")
    cleaned, seen = [], set()
    for row in rows:
        if not isinstance(row, dict):
            raise ProjectError("参与村格式不正确。")
        unit = _village(project, row.get("village"))
        if unit.pk in seen:
            raise ProjectError(f"{unit.display_name}重复填写。")
        seen.add(unit.pk)
        share = amount(row.get("share"), f"{unit.display_name}的股份比例")
        if share > 100:
            raise ProjectError(f"{unit.display_name}的股份比例不能超过 100%。")
        cleaned.append((unit, share, amount(row.get("amount") or 0, f"{unit.display_name}的出资金额", allow_zero=True)))
    if sum(s for _, s, _ in cleaned) > Decimal("100"):
        raise ProjectError("各参与村股份比例合计不能超过 100%。")
    agreement = saved(Agreement(project=project, meeting=meeting, signed_on=signed_on, start_on=start_on,
                                note=text(note, "说明", 200, required=False), recorded_by=user), user)
    for unit, share, value in cleaned:
        saved(Participant(agreement=agreement, village=unit, share=share, amount=value), user)
    names = "、".join(f"{u.display_name} {s}%" for u, s, _ in cleaned)
    event(project, user, f"签约：{names}" + (f"（{meeting.title}）" if meeting else ""), date=signed_on)
    if ORDER.index(project.stage) < ORDER.index(Stage.AGREED):
        project.stage = Stage.AGREED
        saved(project, user)
        event(project, user, "阶段变为 已签约", stage=Stage.AGREED, date=signed_on)
    return agreement


@transaction.atomic
def set_stage(user, project: Project, stage: str, *, date=None, note="") -> Project:
    require(can_manage(user, project), "只有项目所在乡镇（或县）可以变更项目阶段。")
    if stage not in Stage.values:
        raise ProjectError("阶段无效，应为 规划中、已签约、在建 或 运营中。")
    if stage == project.stage:
        raise ProjectError(f"项目已处于「{Stage(stage).label}」阶段。")
    if stage != Stage.PLANNED and not project.agreements.exists():
        raise ProjectError("尚未登记签约，项目不能进入已签约及以后的阶段。")
    date = check_date(date, "日期") if date else None
    note = text(note, "说明", 100, required=False)
    project.stage = stage
    saved(project, user)
    event(project, user, f"阶段变为 {Stage(stage).label}" + (f"：{note}" if note else ""), stage=stage, date=date)
    return project


def participants_of(project: Project):
    return OrgUnit.objects.filter(pk__in=Participant.objects.filter(agreement__project=project).values("village_id")).order_by("path")


@transaction.atomic
def record_returns(user, project: Project, year, amounts: dict) -> list[ProjectReturn]:
    """One year's returns: {village code: yuan}. Only villages with a share in an agreement; a blank removes the year's
    figure. Each village's collective income for the year is brought in step with the sum of its project returns."""
    require(can_manage(user, project), "只有项目所在乡镇（或县）可以登记项目收益。")
    year = check_year(year)
    if not project.agreements.exists():
        raise ProjectError("项目尚未签约，不能登记收益。")
    villages = {u.code: u for u in participants_of(project)}
    if not isinstance(amounts, dict) or not amounts:
        raise ProjectError("请至少填写一个村的收益。")
    existing = {r.village_id: r for r in ProjectReturn.objects.filter(project=project, year=year)}
    out, touched = [], []
    for code, raw in amounts.items():
        unit = villages.get(str(code))
        if unit is None:
            raise ProjectError(f"单位 {str(code)[:20]} 不是该项目的签约参与村。")
        row = existing.get(unit.pk)
        if raw in (None, ""):
            if row is not None:
                row._history_user = user
                row.delete()
                touched.append(unit)
            continue
        value = amount(raw, f"{unit.display_name}的收益", allow_zero=True)
        if row is not None and row.amount == value:
            out.append(row)
            continue
        row = row or ProjectReturn(project=project, village=unit, year=year)
        row.amount, row.recorded_by = value, user
        out.append(saved(row, user))
        touched.append(unit)
        event(project, user, f"登记 {year} 年收益：{unit.display_name} {value:,.2f} 元")
    for unit in touched:
        sync_income(user, unit, year)
    if touched:
        refresh_ratings(user, [u.pk for u in touched], [year])
    return out


def sync_income(user, village: OrgUnit, year: int) -> CollectiveIncome | None:
    """Set the village's income's project part to the sum of its project returns for the year (recomputed, so an
    edit never counts twice). A village with no income record yet gets one holding only the returns."""
    total = ProjectReturn.objects.filter(village=village, year=year).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    record = CollectiveIncome.objects.select_for_update().filter(org_unit=village, year=year).first()
    if record is None:
        if not total:
            return None
        record = CollectiveIncome(org_unit=village, year=year, note="项目收益自动计入")
    if record.pk and record.project_returns == total:
        return record
    record.project_returns = total
    record.recorded_by = user if getattr(user, "pk", None) else record.recorded_by
    record._history_user = user if getattr(user, "pk", None) else None
    record.save()
    return record
