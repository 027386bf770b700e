"""The creation ledger (创建台账) as xlsx, in the layout officials use: 乡镇、村（社区）、所属星、任务、责任人、
完成时限、状态、完成日期, plus 来源 and 逾期. The same scope and filters as the ledger list (?unit= / ?area=,
?year=, ?status=, ?star=, ?overdue=, ?responsible=, ?source=, ?q=); out-of-scope units and areas are 404.

Bounded memory: the tasks are read as plain values in chunks (`.values().iterator(chunk_size)`), never a query per
row, and written row by row into a write-only workbook saved to a temporary file that the response streams.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.utils import timezone
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from fivestar.core.xlsx import append_row, safe_cell, save_to_tempfile, write_only_workbook
from fivestar.supervision.exports.names import FrameworkNames
from fivestar.supervision.exports.views import XLSX, attachment

from . import ledger_scope as scopes
from .models.ledger import OPEN_TASK_STATUSES, TaskSource, TaskStatus
from .selectors import tasks_for
from .views_common import year_of

SHEET = "创建台账"
CHUNK = 2000
STATUS_NAMES = dict(TaskStatus.choices)
SOURCE_NAMES = dict(TaskSource.choices)
TRUE = {"1", "on", "true", "yes"}

COLUMNS = [("序号", 7), ("乡镇", 14), ("村（社区）", 16), ("所属星", 12), ("任务", 48), ("责任人", 11),
           ("完成时限", 12), ("状态", 9), ("完成日期", 12), ("来源", 10), ("逾期", 9)]
HEADERS = [h for h, _ in COLUMNS]
FIELDS = ("pk", "org_unit__display_name", "org_unit__parent__display_name", "star_code", "title", "responsible__name",
          "deadline", "status", "completed_on", "source")


def _one(params, name: str, limit: int = 60) -> str:
    value = params.get(name, "")
    return str(value if value is not None else "").strip()[:limit]


def filters(params) -> dict:
    """The list's filters from a query string (junk is ignored, as on the list page)."""
    status = _one(params, "status", 10)
    responsible = _one(params, "responsible", 19)
    source = _one(params, "source", 10)
    return {
        "status": status if status in ("", "all", *TaskStatus.values) else "",
        "star": _one(params, "star", 10) or None,
        "overdue": True if _one(params, "overdue", 5).lower() in TRUE else None,
        "responsible": int(responsible) if responsible.isdigit() and 0 < int(responsible) < 2**63 else None,
        "source": source if source in TaskSource.values else None,
        "q": _one(params, "q") or None,
    }


def ledger_query(user, params, today: datetime.date | None = None):
    """(scope, the scoped and filtered tasks) for a query string: what the ledger list shows."""
    year = year_of(params)
    scope = scopes.resolve(user, params, year)
    f = filters(params)
    status = f.pop("status")
    qs = tasks_for(user, unit=scope.unit, area=scope.area, year=year,
                   status=list(OPEN_TASK_STATUSES) if status == "" else None if status == "all" else status,
                   today=today, **f)
    return scope, qs


def ledger_values(tasks) -> Iterator[dict]:
    """The rows of `tasks` (already scoped and filtered) as dicts, read in chunks, grouped by village."""
    return (tasks.select_related(None).order_by("org_unit__path", "deadline", "pk").values(*FIELDS)
            .iterator(chunk_size=CHUNK))


def overdue_words(row: dict, today: datetime.date) -> str:
    """是 for an open task past its deadline, 逾期完成 for one completed after it, else 否."""
    if row["status"] in OPEN_TASK_STATUSES:
        return "是" if row["deadline"] < today else "否"
    done = row["completed_on"]
    return "逾期完成" if row["status"] == TaskStatus.DONE and done is not None and done > row["deadline"] else "否"


def ledger_cells(row: dict, number: int, names: FrameworkNames, today: datetime.date) -> list:
    return [number, row["org_unit__parent__display_name"] or "", row["org_unit__display_name"], names.star(row["star_code"]),
            row["title"], row["responsible__name"] or "", row["deadline"], STATUS_NAMES.get(row["status"], row["status"]),
            row["completed_on"], SOURCE_NAMES.get(row["source"], row["source"]), overdue_words(row, today)]


def write_ledger(rows: Iterable[dict], title: str, names: FrameworkNames | None = None, today: datetime.date | None = None):
    """The ledger as a rewound temporary file (the caller closes it): a title line, the header, one row per task."""
    names = names or FrameworkNames()
    today = today or timezone.localdate()
    wb = write_only_workbook()
    ws = wb.create_sheet(SHEET)
    for col, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center")
    append_row(ws, [safe_cell(ws, title, font=Font(bold=True, size=14))])
    append_row(ws, [safe_cell(ws, header, font=bold, alignment=centre) for header in HEADERS])
    for number, row in enumerate(rows, start=1):
        append_row(ws, ledger_cells(row, number, names, today))
    return save_to_tempfile(wb)


def ledger_title(scope, today: datetime.date) -> str:
    return f"{scope.label}{scope.year}年度创建台账（截至{today.year}年{today.month}月{today.day}日）"


def ledger_response(user, params) -> FileResponse:
    today = timezone.localdate()
    scope, tasks = ledger_query(user, params, today)
    response = FileResponse(write_ledger(ledger_values(tasks), ledger_title(scope, today), today=today), content_type=XLSX)
    response["Content-Disposition"] = attachment(f"creation-ledger-{scope.year}-{today}.xlsx",
                                                 f"创建台账-{scope.label}-{scope.year}-{today}.xlsx")
    return response


@login_required
def ledger_export(request):
    """/planning/ledger/export.xlsx?<the list's query string>"""
    return ledger_response(request.user, request.GET)
