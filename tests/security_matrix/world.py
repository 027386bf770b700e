"""One world for the whole matrix: tests.factories.World (two counties; county A with towns T and OT, county B with
FT; villages V and S in T — V in the area —, O in OT, F in FT) and one object of every kind in every place, written
through the apps' services (as the sysadmin, who may do anything, so the builder never depends on a role's rights).

Places: villages V, S, O, F; towns T, OT, FT; counties C, FC. Every object whose page could leak carries its place's
marker (`marker("S")` = "@@S@@") in a text the page shows, so a list can be checked for what it must not show."""

import datetime
import io
import uuid
import zipfile

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from fivestar.core.roles import Role
from fivestar.people.models import Duty, Person, Position, Responsibility
from tests.factories import World, user_with_role

VILLAGES = ("V", "S", "O", "F")
TOWNS = ("T", "OT", "FT")
COUNTIES = ("C", "FC")
TOWN_OF = {"V": "T", "S": "T", "O": "OT", "F": "FT"}
COUNTY_OF = {"T": "C", "OT": "C", "FT": "FC"}
TODAY = timezone.localdate()
YEAR = TODAY.year
LAST_YEAR = YEAR - 1


EMPTY_ZIP = b"PK\x05\x06" + b"\0" * 18  # an Office file with nothing in it: the routes serve files, they do not read them
PLACES = (*VILLAGES, *TOWNS, *COUNTIES, "X")  # X: someone else's (a token, a notification)


def marker(place: str) -> str:
    return f"@@{place}@@"


