"""/api/v1/people and /api/v1/responsibilities: token auth, scoping per role, 403/404/422 in Chinese,
and history attributed to the token's user."""

import json

import pytest

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.people.models import Person, Responsibility

from .helpers import events, person

pytestmark = pytest.mark.django_db

V = "410928103205"


@pytest.fixture
def api(client, api_token):
    """api(user) → call(method, url, body=None) returning (status, json)."""

    def for_user(user):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}

        def call(method, url, body=None):
            kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
            response = getattr(client, method)(f"/api/v1{url}", **kwargs, **headers)
            return response.status_code, (response.json() if response.content else None)

        return call

    return for_user


@pytest.fixture
def placed(world):
    return {
        "village": person(world.village, "甲", position="secretary", phone="13812345678"),
        "group": person(world.group, "乙", position="village_cadre"),
        "sibling": person(world.sibling, "丙", is_party_member=False, position="other"),
        "other_village": person(world.other_village, "丁"),
        "far_village": person(world.far_village, "戊"),
    }


SEES = {
    Role.SYSADMIN: {"甲", "乙", "丙", "丁", "戊"},
    Role.COUNTY_ADMIN: {"甲", "乙", "丙", "丁"},
    Role.OBSERVER: {"甲", "乙", "丙", "丁"},
    Role.TOWN_ADMIN: {"甲", "乙", "丙"},
    Role.SUPERVISOR: {"甲", "乙", "丙"},
    Role.AREA_LEADER: {"甲", "乙"},
    Role.VILLAGE_CADRE: {"甲", "乙"},
    Role.VILLAGE_LIAISON: {"甲", "乙"},
}


def _fields(body):
    return {e["field"]: e["message"] for e in body["errors"]}


def test_requires_a_token(client, world):
    assert client.get("/api/v1/people").status_code == 401


@pytest.mark.parametrize("role", list(SEES))
def test_list_and_get_follow_scope(world, placed, api, role):
    call = api(world.users[role])
    status, body = call("get", "/people?limit=500")
    assert status == 200 and {p["name"] for p in body["items"]} == SEES[role] and body["count"] == len(SEES[role])
    for p in placed.values():
        status, body = call("get", f"/people/{p.pk}")
        assert status == (200 if p.name in SEES[role] else 404)
        if status == 404:
            assert body["detail"] == "对象不存在或不在您的管辖范围内。" and p.name not in json.dumps(body, ensure_ascii=False)


def test_list_filters_and_pagination(world, placed, api):
    call = api(world.users[Role.COUNTY_ADMIN])
    assert {p["name"] for p in call("get", f"/people?under={V}")[1]["items"]} == {"甲", "乙"}
    assert call("get", "/people?under=410922100201")[1]["count"] == 0  # out of scope anchor
    assert [p["name"] for p in call("get", "/people?q=丙")[1]["items"]] == ["丙"]
    assert [p["name"] for p in call("get", "/people?position=secretary")[1]["items"]] == ["甲"]
    assert [p["name"] for p in call("get", "/people?is_party_member=false")[1]["items"]] == ["丙"]
    page = call("get", "/people?limit=2&offset=1")[1]
    assert page["count"] == 4 and len(page["items"]) == 2
    item = call("get", f"/people/{placed['village'].pk}")[1]
    assert item["position_name"] == "村党支部书记" and item["org_unit"] == V and item["gender_name"] == "男"
    status, body = call("get", "/people?limit=0")
    assert status == 422 and "limit" in _fields(body)


