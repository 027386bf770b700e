"""The certificate PDF is rendered outside the web process (a memory-capped child), stored, and served
from storage while the result is unchanged; a changed result renders anew."""

import datetime
import re
import subprocess
import sys

import pytest
from django.core.files.storage import default_storage

from fivestar.rating import certificate
from fivestar.rating.services import recognise, record_veto

from .notice_helpers import round_in_notice

URL = "/rating/villages/410928103205/certificate.pdf"


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def pdf_text(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", "", out)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # no certificate stored by another test
    return settings.MEDIA_ROOT


@pytest.fixture
def renders(monkeypatch):
    """The real renderer, counted."""
    calls = []
    real = certificate.render_pdf

    def counted(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(certificate, "render_pdf", counted)
    return calls


@pytest.mark.django_db
def test_rendered_in_a_child_stored_served_again_and_rendered_anew_when_the_result_changes(world, make_round, login, media, renders):
    annual = round_in_notice(world, make_round)
    recognise(annual, world.users["county_admin"], today=annual.notice_end + datetime.timedelta(days=1))
    client = login(world.users["village_cadre"])
    had_weasyprint = "weasyprint" in sys.modules

    before = rss_mb()
    first = client.get(URL)
    grown = rss_mb() - before
    print(f"web process RSS: {before:.0f} MB → {before + grown:.0f} MB (+{grown:.1f} MB) for one real certificate render")
    assert first.status_code == 200 and first.content.startswith(b"%PDF") and len(renders) == 1
    assert grown < 60  # rendering in this process added ~200–300 MB
    assert had_weasyprint or "weasyprint" not in sys.modules
    text = pdf_text(first.content)
    assert "西辛庄村党支部" in text and "被认定为“五星”支部" in text and "平安法治星" in text
    _, stored = default_storage.listdir("certificates/410928103205")
    assert len(stored) == 1 and stored[0].endswith(".pdf")

    second = client.get(URL)  # unchanged result: read from storage, not rendered
    assert second.status_code == 200 and second.content == first.content and len(renders) == 1
    assert login(world.users["town_admin"]).get(URL).content == first.content and len(renders) == 1

    veto_rule = next(r.code for r in annual.rural_framework.compiled().stars_by_code["paf"].rules if r.veto)
    record_veto(world.village, world.users["town_admin"], veto_rule, datetime.date.today(), "村内发生一起刑事案件")
    third = client.get(URL)  # a star withdrawn: a changed result renders anew
    assert third.status_code == 200 and len(renders) == 2 and third.content != first.content
    text = pdf_text(third.content)
    assert "西辛庄村党支部" in text and "被认定为“三星”支部" in text and "平安法治星" not in text
    _, stored_now = default_storage.listdir("certificates/410928103205")
    assert len(stored_now) == 1 and stored_now != stored  # the outdated certificate is removed


@pytest.mark.django_db
def test_a_render_over_its_memory_cap_fails_in_the_child_with_a_chinese_page(world, make_round, login, media, settings):
    annual = round_in_notice(world, make_round)
    recognise(annual, world.users["county_admin"], today=annual.notice_end + datetime.timedelta(days=1))
    settings.CERTIFICATE_RENDER_MEMORY_MB = 40  # far below what WeasyPrint needs
    response = login(world.users["village_cadre"]).get(URL)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    html = response.content.decode()
    assert "西辛庄村荣誉证书暂时无法生成" in html and "证书生成失败，请稍后再试" in html
    assert not default_storage.exists("certificates/410928103205") or not default_storage.listdir("certificates/410928103205")[1]

    settings.CERTIFICATE_RENDER_MEMORY_MB = 1024
    again = login(world.users["village_cadre"]).get(URL)
    assert again.status_code == 200 and "西辛庄村党支部" in pdf_text(again.content)


def test_the_key_changes_with_the_html_the_renderer_and_the_fonts(monkeypatch):
    key = certificate.certificate_key("<p>西辛庄村</p>")
    assert key == certificate.certificate_key("<p>西辛庄村</p>")
    assert key != certificate.certificate_key("<p>西辛庄村 二星</p>")
    monkeypatch.setattr(certificate, "RENDER_VERSION", "2")
    assert key != certificate.certificate_key("<p>西辛庄村</p>")
    monkeypatch.undo()
    monkeypatch.setattr(certificate, "fonts_fingerprint", lambda: "/other/font.ttc:1:1")
    assert key != certificate.certificate_key("<p>西辛庄村</p>")
