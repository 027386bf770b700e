"""A small hand-written fuzzer over every route of the OpenAPI document: as a logged-in sysadmin, each
path parameter, query parameter and body field gets a huge integer, a negative one, a string with NUL
and invisible characters, and each body is also sent malformed. Nothing may 500; every error is JSON
with a Chinese message (and field names for 422)."""

import json
import re

import pytest

from fivestar.core.roles import Role
from fivestar.people.models import Person, Responsibility
from fivestar.standards import services
from fivestar.standards.models import FrameworkVersion

pytestmark = pytest.mark.django_db

HUGE = int("9" * 400)
HOSTILE_VALUES = [HUGE, -HUGE, 10**30, -1, 1.5e308, "zhangsan\x00", "\u202e\u200b", "x" * 5000, None, [], {}, True]
HOSTILE_PATH = [str(HUGE), "-1", "zhangsan%00", "%E2%80%AE", "x" * 300]
MALFORMED_BODIES = ["{", "[1,", "null", "\"text\"", "{\"a\": NaN}", "\xff\xfe", "[" * 5000 + "]" * 5000]
CJK = re.compile("[\u4e00-\u9fff]")


def _resolve(doc, schema):
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 20:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema, seen = doc["components"]["schemas"][name], seen + 1
    if isinstance(schema, dict) and "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _resolve(doc, options[0]) if options else schema
    return schema


def _plausible(doc, schema):
    schema = _resolve(doc, schema)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    return {"string": "410928103205" if schema.get("format") != "date" else "2024-01-01", "integer": 1, "number": 1,
            "boolean": False, "array": [], "object": {}}.get(kind, "1")


def _routes(doc):
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            params = op.get("parameters", [])
            body = None
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                body = _resolve(doc, content["application/json"]["schema"])
            yield path, method, params, body


def _check(response, where):
    assert response.status_code < 500, f"{where}: {response.status_code} {response.content[:300]!r}"
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), f"{where}: not JSON"
        data = response.json()
        assert CJK.search(data["detail"]), f"{where}: {data}"
        for error in data.get("errors", []):
            assert CJK.search(error["message"]) and "field" in error, f"{where}: {error}"


@pytest.fixture
def caller(client, api_token, world):
    def call(method, url, body=None, raw=None):
        # A fresh token per call: the routes include logging out and revoking tokens.
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.users[Role.SYSADMIN])}"}
        kwargs = {}
        if raw is not None:
            kwargs = {"data": raw, "content_type": "application/json"}
        elif body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        return getattr(client, method)(url, **kwargs, **headers)

    return call


def test_openapi_document_is_served(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert len(doc["paths"]) >= 5


@pytest.fixture
def existing(world):
    """Real objects, so hostile values get past the lookups and reach the services and the database."""
    person = Person.objects.create(org_unit=world.village, name="甲", gender="M", position="other", is_party_member=True)
    duty = Responsibility.objects.create(person=person, org_unit=world.village, duty="households", household_count=3)
    services.load_shipped()
    framework = FrameworkVersion.objects.get(code="puyang-2023-rural")
    kinds = {}
    for rule in framework.compiled().rules_by_code.values():
        kinds.setdefault(rule.kind, rule.code)
    return {"framework_id": framework.pk, "map_keys": [*kinds.values(), "collective_income", "x\x00"],
            "person_id": person.pk, "duty_id": duty.pk, "org_unit": world.village.code, "code": world.village.code,
            "duty": "households", "gender": "M", "position": "other", "username": "sys", "password": "test-pass-12345"}


def _fill(path, existing):
    return re.sub(r"\{(\w+)\}", lambda m: str(existing.get(m.group(1), 1)), path)


def test_every_route_survives_hostile_input(client, caller, existing):
    doc = client.get("/api/v1/openapi.json").json()
    checked = 0
    for path, method, params, body in _routes(doc):
        path_params = [p["name"] for p in params if p["in"] == "path"]
        query_params = [p for p in params if p["in"] == "query"]
        base_url = _fill(path, existing)
        base_body = None
        if body is not None:
            base_body = {name: existing.get(name, _plausible(doc, prop)) for name, prop in body.get("properties", {}).items()}

        for name in path_params:
            for bad in HOSTILE_PATH:
                url = _fill(path.replace("{" + name + "}", bad), existing)
                _check(caller(method, url, base_body), f"{method} {url}")
                checked += 1
        for param in query_params:
            for bad in HOSTILE_PATH:
                url = f"{base_url}?{param['name']}={bad}"
                _check(caller(method, url, base_body), f"{method} {url}")
                checked += 1
        if body is not None:
            for raw in MALFORMED_BODIES:
                _check(caller(method, base_url, raw=raw), f"{method} {base_url} raw {raw[:20]!r}")
                checked += 1
            for name in base_body:
                for bad in HOSTILE_VALUES:
                    _check(caller(method, base_url, {**base_body, name: bad}), f"{method} {base_url} {name}={str(bad)[:30]}")
                    checked += 1
                    if isinstance(base_body[name], dict):  # a map (rule code → value): hostile values under real keys
                        for key in existing["map_keys"]:
                            _check(caller(method, base_url, {**base_body, name: {key: bad}}), f"{method} {base_url} {name}.{key}={str(bad)[:30]}")
                            checked += 1
    assert checked > 100


def test_unknown_route_and_wrong_method_are_json_in_chinese(caller):
    for response in (caller("get", "/api/v1/no-such-thing"), caller("put", "/api/v1/people"), caller("delete", "/api/v1/org-units")):
        _check(response, response.status_code)
        assert response.status_code in (404, 405)


def test_validation_errors_name_the_field_in_chinese(caller, world):
    response = caller("post", "/api/v1/people", {"org_unit": world.village.code, "name": 5, "gender": "M"})
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["name"] == "应为字符串" and fields["position"] == "缺少必填字段"
    response = caller("get", "/api/v1/people?limit=100000")
    assert response.json()["errors"][0] == {"field": "limit", "message": "数值不能大于500", "type": "less_than_equal"}


def test_invalid_json_is_a_chinese_400(caller):
    response = caller("post", "/api/v1/people", raw="{not json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"] and CJK.search(response.json()["detail"])


@pytest.mark.parametrize("count,ok", [(-1, False), (10**30, False), (int("9" * 400), False), (10_001, False), (12, True)])
def test_counts_out_of_range_are_422_naming_the_field(caller, existing, count, ok):
    Responsibility.objects.all().delete()
    body = {"duty": "households", "person_id": existing["person_id"], "org_unit": existing["org_unit"], "household_count": count}
    response = caller("post", "/api/v1/responsibilities", body)
    if ok:
        assert response.status_code == 201
    else:
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "household_count"


def test_huge_number_in_a_rule_map_is_422_naming_the_rule(caller, existing):
    code = existing["map_keys"][0]
    response = caller("post", f"/api/v1/frameworks/{existing['framework_id']}/evaluate", {"results": {code: 10**30}})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"field": f"results.{code}", "message": "数值超出允许范围", "type": "number_too_large"}
