"""Teams, a town's settings and a team's weekly plan through the web pages."""

import datetime
import re

import pytest
from django.utils import timezone

from fivestar.core.models import AuditEvent
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person, Position
from fivestar.supervision.models import SupervisionSettings, SupervisionTeam, VisitPlan
from fivestar.supervision.services import monday, record_inspection

pytestmark = pytest.mark.django_db


def test_town_admin_creates_and_edits_a_team(sup, world, login):
    cadre = Person.objects.create(org_unit=world.town, name="陈干部", gender="F", position=Position.TOWN_CADRE)
    Person.objects.create(org_unit=world.other_town, name="外镇干部", gender="M", position=Position.TOWN_CADRE)
    client = login(sup.town_admin)
    form = client.get("/supervision/teams/new/").content.decode()
    assert "陈干部" in form and "外镇干部" not in form
    assert world.village.display_name in form and world.other_village.display_name not in form
    response = client.post("/supervision/teams/new/", {"unit": world.town.code, "name": "第二督导组", "leader": cadre.pk,
                                                        "members": [cadre.pk, sup.inspector.pk], "villages": [world.sibling.pk], "note": "负责南片"})
    assert response.status_code == 302
    team = SupervisionTeam.objects.get(name="第二督导组")
    assert team.org_unit == world.town and team.leader == cadre
    assert set(team.villages.all()) == {world.sibling} and set(team.members.all()) == {cadre, sup.inspector}
    listing = client.get("/supervision/teams/").content.decode()
    assert "第二督导组" in listing and "负责南片" in listing
    # a duplicate name and a village of another town are refused with a message, not saved
    again = client.post("/supervision/teams/new/", {"unit": world.town.code, "name": "第二督导组"})
    assert again.status_code == 400 and "已有名为「第二督导组」的督导组" in again.content.decode()
    outside = client.post(f"/supervision/teams/{team.pk}/edit/", {"name": "第二督导组", "villages": [world.other_village.pk]})
    assert outside.status_code == 400
    assert set(team.villages.all()) == {world.sibling}
    assert client.post(f"/supervision/teams/{team.pk}/edit/", {"name": "第二组", "villages": [world.sibling.pk, world.village.pk]}).status_code == 302
    team.refresh_from_db()
    assert team.name == "第二组" and team.villages.count() == 2


def test_county_admin_picks_the_unit_and_others_cannot_manage(sup, world, login):
    client = login(world.users["county_admin"])
    html = client.get("/supervision/teams/new/").content.decode()
    assert 'data-testid="unit-pick"' in html and world.town.display_name in html and world.far_town.display_name not in html
    assert client.get(f"/supervision/teams/new/?unit={world.far_town.code}").status_code == 404
    assert client.get(f"/supervision/teams/new/?unit={world.county.code}").status_code == 200
    supervisor = login(sup.supervisor)
    assert supervisor.get("/supervision/teams/").status_code == 200
    assert supervisor.get("/supervision/teams/new/").status_code == 403
    assert supervisor.get(f"/supervision/teams/{sup.team.pk}/edit/").status_code == 403
    assert login(sup.secretary_user).get(f"/supervision/teams/{sup.team.pk}/edit/").status_code == 404
    assert login(sup.other_town_supervisor).get(f"/supervision/teams/{sup.team.pk}/plan/").status_code == 404


def test_town_settings_are_saved_checked_and_recorded(sup, world, login):
    client = login(sup.town_admin)
    assert client.get("/supervision/settings/").status_code == 302  # one town: straight to it
    url = f"/supervision/settings/{world.town.code}/"
    data = {"visit_within_weeks": 3, "deadline_minor": 20, "deadline_general": 10, "deadline_serious": 3,
            "reminder_days_before": 2, "escalate_liaison": 0, "escalate_area": 5, "escalate_town": 10}
    assert client.post(url, data).status_code == 302
    row = SupervisionSettings.objects.get(town=world.town)
    assert row.visit_within_weeks == 3 and row.deadline_days == {"minor": 20, "general": 10, "serious": 3}
    assert row.escalation_days == [0, 5, 10] and row.updated_by == sup.town_admin
    assert AuditEvent.objects.filter(model="supervision.supervisionsettings", user=sup.town_admin).exists()
    bad = client.post(url, {**data, "escalate_area": 20})
    assert bad.status_code == 400 and "逐级不减" in bad.content.decode()
    assert client.post(url, {**data, "visit_within_weeks": "abc"}).status_code == 400
    assert SupervisionSettings.objects.get(town=world.town).escalation_days == [0, 5, 10]
    assert login(sup.supervisor).get(url).status_code == 404
    assert login(world.users["county_admin"]).get(f"/supervision/settings/{world.far_town.code}/").status_code == 404


def test_plan_is_generated_shows_visited_and_missed_and_a_visit_moves(sup, world, login):
    today = timezone.localdate()
    this_week = monday(today)
    client = login(sup.town_admin)
    response = client.post(f"/supervision/teams/{sup.team.pk}/plan/generate/", {"start": (this_week - datetime.timedelta(weeks=2)).isoformat(), "weeks": 6})
    assert response.status_code == 302
    rows = VisitPlan.objects.filter(team=sup.team)
    assert rows.exists() and set(rows.values_list("village_id", flat=True)) == {world.village.pk, world.sibling.pk, world.community.pk}
    again = client.post(f"/supervision/teams/{sup.team.pk}/plan/generate/", {"start": (this_week - datetime.timedelta(weeks=2)).isoformat(), "weeks": 6})
    assert again.status_code == 302 and VisitPlan.objects.filter(team=sup.team).count() == rows.count()  # idempotent
    past = rows.filter(week_start__lt=this_week).order_by("week_start").first()
    record_inspection(sup.supervisor, sup.team, date=past.week_start + datetime.timedelta(days=1), kind="routine", villages=[past.village])
    html = client.get(f"/supervision/teams/{sup.team.pk}/plan/").content.decode()
    states = re.findall(r'data-testid="plan-row" data-state="(\w+)"', html)
    assert "visited" in states and "missed" in states
    future = rows.filter(week_start__gt=this_week).first()
    target = future.week_start + datetime.timedelta(weeks=1)
    assert login(sup.supervisor).post(f"/supervision/plan/{future.pk}/move/", {"week": target.isoformat()}).status_code == 302
    future.refresh_from_db()
    assert future.week_start == target and future.adjusted
    assert login(sup.observer).post(f"/supervision/plan/{future.pk}/move/", {"week": this_week.isoformat()}).status_code == 302
    future.refresh_from_db()
    assert future.week_start == target  # refused (with a message), not moved
    assert login(sup.other_town_supervisor).post(f"/supervision/plan/{future.pk}/move/", {"week": this_week.isoformat()}).status_code == 404


def test_menu_entries_and_tabs_per_role(sup, world, login):
    html = login(sup.secretary_user).get("/").content.decode()
    assert 'data-testid="nav-supervision"' in html and "督导问题" in html
    tabs = login(sup.secretary_user).get("/supervision/problems/").content.decode()
    assert 'data-testid="tab-teams"' not in tabs and 'data-testid="tab-settings"' not in tabs
    tabs = login(sup.town_admin).get("/supervision/problems/").content.decode()
    assert all(f'data-testid="tab-{k}"' in tabs for k in ("problems", "teams", "field", "settings"))
    tabs = login(sup.observer).get("/supervision/problems/").content.decode()
    assert 'data-testid="tab-field"' not in tabs and 'data-testid="tab-settings"' not in tabs
    assert OrgUnit.objects.filter(level=Level.VILLAGE).count() == 5
