"""Load the demo: 濮阳县 from the official division codes, then 庆祖镇 in full detail. Idempotent."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fivestar.demo.qingzu import COUNTY_CODE, DEMO_PASSWORD, QingzuDemo

DIVISIONS = Path(__file__).resolve().parents[2] / "data" / "divisions"


class Command(BaseCommand):
    help = "加载演示数据（濮阳县行政区划、庆祖镇完整数据、创建标准、集体经济收入、评星记录），可重复运行"

    def handle(self, *args, **options):
        from fivestar.orgs.divisions.importer import apply_import, plan_import

        plan = plan_import(DIVISIONS, under=COUNTY_CODE)
        if plan.errors:
            raise CommandError("演示区划数据校验失败：" + "；".join(str(e) for e in plan.errors[:5]))
        apply_import(plan)
        demo = QingzuDemo()
        demo.load()
        from django.core.management import call_command

        from fivestar.demo.rating import RatingDemo
        from fivestar.indicators.demo import load_demo_income

        call_command("framework", "load-shipped", verbosity=0)
        load_demo_income(2023)
        if RatingDemo().load():
            self.stdout.write("已生成评星演示数据：2022年度评星（已认定）与2023年第一次动态评星（进行中）。")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪：濮阳县全部乡镇和村（社区），庆祖镇完整数据。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, where in demo.accounts:
            self.stdout.write(f"  {username:<12} {role}（{where}）")
