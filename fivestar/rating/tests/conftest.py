import datetime
from pathlib import Path

import pytest
import yaml

SHIPPED = Path(__file__).resolve().parents[2] / "standards" / "frameworks"


def published_framework(name: str):
    from django.utils import timezone

    from fivestar.standards.models import FrameworkVersion

    data = yaml.safe_load((SHIPPED / f"{name}.yaml").read_text(encoding="utf-8"))
    return FrameworkVersion.objects.create(
        code=data["code"], name=data["name"], branch_type=data["branch_type"], version=data["version"],
        issuer=data.get("issuer", ""), data=data, status="published", published_at=timezone.now(),
    )


@pytest.fixture
def frameworks(db):
    return published_framework("puyang-2023-rural"), published_framework("puyang-2023-community")


@pytest.fixture
def make_round(world, frameworks, django_capture_on_commit_callbacks):
    from fivestar.rating.services import create_round, open_round

    def _make(scope=None, kind="annual", previous=None, extra_levels=(), opener=None, name="2023年度评星", indicator_year=2023):
        today = datetime.date.today()
        opener = opener or world.users["county_admin"]
        rnd = create_round(
            opener, scope=scope or world.county, name=name, kind=kind, year=2023,
            period_start=today - datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=30),
            rural_framework=frameworks[0], community_framework=frameworks[1],
            self_deadline=today + datetime.timedelta(days=5), town_deadline=today + datetime.timedelta(days=10),
            county_deadline=today + datetime.timedelta(days=15), notice_days=5, extra_levels=extra_levels, previous=previous,
            indicator_year=indicator_year,
        )
        with django_capture_on_commit_callbacks(execute=True):
            open_round(rnd, opener)
        rnd.refresh_from_db()
        return rnd

    return _make


def full_marks(framework_row, skip_evidence=False):
    """Values that earn every rule's best points (the easiest such value)."""
    fw = framework_row.compiled()
    values = {}
    for rule in fw.rules_by_code.values():
        if rule.indicator:
            values[rule.code] = rule.thresholds[-1].min
        else:
            values[rule.code] = rule.value_for_points(rule.best_points)
    return values
