"""Shared fixtures: a real hierarchy, logged-in clients, API tokens, and Debian Chromium for Playwright."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
]


@pytest.fixture
def world(db):
    from tests.factories import World

    return World()


@pytest.fixture
def login(client):
    """login(user) → the Django test client, logged in as user."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def api_token(db):
    """api_token(user) → a bearer token string for the API."""
    from fivestar.api.models import ApiToken

    return lambda user: ApiToken.issue(user, label="test")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # No browser download here: drive the distribution's Chromium at /usr/bin/chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


def pytest_terminal_summary(terminalreporter):
    """Print the figures a test recorded with record_property("bench", line) after the run: pytest captures a
    passing test's print (and xdist workers' output never reaches the terminal), so CI would otherwise run the
    page benchmark without anyone seeing its numbers. user_properties travel with the report from the worker."""
    lines = [value for report in terminalreporter.getreports("passed") for key, value in report.user_properties if key == "bench"]
    if lines:
        terminalreporter.section("bench")
        for line in lines:
            terminalreporter.write_line(line)
