"""Carry-forward at opening reads only the columns it copies, one batch of branches at a time, and carries
exactly what the earlier implementation carried (which loaded whole assessments with their rounds)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.rating.models import Assessment, Round, Status
from fivestar.rating.services import opening

pytestmark = pytest.mark.django_db

CARRIED = ["answers", "notes", "not_applicable", "evidence", "to_confirm", "status"]
DERIVED = ["rating", "awarded", "star_scores", "progress_done", "progress_total"]


def _reference_previous(rnd, unit_ids):
    """The earlier implementation, kept as the expectation: whole rows, each with its round."""
    qs = Assessment.objects.filter(org_unit_id__in=unit_ids).exclude(round=rnd)
    if rnd.previous_id:
        qs = qs.filter(round_id=rnd.previous_id)
    latest = {}
    for a in qs.select_related("round").order_by("org_unit_id", "-round__period_end", "-id"):
        latest.setdefault(a.org_unit_id, a)
    return latest


def _reference_carry(previous, framework):
    if previous is None:
        return {"answers": {}, "notes": {}, "not_applicable": {}, "evidence": {}, "to_confirm": [], "status": Status.NOT_STARTED}
    values = previous.effective_answers(previous.round.levels)
    codes = framework.rules_by_code
    answers = {c: v for c, v in values.items() if c in codes and v is not None}
    return {
        "answers": answers,
        "notes": {c: n for c, n in previous.notes.items() if c in codes},
        "not_applicable": {c: r for c, r in previous.not_applicable.items() if c in codes},
        "evidence": {c: ids for c, ids in previous.evidence.items() if c in codes},
        "to_confirm": sorted(set(answers) | {c for c in previous.not_applicable if c in codes}),
        "status": Status.IN_PROGRESS,
    }


def _rules(rnd, kind="rural"):
    fw = rnd.rural_framework if kind == "rural" else rnd.community_framework
    return [r for r in fw.compiled().rules_by_code.values() if not r.indicator]


def _give_history(rnd, world, seed):
    """Varied earlier results written straight into the rows: values the village entered, values town,
    county and city changed (city counts only where the round has that level), None values, notes and
    不适用 and evidence, and codes no framework has (dropped when carried)."""
    rural, community = _rules(rnd), _rules(rnd, "community")
    for i, (unit, rules) in enumerate([(world.village, rural), (world.sibling, rural), (world.community, community), (world.other_village, rural)]):
        picked = rules[(seed + i) % 7::5]
        answers = {r.code: r.value_for_points(r.best_points if (j + seed) % 3 else 0) for j, r in enumerate(picked)}
        answers[picked[0].code] = None
        answers["zz-99-99"] = 3
        reviews = {
            "town": {r.code: r.value_for_points(0) for r in picked[1:4]},
            "county": {picked[2].code: picked[2].value_for_points(picked[2].best_points), "zz-98-01": True},
            "city": {picked[3].code: picked[3].value_for_points(0) if seed % 2 else None},
        }
        if unit == world.other_village:
            answers, reviews = {}, {}
        Assessment.objects.filter(round=rnd, org_unit=unit).update(
            answers=answers, reviews=reviews,
            notes={picked[4].code: f"说明{seed}-{i}", "zz-99-99": "旧细则的说明"},
            not_applicable={picked[5].code: "本村无此情形"} if i % 2 == 0 else {},
            evidence={picked[1].code: [seed * 10 + i, seed * 10 + i + 1], "zz-99-99": [1]},
            approved_snapshot={"big": ["不应被读取"] * 50}, return_comments=[{"comment": "不应被读取"}],
            status=Status.RECOGNISED,
        )


def _assert_carried_as_before(new_round, expected):
    rows = {a.org_unit_id: a for a in Assessment.objects.filter(round=new_round)}
    assert set(rows) == set(expected)
    for unit_id, want in expected.items():
        got = rows[unit_id]
        assert {f: getattr(got, f) for f in CARRIED} == want, unit_id


def _expectations(new_round):
    """What the earlier implementation carries into `new_round` (computed before it opens)."""
    units = list(Assessment.objects.values_list("org_unit_id", flat=True).distinct())
    previous = _reference_previous(new_round, units)
    expected = {}
    for unit_id in units:
        unit_type = Assessment.objects.filter(org_unit_id=unit_id).values_list("org_unit__branch_type", flat=True).first()
        fw = new_round.community_framework if unit_type == "community" else new_round.rural_framework
        expected[unit_id] = _reference_carry(previous.get(unit_id), fw.compiled())
    return expected


def _draft(world, frameworks, name, previous=None, extra_levels=(), scope=None, kind="interim", end_days=60):
    today = datetime.date.today()
    rnd = opening.create_round(
        world.users["county_admin"], scope=scope or world.county, name=name, kind=kind, year=2024, period_start=today,
        period_end=today + datetime.timedelta(days=end_days), rural_framework=frameworks[0], community_framework=frameworks[1],
        self_deadline=today, town_deadline=today, county_deadline=today, extra_levels=extra_levels, previous=previous,
    )
    Round.objects.filter(pk=rnd.pk).update(phase="opening", opened_by=world.users["county_admin"])
    return Round.objects.get(pk=rnd.pk)


def _run(rnd):
    opening.populate_round(rnd.pk)
    rnd.refresh_from_db()
    assert rnd.phase == "open"
    return rnd


def test_carried_rows_match_the_earlier_implementation_row_for_row(world, frameworks, settings):
    settings.ROUND_OPEN_BATCH = 3  # batches of 3 branches: 4 branches make a full and a partial batch
    annual = _run(_draft(world, frameworks, "2023年度评星", kind="annual", end_days=30))
    _give_history(annual, world, seed=1)
    # A round with the city level, over one town only, that ends later: the latest for that town's branches.
    town_round = _run(_draft(world, frameworks, "庆祖镇专项评星", extra_levels=("city",), scope=world.town, end_days=75))
    _give_history(town_round, world, seed=2)

    # Named previous round: only its rows count, with its levels (city changes ignored: it has no city level).
    named = _draft(world, frameworks, "2024年第一次动态评星", previous=annual)
    expected = _expectations(named)
    assert any(want["answers"] for want in expected.values()) and any(want["not_applicable"] for want in expected.values())
    _assert_carried_as_before(_run(named), expected)

    # No named previous round: each branch's latest earlier assessment by period end, then id (the town
    # round for 庆祖镇's branches, with its city changes; the named round's rows for 八公桥镇's branch).
    unnamed = _draft(world, frameworks, "2024年第二次动态评星", end_days=90)
    expected = _expectations(unnamed)
    _assert_carried_as_before(_run(unnamed), expected)
    village = Assessment.objects.get(round=unnamed, org_unit=world.village)
    from_town_round = Assessment.objects.get(round=town_round, org_unit=world.village)
    assert village.evidence == {c: ids for c, ids in from_town_round.evidence.items() if c != "zz-99-99"}
    assert Assessment.objects.get(round=unnamed, org_unit=world.other_village).evidence == \
        Assessment.objects.get(round=named, org_unit=world.other_village).evidence


def test_the_evaluation_of_carried_rows_is_what_the_whole_rows_gave(world, frameworks):
    annual = _run(_draft(world, frameworks, "2023年度评星", kind="annual", end_days=30))
    _give_history(annual, world, seed=3)
    interim = _run(_draft(world, frameworks, "动态评星", previous=annual))
    for a in Assessment.objects.filter(round=interim).select_related("round", "framework"):
        from fivestar.rating.services.evaluation import evaluate_assessment

        stored = {f: getattr(a, f) for f in DERIVED}
        evaluate_assessment(a)
        assert stored == {f: getattr(a, f) for f in DERIVED}


def test_carry_forward_reads_only_the_carried_columns_one_batch_at_a_time(world, frameworks, settings, monkeypatch):
    settings.ROUND_OPEN_BATCH = 2
    annual = _run(_draft(world, frameworks, "2023年度评星", kind="annual", end_days=30))
    _give_history(annual, world, seed=4)
    interim = _draft(world, frameworks, "2024年第一次动态评星", previous=annual)

    sizes = []
    real = opening._previous_assessments

    def counting(rnd, unit_ids, levels_of):
        found = real(rnd, unit_ids, levels_of)
        sizes.append((len(unit_ids), len(found)))
        return found

    monkeypatch.setattr(opening, "_previous_assessments", counting)
    with CaptureQueriesContext(connection) as ctx:
        _run(interim)
    assert sizes == [(2, 2), (2, 2)]  # never more than one batch of earlier rows in memory

    reads = [q["sql"] for q in ctx.captured_queries
             if q["sql"].lstrip().upper().startswith("SELECT") and '"rating_assessment"."answers"' in q["sql"]]
    assert len(reads) == 2  # one read of earlier rows per batch
    for sql in reads:
        for column in ("approved_snapshot", "star_scores", "return_comments", "rule_versions", "awarded", "applied_stars"):
            assert f'"rating_assessment"."{column}"' not in sql
        assert '"rating_round"' not in sql  # no round joined onto each row
    rounds_read = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
                   and 'FROM "rating_round"' in q["sql"] and '"rating_round"."extra_levels"' in q["sql"] and "IN (" in q["sql"]]
    assert len(rounds_read) == 1  # the earlier round's levels, read once for the whole opening
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith('INSERT INTO "RATING_ASSESSMENT"')]
    assert len(inserts) == 2 and not any("UNNEST" in sql.upper() for sql in inserts)  # VALUES: JSON texts quoted once (PostgreSQL)
