"""The collective-income workbook: the template people fill in, and reading it back cell by cell.

No database here: `read_workbook` returns raw rows and file-level problems; `import_services`
checks the rows against the user's scope.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from fivestar.core.uploads import UploadRefused, read_upload
from fivestar.core.xlsx import append_row, open_workbook, safe_cell, save_to_tempfile, write_only_workbook

SHEET = "集体经济收入"
MAX_ROWS = 10000
MAX_CELL_CHARS = 1000  # codes, names, amounts and a 200-character note: anything longer is not this template

# (key, header, required column, width)
COLUMNS = [
    ("code", "村（社区）代码", True, 16),
    ("name", "村（社区）名称", False, 18),
    ("year", "年度", True, 8),
    ("operating", "经营性收入（元）", True, 18),
    ("other", "其他收入（元）", False, 16),
    ("note", "备注", False, 30),
]
HEADERS = {key: header for key, header, _, _ in COLUMNS}
ALIASES = {
    "code": ["村（社区）代码", "村社区代码", "村代码", "单位代码", "代码", "统计用区划代码"],
    "name": ["村（社区）名称", "村社区名称", "村名称", "单位名称", "名称", "村名"],
    "year": ["年度", "年份"],
    "operating": ["经营性收入（元）", "经营性收入"],
    "other": ["其他收入（元）", "其他收入"],
    "note": ["备注", "说明"],
}
INSTRUCTIONS = [
    "填写说明",
    "1. 每行填写一个村（社区）一个年度的村集体经济收入，金额单位为“元”（不是万元），不能为负数。",
    "2. “村（社区）代码”为 12 位统计用区划代码，只能填写您管辖范围内的村（社区）；“村（社区）名称”可不填，填写时须与代码一致。",
    "3. “经营性收入（元）”必填（没有填 0）；“其他收入（元）”不填按 0 计；合计由系统自动计算。",
    "4. 经营性收入、其他收入和备注都为空的行会被跳过；同一村同一年度只能出现一次。",
    "5. 导入前系统逐行校验，只要有一处错误，全部不导入，请按提示修改后重新上传。",
    "6. 已有记录的村（社区）和年度将被更新，修改记录可在该村的“收入历史”中查看。",
]


@dataclass
class Problem:
    """One thing wrong with the upload; `row` 0 and empty `column` mean the whole file or sheet."""

    message: str
    sheet: str = ""
    row: int = 0
    column: str = ""
    letter: str = ""

    @property
    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.letter}列「{self.column}」" if self.letter else f"「{self.column}」列")
        return "，".join(parts)

    def __str__(self):
        return f"{self.where}：{self.message}" if self.where else self.message


@dataclass
class RawRow:
    number: int  # the Excel row number (the header is row 1)
    values: dict
    letters: dict = field(default_factory=dict)


@dataclass
class Sheet:
    name: str = ""
    rows: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    letters: dict = field(default_factory=dict)
    skipped: int = 0  # rows with a village but no income, note or other income (a template's untouched rows)


def write_template(rows: Iterable[dict], year: int):
    """The template as a temporary file (rewound; the caller closes it): header row, one row per given
    village (values pre-filled) and instructions. Rows are written as they come (a write-only workbook),
    so a province's 52,378 villages take the memory of one row, not of the sheet."""
    wb = write_only_workbook()
    ws = wb.create_sheet(SHEET)
    bold, fill, centre = Font(bold=True), PatternFill("solid", fgColor="FDECEA"), Alignment(horizontal="center")
    for col, (_, _, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    append_row(ws, [safe_cell(ws, header, font=bold, alignment=centre, **({"fill": fill} if required else {}))
                    for _, header, required, _ in COLUMNS])
    for data in rows:
        amounts = [data.get(key) for key in ("operating", "other")]
        append_row(ws, [
            safe_cell(ws, data["code"], number_format="@"),
            data.get("name", ""),
            data.get("year", year),
            *(safe_cell(ws, float(value) if value is not None else None, number_format="#,##0.00") for value in amounts),
            data.get("note") or None,
        ])
    help_ws = wb.create_sheet("填写说明")
    help_ws.column_dimensions["A"].width = 110
    for r, line in enumerate(INSTRUCTIONS, start=1):
        append_row(help_ws, [safe_cell(help_ws, line, font=bold) if r == 1 else line])
    return save_to_tempfile(wb)


def build_template(rows: Iterable[dict], year: int) -> bytes:
    """`write_template` as bytes (small templates, tests)."""
    with write_template(rows, year) as fh:
        return fh.read()


def _norm(text) -> str:
    text = "" if text is None else str(text)
    text = text.replace("(", "（").replace(")", "）")
    return "".join(text.split()).replace("*", "")


def _blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def _header_map(header_cells) -> dict[str, int]:
    wanted = {_norm(alias): key for key, aliases in ALIASES.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, value in enumerate(header_cells):
        key = wanted.get(_norm(value))
        if key and key not in found:
            found[key] = index
    return found


def read_workbook(fileobj) -> Sheet:
    """Rows of the income sheet (named 集体经济收入, else the first), skipping blank lines."""
    sheet = Sheet()
    try:
        data = read_upload(fileobj)
        wb = open_workbook(data, getattr(fileobj, "name", ""), max_cell_chars=MAX_CELL_CHARS, max_columns=50)
    except UploadRefused as exc:  # wrong kind, empty, damaged, or over the limits: nothing is read
        sheet.problems.append(Problem(str(exc)))
        return sheet
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        sheet.name = ws.title
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        columns = _header_map(header or ())
        missing = [HEADERS[key] for key, _, required, _ in COLUMNS if required and key not in columns]
        if missing:
            for name in missing:
                sheet.problems.append(Problem(f"缺少必填列「{name}」，请使用模板的表头。", sheet.name, 1, name))
            return sheet
        sheet.letters = {key: get_column_letter(index + 1) for key, index in columns.items()}
        for number, cells in enumerate(rows, start=2):
            values = {key: (cells[index] if index < len(cells) else None) for key, index in columns.items()}
            if all(_blank(v) for v in values.values()):
                continue
            if all(_blank(values.get(key)) for key in ("operating", "other", "note")):
                sheet.skipped += 1  # a province's template has 52,378 such rows: only filled rows count
                continue
            if len(sheet.rows) >= MAX_ROWS:
                sheet.problems.append(Problem(f"填写了收入的数据超过 {MAX_ROWS} 行，请拆分后分批导入（只填写了代码和名称的行不计）。", sheet.name, number))
                break
            sheet.rows.append(RawRow(number, values, sheet.letters))
        if not sheet.rows and not sheet.problems and not sheet.skipped:
            sheet.problems.append(Problem("没有可导入的数据行。", sheet.name))
    finally:
        wb.close()
    return sheet
