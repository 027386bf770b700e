"""Honours from Excel: a template, a reader through the project's safe xlsx reader (size, row and cell limits),
row-level Chinese errors (第N行), and an all-or-nothing save."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from fivestar.core.roles import Action
from fivestar.core.scoping import scope_q
from fivestar.core.uploads import UploadRefused, read_upload
from fivestar.core.xlsx import open_workbook, save_workbook
from fivestar.orgs.models import Level, OrgUnit

from .models import Honour
from .services.common import saved
from .services.errors import ActivityError
from .services.records import build_honour

HEADERS = ["村（社区）代码", "村（社区）名称", "荣誉称号", "级别", "授予单位", "年度", "备注"]
LEVELS = {label: value for value, label in Honour.Level.choices}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


@dataclass
class Outcome:
    created: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def template_bytes(villages) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "村级荣誉"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for v in villages:
        ws.append([v.code, v.display_name, "", "", "", "", ""])
    notes = wb.create_sheet("填写说明")
    for line in ["每行一项荣誉；荣誉称号为空的行会被跳过。", "级别填：国家级、省级、市级、县级。", "年度为四位数字年份，如 2021。",
                 "只要有一行出错，全部不导入；请按提示修改后重新上传。", "证书扫描件请在导入后于村页面逐项上传。"]:
        notes.append([line])
    return save_workbook(wb)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_honours(user, upload) -> Outcome:
    outcome = Outcome()
    try:
        data = read_upload(upload, MAX_BYTES)
        wb = open_workbook(data, getattr(upload, "name", ""), max_rows=MAX_ROWS + 1, max_columns=30)
    except UploadRefused as e:
        outcome.problems.append(str(e))
        return outcome
    try:
        ws = wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows or [_cell(c) for c in rows[0][: len(HEADERS)]] != HEADERS:
        outcome.problems.append(f"第1行表头应为：{'、'.join(HEADERS)}。请下载模板填写。")
        return outcome
    body = [(n, [_cell(c) for c in (list(r) + [None] * len(HEADERS))[: len(HEADERS)]]) for n, r in enumerate(rows[1:], start=2)]
    body = [(n, r) for n, r in body if r[2]]
    if not body:
        outcome.problems.append("没有可导入的荣誉（荣誉称号列都为空）。")
        return outcome
    codes = {r[0] for _n, r in body}
    villages = {u.code: u for u in OrgUnit.objects.filter(scope_q(user, Action.EDIT_RESULTS), code__in=codes, level=Level.VILLAGE)}
    existing = set(Honour.objects.filter(org_unit__code__in=codes).values_list("org_unit__code", "title", "year"))
    built, seen = [], set()
    for number, (code, _name, title, level, issuer, year, note) in body:
        village = villages.get(code)
        if village is None:
            outcome.problems.append(f"第{number}行：村（社区）代码「{code[:20]}」不存在或不在您可填报的范围内。")
            continue
        if level not in LEVELS:
            outcome.problems.append(f"第{number}行：级别「{level[:10]}」无效，应为国家级、省级、市级或县级。")
            continue
        try:
            honour = build_honour(user, village, title=title, level=LEVELS[level], issuer=issuer, year=year, note=note)
        except ActivityError as e:
            outcome.problems.append(f"第{number}行：{e.message}")
            continue
        key = (code, honour.title, honour.year)
        if key in existing or key in seen:
            outcome.problems.append(f"第{number}行：「{honour.title}」（{honour.year}年）{'已登记' if key in existing else '在文件中重复'}。")
            continue
        seen.add(key)
        built.append(honour)
    if outcome.problems:
        return outcome
    try:
        with transaction.atomic():
            for honour in built:
                saved(honour, user)  # one by one: each is attributed in history (a few hundred rows at most)
    except IntegrityError:
        outcome.problems.append("导入期间有人登记了相同的荣誉，请刷新后重试。未导入任何数据。")
        return outcome
    outcome.created = len(built)
    return outcome
