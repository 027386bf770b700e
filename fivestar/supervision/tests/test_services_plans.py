"""Teams, weekly plans (coverage, idempotence, adjusted rows kept) and inspections (client_uid, visited weeks)."""

import datetime

import pytest
from django.utils import timezone

from fivestar.supervision.models import Inspection, SupervisionSettings, SupervisionTeam, VisitPlan
from fivestar.supervision.services import (SupervisionError, add_inspection_photo, add_visit, generate_plan, monday,
                                           move_visit, record_inspection, save_settings, save_team, settings_for)
from fivestar.supervision.services.plans import week_number

pytestmark = pytest.mark.django_db
START = datetime.date(2027, 3, 3)  # a Wednesday: the plan starts on its Monday


def weeks_of(team, village):
    return sorted(week_number(w) for w in VisitPlan.objects.filter(team=team, village=village).values_list("week_start", flat=True))


def test_every_village_is_visited_in_every_window_of_n_weeks(sup, world):
    created = generate_plan(sup.team, sup.town_admin, START, 8)
    assert created == 12  # 3 villages, once every 2 weeks, 8 weeks
    first = week_number(START)
    per_week = {}
    for village in (world.village, world.sibling, world.community):
        weeks = weeks_of(sup.team, village)
        for w in range(first, first + 7):
            assert {w, w + 1} & set(weeks), f"{village} not visited in weeks {w}-{w + 1}"
        for w in weeks:
            per_week[w] = per_week.get(w, 0) + 1
    assert max(per_week.values()) - min(per_week.values()) <= 1  # spread, not all in one week
    assert all(row.week_start.weekday() == 0 for row in VisitPlan.objects.all())


def test_generation_is_idempotent_from_any_start(sup):
    generate_plan(sup.team, sup.supervisor, START, 8)
    rows = set(VisitPlan.objects.values_list("village_id", "week_start"))
    assert generate_plan(sup.team, sup.supervisor, START, 8) == 0
    assert generate_plan(sup.team, sup.supervisor, START + datetime.timedelta(weeks=2), 4) == 0
    assert set(VisitPlan.objects.values_list("village_id", "week_start")) == rows


def test_town_setting_n_and_kept_rows(sup, world):
    save_settings(sup.town_admin, world.town, visit_within_weeks=3)
    assert settings_for(world.village).visit_within_weeks == 3
    assert generate_plan(sup.team, sup.town_admin, START, 9) == 9  # each village once per 3 weeks
    for village in (world.village, world.sibling, world.community):
        assert len(weeks_of(sup.team, village)) == 3
    row = VisitPlan.objects.filter(village=world.village).order_by("week_start").first()
    moved = move_visit(row, sup.supervisor, row.week_start + datetime.timedelta(days=8))
    assert moved.adjusted and moved.week_start == monday(row.week_start + datetime.timedelta(days=8))
    assert generate_plan(sup.team, sup.town_admin, START, 9) == 0
    assert VisitPlan.objects.filter(pk=moved.pk, week_start=moved.week_start).exists()
    assert len(weeks_of(sup.team, world.village)) == 3  # the moved row stands for its cycle


def test_plan_changes_are_refused_cleanly(sup, world):
    generate_plan(sup.team, sup.town_admin, START, 4)
    a, b = VisitPlan.objects.filter(village=world.village).order_by("week_start")[:2]
    with pytest.raises(SupervisionError, match="这一周已有督导计划"):
        move_visit(a, sup.supervisor, b.week_start)
    with pytest.raises(SupervisionError, match="无权"):
        move_visit(a, sup.observer, a.week_start + datetime.timedelta(weeks=1))
    with pytest.raises(SupervisionError, match="无权"):
        generate_plan(sup.team, sup.secretary_user, START, 4)
    with pytest.raises(SupervisionError, match="不是督导组「第一督导组」负责的村"):
        add_visit(sup.team, sup.supervisor, world.other_village, START)
    with pytest.raises(SupervisionError, match="1 到 53"):
        generate_plan(sup.team, sup.town_admin, START, 0)


def test_teams(sup, world):
    with pytest.raises(SupervisionError, match="不是「庆祖镇」下属的村"):
        save_team(sup.town_admin, unit=world.town, name="第二组", villages=[world.other_village])
    with pytest.raises(SupervisionError, match="已有名为「第一督导组」的督导组"):
        save_team(sup.town_admin, unit=world.town, name="第一督导组")
    with pytest.raises(SupervisionError, match="无权管理"):
        save_team(sup.observer, unit=world.town, name="观察组")
    with pytest.raises(SupervisionError, match="无权管理"):
        save_team(sup.town_admin, unit=world.county, name="县组")
    county_team = save_team(world.users["county_admin"], unit=world.county, name="县专项组",
                            villages=[world.village, world.other_village], members=[sup.inspector])
    assert set(county_team.villages.all()) == {world.village, world.other_village}
    team = save_team(sup.town_admin, unit=world.town, name="第一组（改）", team=sup.team, villages=[world.village],
                     leader=sup.inspector)
    assert team.pk == sup.team.pk and list(team.villages.all()) == [world.village] and team.leader == sup.inspector
    assert list(team.members.all()) == [sup.inspector]
    assert SupervisionTeam.objects.count() == 2


