"""我的账号 and 修改密码: own tokens listed and revoked, password changed with Django's validators in
Chinese, other sessions and tokens ended, and an administrator's reset forcing a change first."""

import pytest
from django.test import Client

from fivestar.api.models import ApiToken
from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.people import account_services as accounts
from fivestar.people.models import Person
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Lvse-Xiangcun-2024"


def logged_in(username, password=PASSWORD):
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_user_menu_links_to_my_account_and_password(world):
    page = logged_in("town").get("/").content.decode()
    assert 'href="/account/"' in page and 'href="/account/password/"' in page


def test_my_account_lists_and_revokes_only_own_tokens(world):
    town, county = world.users[Role.TOWN_ADMIN], world.users[Role.COUNTY_ADMIN]
    ApiToken.issue(town, label="报表系统")
    ApiToken.issue(county, label="县里的同步")
    mine = ApiToken.objects.get(user=town)
    theirs = ApiToken.objects.get(user=county)
    client = logged_in("town")
    page = client.get("/account/").content.decode()
    assert "报表系统" in page and "县里的同步" not in page and "撤销" in page

    response = client.post(f"/account/tokens/{theirs.pk}/revoke/", follow=True)
    assert "不存在或已失效" in response.content.decode()
    assert ApiToken.objects.filter(pk=theirs.pk).exists()

    response = client.post(f"/account/tokens/{mine.pk}/revoke/", follow=True)
    assert "已撤销" in response.content.decode()
    assert not ApiToken.objects.filter(pk=mine.pk).exists()
    assert client.get(f"/account/tokens/{theirs.pk}/revoke/").status_code == 405


def test_password_change_errors_are_in_chinese(world):
    client = logged_in("town")
    page = client.post("/account/password/", {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW}).content.decode()
    assert "旧密码" in page and "不正确" in page
    page = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "1234567", "new_password2": "1234567"}).content.decode()
    assert "密码长度太短" in page and "密码只包含数字" in page and "This password" not in page
    page = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"}).content.decode()
    assert "输入的两个密码不一致" in page
    world.users[Role.TOWN_ADMIN].refresh_from_db()
    assert world.users[Role.TOWN_ADMIN].check_password(PASSWORD)


def test_password_change_ends_other_sessions_and_tokens_but_keeps_this_one(world):
    town = world.users[Role.TOWN_ADMIN]
    token = ApiToken.issue(town)
    here, elsewhere = logged_in("town"), logged_in("town")
    response = here.post("/account/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith("/login/")
    assert Client().get("/api/v1/auth/tokens", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert AuditEvent.objects.filter(user=town, model="auth.user", summary="修改了自己的登录密码").exists()
    logged_in("town", NEW)


def test_web_logout_ends_the_session(world):
    client = logged_in("town")
    assert client.post("/logout/").status_code == 302
    assert client.get("/")["Location"].startswith("/login/")


@pytest.fixture
def member(world):
    person = Person.objects.create(org_unit=world.village, name="刘备", gender="M", position="village_cadre")
    password = accounts.create_account(world.users[Role.TOWN_ADMIN], person, "liubei")
    person.refresh_from_db()
    return person, password


def test_admin_reset_forces_a_change_before_anything_else(world, member):
    person, password = member
    before = logged_in("liubei", password)
    new = accounts.reset_password(world.users[Role.TOWN_ADMIN], person)
    assert before.get("/")["Location"].startswith("/login/")  # the old session ended with the old password

    client = logged_in("liubei", new)
    for url in ("/", "/orgs/", "/people/", "/account/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/account/password/", url
    response = client.get("/orgs/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/account/password/"
    page = client.get("/account/password/").content.decode()
    assert "管理员已重置您的密码" in page

    response = client.post("/account/password/", {"old_password": new, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.must_change_password
    assert client.get("/orgs/").status_code == 200


def test_forced_user_can_still_log_out(world, member):
    person, _ = member
    new = accounts.reset_password(world.users[Role.TOWN_ADMIN], person)
    client = logged_in("liubei", new)
    assert client.post("/logout/")["Location"].startswith("/login/")


def test_deactivation_ends_the_accounts_sessions(world, member):
    person, password = member
    client = logged_in("liubei", password)
    assert client.get("/").status_code == 200
    accounts.set_account_active(world.users[Role.TOWN_ADMIN], person, False)
    assert client.get("/")["Location"].startswith("/login/")
