"""Login accounts and role grants: only MANAGE_ACCOUNTS holders, only within their own scope, never
系统管理员 unless the granter is one; the initial password is shown once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.people import account_services as accounts
from fivestar.people.models import RoleAssignment

from .helpers import events, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(world):
    return person(world.village, "刘备", phone="13912345678", position="village_cadre")


def test_create_account_generates_a_working_password(world, member):
    admin = world.users[Role.TOWN_ADMIN]
    password = accounts.create_account(admin, member, "liubei")
    member.refresh_from_db()
    assert member.user.username == "liubei"
    assert len(password) >= 12 and member.user.check_password(password)
    event = events("auth.user", member.user.pk).get()
    assert event.user == admin and event.action == AuditEvent.Action.CREATE and event.org_unit == world.village
    assert events("people.person", member.pk).last().user == admin


def test_suggested_username_is_pinyin_and_unique(world, member):
    assert accounts.suggest_username(member) == "liubei5678"
    accounts.create_account(world.users[Role.TOWN_ADMIN], member, "liubei5678")
    other = person(world.sibling, "刘备", phone="13812345678", position="village_cadre")
    assert accounts.suggest_username(other) == "liubei56782"


@pytest.mark.parametrize("username,message", [("ab", "3至30位"), ("刘备", "3至30位"), ("county", "已被使用")])
def test_create_account_validation(world, member, username, message):
    with pytest.raises(ValidationError, match=message):
        accounts.create_account(world.users[Role.TOWN_ADMIN], member, username)


@pytest.mark.parametrize("role", [Role.VILLAGE_CADRE, Role.VILLAGE_LIAISON, Role.OBSERVER, Role.SUPERVISOR, Role.AREA_LEADER])
def test_only_account_managers_create_accounts(world, member, role):
    with pytest.raises(PermissionDenied):
        accounts.create_account(world.users[role], member, "liubei")


def test_grant_limited_to_granters_scope(world, member):
    admin = world.users[Role.TOWN_ADMIN]
    accounts.create_account(admin, member, "liubei")
    member.refresh_from_db()
    ra = accounts.grant_role(admin, member, Role.VILLAGE_CADRE, world.village)
    assert ra.active and events("people.roleassignment", ra.pk).get().user == admin
    with pytest.raises(ValidationError, match="管辖范围"):
        accounts.grant_role(admin, member, Role.VILLAGE_CADRE, world.other_village)
    with pytest.raises(ValidationError, match="管辖范围"):
        accounts.grant_role(admin, member, Role.COUNTY_ADMIN, world.county)
    with pytest.raises(ValidationError, match="已拥有"):
        accounts.grant_role(admin, member, Role.VILLAGE_CADRE, world.village)


def test_sysadmin_only_granted_by_sysadmin(world, member):
    county = world.users[Role.COUNTY_ADMIN]
    accounts.create_account(county, member, "liubei")
    member.refresh_from_db()
    assert Role.SYSADMIN not in dict(accounts.grantable_roles(county))
    with pytest.raises(ValidationError):  # the province is outside a county admin's scope anyway
        accounts.grant_role(county, member, Role.SYSADMIN, world.province)
    with pytest.raises(PermissionDenied, match="系统管理员"):
        accounts.grant_role(county, member, Role.SYSADMIN, world.county)
    sysadmin = world.users[Role.SYSADMIN]
    assert Role.SYSADMIN in dict(accounts.grantable_roles(sysadmin))
    ra = accounts.grant_role(sysadmin, member, Role.SYSADMIN, world.county)
    with pytest.raises(PermissionDenied):
        accounts.revoke_role(county, ra)
    accounts.revoke_role(sysadmin, ra)


@pytest.mark.parametrize(
    "role,unit,area,field,message",
    [
        (Role.TOWN_ADMIN, "village", None, "org_unit", "乡镇"),
        (Role.VILLAGE_CADRE, "town", None, "org_unit", "村（社区）"),
        (Role.AREA_LEADER, "town", None, "area", "须指定片区"),
        (Role.AREA_LEADER, "town", "东片区", "area", "不属于"),
        (Role.OBSERVER, "town", "西片区", "area", "只有包片领导"),
    ],
)
def test_grant_validation(world, member, role, unit, area, field, message):
    admin = world.users[Role.COUNTY_ADMIN]
    accounts.create_account(admin, member, "liubei")
    member.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        accounts.grant_role(admin, member, role, getattr(world, unit), area)
    assert message in info.value.message_dict[field][0]


def test_area_leader_grant_and_revoke(world, member):
    admin = world.users[Role.TOWN_ADMIN]
    accounts.create_account(admin, member, "liubei")
    member.refresh_from_db()
    ra = accounts.grant_role(admin, member, Role.AREA_LEADER, world.town, "西片区")
    assert ra.area == world.area
    accounts.revoke_role(admin, ra)
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
    assert events("people.roleassignment", ra.pk).last().action == AuditEvent.Action.DELETE


def test_cannot_revoke_own_role_or_disable_own_account(world):
    admin = world.users[Role.TOWN_ADMIN]
    me = person(world.town, "镇管理员", position="town_cadre", user=admin)
    with pytest.raises(ValidationError):
        accounts.revoke_role(admin, admin.role_assignments.get())
    with pytest.raises(ValidationError):
        accounts.set_account_active(admin, me, False)


def test_reset_and_disable(world, member):
    admin = world.users[Role.TOWN_ADMIN]
    accounts.create_account(admin, member, "liubei")
    member.refresh_from_db()
    new = accounts.reset_password(admin, member)
    member.user.refresh_from_db()
    assert member.user.check_password(new)
    accounts.set_account_active(admin, member, False)
    member.user.refresh_from_db()
    assert not member.user.is_active
    assert events("auth.user", member.user.pk).count() == 3


class TestPages:
    def test_create_account_shows_password_once(self, world, member, login):
        client = login(world.users[Role.TOWN_ADMIN])
        page = client.get(f"/people/{member.pk}/account/new/")
        assert page.status_code == 200 and "liubei5678" in page.content.decode()
        response = client.post(f"/people/{member.pk}/account/new/", {"username": "liubei"})
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        member.refresh_from_db()
        html = response.content.decode()
        assert "liubei" in html and "仅显示这一次" not in html and "只显示这一次" in html
        detail = client.get(f"/people/{member.pk}/").content.decode()
        assert "liubei" in detail and "account-password" not in detail
        assert events("auth.user", member.user.pk).get().user == world.users[Role.TOWN_ADMIN]

    @pytest.mark.parametrize("role", [Role.VILLAGE_CADRE, Role.OBSERVER])
    def test_account_pages_forbidden_without_manage_accounts(self, world, member, login, role):
        client = login(world.users[role])
        assert client.get(f"/people/{member.pk}/account/new/").status_code == 403
        assert client.get(f"/people/{member.pk}/roles/new/").status_code == 403

    def test_out_of_scope_person_is_404(self, world, login):
        far = person(world.far_village, "远方")
        client = login(world.users[Role.TOWN_ADMIN])
        assert client.get(f"/people/{far.pk}/account/new/").status_code == 404

    def test_grant_and_revoke_pages(self, world, member, login):
        admin = world.users[Role.TOWN_ADMIN]
        accounts.create_account(admin, member, "liubei")
        client = login(admin)
        page = client.get(f"/people/{member.pk}/roles/new/").content.decode()
        assert "系统管理员" not in page.split('name="role"')[1].split("</select>")[0]
        bad = client.post(f"/people/{member.pk}/roles/new/", {"role": Role.VILLAGE_CADRE, "org_unit": world.other_village.code})
        assert bad.status_code == 200 and "不在您的管辖范围内" in bad.content.decode()
        sys_try = client.post(f"/people/{member.pk}/roles/new/", {"role": Role.SYSADMIN, "org_unit": world.town.code})
        assert "选择一个有效的选项" in sys_try.content.decode() or "有效" in sys_try.content.decode()
        ok = client.post(f"/people/{member.pk}/roles/new/", {"role": Role.VILLAGE_CADRE, "org_unit": world.village.code})
        assert ok.status_code == 302
        ra = RoleAssignment.objects.get(user__username="liubei")
        assert events("people.roleassignment", ra.pk).get().user == admin
        assert client.get(f"/people/roles/{ra.pk}/revoke/").status_code == 200
        assert client.post(f"/people/roles/{ra.pk}/revoke/").status_code == 302
        assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
