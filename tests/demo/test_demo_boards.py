"""The demo's boards (step 12): 庆祖镇's kept figures reflect its targets, stars, problems, tasks and flags, 濮阳县's
roll-up sums its towns, and the town administrator's board reads them."""

import pytest
from django.utils import timezone

from fivestar.boards import selectors
from fivestar.boards.figures import rebuild
from fivestar.boards.models import BoardDirty, BoardStats
from fivestar.demo.qingzu import COUNTY_CODE, TOWN_CODE
from fivestar.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_qingzu_board(built_demo):
    from django.contrib.auth import get_user_model

    year = timezone.localdate().year
    town = OrgUnit.objects.get(code=TOWN_CODE)
    county = OrgUnit.objects.get(code=COUNTY_CODE)
    f = BoardStats.objects.get(year=year, unit=town).figures
    assert f["branches"] == 55
    assert sum(f["held_by_star"].values()) > 0 and sum(f["targeted_by_star"].values()) > 0
    assert f["problems"]["total"] > 0 and f["tasks"]["total"] > 0
    assert sum(c["at_risk"] for c in f["cells"].values()) > 0
    assert BoardStats.objects.get(year=year, unit=county).figures["branches"] > 55
    assert not BoardDirty.objects.exists()
    kept = {r.unit_id: r.figures for r in BoardStats.objects.filter(year=year)}
    rebuild(year)
    assert {r.unit_id: r.figures for r in BoardStats.objects.filter(year=year)} == kept
    board = selectors.town_board(get_user_model().objects.get(username="qingzu"), town, year)
    assert len(board["rows"]) == 55 and board["updated_at"]
