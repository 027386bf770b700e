"""挂图作战 in Debian Chromium: the system administrator drills down province → city → county → town on a desktop,
filters the town's matrix by area, category and star, opens a cell (the village's reasons, problems and tasks for that
star) and goes back up by the breadcrumbs; a town administrator reads the same board on a phone. Screenshots are kept
with SCREENSHOT_DIR like the other browser tests."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fivestar.boards.services import rebuild_board_stats
from fivestar.boards.tests.conftest import Board
from fivestar.planning.tests.conftest import Plan
from fivestar.rating.tests.conftest import published_framework

from .conftest import PHONE

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def board_world(live_world):
    published_framework("puyang-2023-rural")
    published_framework("puyang-2023-community")
    board = Board(Plan(live_world))
    w = live_world
    board.target(w.village, rating=2, stars=("cyxw", "stjy"))
    board.target(w.sibling, rating=3, stars=("cyxw", "stjy", "paf"))
    board.hold(w.sibling, "cyxw")
    board.hold(w.sibling, "paf", lost_at=timezone.now(), reason="一票否决：发生刑事案件")
    board.problem(w.village, star="stjy", overdue=True)
    board.task(w.village, star="cyxw", overdue=True)
    rebuild_board_stats(timezone.localdate().year)
    return board


def test_drill_down_from_province_to_a_village_cell_with_filters(board_world, live_server, browser, sign_in, shot):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = sign_in(context.new_page(), "sys")
    page.get_by_test_id("nav-boards").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("挂图作战 · 河南省")
    expect(page.get_by_test_id("updated-at")).to_contain_text("数据更新于")
    shot(page, "boards-province")
    page.get_by_test_id("children-table").get_by_role("link", name="濮阳市").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("濮阳市")
    page.get_by_test_id("children-table").get_by_role("link", name="濮阳县").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("濮阳县")
    expect(page.get_by_test_id("child-row")).to_have_count(2)
    expect(page.locator(".breadcrumb")).to_contain_text("河南省")
    shot(page, "boards-county")
    page.get_by_test_id("children-table").get_by_role("link", name="庆祖镇").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("挂图作战 · 庆祖镇")
    rows = page.get_by_test_id("board-row")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("board-legend")).to_contain_text("目标·有风险")
    expect(page.locator('td[data-state="withdrawn"]')).to_have_count(1)
    shot(page, "boards-town")

    page.get_by_test_id("filter-category").select_option("lead")
    page.get_by_test_id("filter-apply").click()
    expect(rows).to_have_count(2)
    page.get_by_test_id("filter-area").select_option(label="西片区")
    page.get_by_test_id("filter-star").select_option(label="生态宜居星")
    page.get_by_test_id("filter-apply").click()
    expect(rows).to_have_count(1)
    expect(page.get_by_test_id("board-cell")).to_have_count(1)
    shot(page, "boards-town-filtered")

    page.get_by_test_id("board-cell").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("西辛庄村 · 生态宜居星")
    expect(page.get_by_test_id("cell-state")).to_contain_text("目标·有风险")
    expect(page.get_by_test_id("cell-reasons")).to_contain_text("逾期未整改的督导问题 1 个")
    shot(page, "boards-cell")
    page.locator(".breadcrumb").get_by_role("link", name="庆祖镇").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("挂图作战 · 庆祖镇")
    page.locator(".breadcrumb").get_by_role("link", name="河南省").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("挂图作战 · 河南省")
    context.close()


def test_the_town_board_on_a_phone(board_world, live_server, browser, sign_in, shot):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = sign_in(context.new_page(), "town")
    page.get_by_test_id("home-board-link").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text("挂图作战 · 庆祖镇")
    expect(page.get_by_test_id("board-row")).to_have_count(3)
    matrix = page.get_by_test_id("board-matrix")
    expect(matrix).to_be_visible()
    # The village names stay on screen while the stars scroll sideways inside the table, not the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    expect(page.get_by_test_id("panel-work")).to_contain_text("逾期任务")
    shot(page, "boards-town-phone")
    page.get_by_test_id("board-row").filter(has_text="庆南村").locator('td[data-state="held"] a').click()
    expect(page.get_by_test_id("cell-state")).to_contain_text("已获得")
    shot(page, "boards-cell-phone")
    context.close()
