"""`fivestar restore PATH`: restore a `fivestar backup` archive into an empty instance (SQLite or PostgreSQL,
whichever engine made the archive); fivestar/core/backup.py says what is checked before anything changes."""

from django.core.management.base import BaseCommand, CommandError

from fivestar.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 fivestar backup 的归档恢复到空实例（先校验全部校验值，再迁移、导入数据和文件）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份归档（.zip）")

    def handle(self, *args, path, **options):
        try:
            result = restore(path, say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result["manifest"]
        self.stdout.write(
            f"恢复完成：备份制作于 {manifest['created_at']}（{manifest['database_engine']}，版本 {manifest['app_version']}）；"
            f"导入 {len(result['rows'])} 类数据共 {sum(result['rows'].values())} 行，文件 {result['files']} 个。"
        )
        for label, rows in sorted(result["rows"].items()):
            if rows:
                self.stdout.write(f"  {label}：{rows} 行")
        if manifest.get("skipped"):
            self.stdout.write("未包含在备份中（按设计）：" + "、".join(sorted(manifest["skipped"])))
