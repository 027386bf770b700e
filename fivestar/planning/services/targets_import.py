"""Targets from Excel: the template a town fills (its villages, their current targets, the help sheet) and its
import. Every row is checked before anything is saved; errors name the row (第N行：…) and quote the user's text
only as a short excerpt; one error and nothing is saved. The file passes fivestar/core/xlsx.py's checks first."""

import re
from dataclasses import dataclass, field

from fivestar.core.audit import record_import
from fivestar.core.text import excerpt
from fivestar.core.uploads import UploadRefused, read_upload
from fivestar.core.xlsx import append_row, open_workbook, safe_cell, save_to_tempfile, write_only_workbook
from fivestar.orgs.models import Level, OrgUnit

from ..models import VillageTarget
from .access import can_manage
from .errors import PlanningError
from .settings import category_labels, planning_settings_for
from .stars import StarCatalog
from .targets import check_year, save_targets

SHEET = "创建目标"
HEADERS = ("村（社区）代码", "名称", "创建类别", "目标星级", "目标星")
ALIASES = {"code": ("村（社区）代码", "村代码", "代码", "村（社区）编码", "统计代码"), "name": ("名称", "村（社区）名称", "村名"),
           "category": ("创建类别", "类别"), "rating": ("目标星级", "星级"), "stars": ("目标星", "目标星（名称）")}
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
MAX_CELL_CHARS = 200
MAX_ERRORS = 50
STAR_SPLIT = re.compile(r"[、,，;；/\s]+")
RATING_WORDS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
INSTRUCTIONS = (
    "填写说明",
    "1. 每行一个村（社区），“村（社区）代码”为 12 位统计代码，必须是本乡镇的村（社区），不要修改代码。",
    "2. “创建类别”填写本乡镇的类别名称：{categories}；可留空。",
    "3. “目标星级”填写 0 到 5 的整数（也可写“五星”“4星”）。",
    "4. “目标星”填写星的名称，多个用顿号“、”分隔，如“支部过硬星、产业兴旺星”；填写时星数应与目标星级一致，也可只填星级、目标星留空。",
    "5. 可选的星：{stars}",
    "6. 导入时先检查全部行，有任何错误则一行也不保存，请按提示逐行改正后重新导入。",
)


@dataclass
class ImportResult:
    saved: int = 0  # targets created or changed
    rows: int = 0  # data rows read
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _norm(text) -> str:
    text = "" if text is None else str(text)
    return "".join(text.replace("(", "（").replace(")", "）").split()).replace("*", "")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_map(cells) -> dict[str, int]:
    wanted = {_norm(alias): key for key, aliases in ALIASES.items() for alias in aliases}
    found = {}
    for index, value in enumerate(cells or ()):
        key = wanted.get(_norm(value))
        if key and key not in found:
            found[key] = index
    return found


