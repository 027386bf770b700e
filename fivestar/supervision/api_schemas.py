"""Schemas of the supervision API (/api/v1/supervision/…). Every name starts with Supervision or Problem so
OpenAPI never merges them with another app's schema of the same name."""

import datetime
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from fivestar.api.schemas import EvidenceFileOut, RefOut, UnitRefOut
from fivestar.rating.api_common import FilledText, choices

from .models.inspection import InspectionKind
from .models.problem import Severity

MAX_ITEMS = 200
MAX_ID = 2**63 - 1
StatusFilter = Literal["open", "pending", "rectifying", "checking", "closed", "all"]


# ---- teams and plans ---------------------------------------------------------------------------------------


class SupervisionTeamOut(Schema):
    id: int = Field(..., description="督导组编号")
    name: str = Field(..., description="督导组名称")
    unit: UnitRefOut = Field(..., description="所属单位（乡镇或县）")
    leader: RefOut | None = Field(None, description="组长")
    members: list[RefOut] = Field(..., description="成员")
    villages: list[UnitRefOut] = Field(..., description="负责的村（社区）")
    note: str = Field("", description="说明")
    active: bool = Field(..., description="是否有效")


class SupervisionTeamPage(Schema):
    items: list[SupervisionTeamOut] = Field(..., description="本页的督导组")
    count: int = Field(..., description="符合条件的督导组总数")


class SupervisionTeamUpdateIn(Schema):
    name: FilledText = Field(..., max_length=60, description="督导组名称")
    leader: int | None = Field(None, ge=1, le=MAX_ID, description="组长（人员编号）")
    members: list[int] = Field([], max_length=MAX_ITEMS, description="成员（人员编号）")
    villages: list[str] = Field([], max_length=2000, description="负责的村（社区）代码，须在所属单位之下")
    note: str = Field("", max_length=200, description="说明")
    active: bool = Field(True, description="是否有效（停用后不再生成计划、不能记录督导）")


class SupervisionTeamIn(SupervisionTeamUpdateIn):
    unit: str = Field(..., min_length=1, max_length=15, description="所属单位代码（乡镇或县）；创建后不能变更")


class SupervisionPlanRowOut(Schema):
    id: int = Field(..., description="计划编号")
    week_start: datetime.date = Field(..., description="周（周一）")
    village: UnitRefOut = Field(..., description="计划督导的村（社区）")
    adjusted: bool = Field(..., description="是否已手工调整")
    inspection_id: int | None = Field(None, description="对应的督导检查编号（已督导时）")
    state: Literal["visited", "missed", "planned"] = Field(..., description="visited 已督导 | missed 已过期未督导 | planned 待督导")
    state_name: str = Field(..., description="状态名称")


class SupervisionPlanOut(Schema):
    team_id: int = Field(..., description="督导组编号")
    start: datetime.date = Field(..., description="起始周（周一）")
    weeks: int = Field(..., description="周数")
    rows: list[SupervisionPlanRowOut] = Field(..., description="计划（按周、村排序）")


class SupervisionGenerateIn(Schema):
    start_week: datetime.date | None = Field(None, description="起始日期（取其所在周的周一；默认本周）")
    weeks: int = Field(8, ge=1, le=26, description="生成几周（1–26）")


class SupervisionGenerateOut(Schema):
    created: int = Field(..., description="新生成的计划条数（重复生成不会重复，已手工调整的保留）")


class SupervisionMoveIn(Schema):
    week_start: datetime.date = Field(..., description="移到哪一周（任一日期，取其所在周的周一）")


# ---- inspections -------------------------------------------------------------------------------------------


class SupervisionInspectionOut(Schema):
    id: int = Field(..., description="督导检查编号")
    date: datetime.date = Field(..., description="督导日期")
    kind: str = Field(..., description="routine 常态化周督导 | special 专项督导 | star 单星攻坚督导 | observation 季度观摩")
    kind_name: str = Field(..., description="督导类型名称")
    team: RefOut | None = Field(None, description="督导组（编号、名称）")
    unit: UnitRefOut = Field(..., description="所属单位")
    star_code: str = Field("", description="所涉星代码")
    villages: list[UnitRefOut] = Field(..., description="督导的村（社区）")
    notes: str = Field("", description="督导情况")
    problem_count: int = Field(..., description="发现的问题数")


