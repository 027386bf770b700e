"""Excel files from strangers, and Excel files we hand out.

Reading: `open_workbook` (or `check_xlsx` for the checks alone) inspects the zip before openpyxl sees
it — sizes, member count, compression ratio, paths, encryption — then streams every worksheet and the
shared strings through expat, counting characters without keeping them, so a cell longer than the limit,
a sheet with too many rows or columns (declared or real), or a DTD is refused before anything large is
built. Only then is the workbook opened, read-only. A 500 KB file that unpacks to a 180-million-character
cell is refused in a few milliseconds and a few kilobytes of memory. Messages quote only an excerpt. The rows
an importer reads come out with their text cleaned of invisible characters, like a form post.

Writing: `save_workbook` turns every text cell that a spreadsheet could run as a formula (starting with
= + - @, a tab or a line break) into plain text, so a village named "=HYPERLINK(…)" comes back as text.
A large export is written row by row to a write-only workbook (`write_only_workbook`, `append_row`, which
neutralises each cell as it is written, since a write-only sheet keeps no cells to fix afterwards) and
saved to a temporary file (`save_to_tempfile`) that a FileResponse streams: memory stays bounded however
many rows there are.
"""

from __future__ import annotations

import io
import posixpath
import re
import tempfile
import zipfile
from xml.parsers import expat

from django.conf import settings

from .text import clean_text, excerpt
from .uploads import UploadRefused, display_name, require_xlsx

EXCEL_MAX_CELL_CHARS = 32767  # Excel's own limit for one cell
CHUNK = 64 * 1024
SMALL_MEMBER = 1024 * 1024  # below this a high compression ratio is harmless

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d{1,8})$")


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def limits() -> dict:
    """The limits in force (settings, with defaults)."""
    return {
        "total": _setting("XLSX_MAX_UNCOMPRESSED_BYTES", 30 * 1024 * 1024),
        "part": _setting("XLSX_MAX_PART_BYTES", 5 * 1024 * 1024),
        "ratio": _setting("XLSX_MAX_COMPRESSION_RATIO", 200),
        "members": _setting("XLSX_MAX_MEMBERS", 500),
        "depth": _setting("XLSX_MAX_PATH_DEPTH", 6),
        "cell": _setting("XLSX_MAX_CELL_CHARS", EXCEL_MAX_CELL_CHARS),
        "rows": _setting("XLSX_MAX_ROWS", 100_000),
        "columns": _setting("XLSX_MAX_COLUMNS", 200),
    }


class XlsxRefused(UploadRefused):
    """The workbook is refused before it is opened; the message is Chinese and names the file."""


class _Stop(Exception):
    """Internal: stop scanning a part early."""


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _split_ref(ref: str) -> tuple[int, int] | None:
    m = _CELL_REF.match(ref or "")
    return (int(m.group(2)), _column_index(m.group(1))) if m else None


def _mb(n: int) -> str:
    return f"{n / 1048576:.0f} MB" if n >= 1048576 else f"{n / 1024:.0f} KB"


# -- the zip --------------------------------------------------------------------------------------