def png(name="photo.png", color=(30, 120, 200)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


class MatrixWorld:
    """`obj[kind][place]` → the object of that kind in that place; `users[role]` → the role's account (bound as in
    tests.factories.World); `sessions[role]` / `tokens[role]` → a logged-in session cookie and an API token."""

    def __init__(self):
        self.w = World()
        w = self.w
        self.unit = {"V": w.village, "S": w.sibling, "O": w.other_village, "F": w.far_village,
                     "T": w.town, "OT": w.other_town, "FT": w.far_town, "C": w.county, "FC": w.other_county}
        self.users = dict(w.users)
        self.sys = self.users[Role.SYSADMIN]
        self.obj: dict[str, dict[str, object]] = {}
        self._people()
        self._frameworks_and_rounds()
        self._evidence_and_rating()
        self._supervision()
        self._planning()
        self._observation()
        self._meetings()
        self._activities()
        self._projects()
        self._reviews()
        self._boards()
        self._misc()
        self._logins()
        self._own_exports()
        self._rank()

    def put(self, kind: str, place: str, value) -> None:
        self.obj.setdefault(kind, {})[place] = value

    # People ------------------------------------------------------------------------------------------------------
    def _people(self):
        w, u = self.w, self.unit
        roles = self.users
        self.secretary = {}
        for place in VILLAGES:
            user = roles[Role.VILLAGE_CADRE] if place == "V" else user_with_role(f"cadre-{place}", Role.VILLAGE_CADRE, u[place])
            self.put("cadre_user", place, user)
            self.secretary[place] = Person.objects.create(org_unit=u[place], user=user, name=f"书记{marker(place)}", gender="M",
                                                          position=Position.SECRETARY, is_party_member=True,
                                                          phone=f"1390000000{VILLAGES.index(place)}", note=marker(place))
            member = Person.objects.create(org_unit=u[place], name=f"党员{marker(place)}", gender="F", position=Position.PARTY_MEMBER,
                                           is_party_member=True, note=marker(place))
            self.put("person", place, member)
            self.put("duty", place, Responsibility.objects.create(duty=Duty.HOUSEHOLDS, person=member, org_unit=u[place],
                                                                  household_count=5))
            self.put("role", place, user.role_assignments.get())
        # 包村干部 of V (a town cadre), 包片领导 of the area, a town cadre for every town (team leaders, attendees).
        self.liaison = Person.objects.create(user=roles[Role.VILLAGE_LIAISON], org_unit=w.town, name="李包村", gender="F",
                                             position=Position.TOWN_CADRE)
        Responsibility.objects.create(duty=Duty.VILLAGE, person=self.liaison, org_unit=w.village)
        self.area_leader = Person.objects.create(user=roles[Role.AREA_LEADER], org_unit=w.town, name="赵包片", gender="M",
                                                 position=Position.TOWN_LEADER)
        Responsibility.objects.create(duty=Duty.AREA, person=self.area_leader, org_unit=w.town, area=w.area)
        self.town_cadre = {}
        for place in TOWNS:
            user = roles[Role.SUPERVISOR] if place == "T" else user_with_role(f"sup-{place}", Role.SUPERVISOR, u[place])
            self.town_cadre[place] = Person.objects.create(user=user, org_unit=u[place], name=f"督导{place}", gender="M",
                                                           position=Position.TOWN_CADRE)
        # Each place's own administrators write its objects, so no object carries a higher rank than its place's.
        self.admin = {"T": roles[Role.TOWN_ADMIN], "C": roles[Role.COUNTY_ADMIN]}
        for place in ("OT", "FT"):
            self.admin[place] = user_with_role(f"town-{place}", Role.TOWN_ADMIN, u[place])
        self.admin["FC"] = user_with_role("county-FC", Role.COUNTY_ADMIN, u["FC"])

    # Standards and rating ----------------------------------------------------------------------------------------
    def _frameworks_and_rounds(self):
        from fivestar.rating.services import create_round, open_round
        from fivestar.rating.tests.conftest import published_framework
        from fivestar.standards.services import new_version_from

        u = self.unit
        self.rural = published_framework("puyang-2023-rural")
        self.community = published_framework("puyang-2023-community")
        for place in COUNTIES:
            draft = new_version_from(self.rural, self.sys, f"draft-{place.lower()}", "2099", f"草稿{marker(place)}")
            draft.org_unit = u[place]
            draft.save(update_fields=["org_unit"])
            self.put("framework", place, draft)
        for place in COUNTIES:
            rnd = create_round(
                self.admin[place], scope=u[place], name=f"{YEAR}年度评星{marker(place)}", kind="annual", year=YEAR,
                period_start=TODAY - days(30), period_end=TODAY + days(30), rural_framework=self.rural,
                community_framework=self.community, self_deadline=TODAY + days(5), town_deadline=TODAY + days(10),
                county_deadline=TODAY + days(15), notice_days=5, indicator_year=LAST_YEAR,
            )
            open_round(rnd, self.admin[place])
            rnd.refresh_from_db()
            self.put("round", place, rnd)
        from fivestar.rating.models import Assessment

        for place in VILLAGES:
            self.put("assessment", place, Assessment.objects.get(org_unit=u[place]))

    def _evidence_and_rating(self):
        from fivestar.rating.models import Objection, StarHolding, VetoEvent
        from fivestar.rating.services.evidence import attach, store_evidence

        u = self.unit
        self.rule = next(iter(self.rural.compiled().rules_by_code.values()))
        for place in VILLAGES:
            cadre = self.obj["cadre_user"][place]
            ev = store_evidence(u[place], cadre, png(f"证据{place}.png"), "photo", f"证据{marker(place)}")
            attach(self.obj["assessment"][place], cadre, ev, [self.rule.code])
            self.put("evidence", place, ev)
            a = self.obj["assessment"][place]
            self.put("objection", place, Objection.objects.create(round=a.round, assessment=a, reason=f"异议{marker(place)}",
                                                                 contact="13800000000", client_hash=f"h{place}"))
            StarHolding.objects.create(org_unit=u[place], star_code="cyxw", star_name="产业兴旺星", gained_at=timezone.now() - days(200))
            self.put("veto", place, VetoEvent.objects.create(org_unit=u[place], rule_code=self.rule.code, star_code=self.rule.star_code,
                                                            occurred_on=TODAY - days(3), description=f"否决{marker(place)}"))

    # Supervision -------------------------------------------------------------------------------------------------
    def _supervision(self):
        from fivestar.supervision.services import create_problem, save_team
        from fivestar.supervision.services.inspections import record_inspection
        from fivestar.supervision.services.plans import add_visit, monday

        u = self.unit
        for place in TOWNS:
            villages = [u[v] for v in VILLAGES if TOWN_OF[v] == place]
            team = save_team(self.admin[place], unit=u[place], name=f"督导组{marker(place)}", leader=self.town_cadre[place],
                             villages=villages)
            self.put("team", place, team)
            self.put("visit", place, add_visit(team, self.admin[place], villages[0], monday(TODAY) + days(7)))
        for place in VILLAGES:
            team = self.obj["team"][TOWN_OF[place]]
            leader_user = self.town_cadre[TOWN_OF[place]].user
            inspection = record_inspection(leader_user, team, date=TODAY - days(1), kind="routine", villages=[u[place]],
                                           notes=f"督导{marker(place)}")
            self.put("inspection", place, inspection)
            self.put("problem", place, create_problem(leader_user, u[place], description=f"问题{marker(place)}", severity="minor",
                                                      inspection=inspection, team=team, client_uid=uuid.uuid5(uuid.NAMESPACE_URL, place)))

    # Planning ----------------------------------------------------------------------------------------------------
    def _planning(self):
        from fivestar.planning.services import save_targets, save_task
        from fivestar.planning.services.commitments import post_commitment
        from fivestar.planning.services.letters import letter_for
        from fivestar.planning.services.letters_batch import start_letter_batch

        u = self.unit
        for place in VILLAGES:
            admin = self.admin[TOWN_OF[place]]
            save_targets(admin, YEAR, [{"village": u[place], "category": "lead", "target_rating": 2, "target_stars": ["cyxw", "stjy"]}])
            self.put("task", place, save_task(admin, village=u[place], year=YEAR, star_code="cyxw", title=f"任务{marker(place)}",
                                              deadline=TODAY + days(20)))
            self.put("commitment", place, post_commitment(self.obj["cadre_user"][place], u[place], TODAY, self.secretary[place],
                                                          f"承诺{marker(place)}"))
            self.put("letter", place, letter_for(u[place], YEAR))
        for place in TOWNS:
            self.put("letter_batch", place, start_letter_batch(self.admin[place], u[place], YEAR))

    # Observation -------------------------------------------------------------------------------------------------
    def _observation(self):
        from fivestar.observation.services.events import create_event, publish_ranking, save_scores
        from fivestar.observation.services.flags import propose_flags

        u = self.unit
        for place in TOWNS:
            villages = [u[v] for v in VILLAGES if TOWN_OF[v] == place]
            event = create_event(self.admin[place], u[place], title=f"观摩{marker(place)}", date=TODAY - days(2),
                                 items=[{"name": "环境卫生", "weight": 100}], observer_ids=[self.town_cadre[place].user_id],
                                 village_ids=[v.pk for v in villages])
            self.put("event", place, event)
            save_scores(self.town_cadre[place].user, event, villages[0], {event.items.get().pk: 90})
            published = create_event(self.admin[place], u[place], title=f"已发布观摩{marker(place)}", date=TODAY - days(3),
                                     items=[{"name": "产业发展", "weight": 100}], observer_ids=[self.town_cadre[place].user_id],
                                     village_ids=[v.pk for v in villages])
            save_scores(self.town_cadre[place].user, published, villages[0], {published.items.get().pk: 85})
            publish_ranking(self.admin[place], published)
            self.put("published_event", place, published)
            self.put("flags", place, propose_flags(self.admin[place], u[place], TODAY - days(1), red_count=1, black_count=0))

    # Meetings ----------------------------------------------------------------------------------------------------
    def _meetings(self):
        from fivestar.meetings.models import Briefing, MeetingKind
        from fivestar.meetings.services import save_series
        from fivestar.meetings.services.briefing_data import collect
        from fivestar.meetings.services.meetings import create_meeting

        u = self.unit
        for place in TOWNS:
            series = save_series(self.admin[place], unit=u[place], kind=MeetingKind.DISPATCH, name=f"调度会{marker(place)}",
                                 attendees=[self.town_cadre[place]])
            self.put("series", place, series)
            meeting = create_meeting(self.admin[place], series=series, date=TODAY + days(1), title=f"会议{marker(place)}")
            self.put("meeting", place, meeting)
            briefing = Briefing.objects.create(meeting=meeting, requested_by=self.admin[place], status=Briefing.Status.DONE,
                                               data=collect(meeting), finished_at=timezone.now())
            # Small stand-ins for the generated files: the routes serve what is stored, they do not render it.
            briefing.docx.save(f"briefing-{place}.docx", ContentFile(EMPTY_ZIP), save=False)
            briefing.pdf.save(f"briefing-{place}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
            self.put("briefing", place, briefing)

    # Activities --------------------------------------------------------------------------------------------------
    def _activities(self):
        from fivestar.activities.services.kinds import kinds_for
        from fivestar.activities.services.records import add_award, add_honour, add_pair, add_project, add_risk_check
        from fivestar.activities.services.safety import record_incident
        from fivestar.activities.services.sessions import create_session

        u = self.unit
        for place in VILLAGES:
            village, m, cadre = u[place], marker(place), self.obj["cadre_user"][place]
            kind = kinds_for(u[TOWN_OF[place]])[0]
            self.put("session", place, create_session(cadre, village, kind=kind, date=TODAY - days(1), title=f"活动{m}"))
            self.put("honour", place, add_honour(cadre, village, title=f"荣誉{m}", level="county", issuer="县委", year=LAST_YEAR,
                                                 upload=png(f"荣誉{place}.png")))
            self.put("award", place, add_award(cadre, village, person_name=f"获奖人{place}", category="优秀党员",
                                               year=LAST_YEAR, note=m))
            self.put("pair", place, add_pair(cadre, village, mentor=self.secretary[place].pk, mentee=self.obj["person"][place].pk,
                                             kind="secretary", start=TODAY - days(100), note=m))
            self.put("check", place, add_risk_check(cadre, village, date=TODAY - days(5), checker=f"检查人{place}", findings=m))
            self.put("incident", place, record_incident(cadre, village, date=TODAY - days(4), kind="case", severity="major",
                                                        description=f"事件{m}"))
            self.put("campaign", place, add_project(cadre, village, name=f"专项{m}", year=YEAR, target="目标", budget=1000))
        for place in TOWNS:
            self.put("kinds", place, kinds_for(u[place]))

    # Projects ----------------------------------------------------------------------------------------------------
    def _projects(self):
        from fivestar.projects.services.incentives import set_policy
        from fivestar.projects.services.projects import publish

        u = self.unit
        for place in VILLAGES:
            project = publish(self.obj["cadre_user"][place], u[place], name=f"项目{marker(place)}", industry="食用菌", investment="800000",
                              expected_return="60000", uploads=[png(f"项目{place}.png")])
            self.put("project", place, project)
            self.put("project_file", place, project.files.get())
        for place in TOWNS + COUNTIES:
            rules = {str(stars): {"priority": 6 - stars if stars else 5, "funds": marker(place), "honours": ""} for stars in range(6)}
            self.put("policy", place, set_policy(self.admin[place], u[place], rules))

    # Reviews -----------------------------------------------------------------------------------------------------
    def _reviews(self):
        from fivestar.reviews.models import ReviewExport, ReviewPack
        from fivestar.reviews.services import compute_town, save_settings

        u = self.unit
        for place in TOWNS:
            compute_town(self.admin[place], u[place], YEAR)
            self.put("review_export", place, ReviewExport.objects.create(unit=u[place], year=YEAR, kind="docx",
                                                                         created_by=self.admin[place]))
        for place in VILLAGES:
            self.put("pack", place, ReviewPack.objects.get(org_unit=u[place], year=YEAR, person=self.secretary[place]))
        del save_settings  # settings pages read the defaults; nothing to write

    # Boards ------------------------------------------------------------------------------------------------------
    def _boards(self):
        from fivestar.boards.screens.models import BoardExport
        from fivestar.boards.services import rebuild_board_stats

        rebuild_board_stats(YEAR)
        for place in TOWNS + COUNTIES:
            self.put("board_export", place, BoardExport.objects.create(unit=self.unit[place], year=YEAR, kind="villages_xlsx",
                                                                       created_by=self.admin[place]))

    # Exports belong to whoever started them (and to their scope) --------------------------------------------------
    def _own_exports(self):
        from fivestar.boards.screens.models import BoardExport
        from fivestar.reviews.models import ReviewExport

        home = {Role.SYSADMIN: "C", Role.COUNTY_ADMIN: "C", Role.OBSERVER: "C", Role.TOWN_ADMIN: "T", Role.SUPERVISOR: "T",
                Role.AREA_LEADER: "T", Role.VILLAGE_LIAISON: "V", Role.VILLAGE_CADRE: "V"}
        self.my_board_export, self.my_review_export = {}, {}
        # Only roles that may start an export have one; the others' "own" is someone else's (refused like it).
        board_starters = {Role.SYSADMIN, Role.COUNTY_ADMIN, Role.TOWN_ADMIN, Role.SUPERVISOR, Role.OBSERVER}
        review_starters = {Role.SYSADMIN, Role.COUNTY_ADMIN, Role.TOWN_ADMIN}
        for role, user in [("X", self.stranger), *self.users.items()]:
            unit = self.unit[home.get(role, "T")]
            town = unit if unit.level == 4 else self.unit["T"]
            board = BoardExport(unit=unit, year=YEAR, kind="villages_xlsx", created_by=user, status="done", finished_at=timezone.now())
            board.file.save(f"board-{role}.xlsx", ContentFile(EMPTY_ZIP), save=True)
            review = ReviewExport(unit=town, year=YEAR, kind="docx", created_by=user, status="done", finished_at=timezone.now())
            review.file.save(f"review-{role}.docx", ContentFile(EMPTY_ZIP), save=True)
            self.my_board_export[role] = board if role in board_starters | {"X"} else self.my_board_export["X"]
            self.my_review_export[role] = review if role in review_starters | {"X"} else self.my_review_export["X"]

    # Rank: decisions a lower level may see but not overrule ------------------------------------------------------
    def _rank(self):
        from fivestar.activities.services.records import add_honour
        from fivestar.meetings.models import MeetingKind
        from fivestar.meetings.services import save_series
        from fivestar.planning.services import save_task
        from fivestar.rating.models import Assessment
        from fivestar.reviews.models import ReviewPack
        from fivestar.reviews.services import adjust

        u, county, town = self.unit, self.admin["C"], self.admin["T"]
        self.rank = {
            "task": save_task(county, village=u["V"], year=YEAR, star_code="cyxw", title="县级交办任务", deadline=TODAY + days(20)),
            "series": save_series(county, unit=u["T"], kind=MeetingKind.MONTHLY, name="县级安排的月度总结会"),
            "honour": add_honour(town, u["V"], title="镇录入的荣誉", level="county", issuer="县委", year=LAST_YEAR),
        }
        pack = ReviewPack.objects.get(person=self.liaison, year=YEAR)
        other = next(g for g in ("好", "较好", "一般", "差") if g != pack.grade)
        self.rank["pack"] = adjust(county, pack, other, reason="县级考核调整")
        approved = Assessment.objects.get(org_unit=self.w.community, round=self.obj["round"]["C"])
        Assessment.objects.filter(pk=approved.pk).update(status="county_approved")
        self.rank["assessment"] = approved
        # A person of the village whose account is also a county administrator's: the town sees the person but may
        # not manage that account.
        from fivestar.standards.services import new_version_from

        self.rank["province_draft"] = new_version_from(self.rural, self.sys, "draft-province", "2099", "全省草稿")
        senior = user_with_role("senior", Role.COUNTY_ADMIN, u["C"])
        self.rank["senior"] = Person.objects.create(org_unit=u["V"], user=senior, name="县里的老书记", gender="M",
                                                    position=Position.PARTY_MEMBER)

    # Imports, inbox, tokens --------------------------------------------------------------------------------------
    def _misc(self):
        from fivestar.imports.models import ImportJob
        from fivestar.inbox.models import Notification

        for place in TOWNS:
            self.put("import_divisions", place, ImportJob.objects.create(kind="divisions", org_unit=self.unit[place],
                                                                         created_by=self.admin[place], message=marker(place)))
            self.put("import_people", place, ImportJob.objects.create(kind="people", org_unit=self.unit[place],
                                                                      created_by=self.admin[place], message=marker(place)))
        self.notifications = {role: Notification.objects.create(user=user, title=f"通知{role}", body=marker(role))
                              for role, user in self.users.items()}

    def _logins(self):
        from fivestar.api.models import ApiToken

        self.sessions, self.tokens = {}, {}
        for role, user in self.users.items():
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            self.sessions[role] = client.cookies
            self.tokens[role] = ApiToken.issue(user, label="matrix")
        self.tokens_rows = {role: ApiToken.objects.get(user=user, label="matrix") for role, user in self.users.items()}
        # Someone else's token and notification: what "own" routes must refuse.
        self.stranger = get_user_model().objects.create_user("stranger", password="x-strange-pass-1")
        ApiToken.issue(self.stranger, label="other")
        self.stranger_token = ApiToken.objects.get(user=self.stranger)
        from fivestar.inbox.models import Notification

        self.stranger_notification = Notification.objects.create(user=self.stranger, title="他人的通知", body=marker("X"))


def zipped_text(data: bytes) -> str:
    """The XML text of an Office file (xlsx, docx) so its cells can be checked for markers."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
