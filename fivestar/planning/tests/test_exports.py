"""The creation ledger (xlsx) downloaded as each role with the list's filters, read back; bounded memory and
queries that do not grow with the rows."""

import datetime
import io
import tracemalloc
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from fivestar.planning import exports
from fivestar.planning.models import LedgerTask
from fivestar.planning.services import set_task_status

from .conftest import days

pytestmark = pytest.mark.django_db

URL = "/planning/ledger/export.xlsx"


@pytest.fixture
def ledger(plan):
    w, today = plan.world, timezone.localdate()
    year = today.year
    done = plan.task(title="完善村务公开栏", star_code="zbgy", year=year)
    set_task_status(done, plan.secretary_user, "done", completed_on=today)
    doing = plan.task(title="=HYPERLINK(\"http://x\") 发展集体经济", year=year, deadline=today + days(3))
    set_task_status(doing, plan.secretary_user, "doing")
    late = plan.task(title="修缮村史馆", star_code="wmxf", year=year, deadline=today + days(1))
    LedgerTask.objects.filter(pk=late.pk).update(deadline=today - days(2))  # its deadline passed since
    sibling = plan.task(village=w.sibling, title="庆南村道路硬化", year=year, responsible=plan.sibling_secretary)
    other = plan.task(village=w.other_village, user=plan.county_admin, title="八公桥村档案整理", year=year)
    return {"done": done, "doing": doing, "late": late, "sibling": sibling, "other": other, "year": year}


def read(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(wb[exports.SHEET].iter_rows(values_only=True))
    header = list(rows[1])
    return rows[0][0], header, [dict(zip(header, r, strict=False)) for r in rows[2:]]


def filename(response) -> str:
    return unquote(response["Content-Disposition"].split("filename*=UTF-8''", 1)[1])


def test_town_ledger_layout(ledger, plan, login):
    response = login(plan.town_admin).get(URL, {"status": "all", "year": ledger["year"]})
    assert filename(response).startswith(f"创建台账-庆祖镇-{ledger['year']}-")
    title, header, rows = read(response)
    assert title.startswith(f"庆祖镇{ledger['year']}年度创建台账（截至")
    assert header == ["序号", "乡镇", "村（社区）", "所属星", "任务", "责任人", "完成时限", "状态", "完成日期", "来源", "逾期"]
    by_title = {r["任务"]: r for r in rows}
    assert set(by_title) == {"完善村务公开栏", "=HYPERLINK(\"http://x\") 发展集体经济", "修缮村史馆", "庆南村道路硬化"}
    done = by_title["完善村务公开栏"]
    assert done["乡镇"] == "庆祖镇" and done["村（社区）"] == "西辛庄村" and done["所属星"] == "支部过硬星"
    assert done["状态"] == "已完成" and done["完成日期"].date() == timezone.localdate() and done["逾期"] == "否"
    assert done["来源"] == "手工录入" and done["责任人"] == "李包村"
    late = by_title["修缮村史馆"]
    assert late["逾期"] == "是" and late["状态"] == "未开始" and late["完成日期"] is None
    assert late["完成时限"].date() == timezone.localdate() - days(2)
    assert by_title["庆南村道路硬化"]["责任人"] == "孙书记" and by_title["庆南村道路硬化"]["村（社区）"] == "庆南村"
    assert [r["序号"] for r in rows] == [1, 2, 3, 4]


def test_formula_like_text_stays_text(ledger, plan, login):
    response = login(plan.town_admin).get(URL, {"status": "all", "year": ledger["year"]})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))[exports.SHEET]
    cells = [c for c in sheet["E"] if str(c.value).startswith("=HYPERLINK")]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]  # no cell anywhere


