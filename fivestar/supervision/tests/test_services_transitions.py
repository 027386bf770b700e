"""Every transition allowed and refused per role, with the reason shown to the user, and its history."""

import datetime

import pytest
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.inbox.models import Notification
from fivestar.supervision.models import Problem, ProblemEvent, Rectification, SupervisionSettings
from fivestar.supervision.services import (SupervisionError, accept, add_problem_photo, change_deadline, reject,
                                           start_rectification, submit_rectification)

pytestmark = pytest.mark.django_db

SUPERVISING = ["sysadmin", "county_admin", "town_admin", "supervisor", "countysup"]
NOT_SUPERVISING = ["observer", "arealeader", "othersup", "siblingcadre"]
VILLAGE_SIDE = ["secretary", "liaison"]
RECTIFYING = ["secretary", "liaison", "sysadmin"]
NOT_RECTIFYING = ["observer", "arealeader", "supervisor", "town_admin", "county_admin", "othersup", "siblingcadre"]


def user(sup, name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username={"county_admin": "county", "town_admin": "town", "sysadmin": "sys"}.get(name, name))


def at_status(sup, status):
    p = sup.problem()
    if status in ("rectifying", "checking", "closed"):
        p = start_rectification(p, sup.secretary_user)
    if status in ("checking", "closed"):
        submit_rectification(p, sup.secretary_user, "已清理")
    if status == "closed":
        accept(p, sup.supervisor)
    p.refresh_from_db()
    assert p.status == status
    return p


@pytest.mark.parametrize("name", SUPERVISING)
def test_supervising_roles_record_problems(sup, name):
    p = sup.problem(user=user(sup, name))
    assert p.status == "pending" and p.created_by == user(sup, name)


@pytest.mark.parametrize("name", [*NOT_SUPERVISING, *VILLAGE_SIDE])
def test_other_roles_cannot_record_problems(sup, name):
    with pytest.raises(SupervisionError, match="您无权为「西辛庄村」登记督导问题"):
        sup.problem(user=user(sup, name))
    assert not Problem.objects.exists()


@pytest.mark.parametrize("name", RECTIFYING)
def test_village_side_starts_and_submits(sup, name):
    p = start_rectification(sup.problem(), user(sup, name), "马上整改")
    assert p.status == "rectifying" and p.rectifying_at is not None
    rect = submit_rectification(p, user(sup, name), "已清理垃圾", evidence=[sup.photo()])
    p.refresh_from_db()
    assert p.status == "checking" and rect.outcome == "waiting" and rect.evidence.count() == 1


@pytest.mark.parametrize("name", NOT_RECTIFYING)
def test_others_cannot_rectify(sup, name):
    p = sup.problem()
    with pytest.raises(SupervisionError, match="只有「西辛庄村」的村干部或包村干部才能开始整改"):
        start_rectification(p, user(sup, name))
    with pytest.raises(SupervisionError, match="才能提交整改"):
        submit_rectification(p, user(sup, name), "已整改")
    p.refresh_from_db()
    assert p.status == "pending" and p.version == 1
    assert list(p.events.values_list("action", flat=True)) == ["create"]


@pytest.mark.parametrize("name", SUPERVISING)
def test_supervising_roles_sign_off_and_reject(sup, name):
    p = at_status(sup, "checking")
    p = reject(p, user(sup, name), "垃圾仍有残留", photos=[sup.photo(color=(1, 2, 3))])
    assert p.status == "rectifying"
    rect = Rectification.objects.get(problem=p)
    assert rect.outcome == "rejected" and rect.review_comment == "垃圾仍有残留" and rect.review_photos.count() == 1
    submit_rectification(p, sup.secretary_user, "已彻底清理")
    p = accept(p, user(sup, name), "整改到位")
    assert p.status == "closed" and p.closed_by == user(sup, name) and p.closed_at
    assert list(p.rectifications.values_list("outcome", flat=True)) == ["rejected", "accepted"]


@pytest.mark.parametrize("name", VILLAGE_SIDE)
def test_a_village_cannot_sign_off_or_reject_its_own_problem(sup, name):
    p = at_status(sup, "checking")
    with pytest.raises(SupervisionError, match="^村里不能为本村的问题销号。$"):
        accept(p, user(sup, name))
    with pytest.raises(SupervisionError, match="^村里不能为本村的问题退回整改。$"):
        reject(p, user(sup, name), "不行")
    p.refresh_from_db()
    assert p.status == "checking"


