"""The targets and ledger pages in a real browser: a town administrator sets its plan and its villages' targets in
the grid (ticking stars fills the rating) and sees the plan totals and the warning, a wrong row refused by name;
a village's gap list turned into ledger tasks (twice adds none); the village secretary on a 390×844 phone moves a
task to done with a photo; per role: the village sees only its own, an observer has no buttons, another
village's task is 404."""

import datetime

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from fivestar.planning.models import LedgerTask, UnitPlan, VillageTarget
from fivestar.planning.services import save_targets, save_task
from fivestar.planning.tests.conftest import Plan
from fivestar.rating.tests.conftest import published_framework

from .conftest import PHONE

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def plan(live_world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    published_framework("puyang-2023-rural")
    published_framework("puyang-2023-community")
    return Plan(live_world)


def _page(browser, sign_in, username, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    sign_in(page, username)
    return context, page


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _year():
    return timezone.localdate().year


def _target(plan, village, rating, stars):
    save_targets(plan.town_admin, _year(), [{"village": village, "category": "lead", "target_rating": rating, "target_stars": list(stars)}])


def _task(plan, village=None, title="发展村集体经济项目", days=10, star="cyxw"):
    return save_task(plan.town_admin, village=village or plan.world.village, year=_year(), star_code=star, title=title,
                     deadline=timezone.localdate() + datetime.timedelta(days=days))


def test_town_sets_its_plan_and_targets_in_the_grid(plan, live_world, browser, sign_in, live_server, shot):
    w = live_world
    context, page = _page(browser, sign_in, "town")
    page.get_by_test_id("nav-planning").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text(f"庆祖镇 · {_year()} 年度创建目标")
    expect(page.get_by_test_id("target-row")).to_have_count(3)
    # the plan: one 五星 village and one 二星 village
    page.get_by_label("五星村").fill("1")
    page.get_by_label("二星村").fill("1")
    page.get_by_test_id("plan-save").click()
    expect(page.get_by_text(f"庆祖镇 {_year()} 年度创建计划已保存。")).to_be_visible()
    expect(page.get_by_test_id("plan-warnings")).to_contain_text("计划五星村 1 个，各村目标合计 0 个，相差 1 个。")
    # the grid: ticking stars fills the rating; a wrong row is refused by name and nothing is saved
    row = page.locator(f'[data-testid="target-row"][data-id="{w.village.pk}"]')
    row.get_by_label("产业兴旺").check()
    row.get_by_label("生态宜居").check()
    expect(row.get_by_test_id("rating")).to_have_value("2")
    community = page.locator(f'[data-testid="target-row"][data-id="{w.community.pk}"]')
    community.get_by_label("共建共享").check()
    community.get_by_test_id("rating").select_option("3")
    page.get_by_test_id("grid-save").click()
    expect(page.get_by_test_id("grid-error")).to_contain_text("有 1 个村（社区）的目标有误")
    community = page.locator(f'[data-testid="target-row"][data-id="{w.community.pk}"]')
    expect(community.get_by_test_id("row-error")).to_contain_text("目标星级为 3 星，但选择了 1 颗目标星")
    assert not VillageTarget.objects.exists()
    row = page.locator(f'[data-testid="target-row"][data-id="{w.village.pk}"]')
    expect(row.get_by_test_id("rating")).to_have_value("2")  # what was typed is kept
    community.get_by_label("共建共享").uncheck()
    community.get_by_test_id("rating").select_option("")
    page.get_by_test_id("grid-save").click()
    expect(page.get_by_text("已保存 1 个村（社区）的创建目标。")).to_be_visible()
    expect(page.get_by_test_id("with-target")).to_have_text("1")
    ratings = page.get_by_test_id("plan-ratings")
    expect(ratings.locator('[data-rating="2"] [data-testid="target-value"]')).to_have_text("1")
    expect(ratings.locator('[data-rating="5"] [data-testid="target-value"]')).to_have_text("0")
    warnings = page.get_by_test_id("plan-warnings")
    expect(warnings).to_contain_text("计划五星村 1 个，各村目标合计 0 个")
    expect(warnings).to_contain_text("还有 2 个村（社区）未设置")
    expect(page.locator(f'[data-testid="target-row"][data-id="{w.village.pk}"]').get_by_test_id("progress")).to_contain_text("目标 2 星")
    shot(page, "planning-targets-grid-desktop")
    target = VillageTarget.objects.get(org_unit=w.village, year=_year())
    assert (target.target_rating, target.target_stars, target.updated_by_id) == (2, ["cyxw", "stjy"], plan.town_admin.pk)
    assert UnitPlan.objects.get(org_unit=w.town, year=_year()).rating_counts == {"5": 1, "2": 1}
    context.close()


def test_a_gap_list_becomes_ledger_tasks(plan, live_world, browser, sign_in, live_server, shot):
    w = live_world
    _target(plan, w.village, 2, ("cyxw", "stjy"))
    context, page = _page(browser, sign_in, "town")
    page.goto(f"{live_server.url}/planning/ledger/?unit={w.village.code}&year={_year()}")
    expect(page.get_by_test_id("village-progress")).to_contain_text("还差：产业兴旺星、生态宜居星")
    expect(page.get_by_test_id("no-tasks")).to_be_visible()
    page.get_by_test_id("gaps-link").click()
    items = page.get_by_test_id("gap-item")
    expect(items.first).to_be_visible()
    count = items.count()
    page.get_by_test_id("generate-submit").click()
    expect(page.get_by_text(f"已由差距清单生成 {count} 条台账任务。")).to_be_visible()
    expect(page.get_by_test_id("gap-in-ledger")).to_have_count(count)
    shot(page, "planning-gaps")
    page.get_by_test_id("generate-submit").click()
    expect(page.get_by_text("没有新增任务：差距清单中的事项都已在台账中。")).to_be_visible()
    assert LedgerTask.objects.filter(org_unit=w.village, source="gap").count() == count
    page.get_by_test_id("ledger-link").click()
    expect(page.get_by_test_id("task-row")).to_have_count(min(count, 30))
    expect(page.get_by_test_id("count-open").locator(".n")).to_have_text(str(count))
    expect(page.get_by_test_id("task-responsible").first).to_have_text("李包村")
    shot(page, "planning-ledger-village-desktop")
    context.close()


def test_the_secretary_moves_a_task_to_done_with_a_photo_on_a_phone(plan, live_world, browser, sign_in, live_server, shot, tmp_path):
    w = live_world
    _target(plan, w.village, 2, ("cyxw", "stjy"))
    task = _task(plan, title="建设村史馆", days=2)
    photo = tmp_path / "村史馆.jpg"
    Image.new("RGB", (120, 90), (40, 160, 60)).save(photo, "JPEG")
    context, page = _page(browser, sign_in, "secretary", PHONE)
    card = page.get_by_test_id("todo-targets")
    expect(card).to_contain_text("当前 0 星 / 目标 2 星")
    expect(card).to_contain_text("还差：产业兴旺星、生态宜居星")
    _fits(page, PHONE["width"])
    shot(page, "planning-phone-home")
    card.get_by_test_id("todo-ledger").click()
    expect(page.get_by_test_id("task-row")).to_have_count(1)
    _fits(page, PHONE["width"])
    shot(page, "planning-phone-ledger")
    page.get_by_test_id("task-link").click()
    expect(page.get_by_test_id("task-title")).to_have_text("建设村史馆")
    expect(page.get_by_test_id("task-deadline")).to_contain_text("还剩 2 天")
    expect(page.get_by_test_id("edit-panel")).to_have_count(0)
    page.get_by_label("完成情况").fill("村史馆已布展并开放")
    page.get_by_test_id("done-files").set_input_files(str(photo))
    _fits(page, PHONE["width"])
    shot(page, "planning-phone-task")
    page.get_by_test_id("done-submit").click()
    expect(page.get_by_text("任务已标记为已完成。已添加 1 个佐证。")).to_be_visible()
    expect(page.get_by_test_id("task-status")).to_have_text("已完成")
    expect(page.get_by_test_id("task-evidence").locator("img")).to_have_count(1)
    expect(page.get_by_test_id("history")).to_contain_text("村史馆已布展并开放")
    expect(page.get_by_test_id("history")).to_contain_text("王书记（村党支部书记）")
    _fits(page, PHONE["width"])
    shot(page, "planning-phone-task-done")
    task.refresh_from_db()
    assert task.status == "done" and task.completed_on == timezone.localdate()
    assert task.evidence.get().original_name == "村史馆.jpg"
    context.close()


def test_each_role_sees_its_own_and_only_its_buttons(plan, live_world, browser, sign_in, live_server):
    w = live_world
    mine = _task(plan, title="西辛庄村任务")
    sibling = _task(plan, village=w.sibling, title="庆南村任务", star="paf")
    context, page = _page(browser, sign_in, "secretary", PHONE)
    page.goto(f"{live_server.url}/planning/ledger/")
    expect(page.get_by_test_id("task-link")).to_have_text(["西辛庄村任务"])
    expect(page.get_by_test_id("tab-targets")).to_have_count(0)
    assert page.goto(f"{live_server.url}/planning/tasks/{sibling.pk}/").status == 404
    assert page.goto(f"{live_server.url}/planning/ledger/?unit={w.town.code}").status == 404
    assert page.goto(f"{live_server.url}/planning/targets/{w.town.code}/").status == 404
    context.close()
    context, page = _page(browser, sign_in, "observer")
    page.goto(f"{live_server.url}/planning/ledger/?unit={w.town.code}&year={_year()}")
    expect(page.get_by_test_id("task-link")).to_have_count(2)
    expect(page.get_by_test_id("task-new")).to_have_count(0)
    page.get_by_test_id("task-link").filter(has_text="西辛庄村任务").click()
    expect(page.get_by_test_id("task-title")).to_have_text("西辛庄村任务")
    expect(page.get_by_test_id("actions")).to_have_count(0)
    expect(page.get_by_test_id("edit-panel")).to_have_count(0)
    for name in ("标记完成", "开始推进", "取消任务"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    page.goto(f"{live_server.url}/planning/targets/{w.town.code}/")
    expect(page.get_by_test_id("target-row")).to_have_count(3)
    expect(page.get_by_test_id("grid-save")).to_have_count(0)
    expect(page.get_by_test_id("plan-form")).to_have_count(0)
    assert mine.pk and LedgerTask.objects.count() == 2
    context.close()
