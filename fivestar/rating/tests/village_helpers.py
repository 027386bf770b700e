"""Helpers for the self-assessment page tests: posting one rule as htmx does, photos, evidence for every rule."""

from django.core.files.uploadedfile import SimpleUploadedFile

from fivestar.rating.services import attach, store_evidence

from .images import jpeg_bytes


def post_rule(client, a, code, version=None, **data):
    """POST one rule's fields as the page's htmx form does (with the page's version unless given)."""
    a.refresh_from_db(fields=["version"])
    data.setdefault("value", "")
    data["version"] = a.version if version is None else version
    return client.post(f"/rating/assessments/{a.pk}/rules/{code}/", data, HTTP_HX_REQUEST="true")


def photo(seed=0, name=None):
    return SimpleUploadedFile(name or f"照片{seed}.jpg", jpeg_bytes(seed=seed, size=(64, 48)), content_type="image/jpeg")


def evidence_for_all(a, user):
    """Three photos attached to every rule that asks for evidence (enough for any min_count)."""
    needing = [r.code for r in a.framework.compiled().rules_by_code.values() if r.evidence and r.evidence.min_count]
    for i in range(3):
        a = attach(a, user, store_evidence(a.org_unit, user, photo(100 + i), "photo"), needing)
    return a
