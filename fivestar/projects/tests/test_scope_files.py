"""County scope, uploads (checked by content, EXIF stripped) and constant queries on the API catalogue."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from fivestar.core.roles import Role
from fivestar.projects.models import ProjectFile
from fivestar.projects.services.errors import ProjectError
from fivestar.projects.services.projects import publish

pytestmark = pytest.mark.django_db


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (35.0, 42.0, 0.0)}  # GPS IFD
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photo_stored_without_exif_and_junk_refused(proj):
    photo = SimpleUploadedFile("菌棚.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    p = proj.publish(uploads=[photo])
    f = ProjectFile.objects.get(project=p)
    assert f.evidence.kind == "photo"
    with f.evidence.file.open("rb") as fh, Image.open(fh) as img:
        assert not img.getexif()
    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ProjectError):
        proj.publish(name="另一个", uploads=[fake])
    assert ProjectFile.objects.count() == 1


def test_county_sees_its_towns_only(proj, login):
    w = proj.world
    far = publish(w.users[Role.SYSADMIN], w.far_village, name="城关项目", industry="x", investment="1")
    near = proj.publish()
    c = login(proj.county_admin)
    assert c.get(f"/projects/{far.pk}/").status_code == 404
    assert c.get(f"/projects/{near.pk}/").status_code == 200
    assert c.get(f"/projects/{near.pk}/agreement/").status_code == 200  # the county manages its towns' projects


def test_api_catalogue_queries_constant(proj, client, api_token):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(proj.town_admin)}"}
    proj.publish()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/projects/", **headers).status_code == 200
        return len(ctx)

    count()  # the first call also touches the token (last used)
    few = count()
    for i in range(6):
        proj.publish(name=f"项目{i}")
    assert count() == few


def test_add_files_page_and_update_api(proj, login, client, api_token):
    p = proj.publish()
    c = login(proj.investor)
    photo = SimpleUploadedFile("a.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    assert c.post(f"/projects/{p.pk}/files/", {"files": photo}).status_code == 403
    c = login(proj.cadre)
    photo = SimpleUploadedFile("a.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    assert c.post(f"/projects/{p.pk}/files/", {"files": photo}).status_code == 302
    f = ProjectFile.objects.get(project=p)
    assert login(proj.investor).get(f"/projects/{p.pk}/files/{f.pk}/").status_code == 200  # the town's villages see it
    assert login(proj.outsider).get(f"/projects/{p.pk}/files/{f.pk}/").status_code == 404
    h = {"HTTP_AUTHORIZATION": f"Bearer {api_token(proj.investor)}"}
    data = {"name": "改名", "industry": "食用菌", "investment": "900000"}
    assert client.put(f"/api/v1/projects/{p.pk}", data, content_type="application/json", **h).status_code == 403
    h = {"HTTP_AUTHORIZATION": f"Bearer {api_token(proj.cadre)}"}
    r = client.put(f"/api/v1/projects/{p.pk}", data, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["name"] == "改名"
    assert client.put(f"/api/v1/projects/{p.pk}", {**data, "investment": "-1"}, content_type="application/json", **h).status_code == 400