class SupervisionInspectionPage(Schema):
    items: list[SupervisionInspectionOut] = Field(..., description="本页的督导检查（最新的在前）")
    count: int = Field(..., description="符合条件的督导检查总数")


class SupervisionInspectionDetailOut(SupervisionInspectionOut):
    photos: list[EvidenceFileOut] = Field(..., description="现场照片")
    problems: list["SupervisionProblemOut"] = Field(..., description="发现的问题（只含您能看到的）")


class SupervisionInspectionFilters(Schema):
    unit: str | None = Field(None, max_length=15, description="单位代码：只看该单位及其下级")
    team: int | None = Field(None, ge=1, le=MAX_ID, description="督导组编号")
    kind: choices(InspectionKind) | None = Field(None, description="督导类型")
    start: datetime.date | None = Field(None, description="督导日期自")
    end: datetime.date | None = Field(None, description="督导日期至")
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500）")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过的条数")


# ---- problems ----------------------------------------------------------------------------------------------


class SupervisionProblemFiltersIn(Schema):
    unit: str | None = Field(None, max_length=15, description="单位代码（村、镇、县…）：只看该单位及其下级")
    area: int | None = Field(None, ge=1, le=MAX_ID, description="片区编号")
    team: int | None = Field(None, ge=1, le=MAX_ID, description="督导组编号")
    status: StatusFilter = Field("open", description="open 未销号（默认）| pending 待整改 | rectifying 整改中 | checking 待复查 | closed 已销号 | all 全部")
    star: str | None = Field(None, max_length=10, description="所涉星代码")
    severity: choices(Severity) | None = Field(None, description="minor 一般 | general 较重 | serious 严重")
    overdue: bool | None = Field(None, description="true 只看逾期")
    start: datetime.date | None = Field(None, description="发现日期自")
    end: datetime.date | None = Field(None, description="发现日期至")
    q: str | None = Field(None, max_length=60, description="搜索问题描述或村名")
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500）")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过的条数")


class SupervisionProblemOut(Schema):
    id: int = Field(..., description="问题编号")
    village: UnitRefOut = Field(..., description="村（社区）")
    town: str = Field("", description="所属乡镇名称")
    team: RefOut | None = Field(None, description="督导组（编号、名称）")
    inspection_id: int | None = Field(None, description="发现于哪次督导检查")
    star_code: str = Field("", description="所涉星代码")
    rule_code: str = Field("", description="所涉细则编码")
    description: str = Field(..., description="问题描述")
    severity: str = Field(..., description="minor 一般 | general 较重 | serious 严重")
    severity_name: str = Field(..., description="严重程度名称")
    responsible: RefOut | None = Field(None, description="整改责任人")
    deadline: datetime.date = Field(..., description="整改期限")
    status: str = Field(..., description="pending 待整改 | rectifying 整改中 | checking 待复查 | closed 已销号")
    status_name: str = Field(..., description="状态名称")
    overdue: bool = Field(..., description="是否已逾期")
    escalation_step: int = Field(..., description="逾期升级到：0 未升级；1 包村干部；2 包片领导；3 镇级管理员")
    found_on: datetime.date = Field(..., description="发现日期")
    rectifying_at: datetime.datetime | None = Field(None, description="开始整改时间")
    submitted_at: datetime.datetime | None = Field(None, description="提交复查时间")
    closed_at: datetime.datetime | None = Field(None, description="销号时间")
    version: int = Field(..., description="版本号（每次变动加一）")


class SupervisionProblemPage(Schema):
    items: list[SupervisionProblemOut] = Field(..., description="本页的问题（按整改期限排序）")
    count: int = Field(..., description="符合条件的问题总数")
    ledger: str = Field(..., description="按相同条件导出问题台账（xlsx）的接口地址")


class SupervisionProblemEventOut(Schema):
    at: datetime.datetime = Field(..., description="时间")
    action: str = Field(..., description="操作代码")
    action_name: str = Field(..., description="操作名称")
    by: str = Field("", description="操作人")
    from_status: str = Field("", description="原状态")
    to_status: str = Field("", description="新状态")
    reason: str = Field("", description="说明")


