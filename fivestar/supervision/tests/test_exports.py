"""The problem ledger (xlsx) and the rectification notice (docx): downloaded as each role, opened and read back."""

import datetime
import io
import tracemalloc
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from fivestar.core.roles import Role
from fivestar.standards.models import FrameworkVersion
from fivestar.supervision.exports import ledger as ledger_module
from fivestar.supervision.models import Problem
from fivestar.supervision.services import accept, reject, run_daily, start_rectification, submit_rectification

pytestmark = pytest.mark.django_db

FRAMEWORKS = Path(__file__).resolve().parents[2] / "standards" / "frameworks"
LEDGER = "/supervision/exports/ledger.xlsx"


@pytest.fixture
def framework(db):
    data = yaml.safe_load((FRAMEWORKS / "puyang-2023-rural.yaml").read_text(encoding="utf-8"))
    return FrameworkVersion.objects.create(code=data["code"], name=data["name"], branch_type=data["branch_type"],
                                           version=data["version"], data=data, status="published", published_at=timezone.now())


@pytest.fixture
def story(sup, framework):
    """In 庆祖镇: one problem rejected once then signed off, one overdue and escalated, one in the sibling village;
    one problem in 八公桥镇 (another town of the county)."""
    w, today = sup.world, timezone.localdate()
    closed = sup.problem(description="村委会门口垃圾堆放", star_code="zbgy", rule_code="zbgy-01-01", severity="general",
                         team=sup.team, found_on=today - datetime.timedelta(days=20))
    start_rectification(closed, sup.secretary_user, "马上清理")
    submit_rectification(closed, sup.secretary_user, "第一次：已清运一车")
    reject(closed, sup.supervisor, "仍有残留")
    submit_rectification(closed, sup.secretary_user, "第二次：全部清运并设置垃圾桶", evidence=[sup.photo()])
    accept(closed, sup.supervisor, "整改到位")
    late = sup.problem(description="=HYPERLINK(\"http://x\") 公示栏破损", severity="serious",
                       found_on=today - datetime.timedelta(days=30), deadline=today - datetime.timedelta(days=5))
    run_daily(today)
    sibling = sup.problem(village=w.sibling, description="庆南村道路坑洼", severity="minor")
    other = sup.problem(user=sup.county_supervisor, village=w.other_village, description="八公桥村档案不全")
    for p in (closed, late, sibling, other):
        p.refresh_from_db()
    return {"closed": closed, "late": late, "sibling": sibling, "other": other}


def _rows(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(wb["督导问题台账"].iter_rows(values_only=True))
    title, header, body = rows[0], rows[1], rows[2:]
    return title[0], list(header), [dict(zip(header, r, strict=False)) for r in body]


def _filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return unquote(disposition.split("filename*=UTF-8''", 1)[1])


def test_ledger_has_every_state_date_for_the_town(story, sup, login):
    response = login(sup.town_admin).get(LEDGER, {"status": "all"})
    content = b"".join(response.streaming_content)
    response.streaming_content = [content]
    title, header, rows = _rows(response)
    assert _filename(response).startswith("督导问题台账-庆祖镇-") and _filename(response).endswith(".xlsx")
    assert title.startswith("庆祖镇督导问题台账（截至")
    assert header == ledger_module.HEADERS
    assert {r["问题描述"] for r in rows} == {"村委会门口垃圾堆放", "=HYPERLINK(\"http://x\") 公示栏破损", "庆南村道路坑洼"}
    closed = next(r for r in rows if r["问题描述"] == "村委会门口垃圾堆放")
    p = story["closed"]
    assert closed["村（社区）"] == "西辛庄村" and closed["乡镇（街道）"] == "庆祖镇" and closed["县（区）"] == "濮阳县"
    assert closed["村（社区）代码"] == "410928103205" and closed["督导组"] == "第一督导组"
    assert closed["所涉星"] == "支部过硬星" and closed["所涉细则"].startswith("zbgy-01-01 ")
    assert closed["严重程度"] == "较重" and closed["状态"] == "已销号" and closed["是否逾期"] == "逾期完成"
    assert closed["整改责任人"] == "王书记" and closed["销号人"] == "张督导"
    assert closed["发现日期"].date() == p.found_on and closed["整改期限"].date() == p.deadline
    for column, value in (("开始整改", p.rectifying_at), ("提交复查", p.submitted_at), ("销号时间", p.closed_at)):
        assert value is not None
        assert abs(closed[column] - timezone.localtime(value).replace(tzinfo=None)) < datetime.timedelta(seconds=1)
    assert closed["退回次数"] == 1 and closed["最近整改措施"] == "第二次：全部清运并设置垃圾桶"
    late = next(r for r in rows if r["问题描述"].endswith("公示栏破损"))
    assert late["状态"] == "待整改" and late["是否逾期"] == "是" and late["逾期升级"] == "包片领导"
    assert late["开始整改"] is None and late["销号时间"] is None and late["退回次数"] == 0
    assert late["问题描述"].startswith("=HYPERLINK")
    sheet = load_workbook(io.BytesIO(content))["督导问题台账"]
    cells = [c for c in sheet["I"] if str(c.value).startswith("=HYPERLINK")]
    assert len(cells) == 1 and cells[0].data_type == "s"  # kept as text, never a live formula
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]  # no cell anywhere


