"""A task's page and its steps: the village moves it to done with evidence, a refused step shows the service's
message (stale version, a cancel without reason, an observer), the town edits owner and deadline, tasks are added
by hand, a supervision problem becomes a task from its page; the village home shows current vs target."""

import datetime
import re

import pytest
from django.utils import timezone

from fivestar.planning.models import LedgerTask, TaskEvent
from fivestar.planning.models.ledger import TaskSource
from fivestar.planning.services import set_task_status

from .conftest import png

pytestmark = pytest.mark.django_db
YEAR = 2025


def _page(client, task) -> str:
    response = client.get(f"/planning/tasks/{task.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_village_moves_a_task_to_done_with_evidence(plan, world, login):
    task = plan.task(title="建设村史馆")
    client = login(plan.secretary_user)
    html = _page(client, task)
    assert 'data-testid="done-form"' in html and 'data-testid="edit-panel"' not in html  # the town edits, not the village
    assert 'data-testid="move-cancelled"' not in html
    response = client.post(f"/planning/tasks/{task.pk}/status/", {
        "status": "done", "version": task.version, "reason": "村史馆已布展开放", "completed_on": timezone.localdate().isoformat(),
        "files": [png(name="村史馆.png"), png((10, 120, 10), name="开馆.png")]}, follow=True)
    html = response.content.decode()
    assert "任务已标记为已完成。已添加 2 个佐证。" in html
    task.refresh_from_db()
    assert task.status == "done" and task.completed_on == timezone.localdate()
    assert sorted(task.evidence.values_list("original_name", flat=True)) == ["开馆.png", "村史馆.png"]
    assert re.search(r'data-testid="task-status">已完成<', html)
    events = list(TaskEvent.objects.filter(task=task).order_by("id").values_list("action", "reason", "user_id"))
    assert ("status", "村史馆已布展开放", plan.secretary_user.pk) in events
    assert sum(1 for a, _, _ in events if a == "evidence") == 2
    assert "王书记（村党支部书记）" in html  # the history names the person, not the login
    assert 'data-testid="move-doing"' in html  # done → 重新推进


def test_refused_steps_show_the_service_s_message_and_change_nothing(plan, world, login):
    task = plan.task()
    town = login(plan.town_admin)
    stale = task.version
    set_task_status(task, plan.secretary_user, "doing")
    response = town.post(f"/planning/tasks/{task.pk}/status/", {"status": "done", "version": stale})
    assert response.status_code == 400
    assert "该任务已被他人修改（当前状态：推进中），请刷新后重试。" in response.content.decode()
    task.refresh_from_db()
    response = town.post(f"/planning/tasks/{task.pk}/status/", {"status": "cancelled", "version": task.version})
    assert response.status_code == 400 and "请填写取消任务的原因。" in response.content.decode()
    response = town.post(f"/planning/tasks/{task.pk}/status/", {"status": "done", "version": task.version,
                                                              "completed_on": "2099-01-01", "files": [png()]})
    assert response.status_code == 400 and "完成日期不能晚于今天。" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "doing" and not task.evidence.exists()  # the evidence of a refused step is not attached
    observer = login(plan.observer)
    html = _page(observer, task)
    assert 'data-testid="actions"' not in html and 'data-testid="edit-panel"' not in html
    response = observer.post(f"/planning/tasks/{task.pk}/status/", {"status": "done", "version": task.version})
    assert response.status_code == 400 and "您无权推进「西辛庄村」的创建台账任务。" in response.content.decode()
    response = observer.post(f"/planning/tasks/{task.pk}/evidence/", {"files": [png()]})
    assert response.status_code == 400 and "您无权为「西辛庄村」的任务添加佐证。" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "doing" and not task.evidence.exists()


def test_the_town_cancels_with_a_reason_and_edits_owner_and_deadline(plan, world, login):
    task = plan.task()
    town = login(plan.town_admin)
    html = _page(town, task)
    assert 'data-testid="edit-panel"' in html and 'data-testid="move-cancelled"' in html
    new_deadline = timezone.localdate() + datetime.timedelta(days=40)
    response = town.post(f"/planning/tasks/{task.pk}/edit/", {
        "village": world.village.pk, "star_code": "cyxw", "title": "发展村集体经济项目（扩建）", "description": "扩建大棚",
        "responsible": plan.secretary.pk, "deadline": new_deadline.isoformat(), "version": task.version}, follow=True)
    assert "任务已修改。" in response.content.decode()
    task.refresh_from_db()
    assert (task.responsible_id, task.deadline, task.title) == (plan.secretary.pk, new_deadline, "发展村集体经济项目（扩建）")
    assert TaskEvent.objects.filter(task=task, action="edit", reason__contains="责任人").exists()
    stranger = plan.sibling_secretary  # another village's secretary is not offered, nor accepted
    response = town.post(f"/planning/tasks/{task.pk}/edit/", {
        "village": world.village.pk, "star_code": "cyxw", "title": "x", "responsible": stranger.pk,
        "deadline": new_deadline.isoformat(), "version": task.version})
    assert response.status_code == 400 and "责任人：" in response.content.decode()
    response = town.post(f"/planning/tasks/{task.pk}/status/", {"status": "cancelled", "version": task.version, "reason": "与其他任务重复"}, follow=True)
    assert "任务已取消。" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "cancelled"
    secretary = login(plan.secretary_user)
    refused = secretary.post(f"/planning/tasks/{task.pk}/edit/", {"village": world.village.pk, "star_code": "cyxw", "title": "y",
                                                                 "deadline": new_deadline.isoformat(), "version": task.version})
    assert refused.status_code == 400 and "您无权修改「西辛庄村」的创建台账任务。" in refused.content.decode()


def test_tasks_are_added_by_hand_for_a_village_or_a_town_s_village(plan, world, login):
    town = login(plan.town_admin)
    deadline = (timezone.localdate() + datetime.timedelta(days=15)).isoformat()
    form = town.get(f"/planning/tasks/new/?unit={world.village.code}&year={YEAR}").content.decode()
    assert "李包村" in form and "王书记" in form and "孙书记" not in form
    response = town.post("/planning/tasks/new/", {"unit": world.village.code, "year": YEAR, "village": world.village.pk,
                                                   "star_code": "stjy", "title": "改造村内道路", "deadline": deadline}, follow=True)
    assert "已新增台账任务「改造村内道路」。" in response.content.decode()
    task = LedgerTask.objects.get(title="改造村内道路")
    assert (task.org_unit_id, task.year, task.source, task.responsible_id) == (world.village.pk, YEAR, TaskSource.MANUAL, plan.liaison.pk)
    response = town.post("/planning/tasks/new/", {"unit": world.town.code, "year": YEAR, "village": world.sibling.pk,
                                                   "star_code": "paf", "title": "建设平安村", "deadline": deadline}, follow=True)
    assert LedgerTask.objects.get(title="建设平安村").org_unit_id == world.sibling.pk
    bad = town.post("/planning/tasks/new/", {"unit": world.town.code, "year": YEAR, "village": world.other_village.pk,
                                              "star_code": "paf", "title": "越权", "deadline": deadline})
    assert bad.status_code == 400 and not LedgerTask.objects.filter(title="越权").exists()
    past = town.post("/planning/tasks/new/", {"unit": world.village.code, "year": YEAR, "village": world.village.pk,
                                               "star_code": "stjy", "title": "过期", "deadline": "2020-01-01"})
    assert past.status_code == 400 and "完成时限不能早于今天。" in past.content.decode()
    assert login(plan.secretary_user).get(f"/planning/tasks/new/?unit={world.village.code}").status_code == 404
    assert login(plan.other_town_admin).get(f"/planning/tasks/new/?unit={world.village.code}").status_code == 404


def test_a_supervision_problem_becomes_a_task_from_its_page(plan, world, login):
    from fivestar.supervision.services import create_problem

    problem = create_problem(plan.supervisor, world.village, description="村内垃圾堆放未清理", severity="minor", star_code="stjy")
    supervisor = login(plan.supervisor)
    page = supervisor.get(f"/supervision/problems/{problem.pk}/").content.decode()
    assert 'data-testid="problem-to-ledger"' not in page  # a supervisor does not manage the ledger
    assert supervisor.post(f"/planning/from-problem/{problem.pk}/", follow=True).status_code == 200
    assert not LedgerTask.objects.exists()
    town = login(plan.town_admin)
    page = town.get(f"/supervision/problems/{problem.pk}/").content.decode()
    assert 'data-testid="problem-to-ledger"' in page
    response = town.post(f"/planning/from-problem/{problem.pk}/", follow=True)
    task = LedgerTask.objects.get(problem=problem)
    assert response.redirect_chain[-1][0] == f"/planning/tasks/{task.pk}/"
    assert "督导问题已转为" in response.content.decode() and "查看督导问题" in response.content.decode()
    assert (task.source, task.star_code, task.deadline) == (TaskSource.PROBLEM, "stjy", problem.deadline)
    page = town.get(f"/supervision/problems/{problem.pk}/").content.decode()
    assert f'href="/planning/tasks/{task.pk}/" data-testid="problem-ledger-link"' in page
    town.post(f"/planning/from-problem/{problem.pk}/")
    assert LedgerTask.objects.filter(problem=problem).count() == 1
    assert login(plan.other_town_admin).post(f"/planning/from-problem/{problem.pk}/").status_code == 404


def test_the_village_home_shows_current_vs_target_and_the_ledger(plan, world, login):
    plan.target(rating=2, stars=("cyxw", "stjy"), year=timezone.localdate().year)
    task = plan.task(year=timezone.localdate().year)
    LedgerTask.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    html = login(plan.secretary_user).get("/").content.decode()
    card = html[html.index('data-testid="todo-targets"'):]
    assert "当前 <strong>0</strong> 星 / 目标 <strong>2</strong> 星" in card and "还差：产业兴旺星、生态宜居星" in card
    assert "创建台账：未完成 1 项" in card
    assert 'data-testid="todo-targets"' not in login(plan.sibling_cadre).get("/").content.decode()  # no target, no tasks


def test_task_evidence_photos_are_stored_without_location(plan, world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fivestar.rating.tests.images import assert_stored_without_location, photo_with_gps

    task = plan.task(title="建设村史馆")
    response = login(plan.secretary_user).post(f"/planning/tasks/{task.pk}/evidence/", {
        "files": [SimpleUploadedFile("村史馆.jpg", photo_with_gps(), content_type="image/jpeg")]})
    assert response.status_code == 302, response.content.decode()[:500]
    assert_stored_without_location(task.evidence.get())


def test_invisible_characters_are_cleaned_from_the_task_form(plan, world, login):
    deadline = (timezone.localdate() + datetime.timedelta(days=15)).isoformat()
    response = login(plan.town_admin).post("/planning/tasks/new/", {
        "unit": world.village.code, "year": YEAR, "village": world.village.pk, "star_code": "stjy",
        "title": "改造\u200b村内\x00道路\u202e", "deadline": deadline}, follow=True)
    assert "已新增台账任务「改造村内道路」。" in response.content.decode()
    assert LedgerTask.objects.filter(title="改造村内道路").exists()
