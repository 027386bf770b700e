"""Behaviours that were inline handlers or inline scripts, now static files under the Content-Security-Policy:
a confirmation before a destructive post, and the unit suggestions while typing a unit."""

import pytest
from playwright.sync_api import expect

from fivestar.orgs.models import Area

pytestmark = pytest.mark.browser


def test_delete_asks_first_and_respects_the_answer(live_world, page, sign_in, live_server):
    Area.objects.create(town=live_world.town, name="东片区")  # no duties or roles bound to it
    sign_in(page, "town")
    page.goto(f"{live_server.url}/orgs/{live_world.town.code}/setup/")
    areas = page.get_by_test_id("setup-areas")
    expect(areas).to_contain_text("东片区")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    delete = areas.get_by_role("listitem").filter(has_text="东片区").get_by_role("button", name="删除")
    page.once("dialog", lambda d: answer(d, False))
    delete.click()
    page.wait_for_timeout(300)
    assert asked == ["确定删除片区「东片区」吗？"] and Area.objects.filter(name="东片区").exists()

    page.once("dialog", lambda d: answer(d, True))
    with page.expect_navigation():
        delete.click()
    expect(page.get_by_test_id("setup-areas")).not_to_contain_text("东片区")
    assert len(asked) == 2 and not Area.objects.filter(name="东片区").exists()


def test_unit_suggestions_appear_while_typing(live_world, page, sign_in, live_server):
    sign_in(page, "town")
    page.goto(f"{live_server.url}/people/new/")
    page.locator(".fs-unit-input").first.fill("西辛")
    expect(page.locator("#unit-options option")).not_to_have_count(0)
    assert "西辛庄" in page.locator("#unit-options").inner_html()
