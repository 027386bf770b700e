"""The demo loaded as of a day in another year, on an empty database (the demo package's tests share one build
dated today, so this one lives outside it)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from fivestar.rating.models import Round
from tests.demo.test_demo import TOWN, _assert_honest, _assert_second_town
from tests.demo.test_demo_supervision import assert_supervision_dated


@pytest.mark.timeout(1800)
@pytest.mark.django_db(transaction=False)
def test_demo_rating_follows_another_today_into_another_year():
    """Loaded as of a day in another year and another period, the demo moves with it: no year is hard-coded."""
    today = datetime.date(timezone.localdate().year + 1, 3, 15)
    call_command("load_demo", verbosity=0, today=today)
    _assert_honest(today)
    assert Round.objects.get(scope__code=TOWN, phase=Round.Phase.OPEN).name == f"{today.year}年第二次动态评星"
    _assert_second_town(today)
    assert_supervision_dated(today)  # 庆祖镇's supervision follows too: that year's weeks, before that day


