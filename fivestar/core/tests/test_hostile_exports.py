"""Formula injection in every workbook handed out by supervision, planning, observation, activities and boards: villages
named like formulas and records typed like formulas (=HYPERLINK…, +…, -…, @…) are exported, read back with openpyxl,
and no cell is a formula; each file does carry at least one of those values, as text (a file without them would
prove nothing). Exports of the older apps are in test_hostile_files.py; reviews, projects and meetings export Word
and PDF only (the briefing, the review packs), where text is text."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fivestar.core.roles import Role
from fivestar.people.models import Person, Position
from fivestar.rating.tests.conftest import frameworks  # noqa: F401 - fixture
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year
HOSTILE = {
    "village": '=HYPERLINK("http://evil.example/x","点击领取补贴")',
    "sibling": "+1 庆南村",
    "community": "@SUM(1+1)*cmd|' /C calc'!A0",
    "text": "-2+3 =cmd|' /C notepad'!A0",
    "town": "=1+2 八公桥镇",  # a county's board lists its towns
}
FORMULA_STARTS = ("=", "+", "-", "@")


class Exports:
    """Villages renamed to formulas, and one record of every exported kind typed like one, through the services."""

    def __init__(self, world):
        from fivestar.activities.services import records, safety, sessions
        from fivestar.activities.services.kinds import kinds_for
        from fivestar.planning.services import save_targets, save_task
        from fivestar.supervision.services import create_problem

        w = self.world = world
        for unit, key in ((w.village, "village"), (w.sibling, "sibling"), (w.community, "community"), (w.other_town, "town")):
            unit.name = unit.display_name = HOSTILE[key]
            unit.save()
        self.town_admin, self.county_admin = w.users[Role.TOWN_ADMIN], w.users[Role.COUNTY_ADMIN]
        cadre, text = w.users[Role.VILLAGE_CADRE], HOSTILE["text"]
        secretary = Person.objects.create(user=cadre, org_unit=w.village, name="王书记", gender="M", position=Position.SECRETARY,
                                          is_party_member=True)
        member = Person.objects.create(org_unit=w.village, name="党员甲", gender="M", position=Position.PARTY_MEMBER, is_party_member=True)
        sessions.create_session(cadre, w.village, kind=kinds_for(w.town)[0], date=TODAY, title=text, location=text, expected=3)
        records.add_honour(cadre, w.village, title=text, level="county", issuer=text, year=YEAR, note=text)
        records.add_award(cadre, w.village, person_name="王书记", category=text, year=YEAR, note=text)
        records.add_pair(cadre, w.village, mentor=secretary.pk, mentee=member.pk, kind="secretary", start=TODAY, note=text)
        records.add_risk_check(cadre, w.village, date=TODAY, checker=text, findings=text)
        safety.record_incident(cadre, w.village, date=TODAY, kind="accident", severity="minor", description=text, outcome=text)
        records.add_project(cadre, w.village, name=text, year=YEAR, target=text)
        save_targets(self.town_admin, YEAR, [{"village": w.village, "category": "lead", "target_rating": 3,
                                             "target_stars": ["cyxw", "stjy", "paf"]}])
        save_task(self.town_admin, village=w.village, year=YEAR, star_code="cyxw", title=text, description=text,
                  deadline=TODAY + datetime.timedelta(days=10))
        create_problem(w.users[Role.SUPERVISOR], w.village, description=text, severity="minor")
        self.event = self._ranking(text)
        from fivestar.boards.services import rebuild_board_stats

        rebuild_board_stats(YEAR)  # a county's board reads its kept figures, one row per town

    def _ranking(self, title):
        from fivestar.observation.services.events import create_event, publish_ranking, save_scores

        w = self.world
        observers = [user_with_role(f"obs{i}", Role.OBSERVER, w.town) for i in range(2)]
        event = create_event(self.town_admin, w.town, title=title, date=TODAY, items=[{"name": "环境卫生", "weight": 100}],
                             observer_ids=[u.pk for u in observers], village_ids=[w.village.pk, w.sibling.pk])
        item = event.items.get()
        for observer in observers:
            save_scores(observer, event, w.village, {item.pk: 90})
            save_scores(observer, event, w.sibling, {item.pk: 80})
        publish_ranking(self.town_admin, event)
        return event


@pytest.fixture
def exports(world, frameworks, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Exports(world)


def _body(response) -> bytes:
    assert response.status_code == 200, response.content[:300] if not response.streaming else response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _page(client, user, url, **query):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return _body(client.get(url, query))


def _api(client, api_token, user, url, **query):
    return _body(client.get(url, query, HTTP_AUTHORIZATION=f"Bearer {api_token(user)}"))


def _board_job(client, exports, kind, capture):
    """A county's export runs in the background; run it and download the file."""
    from fivestar.boards.screens.models import BoardExport

    client.force_login(exports.county_admin, backend="django.contrib.auth.backends.ModelBackend")
    with capture(execute=True):
        client.post(f"/boards/export/{exports.world.county.pk}/{kind}/", {"year": YEAR})
    job = BoardExport.objects.order_by("-pk").first()
    assert job.status == BoardExport.Status.DONE, job.message
    return _body(client.get(f"/boards/exports/{job.pk}/download/"))


WHATS = ["sessions", "honours", "awards", "pairs", "checks", "incidents", "projects"]
EXPORTS = {
    **{f"activities-{what}": (lambda c, e, t, cap, what=what: _page(c, e.town_admin, f"/activities/export/{what}.xlsx", year=YEAR))
       for what in WHATS},
    "honours-import-template": lambda c, e, t, cap: _page(c, e.town_admin, "/activities/honours/import/template.xlsx"),
    "ranking-page": lambda c, e, t, cap: _page(c, e.town_admin, f"/observation/events/{e.event.pk}/ranking.xlsx"),
    "ranking-api": lambda c, e, t, cap: _api(c, t, e.town_admin, f"/api/v1/observation/events/{e.event.pk}/ranking.xlsx"),
    "ledger-page": lambda c, e, t, cap: _page(c, e.town_admin, "/planning/ledger/export.xlsx", year=YEAR),
    "ledger-api": lambda c, e, t, cap: _api(c, t, e.town_admin, "/api/v1/planning/tasks/export.xlsx", year=YEAR),
    "targets-template": lambda c, e, t, cap: _page(c, e.town_admin, f"/planning/targets/{e.world.town.code}/template.xlsx", year=YEAR),
    "problems-page": lambda c, e, t, cap: _page(c, e.town_admin, "/supervision/exports/ledger.xlsx"),
    "problems-api": lambda c, e, t, cap: _api(c, t, e.town_admin, "/api/v1/supervision/problems/ledger.xlsx"),
    "board-town": lambda c, e, t, cap: _page(c, e.town_admin, f"/boards/export/{e.world.town.pk}/xlsx/", year=YEAR),
    "board-county": lambda c, e, t, cap: _board_job(c, e, "xlsx", cap),
    "board-villages": lambda c, e, t, cap: _board_job(c, e, "villages", cap),
}


@pytest.mark.parametrize("export", EXPORTS)
def test_no_exported_cell_is_a_formula(exports, client, api_token, django_capture_on_commit_callbacks, export):
    data = EXPORTS[export](client, exports, api_token, django_capture_on_commit_callbacks)
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    formulas = [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    hostile = [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)
               and any(h in c.value for h in HOSTILE.values())]
    assert hostile, f"{export}: no formula-like value was exported, so nothing was tested"
