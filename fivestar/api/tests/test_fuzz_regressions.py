"""Regression tests for what fuzzing the API (test_schemathesis.py) found: each was a 500, or an answer the OpenAPI
document did not describe, before its fix."""

import pytest

from fivestar.core.roles import Role
from fivestar.rating.tests.conftest import frameworks, make_round  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _h(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_promotion_meeting_series_gets_its_default_name(world, client, api_token):
    """MeetingKind gained 项目推介会 after the series' default names were written: an unnamed series of that kind was a
    KeyError (500)."""
    town = _h(api_token(world.users[Role.TOWN_ADMIN]))
    created = client.post("/api/v1/meetings/series", {"unit": world.town.code, "kind": "promotion"}, content_type="application/json", **town)
    assert created.status_code == 201, created.content
    assert created.json()["name"] == "项目推介会"
    dispatch = client.post("/api/v1/meetings/series", {"unit": world.town.code, "kind": "dispatch"}, content_type="application/json", **town)
    edited = client.put(f"/api/v1/meetings/series/{dispatch.json()['id']}", {"kind": "promotion"}, content_type="application/json", **town)
    assert edited.status_code == 200, edited.content
    assert edited.json()["name"] == "项目推介会" and edited.json()["kind"] == "promotion"


def test_submitting_with_a_malformed_body_answers_in_the_declared_422_shape(world, api_token, frameworks, make_round):
    """POST …/submit declared its 422 as the "still missing" list (detail + missing required), but a body without
    `stars` gets the API's validation error (detail + errors): schemathesis' response_schema_conformance caught the
    document describing only one of the two."""
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from fivestar.rating.models import Assessment

    from .fuzz_world import served_schema

    make_round(scope=world.town, opener=world.users[Role.TOWN_ADMIN])
    assessment = Assessment.objects.get(org_unit=world.village)
    headers = {"Authorization": f"Bearer {api_token(world.users[Role.VILLAGE_CADRE])}", "Accept-Encoding": "identity"}
    with served_schema() as schema:
        operation = schema["/api/v1/assessments/{assessment_id}/submit"]["POST"]
        for body in ({}, {"stars": ["zbgy"]}):  # the body's own error, then what is still missing
            case = operation.Case(path_parameters={"assessment_id": assessment.pk}, body=body, media_type="application/json")
            response = case.call(headers=headers)
            assert response.status_code == 422, response.content
            case.validate_response(response, checks=[response_schema_conformance])
        assert response.json()["missing"] and not response.json()["errors"]