def test_a_village_supervisor_role_still_cannot_sign_off_its_own_village(sup, world):
    from tests.factories import user_with_role

    odd = user_with_role("villagesup", Role.SUPERVISOR, world.village)
    p = at_status(sup, "checking")
    with pytest.raises(SupervisionError, match="村里不能为本村的问题销号"):
        accept(p, odd)


def test_a_county_team_s_problem_is_decided_at_county_rank(sup, world):
    """Rank, not only scope: the town's supervisors and administrator cover the village, but a problem a county special
    team found is signed off, returned or re-dated only by the county's supervisors."""
    from fivestar.supervision.services import create_problem, save_team, submit_rectification

    county_admin = world.users[Role.COUNTY_ADMIN]
    team = save_team(county_admin, unit=world.county, name="县专项督导组", villages=[world.village])
    p = create_problem(sup.county_supervisor, world.village, description="专项督导：村务公开栏未更新", severity="minor", team=team)
    submit_rectification(p, sup.secretary_user, "已更新公开栏")
    for town_user in (sup.town_admin, sup.supervisor):
        with pytest.raises(SupervisionError, match="须由濮阳县或上级督导人员销号"):
            accept(p, town_user)
        with pytest.raises(SupervisionError, match="须由濮阳县或上级督导人员退回整改"):
            reject(p, town_user, "不行")
        with pytest.raises(SupervisionError, match="须由濮阳县或上级督导人员调整整改期限"):
            change_deadline(p, town_user, p.deadline + datetime.timedelta(days=3), "延期")
    assert Problem.objects.get(pk=p.pk).status == "checking"
    assert accept(p, sup.county_supervisor).status == "closed"


@pytest.mark.parametrize("name", NOT_SUPERVISING)
def test_others_cannot_sign_off(sup, name):
    p = at_status(sup, "checking")
    with pytest.raises(SupervisionError, match="您无权为「西辛庄村」的问题销号"):
        accept(p, user(sup, name))
    with pytest.raises(SupervisionError, match="您无权为「西辛庄村」的问题退回整改"):
        reject(p, user(sup, name), "不行")


@pytest.mark.parametrize("status", ["pending", "rectifying"])
def test_a_problem_never_rectified_cannot_be_signed_off(sup, status):
    p = at_status(sup, status)
    with pytest.raises(SupervisionError, match="^该问题尚未提交整改，不能销号。$"):
        accept(p, sup.supervisor)
    with pytest.raises(SupervisionError, match="^该问题尚未提交整改，不能退回整改。$"):
        reject(p, sup.supervisor, "不行")


def test_refused_steps_by_status(sup):
    closed = at_status(sup, "closed")
    with pytest.raises(SupervisionError, match="^该问题已销号。$"):
        accept(closed, sup.supervisor)
    with pytest.raises(SupervisionError, match="已销号，不能再提交整改"):
        submit_rectification(closed, sup.secretary_user, "再交")
    with pytest.raises(SupervisionError, match="只有待整改的问题才能开始整改"):
        start_rectification(closed, sup.secretary_user)
    with pytest.raises(SupervisionError, match="已销号，不能调整整改期限"):
        change_deadline(closed, sup.supervisor, closed.deadline + datetime.timedelta(days=3), "延期")
    checking = at_status(sup, "checking")
    with pytest.raises(SupervisionError, match="已提交复查，请等待督导组复查"):
        submit_rectification(checking, sup.secretary_user, "再交")
    with pytest.raises(SupervisionError, match="^请填写复查意见。$"):
        reject(checking, sup.supervisor, "   ")
    with pytest.raises(SupervisionError, match="^请填写整改措施。$"):
        submit_rectification(at_status(sup, "pending"), sup.secretary_user, "")


def test_submit_straight_from_pending_and_every_step_is_recorded(sup):
    p = sup.problem()
    submit_rectification(p, sup.secretary_user, "当天清理")
    reject(p, sup.supervisor, "仍有残留")
    submit_rectification(p, sup.liaison_user, "再次清理")
    accept(p, sup.town_admin, "到位")
    events = list(p.events.order_by("at", "id").values_list("action", "from_status", "to_status", "user__username", "reason"))
    assert events == [
        ("create", "", "pending", "supervisor", "村内垃圾堆放未清理"),
        ("submit", "pending", "checking", "secretary", "当天清理"),
        ("reject", "checking", "rectifying", "supervisor", "仍有残留"),
        ("submit", "rectifying", "checking", "liaison", "再次清理"),
        ("accept", "checking", "closed", "town", "到位"),
    ]
    p.refresh_from_db()
    assert p.version == 5 and all(e.at is not None for e in p.events.all())


