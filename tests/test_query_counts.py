"""Pages must not issue a query per row: the count with many rows is at most the count with few (a page of
newer rows can need fewer lookups, e.g. no role-only accounts among the actors, but never more)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Duty, Person, Responsibility


def _grow_town(world, start, stop):
    for i in range(start, stop):
        v = OrgUnit.objects.create(code=f"410928103{300 + i}", name=f"测试{i}村委会", level=Level.VILLAGE, parent=world.town, area=world.area, category="improve")
        p = Person.objects.create(org_unit=v, name=f"书记{i}", gender="M", position="secretary", is_party_member=True)
        Responsibility.objects.create(duty=Duty.VILLAGE, person=p, org_unit=v)


def _grow_village(world, start, stop):
    for i in range(start, stop):
        p = Person.objects.create(org_unit=world.village, name=f"党员{i}", gender="F", position="party_member", is_party_member=True)
        Responsibility.objects.create(duty=Duty.HOUSEHOLDS, person=p, org_unit=world.village, household_count=i)
        g = OrgUnit.objects.create(code=f"410928103205{100 + i}", name=f"第{i}组", level=Level.GROUP, parent=world.village)
        Responsibility.objects.create(duty=Duty.GROUP, person=p, org_unit=g)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url,grow,role",
    [
        ("/orgs/410928103/", _grow_town, "town_admin"),
        ("/orgs/", _grow_town, "county_admin"),
        ("/orgs/410928103/children/", _grow_town, "town_admin"),
        ("/orgs/?q=cs", _grow_town, "town_admin"),
        ("/orgs/410928103205/", _grow_village, "village_cadre"),
        ("/", _grow_town, "town_admin"),
        ("/", _grow_village, "village_cadre"),  # the village's to-do home (more assessments: fivestar/core/tests/test_village_home.py)
        ("/history/", _grow_town, "town_admin"),
    ],
)
def test_query_count_does_not_grow_with_rows(world, login, url, grow, role):
    client = login(world.users[role])
    grow(world, 0, 3)
    few = _count(client, url)
    grow(world, 3, 40)
    many = _count(client, url)
    assert many <= few, f"{url}: {few} queries with few rows, {many} with many"


# ---- the review pages: rows are rules, changes, reasons, reviewers, evidence and return comments ----------


def _open_round(world):
    import datetime

    from fivestar.rating.services import create_round, open_round
    from fivestar.rating.tests.conftest import published_framework

    today = datetime.date.today()
    rnd = create_round(
        world.users["county_admin"], scope=world.county, name="2023年度评星", kind="annual", year=2023, indicator_year=2023,
        period_start=today - datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=30),
        rural_framework=published_framework("puyang-2023-rural"), community_framework=published_framework("puyang-2023-community"),
        self_deadline=today + datetime.timedelta(days=5), town_deadline=today + datetime.timedelta(days=10),
        county_deadline=today + datetime.timedelta(days=15), notice_days=5,
    )
    open_round(rnd, world.users["county_admin"])
    return rnd


def _review_activity(world, a, rules, tag):
    """The village answers and explains `rules` with a photo each and submits; as many reviewers, each with a name
    and post, change one rule each with a reason; the town returns them all with a comment per rule; the village
    resubmits. Every kind of row the review page shows grows with `rules`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fivestar.core.roles import Role
    from fivestar.rating.services import attach, return_for_changes, save_answers, store_evidence, submit
    from fivestar.rating.tests.images import jpeg_bytes
    from tests.factories import user_with_role

    village = world.users["village_cadre"]
    if a.status == "submitted":
        a = return_for_changes(a, world.users["supervisor"], "town", "再核实一遍")
    a = save_answers(a, village, "village", values=dict.fromkeys(rules, False), notes={c: f"说明{tag}{c}" for c in rules}, expected_version=a.version)
    for i, code in enumerate(rules):
        photo = store_evidence(a.org_unit, village, SimpleUploadedFile(f"{tag}{i}.jpg", jpeg_bytes(seed=i, size=(40, 30))), "photo")
        a = attach(a, village, photo, [code])
    a = submit(a, village, ["paf"])
    for i, code in enumerate(rules):
        reviewer = user_with_role(f"rv{tag}{i}", Role.TOWN_ADMIN, world.town, name=f"审核员{tag}{i}", gender="F", position="town_cadre")
        a = save_answers(a, reviewer, "town", values={code: True}, reason=f"核实{i}", expected_version=a.version)
    a = return_for_changes(a, world.users["supervisor"], "town", "", {c: f"请补充{c}" for c in rules})
    a = save_answers(a, village, "village", notes={c: f"已补充{tag}{c}" for c in rules}, expected_version=a.version)
    return submit(a, village, ["paf"])


def test_review_pages_query_count_does_not_grow_with_rows(world, login, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fivestar.rating.models import Assessment, ReviewSeen
    from fivestar.rating.services import attach, save_answers, store_evidence
    from fivestar.rating.tests.conftest import full_marks
    from fivestar.rating.tests.images import jpeg_bytes

    with django_capture_on_commit_callbacks(execute=True):
        rnd = _open_round(world)
    a = Assessment.objects.select_related("round", "framework", "org_unit").get(round=rnd, org_unit=world.village)
    village = world.users["village_cadre"]
    a = save_answers(a, village, "village", values=full_marks(a.framework), expected_version=a.version)
    needing = [r.code for r in a.framework.compiled().rules_by_code.values() if r.evidence and r.evidence.min_count]
    for i in range(2):
        a = attach(a, village, store_evidence(a.org_unit, village, SimpleUploadedFile(f"证明{i}.jpg", jpeg_bytes(seed=i, size=(40, 30))), "photo"), needing)
    paf = [r.code for r in a.framework.compiled().stars_by_code["paf"].rules if r.kind == "check"]
    client = login(world.users["town_admin"])
    client.get(f"/rating/assessments/{a.pk}/review/")  # the reviewer's first look: what follows is new to them
    seen = ReviewSeen.objects.get(user=world.users["town_admin"], assessment=a)
    baseline = f"sv={seen.seen_version}&se={seen.seen_event}"
    urls = [f"/rating/assessments/{a.pk}/review/?star=paf", f"/rating/assessments/{a.pk}/review/?events=all",
            f"/rating/assessments/{a.pk}/review/?changed=1&{baseline}", f"/rating/assessments/{a.pk}/review/stars/paf/?{baseline}",
            f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/"]
    a = _review_activity(world, a, paf[:2], "a")
    few = {url: _count(client, url) for url in urls}
    _review_activity(world, Assessment.objects.get(pk=a.pk), paf[2:14], "b")
    many = {url: _count(client, url) for url in urls}
    assert len(paf) >= 14 and all(many[url] <= few[url] for url in urls), f"few: {few}, many: {many}"
