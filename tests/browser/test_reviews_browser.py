"""述职考核 in a real browser: the town administrator opens 述职考核 from the menu, generates the town's review packs
from the records, opens a secretary's pack, adjusts the grade with a reason, exports the town's packs as Word in the
background and opens the downloaded file (read back with python-docx: the ranking, the adjusted grade and its reason)."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from fivestar.reviews.tests.conftest import YEAR, Rev

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def rev(live_world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Rev(live_world)


def test_generate_a_towns_review_packs_and_open_the_word_file(rev, browser, sign_in, live_server, shot):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
    page = context.new_page()
    sign_in(page, "town")
    page.get_by_test_id("nav-reviews").click()
    expect(page.get_by_test_id("page-heading")).to_contain_text(f"庆祖镇 · {YEAR}年度述职考核排名")
    page.get_by_test_id("compute").click()
    ranking = page.get_by_test_id("ranking")
    expect(ranking).to_contain_text("王书记")
    expect(ranking).to_contain_text("李包村")
    expect(ranking).to_contain_text("63.75")
    shot(page, "reviews-ranking")
    ranking.get_by_role("link", name="王书记").click()
    expect(page.get_by_test_id("pack-grade")).to_contain_text("计算等次「一般」")
    page.get_by_label("等次", exact=True).select_option("较好")
    page.get_by_label("调整理由（调整等次时必填）").fill("全年无信访，群众满意度高")
    page.get_by_label("考核意见").fill("工作扎实")
    page.get_by_test_id("adjust-save").click()
    expect(page.get_by_test_id("pack-grade")).to_contain_text("最终等次「较好」")
    expect(page.get_by_test_id("history")).to_contain_text("全年无信访，群众满意度高")
    shot(page, "reviews-pack")
    page.get_by_role("link", name="庆祖镇述职考核排名").click()
    expect(ranking).to_contain_text("已调整")
    page.get_by_test_id("export-docx").click()
    expect(page.get_by_test_id("export-status")).to_contain_text("已完成")
    with page.expect_download() as info:
        page.get_by_test_id("export-download").click()
    data = open(info.value.path(), "rb").read()
    doc = Document(io.BytesIO(data))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert f"庆祖镇{YEAR}年度党建述职考核材料" in text
    assert "王书记" in text and "孙书记" in text and "李包村" in text and "赵包片" in text
    assert "最终等次「较好」" in text and "全年无信访，群众满意度高" in text
    context.close()
