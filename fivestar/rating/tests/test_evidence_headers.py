"""Evidence files are served so that a file cannot run in our origin: anything not an image or a PDF is an
attachment with a sandboxing policy, and nothing is sniffed."""

import pytest
from django.core.files.base import ContentFile

from fivestar.core.roles import Role
from fivestar.rating.models import Evidence

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _evidence(world, name, mime, data):
    item = Evidence(org_unit=world.village, kind="document", original_name=name, content_type=mime, extension="." + name.rsplit(".", 1)[1],
                    size=len(data), sha256="0" * 64, uploaded_by=world.users[Role.VILLAGE_CADRE])
    item.file.save(name, ContentFile(data), save=False)
    item.save()
    return item


@pytest.mark.parametrize("name,mime,data", [("x.html", "text/html", HTML), ("x.svg", "image/svg+xml", SVG),
                                            ("x.htm", "application/octet-stream", HTML)])
def test_active_content_is_an_attachment(world, login, name, mime, data):
    item = _evidence(world, name, mime, data)
    response = login(world.users[Role.VILLAGE_CADRE]).get(f"/rating/evidence/{item.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_images_and_pdfs_stay_inline_and_unsniffed(world, login):
    item = _evidence(world, "a.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")
    response = login(world.users[Role.VILLAGE_CADRE]).get(f"/rating/evidence/{item.pk}/")
    assert response["Content-Disposition"].startswith("inline") and response["X-Content-Type-Options"] == "nosniff"
