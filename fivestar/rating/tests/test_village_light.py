"""The self-assessment page stays light and clear on a phone: it renders star headers from the evaluation stored
on the assessment (no gap analysis on the page view), a star's rules come when the star is opened, carried-forward
answers are confirmed a star at a time after a summary by rule text and value, progress counts them as 待确认
(never as unfilled next to a full score), and a refused submission lists what is missing by rule text, by star."""

import re

import pytest

from fivestar.core.roles import Role
from fivestar.rating.models import Assessment, Status
from fivestar.rating.services import missing_for_submission, save_answers, submit
from fivestar.rating.services.errors import WorkflowError

from .conftest import full_marks

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(world, make_round):
    return Assessment.objects.get(round=make_round(), org_unit=world.village)


def _carry_all_of_paf(a):
    """As an interim round opens: every 平安法治星 answer carried forward, to confirm, with the evaluation stored."""
    from fivestar.rating.services.evaluation import evaluate_assessment

    values = {c: v for c, v in full_marks(a.framework).items() if c.startswith("paf-")}
    a.answers, a.to_confirm, a.status = values, list(values), Status.IN_PROGRESS
    evaluate_assessment(a)
    a.save()
    return a


def test_page_shows_carried_answers_as_waiting_for_confirmation_not_as_unfilled(world, a, login):
    a = _carry_all_of_paf(a)
    client = login(world.users[Role.VILLAGE_CADRE])
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert re.search(r'data-testid="progress-text-paf">已填 42/42<', page)  # was 已填 0/42 next to 100/100
    assert 'data-testid="progress-pending-paf">待确认 42 项<' in page
    assert re.search(r'data-testid="progress-score-paf">得 100/100<', page)
    assert 'data-testid="live-pending">待确认 42 项<' in page
    assert "确认本星沿用的 42 项" in page and 'data-testid="confirm-star-paf"' in page
    my = client.get("/rating/my/").content.decode()
    assert ">42/210<" in my and "待确认 42 项" in my


def test_page_view_reads_the_stored_evaluation_and_leaves_the_gap_list_for_later(world, a, login):
    a = _carry_all_of_paf(a)
    Assessment.objects.filter(pk=a.pk).update(rating=4)  # a stored figure the engine would never produce here
    page = login(world.users[Role.VILLAGE_CADRE]).get(f"/rating/assessments/{a.pk}/").content.decode()
    assert 'data-testid="live-rating">4<' in page  # read, not recomputed
    assert f'hx-get="/rating/assessments/{a.pk}/gaps/"' in page and 'data-testid="gap-paf"' not in page


def test_a_star_loads_its_rules_when_opened_and_only_that_star(world, a, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert 'id="rule-wmxf-01-01"' not in page and 'data-testid="loader-wmxf"' in page
    star = client.get(f"/rating/assessments/{a.pk}/stars/wmxf/").content.decode()
    assert star.startswith('<div id="rules-wmxf" class="fs-rules" data-loaded="1"')
    assert 'id="rule-wmxf-01-01"' in star and 'id="rule-zbgy-01-01"' not in star
    assert client.get(f"/rating/assessments/{a.pk}/stars/nope/").status_code == 404
    stranger = client.get(f"/rating/assessments/{a.pk + 999}/stars/wmxf/")
    assert stranger.status_code == 404


def test_gap_list_is_computed_when_opened(world, a, login):
    save_answers(a, world.users[Role.VILLAGE_CADRE], "village", values={c: v for c, v in full_marks(a.framework).items() if c.startswith("paf-")},
                 expected_version=a.version)
    body = login(world.users[Role.VILLAGE_CADRE]).get(f"/rating/assessments/{a.pk}/gaps/").content.decode()
    assert 'id="fs-gaps-body"' in body and 'data-testid="gap-zbgy"' in body and 'data-testid="gap-paf"' not in body


def test_confirm_a_whole_star_after_a_summary_by_rule_text_and_value(world, a, login):
    a = _carry_all_of_paf(a)
    client = login(world.users[Role.VILLAGE_CADRE])
    summary = client.get(f"/rating/assessments/{a.pk}/stars/paf/carried/").content.decode()
    framework = a.framework.compiled()
    assert summary.count('data-testid="carried-item-') == 42
    first = framework.stars_by_code["paf"].rules[0]
    assert first.text[:15] in summary and "→ <strong>达标</strong>" in summary and "确认这 42 项不变" in summary
    codes = re.findall(r'name="codes" value="([\w-]+)"', summary)
    body = client.post(f"/rating/assessments/{a.pk}/confirm/", {"star": "paf", "codes": codes}, HTTP_HX_REQUEST="true").content.decode()
    a.refresh_from_db()
    assert a.to_confirm == [] and a.progress_done == 42
    assert '<div id="rules-paf" class="fs-rules" data-loaded="1" data-testid="rules-paf" hx-swap-oob="true">' in body
    assert '<div id="carry-paf" class="fs-carry" hx-swap-oob="true"></div>' in body
    assert re.search(r'data-testid="progress-text-paf">已填 42/42<', body) and "progress-pending-paf" not in body
    assert "已确认沿用 42 项" in body


def test_missing_items_are_structured_and_grouped_by_star_with_rule_text(world, a, login):
    a = _carry_all_of_paf(a)
    items = missing_for_submission(a, ["paf", "wmxf"])
    paf = [i for i in items if i.star == "paf" and i.reason == "沿用上期结果，尚未确认"]
    assert len(paf) == 42 and all(i.rule_text and i.star_name == "平安法治星" for i in paf)
    assert str(paf[0]) == f"平安法治星 · {paf[0].rule_text}（{paf[0].rule}）：沿用上期结果，尚未确认"  # the API's plain text
    with pytest.raises(WorkflowError) as refused:
        submit(a, world.users[Role.VILLAGE_CADRE], ["paf"])
    assert refused.value.details == [str(i) for i in missing_for_submission(a, ["paf"])]
    body = login(world.users[Role.VILLAGE_CADRE]).post(f"/rating/assessments/{a.pk}/submit/", {"stars": ["paf", "wmxf"]},
                                                        HTTP_HX_REQUEST="true").content.decode()
    assert body.index('data-testid="missing-group-paf"') < body.index('data-testid="missing-group-wmxf"')
    assert "— 沿用上期结果，尚未确认；缺少佐证材料" in body and "尚未填报" in body  # one line per rule
    assert re.search(r'<a href="#rule-paf-01-01" data-star="paf" data-testid="missing-paf-01-01">[^<]+</a> <span class="fs-code">paf-01-01</span>', body)
    assert "paf-01-01 沿用上期结果" not in body  # never a wall of codes
