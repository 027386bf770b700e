"""操作记录 over the API: the same scoped feed as the page (writes and rating workflow steps), in words: /history for
reading, /audit/events with each entry's ids and codes for integrations (an archive, an inspection), and
/audit/events.xlsx, the page's 导出 Excel."""

from datetime import datetime
from urllib.parse import urlencode

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from . import history_export, selectors_history
from .selectors_history import HistoryFilter

router = Router(tags=["操作记录"])


class ChangeOut(Schema):
    label: str
    old: str
    new: str


class HistoryEntryOut(Schema):
    at: datetime = Field(..., description="时间（北京时间，ISO 8601）")
    at_text: str = Field(..., description="时间，如 2026年11月30日 14:05")
    source: str = Field(..., description="audit：数据变更；workflow：评星流程")
    actor: str = Field(..., description="操作人：姓名（职务），无人员信息的账号为 角色（单位）")
    action: str
    action_code: str
    subject: str
    unit: str
    summary: str
    reason: str
    changes: list[ChangeOut]


class HistoryPage(Schema):
    items: list[HistoryEntryOut]
    count: int


class HistoryQuery(Schema):
    model: str | None = Field(None, max_length=40, description="类型：如 people.person、rating.round、rating.workflow（评星流程）、rating.entry（村级填报）")
    object: str | None = Field(None, max_length=40, description="对象编号（与 model 同用）")
    action: str | None = Field(None, max_length=20, description="操作：submit、return、approve、reopen、publish、recognise、create、update、delete、import 等")
    who: str | None = Field(None, max_length=30, description="操作人姓名（包含）")
    unit: str | None = Field(None, max_length=100, description="单位代码或名称：只看其整个下级子树")
    since: str | None = Field(None, max_length=10, description="起始日期 YYYY-MM-DD（含）")
    until: str | None = Field(None, max_length=10, description="截止日期 YYYY-MM-DD（含）")


class HistoryFilters(HistoryQuery):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


def _checked(request, filters: HistoryQuery) -> tuple[HistoryFilter, dict]:
    """The page's own filter form over the query; a wrong filter is a 422 naming it (never everything instead)."""
    data = {k: v for k, v in filters.dict().items() if k not in ("limit", "offset") and v not in (None, "")}
    form = HistoryFilter(data, request.user)
    values = form.values()
    if form.errors:
        raise NinjaValidationError([{"loc": ["query", field], "msg": "；".join(messages), "type": "value_error"}
                                    for field, messages in form.errors.items()])
    return form, values


def _page(request, filters: HistoryFilters) -> tuple[list[dict], int, HistoryFilter, dict]:
    form, values = _checked(request, filters)
    rows = selectors_history.feed(request.user, values, form.unit if "unit" in values else None)
    items = selectors_history.entries(rows[filters.offset : filters.offset + filters.limit])
    for item in items:
        item["at"] = timezone.localtime(item["at"])
        item["at_text"] = selectors_history.format_datetime(item["at"])
    return items, rows.count(), form, values


@router.get("/history", response=HistoryPage, summary="操作记录")
def history(request, filters: HistoryFilters = Query(...)):
    items, count, _, _ = _page(request, filters)
    return {"items": items, "count": count}


class AuditEventOut(HistoryEntryOut):
    id: int = Field(..., description="记录编号（在 source 内唯一）")
    user_id: int | None = Field(None, description="操作账号编号；系统操作为空")
    model: str = Field(..., description="对象类型，如 people.person、rating.round；评星流程为 rating.assessment")
    object_id: str = Field(..., description="对象编号")
    unit_code: str = Field(..., description="所属单位代码")


class AuditEventPage(Schema):
    items: list[AuditEventOut]
    count: int
    export: str = Field(..., description="同一筛选条件的 Excel 导出地址")


@router.get("/audit/events", response=AuditEventPage, summary="操作记录（含编号，供对接与存档）",
            description="与操作记录页相同的记录（数据变更与评星流程），按账号管辖范围过滤，最新在前；筛选条件同页面"
                        "（类型、对象编号、操作、操作人、单位及其下级、起止日期），limit/offset 分页。每条带记录编号、操作账号编号、"
                        "对象类型与编号、单位代码。记录只追加，不能修改或删除。")
def audit_events(request, filters: HistoryFilters = Query(...)):
    items, count, _, _ = _page(request, filters)
    query = {k: v for k, v in filters.dict().items() if k not in ("limit", "offset") and v not in (None, "")}
    return {"items": items, "count": count, "export": f"/api/v1/audit/events.xlsx{'?' + urlencode(query) if query else ''}"}


@router.get("/audit/events.xlsx", response={200: None}, summary="导出操作记录（Excel）",
            description="与操作记录页「导出 Excel」相同：同一筛选条件下管辖范围内的全部记录（时间、操作人、操作、对象、所属单位、"
                        "单位代码、变更内容、说明、理由、来源、记录编号），逐批读取、边读边写，最多 100000 条（超出时文件末行说明）。",
            openapi_extra={"responses": {200: {"description": "Excel 文件", "content": {history_export.XLSX: {}}}}})
def audit_events_xlsx(request, filters: HistoryQuery = Query(...)):
    form, values = _checked(request, filters)
    return history_export.response(request.user, form, values, form.unit if "unit" in values else None)
