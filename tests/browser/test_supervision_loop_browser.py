"""The whole supervision loop on phones (390×844): the inspector records an inspection with two problems and photos
on the field page, with the connection cut while a photo uploads; the village secretary sees both problems and
submits a rectification; the inspector returns it (退回); the secretary submits again; the inspector signs it off
(销号). The other problem passes its deadline: the daily job (run for later dates) marks it overdue and escalates
it step by step (包村干部 → 包片领导 → 镇级管理员), twice run sends nothing twice, and the problem shows as overdue
in the list and in the xlsx ledger."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from fivestar.inbox.models import Notification
from fivestar.rating.models import Evidence
from fivestar.rating.tests.conftest import published_framework
from fivestar.supervision.models import Inspection, Problem, Rectification
from fivestar.supervision.tests.conftest import Sup

from .conftest import PHONE
from .field_helpers import PHOTOS, cut_after_server_saved, fill_problem, jpeg, waiting

pytestmark = pytest.mark.browser
RUBBISH, NOTICEBOARD = "村口垃圾堆放未清运", "党务公开栏内容未更新"
TODAY = timezone.localdate()
FOUND_ON = TODAY - datetime.timedelta(days=20)
RUBBISH_DEADLINE = TODAY + datetime.timedelta(days=5)


def phone(browser, sign_in, username):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    sign_in(page, username)
    return context, page


def open_problem(page, live_server, description):
    page.goto(f"{live_server.url}/supervision/problems/")
    page.get_by_test_id("problem-link").filter(has_text=description).click()
    expect(page.get_by_test_id("problem-description")).to_have_text(description)


def record_inspection(context, page, live_server, tmp_path):
    page.goto(f"{live_server.url}/supervision/field/")
    page.get_by_label("督导日期").fill(FOUND_ON.isoformat())  # written up late: the visit was three weeks ago
    page.get_by_label("西辛庄村").check()
    page.get_by_label("督导情况").fill("第 1 周常态化督导：查看村容村貌、党务公开。")
    page.get_by_label("拍摄现场照片").set_input_files(jpeg(tmp_path / "scene.jpg", (120, 90, 60)))
    page.get_by_test_id("field-add-problem").click()
    first = page.get_by_test_id("field-problem").nth(0)
    fill_problem(first, "西辛庄村", "较重", RUBBISH, [jpeg(tmp_path / "a.jpg", (200, 40, 40))])
    expect(first.get_by_label("整改期限")).to_have_value((FOUND_ON + datetime.timedelta(days=10)).isoformat())  # 较重: 10 days
    first.get_by_label("整改期限").fill(RUBBISH_DEADLINE.isoformat())  # the inspector gives more time
    expect(first.locator(".fs-p-deadline-hint")).to_contain_text("已修改")
    page.get_by_test_id("field-add-problem").click()
    fill_problem(page.get_by_test_id("field-problem").nth(1), "西辛庄村", "一般", NOTICEBOARD,
                 [jpeg(tmp_path / "b1.jpg", (40, 160, 40)), jpeg(tmp_path / "b2.jpg", (40, 40, 200))])
    # The signal drops while the first photo uploads: the server saved it, the phone never heard.
    drop, cut = cut_after_server_saved(context)
    page.route(PHOTOS, drop)
    page.get_by_test_id("field-submit").click()
    waiting(page, 4)
    expect(page.get_by_test_id("field-net")).to_have_text("离线")
    assert cut["done"] and Problem.objects.count() == 2 and Evidence.objects.count() == 1
    page.unroute(PHOTOS)
    context.set_offline(False)  # back in signal: the queue finishes on its own
    waiting(page, 0)
    expect(page.get_by_test_id("field-confirmed")).to_have_text("已确认 7 项")
    assert Inspection.objects.count() == 1 and Evidence.objects.count() == 4


def rectify(page, status, measures, photo):
    expect(page.get_by_test_id("problem-status")).to_have_text(status)
    page.get_by_label("整改措施").fill(measures)
    page.get_by_test_id("rectify-files").set_input_files(photo)
    page.get_by_test_id("rectify-submit").click()
    expect(page.get_by_test_id("problem-status")).to_have_text("待复查")


def test_the_whole_loop_on_phones(live_world, browser, sign_in, live_server, settings, tmp_path, shot):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    published_framework("puyang-2023-rural")
    sup = Sup(live_world)
    inspector_context, inspector = phone(browser, sign_in, "supervisor")
    record_inspection(inspector_context, inspector, live_server, tmp_path)
    rubbish, noticeboard = Problem.objects.get(description=RUBBISH), Problem.objects.get(description=NOTICEBOARD)
    assert rubbish.photos.count() == 1 and noticeboard.photos.count() == 2
    assert rubbish.responsible == sup.secretary  # the village secretary by default

    # The secretary sees both problems of the village and rectifies one.
    secretary_context, secretary = phone(browser, sign_in, "secretary")
    secretary.goto(f"{live_server.url}/supervision/problems/")
    expect(secretary.get_by_test_id("problem-row")).to_have_count(2)
    open_problem(secretary, live_server, RUBBISH)
    expect(secretary.get_by_test_id("problem-photos").locator("img")).to_have_count(1)
    rectify(secretary, "待整改", "已组织保洁员清运垃圾。", jpeg(tmp_path / "fix1.jpg", (10, 200, 200)))
    shot(secretary, "loop-secretary-submitted")

    # The inspector goes back and finds it not done: returned with a comment.
    open_problem(inspector, live_server, RUBBISH)
    inspector.get_by_label("复查意见").fill("村口东侧仍有垃圾堆放，请彻底清理。")
    inspector.get_by_test_id("reject-submit").click()
    expect(inspector.get_by_test_id("problem-status")).to_have_text("整改中")

    # The secretary submits again; the inspector signs it off.
    open_problem(secretary, live_server, RUBBISH)
    expect(secretary.get_by_test_id("review-result")).to_contain_text("村口东侧仍有垃圾堆放")
    rectify(secretary, "整改中", "再次清理村口东侧，并设立垃圾收集点。", jpeg(tmp_path / "fix2.jpg", (200, 200, 10)))
    open_problem(inspector, live_server, RUBBISH)
    inspector.get_by_label("复查意见").fill("已整改到位。")
    inspector.get_by_test_id("accept-submit").click()
    expect(inspector.get_by_test_id("problem-status")).to_have_text("已销号")
    expect(inspector.get_by_test_id("rectification-outcome")).to_have_text(["已退回", "已销号"])
    shot(inspector, "loop-inspector-closed")
    rubbish.refresh_from_db()
    assert rubbish.status == "closed" and rubbish.closed_by == sup.supervisor and not rubbish.overdue
    assert list(Rectification.objects.filter(problem=rubbish).values_list("outcome", flat=True)) == ["rejected", "accepted"]
    # The village cannot sign off its own problem: the secretary has no such step.
    open_problem(secretary, live_server, NOTICEBOARD)
    expect(secretary.get_by_test_id("accept-submit")).to_have_count(0)

    # The other problem passed its deadline (一般: 15 days from the visit, 5 days ago): the daily job marks it
    # overdue and catches up the steps due (包村干部 at 0 days, 包片领导 at 3), then, run for a later day, the last.
    deadline = noticeboard.deadline
    assert deadline == FOUND_ON + datetime.timedelta(days=15) and rubbish.deadline == RUBBISH_DEADLINE
    for day, step in ((TODAY, 2), (deadline + datetime.timedelta(days=7), 3)):
        call_command("supervision_daily", "--date", day.isoformat(), stdout=io.StringIO())
        noticeboard.refresh_from_db()
        assert noticeboard.overdue and noticeboard.escalation_step == step
    sent = Notification.objects.count()
    call_command("supervision_daily", "--date", (deadline + datetime.timedelta(days=7)).isoformat(), stdout=io.StringIO())
    assert Notification.objects.count() == sent  # twice run, nothing sent twice
    for user in (sup.liaison_user, sup.area_user, sup.town_admin):
        assert Notification.objects.filter(user=user, title__contains="逾期").exists(), user

    # Overdue in the list (only that one; the signed-off problem is not) ...
    inspector.goto(f"{live_server.url}/supervision/problems/?overdue=on")
    rows = inspector.get_by_test_id("problem-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(NOTICEBOARD)
    expect(rows.first.get_by_test_id("overdue-badge")).to_have_text("逾期 · 已升级")
    expect(inspector.get_by_test_id("count-overdue")).to_contain_text("1")
    shot(inspector, "loop-overdue-list")

    # ... and in the ledger the town files.
    response = inspector.request.get(f"{live_server.url}{reverse('supervision:ledger_xlsx')}?status=all")
    assert response.ok, response.status
    sheet = load_workbook(io.BytesIO(response.body()), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if "问题描述" in r)
    col = {name: header.index(name) for name in ("问题描述", "状态", "是否逾期", "逾期升级", "退回次数")}
    by_text = {r[col["问题描述"]]: r for r in rows[rows.index(header) + 1:] if r[col["问题描述"]]}
    assert by_text[NOTICEBOARD][col["是否逾期"]] == "是" and by_text[NOTICEBOARD][col["逾期升级"]] == "镇级管理员"
    assert by_text[NOTICEBOARD][col["状态"]] == "待整改"
    assert by_text[RUBBISH][col["状态"]] == "已销号" and by_text[RUBBISH][col["是否逾期"]] != "是"
    assert by_text[RUBBISH][col["退回次数"]] == 1
    inspector_context.close()
    secretary_context.close()
