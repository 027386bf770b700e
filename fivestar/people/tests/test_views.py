"""People pages per role: lists filtered in SQL, out-of-scope → 404, read-only roles → 403, attributed history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person, Responsibility

from .helpers import events, person

pytestmark = pytest.mark.django_db

# role → the world units whose people the role sees (people are placed in each of these units)
PLACES = ["town", "village", "sibling", "group", "other_village", "far_village"]
SEES = {
    Role.SYSADMIN: set(PLACES),
    Role.COUNTY_ADMIN: {"town", "village", "sibling", "group", "other_village"},
    Role.OBSERVER: {"town", "village", "sibling", "group", "other_village"},
    Role.TOWN_ADMIN: {"town", "village", "sibling", "group"},
    Role.SUPERVISOR: {"town", "village", "sibling", "group"},
    Role.AREA_LEADER: {"village", "group"},
    Role.VILLAGE_CADRE: {"village", "group"},
    Role.VILLAGE_LIAISON: {"village", "group"},
}
READ_ONLY = [Role.SUPERVISOR, Role.AREA_LEADER, Role.OBSERVER]


@pytest.fixture
def placed(world):
    return {place: person(getattr(world, place), f"人员{place}") for place in PLACES}


@pytest.mark.parametrize("role", list(SEES))
def test_list_and_detail_follow_scope(world, placed, login, role):
    client = login(world.users[role])
    html = client.get("/people/").content.decode()
    for place, p in placed.items():
        assert (p.name in html) == (place in SEES[role]), (role, place)
        status = client.get(f"/people/{p.pk}/").status_code
        assert status == (200 if place in SEES[role] else 404), (role, place)


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_write(world, placed, login, role):
    client = login(world.users[role])
    visible = placed["village"]
    assert client.get("/people/new/").status_code == 403
    assert client.post("/people/new/", {"org_unit": world.village.code, "name": "新人", "gender": "M", "position": "other"}).status_code == 403
    assert client.get(f"/people/{visible.pk}/edit/").status_code == 403
    assert client.post(f"/people/{visible.pk}/edit/", {"name": "改名"}).status_code == 403
    assert client.post(f"/people/{visible.pk}/delete/").status_code == 403
    assert client.get(f"/people/{visible.pk}/duties/new/").status_code == 403
    assert client.get(f"/people/{placed['far_village'].pk}/edit/").status_code == 404
    assert "新增人员" not in client.get("/people/").content.decode()
    assert Person.objects.filter(name="新人").count() == 0 and Person.objects.get(pk=visible.pk).active


def test_create_edit_deactivate_restore_with_history(world, login):
    admin = world.users[Role.TOWN_ADMIN]
    client = login(admin)
    form = client.get(f"/people/new/?org_unit={world.village.code}")
    assert world.village.code in form.content.decode()
    data = {"org_unit": world.village.code, "name": "张三", "gender": "M", "phone": "13812345678", "position": "secretary", "is_party_member": "on"}
    response = client.post("/people/new/", data)
    p = Person.objects.get(name="张三")
    assert response.status_code == 302 and response["Location"] == f"/people/{p.pk}/"
    assert events("people.person", p.pk).get().user == admin

    detail = client.get(f"/people/{p.pk}/").content.decode()
    assert "村党支部书记" in detail and f"/history/?model=people.person&amp;object={p.pk}" in detail

    response = client.post(f"/people/{p.pk}/edit/", {**data, "phone": "0393-7654321"})
    assert response.status_code == 302
    update = events("people.person", p.pk).filter(action=AuditEvent.Action.UPDATE).get()
    assert update.user == admin and update.changes[0]["new"] == "0393-7654321"

    assert client.get(f"/people/{p.pk}/delete/").status_code == 200
    assert client.post(f"/people/{p.pk}/delete/").status_code == 302
    assert not Person.objects.get(pk=p.pk).active
    assert "inactive-badge" in client.get(f"/people/{p.pk}/").content.decode()  # also consumes the flash message
    assert "张三" not in client.get("/people/").content.decode()
    assert "张三" in client.get("/people/?status=inactive").content.decode()
    client.post(f"/people/{p.pk}/restore/")
    assert Person.objects.get(pk=p.pk).active
    history = client.get(f"/history/?model=people.person&object={p.pk}").content.decode()
    assert history.count("<tr>") >= 4


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"phone": "123"}, "请输入正确的手机号码"),
        ({"org_unit": "410922100201"}, "不存在或不在您的管辖范围内"),
        ({"org_unit": "999"}, "不存在或不在您的管辖范围内"),
        ({"position": "town_cadre"}, "应隶属乡镇（街道）级单位"),
        ({"position": "secretary", "is_party_member": ""}, "村党支部书记须为中共党员"),
        ({"name": ""}, "这个字段是必填项"),
        ({"gender": "X"}, "选择一个有效的选项"),
    ],
)
def test_form_errors_in_chinese(world, login, changes, message):
    client = login(world.users[Role.TOWN_ADMIN])
    data = {"org_unit": world.village.code, "name": "张三", "gender": "M", "phone": "13812345678", "position": "party_member", "is_party_member": "on", **changes}
    response = client.post("/people/new/", {k: v for k, v in data.items() if v != ""})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_duplicate_from_service_shown_on_form(world, login):
    person(world.village, "张三", phone="13812345678")
    client = login(world.users[Role.TOWN_ADMIN])
    data = {"org_unit": world.village.code, "name": "张三", "gender": "M", "phone": "13812345678", "position": "party_member", "is_party_member": "on"}
    assert "同名且联系电话相同" in client.post("/people/new/", data).content.decode()


def test_village_cadre_manages_own_village_only(world, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    data = {"org_unit": world.sibling.code, "name": "张三", "gender": "M", "position": "party_member", "is_party_member": "on"}
    assert "不在您的管辖范围内" in client.post("/people/new/", data).content.decode()
    assert client.post("/people/new/", {**data, "org_unit": world.village.code}).status_code == 302


def test_responsibility_pages(world, login):
    admin = world.users[Role.TOWN_ADMIN]
    client = login(admin)
    cadre = person(world.town, "赵干部", position="town_cadre")
    url = f"/people/{cadre.pk}/duties/new/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"duty": "village", "org_unit": world.group.code})
    assert "包村的责任单位应为村（社区）" in bad.content.decode()
    bad = client.post(url, {"duty": "area", "org_unit": world.town.code, "area": "东片区"})
    assert "片区「东片区」不属于「庆祖镇」" in bad.content.decode()
    bad = client.post(url, {"duty": "households", "org_unit": world.village.code, "household_count": "-2"})
    assert "联系户数不能小于0" in bad.content.decode()
    assert not Responsibility.objects.exists()
    assert client.post(url, {"duty": "village", "org_unit": world.village.code, "since": "2023-03-01"}).status_code == 302
    duty = Responsibility.objects.get()
    assert events("people.responsibility", duty.pk).get().user == admin
    assert "赵干部" in client.get(f"/orgs/{world.village.code}/").content.decode()
    assert client.get(f"/people/duties/{duty.pk}/delete/").status_code == 200
    assert client.post(f"/people/duties/{duty.pk}/delete/").status_code == 302
    assert not Responsibility.objects.exists()
    assert events("people.responsibility", duty.pk).last().user == admin


def test_responsibility_delete_scope(world, login):
    far = person(world.far_village, "远方")
    duty = Responsibility.objects.create(duty="households", person=far, org_unit=world.far_village, household_count=1)
    assert login(world.users[Role.TOWN_ADMIN]).post(f"/people/duties/{duty.pk}/delete/").status_code == 404
    near = Responsibility.objects.create(duty="households", person=person(world.village), org_unit=world.village, household_count=1)
    assert login(world.users[Role.OBSERVER]).post(f"/people/duties/{near.pk}/delete/").status_code == 403
    assert Responsibility.objects.count() == 2


class TestListFilters:
    @pytest.fixture
    def people(self, world):
        return [
            person(world.village, "张三", position="secretary", phone="13812345678"),
            person(world.sibling, "李四", position="party_member"),
            person(world.sibling, "王五", position="other", is_party_member=False),
            person(world.other_village, "赵六", position="village_cadre"),
        ]

    def _names(self, client, query):
        html = client.get(f"/people/?{query}").content.decode()
        return {n for n in ("张三", "李四", "王五", "赵六") if n in html}

    def test_filters(self, world, people, login):
        client = login(world.users[Role.COUNTY_ADMIN])
        assert self._names(client, "") == {"张三", "李四", "王五", "赵六"}
        assert self._names(client, "q=张") == {"张三"}
        assert self._names(client, "q=1381") == {"张三"}
        assert self._names(client, f"unit={world.sibling.code}") == {"李四", "王五"}
        assert self._names(client, f"unit={world.town.code}") == {"张三", "李四", "王五"}
        assert self._names(client, "unit=qn") == {"李四", "王五"}  # 庆南 by pinyin initials
        assert self._names(client, "unit=八公桥") == {"赵六"}
        assert self._names(client, "unit=zzz") == set()
        assert self._names(client, "position=secretary") == {"张三"}
        assert self._names(client, "party=0") == {"王五"}
        assert self._names(client, "party=1&unit=qn") == {"李四"}

    def test_unit_filter_cannot_reach_outside_scope(self, world, people, login):
        client = login(world.users[Role.TOWN_ADMIN])
        assert self._names(client, f"unit={world.other_village.code}") == set()
        assert self._names(client, "unit=41") == {"张三", "李四", "王五"}

    def test_unit_options_are_scoped(self, world, login):
        client = login(world.users[Role.TOWN_ADMIN])
        html = client.get("/people/unit-options/?q=cg").content.decode()  # 城关 is in another county
        assert "城关" not in html
        html = client.get("/people/unit-options/?q=xxz").content.decode()
        assert world.village.code in html and "西辛庄" in html
        liaison = login(world.users[Role.OBSERVER])
        assert world.village.code in liaison.get("/people/unit-options/?q=xxz").content.decode()
        assert liaison.get("/people/unit-options/?q=xxz&action=manage").content.decode().strip() == ""


def _fill(world, start, stop):
    """Villages with a person holding a login account each (so the account column is exercised)."""
    for i in range(start, stop):
        v = OrgUnit.objects.create(code=f"410928103{400 + i}", name=f"测{i}村委会", level=Level.VILLAGE, parent=world.town)
        p = person(v, f"党员{i}", phone=f"1390000{i:04d}")
        p.user = type(world.users[Role.OBSERVER]).objects.create_user(username=f"u{i}", password="x-pass-123456")
        p.save()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/people/", "/people/?unit=410928103&party=1", "/people/?q=党员&status=all"])
def test_list_queries_do_not_grow_with_rows(world, login, django_assert_max_num_queries, url):
    client = login(world.users[Role.TOWN_ADMIN])
    _fill(world, 0, 2)
    few = _queries(client, url)
    _fill(world, 2, 45)
    many = _queries(client, url)
    assert many == few
    with django_assert_max_num_queries(12):
        client.get(url)


def test_junk_filter_value_is_ignored(world, login):
    person(world.village, "张三")
    client = login(world.users[Role.TOWN_ADMIN])
    response = client.get("/people/?position=nonsense&q=张&page=abc")
    assert response.status_code == 200 and "张三" in response.content.decode()
