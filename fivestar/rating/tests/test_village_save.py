"""Saving one answer evaluates the branch once and answers with only what changed.

The service runs the engine once and stores the evaluation on the assessment; the page's answer reads what the
service stored (no second engine run, no gap analysis: the page fetches the gap list itself while it is open)
and carries the rule's state, the version and, out of band, only the fragments the save moved: the header of
the star whose figures changed, the star bar and the summary's figures. The API's save answers with that same
single evaluation. The number of queries of a save does not depend on the number of rules or answers."""

import copy
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import fivestar.standards.engine as engine
from fivestar.core.roles import Role
from fivestar.rating.models import Assessment, Status
from fivestar.rating.services import save_answers
from fivestar.rating.services.evaluation import evaluate_assessment
from fivestar.standards.models import FrameworkVersion

from .conftest import full_marks
from .village_helpers import evidence_for_all, post_rule

pytestmark = pytest.mark.django_db

STARS = ["zbgy", "cyxw", "stjy", "paf", "wmxf"]


@pytest.fixture
def a(world, make_round):
    return Assessment.objects.get(round=make_round(), org_unit=world.village)


@pytest.fixture
def engine_calls(monkeypatch):
    """Counts the engine's evaluate and gaps calls, each still running the real engine (wrapped, not mocked)."""
    calls = {"evaluate": 0, "gaps": 0}
    gaps_module = __import__("fivestar.standards.engine.gaps", fromlist=["evaluate"])

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return wrapper

    evaluate = counting("evaluate", engine.evaluate)
    monkeypatch.setattr(engine, "evaluate", evaluate)  # what services.evaluation imports when it runs
    monkeypatch.setattr(gaps_module, "evaluate", evaluate)  # gaps() evaluates itself when not given one
    for module in ("fivestar.rating.selectors_village", "fivestar.standards.gap_selectors"):
        mod = __import__(module, fromlist=["gaps"])
        monkeypatch.setattr(mod, "gaps", counting("gaps", mod.gaps))
    return calls


def _oob_ids(body):
    return re.findall(r'id="([\w-]+)"[^>]*hx-swap-oob="true"', body)


def test_a_save_runs_the_engine_once_and_no_gap_analysis(world, a, login, engine_calls):
    client = login(world.users[Role.VILLAGE_CADRE])
    for code, value in [("zbgy-01-01", "1"), ("zbgy-01-03", "2.5"), ("zbgy-01-01", "0"), ("cyxw-06-02", "60")]:
        engine_calls.update(evaluate=0, gaps=0)
        body = post_rule(client, a, code, value=value).content.decode()
        assert "已保存" in body
        assert engine_calls == {"evaluate": 1, "gaps": 0}, (code, engine_calls)
    a.refresh_from_db()
    assert a.answers == {"zbgy-01-01": False, "zbgy-01-03": 2.5, "cyxw-06-02": 60}
    assert a.star_scores["zbgy"]["score"] == 2.5  # the evaluation the save stored is what pages read
    # A save that changes nothing, a refused value and a conflict run no engine at all.
    engine_calls.update(evaluate=0, gaps=0)
    post_rule(client, a, "zbgy-01-03", value="2.5")
    post_rule(client, a, "zbgy-01-03", value="9")
    post_rule(client, a, "zbgy-01-03", value="1", version=1)
    assert engine_calls == {"evaluate": 0, "gaps": 0}


def test_the_gap_list_is_fetched_on_its_own_and_never_rides_along(world, a, login, engine_calls):
    client = login(world.users[Role.VILLAGE_CADRE])
    body = post_rule(client, a, "zbgy-01-01", value="1", fs_gaps="1").content.decode()  # what the page sent while it was open
    assert "fs-gaps-body" not in body and engine_calls == {"evaluate": 1, "gaps": 0}
    gaps = client.get(f"/rating/assessments/{a.pk}/gaps/").content.decode()
    assert 'data-testid="gap-zbgy"' in gaps and engine_calls == {"evaluate": 2, "gaps": 1}
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert 'hx-trigger="toggle[target.open], fs-refresh"' in page  # the page asks again after saves while it is open
    assert engine_calls == {"evaluate": 2, "gaps": 1}  # the page view reads the stored evaluation


