"""Responses are gzip-compressed when the client accepts it — pages, htmx fragments and API JSON — with the
CSRF token still masked afresh in every response; bodies compressed already (images, PDF) pass through."""

import gzip
import json
import re

import pytest
from django.test import Client

from tests.factories import PASSWORD

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def body(response) -> str:
    data = response.content
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode()


@pytest.mark.django_db
def test_a_page_is_served_gzip_when_asked_and_plain_otherwise(world, login):
    client = login(world.users["county_admin"])
    plain = client.get("/")
    packed = client.get("/", **GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert "您好" in body(packed) and len(packed.content) < len(plain.content) / 2
    # The security headers set further out are still there.
    assert "Content-Security-Policy" in packed and packed["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_api_json_is_compressed_too(world, api_token):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(world.users['county_admin'])}")
    response = client.get("/api/v1/openapi.json", **GZIP)
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert response["Content-Type"].startswith("application/json")
    assert "paths" in json.loads(body(response))
    listed = client.get("/api/v1/rounds", **GZIP)
    assert listed.status_code == 200 and json.loads(body(listed))["count"] == 0


@pytest.mark.django_db
def test_the_csrf_token_is_masked_afresh_in_every_compressed_response(world):
    client = Client(enforce_csrf_checks=True)
    tokens = []
    for _ in range(3):
        page = client.get("/login/", **GZIP)
        assert page["Content-Encoding"] == "gzip"
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body(page)).group(1))
    assert len(set(tokens)) == 3  # a secret that never repeats byte for byte in the compressed body
    response = client.post("/login/", {"username": "county", "password": PASSWORD, "csrfmiddlewaretoken": tokens[0]}, **GZIP)
    assert response.status_code == 302  # an earlier masked token is still valid


@pytest.mark.parametrize("content_type,compressed", [
    ("image/jpeg", False), ("image/png", False), ("application/pdf", False),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    ("text/html; charset=utf-8", True), ("text/csv; charset=utf-8", True), ("image/svg+xml", True),
])
def test_bodies_compressed_already_pass_through(rf, content_type, compressed):
    from django.http import HttpResponse

    from fivestar.core.compression import CompressionMiddleware

    middleware = CompressionMiddleware(lambda request: HttpResponse(b"0123456789" * 500, content_type=content_type))
    response = middleware(rf.get("/", **GZIP))
    assert (response.get("Content-Encoding") == "gzip") is compressed
