"""/api/v1/reviews/: scoped like the pages, in the OpenAPI doc, junk answered in Chinese, export read back."""

import io

import pytest

from fivestar.core.roles import Role

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def _h(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_packs_list_detail_adjust(rev, client, api_token, world):
    h = _h(api_token(rev.town_admin))
    r = client.post("/api/v1/reviews/compute", {"town": world.town.code, "year": YEAR}, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["count"] == 4
    r = client.get(f"/api/v1/reviews/packs?town={world.town.code}&year={YEAR}&kind=secretary", **h)
    data = r.json()
    assert r.status_code == 200 and data["count"] == 2 and data["items"][0]["person"]["name"] == "王书记"
    pid = data["items"][0]["id"]
    d = client.get(f"/api/v1/reviews/packs/{pid}", **h).json()
    assert d["figures"]["held"] == 3 and d["score"] == "63.75" and d["points"]["stars"] == "22.50"
    r = client.post(f"/api/v1/reviews/packs/{pid}/adjust", {"grade": "好", "reason": ""}, content_type="application/json", **h)
    assert r.status_code == 400 and "调整理由" in r.json()["detail"]
    r = client.post(f"/api/v1/reviews/packs/{pid}/adjust", {"grade": "好", "reason": "表现突出", "expected_version": d["version"]},
                    content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["grade"] == "好" and r.json()["adjusted"]
    assert client.get(f"/api/v1/reviews/packs/{pid}", **h).json()["adjustments"][0]["reason"] == "表现突出"
    r = client.post(f"/api/v1/reviews/packs/{pid}/adjust", {"grade": "差", "reason": "x", "expected_version": 1},
                    content_type="application/json", **h)
    assert r.status_code == 409


def test_scope_and_rank(rev, client, api_token, world):
    rev.compute()
    pid = rev.pack(rev.secretary).pk
    h = _h(api_token(rev.other_town_admin))
    assert client.get(f"/api/v1/reviews/packs?town={world.town.code}&year={YEAR}", **h).status_code == 404
    assert client.get(f"/api/v1/reviews/packs/{pid}", **h).status_code == 404
    assert client.post(f"/api/v1/reviews/packs/{pid}/adjust", {"grade": "好", "reason": "x"}, content_type="application/json", **h).status_code == 404
    h = _h(api_token(world.users[Role.SUPERVISOR]))
    assert client.get(f"/api/v1/reviews/packs?town={world.town.code}&year={YEAR}", **h).status_code == 200
    assert client.post(f"/api/v1/reviews/packs/{pid}/adjust", {"grade": "好", "reason": "x"}, content_type="application/json", **h).status_code == 403
    assert client.post("/api/v1/reviews/compute", {"town": world.town.code, "year": YEAR}, content_type="application/json", **h).status_code == 403
    assert client.put(f"/api/v1/reviews/settings/{world.town.code}", {}, content_type="application/json", **h).status_code == 403
    h = _h(api_token(world.users[Role.VILLAGE_CADRE]))
    assert client.get(f"/api/v1/reviews/packs/{pid}", **h).status_code == 200
    assert client.get(f"/api/v1/reviews/packs/{rev.pack(rev.sibling_secretary).pk}", **h).status_code == 404


@pytest.mark.parametrize("method,url,body", [
    ("get", "/api/v1/reviews/packs?town=abc&year=abc", None),
    ("get", "/api/v1/reviews/packs?town=410928103&year=99999999999999999999999", None),
    ("get", "/api/v1/reviews/packs/abc", None),
    ("get", "/api/v1/reviews/packs/99999999999999999999999", None),
    ("post", "/api/v1/reviews/compute", {"town": "410928103", "year": "x"}),
    ("post", "/api/v1/reviews/compute", {"town": "410928103", "year": 2099}),
    ("post", "/api/v1/reviews/exports", {"town": "410928103", "year": 2025, "kind": "exe"}),
    ("put", "/api/v1/reviews/settings/410928103", {"weights": {"stars": "abc"}}),
    ("put", "/api/v1/reviews/settings/410928103", {"weights": {"evil": 5}}),
    ("put", "/api/v1/reviews/settings/410928103", {"thresholds": {"好": 10, "较好": 50}}),
    ("put", "/api/v1/reviews/settings/410928103", {"weights": {"stars": 10 ** 30}}),
])
def test_junk_is_never_a_500(rev, client, api_token, method, url, body):
    h = _h(api_token(rev.town_admin))
    kw = {"content_type": "application/json", "data": body} if body is not None else {}
    r = getattr(client, method)(url, **kw, **h)
    assert r.status_code in (400, 404, 422), r.content
    assert r.json()["detail"]


def test_settings_roundtrip(rev, client, api_token, world):
    h = _h(api_token(rev.town_admin))
    r = client.put(f"/api/v1/reviews/settings/{world.town.code}", {"weights": {"stars": 50}, "thresholds": {"好": 95}},
                   content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["weights"]["stars"] == 50 and r.json()["thresholds"]["好"] == 95
    assert client.get(f"/api/v1/reviews/settings/{world.town.code}", **h).json()["source"].startswith("庆祖镇")


def test_export_job_and_file(rev, client, api_token, world, django_capture_on_commit_callbacks):
    from docx import Document

    rev.compute()
    h = _h(api_token(rev.town_admin))
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/v1/reviews/exports", {"town": world.town.code, "year": YEAR, "kind": "docx"},
                        content_type="application/json", **h)
    assert r.status_code == 200
    e = client.get(f"/api/v1/reviews/exports/{r.json()['id']}", **h).json()
    assert e["status"] == "done" and e["download_url"]
    f = client.get(f"/api/v1/reviews/exports/{e['id']}/file", **h)
    doc = Document(io.BytesIO(b"".join(f.streaming_content)))
    assert any("孙书记" in cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert client.get(f"/api/v1/reviews/exports/{e['id']}", **_h(api_token(rev.county_admin))).status_code == 404


def test_pdf_export_reads_back(rev, client, api_token, world, django_capture_on_commit_callbacks, tmp_path):
    import subprocess

    rev.compute()
    h = _h(api_token(rev.town_admin))
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/v1/reviews/exports", {"town": world.town.code, "year": YEAR, "kind": "pdf"},
                        content_type="application/json", **h)
    f = client.get(f"/api/v1/reviews/exports/{r.json()['id']}/file", **h)
    (tmp_path / "r.pdf").write_bytes(b"".join(f.streaming_content))
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    assert "述职考核材料" in text and "王书记" in text


def test_openapi_lists_the_review_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in ("/api/v1/reviews/packs", "/api/v1/reviews/packs/{pack_id}", "/api/v1/reviews/packs/{pack_id}/adjust",
              "/api/v1/reviews/compute", "/api/v1/reviews/settings/{unit}", "/api/v1/reviews/exports",
              "/api/v1/reviews/exports/{export_id}", "/api/v1/reviews/exports/{export_id}/file"):
        assert p in paths, p
