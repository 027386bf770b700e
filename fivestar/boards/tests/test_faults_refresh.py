"""kill -9 of the worker in the middle of refreshing the battle board's kept figures (refresh_dirty_boards, towns in
batches): the towns it had not reached stay marked, their board says the refresh has stalled, a restarted `fivestar
worker` queues a new refresh by itself, and the kept figures end exactly as a full rebuild computes them, one row per
unit and year. Real processes (see core/tests/faults.py)."""

import time

from django.db import transaction

from fivestar.boards.models import BoardDirty, BoardStats
from fivestar.boards.services import mark_handler, rebuild_board_stats
from fivestar.boards.tasks import refresh_dirty_boards
from fivestar.core.tests.faults import MARKS, NEVER, STALL, faults, page, settled, wait  # noqa: F401
from fivestar.orgs.models import Level
from tests.factories import unit

from .conftest import YEAR

pytestmark = MARKS
SLOW = "fivestar.boards.figures:BATCH=1;fivestar.boards.figures:refresh_towns~1"


def flat(value, prefix=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flat(inner, f"{prefix}/{key}")
    else:
        yield prefix, value


def differences(got: dict, expected: dict) -> str:
    """Where two sets of kept figures differ, one line per unit and figure (for the assertion's message)."""
    lines = []
    for key in sorted(set(got) | set(expected)):
        a, b = dict(flat(got.get(key) or {})), dict(flat(expected.get(key) or {}))
        lines += [f"{key}{name}: {a.get(name)!r} != {b.get(name)!r}" for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]
    return "\n".join(lines[:40])


def kept() -> dict:
    return {(row["unit_id"], row["year"]): row["figures"] for row in BoardStats.objects.values("unit_id", "year", "figures")}


def test_a_killed_board_refresh_is_resumed_and_the_figures_end_as_a_full_rebuild_makes_them(board, faults):  # noqa: F811
    w = board.world
    towns = [w.town, w.other_town]
    for t in range(6):
        town = unit(f"410928{110 + t}", f"测试{t}镇", Level.TOWN, w.county)
        towns.append(town)
        for v in range(2):
            unit(f"{town.code}{201 + v}", f"测试{t}镇{v}村委会", Level.VILLAGE, town)
    rebuild_board_stats(YEAR)
    villages = [town.children.filter(level=Level.VILLAGE).order_by("-code").first() for town in towns]  # not the community
    for village in villages:
        board.plan.target(village=village, rating=3, stars=("cyxw", "stjy", "paf"), year=YEAR, user=board.plan.county_admin)
    assert not BoardDirty.objects.exists()  # the targets' own refresh ran here
    before = kept()
    for village in villages:  # every town's figures move: a star gained (a row written directly marks nothing)
        board.hold(village, "cyxw")

    faults.queue_in_database()
    with transaction.atomic():  # a change marks the 8 towns; its commit queues the refresh
        mark_handler(town_ids=[t.pk for t in towns])
    worker = faults.worker("killed", stall=NEVER, patch=SLOW)
    wait(lambda: 0 < BoardDirty.objects.count() <= 5, 120, "the refresh to finish three towns")
    worker.kill9()

    waiting = set(BoardDirty.objects.values_list("town_id", flat=True))
    assert 0 < len(waiting) <= 5
    time.sleep(0.5)
    assert set(BoardDirty.objects.values_list("town_id", flat=True)) == waiting  # nothing runs any more
    last = max(waiting)

    time.sleep(STALL + 0.5)
    status, html = page(board.plan.county_admin, f"/boards/town/{last}/?year={YEAR}")
    assert status == 200 and 'data-testid="refresh-state" class="text-danger">· 有新的变动，统计数刷新已停滞' in html

    restarted = faults.worker("restarted")  # its watchdog queues a refresh for the towns left
    wait(lambda: not BoardDirty.objects.exists(), 120, "the resumed refresh to finish", every=0.3)
    wait(lambda: settled(refresh_dirty_boards.module_path), 60, "the killed and the resumed task results to settle")
    restarted.stop()
    assert "挂图作战统计刷新" in restarted.output() and "已重新排队" in restarted.output()
    assert 'data-testid="refresh-state"' not in page(board.plan.county_admin, f"/boards/town/{last}/?year={YEAR}")[1]

    refreshed = kept()
    assert refreshed != before, "the stars gained moved the figures"
    assert BoardStats.objects.filter(year=YEAR).count() == len(refreshed) == len(before)  # one row per unit: none twice
    rebuild_board_stats(YEAR)  # the reference: every row recomputed from the villages, uninterrupted
    rebuilt = kept()
    assert refreshed == rebuilt, differences(refreshed, rebuilt)
