"""Invisible characters never reach the database: cleaned from every form post, query string and API
body (by the middleware and the API's parser), refused in usernames, and never a 500."""

import json

import pytest
from django.contrib.auth import get_user_model

from fivestar.core.roles import Role
from fivestar.orgs.models import Area
from fivestar.people.models import Person

pytestmark = pytest.mark.django_db

NUL, RLO, ZWSP = "\x00", "\u202e", "\u200b"
HOSTILE = [("zhangsan" + NUL, "zhangsan"), ("张" + RLO + "三", "张三"), ("李" + ZWSP + "四", "李四")]


@pytest.mark.parametrize("typed,stored", HOSTILE)
def test_person_form_post_is_cleaned(world, login, typed, stored):
    client = login(world.users[Role.TOWN_ADMIN])
    data = {"org_unit": world.village.code, "name": typed, "gender": "M", "phone": "", "position": "other",
            "note": "备注" + ZWSP + RLO + NUL}
    response = client.post("/people/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(org_unit=world.village, name=stored)
    assert person.note == "备注"


def test_direct_post_read_is_cleaned_so_names_do_not_differ_invisibly(world, login):
    """The town set-up page reads request.POST itself (no form): a zero-width space must not make a new area."""
    client = login(world.users[Role.TOWN_ADMIN])
    client.post(f"/orgs/{world.town.code}/setup/", {"add_area": "1", "name": "东" + ZWSP + "片区" + NUL, "note": RLO + "x"})
    assert Area.objects.filter(town=world.town, name="东片区").exists()
    assert not any(has for has in Area.objects.values_list("name", flat=True) if ZWSP in has or NUL in has)


def test_query_string_with_nul_is_cleaned(world, login):
    client = login(world.users[Role.SYSADMIN])
    for url in ("/people/?q=张" + NUL, "/orgs/?q=西" + NUL + ZWSP):
        assert client.get(url).status_code == 200


def test_path_with_nul_is_refused_not_500(world, login):
    client = login(world.users[Role.SYSADMIN])
    assert client.get("/orgs/41%00/").status_code == 400
    response = client.get("/api/v1/org-units/41%00")
    assert response.status_code == 400 and "不可见" in response.json()["detail"]


@pytest.fixture
def api_call(client, api_token):
    def call(user, method, url, body):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}
        if body is None:
            return getattr(client, method)(f"/api/v1{url}", **headers)
        raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return getattr(client, method)(f"/api/v1{url}", data=raw, content_type="application/json", **headers)

    return call


@pytest.mark.parametrize("typed,stored", HOSTILE)
def test_api_body_is_cleaned(world, api_call, typed, stored):
    body = {"org_unit": world.village.code, "name": typed, "gender": "M", "position": "other", "note": ZWSP + "n" + NUL}
    response = api_call(world.users[Role.TOWN_ADMIN], "post", "/people", body)
    assert response.status_code == 201, response.content.decode()
    assert response.json()["name"] == stored and response.json()["note"] == "n"
    assert Person.objects.filter(name=stored).exists()


def test_api_query_is_cleaned(world, api_call):
    response = api_call(world.users[Role.SYSADMIN], "get", "/people?q=" + "张%00" + "&under=41%E2%80%8B", None)
    assert response.status_code == 200


@pytest.mark.parametrize("username", ["town" + NUL, "town" + ZWSP, RLO + "town"])
def test_api_token_refuses_invisible_username(world, api_call, username):
    response = api_call(world.users[Role.SYSADMIN], "post", "/auth/token", {"username": username, "password": "test-pass-12345"})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "username" and "不可见" in error["message"]


@pytest.mark.parametrize("username", ["zhangsan" + NUL, "zhang" + ZWSP + "san", RLO + "zhangsan"])
def test_account_form_refuses_invisible_username(world, login, username):
    person = Person.objects.create(org_unit=world.village, name="张三", gender="M", position="other")
    client = login(world.users[Role.TOWN_ADMIN])
    response = client.post(f"/people/{person.pk}/account/new/", {"username": username, "password1": "a-long-pass-123456",
                                                                 "password2": "a-long-pass-123456"})
    assert response.status_code in (200, 400)
    assert not get_user_model().objects.filter(username__startswith="zhang").exists()
    assert not get_user_model().objects.filter(username__contains="zhang").exists()


def test_login_with_nul_username_is_not_a_500(world, client):
    response = client.post("/login/", {"username": "town" + NUL, "password": "x"})
    assert response.status_code in (200, 400, 429)


# -- imports: every text cell of an uploaded workbook or YAML file is cleaned where it is read ------


def _xlsx(sheets: dict) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    for i, (title, rows) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_people_import_cleans_names_and_notes(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fivestar.imports.people_import import import_people
    from fivestar.imports.people_template import PEOPLE_COLUMNS

    upload = SimpleUploadedFile("人员.xlsx", _xlsx({"人员": [PEOPLE_COLUMNS, [
        world.village.code, "张" + ZWSP + "三", "男", "", "党员", "是", RLO + "备注"]]}))
    outcome = import_people(world.users[Role.TOWN_ADMIN], upload)
    assert not outcome.errors, outcome.errors
    person = Person.objects.get(org_unit=world.village)
    assert (person.name, person.note) == ("张三", "备注")


def test_income_import_cleans_the_note(world):
    import io

    from fivestar.indicators.excel import COLUMNS
    from fivestar.indicators.import_services import import_workbook
    from fivestar.indicators.models import CollectiveIncome

    content = _xlsx({"集体经济收入": [[h for _, h, _, _ in COLUMNS],
                                  [world.village.code, "西辛" + ZWSP + "庄村", 2023, 1000, 0, "村办" + RLO + "企业"]]})
    outcome = import_workbook(world.users[Role.TOWN_ADMIN], io.BytesIO(content))
    assert outcome.ok, outcome.problems  # the name matches the village once the zero-width space is gone
    assert CollectiveIncome.objects.get(org_unit=world.village, year=2023).note == "村办企业"


def test_framework_import_cleans_rule_texts_from_yaml_and_excel(world):
    from fivestar.standards import excel_io, services
    from fivestar.standards.tests.io_helpers import example, find_rule
    from fivestar.standards.yaml_io import dump

    admin = world.users[Role.COUNTY_ADMIN]
    data = example()
    data["code"] = "yaml-2025"
    find_rule(data, "zbgy-01-02")["text"] = "每月召开" + RLO + "支委会" + ZWSP
    version = services.import_framework(dump(data).encode(), admin, world.county, filename="标准.yaml")
    assert find_rule(version.data, "zbgy-01-02")["text"] == "每月召开支委会"
    data["code"] = "xlsx-2025"
    version = services.import_framework(excel_io.export(data), admin, world.county, filename="标准.xlsx")
    assert find_rule(version.data, "zbgy-01-02")["text"] == "每月召开支委会"


def test_targets_import_reads_a_category_with_a_zero_width_space(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fivestar.planning.models import VillageTarget
    from fivestar.planning.services import import_targets
    from fivestar.planning.services.targets_import import HEADERS
    from fivestar.standards import services

    services.load_shipped()
    upload = SimpleUploadedFile("目标.xlsx", _xlsx({"创建目标": [HEADERS, [world.village.code, "", "领航" + ZWSP + "村", 0, None]]}))
    result = import_targets(world.users[Role.TOWN_ADMIN], world.town, 2025, upload)
    assert result.ok, result.errors
    assert VillageTarget.objects.get(org_unit=world.village).category == "lead"
