"""Correcting and deleting records, a certificate for an honour already recorded, and the honours Excel import over
the API, through the same services as the pages (services.edits, excel.import_honours).
Out of scope → 404; no authority or rank → 403; a refused change → 400 in Chinese; a bad workbook → 422 (第N行)."""

import datetime

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from fivestar.api.schemas import ApiErrorOut, ApiValidationErrorOut
from fivestar.core.menu import can
from fivestar.core.roles import Action

from .api import WHAT, RecordOut, _cell, _unit
from .columns import COLUMNS
from .excel import import_honours as run_import
from .services import edits
from .services.access import can_edit
from .services.errors import ActivityError
from .views_edit import record_for

router = Router(tags=["党建活动与荣誉"])
E = ApiErrorOut
Value = str | int | float | None


class RecordChangeIn(Schema):
    """Only the fields given change; each kind reads its own (others are ignored)."""

    kind: Value = Field(None, description="活动：活动类型编号；事件：petition|accident|case；帮带：secretary|strong_weak|old_new")
    date: datetime.date | None = Field(None, description="活动、排查、事件的日期")
    title: Value = Field(None, description="活动内容 / 荣誉称号")
    location: Value = None
    expected: Value = Field(None, description="应到人数")
    level: Value = Field(None, description="荣誉级别 national|provincial|city|county")
    issuer: Value = None
    year: Value = None
    note: Value = None
    person: Value = Field(None, description="评优评先：本村人员编号（可空）")
    person_name: Value = None
    category: Value = None
    mentor: Value = Field(None, description="导师（人员编号）")
    mentee: Value = Field(None, description="帮带对象（人员编号）")
    start: datetime.date | None = None
    end: datetime.date | None = None
    meetings_held: Value = None
    checker: Value = None
    findings: Value = None
    risks_found: Value = None
    severity: Value = Field(None, description="minor|serious|major")
    description: Value = None
    outcome: Value = None
    name: Value = Field(None, description="项目名称")
    target: Value = None
    progress: Value = Field(None, description="完成进度（0–100）")
    budget: Value = Field(None, description="计划投入（元）")


class VoidIn(Schema):
    reason: str = Field(..., max_length=100, description="删除原因（记入操作记录）")


class VoidOut(Schema):
    id: int
    deleted: bool


class ImportOut(Schema):
    created: int = Field(..., description="新增荣誉数")


def _out(what, record) -> dict:
    return {"id": record.pk, "unit": _unit(record.org_unit), "cells": {h: _cell(get(record)) for h, get in COLUMNS[what]}}


def _refused(user, record, exc):
    forbidden = isinstance(exc, edits.Outranked) or not can_edit(user, record.org_unit)
    return Status(403 if forbidden else 400, {"detail": exc.message})


@router.put("/activities/records/{what}/{int:record_id}", response={200: RecordOut, 400: E, 403: E, 404: E}, summary="修改记录",
            description=f"what 为 {WHAT}。只修改提供的字段，校验与登记时相同；他人以更高层级登记的记录需同级或上级修改。")
def update(request, what: str, record_id: int, payload: RecordChangeIn):
    record = record_for(request.user, what, record_id)
    data = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in payload.dict(exclude_unset=True).items()}
    try:
        edits.update_record(request.user, what, record, data)
    except ActivityError as e:
        return _refused(request.user, record, e)
    return _out(what, record)


@router.post("/activities/records/{what}/{int:record_id}/void", response={200: VoidOut, 400: E, 403: E, 404: E}, summary="删除记录（须说明原因）",
             description=f"what 为 {WHAT}。原因记入操作记录；已确认一票否决的事件不能删除。")
def void(request, what: str, record_id: int, payload: VoidIn):
    record = record_for(request.user, what, record_id)
    try:
        edits.delete_record(request.user, what, record, payload.reason)
    except ActivityError as e:
        return _refused(request.user, record, e)
    return {"id": record_id, "deleted": True}


@router.post("/activities/honours/{int:honour_id}/certificate", response={200: RecordOut, 400: E, 403: E, 404: E}, summary="上传荣誉证书扫描件",
             description="multipart/form-data：file 图片或 PDF。类型按内容识别，照片的位置信息（EXIF）在保存前去除；替换已有的证书。")
def certificate(request, honour_id: int, file: UploadedFile = File(..., description="证书扫描件")):
    honour = record_for(request.user, "honours", honour_id)
    try:
        edits.attach_certificate(request.user, honour, file)
    except ActivityError as e:
        return _refused(request.user, honour, e)
    return _out("honours", honour)


@router.post("/activities/honours/import", response={201: ImportOut, 403: E, 422: ApiValidationErrorOut}, summary="Excel 导入村级荣誉",
             description="multipart/form-data：file 按模板填写的 .xlsx（/activities/honours/import/template.xlsx）。"
                         "全部行无误才保存；否则不保存任何一行，逐行返回错误（第N行）。")
def import_honours(request, file: UploadedFile = File(..., description="荣誉导入表（.xlsx）")):
    if not can(request.user, Action.EDIT_RESULTS):
        return Status(403, {"detail": "您没有登记村级荣誉的权限。"})
    outcome = run_import(request.user, file)
    if not outcome.ok:
        errors = [{"field": "file", "message": p, "type": "value_error"} for p in outcome.problems[:200]]
        return Status(422, {"detail": "导入未通过校验，未保存任何数据。", "errors": errors})
    return Status(201, {"created": outcome.created})
