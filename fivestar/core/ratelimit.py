"""Per-client limits on everything reachable without logging in (public notice pages and the objection form, the
commitments page, the login forms, the API token endpoint, the API's OpenAPI document).

A limit is N requests per client address in a fixed window of S seconds, named and configured in
settings.FIVESTAR_RATE_LIMITS (name → (N, S); a missing name takes DEFAULT_LIMITS, N = 0 turns it off). The counter is
one database row per (name, address, window), taken with a single INSERT … ON CONFLICT DO UPDATE … RETURNING: atomic on
SQLite and PostgreSQL, so every gunicorn worker shares it and parallel requests cannot pass it (the default cache is
per process, so it could not be used). Addresses are stored as keyed digests, never in clear. The row that opens a
window also deletes the windows that are over, so the table stays the size of the current windows.

Pages: `rate_limited(name, methods)` on a view. API: `AddressThrottle(name)` as a django-ninja throttle. Both answer
429 with a Chinese message (a page, or JSON under /api/) and Retry-After. Every view that carries a limit has
`view.rate_limits` ({method: [names]}), which tests/test_rate_limits.py checks against every public URL pattern.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from ninja.throttling import BaseThrottle

# name → (requests, seconds). Offices and villages often share one address (a carrier's NAT, the village
# office, a county training room), so the limits are generous: they stop floods and scripted guessing, not people.
DEFAULT_LIMITS = {
    "login": (100, 300),         # POST of the web and admin login forms (axes also locks repeated failures)
    "api_token": (30, 300),      # POST /api/v1/auth/token
    "objection": (30, 600),      # POST of the public objection form (the service also accepts at most 5 per round)
    "public_page": (300, 60),    # GET of the public notice and commitments pages
    "public_qr": (60, 60),       # GET of a public QR code image (drawn on every request)
    "api_docs": (30, 60),        # GET of the OpenAPI document and its page (built from every route)
}

GET = ("GET", "HEAD")
POST = ("POST",)
ANY = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

MESSAGE = "操作过于频繁：同一网络地址{window}内最多{limit}次，请{wait}后再试。"


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the address our own proxy appended to X-Forwarded-For.

    X-Forwarded-For is honoured only when settings.USE_X_FORWARDED_FOR is true (a trusted proxy in front);
    its right-most entry is the one that proxy added, the rest can be forged by the client.
    """
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def limit_for(name: str) -> tuple[int, int]:
    configured = getattr(settings, "FIVESTAR_RATE_LIMITS", {}) or {}
    requests, seconds = configured.get(name, DEFAULT_LIMITS[name])
    return int(requests), max(1, int(seconds))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    seconds: int
    retry_after: int  # seconds until the window ends


def _key(name: str, ident: str, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"ratelimit|{name}|{ident}".encode(), hashlib.sha256).hexdigest()
    return f"{name[:16]}:{digest[:40]}:{window}"


def _upsert_sql() -> str:
    from .models import RateCounter

    q = connection.ops.quote_name
    table = q(RateCounter._meta.db_table)
    return (f"INSERT INTO {table} ({q('key')}, {q('count')}, {q('expires_at')}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({q('key')}) DO UPDATE SET {q('count')} = {table}.{q('count')} + 1 RETURNING {q('count')}")


def hit(name: str, ident: str, now: float | None = None) -> Decision:
    """Count one request of `ident` (an address, or an address and an object) against limit `name`."""
    from .models import RateCounter

    limit, seconds = limit_for(name)
    now = time.time() if now is None else now
    window = int(now // seconds)
    ends = (window + 1) * seconds
    retry_after = max(1, math.ceil(ends - now))
    if limit <= 0:
        return Decision(True, limit, seconds, retry_after)
    expires = datetime.datetime.fromtimestamp(ends, tz=datetime.UTC)
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [_key(name, ident, window), connection.ops.adapt_datetimefield_value(expires)])
        count = cursor.fetchone()[0]
    if count == 1:  # this request opened a window: drop the ones that are over
        RateCounter.objects.filter(expires_at__lte=datetime.datetime.fromtimestamp(now, tz=datetime.UTC)).delete()
    return Decision(count <= limit, limit, seconds, retry_after)


def _span(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} 小时"
    if seconds % 60 == 0:
        return f"{seconds // 60} 分钟"
    return f"{seconds} 秒"


def message(decision: Decision) -> str:
    wait = _span(decision.retry_after) if decision.retry_after < 60 else f"{math.ceil(decision.retry_after / 60)} 分钟"
    return MESSAGE.format(window=_span(decision.seconds), limit=decision.limit, wait=wait)


def refused_response(request, decision: Decision):
    text = message(decision)
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": text}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "core/rate_limited.html", {"message": text, "page_title": "访问过于频繁"}, status=429)
    response["Retry-After"] = str(decision.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(name: str, methods=POST):
    """Limit a view's `methods` to limit `name` per client address; other methods pass untouched. Stackable."""
    limit_for(name)  # an unknown name fails at import, not at the first request
    methods = tuple(m.upper() for m in methods)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                decision = hit(name, client_ip(request))
                if not decision.allowed:
                    return refused_response(request, decision)
            return view(request, *args, **kwargs)

        marks = {method: list(names) for method, names in getattr(view, "rate_limits", {}).items()}
        for method in methods:
            marks.setdefault(method, []).append(name)
        wrapper.rate_limits = marks
        return wrapper

    return decorator


class AddressThrottle(BaseThrottle):
    """The same limit for a django-ninja operation (`throttle=AddressThrottle("api_token")`): checked before the
    body is read; the refusal is ninja's 429, which the API's error handler words in Chinese, with Retry-After."""

    def __init__(self, name: str):
        limit_for(name)
        self.name = name

    def allow_request(self, request) -> bool:
        return hit(self.name, client_ip(request)).allowed

    def wait(self) -> float:
        seconds = limit_for(self.name)[1]
        return max(1.0, seconds - time.time() % seconds)
