"""操作记录 over the API: the same scoped feed as the page (writes and rating workflow steps), in words."""

from datetime import datetime

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from . import selectors_history
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


class HistoryFilters(Schema):
    model: str | None = Field(None, max_length=40, description="类型：如 people.person、rating.round、rating.workflow（评星流程）、rating.entry（村级填报）")
    object: str | None = Field(None, max_length=40, description="对象编号（与 model 同用）")
    action: str | None = Field(None, max_length=20, description="操作：submit、return、approve、reopen、publish、recognise、create、update、delete、import 等")
    who: str | None = Field(None, max_length=30, description="操作人姓名（包含）")
    unit: str | None = Field(None, max_length=100, description="单位代码或名称：只看其整个下级子树")
    since: str | None = Field(None, max_length=10, description="起始日期 YYYY-MM-DD（含）")
    until: str | None = Field(None, max_length=10, description="截止日期 YYYY-MM-DD（含）")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.get("/history", response=HistoryPage, summary="操作记录")
def history(request, filters: HistoryFilters = Query(...)):
    data = {k: v for k, v in filters.dict().items() if k not in ("limit", "offset") and v not in (None, "")}
    form = HistoryFilter(data, request.user)
    values = form.values()
    if form.errors:
        raise NinjaValidationError([{"loc": ["query", field], "msg": "；".join(messages), "type": "value_error"}
                                    for field, messages in form.errors.items()])
    rows = selectors_history.feed(request.user, values, form.unit if "unit" in values else None)
    items = selectors_history.entries(rows[filters.offset : filters.offset + filters.limit])
    for item in items:
        item["at"] = timezone.localtime(item["at"])
        item["at_text"] = selectors_history.format_datetime(item["at"])
    return {"items": items, "count": rows.count()}