def _check_zip(archive: zipfile.ZipFile, name: str, lim: dict) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > lim["members"]:
        raise XlsxRefused(f"文件「{name}」包含 {len(infos)} 个内部文件，超过上限 {lim['members']} 个，不像是正常的 Excel 文件，已拒绝。")
    total = 0
    for info in infos:
        path = info.filename
        parts = path.replace("\\", "/").split("/")
        if (path.startswith(("/", "\\")) or "\\" in path or ".." in parts or ":" in parts[0]
                or len([p for p in parts if p]) > lim["depth"]):
            raise XlsxRefused(f"文件「{name}」内部含有异常路径「{excerpt(path)}」，不是正常的 Excel 文件，已拒绝。")
        if info.flag_bits & 0x1:
            raise XlsxRefused(f"文件「{name}」已加密（设置了打开密码），请取消密码后另存为 .xlsx 再上传。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise XlsxRefused(f"文件「{name}」使用了不支持的压缩方式，请用 Excel 或 WPS 另存为 .xlsx 后再上传。")
        size = info.file_size
        total += size
        is_data = _is_sheet(path) or path == "xl/sharedStrings.xml"
        member_limit = lim["total"] if is_data else lim["part"]
        if size > member_limit or total > lim["total"]:
            raise XlsxRefused(
                f"文件「{name}」解压后过大（超过 {_mb(lim['total'] if total > lim['total'] else member_limit)}），"
                "可能是恶意构造的压缩文件，已拒绝；如确为正常数据，请拆分后分批导入。"
            )
        if size > SMALL_MEMBER and size > lim["ratio"] * max(info.compress_size, 1):
            raise XlsxRefused(
                f"文件「{name}」压缩比异常（{size // max(info.compress_size, 1)} 倍，上限 {lim['ratio']} 倍），"
                "可能是恶意构造的压缩文件（zip 炸弹），已拒绝。"
            )
    return infos


def _is_sheet(path: str) -> bool:
    return path.startswith("xl/worksheets/") and path.endswith(".xml") and path.count("/") == 2


# -- streaming XML scans --------------------------------------------------------------------------


def _parser(start=None, end=None, chars=None):
    p = expat.ParserCreate()

    def no_dtd(*args):
        raise XlsxRefused("DTD")

    p.StartDoctypeDeclHandler = no_dtd
    p.EntityDeclHandler = no_dtd
    p.ExternalEntityRefHandler = no_dtd
    if start:
        p.StartElementHandler = start
    if end:
        p.EndElementHandler = end
    if chars:
        p.CharacterDataHandler = chars
    return p


def _feed(archive: zipfile.ZipFile, path: str, parser, name: str) -> None:
    try:
        with archive.open(path) as member:
            while True:
                chunk = member.read(CHUNK)
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
    except _Stop:
        raise
    except XlsxRefused as exc:
        if str(exc) == "DTD":
            raise XlsxRefused(f"文件「{name}」含有 XML 文档类型定义（DTD/实体），不是正常的 Excel 文件，已拒绝。") from None
        raise
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        raise XlsxRefused(f"文件「{name}」已损坏，无法读取；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。") from None


def _local(tag: str) -> str:
    return tag.rsplit(":", 1)[-1]


def _sheet_names(archive: zipfile.ZipFile, names: set[str], name: str) -> dict[str, str]:
    """Worksheet part path → the sheet's name shown in Excel."""
    rid_to_name: dict[str, str] = {}
    targets: dict[str, str] = {}

    def wb_start(tag, attrs):
        if _local(tag) == "sheet":
            rid = next((v for k, v in attrs.items() if k == "id" or k.endswith(":id")), None)
            if rid:
                rid_to_name[rid] = attrs.get("name", "")

    def rel_start(tag, attrs):
        if _local(tag) == "Relationship" and attrs.get("Id") and attrs.get("Target"):
            target = attrs["Target"].replace("\\", "/")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[attrs["Id"]] = path

    if "xl/workbook.xml" in names:
        _feed(archive, "xl/workbook.xml", _parser(start=wb_start), name)
    if "xl/_rels/workbook.xml.rels" in names:
        _feed(archive, "xl/_rels/workbook.xml.rels", _parser(start=rel_start), name)
    return {targets[rid]: sheet for rid, sheet in rid_to_name.items() if rid in targets}


def _too_long(name: str, where: str, limit: int, prefix: str) -> XlsxRefused:
    return XlsxRefused(
        f"文件「{name}」{where}内容超过 {limit} 个字符的上限，已拒绝导入；开头为「{excerpt(prefix)}」，请检查该单元格。"
    )


def _scan_shared_strings(archive, name: str, limit: int) -> tuple[int, str] | None:
    """The index and start of the first shared string longer than `limit`, or None. Stops at the first."""
    state = {"index": -1, "length": 0, "prefix": [], "found": None}

    def start(tag, attrs):
        if _local(tag) == "si":
            state["index"] += 1
            state["length"] = 0
            state["prefix"] = []

    def chars(data):
        if state["index"] < 0:
            return
        if state["length"] < 60:
            state["prefix"].append(data[:60])
        state["length"] += len(data)
        if state["length"] > limit:
            state["found"] = (state["index"], "".join(state["prefix"])[:60])
            raise _Stop

    try:
        _feed(archive, "xl/sharedStrings.xml", _parser(start=start, chars=chars), name)
    except _Stop:
        pass
    return state["found"]


def _scan_sheet(archive, path: str, sheet: str, name: str, lim: dict, long_shared: tuple[int, str] | None) -> None:
    rows_max, cols_max, cell_max = lim["rows"], lim["columns"], lim["cell"]
    label = f"工作表「{excerpt(sheet, 31)}」"
    state = {"rows": 0, "cell": None, "type": "", "length": 0, "prefix": [], "in_v": False, "v": []}

    def refuse_size(what: str):
        raise XlsxRefused(
            f"文件「{name}」{label}{what}，超过上限（最多 {rows_max} 行、{cols_max} 列），已拒绝导入；"
            "请删除多余的行列（或拆分文件）后再上传。"
        )

    def start(tag, attrs):
        tag = _local(tag)
        if tag == "c":
            ref = attrs.get("r", "")
            state.update(cell=ref, type=attrs.get("t", ""), length=0, prefix=[], v=[])
            pos = _split_ref(ref)
            if pos and pos[1] > cols_max:
                refuse_size(f"的单元格 {excerpt(ref, 12)} 超出列数范围")
        elif tag == "v":
            state["in_v"] = True
        elif tag == "row":
            state["rows"] += 1
            number = attrs.get("r", "")
            if state["rows"] > rows_max or (number.isdigit() and int(number) > rows_max):
                refuse_size(f"有超过 {rows_max} 行数据")
        elif tag == "dimension":
            ref = attrs.get("ref", "")
            last = _split_ref(ref.split(":")[-1])
            if last and (last[0] > rows_max or last[1] > cols_max):
                refuse_size(f"声明的范围 {excerpt(ref, 30)} 过大")

    def end(tag):
        tag = _local(tag)
        if tag == "v":
            state["in_v"] = False
        elif tag == "c":
            if long_shared and state["type"] == "s" and "".join(state["v"]).strip() == str(long_shared[0]):
                raise _too_long(name, f"{label}的 {excerpt(state['cell'], 12)} 单元格", cell_max, long_shared[1])
            state["cell"] = None

    def chars(data):
        if state["cell"] is None:
            return
        if state["in_v"] and state["type"] == "s" and len(state["v"]) < 4:
            state["v"].append(data[:12])
        if state["length"] < 60:
            state["prefix"].append(data[:60])
        state["length"] += len(data)
        if state["length"] > cell_max:
            where = f"{label}的 {excerpt(state['cell'], 12)} 单元格" if state["cell"] else f"{label}中有单元格"
            raise _too_long(name, where, cell_max, "".join(state["prefix"]))

    _feed(archive, path, _parser(start=start, end=end, chars=chars), name)


def check_xlsx(data: bytes, filename, *, max_cell_chars: int | None = None, max_rows: int | None = None,
               max_columns: int | None = None) -> None:
    """Refuse (XlsxRefused) anything that is not a sane .xlsx, before any of it is parsed by openpyxl.

    `max_cell_chars`, `max_rows`, `max_columns` lower the site-wide limits for one importer.
    """
    name = display_name(filename)
    require_xlsx(data, filename)
    lim = limits()
    for key, value in (("cell", max_cell_chars), ("rows", max_rows), ("columns", max_columns)):
        if value is not None:
            lim[key] = min(lim[key], value)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise XlsxRefused(f"文件「{name}」已损坏，无法读取；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。") from None
    with archive:
        infos = _check_zip(archive, name, lim)
        names = {i.filename for i in infos}
        sheets = _sheet_names(archive, names, name)
        long_shared = None
        if "xl/sharedStrings.xml" in names:
            long_shared = _scan_shared_strings(archive, name, lim["cell"])
        for info in infos:
            if _is_sheet(info.filename):
                sheet = sheets.get(info.filename) or posixpath.basename(info.filename)
                _scan_sheet(archive, info.filename, sheet, name, lim, long_shared)
        if long_shared:
            raise _too_long(name, "中有单元格", lim["cell"], long_shared[1])


def open_workbook(data: bytes, filename, **limits_):
    """`check_xlsx`, then a read-only openpyxl workbook (values, not formulas) whose text comes out cleaned
    (`CleanWorkbook`). The caller closes it."""
    check_xlsx(data, filename, **limits_)
    from openpyxl import load_workbook

    try:
        return CleanWorkbook(load_workbook(io.BytesIO(data), read_only=True, data_only=True))
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors for a damaged package
        raise XlsxRefused(
            f"文件「{display_name(filename)}」已损坏或不是有效的 Excel（.xlsx）文件，无法读取；"
            "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
        ) from None


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


def _wrap(found):
    """A cell, or the rows/columns of cells `ws["A1:B2"]` gives, with cleaned values."""
    if isinstance(found, tuple):
        return tuple(_wrap(item) for item in found)
    return _CleanCell(found)


class _CleanCell:
    """A read-only cell whose text value is cleaned; everything else is the cell's."""

    __slots__ = ("_cell",)

    def __init__(self, cell):
        self._cell = cell

    @property
    def value(self):
        return _clean(self._cell.value)

    def __getattr__(self, name):
        return getattr(self._cell, name)


class CleanSheet:
    """A read-only worksheet whose rows come out with every text value cleaned of NUL, bidirectional overrides
    and zero-width characters (`core.text.clean_text`), as the middleware cleans a form post: an importer reads
    rows, so cleaning them here means no importer can forget (`张\u200b三` must not become a second 张三)."""

    def __init__(self, ws):
        self._ws = ws

    def iter_rows(self, *args, **kwargs):
        values_only = kwargs.get("values_only", False)
        for row in self._ws.iter_rows(*args, **kwargs):
            yield tuple(_clean(v) for v in row) if values_only else tuple(_CleanCell(c) for c in row)

    @property
    def values(self):
        return self.iter_rows(values_only=True)

    @property
    def rows(self):
        return self.iter_rows()

    def __getitem__(self, key):
        return _wrap(self._ws[key])

    def __getattr__(self, name):
        return getattr(self._ws, name)


class CleanWorkbook:
    """The read-only workbook `open_workbook` returns: its sheets are `CleanSheet`s."""

    def __init__(self, wb):
        self._wb = wb

    @property
    def worksheets(self):
        return [CleanSheet(ws) for ws in self._wb.worksheets]

    @property
    def active(self):
        return CleanSheet(self._wb.active)

    def __getitem__(self, name):
        return CleanSheet(self._wb[name])

    def __contains__(self, name):
        return name in self._wb.sheetnames

    def __iter__(self):
        return iter(self.worksheets)

    def __getattr__(self, name):
        return getattr(self._wb, name)


# -- writing --------------------------------------------------------------------------------------


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(wb) -> None:
    """Every cell of every sheet: text a spreadsheet could run as a formula is stored as plain text."""
    for ws in wb.worksheets:
        # The cells that exist (iter_rows would create every cell of the used range).
        for cell in list(ws._cells.values()):
            if cell.data_type == "f" or is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True  # Excel keeps it as text when someone edits the cell


def save_workbook(wb) -> bytes:
    """The workbook's bytes, after `neutralise`: the only way our exports are saved."""
    neutralise(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_only_workbook():
    """An openpyxl workbook that writes rows as they come (to its own temporary files), for large exports."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def _neutralise_cell(cell):
    if cell.data_type == "f" or is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def safe_cell(ws, value, **style):
    """A cell for a write-only sheet (`style`: number_format, font, fill, alignment…), formula-like text kept as text."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return _neutralise_cell(cell)


def append_row(ws, values) -> None:
    """Append one row to a write-only sheet: the only way our write-only exports add rows (see `neutralise`)."""
    from openpyxl.cell import Cell

    ws.append([_neutralise_cell(v) if isinstance(v, Cell) else safe_cell(ws, v) if is_formula_like(v) else v
               for v in values])


def save_to_tempfile(wb):
    """The saved workbook in an anonymous temporary file (gone once closed), rewound, for a FileResponse."""
    if not wb.write_only:
        neutralise(wb)
    out = tempfile.TemporaryFile(prefix="fivestar-export-", suffix=".xlsx")
    try:
        wb.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
