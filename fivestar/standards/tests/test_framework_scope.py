"""Frameworks are managed only within the user's scope, and drafts are read only by the scope that owns them
(and above): in the services, so the pages and the API inherit it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from fivestar.standards import selectors, services
from fivestar.standards.models import FrameworkVersion

from .io_helpers import example

pytestmark = pytest.mark.django_db

Status = FrameworkVersion.Status


def _data(code):
    data = example()
    data["code"] = code
    return data


@pytest.fixture
def versions(world):
    """A published province-wide version, one published for the province unit, one of another county, drafts."""
    sysadmin = world.users["sysadmin"]
    return {
        "province_wide": services.import_framework(_data("wide-2024"), sysadmin, publish=True),
        "province": services.import_framework(_data("henan-2024"), sysadmin, world.province, publish=True),
        "other_county": services.import_framework(_data("qingfeng-2024"), sysadmin, world.other_county, publish=True),
        "own_draft": services.import_framework(_data("puyang-2025"), world.users["county_admin"], world.county),
        "other_draft": services.import_framework(_data("qingfeng-2025"), sysadmin, world.other_county),
        "wide_draft": services.import_framework(_data("wide-2025"), sysadmin),
    }


def test_county_admin_cannot_manage_frameworks_above_or_beside_its_county(world, versions):
    county = world.users["county_admin"]
    for key in ("province_wide", "province", "other_county"):
        for action in (services.archive, services.publish):
            with pytest.raises(PermissionDenied):
                action(versions[key], county)
        with pytest.raises(PermissionDenied):
            services.new_version_from(versions[key], county, f"{key.replace('_', '-')}-copy", "2025")
        assert FrameworkVersion.objects.get(pk=versions[key].pk).status == Status.PUBLISHED
    with pytest.raises(PermissionDenied):
        services.update_draft(versions["wide_draft"], _data("wide-2025"), county)
    with pytest.raises(PermissionDenied):
        services.import_framework(_data("mine-2025"), county)  # province-wide needs a 系统管理员
    # Its own county's draft it manages.
    assert services.publish(versions["own_draft"], county).status == Status.PUBLISHED
    assert services.archive(versions["own_draft"], county).status == Status.ARCHIVED
    assert services.archive(versions["province_wide"], world.users["sysadmin"]).status == Status.ARCHIVED


def test_town_admin_manages_no_framework(world, versions):
    for key in ("province_wide", "own_draft"):
        with pytest.raises(PermissionDenied):
            services.archive(versions[key], world.users["town_admin"])


@pytest.mark.parametrize("role,sees", [
    ("sysadmin", {"own_draft", "other_draft", "wide_draft"}),
    ("county_admin", {"own_draft"}),
    ("observer", {"own_draft"}),  # bound to the county: the owning scope
    ("town_admin", set()),  # below the county that owns the draft
    ("village_cadre", set()),
])
def test_drafts_are_read_only_within_the_owning_scope(world, versions, role, sees):
    user = world.users[role]
    visible = set(selectors.visible_versions(user).values_list("pk", flat=True))
    drafts = {k for k in ("own_draft", "other_draft", "wide_draft") if versions[k].pk in visible}
    assert drafts == sees
    assert {"province_wide", "province", "other_county"} <= {k for k, v in versions.items() if v.pk in visible}
    for key in ("own_draft", "other_draft", "wide_draft"):
        if key in sees:
            assert selectors.get_version(user, versions[key].pk) == versions[key]
        else:
            with pytest.raises(Http404):
                selectors.get_version(user, versions[key].pk)


def test_pages_follow_the_scope(world, versions, login):
    client = login(world.users["county_admin"])
    listing = client.get("/standards/").content.decode()
    assert "puyang-2025" in listing and "qingfeng-2025" not in listing and "wide-2025" not in listing
    assert client.get(f"/standards/{versions['other_draft'].pk}/").status_code == 404
    assert client.get(f"/standards/{versions['wide_draft'].pk}/download.yaml").status_code == 404
    for key in ("province_wide", "other_county"):
        assert client.post(f"/standards/{versions[key].pk}/archive/").status_code == 404
        assert FrameworkVersion.objects.get(pk=versions[key].pk).status == Status.PUBLISHED
    detail = client.get(f"/standards/{versions['province_wide'].pk}/").content.decode()
    assert f"/standards/{versions['province_wide'].pk}/archive/" not in detail
    diff = client.get(f"/standards/diff/?a={versions['own_draft'].pk}&b={versions['other_draft'].pk}")
    assert diff.status_code == 200 and "qingfeng-2025" not in diff.content.decode()
    assert client.post(f"/standards/{versions['own_draft'].pk}/publish/").status_code == 302
    assert FrameworkVersion.objects.get(pk=versions["own_draft"].pk).status == Status.PUBLISHED


def test_api_follows_the_scope(world, versions, client, api_token):
    def call(user, method, url):
        return getattr(client, method)(f"/api/v1{url}", HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")

    county, town = world.users["county_admin"], world.users["town_admin"]
    codes = {item["code"] for item in call(county, "get", "/frameworks").json()["items"]}
    assert "puyang-2025" in codes and "qingfeng-2025" not in codes and "wide-2025" not in codes
    assert "puyang-2025" not in {item["code"] for item in call(town, "get", "/frameworks").json()["items"]}
    assert call(county, "get", f"/frameworks/{versions['other_draft'].pk}").status_code == 404
    response = call(county, "post", f"/frameworks/{versions['province_wide'].pk}/archive")
    assert response.status_code == 403 and "权限" in response.json()["detail"]
    assert call(county, "post", f"/frameworks/{versions['other_county'].pk}/publish").status_code == 403
    assert call(county, "post", f"/frameworks/{versions['other_draft'].pk}/publish").status_code == 404
    assert call(town, "post", f"/frameworks/{versions['own_draft'].pk}/publish").status_code == 404
    response = call(county, "post", f"/frameworks/{versions['own_draft'].pk}/publish")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert call(county, "post", f"/frameworks/{versions['own_draft'].pk}/publish").status_code == 409
    assert FrameworkVersion.objects.get(pk=versions["province_wide"].pk).status == Status.PUBLISHED
