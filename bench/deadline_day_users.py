"""The simulated people of bench/deadline_day.py (a locustfile; run by that script, not on its own).

Reads the plan the script wrote (accounts, the round, rules and values to type) from $FIVESTAR_BENCH_PLAN.
Requests go to `fivestar serve` as a browser behind the TLS proxy sends them (X-Forwarded-Proto: https,
Origin, the CSRF token, htmx's HX-Request on fragments), each tagged X-Bench-Kind for the server-side CPU
accounting (bench/deadline_day_gunicorn.py). Kinds are the names locust reports.

- VillageUser: takes the next village of the pool, logs in, opens its home and its assessment, opens a star,
  saves answers (some with a ≈200 KB photo), submits, logs out; then the next village.
- TownReviewer: logs in once; pages through its town's list (all, then 待镇级初审), opens a submitted
  assessment and approves it (or returns it with a comment, and the village goes back into the pool).
- Leader: logs in once; opens home, the round list, the round page and a town's list in its scope.
"""

from __future__ import annotations

import collections
import io
import json
import os
import random
import re

from locust import HttpUser, between, events, task
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["FIVESTAR_BENCH_PLAN"], encoding="utf-8").read())
WAIT = PLAN.get("wait", [0.5, 2.0])
VILLAGES = collections.deque(PLAN["villages"])
REVIEWERS = collections.deque(PLAN["reviewers"])
LEADERS = collections.deque(PLAN["leaders"])
REVIEW_LINK = re.compile(r"/rating/assessments/(\d+)/review/")
_PHOTOS: list[bytes] = []


def photo(rng: random.Random) -> bytes:
    """A JPEG of about 200 KB (a phone photo after the browser's resize); a few different ones."""
    if not _PHOTOS:
        from PIL import Image

        for seed in range(6):
            noise = random.Random(seed).randbytes(360 * 270 * 3)
            img = Image.frombytes("RGB", (360, 270), noise).resize((720, 540))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=int(PLAN.get("photo_quality", 80)))
            _PHOTOS.append(out.getvalue())
    return rng.choice(_PHOTOS)


class Browser(HttpUser):
    abstract = True
    wait_time = between(*WAIT)

    def on_start(self):
        origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/",
                                    "Accept-Language": "zh-CN", "Accept-Encoding": "gzip"})
        self.rng = random.Random()

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
            headers["X-CSRFToken"] = self.client.cookies.get("csrftoken", "")
        with self.client.request(method, url, name=kind, headers=headers, allow_redirects=False, catch_response=True, **kw) as resp:
            # The server sets Secure cookies (it is told the request came over TLS): keep sending them over plain http.
            for cookie in self.client.cookies:
                cookie.secure = False
            if resp.status_code == 0:  # no answer: the connection failed or was cut
                problem = f"no response: {type(resp.error).__name__}: {str(resp.error)[:120]}"
            else:
                problem = f"HTTP {resp.status_code}" if resp.status_code not in expect else (check(resp) if check else None)
            if problem:
                resp.failure(problem)
            else:
                resp.success()
            return resp

    def login(self, username):
        self.client.cookies.clear()
        self.get("/login/", "login page")
        resp = self.post("/login/", "login", data={"username": username, "password": PLAN["password"]}, expect=(302,))
        return resp.status_code == 302

    def logout(self):
        self.post("/logout/", "logout", expect=(302,))


