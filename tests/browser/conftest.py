import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

# CI runs two browser tests at once on 2 shared cores: an htmx round trip can take longer than Playwright's
# 5 s default there. The assertions stay the same; only the patience grows.
expect.set_options(timeout=20_000)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_world(transactional_db):
    from tests.factories import World

    return World()


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, username) logs in through the real login form."""

    def _sign_in(page, username, password=PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("networkidle")
        return page

    return _sign_in


@pytest.fixture
def shot():
    """shot(page, name): keep a screenshot when SCREENSHOT_DIR is set (for looking at pages by eye)."""
    folder = os.environ.get("SCREENSHOT_DIR")

    def _shot(page, name):
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return _shot


@pytest.fixture(autouse=True)
def _no_csp_violations(request, monkeypatch):
    """Fail a browser test whose pages log a Content-Security-Policy violation (an inline script or
    handler the policy blocked: the page would silently lose that behaviour)."""
    if "browser" not in request.fixturenames and "page" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    seen = []

    def watch(page):
        page.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None)

    original_context, original_page = browser.new_context, browser.new_page

    def new_context(*args, **kwargs):
        context = original_context(*args, **kwargs)
        context.on("page", watch)
        return context

    def new_page(*args, **kwargs):
        page = original_page(*args, **kwargs)
        watch(page)
        return page

    monkeypatch.setattr(browser, "new_context", new_context)
    monkeypatch.setattr(browser, "new_page", new_page)
    yield
    assert not seen, f"Content-Security-Policy violations: {seen[:5]}"