def test_a_stale_version_is_refused(sup):
    p = sup.problem()
    start_rectification(p, sup.secretary_user, version=1)
    with pytest.raises(SupervisionError, match="已被他人修改（当前状态：整改中）"):
        submit_rectification(p, sup.secretary_user, "已整改", version=1)
    submit_rectification(p, sup.secretary_user, "已整改", version=2)


def test_defaults_responsible_deadline_and_notifications(sup, world):
    p = sup.problem(severity="serious")
    assert p.responsible == sup.secretary
    assert p.deadline == timezone.localdate() + datetime.timedelta(days=5)
    SupervisionSettings.objects.create(town=world.town, deadline_days={"minor": 20, "general": 9, "serious": 3})
    assert sup.problem(severity="serious").deadline == timezone.localdate() + datetime.timedelta(days=3)
    assert sup.problem(severity="general", found_on=datetime.date(2026, 1, 30)).deadline == datetime.date(2026, 2, 8)
    told = set(Notification.objects.filter(dedupe_key=f"sup-new-{p.pk}").values_list("user__username", flat=True))
    assert told == {"secretary", "liaison"}


def test_problem_input_is_checked(sup, world):
    with pytest.raises(SupervisionError, match="请填写问题描述"):
        sup.problem(description="  ")
    with pytest.raises(SupervisionError, match="严重程度"):
        sup.problem(severity="huge")
    with pytest.raises(SupervisionError, match="只能登记到村"):
        sup.problem(village=world.town)
    with pytest.raises(SupervisionError, match="整改期限不能早于发现日期"):
        sup.problem(deadline=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(SupervisionError, match="发现日期不能晚于今天"):
        sup.problem(found_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(SupervisionError, match="不在督导组「第一督导组」的范围内"):
        sup.problem(user=sup.county_supervisor, village=world.other_village, team=sup.team)
    with pytest.raises(SupervisionError, match="不属于「西辛庄村」"):
        sup.problem(photos=[sup.photo(unit=world.sibling)])
    assert not Problem.objects.exists()


def test_client_uid_retry_returns_the_first_problem(sup, uid):
    key = uid()
    first = sup.problem(client_uid=key)
    again = sup.problem(client_uid=key, description="重试时的文字")
    assert again.pk == first.pk and Problem.objects.count() == 1 and ProblemEvent.objects.count() == 1
    with pytest.raises(SupervisionError, match="记录编号已被使用"):
        sup.problem(user=sup.other_town_supervisor, village=sup.world.other_village, client_uid=key)


def test_change_deadline(sup):
    p = sup.problem()
    with pytest.raises(SupervisionError, match="请填写调整期限的原因"):
        change_deadline(p, sup.supervisor, p.deadline + datetime.timedelta(days=5), "")
    with pytest.raises(SupervisionError, match="村里不能为本村的问题调整整改期限"):
        change_deadline(p, sup.secretary_user, p.deadline + datetime.timedelta(days=5), "需要采购")
    new = p.deadline + datetime.timedelta(days=5)
    p = change_deadline(p, sup.supervisor, new, "需要采购设备")
    assert p.deadline == new
    event = p.events.get(action="deadline")
    assert event.reason == "需要采购设备" and event.detail["to"] == new.isoformat()


def test_problem_photos_are_attached_once(sup, world):
    p = sup.problem()
    photo = sup.photo()
    add_problem_photo(p, sup.supervisor, photo)
    add_problem_photo(p, sup.secretary_user, photo)
    assert p.photos.count() == 1 and p.events.filter(action="edit").count() == 1
    with pytest.raises(SupervisionError, match="不属于「西辛庄村」"):
        add_problem_photo(p, sup.supervisor, sup.photo(unit=world.sibling))
    with pytest.raises(SupervisionError, match="无权"):
        add_problem_photo(p, sup.observer, photo)


def test_submission_notifies_the_reviewers_and_verdicts_notify_the_village(sup):
    p = sup.problem(team=sup.team)
    rect = submit_rectification(p, sup.secretary_user, "已整改")
    assert set(Notification.objects.filter(dedupe_key=f"sup-submit-{p.pk}-{rect.pk}").values_list("user__username", flat=True)) == {"supervisor"}
    accept(p, sup.county_supervisor)
    assert set(Notification.objects.filter(dedupe_key=f"sup-accept-{p.pk}").values_list("user__username", flat=True)) == {"secretary", "liaison"}
