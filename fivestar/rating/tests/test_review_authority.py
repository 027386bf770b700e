"""Review authority (an action needs the level whose decision it undoes) and per-rule save conflicts."""

import pytest

from fivestar.rating.models import Assessment, Status
from fivestar.rating.services import ConflictError, WorkflowError, approve, reopen, return_for_changes, save_answers, submit

from .conftest import full_marks
from .village_helpers import evidence_for_all

RULE = "paf-01-03"


def _submitted(world, rnd):
    cadre = world.users["village_cadre"]
    a = Assessment.objects.select_related("org_unit", "round", "framework").get(round=rnd, org_unit=world.village)
    a = save_answers(a, cadre, "village", values=full_marks(a.framework), expected_version=a.version)
    return submit(evidence_for_all(a, cadre), cadre, ["paf"])


def _county_approved(world, rnd):
    a = approve(_submitted(world, rnd), world.users["town_admin"], "town")
    return approve(a, world.users["county_admin"], "county")


def _status(a):
    return Assessment.objects.get(pk=a.pk).status


def _url(a, action):
    return f"/rating/assessments/{a.pk}/review/{action}/"


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# ---- reopening needs the authority of the level that approved ----------------------------------------


@pytest.mark.django_db
def test_town_reviewers_cannot_reopen_what_the_county_approved(world, make_round):
    a = _county_approved(world, make_round())
    for role in ["supervisor", "town_admin"]:
        with pytest.raises(WorkflowError, match="只有县级审核才能重新打开"):
            reopen(a, world.users[role], "town", "想再看看")
    assert _status(a) == Status.COUNTY_APPROVED
    with pytest.raises(WorkflowError, match="无权"):
        reopen(a, world.users["county_admin"], "town", "县里不能代镇里初审")
    a = reopen(a, world.users["county_admin"], "county", "群众反映需复核")
    assert a.status == Status.TOWN_APPROVED
    # Now the town's approval is what the assessment holds: the town may reopen it.
    a = reopen(a, world.users["supervisor"], "town", "补充核查")
    assert a.status == Status.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "town_admin"])
