"""Pure rules: averaging with and without dropping extremes, ranking ties, flag selection."""

from decimal import Decimal as D

import pytest

from fivestar.observation.services.errors import ObservationError
from fivestar.observation.services.flag_rules import select_flags
from fivestar.observation.services.ranking import rank, village_score, weighted_total


def test_drops_highest_and_lowest_with_at_least_n_observers():
    assert village_score([90, 80, 70, 60, 10], 5) == (D("70.00"), True)  # (80+70+60)/3


def test_plain_average_below_n_observers():
    assert village_score([90, 80, 70, 10], 5) == (D("62.50"), False)
    assert village_score([90, 80, 70, 10], 4) == (D("75.00"), True)


def test_too_few_observers_never_drop_and_none_scores_nothing():
    assert village_score([90, 10], 2) == (D("50.00"), False)  # never drops below 3 totals
    assert village_score([77], 5) == (D("77.00"), False)
    assert village_score([], 5) == (None, False)


def test_weighted_total():
    assert weighted_total({1: 100, 2: 50}, {1: 60, 2: 40}) == D(80)


def test_ranking_ties_share_a_rank_and_list_by_code():
    rows = rank([{"code": "3", "score": D("80")}, {"code": "1", "score": D("90")}, {"code": "2", "score": D("80.001")},
                 {"code": "0", "score": None}, {"code": "4", "score": D("70")}])
    assert [(r["code"], r["rank"]) for r in rows] == [("1", 1), ("2", 2), ("3", 2), ("4", 4), ("0", None)]


def rows(*scores):
    return [{"code": f"{i:02d}", "score": D(s)} for i, s in enumerate(scores)]


def test_best_red_worst_black():
    out = {r["code"]: r["flag"] for r in select_flags(rows(90, 80, 70, 60, 50), 1, 2)}
    assert out == {"00": "red", "01": "", "02": "", "03": "black", "04": "black"}


def test_ties_on_the_boundary_all_get_the_flag():
    out = {r["code"]: r["flag"] for r in select_flags(rows(90, 90, 70, 60, 60), 1, 1)}
    assert out == {"00": "red", "01": "red", "02": "", "03": "black", "04": "black"}


def test_all_equal_gets_no_flag():
    assert {r["flag"] for r in select_flags(rows(50, 50, 50), 1, 1)} == {""}


def test_too_few_villages_refused():
    with pytest.raises(ObservationError, match="参评村只有 2 个"):
        select_flags(rows(90, 80), 1, 2)


def test_a_village_without_an_input_takes_the_town_average_for_it():
    from fivestar.observation.services.flag_rules import with_town_averages

    rows = [{"code": "a", "observation": 90, "rules": None}, {"code": "b", "observation": 70, "rules": None}, {"code": "c", "observation": None, "rules": None}]
    filled = with_town_averages(rows)
    assert [r["observation"] for r in filled] == [90, 70, D("80.00")]
    assert [r["rules"] for r in filled] == [None, None, None]  # nobody measured: left out, not averaged
    assert rows[2]["observation"] is None  # the stored input stays as measured
