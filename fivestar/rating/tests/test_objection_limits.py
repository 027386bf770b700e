"""The public objection limit holds under parallel posts, and the town dismisses spam in bulk (page and API),
attributed and in the branch's history; a village user cannot."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from fivestar.core.roles import Role
from fivestar.rating.models import Assessment, AssessmentEvent, Objection, ObjectionQuota
from fivestar.rating.services import WorkflowError, dismiss_objections, file_objection
from fivestar.rating.services.notice import address_hash, objection_limit

from .notice_helpers import round_in_notice

REASON = "该村主题党日活动记录与实际不符，请核实"


def _town_url(rnd):
    return f"/public/{rnd.public_token}/towns/410928103/"


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_posts_store_at_most_the_limit(world, make_round):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("parallel writers need a file-based SQLite or PostgreSQL test database (shared-cache memory databases lock tables)")
    rnd = round_in_notice(world, make_round)
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    barrier, results = threading.Barrier(20), []

    def post(i):
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post(_town_url(rnd), {"branch": a.pk, "reason": REASON}, REMOTE_ADDR="10.9.9.9",
                                   HTTP_USER_AGENT=f"browser {i}")
            results.append(response.status_code)
        except Exception as exc:  # noqa: BLE001  (reported below)
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Objection.objects.filter(round=rnd).count() == objection_limit()
    assert results.count(302) == objection_limit() and results.count(400) == 20 - objection_limit(), results
    assert ObjectionQuota.objects.get(round=rnd, address_hash=address_hash("10.9.9.9")).count == objection_limit()


@pytest.mark.django_db(transaction=True)
def test_parallel_service_calls_store_at_most_the_limit(world, make_round):
    """The same guarantee one level down, whatever the database: the quota is one conditional UPDATE."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("parallel writers need a file-based SQLite or PostgreSQL test database")
    rnd = round_in_notice(world, make_round)
    a = Assessment.objects.select_related("org_unit").get(round=rnd, org_unit=world.village)
    barrier, errors = threading.Barrier(20), []

    def file():
        try:
            barrier.wait(timeout=30)
            file_objection(rnd, a, REASON, "", "same-address")
        except WorkflowError as error:
            errors.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=file) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Objection.objects.filter(round=rnd).count() == objection_limit()
    assert len(errors) == 20 - objection_limit()


@pytest.mark.django_db
def test_limit_is_per_round_and_address_not_user_agent(world, make_round, client):
    rnd = round_in_notice(world, make_round)
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    for i in range(objection_limit()):
        assert client.post(_town_url(rnd), {"branch": a.pk, "reason": REASON}, REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT=f"ua{i}").status_code == 302
    refused = client.post(_town_url(rnd), {"branch": a.pk, "reason": REASON}, REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT="yet another")
    assert refused.status_code == 400 and "已达上限" in refused.content.decode()
    assert client.post(_town_url(rnd), {"branch": a.pk, "reason": REASON}, REMOTE_ADDR="10.0.0.2").status_code == 302
    assert not Objection.objects.filter(client_hash__contains="10.0.0").exists()  # the address is not stored in clear


@pytest.fixture
def spam(world, make_round):
    rnd = round_in_notice(world, make_round)
    a = Assessment.objects.select_related("org_unit").get(round=rnd, org_unit=world.village)
    rows = [file_objection(rnd, a, f"{REASON}（第{i}条）", "", f"addr-{i}") for i in range(4)]
    return rnd, rows


@pytest.mark.django_db
def test_town_dismisses_duplicates_in_bulk_on_the_page(world, spam, login):
    rnd, rows = spam
    town = world.users[Role.TOWN_ADMIN]
    client = login(town)
    page = client.get(f"/rating/rounds/{rnd.pk}/objections/").content.decode()
    assert 'data-testid="bulk-dismiss-form"' in page and f'data-testid="pick-{rows[0].pk}"' in page
    picked = [rows[0].pk, rows[1].pk, rows[2].pk]
    response = client.post(f"/rating/rounds/{rnd.pk}/objections/", {"bulk_dismiss": "1", "ids": picked, "bulk_resolution": "重复提交，已一并核实"}, follow=True)
    assert "已批量不予采纳 3 条异议" in response.content.decode()
    done = Objection.objects.filter(pk__in=picked)
    assert {(o.status, o.resolution, o.resolved_by) for o in done} == {("dismissed", "重复提交，已一并核实", town)}
    assert Objection.objects.get(pk=rows[3].pk).status == "open"
    events = AssessmentEvent.objects.filter(action="objection", assessment=rows[0].assessment)
    assert events.count() == 3 and all(e.user == town and e.reason == "重复提交，已一并核实" for e in events)


@pytest.mark.django_db
def test_bulk_dismiss_needs_a_reason_and_is_all_or_nothing(world, spam, login):
    rnd, rows = spam
    client = login(world.users[Role.TOWN_ADMIN])
    response = client.post(f"/rating/rounds/{rnd.pk}/objections/", {"bulk_dismiss": "1", "ids": [rows[0].pk], "bulk_resolution": " "}, follow=True)
    assert "须填写处理意见" in response.content.decode()
    response = client.post(f"/rating/rounds/{rnd.pk}/objections/", {"bulk_dismiss": "1", "ids": [rows[0].pk, 99999], "bulk_resolution": "重复"}, follow=True)
    assert "不存在或不在您的管辖范围内" in response.content.decode()
    assert not Objection.objects.exclude(status="open").exists()


@pytest.mark.parametrize("role,allowed", [(Role.TOWN_ADMIN, True), (Role.COUNTY_ADMIN, True), (Role.SYSADMIN, True),
                                          (Role.VILLAGE_CADRE, False), (Role.VILLAGE_LIAISON, False), (Role.OBSERVER, False),
                                          (Role.SUPERVISOR, False)])
@pytest.mark.django_db
def test_bulk_dismiss_per_role_on_page_and_api(world, spam, login, api_token, role, allowed):
    rnd, rows = spam
    user = world.users[role]
    ids = [rows[0].pk, rows[1].pk]
    client = login(user)
    response = client.post(f"/rating/rounds/{rnd.pk}/objections/", {"bulk_dismiss": "1", "ids": ids, "bulk_resolution": "恶意重复提交"})
    assert response.status_code in ((302,) if allowed else (302, 403, 404))
    assert Objection.objects.filter(pk__in=ids, status="dismissed").count() == (2 if allowed else 0)

    Objection.objects.update(status="open", resolution="", resolved_by=None, resolved_at=None)
    api = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}
    body = json.dumps({"ids": ids, "resolution": "恶意重复提交"})
    response = api.post(f"/api/v1/rounds/{rnd.pk}/objections/dismiss", body, content_type="application/json", **headers)
    if allowed:
        assert response.status_code == 200 and response.json() == {"dismissed": 2}
        listed = api.get(f"/api/v1/rounds/{rnd.pk}/objections?status=dismissed", **headers).json()
        assert {o["id"] for o in listed["items"]} == set(ids)
    else:
        assert response.status_code in (403, 404) and "detail" in response.json()
        assert not Objection.objects.filter(status="dismissed").exists()


@pytest.mark.django_db
def test_service_refuses_objections_outside_the_users_charge(world, spam):
    rnd, rows = spam
    with pytest.raises(WorkflowError, match="无权"):
        dismiss_objections(rnd, world.users[Role.VILLAGE_CADRE], [rows[0].pk], "x")
