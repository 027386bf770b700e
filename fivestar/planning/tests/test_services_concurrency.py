"""PostgreSQL only: status steps in sibling villages (sharing their town's, county's… kept rows) and the daily job
at the same time neither deadlock nor lose a count."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from fivestar.planning.models import LedgerTask
from fivestar.planning.services import run_planning_daily, set_task_status
from fivestar.planning.services.stats import differences

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and deadlocks need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_concurrent_steps_and_the_daily_job(plan, world):
    today = timezone.localdate()
    tasks = [plan.task(village=v, title=f"任务{i}", deadline=today + datetime.timedelta(days=i % 3))
             for i, v in enumerate([world.village, world.sibling] * 6)]
    worker_of = {world.village.pk: plan.secretary_user, world.sibling.pk: plan.sibling_cadre}
    barrier = threading.Barrier(4)
    errors = []

    def worker(chunk, final):
        try:
            barrier.wait()
            for task in chunk:
                set_task_status(task, worker_of[task.org_unit_id], "doing")
                set_task_status(task, plan.town_admin if final == "cancelled" else worker_of[task.org_unit_id], final, "完成")
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    def daily():
        try:
            barrier.wait()
            for offset in range(4):
                run_planning_daily(today + datetime.timedelta(days=offset))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(tasks[0::3], "done")),
               threading.Thread(target=worker, args=(tasks[1::3], "cancelled")),
               threading.Thread(target=worker, args=(tasks[2::3], "done")),
               threading.Thread(target=daily)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert LedgerTask.objects.filter(status="done").count() == 8 and LedgerTask.objects.filter(status="cancelled").count() == 4
    assert differences() == []
