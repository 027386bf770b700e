"""The problem ledger (问题台账): one row per problem with the date of every state it reached.

Written for a town, a county or a province in bounded memory: the problems are read as plain values in
chunks (`.values().iterator(chunk_size)`, the last rectification measures and the rejection count as
subqueries of the same query, never a query per row) and written row by row into a write-only workbook
saved to a temporary file that the response streams.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from fivestar.core.xlsx import append_row, safe_cell, save_to_tempfile, write_only_workbook

from ..models import Problem, Rectification
from ..models.problem import ProblemStatus, Severity
from .names import FrameworkNames

SHEET = "督导问题台账"
CHUNK = 2000
ESCALATION_STEPS = {0: "未升级", 1: "包村干部", 2: "包片领导", 3: "镇级管理员"}
STATUS_NAMES = dict(ProblemStatus.choices)
SEVERITY_NAMES = dict(Severity.choices)

# (header, width)
COLUMNS = [
    ("序号", 7),
    ("县（区）", 12),
    ("乡镇（街道）", 14),
    ("村（社区）", 16),
    ("村（社区）代码", 15),
    ("督导组", 16),
    ("所涉星", 12),
    ("所涉细则", 36),
    ("问题描述", 44),
    ("严重程度", 9),
    ("整改责任人", 11),
    ("整改期限", 12),
    ("状态", 9),
    ("是否逾期", 9),
    ("逾期升级", 11),
    ("发现日期", 12),
    ("开始整改", 17),
    ("提交复查", 17),
    ("销号时间", 17),
    ("销号人", 10),
    ("退回次数", 9),
    ("最近整改措施", 44),
]
HEADERS = [header for header, _ in COLUMNS]

FIELDS = (
    "pk", "org_unit__code", "org_unit__display_name", "org_unit__branch_type", "org_unit__parent__display_name",
    "org_unit__parent__parent__display_name", "team__name", "star_code", "rule_code", "description", "severity",
    "responsible__name", "deadline", "status", "escalation_step", "found_on", "rectifying_at",
    "submitted_at", "closed_at", "closed_by__person__name", "closed_by__username", "last_measures", "rejections",
)


def ledger_values(problems) -> Iterator[dict]:
    """The rows of `problems` (an already scoped and filtered queryset) as dicts, read in chunks, grouped by
    village and in the order they were found."""
    last = Rectification.objects.filter(problem=OuterRef("pk")).order_by("-submitted_at", "-pk").values("measures")[:1]
    rejected = (Rectification.objects.filter(problem=OuterRef("pk"), outcome=Rectification.Outcome.REJECTED)
                .order_by().values("problem").annotate(n=Count("pk")).values("n"))
    qs = (problems.select_related(None).prefetch_related(None)
          .annotate(last_measures=Subquery(last),
                    rejections=Coalesce(Subquery(rejected, output_field=IntegerField()), Value(0)))
          .order_by("org_unit__path", "found_on", "pk")
          .values(*FIELDS))
    return qs.iterator(chunk_size=CHUNK)


def _local(value):
    """A stored (aware) time as Asia/Shanghai wall-clock time, which is what Excel can hold."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def overdue_words(row: dict, today: datetime.date) -> str:
    """是 for an open problem past its deadline (as the list's 逾期 filter reads it), 逾期完成 for one signed off
    after its deadline, else 否."""
    if row["status"] != ProblemStatus.CLOSED:
        return "是" if row["deadline"] < today else "否"
    closed = row["closed_at"]
    return "逾期完成" if closed is not None and timezone.localtime(closed).date() > row["deadline"] else "否"


def ledger_cells(row: dict, number: int, names: FrameworkNames, today: datetime.date) -> list:
    closed_by = row["closed_by__person__name"] or row["closed_by__username"] or ""
    return [
        number,
        row["org_unit__parent__parent__display_name"] or "",
        row["org_unit__parent__display_name"] or "",
        row["org_unit__display_name"],
        row["org_unit__code"],
        row["team__name"] or "",
        names.star(row["star_code"]),
        names.rule(row["org_unit__branch_type"], row["rule_code"]),
        row["description"],
        SEVERITY_NAMES.get(row["severity"], row["severity"]),
        row["responsible__name"] or "",
        row["deadline"],
        STATUS_NAMES.get(row["status"], row["status"]),
        overdue_words(row, today),
        ESCALATION_STEPS.get(row["escalation_step"], str(row["escalation_step"])),
        row["found_on"],
        _local(row["rectifying_at"]),
        _local(row["submitted_at"]),
        _local(row["closed_at"]),
        closed_by if row["closed_at"] else "",
        row["rejections"] or 0,
        row["last_measures"] or "",
    ]


def write_ledger(rows: Iterable[dict], title: str, names: FrameworkNames | None = None, today: datetime.date | None = None):
    """The ledger as a rewound temporary file (the caller closes it): a title line, the header row, then one
    row per problem as it comes."""
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
    # Rows as plain values: openpyxl gives dates and times their formats, `append_row` keeps formula-like text as
    # text. A styled cell per value would double the time a county's ledger takes.
    for number, row in enumerate(rows, start=1):
        append_row(ws, ledger_cells(row, number, names, today))
    return save_to_tempfile(wb)


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def ledger_title(scope_name: str, today: datetime.date) -> str:
    return f"{scope_name}督导问题台账（截至{cn_date(today)}）"
