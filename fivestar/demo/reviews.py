"""庆祖镇's cadres' annual review (述职考核) for the current year up to today: a pack for every village secretary and
every town cadre with 包村/包片 duties, computed by the same service as the page from the demo's records (stars,
targets, supervision, ledger, commitments, observation, flags), and one grade adjusted by `qingzu` with a reason.

Loaded once: a town with packs for the year is left as it is (recomputing is the page's 根据记录生成)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fivestar.orgs.models import OrgUnit
from fivestar.reviews.models import PackKind, ReviewAdjustment, ReviewPack
from fivestar.reviews.services import adjust, compute_town

from .clock import at, pinned
from .qingzu import TOWN_CODE

REASON = "该村全年无信访、无安全事故，群众测评满意度位居全镇前列，经镇党委研究上调一档。"
HIGHER = {"差": "一般", "一般": "较好", "较好": "好", "好": "较好"}


class ReviewsDemo:
    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.now = timezone.now() if self.today == timezone.localdate() else at(self.today, 12)
        self.town = OrgUnit.objects.get(code=TOWN_CODE)
        self.year = self.today.year

    def load(self) -> int:
        if ReviewPack.objects.filter(town=self.town, year=self.year).exists():
            return 0
        admin = get_user_model().objects.get(username="qingzu")
        moment = self.now - datetime.timedelta(minutes=3)
        with transaction.atomic(), pinned(moment):
            packs = compute_town(admin, self.town, self.year)
            chosen = next((p for p in packs if p.kind == PackKind.SECRETARY and p.org_unit.display_name == "西辛庄村"),
                          next((p for p in packs if p.kind == PackKind.SECRETARY), None))
            if chosen is not None:
                adjust(admin, chosen, HIGHER[chosen.computed_grade], reason=REASON, comment="年度述职材料齐全，创建成效明显。")
        return len(packs)

    def summary(self) -> str:
        packs = ReviewPack.objects.filter(town=self.town, year=self.year)
        secretaries = packs.filter(kind=PackKind.SECRETARY).count()
        cadres = packs.filter(kind=PackKind.CADRE).count()
        adjusted = ReviewAdjustment.objects.filter(pack__town=self.town, pack__year=self.year).exclude(reason="").count()
        return f"{self.year}年度述职考核材料 {secretaries + cadres} 份（村党支部书记 {secretaries}、包村包片干部 {cadres}），调整等次 {adjusted} 份"
