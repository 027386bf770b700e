"""A town's flag and observation settings (service, page, API): defaults until saved, every value checked before
anything is saved (junk refused in Chinese, never a 500), changes kept with who made them, the next proposal follows
them (period, counts, weights); read by whoever sees the town, changed by its administrators and the county's; another
town is 404."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.observation.models import ObservationSettings
from fivestar.observation.services.errors import ObservationError
from fivestar.observation.services.flags import propose_flags
from fivestar.observation.services.town_settings import save_settings, settings_for
from fivestar.supervision.models import Problem
from fivestar.supervision.tests.api_helpers import Caller, chinese_error
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_settings_are_checked_before_saving_and_attributed(obs):
    w = obs.world
    assert settings_for(w.town).pk is None and settings_for(w.village).red_count == 3
    for kw, message in (({"red_count": "三"}, "整数"), ({"black_count": 51}, "0 至 50"), ({"drop_extremes_min": 2}, "3 至 50"),
                        ({"drop_extremes_min": None, "flag_period": "year"}, "每月或每季度"),
                        ({"weights": {"inspection": "多"}}, "应为数字"), ({"weights": {"inspection": 101}}, "0 至 100"),
                        ({"weights": {"inspection": 0, "observation": 0, "rules": 0}}, "大于 0"), ({"weights": [1, 2]}, "分别填写"),
                        ({"red_count": 0, "black_count": 0}, "不能都为 0")):
        with pytest.raises(ObservationError, match=message):
            save_settings(obs.town_admin, w.town, **{"red_count": 2, **kw})
    assert not ObservationSettings.objects.exists()
    with pytest.raises(ObservationError, match="无权"):
        save_settings(obs.observers[0], w.town, red_count=1)
    with pytest.raises(ObservationError, match="按乡镇"):
        save_settings(obs.town_admin, w.village, red_count=1)
    row = save_settings(obs.town_admin, w.town, red_count=1, black_count=2, flag_period="quarter",
                        weights={"inspection": 50, "observation": 50, "rules": 0})
    assert (row.red_count, row.black_count, row.flag_period, row.updated_by) == (1, 2, "quarter", obs.town_admin)
    county = obs.world.users[Role.COUNTY_ADMIN]
    save_settings(county, w.town, drop_extremes_min=6)
    events = AuditEvent.objects.filter(model="observation.observationsettings").order_by("at", "id")
    assert [(e.action, e.user) for e in events] == [("create", obs.town_admin), ("update", county)]
    assert events[0].org_unit == w.town


def test_the_next_proposal_follows_the_settings(obs):
    w = obs.world
    save_settings(obs.town_admin, w.town, red_count=1, black_count=1, flag_period="quarter")
    Problem.objects.create(org_unit=w.sibling, description="垃圾乱堆", star_code="stjy", found_on=datetime.date(2026, 3, 2),
                           deadline=datetime.date(2026, 3, 20))
    rnd = propose_flags(obs.town_admin, w.town, datetime.date(2026, 2, 10))
    assert (rnd.period, rnd.period_start, rnd.period_end) == ("quarter", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    # The two without problems tie for the one red flag: both get it (ties at the boundary share the flag).
    assert {e.village_id: e.flag for e in rnd.entries.all()} == {w.sibling.pk: "black", w.village.pk: "red", w.community.pk: "red"}
    save_settings(obs.town_admin, w.town, flag_period="month", weights={"inspection": 0, "observation": 0, "rules": 100})
    rnd = propose_flags(obs.town_admin, w.town, datetime.date(2026, 2, 10))
    assert rnd.period_end == datetime.date(2026, 2, 28) and rnd.weights["inspection"] == 0


def test_settings_page_per_role(obs, client):
    w = obs.world
    client.force_login(obs.town_admin)
    body = client.get(f"/observation/settings/{w.town.code}/").content.decode()
    assert "settings-save" in body and "尚未设置" in body and "每月" in body
    assert "settings-link" in client.get("/observation/").content.decode()
    form = {"flag_period": "month", "red_count": "2", "black_count": "1", "drop_extremes_min": "5",
            "weight_inspection": "60", "weight_observation": "20", "weight_rules": "20"}
    r = client.post(f"/observation/settings/{w.town.code}/", form)
    assert r.status_code == 302
    row = ObservationSettings.objects.get(town=w.town)
    assert (row.red_count, row.black_count, row.weights["inspection"]) == (2, 1, 60.0)
    r = client.post(f"/observation/settings/{w.town.code}/", {**form, "red_count": "很多"}, follow=True)
    body = r.content.decode()
    assert r.status_code == 200 and "红旗、黑旗数应为 0 至 50 之间的整数" in body and 'value="很多"' in body
    assert ObservationSettings.objects.get(town=w.town).red_count == 2
    body = client.get(f"/observation/settings/{w.town.code}/").content.decode()
    assert "修改记录" in body and "红旗数" in body

    client.force_login(obs.observers[0])
    body = client.get(f"/observation/settings/{w.town.code}/").content.decode()
    assert "settings-save" not in body and "disabled" in body
    r = client.post(f"/observation/settings/{w.town.code}/", {**form, "red_count": "9"}, follow=True)
    assert "无权" in r.content.decode() and ObservationSettings.objects.get(town=w.town).red_count == 2
    client.force_login(user_with_role("farx", Role.TOWN_ADMIN, w.far_town))
    assert client.get(f"/observation/settings/{w.town.code}/").status_code == 404
    assert client.post(f"/observation/settings/{w.town.code}/", form).status_code == 404
    client.force_login(obs.town_admin)
    assert client.get(f"/observation/settings/{w.village.code}/").status_code == 404
    assert client.get("/observation/settings/" + "9" * 40 + "/").status_code == 404


def test_settings_page_queries_do_not_grow_with_its_history(obs, client):
    w = obs.world
    save_settings(obs.town_admin, w.town, red_count=1)
    client.force_login(obs.town_admin)
    client.get(f"/observation/settings/{w.town.code}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/observation/settings/{w.town.code}/")
    for n in range(2, 8):
        save_settings(obs.town_admin, w.town, red_count=n)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/observation/settings/{w.town.code}/")
    assert len(many) == len(few)


def test_settings_over_the_api(obs):
    w = obs.world
    town = Caller(obs.town_admin)
    got = town.get(f"/observation/settings/{w.town.code}").json()
    assert got["saved"] is False and got["red_count"] == 3 and got["weights"] == {"inspection": 40.0, "observation": 30.0, "rules": 30.0}
    r = town.raw("put", f"/observation/settings/{w.town.code}", {"red_count": 2, "weights": {"inspection": 70, "observation": 30, "rules": 0}})
    assert r.status_code == 200, r.content
    assert (r.json()["red_count"], r.json()["black_count"], r.json()["weights"]["rules"], r.json()["saved"]) == (2, 3, 0.0, True)
    chinese_error(town.raw("put", f"/observation/settings/{w.town.code}", {"red_count": 51}), 422)
    chinese_error(town.raw("put", f"/observation/settings/{w.town.code}", {"flag_period": "year"}), 422)
    chinese_error(town.raw("put", f"/observation/settings/{w.town.code}", {"weights": {"inspection": 50}}), 422)
    chinese_error(town.raw("put", f"/observation/settings/{w.town.code}", {"weights": {"inspection": 0, "observation": 0, "rules": 0}}), 400)
    chinese_error(town.raw("put", f"/observation/settings/{w.town.code}", {"red_count": 0, "black_count": 0}), 400)
    chinese_error(town.raw("put", f"/observation/settings/{w.town.code}", {"red_count": "三"}), 422)
    chinese_error(town.raw("put", f"/observation/settings/{w.town.code}", "{"), 400)
    chinese_error(Caller(obs.observers[0]).raw("put", f"/observation/settings/{w.town.code}", {"red_count": 1}), 403)
    assert Caller(obs.observers[0]).get(f"/observation/settings/{w.town.code}").json()["can_edit"] is False
    far = Caller(user_with_role("farx", Role.TOWN_ADMIN, w.far_town))
    chinese_error(far.get(f"/observation/settings/{w.town.code}"), 404)
    chinese_error(far.raw("put", f"/observation/settings/{w.town.code}", {"red_count": 1}), 404)
    chinese_error(town.get(f"/observation/settings/{w.village.code}"), 404)
    assert ObservationSettings.objects.get(town=w.town).red_count == 2
    paths = town.client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "put"} <= set(paths["/api/v1/observation/settings/{town}"])