def _code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def parse_rating(value) -> int | None:
    """5, "5", "五星", "4星", "四星级" → the number; None when not understood."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() and 0 <= value <= 5 else None
    text = _norm(value).removesuffix("级").removesuffix("星")
    if text.isdigit():
        number = int(text)
    elif text in RATING_WORDS:
        number = RATING_WORDS[text]
    else:
        return None
    return number if 0 <= number <= 5 else None


def _villages(town) -> dict[str, OrgUnit]:
    return {v.code: v for v in OrgUnit.objects.filter(parent=town, level=Level.VILLAGE, active=True)}


def _read(upload, result: ImportResult) -> list[tuple[int, dict]]:
    try:
        data = read_upload(upload, MAX_BYTES)
        wb = open_workbook(data, getattr(upload, "name", ""), max_cell_chars=MAX_CELL_CHARS, max_columns=30,
                           max_rows=MAX_ROWS + 50)
    except UploadRefused as error:
        result.errors.append(str(error))
        return []
    rows = []
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        cells = ws.iter_rows(values_only=True)
        columns = _header_map(next(cells, None))
        missing = [HEADERS[i] for i, key in enumerate(("code", "name", "category", "rating", "stars"))
                   if key not in columns and key in ("code", "rating", "stars")]
        if missing:
            result.errors.append(f"第1行：缺少列「{'、'.join(missing)}」，请使用下载的模板（表头：{'、'.join(HEADERS)}）。")
            return []
        for number, row in enumerate(cells, start=2):
            values = {key: (row[i] if i < len(row) else None) for key, i in columns.items()}
            if all(_blank(v) for v in values.values()):
                continue
            if len(rows) >= MAX_ROWS:
                result.errors.append(f"数据超过 {MAX_ROWS} 行，请按乡镇分别导入。")
                break
            rows.append((number, values))
    finally:
        wb.close()
    if not rows and not result.errors:
        result.errors.append("文件中没有可导入的数据行。")
    return rows


def _check_rows(town, rows, result: ImportResult) -> list[dict]:
    villages = _villages(town)
    labels = category_labels(planning_settings_for(town))
    by_label = {_norm(label): code for code, label in labels.items()}
    by_label.update({code: code for code in labels})
    catalog = StarCatalog(town)
    out, seen = [], {}
    for number, values in rows:
        errors = []
        code = _code(values.get("code"))
        village = villages.get(code)
        if not code:
            errors.append("未填写村（社区）代码")
        elif village is None:
            errors.append(f"代码「{excerpt(code, 20)}」不是「{town.display_name}」的村（社区）")
        elif code in seen:
            errors.append(f"村（社区）「{village.display_name}」与第{seen[code]}行重复")
        else:
            seen[code] = number
        category = ""
        if not _blank(values.get("category")):
            category = by_label.get(_norm(values["category"]))
            if category is None:
                errors.append(f"创建类别「{excerpt(values['category'], 12)}」无效，应为 {'、'.join(labels.values())} 之一")
        rating = parse_rating(values.get("rating")) if not _blank(values.get("rating")) else None
        if _blank(values.get("rating")):
            errors.append("未填写目标星级")
        elif rating is None:
            errors.append(f"目标星级「{excerpt(values['rating'], 10)}」无效，应为 0 到 5")
        codes = []
        if not _blank(values.get("stars")):
            tokens = STAR_SPLIT.split(str(values["stars"]))
            codes, unknown = catalog.resolve(village.branch_type if village else "", tokens)
            if unknown:
                errors.append(f"目标星「{excerpt(unknown[0], 12)}」不是适用标准中的星")
            elif rating is not None and len(codes) != rating:
                errors.append(f"目标星级为 {rating} 星，但填写了 {len(codes)} 颗目标星")
        if errors:
            result.errors.append(f"第{number}行：{'；'.join(errors)}。")
            if len(result.errors) >= MAX_ERRORS:
                result.errors.append(f"错误较多，仅列出前 {MAX_ERRORS} 处，请改正后重新导入。")
                break
            continue
        if not category and _blank(values.get("category")):
            category = village.category or ""  # left empty: the village's own category
        out.append({"village": village, "category": category, "target_rating": rating, "target_stars": codes})
    return out


def import_targets(user, town, year, upload) -> ImportResult:
    """Import a town's targets for a year from the template's layout; nothing saved when any row is wrong."""
    year = check_year(year)
    if town is None or town.level != Level.TOWN:
        raise PlanningError("创建目标按乡镇导入。")
    if not can_manage(user, town):
        raise PlanningError(f"您无权导入「{town.display_name}」的创建目标。")
    result = ImportResult()
    rows = _read(upload, result)
    result.rows = len(rows)
    if result.errors:
        return result
    cleaned = _check_rows(town, rows, result)
    if result.errors:
        return result
    try:
        result.saved = save_targets(user, year, cleaned)
    except PlanningError as error:
        result.errors.append(error.message)
        return result
    result.unchanged = len(cleaned) - result.saved
    record_import(user, town, f"导入{town.display_name} {year} 年度创建目标：{len(cleaned)} 行，更新 {result.saved} 个村",
                  "创建目标导入")
    return result


def write_targets_template(town, year):
    """The template as a temporary file (FileResponse): every village of the town with its current target."""
    from openpyxl.styles import Alignment, Font, PatternFill

    year = check_year(year)
    labels = category_labels(planning_settings_for(town))
    catalog = StarCatalog(town)
    names = catalog.names()
    targets = {t.org_unit_id: t for t in VillageTarget.objects.filter(year=year, org_unit__parent=town)}
    wb = write_only_workbook()
    ws = wb.create_sheet(SHEET)
    for letter, width in zip("ABCDE", (18, 30, 12, 10, 60)):
        ws.column_dimensions[letter].width = width
    bold, centre = Font(bold=True), Alignment(horizontal="center")
    fill = PatternFill("solid", fgColor="FFF2CC")
    append_row(ws, [safe_cell(ws, h, font=bold, alignment=centre, fill=fill) for h in HEADERS])
    for village in OrgUnit.objects.filter(parent=town, level=Level.VILLAGE, active=True).order_by("code"):
        target = targets.get(village.pk)
        append_row(ws, [
            safe_cell(ws, village.code, number_format="@"), village.name,
            labels.get((target.category if target else "") or village.category, "") or None,
            target.target_rating if target else None,
            "、".join(names.get(c, c) for c in (target.target_stars if target else [])) or None,
        ])
    help_ws = wb.create_sheet("填写说明")
    help_ws.column_dimensions["A"].width = 110
    for index, line in enumerate(INSTRUCTIONS):
        text = line.format(categories="、".join(labels.values()), stars="、".join(names.values()) or "（尚未发布创建标准）")
        append_row(help_ws, [safe_cell(help_ws, f"{town.display_name} {year} 年度创建目标 · {text}", font=bold) if index == 0 else text])
    return save_to_tempfile(wb)


def targets_template(town, year) -> bytes:
    """`write_targets_template` as bytes (a town has at most a few hundred villages)."""
    with write_targets_template(town, year) as fh:
        return fh.read()
