"""Hostile files in, safe files out — across every Excel import and every Excel export.

In: a 180-million-character zip bomb, a 100,000-character cell and other kinds of file are refused by
each importer (income, people, framework, a town's creation targets) with a clear Chinese message, nothing
is written, and the memory used stays bounded. Out: no cell of any workbook we hand out is a formula, even when a village
is named like one, and those values import back unchanged.
"""

import html
import io
import re
import tracemalloc
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.core.xlsx import XlsxRefused, check_xlsx, save_workbook
from fivestar.imports.people_template import DUTY_COLUMNS, PEOPLE_COLUMNS
from fivestar.indicators.excel import COLUMNS as INCOME_COLUMNS
from fivestar.indicators.models import CollectiveIncome
from fivestar.people.models import Person, Responsibility
from fivestar.standards import excel_io
from fivestar.standards.models import FrameworkVersion
from fivestar.standards.tests.io_helpers import example, find_rule

pytestmark = pytest.mark.django_db
MEMORY_BOUND = 100 * 1024 * 1024  # a correctness bound: the old code used 1.6 GB on the bomb
HOSTILE = '=HYPERLINK("http://evil.example/x","点击领取补贴")'


# -- the hostile files, made here ---------------------------------------------------------------


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    for i, (title, rows) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _importer_sheets() -> dict[str, list[list]]:
    """One workbook whose sheets and headers fit every importer, so only the hostile cell is wrong."""
    return {
        "集体经济收入": [[h for _, h, _, _ in INCOME_COLUMNS], ["410928103205", "西辛庄村", 2023, 100, 0, ""]],
        "人员": [PEOPLE_COLUMNS, ["410928103205", "张三", "男", "", "党员", "是", ""]],
        "责任分工": [DUTY_COLUMNS],
    }