def test_filters_are_the_lists(ledger, plan, login):
    client, year = login(plan.town_admin), ledger["year"]
    _, _, rows = read(client.get(URL, {"year": year}))  # default: open tasks only
    assert {r["状态"] for r in rows} == {"未开始", "推进中"} and len(rows) == 3
    _, _, rows = read(client.get(URL, {"year": year, "overdue": "on"}))
    assert [r["任务"] for r in rows] == ["修缮村史馆"]
    _, _, rows = read(client.get(URL, {"year": year, "status": "done"}))
    assert [r["任务"] for r in rows] == ["完善村务公开栏"]
    _, _, rows = read(client.get(URL, {"year": year, "status": "all", "star": "wmxf"}))
    assert [r["任务"] for r in rows] == ["修缮村史馆"]
    _, _, rows = read(client.get(URL, {"year": year, "status": "all", "unit": plan.world.sibling.code}))
    assert [r["任务"] for r in rows] == ["庆南村道路硬化"]
    _, _, rows = read(client.get(URL, {"year": year, "status": "all", "area": plan.world.area.pk}))
    assert {r["村（社区）"] for r in rows} == {"西辛庄村"}
    _, _, rows = read(client.get(URL, {"year": year, "status": "all", "responsible": plan.sibling_secretary.pk}))
    assert [r["任务"] for r in rows] == ["庆南村道路硬化"]
    _, _, rows = read(client.get(URL, {"year": year, "status": "all", "q": "村史"}))
    assert [r["任务"] for r in rows] == ["修缮村史馆"]
    _, _, rows = read(client.get(URL, {"year": year - 1, "status": "all"}))
    assert rows == []
    junk = {"status": "nonsense", "overdue": "maybe", "year": "99999", "responsible": "x" * 40, "source": "\x00"}
    assert client.get(URL, junk).status_code == 200


def test_scope_per_role(ledger, plan, login):
    w, year = plan.world, ledger["year"]
    _, _, rows = read(login(plan.secretary_user).get(URL, {"status": "all", "year": year}))
    assert {r["村（社区）"] for r in rows} == {"西辛庄村"}
    title, _, rows = read(login(plan.county_admin).get(URL, {"status": "all", "year": year}))
    assert title.startswith("濮阳县") and len(rows) == 5 and "八公桥村档案整理" in {r["任务"] for r in rows}
    _, _, rows = read(login(plan.observer).get(URL, {"status": "all", "year": year, "unit": w.other_town.code}))
    assert [r["任务"] for r in rows] == ["八公桥村档案整理"]
    assert login(plan.other_town_admin).get(URL, {"unit": w.town.code}).status_code == 404
    assert login(plan.secretary_user).get(URL, {"unit": w.sibling.code}).status_code == 404
    assert login(plan.town_admin).get(URL, {"area": "999999"}).status_code == 404


def test_needs_login(client):
    assert client.get(URL).status_code == 302


def bulk(plan, n: int, start: int = 0):
    w, today = plan.world, timezone.localdate()
    LedgerTask.objects.bulk_create([
        LedgerTask(org_unit=w.village if i % 2 else w.sibling, year=today.year, star_code="cyxw", title=f"批量任务{i:06d}" + "说明" * 30,
                   deadline=today + datetime.timedelta(days=i % 40), responsible=plan.secretary)
        for i in range(start, start + n)])


def test_queries_and_memory_do_not_grow_with_rows(plan, login):
    client = login(plan.town_admin)
    bulk(plan, 5)
    read(client.get(URL, {"status": "all"}))  # warm: frameworks compiled once per process
    with CaptureQueriesContext(connection) as few:
        _, _, rows = read(client.get(URL, {"status": "all"}))
    assert len(rows) == 5
    bulk(plan, 6000, start=5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"status": "all"})
    assert len(many) <= len(few) + 4  # a few more chunks of the iterator at most
    _, _, rows = read(response)
    assert len(rows) == 6005

    # Peak memory of writing while reading in chunks: far below holding the rows (a chunk at a time).
    scope, tasks = exports.ledger_query(plan.town_admin, {"status": "all"})
    names = exports.FrameworkNames()
    tracemalloc.start()
    try:
        out = exports.write_ledger(exports.ledger_values(tasks), "t", names=names)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out.close()
    assert peak < 25 * 1024 * 1024, peak
