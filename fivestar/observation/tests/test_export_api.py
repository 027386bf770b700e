"""The published ranking as xlsx through the API, the same file as the page's: read back per role (the town, a named
observer, the county), a hostile village and event name kept as text (never a formula), unranked villages last, 404
before publication and outside the scope, streamed in a fixed number of queries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from fivestar.core.roles import Role
from fivestar.observation.services.events import publish_ranking
from fivestar.supervision.tests.api_helpers import Caller, chinese_error
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def book(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_ranking_xlsx_over_the_api(obs):
    w = obs.world
    w.sibling.display_name = '=HYPERLINK("http://evil.example","点我")'
    w.sibling.save()
    event = obs.event(observers=obs.observers[:2], title="+第一季度观摩")
    for observer, (a, b) in zip(obs.observers[:2], [(90, 80), (70, 60)]):
        obs.score(event, observer, w.village, a, b)
        obs.score(event, observer, w.sibling, b, a)
    town = Caller(obs.town_admin)
    chinese_error(town.get(f"/observation/events/{event.pk}/ranking.xlsx"), 404)  # not published yet
    publish_ranking(obs.town_admin, event)
    ws = book(town.get(f"/observation/events/{event.pk}/ranking.xlsx"))
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("+第一季度观摩排名") and ws["A1"].data_type == "s"
    assert rows[1] == ("名次", "村（社区）", "代码", "得分", "评分人数", "去掉最高最低分")
    assert rows[2] == (1, "西辛庄村", w.village.code, 76.0, 2, "否")
    assert rows[3][1] == '=HYPERLINK("http://evil.example","点我")' and ws["B4"].data_type == "s"
    assert rows[4][0] is None and rows[4][1] == "龙鑫苑社区"  # not scored: last, no rank
    page_rows = list(book_from_page(obs, event).iter_rows(values_only=True))
    assert page_rows == rows  # one export function for the page and the API
    assert book(Caller(obs.observers[0]).get(f"/observation/events/{event.pk}/ranking.xlsx"))
    assert book(Caller(w.users[Role.COUNTY_ADMIN]).get(f"/observation/events/{event.pk}/ranking.xlsx"))
    chinese_error(Caller(user_with_role("farx", Role.TOWN_ADMIN, w.far_town)).get(f"/observation/events/{event.pk}/ranking.xlsx"), 404)
    chinese_error(Caller(obs.cadre).get(f"/observation/events/{event.pk}/ranking.xlsx"), 404)  # a village sees only itself
    chinese_error(town.get("/observation/events/999999/ranking.xlsx"), 404)
    assert "/api/v1/observation/events/{event_id}/ranking.xlsx" in town.client.get("/api/v1/openapi.json").json()["paths"]


def book_from_page(obs, event):
    from django.test import Client

    client = Client()
    client.force_login(obs.town_admin)
    return book(client.get(f"/observation/events/{event.pk}/ranking.xlsx"))


def test_ranking_xlsx_queries_do_not_grow_with_villages(obs):
    from fivestar.orgs.models import Level
    from tests.factories import unit

    w = obs.world

    def published(villages):
        event = obs.event(observers=obs.observers[:1], villages=villages)
        for v in villages:
            obs.score(event, obs.observers[0], v, 80, 70)
        publish_ranking(obs.town_admin, event)
        return event

    few = published([w.village])
    many = published([w.village] + [unit(f"4109281032{n:02d}", f"新村{n}", Level.VILLAGE, w.town) for n in range(30, 50)])
    town = Caller(obs.town_admin)
    town.get(f"/observation/events/{few.pk}/ranking.xlsx")
    counts = []
    for event in (few, many):
        with CaptureQueriesContext(connection) as q:
            ws = book(town.get(f"/observation/events/{event.pk}/ranking.xlsx"))
        counts.append(len(q))
    assert counts[0] == counts[1], [x["sql"][:200] for x in q.captured_queries]
    assert ws.max_row == 2 + 21
