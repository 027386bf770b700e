"""Load the demo: 濮阳县 from the official division codes, then 庆祖镇 in full detail. Idempotent."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fivestar.demo.qingzu import COUNTY_CODE, DEMO_PASSWORD, QingzuDemo

DIVISIONS = Path(__file__).resolve().parents[2] / "data" / "divisions"


class Command(BaseCommand):
    help = "加载演示数据（濮阳县行政区划 + 庆祖镇完整数据），可重复运行"

    def handle(self, *args, **options):
        from fivestar.orgs.divisions.importer import apply_import, plan_import

        plan = plan_import(DIVISIONS, under=COUNTY_CODE)
        if plan.errors:
            raise CommandError("演示区划数据校验失败：" + "；".join(str(e) for e in plan.errors[:5]))
        apply_import(plan)
        demo = QingzuDemo()
        demo.load()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪：濮阳县全部乡镇和村（社区），庆祖镇完整数据。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, where in demo.accounts:
            self.stdout.write(f"  {username:<12} {role}（{where}）")
