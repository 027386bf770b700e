"""Excel, the format county officials edit: `export` writes a styled workbook, `import_workbook` reads it back.

Reading reports every problem with file, sheet, row and column (Chinese); the engine's validation
errors are mapped back onto the cells they came from (see `problems.Source`).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from fivestar.core.xlsx import save_workbook

from . import excel_layout as L
from . import labels
from .canonical import canonical
from .engine import KNOWN_INDICATORS
from .excel_read import read_source
from .problems import Problem

HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")


def import_workbook(content: bytes, filename: str = "framework.xlsx") -> tuple[dict | None, list[Problem]]:
    """(data, problems): the YAML-shaped data read from the workbook and every problem found (empty when valid)."""
    source = read_source(content, filename)
    return source.data, source.validate()


def export(data: dict) -> bytes:
    """A workbook with the instructions, 基本信息, 星, 标准 and 细则 sheets; reads back to the same data."""
    data = canonical(data)
    wb = Workbook()
    _help_sheet(wb.active)
    _info_sheet(wb.create_sheet(L.INFO), data)
    stars = data.get("stars") or []
    star_rows = [_star_row(s) for s in stars]
    standards = [(s, sd) for s in stars for sd in s.get("standards") or []]
    standard_rows = [(s.get("code"), sd.get("code"), sd.get("name")) for s, sd in standards]
    rule_rows = [_rule_row(sd.get("code"), r) for _, sd in standards for r in sd.get("rules") or []]
    _table(wb.create_sheet(L.STARS), L.STAR_COLUMNS, star_rows)
    _table(wb.create_sheet(L.STANDARDS), L.STANDARD_COLUMNS, standard_rows)
    rules = wb.create_sheet(L.RULES)
    _table(rules, L.RULE_COLUMNS, rule_rows)
    _rule_validations(rules, len(rule_rows))
    return save_workbook(wb)


def _put(ws, row: int, column: int, value):
    return ws.cell(row=row, column=column, value=value)  # save_workbook keeps formula-like text as text


def _header(ws, headers, widths=None) -> None:
    for col, title in enumerate(headers, start=1):
        cell = _put(ws, 1, col, title)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if widths:
            ws.column_dimensions[get_column_letter(col)].width = widths[col - 1]
    ws.freeze_panes = "A2"


def _table(ws, columns, rows) -> None:
    _header(ws, [c[1] for c in columns], [c[2] for c in columns])
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            cell = _put(ws, r, c, value)
            if isinstance(value, str) and len(value) > 20:
                cell.alignment = WRAP


def _help_sheet(ws) -> None:
    ws.title = L.HELP
    ws.column_dimensions["A"].width = 120
    for row, (text, style) in enumerate(L.HELP_LINES, start=1):
        cell = _put(ws, row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if style == "title":
            cell.font = Font(bold=True, size=14, color="B71C1C")
        elif style == "head":
            cell.font = Font(bold=True)


def _info_sheet(ws, data: dict) -> None:
    _header(ws, L.INFO_HEADERS, [14, 50, 60])
    for row, (key, label, hint) in enumerate(L.INFO_ROWS, start=2):
        value = data.get(key)
        if key == "branch_type":
            value = labels.branch_type_word(value)
        _put(ws, row, 1, label).font = Font(bold=True)
        _put(ws, row, 2, "" if value is None else str(value))
        _put(ws, row, 3, hint).font = Font(color="777777")
    branch_row = 2 + [k for k, *_ in L.INFO_ROWS].index("branch_type")
    _dropdown(ws, ["农村", "社区"], f"B{branch_row}")


def _star_row(star: dict) -> tuple:
    return (
        star.get("code"), star.get("name"), star.get("order"), star.get("pass_ratio"), star.get("pass_score"),
        "、".join(star.get("requires") or []),
    )


def _rule_row(standard_code: str, rule: dict) -> tuple:
    ev = rule.get("evidence") or {}
    return (
        standard_code, rule.get("code"), rule.get("text"), labels.kind_word(rule.get("kind")), rule.get("max"),
        rule.get("per_occurrence"), labels.thresholds_text(rule.get("thresholds")) or None, rule.get("unit"),
        labels.indicator_word(rule.get("indicator")) or None,
        labels.yes_no(rule.get("required")), labels.yes_no(rule.get("veto")), labels.yes_no(rule.get("na_allowed")),
        rule.get("pass_mark"), labels.evidence_text(ev.get("kinds")) or None, ev.get("min_count"), ev.get("hint"),
    )


def _dropdown(ws, choices, cells: str) -> None:
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
    dv.error, dv.errorTitle, dv.showErrorMessage = "请从下拉列表中选择", "取值无效", True
    ws.add_data_validation(dv)
    dv.add(cells)


def _rule_validations(ws, count: int) -> None:
    last = max(count + 500, 1000)
    headers = [c[1] for c in L.RULE_COLUMNS]

    def col(header: str) -> str:
        return get_column_letter(headers.index(header) + 1)

    _dropdown(ws, L.KIND_CHOICES, f"{col('类型')}2:{col('类型')}{last}")
    for header in L.FLAG_HEADERS:
        _dropdown(ws, [labels.YES, labels.NO], f"{col(header)}2:{col(header)}{last}")
    _dropdown(ws, [name for name, _ in KNOWN_INDICATORS.values()], f"{col('关联指标')}2:{col('关联指标')}{last}")
