"""会议调度 in a real browser: the town administrator opens this Thursday's dispatch meeting from its series, generates
the briefing (the page follows it to 已生成) and downloads the Word file, whose text read back with python-docx holds
the live figures (problems found since the last meeting, the last meeting's decision and its status); records the
minutes and attendance, holds the meeting, adds a decision that becomes a ledger task; the next meeting lists it
among the open decisions; the briefing reads on a phone."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from fivestar.meetings.models import Decision, Meeting, MeetingStatus
from fivestar.meetings.services import add_decision, create_meeting, save_series
from fivestar.planning.models import LedgerTask
from fivestar.planning.models.ledger import TaskSource
from fivestar.planning.tests.conftest import Plan
from fivestar.rating.tests.conftest import published_framework
from fivestar.supervision.models import Problem

from .conftest import PHONE

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def plan(live_world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    published_framework("puyang-2023-rural")
    published_framework("puyang-2023-community")
    return Plan(live_world)


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def test_hold_a_dispatch_meeting_with_its_briefing_and_a_decision(plan, live_world, browser, sign_in, live_server, shot):
    w = live_world
    today = timezone.localdate()
    series = save_series(plan.town_admin, unit=w.town, kind="dispatch", place="镇政府三楼会议室", attendees=[plan.liaison, plan.area_leader])
    last = create_meeting(plan.town_admin, series=series, date=today - datetime.timedelta(days=7))
    add_decision(plan.town_admin, last, text_value="拆除西辛庄残垣断壁", owner=plan.liaison,
                 deadline=today + datetime.timedelta(days=2), village=w.village, star_code="stjy")
    for n in range(2):
        Problem.objects.create(org_unit=w.village, description=f"柴草乱堆{n}", deadline=today + datetime.timedelta(days=5),
                               found_on=today - datetime.timedelta(days=1))

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
    page = context.new_page()
    sign_in(page, "town")
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("nav-meetings").click()
    page.locator(f"[data-testid=series-list] input[name=date]").fill(today.isoformat())
    page.get_by_test_id(f"new-meeting-{series.pk}").click()
    expect(page.get_by_test_id("meeting-page")).to_contain_text("周调度会")
    meeting = Meeting.objects.get(series=series, date=today)
    expect(page.get_by_test_id("carried-decisions")).to_contain_text("拆除西辛庄残垣断壁")

    page.get_by_test_id("briefing-start").click()
    expect(page.get_by_test_id("briefing-status")).to_contain_text("已生成")
    with page.expect_download() as info:
        page.get_by_test_id("briefing-docx").click()
    text = _docx_text(open(info.value.path(), "rb").read())
    assert "庆祖镇" in text and "本期新发现问题 2 个" in text
    assert "拆除西辛庄残垣断壁" in text and "李包村" in text and "未开始" in text
    shot(page, "meeting-briefing")

    page.get_by_label("会议纪要").fill("会议听取了西辛庄村的汇报，研究了人居环境整治。")
    page.get_by_label("会议已召开").check()
    page.get_by_test_id("meeting-save").click()
    expect(page.get_by_test_id("meeting-status")).to_have_text("已召开")
    page.get_by_label("李包村出席情况").select_option("leave")
    page.get_by_test_id("attendance-save").click()
    expect(page.get_by_label("李包村出席情况")).to_have_value("leave")

    form = page.get_by_test_id("decision-form")
    form.get_by_label("议定事项").fill("西辛庄村完成坑塘清淤")
    form.get_by_label("落实村（社区）").select_option(str(w.village.pk))
    form.get_by_label("所属星").select_option("stjy")
    form.get_by_label("责任人").select_option(str(plan.secretary.pk))
    form.get_by_label("完成时限").fill((today + datetime.timedelta(days=10)).isoformat())
    page.get_by_test_id("decision-save").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("西辛庄村完成坑塘清淤")
    decision = Decision.objects.get(text="西辛庄村完成坑塘清淤")
    task = LedgerTask.objects.get(pk=decision.task_id)
    assert (task.source, task.responsible, task.org_unit) == (TaskSource.MEETING, plan.secretary, w.village)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD

    nxt = create_meeting(plan.town_admin, series=series, date=today + datetime.timedelta(days=7))
    page.goto(f"{live_server.url}/meetings/{nxt.pk}/")
    carried = page.get_by_test_id("carried-decisions")
    expect(carried).to_contain_text("西辛庄村完成坑塘清淤")
    expect(carried).to_contain_text("未开始")
    context.close()

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True)
    page = phone.new_page()
    sign_in(page, "county")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/briefing/")
    view = page.get_by_test_id("briefing-view")
    expect(view).to_contain_text("本期新发现问题 2 个")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, width
    shot(page, "meeting-briefing-phone")
    phone.close()


def test_edit_and_stop_a_series_and_a_countys_series_stays_the_countys(plan, live_world, browser, sign_in, live_server, shot):
    """The town's administrator opens a series from the meetings page, changes its place, weekday and default attendees,
    reads the change in its record, stops it (no more 新建会议 on the list, listed among the stopped series) and starts
    it again; a series the county set up for the town shows why the town may not change it."""
    w = live_world
    series = save_series(plan.town_admin, unit=w.town, kind="dispatch", place="镇政府三楼会议室", attendees=[plan.liaison])
    county = save_series(plan.county_admin, unit=w.town, kind="monthly", name="县督导月例会", weekday=4)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True)
    page = context.new_page()
    sign_in(page, "town")
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_test_id(f"series-link-{series.pk}").click()
    expect(page.get_by_test_id("series-page")).to_contain_text("周调度会")
    page.get_by_label("默认地点").fill("镇党委会议室")
    page.get_by_label("默认星期").select_option("2")
    page.get_by_label("默认参会人员（可多选）").select_option([str(plan.liaison.pk), str(plan.secretary.pk)])
    page.get_by_test_id("series-save").click()
    expect(page.get_by_test_id("series-defaults")).to_contain_text("默认星期三 · 镇党委会议室")
    expect(page.get_by_test_id("series-attendees")).to_contain_text("王书记")
    history = page.get_by_test_id("series-history")
    expect(history).to_contain_text("默认参会人员")
    expect(history).to_contain_text("镇党委会议室")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, width
    shot(page, "meeting-series-phone")

    page.get_by_test_id("series-deactivate").click()
    expect(page.get_by_test_id("series-status")).to_have_text("已停用")
    page.goto(f"{live_server.url}/meetings/")
    expect(page.get_by_test_id(f"new-meeting-{series.pk}")).to_have_count(0)
    expect(page.get_by_test_id("stopped-series")).to_contain_text("周调度会")
    page.goto(f"{live_server.url}/meetings/series/{series.pk}/")
    page.get_by_test_id("series-activate").click()
    expect(page.get_by_test_id("series-status")).to_have_text("使用中")

    page.goto(f"{live_server.url}/meetings/series/{county.pk}/")
    expect(page.get_by_test_id("series-outranked")).to_contain_text("由濮阳县设立")
    expect(page.get_by_test_id("series-edit-form")).to_have_count(0)
    context.close()
