"""操作记录 exported (导出 Excel on the page, GET /api/v1/audit/events.xlsx) and listed for integrations
(GET /api/v1/audit/events): read back with openpyxl, the page's filters applied, scoped to the caller's subtree, text
that a spreadsheet would run kept as text, a fixed number of queries whatever the number of rows."""

import io

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from fivestar.core import history_export
from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.people.models import Person

HEADER_ROW = 3


def _event(unit, user=None, new="冲刺村", **extra):
    return AuditEvent.objects.create(
        user=user, action=extra.pop("action", "update"), model="orgs.orgunit", model_label="组织单位", object_id=str(unit.pk),
        object_repr=unit.display_name, org_unit=unit,
        changes=[{"field": "category", "label": "创建类别", "old": "领航村", "new": new},
                 {"field": "parent", "label": "上级", "old": "", "new": str(unit.parent_id)}], **extra)


@pytest.fixture
def town_admin(world):
    user = world.users[Role.TOWN_ADMIN]
    Person.objects.create(user=user, org_unit=world.town, name="欧春生", gender="M", position="town_leader")
    return user


def _rows(content: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_export_reads_back_with_names_changes_and_filters(world, town_admin, login):
    _event(world.village, town_admin)
    _event(world.sibling, town_admin, new="提升村", summary="调整创建类别")
    AuditEvent.objects.create(user=town_admin, action="import", model="imports.batch", model_label="数据导入",
                              object_repr="导入人员 12 人", org_unit=world.town, summary="导入人员 12 人")
    client = login(town_admin)
    response = client.get("/history/export.xlsx?model=orgs.orgunit&who=欧春生")
    assert response.status_code == 200 and response["Content-Type"] == history_export.XLSX
    assert "attachment" in response["Content-Disposition"] and "filename*=utf-8''%E6%93%8D%E4%BD%9C%E8%AE%B0%E5%BD%95" in response["Content-Disposition"]
    rows = _rows(_body(response))
    assert rows[0][0].startswith("操作记录（导出时间：")
    assert rows[1][0] == "筛选条件：类型：组织单位；操作人：欧春生"
    assert rows[HEADER_ROW - 1][:7] == ["时间", "操作人", "操作", "对象", "所属单位", "单位代码", "变更内容"]
    body = rows[HEADER_ROW:]
    assert len(body) == 2  # the import is another type
    newest = dict(zip(rows[HEADER_ROW - 1], body[0]))
    assert newest["操作人"] == "欧春生（科级干部）" and newest["操作"] == "修改" and newest["对象"] == "组织单位「庆南村」"
    assert newest["所属单位"] == "庆南村" and newest["单位代码"] == world.sibling.code and newest["说明"] == "调整创建类别"
    assert newest["变更内容"] == "创建类别：领航村 → 提升村\n上级：庆祖镇"  # the parent by its name, not its id
    assert newest["时间"].year >= 2025 and newest["来源"] == "数据变更" and isinstance(newest["记录编号"], int)
    # The page's link carries the filters.
    page = client.get("/history/?model=orgs.orgunit&who=欧春生").content.decode()
    assert 'href="/history/export.xlsx?model=orgs.orgunit&amp;who=%E6%AC%A7%E6%98%A5%E7%94%9F"' in page


@pytest.mark.django_db
def test_text_a_spreadsheet_would_run_stays_text(world, town_admin, login):
    _event(world.village, town_admin, new='=HYPERLINK("http://evil.example","点我")', summary="+1+cmd|' /C calc'!A0")
    content = _body(login(town_admin).get("/history/export.xlsx"))
    ws = load_workbook(io.BytesIO(content)).active
    cells = [c for row in ws.iter_rows(min_row=HEADER_ROW + 1) for c in row if isinstance(c.value, str)]
    assert any("HYPERLINK" in c.value for c in cells) and any("calc" in c.value for c in cells)
    assert all(c.data_type == "s" for c in cells)  # never "f"
    summary = next(c for c in cells if "calc" in c.value)
    assert summary.quotePrefix


@pytest.mark.django_db
def test_each_role_exports_only_its_subtree(world, town_admin, login):
    _event(world.village, town_admin)
    _event(world.other_village, world.users[Role.COUNTY_ADMIN])  # another town of the same county
    _event(world.far_village, world.users[Role.SYSADMIN])  # another county

    def units(user):  # the fixtures' own creations are 新增: only the changes made here
        return {row[5] for row in _rows(_body(login(user).get("/history/export.xlsx?action=update")))[HEADER_ROW:]}

    assert units(town_admin) == {world.village.code}
    assert units(world.users[Role.COUNTY_ADMIN]) == {world.village.code, world.other_village.code}
    assert units(world.users[Role.SYSADMIN]) == {world.village.code, world.other_village.code, world.far_village.code}
    # A unit filter outside the town is refused, not widened: back to the page, which says why.
    response = login(town_admin).get(f"/history/export.xlsx?unit={world.other_village.code}")
    assert response.status_code == 302 and response["Location"].startswith("/history/?unit=")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_rows(world, town_admin, login, monkeypatch):
    client = login(town_admin)
    villages = [world.village, world.sibling, world.community]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            rows = _rows(_body(client.get("/history/export.xlsx?action=update")))
        return len(ctx.captured_queries), len(rows) - HEADER_ROW

    for i, unit in enumerate(villages):  # an actor with a person and one without, as below
        _event(unit, world.users[Role.COUNTY_ADMIN] if i % 2 else town_admin)
    few, n_few = count()
    for i in range(60):
        _event(villages[i % 3], world.users[Role.COUNTY_ADMIN] if i % 2 else town_admin)
    many, n_many = count()
    assert (n_few, n_many) == (3, 63)
    assert many == few, (few, many)
    # Several chunks: every row once, newest first, a fixed number of queries per chunk.
    monkeypatch.setattr(history_export, "CHUNK", 10)
    rows = _rows(_body(client.get("/history/export.xlsx?action=update")))[HEADER_ROW:]
    ids = [r[10] for r in rows]
    assert len(ids) == 63 and ids == sorted(ids, reverse=True)


@pytest.mark.django_db
@override_settings(AUDIT_EXPORT_MAX_ROWS=2)
def test_export_stops_at_the_limit_and_says_so(world, town_admin, login):
    for _ in range(3):
        _event(world.village, town_admin)
    rows = _rows(_body(login(town_admin).get("/history/export.xlsx?action=update")))[HEADER_ROW:]
    assert len(rows) == 3 and rows[-1][0].startswith("仅导出了前 2 条记录")


@pytest.mark.django_db
def test_api_lists_and_exports_the_same_scoped_events(world, town_admin, client, api_token):
    _event(world.village, town_admin)
    _event(world.sibling, town_admin)
    _event(world.other_village, world.users[Role.COUNTY_ADMIN])  # another town
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(town_admin)}"}
    response = client.get("/api/v1/audit/events?action=update&limit=1", **headers)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and len(data["items"]) == 1 and data["export"] == "/api/v1/audit/events.xlsx?action=update"
    item = data["items"][0]
    assert item["unit_code"] == world.sibling.code and item["model"] == "orgs.orgunit" and item["object_id"] == str(world.sibling.pk)
    assert item["user_id"] == town_admin.pk and item["actor"] == "欧春生（科级干部）" and item["action_code"] == "update"
    assert item["changes"][0] == {"label": "创建类别", "old": "领航村", "new": "冲刺村"} and item["source"] == "audit"
    second = client.get("/api/v1/audit/events?action=update&limit=1&offset=1", **headers).json()["items"][0]
    assert second["unit_code"] == world.village.code and second["id"] < item["id"]
    filtered = client.get(f"/api/v1/audit/events?action=update&unit={world.village.code}", **headers).json()
    assert filtered["count"] == 1 and filtered["export"] == f"/api/v1/audit/events.xlsx?action=update&unit={world.village.code}"
    export = client.get(filtered["export"], **headers)
    assert export.status_code == 200 and export["Content-Type"] == history_export.XLSX
    assert [r[5] for r in _rows(_body(export))[HEADER_ROW:]] == [world.village.code]
    wrong = client.get(f"/api/v1/audit/events.xlsx?unit={world.far_village.code}", **headers)
    assert wrong.status_code == 422 and "不在您的管辖范围内" in wrong.json()["errors"][0]["message"]
    assert client.get("/api/v1/audit/events").status_code == 401
    schema = client.get("/api/v1/openapi.json").json()["paths"]
    assert schema["/api/v1/audit/events"]["get"]["tags"] == ["操作记录"]
    assert history_export.XLSX in schema["/api/v1/audit/events.xlsx"]["get"]["responses"]["200"]["content"]
