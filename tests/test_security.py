"""Production settings, login throttling, and the audit trail of writes."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model

from fivestar.core.models import AuditEvent
from fivestar.orgs.models import OrgUnit


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fivestar.settings.prod", "SECRET_KEY": "x" * 60 + "-prod-secret-key-for-check",
           "ALLOWED_HOSTS": "fivestar.example.gov.cn", "FIVESTAR_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fivestar.settings.prod", "FIVESTAR_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_passwords_are_hashed():
    user = get_user_model().objects.create_user("hash-me", password="a-long-password-1")
    assert "a-long-password-1" not in user.password and user.check_password("a-long-password-1")


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(world, client):
    for _ in range(5):
        response = client.post("/login/", {"username": "town", "password": "wrong"})
        assert response.status_code in (200, 429)
    response = client.post("/login/", {"username": "town", "password": "test-pass-12345"})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    # The API token endpoint shares the same lock.
    response = client.post("/api/v1/auth/token", {"username": "town", "password": "test-pass-12345"}, content_type="application/json")
    assert response.status_code in (401, 429) and response.status_code != 200


@pytest.mark.django_db
def test_login_works_and_lands_on_home(world, client):
    response = client.post("/login/", {"username": "town", "password": "test-pass-12345"}, follow=True)
    assert response.status_code == 200 and "镇级管理员" in response.content.decode()


@pytest.mark.django_db
def test_writes_are_attributed_and_shown_in_history(world, login):
    client = login(world.users["town_admin"])
    from fivestar.people.models import RoleAssignment  # noqa: F401  (ensures history registration)

    unit = OrgUnit.objects.get(code=world.village.code)
    unit._history_user = world.users["town_admin"]
    unit.category = "sprint"
    unit.save()
    event = AuditEvent.objects.filter(model="orgs.orgunit", object_id=str(unit.pk), action="update").first()
    assert event.user == world.users["town_admin"]
    assert {"field": "category", "label": "创建类别", "old": "领航村", "new": "冲刺村"} in event.changes
    page = client.get("/history/?model=orgs.orgunit").content.decode()
    from fivestar.core.selectors_history import actor_labels

    actor = actor_labels({world.users["town_admin"].pk})[world.users["town_admin"].pk]  # 姓名（职务） or 角色（单位）
    assert "领航村" in page and "冲刺村" in page and actor in page
    # A secretary of another village does not see this change.
    other = login(world.users["village_cadre"])
    world.users["village_cadre"].role_assignments.update(org_unit=world.sibling)
    assert "冲刺村" not in other.get("/history/?model=orgs.orgunit").content.decode()
