"""Schemas of the planning API (/api/v1/planning/…). Every name starts with Planning so OpenAPI never merges them
with another app's schema of the same name."""

import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from fivestar.api.schemas import EvidenceFileOut, RefOut, UnitRefOut
from fivestar.orgs.models import Category
from fivestar.rating.api_common import FilledText, choices

from .models.ledger import TaskSource, TaskStatus

MAX_ID = 2**63 - 1
YEAR = Field(None, ge=2000, le=2100, description="年度（默认今年）")


# ---- targets and plans -------------------------------------------------------------------------------------


class PlanningTargetOut(Schema):
    village: UnitRefOut = Field(..., description="村（社区）")
    town: str = Field("", description="所属乡镇名称")
    has_target: bool = Field(..., description="是否已设置该年度目标")
    category: str = Field("", description="创建类别代码：lead 领航村 | sprint 冲刺村 | improve 提升村 | base 强基村（名称按乡镇设置）")
    category_name: str = Field("", description="创建类别名称（乡镇设置的名称）")
    target_rating: int = Field(0, description="目标星级（0–5）")
    target_stars: list[str] = Field([], description="目标星代码")


class PlanningTargetPage(Schema):
    year: int = Field(..., description="年度")
    items: list[PlanningTargetOut] = Field(..., description="本页的村（按代码排序）")
    count: int = Field(..., description="村（社区）总数")


class PlanningTargetRowIn(Schema):
    village: str = Field(..., min_length=1, max_length=15, description="村（社区）代码")
    category: choices(Category) | Literal[""] = Field("", description="创建类别代码（可空）")
    target_rating: int = Field(..., ge=0, le=5, description="目标星级（0–5）")
    target_stars: list[str] = Field([], max_length=10, description="目标星代码（颗数须等于目标星级）")


class PlanningTargetsIn(Schema):
    year: int = Field(..., ge=2000, le=2100, description="年度")
    rows: list[PlanningTargetRowIn] = Field(..., min_length=1, max_length=2000, description="各村目标（全部通过才保存）")


class PlanningSavedOut(Schema):
    changed: int = Field(..., description="新增或修改的条数")


class PlanningPlanIn(Schema):
    year: int = Field(..., ge=2000, le=2100, description="年度")
    rating_counts: dict[str, int] = Field({}, description='各星级村数，如 {"5": 4, "4": 12, "3": 37}')
    star_counts: dict[str, int] = Field({}, description='获得各星的村数，如 {"zbgy": 53}')


class PlanningPlanOut(Schema):
    unit: UnitRefOut = Field(..., description="乡镇或县（区）")
    year: int = Field(..., description="年度")
    exists: bool = Field(..., description="是否已制定")
    rating_counts: dict[str, int] = Field({}, description="各星级村数")
    star_counts: dict[str, int] = Field({}, description="获得各星的村数")
    note: str = Field("", description="备注")
    updated_at: datetime.datetime | None = Field(None, description="最近修改时间")


class PlanningCheckRatingOut(Schema):
    rating: int = Field(..., description="星级")
    name: str = Field(..., description="名称，如 五星")
    plan: int = Field(..., description="计划村数")
    targets: int = Field(..., description="各村目标合计")
    ok: bool = Field(..., description="是否一致")


class PlanningCheckStarOut(Schema):
    code: str = Field(..., description="星代码")
    name: str = Field(..., description="星名称")
    plan: int = Field(..., description="计划村数")
    targets: int = Field(..., description="各村目标合计")
    ok: bool = Field(..., description="是否一致")


class PlanningCheckOut(Schema):
    unit: UnitRefOut = Field(..., description="乡镇或县（区）")
    year: int = Field(..., description="年度")
    villages: int = Field(..., description="村（社区）数")
    with_target: int = Field(..., description="已设置目标的村数")
    ratings: list[PlanningCheckRatingOut] = Field(..., description="按星级：计划与目标合计")
    stars: list[PlanningCheckStarOut] = Field(..., description="按星：计划与目标合计")
    warnings: list[str] = Field(..., description="不一致之处（中文）")
    ok: bool = Field(..., description="计划与各村目标是否一致")


# ---- letters -----------------------------------------------------------------------------------------------