class SupervisionProblemRectificationOut(Schema):
    id: int = Field(..., description="整改记录编号")
    measures: str = Field(..., description="整改措施")
    submitted_by: str = Field("", description="提交人")
    submitted_at: datetime.datetime = Field(..., description="提交时间")
    outcome: str = Field(..., description="waiting 待复查 | accepted 已销号 | rejected 已退回")
    outcome_name: str = Field(..., description="复查结果名称")
    review_comment: str = Field("", description="复查意见")
    reviewed_by: str = Field("", description="复查人")
    reviewed_at: datetime.datetime | None = Field(None, description="复查时间")
    evidence: list[EvidenceFileOut] = Field(..., description="整改佐证")
    review_photos: list[EvidenceFileOut] = Field(..., description="复查照片")


class SupervisionProblemDetailOut(SupervisionProblemOut):
    photos: list[EvidenceFileOut] = Field(..., description="问题照片")
    events: list[SupervisionProblemEventOut] = Field(..., description="每一步：谁、何时、从什么状态到什么状态、为什么")
    rectifications: list[SupervisionProblemRectificationOut] = Field(..., description="整改与复查记录")
    can_rectify: bool = Field(..., description="您能否为该问题整改、提交复查")
    can_supervise: bool = Field(..., description="您能否为该问题复查销号、退回、调整期限")
    notice: str = Field(..., description="该村整改通知书（docx）的接口地址")


class SupervisionProblemIn(Schema):
    village: str = Field(..., min_length=1, max_length=15, description="村（社区）代码")
    description: FilledText = Field(..., max_length=2000, description="问题描述")
    severity: choices(Severity) = Field(Severity.MINOR, description="minor 一般 | general 较重 | serious 严重")
    deadline: datetime.date | None = Field(None, description="整改期限（默认按严重程度和乡镇设置）")
    star_code: str = Field("", max_length=10, description="所涉星代码")
    rule_code: str = Field("", max_length=40, description="所涉细则编码")
    responsible: int | None = Field(None, ge=1, le=MAX_ID, description="整改责任人（人员编号；默认村党支部书记）")
    inspection: int | None = Field(None, ge=1, le=MAX_ID, description="发现于哪次督导检查")
    team: int | None = Field(None, ge=1, le=MAX_ID, description="督导组编号")
    photos: list[int] = Field([], max_length=50, description="问题照片（先上传得到的文件编号）")
    client_uid: uuid.UUID | None = Field(None, description="客户端编号：重试时带同一个编号，不会重复登记")


class SupervisionVersioned(Schema):
    version: int | None = Field(None, ge=1, le=MAX_ID, description="您看到的版本号（可选）：问题已被他人改动时返回 409，不会覆盖")


class SupervisionProblemNoteIn(SupervisionVersioned):
    note: str = Field("", max_length=500, description="说明（可不填）")


class SupervisionProblemRectifyIn(SupervisionVersioned):
    measures: FilledText = Field(..., max_length=2000, description="整改措施")
    evidence: list[int] = Field([], max_length=50, description="整改佐证（先上传得到的文件编号）")


class SupervisionProblemAcceptIn(SupervisionVersioned):
    comment: str = Field("", max_length=2000, description="复查意见（可不填）")
    photos: list[int] = Field([], max_length=50, description="复查照片（先上传得到的文件编号）")


class SupervisionProblemRejectIn(SupervisionVersioned):
    comment: FilledText = Field(..., max_length=2000, description="退回意见（必填）")
    photos: list[int] = Field([], max_length=50, description="复查照片（先上传得到的文件编号）")


class SupervisionProblemDeadlineIn(SupervisionVersioned):
    deadline: datetime.date = Field(..., description="新的整改期限")
    reason: FilledText = Field(..., max_length=500, description="调整理由")


class SupervisionProblemUploadResultOut(Schema):
    name: str = Field(..., description="上传的文件名")
    ok: bool = Field(..., description="是否已保存")
    message: str = Field("", description="未保存的原因")
    evidence: EvidenceFileOut | None = Field(None, description="保存后的文件")


class SupervisionProblemUploadOut(Schema):
    results: list[SupervisionProblemUploadResultOut] = Field(..., description="逐个文件的结果")


SupervisionInspectionDetailOut.model_rebuild()
