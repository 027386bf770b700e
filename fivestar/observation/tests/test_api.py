"""Observation API per role: events seen by the town and by observers only, scores by observers (403 for others,
400 with the Chinese reason for junk), ranking live then published, flag rounds proposed, confirmed and published by
the town (403 for an observer, 404 for another town), junk bodies 422 in Chinese; every route in OpenAPI."""

import datetime

import pytest

from fivestar.core.roles import Role
from fivestar.observation.models import FlagRound, ObservationScore
from fivestar.supervision.tests.api_helpers import Caller, chinese_error
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_routes_are_in_openapi(client, obs):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/observation/events", "/api/v1/observation/events/{event_id}", "/api/v1/observation/events/{event_id}/scores",
                 "/api/v1/observation/events/{event_id}/ranking", "/api/v1/observation/events/{event_id}/publish",
                 "/api/v1/observation/flags", "/api/v1/observation/flags/{round_id}", "/api/v1/observation/flags/{round_id}/confirm",
                 "/api/v1/observation/flags/{round_id}/publish"):
        assert path in paths, path


def test_events_scores_and_ranking(obs):
    w = obs.world
    event = obs.event(observers=obs.observers[:2])
    items = list(event.items.all())
    town, o1, o2 = Caller(obs.town_admin), Caller(obs.observers[0]), Caller(obs.observers[1])
    listed = o1.get("/observation/events").json()
    assert listed["count"] == 1 and listed["items"][0]["observer"] is True
    assert town.get("/observation/events").json()["items"][0]["observer"] is False
    far = user_with_role("farx", Role.TOWN_ADMIN, w.far_town)
    assert Caller(far).get("/observation/events").json()["count"] == 0
    chinese_error(Caller(far).get(f"/observation/events/{event.pk}"), 404)
    detail = o1.get(f"/observation/events/{event.pk}").json()
    assert [i["name"] for i in detail["items"]] == ["环境卫生", "产业发展"] and len(detail["villages"]) == 3
    body = {"village": w.village.code, "scores": {str(items[0].pk): 90, str(items[1].pk): 80}}
    r = o1.post(f"/observation/events/{event.pk}/scores", body)
    assert r.status_code == 200 and r.json()["score"] == "86.00", r.content
    o2.post(f"/observation/events/{event.pk}/scores", {**body, "scores": {str(items[0].pk): 70, str(items[1].pk): 60}})
    chinese_error(town.post(f"/observation/events/{event.pk}/scores", body), 403)
    chinese_error(Caller(obs.outsider).post(f"/observation/events/{event.pk}/scores", body), 403)  # sees the town, not named
    chinese_error(Caller(far).post(f"/observation/events/{event.pk}/scores", body), 404)
    chinese_error(o1.post(f"/observation/events/{event.pk}/scores", {**body, "scores": {str(items[0].pk): 101}}), 400)
    chinese_error(o1.post(f"/observation/events/{event.pk}/scores", {**body, "village": w.other_village.code}), 404)
    chinese_error(o1.post(f"/observation/events/{event.pk}/scores", {**body, "scores": "abc"}), 422)
    chinese_error(o1.post(f"/observation/events/{event.pk}/scores", {"village": "x" * 400, "scores": {}}), 422)
    assert ObservationScore.objects.filter(observer=obs.observers[0], value=90).count() == 1
    live = town.get(f"/observation/events/{event.pk}/ranking").json()
    assert live["published"] is False and live["rows"][0]["code"] == w.village.code and live["rows"][0]["score"] == "76.00"
    chinese_error(o1.post(f"/observation/events/{event.pk}/publish"), 403)
    done = town.post(f"/observation/events/{event.pk}/publish").json()
    assert done["published"] is True and done["rows"][0] == {"rank": 1, "code": w.village.code, "name": "西辛庄村", "score": "76.00",
                                                            "observers": 2, "dropped": False}
    assert done["rows"][-1]["rank"] is None
    chinese_error(town.post(f"/observation/events/{event.pk}/publish"), 400)
    chinese_error(o1.post(f"/observation/events/{event.pk}/scores", body), 400)


def test_flags_over_the_api(obs):
    from fivestar.observation.services.town_settings import save_settings

    w = obs.world
    save_settings(obs.town_admin, w.town, red_count=1, black_count=1)
    town = Caller(obs.town_admin)
    chinese_error(Caller(obs.observers[0]).post("/observation/flags", {"town": w.town.code, "month": "2026-01-15"}), 403)
    chinese_error(Caller(user_with_role("farx", Role.TOWN_ADMIN, w.far_town)).post("/observation/flags", {"town": w.town.code, "month": "2026-01-15"}), 404)
    chinese_error(town.post("/observation/flags", {"town": w.town.code, "month": "一月"}), 422)
    r = town.post("/observation/flags", {"town": w.town.code, "month": "2026-01-15"})
    assert r.status_code == 201, r.content
    rnd = r.json()
    assert rnd["period_start"] == "2026-01-01" and rnd["status"] == "proposed" and len(rnd["entries"]) == 3
    assert {e["code"] for e in rnd["entries"]} == {w.village.code, w.sibling.code, w.community.code}
    chinese_error(town.post(f"/observation/flags/{rnd['id']}/publish"), 400)
    chinese_error(Caller(obs.observers[0]).post(f"/observation/flags/{rnd['id']}/confirm"), 403)
    assert town.post(f"/observation/flags/{rnd['id']}/confirm").json()["status"] == "confirmed"
    assert town.post(f"/observation/flags/{rnd['id']}/publish").json()["status"] == "published"
    assert FlagRound.objects.get().status == "published"
    assert [x["id"] for x in town.get("/observation/flags").json()] == [rnd["id"]]
    assert town.get(f"/observation/flags/{rnd['id']}").json()["status_name"]
    chinese_error(Caller(obs.cadre).get(f"/observation/flags/{rnd['id']}"), 404)
    chinese_error(town.get("/observation/flags/999999"), 404)
    assert datetime.date.fromisoformat(rnd["period_end"]) == datetime.date(2026, 1, 31)
