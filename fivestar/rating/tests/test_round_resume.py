"""A round whose opening stopped (the worker died): 已停滞 on its page, 继续 for its managers, and a resumed
opening that keeps what exists and counts exactly. (The real kill -9 is in core/tests/test_job_recovery.py.)"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from fivestar.rating.models import Assessment, AssessmentEvent, Round
from fivestar.rating.services.opening import populate_round, resume_opening
from fivestar.rating.services.errors import WorkflowError

from .test_round_views import _draft

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - datetime.timedelta(hours=1)


def _half_opened(world, frameworks, settings):
    """As a worker killed after its first batch leaves it: some rows, their counter, an old heartbeat."""
    settings.ROUND_OPEN_BATCH = 2
    rnd = _draft(world, frameworks)
    Round.objects.filter(pk=rnd.pk).update(phase="opening", opened_by=world.users["county_admin"])
    populate_round(rnd.pk)
    made = list(Assessment.objects.filter(round=rnd).order_by("org_unit_id"))
    assert len(made) == 4
    AssessmentEvent.objects.filter(assessment__in=made[2:]).delete()
    Assessment.objects.filter(pk__in=[a.pk for a in made[2:]]).delete()
    Round.objects.filter(pk=rnd.pk).update(phase="opening", open_done=2, open_total=4, heartbeat_at=LONG_AGO)
    return Round.objects.get(pk=rnd.pk)


def test_stalled_opening_shows_stalled_and_resume_button_to_managers_only(world, frameworks, login, settings,
                                                                          django_capture_on_commit_callbacks):
    rnd = _half_opened(world, frameworks, settings)
    page = login(world.users["observer"]).get(f"/rating/rounds/{rnd.pk}/progress/").content.decode()
    assert "已停滞" in page and 'data-testid="progress-resume"' not in page
    assert login(world.users["observer"]).post(f"/rating/rounds/{rnd.pk}/resume/").status_code == 403

    client = login(world.users["county_admin"])
    page = client.get(f"/rating/rounds/{rnd.pk}/").content.decode()
    assert "已停滞" in page and "已创建 2 / 4" in page and 'data-testid="progress-resume"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rating/rounds/{rnd.pk}/resume/")
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert rnd.phase == "open" and rnd.open_done == rnd.open_total == 4
    assert Assessment.objects.filter(round=rnd).count() == 4
    assert AssessmentEvent.objects.filter(assessment__round=rnd, action="opened").count() == 4
    assert "该评星周期不在开启中" in client.post(f"/rating/rounds/{rnd.pk}/resume/", follow=True).content.decode()


def test_a_running_opening_is_not_stalled_and_cannot_be_resumed(world, frameworks, login):
    rnd = _draft(world, frameworks)
    Round.objects.filter(pk=rnd.pk).update(phase="opening", open_total=4, open_done=2, heartbeat_at=timezone.now())
    page = login(world.users["county_admin"]).get(f"/rating/rounds/{rnd.pk}/progress/").content.decode()
    assert "已停滞" not in page and "已创建 2 / 4" in page
    with pytest.raises(WorkflowError, match="仍在进行"):
        resume_opening(Round.objects.get(pk=rnd.pk), world.users["county_admin"])


def test_resumed_run_counts_only_what_exists_and_an_older_run_stops(world, frameworks, settings):
    rnd = _half_opened(world, frameworks, settings)
    Round.objects.filter(pk=rnd.pk).update(open_done=3)  # a counter that ran ahead (the old code added whole batches)
    assert populate_round(rnd.pk) == 2
    rnd.refresh_from_db()
    assert rnd.open_done == rnd.open_total == 4 and rnd.phase == "open"

    # A run whose job was taken over (another token) stops at its next batch and writes nothing.
    from fivestar.rating.services import opening

    Round.objects.filter(pk=rnd.pk).update(open_token="someone-else")
    with pytest.raises(opening.Superseded):
        opening._populate_batch(rnd, "mine", [(world.village.pk, "rural", world.town.pk)], {})


def test_resume_commands(world, frameworks, settings, capsys, django_capture_on_commit_callbacks):
    rnd = _half_opened(world, frameworks, settings)
    call_command("resume_jobs", "--list")
    assert f"评星周期开启 {rnd.pk}：已停滞" in capsys.readouterr().out
    call_command("resume_round", str(rnd.pk), "--here")
    assert "已开启：本次新建 2 份申报，共 4 份" in capsys.readouterr().out
    with pytest.raises(Exception, match="不在开启中"):
        call_command("resume_round", str(rnd.pk))
    call_command("resume_jobs")
    assert "没有已停滞的后台任务" in capsys.readouterr().out
