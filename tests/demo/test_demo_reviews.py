"""The demo's cadres' annual review (step 14): 庆祖镇's packs for every secretary and 包村/包片 cadre, computed from the
demo's records, ranked, one grade adjusted by qingzu with its reason; loaded once."""

import pytest
from django.utils import timezone

from fivestar.demo.qingzu import TOWN_CODE
from fivestar.demo.reviews import REASON, ReviewsDemo
from fivestar.orgs.models import OrgUnit
from fivestar.reviews.models import ReviewAdjustment, ReviewPack

pytestmark = pytest.mark.django_db


def test_qingzu_review_packs(built_demo):
    town = OrgUnit.objects.get(code=TOWN_CODE)
    packs = ReviewPack.objects.filter(town=town, year=timezone.localdate().year)
    assert packs.filter(kind="secretary").count() == 55
    assert packs.filter(kind="cadre").count() > 0
    assert any(d.startswith("包片") for p in packs.filter(kind="cadre") for d in p.snapshot["duties"])
    assert packs.filter(kind="secretary", rank=1).exists() and packs.filter(kind="cadre", rank=1).exists()
    adjusted = [p for p in packs if p.adjusted]
    assert len(adjusted) == 1 and adjusted[0].org_unit.display_name == "西辛庄村"
    assert ReviewAdjustment.objects.get(pack=adjusted[0]).reason == REASON
    assert sum(p.snapshot["figures"]["problems"] for p in packs.filter(kind="secretary")) > 0
    assert sum(p.snapshot["figures"]["tasks"] for p in packs.filter(kind="secretary")) > 0
    assert ReviewsDemo().load() == 0  # loaded once
