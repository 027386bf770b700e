"""Each role's menu shows what that role uses, from the same role → action table the views enforce: a village
user sees no administrators' sections, and every entry a role is shown opens (200) for that role."""

import re

import pytest

from fivestar.core import menu
from fivestar.core.roles import Role
from fivestar.people.models import RoleAssignment

pytestmark = pytest.mark.django_db

EXPECTED = {
    Role.VILLAGE_CADRE: ["首页", "自评申报", "本村（社区）", "督导问题", "创建台账", "观摩与红黑旗", "党建活动", "项目推介", "操作记录"],
    Role.VILLAGE_LIAISON: ["首页", "自评申报", "本村（社区）", "督导问题", "创建台账", "观摩与红黑旗", "党建活动", "项目推介", "操作记录"],
    Role.TOWN_ADMIN: ["首页", "挂图作战", "组织架构", "人员管理", "集体经济", "评星定级", "督导检查", "目标与台账", "观摩与红黑旗", "党建活动", "项目推介", "会议调度", "述职考核", "数据导入", "操作记录"],
    Role.COUNTY_ADMIN: ["首页", "挂图作战", "组织架构", "人员管理", "创建标准", "集体经济", "评星定级", "督导检查", "目标与台账", "观摩与红黑旗", "党建活动", "项目推介", "会议调度", "述职考核", "数据导入", "操作记录"],
    Role.SUPERVISOR: ["首页", "挂图作战", "组织架构", "集体经济", "评星定级", "督导检查", "目标与台账", "观摩与红黑旗", "党建活动", "项目推介", "述职考核", "操作记录"],
    Role.AREA_LEADER: ["首页", "挂图作战", "组织架构", "集体经济", "评星定级", "督导检查", "目标与台账", "观摩与红黑旗", "党建活动", "项目推介", "述职考核", "操作记录"],
    Role.OBSERVER: ["首页", "挂图作战", "组织架构", "集体经济", "评星定级", "督导检查", "目标与台账", "观摩与红黑旗", "党建活动", "项目推介", "述职考核", "操作记录"],
    Role.SYSADMIN: ["首页", "挂图作战", "组织架构", "人员管理", "创建标准", "集体经济", "评星定级", "督导检查", "目标与台账", "观摩与红黑旗", "党建活动", "项目推介", "会议调度", "述职考核", "数据导入", "操作记录"],
}
ADMIN_SECTIONS = {"人员管理", "创建标准", "数据导入", "组织架构", "评星定级"}


def _menu(html: str) -> list[tuple[str, str]]:
    nav = html[html.index('<ul class="navbar-nav me-auto">'):]
    nav = nav[:nav.index("</ul>")]
    return [(url, label) for url, label in re.findall(r'<a class="nav-link[^"]*" data-testid="nav-[^"]+"[^>]* href="([^"]+)">([^<]+)</a>', nav)]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_its_own_menu_and_every_entry_opens(world, login, role):
    client = login(world.users[role])
    entries = _menu(client.get("/").content.decode())
    assert [label for _, label in entries] == EXPECTED[role]
    for url, label in entries:
        assert client.get(url).status_code == 200, f"{role}: {label} ({url})"


def test_a_village_user_sees_no_administrators_sections(world, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    for url in ("/", "/rating/my/", f"/orgs/{world.village.code}/", "/history/"):
        labels = {label for _, label in _menu(client.get(url).content.decode())}
        assert not labels & ADMIN_SECTIONS, url
    # The village's own page is its entry, active on its page and its collective income.
    entries = dict((label, url) for url, label in _menu(client.get("/").content.decode()))
    assert entries["本村（社区）"] == f"/orgs/{world.village.code}/"
    html = client.get(f"/indicators/{world.village.code}/").content.decode()
    assert re.search(r'data-testid="nav-my_village" aria-current="page"', html)
    # What the menu hides from it, the views refuse (the administrators' imports and rounds).
    for url in ("/imports/divisions/", "/imports/people/", "/rating/new/", "/standards/import/"):
        assert client.get(url).status_code in (403, 404), url


def test_a_liaison_with_several_branches_gets_their_list(world, login):
    liaison = world.users[Role.VILLAGE_LIAISON]
    RoleAssignment.objects.create(user=liaison, role=Role.VILLAGE_LIAISON, org_unit=world.sibling)
    client = login(liaison)
    entries = dict((label, url) for url, label in _menu(client.get("/").content.decode()))
    assert entries["我负责的村（社区）"] == "/orgs/"
    html = client.get("/orgs/").content.decode()
    assert world.village.display_name in html and world.sibling.display_name in html


def test_a_village_user_with_a_wider_role_keeps_the_administrators_menu(world, login):
    cadre = world.users[Role.VILLAGE_CADRE]
    RoleAssignment.objects.create(user=cadre, role=Role.TOWN_ADMIN, org_unit=world.town)
    labels = [label for _, label in _menu(login(cadre).get("/").content.decode())]
    assert labels == EXPECTED[Role.TOWN_ADMIN]


def test_a_superuser_sees_everything_and_an_account_without_roles_only_its_own(world, login, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x-long-password-1")
    assert [label for _, label in _menu(login(root).get("/").content.decode())] == EXPECTED[Role.SYSADMIN]
    nobody = django_user_model.objects.create_user("nobody", password="x-long-password-1")
    assert [label for _, label in _menu(login(nobody).get("/").content.decode())] == ["首页", "操作记录"]


def test_the_menu_agrees_with_the_grants_the_views_read(world):
    from fivestar.core.roles import Action
    from fivestar.core.scoping import user_grants

    for user in world.users.values():
        for action in Action:
            assert menu.can(user, action) == bool(user_grants(user, action)), (user.username, action)