def test_ledger_filters_are_the_list_filters(story, sup, login):
    client = login(sup.town_admin)
    _, _, rows = _rows(client.get(LEDGER))  # default: not yet signed off
    assert {r["问题描述"] for r in rows} == {"=HYPERLINK(\"http://x\") 公示栏破损", "庆南村道路坑洼"}
    _, _, rows = _rows(client.get(LEDGER, {"status": "closed"}))
    assert [r["问题描述"] for r in rows] == ["村委会门口垃圾堆放"]
    _, _, rows = _rows(client.get(LEDGER, {"overdue": "1"}))
    assert [r["严重程度"] for r in rows] == ["严重"]
    _, _, rows = _rows(client.get(LEDGER, {"status": "all", "unit": sup.world.sibling.code}))
    assert [r["问题描述"] for r in rows] == ["庆南村道路坑洼"]
    _, _, rows = _rows(client.get(LEDGER, {"status": "all", "team": sup.team.pk, "star": "zbgy"}))
    assert [r["问题描述"] for r in rows] == ["村委会门口垃圾堆放"]
    _, _, rows = _rows(client.get(LEDGER, {"status": "all", "severity": "minor", "start": "2000-01-01"}))
    assert [r["问题描述"] for r in rows] == ["庆南村道路坑洼"]
    assert client.get(LEDGER, {"unit": sup.world.other_town.code}).status_code == 404
    assert client.get(LEDGER, {"unit": "x" * 400}).status_code == 404
    assert client.get(LEDGER, {"status": "nonsense", "overdue": "maybe", "start": "2024-13-45"}).status_code == 200


def test_ledger_scope_per_role(story, sup, login):
    _, _, rows = _rows(login(sup.secretary_user).get(LEDGER, {"status": "all"}))
    assert {r["村（社区）"] for r in rows} == {"西辛庄村"}
    response = login(sup.world.users[Role.COUNTY_ADMIN]).get(LEDGER, {"status": "all"})
    title, _, rows = _rows(response)
    assert title.startswith("濮阳县") and len(rows) == 4 and "八公桥村档案不全" in {r["问题描述"] for r in rows}
    _, _, rows = _rows(login(sup.observer).get(LEDGER, {"status": "all", "unit": sup.world.other_town.code}))
    assert [r["问题描述"] for r in rows] == ["八公桥村档案不全"]
    assert login(sup.other_town_supervisor).get(LEDGER, {"unit": sup.world.town.code}).status_code == 404


def test_ledger_needs_login(client):
    assert client.get(LEDGER).status_code == 302


def _bulk(sup, n: int, start: int = 0):
    w, today = sup.world, timezone.localdate()
    Problem.objects.bulk_create([
        Problem(org_unit=w.village if i % 2 else w.sibling, team=sup.team, description=f"批量问题{i:06d}" + "说明" * 40,
                severity="minor", deadline=today, found_on=today, responsible=sup.secretary)
        for i in range(start, start + n)])


def test_ledger_queries_do_not_grow_with_rows(sup, login, framework):
    client = login(sup.town_admin)
    _bulk(sup, 5)
    _rows(client.get(LEDGER))  # warm: the frameworks compiled once per process
    with CaptureQueriesContext(connection) as few:
        _, _, rows = _rows(client.get(LEDGER))
    assert len(rows) == 5
    _bulk(sup, 120, start=5)
    with CaptureQueriesContext(connection) as many:
        _, _, rows = _rows(client.get(LEDGER))
    assert len(rows) == 125
    assert len(many.captured_queries) == len(few.captured_queries)


