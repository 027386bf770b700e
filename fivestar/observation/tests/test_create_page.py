"""The create page: a town administrator creates an event (items, observers of the unit, villages); bad input is a
Chinese message with nothing saved; observers from another town and villages outside the unit are refused; a
village cadre cannot open the page."""

import pytest

from fivestar.core.roles import Role
from fivestar.observation.models import ObservationEvent
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _post(client, w, people, places, **extra):
    data = {"unit": w.town.code, "title": "第四季度观摩", "date": "2026-12-10", "item-name-1": "人居环境", "item-weight-1": "60",
            "item-max-1": "100", "item-name-2": "产业发展", "item-weight-2": "40", "item-max-2": "50",
            "observers": [u.pk for u in people], "villages": [v.pk for v in places]}
    data.update(extra)
    return client.post("/observation/events/new/", data)


def test_town_admin_creates_an_event(obs, client):
    w = obs.world
    user_with_role("farobs", Role.OBSERVER, w.far_town)
    client.force_login(obs.town_admin)
    page = client.get("/observation/events/new/").content.decode()
    assert "obs0" in page and "西辛庄村" in page and "farobs" not in page and "八公桥村" not in page
    assert "新建观摩活动" in client.get("/observation/").content.decode()
    r = _post(client, w, obs.observers[:2], [w.village, w.sibling])
    event = ObservationEvent.objects.get()
    assert r.status_code == 302 and r.url == f"/observation/events/{event.pk}/"
    assert [(i.name, float(i.weight), i.max_score) for i in event.items.order_by("order")] == [("人居环境", 60.0, 100), ("产业发展", 40.0, 50)]
    assert set(event.observers.all()) == set(obs.observers[:2]) and set(event.villages.all()) == {w.village, w.sibling}
    assert event.created_by == obs.town_admin


@pytest.mark.parametrize("bad, message", [
    ({"title": ""}, "请填写观摩名称"),
    ({"date": "2026-13-40"}, "请填写观摩日期"),
    ({"item-weight-1": "abc"}, "不是数字"),
    ({"item-weight-1": "-5"}, "权重应在"),
    ({"observers": ["x"]}, "请选择有效的观摩评分人"),
    ({"villages": []}, "请选择本辖区内的观摩村"),
])
def test_bad_input_is_a_chinese_message_and_nothing_saved(obs, client, bad, message):
    w = obs.world
    client.force_login(obs.town_admin)
    r = _post(client, w, obs.observers[:2], [w.village], **bad)
    assert r.status_code == 200 and message in r.content.decode()
    assert not ObservationEvent.objects.exists()


def test_foreign_observer_or_village_refused_and_cadre_404(obs, client):
    w = obs.world
    far = user_with_role("farobs", Role.OBSERVER, w.far_town)
    client.force_login(obs.town_admin)
    assert "请选择有效的观摩评分人" in _post(client, w, [obs.observers[0], far], [w.village]).content.decode()
    assert "请选择本辖区内的观摩村" in _post(client, w, obs.observers[:1], [w.village, w.other_village]).content.decode()
    assert client.get("/observation/events/new/?unit=" + w.far_town.code).status_code == 404
    assert not ObservationEvent.objects.exists()
    client.force_login(obs.cadre)
    assert client.get("/observation/events/new/").status_code == 404
