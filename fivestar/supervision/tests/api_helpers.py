"""A client calling /api/v1 with one user's Bearer token, shared by the supervision API tests."""

import re

from django.test import Client

from fivestar.api.models import ApiToken

CJK = re.compile("[\u4e00-\u9fff]")


class Caller:
    def __init__(self, user):
        self.client, self.headers = Client(), {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, label='test')}"}

    def get(self, path, query=None):
        return self.client.get(f"/api/v1{path}", query or {}, **self.headers)

    def post(self, path, body=None):
        return self.client.post(f"/api/v1{path}", body if body is not None else {}, content_type="application/json", **self.headers)

    def put(self, path, body):
        return self.client.put(f"/api/v1{path}", body, content_type="application/json", **self.headers)

    def raw(self, method, path, data, content_type="application/json"):
        return getattr(self.client, method)(f"/api/v1{path}", data, content_type=content_type, **self.headers)

    def upload(self, path, data):
        return self.client.post(f"/api/v1{path}", data, **self.headers)  # multipart


def chinese_error(response, status: int) -> dict:
    """The response is `status` with a JSON body whose detail (and each field error) is Chinese."""
    assert response.status_code == status, (response.status_code, response.content[:400])
    data = response.json()
    assert CJK.search(data["detail"]), data
    for error in data.get("errors", []):
        assert CJK.search(error["message"]) and "field" in error, data
    return data