class PlanningLetterOut(Schema):
    village: UnitRefOut = Field(..., description="村（社区）")
    year: int = Field(..., description="年度")
    status: Literal["none", "pending", "signed"] = Field(..., description="none 未生成 | pending 待签订 | signed 已签订")
    status_name: str = Field(..., description="状态名称")
    generated_at: datetime.datetime | None = Field(None, description="生成时间")
    signed_on: datetime.date | None = Field(None, description="签订日期")
    signed_copy: EvidenceFileOut | None = Field(None, description="签字扫描件")


class PlanningLetterPage(Schema):
    items: list[PlanningLetterOut] = Field(..., description="本页的村（按代码排序）")
    count: int = Field(..., description="符合条件的村数")
    signed: int = Field(..., description="其中已签订的村数（全部，不只本页）")


class PlanningBatchIn(Schema):
    town: str = Field(..., min_length=1, max_length=15, description="乡镇代码")
    year: int = Field(..., ge=2000, le=2100, description="年度")


class PlanningBatchOut(Schema):
    id: int = Field(..., description="批次编号")
    town: UnitRefOut = Field(..., description="乡镇")
    year: int = Field(..., description="年度")
    status: str = Field(..., description="queued 排队中 | running 生成中 | done 已完成 | failed 失败")
    status_name: str = Field(..., description="状态名称")
    total: int = Field(..., description="村数")
    done: int = Field(..., description="已生成")
    percent: int = Field(..., description="进度（%）")
    message: str = Field("", description="说明")
    download: str | None = Field(None, description="压缩包下载地址（完成后）")


# ---- ledger ------------------------------------------------------------------------------------------------


class PlanningTaskFiltersIn(Schema):
    unit: str | None = Field(None, max_length=15, description="单位代码（村、镇、县…）：只看该单位及其下级")
    area: int | None = Field(None, ge=1, le=MAX_ID, description="片区编号")
    year: int | None = YEAR
    status: Literal[("open", "all", *TaskStatus.values)] = Field("open", description="open 未完成（默认）| all 全部 | todo 未开始 | doing 推进中 | done 已完成 | cancelled 已取消")
    star: str | None = Field(None, max_length=10, description="所属星代码")
    source: choices(TaskSource) | None = Field(None, description="manual 手工录入 | gap 差距清单 | problem 督导问题 | meeting 会议决定")
    overdue: bool | None = Field(None, description="true 只看逾期")
    responsible: int | None = Field(None, ge=1, le=MAX_ID, description="责任人（人员编号）")
    q: str | None = Field(None, max_length=60, description="搜索任务、村名或责任人")
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500）")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过的条数")


class PlanningTaskOut(Schema):
    id: int = Field(..., description="任务编号")
    village: UnitRefOut = Field(..., description="村（社区）")
    town: str = Field("", description="所属乡镇名称")
    year: int = Field(..., description="年度")
    star_code: str = Field(..., description="所属星代码")
    rule_code: str = Field("", description="所涉细则编码")
    title: str = Field(..., description="任务")
    responsible: RefOut | None = Field(None, description="责任人")
    deadline: datetime.date = Field(..., description="完成时限")
    status: str = Field(..., description="todo 未开始 | doing 推进中 | done 已完成 | cancelled 已取消")
    status_name: str = Field(..., description="状态名称")
    overdue: bool = Field(..., description="是否逾期（未完成且已过完成时限）")
    completed_on: datetime.date | None = Field(None, description="完成日期")
    source: str = Field(..., description="manual 手工录入 | gap 差距清单 | problem 督导问题 | meeting 会议决定")
    source_name: str = Field(..., description="来源名称")
    problem_id: int | None = Field(None, description="来源督导问题编号")
    version: int = Field(..., description="版本号（每次变动加一）")


class PlanningTaskPage(Schema):
    items: list[PlanningTaskOut] = Field(..., description="本页的任务（按完成时限排序）")
    count: int = Field(..., description="符合条件的任务总数")
    export: str = Field(..., description="按相同条件导出创建台账（xlsx）的接口地址")


class PlanningTaskEventOut(Schema):
    at: datetime.datetime = Field(..., description="时间")
    action: str = Field(..., description="操作代码")
    action_name: str = Field(..., description="操作名称")
    by: str = Field("", description="操作人")
    from_status: str = Field("", description="原状态")
    to_status: str = Field("", description="新状态")
    reason: str = Field("", description="说明")


class PlanningTaskDetailOut(PlanningTaskOut):
    description: str = Field("", description="说明")
    evidence: list[EvidenceFileOut] = Field(..., description="佐证")
    events: list[PlanningTaskEventOut] = Field(..., description="每一步：谁、何时、做了什么")
    can_work: bool = Field(..., description="您能否推进该任务、添加佐证")
    can_manage: bool = Field(..., description="您能否修改、取消该任务")


