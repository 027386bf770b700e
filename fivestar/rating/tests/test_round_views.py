"""Round pages: who sees which rounds, creating one (with Chinese errors), opening it with visible progress."""

import datetime

import pytest
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.rating.models import Round, RoundUnitStats
from fivestar.rating.services import create_round
from tests.factories import user_with_role

TODAY = datetime.date.today()


def _draft(world, frameworks, scope=None, name="2024年度评星"):
    return create_round(
        world.users["county_admin"], scope=scope or world.county, name=name, kind="annual", year=2024,
        period_start=TODAY, period_end=TODAY + datetime.timedelta(days=60), rural_framework=frameworks[0],
        community_framework=frameworks[1], self_deadline=TODAY + datetime.timedelta(days=10),
        town_deadline=TODAY + datetime.timedelta(days=20), county_deadline=TODAY + datetime.timedelta(days=30),
    )


def _form(world, frameworks, **changes):
    data = {
        "name": "2024年第一次动态评星", "kind": "interim", "year": "2024", "scope": world.county.code,
        "period_start": TODAY.isoformat(), "period_end": (TODAY + datetime.timedelta(days=60)).isoformat(),
        "rural_framework": str(frameworks[0].pk), "community_framework": str(frameworks[1].pk),
        "self_deadline": (TODAY + datetime.timedelta(days=10)).isoformat(), "town_deadline": (TODAY + datetime.timedelta(days=20)).isoformat(),
        "county_deadline": (TODAY + datetime.timedelta(days=30)).isoformat(), "notice_days": "5", "previous": "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_round_list_shows_own_and_ancestor_rounds_with_counts(world, frameworks, make_round, login):
    county_round = make_round(name="濮阳县2023年度评星")
    town_round = _draft(world, frameworks, scope=world.town, name="庆祖镇2024年动态评星")
    far_admin = user_with_role("faradmin", Role.COUNTY_ADMIN, world.other_county)

    page = login(world.users["county_admin"]).get("/rating/").content.decode()
    assert "濮阳县2023年度评星" in page and "庆祖镇2024年动态评星" in page

    # A village secretary sees the county's round (an ancestor of their village) and the town's.
    page = login(world.users["village_cadre"]).get("/rating/").content.decode()
    assert "濮阳县2023年度评星" in page and "庆祖镇2024年动态评星" in page
    # Another county's admin sees neither.
    page = login(far_admin).get("/rating/").content.decode()
    assert "濮阳县2023年度评星" not in page and "庆祖镇2024年动态评星" not in page
    assert login(far_admin).get(f"/rating/rounds/{county_round.pk}/").status_code == 404

    # The town admin's counts are their town's (3 branches), the county admin's the whole county (4).
    response = login(world.users["town_admin"]).get("/rating/?phase=open")
    rows = {r["round"].pk: r for r in response.context["rows"]}
    assert set(rows) == {county_round.pk} and rows[county_round.pk]["counts"]["total_sum"] == 3
    rows = {r["round"].pk: r for r in login(world.users["county_admin"]).get("/rating/").context["rows"]}
    assert rows[county_round.pk]["counts"]["total_sum"] == 4 and rows[county_round.pk]["counts"]["not_started"] == 4
    assert rows[town_round.pk]["counts"] is None


@pytest.mark.django_db
def test_nav_and_home_link_to_rating(world, login):
    page = login(world.users["town_admin"]).get("/").content.decode()
    assert 'href="/rating/"' in page and "评星定级" in page and 'href="/rating/?phase=open"' in page


@pytest.mark.django_db
def test_only_round_managers_may_create(world, frameworks, login):
    assert login(world.users["village_cadre"]).get("/rating/new/").status_code == 403
    assert login(world.users["observer"]).get("/rating/new/").status_code == 403
    response = login(world.users["town_admin"]).get("/rating/new/")
    assert response.status_code == 200
    scope_choices = [c[0] for c in response.context["form"].fields["scope"].widget.choices]
    assert scope_choices == ["", world.town.code]
    assert "新建评星周期" not in login(world.users["observer"]).get("/rating/").content.decode()


@pytest.mark.django_db
def test_create_round_validation_errors_are_chinese(world, frameworks, login):
    client = login(world.users["county_admin"])
    response = client.post("/rating/new/", _form(
        world, frameworks, period_end=(TODAY - datetime.timedelta(days=1)).isoformat(),
        county_deadline=(TODAY + datetime.timedelta(days=15)).isoformat(), extra_levels=["city"], notice_days="40",
    ))
    assert response.status_code == 200 and not Round.objects.exists()
    errors = response.context["form"].errors
    assert errors["period_end"] == ["周期结束日期不能早于开始日期。"]
    assert errors["county_deadline"] == ["县级审核截止不能早于镇级初审截止。"]
    assert errors["extra_deadline"] == ["增设了审核层级，请填写该层级的截止日期。"]
    assert "40" not in str(errors["notice_days"]) and "30" in str(errors["notice_days"])
    assert "请按提示修改标红的项目" in response.content.decode()

    response = client.post("/rating/new/", _form(world, frameworks, scope=world.far_town.code))
    assert "不是您可以开启评星的县（区）、乡镇" in response.context["form"].errors["scope"][0]
    response = client.post("/rating/new/", _form(world, frameworks, rural_framework=str(frameworks[1].pk)))
    assert "rural_framework" in response.context["form"].errors


@pytest.mark.django_db
def test_create_round_with_extra_levels_then_open_it(world, frameworks, make_round, login, django_capture_on_commit_callbacks):
    previous = make_round(name="2023年度评星")
    client = login(world.users["county_admin"])
    response = client.post("/rating/new/", _form(
        world, frameworks, extra_levels=["city", "province"], previous=str(previous.pk),
        extra_deadline=(TODAY + datetime.timedelta(days=40)).isoformat(),
    ))
    rnd = Round.objects.get(name="2024年第一次动态评星")
    assert response.status_code == 302 and response["Location"] == f"/rating/rounds/{rnd.pk}/"
    assert rnd.levels == ["town", "county", "city", "province"] and rnd.previous == previous and rnd.notice_days == 5
    assert rnd.phase == "draft" and rnd.kind == "interim"

    page = client.get(f"/rating/rounds/{rnd.pk}/").content.decode()
    assert "开启" in page and "市级复核、省级抽查" in page and "公示（5 天）" in page
    # The town admin can look at the county's round but not open it.
    town_client_page = login(world.users["town_admin"]).get(f"/rating/rounds/{rnd.pk}/").content.decode()
    assert 'data-testid="round-open"' not in town_client_page
    assert login(world.users["town_admin"]).post(f"/rating/rounds/{rnd.pk}/open/").status_code == 403

    client = login(world.users["county_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rating/rounds/{rnd.pk}/open/")
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert rnd.phase == "open" and rnd.open_done == rnd.open_total == 4
    response = client.get(f"/rating/rounds/{rnd.pk}/")
    towns = [row["unit"].code for row in response.context["unit_rows"]]
    assert towns == [world.town.code, world.other_town.code]
    qingzu = response.context["unit_rows"][0]
    assert qingzu["total"] == 3 and {c["label"]: c["n"] for c in qingzu["cells"]}["填报中"] == 3  # carried forward
    page = response.content.decode()
    assert f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/" in page and "市级复核通过" in page
    # Opening twice is refused with a message.
    client.post(f"/rating/rounds/{rnd.pk}/open/")
    assert "不能重复开启" in client.get(f"/rating/rounds/{rnd.pk}/").content.decode()


@pytest.mark.django_db
def test_opening_progress_is_polled_until_done(world, frameworks, login):
    rnd = _draft(world, frameworks)
    Round.objects.filter(pk=rnd.pk).update(phase="opening", open_total=10, open_done=4, heartbeat_at=timezone.now())
    client = login(world.users["county_admin"])
    page = client.get(f"/rating/rounds/{rnd.pk}/").content.decode()
    assert f'hx-get="/rating/rounds/{rnd.pk}/progress/"' in page and 'hx-trigger="every 1s"' in page

    response = client.get(f"/rating/rounds/{rnd.pk}/progress/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "已创建 4 / 10" in body and "width: 40%" in body and "hx-trigger" in body and "HX-Refresh" not in response

    Round.objects.filter(pk=rnd.pk).update(phase="open", open_done=10)
    response = client.get(f"/rating/rounds/{rnd.pk}/progress/", HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and "hx-trigger" not in response.content.decode()
    assert "共为 10 个支部创建申报" in response.content.decode()
    assert login(user_with_role("far", Role.COUNTY_ADMIN, world.other_county)).get(f"/rating/rounds/{rnd.pk}/progress/").status_code == 404


@pytest.mark.django_db
def test_village_secretary_gets_a_link_to_their_assessment(world, make_round, login):
    rnd = make_round()
    response = login(world.users["village_cadre"]).get(f"/rating/rounds/{rnd.pk}/")
    mine = response.context["my_assessments"]
    assert [a.org_unit for a in mine] == [world.village] and response.context["unit_rows"] == []
    assert f"/rating/assessments/{mine[0].pk}/" in response.content.decode()
    assert RoundUnitStats.objects.filter(round=rnd, level=4).count() == 2


@pytest.mark.django_db
def test_area_leader_reaches_the_town_list_of_their_area(world, make_round, login):
    rnd = make_round()
    client = login(world.users["area_leader"])
    response = client.get(f"/rating/rounds/{rnd.pk}/")
    assert [t["org_unit__parent__code"] for t in response.context["partial_towns"]] == [world.town.code]
    response = client.get(f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/")
    assert [i["a"].org_unit for i in response.context["items"]] == [world.village]  # 西片区 only
    assert response.context["actionable"] is False
    assert client.get(f"/rating/rounds/{rnd.pk}/towns/{world.other_town.code}/").status_code == 404
