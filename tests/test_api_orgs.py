"""The org-units API: token auth, filters, pagination, scoping; docs served locally."""

import pytest


def _get(client, url, token):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db
def test_token_endpoint_issues_a_token_that_authenticates(world, client):
    response = client.post("/api/v1/auth/token", {"username": "town", "password": "test-pass-12345"}, content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) > 30
    assert _get(client, "/api/v1/org-units", token).status_code == 200
    assert _get(client, "/api/v1/org-units", token + "x").status_code == 401


@pytest.mark.django_db
def test_token_endpoint_refuses_bad_credentials_and_bad_bodies(world, client):
    bad = client.post("/api/v1/auth/token", {"username": "town", "password": "nope"}, content_type="application/json")
    assert bad.status_code == 401 and bad.json()["detail"] == "用户名或密码不正确。"
    missing = client.post("/api/v1/auth/token", {"username": "town"}, content_type="application/json")
    assert missing.status_code == 422
    assert missing.json()["errors"][0] == {"field": "password", "message": "缺少必填字段", "type": "missing"}
    garbage = client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert garbage.status_code in (400, 422)


@pytest.mark.django_db
def test_org_unit_filters(world, client, api_token):
    token = api_token(world.users["county_admin"])
    data = _get(client, "/api/v1/org-units?parent=410928103", token).json()
    assert data["count"] == 3
    assert {i["code"] for i in data["items"]} == {"410928103205", "410928103201", "410928103001"}
    item = next(i for i in data["items"] if i["code"] == "410928103205")
    assert item == {**item, "name": "西辛庄村委会", "display_name": "西辛庄村", "level": 5, "branch_type": "rural", "parent_code": "410928103"}
    assert _get(client, "/api/v1/org-units?q=xxz", token).json()["count"] == 1
    assert _get(client, "/api/v1/org-units?level=4", token).json()["count"] == 2  # the county's two towns only
    under = _get(client, "/api/v1/org-units?under=410928103", token).json()
    assert under["count"] == 5  # town, three villages, one group
    page = _get(client, "/api/v1/org-units?under=410928103&limit=2&offset=2", token).json()
    assert page["count"] == 5 and len(page["items"]) == 2
    community = _get(client, "/api/v1/org-units/410928103001", token).json()
    assert community["display_name"] == "龙鑫苑社区" and community["branch_type"] == "community"


@pytest.mark.django_db
def test_org_unit_api_is_scoped(world, client, api_token):
    token = api_token(world.users["village_cadre"])
    data = _get(client, "/api/v1/org-units", token).json()
    assert {i["code"] for i in data["items"]} == {"410928103205", "410928103205001"}
    assert _get(client, "/api/v1/org-units?under=410928", token).json()["count"] == 0
    assert _get(client, "/api/v1/org-units/410928103201", token).status_code == 404


@pytest.mark.django_db
def test_bad_filters_get_422_naming_the_field(world, client, api_token):
    token = api_token(world.users["county_admin"])
    response = _get(client, "/api/v1/org-units?level=9", token)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "level"
    response = _get(client, "/api/v1/org-units?limit=abc", token)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "limit"


@pytest.mark.django_db
def test_openapi_and_local_docs(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/org-units" in schema["paths"] and "/api/v1/auth/token" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui" in docs.lower()
    assert "cdn." not in docs and "unpkg" not in docs and "jsdelivr" not in docs