class PlanningTaskIn(Schema):
    village: str = Field(..., min_length=1, max_length=15, description="村（社区）代码")
    year: int = Field(..., ge=2000, le=2100, description="年度")
    star_code: str = Field(..., min_length=1, max_length=10, description="所属星代码")
    rule_code: str = Field("", max_length=40, description="所涉细则编码（可空）")
    title: FilledText = Field(..., max_length=200, description="任务")
    description: str = Field("", max_length=2000, description="说明")
    deadline: datetime.date = Field(..., description="完成时限（不早于今天）")
    responsible: int | None = Field(None, ge=1, le=MAX_ID, description="责任人（人员编号；默认包村干部或村党支部书记）")


class PlanningTaskStatusIn(Schema):
    status: choices(TaskStatus) = Field(..., description="todo 未开始 | doing 推进中 | done 已完成 | cancelled 已取消")
    reason: str = Field("", max_length=500, description="说明（取消、重新推进时必填）")
    completed_on: datetime.date | None = Field(None, description="完成日期（改为已完成时，默认今天）")
    version: int | None = Field(None, ge=1, le=MAX_ID, description="您看到的版本号（可选）：任务已被他人改动时返回 409")


class PlanningGapsIn(Schema):
    year: int = Field(..., ge=2000, le=2100, description="年度")
    deadline: datetime.date | None = Field(None, description="完成时限（默认评定截止日之前）")


class PlanningCreatedOut(Schema):
    created: int = Field(..., description="新生成的任务数（重复生成不会重复）")


class PlanningUploadResultOut(Schema):
    name: str = Field(..., description="上传的文件名")
    ok: bool = Field(..., description="是否已保存")
    message: str = Field("", description="未保存的原因")
    evidence: EvidenceFileOut | None = Field(None, description="保存后的文件")


class PlanningUploadOut(Schema):
    results: list[PlanningUploadResultOut] = Field(..., description="逐个文件的结果")


# ---- commitments -------------------------------------------------------------------------------------------


class PlanningCommitmentOut(Schema):
    id: int = Field(..., description="承诺编号")
    village: UnitRefOut = Field(..., description="村（社区）")
    month: str = Field(..., description="月份（YYYY-MM）")
    person: RefOut = Field(..., description="承诺人")
    content: str = Field(..., description="承诺事项")
    star_code: str = Field("", description="所涉星代码")
    task_id: int | None = Field(None, description="对应台账任务编号")
    result: str = Field("", description="完成情况")
    result_at: datetime.datetime | None = Field(None, description="亮业绩时间")
    grade: str = Field("", description="评价等次")
    town_comment: str = Field("", description="镇级点评")
    graded_at: datetime.datetime | None = Field(None, description="点评时间")


class PlanningCommitmentPage(Schema):
    items: list[PlanningCommitmentOut] = Field(..., description="本页的承诺（最新月份在前）")
    count: int = Field(..., description="符合条件的承诺总数")


class PlanningCommitmentFiltersIn(Schema):
    unit: str | None = Field(None, max_length=15, description="单位代码（村、镇、县…）：只看该单位及其下级")
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", description="月份（YYYY-MM）")
    person: int | None = Field(None, ge=1, le=MAX_ID, description="承诺人（人员编号）")
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500）")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过的条数")


class PlanningCommitmentIn(Schema):
    village: str = Field(..., min_length=1, max_length=15, description="村（社区）代码")
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="月份（YYYY-MM；本月或下月）")
    person: int = Field(..., ge=1, le=MAX_ID, description="承诺人（人员编号：本村干部或包村干部）")
    content: FilledText = Field(..., max_length=1000, description="承诺事项")
    star_code: str = Field("", max_length=10, description="所涉星代码（可空）")
    task: int | None = Field(None, ge=1, le=MAX_ID, description="对应台账任务编号（可空）")


class PlanningResultIn(Schema):
    result: FilledText = Field(..., max_length=2000, description="完成情况")
    evidence: list[int] = Field([], max_length=50, description="业绩佐证（已上传文件的编号）")


class PlanningGradeIn(Schema):
    grade: FilledText = Field(..., max_length=10, description="评价等次（乡镇设置的等次之一，默认 优秀/良好/一般/较差）")
    comment: str = Field("", max_length=500, description="点评")
