"""The score and grade rules (pure)."""

from decimal import Decimal

import pytest

from fivestar.reviews import scoring


def test_full_marks_without_records_but_neutral_observation():
    total, parts = scoring.score({"villages": 1})
    assert parts["observation"] == Decimal("5.00")  # no ranking: neutral half of 10
    assert parts["changes"] == Decimal("5.00") and parts["flags"] == Decimal("2.50")  # no change, no flag: neutral
    assert total == Decimal("87.50")


def test_weighted_items_scale_to_100():
    f = {"villages": 1, "held": 3, "target": 4, "problems": 2, "problems_closed_on_time": 1, "tasks": 2, "tasks_on_time": 1,
         "commitments_graded": 2, "commitments_kept": 1, "observation_percentile": 1.0, "red_flags": 1}
    total, parts = scoring.score(f)
    assert parts["stars"] == Decimal("22.50") and parts["flags"] == Decimal("3.75")
    assert total == Decimal("63.75")
    # The same ratios with every weight doubled give the same score: weights are relative.
    doubled = {k: v * 2 for k, v in scoring.DEFAULT_WEIGHTS.items()}
    assert scoring.score(f, doubled)[0] == total


def test_stars_above_target_and_losses_are_bounded():
    r = scoring.ratios({"villages": 1, "held": 5, "target": 3, "lost": 4})
    assert r["stars"] == 1.0 and r["changes"] == 0.0


@pytest.mark.parametrize("value,grade", [(100, "好"), (90, "好"), (89.99, "较好"), (75, "较好"), (60, "一般"), (59.9, "差"), (0, "差")])
def test_grade_thresholds(value, grade):
    assert scoring.grade(Decimal(str(value))) == grade


def test_custom_thresholds():
    assert scoring.grade(80, {"好": 80, "较好": 70, "一般": 50}) == "好"


@pytest.mark.parametrize("raw,message", [
    ({"stars": "abc"}, "权重应为"), ({"stars": -1}, "权重应为"), ({"stars": 101}, "权重应为"), ({"foo": 1}, "未知的评分项目"),
    ({k: 0 for k in scoring.ITEMS}, "不能全部为 0"), ("junk", "格式不正确"),
])
def test_bad_weights_refused_in_chinese(raw, message):
    with pytest.raises(scoring.ScoringError, match=message):
        scoring.check_weights(raw)


@pytest.mark.parametrize("raw", [{"好": 70, "较好": 75}, {"一般": "x"}, {"差": 10}, {"好": 200}])
def test_bad_thresholds_refused(raw):
    with pytest.raises(scoring.ScoringError):
        scoring.check_thresholds(raw)
