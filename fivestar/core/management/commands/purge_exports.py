"""`fivestar purge_exports`: remove the files of exports older than EXPORT_RETENTION_DAYS (the scheduler runs it)."""

from django.core.management.base import BaseCommand

from fivestar.core import retention


class Command(BaseCommand):
    help = "清理超过保留期限的导出文件（保留导出记录）"

    def handle(self, *args, **options):
        removed = retention.purge()
        summary = "，".join(f"{name} {n} 个" for name, n in removed.items() if n) or "没有需要清理的文件"
        self.stdout.write(f"导出文件清理（保留 {retention.retention_days()} 天）：{summary}")
