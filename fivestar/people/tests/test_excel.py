"""Excel import of people and responsibilities: real .xlsx files, every error case writes nothing."""

from io import BytesIO
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.imports.people_template import DUTY_COLUMNS, PEOPLE_COLUMNS
from fivestar.people.models import Person, Responsibility

from .helpers import events, person, upload, workbook_bytes

pytestmark = pytest.mark.django_db

URL = "/imports/people/"
V, S, T, G = "410928103205", "410928103201", "410928103", "410928103205001"  # village, sibling, town, group
PEOPLE = [
    [V, "张三", "男", "13812345678", "村党支部书记", "是", ""],
    [V, "李四", "女", 13912345678, "党员", "是", "妇女小组长"],
    [T, "王科长", "男", "0393-1234567", "科级干部", "是", ""],
    [T, "赵干部", "男", "13700000001", "镇干部", "否", ""],
    [V, "孙村干", "男", "", "村干部", "是", ""],
]
DUTIES = [
    ["包片", "王科长", "0393-1234567", T, "西片区", None, None],
    ["包村", "赵干部", "", V, None, None, None],
    ["包组", "孙村干", None, G, None, None, None],
    ["包户", "李四", "13912345678", int(V), None, 3, "甲某、乙某"],
]


def _post(client, data: bytes, name="people.xlsx"):
    return client.post(URL, {"file": upload(data, name)})


@pytest.fixture
def admin_client(world, login):
    return login(world.users[Role.TOWN_ADMIN])


def _nothing_written():
    return not Person.objects.exists() and not Responsibility.objects.exists() and not AuditEvent.objects.filter(model__in=["people.person", "people.responsibility", "imports.batch"]).exists()


