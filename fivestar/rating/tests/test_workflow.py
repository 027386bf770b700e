"""The whole rating path through the services, on the real shipped frameworks."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fivestar.inbox.models import Notification
from fivestar.rating.models import Assessment, AssessmentEvent, RoundResult, RoundUnitStats, StarHolding, Status
from fivestar.rating.services import (
    ConflictError, WorkflowError, approve, attach, confirm_carried, file_objection, missing_for_submission, recognise,
    record_veto, reopen, resolve_objection, return_for_changes, save_answers, start_notice, store_evidence, submit,
)

from .conftest import full_marks
from .images import jpeg_bytes


def _evidence_for_all(a, user):
    fw = a.framework.compiled()
    needing = [r.code for r in fw.rules_by_code.values() if r.evidence and r.evidence.min_count]
    items = [store_evidence(a.org_unit, user, SimpleUploadedFile(f"证明{i}.jpg", jpeg_bytes(seed=i)), "photo") for i in range(3)]
    for item in items:
        a = attach(a, user, item, needing)
    return a


def _fill(a, user):
    values = full_marks(a.framework)
    a = save_answers(a, user, "village", values=values, expected_version=a.version)
    return _evidence_for_all(a, user)


def _recognise_all(world, rnd, fill=True):
    """Every branch (filled, or its carried answers confirmed) through both reviews, notice and recognition."""
    admin, county = world.users["sysadmin"], world.users["county_admin"]
    for a in Assessment.objects.filter(round=rnd):
        a = _fill(a, admin) if fill else confirm_carried(a, admin, list(a.to_confirm))
        approve(approve(submit(a, admin, ["paf"]), admin, "town"), admin, "county")
    rnd = start_notice(rnd, county)
    recognise(rnd, county, today=rnd.notice_end + datetime.timedelta(days=1))
    return rnd


@pytest.mark.django_db
def test_opening_creates_one_assessment_per_branch(world, make_round):
    rnd = make_round()
    assert rnd.phase == "open" and rnd.open_total == rnd.open_done == 4  # 3 in 庆祖镇 + 1 in 八公桥镇
    community = Assessment.objects.get(round=rnd, org_unit=world.community)
    assert community.framework.branch_type == "community"
    assert RoundUnitStats.objects.get(round=rnd, unit=world.town).by_status == {"not_started": 3}


@pytest.mark.django_db
def test_full_path_submit_return_resubmit_approve_notice_object_recognise(world, make_round):
    rnd = make_round()
    secretary, town, county = world.users["village_cadre"], world.users["town_admin"], world.users["county_admin"]
    a = Assessment.objects.get(round=rnd, org_unit=world.village)

    with pytest.raises(WorkflowError) as refused:
        submit(a, secretary, ["zbgy", "cyxw", "stjy", "paf", "wmxf"])
    assert any("尚未填报" in d for d in refused.value.details)

    a = save_answers(a, secretary, "village", values=full_marks(a.framework), expected_version=a.version)
    missing = missing_for_submission(a, ["cyxw"])
    assert missing and all(m.reason.startswith("缺少佐证材料") for m in missing)
    a = _evidence_for_all(a, secretary)
    assert a.rating == 5
    a = submit(a, secretary, ["zbgy", "cyxw", "stjy", "paf", "wmxf"])
    assert a.status == Status.SUBMITTED
    with pytest.raises(WorkflowError, match="已锁定"):
        save_answers(a, secretary, "village", values={"zbgy-01-01": False})

    a = return_for_changes(a, town, "town", "请补充主题党日照片", {"zbgy-01-01": "照片不清晰"})
    assert a.status == Status.RETURNED
    assert Notification.objects.filter(user=secretary, kind="returned").exists()
    a = save_answers(a, secretary, "village", values={"zbgy-01-01": True}, notes={"zbgy-01-01": "已补充"}, expected_version=a.version)
    a = submit(a, secretary, ["zbgy", "cyxw", "stjy", "paf", "wmxf"])

    # The town lowers one value with a reason: that value now counts.
    a = save_answers(a, town, "town", values={"cyxw-02-01": False}, reason="现场核查未见产业基地", expected_version=a.version)
    change = AssessmentEvent.objects.filter(assessment=a, action="review_change").get()
    assert (change.user, change.level, change.reason) == (town, "town", "现场核查未见产业基地")
    assert a.effective_answers(rnd.levels)["cyxw-02-01"] is False
    a = approve(a, town, "town")
    with pytest.raises(WorkflowError):
        approve(a, town, "county")  # a town admin cannot act at county level
    a = approve(a, county, "county")
    assert a.status == Status.COUNTY_APPROVED and a.approved_snapshot["level"] == "county"

    others = Assessment.objects.filter(round=rnd).exclude(pk=a.pk)
    with pytest.raises(WorkflowError, match="未完成最终审核"):
        start_notice(rnd, county)
    for other in others:
        other = _fill(other, world.users["sysadmin"])
        other = submit(other, world.users["sysadmin"], ["paf"])
        other = approve(other, world.users["sysadmin"], "town")
        approve(other, world.users["sysadmin"], "county")
    rnd = start_notice(rnd, county)
    assert rnd.phase == "notice" and rnd.notice_end == rnd.notice_start + datetime.timedelta(days=5)

    objection = file_objection(rnd, a, "该村去年发生过安全事故，不应评为平安法治星", "13800000000", "client-1")
    with pytest.raises(WorkflowError, match="异议未处理"):
        recognise(rnd, county, today=rnd.notice_end + datetime.timedelta(days=1))
    resolve_objection(objection, county, upheld=False, resolution="经核实，事故不属于责任事故")
    with pytest.raises(WorkflowError, match="公示期满后"):
        recognise(rnd, county, today=rnd.notice_start)
    assert recognise(rnd, county, today=rnd.notice_end + datetime.timedelta(days=1)) == 4
    result = RoundResult.objects.get(round=rnd, org_unit=world.village)
    assert result.rating == a.rating and set(result.gained) == set(a.awarded)
    assert StarHolding.objects.filter(org_unit=world.village, lost_at__isnull=True).count() == a.rating


@pytest.mark.django_db
def test_concurrent_review_edits_conflict_instead_of_overwriting(world, make_round):
    rnd = make_round()
    a = _fill(Assessment.objects.get(round=rnd, org_unit=world.village), world.users["village_cadre"])
    a = submit(a, world.users["village_cadre"], ["paf"])
    loaded_version = a.version
    save_answers(a, world.users["town_admin"], "town", values={"paf-01-01": False}, reason="第一位审核人", expected_version=loaded_version)
    with pytest.raises(ConflictError) as conflict:
        save_answers(a, world.users["supervisor"], "town", values={"paf-01-01": True}, reason="第二位审核人", expected_version=loaded_version)
    assert conflict.value.changes[-1]["rule"] == "paf-01-01" and conflict.value.changes[-1]["by"] == "town"
    assert Assessment.objects.get(pk=a.pk).reviews["town"] == {"paf-01-01": False}


@pytest.mark.django_db
def test_locking_reopening_and_modified_since_approval(world, make_round):
    rnd = make_round()
    town = world.users["town_admin"]
    a = _fill(Assessment.objects.get(round=rnd, org_unit=world.village), world.users["village_cadre"])
    a = approve(submit(a, world.users["village_cadre"], ["paf"]), town, "town")
    with pytest.raises(WorkflowError, match="不在本级审核环节"):
        save_answers(a, town, "town", values={"paf-01-01": False}, reason="改")
    with pytest.raises(WorkflowError, match="理由"):
        reopen(a, town, "town", "")
    a = reopen(a, town, "town", "群众反映需复核")
    assert a.status == Status.SUBMITTED and not a.modified_since_approval
    a = save_answers(a, town, "town", values={"paf-01-01": False}, reason="复核发现问题", expected_version=a.version)
    assert a.modified_since_approval


@pytest.mark.django_db
def test_veto_event_withdraws_star_and_dependents_at_once_and_notifies(world, make_round):
    from fivestar.people.models import Duty, Person, Responsibility

    liaison_person = Person.objects.create(org_unit=world.town, name="包村干部甲", gender="M", position="town_cadre", user=world.users["village_liaison"])
    Responsibility.objects.create(duty=Duty.VILLAGE, person=liaison_person, org_unit=world.village)
    rnd = _recognise_all(world, make_round())
    assert StarHolding.objects.filter(org_unit=world.village, lost_at__isnull=True).count() == 5

    paf_rules = rnd.rural_framework.compiled().stars_by_code["paf"].rules
    veto_rule = next(r.code for r in paf_rules if r.veto)
    plain_rule = next(r.code for r in paf_rules if not r.veto)
    with pytest.raises(WorkflowError, match="不是一票否决项"):
        record_veto(world.village, world.users["town_admin"], plain_rule, datetime.date.today(), "无")
    with pytest.raises(WorkflowError, match="无权"):
        record_veto(world.village, world.users["village_cadre"], veto_rule, datetime.date.today(), "发生刑事案件")
    record_veto(world.village, world.users["town_admin"], veto_rule, datetime.date.today(), "村内发生一起刑事案件")
    held = set(StarHolding.objects.filter(org_unit=world.village, lost_at__isnull=True).values_list("star_code", flat=True))
    assert held == {"cyxw", "stjy", "wmxf"}  # 平安法治星 withdrawn, and 支部过硬星 which requires it
    lost = StarHolding.objects.get(org_unit=world.village, star_code="paf", lost_at__isnull=False)
    assert "一票否决" in lost.lost_reason
    assert Notification.objects.filter(user=world.users["village_cadre"], kind="withdrawn").exists()
    assert Notification.objects.filter(user=world.users["village_liaison"], kind="withdrawn").exists()


@pytest.mark.django_db
def test_interim_round_carries_forward_and_loses_stars_no_longer_met(world, make_round):
    rnd = _recognise_all(world, make_round())

    interim = make_round(kind="interim", previous=rnd, name="2023年第一次动态评星")
    a = Assessment.objects.get(round=interim, org_unit=world.village)
    previous = Assessment.objects.get(round=rnd, org_unit=world.village)
    assert a.answers == previous.effective_answers(rnd.levels) and a.evidence == previous.evidence
    assert set(a.to_confirm) == set(a.answers) and a.status == Status.IN_PROGRESS
    assert any(m.reason == "沿用上期结果，尚未确认" for m in missing_for_submission(a, ["paf"]))
    a = confirm_carried(a, world.users["village_cadre"], list(a.to_confirm))
    a = save_answers(a, world.users["village_cadre"], "village", values={"wmxf-01-01": False, "wmxf-01-02": False, "wmxf-01-03": False, "wmxf-02-01": False}, expected_version=a.version)
    assert "wmxf" not in a.awarded
    _recognise_all(world, interim, fill=False)
    result = RoundResult.objects.get(round=interim, org_unit=world.village)
    assert "wmxf" in result.lost and "zbgy" in result.lost
    assert not StarHolding.objects.filter(org_unit=world.village, star_code="wmxf", lost_at__isnull=True).exists()


@pytest.mark.django_db
def test_stage_permissions(world, make_round):
    rnd = make_round()
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    for role in ["observer", "area_leader", "supervisor", "county_admin"]:
        with pytest.raises(WorkflowError):
            save_answers(a, world.users[role], "village", values={"paf-01-01": True})
    for role in ["observer", "village_cadre", "county_admin"]:
        with pytest.raises(WorkflowError):
            save_answers(a, world.users[role], "town", values={"paf-01-01": True}, reason="x")
    for role in ["observer", "village_cadre", "town_admin", "supervisor"]:
        with pytest.raises(WorkflowError):
            approve(a, world.users[role], "county")
    other = Assessment.objects.get(round=rnd, org_unit=world.other_village)
    with pytest.raises(WorkflowError):
        save_answers(other, world.users["village_cadre"], "village", values={"paf-01-01": True})


@pytest.mark.django_db
def test_a_veto_recorded_between_rounds_denies_the_star_in_the_next_round(world, make_round):
    rnd = _recognise_all(world, make_round())
    paf = rnd.rural_framework.compiled().stars_by_code["paf"]
    veto_rule = next(r.code for r in paf.rules if r.veto)
    record_veto(world.village, world.users["town_admin"], veto_rule, datetime.date.today(), "两轮之间发生刑事案件")
    zbgy = StarHolding.objects.get(org_unit=world.village, star_code="zbgy", lost_at__isnull=False)
    assert zbgy.lost_reason == "因平安法治星被一票否决摘除，依赖该星的支部过硬星同时失去。"

    interim = make_round(kind="interim", previous=rnd, name="下一轮动态评星")
    a = Assessment.objects.get(round=interim, org_unit=world.village)
    assert a.veto_events == [veto_rule]
    assert "paf" not in a.awarded and "zbgy" not in a.awarded
    assert "paf" in Assessment.objects.get(round=interim, org_unit=world.sibling).awarded


@pytest.mark.django_db
def test_carried_answers_count_as_progress_only_once_confirmed(world, make_round):
    rnd = _recognise_all(world, make_round())
    interim = make_round(kind="interim", previous=rnd, name="进度测试")
    a = Assessment.objects.get(round=interim, org_unit=world.village)
    assert a.to_confirm and a.progress_done < a.progress_total
    a = confirm_carried(a, world.users["village_cadre"], list(a.to_confirm))
    assert Assessment.objects.get(pk=a.pk).progress_done == a.progress_total