def _with_long_cell(chars: int) -> bytes:
    """The importers' workbook with a `chars`-character inline cell added to its first sheet, streamed into
    the zip in blocks (openpyxl itself would cut a cell at 32,767 characters)."""
    base = _workbook(_importer_sheets())
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, source.read(info.filename))
                continue
            head = source.read(info.filename).decode().split("</sheetData>")[0].encode()
            with z.open(info.filename, "w", force_zip64=True) as member:
                member.write(head + b'<row r="3"><c r="F3" t="inlineStr"><is><t>')
                step = min(chars, 1_000_000)
                for _ in range(chars // step):
                    member.write("炸".encode() * step)
                member.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


def zip_bomb() -> bytes:
    """A ~180 KB .xlsx whose first sheet unpacks to a 180-million-character cell, as in the report."""
    return _with_long_cell(180_000_000)


def huge_cell() -> bytes:
    """A 1 KB .xlsx, sane as a zip, with one 100,000-character cell."""
    return _with_long_cell(100_000)


@pytest.fixture(scope="module")
def bombs():
    return {"zip-bomb": zip_bomb(), "huge-cell": huge_cell()}


# -- every Excel import -------------------------------------------------------------------------


def _income(world, login, data, name="炸弹.xlsx"):
    client = login(world.users[Role.TOWN_ADMIN])
    response = client.post("/indicators/import/", {"file": SimpleUploadedFile(name, data)})
    messages = [p.message for p in response.context["outcome"].problems] if response.context["outcome"] else []
    return response, messages, not CollectiveIncome.objects.exists()


def _people(world, login, data, name="炸弹.xlsx"):
    from fivestar.imports.models import ImportJob

    response = login(world.users[Role.TOWN_ADMIN]).post("/imports/people/", {"file": SimpleUploadedFile(name, data)})
    job = ImportJob.objects.order_by("-id").first()
    written = Person.objects.exists() or Responsibility.objects.exists() or AuditEvent.objects.filter(model="imports.batch").exists()
    return response, [job.message] if job else [], not written


def _framework(world, login, data, name="炸弹.xlsx"):
    response = login(world.users[Role.COUNTY_ADMIN]).post(
        "/standards/import/", {"file": SimpleUploadedFile(name, data), "org_unit": "410928"})
    problems = response.context["problems"] if response.context and "problems" in response.context else []
    return response, [p.message for p in problems], not FrameworkVersion.objects.exists()


def _targets(world, login, data, name="炸弹.xlsx"):
    from fivestar.planning.models import VillageTarget

    response = login(world.users[Role.TOWN_ADMIN]).post(
        f"/planning/targets/{world.town.code}/import/", {"year": 2025, "file": SimpleUploadedFile(name, data)})
    errors = re.findall(r'data-testid="import-error">([^<]+)<', response.content.decode())
    written = VillageTarget.objects.exists() or AuditEvent.objects.filter(action="import").exists()
    return response, [html.unescape(e) for e in errors], not written


# Every Excel import of the project: a new one is added here (and to core.xlsx.open_workbook's callers).
IMPORTERS = {"income": _income, "people": _people, "framework": _framework, "targets": _targets}
EXPECTED = {"zip-bomb": "解压后过大", "huge-cell": "内容超过"}


@pytest.mark.parametrize("importer", IMPORTERS)
@pytest.mark.parametrize("hostile", ["zip-bomb", "huge-cell"])
def test_every_excel_import_refuses_hostile_workbooks_in_bounded_memory(world, login, bombs, importer, hostile):
    tracemalloc.start()
    try:
        response, messages, nothing_written = IMPORTERS[importer](world, login, bombs[hostile])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert nothing_written
    assert len(messages) == 1, messages
    assert "文件「炸弹.xlsx」" in messages[0] and EXPECTED[hostile] in messages[0] and "已拒绝" in messages[0]
    assert len(messages[0]) < 200  # at most a short excerpt of the cell
    assert messages[0] in response.content.decode()
    assert len(response.content) < 200_000 and "炸" * 50 not in response.content.decode()  # an excerpt, never the cell
    assert peak < MEMORY_BOUND, f"peak {peak / 1048576:.0f} MB"


def test_the_checks_are_in_force_before_openpyxl_for_each_limit(settings):
    settings.XLSX_MAX_CELL_CHARS = 10
    good = _importer_sheets()
    with pytest.raises(XlsxRefused, match="工作表「集体经济收入」的 A2 单元格内容超过 10 个字符的上限"):
        check_xlsx(_workbook(good), "a.xlsx")
    settings.XLSX_MAX_CELL_CHARS = 32767
    settings.XLSX_MAX_ROWS = 1
    with pytest.raises(XlsxRefused, match="工作表「集体经济收入」声明的范围 A1:F2 过大"):
        check_xlsx(_workbook(good), "a.xlsx")
    settings.XLSX_MAX_ROWS = 100_000
    far = _workbook({"集体经济收入": [[None] * 300 + ["x"]]})
    with pytest.raises(XlsxRefused, match="超出列数范围|声明的范围"):
        check_xlsx(far, "a.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("../../etc/passwd.xml", "x")
    with pytest.raises(XlsxRefused, match="异常路径"):
        check_xlsx(out.getvalue(), "a.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook>&a;</workbook>')
    with pytest.raises(XlsxRefused, match="DTD"):
        check_xlsx(out.getvalue(), "a.xlsx")


def test_defusedxml_is_what_openpyxl_parses_with():
    from openpyxl import DEFUSEDXML

    assert DEFUSEDXML is True


# -- files of the wrong kind ----------------------------------------------------------------------


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return out.getvalue()


WRONG_KINDS = [
    ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "文件「旧表.xls」是旧版 Excel 97-2003（.xls）格式"),
    ("名单.csv", "单位代码,姓名\n410928103205,张三\n".encode(), "文件「名单.csv」是文本（CSV/TXT）文件，不是 Excel（.xlsx）文件"),
    ("名单.docx", _docx(), "文件「名单.docx」是Word 文档（.docx），不是 Excel（.xlsx）文件"),
    ("空白.xlsx", b"", "文件「空白.xlsx」是空的"),
]


@pytest.mark.parametrize("importer", IMPORTERS)
@pytest.mark.parametrize("name,data,message", WRONG_KINDS, ids=["xls", "csv", "docx", "empty"])
def test_a_file_of_the_wrong_kind_is_named_as_such(world, login, importer, name, data, message):
    if importer == "framework" and not name.endswith(".xlsx"):
        # The framework page picks YAML or Excel by suffix (.xls is refused by name): send it as .xlsx.
        message = message.replace(f"「{name}」", f"「{name}.xlsx」")
        name += ".xlsx"
    response, messages, nothing_written = IMPORTERS[importer](world, login, data, name)
    assert nothing_written
    assert any(message in m for m in messages) or message in response.content.decode(), messages


def test_yaml_framework_in_gbk_is_told_its_likely_encoding(world, login):
    response = login(world.users[Role.COUNTY_ADMIN]).post(
        "/standards/import/", {"file": SimpleUploadedFile("标准.yaml", "code: 标准\nname: 农村\n".encode("gbk")), "org_unit": "410928"})
    assert "文件「标准.yaml」不是 UTF-8 编码（可能是 GBK/GB18030）" in response.content.decode()
    assert not FrameworkVersion.objects.exists()


# -- every Excel export ---------------------------------------------------------------------------


def _no_formulas(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    formulas = [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert not formulas, formulas
    return wb


def test_income_template_keeps_a_hostile_village_name_as_text_and_it_imports_back(world, login):
    world.village.name = world.village.display_name = HOSTILE
    world.village.save()
    CollectiveIncome.objects.create(org_unit=world.village, year=2023, operating_income=Decimal(1200), note="+86 联系")
    client = login(world.users[Role.TOWN_ADMIN])
    content = client.get("/indicators/import/template.xlsx?year=2023").getvalue()  # a streamed file
    wb = _no_formulas(content)
    values = [c.value for row in wb["集体经济收入"].iter_rows() for c in row]
    assert HOSTILE in values and "+86 联系" in values
    response = client.post("/indicators/import/", {"file": SimpleUploadedFile("回传.xlsx", content)})
    assert response.status_code == 302, response.context["outcome"].problems
    income = CollectiveIncome.objects.get(org_unit=world.village, year=2023)
    assert income.operating_income == Decimal(1200) and income.note == "+86 联系"


def test_framework_export_keeps_formula_like_text_as_text_and_round_trips():
    data = example()
    rule = find_rule(data, "zbgy-01-02")
    rule["text"] = "=1+1 每月召开一次支委会"
    rule["evidence"] = {"hint": "@村委会 -请上传会议记录"}
    content = excel_io.export(data)
    _no_formulas(content)
    back, problems = excel_io.import_workbook(content, "标准.xlsx")
    assert not problems
    again = find_rule(back, "zbgy-01-02")
    assert again["text"] == "=1+1 每月召开一次支委会" and again["evidence"]["hint"] == "@村委会 -请上传会议记录"
    assert again["max"] == rule["max"] and isinstance(again["max"], (int, float))


def test_people_template_has_no_formulas(world, login):
    _no_formulas(login(world.users[Role.TOWN_ADMIN]).get("/imports/people/template.xlsx").content)


def test_save_workbook_neutralises_every_formula_start_but_keeps_numbers():
    wb = Workbook()
    ws = wb.active
    cells = ["=SUM(A1:A2)", "+1", "-2", "@x", "\tx", "\rx", "普通", -5, 3.5]
    for i, value in enumerate(cells, start=1):
        ws.cell(row=i, column=1, value=value)
    wb.create_sheet("二").append(["=A1"])
    back = load_workbook(io.BytesIO(save_workbook(wb)))
    got = [back.active.cell(row=i, column=1) for i in range(1, len(cells) + 1)]
    assert [c.value for c in got] == cells
    assert [c.data_type for c in got] == ["s"] * 7 + ["n", "n"]
    assert back["二"]["A1"].data_type == "s" and back["二"]["A1"].value == "=A1"


# -- no way around core.xlsx ----------------------------------------------------------------------

SOURCE = Path(__file__).resolve().parents[2]
SHEET_APPEND = re.compile(r"\b(ws|sheet|\w+_ws)\.append\(")


def _sources():
    for path in sorted(SOURCE.rglob("*.py")):
        rel = path.relative_to(SOURCE)
        if "tests" not in rel.parts and "migrations" not in rel.parts and rel != Path("core/xlsx.py"):
            yield rel, path.read_text(encoding="utf-8")


def test_every_workbook_is_read_and_written_through_core_xlsx():
    """The limits and the formula neutralising live in core.xlsx: a module that read a workbook with openpyxl
    directly, saved an ordinary workbook without `save_workbook`/`save_to_tempfile`, or appended raw rows to a
    write-only sheet (which keeps no cells to fix afterwards) would bypass them — in any app, old or new."""
    offenders = []
    for rel, text in _sources():
        if re.search(r"\bload_workbook\b|openpyxl\.reader", text):
            offenders.append(f"{rel}: reads a workbook without core.xlsx.open_workbook")
        if re.search(r"\bWorkbook\(", text) and not re.search(r"\b(save_workbook|save_to_tempfile)\b", text):
            offenders.append(f"{rel}: saves a workbook without core.xlsx.save_workbook/save_to_tempfile")
        if "write_only_workbook" in text and SHEET_APPEND.search(text):
            offenders.append(f"{rel}: appends to a write-only sheet without core.xlsx.append_row")
    assert not offenders, offenders
