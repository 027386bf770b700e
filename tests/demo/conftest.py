"""The demo is built once for every test in this package (a minute or two on a busy 2-core machine, and it was
built seven times before): committed to the worker's test database before the first test, flushed after the
last. Each test still runs in its own transaction, so what a test changes (a reload, a recognition) is rolled
back and the next test sees the demo as built. The package is one xdist group (`--dist loadgroup`), so one
worker builds it once."""

import pytest
from django.core.management import call_command


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/demo/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("demo"))
            item.add_marker(pytest.mark.timeout(1800))


@pytest.fixture(scope="package")
def built_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
