"""Schemas of the meetings API (/api/v1/meetings/…)."""

import datetime
from typing import Annotated

from ninja import Field, Schema

from fivestar.api.schemas import RefOut, UnitRefOut
from fivestar.rating.api_common import choices

from .models import Attendance, MeetingKind

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class SeriesOut(Schema):
    id: int
    unit: UnitRefOut
    kind: str = Field(..., description="dispatch 周调度会、monthly 月总结会、observation 季观摩会、special 专题会议")
    kind_name: str
    name: str
    weekday: int = Field(..., description="默认星期（0 星期一 … 6 星期日）")
    place: str
    active: bool = Field(True, description="是否启用（停用的系列不能再新建会议）")


class MeetingSeriesDetailOut(SeriesOut):
    attendees: list[RefOut] = Field(..., description="默认参会人员（人员编号、姓名）")
    can_edit: bool = Field(..., description="当前账号能否修改或停用（县级设立的系列只有县级及以上可改）")


class MeetingSeriesIn(Schema):
    unit: str | None = Field(None, max_length=15, description="召开单位代码（新建时必填；修改时忽略）")
    kind: choices(MeetingKind) = Field(..., description="dispatch 周调度会、monthly 月总结会、observation 季观摩会、special 专题会议")
    name: str = Field("", max_length=100, description="名称（不填按类型取默认名称）")
    weekday: int = Field(3, ge=0, le=6, description="默认星期（0 星期一 … 6 星期日）")
    place: str = Field("", max_length=100)
    attendee_ids: list[Id] = Field([], max_length=300, description="默认参会人员的人员编号")


class MeetingEditIn(Schema):
    """Only the fields given are changed."""
    date: datetime.date | None = None
    place: str | None = Field(None, max_length=100)
    agenda: str | None = Field(None, max_length=5000)
    minutes: str | None = Field(None, max_length=20000)
    held: bool | None = Field(None, description="true 标记为已召开，false 改回待召开")
    version: int | None = Field(None, ge=1, le=MAX_ID, description="您看到的版本号（可选）：会议已被他人修改时返回 409")


class MeetingAttendanceRowIn(Schema):
    person_id: int = Field(..., ge=1, le=MAX_ID)
    state: choices(Attendance.State) = Field(..., description="present 出席、absent 缺席、leave 请假")


class MeetingAttendanceIn(Schema):
    attendance: list[MeetingAttendanceRowIn] = Field([], max_length=500, description="登记或新增的人员及其出席情况")
    remove: list[Id] = Field([], max_length=500, description="从参会名单中移出的人员编号")


class MeetingOut(Schema):
    id: int
    series_id: int | None
    unit: UnitRefOut
    kind: str
    kind_name: str
    title: str
    date: datetime.date
    place: str
    status: str = Field(..., description="planned 待召开、held 已召开")
    status_name: str


class MeetingPage(Schema):
    count: int
    items: list[MeetingOut]


class DecisionOut(Schema):
    id: int
    meeting_id: int
    text: str
    owner: str
    village: UnitRefOut
    star_code: str
    deadline: datetime.date
    task_id: int | None
    task_status: str = Field(..., description="对应台账任务的状态：todo、doing、done、cancelled")
    task_status_name: str
    overdue: bool


class AttendanceOut(Schema):
    person_id: int
    name: str
    state: str = Field(..., description="present 出席、absent 缺席、leave 请假")


class BriefingOut(Schema):
    status: str = Field(..., description="queued、running、done、failed")
    status_name: str
    step: int
    steps: int
    stalled: bool
    error: str
    since: datetime.date | None
    until: datetime.date | None
    docx: str | None = Field(None, description="Word 下载地址（已生成时）")
    pdf: str | None = Field(None, description="PDF 下载地址（已生成时）")
    view: str | None = Field(None, description="手机查看地址（已生成时）")


class MeetingObservationOut(Schema):
    id: int = Field(..., description="观摩活动编号（/api/v1/observation/events/{id}）")
    title: str
    date: datetime.date
    status: str = Field(..., description="scoring 评分中、published 已发布")
    status_name: str


class MeetingDetailOut(MeetingOut):
    agenda: str
    minutes: str
    version: int
    attendance: list[AttendanceOut]
    decisions: list[DecisionOut]
    open_decisions_before: list[DecisionOut] = Field(..., description="本系列此前会议未完成的议定事项")
    briefing: BriefingOut | None
    observation_events: list[MeetingObservationOut] = Field(..., description="关联本次会议的季度观摩活动")


class MeetingIn(Schema):
    series_id: int | None = Field(None, description="会议系列；不填则为专题会议，须给 unit 和 date")
    unit: str | None = Field(None, max_length=15)
    date: datetime.date | None = None
    title: str = Field("", max_length=120)
    place: str = Field("", max_length=100)
    agenda: str = Field("", max_length=5000)


class DecisionIn(Schema):
    text: str = Field(..., max_length=200)
    owner_id: int = Field(..., ge=1)
    village: str = Field(..., max_length=15, description="落实村（社区）代码")
    star_code: str = Field(..., max_length=10)
    deadline: datetime.date
