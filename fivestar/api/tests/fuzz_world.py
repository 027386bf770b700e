"""A small populated world for fuzzing the whole API: tests.factories.World plus one or two real objects behind every
path parameter of the OpenAPI document (a round with assessments, evidence, a team with a plan, inspections and
problems, ledger tasks, commitments, meetings, observation and flags, activity records, projects, review packs and
export jobs), written through the services where a service exists. `ids()` maps each path parameter's name to the
values that hit those objects, in and out of the caller's scope."""

import datetime
from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.people.models import Duty, Person, Position, Responsibility, RoleAssignment
from fivestar.planning.tests.conftest import png
from tests.factories import user_with_role

TODAY = timezone.localdate()
YEAR = TODAY.year


@contextmanager
def served_schema():
    """The OpenAPI document as the app serves it, for schemathesis to call the app in process (WSGI). Django closes
    the database connection at the end of each request (close_old_connections); inside a test's transaction that
    would end it, so the test client's habit of unhooking it is copied for the duration."""
    import schemathesis

    from fivestar.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class FuzzWorld:
    def __init__(self, world, frameworks, make_round, capture):
        self.world = w = world
        self.sysadmin = w.users[Role.SYSADMIN]
        self.town_admin = w.users[Role.TOWN_ADMIN]
        self.cadre = w.users[Role.VILLAGE_CADRE]
        self.frameworks = frameworks
        self._people()
        self._rating(make_round, capture)
        self._supervision()
        self._planning()
        self._meetings()
        self._observation()
        self._activities()
        self._projects()
        self._reviews()

    def _people(self):
        w = self.world
        self.secretary = Person.objects.create(user=self.cadre, org_unit=w.village, name="王书记", gender="M",
                                               position=Position.SECRETARY, is_party_member=True)
        self.members = [Person.objects.create(org_unit=w.village, name=f"党员{i}", gender="M", position=Position.PARTY_MEMBER,
                                              is_party_member=True) for i in range(2)]
        self.liaison = Person.objects.create(user=w.users[Role.VILLAGE_LIAISON], org_unit=w.town, name="李包村", gender="F",
                                             position=Position.TOWN_CADRE)
        self.inspector = Person.objects.create(user=w.users[Role.SUPERVISOR], org_unit=w.town, name="张督导", gender="M",
                                               position=Position.TOWN_CADRE)
        self.far_person = Person.objects.create(org_unit=w.far_village, name="远方", gender="F", position=Position.PARTY_MEMBER,
                                                is_party_member=True)
        self.duties = [Responsibility.objects.create(duty=Duty.VILLAGE, person=self.liaison, org_unit=w.village),
                       Responsibility.objects.create(duty=Duty.HOUSEHOLDS, person=self.members[0], org_unit=w.village,
                                                     household_count=5)]
        self.extra_user = user_with_role("fuzzcadre", Role.VILLAGE_CADRE, w.sibling)
        self.extra_person = Person.objects.create(user=self.extra_user, org_unit=w.sibling, name="孙书记", gender="M",
                                                  position=Position.SECRETARY)

    def _rating(self, make_round, capture):
        from fivestar.rating.models import Assessment, Objection
        from fivestar.rating.services.evidence import store_evidence

        w = self.world
        self.round = make_round(scope=w.town, opener=self.town_admin, name=f"{YEAR}年度评星", indicator_year=YEAR - 1)
        self.assessments = list(Assessment.objects.filter(round=self.round).order_by("pk"))
        self.evidence = [store_evidence(w.village, self.cadre, png(), "photo"),
                         store_evidence(w.far_village, self.sysadmin, png((0, 90, 0)), "photo")]
        self.objection = Objection.objects.create(round=self.round, assessment=self.assessments[0], reason="材料不实",
                                                  client_hash="fuzz")
        self.rule_codes = sorted(self.frameworks[0].compiled().rules_by_code)[:3]

    def _supervision(self):
        from fivestar.supervision.models import VisitPlan
        from fivestar.supervision.services import create_problem, generate_plan, save_team
        from fivestar.supervision.services.inspections import record_inspection

        w = self.world
        self.team = save_team(self.town_admin, unit=w.town, name="第一督导组", leader=self.inspector,
                              villages=[w.village, w.sibling, w.community])
        monday = TODAY - datetime.timedelta(days=TODAY.weekday())
        generate_plan(self.team, self.town_admin, monday, 4)
        self.visit = VisitPlan.objects.filter(team=self.team).order_by("pk").first()
        supervisor = w.users[Role.SUPERVISOR]
        self.inspection = record_inspection(supervisor, self.team, date=TODAY, kind="routine", villages=[w.village])
        self.problems = [create_problem(supervisor, w.village, description="村内垃圾堆放未清理", severity="minor",
                                        inspection=self.inspection, team=self.team),
                         create_problem(supervisor, w.sibling, description="公示栏未更新", severity="general", team=self.team)]

    def _planning(self):
        from fivestar.planning.models import LetterBatch
        from fivestar.planning.services import save_targets, save_task
        from fivestar.planning.services.commitments import post_commitment

        w = self.world
        save_targets(self.town_admin, YEAR, [{"village": w.village, "category": "lead", "target_rating": 3,
                                             "target_stars": ["cyxw", "stjy", "paf"]}])
        self.task = save_task(self.town_admin, village=w.village, year=YEAR, star_code="cyxw", title="发展村集体经济项目",
                              deadline=TODAY + datetime.timedelta(days=10))
        self.commitment = post_commitment(self.cadre, w.village, TODAY.replace(day=1), self.secretary, "完成改厕 20 户")
        self.batch = LetterBatch.objects.create(town=w.town, year=YEAR, created_by=self.town_admin)

    def _meetings(self):
        from fivestar.meetings.models import MeetingKind
        from fivestar.meetings.services import create_meeting, save_series

        w = self.world
        self.series = save_series(self.town_admin, unit=w.town, kind=MeetingKind.DISPATCH, place="镇政府三楼会议室",
                                  attendees=[self.liaison])
        self.meeting = create_meeting(self.town_admin, series=self.series, date=TODAY)

    def _observation(self):
        from fivestar.observation.services.events import create_event
        from fivestar.observation.services.flags import propose_flags

        w = self.world
        observers = [user_with_role(f"fuzzobs{i}", Role.OBSERVER, w.town) for i in range(3)]
        self.event = create_event(self.town_admin, w.town, title="第一季度观摩", date=TODAY,
                                  items=[{"name": "环境卫生", "weight": 60}, {"name": "产业发展", "weight": 40}],
                                  observer_ids=[u.pk for u in observers], village_ids=[w.village.pk, w.sibling.pk])
        self.flags = propose_flags(self.town_admin, w.town, TODAY, red_count=1, black_count=1)

    def _activities(self):
        from fivestar.activities.services import records, safety, sessions
        from fivestar.activities.services.kinds import kinds_for

        w = self.world
        kind = kinds_for(w.town)[0]
        self.session = sessions.create_session(self.cadre, w.village, kind=kind, date=TODAY, title="主题党日", expected=3)
        self.honour = records.add_honour(self.cadre, w.village, title="县级文明村", level="county", issuer="县文明委", year=YEAR - 1)
        self.incident = safety.record_incident(self.cadre, w.village, date=TODAY, kind="accident", severity="major",
                                               description="安全生产事故")
        self.award = records.add_award(self.cadre, w.village, person_name="王书记", category="优秀党员", year=YEAR - 1)
        self.check = records.add_risk_check(self.cadre, w.village, date=TODAY, checker="王书记")
        self.campaign = records.add_project(self.cadre, w.village, name="人居环境整治", year=YEAR)
        self.pair = records.add_pair(self.cadre, w.village, mentor=self.secretary.pk, mentee=self.members[0].pk, kind="secretary",
                                     start=TODAY)

    def _projects(self):
        from fivestar.projects.services.projects import express_interest, publish

        w = self.world
        self.project = publish(self.cadre, w.village, name="食用菌大棚", industry="食用菌", investment="800000",
                               expected_return="60000")
        express_interest(self.extra_user, self.project, w.sibling, amount_value="300000")

    def _reviews(self):
        from fivestar.boards.screens.models import BoardExport
        from fivestar.reviews.models import ReviewExport, ReviewPack
        from fivestar.reviews.services import compute_town

        w = self.world
        compute_town(self.town_admin, w.town, YEAR - 1)
        self.packs = list(ReviewPack.objects.filter(town=w.town).order_by("pk")[:2])
        self.review_export = ReviewExport.objects.create(unit=w.town, year=YEAR - 1, kind="docx", created_by=self.town_admin)
        self.board_export = BoardExport.objects.create(unit=w.county, year=YEAR, kind="board_xlsx", created_by=self.sysadmin)

    def ids(self, caller) -> dict[str, list]:
        """Every path parameter's name → values naming real objects (the caller's own token included)."""
        from fivestar.api.models import ApiToken

        w = self.world
        units = [w.village, w.sibling, w.town, w.county, w.far_village]
        towns = [w.town, w.far_town]
        return {
            "token_id": list(ApiToken.objects.filter(user=caller).values_list("pk", flat=True)[:2]) or [1],
            "code": [u.code for u in units],
            "unit": [u.code for u in units],
            "town": [t.code for t in towns],
            "unit_id": [u.pk for u in units],
            "town_id": [t.pk for t in towns],
            "person_id": [self.secretary.pk, self.members[0].pk, self.far_person.pk, self.extra_person.pk],
            "duty_id": [d.pk for d in self.duties],
            "role_id": list(RoleAssignment.objects.exclude(user=caller).values_list("pk", flat=True)[:3]),
            "framework_id": [f.pk for f in self.frameworks],
            "round_id": [self.round.pk, self.flags.pk],
            "assessment_id": [a.pk for a in self.assessments[:3]],
            "evidence_id": [e.pk for e in self.evidence],
            "objection_id": [self.objection.pk],
            "team_id": [self.team.pk],
            "plan_id": [self.visit.pk],
            "inspection_id": [self.inspection.pk],
            "problem_id": [p.pk for p in self.problems],
            "batch_id": [self.batch.pk],
            "task_id": [self.task.pk],
            "commitment_id": [self.commitment.pk],
            "series_id": [self.series.pk],
            "meeting_id": [self.meeting.pk],
            "event_id": [self.event.pk],
            "what": ["sessions", "honours", "awards", "pairs", "checks", "incidents", "projects"],
            "record_id": [self.session.pk, self.honour.pk, self.incident.pk, self.award.pk, self.check.pk, self.campaign.pk,
                          self.pair.pk],
            "session_id": [self.session.pk],
            "token": [self.session.qr_token],
            "incident_id": [self.incident.pk],
            "honour_id": [self.honour.pk],
            "project_id": [self.project.pk],
            "pack_id": [p.pk for p in self.packs],
            "export_id": [self.review_export.pk, self.board_export.pk],
        }
