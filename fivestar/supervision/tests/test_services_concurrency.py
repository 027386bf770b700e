"""PostgreSQL only: concurrent transitions in sibling villages (sharing their town's, county's… kept rows) and the
daily job at the same time neither deadlock nor lose a count."""

import datetime
import threading

import pytest
from django.db import connection, connections

from fivestar.supervision.models import Problem
from fivestar.supervision.services import accept, reject, run_daily, submit_rectification
from fivestar.supervision.services.stats import differences

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and deadlocks need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_and_the_daily_job(sup, world):
    from fivestar.supervision.services import start_rectification

    today = datetime.date.today()
    late = today - datetime.timedelta(days=1)
    problems = [sup.problem(village=v, team=sup.team, description=f"问题{i}",
                            found_on=late - datetime.timedelta(days=5), deadline=late if i % 2 else today + datetime.timedelta(days=9))
                for i, v in enumerate([world.village, world.sibling] * 6)]
    rectifier = {world.village.pk: sup.secretary_user, world.sibling.pk: sup.sibling_cadre}
    barrier = threading.Barrier(4)
    errors = []

    def worker(chunk, verdict):
        try:
            barrier.wait()
            for p in chunk:
                start_rectification(p, rectifier[p.org_unit_id])
                submit_rectification(p, rectifier[p.org_unit_id], "已整改")
                verdict(p)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    def daily():
        try:
            barrier.wait()
            for offset in range(3):
                run_daily(today + datetime.timedelta(days=offset))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(problems[0::3], lambda p: accept(p, sup.supervisor))),
        threading.Thread(target=worker, args=(problems[1::3], lambda p: reject(p, sup.town_admin, "不到位"))),
        threading.Thread(target=worker, args=(problems[2::3], lambda p: accept(p, sup.county_supervisor))),
        threading.Thread(target=daily),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert Problem.objects.filter(status="closed").count() == 8 and Problem.objects.filter(status="rectifying").count() == 4
    assert differences() == []
