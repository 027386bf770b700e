"""An unreachable database is no internal error: the 500 handler answers 503 in Chinese (JSON under /api/) without
touching the database, other errors keep the 500 page, and a background job leaves its row to be resumed instead of
recording a failure. The real restart is test_faults_postgres.py; these are the pieces, fast."""

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from fivestar.core.db_unavailable import is_database_error
from fivestar.core.views import server_error
from fivestar.planning.tests.conftest import frameworks, plan  # noqa: F401


def handled(path: str, error: Exception):
    request = RequestFactory().get(path)
    try:
        raise error
    except Exception:  # noqa: BLE001 — the handler reads the exception being handled, as Django calls it
        return server_error(request)


def test_a_page_whose_database_is_down_gets_a_chinese_503_that_retries():
    response = handled("/rating/my/", OperationalError("connection refused"))  # no django_db mark: a query would raise
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "<h1>数据库暂时不可用</h1>" in response.content.decode()


def test_the_api_gets_json_with_a_chinese_detail():
    response = handled("/api/v1/org-units", InterfaceError("connection already closed"))
    assert response.status_code == 503 and json.loads(response.content) == {"detail": "数据库暂时不可用，请稍后重试。"}


@pytest.mark.django_db
def test_any_other_error_is_still_the_500_page():
    response = handled("/rating/my/", ValueError("a bug"))
    assert response.status_code == 500 and "系统繁忙" in response.content.decode()


def test_a_database_error_is_found_behind_the_error_it_caused():
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as cause:
            raise RuntimeError("rendering failed") from cause
    except RuntimeError as error:
        assert is_database_error(error)
    assert not is_database_error(ValueError("x")) and not is_database_error(None)


@pytest.mark.django_db
def test_a_job_that_loses_its_database_stays_running_to_be_resumed(plan, world, monkeypatch):  # noqa: F811
    from fivestar.planning.models import LetterBatch
    from fivestar.planning.services import letters_batch

    batch = LetterBatch.objects.create(town=world.town, year=2031, total=3, status=LetterBatch.Status.QUEUED,
                                       created_by=plan.town_admin)

    def lost(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(letters_batch, "render_batch", lost)
    with pytest.raises(OperationalError):
        letters_batch.run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == LetterBatch.Status.RUNNING and not batch.message  # not 失败: the watchdog resumes it
