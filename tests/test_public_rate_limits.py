"""Every page and API route reachable without logging in carries a per-address limit (fivestar/core/ratelimit.py),
found by walking the URL patterns so that a new public form cannot be missed; and the limits of the login forms, the
API token, the OpenAPI document and the commitments page hold: N allowed, the next refused with 429 in Chinese and
nothing done, another address unaffected."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from fivestar.api.api import api
from fivestar.api.models import ApiToken
from fivestar.core.ratelimit import AddressThrottle
from tests.factories import PASSWORD

DUMMY = {"int": "999999", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}
REGEX_CANDIDATES = ["x", "1", "auth", "people"]
LOGIN_PATHS = ("/login/", "/django-admin/login/")


def _walk(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _concrete(route: str, pattern: URLPattern) -> str | None:
    """A path that resolves to `pattern`, with made-up values for its parameters."""
    if isinstance(pattern.pattern, RoutePattern) and "^" not in route:
        path = "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: DUMMY.get(m.group(1) or "str", "x"), route)
        return path if _resolves_to(path, pattern) else None
    # A regex (the admin's): try a few values for every group until the path resolves to this pattern.
    body = route.replace("^", "").replace("$", "").replace("\\Z", "")
    for value in REGEX_CANDIDATES:
        path = "/" + re.sub(r"\(\?P<\w+>[^)]*\)", value, body)
        if _resolves_to(path, pattern):
            return path
    return None


def _resolves_to(path: str, pattern: URLPattern) -> bool:
    try:
        return resolve(path).func is pattern.callback
    except Exception:  # noqa: BLE001  (no match, or a converter refusing the made-up value)
        return False


def _shadowed(route: str, pattern: URLPattern) -> bool:
    try:
        match = resolve("/" + route)
    except Exception:  # noqa: BLE001
        return False
    return match.func is not pattern.callback and match.route == route


def _is_login_wall(client, response, hops: int = 3) -> bool:
    """401/403, or redirects that end at a login form (the admin's logout goes to the admin's index first)."""
    if response.status_code in (401, 403):
        return True
    if response.status_code not in (301, 302) or hops == 0:
        return False
    location = response["Location"]
    if location.split("?")[0] in LOGIN_PATHS:
        return True
    return location.startswith("/") and _is_login_wall(client, client.get(location), hops - 1)


def _api_operation_paths():
    return {f"api/v1{bound.prefix.rstrip('/')}{path}" for bound in api._get_bound_routers() for path in bound.path_operations}


@pytest.mark.django_db
def test_every_public_url_pattern_has_a_rate_limit():
    """Anonymous GET and POST on every pattern: whatever is answered without a login wall (and is not 405) must be
    limited for that method. API operations are checked from ninja's own table (auth=None) in the next test."""
    client = Client()
    unknown, unlimited, public = [], [], []
    for route, pattern in _walk(get_resolver()):
        if route.startswith("api/v1/") and pattern.name not in ("openapi-json", "openapi-view"):
            continue  # ninja operations: see test_every_unauthenticated_api_operation_is_throttled
        path = _concrete(route, pattern)
        if path is None:
            if _shadowed(route, pattern):
                continue  # an earlier pattern takes this path (the limited admin login before the admin's own)
            unknown.append(route)
            continue
        marks = getattr(pattern.callback, "rate_limits", {})
        for method in ("GET", "POST"):
            response = getattr(client, method.lower())(path)
            if response.status_code == 405 or _is_login_wall(client, response):
                continue
            public.append(f"{method} {route}")
            if method not in marks:
                unlimited.append(f"{method} {route} → {response.status_code}")
    assert not unknown, f"URL patterns the walk could not build a path for (add a value for them): {unknown}"
    assert not unlimited, f"public views without a rate limit (fivestar.core.ratelimit.rate_limited): {unlimited}"
    # The walk sees the public side it must: the login forms, the notice and its objection form, the commitments page.
    for expected in ("POST login/", "POST django-admin/login/", "POST public/<str:token>/towns/<str:code>/",
                     "GET public/<str:token>/", "GET public/commitments/<str:code>/", "GET api/v1/openapi.json"):
        assert expected in public, (expected, public)
    # …and not more: the check-in page of an activity and the commitments QR need a login.
    assert not any("check-in" in p or "commitments/<str:code>/qr" in p for p in public), public


