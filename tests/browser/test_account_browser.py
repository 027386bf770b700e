"""我的账号 in Debian Chromium: the user menu leads to the password page, a reset account is sent there
first, and a wrong old password is explained in Chinese."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_reset_account_changes_its_password_before_anything_else(live_world, page, sign_in, live_server, shot):
    from fivestar.core.roles import Role
    from fivestar.people import account_services as accounts
    from fivestar.people.models import Person

    person = Person.objects.create(org_unit=live_world.village, name="刘备", gender="M", position="village_cadre")
    accounts.create_account(live_world.users[Role.TOWN_ADMIN], person, "liubei")
    person.refresh_from_db()
    temporary = accounts.reset_password(live_world.users[Role.TOWN_ADMIN], person)

    sign_in(page, "liubei", password=temporary)
    expect(page.get_by_test_id("must-change")).to_contain_text("管理员已重置您的密码")
    page.goto(f"{live_server.url}/orgs/")
    expect(page.get_by_test_id("must-change")).to_be_visible()  # still sent back here

    page.get_by_label("旧密码").fill("not-the-password")
    page.get_by_label("新密码", exact=True).fill("Lvse-Xiangcun-2024")
    page.get_by_label("新密码确认").fill("Lvse-Xiangcun-2024")
    page.get_by_role("button", name="确认修改").click()
    expect(page.get_by_test_id("error-old_password")).to_contain_text("旧密码不正确")
    shot(page, "password-forced-error")

    page.get_by_label("旧密码").fill(temporary)
    page.get_by_label("新密码", exact=True).fill("Lvse-Xiangcun-2024")
    page.get_by_label("新密码确认").fill("Lvse-Xiangcun-2024")
    page.get_by_role("button", name="确认修改").click()
    expect(page.get_by_role("alert").filter(has_text="密码已修改")).to_be_visible()
    expect(page.get_by_test_id("token-table")).to_contain_text("暂无有效的接口令牌")
    shot(page, "my-account")

    page.get_by_test_id("user-menu").click()
    page.locator("#mainnav").get_by_role("link", name="修改密码").click()
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(page.get_by_test_id("must-change")).to_have_count(0)
    page.goto(f"{live_server.url}/orgs/")
    expect(page.get_by_test_id("org-tree")).to_be_visible()
