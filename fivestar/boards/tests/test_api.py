"""/api/v1/boards/town/{id} and /api/v1/boards/unit/{id}: the pages' data, scoped per role, junk refused in Chinese,
queries constant in villages, in the OpenAPI doc."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.boards.services import rebuild_board_stats
from fivestar.boards.tests.conftest import YEAR
from fivestar.core.roles import Role
from fivestar.orgs.models import Level
from fivestar.supervision.tests.api_helpers import Caller, chinese_error
from tests.factories import unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(board):
    w = board.world
    board.target(w.village, rating=2, stars=("cyxw", "stjy"))
    board.hold(w.sibling, "cyxw")
    board.problem(w.village, star="stjy", overdue=True)
    rebuild_board_stats(YEAR)
    return board


def test_routes_are_in_openapi(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/boards/town/{town_id}" in paths and "/api/v1/boards/unit/{unit_id}" in paths


def test_town_board_over_the_api(seeded):
    w = seeded.world
    data = Caller(seeded.plan.town_admin).get(f"/boards/town/{w.town.pk}", {"year": YEAR}).json()
    assert data["town"]["name"] == "庆祖镇" and len(data["rows"]) == 3
    rows = {r["village"]["code"]: r for r in data["rows"]}
    assert rows[w.village.code]["cells"]["stjy"]["state"] == "at_risk"
    assert rows[w.sibling.code]["cells"]["cyxw"]["state"] == "held"
    assert data["figures"]["problems"]["overdue"] == 1 and data["updated_at"]
    assert [s["code"] for s in data["legend"]] == ["held", "on_track", "at_risk", "withdrawn", "not_targeted"]
    one = Caller(seeded.plan.town_admin).get(f"/boards/town/{w.town.pk}", {"star": "cyxw", "area": w.area.pk}).json()
    assert [s["code"] for s in one["stars"]] == ["cyxw"] and len(one["rows"]) == 1


def test_unit_board_over_the_api_pages_its_children(seeded):
    w = seeded.world
    county = Caller(seeded.plan.county_admin)
    data = county.get(f"/boards/unit/{w.county.pk}").json()
    assert data["figures"]["branches"] == 4 and data["count"] == 2
    assert [c["unit"]["name"] for c in data["children"]] == ["庆祖镇", "八公桥镇"]
    assert data["breadcrumbs"][-1]["name"] == "濮阳县"
    page = county.get(f"/boards/unit/{w.county.pk}", {"limit": 1, "offset": 1}).json()
    assert [c["unit"]["name"] for c in page["children"]] == ["八公桥镇"]
    assert county.get(f"/boards/unit/{w.county.pk}", {"q": "bgq"}).json()["count"] == 1


def test_scope_and_junk(seeded):
    w = seeded.world
    users = w.users
    chinese_error(Caller(users[Role.VILLAGE_CADRE]).get(f"/boards/town/{w.town.pk}"), 404)
    chinese_error(Caller(users[Role.TOWN_ADMIN]).get(f"/boards/town/{w.other_town.pk}"), 404)
    chinese_error(Caller(users[Role.TOWN_ADMIN]).get(f"/boards/unit/{w.county.pk}"), 404)
    chinese_error(Caller(users[Role.COUNTY_ADMIN]).get(f"/boards/unit/{w.other_county.pk}"), 404)
    chinese_error(Caller(users[Role.COUNTY_ADMIN]).get(f"/boards/unit/{w.town.pk}"), 404)
    chinese_error(Caller(users[Role.COUNTY_ADMIN]).get("/boards/town/99999999"), 404)
    caller = Caller(users[Role.COUNTY_ADMIN])
    chinese_error(caller.get(f"/boards/town/{w.town.pk}", {"year": "abc"}), 422)
    chinese_error(caller.get(f"/boards/town/{w.town.pk}", {"category": "nope"}), 422)
    chinese_error(caller.get(f"/boards/unit/{w.county.pk}", {"limit": 0}), 422)
    chinese_error(caller.get(f"/boards/unit/{w.county.pk}", {"offset": 10**20}), 422)
    assert Caller(users[Role.SYSADMIN]).get(f"/boards/unit/{w.province.pk}").json()["children"][0]["unit"]["name"] == "濮阳市"


def test_api_queries_do_not_grow_with_villages(seeded):
    w = seeded.world
    caller = Caller(seeded.plan.county_admin)

    def cost(path):
        caller.get(path)
        with CaptureQueriesContext(connection) as ctx:
            assert caller.get(path).status_code == 200
        return len(ctx.captured_queries)

    town, county = cost(f"/boards/town/{w.town.pk}"), cost(f"/boards/unit/{w.county.pk}")
    for i in range(10):
        v = unit(f"410928103{500 + i}", f"加{i}村委会", Level.VILLAGE, w.town)
        seeded.target(v, rating=1, stars=("cyxw",))
        seeded.problem(v, star="cyxw", overdue=True)
    rebuild_board_stats(YEAR)
    assert cost(f"/boards/town/{w.town.pk}") == town
    assert cost(f"/boards/unit/{w.county.pk}") == county