class VillageUser(Browser):
    weight = PLAN["weights"]["village"]

    def _next_village(self):
        if not VILLAGES:
            return None
        return VILLAGES.popleft()

    @task
    def one_village(self):
        v = self._next_village()
        if v is None:
            self.wait()
            return
        pk = v["assessment"]
        if not self.login(v["username"]):
            VILLAGES.append(v)
            return
        self.wait()
        self.get("/", "village home")
        self.wait()
        self.get(f"/rating/assessments/{pk}/", "village assessment page")
        rules = self.rng.sample(PLAN["rules"], k=min(PLAN["saves_per_village"], len(PLAN["rules"])))
        opened = set()
        for i, rule in enumerate(rules):
            self.wait()
            if rule["star"] not in opened:
                opened.add(rule["star"])
                self.get(f"/rating/assessments/{pk}/stars/{rule['star']}/", "village star rules", htmx=True)
                self.wait()
            value = rule["values"][(i + self.rng.randrange(2)) % len(rule["values"])]
            refused = f'data-testid="error-{rule["code"]}"'
            self.post(f"/rating/assessments/{pk}/rules/{rule['code']}/", "village save answer", data={"value": value, "note": f"第{i + 1}次保存"},
                      htmx=True, check=lambda r, refused=refused: "保存被拒绝（未保存）" if refused in r.text else None)
            if self.rng.random() < PLAN["photo_share"]:
                self.wait()
                self.post(f"/rating/assessments/{pk}/evidence/", "village upload photo (~200 KB)",
                          data={"kind": "photo", "description": "现场照片", "rules": rule["code"]},
                          files={"files": (f"现场{i}.jpg", photo(self.rng), "image/jpeg")}, htmx=True)
        self.wait()
        resp = self.post(f"/rating/assessments/{pk}/submit/", "village submit", data={"stars": v["stars"]}, htmx=True, expect=(204,))
        if resp.status_code == 204:
            self.get(f"/rating/assessments/{pk}/", "village assessment page")
        else:
            VILLAGES.append(v)  # still editable: another visit later
        self.logout()


class TownReviewer(Browser):
    weight = PLAN["weights"]["reviewer"]

    def on_start(self):
        super().on_start()
        if not REVIEWERS:
            raise StopUser()
        self.me = REVIEWERS.popleft()
        REVIEWERS.append(self.me)  # more reviewers than towns share them
        self.logged_in = self.login(self.me["username"])

    @task
    def review(self):
        if not self.logged_in:
            self.logged_in = self.login(self.me["username"])
            return
        base = f"/rating/rounds/{PLAN['round']}/towns/{self.me['town']}/"
        self.get(base, "town review list")
        self.wait()
        resp = self.get(base + "?status=submitted", "town review list (submitted)")
        ids = sorted(set(REVIEW_LINK.findall(resp.text or "")))
        if not ids:
            return
        pk = self.rng.choice(ids)
        self.wait()
        self.get(f"/rating/assessments/{pk}/review/", "town review page")
        self.wait()
        if self.rng.random() < PLAN["return_share"]:
            resp = self.post(f"/rating/assessments/{pk}/review/return/", "town return", data={"level": "town", "comment": "请补充现场照片后重新提交。"},
                             expect=(302,))
            back = PLAN["village_of_assessment"].get(str(pk))
            if resp.status_code == 302 and back:
                VILLAGES.append(back)
        else:
            self.post(f"/rating/assessments/{pk}/review/approve/", "town approve", data={"level": "town"}, expect=(302,))


class Leader(Browser):
    weight = PLAN["weights"]["leader"]

    def on_start(self):
        super().on_start()
        self.me = LEADERS[0]
        LEADERS.rotate(-1)
        self.logged_in = self.login(self.me["username"])

    @task
    def round_pages(self):
        if not self.logged_in:
            self.logged_in = self.login(self.me["username"])
            return
        rnd = PLAN["round"]
        self.get("/", "leader home")
        self.wait()
        self.get("/rating/", "leader round list")
        self.wait()
        self.get(f"/rating/rounds/{rnd}/", "leader round page")
        self.wait()
        self.get(f"/rating/rounds/{rnd}/towns/{self.rng.choice(self.me['towns'])}/", "leader town list")


@events.quitting.add_listener
def _left(environment, **kw):
    print(f"villages left in the pool: {len(VILLAGES)}", flush=True)
