"""Pages: an observer scores on the phone page, the town publishes and exports the ranking (read back), flags are
proposed, confirmed and published, a village reads its own history only; out-of-scope is 404."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from fivestar.observation.models import FlagRound

pytestmark = pytest.mark.django_db


def test_score_publish_export_and_village_history(obs, client):
    w, event = obs.world, obs.event(observers=obs.observers[:2])
    items = list(event.items.all())
    for observer, (a, b) in zip(obs.observers[:2], [(90, 80), (70, 60)]):
        client.force_login(observer)
        assert "评分" in client.get(f"/observation/events/{event.pk}/score/").content.decode()
        r = client.post(f"/observation/events/{event.pk}/score/", {"village": w.village.pk, f"item-{items[0].pk}": a, f"item-{items[1].pk}": b})
        assert r.status_code == 302
    client.force_login(obs.outsider)
    assert client.get(f"/observation/events/{event.pk}/score/").status_code == 404
    client.force_login(obs.town_admin)
    client.post(f"/observation/events/{event.pk}/")
    page = client.get(f"/observation/events/{event.pk}/").content.decode()
    assert "已发布" in page and "76.00" in page  # (86 + 66) / 2
    ws = load_workbook(io.BytesIO(b"".join(client.get(f"/observation/events/{event.pk}/ranking.xlsx").streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[2][:4] == (1, "西辛庄村", w.village.code, 76.0)
    client.force_login(obs.cadre)
    assert "第 1 名" in client.get(f"/observation/village/{w.village.code}/").content.decode()
    assert client.get(f"/observation/village/{w.sibling.code}/").status_code == 404


def test_flags_propose_confirm_publish_pages(obs, client):
    from fivestar.observation.services.town_settings import save_settings

    w = obs.world
    save_settings(obs.town_admin, w.town, red_count=1, black_count=1)
    client.force_login(obs.town_admin)
    r = client.post("/observation/flags/propose/", {"town": w.town.code, "month": "2026-01"})
    rnd = FlagRound.objects.get()
    assert r.url == f"/observation/flags/{rnd.pk}/"
    client.post(r.url, {"step": "publish"})
    assert FlagRound.objects.get().status == "proposed"
    client.post(r.url, {"step": "confirm"}); client.post(r.url, {"step": "publish"})  # noqa: E702
    assert FlagRound.objects.get().status == "published"
    client.force_login(obs.cadre)
    assert client.get(r.url).status_code == 404


def test_ranking_export_keeps_formula_like_names_as_text(obs, client):
    """A village or an event named like a formula comes back as text in every cell, never a live formula."""
    hostile = '=HYPERLINK("http://evil.example/x","点击领取补贴")'
    w = obs.world
    w.village.name = w.village.display_name = hostile
    w.village.save()
    event = obs.event(observers=obs.observers[:2], title="+1 第一季度观摩")
    for observer, value in zip(obs.observers[:2], (90, 70)):
        obs.score(event, observer, w.village, value, value)
    client.force_login(obs.town_admin)
    client.post(f"/observation/events/{event.pk}/")
    wb = load_workbook(io.BytesIO(b"".join(client.get(f"/observation/events/{event.pk}/ranking.xlsx").streaming_content)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value: c.data_type for c in cells}
    assert texts[hostile] == "s" and any(str(v).startswith("+1 第一季度观摩") for v in texts)