def test_settings_are_checked(sup, world):
    with pytest.raises(SupervisionError, match="逐级不减"):
        save_settings(sup.town_admin, world.town, escalation_days=[5, 3, 7])
    with pytest.raises(SupervisionError, match="无权"):
        save_settings(sup.supervisor, world.town, visit_within_weeks=3)
    with pytest.raises(SupervisionError, match="应在 1 到 12 之间"):
        save_settings(sup.town_admin, world.town, visit_within_weeks=0)
    row = save_settings(sup.town_admin, world.town, deadline_days={"minor": 20, "general": 10, "serious": 4})
    assert row.deadline_days == {"minor": 20, "general": 10, "serious": 4} and row.updated_by == sup.town_admin
    assert SupervisionSettings.objects.count() == 1


def test_an_inspection_marks_its_week_visited_and_a_retry_stores_it_once(sup, world, uid):
    today = timezone.localdate()
    generate_plan(sup.team, sup.town_admin, today - datetime.timedelta(weeks=1), 3)
    planned = set(VisitPlan.objects.filter(week_start=monday(today)).values_list("village_id", flat=True))
    key = uid()
    photo = sup.photo(unit=world.town)
    first = record_inspection(sup.supervisor, sup.team, date=today, kind="routine", villages=[world.village, world.sibling],
                              notes="环境整治检查", client_uid=key, photos=[photo])
    again = record_inspection(sup.supervisor, sup.team, date=today, kind="routine", villages=[world.village],
                              notes="重试", client_uid=key)
    assert again.pk == first.pk and Inspection.objects.count() == 1
    assert first.org_unit == world.town and first.photos.count() == 1
    visited = set(VisitPlan.objects.filter(inspection=first).values_list("village_id", flat=True))
    assert visited == {world.village.pk, world.sibling.pk}  # planned rows marked, an unplanned visit added
    assert VisitPlan.objects.filter(week_start=monday(today), village_id__in=planned - visited, inspection__isnull=True).count() == len(planned - visited)
    add_inspection_photo(first, sup.supervisor, photo)
    add_inspection_photo(first, sup.supervisor, sup.photo(unit=world.village, color=(9, 9, 9)))
    assert first.photos.count() == 2


def test_inspections_are_refused_cleanly(sup, world):
    today = timezone.localdate()
    for user, message in ((sup.observer, "无权记录督导"), (sup.other_town_supervisor, "无权记录督导"),
                          (sup.secretary_user, "无权记录督导")):
        with pytest.raises(SupervisionError, match=message):
            record_inspection(user, sup.team, date=today, kind="routine", villages=[world.village])
    with pytest.raises(SupervisionError, match="不在督导组「第一督导组」的范围内"):
        record_inspection(sup.supervisor, sup.team, date=today, kind="routine", villages=[world.other_village])
    with pytest.raises(SupervisionError, match="不能晚于今天"):
        record_inspection(sup.supervisor, sup.team, date=today + datetime.timedelta(days=1), kind="routine", villages=[world.village])
    with pytest.raises(SupervisionError, match="请选择督导的村"):
        record_inspection(sup.supervisor, sup.team, date=today, kind="routine", villages=[])
    with pytest.raises(SupervisionError, match="督导类型无效"):
        record_inspection(sup.supervisor, sup.team, date=today, kind="party", villages=[world.village])
    with pytest.raises(SupervisionError, match="不属于「庆祖镇」"):
        record_inspection(sup.supervisor, sup.team, date=today, kind="routine", villages=[world.village],
                          photos=[sup.photo(unit=world.other_town)])
    assert not Inspection.objects.exists()


def test_team_settings_and_plan_writes_are_in_the_history(sup, world):
    from fivestar.core.models import AuditEvent

    created = AuditEvent.objects.get(model="supervision.supervisionteam", action="create")
    assert created.user == sup.town_admin and created.org_unit == world.town
    assert {"label": "组长", "old": "", "new": "张督导"}.items() <= next(c for c in created.changes if c["label"] == "组长").items()
    save_team(sup.town_admin, unit=world.town, name="第一督导组", leader=sup.inspector, villages=[world.village], team=sup.team)
    update = AuditEvent.objects.filter(model="supervision.supervisionteam", action="update").get()
    assert [c["label"] for c in update.changes] == ["负责村（社区）"] and update.changes[0]["new"] == "西辛庄村"
    save_settings(sup.town_admin, world.town, visit_within_weeks=3)
    save_settings(sup.town_admin, world.town, visit_within_weeks=4)
    changed = AuditEvent.objects.filter(model="supervision.supervisionsettings").order_by("id").last()
    assert changed.changes == [{"field": "每村至少每 N 周督导一次", "label": "每村至少每 N 周督导一次", "old": "3", "new": "4"}]
    generate_plan(sup.team, sup.supervisor, START, 4)
    row = VisitPlan.objects.order_by("week_start").first()
    move_visit(row, sup.supervisor, row.week_start + datetime.timedelta(weeks=1))
    plan_events = list(AuditEvent.objects.filter(model="supervision.supervisionteam", user=sup.supervisor).order_by("id"))
    assert plan_events[0].summary.startswith("生成督导计划") and plan_events[1].changes[0]["label"] == "西辛庄村督导周"
