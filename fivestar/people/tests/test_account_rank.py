"""Account management respects rank: every role an account holds must lie inside the administrator's scope
and below their rank; nobody but a superuser manages a superuser."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from fivestar.core.roles import Role
from fivestar.people import account_services as accounts
from fivestar.people import services
from fivestar.people.models import RoleAssignment

from .helpers import person

pytestmark = pytest.mark.django_db


def _holder(world, unit, name, username, role, bound_to, position="town_cadre"):
    """A person sitting in `unit` whose account holds `role` over `bound_to`."""
    user = get_user_model().objects.create_user(username=username, password="x-pass-12345")
    RoleAssignment.objects.create(user=user, role=role, org_unit=bound_to)
    return person(unit, name, position=position, user=user)


@pytest.fixture
def county_deputy(world):
    """Sits in the town (so in the town admin's people scope) but holds a county role."""
    return _holder(world, world.town, "县里来的", "deputy", Role.COUNTY_ADMIN, world.county)


@pytest.fixture
def town_colleague(world):
    return _holder(world, world.town, "另一位镇管理员", "town2", Role.TOWN_ADMIN, world.town)


@pytest.fixture
def cadre(world):
    return _holder(world, world.village, "村干部甲", "cadre1", Role.VILLAGE_CADRE, world.village, position="village_cadre")


def test_town_admin_cannot_manage_a_county_role_or_a_peer(world, county_deputy, town_colleague):
    admin = world.users[Role.TOWN_ADMIN]
    for target in (county_deputy, town_colleague):
        with pytest.raises(PermissionDenied, match="不能管理"):
            accounts.reset_password(admin, target)
        with pytest.raises(PermissionDenied, match="不能管理"):
            accounts.set_account_active(admin, target, False)
        with pytest.raises(PermissionDenied, match="不能管理"):
            accounts.grant_role(admin, target, Role.OBSERVER, world.town)
        with pytest.raises(PermissionDenied):
            services.update_person(admin, target, phone="13900000000")
        with pytest.raises(PermissionDenied):
            services.deactivate_person(admin, target)
        target.user.refresh_from_db()
        assert target.user.is_active and target.user.check_password("x-pass-12345")
    with pytest.raises(PermissionDenied):
        accounts.revoke_role(admin, town_colleague.user.role_assignments.get())


def test_county_admin_manages_town_roles_but_not_another_county_admin(world, county_deputy, town_colleague):
    county = world.users[Role.COUNTY_ADMIN]
    password = accounts.reset_password(county, town_colleague)
    town_colleague.user.refresh_from_db()
    assert town_colleague.user.check_password(password)
    accounts.set_account_active(county, town_colleague, False)
    with pytest.raises(PermissionDenied, match="同级或比您高"):
        accounts.reset_password(county, county_deputy)
    accounts.revoke_role(county, town_colleague.user.role_assignments.get())


def test_town_admin_manages_village_cadres(world, cadre):
    admin = world.users[Role.TOWN_ADMIN]
    password = accounts.reset_password(admin, cadre)
    cadre.user.refresh_from_db()
    assert cadre.user.check_password(password)
    accounts.set_account_active(admin, cadre, False)
    accounts.set_account_active(admin, cadre, True)
    services.update_person(admin, cadre, phone="13900000001")
    # A village cadre still keeps a colleague's details current...
    services.update_person(world.users[Role.VILLAGE_CADRE], cadre, phone="13900000002")
    # ...unless that colleague also holds a role outside the village.
    accounts.grant_role(admin, cadre, Role.VILLAGE_LIAISON, world.sibling)
    with pytest.raises(PermissionDenied):
        services.update_person(world.users[Role.VILLAGE_CADRE], cadre, phone="13900000003")


def test_no_grant_of_a_role_of_ones_own_rank_or_above(world, cadre):
    town, county = world.users[Role.TOWN_ADMIN], world.users[Role.COUNTY_ADMIN]
    with pytest.raises(PermissionDenied, match="同级或比您高"):
        accounts.grant_role(town, cadre, Role.TOWN_ADMIN, world.town)
    with pytest.raises(PermissionDenied, match="同级或比您高"):
        accounts.grant_role(county, cadre, Role.COUNTY_ADMIN, world.county)
    assert Role.TOWN_ADMIN not in dict(accounts.grantable_roles(town))
    assert Role.COUNTY_ADMIN not in dict(accounts.grantable_roles(county)) and Role.TOWN_ADMIN in dict(accounts.grantable_roles(county))
    accounts.grant_role(county, cadre, Role.TOWN_ADMIN, world.town)
    # The cadre now holds a town admin role: the town admin no longer manages that account.
    with pytest.raises(PermissionDenied):
        accounts.reset_password(town, cadre)


def test_only_a_superuser_manages_a_superuser(world):
    root = get_user_model().objects.create_superuser(username="root", password="x-pass-12345")
    target = person(world.town, "超级管理员", position="town_cadre", user=root)
    with pytest.raises(PermissionDenied, match="超级管理员"):
        accounts.reset_password(world.users[Role.SYSADMIN], target)
    other_root = get_user_model().objects.create_superuser(username="root2", password="x-pass-12345")
    accounts.reset_password(other_root, target)


class TestPages:
    def test_town_admin_is_refused_on_a_county_role_account(self, world, county_deputy, login):
        client = login(world.users[Role.TOWN_ADMIN])
        detail = client.get(f"/people/{county_deputy.pk}/").content.decode()
        assert "重置密码" not in detail and 'data-testid="person-edit"' not in detail
        for url in (f"/people/{county_deputy.pk}/account/reset/", f"/people/{county_deputy.pk}/account/toggle/"):
            response = client.post(url, {"active": "0"})
            assert response.status_code == 403 and "不能管理" in response.content.decode()
        assert client.get(f"/people/{county_deputy.pk}/roles/new/").status_code == 403
        assert client.get(f"/people/{county_deputy.pk}/edit/").status_code == 403
        ra = county_deputy.user.role_assignments.get()
        assert client.post(f"/people/roles/{ra.pk}/revoke/").status_code == 404  # bound to the county: not even visible
        county_deputy.user.refresh_from_db()
        assert county_deputy.user.is_active and county_deputy.user.check_password("x-pass-12345")

    def test_county_admin_resets_a_town_role_account(self, world, town_colleague, login):
        client = login(world.users[Role.COUNTY_ADMIN])
        assert "重置密码" in client.get(f"/people/{town_colleague.pk}/").content.decode()
        response = client.post(f"/people/{town_colleague.pk}/account/reset/")
        assert response.status_code == 200 and response.context["password"]
        town_colleague.user.refresh_from_db()
        assert town_colleague.user.check_password(response.context["password"])

    def test_town_admin_resets_a_village_cadre(self, world, cadre, login):
        client = login(world.users[Role.TOWN_ADMIN])
        response = client.post(f"/people/{cadre.pk}/account/reset/")
        assert response.status_code == 200
        cadre.user.refresh_from_db()
        assert cadre.user.check_password(response.context["password"])
        assert client.post(f"/people/{cadre.pk}/account/toggle/", {"active": "0"}).status_code == 302
        cadre.user.refresh_from_db()
        assert not cadre.user.is_active

    def test_grant_page_offers_only_lower_roles(self, world, cadre, login):
        client = login(world.users[Role.TOWN_ADMIN])
        select = client.get(f"/people/{cadre.pk}/roles/new/").content.decode().split('name="role"')[1].split("</select>")[0]
        assert "镇级管理员" not in select and "县级管理员" not in select and "村书记/村干部" in select
        response = client.post(f"/people/{cadre.pk}/roles/new/", {"role": Role.TOWN_ADMIN, "org_unit": world.town.code})
        assert response.status_code == 200 and not cadre.user.role_assignments.filter(role=Role.TOWN_ADMIN).exists()


class TestApi:
    @pytest.fixture
    def call(self, client, api_token):
        def _call(user, method, url, body=None):
            kwargs = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}
            if body is not None:
                kwargs.update(data=body, content_type="application/json")
            return getattr(client, method)(f"/api/v1{url}", **kwargs)

        return _call

    def test_town_admin_is_refused_on_a_county_role_account(self, world, county_deputy, call):
        town = world.users[Role.TOWN_ADMIN]
        for url, body in ((f"/people/{county_deputy.pk}/account/password-reset", None),
                          (f"/people/{county_deputy.pk}/account/active", {"active": False}),
                          (f"/people/{county_deputy.pk}/roles", {"role": "observer", "org_unit": world.town.code})):
            response = call(town, "post", url, body)
            assert response.status_code == 403 and "不能管理" in response.json()["detail"], url
        ra = county_deputy.user.role_assignments.get()
        assert call(town, "delete", f"/roles/{ra.pk}").status_code == 404
        county_deputy.user.refresh_from_db()
        assert county_deputy.user.is_active and county_deputy.user.check_password("x-pass-12345")

    def test_county_admin_manages_a_town_role_account(self, world, town_colleague, call):
        county = world.users[Role.COUNTY_ADMIN]
        response = call(county, "post", f"/people/{town_colleague.pk}/account/password-reset")
        assert response.status_code == 200
        town_colleague.user.refresh_from_db()
        assert town_colleague.user.check_password(response.json()["password"])
        ra = town_colleague.user.role_assignments.get()
        assert [r["role"] for r in call(county, "get", f"/people/{town_colleague.pk}/roles").json()] == ["town_admin"]
        assert call(county, "delete", f"/roles/{ra.pk}").status_code == 204

    def test_town_admin_manages_a_village_cadre_but_grants_no_peer_role(self, world, cadre, call):
        town = world.users[Role.TOWN_ADMIN]
        assert call(town, "post", f"/people/{cadre.pk}/account/active", {"active": False}).json()["active"] is False
        response = call(town, "post", f"/people/{cadre.pk}/roles", {"role": "town_admin", "org_unit": world.town.code})
        assert response.status_code == 403 and "同级或比您高" in response.json()["detail"]
        response = call(town, "post", f"/people/{cadre.pk}/roles", {"role": "village_liaison", "org_unit": world.sibling.code})
        assert response.status_code == 201 and response.json()["org_unit"] == world.sibling.code

    def test_create_account(self, world, call):
        newcomer = person(world.village, "新人", position="village_cadre")
        response = call(world.users[Role.TOWN_ADMIN], "post", f"/people/{newcomer.pk}/account", {"username": "newcomer"})
        assert response.status_code == 201 and response.json()["username"] == "newcomer" and len(response.json()["password"]) >= 12
        response = call(world.users[Role.VILLAGE_CADRE], "post", f"/people/{newcomer.pk}/account/password-reset")
        assert response.status_code == 403
