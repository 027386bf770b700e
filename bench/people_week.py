"""The week's other people (bench/week.py), as `Visitor` mixins (bench/people_base.py); the plan's "week" part
(bench/week_data.py) gives their accounts and the problems already waiting.

- Inspector (督导员, one account per town): opens the phone inspection page, records an inspection of two or three of
  the team's villages through its API, a problem or two with a ≈200 KB photo each (the problems go to the villages'
  queue); then re-inspects a rectified problem of its town from the list: signs it off (销号), or returns it (退回).
- Rectifier (a village secretary): takes the next problem waiting for a village, opens the village's list and the
  problem, reports starting if it has not, submits the measures with a ≈200 KB photo (the problem goes to its
  town's inspector) and logs out.
- TownMeeting (a town administrator): opens the meetings, holds this week's dispatch meeting: creates it from the
  town's series, records attendance, writes the minutes and marks it held, now and then adds a decision (a ledger
  task), and opens it again.
- BoardWatcher (a county, city or province leader): opens a town's board, the county's board, the big screen page,
  and the big screen's data through the API with a token, as a screen on the wall polls it.
- Exporter (the county administrator): one export per visit in turn: the county's board as xlsx (a background job:
  its page is polled every 3 s until the download link shows, then the file is downloaded), the supervision
  problem ledger (xlsx, streamed), a town's review packs (docx or pdf, a background job, polled), the creation
  ledger (xlsx, streamed).

A step the app refuses (an error page, a redirect carrying ?error=) counts as a failure of its request kind.
"""

from __future__ import annotations

import datetime
import re
import uuid
from zoneinfo import ZoneInfo

from people_base import VERSION, Visitor, photo

TZ = ZoneInfo("Asia/Shanghai")  # the server's TIME_ZONE: "today" is its date, not the client's
DOWNLOAD = re.compile(r'href="([^"]+)"[^>]*data-testid="export-download"')
STATUS = re.compile(r'data-testid="export-status">(?:状态：)?([^<（(]+)')
FAILED = ("失败", "已停滞")  # the export pages' labels of a job that will not finish by itself
EXPORT_TIMEOUT = 300  # seconds a person waits for a background export before counting it a failure
MEASURES = "已组织人员清理整改到位，落实专人负责，附整改后照片。"
FINDINGS = [("村内主干道两侧柴草堆、垃圾堆未清理到位", "minor"), ("“三会一课”会议记录不完整，缺本月支委会记录", "general"),
            ("村内电线私拉乱接，存在安全隐患", "serious"), ("村务公开栏内容未按季度更新", "minor")]


def today() -> datetime.date:
    return datetime.datetime.now(TZ).date()


def refused_redirect(resp):
    """The pages answer a refused step with a redirect carrying ?error= (or a page with the message)."""
    return "refused: " + resp.headers.get("Location", "")[:120] if "error=" in resp.headers.get("Location", "") else None


def version_of(resp) -> str:
    found = VERSION.search(resp.text or "")
    return found.group(1) if found else ""


