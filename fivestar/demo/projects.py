"""庆祖镇's project promotion (项目推介, fivestar.projects), from the seed: villages with planned projects become the
融资方 and villages without become the 投资方. The seed names 天耕食用菌, 张榆林头西红柿深加工, 潘家辣椒 and 常寨非洲菊
among "10余个" projects; the others here and every figure (investment, shares, returns) are invented, so each project
is marked 示例数据. Last year's 项目推介会 (a meetings-app meeting of kind 项目推介会) recorded the agreements; the
operating projects' returns for the last complete year flow into the participating villages' collective income.
Everything goes through the same services as the pages, dated before today. Loaded once."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fivestar.meetings.models import Meeting, MeetingKind, MeetingStatus
from fivestar.orgs.models import Level, OrgUnit
from fivestar.projects.models import Agreement, Project, StageEvent
from fivestar.projects.services.agreements import record_agreement, record_returns, set_stage
from fivestar.projects.services.projects import express_interest, publish

from .qingzu import TOWN_CODE

# (village, project, industry, investment, expected return, description, [(investor, proposed, share%)], stage, [return per village %])
PROJECTS = [
    ("西辛庄", "天耕食用菌种植基地", "食用菌", 1_200_000, 150_000, "依托天耕食用菌合作社建设标准化菌棚 20 座，吸纳周边村入股分红。",
     [("庆北", 300_000, 20), ("水屯", 300_000, 20)], "operating"),
    ("张榆林头", "张榆林头西红柿深加工", "西红柿", 2_000_000, 220_000, "建设西红柿酱、西红柿汁加工车间，带动周边种植户订单种植。",
     [("庆中", 500_000, 25), ("东辛庄", 300_000, 15)], "building"),
    ("潘家", "潘家辣椒种植与烘干", "辣椒", 800_000, 90_000, "扩大朝天椒种植面积，新建烘干房和冷库。",
     [("前郑寨", 200_000, 25)], "operating"),
    ("常寨", "常寨非洲菊温室", "非洲菊", 1_500_000, 180_000, "建设智能温室种植非洲菊，鲜切花供应郑州、濮阳市场。",
     [("郎寨", 400_000, 25), ("庆北", 200_000, 15)], "operating"),
    ("张贾", "张贾冬枣保鲜库", "冬枣", 600_000, 60_000, "建设冬枣气调保鲜库，错峰销售。", [("前武陵", 150_000, 0)], "planned"),
    ("太平", "太平生态渔业", "水产养殖", 900_000, 80_000, "改造坑塘发展生态养殖和休闲垂钓。", [], "planned"),
    ("庆南", "庆南农产品仓储物流中心", "仓储物流", 3_000_000, 300_000, "为全镇一村一品提供仓储、分拣和冷链配送。", [("后郑寨", 500_000, 0)], "planned"),
    ("后郑寨", "后郑寨乡村旅游", "乡村旅游", 1_000_000, 100_000, "依托全国十大最美乡村品牌，发展民宿和研学。", [], "planned"),
    ("东台上", "东台上面粉加工", "小麦", 700_000, 70_000, "建设小型面粉加工厂，就地转化本村小麦。", [], "planned"),
    ("前武陵", "前武陵林下经济", "林下种植", 500_000, 50_000, "利用省级森林乡村林地发展林下中药材种植。", [], "planned"),
]
# Each operating project's last-year return, split among the participants by share (the publishing village keeps the rest).
RETURN_RATE = 0.10


class ProjectsDemo:
    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.town = OrgUnit.objects.get(code=TOWN_CODE)
        self.counts = {"projects": 0, "agreements": 0, "returns": 0}

    def summary(self) -> str:
        c = self.counts
        return f"推介项目 {c['projects']} 个（示例数据），项目推介会签约 {c['agreements']} 个，项目收益 {c['returns']} 笔计入集体经济收入"

    def _villages(self) -> dict[str, OrgUnit]:
        units = OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE)
        return {u.display_name.removesuffix("村"): u for u in units}

    @transaction.atomic
    def load(self) -> int:
        if Project.objects.filter(village__parent=self.town).exists():
            return 0
        user = get_user_model().objects.filter(username="qingzu").first()
        if user is None:
            return 0
        villages = self._villages()
        last = self.today.year - 1
        meeting_day = datetime.date(last, 3, 18)
        published_day = datetime.date(last, 2, 20)
        meeting = Meeting.objects.create(
            org_unit=self.town, kind=MeetingKind.PROMOTION, title=f"{last}年庆祖镇项目推介会", date=meeting_day, place="镇党委会议室",
            agenda="有规划项目的村推介项目；投资村表达意向；现场签约。", status=MeetingStatus.HELD, created_by=user,
            minutes="把有规划项目的村变为“融资方”，把无规划项目的村变为“投资方”，实现项目共享、产业共创（示例纪要）。")
        for village, name, industry, investment, ret, desc, investors, stage in PROJECTS:
            home = villages.get(village)
            if home is None:
                continue
            p = publish(user, home, name=name, industry=industry, investment=investment, expected_return=ret,
                        description=desc + "（示例数据：金额为演示而设）", example=True)
            self.counts["projects"] += 1
            for investor, proposed, _share in investors:
                if investor in villages:
                    express_interest(user, p, villages[investor], amount_value=proposed, note="推介会前表达意向（示例）")
            parts = [(villages[i], share, proposed) for i, proposed, share in investors if i in villages and share]
            if stage != "planned" and parts:
                own = 100 - sum(s for _, s, _ in parts)
                rows = [{"village": home, "share": own, "amount": investment - sum(a for _, _, a in parts)}]
                rows += [{"village": v, "share": s, "amount": a} for v, s, a in parts]
                record_agreement(user, p, signed_on=meeting_day, meeting=meeting, start_on=datetime.date(last, 4, 10),
                                 participants=rows, note="推介会现场签约（示例）")
                self.counts["agreements"] += 1
                set_stage(user, p, "building", date=datetime.date(last, 4, 10), note="开工建设")
                if stage == "operating":
                    set_stage(user, p, "operating", date=datetime.date(last, 7, 1), note="建成投产")
                    total = investment * RETURN_RATE
                    amounts = {r["village"].code: f"{total * r['share'] / 100:.2f}" for r in rows}
                    record_returns(user, p, last, amounts)
                    self.counts["returns"] += len(amounts)
            # Dates as they happened (the services stamp today): published before the meeting, events on their days.
            Project.objects.filter(pk=p.pk).update(created_at=timezone.make_aware(datetime.datetime.combine(published_day, datetime.time(9))))
            recent = StageEvent.objects.filter(project=p, date__gt=self.today - datetime.timedelta(days=1))
            recent.filter(what__startswith="登记").update(date=datetime.date(last, 12, 31))
            recent.exclude(what__startswith="登记").exclude(what__startswith="阶段变为").update(date=published_day)
        Agreement.objects.filter(project__village__parent=self.town).update(
            created_at=timezone.make_aware(datetime.datetime.combine(meeting_day, datetime.time(16))))
        return sum(self.counts.values())
