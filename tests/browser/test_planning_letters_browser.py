"""目标责任书 in a real browser: the town administrator uploads a template with an unknown placeholder and sees the
error naming it; generates the town's letters (the batch runs in the background, the page follows it) and downloads
the zip; downloads one village's letter and its text, read back with python-docx, has every placeholder filled
(village, targets, task, people); records it signed with a scanned PDF, after which 未签订 no longer lists it; the
village secretary then sees his letter signed and may download it but not sign."""

import datetime
import io
import zipfile

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from fivestar.planning.models import ResponsibilityLetter
from fivestar.planning.services.letters_docx import document_text
from fivestar.planning.tests.conftest import Plan
from fivestar.rating.tests.conftest import published_framework

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def plan(live_world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    published_framework("puyang-2023-rural")
    published_framework("puyang-2023-community")
    return Plan(live_world)


def _page(browser, sign_in, username):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
    page = context.new_page()
    sign_in(page, username)
    return context, page


def _download(page, locator) -> bytes:
    with page.expect_download() as info:
        locator.click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def test_template_error_batch_download_and_signing(plan, live_world, browser, sign_in, live_server, shot, tmp_path):
    w = live_world
    year = timezone.localdate().year
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    plan.target(rating=2, stars=("cyxw", "stjy"), year=year)
    plan.task(year=year, title="建成村集体光伏电站", deadline=deadline)
    bad = Document()
    bad.add_paragraph("{{村名}}目标责任书")
    bad.add_paragraph("村长：{{村长}}")
    bad_path = tmp_path / "本镇模板.docx"
    bad.save(bad_path)

    context, page = _page(browser, sign_in, "town")
    page.goto(f"{live_server.url}/planning/letters/")
    expect(page.get_by_test_id("page-heading")).to_have_text(f"庆祖镇 · {year} 年度目标责任书")
    expect(page.get_by_test_id("template-current")).to_contain_text("系统示例模板")

    # A template with an unknown placeholder: the error names it, nothing is saved.
    page.get_by_test_id("template-file").set_input_files(str(bad_path))
    page.get_by_test_id("template-submit").click()
    expect(page.get_by_test_id("template-errors")).to_contain_text("模板中有无法识别的占位符：{{村长}}")
    expect(page.get_by_test_id("template-current")).to_contain_text("系统示例模板")
    shot(page, "letters-template-error")

    # 批量生成: the page follows the batch until its zip is ready.
    page.get_by_test_id("batch-start").click()
    expect(page.get_by_test_id("batch-done")).to_contain_text("已生成 3 个村（社区）的目标责任书")
    archive = zipfile.ZipFile(io.BytesIO(_download(page, page.get_by_test_id("batch-download"))))
    assert len(archive.namelist()) == 3 and any("西辛庄村" in n for n in archive.namelist())
    shot(page, "letters-town")

    # One village's letter, read back: every placeholder filled.
    row = page.get_by_test_id("letter-row").filter(has_text="西辛庄村")
    text = document_text(_download(page, row.get_by_test_id("letter-download")))
    assert f"{year}年度“五星”支部创建目标责任书" in text and "乙方：西辛庄村党支部" in text
    assert "创建目标为二星，争创产业兴旺星、生态宜居星" in text
    assert "建成村集体光伏电站" in text and f"{deadline.year}年{deadline.month}月{deadline.day}日" in text
    assert "村党支部书记王书记" in text and "包村干部李包村" in text and "包片领导赵包片" in text
    assert "{{" not in text and "示例模板" in text

    # Signed: date and scanned copy.
    row.get_by_test_id("letter-sign").click()
    signed_on = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_test_id("sign-date").fill(signed_on.isoformat())
    scan = tmp_path / "西辛庄村签字件.pdf"
    scan.write_bytes(PDF)
    page.get_by_test_id("sign-file").set_input_files(str(scan))
    page.get_by_test_id("sign-submit").click()
    expect(page.get_by_test_id("letter-status")).to_have_text("已签订")
    expect(page.get_by_test_id("signed-on")).to_contain_text(f"{signed_on.year}年{signed_on.month}月{signed_on.day}日")
    expect(page.get_by_test_id("scan-link")).to_contain_text("西辛庄村签字件.pdf")
    shot(page, "letters-signed")
    letter = ResponsibilityLetter.objects.get(org_unit=w.village, year=year)
    assert letter.status == "signed" and letter.signed_copy.content_type == "application/pdf"

    # Who has not signed: 西辛庄村 is no longer listed.
    page.goto(f"{live_server.url}/planning/letters/{w.town.code}/?year={year}")
    page.get_by_test_id("show-unsigned").click()
    villages = page.get_by_test_id("letter-row")
    expect(villages).to_have_count(2)
    assert "西辛庄村" not in " ".join(villages.all_inner_texts())
    expect(page.get_by_test_id("count-unsigned")).to_contain_text("2")
    context.close()

    # The village secretary reads his own letter, signed; he may download it but not sign.
    context, page = _page(browser, sign_in, "secretary")
    page.goto(f"{live_server.url}/planning/letters/")
    expect(page.get_by_test_id("letter-status")).to_have_text("已签订")
    expect(page.get_by_test_id("sign-form")).to_have_count(0)
    assert "西辛庄村" in document_text(_download(page, page.get_by_test_id("letter-download")))
    context.close()
