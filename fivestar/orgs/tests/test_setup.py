"""A town sets up its areas and classifies its villages; nobody else can."""

import pytest

from fivestar.core.models import AuditEvent
from fivestar.orgs.models import Area, OrgUnit


@pytest.mark.django_db
def test_town_admin_adds_an_area_and_classifies_villages(world, login):
    client = login(world.users["town_admin"])
    assert client.get("/orgs/410928103/").content.decode().count('data-testid="town-setup"') == 1
    response = client.post("/orgs/410928103/setup/", {"add_area": "1", "name": "东片区"}, follow=True)
    assert "已新增片区「东片区」" in response.content.decode()
    east = Area.objects.get(town=world.town, name="东片区")
    form = {}
    for v in OrgUnit.objects.filter(parent=world.town, level=5):
        form.update({f"category-{v.pk}": v.category, f"area-{v.pk}": v.area_id or "", f"branch-{v.pk}": v.branch_type})
    form.update({f"category-{world.sibling.pk}": "sprint", f"area-{world.sibling.pk}": east.pk, f"branch-{world.community.pk}": "rural"})
    response = client.post("/orgs/410928103/setup/", form, follow=True)
    assert "已保存 2 个村（社区）的调整" in response.content.decode()
    world.sibling.refresh_from_db()
    world.community.refresh_from_db()
    assert (world.sibling.category, world.sibling.area) == ("sprint", east)
    assert world.community.branch_type == "rural" and world.community.branch_type_overridden
    event = AuditEvent.objects.filter(model="orgs.orgunit", object_id=str(world.sibling.pk)).first()
    assert event.user == world.users["town_admin"] and {"field": "category", "label": "创建类别", "old": "领航村", "new": "冲刺村"} in event.changes


@pytest.mark.django_db
def test_bad_setup_input_changes_nothing(world, login):
    client = login(world.users["town_admin"])
    other_area = Area.objects.create(town=world.other_town, name="别镇片区")
    form = {f"category-{world.sibling.pk}": "sprint", f"area-{world.village.pk}": other_area.pk, f"branch-{world.village.pk}": "rural",
            f"branch-{world.sibling.pk}": "rural", f"branch-{world.community.pk}": "community"}
    response = client.post("/orgs/410928103/setup/", form, follow=True)
    assert "片区不属于本乡镇" in response.content.decode()
    world.sibling.refresh_from_db()
    assert world.sibling.category == "lead"
    duplicate = client.post("/orgs/410928103/setup/", {"add_area": "1", "name": "西片区"}, follow=True)
    assert "已有名为「西片区」的片区" in duplicate.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "observer", "village_cadre", "area_leader"])
def test_read_only_roles_cannot_set_up_a_town(world, login, role):
    client = login(world.users[role])
    assert client.get("/orgs/410928103/setup/").status_code == 404
    assert client.post("/orgs/410928103/setup/", {"add_area": "1", "name": "X片区"}).status_code == 404
    assert not Area.objects.filter(name="X片区").exists()


@pytest.mark.django_db
def test_other_town_admin_gets_404(world, login):
    from tests.factories import user_with_role

    other = user_with_role("other-town", "town_admin", world.other_town)
    assert login(other).get("/orgs/410928103/setup/").status_code == 404


def test_an_area_with_an_area_leader_is_not_deleted(world, login):
    """The area leader's role would disappear with the area: refused with a Chinese message, nothing deleted."""
    client = login(world.users["town_admin"])
    response = client.post("/orgs/410928103/setup/", {"delete_area": str(world.area.pk)}, follow=True)
    assert response.status_code == 200
    assert "包片领导账号角色" in response.content.decode()
    assert Area.objects.filter(pk=world.area.pk).exists()
    assert world.users["area_leader"].role_assignments.filter(area=world.area, active=True).exists()
