"""Reading an uploaded people/responsibility workbook into plain rows; file-level problems become one
Chinese message (`WorkbookError`), header problems become row errors."""

from dataclasses import dataclass

from django.conf import settings

from fivestar.core.uploads import UploadRefused, read_upload
from fivestar.core.xlsx import open_workbook
from fivestar.people.rules import text

from .people_template import DUTY_COLUMNS, DUTY_SHEET, PEOPLE_COLUMNS, PEOPLE_SHEET, REQUIRED

MAX_ROWS = 20000
MAX_CELL_CHARS = 2000  # the longest real cell is a list of household heads; names and codes are far shorter
CORRUPT = "文件已损坏或不是有效的 Excel（.xlsx）文件，无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"


class WorkbookError(Exception):
    """The file as a whole cannot be read."""


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    number: int  # the row number shown in Excel
    values: dict  # header → raw cell value


def _open(upload):
    """A read-only workbook, after the file's kind, size and contents have been checked (see core.xlsx)."""
    try:
        data = read_upload(upload, settings.IMPORT_MAX_BYTES)
        return open_workbook(data, getattr(upload, "name", ""), max_cell_chars=MAX_CELL_CHARS, max_columns=50)
    except UploadRefused as exc:
        raise WorkbookError(str(exc)) from None


def _read_sheet(ws, sheet: str, columns: list[str], errors: list[RowError]) -> list[Row]:
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions = {}
    for index, title in enumerate(header):
        title = text(title)
        if title in columns and title not in positions:
            positions[title] = index
    missing = [c for c in columns if c not in positions and c in REQUIRED]
    for title in missing:
        errors.append(RowError(sheet, 1, title, f"缺少表头「{title}」，请使用本系统提供的模板"))
    if missing:
        return []
    result = []
    for number, cells in enumerate(rows, start=2):
        values = {title: (cells[i] if i < len(cells) else None) for title, i in positions.items()}
        if all(text(v) == "" for v in values.values()):
            continue
        if len(result) >= MAX_ROWS:
            errors.append(RowError(sheet, number, "", f"单个工作表最多导入 {MAX_ROWS} 行，请拆分文件"))
            break
        result.append(Row(number, values))
    return result


def read_workbook(upload) -> tuple[list[Row], list[Row], list[RowError]]:
    """(people rows, responsibility rows, header errors) from an uploaded .xlsx."""
    wb = _open(upload)
    try:
        if PEOPLE_SHEET not in wb.sheetnames and DUTY_SHEET not in wb.sheetnames:
            raise WorkbookError(f"未找到「{PEOPLE_SHEET}」或「{DUTY_SHEET}」工作表，请使用本系统提供的模板。")
        errors: list[RowError] = []
        try:
            people = _read_sheet(wb[PEOPLE_SHEET], PEOPLE_SHEET, PEOPLE_COLUMNS, errors) if PEOPLE_SHEET in wb.sheetnames else []
            duties = _read_sheet(wb[DUTY_SHEET], DUTY_SHEET, DUTY_COLUMNS, errors) if DUTY_SHEET in wb.sheetnames else []
        except WorkbookError:
            raise
        except Exception:
            raise WorkbookError(CORRUPT) from None
    finally:
        wb.close()
    if not errors and not people and not duties:
        raise WorkbookError("文件中没有可导入的数据行（「人员」和「责任分工」工作表都是空的）。")
    return people, duties, errors
