"""操作记录 as an Excel file (导出 Excel on the history page, GET /api/v1/audit/events.xlsx): every entry the user's
feed holds for the same filters, in the page's words (who by name and post, the action, the object, the unit, the
changes), newest first.

Bounded memory whatever the county: the feed is read with a database iterator CHUNK rows at a time, each chunk is
filled in with names in the fixed number of queries of one history page (selectors_history.entries), and written row
by row to a write-only workbook, each text cell neutralised as it is written (a village named "=HYPERLINK(…)" stays
text), saved to a temporary file that the response streams. At most settings.AUDIT_EXPORT_MAX_ROWS rows; beyond them
the file says so in its last row."""

import datetime
import itertools

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from openpyxl.styles import Alignment, Font

from . import selectors_history
from .selectors_history import HistoryFilter, format_datetime
from .xlsx import append_row, safe_cell, save_to_tempfile, write_only_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 500
HEADER = ["时间", "操作人", "操作", "对象", "所属单位", "单位代码", "变更内容", "说明", "理由", "来源", "记录编号"]
WIDTHS = [18, 22, 14, 40, 22, 16, 60, 30, 30, 10, 10]
SOURCES = {"audit": "数据变更", "workflow": "评星流程"}


def max_rows() -> int:
    return int(getattr(settings, "AUDIT_EXPORT_MAX_ROWS", 100_000))


def describe(filters: HistoryFilter, values: dict) -> str:
    """The filters in words, for the file's second row: what this export is of."""
    parts = []
    for name, value in values.items():
        field = filters.fields[name]
        if name in ("model", "action"):
            value = dict(field.choices).get(value, value)
        elif isinstance(value, datetime.date):
            value = f"{value:%Y-%m-%d}"
        parts.append(f"{field.label}：{value}")
    return "筛选条件：" + ("；".join(parts) if parts else "无（全部记录）")


def _changes(entry: dict) -> str:
    lines = []
    for c in entry["changes"]:
        new = c["new"] or "（空）"
        lines.append(f"{c['label']}：{c['old']} → {new}" if c["old"] else f"{c['label']}：{new}")
    return "\n".join(lines)


def _local(value):
    """A naive local time: Excel has no time zones, and the page shows Beijing time."""
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def entries(user, values: dict, unit=None, limit: int | None = None):
    """The user's feed for `values`, as readable entries, CHUNK at a time (the fixed queries of `entries` per chunk)."""
    rows = selectors_history.feed(user, values, unit)
    if limit is not None:
        rows = rows[:limit]
    iterator = rows.iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        yield from selectors_history.entries(chunk)


def workbook(user, filters: HistoryFilter, values: dict, unit=None):
    """The export as a rewound temporary file (closed, and gone, when the response is sent)."""
    wb = write_only_workbook()
    ws = wb.create_sheet("操作记录")
    for index, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    now = timezone.now()
    bold = Font(bold=True)
    append_row(ws, [safe_cell(ws, f"操作记录（导出时间：{format_datetime(now)}）", font=Font(bold=True, size=14))])
    append_row(ws, [describe(filters, values)])
    append_row(ws, [safe_cell(ws, title, font=bold) for title in HEADER])
    limit = max_rows()
    written = 0
    wrap = Alignment(wrap_text=True, vertical="top")
    for entry in entries(user, values, unit, limit=limit + 1):
        if written == limit:
            append_row(ws, [f"仅导出了前 {limit} 条记录，请缩小时间范围或增加筛选条件后分批导出。"])
            break
        append_row(ws, [
            safe_cell(ws, _local(entry["at"]), number_format="yyyy-mm-dd hh:mm:ss"), entry["actor"], entry["action"],
            entry["subject"], entry["unit"], entry["unit_code"], safe_cell(ws, _changes(entry), alignment=wrap),
            entry["summary"], entry["reason"], SOURCES.get(entry["source"], entry["source"]), entry["id"],
        ])
        written += 1
    return save_to_tempfile(wb)


def response(user, filters: HistoryFilter, values: dict, unit=None) -> FileResponse:
    stamp = f"{timezone.localtime():%Y%m%d-%H%M}"
    return FileResponse(workbook(user, filters, values, unit), as_attachment=True, filename=f"操作记录-{stamp}.xlsx",
                        content_type=XLSX)
