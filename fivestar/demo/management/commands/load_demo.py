"""Load the demo: 濮阳县 from the official division codes, 庆祖镇 in full detail (with this year's supervision),
and 户部寨镇 with a round ready for 认定 today. Idempotent.

History is dated in its own years; the current rating round is the one of the period containing
today (`--today YYYY-MM-DD` loads the demo as of another day).
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fivestar.demo.qingzu import COUNTY_CODE, DEMO_PASSWORD, QingzuDemo

STEPS = 14
DIVISIONS = Path(__file__).resolve().parents[2] / "data" / "divisions"


class Command(BaseCommand):
    help = "加载演示数据（濮阳县行政区划、庆祖镇完整数据、创建标准、集体经济收入、评星记录、督导记录，以及可当天认定的户部寨镇），可重复运行"

    def step(self, n: int, text: str) -> None:
        # `make demo` is silent for over a minute otherwise: say what is happening, step by step.
        self.stdout.write(f"[{n}/{STEPS}] {text}…")
        self.stdout.flush()

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="按指定日期（YYYY-MM-DD）生成当前周期，默认今天")

    def handle(self, *args, **options):
        from fivestar.boards.services import refresh_paused

        with refresh_paused():  # step 12 rebuilds the boards once instead of a refresh after every change
            return self._load(*args, **options)

    def _load(self, *args, **options):
        from django.core.management import call_command

        from fivestar.demo.hubuzhai import HubuzhaiPeople, HubuzhaiRating
        from fivestar.demo.hubuzhai import load_income as load_hubuzhai_income
        from fivestar.demo.rating import RatingDemo
        from fivestar.indicators.demo import load_demo_income
        from fivestar.orgs.divisions.importer import apply_import, plan_import

        self.step(1, "导入濮阳县行政区划（乡镇、村、社区）")
        plan = plan_import(DIVISIONS, under=COUNTY_CODE)
        if plan.errors:
            raise CommandError("演示区划数据校验失败：" + "；".join(str(e) for e in plan.errors[:5]))
        apply_import(plan)
        self.step(2, "生成庆祖镇的片区、分类、人员、账号和包联责任")
        demo = QingzuDemo()
        demo.load()
        self.step(3, "载入示例创建标准（农村、社区）")
        call_command("framework", "load-shipped", verbosity=0)
        self.step(4, "登记村集体经济收入")
        today = options.get("today")
        load_demo_income(today=today)
        self.step(5, "生成评星记录（历史周期与当前周期）")
        made = RatingDemo(today=today).load()
        if made:
            self.stdout.write("已生成评星演示数据：" + "、".join(made) + "（当前周期进行中，其余已认定）。")
        self.step(6, "生成户部寨镇的人员、账号、集体经济收入和评星记录（当前周期待认定）")
        second = HubuzhaiPeople()
        second.load()
        load_hubuzhai_income(today=today)
        rating = HubuzhaiRating(today=today)
        made = rating.load()
        if made:
            self.stdout.write("户部寨镇已生成：" + "、".join(made) + "。")
        if rating.why_early:
            self.stdout.write(self.style.WARNING(f"户部寨镇：{rating.why_early}。"))
        self.stdout.write(f"户部寨镇：{rating.stage}")
        self.step(7, "生成庆祖镇今年以来的督导检查、问题清单和整改记录")
        from fivestar.demo.supervision import SupervisionDemo

        supervision = SupervisionDemo(today=today)
        if supervision.load():
            self.stdout.write("庆祖镇督导：" + supervision.summary() + "。")
        self.step(8, "生成庆祖镇今年的创建目标、目标责任书、创建台账和月度承诺")
        from fivestar.demo.planning import PlanningDemo

        planning = PlanningDemo(today=today)
        if planning.load():
            self.stdout.write("庆祖镇创建：" + planning.summary() + "。")
        self.step(9, "生成庆祖镇今年的周调度会、月总结会、议定事项和会议简报")
        from fivestar.demo.meetings import MeetingsDemo

        meetings = MeetingsDemo(today=today)
        if meetings.load():
            self.stdout.write("庆祖镇会议：" + meetings.summary() + "。")
        self.step(10, "生成庆祖镇今年的季度观摩排名和每月红黑旗")
        from fivestar.demo.observation import ObservationDemo

        observation = ObservationDemo(today=today)
        if observation.load():
            self.stdout.write("庆祖镇观摩：" + observation.summary() + "。")
        self.step(11, "生成庆祖镇的导师帮带、志愿劳动与夜校签到、评优评先、村级荣誉、三零排查和专项行动资金")
        from fivestar.demo.activities import ActivitiesDemo

        activities = ActivitiesDemo(today=today)
        if activities.load():
            self.stdout.write("庆祖镇党建活动：" + activities.summary() + "。")
        self.step(12, "重算挂图作战各级统计数（乡镇、县、市、省）")
        from fivestar.demo.boards import BoardsDemo

        boards = BoardsDemo(today=today)
        if boards.load():
            self.stdout.write("挂图作战：" + boards.summary() + "。")
        self.step(13, "生成庆祖镇的推介项目、项目推介会签约和项目收益（计入集体经济收入）")
        from fivestar.demo.projects import ProjectsDemo

        projects = ProjectsDemo(today=today)
        if projects.load():
            self.stdout.write("庆祖镇项目推介：" + projects.summary() + "。")
        self.step(14, "根据庆祖镇今年的记录生成村党支部书记和包村包片干部的述职考核材料")
        from fivestar.demo.reviews import ReviewsDemo

        reviews = ReviewsDemo(today=today)
        if reviews.load():
            self.stdout.write("庆祖镇述职考核：" + reviews.summary() + "。")
        ready = "，户部寨镇的当前周期今天可认定" if rating.ready else ""
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪：濮阳县全部乡镇和村（社区），庆祖镇完整数据{ready}。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, where in demo.accounts + second.accounts:
            self.stdout.write(f"  {username:<15} {role}（{where}）")