def test_the_page_and_a_star_opened_read_the_stored_evaluation(world, a, login, engine_calls):
    save_answers(a, world.users[Role.VILLAGE_CADRE], "village", values={"zbgy-01-01": True, "paf-01-01": True}, expected_version=a.version)
    Assessment.objects.filter(pk=a.pk).update(star_scores={**Assessment.objects.get(pk=a.pk).star_scores,
                                                           "paf": {"score": 77, "max": 100, "pass_mark": 80, "awarded": False}})
    engine_calls.update(evaluate=0, gaps=0)
    client = login(world.users[Role.VILLAGE_CADRE])
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert 'data-testid="progress-score-paf">得 77/100<' in page  # read, not recomputed
    assert 'data-testid="progress-score-zbgy">得 3/100<' in page
    assert 'id="rule-zbgy-01-01"' in page and 'id="rule-paf-01-01"' not in page  # only the first star to do comes along
    for star in STARS:
        assert 'class="fs-rules" data-loaded="1"' in client.get(f"/rating/assessments/{a.pk}/stars/{star}/").content.decode()
    assert engine_calls == {"evaluate": 0, "gaps": 0}


def test_the_api_save_answers_with_the_evaluation_it_ran(world, a, engine_calls):
    from django.test import Client

    from fivestar.api.models import ApiToken

    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world.users[Role.VILLAGE_CADRE], label='test')}"}
    client = Client()
    url = f"/api/v1/assessments/{a.pk}"
    response = client.put(f"{url}/rules/zbgy-01-01", {"value": True, "expected_version": a.version}, content_type="application/json", **headers)
    assert response.status_code == 200, response.json()
    # One engine run for the save; the answer's 差距清单 is computed from that same evaluation.
    assert engine_calls == {"evaluate": 1, "gaps": 1}
    saved = response.json()
    engine_calls.update(evaluate=0, gaps=0)
    detail = client.get(url, **headers).json()
    assert engine_calls == {"evaluate": 1, "gaps": 1}
    assert saved["evaluation"] == detail["evaluation"] and saved["gaps"] == detail["gaps"]
    assert saved["evaluation"]["stars"][0]["score"] == 3
    engine_calls.update(evaluate=0, gaps=0)
    response = client.post(f"{url}/answers", {"values": {"zbgy-01-02": True, "zbgy-01-03": 3}, "expected_version": saved["version"]},
                           content_type="application/json", **headers)
    assert response.status_code == 200 and response.json()["evaluation"]["stars"][0]["score"] == 8
    assert engine_calls == {"evaluate": 1, "gaps": 1}


