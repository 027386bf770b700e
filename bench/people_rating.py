"""The people of deadline day (bench/deadline_day.py; bench/week.py has them too), as `Visitor` mixins:

- Village: takes the next village of the pool, logs in, opens its home and its assessment, opens a star, saves
  answers (some with a ≈200 KB photo), submits, logs out; then the next village. With the pool used up (and
  `plan["village_when_done"]` set, as in the week), it looks at a village's results instead: home and assessment.
- TownReviewer: logs in once; pages through its town's list (all, then 待镇级初审), opens a submitted
  assessment and approves it (or returns it with a comment, and the village goes back into the pool).
- Leader: logs in once; opens home, the round list, the round page and a town's list in its scope.
"""

from __future__ import annotations

import re

from people_base import Visitor, photo

REVIEW_LINK = re.compile(r"/rating/assessments/(\d+)/review/")


class Village(Visitor):
    def visit(self):
        shared = self.shared
        v = shared.villages.popleft() if shared.villages else None
        if v is None:
            if self.plan.get("village_when_done") and self.plan.get("village_of_assessment"):
                self.look_at_results()
            else:
                self.pause()
            return
        pk = v["assessment"]
        if not self.login(v["username"]):
            shared.villages.append(v)
            return
        self.pause()
        self.get("/", "village home")
        self.pause()
        self.get(f"/rating/assessments/{pk}/", "village assessment page")
        rules = self.rng.sample(self.plan["rules"], k=min(self.plan["saves_per_village"], len(self.plan["rules"])))
        opened = set()
        for i, rule in enumerate(rules):
            self.pause()
            if rule["star"] not in opened:
                opened.add(rule["star"])
                self.get(f"/rating/assessments/{pk}/stars/{rule['star']}/", "village star rules", htmx=True)
                self.pause()
            value = rule["values"][(i + self.rng.randrange(2)) % len(rule["values"])]
            refused = f'data-testid="error-{rule["code"]}"'
            self.post(f"/rating/assessments/{pk}/rules/{rule['code']}/", "village save answer", data={"value": value, "note": f"第{i + 1}次保存"},
                      htmx=True, check=lambda r, refused=refused: "保存被拒绝（未保存）" if refused in r.text else None)
            if self.rng.random() < self.plan["photo_share"]:
                self.pause()
                self.post(f"/rating/assessments/{pk}/evidence/", "village upload photo (~200 KB)",
                          data={"kind": "photo", "description": "现场照片", "rules": rule["code"]},
                          files={"files": (f"现场{i}.jpg", photo(self.rng), "image/jpeg")}, htmx=True)
        self.pause()
        resp = self.post(f"/rating/assessments/{pk}/submit/", "village submit", data={"stars": v["stars"]}, htmx=True, expect=(204,))
        if resp.status_code == 204:
            self.get(f"/rating/assessments/{pk}/", "village assessment page")
        else:
            shared.villages.append(v)  # still editable: another visit later
        self.logout()

    def look_at_results(self):
        """A village that has submitted looks in on its results (the week goes on after the pool is used up)."""
        v = self.rng.choice(list(self.plan["village_of_assessment"].values()))
        if not self.login(v["username"]):
            return
        self.pause()
        self.get("/", "village home")
        self.pause()
        self.get(f"/rating/assessments/{v['assessment']}/", "village assessment page")
        self.pause()
        self.logout()


class TownReviewer(Visitor):
    def begin(self):
        self.me = self.shared.take(self.shared.reviewers)
        self.logged_in = self.login(self.me["username"])

    def visit(self):
        if not self.logged_in:
            self.logged_in = self.login(self.me["username"])
            return
        base = f"/rating/rounds/{self.plan['round']}/towns/{self.me['town']}/"
        self.get(base, "town review list")
        self.pause()
        resp = self.get(base + "?status=submitted", "town review list (submitted)")
        ids = sorted(set(REVIEW_LINK.findall(resp.text or "")))
        if not ids:
            return
        pk = self.rng.choice(ids)
        self.pause()
        self.get(f"/rating/assessments/{pk}/review/", "town review page")
        self.pause()
        if self.rng.random() < self.plan["return_share"]:
            resp = self.post(f"/rating/assessments/{pk}/review/return/", "town return", data={"level": "town", "comment": "请补充现场照片后重新提交。"},
                             expect=(302,))
            back = self.plan["village_of_assessment"].get(str(pk))
            if resp.status_code == 302 and back:
                self.shared.villages.append(back)
        else:
            self.post(f"/rating/assessments/{pk}/review/approve/", "town approve", data={"level": "town"}, expect=(302,))


class Leader(Visitor):
    def begin(self):
        self.me = self.shared.take(self.shared.leaders)
        self.logged_in = self.login(self.me["username"])

    def visit(self):
        if not self.logged_in:
            self.logged_in = self.login(self.me["username"])
            return
        rnd = self.plan["round"]
        self.get("/", "leader home")
        self.pause()
        self.get("/rating/", "leader round list")
        self.pause()
        self.get(f"/rating/rounds/{rnd}/", "leader round page")
        self.pause()
        self.get(f"/rating/rounds/{rnd}/towns/{self.rng.choice(self.me['towns'])}/", "leader town list")
