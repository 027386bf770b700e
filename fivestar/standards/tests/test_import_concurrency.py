"""A large framework import must not hold the database's write lock: others keep logging in and writing.

SQLite allows one writer at a time. The import used to parse and validate inside its transaction (on
SQLite `BEGIN IMMEDIATE` takes the write lock at once): a 5 MB file held it for minutes, and every
login failed with "database is locked". Now parsing runs first and the write is one short transaction.
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from fivestar.standards.models import FrameworkVersion
from tests.factories import PASSWORD

from .big_framework import big_framework_yaml

pytestmark = pytest.mark.slow


def test_no_request_runs_in_one_transaction():
    assert not connection.settings_dict.get("ATOMIC_REQUESTS")


@pytest.mark.django_db(transaction=True)
def test_others_log_in_and_write_while_a_large_framework_imports(world, client):
    from django.test import Client

    content = big_framework_yaml(1_500_000)
    admin = world.users["county_admin"]
    outcome = {}

    def upload():
        try:
            importer = Client()
            importer.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
            response = importer.post("/standards/import/", {
                "file": SimpleUploadedFile("big.yaml", content, content_type="application/x-yaml"), "org_unit": "410928"})
            outcome["status"] = response.status_code
        except BaseException as exc:  # noqa: BLE001 — reported by the main thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=upload)
    thread.start()
    time.sleep(0.3)  # the import is parsing now
    slowest, rounds = 0.0, 0
    while thread.is_alive() or rounds < 3:
        started = time.monotonic()
        response = client.post("/login/", {"username": "town", "password": PASSWORD})
        assert response.status_code == 302, "登录失败"
        get_user_model().objects.create_user(username=f"during-{rounds}", password="x-pass-12345")
        client.logout()
        slowest = max(slowest, time.monotonic() - started)
        rounds += 1
        time.sleep(0.05)
    thread.join()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["status"] == 302
    version = FrameworkVersion.objects.get(code="big-framework")
    assert version.rule_count > 2000
    assert slowest < 2.0, f"a login waited {slowest:.1f} s for the import"
