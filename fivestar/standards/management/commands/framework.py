"""`fivestar framework import|export|diff|load-shipped`: frameworks from the command line (as the system user)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fivestar.orgs.models import OrgUnit
from fivestar.standards import excel_io, services, yaml_io
from fivestar.standards.diff import diff
from fivestar.standards.models import FrameworkVersion
from fivestar.standards.problems import ImportFailed

LOAD_SHIPPED_WORDS = {"created": "已导入并发布", "published": "已发布", "updated": "已更新并发布", "unchanged": "无变化",
                      "conflict": "已发布版本与内置文件不同，未修改"}


class Command(BaseCommand):
    help = "创建标准：导入（YAML/Excel）、导出、版本对比、加载内置标准"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令")
        imp = sub.add_parser("import", help="导入 YAML 或 Excel 文件为草稿（--publish 同时发布）")
        imp.add_argument("file")
        imp.add_argument("--publish", action="store_true", help="导入后立即发布")
        imp.add_argument("--org", default=None, help="适用范围的单位代码（默认不限范围）")
        exp = sub.add_parser("export", help="导出一个版本")
        exp.add_argument("code")
        exp.add_argument("--format", choices=["yaml", "xlsx"], default="yaml")
        exp.add_argument("-o", "--output", default=None, help="输出文件（YAML 默认输出到屏幕）")
        dif = sub.add_parser("diff", help="对比两个版本（新增/删除/修改的星、标准和细则）")
        dif.add_argument("code_a")
        dif.add_argument("code_b")
        sub.add_parser("load-shipped", help="导入并发布内置的濮阳县农村、社区标准（可重复执行）")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "import":
                return self._import(options)
            if action == "export":
                return self._export(options)
            if action == "diff":
                return self._diff(options)
            return self._load_shipped(options)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc

    def _version(self, code: str) -> FrameworkVersion:
        version = FrameworkVersion.objects.filter(code=code).first()
        if version is None:
            raise CommandError(f"创建标准版本 {code} 不存在")
        return version

    def _import(self, options):
        org = None
        if options["org"]:
            org = OrgUnit.objects.filter(code=options["org"]).first()
            if org is None:
                raise CommandError(f"单位 {options['org']} 不存在")
        version = services.import_framework(Path(options["file"]), None, org, publish=options["publish"])
        self.stdout.write(self.style.SUCCESS(
            f"已导入 {version.code}（{version.get_status_display()}）：{version.star_count} 颗星、"
            f"{version.standard_count} 条标准、{version.rule_count} 条细则"))

    def _export(self, options):
        version = self._version(options["code"])
        out = options["output"]
        if options["format"] == "xlsx":
            if not out:
                raise CommandError("导出 Excel 需要用 -o 指定输出文件")
            Path(out).write_bytes(excel_io.export(version.data))
        else:
            text = yaml_io.dump(version.data, header=True)
            if not out:
                self.stdout.write(text, ending="")
                return
            Path(out).write_text(text, encoding="utf-8")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"已导出 {version.code} → {out}"))

    def _diff(self, options):
        a, b = self._version(options["code_a"]), self._version(options["code_b"])
        self.stdout.write(diff(a.data, b.data).as_text())

    def _load_shipped(self, options):
        for code, what in services.load_shipped():
            if what == "conflict":
                self.stderr.write(f"{code}：{LOAD_SHIPPED_WORDS[what]}")
            elif what != "unchanged" or options["verbosity"] >= 2:
                if options["verbosity"] >= 1:
                    self.stdout.write(f"{code}：{LOAD_SHIPPED_WORDS[what]}")
