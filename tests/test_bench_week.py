"""bench/week.py cannot rot: its set-up (a small county built as the benchmark builds one, deadline day's pool and the
week's data) and each kind of person's visit, once, through Django's test client instead of locust and a server.
Every request must answer as the benchmark expects, and each visit must leave its mark: a submission reviewed, a
problem recorded with its photo, rectified and re-inspected, a meeting held, the board shown, the exports finished
and downloaded. Runs on the suite's database (SQLite or PostgreSQL); locust is not needed."""

import json as jsonlib
import random
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import people_rating  # noqa: E402
import people_week  # noqa: E402
from deadline_day_data import build, prepare  # noqa: E402
from people_base import Shared  # noqa: E402
from week_data import county_divisions, prepare_week  # noqa: E402

pytestmark = pytest.mark.xdist_group("bench_week")


class Reply:
    """A test-client response as the people read a locust one: status_code, headers, text, json()."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.headers = response.headers
        self.content = b"".join(response.streaming_content) if response.streaming else response.content
        self.text = self.content.decode("utf-8", "replace")

    def json(self):
        return jsonlib.loads(self.content)


class ClientTransport:
    """The transport of bench/people_base.py over Django's test client: no think time; every request is kept with
    its kind, and a request the person would count as failed is kept in `failures`."""

    def __init__(self, client, plan, shared):
        self.client, self.plan, self.shared = client, plan, shared
        self.rng = random.Random(5)
        self.sent: list[str] = []
        self.failures: list[str] = []

    def exchange(self, method, url, kind, headers, judge, data=None, files=None, json=None):
        if method == "GET":
            response = self.client.get(url, headers=headers)
        elif json is not None:
            response = self.client.post(url, data=jsonlib.dumps(json), content_type="application/json", headers=headers)
        else:
            payload = dict(data or {})
            for name, (filename, content, mime) in (files or {}).items():
                payload[name] = SimpleUploadedFile(filename, content, content_type=mime)
            response = self.client.post(url, payload, headers=headers)
        reply = Reply(response)
        self.sent.append(kind)
        problem = judge(reply)
        if problem:
            self.failures.append(f"{kind}: {method} {url}: {problem} {reply.text[:300]!r}")
        return reply

    def pause(self, seconds=None):
        pass

    def cookie(self, name):
        morsel = self.client.cookies.get(name)
        return morsel.value if morsel else ""

    def forget_cookies(self):
        self.client.cookies.clear()



def person(kind, plan, shared):
    """One person of `kind` with its own test client (its own cookies), begun."""
    from django.test import Client

    cls = type(f"Test{kind.__name__}", (ClientTransport, kind), {})
    someone = cls(Client(), plan, shared)
    someone.begin()
    return someone


def test_week_setup_and_every_kind_of_person_once(transactional_db):
    from fivestar.boards.screens.models import BoardExport
    from fivestar.meetings.models import Attendance, Meeting
    from fivestar.rating.models import Assessment
    from fivestar.reviews.models import ReviewExport
    from fivestar.supervision.models import Problem, Rectification

    rnd = build(30, 1.0, divisions=county_divisions, flush=False)
    plan = prepare(rnd, 1, 1, submitted_share=0.3, target=30)
    plan["week"] = prepare_week(rnd, plan, 1.0, problems_per_village=3)
    plan.update(wait=[0, 0], saves_per_village=2, photo_share=1.0, return_share=0.2, village_when_done=True, review_pack_kinds=["docx"])
    week = plan["week"]
    assert plan["pool"]["villages"] == 30 and len(week["towns"]) == 2 and week["inspectors"] and week["exporters"]
    assert Problem.objects.count() == 90
    shared = Shared(plan)
    everyone = []

    # A village fills two answers (each with a photo) and submits; its town's reviewer then reviews a submission.
    village = person(people_rating.Village, plan, shared)
    first = shared.villages[0]
    village.visit()
    assert Assessment.objects.get(pk=first["assessment"]).status == "submitted"
    town = first["username"].removeprefix("dd-")[:9]
    while shared.reviewers[0]["town"] != town:
        shared.reviewers.rotate(-1)
    reviewer = person(people_rating.TownReviewer, plan, shared)
    reviewer.visit()
    assert {"town approve", "town return"} & set(reviewer.sent)
    leader = person(people_rating.Leader, plan, shared)
    leader.visit()
    everyone += [village, reviewer, leader]

    # An inspector records a problem with its photo; the village rectifies it; the inspector re-inspects.
    inspector = person(people_week.Inspector, plan, shared)
    before = set(Problem.objects.values_list("pk", flat=True))
    inspector.inspect()
    new = Problem.objects.exclude(pk__in=before)
    assert new.count() >= 1 and all(p.photos.count() == 1 for p in new)
    shared.to_rectify.appendleft(shared.to_rectify.pop())  # the problem just recorded goes first
    rectifier = person(people_week.Rectifier, plan, shared)
    rectifier.visit()
    problem = Problem.objects.get(pk=new.order_by("pk").last().pk)
    assert problem.status == "checking" and Rectification.objects.filter(problem=problem, evidence__isnull=False).exists()
    inspector.reinspect()
    assert {"inspector: sign off", "inspector: return to village"} & set(inspector.sent)
    everyone += [inspector, rectifier]

    # A town holds its dispatch meeting; a leader watches the boards; the county administrator exports, in turn.
    meeting = person(people_week.TownMeeting, plan, shared)
    meeting.visit()
    held = Meeting.objects.get(status="held")
    assert Attendance.objects.filter(meeting=held).count() == len(week["towns"][0]["people"]) > 0
    watcher = person(people_week.BoardWatcher, plan, shared)
    assert watcher.token
    watcher.visit()
    exporter = person(people_week.Exporter, plan, shared)
    exporter.turn = -1
    for _ in range(4):
        exporter.visit()
    assert BoardExport.objects.get().status == "done" and ReviewExport.objects.get().status == "done"
    assert {"export: county board xlsx (download)", "export: review packs docx (download)", "export: problem ledger xlsx",
            "export: creation ledger xlsx"} <= set(exporter.sent)
    everyone += [meeting, watcher, exporter]

    assert [f for p in everyone for f in p.failures] == []
    kinds = {kind for p in everyone for kind in p.sent}
    assert len(kinds) >= 35  # every request kind of the week was sent
    assert all(kind.isascii() for kind in kinds), "the kind travels in an HTTP header (X-Bench-Kind): latin-1 only"
