"""The letters pages (/planning/letters/): who sees and does what (town and county administrators manage, a village
reads and downloads its own letter, an observer only reads, another town is 404), the template upload with its
Chinese errors (nothing saved), the 未签订 filter, the batch's progress and zip, signing with a scan, 已停滞 on a
stalled batch, and query counts that do not grow with the number of villages."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from fivestar.orgs.models import Level, OrgUnit
from fivestar.planning.models import LetterBatch, LetterTemplate, ResponsibilityLetter
from fivestar.planning.services import mark_signed
from fivestar.planning.services.letters import letter_for
from fivestar.planning.services.letters_docx import document_text

Y = datetime.date.today().year + 1
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(code, suffix=""):
    return reverse("planning:letters_unit", args=[code]) + suffix


def body(response) -> str:
    return response.content.decode()


def template_file(*texts, name="本镇模板.docx") -> SimpleUploadedFile:
    doc = Document()
    for text in texts:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def sign(plan, village, days_ago=2, user=None):
    return mark_signed(letter_for(village, Y), user or plan.town_admin, timezone.localdate() - datetime.timedelta(days=days_ago),
                       SimpleUploadedFile("签字件.pdf", PDF))


def test_the_town_page_lists_villages_with_their_signing_and_filters_the_unsigned(plan, world, login):
    plan.target(rating=2, stars=("cyxw", "stjy"), year=Y)
    sign(plan, world.sibling)
    page = body(login(plan.town_admin).get(url(world.town.code, f"?year={Y}")))
    assert 'data-testid="template-form"' in page and 'data-testid="batch-start"' in page and "系统示例模板" in page
    assert 'data-testid="count-signed"><div class="n text-success">1<' in page
    unsigned = body(login(plan.town_admin).get(url(world.town.code, f"?year={Y}&show=unsigned")))
    assert 'data-village="西辛庄村"' in unsigned and 'data-village="龙鑫苑社区"' in unsigned and 'data-village="庆南村"' not in unsigned
    signed = body(login(plan.town_admin).get(url(world.town.code, f"?year={Y}&show=signed")))
    assert 'data-village="庆南村"' in signed and 'data-village="西辛庄村"' not in signed and 'data-testid="scan-link"' in signed


def test_the_town_page_costs_the_same_queries_for_more_villages(plan, world, login):
    client = login(plan.town_admin)
    client.get(url(world.town.code, f"?year={Y}"))  # warm the role grants and frameworks

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world.town.code, f"?year={Y}")).status_code == 200
        return len(queries)

    before = count()
    for i in range(12):
        village = OrgUnit.objects.create(code=f"410928103{300 + i}", name=f"新村{i}村委会", level=Level.VILLAGE, parent=world.town)
        sign(plan, village)
    LetterBatch.objects.create(town=world.town, year=Y, total=15, status=LetterBatch.Status.RUNNING, heartbeat_at=timezone.now())
    assert count() == before


def test_a_county_sees_its_towns_with_the_unsigned_counts(plan, world, login):
    sign(plan, world.village)
    page = body(login(plan.county_admin).get(url(world.county.code, f"?year={Y}")))
    assert 'data-town="庆祖镇"' in page and 'data-town="八公桥镇"' in page
    row = page[page.index('data-town="庆祖镇"'):]
    assert 'data-testid="town-signed">1<' in row[:800] and 'data-testid="town-unsigned">2<' in row[:800]
    assert 'data-town="城关镇"' not in page  # another county


def test_an_observer_reads_but_changes_nothing(plan, world, login):
    client = login(plan.observer)
    page = body(client.get(url(world.town.code, f"?year={Y}")))
    assert "目标责任书" in page
    for marker in ("template-form", "batch-start", "letter-sign", "use-example"):
        assert f'data-testid="{marker}"' not in page
    response = client.post(reverse("planning:letters_batch_start", args=[world.town.code]), {"year": Y}, follow=True)
    assert "无权生成" in body(response) and not LetterBatch.objects.exists()
    response = client.post(reverse("planning:letters_sign", args=[world.village.code]),
                           {"year": Y, "signed_on": timezone.localdate().isoformat(), "scan": SimpleUploadedFile("件.pdf", PDF)})
    assert response.status_code == 400 and "无权登记" in body(response)
    assert not ResponsibilityLetter.objects.exists()
    response = client.post(reverse("planning:letters_template_upload", args=[world.town.code]),
                           {"year": Y, "template": template_file("{{村名}}")})
    assert response.status_code == 400 and "无权设置" in body(response) and not LetterTemplate.objects.exists()
    download = client.get(reverse("planning:letters_docx", args=[world.village.code]) + f"?year={Y}")
    assert download.status_code == 200 and "西辛庄村" in document_text(download.content)


def test_a_village_reads_and_downloads_only_its_own_letter(plan, world, login):
    plan.target(rating=2, stars=("cyxw", "stjy"), year=Y)
    client = login(plan.secretary_user)
    response = client.get(reverse("planning:letters") + f"?year={Y}")
    assert response.status_code == 302 and response["Location"] == url(world.village.code, f"?year={Y}")
    page = body(client.get(url(world.village.code, f"?year={Y}")))
    assert "未签订" in page and 'data-testid="letter-download"' in page and 'data-testid="sign-form"' not in page
    download = client.get(reverse("planning:letters_docx", args=[world.village.code]) + f"?year={Y}")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "争创产业兴旺星、生态宜居星" in document_text(download.content)
    for path in (url(world.sibling.code), url(world.town.code), reverse("planning:letters_docx", args=[world.sibling.code])):
        assert client.get(path).status_code == 404
    assert login(plan.other_town_admin).get(url(world.town.code)).status_code == 404


def test_a_bad_template_is_refused_with_its_reason_and_a_good_one_is_used(plan, world, login):
    client = login(plan.town_admin)
    upload_url = reverse("planning:letters_template_upload", args=[world.town.code])
    response = client.post(upload_url, {"year": Y, "template": template_file("{{村名}}", "村长：{{村长}}")})
    assert response.status_code == 400
    assert "模板中有无法识别的占位符：{{村长}}" in body(response) and not LetterTemplate.objects.exists()
    response = client.post(upload_url, {"year": Y, "template": SimpleUploadedFile("表.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)})
    assert response.status_code == 400 and "旧版 Word 97-2003" in body(response)
    response = client.post(upload_url, {"year": Y, "template": template_file("{{乡镇}}与{{村名}}签订", "{{任务清单}}")}, follow=True)
    assert "识别到的占位符：{{乡镇}}、{{村名}}、{{任务清单}}" in body(response)
    template = LetterTemplate.objects.get(active=True)
    assert template.placeholders == ["乡镇", "村名", "任务清单"] and template.uploaded_by == plan.town_admin
    letter = client.get(reverse("planning:letters_docx", args=[world.village.code]) + f"?year={Y}")
    assert document_text(letter.content).startswith("庆祖镇与西辛庄村签订")
    client.post(reverse("planning:letters_use_example", args=[world.town.code]), {"year": Y})
    assert not LetterTemplate.objects.filter(active=True).exists()
    example = client.get(reverse("planning:letters_example"))
    assert "示例模板" in document_text(example.content) and "{{村名}}" in document_text(example.content)


def test_generate_follow_the_progress_and_download_the_zip(plan, world, login, django_capture_on_commit_callbacks):
    client = login(plan.town_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("planning:letters_batch_start", args=[world.town.code]), {"year": Y})
    assert response.status_code == 302
    batch = LetterBatch.objects.get()
    assert batch.status == "done"
    progress = body(client.get(reverse("planning:letters_batch_progress", args=[batch.pk])))
    assert "已生成 3 个村（社区）的目标责任书" in progress and 'data-testid="batch-download"' in progress and "hx-trigger" not in progress
    download = client.get(reverse("planning:letters_batch_download", args=[batch.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 3
    assert login(plan.secretary_user).get(reverse("planning:letters_batch_download", args=[batch.pk])).status_code == 404


def test_a_running_batch_polls_and_a_stalled_one_says_so(plan, world, login):
    batch = LetterBatch.objects.create(town=world.town, year=Y, total=3, done=1, status=LetterBatch.Status.RUNNING,
                                       heartbeat_at=timezone.now())
    page = body(login(plan.town_admin).get(url(world.town.code, f"?year={Y}")))
    assert "已生成 1 / 3" in page and 'hx-trigger="every 1s"' in page and "已停滞" not in page
    LetterBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    page = body(login(plan.town_admin).get(url(world.town.code, f"?year={Y}")))
    assert "已停滞" in page and 'data-testid="batch-resume"' in page and 'hx-trigger="every 1s"' not in page
    observer = body(login(plan.observer).get(url(world.town.code, f"?year={Y}")))
    assert "已停滞" in observer and 'data-testid="batch-resume"' not in observer


def test_signing_on_the_village_page(plan, world, login):
    client = login(plan.town_admin)
    sign_url = reverse("planning:letters_sign", args=[world.village.code])
    response = client.post(sign_url, {"year": Y, "signed_on": timezone.localdate().isoformat(),
                                      "scan": SimpleUploadedFile("签字件.docx", template_file("x").read())})
    assert response.status_code == 400 and "只能是 PDF 或 JPG" in body(response)
    assert not ResponsibilityLetter.objects.exists()  # the refused signing left no letter row behind
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(sign_url, {"year": Y, "signed_on": day.isoformat(), "scan": SimpleUploadedFile("签字件.pdf", PDF)}, follow=True)
    page = body(response)
    assert "已签订" in page and f"{day.year}年{day.month}月{day.day}日" in page and "签字件.pdf" in page
    letter = ResponsibilityLetter.objects.get()
    assert letter.status == "signed" and letter.signed_on == day
    scan = login(plan.secretary_user).get(reverse("rating:evidence_file", args=[letter.signed_copy_id]))
    assert scan.status_code == 200 and b"".join(scan.streaming_content) == PDF
