"""The simulated people of the load benchmarks, apart from the load tool that drives them.

A kind of person (bench/people_rating.py, bench/people_week.py) is a mixin over `Visitor`: it says what the person
does in one visit (`visit`) with `get`/`post`, and what it does once before (`begin`). A transport supplies the four
things that differ between tools: `exchange` (send one request, judge it, return the response), `pause` (think time),
`cookie` and `forget_cookies`. bench/people_locust.py is the transport for the locustfiles (locust's HttpUser);
tests/test_bench_week.py drives the same kinds once through Django's test client, so the benchmark cannot rot.

Requests go out as a browser behind the TLS proxy sends them (the transport adds X-Forwarded-Proto and Origin),
with the CSRF token, htmx's HX-Request on fragments, and X-Bench-Kind naming the request kind for the server-side
CPU accounting (bench/deadline_day_gunicorn.py). Kinds are the names the report lists.
"""

from __future__ import annotations

import collections
import io
import random
import re

_PHOTOS: list[bytes] = []
VERSION = re.compile(r'name="version" value="(\d+)"')


class NoAccount(Exception):
    """No account is left for this kind of person: the transport stops the person."""


def photo(rng: random.Random, quality: int = 80) -> bytes:
    """A JPEG of about 200 KB (a phone photo after the browser's resize); a few different ones."""
    if not _PHOTOS:
        from PIL import Image

        for seed in range(6):
            noise = random.Random(seed).randbytes(360 * 270 * 3)
            img = Image.frombytes("RGB", (360, 270), noise).resize((720, 540))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=quality)
            _PHOTOS.append(out.getvalue())
    return rng.choice(_PHOTOS)


class Shared:
    """What the people of one load process hand each other: the villages still to submit, the accounts to take in
    turn, the problems waiting for a village or for an inspector. One per process (locust runs every person of a
    process in it); the plan gives the starting state."""

    def __init__(self, plan: dict):
        self.plan = plan
        self.villages = collections.deque(plan.get("villages", []))
        self.reviewers = collections.deque(plan.get("reviewers", []))
        self.leaders = collections.deque(plan.get("leaders", []))
        week = plan.get("week", {})
        self.inspectors = collections.deque(week.get("inspectors", []))
        self.towns = collections.deque(week.get("towns", []))
        self.watchers = collections.deque(week.get("watchers", []))
        self.exporters = collections.deque(week.get("exporters", []))
        self.to_rectify = collections.deque(week.get("to_rectify", []))  # problems a village has to rectify
        self.to_check: dict[str, collections.deque] = {}  # town code → problems waiting for re-inspection
        for problem in week.get("to_check", []):
            self.to_check.setdefault(problem["town"], collections.deque()).append(problem)

    @staticmethod
    def take(accounts: collections.deque):
        """The next account of a kind, shared round-robin when there are more people than accounts."""
        if not accounts:
            raise NoAccount()
        account = accounts[0]
        accounts.rotate(-1)
        return account


class Visitor:
    """One simulated person; the kinds add `begin` and `visit`, the transport `exchange`, `pause`, `cookie`,
    `forget_cookies`. `plan`, `shared` and `rng` are set by the transport before `begin`."""

    plan: dict
    shared: Shared
    rng: random.Random

    def begin(self) -> None:
        """Once, before the first visit."""

    def visit(self) -> None:
        raise NotImplementedError

    # --- requests -------------------------------------------------------------------------------------------

    def get(self, url, kind, htmx=False, **kw):
        return self._call("GET", url, kind, htmx, **kw)

    def post(self, url, kind, data=None, htmx=False, **kw):
        return self._call("POST", url, kind, htmx, data=data, **kw)

    def _call(self, method, url, kind, htmx, expect=(200,), check=None, **kw):
        """One request, a failure unless its status is in `expect` and `check(response)` (if given) finds no error."""
        headers = {"X-Bench-Kind": kind}
        if htmx:
            headers["HX-Request"] = "true"
        if method == "POST":
            headers["X-CSRFToken"] = self.cookie("csrftoken")
        headers.update(kw.pop("headers", None) or {})

        def judge(resp):
            if resp.status_code == 0:  # no answer: the connection failed or was cut
                error = getattr(resp, "error", None)
                return f"no response: {type(error).__name__}: {str(error)[:120]}"
            if resp.status_code not in expect:
                return f"HTTP {resp.status_code}"
            return check(resp) if check else None

        return self.exchange(method, url, kind, headers, judge, **kw)

    def login(self, username) -> bool:
        self.forget_cookies()
        self.get("/login/", "login page")
        resp = self.post("/login/", "login", data={"username": username, "password": self.plan["password"]}, expect=(302,))
        return resp.status_code == 302

    def logout(self):
        self.post("/logout/", "logout", expect=(302,))

    # --- the transport's part -------------------------------------------------------------------------------

    def exchange(self, method, url, kind, headers, judge, **kw):
        raise NotImplementedError

    def pause(self, seconds: float | None = None) -> None:
        """A person's think time (None) or a fixed wait (a page that refreshes itself every few seconds)."""
        raise NotImplementedError

    def cookie(self, name: str) -> str:
        raise NotImplementedError

    def forget_cookies(self) -> None:
        raise NotImplementedError
