import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    from .factories import World

    return World()


@pytest.fixture
def login(client):
    """login(user) → a Django test client logged in as user (no password round-trip)."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def api_token(db):
    """api_token(user) → a bearer token string for the API."""
    from fivestar.api.models import ApiToken

    return lambda user: ApiToken.issue(user, label="test")
