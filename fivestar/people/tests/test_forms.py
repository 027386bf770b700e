"""Forms: unit codes resolved against the user's scope, Chinese messages, duty consistency."""

import pytest

from fivestar.core.roles import Role
from fivestar.people.forms import PersonFilterForm, PersonForm, ResponsibilityForm, RoleGrantForm

from .helpers import person

pytestmark = pytest.mark.django_db

VALID = {"name": " 张 三 ", "gender": "M", "phone": " 138 1234 5678 ", "position": "party_member", "is_party_member": "on"}


def test_person_form_resolves_code_and_normalises(world):
    form = PersonForm(world.users[Role.VILLAGE_CADRE], {**VALID, "org_unit": world.village.code})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org_unit"] == world.village
    assert form.cleaned_data["name"] == "张三" and form.cleaned_data["phone"] == "13812345678"


@pytest.mark.parametrize("role,unit", [(Role.VILLAGE_CADRE, "sibling"), (Role.OBSERVER, "village"), (Role.TOWN_ADMIN, "far_village")])
def test_person_form_rejects_units_the_user_cannot_manage(world, role, unit):
    form = PersonForm(world.users[role], {**VALID, "org_unit": getattr(world, unit).code})
    assert not form.is_valid()
    assert "不存在或不在您的管辖范围内" in form.errors["org_unit"][0]


def test_person_form_initial_from_instance(world):
    p = person(world.village, "李四", phone="13900000000")
    form = PersonForm(world.users[Role.TOWN_ADMIN], instance=p)
    assert form.initial["org_unit"] == world.village.code and form.initial["phone"] == "13900000000"
    assert 'list="unit-options"' in str(form["org_unit"])


def test_person_form_consistency(world):
    form = PersonForm(world.users[Role.TOWN_ADMIN], {**VALID, "org_unit": world.town.code, "position": "secretary", "is_party_member": ""})
    assert not form.is_valid()
    assert "村（社区）级单位" in form.errors["org_unit"][0]
    assert "须为中共党员" in form.errors["is_party_member"][0]


def test_responsibility_form(world):
    user = world.users[Role.TOWN_ADMIN]
    leader = person(world.town, "科长", position="town_leader")
    form = ResponsibilityForm(user, leader, {"duty": "area", "org_unit": world.town.code, "area": "西片区"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["area"] == world.area
    form = ResponsibilityForm(user, leader, {"duty": "area", "org_unit": world.other_town.code, "area": "西片区"})
    assert not form.is_valid() and "不在您的管辖范围内" in form.errors["org_unit"][0]
    form = ResponsibilityForm(world.users[Role.COUNTY_ADMIN], leader, {"duty": "area", "org_unit": world.other_town.code, "area": "西片区"})
    assert not form.is_valid() and "不属于「八公桥镇」" in form.errors["area"][0]
    non_member = person(world.village, "群众", is_party_member=False, position="other")
    form = ResponsibilityForm(user, non_member, {"duty": "households", "org_unit": world.village.code, "household_count": "3"})
    assert not form.is_valid() and "须为中共党员" in form.non_field_errors()[0]
    form = ResponsibilityForm(user, leader, {"duty": "households", "org_unit": world.village.code, "household_count": "-1"})
    assert not form.is_valid() and form.errors["household_count"] == ["联系户数不能小于0"]


def test_role_form_uses_account_scope(world):
    form = RoleGrantForm(world.users[Role.TOWN_ADMIN], [("observer", "观察员")], {"role": "observer", "org_unit": world.other_town.code})
    assert not form.is_valid() and "不在您的管辖范围内" in form.errors["org_unit"][0]
    form = RoleGrantForm(world.users[Role.TOWN_ADMIN], [("observer", "观察员")], {"role": "sysadmin", "org_unit": world.town.code})
    assert not form.is_valid() and "role" in form.errors
    form = RoleGrantForm(world.users[Role.VILLAGE_CADRE], [("observer", "观察员")], {"role": "observer", "org_unit": world.village.code})
    assert not form.is_valid(), "MANAGE_PEOPLE is not MANAGE_ACCOUNTS"


def test_filter_form_ignores_junk():
    form = PersonFilterForm({"position": "nonsense", "party": "1"})
    assert not form.is_valid() and "position" in form.errors


def test_unit_by_unique_pinyin_or_name(world):
    user = world.users[Role.TOWN_ADMIN]
    form = PersonForm(user, {**VALID, "org_unit": "xxz"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org_unit"] == world.village
    form = PersonForm(user, {**VALID, "org_unit": "庆"})  # 庆祖镇 and 庆南
    assert not form.is_valid() and "匹配到多个单位" in form.errors["org_unit"][0]
    form = PersonForm(user, {**VALID, "org_unit": "cg"})  # 城关 is outside the town
    assert not form.is_valid() and "没有找到" in form.errors["org_unit"][0]
    form = PersonForm(user, {**VALID, "org_unit": "4109281032"})  # a code prefix is not a code
    assert not form.is_valid() and "不存在或不在您的管辖范围内" in form.errors["org_unit"][0]
