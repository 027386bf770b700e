"""Invisible characters never reach the database: cleaned from every form post, query string and API
body (by the middleware and the API's parser), refused in usernames, and never a 500."""

import json

import pytest
from django.contrib.auth import get_user_model

from fivestar.core.roles import Role
from fivestar.orgs.models import Area
from fivestar.people.models import Person

pytestmark = pytest.mark.django_db

NUL, RLO, ZWSP = "\x00", "\u202e", "\u200b"
HOSTILE = [("zhangsan" + NUL, "zhangsan"), ("张" + RLO + "三", "张三"), ("李" + ZWSP + "四", "李四")]


@pytest.mark.parametrize("typed,stored", HOSTILE)
def test_person_form_post_is_cleaned(world, login, typed, stored):
    client = login(world.users[Role.TOWN_ADMIN])
    data = {"org_unit": world.village.code, "name": typed, "gender": "M", "phone": "", "position": "other",
            "note": "备注" + ZWSP + RLO + NUL}
    response = client.post("/people/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(org_unit=world.village, name=stored)
    assert person.note == "备注"


def test_direct_post_read_is_cleaned_so_names_do_not_differ_invisibly(world, login):
    """The town set-up page reads request.POST itself (no form): a zero-width space must not make a new area."""
    client = login(world.users[Role.TOWN_ADMIN])
    client.post(f"/orgs/{world.town.code}/setup/", {"add_area": "1", "name": "东" + ZWSP + "片区" + NUL, "note": RLO + "x"})
    assert Area.objects.filter(town=world.town, name="东片区").exists()
    assert not any(has for has in Area.objects.values_list("name", flat=True) if ZWSP in has or NUL in has)


def test_query_string_with_nul_is_cleaned(world, login):
    client = login(world.users[Role.SYSADMIN])
    for url in ("/people/?q=张" + NUL, "/orgs/?q=西" + NUL + ZWSP):
        assert client.get(url).status_code == 200


def test_path_with_nul_is_refused_not_500(world, login):
    client = login(world.users[Role.SYSADMIN])
    assert client.get("/orgs/41%00/").status_code == 400
    response = client.get("/api/v1/org-units/41%00")
    assert response.status_code == 400 and "不可见" in response.json()["detail"]


@pytest.fixture
def api_call(client, api_token):
    def call(user, method, url, body):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}
        if body is None:
            return getattr(client, method)(f"/api/v1{url}", **headers)
        raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return getattr(client, method)(f"/api/v1{url}", data=raw, content_type="application/json", **headers)

    return call


@pytest.mark.parametrize("typed,stored", HOSTILE)
def test_api_body_is_cleaned(world, api_call, typed, stored):
    body = {"org_unit": world.village.code, "name": typed, "gender": "M", "position": "other", "note": ZWSP + "n" + NUL}
    response = api_call(world.users[Role.TOWN_ADMIN], "post", "/people", body)
    assert response.status_code == 201, response.content.decode()
    assert response.json()["name"] == stored and response.json()["note"] == "n"
    assert Person.objects.filter(name=stored).exists()


def test_api_query_is_cleaned(world, api_call):
    response = api_call(world.users[Role.SYSADMIN], "get", "/people?q=" + "张%00" + "&under=41%E2%80%8B", None)
    assert response.status_code == 200


@pytest.mark.parametrize("username", ["town" + NUL, "town" + ZWSP, RLO + "town"])
def test_api_token_refuses_invisible_username(world, api_call, username):
    response = api_call(world.users[Role.SYSADMIN], "post", "/auth/token", {"username": username, "password": "test-pass-12345"})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "username" and "不可见" in error["message"]


@pytest.mark.parametrize("username", ["zhangsan" + NUL, "zhang" + ZWSP + "san", RLO + "zhangsan"])
def test_account_form_refuses_invisible_username(world, login, username):
    person = Person.objects.create(org_unit=world.village, name="张三", gender="M", position="other")
    client = login(world.users[Role.TOWN_ADMIN])
    response = client.post(f"/people/{person.pk}/account/new/", {"username": username, "password1": "a-long-pass-123456",
                                                                 "password2": "a-long-pass-123456"})
    assert response.status_code in (200, 400)
    assert not get_user_model().objects.filter(username__startswith="zhang").exists()
    assert not get_user_model().objects.filter(username__contains="zhang").exists()


def test_login_with_nul_username_is_not_a_500(world, client):
    response = client.post("/login/", {"username": "town" + NUL, "password": "x"})
    assert response.status_code in (200, 400, 429)
