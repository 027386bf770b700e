"""`fivestar backup [--output PATH]`: one consistent archive of the database, the files and a manifest,
written while the app runs (fivestar/core/backup.py says how)."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from fivestar.core.backup import backup


class Command(BaseCommand):
    help = "备份数据库和文件到一个 zip 归档（含校验清单），可在系统运行时进行"

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="归档文件路径（默认 var/backups/fivestar-backup-时间.zip）")

    def handle(self, *args, output=None, **options):
        if not output:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.VAR_DIR) / "backups" / f"fivestar-backup-{stamp}.zip"
        output = Path(output)
        self.stdout.write(f"正在备份到 {output} …")
        manifest = backup(output, say=self.stdout.write)
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"备份完成：{output}（{output.stat().st_size} 字节）；数据库 {manifest['database_engine']}，"
            f"{len(manifest['row_counts'])} 类数据共 {rows} 行，文件 {manifest['files']} 个。"
        )
        if manifest["missing_files"]:
            self.stderr.write(f"注意：有 {len(manifest['missing_files'])} 个数据库记录引用的文件在存储中不存在（已记入清单 missing_files）。")
