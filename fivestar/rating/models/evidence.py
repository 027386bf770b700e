"""Evidence files (photos, documents, ledgers): stored once, referenced by any number of rules."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit


def evidence_path(instance, filename):
    return f"evidence/{instance.org_unit.code}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


def thumbnail_path(instance, filename):
    return f"evidence/{instance.org_unit.code}/thumbs/{instance.sha256}.jpg"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", "照片"
        DOCUMENT = "document", "文件"
        LEDGER = "ledger", "台账/记录"

    org_unit = models.ForeignKey(OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    file = models.FileField("文件", upload_to=evidence_path, max_length=300)
    thumbnail = models.ImageField("缩略图", upload_to=thumbnail_path, max_length=300, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    extension = models.CharField("扩展名", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("校验值", max_length=64, db_index=True)
    captured_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+")
    description = models.CharField("说明", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name
