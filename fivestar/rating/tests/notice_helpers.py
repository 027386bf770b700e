"""Bringing a round to its public notice (公示) through the real services, for the view tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from fivestar.rating.models import Assessment
from fivestar.rating.services import approve, attach, save_answers, start_notice, store_evidence, submit

from .conftest import full_marks
from .images import jpeg_bytes

# 文明幸福星 fails with these; 支部过硬星 requires it, so such a branch ends with three stars.
WEAK_WMXF = {"wmxf-01-01": False, "wmxf-01-02": False, "wmxf-01-03": False, "wmxf-02-01": False}


def fill(a, user, overrides=None):
    values = {**full_marks(a.framework), **(overrides or {})}
    a = save_answers(a, user, "village", values=values, expected_version=a.version)
    fw = a.framework.compiled()
    needing = [r.code for r in fw.rules_by_code.values() if r.evidence and r.evidence.min_count]
    for i in range(3):
        item = store_evidence(a.org_unit, user, SimpleUploadedFile(f"证明{i}.jpg", jpeg_bytes(seed=i)), "photo")
        a = attach(a, user, item, needing)
    return a


def approve_all(world, rnd, overrides=None):
    """Every branch: full marks (per-unit overrides), submitted, approved by the town and the county."""
    admin = world.users["sysadmin"]
    for a in Assessment.objects.filter(round=rnd).select_related("org_unit", "framework"):
        if a.to_confirm:
            from fivestar.rating.services import confirm_carried

            a = confirm_carried(a, admin, list(a.to_confirm))
        a = fill(a, admin, (overrides or {}).get(a.org_unit.code))
        a = submit(a, admin, ["paf"])
        approve(approve(a, admin, "town"), admin, "county")


def round_in_notice(world, make_round, overrides=None, **kwargs):
    rnd = make_round(**kwargs)
    approve_all(world, rnd, overrides)
    return start_notice(rnd, world.users["county_admin"])
