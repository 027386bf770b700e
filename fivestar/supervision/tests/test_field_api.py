"""The phone inspection page's endpoints (/api/v1/supervision/field/...): a retry never makes a second record or
stores a photo twice, everything is validated with a Chinese 4xx (never a 500), hostile uploads are refused, and a
supervisor records only for the team's villages in their own scope. The browser's session needs the CSRF token."""

import io
import uuid
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from fivestar.api.models import ApiToken
from fivestar.core.roles import Role
from fivestar.rating.models import Evidence
from fivestar.supervision.models import Inspection, Problem, ProblemEvent, SupervisionTeam

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supervision/field"
FRAMEWORKS = Path(__file__).resolve().parents[2] / "standards" / "frameworks"


def jpeg(color=(30, 120, 200), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=90)
    return out.getvalue()


def session(user) -> Client:
    """A browser-like client: logged in, CSRF enforced, token taken from the cookie the page set."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/supervision/field/").status_code == 200
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    return client


def bearer(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, label='test')}")


def inspection_body(sup, **kw):
    w = sup.world
    body = {"client_uid": str(uuid.uuid4()), "team": sup.team.pk, "date": timezone.localdate().isoformat(),
            "kind": "routine", "villages": [w.village.pk, w.sibling.pk], "notes": "查看了村容村貌"}
    body.update(kw)
    return body


def post(client, path, body):
    return client.post(f"{BASE}/{path}", body, content_type="application/json")


def photo(client, target, target_uid, data, name="p.jpg", uid=None):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(f"{BASE}/photos", {"client_uid": str(uid or uuid.uuid4()), "target": target, "target_uid": str(target_uid), "file": upload})


def detail(response) -> str:
    body = response.json()
    return body["detail"] + "".join(e["message"] for e in body.get("errors", []))


def test_inspection_and_problem_are_recorded_once_however_often_sent(sup):
    client = session(sup.supervisor)
    body = inspection_body(sup)
    first = post(client, "inspections", body)
    assert first.status_code == 201, first.content
    again = post(client, "inspections", body)
    assert again.status_code == 200 and again.json() == {**first.json(), "created": False}
    inspection = Inspection.objects.get()
    assert inspection.created_by == sup.supervisor and inspection.team == sup.team
    assert set(inspection.villages.values_list("pk", flat=True)) == {sup.world.village.pk, sup.world.sibling.pk}

    p = {"client_uid": str(uuid.uuid4()), "inspection_uid": body["client_uid"], "village": sup.world.sibling.pk,
         "description": "垃圾未清运", "severity": "general"}
    made = post(client, "problems", p)
    assert made.status_code == 201, made.content
    assert made.json()["deadline"] == (inspection.date + timezone.timedelta(days=10)).isoformat()  # 较重: 10 days by default
    assert post(client, "problems", p).json()["created"] is False
    problem = Problem.objects.get()
    assert problem.inspection == inspection and problem.team == sup.team and problem.org_unit == sup.world.sibling
    assert ProblemEvent.objects.filter(problem=problem, action="create").count() == 1


def test_a_photo_sent_twice_is_stored_once(sup):
    client = session(sup.supervisor)
    body = inspection_body(sup, villages=[sup.world.village.pk])
    post(client, "inspections", body)
    p = {"client_uid": str(uuid.uuid4()), "inspection_uid": body["client_uid"], "village": sup.world.village.pk,
         "description": "公开栏未更新", "severity": "minor"}
    post(client, "problems", p)
    data, uid = jpeg(), uuid.uuid4()
    first = photo(client, "problem", p["client_uid"], data, uid=uid)
    assert first.status_code == 201, first.content
    retry = photo(client, "problem", p["client_uid"], data, uid=uid)  # the answer was lost: the page sends it again
    assert retry.status_code == 200 and retry.json()["evidence"] == first.json()["evidence"] and retry.json()["created"] is False
    problem = Problem.objects.get()
    assert problem.photos.count() == 1 and Evidence.objects.count() == 1
    assert ProblemEvent.objects.filter(problem=problem, action="edit").count() == 1

    shot = photo(client, "inspection", body["client_uid"], jpeg((10, 200, 10)))
    assert shot.status_code == 201
    evidence = Evidence.objects.get(pk=shot.json()["evidence"])
    assert evidence.org_unit == sup.world.village  # a one-village inspection files its photos under that village
    assert Inspection.objects.get().photos.count() == 1


def test_problem_before_its_inspection_asks_for_a_retry(sup):
    client = session(sup.supervisor)
    p = {"client_uid": str(uuid.uuid4()), "inspection_uid": str(uuid.uuid4()), "village": sup.world.village.pk,
         "description": "问题", "severity": "minor"}
    response = post(client, "problems", p)
    assert response.status_code == 409 and response.json()["retry"] is True
    response = photo(client, "problem", uuid.uuid4(), jpeg())
    assert response.status_code == 409 and response.json()["retry"] is True
    assert not Problem.objects.exists() and not Evidence.objects.exists()


@pytest.mark.parametrize("change, field, words", [
    ({"date": "2999-01-01"}, "date", "不能晚于今天"),
    ({"date": "2000-01-01"}, "date", "一年前"),
    ({"villages": []}, "villages", "至少需要 1 项"),
    ({"kind": "party"}, "kind", "取值不在允许范围内"),
    ({"kind": "star"}, "star_code", "请选择所涉的星"),
    ({"client_uid": "not-a-uuid"}, "client_uid", "应为 UUID"),
    ({"team": 2**70}, "team", ""),
    ({"notes": "长" * 5001}, "notes", "内容过长"),
])
def test_inspection_input_is_checked_with_chinese_messages(sup, change, field, words):
    response = post(session(sup.supervisor), "inspections", inspection_body(sup, **change))
    assert response.status_code == 422, response.content
    assert any(e["field"].endswith(field) for e in response.json()["errors"]), response.json()
    assert words in detail(response)
    assert not Inspection.objects.exists()


def test_villages_and_teams_outside_the_scope(sup):
    w = sup.world
    client = session(sup.supervisor)
    response = post(client, "inspections", inspection_body(sup, villages=[w.village.pk, w.other_village.pk]))
    assert response.status_code == 422 and "不在本督导组" in detail(response)
    # Another town's supervisor does not see this town's team, nor its records.
    other = session(sup.other_town_supervisor)
    assert post(other, "inspections", inspection_body(sup)).status_code == 404
    body = inspection_body(sup)
    assert post(client, "inspections", body).status_code == 201
    taken = post(other, "inspections", {**body, "team": sup.team.pk})
    assert taken.status_code == 409  # the uid is someone else's: neither shown nor reused
    p = {"client_uid": str(uuid.uuid4()), "inspection_uid": body["client_uid"], "village": w.village.pk, "description": "x", "severity": "minor"}
    assert post(other, "problems", p).status_code == 404
    assert photo(other, "inspection", body["client_uid"], jpeg()).status_code == 404
    # A village outside this inspection, and an observer who may only read.
    p2 = {**p, "client_uid": str(uuid.uuid4()), "village": w.community.pk}
    response = post(client, "problems", p2)
    assert response.status_code == 422 and "不在本次督导" in detail(response)
    observer = bearer(w.users[Role.OBSERVER])
    assert post(observer, "inspections", inspection_body(sup)).status_code == 404
    assert Inspection.objects.count() == 1 and not Problem.objects.exists()


def test_problem_input_is_checked(sup):
    client = session(sup.supervisor)
    body = inspection_body(sup)
    post(client, "inspections", body)
    base = {"inspection_uid": body["client_uid"], "village": sup.world.village.pk, "description": "路灯不亮", "severity": "minor"}
    cases = [
        ({"description": "   "}, "不能为空"),
        ({"severity": "fatal"}, "取值不在允许范围内"),
        ({"deadline": "2000-01-01"}, "不能早于发现问题的日期"),
        ({"deadline": "2999-01-01"}, "不能超过发现后一年"),
        ({"star_code": "zbgy"}, "没有适用的创建标准"),
        ({"village": "西辛庄"}, "应为整数"),
    ]
    for change, words in cases:
        response = post(client, "problems", {**base, "client_uid": str(uuid.uuid4()), **change})
        assert response.status_code == 422, (change, response.content)
        assert words in detail(response), (change, detail(response))
    assert not Problem.objects.exists()


def test_star_and_rule_come_from_the_villages_framework(sup):
    from fivestar.standards.models import FrameworkVersion

    data = yaml.safe_load((FRAMEWORKS / "puyang-2023-rural.yaml").read_text(encoding="utf-8"))
    FrameworkVersion.objects.create(code=data["code"], name=data["name"], branch_type=data["branch_type"], version=data["version"],
                                    data=data, status="published", published_at=timezone.now())
    star = data["stars"][0]
    rule = star["standards"][0]["rules"][0]["code"]
    client = session(sup.supervisor)
    body = inspection_body(sup)
    post(client, "inspections", body)
    base = {"inspection_uid": body["client_uid"], "village": sup.world.village.pk, "description": "台账缺失", "severity": "serious"}
    response = post(client, "problems", {**base, "client_uid": str(uuid.uuid4()), "rule_code": "nope-99"})
    assert response.status_code == 422 and "不在该村（社区）现行的创建标准中" in detail(response)
    response = post(client, "problems", {**base, "client_uid": str(uuid.uuid4()), "rule_code": rule, "star_code": data["stars"][1]["code"]})
    assert response.status_code == 422 and "不属于所选的星" in detail(response)
    response = post(client, "problems", {**base, "client_uid": str(uuid.uuid4()), "rule_code": rule})
    assert response.status_code == 201
    problem = Problem.objects.get()
    assert (problem.star_code, problem.rule_code) == (star["code"], rule)  # the rule names its star
    page = session(sup.supervisor).get("/supervision/field/").content.decode()
    assert rule in page and star["name"] in page  # the page carries the rules to pick offline


def test_hostile_and_broken_uploads_are_refused(sup):
    client = session(sup.supervisor)
    body = inspection_body(sup)
    post(client, "inspections", body)
    target = body["client_uid"]
    cases = [
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "p.jpg", "不是照片"),
        (b"<script>alert(1)</script>" * 20, "p.jpg", "无法识别"),
        (b"", "p.jpg", "空文件"),
        (jpeg()[:40] + b"\x00" * 400, "broken.jpg", "已损坏"),
        (b"MZ\x90\x00" + b"\x00" * 600, "setup.jpg", ""),
    ]
    for data, name, words in cases:
        response = photo(client, "inspection", target, data, name=name)
        assert response.status_code in (400, 422), (name, response.status_code, response.content)
        assert words in detail(response), (name, detail(response))
    no_file = client.post(f"{BASE}/photos", {"client_uid": str(uuid.uuid4()), "target": "inspection", "target_uid": target})
    assert no_file.status_code == 422
    wrong_target = photo(client, "village", target, jpeg())
    assert wrong_target.status_code == 422
    assert not Evidence.objects.exists() and not Inspection.objects.get().photos.exists()


def test_the_browser_session_needs_the_csrf_token(sup):
    client = session(sup.supervisor)
    del client.defaults["HTTP_X_CSRFTOKEN"]
    response = post(client, "inspections", inspection_body(sup))
    assert response.status_code == 403 and "刷新页面" in response.json()["detail"]
    anonymous = Client(enforce_csrf_checks=True)
    assert post(anonymous, "inspections", inspection_body(sup)).status_code == 401
    # An API client with a token needs no CSRF token.
    assert post(bearer(sup.supervisor), "inspections", inspection_body(sup)).status_code == 201
    assert Inspection.objects.count() == 1


def test_the_page_is_for_inspectors_only(sup, login):
    w = sup.world
    assert login(w.users[Role.VILLAGE_CADRE]).get("/supervision/field/").status_code == 403
    assert login(w.users[Role.OBSERVER]).get("/supervision/field/").status_code == 403
    page = login(sup.supervisor).get("/supervision/field/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "第一督导组" in html and w.village.display_name in html and w.other_village.display_name not in html
    # The page's data cannot close its own script element, whatever a name holds.
    SupervisionTeam.objects.filter(pk=sup.team.pk).update(name="</script><script>alert(1)</script>&")
    html = login(sup.supervisor).get("/supervision/field/").content.decode()
    assert "alert(1)" in html and "<script>alert" not in html and "\\u003C/script\\u003E" in html


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_villages(sup, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fivestar.orgs.models import Level
    from tests.factories import unit

    client = login(sup.supervisor)
    client.get("/supervision/field/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/supervision/field/").status_code == 200
    extra = [unit(f"410928103{300 + i}", f"新建{i}村委会", Level.VILLAGE, sup.world.town) for i in range(12)]
    sup.team.villages.add(*extra)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/supervision/field/").content.decode()
    assert "新建11村" in html
    assert len(many.captured_queries) == len(few.captured_queries), [q["sql"][:120] for q in many.captured_queries]


def test_the_service_worker_is_served_from_the_pages_path(sup, login):
    response = login(sup.supervisor).get("/supervision/field/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    body = response.content.decode()
    assert '"page": "/supervision/field/"' in body and "/static/js/field-queue.js" in body and "/api/" not in body


def test_a_field_photo_is_stored_without_its_location(sup):
    from fivestar.rating.tests.images import assert_stored_without_location, photo_with_gps

    client = session(sup.supervisor)
    body = inspection_body(sup, villages=[sup.world.village.pk])
    post(client, "inspections", body)
    shot = photo(client, "inspection", body["client_uid"], photo_with_gps())
    assert shot.status_code == 201, shot.content
    assert_stored_without_location(Evidence.objects.get(pk=shot.json()["evidence"]))


def test_invisible_characters_are_cleaned_from_field_records(sup):
    """The field page's JSON goes through the API's shared parser: a NUL, a right-to-left override or a zero-width
    space in a description never reaches the problem (two identical-looking problems must not differ)."""
    client = session(sup.supervisor)
    body = inspection_body(sup, notes="查看\u200b了\x00村容\u202e")
    assert post(client, "inspections", body).status_code == 201
    made = post(client, "problems", {"client_uid": str(uuid.uuid4()), "inspection_uid": body["client_uid"],
                                     "village": sup.world.village.pk, "description": "垃圾\u2066未\u200b清运\x00",
                                     "severity": "general"})
    assert made.status_code == 201, made.content
    assert Inspection.objects.get().notes == "查看了村容" and Problem.objects.get().description == "垃圾未清运"
