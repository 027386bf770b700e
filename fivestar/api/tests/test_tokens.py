"""API tokens: stored hashed, expire, revoked by logout / password change / reset / deactivation, listed and
revoked by their owner only, and the JSON 429 of the throttled token endpoint."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from fivestar.api.models import ApiToken
from fivestar.core.roles import Role
from fivestar.people import account_services as accounts
from fivestar.people.models import Person
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def call(client, method, url, token=None, body=None, **extra):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    response = getattr(client, method)(f"/api/v1{url}", **kwargs, **extra)
    return response.status_code, (response.json() if response.content else None)


def get_token(client, username, password=PASSWORD, **extra):
    status, body = call(client, "post", "/auth/token", body={"username": username, "password": password}, **extra)
    assert status == 200, body
    return body["token"]


def test_token_is_stored_only_as_a_hash(world, client):
    token = get_token(client, "town")
    assert call(client, "get", "/org-units/410928103", token)[0] == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT key_hash, label FROM api_apitoken")
        rows = cursor.fetchall()
    assert rows and all(token not in " ".join(map(str, row)) for row in rows)


def test_expired_token_is_refused_and_deleted(world, client, settings):
    settings.API_TOKEN_TTL_HOURS = 24
    token = get_token(client, "town")
    assert call(client, "get", "/auth/tokens", token)[0] == 200
    ApiToken.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    status, body = call(client, "get", "/org-units/410928103", token)
    assert status == 401 and "令牌" in body["detail"]
    assert not ApiToken.objects.exists()


def test_token_within_lifetime_works_and_reports_its_expiry(world, client, settings):
    settings.API_TOKEN_TTL_HOURS = 24
    token = get_token(client, "town")
    ApiToken.objects.update(created_at=timezone.now() - timedelta(hours=23))
    status, body = call(client, "get", "/auth/tokens", token)
    assert status == 200 and len(body) == 1 and body[0]["current"] is True
    assert body[0]["expires_at"]


def test_api_logout_revokes_only_the_token_used(world, client):
    first, second = get_token(client, "town"), get_token(client, "town")
    status, body = call(client, "post", "/auth/logout", first)
    assert status == 200 and "撤销" in body["detail"]
    assert call(client, "get", "/auth/tokens", first)[0] == 401
    assert call(client, "get", "/auth/tokens", second)[0] == 200


def test_owner_lists_and_revokes_own_tokens_but_not_anothers(world, client):
    mine, spare = get_token(client, "town"), get_token(client, "town")
    theirs = get_token(client, "county")
    status, listed = call(client, "get", "/auth/tokens", mine)
    assert status == 200 and len(listed) == 2
    assert {t["current"] for t in listed} == {True, False}
    spare_id = next(t["id"] for t in listed if not t["current"])
    their_id = ApiToken.objects.get(user=world.users[Role.COUNTY_ADMIN]).pk

    status, body = call(client, "delete", f"/auth/tokens/{their_id}", mine)
    assert status == 404 and "不属于您" in body["detail"]
    assert call(client, "get", "/auth/tokens", theirs)[0] == 200

    assert call(client, "delete", f"/auth/tokens/{spare_id}", mine)[0] == 204
    assert call(client, "get", "/auth/tokens", spare)[0] == 401
    assert [t["id"] for t in call(client, "get", "/auth/tokens", mine)[1]] != [spare_id]


def test_password_change_by_api_revokes_every_token(world, client):
    one, two = get_token(client, "town"), get_token(client, "town")
    status, body = call(client, "post", "/auth/password", one, {"old_password": PASSWORD, "new_password": "Lvse-Xiangcun-2024"})
    assert status == 200, body
    assert call(client, "get", "/auth/tokens", one)[0] == 401
    assert call(client, "get", "/auth/tokens", two)[0] == 401
    get_token(client, "town", "Lvse-Xiangcun-2024")


def test_password_change_by_api_validates_in_chinese(world, client):
    token = get_token(client, "town")
    status, body = call(client, "post", "/auth/password", token, {"old_password": "wrong-old-pass", "new_password": "123"})
    assert status == 422
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert "旧密码" in messages["old_password"]
    status, body = call(client, "post", "/auth/password", token, {"old_password": PASSWORD, "new_password": "12345678"})
    assert status == 422
    text = " ".join(e["message"] for e in body["errors"])
    assert "密码长度太短" in text and "密码只包含数字" in text and "This password" not in text
    assert call(client, "get", "/auth/tokens", token)[0] == 200  # nothing changed, token still valid


@pytest.fixture
def member_account(world):
    """A village cadre with a login account created by the town administrator; returns (person, password)."""
    person = Person.objects.create(org_unit=world.village, name="刘备", gender="M", position="village_cadre")
    password = accounts.create_account(world.users[Role.TOWN_ADMIN], person, "liubei")
    person.refresh_from_db()
    return person, password


def test_admin_reset_revokes_tokens_and_api_demands_a_change(world, client, member_account):
    person, password = member_account
    old_token = get_token(client, "liubei", password)
    new_password = accounts.reset_password(world.users[Role.TOWN_ADMIN], person)
    assert call(client, "get", "/auth/tokens", old_token)[0] == 401

    token = get_token(client, "liubei", new_password)
    status, body = call(client, "get", "/people", token)
    assert status == 403 and "修改密码" in body["detail"]
    assert call(client, "get", "/auth/tokens", token)[0] == 403
    status, body = call(client, "post", "/auth/password", token, {"old_password": new_password, "new_password": "Wo-De-Xin-Mima-7"})
    assert status == 200, body
    token = get_token(client, "liubei", "Wo-De-Xin-Mima-7")
    assert call(client, "get", "/people", token)[0] == 200


def test_deactivation_revokes_tokens(world, client, member_account):
    person, password = member_account
    token = get_token(client, "liubei", password)
    accounts.set_account_active(world.users[Role.TOWN_ADMIN], person, False)
    assert not ApiToken.objects.filter(user=person.user).exists()
    assert call(client, "get", "/auth/tokens", token)[0] == 401
    accounts.set_account_active(world.users[Role.TOWN_ADMIN], person, True)
    assert call(client, "get", "/auth/tokens", token)[0] == 401  # re-enabling does not revive old tokens


def test_throttled_token_endpoint_answers_json_429_in_chinese(world, client):
    for _ in range(5):
        status, _ = call(client, "post", "/auth/token", body={"username": "town", "password": "wrong"})
        assert status in (401, 429)
    response = client.post("/api/v1/auth/token", json.dumps({"username": "town", "password": PASSWORD}), content_type="application/json")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "锁定" in response.json()["detail"] and response.has_header("Retry-After")


def test_guessing_the_old_password_is_limited(world, client, login, settings):
    """A stolen token or session cannot be used to guess the current password: after AXES_FAILURE_LIMIT
    wrong old passwords, even the right one is refused for the cool-off window (API 429, page message)."""
    settings.AXES_FAILURE_LIMIT = 3
    token = get_token(client, "town")
    for _ in range(3):
        status, _body = call(client, "post", "/auth/password", token, {"old_password": "guess-123456", "new_password": "Lvse-Xiangcun-2024"})
        assert status == 422
    status, body = call(client, "post", "/auth/password", token, {"old_password": PASSWORD, "new_password": "Lvse-Xiangcun-2024"})
    assert status == 429 and "分钟后再试" in body["detail"]
    page = login(world.users[Role.TOWN_ADMIN]).post("/account/password/", {
        "old_password": PASSWORD, "new_password1": "Lvse-Xiangcun-2024", "new_password2": "Lvse-Xiangcun-2024"}, follow=True)
    assert "分钟后再试" in page.content.decode()
    world.users[Role.TOWN_ADMIN].refresh_from_db()
    assert world.users[Role.TOWN_ADMIN].check_password(PASSWORD)  # unchanged


def test_a_weak_new_password_is_not_counted_as_a_guess(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    token = get_token(client, "town")
    for _ in range(3):
        assert call(client, "post", "/auth/password", token, {"old_password": PASSWORD, "new_password": "123"})[0] == 422
    assert call(client, "post", "/auth/password", token, {"old_password": PASSWORD, "new_password": "Lvse-Xiangcun-2024"})[0] == 200
