"""The foundation as a person uses it, in Debian Chromium: who sees what, search, the village page."""

import pytest
from playwright.sync_api import expect

from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_town_admin_sees_town_and_searches_by_pinyin(live_world, page, sign_in, live_server, shot):
    sign_in(page, "town")
    expect(page.get_by_test_id("role-badge")).to_have_text("镇级管理员（庆祖镇）")
    expect(page.get_by_test_id("stat-villages")).to_have_text("3")
    shot(page, "town-home")

    page.get_by_role("link", name="组织架构").click()
    tree = page.get_by_test_id("org-tree")
    expect(tree.get_by_role("link", name="庆祖镇")).to_be_visible()
    expect(tree).not_to_contain_text("八公桥镇")
    tree.get_by_role("button", name="展开庆祖镇").click()
    expect(tree.get_by_role("link", name="西辛庄村")).to_be_visible()
    shot(page, "town-tree")

    page.get_by_test_id("org-search").fill("xxz")
    page.get_by_role("button", name="搜索").click()
    results = page.get_by_test_id("search-results")
    expect(results.get_by_role("link")).to_have_count(1)
    results.get_by_role("link").first.click()
    expect(page.get_by_test_id("village-name")).to_have_text("西辛庄村")
    expect(page.get_by_test_id("village-category")).to_have_text("领航村")
    expect(page.get_by_test_id("responsibility-chain")).to_contain_text("镇干部包村")
    shot(page, "town-village")

    # Another town's village is not there, even by URL.
    response = page.goto(f"{live_server.url}/orgs/{live_world.other_village.code}/")
    assert response.status == 404
    expect(page.get_by_text("不在您的管辖范围内")).to_be_visible()


def test_village_secretary_sees_only_their_village_on_a_phone(live_world, browser, sign_in, live_server, shot):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "secretary")
    # Its home is its to-do list (no round open: nothing to do) and its own branch's pages.
    expect(page.get_by_test_id("todo-empty")).to_be_visible()
    expect(page.get_by_test_id("village-links").get_by_role("link", name="西辛庄村")).to_be_visible()
    shot(page, "secretary-home-phone")
    # The menu collapses behind the toggler on a phone; it holds no administrators' sections.
    page.get_by_role("button", name="展开菜单").click()
    expect(page.locator("#mainnav").get_by_role("link", name="组织架构")).to_have_count(0)
    expect(page.locator("#mainnav").get_by_role("link", name="人员管理")).to_have_count(0)
    page.locator("#mainnav").get_by_role("link", name="本村（社区）").click()
    expect(page.get_by_test_id("village-name")).to_have_text("西辛庄村")
    page.goto(f"{live_server.url}/orgs/")
    tree = page.get_by_test_id("org-tree")
    expect(tree.get_by_role("link", name="西辛庄村")).to_be_visible()
    expect(tree).not_to_contain_text("庆南村")
    page.get_by_test_id("org-search").fill("qnc")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("search-results")).to_contain_text("未找到")
    page.goto(f"{live_server.url}/orgs/{live_world.village.code}/")
    expect(page.get_by_test_id("village-name")).to_have_text("西辛庄村")
    # Nothing on the village page is wider than the phone screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    shot(page, "secretary-village-phone")
    assert page.goto(f"{live_server.url}/orgs/{live_world.sibling.code}/").status == 404
    context.close()


def test_wrong_password_is_refused_in_chinese(live_world, page, sign_in):
    sign_in(page, "town", password="wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
