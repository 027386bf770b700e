"""A 季观摩 meeting and its observation event linked both ways (service, pages, API): only a quarterly observation
meeting of the event's own unit; set when creating the event or later, unset, kept in the event's history with who
did it; the meeting page lists its events and the event page links back; the API shows meeting_id and the meeting's
observation_events; observation events created over the API; per role (404 outside, 403 without authority, junk in
Chinese)."""

import datetime

import pytest

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.meetings.models import MeetingKind
from fivestar.meetings.services import create_meeting, save_series
from fivestar.observation.models import ObservationEvent
from fivestar.observation.services.errors import ObservationError
from fivestar.observation.services.events import link_meeting
from fivestar.supervision.tests.api_helpers import Caller, chinese_error
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 20)


@pytest.fixture
def meetings(obs):
    w = obs.world
    quarterly = save_series(obs.town_admin, unit=w.town, kind=MeetingKind.OBSERVATION, place="各村现场")
    dispatch = save_series(obs.town_admin, unit=w.town, kind=MeetingKind.DISPATCH)
    other = save_series(w.users[Role.COUNTY_ADMIN], unit=w.other_town, kind=MeetingKind.OBSERVATION)
    return {"observation": create_meeting(obs.town_admin, series=quarterly, date=DAY),
            "dispatch": create_meeting(obs.town_admin, series=dispatch, date=DAY),
            "other": create_meeting(w.users[Role.COUNTY_ADMIN], series=other, date=DAY)}


def test_an_event_links_only_to_a_quarterly_meeting_of_its_unit(obs, meetings):
    event = obs.event(meeting=meetings["observation"])
    assert event.meeting == meetings["observation"] and list(meetings["observation"].observation_events.all()) == [event]
    with pytest.raises(ObservationError, match="不是季观摩会"):
        obs.event(meeting=meetings["dispatch"])
    with pytest.raises(ObservationError, match="只能关联「庆祖镇」召开的季观摩会"):
        obs.event(meeting=meetings["other"])
    with pytest.raises(ObservationError, match="没有变化"):
        link_meeting(obs.town_admin, event, meetings["observation"])
    with pytest.raises(ObservationError, match="无权"):
        link_meeting(obs.observers[0], event, None)
    link_meeting(obs.town_admin, event, None)
    assert ObservationEvent.objects.get(pk=event.pk).meeting is None
    history = AuditEvent.objects.filter(model="observation.observationevent", object_id=str(event.pk)).order_by("at", "id")
    assert [(h.action, h.user) for h in history] == [("create", obs.town_admin), ("update", obs.town_admin)]
    assert history[1].changes[0]["field"] == "meeting"
    assert ObservationEvent.objects.count() == 1  # the refused ones saved nothing


def test_pages_link_both_ways(obs, meetings, client):
    w = obs.world
    m = meetings["observation"]
    client.force_login(obs.town_admin)
    body = client.get(f"/meetings/{m.pk}/").content.decode()
    assert "meeting-observations" in body
    assert f"/observation/events/new/?unit={w.town.code}&meeting={m.pk}" in body
    form = client.get(f"/observation/events/new/?unit={w.town.code}&meeting={m.pk}").content.decode()
    assert f'<option value="{m.pk}" selected>' in form and f'value="{meetings["dispatch"].pk}"' not in form
    r = client.post("/observation/events/new/", {"unit": w.town.code, "title": "一季度观摩", "date": DAY.isoformat(), "meeting": m.pk,
                                                 "item-name-1": "环境", "item-weight-1": "100", "item-max-1": "100",
                                                 "observers": [obs.observers[0].pk], "villages": [w.village.pk]})
    event = ObservationEvent.objects.get()
    assert r.status_code == 302 and event.meeting == m
    ranking = client.get(f"/observation/events/{event.pk}/").content.decode()
    assert f'href="/meetings/{m.pk}/"' in ranking and "event-meeting-form" in ranking
    assert f'href="/observation/events/{event.pk}/"' in client.get(f"/meetings/{m.pk}/").content.decode()
    r = client.post(f"/observation/events/{event.pk}/meeting/", {"meeting": ""}, follow=True)
    assert "已取消关联" in r.content.decode() and ObservationEvent.objects.get().meeting is None
    r = client.post(f"/observation/events/{event.pk}/meeting/", {"meeting": meetings["other"].pk}, follow=True)
    assert "所选季观摩会不存在" in r.content.decode()
    r = client.post(f"/observation/events/{event.pk}/meeting/", {"meeting": "9" * 40}, follow=True)
    assert "所选季观摩会不存在" in r.content.decode()
    r = client.post("/observation/events/new/", {"unit": w.town.code, "title": "错关联", "date": DAY.isoformat(),
                                                 "meeting": meetings["dispatch"].pk, "item-name-1": "环境", "item-weight-1": "100",
                                                 "observers": [obs.observers[0].pk], "villages": [w.village.pk]})
    assert r.status_code == 200 and "所选季观摩会不存在" in r.content.decode() and ObservationEvent.objects.count() == 1
    client.post(f"/observation/events/{event.pk}/meeting/", {"meeting": m.pk})
    client.force_login(obs.observers[0])  # sees the town: reads the link, may not change it
    page = client.get(f"/observation/events/{event.pk}/").content.decode()
    assert f'href="/meetings/{m.pk}/"' in page and "event-meeting-form" not in page
    r = client.post(f"/observation/events/{event.pk}/meeting/", {"meeting": ""}, follow=True)
    assert "无权" in r.content.decode() and ObservationEvent.objects.get().meeting == m
    client.force_login(user_with_role("farx", Role.TOWN_ADMIN, w.far_town))
    assert client.post(f"/observation/events/{event.pk}/meeting/", {"meeting": ""}).status_code == 404
    assert client.get(f"/meetings/{m.pk}/").status_code == 404


