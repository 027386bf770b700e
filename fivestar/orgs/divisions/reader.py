"""Parse and validate the five division CSVs into plain rows and a list of errors a user can act on.

Row numbers are what Excel shows: the header is row 1, the first data row is row 2.
No database access here except through the `parent_exists` callback the caller passes in.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fivestar.core.text import clean_text
from fivestar.core.uploads import UploadRefused, refuse_binary_text

from .sources import FILE_NAMES, decode

MAX_ERRORS = 1000
NAME_MAX = 100


@dataclass(frozen=True)
class FileSpec:
    name: str
    level: int
    columns: tuple[str, ...]
    # Columns naming an ancestor, with the length of code prefix each must equal. The first is the parent.
    ancestors: tuple[tuple[str, int], ...]

    @property
    def code_length(self) -> int:
        return CODE_LENGTHS[self.level]

    @property
    def parent_column(self) -> str | None:
        return self.ancestors[0][0] if self.ancestors else None


CODE_LENGTHS = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}
LEVEL_LABELS = {1: "省", 2: "市", 3: "县（区）", 4: "乡镇（街道）", 5: "村（社区）"}

SPECS = (
    FileSpec("provinces.csv", 1, ("code", "name"), ()),
    FileSpec("cities.csv", 2, ("code", "name", "provinceCode"), (("provinceCode", 2),)),
    FileSpec("areas.csv", 3, ("code", "name", "cityCode", "provinceCode"), (("cityCode", 4), ("provinceCode", 2))),
    FileSpec(
        "streets.csv", 4, ("code", "name", "areaCode", "provinceCode", "cityCode"),
        (("areaCode", 6), ("provinceCode", 2), ("cityCode", 4)),
    ),
    FileSpec(
        "villages.csv", 5, ("code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"),
        (("streetCode", 9), ("provinceCode", 2), ("cityCode", 4), ("areaCode", 6)),
    ),
)
assert tuple(s.name for s in SPECS) == FILE_NAMES


@dataclass(frozen=True)
class RowError:
    file: str
    row: int | None  # None: the file as a whole
    column: str
    message: str

    def __str__(self):
        if not self.file:
            return self.message
        where = self.file
        if self.row:
            where += f" 第 {self.row} 行"
        if self.column:
            where += f"「{self.column}」列"
        return f"{where}：{self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: int
    file: str
    row: int

    @property
    def parent_code(self) -> str | None:
        return self.code[: CODE_LENGTHS[self.level - 1]] if self.level > 1 else None


@dataclass
class FileInfo:
    name: str
    encoding: str = ""
    rows: int = 0
    ok: bool = False  # header readable: its rows can serve as parents for the next level


@dataclass
class ReadResult:
    rows: list[DivisionRow] = field(default_factory=list)  # every valid row, by level
    files: list[FileInfo] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add(self, file: str, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(file, row, column, message))


def read_files(found: dict[str, bytes], parent_exists: Callable[[Iterable[str]], set[str]]) -> ReadResult:
    """Validate every file; `parent_exists(codes)` returns which of `codes` are already in the database."""
    result = ReadResult()
    codes_by_level: dict[int, set[str]] = {}
    pending_parents: list[DivisionRow] = []
    usable_levels: set[int] = set()
    for spec in SPECS:
        info = FileInfo(spec.name)
        result.files.append(info)
        data = found.get(spec.name)
        if data is None:
            result.add(spec.name, None, "", f"缺少文件 {spec.name}")
            continue
        rows, present = _read_file(spec, data, info, result)
        if info.ok:
            usable_levels.add(spec.level)
        # Codes present even on rows with other errors: their children should not also report a missing parent.
        codes_by_level[spec.level] = present
        for row in rows:
            parent = row.parent_code
            if parent is None or parent in codes_by_level.get(spec.level - 1, ()):
                result.rows.append(row)
            elif spec.level - 1 in usable_levels:
                pending_parents.append(row)
            # else: the parent file itself is unreadable; its error is enough, don't repeat it per row.
    if pending_parents:
        in_db = parent_exists({r.parent_code for r in pending_parents})
        parent_file = {s.level: s.name for s in SPECS}
        for row in pending_parents:
            if row.parent_code in in_db:
                result.rows.append(row)
            else:
                spec = SPECS[row.level - 1]
                result.add(
                    row.file, row.row, spec.parent_column,
                    f"上级单位 {row.parent_code} 不存在：{parent_file[row.level - 1]} 中没有该代码，系统中也没有",
                )
    result.rows.sort(key=lambda r: (r.level, r.code))
    return result


def _read_file(spec: FileSpec, data: bytes, info: FileInfo, result: ReadResult) -> tuple[list[DivisionRow], set[str]]:
    if not data.strip():
        result.add(spec.name, None, "", "文件为空（没有表头，也没有数据行）")
        return [], set()
    try:  # an .xlsx, .xls, zip, PDF or picture saved under a .csv name is named as such
        refuse_binary_text(data, spec.name, "CSV")
    except UploadRefused as exc:
        result.add(spec.name, None, "", str(exc))
        return [], set()
    decoded = decode(data)
    info.encoding = decoded.encoding
    if decoded.text is None:
        result.add(spec.name, None, "", decoded.error)
        return [], set()
    if "\x00" in decoded.text:
        result.add(spec.name, None, "", "文件含有空字节（\\0），不是文本 CSV 文件")
        return [], set()
    reader = csv.reader(io.StringIO(decoded.text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        result.add(spec.name, 1, "", f"无法读取表头：{exc}")
        return [], set()
    index = _check_header(spec, [h.strip() for h in header], result)
    if index is None:
        return [], set()
    info.ok = True
    if any(_has_break(cell) for cell in header):
        result.add(spec.name, 1, "", _break_message(1, reader.line_num))
        info.ok = False
        return [], set()
    rows: list[DivisionRow] = []
    seen: dict[str, int] = {}
    line = reader.line_num + 1  # the physical line a record starts on (a quoted field may span lines)
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not record or all(not cell.strip() for cell in record):
                continue
            info.rows += 1
            if any(_has_break(cell) for cell in record):
                # An unclosed quote swallows every following line into one field: refuse, never merge.
                result.add(spec.name, start, "", _break_message(start, reader.line_num))
                continue
            row = _check_row(spec, start, record, len(header), index, seen, result)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        result.add(spec.name, line, "", f"CSV 格式错误：{exc}")
    if info.rows == 0:
        result.add(spec.name, None, "", "文件只有表头，没有数据行")
    return rows, set(seen)


def _has_break(cell: str) -> bool:
    return "\n" in cell or "\r" in cell


def _break_message(start: int, end: int) -> str:
    span = f"第 {start}–{end} 行被读成了同一行" if end > start else "该行"
    return (
        f"英文双引号（\"）未闭合，或字段内含有换行：{span}。"
        "请检查该行的引号是否成对，名称等字段不能跨行"
    )


def _check_header(spec: FileSpec, header: list[str], result: ReadResult) -> dict[str, int] | None:
    ok = True
    positions: dict[str, int] = {}
    for i, column in enumerate(header):
        if column in positions:
            result.add(spec.name, 1, column, f"表头中列“{column}”重复")
            ok = False
        positions.setdefault(column, i)
    missing = [c for c in spec.columns if c not in positions]
    extra = [c for c in header if c not in spec.columns]
    expected = ",".join(spec.columns)
    for column in missing:
        result.add(spec.name, 1, column, f"缺少列“{column}”（{spec.name} 的表头应为 {expected}）")
    for column in extra:
        label = column or f"第 {header.index(column) + 1} 列"
        result.add(spec.name, 1, label, f"多余的列“{label}”（{spec.name} 的表头应为 {expected}）")
    if missing or extra or not ok:
        return None
    return positions


def _check_row(spec, line, record, width, index, seen, result) -> DivisionRow | None:
    if len(record) != width:
        result.add(spec.name, line, "", f"本行有 {len(record)} 列，表头有 {width} 列（名称中的逗号需用英文双引号括起）")
        return None
    code = record[index["code"]].strip()
    # A zero-width space or a bidi override would make two identical-looking names differ.
    name = clean_text(record[index["name"]], multiline=False).strip()
    length = spec.code_length
    if not code:
        result.add(spec.name, line, "code", "代码为空")
        return None
    if not (code.isascii() and code.isdigit()):
        hint = "（Excel 可能把长数字显示成了科学计数法，请把该列设为“文本”格式）" if "E" in code.upper() else ""
        result.add(spec.name, line, "code", f"代码“{code}”不是纯数字{hint}")
        return None
    if len(code) != length:
        result.add(
            spec.name, line, "code",
            f"代码“{code}”长度为 {len(code)} 位，{LEVEL_LABELS[spec.level]}级代码应为 {length} 位",
        )
        return None
    ok = True
    if not name:
        result.add(spec.name, line, "name", f"代码 {code} 的名称为空")
        ok = False
    elif len(name) > NAME_MAX:
        result.add(spec.name, line, "name", f"名称超过 {NAME_MAX} 个字符")
        ok = False
    for column, prefix_length in spec.ancestors:
        value = record[index[column]].strip()
        expected = code[:prefix_length]
        if value != expected:
            got = f"“{value}”" if value else "空"
            result.add(spec.name, line, column, f"应为 {expected}（代码 {code} 的前 {prefix_length} 位），实际为{got}")
            ok = False
    if code in seen:
        result.add(spec.name, line, "code", f"代码 {code} 重复（与第 {seen[code]} 行相同）")
        return None
    seen[code] = line
    return DivisionRow(code, name, spec.level, spec.name, line) if ok else None


def select_under(rows: list[DivisionRow], under: str) -> list[DivisionRow]:
    """The subtree of `under` plus its ancestors, so every selected unit's path is complete."""
    return [r for r in rows if r.code.startswith(under) or under.startswith(r.code)]
