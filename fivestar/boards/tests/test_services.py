"""The cell-state rule, the kept figures and their refresh: a change marks its town dirty in its own transaction, the
task queued on commit refreshes the town and the rows above, and the result equals a rebuild from scratch."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from fivestar.boards import facts, figures, states
from fivestar.boards.models import BoardDirty, BoardStats
from fivestar.boards.services import mark_dirty, rebuild_board_stats, refresh_dirty
from fivestar.boards.tests.conftest import YEAR
from fivestar.planning.tests.conftest import days

pytestmark = pytest.mark.django_db


def f(**kw):
    return facts.VillageFacts(1, 2, **kw)


def test_cell_states_follow_the_rule():
    assert facts.cell(f(held={"cyxw"}), "cyxw")["state"] == states.HELD
    late = facts.cell(f(held={"cyxw"}, overdue_problems={"cyxw": 2}), "cyxw")
    assert late["state"] == states.HELD and late["flagged"] and "逾期未整改的督导问题 2 个" in late["reasons"]
    assert facts.cell(f(withdrawn={"cyxw": "一票否决"}, target_stars=["cyxw"]), "cyxw")["state"] == states.WITHDRAWN
    assert facts.cell(f(target_stars=["cyxw"], awarded=["cyxw"]), "cyxw")["state"] == states.ON_TRACK
    assert facts.cell(f(target_stars=["cyxw"], awarded=[]), "cyxw")["state"] == states.AT_RISK
    assert facts.cell(f(target_stars=["cyxw"], awarded=None), "cyxw")["reasons"] == ["本年度尚无评星申报"]
    risky = facts.cell(f(target_stars=["cyxw"], awarded=["cyxw"], overdue_tasks={"cyxw": 1}), "cyxw")
    assert risky["state"] == states.AT_RISK and risky["reasons"] == ["逾期未完成的台账任务 1 个"]
    assert facts.cell(f(target_stars=["stjy"]), "cyxw")["state"] == states.NOT_TARGETED


def test_every_state_has_a_label_a_colour_and_a_mark():
    assert [s["code"] for s in states.legend()] == states.CODES
    assert len(set(states.MARKS.values())) == len(states.CODES)


def _kept():
    return {(r.unit_id, r.year): r.figures for r in BoardStats.objects.all()}


def test_figures_at_every_level_add_up(board):
    w = board.world
    board.target(w.village, rating=2, stars=("cyxw", "stjy"))
    board.hold(w.sibling, "cyxw")
    board.hold(w.sibling, "stjy", lost_at=timezone.now() - days(3), reason="一票否决")
    board.problem(w.village, star="stjy", overdue=True)
    board.problem(w.sibling, star="cyxw", status="closed", found_on=timezone.localdate() - days(4), closed_at=timezone.now())
    board.task(w.village, star="cyxw", deadline=timezone.localdate() + days(3))
    board.task(w.other_village, star="cyxw", overdue=True)
    rebuild_board_stats(YEAR)
    town = BoardStats.objects.get(year=YEAR, unit=w.town).figures
    assert town["branches"] == 3
    assert town["held_by_star"]["cyxw"] == 1 and town["held_by_rating"]["1"] == 1
    assert town["targeted_by_rating"] == {"2": 1} and town["targeted_by_star"] == {"cyxw": 1, "stjy": 1}
    assert town["cells"]["stjy"]["withdrawn"] == 1 and town["cells"]["stjy"]["at_risk"] == 1
    assert town["problems"] == {"total": 2, "open": 1, "overdue": 1, "closed": 1, "closed_days_sum": 4}
    assert town["tasks"] == {"total": 1, "open": 1, "overdue": 0, "due_soon": 1}
    county = BoardStats.objects.get(year=YEAR, unit=w.county).figures
    assert county["branches"] == 4 and county["tasks"]["overdue"] == 1
    province = BoardStats.objects.get(year=YEAR, unit=w.province).figures
    assert province["branches"] == 5
    assert BoardStats.objects.get(year=YEAR, unit=w.county).parent_id == w.city.pk


def test_a_marked_town_is_refreshed_after_commit_and_equals_a_rebuild(board, django_capture_on_commit_callbacks):
    w = board.world
    rebuild_board_stats(YEAR)
    before = BoardStats.objects.get(year=YEAR, unit=w.town).updated_at
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        board.target(w.village, rating=1, stars=("cyxw",))  # save_targets marks the town
        assert BoardDirty.objects.filter(town=w.town).exists()
    assert len(callbacks) == 1
    assert not BoardDirty.objects.exists()  # the task ran (ImmediateBackend) and took the mark
    town = BoardStats.objects.get(year=YEAR, unit=w.town)
    assert town.updated_at > before and town.figures["targeted_by_star"] == {"cyxw": 1}
    assert BoardStats.objects.get(year=YEAR, unit=w.province).figures["targeted_by_star"] == {"cyxw": 1}
    kept = _kept()
    rebuild_board_stats(YEAR)
    assert _kept() == kept


def test_one_refresh_task_per_transaction_however_many_marks(board, django_capture_on_commit_callbacks):
    w = board.world
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        from django.db import transaction

        with transaction.atomic():
            mark_dirty(w.town.pk)
            mark_dirty(w.town.pk)
            mark_dirty(w.other_town.pk)
    assert len(callbacks) == 1
    assert BoardDirty.objects.get(town=w.town).version == 2
    assert refresh_dirty() == 2 and not BoardDirty.objects.exists()


def test_a_town_marked_again_while_refreshing_stays_dirty(board, monkeypatch):
    w = board.world
    mark_dirty(w.town.pk)
    real = figures.refresh_towns

    def and_mark_again(ids, year, today=None):
        out = real(ids, year, today)
        BoardDirty.objects.filter(town=w.town).update(version=99)  # another change committed meanwhile
        return out

    monkeypatch.setattr(figures, "refresh_towns", and_mark_again)
    refresh_dirty(limit=1)
    assert BoardDirty.objects.filter(town=w.town, version=99).exists()


def test_changes_in_every_app_mark_the_town(board, make_round, django_capture_on_commit_callbacks):
    """Problems and ledger tasks (kept counts), targets, flags and rating transitions each leave the town dirty."""
    from fivestar.supervision.services import stats as problem_stats

    w = board.world
    problem = board.problem(w.village)
    problem_stats.apply(problem_stats.problem_keys(problem), problem_stats.contribution("pending", False))
    assert list(BoardDirty.objects.values_list("town_id", flat=True)) == [w.town.pk]
    BoardDirty.objects.all().delete()
    board.plan.task(village=w.other_village, year=YEAR, user=board.plan.county_admin)
    assert list(BoardDirty.objects.values_list("town_id", flat=True)) == [w.other_town.pk]
    BoardDirty.objects.all().delete()
    make_round()  # opening a county's round marks every town under it
    assert set(BoardDirty.objects.values_list("town_id", flat=True)) == {w.town.pk, w.other_town.pk}


def test_rebuild_command_and_scheduler_pass(board):
    w = board.world
    board.target(w.village, rating=1, stars=("cyxw",))
    call_command("rebuild_board_stats", "--year", str(YEAR))
    assert BoardStats.objects.filter(year=YEAR, unit=w.town).exists()
    BoardStats.objects.filter(year=YEAR, unit=w.town).update(figures={})
    mark_dirty(w.town.pk)
    call_command("boards_refresh")
    assert BoardStats.objects.get(year=YEAR, unit=w.town).figures["targeted_by_star"] == {"cyxw": 1}


def test_flags_month_and_past_years():
    today = datetime.date(2026, 5, 3)
    assert figures.flags_month(2026, today) == "2026-05"
    assert figures.flags_month(2025, today) == "2025-12"


def test_a_bulk_load_pauses_the_refresh_but_keeps_the_marks(board, django_capture_on_commit_callbacks):
    from django.db import transaction

    from fivestar.boards.services import refresh_paused

    with refresh_paused(), django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            mark_dirty(board.world.town.pk)
    assert not callbacks and BoardDirty.objects.filter(town=board.world.town).exists()
