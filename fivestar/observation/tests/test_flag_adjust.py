"""Hand edits to a flag proposal before confirmation (service, page, API): the town changes one village's flag with a
reason, recorded as an event beside the rules' proposal; refused without a reason, for a village outside the round,
after confirmation, for anyone without the town's authority (403) and outside the scope (404); junk in Chinese, never
a 500; a new proposal of the period clears the edits but keeps the record; the page and the API in constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.core.roles import Role
from fivestar.observation.models import FlagEntry, FlagEvent, FlagRound
from fivestar.observation.services.errors import ObservationError
from fivestar.observation.services.flags import adjust_flag, confirm_flags, propose_flags, publish_flags
from fivestar.observation.services.town_settings import save_settings
from fivestar.supervision.models import Problem
from fivestar.supervision.tests.api_helpers import Caller, chinese_error
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
JAN = datetime.date(2026, 1, 5)


@pytest.fixture
def rnd(obs):
    w = obs.world
    save_settings(obs.town_admin, w.town, red_count=1, black_count=1)
    for day in (10, 11):
        Problem.objects.create(org_unit=w.village, star_code="stjy", description="垃圾乱堆", deadline=datetime.date(2026, 1, day),
                               found_on=datetime.date(2026, 1, day))
    Problem.objects.create(org_unit=w.sibling, star_code="stjy", description="柴草乱堆", deadline=datetime.date(2026, 1, 12),
                           found_on=datetime.date(2026, 1, 12))
    return propose_flags(obs.town_admin, w.town, JAN)


def flags(rnd):
    return dict(FlagEntry.objects.filter(round=rnd).values_list("village__display_name", "flag"))


def test_a_hand_edit_with_its_reason_is_recorded_beside_the_proposal(obs, rnd):
    w = obs.world
    assert flags(rnd) == {"龙鑫苑社区": "red", "庆南村": "", "西辛庄村": "black"}
    adjust_flag(obs.town_admin, rnd, w.village, "", "问题已于月底前全部整改销号")
    entry = FlagEntry.objects.get(round=rnd, village=w.village)
    assert (entry.flag, entry.proposed_flag, entry.adjusted, entry.adjusted_by) == ("", "black", True, obs.town_admin)
    assert entry.adjusted_reason == "问题已于月底前全部整改销号"
    adjust_flag(obs.town_admin, rnd, w.sibling, "black", "群众反映强烈，经党委会研究")
    event = FlagEvent.objects.filter(round=rnd, action="adjust").last()
    assert event.user == obs.town_admin and event.village == w.sibling
    assert event.detail == "「庆南村」由不授旗改为黑旗（评选建议：不授旗）；原因：群众反映强烈，经党委会研究"
    adjust_flag(obs.town_admin, rnd, w.village, "black", "按规则恢复")  # back to the proposal: no longer adjusted
    assert not FlagEntry.objects.get(round=rnd, village=w.village).adjusted
    publish_flags(obs.town_admin, confirm_flags(obs.town_admin, rnd))
    assert flags(rnd) == {"龙鑫苑社区": "red", "庆南村": "black", "西辛庄村": "black"}
    assert list(FlagEvent.objects.filter(round=rnd).values_list("action", flat=True)) == ["propose", "adjust", "adjust", "adjust", "confirm", "publish"]
    assert "含手工调整 1 个村" in FlagEvent.objects.get(round=rnd, action="confirm").detail


def test_hand_edits_are_refused_with_a_reason_and_nothing_changes(obs, rnd):
    w = obs.world
    for args, message in (((w.village, "", ""), "请填写调整原因"), ((w.village, "", "x"), "至少 2 个字"),
                          ((w.village, "", "长" * 201), "不能超过 200 字"), ((w.village, "gold", "原因说明"), "红旗、黑旗或不授旗"),
                          ((w.village, "black", "原因说明"), "已是黑旗"), ((w.other_village, "red", "原因说明"), "不在本次评选中"),
                          ((None, "red", "原因说明"), "不在本次评选中")):
        with pytest.raises(ObservationError, match=message):
            adjust_flag(obs.town_admin, rnd, *args)
    for user in (obs.observers[0], obs.cadre, user_with_role("othert", Role.TOWN_ADMIN, w.other_town)):
        with pytest.raises(ObservationError, match="无权"):
            adjust_flag(user, rnd, w.village, "", "原因说明")
    confirm_flags(obs.town_admin, rnd)
    with pytest.raises(ObservationError, match="已确认，不能再调整"):
        adjust_flag(obs.town_admin, rnd, w.village, "", "原因说明")
    assert flags(rnd)["西辛庄村"] == "black" and not FlagEvent.objects.filter(action="adjust").exists()


def test_a_new_proposal_clears_the_edits_but_keeps_the_record(obs, rnd):
    w = obs.world
    adjust_flag(obs.town_admin, rnd, w.village, "", "问题已整改")
    again = propose_flags(obs.town_admin, w.town, JAN)
    assert again.pk == rnd.pk and FlagRound.objects.count() == 1 and flags(again)["西辛庄村"] == "black"
    assert list(FlagEvent.objects.filter(round=rnd).values_list("action", flat=True)) == ["propose", "adjust", "propose"]
    assert "此前的手工调整已清除" in FlagEvent.objects.filter(round=rnd).last().detail


def test_hand_edits_from_the_page(obs, rnd, client):
    w = obs.world
    url = f"/observation/flags/{rnd.pk}/"
    client.force_login(obs.town_admin)
    assert "adjust-form" in client.get(url).content.decode()
    body = client.post(url, {"step": "adjust", "village": w.village.code, "flag": "none", "reason": "问题已整改销号"}, follow=True).content.decode()
    assert "手工调整" in body and "建议黑旗；问题已整改销号" in body and "由黑旗改为不授旗" in body and "黑旗 0 个" in body
    body = client.post(url, {"step": "adjust", "village": w.sibling.code, "flag": "red", "reason": ""}, follow=True).content.decode()
    assert "请填写调整原因" in body
    body = client.post(url, {"step": "adjust", "village": "x" * 300, "flag": "red", "reason": "原因说明"}, follow=True).content.decode()
    assert "不在本次评选中" in body
    client.force_login(obs.observers[0])
    assert "adjust-form" not in client.get(url).content.decode()
    body = client.post(url, {"step": "adjust", "village": w.sibling.code, "flag": "red", "reason": "原因说明"}, follow=True).content.decode()
    assert "无权" in body and flags(rnd)["庆南村"] == ""
    client.force_login(user_with_role("farx", Role.TOWN_ADMIN, w.far_town))
    assert client.post(url, {"step": "adjust", "village": w.sibling.code, "flag": "red", "reason": "原因说明"}).status_code == 404


def test_hand_edits_over_the_api(obs, rnd):
    w = obs.world
    town = Caller(obs.town_admin)
    path = f"/observation/flags/{rnd.pk}/adjust"
    r = town.post(path, {"village": w.village.code, "flag": "none", "reason": "问题已整改销号"})
    assert r.status_code == 200, r.content
    row = next(e for e in r.json()["entries"] if e["code"] == w.village.code)
    assert (row["flag"], row["proposed_flag"], row["adjusted"], row["adjusted_reason"]) == ("", "black", True, "问题已整改销号")
    assert [e["action"] for e in r.json()["events"]] == ["propose", "adjust"] and r.json()["events"][1]["village"] == w.village.code
    chinese_error(town.post(path, {"village": w.village.code, "flag": "gold", "reason": "原因"}), 422)
    chinese_error(town.post(path, {"village": w.village.code, "flag": "red"}), 422)
    chinese_error(town.post(path, {"village": w.village.code, "flag": "red", "reason": "长" * 201}), 422)
    chinese_error(town.post(path, {"village": w.village.code, "flag": "red", "reason": " "}), 400)
    chinese_error(town.post(path, {"village": w.other_village.code, "flag": "red", "reason": "原因说明"}), 404)
    chinese_error(Caller(obs.observers[0]).post(path, {"village": w.sibling.code, "flag": "red", "reason": "原因说明"}), 403)
    chinese_error(Caller(user_with_role("farx", Role.TOWN_ADMIN, w.far_town)).post(path, {"village": w.sibling.code, "flag": "red", "reason": "原因说明"}), 404)
    chinese_error(town.post("/observation/flags/999999/adjust", {"village": w.sibling.code, "flag": "red", "reason": "原因说明"}), 404)
    town.post(f"/observation/flags/{rnd.pk}/confirm")
    chinese_error(town.post(path, {"village": w.sibling.code, "flag": "red", "reason": "原因说明"}), 400)
    assert flags(rnd) == {"龙鑫苑社区": "red", "庆南村": "", "西辛庄村": ""}
    assert "/api/v1/observation/flags/{round_id}/adjust" in town.client.get("/api/v1/openapi.json").json()["paths"]


def test_flag_page_and_api_keep_their_queries_as_edits_grow(obs, rnd, client):
    w = obs.world
    client.force_login(obs.town_admin)
    town = Caller(obs.town_admin)
    url = f"/observation/flags/{rnd.pk}/"
    adjust_flag(obs.town_admin, rnd, w.village, "", "第一次调整")
    client.get(url)
    town.get(f"/observation/flags/{rnd.pk}")
    with CaptureQueriesContext(connection) as page_few:
        client.get(url)
    with CaptureQueriesContext(connection) as api_few:
        town.get(f"/observation/flags/{rnd.pk}")
    for n in range(4):
        adjust_flag(obs.town_admin, rnd, w.sibling, "red" if n % 2 == 0 else "", f"第{n + 2}次调整")
        adjust_flag(obs.town_admin, rnd, w.community, "" if n % 2 == 0 else "red", f"第{n + 2}次调整")
    with CaptureQueriesContext(connection) as page_many:
        client.get(url)
    with CaptureQueriesContext(connection) as api_many:
        town.get(f"/observation/flags/{rnd.pk}")
    assert len(page_many) == len(page_few)
    assert len(api_many) == len(api_few), ([q["sql"][:120] for q in api_few.captured_queries], [q["sql"][:120] for q in api_many.captured_queries])


def test_a_second_black_flag_in_a_row_shows_on_the_village_history(obs, rnd, client):
    w = obs.world
    publish_flags(obs.town_admin, confirm_flags(obs.town_admin, rnd))
    Problem.objects.create(org_unit=w.village, star_code="stjy", description="垃圾乱堆", deadline=datetime.date(2026, 2, 3),
                           found_on=datetime.date(2026, 2, 3))
    feb = propose_flags(obs.town_admin, w.town, datetime.date(2026, 2, 1))
    publish_flags(obs.town_admin, confirm_flags(obs.town_admin, feb))
    client.force_login(obs.town_admin)
    body = client.get(f"/observation/village/{w.village.code}/").content.decode()
    assert body.count("history-attention") == 1 and "2026年2月：黑旗" in body
