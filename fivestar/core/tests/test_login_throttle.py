"""Login throttling: one address cannot try many user names, and nobody can lock an account out from
another address. Real requests through the web login (django-axes with our handler)."""

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

A, B = "10.1.1.1", "10.2.2.2"


def login(client, username, password, address):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_one_address_trying_many_user_names_is_locked(world, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    client = Client()
    for i in range(7):  # never more than one failure per user name
        assert login(client, f"guess{i}", "wrong", A).status_code == 200
    assert login(client, "guess7", "wrong", A).status_code == 429  # the 8th failure locks the address
    response = login(client, "town", PASSWORD, A)
    assert response.status_code == 429
    assert "已暂时锁定" in response.content.decode()
    # The same account from another address is not affected.
    assert login(Client(), "town", PASSWORD, B).status_code == 302


def test_address_limit_is_higher_than_the_per_account_limit(world, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    client = Client()
    for i in range(7):
        login(client, f"guess{i}", "wrong", A)
    assert login(client, "town", PASSWORD, A).status_code == 302  # 7 < 8: not yet locked


def test_own_successful_login_does_not_reset_the_address_counter(world, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    client = Client()
    for i in range(7):
        login(client, f"guess{i}", "wrong", A)
    assert login(Client(), "county", PASSWORD, A).status_code == 302
    login(client, "guess-more", "wrong", A)
    assert login(Client(), "town", PASSWORD, A).status_code == 429


def test_lockout_from_one_address_does_not_lock_the_account_elsewhere(world):
    attacker = Client()
    for _ in range(5):
        login(attacker, "town", "wrong", A)
    assert login(attacker, "town", PASSWORD, A).status_code == 429
    response = login(Client(), "town", PASSWORD, B)
    assert response.status_code == 302 and response["Location"] == "/"


def test_api_token_endpoint_counts_toward_the_address_limit(world, settings, client):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 4
    for i in range(4):
        client.post("/api/v1/auth/token", {"username": f"guess{i}", "password": "wrong"}, content_type="application/json", REMOTE_ADDR=A)
    response = client.post("/api/v1/auth/token", {"username": "town", "password": PASSWORD}, content_type="application/json", REMOTE_ADDR=A)
    assert response.status_code == 429 and "锁定" in response.json()["detail"]
    response = client.post("/api/v1/auth/token", {"username": "town", "password": PASSWORD}, content_type="application/json", REMOTE_ADDR=B)
    assert response.status_code == 200