def test_create_update_delete_with_history(world, api):
    admin = world.users[Role.TOWN_ADMIN]
    call = api(admin)
    status, body = call("post", "/people", {"org_unit": V, "name": "新人", "gender": "女", "phone": "13800000000", "position": "党员", "is_party_member": True})
    assert status == 201, body
    assert body["gender"] == "F" and body["position"] == "party_member"
    pk = body["id"]
    assert events("people.person", pk).get().user == admin

    status, body = call("patch", f"/people/{pk}", {"phone": "0393-1234567", "note": "接口修改"})
    assert status == 200 and body["phone"] == "0393-1234567"
    update = events("people.person", pk).filter(action=AuditEvent.Action.UPDATE).get()
    assert update.user == admin and {c["field"] for c in update.changes} == {"phone", "note"}

    status, _ = call("delete", f"/people/{pk}")
    assert status == 204 and not Person.objects.get(pk=pk).active
    assert events("people.person", pk).last().user == admin
    assert call("get", "/people")[1]["count"] == 0
    assert call("get", "/people?include_inactive=true")[1]["count"] == 1


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"phone": "1234"}, "phone", "手机号码"),
        ({"gender": "X"}, "gender", "性别"),
        ({"position": "队长"}, "position", "职务"),
        ({"name": ""}, "name", "请填写姓名"),
        ({"position": "town_cadre"}, "org_unit", "乡镇"),
        ({"position": "secretary", "is_party_member": False}, "is_party_member", "中共党员"),
        ({"is_party_member": "maybe"}, "is_party_member", "true 或 false"),
    ],
)
def test_create_person_422_names_the_field(world, api, changes, field, message):
    body = {"org_unit": V, "name": "新人", "gender": "M", "position": "party_member", "is_party_member": True, **changes}
    status, result = api(world.users[Role.TOWN_ADMIN])("post", "/people", body)
    assert status == 422, result
    assert result["detail"] == "请求数据校验未通过。" and message in _fields(result)[field]
    assert not Person.objects.exists()


def test_missing_field_is_422(world, api):
    status, body = api(world.users[Role.TOWN_ADMIN])("post", "/people", {"org_unit": V, "gender": "M", "position": "other"})
    assert status == 422 and _fields(body)["name"] == "缺少必填字段"


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.SUPERVISOR, Role.AREA_LEADER])
def test_read_only_roles_get_403_in_scope_and_404_outside(world, placed, api, role):
    call = api(world.users[role])
    status, body = call("post", "/people", {"org_unit": V, "name": "新人", "gender": "M", "position": "other"})
    assert status == 403 and "只有查看权限" in body["detail"]
    status, body = call("post", "/people", {"org_unit": "410922100201", "name": "新人", "gender": "M", "position": "other"})
    assert status == 404
    village = placed["village"]
    assert call("patch", f"/people/{village.pk}", {"name": "改"})[0] == 403
    assert call("delete", f"/people/{village.pk}")[0] == 403
    assert call("patch", f"/people/{placed['far_village'].pk}", {"name": "改"})[0] == 404
    assert call("delete", f"/people/{placed['far_village'].pk}")[0] == 404
    assert not Person.objects.filter(name__in=["新人", "改"]).exists() and Person.objects.get(pk=village.pk).active


def test_patch_moving_a_person(world, placed, api):
    cadre = api(world.users[Role.VILLAGE_CADRE])
    pk = placed["group"].pk
    assert cadre("patch", f"/people/{pk}", {"org_unit": world.sibling.code})[0] == 404  # sibling not visible
    status, body = cadre("patch", f"/people/{pk}", {"org_unit": V})
    assert status == 200 and body["org_unit"] == V
    status, body = cadre("patch", f"/people/{pk}", {"phone": "abc"})
    assert status == 422 and "phone" in _fields(body)