def test_api_creates_events_and_links_both_ways(obs, meetings):
    w = obs.world
    m = meetings["observation"]
    town = Caller(obs.town_admin)
    far = Caller(user_with_role("farx", Role.TOWN_ADMIN, w.far_town))
    listed = town.get(f"/observation/units/{w.town.code}/observers").json()
    assert obs.observers[0].pk in [o["id"] for o in listed]
    chinese_error(Caller(obs.observers[0]).get(f"/observation/units/{w.town.code}/observers"), 403)
    body = {"unit": w.town.code, "title": "一季度观摩", "date": DAY.isoformat(), "items": [{"name": "环境", "weight": 60}, {"name": "产业", "weight": 40}],
            "observer_ids": [obs.observers[0].pk, obs.observers[1].pk], "villages": [w.village.code, w.sibling.code], "meeting_id": m.pk}
    r = town.post("/observation/events", body)
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["meeting_id"] == m.pk and [i["name"] for i in made["items"]] == ["环境", "产业"] and len(made["villages"]) == 2
    detail = town.get(f"/meetings/{m.pk}").json()
    assert [e["id"] for e in detail["observation_events"]] == [made["id"]] and detail["observation_events"][0]["status"] == "scoring"
    assert town.get("/observation/events").json()["items"][0]["meeting_id"] == m.pk
    chinese_error(town.post("/observation/events", {**body, "meeting_id": meetings["dispatch"].pk}), 400)
    chinese_error(town.post("/observation/events", {**body, "villages": [w.other_village.code]}), 400)
    chinese_error(town.post("/observation/events", {**body, "observer_ids": [w.users[Role.VILLAGE_CADRE].pk + 10_000]}), 400)
    chinese_error(town.post("/observation/events", {**body, "items": []}), 422)
    chinese_error(town.post("/observation/events", {**body, "items": [{"name": "环境", "weight": 0}]}), 422)
    chinese_error(town.post("/observation/events", {**body, "observer_ids": [2**70]}), 422)
    chinese_error(town.post("/observation/events", {**body, "date": "三月"}), 422)
    chinese_error(Caller(obs.observers[0]).post("/observation/events", body), 403)
    chinese_error(far.post("/observation/events", body), 404)
    assert ObservationEvent.objects.count() == 1

    path = f"/observation/events/{made['id']}/meeting"
    assert town.put(path, {"meeting_id": None}).json()["meeting_id"] is None
    chinese_error(town.put(path, {"meeting_id": None}), 400)
    chinese_error(town.put(path, {"meeting_id": meetings["other"].pk}), 400)
    chinese_error(town.put(path, {"meeting_id": "下周"}), 422)
    chinese_error(Caller(obs.observers[0]).put(path, {"meeting_id": m.pk}), 403)
    chinese_error(far.put(path, {"meeting_id": m.pk}), 404)
    assert town.put(path, {"meeting_id": m.pk}).json()["meeting_id"] == m.pk
    paths = town.client.get("/api/v1/openapi.json").json()["paths"]
    for p in ("/api/v1/observation/events/{event_id}/meeting", "/api/v1/observation/units/{unit}/observers"):
        assert p in paths, p
    assert "post" in paths["/api/v1/observation/events"]
