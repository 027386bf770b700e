"""操作记录 → 导出 Excel in Debian Chromium: the town admin filters the feed, presses the button, and gets a workbook
of exactly what the filtered page lists, with names and changes in words; nothing of another town."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.people.models import Person

pytestmark = pytest.mark.browser


def _event(unit, user, new):
    AuditEvent.objects.create(user=user, action="update", model="orgs.orgunit", model_label="组织单位", object_id=str(unit.pk),
                              object_repr=unit.display_name, org_unit=unit,
                              changes=[{"field": "category", "label": "创建类别", "old": "领航村", "new": new}])


def test_the_export_button_downloads_the_filtered_feed(live_world, browser, live_server, sign_in, shot):
    town = live_world.users[Role.TOWN_ADMIN]
    Person.objects.create(user=town, org_unit=live_world.town, name="欧春生", gender="M", position="town_leader")
    _event(live_world.village, town, "冲刺村")
    _event(live_world.sibling, town, "提升村")
    _event(live_world.other_village, live_world.users[Role.COUNTY_ADMIN], "强基村")  # another town
    page = browser.new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    sign_in(page, "town")
    page.goto(f"{live_server.url}/history/")
    page.get_by_label("操作", exact=True).select_option("update")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_test_id("history-table")).to_contain_text("提升村")
    with page.expect_download() as info:
        page.get_by_test_id("history-export").click()
    download = info.value
    assert download.suggested_filename.startswith("操作记录-") and download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        ws = load_workbook(io.BytesIO(handle.read())).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[1][0] == "筛选条件：操作：修改"
    body = [dict(zip(rows[2], r)) for r in rows[3:]]
    assert [r["所属单位"] for r in body] == ["庆南村", "西辛庄村"]
    assert body[0]["操作人"] == "欧春生（科级干部）" and body[0]["变更内容"] == "创建类别：领航村 → 提升村"
    assert "八公桥村" not in str(rows)
    shot(page, "history-export")
