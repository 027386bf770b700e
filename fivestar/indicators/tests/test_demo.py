"""The demo's collective income reproduces the seed: 54 villages with income, 35 above 50,000, 庆南村 ≈ 6.8 million."""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

import pytest

import fivestar.demo
from django.utils import timezone

from fivestar.indicators.demo import load_demo_income
from fivestar.indicators.models import CollectiveIncome
from fivestar.orgs.models import Level, OrgUnit

pytestmark = pytest.mark.django_db
VILLAGES_CSV = Path(fivestar.demo.__file__).parent / "data" / "divisions" / "villages.csv"


@pytest.fixture
def qingzu():
    """庆祖镇 and its 55 village-level units, straight from the shipped division codes."""
    province = OrgUnit.objects.create(code="41", name="河南省", level=Level.PROVINCE)
    city = OrgUnit.objects.create(code="4109", name="濮阳市", level=Level.CITY, parent=province)
    county = OrgUnit.objects.create(code="410928", name="濮阳县", level=Level.COUNTY, parent=city)
    town = OrgUnit.objects.create(code="410928103", name="庆祖镇", level=Level.TOWN, parent=county)
    with VILLAGES_CSV.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["code"].startswith("410928103")]
    for r in rows:
        OrgUnit.objects.create(code=r["code"], name=r["name"], level=Level.VILLAGE, parent=town)
    assert len(rows) == 55
    return town


def test_demo_income_matches_the_seed(qingzu):
    summary = load_demo_income()
    assert summary["villages"] == 54 and summary["above_50000"] == 35
    rural = OrgUnit.objects.filter(parent=qingzu, branch_type="rural")
    assert rural.count() == 54
    y2023 = CollectiveIncome.objects.filter(year=2023)
    assert y2023.count() == 54
    assert set(y2023.values_list("org_unit_id", flat=True)) == set(rural.values_list("id", flat=True))
    assert not CollectiveIncome.objects.filter(org_unit__branch_type="community").exists()
    assert y2023.filter(amount__gt=50000).count() == 35
    assert y2023.filter(amount__gte=50000).count() == 35  # nobody sits exactly on the line
    assert y2023.filter(amount__lte=0).count() == 0  # every village has income
    qingnan = y2023.get(org_unit__display_name="庆南村").amount
    assert Decimal("6500000") <= qingnan <= Decimal("7100000")
    assert y2023.order_by("-amount").first().org_unit.display_name == "庆南村"
    assert y2023.get(org_unit__display_name="翟砦村").amount < 50000  # the 强基村
    for row in y2023:
        assert row.amount == row.operating_income + row.other_income
        assert row.operating_income > 0 and row.other_income >= 0
    assert CollectiveIncome.objects.filter(note__contains="试点").values("org_unit").distinct().count() == 11


def test_previous_year_is_a_little_lower(qingzu):
    load_demo_income(2023)
    now = dict(CollectiveIncome.objects.filter(year=2023).values_list("org_unit_id", "amount"))
    before = dict(CollectiveIncome.objects.filter(year=2022).values_list("org_unit_id", "amount"))
    assert set(before) == set(now)
    for unit_id, amount in now.items():
        assert amount * Decimal("0.8") <= before[unit_id] < amount


def test_loading_twice_changes_nothing(qingzu):
    first = load_demo_income(today=datetime.date(2026, 12, 1))
    values = list(CollectiveIncome.objects.order_by("org_unit__code", "year").values_list("org_unit__code", "year", "operating_income", "other_income", "note"))
    history = CollectiveIncome.history.count()
    second = load_demo_income(today=datetime.date(2026, 12, 1))
    assert first["years"] == [2022, 2023, 2024, 2025]
    assert first["written"] == 54 * 4 and second["written"] == 0
    assert list(CollectiveIncome.objects.order_by("org_unit__code", "year").values_list("org_unit__code", "year", "operating_income", "other_income", "note")) == values
    assert CollectiveIncome.history.count() == history


def test_missing_town_loads_nothing(db):
    assert load_demo_income()["villages"] == 0


@pytest.mark.parametrize("today", [datetime.date(2026, 12, 1), datetime.date(2027, 3, 15), datetime.date(2024, 1, 5)])
def test_income_is_recorded_up_to_the_last_complete_year_and_dated_after_it(qingzu, today):
    load_demo_income(today=today)
    years = sorted(set(CollectiveIncome.objects.values_list("year", flat=True)))
    assert years == list(range(2022, today.year))  # 2022 … the year before today
    for year in years:
        rows = CollectiveIncome.objects.filter(year=year)
        assert rows.count() == 54 and not rows.filter(amount__lte=0).exists()
        if year >= 2023:  # the seed's proportions hold every year from the seed's year on
            assert rows.filter(amount__gt=50000).count() == 35 and not rows.filter(amount=50000).exists()
            assert Decimal("6500000") <= rows.get(org_unit__display_name="庆南村").amount <= Decimal("7100000")
        # A year's figures are recorded once its accounts close, never before the year ends, never after today.
        for row in rows:
            recorded = timezone.localdate(row.created_at)
            assert recorded.year == year + 1 and recorded <= today, (year, recorded)
        assert all(timezone.localdate(h.history_date).year == year + 1 for h in CollectiveIncome.history.filter(year=year))
