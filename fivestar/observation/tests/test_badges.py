"""Flag badges: the latest published flag shows on the village page, the village user's home and the town's
village list (one query for the whole page), with a menu entry for the village user; an unpublished round shows
nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.observation.models import FlagEntry, FlagRound

pytestmark = pytest.mark.django_db


def _round(w, month, status, flags):
    rnd = FlagRound.objects.create(town=w.town, period_start=datetime.date(2026, month, 1), period_end=datetime.date(2026, month, 28),
                                   status=status, red_count=1, black_count=1)
    for rank, (village, flag) in enumerate(flags, start=1):
        FlagEntry.objects.create(round=rnd, village=village, score=100 - rank, rank=rank, flag=flag)
    return rnd


def test_badges_on_pages(obs, client):
    w = obs.world
    _round(w, 1, "published", [(w.sibling, "red"), (w.community, ""), (w.village, "black")])
    _round(w, 2, "published", [(w.village, "red"), (w.community, ""), (w.sibling, "black")])
    _round(w, 3, "proposed", [(w.sibling, "red"), (w.community, ""), (w.village, "black")])
    client.force_login(obs.cadre)
    home = client.get("/").content.decode()
    assert 'data-testid="flag-badge">红旗' in home and f"/observation/village/{w.village.code}/" in home
    assert "观摩与红黑旗" in home
    assert 'data-testid="flag-badge">红旗' in client.get(f"/orgs/{w.village.code}/").content.decode()
    client.force_login(obs.town_admin)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(f"/orgs/{w.town.code}/").content.decode()
    assert page.count('data-testid="flag-badge"') == 2 and "黑旗" in page
    flag_queries = [q for q in ctx.captured_queries if "observation_flagentry" in q["sql"]]
    assert len(flag_queries) == 1