def test_reopen_over_http_by_town_roles_is_refused_on_county_approved(world, make_round, login, role):
    a = _county_approved(world, make_round())
    response = login(world.users[role]).post(_url(a, "reopen"), {"level": "town", "reason": "想再看看"}, follow=True)
    assert any("只有县级审核才能重新打开" in m for m in _messages(response))
    assert _status(a) == Status.COUNTY_APPROVED
    # Posting the county level is a 403: they cannot act there at all.
    assert login(world.users[role]).post(_url(a, "reopen"), {"level": "county", "reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_reopen_over_http_by_the_county_admin(world, make_round, login):
    a = _county_approved(world, make_round())
    client = login(world.users["county_admin"])
    assert client.post(_url(a, "reopen"), {"level": "town", "reason": "x"}).status_code == 403
    response = client.post(_url(a, "reopen"), {"level": "county", "reason": "群众反映需复核"}, follow=True)
    assert any("已重新打开" in m for m in _messages(response))
    assert _status(a) == Status.TOWN_APPROVED


@pytest.mark.django_db
def test_return_approve_and_change_cannot_undo_a_higher_decision(world, make_round, login):
    a = _county_approved(world, make_round())
    town = world.users["town_admin"]
    with pytest.raises(WorkflowError, match="不在本级审核环节"):
        return_for_changes(a, town, "town", "退回")
    with pytest.raises(WorkflowError, match="不在本级审核环节"):
        approve(a, town, "town")
    client = login(town)
    client.post(_url(a, "return"), {"level": "town", "comment": "退回"})
    client.post(_url(a, "approve"), {"level": "town"})
    assert _status(a) == Status.COUNTY_APPROVED

    # The county changes a rule, then the whole assessment goes back to the town (by the system administrator).
    county = world.users["county_admin"]
    a = reopen(a, county, "county", "复核")
    a = save_answers(a, county, "county", values={RULE: False}, reason="县级核查", expected_version=a.version)
    a = reopen(approve(a, county, "county"), world.users["sysadmin"], "town", "全面复核")
    assert a.status == Status.SUBMITTED
    with pytest.raises(WorkflowError, match="已由县级审核改定"):
        save_answers(a, town, "town", values={RULE: True}, reason="镇里想改回", expected_version=a.version)
    response = client.post(_url(a, "change"), {"level": "town", "rule": RULE, "value": "true", "reason": "改回", "version": a.version})
    assert response.status_code == 400 and "已由县级审核改定" in response.content.decode()
    assert Assessment.objects.get(pk=a.pk).effective_answers(a.round.levels)[RULE] is False
    # Rules the county did not decide stay the town's to change.
    save_answers(a, town, "town", values={"paf-01-01": False}, reason="镇级核查", expected_version=a.version)


# ---- per-rule conflicts ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_devices_saving_different_rules_from_one_version_both_succeed(world, make_round):
    a = Assessment.objects.get(round=make_round(), org_unit=world.village)
    loaded = a.version
    save_answers(a, world.users["village_cadre"], "village", values={"paf-01-01": True}, expected_version=loaded)
    save_answers(a, world.users["village_liaison"], "village", values={"paf-01-03": False}, notes={"paf-01-03": "台账缺页"}, expected_version=loaded)
    a.refresh_from_db()
    assert a.answers == {"paf-01-01": True, "paf-01-03": False} and a.notes == {"paf-01-03": "台账缺页"}
    assert a.rule_versions == {"paf-01-01": loaded + 1, "paf-01-03": loaded + 2}
    # The same rule from the stale view conflicts, naming the change it would have overwritten.
    with pytest.raises(ConflictError) as conflict:
        save_answers(a, world.users["village_cadre"], "village", values={"paf-01-03": True}, expected_version=loaded)
    assert [(c["rule"], c["by"]) for c in conflict.value.changes] == [("paf-01-03", "liaison")]
    # A note counts as a change of its rule too.
    with pytest.raises(ConflictError):
        save_answers(a, world.users["village_cadre"], "village", notes={"paf-01-03": "我的说明"}, expected_version=loaded + 1)
    assert Assessment.objects.get(pk=a.pk).answers["paf-01-03"] is False


@pytest.mark.django_db
def test_review_changes_conflict_per_rule(world, make_round):
    a = _submitted(world, make_round())
    loaded = a.version
    save_answers(a, world.users["town_admin"], "town", values={"paf-01-01": False}, reason="镇级核查", expected_version=loaded)
    save_answers(a, world.users["supervisor"], "town", values={RULE: False}, reason="督导核查", expected_version=loaded)
    with pytest.raises(ConflictError):
        save_answers(a, world.users["supervisor"], "town", values={"paf-01-01": True}, reason="督导核查", expected_version=loaded)
    assert Assessment.objects.get(pk=a.pk).reviews["town"] == {"paf-01-01": False, RULE: False}


@pytest.mark.django_db
def test_a_versionless_review_change_never_silently_overwrites(world, make_round):
    a = _submitted(world, make_round())
    town, supervisor = world.users["town_admin"], world.users["supervisor"]
    # No reviewer has touched the rule: a versionless change replaces the village's value.
    save_answers(a, town, "town", values={RULE: False}, reason="镇级核查")
    # Now it carries a review change: without naming the value it replaces, it is refused.
    with pytest.raises(ConflictError, match="须写明预期被替换的原值") as refused:
        save_answers(a, supervisor, "town", values={RULE: True}, reason="督导核查")
    assert refused.value.changes[-1]["by"] == "town"
    with pytest.raises(ConflictError):
        save_answers(a, supervisor, "town", values={RULE: True}, reason="督导核查", expected_values={RULE: True})
    assert Assessment.objects.get(pk=a.pk).reviews["town"] == {RULE: False}
    a = save_answers(a, supervisor, "town", values={RULE: True}, reason="督导核查", expected_values={RULE: False})
    assert a.reviews["town"] == {RULE: True}


# ---- the same over the API ---------------------------------------------------------------------------


@pytest.fixture
def call(client, api_token):
    def _call(user, url, body=None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}
        if body is None:
            return client.get(f"/api/v1{url}", **kwargs)
        return client.post(f"/api/v1{url}", data=body, content_type="application/json", **kwargs)

    return _call


@pytest.mark.django_db
def test_api_reopen_by_role(world, make_round, call):
    a = _county_approved(world, make_round())
    for role in ["supervisor", "town_admin"]:
        response = call(world.users[role], f"/assessments/{a.pk}/review/reopen", {"level": "town", "reason": "想再看看"})
        assert response.status_code == 400 and "只有县级审核才能重新打开" in response.json()["detail"]
        assert call(world.users[role], f"/assessments/{a.pk}/review/reopen", {"level": "county", "reason": "x"}).status_code == 403
    assert _status(a) == Status.COUNTY_APPROVED
    assert call(world.users["village_cadre"], f"/assessments/{a.pk}/review/reopen", {"level": "county", "reason": "x"}).status_code == 403
    assert call(world.users["county_admin"], f"/assessments/{a.pk + 1000}/review/reopen", {"level": "county", "reason": "x"}).status_code == 404
    response = call(world.users["county_admin"], f"/assessments/{a.pk}/review/reopen", {"level": "county", "reason": "群众反映需复核"})
    assert response.status_code == 200 and response.json()["status"] == Status.TOWN_APPROVED
    assert response.json()["acting_levels"] == ["county"]


@pytest.mark.django_db
def test_api_versionless_change_must_name_what_it_replaces(world, make_round, call):
    a = _submitted(world, make_round())
    url = f"/assessments/{a.pk}/review/change"
    town, supervisor = world.users["town_admin"], world.users["supervisor"]
    assert call(town, url, {"level": "town", "values": {RULE: False}, "reason": "镇级核查"}).status_code == 200
    response = call(supervisor, url, {"level": "town", "values": {RULE: True}, "reason": "督导核查"})
    assert response.status_code == 409 and "预期被替换的原值" in response.json()["detail"]
    assert response.json()["changes"][-1]["rule"] == RULE
    response = call(supervisor, url, {"level": "town", "values": {RULE: True}, "reason": "督导核查", "expected_values": {RULE: False}})
    assert response.status_code == 200 and response.json()["values"][RULE] is True
    # A versioned change conflicts only on the rules it sends.
    version = response.json()["version"]
    assert call(town, url, {"level": "town", "values": {"paf-01-01": False}, "reason": "x", "expected_version": version - 1}).status_code == 200
    assert call(town, url, {"level": "town", "values": {RULE: False}, "reason": "x", "expected_version": version - 1}).status_code == 409
    bad = call(town, url, {"level": "town", "values": {"nope-01": 1}, "reason": "x", "expected_version": version + 1})
    # Values are checked before the save, as every API validation error: 422 naming the field (README).
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "values.nope-01"
    assert "未知的细则编码" in bad.json()["errors"][0]["message"]
    assert call(town, url, {"level": "county", "values": {RULE: True}, "reason": "x"}).status_code == 403
