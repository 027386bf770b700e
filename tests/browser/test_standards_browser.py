"""The framework browser and the import page as a person uses them, in Debian Chromium."""

import pytest
from playwright.sync_api import expect

from fivestar.standards import excel_io, services
from fivestar.standards.example import EXAMPLE
from fivestar.standards.models import FrameworkVersion

from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def shipped(live_world):
    services.load_shipped()
    return {v.code: v for v in FrameworkVersion.objects.all()}


def test_browse_the_rural_framework_and_filter_rules(shipped, page, sign_in, shot, live_server):
    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/standards/")  # readable by a village user, though not in its menu (an administrators' section)
    versions = page.get_by_test_id("versions")
    expect(versions.get_by_test_id("version-puyang-2023-rural").get_by_test_id("counts")).to_have_text("5 / 30 / 210")
    versions.get_by_role("link", name='濮阳县2023年农村"五星"支部创建标准（示例）').click()
    expect(page.get_by_test_id("framework-name")).to_have_text('濮阳县2023年农村"五星"支部创建标准（示例）')
    stars = page.get_by_test_id("stars")
    expect(stars.locator("[data-star]")).to_have_count(5)
    expect(page.get_by_test_id("rule-count")).to_have_text("210")
    rule = page.get_by_test_id("rule-zbgy-01-01")
    expect(rule).to_be_hidden()
    stars.get_by_role("button", name="支部过硬星").click()
    expect(rule).to_be_visible()
    expect(rule.locator(".badge", has_text="必达")).to_be_visible()
    expect(rule).to_contain_text("镇党委对村党支部书记年度考核结果通报")
    veto = page.get_by_test_id("rule-zbgy-02-06")
    expect(veto.locator(".badge", has_text="一票否决")).to_be_visible()
    shot(page, "standards-browser")

    page.get_by_test_id("rule-filter").fill("三会一课")
    expect(page.get_by_test_id("filter-count")).to_contain_text("匹配")
    visible = page.locator("[data-rule]:visible")
    count = visible.count()
    assert 1 <= count < 10
    for i in range(count):
        row = visible.nth(i)
        assert "三会一课" in row.inner_text() or "三会一课" in (row.get_attribute("data-search") or "")
    expect(page.get_by_test_id("filter-count")).to_have_text(f"匹配 {count} 条细则")
    expect(rule).to_be_hidden()
    expect(page.get_by_test_id("star-stjy")).to_be_hidden()  # a star with no matching rule disappears
    page.get_by_test_id("rule-filter").fill("没有这样的细则")
    expect(page.get_by_test_id("filter-empty")).to_be_visible()
    page.get_by_test_id("rule-filter").fill("")
    expect(page.locator("[data-star]:visible")).to_have_count(5)
    # Managing needs the right: a village secretary sees no publish or copy buttons.
    expect(page.get_by_test_id("copy")).to_have_count(0)


def test_browser_fits_a_phone(shipped, browser, sign_in, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "county")
    page.goto(f"{live_server.url}/standards/{shipped['puyang-2023-rural'].pk}/")
    page.get_by_test_id("stars").get_by_role("button", name="产业兴旺星").click()
    expect(page.get_by_test_id("rule-cyxw-01-01")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_import_page_reports_a_bad_excel_file(live_world, page, sign_in, shot):
    data = {**EXAMPLE, "stars": [dict(s) for s in EXAMPLE["stars"]]}
    zbgy = data["stars"][0]
    zbgy["standards"] = [dict(sd) for sd in zbgy["standards"]]
    zbgy["standards"][0]["rules"] = [dict(r) for r in zbgy["standards"][0]["rules"]]
    zbgy["standards"][0]["rules"][1]["max"] = -1          # 细则 row 3
    data["stars"][1] = {**data["stars"][1], "requires": ["zbgy"]}  # a dependency cycle
    content = excel_io.export(data)

    sign_in(page, "county")
    page.get_by_role("link", name="创建标准").click()
    page.get_by_test_id("import-link").click()
    page.get_by_label("标准文件").set_input_files(
        files=[{"name": "县标准.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": content}])
    page.get_by_role("button", name="校验并导入").click()
    expect(page.get_by_test_id("import-failed")).to_contain_text("共 2 处错误，未保存任何内容")
    errors = page.get_by_test_id("import-errors")
    first = errors.locator("tbody tr").nth(0)
    expect(first).to_contain_text("星")
    expect(first).to_contain_text("第 2 行")
    expect(first).to_contain_text("星级依赖存在循环：zbgy → cyxw → zbgy")
    second = errors.locator("tbody tr").nth(1)
    expect(second).to_contain_text("第 3 行")
    expect(second).to_contain_text("分值")
    expect(second).to_contain_text("满分 max 必须是大于 0 的数（现为 -1）")
    shot(page, "standards-import-errors")
    assert FrameworkVersion.objects.count() == 0
