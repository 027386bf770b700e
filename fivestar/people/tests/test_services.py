"""Write use cases: permission over the target unit, Chinese validation, and history with the acting user."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.people import services
from fivestar.people.models import Duty, Person, Responsibility

from .helpers import events, person

pytestmark = pytest.mark.django_db

VALID = {"name": "王五", "gender": "M", "phone": "13812345678", "position": "party_member", "is_party_member": True, "note": ""}


def test_create_person_records_the_acting_user(world):
    user = world.users[Role.TOWN_ADMIN]
    p = services.create_person(user, org_unit=world.village, **VALID)
    assert Person.objects.get(pk=p.pk).phone == "13812345678"
    event = events("people.person", p.pk).get()
    assert event.user == user and event.action == AuditEvent.Action.CREATE
    assert event.org_unit == world.village
    assert {c["label"] for c in event.changes} >= {"姓名", "联系电话", "职务"}


def test_create_person_accepts_chinese_labels(world):
    p = services.create_person(world.users[Role.TOWN_ADMIN], org_unit=world.village, **{**VALID, "gender": "女", "position": "党员"})
    assert (p.gender, p.position) == ("F", "party_member")


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AREA_LEADER, Role.OBSERVER])
def test_read_only_roles_cannot_create(world, role):
    with pytest.raises(PermissionDenied, match="只有查看权限"):
        services.create_person(world.users[role], org_unit=world.village, **VALID)
    assert not Person.objects.filter(name="王五").exists()


def test_cannot_create_outside_own_subtree(world):
    with pytest.raises(PermissionDenied):
        services.create_person(world.users[Role.VILLAGE_CADRE], org_unit=world.sibling, **VALID)


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"phone": "12345"}, "phone", "手机号码"),
        ({"gender": "X"}, "gender", "性别"),
        ({"position": "队长"}, "position", "职务「队长」无效"),
        ({"name": "  "}, "name", "请填写姓名"),
        ({"position": "secretary", "is_party_member": False}, "is_party_member", "须为中共党员"),
        ({"position": "town_cadre"}, "org_unit", "乡镇"),
        ({"note": "长" * 201}, "note", "200"),
    ],
)
def test_create_person_validation(world, changes, field, message):
    with pytest.raises(ValidationError) as info:
        services.create_person(world.users[Role.TOWN_ADMIN], org_unit=world.village, **{**VALID, **changes})
    assert field in info.value.message_dict
    assert message in info.value.message_dict[field][0]
    assert not Person.objects.exists() or not Person.objects.filter(org_unit=world.village).exists()


def test_duplicate_person_in_same_unit_rejected(world):
    user = world.users[Role.TOWN_ADMIN]
    services.create_person(user, org_unit=world.village, **VALID)
    with pytest.raises(ValidationError, match="同名且联系电话相同"):
        services.create_person(user, org_unit=world.village, **VALID)
    services.create_person(user, org_unit=world.sibling, **VALID)  # another unit is fine


def test_update_person_moves_only_between_managed_units(world):
    cadre = world.users[Role.VILLAGE_CADRE]
    p = person(world.village)
    services.update_person(cadre, p, phone="0393-1234567")
    assert Person.objects.get(pk=p.pk).phone == "0393-1234567"
    with pytest.raises(PermissionDenied):
        services.update_person(cadre, p, org_unit=world.sibling)
    services.update_person(world.users[Role.TOWN_ADMIN], p, org_unit=world.sibling)
    assert Person.objects.get(pk=p.pk).org_unit == world.sibling
    update = events("people.person", p.pk).filter(action=AuditEvent.Action.UPDATE).last()
    assert update.user == world.users[Role.TOWN_ADMIN]
    assert any(c["label"] == "所属单位" for c in update.changes)


def test_update_without_changes_writes_no_history(world):
    p = services.create_person(world.users[Role.TOWN_ADMIN], org_unit=world.village, **VALID)
    services.update_person(world.users[Role.TOWN_ADMIN], p, name="王五")
    assert events("people.person", p.pk).count() == 1


def test_household_member_must_stay_party_member(world):
    user = world.users[Role.VILLAGE_CADRE]
    p = person(world.village, position="village_cadre")
    services.create_responsibility(user, duty="households", person=p, org_unit=world.village, household_count=5)
    with pytest.raises(ValidationError, match="包户"):
        services.update_person(user, p, is_party_member=False)


def test_deactivate_removes_duties_and_restore(world):
    user = world.users[Role.TOWN_ADMIN]
    p = person(world.village)
    duty = services.create_responsibility(user, duty="households", person=p, org_unit=world.village, household_count=3)
    assert services.deactivate_person(user, p) == 1
    p.refresh_from_db()
    assert not p.active and not Responsibility.objects.filter(pk=duty.pk).exists()
    deleted = events("people.responsibility", duty.pk).filter(action=AuditEvent.Action.DELETE).get()
    assert deleted.user == user
    services.restore_person(user, p)
    assert Person.objects.get(pk=p.pk).active


class TestResponsibilities:
    def test_each_duty_type(self, world):
        user = world.users[Role.TOWN_ADMIN]
        leader = person(world.town, "李科长", position="town_leader")
        cadre = person(world.town, "赵干部", position="town_cadre")
        village_cadre = person(world.village, "孙村干", position="village_cadre")
        member = person(world.village, "钱党员")
        services.create_responsibility(user, duty="包片", person=leader, org_unit=world.town, area="西片区")
        services.create_responsibility(user, duty=Duty.VILLAGE, person=cadre, org_unit=world.village)
        services.create_responsibility(user, duty=Duty.GROUP, person=village_cadre, org_unit=world.group)
        r = services.create_responsibility(user, duty=Duty.HOUSEHOLDS, person=member, org_unit=world.village, household_count=3,
                                           household_heads="甲、乙，丙")
        assert r.heads() == ["甲", "乙", "丙"]
        assert Responsibility.objects.count() == 4
        assert events("people.responsibility").filter(user=user).count() == 4

    @pytest.mark.parametrize(
        "duty,unit,extra,field,message",
        [
            ("area", "town", {}, "area", "包片须指定片区"),
            ("area", "other_town", {"area": "西片区"}, "area", "不属于"),
            ("area", "village", {}, "org_unit", "乡镇"),
            ("village", "town", {}, "org_unit", "包村的责任单位应为村"),
            ("group", "village", {}, "org_unit", "村民小组"),
            ("households", "village", {}, "household_count", "联系户数"),
            ("households", "village", {"household_count": -1}, "household_count", "不能小于0"),
            ("households", "group", {"household_count": 2}, "org_unit", "包户"),
            ("households", "village", {"household_count": 1, "household_heads": "甲、乙"}, "household_heads", "多于"),
            ("village", "village", {"household_count": 2}, "household_count", "只有包户"),
            ("bogus", "village", {}, "duty", "责任类型"),
        ],
    )
    def test_duty_consistency(self, world, duty, unit, extra, field, message):
        member = person(world.village)
        with pytest.raises(ValidationError) as info:
            services.create_responsibility(world.users[Role.COUNTY_ADMIN], duty=duty, person=member, org_unit=getattr(world, unit), **extra)
        assert message in info.value.message_dict[field][0]
        assert not Responsibility.objects.exists()

    def test_households_need_a_party_member(self, world):
        p = person(world.village, is_party_member=False)
        with pytest.raises(ValidationError, match="中共党员"):
            services.create_responsibility(world.users[Role.TOWN_ADMIN], duty="households", person=p, org_unit=world.village, household_count=1)

    def test_duplicate_rejected(self, world):
        user = world.users[Role.TOWN_ADMIN]
        p = person(world.town, "赵干部", position="town_cadre")
        services.create_responsibility(user, duty="village", person=p, org_unit=world.village)
        with pytest.raises(ValidationError, match="已有这项包村分工"):
            services.create_responsibility(user, duty="village", person=p, org_unit=world.village)

    def test_needs_manage_over_target_and_a_visible_person(self, world):
        p = person(world.village)
        with pytest.raises(PermissionDenied):
            services.create_responsibility(world.users[Role.OBSERVER], duty="households", person=p, org_unit=world.village, household_count=1)
        far = person(world.far_village, "远方")
        with pytest.raises(ValidationError) as info:
            services.create_responsibility(world.users[Role.TOWN_ADMIN], duty="households", person=far, org_unit=world.village, household_count=1)
        assert "person" in info.value.message_dict

    def test_delete(self, world):
        user = world.users[Role.VILLAGE_CADRE]
        r = services.create_responsibility(user, duty="households", person=person(world.village), org_unit=world.village, household_count=1)
        with pytest.raises(PermissionDenied):
            services.delete_responsibility(world.users[Role.SUPERVISOR], r)
        services.delete_responsibility(user, r)
        assert not Responsibility.objects.exists()
        assert events("people.responsibility", r.pk).last().user == user