def test_every_unauthenticated_api_operation_is_throttled():
    operations = [(bound.prefix + path, op) for bound in api._get_bound_routers()
                  for path, view in bound.path_operations.items() for op in view.operations]
    assert len(operations) > 100  # the whole API, not an empty table
    public = [(path, op) for path, op in operations if not op.auth_callbacks]
    assert [path for path, _ in public] == ["/auth/token"], "a new unauthenticated API route: give it a throttle and list it here"
    for path, op in public:
        assert any(isinstance(t, AddressThrottle) for t in op.throttle_objects), path


def _token(client, address, username="town"):
    return client.post("/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json",
                       REMOTE_ADDR=address)


@pytest.mark.django_db
@override_settings(FIVESTAR_RATE_LIMITS={"api_token": (3, 300)})
def test_api_token_limit(world, client):
    for _ in range(3):
        assert _token(client, "10.1.1.1").status_code == 200
    issued = ApiToken.objects.count()
    response = _token(client, "10.1.1.1")
    assert response.status_code == 429 and response["Content-Type"].startswith("application/json")
    assert "频繁" in response.json()["detail"] and int(response["Retry-After"]) >= 1
    assert ApiToken.objects.count() == issued  # nothing issued
    assert _token(client, "10.1.1.2").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", LOGIN_PATHS)
@override_settings(FIVESTAR_RATE_LIMITS={"login": (3, 300)})
def test_login_form_limit(world, url):
    get_user_model().objects.filter(username="town").update(is_staff=True)  # the admin's login wants staff
    for _ in range(3):
        client = Client()
        response = client.post(url, {"username": "town", "password": PASSWORD}, REMOTE_ADDR="10.2.2.2")
        assert response.status_code == 302 and "_auth_user_id" in client.session
    client = Client()
    response = client.post(url, {"username": "town", "password": PASSWORD}, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 429 and "_auth_user_id" not in client.session  # the right password, still not logged in
    page = response.content.decode()
    assert "操作过于频繁" in page and "同一网络地址5 分钟内最多3次" in page and 'data-testid="rate-limited"' in page
    assert Client().post(url, {"username": "town", "password": PASSWORD}, REMOTE_ADDR="10.2.2.3").status_code == 302
    assert Client().get(url, REMOTE_ADDR="10.2.2.2").status_code == 200  # only posts are counted


@pytest.mark.django_db
@override_settings(FIVESTAR_RATE_LIMITS={"api_docs": (2, 60)})
def test_openapi_document_limit(client):
    for _ in range(2):
        assert client.get("/api/v1/openapi.json", REMOTE_ADDR="10.3.3.3").status_code == 200
    response = client.get("/api/v1/openapi.json", REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 429 and "频繁" in response.json()["detail"]
    assert client.get("/api/v1/openapi.json", REMOTE_ADDR="10.3.3.4").status_code == 200


@pytest.mark.django_db
@override_settings(FIVESTAR_RATE_LIMITS={"public_page": (2, 60)})
def test_public_commitments_page_limit(world, client):
    url = f"/public/commitments/{world.village.code}/"
    for _ in range(2):
        assert client.get(url, REMOTE_ADDR="10.4.4.4").status_code == 200
    response = client.get(url, REMOTE_ADDR="10.4.4.4")
    assert response.status_code == 429 and "访问过于频繁" in response.content.decode()
    assert response["Cache-Control"] == "no-store"  # a proxy must not keep serving the refusal
    assert client.get(url, REMOTE_ADDR="10.4.4.5").status_code == 200


@pytest.mark.django_db
@override_settings(FIVESTAR_RATE_LIMITS={"api_token": (1, 300)})
def test_client_address_behind_the_proxy_is_the_right_most_forwarded_entry(world, client):
    with override_settings(USE_X_FORWARDED_FOR=True):
        assert _token(client, "127.0.0.1", username="county").status_code == 200
        forged = client.post("/api/v1/auth/token", {"username": "county", "password": PASSWORD}, content_type="application/json",
                             REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.5.5.5")
        assert forged.status_code == 200  # the proxy's entry 10.5.5.5 is a new client
        again = client.post("/api/v1/auth/token", {"username": "county", "password": PASSWORD}, content_type="application/json",
                            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 10.5.5.5")
        assert again.status_code == 429  # changing the client-written part does not make a new client
    # Without a trusted proxy the header is ignored: every post from 127.0.0.1 is the same client.
    assert client.post("/api/v1/auth/token", {"username": "county", "password": PASSWORD}, content_type="application/json",
                       REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8").status_code == 429
