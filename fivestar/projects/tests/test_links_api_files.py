"""A 项目推介会's page lists its agreements (one query however many); the incentive policy is reachable from the
catalogue (for who sets it) and from the town page; photos and documents upload over the API with the page's checks."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from fivestar.projects.models import ProjectFile

pytestmark = pytest.mark.django_db


def _h(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_meeting_page_lists_its_agreements_in_one_query(proj, login):
    from fivestar.projects.services.agreements import record_agreement

    p = proj.agreed()
    c = login(proj.town_admin)
    url = reverse("meetings:meeting", args=[proj.meeting.pk])
    with CaptureQueriesContext(connection) as one:
        page = c.get(url).content.decode()
    assert 'data-testid="meeting-agreements"' in page and p.name in page and proj.world.sibling.display_name in page and "40%" in page
    other = proj.publish(name="辣椒加工")
    record_agreement(proj.town_admin, other, signed_on="2026-03-10", meeting=proj.meeting,
                     participants=[{"village": proj.world.village.code, "share": "100", "amount": "0"}])
    with CaptureQueriesContext(connection) as two:
        page = c.get(url).content.decode()
    assert "辣椒加工" in page and len(two) == len(one)


def test_policy_links(proj, login):
    w = proj.world
    town = login(proj.town_admin)
    assert f'href="/projects/policy/{w.town.code}/"' in town.get(reverse("projects:catalogue")).content.decode()
    assert f'href="/projects/policy/{w.town.code}/"' in town.get(reverse("orgs:unit", args=[w.town.code])).content.decode()
    assert 'data-testid="edit-policy"' not in login(proj.cadre).get(reverse("projects:catalogue")).content.decode()  # same client, now the cadre


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (35.0, 42.0, 0.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_api_upload_files_per_role(proj, client, api_token):
    p = proj.publish()
    url = f"/api/v1/projects/{p.pk}/files"
    photo = lambda: SimpleUploadedFile("菌棚.jpg", _jpeg_with_gps(), content_type="image/jpeg")  # noqa: E731
    r = client.post(url, {"files": [photo()]}, **_h(api_token(proj.cadre)))
    assert r.status_code == 201 and r.json()[0]["kind"] == "photo", r.content
    with ProjectFile.objects.get().evidence.file.open("rb") as fh, Image.open(fh) as img:
        assert not img.getexif()
    assert client.post(url, {"files": [photo()]}, **_h(api_token(proj.investor))).status_code == 403  # sees it, may not add
    assert client.post(url, {"files": [photo()]}, **_h(api_token(proj.outsider))).status_code == 404
    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    r = client.post(url, {"files": [photo(), fake]}, **_h(api_token(proj.town_admin)))
    assert r.status_code == 400 and r.json()["detail"] and ProjectFile.objects.count() == 1  # the batch is all or nothing
    assert client.post(url, {}, **_h(api_token(proj.cadre))).status_code == 422
    assert "/api/v1/projects/{project_id}/files" in client.get("/api/v1/openapi.json").json()["paths"]