def test_a_save_answers_with_only_the_fragments_it_changed(world, a, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    body = post_rule(client, a, "zbgy-01-01", value="1").content.decode()
    assert body.startswith('<div id="st-zbgy-01-01" class="fs-st">') and "得 <strong>3</strong>/3 分" in body
    assert sorted(_oob_ids(body)) == sorted(["fs-version", "fs-live", "fs-summary-head", "progress-zbgy", "carry-zbgy", "sum-zbgy"])
    assert re.search(r'data-testid="progress-text-zbgy">已填 1/42<', body) and 'data-testid="progress-score-zbgy">得 3/100<' in body
    assert 'data-testid="live-bar-zbgy" title="支部过硬星 3/100">支部 3<' in body
    assert "progress-cyxw" not in body and "sum-cyxw" not in body and "fs-earned" not in body and "fs-gaps" not in body
    # Only a note: nothing the headers show moved, so only the rule and the version come back.
    body = post_rule(client, a, "zbgy-01-01", value="1", note="见会议记录").content.decode()
    assert "已保存" in body and sorted(_oob_ids(body)) == ["fs-version"]
    # A refused value: the rule with the reason, nothing else changed.
    body = post_rule(client, a, "zbgy-01-03", value="9").content.decode()
    assert "未保存" in body and sorted(_oob_ids(body)) == ["fs-version"]


def test_a_save_from_a_page_behind_someone_elses_save_refreshes_every_star_header(world, a, login):
    loaded = a.version
    save_answers(a, world.users[Role.VILLAGE_LIAISON], "village", values={"paf-01-01": True}, expected_version=loaded)
    body = post_rule(login(world.users[Role.VILLAGE_CADRE]), a, "zbgy-01-01", value="1", version=loaded).content.decode()
    ids = _oob_ids(body)
    assert all(f"progress-{s}" in ids and f"sum-{s}" in ids for s in STARS) and "fs-earned" in ids
    assert 'data-testid="progress-score-paf">得 ' in body and 'data-testid="progress-text-paf">已填 1/' in body


def test_a_save_that_wins_or_loses_a_star_updates_the_submit_defaults(world, a, login):
    values = {c: v for c, v in full_marks(a.framework).items() if c.startswith("paf-")}
    a = save_answers(a, world.users[Role.VILLAGE_CADRE], "village", values=values, expected_version=a.version)
    assert "paf" in a.awarded
    required = next(r for r in a.framework.compiled().stars_by_code["paf"].rules if r.required and r.kind == "check")
    client = login(world.users[Role.VILLAGE_CADRE])
    body = post_rule(client, a, required.code, value="0").content.decode()
    assert "paf" not in Assessment.objects.get(pk=a.pk).awarded
    assert 'id="fs-earned" class="small text-muted mb-1" data-codes=""' in body and "按当前填报可获得：暂无" in body
    assert 'id="sum-paf" data-testid="live-star-paf" data-awarded="0"' in body
    body = post_rule(client, a, required.code, value="1").content.decode()
    assert 'data-codes="paf"' in body and "按当前填报可获得：平安法治星" in body


def test_saving_a_carried_rule_updates_its_confirm_buttons(world, a, login):
    Assessment.objects.filter(pk=a.pk).update(answers={"zbgy-01-01": True, "zbgy-01-02": True}, to_confirm=["zbgy-01-01", "zbgy-01-02"],
                                             status=Status.IN_PROGRESS)
    a.refresh_from_db()
    evaluate_assessment(a)
    a.save()
    body = post_rule(login(world.users[Role.VILLAGE_CADRE]), a, "zbgy-01-01", value="0").content.decode()
    assert Assessment.objects.get(pk=a.pk).to_confirm == ["zbgy-01-02"]
    assert "本项沿用全部确认（1 条）" in body and 'id="confirm-std-zbgy-01"' in body
    assert "确认本星沿用的 1 项" in body and 'data-testid="progress-pending-zbgy">待确认 1 项<' in body


def _small_framework(rural):
    """The rural framework cut to two rules per star (10 rules), as its own published version."""
    data = copy.deepcopy(rural.data)
    data["code"] = "small-rural"
    for star in data["stars"]:
        star["standards"] = star["standards"][:1]
        star["standards"][0]["rules"] = star["standards"][0]["rules"][:2]
    return FrameworkVersion.objects.create(code=data["code"], name="小标准", branch_type="rural", version="1", data=data, status="published")


def _save_queries(client, a, code, value):
    with CaptureQueriesContext(connection) as ctx:
        body = post_rule(client, a, code, value=value).content.decode()
    assert "已保存" in body, body[:500]
    return len(ctx.captured_queries)


def test_query_count_of_a_save_does_not_grow_with_rules_answers_or_evidence(world, a, login):
    """Each save below changes one rule's points and leaves the rating as it was (a changed rating also moves the
    round's per-level figures: a few more queries, as many whatever the framework)."""
    secretary = world.users[Role.VILLAGE_CADRE]
    client = login(secretary)
    _save_queries(client, a, "zbgy-01-01", "1")  # warm (session, content types)
    small = _small_framework(a.framework)
    big = a.framework
    Assessment.objects.filter(pk=a.pk).update(framework=small)
    a = Assessment.objects.select_related("round", "org_unit", "framework").get(pk=a.pk)
    evaluate_assessment(a)
    a.save()
    assert len(a.framework.compiled().rules_by_code) == 10
    ten = _save_queries(client, a, "zbgy-01-02", "1")
    Assessment.objects.filter(pk=a.pk).update(framework=big)
    a = Assessment.objects.select_related("round", "org_unit", "framework").get(pk=a.pk)
    few = _save_queries(client, a, "zbgy-01-02", "0")
    a.refresh_from_db()
    a = save_answers(a, secretary, "village", values=full_marks(a.framework), expected_version=a.version)
    a = evidence_for_all(a, secretary)
    rating = a.rating
    many = _save_queries(client, a, "zbgy-01-02", "0")
    a.refresh_from_db()
    assert a.rating == rating == 5 and len(a.answers) == 210
    assert ten == few == many, f"{ten} queries with 10 rules, {few} with 210 rules, {many} with 210 answers and evidence on each"