def test_template_download(admin_client):
    response = admin_client.get("/imports/people/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["人员", "责任分工", "填写说明"]
    assert [c.value for c in wb["人员"][1]] == PEOPLE_COLUMNS
    assert [c.value for c in wb["责任分工"][1]] == DUTY_COLUMNS
    people_lists = [dv.formula1 for dv in wb["人员"].data_validations.dataValidation]
    assert any("男,女" in f for f in people_lists)
    assert any("村党支部书记" in f and "镇干部" in f for f in people_lists)
    assert any("是,否" in f for f in people_lists)
    assert any("包片,包村,包组,包户" in dv.formula1 for dv in wb["责任分工"].data_validations.dataValidation)
    assert "包户" in " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row)


def test_round_trip_through_the_template(world, admin_client):
    template = admin_client.get("/imports/people/template.xlsx").content
    response = _post(admin_client, workbook_bytes(PEOPLE, DUTIES, template=template))
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "导入成功" in html and "新增 5 人" in html and "新增 4 项" in html
    assert Person.objects.count() == 5
    li = Person.objects.get(name="李四")
    assert (li.gender, li.phone, li.position, li.is_party_member, li.note) == ("F", "13912345678", "party_member", True, "妇女小组长")
    assert Person.objects.get(name="孙村干").phone == ""
    duties = {r.duty: r for r in Responsibility.objects.select_related("person", "area", "org_unit")}
    assert duties["area"].area == world.area and duties["area"].person.name == "王科长"
    assert duties["village"].org_unit == world.village
    assert duties["group"].org_unit == world.group
    assert duties["households"].household_count == 3 and duties["households"].heads() == ["甲某", "乙某"]
    admin = world.users[Role.TOWN_ADMIN]
    assert events("people.person").filter(user=admin).count() == 5
    assert events("people.responsibility").filter(user=admin).count() == 4
    batch = AuditEvent.objects.get(model="imports.batch")
    assert batch.user == admin and batch.org_unit == world.town and "新增人员5人" in batch.summary
    # the village page shows the imported chain
    village = admin_client.get(f"/orgs/{V}/").content.decode()
    assert "王科长" in village and "赵干部" in village and "孙村干" in village


def test_reimport_is_idempotent_and_updates(world, admin_client):
    data = workbook_bytes(PEOPLE, DUTIES)
    _post(admin_client, data)
    again = _post(admin_client, data).content.decode()
    assert "新增 0 人，更新 0 人，无变化 5 人" in again and "新增 0 项，更新 0 项，无变化 4 项" in again
    changed_people = [row[:] for row in PEOPLE]
    changed_people[1][4] = "村干部"
    changed_duties = [row[:] for row in DUTIES]
    changed_duties[3][5] = 4
    html = _post(admin_client, workbook_bytes(changed_people, changed_duties)).content.decode()
    assert "更新 1 人" in html and "更新 1 项" in html
    assert Person.objects.get(name="李四").position == "village_cadre"
    assert Responsibility.objects.get(duty="households").household_count == 4
    assert Person.objects.count() == 5


def test_duties_can_name_people_already_in_the_system(world, admin_client):
    person(world.village, "周党员", phone="13600000000")
    response = _post(admin_client, workbook_bytes([], [["包户", "周党员", None, V, None, 0, None]]))
    assert response.status_code == 200
    assert Responsibility.objects.get().person.name == "周党员"


ROW_ERRORS = [
    ("unknown unit", [["999999999999", "张三", "男", "", "党员", "是", ""]], [], ("人员", 2, "单位代码", "不存在或不在您的管辖范围内")),
    ("unit out of scope", [["410922100201", "张三", "男", "", "党员", "是", ""]], [], ("人员", 2, "单位代码", "不在您的管辖范围内")),
    ("bad phone", [[V, "张三", "男", "12345", "党员", "是", ""]], [], ("人员", 2, "联系电话", "手机号码")),
    ("unknown position", [[V, "张三", "男", "", "队长", "是", ""]], [], ("人员", 2, "职务", "职务「队长」无效")),
    ("unknown gender", [[V, "张三", "未知", "", "党员", "是", ""]], [], ("人员", 2, "性别", "性别应为")),
    ("bad party flag", [[V, "张三", "男", "", "党员", "也许", ""]], [], ("人员", 2, "是否党员", "是否党员")),
    ("missing name", [[V, "", "男", "", "党员", "是", ""]], [], ("人员", 2, "姓名", "请填写姓名")),
    ("secretary not in party", [[V, "张三", "男", "", "村党支部书记", "否", ""]], [], ("人员", 2, "是否党员", "须为中共党员")),
    ("position at wrong level", [[V, "张三", "男", "", "镇干部", "否", ""]], [], ("人员", 2, "单位代码", "乡镇")),
    ("duplicate person rows", [PEOPLE[0], PEOPLE[0]], [], ("人员", 3, "姓名", "与第3行重复")),
    ("unknown duty", PEOPLE[:1], [["包山", "张三", "", V, None, None, None]], ("责任分工", 2, "责任类型", "责任类型「包山」无效")),
    ("person not found", [], [["包村", "无此人", "", V, None, None, None]], ("责任分工", 2, "责任人姓名", "未找到责任人")),
    ("area not in town", PEOPLE[2:3], [["包片", "王科长", "", T, "东片区", None, None]], ("责任分工", 2, "片区名称", "不属于")),
    ("area missing", PEOPLE[2:3], [["包片", "王科长", "", T, None, None, None]], ("责任分工", 2, "片区名称", "包片须指定片区")),
    ("village duty on a group", PEOPLE[3:4], [["包村", "赵干部", "", G, None, None, None]], ("责任分工", 2, "责任单位代码", "包村的责任单位应为村")),
    ("group duty on a village", PEOPLE[4:5], [["包组", "孙村干", "", V, None, None, None]], ("责任分工", 2, "责任单位代码", "村民小组")),
    ("households without count", PEOPLE[1:2], [["包户", "李四", "", V, None, None, None]], ("责任分工", 2, "联系户数", "须填写联系户数")),
    ("negative households", PEOPLE[1:2], [["包户", "李四", "", V, None, -1, None]], ("责任分工", 2, "联系户数", "不能小于0")),
    ("non-integer households", PEOPLE[1:2], [["包户", "李四", "", V, None, "三户", None]], ("责任分工", 2, "联系户数", "应为整数")),
    ("households by non-member", PEOPLE[3:4], [["包户", "赵干部", "", V, None, 2, None]], ("责任分工", 2, "责任人姓名", "须为中共党员")),
    ("duty unit out of scope", PEOPLE[1:2], [["包户", "李四", "", "410922100201", None, 1, None]], ("责任分工", 2, "责任单位代码", "不在您的管辖范围内")),
    ("duplicate duty rows", PEOPLE[3:4], [DUTIES[1], DUTIES[1]], ("责任分工", 3, "责任类型", "与第2行重复")),
    ("ambiguous person", [[V, "张三", "男", "13812345678", "党员", "是", ""], [S, "张三", "男", "13812345679", "党员", "是", ""]],
     [["包户", "张三", "", V, None, 1, None]], ("责任分工", 2, "责任人电话", "请填写责任人电话以区分")),
]


@pytest.mark.parametrize("people,duties,expected", [c[1:] for c in ROW_ERRORS], ids=[c[0] for c in ROW_ERRORS])
def test_row_errors_write_nothing(world, admin_client, people, duties, expected):
    valid_extra = [[S, "钱七", "男", "13800000000", "党员", "是", ""]]  # a valid row that must not be written either
    response = _post(admin_client, workbook_bytes(valid_extra + people if people else valid_extra, duties))
    assert response.status_code == 422
    html = response.content.decode()
    sheet, row, column, message = expected
    row = row + 1 if sheet == "人员" else row  # the valid row occupies row 2 of 人员
    assert "未写入任何数据" in html
    assert f"<td>{sheet}</td><td>第 {row} 行</td><td>{column}</td>" in html, html[html.find("import-errors"):][:1500]
    assert message in html
    assert _nothing_written()


def test_phone_and_code_typed_as_numbers(world, admin_client):
    response = _post(admin_client, workbook_bytes([[int(V), "张三", "男", 13812345678.0, "党员", "是", None]]))
    assert response.status_code == 200
    assert Person.objects.get().phone == "13812345678"


def test_missing_header(world, admin_client):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "人员"
    wb.active.append(["单位代码", "名字", "性别", "职务"])
    wb.active.append([V, "张三", "男", "党员"])
    buffer = BytesIO()
    wb.save(buffer)
    html = _post(admin_client, buffer.getvalue()).content.decode()
    assert "缺少表头「姓名」" in html and _nothing_written()


@pytest.mark.parametrize(
    "data,name,message",
    [
        ("name,phone\n张三,138\n".encode(), "people.csv", "文件「people.csv」是文本（CSV/TXT）文件，不是 Excel（.xlsx）文件"),
        (b"\xd0\xcf\x11\xe0 old excel", "people.xls", "文件「people.xls」是旧版 Excel 97-2003（.xls）格式"),
        (b"this is not a zip at all", "people.xlsx", "文件「people.xlsx」是文本（CSV/TXT）文件"),
        (b"", "people.xlsx", "文件「people.xlsx」是空的"),
    ],
)
def test_file_errors(world, admin_client, data, name, message):
    response = admin_client.post(URL, {"file": upload(data, name)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _nothing_written()


def test_zip_that_is_not_a_workbook(world, admin_client):
    buffer = BytesIO()
    with ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "不是工作簿")
    response = _post(admin_client, buffer.getvalue())
    assert response.status_code == 400 and "是普通 zip 压缩包，不含 Excel 工作簿" in response.content.decode()


def test_truncated_workbook(world, admin_client):
    data = workbook_bytes(PEOPLE)
    response = _post(admin_client, data[: len(data) // 2])
    assert response.status_code == 400 and "已损坏（可能未上传完整）" in response.content.decode()
    assert _nothing_written()


def test_workbook_without_our_sheets_or_rows(world, admin_client):
    from openpyxl import Workbook

    buffer = BytesIO()
    Workbook().save(buffer)
    assert "未找到「人员」或「责任分工」工作表" in _post(admin_client, buffer.getvalue()).content.decode()
    assert "没有可导入的数据行" in _post(admin_client, workbook_bytes()).content.decode()


def test_no_file(admin_client):
    response = admin_client.post(URL, {})
    assert response.status_code == 400 and "请选择要上传的 .xlsx 文件" in response.content.decode()


@pytest.mark.parametrize("role", [Role.VILLAGE_CADRE, Role.VILLAGE_LIAISON, Role.OBSERVER, Role.SUPERVISOR, Role.AREA_LEADER])
def test_import_needs_import_people(world, login, role):
    client = login(world.users[role])
    assert client.get(URL).status_code == 403
    assert client.get("/imports/people/template.xlsx").status_code == 403
    assert client.post(URL, {"file": upload(workbook_bytes(PEOPLE))}).status_code == 403
    assert _nothing_written()


def test_county_admin_imports_across_towns(world, login):
    client = login(world.users[Role.COUNTY_ADMIN])
    rows = [[V, "张三", "男", "", "党员", "是", ""], ["410928104201", "李四", "女", "", "党员", "是", ""]]
    assert _post(client, workbook_bytes(rows)).status_code == 200
    assert AuditEvent.objects.get(model="imports.batch").org_unit == world.county


def test_each_upload_is_recorded_as_a_job(world, admin_client, login):
    from fivestar.imports.models import ImportJob

    _post(admin_client, workbook_bytes([["999", "张三", "男", "", "党员", "是", ""]]))
    _post(admin_client, b"junk")
    _post(admin_client, workbook_bytes(PEOPLE, DUTIES))
    failed, broken, done = ImportJob.objects.filter(kind=ImportJob.Kind.PEOPLE).order_by("id")
    assert failed.status == ImportJob.Status.INVALID and failed.org_unit is None and failed.errors[0]["column"] == "单位代码"
    assert broken.status == ImportJob.Status.INVALID and "不是 Excel（.xlsx）文件" in broken.message
    assert done.status == ImportJob.Status.DONE and done.org_unit == world.town and done.result["people_created"] == 5
    assert done.created_by == world.users[Role.TOWN_ADMIN] and done.total == 9
    page = admin_client.get(f"/imports/people/{failed.pk}/").content.decode()
    assert "不存在或不在您的管辖范围内" in page and "第 2 行" in page
    assert "新增 5 人" in admin_client.get(f"/imports/people/{done.pk}/").content.decode()
    observer = login(world.users[Role.OBSERVER])  # sees the town's successful import, not another user's failed upload
    assert observer.get(f"/imports/people/{done.pk}/").status_code == 200
    assert observer.get(f"/imports/people/{failed.pk}/").status_code == 404
    cadre = login(world.users[Role.VILLAGE_CADRE])  # the job's unit is the town, above the cadre's village
    assert cadre.get(f"/imports/people/{done.pk}/").status_code == 404