def _peak(qs) -> int:
    tracemalloc.start()
    try:
        with ledger_module.write_ledger(ledger_module.ledger_values(qs), "测试") as fh:
            fh.read(10)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_ledger_is_streamed_in_bounded_memory(sup, framework, monkeypatch):
    monkeypatch.setattr(ledger_module, "CHUNK", 100)
    _bulk(sup, 300)
    small = _peak(Problem.objects.all())
    _bulk(sup, 2700, start=300)
    big = _peak(Problem.objects.all())
    # Ten times the rows (each with a 170-character description): a list of them would cost megabytes more.
    assert big - small < 1_500_000, (small, big)
    with ledger_module.write_ledger(ledger_module.ledger_values(Problem.objects.all()), "测试") as fh:
        wb = load_workbook(fh, read_only=True)
        assert sum(1 for _ in wb["督导问题台账"].iter_rows()) == 3000 + 2


# ---- the rectification notice ---------------------------------------------------------------------------------


def _notice_url(code):
    return f"/supervision/villages/{code}/notice.docx"


def _document(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Document(io.BytesIO(response.content))


def test_notice_lists_open_problems_in_the_official_layout(story, sup, login):
    response = login(sup.town_admin).get(_notice_url(sup.world.village.code))
    doc = _document(response)
    name = _filename(response)
    assert name.startswith("西辛庄村督导问题整改通知书-") and name.endswith(".docx")
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[0] == "关于西辛庄村督导问题限期整改的通知"
    assert doc.paragraphs[0].alignment == 1  # centred
    assert texts[1] == "西辛庄村党支部、村民委员会："
    assert "发现1个问题" in texts[2] or "有1个问题" in texts[2]
    assert "特此通知。" in texts
    today = timezone.localdate()
    assert texts[-3] == "庆祖镇督导组" and texts[-2] == f"{today.year}年{today.month}月{today.day}日"
    assert texts[-1] == "抄送：李包村（包村干部）。"
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["序号", "问题描述", "所涉星（细则）", "严重程度", "发现日期", "整改期限", "整改责任人"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    late = story["late"]
    assert rows == [["1", late.description, "—", "严重", f"{late.found_on.year}年{late.found_on.month}月{late.found_on.day}日",
                     f"{late.deadline.year}年{late.deadline.month}月{late.deadline.day}日", "王书记"]]
    runs = [r for p in doc.paragraphs[:1] for r in p.runs]
    assert runs[0].font.size.pt == 22


def test_notice_for_one_inspection_names_the_team_and_visit(sup, login, framework):
    from fivestar.supervision.services import record_inspection

    day = timezone.localdate()
    inspection = record_inspection(sup.supervisor, sup.team, date=day, kind="routine", villages=[sup.world.village])
    p = sup.problem(inspection=inspection, description="党员活动室未开放", star_code="zbgy", rule_code="zbgy-01-01")
    sup.problem(description="另一问题不在本次督导")
    doc = _document(login(sup.supervisor).get(_notice_url(sup.world.village.code), {"inspection": inspection.pk}))
    body = [para.text for para in doc.paragraphs if para.text.strip()]
    assert f"{day.year}年{day.month}月{day.day}日第一督导组对你村开展督导检查，发现1个问题" in body[2]
    assert body[-3] == "庆祖镇第一督导组"
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows[1:]]
    assert len(rows) == 1 and rows[0][1] == p.description and rows[0][2].startswith("支部过硬星；zbgy-01-01 ")


def test_notice_is_scoped(story, sup, login):
    w = sup.world
    assert login(sup.secretary_user).get(_notice_url(w.village.code)).status_code == 200
    assert login(sup.secretary_user).get(_notice_url(w.sibling.code)).status_code == 404
    assert login(sup.town_admin).get(_notice_url(w.far_village.code)).status_code == 404
    assert login(sup.town_admin).get(_notice_url(w.town.code)).status_code == 404  # not a village
    assert login(sup.town_admin).get(_notice_url("9" * 300)).status_code == 404
    assert login(sup.town_admin).get(_notice_url("x%00" * 30)).status_code in (400, 404)  # the middleware refuses NUL
    assert login(sup.town_admin).get(_notice_url(w.village.code), {"inspection": "9" * 40}).status_code == 200


def test_notice_for_a_community_without_problems(sup, login, framework):
    doc = _document(login(sup.town_admin).get(_notice_url(sup.world.community.code)))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[1] == "龙鑫苑社区党支部、居民委员会：" or texts[1].endswith("党支部、居民委员会：")
    assert any("没有未销号的督导问题" in t for t in texts) and not doc.tables
    assert texts[-1] == "抄送：庆祖镇包村干部。"
