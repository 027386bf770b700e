"""The village secretary's home on a 390×844 phone is its to-do list: the current assessment with where it
stands, its deadline and days left, what is missing with a link that reaches the assessment; a returned
assessment with the reviewer's comment; after submitting, where it stands and still a way to the assessment.
And on a desktop, the town administrator's menu holds its own sections."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fivestar.core.roles import Role
from fivestar.people.models import Person
from fivestar.rating.models import Assessment, Round, Status
from fivestar.rating.services import create_round, open_round, return_for_changes, submit
from fivestar.rating.services.evaluation import evaluate_assessment
from fivestar.rating.tests.conftest import full_marks, published_framework
from fivestar.rating.tests.notice_helpers import fill

from .conftest import PHONE

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}


def _round(world):
    rural, community = published_framework("puyang-2023-rural"), published_framework("puyang-2023-community")
    today = datetime.date.today()
    rnd = create_round(world.users[Role.COUNTY_ADMIN], scope=world.county, name="2026年第六次动态评星", kind="interim", year=2026,
                       period_start=today - datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=30),
                       rural_framework=rural, community_framework=community, self_deadline=today + datetime.timedelta(days=5),
                       town_deadline=today + datetime.timedelta(days=10), county_deadline=today + datetime.timedelta(days=15))
    open_round(rnd, world.users[Role.COUNTY_ADMIN])
    return Round.objects.get(pk=rnd.pk)


def _half_done(world, rnd):
    """西辛庄村 has answered 支部过硬星 (no photos yet) and has 平安法治星 carried forward, to confirm."""
    a = Assessment.objects.select_related("framework", "round").get(round=rnd, org_unit=world.village)
    values = full_marks(a.framework)
    a.answers = {c: v for c, v in values.items() if c.startswith(("zbgy-", "paf-"))}
    a.to_confirm = [c for c in values if c.startswith("paf-")]
    a.status = Status.IN_PROGRESS
    evaluate_assessment(a)
    a.save()
    return a


def _fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


@pytest.fixture
def phone(browser, sign_in):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "secretary")
    yield page
    context.close()


def test_the_secretary_s_home_on_a_phone_is_its_to_do_list(live_world, live_server, phone, shot):
    page = phone
    rnd = _round(live_world)
    a = _half_done(live_world, rnd)
    page.goto(f"{live_server.url}/")
    card = page.get_by_test_id(f"todo-{a.pk}")
    expect(card.get_by_test_id("todo-round")).to_have_text("2026年第六次动态评星")
    expect(card.get_by_test_id("todo-stage")).to_have_text("填报中")
    days = (rnd.self_deadline - timezone.localdate()).days
    expect(card.get_by_test_id("todo-deadline")).to_contain_text(f"自评截止 {rnd.self_deadline:%Y-%m-%d} · 还剩 {days} 天")
    expect(card.get_by_test_id("todo-missing-link")).to_contain_text("项未完成")
    expect(card.get_by_test_id("todo-missing-parts")).to_contain_text("沿用待确认 42 项")
    expect(page.get_by_test_id("stat-villages")).to_have_count(0)
    _fits_the_phone(page)
    shot(page, "village-home-todo-phone")
    # The missing items' link reaches the assessment, opened at the first star with work left.
    card.get_by_test_id("todo-missing-link").click()
    expect(page).to_have_url(f"{live_server.url}/rating/assessments/{a.pk}/")
    expect(page.get_by_test_id("submit-card")).to_be_attached()
    shot(page, "village-home-link-reaches-assessment-phone")


def test_returned_then_submitted_the_home_still_reaches_the_assessment(live_world, live_server, phone, shot):
    page = phone
    rnd = _round(live_world)
    a = Assessment.objects.select_related("framework", "round", "org_unit").get(round=rnd, org_unit=live_world.village)
    admin, town = live_world.users[Role.SYSADMIN], live_world.users[Role.TOWN_ADMIN]
    Person.objects.create(user=town, org_unit=live_world.town, name="欧春生", gender="M", position="town_leader")
    a = submit(fill(a, admin), admin, ["zbgy", "paf"])
    return_for_changes(a, town, "town", "请补充支部会议记录照片。", {"zbgy-01-01": "照片看不清，请重新拍摄"})
    page.goto(f"{live_server.url}/")
    card = page.get_by_test_id(f"todo-{a.pk}")
    expect(card.get_by_test_id("todo-stage")).to_have_text("退回修改")
    expect(card.get_by_test_id("todo-returned")).to_contain_text("镇级初审退回修改 · 欧春生（科级干部）")
    expect(card.get_by_test_id("todo-return-comment")).to_have_text("请补充支部会议记录照片。")
    expect(card.get_by_test_id("todo-returned")).to_contain_text("照片看不清，请重新拍摄")
    expect(card.get_by_test_id("todo-deadline")).to_contain_text(f"重新提交截止 {rnd.town_deadline:%Y-%m-%d}")
    expect(card.get_by_test_id("todo-open")).to_have_text("修改后重新提交")
    _fits_the_phone(page)
    shot(page, "village-home-returned-phone")
    # Resubmit on the phone from the assessment page the card opens.
    card.get_by_test_id("todo-open").click()
    expect(page).to_have_url(f"{live_server.url}/rating/assessments/{a.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("alert").filter(has_text="已提交自评申报")).to_be_visible()
    page.goto(f"{live_server.url}/")
    card = page.get_by_test_id(f"todo-{a.pk}")
    expect(card.get_by_test_id("todo-stage")).to_have_text("待镇级初审")
    expect(card.get_by_test_id("todo-deadline")).to_contain_text(f"镇级初审截止 {rnd.town_deadline:%Y-%m-%d}")
    expect(card.get_by_test_id("todo-missing")).to_have_count(0)
    expect(card.get_by_test_id("todo-open")).to_have_text("查看申报")
    _fits_the_phone(page)
    shot(page, "village-home-submitted-phone")
    card.get_by_test_id("todo-open").click()
    expect(page).to_have_url(f"{live_server.url}/rating/assessments/{a.pk}/")
    expect(page.get_by_test_id("read-only")).to_be_visible()


def test_the_town_administrator_s_menu_on_a_desktop(live_world, live_server, browser, sign_in, shot):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "town")
    nav = page.locator("#mainnav .navbar-nav.me-auto .nav-link")
    expect(nav).to_have_text(["首页", "挂图作战", "组织架构", "人员管理", "集体经济", "评星定级", "督导检查", "目标与台账", "观摩与红黑旗", "党建活动", "项目推介", "会议调度", "述职考核", "数据导入", "操作记录"])
    expect(page.locator("#mainnav").get_by_role("link", name="创建标准")).to_have_count(0)
    expect(page.get_by_test_id("stat-villages")).to_be_visible()  # the overview home stays for administrators
    shot(page, "town-admin-menu-desktop")
    page.locator("#mainnav").get_by_role("link", name="评星定级").click()
    expect(page).to_have_url(f"{live_server.url}/rating/")
    expect(page.get_by_test_id("nav-rating")).to_have_attribute("aria-current", "page")
    context.close()