class Inspector(Visitor):
    def begin(self):
        self.me = self.shared.take(self.shared.inspectors)
        self.logged_in = self.login(self.me["username"])

    def visit(self):
        if not self.logged_in:
            self.logged_in = self.login(self.me["username"])
            return
        self.inspect()
        self.pause()
        self.reinspect()

    def inspect(self):
        me, day = self.me, today().isoformat()
        self.get("/supervision/field/", "inspector: field page")
        self.pause()
        visited = self.rng.sample(me["villages"], k=min(len(me["villages"]), self.rng.randint(2, 3)))
        inspection = str(uuid.uuid4())
        resp = self.post("/api/v1/supervision/field/inspections", "inspector: record inspection (API)",
                         json={"client_uid": inspection, "team": me["team"], "date": day, "kind": "routine",
                               "villages": [v["id"] for v in visited], "notes": "常态化周督导，现场查看人居环境、阵地建设和台账资料。"},
                         expect=(201,))
        if resp.status_code != 201:
            return
        for village in visited[:self.rng.randint(1, 2)]:
            self.pause()
            description, severity = self.rng.choice(FINDINGS)
            problem = str(uuid.uuid4())
            resp = self.post("/api/v1/supervision/field/problems", "inspector: record problem (API)",
                             json={"client_uid": problem, "inspection_uid": inspection, "village": village["id"],
                                   "description": description, "severity": severity}, expect=(201,))
            if resp.status_code != 201:
                continue
            pk = resp.json()["id"]
            self.post("/api/v1/supervision/field/photos", "inspector: problem photo (~200 KB, API)",
                      data={"client_uid": str(uuid.uuid4()), "target": "problem", "target_uid": problem},
                      files={"file": ("现场.jpg", photo(self.rng), "image/jpeg")}, expect=(201,))
            self.shared.to_rectify.append({"id": pk, "status": "pending", "username": "s" + village["code"], "town": me["town"]})

    def reinspect(self):
        me = self.me
        self.get(f"/supervision/problems/?unit={me['town']}&status=checking", "inspector: problem list (checking)")
        waiting = self.shared.to_check.get(me["town"])
        if not waiting:
            return
        problem = waiting.popleft()
        self.pause()
        page = self.get(f"/supervision/problems/{problem['id']}/", "inspector: problem page")
        self.pause()
        if self.rng.random() < 0.2:
            resp = self.post(f"/supervision/problems/{problem['id']}/reject/", "inspector: return to village",
                             data={"comment": "现场复查仍有部分未整改到位，请继续整改。", "version": version_of(page)}, expect=(302,))
            if resp.status_code == 302:
                self.shared.to_rectify.append({**problem, "status": "rectifying"})
        else:
            self.post(f"/supervision/problems/{problem['id']}/accept/", "inspector: sign off",
                      data={"comment": "现场复查已整改到位，同意销号。", "version": version_of(page)}, expect=(302,))


class Rectifier(Visitor):
    def visit(self):
        queue = self.shared.to_rectify
        if not queue:
            self.pause()
            return
        problem = queue.popleft()
        if not self.login(problem["username"]):
            queue.append(problem)
            return
        self.pause()
        self.get("/supervision/problems/", "village: problem list")
        self.pause()
        url = f"/supervision/problems/{problem['id']}/"
        page = self.get(url, "village: problem page")
        if problem["status"] == "pending" and self.rng.random() < 0.5:
            self.pause()
            self.post(url + "start/", "village: start rectifying", data={"note": "已安排专人整改。", "version": version_of(page)}, expect=(302,))
            page = self.get(url, "village: problem page")
        self.pause()
        resp = self.post(url + "rectify/", "village: submit rectification + photo (~200 KB)",
                         data={"measures": MEASURES, "version": version_of(page)},
                         files={"files": ("整改后.jpg", photo(self.rng), "image/jpeg")}, expect=(302,))
        if resp.status_code == 302:
            self.shared.to_check.setdefault(problem["town"], type(queue)()).append(problem)
        self.logout()


class TownMeeting(Visitor):
    def begin(self):
        self.me = self.shared.take(self.shared.towns)
        self.logged_in = self.login(self.me["username"])

    def visit(self):
        if not self.logged_in:
            self.logged_in = self.login(self.me["username"])
            return
        me, day = self.me, today()
        self.get("/meetings/", "town: meetings")
        self.pause()
        resp = self.post("/meetings/new/", "town: new meeting", data={"series": me["series"], "date": day.isoformat()}, expect=(302,),
                         check=refused_redirect)
        found = re.search(r"/meetings/(\d+)/", resp.headers.get("Location", "")) if resp.status_code == 302 else None
        if not found:
            return
        url = f"/meetings/{found.group(1)}/"
        page = self.get(url, "town: meeting page")
        self.pause()
        states = {f"p{pk}": self.rng.choice(["present"] * 8 + ["absent", "leave"]) for pk in me["people"]}
        self.post(url + "attendance/", "town: attendance", data=states, expect=(302,), check=refused_redirect)
        self.pause()
        self.post(url + "edit/", "town: minutes, held", expect=(302,), check=refused_redirect, data={
            "version": version_of(page), "date": day.isoformat(), "place": "镇政府三楼会议室",
            "agenda": "一、各包村干部汇报本周创建进展；二、通报督导问题整改情况；三、安排下周重点工作。",
            "minutes": "会议听取了各包村干部关于五星支部创建的进展汇报，通报了本周督导发现的问题，要求逾期问题逐项销号。", "held": "1"})
        if me["villages"] and me["people"] and self.rng.random() < 0.5:
            self.pause()
            self.post(url + "decisions/", "town: decision (ledger task)", expect=(302,), check=refused_redirect, data={
                "text": "集中清理残垣断壁和坑塘垃圾", "owner": self.rng.choice(me["people"]), "village": self.rng.choice(me["villages"]),
                "deadline": (day + datetime.timedelta(days=14)).isoformat(), "star_code": "stjy"})
        self.pause()
        self.get(url, "town: meeting page")


