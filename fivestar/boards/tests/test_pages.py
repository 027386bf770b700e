"""The board pages per role: a town administrator sees its town, a county its towns (and drills down), a village user
nothing; filters, the cell's detail, junk parameters; the menu and the home link; queries constant in villages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.boards.services import rebuild_board_stats
from fivestar.boards.tests.conftest import YEAR
from fivestar.core.roles import Role
from fivestar.orgs.models import Level
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


def test_town_admin_sees_the_matrix_with_filters_and_opens_a_cell(seeded, login):
    w = seeded.world
    client = login(seeded.plan.town_admin)
    page = client.get(f"/boards/town/{w.town.pk}/").content.decode()
    assert "挂图作战 · 庆祖镇" in page and "数据更新于" in page
    assert page.count('data-testid="board-row"') == 3
    assert 'data-state="at_risk"' in page and 'data-state="held"' in page
    filtered = client.get(f"/boards/town/{w.town.pk}/", {"area": w.area.pk, "star": "stjy"}).content.decode()
    assert filtered.count('data-testid="board-row"') == 1 and filtered.count('data-testid="board-cell"') == 1
    assert client.get(f"/boards/town/{w.town.pk}/", {"category": "lead"}).content.decode().count('data-testid="board-row"') == 2
    cell = client.get(f"/boards/cell/{w.village.pk}/stjy/", {"year": YEAR}).content.decode()
    assert "逾期未整改的督导问题 1 个" in cell and "目标·有风险" in cell


def test_junk_parameters_fall_back_and_never_fail(seeded, login):
    w = seeded.world
    client = login(seeded.plan.town_admin)
    for params in ({"year": "abc"}, {"year": "99999999999999"}, {"area": "x"}, {"category": "<b>"}, {"star": "nope" * 20}, {"area": "-1"}):
        assert client.get(f"/boards/town/{w.town.pk}/", params).status_code == 200, params
    assert login(seeded.plan.county_admin).get(f"/boards/unit/{w.county.pk}/", {"page": "zz", "q": "%"}).status_code == 200
    assert client.get(f"/boards/cell/{w.village.pk}/nostar/").status_code == 404
    assert client.get("/boards/town/999999/").status_code == 404


def test_scope_per_role(seeded, login):
    w = seeded.world
    users = w.users
    assert login(users[Role.VILLAGE_CADRE]).get(f"/boards/town/{w.town.pk}/").status_code == 404
    assert login(users[Role.VILLAGE_CADRE]).get("/boards/").status_code == 403
    town = login(users[Role.TOWN_ADMIN])
    assert town.get(f"/boards/town/{w.other_town.pk}/").status_code == 404
    assert town.get(f"/boards/unit/{w.county.pk}/").status_code == 404
    assert town.get("/boards/").content.decode().count('data-testid="board-row"') == 3
    area = login(users[Role.AREA_LEADER]).get(f"/boards/town/{w.town.pk}/").content.decode()
    assert area.count('data-testid="board-row"') == 1  # only the area's village
    county = login(users[Role.COUNTY_ADMIN])
    page = county.get(f"/boards/unit/{w.county.pk}/").content.decode()
    assert page.count('data-testid="child-row"') == 2 and "庆祖镇" in page and "城关镇" not in page
    assert county.get(f"/boards/unit/{w.other_county.pk}/").status_code == 404
    assert county.get(f"/boards/town/{w.far_town.pk}/").status_code == 404
    assert county.get(f"/boards/cell/{w.far_village.pk}/cyxw/").status_code == 404
    assert county.get("/boards/").status_code == 200
    sysadmin = login(users[Role.SYSADMIN]).get(f"/boards/unit/{w.province.pk}/").content.decode()
    assert "濮阳市" in sysadmin and 'data-testid="drill-down"' in sysadmin


def test_menu_and_home_link(seeded, login):
    home = login(seeded.plan.county_admin).get("/").content.decode()
    assert 'data-testid="home-board-link"' in home and 'data-testid="nav-boards"' in home
    village_home = login(seeded.world.users[Role.VILLAGE_CADRE]).get("/").content.decode()
    assert "挂图作战" not in village_home


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_villages_or_towns(seeded, login):
    w = seeded.world
    client = login(seeded.plan.county_admin)
    town_url, county_url = f"/boards/town/{w.town.pk}/", f"/boards/unit/{w.county.pk}/"
    few_town, few_county = _count(client, town_url), _count(client, county_url)
    for i in range(12):
        v = unit(f"410928103{400 + i}", f"新建{i}村委会", Level.VILLAGE, w.town, category="sprint")
        seeded.target(v, rating=1, stars=("cyxw",))
        seeded.hold(v, "stjy")
        seeded.problem(v, star="cyxw", overdue=True)
        seeded.task(v, star="stjy", overdue=True)
    for i in range(5):
        t = unit(f"41092810{i + 5}", f"新镇{i}", Level.TOWN, w.county)
        unit(f"41092810{i + 5}201", f"新村{i}村委会", Level.VILLAGE, t)
    rebuild_board_stats(YEAR)
    assert _count(client, town_url) == few_town
    assert _count(client, county_url) == few_county


def test_the_matrix_reads_cached_facts_until_a_change_marks_the_town(seeded, login, django_capture_on_commit_callbacks):
    """Between two refreshes a town's village facts come from the cache (fewer queries); a committed change marks the
    town and the next page reads fresh facts at once, before any refresh ran."""
    from django.db import transaction

    from fivestar.core import board_marks

    w = seeded.world
    client = login(seeded.plan.town_admin)
    url = f"/boards/town/{w.town.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        page = client.get(url).content.decode()
    assert 'data-village="%s"' % w.village.code in page
    assert not any("rating_starholding" in q["sql"] for q in cached.captured_queries)
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        seeded.hold(w.village, "stjy")
        board_marks.towns_moved([w.town.pk])
    with CaptureQueriesContext(connection) as fresh:
        page = client.get(url).content.decode()
    assert any("rating_starholding" in q["sql"] for q in fresh.captured_queries)
    row = page.split(f'data-village="{w.village.code}"')[1].split("</tr>")[0]
    assert row.count('data-state="held"') == 1  # stjy, held now
