"""Schemas of the meetings API (/api/v1/meetings/…)."""

import datetime

from ninja import Field, Schema

from fivestar.api.schemas import UnitRefOut


class SeriesOut(Schema):
    id: int
    unit: UnitRefOut
    kind: str = Field(..., description="dispatch 周调度会、monthly 月总结会、observation 季观摩会、special 专题会议")
    kind_name: str
    name: str
    weekday: int = Field(..., description="默认星期（0 星期一 … 6 星期日）")
    place: str


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


class MeetingDetailOut(MeetingOut):
    agenda: str
    minutes: str
    version: int
    attendance: list[AttendanceOut]
    decisions: list[DecisionOut]
    open_decisions_before: list[DecisionOut] = Field(..., description="本系列此前会议未完成的议定事项")
    briefing: BriefingOut | None


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
