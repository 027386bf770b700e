"""Evidence on the self-assessment page: uploads checked per file (good ones kept, bad ones explained in Chinese),
one upload for several rules, reuse, detach, and files served only after a scoped lookup."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from fivestar.core.roles import Role
from fivestar.rating.models import Assessment, Evidence
from fivestar.rating.services import evidence as evidence_service
from fivestar.rating.services import save_answers
from tests.factories import user_with_role

from .images import jpeg_bytes
from .village_helpers import photo

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def a(world, make_round):
    a = Assessment.objects.get(round=make_round(), org_unit=world.village)
    return save_answers(a, world.users[Role.VILLAGE_CADRE], "village", values={"zbgy-04-01": True}, notes={"zbgy-04-01": "每月一次"}, expected_version=a.version)


def upload(client, a, files, rules, kind="photo", description=""):
    return client.post(f"/rating/assessments/{a.pk}/evidence/", {"files": files, "rules": rules, "kind": kind, "description": description}, HTTP_HX_REQUEST="true")


def test_good_photo_and_pdf_are_stored_attached_and_shown_with_uploader(world, a, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    body = upload(client, a, [photo(1, "主题党日.jpg"), SimpleUploadedFile("会议记录.pdf", PDF)], ["zbgy-04-01"], "document", "6月主题党日").content.decode()
    assert body.count('data-testid="upload-ok"') == 2 and "「主题党日.jpg」已上传，用于 1 条细则" in body
    items = list(Evidence.objects.order_by("original_name"))
    assert [(e.original_name, e.content_type, e.description) for e in items] == [
        ("主题党日.jpg", "image/jpeg", "6月主题党日"), ("会议记录.pdf", "application/pdf", "6月主题党日")]
    assert all(e.uploaded_by == world.users[Role.VILLAGE_CADRE] for e in items)
    a.refresh_from_db()
    assert sorted(a.evidence["zbgy-04-01"]) == sorted(e.pk for e in items)
    assert 'id="ev-zbgy-04-01" class="fs-ev" hx-swap-oob="true"' in body and f'name="version" value="{a.version}"' in body
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    rule = page[page.index('id="rule-zbgy-04-01"'):page.index('id="rule-zbgy-04-02"')]
    jpg = next(e for e in items if e.thumbnail)
    assert f'src="/rating/evidence/{jpg.pk}/thumb/"' in rule and "bi-file-earmark-pdf" in rule and "secretary" in rule
    assert "上传：secretary" in rule


@pytest.mark.parametrize("name,data,message", [
    ("程序.jpg", ELF, "文件「程序.jpg」的实际类型为 application/x-executable，不允许上传"),
    ("发票.jpg", WINDOWS_EXE, "文件「发票.jpg」的实际类型为 application/x-msdownload，不允许上传"),
    ("说明.pdf", b"just text, not a pdf", "文件「说明.pdf」的类型无法识别，只能上传图片（JPG/PNG/WEBP/GIF）、PDF 或 Office 文件。"),
    ("坏图.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "图片「坏图.jpg」已损坏或不是有效的图片，请重新拍摄或选择。"),
])
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_else_is_lost(world, a, login, name, data, message):
    client = login(world.users[Role.VILLAGE_CADRE])
    body = upload(client, a, [photo(1, "好照片.jpg"), SimpleUploadedFile(name, data)], ["zbgy-04-01"]).content.decode()
    assert message in body and body.count('data-testid="upload-bad"') == 1 and body.count('data-testid="upload-ok"') == 1
    assert "其余文件已保存" in body
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["好照片.jpg"]
    after = Assessment.objects.get(pk=a.pk)
    assert after.answers == {"zbgy-04-01": True} and after.notes == {"zbgy-04-01": "每月一次"}
    assert len(after.evidence["zbgy-04-01"]) == 1


def test_an_oversize_file_is_refused(world, a, login, monkeypatch):
    monkeypatch.setattr(evidence_service, "MAX_BYTES", 1024 * 1024)
    big = SimpleUploadedFile("大图.jpg", jpeg_bytes(seed=3) + b"\0" * (1258291 - len(jpeg_bytes(seed=3))))
    body = upload(login(world.users[Role.VILLAGE_CADRE]), a, [big, photo(2)], ["zbgy-04-01"]).content.decode()
    assert "文件「大图.jpg」大小为 1.2 MB，超过上限 1 MB。" in body
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["照片2.jpg"]


def test_a_document_uploaded_as_photo_is_filed_as_a_document(world, a, login):
    upload(login(world.users[Role.VILLAGE_CADRE]), a, [SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf"), photo(4)], ["zbgy-04-01"])
    assert dict(Evidence.objects.values_list("original_name", "kind")) == {"方案.pdf": "document", "照片4.jpg": "photo"}


def test_a_photos_capture_time_comes_from_its_exif(world, a, login):
    img, exif, out = Image.new("RGB", (64, 48), (10, 200, 10)), Image.Exif(), io.BytesIO()
    exif.get_ifd(0x8769)[36867] = "2023:06:01 09:30:00"  # DateTimeOriginal, local time
    img.save(out, "JPEG", exif=exif)
    client = login(world.users[Role.VILLAGE_CADRE])
    upload(client, a, [SimpleUploadedFile("现场.jpg", out.getvalue())], ["zbgy-04-01"])
    item = Evidence.objects.get()
    assert timezone.localtime(item.captured_at).strftime("%Y-%m-%d %H:%M") == "2023-06-01 09:30"
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert "拍摄：2023-06-01 09:30" in page and 'title="拍摄时间"></i>06-01 09:30' in page


def test_without_rules_or_files_nothing_is_stored(world, a, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    body = upload(client, a, [photo(1)], []).content.decode()
    assert "请勾选该佐证对应的细则（至少一条）。" in body
    body = upload(client, a, [], ["zbgy-04-01"]).content.decode()
    assert "请选择要上传的照片或文件。" in body
    assert Evidence.objects.count() == 0


def test_one_upload_attached_to_several_rules_then_reused_and_detached(world, a, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    rules = ["zbgy-04-01", "zbgy-04-02", "zbgy-04-03"]
    body = upload(client, a, [photo(5)], rules).content.decode()
    item = Evidence.objects.get()
    a.refresh_from_db()
    assert all(a.evidence[c] == [item.pk] for c in rules) and "用于 3 条细则" in body
    assert all(f'id="ev-{c}" class="fs-ev" hx-swap-oob="true"' in body for c in rules)
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert page.count(f'src="/rating/evidence/{item.pk}/thumb/"') == 3

    body = client.post(f"/rating/assessments/{a.pk}/evidence/reuse/", {"evidence": [item.pk], "rules": ["zbgy-05-01"]}, HTTP_HX_REQUEST="true").content.decode()
    assert "已将 1 份佐证用于所选细则" in body
    a.refresh_from_db()
    assert a.evidence["zbgy-05-01"] == [item.pk] and Evidence.objects.count() == 1

    body = client.post(f"/rating/assessments/{a.pk}/rules/zbgy-04-02/evidence/{item.pk}/detach/", HTTP_HX_REQUEST="true").content.decode()
    a.refresh_from_db()
    assert a.evidence["zbgy-04-02"] == [] and a.evidence["zbgy-04-01"] == [item.pk]
    assert body.startswith('<div id="ev-zbgy-04-02"') and f'src="/rating/evidence/{item.pk}/thumb/"' not in body


def test_evidence_files_are_served_only_to_users_who_can_see_the_assessment(world, a, login, client):
    upload(login(world.users[Role.VILLAGE_CADRE]), a, [photo(7, "党员活动室.jpg"), SimpleUploadedFile("制度.pdf", PDF)], ["zbgy-05-01"])
    jpg, pdf = Evidence.objects.get(content_type="image/jpeg"), Evidence.objects.get(content_type="application/pdf")
    for role in [Role.VILLAGE_CADRE, Role.TOWN_ADMIN, Role.OBSERVER]:
        c = login(world.users[role])
        response = c.get(f"/rating/evidence/{jpg.pk}/")
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content) == jpg.file.open("rb").read()
        thumb = c.get(f"/rating/evidence/{jpg.pk}/thumb/")
        assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    response = login(world.users[Role.VILLAGE_CADRE]).get(f"/rating/evidence/{pdf.pk}/")
    assert response["Content-Type"] == "application/pdf" and "inline" in response["Content-Disposition"]
    assert login(world.users[Role.VILLAGE_CADRE]).get(f"/rating/evidence/{pdf.pk}/thumb/").status_code == 404
    client.logout()
    stranger = user_with_role("far-secretary", Role.VILLAGE_CADRE, world.far_village)
    client.force_login(stranger)
    assert client.get(f"/rating/evidence/{jpg.pk}/").status_code == 404
    assert client.get(f"/rating/evidence/{jpg.pk}/thumb/").status_code == 404
    client.logout()
    assert client.get(f"/rating/evidence/{jpg.pk}/").status_code == 302


def test_uploads_are_refused_once_submitted(world, a, login):
    Assessment.objects.filter(pk=a.pk).update(status="submitted")
    body = upload(login(world.users[Role.VILLAGE_CADRE]), a, [photo(1)], ["zbgy-04-01"]).content.decode()
    assert "已提交审核并锁定" in body and Evidence.objects.count() == 0
