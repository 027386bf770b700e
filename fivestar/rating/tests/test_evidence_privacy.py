"""Evidence photos are stored and served without their location: GPS EXIF is dropped, orientation applied,
and the capture time kept as data on the evidence row."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fivestar.core.roles import Role
from fivestar.rating.models import Evidence

from .images import assert_stored_without_location, photo_with_gps
from .test_village_evidence import a, upload  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt,name", [("JPEG", "村口.jpg"), ("PNG", "村口.png"), ("WEBP", "村口.webp")])
def test_stored_photo_has_no_gps_keeps_orientation_and_capture_time(world, a, login, fmt, name):  # noqa: F811
    client = login(world.users[Role.VILLAGE_CADRE])
    body = upload(client, a, [SimpleUploadedFile(name, photo_with_gps(fmt))], ["zbgy-04-01"]).content.decode()
    assert 'data-testid="upload-ok"' in body, body
    item = Evidence.objects.get()
    stored = assert_stored_without_location(item)
    img = Image.open(io.BytesIO(stored))
    assert img.size == (40, 60)  # the rotation is applied to the pixels, so nothing depends on the tag
    assert img.convert("RGB").getpixel((20, 5))[2] > 150  # the blue half is now on top
    assert item.size == len(stored)
    served = b"".join(client.get(f"/rating/evidence/{item.pk}/").streaming_content)
    assert served == stored


def test_file_names_lose_invisible_characters_on_page_and_api(world, a, login, client, api_token):  # noqa: F811
    """A file's name is text from a form: a right-to-left override would show `照片\u202egpj.exe` as 照片exe.jpg, a NUL
    breaks PostgreSQL, a zero-width space makes two names differ. Stored names, messages and downloads are clean."""
    cadre = world.users[Role.VILLAGE_CADRE]
    body = upload(login(cadre), a, [SimpleUploadedFile("村口\u202e\u200b照片.jpg", photo_with_gps())], ["zbgy-04-01"]).content.decode()
    assert 'data-testid="upload-ok"' in body and "\u202e" not in body and "\u200b" not in body
    assert Evidence.objects.get().original_name == "村口照片.jpg"
    refused = upload(login(cadre), a, [SimpleUploadedFile("说明\u202efdp.exe", b"MZ\x90\x00" + b"\x00" * 200)], ["zbgy-04-01"])
    assert "文件「说明fdp.exe」" in refused.content.decode() and "\u202e" not in refused.content.decode()
    response = client.post(f"/api/v1/assessments/{a.pk}/evidence", {
        "files": [SimpleUploadedFile("会议\u2066记录\u200b.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")],
        "rules": ["zbgy-04-01"], "kind": "document"}, HTTP_AUTHORIZATION=f"Bearer {api_token(cadre)}")
    assert response.status_code == 201, response.content.decode()
    assert [r["name"] for r in response.json()["results"]] == ["会议记录.pdf"]
    stored = Evidence.objects.get(content_type="application/pdf")
    assert stored.original_name == "会议记录.pdf"
    download = client.get(f"/rating/evidence/{stored.pk}/", HTTP_AUTHORIZATION=f"Bearer {api_token(cadre)}")
    assert "\u2066" not in download.get("Content-Disposition", "")