class BoardWatcher(Visitor):
    def begin(self):
        self.me = self.shared.take(self.shared.watchers)
        self.logged_in = self.login(self.me["username"])
        self.token = ""
        if self.logged_in:
            resp = self.post("/api/v1/auth/token", "leader: API token", json={"username": self.me["username"], "password": self.plan["password"]},
                             headers={"X-CSRFToken": ""})
            self.token = resp.json().get("token", "") if resp.status_code == 200 else ""

    def visit(self):
        if not self.logged_in:
            self.begin()
            return
        week = self.plan["week"]
        year, county = week["year"], week["county"]
        self.get(f"/boards/town/{self.rng.choice(self.me['towns'])}/?year={year}", "leader: town board")
        self.pause()
        self.get(f"/boards/unit/{county}/?year={year}", "leader: county board")
        self.pause()
        self.get(f"/boards/screen/{county}/?year={year}", "leader: big screen page")
        if self.token:
            self.pause()
            self.get(f"/api/v1/boards/screen/{county}?year={year}", "leader: big screen data (API)",
                     headers={"Authorization": f"Bearer {self.token}"})


class Exporter(Visitor):
    def begin(self):
        self.me = self.shared.take(self.shared.exporters)
        self.logged_in = self.login(self.me["username"])
        self.turn = self.rng.randrange(4)

    def visit(self):
        if not self.logged_in:
            self.logged_in = self.login(self.me["username"])
            return
        week = self.plan["week"]
        self.turn = (self.turn + 1) % 4
        if self.turn == 0:
            county, year = week["county"], week["year"]
            self.get(f"/boards/unit/{county}/?year={year}", "leader: county board")
            self.pause()
            resp = self.post(f"/boards/export/{county}/xlsx/", "export: county board xlsx (start)", data={"year": year}, expect=(302,))
            self.follow_job(resp, "export: county board progress", "export: county board xlsx (download)")
        elif self.turn == 1:
            self.get(f"/supervision/exports/ledger.xlsx?unit={week['county_code']}&status=all", "export: problem ledger xlsx")
        elif self.turn == 2:
            town = self.rng.choice(self.me["towns"])
            kind = self.plan.get("review_pack_kinds", ["docx"])[self.rng.randrange(len(self.plan.get("review_pack_kinds", ["docx"])))]
            self.get(f"/reviews/{town}/?year={week['year']}", "export: review ranking page")
            self.pause()
            resp = self.post(f"/reviews/{town}/export/", f"export: review packs {kind} (start)", data={"year": week["year"], "kind": kind},
                             expect=(302,))
            self.follow_job(resp, "export: review packs progress", f"export: review packs {kind} (download)")
        else:
            self.get(f"/planning/ledger/export.xlsx?unit={week['county_code']}&year={week['year']}", "export: creation ledger xlsx")

    def follow_job(self, started, progress_kind, download_kind):
        """A background export's page, as the browser reloads it every 3 s until the download link shows."""
        location = started.headers.get("Location", "") if started.status_code == 302 else ""
        if not re.search(r"/exports/\d+/$", location):
            return
        waited = 0.0
        while True:
            page = self.get(location, progress_kind)
            found = DOWNLOAD.search(page.text or "") if page.status_code == 200 else None
            if found:
                self.get(found.group(1), download_kind)
                return
            status = STATUS.search(page.text or "") if page.status_code == 200 else None
            if status is None or status.group(1).strip() in FAILED or waited >= EXPORT_TIMEOUT:
                self.get(location, progress_kind, check=lambda r: f"export {status.group(1).strip() if status else 'unreadable'} after {waited:.0f}s")
                return
            self.pause(3)
            waited += 3
