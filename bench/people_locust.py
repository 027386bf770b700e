"""locust's transport for the simulated people (bench/people_base.py): a `Visitor` kind mixed into an HttpUser.

The plan comes from $FIVESTAR_BENCH_PLAN (written by the benchmark); every person of the process shares one `Shared`.
A locustfile defines, per kind, `class X(LocustVisitor, kind)` with its weight.
"""

from __future__ import annotations

import json
import os
import random

import gevent
from locust import HttpUser, between, task
from locust.exception import StopUser

from people_base import NoAccount, Shared

PLAN = json.loads(open(os.environ["FIVESTAR_BENCH_PLAN"], encoding="utf-8").read())
SHARED = Shared(PLAN)
WAIT = PLAN.get("wait", [0.5, 2.0])


class LocustVisitor(HttpUser):
    abstract = True
    wait_time = between(*WAIT)

    def on_start(self):
        origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        self.plan, self.shared, self.rng = PLAN, SHARED, random.Random()
        # Each person from an address of its own, as the TLS proxy in front reports it (the server is started with
        # USE_X_FORWARDED_FOR=1): per-address limits such as the login's see people, not one load client.
        address = f"10.{self.rng.randrange(256)}.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}"
        self.client.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": address, "Origin": origin, "Referer": origin + "/",
                                    "Accept-Language": "zh-CN", "Accept-Encoding": "gzip"})
        try:
            self.begin()
        except NoAccount:
            raise StopUser() from None

    @task
    def one_visit(self):
        self.visit()

    def exchange(self, method, url, kind, headers, judge, **kw):
        with self.client.request(method, url, name=kind, headers=headers, allow_redirects=False, catch_response=True, **kw) as resp:
            # The server sets Secure cookies (it is told the request came over TLS): keep sending them over plain http.
            for cookie in self.client.cookies:
                cookie.secure = False
            problem = judge(resp)
            if problem:
                resp.failure(problem)
            else:
                resp.success()
            return resp

    def pause(self, seconds=None):
        if seconds is None:
            self.wait()
        else:
            gevent.sleep(seconds)

    def cookie(self, name):
        return self.client.cookies.get(name, "")

    def forget_cookies(self):
        self.client.cookies.clear()
