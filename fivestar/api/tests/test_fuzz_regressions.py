"""Regression tests for what fuzzing the API (test_schemathesis.py) found: each was a 500 or an English/non-JSON
error before its fix."""

import pytest

from fivestar.core.roles import Role

pytestmark = pytest.mark.django_db


def _h(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_promotion_meeting_series_gets_its_default_name(world, client, api_token):
    """MeetingKind gained 项目推介会 after the series' default names were written: an unnamed series of that kind was a
    KeyError (500)."""
    town = _h(api_token(world.users[Role.TOWN_ADMIN]))
    created = client.post("/api/v1/meetings/series", {"unit": world.town.code, "kind": "promotion"}, content_type="application/json", **town)
    assert created.status_code == 201, created.content
    assert created.json()["name"] == "项目推介会"
    dispatch = client.post("/api/v1/meetings/series", {"unit": world.town.code, "kind": "dispatch"}, content_type="application/json", **town)
    edited = client.put(f"/api/v1/meetings/series/{dispatch.json()['id']}", {"kind": "promotion"}, content_type="application/json", **town)
    assert edited.status_code == 200, edited.content
    assert edited.json()["name"] == "项目推介会" and edited.json()["kind"] == "promotion"
