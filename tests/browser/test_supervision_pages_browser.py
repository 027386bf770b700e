"""The supervision pages in a real browser: a town administrator creates a team and generates its weekly plan;
the problem list filters and pages; the village secretary on a 390×844 phone submits a rectification with a
photo; the supervisor returns it, then signs it off; an observer sees no action; another village's problem is
404; each role's list holds only its own problems."""

import datetime

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from fivestar.people.models import Person, Position
from fivestar.supervision.models import Problem, Rectification, VisitPlan
from fivestar.supervision.services import submit_rectification
from fivestar.supervision.tests.conftest import Sup

from .conftest import PHONE

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def sup(live_world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Sup(live_world)


def _page(browser, sign_in, username, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    sign_in(page, username)
    return context, page


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _many(sup, n, village=None, **kw):
    today = timezone.localdate()
    return [sup.problem(description=f"问题{i:03d}", village=village, deadline=today + datetime.timedelta(days=i + 1), **kw) for i in range(n)]


def test_town_admin_creates_a_team_and_generates_its_plan(sup, live_world, browser, sign_in, live_server, shot):
    w = live_world
    Person.objects.create(org_unit=w.town, name="陈干部", gender="F", position=Position.TOWN_CADRE)
    context, page = _page(browser, sign_in, "town")
    page.get_by_test_id("nav-supervision").click()
    page.get_by_test_id("tab-teams").click()
    page.get_by_test_id("team-create").click()
    page.get_by_label("督导组名称").fill("第二督导组")
    page.get_by_label("组长").select_option(label="陈干部（镇干部 · 庆祖镇）")
    page.get_by_test_id("members").get_by_label("张督导（镇干部 · 庆祖镇）").check()
    page.get_by_test_id("villages").get_by_label(w.sibling.display_name).check()
    page.get_by_test_id("villages").get_by_label(w.community.display_name).check()
    shot(page, "supervision-team-form")
    page.get_by_test_id("team-save").click()
    expect(page.get_by_text("督导组「第二督导组」已保存。")).to_be_visible()
    row = page.get_by_test_id("team-row").filter(has_text="第二督导组")
    expect(row).to_contain_text("组长 陈干部")
    expect(row).to_contain_text("负责 2 个村（社区）")
    row.get_by_test_id("team-plan").click()
    expect(page.get_by_test_id("plan-team")).to_contain_text("第二督导组")
    page.get_by_label("生成几周").fill("4")
    page.get_by_test_id("generate-submit").click()
    expect(page.get_by_text("已按每村至少每 N 周一次生成 4 周的计划")).to_be_visible()
    rows = page.get_by_test_id("plan-row")
    expect(rows.first).to_be_visible()
    names = set(rows.evaluate_all("els => els.map(e => e.dataset.village)"))
    assert names == {w.sibling.display_name, w.community.display_name}
    assert VisitPlan.objects.filter(team__name="第二督导组").count() == rows.count()
    shot(page, "supervision-plan")
    context.close()


def test_the_list_filters_and_pages(sup, live_world, browser, sign_in, live_server, shot):
    w = live_world
    _many(sup, 33)
    sup.problem(description="道路破损严重", severity="serious", village=w.sibling)
    sup.problem(description="路灯不亮", severity="general", village=w.community)
    context, page = _page(browser, sign_in, "supervisor")
    page.goto(f"{live_server.url}/supervision/problems/")
    expect(page.get_by_test_id("count-open").locator(".n")).to_have_text("35")
    expect(page.get_by_test_id("problem-row")).to_have_count(30)
    expect(page.get_by_test_id("problem-row").first).to_contain_text("问题000")  # nearest deadline first
    expect(page.get_by_test_id("result-count")).to_contain_text("共 35 条")
    page.get_by_role("link", name="下一页").click()
    expect(page.get_by_test_id("problem-row")).to_have_count(5)
    page.get_by_label("严重程度").select_option(label="严重")
    page.get_by_test_id("filter-submit").click()
    expect(page.get_by_test_id("problem-row")).to_have_count(1)
    expect(page.get_by_test_id("problem-row")).to_contain_text("道路破损严重")
    page.get_by_test_id("filter-clear").click()
    page.get_by_label("搜索").fill("路灯")
    page.get_by_test_id("filter-submit").click()
    expect(page.get_by_test_id("problem-row")).to_have_count(1)
    expect(page.get_by_test_id("problem-row")).to_contain_text(w.community.display_name)
    shot(page, "supervision-list-desktop")
    context.close()


def test_village_secretary_submits_a_rectification_with_a_photo_on_a_phone(sup, live_world, browser, sign_in, live_server, shot, tmp_path):
    p = sup.problem(description="村委会门前垃圾堆放", photos=[sup.photo()], severity="general")
    photo = tmp_path / "after.jpg"
    Image.new("RGB", (120, 90), (40, 160, 60)).save(photo, "JPEG")
    context, page = _page(browser, sign_in, "secretary", PHONE)
    todo = page.get_by_test_id("todo-supervision")
    expect(todo).to_contain_text("村委会门前垃圾堆放")
    shot(page, "supervision-phone-home")
    todo.get_by_role("link", name="村委会门前垃圾堆放").click()
    expect(page.get_by_test_id("problem-status")).to_have_text("待整改")
    expect(page.get_by_test_id("problem-photos").locator("img")).to_have_count(1)
    _fits(page, PHONE["width"])
    shot(page, "supervision-phone-problem")
    page.get_by_label("整改措施").fill("已组织清运，设置垃圾桶两个")
    page.get_by_test_id("rectify-files").set_input_files(str(photo))
    page.get_by_test_id("rectify-submit").click()
    expect(page.get_by_text("整改情况已提交，等待督导组复查。")).to_be_visible()
    expect(page.get_by_test_id("problem-status")).to_have_text("待复查")
    expect(page.get_by_test_id("rectification-evidence").locator("img")).to_have_count(1)
    expect(page.get_by_test_id("actions")).to_have_count(0)
    expect(page.get_by_test_id("history")).to_contain_text("提交复查")
    expect(page.get_by_test_id("history")).to_contain_text("王书记（村党支部书记）")
    _fits(page, PHONE["width"])
    shot(page, "supervision-phone-submitted")
    r = Rectification.objects.get(problem=p)
    assert r.measures == "已组织清运，设置垃圾桶两个" and r.evidence.get().original_name == "after.jpg"
    context.close()


def test_supervisor_returns_then_signs_off(sup, live_world, browser, sign_in, live_server, shot):
    p = sup.problem(description="健身器材损坏")
    submit_rectification(p, sup.secretary_user, "已报修")
    context, page = _page(browser, sign_in, "supervisor", PHONE)
    page.goto(f"{live_server.url}/supervision/problems/{p.pk}/")
    expect(page.get_by_test_id("problem-status")).to_have_text("待复查")
    page.get_by_test_id("reject-submit").click()  # no comment: refused with the reason, nothing changes
    expect(page.get_by_test_id("action-error")).to_contain_text("退回须填写复查意见")
    page.get_by_label("复查意见").fill("只报修未修复，请修好后再提交")
    page.get_by_test_id("reject-submit").click()
    expect(page.get_by_text("已退回村里继续整改。")).to_be_visible()
    expect(page.get_by_test_id("problem-status")).to_have_text("整改中")
    expect(page.get_by_test_id("review-result")).to_contain_text("只报修未修复")
    p.refresh_from_db()
    submit_rectification(p, sup.secretary_user, "已修复，附照片")
    page.reload()
    page.get_by_label("复查意见").fill("已修复到位")
    page.get_by_test_id("accept-submit").click()
    expect(page.get_by_text("复查通过，问题已销号。")).to_be_visible()
    expect(page.get_by_test_id("problem-status")).to_have_text("已销号")
    history = page.get_by_test_id("event")
    expect(history).to_have_count(5)
    expect(page.get_by_test_id("history")).to_contain_text("复查退回")
    expect(page.get_by_test_id("history")).to_contain_text("张督导（镇干部）")
    shot(page, "supervision-phone-closed")
    assert Problem.objects.get(pk=p.pk).status == "closed"
    context.close()


def test_observer_sees_no_actions_and_out_of_scope_is_404(sup, live_world, browser, sign_in, live_server):
    w = live_world
    p = sup.problem(description="村史馆未开放")
    elsewhere = sup.problem(sup.other_town_supervisor, village=w.other_village, description="八公桥村的问题")
    context, page = _page(browser, sign_in, "observer")
    page.goto(f"{live_server.url}/supervision/problems/{p.pk}/")
    expect(page.get_by_test_id("problem-description")).to_have_text("村史馆未开放")
    expect(page.get_by_test_id("actions")).to_have_count(0)
    expect(page.get_by_test_id("no-actions")).to_be_visible()
    for name in ("提交整改，申请复查", "复查通过，销号", "退回继续整改", "开始整改"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    context.close()
    context, page = _page(browser, sign_in, "secretary", PHONE)
    response = page.goto(f"{live_server.url}/supervision/problems/{elsewhere.pk}/")
    assert response.status == 404
    assert page.goto(f"{live_server.url}/supervision/problems/?unit={w.town.code}").status == 404
    context.close()


def test_each_role_lists_only_its_own_problems(sup, live_world, browser, sign_in, live_server, shot):
    w = live_world
    sup.problem(description="西辛庄村问题")
    sup.problem(description="庆南村问题", village=w.sibling)
    sup.problem(sup.other_town_supervisor, village=w.other_village, description="八公桥村问题")
    expected = {
        "secretary": {"西辛庄村问题"},
        "arealeader": {"西辛庄村问题"},
        "supervisor": {"西辛庄村问题", "庆南村问题"},
        "othersup": {"八公桥村问题"},
        "county": {"西辛庄村问题", "庆南村问题", "八公桥村问题"},
    }
    for username, texts in expected.items():
        phone = username == "secretary"
        context, page = _page(browser, sign_in, username, PHONE if phone else DESKTOP)
        page.goto(f"{live_server.url}/supervision/problems/")
        links = page.get_by_test_id("problem-link")
        expect(links).to_have_count(len(texts))
        assert set(links.all_inner_texts()) == texts, username
        expect(page.get_by_test_id("count-open").locator(".n")).to_have_text(str(len(texts)))
        if phone:
            expect(page.get_by_test_id("tab-teams")).to_have_count(0)
            _fits(page, PHONE["width"])
            shot(page, "supervision-phone-list")
        context.close()
