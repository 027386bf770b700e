"""Recording collective income in the form: validation, history with the user, scope, the list by year."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.indicators.models import CollectiveIncome
from fivestar.orgs.models import Level, OrgUnit

pytestmark = pytest.mark.django_db


def _record(client, unit, **data):
    payload = {"year": "2023", "operating_income": "", "other_income": "", "note": ""} | data
    return client.post(f"/indicators/{unit.code}/record/", payload)


def test_secretary_records_income_and_history_names_them(world, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    response = _record(client, world.village, operating_income="30,000", other_income="12500.5", note="物业租赁")
    assert response.status_code == 302
    row = CollectiveIncome.objects.get(org_unit=world.village, year=2023)
    assert row.amount == Decimal("42500.50")
    assert row.recorded_by == world.users[Role.VILLAGE_CADRE]

    town = login(world.users[Role.TOWN_ADMIN])
    assert _record(town, world.village, operating_income="60000").status_code == 302
    row.refresh_from_db()
    assert (row.amount, row.other_income, row.note) == (Decimal("60000.00"), Decimal("0.00"), "")
    assert row.recorded_by == world.users[Role.TOWN_ADMIN]

    history = list(row.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert [h.history_user.username for h in history] == ["secretary", "town"]
    assert [h.amount for h in history] == [Decimal("42500.50"), Decimal("60000.00")]
    assert AuditEvent.objects.filter(model="indicators.collectiveincome", org_unit=world.village).count() == 2

    page = town.get(f"/indicators/{world.village.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "42,500.50" in html and "60,000" in html
    assert html.count("<td>修改</td>") == 1 and html.count("<td>新增</td>") == 1


def test_saving_the_same_values_again_adds_no_history(world, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    _record(client, world.village, operating_income="5000")
    _record(client, world.village, operating_income="5000.00")
    assert CollectiveIncome.history.filter(org_unit_id=world.village.pk).count() == 1


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"operating_income": "-100"}, "operating_income", "收入不能为负数"),
        ({"operating_income": "100", "other_income": "-1"}, "other_income", "收入不能为负数"),
        ({"operating_income": "1000000001"}, "operating_income", "超过 10 亿元"),
        ({"operating_income": "12abc"}, "operating_income", "「12abc」不是有效的金额"),
        ({"operating_income": "5万"}, "operating_income", "不要填写“万元”"),
        ({"operating_income": ""}, "operating_income", "请填写经营性收入，没有请填 0"),
        ({"operating_income": "1", "year": "1999"}, "year", "年度应为 2000 至 2100"),
        ({"operating_income": "1", "year": "今年"}, "year", "不是有效的年度"),
        ({"operating_income": "1", "note": "长" * 201}, "note", "备注不能超过 200 个字"),
    ],
)
def test_bad_values_are_rejected_with_a_chinese_message_on_the_field(world, login, data, field, message):
    client = login(world.users[Role.VILLAGE_CADRE])
    response = _record(client, world.village, **data)
    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert not CollectiveIncome.objects.exists()


def test_model_clean_rejects_absurd_amounts_even_outside_forms(world):
    from django.core.exceptions import ValidationError

    from fivestar.indicators.services import IncomeValues, save_income

    with pytest.raises(ValidationError) as exc:
        save_income(None, world.village, IncomeValues(2023, Decimal("2000000000")), check=False)
    assert "operating_income" in exc.value.error_dict
    assert not CollectiveIncome.objects.exists()


def test_read_only_roles_may_look_but_not_record(world, login):
    for role in (Role.SUPERVISOR, Role.AREA_LEADER, Role.OBSERVER):
        client = login(world.users[role])
        assert client.get(f"/indicators/{world.village.code}/").status_code == 200
        assert client.get(f"/indicators/{world.village.code}/record/").status_code == 403
        assert _record(client, world.village, operating_income="1").status_code == 403
    assert not CollectiveIncome.objects.exists()


def test_out_of_scope_villages_are_404(world, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    for url in (f"/indicators/{world.sibling.code}/", f"/indicators/{world.sibling.code}/record/",
                f"/indicators/{world.far_village.code}/", f"/indicators/{world.town.code}/"):
        assert client.get(url).status_code == 404, url
    assert _record(client, world.sibling, operating_income="1").status_code == 404
    assert not CollectiveIncome.objects.exists()


def _income(unit, year, amount, other=0):
    return CollectiveIncome.objects.create(org_unit=unit, year=year, operating_income=Decimal(amount), other_income=Decimal(other))


def test_list_shows_scope_year_and_counts_above_50000(world, login):
    _income(world.village, 2023, 40000, 20000)  # 60,000: above
    _income(world.sibling, 2023, 6800000)
    _income(world.community, 2023, 50000)  # exactly 50,000 is not "above"
    _income(world.other_village, 2023, 90000)  # other town
    _income(world.village, 2022, 30000)
    client = login(world.users[Role.TOWN_ADMIN])
    response = client.get("/indicators/")
    assert response.context["year"] == 2023
    summary = response.context["summary"]
    assert (summary["villages"], summary["recorded"], summary["above"]) == (3, 3, 2)
    assert summary["total"] == Decimal("6910000")
    html = response.content.decode()
    assert "6,800,000" in html and "八公桥" not in html
    assert "691.00" in html  # 万元

    response = client.get("/indicators/?year=2022")
    assert (response.context["summary"]["recorded"], response.context["summary"]["above"]) == (1, 0)
    assert response.content.decode().count("2022 年未填报") == 2

    above = client.get("/indicators/?year=2023&band=above&sort=amount")
    assert [v.code for v in above.context["page"]] == [world.sibling.code, world.village.code]
    missing = client.get("/indicators/?year=2022&band=missing")
    assert {v.code for v in missing.context["page"]} == {world.sibling.code, world.community.code}
    search = client.get("/indicators/?q=xxz")
    assert [v.code for v in search.context["page"]] == [world.village.code]

    county = login(world.users[Role.COUNTY_ADMIN])
    assert county.get("/indicators/?year=2023").context["summary"]["above"] == 3
    narrowed = county.get(f"/indicators/?year=2023&unit={world.other_town.code}")
    assert narrowed.context["summary"]["recorded"] == 1


def test_list_edit_buttons_follow_the_role(world, login):
    _income(world.village, 2023, 1000)
    secretary = login(world.users[Role.VILLAGE_CADRE]).get("/indicators/").content.decode()
    assert f"/indicators/{world.village.code}/record/" in secretary
    supervisor = login(world.users[Role.SUPERVISOR]).get("/indicators/").content.decode()
    assert "/record/" not in supervisor and "Excel 导入" not in supervisor


def test_nav_has_the_collective_economy_item(world, login):
    html = login(world.users[Role.OBSERVER]).get("/").content.decode()
    assert 'href="/indicators/">集体经济<' in html


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_history_queries_do_not_grow_with_rows(world, login):
    client = login(world.users[Role.TOWN_ADMIN])

    def grow(start, stop):
        for i in range(start, stop):
            v = OrgUnit.objects.create(code=f"410928103{300 + i}", name=f"测试{i}村委会", level=Level.VILLAGE, parent=world.town)
            _income(v, 2023, 1000 * i)
            row = _income(world.village, 2000 + i, 100 * i)
            row.note = "改"
            row.save()

    grow(0, 3)
    few = (_count(client, "/indicators/"), _count(client, f"/indicators/{world.village.code}/"))
    grow(3, 30)
    many = (_count(client, "/indicators/"), _count(client, f"/indicators/{world.village.code}/"))
    assert many == few


def test_next_only_redirects_inside_the_site(world, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    ok = _record(client, world.village, operating_income="1", next="/indicators/?year=2023")
    assert ok["Location"] == "/indicators/?year=2023"
    for bad in ("https://evil.example/", "//evil.example/"):
        response = _record(client, world.village, operating_income="2", next=bad)
        assert response["Location"] == f"/indicators/{world.village.code}/"
