"""Excel import of collective income: the template, every row-level error, and all-or-nothing writes."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.indicators.excel import COLUMNS
from fivestar.indicators.import_services import import_workbook
from fivestar.indicators.models import CollectiveIncome

pytestmark = pytest.mark.django_db
HEADER = [header for _, header, _, _ in COLUMNS]


def xlsx(rows, header=HEADER, title="集体经济收入", extra_sheets=()):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    if header is not None:
        ws.append(header)
    for row in rows:
        ws.append(list(row))
    for name in extra_sheets:
        wb.create_sheet(name).append(["无关"])
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("income.xlsx", out.getvalue())


def upload(client, file):
    return client.post("/indicators/import/", {"file": file})


def problems(response):
    return [(p.sheet, p.row, p.column, p.message) for p in response.context["outcome"].problems]


def test_import_creates_updates_skips_blank_rows_and_records_the_user(world, login):
    CollectiveIncome.objects.create(org_unit=world.sibling, year=2023, operating_income=Decimal(1000))
    client = login(world.users[Role.TOWN_ADMIN])
    response = upload(client, xlsx([
        ["410928103205", "西辛庄村", 2023, 60000, 5000, "物业"],
        [410928103201, "庆南村委会", "2023", "6,500,000", None, None],  # code typed as a number; full name
        ["410928103001", "龙鑫苑社区", 2023, None, None, None],  # nothing filled: skipped
        ["410928103205", "", 2022, 0, "", ""],
    ]))
    assert response.status_code == 302, problems(response)
    rows = {(r.org_unit.code, r.year): r for r in CollectiveIncome.objects.select_related("org_unit")}
    assert set(rows) == {("410928103205", 2023), ("410928103201", 2023), ("410928103205", 2022)}
    assert rows[("410928103205", 2023)].amount == Decimal("65000")
    assert rows[("410928103201", 2023)].amount == Decimal("6500000")
    assert rows[("410928103205", 2022)].amount == Decimal("0")
    assert {r.recorded_by.username for r in rows.values()} == {"town"}
    assert rows[("410928103201", 2023)].history.first().history_user.username == "town"
    event = AuditEvent.objects.get(action="import")
    assert "新增 2 条，更新 1 条" in event.summary and "跳过空白收入行 1 行" in event.summary
    assert event.org_unit == world.town
    follow = client.get("/indicators/")
    assert "导入成功：新增 2 条，更新 1 条" in follow.content.decode()


def test_template_lists_the_villages_the_user_may_record_with_their_values(world, login):
    CollectiveIncome.objects.create(org_unit=world.village, year=2023, operating_income=Decimal(1200), note="旧")
    response = login(world.users[Role.VILLAGE_CADRE]).get("/indicators/import/template.xlsx?year=2023")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.getvalue()))["集体经济收入"]  # a streamed file
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1:] == [("410928103205", "西辛庄村", 2023, 1200, 0, "旧")]


def test_the_downloaded_template_imports_back_unchanged(world, login):
    CollectiveIncome.objects.create(org_unit=world.village, year=2023, operating_income=Decimal(1200))
    client = login(world.users[Role.TOWN_ADMIN])
    content = client.get("/indicators/import/template.xlsx?year=2023").getvalue()  # a streamed file
    outcome = import_workbook(world.users[Role.TOWN_ADMIN], io.BytesIO(content))
    assert outcome.ok and outcome.counts["unchanged"] == 1 and outcome.skipped == 2


GOOD = ["410928103205", "西辛庄村", 2021, 1000, 0, ""]


@pytest.mark.parametrize(
    "row,column,message",
    [
        (["", "西辛庄村", 2023, 1000, 0, ""], "村（社区）代码", "请填写村（社区）代码"),
        (["410928103299", "", 2023, 1000, 0, ""], "村（社区）代码", "不存在或不在您的管辖范围内"),
        (["410928104201", "", 2023, 1000, 0, ""], "村（社区）代码", "不存在或不在您的管辖范围内"),  # another town
        (["410928103", "", 2023, 1000, 0, ""], "村（社区）代码", "不是村（社区）"),
        (["410928103205", "庆南村", 2023, 1000, 0, ""], "村（社区）名称", "与代码不符"),
        (["410928103205", "", None, 1000, 0, ""], "年度", "请填写年度"),
        (["410928103205", "", 1999, 1000, 0, ""], "年度", "年度应为 2000 至 2100"),
        (["410928103205", "", "去年", 1000, 0, ""], "年度", "不是有效的年度"),
        (["410928103205", "", 2023, None, 5, ""], "经营性收入（元）", "请填写经营性收入"),
        (["410928103205", "", 2023, -5, 0, ""], "经营性收入（元）", "收入不能为负数"),
        (["410928103205", "", 2023, 2_000_000_000, 0, ""], "经营性收入（元）", "超过 10 亿元"),
        (["410928103205", "", 2023, "一万", 0, ""], "经营性收入（元）", "不要填写“万元”"),
        (["410928103205", "", 2023, "abc", 0, ""], "经营性收入（元）", "「abc」不是有效的金额"),
        (["410928103205", "", 2023, 1000, -1, ""], "其他收入（元）", "收入不能为负数"),
        (["410928103205", "", 2023, 1000, "x", ""], "其他收入（元）", "不是有效的金额"),
        (["410928103205", "", 2023, 1000, 0, "长" * 201], "备注", "备注不能超过 200 个字"),
        (GOOD, "村（社区）代码", "与第 2 行重复"),
    ],
)
def test_each_row_error_names_sheet_row_and_column_and_nothing_is_written(world, login, row, column, message):
    CollectiveIncome.objects.create(org_unit=world.sibling, year=2023, operating_income=Decimal(7))
    client = login(world.users[Role.TOWN_ADMIN])
    response = upload(client, xlsx([GOOD, ["410928103201", "庆南村", 2023, 99, 0, ""], row]))
    assert response.status_code == 200
    found = problems(response)
    assert len(found) == 1, found
    sheet, number, col, text = found[0]
    assert (sheet, number, col) == ("集体经济收入", 4, column)
    assert message in text
    html = response.content.decode()
    assert "校验未通过，未导入任何数据" in html and "第 4 行" in html and message in html
    # Atomic: the good rows before the bad one were not written, the existing row is untouched.
    assert list(CollectiveIncome.objects.values_list("org_unit__code", "amount")) == [("410928103201", Decimal("7.00"))]
    assert not AuditEvent.objects.filter(action="import").exists()


def test_every_problem_is_listed_at_once(world, login):
    client = login(world.users[Role.TOWN_ADMIN])
    response = upload(client, xlsx([["", "", "x", "-1", "y", ""], GOOD]))
    assert [(r, c) for _, r, c, _ in problems(response)] == [
        (2, "村（社区）代码"), (2, "年度"), (2, "经营性收入（元）"), (2, "其他收入（元）")]
    assert "D列「经营性收入（元）」" in str(response.context["outcome"].problems[2])
    assert not CollectiveIncome.objects.exists()


def test_a_secretary_cannot_import_for_another_village(world, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    response = upload(client, xlsx([GOOD, ["410928103201", "", 2023, 5, 0, ""]]))
    assert problems(response) == [("集体经济收入", 3, "村（社区）代码", "村（社区）代码「410928103201」不存在或不在您的管辖范围内。")]
    assert not CollectiveIncome.objects.exists()


def test_visible_but_read_only_villages_are_refused(world, login):
    from fivestar.people.models import RoleAssignment

    user = world.users[Role.VILLAGE_CADRE]
    RoleAssignment.objects.create(user=user, role=Role.SUPERVISOR, org_unit=world.town)
    response = upload(login(user), xlsx([GOOD, ["410928103201", "", 2023, 5, 0, ""]]))
    assert "您没有填报「410928103201」收入数据的权限" in problems(response)[0][3]
    assert not CollectiveIncome.objects.exists()


@pytest.mark.parametrize(
    "file,where,message",
    [
        (SimpleUploadedFile("income.xlsx", b"PK\x03\x04 damaged"), (None, 0, ""), "文件「income.xlsx」已损坏"),
        (xlsx([GOOD], header=["代码", "名称", "年份"]), ("集体经济收入", 1, "经营性收入（元）"), "缺少必填列「经营性收入（元）」"),
        (xlsx([], header=HEADER), ("集体经济收入", 0, ""), "没有可导入的数据行"),
        (xlsx([["410928103205", "", 2023, None, None, None]]), ("集体经济收入", 0, ""), "没有填写收入的数据行"),
    ],
)
def test_file_level_problems(world, login, file, where, message):
    response = upload(login(world.users[Role.TOWN_ADMIN]), file)
    found = problems(response)
    assert len(found) == 1 and message in found[0][3]
    sheet, row, column = where
    assert found[0][1:3] == (row, column) and (sheet is None or found[0][0] == sheet)
    assert not CollectiveIncome.objects.exists()


def test_reads_the_named_sheet_and_tolerates_half_width_headers(world, login):
    wb = Workbook()
    wb.active.title = "说明"
    ws = wb.create_sheet("集体经济收入")
    ws.append(["村（社区）代码", "年度", "经营性收入(元)", "其他收入 (元)"])
    ws.append(["410928103205", 2023, 100, 1])
    out = io.BytesIO()
    wb.save(out)
    outcome = import_workbook(world.users[Role.TOWN_ADMIN], io.BytesIO(out.getvalue()))
    assert outcome.ok and outcome.counts["created"] == 1
    assert CollectiveIncome.objects.get().amount == Decimal("101")


def test_wrong_extension_and_read_only_users(world, login):
    town = login(world.users[Role.TOWN_ADMIN])
    response = upload(town, SimpleUploadedFile("income.csv", b"a,b"))
    assert "文件「income.csv」是文本（CSV/TXT）文件，不是 Excel（.xlsx）文件" in response.content.decode()
    for role in (Role.SUPERVISOR, Role.OBSERVER, Role.AREA_LEADER):
        client = login(world.users[role])
        assert client.get("/indicators/import/").status_code == 403
        assert upload(client, xlsx([GOOD])).status_code == 403
        assert client.get("/indicators/import/template.xlsx").status_code == 403
    assert not CollectiveIncome.objects.exists()
