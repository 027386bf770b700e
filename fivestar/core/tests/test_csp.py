"""Every page carries a Content-Security-Policy without 'unsafe-inline' for scripts, and no template
needs inline script: scripts are static files, behaviours are data attributes."""

import re
from pathlib import Path

import pytest

from fivestar.core.roles import Role

ROOT = Path(__file__).resolve().parents[2]


def _policy(response) -> dict:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/", "/people/", "/orgs/", "/standards/", "/no-such-page/", "/api/v1/org-units",
                                 "/api/v1/docs"])
def test_header_on_every_kind_of_page(world, login, url):
    response = login(world.users[Role.TOWN_ADMIN]).get(url)
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert any(s.startswith("'nonce-") for s in policy["script-src"])
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_nonce_differs_per_request(client):
    first, second = (_policy(client.get("/login/"))["script-src"] for _ in range(2))
    assert first != second


def test_no_template_has_inline_script_or_inline_event_handlers():
    offenders = []
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag and "nonce=" not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        offenders += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*\"", text)]
    assert not offenders, offenders
