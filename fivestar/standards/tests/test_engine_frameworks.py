"""The shipped framework YAML files load in the engine (pure Python, no Django, no database)."""

from pathlib import Path

import pytest
import yaml

from fivestar.standards.engine import evaluate, gaps, load_framework, validate_framework

FRAMEWORKS = sorted((Path(__file__).resolve().parent.parent / "frameworks").glob("*.yaml"))


def best_results(fw) -> dict:
    return {code: rule.value_for_points(rule.best_points) for code, rule in fw.rules_by_code.items()}


@pytest.mark.skipif(not FRAMEWORKS, reason="no framework YAML files yet")
@pytest.mark.parametrize("path", FRAMEWORKS, ids=[p.name for p in FRAMEWORKS])
def test_shipped_framework(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [str(e) for e in validate_framework(data)] == []
    fw = load_framework(data)
    full = evaluate(fw, best_results(fw))
    assert full.rating == len(fw.stars), [sr.reasons for sr in full.stars if not sr.awarded]
    empty = evaluate(fw, {})
    assert empty.rating == 0
    report = gaps(fw, {}, evaluation=empty)
    assert len(report) == len(fw.stars) and report.closest_star is not None