class TestResponsibilities:
    def test_list_scope_and_filters(self, world, placed, api):
        Responsibility.objects.create(duty="households", person=placed["village"], org_unit=world.village, household_count=2, household_heads="甲\n乙")
        Responsibility.objects.create(duty="group", person=placed["group"], org_unit=world.group)
        Responsibility.objects.create(duty="households", person=placed["other_village"], org_unit=world.other_village, household_count=1)
        Responsibility.objects.create(duty="households", person=placed["far_village"], org_unit=world.far_village, household_count=1)
        assert api(world.users[Role.VILLAGE_CADRE])("get", "/responsibilities")[1]["count"] == 2
        county = api(world.users[Role.COUNTY_ADMIN])
        assert county("get", "/responsibilities")[1]["count"] == 3
        body = county("get", f"/responsibilities?under={V}&duty=households")[1]
        assert body["count"] == 1 and body["items"][0]["household_heads"] == ["甲", "乙"] and body["items"][0]["duty_name"] == "包户"
        far = Responsibility.objects.get(org_unit=world.far_village)
        assert county("get", f"/responsibilities/{far.pk}")[0] == 404
        assert county("delete", f"/responsibilities/{far.pk}")[0] == 404

    def test_create_and_delete_with_history(self, world, placed, api):
        admin = world.users[Role.TOWN_ADMIN]
        call = api(admin)
        leader = person(world.town, "科长", position="town_leader")
        status, body = call("post", "/responsibilities", {"duty": "包片", "person_id": leader.pk, "org_unit": world.town.code, "area": "西片区"})
        assert status == 201, body
        assert body["area"] == "西片区" and body["duty"] == "area"
        status, body = call("post", "/responsibilities", {"duty": "households", "person_id": placed["village"].pk, "org_unit": V,
                                                          "household_count": 2, "household_heads": ["张", "王"], "since": "2023-01-01"})
        assert status == 201 and body["household_heads"] == ["张", "王"] and body["since"] == "2023-01-01"
        assert events("people.responsibility", body["id"]).get().user == admin
        assert call("delete", f"/responsibilities/{body['id']}")[0] == 204
        assert events("people.responsibility", body["id"]).last().user == admin
        assert Responsibility.objects.count() == 1

    @pytest.mark.parametrize(
        "payload,field,message",
        [
            ({"duty": "area", "org_unit": "410928103"}, "area", "包片须指定片区"),
            ({"duty": "area", "org_unit": "410928103", "area": "东片区"}, "area", "不属于"),
            ({"duty": "village", "org_unit": "410928103"}, "org_unit", "包村的责任单位应为村"),
            ({"duty": "group", "org_unit": V}, "org_unit", "村民小组"),
            ({"duty": "households", "org_unit": V}, "household_count", "须填写联系户数"),
            ({"duty": "households", "org_unit": V, "household_count": -3}, "household_count", "不能小于0"),
            ({"duty": "households", "org_unit": V, "household_count": "many"}, "household_count", "应为整数"),
            ({"duty": "包山", "org_unit": V}, "duty", "责任类型"),
        ],
    )
    def test_422_names_the_field(self, world, placed, api, payload, field, message):
        body = {"person_id": placed["village"].pk, **payload}
        status, result = api(world.users[Role.TOWN_ADMIN])("post", "/responsibilities", body)
        assert status == 422, result
        assert message in _fields(result)[field]
        assert not Responsibility.objects.exists()

    def test_person_must_be_visible_and_party_member(self, world, placed, api):
        call = api(world.users[Role.TOWN_ADMIN])
        status, body = call("post", "/responsibilities", {"duty": "households", "person_id": placed["far_village"].pk, "org_unit": V, "household_count": 1})
        assert status == 422 and "person_id" in _fields(body)
        status, body = call("post", "/responsibilities", {"duty": "households", "person_id": placed["sibling"].pk, "org_unit": world.sibling.code, "household_count": 1})
        assert status == 422 and "中共党员" in _fields(body)["person_id"]

    def test_403_and_404_on_target_unit(self, world, placed, api):
        body = {"duty": "households", "person_id": placed["village"].pk, "org_unit": V, "household_count": 1}
        status, result = api(world.users[Role.OBSERVER])("post", "/responsibilities", body)
        assert status == 403 and "只有查看权限" in result["detail"]
        status, _ = api(world.users[Role.VILLAGE_CADRE])("post", "/responsibilities", {**body, "org_unit": world.sibling.code})
        assert status == 404
        r = Responsibility.objects.create(duty="households", person=placed["village"], org_unit=world.village, household_count=1)
        assert api(world.users[Role.SUPERVISOR])("delete", f"/responsibilities/{r.pk}")[0] == 403
        assert Responsibility.objects.filter(pk=r.pk).exists()
