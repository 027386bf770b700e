"""截止处理: a village that never submits is closed as 未按期完成 at the deadline and no longer blocks the
notice; recognition applies the round's outcome; the county (only) reverses it with a reason; everyone
hears what concerns them, once."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from fivestar.inbox.models import Notification
from fivestar.rating.models import Assessment, AssessmentEvent, Round, RoundResult, RoundUnitStats, StarHolding, Status
from fivestar.rating.services import WorkflowError, approve, recognise, start_notice, submit
from fivestar.rating.services.deadlines import close_overdue, restore_expired
from fivestar.rating.services import notifications

from .notice_helpers import fill

pytestmark = pytest.mark.django_db


def _others_approved(world, rnd, except_units=()):
    admin = world.users["sysadmin"]
    for a in Assessment.objects.filter(round=rnd).exclude(org_unit__in=except_units).select_related("org_unit", "framework", "round"):
        approve(approve(submit(fill(a, admin), admin, ["paf"]), admin, "town"), admin, "county")


def _after(rnd, field, days=1):
    return getattr(rnd, field) + datetime.timedelta(days=days)


def _hold(unit, code="paf", name="平安法治星"):
    return StarHolding.objects.create(org_unit=unit, star_code=code, star_name=name, gained_at=timezone.now())


def test_one_never_submitting_village_no_longer_blocks_notice_and_recognition(world, make_round):
    rnd = make_round()
    county = world.users["county_admin"]
    _others_approved(world, rnd, except_units=[world.village])
    with pytest.raises(WorkflowError, match="还有 1 个支部"):
        start_notice(rnd, county)

    assert close_overdue(rnd, None, today=rnd.self_deadline) == 0  # the deadline day itself still counts
    assert close_overdue(rnd, None, today=_after(rnd, "self_deadline")) == 1
    assert close_overdue(rnd, None, today=_after(rnd, "self_deadline")) == 0  # idempotent
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    assert a.status == Status.EXPIRED and a.closed_from == Status.NOT_STARTED
    event = AssessmentEvent.objects.get(assessment=a, action=AssessmentEvent.Action.EXPIRE)
    assert event.user is None and event.level == "system" and "村级自评截止" in event.reason
    assert RoundUnitStats.objects.get(round=rnd, unit=world.town).by_status.get("expired") == 1

    rnd = start_notice(rnd, county)
    count = recognise(rnd, county, today=rnd.notice_end + datetime.timedelta(days=1))
    assert count == 4
    result = RoundResult.objects.get(round=rnd, org_unit=world.village)
    assert result.expired and result.rating == 0
    a.refresh_from_db()
    assert a.status == Status.EXPIRED  # stays 未按期完成; the others are 已认定
    assert Assessment.objects.filter(round=rnd, status=Status.RECOGNISED).count() == 3
    assert RoundUnitStats.objects.get(round=rnd, unit=world.town).by_status == {"recognised": 2, "expired": 1}


@pytest.mark.parametrize("outcome, stars, still_held", [("keep", ["paf"], True), ("none", [], False)])
def test_recognition_applies_the_rounds_outcome_to_closed_branches(world, make_round, outcome, stars, still_held):
    rnd = make_round()
    Round.objects.filter(pk=rnd.pk).update(expired_outcome=outcome)
    rnd.refresh_from_db()
    holding = _hold(world.village)
    _others_approved(world, rnd, except_units=[world.village])
    close_overdue(rnd, None, today=_after(rnd, "self_deadline"))
    rnd = start_notice(rnd, world.users["county_admin"])
    recognise(rnd, world.users["county_admin"], today=rnd.notice_end + datetime.timedelta(days=1))
    result = RoundResult.objects.get(round=rnd, org_unit=world.village)
    assert result.expired and result.awarded == stars and result.rating == len(stars)
    holding.refresh_from_db()
    assert (holding.lost_at is None) == still_held
    if not still_held:
        assert "未按期完成" in holding.lost_reason and result.lost == ["paf"]


def test_branches_stuck_at_a_level_close_at_that_levels_deadline(world, make_round):
    rnd = make_round()
    admin = world.users["sysadmin"]
    submitted = submit(fill(Assessment.objects.get(round=rnd, org_unit=world.village), admin), admin, ["paf"])
    town_ok = approve(submit(fill(Assessment.objects.get(round=rnd, org_unit=world.sibling), admin), admin, ["paf"]), admin, "town")
    assert close_overdue(rnd, None, today=_after(rnd, "self_deadline")) == 2  # the two not submitted
    assert close_overdue(rnd, None, today=_after(rnd, "town_deadline")) == 1
    submitted.refresh_from_db()
    assert submitted.status == Status.EXPIRED and submitted.closed_from == Status.SUBMITTED
    assert "镇级初审截止" in AssessmentEvent.objects.get(assessment=submitted, action="expire").reason
    assert close_overdue(rnd, None, today=_after(rnd, "county_deadline")) == 1
    town_ok.refresh_from_db()
    assert town_ok.closed_from == Status.TOWN_APPROVED


def test_county_reverses_with_a_reason_and_a_town_admin_is_refused(world, make_round):
    rnd = make_round()
    day = _after(rnd, "self_deadline")
    close_overdue(rnd, None, today=day)
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    with pytest.raises(WorkflowError, match="只有县级"):
        restore_expired(a, world.users["town_admin"], "镇里想延期", today=day)
    with pytest.raises(WorkflowError, match="须填写理由"):
        restore_expired(a, world.users["county_admin"], "  ", today=day)
    a = restore_expired(a, world.users["county_admin"], "书记住院，经研究同意延期", today=day)
    assert a.status == Status.NOT_STARTED and a.deadline_override == day + datetime.timedelta(days=7)
    event = AssessmentEvent.objects.get(assessment=a, action=AssessmentEvent.Action.RESTORE)
    assert event.user == world.users["county_admin"] and event.reason == "书记住院，经研究同意延期" and event.level == "county"
    # Its own deadline protects it from the next daily pass, but not beyond.
    assert close_overdue(rnd, None, today=day + datetime.timedelta(days=1)) == 0
    assert close_overdue(rnd, None, today=day + datetime.timedelta(days=8)) == 1


def test_reversal_during_notice_sends_the_round_back_to_review(world, make_round):
    rnd = make_round()
    _others_approved(world, rnd, except_units=[world.village])
    close_overdue(rnd, None, today=_after(rnd, "self_deadline"))
    rnd = start_notice(rnd, world.users["county_admin"])
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    restore_expired(a, world.users["county_admin"], "公示期间核实：系统故障未能提交")
    rnd.refresh_from_db()
    assert rnd.phase == Round.Phase.OPEN


def test_manual_closure_is_scoped_and_only_after_the_deadline(world, make_round):
    rnd = make_round()
    with pytest.raises(WorkflowError, match="之后方可"):
        close_overdue(rnd, world.users["town_admin"], today=rnd.self_deadline)
    with pytest.raises(WorkflowError, match="无权"):
        close_overdue(rnd, world.users["supervisor"], today=_after(rnd, "self_deadline"))
    # The town admin closes the town's three branches, not the other town's one.
    assert close_overdue(rnd, world.users["town_admin"], today=_after(rnd, "self_deadline")) == 3
    assert Assessment.objects.get(round=rnd, org_unit=world.other_village).status == Status.NOT_STARTED
    assert AssessmentEvent.objects.filter(action="expire", user=world.users["town_admin"], level="town").count() == 3


def _kinds(user, kind):
    return Notification.objects.filter(user=user, kind=kind)


def test_everyone_hears_what_concerns_them_once(world, make_round):
    secretary, liaison, county = world.users["village_cadre"], world.users["village_liaison"], world.users["county_admin"]
    community_cadre = _community_cadre(world)
    rnd = make_round()
    assert _kinds(secretary, "opened").count() == 1 and _kinds(liaison, "opened").count() == 1
    assert notifications.round_opened(rnd) == 0  # a rerun (resumed opening) sends nothing twice

    admin = world.users["sysadmin"]
    village = submit(fill(Assessment.objects.get(round=rnd, org_unit=world.village), admin), admin, ["paf"])
    sibling = submit(fill(Assessment.objects.get(round=rnd, org_unit=world.sibling), admin), admin, ["paf"])
    village = approve(village, world.users["town_admin"], "town")
    assert _kinds(secretary, "approved").count() == 1
    approve(sibling, world.users["town_admin"], "town")
    digest = list(_kinds(county, "waiting"))
    assert len(digest) == 1 and "2 个支部待县级审核" in digest[0].title  # one per town batch, count kept current
    assert not _kinds(world.users["town_admin"], "waiting").exists()
    approve(village, county, "county")
    assert _kinds(secretary, "approved").count() == 2

    # The community never submits: closed, told once (the rerun closes and tells nothing).
    close_overdue(rnd, None, today=_after(rnd, "self_deadline"))
    close_overdue(rnd, None, today=_after(rnd, "self_deadline"))
    assert _kinds(community_cadre, "expired").count() == 1

    for a in Assessment.objects.filter(round=rnd, status__in=[Status.TOWN_APPROVED]):
        approve(a, county, "county")
    rnd = start_notice(rnd, county)
    assert _kinds(secretary, "notice").count() == 1 and _kinds(community_cadre, "notice").count() == 1
    assert notifications.notice_started(rnd) == 0
    recognise(rnd, county, today=rnd.notice_end + datetime.timedelta(days=1))
    assert _kinds(secretary, "recognised").count() == 1 and "认定为" in _kinds(secretary, "recognised").get().body
    assert "未按期完成" in _kinds(community_cadre, "recognised").get().body
    assert notifications.recognised(rnd) == 0


def _community_cadre(world):
    from tests.factories import user_with_role

    from fivestar.core.roles import Role

    if not hasattr(world, "_community_cadre"):
        world._community_cadre = user_with_role("community", Role.VILLAGE_CADRE, world.community)
    return world._community_cadre


def test_scheduler_runs_the_closure(world, make_round):
    rnd = make_round()
    call_command("close_overdue", "--date", _after(rnd, "self_deadline").isoformat(), stdout=open("/dev/null", "w"))
    assert Assessment.objects.filter(round=rnd, status=Status.EXPIRED).count() == 4
    from fivestar.rating.management.commands.scheduler import JOBS

    assert "close_overdue" in JOBS


def test_county_closes_branches_early_with_a_reason_and_can_reverse_it(world, make_round):
    """Before any deadline (the demo's situation): the county closes what is still with the village, with a
    reason; reviews move the rest; the notice proceeds; the closure is attributed, told and reversible."""
    from fivestar.rating.services.deadlines import close_early

    rnd = make_round()
    county, town_admin = world.users["county_admin"], world.users["town_admin"]
    admin = world.users["sysadmin"]
    village = Assessment.objects.get(round=rnd, org_unit=world.village)
    submitted = submit(fill(Assessment.objects.get(round=rnd, org_unit=world.sibling), admin), admin, ["paf"])
    with pytest.raises(WorkflowError, match="只有县级审核人员"):
        close_early(rnd, town_admin, [village.pk], "村里申请本期不参评")
    with pytest.raises(WorkflowError, match="至少 5 个字"):
        close_early(rnd, county, [village.pk], "不参评")
    with pytest.raises(WorkflowError, match="请先勾选"):
        close_early(rnd, county, ["x", ""], "村里申请本期不参评")
    # A branch waiting for its review is not the village's to finish: skipped, as is one outside the round.
    assert close_early(rnd, county, [village.pk, submitted.pk, 999999], "该村已书面申请本期不参加动态评星") == 1
    village.refresh_from_db()
    submitted.refresh_from_db()
    assert village.status == Status.EXPIRED and village.closed_from == Status.NOT_STARTED and submitted.status == Status.SUBMITTED
    event = AssessmentEvent.objects.get(assessment=village, action="expire")
    assert event.user == county and event.level == "county"
    assert event.reason == f"提前截止处理（村级自评截止 {rnd.self_deadline:%Y-%m-%d} 前）：该村已书面申请本期不参加动态评星"
    told = Notification.objects.get(user=world.users["village_cadre"], kind="expired")
    assert "该村已书面申请本期不参加动态评星" in told.body and "保留上次认定的星" in told.body
    assert close_early(rnd, county, [village.pk], "该村已书面申请本期不参加动态评星") == 0  # already closed

    # The rest: reviewed or closed early, and the notice proceeds the same day.
    approve(approve(submitted, town_admin, "town"), county, "county")
    rest = Assessment.objects.filter(round=rnd, status=Status.NOT_STARTED).values_list("pk", flat=True)
    assert close_early(rnd, county, list(rest), "本期不参评，经县委组织部同意") == 2
    rnd = start_notice(rnd, county)
    assert rnd.phase == Round.Phase.NOTICE
    # Reversible by the county with a reason: the round goes back to review.
    restore_expired(village, county, "误操作，该村仍参加本期评星")
    rnd.refresh_from_db()
    village.refresh_from_db()
    assert rnd.phase == Round.Phase.OPEN and village.status == Status.NOT_STARTED
    with pytest.raises(WorkflowError, match="不能截止处理"):
        rnd.phase = Round.Phase.NOTICE
        close_early(rnd, county, [village.pk], "公示期间不能提前处理")


def test_the_county_digest_keeps_its_count_while_unread_and_starts_again_once_read(world, make_round):
    from django.utils import timezone as tz

    rnd = make_round()
    admin, town_admin, county = world.users["sysadmin"], world.users["town_admin"], world.users["county_admin"]
    village = submit(fill(Assessment.objects.get(round=rnd, org_unit=world.village), admin), admin, ["paf"])
    sibling = submit(fill(Assessment.objects.get(round=rnd, org_unit=world.sibling), admin), admin, ["paf"])
    approve(village, town_admin, "town")
    first = _kinds(county, "waiting").get()
    assert "1 个支部待县级审核" in first.title and first.url.endswith("?status=town_approved")
    Notification.objects.filter(pk=first.pk).update(read_at=tz.now())
    approve(sibling, town_admin, "town")
    unread = _kinds(county, "waiting").filter(read_at__isnull=True).get()
    assert unread.pk != first.pk and "2 个支部待县级审核" in unread.title  # a new message, with the current count
    # The other town's reviewers are not told about this town; the village hears nothing about the digest.
    assert not _kinds(world.users["village_cadre"], "waiting").exists()
