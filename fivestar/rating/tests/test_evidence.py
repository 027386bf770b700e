"""Uploads are judged by their bytes: wrong type, oversize, a renamed executable, a broken image."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fivestar.rating.models import Evidence
from fivestar.rating.services import WorkflowError, store_evidence
from fivestar.rating.services import evidence as evidence_service

from .images import jpeg_bytes

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.mark.django_db
def test_a_photo_is_stored_with_a_reduced_thumbnail(world):
    item = store_evidence(world.village, world.users["village_cadre"], SimpleUploadedFile("党日活动.jpg", jpeg_bytes(size=(4000, 3000))), "photo")
    assert item.content_type == "image/jpeg" and item.size > 0 and len(item.sha256) == 64
    with Image.open(item.thumbnail.path) as thumb:
        assert max(thumb.size) == 800
    assert item.uploaded_by == world.users["village_cadre"] and item.original_name == "党日活动.jpg"


@pytest.mark.django_db
def test_pdf_and_docx_are_accepted(world):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    assert store_evidence(world.village, None, SimpleUploadedFile("会议记录.pdf", pdf), "document").content_type == "application/pdf"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    docx = store_evidence(world.village, None, SimpleUploadedFile("制度.docx", buf.getvalue()), "document")
    assert docx.extension == ".docx"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,data,message",
    [
        ("照片.jpg", ELF, "实际类型"),
        ("照片.jpg", WINDOWS_EXE, "实际类型"),
        ("说明.pdf", b"just some text, not a pdf", "无法识别"),
        ("坏图.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "已损坏或不是有效的图片"),
        ("空.png", b"", "空文件"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(world, name, data, message):
    with pytest.raises(WorkflowError, match=message):
        store_evidence(world.village, None, SimpleUploadedFile(name, data), "photo")
    assert Evidence.objects.count() == 0


@pytest.mark.django_db
def test_oversize_upload_is_refused(world, monkeypatch):
    monkeypatch.setattr(evidence_service, "MAX_BYTES", 1024)
    with pytest.raises(WorkflowError, match="超过上限"):
        store_evidence(world.village, None, SimpleUploadedFile("大图.jpg", jpeg_bytes()), "photo")
    assert Evidence.objects.count() == 0
